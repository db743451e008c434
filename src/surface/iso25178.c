/*
 * iso25178.c — ISO 25178-2 areal height parameters of a levelled surface,
 * about its mean plane: Sa, Sq, Sp, Sv, Sz = Sp + Sv, Ssk, Sku.
 * Sums run in double over one row at a time, then over the rows in order,
 * so the result does not depend on the thread count.
 */
#include "scan_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { SUM, ABS, SQ, CUBE, QUART, LOW, HIGH, NSUM };

scar_status scar_iso25178_compute(scar_ctx *ctx, const scar_heightmap *levelled,
                                  scar_iso25178 *out)
{
    memset(out, 0, sizeof *out);
    if (!levelled || !levelled->z_um)
        return SCAR_RAISE(ctx, SCAR_EINPUT, "expected a height map, found none");
    size_t nx = levelled->nx, ny = levelled->ny;
    const float *z = levelled->z_um;
    int threads = scan_threads(ctx);
    double *part = scar_malloc(ctx, ny * NSUM * sizeof *part);
    if (!part)
        return SCAR_ENOMEM;

#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t j = 0; j < ny; j++) {
        double s = 0;
        for (size_t i = 0; i < nx; i++)
            s += z[j * nx + i];
        part[j * NSUM + SUM] = s;
    }
    double sum = 0;
    for (size_t j = 0; j < ny; j++)
        sum += part[j * NSUM + SUM];
    const double n = (double)nx * (double)ny, mean = sum / n;

#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t j = 0; j < ny; j++) {
        double a = 0, s2 = 0, s3 = 0, s4 = 0, lo = HUGE_VAL, hi = -HUGE_VAL;
        for (size_t i = 0; i < nx; i++) {
            double d = z[j * nx + i] - mean, d2 = d * d;
            a += fabs(d);
            s2 += d2;
            s3 += d2 * d;
            s4 += d2 * d2;
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        double *p = part + j * NSUM;
        p[ABS] = a;
        p[SQ] = s2;
        p[CUBE] = s3;
        p[QUART] = s4;
        p[LOW] = lo;
        p[HIGH] = hi;
    }
    double a = 0, s2 = 0, s3 = 0, s4 = 0, lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t j = 0; j < ny; j++) {
        const double *p = part + j * NSUM;
        a += p[ABS];
        s2 += p[SQ];
        s3 += p[CUBE];
        s4 += p[QUART];
        lo = p[LOW] < lo ? p[LOW] : lo;
        hi = p[HIGH] > hi ? p[HIGH] : hi;
    }
    free(part);
    out->Sa_um = a / n;
    out->Sq_um = sqrt(s2 / n);
    out->Sp_um = hi;
    out->Sv_um = -lo;
    out->Sz_um = hi - lo;
    /* Skewness and kurtosis are undefined on a perfectly flat surface. */
    if (out->Sq_um > 0) {
        double q2 = out->Sq_um * out->Sq_um;
        out->Ssk = s3 / n / (q2 * out->Sq_um);
        out->Sku = s4 / n / (q2 * q2);
    }
    return SCAR_OK;
}
