/*
 * test_course.c — what whole courses must show as consequences of the model
 * (the treatment issue's "what must come out of the model"), on one synthetic
 * skin with an icepick, two boxcar and a rolling scar, at 100 um voxels.
 * PRP is checked as injected under the scars; topical PRP adds nothing
 * measurable (the pores close within hours: docs/engine.md, "PRP") and is
 * not asserted.
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
    double improvement, by_type[SCAR_TYPE_COUNT], collagen, scar_collagen;
    long clamps;
} outcome;

static outcome course_with(scar_device_kind kind, double needle_mm, int sessions,
                           double follow_up_days, scar_adjunct adjunct, double f_regrow)
{
    scar_ctx *ctx = scar_ctx_create();
    scar_params *p;
    assert_int_equal(scar_params_create(ctx, &p), SCAR_OK);
    assert_int_equal(scar_params_set(ctx, p, "f_regrow", f_regrow, NULL, 0, 0), SCAR_OK);
    scar_run_spec rs = {.surface = skin, .region = scar_region_find("cheek"), .fitzpatrick = 3,
                        .age_y = 28, .dx_um = 100, .params = p, .sample_days = 1};
    scar_device_default(kind, p, &rs.protocol.device);
    rs.protocol.device.needle_mm = needle_mm;
    rs.protocol.sessions = sessions;
    rs.protocol.interval_days = 42;
    rs.protocol.follow_up_days = follow_up_days;
    if (adjunct != SCAR_ADJ_COUNT)
        rs.protocol.adjunct[adjunct] = true;
    scar_run_result *r;
    if (scar_run_course(ctx, &rs, &r))
        fail_msg("course: %s", tu_errmsg(ctx));
    outcome o = {.improvement = r->final.improvement_pct, .collagen = r->collagen_change_pct,
                 .scar_collagen = r->scar_collagen_change_pct, .clamps = r->stats.clamps};
    int n[SCAR_TYPE_COUNT] = {0};
    for (size_t i = 0; i < r->nscars; i++) {
        o.by_type[r->scars[i].before.type] += r->scars[i].improvement_pct;
        n[r->scars[i].before.type]++;
    }
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        o.by_type[t] = n[t] ? o.by_type[t] / n[t] : NAN;
    print_message("%-12s %.2f mm x%d, %g days after: improvement %.2f%% (icepick %.2f, boxcar "
                  "%.2f, rolling %.1f), papillary collagen %+.2f%% (in the scars %+.2f%%)\n",
                  scar_device_name(kind), needle_mm, sessions, follow_up_days, o.improvement,
                  o.by_type[SCAR_TYPE_ICEPICK], o.by_type[SCAR_TYPE_BOXCAR],
                  o.by_type[SCAR_TYPE_ROLLING], o.collagen, o.scar_collagen);
    scar_run_result_destroy(&r);
    scar_params_destroy(&p);
    scar_ctx_destroy(&ctx);
    return o;
}

static outcome course_for(scar_device_kind kind, double needle_mm, int sessions,
                          double follow_up_days)
{
    return course_with(kind, needle_mm, sessions, follow_up_days, SCAR_ADJ_COUNT, 0.0);
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
    assert_true(fabs(o.scar_collagen) < 1e-9);
}

/* A clinic pen at 1.5 mm does more than an at-home roller at 0.25 mm, and
 * rolling scars respond more than icepick scars (their tethering is cut).
 * Collagen rises more in the scars than over the whole patch. */
static void deeper_needles_and_rolling_scars_respond_more(void **state)
{
    (void)state;
    outcome pen = course(SCAR_DEV_PEN, 1.5, 4), home = course(SCAR_DEV_HOME_ROLLER, 0.25, 4);
    assert_int_equal(pen.clamps, 0);
    assert_int_equal(home.clamps, 0);
    assert_true(pen.improvement > home.improvement + 2.0);
    assert_true(pen.collagen > home.collagen);
    /* the floors refill: a biopsy of a treated scar (Lotfi 2013) sees more
     * new collagen than the patch-wide mean, which the normal skin between
     * the scars dilutes */
    assert_true(isfinite(pen.scar_collagen) && pen.scar_collagen > pen.collagen + 1.0);
    assert_true(pen.scar_collagen > home.scar_collagen);
    assert_true(pen.by_type[SCAR_TYPE_ROLLING] > pen.by_type[SCAR_TYPE_ICEPICK] + 10.0);
}

/* With a year of follow-up the floors that tracks reached are remodelled
 * towards normal dermis (f_repop) and refill (a_fill): boxcar floors rise
 * far more than icepicks (narrow, smoothed away by the skin's stiffness);
 * four sessions reset more of the floors than two and two more than one;
 * returns diminish: sessions 5 and 6 add less each than sessions 2-4 did
 * (the floors' set points are mostly reset and their deficits refilled);
 * the improvement goes on rising after the last session.  Switching the
 * remodelling off (f_repop 0, the floor its own steady state for ever)
 * leaves the boxcars at 0.1% and no late rise (7.19% at 12 weeks, 7.20% at
 * a year on a like skin): the test can fail. */
static void floors_remodel_after_the_course(void **state)
{
    (void)state;
    outcome one = course_for(SCAR_DEV_PEN, 1.5, 1, 364),
            two = course_for(SCAR_DEV_PEN, 1.5, 2, 364),
            four = course_for(SCAR_DEV_PEN, 1.5, 4, 364),
            six = course_for(SCAR_DEV_PEN, 1.5, 6, 364),
            four_early = course_for(SCAR_DEV_PEN, 1.5, 4, 84);
    assert_true(four.by_type[SCAR_TYPE_BOXCAR] > four.by_type[SCAR_TYPE_ICEPICK] + 3.0);
    assert_true(two.improvement > one.improvement + 0.5);
    assert_true(four.improvement > two.improvement + 0.5);
    assert_true(six.improvement > four.improvement);
    /* diminishing returns */
    assert_true((six.improvement - four.improvement) / 2.0 <
                (four.improvement - one.improvement) / 3.0);
    assert_true(four.improvement > four_early.improvement + 0.5);
    assert_true(four.collagen > one.collagen);
}

/* Intradermal PRP under each scar adds to the same needling: its growth
 * factor, released over a day, multiplies and stimulates the fibroblasts in
 * the floors the tracks reset, which refill faster.  With the release of the
 * specification's default (tau_rel 1 h) the bolus is spent while the
 * response is saturated and the margin vanishes (51.4 % with PRP against
 * 51.8 % without, `scarsim run` on a like 10 mm skin with the defaults of
 * 2026-11-25's second fit; 0.9 points with the first fit's): the test can
 * fail.  With tau_rel 1 day PRP adds 2.6 points here. */
static void prp_adds_to_needling(void **state)
{
    (void)state;
    outcome plain = course(SCAR_DEV_PEN, 1.5, 4),
            prp = course_with(SCAR_DEV_PEN, 1.5, 4, 84, SCAR_ADJ_PRP_INTRADERMAL, 0.0);
    assert_true(prp.improvement > plain.improvement + 2.0);
    assert_true(prp.by_type[SCAR_TYPE_BOXCAR] > plain.by_type[SCAR_TYPE_BOXCAR]);
    assert_true(prp.collagen > plain.collagen);
}

/* docs/engine.md, "Regrowing the missing dermis": with f_regrow the boxcars
 * rise further than by the density refill alone, a month after a course of
 * 4 sessions, and the untreated skin still does not move.  Fails when
 * f_regrow has no effect. */
static void regrowth_lifts_boxcars_further(void **state)
{
    (void)state;
    outcome plain = course_with(SCAR_DEV_PEN, 1.5, 4, 28, SCAR_ADJ_COUNT, 0.0),
            regrown = course_with(SCAR_DEV_PEN, 1.5, 4, 28, SCAR_ADJ_COUNT, 0.5),
            untreated = course_with(SCAR_DEV_PEN, 1.5, 0, 28, SCAR_ADJ_COUNT, 0.5);
    assert_true(regrown.by_type[SCAR_TYPE_BOXCAR] > plain.by_type[SCAR_TYPE_BOXCAR] + 2.0);
    assert_true(regrown.improvement > plain.improvement);
    assert_true(fabs(untreated.improvement) < 1e-6);
    assert_true(fabs(untreated.scar_collagen) < 1e-9);
}

/* A scar the final scan no longer finds is measured, not taken as gone: on
 * this skin the rolling scar ends about 70 % shallower, below what the scan
 * segments, and was reported 100 % better before run.c measured it on the
 * surface over its own columns.  What is lost must be shallower than before
 * yet still there; the scars the scan finds keep the scan's numbers. */
static void lost_scars_are_measured_not_erased(void **state)
{
    (void)state;
    scar_heightmap *hm = tu_synth_skin(1, 1, 1, 12, 12, 5);
    assert_non_null(hm);
    scar_ctx *ctx = scar_ctx_create();
    scar_params *p;
    assert_int_equal(scar_params_create(ctx, &p), SCAR_OK);
    scar_run_spec rs = {.surface = hm, .region = scar_region_find("cheek"), .fitzpatrick = 3,
                        .age_y = 25, .dx_um = 100, .params = p, .sample_days = 7};
    scar_device_default(SCAR_DEV_ROLLER, p, &rs.protocol.device);
    rs.protocol.device.needle_mm = 1.5;
    rs.protocol.sessions = 4;
    rs.protocol.interval_days = 28;
    rs.protocol.follow_up_days = 28;
    scar_run_result *r;
    if (scar_run_course(ctx, &rs, &r))
        fail_msg("course: %s", tu_errmsg(ctx));
    int lost = 0;
    for (size_t i = 0; i < r->nscars; i++) {
        const scar_followed *f = &r->scars[i];
        print_message("%-8s depth %.3f -> %.3f mm, volume %.4f -> %.4f mm^3, %s\n",
                      scar_type_name(f->before.type), f->before.depth_mm, f->depth_after_mm,
                      f->before.volume_mm3, f->volume_after_mm3,
                      f->found_after ? "found" : "measured on the surface");
        if (f->found_after)
            continue;
        lost++;
        assert_true(f->depth_after_mm > 0.1 * f->before.depth_mm);
        assert_true(f->depth_after_mm < 0.9 * f->before.depth_mm);
        assert_true(f->volume_after_mm3 > 0 && f->volume_after_mm3 < f->before.volume_mm3);
        assert_true(f->improvement_pct > 10 && f->improvement_pct < 90);
    }
    assert_true(lost >= 1);
    scar_run_result_destroy(&r);
    scar_params_destroy(&p);
    scar_ctx_destroy(&ctx);
    scar_heightmap_destroy(&hm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(untreated_control_does_not_change),
        cmocka_unit_test(deeper_needles_and_rolling_scars_respond_more),
        cmocka_unit_test(floors_remodel_after_the_course),
        cmocka_unit_test(prp_adds_to_needling),
        cmocka_unit_test(regrowth_lifts_boxcars_further),
        cmocka_unit_test(lost_scars_are_measured_not_erased),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
