/*
 * tissue.h — a patch of facial skin on the 3-D grid: anatomy, layer masks,
 * the scar footprints of the surface above it, and the state variables of the
 * healing model (../shared/model/MODEL.md §1, §3).  Internal to the library.
 *
 * Storage: every 3-D field is kept as its DEPARTURE FROM THE UNTREATED STEADY
 * STATE of its voxel (c - c0, n - n_base, rho1 - rho1_base, ...; d, I, M, m,
 * rho_d and s have a zero baseline anyway).  Why:
 *  - homeostasis is then exact by construction: untreated skin holds zeros,
 *    the implicit diffusion of zeros is zeros, and the reactions are written
 *    so that zero departure gives zero change up to round-off (N1);
 *  - the scar floor is a region with its own steady state (MODEL.md §4.1:
 *    fewer cells, less matrix).  Diffusing the departure rather than the full
 *    density keeps an untreated scar edge exactly in place: random motility
 *    acts on cells away from their niche density, not on the density step at
 *    the edge of a scar.  Where the baseline is uniform (everywhere but at a
 *    scar's edge) this is MODEL.md's D_n ∇²n unchanged; chemotaxis uses the
 *    full density and ∇c, which vanishes at homeostasis.
 *  - departures are small numbers relative to the baselines, so rounding does
 *    not accumulate in the baseline over a year of simulated time.
 *
 * Precision: double for every 3-D field.  The collagen and elastin fields
 * change by 1e-4 of their value per day and must add up over a year to the
 * 1e-10 homeostasis criterion; the growth factor and fibroblasts feed them
 * directly.  d, I and M could be float (zero baseline, transient) but one
 * kernel precision keeps the solver and its verification single; the memory
 * cost is recorded in docs/engine.md.
 */
#ifndef SCAR_TISSUE_H
#define SCAR_TISSUE_H

#include "core.h"
#include "grid.h"
#include "params.h"

/* The 3-D state variables, in MODEL.md's order. */
typedef enum scar_field {
    SCAR_F_D = 0, /* damage fraction                          - */
    SCAR_F_I,     /* early inflammatory signal (erythema)     - */
    SCAR_F_M,     /* macrophages                              cells/mm^3 */
    SCAR_F_C,     /* lumped growth factor, c - c0             ng/mL */
    SCAR_F_N,     /* fibroblasts, n - n_base                  cells/mm^3 */
    SCAR_F_MYO,   /* myofibroblasts (optional)                cells/mm^3 */
    SCAR_F_RHO3,  /* collagen III, rho3 - rho3_base           mg/mL */
    SCAR_F_RHO1,  /* collagen I, rho1 - rho1_base             mg/mL */
    SCAR_F_RHOD,  /* thermally denatured collagen             mg/mL */
    SCAR_F_E,     /* elastin, e - e_base                      mg/mL */
    SCAR_F_S,     /* topical active from a serum              mg/mL */
    SCAR_F_COUNT
} scar_field;

const char *scar_field_name(scar_field f);
const char *scar_field_unit(scar_field f);

/* One voxel's share of an injury or a source: its index and a weight (the
 * volume fraction of the voxel inside a needle track, 0..1 when resolved). */
typedef struct scar_voxel {
    size_t v;
    double chi;
} scar_voxel;

/* A set of voxels with weights (a session's tracks merged, a bolus). */
typedef struct scar_voxels {
    size_t n, cap;
    scar_voxel *v;
} scar_voxels;

scar_status scar_voxels_push(scar_ctx *ctx, scar_voxels *s, size_t v, double chi);
void scar_voxels_free(scar_voxels *s);

/* Facial regions with their layer thicknesses (tissue/anatomy.c). */
typedef struct scar_region {
    const char *name;
    double h_e0_mm, h_d0_mm; /* epidermis, dermis */
    const char *source;      /* where the numbers come from, or "estimate" */
} scar_region;

/* NULL when the name is unknown. */
const scar_region *scar_region_find(const char *name);
size_t scar_region_count(void);
const scar_region *scar_region_at(size_t i);

/* What the tissue is built from: the skin surface (heights in um, scars
 * negative, form removed), the scars found on it and the voxel size. */
typedef struct scar_tissue_spec {
    const scar_heightmap *surface;  /* levelled surface */
    const int32_t *labels;          /* surface->nx*ny: 0 skin, k>0 scar k-1 */
    const scar_scar *scars;         /* the scars the labels refer to */
    size_t nscars;
    const scar_region *region;
    double h_mm;                    /* voxel edge */
    int fitzpatrick;                /* 1-6 */
    double age_y;
    bool with_serum;                /* allocate s */
    bool with_thermal;              /* allocate rho_d */
    bool use_myofibroblasts;        /* allocate m (MODEL.md §2.6 switch) */
} scar_tissue_spec;

typedef struct scar_tissue {
    scar_grid g;
    scar_params *p;        /* owned: the effective parameters */
    double h_e0, h_d0;     /* region's layer thicknesses, mm */
    int fitzpatrick;
    double age_y;

    /* 2-D column maps, nx*ny, x fastest */
    double *H0;            /* initial surface height, mm (scars < 0) */
    double *floor_w;       /* scar-floor weight in [0, 1]: 0 outside scars, up to 1
                            * inside (capped so a floor lacks no more matrix than
                            * its depth: tissue.c floor_weight) */
    /* per voxel (NULL when the skin has no atrophic floor): the scar-floor
     * weight of the voxel's set point now.  It starts at its column's
     * floor_w and falls as tracks kill the floor's cells and cells of
     * normal dermis refill it (f_repop; docs/engine.md, "Scar floors"),
     * towards floor_goal.
     * Fields stay stored as departures from the initial baseline (floor_w);
     * this weight sets the homeostasis constants the reactions use.
     * Float: a share of order 1 needs no more. */
    float *floor_now;
    double *floor_goal;    /* per column: the weight floor_now tends to as tracks
                            * reset the floor: 0 (normal density) outside scars
                            * and with f_repop's density refill alone, below 0
                            * where f_regrow lets a floor regrow part of the
                            * thickness its scar destroyed (tissue.c floor_weight) */
    double *tau_t0;        /* initial tethering of the column */
    double *tau_t;         /* tethering now */
    double *D_deep;        /* cumulative deep tracks per mm^2 */
    double *dh_e;          /* epidermal thickness - h_e0, mm */
    int32_t *scar_id;      /* 0 skin, k > 0 scar k-1 of the spec */
    size_t nscars;
    scar_scar *scars;      /* copy of the spec's scars (initial) */

    /* 3-D */
    uint8_t *layer;        /* scar_layer per voxel */
    int32_t *col_top;      /* per column: first tissue voxel k */
    double *f[SCAR_F_COUNT];
    bool use_myofibroblasts;
} scar_tissue;

/* The grid a surface of w_mm x l_mm whose highest point stands zmax_mm
 * above the reference would get at voxel edge h_mm, without allocating
 * anything: nx, ny, nz and n (a side over the limit reads as limit + 1).
 * false when a side is over the limit; scar_tissue_create also refuses more
 * than its total of voxels (docs/limits.md).  A server checks its own
 * voxel limit with it before queueing a run. */
bool scar_tissue_grid_size(const scar_region *r, const scar_params *p, double w_mm, double l_mm,
                           double zmax_mm, double h_mm, scar_grid *g);
scar_status scar_tissue_create(scar_ctx *ctx, const scar_tissue_spec *spec,
                               const scar_params *p, scar_tissue **out);
void scar_tissue_destroy(scar_tissue **t);

/* Baselines of a voxel (the untreated steady state). */
static inline double tissue_floor_w(const scar_tissue *t, size_t v)
{
    return t->floor_w[v % (t->g.nx * t->g.ny)];
}
/* Fibroblast and collagen densities of untreated dermis under a scar-floor
 * weight w (0 normal skin, 1 a floor: phi_n, phi_rho of normal, §4.1). */
static inline double tissue_n_base_w(const scar_params *p, double w)
{
    return p->n0 * (1.0 - (1.0 - p->phi_n) * w);
}
static inline double tissue_rho_base_w(const scar_params *p, double w)
{
    return p->rho0 * (1.0 - (1.0 - p->phi_rho) * w);
}
double scar_tissue_n_base(const scar_tissue *t, size_t v);
static inline double tissue_n_base_at(const scar_tissue *t, size_t v)
{
    return tissue_n_base_w(t->p, tissue_floor_w(t, v));
}
double scar_tissue_rho_base(const scar_tissue *t, size_t v);
double scar_tissue_e_base(const scar_tissue *t, size_t v);
/* A field's full value in a voxel: baseline + departure, in its unit. */
double scar_tissue_full_value(const scar_tissue *t, scar_field f, size_t v);

/* Depth of the column's local surface, mm (z of the tissue's top). */
static inline double tissue_surface_z(const scar_tissue *t, size_t col)
{
    return -t->H0[col];
}

/* The column's matrix volume gained since t = 0 (MODEL.md §4, ΔV): the sum
 * over its tissue voxels of h [(Δrho1 + Δrho3 + rho_d)/rho0 + Δe/e_ref], mm.
 * Exactly zero for untreated skin: it is summed from the departures. */
double scar_tissue_column_dV(const scar_tissue *t, size_t col);
/* The same for the columns [c0, c1), into dV[0 .. c1 - c0), plane by plane
 * (a column walk strides a whole plane per voxel); each column summed over
 * its planes in order, so the numbers are scar_tissue_column_dV's. */
void scar_tissue_columns_dV(const scar_tissue *t, size_t c0, size_t c1, double *dV);

#endif /* SCAR_TISSUE_H */
