/*
 * cal_report.h — the output of `scarsim calibrate` (report layer).
 */
#ifndef SCAR_CAL_REPORT_H
#define SCAR_CAL_REPORT_H

#include "calibrate.h"

#include <jansson.h>

/* The objective in words, as written into every calibration output. */
const char *scar_cal_objective_text(void);
/* The calibration.json document (also `calibrate --json`). */
json_t *scar_cal_to_json(scar_ctx *ctx, const scar_cal_result *r);
/* Writes the staged folder: calibration.json, calibrated.csv, params.csv,
 * forest_fit and forest_loso (.png, .svg), report.html. */
scar_status scar_cal_write(scar_ctx *ctx, const scar_cal_result *r, const scar_params *calibrated,
                           const char *out_dir);

#endif
