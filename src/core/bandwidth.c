/*
 * bandwidth.c — wall-clock time and a STREAM-like triad (McCalpin's STREAM,
 * https://www.cs.virginia.edu/stream/): the bandwidth against which every
 * benchmark states the fraction it reaches.
 */
#include "core.h"

#include <omp.h>
#include <stdlib.h>
#include <time.h>

double scar_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

scar_status scar_measure_bandwidth(scar_ctx *ctx, size_t n, int repeats, double *gbs)
{
    double *a = scar_alloc_aligned(ctx, n * sizeof *a);
    double *b = a ? scar_alloc_aligned(ctx, n * sizeof *b) : NULL;
    double *c = b ? scar_alloc_aligned(ctx, n * sizeof *c) : NULL;
    if (!c) {
        free(a);
        free(b);
        return SCAR_ENOMEM;
    }
    int threads = scar_ctx_threads(ctx) > 0 ? scar_ctx_threads(ctx) : omp_get_max_threads();
    /* First touch in parallel, so pages land where the threads run. */
    long ln = (long)n;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long i = 0; i < ln; i++) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
    double best = 1e300;
    const double s = 3.0;
    for (int r = 0; r < repeats; r++) {
        double t0 = scar_now_s();
#pragma omp parallel for num_threads(threads) schedule(static)
        for (long i = 0; i < ln; i++)
            a[i] = b[i] + s * c[i];
        double t = scar_now_s() - t0;
        if (t < best)
            best = t;
    }
    /* Keep the result alive so the loop is not optimised away. */
    volatile double sink = a[n / 2];
    (void)sink;
    free(a);
    free(b);
    free(c);
    *gbs = 3.0 * 8.0 * (double)n / best * 1e-9;
    return SCAR_OK;
}
