/*
 * trial.c — the replay of a trials table: each arm planned, its patients
 * simulated, gathered and summarised (trial.h).
 *
 * Patients are numbered across the whole replay (arm by arm, then patient);
 * patient g is simulated by rank g mod size.  Every patient's row is written
 * by exactly one rank and is zero on the others, so the sum over ranks
 * reproduces the single-process numbers exactly, in the same order.
 */
#include "trial.h"

#include "core.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void scar_trial_result_destroy(scar_trial_result **pr)
{
    if (!pr || !*pr)
        return;
    scar_trial_result *r = *pr;
    free(r->plans);
    free(r->sums);
    free(r->patients);
    free(r);
    *pr = NULL;
}

bool scar_trial_selected(const size_t *only, size_t nonly, size_t a)
{
    if (nonly == 0)
        return true;
    for (size_t k = 0; k < nonly; k++)
        if (only[k] == a)
            return true;
    return false;
}

/* One thread's context: errors stay apart, kernels run on one thread. */
static scar_ctx *thread_ctx(const scar_ctx *parent)
{
    scar_ctx *c = scar_ctx_create();
    if (c) {
        scar_ctx_set_threads(c, 1);
        scar_ctx_set_seed(c, scar_ctx_seed(parent));
        scar_ctx_set_cancel(c, parent->cancel, parent->cancel_user);
    }
    return c;
}

scar_status scar_cohort_simulate(scar_ctx *ctx, const scar_arm_plan *plans, const size_t *key_row,
                                 size_t nplans, int patients, const scar_params *p,
                                 const scar_cohort_opts *o, scar_cohort_label_fn label,
                                 void *label_user, double *rows)
{
    size_t np = (size_t)patients;
    int rank = scar_dist_rank(), size = scar_dist_size();
    /* This rank's tasks: patient g (numbered across plans) is rank g mod
     * size's; the other rows are zero for the sum. */
    size_t *task = scar_calloc(ctx, nplans * np + 1, sizeof *task);
    if (!task)
        return SCAR_ENOMEM;
    size_t ntask = 0, total = 0, g = 0;
    for (size_t a = 0; a < nplans; a++) {
        if (!plans[a].simulate)
            continue;
        total += np;
        for (size_t i = 0; i < np; i++, g++) {
            if ((int)(g % (size_t)size) == rank)
                task[ntask++] = a * np + i;
            else
                memset(rows + (a * np + i) * SCAR_PAT_NVAL, 0, SCAR_PAT_NVAL * sizeof *rows);
        }
    }
    /* Patients run side by side, one per thread, each on one thread: a
     * patch is a small grid, on which the kernels' own threads spend more
     * time meeting at barriers than computing (docs/trial.md, "Threads").
     * A patient's numbers do not depend on which thread runs it. */
    int nth = scar_ctx_threads(ctx) > 0 ? scar_ctx_threads(ctx) : omp_get_max_threads();
    if (nth > (int)ntask)
        nth = ntask ? (int)ntask : 1;
    scar_ctx **tc = scar_calloc(ctx, (size_t)nth, sizeof *tc);
    scar_status *tst = scar_calloc(ctx, ntask + 1, sizeof *tst);
    size_t *fail_task = scar_calloc(ctx, (size_t)nth, sizeof *fail_task);
    scar_status st = tc && tst && fail_task ? SCAR_OK : SCAR_ENOMEM;
    for (int k = 0; fail_task && k < nth; k++)
        fail_task[k] = SIZE_MAX;
    for (int k = 0; k < nth && !st; k++)
        if (!(tc[k] = thread_ctx(ctx)))
            st = SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory for a thread's context");
    size_t done = 0;
    /* set by the first failing task; the others then skip their work */
    int failed = st != SCAR_OK;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nth)
    for (size_t t = 0; t < ntask; t++) {
        int stop;
#pragma omp atomic read
        stop = failed;
        if (stop)
            continue;
        size_t a = task[t] / np, i = task[t] % np;
        scar_ctx *c = tc[omp_get_thread_num()];
        tst[t] = scar_patient_simulate(c, key_row ? key_row[a] : 0, &plans[a], p, o, (int)i,
                                       rows + task[t] * SCAR_PAT_NVAL);
        if (tst[t]) {
            fail_task[omp_get_thread_num()] = t;
#pragma omp atomic write
            failed = 1;
            continue;
        }
#pragma omp critical(scar_cohort_progress)
        {
            char text[160] = "virtual patients";
            if (label)
                label(label_user, a, text, sizeof text);
            done += (size_t)size;
            scar_progress(ctx, text, total ? (double)(done < total ? done : total) / (double)total
                                           : 1.0);
        }
    }
    /* A thread stops at its first failure, so its context holds that
     * failure's error; the one of the earliest failed task is reported. */
    for (size_t t = 0; t < ntask && !st; t++)
        if (tst[t]) {
            for (int k = 0; k < nth; k++)
                if (fail_task[k] == t) {
                    ctx->err = tc[k]->err;
                    break;
                }
            st = tst[t];
        }
    for (int k = 0; tc && k < nth; k++)
        scar_ctx_destroy(&tc[k]);
    free(tc);
    free(tst);
    free(fail_task);
    free(task);
    /* A failure on one rank must not leave the others waiting in the sum:
     * the status travels with the rows. */
    double flag = st ? 1.0 : 0.0;
    if (size > 1) {
        scar_status st2 = scar_dist_sum(ctx, &flag, 1);
        if (!st && st2)
            st = st2;
        if (!st && flag > 0)
            st = SCAR_RAISE(ctx, SCAR_EINTERNAL, "a patient simulation failed on another rank");
        if (!st)
            st = scar_dist_sum(ctx, rows, nplans * np * SCAR_PAT_NVAL);
    }
    return st;
}

typedef struct trial_label_ctx {
    const scar_trial_table *table;
} trial_label_ctx;

static void trial_label(void *user, size_t a, char *buf, size_t n)
{
    const scar_trial_arm *arm = &((trial_label_ctx *)user)->table->arms[a];
    snprintf(buf, n, "%s: %s", arm->study_id, arm->arm);
}

scar_status scar_trial_run(scar_ctx *ctx, const scar_trial_table *table, const scar_params *p,
                           const scar_cohort_opts *o, const size_t *only, size_t nonly,
                           scar_trial_result **out)
{
    *out = NULL;
    if (o->patients < 1 || o->patients > 100000)
        return SCAR_RAISE_AT(ctx, SCAR_EUSAGE, NULL, 0, 0, "--patients",
                             "expected 1 to 100000 patients per arm, found %d", o->patients);
    double t0 = scar_now_s();
    scar_trial_result *r = scar_calloc(ctx, 1, sizeof *r);
    if (!r)
        return SCAR_ENOMEM;
    r->table = table;
    r->opts = *o;
    r->params = p;
    r->ranks = scar_dist_size();
    size_t na = table->n, np = (size_t)o->patients;
    size_t nrow = na * np * SCAR_PAT_NVAL;
    r->plans = scar_calloc(ctx, na ? na : 1, sizeof *r->plans);
    r->sums = scar_calloc(ctx, na ? na : 1, sizeof *r->sums);
    r->patients = scar_calloc(ctx, nrow ? nrow : 1, sizeof *r->patients);
    if (!r->plans || !r->sums || !r->patients) {
        scar_trial_result_destroy(&r);
        return SCAR_ENOMEM;
    }
    for (size_t a = 0; a < na; a++) {
        scar_arm_plan_make(&table->arms[a], p, &r->plans[a]);
        if (!scar_trial_selected(only, nonly, a)) {
            r->plans[a].simulate = false;
            r->plans[a].why_not = "not selected (--study)";
        }
    }
    /* Arms of one study share their virtual patients (common random numbers):
     * a split-face study's sides are the same people, and between the arms
     * of a parallel trial the difference is the treatment's, not the draw's.
     * A patient is keyed by the study's first row. */
    size_t *key_row = scar_calloc(ctx, na ? na : 1, sizeof *key_row);
    if (!key_row) {
        scar_trial_result_destroy(&r);
        return SCAR_ENOMEM;
    }
    for (size_t a = 0; a < na; a++) {
        key_row[a] = a;
        for (size_t b = 0; b < a; b++)
            if (table->arms[a].study_id && table->arms[b].study_id &&
                strcmp(table->arms[a].study_id, table->arms[b].study_id) == 0) {
                key_row[a] = b;
                break;
            }
    }
    /* Blinding is a property of the study's assessment: when one arm's row
     * says its raters were blinded, the study's other arms were rated the
     * same way (Alam 2014's control side).  Gathered on the study's first
     * row, then handed back to every arm. */
    for (size_t a = 0; a < na; a++)
        r->plans[key_row[a]].blinded |= r->plans[a].blinded;
    for (size_t a = 0; a < na; a++)
        r->plans[a].blinded = r->plans[key_row[a]].blinded;
    trial_label_ctx lc = {table};
    scar_status st = scar_cohort_simulate(ctx, r->plans, key_row, na, o->patients, p, o,
                                          trial_label, &lc, r->patients);
    free(key_row);
    if (st) {
        scar_trial_result_destroy(&r);
        return st;
    }
    for (size_t a = 0; a < na; a++) {
        if (!r->plans[a].simulate) {
            scar_arm_summarize(&table->arms[a], &r->plans[a], NULL, 0, &r->sums[a]);
            continue;
        }
        const double *rows = r->patients + a * np * SCAR_PAT_NVAL;
        scar_arm_summarize(&table->arms[a], &r->plans[a], rows, (int)np, &r->sums[a]);
        for (size_t i = 0; i < np; i++)
            r->patient_seconds += rows[i * SCAR_PAT_NVAL + SCAR_PAT_SECONDS];
    }
    r->seconds = scar_now_s() - t0;
    *out = r;
    return SCAR_OK;
}

/* Protocols equal but for their adjuncts. */
static bool same_but_adjuncts(const scar_protocol *a, const scar_protocol *b)
{
    return a->device.kind == b->device.kind && a->device.needle_mm == b->device.needle_mm &&
           a->sessions == b->sessions && a->interval_days == b->interval_days &&
           a->follow_up_days == b->follow_up_days;
}

static int nadjuncts(const scar_protocol *p)
{
    int n = 0;
    for (int k = 0; k < SCAR_ADJ_COUNT; k++)
        n += p->adjunct[k];
    return n;
}

/* 1 when a published and a predicted difference have the same sign (or are
 * both within 1 point of 0), 0 when not, -1 when either is unknown. */
static int same_sign(double pub, double pred)
{
    if (!isfinite(pub) || !isfinite(pred))
        return -1;
    bool zp = fabs(pub) < 1.0, zq = fabs(pred) < 1.0;
    return (zp && zq) || (!zp && !zq && (pub > 0) == (pred > 0));
}

size_t scar_trial_contrasts(const scar_trial_result *r, scar_trial_contrast *out, size_t max)
{
    size_t n = 0;
    const scar_trial_table *t = r->table;
    for (size_t a = 0; a < t->n; a++)
        for (size_t b = a + 1; b < t->n; b++) {
            const scar_arm_plan *pa = &r->plans[a], *pb = &r->plans[b];
            if (!pa->simulate || !pb->simulate || pa->untreated || pb->untreated ||
                strcmp(t->arms[a].study_id, t->arms[b].study_id) != 0 ||
                !same_but_adjuncts(&pa->protocol, &pb->protocol) ||
                memcmp(pa->protocol.adjunct, pb->protocol.adjunct,
                       sizeof pa->protocol.adjunct) == 0)
                continue;
            /* "with" has more adjuncts; equal counts (PRP against vitamin C)
             * keep the table's order */
            bool swap = nadjuncts(&pb->protocol) > nadjuncts(&pa->protocol);
            size_t w = swap ? b : a, o = swap ? a : b;
            const scar_trial_arm *aw = &t->arms[w], *ao = &t->arms[o];
            const scar_arm_summary *sw = &r->sums[w], *so = &r->sums[o];
            scar_trial_contrast c = {w, o, "improvement_pct", NAN, NAN, -1, NAN, -1};
            if (isfinite(sw->published_improvement_pct) && isfinite(so->published_improvement_pct)) {
                c.published_diff = sw->published_improvement_pct - so->published_improvement_pct;
                c.predicted_diff = sw->improvement_pct - so->improvement_pct;
            } else if (isfinite(aw->responder_pct) && isfinite(ao->responder_pct)) {
                c.measure = "responder_pct";
                c.published_diff = aw->responder_pct - ao->responder_pct;
                c.predicted_diff = sw->responder_pct - so->responder_pct;
            } else if (isfinite(aw->excellent_pct) && isfinite(ao->excellent_pct)) {
                c.measure = "excellent_pct";
                c.published_diff = aw->excellent_pct - ao->excellent_pct;
                c.predicted_diff = sw->excellent_pct - so->excellent_pct;
            } else {
                c.predicted_diff = sw->improvement_pct - so->improvement_pct;
            }
            double dsum = 0;
            int dn = 0;
            for (int ty = 0; ty < SCAR_TYPE_COUNT; ty++)
                if (r->plans[w].types[ty] && isfinite(sw->depth_resp_pct[ty]) &&
                    isfinite(so->depth_resp_pct[ty])) {
                    dsum += sw->depth_resp_pct[ty] - so->depth_resp_pct[ty];
                    dn++;
                }
            if (dn)
                c.depth_diff = dsum / dn;
            c.agree = same_sign(c.published_diff, c.predicted_diff);
            c.agree_depth = same_sign(c.published_diff, c.depth_diff);
            if (n < max)
                out[n] = c;
            n++;
        }
    return n;
}
