/*
 * trial_view.c — one arm of a trial replay as every writer of its folder sees
 * it: the protocol reported, the predicted numbers beside the published ones
 * with a responder interval for a trial of the arm's size, and the whole
 * replay in a few numbers, open-label and blinded arms apart.
 */
#include "trial_internal.h"

#include <math.h>
#include <string.h>

const char *trial_txt(const char *s)
{
    return s ? s : "";
}

static void proto_make(const scar_trial_arm *a, const scar_arm_plan *p, bool simulated,
                       proto_view *v)
{
    v->simulated = simulated;
    if (simulated) {
        const scar_protocol *pr = &p->protocol;
        v->device = p->untreated ? "none" : scar_device_name(pr->device.kind);
        v->needle_mm = p->untreated ? NAN : pr->device.needle_mm;
        v->sessions = pr->sessions;
        v->interval_weeks = pr->sessions > 1 ? pr->interval_days / 7.0 : NAN;
        v->follow_up_weeks = pr->follow_up_days / 7.0;
        v->adjunct = pr->adjunct;
        return;
    }
    v->device = a->device_none ? "none" : a->device_known ? scar_device_name(a->device) : NULL;
    v->needle_mm = a->needle_mm;
    v->sessions = a->sessions;
    v->interval_weeks = a->interval_weeks;
    v->follow_up_weeks = a->followup_weeks;
    v->adjunct = a->adjunct;
}

/* A responder share's 95% interval for a trial of the arm's size: the same
 * construction as the improvement's (cohort.c), p +- 1.96 sqrt(v (1/n_arm +
 * 1/N)), with the Agresti-Coull variance v = q (1 - q), q = (x + 2)/(N + 4),
 * so that 0% or 100% of the virtual patients still gets an interval. */
static void responder_ci(double pct, int n, int n_arm, double *lo, double *hi)
{
    if (!isfinite(pct) || n <= 0) {
        *lo = *hi = NAN;
        return;
    }
    double x = pct / 100.0 * n, q = (x + 2.0) / (n + 4.0);
    int na = n_arm > 0 ? n_arm : n;
    double half = 100.0 * 1.96 * sqrt(q * (1.0 - q) * (1.0 / na + 1.0 / n));
    *lo = fmax(0.0, pct - half);
    *hi = fmin(100.0, pct + half);
}

void trial_view_make(const scar_trial_result *r, size_t k, arm_view *v)
{
    memset(v, 0, sizeof *v);
    const scar_trial_arm *a = v->a = &r->table->arms[k];
    const scar_arm_plan *p = v->p = &r->plans[k];
    const scar_arm_summary *s = v->s = &r->sums[k];
    v->pred = p->simulate && s->n > 0;
    v->why_not = v->pred ? NULL : p->why_not ? p->why_not : "no virtual patients were simulated";
    proto_make(a, p, v->pred, &v->proto);
    v->pub = s->published_improvement_pct;
    v->pub_computed = isfinite(v->pub) && !isfinite(a->mean_improvement_pct);
    v->pub_resp = a->responder_pct;
    v->pub_bands[0] = a->excellent_pct;
    v->pub_bands[1] = a->good_pct;
    v->pub_bands[2] = a->fair_pct;
    v->pub_bands[3] = a->poor_pct;
    v->pub_change = a->final_score_mean - a->baseline_score_mean; /* NaN when either is */
    /* an arm that was not simulated has a summary of zeros: none of it is a
     * prediction */
    double nan = NAN;
    v->imp = v->lo = v->hi = v->sd = v->gap = v->resp = v->resp_lo = v->resp_hi = nan;
    v->before = v->after = v->change = v->vol = v->ery = nan;
    for (int b = 0; b < 4; b++)
        v->bands[b] = nan;
    if (!v->pred)
        return;
    v->imp = s->improvement_pct;
    v->lo = s->ci95[0];
    v->hi = s->ci95[1];
    v->sd = s->sd_pct;
    v->gap = v->imp - v->pub;
    v->resp = s->responder_pct;
    responder_ci(v->resp, s->n, a->n_patients, &v->resp_lo, &v->resp_hi);
    v->before = s->before_mean;
    v->after = s->after_mean;
    v->change = s->after_mean - s->before_mean;
    v->bands[0] = s->excellent_pct;
    v->bands[1] = s->good_pct;
    v->bands[2] = s->fair_pct;
    v->bands[3] = s->poor_pct;
    v->vol = s->volume_improvement_pct;
    v->ery = s->erythema_days;
}

const char *trial_scale_unit(scar_scale s)
{
    switch (s) {
    case SCAR_SCALE_GB_QUANTITATIVE: return "points of 84";
    case SCAR_SCALE_GB_QUALITATIVE: return "grade (1-4)";
    case SCAR_SCALE_ECCA: return "points of 540";
    case SCAR_SCALE_PERCENT: return "mm3 of face scar volume (simulated)";
    }
    return "?";
}

const char *trial_scale_short(scar_scale s)
{
    switch (s) {
    case SCAR_SCALE_GB_QUANTITATIVE: return "GB 0-84";
    case SCAR_SCALE_GB_QUALITATIVE: return "GB grade";
    case SCAR_SCALE_ECCA: return "ECCA";
    case SCAR_SCALE_PERCENT: return "%";
    }
    return "?";
}

/* ------------------------------------------------------------------------ */
/* the whole replay in a few numbers                                         */
/* ------------------------------------------------------------------------ */

void trial_tally_make(const scar_trial_result *r, tally *t)
{
    memset(t, 0, sizeof *t);
    t->n = r->table->n;
    for (size_t k = 0; k < t->n; k++) {
        arm_view v;
        trial_view_make(r, k, &v);
        if (!v.pred)
            continue;
        group *g = &t->g[v.p->blinded ? 1 : 0];
        t->simulated++;
        g->arms++;
        if (isfinite(v.pub) && isfinite(v.imp)) {
            bool in = fabs(v.gap) <= BAR_POINTS;
            t->with_pub++;
            t->within += in;
            g->with_pub++;
            g->within += in;
            g->sum_gap += v.gap;
            g->sum_pub += v.pub;
            g->sum_pred += v.imp;
        }
        if (isfinite(v.pub_resp) && isfinite(v.resp)) {
            t->with_pub_resp++;
            t->within_resp += fabs(v.resp - v.pub_resp) <= BAR_POINTS;
        }
    }
}

double trial_group_mean(const group *g, double sum)
{
    return g->with_pub > 0 ? sum / g->with_pub : NAN;
}
