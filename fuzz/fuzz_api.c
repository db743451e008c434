/*
 * fuzz_api.c — libFuzzer harness for the web API of `scarsim serve`
 * (src/app/serve*.c): fuzzed method, path, query and body go to
 * serve_handle, as libmicrohttpd would hand them over.
 *
 * The server runs validate-only: jobs are parsed, checked and queued but
 * never run, and uploads go to a scratch work folder removed at exit.
 * The scan's picture draws text with cairo, whose fontconfig keeps caches
 * it never frees: run with tests/lsan.supp (make fuzz-run does).  Each
 * answer must have a known status, a content type, and for a JSON answer a
 * document that parses; an error must be one line.  Anything else aborts.
 *
 * Input: byte 0 picks the method; then the path up to '\n', the query
 * ("k=v&k=v", no decoding) up to the next '\n', and the rest is the body.
 */
#include "fuzz_common.h"

#include "serve.h"

#include <jansson.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);

static serve_server *server;
static char web_dir[128], work_dir[128];

static void cleanup(void)
{
    serve_stop(server);
    serve_destroy(&server);
    scar_remove_tree(work_dir);
    char p[160];
    snprintf(p, sizeof p, "%s/index.html", web_dir);
    unlink(p);
    rmdir(web_dir);
    rmdir(fz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_scratch_init();
    snprintf(web_dir, sizeof web_dir, "%s/web", fz_dir);
    snprintf(work_dir, sizeof work_dir, "%s/work", fz_dir);
    char p[160];
    snprintf(p, sizeof p, "%s/index.html", web_dir);
    FILE *f = NULL;
    if (mkdir(web_dir, 0700) != 0 || !(f = fopen(p, "w")))
        fz_die("setup", "cannot make the web folder");
    fputs("<!doctype html><title>fuzz</title>\n", f);
    fclose(f);
    serve_config cfg = {.web_dir = web_dir, .work_dir = work_dir, .workers = 1, .threads = 1,
                        .max_upload_bytes = 64u << 10, .max_voxels = 200000, .max_queue = 4,
                        .seed = 1, .validate_only = true};
    scar_ctx *ctx = scar_ctx_create();
    if (!ctx || serve_create(ctx, &cfg, &server))
        fz_die("setup", "cannot start the server");
    scar_ctx_destroy(&ctx);
    atexit(cleanup);
    return 0;
}

/* The next line of [*p, end) as a NUL-terminated copy (freed by the caller). */
static char *take_line(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t n = (size_t)((nl ? nl : end) - *p);
    char *s = malloc(n + 1);
    if (!s)
        fz_die("setup", "out of memory");
    memcpy(s, *p, n);
    s[n] = '\0';
    *p = nl ? nl + 1 : end;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"};
    if (size == 0)
        return 0;
    const uint8_t *p = data + 1, *end = data + size;
    const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
    char *path = take_line(&p, end), *qs = take_line(&p, end);
    serve_kv kv[8];
    size_t nq = 0;
    for (char *save = NULL, *t = strtok_r(qs, "&", &save); t && nq < 8;
         t = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(t, '=');
        if (eq)
            *eq = '\0';
        kv[nq++] = (serve_kv){t, eq ? eq + 1 : ""};
    }
    serve_request rq = {.method = method, .path = path, .query = kv, .nquery = nq,
                        .body = (const char *)p, .body_len = (size_t)(end - p)};
    serve_response rs;
    serve_handle(server, &rq, &rs);
    static const int known[] = {200, 202, 400, 404, 405, 413, 415, 422, 503};
    bool ok = false;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok = ok || rs.status == known[i];
    char what[64];
    snprintf(what, sizeof what, "%s status %d", method, rs.status);
    if (!ok) {
        fprintf(stderr, "%.*s\n", (int)(rs.len < 2000 ? rs.len : 2000), rs.body ? rs.body : "");
        fz_die(what, "an unexpected status");
    }
    if (!rs.content_type || !rs.body)
        fz_die(what, "an answer without a content type or body");
    if (rs.status == 405 && !rs.allow)
        fz_die(what, "405 without Allow");
    if (strcmp(rs.content_type, "application/json") == 0) {
        json_t *j = json_loadb(rs.body, rs.len, 0, NULL);
        if (!j)
            fz_die(what, "a JSON answer that does not parse");
        const char *err = json_string_value(json_object_get(j, "error"));
        if (rs.status >= 400 && (!err || !*err || strchr(err, '\n')))
            fz_die(what, "an error answer without one line of error");
        json_decref(j);
    }
    serve_response_free(&rs);
    free(path);
    free(qs);
    return 0;
}
