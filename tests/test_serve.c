/*
 * test_serve.c — the web API of `scarsim serve` driven through serve_handle,
 * without sockets: status codes, one-line errors equal to the command
 * line's, the limits (413, 415, 422, 503), paths that must not leave their
 * folder, and jobs that run and give the numbers `scarsim run` gives.
 */
#include "testutil.h"

#include "serve.h"

#include <jansson.h>
#include <pthread.h>
#include <unistd.h>
#include <time.h>

static char dir[512];  /* scratch: web/, work/, files */
static char web[600], work[600];

/* A tiny course: seconds on one thread. */
static const char tiny[] =
    "{\"skin\": {\"synth\": {\"scars\": {\"icepick\": 1}, \"size_mm\": [3, 3], \"px_um\": 50,\n"
    "                     \"seed\": 1}, \"region\": \"cheek\", \"fitzpatrick\": 3},\n"
    " \"protocol\": {\"device\": \"pen\", \"needle_mm\": 0.5, \"sessions\": 1,\n"
    "              \"follow_up_weeks\": 1},\n"
    " \"grid\": {\"dx_um\": 100}}\n";

static int setup(void **state)
{
    (void)state;
    tu_tmpdir(dir, sizeof dir);
    snprintf(web, sizeof web, "%s/web", dir);
    snprintf(work, sizeof work, "%s/work", dir);
    char p[700];
    if (mkdir(web, 0700) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/index.html", web);
    tu_write(p, "<!doctype html><title>scarsim</title>", 37);
    snprintf(p, sizeof p, "%s/app.js", web);
    tu_write(p, "export {};\n", 11);
    /* a link that leads out of the web folder must not be followed */
    snprintf(p, sizeof p, "%s/outside", web);
    if (symlink("/etc/hostname", p) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static serve_config config(void)
{
    return (serve_config){.web_dir = web, .work_dir = work, .workers = 1, .threads = 1,
                          .max_upload_bytes = 8u << 20, .max_voxels = 8000000, .max_queue = 16,
                          .seed = 1};
}

static serve_server *start(const serve_config *cfg)
{
    scar_ctx *ctx = scar_ctx_create();
    serve_server *s = NULL;
    assert_int_equal(serve_create(ctx, cfg, &s), SCAR_OK);
    scar_ctx_destroy(&ctx);
    return s;
}

static void stop(serve_server **s)
{
    serve_stop(*s);
    serve_destroy(s);
    assert_null(*s);
}

/* One request; the answer's JSON (NULL when it is not JSON) in *j. */
static int call(serve_server *s, const char *method, const char *path, const char *qkey,
                const char *qval, const char *body, size_t len, json_t **j,
                serve_response *keep)
{
    serve_kv q = {qkey, qval};
    serve_request rq = {.method = method, .path = path, .query = &q, .nquery = qkey ? 1 : 0,
                        .body = body, .body_len = len};
    serve_response rs;
    serve_handle(s, &rq, &rs);
    assert_non_null(rs.content_type);
    if (j)
        *j = json_loadb(rs.body, rs.len, 0, NULL);
    int status = rs.status;
    if (keep)
        *keep = rs;
    else
        serve_response_free(&rs);
    return status;
}

static int post(serve_server *s, const char *path, const char *body, json_t **j)
{
    return call(s, "POST", path, NULL, NULL, body, strlen(body), j, NULL);
}

static int get(serve_server *s, const char *path, json_t **j)
{
    return call(s, "GET", path, NULL, NULL, NULL, 0, j, NULL);
}

static const char *str(const json_t *j, const char *key)
{
    const char *v = json_string_value(json_object_get(j, key));
    return v ? v : "";
}

static void test_health(void **state)
{
    (void)state;
    serve_config cfg = config();
    serve_server *s = start(&cfg);
    json_t *j;
    assert_int_equal(get(s, "/api/health", &j), 200);
    assert_string_equal(str(j, "status"), "ok");
    assert_string_equal(str(j, "version"), SCAR_VERSION);
    assert_string_equal(str(j, "disclaimer"), SCAR_DISCLAIMER);
    json_t *lim = json_object_get(j, "limits");
    assert_int_equal(json_integer_value(json_object_get(lim, "max_upload_bytes")), 8 << 20);
    assert_int_equal(json_integer_value(json_object_get(lim, "max_queue")), 16);
    assert_non_null(json_object_get(json_object_get(j, "jobs"), "queued"));
    json_decref(j);
    stop(&s);
}

static void test_options(void **state)
{
    (void)state;
    serve_config cfg = config();
    serve_server *s = start(&cfg);
    json_t *j;
    assert_int_equal(get(s, "/api/options", &j), 200);
    json_t *devs = json_object_get(j, "devices");
    assert_int_equal(json_array_size(devs), 6);
    bool pen = false, home = false;
    for (size_t i = 0; i < json_array_size(devs); i++) {
        json_t *d = json_array_get(devs, i), *r = json_object_get(d, "needle_mm");
        double lo = json_real_value(json_object_get(r, "min")),
               hi = json_real_value(json_object_get(r, "max")),
               def = json_real_value(json_object_get(r, "default"));
        assert_true(lo > 0 && lo <= def && def <= hi);
        assert_true(str(d, "label")[0] != '\0');
        pen = pen || strcmp(str(d, "name"), "pen") == 0;
        if (strcmp(str(d, "name"), "home_roller") == 0) {
            home = json_is_true(json_object_get(d, "home"));
            assert_true(hi <= 0.5);
        }
    }
    assert_true(pen && home);
    json_t *regs = json_object_get(j, "regions");
    bool cheek = false;
    for (size_t i = 0; i < json_array_size(regs); i++) {
        json_t *r = json_array_get(regs, i);
        if (strcmp(str(r, "name"), "cheek") == 0) {
            cheek = true;
            assert_true(json_real_value(json_object_get(r, "max_needle_mm")) == 2.0);
            assert_true(strlen(str(r, "source")) > 0);
        }
    }
    assert_true(cheek);
    assert_int_equal(json_array_size(json_object_get(j, "adjuncts")), 9);
    assert_int_equal(json_array_size(json_object_get(j, "scar_types")), 4);
    json_decref(j);
    stop(&s);
}

static void test_bad_json(void **state)
{
    (void)state;
    serve_config cfg = config();
    serve_server *s = start(&cfg);
    json_t *j;
    assert_int_equal(post(s, "/api/jobs", "{\"kind\": \"run\",\n \"scenario\": }", &j), 400);
    assert_int_equal(json_integer_value(json_object_get(j, "line")), 2);
    assert_true(json_integer_value(json_object_get(j, "col")) > 0);
    assert_string_equal(str(j, "status"), "input");
    assert_non_null(strstr(str(j, "error"), "request:2:"));
    json_decref(j);
    assert_int_equal(call(s, "POST", "/api/run", "name", "scenario.json", "{\"skin\": ", 9, &j,
                          NULL),
                     400);
    assert_true(json_integer_value(json_object_get(j, "line")) >= 1);
    assert_true(json_integer_value(json_object_get(j, "col")) >= 1);
    json_decref(j);
    stop(&s);
}

/* The CLI's line for a bad scenario: scarsim run prints "scarsim run: "
 * and scar_error_format of the file named "scenario". */
static void test_invalid_scenario_matches_cli(void **state)
{
    (void)state;
    static const char bad[] = "{\"skin\": {\"synth\": {}, \"fitzpatrick\": 3},\n"
                              " \"protocol\": {\"device\": \"laser\", \"needle_mm\": 1, "
                              "\"sessions\": 1}}\n";
    char old[512], line[2048];
    assert_non_null(getcwd(old, sizeof old));
    assert_int_equal(chdir(dir), 0);
    tu_write("scenario", bad, sizeof bad - 1);
    scar_ctx *ctx = scar_ctx_create();
    char *settings = NULL;
    assert_int_equal(scar_run_check(ctx, "scenario", &settings), SCAR_EINPUT);
    assert_null(settings);
    scar_error_format(scar_ctx_error(ctx), line, sizeof line);
    scar_ctx_destroy(&ctx);
    const char *bin = getenv("SCARSIM");
    if (bin) {
        /* the command line itself, when make unit gives its path */
        char cmd[1024], out[2048] = "";
        snprintf(cmd, sizeof cmd, "'%s' run scenario --out x 2>&1", bin);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        assert_non_null(fgets(out, sizeof out, p));
        pclose(p);
        out[strcspn(out, "\n")] = '\0';
        assert_true(strncmp(out, "scarsim run: ", 13) == 0);
        assert_string_equal(out + 13, line);
    }
    assert_int_equal(chdir(old), 0);

    serve_config cfg = config();
    serve_server *s = start(&cfg);
    json_t *j;
    assert_int_equal(post(s, "/api/run", bad, &j), 400);
    assert_string_equal(str(j, "error"), line);
    assert_non_null(strstr(line, "scenario:2:"));
    assert_string_equal(str(j, "field"), "protocol.device");
    json_decref(j);
    /* the same through /api/jobs, the scenario sent as text */
    json_t *job = json_pack("{s:s, s:s}", "kind", "run", "scenario", bad);
    char *text = json_dumps(job, 0);
    assert_int_equal(post(s, "/api/jobs", text, &j), 400);
    assert_string_equal(str(j, "error"), line);
    json_decref(j);
    free(text);
    json_decref(job);
    stop(&s);
}

static void test_unknown_path_and_method(void **state)
{
    (void)state;
    serve_config cfg = config();
    serve_server *s = start(&cfg);
    json_t *j;
    assert_int_equal(get(s, "/api/nothing", &j), 404);
    assert_string_equal(str(j, "status"), "not_found");
    json_decref(j);
    assert_int_equal(get(s, "/api/jobs/999", NULL), 404);
    assert_int_equal(get(s, "/api/jobs/x1", NULL), 404);
    assert_int_equal(get(s, "/no/such/file.js", NULL), 404);
    serve_response rs;
    assert_int_equal(call(s, "DELETE", "/api/health", NULL, NULL, NULL, 0, NULL, &rs), 405);
    assert_string_equal(rs.allow, "GET, HEAD");
    serve_response_free(&rs);
    assert_int_equal(call(s, "GET", "/api/run", NULL, NULL, NULL, 0, NULL, &rs), 405);
    assert_string_equal(rs.allow, "POST");
    serve_response_free(&rs);
    assert_int_equal(call(s, "PUT", "/api/jobs", NULL, NULL, NULL, 0, NULL, &rs), 405);
    assert_string_equal(rs.allow, "GET, HEAD, POST");
    serve_response_free(&rs);
    assert_int_equal(call(s, "POST", "/index.html", NULL, NULL, NULL, 0, NULL, &rs), 405);
    assert_string_equal(rs.allow, "GET, HEAD");
    serve_response_free(&rs);
    stop(&s);
}

static void test_static_files_stay_inside(void **state)
{
    (void)state;
    serve_config cfg = config();
    serve_server *s = start(&cfg);
    serve_response rs;
    assert_int_equal(call(s, "GET", "/", NULL, NULL, NULL, 0, NULL, &rs), 200);
    assert_string_equal(rs.content_type, "text/html; charset=utf-8");
    assert_int_equal(rs.len, 37);
    serve_response_free(&rs);
    assert_int_equal(call(s, "GET", "/app.js", NULL, NULL, NULL, 0, NULL, &rs), 200);
    assert_non_null(strstr(rs.content_type, "javascript"));
    serve_response_free(&rs);
    const char *bad[] = {"/../Makefile", "/..", "/a/../../x", "/./index.html", "/outside",
                         "//etc/passwd", "/%2e%2e/x", "/web\\..\\x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(get(s, bad[i], NULL), 404);
    stop(&s);
    /* no web folder: GET / says how to make it */
    cfg.web_dir = "/nonexistent/web";
    s = start(&cfg);
    json_t *j;
    assert_int_equal(get(s, "/", &j), 404);
    assert_non_null(strstr(str(j, "error"), "make web"));
    json_decref(j);
    stop(&s);
}

static void test_surface_must_be_an_upload(void **state)
{
    (void)state;
    serve_config cfg = config();
    serve_server *s = start(&cfg);
    static const char form[] = "{\"skin\": {\"surface\": \"%s\", \"fitzpatrick\": 3},\n"
                               " \"protocol\": {\"device\": \"pen\", \"needle_mm\": 1, "
                               "\"sessions\": 1}}";
    /* a path on the server, a relative one, and an upload id never given */
    const char *names[] = {"/etc/passwd", "../Makefile", "upload:u77", "upload:", "upload:u0"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char body[512];
        snprintf(body, sizeof body, form, names[i]);
        json_t *j;
        assert_int_equal(post(s, "/api/run", body, &j), 400);
        assert_string_equal(str(j, "field"), "skin.surface");
        assert_non_null(strstr(str(j, "error"), "upload:ID"));
        json_decref(j);
    }
    stop(&s);
}

static void test_limits_413_415_422(void **state)
{
    (void)state;
    serve_config cfg = config();
    cfg.max_upload_bytes = 1000;
    cfg.max_voxels = 1000;
    serve_server *s = start(&cfg);
    char big[2000];
    memset(big, ' ', sizeof big);
    json_t *j;
    assert_int_equal(call(s, "POST", "/api/scan", "name", "skin.gsf", big, sizeof big, &j, NULL),
                     413);
    assert_string_equal(str(j, "status"), "too_large");
    json_decref(j);
    assert_int_equal(call(s, "POST", "/api/scan", "name", "skin.doc", "x", 1, &j, NULL), 415);
    assert_string_equal(str(j, "status"), "format");
    json_decref(j);
    assert_int_equal(post(s, "/api/run", tiny, &j), 422);
    assert_string_equal(str(j, "field"), "grid.dx_um");
    assert_non_null(strstr(str(j, "error"), "30 x 30 x"));
    json_decref(j);
    /* a synthetic skin larger than an upload may be */
    assert_int_equal(post(s, "/api/synth", "{\"size_mm\": [20, 20], \"px_um\": 10}", &j), 422);
    assert_string_equal(str(j, "field"), "px_um");
    json_decref(j);
    /* a bad query number */
    assert_int_equal(call(s, "POST", "/api/plan", "patients", "1", "{}", 2, &j, NULL), 400);
    assert_string_equal(str(j, "field"), "patients");
    json_decref(j);
    stop(&s);
}

static void test_queue_full(void **state)
{
    (void)state;
    serve_config cfg = config();
    cfg.max_queue = 1;
    cfg.paused = true;
    serve_server *s = start(&cfg);
    json_t *job = json_pack("{s:s, s:s}", "kind", "run", "scenario", tiny), *j;
    char *text = json_dumps(job, 0);
    assert_int_equal(post(s, "/api/jobs", text, &j), 202);
    assert_string_equal(str(j, "state"), "queued");
    assert_string_equal(str(j, "url"), "/api/jobs/1");
    json_decref(j);
    assert_int_equal(post(s, "/api/jobs", text, &j), 503);
    assert_string_equal(str(j, "status"), "busy");
    json_decref(j);
    assert_int_equal(get(s, "/api/jobs", &j), 200);
    assert_int_equal(json_array_size(json_object_get(j, "jobs")), 1);
    json_decref(j);
    free(text);
    json_decref(job);
    stop(&s); /* the queued job fails, nothing leaks */
}

/* A request waiting for its job when the server stops is told to come
 * back (503), not that the simulation failed. */
typedef struct waiter {
    serve_server *s;
    int status;
    json_t *j;
} waiter;

static void *sync_run(void *arg)
{
    waiter *w = arg;
    w->status = post(w->s, "/api/run", tiny, &w->j);
    return NULL;
}

static void test_stop_while_waiting(void **state)
{
    (void)state;
    serve_config cfg = config();
    cfg.paused = true;
    serve_server *s = start(&cfg);
    waiter w = {.s = s};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, sync_run, &w), 0);
    json_t *j = NULL;
    for (int i = 0; i < 500; i++) { /* until the run is queued (at most 5 s) */
        assert_int_equal(get(s, "/api/jobs", &j), 200);
        size_t n = json_array_size(json_object_get(j, "jobs"));
        json_decref(j);
        if (n)
            break;
        usleep(10000);
    }
    serve_stop(s);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(w.status, 503);
    assert_string_equal(str(w.j, "status"), "stopping");
    assert_non_null(strstr(str(w.j, "error"), "the server is stopping"));
    json_decref(w.j);
    serve_destroy(&s);
}

/* Polls a job until it is done or failed (at most a minute). */
static json_t *wait_job(serve_server *s, const char *url)
{
    for (int k = 0; k < 600; k++) {
        json_t *j;
        assert_int_equal(get(s, url, &j), 200);
        const char *st = str(j, "state");
        if (strcmp(st, "done") == 0 || strcmp(st, "failed") == 0)
            return j;
        json_decref(j);
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
    fail_msg("job %s did not finish in a minute", url);
    return NULL;
}

/* summary.json without what may differ between two runs of one scenario:
 * the timings and the scenario's name. */
static void strip(json_t *sum)
{
    json_object_del(sum, "performance");
    json_object_del(sum, "scenario");
}

static void test_run_job_files_and_numbers(void **state)
{
    (void)state;
    serve_config cfg = config();
    serve_server *s = start(&cfg);
    json_t *job = json_pack("{s:s, s:s}", "kind", "run", "scenario", tiny), *j;
    char *text = json_dumps(job, 0);
    assert_int_equal(post(s, "/api/jobs", text, &j), 202);
    char url[64];
    snprintf(url, sizeof url, "%s", str(j, "url"));
    json_decref(j);
    j = wait_job(s, url);
    assert_string_equal(str(j, "state"), "done");
    json_t *files = json_object_get(j, "files"), *result = json_object_get(j, "result");
    bool summary = false, end = false;
    for (size_t i = 0; i < json_array_size(files); i++) {
        const char *f = json_string_value(json_array_get(files, i));
        summary = summary || strcmp(f, "summary.json") == 0;
        end = end || strcmp(f, "surface_end.gsf") == 0;
    }
    assert_true(summary && end);
    assert_int_equal(json_array_size(json_object_get(result, "sessions")), 1);

    /* the numbers of `scarsim run` on the same scenario and seed */
    char path[700], out[700];
    snprintf(path, sizeof path, "%s/tiny.json", dir);
    snprintf(out, sizeof out, "%s/tiny-out", dir);
    tu_write(path, tiny, sizeof tiny - 1);
    scar_ctx *ctx = scar_ctx_create();
    scar_ctx_set_threads(ctx, 1);
    char *cli = NULL;
    assert_int_equal(scar_run(ctx, path, out, false, &cli), SCAR_OK);
    scar_ctx_destroy(&ctx);
    json_t *want = json_loads(cli, 0, NULL), *got = json_deep_copy(result);
    strip(want);
    strip(got);
    assert_true(json_equal(want, got));
    json_decref(want);
    json_decref(got);
    free(cli);

    char f[128];
    serve_response rs;
    snprintf(f, sizeof f, "%s/files/summary.json", url);
    assert_int_equal(call(s, "GET", f, NULL, NULL, NULL, 0, NULL, &rs), 200);
    assert_string_equal(rs.content_type, "application/json");
    serve_response_free(&rs);
    snprintf(f, sizeof f, "%s/files/report.html", url);
    assert_int_equal(call(s, "GET", f, NULL, NULL, NULL, 0, NULL, &rs), 200);
    assert_string_equal(rs.content_type, "text/html; charset=utf-8");
    serve_response_free(&rs);
    snprintf(f, sizeof f, "%s/files/../summary.json", url);
    assert_int_equal(get(s, f, NULL), 404);
    snprintf(f, sizeof f, "%s/files/nothing.csv", url);
    assert_int_equal(get(s, f, NULL), 404);
    json_t *sf;
    snprintf(f, sizeof f, "%s/surface/surface_end", url);
    assert_int_equal(get(s, f, &sf), 200);
    size_t nx = (size_t)json_integer_value(json_object_get(sf, "nx")),
           ny = (size_t)json_integer_value(json_object_get(sf, "ny"));
    assert_true(nx > 0 && nx <= 256 && ny > 0 && ny <= 256);
    assert_int_equal(json_array_size(json_object_get(sf, "z_um")), nx * ny);
    json_decref(sf);
    snprintf(f, sizeof f, "%s/surface/..", url);
    assert_int_equal(get(s, f, NULL), 404);
    assert_int_equal(get(s, "/api/jobs/1/files/../../../Makefile", NULL), 404);
    json_decref(j);
    free(text);
    json_decref(job);
    stop(&s);
}

static void test_sync_run_and_upload(void **state)
{
    (void)state;
    serve_config cfg = config();
    serve_server *s = start(&cfg);
    json_t *j;
    assert_int_equal(post(s, "/api/run", tiny, &j), 200);
    const char *keys[] = {"sessions", "final", "collagen_change_pct", "epidermis_change_pct"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(j, keys[i]));
    json_decref(j);

    /* a synthetic skin, stored as an upload, then run as skin.surface */
    assert_int_equal(post(s, "/api/synth",
                          "{\"scars\": {\"icepick\": 1}, \"size_mm\": [4, 4], \"px_um\": 50, "
                          "\"seed\": 3}",
                          &j),
                     200);
    char upload[64];
    snprintf(upload, sizeof upload, "upload:%s", str(j, "upload"));
    assert_true(strncmp(str(j, "picture"), "data:image/png;base64,iVBOR", 27) == 0);
    assert_non_null(json_object_get(json_object_get(j, "scan"), "goodman_baron"));
    assert_non_null(json_object_get(j, "truth"));
    json_t *sf = json_object_get(j, "surface");
    assert_int_equal(json_array_size(json_object_get(sf, "z_um")),
                     json_integer_value(json_object_get(sf, "nx")) *
                         json_integer_value(json_object_get(sf, "ny")));
    json_decref(j);
    char body[512];
    snprintf(body, sizeof body,
             "{\"skin\": {\"surface\": \"%s\", \"fitzpatrick\": 2},\n"
             " \"protocol\": {\"device\": \"pen\", \"needle_mm\": 0.5, \"sessions\": 1, "
             "\"follow_up_weeks\": 1}, \"grid\": {\"dx_um\": 100}}",
             upload);
    assert_int_equal(post(s, "/api/run", body, &j), 200);
    assert_int_equal(json_array_size(json_object_get(j, "sessions")), 1);
    json_decref(j);

    /* a bad upload: the error names the client's file, not the stored one */
    assert_int_equal(call(s, "POST", "/api/scan", "name", "mine.gsf", "nope", 4, &j, NULL), 400);
    assert_non_null(strstr(str(j, "error"), "mine.gsf"));
    assert_null(strstr(str(j, "error"), work));
    json_decref(j);
    stop(&s);
}

/* A map of two samples: the picture's colour bar once looped for ever on
 * it (a tick step below the spacing of doubles; found by fuzz_api). */
static void test_flat_scan_picture(void **state)
{
    (void)state;
    serve_config cfg = config();
    serve_server *s = start(&cfg);
    serve_kv q[2] = {{"name", "flat.csv"}, {"px_um", "50"}};
    serve_request rq = {.method = "POST", .path = "/api/scan", .query = q, .nquery = 2,
                        .body = "0,1", .body_len = 3};
    serve_response rs;
    serve_handle(s, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_non_null(strstr(rs.body, "data:image/png;base64,"));
    serve_response_free(&rs);
    stop(&s);
}

static void test_plan_screen_only(void **state)
{
    (void)state;
    serve_config cfg = config();
    serve_server *s = start(&cfg);
    static const char pt[] = "{\"age\": 28, \"fitzpatrick\": 3, \"region\": \"cheek\",\n"
                             " \"skin\": {\"scars\": {\"boxcar\": 2}}}";
    json_t *j;
    assert_int_equal(call(s, "POST", "/api/plan", "screen_only", "1", pt, sizeof pt - 1, &j,
                          NULL),
                     200);
    assert_true(json_is_true(json_object_get(j, "candidate")));
    assert_non_null(json_object_get(j, "plans"));
    json_decref(j);
    assert_int_equal(post(s, "/api/plan", "{\"age\": 5}", &j), 400);
    assert_string_equal(str(j, "file"), "patient");
    json_decref(j);
    assert_int_equal(post(s, "/api/jobs", "{\"kind\": \"plan\", \"patient\": {\"age\": 5}}", &j),
                     400);
    json_decref(j);
    assert_int_equal(post(s, "/api/jobs", "{\"kind\": \"paint\"}", &j), 400);
    assert_string_equal(str(j, "field"), "kind");
    json_decref(j);
    stop(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_bad_json),
        cmocka_unit_test(test_invalid_scenario_matches_cli),
        cmocka_unit_test(test_unknown_path_and_method),
        cmocka_unit_test(test_static_files_stay_inside),
        cmocka_unit_test(test_surface_must_be_an_upload),
        cmocka_unit_test(test_limits_413_415_422),
        cmocka_unit_test(test_queue_full),
        cmocka_unit_test(test_stop_while_waiting),
        cmocka_unit_test(test_run_job_files_and_numbers),
        cmocka_unit_test(test_sync_run_and_upload),
        cmocka_unit_test(test_flat_scan_picture),
        cmocka_unit_test(test_plan_screen_only),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
