/*
 * trial_report.c — the output folder of `scarsim trial` (docs/trial.md):
 * trial.json (the keys of DESIGN.md and more), arms.csv, patients.csv,
 * params.csv, forest plots of improvement and responders (PNG and SVG) and
 * report.html, which opens offline.
 *
 * Every number is reported on the arm's own scale and beside the published
 * one; an unknown number is null in JSON, an empty cell in CSV and a dash in
 * HTML, never 0.  The report puts the open-label arms beside the blinded ones,
 * because open-label studies report far larger effects than the one blinded
 * randomised trial (evidence/README.md).
 */
#include "trial_report.h"

#include "html.h"
#include "json.h"
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bar a prediction is held to: within 15 points of the published mean
 * improvement, on the arm's own scale (the calibration uses the same width,
 * cal_report.c). */
#define BAR_POINTS 15.0
/* A forest plot of more rows is continued in a second file: 60 rows are a
 * picture about 1900 px tall at 900 px wide, still legible on a page, and
 * far from the plot's 4000 px limit. */
#define FOREST_ROWS 60
#define FOREST_WIDTH 900
/* Alam 2014 (JAMA Dermatol 150(8):844-9), the one blinded randomised trial
 * of microneedling alone: the treated side fell by 3.4 points (95% CI
 * 0.2-6.5) on the 0-84 Goodman-Baron quantitative scale at 6 months. */
#define ALAM_POINTS (-3.4)
#define ALAM_STUDY "Alam2014"

static const char *txt(const char *s)
{
    return s ? s : "";
}

/* ------------------------------------------------------------------------ */
/* one arm, as every writer sees it                                          */
/* ------------------------------------------------------------------------ */

/* The protocol reported for an arm: the one simulated (with its defaults)
 * when it was simulated, else the table's protocol_* columns as given. */
typedef struct proto_view {
    bool simulated;
    const char *device; /* NULL unknown; "none" no needling */
    double needle_mm;   /* NaN unknown */
    int sessions;       /* -1 unknown */
    double interval_weeks, follow_up_weeks;
    const bool *adjunct; /* SCAR_ADJ_COUNT entries */
} proto_view;

typedef struct arm_view {
    const scar_trial_arm *a;
    const scar_arm_plan *p;
    const scar_arm_summary *s;
    bool pred;           /* simulated: there are virtual patients */
    const char *why_not; /* when not */
    proto_view proto;
    double pub, imp, lo, hi, sd, gap;
    bool pub_computed; /* the published % comes from baseline and final means */
    double pub_resp, resp, resp_lo, resp_hi;
    double before, after, change, pub_change;
    double bands[4], pub_bands[4];
    double vol, ery;
} arm_view;

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

static void view_make(const scar_trial_result *r, size_t k, arm_view *v)
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

static const char *scale_unit(scar_scale s)
{
    switch (s) {
    case SCAR_SCALE_GB_QUANTITATIVE: return "points of 84";
    case SCAR_SCALE_GB_QUALITATIVE: return "grade (1-4)";
    case SCAR_SCALE_ECCA: return "points of 540";
    case SCAR_SCALE_PERCENT: return "mm3 of face scar volume (simulated)";
    }
    return "?";
}

static const char *scale_short(scar_scale s)
{
    switch (s) {
    case SCAR_SCALE_GB_QUANTITATIVE: return "GB 0-84";
    case SCAR_SCALE_GB_QUALITATIVE: return "GB grade";
    case SCAR_SCALE_ECCA: return "ECCA";
    case SCAR_SCALE_PERCENT: return "%";
    }
    return "?";
}

static const char *roman(int k)
{
    static const char *const r[] = {"?", "I", "II", "III", "IV", "V", "VI"};
    return k >= 1 && k <= 6 ? r[k] : "?";
}

/* ------------------------------------------------------------------------ */
/* the whole replay in a few numbers                                         */
/* ------------------------------------------------------------------------ */

typedef struct group {
    int arms;     /* simulated */
    int with_pub; /* of them, with a published mean improvement */
    int within;   /* of those, within the bar */
    double sum_gap, sum_pub, sum_pred;
} group;

typedef struct tally {
    size_t n;
    int simulated, with_pub, within;
    int with_pub_resp, within_resp;
    group g[2]; /* 0 open-label, 1 blinded (RCT or blinded raters) */
} tally;

static void tally_make(const scar_trial_result *r, tally *t)
{
    memset(t, 0, sizeof *t);
    t->n = r->table->n;
    for (size_t k = 0; k < t->n; k++) {
        arm_view v;
        view_make(r, k, &v);
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

static double group_mean(const group *g, double sum)
{
    return g->with_pub > 0 ? sum / g->with_pub : NAN;
}

/* ------------------------------------------------------------------------ */
/* trial.json                                                                */
/* ------------------------------------------------------------------------ */

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
    view_make(r, k, &v);
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
    put(b, j, "scale_unit", json_string(scale_unit(p->scale)));
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
        put(b, o, "mean_published_improvement_pct", scar_json_real(group_mean(g, g->sum_pub), 5));
        put(b, o, "mean_predicted_improvement_pct", scar_json_real(group_mean(g, g->sum_pred), 5));
        put(b, o, "mean_gap_points", scar_json_real(group_mean(g, g->sum_gap), 4));
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
    tally_make(r, &t);
    put(&b, root, "summary", summary_json(&b, &t));
    json_t *arms = json_array();
    for (size_t k = 0; k < r->table->n; k++)
        push(&b, arms, arm_json(&b, r, k));
    put(&b, root, "arms", arms);
    if (!b.ok) {
        json_decref(root);
        SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory building trial.json");
        return NULL;
    }
    return root;
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                       */
/* ------------------------------------------------------------------------ */

/* A number cell: empty when unknown, as in trials.csv; %.9g keeps what the
 * JSON keeps and more. */
static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.9g", v);
}

static void csv_int(FILE *f, int v)
{
    if (v >= 0)
        fprintf(f, "%d", v);
}

static scar_status write_arms_csv(scar_ctx *ctx, const scar_trial_result *r, const char *path)
{
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    fputs("study_id,arm,line,design,blinded,scale,simulated,why_not,n_published,patients,device,"
          "needle_mm,sessions,interval_weeks,follow_up_weeks,adjuncts,published_improvement_pct,"
          "predicted_improvement_pct,predicted_ci95_lo,predicted_ci95_hi,predicted_sd_pct,"
          "gap_points,published_responder_pct,predicted_responder_pct,predicted_responder_ci95_lo,"
          "predicted_responder_ci95_hi,published_baseline_mean,published_final_mean,before_mean,"
          "after_mean,volume_improvement_pct,erythema_days,assumptions\n",
          f);
    for (size_t k = 0; k < r->table->n; k++) {
        arm_view v;
        view_make(r, k, &v);
        const proto_view *pv = &v.proto;
        scar_csv_text(f, v.a->study_id);
        fputc(',', f);
        scar_csv_text(f, v.a->arm);
        fprintf(f, ",%ld,%s,%s,", v.a->line, scar_trial_design_name(v.a->design),
                v.p->blinded ? "yes" : "no");
        scar_csv_text(f, scar_scale_name(v.p->scale));
        fprintf(f, ",%s,", v.pred ? "yes" : "no");
        scar_csv_text(f, v.why_not);
        fputc(',', f);
        csv_int(f, v.a->n_patients);
        fprintf(f, ",%d,", v.pred ? v.s->n : 0);
        scar_csv_text(f, pv->device);
        fputc(',', f);
        csv_num(f, pv->needle_mm);
        fputc(',', f);
        csv_int(f, pv->sessions);
        fputc(',', f);
        csv_num(f, pv->interval_weeks);
        fputc(',', f);
        csv_num(f, pv->follow_up_weeks);
        fputc(',', f);
        /* names without commas: joined by ';' as in trials.csv */
        int any = 0;
        for (int a = 0; a < SCAR_ADJ_COUNT; a++)
            if (pv->adjunct[a])
                fprintf(f, "%s%s", any++ ? ";" : "", scar_adjunct_name((scar_adjunct)a));
        /* the numbers, in the header's order */
        const double nums[] = {v.pub,
                               v.imp,
                               v.lo,
                               v.hi,
                               v.sd,
                               v.gap,
                               v.pub_resp,
                               v.resp,
                               v.resp_lo,
                               v.resp_hi,
                               v.a->baseline_score_mean,
                               v.a->final_score_mean,
                               v.before,
                               v.after,
                               v.vol,
                               v.ery};
        for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
            fputc(',', f);
            csv_num(f, nums[i]);
        }
        fputc(',', f);
        /* the assumptions in one cell, joined by " | " */
        size_t len = 0;
        for (int i = 0; i < v.p->nassumed; i++)
            len += strlen(txt(v.p->assumed[i])) + 3;
        char *joined = scar_malloc(ctx, len + 1);
        if (!joined) {
            scar_afile_abort(&af);
            return SCAR_ENOMEM;
        }
        joined[0] = '\0';
        for (int i = 0; i < v.p->nassumed; i++) {
            if (i)
                strcat(joined, " | ");
            strcat(joined, txt(v.p->assumed[i]));
        }
        scar_csv_text(f, joined);
        free(joined);
        fputc('\n', f);
    }
    return scar_afile_commit(ctx, &af);
}

/* The column name of patient value k (cohort.h, SCAR_PAT_*). */
static void pat_column(int k, char *buf, size_t n)
{
    static const char *const fixed[SCAR_PAT_NVAL] = {
        [SCAR_PAT_FITZ] = "fitzpatrick",
        [SCAR_PAT_AGE] = "age_y",
        [SCAR_PAT_FACE_SCARS] = "face_scars",
        [SCAR_PAT_GBQ0] = "gb_quantitative_before",
        [SCAR_PAT_GBQ1] = "gb_quantitative_after",
        [SCAR_PAT_GRADE0] = "gb_grade_before",
        [SCAR_PAT_GRADE1] = "gb_grade_after",
        [SCAR_PAT_ECCA0] = "ecca_before",
        [SCAR_PAT_ECCA1] = "ecca_after",
        [SCAR_PAT_VOL0] = "face_scar_volume_before_mm3",
        [SCAR_PAT_VOL1] = "face_scar_volume_after_mm3",
        [SCAR_PAT_PATCH_IMPROVEMENT] = "patch_improvement_pct",
        [SCAR_PAT_COLLAGEN_PCT] = "collagen_change_pct",
        [SCAR_PAT_ELASTIN_PCT] = "elastin_change_pct",
        [SCAR_PAT_EPIDERMIS_PCT] = "epidermis_change_pct",
        [SCAR_PAT_ERYTHEMA_DAYS] = "erythema_days",
        [SCAR_PAT_SECONDS] = "seconds",
    };
    if (k >= SCAR_PAT_DEPTH_RESP && k < SCAR_PAT_DEPTH_RESP + SCAR_TYPE_COUNT)
        snprintf(buf, n, "depth_fall_fraction_%s",
                 scar_type_name((scar_type)(k - SCAR_PAT_DEPTH_RESP)));
    else if (k >= SCAR_PAT_VOL_RESP && k < SCAR_PAT_VOL_RESP + SCAR_TYPE_COUNT)
        snprintf(buf, n, "volume_fall_fraction_%s",
                 scar_type_name((scar_type)(k - SCAR_PAT_VOL_RESP)));
    else if (k >= 0 && k < SCAR_PAT_NVAL && fixed[k])
        scar_strlcpy(buf, fixed[k], n);
    else
        snprintf(buf, n, "value_%d", k); /* a value added to cohort.h but not named here */
}

static scar_status write_patients_csv(scar_ctx *ctx, const scar_trial_result *r, const char *path)
{
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    fputs("study_id,arm,line,patient", f);
    char name[64];
    for (int k = 0; k < SCAR_PAT_NVAL; k++) {
        pat_column(k, name, sizeof name);
        fprintf(f, ",%s", name);
    }
    fputc('\n', f);
    size_t np = r->opts.patients > 0 ? (size_t)r->opts.patients : 0;
    for (size_t a = 0; a < r->table->n; a++) {
        const scar_trial_arm *arm = &r->table->arms[a];
        if (!r->plans[a].simulate || r->sums[a].n <= 0)
            continue;
        size_t n = (size_t)r->sums[a].n < np ? (size_t)r->sums[a].n : np;
        for (size_t i = 0; i < n; i++) {
            const double *row = r->patients + (a * np + i) * SCAR_PAT_NVAL;
            scar_csv_text(f, arm->study_id);
            fputc(',', f);
            scar_csv_text(f, arm->arm);
            fprintf(f, ",%ld,%zu", arm->line, i + 1);
            for (int k = 0; k < SCAR_PAT_NVAL; k++) {
                fputc(',', f);
                csv_num(f, row[k]);
            }
            fputc('\n', f);
        }
    }
    return scar_afile_commit(ctx, &af);
}

/* ------------------------------------------------------------------------ */
/* forest plots                                                              */
/* ------------------------------------------------------------------------ */

#define LABEL_MAX 112

/* At most max bytes of s, cut on a character boundary. */
static size_t utf8_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* "StudyId: arm (scale)" in about 42 characters, what the plot's label
 * column holds at 900 px (it cuts longer labels at the end, which would lose
 * the scale): the arm's name is cut at a word instead, so that the scale,
 * which says how to read the row, always shows. */
#define LABEL_CHARS 42

static void arm_label(const scar_trial_arm *a, const scar_arm_plan *p, char *buf, size_t n)
{
    const char *id = a->study_id ? a->study_id : "?", *arm = txt(a->arm);
    const char *sc = scale_short(p->scale);
    size_t nid = utf8_cut(id, 20);
    size_t budget = LABEL_CHARS - nid - strlen(sc) - 5;
    size_t narm = utf8_cut(arm, budget);
    bool cut = narm < strlen(arm);
    if (cut) {
        size_t sp = narm;
        while (sp > budget / 2 && arm[sp] != ' ')
            sp--;
        if (sp > budget / 2)
            narm = sp;
        while (narm > 0 && strchr(" ,;:(-+/", arm[narm - 1]))
            narm--;
    }
    snprintf(buf, n, "%.*s%s: %.*s%s (%s)", (int)nid, id, nid < strlen(id) ? "\u2026" : "",
             (int)narm, arm, cut ? "\u2026" : "", sc);
}

static size_t forest_pages(size_t n)
{
    return n == 0 ? 1 : (n + FOREST_ROWS - 1) / FOREST_ROWS;
}

static void forest_name(const char *stem, size_t page, const char *ext, char *buf, size_t n)
{
    if (page == 0)
        snprintf(buf, n, "%s.%s", stem, ext);
    else
        snprintf(buf, n, "%s_%zu.%s", stem, page + 1, ext);
}

static scar_status forest_write_all(scar_ctx *ctx, const char *dir, const char *stem,
                                    const char *title, const char *x_label,
                                    const scar_forest_row *rows, size_t n)
{
    size_t pages = forest_pages(n);
    scar_status st = SCAR_OK;
    for (size_t pg = 0; pg < pages && !st; pg++) {
        size_t k0 = pg * FOREST_ROWS, cnt = n - k0 < FOREST_ROWS ? n - k0 : FOREST_ROWS;
        char t[256], name[64];
        if (pages > 1)
            snprintf(t, sizeof t, "%s (part %zu of %zu)", title, pg + 1, pages);
        else
            scar_strlcpy(t, title, sizeof t);
        for (int e = 0; e < 2 && !st; e++) {
            forest_name(stem, pg, e ? "svg" : "png", name, sizeof name);
            char *p = scar_path_join(ctx, dir, name);
            st = p ? scar_forest_write(ctx, t, x_label, n ? rows + k0 : rows, cnt, p, FOREST_WIDTH)
                   : SCAR_ENOMEM;
            free(p);
        }
    }
    return st;
}

/* Which arms are rows: every simulated arm for improvement (a published
 * number or not), every arm with a published responder share. */
static bool improvement_row(const arm_view *v)
{
    return v->pred;
}

static bool responder_row(const arm_view *v)
{
    return isfinite(v->pub_resp);
}

static size_t count_rows(const scar_trial_result *r, bool (*is_row)(const arm_view *))
{
    size_t n = 0;
    for (size_t k = 0; k < r->table->n; k++) {
        arm_view v;
        view_make(r, k, &v);
        n += is_row(&v);
    }
    return n;
}

static scar_status write_forests(scar_ctx *ctx, const scar_trial_result *r, const char *dir)
{
    size_t na = r->table->n;
    scar_forest_row *rows = scar_calloc(ctx, na ? na : 1, sizeof *rows);
    char(*labels)[LABEL_MAX] = scar_calloc(ctx, na ? na : 1, sizeof *labels);
    scar_status st = rows && labels ? SCAR_OK : SCAR_ENOMEM;
    for (int which = 0; which < 2 && !st; which++) {
        size_t n = 0;
        for (size_t k = 0; k < na; k++) {
            arm_view v;
            view_make(r, k, &v);
            if (!(which ? responder_row(&v) : improvement_row(&v)))
                continue;
            arm_label(v.a, v.p, labels[n], LABEL_MAX);
            rows[n] = which ? (scar_forest_row){labels[n],  v.resp, v.resp_lo, v.resp_hi,
                                                v.pub_resp, NAN,    NAN}
                            : (scar_forest_row){labels[n], v.imp, v.lo, v.hi, v.pub, NAN, NAN};
            n++;
        }
        if (which == 0)
            st = forest_write_all(ctx, dir, "forest_improvement",
                                  "Improvement: virtual trial (95% interval of a trial of the "
                                  "arm's size) vs published",
                                  "improvement (%) on each arm's own scale", rows, n);
        else
            st = forest_write_all(ctx, dir, "forest_responders",
                                  "Responders: virtual trial (95% interval) vs published",
                                  "responders (% of patients, by each arm's definition)", rows, n);
    }
    free(rows);
    free(labels);
    return st;
}

/* ------------------------------------------------------------------------ */
/* report.html                                                               */
/* ------------------------------------------------------------------------ */

/* A number with `dec` decimals and a suffix, or a dash when unknown. */
static void hnum(FILE *f, double v, int dec, const char *suffix)
{
    if (isfinite(v))
        fprintf(f, "%.*f%s", dec, v, suffix);
    else
        fputs("&mdash;", f);
}

static void hci(FILE *f, double lo, double hi, int dec)
{
    if (isfinite(lo) && isfinite(hi))
        fprintf(f, "%.*f to %.*f", dec, lo, dec, hi);
    else
        fputs("&mdash;", f);
}

static void arm_title(FILE *f, const scar_trial_arm *a)
{
    scar_html_text(f, a->study_id ? a->study_id : "?");
    fputs(": ", f);
    scar_html_text(f, txt(a->arm));
}

static void html_protocol(FILE *f, const proto_view *pv)
{
    if (pv->device && strcmp(pv->device, "none") == 0 && pv->sessions <= 0) {
        fputs("no needling: untreated skin followed", f);
        if (isfinite(pv->follow_up_weeks))
            fprintf(f, " for %.0f weeks", pv->follow_up_weeks);
        return;
    }
    scar_html_text(f, pv->device ? pv->device : "device not reported");
    if (isfinite(pv->needle_mm))
        fprintf(f, ", %.2f mm needles", pv->needle_mm);
    if (pv->sessions >= 0)
        fprintf(f, ", %d session%s", pv->sessions, pv->sessions == 1 ? "" : "s");
    else
        fputs(", sessions not reported", f);
    if (isfinite(pv->interval_weeks))
        fprintf(f, " %.0f weeks apart", pv->interval_weeks);
    if (isfinite(pv->follow_up_weeks))
        fprintf(f, ", assessed %.0f weeks after the last", pv->follow_up_weeks);
    int any = 0;
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        if (pv->adjunct[a])
            fprintf(f, "%s%s", any++ ? ", " : "; with ", scar_adjunct_name((scar_adjunct)a));
}

static void html_intro(FILE *f, const scar_trial_result *r, const tally *t)
{
    fputs("<p>Each published trial arm below was replayed with virtual patients: skin type, "
          "age, scars and the uncertain model parameters drawn for each, the arm's course "
          "simulated through the healing model, and the face graded before and after on the "
          "scale the study used. The prediction is shown beside the published number, on that "
          "scale.</p>\n<p>",
          f);
    fprintf(f, "Table <code>");
    scar_html_text(f, txt(r->table->path));
    fprintf(f,
            "</code>: %zu arm%s; %d virtual patients per arm, %.0f &micro;m voxels, "
            "%.0f mm patches, seed %llu, parameters %s; %.0f s on %d rank%s.</p>\n",
            t->n, t->n == 1 ? "" : "s", r->opts.patients, r->opts.dx_um, r->opts.patch_mm,
            (unsigned long long)r->opts.seed,
            r->opts.vary_params ? "varied between patients" : "fixed at their defaults", r->seconds,
            r->ranks, r->ranks == 1 ? "" : "s");
    fputs("<h2>In brief</h2>\n<div class=cards>\n", f);
    fprintf(f, "<div class=card>arms simulated<b>%d of %zu</b>the rest are listed below</div>\n",
            t->simulated, t->n);
    fprintf(f, "<div class=card>within 15 points<b>%d of %d</b>arms with a published mean</div>\n",
            t->within, t->with_pub);
    for (int k = 0; k < 2; k++) {
        const group *g = &t->g[k];
        fprintf(f, "<div class=card>mean gap, %s<b>", k ? "blinded arms" : "open-label arms");
        hnum(f, group_mean(g, g->sum_gap), 1, " points");
        fprintf(f, "</b>predicted &minus; published, %d arm%s</div>\n", g->with_pub,
                g->with_pub == 1 ? "" : "s");
    }
    fputs("</div>\n<p>", f);
    fprintf(f, "scarsim simulated %d of the %zu arms. ", t->simulated, t->n);
    if (t->with_pub > 0)
        fprintf(f,
                "Of the %d simulated arms that publish a mean improvement, %d %s within 15 "
                "points of it on the arm's own scale and %d %s not. ",
                t->with_pub, t->within, t->within == 1 ? "is" : "are", t->with_pub - t->within,
                t->with_pub - t->within == 1 ? "is" : "are");
    else
        fputs("None of the simulated arms publishes a mean improvement, so none can be held to "
              "the bar. ",
              f);
    if (t->with_pub_resp > 0)
        fprintf(f,
                "Of the %d simulated arms that publish a responder share, %d %s within 15 "
                "points of it. ",
                t->with_pub_resp, t->within_resp, t->within_resp == 1 ? "is" : "are");
    fputs("The bar scarsim is held to is a predicted mean improvement within 15 points of the "
          "published one, each on its own scale; it says how far the model is from the studies, "
          "and the studies themselves disagree (see <a href=\"#blinding\">open-label versus "
          "blinded</a>).</p>\n",
          f);
}

static void html_overview(FILE *f, const scar_trial_result *r)
{
    fputs("<table><tr><th>#</th><th class=l>study</th><th class=l>arm</th><th class=l>design"
          "</th><th class=l>scale</th><th>n</th><th>published %</th><th>predicted %</th>"
          "<th>95% interval</th><th>gap, points</th><th>responders published / predicted %"
          "</th></tr>\n",
          f);
    for (size_t k = 0; k < r->table->n; k++) {
        arm_view v;
        view_make(r, k, &v);
        fprintf(f, "<tr><td>%zu</td><td class=l>", k + 1);
        if (v.pred)
            fprintf(f, "<a href=\"#arm-%zu\">", k + 1);
        scar_html_text(f, v.a->study_id ? v.a->study_id : "?");
        fputs(v.pred ? "</a></td><td class=l>" : "</td><td class=l>", f);
        scar_html_text(f, txt(v.a->arm));
        fprintf(f, "</td><td class=l>%s, %s</td><td class=l>%s</td><td>",
                scar_trial_design_name(v.a->design), v.p->blinded ? "blinded" : "open-label",
                scale_short(v.p->scale));
        if (v.a->n_patients >= 0)
            fprintf(f, "%d", v.a->n_patients);
        else
            fputs("&mdash;", f);
        fputs("</td><td>", f);
        hnum(f, v.pub, 1, "");
        if (!v.pred) {
            fputs("</td><td class=l colspan=3>not simulated</td><td>", f);
        } else {
            fputs("</td><td>", f);
            hnum(f, v.imp, 1, "");
            fputs("</td><td>", f);
            hci(f, v.lo, v.hi, 1);
            fputs("</td><td>", f);
            if (isfinite(v.gap))
                fprintf(f, "%s%+.1f%s", fabs(v.gap) <= BAR_POINTS ? "" : "<b>", v.gap,
                        fabs(v.gap) <= BAR_POINTS ? "" : "</b>");
            else
                fputs("&mdash;", f);
            fputs("</td><td>", f);
        }
        hnum(f, v.pub_resp, 0, "");
        fputs(" / ", f);
        hnum(f, v.resp, 0, "");
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n<p><small>Gaps beyond 15 points are in bold. The gap is in points of the "
          "arm's own percentage, not of a common scale.</small></p>\n",
          f);
}

static scar_status html_forests(scar_ctx *ctx, FILE *f, const scar_trial_result *r, const char *dir)
{
    static const char *const stems[2] = {"forest_improvement", "forest_responders"};
    static const char *const heads[2] = {
        "<h2>Improvement: predicted and published</h2>\n<p>One row per simulated arm: the "
        "filled dot is the virtual trial's mean improvement with its 95% interval, the open "
        "diamond the published mean (absent where the study published none). Each row is on "
        "its own arm's scale, named in brackets: rows on different scales are not comparable "
        "with each other.</p>\n",
        "<h2>Responders: predicted and published</h2>\n<p>One row per arm that publishes a "
        "responder share, counted by the arm's own definition where scarsim can follow it "
        "(see each arm).</p>\n"};
    bool (*const is_row[2])(const arm_view *) = {improvement_row, responder_row};
    scar_status st = SCAR_OK;
    for (int w = 0; w < 2 && !st; w++) {
        fputs(heads[w], f);
        size_t pages = forest_pages(count_rows(r, is_row[w]));
        for (size_t pg = 0; pg < pages && !st; pg++) {
            char name[64];
            forest_name(stems[w], pg, "png", name, sizeof name);
            char *p = scar_path_join(ctx, dir, name);
            st = p ? scar_html_png(ctx, f, p, name) : SCAR_ENOMEM;
            free(p);
        }
    }
    return st;
}

static void html_arm(FILE *f, const scar_trial_result *r, size_t k)
{
    arm_view v;
    view_make(r, k, &v);
    const scar_trial_arm *a = v.a;
    const scar_arm_plan *p = v.p;
    fprintf(f, "<h3 id=\"arm-%zu\">%zu. ", k + 1, k + 1);
    arm_title(f, a);
    fputs("</h3>\n<table>\n<tr><th class=l>study</th><td class=l colspan=2>", f);
    scar_html_text(f, txt(a->first_author));
    if (a->year > 0)
        fprintf(f, " %d", a->year);
    if (a->journal) {
        fputs(", ", f);
        scar_html_text(f, a->journal);
    }
    if (a->doi_or_url) {
        fputs("; ", f);
        scar_html_text(f, a->doi_or_url);
    }
    fprintf(f, " <small>(line %ld of the table", a->line);
    if (a->source_quality) {
        fputs("; read from: ", f);
        scar_html_text(f, a->source_quality);
    }
    fputs(")</small></td></tr>\n<tr><th class=l>design</th><td class=l colspan=2>", f);
    fprintf(f, "%s, <b>%s</b>", scar_trial_design_name(a->design),
            p->blinded ? "blinded (randomised or blinded raters)" : "open-label");
    fputs("</td></tr>\n<tr><th class=l>scale</th><td class=l colspan=2>", f);
    scar_html_text(f, scar_scale_name(p->scale));
    if (a->scale) {
        fputs("<br><small>as published: ", f);
        scar_html_text(f, a->scale);
        fputs("</small>", f);
    }
    fputs("</td></tr>\n<tr><th class=l>patients</th><td class=l colspan=2>", f);
    if (a->n_patients >= 0)
        fprintf(f, "%d in the study", a->n_patients);
    else
        fputs("number in the study not reported", f);
    fprintf(f, "; %d virtual, Fitzpatrick %s-%s, scars: ", v.s->n, roman(p->fitz_lo),
            roman(p->fitz_hi));
    int any = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        if (p->types[t])
            fprintf(f, "%s%s", any++ ? ", " : "", scar_type_name((scar_type)t));
    fputs("</td></tr>\n<tr><th class=l>protocol simulated</th><td class=l colspan=2>", f);
    html_protocol(f, &v.proto);
    fputs("</td></tr>\n<tr><th></th><th>published</th><th>predicted</th></tr>\n", f);

    fputs("<tr><th class=l>improvement (%) on the arm's scale</th><td>", f);
    hnum(f, v.pub, 1, "%");
    if (v.pub_computed)
        fprintf(f, "<br><small>from the means %.4g &rarr; %.4g</small>", a->baseline_score_mean,
                a->final_score_mean);
    fputs("</td><td>", f);
    hnum(f, v.imp, 1, "%");
    fputs("<br><small>95% interval ", f);
    hci(f, v.lo, v.hi, 1);
    fputs("; SD between patients ", f);
    hnum(f, v.sd, 1, "");
    fputs("</small>", f);
    if (isfinite(v.gap))
        fprintf(f, "<br><small>gap %+.1f points: %s</small>", v.gap,
                fabs(v.gap) <= BAR_POINTS ? "within the 15-point bar"
                                          : "<b>outside the 15-point "
                                            "bar</b>");
    fprintf(f,
            "</td></tr>\n<tr><th class=l>mean on the scale, before &rarr; after<br><small>%s"
            "</small></th><td>",
            scale_unit(p->scale));
    if (isfinite(a->baseline_score_mean) || isfinite(a->final_score_mean)) {
        hnum(f, a->baseline_score_mean, 2, "");
        fputs(" &rarr; ", f);
        hnum(f, a->final_score_mean, 2, "");
    } else
        fputs("&mdash;", f);
    fputs("</td><td>", f);
    hnum(f, v.before, 2, "");
    fputs(" &rarr; ", f);
    hnum(f, v.after, 2, "");
    fputs("</td></tr>\n<tr><th class=l>responders</th><td>", f);
    hnum(f, v.pub_resp, 0, "%");
    if (a->responder_def) {
        fputs("<br><small>", f);
        scar_html_text(f, a->responder_def);
        fputs("</small>", f);
    }
    fputs("</td><td>", f);
    hnum(f, v.resp, 0, "%");
    fputs("<br><small>95% interval ", f);
    hci(f, v.resp_lo, v.resp_hi, 0);
    fputs("; counted: ", f);
    scar_html_text(f, txt(v.s->responder_rule));
    fputs("</small></td></tr>\n<tr><th class=l>quartile bands, % of patients<br><small>excellent"
          " / good / fair / poor</small></th><td>",
          f);
    for (int b = 0; b < 4; b++) {
        hnum(f, v.pub_bands[b], 0, "");
        fputs(b < 3 ? " / " : "", f);
    }
    fputs("</td><td>", f);
    for (int b = 0; b < 4; b++) {
        hnum(f, v.bands[b], 0, "");
        fputs(b < 3 ? " / " : "", f);
    }
    fputs("</td></tr>\n<tr><th class=l>under the skin (simulated)</th><td class=l colspan=2>"
          "scar depth fell by ",
          f);
    any = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        if (p->types[t] && isfinite(v.s->depth_resp_pct[t]))
            fprintf(f, "%s%.0f%% (%s)", any++ ? ", " : "", v.s->depth_resp_pct[t],
                    scar_type_name((scar_type)t));
    if (!any)
        fputs("&mdash;", f);
    fputs("; the face's scar volume by ", f);
    hnum(f, v.vol, 0, "%");
    fputs("; visible redness ", f);
    hnum(f, v.ery, 1, " days");
    fputs(" after the last session</td></tr>\n<tr><th class=l>assumptions</th>"
          "<td class=l colspan=2>",
          f);
    if (p->nassumed == 0)
        fputs("none: the study reported everything the simulation needs", f);
    else {
        fputs("<ul style=\"font-size:.85em;margin:.2em 0;padding-left:1.2em\">\n", f);
        for (int i = 0; i < p->nassumed; i++) {
            fputs("<li>", f);
            scar_html_text(f, txt(p->assumed[i]));
            fputs("</li>\n", f);
        }
        fputs("</ul>", f);
    }
    fputs("</td></tr>\n</table>\n", f);
}

static void html_blinding(FILE *f, const scar_trial_result *r, const tally *t)
{
    fputs("<h2 id=\"blinding\">Open-label studies versus the blinded trial</h2>\n<p>Open-label "
          "studies, whose raters knew who had been treated, report far larger effects than "
          "blinded ones. The one blinded randomised trial of microneedling alone, Alam 2014 "
          "(JAMA Dermatol 2014;150(8):844-9), found the treated side 3.4 points better on the "
          "0-84 Goodman-Baron quantitative scale at 6 months (95% CI 0.2 to 6.5), a change of "
          "&minus;3.4 points, while the untreated side did not change significantly. ",
          f);
    const group *go_ = &t->g[0];
    if (go_->with_pub > 0)
        fprintf(f,
                "The open-label arms of this table that publish a mean improvement report "
                "%.0f%% on average (%d arm%s, each on its own scale). ",
                group_mean(go_, go_->sum_pub), go_->with_pub, go_->with_pub == 1 ? "" : "s");
    fputs("scarsim is not fitted to hide that spread: the gaps below show how far its "
          "predictions sit from each kind of evidence. Here <i>blinded</i> means every "
          "randomised trial and every arm whose scale names blinded raters; several randomised "
          "trials in the table do not say whether their raters were blinded.</p>\n",
          f);
    fputs("<table><tr><th class=l>arms</th><th>simulated</th><th>with a published mean</th>"
          "<th>mean published %</th><th>mean predicted %</th><th>mean gap, points<br>"
          "<small>predicted &minus; published</small></th><th>within 15 points</th></tr>\n",
          f);
    static const char *const names[2] = {"open-label (not blinded)",
                                         "blinded (RCT or blinded raters)"};
    for (int k = 0; k < 2; k++) {
        const group *g = &t->g[k];
        fprintf(f, "<tr><td class=l>%s</td><td>%d</td><td>%d</td><td>", names[k], g->arms,
                g->with_pub);
        hnum(f, group_mean(g, g->sum_pub), 1, "");
        fputs("</td><td>", f);
        hnum(f, group_mean(g, g->sum_pred), 1, "");
        fputs("</td><td>", f);
        double mg = group_mean(g, g->sum_gap);
        if (isfinite(mg))
            fprintf(f, "%+.1f", mg);
        else
            fputs("&mdash;", f);
        fprintf(f, "</td><td>%d of %d</td></tr>\n", g->within, g->with_pub);
    }
    fputs("</table>\n<p>", f);
    double go = group_mean(&t->g[0], t->g[0].sum_gap), gb = group_mean(&t->g[1], t->g[1].sum_gap);
    if (isfinite(go) && isfinite(gb)) {
        if (go < gb)
            fprintf(f,
                    "On average the predictions sit %.1f points further below the open-label "
                    "reports than below the blinded ones: the pattern expected when "
                    "open-label rating adds optimism that the model does not have. ",
                    gb - go);
        else
            fprintf(f,
                    "Here the mean gap of the open-label arms (%+.1f points) is not below "
                    "that of the blinded arms (%+.1f): the pattern expected from open-label "
                    "optimism does not show in these arms. ",
                    go, gb);
        /* fewer than 5 arms a side: a difference of means says little */
        if (t->g[0].with_pub < 5 || t->g[1].with_pub < 5)
            fprintf(f, "With %d and %d arms this is an observation, not a test. ", t->g[0].with_pub,
                    t->g[1].with_pub);
    } else
        fputs("One of the two groups has no simulated arm with a published mean improvement, so "
              "their gaps cannot be compared here. ",
              f);
    /* The blinded trial's own arm, when it is in the table and was simulated:
     * its change in points, the number the trial published. */
    for (size_t k = 0; k < r->table->n; k++) {
        arm_view v;
        view_make(r, k, &v);
        if (!v.pred || v.p->untreated || v.p->scale != SCAR_SCALE_GB_QUANTITATIVE ||
            !v.a->study_id || strncmp(v.a->study_id, ALAM_STUDY, strlen(ALAM_STUDY)) != 0)
            continue;
        fprintf(f,
                "For the needled arm of Alam 2014 the virtual trial predicts a change of "
                "%+.1f points on the 0-84 scale (%.1f &rarr; %.1f), against the published "
                "%+.1f. ",
                v.change, v.before, v.after, ALAM_POINTS);
        break;
    }
    fputs("The groups mix scales (each gap is in points of its arm's own percentage), so the "
          "mean gaps say which way the two kinds of evidence lean, not by how much on any one "
          "scale.</p>\n",
          f);
}

static void html_not_simulated(FILE *f, const scar_trial_result *r, const tally *t)
{
    fputs("<h2>Arms not simulated</h2>\n", f);
    if ((size_t)t->simulated == t->n) {
        fputs("<p>Every arm of the table was simulated.</p>\n", f);
        return;
    }
    fputs("<ul>\n", f);
    for (size_t k = 0; k < r->table->n; k++) {
        arm_view v;
        view_make(r, k, &v);
        if (v.pred)
            continue;
        fputs("<li><b>", f);
        arm_title(f, v.a);
        fputs("</b> &mdash; ", f);
        scar_html_text(f, v.why_not);
        if (isfinite(v.pub)) {
            fprintf(f, ". Published improvement %.1f%%", v.pub);
            if (v.a->scale) {
                fputs(" (scale: ", f);
                scar_html_text(f, v.a->scale);
                fputc(')', f);
            }
        }
        fputs(".</li>\n", f);
    }
    fputs("</ul>\n", f);
}

static void html_how_to_read(FILE *f, const scar_trial_result *r)
{
    fputs("<h2>How to read this</h2>\n<ul>\n"
          "<li><b>Scales are not interchangeable.</b> Each arm is compared on the scale its study "
          "used: the Goodman-Baron quantitative score (0-84), the Goodman-Baron qualitative grade "
          "(1-4), ECCA (0-540) or a rater's percentage. A 30% fall on one is not a 30% fall on "
          "another, and the rows of the plots are not comparable with each other.</li>\n"
          "<li><b>A % improvement of an ordinal grade mean is not a % of scar volume.</b> A "
          "group whose mean grade falls from 3 to 2 has improved by 33% on the grade, whatever "
          "the scars' volume did; the simulated fall of the face's scar volume is given "
          "separately for each arm. Arms whose scale is a rater's percentage (photo evaluations, "
          "unnamed severity scores) are compared with that simulated volume fall, which is the "
          "nearest thing scarsim measures.</li>\n"
          "<li><b>The 95% interval</b> is the one a trial mean of the arm's published size would "
          "have, from the virtual cohort's patient-to-patient spread: &plusmn;1.96 &middot; SD "
          "&middot; &radic;(1/n<sub>arm</sub> + 1/N), with N the virtual patients. It is not the "
          "model's uncertainty about its own equations; a study outside it disagrees with the "
          "model as it stands, not necessarily with reality. The responder interval is built the "
          "same way from the responder share.</li>\n"
          "<li><b>Defaults.</b> What a study did not report (needle length, sessions, skin "
          "types, severity) was filled with a stated default, listed with each arm under "
          "assumptions. An arm with many assumptions tests the defaults as much as the "
          "model.</li>\n",
          f);
    if (r->opts.vary_params) {
        fputs("<li><b>The parameters varied between patients</b>, each drawn from a triangular "
              "distribution over its range with the mode at its default:<ul>\n",
              f);
        for (size_t i = 0; i < scar_cohort_varied_count(); i++) {
            const scar_varied_param *q = scar_cohort_varied_at(i);
            scar_param_info info;
            int row = scar_params_find(q->name);
            fputs("<li><code>", f);
            scar_html_text(f, q->name);
            fputs("</code>: ", f);
            scar_html_text(f, q->why);
            if (row >= 0 && scar_params_info(r->params, (size_t)row, &info) && isfinite(info.lo) &&
                isfinite(info.hi)) {
                fprintf(f, " (%.4g to %.4g, default %.4g", info.lo, info.hi, info.value);
                if (info.unit && strcmp(info.unit, "-") != 0) {
                    fputc(' ', f);
                    scar_html_text(f, info.unit);
                }
                fputc(')', f);
            }
            fputs("</li>\n", f);
        }
        fputs("</ul></li>\n", f);
    } else
        fputs("<li><b>Parameters were fixed</b> at their defaults for every patient "
              "(<code>--fixed-params</code>): the intervals show only the spread of skin types, "
              "ages and scars.</li>\n",
              f);
    fputs("<li>Every parameter with its unit, range and source is in <code>params.csv</code> "
          "beside this report.</li>\n</ul>\n",
          f);
}

static scar_status write_html(scar_ctx *ctx, const scar_trial_result *r, const char *dir)
{
    char *path = scar_path_join(ctx, dir, "report.html");
    if (!path)
        return SCAR_ENOMEM;
    scar_afile *af = NULL;
    scar_status st = scar_afile_open(ctx, path, &af);
    free(path);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    tally t;
    tally_make(r, &t);
    scar_html_begin(f, "Virtual trial replay");
    html_intro(f, r, &t);
    html_overview(f, r);
    st = html_forests(ctx, f, r, dir);
    if (!st) {
        fputs("<h2>Each simulated arm</h2>\n", f);
        for (size_t k = 0; k < r->table->n; k++)
            if (r->plans[k].simulate && r->sums[k].n > 0)
                html_arm(f, r, k);
        if (t.simulated == 0)
            fputs("<p>No arm was simulated.</p>\n", f);
        html_blinding(f, r, &t);
        html_not_simulated(f, r, &t);
        html_how_to_read(f, r);
        fputs("<h2>Files</h2>\n<p><code>trial.json</code> (everything on this page), "
              "<code>arms.csv</code> (one row per arm), <code>patients.csv</code> (one row per "
              "virtual patient), <code>params.csv</code> (every model parameter), "
              "<code>forest_*.svg</code> and <code>.png</code> (the plots).</p>\n",
              f);
        scar_html_end(f, ctx);
        return scar_afile_commit(ctx, &af);
    }
    scar_afile_abort(&af);
    return st;
}

/* ------------------------------------------------------------------------ */
/* the folder                                                                */
/* ------------------------------------------------------------------------ */

scar_status scar_trial_write(scar_ctx *ctx, const scar_trial_result *r, const char *out_dir)
{
    scar_stage *stage = NULL;
    scar_params *defaults = NULL;
    json_t *doc = NULL;
    char *p = NULL;
    scar_status st = scar_stage_open(ctx, out_dir, &stage);
    if (st)
        return st;
    const char *dir = scar_stage_path(stage);
    const scar_params *params = r->params;
    if (!params) {
        if ((st = scar_params_create(ctx, &defaults)))
            goto done;
        params = defaults;
    }
    if (!(doc = scar_trial_to_json(ctx, r))) {
        st = scar_ctx_error(ctx)->status ? scar_ctx_error(ctx)->status : SCAR_ENOMEM;
        goto done;
    }
#define WRITE(name, call)                                                                          \
    do {                                                                                           \
        if (!(p = scar_path_join(ctx, dir, name))) {                                               \
            st = SCAR_ENOMEM;                                                                      \
            goto done;                                                                             \
        }                                                                                          \
        if ((st = (call)))                                                                         \
            goto done;                                                                             \
        free(p);                                                                                   \
        p = NULL;                                                                                  \
    } while (0)
    WRITE("arms.csv", write_arms_csv(ctx, r, p));
    WRITE("patients.csv", write_patients_csv(ctx, r, p));
    WRITE("params.csv", scar_params_write_csv(ctx, params, p));
    if ((st = write_forests(ctx, r, dir)) || (st = write_html(ctx, r, dir)))
        goto done;
    /* the document last: its presence says the folder is complete */
    WRITE("trial.json", scar_json_write_file(ctx, doc, p));
#undef WRITE
    st = scar_stage_commit(ctx, &stage);
done:
    scar_stage_abort(&stage);
    free(p);
    json_decref(doc);
    scar_params_destroy(&defaults);
    return st;
}
