/*
 * trial.h — a virtual replay of published trial arms: every arm of a trials
 * table planned, its virtual patients simulated (spread over MPI ranks when
 * run under mpirun), gathered in patient order and summarised (cohort layer;
 * docs/trial.md).
 */
#ifndef SCAR_TRIAL_H
#define SCAR_TRIAL_H

#include "cohort.h"

typedef struct scar_trial_result {
    const scar_trial_table *table;
    scar_cohort_opts opts;
    const scar_params *params;  /* the base set the patients vary around */
    scar_arm_plan *plans;       /* one per arm of the table */
    scar_arm_summary *sums;     /* one per arm (n = 0 when not simulated) */
    /* patients of arm a: patients + (a * opts.patients) * SCAR_PAT_NVAL */
    double *patients;
    int ranks;                  /* MPI ranks that computed it (1 without MPI) */
    double seconds;             /* wall time */
    double patient_seconds;     /* summed simulation time of all patients */
} scar_trial_result;

/* Names the progress task of plan k into buf. */
typedef void (*scar_cohort_label_fn)(void *user, size_t k, char *buf, size_t n);

/* Simulates `patients` virtual patients of each plan whose simulate flag is
 * set, into rows (plan k's patient i at rows + (k * patients + i) *
 * SCAR_PAT_NVAL), spread over MPI ranks and gathered in that order: the
 * same numbers for any number of ranks.  Plan k's patients are keyed by
 * key_row[k] (NULL: all by 0, so every plan sees the same patients). */
scar_status scar_cohort_simulate(scar_ctx *ctx, const scar_arm_plan *plans, const size_t *key_row,
                                 size_t nplans, int patients, const scar_params *p,
                                 const scar_cohort_opts *o, scar_cohort_label_fn label,
                                 void *label_user, double *rows);

/* Runs every arm (only the arms whose row index is listed in `only` when
 * nonly > 0).  The progress callback of ctx sees (arm label, fraction). */
scar_status scar_trial_run(scar_ctx *ctx, const scar_trial_table *table, const scar_params *p,
                           const scar_cohort_opts *o, const size_t *only, size_t nonly,
                           scar_trial_result **out);
void scar_trial_result_destroy(scar_trial_result **r);
/* Whether row a is among the nonly rows of only (every row when nonly == 0). */
bool scar_trial_selected(const size_t *only, size_t nonly, size_t a);

/* A combination contrast: two simulated arms of one study whose protocols
 * differ only in their adjuncts (PRP against saline, a peel added, ...).
 * The published difference is taken on the first number both arms report:
 * improvement, then responder rate, then the "excellent" share. */
typedef struct scar_trial_contrast {
    size_t with, without;   /* arm rows: the arm with more adjuncts, the other */
    const char *measure;    /* "improvement_pct", "responder_pct", "excellent_pct" */
    double published_diff;  /* with - without; NaN when neither number is reported */
    double predicted_diff;
    int agree;              /* 1 same sign (or both within 1 point of 0), 0 not, -1 unknown */
    /* with - without of the simulated depth response, in points, averaged
     * over the scar types the arms enrolled (NaN when none): the model's own
     * measure, which a grade that does not move cannot hide; and whether it
     * has the published difference's sign (same rule as agree) */
    double depth_diff;
    int agree_depth;
} scar_trial_contrast;

/* Fills up to max contrasts; returns how many there are. */
size_t scar_trial_contrasts(const scar_trial_result *r, scar_trial_contrast *out, size_t max);

/* MPI (distribute.c): without mpirun, or built without Open MPI, one rank. */
int scar_dist_rank(void);
int scar_dist_size(void);
/* Sums v[0..n) over ranks in place, the same on every rank.  Each value is
 * computed by exactly one rank and is 0 elsewhere, so the sum is exact and
 * independent of the number of ranks. */
scar_status scar_dist_sum(scar_ctx *ctx, double *v, size_t n);
/* Starts and stops MPI when the process was started by mpirun. */
void scar_dist_init(int *argc, char ***argv);
void scar_dist_finalize(void);

#endif /* SCAR_TRIAL_H */
