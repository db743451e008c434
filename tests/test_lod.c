/*
 * test_lod.c — the implicit diffusion kernel (src/heal/lod.h): conformance
 * with the reference kernel, exact decay, mass balance, positivity,
 * convergence against the analytic Gaussian, thread-count independence,
 * symmetry and argument checks.
 */
#include "testutil.h"

#include "lod.h"

#include <math.h>

static const double D_MIXED[SCAR_LAYER_COUNT] = {7.0, 0.05, 0.3, 0.0};

/* A grid with random layers 0-3 (holes of layer 0 everywhere). */
static uint8_t *random_layers(const scar_grid *g, uint64_t seed)
{
    uint8_t *layer = malloc(g->n);
    assert_non_null(layer);
    scar_rng r;
    scar_rng_init(&r, seed, 3);
    for (size_t q = 0; q < g->n; q++)
        layer[q] = (uint8_t)(scar_rng_u32(&r) % SCAR_LAYER_COUNT);
    return layer;
}

static double *random_field(scar_ctx *ctx, const scar_grid *g, uint64_t seed)
{
    double *u = scar_alloc_aligned(ctx, g->n * sizeof *u);
    assert_non_null(u);
    scar_rng r;
    scar_rng_init(&r, seed, 4);
    for (size_t q = 0; q < g->n; q++)
        u[q] = scar_rng_uniform(&r);
    return u;
}

static double *copy_field(scar_ctx *ctx, const scar_grid *g, const double *u)
{
    double *v = scar_alloc_aligned(ctx, g->n * sizeof *v);
    assert_non_null(v);
    memcpy(v, u, g->n * sizeof *v);
    return v;
}

/* max |a - b| / max |b| */
static double rel_diff(const double *a, const double *b, size_t n)
{
    double d = 0.0, m = 0.0;
    for (size_t q = 0; q < n; q++) {
        d = fmax(d, fabs(a[q] - b[q]));
        m = fmax(m, fabs(b[q]));
    }
    return d / m;
}

/* Round-off bound for comparing two correct solvers: the tridiagonal
 * matrices have condition number up to 1 + 4g (g = dt*D/h^2), so two
 * algorithms may differ by a few epsilon times that (seen: 3.4e-13 at
 * g = 750, both kernels 6e-13 off the exact decay factor at g = 1440).
 * Below g ~ 12 the stated 1e-13 (1e-14) holds as it is. */
static double cond_tol(double floor, double dt, double Dmax, double h)
{
    return fmax(floor, 4.0 * 2.22e-16 * (1.0 + 4.0 * dt * Dmax / (h * h)));
}

static scar_lod *make(scar_ctx *ctx, const scar_grid *g, const uint8_t *layer, const double *D,
                      double lambda, double dt)
{
    scar_lod *L = NULL;
    assert_int_equal(scar_lod_create(ctx, g, layer, D, lambda, &L), SCAR_OK);
    assert_int_equal(scar_lod_set_dt(ctx, L, dt), SCAR_OK);
    return L;
}

/* The fast kernel follows the reference through several steps, for several
 * dt, on masked layered grids (sizes not multiples of the x-sweep block, and
 * degenerate ones of one voxel along an axis) and on a uniform grid. */
static void conformance_with_reference(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    const scar_grid grids[] = {
        {37, 29, 23, 37 * 29 * 23, 0.02, 0.0}, {16, 17, 9, 16 * 17 * 9, 0.01, 0.0},
        {1, 12, 7, 1 * 12 * 7, 0.02, 0.0},     {13, 1, 5, 13 * 1 * 5, 0.02, 0.0},
        {21, 9, 1, 21 * 9 * 1, 0.02, 0.0},
    };
    const double dts[] = {1e-4, 1e-2, 1.0};
    for (size_t gi = 0; gi < sizeof grids / sizeof grids[0]; gi++) {
        const scar_grid *g = &grids[gi];
        for (int masked = 0; masked < 2; masked++) {
            uint8_t *layer = masked ? random_layers(g, 11 + gi) : NULL;
            const double *D = masked ? D_MIXED : (const double[]){0.0, 0.3, 0.3, 0.3};
            double worst[2] = {0.0, 0.0}; /* dt <= 1e-2; dt = 1 */
            for (size_t t = 0; t < sizeof dts / sizeof dts[0]; t++) {
                scar_lod *L = make(ctx, g, layer, D, 2.0, dts[t]);
                assert_int_equal(scar_lod_is_uniform(L), !masked);
                double *u = random_field(ctx, g, 5 + t);
                double *v = copy_field(ctx, g, u);
                for (int s = 0; s < 3; s++) {
                    scar_lod_step(L, u, 2);
                    scar_lod_step_ref(g, layer, D, 2.0, dts[t], v);
                    double e = rel_diff(u, v, g->n);
                    worst[t == 2] = fmax(worst[t == 2], e);
                    if (e > cond_tol(1e-13, dts[t], 0.3, g->h_mm))
                        fail_msg("grid %zu masked %d dt %g step %d: fast vs reference %.3g", gi,
                                 masked, dts[t], s, e);
                }
                free(u);
                free(v);
                scar_lod_destroy(&L);
                assert_null(L);
            }
            print_message("grid %zux%zux%zu %s: max relative difference %.2e (dt <= 0.01), "
                          "%.2e (dt = 1, bound %.1e)\n",
                          g->nx, g->ny, g->nz, masked ? "masked" : "uniform", worst[0], worst[1],
                          cond_tol(1e-13, 1.0, 0.3, g->h_mm));
            free(layer);
        }
    }
    scar_lod_destroy(NULL); /* NULL is fine */
    scar_ctx_destroy(&ctx);
}

/* Skin-like layers: a surface 2 planes down, rough (2-3) in the last rows
 * only, so that the first z chunk of the kernel holds one column profile and
 * the second several; 3 planes of epidermis, dermis to plane 20, subcutis
 * below; scarred: a conical hole (an icepick) through the dermis and a
 * flat-floored pit (a boxcar). */
static uint8_t *skin_layers(const scar_grid *g, bool scarred)
{
    uint8_t *layer = malloc(g->n);
    assert_non_null(layer);
    for (size_t j = 0; j < g->ny; j++)
        for (size_t i = 0; i < g->nx; i++) {
            size_t top = (i / 7 + j / 5) % 2 == 0 && i > 30 && j >= 42 ? 3 : 2;
            double ri = (double)i - 12.0, rj = (double)j - 30.0;
            bool pit = scarred && i >= 35 && i < 45 && j >= 5 && j < 15;
            if (pit)
                top = 6;
            for (size_t k = 0; k < g->nz; k++) {
                double r = 6.0 - 0.25 * (double)k; /* the hole narrows with depth */
                bool hole = scarred && ri * ri + rj * rj < r * r;
                uint8_t l = k < top || hole ? SCAR_LAYER_NONE
                            : k < top + 3   ? SCAR_LAYER_EPIDERMIS
                            : k < 20        ? SCAR_LAYER_DERMIS
                                            : SCAR_LAYER_SUBCUTIS;
                layer[SCAR_GRID_IDX(g, i, j, k)] = l;
            }
        }
    return layer;
}

/* On skin-like layers the lines fall into few profiles (one column profile
 * on flat skin), and the kernel, through its shared and gathered paths,
 * follows the reference. */
static void skin_profiles_follow_reference(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_grid g = {53, 45, 30, 53 * 45 * 30, 0.02, 0.0};
    const double *Ds[2] = {D_MIXED, (const double[]){0.0, 0.3, 0.3, 0.3}};
    const double dts[] = {1e-2, 1.0};
    for (int scarred = 0; scarred < 2; scarred++) {
        uint8_t *layer = skin_layers(&g, scarred);
        for (int di = 0; di < 2; di++)
            for (size_t t = 0; t < 2; t++) {
                scar_lod *L = make(ctx, &g, layer, Ds[di], 2.0, dts[t]);
                size_t px = scar_lod_profiles(L, 0), py = scar_lod_profiles(L, 1),
                       pz = scar_lod_profiles(L, 2);
                if (!scarred) {
                    /* planes of one layer, or rough-topped: a handful */
                    assert_true(px <= 8 && py <= 8);
                    assert_true(pz == 2); /* top at plane 2 or 3 */
                } else {
                    assert_true(px < g.ny * g.nz / 4 && py < g.nx * g.nz / 4);
                    assert_true(pz < g.nx * g.ny / 10);
                }
                double *u = random_field(ctx, &g, 70 + (uint64_t)t);
                double *v = copy_field(ctx, &g, u);
                for (int s = 0; s < 3; s++) {
                    scar_lod_step(L, u, 2);
                    scar_lod_step_ref(&g, layer, Ds[di], 2.0, dts[t], v);
                    double e = rel_diff(u, v, g.n);
                    if (e > cond_tol(1e-13, dts[t], 7.0, g.h_mm))
                        fail_msg("skin scarred %d D %d dt %g step %d: fast vs reference %.3g",
                                 scarred, di, dts[t], s, e);
                }
                if (t == 0)
                    print_message("skin %s, D set %d: %zu / %zu / %zu profiles (x / y / z)\n",
                                  scarred ? "scarred" : "flat", di, px, py, pz);
                free(u);
                free(v);
                scar_lod_destroy(&L);
            }
        free(layer);
    }
    scar_ctx_destroy(&ctx);
}

/* Several fields in one call equal one call per field. */
static void step_fields_equals_single_steps(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_grid g = {23, 19, 11, 23 * 19 * 11, 0.02, 0.0};
    uint8_t *layer = random_layers(&g, 3);
    for (int masked = 0; masked < 2; masked++) {
        scar_lod *L = make(ctx, &g, masked ? layer : NULL, D_MIXED, 1.0, 0.05);
        double *f[3], *s[3];
        for (int k = 0; k < 3; k++) {
            f[k] = random_field(ctx, &g, 40 + (uint64_t)k);
            s[k] = copy_field(ctx, &g, f[k]);
            scar_lod_step(L, s[k], 1);
        }
        scar_lod_step_fields(L, f, 3, 2);
        for (int k = 0; k < 3; k++) {
            assert_memory_equal(f[k], s[k], g.n * sizeof(double));
            free(f[k]);
            free(s[k]);
        }
        scar_lod_destroy(&L);
    }
    free(layer);
    scar_ctx_destroy(&ctx);
}

/* A constant field on a uniform grid: one step multiplies it by exactly
 * (1/(1 + dt*lambda/3))^3, to 1e-14 at BioFVM's dt (dt*D/h^2 = 10) and to
 * the conditioning bound at larger dt. */
static void uniform_decay_factor(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_grid g = {40, 27, 19, 40 * 27 * 19, 0.01, 0.0};
    const double D[SCAR_LAYER_COUNT] = {0.0, 144.0, 144.0, 144.0};
    const double dts[] = {0.01 / 1440.0, 1e-3, 0.1};
    for (size_t t = 0; t < 3; t++) {
        for (int closed = 0; closed < 2; closed++) {
            /* closed: every voxel in a layer with D = 0 (decay only). */
            const double Dz[SCAR_LAYER_COUNT] = {0.0, 0.0, 0.0, 0.0};
            scar_lod *L = make(ctx, &g, NULL, closed ? Dz : D, 144.0, dts[t]);
            double *u = scar_alloc_aligned(ctx, g.n * sizeof *u);
            assert_non_null(u);
            for (size_t q = 0; q < g.n; q++)
                u[q] = 3.25;
            scar_lod_step(L, u, 0);
            double f = 1.0 / (1.0 + dts[t] * 144.0 / 3.0), want = f * f * f, worst = 0.0;
            for (size_t q = 0; q < g.n; q++)
                worst = fmax(worst, fabs(u[q] / 3.25 - want) / want);
            print_message("dt %.3g day, %s: factor %.17g, max relative error %.2e\n", dts[t],
                          closed ? "D = 0" : "D = 144", want, worst);
            assert_true(worst <= cond_tol(1e-14, dts[t], closed ? 0.0 : 144.0, g.h_mm));
            free(u);
            scar_lod_destroy(&L);
        }
    }
    scar_ctx_destroy(&ctx);
}

/* lambda = 0, zero-flux walls, masked layered grid: the total is conserved
 * and the voxels outside the tissue keep their values bit for bit. */
static void mass_conserved_outside_untouched(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_grid g = {33, 26, 17, 33 * 26 * 17, 0.02, 0.0};
    uint8_t *layer = random_layers(&g, 21);
    for (int dti = 0; dti < 3; dti++) {
        double dt = dti == 0 ? 1e-3 : dti == 1 ? 0.1 : 10.0;
        scar_lod *L = make(ctx, &g, layer, D_MIXED, 0.0, dt);
        double *u0 = random_field(ctx, &g, 9), *u = copy_field(ctx, &g, u0);
        double before = 0.0, after = 0.0, h3 = g.h_mm * g.h_mm * g.h_mm;
        for (size_t q = 0; q < g.n; q++)
            before += u0[q] * h3;
        for (int s = 0; s < 10; s++)
            scar_lod_step(L, u, 2);
        for (size_t q = 0; q < g.n; q++) {
            after += u[q] * h3;
            if (layer[q] == SCAR_LAYER_NONE)
                assert_memory_equal(&u[q], &u0[q], sizeof(double));
        }
        double rel = fabs(after - before) / before;
        print_message("dt %g: mass %.15g -> %.15g, relative change %.2e\n", dt, before, after, rel);
        assert_true(rel <= 1e-12);
        free(u0);
        free(u);
        scar_lod_destroy(&L);
    }
    free(layer);
    scar_ctx_destroy(&ctx);
}

/* Nonnegative data stay nonnegative: sparse spikes among zeros, huge dt. */
static void positivity(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_grid g = {31, 24, 18, 31 * 24 * 18, 0.01, 0.0};
    uint8_t *layer = random_layers(&g, 5);
    scar_rng r;
    scar_rng_init(&r, 77, 0);
    for (int masked = 0; masked < 2; masked++) {
        for (int dti = 0; dti < 2; dti++) {
            scar_lod *L = make(ctx, &g, masked ? layer : NULL, D_MIXED, 3.0, dti ? 50.0 : 1e-3);
            double *u = scar_alloc_aligned(ctx, g.n * sizeof *u);
            assert_non_null(u);
            for (size_t q = 0; q < g.n; q++)
                u[q] = scar_rng_uniform(&r) < 0.02 ? 1e6 * scar_rng_uniform(&r) : 0.0;
            for (int s = 0; s < 4; s++)
                scar_lod_step(L, u, 2);
            for (size_t q = 0; q < g.n; q++)
                if (!(u[q] >= 0.0))
                    fail_msg("voxel %zu: %g < 0", q, u[q]);
            free(u);
            scar_lod_destroy(&L);
        }
    }
    free(layer);
    scar_ctx_destroy(&ctx);
}

/* The Gaussian convergence study and the rest of scar_lod_verify. */
static void gaussian_convergence(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_lod_verify_result r;
    assert_int_equal(scar_lod_verify(ctx, &r), SCAR_OK);
    for (int a = 0; a < 3; a++)
        print_message("h = %.5f mm: L2 error %.4e (Richardson in time)\n", r.spatial_h_mm[a],
                      r.spatial_err[a]);
    print_message("spatial orders %.3f %.3f (accept %.2f-%.2f)\n", r.spatial_order[0],
                  r.spatial_order[1], SCAR_LOD_SPATIAL_ORDER_MIN, SCAR_LOD_SPATIAL_ORDER_MAX);
    for (int a = 0; a < 3; a++)
        print_message("dt = %.5f day: L2 error %.4e\n", r.temporal_dt_day[a], r.temporal_err[a]);
    print_message("temporal orders %.3f %.3f (accept %.2f-%.2f)\n", r.temporal_order[0],
                  r.temporal_order[1], SCAR_LOD_TEMPORAL_ORDER_MIN, SCAR_LOD_TEMPORAL_ORDER_MAX);
    print_message("decay factor %.17g (expected %.17g, rel err %.2e); mass rel err %.2e; "
                  "1 vs 2 threads %s; %.2f s\n",
                  r.decay_factor, r.decay_expected, r.decay_rel_err, r.mass_rel_err,
                  r.threads_identical ? "identical" : "DIFFER", r.seconds);
    assert_true(r.spatial_ok);
    assert_true(r.temporal_ok);
    assert_true(r.decay_ok);
    assert_true(r.mass_ok);
    assert_true(r.outside_untouched);
    assert_true(r.threads_identical);
    assert_true(r.pass);
    scar_ctx_destroy(&ctx);
}

/* 1 thread and 2 threads give the same bits, on both paths. */
static void threads_bitwise_identical(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_grid g = {41, 35, 27, 41 * 35 * 27, 0.02, 0.0};
    uint8_t *layer = random_layers(&g, 8);
    for (int masked = 0; masked < 2; masked++) {
        scar_ctx_set_threads(ctx, 1);
        scar_lod *L1 = make(ctx, &g, masked ? layer : NULL, D_MIXED, 1.5, 0.02);
        scar_ctx_set_threads(ctx, 2);
        scar_lod *L2 = make(ctx, &g, masked ? layer : NULL, D_MIXED, 1.5, 0.02);
        double *u = random_field(ctx, &g, 1), *v = copy_field(ctx, &g, u);
        double *w = copy_field(ctx, &g, u);
        for (int s = 0; s < 3; s++) {
            scar_lod_step(L1, u, 1);
            scar_lod_step(L2, v, 2);
            scar_lod_step(L1, w, 3);
        }
        assert_memory_equal(u, v, g.n * sizeof *u);
        assert_memory_equal(u, w, g.n * sizeof *u);
        free(u);
        free(v);
        free(w);
        scar_lod_destroy(&L1);
        scar_lod_destroy(&L2);
    }
    free(layer);
    scar_ctx_destroy(&ctx);
}

static double at(const double *u, const scar_grid *g, size_t i, size_t j, size_t k)
{
    return u[SCAR_GRID_IDX(g, i, j, k)];
}

/* A point source at the centre of a grid layered in z (air on top, then
 * epidermis, dermis, subcutis): symmetric under x <-> y, x -> -x and
 * y -> -y to round-off.  (Layers that vary within a plane other than as a
 * product set would break x <-> y by the O(dt) splitting error, not a bug.) */
static void point_source_symmetry(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    const size_t n = 31, nz = 21;
    scar_grid g = {n, n, nz, n * n * nz, 0.02, 0.0};
    uint8_t *layer = malloc(g.n);
    assert_non_null(layer);
    for (size_t k = 0; k < nz; k++)
        for (size_t q = 0; q < n * n; q++)
            layer[k * n * n + q] = (uint8_t)(k < 3 ? 0 : k < 6 ? 1 : k < 16 ? 2 : 3);
    const double D[SCAR_LAYER_COUNT] = {0.0, 0.05, 0.3, 0.1};
    scar_lod *L = make(ctx, &g, layer, D, 0.5, 0.01);
    double *u = scar_alloc_aligned(ctx, g.n * sizeof *u);
    assert_non_null(u);
    memset(u, 0, g.n * sizeof *u);
    u[SCAR_GRID_IDX(&g, n / 2, n / 2, 8)] = 1.0;
    for (int s = 0; s < 6; s++)
        scar_lod_step(L, u, 2);
    double m = 0.0, dxy = 0.0, dx = 0.0, dy = 0.0;
    for (size_t k = 0; k < nz; k++)
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) {
                double v = at(u, &g, i, j, k);
                m = fmax(m, v);
                dxy = fmax(dxy, fabs(v - at(u, &g, j, i, k)));
                dx = fmax(dx, fabs(v - at(u, &g, n - 1 - i, j, k)));
                dy = fmax(dy, fabs(v - at(u, &g, i, n - 1 - j, k)));
            }
    print_message("asymmetry / max: x<->y %.2e, x->-x %.2e, y->-y %.2e\n", dxy / m, dx / m, dy / m);
    assert_true(dxy <= 1e-13 * m);
    assert_true(dx <= 1e-13 * m);
    assert_true(dy <= 1e-13 * m);
    /* The source spread in every direction. */
    assert_true(at(u, &g, n / 2 + 3, n / 2, 8) > 0 && at(u, &g, n / 2, n / 2, 11) > 0);
    free(u);
    free(layer);
    scar_lod_destroy(&L);
    scar_ctx_destroy(&ctx);
}

static void expect_einput(scar_ctx *ctx, scar_status st, const char *name)
{
    assert_int_equal(st, SCAR_EINPUT);
    tu_assert_err_has(ctx, name);
    scar_ctx_clear_error(ctx);
}

static void bad_arguments(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_grid g = {8, 8, 8, 512, 0.01, 0.0};
    double D[SCAR_LAYER_COUNT] = {0.0, 0.1, 0.2, 0.3};
    scar_lod *L = NULL;

    scar_grid zero = {0, 8, 8, 0, 0.01, 0.0};
    expect_einput(ctx, scar_lod_create(ctx, &zero, NULL, D, 1.0, &L), "grid");
    assert_null(L);
    scar_grid wrong_n = {8, 8, 8, 500, 0.01, 0.0};
    expect_einput(ctx, scar_lod_create(ctx, &wrong_n, NULL, D, 1.0, &L), "grid");
    scar_grid flat = {8, 8, 8, 512, 0.0, 0.0};
    expect_einput(ctx, scar_lod_create(ctx, &flat, NULL, D, 1.0, &L), "h_mm");

    D[2] = -0.2;
    expect_einput(ctx, scar_lod_create(ctx, &g, NULL, D, 1.0, &L), "D_layer_mm2_day[2]");
    D[2] = NAN;
    expect_einput(ctx, scar_lod_create(ctx, &g, NULL, D, 1.0, &L), "D_layer_mm2_day[2]");
    D[2] = 0.2;
    expect_einput(ctx, scar_lod_create(ctx, &g, NULL, D, -1.0, &L), "lambda_per_day");
    uint8_t layer[512] = {0};
    layer[77] = 9;
    expect_einput(ctx, scar_lod_create(ctx, &g, layer, D, 1.0, &L), "layer");
    assert_null(L);

    assert_int_equal(scar_lod_create(ctx, &g, NULL, D, 1.0, &L), SCAR_OK);
    expect_einput(ctx, scar_lod_set_dt(ctx, L, 0.0), "dt_day");
    expect_einput(ctx, scar_lod_set_dt(ctx, L, -1.0), "dt_day");
    expect_einput(ctx, scar_lod_set_dt(ctx, L, NAN), "dt_day");
    expect_einput(ctx, scar_lod_set_dt(ctx, L, 1e308), "dt_day");
    scar_lod_destroy(&L);

    /* Every allocation failure is reported and leaks nothing, on both
     * paths (ASan checks the leaks). */
    layer[77] = 2;
    for (int masked = 0; masked < 2; masked++)
        for (long k = 1; k <= 8; k++) {
            scar_ctx_fail_alloc_after(ctx, k);
            scar_status st = scar_lod_create(ctx, &g, masked ? layer : NULL, D, 1.0, &L);
            scar_ctx_fail_alloc_after(ctx, 0);
            if (st == SCAR_OK) {
                scar_lod_destroy(&L);
                break;
            }
            assert_int_equal(st, SCAR_ENOMEM);
            assert_null(L);
        }
    scar_ctx_destroy(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conformance_with_reference),
        cmocka_unit_test(skin_profiles_follow_reference),
        cmocka_unit_test(step_fields_equals_single_steps),
        cmocka_unit_test(uniform_decay_factor),
        cmocka_unit_test(mass_conserved_outside_untouched),
        cmocka_unit_test(positivity),
        cmocka_unit_test(gaussian_convergence),
        cmocka_unit_test(threads_bitwise_identical),
        cmocka_unit_test(point_source_symmetry),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
