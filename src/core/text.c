/*
 * text.c — small text helpers shared by the input readers.
 */
#include "core.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Levenshtein distance where a change of case costs 1 and any other edit 2,
 * so "K_E" suggests K_e before k_e.  Names longer than the buffer are
 * compared on their first 63 characters: enough to suggest a table name. */
unsigned scar_edit_distance(const char *a, const char *b)
{
    enum { N = 64 };
    size_t na = strnlen(a, N - 1), nb = strnlen(b, N - 1);
    unsigned prev[N], cur[N];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = 2u * (unsigned)j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = 2u * (unsigned)i;
        for (size_t j = 1; j <= nb; j++) {
            unsigned sub = a[i - 1] == b[j - 1] ? 0u
                           : tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1])
                               ? 1u
                               : 2u;
            unsigned best = prev[j - 1] + sub;
            if (prev[j] + 2u < best)
                best = prev[j] + 2u;
            if (cur[j - 1] + 2u < best)
                best = cur[j - 1] + 2u;
            cur[j] = best;
        }
        memcpy(prev, cur, (nb + 1) * sizeof prev[0]);
    }
    return prev[nb];
}

char *scar_path_join(scar_ctx *ctx, const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = scar_malloc(ctx, n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

scar_status scar_read_text(scar_ctx *ctx, const char *path, size_t max_bytes, const char *what,
                           char **out, size_t *len)
{
    scar_status st = SCAR_OK;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    struct stat sb;
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                             "expected a readable %s, found none: %s", what, strerror(errno));
    if (fstat(fileno(f), &sb) != 0 || S_ISDIR(sb.st_mode)) {
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected a %s file, found a folder", what);
        goto done;
    }
    /* refused before reading; a pipe has no size, so the reading stops one
     * byte past the limit as well */
    if (S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size > max_bytes) {
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected a %s of at most %zu bytes, found %jd bytes", what, max_bytes,
                           (intmax_t)sb.st_size);
        goto done;
    }
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes)
                break;
            size_t ncap = cap ? 2 * cap : 65536;
            if (ncap > max_bytes + 1)
                ncap = max_bytes + 1;
            char *nb = scar_realloc(ctx, buf, ncap);
            if (!nb) {
                st = SCAR_ENOMEM;
                goto done;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected a readable %s, found a read error: %s", what, strerror(errno));
        goto done;
    }
    if (n > max_bytes) {
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected a %s of at most %zu bytes, found a larger file", what,
                           max_bytes);
        goto done;
    }
    *out = buf;
    *len = n;
    buf = NULL;
done:
    fclose(f);
    free(buf);
    return st;
}

void scar_csv_text(FILE *f, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    bool q = strpbrk(s, ",\"\r\n") != NULL || (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
    if (!q) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Base64 by hand: twenty lines, where a library would add a dependency for
 * one call (none of those scarsim links exports an encoder). */
char *scar_base64(scar_ctx *ctx, const char *prefix, const void *data, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    size_t lp = strlen(prefix);
    char *out = scar_malloc(ctx, lp + 4 * ((n + 2) / 3) + 1);
    if (!out)
        return NULL;
    memcpy(out, prefix, lp);
    char *o = out + lp;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        *o++ = tab[(v >> 18) & 63];
        *o++ = tab[(v >> 12) & 63];
        *o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *o++ = i + 2 < n ? tab[v & 63] : '=';
    }
    *o = '\0';
    return out;
}
