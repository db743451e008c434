/*
 * course.h — a treatment course on a tissue: devices and their puncture
 * density, the calendar of sessions and adjuncts, and the time loop that
 * drives the healing engine between events (MODEL.md §6).  Internal.
 */
#ifndef SCAR_COURSE_H
#define SCAR_COURSE_H

#include "heal.h"
#include "device.h"

typedef enum scar_adjunct {
    SCAR_ADJ_PRP_TOPICAL = 0,
    SCAR_ADJ_PRP_INTRADERMAL,
    SCAR_ADJ_SERUM_HYALURONIC,
    SCAR_ADJ_SERUM_VITAMIN_C,
    SCAR_ADJ_SERUM_GROWTH_FACTOR,
    SCAR_ADJ_RETINOID_TOPICAL,
    SCAR_ADJ_PEEL_GLYCOLIC,
    SCAR_ADJ_PEEL_TCA,
    SCAR_ADJ_SUBCISION,
    SCAR_ADJ_COUNT
} scar_adjunct;

const char *scar_adjunct_name(scar_adjunct a);
scar_adjunct scar_adjunct_from_name(const char *name);

typedef struct scar_protocol {
    scar_device device;
    int sessions;              /* 0 = untreated control */
    double interval_days;
    double follow_up_days;     /* after the last session */
    bool adjunct[SCAR_ADJ_COUNT];
    bool occluded;             /* serum/PRP under occlusion (pore half-life) */
} scar_protocol;

/* What the observer is told. */
typedef enum scar_course_mark {
    SCAR_MARK_START = 0,  /* t = 0, before anything */
    SCAR_MARK_SESSION,    /* just before session k's injury (k >= 1) */
    SCAR_MARK_AFTER,      /* when the session's healing is followed to the
                             next session (or the follow-up's end) */
    SCAR_MARK_SNAPSHOT,   /* an extra time asked for */
    SCAR_MARK_END
} scar_course_mark;

typedef scar_status (*scar_course_observer)(scar_ctx *ctx, void *user, scar_heal *h,
                                            scar_course_mark mark, int session, double day);

/* Where a course stands between two time steps: what a checkpoint must
 * hold besides the tissue and the engine (checkpoint.h) for the rest of the
 * course to take exactly the steps it would have taken. */
typedef struct scar_course_watch { /* the erythema of the last session */
    int session;                   /* 0: none yet */
    double t_session;              /* its day; the step caps count from it */
    bool above;                    /* has risen above I_vis */
    bool done;
    double last_t, last_e;         /* the previous step's time and signal */
} scar_course_watch;

typedef struct scar_course_pos {
    int session; /* the next session, 1..sessions; sessions + 1: the follow-up */
    double dt;   /* the step the loop takes next (before landing on a stop) */
    scar_course_watch watch;
} scar_course_pos;

typedef struct scar_course_opts {
    double dt_min, dt_max, dt_growth;
    /* Multi-rate stepping.  After an event the step is capped at dt_max for
     * settle_days (damage, clot factor, the first inflammation), at dt_mid
     * until quiet_after_days (macrophages and growth factor fall with rates
     * <= 0.6 /day), then at dt_quiet: only the slow relaxations of
     * fibroblasts, matrix and epidermis remain.  Setting dt_mid and dt_quiet
     * to dt_max switches this off (docs/engine.md, "Steps"). */
    double settle_days, dt_mid, quiet_after_days, dt_quiet;
    const double *snapshot_days;
    size_t nsnapshots;
    scar_course_observer observe;
    void *user;
    /* When not NULL (sessions entries): for each session, the days until the
     * erythema signal (scar_heal_erythema) fell back below I_vis; 0 when it
     * never rose above it (validation E1). */
    double *erythema_days;
    /* Checkpoints: at the first step boundary at or after each multiple of
     * checkpoint_days (0: none) and when stop(user, day) answers true,
     * checkpoint(ctx, user, h, pos) is called (user: the observer's); after
     * a stop the course ends with SCAR_ESTOPPED.  checkpoint NULL: neither. */
    double checkpoint_days;
    scar_status (*checkpoint)(scar_ctx *ctx, void *user, scar_heal *h,
                              const scar_course_pos *pos);
    bool (*stop)(void *user, double day);
    /* Not NULL: the tissue and engine hold a restored checkpoint's state and
     * the course goes on from this position (no SCAR_MARK_START, the
     * erythema days as restored). */
    const scar_course_pos *resume;
} scar_course_opts;

void scar_course_opts_default(const scar_params *p, scar_course_opts *o);

/* The session times, days from t = 0. */
double scar_protocol_session_day(const scar_protocol *pr, int k);
double scar_protocol_end_day(const scar_protocol *pr);

/* Applies one session's treatment (needling, then adjuncts in clinical order). */
scar_status scar_course_session(scar_ctx *ctx, scar_heal *h, const scar_protocol *pr,
                                int session);

/* Runs the whole course. */
scar_status scar_course_run(scar_ctx *ctx, scar_heal *h, const scar_protocol *pr,
                            const scar_course_opts *opts);

#endif /* SCAR_COURSE_H */
