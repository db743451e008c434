/*
 * screen.c — screening a patient before planning (screen.h; docs/plan.md
 * "Screening").
 *
 * Each rule reads the patient's history and cites the rows of safety.csv
 * behind it (course/safety.c holds them verbatim).  Most contraindications
 * come from clinics' lists, not from studies, and the text says so.  The
 * numbers a rule uses are read from the rows, not retyped; where scarsim
 * adds a limit of its own (the home needle, the longer interval for skin
 * prone to darkening), the constant below says so and the text marks it as
 * scarsim's rule.
 */
#include "screen.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* scarsim's rule: a home roller's needles at most 0.5 mm, half of the 1.0 mm
 * that a needle maker and a consumer guide give as the most for the face
 * (SCAR_SE_HOME_DEPTH, SCAR_SE_HOME_CEILING).  A home course has no clinician
 * to judge the skin, so the search keeps to the shallow half. */
#define HOME_MAX_NEEDLE_MM 0.5
/* scarsim's rule: at least 6 weeks between sessions for skin prone to
 * darkening, two weeks longer than the studies' median (Harris 2015), to let
 * inflammation settle before the next injury.  No study in safety.csv
 * compared intervals for PIH. */
#define PIH_MIN_INTERVAL_WEEKS 6.0
/* The mean Gregorian month (365.2425 / 12 = 30.44 days): months since the
 * last isotretinoin dose become days. */
#define DAYS_PER_MONTH 30.44

/* A Fitzpatrick type in Roman numerals ("?" outside 1-6). */
static const char *roman(int type)
{
    static const char *const n[7] = {"?", "I", "II", "III", "IV", "V", "VI"};
    return type >= 1 && type <= 6 ? n[type] : n[0];
}

const char *scar_screen_level_name(scar_screen_level l)
{
    return l == SCAR_SCREEN_CONTRAINDICATION ? "contraindication" : "caution";
}

static const scar_se_row *row(scar_se_ref r)
{
    return scar_se_evidence(r);
}

static scar_screen_reason *add(scar_screen *s, const char *id, scar_screen_level l)
{
    assert(s->nreasons < SCAR_SCREEN_MAX_REASONS);
    scar_screen_reason *r = &s->reasons[s->nreasons++];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->level = l;
    if (l == SCAR_SCREEN_CONTRAINDICATION)
        s->candidate = false;
    return r;
}

static void cite(scar_screen_reason *r, scar_se_ref ref)
{
    assert(r->nrefs < SCAR_SCREEN_MAX_REFS);
    r->refs[r->nrefs++] = ref;
}

/* ------------------------------------------------------------------------ */
/* contraindications, in a fixed order: what passes first (a flare, an      */
/* infection, a drug course, a pregnancy), then lasting conditions          */
/* ------------------------------------------------------------------------ */

static void isotretinoin(scar_screen *s, const scar_patient *pt)
{
    double m = pt->history.isotretinoin_months_ago;
    double wait_months = row(SCAR_SE_ISO_LABEL)->v[0].lo; /* the label's 6 */
    if (!(isfinite(m) && m < wait_months))
        return;
    scar_screen_reason *r = add(s, "isotretinoin", SCAR_SCREEN_CONTRAINDICATION);
    if (m <= 0)
        snprintf(r->condition, sizeof r->condition, "Taking isotretinoin now");
    else
        snprintf(r->condition, sizeof r->condition, "Isotretinoin stopped %.3g month%s ago", m,
                 m == 1 ? "" : "s");
    /* Assumption: months_ago is counted at the planned start date, so the
     * wait runs from there; without a start date no date is given. */
    char when[80] = "";
    if (pt->prefs.has_start) {
        long days = (long)ceil((wait_months - fmax(m, 0.0)) * DAYS_PER_MONTH - 1e-9);
        r->has_date = true;
        r->not_before = scar_date_add_days(pt->prefs.start_date, days);
        char d[16];
        scar_date_format(r->not_before, d, sizeof d);
        snprintf(when, sizeof when, " (not before %s)", d);
    }
    snprintf(r->text, sizeof r->text,
             "Isotretinoin, a strong acne medicine, changes how skin heals. Its label says to "
             "avoid procedures that smooth the skin (such as dermabrasion and laser) while "
             "taking it and for at least %g months after stopping. The evidence is mixed: a "
             "2017 consensus review found too little evidence to delay many such procedures "
             "(its summary does not name microneedling), and one expert waits about %g months. "
             "scarsim follows the label: %swait until %g months after the last dose%s.",
             wait_months, row(SCAR_SE_ISO_EXPERT)->v[0].lo,
             m <= 0 ? "finish the course with your doctor, then " : "", wait_months, when);
    cite(r, SCAR_SE_ISO_LABEL);
    cite(r, SCAR_SE_ISO_CONSENSUS);
    cite(r, SCAR_SE_ISO_EXPERT);
}

#define CLINIC_LIST "Source: clinics' lists of who should not be needled, not a study."

/* The contraindications that one yes/no field of the history raises, in
 * the order they are reported; text NULL marks where isotretinoin (months,
 * not a flag) takes its place. */
static const struct {
    size_t field; /* offsetof a bool in scar_patient_history */
    const char *id, *condition, *text, *source_kind;
    scar_se_ref ref;
} contra[] = {
    {offsetof(scar_patient_history, active_acne), "active_acne", "Active acne",
     "Needling through inflamed spots can spread the infection and make new scars. Treat the "
     "acne first; come back when no new inflamed spots appear.",
     CLINIC_LIST, SCAR_SE_ACTIVE_ACNE},
    {offsetof(scar_patient_history, skin_infection), "skin_infection", "A skin infection",
     "Needles can carry bacteria, viruses or fungi deeper and spread them across the face. Have "
     "the infection treated and healed before any needling.",
     CLINIC_LIST, SCAR_SE_ACTIVE_ACNE},
    {offsetof(scar_patient_history, active_eczema_or_rosacea), "active_eczema_or_rosacea",
     "Eczema, psoriasis, rosacea or dermatitis, active",
     "Needling inflamed skin can make the flare worse and heals less predictably. Have the flare "
     "treated and wait until the skin has settled.",
     CLINIC_LIST, SCAR_SE_ECZEMA},
    {0, "isotretinoin", NULL, NULL, NULL, SCAR_SE_ISO_LABEL},
    {offsetof(scar_patient_history, pregnant), "pregnant", "Pregnant",
     "Clinics put off needling during pregnancy as a precaution; scarsim's evidence holds no "
     "study of needling in pregnancy. Wait until after the baby is born (and, if you "
     "breastfeed, until you stop).",
     CLINIC_LIST, SCAR_SE_PREGNANCY},
    {offsetof(scar_patient_history, breastfeeding), "breastfeeding", "Breastfeeding",
     "Clinics put off needling while breastfeeding as a precaution; scarsim's evidence holds no "
     "study of needling while breastfeeding. Wait until you have stopped breastfeeding.",
     CLINIC_LIST, SCAR_SE_PREGNANCY},
    {offsetof(scar_patient_history, bleeding_disorder), "bleeding_disorder", "A bleeding disorder",
     "Needling makes many tiny wounds; with a bleeding disorder they bleed and bruise more. Ask "
     "the doctor who treats the disorder before any needling.",
     CLINIC_LIST, SCAR_SE_BLEEDING},
    {offsetof(scar_patient_history, anticoagulants), "anticoagulants", "Taking a blood thinner",
     "Blood thinners (such as warfarin, heparin or aspirin) make the needle wounds bleed and "
     "bruise more. Do not stop a blood thinner on your own; ask the doctor who prescribed it.",
     CLINIC_LIST, SCAR_SE_BLEEDING},
    {offsetof(scar_patient_history, immunosuppressed), "immunosuppressed",
     "Immunosuppression, chemotherapy or radiotherapy",
     "A weakened immune system fights infection in the needle wounds less well and heals more "
     "slowly. Ask the doctor who treats you whether and when needling would be safe.",
     CLINIC_LIST, SCAR_SE_IMMUNE},
    {offsetof(scar_patient_history, uncontrolled_diabetes), "uncontrolled_diabetes",
     "Diabetes that is not under control",
     "High blood sugar slows healing and raises the risk of infection in the needle wounds. "
     "Bring the diabetes under control with your doctor first.",
     CLINIC_LIST, SCAR_SE_IMMUNE},
    {offsetof(scar_patient_history, photosensitivity), "photosensitivity",
     "Light sensitivity, lupus or xeroderma pigmentosum",
     "Light sensitivity, lupus (SLE) and xeroderma pigmentosum make skin react strongly to "
     "light and injury. A study of microneedling left out patients with these conditions, so "
     "nothing is known of how they fare. Ask a dermatologist first.",
     "Source: a study's exclusion criteria, not a finding.", SCAR_SE_PHOTOSENSITIVITY},
    {offsetof(scar_patient_history, keloid_history), "keloid_history",
     "Keloids or raised scars before",
     "A keloid is a scar that grows beyond the wound. Needling wounds the skin on purpose and "
     "could start one. Ask a dermatologist before any needling.",
     CLINIC_LIST, SCAR_SE_KELOID},
};

static void contraindications(scar_screen *s, const scar_patient *pt)
{
    for (size_t i = 0; i < sizeof contra / sizeof contra[0]; i++) {
        if (!contra[i].text) {
            isotretinoin(s, pt);
            continue;
        }
        if (!*(const bool *)((const char *)&pt->history + contra[i].field))
            continue;
        scar_screen_reason *r = add(s, contra[i].id, SCAR_SCREEN_CONTRAINDICATION);
        snprintf(r->condition, sizeof r->condition, "%s", contra[i].condition);
        snprintf(r->text, sizeof r->text, "%s %s", contra[i].text, contra[i].source_kind);
        cite(r, contra[i].ref);
    }
}

/* ------------------------------------------------------------------------ */
/* cautions, in a fixed order                                               */
/* ------------------------------------------------------------------------ */

/* Darker skin: from the lowest type of the population of Dogra 2014's PIH
 * rate (IV); darker types than it measured get the same rule. */
static bool dark_skin(const scar_patient *pt)
{
    return pt->fitzpatrick >= row(SCAR_SE_PIH_DOGRA)->fitz_lo;
}

static bool pih_prone(const scar_patient *pt)
{
    return pt->history.pih_history || dark_skin(pt);
}

static void pih(scar_screen *s, const scar_patient *pt)
{
    if (!pih_prone(pt))
        return;
    const scar_se_row *d = row(SCAR_SE_PIH_DOGRA), *c = row(SCAR_SE_PIH_CACHAFEIRO);
    bool dark = dark_skin(pt);
    scar_screen_reason *r = add(s, "pih_risk", SCAR_SCREEN_CAUTION);
    char type[32];
    snprintf(type, sizeof type, "Fitzpatrick type %s skin", roman(pt->fitzpatrick));
    snprintf(r->condition, sizeof r->condition, "%s%s%s",
             pt->history.pih_history ? "Darker patches after past spots or injuries" : "",
             pt->history.pih_history && dark ? "; " : "", dark ? type : "");
    char beyond[96] = "";
    if (pt->fitzpatrick > d->fitz_hi)
        snprintf(beyond, sizeof beyond,
                 " Type %s was not in that study; scarsim applies the same rule.",
                 roman(pt->fitzpatrick));
    snprintf(r->text, sizeof r->text,
             "Skin that has darkened after injuries before, and darker skin, can darken after "
             "needling (post-inflammatory hyperpigmentation). In one study of Fitzpatrick %s-%s "
             "skin, %g%% had darker patches after five monthly roller sessions; in a "
             "randomised trial of three monthly sessions, %g%%.%s scarsim's own rule: needles "
             "no longer than %g mm (the median in acne-scar studies) and at least %g weeks "
             "between sessions, so the skin settles before the next. Tell your clinician before "
             "the first session.",
             roman(d->fitz_lo), roman(d->fitz_hi), d->v[0].hi, c->v[0].hi, beyond,
             row(SCAR_SE_MEDIAN_NEEDLE)->v[0].hi, PIH_MIN_INTERVAL_WEEKS);
    cite(r, SCAR_SE_PIH_DOGRA);
    cite(r, SCAR_SE_PIH_CACHAFEIRO);
    cite(r, SCAR_SE_MEDIAN_NEEDLE);
}

static void cautions(scar_screen *s, const scar_patient *pt)
{
    if (pt->history.herpes_history) {
        scar_screen_reason *r = add(s, "herpes_history", SCAR_SCREEN_CAUTION);
        snprintf(r->condition, sizeof r->condition, "Cold sores (herpes simplex) before");
        snprintf(r->text, sizeof r->text,
                 "Needling can wake the cold-sore virus, especially around the mouth. Clinics "
                 "suggest tablets against the virus (antiviral cover) around each session; no "
                 "study found gives how often cold sores return after needling. Ask your doctor "
                 "about antiviral cover before the first session. Source: a clinic's list, not a "
                 "study.");
        cite(r, SCAR_SE_HSV_HISTORY);
        cite(r, SCAR_SE_HSV_RATE);
    }
    pih(s, pt);
    if (pt->skin == SCAR_SKIN_COUNTS && pt->counts[SCAR_TYPE_HYPERTROPHIC] > 0) {
        scar_screen_reason *r = add(s, "hypertrophic_scars", SCAR_SCREEN_CAUTION);
        snprintf(r->condition, sizeof r->condition, "Raised (hypertrophic) scars: %d",
                 pt->counts[SCAR_TYPE_HYPERTROPHIC]);
        snprintf(r->text, sizeof r->text,
                 "A raised (hypertrophic) scar is made of too much scar tissue, and clinics' "
                 "lists name raised scarring as a reason not to needle or to take care. Before "
                 "needling a raised scar, ask a dermatologist and have a test spot first. "
                 "scarsim's trial table has no trial of needling raised scars, so its "
                 "predictions are for your sunken scars only. Source: clinics' lists, not a "
                 "study.");
        cite(r, SCAR_SE_KELOID);
    }
    if (pt->prefs.adjunct_ok[SCAR_ADJ_SERUM_VITAMIN_C]) {
        const scar_se_row *cs = row(SCAR_SE_GRANULOMA_CASES), *rv = row(SCAR_SE_GRANULOMA_REVIEW);
        scar_screen_reason *r = add(s, "vitamin_c_serum", SCAR_SCREEN_CAUTION);
        snprintf(r->condition, sizeof r->condition, "A vitamin C serum accepted");
        snprintf(r->text, sizeof r->text,
                 "Rarely, a serum pushed into the skin by the needles causes firm lumps "
                 "(granulomas): %g case reports after needling with serums (2 with a vitamin C "
                 "serum), and %g patients in %g studies in a review, most after a motorised pen "
                 "or vitamin C. scarsim keeps vitamin C among the options you accept; ask your "
                 "clinician whether the serum is made for use on needled skin.",
                 cs->v[0].lo, rv->v[0].lo, rv->v[1].lo);
        cite(r, SCAR_SE_GRANULOMA_CASES);
        cite(r, SCAR_SE_GRANULOMA_REVIEW);
    }
    if (pt->prefs.setting == SCAR_SETTING_HOME) {
        const scar_se_row *h = row(SCAR_SE_HOME_DEPTH);
        scar_screen_reason *r = add(s, "home_setting", SCAR_SCREEN_CAUTION);
        snprintf(r->condition, sizeof r->condition, "Treating at home");
        snprintf(r->text, sizeof r->text,
                 "At home, scarsim plans only a home roller with needles of at most %g mm: its "
                 "own rule, stricter than the %g mm that a needle maker and a consumer guide "
                 "give as the most for the face (neither peer reviewed). Peels, subcision and "
                 "PRP injections are done in a clinic, so a home plan leaves them out.",
                 HOME_MAX_NEEDLE_MM, h->v[0].hi);
        cite(r, SCAR_SE_HOME_DEPTH);
        cite(r, SCAR_SE_HOME_CEILING);
    }
}

/* ------------------------------------------------------------------------ */
/* limits for the search                                                    */
/* ------------------------------------------------------------------------ */

static void needle_rule(scar_screen_limits *l, double mm, const char *why, scar_se_ref a,
                        scar_se_ref b)
{
    l->max_needle_mm = mm;
    l->needle_why = why;
    l->needle_refs[0] = a;
    l->needle_refs[1] = b;
    l->nneedle_refs = a == b ? 1 : 2;
}

static void limits(scar_screen_limits *l, const scar_patient *pt)
{
    memset(l, 0, sizeof *l);
    if (pt->prefs.setting == SCAR_SETTING_HOME) {
        l->device_ok[SCAR_DEV_HOME_ROLLER] = true;
        needle_rule(l, HOME_MAX_NEEDLE_MM,
                    "scarsim's rule for a home roller, stricter than the most that a needle "
                    "maker and a consumer guide give for the face (neither peer reviewed)",
                    SCAR_SE_HOME_DEPTH, SCAR_SE_HOME_CEILING);
    } else {
        /* A clinician's roller, pen or RF microneedling.  Not searched: the
         * stamp (no acne-scar trial in evidence/trials.csv used one, so a
         * plan could not be checked against a study) and fractional laser
         * (not needling; a trial comparator with its own 13.6% PIH). */
        l->device_ok[SCAR_DEV_ROLLER] = true;
        l->device_ok[SCAR_DEV_PEN] = true;
        l->device_ok[SCAR_DEV_RF_MICRONEEDLE] = true;
        /* the pen chart's thick-skin upper bound: for the region where the
         * chart has one, never beyond its "facial scarring" row */
        double scarring = row(SCAR_SE_PEN_SCARRING)->v[1].hi;
        scar_se_ref chart = scar_se_region_chart(pt->region ? pt->region->name : "cheek");
        if (chart != SCAR_SE_REF_COUNT && row(chart)->v[1].hi <= scarring)
            needle_rule(l, row(chart)->v[1].hi,
                        "a needle maker's pen chart for this area, thick skin, within its row "
                        "for facial scarring (not peer reviewed)",
                        chart, SCAR_SE_PEN_SCARRING);
        else
            needle_rule(l, scarring,
                        "a needle maker's pen chart for facial scarring, thick skin (not peer "
                        "reviewed)",
                        SCAR_SE_PEN_SCARRING, SCAR_SE_PEN_SCARRING);
    }
    l->min_interval_weeks = row(SCAR_SE_INTERVAL_MEDIAN)->v[0].lo;
    l->interval_why = "the median interval in acne-scar needling studies (Harris 2015); a "
                      "review prefers it to shorter intervals (Minutilli 2024)";
    l->interval_refs[0] = SCAR_SE_INTERVAL_MEDIAN;
    l->interval_refs[1] = SCAR_SE_INTERVAL_PREFERRED;
    l->ninterval_refs = 2;
    if (pih_prone(pt)) {
        double median_mm = row(SCAR_SE_MEDIAN_NEEDLE)->v[0].hi;
        if (l->max_needle_mm > median_mm)
            needle_rule(l, median_mm,
                        "scarsim's rule for skin prone to darkening: at most the median needle "
                        "in acne-scar studies (Harris 2015)",
                        SCAR_SE_MEDIAN_NEEDLE, SCAR_SE_PIH_DOGRA);
        l->min_interval_weeks = fmax(l->min_interval_weeks, PIH_MIN_INTERVAL_WEEKS);
        l->interval_why = "scarsim's rule for skin prone to darkening: longer than the studies' "
                          "median (Harris 2015), as darker patches followed monthly sessions in "
                          "Fitzpatrick IV-V skin (Dogra 2014) though none in a trial "
                          "(Cachafeiro 2016)";
        l->interval_refs[0] = SCAR_SE_INTERVAL_MEDIAN;
        l->interval_refs[1] = SCAR_SE_PIH_DOGRA;
        l->interval_refs[2] = SCAR_SE_PIH_CACHAFEIRO;
        l->ninterval_refs = 3;
    }
    memcpy(l->adjunct_ok, pt->prefs.adjunct_ok, sizeof l->adjunct_ok);
    if (pt->prefs.setting == SCAR_SETTING_HOME) {
        /* injections, peels and subcision are clinic procedures */
        l->adjunct_ok[SCAR_ADJ_PRP_INTRADERMAL] = false;
        l->adjunct_ok[SCAR_ADJ_PEEL_GLYCOLIC] = false;
        l->adjunct_ok[SCAR_ADJ_PEEL_TCA] = false;
        l->adjunct_ok[SCAR_ADJ_SUBCISION] = false;
    }
    l->antiviral_cover = pt->history.herpes_history;
}

void scar_screen_patient(const scar_patient *pt, scar_screen *out)
{
    memset(out, 0, sizeof *out);
    out->candidate = true;
    contraindications(out, pt);
    cautions(out, pt);
    limits(&out->limits, pt);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

/* The rows' cited strings, each once. */
static json_t *sources_json(scar_jb *b, const scar_se_ref *refs, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        const char *c = row(refs[i])->cited;
        bool seen = false;
        for (int k = 0; k < i && !seen; k++)
            seen = strcmp(row(refs[k])->cited, c) == 0;
        if (!seen)
            scar_jb_push(b, a, json_string(c));
    }
    return a;
}

static json_t *reason_json(scar_jb *b, const scar_screen_reason *r)
{
    json_t *j = json_object();
    char d[16];
    if (r->has_date)
        scar_date_format(r->not_before, d, sizeof d);
    scar_jb_put(b, j, "id", json_string(r->id));
    scar_jb_put(b, j, "level", json_string(scar_screen_level_name(r->level)));
    scar_jb_put(b, j, "condition", json_string(r->condition));
    scar_jb_put(b, j, "text", json_string(r->text));
    scar_jb_put(b, j, "not_before", r->has_date ? json_string(d) : json_null());
    scar_jb_put(b, j, "sources", sources_json(b, r->refs, r->nrefs));
    return j;
}

static json_t *limits_json(scar_jb *b, const scar_screen_limits *l)
{
    json_t *j = json_object(), *dev = json_array(), *adj = json_array();
    for (int k = 0; k < SCAR_DEV_COUNT; k++)
        if (l->device_ok[k])
            scar_jb_push(b, dev, json_string(scar_device_name((scar_device_kind)k)));
    for (int k = 0; k < SCAR_ADJ_COUNT; k++)
        if (l->adjunct_ok[k])
            scar_jb_push(b, adj, json_string(scar_adjunct_name((scar_adjunct)k)));
    scar_jb_put(b, j, "devices", dev);
    scar_jb_put(b, j, "max_needle_mm", scar_json_real(l->max_needle_mm, 4));
    scar_jb_put(b, j, "needle_why", json_string(l->needle_why));
    scar_jb_put(b, j, "needle_sources", sources_json(b, l->needle_refs, l->nneedle_refs));
    scar_jb_put(b, j, "min_interval_weeks", scar_json_real(l->min_interval_weeks, 4));
    scar_jb_put(b, j, "interval_why", json_string(l->interval_why));
    scar_jb_put(b, j, "interval_sources", sources_json(b, l->interval_refs, l->ninterval_refs));
    scar_jb_put(b, j, "adjuncts_ok", adj);
    scar_jb_put(b, j, "antiviral_cover", json_boolean(l->antiviral_cover));
    return j;
}

json_t *scar_screen_json(const scar_screen *s)
{
    scar_jb b = {true};
    json_t *j = json_object(), *reasons = json_array();
    for (size_t i = 0; i < s->nreasons; i++)
        scar_jb_push(&b, reasons, reason_json(&b, &s->reasons[i]));
    scar_jb_put(&b, j, "candidate", json_boolean(s->candidate));
    scar_jb_put(&b, j, "reasons", reasons);
    scar_jb_put(&b, j, "limits", limits_json(&b, &s->limits));
    if (!b.ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}
