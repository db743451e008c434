/*
 * scan.c — finds, measures, classifies and grades the scars of a skin
 * surface: form removal, smoothing, hysteresis labelling, one measurement
 * per region, grading.  docs/scan.md gives the algorithm and the reasons for
 * each threshold.
 */
#include "scan_internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Defaults, docs/scan.md "Thresholds". */
#define DEFAULT_MIN_DEPTH_UM 60.0
#define DEFAULT_MIN_WIDTH_MM 0.3
#define DEFAULT_SMOOTH_UM 50.0
/* Hysteresis: a region is seeded past min_depth and grown out to this
 * fraction of it, the rim. */
#define GROW_FRACTION (1.0 / 3.0)
/* The light smoothing of the maximum depth, and the width of the ring that
 * gives the local reference: inside the 0.5 mm between two scars' rims. */
#define LIGHT_SIGMA_UM 15.0
#define RING_UM 250.0
/* Beyond this the scratch of parallel measurements is not worth its memory:
 * a region this large is measured by one thread. */
#define SCRATCH_LIMIT_BYTES ((size_t)512 << 20)

/* The smoothed map and the labels are first written here.  On Linux,
 * transparent huge pages make that first touch far cheaper (64 MiB: 0.18 s
 * in 4 KiB pages, 0.011 s in 2 MiB pages on the 2-core reference machine).
 * A hint only: where it is refused or unknown nothing changes. */
static void hint_huge_pages(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(huge - 1);
    if (e > a)
        (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

void scar_scan_opts_default(scar_scan_opts *o)
{
    o->min_depth_um = DEFAULT_MIN_DEPTH_UM;
    o->min_width_mm = DEFAULT_MIN_WIDTH_MM;
    o->smooth_um = DEFAULT_SMOOTH_UM;
}

void scar_scan_result_destroy(scar_scan_result **r)
{
    if (!r || !*r)
        return;
    scar_scar_list_clear(&(*r)->scars);
    scar_heightmap_destroy(&(*r)->levelled);
    free((*r)->labels);
    free(*r);
    *r = NULL;
}

static scar_status check_opts(scar_ctx *ctx, const scar_scan_opts *o)
{
    if (!(isfinite(o->min_depth_um) && o->min_depth_um > 0 && o->min_depth_um <= 1e4))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, "", 0, 0, "min_depth_um",
                             "expected a depth between 0 and 10000 um, found %g",
                             o->min_depth_um);
    if (!(isfinite(o->min_width_mm) && o->min_width_mm >= 0 && o->min_width_mm <= 1e3))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, "", 0, 0, "min_width_mm",
                             "expected a width between 0 and 1000 mm, found %g",
                             o->min_width_mm);
    if (!(isfinite(o->smooth_um) && o->smooth_um >= 0 && o->smooth_um <= 1e4))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, "", 0, 0, "smooth_um",
                             "expected a smoothing between 0 and 10000 um, found %g",
                             o->smooth_um);
    return SCAR_OK;
}

/* The regions worth measuring: seeded, and not narrower than min_width by
 * area alone. */
static size_t pick_candidates(const scan_labels *lab, const scar_heightmap *hm,
                              const scar_scan_opts *o, size_t *cand)
{
    double min_area_um2 = M_PI / 4 * (o->min_width_mm * 1e3) * (o->min_width_mm * 1e3);
    size_t n = 0;
    for (size_t c = 0; c < lab->n_comps; c++)
        if (lab->comps[c].seeded &&
            (double)lab->comps[c].n * hm->dx_um * hm->dy_um >= min_area_um2)
            cand[n++] = c;
    return n;
}

/* Measures the candidates, in parallel; which thread measures which scar
 * does not change any number. */
static scar_status measure_all(scar_ctx *ctx, const scan_maps *m, const size_t *cand,
                               size_t n, int threads, scar_scar *scars, double *depth_s)
{
    size_t per = 1;
    for (size_t k = 0; k < n; k++) {
        size_t need = scan_measure_scratch(m, &m->labels->comps[cand[k]]);
        per = need > per ? need : per;
    }
    int team = threads < (int)n ? threads : (int)n;
    if (team < 1 || (size_t)team * per * sizeof(float) > SCRATCH_LIMIT_BYTES)
        team = 1;
    float *fs = scar_malloc(ctx, (size_t)team * per * sizeof *fs);
    double *ds = scar_malloc(ctx, (size_t)team * SCAN_FLOOR_DOUBLES * sizeof *ds);
    if (!fs || !ds) {
        free(fs);
        free(ds);
        return SCAR_ENOMEM;
    }
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
    for (size_t k = 0; k < n; k++) {
        size_t t = (size_t)omp_get_thread_num();
        scan_scratch sc = {fs + t * per, ds + t * SCAN_FLOOR_DOUBLES};
        depth_s[k] = scan_measure(m, &m->labels->comps[cand[k]], (int32_t)k + 1, sc, &scars[k]);
    }
    free(fs);
    free(ds);
    return SCAR_OK;
}

scar_status scar_scan(scar_ctx *ctx, const scar_heightmap *hm, const scar_scan_opts *opts,
                      scar_scan_result **out)
{
    *out = NULL;
    scar_scan_opts defaults;
    if (!opts) {
        scar_scan_opts_default(&defaults);
        opts = &defaults;
    }
    if (!hm || !hm->z_um)
        return SCAR_RAISE(ctx, SCAR_EINPUT, "expected a height map to scan, found none");
    scar_status st = scar_heightmap_check_size(ctx, hm->nx, hm->ny, hm->dx_um, hm->dy_um);
    if (!st)
        st = check_opts(ctx, opts);
    if (st)
        return st;

    scar_scan_result *r = NULL;
    float *smooth = NULL;
    scan_labels lab = {0};
    scan_kernel lx = {0}, ly = {0};
    size_t *cand = NULL;
    scar_scar *found = NULL;
    double *depth_s = NULL;
    int32_t *label_of = NULL;
    const int threads = scan_threads(ctx);
    const size_t nx = hm->nx, ny = hm->ny;

    r = scar_calloc(ctx, 1, sizeof *r);
    if (!r) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    scar_progress(ctx, "scan", 0);
    double texture_um;
    st = scan_level(ctx, hm, threads, &r->levelled, &texture_um);
    if (st)
        goto fail;
    scar_progress(ctx, "scan", 0.1);
    st = scar_iso25178_compute(ctx, r->levelled, &r->iso);
    if (st)
        goto fail;
    scar_progress(ctx, "scan", 0.15);

    smooth = scar_alloc_aligned(ctx, nx * ny * sizeof *smooth);
    if (!smooth) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    hint_huge_pages(smooth, nx * ny * sizeof *smooth);
    st = scan_smooth_map(ctx, r->levelled, opts->smooth_um, threads, smooth, 0.15, 0.7);
    if (st)
        goto fail;
    const float grow = (float)(opts->min_depth_um * GROW_FRACTION);
    st = scan_label(ctx, smooth, nx, ny, (float)opts->min_depth_um, grow, &lab);
    if (st)
        goto fail;
    scar_progress(ctx, "scan", 0.8);

    cand = scar_malloc(ctx, (lab.n_comps + 1) * sizeof *cand);
    /* Candidate k + 1 -> its number in the list, 0 when dropped. */
    label_of = scar_calloc(ctx, lab.n_comps + 1, sizeof *label_of);
    if (!cand || !label_of) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    size_t nc = pick_candidates(&lab, hm, opts, cand);
    found = scar_malloc(ctx, (nc + 1) * sizeof *found);
    depth_s = scar_malloc(ctx, (nc + 1) * sizeof *depth_s);
    if (!found || !depth_s) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    st = scan_kernel_make(ctx, LIGHT_SIGMA_UM / hm->dx_um, &lx);
    if (!st)
        st = scan_kernel_make(ctx, LIGHT_SIGMA_UM / hm->dy_um, &ly);
    if (st)
        goto fail;
    r->labels = scar_calloc(ctx, nx * ny, sizeof *r->labels);
    if (!r->labels) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    hint_huge_pages(r->labels, nx * ny * sizeof *r->labels);
    scan_maps maps = {.lev = r->levelled, .s = smooth, .lx = &lx, .ly = &ly, .labels = &lab,
                      .out_labels = r->labels, .grow_um = grow, .ring_um = RING_UM,
                      .texture_um = texture_um};
    st = measure_all(ctx, &maps, cand, nc, threads, found, depth_s);
    if (st)
        goto fail;

    /* Keep the scars as deep as min_depth below their own reference and as
     * wide as min_width; number them in the order found, and renumber their
     * samples from candidate k + 1 to their place in the list. */
    for (size_t k = 0; k < nc; k++) {
        if (depth_s[k] < opts->min_depth_um || found[k].width_mm < opts->min_width_mm)
            continue;
        st = scar_scar_list_push(ctx, &r->scars, &found[k]);
        if (st)
            goto fail;
        label_of[k + 1] = (int32_t)r->scars.n;
    }
    for (size_t k = 0; k < lab.n_runs; k++) {
        const scan_run *run = &lab.runs[k];
        int32_t *row = r->labels + (size_t)run->y * nx;
        for (int32_t x = run->x0; x < run->x1; x++)
            row[x] = label_of[row[x]];
    }
    r->field_area_mm2 = (double)nx * hm->dx_um * (double)ny * hm->dy_um * 1e-6;
    scar_grade_scars(r->scars.v, r->scars.n, r->field_area_mm2, &r->grade);
    scar_progress(ctx, "scan", 1);
    *out = r;
    st = SCAR_OK;
    goto done;
fail:
    scar_scan_result_destroy(&r);
done:
    free(smooth);
    scan_labels_free(&lab);
    scan_kernel_free(&lx);
    scan_kernel_free(&ly);
    free(cand);
    free(found);
    free(depth_s);
    free(label_of);
    return st;
}
