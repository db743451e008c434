/*
 * text.c — small text helpers shared by the input readers.
 */
#include "core.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

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
