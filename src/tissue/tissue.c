/*
 * tissue.c — builds the 3-D tissue under a skin surface: the grid, the layer
 * masks of MODEL.md §3.1/§3.3, the scar-floor and tethering maps of §4.1, and
 * the fields at their untreated steady state (all departures zero).
 */
#include "tissue.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const field_names[SCAR_F_COUNT] = {
    "damage", "inflammation", "macrophages", "growth_factor", "fibroblasts",
    "myofibroblasts", "collagen_III", "collagen_I", "collagen_denatured", "elastin",
    "serum_active"};
static const char *const field_units[SCAR_F_COUNT] = {
    "-", "-", "cells/mm^3", "ng/mL", "cells/mm^3", "cells/mm^3",
    "mg/mL", "mg/mL", "mg/mL", "mg/mL", "mg/mL"};

const char *scar_field_name(scar_field f)
{
    return (unsigned)f < SCAR_F_COUNT ? field_names[f] : "unknown";
}

const char *scar_field_unit(scar_field f)
{
    return (unsigned)f < SCAR_F_COUNT ? field_units[f] : "";
}

scar_status scar_voxels_push(scar_ctx *ctx, scar_voxels *s, size_t v, double chi)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        scar_voxel *nv = scar_realloc(ctx, s->v, cap * sizeof *nv);
        if (!nv)
            return SCAR_ENOMEM;
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n].v = v;
    s->v[s->n].chi = chi;
    s->n++;
    return SCAR_OK;
}

void scar_voxels_free(scar_voxels *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* Limits on the grid, checked before allocating (docs/limits.md). */
#define MAX_VOXELS ((size_t)64 << 20) /* 67 M voxels: 6 GB of double fields */
#define MAX_SIDE 4096u

double scar_tissue_n_base(const scar_tissue *t, size_t v)
{
    return t->layer[v] == SCAR_LAYER_DERMIS ? tissue_n_base_at(t, v) : 0.0;
}

double scar_tissue_rho_base(const scar_tissue *t, size_t v)
{
    if (t->layer[v] != SCAR_LAYER_DERMIS)
        return 0.0;
    return tissue_rho_base_w(t->p, tissue_floor_w(t, v));
}

double scar_tissue_e_base(const scar_tissue *t, size_t v)
{
    return t->layer[v] == SCAR_LAYER_DERMIS ? t->p->e0 : 0.0;
}

double scar_tissue_full_value(const scar_tissue *t, scar_field f, size_t v)
{
    double x = t->f[f] ? t->f[f][v] : 0.0;
    switch (f) {
    case SCAR_F_C: return x + t->p->c0;
    case SCAR_F_N: return x + scar_tissue_n_base(t, v);
    case SCAR_F_RHO3: return x + t->p->theta3 * scar_tissue_rho_base(t, v);
    case SCAR_F_RHO1: return x + (1.0 - t->p->theta3) * scar_tissue_rho_base(t, v);
    case SCAR_F_E: return x + scar_tissue_e_base(t, v);
    default: return x;
    }
}

void scar_tissue_columns_dV(const scar_tissue *t, size_t c0, size_t c1, double *dV)
{
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny;
    const double *r1 = t->f[SCAR_F_RHO1], *r3 = t->f[SCAR_F_RHO3], *rd = t->f[SCAR_F_RHOD],
                 *e = t->f[SCAR_F_E];
    const double inv_rho0 = 1.0 / t->p->rho0, inv_eref = 1.0 / t->p->e_ref;
    for (size_t col = c0; col < c1; col++)
        dV[col - c0] = 0.0;
    for (size_t k = 0; k < g->nz; k++) {
        const size_t o = k * plane;
        for (size_t col = c0; col < c1; col++) {
            if (k < (size_t)t->col_top[col])
                continue;
            double m = r1[o + col] + r3[o + col] + (rd ? rd[o + col] : 0.0);
            dV[col - c0] += m * inv_rho0 + e[o + col] * inv_eref;
        }
    }
    for (size_t col = c0; col < c1; col++)
        dV[col - c0] *= g->h_mm;
}

double scar_tissue_column_dV(const scar_tissue *t, size_t col)
{
    double dV;
    scar_tissue_columns_dV(t, col, col + 1, &dV);
    return dV;
}

/* The surface height (mm) at a grid column's centre: the mean of the surface
 * samples inside the column when the surface is finer than the grid, else
 * bilinear interpolation. */
static double surface_at(const scar_heightmap *hm, double x_mm, double y_mm, double h_mm)
{
    double dx = hm->dx_um * 1e-3, dy = hm->dy_um * 1e-3;
    if (dx <= h_mm && dy <= h_mm) {
        long i0 = (long)ceil((x_mm - 0.5 * h_mm) / dx - 0.5);
        long i1 = (long)floor((x_mm + 0.5 * h_mm) / dx - 0.5);
        long j0 = (long)ceil((y_mm - 0.5 * h_mm) / dy - 0.5);
        long j1 = (long)floor((y_mm + 0.5 * h_mm) / dy - 0.5);
        if (i0 < 0) i0 = 0;
        if (j0 < 0) j0 = 0;
        if (i1 >= (long)hm->nx) i1 = (long)hm->nx - 1;
        if (j1 >= (long)hm->ny) j1 = (long)hm->ny - 1;
        double s = 0.0;
        long cnt = 0;
        for (long j = j0; j <= j1; j++)
            for (long i = i0; i <= i1; i++, cnt++)
                s += SCAR_HM_AT(hm, i, j);
        if (cnt > 0)
            return s / (double)cnt * 1e-3;
    }
    double u = x_mm / dx - 0.5, w = y_mm / dy - 0.5;
    if (u < 0) u = 0;
    if (w < 0) w = 0;
    if (u > (double)(hm->nx - 1)) u = (double)(hm->nx - 1);
    if (w > (double)(hm->ny - 1)) w = (double)(hm->ny - 1);
    size_t i = (size_t)u, j = (size_t)w;
    size_t i1 = i + 1 < hm->nx ? i + 1 : i, j1 = j + 1 < hm->ny ? j + 1 : j;
    double a = u - (double)i, b = w - (double)j;
    double z = (1 - a) * (1 - b) * SCAR_HM_AT(hm, i, j) + a * (1 - b) * SCAR_HM_AT(hm, i1, j) +
               (1 - a) * b * SCAR_HM_AT(hm, i, j1) + a * b * SCAR_HM_AT(hm, i1, j1);
    return z * 1e-3;
}

static int32_t label_at(const scar_tissue_spec *s, double x_mm, double y_mm)
{
    const scar_heightmap *hm = s->surface;
    long i = (long)floor(x_mm / (hm->dx_um * 1e-3));
    long j = (long)floor(y_mm / (hm->dy_um * 1e-3));
    if (i < 0 || j < 0 || i >= (long)hm->nx || j >= (long)hm->ny)
        return 0;
    int32_t l = s->labels[(size_t)j * hm->nx + (size_t)i];
    return l > 0 && (size_t)l <= s->nscars ? l : 0;
}

bool scar_tissue_grid_size(const scar_region *r, const scar_params *p, double w_mm, double l_mm,
                           double zmax_mm, double h_mm, scar_grid *g)
{
    memset(g, 0, sizeof *g);
    g->h_mm = h_mm;
    /* the sides are capped before the conversion so a huge patch cannot
     * overflow size_t; MAX_SIDE + 1 is over the limit whatever it was */
    double cap = (double)MAX_SIDE + 1.0;
    g->nx = (size_t)fmin(cap, fmax(1.0, floor(w_mm / h_mm + 0.5)));
    g->ny = (size_t)fmin(cap, fmax(1.0, floor(l_mm / h_mm + 0.5)));
    g->z0_mm = -ceil(fmax(zmax_mm, 0.0) / h_mm) * h_mm;
    double zb = r->h_e0_mm + r->h_d0_mm;
    g->nz = (size_t)fmin(cap, ceil((zb + p->z_sub - g->z0_mm) / h_mm));
    g->n = g->nx * g->ny * g->nz; /* at most (4097)^3: no overflow */
    return g->nx <= MAX_SIDE && g->ny <= MAX_SIDE && g->nz <= MAX_SIDE;
}

static scar_status check_spec(scar_ctx *ctx, const scar_tissue_spec *s, const scar_params *p,
                              scar_grid *g)
{
    if (!s->surface || !s->region)
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "tissue: surface and region are required");
    if (!(s->h_mm >= 0.005 && s->h_mm <= 0.2))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "grid.dx_um",
                             "expected a voxel size between 5 and 200 um, found %g um",
                             s->h_mm * 1e3);
    if (s->fitzpatrick < 1 || s->fitzpatrick > 6)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "skin.fitzpatrick",
                             "expected a Fitzpatrick type 1-6, found %d", s->fitzpatrick);
    const scar_heightmap *hm = s->surface;
    double w_mm = (double)hm->nx * hm->dx_um * 1e-3, h_mm = (double)hm->ny * hm->dy_um * 1e-3;
    double zmax = 0.0;
    for (size_t v = 0; v < hm->nx * hm->ny; v++)
        if (hm->z_um[v] * 1e-3 > zmax)
            zmax = hm->z_um[v] * 1e-3;
    if (!scar_tissue_grid_size(s->region, p, w_mm, h_mm, zmax, s->h_mm, g) ||
        g->n > MAX_VOXELS)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "grid.dx_um",
                             "expected at most %zu voxels (%u per side), found %zu x %zu x %zu "
                             "at %g um: choose a larger voxel or a smaller patch",
                             MAX_VOXELS, MAX_SIDE, g->nx, g->ny, g->nz, s->h_mm * 1e3);
    return SCAR_OK;
}

/* A column's scar-floor weight (MODEL.md §4.1 item 3).  A floor's dermis is
 * hypocellular and short of matrix, at phi_n and phi_rho of normal skin;
 * under §4's assumption that matrix volume is thickness, the matrix a column
 * lacks cannot exceed the volume it is missing.  So the weight is capped
 * where a full deficit, (1 - phi_rho) times the dermis left under the
 * column, would exceed the column's untethered depth below the levelled
 * skin plane (a rolling scar's tethered share recoils instead): a refilled
 * floor comes back to the skin's level, not above it, and a scar's shallow
 * rim lacks less than its floor.  Rounded to float, the type of the set
 * point it starts (floor_now), so that an untreated floor is its own steady
 * state exactly.
 *
 * *goal is the weight a floor the tracks have reset tends to.  0 is normal
 * density: the floor refills the matrix its remaining dermis lacks, and no
 * more.  f_regrow (docs/engine.md, "Regrowing the missing dermis") lets it
 * also regrow that share of the thickness still missing after the refill,
 * held as matrix above rho0 in the dermis left under it (§4: volume is
 * thickness), a negative weight.  The goal keeps the set point's density
 * below GOAL_RHO_MAX of rho_max, where the homeostasis constants of the
 * reactions stay finite (a numerical guard of this code, not a datum). */
#define GOAL_RHO_MAX 0.9

static double floor_weight(const scar_tissue *t, double H0, double tau_t0, double *goal)
{
    const scar_params *p = t->p;
    double depth = H0 < 0.0 ? -H0 : 0.0;
    double dermis = t->h_d0 - depth;
    double deficit = (1.0 - p->phi_rho) * (dermis > 0.0 ? dermis : 0.0);
    double missing = (1.0 - tau_t0) * depth;
    double w = deficit > missing ? missing / deficit : 1.0;
    w = (double)(float)w;
    *goal = 0.0;
    if (p->f_regrow > 0.0 && deficit > 0.0 && missing > w * deficit) {
        /* rho_base_w(goal) = rho0 (1 - (1 - phi_rho) goal) */
        double floor_goal = -p->f_regrow * (missing - w * deficit) / deficit;
        double lowest = -(GOAL_RHO_MAX * p->rho_max / p->rho0 - 1.0) / (1.0 - p->phi_rho);
        *goal = floor_goal > lowest ? floor_goal : lowest;
        if (*goal > 0.0)
            *goal = 0.0;
    }
    return w;
}

static void build_columns(scar_tissue *t, const scar_tissue_spec *s)
{
    const scar_grid *g = &t->g;
    for (size_t j = 0; j < g->ny; j++)
        for (size_t i = 0; i < g->nx; i++) {
            size_t col = j * g->nx + i;
            double x = ((double)i + 0.5) * g->h_mm, y = ((double)j + 0.5) * g->h_mm;
            t->H0[col] = surface_at(s->surface, x, y, g->h_mm);
            int32_t l = label_at(s, x, y);
            t->scar_id[col] = l;
            bool atrophic = l > 0 && s->scars[l - 1].type != SCAR_TYPE_HYPERTROPHIC;
            bool rolling = l > 0 && s->scars[l - 1].type == SCAR_TYPE_ROLLING;
            t->tau_t0[col] = rolling ? t->p->tau_t0 : t->p->tau_t;
            t->tau_t[col] = t->tau_t0[col];
            double goal = 0.0;
            t->floor_w[col] = atrophic ? floor_weight(t, t->H0[col], t->tau_t0[col], &goal) : 0.0;
            t->floor_goal[col] = goal;
        }
}

static void build_layers(scar_tissue *t)
{
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny;
    double zb = t->h_e0 + t->h_d0;
    for (size_t col = 0; col < plane; col++) {
        double zs = tissue_surface_z(t, col);
        int32_t top = (int32_t)g->nz;
        for (size_t k = 0; k < g->nz; k++) {
            double zc = g->z0_mm + ((double)k + 0.5) * g->h_mm;
            double zp = zc - zs;
            uint8_t l = zp < 0 ? SCAR_LAYER_NONE
                        : zp < t->h_e0 ? SCAR_LAYER_EPIDERMIS
                        : zc < zb      ? SCAR_LAYER_DERMIS
                                       : SCAR_LAYER_SUBCUTIS;
            t->layer[k * plane + col] = l;
            if (l != SCAR_LAYER_NONE && top == (int32_t)g->nz)
                top = (int32_t)k;
        }
        t->col_top[col] = top;
    }
}

scar_status scar_tissue_create(scar_ctx *ctx, const scar_tissue_spec *spec,
                               const scar_params *p, scar_tissue **out)
{
    *out = NULL;
    scar_grid g = {0};
    scar_status st = check_spec(ctx, spec, p, &g);
    if (st)
        return st;
    scar_tissue *t = scar_calloc(ctx, 1, sizeof *t);
    if (!t)
        return SCAR_ENOMEM;
    t->g = g;
    t->h_e0 = spec->region->h_e0_mm;
    t->h_d0 = spec->region->h_d0_mm;
    t->fitzpatrick = spec->fitzpatrick;
    t->age_y = spec->age_y;
    t->use_myofibroblasts = spec->use_myofibroblasts;
    size_t plane = g.nx * g.ny;
    if ((st = scar_params_copy(ctx, p, &t->p)))
        goto fail;
    st = SCAR_ENOMEM;
    t->H0 = scar_calloc(ctx, plane, sizeof *t->H0);
    t->floor_w = scar_calloc(ctx, plane, sizeof *t->floor_w);
    t->floor_goal = scar_calloc(ctx, plane, sizeof *t->floor_goal);
    t->tau_t0 = scar_calloc(ctx, plane, sizeof *t->tau_t0);
    t->tau_t = scar_calloc(ctx, plane, sizeof *t->tau_t);
    t->D_deep = scar_calloc(ctx, plane, sizeof *t->D_deep);
    t->dh_e = scar_calloc(ctx, plane, sizeof *t->dh_e);
    t->scar_id = scar_calloc(ctx, plane, sizeof *t->scar_id);
    t->col_top = scar_calloc(ctx, plane, sizeof *t->col_top);
    t->layer = scar_alloc_aligned(ctx, g.n);
    if (!t->H0 || !t->floor_w || !t->floor_goal || !t->tau_t0 || !t->tau_t || !t->D_deep || !t->dh_e ||
        !t->scar_id || !t->col_top || !t->layer)
        goto fail;
    if (spec->nscars) {
        t->scars = scar_malloc(ctx, spec->nscars * sizeof *t->scars);
        if (!t->scars)
            goto fail;
        memcpy(t->scars, spec->scars, spec->nscars * sizeof *t->scars);
        t->nscars = spec->nscars;
    }
    for (int f = 0; f < SCAR_F_COUNT; f++) {
        if ((f == SCAR_F_MYO && !spec->use_myofibroblasts) ||
            (f == SCAR_F_S && !spec->with_serum) || (f == SCAR_F_RHOD && !spec->with_thermal))
            continue;
        t->f[f] = scar_alloc_aligned(ctx, g.n * sizeof(double));
        if (!t->f[f])
            goto fail;
        memset(t->f[f], 0, g.n * sizeof(double));
    }
    build_columns(t, spec);
    build_layers(t);
    bool floors = false;
    for (size_t col = 0; col < plane && !floors; col++)
        floors = t->floor_w[col] > 0.0;
    if (floors) {
        if (!(t->floor_now = scar_malloc(ctx, g.n * sizeof *t->floor_now)))
            goto fail;
        for (size_t v = 0; v < g.n; v++)
            t->floor_now[v] = (float)t->floor_w[v % plane];
    }
    *out = t;
    return SCAR_OK;
fail:
    scar_tissue_destroy(&t);
    return st;
}

void scar_tissue_destroy(scar_tissue **pt)
{
    if (!pt || !*pt)
        return;
    scar_tissue *t = *pt;
    scar_params_destroy(&t->p);
    free(t->H0);
    free(t->floor_w);
    free(t->floor_goal);
    free(t->floor_now);
    free(t->tau_t0);
    free(t->tau_t);
    free(t->D_deep);
    free(t->dh_e);
    free(t->scar_id);
    free(t->col_top);
    free(t->layer);
    free(t->scars);
    for (int f = 0; f < SCAR_F_COUNT; f++)
        free(t->f[f]);
    free(t);
    *pt = NULL;
}
