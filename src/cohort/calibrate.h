/*
 * calibrate.h — fitting the model's calibration knobs to published trial
 * arms and histology (cohort layer; docs/calibration.md).
 *
 * A virtual trial costs seconds per patient, so the fit does not call the
 * simulator inside the optimiser.  It runs the training arms at a space-
 * filling design of parameter points (the same virtual patients at every
 * point: common random numbers), fits a quadratic emulator of each target
 * over the design, minimises the stated objective on the emulators with
 * NLopt (BOBYQA, derivative-free), and checks the optimum with one more real
 * simulation.  Leave-one-study-out refits the emulators' objective without
 * each study's targets and predicts that study.
 *
 * Objective: J(theta) = sum over targets t of w_t ((y_t(theta) - obs_t) / s_t)^2
 * where y_t is the predicted improvement (points on the arm's scale), the
 * predicted responder rate, or a histology change; s_t is 15 points for
 * clinical targets (the bar of the issue) and 25 % for histology; w_t is 1,
 * and 0.5 for responder rates (they repeat the improvement's information).
 */
#ifndef SCAR_CALIBRATE_H
#define SCAR_CALIBRATE_H

#include "trial.h"

typedef struct scar_cal_param {
    const char *name;
    double lo, hi; /* searched interval (inside the parameter's range) */
    bool log;      /* searched on a log scale */
} scar_cal_param;

size_t scar_cal_param_count(void);
const scar_cal_param *scar_cal_param_at(size_t i);

typedef enum scar_cal_kind {
    SCAR_CAL_IMPROVEMENT = 0, /* arm's mean improvement, % on its scale */
    SCAR_CAL_RESPONDERS,      /* arm's responder rate, % */
    SCAR_CAL_COLLAGEN,        /* papillary collagen change, % */
    SCAR_CAL_EPIDERMIS        /* epidermal thickness change, % */
} scar_cal_kind;

typedef struct scar_cal_target {
    size_t arm;        /* row in the table */
    scar_cal_kind kind;
    double observed;   /* published */
    double scale;      /* s_t */
    double weight;     /* w_t */
    const char *source;/* where a histology number comes from (NULL: the row) */
} scar_cal_target;

typedef struct scar_cal_opts {
    int patients;  /* per arm and design point */
    int design;    /* design points per round (the defaults are one of them) */
    int refine;    /* refining rounds around the best point simulated */
    double dx_um;
    uint64_t seed;
    /* vary the parameters between the virtual patients as the trial replay
     * does (s_pat): the fit is then of the cohort's mean, not of the typical
     * patient (docs/calibration.md) */
    bool vary_params;
} scar_cal_opts;

void scar_cal_opts_default(scar_cal_opts *o);

typedef struct scar_cal_result {
    const scar_trial_table *table;
    scar_cal_opts opts;
    size_t np;                 /* parameters fitted */
    double *prior, *best;      /* np values each */
    size_t nt;
    scar_cal_target *targets;
    size_t nd;                 /* points simulated: every round's design and optimum */
    size_t inc;                /* the best of them (the calibrated set) */
    double *design;            /* nd x np, parameter values */
    double *y;                 /* nd x nt, simulated target values */
    int terms;                 /* emulator terms per target (quadratic or linear) */
    double *emu_rms;           /* nt: leave-one-point-out RMS error of each emulator
                                * of the last round */
    double *pred_prior;        /* nt: emulated at the defaults (round 0) */
    double *pred_best;         /* nt: emulated at the calibrated set (last round) */
    double *sim_best;          /* nt: simulated at the calibrated set */
    double j_prior, j_best;    /* J emulated (round 0; last round) */
    double j_sim_prior, j_sim_best; /* J simulated at the defaults, the calibrated set */
    /* leave one study out */
    size_t ns;
    const char **studies;      /* ns study ids (owned by the table) */
    double *loso_best;         /* ns x np: the simulated point that fits best without
                                * the study */
    double *loso_pred;         /* nt: each target simulated there */
    double seconds;
    int ranks;
} scar_cal_result;

/* Fits on the arms listed in only (all simulable arms with a published
 * improvement or responder rate when nonly == 0). */
scar_status scar_calibrate(scar_ctx *ctx, const scar_trial_table *table, const scar_params *base,
                           const scar_cal_opts *o, const size_t *only, size_t nonly,
                           scar_cal_result **out);
void scar_cal_result_destroy(scar_cal_result **r);

/* The parameter set with the fitted values set (a copy of base). */
scar_status scar_cal_apply(scar_ctx *ctx, const scar_cal_result *r, const scar_params *base,
                           scar_params **out);

#endif /* SCAR_CALIBRATE_H */
