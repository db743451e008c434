/*
 * level.c — robust form removal.  The skin's form (tilt and facial
 * curvature) is a plane plus a quadratic, fitted by iteratively reweighted
 * least squares on a regular subsample: first towards the least-absolute-
 * deviations fit (weights 1/|r|), which tolerates scars on up to half the
 * samples, then Tukey's biweight with the scale from the median absolute
 * deviation (Holland & Welsch 1977; Huber, Robust Statistics, 1981), which
 * gives scars no weight at all once they lie 4.685 scales off the skin.
 */
#include "scan_internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

enum { NB = SCAN_FIT_TERMS };
#define SUBSAMPLE 40000  /* fit points: the form has 6 unknowns, this is plenty */
#define L1_ITER 12       /* steps towards the L1 fit: the robust start */
#define TUKEY_ITER 12    /* biweight steps: converged to 1e-4 um in tests */
#define TUKEY_C 4.685    /* 95% efficiency at the normal (Holland & Welsch 1977) */
#define MAD_TO_SIGMA 1.4826 /* MAD of a normal distribution is 0.6745 sigma */
/* Below this a scale means an ideal, noise-free surface: float rounding of
 * heights of a few mm is ~1e-4 um. */
#define SCALE_FLOOR_UM 0.01

int scan_threads(const scar_ctx *ctx)
{
    int t = scar_ctx_threads(ctx);
    return t > 0 ? t : omp_get_max_threads();
}

static void basis(double u, double v, double *phi)
{
    phi[0] = 1;
    phi[1] = u;
    phi[2] = v;
    phi[3] = u * u;
    phi[4] = u * v;
    phi[5] = v * v;
}

/* Solves the normal equations a x = b by Cholesky; a direction with no
 * support in the data (a map one sample wide has no x curvature) has a pivot
 * at rounding level and its coefficient is left at 0. */
static void solve(double a[NB][NB], const double b[NB], double x[NB])
{
    double l[NB][NB] = {{0}}, y[NB];
    bool dropped[NB];
    for (int j = 0; j < NB; j++) {
        double d = a[j][j];
        for (int k = 0; k < j; k++)
            d -= l[j][k] * l[j][k];
        dropped[j] = !(d > 1e-10 * a[j][j]) || a[j][j] <= 0;
        if (dropped[j])
            continue;
        l[j][j] = sqrt(d);
        for (int i = j + 1; i < NB; i++) {
            double s = a[i][j];
            for (int k = 0; k < j; k++)
                s -= l[i][k] * l[j][k];
            l[i][j] = s / l[j][j];
        }
    }
    for (int j = 0; j < NB; j++) {
        double s = b[j];
        for (int k = 0; k < j; k++)
            s -= l[j][k] * y[k];
        y[j] = dropped[j] ? 0 : s / l[j][j];
    }
    for (int j = NB - 1; j >= 0; j--) {
        double s = y[j];
        for (int i = j + 1; i < NB; i++)
            s -= l[i][j] * x[i];
        x[j] = dropped[j] ? 0 : s / l[j][j];
    }
}

static void weighted_fit(scan_fit *f)
{
    double a[NB][NB] = {{0}}, b[NB] = {0}, phi[NB];
    for (size_t k = 0; k < f->n; k++) {
        if (f->w[k] <= 0)
            continue;
        basis(f->u[k], f->v[k], phi);
        for (int i = 0; i < NB; i++) {
            double wp = f->w[k] * phi[i];
            b[i] += wp * f->z[k];
            for (int j = 0; j <= i; j++)
                a[i][j] += wp * phi[j];
        }
    }
    for (int i = 0; i < NB; i++)
        for (int j = i + 1; j < NB; j++)
            a[i][j] = a[j][i];
    solve(a, b, f->c);
    for (size_t k = 0; k < f->n; k++)
        f->r[k] = f->z[k] - scan_fit_eval(f, f->u[k], f->v[k]);
}

/* MAD scale of the residuals about zero (the fit's own centre). */
static double mad_scale(scan_fit *f)
{
    for (size_t k = 0; k < f->n; k++)
        f->work[k] = (float)fabs(f->r[k]);
    double s = MAD_TO_SIGMA * scan_median(f->work, f->n);
    return s > SCALE_FLOOR_UM ? s : SCALE_FLOOR_UM;
}

double scan_fit_eval(const scan_fit *f, double u, double v)
{
    double phi[NB], p = 0;
    basis(u, v, phi);
    for (int i = 0; i < NB; i++)
        p += f->c[i] * phi[i];
    return p;
}

double scan_fit_robust(scan_fit *f)
{
    for (size_t k = 0; k < f->n; k++)
        f->w[k] = 1;
    weighted_fit(f);
    for (int it = 0; it < L1_ITER; it++) {
        double floor_um = 1e-3 * mad_scale(f);
        for (size_t k = 0; k < f->n; k++)
            f->w[k] = 1 / fmax(fabs(f->r[k]), floor_um);
        weighted_fit(f);
    }
    double s = mad_scale(f);
    for (int it = 0; it < TUKEY_ITER; it++) {
        double c = TUKEY_C * s;
        for (size_t k = 0; k < f->n; k++) {
            double q = f->r[k] / c;
            f->w[k] = fabs(q) < 1 ? (1 - q * q) * (1 - q * q) : 0;
        }
        weighted_fit(f);
        s = mad_scale(f);
    }
    return s;
}

scar_status scan_level(scar_ctx *ctx, const scar_heightmap *hm, int threads,
                       scar_heightmap **out, double *scale_um)
{
    *out = NULL;
    scan_fit f = {0};
    scar_heightmap *lev = NULL;
    scar_status st = SCAR_OK;

    /* A regular grid of about SUBSAMPLE points, centred on the map. */
    size_t nx = hm->nx, ny = hm->ny;
    size_t step = (size_t)ceil(sqrt((double)nx * (double)ny / SUBSAMPLE));
    if (step < 1)
        step = 1;
    size_t mx = (nx + step - 1) / step, my = (ny + step - 1) / step;
    f.n = mx * my;
    double *block = scar_malloc(ctx, 5 * f.n * sizeof *block);
    f.work = scar_malloc(ctx, f.n * sizeof *f.work);
    if (!block || !f.work) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    f.u = block;
    f.v = f.u + f.n;
    f.z = f.v + f.n;
    f.r = f.z + f.n;
    f.w = f.r + f.n;
    /* Normalised coordinates keep the normal equations well conditioned. */
    double hx = nx > 1 ? 0.5 * (double)(nx - 1) : 1, hy = ny > 1 ? 0.5 * (double)(ny - 1) : 1;
    size_t k = 0;
    for (size_t bj = 0; bj < my; bj++) {
        size_t j = bj * step + (ny - 1 - (my - 1) * step) / 2;
        for (size_t bi = 0; bi < mx; bi++) {
            size_t i = bi * step + (nx - 1 - (mx - 1) * step) / 2;
            f.u[k] = ((double)i - hx) / hx;
            f.v[k] = ((double)j - hy) / hy;
            f.z[k] = SCAR_HM_AT(hm, i, j);
            k++;
        }
    }
    *scale_um = scan_fit_robust(&f);

    st = scar_heightmap_create(ctx, nx, ny, hm->dx_um, hm->dy_um, &lev);
    if (st)
        goto fail;
    lev->x0_um = hm->x0_um;
    lev->y0_um = hm->y0_um;
    const double *c = f.c;
    const float *src = hm->z_um;
    float *dst = lev->z_um;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t j = 0; j < ny; j++) {
        double v = ((double)j - hy) / hy;
        double a0 = c[0] + c[2] * v + c[5] * v * v, a1 = c[1] + c[4] * v;
        const float *row = src + j * nx;
        float *o = dst + j * nx;
        for (size_t i = 0; i < nx; i++) {
            double u = ((double)i - hx) / hx;
            o[i] = (float)((double)row[i] - (a0 + u * (a1 + c[3] * u)));
        }
    }
    free(block);
    free(f.work);
    *out = lev;
    return SCAR_OK;
fail:
    free(block);
    free(f.work);
    scar_heightmap_destroy(&lev);
    return st;
}
