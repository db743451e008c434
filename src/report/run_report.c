/*
 * run_report.c — `scarsim run` as one library call: read the scenario, make
 * or read the skin, run the course, and write the run's folder: summary.json,
 * timeseries.csv, params.csv, the surfaces before and after each session
 * (.gsf, open in Gwyddion), tissue snapshots for ParaView (.vti + .pvd),
 * plots (PNG and SVG) and report.html.
 */
#include "json.h"
#include "params.h"
#include "plot.h"
#include "report_internal.h"
#include "run_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct run_files {
    const char *dir;
    char **vti;
    double *vti_days;
    size_t nvti, cap;
} run_files;

/* Adds a file of the folder to the list (takes path). */
static scar_status add_file(scar_ctx *ctx, run_files *F, char *path, double day)
{
    if (F->nvti == F->cap) {
        size_t cap = F->cap ? 2 * F->cap : 8;
        char **v = scar_realloc(ctx, F->vti, cap * sizeof *v);
        if (!v) {
            free(path);
            return SCAR_ENOMEM;
        }
        F->vti = v;
        double *d = scar_realloc(ctx, F->vti_days, cap * sizeof *d);
        if (!d) {
            free(path);
            return SCAR_ENOMEM;
        }
        F->vti_days = d;
        F->cap = cap;
    }
    F->vti[F->nvti] = path;
    F->vti_days[F->nvti++] = day;
    return SCAR_OK;
}

static scar_status write_snapshot(scar_ctx *ctx, void *user, const scar_tissue *t, double day)
{
    run_files *F = user;
    char name[64];
    snprintf(name, sizeof name, "tissue_day%07.2f.vti", day);
    char *path = scar_path_join(ctx, F->dir, name);
    if (!path)
        return SCAR_ENOMEM;
    scar_status st = scar_tissue_write_vti(ctx, t, day, path);
    if (st) {
        free(path);
        return st;
    }
    return add_file(ctx, F, path, day);
}

/* The snapshots a checkpoint carries, and those a resumed run gets back. */
static size_t snapshot_files(void *user, const char *const **paths, const double **days)
{
    run_files *F = user;
    *paths = (const char *const *)F->vti;
    *days = F->vti_days;
    return F->nvti;
}

static scar_status snapshot_restored(scar_ctx *ctx, void *user, const char *path, double day)
{
    char *p = scar_strdup(ctx, path);
    return p ? add_file(ctx, user, p, day) : SCAR_ENOMEM;
}

static scar_status write_named(scar_ctx *ctx, const char *dir, const char *name,
                               const scar_heightmap *hm)
{
    char *p = scar_path_join(ctx, dir, name);
    if (!p)
        return SCAR_ENOMEM;
    scar_status st = scar_heightmap_write(ctx, hm, p, NULL);
    free(p);
    return st;
}

static scar_status write_surfaces(scar_ctx *ctx, const char *dir, const scar_run_result *r)
{
    scar_status st = write_named(ctx, dir, "surface_start.gsf", r->surface_before);
    char name[64];
    for (size_t k = 0; !st && k < r->nsessions; k++) {
        snprintf(name, sizeof name, "surface_session%zu_before.gsf", k + 1);
        if (r->session_before[k])
            st = write_named(ctx, dir, name, r->session_before[k]);
        snprintf(name, sizeof name, "surface_session%zu_after.gsf", k + 1);
        if (!st && r->session_after[k])
            st = write_named(ctx, dir, name, r->session_after[k]);
    }
    if (!st)
        st = write_named(ctx, dir, "surface_end.gsf", r->surface_after);
    return st;
}

/* depth.png/svg: scar volume and improvement at each measurement;
 * timecourse.png/svg: the tissue's daily response. */
static scar_status write_plots(scar_ctx *ctx, const char *dir, const scar_run_result *r,
                               const scar_scenario *sc)
{
    size_t n = r->nsessions + 2;
    double *x = scar_malloc(ctx, n * sizeof *x), *v = scar_malloc(ctx, n * sizeof *v),
           *im = scar_malloc(ctx, n * sizeof *im), *dp = scar_malloc(ctx, n * sizeof *dp);
    double *marks = scar_malloc(ctx, (r->nsessions + 1) * sizeof *marks);
    double *td = scar_malloc(ctx, (r->nts + 1) * sizeof *td),
           *te = scar_malloc(ctx, (r->nts + 1) * sizeof *te),
           *tc = scar_malloc(ctx, (r->nts + 1) * sizeof *tc),
           *tf = scar_malloc(ctx, (r->nts + 1) * sizeof *tf),
           *tr = scar_malloc(ctx, (r->nts + 1) * sizeof *tr);
    scar_status st = SCAR_ENOMEM;
    char *p = NULL;
    if (!x || !v || !im || !dp || !marks || !td || !te || !tc || !tf || !tr)
        goto done;
    size_t k = 0;
    const scar_outcome *o = &r->baseline;
    x[k] = o->day, v[k] = o->volume_mm3, im[k] = o->improvement_pct, dp[k++] = o->mean_depth_mm;
    for (size_t i = 0; i < r->nsessions; i++) {
        o = &r->sessions[i];
        x[k] = o->day, v[k] = o->volume_mm3, im[k] = o->improvement_pct;
        dp[k++] = o->mean_depth_mm;
        marks[i] = scar_protocol_session_day(&sc->protocol, (int)i + 1);
    }
    if (r->nsessions == 0) {
        o = &r->final;
        x[k] = o->day, v[k] = o->volume_mm3, im[k] = o->improvement_pct;
        dp[k++] = o->mean_depth_mm;
    }
    static const char *const ext[2] = {"png", "svg"};
    char name[64];
    scar_plot_series s1[2] = {
        {.label = "scar volume (mm³)", .x = x, .y = v, .n = k, .markers = true},
        {.label = "mean scar depth (mm)", .x = x, .y = dp, .n = k, .markers = true, .dashed = true}};
    scar_plot pl = {.title = "Atrophic scars measured on the simulated surface",
                    .x_label = "day", .y_label = "mm³ / mm", .series = s1, .nseries = 2,
                    .x_marks = marks, .nx_marks = r->nsessions, .x_marks_label = "session",
                    .y_from_zero = true, .note = SCAR_DISCLAIMER};
    scar_plot_series s2 = {.label = "improvement of scar volume (%)", .x = x, .y = im, .n = k,
                           .markers = true};
    scar_plot pi = pl;
    pi.title = "Improvement against the scars before treatment";
    pi.y_label = "improvement (%)";
    pi.series = &s2;
    pi.nseries = 1;
    for (size_t i = 0; i < r->nts; i++) {
        td[i] = r->ts[i].day;
        te[i] = 100.0 * r->ts[i].erythema;
        tc[i] = r->ts[i].collagen_pct;
        tf[i] = r->ts[i].fibroblast_pct;
        tr[i] = r->ts[i].surface_gain_um;
    }
    scar_plot_series s3[4] = {
        {.label = "erythema signal (x100)", .x = td, .y = te, .n = r->nts},
        {.label = "papillary collagen change (%)", .x = td, .y = tc, .n = r->nts},
        {.label = "papillary fibroblast change (%)", .x = td, .y = tf, .n = r->nts, .dashed = true},
        {.label = "scar floor rise vs skin (um)", .x = td, .y = tr, .n = r->nts}};
    scar_plot pt = pl;
    pt.title = "What happens under the skin";
    pt.y_label = "change";
    pt.series = s3;
    pt.nseries = 4;
    pt.y_from_zero = true;
    const scar_plot *plots[3] = {&pl, &pi, &pt};
    static const char *const stem[3] = {"scars", "improvement", "timecourse"};
    st = SCAR_OK;
    for (int q = 0; q < 3 && !st; q++)
        for (int e = 0; e < 2 && !st; e++) {
            snprintf(name, sizeof name, "%s.%s", stem[q], ext[e]);
            p = scar_path_join(ctx, dir, name);
            st = p ? scar_plot_write(ctx, plots[q], p, 900, 520) : SCAR_ENOMEM;
            free(p);
            p = NULL;
        }
done:
    free(x), free(v), free(im), free(dp), free(marks);
    free(td), free(te), free(tc), free(tf), free(tr);
    return st;
}

/* section_TYPE.png/svg: a cross-section through the first scar of each type,
 * before treatment and at the end, along x through its centre. */
static scar_status write_sections(scar_ctx *ctx, const char *dir, const scar_run_result *r)
{
    const scar_heightmap *a = r->surface_before, *b = r->surface_after;
    if (!a || !b || !r->scan_before)
        return SCAR_OK;
    size_t nx = a->nx;
    double *x = scar_malloc(ctx, nx * sizeof *x), *ya = scar_malloc(ctx, nx * sizeof *ya),
           *yb = scar_malloc(ctx, nx * sizeof *yb);
    scar_status st = x && ya && yb ? SCAR_OK : SCAR_ENOMEM;
    for (int type = 0; !st && type < SCAR_TYPE_COUNT; type++) {
        const scar_scar *sc = NULL;
        for (size_t k = 0; k < r->scan_before->scars.n && !sc; k++)
            if ((int)r->scan_before->scars.v[k].type == type)
                sc = &r->scan_before->scars.v[k];
        if (!sc)
            continue;
        double dx = a->dx_um * 1e-3, half = fmax(1.5 * sc->length_mm, 2.0);
        long j = (long)floor(sc->y_mm / (a->dy_um * 1e-3));
        if (j < 0 || j >= (long)a->ny)
            continue;
        size_t n = 0;
        for (size_t i = 0; i < nx; i++) {
            double xi = ((double)i + 0.5) * dx;
            if (fabs(xi - sc->x_mm) > half)
                continue;
            x[n] = xi;
            ya[n] = SCAR_HM_AT(a, i, j);
            yb[n++] = SCAR_HM_AT(b, i, j);
        }
        char title[96], name[64];
        snprintf(title, sizeof title, "Cross-section through a %s scar (y = %.1f mm)",
                 scar_type_name((scar_type)type), sc->y_mm);
        scar_plot_series ser[2] = {{.label = "before treatment", .x = x, .y = ya, .n = n},
                                   {.label = "end of follow-up", .x = x, .y = yb, .n = n,
                                    .dashed = true}};
        scar_plot pl = {.title = title, .x_label = "x (mm)", .y_label = "height (um)",
                        .series = ser, .nseries = 2, .note = SCAR_DISCLAIMER};
        static const char *const ext[2] = {"png", "svg"};
        for (int e = 0; e < 2 && !st; e++) {
            snprintf(name, sizeof name, "section_%s.%s", scar_type_name((scar_type)type), ext[e]);
            char *p = scar_path_join(ctx, dir, name);
            st = p ? scar_plot_write(ctx, &pl, p, 900, 460) : SCAR_ENOMEM;
            free(p);
        }
    }
    free(x);
    free(ya);
    free(yb);
    return st;
}

static scar_status make_skin(scar_ctx *ctx, const scar_scenario *sc, scar_heightmap **hm)
{
    if (sc->has_synth) {
        scar_scar_list truth = {0};
        scar_status st = scar_synth(ctx, &sc->synth, hm, &truth);
        scar_scar_list_clear(&truth);
        return st;
    }
    scar_read_opts ro;
    scar_read_opts_default(&ro);
    return scar_heightmap_read(ctx, sc->surface_path, &ro, hm);
}

scar_status scar_run(scar_ctx *ctx, const char *scenario_path, const char *out_dir,
                     bool seed_given, char **summary_text)
{
    return scar_run_with(ctx, scenario_path, out_dir, seed_given, NULL, summary_text);
}

scar_status scar_run_with(scar_ctx *ctx, const char *scenario_path, const char *out_dir,
                          bool seed_given, const scar_run_opts *opts, char **summary_text)
{
    *summary_text = NULL;
    scar_scenario *sc = NULL;
    scar_status st = scar_scenario_read(ctx, scenario_path, &sc);
    if (!st)
        st = scar_run_scenario(ctx, sc, out_dir, seed_given, opts, summary_text);
    scar_scenario_destroy(&sc);
    return st;
}

scar_status scar_run_scenario(scar_ctx *ctx, const scar_scenario *sc, const char *out_dir,
                              bool seed_given, const scar_run_opts *opts, char **summary_text)
{
    *summary_text = NULL;
    scar_heightmap *hm = NULL;
    scar_run_result *r = NULL;
    json_t *sum = NULL;
    scar_stage *stage = NULL;
    run_files F = {0};
    char *p = NULL;
    scar_status st;
    if (!seed_given && sc->has_seed)
        scar_ctx_set_seed(ctx, sc->seed);
    if ((st = make_skin(ctx, sc, &hm)) || (st = scar_stage_open(ctx, out_dir, &stage)))
        goto done;
    /* everything is written into the staging folder; the folder asked for
     * receives it only when the whole run has succeeded */
    out_dir = scar_stage_path(stage);
    F.dir = out_dir;
    scar_run_spec rs = {.surface = hm, .region = sc->region, .fitzpatrick = sc->fitzpatrick,
                        .age_y = sc->age_y, .protocol = sc->protocol, .dx_um = sc->dx_um,
                        .params = sc->params, .vti_days = sc->vti_days, .nvti = sc->nvti,
                        .snapshot = write_snapshot, .user = &F, .sample_days = 1.0,
                        .ckpt = opts, .snapshot_files = snapshot_files, .snapshot_dir = out_dir,
                        .snapshot_restored = snapshot_restored};
    if ((st = scar_run_course(ctx, &rs, &r)))
        goto done;
    sum = scar_run_summary_json(ctx, r, sc->params, sc->path);
    if (!sum) {
        st = scar_ctx_error(ctx)->status ? scar_ctx_error(ctx)->status : SCAR_ENOMEM;
        goto done;
    }
    if ((st = scar_run_summary_add_side_effects(ctx, sum, r, sc)))
        goto done;
    if ((st = scar_json_dumps(ctx, sum, summary_text)))
        goto done;
    if ((st = write_surfaces(ctx, out_dir, r)) || (st = write_plots(ctx, out_dir, r, sc)) ||
        (st = write_sections(ctx, out_dir, r)))
        goto done;
    if (F.nvti) {
        if (!(p = scar_path_join(ctx, out_dir, "tissue.pvd"))) {
            st = SCAR_ENOMEM;
            goto done;
        }
        if ((st = scar_write_pvd(ctx, p, (const char *const *)F.vti, F.vti_days, F.nvti)))
            goto done;
        free(p);
        p = NULL;
    }
#define WRITE(name, call)                                                                  \
    do {                                                                                   \
        if (!(p = scar_path_join(ctx, out_dir, name))) {                                             \
            st = SCAR_ENOMEM;                                                              \
            goto done;                                                                     \
        }                                                                                  \
        if ((st = (call)))                                                                 \
            goto done;                                                                     \
        free(p);                                                                           \
        p = NULL;                                                                          \
    } while (0)
    WRITE("timeseries.csv", scar_run_write_timeseries(ctx, r, p));
    WRITE("params.csv", scar_params_write_csv(ctx, sc->params, p));
    WRITE("report.html", scar_run_report_html(ctx, r, sc, out_dir, p));
    /* the summary last: its presence says the folder is complete */
    WRITE("summary.json", scar_json_write_file(ctx, sum, p));
#undef WRITE
    st = scar_stage_commit(ctx, &stage);
    /* the run is complete: its checkpoint has nothing left to give */
    if (!st && opts && opts->checkpoint)
        remove(opts->checkpoint);
done:
    scar_stage_abort(&stage);
    if (st) {
        free(*summary_text);
        *summary_text = NULL;
    }
    free(p);
    for (size_t i = 0; i < F.nvti; i++)
        free(F.vti[i]);
    free(F.vti);
    free(F.vti_days);
    json_decref(sum);
    scar_run_result_destroy(&r);
    scar_heightmap_destroy(&hm);
    return st;
}

scar_status scar_run_check(scar_ctx *ctx, const char *scenario_path, char **text)
{
    *text = NULL;
    scar_scenario *sc = NULL;
    scar_status st = scar_scenario_read(ctx, scenario_path, &sc);
    if (st)
        return st;
    const scar_protocol *pr = &sc->protocol;
    const scar_device *d = &pr->device;
    json_t *j = json_object(), *adj = json_array();
    json_object_set_new(j, "scenario", json_string(scenario_path));
    json_object_set_new(j, "skin", json_string(sc->has_synth ? "synth" : sc->surface_path));
    json_object_set_new(j, "region", json_string(sc->region->name));
    json_object_set_new(j, "fitzpatrick", json_integer(sc->fitzpatrick));
    json_object_set_new(j, "device", json_string(scar_device_name(d->kind)));
    json_object_set_new(j, "needle_mm", scar_json_real(d->needle_mm, 6));
    json_object_set_new(j, "penetration_mm", scar_json_real(d->f_pen * d->needle_mm, 6));
    json_object_set_new(j, "passes", json_integer(d->passes));
    json_object_set_new(j, "punctures_per_mm2", scar_json_real(scar_device_density(d), 4));
    json_object_set_new(j, "sessions", json_integer(pr->sessions));
    json_object_set_new(j, "interval_days", scar_json_real(pr->interval_days, 6));
    json_object_set_new(j, "follow_up_days", scar_json_real(pr->follow_up_days, 6));
    json_object_set_new(j, "end_day", scar_json_real(scar_protocol_end_day(pr), 6));
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        if (pr->adjunct[a])
            json_array_append_new(adj, json_string(scar_adjunct_name((scar_adjunct)a)));
    json_object_set_new(j, "adjuncts", adj);
    json_object_set_new(j, "dx_um", scar_json_real(sc->dx_um, 6));
    st = scar_json_dumps(ctx, j, text);
    json_decref(j);
    scar_scenario_destroy(&sc);
    return st;
}
