/*
 * test_screen.c — screening a patient before planning (src/plan/screen.c):
 * a clean patient is a candidate; each contraindication alone makes the
 * patient not a candidate, under its id and with its evidence row;
 * isotretinoin by months since the last dose, and the date when waiting
 * ends; darker skin and a history of PIH narrow the needle and the
 * interval; a home course's limits; herpes and antiviral cover; raised
 * scars; the order of the reasons; the JSON.
 */
#include "testutil.h"

#include "screen.h"

#include <math.h>

#define assert_near(a, b, tol)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (tol)))                                                             \
            fail_msg("%s = %.9g, expected %.9g (tolerance %g)", #a, a_, b_, (double)(tol));        \
    } while (0)

/* A clinic patient of type II with boxcar and rolling scars on the cheek,
 * no history, who accepts nothing extra. */
static void patient_make(scar_patient *pt)
{
    memset(pt, 0, sizeof *pt);
    pt->age_y = 30;
    pt->fitzpatrick = 2;
    pt->region = scar_region_find("cheek");
    pt->skin = SCAR_SKIN_COUNTS;
    pt->counts[SCAR_TYPE_BOXCAR] = 4;
    pt->counts[SCAR_TYPE_ROLLING] = 2;
    pt->history.isotretinoin_months_ago = NAN;
    pt->prefs.setting = SCAR_SETTING_CLINIC;
    pt->prefs.max_sessions = 6;
    pt->prefs.max_downtime_days = NAN;
}

static const scar_screen_reason *find(const scar_screen *s, const char *id)
{
    for (size_t i = 0; i < s->nreasons; i++)
        if (strcmp(s->reasons[i].id, id) == 0)
            return &s->reasons[i];
    return NULL;
}

static bool cites(const scar_screen_reason *r, scar_se_ref ref)
{
    for (int k = 0; k < r->nrefs; k++)
        if (r->refs[k] == ref)
            return true;
    return false;
}

/* Every reason: condition, text and a source, nothing truncated. */
static void check_reasons(const scar_screen *s)
{
    bool any_contra = false;
    for (size_t i = 0; i < s->nreasons; i++) {
        const scar_screen_reason *r = &s->reasons[i];
        if (!r->condition[0] || !r->text[0] || r->nrefs < 1)
            fail_msg("reason %s lacks condition, text or source", r->id);
        if (strlen(r->text) >= sizeof r->text - 1 ||
            strlen(r->condition) >= sizeof r->condition - 1)
            fail_msg("reason %s: text truncated: %s", r->id, r->text);
        for (int k = 0; k < r->nrefs; k++)
            assert_non_null(scar_se_evidence(r->refs[k]));
        any_contra |= r->level == SCAR_SCREEN_CONTRAINDICATION;
    }
    assert_true(s->candidate == !any_contra);
}

static void clean_patient_is_candidate(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    scar_screen s;
    scar_screen_patient(&pt, &s);
    check_reasons(&s);
    assert_true(s.candidate);
    assert_int_equal(s.nreasons, 0);
    const scar_screen_limits *l = &s.limits;
    /* clinic devices: roller, pen, RF; not the stamp, laser or home roller */
    assert_true(l->device_ok[SCAR_DEV_ROLLER] && l->device_ok[SCAR_DEV_PEN] &&
                l->device_ok[SCAR_DEV_RF_MICRONEEDLE]);
    assert_false(l->device_ok[SCAR_DEV_STAMP] || l->device_ok[SCAR_DEV_FRACTIONAL_LASER] ||
                 l->device_ok[SCAR_DEV_HOME_ROLLER]);
    /* the cheek's thick-skin chart (1.0-2.0 mm), within facial scarring's */
    assert_near(l->max_needle_mm, 2.0, 1e-12);
    assert_int_equal(l->needle_refs[0], SCAR_SE_PEN_CHEEK);
    /* Harris 2015's median interval */
    assert_near(l->min_interval_weeks, 4.0, 1e-12);
    assert_int_equal(l->interval_refs[0], SCAR_SE_INTERVAL_MEDIAN);
    assert_int_equal(l->interval_refs[1], SCAR_SE_INTERVAL_PREFERRED);
    assert_false(l->antiviral_cover);
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        assert_false(l->adjunct_ok[a]);
}

/* Each contraindication alone: not a candidate, one reason of that id,
 * citing the row. */
static void each_contraindication(void **state)
{
    (void)state;
    static const struct {
        size_t field; /* offset of the bool in scar_patient_history */
        const char *id;
        scar_se_ref ref;
        const char *phrase; /* what the text must say */
    } cases[] = {
        {offsetof(scar_patient_history, active_acne), "active_acne", SCAR_SE_ACTIVE_ACNE,
         "no new inflamed spots"},
        {offsetof(scar_patient_history, skin_infection), "skin_infection", SCAR_SE_ACTIVE_ACNE,
         "infection"},
        {offsetof(scar_patient_history, active_eczema_or_rosacea), "active_eczema_or_rosacea",
         SCAR_SE_ECZEMA, "flare"},
        {offsetof(scar_patient_history, pregnant), "pregnant", SCAR_SE_PREGNANCY, "precaution"},
        {offsetof(scar_patient_history, breastfeeding), "breastfeeding", SCAR_SE_PREGNANCY,
         "precaution"},
        {offsetof(scar_patient_history, bleeding_disorder), "bleeding_disorder", SCAR_SE_BLEEDING,
         "bleed"},
        {offsetof(scar_patient_history, anticoagulants), "anticoagulants", SCAR_SE_BLEEDING,
         "Do not stop a blood thinner on your own; ask the doctor who prescribed it"},
        {offsetof(scar_patient_history, immunosuppressed), "immunosuppressed", SCAR_SE_IMMUNE,
         "infection"},
        {offsetof(scar_patient_history, uncontrolled_diabetes), "uncontrolled_diabetes",
         SCAR_SE_IMMUNE, "under control"},
        {offsetof(scar_patient_history, photosensitivity), "photosensitivity",
         SCAR_SE_PHOTOSENSITIVITY, "exclusion criteria, not a finding"},
        {offsetof(scar_patient_history, keloid_history), "keloid_history", SCAR_SE_KELOID,
         "dermatologist"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        scar_patient pt;
        patient_make(&pt);
        *(bool *)((char *)&pt.history + cases[c].field) = true;
        scar_screen s;
        scar_screen_patient(&pt, &s);
        check_reasons(&s);
        if (s.candidate || s.nreasons != 1)
            fail_msg("%s: candidate %d with %zu reasons", cases[c].id, s.candidate, s.nreasons);
        const scar_screen_reason *r = &s.reasons[0];
        assert_string_equal(r->id, cases[c].id);
        assert_int_equal(r->level, SCAR_SCREEN_CONTRAINDICATION);
        assert_int_equal(r->nrefs, 1);
        assert_int_equal(r->refs[0], cases[c].ref);
        assert_false(r->has_date);
        if (!strstr(r->text, cases[c].phrase))
            fail_msg("%s: text lacks \"%s\": %s", cases[c].id, cases[c].phrase, r->text);
        /* a clinic list says so; the trial's exclusion is not a clinic list */
        const char *pop = scar_se_evidence(r->refs[0])->population;
        if (strstr(pop, "not peer reviewed"))
            assert_non_null(strstr(r->text, "not a study"));
    }
}

static void isotretinoin_by_months(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    scar_screen s;
    /* 2 months ago: too soon by the label; the consensus and the expert
     * are cited beside it */
    pt.history.isotretinoin_months_ago = 2;
    scar_screen_patient(&pt, &s);
    check_reasons(&s);
    assert_false(s.candidate);
    const scar_screen_reason *r = find(&s, "isotretinoin");
    assert_non_null(r);
    assert_int_equal(r->level, SCAR_SCREEN_CONTRAINDICATION);
    assert_int_equal(r->nrefs, 3);
    assert_int_equal(r->refs[0], SCAR_SE_ISO_LABEL);
    assert_true(cites(r, SCAR_SE_ISO_CONSENSUS) && cites(r, SCAR_SE_ISO_EXPERT));
    assert_string_equal(r->condition, "Isotretinoin stopped 2 months ago");
    assert_non_null(strstr(r->text, "mixed"));
    assert_non_null(strstr(r->text, "6 months after the last dose"));
    assert_non_null(strstr(r->text, "about 2 months"));
    assert_false(r->has_date); /* no start date given */
    /* still taking it */
    pt.history.isotretinoin_months_ago = 0;
    scar_screen_patient(&pt, &s);
    assert_false(s.candidate);
    assert_string_equal(find(&s, "isotretinoin")->condition, "Taking isotretinoin now");
    /* 5.99 months is still inside the label's 6 */
    pt.history.isotretinoin_months_ago = 5.99;
    scar_screen_patient(&pt, &s);
    assert_false(s.candidate);
    /* 6 and 7 months: past the label */
    pt.history.isotretinoin_months_ago = 6;
    scar_screen_patient(&pt, &s);
    assert_true(s.candidate);
    assert_null(find(&s, "isotretinoin"));
    pt.history.isotretinoin_months_ago = 7;
    scar_screen_patient(&pt, &s);
    assert_true(s.candidate);
    assert_int_equal(s.nreasons, 0);
    /* never taken */
    pt.history.isotretinoin_months_ago = NAN;
    scar_screen_patient(&pt, &s);
    assert_true(s.candidate);
    assert_int_equal(s.nreasons, 0);
}

static void isotretinoin_not_before(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    pt.history.isotretinoin_months_ago = 2;
    pt.prefs.has_start = true;
    assert_true(scar_date_parse("2025-03-01", &pt.prefs.start_date));
    scar_screen s;
    scar_screen_patient(&pt, &s);
    const scar_screen_reason *r = find(&s, "isotretinoin");
    assert_non_null(r);
    assert_true(r->has_date);
    /* (6 - 2) * 30.44 = 121.76, rounded up: 122 days after 2025-03-01 */
    assert_int_equal(r->not_before.days - pt.prefs.start_date.days, 122);
    char d[16];
    scar_date_format(r->not_before, d, sizeof d);
    assert_string_equal(d, "2025-07-01");
    assert_non_null(strstr(r->text, "not before 2025-07-01"));
    /* 4.5 months: 1.5 * 30.44 = 45.66 -> 46 days */
    pt.history.isotretinoin_months_ago = 4.5;
    scar_screen_patient(&pt, &s);
    r = find(&s, "isotretinoin");
    assert_int_equal(r->not_before.days - pt.prefs.start_date.days, 46);
    /* still taking it: at least the label's whole 6 months (182.64 -> 183) */
    pt.history.isotretinoin_months_ago = 0;
    scar_screen_patient(&pt, &s);
    r = find(&s, "isotretinoin");
    assert_int_equal(r->not_before.days - pt.prefs.start_date.days, 183);
    assert_non_null(strstr(r->text, "finish the course"));
}

static void darker_skin_and_pih(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    scar_screen s;
    /* type IV: in Dogra 2014's population */
    pt.fitzpatrick = 4;
    scar_screen_patient(&pt, &s);
    check_reasons(&s);
    assert_true(s.candidate);
    const scar_screen_reason *r = find(&s, "pih_risk");
    assert_non_null(r);
    assert_int_equal(r->level, SCAR_SCREEN_CAUTION);
    assert_true(cites(r, SCAR_SE_PIH_DOGRA) && cites(r, SCAR_SE_PIH_CACHAFEIRO) &&
                cites(r, SCAR_SE_MEDIAN_NEEDLE));
    assert_non_null(strstr(r->text, "16.7%"));
    assert_non_null(strstr(r->text, "scarsim's own rule"));
    assert_string_equal(r->condition, "Fitzpatrick type IV skin");
    assert_near(s.limits.max_needle_mm, 1.5, 1e-12);
    assert_near(s.limits.min_interval_weeks, 6.0, 1e-12);
    assert_non_null(strstr(s.limits.needle_why, "scarsim's rule"));
    assert_non_null(strstr(s.limits.interval_why, "scarsim's rule"));
    assert_int_equal(s.limits.needle_refs[0], SCAR_SE_MEDIAN_NEEDLE);
    /* type VI: darker than the study's group; the same rule, said so */
    pt.fitzpatrick = 6;
    scar_screen_patient(&pt, &s);
    assert_non_null(strstr(find(&s, "pih_risk")->text, "Type VI was not in that study"));
    assert_near(s.limits.max_needle_mm, 1.5, 1e-12);
    /* type II with a history of PIH: the same limits */
    pt.fitzpatrick = 2;
    pt.history.pih_history = true;
    scar_screen_patient(&pt, &s);
    assert_string_equal(find(&s, "pih_risk")->condition,
                        "Darker patches after past spots or injuries");
    assert_near(s.limits.max_needle_mm, 1.5, 1e-12);
    assert_near(s.limits.min_interval_weeks, 6.0, 1e-12);
    /* type III without history: nothing narrowed */
    pt.fitzpatrick = 3;
    pt.history.pih_history = false;
    scar_screen_patient(&pt, &s);
    assert_null(find(&s, "pih_risk"));
    assert_near(s.limits.max_needle_mm, 2.0, 1e-12);
    assert_near(s.limits.min_interval_weeks, 4.0, 1e-12);
}

static void region_charts(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    scar_screen s;
    /* the forehead's thick skin: 0.5-0.75 mm */
    pt.region = scar_region_find("forehead");
    scar_screen_patient(&pt, &s);
    assert_near(s.limits.max_needle_mm, 0.75, 1e-12);
    assert_int_equal(s.limits.needle_refs[0], SCAR_SE_PEN_FOREHEAD);
    /* the nose: 0.5 mm; darker skin does not lengthen it */
    pt.region = scar_region_find("nose");
    pt.fitzpatrick = 5;
    scar_screen_patient(&pt, &s);
    assert_near(s.limits.max_needle_mm, 0.5, 1e-12);
    assert_near(s.limits.min_interval_weeks, 6.0, 1e-12);
    /* the temple has no chart row: facial scarring's thick skin, 1.5-2.0 */
    pt.region = scar_region_find("temple");
    pt.fitzpatrick = 2;
    scar_screen_patient(&pt, &s);
    assert_near(s.limits.max_needle_mm, 2.0, 1e-12);
    assert_int_equal(s.limits.needle_refs[0], SCAR_SE_PEN_SCARRING);
    assert_int_equal(s.limits.nneedle_refs, 1);
    assert_int_equal(scar_se_region_chart("temple"), SCAR_SE_REF_COUNT);
    assert_int_equal(scar_se_region_chart("chin"), SCAR_SE_PEN_CHEEK);
}

static void home_setting(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    pt.prefs.setting = SCAR_SETTING_HOME;
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        pt.prefs.adjunct_ok[a] = true;
    scar_screen s;
    scar_screen_patient(&pt, &s);
    check_reasons(&s);
    assert_true(s.candidate);
    const scar_screen_limits *l = &s.limits;
    for (int k = 0; k < SCAR_DEV_COUNT; k++)
        assert_true(l->device_ok[k] == (k == SCAR_DEV_HOME_ROLLER));
    assert_near(l->max_needle_mm, 0.5, 1e-12);
    assert_non_null(strstr(l->needle_why, "scarsim's rule"));
    assert_int_equal(l->needle_refs[0], SCAR_SE_HOME_DEPTH);
    assert_int_equal(l->needle_refs[1], SCAR_SE_HOME_CEILING);
    assert_near(l->min_interval_weeks, 4.0, 1e-12);
    /* clinic procedures left out; the rest as accepted */
    assert_false(l->adjunct_ok[SCAR_ADJ_SUBCISION] || l->adjunct_ok[SCAR_ADJ_PEEL_TCA] ||
                 l->adjunct_ok[SCAR_ADJ_PEEL_GLYCOLIC] || l->adjunct_ok[SCAR_ADJ_PRP_INTRADERMAL]);
    assert_true(l->adjunct_ok[SCAR_ADJ_PRP_TOPICAL] && l->adjunct_ok[SCAR_ADJ_SERUM_HYALURONIC] &&
                l->adjunct_ok[SCAR_ADJ_SERUM_VITAMIN_C]);
    const scar_screen_reason *r = find(&s, "home_setting");
    assert_non_null(r);
    assert_true(cites(r, SCAR_SE_HOME_DEPTH) && cites(r, SCAR_SE_HOME_CEILING));
    assert_non_null(strstr(r->text, "at most 0.5 mm"));
    /* darker skin at home: the home needle stays, the interval lengthens */
    pt.fitzpatrick = 5;
    scar_screen_patient(&pt, &s);
    assert_near(s.limits.max_needle_mm, 0.5, 1e-12);
    assert_int_equal(s.limits.needle_refs[0], SCAR_SE_HOME_DEPTH);
    assert_near(s.limits.min_interval_weeks, 6.0, 1e-12);
    /* in the clinic every accepted adjunct stays */
    pt.prefs.setting = SCAR_SETTING_CLINIC;
    scar_screen_patient(&pt, &s);
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        assert_true(s.limits.adjunct_ok[a]);
}

static void herpes_scars_and_serum(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    pt.history.herpes_history = true;
    scar_screen s;
    scar_screen_patient(&pt, &s);
    check_reasons(&s);
    assert_true(s.candidate);
    assert_true(s.limits.antiviral_cover);
    const scar_screen_reason *r = find(&s, "herpes_history");
    assert_non_null(r);
    assert_int_equal(r->level, SCAR_SCREEN_CAUTION);
    assert_true(cites(r, SCAR_SE_HSV_HISTORY) && cites(r, SCAR_SE_HSV_RATE));
    assert_non_null(strstr(r->text, "antiviral"));
    /* raised scars among the counts: a caution citing the keloid row */
    pt.history.herpes_history = false;
    pt.counts[SCAR_TYPE_HYPERTROPHIC] = 2;
    scar_screen_patient(&pt, &s);
    assert_true(s.candidate);
    assert_false(s.limits.antiviral_cover);
    r = find(&s, "hypertrophic_scars");
    assert_non_null(r);
    assert_int_equal(r->level, SCAR_SCREEN_CAUTION);
    assert_int_equal(r->refs[0], SCAR_SE_KELOID);
    assert_non_null(strstr(r->text, "no trial of needling raised scars"));
    assert_non_null(strstr(r->text, "test spot"));
    /* ... but not from a scanned surface (no counts) */
    pt.skin = SCAR_SKIN_SURFACE;
    scar_screen_patient(&pt, &s);
    assert_null(find(&s, "hypertrophic_scars"));
    /* vitamin C: kept, with the granuloma rows */
    pt.skin = SCAR_SKIN_COUNTS;
    pt.counts[SCAR_TYPE_HYPERTROPHIC] = 0;
    pt.prefs.adjunct_ok[SCAR_ADJ_SERUM_VITAMIN_C] = true;
    scar_screen_patient(&pt, &s);
    assert_true(s.candidate);
    assert_true(s.limits.adjunct_ok[SCAR_ADJ_SERUM_VITAMIN_C]);
    r = find(&s, "vitamin_c_serum");
    assert_non_null(r);
    assert_true(cites(r, SCAR_SE_GRANULOMA_CASES) && cites(r, SCAR_SE_GRANULOMA_REVIEW));
    assert_non_null(strstr(r->text, "15 patients in 13 studies"));
}

static void reasons_in_order(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    /* set in an order unlike the report's */
    pt.prefs.setting = SCAR_SETTING_HOME;
    pt.prefs.adjunct_ok[SCAR_ADJ_SERUM_VITAMIN_C] = true;
    pt.counts[SCAR_TYPE_HYPERTROPHIC] = 1;
    pt.fitzpatrick = 5;
    pt.history.herpes_history = true;
    pt.history.keloid_history = true;
    pt.history.photosensitivity = true;
    pt.history.uncontrolled_diabetes = true;
    pt.history.immunosuppressed = true;
    pt.history.anticoagulants = true;
    pt.history.bleeding_disorder = true;
    pt.history.breastfeeding = true;
    pt.history.pregnant = true;
    pt.history.isotretinoin_months_ago = 1;
    pt.history.active_eczema_or_rosacea = true;
    pt.history.skin_infection = true;
    pt.history.active_acne = true;
    scar_screen s;
    scar_screen_patient(&pt, &s);
    check_reasons(&s);
    static const char *const want[] = {
        "active_acne",           "skin_infection",   "active_eczema_or_rosacea",
        "isotretinoin",          "pregnant",         "breastfeeding",
        "bleeding_disorder",     "anticoagulants",   "immunosuppressed",
        "uncontrolled_diabetes", "photosensitivity", "keloid_history",
        "herpes_history",        "pih_risk",         "hypertrophic_scars",
        "vitamin_c_serum",       "home_setting",
    };
    assert_false(s.candidate);
    assert_int_equal(s.nreasons, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < s.nreasons; i++) {
        if (strcmp(s.reasons[i].id, want[i]) != 0)
            fail_msg("reason %zu is %s, expected %s", i, s.reasons[i].id, want[i]);
        assert_int_equal(s.reasons[i].level,
                         i < 12 ? SCAR_SCREEN_CONTRAINDICATION : SCAR_SCREEN_CAUTION);
    }
    assert_true(s.limits.antiviral_cover);
}

static void json_keys(void **state)
{
    (void)state;
    scar_patient pt;
    patient_make(&pt);
    pt.history.isotretinoin_months_ago = 2;
    pt.history.herpes_history = true;
    pt.fitzpatrick = 4;
    pt.prefs.has_start = true;
    assert_true(scar_date_parse("2025-03-01", &pt.prefs.start_date));
    pt.prefs.adjunct_ok[SCAR_ADJ_PRP_TOPICAL] = true;
    scar_screen s;
    scar_screen_patient(&pt, &s);
    json_t *j = scar_screen_json(&s);
    assert_non_null(j);
    assert_true(json_is_false(json_object_get(j, "candidate")));
    json_t *reasons = json_object_get(j, "reasons");
    assert_int_equal(json_array_size(reasons), s.nreasons);
    size_t i;
    json_t *r;
    json_array_foreach(reasons, i, r)
    {
        static const char *const keys[] = {"id",   "level",      "condition",
                                           "text", "not_before", "sources"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!json_object_get(r, keys[k]))
                fail_msg("reason %zu lacks \"%s\"", i, keys[k]);
        assert_true(json_array_size(json_object_get(r, "sources")) >= 1);
    }
    json_t *iso = json_array_get(reasons, 0);
    assert_string_equal(json_string_value(json_object_get(iso, "id")), "isotretinoin");
    assert_string_equal(json_string_value(json_object_get(iso, "level")), "contraindication");
    assert_string_equal(json_string_value(json_object_get(iso, "not_before")), "2025-07-01");
    json_t *src = json_object_get(iso, "sources");
    assert_int_equal(json_array_size(src), 3);
    assert_string_equal(json_string_value(json_array_get(src, 0)),
                        scar_se_evidence(SCAR_SE_ISO_LABEL)->cited);
    json_t *herpes = json_array_get(reasons, 1);
    assert_string_equal(json_string_value(json_object_get(herpes, "level")), "caution");
    assert_true(json_is_null(json_object_get(herpes, "not_before")));
    json_t *l = json_object_get(j, "limits");
    static const char *const lk[] = {"devices",          "max_needle_mm",      "needle_why",
                                     "needle_sources",   "min_interval_weeks", "interval_why",
                                     "interval_sources", "adjuncts_ok",        "antiviral_cover"};
    for (size_t k = 0; k < sizeof lk / sizeof lk[0]; k++)
        if (!json_object_get(l, lk[k]))
            fail_msg("limits lack \"%s\"", lk[k]);
    json_t *dev = json_object_get(l, "devices");
    assert_int_equal(json_array_size(dev), 3);
    assert_string_equal(json_string_value(json_array_get(dev, 0)), "roller");
    assert_near(json_real_value(json_object_get(l, "max_needle_mm")), 1.5, 1e-12);
    assert_near(json_real_value(json_object_get(l, "min_interval_weeks")), 6.0, 1e-12);
    json_t *adj = json_object_get(l, "adjuncts_ok");
    assert_int_equal(json_array_size(adj), 1);
    assert_string_equal(json_string_value(json_array_get(adj, 0)),
                        scar_adjunct_name(SCAR_ADJ_PRP_TOPICAL));
    assert_true(json_is_true(json_object_get(l, "antiviral_cover")));
    /* Harris 2015, Dogra 2014, Cachafeiro 2016 */
    assert_int_equal(json_array_size(json_object_get(l, "interval_sources")), 3);
    json_decref(j);
    /* a clean patient: the cheek's and facial scarring's rows are one chart,
     * cited once */
    patient_make(&pt);
    scar_screen_patient(&pt, &s);
    assert_int_equal(s.limits.nneedle_refs, 2);
    j = scar_screen_json(&s);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "candidate")));
    assert_int_equal(json_array_size(json_object_get(j, "reasons")), 0);
    src = json_object_get(json_object_get(j, "limits"), "needle_sources");
    assert_int_equal(json_array_size(src), 1);
    assert_string_equal(json_string_value(json_array_get(src, 0)),
                        scar_se_evidence(SCAR_SE_PEN_CHEEK)->cited);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_patient_is_candidate),
        cmocka_unit_test(each_contraindication),
        cmocka_unit_test(isotretinoin_by_months),
        cmocka_unit_test(isotretinoin_not_before),
        cmocka_unit_test(darker_skin_and_pih),
        cmocka_unit_test(region_charts),
        cmocka_unit_test(home_setting),
        cmocka_unit_test(herpes_scars_and_serum),
        cmocka_unit_test(reasons_in_order),
        cmocka_unit_test(json_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
