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
 * Coefficient storage.  A line's coefficients depend only on the sequence of
 * layers along it, and a skin has few such sequences: every x row of normal
 * skin below the surface is the same, and columns differ only where the
 * surface or a scar does.  So the lines of each direction are grouped into
 * profiles (identical layer sequences, found once at creation) and the
 * coefficients are kept per profile, not per voxel: bitwise the numbers a
 * per-voxel table would hold, since each is computed from the same layers in
 * the same order.  A sweep then streams the field alone: a block of x rows
 * with one profile reads one shared line of coefficients (rows of several,
 * one line each), and the y and z sweeps go run by run over neighbouring
 * lines of one profile, one coefficient per run and position (the table is
 * small and stays in cache).  The reference course (240 x 240 x 81 voxels, a
 * rough surface, a boxcar and an icepick hole through the dermis) has 1,379
 * row, 1,349 y-line and 49 column profiles against 4.7 million voxels.  The
 * per-voxel table this replaced streamed 48 B per voxel per step beside the
 * field's 32 B; the course's diffusion went from 44.0 s to 22.1 s (`scarsim
 * bench --case course`), and to 15.3 s with the runs and the work items
 * dealt out one by one.  A grid of one layer has one profile per direction
 * (BioFVM's benchmark).  Several fields with the same D and lambda share one
 * solver (scar_lod_step_fields).
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
#include <string.h>

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

/* The lines of one direction grouped by their layer sequence. */
typedef struct lod_lines {
    size_t len;      /* voxels per line */
    size_t nlines;   /* x: ny*nz rows (k*ny + j); y: nx*nz (k*nx + i); z: nx*ny columns */
    size_t nprof;    /* distinct layer sequences */
    uint32_t *prof;  /* nlines: each line's profile */
    uint8_t *layers; /* nprof*len: each profile's layer sequence */
    /* coefficients, set by scar_lod_set_dt: x line-major [p*len + pos] (a row
     * reads one profile's line); y and z position-major [pos*nprof + p] (a
     * row of the sweep reads its runs' profiles at one position) */
    double *m, *inv;
    /* y: per plane, z: per column chunk, the runs of neighbouring lines
     * with one profile: unit u's runs are [run_off[u], run_off[u + 1]),
     * each starting at line run_start[r] of the unit with profile
     * run_prof[r] (one run: the whole unit shares its coefficients) */
    size_t *run_off;
    uint32_t *run_start, *run_prof;
} lod_lines;

/* No profile: an empty slot of the profile table, or lines of several. */
#define LOD_NO_PROFILE UINT32_MAX

struct scar_lod {
    scar_grid g;
    bool uniform; /* every voxel one layer */
    double D[SCAR_LAYER_COUNT];
    double lambda;
    double dt; /* 0 until scar_lod_set_dt */
    lod_lines dir[3]; /* x, y, z */
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

/* Voxel q of line `line`, position p, in direction d. */
static size_t line_voxel(const scar_grid *g, int d, size_t line, size_t p)
{
    size_t plane = g->nx * g->ny;
    if (d == 0)
        return line * g->nx + p;
    if (d == 1)
        return (line / g->nx) * plane + (line % g->nx) + p * g->nx;
    return line + p * plane;
}

/* FNV-1a over a layer sequence: the hash of the profile table below. */
static uint64_t seq_hash(const uint8_t *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

/* Groups the lines of direction d by layer sequence (layer NULL: every voxel
 * ulayer, one profile).  A small open-addressing hash table of profile
 * indices, written here because the job is a dozen lines and C has none. */
static scar_status build_lines(scar_ctx *ctx, const scar_grid *g, const uint8_t *layer,
                               uint8_t ulayer, int d, lod_lines *ln)
{
    const size_t len[3] = {g->nx, g->ny, g->nz};
    ln->len = len[d];
    ln->nlines = g->n / ln->len;
    ln->prof = scar_malloc(ctx, ln->nlines * sizeof *ln->prof);
    if (!ln->prof)
        return SCAR_ENOMEM;
    if (!layer) {
        ln->nprof = 1;
        ln->layers = scar_malloc(ctx, ln->len);
        if (!ln->layers)
            return SCAR_ENOMEM;
        memset(ln->layers, ulayer, ln->len);
        memset(ln->prof, 0, ln->nlines * sizeof *ln->prof);
        return SCAR_OK;
    }
    size_t cap = 16;
    while (cap < 2 * ln->nlines)
        cap *= 2;
    uint32_t *slot = scar_malloc(ctx, cap * sizeof *slot);
    uint8_t *seq = scar_malloc(ctx, ln->len);
    /* at most one profile per line: n bytes, trimmed afterwards */
    ln->layers = scar_malloc(ctx, g->n);
    if (!slot || !seq || !ln->layers) {
        free(slot);
        free(seq);
        return SCAR_ENOMEM;
    }
    memset(slot, 0xff, cap * sizeof *slot);
    ln->nprof = 0;
    for (size_t line = 0; line < ln->nlines; line++) {
        for (size_t p = 0; p < ln->len; p++)
            seq[p] = layer[line_voxel(g, d, line, p)];
        size_t s = (size_t)seq_hash(seq, ln->len) & (cap - 1);
        for (;; s = (s + 1) & (cap - 1)) {
            uint32_t pr = slot[s];
            if (pr == LOD_NO_PROFILE) {
                pr = (uint32_t)ln->nprof++;
                memcpy(ln->layers + (size_t)pr * ln->len, seq, ln->len);
                slot[s] = pr;
            }
            if (memcmp(ln->layers + (size_t)slot[s] * ln->len, seq, ln->len) == 0) {
                ln->prof[line] = slot[s];
                break;
            }
        }
    }
    free(slot);
    free(seq);
    uint8_t *trim = scar_realloc(ctx, ln->layers, ln->nprof * ln->len);
    if (trim)
        ln->layers = trim;
    return SCAR_OK;
}

/* Columns of pass-2 chunk c: [c zchunk, c zchunk + chunk_cols). */
static size_t chunk_cols(const scar_lod *L, size_t c)
{
    size_t plane = L->g.nx * L->g.ny, s = c * L->zchunk;
    return plane - s < L->zchunk ? plane - s : L->zchunk;
}

/* The profile shared by lines [a, a + n) of a direction, or LOD_NO_PROFILE. */
static uint32_t common_profile(const lod_lines *ln, size_t a, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (ln->prof[a + i] != ln->prof[a])
            return LOD_NO_PROFILE;
    return ln->prof[a];
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
    uint8_t ulayer = layer ? layer[0] : SCAR_LAYER_DERMIS;
    L->uniform = true;
    for (size_t q = 0; layer && q < g->n && L->uniform; q++)
        L->uniform = layer[q] == ulayer;
    size_t plane = g->nx * g->ny;
    size_t c = ZCHUNK_BYTES / sizeof(double) / g->nz;
    c = c < 64 ? 64 : c & ~(size_t)7;
    L->zchunk = c < plane ? c : plane;
    const size_t nchunks = (plane + L->zchunk - 1) / L->zchunk;
    st = SCAR_ENOMEM;
    for (int d = 0; d < 3; d++) {
        lod_lines *ln = &L->dir[d];
        if ((st = build_lines(ctx, g, L->uniform ? NULL : layer, ulayer, d, ln)))
            goto fail;
        st = SCAR_ENOMEM;
        ln->m = scar_alloc_aligned(ctx, ln->nprof * ln->len * sizeof(double));
        ln->inv = scar_alloc_aligned(ctx, ln->nprof * ln->len * sizeof(double));
        if (!ln->m || !ln->inv)
            goto fail;
        if (d == 0)
            continue;
        size_t units = d == 1 ? g->nz : nchunks, nruns = 0;
        ln->run_off = scar_malloc(ctx, (units + 1) * sizeof *ln->run_off);
        /* at most one run per line */
        ln->run_start = scar_malloc(ctx, ln->nlines * sizeof *ln->run_start);
        ln->run_prof = scar_malloc(ctx, ln->nlines * sizeof *ln->run_prof);
        if (!ln->run_off || !ln->run_start || !ln->run_prof)
            goto fail;
        for (size_t u = 0; u < units; u++) {
            size_t a = d == 1 ? u * g->nx : u * L->zchunk;
            size_t n = d == 1 ? g->nx : chunk_cols(L, u);
            ln->run_off[u] = nruns;
            for (size_t i = 0; i < n; i++)
                if (i == 0 || ln->prof[a + i] != ln->prof[a + i - 1]) {
                    ln->run_start[nruns] = (uint32_t)i;
                    ln->run_prof[nruns++] = ln->prof[a + i];
                }
        }
        ln->run_off[units] = nruns;
    }
    *out = L;
    return SCAR_OK;
fail:
    scar_lod_destroy(&L);
    return st;
}

void scar_lod_destroy(scar_lod **L)
{
    if (!L || !*L)
        return;
    for (int d = 0; d < 3; d++) {
        lod_lines *ln = &(*L)->dir[d];
        free(ln->prof);
        free(ln->layers);
        free(ln->m);
        free(ln->inv);
        free(ln->run_off);
        free(ln->run_start);
        free(ln->run_prof);
    }
    free(*L);
    *L = NULL;
}

size_t scar_lod_coef_bytes(const scar_lod *L)
{
    size_t per = 0;
    for (int d = 0; d < 3; d++)
        per += L->dir[d].nprof * L->dir[d].len;
    return 2 * per * sizeof(double);
}

bool scar_lod_is_uniform(const scar_lod *L)
{
    return L->uniform;
}

size_t scar_lod_profiles(const scar_lod *L, int direction)
{
    return direction >= 0 && direction < 3 ? L->dir[direction].nprof : 0;
}

/* ------------------------------------------------------------------------ */
/* coefficients                                                             */
/* ------------------------------------------------------------------------ */

/* The coefficients of one line of layers lay[0..len), position p stored at
 * m[p*stride], inv[p*stride].  Outside voxels get identity rows (left
 * untouched).  G[a][b]: the face conductance dt*D_face/h^2 between layers a
 * and b; kappa = dt*lambda/3. */
static void coef_line(const uint8_t *lay, size_t len, double G[][SCAR_LAYER_COUNT], double kappa,
                      size_t stride, double *restrict m, double *restrict inv)
{
    for (size_t p = 0; p < len; p++) {
        size_t q = p * stride;
        unsigned la = lay[p];
        if (la == SCAR_LAYER_NONE) {
            m[q] = 0.0;
            inv[q] = 1.0;
            continue;
        }
        bool first = p == 0, last = p + 1 == len;
        double gl = first ? 0.0 : G[lay[p - 1]][la];
        double gr = last ? 0.0 : G[la][lay[p + 1]];
        double b = 1.0 + kappa + gl + gr;
        double iv = 1.0 / (first ? b : b - gl * m[q - stride]);
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
    int nt = scar_ctx_threads(ctx) > 0 ? scar_ctx_threads(ctx) : omp_get_max_threads();
    for (int d = 0; d < 3; d++) {
        lod_lines *ln = &L->dir[d];
        /* x: line-major; y, z: position-major */
        size_t off = d == 0 ? ln->len : 1, stride = d == 0 ? 1 : ln->nprof;
        long np = (long)ln->nprof;
#pragma omp parallel for schedule(static) num_threads(nt) if (np > 64)
        for (long p = 0; p < np; p++)
            coef_line(ln->layers + (size_t)p * ln->len, ln->len, G, kappa, stride,
                      ln->m + (size_t)p * off, ln->inv + (size_t)p * off);
    }
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* pass 1: x and y sweeps of one z-plane                                    */
/* ------------------------------------------------------------------------ */

/* x sweep of `lanes` consecutive rows r (stride nx) solved side by side.
 * Coefficients of row l at position i: mp[l][i], ip[l][i], or mp[0][i],
 * ip[0][i] for every row when `shared` (one profile).  Inlined with constant
 * lanes and shared, the lane loops unroll into independent recurrences and
 * shared coefficients load once per position.  pf: the next block of rows
 * (XLANES*nx doubles, NULL for none), prefetched one cache line per position
 * (XLANES rows of nx doubles are nx lines of 8 doubles): the plane's first
 * touch comes from memory, and XLANES interleaved streams of nx doubles are
 * too short for the hardware prefetcher.  Measured, pass 1 of 4 fields on 2
 * threads (per-voxel coefficients then): 11.2 ms with the lane loop left
 * rolled, 7.5 unrolled, 6.5 with the prefetch, 4.7 with shared coefficients.
 * Vectorizing over the lanes instead (omp simd, strided loads) was slower at
 * the SSE2 baseline. */
static inline void x_rows(double *restrict r, size_t nx, size_t lanes, const double *const *mp,
                          const double *const *ip, bool shared, const double *pf)
{
    double y[XLANES];
#pragma GCC unroll 8
    for (size_t l = 0; l < lanes; l++)
        y[l] = r[l * nx];
    for (size_t i = 1; i < nx; i++) {
        PREFETCH(pf ? pf + 8 * (i - 1) : NULL);
#pragma GCC unroll 8
        for (size_t l = 0; l < lanes; l++)
            r[l * nx + i] = y[l] = r[l * nx + i] + mp[shared ? 0 : l][i - 1] * y[l];
    }
#pragma GCC unroll 8
    for (size_t l = 0; l < lanes; l++)
        r[l * nx + nx - 1] = y[l] = ip[shared ? 0 : l][nx - 1] * y[l];
    for (size_t i = nx - 1; i-- > 0;)
#pragma GCC unroll 8
        for (size_t l = 0; l < lanes; l++)
            r[l * nx + i] = y[l] =
                ip[shared ? 0 : l][i] * r[l * nx + i] + mp[shared ? 0 : l][i] * y[l];
}

/* One unit's runs (lod_lines): count, first line and profile of each. */
typedef struct lod_runs {
    size_t n;
    const uint32_t *start, *prof;
} lod_runs;

static lod_runs unit_runs(const lod_lines *ln, size_t u)
{
    size_t r0 = ln->run_off[u];
    return (lod_runs){ln->run_off[u + 1] - r0, ln->run_start + r0, ln->run_prof + r0};
}

/* Forward elimination of one row of a y or z sweep, run by run: row += m
 * prev, m the run's coefficient at this position, T[profile]. */
static inline void fwd_row(double *restrict row, const double *restrict prev, size_t n,
                           const double *restrict T, lod_runs R)
{
    for (size_t q = 0; q < R.n; q++) {
        size_t a = R.start[q], b = q + 1 < R.n ? R.start[q + 1] : n;
        const double m = T[R.prof[q]];
#pragma omp simd
        for (size_t i = a; i < b; i++)
            row[i] += m * prev[i];
    }
}

/* Backward step of one row, run by run: row = inv row + m next (next NULL:
 * the last). */
static inline void back_row(double *restrict row, const double *restrict next, size_t n,
                            const double *restrict Ti, const double *restrict Tm, lod_runs R)
{
    for (size_t q = 0; q < R.n; q++) {
        size_t a = R.start[q], b = q + 1 < R.n ? R.start[q + 1] : n;
        const double is = Ti[R.prof[q]], ms = Tm[R.prof[q]];
        if (next) {
#pragma omp simd
            for (size_t i = a; i < b; i++)
                row[i] = is * row[i] + ms * next[i];
        } else {
#pragma omp simd
            for (size_t i = a; i < b; i++)
                row[i] = is * row[i];
        }
    }
}

/* x and y sweeps of plane k of field u. */
static void plane_xy(const scar_lod *L, double *restrict u, size_t k)
{
    const size_t nx = L->g.nx, ny = L->g.ny, plane = nx * ny;
    const lod_lines *X = &L->dir[0], *Y = &L->dir[1];
    double *P = u + k * plane;
    const uint32_t *xp = X->prof + k * ny; /* rows of the plane */
    const lod_runs yr = unit_runs(Y, k);
    const size_t ynp = Y->nprof;
    for (size_t j0 = 0; j0 < ny; j0 += XLANES) {
        size_t lanes = ny - j0 < XLANES ? ny - j0 : XLANES;
        const double *pf = j0 + 2 * XLANES <= ny ? P + (j0 + XLANES) * nx : NULL;
        const double *mp[XLANES], *ip[XLANES];
        for (size_t l = 0; l < lanes; l++) {
            mp[l] = X->m + (size_t)xp[j0 + l] * nx;
            ip[l] = X->inv + (size_t)xp[j0 + l] * nx;
        }
        bool shared = common_profile(X, k * ny + j0, lanes) != LOD_NO_PROFILE;
        if (lanes == XLANES && shared)
            x_rows(P + j0 * nx, nx, XLANES, mp, ip, true, pf);
        else if (lanes == XLANES)
            x_rows(P + j0 * nx, nx, XLANES, mp, ip, false, pf);
        else
            for (size_t l = 0; l < lanes; l++)
                x_rows(P + (j0 + l) * nx, nx, 1, mp + l, ip + l, true, NULL);
        /* The rows are still in L1: eliminate them forward in y now. */
        for (size_t j = j0 > 0 ? j0 : 1; j < j0 + lanes; j++) {
            const double *T = Y->m + (j - 1) * ynp;
            fwd_row(P + j * nx, P + (j - 1) * nx, nx, T, yr);
        }
    }
    for (size_t j = ny; j-- > 0;) {
        const double *next = j + 1 < ny ? P + (j + 1) * nx : NULL;
        const double *Ti = Y->inv + j * ynp, *Tm = Y->m + j * ynp;
        back_row(P + j * nx, next, nx, Ti, Tm, yr);
    }
}

/* ------------------------------------------------------------------------ */
/* pass 2: z sweep of chunk c of columns                                    */
/* ------------------------------------------------------------------------ */

static void z_chunk(const scar_lod *L, double *restrict u, size_t c)
{
    const size_t nz = L->g.nz, plane = L->g.nx * L->g.ny;
    const size_t s = c * L->zchunk, w = chunk_cols(L, c);
    const lod_lines *Z = &L->dir[2];
    const lod_runs zr = unit_runs(Z, c);
    const size_t np = Z->nprof;
    for (size_t k = 1; k < nz; k++) {
        double *row = u + k * plane + s;
        const double *T = Z->m + (k - 1) * np;
        fwd_row(row, row - plane, w, T, zr);
    }
    for (size_t k = nz; k-- > 0;) {
        double *row = u + k * plane + s;
        const double *next = k + 1 < nz ? row + plane : NULL;
        const double *Ti = Z->inv + k * np, *Tm = Z->m + k * np;
        back_row(row, next, w, Ti, Tm, zr);
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
    /* Work items (plane or chunk, field) are dealt out one by one: planes
     * and chunks crossing scars or the rough surface cost more, and
     * contiguous halves left a thread waiting (the reference course's
     * diffusion: 18.3 s in halves, 15.3 s dealt out). */
#pragma omp parallel num_threads(nt)
    {
#pragma omp for schedule(static, 1)
        for (size_t w = 0; w < nz * nf; w++)
            plane_xy(L, u[w % nf], w / nf);
#pragma omp for schedule(static, 1)
        for (size_t w = 0; w < nchunks * nf; w++)
            z_chunk(L, u[w % nf], w / nf);
    }
}

void scar_lod_step(scar_lod *L, double *u, int threads)
{
    scar_lod_step_fields(L, &u, 1, threads);
}
