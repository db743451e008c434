/*
 * synth_internal.h — what the parts of the synthetic-skin generator share:
 * the scar shapes (synth_scar.c), the skin around them (synth_texture.c) and
 * the driver that validates, places and assembles (synth.c).  docs/synth.md
 * gives every range and where it comes from.
 */
#ifndef SCAR_SYNTH_INTERNAL_H
#define SCAR_SYNTH_INTERNAL_H

#include "core.h"

/* Random streams of one seed: each part of the skin draws from its own, so a
 * change to one (more scars, another texture) leaves the others as they were. */
enum {
    SYNTH_STREAM_SHAPE = 0x5C01,   /* scar dimensions */
    SYNTH_STREAM_PLACE = 0x5C02,   /* scar positions */
    SYNTH_STREAM_TEXTURE = 0x5C03, /* micro-relief */
    SYNTH_STREAM_FORM = 0x5C04,    /* curvature and tilt */
    SYNTH_STREAM_NOISE = 0x5C05    /* scanner noise, keyed by pixel index */
};

/* One scar's true shape.  Its footprint is the rim ellipse with semi-axes
 * a >= b, the major axis at angle theta from +x (towards +y); outside it the
 * scar adds nothing. */
typedef struct synth_scar {
    scar_type type;
    double cx_mm, cy_mm;
    double a_mm, b_mm;
    double theta_rad;
    double cos_t, sin_t; /* of theta, kept for the per-pixel evaluation */
    double depth_mm;  /* centre depth (hypertrophic: centre height), > 0 */
    double shape;     /* icepick: tip rounding, boxcar: wall width, both as a
                         fraction of the radius; rolling: tether amplitude */
    int lobes;        /* rolling: number of tethers */
    double lobe_rad;  /* rolling: angle of the first tether */
} synth_scar;

/* Draws the dimensions of one scar of a type (not its position).  k counts the
 * scars of that type drawn so far: boxcars alternate shallow and deep on it. */
void synth_scar_draw(scar_rng *rng, scar_type type, int k, synth_scar *s);
/* The scar's height at a point in mm: negative in a depression, positive on
 * a raised scar, exactly 0 outside the rim. */
double synth_scar_height_mm(const synth_scar *s, double x_mm, double y_mm);
/* Half-extents of the rim ellipse along x and y. */
void synth_scar_extent(const synth_scar *s, double *ex_mm, double *ey_mm);
/* Whether the rims of two scars are at least gap_mm apart. */
bool synth_scars_apart(const synth_scar *p, const synth_scar *q, double gap_mm);
/* The truth record of a scar, every field computed from the true shape. */
void synth_scar_truth(const synth_scar *s, scar_scar *out);

/* The skin around the scars: micro-relief, facial form and scanner noise. */
typedef struct synth_skin synth_skin;

scar_status synth_skin_create(scar_ctx *ctx, const scar_synth_spec *spec,
                              double width_mm, double height_mm, synth_skin **out);
void synth_skin_destroy(synth_skin **skin);
/* Micro-relief plus form at a point, in um; px_mm is the pixel size, so that
 * relief finer than a pixel is averaged as a scanner would, not aliased. */
double synth_skin_height_um(const synth_skin *skin, double x_mm, double y_mm,
                            double px_mm);
/* Scanner noise of one pixel, in um: a pure function of (seed, pixel index). */
double synth_skin_noise_um(const synth_skin *skin, uint64_t index);

#endif /* SCAR_SYNTH_INTERNAL_H */
