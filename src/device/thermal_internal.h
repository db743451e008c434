/*
 * thermal_internal.h — what the RF sub-grid's two files share
 * (thermal_field.c: the potential; thermal_solve.c: the bioheat solve).
 */
#ifndef SCAR_THERMAL_INTERNAL_H
#define SCAR_THERMAL_INTERNAL_H

#include "thermal.h"

#include <stdlib.h>
#include <string.h>

#define IDX(g, i, j, k) (((size_t)(k) * (g)->ny + (size_t)(j)) * (g)->nx + (size_t)(i))

static inline void subgrid_free(scar_subgrid *g)
{
    free(g->x);
    free(g->y);
    free(g->z);
    memset(g, 0, sizeof *g);
}

/* The conductance (S) of half of cell v towards a face of area A (mm^2), the
 * cell being d (mm) thick across it: sigma A / (d/2), in SI. */
static inline double half_g(double sigma, double A, double d)
{
    return sigma * A / (0.5 * d) * 1e-3;
}

static inline double cell_d(const scar_subgrid *g, int dir, size_t i)
{
    const double *e = dir == 0 ? g->x : dir == 1 ? g->y : g->z;
    return e[i + 1] - e[i];
}

/* Cross-section of a face normal to dir of the cell (i, j, k), mm^2. */
static inline double face_area(const scar_subgrid *g, int dir, size_t i, size_t j, size_t k)
{
    double dx = cell_d(g, 0, i), dy = cell_d(g, 1, j), dz = cell_d(g, 2, k);
    return dir == 0 ? dy * dz : dir == 1 ? dx * dz : dx * dy;
}

/* Threads for the sub-grid: the context's count when it sets one, else 1.
 * The sub-grid holds ~1e5 cells and a step is ~3 ms of work behind a few
 * barriers; with a core busy elsewhere two threads took 3.4 s for a lesion
 * one thread does in 0.32 s.  Results do not depend on the count (no
 * reductions across threads: sums go per plane or column). */
static inline int nthreads(scar_ctx *ctx)
{
    return scar_ctx_threads(ctx) > 0 ? scar_ctx_threads(ctx) : 1;
}

#endif /* SCAR_THERMAL_INTERNAL_H */
