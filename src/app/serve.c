/*
 * serve.c — the web API's router (docs/serve.md): which handler answers a
 * method and path, the answers every handler shares (JSON, one-line
 * errors), /api/health, /api/options, the job endpoints, the job files and
 * the static files of the page.
 *
 * Paths never leave their folder: a static path or a job file name holding
 * ".." or a control character is refused before any file is opened, and a
 * static file's real path (symbolic links resolved) must lie inside the web
 * folder.
 */
#include "serve_internal.h"

#include "cli.h"
#include "params.h"
#include "safety.h"
#include "scar_git_hash.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- answers ---------------------------------------------------------------- */

void serve_json(serve_response *rs, int status, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))
                   : NULL;
    json_decref(j);
    free(rs->body);
    rs->body = text;
    rs->len = text ? strlen(text) : 0;
    rs->status = text ? status : 500;
    rs->content_type = "application/json";
    if (!text) {
        static const char oom[] = "{\"error\": \"out of memory\", \"status\": \"nomem\"}";
        rs->body = strdup(oom);
        rs->len = rs->body ? sizeof oom - 1 : 0;
    }
}

void serve_json_text(serve_response *rs, int status, const char *text)
{
    free(rs->body);
    rs->body = strdup(text);
    rs->len = rs->body ? strlen(text) : 0;
    rs->status = rs->body ? status : 500;
    rs->content_type = "application/json";
}

/* A JSON string of s; bytes that are not UTF-8 (a path or a name echoed
 * from the request, cut short) become '?'. */
static json_t *text_json(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char *t = strdup(s);
    if (!t)
        return NULL;
    for (unsigned char *c = (unsigned char *)t; *c; c++)
        if (*c >= 0x80)
            *c = '?';
    j = json_string(t);
    free(t);
    return j;
}

static void verror(serve_response *rs, int status, const char *kind, const char *field,
                   const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    json_t *o = json_object();
    scar_jb b = {true};
    scar_jb_put(&b, o, "error", text_json(msg));
    scar_jb_put(&b, o, "status", json_string(kind));
    if (field)
        scar_jb_put(&b, o, "field", text_json(field));
    if (!b.ok) {
        json_decref(o);
        o = NULL;
    }
    serve_json(rs, status, o);
}

void serve_error(serve_response *rs, int status, const char *kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(rs, status, kind, NULL, fmt, ap);
    va_end(ap);
}

void serve_error_field(serve_response *rs, int status, const char *kind, const char *field,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(rs, status, kind, field, fmt, ap);
    va_end(ap);
}

static const char *status_kind(scar_status st)
{
    switch (st) {
    case SCAR_EUSAGE: return "usage";
    case SCAR_EINPUT: return "input";
    case SCAR_ENOMEM: return "nomem";
    case SCAR_EIO: return "io";
    default: return "internal";
    }
}

void serve_error_ctx(serve_response *rs, int status, const scar_ctx *ctx)
{
    const scar_error *e = scar_ctx_error(ctx);
    char line[2048];
    scar_error_format(e, line, sizeof line);
    if (!status)
        status = e->status == SCAR_EINPUT || e->status == SCAR_EUSAGE ? 400 : 500;
    json_t *o = json_object();
    scar_jb b = {true};
    scar_jb_put(&b, o, "error", text_json(line[0] ? line : scar_status_name(e->status)));
    scar_jb_put(&b, o, "status", json_string(status_kind(e->status)));
    if (e->file[0])
        scar_jb_put(&b, o, "file", text_json(e->file));
    if (e->line > 0)
        scar_jb_put(&b, o, "line", json_integer(e->line));
    if (e->col > 0)
        scar_jb_put(&b, o, "col", json_integer(e->col));
    if (e->field[0])
        scar_jb_put(&b, o, "field", text_json(e->field));
    if (!b.ok) {
        json_decref(o);
        o = NULL;
    }
    serve_json(rs, status, o);
}

const char *serve_query(const serve_request *rq, const char *key)
{
    for (size_t i = 0; i < rq->nquery; i++)
        if (rq->query[i].key && strcmp(rq->query[i].key, key) == 0)
            return rq->query[i].value ? rq->query[i].value : "";
    return NULL;
}

bool serve_query_number(const serve_request *rq, serve_response *rs, const char *key, double lo,
                        double hi, bool integer, double *out)
{
    const char *v = serve_query(rq, key);
    if (!v)
        return true;
    double x = NAN;
    long n = 0;
    if (integer && cli_parse_long(v, &n))
        x = (double)n;
    else if (!integer && !cli_parse_double(v, &x))
        x = NAN;
    if (!(x >= lo && x <= hi)) {
        serve_error_field(rs, 400, "input", key, "%s: expected %s %g to %g, found '%.64s'", key,
                          integer ? "an integer" : "a number", lo, hi, v);
        return false;
    }
    *out = x;
    return true;
}

const char *serve_query_name(const serve_request *rq, serve_response *rs, const char *def)
{
    const char *v = serve_query(rq, "name");
    if (!v)
        return def;
    bool ok = v[0] && strlen(v) <= 128 && strcmp(v, ".") != 0 && strcmp(v, "..") != 0;
    for (const char *c = v; ok && *c; c++)
        ok = !iscntrl((unsigned char)*c) && *c != '/' && *c != '\\';
    json_t *utf8 = ok ? json_string(v) : NULL; /* NULL: not UTF-8 */
    json_decref(utf8);
    if (!utf8) {
        serve_error_field(rs, 400, "input", "name",
                          "name: expected a UTF-8 file name of 1 to 128 characters without '/', "
                          "'\\' or control characters");
        return NULL;
    }
    return v;
}

scar_ctx *serve_ctx(const serve_server *s, serve_response *rs)
{
    scar_ctx *ctx = scar_ctx_create();
    if (!ctx)
        serve_error(rs, 500, "nomem", "out of memory");
    else
        scar_ctx_set_threads(ctx, s->cfg.threads);
    return ctx;
}

void serve_response_free(serve_response *rs)
{
    free(rs->body);
    memset(rs, 0, sizeof *rs);
}

/* ---- the server ------------------------------------------------------------ */

scar_status serve_create(scar_ctx *ctx, const serve_config *cfg, serve_server **out)
{
    *out = NULL;
    serve_server *s = scar_calloc(ctx, 1, sizeof *s);
    if (!s)
        return SCAR_ENOMEM;
    s->cfg = *cfg;
    s->next_upload = 1;
    pthread_mutex_init(&s->mu, NULL);
    /* a missing web folder is not fatal: the API works, GET / says what to do */
    s->web_dir = cfg->web_dir ? realpath(cfg->web_dir, NULL) : NULL;
    scar_status st = SCAR_ENOMEM;
    if (!(s->uploads_dir = scar_path_join(ctx, cfg->work_dir, "uploads")) ||
        !(s->jobs_dir = scar_path_join(ctx, cfg->work_dir, "jobs")))
        goto fail;
    if ((st = scar_mkdir_p(ctx, s->uploads_dir)) || (st = scar_params_create(ctx, &s->params)) ||
        (st = serve_jobs_create(ctx, s->jobs_dir, cfg->validate_only ? 0 : cfg->workers,
                                cfg->threads, cfg->max_queue, cfg->paused, &s->jobs)))
        goto fail;
    *out = s;
    return SCAR_OK;
fail:
    serve_destroy(&s);
    return st;
}

void serve_stop(serve_server *s)
{
    if (s && s->jobs)
        serve_jobs_stop(s->jobs);
}

void serve_resume(serve_server *s) { serve_jobs_resume(s->jobs); }

void serve_destroy(serve_server **ps)
{
    if (!ps || !*ps)
        return;
    serve_server *s = *ps;
    serve_jobs_destroy(&s->jobs);
    serve_uploads_free(s);
    scar_params_destroy(&s->params);
    pthread_mutex_destroy(&s->mu);
    free(s->web_dir);
    free(s->uploads_dir);
    free(s->jobs_dir);
    free(s);
    *ps = NULL;
}

/* ---- health and options ---------------------------------------------------- */

static void health(serve_server *s, serve_response *rs)
{
    int c[4];
    serve_jobs_counts(s->jobs, c);
    const serve_config *k = &s->cfg;
    serve_json(rs, 200,
               json_pack("{s:s, s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i}, s:{s:I, s:I, s:i, s:i, "
                         "s:i}}",
                         "status", "ok", "version", SCAR_VERSION, "git", SCAR_GIT_HASH,
                         "disclaimer", SCAR_DISCLAIMER, "jobs", "queued", c[0], "running", c[1],
                         "done", c[2], "failed", c[3], "limits", "max_upload_bytes",
                         (json_int_t)k->max_upload_bytes, "max_voxels",
                         (json_int_t)k->max_voxels, "max_queue", k->max_queue, "workers",
                         k->workers, "threads", k->threads));
}

static json_t *range(double lo, double hi)
{
    return json_pack("{s:o, s:o}", "min", scar_json_real(lo, 6), "max", scar_json_real(hi, 6));
}

static json_t *range_default(double lo, double hi, double def)
{
    json_t *r = range(lo, hi);
    if (r)
        json_object_set_new(r, "default", scar_json_real(def, 6));
    return r;
}

/* The longest needle of a region's row of the pen chart (safety.csv), or
 * NaN when the chart has no row for it. */
static double chart_max_mm(const scar_se_row *row)
{
    double m = NAN;
    for (int i = 0; row && i < row->nv; i++)
        if (!(row->v[i].hi <= m))
            m = row->v[i].hi;
    return m;
}

static void options(serve_server *s, serve_response *rs)
{
    scar_jb b = {true};
    json_t *o = json_object(), *devs = json_array(), *regs = json_array(), *adjs = json_array(),
           *types = json_array();
    for (int k = 0; k < SCAR_DEV_COUNT; k++) {
        scar_device d;
        scar_device_default((scar_device_kind)k, s->params, &d);
        bool home = k == SCAR_DEV_HOME_ROLLER;
        double hi = home ? SCAR_SCENARIO_HOME_ROLLER_MAX_MM : SCAR_SCENARIO_NEEDLE_MM_MAX;
        json_t *dv = json_object();
        scar_jb_put(&b, dv, "name", json_string(scar_device_name(d.kind)));
        scar_jb_put(&b, dv, "label", json_string(scar_plan_device_label(d.kind)));
        scar_jb_put(&b, dv, "needle_mm",
                    range_default(SCAR_SCENARIO_NEEDLE_MM_MIN, hi, fmin(d.needle_mm, hi)));
        scar_jb_put(&b, dv, "passes_default", json_integer(d.passes));
        scar_jb_put(&b, dv, "home", json_boolean(home));
        scar_jb_put(&b, dv, "thermal", json_boolean(scar_device_is_thermal(&d)));
        scar_jb_push(&b, devs, dv);
    }
    for (size_t i = 0; i < scar_region_count(); i++) {
        const scar_region *r = scar_region_at(i);
        const scar_se_row *row = scar_se_evidence(scar_se_region_chart(r->name));
        double mx = chart_max_mm(row);
        json_t *rv = json_object();
        scar_jb_put(&b, rv, "name", json_string(r->name));
        scar_jb_put(&b, rv, "max_needle_mm", isnan(mx) ? json_null() : scar_json_real(mx, 6));
        scar_jb_put(&b, rv, "chart", scar_json_str(row ? row->value : NULL));
        scar_jb_put(&b, rv, "source", scar_json_str(row ? row->cited : NULL));
        scar_jb_put(&b, rv, "epidermis_mm", scar_json_real(r->h_e0_mm, 6));
        scar_jb_put(&b, rv, "dermis_mm", scar_json_real(r->h_d0_mm, 6));
        scar_jb_put(&b, rv, "layers_source", scar_json_str(r->source));
        scar_jb_push(&b, regs, rv);
    }
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        scar_jb_push(&b, adjs,
                     json_pack("{s:s, s:s}", "name", scar_adjunct_name((scar_adjunct)a), "label",
                               scar_plan_adjunct_label((scar_adjunct)a)));
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        scar_jb_push(&b, types, json_string(scar_type_name((scar_type)t)));
    double h_mm = 0, dt_sess = 0;
    scar_params_get(s->params, "h", &h_mm);
    scar_params_get(s->params, "dt_sess", &dt_sess);
    scar_synth_spec sy;
    scar_synth_spec_default(&sy);
    scar_plan_opts po;
    scar_plan_opts_default(&po);
    json_t *synth = json_object(), *plan = json_object();
    scar_jb_put(&b, synth, "size_mm", range(SCAR_SYNTH_SIZE_MM_MIN, SCAR_SYNTH_SIZE_MM_MAX));
    scar_jb_put(&b, synth, "px_um",
                range_default(SCAR_SYNTH_PX_UM_MIN, SCAR_SYNTH_PX_UM_MAX, sy.px_um));
    scar_jb_put(&b, synth, "max_scars_per_type", json_integer(SCAR_SYNTH_MAX_SCARS));
    scar_jb_put(&b, plan, "patients",
                range_default(SCAR_PLAN_PATIENTS_MIN, SCAR_PLAN_PATIENTS_MAX, po.patients));
    scar_jb_put(&b, plan, "sweeps",
                range_default(SCAR_PLAN_SWEEPS_MIN, SCAR_PLAN_SWEEPS_MAX, po.max_sweeps));
    scar_jb_put(&b, plan, "dx_um",
                range_default(SCAR_COHORT_DX_UM_MIN, SCAR_COHORT_DX_UM_MAX, po.dx_um));
    scar_jb_put(&b, o, "devices", devs);
    scar_jb_put(&b, o, "regions", regs);
    scar_jb_put(&b, o, "adjuncts", adjs);
    scar_jb_put(&b, o, "scar_types", types);
    scar_jb_put(&b, o, "fitzpatrick", range(1, SCAR_SCENARIO_FITZPATRICK_MAX));
    scar_jb_put(&b, o, "sessions", range(0, SCAR_SCENARIO_MAX_SESSIONS));
    scar_jb_put(&b, o, "interval_weeks",
                range_default(SCAR_SCENARIO_INTERVAL_WEEKS_MIN, SCAR_SCENARIO_INTERVAL_WEEKS_MAX,
                              dt_sess / 7.0));
    scar_jb_put(&b, o, "follow_up_weeks",
                range_default(0, SCAR_SCENARIO_FOLLOW_UP_WEEKS_MAX,
                              SCAR_SCENARIO_FOLLOW_UP_WEEKS_DEFAULT));
    scar_jb_put(&b, o, "dx_um",
                range_default(SCAR_SCENARIO_DX_UM_MIN, SCAR_SCENARIO_DX_UM_MAX, 1000.0 * h_mm));
    scar_jb_put(&b, o, "synth", synth);
    scar_jb_put(&b, o, "plan", plan);
    if (!b.ok) {
        json_decref(o);
        o = NULL;
    }
    serve_json(rs, 200, o);
}

/* ---- files ------------------------------------------------------------------ */

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } tab[] = {{"html", "text/html; charset=utf-8"},
               {"js", "text/javascript; charset=utf-8"},
               {"mjs", "text/javascript; charset=utf-8"},
               {"css", "text/css; charset=utf-8"},
               {"json", "application/json"},
               {"png", "image/png"},
               {"svg", "image/svg+xml"},
               {"ico", "image/x-icon"},
               {"csv", "text/csv; charset=utf-8"},
               {"txt", "text/plain; charset=utf-8"},
               {"md", "text/plain; charset=utf-8"},
               {"vti", "application/xml"},
               {"pvd", "application/xml"},
               {"woff2", "font/woff2"},
               {"wasm", "application/wasm"}};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof tab / sizeof tab[0]; i++)
        if (strcasecmp(dot + 1, tab[i].ext) == 0)
            return tab[i].type;
    return "application/octet-stream"; /* .gsf and anything else: download */
}

/* A file's bytes as the answer; false when it cannot be read. */
static bool answer_file(serve_response *rs, const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 0) {
        if (f)
            fclose(f);
        return false;
    }
    size_t n = (size_t)sb.st_size;
    char *buf = malloc(n ? n : 1);
    bool ok = buf && fread(buf, 1, n, f) == n;
    fclose(f);
    if (!ok) {
        free(buf);
        return false;
    }
    free(rs->body);
    rs->body = buf;
    rs->len = n;
    rs->status = 200;
    rs->content_type = content_type(path);
    return true;
}

/* A path segment that cannot leave its folder: no "..", no control
 * characters, no backslash; slash only when subdirs. */
static bool safe_rel(const char *p, bool subdirs)
{
    if (!p[0])
        return false;
    for (const char *c = p; *c; c++)
        if (iscntrl((unsigned char)*c) || *c == '\\' || (*c == '/' && !subdirs))
            return false;
    for (const char *seg = p; seg;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 0 || (seg[0] == '.' && (n == 1 || (n == 2 && seg[1] == '.'))))
            return false;
        seg = end ? end + 1 : NULL;
    }
    return true;
}

static void static_file(serve_server *s, const char *path, serve_response *rs)
{
    const char *rel = strcmp(path, "/") == 0 ? "index.html" : path + 1;
    if (!s->web_dir) {
        serve_error(rs, 404, "not_found",
                    "the page's folder %s is missing: run `make web` (or give --web DIR)",
                    s->cfg.web_dir ? s->cfg.web_dir : "(none)");
        return;
    }
    if (!safe_rel(rel, true)) {
        serve_error(rs, 404, "not_found", "no such file: %.200s", path);
        return;
    }
    char *joined = scar_path_join(NULL, s->web_dir, rel);
    char *real = joined ? realpath(joined, NULL) : NULL;
    size_t n = strlen(s->web_dir);
    bool inside = real && strncmp(real, s->web_dir, n) == 0 && real[n] == '/';
    if (!inside || !answer_file(rs, real)) {
        if (strcmp(rel, "index.html") == 0)
            serve_error(rs, 404, "not_found",
                        "the page %s/index.html is missing: run `make web` (or give --web DIR)",
                        s->web_dir);
        else
            serve_error(rs, 404, "not_found", "no such file: %.200s", path);
    }
    free(joined);
    free(real);
}

/* ---- jobs ------------------------------------------------------------------- */

/* "123" -> 123; 0 when it is not a job id. */
static unsigned parse_id(const char *p, size_t n)
{
    if (n == 0 || n > 9)
        return 0;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = 10 * v + (unsigned)(p[i] - '0');
    }
    return v;
}

/* /api/jobs/ID[/files/NAME | /surface/NAME] */
static void job_route(serve_server *s, const serve_request *rq, const char *rest,
                      serve_response *rs)
{
    const char *slash = strchr(rest, '/');
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    unsigned id = parse_id(rest, n);
    if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
        rs->allow = "GET, HEAD";
        serve_error(rs, 405, "method", "%s: expected GET, found %.16s", rq->path, rq->method);
        return;
    }
    if (!id) {
        serve_error(rs, 404, "not_found", "no such job: %.64s", rest);
        return;
    }
    if (!slash) {
        json_t *j = serve_jobs_json(s->jobs, id, true);
        if (j)
            serve_json(rs, 200, j);
        else
            serve_error(rs, 404, "not_found", "no such job: %u", id);
        return;
    }
    bool files = strncmp(slash, "/files/", 7) == 0, surface = strncmp(slash, "/surface/", 9) == 0;
    const char *name = files ? slash + 7 : surface ? slash + 9 : NULL;
    if (!name || !safe_rel(name, false) || name[0] == '.') {
        serve_error(rs, 404, "not_found", "no such path: %.200s", rq->path);
        return;
    }
    serve_job_kind kind;
    char *dir = serve_jobs_done_dir(s->jobs, id, &kind);
    if (!dir)
        serve_error(rs, 404, "not_found", "job %u: expected a job that is done, found none", id);
    else if (surface && kind != SERVE_JOB_RUN)
        serve_error(rs, 404, "not_found", "job %u: surfaces belong to run jobs", id);
    else if (surface)
        serve_job_surface(s, dir, name, rs);
    else {
        char *p = scar_path_join(NULL, dir, name);
        if (!p || !answer_file(rs, p))
            serve_error(rs, 404, "not_found", "job %u: no file %.128s", id, name);
        free(p);
    }
    free(dir);
}

/* ---- the router ------------------------------------------------------------ */

typedef struct route {
    const char *path;
    const char *method; /* the one method it takes */
    void (*handle)(serve_server *s, const serve_request *rq, serve_response *rs);
} route;

static void get_health(serve_server *s, const serve_request *rq, serve_response *rs)
{
    (void)rq;
    health(s, rs);
}

static void get_options(serve_server *s, const serve_request *rq, serve_response *rs)
{
    (void)rq;
    options(s, rs);
}

static void get_jobs(serve_server *s, const serve_request *rq, serve_response *rs)
{
    (void)rq;
    serve_json(rs, 200, serve_jobs_list_json(s->jobs));
}

static const route routes[] = {
    {"/api/health", "GET", get_health}, {"/api/options", "GET", get_options},
    {"/api/scan", "POST", serve_scan},  {"/api/synth", "POST", serve_synth},
    {"/api/run", "POST", serve_run},    {"/api/plan", "POST", serve_plan},
    {"/api/jobs", "GET", get_jobs},     {"/api/jobs", "POST", serve_jobs_post},
};

void serve_handle(serve_server *s, const serve_request *rq, serve_response *rs)
{
    memset(rs, 0, sizeof *rs);
    const char *path = rq->path ? rq->path : "", *method = rq->method ? rq->method : "";
    if (rq->body_len > s->cfg.max_upload_bytes) {
        serve_error(rs, 413, "too_large", "expected a request of at most %zu bytes "
                    "(--max-upload-mb), found %zu bytes", s->cfg.max_upload_bytes, rq->body_len);
        return;
    }
    /* HEAD is answered as GET; the HTTP layer sends no body */
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0) {
        char allow[64] = "";
        for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
            if (strcmp(path, routes[i].path) != 0)
                continue;
            bool is_get = strcmp(routes[i].method, "GET") == 0;
            if (strcmp(method, routes[i].method) == 0 || (is_get && get)) {
                routes[i].handle(s, rq, rs);
                return;
            }
            size_t n = strlen(allow);
            snprintf(allow + n, sizeof allow - n, "%s%s", n ? ", " : "",
                     is_get ? "GET, HEAD" : routes[i].method);
        }
        if (allow[0]) {
            /* one of the static Allow strings, so the answer owns nothing */
            rs->allow = strcmp(allow, "GET, HEAD") == 0    ? "GET, HEAD"
                        : strcmp(allow, "POST") == 0        ? "POST"
                                                            : "GET, HEAD, POST";
            serve_error(rs, 405, "method", "%s: expected %s, found %.16s", path, rs->allow,
                        method);
            return;
        }
        if (strncmp(path, "/api/jobs/", 10) == 0) {
            job_route(s, rq, path + 10, rs);
            return;
        }
        serve_error(rs, 404, "not_found", "no such path: %.200s", path);
        return;
    }
    if (!get) {
        rs->allow = "GET, HEAD";
        serve_error(rs, 405, "method", "%.200s: expected GET, found %.16s", path, method);
        return;
    }
    if (path[0] != '/') {
        serve_error(rs, 404, "not_found", "no such path: %.200s", path);
        return;
    }
    static_file(s, path, rs);
}
