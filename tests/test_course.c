/*
 * test_course.c — what whole courses must show as consequences of the model
 * (the treatment issue's "what must come out of the model"), on one synthetic
 * skin with an icepick, two boxcar and a rolling scar, at 100 um voxels.
 * The direction this version does not reproduce yet (PRP adds) is listed in
 * docs/engine.md and is not asserted here; the margins of the others are
 * small (docs/engine.md, "Scar floors").
 */
#include "testutil.h"

#include "run.h"

#include <math.h>

static scar_heightmap *skin;

static int setup(void **state)
{
    (void)state;
    skin = tu_synth_skin(1, 2, 1, 10, 10, 1);
    return skin ? 0 : -1;
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

static outcome course_for(scar_device_kind kind, double needle_mm, int sessions,
                          double follow_up_days)
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
    rs.protocol.follow_up_days = follow_up_days;
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
    print_message("%-12s %.2f mm x%d, %g days after: improvement %.2f%% (icepick %.2f, boxcar "
                  "%.2f, rolling %.1f), papillary collagen %+.2f%%\n", scar_device_name(kind),
                  needle_mm, sessions, follow_up_days, o.improvement, o.by_type[SCAR_TYPE_ICEPICK],
                  o.by_type[SCAR_TYPE_BOXCAR], o.by_type[SCAR_TYPE_ROLLING], o.collagen);
    scar_run_result_destroy(&r);
    scar_params_destroy(&p);
    scar_ctx_destroy(&ctx);
    return o;
}

static outcome course(scar_device_kind kind, double needle_mm, int sessions)
{
    return course_for(kind, needle_mm, sessions, 84);
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

/* With a year of follow-up the floors that tracks reached are remodelled
 * towards normal dermis (f_repop): boxcar floors rise and icepicks (narrow,
 * smoothed away by the skin's stiffness) do not; four sessions reset more of
 * the floors than one; the improvement goes on rising after the last
 * session.  Switching the remodelling off (f_repop 0, the floor its own
 * steady state for ever) loses the late rise: the test can fail. */
static void floors_remodel_after_the_course(void **state)
{
    (void)state;
    outcome one = course_for(SCAR_DEV_PEN, 1.5, 1, 364),
            four = course_for(SCAR_DEV_PEN, 1.5, 4, 364),
            four_early = course_for(SCAR_DEV_PEN, 1.5, 4, 84);
    assert_true(four.by_type[SCAR_TYPE_BOXCAR] > four.by_type[SCAR_TYPE_ICEPICK] + 0.5);
    assert_true(four.improvement > one.improvement + 0.05);
    assert_true(four.improvement > four_early.improvement + 0.3);
    assert_true(four.collagen > one.collagen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(untreated_control_does_not_change),
        cmocka_unit_test(deeper_needles_and_rolling_scars_respond_more),
        cmocka_unit_test(floors_remodel_after_the_course),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
