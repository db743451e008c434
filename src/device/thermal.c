/*
 * thermal.c — Arrhenius integrals in log space, the analytic lesions (RF
 * shortcut ellipsoid, fractional-laser micro-thermal zones), the RF
 * sub-grid's settings from a device, and the stamping of any lesion onto the
 * tissue's voxels.  The bioheat solve is thermal_solve.c; the numbers and
 * their sources are docs/thermal.md.
 */
#include "thermal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Arrhenius ------------------------------------------------------------ */

scar_arrhenius scar_arrhenius_make(double A_per_s, double Ea_J_mol, double R_J_molK)
{
    return (scar_arrhenius){log(A_per_s), Ea_J_mol, R_J_molK};
}

double scar_arrhenius_omega(const scar_arrhenius *a, double T_C, double dt_s)
{
    if (!(dt_s > 0.0))
        return 0.0;
    double l = scar_arrhenius_ln_rate(a, T_C) + log(dt_s);
    return l < SCAR_LN_OMEGA_MAX ? exp(l) : SCAR_OMEGA_MAX;
}

/* Omega after n trapezoid steps at a constant T, accumulated as
 * thermal_solve.c does. */
static double omega_steps(const scar_arrhenius *a, double T_C, double t_s, int n)
{
    double r = scar_arrhenius_rate(a, T_C), dt = t_s / n, om = 0.0;
    for (int i = 0; i < n; i++)
        om = scar_omega_add(om, 0.5 * (r + r) * dt);
    return om;
}

void scar_arrhenius_check_run(const scar_params *p, scar_arrhenius_check *out)
{
    memset(out, 0, sizeof *out);
    /* ln A = 800 with Ea such that the rate is 10 /s at 70 °C */
    double lnA_big = 800.0, Ea_big = (lnA_big - log(10.0)) * p->R_gas * (70.0 + 273.15);
    struct {
        double lnA, Ea, T_C, t_s;
    } cases[] = {
        {log(p->A_cell), p->Ea_cell, 43.0, 1.0},
        {log(p->A_cell), p->Ea_cell, 50.0, 1.0},
        {log(p->A_cell), p->Ea_cell, 60.0, 0.5},
        {log(p->A_cell), p->Ea_cell, 70.0, 0.05},
        {log(p->A_cell), p->Ea_cell, 100.0, 1e-3},
        {log(p->A_coll), p->Ea_coll, 60.0, 1.0},
        {log(p->A_coll), p->Ea_coll, 80.0, 1.0},
        {log(p->A_coll), p->Ea_coll, 100.0, 0.1},
        {lnA_big, Ea_big, 60.0, 1.0},
        {lnA_big, Ea_big, 70.0, 1.0},
        {lnA_big, Ea_big, 100.0, 1.0},
        {lnA_big, Ea_big, 1000.0, 1.0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        scar_arrhenius a = {cases[c].lnA, cases[c].Ea, p->R_gas};
        double om = omega_steps(&a, cases[c].T_C, cases[c].t_s, 1000);
        long double ref = expl((long double)cases[c].lnA -
                               (long double)cases[c].Ea /
                                   ((long double)p->R_gas * ((long double)cases[c].T_C + 273.15L)) +
                               logl((long double)cases[c].t_s));
        double naive = exp(cases[c].lnA) * exp(-cases[c].Ea / (p->R_gas * (cases[c].T_C + 273.15)));
        out->cases++;
        out->nonfinite += !isfinite(om);
        out->naive_nonfinite += !isfinite(naive);
        double err = (double)fabsl(((long double)om - ref) / ref);
        if (!(err <= out->max_rel_err))
            out->max_rel_err = err;
    }
    /* a rate far beyond any Omega that matters: capped, finite */
    scar_arrhenius a = {lnA_big, Ea_big, p->R_gas};
    double om = omega_steps(&a, 5000.0, 100.0, 1000);
    out->nonfinite += !isfinite(om);
    out->capped_ok = om == SCAR_OMEGA_MAX;
}

/* ---- settings ------------------------------------------------------------- */

void scar_rf_spec_from_device(const scar_device *d, const scar_params *p, double h_e_mm,
                              double h_d_mm, scar_rf_spec *s)
{
    memset(s, 0, sizeof *s);
    s->bipolar = d->bipolar;
    s->insulated = d->insulated;
    s->perfusion = s->convection = true;
    /* a bipolar pair: neighbouring pins of the tip's square array */
    s->pair_mm = d->needles > 0 ? sqrt(d->stamp_area_mm2 / d->needles) : 1.0;
    s->depth_mm = d->f_pen * d->needle_mm;
    s->radius_mm = d->needle_radius_mm;
    s->cone_mm = 3.0 * d->needle_radius_mm; /* as the mechanical track, MODEL.md §3.4 */
    s->tip_mm = d->tip_mm;
    s->pulse_s = d->pulse_s > 0.0 ? d->pulse_s : p->t_pulse;
    s->cool_s = 1.5; /* MODEL.md §5.4: pulse and cooling <= 1-2 s */
    s->h_e_mm = h_e_mm;
    s->z_b_mm = h_e_mm + h_d_mm;
    /* Estimates (docs/thermal.md): viable epidermis half as conductive as
     * the dermis (its stratum corneum is bypassed by the needle; CSV note:
     * "lower"); fat a tenth (about 0.03 S/m, the order of Gabriel 1996's
     * non-infiltrated fat at 1 MHz, recalled, not verified). */
    s->sigma_epi_rel = 0.5;
    s->sigma_fat_rel = 0.1;
    /* stainless steel (handbook values): 16 W/m/K, 7900 kg/m^3 x 500 J/kg/K */
    s->k_needle = 16.0;
    s->rhoc_needle = 7900.0 * 500.0;
    /* 10 µm within 60 µm of the needle and its tip (MODEL.md §5.4),
     * growing by a quarter of the distance to 100 µm; the box 0.5 mm beyond
     * the needle.  A finer grid (7 µm, growth 0.15, 0.1 mm fine zone) moves
     * the zone's depth by < 5 µm and the peak temperature by < 2 %. */
    s->h_mm = 0.01;
    s->grow = 0.25;
    s->h_max_mm = 0.1;
    s->fine_mm = 0.06;
    s->margin_mm = 0.5;
    /* 0.625 ms steps over the pulse: halving them moves the peak
     * temperature by < 1 % (docs/thermal.md) */
    s->pulse_steps = (int)ceil(s->pulse_s / 0.625e-3);
    if (s->pulse_steps < 20)
        s->pulse_steps = 20;
    s->dt_max_s = 0.1;
    s->cg_tol = 1e-8;
}

/* ---- analytic lesions ----------------------------------------------------- */

void scar_rf_ellipsoid(const scar_device *d, const scar_params *p, scar_lesion *out)
{
    memset(out, 0, sizeof *out);
    out->kind = SCAR_LESION_ELLIPSOID;
    if (!(d->energy_mJ > 0.0))
        return; /* no pulse, no zone: reach 0 stamps nothing */
    /* depth extent z_RFTZ at the reference energy, inside the 100-300 µm of
     * Manuskiatti 2016 (parameters.csv range of z_RFTZ) */
    double e = d->energy_mJ / SCAR_RF_E_REF_MJ;
    double depth = p->z_RFTZ * pow(e, SCAR_RF_DEPTH_EXPONENT), lo = 0.1, hi = 0.3;
    if (depth < lo)
        depth = lo;
    if (depth > hi)
        depth = hi;
    double tip = d->f_pen * d->needle_mm;
    out->a_mm = 0.5 * depth;
    out->b_mm = SCAR_RF_ELLIPSE_ASPECT * out->a_mm;
    /* centred on the conducting end of the needle (Sasaki 2019: coagulation
     * at the distal end of the channel) */
    out->zc_mm = tip - SCAR_RF_ELLIPSE_RISE * out->a_mm;
    out->den_scale = SCAR_RF_ELLIPSE_DEN;
    out->rim_mm = SCAR_RF_ELLIPSE_RIM * out->a_mm;
    out->reach_mm = out->b_mm + out->rim_mm;
    out->z_lo_mm = fmax(0.0, out->zc_mm - out->a_mm - out->rim_mm);
    out->z_hi_mm = out->zc_mm + out->a_mm + out->rim_mm;
    scar_lesion_stats *S = &out->stats;
    S->coag_top_mm = out->zc_mm - out->a_mm;
    S->coag_bottom_mm = out->zc_mm + out->a_mm;
    S->coag_depth_mm = 2.0 * out->a_mm;
    S->coag_width_mm = 2.0 * out->b_mm;
    S->den_top_mm = out->zc_mm - out->den_scale * out->a_mm;
    S->den_bottom_mm = out->zc_mm + out->den_scale * out->a_mm;
    S->den_depth_mm = 2.0 * out->den_scale * out->a_mm;
    S->den_width_mm = 2.0 * out->den_scale * out->b_mm;
    double V = 4.0 / 3.0 * M_PI * out->a_mm * out->b_mm * out->b_mm;
    S->coag_vol_mm3 = V;
    S->den_vol_mm3 = V * pow(out->den_scale, 3.0);
    double a2 = out->a_mm + out->rim_mm, b2 = out->b_mm + out->rim_mm;
    S->rim_vol_mm3 = 4.0 / 3.0 * M_PI * a2 * b2 * b2 - V;
}

/* Volume of a column of radius r and depth D (a cylinder closed by a
 * hemisphere, D >= r). */
static double column_volume(double r, double D)
{
    if (D < r)
        r = D;
    return M_PI * r * r * (D - r) + 2.0 / 3.0 * M_PI * r * r * r;
}

void scar_laser_mtz(const scar_device *d, scar_lesion *out)
{
    memset(out, 0, sizeof *out);
    out->kind = SCAR_LESION_COLUMN;
    out->r_mm = d->needle_radius_mm;
    out->depth_mm = d->f_pen * d->needle_mm;
    out->ablative = d->ablative;
    out->coag_mm = d->ablative ? fmin(d->coag_mm, 0.5 * out->r_mm) : 0.0;
    out->rim_mm = d->rim_mm;
    out->den_scale = 1.0;
    out->reach_mm = out->r_mm + out->rim_mm;
    out->z_lo_mm = 0.0;
    out->z_hi_mm = out->depth_mm + out->rim_mm;
    scar_lesion_stats *S = &out->stats;
    S->coag_top_mm = S->den_top_mm = 0.0;
    S->coag_bottom_mm = S->den_bottom_mm = out->depth_mm;
    S->coag_depth_mm = S->den_depth_mm = out->depth_mm;
    S->coag_width_mm = S->den_width_mm = 2.0 * out->r_mm;
    double V = column_volume(out->r_mm, out->depth_mm);
    S->coag_vol_mm3 = V;
    S->ablated_vol_mm3 =
        d->ablative ? column_volume(out->r_mm - out->coag_mm, out->depth_mm - out->coag_mm) : 0.0;
    S->den_vol_mm3 = V - S->ablated_vol_mm3;
    S->rim_vol_mm3 = column_volume(out->r_mm + out->rim_mm, out->depth_mm + out->rim_mm) - V;
}

scar_status scar_device_lesion(scar_ctx *ctx, const scar_device *d, const scar_params *p,
                               double h_e_mm, double h_d_mm, scar_lesion *out)
{
    memset(out, 0, sizeof *out);
    if (d->kind == SCAR_DEV_FRACTIONAL_LASER) {
        if (!(d->needle_radius_mm > 0.0) || !(d->f_pen * d->needle_mm > 0.0) ||
            !(d->rim_mm >= 0.0) || !(d->coag_mm >= 0.0))
            return SCAR_RAISE(ctx, SCAR_EINPUT,
                              "fractional laser: expected a zone of positive width and depth, "
                              "found %g x %g mm",
                              2.0 * d->needle_radius_mm, d->f_pen * d->needle_mm);
        scar_laser_mtz(d, out);
        return SCAR_OK;
    }
    if (d->kind != SCAR_DEV_RF_MICRONEEDLE)
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "a thermal lesion for the %s, not a thermal device",
                          scar_device_name(d->kind));
    if (!(d->energy_mJ >= 0.0))
        return SCAR_RAISE(ctx, SCAR_EINPUT, "RF: expected an energy per pin >= 0 mJ, found %g",
                          d->energy_mJ);
    if (d->rf_shortcut) {
        scar_rf_ellipsoid(d, p, out);
        return SCAR_OK;
    }
    scar_rf_spec s;
    scar_rf_spec_from_device(d, p, h_e_mm, h_d_mm, &s);
    scar_rf_field *f = NULL;
    scar_status st = scar_rf_field_create(ctx, &s, p, &f);
    if (!st)
        st = scar_rf_lesion(ctx, f, p, d->energy_mJ, out);
    scar_rf_field_destroy(&f);
    return st;
}

void scar_lesion_free(scar_lesion *l)
{
    if (!l)
        return;
    free(l->g.x);
    free(l->g.y);
    free(l->g.z);
    free(l->dmg);
    free(l->den);
    memset(l, 0, sizeof *l);
}

/* ---- sampling -------------------------------------------------------------- */

/* The cell of edges e[0..n] holding x, or -1 outside. */
static long find_cell(const double *e, size_t n, double x)
{
    if (!(x >= e[0]) || !(x < e[n]))
        return -1;
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (e[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return (long)lo;
}

/* Inside a column of radius r and depth D closed by a hemisphere. */
static bool in_column(double r, double D, double rho2, double z)
{
    if (r <= 0.0 || D <= 0.0 || z < 0.0 || z > D)
        return false;
    if (D < r)
        r = D;
    double zc = D - r;
    if (z <= zc)
        return rho2 <= r * r;
    return rho2 + (z - zc) * (z - zc) <= r * r;
}

static long grid_x(const scar_lesion *l, double dx)
{
    double X = l->fold_x ? fabs(dx) : l->pin_x_mm + dx;
    if (l->cut_x && X < 0.0)
        return -1;
    return find_cell(l->g.x, l->g.nx, X);
}

static long grid_y(const scar_lesion *l, double dy)
{
    return find_cell(l->g.y, l->g.ny, l->fold_y ? fabs(dy) : dy);
}

static scar_lesion_point grid_point(const scar_lesion *l, long i, long j, long k)
{
    scar_lesion_point q = {0, 0, 0, 0};
    if (i < 0 || j < 0 || k < 0)
        return q;
    size_t v = ((size_t)k * l->g.ny + (size_t)j) * l->g.nx + (size_t)i;
    q.dmg = l->dmg[v];
    q.den = l->den[v];
    q.rim = q.dmg > SCAR_RIM_LOW && q.dmg < SCAR_RIM_HIGH;
    return q;
}

scar_lesion_point scar_lesion_sample(const scar_lesion *l, double dx, double dy, double z)
{
    scar_lesion_point q = {0, 0, 0, 0};
    if (z < 0.0)
        return q;
    double rho2 = dx * dx + dy * dy;
    switch (l->kind) {
    case SCAR_LESION_GRID:
        return grid_point(l, grid_x(l, dx), grid_y(l, dy), find_cell(l->g.z, l->g.nz, z));
    case SCAR_LESION_ELLIPSOID: {
        if (!(l->a_mm > 0.0 && l->b_mm > 0.0))
            return q;
        double u = z - l->zc_mm, e = rho2 / (l->b_mm * l->b_mm) + u * u / (l->a_mm * l->a_mm);
        double A = l->a_mm + l->rim_mm, B = l->b_mm + l->rim_mm;
        q.dmg = e <= 1.0;
        q.den = e <= l->den_scale * l->den_scale;
        q.rim = e > 1.0 && rho2 / (B * B) + u * u / (A * A) <= 1.0;
        return q;
    }
    case SCAR_LESION_COLUMN: {
        bool core = in_column(l->r_mm, l->depth_mm, rho2, z);
        bool crater = core && l->ablative &&
                      in_column(l->r_mm - l->coag_mm, l->depth_mm - l->coag_mm, rho2, z);
        q.dmg = core;
        q.ablated = crater;
        q.den = core && !crater;
        q.rim = !core && in_column(l->r_mm + l->rim_mm, l->depth_mm + l->rim_mm, rho2, z);
        return q;
    }
    }
    return q;
}

/* ---- stamping --------------------------------------------------------------- */

void scar_lesion_voxels_free(scar_lesion_voxels *v)
{
    scar_voxels_free(&v->kill);
    scar_voxels_free(&v->den);
    scar_voxels_free(&v->rim);
    scar_voxels_free(&v->ablated);
}

enum { SUB = 4 }; /* sub-samples per voxel edge, as the needle tracks */

static scar_status push_if(scar_ctx *ctx, scar_voxels *s, size_t v, double chi, double eps)
{
    return chi >= eps ? scar_voxels_push(ctx, s, v, chi > 1.0 ? 1.0 : chi) : SCAR_OK;
}

scar_status scar_lesion_stamp(scar_ctx *ctx, const scar_tissue *t, const scar_lesion *l, double x,
                              double y, scar_lesion_voxels *out)
{
    out->kill.n = out->den.n = out->rim.n = out->ablated.n = 0;
    const scar_grid *g = &t->g;
    double h = g->h_mm, R = l->reach_mm;
    if (!(R > 0.0) || !(l->z_hi_mm > l->z_lo_mm))
        return SCAR_OK;
    long ci = (long)floor(x / h), cj = (long)floor(y / h);
    if (ci < 0)
        ci = 0;
    if (cj < 0)
        cj = 0;
    if (ci >= (long)g->nx)
        ci = (long)g->nx - 1;
    if (cj >= (long)g->ny)
        cj = (long)g->ny - 1;
    double zs = tissue_surface_z(t, (size_t)cj * g->nx + (size_t)ci);
    long i0 = (long)floor((x - R) / h), i1 = (long)floor((x + R) / h);
    long j0 = (long)floor((y - R) / h), j1 = (long)floor((y + R) / h);
    long k0 = (long)floor((zs + l->z_lo_mm - g->z0_mm) / h);
    long k1 = (long)floor((zs + l->z_hi_mm - g->z0_mm) / h);
    if (i0 < 0)
        i0 = 0;
    if (j0 < 0)
        j0 = 0;
    if (k0 < 0)
        k0 = 0;
    if (i1 >= (long)g->nx)
        i1 = (long)g->nx - 1;
    if (j1 >= (long)g->ny)
        j1 = (long)g->ny - 1;
    if (k1 >= (long)g->nz)
        k1 = (long)g->nz - 1;
    if (i1 < i0 || j1 < j0 || k1 < k0)
        return SCAR_OK;
    /* sub-sample coordinates relative to the pin, and for a grid lesion the
     * sub-grid cell of each, computed once per axis */
    size_t nxs = (size_t)(i1 - i0 + 1) * SUB, nys = (size_t)(j1 - j0 + 1) * SUB;
    size_t nzs = (size_t)(k1 - k0 + 1) * SUB;
    double *cxs = scar_malloc(ctx, (nxs + nys + nzs) * sizeof *cxs);
    long *idx = scar_malloc(ctx, (nxs + nys + nzs) * sizeof *idx);
    if (!cxs || !idx) {
        free(cxs);
        free(idx);
        return SCAR_ENOMEM;
    }
    double *cys = cxs + nxs, *czs = cys + nys;
    long *ix = idx, *iy = idx + nxs, *iz = iy + nys;
    bool grid = l->kind == SCAR_LESION_GRID;
    for (size_t a = 0; a < nxs; a++) {
        cxs[a] = ((double)i0 + ((double)a + 0.5) / SUB) * h - x;
        ix[a] = grid ? grid_x(l, cxs[a]) : 0;
    }
    for (size_t b = 0; b < nys; b++) {
        cys[b] = ((double)j0 + ((double)b + 0.5) / SUB) * h - y;
        iy[b] = grid ? grid_y(l, cys[b]) : 0;
    }
    for (size_t c = 0; c < nzs; c++) {
        czs[c] = g->z0_mm + ((double)k0 + ((double)c + 0.5) / SUB) * h - zs;
        iz[c] = grid ? find_cell(l->g.z, l->g.nz, czs[c]) : 0;
        if (czs[c] < 0.0)
            iz[c] = -1;
    }
    scar_status st = SCAR_OK;
    const double w = 1.0 / (SUB * SUB * SUB);
    for (long k = k0; k <= k1 && !st; k++)
        for (long j = j0; j <= j1 && !st; j++)
            for (long i = i0; i <= i1 && !st; i++) {
                size_t v = SCAR_GRID_IDX(g, i, j, k);
                if (t->layer[v] == SCAR_LAYER_NONE)
                    continue;
                double s[4] = {0, 0, 0, 0};
                for (size_t c = (size_t)(k - k0) * SUB; c < (size_t)(k - k0 + 1) * SUB; c++)
                    for (size_t b = (size_t)(j - j0) * SUB; b < (size_t)(j - j0 + 1) * SUB; b++)
                        for (size_t a = (size_t)(i - i0) * SUB; a < (size_t)(i - i0 + 1) * SUB;
                             a++) {
                            scar_lesion_point q =
                                grid ? grid_point(l, ix[a], iy[b], iz[c])
                                     : scar_lesion_sample(l, cxs[a], cys[b], czs[c]);
                            s[0] += q.dmg;
                            s[1] += q.den;
                            s[2] += q.rim;
                            s[3] += q.ablated;
                        }
                double kill = s[0] * w, den = s[1] * w, rim = s[2] * w, abl = s[3] * w;
                /* denaturation as a fraction of the matrix the ablation left */
                if (abl > 0.0)
                    den = abl < 1.0 ? den / (1.0 - abl) : 0.0;
                if ((st = push_if(ctx, &out->kill, v, kill, SCAR_LESION_EPS)) ||
                    (st = push_if(ctx, &out->den, v, den, SCAR_LESION_EPS)) ||
                    (st = push_if(ctx, &out->rim, v, rim, w)) ||
                    (st = push_if(ctx, &out->ablated, v, abl, w)))
                    break;
            }
    free(cxs);
    free(idx);
    return st;
}
