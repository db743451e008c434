/*
 * scan_internal.h — what the scan's files share: form removal (level.c),
 * Gaussian smoothing (scan_smooth.c), run-length labelling (scan_label.c) and
 * the measurement of one scar (scan_measure.c).  docs/scan.md describes the
 * algorithm.
 */
#ifndef SCAR_SCAN_INTERNAL_H
#define SCAR_SCAN_INTERNAL_H

#include "core.h"

/* The OpenMP team size for a context: its thread count, or all cores. */
int scan_threads(const scar_ctx *ctx);

/* The median of v[0 .. n-1] (n >= 1), reordering v; the mean of the two
 * middle values when n is even. */
float scan_median(float *v, size_t n);

/* ---- level.c ---- */

/* A quadratic z = c0 + c1 u + c2 v + c3 u^2 + c4 uv + c5 v^2 fitted to n
 * points at (u, v), best normalised to [-1, 1]; r and w hold residuals and
 * weights, work n floats. */
enum { SCAN_FIT_TERMS = 6 };
typedef struct scan_fit {
    size_t n;
    double *u, *v, *z, *r, *w;
    float *work;
    double c[SCAN_FIT_TERMS];
} scan_fit;

/* Fits robustly (docs/scan.md "Form removal"): points off the surface by
 * more than a few robust scales get no weight.  Returns that scale. */
double scan_fit_robust(scan_fit *f);
double scan_fit_eval(const scan_fit *f, double u, double v);

/* Removes the skin's form (plane plus quadratic curvature) fitted robustly,
 * so that scars do not tilt the reference.  *out receives heights relative to
 * the fitted skin; *scale_um the robust scale (MAD x 1.4826) of the skin's
 * residual: its micro-relief and noise. */
scar_status scan_level(scar_ctx *ctx, const scar_heightmap *hm, int threads,
                       scar_heightmap **out, double *scale_um);

/* ---- scan_smooth.c ---- */

/* A truncated, normalised Gaussian: w[0 .. 2r], centre at w[r]. */
typedef struct scan_kernel {
    int r;
    float *w;
} scan_kernel;

/* sigma_px <= 0 gives the identity kernel (r = 0). */
scar_status scan_kernel_make(scar_ctx *ctx, double sigma_px, scan_kernel *k);
void scan_kernel_free(scan_kernel *k);

/* Floats the tmp buffer of scan_smooth_rect needs. */
size_t scan_smooth_tmp_size(size_t ny, size_t x0, size_t x1, size_t y0, size_t y1,
                            const scan_kernel *ky);

/* Separable Gaussian smoothing of the rectangle [x0, x1) x [y0, y1) of the
 * nx x ny map z, the map's edge samples repeated outwards; out receives
 * (y1 - y0) rows of (x1 - x0) samples. */
void scan_smooth_rect(const float *z, size_t nx, size_t ny, size_t x0, size_t x1, size_t y0,
                      size_t y1, const scan_kernel *kx, const scan_kernel *ky,
                      float *restrict tmp, float *restrict out);

/* The whole map smoothed, in strips of rows shared among threads; reports
 * progress from lo to hi. */
scar_status scan_smooth_map(scar_ctx *ctx, const scar_heightmap *hm, double sigma_um,
                            int threads, float *out, double lo, double hi);

/* ---- scan_label.c ---- */

/* A horizontal run of samples [x0, x1) in row y belonging to one region. */
typedef struct scan_run {
    int32_t y, x0, x1;
    int8_t sign;  /* +1 depression, -1 raised */
    bool seeded;  /* holds a sample past the seed level */
    int32_t comp; /* its component */
} scan_run;

/* A connected region of samples of one sign (8-connectivity). */
typedef struct scan_comp {
    int sign;            /* +1 depression, -1 raised */
    bool seeded;         /* holds a sample past the seed threshold */
    size_t n;            /* samples */
    size_t x0, x1, y0, y1; /* bounding box, [x0, x1) x [y0, y1) */
    size_t first_run, n_runs; /* its runs in scan_labels.runs after sorting */
} scan_comp;

typedef struct scan_labels {
    scan_run *runs;
    size_t n_runs;
    scan_comp *comps;
    size_t n_comps;
} scan_labels;

/* Hysteresis labelling of the smoothed map s: regions where s <= -grow
 * (depressions) or s >= grow (raised), marked seeded when they hold a
 * sample past the seed level.  Runs come out grouped by component, the
 * components numbered in raster order of their first sample. */
scar_status scan_label(scar_ctx *ctx, const float *s, size_t nx, size_t ny, float seed,
                       float grow, scan_labels *out);
void scan_labels_free(scan_labels *l);

/* ---- scan_measure.c ---- */

/* What the measurement of one scar reads. */
typedef struct scan_maps {
    const scar_heightmap *lev; /* levelled heights */
    const float *s;            /* the same smoothed by opts->smooth_um */
    const scan_kernel *lx, *ly; /* the light smoothing for the maximum depth */
    const scan_labels *labels;
    int32_t *out_labels;       /* nx*ny: receives each scar's samples */
    float grow_um;             /* rim level of the hysteresis */
    double ring_um;            /* width of the reference ring */
    double texture_um;         /* robust scale of the skin's relief */
} scan_maps;

/* The scratch of one measuring thread: f holds scan_measure_scratch()
 * floats, d SCAN_FLOOR_DOUBLES doubles. */
enum { SCAN_FLOOR_POINTS = 4096, SCAN_FLOOR_DOUBLES = 5 * SCAN_FLOOR_POINTS };
typedef struct scan_scratch {
    float *f;
    double *d;
} scan_scratch;

size_t scan_measure_scratch(const scan_maps *m, const scan_comp *c);

/* Measures and classifies component c, marking its samples id in
 * m->out_labels.  Returns the depth of the smoothed map below (above) the
 * local reference in um, for the caller's minimum-depth test; 0 when no
 * sample reaches the rim level. */
double scan_measure(const scan_maps *m, const scan_comp *c, int32_t id, scan_scratch sc,
                    scar_scar *out);

/* Jacob 2001 type and profile from the measured shape (docs/scan.md). */
void scan_classify(scar_scar *s, bool raised);

#endif
