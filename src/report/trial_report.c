/*
 * trial_report.c — the output folder of `scarsim trial` (docs/trial.md):
 * arms.csv, patients.csv, params.csv and the forest plots of improvement and
 * responders (PNG and SVG) written here, trial.json (trial_json.c) and
 * report.html (trial_html.c), which opens offline, staged so that a failure
 * leaves nothing.
 *
 * Every number is reported on the arm's own scale and beside the published
 * one; an unknown number is null in JSON, an empty cell in CSV and a dash in
 * HTML, never 0.  The report puts the open-label arms beside the blinded ones,
 * because open-label studies report far larger effects than the one blinded
 * randomised trial (evidence/README.md).
 */
#include "trial_report.h"

#include "json.h"
#include "plot.h"
#include "trial_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A forest plot of more rows is continued in a second file: 60 rows are a
 * picture about 1900 px tall at 900 px wide, still legible on a page, and
 * far from the plot's 4000 px limit. */
#define FOREST_ROWS 60
#define FOREST_WIDTH 900

/* ------------------------------------------------------------------------ */
/* CSV                                                                       */
/* ------------------------------------------------------------------------ */

/* A number cell: empty when unknown, as in trials.csv; %.9g keeps what the
 * JSON keeps and more. */
static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.9g", v);
}

static void csv_int(FILE *f, int v)
{
    if (v >= 0)
        fprintf(f, "%d", v);
}

static scar_status write_arms_csv(scar_ctx *ctx, const scar_trial_result *r, const char *path)
{
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    fputs("study_id,arm,line,design,blinded,scale,simulated,why_not,n_published,patients,device,"
          "needle_mm,sessions,interval_weeks,follow_up_weeks,adjuncts,published_improvement_pct,"
          "predicted_improvement_pct,predicted_ci95_lo,predicted_ci95_hi,predicted_sd_pct,"
          "gap_points,published_responder_pct,predicted_responder_pct,predicted_responder_ci95_lo,"
          "predicted_responder_ci95_hi,published_baseline_mean,published_final_mean,before_mean,"
          "after_mean,volume_improvement_pct,erythema_days,assumptions\n",
          f);
    for (size_t k = 0; k < r->table->n; k++) {
        arm_view v;
        trial_view_make(r, k, &v);
        const proto_view *pv = &v.proto;
        scar_csv_text(f, v.a->study_id);
        fputc(',', f);
        scar_csv_text(f, v.a->arm);
        fprintf(f, ",%ld,%s,%s,", v.a->line, scar_trial_design_name(v.a->design),
                v.p->blinded ? "yes" : "no");
        scar_csv_text(f, scar_scale_name(v.p->scale));
        fprintf(f, ",%s,", v.pred ? "yes" : "no");
        scar_csv_text(f, v.why_not);
        fputc(',', f);
        csv_int(f, v.a->n_patients);
        fprintf(f, ",%d,", v.pred ? v.s->n : 0);
        scar_csv_text(f, pv->device);
        fputc(',', f);
        csv_num(f, pv->needle_mm);
        fputc(',', f);
        csv_int(f, pv->sessions);
        fputc(',', f);
        csv_num(f, pv->interval_weeks);
        fputc(',', f);
        csv_num(f, pv->follow_up_weeks);
        fputc(',', f);
        /* names without commas: joined by ';' as in trials.csv */
        int any = 0;
        for (int a = 0; a < SCAR_ADJ_COUNT; a++)
            if (pv->adjunct[a])
                fprintf(f, "%s%s", any++ ? ";" : "", scar_adjunct_name((scar_adjunct)a));
        /* the numbers, in the header's order */
        const double nums[] = {v.pub,
                               v.imp,
                               v.lo,
                               v.hi,
                               v.sd,
                               v.gap,
                               v.pub_resp,
                               v.resp,
                               v.resp_lo,
                               v.resp_hi,
                               v.a->baseline_score_mean,
                               v.a->final_score_mean,
                               v.before,
                               v.after,
                               v.vol,
                               v.ery};
        for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
            fputc(',', f);
            csv_num(f, nums[i]);
        }
        fputc(',', f);
        /* the assumptions in one cell, joined by " | " */
        size_t len = 0;
        for (int i = 0; i < v.p->nassumed; i++)
            len += strlen(trial_txt(v.p->assumed[i])) + 3;
        char *joined = scar_malloc(ctx, len + 1);
        if (!joined) {
            scar_afile_abort(&af);
            return SCAR_ENOMEM;
        }
        joined[0] = '\0';
        for (int i = 0; i < v.p->nassumed; i++) {
            if (i)
                strcat(joined, " | ");
            strcat(joined, trial_txt(v.p->assumed[i]));
        }
        scar_csv_text(f, joined);
        free(joined);
        fputc('\n', f);
    }
    return scar_afile_commit(ctx, &af);
}

/* The column name of patient value k (cohort.h, SCAR_PAT_*). */
static void pat_column(int k, char *buf, size_t n)
{
    static const char *const fixed[SCAR_PAT_NVAL] = {
        [SCAR_PAT_FITZ] = "fitzpatrick",
        [SCAR_PAT_AGE] = "age_y",
        [SCAR_PAT_FACE_SCARS] = "face_scars",
        [SCAR_PAT_GBQ0] = "gb_quantitative_before",
        [SCAR_PAT_GBQ1] = "gb_quantitative_after",
        [SCAR_PAT_GRADE0] = "gb_grade_before",
        [SCAR_PAT_GRADE1] = "gb_grade_after",
        [SCAR_PAT_ECCA0] = "ecca_before",
        [SCAR_PAT_ECCA1] = "ecca_after",
        [SCAR_PAT_VOL0] = "face_scar_volume_before_mm3",
        [SCAR_PAT_VOL1] = "face_scar_volume_after_mm3",
        [SCAR_PAT_PATCH_IMPROVEMENT] = "patch_improvement_pct",
        [SCAR_PAT_COLLAGEN_PCT] = "collagen_change_pct",
        [SCAR_PAT_ELASTIN_PCT] = "elastin_change_pct",
        [SCAR_PAT_EPIDERMIS_PCT] = "epidermis_change_pct",
        [SCAR_PAT_ERYTHEMA_DAYS] = "erythema_days",
        [SCAR_PAT_SECONDS] = "seconds",
        [SCAR_PAT_SCAR_COLLAGEN_PCT] = "scar_collagen_change_pct",
    };
    if (k >= SCAR_PAT_DEPTH_RESP && k < SCAR_PAT_DEPTH_RESP + SCAR_TYPE_COUNT)
        snprintf(buf, n, "depth_fall_fraction_%s",
                 scar_type_name((scar_type)(k - SCAR_PAT_DEPTH_RESP)));
    else if (k >= SCAR_PAT_VOL_RESP && k < SCAR_PAT_VOL_RESP + SCAR_TYPE_COUNT)
        snprintf(buf, n, "volume_fall_fraction_%s",
                 scar_type_name((scar_type)(k - SCAR_PAT_VOL_RESP)));
    else if (k >= 0 && k < SCAR_PAT_NVAL && fixed[k])
        scar_strlcpy(buf, fixed[k], n);
    else
        snprintf(buf, n, "value_%d", k); /* a value added to cohort.h but not named here */
}

static scar_status write_patients_csv(scar_ctx *ctx, const scar_trial_result *r, const char *path)
{
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    fputs("study_id,arm,line,patient", f);
    char name[64];
    for (int k = 0; k < SCAR_PAT_NVAL; k++) {
        pat_column(k, name, sizeof name);
        fprintf(f, ",%s", name);
    }
    fputc('\n', f);
    size_t np = r->opts.patients > 0 ? (size_t)r->opts.patients : 0;
    for (size_t a = 0; a < r->table->n; a++) {
        const scar_trial_arm *arm = &r->table->arms[a];
        if (!r->plans[a].simulate || r->sums[a].n <= 0)
            continue;
        size_t n = (size_t)r->sums[a].n < np ? (size_t)r->sums[a].n : np;
        for (size_t i = 0; i < n; i++) {
            const double *row = r->patients + (a * np + i) * SCAR_PAT_NVAL;
            scar_csv_text(f, arm->study_id);
            fputc(',', f);
            scar_csv_text(f, arm->arm);
            fprintf(f, ",%ld,%zu", arm->line, i + 1);
            for (int k = 0; k < SCAR_PAT_NVAL; k++) {
                fputc(',', f);
                csv_num(f, row[k]);
            }
            fputc('\n', f);
        }
    }
    return scar_afile_commit(ctx, &af);
}

/* ------------------------------------------------------------------------ */
/* forest plots                                                              */
/* ------------------------------------------------------------------------ */

#define LABEL_MAX 112

/* At most max bytes of s, cut on a character boundary. */
static size_t utf8_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* "StudyId: arm (scale)" in about 42 characters, what the plot's label
 * column holds at 900 px (it cuts longer labels at the end, which would lose
 * the scale): the arm's name is cut at a word instead, so that the scale,
 * which says how to read the row, always shows. */
#define LABEL_CHARS 42

static void arm_label(const scar_trial_arm *a, const scar_arm_plan *p, char *buf, size_t n)
{
    const char *id = a->study_id ? a->study_id : "?", *arm = trial_txt(a->arm);
    const char *sc = trial_scale_short(p->scale);
    size_t nid = utf8_cut(id, 20);
    size_t budget = LABEL_CHARS - nid - strlen(sc) - 5;
    size_t narm = utf8_cut(arm, budget);
    bool cut = narm < strlen(arm);
    if (cut) {
        size_t sp = narm;
        while (sp > budget / 2 && arm[sp] != ' ')
            sp--;
        if (sp > budget / 2)
            narm = sp;
        while (narm > 0 && strchr(" ,;:(-+/", arm[narm - 1]))
            narm--;
    }
    snprintf(buf, n, "%.*s%s: %.*s%s (%s)", (int)nid, id, nid < strlen(id) ? "\u2026" : "",
             (int)narm, arm, cut ? "\u2026" : "", sc);
}

size_t trial_forest_pages(size_t n)
{
    return n == 0 ? 1 : (n + FOREST_ROWS - 1) / FOREST_ROWS;
}

void trial_forest_name(const char *stem, size_t page, const char *ext, char *buf, size_t n)
{
    if (page == 0)
        snprintf(buf, n, "%s.%s", stem, ext);
    else
        snprintf(buf, n, "%s_%zu.%s", stem, page + 1, ext);
}

static scar_status forest_write_all(scar_ctx *ctx, const char *dir, const char *stem,
                                    const char *title, const char *x_label,
                                    const scar_forest_row *rows, size_t n)
{
    size_t pages = trial_forest_pages(n);
    scar_status st = SCAR_OK;
    for (size_t pg = 0; pg < pages && !st; pg++) {
        size_t k0 = pg * FOREST_ROWS, cnt = n - k0 < FOREST_ROWS ? n - k0 : FOREST_ROWS;
        char t[256], name[64];
        if (pages > 1)
            snprintf(t, sizeof t, "%s (part %zu of %zu)", title, pg + 1, pages);
        else
            scar_strlcpy(t, title, sizeof t);
        for (int e = 0; e < 2 && !st; e++) {
            trial_forest_name(stem, pg, e ? "svg" : "png", name, sizeof name);
            char *p = scar_path_join(ctx, dir, name);
            st = p ? scar_forest_write(ctx, t, x_label, n ? rows + k0 : rows, cnt, p, FOREST_WIDTH)
                   : SCAR_ENOMEM;
            free(p);
        }
    }
    return st;
}

/* Which arms are rows: every simulated arm for improvement (a published
 * number or not), every arm with a published responder share. */
bool trial_improvement_row(const arm_view *v)
{
    return v->pred;
}

bool trial_responder_row(const arm_view *v)
{
    return isfinite(v->pub_resp);
}

size_t trial_count_rows(const scar_trial_result *r, bool (*is_row)(const arm_view *))
{
    size_t n = 0;
    for (size_t k = 0; k < r->table->n; k++) {
        arm_view v;
        trial_view_make(r, k, &v);
        n += is_row(&v);
    }
    return n;
}

static scar_status write_forests(scar_ctx *ctx, const scar_trial_result *r, const char *dir)
{
    size_t na = r->table->n;
    scar_forest_row *rows = scar_calloc(ctx, na ? na : 1, sizeof *rows);
    char(*labels)[LABEL_MAX] = scar_calloc(ctx, na ? na : 1, sizeof *labels);
    scar_status st = rows && labels ? SCAR_OK : SCAR_ENOMEM;
    for (int which = 0; which < 2 && !st; which++) {
        size_t n = 0;
        for (size_t k = 0; k < na; k++) {
            arm_view v;
            trial_view_make(r, k, &v);
            if (!(which ? trial_responder_row(&v) : trial_improvement_row(&v)))
                continue;
            arm_label(v.a, v.p, labels[n], LABEL_MAX);
            rows[n] = which ? (scar_forest_row){labels[n],  v.resp, v.resp_lo, v.resp_hi,
                                                v.pub_resp, NAN,    NAN}
                            : (scar_forest_row){labels[n], v.imp, v.lo, v.hi, v.pub, NAN, NAN};
            n++;
        }
        if (which == 0)
            st = forest_write_all(ctx, dir, "forest_improvement",
                                  "Improvement: virtual trial (95% interval of a trial of the "
                                  "arm's size) vs published",
                                  "improvement (%) on each arm's own scale", rows, n);
        else
            st = forest_write_all(ctx, dir, "forest_responders",
                                  "Responders: virtual trial (95% interval) vs published",
                                  "responders (% of patients, by each arm's definition)", rows, n);
    }
    free(rows);
    free(labels);
    return st;
}

/* ------------------------------------------------------------------------ */
/* the folder                                                                */
/* ------------------------------------------------------------------------ */

scar_status scar_trial_write(scar_ctx *ctx, const scar_trial_result *r, const char *out_dir)
{
    scar_stage *stage = NULL;
    scar_params *defaults = NULL;
    json_t *doc = NULL;
    char *p = NULL;
    scar_status st = scar_stage_open(ctx, out_dir, &stage);
    if (st)
        return st;
    const char *dir = scar_stage_path(stage);
    const scar_params *params = r->params;
    if (!params) {
        if ((st = scar_params_create(ctx, &defaults)))
            goto done;
        params = defaults;
    }
    if (!(doc = scar_trial_to_json(ctx, r))) {
        st = scar_ctx_error(ctx)->status ? scar_ctx_error(ctx)->status : SCAR_ENOMEM;
        goto done;
    }
#define WRITE(name, call)                                                                          \
    do {                                                                                           \
        if (!(p = scar_path_join(ctx, dir, name))) {                                               \
            st = SCAR_ENOMEM;                                                                      \
            goto done;                                                                             \
        }                                                                                          \
        if ((st = (call)))                                                                         \
            goto done;                                                                             \
        free(p);                                                                                   \
        p = NULL;                                                                                  \
    } while (0)
    WRITE("arms.csv", write_arms_csv(ctx, r, p));
    WRITE("patients.csv", write_patients_csv(ctx, r, p));
    WRITE("params.csv", scar_params_write_csv(ctx, params, p));
    if ((st = write_forests(ctx, r, dir)) || (st = trial_write_html(ctx, r, dir)))
        goto done;
    /* the document last: its presence says the folder is complete */
    WRITE("trial.json", scar_json_write_file(ctx, doc, p));
#undef WRITE
    st = scar_stage_commit(ctx, &stage);
done:
    scar_stage_abort(&stage);
    free(p);
    json_decref(doc);
    scar_params_destroy(&defaults);
    return st;
}
