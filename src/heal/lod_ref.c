/*
 * lod_ref.c — the reference backward-Euler LOD step (lod.h): one grid line at
 * a time, the textbook Thomas algorithm (Press et al., Numerical Recipes,
 * tridag) with its coefficients computed on the fly and a division per row.
 * Written to be obviously right, not fast; the conformance test holds the
 * fast kernel of lod.c to it.
 */
#include "lod.h"

#include <math.h>
#include <stdlib.h>

/* Face diffusivity: harmonic mean, closed next to the outside or to a layer
 * where the field does not diffuse. */
static double ref_face(const double *D, unsigned a, unsigned b)
{
    if (a == SCAR_LAYER_NONE || b == SCAR_LAYER_NONE || D[a] == 0.0 || D[b] == 0.0)
        return 0.0;
    if (a == b)
        return D[a];
    return 2.0 * D[a] * D[b] / (D[a] + D[b]);
}

/* Solves one line of n voxels, voxel p at u[base + p*stride], in place.
 * cp: n doubles of scratch for the modified upper coefficients. */
static void ref_line(const uint8_t *layer, const double *D, double kappa, double r, double *u,
                     size_t base, size_t stride, size_t n, double *cp)
{
    double dprev = 0.0;
    for (size_t p = 0; p < n; p++) {
        size_t q = base + p * stride;
        unsigned la = layer ? layer[q] : SCAR_LAYER_DERMIS;
        double a = 0.0, b = 1.0, c = 0.0; /* row: a u[p-1] + b u[p] + c u[p+1] */
        if (la != SCAR_LAYER_NONE) {
            if (p > 0)
                a = -r * ref_face(D, layer ? layer[q - stride] : SCAR_LAYER_DERMIS, la);
            if (p + 1 < n)
                c = -r * ref_face(D, la, layer ? layer[q + stride] : SCAR_LAYER_DERMIS);
            b = 1.0 + kappa - a - c;
        }
        double den = p > 0 ? b - a * cp[p - 1] : b;
        cp[p] = c / den;
        u[q] = dprev = (u[q] - (p > 0 ? a * dprev : 0.0)) / den;
    }
    for (size_t p = n - 1; p-- > 0;)
        u[base + p * stride] -= cp[p] * u[base + (p + 1) * stride];
}

void scar_lod_step_ref(const scar_grid *g, const uint8_t *layer, const double D_layer[],
                       double lambda, double dt, double *u)
{
    const size_t nx = g->nx, ny = g->ny, nz = g->nz, plane = nx * ny;
    size_t nmax = nx > ny ? nx : ny;
    nmax = nmax > nz ? nmax : nz;
    double *cp = malloc(nmax * sizeof *cp);
    if (!cp) {
        for (size_t q = 0; q < g->n; q++)
            u[q] = NAN;
        return;
    }
    double kappa = dt * lambda / 3.0, r = dt / (g->h_mm * g->h_mm);
    for (size_t k = 0; k < nz; k++) /* x lines */
        for (size_t j = 0; j < ny; j++)
            ref_line(layer, D_layer, kappa, r, u, k * plane + j * nx, 1, nx, cp);
    for (size_t k = 0; k < nz; k++) /* y lines */
        for (size_t i = 0; i < nx; i++)
            ref_line(layer, D_layer, kappa, r, u, k * plane + i, nx, ny, cp);
    for (size_t c = 0; c < plane; c++) /* z lines */
        ref_line(layer, D_layer, kappa, r, u, c, plane, nz, cp);
    free(cp);
}
