/*
 * lod.c — backward-Euler LOD diffusion-decay (lod.h): coefficients and sweeps.
 *
 * Thomas in symmetric form.  Along a line, row p reads
 *     b_p u_p - g_{p-1/2} u_{p-1} - g_{p+1/2} u_{p+1} = d_p,
 *     b_p = 1 + dt*lambda/3 + g_{p-1/2} + g_{p+1/2},  g = dt * D_face / h^2.
 * With den_p = b_p - g_{p-1/2} m_{p-1}, inv_p = 1/den_p, m_p = g_{p+1/2} inv_p
 * (m is minus the textbook modified upper coefficient c'), the solve is
 *     forward   y_p = d_p + m_{p-1} y_{p-1}
 *     backward  u_p = inv_p y_p + m_p u_{p+1}.
 * Because the matrix is symmetric, the lower factor is m shifted by one, so
 * two coefficients per position suffice (BioFVM's thomas_cx and
 * thomas_denomx), the sweeps hold no division, and every operation adds
 * nonnegative terms: positivity holds exactly in floating point.
 *
 * Coefficient storage, chosen by measurement (`scarsim bench --case lod`):
 *  - uniform domain (every voxel one layer, BioFVM's benchmark): one set per
 *    direction, nx + ny + nz pairs, shared by all lines; a step streams only
 *    the field.
 *  - layered or masked domain: m and inv per voxel per direction, double,
 *    48 B/voxel.  Float would halve that but drift 1e-7 from the reference
 *    kernel; recomputing from a layer-pair table needs a division per voxel
 *    per sweep (and m's recurrence puts it on the critical path).  Several
 *    fields with the same D and lambda share one solver
 *    (scar_lod_step_fields), so the coefficients stream once per plane for
 *    all.  Measured on 200 x 200 x 50, 2 threads: uniform 1.7 ms per field
 *    (7.2 ms for 4), skin-like layers 6.8 ms per field (22.6 ms for 4).
 *
 * Memory passes: pass 1 takes one z-plane at a time (it stays in L2): x sweep
 * on blocks of XLANES rows, each block at once followed by the forward y
 * elimination of those rows while they are in L1, then the backward y sweep.
 * Pass 2 takes a chunk of columns over all z (chunk sized so nz rows of it fit
 * in L2): forward and backward z.  Each pass reads and writes the field once:
 * 32 B per voxel per step instead of 48 B for one pass per direction.
 *
 * The x sweep runs XLANES lines side by side, position by position, so the
 * latency of each line's recurrence hides behind the others (BioFVM solves
 * one line at a time and waits on it).  The y and z sweeps are naturally many
 * lines at once with contiguous x innermost.  Threads split planes (pass 1)
 * and column chunks (pass 2) with static schedules; each line's arithmetic is
 * the same whatever the split, so results are bitwise identical for any
 * thread count.
 */
#include "lod.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

/* Lines of an x sweep in flight together: enough independent recurrences to
 * cover the add latency, few enough that their cache lines stay in L1. */
#define XLANES 8
_Static_assert(XLANES == 8, "x_rows prefetches one 64-byte line per position");
/* Target size of one pass-2 chunk over all z planes (bytes): half an L2. */
#define ZCHUNK_BYTES (512u * 1024u)

/* `omp simd` makes GCC -O2 vectorize the row loops (its default cost model
 * will not); clang's -O1 sanitizer build cannot honour it and would turn that
 * into an error, and an unvectorized loop there is harmless. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#endif

/* A write prefetch of the cache line at p (p may be NULL: nothing). */
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p)                                                                                \
    do {                                                                                           \
        const double *p_ = (p);                                                                    \
        if (p_)                                                                                    \
            __builtin_prefetch(p_, 1, 3);                                                          \
    } while (0)
#else
#define PREFETCH(p) ((void)(p))
#endif

struct scar_lod {
    scar_grid g;
    uint8_t *layer; /* copy of the layer ids; NULL on the uniform path */
    uint8_t ulayer; /* the layer of every voxel on the uniform path */
    double D[SCAR_LAYER_COUNT];
    double lambda;
    double dt; /* 0 until scar_lod_set_dt */
    /* Per direction (0 x, 1 y, 2 z): uniform path, one entry per position
     * along the line; general path, one entry per voxel. */
    double *m[3], *inv[3];
    size_t zchunk; /* columns per pass-2 chunk */
};

static double face_D(const double *D, unsigned a, unsigned b)
{
    if (a == SCAR_LAYER_NONE || b == SCAR_LAYER_NONE || D[a] == 0.0 || D[b] == 0.0)
        return 0.0;
    if (a == b)
        return D[a];
    return 2.0 * D[a] * D[b] / (D[a] + D[b]); /* harmonic mean: series resistances */
}

static scar_status check_args(scar_ctx *ctx, const scar_grid *g, const uint8_t *layer,
                              const double *D, double lambda)
{
    size_t n;
    if (g->nx == 0 || g->ny == 0 || g->nz == 0 || !scar_mul_ok(g->nx, g->ny, &n) ||
        !scar_mul_ok(n, g->nz, &n) || n != g->n)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "grid",
                             "expected nx, ny, nz >= 1 and n = nx*ny*nz, found %zu x %zu x %zu, "
                             "n = %zu",
                             g->nx, g->ny, g->nz, g->n);
    if (!isfinite(g->h_mm) || g->h_mm <= 0)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "h_mm",
                             "expected a voxel edge > 0, found %g", g->h_mm);
    for (int l = 0; l < SCAR_LAYER_COUNT; l++)
        if (!isfinite(D[l]) || D[l] < 0) {
            char field[64];
            snprintf(field, sizeof field, "D_layer_mm2_day[%d]", l);
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, field,
                                 "expected a diffusivity >= 0 (mm^2/day), found %g", D[l]);
        }
    if (!isfinite(lambda) || lambda < 0)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "lambda_per_day",
                             "expected a decay rate >= 0 (1/day), found %g", lambda);
    if (layer)
        for (size_t q = 0; q < g->n; q++)
            if (layer[q] >= SCAR_LAYER_COUNT)
                return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "layer",
                                     "expected layer ids 0-%d, found %u at voxel %zu",
                                     SCAR_LAYER_COUNT - 1, (unsigned)layer[q], q);
    return SCAR_OK;
}

scar_status scar_lod_create(scar_ctx *ctx, const scar_grid *g, const uint8_t *layer,
                            const double D_layer_mm2_day[SCAR_LAYER_COUNT], double lambda_per_day,
                            scar_lod **out)
{
    *out = NULL;
    scar_status st = check_args(ctx, g, layer, D_layer_mm2_day, lambda_per_day);
    if (st)
        return st;
    scar_lod *L = scar_calloc(ctx, 1, sizeof *L);
    if (!L)
        return SCAR_ENOMEM;
    L->g = *g;
    L->lambda = lambda_per_day;
    for (int l = 0; l < SCAR_LAYER_COUNT; l++)
        L->D[l] = D_layer_mm2_day[l];
    L->ulayer = layer ? layer[0] : SCAR_LAYER_DERMIS;
    bool uniform = true;
    for (size_t q = 0; layer && q < g->n && uniform; q++)
        uniform = layer[q] == L->ulayer;
    const size_t len[3] = {g->nx, g->ny, g->nz};
    for (int d = 0; d < 3; d++) {
        size_t cnt = uniform ? len[d] : g->n;
        L->m[d] = scar_alloc_aligned(ctx, cnt * sizeof(double));
        L->inv[d] = scar_alloc_aligned(ctx, cnt * sizeof(double));
        if (!L->m[d] || !L->inv[d])
            goto fail;
    }
    if (!uniform) {
        L->layer = scar_malloc(ctx, g->n);
        if (!L->layer)
            goto fail;
        for (size_t q = 0; q < g->n; q++)
            L->layer[q] = layer[q];
    }
    size_t plane = g->nx * g->ny;
    size_t c = ZCHUNK_BYTES / sizeof(double) / g->nz;
    c = c < 64 ? 64 : c & ~(size_t)7;
    L->zchunk = c < plane ? c : plane;
    *out = L;
    return SCAR_OK;
fail:
    scar_lod_destroy(&L);
    return SCAR_ENOMEM;
}

void scar_lod_destroy(scar_lod **L)
{
    if (!L || !*L)
        return;
    for (int d = 0; d < 3; d++) {
        free((*L)->m[d]);
        free((*L)->inv[d]);
    }
    free((*L)->layer);
    free(*L);
    *L = NULL;
}

size_t scar_lod_coef_bytes(const scar_lod *L)
{
    size_t per = L->layer ? 3 * L->g.n : L->g.nx + L->g.ny + L->g.nz;
    return 2 * per * sizeof(double);
}

bool scar_lod_is_uniform(const scar_lod *L)
{
    return L->layer == NULL;
}

/* ------------------------------------------------------------------------ */
/* coefficients                                                             */
/* ------------------------------------------------------------------------ */

/* The coefficients of position p of `lanes` lines side by side: lane l's
 * voxel is q = q0 + l*ls, its neighbours along the line q -/+ s; first and
 * last: p is the line's first or last position.  The lines go forward one
 * position per call, so m[q - s] is ready; keeping the lanes innermost makes
 * the divisions independent (a line at a time waits on each one: set_dt of
 * 200 x 200 x 50 layered, 2 threads, took 23 ms that way, 10 ms this way).
 * layer NULL: every voxel is ulayer.  G[a][b]: the face conductance
 * dt*D_face/h^2 between layers a and b; kappa = dt*lambda/3. */
static void coef_lanes(const uint8_t *layer, uint8_t ulayer, double G[][SCAR_LAYER_COUNT],
                       double kappa, size_t q0, size_t lanes, size_t ls, size_t s, bool first,
                       bool last, double *restrict m, double *restrict inv)
{
    for (size_t l = 0; l < lanes; l++) {
        size_t q = q0 + l * ls;
        unsigned la = layer ? layer[q] : ulayer;
        if (la == SCAR_LAYER_NONE) { /* outside: identity row, left untouched */
            m[q] = 0.0;
            inv[q] = 1.0;
            continue;
        }
        double gl = first ? 0.0 : G[layer ? layer[q - s] : ulayer][la];
        double gr = last ? 0.0 : G[la][layer ? layer[q + s] : ulayer];
        double b = 1.0 + kappa + gl + gr;
        double iv = 1.0 / (first ? b : b - gl * m[q - s]);
        inv[q] = iv;
        m[q] = gr * iv;
    }
}

scar_status scar_lod_set_dt(scar_ctx *ctx, scar_lod *L, double dt_day)
{
    if (!isfinite(dt_day) || dt_day <= 0)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "dt_day",
                             "expected a time step > 0 (day), found %g", dt_day);
    double G[SCAR_LAYER_COUNT][SCAR_LAYER_COUNT];
    double h2 = L->g.h_mm * L->g.h_mm;
    for (unsigned a = 0; a < SCAR_LAYER_COUNT; a++)
        for (unsigned b = 0; b < SCAR_LAYER_COUNT; b++) {
            G[a][b] = dt_day * face_D(L->D, a, b) / h2;
            if (!isfinite(G[a][b]))
                return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "dt_day",
                                     "dt*D/h^2 overflows for dt = %g day", dt_day);
        }
    double kappa = dt_day * L->lambda / 3.0;
    if (!isfinite(kappa))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "dt_day",
                             "dt*lambda overflows for dt = %g day", dt_day);
    L->dt = dt_day;
    const size_t nx = L->g.nx, ny = L->g.ny, nz = L->g.nz, plane = nx * ny;
    if (!L->layer) {
        const size_t len[3] = {nx, ny, nz};
        for (int d = 0; d < 3; d++)
            for (size_t p = 0; p < len[d]; p++)
                coef_lanes(NULL, L->ulayer, G, kappa, p, 1, 1, 1, p == 0, p + 1 == len[d], L->m[d],
                           L->inv[d]);
        return SCAR_OK;
    }
    int nt = scar_ctx_threads(ctx) > 0 ? scar_ctx_threads(ctx) : omp_get_max_threads();
    const uint8_t *lay = L->layer;
    const size_t rows = ny * nz, nchunks = (plane + L->zchunk - 1) / L->zchunk;
#pragma omp parallel num_threads(nt)
    {
        /* x: blocks of XLANES rows (row r starts at r*nx). */
#pragma omp for schedule(static) nowait
        for (size_t r0 = 0; r0 < rows; r0 += XLANES) {
            size_t lanes = rows - r0 < XLANES ? rows - r0 : XLANES;
            for (size_t i = 0; i < nx; i++)
                coef_lanes(lay, 0, G, kappa, r0 * nx + i, lanes, nx, 1, i == 0, i + 1 == nx,
                           L->m[0], L->inv[0]);
        }
        /* y: each plane, row after row. */
#pragma omp for schedule(static) nowait
        for (size_t k = 0; k < nz; k++) {
            for (size_t j = 0; j < ny; j++)
                coef_lanes(lay, 0, G, kappa, k * plane + j * nx, nx, 1, nx, j == 0, j + 1 == ny,
                           L->m[1], L->inv[1]);
        }
        /* z: each column chunk, plane after plane. */
#pragma omp for schedule(static) nowait
        for (size_t c = 0; c < nchunks; c++) {
            size_t c0 = c * L->zchunk, w = plane - c0 < L->zchunk ? plane - c0 : L->zchunk;
            for (size_t k = 0; k < nz; k++)
                coef_lanes(lay, 0, G, kappa, k * plane + c0, w, 1, plane, k == 0, k + 1 == nz,
                           L->m[2], L->inv[2]);
        }
    }
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* pass 1: x and y sweeps of one z-plane                                    */
/* ------------------------------------------------------------------------ */

/* x sweep of `lanes` consecutive rows r (stride nx) solved side by side.
 * Coefficients of row l at position i: m[l*cs + i] (cs = nx: per voxel;
 * cs = 0: shared by all rows).  Inlined with constant lanes and cs, the lane
 * loops unroll into independent recurrences and the shared coefficients load
 * once per position.  pf: the next block of rows (XLANES*nx doubles, NULL for
 * none), prefetched one cache line per position (XLANES rows of nx
 * doubles are nx lines of 8 doubles): the plane's first touch
 * comes from memory, and XLANES interleaved streams of nx doubles are too
 * short for the hardware prefetcher.  Measured, pass 1 of 4 fields on 2
 * threads: 11.2 ms with the lane loop left rolled, 7.5 unrolled, 6.5 with the
 * prefetch, 4.7 with cs a constant.  Vectorizing over the lanes instead
 * (omp simd, strided loads) was slower at the SSE2 baseline. */
static inline void x_rows(double *restrict r, size_t nx, size_t lanes, const double *restrict m,
                          const double *restrict inv, size_t cs, const double *pf)
{
    double y[XLANES];
#pragma GCC unroll 8
    for (size_t l = 0; l < lanes; l++)
        y[l] = r[l * nx];
    for (size_t i = 1; i < nx; i++) {
        PREFETCH(pf ? pf + 8 * (i - 1) : NULL);
#pragma GCC unroll 8
        for (size_t l = 0; l < lanes; l++)
            r[l * nx + i] = y[l] = r[l * nx + i] + m[l * cs + i - 1] * y[l];
    }
#pragma GCC unroll 8
    for (size_t l = 0; l < lanes; l++)
        r[l * nx + nx - 1] = y[l] = inv[l * cs + nx - 1] * y[l];
    for (size_t i = nx - 1; i-- > 0;)
#pragma GCC unroll 8
        for (size_t l = 0; l < lanes; l++)
            r[l * nx + i] = y[l] = inv[l * cs + i] * r[l * nx + i] + m[l * cs + i] * y[l];
}

/* Forward y elimination of row j >= 1 of a plane: row j += m_{j-1} row j-1,
 * m shared (mv NULL, scalar ms) or per voxel (mv: row j-1's coefficients). */
static inline void y_fwd_row(double *restrict row, const double *restrict prev, size_t nx,
                             const double *restrict mv, double ms)
{
    if (mv) {
#pragma omp simd
        for (size_t i = 0; i < nx; i++)
            row[i] += mv[i] * prev[i];
    } else {
#pragma omp simd
        for (size_t i = 0; i < nx; i++)
            row[i] += ms * prev[i];
    }
}

/* Backward y (and z) step: row = inv*row + m*next, per voxel or shared. */
static inline void back_row(double *restrict row, const double *restrict next, size_t nx,
                            const double *restrict iv, const double *restrict mv, double is,
                            double ms)
{
    if (mv) {
        if (next) {
#pragma omp simd
            for (size_t i = 0; i < nx; i++)
                row[i] = iv[i] * row[i] + mv[i] * next[i];
        } else {
#pragma omp simd
            for (size_t i = 0; i < nx; i++)
                row[i] = iv[i] * row[i];
        }
    } else {
        if (next) {
#pragma omp simd
            for (size_t i = 0; i < nx; i++)
                row[i] = is * row[i] + ms * next[i];
        } else {
#pragma omp simd
            for (size_t i = 0; i < nx; i++)
                row[i] = is * row[i];
        }
    }
}

/* x and y sweeps of plane k of field u. */
static void plane_xy(const scar_lod *L, double *restrict u, size_t k)
{
    const size_t nx = L->g.nx, ny = L->g.ny, plane = nx * ny;
    const bool per_voxel = L->layer != NULL;
    double *P = u + k * plane;
    const double *xm = L->m[0], *xi = L->inv[0], *ym = L->m[1], *yi = L->inv[1];
    if (per_voxel) {
        xm += k * plane;
        xi += k * plane;
        ym += k * plane;
        yi += k * plane;
    }
    for (size_t j0 = 0; j0 < ny; j0 += XLANES) {
        size_t lanes = ny - j0 < XLANES ? ny - j0 : XLANES;
        const size_t c0 = per_voxel ? j0 * nx : 0;
        const double *pf = j0 + 2 * XLANES <= ny ? P + (j0 + XLANES) * nx : NULL;
        if (lanes == XLANES && per_voxel)
            x_rows(P + j0 * nx, nx, XLANES, xm + c0, xi + c0, nx, pf);
        else if (lanes == XLANES)
            x_rows(P + j0 * nx, nx, XLANES, xm, xi, 0, pf);
        else
            for (size_t l = 0; l < lanes; l++)
                x_rows(P + (j0 + l) * nx, nx, 1, xm + (per_voxel ? c0 + l * nx : 0),
                       xi + (per_voxel ? c0 + l * nx : 0), 0, NULL);
        /* The rows are still in L1: eliminate them forward in y now. */
        for (size_t j = j0 > 0 ? j0 : 1; j < j0 + lanes; j++)
            y_fwd_row(P + j * nx, P + (j - 1) * nx, nx, per_voxel ? ym + (j - 1) * nx : NULL,
                      per_voxel ? 0.0 : ym[j - 1]);
    }
    for (size_t j = ny; j-- > 0;) {
        const double *next = j + 1 < ny ? P + (j + 1) * nx : NULL;
        if (per_voxel)
            back_row(P + j * nx, next, nx, yi + j * nx, ym + j * nx, 0.0, 0.0);
        else
            back_row(P + j * nx, next, nx, NULL, NULL, yi[j], ym[j]);
    }
}

/* ------------------------------------------------------------------------ */
/* pass 2: z sweep of a chunk of columns [s, e) of the plane                */
/* ------------------------------------------------------------------------ */

static void z_chunk(const scar_lod *L, double *restrict u, size_t s, size_t e)
{
    const size_t nz = L->g.nz, plane = L->g.nx * L->g.ny, w = e - s;
    const bool per_voxel = L->layer != NULL;
    const double *zm = L->m[2], *zi = L->inv[2];
    for (size_t k = 1; k < nz; k++) {
        double *row = u + k * plane + s;
        const double *prev = row - plane;
        if (per_voxel)
            y_fwd_row(row, prev, w, zm + (k - 1) * plane + s, 0.0);
        else
            y_fwd_row(row, prev, w, NULL, zm[k - 1]);
    }
    for (size_t k = nz; k-- > 0;) {
        double *row = u + k * plane + s;
        const double *next = k + 1 < nz ? row + plane : NULL;
        if (per_voxel)
            back_row(row, next, w, zi + k * plane + s, zm + k * plane + s, 0.0, 0.0);
        else
            back_row(row, next, w, NULL, NULL, zi[k], zm[k]);
    }
}

void scar_lod_step_fields(scar_lod *L, double *const *u, size_t nfields, int threads)
{
    /* Stepping before set_dt is a programming error, not bad input. */
    if (L->dt <= 0 || nfields == 0)
        return;
    int nt = threads > 0 ? threads : omp_get_max_threads();
    const size_t nz = L->g.nz, plane = L->g.nx * L->g.ny, nf = nfields;
    const size_t nchunks = (plane + L->zchunk - 1) / L->zchunk;
    /* Work items are plane-major (chunk-major) and field-minor, so one
     * thread takes the fields of a plane in a row and reuses its
     * coefficients from cache. */
#pragma omp parallel num_threads(nt)
    {
#pragma omp for schedule(static)
        for (size_t w = 0; w < nz * nf; w++)
            plane_xy(L, u[w % nf], w / nf);
#pragma omp for schedule(static)
        for (size_t w = 0; w < nchunks * nf; w++) {
            size_t s = (w / nf) * L->zchunk;
            size_t e = s + L->zchunk < plane ? s + L->zchunk : plane;
            z_chunk(L, u[w % nf], s, e);
        }
    }
}

void scar_lod_step(scar_lod *L, double *u, int threads)
{
    scar_lod_step_fields(L, &u, 1, threads);
}
