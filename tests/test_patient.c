/*
 * test_patient.c — the patient file of `scarsim plan` (src/plan/patient.c)
 * and the calendar dates of its schedule (src/plan/date.c): the DESIGN.md
 * example in JSON and YAML, every extension key, defaults, every refusal
 * with its file:line:col and field, and allocation failures at every step.
 */
#include "testutil.h"

#include "core.h"

#include "patient.h"

#include <math.h>

/* The example of DESIGN.md "Input files", verbatim. */
static const char example_json[] =
    "{ \"name\": \"Sarah\", \"age\": 28, \"fitzpatrick\": 3, \"region\": \"cheek\",\n"
    "  \"skin\": { \"scars\": {\"boxcar\": 6, \"rolling\": 3, \"icepick\": 2} },\n"
    "  \"history\": { \"active_acne\": false, \"isotretinoin_months_ago\": null, "
    "\"keloid_history\": false,\n"
    "               \"bleeding_disorder\": false, \"anticoagulants\": false, "
    "\"active_eczema_or_rosacea\": false,\n"
    "               \"skin_infection\": false, \"herpes_history\": false, \"pregnant\": false, "
    "\"pih_history\": false },\n"
    "  \"preferences\": { \"setting\": \"clinic\", \"max_sessions\": 6, \"start_date\": "
    "\"2027-01-11\", \"adjuncts_ok\": [\"prp_topical\"] } }\n";

/* The same in block YAML. */
static const char example_yaml[] = "# the DESIGN.md example\n"
                                   "name: Sarah\n"
                                   "age: 28\n"
                                   "fitzpatrick: 3\n"
                                   "region: cheek\n"
                                   "skin:\n"
                                   "  scars: {boxcar: 6, rolling: 3, icepick: 2}\n"
                                   "history:\n"
                                   "  active_acne: false\n"
                                   "  isotretinoin_months_ago: null\n"
                                   "  keloid_history: false\n"
                                   "  bleeding_disorder: false\n"
                                   "  anticoagulants: false\n"
                                   "  active_eczema_or_rosacea: false\n"
                                   "  skin_infection: false\n"
                                   "  herpes_history: false\n"
                                   "  pregnant: false\n"
                                   "  pih_history: false\n"
                                   "preferences:\n"
                                   "  setting: clinic\n"
                                   "  max_sessions: 6\n"
                                   "  start_date: 2027-01-11\n"
                                   "  adjuncts_ok: [prp_topical]\n";

/* Every key, the extensions included, each away from its default. */
static const char full_yaml[] = "name: \"Ana Lima\"\n"
                                "age: 41.5\n"
                                "fitzpatrick: 5\n"
                                "region: forehead\n"
                                "skin:\n"
                                "  scars: {hypertrophic: 1, rolling: 120}\n"
                                "history:\n"
                                "  active_acne: true\n"
                                "  isotretinoin_months_ago: 4.5\n"
                                "  keloid_history: true\n"
                                "  bleeding_disorder: true\n"
                                "  anticoagulants: true\n"
                                "  active_eczema_or_rosacea: true\n"
                                "  skin_infection: true\n"
                                "  herpes_history: true\n"
                                "  pregnant: true\n"
                                "  pih_history: true\n"
                                "  breastfeeding: true\n"
                                "  immunosuppressed: true\n"
                                "  uncontrolled_diabetes: true\n"
                                "  photosensitivity: true\n"
                                "  tried: [laser, 'chemical peel', \"subcision (2019)\"]\n"
                                "preferences:\n"
                                "  setting: home\n"
                                "  max_sessions: 12\n"
                                "  start_date: '2024-02-29'\n"
                                "  adjuncts_ok: [serum_hyaluronic, peel_tca, prp_intradermal]\n"
                                "  max_downtime_days: 2.5\n"
                                "seed: 18446744073709551615\n";

static scar_status parse(scar_ctx *ctx, const char *name, const char *text, scar_patient **p)
{
    return scar_patient_parse(ctx, text, strlen(text), name, NULL, p);
}

/* Writes text to DIR/name and returns the path in buf. */
static const char *put(char *buf, size_t n, const char *dir, const char *name, const char *text)
{
    tu_path(buf, n, dir, name);
    tu_write(buf, text, strlen(text));
    return buf;
}

static void check_example(const scar_patient *p)
{
    assert_string_equal(p->name, "Sarah");
    assert_true(p->age_y == 28.0);
    assert_int_equal(p->fitzpatrick, 3);
    assert_non_null(p->region);
    assert_string_equal(p->region->name, "cheek");
    assert_int_equal(p->skin, SCAR_SKIN_COUNTS);
    assert_int_equal(p->counts[SCAR_TYPE_BOXCAR], 6);
    assert_int_equal(p->counts[SCAR_TYPE_ROLLING], 3);
    assert_int_equal(p->counts[SCAR_TYPE_ICEPICK], 2);
    assert_int_equal(p->counts[SCAR_TYPE_HYPERTROPHIC], 0);
    assert_null(p->surface_path);
    const scar_patient_history *h = &p->history;
    assert_false(h->active_acne || h->keloid_history || h->bleeding_disorder || h->anticoagulants ||
                 h->active_eczema_or_rosacea || h->skin_infection || h->herpes_history ||
                 h->pregnant || h->pih_history);
    assert_true(isnan(h->isotretinoin_months_ago));
    assert_false(h->breastfeeding || h->immunosuppressed || h->uncontrolled_diabetes ||
                 h->photosensitivity);
    assert_int_equal(h->ntried, 0);
    const scar_patient_prefs *pr = &p->prefs;
    assert_int_equal(pr->setting, SCAR_SETTING_CLINIC);
    assert_int_equal(pr->max_sessions, 6);
    assert_true(pr->has_start);
    char date[16];
    scar_date_format(pr->start_date, date, sizeof date);
    assert_string_equal(date, "2027-01-11");
    assert_int_equal(scar_date_weekday(pr->start_date), 0); /* a Monday */
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        assert_int_equal(pr->adjunct_ok[a], a == SCAR_ADJ_PRP_TOPICAL);
    assert_true(isnan(pr->max_downtime_days));
    assert_false(p->has_seed);
}

static void design_example_json_and_yaml(void **state)
{
    (void)state;
    char dir[512], path[1024];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    scar_patient *p = NULL;

    assert_int_equal(
        scar_patient_read(ctx, put(path, sizeof path, dir, "sarah.json", example_json), &p),
        SCAR_OK);
    assert_string_equal(p->path, path);
    check_example(p);
    scar_patient_destroy(&p);
    assert_null(p);
    scar_patient_destroy(&p); /* NULL is fine */
    scar_patient_destroy(NULL);

    assert_int_equal(
        scar_patient_read(ctx, put(path, sizeof path, dir, "sarah.yaml", example_yaml), &p),
        SCAR_OK);
    check_example(p);
    scar_patient_destroy(&p);

    /* JSON is YAML too */
    assert_int_equal(parse(ctx, "sarah.yml", example_json, &p), SCAR_OK);
    check_example(p);
    scar_patient_destroy(&p);
    scar_ctx_destroy(&ctx);
}

static void every_key(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_patient *p = NULL;
    assert_int_equal(parse(ctx, "full.yaml", full_yaml, &p), SCAR_OK);
    assert_string_equal(p->name, "Ana Lima");
    assert_true(p->age_y == 41.5);
    assert_int_equal(p->fitzpatrick, 5);
    assert_string_equal(p->region->name, "forehead");
    assert_int_equal(p->skin, SCAR_SKIN_COUNTS);
    assert_int_equal(p->counts[SCAR_TYPE_HYPERTROPHIC], 1);
    assert_int_equal(p->counts[SCAR_TYPE_ROLLING], SCAR_PATIENT_MAX_SCARS);
    assert_int_equal(p->counts[SCAR_TYPE_BOXCAR], 0); /* not listed: none */
    const scar_patient_history *h = &p->history;
    assert_true(h->active_acne && h->keloid_history && h->bleeding_disorder && h->anticoagulants &&
                h->active_eczema_or_rosacea && h->skin_infection && h->herpes_history &&
                h->pregnant && h->pih_history);
    assert_true(h->breastfeeding && h->immunosuppressed && h->uncontrolled_diabetes &&
                h->photosensitivity);
    assert_true(h->isotretinoin_months_ago == 4.5);
    assert_int_equal(h->ntried, 3);
    assert_string_equal(h->tried[0], "laser");
    assert_string_equal(h->tried[1], "chemical peel");
    assert_string_equal(h->tried[2], "subcision (2019)");
    const scar_patient_prefs *pr = &p->prefs;
    assert_int_equal(pr->setting, SCAR_SETTING_HOME);
    assert_int_equal(pr->max_sessions, SCAR_PATIENT_MAX_SESSIONS);
    assert_true(pr->has_start);
    int y, m, d;
    scar_date_ymd(pr->start_date, &y, &m, &d);
    assert_true(y == 2024 && m == 2 && d == 29);
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        assert_int_equal(pr->adjunct_ok[a], a == SCAR_ADJ_SERUM_HYALURONIC ||
                                                a == SCAR_ADJ_PEEL_TCA ||
                                                a == SCAR_ADJ_PRP_INTRADERMAL);
    assert_true(pr->max_downtime_days == 2.5);
    assert_true(p->has_seed);
    assert_true(p->seed == UINT64_MAX);
    scar_patient_destroy(&p);
    scar_ctx_destroy(&ctx);
}

static void defaults(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_patient *p = NULL;
    assert_int_equal(
        parse(ctx, "min.yaml", "age: 19\nfitzpatrick: 1\nskin: {scars: {icepick: 1}}\n", &p),
        SCAR_OK);
    assert_null(p->name);
    assert_string_equal(p->region->name, "cheek");
    assert_int_equal(p->counts[SCAR_TYPE_ICEPICK], 1);
    assert_true(isnan(p->history.isotretinoin_months_ago));
    assert_false(p->history.pregnant || p->history.active_acne || p->history.breastfeeding);
    assert_int_equal(p->history.ntried, 0);
    assert_int_equal(p->prefs.setting, SCAR_SETTING_CLINIC);
    assert_int_equal(p->prefs.max_sessions, 6);
    assert_false(p->prefs.has_start);
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        assert_false(p->prefs.adjunct_ok[a]); /* none accepted unless listed */
    assert_true(isnan(p->prefs.max_downtime_days));
    assert_false(p->has_seed);
    scar_patient_destroy(&p);

    /* null means "not given", empty maps and lists are fine */
    assert_int_equal(parse(ctx, "min.yaml",
                           "name: ~\nage: 100\nfitzpatrick: 6\nregion: null\n"
                           "skin: {scars: {boxcar: 0, rolling: 2, icepick: ~}}\n"
                           "history: {pregnant: ~, isotretinoin_months_ago: ~, tried: []}\n"
                           "preferences: {setting: ~, start_date: ~, adjuncts_ok: [],\n"
                           "              max_downtime_days: null}\nseed: ~\n",
                           &p),
                     SCAR_OK);
    assert_null(p->name);
    assert_true(p->age_y == 100.0);
    assert_string_equal(p->region->name, "cheek");
    assert_int_equal(p->counts[SCAR_TYPE_ROLLING], 2);
    assert_int_equal(p->counts[SCAR_TYPE_ICEPICK], 0);
    assert_false(p->history.pregnant);
    assert_true(isnan(p->history.isotretinoin_months_ago));
    assert_int_equal(p->prefs.setting, SCAR_SETTING_CLINIC);
    assert_false(p->prefs.has_start);
    assert_true(isnan(p->prefs.max_downtime_days));
    assert_false(p->has_seed);
    scar_patient_destroy(&p);

    /* still taking isotretinoin: 0 months */
    assert_int_equal(parse(ctx, "iso.json",
                           "{\"age\": 22, \"fitzpatrick\": 2, \"skin\": {\"scars\": "
                           "{\"boxcar\": 1}}, \"history\": {\"isotretinoin_months_ago\": 0}, "
                           "\"preferences\": {}}",
                           &p),
                     SCAR_OK);
    assert_true(p->history.isotretinoin_months_ago == 0.0);
    scar_patient_destroy(&p);
    scar_ctx_destroy(&ctx);
}

static void skin_surface_and_synth(void **state)
{
    (void)state;
    char dir[512], path[1024], gsf[1024], sub[1024];
    tu_tmpdir(dir, sizeof dir);
    tu_path(sub, sizeof sub, dir, "scans");
    assert_int_equal(mkdir(sub, 0700), 0);
    put(gsf, sizeof gsf, sub, "cheek.gsf", "Gwyddion Simple Field 1.0\n");
    scar_ctx *ctx = scar_ctx_create();
    scar_patient *p = NULL;

    /* a relative surface is relative to the patient file's folder */
    put(path, sizeof path, dir, "p.yaml",
        "age: 30\nfitzpatrick: 4\nskin: {surface: scans/cheek.gsf}\n");
    assert_int_equal(scar_patient_read(ctx, path, &p), SCAR_OK);
    assert_int_equal(p->skin, SCAR_SKIN_SURFACE);
    assert_string_equal(p->surface_path, gsf);
    scar_patient_destroy(&p);

    put(path, sizeof path, dir, "q.yaml", "age: 30\nfitzpatrick: 4\nskin: {surface: nope.gsf}\n");
    assert_int_equal(scar_patient_read(ctx, path, &p), SCAR_EINPUT);
    assert_null(p);
    char want[1200];
    snprintf(want, sizeof want, "%s:3:17: skin.surface: expected a readable height-map file", path);
    tu_assert_err_has(ctx, want);

    /* a synthetic skin takes the scenario's skin.synth keys and rules */
    assert_int_equal(parse(ctx, "s.yaml",
                           "age: 30\nfitzpatrick: 4\n"
                           "skin:\n  synth: {scars: {boxcar: 2}, size_mm: [10, 8], seed: 3}\n",
                           &p),
                     SCAR_OK);
    assert_int_equal(p->skin, SCAR_SKIN_SYNTH);
    assert_int_equal(p->synth.counts[SCAR_TYPE_BOXCAR], 2);
    assert_int_equal(p->synth.counts[SCAR_TYPE_ICEPICK], 0);
    assert_true(p->synth.width_mm == 10.0 && p->synth.height_mm == 8.0 && p->synth.seed == 3);
    scar_synth_spec def;
    scar_synth_spec_default(&def);
    assert_true(p->synth.px_um == def.px_um);
    scar_patient_destroy(&p);
    scar_ctx_destroy(&ctx);
}

/* ---- refusals ---------------------------------------------------------- */

typedef struct bad {
    const char *name; /* file name given to parse */
    const char *text;
    const char *where; /* the start of the message: "a.yaml:2:25: " */
    const char *field; /* "" when none */
    const char *frag;  /* more of the message */
} bad;

#define HEAD "age: 28\nfitzpatrick: 3\n"
#define SKIN "skin: {scars: {boxcar: 2}}\n"
#define OK_ HEAD SKIN

static const bad bads[] = {
    /* malformed input */
    {"a.yaml", "age: [28\nfitzpatrick: 3\n", "a.yaml:", "", "invalid YAML: "},
    {"a.json", "{\"age\": 28, \"fitzpatrick\": 3,}", "a.json:1:", "",
     "invalid JSON: JSON disallows trailing comma"},
    {"a.json", "{\"age\": 28,\n \"name\": 'Sarah'}", "a.json:2:", "", "invalid JSON: "},
    {"a.yaml", OK_ "---\nage: 3\n", "a.yaml:4:1: ", "", "expected one document, found a second"},
    {"a.yaml", "age: &a 28\nfitzpatrick: *a\n" SKIN, "a.yaml:2:14: ", "",
     "found an alias; patient files do not use anchors and aliases"},
    {"a.yaml", "age: !!int 28\n", "a.yaml:1:6: ", "", "expected an untagged value"},
    {"a.yaml", "age: 28\nname: \"Sa\xffrah\"\n", "a.yaml:2:10: ", "",
     "expected UTF-8 text, found the byte 0xFF (save the patient file as UTF-8)"},
    /* the top level */
    {"a.yaml", "- 1\n", "a.yaml:1:1: ", "",
     "expected a mapping with the keys age, fitzpatrick and skin, found a list"},
    {"a.yaml", "# nothing\n", "a.yaml: ", "", "found an empty file"},
    {"a.yaml", OK_ "hitsory: {}\n", "a.yaml:4:1: ", "hitsory: ",
     "expected a key of the patient file (name, age, fitzpatrick, region, skin, history, "
     "preferences, seed), found \"hitsory\"; did you mean \"history\"?"},
    {"a.json", "{\"age\": 28, \"age\": 29}", "a.json:1:13: ", "age: ",
     "expected each key once, found age again (first at line 1, column 2)"},
    {"a.yaml", "fitzpatrick: 3\n" SKIN,
     "a.yaml:1:1: ", "age: ", "expected the key age (the age in years, 12 to 100), found none"},
    {"a.yaml", "age: 28\n" SKIN, "a.yaml:1:1: ", "fitzpatrick: ",
     "expected the key fitzpatrick (the Fitzpatrick skin type, 1 to 6), found none"},
    {"a.yaml", HEAD, "a.yaml:1:1: ", "skin: ", "expected the key skin"},
    {"a.yaml", "age: 11\nfitzpatrick: 3\n" SKIN,
     "a.yaml:1:6: ", "age: ", "expected a number from 12 to 100 years, found 11"},
    {"a.json", "{\"age\": \"28\", \"fitzpatrick\": 3}",
     "a.json:1:9: ", "age: ", "expected a number from 12 to 100 years, found the string \"28\""},
    {"a.yaml", "age: 28\nfitzpatrick: 3.0\n" SKIN,
     "a.yaml:2:14: ", "fitzpatrick: ", "expected an integer from 1 to 6, found 3.0"},
    {"a.yaml", "age: 28\nfitzpatrick: 0\n" SKIN,
     "a.yaml:2:14: ", "fitzpatrick: ", "expected an integer from 1 to 6, found 0"},
    {"a.yaml", OK_ "region: chin_\n", "a.yaml:4:9: ", "region: ",
     "expected a facial region: one of cheek, nasolabial, nose, upper_lip, forehead, temple, "
     "chin, jaw, found \"chin_\"; did you mean \"chin\"?"},
    {"a.yaml", "name: 42\n" OK_, "a.yaml:1:7: ", "name: ", "expected the patient's name, found 42"},
    {"a.yaml", "name: [Sarah]\n" OK_, "a.yaml:1:7: ", "name: ", "found a list"},
    {"a.yaml", OK_ "seed: -3\n",
     "a.yaml:4:7: ", "seed: ", "expected an integer from 0 to 18446744073709551615, found -3"},
    /* skin */
    {"a.yaml", HEAD "skin: {}\n", "a.yaml:3:7: ", "skin: ",
     "expected scars (counts by type), surface (a measured height map) or synth (a synthetic "
     "skin), found none"},
    {"a.yaml", HEAD "skin:\n  scars: {boxcar: 1}\n  synth: {}\n", "a.yaml:5:3: ", "skin.synth: ",
     "expected either scars (counts by type), surface (a measured height map) or synth (a "
     "synthetic skin), found more than one (scars at line 4, column 3)"},
    {"a.yaml", HEAD "skin: {scars: {boxcar: 1}, photo: x.png}\n", "a.yaml:3:28: ", "skin.photo: ",
     "expected a key of skin (scars, surface, synth), found \"photo\""},
    {"a.yaml", HEAD "skin: {scars: {boxcar: 121}}\n",
     "a.yaml:3:24: ", "skin.scars.boxcar: ", "expected an integer from 0 to 120, found 121"},
    {"a.yaml", HEAD "skin: {scars: {boxcars: 2}}\n",
     "a.yaml:3:16: ", "skin.scars.boxcars: ", "did you mean \"boxcar\"?"},
    {"a.yaml", HEAD "skin: {scars: {boxcar: 0, rolling: 0}}\n", "a.yaml:3:15: ", "skin.scars: ",
     "expected at least one scar (icepick, boxcar, rolling, hypertrophic), found none"},
    {"a.yaml", HEAD "skin: {scars: [boxcar]}\n", "a.yaml:3:15: ", "skin.scars: ",
     "expected a mapping (icepick, boxcar, rolling, hypertrophic: counts), found a list"},
    {"a.yaml", HEAD "skin: {synth: {px_um: 0}}\n",
     "a.yaml:3:23: ", "skin.synth.px_um: ", "expected a number from 1 to 1000 um, found 0"},
    {"a.yaml", HEAD "skin: {surface: 3}\n",
     "a.yaml:3:17: ", "skin.surface: ", "expected a readable height-map file, found \"3\""},
    {"a.yaml", HEAD "skin: 3\n",
     "a.yaml:3:7: ", "skin: ", "expected a mapping (scars, surface or synth), found 3"},
    /* history */
    {"a.yaml", OK_ "history: {pregnant: no}\n",
     "a.yaml:4:21: ", "history.pregnant: ", "expected true or false, found \"no\""},
    {"a.json",
     "{\"age\": 28, \"fitzpatrick\": 3, \"skin\": {\"scars\": {\"boxcar\": 2}},\n"
     " \"history\": {\"pregnant\": \"false\"}}",
     "a.json:2:26: ", "history.pregnant: ", "expected true or false, found the string \"false\""},
    {"a.yaml", OK_ "history: {pregnent: false}\n",
     "a.yaml:4:11: ", "history.pregnent: ", "found \"pregnent\"; did you mean \"pregnant\"?"},
    {"a.yaml", OK_ "history: {isotretinoin_months_ago: -1}\n", "a.yaml:4:36: ",
     "history.isotretinoin_months_ago: ", "expected a number from 0 to 600 months, found -1"},
    {"a.yaml", OK_ "history: {isotretinoin_months_ago: never}\n",
     "a.yaml:4:36: ", "history.isotretinoin_months_ago: ", "found \"never\""},
    {"a.yaml", OK_ "history: {tried: laser}\n",
     "a.yaml:4:18: ", "history.tried: ", "expected a list of treatments tried, found \"laser\""},
    {"a.yaml", OK_ "history:\n  tried: [laser, 12]\n",
     "a.yaml:5:18: ", "history.tried[1]: ", "expected the name of a treatment, found 12"},
    {"a.yaml",
     OK_ "history:\n  tried: [laser, "
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]\n",
     "a.yaml:5:18: ", "history.tried[1]: ",
     "expected the name of a treatment of at most 80 bytes, found 81 bytes"},
    {"a.yaml", OK_ "history:\n  tried: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]\n",
     "a.yaml:5:59: ", "history.tried: ", "expected at most 16 treatments tried, found 17"},
    {"a.yaml", OK_ "history: [pregnant]\n", "a.yaml:4:10: ", "history: ",
     "expected a mapping (active_acne, isotretinoin_months_ago, pregnant, ...), found a list"},
    /* preferences */
    {"a.yaml", OK_ "preferences: {setting: hospital}\n", "a.yaml:4:24: ", "preferences.setting: ",
     "expected a setting: one of clinic, home, found \"hospital\""},
    {"a.yaml", OK_ "preferences: {max_sessions: 13}\n",
     "a.yaml:4:29: ", "preferences.max_sessions: ", "expected an integer from 1 to 12, found 13"},
    {"a.yaml", OK_ "preferences: {max_sessions: 0}\n",
     "a.yaml:4:29: ", "preferences.max_sessions: ", "expected an integer from 1 to 12, found 0"},
    {"a.yaml", OK_ "preferences: {start_date: 2023-02-29}\n",
     "a.yaml:4:27: ", "preferences.start_date: ",
     "expected a date YYYY-MM-DD from 1900-01-01 to 2999-12-31, found \"2023-02-29\""},
    {"a.json",
     "{\"age\": 28, \"fitzpatrick\": 3, \"skin\": {\"scars\": {\"boxcar\": 2}},\n"
     " \"preferences\": {\"start_date\": \"11/01/2027\"}}",
     "a.json:2:32: ", "preferences.start_date: ", "found the string \"11/01/2027\""},
    {"a.yaml", OK_ "preferences: {start_date: 20270111}\n",
     "a.yaml:4:27: ", "preferences.start_date: ", "found 20270111"},
    {"a.yaml", OK_ "preferences:\n  adjuncts_ok: [prp_topical, prp_topicl]\n",
     "a.yaml:5:30: ", "preferences.adjuncts_ok[1]: ",
     "expected an adjunct: one of prp_topical, prp_intradermal, serum_hyaluronic, "
     "serum_vitamin_c, serum_growth_factor, retinoid_topical, peel_glycolic, peel_tca, "
     "subcision, found \"prp_topicl\"; did you mean \"prp_topical\"?"},
    {"a.yaml", OK_ "preferences:\n  adjuncts_ok: [peel_tca, subcision, peel_tca]\n",
     "a.yaml:5:38: ", "preferences.adjuncts_ok[2]: ",
     "expected each adjunct once, found peel_tca again (first at line 5, column 17)"},
    {"a.yaml", OK_ "preferences: {adjuncts_ok: prp_topical}\n", "a.yaml:4:28: ",
     "preferences.adjuncts_ok: ", "expected a list of adjunct names, found \"prp_topical\""},
    {"a.yaml", OK_ "preferences: {max_downtime_days: 61}\n", "a.yaml:4:34: ",
     "preferences.max_downtime_days: ", "expected a number from 0 to 60 days, found 61"},
    {"a.yaml", OK_ "preferences: {max_sesions: 4}\n", "a.yaml:4:15: ", "preferences.max_sesions: ",
     "expected a key of preferences (setting, max_sessions, start_date, adjuncts_ok, "
     "max_downtime_days), found \"max_sesions\"; did you mean \"max_sessions\"?"},
};

static void refusals_point_at_the_node(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    int failures = 0;
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        const bad *b = &bads[i];
        scar_patient *p = (scar_patient *)(uintptr_t)1;
        scar_ctx_clear_error(ctx);
        scar_status st = parse(ctx, b->name, b->text, &p);
        const char *m = tu_errmsg(ctx);
        const scar_error *e = scar_ctx_error(ctx);
        char want[512];
        snprintf(want, sizeof want, "%s%s", b->where, b->field);
        if (st != SCAR_EINPUT || p != NULL || strncmp(m, b->where, strlen(b->where)) != 0 ||
            (b->field[0] && strncmp(m, want, strlen(want)) != 0) || !strstr(m, b->frag) ||
            strchr(m, '\n') || strcmp(e->file, b->name) != 0) {
            print_error("case %zu: status %d, message \"%s\"; wanted \"%s...%s\"\n", i, (int)st, m,
                        want, b->frag);
            failures++;
        } else if (!b->field[0] && e->field[0]) {
            print_error("case %zu: no field expected, found %s\n", i, e->field);
            failures++;
        }
    }
    scar_ctx_destroy(&ctx);
    assert_int_equal(failures, 0);
}

/* The error's parts, not only its formatted line. */
static void error_fields(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_patient *p = NULL;
    assert_int_equal(parse(ctx, "dir/p.yaml", OK_ "history:\n  pregnant: maybe\n", &p),
                     SCAR_EINPUT);
    const scar_error *e = scar_ctx_error(ctx);
    assert_int_equal(e->status, SCAR_EINPUT);
    assert_string_equal(e->file, "dir/p.yaml");
    assert_int_equal(e->line, 5);
    assert_int_equal(e->col, 13);
    assert_string_equal(e->field, "history.pregnant");
    assert_string_equal(e->message, "expected true or false, found \"maybe\"");
    scar_ctx_destroy(&ctx);
}

static void file_errors(void **state)
{
    (void)state;
    char dir[512], path[1024];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    scar_patient *p = NULL;

    tu_path(path, sizeof path, dir, "missing.yaml");
    assert_int_equal(scar_patient_read(ctx, path, &p), SCAR_EINPUT);
    assert_null(p);
    tu_assert_err_has(ctx, path);
    tu_assert_err_has(ctx, "expected a readable patient file");

    assert_int_equal(scar_patient_read(ctx, put(path, sizeof path, dir, "empty.yaml", ""), &p),
                     SCAR_EINPUT);
    tu_assert_err_has(ctx, "empty.yaml: expected a mapping with the keys age, fitzpatrick and "
                           "skin, found an empty file");

    /* oversized: refused from the length, before parsing */
    size_t big = SCAR_PATIENT_MAX_BYTES + 1;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, '#', big);
    assert_int_equal(scar_patient_parse(ctx, text, big, "big.yaml", NULL, &p), SCAR_EINPUT);
    tu_assert_err_has(ctx, "big.yaml: expected a patient file of at most 1048576 bytes, found "
                           "1048577 bytes");
    tu_path(path, sizeof path, dir, "big.yaml");
    tu_write(path, text, big);
    free(text);
    assert_int_equal(scar_patient_read(ctx, path, &p), SCAR_EINPUT);
    assert_null(p);
    tu_assert_err_has(ctx, "at most 1048576 bytes");

    /* not NUL-terminated: only len bytes are read; a NULL name is "patient" */
    char buf[sizeof example_json + 16];
    memcpy(buf, example_json, sizeof example_json - 1);
    memcpy(buf + sizeof example_json - 1, "garbage", 7);
    assert_int_equal(scar_patient_parse(ctx, buf, sizeof example_json - 1, NULL, NULL, &p),
                     SCAR_OK);
    assert_string_equal(p->path, "patient");
    check_example(p);
    scar_patient_destroy(&p);
    assert_int_equal(parse(ctx, NULL, "age: 28\n", &p), SCAR_EINPUT);
    tu_assert_err_has(ctx, "patient:1:1: fitzpatrick: expected the key fitzpatrick");
    scar_ctx_destroy(&ctx);
}

static void setting_names(void **state)
{
    (void)state;
    assert_string_equal(scar_setting_name(SCAR_SETTING_CLINIC), "clinic");
    assert_string_equal(scar_setting_name(SCAR_SETTING_HOME), "home");
    assert_string_equal(scar_setting_name((scar_setting)7), "unknown");
}

/* ---- dates --------------------------------------------------------------- */

static scar_date date(const char *s)
{
    scar_date d = {-999999};
    if (!scar_date_parse(s, &d))
        fail_msg("%s does not parse", s);
    return d;
}

static void dates_parse_and_format(void **state)
{
    (void)state;
    assert_int_equal(date("1970-01-01").days, 0);
    assert_int_equal(date("1970-01-02").days, 1);
    assert_int_equal(date("1969-12-31").days, -1);
    assert_int_equal(date("2000-03-01").days, 11017);
    assert_int_equal(date("1900-01-01").days, -25567);
    assert_int_equal(date("2999-12-31").days, 376199);
    assert_int_equal(date("2027-01-11").days, 20829);

    /* leap years: every 4th, not every 100th, but every 400th */
    const char *ok[] = {"2024-02-29", "2000-02-29", "1904-02-29", "2400-02-29",
                        "2023-02-28", "1900-02-28", "2023-12-31", "2023-04-30"};
    const char *no[] = {
        "2023-02-29", "1900-02-29", "2100-02-29", "2024-02-30",  "2023-04-31",  "2023-13-01",
        "2023-00-10", "2023-01-00", "2023-01-32", "1899-12-31",  "3000-01-01",  "2023-1-01",
        "2023-01-1",  "23-01-01",   "2023/01/01", "2023-01-01 ", " 2023-01-01", "2023-01-01T00:00",
        "+023-01-01", "2023-0a-01", "",           "2023-01-0",   "２023-01-01"};
    scar_date d = {12345};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char buf[16];
        scar_date_format(date(ok[i]), buf, sizeof buf);
        assert_string_equal(buf, ok[i]);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (scar_date_parse(no[i], &d))
            fail_msg("\"%s\" parsed", no[i]);
    assert_false(scar_date_parse(NULL, &d));
    assert_int_equal(d.days, 12345); /* untouched by a refusal */

    /* every day from 1900 to 2999 formats and parses back to itself */
    long n = 0;
    int py = 1899, pm = 12, pd = 31;
    for (scar_date x = date("1900-01-01"); x.days <= date("2999-12-31").days;
         x = scar_date_add_days(x, 1), n++) {
        char buf[16];
        int y, m, dd;
        scar_date_ymd(x, &y, &m, &dd);
        /* the next calendar day after the previous one */
        bool next = (y == py && m == pm && dd == pd + 1) || (y == py && m == pm + 1 && dd == 1) ||
                    (y == py + 1 && m == 1 && dd == 1 && pm == 12 && pd == 31);
        if (!next)
            fail_msg("%d-%d-%d after %d-%d-%d", y, m, dd, py, pm, pd);
        scar_date_format(x, buf, sizeof buf);
        scar_date back;
        if (!scar_date_parse(buf, &back) || back.days != x.days)
            fail_msg("%s does not round-trip", buf);
        py = y, pm = m, pd = dd;
    }
    /* 1100 years: 267 leap years (1900, 2100, 2200, 2300, 2500, ... are not) */
    assert_int_equal(n, 1100 * 365 + 267);
}

static void dates_add_and_weekday(void **state)
{
    (void)state;
    char buf[16];
    scar_date_format(scar_date_add_days(date("2024-02-28"), 1), buf, sizeof buf);
    assert_string_equal(buf, "2024-02-29");
    scar_date_format(scar_date_add_days(date("2023-02-28"), 1), buf, sizeof buf);
    assert_string_equal(buf, "2023-03-01");
    scar_date_format(scar_date_add_days(date("2027-01-11"), 6 * 7 * 5), buf, sizeof buf);
    assert_string_equal(buf, "2027-08-09");
    scar_date_format(scar_date_add_days(date("2000-03-01"), -1), buf, sizeof buf);
    assert_string_equal(buf, "2000-02-29");
    scar_date_format(scar_date_add_days(date("1900-03-01"), -1), buf, sizeof buf);
    assert_string_equal(buf, "1900-02-28");
    scar_date_format(scar_date_add_days(date("2024-12-31"), 366), buf, sizeof buf);
    assert_string_equal(buf, "2026-01-01");

    assert_int_equal(scar_date_weekday(date("1970-01-01")), 3); /* Thursday */
    assert_int_equal(scar_date_weekday(date("1969-12-29")), 0); /* Monday, before the epoch */
    assert_int_equal(scar_date_weekday(date("1900-01-01")), 0); /* Monday */
    assert_int_equal(scar_date_weekday(date("2000-01-01")), 5); /* Saturday */
    assert_int_equal(scar_date_weekday(date("2024-02-29")), 3); /* Thursday */
    assert_int_equal(scar_date_weekday(date("2027-01-11")), 0); /* Monday */
    assert_int_equal(scar_date_weekday(date("2999-12-31")), 1); /* Tuesday */
    for (long k = -800; k < 800; k++)
        assert_int_equal(scar_date_weekday(scar_date_add_days(date("2027-01-11"), k)),
                         ((k % 7) + 7) % 7);
}

/* The inputs of the allocation-failure test: the file, two texts, and one
 * refused at its last key. */
static char alloc_path[1024];
static const char alloc_late[] = OK_ "history: {tried: [laser, peel]}\n"
                                     "preferences: {adjuncts_ok: [peel_tca, peel_tca]}\n";

static scar_status alloc_run(scar_ctx *ctx, int which)
{
    scar_patient *p = NULL;
    scar_status st = which == 0   ? scar_patient_read(ctx, alloc_path, &p)
                     : which == 1 ? parse(ctx, "ex.json", example_json, &p)
                     : which == 2 ? parse(ctx, "full.yaml", full_yaml, &p)
                                  : parse(ctx, "late.yaml", alloc_late, &p);
    if (st == SCAR_OK)
        assert_non_null(p);
    else
        assert_null(p);
    scar_patient_destroy(&p);
    return st;
}

static scar_status alloc_done(int which)
{
    return which == 3 ? SCAR_EINPUT : SCAR_OK;
}

static void alloc_failures(void **state)
{
    (void)state;
    char dir[512];
    tu_tmpdir(dir, sizeof dir);
    put(alloc_path, sizeof alloc_path, dir, "full.yaml", full_yaml);
    tu_alloc_failures(alloc_run, 4, alloc_done, 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(design_example_json_and_yaml),
        cmocka_unit_test(every_key),
        cmocka_unit_test(defaults),
        cmocka_unit_test(skin_surface_and_synth),
        cmocka_unit_test(refusals_point_at_the_node),
        cmocka_unit_test(error_fields),
        cmocka_unit_test(file_errors),
        cmocka_unit_test(setting_names),
        cmocka_unit_test(dates_parse_and_format),
        cmocka_unit_test(dates_add_and_weekday),
        cmocka_unit_test(alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
