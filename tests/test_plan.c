/*
 * test_plan.c — the protocol search for one patient (plan layer): every
 * candidate within the screening limits, ranked by expected improvement,
 * the recommendation within the noise of the best and no riskier than it,
 * the same numbers for the same seed, a home course kept to home rollers at
 * <= 0.5 mm, the virtual face built from the patient's counts, dated
 * schedules, the trial arms behind a protocol, and the plan's JSON keys.
 */
#include "testutil.h"

#include "evidence.h"
#include "plan_report.h"
#include "search.h"

#include <math.h>

static scar_params *params;
/* The first test's search, compared with a second run and written as JSON
 * by later tests (a search is the expensive part). */
static scar_plan_result *first;

static int setup(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    int rc = scar_params_create(ctx, &params) == SCAR_OK ? 0 : -1;
    scar_ctx_destroy(&ctx);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    scar_params_destroy(&params);
    scar_plan_result_destroy(&first);
    return 0;
}

/* A clinic patient with boxcar and icepick scars (small: a small patch), no
 * history. */
static void patient_make(scar_patient *pt)
{
    memset(pt, 0, sizeof *pt);
    pt->age_y = 28;
    pt->fitzpatrick = 3;
    pt->region = scar_region_find("cheek");
    pt->skin = SCAR_SKIN_COUNTS;
    pt->counts[SCAR_TYPE_ICEPICK] = 2;
    pt->counts[SCAR_TYPE_BOXCAR] = 3;
    pt->history.isotretinoin_months_ago = NAN;
    pt->prefs.setting = SCAR_SETTING_CLINIC;
    pt->prefs.max_sessions = 3;
    /* 3 days of redness a session: RF (up to 10 hours) is acceptable, a pen
     * or roller at 1-2 mm (4-7 days, a maker's guide) is not */
    pt->prefs.max_downtime_days = 3;
    pt->prefs.adjunct_ok[SCAR_ADJ_PRP_TOPICAL] = true;
}

/* Small and coarse: the search's logic, not its accuracy. */
static void opts_make(scar_plan_opts *o)
{
    scar_plan_opts_default(o);
    o->patients = 2;
    o->dx_um = 200;
    o->patch_mm = 8;
    o->max_sweeps = 1;
    o->follow_up_weeks = 2;
}

static scar_plan_result *search_for(const scar_patient *pt, const scar_screen *scr,
                                    const scar_plan_opts *o)
{
    scar_ctx *ctx = scar_ctx_create();
    scar_plan_result *r = NULL;
    scar_status st = scar_plan_search(ctx, pt, scr, NULL, 0, params, o, &r);
    if (st)
        fail_msg("search failed: %s", tu_errmsg(ctx));
    scar_ctx_destroy(&ctx);
    return r;
}

static void test_search_respects_limits_and_ranks(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    scar_screen scr;
    scar_screen_patient(&pt, &scr);
    assert_true(scr.candidate);
    scar_plan_opts o;
    opts_make(&o);
    scar_plan_result *r = search_for(&pt, &scr, &o);
    /* the start, then at least the device, needle and adjunct levels */
    assert_true(r->n >= 5);
    assert_true(r->recommended < r->n);
    bool saw_prp = false, saw_rf = false;
    for (size_t k = 0; k < r->n; k++) {
        const scar_plan_candidate *c = &r->cand[k];
        const scar_protocol *pr = &c->protocol;
        assert_true(scr.limits.device_ok[pr->device.kind]);
        assert_true(pr->device.needle_mm <= scr.limits.max_needle_mm + 1e-9);
        assert_true(pr->sessions >= 1 && pr->sessions <= pt.prefs.max_sessions);
        assert_true(pr->interval_days >= 7.0 * scr.limits.min_interval_weeks - 1e-9);
        for (int a = 0; a < SCAR_ADJ_COUNT; a++)
            if (pr->adjunct[a])
                assert_true(scr.limits.adjunct_ok[a]);
        saw_prp |= pr->adjunct[SCAR_ADJ_PRP_TOPICAL];
        saw_rf |= pr->device.kind == SCAR_DEV_RF_MICRONEEDLE;
        assert_int_equal(c->patients, 2);
        assert_true(isfinite(c->improvement_pct));
        assert_true(c->ci95[0] <= c->improvement_pct && c->improvement_pct <= c->ci95[1]);
        assert_true(c->gbq_before > 0);
        if (k > 0)
            assert_true(r->cand[k - 1].improvement_pct >= c->improvement_pct);
        /* two different candidates never share one protocol */
        for (size_t j = 0; j < k; j++)
            assert_true(memcmp(&r->cand[j].protocol, pr, sizeof *pr) != 0);
    }
    assert_true(saw_prp);
    assert_true(saw_rf);
    /* the best is within its own noise; the recommendation is within the
     * best's noise and no riskier than it */
    assert_true(r->cand[0].within_noise);
    const scar_plan_candidate *rec = &r->cand[r->recommended];
    assert_false(rec->over_downtime);
    assert_int_equal(rec->protocol.device.kind, SCAR_DEV_RF_MICRONEEDLE);
    for (size_t k = 0; k < r->n; k++)
        assert_true(r->cand[k].over_downtime == (r->cand[k].downtime_hi_days > 3));
    /* the face is the patient's: 5 scars */
    assert_int_equal(r->face_scars, 5);
    assert_true(r->types[SCAR_TYPE_ICEPICK] && r->types[SCAR_TYPE_BOXCAR]);
    assert_false(r->types[SCAR_TYPE_ROLLING]);
    /* published downtime per session for a charted device */
    bool some_downtime = false;
    for (size_t k = 0; k < r->n; k++)
        some_downtime |= isfinite(r->cand[k].total_downtime_days);
    assert_true(some_downtime);
    first = r;
}

static void test_search_is_deterministic(void **state)
{
    (void)state;
    assert_non_null(first);
    scar_patient pt;
    patient_make(&pt);
    scar_screen scr;
    scar_screen_patient(&pt, &scr);
    scar_plan_opts o;
    opts_make(&o);
    scar_plan_result *b = search_for(&pt, &scr, &o);
    assert_int_equal(first->n, b->n);
    assert_int_equal(first->recommended, b->recommended);
    for (size_t k = 0; k < b->n; k++) {
        assert_memory_equal(&first->cand[k].protocol, &b->cand[k].protocol,
                            sizeof b->cand[k].protocol);
        assert_true(first->cand[k].improvement_pct == b->cand[k].improvement_pct);
        assert_true(first->cand[k].sd_pct == b->cand[k].sd_pct);
    }
    scar_plan_result_destroy(&b);
    assert_null(b);
}

static void test_home_course_stays_short(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    pt.prefs.setting = SCAR_SETTING_HOME;
    pt.prefs.adjunct_ok[SCAR_ADJ_PRP_TOPICAL] = false;
    pt.prefs.adjunct_ok[SCAR_ADJ_SERUM_HYALURONIC] = true;
    pt.prefs.max_downtime_days = 1;
    scar_screen scr;
    scar_screen_patient(&pt, &scr);
    assert_true(scr.candidate);
    scar_plan_opts o;
    opts_make(&o);
    scar_plan_result *r = search_for(&pt, &scr, &o);
    for (size_t k = 0; k < r->n; k++) {
        assert_int_equal(r->cand[k].protocol.device.kind, SCAR_DEV_HOME_ROLLER);
        assert_true(r->cand[k].protocol.device.needle_mm <= 0.5 + 1e-9);
        /* 2-3 days a session against the 1 day accepted */
        assert_true(r->cand[k].over_downtime);
    }
    /* none is acceptable: the gentlest equivalent one, flagged */
    assert_true(r->cand[r->recommended].within_noise);
    scar_plan_result_destroy(&r);
}

static void test_search_refuses_a_non_candidate(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    pt.history.active_acne = true;
    scar_screen scr;
    scar_screen_patient(&pt, &scr);
    assert_false(scr.candidate);
    scar_plan_opts o;
    opts_make(&o);
    scar_ctx *ctx = scar_ctx_create();
    scar_plan_result *r = NULL;
    assert_int_not_equal(scar_plan_search(ctx, &pt, &scr, NULL, 0, params, &o, &r), SCAR_OK);
    assert_null(r);
    scar_ctx_destroy(&ctx);
}

static void test_schedule_dates(void **state)
{
    (void)state;
    scar_protocol pr;
    memset(&pr, 0, sizeof pr);
    pr.sessions = 3;
    pr.interval_days = 28;
    pr.follow_up_days = 84;
    scar_date start, s[3], fu;
    assert_true(scar_date_parse("2027-01-11", &start));
    scar_plan_schedule(&pr, start, s, &fu);
    char buf[16];
    static const char *const want[] = {"2027-01-11", "2027-02-08", "2027-03-08"};
    for (int k = 0; k < 3; k++) {
        scar_date_format(s[k], buf, sizeof buf);
        assert_string_equal(buf, want[k]);
    }
    scar_date_format(fu, buf, sizeof buf);
    assert_string_equal(buf, "2027-05-31");
}

static void test_evidence_behind_a_protocol(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_trial_table *t = NULL;
    assert_int_equal(scar_plan_evidence_table(ctx, &t), SCAR_OK);
    assert_true(t->n >= 30);
    scar_protocol pr;
    memset(&pr, 0, sizeof pr);
    scar_device_default(SCAR_DEV_ROLLER, params, &pr.device);
    pr.adjunct[SCAR_ADJ_PRP_TOPICAL] = true;
    scar_plan_match m[8];
    size_t n = scar_plan_evidence_match(t, &pr, m, 8);
    assert_true(n >= 1);
    /* best first: a roller arm with topical PRP and no other adjunct */
    assert_true(m[0].same_device && m[0].same_adjuncts);
    assert_true(m[0].arm->adjunct[SCAR_ADJ_PRP_TOPICAL]);
    for (size_t k = 1; k < n; k++)
        assert_true(m[k].same_device || m[k].shares_adjunct);
    char res[128];
    scar_plan_evidence_result(m[0].arm, res, sizeof res);
    assert_string_equal(m[0].arm->study_id, "Chawla2014");
    /* the table has no pen arm: a pen is backed by roller arms without
     * adjuncts, and never by an RF or laser arm */
    memset(&pr, 0, sizeof pr);
    scar_device_default(SCAR_DEV_PEN, params, &pr.device);
    n = scar_plan_evidence_match(t, &pr, m, 8);
    assert_true(n >= 3);
    assert_true(m[0].similar_device && m[0].same_adjuncts);
    assert_int_equal(m[0].arm->device, SCAR_DEV_ROLLER);
    for (size_t k = 0; k < n; k++)
        assert_true(m[k].arm->device != SCAR_DEV_RF_MICRONEEDLE &&
                    m[k].arm->device != SCAR_DEV_FRACTIONAL_LASER);
    /* RF microneedling: its own arms only */
    scar_device_default(SCAR_DEV_RF_MICRONEEDLE, params, &pr.device);
    n = scar_plan_evidence_match(t, &pr, m, 8);
    assert_true(n >= 2);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(m[k].arm->device, SCAR_DEV_RF_MICRONEEDLE);
    scar_trial_table_destroy(&t);
    scar_ctx_destroy(&ctx);
}

static void test_plan_json_keys(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    pt.prefs.has_start = true;
    assert_true(scar_date_parse("2027-01-11", &pt.prefs.start_date));
    scar_screen scr;
    scar_screen_patient(&pt, &scr);
    const scar_plan_result *r = first;
    assert_non_null(r);
    scar_ctx *ctx = scar_ctx_create();
    scar_plan_doc d = {.patient = &pt, .screen = &scr, .result = r, .params = params};
    json_t *j = scar_plan_to_json(ctx, &d);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "candidate")));
    assert_true(json_is_array(json_object_get(j, "reasons")));
    json_t *plans = json_object_get(j, "plans");
    assert_int_equal(json_array_size(plans), r->n);
    static const char *const keys[] = {"device",   "needle_mm", "sessions",
                                       "interval_weeks", "adjuncts", "predicted_improvement_pct",
                                       "ci95",     "risks",     "schedule"};
    json_t *p0 = json_array_get(plans, 0);
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (!json_object_get(p0, keys[k]))
            fail_msg("plans[0] lacks \"%s\"", keys[k]);
    json_t *sched = json_object_get(p0, "schedule");
    assert_int_equal(json_array_size(sched), (size_t)r->cand[0].protocol.sessions);
    assert_string_equal(json_string_value(json_array_get(sched, 0)), "2027-01-11");
    assert_int_equal(json_integer_value(json_object_get(j, "recommended")),
                     (json_int_t)r->recommended);
    json_decref(j);
    /* not a candidate: no plans, the reasons say why */
    pt.history.pregnant = true;
    scar_screen_patient(&pt, &scr);
    d.result = NULL;
    j = scar_plan_to_json(ctx, &d);
    assert_false(json_is_true(json_object_get(j, "candidate")));
    assert_int_equal(json_array_size(json_object_get(j, "plans")), 0);
    assert_true(json_array_size(json_object_get(j, "reasons")) >= 1);
    assert_true(json_is_null(json_object_get(j, "recommended")));
    json_decref(j);
    scar_ctx_destroy(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_respects_limits_and_ranks),
        cmocka_unit_test(test_search_is_deterministic),
        cmocka_unit_test(test_home_course_stays_short),
        cmocka_unit_test(test_search_refuses_a_non_candidate),
        cmocka_unit_test(test_schedule_dates),
        cmocka_unit_test(test_evidence_behind_a_protocol),
        cmocka_unit_test(test_plan_json_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
