/*
 * run_out.c — what a course run leaves in its folder: summary.json (the keys
 * of DESIGN.md), timeseries.csv, the effective parameters, the tissue
 * snapshots for ParaView and their .pvd index.
 */
#include "json.h"
#include "params.h"
#include "report_internal.h"
#include "run.h"
#include "safety.h"
#include "scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *outcome_json(const scar_outcome *o)
{
    json_t *j = json_object();
    json_object_set_new(j, "day", scar_json_real(o->day, 6));
    json_object_set_new(j, "session", json_integer(o->session));
    json_object_set_new(j, "scars", json_integer((json_int_t)o->nscars));
    json_object_set_new(j, "mean_depth_mm", scar_json_real(o->mean_depth_mm, 4));
    json_object_set_new(j, "volume_mm3", scar_json_real(o->volume_mm3, 4));
    json_object_set_new(j, "improvement_pct", scar_json_real(o->improvement_pct, 3));
    json_object_set_new(j, "goodman_baron_quantitative", json_integer(o->gb_quantitative));
    json_object_set_new(j, "goodman_baron_qualitative", json_integer(o->gb_qualitative));
    json_object_set_new(j, "ecca", json_integer(o->ecca));
    json_object_set_new(j, "erythema_days", scar_json_real(o->erythema_days, 3));
    json_object_set_new(j, "oedema_um", scar_json_real(o->oedema_um, 3));
    return j;
}

json_t *scar_run_summary_json(scar_ctx *ctx, const scar_run_result *r, const scar_params *p,
                              const char *scenario)
{
    json_t *root = json_object(), *arr = json_array(), *scars = json_array();
    json_object_set_new(root, "provenance", scar_json_provenance(ctx));
    json_object_set_new(root, "disclaimer", json_string(SCAR_DISCLAIMER));
    if (scenario)
        json_object_set_new(root, "scenario", json_string(scenario));
    json_object_set_new(root, "baseline", outcome_json(&r->baseline));
    for (size_t k = 0; k < r->nsessions; k++)
        json_array_append_new(arr, outcome_json(&r->sessions[k]));
    json_object_set_new(root, "sessions", arr);
    json_object_set_new(root, "final", outcome_json(&r->final));
    json_object_set_new(root, "collagen_change_pct", scar_json_real(r->collagen_change_pct, 4));
    json_object_set_new(root, "scar_collagen_change_pct",
                        scar_json_real(r->scar_collagen_change_pct, 4));
    json_object_set_new(root, "epidermis_change_pct", scar_json_real(r->epidermis_change_pct, 4));
    json_object_set_new(root, "elastin_change_pct", scar_json_real(r->elastin_change_pct, 4));
    for (size_t i = 0; i < r->nscars; i++) {
        const scar_followed *f = &r->scars[i];
        json_t *s = json_object();
        json_object_set_new(s, "type", json_string(scar_type_name(f->before.type)));
        json_object_set_new(s, "x_mm", scar_json_real(f->before.x_mm, 4));
        json_object_set_new(s, "y_mm", scar_json_real(f->before.y_mm, 4));
        json_object_set_new(s, "width_mm", scar_json_real(f->before.width_mm, 4));
        json_object_set_new(s, "depth_before_mm", scar_json_real(f->before.depth_mm, 4));
        json_object_set_new(s, "depth_after_mm", scar_json_real(f->depth_after_mm, 4));
        json_object_set_new(s, "volume_before_mm3", scar_json_real(f->before.volume_mm3, 4));
        json_object_set_new(s, "volume_after_mm3", scar_json_real(f->volume_after_mm3, 4));
        json_object_set_new(s, "improvement_pct", scar_json_real(f->improvement_pct, 3));
        json_object_set_new(s, "found_after", json_boolean(f->found_after));
        json_object_set_new(s, "matrix_gain_floor_um", scar_json_real(f->gain_floor_um, 4));
        json_object_set_new(s, "matrix_gain_around_um", scar_json_real(f->gain_around_um, 4));
        json_object_set_new(s, "floor_rise_vs_around_um", scar_json_real(f->rise_um, 4));
        json_array_append_new(scars, s);
    }
    json_object_set_new(root, "scars", scars);
    json_t *grid = json_object();
    json_object_set_new(grid, "nx", json_integer((json_int_t)r->nx));
    json_object_set_new(grid, "ny", json_integer((json_int_t)r->ny));
    json_object_set_new(grid, "nz", json_integer((json_int_t)r->nz));
    json_object_set_new(grid, "dx_um", scar_json_real(r->h_mm * 1e3, 6));
    json_object_set_new(root, "grid", grid);
    json_t *perf = json_object();
    json_object_set_new(perf, "seconds", scar_json_real(r->seconds, 3));
    json_object_set_new(perf, "steps", json_integer(r->stats.steps));
    json_object_set_new(perf, "reactions_s", scar_json_real(r->stats.t_react_s, 3));
    json_object_set_new(perf, "diffusion_s", scar_json_real(r->stats.t_diffuse_s, 3));
    json_object_set_new(perf, "chemotaxis_s", scar_json_real(r->stats.t_chemo_s, 3));
    json_object_set_new(perf, "chemotaxis_substeps", json_integer(r->stats.chemo_substeps));
    json_object_set_new(perf, "remodelling_s", scar_json_real(r->stats.t_surface_s, 3));
    json_object_set_new(perf, "injury_s", scar_json_real(r->stats.t_injury_s, 3));
    json_object_set_new(perf, "clamps", json_integer(r->stats.clamps));
    json_object_set_new(root, "performance", perf);
    if (p) {
        json_t *pj = scar_params_to_json(ctx, p);
        if (!pj) {
            json_decref(root);
            return NULL;
        }
        json_object_set_new(root, "params", pj);
    }
    return root;
}

scar_status scar_run_side_effects(scar_ctx *ctx, const scar_run_result *r,
                                  const struct scar_scenario *sc, scar_side_effects **out)
{
    *out = NULL;
    scar_side_effects *se = scar_malloc(ctx, sizeof *se);
    double *ery = scar_malloc(ctx, (r->nsessions + 1) * sizeof *ery);
    scar_status st = se && ery ? SCAR_OK : SCAR_ENOMEM;
    for (size_t k = 0; !st && k < r->nsessions; k++)
        ery[k] = r->sessions[k].erythema_days;
    /* scenarios hold no PIH or herpes history (DESIGN.md has them for plan's
     * patients only): no PIH, herpes not known */
    if (!st)
        st = scar_side_effects_assess_region(ctx, &sc->protocol, sc->region->name,
                                             sc->fitzpatrick, false, -1, ery, (int)r->nsessions,
                                             se);
    free(ery);
    if (st)
        free(se);
    else
        *out = se;
    return st;
}

scar_status scar_run_summary_add_side_effects(scar_ctx *ctx, json_t *summary,
                                              const scar_run_result *r,
                                              const struct scar_scenario *sc)
{
    scar_side_effects *se;
    scar_status st = scar_run_side_effects(ctx, r, sc, &se);
    if (st)
        return st;
    json_t *j = scar_side_effects_json(se);
    free(se);
    if (!j || json_object_set_new(summary, "side_effects", j))
        return SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory writing the side effects");
    return SCAR_OK;
}

scar_status scar_run_write_timeseries(scar_ctx *ctx, const scar_run_result *r, const char *path)
{
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    fputs("day,erythema,oedema_um,macrophages_per_mm3,growth_factor_excess_ng_ml,"
          "fibroblast_change_pct,collagen_change_pct,collagen_III_fraction,elastin_change_pct,"
          "epidermis_change_pct,scar_floor_rise_um\n", f);
    for (size_t i = 0; i < r->nts; i++) {
        const scar_ts_row *t = &r->ts[i];
        fprintf(f, "%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", t->day, t->erythema,
                t->oedema_um, t->macrophages, t->growth_factor_excess, t->fibroblast_pct,
                t->collagen_pct, t->collagen3_fraction, t->elastin_pct, t->epidermis_pct,
                t->surface_gain_um);
    }
    return scar_afile_commit(ctx, &af);
}
