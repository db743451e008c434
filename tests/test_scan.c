/*
 * test_scan.c — the acceptance test of the scan on synthetic skins.  The
 * issue's bars, on realistic skins (default micro-relief, noise and form) at
 * 15, 20 and 25 um pixels, pooled over all skins:
 *
 *   at least 90% of the true scars found            (recall)
 *   at least 90% of the detections real             (precision)
 *   at least 85% of the matched scars typed right   (Jacob type)
 *   median relative depth error at most 15%         (matched scars)
 *   Goodman-Baron quantitative within 4 points of the truth's, on every skin
 *
 * once on the map as synthesised and once on the map written to and read back
 * from every file format.  The truth is graded with the same function as the
 * scan (scar_grade_scars), so the comparison is of what was found, not of the
 * grading rules.  The measured numbers are printed so the log shows them.
 */
#include "testutil.h"

#include <math.h>

/* The bars. */
#define MIN_RECALL 0.90
#define MIN_PRECISION 0.90
#define MIN_TYPED 0.85
#define MAX_MEDIAN_DEPTH_ERR 0.15
#define MAX_GB_DIFF 4
/* A detection matches a true scar when its centre lies inside the true rim
 * or within max(MATCH_MIN_MM, half the true width) of the true centre. */
#define MATCH_MIN_MM 0.5

/* The skins: mixed counts in roughly the published proportions (icepick most
 * common, then boxcar, then rolling; morphology.md §2), a few raised scars,
 * three pixel sizes, a seed each.  One holds more than ten icepicks, so the
 * quantitative scale's x2 count band is exercised. */
typedef struct skin_case {
    double px_um, w_mm, h_mm;
    uint64_t seed;
    int icepick, boxcar, rolling, hypertrophic;
} skin_case;

static const skin_case skins[] = {
    {15.0, 16.0, 14.0, 11, 4, 3, 1, 0},
    {15.0, 20.0, 18.0, 12, 6, 4, 2, 1},
    {15.0, 18.0, 16.0, 13, 3, 5, 2, 1},
    {15.0, 14.0, 14.0, 14, 5, 2, 1, 0},
    {20.0, 14.0, 12.0, 7, 2, 3, 1, 0}, /* the command line's regression skin */
    {20.0, 18.0, 16.0, 21, 5, 3, 2, 0},
    {20.0, 20.0, 20.0, 22, 7, 4, 2, 2},
    {20.0, 16.0, 16.0, 23, 4, 4, 1, 1},
    {25.0, 22.0, 20.0, 31, 12, 5, 2, 1},
    {25.0, 20.0, 20.0, 32, 4, 2, 3, 0},
    {25.0, 16.0, 16.0, 33, 5, 4, 1, 1},
    {25.0, 18.0, 14.0, 34, 6, 3, 1, 0},
};
enum { NSKINS = sizeof skins / sizeof skins[0] };

static const double pixel_sizes[] = {15.0, 20.0, 25.0};
enum { NPX = sizeof pixel_sizes / sizeof pixel_sizes[0] };

/* What the scans of a set of skins added up to. */
typedef struct tally {
    int truth, found, matched, typed;
    int gb_worst;            /* largest |scan - truth| Goodman-Baron difference */
    double *depth_err;       /* relative depth error of each matched pair */
    int *err_type;           /* the true type of each */
    size_t n_err, cap_err;
    int confusion[SCAR_TYPE_COUNT][SCAR_TYPE_COUNT + 1]; /* truth x scan, last: missed */
} tally;

static void tally_free(tally *t)
{
    free(t->depth_err);
    free(t->err_type);
    memset(t, 0, sizeof *t);
}

static void tally_error(tally *t, double e, int type)
{
    if (t->n_err == t->cap_err) {
        t->cap_err = t->cap_err ? 2 * t->cap_err : 64;
        t->depth_err = realloc(t->depth_err, t->cap_err * sizeof *t->depth_err);
        t->err_type = realloc(t->err_type, t->cap_err * sizeof *t->err_type);
        assert_non_null(t->depth_err);
        assert_non_null(t->err_type);
    }
    t->err_type[t->n_err] = type;
    t->depth_err[t->n_err++] = e;
}

static void tally_add(tally *into, const tally *from)
{
    into->truth += from->truth;
    into->found += from->found;
    into->matched += from->matched;
    into->typed += from->typed;
    into->gb_worst = from->gb_worst > into->gb_worst ? from->gb_worst : into->gb_worst;
    for (size_t k = 0; k < from->n_err; k++)
        tally_error(into, from->depth_err[k], from->err_type[k]);
    for (int a = 0; a < SCAR_TYPE_COUNT; a++)
        for (int b = 0; b <= SCAR_TYPE_COUNT; b++)
            into->confusion[a][b] += from->confusion[a][b];
}

static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b;
}

/* The median of v; type >= 0 takes only the errors of true scars of that
 * type. */
static double median_of(const double *v, const int *types, size_t n, int type)
{
    double *w = malloc((n + 1) * sizeof *w);
    assert_non_null(w);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (type < 0 || types[k] == type)
            w[m++] = v[k];
    double med = HUGE_VAL; /* nothing matched: no depth was measured right */
    if (m > 0) {
        qsort(w, m, sizeof *w, by_value);
        med = m % 2 ? w[m / 2] : 0.5 * (w[m / 2 - 1] + w[m / 2]);
    }
    free(w);
    return med;
}

static double median(const tally *t)
{
    return median_of(t->depth_err, t->err_type, t->n_err, -1);
}

static double ratio(int a, int b) { return b > 0 ? (double)a / b : 0.0; }

/* Inside the true scar's rim ellipse: semi-axes from length (major axis) and
 * the equal-area width, turned by the orientation. */
static bool inside_rim(const scar_scar *t, double x_mm, double y_mm)
{
    double a = 0.5 * t->length_mm, b = t->width_mm * t->width_mm / (2.0 * t->length_mm);
    double th = t->orientation_deg * M_PI / 180.0;
    double dx = x_mm - t->x_mm, dy = y_mm - t->y_mm;
    double u = (dx * cos(th) + dy * sin(th)) / a, v = (-dx * sin(th) + dy * cos(th)) / b;
    return u * u + v * v < 1.0;
}

typedef struct pair {
    double d_mm;
    size_t t, f;
} pair;

static int by_distance(const void *pa, const void *pb)
{
    const pair *a = pa, *b = pb;
    if (a->d_mm != b->d_mm)
        return a->d_mm < b->d_mm ? -1 : 1;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->f < b->f ? -1 : a->f > b->f;
}

/* One-to-one matching, greedy by distance: of every (true, found) pair that
 * may match, the closest is taken first, then the closest of what is left.
 * match[i] receives the found scar of true scar i, or -1. */
static void match_scars(const scar_scar *truth, size_t nt, const scar_scar *found, size_t nf,
                        long *match)
{
    pair *pairs = malloc((nt * nf + 1) * sizeof *pairs);
    bool *taken = calloc(nf + 1, sizeof *taken);
    assert_non_null(pairs);
    assert_non_null(taken);
    size_t np = 0;
    for (size_t i = 0; i < nt; i++) {
        match[i] = -1;
        for (size_t j = 0; j < nf; j++) {
            double d = hypot(found[j].x_mm - truth[i].x_mm, found[j].y_mm - truth[i].y_mm);
            if (inside_rim(&truth[i], found[j].x_mm, found[j].y_mm) ||
                d <= fmax(MATCH_MIN_MM, 0.5 * truth[i].width_mm))
                pairs[np++] = (pair){d, i, j};
        }
    }
    qsort(pairs, np, sizeof *pairs, by_distance);
    for (size_t k = 0; k < np; k++)
        if (match[pairs[k].t] < 0 && !taken[pairs[k].f]) {
            match[pairs[k].t] = (long)pairs[k].f;
            taken[pairs[k].f] = true;
        }
    free(pairs);
    free(taken);
}

/* Scores one scan against the truth of its skin into t. */
static void score(const scar_scar_list *truth, const scar_scan_result *r, tally *t)
{
    long *match = malloc((truth->n + 1) * sizeof *match);
    assert_non_null(match);
    match_scars(truth->v, truth->n, r->scars.v, r->scars.n, match);
    t->truth += (int)truth->n;
    t->found += (int)r->scars.n;
    for (size_t i = 0; i < truth->n; i++) {
        const scar_scar *ts = &truth->v[i];
        if (match[i] < 0) {
            t->confusion[ts->type][SCAR_TYPE_COUNT]++;
            continue;
        }
        const scar_scar *fs = &r->scars.v[match[i]];
        t->matched++;
        t->typed += fs->type == ts->type;
        t->confusion[ts->type][fs->type]++;
        tally_error(t, fabs(fs->depth_mm - ts->depth_mm) / ts->depth_mm, (int)ts->type);
    }
    free(match);
    scar_grade g;
    scar_grade_scars(truth->v, truth->n, r->field_area_mm2, &g);
    int diff = abs(r->grade.gb_quantitative - g.gb_quantitative);
    t->gb_worst = diff > t->gb_worst ? diff : t->gb_worst;
}

/* Prints a tally's numbers on one line, its confusion when asked. */
static void report(const char *what, tally *t, bool confusion)
{
    double med = median(t);
    print_message("%-22s truth %3d found %3d matched %3d | recall %.3f precision %.3f typed "
                  "%.3f median depth err %.3f | GB worst diff %d\n",
                  what, t->truth, t->found, t->matched, ratio(t->matched, t->truth),
                  ratio(t->matched, t->found), ratio(t->typed, t->matched), med, t->gb_worst);
    if (!confusion)
        return;
    print_message("%-22s truth \\ scan:  icepick  boxcar rolling  hyper  missed  "
                  "median depth err\n",
                  "");
    for (int a = 0; a < SCAR_TYPE_COUNT; a++) {
        const int *c = t->confusion[a];
        print_message("%-22s %-12s %8d %7d %7d %6d %7d  %.3f\n", "",
                      scar_type_name((scar_type)a), c[0], c[1], c[2], c[3], c[4],
                      median_of(t->depth_err, t->err_type, t->n_err, a));
    }
}

/* The bars on a pooled tally. */
static void assert_bars(const char *what, tally *t)
{
    double recall = ratio(t->matched, t->truth), precision = ratio(t->matched, t->found);
    double typed = ratio(t->typed, t->matched), med = median(t);
    if (recall < MIN_RECALL)
        fail_msg("%s: recall %.3f < %.2f", what, recall, MIN_RECALL);
    if (precision < MIN_PRECISION)
        fail_msg("%s: precision %.3f < %.2f", what, precision, MIN_PRECISION);
    if (typed < MIN_TYPED)
        fail_msg("%s: typed right %.3f < %.2f", what, typed, MIN_TYPED);
    if (!(med <= MAX_MEDIAN_DEPTH_ERR))
        fail_msg("%s: median depth error %.3f > %.2f", what, med, MAX_MEDIAN_DEPTH_ERR);
    if (t->gb_worst > MAX_GB_DIFF)
        fail_msg("%s: Goodman-Baron quantitative off by %d > %d", what, t->gb_worst,
                 MAX_GB_DIFF);
}

static scar_synth_spec spec_of(const skin_case *k)
{
    scar_synth_spec s;
    scar_synth_spec_default(&s); /* realistic texture, noise and form */
    s.counts[SCAR_TYPE_ICEPICK] = k->icepick;
    s.counts[SCAR_TYPE_BOXCAR] = k->boxcar;
    s.counts[SCAR_TYPE_ROLLING] = k->rolling;
    s.counts[SCAR_TYPE_HYPERTROPHIC] = k->hypertrophic;
    s.width_mm = k->w_mm;
    s.height_mm = k->h_mm;
    s.px_um = k->px_um;
    s.seed = k->seed;
    return s;
}

static void make_skin(scar_ctx *ctx, const skin_case *k, scar_heightmap **hm,
                      scar_scar_list *truth)
{
    scar_synth_spec s = spec_of(k);
    if (scar_synth(ctx, &s, hm, truth))
        fail_msg("synth seed %lu: %s", (unsigned long)k->seed, tu_errmsg(ctx));
}

static void scan_and_score(scar_ctx *ctx, const scar_heightmap *hm, const scar_scar_list *truth,
                           tally *t)
{
    scar_scan_result *r = NULL;
    if (scar_scan(ctx, hm, NULL, &r))
        fail_msg("scan: %s", tu_errmsg(ctx));
    score(truth, r, t);
    scar_scan_result_destroy(&r);
}

static int px_index(double px_um)
{
    for (int p = 0; p < NPX; p++)
        if (px_um == pixel_sizes[p])
            return p;
    fail_msg("pixel size %g um not in the table", px_um);
    return 0;
}

/* The scoring itself, on hand-made lists: a miss, a false detection, a
 * wrong type, the rim rule, the distance rule and the one-to-one greed. */
static void scoring_counts_what_it_should(void **state)
{
    (void)state;
    scar_scar t[3] = {
        {.type = SCAR_TYPE_BOXCAR, .x_mm = 5, .y_mm = 5, .width_mm = 3, .length_mm = 3,
         .depth_mm = 0.4, .area_mm2 = 7.07},
        {.type = SCAR_TYPE_ICEPICK, .x_mm = 10, .y_mm = 5, .width_mm = 0.6, .length_mm = 0.6,
         .depth_mm = 1.0, .area_mm2 = 0.28},
        /* Long along x: 8 x 2 mm. */
        {.type = SCAR_TYPE_ROLLING, .x_mm = 5, .y_mm = 12, .width_mm = 4, .length_mm = 8,
         .depth_mm = 0.2, .area_mm2 = 12.6},
    };
    scar_scar f[4] = {
        /* Two detections near the boxcar: the closer one takes it. */
        {.type = SCAR_TYPE_BOXCAR, .x_mm = 5.9, .y_mm = 5, .depth_mm = 0.5, .area_mm2 = 7},
        {.type = SCAR_TYPE_BOXCAR, .x_mm = 5.2, .y_mm = 5, .depth_mm = 0.44, .area_mm2 = 7},
        /* 0.55 mm from the icepick: outside its 0.3 mm rim and its 0.5 mm. */
        {.type = SCAR_TYPE_ICEPICK, .x_mm = 10.55, .y_mm = 5, .depth_mm = 1, .area_mm2 = 0.3},
        /* 3.5 mm along the rolling scar's axis: inside its rim, beyond half
         * its width; typed wrong. */
        {.type = SCAR_TYPE_BOXCAR, .x_mm = 8.5, .y_mm = 12, .depth_mm = 0.25, .area_mm2 = 10},
    };
    scar_scan_result r = {.field_area_mm2 = 400};
    r.scars.v = f;
    r.scars.n = 4;
    scar_grade_scars(f, 4, 400, &r.grade);
    scar_scar_list truth = {.v = t, .n = 3};
    tally s = {0};
    score(&truth, &r, &s);
    assert_int_equal(s.truth, 3);
    assert_int_equal(s.found, 4);
    assert_int_equal(s.matched, 2);
    assert_int_equal(s.typed, 1);
    assert_int_equal(s.confusion[SCAR_TYPE_ICEPICK][SCAR_TYPE_COUNT], 1);
    assert_int_equal(s.confusion[SCAR_TYPE_ROLLING][SCAR_TYPE_BOXCAR], 1);
    /* Errors 0.04/0.4 = 0.1 (the closer boxcar) and 0.05/0.2 = 0.25. */
    assert_int_equal(s.n_err, 2);
    assert_true(fabs(median(&s) - 0.175) < 1e-12);
    /* Truth: shallow boxcar (B 2) + icepick (C 3) + rolling of 0.2 mm
     * (moderately atrophic, B 2) = 7; found: three shallow boxcars (one
     * category, B 2 x1) + icepick (C 3) = 5. */
    assert_int_equal(s.gb_worst, 2);
    tally_free(&s);
}

/* The bars on each skin as synthesised. */
static void scan_meets_the_bars_on_synthetic_skins(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    assert_non_null(ctx);
    tally per_px[NPX] = {{0}}, pooled = {0};
    for (int k = 0; k < NSKINS; k++) {
        scar_heightmap *hm = NULL;
        scar_scar_list truth = {0};
        make_skin(ctx, &skins[k], &hm, &truth);
        tally one = {0};
        scan_and_score(ctx, hm, &truth, &one);
        char what[64];
        snprintf(what, sizeof what, "skin seed %2lu @%2.0f um", (unsigned long)skins[k].seed,
                 skins[k].px_um);
        report(what, &one, false);
        /* Each skin's grade is a claim about that skin. */
        if (one.gb_worst > MAX_GB_DIFF)
            fail_msg("%s: Goodman-Baron quantitative off by %d > %d", what, one.gb_worst,
                     MAX_GB_DIFF);
        tally_add(&per_px[px_index(skins[k].px_um)], &one);
        tally_add(&pooled, &one);
        tally_free(&one);
        scar_scar_list_clear(&truth);
        scar_heightmap_destroy(&hm);
    }
    for (int p = 0; p < NPX; p++) {
        char what[64];
        snprintf(what, sizeof what, "all skins @%2.0f um", pixel_sizes[p]);
        report(what, &per_px[p], false);
    }
    report("pooled", &pooled, true);
    assert_bars("pooled", &pooled);
    for (int p = 0; p < NPX; p++)
        tally_free(&per_px[p]);
    tally_free(&pooled);
    scar_ctx_destroy(&ctx);
}

/* The same through every file format: every other skin (two at each pixel
 * size, to keep the run short: writing and reading a text or compressed map
 * costs more than scanning it) written as .gsf, .x3p, .png and .csv, read back
 * with default options (a file scarsim wrote carries its own scale), scanned
 * and scored. */
static void scan_meets_the_bars_through_every_format(void **state)
{
    (void)state;
    static const char *const ext[] = {"gsf", "x3p", "png", "csv"};
    enum { NFMT = sizeof ext / sizeof ext[0] };
    char dir[512];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    assert_non_null(ctx);
    tally per_fmt[NFMT] = {{0}}, pooled = {0};
    for (int k = 0; k < NSKINS; k += 2) {
        scar_heightmap *hm = NULL;
        scar_scar_list truth = {0};
        make_skin(ctx, &skins[k], &hm, &truth);
        for (int f = 0; f < NFMT; f++) {
            char name[64], path[600];
            snprintf(name, sizeof name, "skin%d.%s", k, ext[f]);
            tu_path(path, sizeof path, dir, name);
            if (scar_heightmap_write(ctx, hm, path, NULL))
                fail_msg("write %s: %s", path, tu_errmsg(ctx));
            scar_read_opts ro;
            scar_read_opts_default(&ro);
            scar_heightmap *back = NULL;
            if (scar_heightmap_read(ctx, path, &ro, &back))
                fail_msg("read %s: %s", path, tu_errmsg(ctx));
            assert_int_equal(back->nx, hm->nx);
            assert_int_equal(back->ny, hm->ny);
            assert_true(fabs(back->dx_um - hm->dx_um) < 1e-6 * hm->dx_um);
            tally one = {0};
            scan_and_score(ctx, back, &truth, &one);
            char what[64];
            snprintf(what, sizeof what, "skin seed %2lu .%s", (unsigned long)skins[k].seed,
                     ext[f]);
            if (one.gb_worst > MAX_GB_DIFF)
                fail_msg("%s: Goodman-Baron quantitative off by %d > %d", what, one.gb_worst,
                         MAX_GB_DIFF);
            tally_add(&per_fmt[f], &one);
            tally_add(&pooled, &one);
            tally_free(&one);
            scar_heightmap_destroy(&back);
            remove(path);
        }
        scar_scar_list_clear(&truth);
        scar_heightmap_destroy(&hm);
    }
    for (int f = 0; f < NFMT; f++) {
        char what[64];
        snprintf(what, sizeof what, "skins via .%s", ext[f]);
        report(what, &per_fmt[f], false);
        assert_bars(what, &per_fmt[f]);
    }
    report("pooled, all formats", &pooled, false);
    assert_bars("pooled, all formats", &pooled);
    for (int f = 0; f < NFMT; f++)
        tally_free(&per_fmt[f]);
    tally_free(&pooled);
    scar_ctx_destroy(&ctx);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scoring_counts_what_it_should),
        cmocka_unit_test(scan_meets_the_bars_on_synthetic_skins),
        cmocka_unit_test(scan_meets_the_bars_through_every_format),
    };
    return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
