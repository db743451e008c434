/*
 * report_internal.h — writers for the engine's outputs (report layer).
 */
#ifndef SCAR_REPORT_INTERNAL_H
#define SCAR_REPORT_INTERNAL_H

#include "tissue.h"

/* A VTK XML image-data snapshot of the tissue (vti.c). */
scar_status scar_tissue_write_vti(scar_ctx *ctx, const scar_tissue *t, double day,
                                  const char *path);
/* A ParaView collection (.pvd) of snapshots: files relative to its folder. */
scar_status scar_write_pvd(scar_ctx *ctx, const char *path, const char *const *files,
                           const double *days, size_t n);

#include "json.h"
#include "run.h"

/* summary.json of a run (run_out.c): the keys of DESIGN.md and more. */
json_t *scar_run_summary_json(scar_ctx *ctx, const scar_run_result *r, const scar_params *p,
                              const char *scenario);
/* timeseries.csv of a run, with a header row. */
scar_status scar_run_write_timeseries(scar_ctx *ctx, const scar_run_result *r, const char *path);

struct scar_scenario;
struct scar_side_effects;
/* The side effects of a run's protocol for its patient (run_out.c): the
 * evidence of data/evidence/safety.csv beside the run's erythema days per
 * session.  *out is the caller's to free(). */
scar_status scar_run_side_effects(scar_ctx *ctx, const scar_run_result *r,
                                  const struct scar_scenario *sc, struct scar_side_effects **out);
/* Adds them to summary.json as "side_effects". */
scar_status scar_run_summary_add_side_effects(scar_ctx *ctx, json_t *summary,
                                              const scar_run_result *r,
                                              const struct scar_scenario *sc);
/* report.html of a run (run_html.c); pictures are drawn into dir. */
scar_status scar_run_report_html(scar_ctx *ctx, const scar_run_result *r,
                                 const struct scar_scenario *sc, const char *dir,
                                 const char *path);

#endif /* SCAR_REPORT_INTERNAL_H */
