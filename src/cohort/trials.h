/*
 * trials.h — the evidence table of published trial arms (the schema of
 * evidence/trials.csv, one row per arm) as structs (cohort layer).
 *
 * Columns are found by their header names, not their order; unknown columns
 * are ignored; the columns scarsim needs may be missing from a file (their
 * values are then unknown).  An empty cell is unknown, never zero: numbers
 * are NaN, counts -1, strings NULL.  The free-text columns are kept as
 * published; the protocol_* columns are the arm's protocol in scarsim's own
 * vocabulary (DESIGN.md) and are what a virtual trial runs.
 *
 * Refusals (SCAR_EINPUT, file + 1-based line and column + field): a file
 * that is not CSV (unbalanced quote, a row with more cells than the header,
 * a NUL byte, not UTF-8), no header, a duplicate header name, a header
 * without study_id or arm, a protocol_* cell that is not a number in range
 * or not a known device / adjunct name.  The published-number columns are
 * read leniently, because studies write "~3-4" or "multiple": a cell that
 * is not a plain number is kept as text and its number is unknown.
 */
#ifndef SCAR_TRIALS_H
#define SCAR_TRIALS_H

#include "course.h"

/* A CSV is refused above this size: an evidence table is a few hundred rows. */
#define SCAR_TRIALS_MAX_BYTES (16u << 20)

typedef enum scar_trial_design {
    SCAR_DESIGN_UNKNOWN = 0,
    SCAR_DESIGN_RCT,           /* "RCT" */
    SCAR_DESIGN_SPLIT_FACE,    /* "split-face" */
    SCAR_DESIGN_PROSPECTIVE,   /* "prospective" */
    SCAR_DESIGN_RETROSPECTIVE  /* "retrospective" */
} scar_trial_design;

typedef struct scar_trial_arm {
    long line;                 /* 1-based line of the row in the file */
    /* identification and design (strings as published; NULL = empty) */
    char *study_id, *first_author, *journal, *doi_or_url, *arm;
    int year;                  /* -1 unknown */
    scar_trial_design design;
    char *design_text;
    int n_patients;            /* -1 unknown */
    int fitz_lo, fitz_hi;      /* parsed from fitzpatrick_range ("III-V", "I-VI", "IV"); 0 unknown */
    char *fitzpatrick_range;
    char *scar_types;          /* as published ("rolling;boxcar;icepick", free text) */
    bool has_type[SCAR_TYPE_COUNT]; /* types named in scar_types (icepick, boxcar, rolling,
                                       hypertrophic); all false when none is named */
    char *baseline_severity;
    char *scale;               /* free text */
    char *improvement_scale;   /* the scale of mean_improvement_pct where it is not the one
                                  named first in scale: one of scar_improvement_scales()
                                  (column improvement_scale, strict); NULL when empty */
    char *responder_def;       /* free text */
    char *side_effects, *notes, *source_quality;
    /* published numbers (NaN unknown) */
    double baseline_score_mean, baseline_score_sd, final_score_mean, final_score_sd;
    double mean_improvement_pct, responder_pct;
    double excellent_pct, good_pct, fair_pct, poor_pct;
    /* the protocol in scarsim's vocabulary */
    bool device_known;         /* protocol_device not empty */
    bool device_none;          /* protocol_device is "none": no needling */
    scar_device_kind device;   /* valid when device_known && !device_none */
    double needle_mm;          /* NaN unknown */
    int sessions;              /* -1 unknown */
    double interval_weeks;     /* NaN unknown */
    bool adjunct[SCAR_ADJ_COUNT];
    double followup_weeks;     /* NaN unknown */
} scar_trial_arm;

typedef struct scar_trial_table {
    char *path;
    scar_trial_arm *arms;
    size_t n;
} scar_trial_table;

/* Reads a trials CSV.  On success *out is owned by the caller. */
scar_status scar_trials_read(scar_ctx *ctx, const char *path, scar_trial_table **out);
/* The same from memory (len bytes; name is used in messages). */
scar_status scar_trials_parse(scar_ctx *ctx, const char *text, size_t len, const char *name,
                              scar_trial_table **out);
void scar_trial_table_destroy(scar_trial_table **t); /* accepts NULL */

const char *scar_trial_design_name(scar_trial_design d);
/* The names the improvement_scale column accepts (case-insensitive), NULL
 * after the last: "Goodman-Baron quantitative", "Goodman-Baron
 * qualitative", "ECCA", "percent". */
const char *const *scar_improvement_scales(void);

/* The arm's published improvement in %: mean_improvement_pct, else from its
 * baseline and final means; NaN when it reports neither. */
double scar_trial_arm_published_improvement(const scar_trial_arm *a);

#endif /* SCAR_TRIALS_H */
