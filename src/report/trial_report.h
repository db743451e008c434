/*
 * trial_report.h — the output of `scarsim trial` (report layer; docs/trial.md).
 */
#ifndef SCAR_TRIAL_REPORT_H
#define SCAR_TRIAL_REPORT_H

#include "trial.h"

#include <jansson.h>

/* The trial.json document (also `trial --json`): provenance, disclaimer,
 * options, the varied parameters, a summary and one object per arm of the
 * table in table order.  The keys of DESIGN.md ("arms": study_id, arm,
 * published_improvement_pct, predicted_improvement_pct, predicted_ci95,
 * published_responder_pct, predicted_responder_pct) keep their meaning; an
 * unknown number is null, never NaN or 0.  NULL (ctx's error set) when memory
 * runs out. */
json_t *scar_trial_to_json(scar_ctx *ctx, const scar_trial_result *r);

/* Writes the folder as a whole (staged: on failure nothing is left):
 * trial.json, arms.csv (one row per arm), patients.csv (one row per
 * simulated patient), params.csv (the base parameters), forest_improvement
 * and forest_responders (.png, .svg; a long table continues in
 * forest_improvement_2.png, ...) and report.html (self-contained). */
scar_status scar_trial_write(scar_ctx *ctx, const scar_trial_result *r, const char *out_dir);

#endif /* SCAR_TRIAL_REPORT_H */
