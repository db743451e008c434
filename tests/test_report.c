/*
 * test_report.c — the report layer: scan JSON keys, the HTML page, the
 * picture, on a hand-made scan result (independent of the scan algorithm).
 */
#include "testutil.h"

#include <jansson.h>
#include <math.h>

/* A 3 x 2 mm map at 50 um with one boxcar-like pit labelled 1. */
static scar_scan_result *fake_result(scar_ctx *ctx)
{
    scar_scan_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_int_equal(scar_heightmap_create(ctx, 60, 40, 50, 50, &r->levelled), SCAR_OK);
    r->labels = calloc(60 * 40, sizeof *r->labels);
    assert_non_null(r->labels);
    for (size_t j = 15; j < 25; j++)
        for (size_t i = 20; i < 30; i++) {
            SCAR_HM_AT(r->levelled, i, j) = -300.0f;
            r->labels[j * 60 + i] = 1;
        }
    scar_scar s = {.type = SCAR_TYPE_BOXCAR, .profile = SCAR_PROFILE_U, .deep = false,
                   .x_mm = 1.25, .y_mm = 1.0, .width_mm = 0.564, .length_mm = 0.7,
                   .depth_mm = 0.3, .mean_depth_mm = 0.3, .area_mm2 = 0.25,
                   .volume_mm3 = 0.075, .wall_slope_deg = 80, .flatness = 1.0};
    assert_int_equal(scar_scar_list_push(ctx, &r->scars, &s), SCAR_OK);
    scar_grade_scars(r->scars.v, r->scars.n, 6.0, &r->grade);
    r->iso = (scar_iso25178){.Sa_um = 7.5, .Sq_um = 27, .Sz_um = 300, .Sv_um = 300};
    r->field_area_mm2 = 6.0;
    return r;
}

static void scan_json_has_contract_keys(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_scan_result *r = fake_result(ctx);
    char *text = NULL;
    assert_int_equal(scar_scan_to_json(ctx, r, "skin.gsf", &text), SCAR_OK);
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    assert_non_null(j);
    json_t *scars = json_object_get(j, "scars");
    assert_int_equal(json_array_size(scars), 1);
    json_t *s0 = json_array_get(scars, 0);
    assert_string_equal(json_string_value(json_object_get(s0, "type")), "boxcar");
    const char *keys[] = {"x_mm", "y_mm", "width_mm", "depth_mm", "area_mm2", "volume_mm3"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        assert_true(json_is_number(json_object_get(s0, keys[k])));
    assert_true(fabs(json_number_value(json_object_get(s0, "depth_mm")) - 0.3) < 1e-12);
    json_t *counts = json_object_get(j, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "boxcar")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "icepick")), 0);
    json_t *gb = json_object_get(j, "goodman_baron");
    assert_int_equal(json_integer_value(json_object_get(gb, "quantitative_score")),
                     r->grade.gb_quantitative);
    assert_int_equal(json_integer_value(json_object_get(gb, "qualitative_grade")),
                     r->grade.gb_qualitative);
    assert_int_equal(json_integer_value(json_object_get(j, "ecca")), r->grade.ecca);
    json_t *iso = json_object_get(j, "iso25178");
    assert_true(fabs(json_number_value(json_object_get(iso, "Sa_um")) - 7.5) < 1e-12);
    assert_non_null(json_object_get(iso, "Sv_um"));
    assert_non_null(json_object_get(json_object_get(j, "provenance"), "git"));
    json_decref(j);
    free(text);
    scar_scar_list_clear(&r->scars);
    free(r->labels);
    r->labels = NULL;
    scar_scan_result_destroy(&r);
    scar_ctx_destroy(&ctx);
}

static void html_report_is_self_contained(void **state)
{
    (void)state;
    char dir[512], png[600], html[600];
    tu_tmpdir(dir, sizeof dir);
    tu_path(png, sizeof png, dir, "scan.png");
    tu_path(html, sizeof html, dir, "report.html");
    scar_ctx *ctx = scar_ctx_create();
    scar_scan_result *r = fake_result(ctx);
    assert_int_equal(scar_render_scan_png(ctx, r->levelled, r, png), SCAR_OK);
    FILE *f = fopen(png, "rb");
    assert_non_null(f);
    unsigned char magic[8];
    assert_int_equal(fread(magic, 1, 8, f), 8);
    fclose(f);
    assert_memory_equal(magic, "\x89PNG\r\n\x1a\n", 8);
    scar_scan_report rep = {.title = "a <test> & more", .source = "a\"b.gsf", .scan = r,
                            .truth = &r->scars, .truth_field_area_mm2 = 6.0, .png_path = png};
    assert_int_equal(scar_scan_report_html(ctx, &rep, html), SCAR_OK);
    f = fopen(html, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "not a substitute for a dermatologist"));
    assert_non_null(strstr(buf, "a &lt;test&gt; &amp; more"));
    assert_non_null(strstr(buf, "a&quot;b.gsf"));
    assert_non_null(strstr(buf, "data:image/png;base64,iVBORw0KGgo"));
    assert_non_null(strstr(buf, "Found against the truth"));
    assert_null(strstr(buf, "http://"));  /* nothing fetched: opens offline */
    assert_null(strstr(buf, "https://"));
    /* A missing picture fails cleanly and leaves no page behind. */
    rep.png_path = "/nonexistent/scan.png";
    char html2[600];
    tu_path(html2, sizeof html2, dir, "report2.html");
    assert_int_equal(scar_scan_report_html(ctx, &rep, html2), SCAR_EIO);
    assert_false(tu_exists(html2));
    assert_int_equal(tu_count_tmp(dir), 0);
    scar_scar_list_clear(&r->scars);
    scar_scan_result_destroy(&r);
    scar_ctx_destroy(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scan_json_has_contract_keys),
        cmocka_unit_test(html_report_is_self_contained),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
