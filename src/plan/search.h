/*
 * search.h — the protocol search for one patient (plan layer; docs/plan.md
 * "Search").
 *
 * A candidate is a protocol: device, needle length, sessions, interval and
 * adjuncts, within the limits screening leaves (screen.h).  Each candidate
 * is evaluated on a virtual cohort around the patient (cohort.h): the
 * patient's skin type, age and scar inventory, with the uncertain model
 * parameters and the scars' exact dimensions drawn per virtual patient.
 * Every candidate sees the same virtual patients (common random numbers), so
 * differences between candidates are paired and far less noisy than the
 * spread of one candidate.
 *
 * The search is a coordinate search over the discrete grid of settings: from
 * the evidence's usual protocol (1.5 mm, three sessions four weeks apart,
 * Harris 2015) each setting in turn is tried at all its levels with the
 * others held, and the search moves to the best; it stops when no single
 * change helps.  A full factorial grid is 100-200 protocols; the coordinate
 * search evaluates 15-25 and every one is kept for the trade-off table.
 * The candidates are ranked by expected improvement; the recommendation is
 * the gentlest (lowest risk level, fewest warnings and cautions, least
 * downtime, fewest sessions) among those equivalent to the best: a paired
 * difference from it within one standard error, or smaller than a small
 * effect (0.2 of the patient-to-patient SD, Cohen's d), and within the
 * downtime per session the patient accepts (preferences.max_downtime_days).
 */
#ifndef SCAR_SEARCH_H
#define SCAR_SEARCH_H

#include "cohort.h"
#include "screen.h"

/* Options of a search. */
typedef struct scar_plan_opts {
    int patients;          /* virtual patients per candidate */
    double dx_um;          /* voxel edge of the patch simulations */
    double patch_mm;
    double follow_up_weeks; /* after the last session, when the result is judged */
    int max_sweeps;        /* coordinate-search sweeps */
    uint64_t seed;
} scar_plan_opts;

void scar_plan_opts_default(scar_plan_opts *o);

/* What `plan --patients`, `--sweeps` and `--dx-um` accept (and the web API). */
#define SCAR_PLAN_PATIENTS_MIN 2
#define SCAR_PLAN_PATIENTS_MAX 1000
#define SCAR_PLAN_SWEEPS_MIN 1
#define SCAR_PLAN_SWEEPS_MAX 10
#define SCAR_COHORT_DX_UM_MIN 20.0 /* also trial and calibrate */
#define SCAR_COHORT_DX_UM_MAX 200.0

#define SCAR_PLAN_MAX_CANDIDATES 96

typedef struct scar_plan_candidate {
    scar_protocol protocol;
    int patients;                /* virtual patients evaluated */
    /* predictions on the patient's face */
    double improvement_pct;      /* mean fall of scar volume, % */
    double sd_pct;               /* patient-to-patient SD */
    double ci95[2];              /* 95% prediction band for this patient */
    double se_diff_best;         /* SE of the paired difference from the best */
    double gbq_before, gbq_after; /* Goodman-Baron quantitative, means */
    double grade_before, grade_after; /* qualitative, means */
    double responder_pct;        /* share of virtual patients one grade better */
    double depth_resp_pct[SCAR_TYPE_COUNT]; /* mean depth fall by type (NaN: none) */
    double erythema_days;        /* simulated visible redness after the last session */
    /* downtime per session from the evidence (days; NaN unknown) */
    double downtime_lo_days, downtime_hi_days;
    double total_downtime_days;  /* sessions x the upper end */
    bool downtime_from_maker;    /* that range is a needle maker's guide, not a study */
    scar_se_level risk;          /* worst side-effect level of the protocol */
    int ncautions, nwarnings;
    bool within_noise;           /* equivalent to the best (one SE or d < 0.2) */
    bool pareto;                 /* no other is better in improvement, downtime and risk */
    bool over_downtime;          /* more redness per session (published upper end) than the
                                    patient's preferences.max_downtime_days */
    int sweep;                   /* the sweep that first evaluated it (0: the start) */
} scar_plan_candidate;

typedef struct scar_plan_result {
    scar_plan_opts opts;
    int fitzpatrick;
    double age_y;
    bool types[SCAR_TYPE_COUNT]; /* scar types on the face */
    int face_scars;              /* scars on the face (mean over virtual patients) */
    size_t n;                    /* candidates evaluated, ranked best first */
    scar_plan_candidate *cand;
    size_t recommended;          /* index into cand */
    int sweeps;                  /* sweeps run */
    double seconds;
    double patient_seconds;      /* summed simulation time */
} scar_plan_result;

/* Searches the protocols screening allows (scr->candidate must be true).
 * face: the patient's scars when measured (NULL: drawn from pt->counts).
 * Progress on ctx's callback ("candidate k", fraction). */
scar_status scar_plan_search(scar_ctx *ctx, const scar_patient *pt, const scar_screen *scr,
                             const scar_scar *face, size_t nface, const scar_params *params,
                             const scar_plan_opts *o, scar_plan_result **out);
void scar_plan_result_destroy(scar_plan_result **r);

/* The side effects of protocol pr for this patient (region, skin type,
 * PIH history; safety.csv), heap-allocated into *out (the caller frees). */
scar_status scar_plan_risks(scar_ctx *ctx, const scar_patient *pt, const scar_protocol *pr,
                            scar_side_effects **out);

/* The session dates of a candidate from a start date (n = sessions) and the
 * date of the follow-up visit. */
void scar_plan_schedule(const scar_protocol *pr, scar_date start, scar_date *sessions,
                        scar_date *follow_up);

#endif /* SCAR_SEARCH_H */
