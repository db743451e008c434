/*
 * safety.c — side effects of a course from the evidence pack's safety.csv
 * (copied verbatim to data/evidence/safety.csv) beside the healing engine's
 * predicted erythema.  The table below holds each row scarsim cites with its
 * cells verbatim; tests/test_side_effects.c checks it against the CSV.
 *
 * What the evidence does not give, scarsim does not invent: no rate is
 * computed for a skin type, a depth or a device that the studies did not
 * measure.  The conditions that raise a flag's level are scarsim's choices;
 * each item's trigger says so.
 */
#include "safety.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DRPEN "https://drpen.net/blogs/how-it-works/needle-depth-guide"
#define ISO_SPRING                                                                                 \
    "Spring et al., JAMA Dermatol 2017;153(8):802-9 doi:10.1001/jamadermatol.2017.2077 "           \
    "(abstract). Microneedling not named in the retrieved abstract text."
#define ISO_LABEL                                                                                  \
    "https://projectlead.health/clinical-corner/what-do-you-tell-your-patients-about-"             \
    "microneedling-while-on-isotretinoin/ (quotes label); same page states consensus now finds "   \
    "little scarring risk for microneedling"

static const scar_se_row rows[SCAR_SE_REF_COUNT] = {
    [SCAR_SE_DOWNTIME_DEPTH] = {"downtime by needle depth: 0.2-0.5 mm / 0.8-1.5 mm / 2.0-3.0 mm",
                                "side_effect", "2-3 / 4-5 / 6-7", "days",
                                "manufacturer guidance (not peer reviewed)", DRPEN, DRPEN,
                                .v = {{2, 3}, {4, 5}, {6, 7}}, .nv = 3,
                                .k = {{0.2, 0.5}, {0.8, 1.5}, {2.0, 3.0}}, .nk = 3},
    [SCAR_SE_ERYTHEMA_RF] = {"erythema after RF microneedling", "side_effect", "up to 10", "hours",
                             "19 pts, Fitzpatrick III-V (Pudukadan 2017 Dermatol Surg)",
                             "10.1097/DSS.0000000000000894 (abstract)",
                             "10.1097/DSS.0000000000000894 (abstract)", .v = {{10, 10}}, .nv = 1,
                             .fitz_lo = 3, .fitz_hi = 5},
    [SCAR_SE_ERYTHEMA_ROLLER_HOURS] =
        {"post-procedure pain, erythema and oedema duration", "side_effect", "3-6", "hours",
         "36 pts, Indian skin, dermaroller (HK J Dermatol Venereol 2018)",
         "https://medcomhk.com/hkdvb/details.asp?id=825&show=1234 (abstract)",
         "https://medcomhk.com/hkdvb/details.asp?id=825&show=1234 (abstract)", .v = {{3, 6}},
         .nv = 1},
    [SCAR_SE_ERYTHEMA_ROLLER_DAYS] =
        {"burning sensation and erythema resolution", "side_effect", "1-2", "days",
         "31 Vietnamese pts, weekly dermaroller x 3 months",
         "https://rhustr.com/article/microneedling-therapy-for-atrophic-acne-scar-effectiveness-"
         "and-safety-in-vietnamese-patients (abstract; re-host)",
         "https://rhustr.com/article/microneedling-therapy-for-atrophic-acne-scar-effectiveness-"
         "and-safety-in-vietnamese-patients (abstract; re-host)",
         .v = {{1, 2}}, .nv = 1},
    [SCAR_SE_ERYTHEMA_SUBCISION] = {"erythema, edema and pain after subcision + microneedling",
                                    "side_effect", "1-2", "days",
                                    "45 pts, Fitzpatrick III-V (Bhargava 2019 JCAD)",
                                    "PMC6715122 (abstract)", "PMC6715122 (abstract)", .v = {{1, 2}},
                                    .nv = 1, .fitz_lo = 3, .fitz_hi = 5},
    [SCAR_SE_PIH_DOGRA] = {"post-inflammatory hyperpigmentation (PIH)", "side_effect",
                           "16.7 (5/30)", "%",
                           "Fitzpatrick IV-V, dermaroller x 5 monthly (Dogra 2014)",
                           "PMID 25196684 (abstract)", "PMID 25196684 (abstract)",
                           .v = {{16.7, 16.7}}, .nv = 1, .fitz_lo = 4, .fitz_hi = 5},
    [SCAR_SE_PIH_CACHAFEIRO] = {"PIH, microneedling arm", "side_effect", "0", "%",
                                "RCT, 46 pts total, 3 monthly sessions (Cachafeiro 2016)",
                                "10.1097/DSS.0000000000000597 (abstract)",
                                "10.1097/DSS.0000000000000597 (abstract)", .v = {{0, 0}}, .nv = 1},
    [SCAR_SE_PIH_LASER] = {"PIH, non-ablative fractional Er 1340 nm comparator arm", "side_effect",
                           "13.6", "%", "same RCT (Cachafeiro 2016)",
                           "10.1097/DSS.0000000000000597 (abstract)",
                           "10.1097/DSS.0000000000000597 (abstract)", .v = {{13.6, 13.6}}, .nv = 1},
    [SCAR_SE_DYSCHROMIA_FABBROCINI] =
        {"short- or long-term dyschromia", "side_effect", "0 (none observed)", "%",
         "60 pts, Fitzpatrick I-VI in 3 groups, 3 monthly sessions (Fabbrocini 2014)",
         "10.3109/09546634.2012.742949 (abstract)", "10.3109/09546634.2012.742949 (abstract)",
         .v = {{0, 0}}, .nv = 1, .fitz_lo = 1, .fitz_hi = 6},
    [SCAR_SE_PIGMENT_ALQARQAZ] =
        {"worsening of pigmentation", "side_effect", "0/39", "patients",
         "39 pts, Fitzpatrick III-V (mostly IV) (Al Qarqaz 2018 J Cosmet Dermatol); other AEs: "
         "transient redness, mild dryness, small hematomas",
         "revivetrainings.com and dermatologyadvisor.com summaries of Al Qarqaz & Al-Yousef "
         "2018 (abstract)",
         "revivetrainings.com and dermatologyadvisor.com summaries of Al Qarqaz & Al-Yousef "
         "2018 (abstract)",
         .v = {{0, 0}, {39, 39}}, .nv = 2, .fitz_lo = 3, .fitz_hi = 5},
    [SCAR_SE_PIH_DROPOUT] = {"dropout for severe PIH", "side_effect", "3.3 (1/30)", "%",
                             "split-face MN+PRP vs MN+vitamin C (Chawla 2014 JCAS)",
                             "scribd copy of Chawla 2014 (abstract)",
                             "scribd copy of Chawla 2014 (abstract)", .v = {{3.3, 3.3}}, .nv = 1},
    [SCAR_SE_TRAM_TRACK] = {"tram-track scarring", "side_effect", "6.7 (2/30)", "%",
                            "Fitzpatrick IV-V, dermaroller x 5 monthly (Dogra 2014)",
                            "PMID 25196684 (abstract)", "PMID 25196684 (abstract)",
                            .v = {{6.7, 6.7}}, .nv = 1, .fitz_lo = 4, .fitz_hi = 5},
    [SCAR_SE_AE_REVIEW] =
        {"adverse events reported across reviewed needling studies", "side_effect",
         "PIH; tram-track scarring; acne; milia; no bacterial infections reported", "qualitative",
         "systematic review of 18 studies (Harris 2015 Int J Womens Dermatol)",
         "Harris, Naidoo, Murrell. IJWD 2015;1:77-81 (abstract)",
         "Harris, Naidoo, Murrell. IJWD 2015;1:77-81 (abstract)", .nv = 0},
    [SCAR_SE_INFECTION] = {"infection", "side_effect", "0 reported", "",
                           "across studies in Harris 2015 review",
                           "Harris 2015 IJWD (abstract): 'There were no reports of bacterial "
                           "infections'",
                           "Harris 2015 IJWD (abstract): 'There were no reports of bacterial "
                           "infections'",
                           .v = {{0, 0}}, .nv = 1},
    [SCAR_SE_FDA_RISKS] =
        {"FDA-listed risks of microneedling devices", "side_effect",
         "infection; nerve and blood vessel damage; disease transmission between users; scar "
         "formation; hyperpigmentation; skin inflammation; allergic reactions; skin irritation",
         "qualitative", "regulatory statement (FDA draft guidance 2017 as reported)",
         "https://www.massdevice.com/fda-releases-draft-guidance-microneedling-devices/",
         "https://www.massdevice.com/fda-releases-draft-guidance-microneedling-devices/", .nv = 0},
    [SCAR_SE_GRANULOMA_CASES] =
        {"granulomatous (foreign-body/hypersensitivity) reaction", "side_effect", "3 case reports",
         "patients",
         "women 40s-60s after MN with topical serums (2 with Vita C Serum; patch test positive)",
         "Soltani-Arabshahi, JAMA Dermatol 2014;150(1):68-72 doi:10.1001/jamadermatol.2013.6955",
         "Soltani-Arabshahi, JAMA Dermatol 2014;150(1):68-72 doi:10.1001/jamadermatol.2013.6955",
         .v = {{3, 3}}, .nv = 1},
    [SCAR_SE_GRANULOMA_REVIEW] =
        {"granulomatous reaction, systematic review", "side_effect", "15 patients in 13 studies",
         "patients", "ages 26-74; motorized pen use and topical vitamin C implicated in majority",
         "Friedmann et al., Dermatol Surg 2024, doi:10.1097/DSS.0000000000004450 (abstract)",
         "Friedmann et al., Dermatol Surg 2024, doi:10.1097/DSS.0000000000004450 (abstract)",
         .v = {{15, 15}, {13, 13}}, .nv = 2},
    [SCAR_SE_PRP_ERYTHEMA] = {"severe erythema, MN+PRP vs MN alone", "side_effect",
                              "OR 1.59 (95% CI 0.73-3.46), p=0.24", "odds ratio",
                              "meta-analysis, 14 controlled studies, 472 pts",
                              "Kang & Lu, Front Med 2022 doi:10.3389/fmed.2021.788754 (abstract)",
                              "Kang & Lu, Front Med 2022 doi:10.3389/fmed.2021.788754 (abstract)",
                              .v = {{1.59, 1.59}, {0.73, 3.46}}, .nv = 2},
    [SCAR_SE_PRP_EDEMA] = {"severe edema, MN+PRP vs MN alone", "side_effect",
                           "OR 1.14 (95% CI 0.47-2.76), p=0.77", "odds ratio", "same meta-analysis",
                           "Kang & Lu 2022 (abstract)", "Kang & Lu 2022 (abstract)",
                           .v = {{1.14, 1.14}, {0.47, 2.76}}, .nv = 2},
    [SCAR_SE_HSV_RATE] = {"herpes simplex reactivation", "side_effect", "no rate found", "",
                          "no trial abstract retrieved reported HSV; listed only on clinic pages",
                          "gap",
                          /* the CSV's "gap" said in words (tests/test_side_effects.c) */
                          "evidence gap (no trial abstract retrieved reported HSV; listed only "
                          "on clinic pages)",
                          .nv = 0},
    [SCAR_SE_HSV_HISTORY] = {"herpes simplex history", "contraindication",
                             "caution; antiviral prophylaxis suggested", "",
                             "clinic list (not peer reviewed)", "mailash.com", "mailash.com",
                             .nv = 0},
    [SCAR_SE_ACNE_FLARE] = {"acne flare", "side_effect", "listed, no rate", "",
                            "Harris 2015 review lists 'acne' among AEs",
                            "Harris 2015 IJWD (abstract)", "Harris 2015 IJWD (abstract)", .nv = 0},
    [SCAR_SE_ACTIVE_ACNE] = {"active acne / active infection (bacterial, viral, fungal)",
                             "contraindication", "contraindicated", "",
                             "clinic/practitioner lists (not peer reviewed)",
                             "balancedayspa.com; renewedspiritdayspa.com; mailash.com",
                             "balancedayspa.com; renewedspiritdayspa.com; mailash.com", .nv = 0},
    [SCAR_SE_MEDIAN_NEEDLE] = {"median needle length in acne-scar needling studies",
                               "depth_guideline", "1.5", "mm", "systematic review (Harris 2015)",
                               "Harris 2015 IJWD (abstract)", "Harris 2015 IJWD (abstract)",
                               .v = {{1.5, 1.5}}, .nv = 1},
    [SCAR_SE_PEN_FOREHEAD] = {"pen depth: forehead (thin / thick skin)", "depth_guideline",
                              "0.25-0.5 / 0.5-0.75", "mm", "manufacturer chart (Dr. Pen)", DRPEN,
                              DRPEN, .v = {{0.25, 0.5}, {0.5, 0.75}}, .nv = 2},
    /* "same" in the CSV: the source of the row above (the Dr. Pen chart) */
    [SCAR_SE_PEN_CHEEK] = {"pen depth: cheek and chin (thin / thick skin)", "depth_guideline",
                           "0.5-1.0 / 1.0-2.0", "mm", "manufacturer chart (Dr. Pen)", "same", DRPEN,
                           .v = {{0.5, 1.0}, {1.0, 2.0}}, .nv = 2},
    [SCAR_SE_PEN_SCARRING] = {"pen depth: facial scarring (thin / thick skin)", "depth_guideline",
                              "1.0-1.25 / 1.5-2.0", "mm", "manufacturer chart (Dr. Pen)", "same",
                              DRPEN, .v = {{1.0, 1.25}, {1.5, 2.0}}, .nv = 2},
    [SCAR_SE_PEN_NOSE] = {"pen depth: nose (thin / thick skin)", "depth_guideline", "0.25 / 0.5",
                          "mm", "manufacturer chart (Dr. Pen)", "same", DRPEN,
                          .v = {{0.25, 0.25}, {0.5, 0.5}}, .nv = 2},
    [SCAR_SE_PEN_UPPER_LIP] = {"pen depth: upper lip (thin / thick skin)", "depth_guideline",
                               "0.25 / 0.25-0.75", "mm", "manufacturer chart (Dr. Pen)", "same",
                               DRPEN, .v = {{0.25, 0.25}, {0.25, 0.75}}, .nv = 2},
    [SCAR_SE_HOME_DEPTH] = {"at-home microneedling depth", "depth_guideline",
                            "start 0.25, maximum 1.00", "mm", "manufacturer advice (Dr. Pen)",
                            "same", DRPEN, .v = {{0.25, 1.00}}, .nv = 1},
    [SCAR_SE_HOME_CEILING] = {"at-home depth ceiling", "depth_guideline",
                              "do not exceed 1.0 (face)", "mm",
                              "consumer guide (not peer reviewed)",
                              "https://microneedlingbeforeafter.com/es/blog",
                              "https://microneedlingbeforeafter.com/es/blog", .v = {{1.0, 1.0}},
                              .nv = 1},
    /* contraindications: all but the isotretinoin rows and the trial's
     * exclusions come from clinic lists, and the population cell says so */
    [SCAR_SE_ISO_CONSENSUS] =
        {"isotretinoin: delay before procedures", "contraindication",
         "insufficient evidence to delay manual dermabrasion, superficial chemical peels, "
         "cutaneous surgery, laser hair removal, fractional ablative/non-ablative laser; "
         "mechanical dermabrasion and fully ablative laser not recommended",
         "consensus statement", "systematic review: 32 publications, 1485 procedures", ISO_SPRING,
         ISO_SPRING, .nv = 0},
    [SCAR_SE_ISO_LABEL] = {"isotretinoin: drug label", "contraindication",
                           "avoid cosmetic procedures to smooth skin (waxing, dermabrasion, "
                           "laser) while on drug and for at least 6 months after stopping",
                           "months", "Accutane package insert as quoted", ISO_LABEL, ISO_LABEL,
                           .v = {{6, 6}}, .nv = 1},
    [SCAR_SE_ISO_EXPERT] = {"isotretinoin: one expert practice", "contraindication",
                            "wait ~2 months after stopping isotretinoin", "months",
                            "expert practice statement cited on scite",
                            "scite.ai citation statement (secondary)",
                            "scite.ai citation statement (secondary)", .v = {{2, 2}}, .nv = 1},
    [SCAR_SE_KELOID] = {"keloid or hypertrophic scarring history", "contraindication",
                        "contraindicated / caution", "", "clinic lists (not peer reviewed)",
                        "balancedayspa.com; mailash.com; bypia.com",
                        "balancedayspa.com; mailash.com; bypia.com", .nv = 0},
    [SCAR_SE_BLEEDING] = {"bleeding disorders / anticoagulants (warfarin, heparin, aspirin)",
                          "contraindication", "contraindicated / caution", "",
                          "clinic lists (not peer reviewed)",
                          "balancedayspa.com; purelyboutique.com",
                          "balancedayspa.com; purelyboutique.com", .nv = 0},
    [SCAR_SE_ECZEMA] = {"eczema, psoriasis, rosacea, dermatitis in treatment area",
                        "contraindication", "contraindicated when active", "",
                        "clinic lists (not peer reviewed)",
                        "balancedayspa.com; renewedspiritdayspa.com",
                        "balancedayspa.com; renewedspiritdayspa.com", .nv = 0},
    [SCAR_SE_PREGNANCY] = {"pregnancy / breastfeeding", "contraindication",
                           "contraindicated (precautionary)", "",
                           "clinic lists (not peer reviewed)",
                           "balancedayspa.com; purelyboutique.com",
                           "balancedayspa.com; purelyboutique.com", .nv = 0},
    [SCAR_SE_IMMUNE] = {"uncontrolled diabetes; immunosuppression; chemo/radiotherapy",
                        "contraindication", "contraindicated", "",
                        "clinic lists (not peer reviewed)", "balancedayspa.com",
                        "balancedayspa.com", .nv = 0},
    [SCAR_SE_PHOTOSENSITIVITY] =
        {"exclusion criteria in a trial: photosensitivity, SLE, xeroderma pigmentosum",
         "contraindication", "excluded", "", "Tirmizi 2021 retrospective study",
         "10.7759/cureus.12578 (abstract)", "10.7759/cureus.12578 (abstract)", .nv = 0},
    [SCAR_SE_INTERVAL_MEDIAN] = {"median interval between needling sessions (needling alone)",
                                 "interval_guideline", "4", "weeks",
                                 "systematic review of acne-scar studies (Harris 2015)",
                                 "Harris 2015 IJWD (abstract)", "Harris 2015 IJWD (abstract)",
                                 .v = {{4, 4}}, .nv = 1},
    /* preferred 4 weeks, rather than 2 */
    [SCAR_SE_INTERVAL_PREFERRED] = {"preferred interval", "interval_guideline",
                                    "4-week rather than 2-week", "weeks", "commentary/review",
                                    "Minutilli, J Drugs Dermatol 2024;23(3):e79",
                                    "Minutilli, J Drugs Dermatol 2024;23(3):e79",
                                    .v = {{4, 4}, {2, 2}}, .nv = 2},
    [SCAR_SE_NUMBING_DEPTH] = {"depth at which topical numbing is not required",
                               "depth_guideline", "0.2-1", "mm",
                               "expert quote, AAD Dermatology World Sept 2018",
                               "vdocuments copy of AAD Dermatology World article",
                               "vdocuments copy of AAD Dermatology World article",
                               .v = {{0.2, 1}}, .nv = 1},
    [SCAR_SE_EVAL_TIME] = {"time to final evaluation", "interval_guideline",
                           ">=3 months after last session; better 6-12 months", "months",
                           "commentary/review (slow neocollagenesis)", "Minutilli 2024 JDD",
                           "Minutilli 2024 JDD", .v = {{3, 3}, {6, 12}}, .nv = 2},
};

/* Assumption (not in safety.csv, which gives no conditions for tram tracks):
 * more passes than the 15 of the quoted roller protocol behind device.c's
 * default density count as "dense". */
#define TRAM_DENSE_PASSES 15
/* Comparisons with the charts forgive rounding of a depth setting. */
#define EPS_MM 1e-9

const scar_se_row *scar_se_evidence(scar_se_ref ref)
{
    return (unsigned)ref < SCAR_SE_REF_COUNT ? &rows[ref] : NULL;
}

const char *scar_se_level_name(scar_se_level l)
{
    static const char *const n[] = {"info", "caution", "warning"};
    return (unsigned)l <= SCAR_SE_WARNING ? n[l] : "unknown";
}

const char *scar_se_item_title(const char *id)
{
    static const char *const t[][2] = {
        {"erythema", "Redness and swelling"},
        {"erythema_session", "Redness after a session"},
        {"pih", "Darker patches (PIH)"},
        {"tram_track", "Tram-track marks"},
        {"infection", "Infection"},
        {"acne_flare", "Acne flare"},
        {"herpes", "Cold sores (herpes simplex)"},
        {"granuloma", "Granulomas"},
        {"prp", "PRP and redness"},
        {"depth_scarring", "Needle length for scars"},
        {"depth_region", "Needle length for this area"},
        {"depth_home", "Needle length at home"},
        {"depth_guideline", "Needle length"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i][0], id) == 0)
            return t[i][1];
    return id;
}

/* ------------------------------------------------------------------------ */
/* building items                                                           */
/* ------------------------------------------------------------------------ */

static const scar_se_row *row(scar_se_ref r)
{
    return &rows[r];
}

static scar_se_item *add(scar_side_effects *se, const char *id, int session, scar_se_level l)
{
    assert(se->nitems < SCAR_SE_MAX_ITEMS);
    scar_se_item *it = &se->items[se->nitems++];
    memset(it, 0, sizeof *it);
    it->id = id;
    it->session = session;
    it->level = l;
    it->lo = it->hi = NAN;
    return it;
}

static void cite(scar_se_item *it, scar_se_ref r)
{
    assert(it->nnumbers < SCAR_SE_MAX_NUMBERS);
    it->numbers[it->nnumbers++] = (scar_se_number){.row = &rows[r]};
}

static void say(char *buf, size_t n, const char *fmt, ...) SCAR_PRINTF(3, 4);
static void say(char *buf, size_t n, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, n - used, fmt, ap);
    va_end(ap);
}
#define TEXT(it, ...) say((it)->text, sizeof(it)->text, __VA_ARGS__)
#define WHY(it, ...) say((it)->trigger, sizeof(it)->trigger, __VA_ARGS__)

/* "a-b" or "a" for printing (the array lives until the end of the
 * full expression that called rt). */
typedef struct rtext {
    char s[40];
} rtext;

static rtext rt(scar_se_range r)
{
    rtext t;
    if (r.lo == r.hi)
        snprintf(t.s, sizeof t.s, "%g", r.lo);
    else
        snprintf(t.s, sizeof t.s, "%g-%g", r.lo, r.hi);
    return t;
}

static const char *const roman[7] = {"?", "I", "II", "III", "IV", "V", "VI"};

static bool is_roller(scar_device_kind k)
{
    return k == SCAR_DEV_ROLLER || k == SCAR_DEV_HOME_ROLLER;
}

/* The needle devices the depth charts and the downtime bands speak of. */
static bool is_charted(scar_device_kind k)
{
    return is_roller(k) || k == SCAR_DEV_PEN || k == SCAR_DEV_STAMP;
}

/* ------------------------------------------------------------------------ */
/* redness and swelling                                                     */
/* ------------------------------------------------------------------------ */

typedef enum { IN_BAND, BETWEEN_BANDS, BELOW_BANDS, ABOVE_BANDS } band_where;
typedef struct band {
    scar_se_range days, mm;
    band_where where;
} band;

/* The downtime row's band for a needle length.  Between two bands the range
 * spans both (the guide says nothing of the gap); outside the chart the
 * nearest band is shown and the text says the needle is outside it. */
static band downtime(double mm)
{
    const scar_se_row *r = row(SCAR_SE_DOWNTIME_DEPTH);
    if (mm < r->k[0].lo - EPS_MM)
        return (band){r->v[0], r->k[0], BELOW_BANDS};
    for (int i = 0; i < r->nk; i++)
        if (mm <= r->k[i].hi + EPS_MM) {
            if (mm >= r->k[i].lo - EPS_MM)
                return (band){r->v[i], r->k[i], IN_BAND};
            return (band){
                {r->v[i - 1].lo, r->v[i].hi}, {r->k[i - 1].hi, r->k[i].lo}, BETWEEN_BANDS};
        }
    return (band){r->v[r->nk - 1], r->k[r->nk - 1], ABOVE_BANDS};
}

static void band_text(scar_se_item *it, band b, double mm)
{
    switch (b.where) {
    case IN_BAND: TEXT(it, "for needles of %s mm", rt(b.mm).s); break;
    case BETWEEN_BANDS:
        TEXT(it,
             "for needles between %g and %g mm (yours, %.2f mm, fall between two of its "
             "depth bands)",
             b.mm.lo, b.mm.hi, mm);
        break;
    case BELOW_BANDS:
        TEXT(it, "for its shortest needles, %s mm (yours, %.2f mm, are shorter)", rt(b.mm).s, mm);
        break;
    case ABOVE_BANDS:
        TEXT(it, "for its longest needles, %s mm (yours, %.2f mm, are longer)", rt(b.mm).s, mm);
        break;
    }
}

static void erythema_course(scar_side_effects *se, const scar_protocol *pr)
{
    scar_device_kind kind = pr->device.kind;
    bool subcision = pr->adjunct[SCAR_ADJ_SUBCISION];
    if (kind == SCAR_DEV_FRACTIONAL_LASER && !subcision)
        return; /* safety.csv gives no duration after fractional laser */
    scar_se_item *it = add(se, "erythema", 0, SCAR_SE_INFO);
    WHY(it, "shown for every treated course: the published durations for this device");
    if (kind == SCAR_DEV_RF_MICRONEEDLE) {
        const scar_se_row *r = row(SCAR_SE_ERYTHEMA_RF);
        TEXT(it,
             "Redness after RF microneedling lasted %s %s in a study of 19 patients "
             "(Fitzpatrick III-V).",
             r->value, r->unit);
        cite(it, SCAR_SE_ERYTHEMA_RF);
    } else if (is_charted(kind)) {
        band b = downtime(pr->device.needle_mm);
        TEXT(it,
             "Redness and swelling after needling fade on their own. A needle maker's depth "
             "guide gives %s days of downtime ",
             rt(b.days).s);
        band_text(it, b, pr->device.needle_mm);
        TEXT(it, "; it is not peer reviewed.");
        cite(it, SCAR_SE_DOWNTIME_DEPTH);
        if (is_roller(kind)) {
            TEXT(it,
                 " In studies of dermarollers, redness and swelling lasted %s hours (36 "
                 "patients) and %s days (31 patients).",
                 rt(row(SCAR_SE_ERYTHEMA_ROLLER_HOURS)->v[0]).s,
                 rt(row(SCAR_SE_ERYTHEMA_ROLLER_DAYS)->v[0]).s);
            cite(it, SCAR_SE_ERYTHEMA_ROLLER_HOURS);
            cite(it, SCAR_SE_ERYTHEMA_ROLLER_DAYS);
        }
        WHY(it, " (the depth guide's band for needle_mm %.2f; dermaroller studies for rollers)",
            pr->device.needle_mm);
    }
    if (subcision) {
        TEXT(it,
             "%sWith subcision, redness, swelling and pain lasted %s days (45 patients, "
             "Fitzpatrick III-V).",
             it->text[0] ? " " : "", rt(row(SCAR_SE_ERYTHEMA_SUBCISION)->v[0]).s);
        cite(it, SCAR_SE_ERYTHEMA_SUBCISION);
        WHY(it, "; subcision in the protocol");
    }
}

static void erythema_sessions(scar_side_effects *se, const scar_protocol *pr,
                              const double *model_days, int nsessions)
{
    scar_device_kind kind = pr->device.kind;
    if (!model_days && !is_charted(kind) && kind != SCAR_DEV_RF_MICRONEEDLE)
        return; /* nothing to show and nothing to cite */
    for (int k = 1; k <= nsessions; k++) {
        scar_se_item *it = add(se, "erythema_session", k, SCAR_SE_INFO);
        WHY(it, "one per session: the engine's predicted days of visible redness beside the "
                "published range for this device and needle length");
        if (model_days) {
            double d = model_days[k - 1];
            it->numbers[it->nnumbers++] =
                (scar_se_number){.simulated = d,
                                 .simulated_what = "predicted visible erythema",
                                 .simulated_unit = "days"};
            if (d > 0)
                TEXT(it,
                     "After session %d the simulation predicts visible redness for %.1f "
                     "days.",
                     k, d);
            else
                TEXT(it, "After session %d the simulation predicts no visible redness.", k);
        }
        const char *sp = it->text[0] ? " " : "";
        double per_day = 1.0;
        if (kind == SCAR_DEV_RF_MICRONEEDLE) {
            const scar_se_row *r = row(SCAR_SE_ERYTHEMA_RF);
            it->hi = r->v[0].hi; /* "up to": no lower end */
            it->unit = r->unit;
            per_day = 24.0;
            TEXT(it, "%sPublished: redness %s %s after RF microneedling.", sp, r->value, r->unit);
            cite(it, SCAR_SE_ERYTHEMA_RF);
        } else if (is_charted(kind)) {
            band b = downtime(pr->device.needle_mm);
            it->lo = b.days.lo;
            it->hi = b.days.hi;
            it->unit = row(SCAR_SE_DOWNTIME_DEPTH)->unit;
            TEXT(it,
                 "%sA needle maker's guide gives %s days of downtime at this needle length "
                 "(not peer reviewed).",
                 sp, rt(b.days).s);
            cite(it, SCAR_SE_DOWNTIME_DEPTH);
        } else {
            TEXT(it, "%sThe evidence gives no duration of redness after fractional laser.", sp);
        }
        if (model_days && isfinite(it->hi)) {
            double d = model_days[k - 1];
            if (d > it->hi / per_day)
                TEXT(it, " The simulation predicts longer redness than that.");
            else if (isfinite(it->lo) && d < it->lo / per_day)
                TEXT(it, " The simulation predicts shorter redness than that.");
        }
    }
}

/* ------------------------------------------------------------------------ */
/* pigmentation, scarring, infection, flares                                */
/* ------------------------------------------------------------------------ */

static void pih(scar_side_effects *se, const scar_protocol *pr, int fitz, bool history)
{
    scar_se_item *it = add(se, "pih", 0, SCAR_SE_INFO);
    if (pr->device.kind == SCAR_DEV_FRACTIONAL_LASER) {
        it->level = SCAR_SE_CAUTION;
        TEXT(it,
             "Darker patches after inflammation (post-inflammatory hyperpigmentation, PIH) "
             "followed non-ablative fractional laser (1340 nm) in %g%% of patients in one "
             "randomised trial, against %g%% after microneedling in the same trial.",
             row(SCAR_SE_PIH_LASER)->v[0].lo, row(SCAR_SE_PIH_CACHAFEIRO)->v[0].lo);
        WHY(it, "fractional_laser: the PIH rate of the trial's laser arm (caution); its "
                "patients' skin types are not given in the evidence");
        cite(it, SCAR_SE_PIH_LASER);
        cite(it, SCAR_SE_PIH_CACHAFEIRO);
    } else {
        const scar_se_row *d = row(SCAR_SE_PIH_DOGRA);
        TEXT(it,
             "Darker patches after inflammation (post-inflammatory hyperpigmentation, PIH) "
             "were reported in %g to %g%% of patients in needling studies of acne scars, "
             "counted over a whole course rather than per session. The highest, %g%%, was "
             "in Fitzpatrick %s-%s skin after five monthly dermaroller sessions; a study of "
             "60 patients of types I to VI saw no colour change, and one of 39 patients "
             "(types III to V) no worsening. These studies do not split the rate by skin "
             "type or needle depth, so scarsim does not compute one for your skin.",
             row(SCAR_SE_PIH_CACHAFEIRO)->v[0].lo, d->v[0].hi, d->v[0].hi, roman[d->fitz_lo],
             roman[d->fitz_hi]);
        for (scar_se_ref r = SCAR_SE_PIH_DOGRA; r <= SCAR_SE_PIH_DROPOUT; r++)
            if (r != SCAR_SE_PIH_LASER)
                cite(it, r);
        cite(it, SCAR_SE_AE_REVIEW);
        if (fitz >= d->fitz_lo && fitz <= d->fitz_hi) {
            it->level = SCAR_SE_CAUTION;
            TEXT(it, " Your skin type (%s) is in the group where %g%% was measured.", roman[fitz],
                 d->v[0].hi);
            WHY(it, "Fitzpatrick %s lies in the population of the %g%% rate (caution)", roman[fitz],
                d->v[0].hi);
        } else if (fitz > d->fitz_hi) {
            /* Assumption: a type darker than the measured group is shown the
             * same caution; nothing in safety.csv measures it. */
            it->level = SCAR_SE_CAUTION;
            TEXT(it, " Type %s was not in that group; scarsim shows it the same caution.",
                 roman[fitz]);
            WHY(it,
                "Fitzpatrick %s is darker than the %s-%s population of the %g%% rate; "
                "caution by assumption (not measured)",
                roman[fitz], roman[d->fitz_lo], roman[d->fitz_hi], d->v[0].hi);
        } else {
            WHY(it,
                "Fitzpatrick %s is outside the %s-%s population of the %g%% rate; the "
                "evidence does not split the rate by type (info)",
                roman[fitz], roman[d->fitz_lo], roman[d->fitz_hi], d->v[0].hi);
        }
        if (pr->device.kind == SCAR_DEV_RF_MICRONEEDLE)
            TEXT(it, " These rates were measured with plain needling, not RF.");
    }
    if (history) {
        it->level = SCAR_SE_CAUTION;
        TEXT(it, " You have had PIH before: tell your clinician. No rate for people with earlier "
                 "PIH was found.");
        WHY(it, "; pih_history: caution by assumption (no rate in the evidence)");
    }
}

static void tram_track(scar_side_effects *se, const scar_protocol *pr)
{
    const scar_device *dv = &pr->device;
    const scar_se_row *t = row(SCAR_SE_TRAM_TRACK), *med = row(SCAR_SE_MEDIAN_NEEDLE);
    scar_se_item *it = add(se, "tram_track", 0, SCAR_SE_INFO);
    cite(it, SCAR_SE_TRAM_TRACK);
    if (!is_roller(dv->kind)) {
        TEXT(it,
             "Tram-track marks (rows of small scars along a roller's path) were seen in %g%% "
             "of patients (Fitzpatrick %s-%s) treated with a dermaroller. Your device (%s) "
             "does not roll; no rate was found for it.",
             t->v[0].lo, roman[t->fitz_lo], roman[t->fitz_hi], scar_device_name(dv->kind));
        WHY(it, "device is not a roller: shown for information");
        cite(it, SCAR_SE_AE_REVIEW);
        return;
    }
    bool longer = dv->needle_mm > med->v[0].hi + EPS_MM, dense = dv->passes > TRAM_DENSE_PASSES;
    it->level = longer || dense ? SCAR_SE_WARNING : SCAR_SE_CAUTION;
    TEXT(it,
         "Tram-track marks (rows of small scars along the roller's path) were seen in %g%% "
         "of patients (Fitzpatrick %s-%s) treated with a dermaroller. The study did not "
         "report their cause; scarsim flags rollers because that study used one.",
         t->v[0].lo, roman[t->fitz_lo], roman[t->fitz_hi]);
    if (longer) {
        TEXT(it,
             " Your needles (%.2f mm) are longer than the %g mm median of acne-scar "
             "studies.",
             dv->needle_mm, med->v[0].hi);
        cite(it, SCAR_SE_MEDIAN_NEEDLE);
    }
    if (dense)
        TEXT(it, " %d passes are more than the %d scarsim takes as a standard roller session.",
             dv->passes, TRAM_DENSE_PASSES);
    cite(it, SCAR_SE_AE_REVIEW);
    WHY(it,
        "%s: the %g%% rate was measured with a dermaroller (caution); raised to warning "
        "when needles are longer than %g mm (median of studies) or passes exceed %d: both "
        "thresholds are scarsim assumptions, not published risk factors; hand pressure is "
        "not simulated",
        scar_device_name(dv->kind), t->v[0].lo, med->v[0].hi, TRAM_DENSE_PASSES);
}

static void infection(scar_side_effects *se, const scar_protocol *pr)
{
    bool home = pr->device.kind == SCAR_DEV_HOME_ROLLER;
    scar_se_item *it = add(se, "infection", 0, home ? SCAR_SE_WARNING : SCAR_SE_INFO);
    TEXT(it, "No bacterial infections were reported across the needling studies of a "
             "systematic review. The FDA lists infection and disease passed between users among "
             "the risks of microneedling devices.");
    cite(it, SCAR_SE_INFECTION);
    cite(it, SCAR_SE_FDA_RISKS);
    if (home) {
        TEXT(it, " Those studies were done in clinics. A home roller is not a sterile single-use "
                 "device: never share it, and do not use it on skin with active acne or an "
                 "infection (clinics list these as reasons not to needle).");
        cite(it, SCAR_SE_ACTIVE_ACNE);
        WHY(it, "home_roller: the reported zero comes from clinic treatment; scarsim assumes a "
                "home device is reused without sterilisation (assumption), and the FDA lists "
                "infection and transmission between users (warning)");
    } else {
        WHY(it, "clinic device: sterile single-use needles assumed (assumption); shown for "
                "information");
    }
}

static void flares(scar_side_effects *se, int herpes_history)
{
    scar_se_item *it = add(se, "acne_flare", 0, SCAR_SE_INFO);
    TEXT(it, "A flare of acne after needling is listed among reported side effects; no rate was "
             "found. Clinics list active acne or a skin infection in the area as a reason to "
             "wait (not peer reviewed).");
    WHY(it, "listed by a systematic review without a rate; shown for every needling course");
    cite(it, SCAR_SE_ACNE_FLARE);
    cite(it, SCAR_SE_AE_REVIEW);
    cite(it, SCAR_SE_ACTIVE_ACNE);

    it = add(se, "herpes", 0, herpes_history == 0 ? SCAR_SE_INFO : SCAR_SE_CAUTION);
    if (herpes_history > 0)
        TEXT(it, "You have had cold sores (herpes simplex): antiviral medicine before each "
                 "session is suggested (a clinic list, not peer reviewed).");
    else if (herpes_history == 0)
        TEXT(it, "You said you have not had cold sores (herpes simplex). If you ever do, tell "
                 "your clinician before a session: antiviral medicine beforehand is suggested "
                 "(a clinic list, not peer reviewed).");
    else
        TEXT(it, "If you have had cold sores (herpes simplex), tell your clinician: antiviral "
                 "medicine beforehand is suggested (a clinic list, not peer reviewed).");
    TEXT(it, " No study found gave a rate of cold sores coming back after needling.");
    if (herpes_history > 0)
        WHY(it, "herpes_history: caution (the evidence has no rate, 'no rate found')");
    else if (herpes_history == 0)
        WHY(it, "no herpes history: shown for information");
    else
        WHY(it, "shown to everyone at caution: scarsim is not told the patient's herpes "
                "history, and the evidence has no rate ('no rate found')");
    cite(it, SCAR_SE_HSV_RATE);
    cite(it, SCAR_SE_HSV_HISTORY);
}

static void products(scar_side_effects *se, const scar_protocol *pr)
{
    const bool *a = pr->adjunct;
    bool serum = a[SCAR_ADJ_SERUM_HYALURONIC] || a[SCAR_ADJ_SERUM_VITAMIN_C] ||
                 a[SCAR_ADJ_SERUM_GROWTH_FACTOR];
    bool pen = pr->device.kind == SCAR_DEV_PEN;
    if (serum || pen) {
        scar_se_item *it = add(se, "granuloma", 0, serum ? SCAR_SE_CAUTION : SCAR_SE_INFO);
        TEXT(it,
             "Rarely, firm bumps (granulomas) form as a reaction to a product pushed into "
             "the skin by the needles: %g case reports after needling with serums (2 with a "
             "vitamin C serum), and %g patients in %g studies in a review, most with a "
             "motorised pen or vitamin C.",
             row(SCAR_SE_GRANULOMA_CASES)->v[0].lo, row(SCAR_SE_GRANULOMA_REVIEW)->v[0].lo,
             row(SCAR_SE_GRANULOMA_REVIEW)->v[1].lo);
        if (serum)
            WHY(it,
                "a serum adjunct%s in the protocol: serums were used in every case report "
                "(caution)",
                a[SCAR_ADJ_SERUM_VITAMIN_C] ? " (vitamin C)" : "");
        else
            WHY(it, "pen device, named in the review; no serum in the protocol (info)");
        cite(it, SCAR_SE_GRANULOMA_CASES);
        cite(it, SCAR_SE_GRANULOMA_REVIEW);
    }
    if (a[SCAR_ADJ_PRP_TOPICAL] || a[SCAR_ADJ_PRP_INTRADERMAL]) {
        const scar_se_row *e = row(SCAR_SE_PRP_ERYTHEMA), *o = row(SCAR_SE_PRP_EDEMA);
        scar_se_item *it = add(se, "prp", 0, SCAR_SE_INFO);
        TEXT(it,
             "Adding PRP did not clearly make severe redness (odds ratio %g, 95%% CI %s) or "
             "severe swelling (odds ratio %g, 95%% CI %s) more common in a meta-analysis of "
             "14 controlled studies.",
             e->v[0].lo, rt(e->v[1]).s, o->v[0].lo, rt(o->v[1]).s);
        WHY(it, "PRP adjunct in the protocol");
        cite(it, SCAR_SE_PRP_ERYTHEMA);
        cite(it, SCAR_SE_PRP_EDEMA);
    }
}

/* ------------------------------------------------------------------------ */
/* needle depth against the guidelines                                      */
/* ------------------------------------------------------------------------ */

/* scarsim's facial regions that the pen chart names (others have no row). */
static const struct {
    const char *region, *area;
    scar_se_ref ref;
} charts[] = {
    {"cheek", "the cheek and chin", SCAR_SE_PEN_CHEEK},
    {"chin", "the cheek and chin", SCAR_SE_PEN_CHEEK},
    {"forehead", "the forehead", SCAR_SE_PEN_FOREHEAD},
    {"nose", "the nose", SCAR_SE_PEN_NOSE},
    {"upper_lip", "the upper lip", SCAR_SE_PEN_UPPER_LIP},
};
#define NCHARTS (sizeof charts / sizeof charts[0])

/* The index of a region's chart in charts[], NCHARTS when it has none. */
static size_t chart_of(const char *region)
{
    size_t i = 0;
    while (i < NCHARTS && !(region && strcmp(charts[i].region, region) == 0))
        i++;
    return i;
}

scar_se_ref scar_se_region_chart(const char *region)
{
    size_t i = chart_of(region);
    return i < NCHARTS ? charts[i].ref : SCAR_SE_REF_COUNT;
}

/* Thin- and thick-skin ranges of a chart row: above the thick-skin range is
 * a warning, above the thin-skin one a caution (scarsim's levels). */
static void vs_chart(scar_se_item *it, double mm, scar_se_ref ref, const char *area)
{
    const scar_se_row *r = row(ref);
    scar_se_range thin = r->v[0], thick = r->v[1];
    if (mm > thick.hi + EPS_MM) {
        it->level = SCAR_SE_WARNING;
        TEXT(it,
             "Your needles (%.2f mm) are longer than a needle maker's chart gives for %s, "
             "even for thick skin (%s mm; thin skin %s mm).",
             mm, area, rt(thick).s, rt(thin).s);
    } else if (mm > thin.hi + EPS_MM) {
        it->level = SCAR_SE_CAUTION;
        TEXT(it,
             "Your needles (%.2f mm) are longer than a needle maker's chart gives for %s in "
             "thin skin (%s mm); it gives %s mm for thick skin. Ask your clinician which "
             "applies to you.",
             mm, area, rt(thin).s, rt(thick).s);
    } else if (mm < thin.lo - EPS_MM) {
        TEXT(it,
             "Your needles (%.2f mm) are shorter than a needle maker's chart gives for %s "
             "(thin skin %s mm, thick skin %s mm).",
             mm, area, rt(thin).s, rt(thick).s);
    } else {
        TEXT(it,
             "Your needles (%.2f mm) are within a needle maker's chart for %s in thin skin "
             "(%s mm; thick skin %s mm).",
             mm, area, rt(thin).s, rt(thick).s);
    }
    TEXT(it, " The chart is not peer reviewed.");
    WHY(it,
        "needle_mm %.2f against the chart's thin-skin (%s mm) and thick-skin (%s mm) ranges "
        "for %s: above thick is a warning, above thin a caution (scarsim's levels; the chart "
        "is for pens and is applied to every needle device, an assumption)",
        mm, rt(thin).s, rt(thick).s, area);
    cite(it, ref);
}

static void depth(scar_side_effects *se, const scar_protocol *pr, const char *region)
{
    const scar_device *dv = &pr->device;
    const scar_se_row *med = row(SCAR_SE_MEDIAN_NEEDLE);
    if (dv->kind == SCAR_DEV_RF_MICRONEEDLE) {
        scar_se_item *it = add(se, "depth_guideline", 0, SCAR_SE_INFO);
        TEXT(it,
             "The depth charts in the evidence are for needle pens; none covers RF "
             "microneedling, so your needle length (%.2f mm) is not checked against one. "
             "Needling studies of acne scars used a median of %g mm.",
             dv->needle_mm, med->v[0].hi);
        WHY(it, "rf_microneedle: no RF depth guideline in the evidence");
        cite(it, SCAR_SE_MEDIAN_NEEDLE);
        return;
    }
    if (!is_charted(dv->kind))
        return;
    scar_se_item *it = add(se, "depth_scarring", 0, SCAR_SE_INFO);
    vs_chart(it, dv->needle_mm, SCAR_SE_PEN_SCARRING, "treating facial scars");
    TEXT(it, " Needling studies of acne scars used a median of %g mm.", med->v[0].hi);
    cite(it, SCAR_SE_MEDIAN_NEEDLE);
    size_t i = chart_of(region);
    if (i < NCHARTS) {
        it = add(se, "depth_region", 0, SCAR_SE_INFO);
        vs_chart(it, dv->needle_mm, charts[i].ref, charts[i].area);
    } else {
        WHY(it, "; the chart has no row for the region '%s'", region);
    }
    if (dv->kind == SCAR_DEV_HOME_ROLLER) {
        const scar_se_row *h = row(SCAR_SE_HOME_DEPTH), *c = row(SCAR_SE_HOME_CEILING);
        double most = fmin(h->v[0].hi, c->v[0].hi);
        it = add(se, "depth_home", 0, SCAR_SE_INFO);
        if (dv->needle_mm > most + EPS_MM) {
            it->level = SCAR_SE_WARNING;
            TEXT(it,
                 "Your home roller's needles (%.2f mm) are longer than the %g mm that a "
                 "needle maker and a consumer guide give as the most for home use on the "
                 "face.",
                 dv->needle_mm, most);
        } else {
            TEXT(it,
                 "Your home roller's needles (%.2f mm) are within the %g mm given as the most "
                 "for home use on the face; the maker advises starting at %g mm.",
                 dv->needle_mm, most, h->v[0].lo);
        }
        WHY(it,
            "home_roller: needle_mm %.2f against the at-home maximum (%g mm, needle maker; "
            "%g mm, consumer guide; neither peer reviewed): above it is a warning",
            dv->needle_mm, h->v[0].hi, c->v[0].hi);
        cite(it, SCAR_SE_HOME_DEPTH);
        cite(it, SCAR_SE_HOME_CEILING);
    }
}

/* ------------------------------------------------------------------------ */
/* the assessment                                                           */
/* ------------------------------------------------------------------------ */

scar_status scar_side_effects_assess_region(scar_ctx *ctx, const scar_protocol *pr,
                                            const char *region, int fitzpatrick, bool pih_history,
                                            int herpes_history,
                                            const double *model_erythema_days, int nsessions,
                                            scar_side_effects *out)
{
    if (!region)
        region = "cheek";
    if (fitzpatrick < 1 || fitzpatrick > 6)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "fitzpatrick",
                             "expected a Fitzpatrick skin type 1 to 6, found %d", fitzpatrick);
    if (nsessions < 0 || nsessions > SCAR_SE_MAX_SESSIONS)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "sessions",
                             "expected 0 to %d sessions, found %d", SCAR_SE_MAX_SESSIONS,
                             nsessions);
    if ((unsigned)pr->device.kind >= SCAR_DEV_COUNT)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "protocol.device",
                             "expected a known device, found kind %d", (int)pr->device.kind);
    if (!(pr->device.needle_mm >= 0.0 && isfinite(pr->device.needle_mm)))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "protocol.needle_mm",
                             "expected a needle length >= 0 mm, found %g", pr->device.needle_mm);
    if (!scar_region_find(region))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "region",
                             "expected a facial region such as cheek, found '%s'", region);
    for (int k = 0; model_erythema_days && k < nsessions; k++)
        if (!(model_erythema_days[k] >= 0.0 && isfinite(model_erythema_days[k])))
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "erythema_days",
                                 "expected days >= 0 after session %d, found %g", k + 1,
                                 model_erythema_days[k]);
    memset(out, 0, sizeof *out);
    out->fitzpatrick = fitzpatrick;
    out->pih_history = pih_history;
    out->region = scar_region_find(region)->name;
    out->device = pr->device.kind;
    out->needle_mm = pr->device.needle_mm;
    out->nsessions = nsessions;
    if (nsessions == 0)
        return SCAR_OK; /* an untreated control has no procedure to report on */
    erythema_course(out, pr);
    pih(out, pr, fitzpatrick, pih_history);
    if (pr->device.kind != SCAR_DEV_FRACTIONAL_LASER) {
        /* the needling evidence; none of it was measured with lasers */
        tram_track(out, pr);
        infection(out, pr);
        flares(out, herpes_history);
        products(out, pr);
        depth(out, pr, out->region);
    }
    erythema_sessions(out, pr, model_erythema_days, nsessions);
    for (size_t i = 0; i < out->nitems; i++)
        if (out->items[i].level > out->worst)
            out->worst = out->items[i].level;
    return SCAR_OK;
}

scar_status scar_side_effects_assess(scar_ctx *ctx, const scar_protocol *pr, int fitzpatrick,
                                     bool pih_history, const double *model_erythema_days,
                                     int nsessions, scar_side_effects *out)
{
    return scar_side_effects_assess_region(ctx, pr, "cheek", fitzpatrick, pih_history, -1,
                                           model_erythema_days, nsessions, out);
}

/* ------------------------------------------------------------------------ */
/* output                                                                   */
/* ------------------------------------------------------------------------ */

static const char *number_source(const scar_se_number *n)
{
    return n->row ? n->row->cited : SCAR_SE_MODEL_SOURCE;
}

bool scar_se_item_cites(const scar_se_item *it, scar_se_ref ref)
{
    for (size_t k = 0; k < it->nnumbers; k++)
        if (it->numbers[k].row == &rows[ref])
            return true;
    return false;
}

void scar_se_item_sources(const scar_se_item *it, char *buf, size_t n)
{
    if (n == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < it->nnumbers; i++) {
        const char *s = number_source(&it->numbers[i]);
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(number_source(&it->numbers[j]), s) == 0;
        if (!seen)
            say(buf, n, "%s%s", buf[0] ? "; " : "", s);
    }
}

static json_t *number_json(const scar_se_number *n)
{
    if (!n->row)
        return json_pack("{s:s, s:o, s:s, s:s, s:b}", "what", n->simulated_what, "value",
                         scar_json_real(n->simulated, 3), "unit", n->simulated_unit, "source",
                         SCAR_SE_MODEL_SOURCE, "simulated", 1);
    const scar_se_row *r = n->row;
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "what", r->item, "value", r->value, "unit",
                     r->unit, "population", r->population, "source", r->cited);
}

static json_t *item_json(const scar_se_item *it)
{
    char src[2048];
    scar_se_item_sources(it, src, sizeof src);
    json_t *nums = json_array();
    for (size_t i = 0; nums && i < it->nnumbers; i++)
        if (json_array_append_new(nums, number_json(&it->numbers[i]))) {
            json_decref(nums);
            nums = NULL;
        }
    if (!nums)
        return NULL;
    json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:o, s:s}", "id", it->id, "title",
                          scar_se_item_title(it->id), "session", it->session, "level",
                          scar_se_level_name(it->level), "text", it->text, "trigger", it->trigger,
                          "numbers", nums, "source", src);
    if (j && isfinite(it->hi)) {
        json_t *p = json_pack("{s:o, s:o, s:s}", "low", scar_json_real(it->lo, 4), "high",
                              scar_json_real(it->hi, 4), "unit", it->unit);
        if (!p || json_object_set_new(j, "published_range", p)) {
            json_decref(j);
            j = NULL;
        }
    }
    return j;
}

json_t *scar_side_effects_json(const scar_side_effects *se)
{
    json_t *items = json_array();
    for (size_t i = 0; items && i < se->nitems; i++)
        if (json_array_append_new(items, item_json(&se->items[i]))) {
            json_decref(items);
            items = NULL;
        }
    if (!items)
        return NULL;
    return json_pack("{s:i, s:b, s:s, s:s, s:o, s:i, s:s, s:s, s:o}", "fitzpatrick",
                     se->fitzpatrick, "pih_history", se->pih_history, "region", se->region,
                     "device", scar_device_name(se->device), "needle_mm",
                     scar_json_real(se->needle_mm, 4), "sessions", se->nsessions, "worst_level",
                     scar_se_level_name(se->worst), "note",
                     "Published rates are per patient over a course in the populations shown; "
                     "scarsim does not compute a personal rate. Each item's trigger says why it "
                     "is shown at its level; conditions marked as assumptions are scarsim's.",
                     "items", items);
}
