/*
 * test_grade.c — the grading scales (docs/grading.md) on hand-made scar
 * lists with hand-computed scores, and the ISO 25178 height parameters on a
 * surface whose values are known in closed form.
 */
#include "testutil.h"

#include <math.h>

static scar_scar mk(scar_type t, double depth_mm, double area_mm2)
{
    scar_scar s;
    memset(&s, 0, sizeof s);
    s.type = t;
    s.depth_mm = depth_mm;
    s.area_mm2 = area_mm2;
    s.width_mm = 2 * sqrt(area_mm2 / M_PI);
    s.deep = t == SCAR_TYPE_BOXCAR && depth_mm >= SCAR_BOXCAR_DEEP_MM;
    return s;
}

/* n copies of one scar appended to v at *k. */
static void add(scar_scar *v, size_t *k, size_t n, scar_scar s)
{
    for (size_t i = 0; i < n; i++)
        v[(*k)++] = s;
}

static void lesion_categories(void **state)
{
    (void)state;
    scar_scar s = mk(SCAR_TYPE_ICEPICK, 0.8, 1);
    assert_int_equal(scar_gb_lesion_of(&s), SCAR_GB_PUNCHED_DEEP_ABNORMAL);
    s = mk(SCAR_TYPE_BOXCAR, 0.49, 5);
    assert_int_equal(scar_gb_lesion_of(&s), SCAR_GB_PUNCHED_SHALLOW);
    s = mk(SCAR_TYPE_BOXCAR, 0.5, 5); /* Jacob's cut-off is inclusive */
    assert_int_equal(scar_gb_lesion_of(&s), SCAR_GB_PUNCHED_DEEP_NORMAL);
    /* Rolling under 1.5 cm^2: moderate from 0.2 mm, else mild. */
    s = mk(SCAR_TYPE_ROLLING, 0.19, 30);
    assert_int_equal(scar_gb_lesion_of(&s), SCAR_GB_MILD_DISH);
    s = mk(SCAR_TYPE_ROLLING, 0.2, 30);
    assert_int_equal(scar_gb_lesion_of(&s), SCAR_GB_MODERATE_ATROPHIC);
    s = mk(SCAR_TYPE_ROLLING, 0.4, 149.9);
    assert_int_equal(scar_gb_lesion_of(&s), SCAR_GB_MODERATE_ATROPHIC);
    /* Rolling of 1.5 cm^2 or more: broad, deep from 0.5 mm. */
    s = mk(SCAR_TYPE_ROLLING, 0.49, 150);
    assert_int_equal(scar_gb_lesion_of(&s), SCAR_GB_BROAD_SHALLOW);
    s = mk(SCAR_TYPE_ROLLING, 0.5, 150);
    assert_int_equal(scar_gb_lesion_of(&s), SCAR_GB_BROAD_DEEP);
    s = mk(SCAR_TYPE_HYPERTROPHIC, 0.3, 4);
    assert_int_equal(scar_gb_lesion_of(&s), SCAR_GB_HYPERTROPHIC);
    s = mk(SCAR_TYPE_COUNT, 0.3, 4);
    assert_int_equal(scar_gb_lesion_of(&s), SCAR_GB_COUNT);
}

static void empty_input_grades_zero(void **state)
{
    (void)state;
    scar_grade g;
    memset(&g, 0x5a, sizeof g);
    scar_grade_scars(NULL, 0, 144, &g);
    assert_int_equal(g.gb_qualitative, 0);
    assert_int_equal(g.gb_quantitative, 0);
    assert_int_equal(g.ecca, 0);
    assert_int_equal(g.boxcar_deep, 0);
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        assert_int_equal(g.counts[t], 0);
    for (int l = 0; l < SCAR_GB_COUNT; l++)
        assert_int_equal(g.gb_lesions[l], 0);
    assert_true(g.scarred_area_fraction == 0);
    /* A record of no known type is not graded. */
    scar_scar odd = mk(SCAR_TYPE_COUNT, 1, 1);
    scar_grade_scars(&odd, 1, 144, &g);
    assert_int_equal(g.gb_quantitative, 0);
    assert_int_equal(g.gb_qualitative, 0);
}

static void quantitative_mixed(void **state)
{
    (void)state;
    /* 2 icepick (C, 3) + 3 shallow boxcar (B, 2) + 1 deep boxcar (C, 3)
     * + 1 small shallow rolling (A, 1), each category x1: 3 + 2 + 3 + 1 = 9. */
    scar_scar v[16];
    size_t k = 0;
    add(v, &k, 2, mk(SCAR_TYPE_ICEPICK, 1.0, 0.8));
    add(v, &k, 3, mk(SCAR_TYPE_BOXCAR, 0.3, 5));
    add(v, &k, 1, mk(SCAR_TYPE_BOXCAR, 0.7, 6));
    add(v, &k, 1, mk(SCAR_TYPE_ROLLING, 0.15, 20));
    scar_grade g;
    scar_grade_scars(v, k, 144, &g);
    assert_int_equal(g.gb_quantitative, 9);
    assert_int_equal(g.counts[SCAR_TYPE_ICEPICK], 2);
    assert_int_equal(g.counts[SCAR_TYPE_BOXCAR], 4);
    assert_int_equal(g.boxcar_deep, 1);
    assert_int_equal(g.counts[SCAR_TYPE_ROLLING], 1);
    assert_int_equal(g.gb_lesions[SCAR_GB_PUNCHED_DEEP_ABNORMAL], 2);
    assert_int_equal(g.gb_lesions[SCAR_GB_PUNCHED_SHALLOW], 3);
    assert_int_equal(g.gb_lesions[SCAR_GB_PUNCHED_DEEP_NORMAL], 1);
    assert_int_equal(g.gb_lesions[SCAR_GB_MILD_DISH], 1);
    /* Area: 1.6 + 15 + 6 + 20 = 42.6 of 144 mm^2. */
    assert_true(fabs(g.scarred_area_fraction - 42.6 / 144) < 1e-12);
    /* Qualitative: the load is depth-weighted area (full from 0.5 mm):
     * icepicks 1.6 + shallow boxcars 15 x 0.6 + deep boxcar 6 + rolling
     * 20 x 0.3 = 22.6 of 144; the punched-out (C) part 7.6/144 = 5.3% is
     * over 0.35% -> 4. */
    assert_true(fabs(g.visible_load - 22.6 / 144) < 1e-12);
    assert_true(fabs(g.unstretchable_load - 7.6 / 144) < 1e-12);
    assert_int_equal(g.gb_qualitative, 4);
    /* ECCA: V 2 -> 1, U 4 -> 1, M 1 -> 1: 15 + 20 + 25 = 60. */
    assert_int_equal(g.ecca, 60);
}

static void count_bands(void **state)
{
    (void)state;
    /* Quantitative multiplier x1 for 1-10, x2 for 11-20, x3 beyond; ECCA
     * grade 1 below 5, 2 for 5-20, 3 beyond. */
    static const struct {
        int n, gb, ecca;
    } cases[] = {{1, 3, 15},  {4, 3, 15},  {5, 3, 30},  {10, 3, 30},
                 {11, 6, 30}, {20, 6, 30}, {21, 9, 45}, {40, 9, 45}};
    scar_scar v[64];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t k = 0;
        add(v, &k, (size_t)cases[c].n, mk(SCAR_TYPE_ICEPICK, 1.0, 0.5));
        scar_grade g;
        /* A field large enough that the load stays under "obvious" (0.35%):
         * the qualitative grade does not count lesions. */
        scar_grade_scars(v, k, 1e6, &g);
        assert_int_equal(g.gb_quantitative, cases[c].gb);
        assert_int_equal(g.ecca, cases[c].ecca);
        assert_int_equal(g.gb_qualitative, 2);
    }
}

static void hypertrophic_area_bands(void **state)
{
    (void)state;
    /* Under 5 cm^2 -> 6, 5-20 cm^2 -> 12, over 20 cm^2 -> 18, whatever the
     * count. */
    static const struct {
        double area_mm2;
        int n, gb, qual;
    } cases[] = {{10, 1, 6, 2},   {499, 1, 6, 2},    {16, 30, 6, 2},  {500, 1, 12, 4},
                 {2000, 1, 12, 4}, {2001, 1, 18, 4}, {2500, 25, 18, 4}};
    scar_scar v[32];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t k = 0;
        add(v, &k, (size_t)cases[c].n,
            mk(SCAR_TYPE_HYPERTROPHIC, 0.3, cases[c].area_mm2 / cases[c].n));
        scar_grade g;
        scar_grade_scars(v, k, 1e6, &g);
        assert_int_equal(g.gb_quantitative, cases[c].gb);
        assert_int_equal(g.gb_qualitative, cases[c].qual);
        assert_int_equal(g.gb_lesions[SCAR_GB_HYPERTROPHIC], cases[c].n);
    }
    /* ECCA item 6 weighs 50: 25 hypertrophic scars grade 3. */
    scar_scar w[25];
    size_t k = 0;
    add(w, &k, 25, mk(SCAR_TYPE_HYPERTROPHIC, 0.3, 2));
    scar_grade g;
    scar_grade_scars(w, k, 1e6, &g);
    assert_int_equal(g.ecca, 150);
}

static void qualitative_rules(void **state)
{
    (void)state;
    /* A field on which 20 mm^2 of load is obvious, whatever the threshold:
     * the cases below count load in mm^2 against that 20. */
    const double F = 20.0 / SCAR_GB_OBVIOUS_LOAD;
    scar_scar v[16];
    scar_grade g;
    size_t k = 0;
    /* One mild dish, 20 mm^2 x 0.1/0.5 = 4 mm^2 of load: any lesion -> 2. */
    add(v, &k, 1, mk(SCAR_TYPE_ROLLING, 0.1, 20));
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 2);
    /* Obvious from a load of 20: four shallow boxcars of 8 mm^2 at 0.25 mm
     * (16) -> 2; six (24) -> 3. */
    k = 0;
    add(v, &k, 4, mk(SCAR_TYPE_BOXCAR, 0.25, 8));
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 2);
    add(v, &k, 2, mk(SCAR_TYPE_BOXCAR, 0.25, 8));
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 3);
    /* Depth weighs: one rolling scar of 50 mm^2 at 0.25 mm (25) -> 3, the
     * same at 0.15 mm (15) -> 2, at 0.8 mm it counts its whole area. */
    k = 0;
    add(v, &k, 1, mk(SCAR_TYPE_ROLLING, 0.25, 50));
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 3);
    v[0].depth_mm = 0.15;
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 2);
    v[0].depth_mm = 0.8;
    scar_grade_scars(v, k, F, &g);
    assert_true(fabs(g.visible_load - 50 / F) < 1e-12);
    /* One punched-out scar is not obvious on its own: a deep boxcar of
     * 5 mm^2 -> 2. */
    k = 0;
    add(v, &k, 1, mk(SCAR_TYPE_BOXCAR, 0.6, 5));
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 2);
    /* Not flattened by stretching: six icepicks of 3 mm^2 (C load 18) beside
     * a moderate rolling scar (10 more) are obvious -> 3; a seventh icepick
     * (C load 21) -> 4. */
    k = 0;
    add(v, &k, 6, mk(SCAR_TYPE_ICEPICK, 1.0, 3));
    add(v, &k, 1, mk(SCAR_TYPE_ROLLING, 0.25, 20));
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 3);
    add(v, &k, 1, mk(SCAR_TYPE_ICEPICK, 1.0, 3));
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 4);
    /* The grade follows treatment: five deep boxcars of 5 mm^2 at 0.6 mm
     * (C load 25) -> 4; raised to 0.45 mm they are shallow, no longer
     * punched-out deep (load 22.5) -> 3; to 0.3 mm (15) -> 2. */
    k = 0;
    add(v, &k, 5, mk(SCAR_TYPE_BOXCAR, 0.6, 5));
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 4);
    for (size_t i = 0; i < k; i++)
        v[i] = mk(SCAR_TYPE_BOXCAR, 0.45, 5);
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 3);
    for (size_t i = 0; i < k; i++)
        v[i] = mk(SCAR_TYPE_BOXCAR, 0.3, 5);
    scar_grade_scars(v, k, F, &g);
    assert_int_equal(g.gb_qualitative, 2);
    /* A field of no area: no load can be judged; any lesion -> 2. */
    add(v, &k, 10, mk(SCAR_TYPE_ICEPICK, 1.0, 3));
    scar_grade_scars(v, k, 0, &g);
    assert_int_equal(g.gb_qualitative, 2);
    assert_true(g.scarred_area_fraction == 0 && g.visible_load == 0);
}

static void bounds_hold(void **state)
{
    (void)state;
    /* 25 of every lesion category a height map can show, and 25 cm^2 of
     * hypertrophy: A 1x3 + B 3x2x3 + C 3x3x3 + D 18 = 66 <= 84; ECCA
     * 3 x (15 + 20 + 25 + 50) = 330 <= 540. */
    enum { N = 25 };
    scar_scar v[7 * N];
    size_t k = 0;
    add(v, &k, N, mk(SCAR_TYPE_ROLLING, 0.1, 20));    /* A mild dish */
    add(v, &k, N, mk(SCAR_TYPE_ROLLING, 0.3, 20));    /* B moderate */
    add(v, &k, N, mk(SCAR_TYPE_BOXCAR, 0.3, 5));      /* B punched shallow */
    add(v, &k, N, mk(SCAR_TYPE_ROLLING, 0.3, 200));   /* B broad shallow */
    add(v, &k, N, mk(SCAR_TYPE_BOXCAR, 0.8, 5));      /* C punched deep */
    add(v, &k, N, mk(SCAR_TYPE_ICEPICK, 1.2, 1));     /* C deep abnormal */
    add(v, &k, N, mk(SCAR_TYPE_ROLLING, 0.6, 200));   /* C broad deep */
    scar_grade g;
    scar_grade_scars(v, k, 1e5, &g);
    assert_int_equal(g.gb_quantitative, 48);
    assert_int_equal(g.ecca, 3 * (15 + 20 + 25));
    scar_scar h[7 * N + 1];
    memcpy(h, v, sizeof v);
    h[k] = mk(SCAR_TYPE_HYPERTROPHIC, 0.4, 2500);
    scar_grade_scars(h, k + 1, 1e5, &g);
    assert_int_equal(g.gb_quantitative, 66);
    assert_true(g.gb_quantitative <= 84);
    assert_int_equal(g.gb_qualitative, 4);
    assert_int_equal(g.ecca, 3 * (15 + 20 + 25) + 50);
    /* Every type beyond 20 scars: the ECCA maximum a height map reaches. */
    scar_scar e[4 * N];
    k = 0;
    add(e, &k, N, mk(SCAR_TYPE_ICEPICK, 1, 1));
    add(e, &k, N, mk(SCAR_TYPE_BOXCAR, 0.3, 5));
    add(e, &k, N, mk(SCAR_TYPE_ROLLING, 0.3, 20));
    add(e, &k, N, mk(SCAR_TYPE_HYPERTROPHIC, 0.3, 2));
    scar_grade_scars(e, k, 1e5, &g);
    assert_int_equal(g.ecca, 330);
    assert_true(g.ecca <= 540);
    /* Scars said to cover more than the field: the fraction stops at 1. */
    scar_grade_scars(e, k, 10, &g);
    assert_true(g.scarred_area_fraction == 1);
}

/* z = A sin(2 pi x / L) over whole periods: Sa = 2A/pi, Sq = A/sqrt 2,
 * Sp = Sv = A, Ssk = 0, Sku = 3/2 (ISO 25178-2 definitions). */
static void iso_of_a_sine(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    const double A = 7.0;
    const size_t nx = 1000, ny = 40, period = 100;
    scar_heightmap *hm;
    assert_int_equal(scar_heightmap_create(ctx, nx, ny, 2, 2, &hm), SCAR_OK);
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) /* sampled at quarter-sample phase */
            SCAR_HM_AT(hm, i, j) =
                (float)(A * sin(2 * M_PI * ((double)i + 0.25) / (double)period) + 100.0);
    scar_iso25178 iso;
    for (int threads = 1; threads <= 2; threads++) {
        scar_ctx_set_threads(ctx, threads);
        assert_int_equal(scar_iso25178_compute(ctx, hm, &iso), SCAR_OK);
        assert_true(fabs(iso.Sa_um - 2 * A / M_PI) < 1e-3 * A);
        assert_true(fabs(iso.Sq_um - A / sqrt(2)) < 1e-4 * A);
        assert_true(fabs(iso.Sp_um - A) < 1e-3 * A);
        assert_true(fabs(iso.Sv_um - A) < 1e-3 * A);
        assert_true(fabs(iso.Sz_um - 2 * A) < 2e-3 * A);
        assert_true(fabs(iso.Ssk) < 1e-4);
        assert_true(fabs(iso.Sku - 1.5) < 1e-4);
    }
    /* The same for any thread count, to the bit. */
    scar_iso25178 one;
    scar_ctx_set_threads(ctx, 1);
    assert_int_equal(scar_iso25178_compute(ctx, hm, &one), SCAR_OK);
    assert_memory_equal(&one, &iso, sizeof iso);
    /* A flat surface: all zero, skewness and kurtosis left at 0. */
    memset(hm->z_um, 0, nx * ny * sizeof *hm->z_um);
    assert_int_equal(scar_iso25178_compute(ctx, hm, &iso), SCAR_OK);
    assert_true(iso.Sa_um == 0 && iso.Sq_um == 0 && iso.Sz_um == 0 && iso.Ssk == 0 &&
                iso.Sku == 0);
    assert_int_equal(scar_iso25178_compute(ctx, NULL, &iso), SCAR_EINPUT);
    /* An injected allocation failure is reported and clean. */
    scar_ctx_fail_alloc_after(ctx, 1);
    assert_int_equal(scar_iso25178_compute(ctx, hm, &iso), SCAR_ENOMEM);
    scar_heightmap_destroy(&hm);
    scar_ctx_destroy(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lesion_categories),
        cmocka_unit_test(empty_input_grades_zero),
        cmocka_unit_test(quantitative_mixed),
        cmocka_unit_test(count_bands),
        cmocka_unit_test(hypertrophic_area_bands),
        cmocka_unit_test(qualitative_rules),
        cmocka_unit_test(bounds_hold),
        cmocka_unit_test(iso_of_a_sine),
    };
    return cmocka_run_group_tests_name("grade", tests, NULL, NULL);
}
