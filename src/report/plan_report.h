/*
 * plan_report.h — the output of `scarsim plan` (report layer; docs/plan.md).
 */
#ifndef SCAR_PLAN_REPORT_H
#define SCAR_PLAN_REPORT_H

#include "evidence.h"
#include "search.h"

#include <jansson.h>

/* Everything a plan's outputs are made from. */
typedef struct scar_plan_doc {
    const scar_patient *patient;
    const scar_screen *screen;
    const scar_plan_result *result;   /* NULL when the patient is not a candidate */
    const scar_trial_table *evidence; /* the compiled-in trials table */
    const scar_params *params;        /* the model parameters used */
    /* a measured or synthetic skin: its scars as scanned (NULL with counts) */
    const scar_scar *face;
    size_t nface;
} scar_plan_doc;

/* plan.json (also `plan --json`): provenance, disclaimer, the patient,
 * "candidate", "reasons", "limits", "recommended" (index into plans or
 * null) and "plans", ranked by expected improvement, each with the keys of
 * DESIGN.md (device, needle_mm, sessions, interval_weeks, adjuncts,
 * predicted_improvement_pct, ci95, risks, schedule) and more; "search"
 * describes how they were found.  NULL (ctx's error set) when memory runs
 * out. */
json_t *scar_plan_to_json(scar_ctx *ctx, const scar_plan_doc *d);

/* Writes the folder as a whole (staged: on failure nothing is left):
 * plan.json, plans.csv (one row per candidate), params.csv, tradeoff.png and
 * .svg (improvement against downtime; only for a candidate) and report.html
 * (self-contained, printable: the patient's pages, then the clinician's). */
scar_status scar_plan_write(scar_ctx *ctx, const scar_plan_doc *d, const char *out_dir);

/* A device and an adjunct in a few plain words, as the patient's report
 * names them ("motorised needling pen"). */
const char *scar_plan_device_label(scar_device_kind k);
const char *scar_plan_adjunct_label(scar_adjunct a);

/* What `scarsim plan` makes for one patient (plan_make.c), owned together. */
typedef struct scar_plan_made {
    scar_screen *screen;
    scar_scan_result *scan;      /* the skin's scars when measured or synthetic, else NULL */
    scar_params *params;         /* the model's default parameters */
    scar_trial_table *evidence;  /* the compiled-in trials table */
    scar_plan_result *result;    /* NULL: not a candidate, or screen_only */
    scar_plan_doc doc;           /* all of the above, for scar_plan_write and _to_json */
} scar_plan_made;

/* Screens the patient, scans a measured or synthetic skin (refused when it
 * shows no scar), searches the protocols screening allows (unless
 * screen_only) with options o, and writes out_dir (NULL: no files, as on
 * the MPI ranks other than 0).  *out is the caller's (scar_plan_made_destroy)
 * and NULL on failure.  pt must outlive *out. */
scar_status scar_plan_make(scar_ctx *ctx, const scar_patient *pt, const scar_plan_opts *o,
                           bool screen_only, const char *out_dir, scar_plan_made **out);
void scar_plan_made_destroy(scar_plan_made **m); /* accepts NULL */

#endif /* SCAR_PLAN_REPORT_H */
