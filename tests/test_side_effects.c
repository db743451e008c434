/*
 * test_side_effects.c — the side-effect assessment (src/course/safety.c):
 * its evidence table against data/evidence/safety.csv (every string, number
 * and skin-type range), the flags for a home roller on dark skin and a deep
 * pen on light skin, sources on every item, refusals, and the JSON keys.
 */
#include "testutil.h"

#include "params.h"
#include "safety.h"

#include <math.h>

/* ---- a small CSV reader (RFC 4180: quotes, doubled quotes) ------------- */

enum { NCOL = 6, MAXROWS = 200 };

typedef struct csv_row {
    char *f[NCOL];
} csv_row;

typedef struct csv {
    char *text;
    csv_row r[MAXROWS];
    int n; /* data rows, header excluded */
    char *header[NCOL];
} csv;

/* Parses one record in place from *p; returns the number of fields. */
static int record(char **p, char **f)
{
    char *s = *p, *w = s;
    int nf = 0;
    f[nf++] = w;
    bool quoted = false;
    for (;; s++) {
        if (quoted) {
            if (*s == '"' && s[1] == '"')
                *w++ = '"', s++;
            else if (*s == '"')
                quoted = false;
            else
                *w++ = *s;
        } else if (*s == '"') {
            quoted = true;
        } else if (*s == ',') {
            *w++ = '\0';
            assert_true(nf < NCOL);
            f[nf++] = w;
        } else if (*s == '\n' || *s == '\0') {
            bool end = *s == '\0';
            *w = '\0';
            *p = end ? s : s + 1;
            return nf;
        } else {
            *w++ = *s;
        }
    }
}

static void csv_read(csv *c)
{
    const char *env = getenv("SCARSIM_SAFETY_CSV");
    char path[1024];
    if (env && *env)
        snprintf(path, sizeof path, "%s", env);
    else {
        /* the repository root from this file's path (tests/...) */
        const char *slash = strrchr(__FILE__, '/');
        int n = slash ? (int)(slash - __FILE__) : 0;
        snprintf(path, sizeof path, "%.*s%sdata/evidence/safety.csv", n, __FILE__,
                 n ? "/../" : "../");
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    c->text = malloc((size_t)len + 1);
    assert_non_null(c->text);
    assert_int_equal(fread(c->text, 1, (size_t)len, f), (size_t)len);
    c->text[len] = '\0';
    fclose(f);
    char *p = c->text;
    assert_int_equal(record(&p, c->header), NCOL);
    c->n = 0;
    while (*p) {
        assert_true(c->n < MAXROWS);
        assert_int_equal(record(&p, c->r[c->n].f), NCOL);
        c->n++;
    }
}

/* The numbers written in a cell, in order ('-' separates, as in "0.5-1.0"). */
static int numbers(const char *s, double *out, int max)
{
    int n = 0;
    while (*s) {
        if ((*s >= '0' && *s <= '9') || (*s == '.' && s[1] >= '0' && s[1] <= '9')) {
            char *end;
            double v = strtod(s, &end);
            assert_true(n < max);
            out[n++] = v;
            s = end;
        } else {
            s++;
        }
    }
    return n;
}

/* Each range's ends must appear among the cell's numbers, in order. */
static void check_ranges(const char *what, const char *cell, const scar_se_range *r, int nr)
{
    double tok[64];
    int nt = numbers(cell, tok, 64), at = 0;
    for (int i = 0; i < nr; i++) {
        double ends[2] = {r[i].lo, r[i].hi};
        for (int e = 0; e < 2; e++) {
            while (at < nt && tok[at] != ends[e])
                at++;
            if (at == nt)
                fail_msg("%s: %g is not in \"%s\" (in order)", what, ends[e], cell);
        }
    }
}

static const char *const roman[] = {"", "I", "II", "III", "IV", "V", "VI"};

static void evidence_matches_csv(void **state)
{
    (void)state;
    csv *c = calloc(1, sizeof *c);
    assert_non_null(c);
    csv_read(c);
    const char *head[NCOL] = {"item", "category", "value", "unit", "population", "source"};
    for (int i = 0; i < NCOL; i++)
        assert_string_equal(c->header[i], head[i]);
    for (int ref = 0; ref < SCAR_SE_REF_COUNT; ref++) {
        const scar_se_row *t = scar_se_evidence((scar_se_ref)ref);
        assert_non_null(t);
        assert_non_null(t->item);
        int found = -1;
        for (int i = 0; i < c->n; i++)
            if (strcmp(c->r[i].f[0], t->item) == 0) {
                if (found >= 0)
                    fail_msg("item \"%s\" twice in the CSV", t->item);
                found = i;
            }
        if (found < 0)
            fail_msg("table row %d \"%s\" is not an item of safety.csv", ref, t->item);
        char **f = c->r[found].f;
        const char *mine[NCOL] = {t->item, t->category,   t->value,
                                  t->unit, t->population, t->source};
        for (int k = 1; k < NCOL; k++)
            if (strcmp(f[k], mine[k]) != 0)
                fail_msg("\"%s\": %s is \"%s\" in the table, \"%s\" in the CSV", t->item, head[k],
                         mine[k], f[k]);
        /* "same" cites the nearest row above with a source of its own */
        const char *cited = f[5];
        for (int i = found; strcmp(cited, "same") == 0 && i > 0; i--)
            cited = c->r[i - 1].f[5];
        /* "gap" is cited in words: "evidence gap (population)" */
        char gap[600];
        if (strcmp(cited, "gap") == 0) {
            snprintf(gap, sizeof gap, "evidence gap (%s)", f[4]);
            cited = gap;
        }
        assert_string_equal(t->cited, cited);
        assert_true(t->nv >= 0 && t->nv <= 3 && t->nk >= 0 && t->nk <= 3);
        check_ranges(t->item, t->value, t->v, t->nv);
        check_ranges(t->item, t->item, t->k, t->nk);
        if (t->fitz_lo) {
            char want[64];
            snprintf(want, sizeof want, "Fitzpatrick %s-%s", roman[t->fitz_lo], roman[t->fitz_hi]);
            if (!strstr(t->population, want))
                fail_msg("\"%s\": population lacks \"%s\"", t->item, want);
        } else if (strstr(t->population, "Fitzpatrick")) {
            fail_msg("\"%s\": population names Fitzpatrick types the table does not hold", t->item);
        }
    }
    free(c->text);
    free(c);
}

/* ---- assessments -------------------------------------------------------- */

typedef struct fixture {
    scar_ctx *ctx;
    scar_params *p;
    scar_side_effects *se;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->ctx = scar_ctx_create();
    fx->se = calloc(1, sizeof *fx->se);
    if (!fx->ctx || !fx->se || scar_params_create(fx->ctx, &fx->p))
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    scar_params_destroy(&fx->p);
    scar_ctx_destroy(&fx->ctx);
    free(fx->se);
    free(fx);
    return 0;
}

static scar_protocol protocol(const fixture *fx, scar_device_kind kind, double needle_mm,
                              int sessions)
{
    scar_protocol pr;
    memset(&pr, 0, sizeof pr);
    scar_device_default(kind, fx->p, &pr.device);
    pr.device.needle_mm = needle_mm;
    pr.sessions = sessions;
    pr.interval_days = 28;
    pr.follow_up_days = 28;
    return pr;
}

static const scar_se_item *find(const scar_side_effects *se, const char *id, int session)
{
    for (size_t i = 0; i < se->nitems; i++)
        if (strcmp(se->items[i].id, id) == 0 && se->items[i].session == session)
            return &se->items[i];
    return NULL;
}

static scar_se_level level(const scar_side_effects *se, const char *id)
{
    const scar_se_item *it = find(se, id, 0);
    if (!it)
        fail_msg("no item \"%s\"", id);
    return it->level;
}

/* Every item: text, trigger and at least one source, nothing truncated. */
static void check_items(const scar_side_effects *se)
{
    for (size_t i = 0; i < se->nitems; i++) {
        const scar_se_item *it = &se->items[i];
        char src[2048];
        scar_se_item_sources(it, src, sizeof src);
        if (!it->text[0] || !it->trigger[0] || !src[0] || it->nnumbers == 0)
            fail_msg("item %s (session %d) lacks text, trigger or source", it->id, it->session);
        if (strlen(it->text) >= sizeof it->text - 1 ||
            strlen(it->trigger) >= sizeof it->trigger - 1)
            fail_msg("item %s: text or trigger truncated: %s | %s", it->id, it->text, it->trigger);
        for (size_t k = 0; k < it->nnumbers; k++) {
            const scar_se_number *n = &it->numbers[k];
            if (n->row)
                assert_true(n->row->cited[0] && n->row->value[0]);
            else
                assert_true(n->simulated_what && n->simulated_unit && isfinite(n->simulated));
        }
        assert_true(it->level <= se->worst);
    }
}

static void home_roller_on_type_v(void **state)
{
    fixture *fx = *state;
    scar_protocol pr = protocol(fx, SCAR_DEV_HOME_ROLLER, 0.5, 3);
    const double ery[3] = {1.5, 0.0, 4.0};
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 5, false, ery, 3, fx->se), SCAR_OK);
    const scar_side_effects *se = fx->se;
    check_items(se);
    assert_int_equal(level(se, "infection"), SCAR_SE_WARNING);
    assert_int_equal(level(se, "tram_track"), SCAR_SE_CAUTION);
    assert_int_equal(level(se, "pih"), SCAR_SE_CAUTION);
    assert_non_null(strstr(find(se, "pih", 0)->text, "16.7%"));
    assert_int_equal(level(se, "depth_home"), SCAR_SE_INFO);
    assert_int_equal(level(se, "depth_region"), SCAR_SE_INFO);
    assert_int_equal(level(se, "herpes"), SCAR_SE_CAUTION);
    assert_int_equal(level(se, "acne_flare"), SCAR_SE_INFO);
    assert_null(find(se, "granuloma", 0));
    assert_int_equal(se->worst, SCAR_SE_WARNING);
    /* 0.5 mm: the guide's 0.2-0.5 mm band, 2-3 days, beside the engine */
    for (int k = 1; k <= 3; k++) {
        const scar_se_item *it = find(se, "erythema_session", k);
        assert_non_null(it);
        assert_true(it->lo == 2 && it->hi == 3);
        assert_string_equal(it->unit, "days");
        assert_null(it->numbers[0].row);
        assert_true(it->numbers[0].simulated == ery[k - 1]);
    }
    assert_non_null(strstr(find(se, "erythema_session", 3)->text, "longer"));
    assert_non_null(strstr(find(se, "erythema_session", 1)->text, "shorter"));
    /* longer needles at home: over the ceiling, and over the studies' median */
    pr.device.needle_mm = 2.0;
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 5, false, ery, 3, fx->se), SCAR_OK);
    assert_int_equal(level(se, "depth_home"), SCAR_SE_WARNING);
    assert_int_equal(level(se, "tram_track"), SCAR_SE_WARNING);
    assert_non_null(strstr(find(se, "tram_track", 0)->trigger, "assumption"));
}

static void pen_on_type_ii(void **state)
{
    fixture *fx = *state;
    scar_protocol pr = protocol(fx, SCAR_DEV_PEN, 2.0, 4);
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 2, false, NULL, 4, fx->se), SCAR_OK);
    const scar_side_effects *se = fx->se;
    check_items(se);
    assert_int_equal(level(se, "infection"), SCAR_SE_INFO);
    assert_int_equal(level(se, "tram_track"), SCAR_SE_INFO);
    assert_int_equal(level(se, "pih"), SCAR_SE_INFO);
    assert_non_null(strstr(find(se, "pih", 0)->text, "do not split"));
    /* 2.0 mm on the cheek: above thin skin's 0.5-1.0, the top of thick's 1.0-2.0 */
    assert_int_equal(level(se, "depth_region"), SCAR_SE_CAUTION);
    assert_non_null(strstr(find(se, "depth_region", 0)->text, "0.5-1 mm"));
    assert_int_equal(level(se, "depth_scarring"), SCAR_SE_CAUTION);
    assert_null(find(se, "depth_home", 0));
    assert_int_equal(level(se, "granuloma"), SCAR_SE_INFO);
    const scar_se_item *s1 = find(se, "erythema_session", 1);
    assert_non_null(s1);
    assert_true(s1->lo == 6 && s1->hi == 7);
    assert_ptr_equal(s1->numbers[0].row, scar_se_evidence(SCAR_SE_DOWNTIME_DEPTH));
    /* beyond the chart even for thick skin */
    pr.device.needle_mm = 2.5;
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 2, false, NULL, 4, fx->se), SCAR_OK);
    assert_int_equal(level(se, "depth_region"), SCAR_SE_WARNING);
    assert_int_equal(level(se, "depth_scarring"), SCAR_SE_WARNING);
    /* the forehead's chart is shallower */
    pr.device.needle_mm = 1.0;
    assert_int_equal(
        scar_side_effects_assess_region(fx->ctx, &pr, "forehead", 2, false, -1, NULL, 4, fx->se),
        SCAR_OK);
    assert_int_equal(level(se, "depth_region"), SCAR_SE_WARNING);
    /* between the guide's bands the range spans both: 1.75 mm -> 4-7 days */
    pr.device.needle_mm = 1.75;
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 2, false, NULL, 4, fx->se), SCAR_OK);
    s1 = find(se, "erythema_session", 1);
    assert_true(s1->lo == 4 && s1->hi == 7);
    /* a history of PIH raises the level; a serum makes granulomas a caution */
    pr.adjunct[SCAR_ADJ_SERUM_VITAMIN_C] = true;
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 2, true, NULL, 4, fx->se), SCAR_OK);
    assert_int_equal(level(se, "pih"), SCAR_SE_CAUTION);
    assert_int_equal(level(se, "granuloma"), SCAR_SE_CAUTION);
    /* cold sores: a caution when the history is unknown or positive,
     * information when the patient has had none */
    assert_int_equal(level(se, "herpes"), SCAR_SE_CAUTION);
    assert_non_null(strstr(find(se, "herpes", 0)->text, "If you have had cold sores"));
    assert_int_equal(
        scar_side_effects_assess_region(fx->ctx, &pr, "cheek", 2, false, 0, NULL, 4, fx->se),
        SCAR_OK);
    assert_int_equal(level(se, "herpes"), SCAR_SE_INFO);
    assert_non_null(strstr(find(se, "herpes", 0)->text, "have not had cold sores"));
    assert_int_equal(
        scar_side_effects_assess_region(fx->ctx, &pr, "cheek", 2, false, 1, NULL, 4, fx->se),
        SCAR_OK);
    assert_int_equal(level(se, "herpes"), SCAR_SE_CAUTION);
    assert_non_null(strstr(find(se, "herpes", 0)->text, "You have had cold sores"));
    assert_non_null(strstr(find(se, "herpes", 0)->trigger, "herpes_history"));
}

static void every_device_and_type(void **state)
{
    fixture *fx = *state;
    for (int kind = 0; kind < SCAR_DEV_COUNT; kind++)
        for (int fitz = 1; fitz <= 6; fitz++)
            for (int adj = 0; adj < 2; adj++) {
                scar_protocol pr = protocol(fx, (scar_device_kind)kind, 0.1 + 0.5 * fitz, 6);
                for (int a = 0; adj && a < SCAR_ADJ_COUNT; a++)
                    pr.adjunct[a] = true;
                double ery[6] = {0, 1, 2, 3, 4, 5};
                assert_int_equal(scar_side_effects_assess_region(fx->ctx, &pr, "nose", fitz, adj,
                                                                 adj - 1, adj ? ery : NULL, 6,
                                                                 fx->se),
                                 SCAR_OK);
                check_items(fx->se);
                assert_non_null(find(fx->se, "pih", 0));
                if (fitz >= 4)
                    assert_true(level(fx->se, "pih") >= SCAR_SE_CAUTION);
                if (fitz == 6 && kind != SCAR_DEV_FRACTIONAL_LASER)
                    assert_non_null(strstr(find(fx->se, "pih", 0)->trigger, "assumption"));
            }
    /* the laser: its own PIH rate, none of the needling flags */
    scar_protocol pr = protocol(fx, SCAR_DEV_FRACTIONAL_LASER, 0.5, 2);
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 3, false, NULL, 2, fx->se), SCAR_OK);
    assert_ptr_equal(find(fx->se, "pih", 0)->numbers[0].row, scar_se_evidence(SCAR_SE_PIH_LASER));
    assert_null(find(fx->se, "tram_track", 0));
    assert_null(find(fx->se, "erythema_session", 1));
    /* RF: "up to 10 hours", no lower end */
    pr = protocol(fx, SCAR_DEV_RF_MICRONEEDLE, 2.0, 1);
    double one = 0.2;
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 3, false, &one, 1, fx->se), SCAR_OK);
    const scar_se_item *it = find(fx->se, "erythema_session", 1);
    assert_true(isnan(it->lo) && it->hi == 10);
    assert_string_equal(it->unit, "hours");
    assert_non_null(find(fx->se, "depth_guideline", 0));
    /* an untreated control has nothing to report */
    pr.sessions = 0;
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 3, false, NULL, 0, fx->se), SCAR_OK);
    assert_int_equal(fx->se->nitems, 0);
}

static void refusals(void **state)
{
    fixture *fx = *state;
    scar_protocol pr = protocol(fx, SCAR_DEV_PEN, 1.0, 2);
    double bad[2] = {1, NAN};
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 0, false, NULL, 2, fx->se),
                     SCAR_EINPUT);
    tu_assert_err_has(fx->ctx, "fitzpatrick");
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 3, false, NULL, 25, fx->se),
                     SCAR_EINPUT);
    tu_assert_err_has(fx->ctx, "found 25");
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 3, false, bad, 2, fx->se), SCAR_EINPUT);
    tu_assert_err_has(fx->ctx, "session 2");
    assert_int_equal(
        scar_side_effects_assess_region(fx->ctx, &pr, "elbow", 3, false, -1, NULL, 2, fx->se),
        SCAR_EINPUT);
    tu_assert_err_has(fx->ctx, "elbow");
    pr.device.needle_mm = -1;
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 3, false, NULL, 2, fx->se),
                     SCAR_EINPUT);
    tu_assert_err_has(fx->ctx, "needle_mm");
}

static void json_keys(void **state)
{
    fixture *fx = *state;
    scar_protocol pr = protocol(fx, SCAR_DEV_HOME_ROLLER, 0.5, 2);
    const double ery[2] = {1, 2};
    assert_int_equal(scar_side_effects_assess(fx->ctx, &pr, 5, false, ery, 2, fx->se), SCAR_OK);
    json_t *j = scar_side_effects_json(fx->se);
    assert_non_null(j);
    static const char *const top[] = {"fitzpatrick", "pih_history", "region", "device", "needle_mm",
                                      "sessions",    "worst_level", "note",   "items"};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        if (!json_object_get(j, top[i]))
            fail_msg("side_effects lacks \"%s\"", top[i]);
    assert_string_equal(json_string_value(json_object_get(j, "worst_level")), "warning");
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), fx->se->nitems);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        static const char *const keys[] = {"id",      "session", "level", "text",
                                           "trigger", "numbers", "source"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!json_object_get(it, keys[k]))
                fail_msg("item %zu lacks \"%s\"", i, keys[k]);
        assert_true(strlen(json_string_value(json_object_get(it, "source"))) > 0);
        size_t m;
        json_t *n;
        json_array_foreach(json_object_get(it, "numbers"), m, n)
        {
            assert_non_null(json_object_get(n, "value"));
            assert_non_null(json_object_get(n, "unit"));
            assert_true(strlen(json_string_value(json_object_get(n, "source"))) > 0);
        }
        if (json_integer_value(json_object_get(it, "session")) > 0)
            assert_non_null(json_object_get(it, "published_range"));
    }
    /* evidence values are verbatim; the "same" of the CSV is resolved */
    char *text = json_dumps(j, 0);
    assert_non_null(strstr(text, "\"value\": \"6.7 (2/30)\""));
    assert_null(strstr(text, "\"source\": \"same\""));
    free(text);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evidence_matches_csv),
        cmocka_unit_test_setup_teardown(home_roller_on_type_v, setup, teardown),
        cmocka_unit_test_setup_teardown(pen_on_type_ii, setup, teardown),
        cmocka_unit_test_setup_teardown(every_device_and_type, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(json_keys, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
