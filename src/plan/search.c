/*
 * search.c — the protocol search for one patient: the grid of settings
 * screening allows, a coordinate search over it with every candidate run on
 * the same virtual patients, and the recommendation (search.h,
 * docs/plan.md "Search").
 */
#include "search.h"

#include "core.h"
#include "trial.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The evidence's usual protocol, where the search starts (safety.csv rows
 * of Harris 2015: median needle 1.5 mm, median 3 sessions, median interval
 * 4 weeks). */
#define START_NEEDLE_MM 1.5
#define START_SESSIONS 3
/* A small effect in Cohen's convention (d = 0.2; Cohen 1988, "Statistical
 * Power Analysis for the Behavioral Sciences"): differences below it are
 * treated as no difference when choosing the gentlest plan. */
#define SMALL_EFFECT_D 0.2

void scar_plan_opts_default(scar_plan_opts *o)
{
    memset(o, 0, sizeof *o);
    o->patients = 6;
    /* 150 um voxels: a candidate's cohort in about half a minute on two
     * cores (docs/plan.md "Cost"); trial replays use 100 um. */
    o->dx_um = 150.0;
    o->patch_mm = 12.0;
    /* judged three months after the last session: neocollagenesis is slow
     * and evaluation is advised at >= 3 months (Minutilli 2024, safety.csv) */
    o->follow_up_weeks = 12.0;
    o->max_sweeps = 3;
    o->seed = 1;
}

void scar_plan_result_destroy(scar_plan_result **pr)
{
    if (!pr || !*pr)
        return;
    free((*pr)->cand);
    free(*pr);
    *pr = NULL;
}

void scar_plan_schedule(const scar_protocol *pr, scar_date start, scar_date *sessions,
                        scar_date *follow_up)
{
    for (int k = 1; k <= pr->sessions; k++)
        sessions[k - 1] = scar_date_add_days(start, lround(scar_protocol_session_day(pr, k)));
    if (follow_up)
        *follow_up = scar_date_add_days(start, lround(scar_protocol_end_day(pr)));
}

/* ------------------------------------------------------------------------ */
/* the grid of settings                                                     */
/* ------------------------------------------------------------------------ */

enum { F_DEVICE = 0, F_NEEDLE, F_SESSIONS, F_INTERVAL, F_ADJUNCTS, F_COUNT };
#define MAX_LEVELS 12

typedef struct grid {
    int n[F_COUNT];
    scar_device_kind device[MAX_LEVELS];
    double needle_mm[MAX_LEVELS];
    int sessions[MAX_LEVELS];
    double interval_weeks[MAX_LEVELS];
    bool adjuncts[MAX_LEVELS][SCAR_ADJ_COUNT];
} grid;

typedef struct point {
    int at[F_COUNT];
} point;

/* The top `keep` of the levels at or below most (ascending). */
static int top_levels(const double *all, int nall, double most, int keep, double *out)
{
    int hi = -1;
    for (int k = 0; k < nall; k++)
        if (all[k] <= most + 1e-9)
            hi = k;
    if (hi < 0) {
        out[0] = most;
        return 1;
    }
    int lo = hi - keep + 1 < 0 ? 0 : hi - keep + 1, n = 0;
    for (int k = lo; k <= hi; k++)
        out[n++] = all[k];
    return n;
}

static void grid_make(const scar_patient *pt, const scar_screen_limits *lim, const bool *types,
                      grid *g)
{
    memset(g, 0, sizeof *g);
    static const scar_device_kind order[] = {SCAR_DEV_PEN, SCAR_DEV_ROLLER, SCAR_DEV_RF_MICRONEEDLE,
                                             SCAR_DEV_HOME_ROLLER};
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
        if (lim->device_ok[order[k]])
            g->device[g->n[F_DEVICE]++] = order[k];
    /* needle lengths the makers sell; a clinic course searches the three
     * longest the limits allow, a home course the two */
    static const double lengths[] = {0.25, 0.5, 0.75, 1.0, 1.5, 2.0};
    bool home = pt->prefs.setting == SCAR_SETTING_HOME;
    g->n[F_NEEDLE] = top_levels(lengths, 6, lim->max_needle_mm, home ? 2 : 3, g->needle_mm);
    /* three to six sessions (the article's range; Harris 2015's median 3),
     * within the patient's maximum */
    static const int sess[] = {3, 4, 6};
    int maxs = pt->prefs.max_sessions;
    for (int k = 0; k < 3; k++)
        if (sess[k] <= maxs)
            g->sessions[g->n[F_SESSIONS]++] = sess[k];
    if (maxs > 6 || g->n[F_SESSIONS] == 0)
        g->sessions[g->n[F_SESSIONS]++] = maxs;
    /* four to six weeks apart, or the longer pair when screening asks for
     * longer intervals */
    double w0 = lim->min_interval_weeks > 4 ? lim->min_interval_weeks : 4;
    g->interval_weeks[g->n[F_INTERVAL]++] = w0;
    g->interval_weeks[g->n[F_INTERVAL]++] = w0 + 2;
    /* adjuncts: none, then each one the patient accepts and screening
     * leaves; subcision only for rolling scars (it releases their tethers) */
    g->n[F_ADJUNCTS] = 1;
    for (int a = 0; a < SCAR_ADJ_COUNT && g->n[F_ADJUNCTS] < MAX_LEVELS; a++) {
        if (!lim->adjunct_ok[a])
            continue;
        if (a == SCAR_ADJ_SUBCISION && !types[SCAR_TYPE_ROLLING])
            continue;
        g->adjuncts[g->n[F_ADJUNCTS]++][a] = true;
    }
}

static int nearest_level(const double *v, int n, double x)
{
    int best = 0;
    for (int k = 1; k < n; k++)
        if (fabs(v[k] - x) < fabs(v[best] - x))
            best = k;
    return best;
}

static point grid_start(const grid *g)
{
    point p = {{0}};
    p.at[F_NEEDLE] = nearest_level(g->needle_mm, g->n[F_NEEDLE], START_NEEDLE_MM);
    double s[MAX_LEVELS];
    for (int k = 0; k < g->n[F_SESSIONS]; k++)
        s[k] = g->sessions[k];
    p.at[F_SESSIONS] = nearest_level(s, g->n[F_SESSIONS], START_SESSIONS);
    return p;
}

static void grid_protocol(const grid *g, const point *p, const scar_params *params,
                          const scar_plan_opts *o, scar_protocol *pr)
{
    memset(pr, 0, sizeof *pr);
    scar_device_default(g->device[p->at[F_DEVICE]], params, &pr->device);
    pr->device.needle_mm = g->needle_mm[p->at[F_NEEDLE]];
    pr->sessions = g->sessions[p->at[F_SESSIONS]];
    pr->interval_days = 7.0 * g->interval_weeks[p->at[F_INTERVAL]];
    pr->follow_up_days = 7.0 * o->follow_up_weeks;
    memcpy(pr->adjunct, g->adjuncts[p->at[F_ADJUNCTS]], sizeof pr->adjunct);
}

static bool same_point(const point *a, const point *b)
{
    return memcmp(a->at, b->at, sizeof a->at) == 0;
}

/* ------------------------------------------------------------------------ */
/* evaluation                                                               */
/* ------------------------------------------------------------------------ */

typedef struct search {
    scar_ctx *ctx;
    const scar_patient *pt;
    const scar_screen *scr;
    const scar_params *params;
    const scar_plan_opts *o;
    scar_cohort_opts co;
    grid g;
    bool types[SCAR_TYPE_COUNT];
    const scar_scar *face;
    size_t nface;
    point pts[SCAR_PLAN_MAX_CANDIDATES];
    scar_plan_candidate *cand;
    double *imp; /* per candidate, per virtual patient: improvement, % */
    double face_scars;
    size_t n;
    double patient_seconds;
} search;

static void label_batch(void *user, size_t k, char *buf, size_t n)
{
    const scar_arm_plan *pl = (const scar_arm_plan *)user + k;
    const scar_protocol *pr = &pl->protocol;
    snprintf(buf, n, "%s %.2g mm x%d / %g wk", scar_device_name(pr->device.kind),
             pr->device.needle_mm, pr->sessions, pr->interval_days / 7.0);
}

/* Side effects of a protocol for this patient: the worst level, counts and
 * the published downtime per session. */
scar_status scar_plan_risks(scar_ctx *ctx, const scar_patient *pt, const scar_protocol *pr,
                            scar_side_effects **out)
{
    *out = scar_malloc(ctx, sizeof **out);
    if (!*out)
        return SCAR_ENOMEM;
    scar_status st = scar_side_effects_assess_region(
        ctx, pr, pt->region ? pt->region->name : "cheek", pt->fitzpatrick,
        pt->history.pih_history, pt->history.herpes_history ? 1 : 0, NULL, pr->sessions, *out);
    if (st) {
        free(*out);
        *out = NULL;
    }
    return st;
}

static scar_status assess_risk(search *s, scar_plan_candidate *c)
{
    scar_side_effects *se = NULL;
    scar_status st = scar_plan_risks(s->ctx, s->pt, &c->protocol, &se);
    if (st)
        return st;
    c->risk = se->worst;
    c->ncautions = c->nwarnings = 0;
    c->downtime_lo_days = c->downtime_hi_days = NAN;
    for (size_t k = 0; k < se->nitems; k++) {
        const scar_se_item *it = &se->items[k];
        c->ncautions += it->level == SCAR_SE_CAUTION;
        c->nwarnings += it->level == SCAR_SE_WARNING;
        if (strcmp(it->id, "erythema_session") == 0 && it->session == 1 && isfinite(it->hi)) {
            double per_day = it->unit && strcmp(it->unit, "hours") == 0 ? 24.0 : 1.0;
            c->downtime_hi_days = it->hi / per_day;
            c->downtime_lo_days = isfinite(it->lo) ? it->lo / per_day : 0.0;
            c->downtime_from_maker = scar_se_item_cites(it, SCAR_SE_DOWNTIME_DEPTH);
        }
    }
    c->total_downtime_days =
        isfinite(c->downtime_hi_days) ? c->downtime_hi_days * c->protocol.sessions : NAN;
    double most = s->pt->prefs.max_downtime_days;
    c->over_downtime = isfinite(most) && isfinite(c->downtime_hi_days) && c->downtime_hi_days > most;
    free(se);
    return SCAR_OK;
}

static void summarize(search *s, scar_plan_candidate *c, const double *rows, double *imp)
{
    int np = s->o->patients;
    double s1 = 0, s2 = 0, gb0 = 0, gb1 = 0, gr0 = 0, gr1 = 0, ery = 0, nsc = 0;
    int resp = 0;
    double dsum[SCAR_TYPE_COUNT] = {0};
    for (int i = 0; i < np; i++) {
        const double *row = rows + (size_t)i * SCAR_PAT_NVAL;
        double v0 = row[SCAR_PAT_VOL0], v1 = row[SCAR_PAT_VOL1];
        imp[i] = v0 > 0 ? 100.0 * (1.0 - v1 / v0) : 0.0;
        s1 += imp[i];
        s2 += imp[i] * imp[i];
        gb0 += row[SCAR_PAT_GBQ0];
        gb1 += row[SCAR_PAT_GBQ1];
        gr0 += row[SCAR_PAT_GRADE0];
        gr1 += row[SCAR_PAT_GRADE1];
        resp += row[SCAR_PAT_GRADE1] <= row[SCAR_PAT_GRADE0] - 1;
        ery += row[SCAR_PAT_ERYTHEMA_DAYS];
        nsc += row[SCAR_PAT_FACE_SCARS];
        s->patient_seconds += row[SCAR_PAT_SECONDS];
        for (int t = 0; t < SCAR_TYPE_COUNT; t++)
            dsum[t] += row[SCAR_PAT_DEPTH_RESP + t];
    }
    c->patients = np;
    c->improvement_pct = s1 / np;
    double var = np > 1 ? (s2 - np * c->improvement_pct * c->improvement_pct) / (np - 1) : 0.0;
    c->sd_pct = var > 0 ? sqrt(var) : 0.0;
    /* a 95% prediction band for one new patient from a normal sample of np:
     * mean +- 1.96 sd sqrt(1 + 1/np), within what a volume can do */
    double half = 1.96 * c->sd_pct * sqrt(1.0 + 1.0 / np);
    c->ci95[0] = c->improvement_pct - half;
    c->ci95[1] = fmin(100.0, c->improvement_pct + half);
    c->gbq_before = gb0 / np;
    c->gbq_after = gb1 / np;
    c->grade_before = gr0 / np;
    c->grade_after = gr1 / np;
    c->responder_pct = 100.0 * resp / np;
    c->erythema_days = ery / np;
    s->face_scars = nsc / np;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        c->depth_resp_pct[t] = s->types[t] ? 100.0 * dsum[t] / np : NAN;
}

/* Evaluates the points not yet evaluated among pts[0..n) (one batch, so MPI
 * ranks share it); idx[k] receives each point's candidate index. */
static scar_status evaluate(search *s, const point *pts, int n, int sweep, size_t *idx)
{
    point todo[MAX_LEVELS];
    int ntodo = 0;
    for (int k = 0; k < n; k++) {
        idx[k] = SIZE_MAX;
        for (size_t c = 0; c < s->n; c++)
            if (same_point(&s->pts[c], &pts[k]))
                idx[k] = c;
        for (int j = 0; j < ntodo && idx[k] == SIZE_MAX; j++)
            if (same_point(&todo[j], &pts[k]))
                idx[k] = s->n + (size_t)j;
        if (idx[k] == SIZE_MAX) {
            if (s->n + (size_t)ntodo >= SCAR_PLAN_MAX_CANDIDATES)
                return SCAR_RAISE(s->ctx, SCAR_EINTERNAL, "more than %d candidate protocols",
                                  SCAR_PLAN_MAX_CANDIDATES);
            idx[k] = s->n + (size_t)ntodo;
            todo[ntodo++] = pts[k];
        }
    }
    if (!ntodo)
        return SCAR_OK;
    int np = s->o->patients;
    scar_arm_plan *plans = scar_calloc(s->ctx, (size_t)ntodo, sizeof *plans);
    double *rows = scar_calloc(s->ctx, (size_t)ntodo * (size_t)np * SCAR_PAT_NVAL, sizeof *rows);
    scar_status st = plans && rows ? SCAR_OK : SCAR_ENOMEM;
    for (int j = 0; j < ntodo && !st; j++) {
        scar_protocol pr;
        grid_protocol(&s->g, &todo[j], s->params, s->o, &pr);
        scar_arm_plan_for_patient(&pr, s->pt->fitzpatrick, s->pt->age_y, s->types, &plans[j]);
        if (s->face) {
            plans[j].face_scars = s->face;
            plans[j].nface_scars = (int)s->nface;
        } else {
            plans[j].face_by_counts = true;
            memcpy(plans[j].face_counts, s->pt->counts, sizeof plans[j].face_counts);
        }
    }
    /* NULL key rows: every candidate sees the same virtual patients */
    if (!st)
        st = scar_cohort_simulate(s->ctx, plans, NULL, (size_t)ntodo, np, s->params, &s->co,
                                  label_batch, plans, rows);
    for (int j = 0; j < ntodo && !st; j++) {
        scar_plan_candidate *c = &s->cand[s->n];
        memset(c, 0, sizeof *c);
        c->protocol = plans[j].protocol;
        c->sweep = sweep;
        summarize(s, c, rows + (size_t)j * (size_t)np * SCAR_PAT_NVAL, s->imp + s->n * (size_t)np);
        st = assess_risk(s, c);
        s->pts[s->n++] = todo[j];
    }
    free(plans);
    free(rows);
    return st;
}

/* ------------------------------------------------------------------------ */
/* ranking                                                                  */
/* ------------------------------------------------------------------------ */

static double downtime_key(const scar_plan_candidate *c)
{
    return isfinite(c->total_downtime_days) ? c->total_downtime_days : 1e9;
}

/* The gentler of two candidates: lower risk level, fewer warnings, fewer
 * cautions, then less downtime, fewer sessions, shorter needles, a shorter
 * course; -1 when a is gentler. */
static int gentler(const scar_plan_candidate *a, const scar_plan_candidate *b)
{
    if (a->risk != b->risk)
        return a->risk < b->risk ? -1 : 1;
    if (a->nwarnings != b->nwarnings)
        return a->nwarnings < b->nwarnings ? -1 : 1;
    if (a->ncautions != b->ncautions)
        return a->ncautions < b->ncautions ? -1 : 1;
    double da = downtime_key(a), db = downtime_key(b);
    if (da != db)
        return da < db ? -1 : 1;
    if (a->protocol.sessions != b->protocol.sessions)
        return a->protocol.sessions < b->protocol.sessions ? -1 : 1;
    if (a->protocol.device.needle_mm != b->protocol.device.needle_mm)
        return a->protocol.device.needle_mm < b->protocol.device.needle_mm ? -1 : 1;
    /* the same sessions: the course that ends sooner */
    if (a->protocol.interval_days != b->protocol.interval_days)
        return a->protocol.interval_days < b->protocol.interval_days ? -1 : 1;
    return 0;
}

static bool dominates(const scar_plan_candidate *a, const scar_plan_candidate *b)
{
    double da = downtime_key(a), db = downtime_key(b);
    bool ge = a->improvement_pct >= b->improvement_pct && da <= db && a->risk <= b->risk;
    bool gt = a->improvement_pct > b->improvement_pct || da < db || a->risk < b->risk;
    return ge && gt;
}

typedef struct ranked {
    scar_plan_candidate c;
    size_t orig;
} ranked;

static int by_improvement(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->c.improvement_pct != b->c.improvement_pct)
        return a->c.improvement_pct > b->c.improvement_pct ? -1 : 1;
    int g = gentler(&a->c, &b->c);
    if (g)
        return g;
    return a->orig < b->orig ? -1 : a->orig > b->orig;
}

static scar_status rank(search *s, scar_plan_result *r)
{
    size_t n = s->n, best = 0;
    int np = s->o->patients;
    for (size_t c = 1; c < n; c++)
        if (s->cand[c].improvement_pct > s->cand[best].improvement_pct)
            best = c;
    for (size_t c = 0; c < n; c++) {
        scar_plan_candidate *x = &s->cand[c];
        /* the paired difference from the best over the same patients */
        double m = 0, q = 0;
        for (int i = 0; i < np; i++) {
            double d = s->imp[best * (size_t)np + (size_t)i] - s->imp[c * (size_t)np + (size_t)i];
            m += d;
            q += d * d;
        }
        m /= np;
        double var = np > 1 ? (q - np * m * m) / (np - 1) : 0.0;
        x->se_diff_best = var > 0 ? sqrt(var / np) : 0.0;
        /* equivalent to the best: the difference is within one standard
         * error, or smaller than a small effect (Cohen's d = 0.2 of the
         * patient-to-patient spread), too small to matter to a patient
         * whose own result varies by several times that */
        double small = SMALL_EFFECT_D * s->cand[best].sd_pct;
        x->within_noise = c == best || m <= fmax(x->se_diff_best, small);
        x->pareto = true;
        for (size_t d = 0; d < n && x->pareto; d++)
            if (d != c && dominates(&s->cand[d], x))
                x->pareto = false;
    }
    ranked *rk = scar_calloc(s->ctx, n, sizeof *rk);
    if (!rk)
        return SCAR_ENOMEM;
    for (size_t c = 0; c < n; c++)
        rk[c] = (ranked){s->cand[c], c};
    qsort(rk, n, sizeof *rk, by_improvement);
    for (size_t c = 0; c < n; c++)
        r->cand[c] = rk[c].c;
    /* The gentlest of the candidates equivalent to the best, among those
     * within the downtime the patient accepts; when none of those is, the
     * best of the acceptable ones; when no candidate is acceptable, the
     * gentlest equivalent one, flagged (over_downtime). */
    size_t rec = SIZE_MAX;
    for (int pass = 0; pass < 3 && rec == SIZE_MAX; pass++)
        for (size_t c = 0; c < n; c++) {
            const scar_plan_candidate *x = &r->cand[c];
            bool ok = pass == 0   ? x->within_noise && !x->over_downtime
                      : pass == 1 ? !x->over_downtime
                                  : x->within_noise;
            if (!ok)
                continue;
            if (pass == 1) {
                rec = c; /* ranked best first */
                break;
            }
            if (rec == SIZE_MAX || gentler(x, &r->cand[rec]) < 0)
                rec = c;
        }
    r->recommended = rec == SIZE_MAX ? 0 : rec;
    free(rk);
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* the search                                                               */
/* ------------------------------------------------------------------------ */

scar_status scar_plan_search(scar_ctx *ctx, const scar_patient *pt, const scar_screen *scr,
                             const scar_scar *face, size_t nface, const scar_params *params,
                             const scar_plan_opts *o, scar_plan_result **out)
{
    *out = NULL;
    if (!scr->candidate)
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "no protocol search for a patient screened out");
    if (o->patients < 2 || o->patients > 1000)
        return SCAR_RAISE_AT(ctx, SCAR_EUSAGE, NULL, 0, 0, "--patients",
                             "expected 2 to 1000 virtual patients per protocol, found %d",
                             o->patients);
    double t0 = scar_now_s();
    search s = {.ctx = ctx, .pt = pt, .scr = scr, .params = params, .o = o, .face = face,
                .nface = nface};
    scar_cohort_opts_default(&s.co);
    s.co.patients = o->patients;
    s.co.dx_um = o->dx_um;
    s.co.patch_mm = o->patch_mm;
    s.co.seed = o->seed;
    if (face)
        for (size_t k = 0; k < nface; k++)
            s.types[face[k].type] = true;
    else
        for (int t = 0; t < SCAR_TYPE_COUNT; t++)
            s.types[t] = pt->counts[t] > 0;
    grid_make(pt, &scr->limits, s.types, &s.g);
    if (s.g.n[F_DEVICE] == 0)
        return SCAR_RAISE(ctx, SCAR_EINPUT, "screening leaves no device for this patient");
    scar_plan_result *r = scar_calloc(ctx, 1, sizeof *r);
    s.cand = scar_calloc(ctx, SCAR_PLAN_MAX_CANDIDATES, sizeof *s.cand);
    s.imp = scar_calloc(ctx, SCAR_PLAN_MAX_CANDIDATES * (size_t)o->patients, sizeof *s.imp);
    scar_status st = r && s.cand && s.imp ? SCAR_OK : SCAR_ENOMEM;
    point cur = grid_start(&s.g);
    size_t idx[MAX_LEVELS];
    if (!st)
        st = evaluate(&s, &cur, 1, 0, idx);
    size_t at = idx[0];
    int sweep = 0;
    bool moved = true;
    while (!st && moved && sweep < o->max_sweeps) {
        moved = false;
        sweep++;
        for (int f = 0; f < F_COUNT && !st; f++) {
            if (s.g.n[f] < 2)
                continue;
            point pts[MAX_LEVELS];
            for (int k = 0; k < s.g.n[f]; k++) {
                pts[k] = cur;
                pts[k].at[f] = k;
            }
            if ((st = evaluate(&s, pts, s.g.n[f], sweep, idx)))
                break;
            /* move to the level with the highest mean; a tie keeps the
             * current one */
            for (int k = 0; k < s.g.n[f]; k++)
                if (s.cand[idx[k]].improvement_pct > s.cand[at].improvement_pct) {
                    at = idx[k];
                    cur = pts[k];
                    moved = true;
                }
        }
    }
    if (!st) {
        r->opts = *o;
        r->fitzpatrick = pt->fitzpatrick;
        r->age_y = pt->age_y;
        memcpy(r->types, s.types, sizeof r->types);
        r->face_scars = (int)lround(s.face_scars);
        r->n = s.n;
        r->sweeps = sweep;
        r->cand = scar_calloc(ctx, s.n, sizeof *r->cand);
        st = r->cand ? rank(&s, r) : SCAR_ENOMEM;
    }
    free(s.cand);
    free(s.imp);
    if (st) {
        scar_plan_result_destroy(&r);
        return st;
    }
    r->patient_seconds = s.patient_seconds;
    r->seconds = scar_now_s() - t0;
    *out = r;
    return SCAR_OK;
}
