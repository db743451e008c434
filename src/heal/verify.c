/*
 * verify.c — numerical verification of the healing engine
 * (validation-targets.md §G): homeostasis (N1), relaxation of a small
 * perturbation (N2), the diffusion kernel's convergence orders, decay factor
 * and mass balance (N3), collagen mass balance (N4), symmetry of a central
 * puncture (N5), sub-grid against resolved tracks (N7), positivity (N8), the
 * Arrhenius integral of the thermal devices (N9) and the same numbers for 1
 * and 2 threads.  Each check builds its own small tissue so that it tests
 * one thing.
 */
#include "verify.h"
#include "needle.h"
#include "thermal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small test patch: a flat skin, optionally with one round boxcar scar of
 * the given depth and radius at its centre. */
typedef struct patch {
    scar_params *p;
    scar_heightmap *hm;
    int32_t *labels;
    scar_scar scar;
    scar_tissue *t;
    scar_heal *h;
} patch;

static void patch_free(patch *P)
{
    scar_heal_destroy(&P->h);
    scar_tissue_destroy(&P->t);
    scar_heightmap_destroy(&P->hm);
    scar_params_destroy(&P->p);
    free(P->labels);
    memset(P, 0, sizeof *P);
}

static scar_status patch_make(scar_ctx *ctx, patch *P, double size_mm, double h_mm,
                              double scar_depth_mm, double scar_radius_mm, int threads)
{
    memset(P, 0, sizeof *P);
    double px_um = 1e3 * h_mm / 2.0;
    size_t n = (size_t)llround(size_mm * 1e3 / px_um);
    scar_status st = scar_params_create(ctx, &P->p);
    if (!st)
        st = scar_heightmap_create(ctx, n, n, px_um, px_um, &P->hm);
    if (st)
        return st;
    P->labels = scar_calloc(ctx, n * n, sizeof *P->labels);
    if (!P->labels)
        return SCAR_ENOMEM;
    double c = 0.5 * size_mm;
    size_t nscars = 0;
    if (scar_depth_mm > 0.0) {
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) {
                double x = ((double)i + 0.5) * px_um * 1e-3 - c;
                double y = ((double)j + 0.5) * px_um * 1e-3 - c;
                if (x * x + y * y <= scar_radius_mm * scar_radius_mm) {
                    SCAR_HM_AT(P->hm, i, j) = (float)(-scar_depth_mm * 1e3);
                    P->labels[j * n + i] = 1;
                }
            }
        P->scar = (scar_scar){.type = SCAR_TYPE_BOXCAR, .profile = SCAR_PROFILE_U,
                              .x_mm = c, .y_mm = c, .width_mm = 2 * scar_radius_mm,
                              .depth_mm = scar_depth_mm, .mean_depth_mm = scar_depth_mm,
                              .area_mm2 = M_PI * scar_radius_mm * scar_radius_mm};
        nscars = 1;
    }
    scar_tissue_spec spec = {.surface = P->hm, .labels = P->labels, .scars = &P->scar,
                             .nscars = nscars, .region = scar_region_find("cheek"),
                             .h_mm = h_mm, .fitzpatrick = 3, .age_y = 28};
    scar_ctx_set_threads(ctx, threads);
    st = scar_tissue_create(ctx, &spec, P->p, &P->t);
    if (!st)
        st = scar_heal_create(ctx, P->t, &P->h);
    return st;
}

/* A central needle track, bleeding, as a 1.5 mm roller needle makes it. */
static scar_status central_track(scar_ctx *ctx, patch *P, scar_track_mode mode, double r_w)
{
    const scar_grid *g = &P->t->g;
    scar_puncture pu = {0.5 * (double)g->nx * g->h_mm, 0.5 * (double)g->ny * g->h_mm,
                        P->p->f_pen * P->p->L_n, r_w, 3.0 * P->p->r_n};
    scar_voxels vox = {0};
    scar_status st = scar_track_voxels_mode(ctx, P->t, &pu, mode, &vox);
    if (!st)
        scar_heal_apply_track(P->h, &vox, true);
    scar_voxels_free(&vox);
    return st;
}

/* Steps to t_end from dt_min growing by 1.5 to dt_max, as a course does. */
static scar_status run_to(scar_ctx *ctx, patch *P, double t_end, double dt0, double dt_max)
{
    double dt = dt0;
    while (scar_heal_time(P->h) < t_end - 1e-12) {
        double step = fmin(dt, t_end - scar_heal_time(P->h));
        scar_status st = scar_heal_step(ctx, P->h, step);
        if (st)
            return st;
        dt = fmin(1.5 * dt, dt_max);
    }
    return SCAR_OK;
}

static scar_verify_check *add(scar_verify_report *r, const char *id, const char *name)
{
    scar_verify_check *c = &r->checks[r->n++];
    memset(c, 0, sizeof *c);
    c->id = id;
    c->name = name;
    return c;
}

static void judge_le(scar_verify_check *c, double value, double limit)
{
    c->value = value;
    c->limit = limit;
    c->relation = "<=";
    c->pass = isfinite(value) && value <= limit;
}

/* The scale each field's departure is measured against. */
static double field_scale(const scar_params *p, int f)
{
    switch (f) {
    case SCAR_F_M: return p->M_max;
    case SCAR_F_C: return p->c0;
    case SCAR_F_N:
    case SCAR_F_MYO: return p->n0;
    case SCAR_F_RHO1:
    case SCAR_F_RHO3:
    case SCAR_F_RHOD: return p->rho0;
    case SCAR_F_E: return p->e0;
    default: return 1.0;
    }
}

static double max_departure(const scar_tissue *t)
{
    double worst = 0.0;
    for (int f = 0; f < SCAR_F_COUNT; f++) {
        if (!t->f[f])
            continue;
        double s = field_scale(t->p, f);
        for (size_t v = 0; v < t->g.n; v++)
            worst = fmax(worst, fabs(t->f[f][v]) / s);
    }
    return worst;
}

static scar_status check_homeostasis(scar_ctx *ctx, bool quick, scar_verify_report *r)
{
    patch P;
    scar_status st = patch_make(ctx, &P, 2.0, 0.05, 0.2, 0.5, 0);
    double dt = quick ? 1.0 : P.p->dt_max;
    if (!st)
        st = run_to(ctx, &P, 365.0, dt, dt);
    heal_surface s = {0};
    if (!st)
        st = heal_surface_create(ctx, P.t, &s);
    if (!st)
        st = scar_heal_surface(ctx, P.h, &s);
    if (!st) {
        double dH = 0.0;
        for (size_t c = 0; c < s.nx * s.ny; c++)
            dH = fmax(dH, fabs(s.H[c] - P.t->H0[c]));
        scar_verify_check *c = add(r, "N1", "homeostasis: untreated skin with a scar, 365 days");
        judge_le(c, fmax(max_departure(P.t), dH), 1e-10);
        snprintf(c->detail, sizeof c->detail,
                 "largest relative departure of any field after %ld steps of %g day; "
                 "largest |H - H0| %.3g mm", scar_heal_stats(P.h)->steps, dt, dH);
    }
    heal_surface_free(&s);
    patch_free(&P);
    return st;
}

static double norm_field(const scar_tissue *t, int f)
{
    double s = 0.0;
    for (size_t v = 0; v < t->g.n; v++)
        s += t->f[f][v] * t->f[f][v];
    return sqrt(s);
}

static scar_status check_perturbation(scar_ctx *ctx, bool quick, scar_verify_report *r)
{
    patch P;
    scar_status st = patch_make(ctx, &P, 1.0, 0.05, 0.0, 0.0, 0);
    if (st) {
        patch_free(&P);
        return st;
    }
    scar_rng rng;
    scar_rng_init(&rng, 7, 2);
    for (size_t v = 0; v < P.t->g.n; v++) {
        if (P.t->layer[v] == SCAR_LAYER_DERMIS)
            P.t->f[SCAR_F_N][v] = 1e-3 * P.p->n0 * (scar_rng_uniform(&rng) - 0.5);
        if (P.t->layer[v] != SCAR_LAYER_NONE)
            P.t->f[SCAR_F_C][v] = 1e-3 * P.p->c0 * (scar_rng_uniform(&rng) - 0.5);
    }
    double n0 = norm_field(P.t, SCAR_F_N), grow = 0.0;
    double days = quick ? 60.0 : 120.0;
    for (double tt = 10.0; tt <= days + 1e-9 && !st; tt += 10.0) {
        st = run_to(ctx, &P, tt, 0.5, 0.5);
        grow = fmax(grow, norm_field(P.t, SCAR_F_N) / n0);
    }
    if (!st) {
        double ratio = norm_field(P.t, SCAR_F_N) / n0;
        scar_verify_check *c = add(r, "N2", "small random perturbation of n and c decays");
        judge_le(c, ratio, 0.05);
        c->pass = c->pass && grow <= 1.0;
        snprintf(c->detail, sizeof c->detail,
                 "|n'| after %g days / initial = %.3g (largest ratio on the way %.3g, must "
                 "not exceed 1); |c'| = %.3g c0", days, ratio, grow,
                 norm_field(P.t, SCAR_F_C) / P.p->c0);
    }
    patch_free(&P);
    return st;
}

static scar_status check_lod(scar_ctx *ctx, scar_verify_report *r)
{
    scar_status st = scar_lod_verify(ctx, &r->lod);
    if (st)
        return st;
    const scar_lod_verify_result *L = &r->lod;
    scar_verify_check *c = add(r, "N3", "Gaussian diffusion-decay: spatial order");
    c->value = L->spatial_order[1];
    c->limit = SCAR_LOD_SPATIAL_ORDER_MIN;
    c->relation = "in";
    c->pass = L->spatial_ok;
    snprintf(c->detail, sizeof c->detail, "orders %.3f, %.3f (errors %.3g, %.3g, %.3g); range "
             "[%.2f, %.2f]", L->spatial_order[0], L->spatial_order[1], L->spatial_err[0],
             L->spatial_err[1], L->spatial_err[2], SCAR_LOD_SPATIAL_ORDER_MIN,
             SCAR_LOD_SPATIAL_ORDER_MAX);
    c = add(r, "N3", "Gaussian diffusion-decay: temporal order (backward Euler)");
    c->value = L->temporal_order[1];
    c->limit = SCAR_LOD_TEMPORAL_ORDER_MIN;
    c->relation = "in";
    c->pass = L->temporal_ok;
    snprintf(c->detail, sizeof c->detail, "orders %.3f, %.3f (errors %.3g, %.3g, %.3g); range "
             "[%.2f, %.2f]", L->temporal_order[0], L->temporal_order[1], L->temporal_err[0],
             L->temporal_err[1], L->temporal_err[2], SCAR_LOD_TEMPORAL_ORDER_MIN,
             SCAR_LOD_TEMPORAL_ORDER_MAX);
    c = add(r, "N3", "uniform LOD decay factor (1/(1 + dt lambda/3))^3");
    judge_le(c, L->decay_rel_err, 1e-14);
    c->pass = L->decay_ok;
    snprintf(c->detail, sizeof c->detail, "factor %.15g, expected %.15g", L->decay_factor,
             L->decay_expected);
    c = add(r, "N3", "diffusion mass balance, masked layered grid");
    judge_le(c, L->mass_rel_err, 1e-12);
    c->pass = L->mass_ok && L->outside_untouched;
    snprintf(c->detail, sizeof c->detail, "voxels outside the tissue untouched: %s; 1 and 2 "
             "threads identical: %s", L->outside_untouched ? "yes" : "no",
             L->threads_identical ? "yes" : "no");
    return SCAR_OK;
}

static double total_cells(const patch *P)
{
    double s = 0.0;
    for (size_t v = 0; v < P->t->g.n; v++)
        if (P->t->layer[v] == SCAR_LAYER_DERMIS)
            s += scar_tissue_n_base(P->t, v) + P->t->f[SCAR_F_N][v];
    return s;
}

static double sum_field(const patch *P, int f)
{
    double s = 0.0;
    for (size_t v = 0; v < P->t->g.n; v++)
        s += P->t->f[f][v];
    return s;
}

/* N4, N5, N8 on one central puncture. */
static scar_status check_puncture(scar_ctx *ctx, bool quick, scar_verify_report *r)
{
    patch P;
    scar_status st = patch_make(ctx, &P, 1.0, 0.025, 0.0, 0.0, 0);
    double mass0 = 0.0;
    if (!st) {
        mass0 = scar_heal_collagen_mg(P.h);
        st = central_track(ctx, &P, SCAR_TRACK_AUTO, P.p->r_n + P.p->r_halo);
    }
    /* symmetry after two days */
    if (!st)
        st = run_to(ctx, &P, 2.0, P.p->dt_min, P.p->dt_max);
    if (!st) {
        const scar_grid *g = &P.t->g;
        double worst = 0.0;
        static const int fs[] = {SCAR_F_D, SCAR_F_I, SCAR_F_M, SCAR_F_C, SCAR_F_N, SCAR_F_RHO1};
        for (size_t q = 0; q < sizeof fs / sizeof fs[0]; q++) {
            const double *u = P.t->f[fs[q]];
            double big = 0.0, diff = 0.0;
            for (size_t k = 0; k < g->nz; k++)
                for (size_t j = 0; j < g->ny; j++)
                    for (size_t i = 0; i < g->nx; i++) {
                        double a = u[SCAR_GRID_IDX(g, i, j, k)];
                        double m = u[SCAR_GRID_IDX(g, g->nx - 1 - i, j, k)];
                        double tr = u[SCAR_GRID_IDX(g, j, i, k)];
                        big = fmax(big, fabs(a));
                        diff = fmax(diff, fmax(fabs(a - m), fabs(a - tr)));
                    }
            if (big > 0.0)
                worst = fmax(worst, diff / big);
        }
        scar_verify_check *c = add(r, "N5", "central puncture stays symmetric (x<->y, x->-x)");
        judge_le(c, worst, 1e-10);
        snprintf(c->detail, sizeof c->detail,
                 "largest asymmetry relative to the field's largest departure, day 2");
    }
    double days = quick ? 14.0 : 30.0;
    if (!st)
        st = run_to(ctx, &P, days, P.p->dt_max, P.p->dt_max);
    if (!st) {
        const heal_stats *S = scar_heal_stats(P.h);
        double dm = scar_heal_collagen_mg(P.h) - mass0;
        double booked = S->collagen_synth_mg - S->collagen_degr_mg - S->collagen_disrupted_mg;
        scar_verify_check *c = add(r, "N4", "collagen mass balance after a puncture");
        judge_le(c, fabs(dm - booked) / fmax(S->collagen_synth_mg, 1e-300), 1e-8);
        snprintf(c->detail, sizeof c->detail,
                 "day %g: change %.6g mg, synthesis %.6g - degradation %.6g - disrupted %.6g "
                 "= %.6g mg", days, dm, S->collagen_synth_mg, S->collagen_degr_mg,
                 S->collagen_disrupted_mg, booked);
        /* positivity: full values never below zero, no clamp used */
        double low = 0.0;
        for (size_t v = 0; v < P.t->g.n; v++) {
            if (P.t->layer[v] == SCAR_LAYER_NONE)
                continue;
            low = fmin(low, P.t->f[SCAR_F_D][v]);
            low = fmin(low, P.t->f[SCAR_F_I][v]);
            low = fmin(low, P.t->f[SCAR_F_M][v] / P.p->M_max);
            low = fmin(low, (P.p->c0 + P.t->f[SCAR_F_C][v]) / P.p->c0);
            low = fmin(low, (scar_tissue_n_base(P.t, v) + P.t->f[SCAR_F_N][v]) / P.p->n0);
        }
        c = add(r, "N8", "positivity: no negative density, no clamp");
        c->value = (double)S->clamps;
        c->limit = 0;
        c->relation = "<=";
        c->pass = S->clamps == 0 && low >= 0.0;
        snprintf(c->detail, sizeof c->detail, "clamps %ld; lowest full value / scale %.3g",
                 S->clamps, low);
    }
    patch_free(&P);
    return st;
}

/* N7: the same track as a line source and resolved. */
static scar_status check_subgrid(scar_ctx *ctx, bool quick, scar_verify_report *r)
{
    patch A, B;
    memset(&B, 0, sizeof B);
    scar_status st = patch_make(ctx, &A, 1.0, 0.025, 0.0, 0.0, 0);
    if (!st)
        st = patch_make(ctx, &B, 1.0, 0.025, 0.0, 0.0, 0);
    double rw = 0.5 * 0.025, c0a = 0, c0b = 0, n0a = 0, n0b = 0, m0a = 0, m0b = 0;
    if (!st) {
        n0a = total_cells(&A);
        n0b = total_cells(&B);
        m0a = scar_heal_collagen_mg(A.h);
        m0b = scar_heal_collagen_mg(B.h);
        st = central_track(ctx, &A, SCAR_TRACK_LINE, rw);
    }
    if (!st)
        st = central_track(ctx, &B, SCAR_TRACK_RESOLVED, rw);
    if (!st) {
        double dA = sum_field(&A, SCAR_F_D), dB = sum_field(&B, SCAR_F_D);
        c0a = sum_field(&A, SCAR_F_C);
        c0b = sum_field(&B, SCAR_F_C);
        double kA = n0a - total_cells(&A), kB = n0b - total_cells(&B);
        double worst = fmax(fabs(dA - dB) / dA, fmax(fabs(c0a - c0b) / c0a, fabs(kA - kB) / kA));
        scar_verify_check *c = add(r, "N7", "sub-grid and resolved track: same injected amounts");
        judge_le(c, worst, 1e-9);
        snprintf(c->detail, sizeof c->detail,
                 "damage volume %.6g vs %.6g voxels, clot factor %.6g vs %.6g, killed cells "
                 "%.6g vs %.6g", dA, dB, c0a, c0b, kA, kB);
    }
    double days = quick ? 14.0 : 30.0;
    if (!st)
        st = run_to(ctx, &A, days, A.p->dt_min, A.p->dt_max);
    if (!st)
        st = run_to(ctx, &B, days, B.p->dt_min, B.p->dt_max);
    if (!st) {
        double gA = scar_heal_collagen_mg(A.h) - m0a, gB = scar_heal_collagen_mg(B.h) - m0b;
        scar_verify_check *c = add(r, "N7", "sub-grid and resolved track: collagen change");
        judge_le(c, fabs(gA - gB) / fmax(fabs(gA), fabs(gB)), 0.05);
        snprintf(c->detail, sizeof c->detail, "collagen change at day %g: %.4g vs %.4g mg",
                 days, gA, gB);
    }
    patch_free(&A);
    patch_free(&B);
    return st;
}

static scar_status check_threads(scar_ctx *ctx, scar_verify_report *r)
{
    patch A, B;
    memset(&B, 0, sizeof B);
    scar_status st = patch_make(ctx, &A, 1.0, 0.025, 0.15, 0.3, 1);
    if (!st)
        st = central_track(ctx, &A, SCAR_TRACK_AUTO, A.p->r_n + A.p->r_halo);
    if (!st)
        st = run_to(ctx, &A, 3.0, A.p->dt_min, A.p->dt_max);
    if (!st)
        st = patch_make(ctx, &B, 1.0, 0.025, 0.15, 0.3, 2);
    if (!st)
        st = central_track(ctx, &B, SCAR_TRACK_AUTO, B.p->r_n + B.p->r_halo);
    if (!st)
        st = run_to(ctx, &B, 3.0, B.p->dt_min, B.p->dt_max);
    if (!st) {
        size_t diff = 0;
        for (int f = 0; f < SCAR_F_COUNT; f++)
            if (A.t->f[f])
                diff += (size_t)(memcmp(A.t->f[f], B.t->f[f], A.t->g.n * sizeof(double)) != 0);
        scar_verify_check *c = add(r, "T", "1 and 2 threads give bitwise the same fields");
        judge_le(c, (double)diff, 0.0);
        snprintf(c->detail, sizeof c->detail, "%zu field(s) differ after 3 days", diff);
    }
    scar_ctx_set_threads(ctx, 0);
    patch_free(&A);
    patch_free(&B);
    return st;
}

/* N9: Omega at constant temperature to 1e-12 of A e^(-Ea/RT) t, no
 * overflow (device/thermal.h, scar_arrhenius_check_run). */
static scar_status check_arrhenius(scar_ctx *ctx, scar_verify_report *r)
{
    scar_params *p = NULL;
    scar_status st = scar_params_create(ctx, &p);
    if (st)
        return st;
    scar_arrhenius_check a;
    scar_arrhenius_check_run(p, &a);
    scar_params_destroy(&p);
    scar_verify_check *c = add(r, "N9", "Arrhenius integral at constant temperature");
    judge_le(c, a.max_rel_err, 1e-12);
    c->pass = c->pass && a.nonfinite == 0 && a.capped_ok;
    snprintf(c->detail, sizeof c->detail,
             "%d cases (cell death, collagen, ln A = 800), 1000 steps each, against "
             "A e^(-Ea/RT) t in long double; non-finite results %d; naive A*exp(-Ea/RT) "
             "non-finite in %d; over-range Omega capped: %s", a.cases, a.nonfinite,
             a.naive_nonfinite, a.capped_ok ? "yes" : "no");
    return SCAR_OK;
}

scar_status scar_verify_run(scar_ctx *ctx, bool quick, scar_verify_report *r)
{
    memset(r, 0, sizeof *r);
    double t0 = scar_now_s();
    int threads = scar_ctx_threads(ctx);
    scar_status st = check_lod(ctx, r);
    if (!st) { scar_progress(ctx, "verify", 0.15); st = check_homeostasis(ctx, quick, r); }
    if (!st) { scar_progress(ctx, "verify", 0.45); st = check_perturbation(ctx, quick, r); }
    if (!st) { scar_progress(ctx, "verify", 0.6); st = check_puncture(ctx, quick, r); }
    if (!st) { scar_progress(ctx, "verify", 0.75); st = check_subgrid(ctx, quick, r); }
    if (!st) { scar_progress(ctx, "verify", 0.9); st = check_threads(ctx, r); }
    scar_ctx_set_threads(ctx, threads);
    if (!st) {
        scar_verify_check *c = add(r, "N6", "periodic puncture lattice");
        c->skipped = true;
        c->pass = true;
        snprintf(c->detail, sizeof c->detail,
                 "not applicable: this version has zero-flux lateral boundaries, not periodic");
        st = check_arrhenius(ctx, r);
    }
    r->pass = !st;
    for (size_t i = 0; i < r->n; i++)
        r->pass = r->pass && r->checks[i].pass;
    r->seconds = scar_now_s() - t0;
    scar_progress(ctx, "verify", 1.0);
    return st;
}
