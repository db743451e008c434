/*
 * params_out.c — the effective parameter table as CSV and JSON, recorded in
 * every output folder (STYLE.md rule 11) so a result can be re-run from what
 * it carries.  Works only through scar_params_info: the table's layout stays
 * in params.c.
 */
#include "params.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shortest %g form that reads back as the same double: exact, yet 0.2
 * stays "0.2" rather than "0.20000000000000001". */
static void fmt_exact(char *buf, size_t n, double v)
{
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(buf, n, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void fmt_end(char *buf, size_t n, double v)
{
    if (isnan(v))
        scar_strlcpy(buf, "-", n);
    else
        fmt_exact(buf, n, v);
}

scar_status scar_params_write_csv(scar_ctx *ctx, const scar_params *p, const char *path)
{
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    fputs("symbol,value,unit,range_low,range_high,kind,overridden,source\n", f);
    for (size_t i = 0; i < scar_params_count(); i++) {
        scar_param_info in;
        scar_params_info(p, i, &in);
        char v[32], lo[32], hi[32];
        fmt_exact(v, sizeof v, in.value);
        fmt_end(lo, sizeof lo, in.lo);
        fmt_end(hi, sizeof hi, in.hi);
        scar_csv_text(f, in.name);
        fprintf(f, ",%s,", v);
        scar_csv_text(f, in.unit);
        fprintf(f, ",%s,%s,%s,%s,", lo, hi, scar_param_kind_name(in.kind),
                in.overridden ? "true" : "false");
        scar_csv_text(f, in.source);
        fputc('\n', f);
    }
    /* scar_afile_commit checks the stream's error flag and the flush. */
    return scar_afile_commit(ctx, &af);
}

/* Exact doubles (%.17g round-trips); the writer picks the printed precision. */
static json_t *json_num(double v)
{
    return isnan(v) ? json_null() : scar_json_real(v, 17);
}

/* [lo, hi] with null at an end that is not given; null when neither is. */
static json_t *range_json(const scar_param_info *in)
{
    if (isnan(in->lo) && isnan(in->hi))
        return json_null();
    json_t *a = json_array();
    if (a && (json_array_append_new(a, json_num(in->lo)) ||
              json_array_append_new(a, json_num(in->hi)))) {
        json_decref(a);
        a = NULL;
    }
    return a;
}

static json_t *row_json(const scar_param_info *in)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    /* json_object_set_new takes each reference, even when it fails, and ||
     * builds no value after a failure: nothing leaks. */
    if (json_object_set_new(o, "value", json_num(in->value)) ||
        json_object_set_new(o, "unit", json_string(in->unit)) ||
        json_object_set_new(o, "range", range_json(in)) ||
        json_object_set_new(o, "kind", json_string(scar_param_kind_name(in->kind))) ||
        json_object_set_new(o, "overridden", json_boolean(in->overridden)) ||
        json_object_set_new(o, "source", json_string(in->source))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *scar_params_to_json(scar_ctx *ctx, const scar_params *p)
{
    json_t *root = json_object();
    for (size_t i = 0; root && i < scar_params_count(); i++) {
        scar_param_info in;
        scar_params_info(p, i, &in);
        if (json_object_set_new(root, in.name, row_json(&in))) {
            json_decref(root);
            root = NULL;
        }
    }
    if (!root)
        SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory building the parameter table's JSON");
    return root;
}
