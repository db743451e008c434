/*
 * heal_chemo.c — chemotaxis of fibroblasts up the growth-factor gradient
 * (MODEL.md §2.5): flux chi_n q grad c / (1 + c/K_chi)^2 with the volume-filled
 * density q = n (1 - (n + m)/n_max)+, explicit finite volumes, upwind with a
 * van Leer limited (MUSCL) face value, sub-cycled under the CFL bound (§7.2).
 *
 * Each face flux is computed by one function of the ordered pair (lower
 * index, higher index), so the two voxels of a face see bitwise the same
 * number with opposite signs: the scheme conserves cells to round-off and the
 * result does not depend on how planes are shared among threads.  Faces are
 * open only between two dermis voxels (fibroblasts live in the dermis, §3.3).
 */
#include "heal_internal.h"

#include <math.h>

/* max without fmax's NaN rules: inlined, where fmax is a library call */
static inline double max2(double a, double b) { return a > b ? a : b; }

typedef struct chemo {
    const scar_tissue *t;
    const double *C, *q;
    const uint8_t *layer;
    size_t stride[3];
    size_t len[3];
    double chi, Kchi, c0, inv_h;
} chemo;

static inline double vanleer(double r) { return (r + fabs(r)) / (1.0 + fabs(r)); }

/* Face velocity (mm/day) from lo to hi; 0 when the face is closed. */
static inline double face_u(const chemo *ch, size_t lo, size_t hi)
{
    if (ch->layer[lo] != SCAR_LAYER_DERMIS || ch->layer[hi] != SCAR_LAYER_DERMIS)
        return 0.0;
    double cf = ch->c0 + 0.5 * (ch->C[lo] + ch->C[hi]);
    double sat = 1.0 + cf / ch->Kchi;
    return ch->chi * (ch->C[hi] - ch->C[lo]) * ch->inv_h / (sat * sat);
}

/* Flux (cells/mm^2/day) through the face lo|hi along direction a; pos is the
 * coordinate of lo along a. */
static inline double face_flux(const chemo *ch, size_t lo, size_t hi, int a, size_t pos)
{
    double u = face_u(ch, lo, hi);
    if (u == 0.0)
        return 0.0;
    size_t s = ch->stride[a];
    const double *q = ch->q;
    double qf;
    if (u > 0.0) {
        qf = q[lo];
        if (pos > 0 && ch->layer[lo - s] == SCAR_LAYER_DERMIS && q[hi] != q[lo])
            qf += 0.5 * vanleer((q[lo] - q[lo - s]) / (q[hi] - q[lo])) * (q[hi] - q[lo]);
    } else {
        qf = q[hi];
        if (pos + 2 < ch->len[a] && ch->layer[hi + s] == SCAR_LAYER_DERMIS && q[lo] != q[hi])
            qf += 0.5 * vanleer((q[hi] - q[hi + s]) / (q[lo] - q[hi])) * (q[lo] - q[hi]);
    }
    return u * qf;
}

/* The volume-filled density q of every voxel; returns the largest sum of face
 * speeds around a voxel (mm/day). */
static double fill_q(heal_state *h, chemo *ch, double *q)
{
    const scar_tissue *t = h->t;
    const scar_params *p = t->p;
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny;
    const double *N = t->f[SCAR_F_N], *Y = t->f[SCAR_F_MYO];
    double umax = 0.0;
#pragma omp parallel for schedule(static) num_threads(h->threads) reduction(max : umax)
    for (size_t k = 0; k < g->nz; k++) {
        size_t idx[3];
        idx[2] = k;
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = k * plane + j * g->nx + i;
                if (t->layer[v] != SCAR_LAYER_DERMIS) {
                    q[v] = 0.0;
                    continue;
                }
                double nb = p->n0 * (1.0 - (1.0 - p->phi_n) * t->floor_w[j * g->nx + i]);
                double n = nb + N[v], m = Y ? Y[v] : 0.0;
                double fill = 1.0 - (n + m) / p->n_max;
                q[v] = fill > 0.0 ? n * fill : 0.0;
                idx[0] = i;
                idx[1] = j;
                /* positivity: what leaves a voxel in a sub-step is at most
                 * dt/h times its outgoing face speeds times 2q (the limited
                 * face value is at most twice the upwind one) */
                double su = 0.0;
                for (int a = 0; a < 3; a++) {
                    if (idx[a] > 0)
                        su += max2(-face_u(ch, v - ch->stride[a], v), 0.0);
                    if (idx[a] + 1 < ch->len[a])
                        su += max2(face_u(ch, v, v + ch->stride[a]), 0.0);
                }
                if (su > umax)
                    umax = su;
            }
    }
    return umax;
}

static void advance(heal_state *h, chemo *ch, double dt)
{
    const scar_grid *g = &h->t->g;
    size_t plane = g->nx * g->ny;
    double *N = h->t->f[SCAR_F_N];
    double f = dt * ch->inv_h;
#pragma omp parallel for schedule(static) num_threads(h->threads)
    for (size_t k = 0; k < g->nz; k++) {
        size_t idx[3];
        idx[2] = k;
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = k * plane + j * g->nx + i;
                if (ch->layer[v] != SCAR_LAYER_DERMIS)
                    continue;
                idx[0] = i;
                idx[1] = j;
                double div = 0.0;
                for (int a = 0; a < 3; a++) {
                    size_t s = ch->stride[a];
                    if (idx[a] + 1 < ch->len[a])
                        div += face_flux(ch, v, v + s, a, idx[a]);
                    if (idx[a] > 0)
                        div -= face_flux(ch, v - s, v, a, idx[a] - 1);
                }
                N[v] -= f * div;
            }
    }
}

long heal_chemotaxis(heal_state *h, double dt)
{
    const scar_tissue *t = h->t;
    const scar_params *p = t->p;
    const scar_grid *g = &t->g;
    if (p->chi_n <= 0.0)
        return 0;
    chemo ch = {.t = t, .C = t->f[SCAR_F_C], .q = h->scratch, .layer = t->layer,
                .stride = {1, g->nx, g->nx * g->ny}, .len = {g->nx, g->ny, g->nz},
                .chi = p->chi_n, .Kchi = p->K_chi, .c0 = h->c0, .inv_h = 1.0 / g->h_mm};
    double umax = fill_q(h, &ch, h->scratch);
    if (umax == 0.0)
        return 0;
    /* CFL = 0.5 makes the outflow at most the voxel's content */
    double dt_cfl = p->CFL * g->h_mm / umax;
    long m = (long)ceil(dt / dt_cfl);
    if (m < 1)
        m = 1;
    double ds = dt / (double)m;
    for (long s = 0; s < m; s++) {
        if (s > 0)
            fill_q(h, &ch, h->scratch);
        advance(h, &ch, ds);
    }
    return m;
}
