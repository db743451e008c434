/*
 * needle.h — puncture patterns and needle-track geometry (device layer).
 *
 * A session's punctures are laid on the field as a jittered grid (one point
 * uniformly placed in each cell of side 1/sqrt(density)): a blue-noise
 * pattern with exactly the asked density and no clumping, standing in for the
 * Poisson-disk sampling of MODEL.md §3.4 at O(N) cost.  Practitioners add
 * passes over scars (§4.1 item 1): a second pattern at (m_scar - 1) times the
 * density is kept where it falls on a scar.  Every session gets a fresh
 * pattern: the generator is keyed by (seed, session).
 *
 * A track is a cylinder of radius r_w = r_n + r_halo from the local surface
 * down to the penetration depth L_p = f_pen L_n, ending in a cone of height
 * 3 r_n (§3.4).  Its voxel fractions come from 4^3 sub-samples, scaled so
 * that they add up to the track's exact volume; a track thinner than a voxel
 * (r_w < h/2) becomes a line source: the exact volume of each depth slice is
 * spread over the four nearest columns with bilinear weights (a normalised
 * kernel of width h).  Either way the integrated damage is the exact track
 * volume, so resolved and sub-grid runs inject the same amounts (N7).
 */
#ifndef SCAR_NEEDLE_H
#define SCAR_NEEDLE_H

#include "tissue.h"

typedef struct scar_puncture {
    double x_mm, y_mm;  /* entry point */
    double depth_mm;    /* penetration depth L_p below the local surface */
    double radius_mm;   /* track radius r_w */
    double cone_mm;     /* height of the tip cone */
} scar_puncture;

typedef struct scar_puncture_list {
    size_t n, cap;
    scar_puncture *v;
} scar_puncture_list;

void scar_puncture_list_free(scar_puncture_list *l);

typedef struct scar_pattern_spec {
    double width_mm, height_mm;  /* field */
    double density_per_mm2;      /* punctures per mm^2 over the whole field */
    double scar_multiplier;      /* m_scar: density factor over scars (>= 1) */
    const int32_t *scar_id;      /* column map (nx*ny) or NULL */
    size_t nx, ny;               /* of scar_id */
    double col_mm;               /* column size of scar_id */
    double depth_mm, radius_mm, cone_mm;
    uint64_t seed, session;
} scar_pattern_spec;

/* Appends the session's punctures to out. */
scar_status scar_puncture_pattern(scar_ctx *ctx, const scar_pattern_spec *spec,
                                  scar_puncture_list *out);

/* The exact volume of a track, mm^3. */
double scar_track_volume(const scar_puncture *p);

/* The voxels of one track under the surface of the tissue, with the volume
 * fraction of each (out is cleared first). */
scar_status scar_track_voxels(scar_ctx *ctx, const scar_tissue *t, const scar_puncture *p,
                              scar_voxels *out);

typedef enum scar_track_mode {
    SCAR_TRACK_AUTO = 0, /* line source when r_w < h/2 */
    SCAR_TRACK_RESOLVED,
    SCAR_TRACK_LINE
} scar_track_mode;

/* The same with the mode forced (verification N7 compares the two). */
scar_status scar_track_voxels_mode(scar_ctx *ctx, const scar_tissue *t, const scar_puncture *p,
                                   scar_track_mode mode, scar_voxels *out);

#endif /* SCAR_NEEDLE_H */
