/*
 * serve_internal.h — what the files of the web API share (app layer):
 * serve.c routes and answers health, options, static and job files;
 * serve_skin.c stores and scans skins (/api/scan, /api/synth, surfaces);
 * serve_sim.c validates and queues runs and plans.
 */
#ifndef SCAR_SERVE_INTERNAL_H
#define SCAR_SERVE_INTERNAL_H

#include "serve.h"
#include "serve_jobs.h"

#include <pthread.h>

/* Uploads kept; the oldest is deleted when a new one comes (a client cannot
 * fill the disk with them). */
#define SERVE_MAX_UPLOADS 64

typedef struct serve_upload {
    unsigned id;  /* "u<id>"; 0: a free slot */
    char *name;   /* the name the client gave ("skin.gsf") */
    char *path;   /* work/uploads/u<id>.<ext> */
    double w_mm, h_mm; /* the field's size, for the grid limit */
} serve_upload;

struct serve_server {
    serve_config cfg;
    char *web_dir;  /* realpath of cfg.web_dir; NULL when it does not exist */
    char *uploads_dir, *jobs_dir;
    serve_jobs *jobs;
    scar_params *params; /* the default model parameters */
    pthread_mutex_t mu;  /* guards uploads */
    serve_upload uploads[SERVE_MAX_UPLOADS];
    unsigned next_upload;
};

/* ---- answers (serve.c) ---------------------------------------------------- */

/* A JSON answer; takes j (NULL: a 500 answer). */
void serve_json(serve_response *rs, int status, json_t *j);
/* A JSON text answer (copied). */
void serve_json_text(serve_response *rs, int status, const char *text);
/* {"error": MESSAGE, "status": KIND} */
void serve_error(serve_response *rs, int status, const char *kind, const char *fmt, ...)
    SCAR_PRINTF(4, 5);
/* The same with "field". */
void serve_error_field(serve_response *rs, int status, const char *kind, const char *field,
                       const char *fmt, ...) SCAR_PRINTF(5, 6);
/* The context's error as the command line prints it after "scarsim CMD: ",
 * with "file", "line", "col" and "field" where known; the HTTP status from
 * the error's status (400 for bad input, else 500) unless status != 0. */
void serve_error_ctx(serve_response *rs, int status, const scar_ctx *ctx);
/* The value of query argument key, or NULL. */
const char *serve_query(const serve_request *rq, const char *key);
/* Query argument key as a number in [lo, hi] (integer when integer):
 * true with *out set (unchanged when absent), or false after a 400 answer. */
bool serve_query_number(const serve_request *rq, serve_response *rs, const char *key, double lo,
                        double hi, bool integer, double *out);
/* ?name=...: a document or file name for messages, or def; NULL after a 400
 * answer (control characters, '/' or more than 128 bytes). */
const char *serve_query_name(const serve_request *rq, serve_response *rs, const char *def);
/* A new context with the server's thread count; NULL after a 500 answer. */
scar_ctx *serve_ctx(const serve_server *s, serve_response *rs);

/* ---- skins (serve_skin.c) -------------------------------------------------- */

void serve_scan(serve_server *s, const serve_request *rq, serve_response *rs);
void serve_synth(serve_server *s, const serve_request *rq, serve_response *rs);
/* GET /api/jobs/ID/surface/NAME: NAME.gsf of a done run's folder. */
void serve_job_surface(serve_server *s, const char *dir, const char *name, serve_response *rs);
/* The stored file of "upload:ID" (malloc'ed), or NULL (scar_doc_files). */
char *serve_upload_resolve(void *server, const char *text);
/* The field size of the upload stored at path: false when none is. */
bool serve_upload_size(serve_server *s, const char *path, double *w_mm, double *h_mm);
void serve_uploads_free(serve_server *s);

/* ---- runs and plans (serve_sim.c) ------------------------------------------ */

void serve_run(serve_server *s, const serve_request *rq, serve_response *rs);
void serve_plan(serve_server *s, const serve_request *rq, serve_response *rs);
void serve_jobs_post(serve_server *s, const serve_request *rq, serve_response *rs);

#endif /* SCAR_SERVE_INTERNAL_H */
