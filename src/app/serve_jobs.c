/*
 * serve_jobs.c — the job table and queue of `scarsim serve`.
 *
 * One mutex guards the table; workers wait on `work` for a queued job, and
 * requests waiting for a job (/api/run, /api/plan) wait on `done`.  A job
 * runs on its own context: its progress callback records the fraction and
 * the task under the mutex, and its cancel callback reads the job's flag,
 * which serve_jobs_stop raises so a shutdown does not wait for a long
 * simulation.  The numbers are those of `scarsim run` and `scarsim plan`:
 * the same library calls (scar_run_scenario, scar_plan_make) with the same
 * default seed.
 */
#include "serve_jobs.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Finished jobs remembered (the oldest are forgotten; their folders stay
 * until the work folder is removed). */
#define KEEP_FINISHED 256

struct serve_job {
    unsigned id;
    serve_job_kind kind;
    serve_job_state state;
    double progress;
    char task[64];
    double t_queued, t_start, t_end;
    scar_status status;
    char error[2048];
    char *result; /* JSON text (done) */
    json_t *files; /* the folder's file names (done) */
    char *dir;
    serve_job_input in;
    atomic_bool cancel;
    int refs; /* requests holding it */
    serve_jobs *owner;
    serve_job *next; /* newer to older */
};

struct serve_jobs {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    serve_job *list; /* newest first */
    unsigned next_id;
    int counts[4];
    int max_queue, threads;
    bool stopping, paused;
    char *dir;
    pthread_t *workers;
    int nworkers;
};

static const char *const kind_names[] = {"run", "plan"};
static const char *const state_names[] = {"queued", "running", "done", "failed"};

static void input_free(serve_job_input *in)
{
    scar_scenario_destroy(&in->sc);
    scar_patient_destroy(&in->pt);
}

static void job_free(serve_job *j)
{
    input_free(&j->in);
    free(j->result);
    json_decref(j->files);
    free(j->dir);
    free(j);
}

static void set_state(serve_jobs *J, serve_job *j, serve_job_state s)
{
    J->counts[j->state]--;
    J->counts[s]++;
    j->state = s;
}

/* ---- the callbacks a job's context calls -------------------------------- */

static void job_progress(void *user, const char *task, double fraction)
{
    serve_job *j = user;
    pthread_mutex_lock(&j->owner->mu);
    j->progress = fraction < 0 ? 0 : fraction > 1 ? 1 : fraction;
    scar_strlcpy(j->task, task ? task : "", sizeof j->task);
    pthread_mutex_unlock(&j->owner->mu);
}

static bool job_cancelled(void *user)
{
    serve_job *j = user;
    return atomic_load(&j->cancel);
}

/* ---- running a job -------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The plain files of a job's folder, sorted. */
static json_t *list_files(const char *dir)
{
    json_t *arr = json_array();
    DIR *d = opendir(dir);
    if (!arr || !d) {
        if (d)
            closedir(d);
        return arr;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = scar_path_join(NULL, dir, e->d_name);
        struct stat sb;
        bool plain = p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
        free(p);
        if (!plain)
            continue;
        if (n == cap) {
            size_t c = cap ? 2 * cap : 32;
            char **v = realloc(names, c * sizeof *v);
            if (!v)
                break;
            names = v, cap = c;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, json_string(names[i]));
        free(names[i]);
    }
    free(names);
    return arr;
}

/* Runs j (not under the mutex): the result text, or the error in *st and
 * err. */
static char *run_job(serve_jobs *J, serve_job *j, scar_status *st, char *err, size_t n)
{
    char *text = NULL;
    scar_ctx *ctx = scar_ctx_create();
    if (!ctx) {
        *st = SCAR_ENOMEM;
        scar_strlcpy(err, "out of memory", n);
        return NULL;
    }
    /* the seed as the command line sets it, so a job's numbers are those
     * of `scarsim run` and `scarsim plan` on the same input and --seed */
    scar_ctx_set_seed(ctx, j->in.seed);
    scar_ctx_set_threads(ctx, J->threads);
    scar_ctx_set_progress(ctx, job_progress, j);
    scar_ctx_set_cancel(ctx, job_cancelled, j);
    if (j->kind == SERVE_JOB_RUN) {
        *st = scar_run_scenario(ctx, j->in.sc, j->dir, j->in.seed_given, NULL, &text);
    } else {
        scar_plan_made *m = NULL;
        *st = scar_plan_make(ctx, j->in.pt, &j->in.opts, j->in.screen_only, j->dir, &m);
        if (!*st) {
            json_t *pj = scar_plan_to_json(ctx, &m->doc);
            *st = pj ? scar_json_dumps(ctx, pj, &text) : SCAR_ENOMEM;
            json_decref(pj);
        }
        scar_plan_made_destroy(&m);
    }
    if (*st) {
        const scar_error *e = scar_ctx_error(ctx);
        scar_error_format(e, err, n);
        if (!err[0])
            scar_strlcpy(err, scar_status_name(*st), n);
    }
    scar_ctx_destroy(&ctx);
    return text;
}

/* Forgets the oldest finished jobs beyond KEEP_FINISHED that no request
 * holds.  Under the mutex. */
static void trim(serve_jobs *J)
{
    int finished = 0;
    for (serve_job **pp = &J->list; *pp;) {
        serve_job *j = *pp;
        bool over = j->state >= SERVE_JOB_DONE && ++finished > KEEP_FINISHED;
        if (over && j->refs == 0) {
            J->counts[j->state]--;
            *pp = j->next;
            job_free(j);
        } else {
            pp = &j->next;
        }
    }
}

/* The oldest queued job, or NULL.  Under the mutex. */
static serve_job *oldest_queued(serve_jobs *J)
{
    serve_job *found = NULL;
    for (serve_job *j = J->list; j; j = j->next)
        if (j->state == SERVE_JOB_QUEUED)
            found = j;
    return found;
}

static void *worker(void *arg)
{
    serve_jobs *J = arg;
    pthread_mutex_lock(&J->mu);
    for (;;) {
        serve_job *j = NULL;
        while (!J->stopping && (J->paused || !(j = oldest_queued(J))))
            pthread_cond_wait(&J->work, &J->mu);
        if (J->stopping)
            break;
        set_state(J, j, SERVE_JOB_RUNNING);
        j->t_start = scar_now_s();
        j->refs++;
        pthread_mutex_unlock(&J->mu);

        scar_status st = SCAR_OK;
        char err[sizeof j->error];
        err[0] = '\0';
        char *text = run_job(J, j, &st, err, sizeof err);
        json_t *files = st ? NULL : list_files(j->dir);

        pthread_mutex_lock(&J->mu);
        input_free(&j->in); /* the parsed input is not needed any more */
        j->t_end = scar_now_s();
        j->status = st;
        if (st) {
            scar_strlcpy(j->error, err, sizeof j->error);
            set_state(J, j, SERVE_JOB_FAILED);
            free(text);
        } else {
            j->result = text;
            j->files = files;
            j->progress = 1.0;
            set_state(J, j, SERVE_JOB_DONE);
        }
        j->refs--;
        trim(J);
        pthread_cond_broadcast(&J->done);
    }
    pthread_mutex_unlock(&J->mu);
    return NULL;
}

/* ---- the table ------------------------------------------------------------ */

scar_status serve_jobs_create(scar_ctx *ctx, const char *dir, int workers, int threads,
                              int max_queue, bool paused, serve_jobs **out)
{
    *out = NULL;
    serve_jobs *J = scar_calloc(ctx, 1, sizeof *J);
    if (!J)
        return SCAR_ENOMEM;
    J->next_id = 1;
    J->max_queue = max_queue;
    J->threads = threads;
    J->paused = paused;
    pthread_mutex_init(&J->mu, NULL);
    pthread_cond_init(&J->work, NULL);
    pthread_cond_init(&J->done, NULL);
    scar_status st = SCAR_ENOMEM;
    if (!(J->dir = scar_strdup(ctx, dir)) ||
        (workers > 0 && !(J->workers = scar_calloc(ctx, (size_t)workers, sizeof *J->workers))))
        goto fail;
    if ((st = scar_mkdir_p(ctx, dir)))
        goto fail;
    for (int i = 0; i < workers; i++) {
        if (pthread_create(&J->workers[i], NULL, worker, J) != 0) {
            st = SCAR_RAISE(ctx, SCAR_EINTERNAL, "cannot start a worker thread");
            goto fail;
        }
        J->nworkers++;
    }
    *out = J;
    return SCAR_OK;
fail:
    serve_jobs_destroy(&J);
    return st;
}

void serve_jobs_resume(serve_jobs *J)
{
    pthread_mutex_lock(&J->mu);
    J->paused = false;
    pthread_cond_broadcast(&J->work);
    pthread_mutex_unlock(&J->mu);
}

void serve_jobs_stop(serve_jobs *J)
{
    pthread_mutex_lock(&J->mu);
    J->stopping = true;
    for (serve_job *j = J->list; j; j = j->next) {
        atomic_store(&j->cancel, true);
        if (j->state == SERVE_JOB_QUEUED) {
            j->status = SCAR_EINTERNAL;
            scar_strlcpy(j->error, "the server is stopping", sizeof j->error);
            j->t_start = j->t_end = scar_now_s();
            set_state(J, j, SERVE_JOB_FAILED);
        }
    }
    pthread_cond_broadcast(&J->work);
    pthread_cond_broadcast(&J->done);
    pthread_mutex_unlock(&J->mu);
}

void serve_jobs_destroy(serve_jobs **pJ)
{
    if (!pJ || !*pJ)
        return;
    serve_jobs *J = *pJ;
    serve_jobs_stop(J);
    for (int i = 0; i < J->nworkers; i++)
        pthread_join(J->workers[i], NULL);
    while (J->list) {
        serve_job *j = J->list;
        J->list = j->next;
        job_free(j);
    }
    pthread_mutex_destroy(&J->mu);
    pthread_cond_destroy(&J->work);
    pthread_cond_destroy(&J->done);
    free(J->workers);
    free(J->dir);
    free(J);
    *pJ = NULL;
}

unsigned serve_jobs_submit(serve_jobs *J, serve_job_input *in, serve_job **held)
{
    if (held)
        *held = NULL;
    serve_job *j = calloc(1, sizeof *j);
    char name[32];
    pthread_mutex_lock(&J->mu);
    unsigned id = 0;
    if (!j || J->stopping || J->counts[SERVE_JOB_QUEUED] + J->counts[SERVE_JOB_RUNNING] >=
                                 J->max_queue)
        goto refuse;
    snprintf(name, sizeof name, "%u", J->next_id);
    if (!(j->dir = scar_path_join(NULL, J->dir, name)))
        goto refuse;
    id = j->id = J->next_id++;
    j->kind = in->kind;
    j->in = *in;
    memset(in, 0, sizeof *in);
    j->t_queued = scar_now_s();
    j->owner = J;
    atomic_init(&j->cancel, false);
    j->state = SERVE_JOB_QUEUED;
    J->counts[SERVE_JOB_QUEUED]++;
    j->next = J->list;
    J->list = j;
    if (held) {
        j->refs++;
        *held = j;
    }
    pthread_cond_signal(&J->work);
    pthread_mutex_unlock(&J->mu);
    return id;
refuse:
    pthread_mutex_unlock(&J->mu);
    if (j)
        free(j->dir);
    free(j);
    input_free(in);
    return 0;
}

void serve_jobs_wait(serve_jobs *J, serve_job *j)
{
    pthread_mutex_lock(&J->mu);
    while (j->state < SERVE_JOB_DONE)
        pthread_cond_wait(&J->done, &J->mu);
    pthread_mutex_unlock(&J->mu);
}

serve_job_state serve_jobs_outcome(serve_jobs *J, serve_job *j, char **text, scar_status *st,
                                   bool *stopped)
{
    pthread_mutex_lock(&J->mu);
    serve_job_state s = j->state;
    *st = j->status;
    *stopped = s == SERVE_JOB_FAILED && J->stopping;
    *text = s == SERVE_JOB_DONE ? strdup(j->result) : s == SERVE_JOB_FAILED ? strdup(j->error)
                                                                            : NULL;
    pthread_mutex_unlock(&J->mu);
    return s;
}

void serve_jobs_release(serve_jobs *J, serve_job *j)
{
    pthread_mutex_lock(&J->mu);
    j->refs--;
    trim(J);
    pthread_mutex_unlock(&J->mu);
}

static serve_job *find(serve_jobs *J, unsigned id)
{
    for (serve_job *j = J->list; j; j = j->next)
        if (j->id == id)
            return j;
    return NULL;
}

/* Under the mutex. */
static json_t *job_json(const serve_job *j, bool full)
{
    char id[32], url[64];
    snprintf(id, sizeof id, "%u", j->id);
    snprintf(url, sizeof url, "/api/jobs/%u", j->id);
    double now = scar_now_s();
    double elapsed = j->state == SERVE_JOB_QUEUED    ? 0.0
                     : j->state == SERVE_JOB_RUNNING ? now - j->t_start
                                                     : j->t_end - j->t_start;
    scar_jb b = {true};
    json_t *o = json_object();
    scar_jb_put(&b, o, "id", json_string(id));
    scar_jb_put(&b, o, "kind", json_string(kind_names[j->kind]));
    scar_jb_put(&b, o, "state", json_string(state_names[j->state]));
    scar_jb_put(&b, o, "progress", scar_json_real(j->progress, 4));
    scar_jb_put(&b, o, "task", json_string(j->task));
    scar_jb_put(&b, o, "elapsed_s", scar_json_real(elapsed, 4));
    scar_jb_put(&b, o, "queued_s",
                scar_json_real((j->state == SERVE_JOB_QUEUED ? now : j->t_start) - j->t_queued, 4));
    scar_jb_put(&b, o, "url", json_string(url));
    if (j->state == SERVE_JOB_FAILED) {
        scar_jb_put(&b, o, "error", json_string(j->error));
        scar_jb_put(&b, o, "status", json_string(scar_status_name(j->status)));
    }
    if (j->state == SERVE_JOB_DONE) {
        if (full)
            scar_jb_put(&b, o, "result", json_loads(j->result, 0, NULL));
        scar_jb_put(&b, o, "files", json_incref(j->files));
    }
    if (!b.ok || !o) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *serve_jobs_json(serve_jobs *J, unsigned id, bool full)
{
    pthread_mutex_lock(&J->mu);
    serve_job *j = find(J, id);
    json_t *o = j ? job_json(j, full) : NULL;
    pthread_mutex_unlock(&J->mu);
    return o;
}

json_t *serve_jobs_list_json(serve_jobs *J)
{
    json_t *arr = json_array(), *o = json_object();
    scar_jb b = {arr && o};
    pthread_mutex_lock(&J->mu);
    for (serve_job *j = J->list; j && b.ok; j = j->next)
        scar_jb_push(&b, arr, job_json(j, false));
    pthread_mutex_unlock(&J->mu);
    scar_jb_put(&b, o, "jobs", arr);
    if (!b.ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

char *serve_jobs_done_dir(serve_jobs *J, unsigned id, serve_job_kind *kind)
{
    pthread_mutex_lock(&J->mu);
    serve_job *j = find(J, id);
    char *dir = j && j->state == SERVE_JOB_DONE ? strdup(j->dir) : NULL;
    if (dir)
        *kind = j->kind;
    pthread_mutex_unlock(&J->mu);
    return dir;
}

void serve_jobs_counts(serve_jobs *J, int counts[4])
{
    pthread_mutex_lock(&J->mu);
    memcpy(counts, J->counts, sizeof J->counts);
    pthread_mutex_unlock(&J->mu);
}
