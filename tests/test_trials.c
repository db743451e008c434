/*
 * test_trials.c — the evidence table reader (src/cohort/trials.c): the
 * shipped data/evidence/trials.csv value by value, columns found by name in
 * any order, the CSV forms (quoted cells across lines, CRLF, lone CR, BOM,
 * blank lines, short rows), the lenient published numbers, every refusal
 * with its exact line, column and field, truncated and mutated inputs, and
 * allocation failures at every step.
 */
#include "testutil.h"

#include "core.h"

#include "trials.h"

#include <math.h>

#define EQ(a, b)                                                                                   \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(a_ == b_))                                                                           \
            fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);                                    \
    } while (0)

static scar_status parse_n(scar_ctx *ctx, const char *text, size_t len, scar_trial_table **t)
{
    return scar_trials_parse(ctx, text, len, "t.csv", t);
}

/* Parses text (NUL-terminated) that must be read; the caller destroys. */
static scar_trial_table *ok_parse(const char *text)
{
    scar_ctx *ctx = scar_ctx_create();
    scar_trial_table *t = NULL;
    scar_status st = parse_n(ctx, text, strlen(text), &t);
    if (st != SCAR_OK)
        fail_msg("refused: %s", tu_errmsg(ctx));
    assert_non_null(t);
    scar_ctx_destroy(&ctx);
    return t;
}

/* The nth (0-based) arm of a study. */
static const scar_trial_arm *find(const scar_trial_table *t, const char *study, int nth)
{
    for (size_t k = 0; k < t->n; k++)
        if (strcmp(t->arms[k].study_id, study) == 0 && nth-- == 0)
            return &t->arms[k];
    fail_msg("no arm %d of %s", nth, study);
    return NULL;
}

static void no_adjuncts(const scar_trial_arm *a)
{
    for (int k = 0; k < SCAR_ADJ_COUNT; k++)
        assert_false(a->adjunct[k]);
}

/* ------------------------------------------------------------------------ */
/* the shipped table                                                        */
/* ------------------------------------------------------------------------ */

static void shipped_table(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_trial_table *t = NULL;
    assert_int_equal(scar_trials_read(ctx, "data/evidence/trials.csv", &t), SCAR_OK);
    assert_string_equal(t->path, "data/evidence/trials.csv");
    assert_int_equal(t->n, 31); /* 31 data rows, counted with Python's csv module */
    int designs[5] = {0}, devices[SCAR_DEV_COUNT] = {0}, none = 0, unknown_device = 0;
    for (size_t k = 0; k < t->n; k++) {
        const scar_trial_arm *a = &t->arms[k];
        assert_int_equal(a->line, (long)k + 2); /* no cell of the file spans lines */
        assert_non_null(a->study_id);
        assert_non_null(a->arm);
        assert_string_equal(a->source_quality, "abstract only");
        designs[a->design]++;
        if (!a->device_known)
            unknown_device++;
        else if (a->device_none)
            none++;
        else
            devices[a->device]++;
    }
    assert_int_equal(designs[SCAR_DESIGN_UNKNOWN], 0);
    assert_int_equal(designs[SCAR_DESIGN_PROSPECTIVE], 13);
    assert_int_equal(designs[SCAR_DESIGN_RCT], 10);
    assert_int_equal(designs[SCAR_DESIGN_SPLIT_FACE], 6);
    assert_int_equal(designs[SCAR_DESIGN_RETROSPECTIVE], 2);
    assert_int_equal(devices[SCAR_DEV_ROLLER], 18);
    assert_int_equal(devices[SCAR_DEV_RF_MICRONEEDLE], 2);
    assert_int_equal(devices[SCAR_DEV_FRACTIONAL_LASER], 1);
    assert_int_equal(none, 3);
    assert_int_equal(unknown_device, 7);

    const scar_trial_arm *a = find(t, "Dogra2014", 0);
    assert_int_equal(a->line, 7);
    assert_string_equal(a->first_author, "Dogra");
    assert_int_equal(a->year, 2014);
    assert_int_equal(a->n_patients, 36);
    assert_int_equal(a->design, SCAR_DESIGN_PROSPECTIVE);
    assert_string_equal(a->design_text, "prospective");
    EQ(a->baseline_score_mean, 11.73);
    EQ(a->baseline_score_sd, 3.12);
    EQ(a->final_score_mean, 6.5);
    EQ(a->final_score_sd, 2.71);
    EQ(a->mean_improvement_pct, 44.6);
    EQ(a->excellent_pct, 13.3);
    EQ(a->good_pct, 73.3);
    assert_true(isnan(a->responder_pct) && isnan(a->fair_pct) && isnan(a->poor_pct));
    assert_string_equal(a->fitzpatrick_range, "IV-V");
    assert_int_equal(a->fitz_lo, 4);
    assert_int_equal(a->fitz_hi, 5);
    assert_true(a->device_known && !a->device_none);
    assert_int_equal(a->device, SCAR_DEV_ROLLER);
    assert_true(isnan(a->needle_mm));
    assert_int_equal(a->sessions, 5);
    EQ(a->interval_weeks, 4);
    EQ(a->followup_weeks, 4);
    no_adjuncts(a);
    assert_null(a->responder_def);
    assert_null(a->baseline_severity);
    for (int k = 0; k < SCAR_TYPE_COUNT; k++) /* "post-acne atrophic facial" names none */
        assert_false(a->has_type[k]);

    a = find(t, "Alam2014", 1); /* the untreated control side */
    assert_int_equal(a->line, 9);
    assert_string_equal(a->arm, "control (untreated side)");
    assert_int_equal(a->design, SCAR_DESIGN_RCT);
    assert_true(a->device_known && a->device_none);
    assert_int_equal(a->sessions, 0);
    assert_true(isnan(a->interval_weeks) && isnan(a->followup_weeks) && isnan(a->needle_mm));
    assert_null(a->scar_types);
    assert_int_equal(a->fitz_lo, 0);
    no_adjuncts(a);
    a = find(t, "Alam2014", 0);
    assert_int_equal(a->sessions, 3);
    EQ(a->interval_weeks, 2);
    assert_string_equal(a->scale, "Goodman-Baron quantitative (2 blinded raters, photos)");

    a = find(t, "GargBaveja2014", 0);
    for (int k = 0; k < SCAR_ADJ_COUNT; k++)
        assert_int_equal(a->adjunct[k], k == SCAR_ADJ_SUBCISION || k == SCAR_ADJ_PEEL_TCA);
    assert_int_equal(a->sessions, 6);
    assert_string_equal(a->baseline_severity,
                        "GB qualitative: grade 4 n=16, grade 3 n=22, grade 2 n=11 (49 graded)");

    a = find(t, "Afra2019", 0);
    EQ(a->needle_mm, 1.5);
    EQ(a->followup_weeks, 13);
    assert_int_equal(a->design, SCAR_DESIGN_SPLIT_FACE);
    a = find(t, "Afra2019", 1);
    assert_true(a->device_none);
    assert_int_equal(a->sessions, 0);

    a = find(t, "Chandrashekar2014", 0);
    assert_int_equal(a->design, SCAR_DESIGN_RETROSPECTIVE);
    assert_true(a->device_known && !a->device_none);
    assert_int_equal(a->device, SCAR_DEV_RF_MICRONEEDLE);
    assert_int_equal(a->fitz_lo, 3);
    assert_int_equal(a->fitz_hi, 5);
    EQ(a->responder_pct, 100);
    EQ(a->excellent_pct, 3);
    EQ(a->good_pct, 9);
    EQ(a->fair_pct, 58);
    EQ(a->poor_pct, 29);
    assert_int_equal(a->sessions, 4);
    EQ(a->interval_weeks, 6);
    EQ(a->followup_weeks, 12);
    /* quoted cells holding commas */
    assert_non_null(a->notes);
    assert_true(strncmp(a->notes, "Qualitative: 80.64% improved by 2 grades, 19.35%", 48) == 0);
    assert_non_null(strstr(a->notes, "very good 3%, good 9%, moderate 58%, minimal 29%"));
    assert_string_equal(a->side_effects,
                        "transient pain, erythema, edema, hyperpigmentation (rates not in "
                        "abstract)");
    assert_string_equal(a->arm, "RF-MN (microneedling fractional radiofrequency)");

    a = find(t, "Cachafeiro2016", 0);
    assert_false(a->device_known);
    assert_int_equal(a->device, SCAR_DEV_COUNT);
    assert_int_equal(find(t, "Cachafeiro2016", 1)->device, SCAR_DEV_FRACTIONAL_LASER);

    a = find(t, "Leheta2011", 1); /* TCA CROSS alone: no needling, four peel sessions */
    assert_true(a->device_none);
    assert_int_equal(a->sessions, 4);
    assert_true(a->adjunct[SCAR_ADJ_PEEL_TCA]);

    a = find(t, "Bhargava2019", 0);
    assert_true(a->has_type[SCAR_TYPE_ROLLING] && a->has_type[SCAR_TYPE_BOXCAR] &&
                a->has_type[SCAR_TYPE_ICEPICK]);
    assert_false(a->has_type[SCAR_TYPE_HYPERTROPHIC]);
    assert_true(a->adjunct[SCAR_ADJ_SUBCISION]);
    a = find(t, "ElDomyati2015", 0); /* "mixed atrophic (rolling;boxcar;icepick)" */
    assert_true(a->has_type[SCAR_TYPE_ROLLING] && a->has_type[SCAR_TYPE_BOXCAR] &&
                a->has_type[SCAR_TYPE_ICEPICK]);

    a = find(t, "HKJDV2018", 0);
    assert_string_equal(a->fitzpatrick_range, "Indian skin");
    assert_int_equal(a->fitz_lo, 0);
    assert_int_equal(a->fitz_hi, 0);
    EQ(a->responder_pct, 91.8);
    a = find(t, "VietnamMN", 0);
    assert_int_equal(a->year, -1);
    assert_string_equal(a->first_author, "(not captured)");
    assert_int_equal(a->fitz_lo, 0);
    assert_int_equal(a->sessions, 12);
    EQ(a->interval_weeks, 1);
    a = find(t, "Fabbrocini2014", 0);
    assert_int_equal(a->fitz_lo, 1);
    assert_int_equal(a->fitz_hi, 6);
    a = find(t, "SharmaJPAD", 0);
    assert_int_equal(a->year, -1);
    assert_int_equal(a->sessions, -1);
    assert_true(a->adjunct[SCAR_ADJ_PRP_INTRADERMAL]);
    EQ(a->final_score_mean, 2.13);
    EQ(find(t, "PaklaMisiur2021", 1)->interval_weeks, 2.9);
    a = find(t, "Majid2009", 0);
    assert_int_equal(a->n_patients, 37);
    EQ(a->responder_pct, 94.4);
    assert_non_null(strstr(a->doi_or_url, "issn=0974-2077;year=2009;volume=2"));
    a = find(t, "Nofal2014", 0);
    assert_int_equal(a->line, 32);
    assert_true(a->adjunct[SCAR_ADJ_PRP_TOPICAL]);
    scar_trial_table_destroy(&t);
    assert_null(t);
    scar_trial_table_destroy(&t); /* NULL accepted */
    scar_trial_table_destroy(NULL);
    scar_ctx_destroy(&ctx);
}

/* ------------------------------------------------------------------------ */
/* the CSV forms                                                            */
/* ------------------------------------------------------------------------ */

static void columns_by_name(void **state)
{
    (void)state;
    /* shuffled columns, an unknown one, most of the schema's missing */
    scar_trial_table *t = ok_parse("protocol_sessions,Extra column,arm,protocol_device,"
                                   "mean_improvement_pct,study_id\n"
                                   "3,whatever,MN alone,pen,31,S1\n"
                                   "0,,control,none,,S1\n");
    assert_int_equal(t->n, 2);
    const scar_trial_arm *a = &t->arms[0];
    assert_string_equal(a->study_id, "S1");
    assert_string_equal(a->arm, "MN alone");
    assert_int_equal(a->sessions, 3);
    assert_int_equal(a->device, SCAR_DEV_PEN);
    EQ(a->mean_improvement_pct, 31);
    /* what the file lacks is unknown */
    assert_int_equal(a->year, -1);
    assert_int_equal(a->n_patients, -1);
    assert_true(isnan(a->baseline_score_mean) && isnan(a->needle_mm));
    assert_null(a->notes);
    assert_null(a->design_text);
    assert_int_equal(a->design, SCAR_DESIGN_UNKNOWN);
    assert_true(t->arms[1].device_none);
    assert_true(isnan(t->arms[1].mean_improvement_pct));
    scar_trial_table_destroy(&t);
}

static void multiline_and_later_error(void **state)
{
    (void)state;
    static const char good[] = "study_id,arm,notes,protocol_sessions\n"
                               "A,a1,\"line one\n"
                               "line two, with comma\",3\n"
                               "B,b1,\"say \"\"hi\"\"\",4\n";
    scar_trial_table *t = ok_parse(good);
    assert_int_equal(t->n, 2);
    assert_string_equal(t->arms[0].notes, "line one\nline two, with comma");
    assert_int_equal(t->arms[0].line, 2);
    assert_int_equal(t->arms[0].sessions, 3);
    assert_string_equal(t->arms[1].notes, "say \"hi\"");
    assert_int_equal(t->arms[1].line, 4);
    scar_trial_table_destroy(&t);

    /* an error in the row after the two-line cell: line 4, not 3 */
    static const char later[] = "study_id,arm,notes,protocol_sessions\n"
                                "A,a1,\"line one\n"
                                "line two, with comma\",3\n"
                                "B,b1,plain,x\n";
    scar_ctx *ctx = scar_ctx_create();
    assert_int_equal(parse_n(ctx, later, strlen(later), &t), SCAR_EINPUT);
    assert_null(t);
    const scar_error *e = scar_ctx_error(ctx);
    assert_int_equal(e->line, 4);
    assert_int_equal(e->col, 12);
    assert_string_equal(e->field, "protocol_sessions");
    assert_string_equal(e->file, "t.csv");

    /* an error in the same row after the line break: the cell's own line */
    static const char same[] = "study_id,arm,notes,protocol_sessions\n"
                               "A,a1,\"l1\n"
                               "l2\",zz\n";
    scar_ctx_clear_error(ctx);
    assert_int_equal(parse_n(ctx, same, strlen(same), &t), SCAR_EINPUT);
    assert_int_equal(e->line, 3);
    assert_int_equal(e->col, 5);
    assert_string_equal(e->field, "protocol_sessions");
    tu_assert_err_has(ctx, "t.csv:3:5: protocol_sessions: expected a whole number of sessions");
    tu_assert_err_has(ctx, "found 'zz'");
    scar_ctx_destroy(&ctx);
}

static void line_ends(void **state)
{
    (void)state;
    static const char lf[] = "study_id,arm,notes\nA,a1,\"x\ny\"\n\nB,b1,z";
    static const char crlf[] = "study_id,arm,notes\r\nA,a1,\"x\r\ny\"\r\n\r\nB,b1,z\r\n";
    static const char cr[] = "study_id,arm,notes\rA,a1,\"x\ry\"\r\rB,b1,z\r";
    const char *texts[] = {lf, crlf, cr};
    for (int k = 0; k < 3; k++) {
        scar_trial_table *t = ok_parse(texts[k]);
        assert_int_equal(t->n, 2);
        assert_string_equal(t->arms[0].notes, "x\ny"); /* the break kept as LF */
        assert_int_equal(t->arms[0].line, 2);
        assert_int_equal(t->arms[1].line, 5);
        assert_string_equal(t->arms[1].notes, "z");
        scar_trial_table_destroy(&t);
    }
    /* an error after CRLF lines is on the same line and column as with LF */
    static const char bad[] = "study_id,arm,protocol_device\r\n\r\nA,a1,RF\r\n";
    scar_ctx *ctx = scar_ctx_create();
    scar_trial_table *t = NULL;
    assert_int_equal(parse_n(ctx, bad, strlen(bad), &t), SCAR_EINPUT);
    assert_int_equal(scar_ctx_error(ctx)->line, 3);
    assert_int_equal(scar_ctx_error(ctx)->col, 6);
    scar_ctx_destroy(&ctx);
}

static void bom(void **state)
{
    (void)state;
    scar_trial_table *t = ok_parse("\xEF\xBB\xBFstudy_id,arm\nA,a1\n");
    assert_int_equal(t->n, 1);
    assert_string_equal(t->arms[0].study_id, "A");
    scar_trial_table_destroy(&t);
    /* the mark is not counted: the duplicate 'arm' starts at column 14 */
    static const char dup[] = "\xEF\xBB\xBFstudy_id,arm,arm\n";
    scar_ctx *ctx = scar_ctx_create();
    assert_int_equal(parse_n(ctx, dup, strlen(dup), &t), SCAR_EINPUT);
    assert_int_equal(scar_ctx_error(ctx)->line, 1);
    assert_int_equal(scar_ctx_error(ctx)->col, 14);
    scar_ctx_destroy(&ctx);
}

static void cells_and_strings(void **state)
{
    (void)state;
    scar_trial_table *t = ok_parse(
        "\n   \n"
        "study_id , arm,notes,journal,design,fitzpatrick_range,scar_types,protocol_adjuncts,"
        "protocol_device,,\n"
        "  S1  ,\" a1 \",   ,\"\",rct,IV,Ice-pick and BOXCAR, prp_topical ; ;peel_tca ;,,,\n"
        " \t \n"
        "S2,a2,\"  \",J,Split-Face,i - vi,hypertrophic,,\n"
        "S3,a3,n,j,cohort,III\xE2\x80\x93V,rolling\n"
        "S4,a4,,,,V-III\n"
        "S5,a5,,,,IIII\n"
        "S6,a6,,,,Vietnamese patients (range not given)\n"
        "\"S7\" ,a7\n");
    assert_int_equal(t->n, 7);
    const scar_trial_arm *a = &t->arms[0];
    assert_int_equal(a->line, 4);
    assert_string_equal(a->study_id, "S1"); /* trimmed, also inside quotes */
    assert_string_equal(a->arm, "a1");
    assert_null(a->notes);   /* blanks only */
    assert_null(a->journal); /* "" */
    assert_int_equal(a->design, SCAR_DESIGN_RCT);
    assert_string_equal(a->design_text, "rct");
    assert_int_equal(a->fitz_lo, 4);
    assert_int_equal(a->fitz_hi, 4);
    assert_true(a->has_type[SCAR_TYPE_ICEPICK] && a->has_type[SCAR_TYPE_BOXCAR]);
    assert_false(a->has_type[SCAR_TYPE_ROLLING] || a->has_type[SCAR_TYPE_HYPERTROPHIC]);
    for (int k = 0; k < SCAR_ADJ_COUNT; k++)
        assert_int_equal(a->adjunct[k], k == SCAR_ADJ_PRP_TOPICAL || k == SCAR_ADJ_PEEL_TCA);
    assert_false(a->device_known);
    a = &t->arms[1];
    assert_int_equal(a->line, 6);
    assert_null(a->notes);
    assert_int_equal(a->design, SCAR_DESIGN_SPLIT_FACE);
    assert_int_equal(a->fitz_lo, 1);
    assert_int_equal(a->fitz_hi, 6);
    assert_true(a->has_type[SCAR_TYPE_HYPERTROPHIC]);
    a = &t->arms[2]; /* a short row: the missing cells are empty */
    assert_int_equal(a->design, SCAR_DESIGN_UNKNOWN);
    assert_string_equal(a->design_text, "cohort");
    assert_int_equal(a->fitz_lo, 3); /* en dash */
    assert_int_equal(a->fitz_hi, 5);
    assert_true(a->has_type[SCAR_TYPE_ROLLING]);
    no_adjuncts(a);
    for (size_t k = 3; k < 6; k++) /* V-III, IIII, prose: unknown, not refused */
        assert_true(t->arms[k].fitz_lo == 0 && t->arms[k].fitz_hi == 0);
    assert_string_equal(t->arms[5].fitzpatrick_range, "Vietnamese patients (range not given)");
    assert_string_equal(t->arms[6].study_id, "S7"); /* blanks after a closing quote */
    assert_int_equal(t->arms[6].line, 11);
    scar_trial_table_destroy(&t);

    /* more ranges that are not ranges */
    t = ok_parse("study_id,arm,fitzpatrick_range\nA,a,-V\nB,b,III-\nC,c,VII\nD,d, iii \n");
    for (size_t k = 0; k < 3; k++)
        assert_true(t->arms[k].fitz_lo == 0 && t->arms[k].fitz_hi == 0);
    assert_true(t->arms[3].fitz_lo == 3 && t->arms[3].fitz_hi == 3);
    scar_trial_table_destroy(&t);

    /* a quote inside an unquoted cell is a character; empty header names may repeat */
    t = ok_parse("study_id,arm,,notes,\nA,a1,x,5\" needle,y\n");
    assert_string_equal(t->arms[0].notes, "5\" needle");
    scar_trial_table_destroy(&t);

    /* a header alone is an empty table */
    t = ok_parse("study_id,arm\n");
    assert_int_equal(t->n, 0);
    assert_null(t->arms);
    scar_trial_table_destroy(&t);
}

static void lenient_numbers(void **state)
{
    (void)state;
    scar_trial_table *t =
        ok_parse("study_id,arm,year,n_patients,mean_improvement_pct,baseline_score_mean,"
                 "responder_pct,poor_pct\n"
                 "A,a1,2014 (from recollection),multiple,~3-4,nan,inf,0x10\n"
                 "B,b1,1999,0,-1000,1000,+12.5,.5\n"
                 "C,c1, 2021 ,\"12\",1e2,12.,-0,5e-1\n");
    const scar_trial_arm *a = &t->arms[0];
    assert_int_equal(a->year, -1);
    assert_int_equal(a->n_patients, -1);
    assert_true(isnan(a->mean_improvement_pct) && isnan(a->baseline_score_mean));
    assert_true(isnan(a->responder_pct) && isnan(a->poor_pct));
    a = &t->arms[1];
    assert_int_equal(a->year, 1999);
    assert_int_equal(a->n_patients, 0);
    EQ(a->mean_improvement_pct, -1000);
    EQ(a->baseline_score_mean, 1000);
    EQ(a->responder_pct, 12.5);
    EQ(a->poor_pct, 0.5);
    a = &t->arms[2];
    assert_int_equal(a->year, 2021);
    assert_int_equal(a->n_patients, 12);
    EQ(a->mean_improvement_pct, 100);
    EQ(a->baseline_score_mean, 12);
    EQ(a->poor_pct, 0.5);
    scar_trial_table_destroy(&t);

    /* the protocol's accepted ends of range */
    t = ok_parse("study_id,arm,protocol_needle_mm,protocol_sessions,protocol_interval_weeks,"
                 "protocol_followup_weeks,protocol_device\n"
                 "A,a1,5,100,0,520,home_roller\n"
                 "B,b1,0.01,0,520,0,stamp\n");
    EQ(t->arms[0].needle_mm, 5);
    assert_int_equal(t->arms[0].sessions, 100);
    EQ(t->arms[0].interval_weeks, 0);
    EQ(t->arms[0].followup_weeks, 520);
    assert_int_equal(t->arms[0].device, SCAR_DEV_HOME_ROLLER);
    EQ(t->arms[1].needle_mm, 0.01);
    assert_int_equal(t->arms[1].device, SCAR_DEV_STAMP);
    scar_trial_table_destroy(&t);
}

/* ------------------------------------------------------------------------ */
/* refusals                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct refusal {
    const char *text;
    size_t len; /* 0: strlen */
    long line, col;
    const char *field; /* "" none */
    const char *frag;  /* in the message */
} refusal;

#define P "study_id,arm,protocol_device,protocol_needle_mm,protocol_sessions\n"
/* cells of a row "A,a1,D,N,S": D at column 6, then N and S after it */
#define Q "study_id,arm,protocol_interval_weeks,protocol_followup_weeks,protocol_adjuncts\n"
#define R "study_id,arm,mean_improvement_pct,year,n_patients\n"

static const refusal refusals[] = {
    /* not CSV */
    {"study_id,arm\nA,\"open\nmore\n", 0, 2, 3, "arm", "expected a closing quote"},
    {"study_id,arm\nA,a1\n\"B", 0, 3, 1, "study_id", "found the end of the file"},
    {"\"study_id,arm\n", 0, 1, 1, "", "closing quote"},
    {"study_id,arm\nA,\"x\"y\n", 0, 2, 6, "arm", "expected ',' or the end of the line"},
    {"study_id,arm\nA,\"say \"hi\"\"\n", 0, 2, 9, "arm", "found 'h'"},
    {"study_id,arm\nA,B,C\n", 0, 2, 5, "", "expected at most 2 cells"},
    {"study_id,arm\nA,B,\n", 0, 2, 5, "", "found cell 3"},
    {"study_id,arm\nA,\"x\ny\",C\n", 0, 3, 4, "", "expected at most 2 cells"},
    {"study_id,arm\nA,B\0C\n", 18, 2, 4, "arm", "found a NUL byte"},
    {"stu\0dy_id,arm\n", 14, 1, 4, "", "NUL"},
    {"study_id,arm\nA,\xC3\xA9\xFF\n", 0, 2, 4, "arm", "expected UTF-8 text, found the byte 0xFF"},
    {"study_id,arm\n\xC0\x80,a\n", 0, 2, 1, "study_id", "0xC0"},          /* overlong */
    {"study_id,arm\nA,\xED\xA0\x80\n", 0, 2, 3, "arm", "0xED"},           /* surrogate */
    {"study_id,arm\nA,\xF4\x90\x80\x80\n", 0, 2, 3, "arm", "0xF4"},       /* past U+10FFFF */
    {"study_id,arm\nA,x\xE2\x82", 0, 2, 4, "arm", "0xE2"},                /* cut at the end */
    {"study_id,arm\nA,\"\xE2\x80\x93\n\x80\"\n", 0, 3, 1, "arm", "0x80"}, /* in a quoted cell */
    /* no header */
    {"", 0, 1, 1, "",
     "expected a header row naming the columns (study_id, arm, ...), found an "
     "empty file"},
    {"\xEF\xBB\xBF", 0, 1, 1, "", "found an empty file"},
    {"\n \r\n\t\n", 0, 4, 1, "", "found only blank lines"},
    {"\n\n  ", 0, 3, 3, "", "found only blank lines"},
    /* the header */
    {"study_id,arm,notes,arm\n", 0, 1, 20, "arm",
     "expected each column name once in the header, found 'arm' again (first in cell 2, again "
     "in cell 4)"},
    {"study_id,arm, study_id ,study_id\n", 0, 1, 14, "study_id", "first in cell 1"},
    {"arm,notes\nB,x\n", 0, 1, 1, "study_id",
     "expected a column named study_id in the header, found none"},
    {"\n\nstudy_id,Arm\nA,a1\n", 0, 3, 1, "arm", "expected a column named arm"},
    /* the rows */
    {"study_id,arm\n ,B\n", 0, 2, 1, "study_id",
     "expected a non-empty study_id in every row, found an empty cell"},
    {"study_id,arm\nA,a\nB\n", 0, 3, 2, "arm", "expected a non-empty arm in every row"},
    {"study_id,arm\nA,\"\"\n", 0, 2, 3, "arm", "found an empty cell"},
    {"arm,study_id\r\nB,\r\n", 0, 2, 3, "study_id", "empty cell"},
    /* the protocol */
    {P "A,a1,RF,,\n", 0, 2, 6, "protocol_device",
     "expected none, an empty cell or a device name (roller, pen, stamp, home_roller, "
     "rf_microneedle, fractional_laser), found 'RF'"},
    {P "A,a1, Roller ,,\n", 0, 2, 6, "protocol_device", "found 'Roller'"},
    {P "A,a1,None\n", 0, 2, 6, "protocol_device", "found 'None'"},
    {P "A,a1,,0,\n", 0, 2, 7, "protocol_needle_mm",
     "expected a needle length in mm, a number in (0, 5], or an empty cell, found '0'"},
    {P "A,a1,,5.01,\n", 0, 2, 7, "protocol_needle_mm", "found '5.01'"},
    {P "A,a1,,-1,\n", 0, 2, 7, "protocol_needle_mm", "found '-1'"},
    {P "A,a1,,1.5 mm,\n", 0, 2, 7, "protocol_needle_mm", "found '1.5 mm'"},
    {P "A,a1,,nan,\n", 0, 2, 7, "protocol_needle_mm", "found 'nan'"},
    {P "A,a1,,inf,\n", 0, 2, 7, "protocol_needle_mm", "found 'inf'"},
    {P "A,a1,,1e999,\n", 0, 2, 7, "protocol_needle_mm", "found '1e999'"},
    {P "A,a1,roller,1,4.5\n", 0, 2, 15, "protocol_sessions",
     "expected a whole number of sessions in [0, 100], or an empty cell, found '4.5'"},
    {P "A,a1,,,-1\n", 0, 2, 8, "protocol_sessions", "found '-1'"},
    {P "A,a1,,,101\n", 0, 2, 8, "protocol_sessions", "found '101'"},
    {P "A,a1,,,multiple\n", 0, 2, 8, "protocol_sessions", "found 'multiple'"},
    {Q "A,a1,~3\n", 0, 2, 6, "protocol_interval_weeks",
     "expected weeks, a number in [0, 520], or an empty cell, found '~3'"},
    {Q "A,a1,-0.5\n", 0, 2, 6, "protocol_interval_weeks", "found '-0.5'"},
    {Q "A,a1,4,521\n", 0, 2, 8, "protocol_followup_weeks", "found '521'"},
    {Q "A,a1,4,26 (6 months)\n", 0, 2, 8, "protocol_followup_weeks", "found '26 (6 months)'"},
    {Q "A,a1,,,prp\n", 0, 2, 8, "protocol_adjuncts",
     "expected adjunct names separated by ';' (prp_topical, prp_intradermal, serum_hyaluronic, "
     "serum_vitamin_c, serum_growth_factor, retinoid_topical, peel_glycolic, peel_tca, "
     "subcision), found 'prp'"},
    {Q "A,a1,,,\"subcision; fractional laser\"\n", 0, 2, 8, "protocol_adjuncts",
     "found 'fractional laser'"},
    {Q "A,a1,,,subcision,peel_tca\n", 0, 2, 18, "", "expected at most 5 cells"},
    /* published numbers: text is unknown, a plain number out of range is a typo */
    {R "A,a1,1001\n", 0, 2, 6, "mean_improvement_pct",
     "expected a published number in [-1000, 1000] (or text, read as unknown), found '1001'"},
    {R "A,a1,-1e4\n", 0, 2, 6, "mean_improvement_pct", "found '-1e4'"},
    {R "A,a1,1e999\n", 0, 2, 6, "mean_improvement_pct", "found '1e999'"},
    {R "A,a1,,99\n", 0, 2, 7, "year", "expected a four-digit year"},
    {R "A,a1,,2014.5\n", 0, 2, 7, "year", "found '2014.5'"},
    {R "A,a1,,,12.5\n", 0, 2, 8, "n_patients",
     "expected a whole number of patients in [0, 10000000] (or text, read as unknown), found "
     "'12.5'"},
    {R "A,a1,,,-3\n", 0, 2, 8, "n_patients", "found '-3'"},
    /* the scale of the published improvement: a scale's name or empty */
    {"study_id,arm,improvement_scale\nA,a1,ECCA\nB,b1,Goodman-Baron\n", 0, 3, 6,
     "improvement_scale",
     "expected an empty cell, Goodman-Baron quantitative, Goodman-Baron qualitative, ECCA or "
     "percent, found 'Goodman-Baron'"},
    {"study_id,arm,improvement_scale\nA,a1,%\n", 0, 2, 6, "improvement_scale", "found '%'"},
    /* the first bad cell of a row is the one told */
    {P "A,a1,laser,9,x\n", 0, 2, 6, "protocol_device", "found 'laser'"},
    {"protocol_sessions,study_id,arm\nx,,\n", 0, 2, 1, "protocol_sessions", "found 'x'"},
    /* what a message shows of a long or multi-line cell */
    {P "A,a1,\"abc\ndef\",,\n", 0, 2, 6, "protocol_device", "found 'abc?def'"},
    {P "A,a1,\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
       "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
       "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9,,\n",
     0, 2, 6, "protocol_device", "\xC3\xA9\xC3\xA9...'"},
};

static void refusals_each(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof refusals / sizeof refusals[0]; k++) {
        const refusal *c = &refusals[k];
        size_t len = c->len ? c->len : strlen(c->text);
        scar_ctx *ctx = scar_ctx_create();
        scar_trial_table *t = (scar_trial_table *)&ctx; /* must be set to NULL */
        scar_status st = parse_n(ctx, c->text, len, &t);
        const scar_error *e = scar_ctx_error(ctx);
        if (st != SCAR_EINPUT)
            fail_msg("case %zu: status %d, expected SCAR_EINPUT", k, (int)st);
        if (t)
            fail_msg("case %zu: table not NULL", k);
        if (e->line != c->line || e->col != c->col || strcmp(e->field, c->field) != 0)
            fail_msg("case %zu: at %ld:%ld field '%s', expected %ld:%ld field '%s' (%s)", k,
                     e->line, e->col, e->field, c->line, c->col, c->field, e->message);
        if (strcmp(e->file, "t.csv") != 0 || strncmp(e->message, "expected ", 9) != 0 ||
            !strstr(e->message, c->frag))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", k, e->message, c->frag);
        scar_ctx_destroy(&ctx);
    }
}

/* The improvement_scale column takes a scale's name in any case, trimmed,
 * and keeps it as written; an empty cell leaves the scale column to decide. */
static void improvement_scale_names(void **state)
{
    (void)state;
    static const char text[] = "study_id,arm,improvement_scale\nA,a1, ecca \n"
                               "A,a2,PERCENT\nA,a3,goodman-baron Quantitative\nA,a4,\n";
    scar_ctx *ctx = scar_ctx_create();
    scar_trial_table *t = NULL;
    assert_int_equal(parse_n(ctx, text, strlen(text), &t), SCAR_OK);
    assert_int_equal(t->n, 4);
    assert_string_equal(t->arms[0].improvement_scale, "ecca");
    assert_string_equal(t->arms[1].improvement_scale, "PERCENT");
    assert_string_equal(t->arms[2].improvement_scale, "goodman-baron Quantitative");
    assert_null(t->arms[3].improvement_scale);
    scar_trial_table_destroy(&t);
    scar_ctx_destroy(&ctx);
}

static void file_errors(void **state)
{
    (void)state;
    char dir[512], path[1024];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    scar_trial_table *t = NULL;

    tu_path(path, sizeof path, dir, "missing.csv");
    assert_int_equal(scar_trials_read(ctx, path, &t), SCAR_EINPUT);
    assert_null(t);
    assert_string_equal(scar_ctx_error(ctx)->file, path);
    tu_assert_err_has(ctx, "expected a readable trials table, found none");

    assert_int_equal(scar_trials_read(ctx, dir, &t), SCAR_EINPUT);
    tu_assert_err_has(ctx, "found a folder");

    /* over the limit: refused from its size, before reading (the file is sparse) */
    tu_path(path, sizeof path, dir, "big.csv");
    tu_write(path, "study_id,arm\n", 13);
    assert_int_equal(truncate(path, (off_t)SCAR_TRIALS_MAX_BYTES + 1), 0);
    assert_int_equal(scar_trials_read(ctx, path, &t), SCAR_EINPUT);
    assert_null(t);
    tu_assert_err_has(ctx, "expected a trials table of at most 16777216 bytes, found 16777217 "
                           "bytes");
    /* at the limit it is read (and refused for its NUL bytes, at line 2) */
    assert_int_equal(truncate(path, (off_t)SCAR_TRIALS_MAX_BYTES), 0);
    assert_int_equal(scar_trials_read(ctx, path, &t), SCAR_EINPUT);
    assert_int_equal(scar_ctx_error(ctx)->line, 2);
    assert_int_equal(scar_ctx_error(ctx)->col, 1);
    tu_assert_err_has(ctx, "NUL byte");
    unlink(path);
    /* from memory the length is checked before the text is looked at */
    assert_int_equal(parse_n(ctx, "study_id,arm\n", (size_t)SCAR_TRIALS_MAX_BYTES + 1, &t),
                     SCAR_EINPUT);
    tu_assert_err_has(ctx, "found 16777217 bytes");

    /* a file that is read, and the name in messages */
    tu_path(path, sizeof path, dir, "ok.csv");
    tu_write(path, "study_id,arm\nA,a1\nB,\n", 21);
    assert_int_equal(scar_trials_read(ctx, path, &t), SCAR_EINPUT);
    assert_string_equal(scar_ctx_error(ctx)->file, path);
    assert_int_equal(scar_ctx_error(ctx)->line, 3);
    tu_write(path, "study_id,arm\nA,a1\n", 18);
    assert_int_equal(scar_trials_read(ctx, path, &t), SCAR_OK);
    assert_int_equal(t->n, 1);
    assert_string_equal(t->path, path);
    scar_trial_table_destroy(&t);
    unlink(path);
    rmdir(dir);

    /* no name: a default one; no text at all: an empty file */
    assert_int_equal(scar_trials_parse(ctx, NULL, 0, NULL, &t), SCAR_EINPUT);
    assert_string_equal(scar_ctx_error(ctx)->file, "trials.csv");
    tu_assert_err_has(ctx, "found an empty file");
    scar_ctx_destroy(&ctx);
}

static void design_names(void **state)
{
    (void)state;
    assert_string_equal(scar_trial_design_name(SCAR_DESIGN_UNKNOWN), "unknown");
    assert_string_equal(scar_trial_design_name(SCAR_DESIGN_RCT), "RCT");
    assert_string_equal(scar_trial_design_name(SCAR_DESIGN_SPLIT_FACE), "split-face");
    assert_string_equal(scar_trial_design_name(SCAR_DESIGN_PROSPECTIVE), "prospective");
    assert_string_equal(scar_trial_design_name(SCAR_DESIGN_RETROSPECTIVE), "retrospective");
    assert_string_equal(scar_trial_design_name((scar_trial_design)99), "unknown");
}

/* ------------------------------------------------------------------------ */
/* robustness                                                               */
/* ------------------------------------------------------------------------ */

/* Every CSV form in a few lines. */
static const char small[] =
    "\xEF\xBB\xBFstudy_id,arm,notes,protocol_device,protocol_sessions,protocol_adjuncts,"
    "fitzpatrick_range,mean_improvement_pct\r\n"
    "A,\"a, one\",\"multi\r\nline \"\"quoted\"\"\",roller,3,prp_topical;peel_tca,III\xE2\x80\x93V,"
    "44.6\r\n"
    "\r\n"
    "B,b\xC3\xA9,,none,0,,Indian skin,~3\n"
    "C,c";

/* Parses a heap copy of exactly len bytes, so that a read past the end is
 * seen by valgrind and ASan. */
static scar_status parse_copy(scar_ctx *ctx, const char *text, size_t len, scar_trial_table **t)
{
    char *copy = len ? malloc(len) : NULL;
    if (len)
        memcpy(copy, text, len);
    scar_status st = parse_n(ctx, copy, len, t);
    free(copy);
    return st;
}

static void truncated(void **state)
{
    (void)state;
    size_t n = sizeof small - 1, oks = 0;
    for (size_t len = 0; len <= n; len++) {
        scar_ctx *ctx = scar_ctx_create();
        scar_trial_table *t = NULL;
        scar_status st = parse_copy(ctx, small, len, &t);
        if (st == SCAR_OK) {
            assert_non_null(t);
            oks++;
        } else if (st != SCAR_EINPUT) {
            fail_msg("length %zu: status %d", len, (int)st);
        } else {
            assert_null(t);
            assert_true(scar_ctx_error(ctx)->line >= 1 && scar_ctx_error(ctx)->col >= 1);
        }
        scar_trial_table_destroy(&t);
        scar_ctx_destroy(&ctx);
    }
    assert_true(oks > 10);
    /* the whole text */
    scar_trial_table *t = ok_parse(small);
    assert_int_equal(t->n, 3);
    assert_string_equal(t->arms[0].arm, "a, one");
    assert_string_equal(t->arms[0].notes, "multi\nline \"quoted\"");
    assert_int_equal(t->arms[0].fitz_lo, 3);
    assert_int_equal(t->arms[1].line, 5);
    assert_string_equal(t->arms[1].arm, "b\xC3\xA9");
    assert_true(isnan(t->arms[1].mean_improvement_pct));
    assert_int_equal(t->arms[2].line, 6);
    scar_trial_table_destroy(&t);
}

static void mutated(void **state)
{
    (void)state;
    static const unsigned char pick[] = {'"',  ',', '\n', '\r', 0,   0xFF, 0xC3, 0xE2,
                                         0x80, ';', ' ',  'I',  '-', '5',  'e',  '.'};
    size_t n = sizeof small - 1;
    char buf[sizeof small];
    uint64_t x = 0x9E3779B97F4A7C15u;
    int refused = 0;
    for (int it = 0; it < 4000; it++) {
        memcpy(buf, small, n);
        int edits = 1 + it % 4;
        for (int e = 0; e < edits; e++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
            size_t at = (size_t)(x % n);
            buf[at] = (char)(x >> 32 & 1 ? pick[(x >> 40) % sizeof pick] : (x >> 48) & 0xFF);
        }
        size_t len = it % 3 ? n : (size_t)((x >> 20) % (n + 1));
        scar_ctx *ctx = scar_ctx_create();
        scar_trial_table *t = NULL;
        scar_status st = parse_copy(ctx, buf, len, &t);
        if (st != SCAR_OK && st != SCAR_EINPUT)
            fail_msg("iteration %d: status %d", it, (int)st);
        if (st == SCAR_OK)
            for (size_t k = 0; k < t->n; k++)
                assert_true(t->arms[k].line >= 2 && t->arms[k].study_id && t->arms[k].arm);
        else
            refused++;
        scar_trial_table_destroy(&t);
        scar_ctx_destroy(&ctx);
    }
    assert_true(refused > 100);
}

static const char alloc_late[] = "study_id,arm,notes,protocol_sessions\n"
                                 "A,a1,\"long note, long note, long note\",3\n"
                                 "B,b1,x,4\nC,c1,y,many\n";

static scar_status alloc_run(scar_ctx *ctx, int which)
{
    scar_trial_table *t = NULL;
    scar_status st = which == 0   ? scar_trials_read(ctx, "data/evidence/trials.csv", &t)
                     : which == 1 ? parse_n(ctx, small, sizeof small - 1, &t)
                                  : parse_n(ctx, alloc_late, sizeof alloc_late - 1, &t);
    if (st == SCAR_OK)
        assert_non_null(t);
    else
        assert_null(t);
    scar_trial_table_destroy(&t);
    return st;
}

static scar_status alloc_done(int which)
{
    return which == 2 ? SCAR_EINPUT : SCAR_OK;
}

static void alloc_failures(void **state)
{
    (void)state;
    tu_alloc_failures(alloc_run, 3, alloc_done, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_table),
        cmocka_unit_test(columns_by_name),
        cmocka_unit_test(multiline_and_later_error),
        cmocka_unit_test(line_ends),
        cmocka_unit_test(bom),
        cmocka_unit_test(cells_and_strings),
        cmocka_unit_test(lenient_numbers),
        cmocka_unit_test(refusals_each),
        cmocka_unit_test(improvement_scale_names),
        cmocka_unit_test(file_errors),
        cmocka_unit_test(design_names),
        cmocka_unit_test(truncated),
        cmocka_unit_test(mutated),
        cmocka_unit_test(alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
