/*
 * scan_smooth.c — separable Gaussian smoothing of a height map or of a
 * rectangle of it.  The edge samples are repeated outwards, so the border of
 * a field is not pulled towards zero and does not look like a depression.
 */
#include "scan_internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>

/* Truncation at 3 sigma leaves 0.3% of the weight out, far below the
 * detection thresholds' margins. */
#define KERNEL_SIGMAS 3.0
/* Rows per strip of the whole-map pass: the horizontal pass is redone on the
 * 2r rows a strip shares with its neighbours, 1.2x the work at r = 15. */
#define STRIP_ROWS 128

/* `omp simd` makes GCC -O2 vectorise the row loops; clang's -O1 sanitizer
 * build may not honour it and would turn that into an error, and an
 * unvectorised loop there is harmless. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#endif

scar_status scan_kernel_make(scar_ctx *ctx, double sigma_px, scan_kernel *k)
{
    k->r = sigma_px > 0 ? (int)ceil(KERNEL_SIGMAS * sigma_px) : 0;
    k->w = scar_malloc(ctx, (size_t)(2 * k->r + 1) * sizeof *k->w);
    if (!k->w)
        return SCAR_ENOMEM;
    if (k->r == 0) {
        k->w[0] = 1;
        return SCAR_OK;
    }
    double sum = 0;
    for (int i = -k->r; i <= k->r; i++)
        sum += exp(-0.5 * (double)i * (double)i / (sigma_px * sigma_px));
    for (int i = -k->r; i <= k->r; i++)
        k->w[i + k->r] = (float)(exp(-0.5 * (double)i * (double)i / (sigma_px * sigma_px)) / sum);
    return SCAR_OK;
}

void scan_kernel_free(scan_kernel *k)
{
    free(k->w);
    k->w = NULL;
}

static size_t clampz(ptrdiff_t i, size_t n)
{
    return i < 0 ? 0 : (size_t)i >= n ? n - 1 : (size_t)i;
}

size_t scan_smooth_tmp_size(size_t ny, size_t x0, size_t x1, size_t y0, size_t y1,
                            const scan_kernel *ky)
{
    size_t r = (size_t)ky->r;
    size_t ya = y0 > r ? y0 - r : 0, yb = y1 + r < ny ? y1 + r : ny;
    return (yb - ya) * (x1 - x0);
}

/* One sample near the row's ends, where the kernel reaches past them. */
static float edge_sample(const float *row, size_t nx, size_t i, const scan_kernel *k)
{
    float s = 0;
    for (int t = -k->r; t <= k->r; t++)
        s += k->w[t + k->r] * row[clampz((ptrdiff_t)i + t, nx)];
    return s;
}

/* out[i - x0] for i in [x0, x1): the row convolved along x. */
static void conv_row(const float *restrict row, size_t nx, size_t x0, size_t x1,
                     const scan_kernel *k, float *restrict out)
{
    size_t r = (size_t)k->r;
    const float *w = k->w;
    /* Interior samples, whose kernel lies inside the row, vectorise. */
    size_t lo = x0 > r ? x0 : r, hi = nx > r && x1 > nx - r ? nx - r : x1;
    if (nx <= r || lo > hi)
        lo = hi = x0; /* no interior: every sample is an edge sample */
    for (size_t i = lo; i < hi; i++)
        out[i - x0] = 0;
    for (size_t t = 0; t <= 2 * r; t++) {
        const float *src = row + lo + t - r;
        float *dst = out + (lo - x0);
        float wt = w[t];
#pragma omp simd
        for (size_t i = 0; i < hi - lo; i++)
            dst[i] += wt * src[i];
    }
    for (size_t i = x0; i < lo; i++)
        out[i - x0] = edge_sample(row, nx, i, k);
    for (size_t i = hi; i < x1; i++)
        out[i - x0] = edge_sample(row, nx, i, k);
}

void scan_smooth_rect(const float *z, size_t nx, size_t ny, size_t x0, size_t x1, size_t y0,
                      size_t y1, const scan_kernel *kx, const scan_kernel *ky,
                      float *restrict tmp, float *restrict out)
{
    size_t r = (size_t)ky->r, w = x1 - x0;
    size_t ya = y0 > r ? y0 - r : 0, yb = y1 + r < ny ? y1 + r : ny;
    for (size_t y = ya; y < yb; y++)
        conv_row(z + y * nx, nx, x0, x1, kx, tmp + (y - ya) * w);
    for (size_t y = y0; y < y1; y++) {
        float *o = out + (y - y0) * w;
        for (size_t i = 0; i < w; i++)
            o[i] = 0;
        for (size_t t = 0; t <= 2 * r; t++) {
            size_t yy = clampz((ptrdiff_t)y + (ptrdiff_t)t - (ptrdiff_t)r, ny);
            const float *src = tmp + (yy - ya) * w;
            float wt = ky->w[t];
#pragma omp simd
            for (size_t i = 0; i < w; i++)
                o[i] += wt * src[i];
        }
    }
}

scar_status scan_smooth_map(scar_ctx *ctx, const scar_heightmap *hm, double sigma_um,
                            int threads, float *out, double lo, double hi)
{
    scan_kernel kx = {0}, ky = {0};
    float *tmp = NULL;
    scar_status st = scan_kernel_make(ctx, sigma_um / hm->dx_um, &kx);
    if (!st)
        st = scan_kernel_make(ctx, sigma_um / hm->dy_um, &ky);
    if (st)
        goto done;
    size_t nx = hm->nx, ny = hm->ny;
    size_t strips = (ny + STRIP_ROWS - 1) / STRIP_ROWS;
    /* A strip reads its rows and ky.r more on each side. */
    size_t per = STRIP_ROWS + 2 * (size_t)ky.r;
    per = (per < ny ? per : ny) * nx;
    int team = threads < (int)strips ? threads : (int)strips;
    tmp = scar_malloc(ctx, (size_t)team * per * sizeof *tmp);
    if (!tmp) {
        st = SCAR_ENOMEM;
        goto done;
    }
    /* Batches of strips, so that progress is reported from this thread. */
    enum { BATCHES = 8 };
    for (size_t b = 0; b < BATCHES; b++) {
        size_t s0 = strips * b / BATCHES, s1 = strips * (b + 1) / BATCHES;
#pragma omp parallel for num_threads(team) schedule(static)
        for (size_t s = s0; s < s1; s++) {
            size_t y0 = s * STRIP_ROWS, y1 = y0 + STRIP_ROWS < ny ? y0 + STRIP_ROWS : ny;
            float *t = tmp + (size_t)omp_get_thread_num() * per;
            scan_smooth_rect(hm->z_um, nx, ny, 0, nx, y0, y1, &kx, &ky, t, out + y0 * nx);
        }
        scar_progress(ctx, "scan", lo + (hi - lo) * (double)(b + 1) / BATCHES);
    }
done:
    free(tmp);
    scan_kernel_free(&kx);
    scan_kernel_free(&ky);
    return st;
}
