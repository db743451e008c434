/*
 * heal_observe.c — quantities read off the tissue for outcomes and
 * validation: the erythema signal (validation E1), the damage left in the
 * epidermis (E2), mean fields over a layer inside or outside the scars (C1,
 * C2).
 */
#include "heal_internal.h"

#include <math.h>
#include <stdlib.h>
#include <stdbool.h>

/* Mean of I over the superficial tissue, 0 <= z' < h_e0 + z_pap below the
 * local surface: the epidermis and the papillary dermis, where the vascular
 * plexus makes inflammation visible as redness. */
double scar_heal_erythema(const scar_heal *h)
{
    const scar_tissue *t = h->t;
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny;
    double depth = t->h_e0 + t->p->z_pap, sum = 0.0;
    size_t n = 0;
    for (size_t col = 0; col < plane; col++) {
        double zs = tissue_surface_z(t, col);
        for (size_t k = (size_t)t->col_top[col]; k < g->nz; k++) {
            double zp = g->z0_mm + ((double)k + 0.5) * g->h_mm - zs;
            if (zp >= depth)
                break;
            sum += t->f[SCAR_F_I][k * plane + col];
            n++;
        }
    }
    return n ? sum / (double)n : 0.0;
}

double scar_heal_epidermal_damage_max(const scar_heal *h)
{
    const scar_tissue *t = h->t;
    double m = 0.0;
    for (size_t v = 0; v < t->g.n; v++)
        if (t->layer[v] == SCAR_LAYER_EPIDERMIS && t->f[SCAR_F_D][v] > m)
            m = t->f[SCAR_F_D][v];
    return m;
}

scar_status scar_heal_layer_means(const scar_heal *h, double z_from_mm, double z_to_mm,
                                  int where, scar_layer_means *out)
{
    const scar_tissue *t = h->t;
    const scar_params *p = t->p;
    const scar_grid *g = &t->g;
    const size_t plane = g->nx * g->ny, nz = g->nz, stride = 2 * SCAR_F_COUNT + 1;
    /* scar_tissue_full_value written out for the dermis voxels counted: b
     * holds the baselines it adds (0 for a field without one, which leaves
     * the sums as they are).  Plane by plane (a column walk strides a plane
     * per voxel, and the time series asks for these means every day):
     * per-plane sums, added in plane order afterwards, the same numbers for
     * any thread count. */
    double *acc = malloc(nz * stride * sizeof *acc);
    if (!acc)
        return SCAR_ENOMEM;
#pragma omp parallel for schedule(static, 1) num_threads(h->threads)
    for (size_t k = 0; k < nz; k++) {
        double *sum = acc + k * stride, *base = sum + SCAR_F_COUNT, n = 0.0;
        for (int f = 0; f < SCAR_F_COUNT; f++)
            sum[f] = base[f] = 0.0;
        double b[SCAR_F_COUNT] = {0};
        b[SCAR_F_C] = p->c0;
        b[SCAR_F_E] = p->e0;
        for (size_t col = 0; col < plane; col++) {
            bool in_scar = t->scar_id[col] > 0;
            if ((where > 0 && !in_scar) || (where < 0 && in_scar))
                continue;
            size_t v = k * plane + col;
            if (k < (size_t)t->col_top[col] || t->layer[v] != SCAR_LAYER_DERMIS)
                continue;
            double zp = g->z0_mm + ((double)k + 0.5) * g->h_mm - tissue_surface_z(t, col);
            if (zp < z_from_mm || zp >= z_to_mm)
                continue;
            double w = t->floor_w[col], rb = tissue_rho_base_w(p, w);
            b[SCAR_F_N] = tissue_n_base_w(p, w);
            b[SCAR_F_RHO3] = p->theta3 * rb;
            b[SCAR_F_RHO1] = (1.0 - p->theta3) * rb;
            for (int f = 0; f < SCAR_F_COUNT; f++) {
                double d = t->f[f] ? t->f[f][v] : 0.0;
                double x = d + b[f];
                sum[f] += x;
                base[f] += x - d;
            }
            n += 1.0;
        }
        sum[2 * SCAR_F_COUNT] = n;
    }
    double sum[SCAR_F_COUNT] = {0}, base[SCAR_F_COUNT] = {0}, n = 0.0;
    for (size_t k = 0; k < nz; k++) {
        const double *a = acc + k * stride;
        for (int f = 0; f < SCAR_F_COUNT; f++) {
            sum[f] += a[f];
            base[f] += a[SCAR_F_COUNT + f];
        }
        n += a[2 * SCAR_F_COUNT];
    }
    free(acc);
    for (int f = 0; f < SCAR_F_COUNT; f++) {
        out->mean[f] = n > 0.0 ? sum[f] / n : 0.0;
        out->baseline[f] = n > 0.0 ? base[f] / n : 0.0;
    }
    out->voxels = (size_t)n;
    return SCAR_OK;
}
