/*
 * serve_sim.c — runs and plans in the web API: /api/run and /api/plan (the
 * answer waits for the job) and POST /api/jobs (answered at once with the
 * job's id).  Each input is validated before it is queued: the scenario or
 * patient is parsed by the command line's readers, so a bad one is refused
 * with the very line `scarsim run` or `scarsim plan` prints, a skin.surface
 * must name an upload, and a grid over --max-voxels is refused (422) from
 * its size alone, before anything is allocated.
 */
#include "serve_internal.h"

#include "tissue.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What a document from the web may name instead of a file. */
static scar_doc_files upload_files(serve_server *s)
{
    return (scar_doc_files){.resolve = serve_upload_resolve, .user = s,
                            .expected = "an upload id \"upload:ID\" returned by /api/scan or "
                                        "/api/synth"};
}

/* The voxel limit: false after a 422 answer naming field. */
static bool grid_fits(serve_server *s, const scar_region *r, const scar_params *p, double w_mm,
                      double h_mm, double dx_um, const char *field, serve_response *rs)
{
    scar_grid g;
    bool ok = scar_tissue_grid_size(r, p, w_mm, h_mm, 0.0, dx_um * 1e-3, &g);
    if (ok && g.n <= s->cfg.max_voxels)
        return true;
    /* the surface's raised points can only add layers: "at least" */
    serve_error_field(rs, 422, "limit", field,
                      "%s: expected a grid of at most %zu voxels (--max-voxels), found at least "
                      "%zu x %zu x %zu = %zu voxels at %g um: choose a larger %s or a smaller "
                      "skin",
                      field, s->cfg.max_voxels, g.nx, g.ny, g.nz, g.n, dx_um, field);
    return false;
}

/* Queues in; answers 202 with the job, or (wait) the job's result. */
static void submit(serve_server *s, serve_job_input *in, bool wait, serve_response *rs)
{
    wait = wait && !s->cfg.validate_only;
    serve_job *held = NULL;
    unsigned id = serve_jobs_submit(s->jobs, in, wait ? &held : NULL);
    if (!id) {
        serve_error(rs, 503, "busy", "expected at most %d jobs queued or running (--max-queue), "
                    "found the queue full or the server stopping: try again later",
                    s->cfg.max_queue);
        return;
    }
    if (!wait) {
        serve_json(rs, 202, serve_jobs_json(s->jobs, id, false));
        return;
    }
    serve_jobs_wait(s->jobs, held);
    char *text = NULL;
    scar_status st = SCAR_OK;
    bool stopped = false;
    serve_job_state state = serve_jobs_outcome(s->jobs, held, &text, &st, &stopped);
    serve_jobs_release(s->jobs, held);
    if (!text)
        serve_error(rs, 500, "nomem", "out of memory");
    else if (stopped)
        serve_error(rs, 503, "stopping", "%s: try again when it is back", text);
    else if (state == SERVE_JOB_DONE)
        serve_json_text(rs, 200, text);
    else
        serve_error(rs, st == SCAR_EINPUT ? 400 : 500, st == SCAR_EINPUT ? "input" : "internal",
                    "%s", text);
    free(text);
}

/* Parses a scenario and checks its grid; NULL after an answer. */
static scar_scenario *scenario(serve_server *s, const char *text, size_t len, const char *name,
                               serve_response *rs)
{
    scar_ctx *ctx = serve_ctx(s, rs);
    if (!ctx)
        return NULL;
    scar_doc_files files = upload_files(s);
    scar_scenario *sc = NULL;
    if (scar_scenario_parse(ctx, text, len, name, &files, &sc)) {
        serve_error_ctx(rs, 0, ctx);
    } else {
        double w = sc->synth.width_mm, h = sc->synth.height_mm;
        if (!sc->has_synth && !serve_upload_size(s, sc->surface_path, &w, &h))
            w = h = 0; /* replaced since: the run will say so */
        if (!grid_fits(s, sc->region, sc->params, w, h, sc->dx_um, "grid.dx_um", rs))
            scar_scenario_destroy(&sc);
    }
    scar_ctx_destroy(&ctx);
    return sc;
}

/* Parses a patient and checks the grid of its patch simulations; NULL
 * after an answer. */
static scar_patient *patient(serve_server *s, const char *text, size_t len, const char *name,
                             const scar_plan_opts *o, serve_response *rs)
{
    scar_ctx *ctx = serve_ctx(s, rs);
    if (!ctx)
        return NULL;
    scar_doc_files files = upload_files(s);
    scar_patient *pt = NULL;
    if (scar_patient_parse(ctx, text, len, name, &files, &pt))
        serve_error_ctx(rs, 0, ctx);
    else if (!grid_fits(s, pt->region, s->params, o->patch_mm, o->patch_mm, o->dx_um, "dx_um",
                        rs))
        scar_patient_destroy(&pt);
    scar_ctx_destroy(&ctx);
    return pt;
}

void serve_run(serve_server *s, const serve_request *rq, serve_response *rs)
{
    const char *name = serve_query_name(rq, rs, "scenario");
    serve_job_input in = {.kind = SERVE_JOB_RUN, .seed = s->cfg.seed,
                          .seed_given = s->cfg.seed_given};
    if (name && (in.sc = scenario(s, rq->body, rq->body_len, name, rs)))
        submit(s, &in, true, rs);
}

static void plan_numbers(double patients, double sweeps, double dx_um, scar_plan_opts *o)
{
    o->patients = (int)patients;
    o->max_sweeps = (int)sweeps;
    o->dx_um = dx_um;
}

void serve_plan(serve_server *s, const serve_request *rq, serve_response *rs)
{
    const char *name = serve_query_name(rq, rs, "patient");
    if (!name)
        return;
    scar_plan_opts o;
    scar_plan_opts_default(&o);
    double patients = o.patients, sweeps = o.max_sweeps, dx = o.dx_um, screen_only = 0;
    if (!serve_query_number(rq, rs, "patients", SCAR_PLAN_PATIENTS_MIN, SCAR_PLAN_PATIENTS_MAX,
                            true, &patients) ||
        !serve_query_number(rq, rs, "sweeps", SCAR_PLAN_SWEEPS_MIN, SCAR_PLAN_SWEEPS_MAX, true,
                            &sweeps) ||
        !serve_query_number(rq, rs, "dx_um", SCAR_COHORT_DX_UM_MIN, SCAR_COHORT_DX_UM_MAX, false,
                            &dx) ||
        !serve_query_number(rq, rs, "screen_only", 0, 1, true, &screen_only))
        return;
    plan_numbers(patients, sweeps, dx, &o);
    serve_job_input in = {.kind = SERVE_JOB_PLAN, .screen_only = screen_only != 0,
                          .seed = s->cfg.seed};
    if (!(in.pt = patient(s, rq->body, rq->body_len, name, &o, rs)))
        return;
    /* the patient's seed unless --seed was given, as `scarsim plan` */
    o.seed = in.pt->has_seed && !s->cfg.seed_given ? in.pt->seed : s->cfg.seed;
    in.opts = o;
    submit(s, &in, true, rs);
}

/* ---- POST /api/jobs ------------------------------------------------------------ */

/* The text of an embedded document: a string is the document itself (JSON
 * or YAML, positions as sent); an object is printed again with 2-space
 * indent in its own key order, and positions count in that text. */
static char *doc_text(const json_t *v)
{
    if (json_is_string(v))
        return strndup(json_string_value(v), json_string_length(v));
    return json_is_object(v) ? json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
}

/* A number member of the job in [lo, hi]: true with *out set (unchanged
 * when absent), false after a 400 answer. */
static bool member_number(const json_t *job, const char *key, double lo, double hi, bool integer,
                          double *out, serve_response *rs)
{
    const json_t *v = json_object_get(job, key);
    if (!v)
        return true;
    double x = json_is_number(v) ? json_number_value(v) : NAN;
    if (!(x >= lo && x <= hi) || (integer && !json_is_integer(v))) {
        serve_error_field(rs, 400, "input", key, "%s: expected %s %g to %g", key,
                          integer ? "an integer" : "a number", lo, hi);
        return false;
    }
    *out = x;
    return true;
}

void serve_jobs_post(serve_server *s, const serve_request *rq, serve_response *rs)
{
    static const char *const keys[] = {"kind",  "scenario", "patient",     "patients",
                                       "sweeps", "dx_um",   "screen_only", "name"};
    json_error_t jerr;
    json_t *job = json_loadb(rq->body ? rq->body : "", rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
    char *text = NULL;
    if (!job) {
        /* the command line's form of a bad document: request:LINE:COL: ... */
        scar_ctx *ctx = serve_ctx(s, rs);
        if (ctx) {
            SCAR_RAISE_AT(ctx, SCAR_EINPUT, "request", jerr.line, jerr.column, NULL,
                          "expected a JSON job, %s", jerr.text);
            serve_error_ctx(rs, 0, ctx);
        }
        scar_ctx_destroy(&ctx);
        return;
    }
    const char *key;
    json_t *val;
    json_object_foreach(job, key, val)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            known = known || strcmp(key, keys[i]) == 0;
        if (!known) {
            serve_error_field(rs, 400, "input", key, "%s: expected one of kind, scenario, "
                              "patient, patients, sweeps, dx_um, screen_only, name", key);
            goto done;
        }
    }
    const char *kind = json_string_value(json_object_get(job, "kind"));
    bool run = kind && strcmp(kind, "run") == 0, plan = kind && strcmp(kind, "plan") == 0;
    if (!run && !plan) {
        serve_error_field(rs, 400, "input", "kind", "kind: expected \"run\" or \"plan\"");
        goto done;
    }
    const char *doc = run ? "scenario" : "patient";
    const json_t *nv = json_object_get(job, "name");
    if (nv && !json_is_string(nv)) {
        serve_error_field(rs, 400, "input", "name", "name: expected a string");
        goto done;
    }
    serve_kv q = {"name", json_string_value(nv)};
    serve_request named = {.query = &q, .nquery = nv ? 1 : 0};
    const char *name = serve_query_name(&named, rs, doc);
    if (!name)
        goto done;
    if (!(text = doc_text(json_object_get(job, doc)))) {
        serve_error_field(rs, 400, "input", doc, "%s: expected the %s as an object or a string "
                          "(JSON or YAML)", doc, doc);
        goto done;
    }
    serve_job_input in = {.kind = run ? SERVE_JOB_RUN : SERVE_JOB_PLAN, .seed = s->cfg.seed,
                          .seed_given = s->cfg.seed_given};
    if (run) {
        if ((in.sc = scenario(s, text, strlen(text), name, rs)))
            submit(s, &in, false, rs);
        goto done;
    }
    scar_plan_opts o;
    scar_plan_opts_default(&o);
    double patients = o.patients, sweeps = o.max_sweeps, dx = o.dx_um;
    const json_t *so = json_object_get(job, "screen_only");
    if (so && !json_is_boolean(so)) {
        serve_error_field(rs, 400, "input", "screen_only", "screen_only: expected true or false");
        goto done;
    }
    if (!member_number(job, "patients", SCAR_PLAN_PATIENTS_MIN, SCAR_PLAN_PATIENTS_MAX, true,
                       &patients, rs) ||
        !member_number(job, "sweeps", SCAR_PLAN_SWEEPS_MIN, SCAR_PLAN_SWEEPS_MAX, true, &sweeps,
                       rs) ||
        !member_number(job, "dx_um", SCAR_COHORT_DX_UM_MIN, SCAR_COHORT_DX_UM_MAX, false, &dx,
                       rs))
        goto done;
    plan_numbers(patients, sweeps, dx, &o);
    in.screen_only = json_is_true(so);
    if (!(in.pt = patient(s, text, strlen(text), name, &o, rs)))
        goto done;
    o.seed = in.pt->has_seed && !s->cfg.seed_given ? in.pt->seed : s->cfg.seed;
    in.opts = o;
    submit(s, &in, false, rs);
done:
    free(text);
    json_decref(job);
}
