/*
 * json.c — jansson helpers.
 */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scar_git_hash.h"

scar_status scar_json_dumps(scar_ctx *ctx, const json_t *j, char **out)
{
    *out = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (!*out)
        return SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory serialising JSON");
    return SCAR_OK;
}

scar_status scar_json_write_file(scar_ctx *ctx, const json_t *j, const char *path)
{
    char *text;
    scar_status st = scar_json_dumps(ctx, j, &text);
    if (st)
        return st;
    size_t n = strlen(text);
    char *buf = scar_malloc(ctx, n + 2);
    if (!buf) {
        free(text);
        return SCAR_ENOMEM;
    }
    memcpy(buf, text, n);
    buf[n] = '\n';
    buf[n + 1] = '\0';
    free(text);
    st = scar_write_file(ctx, path, buf, n + 1);
    free(buf);
    return st;
}

json_t *scar_json_real(double v, int digits)
{
    if (!isfinite(v))
        return json_null();
    if (v == 0.0)
        return json_real(0.0);
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", digits, v);
    return json_real(strtod(buf, NULL));
}

json_t *scar_json_provenance(const scar_ctx *ctx)
{
    return json_pack("{s:s, s:s, s:I}", "version", SCAR_VERSION, "git", SCAR_GIT_HASH,
                     "seed", (json_int_t)scar_ctx_seed(ctx));
}

json_t *scar_json_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

void scar_jb_put(scar_jb *b, json_t *o, const char *key, json_t *v)
{
    if (!o) {
        json_decref(v);
        b->ok = false;
        return;
    }
    /* json_object_set_new takes v even when it fails */
    if (!v || json_object_set_new(o, key, v))
        b->ok = false;
}

void scar_jb_push(scar_jb *b, json_t *arr, json_t *v)
{
    if (!arr) {
        json_decref(v);
        b->ok = false;
        return;
    }
    if (!v || json_array_append_new(arr, v))
        b->ok = false;
}

json_t *scar_jb_pair(scar_jb *b, double lo, double hi, int digits)
{
    json_t *j = json_array();
    scar_jb_push(b, j, scar_json_real(lo, digits));
    scar_jb_push(b, j, scar_json_real(hi, digits));
    return j;
}
