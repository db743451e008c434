/*
 * screen.h — who should not be treated now, who needs care, and what that
 * means for the protocol search (plan layer; docs/plan.md "Screening").
 *
 * Every reason cites a row of evidence/safety.csv (course/safety.h keeps the
 * rows verbatim and a test checks them against the CSV).  A contraindication
 * makes the patient not a candidate now; a caution keeps the patient a
 * candidate and may narrow the search (shorter needles, longer intervals,
 * antiviral cover, an adjunct left out).  Where the evidence is a clinic's
 * list and not a study, the reason says so; where scarsim adds a rule of its
 * own (a needle or interval limit), the reason marks it as scarsim's.
 */
#ifndef SCAR_SCREEN_H
#define SCAR_SCREEN_H

#include "patient.h"
#include "safety.h"

typedef enum scar_screen_level {
    SCAR_SCREEN_CAUTION = 0,     /* treat, with care or changed settings */
    SCAR_SCREEN_CONTRAINDICATION /* do not treat now */
} scar_screen_level;

const char *scar_screen_level_name(scar_screen_level l); /* "caution", "contraindication" */

#define SCAR_SCREEN_MAX_REASONS 24
#define SCAR_SCREEN_MAX_REFS 4

typedef struct scar_screen_reason {
    const char *id; /* "active_acne", "isotretinoin", "keloid_history", ... */
    scar_screen_level level;
    char condition[160]; /* plain words: "Isotretinoin stopped 2 months ago" */
    char text[640];      /* plain language: why it matters and what to do first */
    /* the rows cited (SCAR_SE_* indices into scar_se_evidence) */
    scar_se_ref refs[SCAR_SCREEN_MAX_REFS];
    int nrefs;
    /* when waiting is what to do first: the earliest date treatment may
     * start (valid when has_date) */
    bool has_date;
    scar_date not_before;
} scar_screen_reason;

/* What the search may choose from after screening. */
typedef struct scar_screen_limits {
    bool device_ok[SCAR_DEV_COUNT];
    double max_needle_mm;   /* the longest needle the search may use */
    const char *needle_why; /* which rule set it */
    /* the rows behind needle_why (SCAR_SE_* indices) */
    scar_se_ref needle_refs[SCAR_SCREEN_MAX_REFS];
    int nneedle_refs;
    double min_interval_weeks; /* the shortest interval */
    const char *interval_why;
    /* the rows behind interval_why */
    scar_se_ref interval_refs[SCAR_SCREEN_MAX_REFS];
    int ninterval_refs;
    bool adjunct_ok[SCAR_ADJ_COUNT]; /* accepted by the patient and not ruled out */
    bool antiviral_cover;            /* herpes history: antiviral prophylaxis */
} scar_screen_limits;

typedef struct scar_screen {
    bool candidate; /* no contraindication */
    size_t nreasons;
    scar_screen_reason reasons[SCAR_SCREEN_MAX_REASONS]; /* contraindications first */
    scar_screen_limits limits;
} scar_screen;

/* Screens a patient (never fails on a valid patient struct). */
void scar_screen_patient(const scar_patient *pt, scar_screen *out);

/* {"candidate", "reasons": [{"id", "level", "condition", "text", "not_before",
 * "sources": [...]}], "limits": {...}}; NULL when memory runs out.  limits:
 * {"devices": [names], "max_needle_mm", "needle_why", "needle_sources",
 * "min_interval_weeks", "interval_why", "interval_sources", "adjuncts_ok":
 * [names], "antiviral_cover"}; not_before is "YYYY-MM-DD" or null; sources are
 * the rows' cited strings, each once. */
json_t *scar_screen_json(const scar_screen *s);

#endif /* SCAR_SCREEN_H */
