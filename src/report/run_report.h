/*
 * run_report.h — `scarsim run` on a scenario already read (report layer):
 * what scar_run does after reading the file, for callers that parse the
 * scenario themselves (the web API of `scarsim serve`).
 */
#ifndef SCAR_RUN_REPORT_H
#define SCAR_RUN_REPORT_H

#include "scenario.h"

/* Makes or reads sc's skin, simulates the course and writes out_dir as
 * scar_run does (staged: on failure nothing is left); the summary names
 * sc->path as the scenario.  *summary_text receives summary.json's JSON
 * (caller frees).  seed_given: the context's seed wins over the
 * scenario's.  opts: checkpoints (scar_run_with), NULL for none. */
scar_status scar_run_scenario(scar_ctx *ctx, const scar_scenario *sc, const char *out_dir,
                              bool seed_given, const scar_run_opts *opts, char **summary_text);

#endif /* SCAR_RUN_REPORT_H */
