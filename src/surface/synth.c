/*
 * synth.c — a synthetic scarred skin with its ground truth: validates the
 * spec, draws and places the scars, then makes the height map (skin relief,
 * form and noise, then the scars) and measures each true scar.
 *
 * The map depends only on the spec: every random number comes from the
 * core's counter-based generator on a stream of its own (synth_internal.h),
 * the per-pixel noise is keyed by the pixel index, and each pixel is the same
 * sequence of operations whichever thread computes it.
 */
#include "synth_internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Rims at least 0.5 mm apart and 0.3 mm inside the field edge (the brief's
 * spacing, so that every scar is measurable on its own). */
#define GAP_MM 0.5
#define EDGE_MM 0.3
/* Random positions tried for one scar before the field is declared full. */
#define PLACE_TRIES 5000
/* Rows per parallel block: progress is reported between blocks. */
#define ROW_BLOCK 64

void scar_synth_spec_default(scar_synth_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->counts[SCAR_TYPE_ICEPICK] = 1;
    spec->counts[SCAR_TYPE_BOXCAR] = 2;
    spec->counts[SCAR_TYPE_ROLLING] = 1;
    spec->counts[SCAR_TYPE_HYPERTROPHIC] = 0;
    spec->width_mm = 12.0;
    spec->height_mm = 12.0;
    spec->px_um = 25.0;
    spec->seed = 1;
    spec->texture = 1.0;
    spec->noise_um = 1.0;
    spec->form = 1.0;
}

/* Refuses a spec before anything is allocated; on success the map is nx x ny. */
static scar_status check_spec(scar_ctx *ctx, const scar_synth_spec *s, size_t *nx, size_t *ny)
{
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        if (s->counts[t] < 0 || s->counts[t] > 1000)
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "scars",
                                 "expected 0 to 1000 %s scars, found %d",
                                 scar_type_name((scar_type)t), s->counts[t]);
    if (!(isfinite(s->width_mm) && s->width_mm > 0 && isfinite(s->height_mm) &&
          s->height_mm > 0))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "size_mm",
                             "expected a finite, positive field size, found %g x %g mm",
                             s->width_mm, s->height_mm);
    if (!(isfinite(s->px_um) && s->px_um >= 1.0 && s->px_um <= 1000.0))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "px_um",
                             "expected a pixel size between 1 and 1000 um, found %g um",
                             s->px_um);
    /* Generous bounds that keep every height finite in a float; beyond them
     * the skin is no longer skin. */
    const struct {
        const char *name;
        double v, hi;
    } factor[3] = {{"texture", s->texture, 100.0},
                   {"noise_um", s->noise_um, 1000.0},
                   {"form", s->form, 10.0}};
    for (int i = 0; i < 3; i++)
        if (!(isfinite(factor[i].v) && factor[i].v >= 0.0 && factor[i].v <= factor[i].hi))
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, factor[i].name,
                                 "expected a number between 0 and %g, found %g", factor[i].hi,
                                 factor[i].v);
    /* Clamp before converting so an absurd size reaches the size check as a
     * too-large map, not as an overflow. */
    double rx = fmin(1e12, s->width_mm * 1000.0 / s->px_um);
    double ry = fmin(1e12, s->height_mm * 1000.0 / s->px_um);
    *nx = (size_t)llround(rx);
    *ny = (size_t)llround(ry);
    scar_status st = scar_heightmap_check_size(ctx, *nx, *ny, s->px_um, s->px_um);
    if (st) {
        char msg[sizeof ctx->err.message];
        scar_strlcpy(msg, ctx->err.message, sizeof msg);
        return SCAR_RAISE_AT(ctx, st, NULL, 0, 0, "size_mm", "%s (%g x %g mm at %g um)", msg,
                             s->width_mm, s->height_mm, s->px_um);
    }
    return SCAR_OK;
}

/* Ramanujan's perimeter of an ellipse (error below 1e-4 for aspect <= 2). */
static double perimeter_mm(double a, double b)
{
    return M_PI * (3.0 * (a + b) - sqrt((3.0 * a + b) * (a + 3.0 * b)));
}

typedef struct by_size {
    double a_mm;
    size_t i;
} by_size;

static int larger_first(const void *pa, const void *pb)
{
    const by_size *a = pa, *b = pb;
    if (a->a_mm != b->a_mm)
        return a->a_mm < b->a_mm ? 1 : -1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static scar_status too_small(scar_ctx *ctx, size_t n, double w_mm, double h_mm, double need_mm2,
                             const synth_scar *s, int tries)
{
    double usable = (w_mm - 2.0 * EDGE_MM + GAP_MM) * (h_mm - 2.0 * EDGE_MM + GAP_MM);
    return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "scars",
                         "the %.4g x %.4g mm field is too small for %zu scars of the drawn "
                         "sizes: expected room for %.1f mm2 (their area with %.1f mm spacing "
                         "and a %.1f mm margin), found %.1f mm2, and a %s scar %.2f mm long "
                         "could not be placed after %d tries; use a larger size_mm or fewer "
                         "scars",
                         w_mm, h_mm, n, need_mm2, GAP_MM, EDGE_MM, fmax(usable, 0.0),
                         scar_type_name(s->type), 2.0 * s->a_mm, tries);
}

/* Random sequential placement, largest first so the small scars fill the
 * gaps the large ones leave. */
static scar_status place(scar_ctx *ctx, synth_scar *sc, size_t n, double w_mm, double h_mm,
                         uint64_t seed)
{
    if (n == 0)
        return SCAR_OK;
    /* Each scar claims its rim grown by half the gap (Steiner's formula);
     * the field offers its area less the margin, grown by the same. */
    double need = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double g = 0.5 * GAP_MM;
        need += M_PI * sc[i].a_mm * sc[i].b_mm + perimeter_mm(sc[i].a_mm, sc[i].b_mm) * g +
                M_PI * g * g;
    }
    by_size *order = scar_malloc(ctx, n * sizeof *order);
    if (!order)
        return SCAR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = (by_size){sc[i].a_mm, i};
    qsort(order, n, sizeof *order, larger_first);
    double usable = (w_mm - 2.0 * EDGE_MM + GAP_MM) * (h_mm - 2.0 * EDGE_MM + GAP_MM);
    scar_status st = SCAR_OK;
    if (need > usable) {
        st = too_small(ctx, n, w_mm, h_mm, need, &sc[order[0].i], 0);
        goto done;
    }
    scar_rng rng;
    scar_rng_init(&rng, seed, SYNTH_STREAM_PLACE);
    for (size_t k = 0; k < n; k++) {
        synth_scar *s = &sc[order[k].i];
        double ex, ey;
        synth_scar_extent(s, &ex, &ey);
        double xlo = EDGE_MM + ex, xhi = w_mm - EDGE_MM - ex;
        double ylo = EDGE_MM + ey, yhi = h_mm - EDGE_MM - ey;
        int tries = 0;
        bool placed = false;
        while (!placed && xhi >= xlo && yhi >= ylo && tries < PLACE_TRIES) {
            tries++;
            s->cx_mm = scar_rng_range(&rng, xlo, xhi);
            s->cy_mm = scar_rng_range(&rng, ylo, yhi);
            placed = true;
            for (size_t m = 0; m < k && placed; m++)
                placed = synth_scars_apart(s, &sc[order[m].i], GAP_MM);
        }
        if (!placed) {
            st = too_small(ctx, n, w_mm, h_mm, need, s, tries);
            goto done;
        }
    }
done:
    free(order);
    return st;
}

static int thread_count(const scar_ctx *ctx)
{
    /* A num_threads clause rather than omp_set_num_threads: the caller's
     * OpenMP setting is left as it was. */
    return scar_ctx_threads(ctx) > 0 ? scar_ctx_threads(ctx) : omp_get_max_threads();
}

/* Skin relief, form and noise at every pixel centre. */
static void render_skin(scar_ctx *ctx, const synth_skin *skin, scar_heightmap *hm)
{
    const int threads = thread_count(ctx);
    const double px_mm = hm->dx_um / 1000.0;
    const size_t nx = hm->nx, ny = hm->ny;
    float *restrict z = hm->z_um;
    for (size_t j0 = 0; j0 < ny; j0 += ROW_BLOCK) {
        size_t j1 = j0 + ROW_BLOCK < ny ? j0 + ROW_BLOCK : ny;
#pragma omp parallel for num_threads(threads) schedule(static)
        for (size_t j = j0; j < j1; j++) {
            double y = ((double)j + 0.5) * px_mm;
            for (size_t i = 0; i < nx; i++) {
                size_t idx = j * nx + i;
                double x = ((double)i + 0.5) * px_mm;
                z[idx] = (float)(synth_skin_height_um(skin, x, y, px_mm) +
                                 synth_skin_noise_um(skin, idx));
            }
        }
        scar_progress(ctx, "synth", 0.9 * (double)j1 / (double)ny);
    }
}

/* Adds each scar over its footprint.  Rims never touch, so a pixel receives
 * at most one scar. */
static void render_scars(scar_ctx *ctx, const synth_scar *sc, size_t n, scar_heightmap *hm)
{
    const int threads = thread_count(ctx);
    const double px_mm = hm->dx_um / 1000.0;
    for (size_t k = 0; k < n; k++) {
        const synth_scar *s = &sc[k];
        double ex, ey;
        synth_scar_extent(s, &ex, &ey);
        double lo_i = fmax(0.0, floor((s->cx_mm - ex) / px_mm));
        double hi_i = fmin((double)hm->nx - 1.0, ceil((s->cx_mm + ex) / px_mm));
        double lo_j = fmax(0.0, floor((s->cy_mm - ey) / px_mm));
        double hi_j = fmin((double)hm->ny - 1.0, ceil((s->cy_mm + ey) / px_mm));
        size_t i0 = (size_t)lo_i, i1 = (size_t)hi_i, j0 = (size_t)lo_j, j1 = (size_t)hi_j;
        float *restrict z = hm->z_um;
        const size_t nx = hm->nx;
#pragma omp parallel for num_threads(threads) schedule(static)
        for (size_t j = j0; j <= j1; j++) {
            double y = ((double)j + 0.5) * px_mm;
            for (size_t i = i0; i <= i1; i++) {
                double h = synth_scar_height_mm(s, ((double)i + 0.5) * px_mm, y);
                if (h != 0.0)
                    z[j * nx + i] = (float)((double)z[j * nx + i] + 1000.0 * h);
            }
        }
    }
}

scar_status scar_synth(scar_ctx *ctx, const scar_synth_spec *spec, scar_heightmap **surface,
                       scar_scar_list *truth)
{
    *surface = NULL;
    const size_t truth_n0 = truth->n;
    size_t nx = 0, ny = 0;
    scar_status st = check_spec(ctx, spec, &nx, &ny);
    if (st)
        return st;
    size_t n = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        n += (size_t)spec->counts[t];
    /* The field is what the pixels cover, which rounding may make differ
     * from the spec by under half a pixel. */
    const double w_mm = (double)nx * spec->px_um / 1000.0;
    const double h_mm = (double)ny * spec->px_um / 1000.0;

    synth_scar *sc = NULL;
    scar_scar *rec = NULL;
    synth_skin *skin = NULL;
    scar_heightmap *hm = NULL;
    sc = scar_calloc(ctx, n ? n : 1, sizeof *sc);
    rec = scar_calloc(ctx, n ? n : 1, sizeof *rec);
    if (!sc || !rec) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    scar_rng rng;
    scar_rng_init(&rng, spec->seed, SYNTH_STREAM_SHAPE);
    size_t k = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        for (int c = 0; c < spec->counts[t]; c++)
            synth_scar_draw(&rng, (scar_type)t, c, &sc[k++]);
    st = place(ctx, sc, n, w_mm, h_mm, spec->seed);
    if (st)
        goto fail;
    st = synth_skin_create(ctx, spec, w_mm, h_mm, &skin);
    if (st)
        goto fail;
    st = scar_heightmap_create(ctx, nx, ny, spec->px_um, spec->px_um, &hm);
    if (st)
        goto fail;
    render_skin(ctx, skin, hm);
    render_scars(ctx, sc, n, hm);

    const int threads = thread_count(ctx);
#pragma omp parallel for num_threads(threads) schedule(dynamic)
    for (size_t i = 0; i < n; i++)
        synth_scar_truth(&sc[i], &rec[i]);
    for (size_t i = 0; i < n; i++) {
        st = scar_scar_list_push(ctx, truth, &rec[i]);
        if (st)
            goto fail;
    }
    scar_progress(ctx, "synth", 1.0);
    *surface = hm;
    hm = NULL;
fail:
    if (st)
        truth->n = truth_n0;
    scar_heightmap_destroy(&hm);
    synth_skin_destroy(&skin);
    free(rec);
    free(sc);
    return st;
}
