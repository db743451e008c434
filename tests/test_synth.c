/*
 * test_synth.c — the synthetic skin: scar counts, dimensions inside their
 * published ranges, spacing, truth against the map it describes, the skin's
 * roughness, form and noise, determinism, refusals and allocation failures.
 */
#include "testutil.h"

#include "synth_internal.h"

#include <math.h>

/* The ranges of docs/synth.md: equal-area width, depth, largest aspect. */
static const struct {
    double w_lo, w_hi, d_lo, d_hi, aspect_hi;
    scar_profile profile;
} range[SCAR_TYPE_COUNT] = {
    [SCAR_TYPE_ICEPICK] = {0.4, 1.9, 0.6, 1.5, 1.1, SCAR_PROFILE_V},
    [SCAR_TYPE_BOXCAR] = {1.5, 4.0, 0.1, 1.0, 1.3, SCAR_PROFILE_U},
    [SCAR_TYPE_ROLLING] = {4.0, 8.0, 0.1, 0.4, 1.6, SCAR_PROFILE_M},
    [SCAR_TYPE_HYPERTROPHIC] = {1.0, 4.0, 0.1, 0.5, 1.3, SCAR_PROFILE_DOME},
};

static scar_synth_spec flat_spec(int icepick, int boxcar, int rolling, int hyper, double size_mm,
                                 double px_um, uint64_t seed)
{
    scar_synth_spec s;
    scar_synth_spec_default(&s);
    s.counts[SCAR_TYPE_ICEPICK] = icepick;
    s.counts[SCAR_TYPE_BOXCAR] = boxcar;
    s.counts[SCAR_TYPE_ROLLING] = rolling;
    s.counts[SCAR_TYPE_HYPERTROPHIC] = hyper;
    s.width_mm = s.height_mm = size_mm;
    s.px_um = px_um;
    s.seed = seed;
    s.texture = 0.0;
    s.noise_um = 0.0;
    s.form = 0.0;
    return s;
}

/* Makes a skin that must succeed. */
static void make(scar_ctx *ctx, const scar_synth_spec *s, scar_heightmap **hm,
                 scar_scar_list *truth)
{
    scar_status st = scar_synth(ctx, s, hm, truth);
    if (st)
        fail_msg("scar_synth: %s", tu_errmsg(ctx));
    assert_non_null(*hm);
}

/* The rim ellipse of a true scar: semi-axes from width (equal-area
 * diameter) and length (major axis). */
static void semi_axes(const scar_scar *s, double *a, double *b)
{
    *a = 0.5 * s->length_mm;
    *b = s->width_mm * s->width_mm / (2.0 * s->length_mm);
}

/* Elliptical radius of a point for the scar's rim grown by grow_mm. */
static double rim_radius(const scar_scar *s, double x, double y, double grow_mm)
{
    double a, b;
    semi_axes(s, &a, &b);
    a += grow_mm;
    b += grow_mm;
    double t = s->orientation_deg * M_PI / 180.0;
    double dx = x - s->x_mm, dy = y - s->y_mm;
    double u = (dx * cos(t) + dy * sin(t)) / a, v = (-dx * sin(t) + dy * cos(t)) / b;
    return sqrt(u * u + v * v);
}

static void rim_point(const scar_scar *s, double phi, double *x, double *y)
{
    double a, b, t = s->orientation_deg * M_PI / 180.0;
    semi_axes(s, &a, &b);
    double u = a * cos(phi), v = b * sin(phi);
    *x = s->x_mm + u * cos(t) - v * sin(t);
    *y = s->y_mm + u * sin(t) + v * cos(t);
}

static void default_spec_is_the_documented_one(void **state)
{
    (void)state;
    scar_synth_spec s;
    scar_synth_spec_default(&s);
    assert_int_equal(s.counts[SCAR_TYPE_BOXCAR], 2);
    assert_int_equal(s.counts[SCAR_TYPE_ICEPICK], 1);
    assert_int_equal(s.counts[SCAR_TYPE_ROLLING], 1);
    assert_int_equal(s.counts[SCAR_TYPE_HYPERTROPHIC], 0);
    assert_true(s.width_mm == 12.0 && s.height_mm == 12.0 && s.px_um == 25.0);
    assert_true(s.seed == 1 && s.texture == 1.0 && s.noise_um == 1.0 && s.form == 1.0);
    /* And it makes a 480 x 480 map with four scars. */
    scar_ctx *ctx = scar_ctx_create();
    scar_heightmap *hm = NULL;
    scar_scar_list truth = {0};
    make(ctx, &s, &hm, &truth);
    assert_int_equal(hm->nx, 480);
    assert_int_equal(hm->ny, 480);
    assert_true(hm->dx_um == 25.0 && hm->dy_um == 25.0);
    assert_int_equal(truth.n, 4);
    scar_scar_list_clear(&truth);
    scar_heightmap_destroy(&hm);
    scar_ctx_destroy(&ctx);
}

static synth_scar ellipse(double cx, double cy, double a, double b, double theta_deg)
{
    synth_scar s = {0};
    s.type = SCAR_TYPE_BOXCAR;
    s.cx_mm = cx;
    s.cy_mm = cy;
    s.a_mm = a;
    s.b_mm = b;
    s.theta_rad = theta_deg * M_PI / 180.0;
    s.cos_t = cos(s.theta_rad);
    s.sin_t = sin(s.theta_rad);
    return s;
}

/* The rim-spacing test the placement relies on, against gaps known exactly
 * and against brute force on oblique pairs. */
static void rim_spacing_is_exact(void **state)
{
    (void)state;
    const double e = 1e-6;
    synth_scar p = ellipse(0, 0, 2, 1, 0);
    /* Side by side along the minor axis: gap = y - 2. */
    synth_scar q = ellipse(0, 2.5 + e, 2, 1, 0);
    assert_true(synth_scars_apart(&p, &q, 0.5));
    q = ellipse(0, 2.5 - e, 2, 1, 0);
    assert_false(synth_scars_apart(&p, &q, 0.5));
    /* End to side: q turned 90 degrees, gap = x - 3. */
    q = ellipse(3.5 + e, 0, 2, 1, 90);
    assert_true(synth_scars_apart(&p, &q, 0.5));
    q = ellipse(3.5 - e, 0, 2, 1, 90);
    assert_false(synth_scars_apart(&p, &q, 0.5));
    /* One inside the other, and crossing rims. */
    q = ellipse(0.2, 0.1, 0.3, 0.2, 10);
    assert_false(synth_scars_apart(&p, &q, 0.5));
    q = ellipse(2.0, 0.5, 1.0, 0.3, 30);
    assert_false(synth_scars_apart(&p, &q, 0.5));
    /* Oblique pairs against brute force over 400 points of each rim: the
     * sampled distance is at least the true one and at most 0.04 mm more
     * (half a sample spacing on each rim), so outside that band the verdict
     * is known. */
    scar_rng rng;
    scar_rng_init(&rng, 5, 1);
    int agree = 0;
    for (int n = 0; n < 200; n++) {
        double ang = scar_rng_range(&rng, 0, 2 * M_PI), d = scar_rng_range(&rng, 2.0, 5.0);
        p = ellipse(0, 0, scar_rng_range(&rng, 1, 2.5), 1, scar_rng_range(&rng, 0, 180));
        q = ellipse(d * cos(ang), d * sin(ang), scar_rng_range(&rng, 0.5, 1.5), 0.5,
                    scar_rng_range(&rng, 0, 180));
        double dmin = 1e300;
        enum { M = 400 };
        for (int i = 0; i < M; i++) {
            double t = 2 * M_PI * i / M;
            double px = p.a_mm * cos(t) * p.cos_t - p.b_mm * sin(t) * p.sin_t;
            double py = p.a_mm * cos(t) * p.sin_t + p.b_mm * sin(t) * p.cos_t;
            for (int j = 0; j < M; j++) {
                double u = 2 * M_PI * j / M;
                double qx = q.cx_mm + q.a_mm * cos(u) * q.cos_t - q.b_mm * sin(u) * q.sin_t;
                double qy = q.cy_mm + q.a_mm * cos(u) * q.sin_t + q.b_mm * sin(u) * q.cos_t;
                dmin = fmin(dmin, hypot(px - qx, py - qy));
            }
        }
        bool crossing = false;
        for (int i = 0; i < M && !crossing; i++) {
            double t = 2 * M_PI * i / M;
            double px = p.a_mm * cos(t) * p.cos_t - p.b_mm * sin(t) * p.sin_t - q.cx_mm;
            double py = p.a_mm * cos(t) * p.sin_t + p.b_mm * sin(t) * p.cos_t - q.cy_mm;
            double u = (px * q.cos_t + py * q.sin_t) / q.a_mm;
            double v = (-px * q.sin_t + py * q.cos_t) / q.b_mm;
            crossing = u * u + v * v < 1.0;
        }
        if (crossing)
            dmin = 0.0;
        for (int g = 0; g < 3; g++) {
            double gap = 0.25 + 0.5 * g;
            if (dmin >= gap && dmin <= gap + 0.04)
                continue;
            assert_int_equal(synth_scars_apart(&p, &q, gap), dmin > gap);
            agree++;
        }
    }
    assert_true(agree > 500);
}

/* Counts per type; every truth field inside its range and consistent with
 * the others; rims 0.5 mm apart and 0.3 mm inside the field. */
static void scars_have_published_dimensions_and_spacing(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    for (uint64_t seed = 1; seed <= 6; seed++) {
        scar_synth_spec s = flat_spec(5, 6, 2, 3, 30.0, 50.0, seed);
        scar_heightmap *hm = NULL;
        scar_scar_list truth = {0};
        make(ctx, &s, &hm, &truth);
        int count[SCAR_TYPE_COUNT] = {0}, deep = 0;
        for (size_t i = 0; i < truth.n; i++) {
            const scar_scar *c = &truth.v[i];
            count[c->type]++;
            deep += c->deep;
            const double eps = 1e-9;
            assert_int_equal(c->profile, range[c->type].profile);
            assert_true(c->width_mm >= range[c->type].w_lo - eps);
            assert_true(c->width_mm <= range[c->type].w_hi + eps);
            assert_true(c->depth_mm >= range[c->type].d_lo - eps);
            assert_true(c->depth_mm <= range[c->type].d_hi + eps);
            double aspect = (c->length_mm / c->width_mm) * (c->length_mm / c->width_mm);
            assert_true(aspect >= 1.0 - eps && aspect <= range[c->type].aspect_hi + eps);
            assert_true(c->deep == (c->type == SCAR_TYPE_BOXCAR &&
                                    c->depth_mm >= SCAR_BOXCAR_DEEP_MM));
            assert_true(fabs(c->area_mm2 - M_PI / 4 * c->width_mm * c->width_mm) < 1e-9);
            assert_true(fabs(c->mean_depth_mm - c->volume_mm3 / c->area_mm2) < 1e-12);
            assert_true(fabs(c->flatness - c->mean_depth_mm / c->depth_mm) < 1e-12);
            assert_true(c->orientation_deg >= 0.0 && c->orientation_deg < 180.0);
            assert_true(c->wall_slope_deg > 0.0 && c->wall_slope_deg < 90.0);
            /* Shape signatures: a cone holds a third of its cylinder, a flat
             * floor nearly all, a cosine dish 1/2 - 2/pi^2 = 0.297, a cosine
             * dome 4/pi - 8/pi^2 = 0.463. */
            static const double flat_lo[SCAR_TYPE_COUNT] = {0.33, 0.75, 0.29, 0.45};
            static const double flat_hi[SCAR_TYPE_COUNT] = {0.40, 0.92, 0.31, 0.47};
            assert_true(c->flatness > flat_lo[c->type] && c->flatness < flat_hi[c->type]);
            /* Boxcar walls are steep (even a 0.1 mm deep, 4 mm wide one
             * rises over 15 % of its radius); rolling dishes are not. */
            if (c->type == SCAR_TYPE_BOXCAR)
                assert_true(c->wall_slope_deg > 25.0);
            if (c->type == SCAR_TYPE_ROLLING)
                assert_true(c->wall_slope_deg < 20.0);
        }
        assert_int_equal(count[SCAR_TYPE_ICEPICK], 5);
        assert_int_equal(count[SCAR_TYPE_BOXCAR], 6);
        assert_int_equal(count[SCAR_TYPE_ROLLING], 2);
        assert_int_equal(count[SCAR_TYPE_HYPERTROPHIC], 3);
        assert_int_equal(deep, 3); /* boxcars alternate shallow and deep */

        /* Rims sampled at 720 points: the sampled distance is never below the
         * true one, so a pair closer than 0.5 mm cannot pass. */
        enum { M = 720 };
        const double w = (double)hm->nx * hm->dx_um / 1000.0;
        const double h = (double)hm->ny * hm->dy_um / 1000.0;
        for (size_t i = 0; i < truth.n; i++) {
            for (int k = 0; k < M; k++) {
                double x, y;
                rim_point(&truth.v[i], 2 * M_PI * k / M, &x, &y);
                assert_true(x >= 0.3 - 1e-9 && x <= w - 0.3 + 1e-9);
                assert_true(y >= 0.3 - 1e-9 && y <= h - 0.3 + 1e-9);
            }
            for (size_t j = i + 1; j < truth.n; j++) {
                const scar_scar *p = &truth.v[i], *q = &truth.v[j];
                assert_true(rim_radius(p, q->x_mm, q->y_mm, 0.0) > 1.0);
                assert_true(rim_radius(q, p->x_mm, p->y_mm, 0.0) > 1.0);
                /* Circumscribed circles this far apart settle it. */
                if (hypot(p->x_mm - q->x_mm, p->y_mm - q->y_mm) >=
                    0.5 * (p->length_mm + q->length_mm) + 0.5)
                    continue;
                double dmin = 1e300;
                for (int k = 0; k < M; k++) {
                    double x1, y1;
                    rim_point(p, 2 * M_PI * k / M, &x1, &y1);
                    for (int l = 0; l < M; l++) {
                        double x2, y2;
                        rim_point(q, 2 * M_PI * l / M, &x2, &y2);
                        dmin = fmin(dmin, hypot(x1 - x2, y1 - y2));
                    }
                }
                if (dmin < 0.5)
                    fail_msg("seed %lu: scars %zu and %zu are %.3f mm apart",
                             (unsigned long)seed, i, j, dmin);
            }
        }
        scar_scar_list_clear(&truth);
        scar_heightmap_destroy(&hm);
    }
    scar_ctx_destroy(&ctx);
}

/* On a flat skin the map is the scars and nothing else: the depth at each
 * true centre is the true depth within a pixel's worth of the steepest
 * slope, the volume summed over each footprint is the true volume within 3 %,
 * and every pixel outside the rims is exactly 0. */
static void flat_map_agrees_with_truth(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    const double px_um[2] = {25.0, 10.0};
    for (int p = 0; p < 2; p++) {
        scar_synth_spec s = flat_spec(4, 4, 1, 2, 16.0, px_um[p], 7 + (uint64_t)p);
        scar_heightmap *hm = NULL;
        scar_scar_list truth = {0};
        make(ctx, &s, &hm, &truth);
        const double px = hm->dx_um / 1000.0;
        for (size_t k = 0; k < truth.n; k++) {
            const scar_scar *c = &truth.v[k];
            double a, b;
            semi_axes(c, &a, &b);
            size_t i = (size_t)(c->x_mm / px), j = (size_t)(c->y_mm / px);
            double z_mm = SCAR_HM_AT(hm, i, j) / 1000.0;
            double sign = c->type == SCAR_TYPE_HYPERTROPHIC ? 1.0 : -1.0;
            /* The pixel centre is at most px / sqrt(2) from the true centre;
             * no profile is steeper there than the cone depth / b. */
            double tol = c->depth_mm * (px / sqrt(2.0)) / b + 1e-6;
            if (fabs(sign * z_mm - c->depth_mm) > tol)
                fail_msg("%s at (%.3f, %.3f): centre %.4f mm, truth %.4f mm (tol %.4f)",
                         scar_type_name(c->type), c->x_mm, c->y_mm, sign * z_mm, c->depth_mm,
                         tol);
            /* Volume: every pixel within 0.2 mm of the rim (no neighbour is
             * that close). */
            double vol = 0.0, reach = a + 0.2;
            size_t i0 = (size_t)fmax(0.0, (c->x_mm - reach) / px);
            size_t i1 = (size_t)fmin((double)hm->nx - 1, (c->x_mm + reach) / px);
            size_t j0 = (size_t)fmax(0.0, (c->y_mm - reach) / px);
            size_t j1 = (size_t)fmin((double)hm->ny - 1, (c->y_mm + reach) / px);
            for (size_t jj = j0; jj <= j1; jj++)
                for (size_t ii = i0; ii <= i1; ii++) {
                    double x = ((double)ii + 0.5) * px, y = ((double)jj + 0.5) * px;
                    if (rim_radius(c, x, y, 0.2) < 1.0)
                        vol += fabs(SCAR_HM_AT(hm, ii, jj)) / 1000.0 * px * px;
                }
            if (fabs(vol - c->volume_mm3) > 0.03 * c->volume_mm3)
                fail_msg("%s %.2f mm wide at %g um: map volume %.5f mm3, truth %.5f mm3",
                         scar_type_name(c->type), c->width_mm, px_um[p], vol, c->volume_mm3);
        }
        /* Outside the rims the flat map is exactly 0 (checked on the coarser
         * map, where it is cheaper). */
        for (size_t jj = 0; p == 0 && jj < hm->ny; jj++)
            for (size_t ii = 0; ii < hm->nx; ii++) {
                double x = ((double)ii + 0.5) * px, y = ((double)jj + 0.5) * px;
                bool inside = false;
                for (size_t k = 0; k < truth.n && !inside; k++)
                    inside = rim_radius(&truth.v[k], x, y, 0.0) < 1.0;
                if (!inside)
                    assert_true(SCAR_HM_AT(hm, ii, jj) == 0.0f);
            }
        scar_scar_list_clear(&truth);
        scar_heightmap_destroy(&hm);
    }
    scar_ctx_destroy(&ctx);
}

static void moments(const scar_heightmap *hm, double *mean, double *sa, double *sq)
{
    size_t n = hm->nx * hm->ny;
    double m = 0.0, a = 0.0, q = 0.0;
    for (size_t i = 0; i < n; i++)
        m += hm->z_um[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = hm->z_um[i] - m;
        a += fabs(d);
        q += d * d;
    }
    *mean = m;
    *sa = a / (double)n;
    *sq = sqrt(q / (double)n);
}

/* The micro-relief alone (no scars, no form, no noise) has an areal Sa of
 * 5-15 um; texture 0 is exactly flat; noise alone has the asked deviation. */
static void skin_relief_form_and_noise(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    for (uint64_t seed = 1; seed <= 2; seed++) {
        scar_synth_spec s = flat_spec(0, 0, 0, 0, 8.0, 10.0, seed);
        s.texture = 1.0;
        scar_heightmap *hm = NULL;
        scar_scar_list truth = {0};
        make(ctx, &s, &hm, &truth);
        assert_int_equal(truth.n, 0);
        double mean, sa, sq;
        moments(hm, &mean, &sa, &sq);
        if (!(sa >= 5.0 && sa <= 15.0))
            fail_msg("seed %lu: texture Sa %.2f um, expected 5-15 um", (unsigned long)seed, sa);
        scar_heightmap_destroy(&hm);
    }
    scar_synth_spec s = flat_spec(0, 0, 0, 0, 8.0, 10.0, 1);
    scar_heightmap *hm = NULL;
    scar_scar_list truth = {0};
    make(ctx, &s, &hm, &truth);
    for (size_t i = 0; i < hm->nx * hm->ny; i++)
        assert_true(hm->z_um[i] == 0.0f);
    scar_heightmap_destroy(&hm);

    s.noise_um = 2.0;
    make(ctx, &s, &hm, &truth);
    double mean, sa, sq;
    moments(hm, &mean, &sa, &sq);
    assert_true(fabs(mean) < 0.01);         /* 640 000 samples: SE 0.0025 */
    assert_true(fabs(sq - 2.0) < 0.01);     /* SE of the SD: 0.0018 */
    assert_true(fabs(sa / sq - sqrt(2.0 / M_PI)) < 0.005); /* Gaussian */
    scar_heightmap_destroy(&hm);

    /* Form: the second difference over 2.5 mm gives the curvature radius,
     * drawn from 40-120 mm. */
    s = flat_spec(0, 0, 0, 0, 12.0, 25.0, 3);
    s.form = 1.0;
    make(ctx, &s, &hm, &truth);
    const size_t step = 100, i = hm->nx / 2, j = hm->ny / 2;
    double dx_mm = (double)step * hm->dx_um / 1000.0;
    double d2x = (SCAR_HM_AT(hm, i + step, j) - 2.0 * SCAR_HM_AT(hm, i, j) +
                  SCAR_HM_AT(hm, i - step, j)) /
                 (dx_mm * dx_mm);
    double d2y = (SCAR_HM_AT(hm, i, j + step) - 2.0 * SCAR_HM_AT(hm, i, j) +
                  SCAR_HM_AT(hm, i, j - step)) /
                 (dx_mm * dx_mm);
    double rx = -1000.0 / d2x, ry = -1000.0 / d2y;
    assert_true(rx > 39.0 && rx < 121.0);
    assert_true(fabs(rx - ry) < 0.01 * rx); /* a paraboloid of revolution */
    scar_heightmap_destroy(&hm);
    scar_ctx_destroy(&ctx);
}

/* The relief covers the scars too, and it does not depend on them: skin with
 * scars minus the same scars on a flat skin is the skin without scars. */
static void texture_continues_over_scars(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_synth_spec s = flat_spec(2, 2, 1, 1, 14.0, 25.0, 11);
    scar_heightmap *flat = NULL, *rough = NULL, *bare = NULL;
    scar_scar_list t1 = {0}, t2 = {0}, t3 = {0};
    make(ctx, &s, &flat, &t1);
    s.texture = 1.0;
    s.form = 1.0;
    make(ctx, &s, &rough, &t2);
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        s.counts[t] = 0;
    make(ctx, &s, &bare, &t3);
    assert_int_equal(t1.n, t2.n);
    assert_memory_equal(t1.v, t2.v, t1.n * sizeof *t1.v); /* scars are the same */
    double worst = 0.0, inside_sd = 0.0;
    size_t inside = 0;
    for (size_t i = 0; i < flat->nx * flat->ny; i++) {
        double skin = (double)rough->z_um[i] - flat->z_um[i];
        /* Floats of up to a few mm in um round at about 1e-3 um. */
        worst = fmax(worst, fabs(skin - bare->z_um[i]));
        if (flat->z_um[i] != 0.0f) {
            inside++;
            inside_sd += skin * skin;
        }
    }
    assert_true(worst < 0.01);
    assert_true(inside > 0 && inside_sd > 0.0);
    scar_scar_list_clear(&t1);
    scar_scar_list_clear(&t2);
    scar_scar_list_clear(&t3);
    scar_heightmap_destroy(&flat);
    scar_heightmap_destroy(&rough);
    scar_heightmap_destroy(&bare);
    scar_ctx_destroy(&ctx);
}

static bool same_map(const scar_heightmap *a, const scar_heightmap *b)
{
    return a->nx == b->nx && a->ny == b->ny &&
           memcmp(a->z_um, b->z_um, a->nx * a->ny * sizeof *a->z_um) == 0;
}

/* Same seed, same map, bit for bit, for 1 and 2 threads; another seed, another
 * map. */
static void maps_are_deterministic(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_synth_spec s;
    scar_synth_spec_default(&s);
    s.counts[SCAR_TYPE_HYPERTROPHIC] = 1;
    scar_heightmap *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL;
    scar_scar_list t1 = {0}, t2 = {0}, t3 = {0}, t4 = {0};
    scar_ctx_set_threads(ctx, 1);
    make(ctx, &s, &m1, &t1);
    make(ctx, &s, &m2, &t2);
    scar_ctx_set_threads(ctx, 2);
    make(ctx, &s, &m3, &t3);
    assert_true(same_map(m1, m2));
    assert_true(same_map(m1, m3));
    assert_int_equal(t1.n, t3.n);
    assert_memory_equal(t1.v, t3.v, t1.n * sizeof *t1.v);
    s.seed = 2;
    make(ctx, &s, &m4, &t4);
    assert_false(same_map(m1, m4));
    assert_true(t1.v[0].x_mm != t4.v[0].x_mm);
    scar_scar_list_clear(&t1);
    scar_scar_list_clear(&t2);
    scar_scar_list_clear(&t3);
    scar_scar_list_clear(&t4);
    scar_heightmap_destroy(&m1);
    scar_heightmap_destroy(&m2);
    scar_heightmap_destroy(&m3);
    scar_heightmap_destroy(&m4);
    scar_ctx_destroy(&ctx);
}

/* A refused spec: the status, the field named, no map, the truth untouched. */
static void expect_refusal(scar_ctx *ctx, const scar_synth_spec *s, const char *field,
                           const char *fragment)
{
    scar_heightmap *hm = (scar_heightmap *)&hm; /* must be reset to NULL */
    scar_scar_list truth = {0};
    assert_int_equal(scar_synth(ctx, s, &hm, &truth), SCAR_EINPUT);
    assert_null(hm);
    assert_int_equal(truth.n, 0);
    scar_scar_list_clear(&truth);
    assert_string_equal(scar_ctx_error(ctx)->field, field);
    tu_assert_err_has(ctx, fragment);
}

static void bad_specs_are_refused_naming_the_field(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_synth_spec s;
    const double nan = NAN;

    scar_synth_spec_default(&s);
    s.counts[SCAR_TYPE_ROLLING] = -1;
    expect_refusal(ctx, &s, "scars", "found -1");
    scar_synth_spec_default(&s);
    s.counts[SCAR_TYPE_ICEPICK] = 1001;
    expect_refusal(ctx, &s, "scars", "0 to 1000 icepick");

    const double bad_size[3] = {0.0, -3.0, nan};
    for (int i = 0; i < 3; i++) {
        scar_synth_spec_default(&s);
        s.height_mm = bad_size[i];
        expect_refusal(ctx, &s, "size_mm", "positive field size");
    }
    scar_synth_spec_default(&s);
    s.width_mm = INFINITY;
    expect_refusal(ctx, &s, "size_mm", "positive field size");

    const double bad_px[4] = {0.5, 1000.5, nan, -25.0};
    for (int i = 0; i < 4; i++) {
        scar_synth_spec_default(&s);
        s.px_um = bad_px[i];
        expect_refusal(ctx, &s, "px_um", "between 1 and 1000 um");
    }

    /* A map over the size limits is refused before any allocation. */
    scar_synth_spec_default(&s);
    s.width_mm = s.height_mm = 500.0;
    s.px_um = 1.0;
    expect_refusal(ctx, &s, "size_mm", "samples");
    scar_synth_spec_default(&s);
    s.width_mm = 1e300;
    expect_refusal(ctx, &s, "size_mm", "samples per side");
    scar_synth_spec_default(&s);
    s.width_mm = 0.004; /* under half a pixel */
    expect_refusal(ctx, &s, "size_mm", "at least 1 x 1");

    scar_synth_spec_default(&s);
    s.texture = -1.0;
    expect_refusal(ctx, &s, "texture", "between 0 and");
    scar_synth_spec_default(&s);
    s.noise_um = nan;
    expect_refusal(ctx, &s, "noise_um", "between 0 and");
    scar_synth_spec_default(&s);
    s.form = INFINITY;
    expect_refusal(ctx, &s, "form", "between 0 and");
    scar_ctx_destroy(&ctx);
}

static void too_many_scars_is_an_input_error(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    /* Far too many: refused from the area they need. */
    scar_synth_spec s = flat_spec(0, 100, 0, 0, 12.0, 25.0, 1);
    expect_refusal(ctx, &s, "scars", "too small for 100 scars");
    tu_assert_err_has(ctx, "100 scars");
    tu_assert_err_has(ctx, "mm2");
    tu_assert_err_has(ctx, "larger size_mm or fewer scars");
    /* Area enough, but the scar is longer than the field is wide. */
    s = flat_spec(0, 0, 1, 0, 4.5, 25.0, 1);
    expect_refusal(ctx, &s, "scars", "rolling scar");
    /* Random placement gives up on a crowded field. */
    s = flat_spec(0, 0, 4, 0, 16.0, 50.0, 1);
    scar_heightmap *hm = NULL;
    scar_scar_list truth = {0};
    int refused = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        s.seed = seed;
        scar_status st = scar_synth(ctx, &s, &hm, &truth);
        if (st) {
            assert_int_equal(st, SCAR_EINPUT);
            tu_assert_err_has(ctx, "tries");
            refused++;
        } else {
            assert_int_equal(truth.n, 4);
        }
        scar_scar_list_clear(&truth);
        scar_heightmap_destroy(&hm);
    }
    assert_true(refused > 0);
    scar_ctx_destroy(&ctx);
}

/* Each allocation in turn fails: SCAR_ENOMEM, no map, no truth, and (under
 * valgrind) nothing leaked. */
static void allocation_failures_leak_nothing(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_synth_spec s;
    scar_synth_spec_default(&s);
    s.px_um = 50.0;
    int failures = 0;
    for (long n = 1; n < 200; n++) {
        scar_heightmap *hm = NULL;
        scar_scar_list truth = {0};
        scar_ctx_fail_alloc_after(ctx, n);
        scar_status st = scar_synth(ctx, &s, &hm, &truth);
        scar_ctx_fail_alloc_after(ctx, 0);
        if (st == SCAR_OK) {
            assert_non_null(hm);
            assert_int_equal(truth.n, 4);
            scar_scar_list_clear(&truth);
            scar_heightmap_destroy(&hm);
            break;
        }
        assert_int_equal(st, SCAR_ENOMEM);
        assert_null(hm);
        assert_int_equal(truth.n, 0);
        scar_scar_list_clear(&truth);
        failures++;
    }
    assert_true(failures >= 8); /* every allocation site was reached */
    scar_ctx_destroy(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_spec_is_the_documented_one),
        cmocka_unit_test(rim_spacing_is_exact),
        cmocka_unit_test(scars_have_published_dimensions_and_spacing),
        cmocka_unit_test(flat_map_agrees_with_truth),
        cmocka_unit_test(skin_relief_form_and_noise),
        cmocka_unit_test(texture_continues_over_scars),
        cmocka_unit_test(maps_are_deterministic),
        cmocka_unit_test(bad_specs_are_refused_naming_the_field),
        cmocka_unit_test(too_many_scars_is_an_input_error),
        cmocka_unit_test(allocation_failures_leak_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
