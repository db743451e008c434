/*
 * cohort.h — virtual patients and the replay of a published trial arm
 * (cohort layer; docs/trial.md).
 *
 * A virtual patient has two parts:
 *  - a treated patch: a small synthetic skin with one scar of each type the
 *    arm enrolled, on which the healing engine runs the arm's whole course
 *    (scar_run_course).  It gives the patient's response of each scar type:
 *    the relative fall of depth and of volume;
 *  - a face: the patient's whole scar inventory (counts and sizes drawn from
 *    evidence/morphology.md, severity matched to the arm's baseline), graded
 *    on the published scales before treatment and again with each scar
 *    shrunk by its type's response.  Trials grade faces, not patches.
 * Patients differ in Fitzpatrick type, age, scar geometry and the uncertain
 * model parameters, drawn within their ranges in parameters.csv.
 *
 * Everything a patient draws is keyed by (seed, arm row, patient index), so a
 * patient's numbers do not depend on which thread or MPI rank computes it.
 */
#ifndef SCAR_COHORT_H
#define SCAR_COHORT_H

#include "trials.h"
#include "params_api.h"

/* The outcome scale an arm is compared on (from its `scale` text). */
typedef enum scar_scale {
    SCAR_SCALE_GB_QUANTITATIVE = 0, /* Goodman-Baron 0-84 */
    SCAR_SCALE_GB_QUALITATIVE,      /* Goodman-Baron grade 1-4 (group means) */
    SCAR_SCALE_ECCA,                /* 0-540 */
    SCAR_SCALE_PERCENT              /* a rater's % improvement: compared with the
                                       simulated scar-volume improvement */
} scar_scale;

const char *scar_scale_name(scar_scale s);

/* How an arm is run: the protocol after documented defaults for what the
 * study did not report. */
typedef struct scar_arm_plan {
    bool simulate;             /* false: the arm cannot be simulated (why) */
    const char *why_not;
    bool untreated;            /* a control or a comparator without needling */
    scar_protocol protocol;
    scar_scale scale;
    bool types[SCAR_TYPE_COUNT]; /* scar types in the patch and on the face */
    int fitz_lo, fitz_hi;
    /* baseline severity targets (NaN / 0 when the arm gives none) */
    double gbq_mean, gbq_sd;   /* Goodman-Baron quantitative */
    int grade_lo, grade_hi;    /* Goodman-Baron qualitative range */
    double grade_mean, grade_sd;
    bool blinded;              /* RCT or observer-blinded assessment */
    /* the defaults taken, as one readable line each (static strings) */
    const char *assumed[8];
    int nassumed;
    /* Age of every patient; NaN: drawn per patient (18-40 years). */
    double age_y;
    /* A face given rather than drawn to a severity target (one patient's
     * cohort, plan layer): face_counts scars of each type with dimensions
     * drawn per virtual patient, or exactly the nface_scars of face_scars (a
     * measured skin; not owned). */
    bool face_by_counts;
    int face_counts[SCAR_TYPE_COUNT];
    const scar_scar *face_scars;
    int nface_scars;
} scar_arm_plan;

/* The most scars a virtual face holds. */
#define SCAR_FACE_MAX_SCARS 480

/* Plans an arm from its row (never fails: an arm that cannot be run has
 * simulate == false and the reason). */
void scar_arm_plan_make(const scar_trial_arm *a, const scar_params *p, scar_arm_plan *out);

/* The plan of one patient's cohort under protocol pr: the patient's skin
 * type and age for every virtual patient, the given scar types in the patch
 * (hypertrophic included), graded on the Goodman-Baron quantitative scale.
 * The caller sets the face (face_by_counts or face_scars). */
void scar_arm_plan_for_patient(const scar_protocol *pr, int fitzpatrick, double age_y,
                               const bool types[SCAR_TYPE_COUNT], scar_arm_plan *out);

/* One simulated patient: flat doubles, so that ranks can gather them. */
enum {
    SCAR_PAT_FITZ = 0,
    SCAR_PAT_AGE,
    SCAR_PAT_DEPTH_RESP,  /* + type: relative depth fall, 0-1 (NaN: type not in the patch) */
    SCAR_PAT_VOL_RESP = SCAR_PAT_DEPTH_RESP + SCAR_TYPE_COUNT, /* + type: volume fall */
    SCAR_PAT_FACE_SCARS = SCAR_PAT_VOL_RESP + SCAR_TYPE_COUNT, /* scars on the face */
    SCAR_PAT_GBQ0, SCAR_PAT_GBQ1,     /* quantitative before, after */
    SCAR_PAT_GRADE0, SCAR_PAT_GRADE1, /* qualitative before, after */
    SCAR_PAT_ECCA0, SCAR_PAT_ECCA1,
    SCAR_PAT_VOL0, SCAR_PAT_VOL1,     /* face scar volume, mm^3 */
    SCAR_PAT_PATCH_IMPROVEMENT,       /* scar volume of the treated patch, % */
    SCAR_PAT_COLLAGEN_PCT,            /* papillary collagen change at the end, % */
    SCAR_PAT_ELASTIN_PCT,             /* elastin change, % */
    SCAR_PAT_EPIDERMIS_PCT,           /* epidermal thickness change, % */
    SCAR_PAT_ERYTHEMA_DAYS,           /* after the last session */
    SCAR_PAT_SECONDS,                 /* wall time of the simulation */
    SCAR_PAT_SCAR_COLLAGEN_PCT,       /* papillary collagen change in the scars, % */
    SCAR_PAT_NVAL
};

/* Options of a cohort simulation. */
typedef struct scar_cohort_opts {
    int patients;       /* per arm */
    double dx_um;       /* voxel edge of the patch simulations */
    double patch_mm;    /* patch edge */
    uint64_t seed;
    bool vary_params;   /* draw the uncertain parameters per patient */
} scar_cohort_opts;

void scar_cohort_opts_default(scar_cohort_opts *o);

/* The uncertain parameters drawn per patient (name and why). */
typedef struct scar_varied_param {
    const char *name;
    const char *why;
} scar_varied_param;

size_t scar_cohort_varied_count(void);
const scar_varied_param *scar_cohort_varied_at(size_t i);

/* Simulates patient `index` of the arm in row `arm_row` (a stable key: the
 * arm's position in its table).  out holds SCAR_PAT_NVAL doubles. */
scar_status scar_patient_simulate(scar_ctx *ctx, size_t arm_row, const scar_arm_plan *plan,
                                  const scar_params *base,
                                  const scar_cohort_opts *o, int index, double *out);

/* Who patient `index` is, as scar_patient_simulate draws it: skin type, age
 * and (with o->vary_params) the varied parameters around base's values
 * (parameters.csv s_pat).  *out is a new set the caller destroys. */
scar_status scar_patient_draw(scar_ctx *ctx, const scar_arm_plan *plan, const scar_params *base,
                              const scar_cohort_opts *o, size_t arm_row, int index, int *fitz,
                              double *age_y, scar_params **out);

/* The treated patch of patient `index` (a synthetic skin with one scar of
 * each of the arm's types), as scar_patient_simulate makes it. */
scar_status scar_patient_patch(scar_ctx *ctx, const scar_arm_plan *plan,
                               const scar_cohort_opts *o, size_t arm_row, int index,
                               scar_heightmap **out);

/* The face of patient `index` before treatment, graded: cheap (no
 * simulation), the same face scar_patient_simulate grades. */
void scar_patient_face_baseline(const scar_arm_plan *plan, const scar_cohort_opts *o,
                                size_t arm_row, int index, scar_grade *g, int *nscars);

/* An arm's prediction from its patients (rows of SCAR_PAT_NVAL doubles). */
typedef struct scar_arm_summary {
    int n;                          /* patients */
    double improvement_pct;         /* on the arm's scale (group means) */
    double ci95[2];                 /* 95% interval of a trial mean of the arm's size */
    double sd_pct;                  /* patient-to-patient SD of improvement */
    double responder_pct;           /* by the arm's responder definition */
    const char *responder_rule;     /* what was counted */
    double excellent_pct, good_pct, fair_pct, poor_pct; /* quartile bands */
    double before_mean, after_mean; /* on the scale */
    double depth_resp_pct[SCAR_TYPE_COUNT]; /* mean relative depth fall by type (NaN: none) */
    double volume_improvement_pct;  /* face scar volume */
    double erythema_days;
    double published_improvement_pct; /* from the row: mean_improvement_pct, else from
                                         baseline/final means; NaN unknown */
} scar_arm_summary;

void scar_arm_summarize(const scar_trial_arm *arm, const scar_arm_plan *plan,
                        const double *patients, int n, scar_arm_summary *out);

#endif /* SCAR_COHORT_H */
