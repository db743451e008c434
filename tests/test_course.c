/*
 * test_course.c — what whole courses must show as consequences of the model
 * (the treatment issue's "what must come out of the model"), on one synthetic
 * skin with an icepick, a boxcar and a rolling scar, at 100 um voxels.  The
 * directions this version does not reproduce yet (boxcar > icepick, four
 * sessions > one, PRP adds, a late rise) are listed in docs/engine.md and
 * are not asserted here.
 */
#include "testutil.h"

#include "run.h"

#include <math.h>

static scar_heightmap *skin;

static int setup(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_synth_spec spec;
    scar_synth_spec_default(&spec);
    memset(spec.counts, 0, sizeof spec.counts);
    spec.counts[SCAR_TYPE_ICEPICK] = 1;
    spec.counts[SCAR_TYPE_BOXCAR] = 2;
    spec.counts[SCAR_TYPE_ROLLING] = 1;
    spec.width_mm = spec.height_mm = 10;
    spec.px_um = 25;
    spec.seed = 1;
    scar_scar_list truth = {0};
    int rc = scar_synth(ctx, &spec, &skin, &truth) == SCAR_OK ? 0 : -1;
    scar_scar_list_clear(&truth);
    scar_ctx_destroy(&ctx);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    scar_heightmap_destroy(&skin);
    return 0;
}

typedef struct outcome {
    double improvement, by_type[SCAR_TYPE_COUNT], collagen;
    long clamps;
} outcome;

static outcome course(scar_device_kind kind, double needle_mm, int sessions)
{
    scar_ctx *ctx = scar_ctx_create();
    scar_params *p;
    assert_int_equal(scar_params_create(ctx, &p), SCAR_OK);
    scar_run_spec rs = {.surface = skin, .region = scar_region_find("cheek"), .fitzpatrick = 3,
                        .age_y = 28, .dx_um = 100, .params = p, .sample_days = 1};
    scar_device_default(kind, p, &rs.protocol.device);
    rs.protocol.device.needle_mm = needle_mm;
    rs.protocol.sessions = sessions;
    rs.protocol.interval_days = 42;
    rs.protocol.follow_up_days = 84;
    scar_run_result *r;
    if (scar_run_course(ctx, &rs, &r))
        fail_msg("course: %s", tu_errmsg(ctx));
    outcome o = {.improvement = r->final.improvement_pct, .collagen = r->collagen_change_pct,
                 .clamps = r->stats.clamps};
    int n[SCAR_TYPE_COUNT] = {0};
    for (size_t i = 0; i < r->nscars; i++) {
        o.by_type[r->scars[i].before.type] += r->scars[i].improvement_pct;
        n[r->scars[i].before.type]++;
    }
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        o.by_type[t] = n[t] ? o.by_type[t] / n[t] : NAN;
    print_message("%-12s %.2f mm x%d: improvement %.1f%% (icepick %.1f, boxcar %.1f, rolling "
                  "%.1f), papillary collagen %+.2f%%\n", scar_device_name(kind), needle_mm,
                  sessions, o.improvement, o.by_type[SCAR_TYPE_ICEPICK],
                  o.by_type[SCAR_TYPE_BOXCAR], o.by_type[SCAR_TYPE_ROLLING], o.collagen);
    scar_run_result_destroy(&r);
    scar_params_destroy(&p);
    scar_ctx_destroy(&ctx);
    return o;
}

/* Untreated skin is measured as it was, to round-off: the scan of the
 * simulated surface finds the same scars with the same volume (1e-6 % is a
 * relative 1e-8, float heights carry 7 digits). */
static void untreated_control_does_not_change(void **state)
{
    (void)state;
    outcome o = course(SCAR_DEV_PEN, 1.5, 0);
    print_message("untreated: improvement %.3g%%, collagen %.3g%%\n", o.improvement, o.collagen);
    assert_true(fabs(o.improvement) < 1e-6);
    assert_true(fabs(o.collagen) < 1e-9);
}

/* A clinic pen at 1.5 mm does more than an at-home roller at 0.25 mm, and
 * rolling scars respond more than icepick scars (their tethering is cut). */
static void deeper_needles_and_rolling_scars_respond_more(void **state)
{
    (void)state;
    outcome pen = course(SCAR_DEV_PEN, 1.5, 4), home = course(SCAR_DEV_HOME_ROLLER, 0.25, 4);
    assert_int_equal(pen.clamps, 0);
    assert_int_equal(home.clamps, 0);
    assert_true(pen.improvement > home.improvement + 2.0);
    assert_true(pen.collagen > home.collagen);
    assert_true(pen.by_type[SCAR_TYPE_ROLLING] > pen.by_type[SCAR_TYPE_ICEPICK] + 10.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(untreated_control_does_not_change),
        cmocka_unit_test(deeper_needles_and_rolling_scars_respond_more),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
