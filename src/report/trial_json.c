/*
 * trial_json.c — trial.json of a trial replay (also `trial --json`):
 * provenance, options, the varied parameters, a summary and one object per
 * arm, with the keys of DESIGN.md.  An unknown number is null, never 0.
 */
#include "trial_report.h"

#include "json.h"
#include "trial_internal.h"

#include <math.h>

/* Building a document: any value that could not be made (memory) or set
 * marks the build failed, and it is reported once at the end. */
typedef struct jb {
    bool ok;
} jb;

static void put(jb *b, json_t *o, const char *key, json_t *v)
{
    if (!v || !o || json_object_set_new(o, key, v))
        b->ok = false;
}

static void push(jb *b, json_t *arr, json_t *v)
{
    if (!v || !arr || json_array_append_new(arr, v))
        b->ok = false;
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jpair(jb *b, double lo, double hi, int digits)
{
    json_t *j = json_array();
    push(b, j, scar_json_real(lo, digits));
    push(b, j, scar_json_real(hi, digits));
    return j;
}

static json_t *bands_json(jb *b, const double *v)
{
    static const char *const names[4] = {"excellent", "good", "fair", "poor"};
    json_t *j = json_object();
    for (int k = 0; k < 4; k++)
        put(b, j, names[k], scar_json_real(v[k], 5));
    return j;
}

static json_t *protocol_json(jb *b, const proto_view *pv)
{
    json_t *j = json_object(), *adj = json_array();
    put(b, j, "from",
        json_string(pv->simulated ? "simulated: the table's protocol with the "
                                    "defaults listed under assumptions"
                                  : "table: the protocol_* columns as given"));
    put(b, j, "device", jstr(pv->device));
    put(b, j, "needle_mm", scar_json_real(pv->needle_mm, 4));
    put(b, j, "sessions", pv->sessions >= 0 ? json_integer(pv->sessions) : json_null());
    put(b, j, "interval_weeks", scar_json_real(pv->interval_weeks, 4));
    put(b, j, "follow_up_weeks", scar_json_real(pv->follow_up_weeks, 4));
    for (int k = 0; k < SCAR_ADJ_COUNT; k++)
        if (pv->adjunct[k])
            push(b, adj, json_string(scar_adjunct_name((scar_adjunct)k)));
    put(b, j, "adjuncts", adj);
    return j;
}

static json_t *arm_json(jb *b, const scar_trial_result *r, size_t k)
{
    arm_view v;
    trial_view_make(r, k, &v);
    const scar_trial_arm *a = v.a;
    const scar_arm_plan *p = v.p;
    json_t *j = json_object();
    put(b, j, "study_id", jstr(a->study_id));
    put(b, j, "arm", jstr(a->arm));
    put(b, j, "line", json_integer(a->line));
    put(b, j, "design", json_string(scar_trial_design_name(a->design)));
    put(b, j, "design_text", jstr(a->design_text));
    put(b, j, "blinded", json_boolean(p->blinded));
    put(b, j, "scale", json_string(scar_scale_name(p->scale)));
    put(b, j, "scale_text", jstr(a->scale));
    put(b, j, "scale_unit", json_string(trial_scale_unit(p->scale)));
    put(b, j, "simulated", json_boolean(v.pred));
    put(b, j, "why_not", v.pred ? json_null() : jstr(v.why_not));
    json_t *as = json_array();
    for (int i = 0; i < p->nassumed; i++)
        push(b, as, jstr(p->assumed[i]));
    put(b, j, "assumptions", as);
    put(b, j, "protocol", protocol_json(b, &v.proto));
    if (v.pred) {
        put(b, j, "fitzpatrick", json_pack("[i,i]", p->fitz_lo, p->fitz_hi));
        json_t *ty = json_array();
        for (int t = 0; t < SCAR_TYPE_COUNT; t++)
            if (p->types[t])
                push(b, ty, json_string(scar_type_name((scar_type)t)));
        put(b, j, "scar_types", ty);
    } else {
        put(b, j, "fitzpatrick", json_null());
        put(b, j, "scar_types", json_null());
    }
    put(b, j, "n_published", a->n_patients >= 0 ? json_integer(a->n_patients) : json_null());
    put(b, j, "patients", json_integer(v.pred ? v.s->n : 0));
    put(b, j, "published_improvement_pct", scar_json_real(v.pub, 5));
    put(b, j, "published_improvement_source",
        !isfinite(v.pub) ? json_null()
        : v.pub_computed ? json_string("computed: 100 (1 - final mean / baseline mean)")
                         : json_string("reported"));
    put(b, j, "predicted_improvement_pct", scar_json_real(v.imp, 5));
    put(b, j, "predicted_ci95", jpair(b, v.lo, v.hi, 5));
    put(b, j, "predicted_sd_pct", scar_json_real(v.sd, 4));
    put(b, j, "gap_points", scar_json_real(v.gap, 4));
    put(b, j, "within_15_points",
        isfinite(v.gap) ? json_boolean(fabs(v.gap) <= BAR_POINTS) : json_null());
    put(b, j, "published_responder_pct", scar_json_real(v.pub_resp, 5));
    put(b, j, "published_responder_def", jstr(a->responder_def));
    put(b, j, "predicted_responder_pct", scar_json_real(v.resp, 5));
    put(b, j, "predicted_responder_ci95", jpair(b, v.resp_lo, v.resp_hi, 5));
    put(b, j, "responder_rule", v.pred ? jstr(v.s->responder_rule) : json_null());
    put(b, j, "predicted_bands", bands_json(b, v.bands));
    put(b, j, "published_bands", bands_json(b, v.pub_bands));
    put(b, j, "before_mean", scar_json_real(v.before, 5));
    put(b, j, "after_mean", scar_json_real(v.after, 5));
    put(b, j, "predicted_change_on_scale", scar_json_real(v.change, 5));
    put(b, j, "published_baseline_mean", scar_json_real(a->baseline_score_mean, 5));
    put(b, j, "published_baseline_sd", scar_json_real(a->baseline_score_sd, 5));
    put(b, j, "published_final_mean", scar_json_real(a->final_score_mean, 5));
    put(b, j, "published_final_sd", scar_json_real(a->final_score_sd, 5));
    put(b, j, "published_change_on_scale", scar_json_real(v.pub_change, 5));
    json_t *dr = json_object();
    if (v.pred)
        for (int t = 0; t < SCAR_TYPE_COUNT; t++)
            if (p->types[t] && isfinite(v.s->depth_resp_pct[t]))
                put(b, dr, scar_type_name((scar_type)t), scar_json_real(v.s->depth_resp_pct[t], 4));
    put(b, j, "depth_response_pct", dr);
    put(b, j, "volume_improvement_pct", scar_json_real(v.vol, 5));
    put(b, j, "erythema_days", scar_json_real(v.ery, 4));
    return j;
}

static json_t *summary_json(jb *b, const tally *t)
{
    json_t *j = json_object();
    put(b, j, "arms", json_integer((json_int_t)t->n));
    put(b, j, "arms_simulated", json_integer(t->simulated));
    put(b, j, "bar",
        json_string("predicted mean improvement within 15 points of the published "
                    "one, on the arm's own scale"));
    put(b, j, "simulated_with_published_improvement", json_integer(t->with_pub));
    put(b, j, "within_15_points", json_integer(t->within));
    put(b, j, "simulated_with_published_responders", json_integer(t->with_pub_resp));
    put(b, j, "responders_within_15_points", json_integer(t->within_resp));
    static const char *const names[2] = {"open_label", "blinded"};
    for (int k = 0; k < 2; k++) {
        const group *g = &t->g[k];
        json_t *o = json_object();
        put(b, o, "arms_simulated", json_integer(g->arms));
        put(b, o, "with_published_improvement", json_integer(g->with_pub));
        put(b, o, "within_15_points", json_integer(g->within));
        put(b, o, "mean_published_improvement_pct",
            scar_json_real(trial_group_mean(g, g->sum_pub), 5));
        put(b, o, "mean_predicted_improvement_pct",
            scar_json_real(trial_group_mean(g, g->sum_pred), 5));
        put(b, o, "mean_gap_points", scar_json_real(trial_group_mean(g, g->sum_gap), 4));
        put(b, j, names[k], o);
    }
    return j;
}

json_t *scar_trial_to_json(scar_ctx *ctx, const scar_trial_result *r)
{
    jb b = {true};
    json_t *root = json_object();
    put(&b, root, "provenance", scar_json_provenance(ctx));
    put(&b, root, "disclaimer", json_string(SCAR_DISCLAIMER));
    put(&b, root, "table", jstr(r->table->path));
    json_t *o = json_object();
    put(&b, o, "patients", json_integer(r->opts.patients));
    put(&b, o, "dx_um", scar_json_real(r->opts.dx_um, 6));
    put(&b, o, "patch_mm", scar_json_real(r->opts.patch_mm, 6));
    put(&b, o, "seed", json_integer((json_int_t)r->opts.seed));
    put(&b, o, "vary_params", json_boolean(r->opts.vary_params));
    put(&b, o, "ranks", json_integer(r->ranks));
    put(&b, o, "seconds", scar_json_real(r->seconds, 4));
    put(&b, o, "patient_seconds", scar_json_real(r->patient_seconds, 4));
    put(&b, root, "options", o);
    json_t *vp = json_array();
    for (size_t i = 0; i < scar_cohort_varied_count(); i++) {
        const scar_varied_param *q = scar_cohort_varied_at(i);
        scar_param_info info;
        int row = scar_params_find(q->name);
        bool have = row >= 0 && scar_params_info(r->params, (size_t)row, &info);
        json_t *e = json_object();
        put(&b, e, "name", json_string(q->name));
        put(&b, e, "why", json_string(q->why));
        put(&b, e, "unit", have ? jstr(info.unit) : json_null());
        put(&b, e, "value", have ? scar_json_real(info.value, 6) : json_null());
        put(&b, e, "range", have ? jpair(&b, info.lo, info.hi, 6) : jpair(&b, NAN, NAN, 6));
        push(&b, vp, e);
    }
    put(&b, root, "varied_params", vp);
    tally t;
    trial_tally_make(r, &t);
    put(&b, root, "summary", summary_json(&b, &t));
    json_t *arms = json_array();
    for (size_t k = 0; k < r->table->n; k++)
        push(&b, arms, arm_json(&b, r, k));
    put(&b, root, "arms", arms);
    scar_trial_contrast c[64];
    size_t nc = scar_trial_contrasts(r, c, 64);
    json_t *cs = json_array();
    for (size_t k = 0; k < nc && k < 64; k++) {
        json_t *e = json_object();
        put(&b, e, "study_id", jstr(r->table->arms[c[k].with].study_id));
        put(&b, e, "with", jstr(r->table->arms[c[k].with].arm));
        put(&b, e, "without", jstr(r->table->arms[c[k].without].arm));
        put(&b, e, "measure", json_string(c[k].measure));
        put(&b, e, "published_difference", scar_json_real(c[k].published_diff, 4));
        put(&b, e, "predicted_difference", scar_json_real(c[k].predicted_diff, 4));
        put(&b, e, "same_direction", c[k].agree < 0 ? json_null() : json_boolean(c[k].agree));
        push(&b, cs, e);
    }
    put(&b, root, "combination_contrasts", cs);
    if (!b.ok) {
        json_decref(root);
        SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory building trial.json");
        return NULL;
    }
    return root;
}
