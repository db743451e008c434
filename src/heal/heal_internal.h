/*
 * heal_internal.h — what the heal layer's files share.
 */
#ifndef SCAR_HEAL_INTERNAL_H
#define SCAR_HEAL_INTERNAL_H

#include "heal.h"
#include "lod.h"

/* The transported fields and their diffusivities by layer (MODEL.md §2,
 * §3.3): c, I, M and s live in every tissue layer, n only in the dermis. */
enum { HEAL_NDIFF = 5 };

struct scar_heal {
    scar_tissue *t;
    double time;   /* day */
    double c0;     /* homeostatic growth factor, ng/mL */
    int threads;
    heal_stats stats;
    scar_field diff_field[HEAL_NDIFF];
    scar_lod *lod[HEAL_NDIFF];
    int lod_owner[HEAL_NDIFF]; /* -1: lod[i] is its own; else the field it shares with */
    /* planes that hold dermis: [kd0, kd1); kd0m = kd0 - 1 (or 0).  Fibroblasts
     * live there only, so their diffusion and chemotaxis run on those planes
     * (contiguous memory: the field from plane kd0 on). */
    size_t kd0, kd1, kd0m;
    /* nz + 1: dermis_cum[k] = dermis voxels in the planes [0, k) (the layers
     * never change; chemotaxis splits its planes among threads by them) */
    size_t *dermis_cum;
    /* per column when the skin has scar floors (else NULL): the initial set
     * point's baseline and homeostasis constants (heal_react.c), which
     * depend on the column's floor weight only */
    struct react_base *col_base;
    size_t lod_k0[HEAL_NDIFF]; /* first plane of each operator's sub-grid */
    double lod_dt; /* the dt the operators were set for */
    double *plane_acc; /* 2 nz doubles: per-plane sums */
    double *plane_max; /* HEAL_NDIFF nz doubles: per-plane largest |departure| */
    /* after the latest reaction step: the largest |departure| of I, M, c, n,
     * s (the order of diff_field) */
    double field_max[HEAL_NDIFF];
    double *chemo_scratch; /* chemotaxis' arrays (heal_chemo.c), allocated at its first step */
    double *scar_deep;    /* nscars+1: cumulative deep tracks per scar */
    size_t *scar_cols;    /* nscars+1: columns of each scar */
    heal_pore_source *pores;
    size_t npores, cap_pores;
    heal_bolus_source *boluses;
    size_t nboluses, cap_boluses;
};
typedef struct scar_heal heal_state;

/* Fills h->col_base (heal_react.c); SCAR_ENOMEM on failure. */
scar_status heal_react_prepare(scar_ctx *ctx, heal_state *h);
void heal_react(heal_state *h, double t0, double dt);
void heal_epidermis(heal_state *h, double dt);
/* Chemotaxis of fibroblasts over dt, sub-cycled (heal_chemo.c). */
scar_status heal_chemotaxis(scar_ctx *ctx, heal_state *h, double dt, long *substeps);

#endif /* SCAR_HEAL_INTERNAL_H */
