/*
 * cal_report.c — the output folder of `scarsim calibrate`: calibration.json
 * (the objective, the design, the fit, leave-one-study-out), calibrated.csv
 * (the fitted values with their provenance, ready for parameters.csv),
 * params.csv (the whole calibrated set), forest plots of the fit and of the
 * leave-one-study-out predictions, and report.html.
 */
#include "cal_report.h"

#include "html.h"
#include "json.h"
#include "plot.h"
#include "scar_git_hash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const kind_names[] = {"improvement_pct", "responder_pct",
                                         "papillary_collagen_change_pct",
                                         "epidermal_thickness_change_pct"};

const char *scar_cal_objective_text(void)
{
    return "J(theta) = sum over targets t of w_t ((y_t(theta) - observed_t) / s_t)^2; y_t is the "
           "virtual arm's mean improvement on the arm's own scale (s_t = 15 points, w_t = 1), its "
           "responder rate (s_t = 15 points, w_t = 0.5) or a histology change (s_t = 25 %, "
           "w_t = 1). Emulators (polynomials fitted to simulations at a Latin-hypercube "
           "design) are minimised with NLopt BOBYQA and each optimum is simulated; refining "
           "rounds repeat this in a box of half the width around the best point simulated; "
           "the calibrated set is the simulated point with the lowest J";
}

static void target_label(const scar_cal_result *r, size_t i, char *buf, size_t n)
{
    const scar_cal_target *t = &r->targets[i];
    const scar_trial_arm *a = &r->table->arms[t->arm];
    static const char *const short_kind[] = {"improvement", "responders", "collagen",
                                             "epidermis"};
    snprintf(buf, n, "%s: %.40s (%s)", a->study_id, a->arm ? a->arm : "", short_kind[t->kind]);
}

json_t *scar_cal_to_json(scar_ctx *ctx, const scar_cal_result *r)
{
    json_t *root = json_object();
    json_object_set_new(root, "provenance", scar_json_provenance(ctx));
    json_object_set_new(root, "disclaimer", json_string(SCAR_DISCLAIMER));
    json_object_set_new(root, "objective", json_string(scar_cal_objective_text()));
    json_t *o = json_object();
    json_object_set_new(o, "patients_per_arm", json_integer(r->opts.patients));
    json_object_set_new(o, "design_points", json_integer(r->opts.design));
    json_object_set_new(o, "refining_rounds", json_integer(r->opts.refine));
    json_object_set_new(o, "points_simulated", json_integer((json_int_t)r->nd));
    json_object_set_new(o, "dx_um", scar_json_real(r->opts.dx_um, 6));
    json_object_set_new(o, "vary_params", json_boolean(r->opts.vary_params));
    json_object_set_new(o, "seed", json_integer((json_int_t)r->opts.seed));
    json_object_set_new(o, "emulator_terms", json_integer(r->terms));
    json_object_set_new(o, "ranks", json_integer(r->ranks));
    json_object_set_new(o, "seconds", scar_json_real(r->seconds, 4));
    json_object_set_new(root, "options", o);
    json_t *ps = json_array();
    for (size_t i = 0; i < r->np; i++) {
        const scar_cal_param *c = scar_cal_param_at(i);
        json_t *p = json_object();
        json_object_set_new(p, "name", json_string(c->name));
        json_object_set_new(p, "searched", json_pack("[o,o]", scar_json_real(c->lo, 6),
                                                     scar_json_real(c->hi, 6)));
        json_object_set_new(p, "log_scale", json_boolean(c->log));
        json_object_set_new(p, "prior", scar_json_real(r->prior[i], 6));
        json_object_set_new(p, "calibrated", scar_json_real(r->best[i], 6));
        json_object_set_new(p, "at_bound", json_boolean(fabs(r->best[i] - c->lo) < 1e-6 * c->hi ||
                                                        fabs(r->best[i] - c->hi) < 1e-6 * c->hi));
        json_array_append_new(ps, p);
    }
    json_object_set_new(root, "parameters", ps);
    json_object_set_new(root, "objective_prior_emulated", scar_json_real(r->j_prior, 6));
    json_object_set_new(root, "objective_calibrated_emulated", scar_json_real(r->j_best, 6));
    json_object_set_new(root, "objective_prior_simulated", scar_json_real(r->j_sim_prior, 6));
    json_object_set_new(root, "objective_calibrated_simulated", scar_json_real(r->j_sim_best, 6));
    json_object_set_new(root, "calibrated_point", json_integer((json_int_t)r->inc));
    json_t *ts = json_array();
    int within = 0, nclin = 0, loso_within = 0, nloso = 0;
    for (size_t i = 0; i < r->nt; i++) {
        const scar_cal_target *t = &r->targets[i];
        const scar_trial_arm *a = &r->table->arms[t->arm];
        json_t *j = json_object();
        json_object_set_new(j, "study_id", json_string(a->study_id));
        json_object_set_new(j, "arm", json_string(a->arm));
        json_object_set_new(j, "target", json_string(kind_names[t->kind]));
        json_object_set_new(j, "observed", scar_json_real(t->observed, 5));
        json_object_set_new(j, "source", json_string(t->source ? t->source : "trials.csv row"));
        json_object_set_new(j, "scale", scar_json_real(t->scale, 4));
        json_object_set_new(j, "weight", scar_json_real(t->weight, 4));
        json_object_set_new(j, "emulated_prior", scar_json_real(r->pred_prior[i], 5));
        json_object_set_new(j, "emulated_calibrated", scar_json_real(r->pred_best[i], 5));
        json_object_set_new(j, "simulated_calibrated", scar_json_real(r->sim_best[i], 5));
        json_object_set_new(j, "emulator_loo_rms", scar_json_real(r->emu_rms[i], 4));
        json_object_set_new(j, "loso_predicted", scar_json_real(r->loso_pred[i], 5));
        double e = r->loso_pred[i] - t->observed;
        json_object_set_new(j, "loso_error", scar_json_real(e, 5));
        json_array_append_new(ts, j);
        if (t->kind == SCAR_CAL_IMPROVEMENT) {
            nclin++;
            within += fabs(r->sim_best[i] - t->observed) <= 15.0;
            nloso++;
            loso_within += fabs(e) <= 15.0;
        }
    }
    json_object_set_new(root, "targets", ts);
    json_t *sm = json_object();
    json_object_set_new(sm, "improvement_targets", json_integer(nclin));
    json_object_set_new(sm, "within_15_points_fitted", json_integer(within));
    json_object_set_new(sm, "within_15_points_leave_one_study_out", json_integer(loso_within));
    json_object_set_new(sm, "bar_met", json_boolean(nloso > 0 && loso_within == nloso));
    json_object_set_new(root, "summary", sm);
    json_t *ls = json_array();
    for (size_t k = 0; k < r->ns; k++) {
        json_t *j = json_object();
        json_object_set_new(j, "left_out", json_string(r->studies[k]));
        json_t *v = json_object();
        for (size_t i = 0; i < r->np; i++)
            json_object_set_new(v, scar_cal_param_at(i)->name,
                                scar_json_real(r->loso_best[k * r->np + i], 6));
        json_object_set_new(j, "calibrated", v);
        json_array_append_new(ls, j);
    }
    json_object_set_new(root, "leave_one_study_out", ls);
    json_t *ds = json_array();
    for (size_t p = 0; p < r->nd; p++) {
        json_t *j = json_object();
        json_t *v = json_object();
        for (size_t i = 0; i < r->np; i++)
            json_object_set_new(v, scar_cal_param_at(i)->name,
                                scar_json_real(r->design[p * r->np + i], 6));
        json_object_set_new(j, "parameters", v);
        json_t *y = json_array();
        for (size_t i = 0; i < r->nt; i++)
            json_array_append_new(y, scar_json_real(r->y[p * r->nt + i], 5));
        json_object_set_new(j, "targets", y);
        json_array_append_new(ds, j);
    }
    json_object_set_new(root, "design", ds);
    if (!root)
        SCAR_RAISE(ctx, SCAR_ENOMEM, "building calibration.json");
    return root;
}

/* calibrated.csv: the rows of parameters.csv that change, with provenance. */
static scar_status write_calibrated_csv(scar_ctx *ctx, const scar_cal_result *r, const char *path)
{
    scar_afile *af = NULL;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    char date[32];
    time_t now = time(NULL);
    struct tm tmv;
    strftime(date, sizeof date, "%Y-%m-%d", gmtime_r(&now, &tmv));
    fprintf(f, "symbol,prior,calibrated,searched_low,searched_high,at_bound,provenance\n");
    for (size_t i = 0; i < r->np; i++) {
        const scar_cal_param *c = scar_cal_param_at(i);
        bool at = fabs(r->best[i] - c->lo) < 1e-6 * c->hi || fabs(r->best[i] - c->hi) < 1e-6 * c->hi;
        fprintf(f,
                "%s,%.6g,%.6g,%.6g,%.6g,%s,\"scarsim calibrate %s (git %s): %zu targets from %zu "
                "studies in %s, %d patients per arm, %zu points simulated in %d rounds, "
                "objective simulated %.4g at the defaults -> %.4g\"\n",
                c->name, r->prior[i], r->best[i], c->lo, c->hi, at ? "yes" : "no", date,
                SCAR_GIT_HASH, r->nt, r->ns, r->table->path, r->opts.patients, r->nd,
                r->opts.refine + 1, r->j_sim_prior, r->j_sim_best);
    }
    return scar_afile_commit(ctx, &af);
}

static scar_status forest(scar_ctx *ctx, const scar_cal_result *r, const char *dir, bool loso)
{
    scar_forest_row *rows = scar_calloc(ctx, r->nt ? r->nt : 1, sizeof *rows);
    char (*labels)[96] = scar_calloc(ctx, r->nt ? r->nt : 1, sizeof *labels);
    if (!rows || !labels) {
        free(rows);
        free(labels);
        return SCAR_ENOMEM;
    }
    for (size_t i = 0; i < r->nt; i++) {
        target_label(r, i, labels[i], sizeof labels[i]);
        double y = loso ? r->loso_pred[i] : r->sim_best[i];
        double e = loso ? 15.0 : r->emu_rms[i];
        rows[i] = (scar_forest_row){labels[i], y, y - e, y + e, r->targets[i].observed, NAN, NAN};
    }
    scar_status st = SCAR_OK;
    const char *base = loso ? "forest_loso" : "forest_fit";
    const char *title = loso ? "Each study predicted by a fit without it (band: +-15 points)"
                             : "Calibrated model (simulated) vs published (band: emulator error)";
    char name[64];
    for (int k = 0; !st && k < 2; k++) {
        snprintf(name, sizeof name, "%s.%s", base, k ? "svg" : "png");
        char *p = scar_path_join(ctx, dir, name);
        if (!p) {
            st = SCAR_ENOMEM;
            break;
        }
        st = scar_forest_write(ctx, title, "% (improvement, responders or histology change)", rows,
                               r->nt, p, 900);
        free(p);
    }
    free(rows);
    free(labels);
    return st;
}

static scar_status write_html(scar_ctx *ctx, const scar_cal_result *r, const char *dir)
{
    char *path = scar_path_join(ctx, dir, "report.html");
    if (!path)
        return SCAR_ENOMEM;
    scar_afile *af = NULL;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st) {
        free(path);
        return st;
    }
    FILE *f = scar_afile_stream(af);
    scar_html_begin(f, "Calibration against published trials");
    fputs("<p>", f);
    fprintf(f, "%zu targets from %zu studies; %d virtual patients per arm at %zu points "
               "simulated in %d rounds (%d emulator terms each); %.0f s.</p>\n",
            r->nt, r->ns, r->opts.patients, r->nd, r->opts.refine + 1, r->terms, r->seconds);
    fputs("<h2>Objective</h2>\n<p>", f);
    scar_html_text(f, scar_cal_objective_text());
    fprintf(f, ".</p>\n<p>Objective at the defaults %.3g (simulated; %.3g emulated); at the "
               "calibrated values %.3g (simulated; %.3g emulated).</p>\n",
            r->j_sim_prior, r->j_prior, r->j_sim_best, r->j_best);
    fputs("<h2>Parameters</h2>\n<table><tr><th>parameter</th><th>searched</th><th>prior</th>"
          "<th>calibrated</th></tr>\n",
          f);
    for (size_t i = 0; i < r->np; i++) {
        const scar_cal_param *c = scar_cal_param_at(i);
        fprintf(f, "<tr><td>%s</td><td>%g-%g%s</td><td>%.4g</td><td>%.4g</td></tr>\n", c->name,
                c->lo, c->hi, c->log ? " (log)" : "", r->prior[i], r->best[i]);
    }
    fputs("</table>\n<h2>Fit and leave-one-study-out</h2>\n<table><tr><th>study</th><th>arm</th>"
          "<th>target</th><th>published</th><th>calibrated (simulated)</th>"
          "<th>without the study</th></tr>\n",
          f);
    for (size_t i = 0; i < r->nt; i++) {
        const scar_cal_target *t = &r->targets[i];
        const scar_trial_arm *a = &r->table->arms[t->arm];
        fputs("<tr><td>", f);
        scar_html_text(f, a->study_id);
        fputs("</td><td>", f);
        scar_html_text(f, a->arm);
        fprintf(f, "</td><td>%s</td><td>%.1f</td><td>%.1f</td><td>%.1f</td></tr>\n",
                kind_names[t->kind], t->observed, r->sim_best[i], r->loso_pred[i]);
    }
    fputs("</table>\n", f);
    const char *pngs[] = {"forest_fit.png", "forest_loso.png"};
    for (int k = 0; !st && k < 2; k++) {
        char *p = scar_path_join(ctx, dir, pngs[k]);
        if (!p) {
            st = SCAR_ENOMEM;
            break;
        }
        st = scar_html_png(ctx, f, p, pngs[k]);
        free(p);
    }
    fputs("<h2>How to read this</h2>\n<p>The fit is to published arms, most of them open-label; "
          "open-label studies report larger effects than the one blinded randomised trial "
          "(Alam 2014, JAMA Dermatol 150(8):844-9: 3.4 points on the 0-84 scale at 6 months), "
          "so a fit to them carries their optimism.  A parameter at the end of its searched "
          "interval means the data ask for more than the model's range allows: read it as a "
          "disagreement between the model and the studies, not as a measurement.</p>\n",
          f);
    scar_html_end(f, ctx);
    if (!st)
        st = scar_afile_commit(ctx, &af);
    else
        scar_afile_abort(&af);
    free(path);
    return st;
}

scar_status scar_cal_write(scar_ctx *ctx, const scar_cal_result *r, const scar_params *calibrated,
                           const char *out_dir)
{
    scar_stage *stage = NULL;
    scar_status st = scar_stage_open(ctx, out_dir, &stage);
    if (st)
        return st;
    const char *dir = scar_stage_path(stage);
    char *p = NULL;
    json_t *j = scar_cal_to_json(ctx, r);
    if (!j)
        st = SCAR_ENOMEM;
    if (!st && !(p = scar_path_join(ctx, dir, "calibration.json")))
        st = SCAR_ENOMEM;
    if (!st)
        st = scar_json_write_file(ctx, j, p);
    json_decref(j);
    free(p);
    p = NULL;
    if (!st && !(p = scar_path_join(ctx, dir, "calibrated.csv")))
        st = SCAR_ENOMEM;
    if (!st)
        st = write_calibrated_csv(ctx, r, p);
    free(p);
    p = NULL;
    if (!st && !(p = scar_path_join(ctx, dir, "params.csv")))
        st = SCAR_ENOMEM;
    if (!st)
        st = scar_params_write_csv(ctx, calibrated, p);
    free(p);
    if (!st)
        st = forest(ctx, r, dir, false);
    if (!st)
        st = forest(ctx, r, dir, true);
    if (!st)
        st = write_html(ctx, r, dir);
    if (!st)
        st = scar_stage_commit(ctx, &stage);
    scar_stage_abort(&stage);
    return st;
}
