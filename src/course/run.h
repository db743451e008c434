/*
 * run.h — a whole simulated course on one skin, with its outcomes: the skin
 * surface scanned before treatment, the tissue built under it, the protocol
 * run, and after each session the simulated surface scanned again by the
 * same scan layer a clinician would use on a real 3-D image (course layer).
 */
#ifndef SCAR_RUN_H
#define SCAR_RUN_H

#include "course.h"

/* What a scan of the simulated surface says at one moment. */
typedef struct scar_outcome {
    double day;
    int session;           /* sessions done so far */
    size_t nscars;         /* atrophic scars found */
    double mean_depth_mm;  /* mean of their maximum depths */
    double volume_mm3;     /* their total volume */
    double improvement_pct;/* 100 (1 - volume / baseline volume) */
    int gb_qualitative, gb_quantitative, ecca;
    double erythema_days;  /* of the last session (0 at baseline) */
    double oedema_um;      /* mean transient swelling, reported apart */
} scar_outcome;

/* One scar followed through the course: the initial scar and the scanned
 * scar that lies on it at the end.  A depression the scan no longer finds
 * (found_after false) is measured on the model's surface over its own
 * columns (run.c footprint_after); a raised one is then taken as gone. */
typedef struct scar_followed {
    scar_scar before;
    double depth_after_mm, volume_after_mm3, improvement_pct;
    bool found_after;
    /* the model's own account, independent of the scan: matrix volume
     * gained under the scar's floor and under the skin around it (mean dV
     * over the columns, um), and the floor's rise relative to the skin
     * around it at the end (um) */
    double gain_floor_um, gain_around_um, rise_um;
} scar_followed;

/* A row of the daily time series. */
typedef struct scar_ts_row {
    double day;
    double erythema;             /* scar_heal_erythema */
    double oedema_um;            /* mean */
    double macrophages;          /* mean over the papillary dermis, cells/mm^3 */
    double growth_factor_excess; /* mean c - c0 there, ng/mL */
    double fibroblast_pct;       /* change of mean n there, % */
    double collagen_pct;         /* change of mean rho1 + rho3 there, % */
    double collagen3_fraction;   /* rho3 / rho there */
    double elastin_pct;
    double epidermis_pct;        /* mean (h_e - h_e0)/h_e0, % */
    double surface_gain_um;      /* mean rise of the scar floors relative to the skin */
} scar_ts_row;

typedef struct scar_run_spec {
    const scar_heightmap *surface; /* the skin as given (scanned here) */
    const scar_region *region;
    int fitzpatrick;
    double age_y;
    scar_protocol protocol;
    double dx_um;                  /* voxel size */
    const scar_params *params;
    const double *vti_days;        /* days of tissue snapshots */
    size_t nvti;
    /* called with the tissue at each of vti_days (the report layer writes
     * them for ParaView); NULL: none */
    scar_status (*snapshot)(scar_ctx *ctx, void *user, const scar_tissue *t, double day);
    void *user;
    double sample_days;            /* time-series interval, 1 by default */
    /* Checkpoint and resume (checkpoint.h); NULL: neither.  A checkpoint
     * carries the files snapshot() has written so far (snapshot_files lists
     * them); a resumed run writes them back into snapshot_dir and announces
     * each to snapshot_restored. */
    const scar_run_opts *ckpt;
    size_t (*snapshot_files)(void *user, const char *const **paths, const double **days);
    const char *snapshot_dir;
    scar_status (*snapshot_restored)(scar_ctx *ctx, void *user, const char *path, double day);
} scar_run_spec;

typedef struct scar_run_result {
    scar_outcome baseline, final;
    scar_outcome *sessions;        /* one per session: after its healing */
    size_t nsessions;
    scar_followed *scars;
    size_t nscars;
    scar_ts_row *ts;
    size_t nts, cap_ts;
    double collagen_change_pct, epidermis_change_pct, elastin_change_pct;
    /* Papillary collagen in the scars' own columns against their initial
     * (scar-floor) content, %: what a biopsy of a treated scar measures
     * (Lotfi 2013, validation-targets.md C2).  NaN without scars. */
    double scar_collagen_change_pct;
    scar_heightmap *surface_before; /* on the grid, at t = 0 */
    scar_heightmap *surface_after;  /* at the end */
    /* per session k (0-based): the surface just before its injury and when
     * its healing has been followed to the next session or the end */
    scar_heightmap **session_before, **session_after;
    scar_scan_result *scan_before, *scan_after;
    heal_stats stats;
    size_t nx, ny, nz;
    double h_mm;
    double seconds;
} scar_run_result;

scar_status scar_run_course(scar_ctx *ctx, const scar_run_spec *spec, scar_run_result **out);
void scar_run_result_destroy(scar_run_result **r);

#endif /* SCAR_RUN_H */
