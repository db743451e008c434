/*
 * heal_chemo.c — chemotaxis of fibroblasts up the growth-factor gradient
 * (MODEL.md §2.5): flux chi_n q grad c / (1 + c/K_chi)^2 with the volume-filled
 * density q = n (1 - (n + m)/n_max)+, explicit finite volumes, upwind with a
 * van Leer limited (MUSCL) face value, sub-cycled under the CFL bound (§7.2).
 *
 * The growth factor is frozen over the chemotaxis part of a step, so the face
 * velocities are computed once per step.  Two passes over the dermis planes
 * per step (in practice one sub-step per step):
 *
 *   prepare   the face velocities, the CFL bound (largest sum of outgoing
 *             face speeds of a voxel) and q for the first sub-step;
 *   substep   every face's flux, computed once (by the face's lower voxel),
 *             and the update of each voxel from its six faces, in the same
 *             sweep: the fluxes of the faces behind a voxel are kept in a
 *             per-thread row (y) and plane (z) buffer until the voxel is
 *             updated, not in grid-sized arrays.
 *
 * Each thread takes a contiguous run of planes holding about the same number
 * of dermis voxels (the planes near the top of the dermis hold less of it, so
 * halves of the planes left one thread waiting).  The first plane of a run
 * needs the faces below it, which the thread holding the plane below
 * computed: the thread recomputes them with the same inline function, hence
 * the same bits.  The two voxels of a face thus see bitwise the same flux with
 * opposite signs: cells are conserved to round-off, and the result does not
 * depend on how planes are shared among threads.  Faces are open only
 * between two dermis voxels (fibroblasts live in the dermis, §3.3), so a
 * voxel outside the dermis has no open face and is skipped.
 *
 * Five passes per step (velocities, CFL bound, q, fluxes, divergence) took
 * 24.6 s of the reference course (240 x 240 x 81, 568 steps, 2 threads),
 * these two 16.7 s; a small scenario (167 x 167 x 27, 214 steps) 1.8 s ->
 * 1.2 s.  Computing two voxels per SSE2 instruction (vector extensions, masks
 * instead of branches) was no faster: a divpd costs two divsd on this class
 * of machine, and the passes are as much memory-bound as division-bound.
 */
#include "heal_internal.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>

static inline double max2(double a, double b) { return a > b ? a : b; }
static inline double vanleer(double r) { return (r + fabs(r)) / (1.0 + fabs(r)); }

typedef struct chemo {
    const scar_grid *g;
    const uint8_t *layer;
    const double *C; /* the frozen growth factor (departure), ng/mL */
    double chi, Kchi, c0, inv_h;
    size_t stride[3], len[3];
    double *U[3]; /* velocity on the face between v and v + stride[a], mm/day */
    double *q;    /* volume-filled density */
    double *buf;  /* per thread: the z fluxes of a plane, then the y fluxes of a row */
} chemo;

/* The planes [*k0, *k1) of the calling thread: a contiguous run holding
 * about its share of the dermis voxels (they cost; the others are skipped).
 * Any split gives the same numbers. */
static void thread_planes(const heal_state *h, size_t *k0, size_t *k1)
{
    size_t t = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
    /* cum[i]: dermis voxels in the planes [kd0m, kd0m + i) (none lie above) */
    const size_t *cum = h->dermis_cum + h->kd0m;
    size_t np = h->kd1 - h->kd0m, total = cum[np];
    /* the first plane whose middle lies at or after the thread's share */
    size_t b[2];
    for (int e = 0; e < 2; e++) {
        size_t i = 0, goal = 2 * (t + (size_t)e) * total;
        while (i < np && (cum[i] + cum[i + 1]) * nt < goal)
            i++;
        b[e] = t + (size_t)e == nt ? np : i;
    }
    *k0 = h->kd0m + b[0];
    *k1 = h->kd0m + b[1];
}

/* Velocity on the face v | v + stride[a], pos = v's index along a; zero
 * (closed) unless both voxels are dermis.  Every pass that needs a face
 * velocity calls this, so a face recomputed by another thread has the same
 * bits as the stored one. */
static inline double face_u(const chemo *ch, size_t v, int a, size_t pos)
{
    size_t w = v + ch->stride[a];
    if (pos + 1 < ch->len[a] && ch->layer[v] == SCAR_LAYER_DERMIS &&
        ch->layer[w] == SCAR_LAYER_DERMIS) {
        const double *C = ch->C;
        double sat = 1.0 + (ch->c0 + 0.5 * (C[v] + C[w])) / ch->Kchi;
        return ch->chi * (C[w] - C[v]) * ch->inv_h / (sat * sat);
    }
    return 0.0;
}

/* Volume-filled density of a dermis voxel. */
static inline double q_at(const scar_tissue *t, const double *N, const double *Y, size_t v)
{
    double n = tissue_n_base_at(t, v) + N[v], m = Y ? Y[v] : 0.0;
    double fill = 1.0 - (n + m) / t->p->n_max;
    return fill > 0.0 ? n * fill : 0.0;
}

/* Face velocities from the frozen growth factor and q from the current n;
 * returns the largest sum of outgoing face speeds of a voxel (the CFL bound).
 * Loops run over the planes that hold dermis, [kd0m, kd1), kd0m one plane
 * below the first so that the faces into it are written (as zero: closed). */
static double prepare(heal_state *h, chemo *ch)
{
    const scar_tissue *t = h->t;
    const scar_grid *g = ch->g;
    const double *N = t->f[SCAR_F_N], *Y = t->f[SCAR_F_MYO];
    const uint8_t *layer = ch->layer;
    double *U0 = ch->U[0], *U1 = ch->U[1], *U2 = ch->U[2], *q = ch->q;
    size_t nx = g->nx, ny = g->ny, plane = nx * ny, kd0m = h->kd0m;
    double umax = 0.0;
#pragma omp parallel num_threads(h->threads) reduction(max : umax)
    {
        size_t k0, k1;
        thread_planes(h, &k0, &k1);
        for (size_t k = k0; k < k1; k++) {
            /* the face below a voxel: stored by this thread if it did the
             * plane below, else recomputed; the face below plane kd0m is
             * never written (and closed: no dermis above it) */
            int below_stored = k > k0;
            for (size_t j = 0; j < ny; j++)
                for (size_t i = 0; i < nx; i++) {
                    size_t v = k * plane + j * nx + i;
                    if (layer[v] != SCAR_LAYER_DERMIS) {
                        U0[v] = U1[v] = U2[v] = q[v] = 0.0;
                        continue; /* no open face: adds nothing to the bound */
                    }
                    double u0 = face_u(ch, v, 0, i), u1 = face_u(ch, v, 1, j),
                           u2 = face_u(ch, v, 2, k);
                    U0[v] = u0;
                    U1[v] = u1;
                    U2[v] = u2;
                    q[v] = q_at(t, N, Y, v);
                    /* positivity: what leaves a voxel in a sub-step is at
                     * most dt/h times its outgoing face speeds times 2q (the
                     * limited face value is at most twice the upwind one) */
                    double su = 0.0;
                    su += max2(u0, 0.0);
                    if (i > 0)
                        su += max2(-U0[v - 1], 0.0);
                    su += max2(u1, 0.0);
                    if (j > 0)
                        su += max2(-U1[v - nx], 0.0);
                    su += max2(u2, 0.0);
                    if (k > kd0m)
                        su += max2(-(below_stored ? U2[v - plane] : face_u(ch, v - plane, 2, k - 1)),
                                   0.0);
                    umax = max2(umax, su);
                }
        }
    }
    return umax;
}

/* q for the sub-steps after the first (prepare fills it for the first). */
static void fill_q(heal_state *h, chemo *ch)
{
    const scar_tissue *t = h->t;
    const scar_grid *g = ch->g;
    size_t plane = g->nx * g->ny;
    const double *N = t->f[SCAR_F_N], *Y = t->f[SCAR_F_MYO];
#pragma omp parallel for schedule(static) num_threads(h->threads)
    for (size_t k = h->kd0m; k < h->kd1; k++)
        for (size_t col = 0; col < plane; col++) {
            size_t v = k * plane + col;
            ch->q[v] = t->layer[v] == SCAR_LAYER_DERMIS ? q_at(t, N, Y, v) : 0.0;
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
    const uint8_t *layer = ch->layer;
    size_t nx = g->nx, ny = g->ny, plane = nx * ny, kd0m = h->kd0m;
    double *N = h->t->f[SCAR_F_N];
    double f = dt / g->h_mm;
#pragma omp parallel num_threads(h->threads)
    {
        /* fz[col]: the flux through the z face below the voxel at col of the
         * current plane until that voxel is done, then the one above it; fy
         * likewise for the y faces along a row */
        double *fz = ch->buf + (size_t)omp_get_thread_num() * (plane + nx), *fy = fz + plane;
        size_t k0, k1;
        thread_planes(h, &k0, &k1);
        for (size_t k = k0; k < k1; k++) {
            if (k == k0)
                /* first plane of this thread's run: the faces below were
                 * another thread's (or are closed, below plane kd0m) */
                for (size_t col = 0; col < plane; col++)
                    fz[col] = k > kd0m ? face_flux(ch, (k - 1) * plane + col, 2, k - 1) : 0.0;
            for (size_t j = 0; j < ny; j++) {
                double fx = 0.0; /* the x face left of the voxel */
                for (size_t i = 0; i < nx; i++) {
                    size_t col = j * nx + i, v = k * plane + col;
                    if (layer[v] != SCAR_LAYER_DERMIS) {
                        fx = fy[i] = fz[col] = 0.0; /* closed faces */
                        continue;
                    }
                    double f0 = face_flux(ch, v, 0, i), f1 = face_flux(ch, v, 1, j),
                           f2 = face_flux(ch, v, 2, k);
                    double div = 0.0;
                    div += f0;
                    if (i > 0)
                        div -= fx;
                    div += f1;
                    if (j > 0)
                        div -= fy[i];
                    div += f2;
                    if (k > 0)
                        div -= fz[col];
                    N[v] -= f * div;
                    fx = f0;
                    fy[i] = f1;
                    fz[col] = f2;
                }
            }
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
    size_t plane = g->nx * g->ny;
    if (!h->chemo_scratch) {
        /* U[3] and q, then each thread's plane and row of fluxes */
        h->chemo_scratch = scar_alloc_aligned(
            ctx, (4 * g->n + (size_t)h->threads * (plane + g->nx)) * sizeof(double));
        if (!h->chemo_scratch)
            return SCAR_ENOMEM;
    }
    double *s = h->chemo_scratch;
    chemo ch = {.g = g, .layer = t->layer, .C = t->f[SCAR_F_C], .chi = p->chi_n,
                .Kchi = p->K_chi, .c0 = h->c0, .inv_h = 1.0 / g->h_mm,
                .stride = {1, g->nx, plane}, .len = {g->nx, g->ny, g->nz},
                .U = {s, s + g->n, s + 2 * g->n}, .q = s + 3 * g->n, .buf = s + 4 * g->n};
    double umax = prepare(h, &ch);
    if (umax == 0.0)
        return SCAR_OK;
    /* CFL = 0.5 makes the outflow of a sub-step at most the voxel's content */
    double dt_cfl = p->CFL * g->h_mm / umax;
    long m = (long)ceil(dt / dt_cfl);
    if (m < 1)
        m = 1;
    double ds = dt / (double)m;
    for (long k = 0; k < m; k++) {
        if (k > 0)
            fill_q(h, &ch);
        substep(h, &ch, ds);
    }
    *substeps = m;
    return SCAR_OK;
}
