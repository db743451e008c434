/*
 * io_gsf.c — Gwyddion Simple Field 1.0 (http://gwyddion.net/documentation/
 * user-guide-en/gsf.html): a magic line, "Key = Value" lines, 1-4 NUL bytes
 * that pad the header to a multiple of 4, then XRes*YRes little-endian
 * float32, x fastest.
 *
 * Files are written in metres (XYUnits = m, ZUnits = m): Gwyddion's reader
 * takes unit strings without applying a power-of-ten prefix, so a file in
 * "um" would open a million times too tall there.  float32 metres hold a
 * height to one float rounding (relative 6e-8), not bit for bit.
 */
#include "io_internal.h"

#include "scar_git_hash.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "Gwyddion Simple Field 1.0\n"
#define MAGIC_SIZE (sizeof MAGIC - 1)
#define CHUNK 16384 /* samples converted per write */

typedef struct gsf_header {
    long long xres, yres;
    double xreal, yreal, xoff, yoff; /* in XYUnits */
    double xy_um, z_um;              /* micrometres per unit */
    long xres_line, yres_line;       /* 0 = the key is missing */
} gsf_header;

/* Reads up to and including the first NUL after the magic line into *hdr
 * (NUL-terminated); *len is the header's length in the file, magic included. */
static scar_status read_header(scar_ctx *ctx, const char *path, FILE *fp, char **hdr, size_t *len)
{
    char magic[MAGIC_SIZE + 1];
    size_t got = fread(magic, 1, MAGIC_SIZE, fp);
    if (got < MAGIC_SIZE || memcmp(magic, MAGIC, MAGIC_SIZE) != 0) {
        size_t k = 0;
        while (k < got && magic[k] != '\n')
            k++;
        char q[48];
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 1, 0, NULL,
                             "expected a Gwyddion Simple Field file starting with "
                             "'Gwyddion Simple Field 1.0', found '%s'",
                             io_quote(q, sizeof q, magic, k));
    }
    size_t n = 0, cap = 4096;
    char *buf = scar_malloc(ctx, cap);
    if (!buf)
        return SCAR_ENOMEM;
    int c;
    while ((c = getc(fp)) != EOF && c != '\0') {
        if (n + 1 >= cap) {
            if (cap >= IO_MAX_GSF_HEADER) {
                free(buf);
                return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                                     "expected a header of at most %u bytes ended by NUL "
                                     "padding, found a longer one",
                                     IO_MAX_GSF_HEADER);
            }
            char *p = scar_realloc(ctx, buf, cap * 2);
            if (!p) {
                free(buf);
                return SCAR_ENOMEM;
            }
            buf = p;
            cap *= 2;
        }
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    if (c == EOF) {
        free(buf);
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                             "expected the header to end with NUL padding, found the end of "
                             "the file (truncated?)");
    }
    *hdr = buf;
    *len = MAGIC_SIZE + n;
    return SCAR_OK;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static scar_status bad_value(scar_ctx *ctx, const char *path, long line, const char *key,
                             const char *what, const char *value)
{
    char q[64];
    return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, line, 0, key, "expected %s, found '%s'", what,
                         io_quote(q, sizeof q, value, strlen(value)));
}

/* One "Key = Value" line.  Keys scarsim does not use are Gwyddion metadata. */
static scar_status parse_line(scar_ctx *ctx, const char *path, long line, char *text, gsf_header *h)
{
    char *eq = strchr(text, '=');
    if (!eq) {
        char q[64];
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, line, 0, NULL,
                             "expected a 'Key = Value' header line, found '%s'",
                             io_quote(q, sizeof q, text, strlen(text)));
    }
    *eq = '\0';
    const char *key = trim(text), *val = trim(eq + 1);
    if (strcmp(key, "XRes") == 0 || strcmp(key, "YRes") == 0) {
        long long v;
        if (!io_parse_ll(val, &v))
            return bad_value(ctx, path, line, key, "a whole number of samples", val);
        if (key[0] == 'X') {
            h->xres = v;
            h->xres_line = line;
        } else {
            h->yres = v;
            h->yres_line = line;
        }
    } else if (strcmp(key, "XReal") == 0 || strcmp(key, "YReal") == 0) {
        double v;
        if (!io_parse_double(val, &v) || !(v > 0))
            return bad_value(ctx, path, line, key, "a positive length", val);
        *(key[0] == 'X' ? &h->xreal : &h->yreal) = v;
    } else if (strcmp(key, "XOffset") == 0 || strcmp(key, "YOffset") == 0) {
        double v;
        if (!io_parse_double(val, &v))
            return bad_value(ctx, path, line, key, "a finite offset", val);
        *(key[0] == 'X' ? &h->xoff : &h->yoff) = v;
    } else if (strcmp(key, "XYUnits") == 0 || strcmp(key, "ZUnits") == 0) {
        double um = io_unit_um(val);
        if (um == 0)
            return bad_value(ctx, path, line, key, "a length unit: m, mm, um or nm", val);
        *(key[0] == 'X' ? &h->xy_um : &h->z_um) = um;
    }
    return SCAR_OK;
}

static scar_status parse_header(scar_ctx *ctx, const char *path, char *hdr, gsf_header *h)
{
    /* Defaults of the GSF specification (XReal, YReal 1), in metres. */
    *h = (gsf_header){.xres = -1, .yres = -1, .xreal = 1, .yreal = 1, .xy_um = 1e6, .z_um = 1e6};
    long line = 2; /* the magic is line 1 */
    for (char *p = hdr; *p; line++) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        char *t = trim(p);
        if (*t) {
            scar_status st = parse_line(ctx, path, line, t, h);
            if (st)
                return st;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    const char *missing = h->xres_line == 0 ? "XRes" : h->yres_line == 0 ? "YRes" : NULL;
    if (missing)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, missing,
                             "expected a '%s = N' header line, found none", missing);
    return SCAR_OK;
}

scar_status io_gsf_read(scar_ctx *ctx, const char *path, const scar_read_opts *o,
                        scar_heightmap **out)
{
    (void)o; /* a GSF carries its own scale */
    *out = NULL;
    FILE *fp = NULL;
    char *hdr = NULL;
    scar_heightmap *hm = NULL;
    long long size;
    size_t hlen;
    gsf_header h;
    scar_status st = io_open_read(ctx, path, &fp, &size);
    if (st)
        return st;
    if ((st = read_header(ctx, path, fp, &hdr, &hlen)) || (st = parse_header(ctx, path, hdr, &h)))
        goto fail;

    /* Sizes, then the bytes they need, then the spacing: a zero XRes must
     * not reach the division, and a damaged file says so first. */
    st = io_check_size(ctx, path, h.xres, h.yres, 1, 1, "XRes", "YRes", NULL);
    if (st) {
        ctx->err.line = strcmp(ctx->err.field, "YRes") == 0 ? h.yres_line : h.xres_line;
        goto fail;
    }

    /* The padding: the header plus 1-4 NUL bytes make a multiple of 4. */
    size_t pad = 4 - hlen % 4;
    for (size_t k = 1; k < pad; k++) {
        if (getc(fp) != '\0') {
            st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                               "expected %zu NUL bytes padding the header to a multiple of 4, "
                               "found fewer",
                               pad);
            goto fail;
        }
    }
    long long n = h.xres * h.yres, data_off = (long long)(hlen + pad);
    if (size >= 0 && size - data_off != 4 * n) {
        long long have = size - data_off;
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected %lld samples (XRes %lld x YRes %lld, 4 bytes each) after "
                           "the header, found %lld bytes%s",
                           n, h.xres, h.yres, have,
                           have < 4 * n ? " (truncated)" : ", more than the header says");
        goto fail;
    }
    double dx_um = h.xreal * h.xy_um / (double)h.xres, dy_um = h.yreal * h.xy_um / (double)h.yres;
    st = io_check_size(ctx, path, h.xres, h.yres, dx_um, dy_um, "XRes", "YRes", "XReal, YReal");
    if (st)
        goto fail;
    st = scar_heightmap_create(ctx, (size_t)h.xres, (size_t)h.yres, dx_um, dy_um, &hm);
    if (st)
        goto fail;
    hm->x0_um = io_to_um(h.xoff, h.xy_um);
    hm->y0_um = io_to_um(h.yoff, h.xy_um);
    size_t got = fread(hm->z_um, 4, (size_t)n, fp);
    if (got != (size_t)n) {
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected %lld samples (XRes %lld x YRes %lld) after the header, "
                           "found %zu (truncated)",
                           n, h.xres, h.yres, got);
        goto fail;
    }
    /* In place: each float's own 4 bytes become that float in micrometres. */
    unsigned char *raw = (unsigned char *)hm->z_um;
    for (size_t k = 0; k < (size_t)n; k++) {
        uint32_t u = io_get_le32(raw + 4 * k);
        float v;
        memcpy(&v, &u, sizeof v);
        hm->z_um[k] = (float)io_to_um(v, h.z_um);
    }
    *out = hm;
    hm = NULL;
fail:
    scar_heightmap_destroy(&hm);
    free(hdr);
    fclose(fp);
    return st;
}

scar_status io_gsf_write(scar_ctx *ctx, const scar_heightmap *hm, const char *path)
{
    scar_afile *af = NULL;
    unsigned char *chunk = NULL;
    char hdr[1024];
    int len =
        snprintf(hdr, sizeof hdr,
                 MAGIC "XRes = %zu\nYRes = %zu\nXReal = %.17g\nYReal = %.17g\n"
                       "XOffset = %.17g\nYOffset = %.17g\nXYUnits = m\nZUnits = m\n"
                       "Title = scarsim height map\nScarsimVersion = %s (git %s)\n",
                 hm->nx, hm->ny, (double)hm->nx * hm->dx_um / 1e6, (double)hm->ny * hm->dy_um / 1e6,
                 hm->x0_um / 1e6, hm->y0_um / 1e6, SCAR_VERSION, SCAR_GIT_HASH);
    if (len < 0 || (size_t)len >= sizeof hdr - 4)
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "GSF header does not fit its buffer");
    size_t hl = (size_t)len, pad = 4 - hl % 4;
    memset(hdr + hl, 0, pad);
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *fp = scar_afile_stream(af);
    chunk = scar_malloc(ctx, 4 * CHUNK);
    if (!chunk) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    if (fwrite(hdr, 1, hl + pad, fp) != hl + pad)
        goto io_fail;
    size_t n = hm->nx * hm->ny;
    for (size_t k0 = 0; k0 < n; k0 += CHUNK) {
        size_t m = n - k0 < CHUNK ? n - k0 : CHUNK;
        for (size_t k = 0; k < m; k++) {
            /* Division by the exact 1e6 rounds once; a multiply by 1e-6 twice. */
            float v = (float)(hm->z_um[k0 + k] / 1e6);
            uint32_t u;
            memcpy(&u, &v, sizeof u);
            io_put_le32(chunk + 4 * k, u);
        }
        if (fwrite(chunk, 4, m, fp) != m)
            goto io_fail;
    }
    free(chunk);
    return scar_afile_commit(ctx, &af);
io_fail:
    st = SCAR_RAISE_AT(ctx, SCAR_EIO, path, 0, 0, NULL, "writing failed: %s", strerror(errno));
fail:
    free(chunk);
    scar_afile_abort(&af);
    return st;
}
