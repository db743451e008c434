/*
 * synth_texture.c — the skin around (and over) the scars: the micro-relief of
 * facial skin, the form of a cheek as a 3-D scan sees it, and scanner noise.
 *
 * Micro-relief.  Skin is crossed by a network of furrows ("primary lines")
 * running in a few preferred directions and meeting in polygons; between them
 * the plateaus carry finer, isotropic roughness.  Primary and secondary lines
 * "typically form a polygon pattern ranging from 20-200 um in depth" (Bibb,
 * Medical Modelling, 2006, sec. 6.17.3, citing the skin-texture literature);
 * on the face the furrows are at the shallow end.  The furrow depth 20-40 um,
 * width 50-150 um and spacing 0.2-1 mm, the roughness amplitudes and the
 * resulting areal Sa of 5-15 um at texture = 1 are estimates (docs/synth.md).
 *
 * Everything is a function of position in mm, never of the pixel grid, so
 * the same seed gives the same skin at any pixel size; relief finer than a
 * pixel is averaged (its cross-section kept) rather than aliased.
 */
#include "synth_internal.h"

#include <math.h>
#include <stdlib.h>

/* A tile of random values in [-1, 1], two channels per node, read with
 * wrap-around as smooth value noise.  512 nodes keep the finest roughness
 * (20 um nodes) from repeating within 10 mm, and each use reads it rotated
 * and shifted, so no two uses line up. */
enum { TILE = 512, NFAM = 3, NOCT = 3, SHOULDER = 4 };

typedef struct lattice_view {
    double cos_t, sin_t; /* rotation of the view */
    double step_mm;      /* node spacing */
    double off_u, off_v; /* shift into the tile, in nodes */
} lattice_view;

/* One family of parallel furrows.  Line k sits at (k + 1/2 + jitter_k) S
 * across the family's direction; each line has its own depth and width, and
 * fades in and out along its length so the net breaks into polygons. */
typedef struct furrows {
    double cos_t, sin_t;    /* direction of the lines */
    double spacing_mm;      /* S */
    double origin_mm;       /* across-coordinate of slot 0 */
    size_t nlines;
    float *jitter, *depth_um, *width_mm;
    lattice_view wave;      /* sideways waviness of the lines */
    double wave_mm;         /* its amplitude */
    double fade_step_mm;    /* length over which a line fades in or out */
    double fade_off;        /* shift into the tile for the fading */
} furrows;

typedef struct octave {
    lattice_view view;
    double amp_um;
} octave;

struct synth_skin {
    uint64_t seed;
    double texture, noise_um;
    float *tile;
    furrows fam[NFAM];
    octave oct[NOCT];
    /* form: z = -rho^2 / 2R + tan(tilt) * (x, y).dir, scaled by spec->form */
    double apex_x_mm, apex_y_mm, inv_2r_per_mm, slope_x, slope_y;
};

static double fade(double t) { return t * t * t * (t * (6.0 * t - 15.0) + 10.0); }

static size_t wrap(double node) { return (size_t)(int64_t)node & (TILE - 1); }

static double lerp(double a, double b, double t) { return a + (b - a) * t; }

/* Value noise at (u, v) in node units from one channel: the quintic fade
 * makes it C2, so furrow walls and plateaus stay smooth. */
static double noise2(const float *tile, int ch, double u, double v)
{
    double fu = floor(u), fv = floor(v);
    double tu = fade(u - fu), tv = fade(v - fv);
    size_t i0 = wrap(fu), i1 = (i0 + 1) & (TILE - 1);
    size_t j0 = wrap(fv), j1 = (j0 + 1) & (TILE - 1);
    const float *r0 = tile + 2 * j0 * TILE, *r1 = tile + 2 * j1 * TILE;
    double a = lerp(r0[2 * i0 + (size_t)ch], r0[2 * i1 + (size_t)ch], tu);
    double b = lerp(r1[2 * i0 + (size_t)ch], r1[2 * i1 + (size_t)ch], tu);
    return lerp(a, b, tv);
}

static double view_noise(const float *tile, int ch, const lattice_view *w, double x_mm,
                         double y_mm)
{
    double u = (x_mm * w->cos_t + y_mm * w->sin_t) / w->step_mm + w->off_u;
    double v = (-x_mm * w->sin_t + y_mm * w->cos_t) / w->step_mm + w->off_v;
    return noise2(tile, ch, u, v);
}

static void view_init(scar_rng *rng, lattice_view *w, double step_mm)
{
    double t = scar_rng_range(rng, 0.0, 2.0 * M_PI);
    w->cos_t = cos(t);
    w->sin_t = sin(t);
    w->step_mm = step_mm;
    w->off_u = scar_rng_range(rng, 0.0, TILE);
    w->off_v = scar_rng_range(rng, 0.0, TILE);
}

/* Depth of the family's deepest furrow at a point, >= 0, in um. */
static double furrow_depth_um(const synth_skin *k, const furrows *f, double x_mm, double y_mm,
                              double px_mm)
{
    double along = x_mm * f->cos_t + y_mm * f->sin_t;
    double across = -x_mm * f->sin_t + y_mm * f->cos_t - f->origin_mm;
    across += f->wave_mm * view_noise(k->tile, 0, &f->wave, x_mm, y_mm);
    double slot = floor(across / f->spacing_mm);
    double best = 0.0;
    for (double s = slot - 1.0; s <= slot + 1.0; s += 1.0) {
        if (s < 0.0 || s >= (double)f->nlines)
            continue;
        size_t i = (size_t)s;
        double dist = fabs(across - (s + 0.5 + f->jitter[i]) * f->spacing_mm);
        /* A furrow narrower than a pixel is spread over the pixel with its
         * cross-section kept, as a scanner's spot would average it. */
        double w = f->width_mm[i] > px_mm ? f->width_mm[i] : px_mm;
        /* The plateaus round off into each furrow: a shoulder four times
         * wider and a quarter as deep carries the groove (estimate). */
        if (dist >= 0.5 * SHOULDER * w)
            continue;
        double q = dist < 0.5 * w ? dist / (0.5 * w) : 1.0, qs = dist / (0.5 * SHOULDER * w);
        double groove = 0.75 * (1.0 - q * q) * (1.0 - q * q) +
                        0.25 * (1.0 - qs * qs) * (1.0 - qs * qs);
        double d = f->depth_um[i] * (f->width_mm[i] / w) * groove;
        if (d <= best)
            continue; /* fading only makes it shallower */
        /* Each line reads its own row of the tile, so lines fade
         * independently; the bias keeps about four fifths of the net
         * visible (estimate). */
        double fadev = 0.85 + noise2(k->tile, 1, along / f->fade_step_mm + f->fade_off, s);
        fadev = fadev < 0.0 ? 0.0 : fadev > 1.0 ? 1.0 : fadev;
        d *= fadev;
        best = d > best ? d : best;
    }
    return best;
}

double synth_skin_height_um(const synth_skin *k, double x_mm, double y_mm, double px_mm)
{
    double z = 0.0;
    if (k->texture > 0.0) {
        /* Where furrows of two families cross, the deeper one sets the floor. */
        double furrow = 0.0;
        for (int f = 0; f < NFAM; f++) {
            double d = furrow_depth_um(k, &k->fam[f], x_mm, y_mm, px_mm);
            furrow = d > furrow ? d : furrow;
        }
        double rough = 0.0;
        for (int o = 0; o < NOCT; o++) {
            const octave *oc = &k->oct[o];
            /* Averaging over a pixel of (px/step)^2 nodes leaves about
             * step/px of the amplitude. */
            double keep = px_mm > oc->view.step_mm ? oc->view.step_mm / px_mm : 1.0;
            rough += oc->amp_um * keep * view_noise(k->tile, 0, &oc->view, x_mm, y_mm);
        }
        z += k->texture * (rough - furrow);
    }
    double dx = x_mm - k->apex_x_mm, dy = y_mm - k->apex_y_mm;
    z += 1000.0 * (-(dx * dx + dy * dy) * k->inv_2r_per_mm + k->slope_x * x_mm +
                   k->slope_y * y_mm);
    return z;
}

double synth_skin_noise_um(const synth_skin *k, uint64_t index)
{
    if (k->noise_um <= 0.0)
        return 0.0;
    /* Box-Muller on two draws keyed by the pixel, so a pixel's noise does not
     * depend on which thread made it or in what order. */
    double u1 = scar_rng_uniform_at(k->seed, SYNTH_STREAM_NOISE, 2 * index);
    double u2 = scar_rng_uniform_at(k->seed, SYNTH_STREAM_NOISE, 2 * index + 1);
    return k->noise_um * sqrt(-2.0 * log(1.0 - u1)) * cos(2.0 * M_PI * u2);
}

static scar_status furrows_init(scar_ctx *ctx, scar_rng *rng, furrows *f, double angle,
                                double depth_scale, double w_mm, double h_mm)
{
    f->cos_t = cos(angle);
    f->sin_t = sin(angle);
    /* Slots of 0.35-0.55 mm with lines jittered by a fifth of a slot:
     * neighbours 0.2-0.8 mm apart (estimate, inside the 0.2-1 mm of the
     * brief). */
    f->spacing_mm = scar_rng_range(rng, 0.35, 0.55);
    view_init(rng, &f->wave, 1.0);
    f->wave_mm = 0.1;
    f->fade_step_mm = 0.8;
    f->fade_off = scar_rng_range(rng, 0.0, TILE);
    /* The across-coordinate of the field's four corners, with room for the
     * waviness. */
    double lo = 0.0, hi = 0.0;
    const double cx[4] = {0.0, w_mm, 0.0, w_mm}, cy[4] = {0.0, 0.0, h_mm, h_mm};
    for (int c = 0; c < 4; c++) {
        double a = -cx[c] * f->sin_t + cy[c] * f->cos_t;
        lo = c == 0 || a < lo ? a : lo;
        hi = c == 0 || a > hi ? a : hi;
    }
    f->origin_mm = lo - 2.0 * f->spacing_mm;
    f->nlines = (size_t)ceil((hi - lo) / f->spacing_mm) + 4;
    f->jitter = scar_calloc(ctx, f->nlines, sizeof *f->jitter);
    f->depth_um = scar_calloc(ctx, f->nlines, sizeof *f->depth_um);
    f->width_mm = scar_calloc(ctx, f->nlines, sizeof *f->width_mm);
    if (!f->jitter || !f->depth_um || !f->width_mm)
        return SCAR_ENOMEM;
    for (size_t i = 0; i < f->nlines; i++) {
        f->jitter[i] = (float)scar_rng_range(rng, -0.2, 0.2);
        /* Primary furrows 20-40 um deep, 50-150 um wide (estimates within
         * Bibb's 20-200 um). */
        f->depth_um[i] = (float)(depth_scale * scar_rng_range(rng, 20.0, 40.0));
        f->width_mm[i] = (float)scar_rng_range(rng, 0.05, 0.15);
    }
    return SCAR_OK;
}

scar_status synth_skin_create(scar_ctx *ctx, const scar_synth_spec *spec, double width_mm,
                              double height_mm, synth_skin **out)
{
    *out = NULL;
    synth_skin *k = scar_calloc(ctx, 1, sizeof *k);
    if (!k)
        return SCAR_ENOMEM;
    k->seed = spec->seed;
    k->texture = spec->texture;
    k->noise_um = spec->noise_um;
    scar_status st = SCAR_OK;
    k->tile = scar_malloc(ctx, 2 * (size_t)TILE * TILE * sizeof *k->tile);
    if (!k->tile) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    scar_rng rng;
    scar_rng_init(&rng, spec->seed, SYNTH_STREAM_TEXTURE);
    for (size_t i = 0; i < 2 * (size_t)TILE * TILE; i++)
        k->tile[i] = (float)(2.0 * scar_rng_uniform(&rng) - 1.0);
    /* Two dominant directions crossing at 55-90 degrees and a shallower
     * third between them make the triangles and rhombi of facial skin
     * (angles and depth ratios are estimates). */
    double a0 = scar_rng_range(&rng, 0.0, M_PI);
    double a1 = a0 + scar_rng_range(&rng, 55.0, 90.0) * M_PI / 180.0;
    double a2 = a0 - scar_rng_range(&rng, 40.0, 70.0) * M_PI / 180.0;
    const double angle[NFAM] = {a0, a1, a2}, scale[NFAM] = {1.0, 0.85, 0.7};
    for (int f = 0; f < NFAM; f++) {
        st = furrows_init(ctx, &rng, &k->fam[f], angle[f], scale[f], width_mm, height_mm);
        if (st)
            goto fail;
    }
    /* Plateau undulation and finer isotropic roughness (estimates). */
    const double step[NOCT] = {0.35, 0.06, 0.02}, amp[NOCT] = {6.0, 2.0, 1.0};
    for (int o = 0; o < NOCT; o++) {
        view_init(&rng, &k->oct[o].view, step[o]);
        k->oct[o].amp_um = amp[o];
    }

    /* Form: a cheek is convex, radius 40-120 mm, and a hand-held scan comes
     * out tilted by 0-4 degrees (estimates). */
    scar_rng_init(&rng, spec->seed, SYNTH_STREAM_FORM);
    double radius_mm = scar_rng_range(&rng, 40.0, 120.0);
    double tilt = scar_rng_range(&rng, 0.0, 4.0) * M_PI / 180.0;
    double dir = scar_rng_range(&rng, 0.0, 2.0 * M_PI);
    k->apex_x_mm = scar_rng_range(&rng, 0.0, width_mm);
    k->apex_y_mm = scar_rng_range(&rng, 0.0, height_mm);
    k->inv_2r_per_mm = spec->form / (2.0 * radius_mm);
    k->slope_x = spec->form * tan(tilt) * cos(dir);
    k->slope_y = spec->form * tan(tilt) * sin(dir);
    *out = k;
    return SCAR_OK;
fail:
    synth_skin_destroy(&k);
    return st;
}

void synth_skin_destroy(synth_skin **skin)
{
    if (!skin || !*skin)
        return;
    synth_skin *k = *skin;
    for (int f = 0; f < NFAM; f++) {
        free(k->fam[f].jitter);
        free(k->fam[f].depth_um);
        free(k->fam[f].width_mm);
    }
    free(k->tile);
    free(k);
    *skin = NULL;
}
