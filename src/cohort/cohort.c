/*
 * cohort.c — virtual patients for a published trial arm: the arm's protocol
 * with documented defaults, a treated patch per patient run through the
 * healing engine, the patient's face graded before and after, and the arm's
 * prediction on its own scale (cohort.h, docs/trial.md).
 */
#include "cohort.h"

#include "core.h"
#include "run.h"
#include "synth_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Random streams of a patient (keyed by seed, arm row and patient index). */
enum {
    COHORT_STREAM_PATIENT = 0xC0A0, /* skin type, age, parameters */
    COHORT_STREAM_FACE = 0xC0A1     /* the face's scar inventory */
};

/* Defaults for what an arm does not report, each an assumption stated in
 * every output that uses it (docs/trial.md).  The medians are over the arms
 * of evidence/trials.csv that report the number. */
#define DEFAULT_SESSIONS 4         /* median of the reported session counts */
#define DEFAULT_INTERVAL_WEEKS 4.0 /* median of the reported intervals */
#define DEFAULT_FOLLOWUP_WEEKS 4.0 /* most arms assess about a month after the last session */
#define DEFAULT_NEEDLE_MM 1.5      /* the length named by the arms that report one
                                      (Afra 2019, Lotfi 2013) */
#define DEFAULT_FITZ_LO 2          /* assumption: a mixed clinic population */
#define DEFAULT_FITZ_HI 4
#define AGE_LO 18.0                /* assumption: adult trial populations */
#define AGE_HI 40.0
/* Scars per face when the arm gives no severity: the range of the mean
 * counts raters found per subject (Kang 2016, morphology.md §2). */
#define FACE_SCARS_LO 16
#define FACE_SCARS_HI 40
/* The longest face drawn to a severity target (a patient's own face may
 * hold up to SCAR_FACE_MAX_SCARS). */
#define FACE_DRAW_MAX 120
/* A face: both cheeks, temples and chin, about 150 cm^2 (estimate); the
 * qualitative grade's area rule is a fraction of it. */
#define FACE_AREA_MM2 15000.0
/* A scar shallower than the scan layer's detection depth is no longer a
 * contour scar (scan.c DEFAULT_MIN_DEPTH_UM). */
#define VISIBLE_DEPTH_MM 0.06

/* Atrophic scar shares (morphology.md §2, the commonly quoted set, mid values
 * of icepick 60-70 %, boxcar 20-30 %, rolling 15-25 %; normalised). */
static const double type_share[SCAR_TYPE_COUNT] = {
    [SCAR_TYPE_ICEPICK] = 0.65, [SCAR_TYPE_BOXCAR] = 0.25, [SCAR_TYPE_ROLLING] = 0.20,
    [SCAR_TYPE_HYPERTROPHIC] = 0.0};

static const scar_varied_param varied[] = {
    {"alpha_M", "strength of the inflammatory response to injury"},
    {"a_rho", "growth-factor stimulated collagen synthesis"},
    {"a_M", "matrix degradation by macrophages"},
    {"f_pen", "how far needles enter a given skin"},
    {"tau_t0", "how strongly fibrous bands tether a rolling scar"},
    {"kappa_t", "how readily tracks cut those bands"},
    {"phi_n", "cellularity of the scar floor"},
    {"phi_rho", "collagen density of the scar floor"},
};

size_t scar_cohort_varied_count(void)
{
    return sizeof varied / sizeof varied[0];
}

const scar_varied_param *scar_cohort_varied_at(size_t i)
{
    return i < scar_cohort_varied_count() ? &varied[i] : NULL;
}

const char *scar_scale_name(scar_scale s)
{
    switch (s) {
    case SCAR_SCALE_GB_QUANTITATIVE:
        return "Goodman-Baron quantitative (0-84)";
    case SCAR_SCALE_GB_QUALITATIVE:
        return "Goodman-Baron qualitative grade (1-4)";
    case SCAR_SCALE_ECCA:
        return "ECCA (0-540)";
    case SCAR_SCALE_PERCENT:
        return "% improvement (simulated: scar volume)";
    }
    return "?";
}

void scar_cohort_opts_default(scar_cohort_opts *o)
{
    memset(o, 0, sizeof *o);
    o->patients = 20;
    /* 100 um voxels resolve a 0.4 mm icepick by four columns and a 1 mm
     * dermis by ten layers: coarse, chosen so a cohort runs in minutes
     * (docs/trial.md, "Resolution"). */
    o->dx_um = 100.0;
    o->patch_mm = 12.0;
    o->seed = 1;
    o->vary_params = true;
}

/* ------------------------------------------------------------------------ */
/* the arm's plan                                                           */
/* ------------------------------------------------------------------------ */

/* Where needle first occurs in hay, ignoring case; -1 when it does not. */
static long find_ci(const char *hay, const char *needle)
{
    if (!hay)
        return -1;
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] && tolower((unsigned char)p[k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return (long)(p - hay);
    }
    return -1;
}

static bool has_ci(const char *hay, const char *needle)
{
    return find_ci(hay, needle) >= 0;
}

/* The scale named first in the arm's scale text ("Goodman-Baron qualitative
 * + quantitative" is graded on the qualitative scale). */
static scar_scale scale_of(const char *text)
{
    static const struct {
        const char *word;
        scar_scale scale;
    } words[] = {
        {"quantitative", SCAR_SCALE_GB_QUANTITATIVE},
        /* Dogra 2014's name for it, per secondary reviews (trials.csv) */
        {"acne scar assessment score", SCAR_SCALE_GB_QUANTITATIVE},
        {"ECCA", SCAR_SCALE_ECCA},
        {"qualitative", SCAR_SCALE_GB_QUALITATIVE},
    };
    long first = -1;
    scar_scale s = SCAR_SCALE_PERCENT;
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        long at = find_ci(text, words[k].word);
        if (at >= 0 && (first < 0 || at < first)) {
            first = at;
            s = words[k].scale;
        }
    }
    /* "Goodman-Baron (grade ...)", "grade-based": the ordinal grade */
    if (first < 0 && (has_ci(text, "grade") || has_ci(text, "Goodman")))
        s = SCAR_SCALE_GB_QUALITATIVE;
    return s;
}

/* "GB grade 2-4", "grade 3-4", "GB grade II-IV", "(GB grade III-IV)": the
 * grade range after the word "grade"; false when there is none. */
static int roman_or_digit(const char **pp)
{
    const char *p = *pp;
    if (*p >= '1' && *p <= '4') {
        *pp = p + 1;
        return *p - '0';
    }
    static const char *const romans[] = {"IV", "III", "II", "I"};
    static const int vals[] = {4, 3, 2, 1};
    for (int k = 0; k < 4; k++) {
        size_t n = strlen(romans[k]);
        if (strncmp(p, romans[k], n) == 0) {
            *pp = p + n;
            return vals[k];
        }
    }
    return 0;
}

static bool grade_range(const char *text, int *lo, int *hi)
{
    if (!text)
        return false;
    const char *p = text;
    while ((p = strstr(p, "grade")) != NULL) {
        p += 5;
        while (*p == ' ')
            p++;
        const char *q = p;
        int a = roman_or_digit(&q);
        if (!a)
            continue;
        int b = a;
        if (*q == '-') {
            q++;
            b = roman_or_digit(&q);
            if (!b)
                b = a;
        }
        *lo = a < b ? a : b;
        *hi = a < b ? b : a;
        return true;
    }
    return false;
}

void scar_arm_plan_make(const scar_trial_arm *a, const scar_params *p, scar_arm_plan *out)
{
    memset(out, 0, sizeof *out);
    out->gbq_mean = out->gbq_sd = out->grade_mean = out->grade_sd = NAN;
    out->age_y = NAN;
    /* The scale the published improvement is on: the row's improvement_scale
     * where it names one (SohagMN: the % is ECCA's, the scale column names
     * the qualitative grade first), else the first named in scale. */
    out->scale = scale_of(a->improvement_scale ? a->improvement_scale : a->scale);
    /* Blinded assessment is what the row says about its raters ("2 blinded
     * raters", "observer-blinded"), not the design: an RCT may be rated
     * open (Leheta 2011 says nothing of blinding). */
    out->blinded = has_ci(a->scale, "blind") || has_ci(a->notes, "blind");
    scar_protocol *pr = &out->protocol;
#define ASSUME(text)                                                                    \
    do {                                                                                \
        if (out->nassumed < (int)(sizeof out->assumed / sizeof out->assumed[0]))        \
            out->assumed[out->nassumed++] = (text);                                     \
    } while (0)

    bool any_adjunct = false;
    for (int k = 0; k < SCAR_ADJ_COUNT; k++)
        any_adjunct |= a->adjunct[k];
    if (a->device_none) {
        if (any_adjunct || a->sessions > 0) {
            out->why_not = "a comparator without needling (peel, TCA CROSS or a topical course "
                           "alone): scarsim models adjuncts only together with needling";
            return;
        }
        out->untreated = true;
        if (!has_ci(a->arm, "control") && !has_ci(a->arm, "untreated"))
            ASSUME("a comparator without needling is simulated as untreated skin "
                   "(scarsim has no model of a topical course alone)");
    }
    scar_device_kind kind = SCAR_DEV_ROLLER;
    if (a->device_known && !a->device_none)
        kind = a->device;
    else if (!a->device_known)
        ASSUME("device not reported: a roller (dermaroller), the device of most arms");
    scar_device_default(kind, p, &pr->device);
    if (isfinite(a->needle_mm))
        pr->device.needle_mm = a->needle_mm;
    else if (!out->untreated && (kind == SCAR_DEV_ROLLER || kind == SCAR_DEV_PEN ||
                                 kind == SCAR_DEV_STAMP)) {
        pr->device.needle_mm = DEFAULT_NEEDLE_MM;
        ASSUME("needle length not reported: 1.5 mm, the length of the arms that report one");
    } else if (!out->untreated)
        ASSUME("needle length not reported: the device's default");
    if (out->untreated)
        pr->sessions = 0;
    else if (a->sessions >= 0)
        pr->sessions = a->sessions;
    else {
        pr->sessions = DEFAULT_SESSIONS;
        ASSUME("sessions not reported: 4, the median of the arms that report them");
    }
    if (pr->sessions == 0 && !out->untreated)
        out->untreated = true;
    double iw = a->interval_weeks;
    if (!isfinite(iw) || iw <= 0) {
        iw = DEFAULT_INTERVAL_WEEKS;
        if (pr->sessions > 1)
            ASSUME("interval not reported: 4 weeks, the median of the arms that report one");
    }
    pr->interval_days = 7.0 * iw;
    double fw = a->followup_weeks;
    if (!isfinite(fw)) {
        fw = DEFAULT_FOLLOWUP_WEEKS;
        ASSUME("follow-up not reported: assessed 4 weeks after the last session");
    }
    if (out->untreated && fw <= 0)
        fw = DEFAULT_FOLLOWUP_WEEKS;
    pr->follow_up_days = 7.0 * fw;
    for (int k = 0; k < SCAR_ADJ_COUNT; k++)
        pr->adjunct[k] = a->adjunct[k];

    /* Scar types: those the arm names, else the usual mix (hypertrophic scars
     * are graded but not part of an atrophic-scar trial's patch). */
    bool named = false;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        if (t != SCAR_TYPE_HYPERTROPHIC && a->has_type[t])
            out->types[t] = named = true;
    if (!named) {
        out->types[SCAR_TYPE_ICEPICK] = out->types[SCAR_TYPE_BOXCAR] =
            out->types[SCAR_TYPE_ROLLING] = true;
        ASSUME("scar types not reported: the usual mix of icepick, boxcar and rolling scars");
    }
    out->fitz_lo = a->fitz_lo > 0 ? a->fitz_lo : DEFAULT_FITZ_LO;
    out->fitz_hi = a->fitz_hi > 0 ? a->fitz_hi : DEFAULT_FITZ_HI;
    if (a->fitz_lo <= 0)
        ASSUME("skin types not reported: Fitzpatrick II-IV");

    /* Baseline severity: a published mean on the scale the row's scores are
     * on (the first named in scale), else a grade range in the severity
     * text, else the usual scar counts. */
    scar_scale scored = scale_of(a->scale);
    if (scored == SCAR_SCALE_GB_QUANTITATIVE && isfinite(a->baseline_score_mean)) {
        out->gbq_mean = a->baseline_score_mean;
        out->gbq_sd = isfinite(a->baseline_score_sd) ? a->baseline_score_sd : 0.25 * out->gbq_mean;
    } else if (scored == SCAR_SCALE_GB_QUALITATIVE && isfinite(a->baseline_score_mean) &&
               a->baseline_score_mean >= 1 && a->baseline_score_mean <= 4) {
        out->grade_mean = a->baseline_score_mean;
        out->grade_sd = isfinite(a->baseline_score_sd) ? a->baseline_score_sd : 0.5;
    } else if (grade_range(a->baseline_severity, &out->grade_lo, &out->grade_hi)) {
        if (out->grade_lo < 2)
            out->grade_lo = 2; /* grade 1 is macular: not a contour scar */
        if (out->grade_hi < out->grade_lo)
            out->grade_hi = out->grade_lo;
    } else
        ASSUME("baseline severity not reported: 16-40 scars a face (Kang 2016)");
    out->simulate = true;
#undef ASSUME
}

void scar_arm_plan_for_patient(const scar_protocol *pr, int fitzpatrick, double age_y,
                               const bool types[SCAR_TYPE_COUNT], scar_arm_plan *out)
{
    memset(out, 0, sizeof *out);
    out->gbq_mean = out->gbq_sd = out->grade_mean = out->grade_sd = NAN;
    out->simulate = true;
    out->protocol = *pr;
    out->untreated = pr->sessions == 0;
    out->scale = SCAR_SCALE_GB_QUANTITATIVE;
    out->fitz_lo = out->fitz_hi = fitzpatrick;
    out->age_y = age_y;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        out->types[t] = types[t];
}

/* ------------------------------------------------------------------------ */
/* one patient                                                              */
/* ------------------------------------------------------------------------ */

/* A patient's value of a varied parameter: log-normal with its median at the
 * default m and log-sd s (parameters.csv s_pat), truncated to [lo, hi] by
 * redrawing, so that the typical virtual patient is the calibrated one.  A
 * default at a range end gives a one-sided spread (docs/trial.md).  After
 * REDRAW_MAX draws outside the range (only when the range is a sliver
 * beside the default) the value is clamped. */
#define REDRAW_MAX 64
static double around_default(scar_rng *r, double lo, double m, double hi, double s)
{
    if (!(m > 0) || !(s > 0) || !(hi > lo))
        return m;
    double v = m;
    for (int k = 0; k < REDRAW_MAX; k++) {
        v = m * exp(s * scar_rng_normal(r));
        if (v >= lo && v <= hi)
            return v;
    }
    return v < lo ? lo : v > hi ? hi : v;
}

static scar_status draw_params(scar_ctx *ctx, const scar_params *base, scar_rng *r,
                               scar_params **out)
{
    double spread;
    if (!scar_params_get(base, "s_pat", &spread))
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "parameter s_pat is not in the table");
    scar_status st = scar_params_copy(ctx, base, out);
    if (st)
        return st;
    for (size_t i = 0; i < scar_cohort_varied_count(); i++) {
        int row = scar_params_find(varied[i].name);
        scar_param_info info;
        if (row < 0 || !scar_params_info(base, (size_t)row, &info))
            return SCAR_RAISE(ctx, SCAR_EINTERNAL, "varied parameter %s is not in the table",
                              varied[i].name);
        double v = info.value;
        if (isfinite(info.lo) && isfinite(info.hi))
            v = around_default(r, info.lo, info.value, info.hi, spread);
        if ((st = scar_params_set(ctx, *out, info.name, v, NULL, 0, 0)))
            return st;
    }
    /* A draw that breaks a relation between parameters falls back to the
     * base set (documented; the relations involve none of the varied rows
     * today, so this is a guard). */
    if (scar_params_check(ctx, *out) != SCAR_OK) {
        scar_ctx_clear_error(ctx);
        scar_params_destroy(out);
        return scar_params_copy(ctx, base, out);
    }
    return SCAR_OK;
}

/* The face: scars drawn one at a time until the severity target is met. */
typedef struct face {
    scar_scar s[SCAR_FACE_MAX_SCARS];
    int n;
} face;

static scar_type draw_type(scar_rng *r, const bool *types)
{
    double tot = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        tot += types[t] ? type_share[t] : 0;
    double u = scar_rng_uniform(r) * tot;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++) {
        if (!types[t])
            continue;
        if (u < type_share[t])
            return (scar_type)t;
        u -= type_share[t];
    }
    for (int t = SCAR_TYPE_COUNT - 1; t >= 0; t--)
        if (types[t])
            return (scar_type)t;
    return SCAR_TYPE_BOXCAR;
}

static void face_grade(const face *f, scar_grade *g)
{
    scar_grade_scars(f->s, (size_t)f->n, FACE_AREA_MM2, g);
}

/* Builds the face: scars are added in draw order and the prefix whose grade
 * is nearest the target is kept, so the inventory is as drawn, only its
 * length chosen. */
static void face_make(const scar_arm_plan *plan, scar_rng *r, face *f)
{
    if (plan->face_scars) {
        f->n = plan->nface_scars < SCAR_FACE_MAX_SCARS ? plan->nface_scars : SCAR_FACE_MAX_SCARS;
        memcpy(f->s, plan->face_scars, (size_t)f->n * sizeof f->s[0]);
        return;
    }
    if (plan->face_by_counts) {
        f->n = 0;
        for (int t = 0; t < SCAR_TYPE_COUNT; t++)
            for (int k = 0; k < plan->face_counts[t] && f->n < SCAR_FACE_MAX_SCARS; k++) {
                synth_scar sc;
                synth_scar_draw(r, (scar_type)t, k, &sc);
                synth_scar_truth(&sc, &f->s[f->n++]);
            }
        return;
    }
    enum { BY_COUNT, BY_SCORE, BY_GRADE } mode = BY_COUNT;
    double target = 0;
    if (isfinite(plan->gbq_mean)) {
        mode = BY_SCORE;
        target = plan->gbq_mean + plan->gbq_sd * scar_rng_normal(r);
        target = target < 1 ? 1 : target > 84 ? 84 : target;
    } else if (isfinite(plan->grade_mean)) {
        mode = BY_GRADE;
        target = round(plan->grade_mean + plan->grade_sd * scar_rng_normal(r));
        target = target < 2 ? 2 : target > 4 ? 4 : target;
    } else if (plan->grade_lo > 0) {
        mode = BY_GRADE;
        target = plan->grade_lo +
                 floor(scar_rng_uniform(r) * (plan->grade_hi - plan->grade_lo + 1));
    }
    int count = FACE_SCARS_LO + (int)floor(scar_rng_uniform(r) * (FACE_SCARS_HI - FACE_SCARS_LO + 1));
    int kdraw[SCAR_TYPE_COUNT] = {0};
    int best = 1;
    double best_err = INFINITY;
    for (int k = 0; k < FACE_DRAW_MAX; k++) {
        scar_type t = draw_type(r, plan->types);
        synth_scar sc;
        synth_scar_draw(r, t, kdraw[t]++, &sc);
        synth_scar_truth(&sc, &f->s[k]);
        f->n = k + 1;
        if (mode == BY_COUNT) {
            if (f->n >= count) {
                best = f->n;
                break;
            }
            continue;
        }
        scar_grade g;
        face_grade(f, &g);
        double v = mode == BY_SCORE ? g.gb_quantitative : g.gb_qualitative;
        double err = fabs(v - target);
        /* Among prefixes on the target grade, take a count drawn from the
         * usual range rather than the first that reaches it. */
        if (err < best_err || (mode == BY_GRADE && err == 0 && f->n <= count)) {
            best_err = err;
            best = f->n;
        }
        if (mode == BY_SCORE && v > target + 6)
            break;
        if (mode == BY_GRADE && v > target)
            break;
    }
    f->n = best;
}

/* The patch: one scar of each type of the arm, on a synthetic skin.  Three
 * scars drawn at their largest (an 8 mm rolling scar, a 4 mm boxcar) do not
 * always fit the patch: then it grows by 2 mm, up to three times, with the
 * same scars (the seed is kept), so every patient gets its patch. */
static scar_status patch_make(scar_ctx *ctx, const scar_arm_plan *plan, const scar_cohort_opts *o,
                              uint64_t seed, scar_heightmap **out)
{
    scar_synth_spec spec;
    scar_synth_spec_default(&spec);
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        spec.counts[t] = plan->types[t] ? 1 : 0;
    spec.px_um = o->dx_um < 50 ? o->dx_um : 50;
    spec.seed = seed;
    scar_status st = SCAR_OK;
    for (int k = 0; k < 4; k++) {
        spec.width_mm = spec.height_mm = o->patch_mm + 2.0 * k;
        scar_scar_list truth = {0};
        st = scar_synth(ctx, &spec, out, &truth);
        scar_scar_list_clear(&truth);
        if (st != SCAR_EINPUT)
            return st;
        scar_ctx_clear_error(ctx);
    }
    return SCAR_RAISE(ctx, SCAR_EINTERNAL,
                      "no %g mm patch holds the drawn scars of virtual patient seed %llu",
                      spec.width_mm, (unsigned long long)seed);
}

static uint64_t patient_key(const scar_cohort_opts *o, size_t arm_row, int index)
{
    /* splitmix-style mixing of (seed, row, index) into one synth seed */
    uint64_t z = o->seed * UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)arm_row << 32) ^ (uint64_t)index;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

scar_status scar_patient_patch(scar_ctx *ctx, const scar_arm_plan *plan,
                               const scar_cohort_opts *o, size_t arm_row, int index,
                               scar_heightmap **out)
{
    return patch_make(ctx, plan, o, patient_key(o, arm_row, index), out);
}

/* The face of the patient keyed `key`, from its own random stream. */
static void patient_face(const scar_arm_plan *plan, uint64_t key, face *f)
{
    scar_rng rf;
    scar_rng_init(&rf, key, COHORT_STREAM_FACE);
    face_make(plan, &rf, f);
}

void scar_patient_face_baseline(const scar_arm_plan *plan, const scar_cohort_opts *o,
                                size_t arm_row, int index, scar_grade *g, int *nscars)
{
    face *f = malloc(sizeof *f);
    memset(g, 0, sizeof *g);
    *nscars = 0;
    if (!f)
        return;
    patient_face(plan, patient_key(o, arm_row, index), f);
    face_grade(f, g);
    *nscars = f->n;
    free(f);
}

scar_status scar_patient_draw(scar_ctx *ctx, const scar_arm_plan *plan, const scar_params *base,
                              const scar_cohort_opts *o, size_t arm_row, int index, int *fitz,
                              double *age_y, scar_params **out)
{
    scar_rng r;
    scar_rng_init(&r, patient_key(o, arm_row, index), COHORT_STREAM_PATIENT);
    *fitz = plan->fitz_lo + (int)floor(scar_rng_uniform(&r) * (plan->fitz_hi - plan->fitz_lo + 1));
    double age = scar_rng_range(&r, AGE_LO, AGE_HI);
    /* drawn all the same: the stream stays aligned */
    *age_y = isfinite(plan->age_y) ? plan->age_y : age;
    return o->vary_params ? draw_params(ctx, base, &r, out) : scar_params_copy(ctx, base, out);
}

scar_status scar_patient_simulate(scar_ctx *ctx, size_t arm_row, const scar_arm_plan *plan,
                                  const scar_params *base, const scar_cohort_opts *o, int index,
                                  double *out)
{
    for (int k = 0; k < SCAR_PAT_NVAL; k++)
        out[k] = NAN;
    int fitz;
    double age;
    scar_params *p = NULL;
    scar_heightmap *patch = NULL;
    scar_run_result *res = NULL;
    scar_status st = scar_patient_draw(ctx, plan, base, o, arm_row, index, &fitz, &age, &p);
    if (st)
        goto done;
    out[SCAR_PAT_FITZ] = fitz;
    out[SCAR_PAT_AGE] = age;
    if ((st = scar_patient_patch(ctx, plan, o, arm_row, index, &patch)))
        goto done;
    scar_run_spec spec = {.surface = patch, .region = scar_region_find("cheek"),
                          .fitzpatrick = fitz, .age_y = age, .protocol = plan->protocol,
                          .dx_um = o->dx_um, .params = p, .sample_days = 7.0};
    /* the device from the patient's parameters (f_pen), the arm's settings kept */
    if (!plan->untreated) {
        scar_device d;
        scar_device_default(plan->protocol.device.kind, p, &d);
        spec.protocol.device.f_pen = d.f_pen;
    }
    if ((st = scar_run_course(ctx, &spec, &res)))
        goto done;
    double dresp[SCAR_TYPE_COUNT], vresp[SCAR_TYPE_COUNT];
    int nt[SCAR_TYPE_COUNT] = {0};
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        dresp[t] = vresp[t] = 0;
    for (size_t k = 0; k < res->nscars; k++) {
        const scar_followed *f = &res->scars[k];
        int t = (int)f->before.type;
        /* a raised scar's "depth" is its height; it counts only when the
         * plan treats raised scars */
        if ((t == SCAR_TYPE_HYPERTROPHIC && !plan->types[t]) || !(f->before.depth_mm > 0))
            continue;
        double dr = 1.0 - f->depth_after_mm / f->before.depth_mm;
        double vr = f->before.volume_mm3 > 0 ? 1.0 - f->volume_after_mm3 / f->before.volume_mm3 : 0;
        /* a scar cannot improve by more than all of it; one that deepened
         * keeps its negative response */
        dresp[t] += dr > 1 ? 1 : dr;
        vresp[t] += vr > 1 ? 1 : vr;
        nt[t]++;
    }
    /* A depressed type the scan did not find in the patch takes the mean of
     * the other depressed types found (none found: no change). */
    double dsum = 0, vsum = 0;
    int nfound = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        if (nt[t]) {
            dresp[t] /= nt[t];
            vresp[t] /= nt[t];
            if (t == SCAR_TYPE_HYPERTROPHIC)
                continue;
            dsum += dresp[t];
            vsum += vresp[t];
            nfound++;
        }
    for (int t = 0; t < SCAR_TYPE_COUNT; t++) {
        if (!plan->types[t]) {
            out[SCAR_PAT_DEPTH_RESP + t] = out[SCAR_PAT_VOL_RESP + t] = NAN;
            continue;
        }
        if (!nt[t] && t == SCAR_TYPE_HYPERTROPHIC) {
            dresp[t] = vresp[t] = 0; /* not like a depression: no change assumed */
        } else if (!nt[t]) {
            dresp[t] = nfound ? dsum / nfound : 0;
            vresp[t] = nfound ? vsum / nfound : 0;
        }
        out[SCAR_PAT_DEPTH_RESP + t] = dresp[t];
        out[SCAR_PAT_VOL_RESP + t] = vresp[t];
    }

    /* The face before and after: each scar shrinks by its type's response;
     * one shallower than the scan's detection depth is gone. */
    face *f0 = scar_malloc(ctx, sizeof *f0), *f1 = scar_malloc(ctx, sizeof *f1);
    if (!f0 || !f1) {
        free(f0);
        free(f1);
        st = SCAR_ENOMEM;
        goto done;
    }
    patient_face(plan, patient_key(o, arm_row, index), f0);
    f1->n = 0;
    double vol0 = 0, vol1 = 0;
    for (int k = 0; k < f0->n; k++) {
        scar_scar s = f0->s[k];
        vol0 += s.volume_mm3;
        int t = (int)s.type;
        double dr = isfinite(out[SCAR_PAT_DEPTH_RESP + t]) ? out[SCAR_PAT_DEPTH_RESP + t] : 0;
        double vr = isfinite(out[SCAR_PAT_VOL_RESP + t]) ? out[SCAR_PAT_VOL_RESP + t] : 0;
        s.depth_mm *= 1.0 - dr;
        s.mean_depth_mm *= 1.0 - dr;
        s.volume_mm3 *= 1.0 - vr;
        s.deep = s.type == SCAR_TYPE_BOXCAR && s.depth_mm >= SCAR_BOXCAR_DEEP_MM;
        if (s.depth_mm < VISIBLE_DEPTH_MM)
            continue;
        vol1 += s.volume_mm3;
        f1->s[f1->n++] = s;
    }
    scar_grade g0, g1;
    face_grade(f0, &g0);
    face_grade(f1, &g1);
    out[SCAR_PAT_FACE_SCARS] = f0->n;
    out[SCAR_PAT_GBQ0] = g0.gb_quantitative;
    out[SCAR_PAT_GBQ1] = g1.gb_quantitative;
    /* grade 1 (macular) is the floor of a face whose contour scars are gone */
    out[SCAR_PAT_GRADE0] = g0.gb_qualitative > 0 ? g0.gb_qualitative : 1;
    out[SCAR_PAT_GRADE1] = g1.gb_qualitative > 0 ? g1.gb_qualitative : 1;
    out[SCAR_PAT_ECCA0] = g0.ecca;
    out[SCAR_PAT_ECCA1] = g1.ecca;
    out[SCAR_PAT_VOL0] = vol0;
    out[SCAR_PAT_VOL1] = vol1;
    out[SCAR_PAT_PATCH_IMPROVEMENT] = res->final.improvement_pct;
    out[SCAR_PAT_COLLAGEN_PCT] = res->collagen_change_pct;
    out[SCAR_PAT_SCAR_COLLAGEN_PCT] = res->scar_collagen_change_pct;
    out[SCAR_PAT_ELASTIN_PCT] = res->elastin_change_pct;
    out[SCAR_PAT_EPIDERMIS_PCT] = res->epidermis_change_pct;
    out[SCAR_PAT_ERYTHEMA_DAYS] = res->final.erythema_days;
    out[SCAR_PAT_SECONDS] = res->seconds;
    free(f0);
    free(f1);
done:
    scar_run_result_destroy(&res);
    scar_heightmap_destroy(&patch);
    scar_params_destroy(&p);
    return st;
}

/* ------------------------------------------------------------------------ */
/* the arm's prediction                                                     */
/* ------------------------------------------------------------------------ */

static void scale_pair(scar_scale s, const double *row, double *before, double *after)
{
    switch (s) {
    case SCAR_SCALE_GB_QUANTITATIVE:
        *before = row[SCAR_PAT_GBQ0];
        *after = row[SCAR_PAT_GBQ1];
        return;
    case SCAR_SCALE_GB_QUALITATIVE:
        *before = row[SCAR_PAT_GRADE0];
        *after = row[SCAR_PAT_GRADE1];
        return;
    case SCAR_SCALE_ECCA:
        *before = row[SCAR_PAT_ECCA0];
        *after = row[SCAR_PAT_ECCA1];
        return;
    case SCAR_SCALE_PERCENT:
        *before = row[SCAR_PAT_VOL0];
        *after = row[SCAR_PAT_VOL1];
        return;
    }
}

void scar_arm_summarize(const scar_trial_arm *arm, const scar_arm_plan *plan,
                        const double *patients, int n, scar_arm_summary *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->published_improvement_pct = scar_trial_arm_published_improvement(arm);
    double sb = 0, sa = 0, s1 = 0, s2 = 0, v0 = 0, v1 = 0, ery = 0;
    int resp = 0, band[4] = {0};
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        out->depth_resp_pct[t] = NAN;
    double dsum[SCAR_TYPE_COUNT] = {0};
    /* The responder rule from the arm's definition: one grade or more on the
     * qualitative scale unless the arm counts "any improvement". */
    bool any = has_ci(arm->responder_def, "any improvement");
    out->responder_rule = any ? "any improvement on the arm's scale"
                              : "at least one Goodman-Baron qualitative grade better";
    for (int i = 0; i < n; i++) {
        const double *row = patients + (size_t)i * SCAR_PAT_NVAL;
        double b = 0, a = 0;
        scale_pair(plan->scale, row, &b, &a);
        sb += b;
        sa += a;
        double imp = b > 0 ? 100.0 * (1.0 - a / b) : 0.0;
        s1 += imp;
        s2 += imp * imp;
        band[imp > 75 ? 0 : imp > 50 ? 1 : imp > 25 ? 2 : 3]++;
        if (any ? a < b : row[SCAR_PAT_GRADE1] <= row[SCAR_PAT_GRADE0] - 1)
            resp++;
        v0 += row[SCAR_PAT_VOL0];
        v1 += row[SCAR_PAT_VOL1];
        ery += row[SCAR_PAT_ERYTHEMA_DAYS];
        for (int t = 0; t < SCAR_TYPE_COUNT; t++)
            dsum[t] += row[SCAR_PAT_DEPTH_RESP + t];
    }
    if (n <= 0) {
        out->improvement_pct = out->ci95[0] = out->ci95[1] = NAN;
        out->responder_pct = out->sd_pct = NAN;
        return;
    }
    out->before_mean = sb / n;
    out->after_mean = sa / n;
    /* Improvement of the group means, as the studies compute it. */
    out->improvement_pct = sb > 0 ? 100.0 * (1.0 - sa / sb) : 0.0;
    double mean = s1 / n;
    double var = n > 1 ? (s2 - n * mean * mean) / (n - 1) : 0.0;
    out->sd_pct = var > 0 ? sqrt(var) : 0.0;
    /* The interval a trial of the arm's size would see: patient spread over
     * the arm's n plus the virtual cohort's own sampling error. */
    int narm = arm->n_patients > 0 ? arm->n_patients : n;
    double half = 1.96 * out->sd_pct * sqrt(1.0 / narm + 1.0 / n);
    out->ci95[0] = out->improvement_pct - half;
    out->ci95[1] = out->improvement_pct + half;
    out->responder_pct = 100.0 * resp / n;
    out->excellent_pct = 100.0 * band[0] / n;
    out->good_pct = 100.0 * band[1] / n;
    out->fair_pct = 100.0 * band[2] / n;
    out->poor_pct = 100.0 * band[3] / n;
    out->volume_improvement_pct = v0 > 0 ? 100.0 * (1.0 - v1 / v0) : 0.0;
    out->erythema_days = ery / n;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        if (plan->types[t])
            out->depth_resp_pct[t] = 100.0 * dsum[t] / n;
}
