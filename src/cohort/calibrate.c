/*
 * calibrate.c — emulator-based calibration of the model's knobs against
 * published arms and histology (calibrate.h, docs/calibration.md).
 */
#include "calibrate.h"

#include "core.h"

#include <math.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

/* The knobs fitted: MODEL.md §8 names a_rho, a_M (matrix layer) and
 * kappa_t (the surface: rolling-scar release) as calibration parameters of
 * the clinical and histology targets; the scar floors' a_fill (how fast a
 * disturbed floor refills), phi_rho (how much it lacks), ell_s (how
 * widely the skin's stiffness spreads a column's gain) and f_regrow (how
 * much of the thickness a scar destroyed a reset floor regrows) set the
 * atrophic scars' response (MODEL.md §4, §4.1 item 3; docs/engine.md).  Intervals are the
 * parameters' ranges in parameters.csv, except a_M, whose upper 500 is cut
 * to 100: above it degradation erases any synthesis (the provisional
 * calibration found 50 already does).  The epidermis' a_h and tau_e are not
 * fitted: the simulated epidermis moves by 0-1.4 % anywhere in their ranges
 * against Lotfi's +50 %, and the fit only drove tau_e to its bound, where it
 * also slows the regrowth after a peel (docs/calibration.md). */
static const scar_cal_param cal_params[] = {
    {"a_rho", 1.0, 50.0, true},
    {"a_M", 0.5, 100.0, true},
    {"kappa_t", 0.1, 2.0, true},
    {"a_fill", 20.0, 130.0, true},
    {"phi_rho", 0.5, 0.9, false},
    {"ell_s", 0.2, 2.0, true},
    {"f_regrow", 0.0, 1.0, false},
};
#define NPAR (sizeof cal_params / sizeof cal_params[0])

size_t scar_cal_param_count(void)
{
    return NPAR;
}

const scar_cal_param *scar_cal_param_at(size_t i)
{
    return i < NPAR ? &cal_params[i] : NULL;
}

/* Histology targets (validation-targets.md C2), attached to the arm of the
 * same study when the table has it: Lotfi 2013, 1.5 mm roller monthly x 5,
 * 8 weeks after the last session. */
static const struct {
    const char *study;
    scar_cal_kind kind;
    double value;
    const char *source;
} histology[] = {
    {"Lotfi2013", SCAR_CAL_COLLAGEN, 53.2,
     "Lotfi 2013, Masson trichrome papillary collagen +53.2% in treated atrophic scars "
     "(validation-targets.md C2)"},
    {"Lotfi2013", SCAR_CAL_EPIDERMIS, 50.0,
     "Lotfi 2013, H&E epidermal thickness +50% (validation-targets.md C2)"},
};

void scar_cal_opts_default(scar_cal_opts *o)
{
    memset(o, 0, sizeof *o);
    o->patients = 2;
    o->design = 19; /* the squares emulator's 13 terms and 6 to spare */
    o->refine = 1;
    /* 150 um: a third of the cost of the trial's 100 um (docs/calibration.md) */
    o->dx_um = 150.0;
    o->seed = 1;
}

void scar_cal_result_destroy(scar_cal_result **pr)
{
    if (!pr || !*pr)
        return;
    scar_cal_result *r = *pr;
    free(r->prior);
    free(r->best);
    free(r->targets);
    free(r->design);
    free(r->y);
    free(r->emu_rms);
    free(r->pred_prior);
    free(r->pred_best);
    free(r->sim_best);
    free(r->studies);
    free(r->loso_best);
    free(r->loso_pred);
    free(r);
    *pr = NULL;
}

/* ------------------------------------------------------------------------ */
/* parameter space                                                          */
/* ------------------------------------------------------------------------ */

static double to_value(const scar_cal_param *c, double u)
{
    if (c->log)
        return exp(log(c->lo) + u * (log(c->hi) - log(c->lo)));
    return c->lo + u * (c->hi - c->lo);
}

static double to_unit(const scar_cal_param *c, double v)
{
    double u = c->log ? (log(v) - log(c->lo)) / (log(c->hi) - log(c->lo))
                      : (v - c->lo) / (c->hi - c->lo);
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

static scar_status params_at(scar_ctx *ctx, const scar_params *base, const double *v,
                             scar_params **out)
{
    scar_status st = scar_params_copy(ctx, base, out);
    for (size_t i = 0; !st && i < NPAR; i++)
        st = scar_params_set(ctx, *out, cal_params[i].name, v[i], NULL, 0, 0);
    if (!st)
        st = scar_params_check(ctx, *out);
    if (st)
        scar_params_destroy(out);
    return st;
}

scar_status scar_cal_apply(scar_ctx *ctx, const scar_cal_result *r, const scar_params *base,
                           scar_params **out)
{
    return params_at(ctx, base, r->best, out);
}

/* ------------------------------------------------------------------------ */
/* the emulator: least squares on polynomial features of u                  */
/* ------------------------------------------------------------------------ */

typedef enum { EMU_LINEAR = 0, EMU_SQUARES, EMU_QUADRATIC } emu_kind;

static int emu_terms(emu_kind k, int d)
{
    return k == EMU_LINEAR ? 1 + d : k == EMU_SQUARES ? 1 + 2 * d : 1 + d + d * (d + 1) / 2;
}

static void features(emu_kind k, int d, const double *u, double *f)
{
    int m = 0;
    f[m++] = 1.0;
    for (int i = 0; i < d; i++)
        f[m++] = u[i];
    if (k == EMU_SQUARES)
        for (int i = 0; i < d; i++)
            f[m++] = u[i] * u[i];
    if (k == EMU_QUADRATIC)
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++)
                f[m++] = u[i] * u[j];
}

/* Solves (A + lambda I) x = b for a small symmetric positive definite A
 * (m x m, m <= 36) by Cholesky.  Written by hand: a 36 x 36 solve does not
 * justify a LAPACK dependency.  Returns false when not positive definite. */
static bool spd_solve(int m, double *A, double *b)
{
    for (int j = 0; j < m; j++) {
        double s = A[j * m + j];
        for (int k = 0; k < j; k++)
            s -= A[j * m + k] * A[j * m + k];
        if (!(s > 0))
            return false;
        A[j * m + j] = sqrt(s);
        for (int i = j + 1; i < m; i++) {
            double t = A[i * m + j];
            for (int k = 0; k < j; k++)
                t -= A[i * m + k] * A[j * m + k];
            A[i * m + j] = t / A[j * m + j];
        }
    }
    for (int i = 0; i < m; i++) { /* L y = b */
        double t = b[i];
        for (int k = 0; k < i; k++)
            t -= A[i * m + k] * b[k];
        b[i] = t / A[i * m + i];
    }
    for (int i = m - 1; i >= 0; i--) { /* L^T x = y */
        double t = b[i];
        for (int k = i + 1; k < m; k++)
            t -= A[k * m + i] * b[k];
        b[i] = t / A[i * m + i];
    }
    return true;
}

#define MAXTERMS 36 /* a full quadratic in up to 7 parameters */
_Static_assert(1 + NPAR + NPAR * (NPAR + 1) / 2 <= MAXTERMS, "emulator terms exceed MAXTERMS");

/* Fits coefficients beta (terms) to the values y over the design points
 * u (nd x d), skipping point `skip` (-1: none).  A small ridge keeps the
 * system solvable when the design is thin. */
static bool emu_fit(emu_kind k, int d, const double *u, const double *y, int nd, int skip,
                    double *beta)
{
    int m = emu_terms(k, d);
    double A[MAXTERMS * MAXTERMS] = {0}, f[MAXTERMS];
    for (int i = 0; i < m; i++)
        beta[i] = 0;
    for (int p = 0; p < nd; p++) {
        if (p == skip)
            continue;
        features(k, d, u + (size_t)p * (size_t)d, f);
        for (int i = 0; i < m; i++) {
            beta[i] += f[i] * y[p];
            for (int j = 0; j < m; j++)
                A[i * m + j] += f[i] * f[j];
        }
    }
    for (int i = 0; i < m; i++)
        A[i * m + i] += 1e-6;
    return spd_solve(m, A, beta);
}

static double emu_eval(emu_kind k, int d, const double *beta, const double *u)
{
    double f[MAXTERMS], s = 0;
    features(k, d, u, f);
    for (int i = 0; i < emu_terms(k, d); i++)
        s += beta[i] * f[i];
    return s;
}

/* ------------------------------------------------------------------------ */
/* the objective                                                            */
/* ------------------------------------------------------------------------ */

/* A target's term of J for a value y: w_t ((y - observed_t) / s_t)^2. */
static double j_term(const scar_cal_target *t, double y)
{
    double z = (y - t->observed) / t->scale;
    return t->weight * z * z;
}

/* J on the emulators of one round. */
typedef struct objective {
    emu_kind kind;
    int d;
    size_t nt;
    const scar_cal_target *t;
    const double *beta; /* nt x MAXTERMS */
} objective;

static double objective_at(const objective *ob, const double *u)
{
    double j = 0;
    for (size_t i = 0; i < ob->nt; i++)
        j += j_term(&ob->t[i], emu_eval(ob->kind, ob->d, ob->beta + i * MAXTERMS, u));
    return j;
}

static double nlopt_objective(unsigned n, const double *x, double *grad, void *data)
{
    (void)n;
    (void)grad; /* derivative-free */
    return objective_at(data, x);
}

/* Minimises within [lo, hi] from the design point with the lowest objective. */
static scar_status minimise(scar_ctx *ctx, const objective *ob, const double *u_design, size_t nd,
                            const double *lo, const double *hi, double *u_best, double *j_best)
{
    int d = ob->d;
    size_t start = 0;
    double js = INFINITY;
    for (size_t p = 0; p < nd; p++) {
        double j = objective_at(ob, u_design + p * (size_t)d);
        if (j < js) {
            js = j;
            start = p;
        }
    }
    memcpy(u_best, u_design + start * (size_t)d, (size_t)d * sizeof *u_best);
    nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, (unsigned)d);
    if (!opt)
        return SCAR_RAISE(ctx, SCAR_ENOMEM, "nlopt_create failed");
    nlopt_set_lower_bounds(opt, lo);
    nlopt_set_upper_bounds(opt, hi);
    nlopt_set_min_objective(opt, nlopt_objective, (void *)ob);
    nlopt_set_xtol_rel(opt, 1e-8);
    nlopt_set_ftol_abs(opt, 1e-12);
    nlopt_set_maxeval(opt, 5000);
    double f = js;
    nlopt_result res = nlopt_optimize(opt, u_best, &f);
    nlopt_destroy(opt);
    if (res < 0 && res != NLOPT_ROUNDOFF_LIMITED)
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "NLopt BOBYQA failed (code %d)", (int)res);
    *j_best = f;
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* simulating the targets                                                   */
/* ------------------------------------------------------------------------ */

static scar_status simulate_targets(scar_ctx *ctx, const scar_trial_table *table,
                                    const scar_params *base, const double *v,
                                    const scar_cohort_opts *co, const size_t *arms, size_t narms,
                                    const scar_cal_target *t, size_t nt, double *y)
{
    scar_params *p = NULL;
    scar_trial_result *r = NULL;
    scar_status st = params_at(ctx, base, v, &p);
    if (!st)
        st = scar_trial_run(ctx, table, p, co, arms, narms, &r);
    for (size_t i = 0; !st && i < nt; i++) {
        const scar_arm_summary *s = &r->sums[t[i].arm];
        const double *rows = r->patients + t[i].arm * (size_t)co->patients * SCAR_PAT_NVAL;
        double h = 0;
        /* Lotfi's biopsies are of treated acne scars: collagen in the scars'
         * columns against their own initial content */
        int col =
            t[i].kind == SCAR_CAL_COLLAGEN ? SCAR_PAT_SCAR_COLLAGEN_PCT : SCAR_PAT_EPIDERMIS_PCT;
        switch (t[i].kind) {
        case SCAR_CAL_IMPROVEMENT:
            y[i] = s->improvement_pct;
            break;
        case SCAR_CAL_RESPONDERS:
            y[i] = s->responder_pct;
            break;
        case SCAR_CAL_COLLAGEN:
        case SCAR_CAL_EPIDERMIS:
            for (int k = 0; k < co->patients; k++)
                h += rows[(size_t)k * SCAR_PAT_NVAL + (size_t)col];
            y[i] = h / co->patients;
            break;
        }
    }
    scar_trial_result_destroy(&r);
    scar_params_destroy(&p);
    return st;
}

/* Whether target i belongs to study sid. */
static bool of_study(const scar_cal_result *r, size_t i, const char *sid)
{
    return strcmp(r->table->arms[r->targets[i].arm].study_id, sid) == 0;
}

/* J of simulated target values y, without the targets of study `exclude`
 * (NULL: none). */
static double sim_objective(const scar_cal_result *r, const double *y, const char *exclude)
{
    double j = 0;
    for (size_t i = 0; i < r->nt; i++)
        if (!exclude || !of_study(r, i, exclude))
            j += j_term(&r->targets[i], y[i]);
    return j;
}

/* A Latin hypercube in [0,1]^d with point 0 at u0 (the defaults): each axis
 * split into nd strata, one point per stratum, strata shuffled per axis. */
static void latin_hypercube(uint64_t seed, int d, size_t nd, const double *u0, double *u)
{
    scar_rng r;
    scar_rng_init(&r, seed, 0xCA11);
    memcpy(u, u0, (size_t)d * sizeof *u);
    size_t m = nd - 1;
    if (m == 0)
        return;
    size_t *perm = malloc(m * sizeof *perm);
    if (!perm)
        return;
    for (int i = 0; i < d; i++) {
        for (size_t k = 0; k < m; k++)
            perm[k] = k;
        for (size_t k = m - 1; k > 0; k--) {
            size_t j = (size_t)(scar_rng_uniform(&r) * (double)(k + 1));
            size_t tmp = perm[k];
            perm[k] = perm[j];
            perm[j] = tmp;
        }
        for (size_t k = 0; k < m; k++)
            u[(k + 1) * (size_t)d + (size_t)i] =
                ((double)perm[k] + scar_rng_uniform(&r)) / (double)m;
    }
    free(perm);
}

/* ------------------------------------------------------------------------ */
/* the whole fit                                                            */
/* ------------------------------------------------------------------------ */

scar_status scar_calibrate(scar_ctx *ctx, const scar_trial_table *table, const scar_params *base,
                           const scar_cal_opts *o, const size_t *only, size_t nonly,
                           scar_cal_result **out)
{
    *out = NULL;
    if (o->design < 3 || o->design > 200)
        return SCAR_RAISE_AT(ctx, SCAR_EUSAGE, NULL, 0, 0, "--design",
                             "expected 3 to 200 design points, found %d", o->design);
    if (o->refine < 0 || o->refine > 5)
        return SCAR_RAISE_AT(ctx, SCAR_EUSAGE, NULL, 0, 0, "--refine",
                             "expected 0 to 5 refining rounds, found %d", o->refine);
    double t0 = scar_now_s();
    scar_cal_result *r = scar_calloc(ctx, 1, sizeof *r);
    if (!r)
        return SCAR_ENOMEM;
    r->table = table;
    r->opts = *o;
    r->np = NPAR;
    r->ranks = scar_dist_size();
    size_t na = table->n;
    scar_status st = SCAR_OK;
    size_t *arms = scar_calloc(ctx, na ? na : 1, sizeof *arms);
    /* at most an improvement, a responder rate and every histology target
     * per arm (a table may repeat a study's row) */
    const size_t nhist = sizeof histology / sizeof histology[0];
    r->targets = scar_calloc(ctx, na * (2 + nhist) + 1, sizeof *r->targets);
    r->prior = scar_calloc(ctx, NPAR, sizeof *r->prior);
    r->best = scar_calloc(ctx, NPAR, sizeof *r->best);
    if (!arms || !r->targets || !r->prior || !r->best) {
        st = SCAR_ENOMEM;
        goto done;
    }
    /* the training targets */
    size_t narms = 0;
    for (size_t a = 0; a < na; a++) {
        const scar_trial_arm *arm = &table->arms[a];
        scar_arm_plan plan;
        scar_arm_plan_make(arm, base, &plan);
        if (!plan.simulate || plan.untreated || !scar_trial_selected(only, nonly, a))
            continue;
        scar_arm_summary s;
        scar_arm_summarize(arm, &plan, NULL, 0, &s);
        size_t before = r->nt;
        if (isfinite(s.published_improvement_pct))
            r->targets[r->nt++] = (scar_cal_target){a, SCAR_CAL_IMPROVEMENT,
                                                    s.published_improvement_pct, 15.0, 1.0, NULL};
        if (isfinite(arm->responder_pct))
            r->targets[r->nt++] =
                (scar_cal_target){a, SCAR_CAL_RESPONDERS, arm->responder_pct, 15.0, 0.5, NULL};
        for (size_t h = 0; h < nhist; h++)
            if (arm->study_id && strcmp(arm->study_id, histology[h].study) == 0)
                r->targets[r->nt++] = (scar_cal_target){a, histology[h].kind, histology[h].value,
                                                        25.0, 1.0, histology[h].source};
        if (r->nt > before)
            arms[narms++] = a;
    }
    if (r->nt == 0) {
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, table->path, 0, 0, NULL,
                           "expected at least one simulable arm with a published improvement or "
                           "responder rate, found none");
        goto done;
    }
    size_t nt = r->nt, K = (size_t)o->design, R = (size_t)o->refine;
    /* every simulated point: K per round (a refining round reuses its
     * incumbent), and the emulated optimum of each round */
    size_t ndmax = K + R * (K - 1) + R + 1;
    int d = (int)NPAR;
    r->design = scar_calloc(ctx, ndmax * NPAR, sizeof *r->design);
    r->y = scar_calloc(ctx, ndmax * nt, sizeof *r->y);
    r->emu_rms = scar_calloc(ctx, nt, sizeof *r->emu_rms);
    r->pred_prior = scar_calloc(ctx, nt, sizeof *r->pred_prior);
    r->pred_best = scar_calloc(ctx, nt, sizeof *r->pred_best);
    r->sim_best = scar_calloc(ctx, nt, sizeof *r->sim_best);
    r->studies = scar_calloc(ctx, nt, sizeof *r->studies);
    r->loso_pred = scar_calloc(ctx, nt, sizeof *r->loso_pred);
    r->loso_best = scar_calloc(ctx, nt * NPAR, sizeof *r->loso_best);
    double *u = scar_calloc(ctx, ndmax * NPAR, sizeof *u);
    double *ur = scar_calloc(ctx, K * NPAR, sizeof *ur);
    size_t *idx = scar_calloc(ctx, K, sizeof *idx);
    double *yt = scar_calloc(ctx, K, sizeof *yt);
    double *beta = scar_calloc(ctx, nt * MAXTERMS, sizeof *beta);
    if (!r->design || !r->y || !r->emu_rms || !r->pred_prior || !r->pred_best || !r->sim_best ||
        !r->studies || !r->loso_pred || !r->loso_best || !u || !ur || !idx || !yt || !beta) {
        st = SCAR_ENOMEM;
        goto fit_done;
    }
    double u0[NPAR];
    for (size_t i = 0; i < NPAR; i++) {
        scar_params_get(base, cal_params[i].name, &r->prior[i]);
        u0[i] = to_unit(&cal_params[i], r->prior[i]);
    }
    scar_cohort_opts co;
    scar_cohort_opts_default(&co);
    co.patients = o->patients;
    co.dx_um = o->dx_um;
    co.seed = o->seed;
    /* the fit is of the typical patient's parameters unless asked to fit
     * the varied cohort; either way every point sees the same patients */
    co.vary_params = o->vary_params;

    /* Round 0 spans the searched box; each refining round a box of half the
     * previous width around the best point simulated so far (the
     * incumbent), whose emulators are fitted on that round's points alone:
     * a quadratic is a poor global model of responses that switch on
     * (docs/calibration.md, "Method"). */
    double lo[NPAR], hi[NPAR], half = 0.5;
    for (size_t i = 0; i < NPAR; i++) {
        lo[i] = 0.0;
        hi[i] = 1.0;
    }
    size_t inc = 0;
    for (size_t round = 0; !st && round <= R; round++) {
        double uc[NPAR]; /* the round's first point in its box's unit cube */
        for (size_t i = 0; i < NPAR; i++) {
            double c = round == 0 ? u0[i] : u[inc * NPAR + i];
            uc[i] = hi[i] > lo[i] ? (c - lo[i]) / (hi[i] - lo[i]) : 0.5;
        }
        latin_hypercube(o->seed + round, d, K, uc, ur);
        for (size_t k = 0; !st && k < K; k++) {
            if (round > 0 && k == 0) { /* the incumbent, simulated already */
                idx[0] = inc;
                continue;
            }
            size_t p = r->nd++;
            idx[k] = p;
            double *v = r->design + p * NPAR;
            for (size_t i = 0; i < NPAR; i++) {
                u[p * NPAR + i] = lo[i] + (hi[i] - lo[i]) * ur[k * NPAR + i];
                v[i] = round == 0 && k == 0 ? r->prior[i]
                                            : to_value(&cal_params[i], u[p * NPAR + i]);
            }
            if (round == 0 && k == 0)
                memcpy(u + p * NPAR, u0, sizeof u0);
            scar_log(ctx, SCAR_LOG_INFO, "calibrate: round %zu of %zu, point %zu of %zu",
                     round + 1, R + 1, k + 1, K);
            st = simulate_targets(ctx, table, base, v, &co, arms, narms, r->targets, nt,
                                  r->y + p * nt);
        }
        if (st)
            break;
        /* the round's emulators, on its own points */
        for (size_t k = 0; k < K; k++)
            memcpy(ur + k * NPAR, u + idx[k] * NPAR, NPAR * sizeof *ur);
        emu_kind kind = (int)K >= emu_terms(EMU_QUADRATIC, d) + 3 ? EMU_QUADRATIC
                        : (int)K >= emu_terms(EMU_SQUARES, d) + 2 ? EMU_SQUARES
                                                                   : EMU_LINEAR;
        r->terms = emu_terms(kind, d);
        for (size_t i = 0; !st && i < nt; i++) {
            for (size_t k = 0; k < K; k++)
                yt[k] = r->y[idx[k] * nt + i];
            if (!emu_fit(kind, d, ur, yt, (int)K, -1, beta + i * MAXTERMS)) {
                st = SCAR_RAISE(ctx, SCAR_EINTERNAL, "emulator fit failed for target %zu", i);
                break;
            }
            /* leave-one-point-out error: how far to trust the emulator */
            double e2 = 0, bl[MAXTERMS];
            for (size_t k = 0; k < K; k++) {
                if (!emu_fit(kind, d, ur, yt, (int)K, (int)k, bl))
                    continue;
                double e = emu_eval(kind, d, bl, ur + k * NPAR) - yt[k];
                e2 += e * e;
            }
            r->emu_rms[i] = sqrt(e2 / (double)K);
        }
        objective ob = {kind, d, nt, r->targets, beta};
        double ub[NPAR];
        if (!st)
            st = minimise(ctx, &ob, ur, K, lo, hi, ub, &r->j_best);
        if (st)
            break;
        if (round == 0) {
            r->j_prior = objective_at(&ob, u0);
            for (size_t i = 0; i < nt; i++)
                r->pred_prior[i] = emu_eval(kind, d, beta + i * MAXTERMS, u0);
        }
        /* the emulated optimum, simulated */
        size_t p = r->nd++;
        memcpy(u + p * NPAR, ub, sizeof ub);
        for (size_t i = 0; i < NPAR; i++)
            r->design[p * NPAR + i] = to_value(&cal_params[i], ub[i]);
        scar_log(ctx, SCAR_LOG_INFO, "calibrate: round %zu, checking its optimum by simulation",
                 round + 1);
        st = simulate_targets(ctx, table, base, r->design + p * NPAR, &co, arms, narms,
                              r->targets, nt, r->y + p * nt);
        double jinc = sim_objective(r, r->y + inc * nt, NULL);
        for (size_t q = 0; !st && q < r->nd; q++) {
            double jq = sim_objective(r, r->y + q * nt, NULL);
            if (jq < jinc) {
                inc = q;
                jinc = jq;
            }
        }
        for (size_t i = 0; !st && i < nt; i++)
            r->pred_best[i] = emu_eval(kind, d, beta + i * MAXTERMS, u + inc * NPAR);
        r->j_best = objective_at(&ob, u + inc * NPAR);
        for (size_t i = 0; i < NPAR; i++) {
            double c = u[inc * NPAR + i];
            lo[i] = c - half * 0.5 > 0.0 ? c - half * 0.5 : 0.0;
            hi[i] = c + half * 0.5 < 1.0 ? c + half * 0.5 : 1.0;
        }
        half *= 0.5;
    }
    if (!st) {
        r->inc = inc;
        memcpy(r->best, r->design + inc * NPAR, NPAR * sizeof *r->best);
        memcpy(r->sim_best, r->y + inc * nt, nt * sizeof *r->sim_best);
        r->j_sim_best = sim_objective(r, r->sim_best, NULL);
        r->j_sim_prior = sim_objective(r, r->y, NULL);
        /* leave one study out, over the simulated points: the point that
         * fits best without a study's targets predicts them with its
         * simulated (not emulated) values */
        for (size_t i = 0; i < nt; i++) {
            const char *sid = table->arms[r->targets[i].arm].study_id;
            bool seen = false;
            for (size_t k = 0; k < r->ns; k++)
                seen |= strcmp(r->studies[k], sid) == 0;
            if (!seen)
                r->studies[r->ns++] = sid;
        }
        for (size_t k = 0; k < r->ns; k++) {
            size_t pk = 0;
            double jk = sim_objective(r, r->y, r->studies[k]);
            for (size_t q = 1; q < r->nd; q++) {
                double jq = sim_objective(r, r->y + q * nt, r->studies[k]);
                if (jq < jk) {
                    pk = q;
                    jk = jq;
                }
            }
            memcpy(r->loso_best + k * NPAR, r->design + pk * NPAR, NPAR * sizeof *r->loso_best);
            for (size_t i = 0; i < nt; i++)
                if (of_study(r, i, r->studies[k]))
                    r->loso_pred[i] = r->y[pk * nt + i];
        }
    }
fit_done:
    free(ur);
    free(idx);
    free(yt);
    free(u);
    free(beta);
done:
    free(arms);
    if (st) {
        scar_cal_result_destroy(&r);
        return st;
    }
    r->seconds = scar_now_s() - t0;
    *out = r;
    return SCAR_OK;
}
