/*
 * heal_observe.c — quantities read off the tissue for outcomes and
 * validation: the erythema signal (validation E1), the damage left in the
 * epidermis (E2), mean fields over a layer inside or outside the scars (C1,
 * C2).
 */
#include "heal_internal.h"

#include <math.h>

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
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny;
    double sum[SCAR_F_COUNT] = {0}, base[SCAR_F_COUNT] = {0};
    size_t n = 0;
    for (size_t col = 0; col < plane; col++) {
        bool in_scar = t->scar_id[col] > 0;
        if ((where > 0 && !in_scar) || (where < 0 && in_scar))
            continue;
        double zs = tissue_surface_z(t, col);
        for (size_t k = (size_t)t->col_top[col]; k < g->nz; k++) {
            size_t v = k * plane + col;
            double zp = g->z0_mm + ((double)k + 0.5) * g->h_mm - zs;
            if (zp < z_from_mm || t->layer[v] != SCAR_LAYER_DERMIS)
                continue;
            if (zp >= z_to_mm)
                break;
            for (int f = 0; f < SCAR_F_COUNT; f++) {
                double x = scar_tissue_full_value(t, (scar_field)f, v);
                sum[f] += x;
                base[f] += x - (t->f[f] ? t->f[f][v] : 0.0);
            }
            n++;
        }
    }
    for (int f = 0; f < SCAR_F_COUNT; f++) {
        out->mean[f] = n ? sum[f] / (double)n : 0.0;
        out->baseline[f] = n ? base[f] / (double)n : 0.0;
    }
    out->voxels = n;
    return SCAR_OK;
}
