/*
 * lod.h — the implicit diffusion-decay kernel of the healing engine (heal
 * layer, internal).
 *
 * One step of dt solves, in turn along x, y and z, the backward-Euler
 * locally-one-dimensional (LOD) problem of BioFVM (Ghaffarizadeh et al.,
 * Bioinformatics 32:1256, 2016; its diffusion_decay_solver__constant_
 * coefficients_LOD_3D), generalised to layer-dependent diffusivity:
 *
 *     (1 + dt*lambda/3) u - dt * d/dx(D du/dx) = u_old
 *
 * with the decay split into thirds, one per direction (MODEL.md §7).  Each
 * direction is a tridiagonal system per grid line, solved by the Thomas
 * algorithm.  Finite volumes on the voxel grid of grid.h: the flux through the
 * face between voxels a and b is D_face (u_b - u_a) / h, D_face the harmonic
 * mean of D[layer a] and D[layer b], 0 if either is 0.  Consequences:
 *  - a voxel outside the tissue (layer 0) has closed faces and is left
 *    untouched (no flux, no decay: the field does not exist there);
 *  - a tissue layer with D = 0 has closed faces but decays;
 *  - the domain boundaries are zero-flux.
 * The scheme is first order in time, second order in space, unconditionally
 * stable and positivity preserving (each solve is an M-matrix).
 *
 * Fields are double, nx*ny*nz, x fastest; 64-byte aligned (scar_alloc_aligned) for
 * speed, not for correctness: a field may also start at any plane of a larger one.
 * Results are bitwise identical for any thread count.
 */
#ifndef SCAR_LOD_H
#define SCAR_LOD_H

#include "core.h"
#include "../tissue/grid.h"

typedef struct scar_lod scar_lod;

/* Validates the arguments (SCAR_EINPUT naming the bad one: grid size, h_mm,
 * layer ids, D_layer_mm2_day[l], lambda_per_day) and allocates the solver.
 * layer: g->n layer ids, copied; NULL means every voxel is dermis.
 * D_layer_mm2_day[0] (outside the tissue) is ignored: such voxels are closed.
 * Call scar_lod_set_dt before the first step. */
scar_status scar_lod_create(scar_ctx *ctx, const scar_grid *g, const uint8_t *layer,
                            const double D_layer_mm2_day[SCAR_LAYER_COUNT], double lambda_per_day,
                            scar_lod **out);

/* Precomputes the Thomas coefficients for a time step (dt_day > 0, finite).
 * Uses the context's thread count. */
scar_status scar_lod_set_dt(scar_ctx *ctx, scar_lod *L, double dt_day);

/* One backward-Euler LOD step of the current dt, in place.  threads <= 0:
 * every core.  Before the first scar_lod_set_dt it leaves u unchanged. */
void scar_lod_step(scar_lod *L, double *u, int threads);

/* The same step on several fields that share D and lambda, in one parallel
 * region: the coefficients are read once per plane for all of them. */
void scar_lod_step_fields(scar_lod *L, double *const *u, size_t nfields, int threads);

/* Bytes of precomputed coefficients the solver holds (for the bench). */
size_t scar_lod_coef_bytes(const scar_lod *L);
/* Whether every voxel is the same layer (the fast path of one coefficient set
 * per direction shared by all lines). */
bool scar_lod_is_uniform(const scar_lod *L);
/* Distinct line profiles (layer sequences) along direction 0 x, 1 y, 2 z:
 * the solver keeps one set of coefficients per profile. */
size_t scar_lod_profiles(const scar_lod *L, int direction);

void scar_lod_destroy(scar_lod **L);

/* The reference kernel: the simplest correct per-line Thomas solve with its
 * coefficients computed on the fly, for the conformance test.  Same scheme,
 * same argument meanings (D_layer has SCAR_LAYER_COUNT entries).  If its
 * scratch line cannot be allocated, u is filled with NaN so no comparison can
 * pass by accident. */
void scar_lod_step_ref(const scar_grid *g, const uint8_t *layer, const double D_layer[],
                       double lambda, double dt, double *u);

/* What `scarsim verify` reports for the diffusion kernel. */
typedef struct scar_lod_verify_result {
    /* Gaussian diffusion-decay against the analytic solution: L2 errors
     * relative to the analytic L2 norm, and observed orders log2(e_k/e_k+1). */
    double spatial_h_mm[3], spatial_err[3], spatial_order[2];
    double temporal_dt_day[3], temporal_err[3], temporal_order[2];
    /* Constant field, uniform grid: one step must multiply by
     * (1 / (1 + dt*lambda/3))^3. */
    double decay_factor, decay_expected, decay_rel_err;
    /* lambda = 0 on a masked layered grid: |sum after - sum before| / sum. */
    double mass_rel_err;
    bool outside_untouched; /* voxels of layer 0 kept their values */
    bool threads_identical; /* 1 thread and 2 threads bitwise equal */
    bool spatial_ok, temporal_ok, decay_ok, mass_ok, pass;
    double seconds;
} scar_lod_verify_result;

/* Acceptance ranges of the observed orders (BE LOD: 2 in space, 1 in time). */
#define SCAR_LOD_SPATIAL_ORDER_MIN 1.8
#define SCAR_LOD_SPATIAL_ORDER_MAX 2.2
#define SCAR_LOD_TEMPORAL_ORDER_MIN 0.85
#define SCAR_LOD_TEMPORAL_ORDER_MAX 1.15

/* Runs the checks above in a few seconds; SCAR_OK even when a check fails
 * (see out->pass); an error only when memory runs out. */
scar_status scar_lod_verify(scar_ctx *ctx, scar_lod_verify_result *out);

#endif /* SCAR_LOD_H */
