/*
 * test_plot.c — the plotting module: files of the asked size and format,
 * awkward data drawn without failing, bad arguments refused by name, failed
 * writes leaving nothing, pixels of the series' colour where a line is drawn,
 * and tick labels that are exact.
 */
#include "testutil.h"

#include "plot.h"
#include "plot_internal.h"

#include <cairo.h>
#include <libxml/parser.h>
#include <math.h>

static void rm_dir(const char *dir)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Width and height from a PNG's IHDR chunk, after checking the signature. */
static void png_size(const char *path, unsigned *w, unsigned *h)
{
    unsigned char b[24];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(b, 1, sizeof b, f), sizeof b);
    fclose(f);
    assert_memory_equal(b, "\x89PNG\r\n\x1a\n", 8);
    assert_memory_equal(b + 12, "IHDR", 4);
    *w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
    *h = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
}

static void assert_png_size(const char *path, unsigned w, unsigned h)
{
    unsigned pw, ph;
    png_size(path, &pw, &ph);
    assert_int_equal(pw, w);
    assert_int_equal(ph, h);
}

/* The whole file as a string; the caller frees it. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Well-formed XML whose root is <svg> with the given width and height. */
static void assert_svg(const char *path, int w, int h)
{
    char *text = slurp(path);
    assert_int_equal(strncmp(text, "<?xml", 5), 0);
    assert_non_null(strstr(text, "<svg"));
    char want[64];
    snprintf(want, sizeof want, "width=\"%d", w);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof want, "height=\"%d", h);
    assert_non_null(strstr(text, want));
    xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), path, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    assert_non_null(doc);
    assert_string_equal((const char *)xmlDocGetRootElement(doc)->name, "svg");
    xmlFreeDoc(doc);
    free(text);
}

/* Pixels within tol (of 255) of rgb in every channel. */
static long count_colour(const char *path, const double rgb[3], int tol)
{
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(img);
    const unsigned char *data = cairo_image_surface_get_data(img);
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    int want[3] = {(int)lround(rgb[0] * 255), (int)lround(rgb[1] * 255), (int)lround(rgb[2] * 255)};
    long n = 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            int c[3] = {(int)(row[x] >> 16 & 255), (int)(row[x] >> 8 & 255), (int)(row[x] & 255)};
            if (abs(c[0] - want[0]) <= tol && abs(c[1] - want[1]) <= tol &&
                abs(c[2] - want[2]) <= tol)
                n++;
        }
    }
    cairo_surface_destroy(img);
    return n;
}

enum { N = 60 };

/* A decaying scar volume with a gap, a band, markers, and session marks. */
typedef struct sample {
    double x[N], y[N], lo[N], hi[N], y2[N];
    double marks[3];
    scar_plot_series series[2];
    scar_plot plot;
} sample;

static void sample_init(sample *s)
{
    for (int i = 0; i < N; i++) {
        s->x[i] = 3.0 * i;
        s->y[i] = 4.0 * exp(-i / 30.0) + 1.0;
        s->lo[i] = s->y[i] - 0.3;
        s->hi[i] = s->y[i] + 0.3;
        s->y2[i] = (i > 20 && i < 26) ? NAN : 4.5 * exp(-i / 45.0) + 0.5;
    }
    s->marks[0] = 0;
    s->marks[1] = 30;
    s->marks[2] = 60;
    s->series[0] = (scar_plot_series){"predicted", s->x, s->y, N, s->lo, s->hi, false, false};
    s->series[1] = (scar_plot_series){"measured", s->x, s->y2, N, NULL, NULL, true, true};
    s->plot = (scar_plot){.title = "Scar volume",
                          .x_label = "day",
                          .y_label = "scar volume (mm³)",
                          .series = s->series,
                          .nseries = 2,
                          .x_marks = s->marks,
                          .nx_marks = 3,
                          .x_marks_label = "session",
                          .y_from_zero = true,
                          .note = SCAR_DISCLAIMER};
}

static void png_has_the_requested_size(void **state)
{
    (void)state;
    char dir[512], path[600];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    static sample s;
    sample_init(&s);
    const int sizes[][2] = {{800, 500}, {200, 200}, {4000, 200}, {200, 4000}, {333, 257}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        snprintf(path, sizeof path, "%s/plot%zu.png", dir, k);
        assert_int_equal(scar_plot_write(ctx, &s.plot, path, sizes[k][0], sizes[k][1]), SCAR_OK);
        assert_png_size(path, (unsigned)sizes[k][0], (unsigned)sizes[k][1]);
    }
    /* The extension is matched in any case. */
    tu_path(path, sizeof path, dir, "PLOT.PNG");
    assert_int_equal(scar_plot_write(ctx, &s.plot, path, 640, 400), SCAR_OK);
    assert_png_size(path, 640, 400);
    assert_int_equal(tu_count_tmp(dir), 0);
    scar_ctx_destroy(&ctx);
    rm_dir(dir);
}

static void svg_is_well_formed(void **state)
{
    (void)state;
    char dir[512], path[600];
    tu_tmpdir(dir, sizeof dir);
    tu_path(path, sizeof path, dir, "plot.svg");
    scar_ctx *ctx = scar_ctx_create();
    static sample s;
    sample_init(&s);
    assert_int_equal(scar_plot_write(ctx, &s.plot, path, 640, 360), SCAR_OK);
    assert_svg(path, 640, 360);
    scar_ctx_destroy(&ctx);
    rm_dir(dir);
}

/* Gaps, bands, marks, constant and empty data, ranges that would divide by
 * zero or overflow: each still makes a picture. */
static void awkward_data_still_plot(void **state)
{
    (void)state;
    char dir[512], path[600];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    static sample s;
    sample_init(&s);
    double x[5] = {0, 1, 2, 3, 4}, nan5[5] = {NAN, NAN, NAN, NAN, NAN};
    double c5[5] = {2.5, 2.5, 2.5, 2.5, 2.5}, z5[5] = {0, 0, 0, 0, 0};
    double gap[5] = {1, NAN, 3, NAN, 5}, lo[5] = {0.5, 0.5, NAN, 2, 4}, hi[5] = {2, 3, NAN, 5, 6};
    double huge[5] = {1e300, -1e300, 0, 1e-300, 5}, inf[5] = {INFINITY, 1, -INFINITY, 2, NAN};
    double tiny[5] = {1e-9, 3e-9, 2e-9, 5e-9, 4e-9}, xsame[5] = {7, 7, 7, 7, 7};
    double mark_nan[2] = {NAN, 2};
    struct {
        const char *name;
        scar_plot_series se;
        const double *marks;
        size_t nmarks;
        bool from_zero;
        double y_min, y_max;
    } cases[] = {
        {"gaps", {"gaps", x, gap, 5, NULL, NULL, true, false}, NULL, 0, false, 0, 0},
        {"band", {"band", x, gap, 5, lo, hi, false, false}, NULL, 0, false, 0, 0},
        {"marks", {"m", x, gap, 5, NULL, NULL, false, false}, mark_nan, 2, false, 0, 0},
        {"constant", {"c", x, c5, 5, NULL, NULL, false, false}, NULL, 0, false, 0, 0},
        {"zero", {"z", x, z5, 5, NULL, NULL, false, false}, NULL, 0, false, 0, 0},
        {"constant-from-zero", {"c", x, c5, 5, NULL, NULL, false, false}, NULL, 0, true, 0, 0},
        {"all-nan", {"none", x, nan5, 5, NULL, NULL, false, false}, NULL, 0, false, 0, 0},
        {"all-nan-marks", {"none", x, nan5, 5, NULL, NULL, false, false}, mark_nan, 2, false, 0, 0},
        {"empty", {"empty", NULL, NULL, 0, NULL, NULL, false, false}, NULL, 0, false, 0, 0},
        {"one-x", {"one-x", xsame, gap, 5, NULL, NULL, false, false}, NULL, 0, false, 0, 0},
        {"huge", {"huge", x, huge, 5, NULL, NULL, true, false}, NULL, 0, false, 0, 0},
        {"inf", {"inf", x, inf, 5, NULL, NULL, false, false}, NULL, 0, false, 0, 0},
        {"tiny", {"tiny", x, tiny, 5, NULL, NULL, false, false}, NULL, 0, false, 0, 0},
        {"fixed", {"f", x, huge, 5, NULL, NULL, true, false}, NULL, 0, false, -1, 1},
        {"no-label", {NULL, x, gap, 5, NULL, NULL, false, true}, NULL, 0, false, 0, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        scar_plot p = {.title = cases[k].name,
                       .x_label = "day",
                       .y_label = "depth (mm)",
                       .series = &cases[k].se,
                       .nseries = 1,
                       .x_marks = cases[k].marks,
                       .nx_marks = cases[k].nmarks,
                       .x_marks_label = "session",
                       .y_from_zero = cases[k].from_zero,
                       .y_min = cases[k].y_min,
                       .y_max = cases[k].y_max};
        snprintf(path, sizeof path, "%s/%s.png", dir, cases[k].name);
        if (scar_plot_write(ctx, &p, path, 400, 300) != SCAR_OK)
            fail_msg("case %s: %s", cases[k].name, tu_errmsg(ctx));
        assert_png_size(path, 400, 300);
        snprintf(path, sizeof path, "%s/%s.svg", dir, cases[k].name);
        if (scar_plot_write(ctx, &p, path, 400, 300) != SCAR_OK)
            fail_msg("case %s (svg): %s", cases[k].name, tu_errmsg(ctx));
    }
    /* No series at all, no labels at all. */
    scar_plot bare = {0};
    tu_path(path, sizeof path, dir, "bare.png");
    assert_int_equal(scar_plot_write(ctx, &bare, path, 300, 200), SCAR_OK);
    assert_png_size(path, 300, 200);
    scar_ctx_destroy(&ctx);
    rm_dir(dir);
}

static void forest_writes_both_formats(void **state)
{
    (void)state;
    char dir[512], path[600];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    scar_forest_row rows[] = {
        {"Goodman-Baron quantitative", -6.1, -8.0, -4.2, -5.4, -7.9, -2.9},
        {"ECCA", -28, -40, -15, -32, NAN, NAN},
        {"depth change (%)", -12, -20, -5, NAN, NAN, NAN},
        {NULL, 2.1, 0.9, 3.3, 2.8, 1.5, 4.1},
        {"missing", NAN, NAN, NAN, NAN, NAN, NAN},
    };
    unsigned w, h_all, h_two, h_none;
    tu_path(path, sizeof path, dir, "forest.png");
    assert_int_equal(
        scar_forest_write(ctx, "Trial replay", "difference from baseline", rows, 5, path, 800),
        SCAR_OK);
    png_size(path, &w, &h_all);
    assert_int_equal(w, 800);
    tu_path(path, sizeof path, dir, "forest2.png");
    assert_int_equal(scar_forest_write(ctx, "Trial replay", "difference", rows, 2, path, 800),
                     SCAR_OK);
    png_size(path, &w, &h_two);
    assert_true(h_all > h_two); /* the height follows the rows */
    tu_path(path, sizeof path, dir, "forest0.png");
    assert_int_equal(scar_forest_write(ctx, NULL, NULL, NULL, 0, path, 300), SCAR_OK);
    png_size(path, &w, &h_none);
    assert_int_equal(w, 300);
    assert_true(h_none >= 1);
    tu_path(path, sizeof path, dir, "forest.svg");
    assert_int_equal(
        scar_forest_write(ctx, "Trial replay", "difference from baseline", rows, 5, path, 800),
        SCAR_OK);
    assert_svg(path, 800, (int)h_all);
    /* Predicted dots and bars in the first colour, published diamonds in
     * the second. */
    double c0[3], c1[3];
    scar_plot_series_colour(0, c0);
    scar_plot_series_colour(1, c1);
    tu_path(path, sizeof path, dir, "forest.png");
    assert_true(count_colour(path, c0, 24) > 300);
    assert_true(count_colour(path, c1, 24) > 100);
    scar_ctx_destroy(&ctx);
    rm_dir(dir);
}

static void bad_arguments_are_refused(void **state)
{
    (void)state;
    char dir[512], path[600];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    static sample s;
    sample_init(&s);

    tu_path(path, sizeof path, dir, "plot.jpg");
    assert_int_equal(scar_plot_write(ctx, &s.plot, path, 800, 500), SCAR_EINPUT);
    tu_assert_err_has(ctx, "path");
    tu_assert_err_has(ctx, path);
    tu_assert_err_has(ctx, ".png or .svg");
    tu_assert_err_has(ctx, "\".jpg\"");
    assert_false(tu_exists(path));
    tu_path(path, sizeof path, dir, "plot");
    assert_int_equal(scar_plot_write(ctx, &s.plot, path, 800, 500), SCAR_EINPUT);
    tu_assert_err_has(ctx, "no extension");
    assert_int_equal(scar_forest_write(ctx, "t", "x", NULL, 0, path, 800), SCAR_EINPUT);
    tu_assert_err_has(ctx, "path");

    tu_path(path, sizeof path, dir, "plot.png");
    assert_int_equal(scar_plot_write(ctx, &s.plot, path, 199, 500), SCAR_EINPUT);
    tu_assert_err_has(ctx, "width");
    tu_assert_err_has(ctx, "199");
    assert_int_equal(scar_plot_write(ctx, &s.plot, path, 800, 4001), SCAR_EINPUT);
    tu_assert_err_has(ctx, "height");
    tu_assert_err_has(ctx, "200 to 4000");
    assert_int_equal(scar_forest_write(ctx, "t", "x", NULL, 0, path, 100), SCAR_EINPUT);
    tu_assert_err_has(ctx, "width");

    scar_plot p = s.plot;
    p.series = NULL;
    assert_int_equal(scar_plot_write(ctx, &p, path, 800, 500), SCAR_EINPUT);
    tu_assert_err_has(ctx, "series");
    p = s.plot;
    scar_plot_series bad[2] = {s.series[0], s.series[1]};
    bad[1].y = NULL;
    p.series = bad;
    assert_int_equal(scar_plot_write(ctx, &p, path, 800, 500), SCAR_EINPUT);
    tu_assert_err_has(ctx, "series[1].y");
    bad[1] = s.series[1];
    bad[0].y_hi = NULL;
    assert_int_equal(scar_plot_write(ctx, &p, path, 800, 500), SCAR_EINPUT);
    tu_assert_err_has(ctx, "series[0].y_hi");
    p = s.plot;
    p.x_marks = NULL;
    assert_int_equal(scar_plot_write(ctx, &p, path, 800, 500), SCAR_EINPUT);
    tu_assert_err_has(ctx, "x_marks");
    assert_int_equal(scar_plot_write(ctx, NULL, path, 800, 500), SCAR_EINPUT);

    assert_int_equal(scar_forest_write(ctx, "t", "x", NULL, 3, path, 800), SCAR_EINPUT);
    tu_assert_err_has(ctx, "rows");
    /* More rows than fit in the largest picture. */
    static scar_forest_row many[400];
    for (size_t k = 0; k < 400; k++)
        many[k] = (scar_forest_row){"row", 1, 0, 2, NAN, NAN, NAN};
    assert_int_equal(scar_forest_write(ctx, "t", "x", many, 400, path, 800), SCAR_EINPUT);
    tu_assert_err_has(ctx, "rows");
    tu_assert_err_has(ctx, "4000");
    assert_false(tu_exists(path));
    assert_int_equal(tu_count_tmp(dir), 0);
    scar_ctx_destroy(&ctx);
    rm_dir(dir);
}

/* Missing folder, a folder in the way of the rename, a failed allocation:
 * an error naming the file, nothing written, no temporary left. */
static void failed_writes_leave_nothing(void **state)
{
    (void)state;
    char dir[512], path[600];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    static sample s;
    sample_init(&s);
    scar_forest_row row = {"a", 1, 0, 2, 1.5, 1, 2};

    tu_path(path, sizeof path, dir, "missing/plot.png");
    assert_int_not_equal(scar_plot_write(ctx, &s.plot, path, 800, 500), SCAR_OK);
    tu_assert_err_has(ctx, path);
    assert_int_not_equal(scar_forest_write(ctx, "t", "x", &row, 1, path, 800), SCAR_OK);
    tu_assert_err_has(ctx, path);

    const char *names[] = {"taken.png", "taken.svg"};
    for (size_t k = 0; k < 2; k++) {
        tu_path(path, sizeof path, dir, names[k]);
        assert_int_equal(mkdir(path, 0755), 0);
        assert_int_equal(scar_plot_write(ctx, &s.plot, path, 800, 500), SCAR_EIO);
        tu_assert_err_has(ctx, path);
        assert_int_equal(scar_forest_write(ctx, "t", "x", &row, 1, path, 800), SCAR_EIO);
        tu_assert_err_has(ctx, path);
    }

    tu_path(path, sizeof path, dir, "nomem.svg");
    scar_ctx_fail_alloc_after(ctx, 1);
    assert_int_equal(scar_plot_write(ctx, &s.plot, path, 800, 500), SCAR_ENOMEM);
    scar_ctx_fail_alloc_after(ctx, 0);
    assert_false(tu_exists(path));
    assert_int_equal(tu_count_tmp(dir), 0);
    scar_ctx_destroy(&ctx);
    rm_dir(dir);
}

/* The first series is drawn, in its colour: many pixels close to it; a plot
 * without data has none. */
static void png_shows_the_series_colours(void **state)
{
    (void)state;
    char dir[512], path[600];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    static sample s;
    sample_init(&s);
    double c0[3], c1[3];
    scar_plot_series_colour(0, c0);
    scar_plot_series_colour(1, c1);
    /* Okabe-Ito blue and vermillion, the first two of the palette. */
    assert_true(fabs(c0[0] - 0x00 / 255.0) < 0.01 && fabs(c0[1] - 0x72 / 255.0) < 0.01 &&
                fabs(c0[2] - 0xB2 / 255.0) < 0.01);
    assert_true(fabs(c1[0] - 0xD5 / 255.0) < 0.01 && fabs(c1[1] - 0x5E / 255.0) < 0.01);

    tu_path(path, sizeof path, dir, "plot.png");
    assert_int_equal(scar_plot_write(ctx, &s.plot, path, 800, 500), SCAR_OK);
    /* A 2-pixel line across ~700 pixels of plot. */
    long n0 = count_colour(path, c0, 24), n1 = count_colour(path, c1, 24);
    assert_true(n0 > 700);
    assert_true(n1 > 300);

    double nan[N];
    for (int i = 0; i < N; i++)
        nan[i] = NAN;
    s.series[0].y = nan;
    s.series[0].y_lo = s.series[0].y_hi = NULL;
    s.series[1].y = nan;
    tu_path(path, sizeof path, dir, "empty.png");
    assert_int_equal(scar_plot_write(ctx, &s.plot, path, 800, 500), SCAR_OK);
    assert_true(count_colour(path, c0, 24) < 10);
    scar_ctx_destroy(&ctx);
    rm_dir(dir);
}

static void label_of(double lo, double hi, int target, bool extend, int k, char *buf, size_t n)
{
    plot_axis a;
    plot_axis_make(&a, lo, hi, target, extend);
    plot_axis_label(&a, plot_axis_tick(&a, k), buf, n);
}

/* Steps of 1, 2 or 5 times a power of ten; labels with exactly the digits
 * the step needs; degenerate ranges widened without dividing by zero. */
static void ticks_are_nice_and_exact(void **state)
{
    (void)state;
    plot_axis a;
    plot_axis_make(&a, 0.1, 0.7, 6, true);
    assert_true(fabs(a.step - 0.1) < 1e-15);
    char buf[64];
    for (int k = 0; k < a.count; k++) {
        plot_axis_label(&a, plot_axis_tick(&a, k), buf, sizeof buf);
        assert_true(strlen(buf) <= 3); /* "0.3", never "0.30000000000000004" */
    }
    label_of(0.1, 0.7, 6, true, 2, buf, sizeof buf);
    assert_string_equal(buf, "0.3");
    label_of(-1, 1, 4, true, 0, buf, sizeof buf);
    assert_string_equal(buf, "\u22121.0"); /* a true minus sign */
    for (double lo = -3.7; lo < 3; lo += 0.37) {
        plot_axis_make(&a, lo, lo + 2.9, 5, true);
        double m = a.step / pow(10, floor(log10(a.step)));
        assert_true(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
        assert_true(a.lo <= lo && a.hi >= lo + 2.9);
        for (int k = 0; k < a.count; k++) {
            plot_axis_label(&a, plot_axis_tick(&a, k), buf, sizeof buf);
            assert_null(strchr(buf, '-')); /* a true minus sign, never a hyphen */
            if (strncmp(buf, "\u2212", 3) == 0)
                assert_true(atof(buf + 3) != 0); /* never "-0" or "-0.0" */
        }
    }
    /* Constant data: a range around the value, ticks present. */
    plot_axis_make(&a, 2.5, 2.5, 5, true);
    assert_true(a.lo < 2.5 && a.hi > 2.5 && a.count >= 2);
    plot_axis_make(&a, 0, 0, 5, true);
    assert_true(a.lo < 0 && a.hi > 0 && a.count >= 2);
    plot_axis_make(&a, NAN, 3, 5, true);
    assert_true(a.lo == 0 && a.hi == 1);
    plot_axis_make(&a, -1e308, 1e308, 5, true);
    assert_true(isfinite(a.step) && a.count >= 2 && a.count <= 40);
    /* Large and small numbers in powers of ten. */
    label_of(0, 3.5e7, 7, true, 7, buf, sizeof buf);
    assert_string_equal(buf, "3.5\u00d710\u2077");
    label_of(0, 1e-4, 5, true, 1, buf, sizeof buf);
    assert_string_equal(buf, "2\u00d710\u207b\u2075");
    label_of(0, 3.5e7, 7, true, 0, buf, sizeof buf);
    assert_string_equal(buf, "0");
}

/* LeakSanitizer (make sanitize) reads suppressions from this hook:
 * fontconfig, under cairo's text, keeps its font cache for the life of the
 * process by design, and only FcFini (not linked here) would free it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(png_has_the_requested_size),
        cmocka_unit_test(svg_is_well_formed),
        cmocka_unit_test(awkward_data_still_plot),
        cmocka_unit_test(forest_writes_both_formats),
        cmocka_unit_test(bad_arguments_are_refused),
        cmocka_unit_test(failed_writes_leave_nothing),
        cmocka_unit_test(png_shows_the_series_colours),
        cmocka_unit_test(ticks_are_nice_and_exact),
    };
    return cmocka_run_group_tests_name("plot", tests, NULL, NULL);
}
