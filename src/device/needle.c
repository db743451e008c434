/*
 * needle.c — puncture patterns and track voxels; see needle.h for the model.
 */
#include "needle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* RNG streams: one per session, far from the streams other layers use. */
#define PATTERN_STREAM 0x4e45454400000000ull /* "NEED" */

void scar_puncture_list_free(scar_puncture_list *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

static scar_status push(scar_ctx *ctx, scar_puncture_list *l, const scar_puncture *p)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        scar_puncture *v = scar_realloc(ctx, l->v, cap * sizeof *v);
        if (!v)
            return SCAR_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *p;
    return SCAR_OK;
}

static int32_t scar_at(const scar_pattern_spec *s, double x, double y)
{
    if (!s->scar_id)
        return 0;
    long i = (long)floor(x / s->col_mm), j = (long)floor(y / s->col_mm);
    if (i < 0 || j < 0 || i >= (long)s->nx || j >= (long)s->ny)
        return 0;
    return s->scar_id[(size_t)j * s->nx + (size_t)i];
}

/* One jittered grid at density nu; only_scars keeps points on scars. */
static scar_status jittered(scar_ctx *ctx, const scar_pattern_spec *s, double nu,
                            uint64_t stream, bool only_scars, scar_puncture_list *out)
{
    if (nu <= 0.0)
        return SCAR_OK;
    double a = 1.0 / sqrt(nu);
    size_t cx = (size_t)ceil(s->width_mm / a), cy = (size_t)ceil(s->height_mm / a);
    scar_rng r;
    scar_rng_init(&r, s->seed, stream);
    for (size_t j = 0; j < cy; j++)
        for (size_t i = 0; i < cx; i++) {
            double x = ((double)i + scar_rng_uniform(&r)) * a;
            double y = ((double)j + scar_rng_uniform(&r)) * a;
            if (x >= s->width_mm || y >= s->height_mm)
                continue;
            if (only_scars && scar_at(s, x, y) <= 0)
                continue;
            scar_puncture p = {x, y, s->depth_mm, s->radius_mm, s->cone_mm};
            scar_status st = push(ctx, out, &p);
            if (st)
                return st;
        }
    return SCAR_OK;
}

scar_status scar_puncture_pattern(scar_ctx *ctx, const scar_pattern_spec *s,
                                  scar_puncture_list *out)
{
    if (!(s->density_per_mm2 >= 0.0) || !(s->scar_multiplier >= 1.0) || !(s->depth_mm >= 0.0) ||
        !(s->radius_mm > 0.0))
        return SCAR_RAISE(ctx, SCAR_EINTERNAL,
                          "puncture pattern: density %g, multiplier %g, depth %g, radius %g",
                          s->density_per_mm2, s->scar_multiplier, s->depth_mm, s->radius_mm);
    uint64_t base = PATTERN_STREAM + 2 * s->session;
    scar_status st = jittered(ctx, s, s->density_per_mm2, base, false, out);
    if (!st)
        st = jittered(ctx, s, (s->scar_multiplier - 1.0) * s->density_per_mm2, base + 1, true,
                      out);
    return st;
}

/* Track radius at depth sd below the entry (0 outside [0, L]). */
static double radius_at(const scar_puncture *p, double sd)
{
    if (sd < 0.0 || sd > p->depth_mm)
        return 0.0;
    double cone = p->cone_mm < p->depth_mm ? p->cone_mm : p->depth_mm;
    double cyl_end = p->depth_mm - cone;
    if (sd <= cyl_end || cone <= 0.0)
        return p->radius_mm;
    return p->radius_mm * (p->depth_mm - sd) / cone;
}

/* The exact volume of the track between depths a < b (mm^3). */
static double volume_between(const scar_puncture *p, double a, double b)
{
    double L = p->depth_mm, cone = p->cone_mm < L ? p->cone_mm : L, ce = L - cone;
    double r2 = p->radius_mm * p->radius_mm, v = 0.0;
    if (a < 0.0) a = 0.0;
    if (b > L) b = L;
    if (b <= a)
        return 0.0;
    double c0 = a, c1 = b < ce ? b : ce; /* cylinder part */
    if (c1 > c0)
        v += M_PI * r2 * (c1 - c0);
    double k0 = a > ce ? a : ce, k1 = b; /* cone part: r = r_w (L - s)/cone */
    if (k1 > k0 && cone > 0.0) {
        double u0 = L - k0, u1 = L - k1;
        v += M_PI * r2 / (cone * cone) * (u0 * u0 * u0 - u1 * u1 * u1) / 3.0;
    }
    return v;
}

double scar_track_volume(const scar_puncture *p) { return volume_between(p, 0.0, p->depth_mm); }

static double entry_depth(const scar_tissue *t, double x, double y)
{
    const scar_grid *g = &t->g;
    long i = (long)floor(x / g->h_mm), j = (long)floor(y / g->h_mm);
    if (i < 0) i = 0;
    if (j < 0) j = 0;
    if (i >= (long)g->nx) i = (long)g->nx - 1;
    if (j >= (long)g->ny) j = (long)g->ny - 1;
    return tissue_surface_z(t, (size_t)j * g->nx + (size_t)i);
}

/* The volume vol of one depth slice k spread over the four columns nearest
 * the track's axis with bilinear weights. */
static scar_status spread_slice(scar_ctx *ctx, const scar_grid *g, const scar_puncture *p,
                                long k, double vol, scar_voxels *out)
{
    double h = g->h_mm, h3 = h * h * h;
    double u = p->x_mm / h - 0.5, w = p->y_mm / h - 0.5;
    long i0 = (long)floor(u), j0 = (long)floor(w);
    double fx = u - (double)i0, fy = w - (double)j0;
    for (int q = 0; q < 4; q++) {
        long ii = i0 + (q & 1), jj = j0 + (q >> 1);
        double wt = ((q & 1) ? fx : 1.0 - fx) * ((q >> 1) ? fy : 1.0 - fy);
        /* a neighbour off the grid gives its share to the edge column: the
         * lateral boundaries are zero-flux */
        if (ii < 0) ii = 0;
        if (jj < 0) jj = 0;
        if (ii >= (long)g->nx) ii = (long)g->nx - 1;
        if (jj >= (long)g->ny) jj = (long)g->ny - 1;
        if (wt <= 0.0)
            continue;
        scar_status st = scar_voxels_push(ctx, out, SCAR_GRID_IDX(g, ii, jj, k), vol * wt / h3);
        if (st)
            return st;
    }
    return SCAR_OK;
}

/* Sub-grid: exact slice volumes on the four nearest columns. */
static scar_status line_source(scar_ctx *ctx, const scar_tissue *t, const scar_puncture *p,
                               double zs, scar_voxels *out)
{
    const scar_grid *g = &t->g;
    double h = g->h_mm;
    long kb = (long)floor((zs - g->z0_mm) / h);
    long ke = (long)floor((zs + p->depth_mm - g->z0_mm) / h);
    for (long k = kb < 0 ? 0 : kb; k <= ke && k < (long)g->nz; k++) {
        double za = g->z0_mm + (double)k * h - zs;
        double vol = volume_between(p, za, za + h);
        if (vol <= 0.0)
            continue;
        scar_status st = spread_slice(ctx, g, p, k, vol, out);
        if (st)
            return st;
    }
    return SCAR_OK;
}

scar_status scar_track_voxels(scar_ctx *ctx, const scar_tissue *t, const scar_puncture *p,
                              scar_voxels *out)
{
    return scar_track_voxels_mode(ctx, t, p, SCAR_TRACK_AUTO, out);
}

scar_status scar_track_voxels_mode(scar_ctx *ctx, const scar_tissue *t, const scar_puncture *p,
                                   scar_track_mode mode, scar_voxels *out)
{
    out->n = 0;
    const scar_grid *g = &t->g;
    double h = g->h_mm, zs = entry_depth(t, p->x_mm, p->y_mm);
    if (p->depth_mm <= 0.0)
        return SCAR_OK;
    if (mode == SCAR_TRACK_LINE || (mode == SCAR_TRACK_AUTO && p->radius_mm < 0.5 * h))
        return line_source(ctx, t, p, zs, out);
    /* Resolved: 4^3 sub-samples per voxel, positions in quarter-voxel units
     * relative to the entry so that a puncture on a voxel corner gives
     * bitwise mirror-symmetric fractions. */
    const int S = 4;
    double X = p->x_mm / h * S, Y = p->y_mm / h * S;
    long i0 = (long)floor((p->x_mm - p->radius_mm) / h), i1 = (long)floor((p->x_mm + p->radius_mm) / h);
    long j0 = (long)floor((p->y_mm - p->radius_mm) / h), j1 = (long)floor((p->y_mm + p->radius_mm) / h);
    long k0 = (long)floor((zs - g->z0_mm) / h), k1 = (long)floor((zs + p->depth_mm - g->z0_mm) / h);
    if (i0 < 0) i0 = 0;
    if (j0 < 0) j0 = 0;
    if (k0 < 0) k0 = 0;
    if (i1 >= (long)g->nx) i1 = (long)g->nx - 1;
    if (j1 >= (long)g->ny) j1 = (long)g->ny - 1;
    if (k1 >= (long)g->nz) k1 = (long)g->nz - 1;
    for (long k = k0; k <= k1; k++) {
        size_t slice = out->n;
        double sampled = 0.0;
        for (long j = j0; j <= j1; j++)
            for (long i = i0; i <= i1; i++) {
                size_t v = SCAR_GRID_IDX(g, i, j, k);
                if (t->layer[v] == SCAR_LAYER_NONE)
                    continue;
                int inside = 0;
                for (int c = 0; c < S; c++) {
                    double sd = g->z0_mm + ((double)k + (c + 0.5) / S) * h - zs;
                    double r = radius_at(p, sd) / h * S;
                    if (r <= 0.0)
                        continue;
                    double r2 = r * r;
                    for (int b = 0; b < S; b++) {
                        double dy = (double)(S * j + b) + 0.5 - Y;
                        for (int a = 0; a < S; a++) {
                            double dx = (double)(S * i + a) + 0.5 - X;
                            inside += dx * dx + dy * dy <= r2;
                        }
                    }
                }
                if (!inside)
                    continue;
                double chi = (double)inside / (double)(S * S * S);
                sampled += chi;
                scar_status st = scar_voxels_push(ctx, out, v, chi);
                if (st)
                    return st;
            }
        /* Each depth slice scaled to its exact volume (the sampled one is
         * within a few percent), so the amounts injected per slice are those
         * of the line source. */
        double za = g->z0_mm + (double)k * h - zs;
        double vol = volume_between(p, za, za + h), exact = vol / (h * h * h);
        if (sampled > 0.0) {
            for (size_t q = slice; q < out->n; q++)
                out->v[q].chi *= exact / sampled;
        } else if (vol > 0.0) {
            /* the tip is thinner than the sub-samples: a line source there */
            scar_status st = spread_slice(ctx, g, p, k, vol, out);
            if (st)
                return st;
        }
    }
    return SCAR_OK;
}
