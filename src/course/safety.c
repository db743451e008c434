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

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DRPEN "https://drpen.net/blogs/how-it-works/needle-depth-guide"

static const scar_se_row rows[SCAR_SE_REF_COUNT] = {
    [SCAR_SE_DOWNTIME_DEPTH] =
        {"downtime by needle depth: 0.2-0.5 mm / 0.8-1.5 mm / 2.0-3.0 mm", "side_effect",
         "2-3 / 4-5 / 6-7", "days", "manufacturer guidance (not peer reviewed)", DRPEN, DRPEN,
         .v = {{2, 3}, {4, 5}, {6, 7}}, .nv = 3, .k = {{0.2, 0.5}, {0.8, 1.5}, {2.0, 3.0}},
         .nk = 3},
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
                                    "PMC6715122 (abstract)", "PMC6715122 (abstract)",
                                    .v = {{1, 2}}, .nv = 1, .fitz_lo = 3, .fitz_hi = 5},
    [SCAR_SE_PIH_DOGRA] = {"post-inflammatory hyperpigmentation (PIH)", "side_effect",
                           "16.7 (5/30)", "%",
                           "Fitzpatrick IV-V, dermaroller x 5 monthly (Dogra 2014)",
                           "PMID 25196684 (abstract)", "PMID 25196684 (abstract)",
                           .v = {{16.7, 16.7}}, .nv = 1, .fitz_lo = 4, .fitz_hi = 5},
    [SCAR_SE_PIH_CACHAFEIRO] = {"PIH, microneedling arm", "side_effect", "0", "%",
                                "RCT, 46 pts total, 3 monthly sessions (Cachafeiro 2016)",
                                "10.1097/DSS.0000000000000597 (abstract)",
                                "10.1097/DSS.0000000000000597 (abstract)", .v = {{0, 0}},
                                .nv = 1},
    [SCAR_SE_PIH_LASER] = {"PIH, non-ablative fractional Er 1340 nm comparator arm",
                           "side_effect", "13.6", "%", "same RCT (Cachafeiro 2016)",
                           "10.1097/DSS.0000000000000597 (abstract)",
                           "10.1097/DSS.0000000000000597 (abstract)", .v = {{13.6, 13.6}},
                           .nv = 1},
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
         "Harris, Naidoo, Murrell. IJWD 2015;1:77-81 (abstract)"},
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
         "https://www.massdevice.com/fda-releases-draft-guidance-microneedling-devices/"},
    [SCAR_SE_GRANULOMA_CASES] =
        {"granulomatous (foreign-body/hypersensitivity) reaction", "side_effect",
         "3 case reports", "patients",
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
                           "OR 1.14 (95% CI 0.47-2.76), p=0.77", "odds ratio",
                           "same meta-analysis", "Kang & Lu 2022 (abstract)",
                           "Kang & Lu 2022 (abstract)", .v = {{1.14, 1.14}, {0.47, 2.76}},
                           .nv = 2},
    [SCAR_SE_HSV_RATE] = {"herpes simplex reactivation", "side_effect", "no rate found", "",
                          "no trial abstract retrieved reported HSV; listed only on clinic pages",
                          "gap", "gap"},
    [SCAR_SE_HSV_HISTORY] = {"herpes simplex history", "contraindication",
                             "caution; antiviral prophylaxis suggested", "",
                             "clinic list (not peer reviewed)", "mailash.com", "mailash.com"},
    [SCAR_SE_ACNE_FLARE] = {"acne flare", "side_effect", "listed, no rate", "",
                            "Harris 2015 review lists 'acne' among AEs",
                            "Harris 2015 IJWD (abstract)", "Harris 2015 IJWD (abstract)"},
    [SCAR_SE_ACTIVE_ACNE] = {"active acne / active infection (bacterial, viral, fungal)",
                             "contraindication", "contraindicated", "",
                             "clinic/practitioner lists (not peer reviewed)",
                             "balancedayspa.com; renewedspiritdayspa.com; mailash.com",
                             "balancedayspa.com; renewedspiritdayspa.com; mailash.com"},
    [SCAR_SE_MEDIAN_NEEDLE] = {"median needle length in acne-scar needling studies",
                               "depth_guideline", "1.5", "mm", "systematic review (Harris 2015)",
                               "Harris 2015 IJWD (abstract)", "Harris 2015 IJWD (abstract)",
                               .v = {{1.5, 1.5}}, .nv = 1},
    [SCAR_SE_PEN_FOREHEAD] = {"pen depth: forehead (thin / thick skin)", "depth_guideline",
                              "0.25-0.5 / 0.5-0.75", "mm", "manufacturer chart (Dr. Pen)", DRPEN,
                              DRPEN, .v = {{0.25, 0.5}, {0.5, 0.75}}, .nv = 2},
    /* "same" in the CSV: the source of the row above (the Dr. Pen chart) */
    [SCAR_SE_PEN_CHEEK] = {"pen depth: cheek and chin (thin / thick skin)", "depth_guideline",
                           "0.5-1.0 / 1.0-2.0", "mm", "manufacturer chart (Dr. Pen)", "same",
                           DRPEN, .v = {{0.5, 1.0}, {1.0, 2.0}}, .nv = 2},
    [SCAR_SE_PEN_SCARRING] = {"pen depth: facial scarring (thin / thick skin)",
                              "depth_guideline", "1.0-1.25 / 1.5-2.0", "mm",
                              "manufacturer chart (Dr. Pen)", "same", DRPEN,
                              .v = {{1.0, 1.25}, {1.5, 2.0}}, .nv = 2},
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
