/*
 * plan_report.c — the folder of `scarsim plan`: plan.json, plans.csv,
 * params.csv, the trade-off plot and report.html, staged so that a failure
 * leaves nothing (plan_report.h).
 */
#include "plan_report.h"

#include "json.h"
#include "plan_internal.h"
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.6g", v);
}

void plan_protocol_text(const scar_protocol *pr, char *buf, size_t n)
{
    size_t k = (size_t)snprintf(buf, n, "%s %.2g mm, %d session%s %g weeks apart",
                                scar_device_name(pr->device.kind), pr->device.needle_mm,
                                pr->sessions, pr->sessions == 1 ? "" : "s",
                                pr->interval_days / 7.0);
    bool first = true;
    for (int a = 0; a < SCAR_ADJ_COUNT && k < n; a++)
        if (pr->adjunct[a]) {
            k += (size_t)snprintf(buf + k, n - k, "%s%s", first ? ", with " : " + ",
                                  scar_adjunct_name((scar_adjunct)a));
            first = false;
        }
}

static scar_status write_plans_csv(scar_ctx *ctx, const scar_plan_result *r, const char *path)
{
    scar_afile *af = NULL;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    fputs("rank,recommended,device,needle_mm,sessions,interval_weeks,adjuncts,"
          "predicted_improvement_pct,ci95_lo,ci95_hi,sd_pct,gbq_before,gbq_after,"
          "grade_before,grade_after,responder_pct,downtime_lo_days,downtime_hi_days,"
          "total_downtime_days,predicted_erythema_days,risk_level,cautions,warnings,"
          "within_noise_of_best,se_vs_best_pct,pareto,sweep\n",
          f);
    for (size_t k = 0; k < r->n; k++) {
        const scar_plan_candidate *c = &r->cand[k];
        const scar_protocol *pr = &c->protocol;
        fprintf(f, "%zu,%d,%s,%g,%d,%g,", k + 1, k == r->recommended,
                scar_device_name(pr->device.kind), pr->device.needle_mm, pr->sessions,
                pr->interval_days / 7.0);
        bool first = true;
        for (int a = 0; a < SCAR_ADJ_COUNT; a++)
            if (pr->adjunct[a]) {
                fprintf(f, "%s%s", first ? "" : ";", scar_adjunct_name((scar_adjunct)a));
                first = false;
            }
        const double v[] = {c->improvement_pct, c->ci95[0],      c->ci95[1],
                            c->sd_pct,          c->gbq_before,   c->gbq_after,
                            c->grade_before,    c->grade_after,  c->responder_pct,
                            c->downtime_lo_days, c->downtime_hi_days, c->total_downtime_days,
                            c->erythema_days};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            fputc(',', f);
            csv_num(f, v[i]);
        }
        fprintf(f, ",%s,%d,%d,%d,", scar_se_level_name(c->risk), c->ncautions, c->nwarnings,
                c->within_noise);
        csv_num(f, c->se_diff_best);
        fprintf(f, ",%d,%d\n", c->pareto, c->sweep);
    }
    return scar_afile_commit(ctx, &af);
}

/* Improvement against total downtime, one scatter series per risk level, the
 * trade-off front as a line, the recommendation circled in its own series.
 * A scatter is a series with a gap (NaN) after every point: lone points get
 * markers and no line. */
static scar_status write_tradeoff(scar_ctx *ctx, const scar_plan_result *r, const char *dir)
{
    size_t n = r->n, m = 2 * n + 1;
    double *buf = scar_calloc(ctx, 10 * m, sizeof *buf);
    if (!buf)
        return SCAR_ENOMEM;
    double *x[5], *y[5];
    size_t len[5] = {0};
    for (int s = 0; s < 5; s++) {
        x[s] = buf + (size_t)(2 * s) * m;
        y[s] = buf + (size_t)(2 * s + 1) * m;
    }
    /* series 0-2: risk levels; 3: the front (sorted by downtime); 4: the
     * recommendation */
    for (size_t k = 0; k < n; k++) {
        const scar_plan_candidate *c = &r->cand[k];
        int s = (int)c->risk;
        x[s][len[s]] = c->total_downtime_days;
        y[s][len[s]++] = c->improvement_pct;
        x[s][len[s]] = NAN;
        y[s][len[s]++] = NAN;
    }
    for (size_t k = 0; k < n; k++)
        if (r->cand[k].pareto) {
            size_t i = len[3]++;
            double xv = r->cand[k].total_downtime_days, yv = r->cand[k].improvement_pct;
            while (i > 0 && x[3][i - 1] > xv) {
                x[3][i] = x[3][i - 1];
                y[3][i] = y[3][i - 1];
                i--;
            }
            x[3][i] = xv;
            y[3][i] = yv;
        }
    const scar_plan_candidate *rec = &r->cand[r->recommended];
    x[4][0] = rec->total_downtime_days;
    y[4][0] = rec->improvement_pct;
    len[4] = 1;
    static const char *const names[5] = {"usual risks", "a caution", "a warning",
                                         "best trade-offs", "recommended"};
    scar_plot_series se[5];
    size_t ns = 0;
    for (int s = 0; s < 5; s++)
        if (len[s])
            se[ns++] = (scar_plot_series){.label = names[s], .x = x[s], .y = y[s], .n = len[s],
                                          .markers = true, .dashed = s == 3};
    scar_plot p = {.title = "Expected improvement against downtime, every protocol tried",
                   .x_label = "total days of redness and swelling over the course",
                   .y_label = "expected improvement of scar volume (%)",
                   .series = se,
                   .nseries = ns,
                   .y_from_zero = true,
                   .note = SCAR_DISCLAIMER};
    scar_status st = SCAR_OK;
    static const char *const ext[] = {"png", "svg"};
    for (int e = 0; e < 2 && !st; e++) {
        char name[32];
        snprintf(name, sizeof name, "tradeoff.%s", ext[e]);
        char *path = scar_path_join(ctx, dir, name);
        st = path ? scar_plot_write(ctx, &p, path, 900, 560) : SCAR_ENOMEM;
        free(path);
    }
    free(buf);
    return st;
}

/* The files of the folder written from the document, each by name. */
typedef struct plan_file {
    const char *name;
    scar_status (*write)(scar_ctx *ctx, const scar_plan_doc *d, const json_t *doc,
                         const char *path);
} plan_file;

static scar_status plans_csv(scar_ctx *ctx, const scar_plan_doc *d, const json_t *doc,
                             const char *path)
{
    (void)doc;
    return d->result ? write_plans_csv(ctx, d->result, path) : SCAR_OK;
}

static scar_status params_csv(scar_ctx *ctx, const scar_plan_doc *d, const json_t *doc,
                              const char *path)
{
    (void)doc;
    return d->params ? scar_params_write_csv(ctx, d->params, path) : SCAR_OK;
}

static scar_status plan_json(scar_ctx *ctx, const scar_plan_doc *d, const json_t *doc,
                             const char *path)
{
    (void)d;
    return scar_json_write_file(ctx, doc, path);
}

scar_status scar_plan_write(scar_ctx *ctx, const scar_plan_doc *d, const char *out_dir)
{
    scar_stage *stage = NULL;
    json_t *doc = NULL;
    scar_status st = scar_stage_open(ctx, out_dir, &stage);
    if (st)
        return st;
    const char *dir = scar_stage_path(stage);
    if (!(doc = scar_plan_to_json(ctx, d)))
        st = scar_ctx_error(ctx)->status ? scar_ctx_error(ctx)->status : SCAR_ENOMEM;
    if (!st && d->result)
        st = write_tradeoff(ctx, d->result, dir);
    if (!st)
        st = plan_write_html(ctx, d, dir);
    /* the document last: its presence says the folder is complete */
    static const plan_file files[] = {
        {"plans.csv", plans_csv}, {"params.csv", params_csv}, {"plan.json", plan_json}};
    for (size_t k = 0; k < sizeof files / sizeof files[0] && !st; k++) {
        char *p = scar_path_join(ctx, dir, files[k].name);
        st = p ? files[k].write(ctx, d, doc, p) : SCAR_ENOMEM;
        free(p);
    }
    if (!st)
        st = scar_stage_commit(ctx, &stage);
    scar_stage_abort(&stage);
    json_decref(doc);
    return st;
}
