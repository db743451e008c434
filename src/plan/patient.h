/*
 * patient.h — the patient file of `scarsim plan` (JSON or YAML, read with
 * libfyaml) as a struct: who the patient is, the scars, the history that
 * screening needs and what the patient accepts (DESIGN.md "Input files",
 * docs/plan.md).  Plan layer.
 *
 * Every refusal is SCAR_EINPUT with the file, the 1-based line and column of
 * the offending node, the field as a dotted path ("history.pregnant",
 * "preferences.adjuncts_ok[1]") and "expected X, found Y"; unknown keys are
 * refused with the closest known key suggested (the scenario reader's rules,
 * course/doc.h).
 */
#ifndef SCAR_PATIENT_H
#define SCAR_PATIENT_H

#include "course.h"
#include "date.h"
#include "doc.h"

/* Refused before parsing: a patient file is a page of text. */
#define SCAR_PATIENT_MAX_BYTES (1u << 20)
/* Scars of one type in skin.scars (a face has tens). */
#define SCAR_PATIENT_MAX_SCARS 120
#define SCAR_PATIENT_MAX_SESSIONS 12
#define SCAR_PATIENT_MAX_TRIED 16

typedef enum scar_skin_source {
    SCAR_SKIN_COUNTS = 0, /* skin.scars: counts by type */
    SCAR_SKIN_SURFACE,    /* skin.surface: a measured scan */
    SCAR_SKIN_SYNTH       /* skin.synth: a synthetic skin (as in a scenario) */
} scar_skin_source;

typedef enum scar_setting {
    SCAR_SETTING_CLINIC = 0, /* pen, roller, RF microneedling by a clinician */
    SCAR_SETTING_HOME        /* a home roller, needles <= 0.5 mm */
} scar_setting;

const char *scar_setting_name(scar_setting s); /* "clinic", "home" */

typedef struct scar_patient_history {
    bool active_acne;
    /* months since the last dose; NAN when never taken (null or absent);
     * 0 while still taking it */
    double isotretinoin_months_ago;
    bool keloid_history;
    bool bleeding_disorder;
    bool anticoagulants;
    bool active_eczema_or_rosacea;
    bool skin_infection;
    bool herpes_history;
    bool pregnant;
    bool pih_history;
    /* extensions (DESIGN.md allows extra keys; docs/plan.md lists them) */
    bool breastfeeding;
    bool immunosuppressed;      /* immunosuppression, chemo- or radiotherapy */
    bool uncontrolled_diabetes;
    bool photosensitivity;      /* photosensitivity disorder, lupus, XP */
    /* treatments tried before, free text shown in the report ("laser"),
     * at most 80 bytes each */
    char *tried[SCAR_PATIENT_MAX_TRIED];
    size_t ntried;
} scar_patient_history;

typedef struct scar_patient_prefs {
    scar_setting setting;    /* default clinic */
    int max_sessions;        /* 1..SCAR_PATIENT_MAX_SESSIONS, default 6 */
    bool has_start;          /* start_date given */
    scar_date start_date;    /* default: none (the schedule counts weeks) */
    bool adjunct_ok[SCAR_ADJ_COUNT]; /* the adjuncts the patient accepts (none
                                        when adjuncts_ok is not given) */
    /* extension: the most days of visible redness the patient accepts per
     * session; NAN when not given */
    double max_downtime_days;
} scar_patient_prefs;

typedef struct scar_patient {
    char *path;       /* the file read (or the name given to parse) */
    char *name;       /* NULL when not given; at most 120 bytes */
    double age_y;     /* required, 12..100 */
    int fitzpatrick;  /* required, 1..6 */
    const scar_region *region; /* default cheek */
    scar_skin_source skin;
    int counts[SCAR_TYPE_COUNT];  /* SCAR_SKIN_COUNTS: scars by type (at least one) */
    char *surface_path;           /* SCAR_SKIN_SURFACE: resolved against the file's folder */
    scar_synth_spec synth;        /* SCAR_SKIN_SYNTH */
    scar_patient_history history;
    scar_patient_prefs prefs;
    bool has_seed;
    uint64_t seed;
} scar_patient;

scar_status scar_patient_read(scar_ctx *ctx, const char *path, scar_patient **out);
/* From memory (the web API); name and files as for scar_scenario_parse. */
scar_status scar_patient_parse(scar_ctx *ctx, const char *text, size_t len, const char *name,
                               const scar_doc_files *files, scar_patient **out);
void scar_patient_destroy(scar_patient **p); /* accepts NULL */

#endif /* SCAR_PATIENT_H */
