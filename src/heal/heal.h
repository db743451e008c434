/*
 * heal.h — the healing model of ../shared/model/MODEL.md on a scar_tissue:
 * reactions (§2), implicit diffusion (§7 via lod.h), chemotaxis (§2.5), the
 * injury of one needle track (§3.4) and the remodelling of matrix volume into
 * surface height (§4).  Internal to the library; no file I/O here.
 *
 * One step of dt (Strang splitting, §7): reactions dt/2, chemotaxis dt
 * (sub-cycled under its CFL bound), diffusion dt (backward-Euler LOD),
 * reactions dt/2.
 */
#ifndef SCAR_HEAL_H
#define SCAR_HEAL_H

#include "bin.h"
#include "tissue.h"

/* A topical application taken up through the micropores of one session
 * (MODEL.md §5.1 topical PRP, §5.2 serums): each voxel of a track relaxes
 * towards the applied concentration at the rate k_p P(t) A_pore chi / V_track
 * while the product is on the skin; P(t) = 2^(-(t - t_open)/t_half). */
typedef struct heal_pore_source {
    scar_field field;   /* SCAR_F_C (PRP) or SCAR_F_S (serum) */
    double t_open;      /* the session's time, day */
    double t_on, t_off; /* contact interval, day */
    double t_half;      /* pore closure half-life, day */
    double c_app;       /* applied concentration (ng/mL or mg/mL) */
    double rate;        /* k_p A_pore / V_track, 1/day */
    scar_voxels vox;    /* merged tracks: chi summed */
} heal_pore_source;

/* An intradermal bolus (MODEL.md §5.1): amount released with first-order
 * kinetics, placed with normalised weights (per mm^3). */
typedef struct heal_bolus_source {
    scar_field field;
    double t0, tau_rel, amount; /* day, day, ng (field unit x mm^3 / 1000) */
    scar_voxels vox;            /* chi = normalised density, 1/mm^3 */
} heal_bolus_source;

typedef struct heal_stats {
    long steps, chemo_substeps, clamps;
    double t_react_s, t_diffuse_s, t_chemo_s, t_surface_s, t_injury_s;
    /* collagen bookkeeping over the whole grid (validation N4), mg */
    double collagen_synth_mg, collagen_degr_mg, collagen_disrupted_mg;
} heal_stats;

typedef struct scar_heal scar_heal;

scar_status scar_heal_create(scar_ctx *ctx, scar_tissue *t, scar_heal **out);
void scar_heal_destroy(scar_heal **h);
scar_tissue *scar_heal_tissue(scar_heal *h);
double scar_heal_time(const scar_heal *h);
const heal_stats *scar_heal_stats(const scar_heal *h);

/* Sources are copied; they end by themselves (contact over, bolus spent). */
scar_status scar_heal_add_pore_source(scar_ctx *ctx, scar_heal *h, heal_pore_source *src);
scar_status scar_heal_add_bolus(scar_ctx *ctx, scar_heal *h, heal_bolus_source *src);

/* One Strang step of dt days from the current time. */
scar_status scar_heal_step(scar_ctx *ctx, scar_heal *h, double dt);

/* The total collagen (mg) over the grid, for mass balance. */
double scar_heal_collagen_mg(const scar_heal *h);

/* ---- injury (heal_injury.c): MODEL.md §3.4 ---- */

/* One needle track's voxels (from the device layer) applied to the tissue:
 * damage, cell kill, matrix disruption, clot bolus when bleeding. */
void scar_heal_apply_track(scar_heal *h, const scar_voxels *track, bool bleeds);
/* Adds a session's deep tracks per scar (deep[1..nscars]) and releases the
 * tethering of the scars' floors accordingly (§4.1 item 2). */
void scar_heal_release_tether(scar_heal *h, const double *deep);
/* Subcision: every tether cut at once. */
void scar_heal_subcision(scar_heal *h);
void scar_heal_add_injury_time(scar_heal *h, double seconds);
/* A chemical peel of depth z_peel below the local surface (§5.3), deeper by
 * kappa_p times the openness of a pore where one opens a column's top voxel:
 * pores is the session's open-track fraction per voxel (chi summed over the
 * tracks), or NULL after a session that opened none. */
void scar_heal_apply_peel(scar_heal *h, double z_peel_mm, double kappa_p_mm,
                          const double *pores);
/* A thermal lesion on the tissue (RF microneedling §5.4, fractional laser
 * §5.5), the hand-off from the thermal sub-model.  Each list holds voxels
 * with a fraction averaged over the voxel's volume (device/thermal.h,
 * scar_lesion_stamp); any list may be NULL.
 *  kill     1 - e^-Omega_cell: d <- max(d, chi); n, m <- (1 - chi) n, m
 *  den      1 - e^-Omega_coll: that fraction of the native collagen (I and
 *           III) moves to rho_d (allocated when the tissue is made
 *           with_thermal; without it nothing is denatured)
 *  rim      volume fraction of the sub-lethal rim: c <- c + c_HS chi
 *  ablated  volume fraction vaporised (ablative laser): its matrix
 *           (collagen, denatured collagen, elastin) is removed and booked
 *           as disrupted, so the column's dV loses that volume and the
 *           surface drops (the tissue mask stays, docs/thermal.md); d and
 *           cells as for kill; the epidermis of the column thins by the
 *           fraction; a clot bolus c_clot chi when bleeds.
 * Applied in that order: ablation, then denaturation of what is left. */
typedef struct heal_lesion {
    const scar_voxels *kill, *den, *rim, *ablated;
    bool bleeds;
} heal_lesion;
void scar_heal_apply_thermal(scar_heal *h, const heal_lesion *l);

/* ---- observations (heal_observe.c) ---- */

/* Mean inflammatory signal over the epidermis and papillary dermis: the
 * erythema proxy of validation E1 (visible above I_vis). */
double scar_heal_erythema(const scar_heal *h);
/* The largest damage left in any epidermal voxel (E2: re-closure). */
double scar_heal_epidermal_damage_max(const scar_heal *h);

typedef struct scar_layer_means {
    double mean[SCAR_F_COUNT];     /* full values */
    double baseline[SCAR_F_COUNT]; /* untreated values over the same voxels */
    size_t voxels;
} scar_layer_means;

/* Means over the dermis voxels at z_from <= z' < z_to below the local surface;
 * where > 0: inside scars only, < 0: outside scars only, 0: everywhere. */
scar_status scar_heal_layer_means(const scar_heal *h, double z_from_mm, double z_to_mm,
                                  int where, scar_layer_means *out);

/* ---- surface (heal_surface.c): MODEL.md §4 ---- */

typedef struct heal_surface {
    size_t nx, ny;
    double h_mm;
    double *H;      /* surface height, mm, oedema excluded */
    double *oedema; /* gamma_ed * integral of I dz, mm (reported apart) */
    double *dV;     /* matrix volume gained per area, mm (unsmoothed) */
} heal_surface;

scar_status heal_surface_create(scar_ctx *ctx, const scar_tissue *t, heal_surface *s);
void heal_surface_free(heal_surface *s);
/* Computes H from the tissue now. */
scar_status scar_heal_surface(scar_ctx *ctx, scar_heal *h, heal_surface *s);

/* ---- checkpoint (heal_ckpt.c) ---- */

/* Writes what changes during a course: time, statistics, the fields and
 * maps of the tissue, deep tracks per scar, live sources, and what decides
 * the next step's path (the largest departures, the operators' dt). */
void scar_heal_save(scar_bin_w *w, const scar_heal *h);
/* Reads that into a fresh engine on a tissue built from the same scenario;
 * counts are checked before anything is allocated (at most max_sources
 * sources of each kind, voxels inside the grid). */
scar_status scar_heal_load(scar_ctx *ctx, scar_bin_r *r, scar_heal *h, size_t max_sources);

#endif /* SCAR_HEAL_H */
