/*
 * heal_surface.c — from deposited matrix to surface height (MODEL.md §4):
 *   H = H0 + (1 - tau_t) [G_l * dV] + h_s (tau_t0 - tau_t) + (h_e - h_e0)
 * with dV the matrix volume a column gained (tissue.h), G_l a normalised
 * Gaussian of width ell_s standing in for the bending stiffness of the skin
 * above, tau_t the tethering of a rolling scar's floor and h_s its depth (the
 * released part recoils at once, §4.1 item 2).  Oedema, gamma_ed times the
 * column integral of I, is transient swelling, not treatment gain, and is
 * returned apart.
 */
#include "heal_internal.h"

#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

scar_status heal_surface_create(scar_ctx *ctx, const scar_tissue *t, heal_surface *s)
{
    memset(s, 0, sizeof *s);
    size_t plane = t->g.nx * t->g.ny;
    s->nx = t->g.nx;
    s->ny = t->g.ny;
    s->h_mm = t->g.h_mm;
    s->H = scar_calloc(ctx, plane, sizeof *s->H);
    s->oedema = scar_calloc(ctx, plane, sizeof *s->oedema);
    s->dV = scar_calloc(ctx, plane, sizeof *s->dV);
    if (!s->H || !s->oedema || !s->dV) {
        heal_surface_free(s);
        return SCAR_ENOMEM;
    }
    return SCAR_OK;
}

void heal_surface_free(heal_surface *s)
{
    free(s->H);
    free(s->oedema);
    free(s->dV);
    memset(s, 0, sizeof *s);
}

/* Reflects an index into [0, n) (the lateral boundaries are zero-flux). */
static long reflect(long i, long n)
{
    while (i < 0 || i >= n)
        i = i < 0 ? -i - 1 : 2 * n - i - 1;
    return i;
}

/* Separable Gaussian smoothing of a nx x ny map, sigma in samples. */
static scar_status smooth(scar_ctx *ctx, const double *in, double *out, size_t nx, size_t ny,
                          double sigma, int threads)
{
    if (sigma < 1e-3) {
        memcpy(out, in, nx * ny * sizeof *out);
        return SCAR_OK;
    }
    long r = (long)ceil(3.0 * sigma);
    double *w = scar_malloc(ctx, (size_t)(2 * r + 1) * sizeof *w);
    double *tmp = scar_malloc(ctx, nx * ny * sizeof *tmp);
    if (!w || !tmp) {
        free(w);
        free(tmp);
        return SCAR_ENOMEM;
    }
    double sum = 0.0;
    for (long i = -r; i <= r; i++)
        sum += w[i + r] = exp(-0.5 * (double)(i * i) / (sigma * sigma));
    for (long i = 0; i <= 2 * r; i++)
        w[i] /= sum;
    /* Interior outputs [a, b) (r from an edge) tap by tap across the row,
     * which vectorises: each output still adds its taps in order from -r to
     * r, so the sums are bitwise those of an output-by-output loop; reflect()
     * only next to an edge. */
    const long lnx = (long)nx, lny = (long)ny;
    const long ax = lnx > 2 * r ? r : lnx, bx = lnx > 2 * r ? lnx - r : lnx;
    const long ay = lny > 2 * r ? r : lny, by = lny > 2 * r ? lny - r : lny;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t j = 0; j < ny; j++) {
        const double *row = in + j * nx;
        double *o = tmp + j * nx;
        for (long i = 0; i < lnx; i++)
            if (i < ax || i >= bx) {
                double s = 0.0;
                for (long q = -r; q <= r; q++)
                    s += w[q + r] * row[reflect(i + q, lnx)];
                o[i] = s;
            } else {
                o[i] = 0.0;
            }
        for (long q = -r; q <= r; q++)
            for (long i = ax; i < bx; i++)
                o[i] += w[q + r] * row[i + q];
    }
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t j = 0; j < ny; j++) {
        double *o = out + j * nx;
        bool inner = (long)j >= ay && (long)j < by;
        for (size_t i = 0; i < nx; i++) {
            double s = 0.0;
            for (long q = -r; !inner && q <= r; q++)
                s += w[q + r] * tmp[(size_t)reflect((long)j + q, lny) * nx + i];
            o[i] = s;
        }
        for (long q = -r; inner && q <= r; q++) {
            const double *src = tmp + (size_t)((long)j + q) * nx;
            for (size_t i = 0; i < nx; i++)
                o[i] += w[q + r] * src[i];
        }
    }
    free(w);
    free(tmp);
    return SCAR_OK;
}

scar_status scar_heal_surface(scar_ctx *ctx, scar_heal *h, heal_surface *s)
{
    double t0 = scar_now_s();
    const scar_tissue *t = h->t;
    const scar_params *p = t->p;
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny;
    const double *I = t->f[SCAR_F_I];
    /* The column integrals plane by plane (a column walk strides a whole
     * plane per voxel), each thread a contiguous range of columns, each
     * column summed over k in order. */
#pragma omp parallel num_threads(h->threads)
    {
        int nt = omp_get_num_threads(), id = omp_get_thread_num();
        size_t c0 = plane * (size_t)id / (size_t)nt, c1 = plane * (size_t)(id + 1) / (size_t)nt;
        scar_tissue_columns_dV(t, c0, c1, s->dV + c0);
        for (size_t col = c0; col < c1; col++)
            s->oedema[col] = 0.0;
        for (size_t k = 0; k < g->nz; k++)
            for (size_t col = c0; col < c1; col++)
                if (k >= (size_t)t->col_top[col])
                    s->oedema[col] += I[k * plane + col];
        for (size_t col = c0; col < c1; col++)
            s->oedema[col] = p->gamma_ed * s->oedema[col] * g->h_mm;
    }
    scar_status st = smooth(ctx, s->dV, s->H, g->nx, g->ny, p->ell_s / g->h_mm, h->threads);
    if (st)
        return st;
    for (size_t col = 0; col < plane; col++) {
        double hs = t->H0[col] < 0.0 ? -t->H0[col] : 0.0;
        s->H[col] = t->H0[col] + (1.0 - t->tau_t[col]) * s->H[col] +
                    hs * (t->tau_t0[col] - t->tau_t[col]) + t->dh_e[col];
    }
    h->stats.t_surface_s += scar_now_s() - t0;
    return SCAR_OK;
}
