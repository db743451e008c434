/*
 * trial_json.c — trial.json of a trial replay (also `trial --json`):
 * provenance, options, the varied parameters, a summary and one object per
 * arm, with the keys of DESIGN.md.  An unknown number is null, never 0.
 */
#include "trial_report.h"

#include "json.h"
#include "trial_internal.h"

#include <math.h>

static json_t *bands_json(scar_jb *b, const double *v)
{
    static const char *const names[4] = {"excellent", "good", "fair", "poor"};
    json_t *j = json_object();
    for (int k = 0; k < 4; k++)
        scar_jb_put(b, j, names[k], scar_json_real(v[k], 5));
    return j;
}

static json_t *protocol_json(scar_jb *b, const proto_view *pv)
{
    json_t *j = json_object(), *adj = json_array();
    scar_jb_put(b, j, "from",
        json_string(pv->simulated ? "simulated: the table's protocol with the "
                                    "defaults listed under assumptions"
                                  : "table: the protocol_* columns as given"));
    scar_jb_put(b, j, "device", scar_json_str(pv->device));
    scar_jb_put(b, j, "needle_mm", scar_json_real(pv->needle_mm, 4));
    scar_jb_put(b, j, "sessions", pv->sessions >= 0 ? json_integer(pv->sessions) : json_null());
    scar_jb_put(b, j, "interval_weeks", scar_json_real(pv->interval_weeks, 4));
    scar_jb_put(b, j, "follow_up_weeks", scar_json_real(pv->follow_up_weeks, 4));
    for (int k = 0; k < SCAR_ADJ_COUNT; k++)
        if (pv->adjunct[k])
            scar_jb_push(b, adj, json_string(scar_adjunct_name((scar_adjunct)k)));
    scar_jb_put(b, j, "adjuncts", adj);
    return j;
}

static json_t *arm_json(scar_jb *b, const scar_trial_result *r, size_t k)
{
    arm_view v;
    trial_view_make(r, k, &v);
    const scar_trial_arm *a = v.a;
    const scar_arm_plan *p = v.p;
    json_t *j = json_object();
    scar_jb_put(b, j, "study_id", scar_json_str(a->study_id));
    scar_jb_put(b, j, "arm", scar_json_str(a->arm));
    scar_jb_put(b, j, "line", json_integer(a->line));
    scar_jb_put(b, j, "design", json_string(scar_trial_design_name(a->design)));
    scar_jb_put(b, j, "design_text", scar_json_str(a->design_text));
    scar_jb_put(b, j, "blinded", json_boolean(p->blinded));
    scar_jb_put(b, j, "scale", json_string(scar_scale_name(p->scale)));
    scar_jb_put(b, j, "scale_text", scar_json_str(a->scale));
    scar_jb_put(b, j, "scale_unit", json_string(trial_scale_unit(p->scale)));
    scar_jb_put(b, j, "simulated", json_boolean(v.pred));
    scar_jb_put(b, j, "why_not", v.pred ? json_null() : scar_json_str(v.why_not));
    json_t *as = json_array();
    for (int i = 0; i < p->nassumed; i++)
        scar_jb_push(b, as, scar_json_str(p->assumed[i]));
    scar_jb_put(b, j, "assumptions", as);
    scar_jb_put(b, j, "protocol", protocol_json(b, &v.proto));
    if (v.pred) {
        scar_jb_put(b, j, "fitzpatrick", json_pack("[i,i]", p->fitz_lo, p->fitz_hi));
        json_t *ty = json_array();
        for (int t = 0; t < SCAR_TYPE_COUNT; t++)
            if (p->types[t])
                scar_jb_push(b, ty, json_string(scar_type_name((scar_type)t)));
        scar_jb_put(b, j, "scar_types", ty);
    } else {
        scar_jb_put(b, j, "fitzpatrick", json_null());
        scar_jb_put(b, j, "scar_types", json_null());
    }
    scar_jb_put(b, j, "n_published", a->n_patients >= 0 ? json_integer(a->n_patients) : json_null());
    scar_jb_put(b, j, "patients", json_integer(v.pred ? v.s->n : 0));
    scar_jb_put(b, j, "published_improvement_pct", scar_json_real(v.pub, 5));
    scar_jb_put(b, j, "published_improvement_source",
        !isfinite(v.pub) ? json_null()
        : v.pub_computed ? json_string("computed: 100 (1 - final mean / baseline mean)")
                         : json_string("reported"));
    scar_jb_put(b, j, "predicted_improvement_pct", scar_json_real(v.imp, 5));
    scar_jb_put(b, j, "predicted_ci95", scar_jb_pair(b, v.lo, v.hi, 5));
    scar_jb_put(b, j, "predicted_sd_pct", scar_json_real(v.sd, 4));
    scar_jb_put(b, j, "gap_points", scar_json_real(v.gap, 4));
    scar_jb_put(b, j, "within_15_points",
        isfinite(v.gap) ? json_boolean(fabs(v.gap) <= BAR_POINTS) : json_null());
    scar_jb_put(b, j, "published_responder_pct", scar_json_real(v.pub_resp, 5));
    scar_jb_put(b, j, "published_responder_def", scar_json_str(a->responder_def));
    scar_jb_put(b, j, "predicted_responder_pct", scar_json_real(v.resp, 5));
    scar_jb_put(b, j, "predicted_responder_ci95", scar_jb_pair(b, v.resp_lo, v.resp_hi, 5));
    scar_jb_put(b, j, "responder_rule", v.pred ? scar_json_str(v.s->responder_rule) : json_null());
    scar_jb_put(b, j, "predicted_bands", bands_json(b, v.bands));
    scar_jb_put(b, j, "published_bands", bands_json(b, v.pub_bands));
    scar_jb_put(b, j, "before_mean", scar_json_real(v.before, 5));
    scar_jb_put(b, j, "after_mean", scar_json_real(v.after, 5));
    scar_jb_put(b, j, "predicted_change_on_scale", scar_json_real(v.change, 5));
    scar_jb_put(b, j, "published_baseline_mean", scar_json_real(a->baseline_score_mean, 5));
    scar_jb_put(b, j, "published_baseline_sd", scar_json_real(a->baseline_score_sd, 5));
    scar_jb_put(b, j, "published_final_mean", scar_json_real(a->final_score_mean, 5));
    scar_jb_put(b, j, "published_final_sd", scar_json_real(a->final_score_sd, 5));
    scar_jb_put(b, j, "published_change_on_scale", scar_json_real(v.pub_change, 5));
    json_t *dr = json_object();
    if (v.pred)
        for (int t = 0; t < SCAR_TYPE_COUNT; t++)
            if (p->types[t] && isfinite(v.s->depth_resp_pct[t]))
                scar_jb_put(b, dr, scar_type_name((scar_type)t), scar_json_real(v.s->depth_resp_pct[t], 4));
    scar_jb_put(b, j, "depth_response_pct", dr);
    scar_jb_put(b, j, "volume_improvement_pct", scar_json_real(v.vol, 5));
    scar_jb_put(b, j, "erythema_days", scar_json_real(v.ery, 4));
    return j;
}

static json_t *summary_json(scar_jb *b, const tally *t)
{
    json_t *j = json_object();
    scar_jb_put(b, j, "arms", json_integer((json_int_t)t->n));
    scar_jb_put(b, j, "arms_simulated", json_integer(t->simulated));
    scar_jb_put(b, j, "bar",
        json_string("predicted mean improvement within 15 points of the published "
                    "one, on the arm's own scale"));
    scar_jb_put(b, j, "simulated_with_published_improvement", json_integer(t->with_pub));
    scar_jb_put(b, j, "within_15_points", json_integer(t->within));
    scar_jb_put(b, j, "simulated_with_published_responders", json_integer(t->with_pub_resp));
    scar_jb_put(b, j, "responders_within_15_points", json_integer(t->within_resp));
    static const char *const names[2] = {"open_label", "blinded"};
    for (int k = 0; k < 2; k++) {
        const group *g = &t->g[k];
        json_t *o = json_object();
        scar_jb_put(b, o, "arms_simulated", json_integer(g->arms));
        scar_jb_put(b, o, "with_published_improvement", json_integer(g->with_pub));
        scar_jb_put(b, o, "within_15_points", json_integer(g->within));
        scar_jb_put(b, o, "mean_published_improvement_pct",
            scar_json_real(trial_group_mean(g, g->sum_pub), 5));
        scar_jb_put(b, o, "mean_predicted_improvement_pct",
            scar_json_real(trial_group_mean(g, g->sum_pred), 5));
        scar_jb_put(b, o, "mean_gap_points", scar_json_real(trial_group_mean(g, g->sum_gap), 4));
        scar_jb_put(b, j, names[k], o);
    }
    return j;
}

json_t *scar_trial_to_json(scar_ctx *ctx, const scar_trial_result *r)
{
    scar_jb b = {true};
    json_t *root = json_object();
    scar_jb_put(&b, root, "provenance", scar_json_provenance(ctx));
    scar_jb_put(&b, root, "disclaimer", json_string(SCAR_DISCLAIMER));
    scar_jb_put(&b, root, "table", scar_json_str(r->table->path));
    json_t *o = json_object();
    scar_jb_put(&b, o, "patients", json_integer(r->opts.patients));
    scar_jb_put(&b, o, "dx_um", scar_json_real(r->opts.dx_um, 6));
    scar_jb_put(&b, o, "patch_mm", scar_json_real(r->opts.patch_mm, 6));
    scar_jb_put(&b, o, "seed", json_integer((json_int_t)r->opts.seed));
    scar_jb_put(&b, o, "vary_params", json_boolean(r->opts.vary_params));
    scar_jb_put(&b, o, "ranks", json_integer(r->ranks));
    scar_jb_put(&b, o, "seconds", scar_json_real(r->seconds, 4));
    scar_jb_put(&b, o, "patient_seconds", scar_json_real(r->patient_seconds, 4));
    scar_jb_put(&b, root, "options", o);
    json_t *vp = json_array();
    for (size_t i = 0; i < scar_cohort_varied_count(); i++) {
        const scar_varied_param *q = scar_cohort_varied_at(i);
        scar_param_info info;
        int row = scar_params_find(q->name);
        bool have = row >= 0 && scar_params_info(r->params, (size_t)row, &info);
        json_t *e = json_object();
        scar_jb_put(&b, e, "name", json_string(q->name));
        scar_jb_put(&b, e, "why", json_string(q->why));
        scar_jb_put(&b, e, "unit", have ? scar_json_str(info.unit) : json_null());
        scar_jb_put(&b, e, "value", have ? scar_json_real(info.value, 6) : json_null());
        scar_jb_put(&b, e, "range", have ? scar_jb_pair(&b, info.lo, info.hi, 6) : scar_jb_pair(&b, NAN, NAN, 6));
        scar_jb_push(&b, vp, e);
    }
    scar_jb_put(&b, root, "varied_params", vp);
    tally t;
    trial_tally_make(r, &t);
    scar_jb_put(&b, root, "summary", summary_json(&b, &t));
    json_t *arms = json_array();
    for (size_t k = 0; k < r->table->n; k++)
        scar_jb_push(&b, arms, arm_json(&b, r, k));
    scar_jb_put(&b, root, "arms", arms);
    scar_trial_contrast c[64];
    size_t nc = scar_trial_contrasts(r, c, 64);
    json_t *cs = json_array();
    for (size_t k = 0; k < nc && k < 64; k++) {
        json_t *e = json_object();
        scar_jb_put(&b, e, "study_id", scar_json_str(r->table->arms[c[k].with].study_id));
        scar_jb_put(&b, e, "with", scar_json_str(r->table->arms[c[k].with].arm));
        scar_jb_put(&b, e, "without", scar_json_str(r->table->arms[c[k].without].arm));
        scar_jb_put(&b, e, "measure", json_string(c[k].measure));
        scar_jb_put(&b, e, "published_difference", scar_json_real(c[k].published_diff, 4));
        scar_jb_put(&b, e, "predicted_difference", scar_json_real(c[k].predicted_diff, 4));
        scar_jb_put(&b, e, "same_direction", c[k].agree < 0 ? json_null() : json_boolean(c[k].agree));
        scar_jb_put(&b, e, "predicted_depth_response_difference", scar_json_real(c[k].depth_diff, 4));
        scar_jb_put(&b, e, "same_direction_in_depth",
                    c[k].agree_depth < 0 ? json_null() : json_boolean(c[k].agree_depth));
        scar_jb_push(&b, cs, e);
    }
    scar_jb_put(&b, root, "combination_contrasts", cs);
    if (!b.ok) {
        json_decref(root);
        SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory building trial.json");
        return NULL;
    }
    return root;
}
