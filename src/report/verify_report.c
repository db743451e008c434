/*
 * verify_report.c — the verification report as JSON and as a table.
 */
#include "json.h"
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *check_json(const scar_verify_check *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(c->id));
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "status", json_string(c->skipped ? "skipped" : c->pass ? "pass" : "FAIL"));
    if (!c->skipped) {
        json_object_set_new(o, "value", scar_json_real(c->value, 6));
        json_object_set_new(o, "criterion", json_string(c->relation));
        json_object_set_new(o, "limit", scar_json_real(c->limit, 6));
    }
    json_object_set_new(o, "detail", json_string(c->detail));
    return o;
}

static char *table(const scar_verify_report *r)
{
    size_t cap = 8192 + r->n * 512, len = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    len += (size_t)snprintf(s + len, cap - len, "%-4s %-6s %-62s %s\n", "id", "status", "check",
                            "measured");
    for (size_t i = 0; i < r->n; i++) {
        const scar_verify_check *c = &r->checks[i];
        char meas[64] = "";
        if (!c->skipped)
            snprintf(meas, sizeof meas, "%.4g (%s %.3g)", c->value, c->relation, c->limit);
        len += (size_t)snprintf(s + len, cap - len, "%-4s %-6s %-62s %s\n     %s\n", c->id,
                                c->skipped ? "skip" : c->pass ? "pass" : "FAIL", c->name, meas,
                                c->detail);
    }
    snprintf(s + len, cap - len, "\n%s in %.1f s\n",
             r->pass ? "All checks passed" : "SOME CHECKS FAILED", r->seconds);
    return s;
}

scar_status scar_verify(scar_ctx *ctx, bool quick, char **json_text, char **text, bool *pass)
{
    *json_text = *text = NULL;
    scar_verify_report *r = scar_malloc(ctx, sizeof *r);
    if (!r)
        return SCAR_ENOMEM;
    scar_status st = scar_verify_run(ctx, quick, r);
    if (st) {
        free(r);
        return st;
    }
    *pass = r->pass;
    json_t *root = json_object(), *arr = json_array();
    json_object_set_new(root, "provenance", scar_json_provenance(ctx));
    json_object_set_new(root, "pass", json_boolean(r->pass));
    json_object_set_new(root, "quick", json_boolean(quick));
    json_object_set_new(root, "seconds", scar_json_real(r->seconds, 3));
    for (size_t i = 0; i < r->n; i++)
        json_array_append_new(arr, check_json(&r->checks[i]));
    json_object_set_new(root, "checks", arr);
    st = scar_json_dumps(ctx, root, json_text);
    json_decref(root);
    if (!st) {
        *text = table(r);
        if (!*text) {
            free(*json_text);
            *json_text = NULL;
            st = SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory formatting the report");
        }
    }
    free(r);
    return st;
}
