/*
 * serve.h — the web API of `scarsim serve` (docs/serve.md,
 * /work/api-contract.md) as a function of a request: serve_handle takes the
 * method, the path, the decoded query and the body, and fills a response.
 * No sockets: serve_http.c feeds it from libmicrohttpd, and the unit test and
 * the fuzz harness call it directly.  It may be called from many threads at
 * once; /api/run and /api/plan block until their job is done.
 */
#ifndef SCAR_SERVE_H
#define SCAR_SERVE_H

#include "scarsim.h"

typedef struct serve_config {
    const char *web_dir;     /* the static files (index.html, ...) */
    const char *work_dir;    /* an existing folder: uploads/ and jobs/ go here */
    int workers;             /* simulations at once (>= 1) */
    int threads;             /* threads of each simulation (0: all cores) */
    size_t max_upload_bytes; /* a request body above it: 413 */
    size_t max_voxels;       /* a simulation grid above it: 422 */
    int max_queue;           /* jobs queued or running; above: 503 */
    uint64_t seed;           /* --seed (the command line's default: 1) ... */
    bool seed_given;         /* ... given: it wins over a scenario's or patient's */
    /* no job ever runs: they are validated and stay queued (the fuzz
     * harness; /api/run and /api/plan answer 202 instead of waiting) */
    bool validate_only;
    /* the workers wait for serve_resume (tests fill the queue with it) */
    bool paused;
} serve_config;

/* A decoded query argument (?key=value). */
typedef struct serve_kv {
    const char *key, *value;
} serve_kv;

typedef struct serve_request {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* decoded, without the query: "/api/jobs/3" */
    const serve_kv *query;
    size_t nquery;
    const char *body; /* may hold NULs; need not be NUL-terminated */
    size_t body_len;
} serve_request;

typedef struct serve_response {
    int status;               /* HTTP status */
    const char *content_type; /* a constant string */
    const char *allow;        /* 405: the methods the path takes; else NULL */
    char *body;               /* malloc'ed */
    size_t len;
} serve_response;

typedef struct serve_server serve_server;

/* Starts the job workers; the folders under work_dir are made here.
 * Errors go to ctx. */
scar_status serve_create(scar_ctx *ctx, const serve_config *cfg, serve_server **out);
/* Stops the workers (a running simulation is cancelled at its next step,
 * queued jobs fail with "the server is stopping") and wakes every request
 * waiting for a job; then requests answer 503.  serve_destroy calls it. */
void serve_stop(serve_server *s);
void serve_destroy(serve_server **s); /* accepts NULL; after serve_stop */
/* Lets paused workers start (serve_config.paused). */
void serve_resume(serve_server *s);

/* Answers one request; never fails (an internal failure is a 500 answer). */
void serve_handle(serve_server *s, const serve_request *rq, serve_response *rs);
void serve_response_free(serve_response *rs);

/* The headers every answer carries, and those of an HTML page. */
#define SERVE_NOSNIFF "nosniff"
#define SERVE_CSP                                                                                  \
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'"

#endif /* SCAR_SERVE_H */
