/*
 * heal_injury.c — what an injury does to the tissue at the instant of a
 * treatment event: a needle track (MODEL.md §3.4), a chemical peel (§5.3),
 * a thermal coagulation zone (§5.4, §5.5).  The geometry (which voxels, what
 * fraction of each) comes from the device layer; the biology is here.
 */
#include "heal_internal.h"

#include <math.h>

static double clamp01(double x) { return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x; }

/* Cells in a voxel reduced to a fraction keep of themselves; the departure
 * storage is updated through the full density. */
static void kill_cells(scar_tissue *t, size_t v, double keep)
{
    if (t->layer[v] != SCAR_LAYER_DERMIS)
        return;
    double nb = scar_tissue_n_base(t, v);
    t->f[SCAR_F_N][v] = (nb + t->f[SCAR_F_N][v]) * keep - nb;
    /* the killed share of a floor's cells is refilled from normal dermis:
     * the set point moves that share of the way to the floor's goal (0,
     * normal density, unless f_regrow regrows missing thickness) */
    size_t col = v % (t->g.nx * t->g.ny);
    if (t->floor_now && t->floor_w[col] > 0.0) {
        float goal = (float)t->floor_goal[col];
        t->floor_now[v] = goal + (t->floor_now[v] - goal) *
                                     (float)(1.0 - t->p->f_repop * (1.0 - keep));
    }
    if (t->f[SCAR_F_MYO])
        t->f[SCAR_F_MYO][v] *= keep;
}

void scar_heal_apply_track(scar_heal *h, const scar_voxels *track, bool bleeds)
{
    scar_tissue *t = h->t;
    const scar_params *p = t->p;
    double *D = t->f[SCAR_F_D], *C = t->f[SCAR_F_C];
    double vox_mL = t->g.h_mm * t->g.h_mm * t->g.h_mm * 1e-3;
    for (size_t i = 0; i < track->n; i++) {
        size_t v = track->v[i].v;
        if (t->layer[v] == SCAR_LAYER_NONE)
            continue;
        double chi = clamp01(track->v[i].chi);
        if (D[v] < chi)
            D[v] = chi;
        kill_cells(t, v, 1.0 - chi);
        if (t->layer[v] == SCAR_LAYER_DERMIS && p->f_disr > 0.0) {
            double rb = scar_tissue_rho_base(t, v), keep = 1.0 - p->f_disr * chi;
            double r3b = p->theta3 * rb, r1b = rb - r3b;
            double r3 = r3b + t->f[SCAR_F_RHO3][v], r1 = r1b + t->f[SCAR_F_RHO1][v];
            h->stats.collagen_disrupted_mg += (r3 + r1) * (1.0 - keep) * vox_mL;
            t->f[SCAR_F_RHO3][v] = r3 * keep - r3b;
            t->f[SCAR_F_RHO1][v] = r1 * keep - r1b;
        }
        if (bleeds)
            C[v] += p->c_clot * chi;
    }
}

void scar_heal_apply_peel(scar_heal *h, double z_peel, double kappa_p, const double *pores)
{
    scar_tissue *t = h->t;
    const scar_params *p = t->p;
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny;
    for (size_t col = 0; col < plane; col++) {
        double zs = tissue_surface_z(t, col);
        /* z_peel,local = z_peel + kappa_p P_k (MODEL.md §5.3): the peel
         * reaches deeper only where a pore of this session opens the
         * surface, by the open share of the column's top voxel */
        double zl = z_peel;
        if (pores && t->col_top[col] >= 0 && (size_t)t->col_top[col] < g->nz)
            zl += kappa_p * clamp01(pores[(size_t)t->col_top[col] * plane + col]);
        /* reaching the papillary plexus bleeds (z_peel_med is set to
         * h_e0 + z_pap: the 1e-9 mm keeps that case on the bleeding side) */
        bool bleeds = zl >= t->h_e0 + p->z_pap - 1e-9;
        for (size_t k = (size_t)t->col_top[col]; k < g->nz; k++) {
            /* the fraction of the voxel above the peel front */
            double ztop = g->z0_mm + (double)k * g->h_mm - zs;
            double frac = clamp01((zl - ztop) / g->h_mm);
            if (frac <= 0.0)
                break;
            size_t v = k * plane + col;
            if (t->f[SCAR_F_D][v] < frac)
                t->f[SCAR_F_D][v] = frac;
            if (bleeds)
                t->f[SCAR_F_C][v] += p->c_clot * frac;
        }
        double he = t->h_e0 + t->dh_e[col] - zl;
        t->dh_e[col] = (he > 0.0 ? he : 0.0) - t->h_e0;
    }
}

/* Removes a fraction of a dermal voxel's matrix (ablation): collagen I and
 * III, denatured collagen and elastin; the collagen is booked as
 * disrupted (mass balance N4). */
static void ablate_matrix(heal_state *h, size_t v, double frac)
{
    scar_tissue *t = h->t;
    const scar_params *p = t->p;
    double rb = scar_tissue_rho_base(t, v), keep = 1.0 - frac;
    double r3b = p->theta3 * rb, r1b = rb - r3b, eb = scar_tissue_e_base(t, v);
    double r3 = r3b + t->f[SCAR_F_RHO3][v], r1 = r1b + t->f[SCAR_F_RHO1][v];
    double rd = t->f[SCAR_F_RHOD] ? t->f[SCAR_F_RHOD][v] : 0.0;
    double vox_mL = t->g.h_mm * t->g.h_mm * t->g.h_mm * 1e-3;
    h->stats.collagen_disrupted_mg += (r3 + r1 + rd) * frac * vox_mL;
    t->f[SCAR_F_RHO3][v] = r3 * keep - r3b;
    t->f[SCAR_F_RHO1][v] = r1 * keep - r1b;
    if (t->f[SCAR_F_RHOD])
        t->f[SCAR_F_RHOD][v] = rd * keep;
    t->f[SCAR_F_E][v] = (eb + t->f[SCAR_F_E][v]) * keep - eb;
}

static void damage_and_kill(scar_tissue *t, size_t v, double chi)
{
    if (t->f[SCAR_F_D][v] < chi)
        t->f[SCAR_F_D][v] = chi;
    kill_cells(t, v, 1.0 - chi);
}

void scar_heal_apply_thermal(scar_heal *h, const heal_lesion *l)
{
    scar_tissue *t = h->t;
    const scar_params *p = t->p;
    size_t plane = t->g.nx * t->g.ny;
    for (size_t i = 0; l->ablated && i < l->ablated->n; i++) {
        size_t v = l->ablated->v[i].v;
        if (t->layer[v] == SCAR_LAYER_NONE)
            continue;
        double chi = clamp01(l->ablated->v[i].chi);
        if (t->layer[v] == SCAR_LAYER_DERMIS)
            ablate_matrix(h, v, chi);
        damage_and_kill(t, v, chi);
        if (l->bleeds)
            t->f[SCAR_F_C][v] += p->c_clot * chi;
        /* the column's top voxel: its epidermis vaporised over that share
         * of the column's area */
        size_t col = v % plane;
        if (t->layer[v] == SCAR_LAYER_EPIDERMIS && v / plane == (size_t)t->col_top[col]) {
            double he = (t->h_e0 + t->dh_e[col]) * (1.0 - chi);
            t->dh_e[col] = he - t->h_e0;
        }
    }
    for (size_t i = 0; l->den && t->f[SCAR_F_RHOD] && i < l->den->n; i++) {
        size_t v = l->den->v[i].v;
        if (t->layer[v] != SCAR_LAYER_DERMIS)
            continue;
        double rb = scar_tissue_rho_base(t, v), fr = clamp01(l->den->v[i].chi);
        double r3b = p->theta3 * rb, r1b = rb - r3b;
        double r3 = r3b + t->f[SCAR_F_RHO3][v], r1 = r1b + t->f[SCAR_F_RHO1][v];
        t->f[SCAR_F_RHOD][v] += (r3 + r1) * fr;
        t->f[SCAR_F_RHO3][v] = r3 * (1.0 - fr) - r3b;
        t->f[SCAR_F_RHO1][v] = r1 * (1.0 - fr) - r1b;
    }
    for (size_t i = 0; l->kill && i < l->kill->n; i++) {
        size_t v = l->kill->v[i].v;
        if (t->layer[v] != SCAR_LAYER_NONE)
            damage_and_kill(t, v, clamp01(l->kill->v[i].chi));
    }
    for (size_t i = 0; l->rim && i < l->rim->n; i++) {
        size_t v = l->rim->v[i].v;
        if (t->layer[v] != SCAR_LAYER_NONE)
            t->f[SCAR_F_C][v] += p->c_HS * clamp01(l->rim->v[i].chi);
    }
}

/* Tethering of rolling-scar floors (§4.1 item 2): tau_t = tau_t0
 * exp(-kappa_t D_deep), D_deep the cumulative number of deep tracks per mm^2
 * of the scar.  deep[s] holds the session's deep tracks of scar s (1-based).
 * Released tethering does not re-form. */
void scar_heal_release_tether(scar_heal *h, const double *deep)
{
    scar_tissue *t = h->t;
    size_t plane = t->g.nx * t->g.ny;
    double col_mm2 = t->g.h_mm * t->g.h_mm;
    for (size_t s = 1; s <= t->nscars; s++)
        h->scar_deep[s] += deep[s];
    for (size_t col = 0; col < plane; col++) {
        int32_t s = t->scar_id[col];
        if (s <= 0 || h->scar_cols[s] == 0)
            continue;
        t->D_deep[col] = h->scar_deep[s] / ((double)h->scar_cols[s] * col_mm2);
        double tau = t->tau_t0[col] * exp(-t->p->kappa_t * t->D_deep[col]);
        if (tau < t->tau_t[col])
            t->tau_t[col] = tau;
    }
}

/* Subcision cuts the tethering bands in one event (§4.1). */
void scar_heal_subcision(scar_heal *h)
{
    scar_tissue *t = h->t;
    for (size_t col = 0; col < t->g.nx * t->g.ny; col++)
        t->tau_t[col] = 0.0;
}

void scar_heal_add_injury_time(scar_heal *h, double seconds) { h->stats.t_injury_s += seconds; }
