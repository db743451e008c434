/*
 * serve_jobs.h — the job table and queue of `scarsim serve` (serve_jobs.c):
 * runs and plans submitted through the web API, run by a fixed number of
 * worker threads (pthreads), each job with its own context, progress and
 * folder.  The queue holds at most max_queue jobs queued or running.
 */
#ifndef SCAR_SERVE_JOBS_H
#define SCAR_SERVE_JOBS_H

#include "json.h"
#include "plan_report.h"
#include "run_report.h"

typedef enum serve_job_kind { SERVE_JOB_RUN = 0, SERVE_JOB_PLAN } serve_job_kind;
typedef enum serve_job_state {
    SERVE_JOB_QUEUED = 0,
    SERVE_JOB_RUNNING,
    SERVE_JOB_DONE,
    SERVE_JOB_FAILED
} serve_job_state;

/* What a job runs; the job owns sc or pt once submitted. */
typedef struct serve_job_input {
    serve_job_kind kind;
    scar_scenario *sc; /* run */
    scar_patient *pt;  /* plan */
    scar_plan_opts opts; /* plan: with the seed to use */
    bool screen_only;
    uint64_t seed;   /* run: the context's seed ... */
    bool seed_given; /* ... and whether it wins over the scenario's */
} serve_job_input;

typedef struct serve_jobs serve_jobs;
typedef struct serve_job serve_job;

/* workers == 0: jobs are accepted and never run (validate-only). */
scar_status serve_jobs_create(scar_ctx *ctx, const char *dir, int workers, int threads,
                              int max_queue, bool paused, serve_jobs **out);
void serve_jobs_resume(serve_jobs *J);
/* See serve_stop. */
void serve_jobs_stop(serve_jobs *J);
void serve_jobs_destroy(serve_jobs **J); /* stops, joins the workers, frees */

/* Queues a job, taking in's scenario or patient (freed also on refusal):
 * the job's id, or 0 when the queue is full or the server is stopping.
 * held (may be NULL) receives the job, kept until serve_jobs_release, for
 * serve_jobs_wait. */
unsigned serve_jobs_submit(serve_jobs *J, serve_job_input *in, serve_job **held);
/* Waits until a held job is done or failed. */
void serve_jobs_wait(serve_jobs *J, serve_job *j);
/* A held job's outcome: its state, and a copy of its result JSON text (done)
 * or error line (failed) with the status it failed with; *stopped: it
 * failed because the server is stopping. */
serve_job_state serve_jobs_outcome(serve_jobs *J, serve_job *j, char **text, scar_status *st,
                                   bool *stopped);
void serve_jobs_release(serve_jobs *J, serve_job *j);

/* {"id", "kind", "state", "progress", "task", "elapsed_s", ...} of job id
 * (with "result" when full), NULL when there is no such job. */
json_t *serve_jobs_json(serve_jobs *J, unsigned id, bool full);
/* {"jobs": [...]}, newest first, without results. */
json_t *serve_jobs_list_json(serve_jobs *J);
/* The folder of job id when it is done (malloc'ed), else NULL. */
char *serve_jobs_done_dir(serve_jobs *J, unsigned id, serve_job_kind *kind);
/* Jobs queued, running, done and failed. */
void serve_jobs_counts(serve_jobs *J, int counts[4]);

#endif /* SCAR_SERVE_JOBS_H */
