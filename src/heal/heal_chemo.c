/*
 * heal_chemo.c — chemotaxis of fibroblasts up the growth-factor gradient
 * (MODEL.md §2.5): flux chi_n q grad c / (1 + c/K_chi)^2 with the volume-filled
 * density q = n (1 - (n + m)/n_max)+, explicit finite volumes, upwind with a
 * van Leer limited (MUSCL) face value, sub-cycled under the CFL bound (§7.2).
 *
 * The growth factor is frozen over the chemotaxis part of a step, so the face
 * velocities are computed once per step; each sub-step then computes every
 * face's flux once (by the face's lower voxel) and updates each voxel from
 * its six faces.  The two voxels of a face see bitwise the same flux with
 * opposite signs: cells are conserved to round-off, and the result does not
 * depend on how planes are shared among threads.  Faces are open only
 * between two dermis voxels (fibroblasts live in the dermis, §3.3).
 */
#include "heal_internal.h"

#include <math.h>
#include <stdlib.h>

static inline double max2(double a, double b) { return a > b ? a : b; }
static inline double vanleer(double r) { return (r + fabs(r)) / (1.0 + fabs(r)); }

typedef struct chemo {
    const scar_grid *g;
    const uint8_t *layer;
    size_t stride[3], len[3];
    double *U[3]; /* velocity on the face between v and v + stride[a], mm/day */
    double *F[3]; /* flux through that face, cells/mm^2/day */
    double *q;    /* volume-filled density */
} chemo;

/* Face velocities from the frozen growth factor; returns the largest sum of
 * outgoing face speeds of a voxel (the CFL bound). */
/* Loops run over the planes that hold dermis, [kd0m, kd1), kd0m one plane
 * above the first so that the faces into it are written (as zero: closed). */
static double face_velocities(heal_state *h, chemo *ch)
{
    const scar_tissue *t = h->t;
    const scar_params *p = t->p;
    const scar_grid *g = ch->g;
    const double *C = t->f[SCAR_F_C];
    const double chi = p->chi_n, Kchi = p->K_chi, c0 = h->c0, inv_h = 1.0 / g->h_mm;
    size_t plane = g->nx * g->ny;
#pragma omp parallel for schedule(static) num_threads(h->threads)
    for (size_t k = h->kd0m; k < h->kd1; k++) {
        size_t idx[3] = {0, 0, k};
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = k * plane + j * g->nx + i;
                idx[0] = i;
                idx[1] = j;
                for (int a = 0; a < 3; a++) {
                    double u = 0.0;
                    size_t w = v + ch->stride[a];
                    if (idx[a] + 1 < ch->len[a] && ch->layer[v] == SCAR_LAYER_DERMIS &&
                        ch->layer[w] == SCAR_LAYER_DERMIS) {
                        double sat = 1.0 + (c0 + 0.5 * (C[v] + C[w])) / Kchi;
                        u = chi * (C[w] - C[v]) * inv_h / (sat * sat);
                    }
                    ch->U[a][v] = u;
                }
            }
    }
    /* positivity: what leaves a voxel in a sub-step is at most dt/h times its
     * outgoing face speeds times 2q (the limited face value is at most twice
     * the upwind one) */
    double umax = 0.0;
#pragma omp parallel for schedule(static) num_threads(h->threads) reduction(max : umax)
    for (size_t k = h->kd0m; k < h->kd1; k++) {
        size_t idx[3] = {0, 0, k};
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = k * plane + j * g->nx + i;
                idx[0] = i;
                idx[1] = j;
                double su = 0.0;
                for (int a = 0; a < 3; a++) {
                    su += max2(ch->U[a][v], 0.0);
                    /* the face below plane kd0m is never written (and
                     * closed: no dermis above it) */
                    if (idx[a] > 0 && (a < 2 || k > h->kd0m))
                        su += max2(-ch->U[a][v - ch->stride[a]], 0.0);
                }
                umax = max2(umax, su);
            }
    }
    return umax;
}

static void fill_q(heal_state *h, chemo *ch)
{
    const scar_tissue *t = h->t;
    const scar_params *p = t->p;
    const scar_grid *g = ch->g;
    size_t plane = g->nx * g->ny;
    const double *N = t->f[SCAR_F_N], *Y = t->f[SCAR_F_MYO];
#pragma omp parallel for schedule(static) num_threads(h->threads)
    for (size_t k = h->kd0m; k < h->kd1; k++)
        for (size_t col = 0; col < plane; col++) {
            size_t v = k * plane + col;
            if (t->layer[v] != SCAR_LAYER_DERMIS) {
                ch->q[v] = 0.0;
                continue;
            }
            double n = tissue_n_base_at(t, v) + N[v], m = Y ? Y[v] : 0.0;
            double fill = 1.0 - (n + m) / p->n_max;
            ch->q[v] = fill > 0.0 ? n * fill : 0.0;
        }
}

/* Flux through the face v | v + s along a: upwind value with a van Leer
 * limited correction; first order next to a closed face. */
static inline double face_flux(const chemo *ch, size_t v, int a, size_t pos)
{
    double u = ch->U[a][v];
    if (u == 0.0)
        return 0.0;
    size_t s = ch->stride[a], w = v + s;
    const double *q = ch->q;
    double qf;
    if (u > 0.0) {
        qf = q[v];
        if (pos > 0 && ch->layer[v - s] == SCAR_LAYER_DERMIS && q[w] != q[v])
            qf += 0.5 * vanleer((q[v] - q[v - s]) / (q[w] - q[v])) * (q[w] - q[v]);
    } else {
        qf = q[w];
        if (pos + 2 < ch->len[a] && ch->layer[w + s] == SCAR_LAYER_DERMIS && q[v] != q[w])
            qf += 0.5 * vanleer((q[w] - q[w + s]) / (q[v] - q[w])) * (q[v] - q[w]);
    }
    return u * qf;
}

static void substep(heal_state *h, chemo *ch, double dt)
{
    const scar_grid *g = ch->g;
    size_t plane = g->nx * g->ny;
    double *N = h->t->f[SCAR_F_N];
    double f = dt / g->h_mm;
#pragma omp parallel for schedule(static) num_threads(h->threads)
    for (size_t k = h->kd0m; k < h->kd1; k++) {
        size_t idx[3] = {0, 0, k};
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = k * plane + j * g->nx + i;
                idx[0] = i;
                idx[1] = j;
                for (int a = 0; a < 3; a++)
                    ch->F[a][v] = face_flux(ch, v, a, idx[a]);
            }
    }
#pragma omp parallel for schedule(static) num_threads(h->threads)
    for (size_t k = h->kd0m; k < h->kd1; k++) {
        size_t idx[3] = {0, 0, k};
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = k * plane + j * g->nx + i;
                if (ch->layer[v] != SCAR_LAYER_DERMIS)
                    continue;
                idx[0] = i;
                idx[1] = j;
                double div = 0.0;
                for (int a = 0; a < 3; a++) {
                    div += ch->F[a][v];
                    if (idx[a] > 0)
                        div -= ch->F[a][v - ch->stride[a]];
                }
                N[v] -= f * div;
            }
    }
}

scar_status heal_chemotaxis(scar_ctx *ctx, heal_state *h, double dt, long *substeps)
{
    const scar_tissue *t = h->t;
    const scar_params *p = t->p;
    const scar_grid *g = &t->g;
    *substeps = 0;
    if (p->chi_n <= 0.0)
        return SCAR_OK;
    if (!h->chemo_scratch) {
        h->chemo_scratch = scar_alloc_aligned(ctx, 7 * g->n * sizeof(double));
        if (!h->chemo_scratch)
            return SCAR_ENOMEM;
    }
    double *s = h->chemo_scratch;
    chemo ch = {.g = g, .layer = t->layer, .stride = {1, g->nx, g->nx * g->ny},
                .len = {g->nx, g->ny, g->nz},
                .U = {s, s + g->n, s + 2 * g->n}, .F = {s + 3 * g->n, s + 4 * g->n, s + 5 * g->n},
                .q = s + 6 * g->n};
    double umax = face_velocities(h, &ch);
    if (umax == 0.0)
        return SCAR_OK;
    /* CFL = 0.5 makes the outflow of a sub-step at most the voxel's content */
    double dt_cfl = p->CFL * g->h_mm / umax;
    long m = (long)ceil(dt / dt_cfl);
    if (m < 1)
        m = 1;
    double ds = dt / (double)m;
    for (long k = 0; k < m; k++) {
        fill_q(h, &ch);
        substep(h, &ch, ds);
    }
    *substeps = m;
    return SCAR_OK;
}
