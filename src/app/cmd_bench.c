/*
 * cmd_bench.c — `scarsim bench`: the kernels' throughput and the machine's
 * memory bandwidth, in one run.  Goals live here, not in timed tests.
 */
#include "cli.h"

#include "../course/run.h"
#include "../heal/lod.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bench_case {
    const char *name;
    size_t nx, ny, nz;
    int substrates;
    int threads;
    double seconds_per_step;
    double updates_per_s;
    double bandwidth_fraction;
    /* course case: the whole run and how its time splits */
    double total_s, react_s, diffuse_s, chemo_s, surface_s, injury_s, other_s;
    long steps;
} bench_case;

static void help(FILE *out)
{
    fputs("Usage: scarsim bench [--case NAME] [--json]\n"
          "\n"
          "Measures the machine's memory bandwidth (a STREAM-like triad) and the kernels'\n"
          "throughput, each with the fraction of the bandwidth limit it reaches.\n"
          "\n"
          "Cases:\n"
          "  course the healing engine's reference case: a 6 x 6 x 2 mm patch at 25 um\n"
          "         (240 x 240 x 80), four pen sessions at 1.5 mm four weeks apart, twelve\n"
          "         weeks of follow-up. Goal: under 60 s on 2 cores; prints how the time\n"
          "         splits between reactions, diffusion, chemotaxis and remodelling.\n"
          "  scan   scan a synthetic 40 x 40 mm skin at 10 um (16 Mpx): levelling, detection,\n"
          "         measurement, grading. Goal: under 2 s on 2 cores. Its bandwidth floor\n"
          "         counts the bytes a scan cannot avoid: the heights read once (4 B), the\n"
          "         levelled map and the labels written once (4 B + 4 B) per sample.\n"
          "  lod    the BioFVM benchmark: implicit diffusion-decay (backward-Euler LOD,\n"
          "         Thomas per line) of 1 and 4 substrates on 200 x 200 x 50 and 100^3\n"
          "         grids of 10 um voxels, D = 1e5 um^2/min, decay 0.1/min, dt = 0.01 min,\n"
          "         on 1 thread and on all. BioFVM on this machine class: 0.127 s/step\n"
          "         (1 thread), 0.070 s (2 threads) on 200 x 200 x 50 x 4, 0.037 s on\n"
          "         100^3 x 4. Goals: 5x faster than BioFVM with 2 threads, half the\n"
          "         bandwidth limit, 1.7x from 1 to 2 threads. Its bandwidth floor counts\n"
          "         32 B per voxel per substrate: the kernel makes two passes over each\n"
          "         field (x and y sweeps per z-plane in cache, then z sweeps per column\n"
          "         chunk), each reading and writing it once in double; a uniform grid\n"
          "         streams no coefficient arrays. (One pass per direction would be 48 B:\n"
          "         multiply the fraction by 1.5 to compare with that count.) A fraction\n"
          "         above 1 means part of the fields stayed in the last-level cache between\n"
          "         passes (4 x 16 MB here) and that the triad's 24 B per element leaves\n"
          "         out its write-allocate traffic. Every run\n"
          "         starts from a constant field, whose exact result is the decay factor\n"
          "         (1/(1 + dt*lambda/3))^(3*steps), and is checked against it; a step on\n"
          "         random data is checked against the reference kernel first.\n"
          "\n"
          "Options:\n"
          "  --case NAME      run one case (default: all)\n"
          "  --size-mm WxH    scan case field size (default 40x40)\n"
          "  --px-um P        scan case pixel size (default 10)\n"
          "  --repeat N       timed repetitions, best kept (default 3; lod: of 10 steps)\n",
          out);
    cli_common_help(out);
}

static int bench_scan(scar_ctx *ctx, double w_mm, double h_mm, double px_um, int repeat,
                      int max_threads, double gbs, bench_case *cases, int *ncases)
{
    scar_synth_spec spec;
    scar_synth_spec_default(&spec);
    spec.width_mm = w_mm;
    spec.height_mm = h_mm;
    spec.px_um = px_um;
    /* A dense, mixed load: about six scars per square centimetre (Kang 2016
     * counted 16-40 atrophic scars per face; a denser patch still places). */
    double cm2 = w_mm * h_mm / 100.0;
    spec.counts[SCAR_TYPE_ICEPICK] = (int)(3 * cm2);
    spec.counts[SCAR_TYPE_BOXCAR] = (int)(2 * cm2);
    spec.counts[SCAR_TYPE_ROLLING] = (int)(0.5 * cm2);
    spec.counts[SCAR_TYPE_HYPERTROPHIC] = (int)(0.25 * cm2);
    scar_heightmap *hm = NULL;
    scar_scar_list truth = {0};
    if (scar_synth(ctx, &spec, &hm, &truth))
        return cli_fail(ctx, "bench");
    scar_scan_opts so;
    scar_scan_opts_default(&so);
    size_t samples = hm->nx * hm->ny;
    /* One thread, then every core: the speed-up is the ratio of the two. */
    int thread_counts[2] = {1, max_threads};
    for (int ti = 0; ti < (max_threads > 1 ? 2 : 1); ti++) {
        int th = thread_counts[ti];
        scar_ctx_set_threads(ctx, th);
        double best = 1e300;
        for (int r = 0; r < repeat; r++) {
            scar_scan_result *res = NULL;
            double t0 = scar_now_s();
            scar_status st = scar_scan(ctx, hm, &so, &res);
            double t = scar_now_s() - t0;
            scar_scan_result_destroy(&res);
            if (st) {
                scar_scar_list_clear(&truth);
                scar_heightmap_destroy(&hm);
                return cli_fail(ctx, "bench");
            }
            if (t < best)
                best = t;
        }
        bench_case *c = &cases[(*ncases)++];
        *c = (bench_case){.name = "scan", .nx = hm->nx, .ny = hm->ny, .nz = 1, .threads = th,
                          .seconds_per_step = best, .updates_per_s = (double)samples / best};
        c->bandwidth_fraction = 12.0 * (double)samples / best / (gbs * 1e9);
    }
    scar_scar_list_clear(&truth);
    scar_heightmap_destroy(&hm);
    return 0;
}

/* The BioFVM benchmark's parameters in scarsim's units. */
#define LOD_H_MM 0.01                    /* 10 um */
#define LOD_D_MM2_DAY 144.0              /* 1e5 um^2/min = 0.1 mm^2/min */
#define LOD_LAMBDA_DAY 144.0             /* 0.1 /min */
#define LOD_DT_DAY (0.01 / 1440.0)       /* 0.01 min */
#define LOD_STEPS 10                     /* steps per timed repetition */

/* One step on random data against the reference kernel: a fast kernel that
 * skipped the diffusion would still pass the decay check alone. */
static int lod_conforms(scar_ctx *ctx, const scar_grid *g, scar_lod *L, const double *D)
{
    double *u = scar_alloc_aligned(ctx, g->n * sizeof *u);
    double *v = u ? scar_alloc_aligned(ctx, g->n * sizeof *v) : NULL;
    if (!v) {
        free(u);
        return cli_fail(ctx, "bench");
    }
    scar_rng r;
    scar_rng_init(&r, 1, 0);
    for (size_t q = 0; q < g->n; q++)
        u[q] = v[q] = scar_rng_uniform(&r);
    scar_lod_step(L, u, 0);
    scar_lod_step_ref(g, NULL, D, LOD_LAMBDA_DAY, LOD_DT_DAY, v);
    double d = 0.0;
    for (size_t q = 0; q < g->n; q++)
        d = fmax(d, fabs(u[q] - v[q]));
    free(u);
    free(v);
    if (!(d <= 1e-13)) {
        fprintf(stderr, "scarsim bench: lod kernel differs from the reference by %.3g\n", d);
        return 1;
    }
    return 0;
}

static int bench_lod_grid(scar_ctx *ctx, size_t nx, size_t ny, size_t nz, int repeat,
                          int max_threads, double gbs, bench_case *cases, int *ncases)
{
    scar_grid g = {nx, ny, nz, nx * ny * nz, LOD_H_MM, 0.0};
    const double D[SCAR_LAYER_COUNT] = {0.0, LOD_D_MM2_DAY, LOD_D_MM2_DAY, LOD_D_MM2_DAY};
    scar_lod *L = NULL;
    double *u[4] = {NULL, NULL, NULL, NULL};
    int rc = 0;
    if (scar_lod_create(ctx, &g, NULL, D, LOD_LAMBDA_DAY, &L) ||
        scar_lod_set_dt(ctx, L, LOD_DT_DAY)) {
        scar_lod_destroy(&L);
        return cli_fail(ctx, "bench");
    }
    if ((rc = lod_conforms(ctx, &g, L, D)) != 0)
        goto done;
    for (int f = 0; f < 4; f++)
        if (!(u[f] = scar_alloc_aligned(ctx, g.n * sizeof(double)))) {
            rc = cli_fail(ctx, "bench");
            goto done;
        }
    const double f1 = 1.0 / (1.0 + LOD_DT_DAY * LOD_LAMBDA_DAY / 3.0);
    const int substrates[2] = {1, 4};
    const int thread_counts[2] = {1, max_threads};
    for (int si = 0; si < 2; si++)
        for (int ti = 0; ti < (max_threads > 1 ? 2 : 1); ti++) {
            int ns = substrates[si], th = thread_counts[ti];
            for (int f = 0; f < ns; f++) {
                double *w = u[f];
                long ln = (long)g.n;
#pragma omp parallel for num_threads(th) schedule(static)
                for (long q = 0; q < ln; q++)
                    w[q] = 1.0;
            }
            scar_lod_step_fields(L, u, (size_t)ns, th); /* warm-up */
            double best = 1e300;
            for (int r = 0; r < repeat; r++) {
                double t0 = scar_now_s();
                for (int s = 0; s < LOD_STEPS; s++)
                    scar_lod_step_fields(L, u, (size_t)ns, th);
                double t = (scar_now_s() - t0) / LOD_STEPS;
                if (t < best)
                    best = t;
            }
            /* Constant in, constant out: the exact factor per step is f1^3.
             * The solves' conditioning (dt*D/h^2 = 10) allows a few 1e-15
             * per step. */
            int steps = 1 + repeat * LOD_STEPS;
            double want = pow(f1, 3.0 * steps), worst = 0.0;
            for (int f = 0; f < ns; f++)
                for (size_t q = 0; q < g.n; q++)
                    worst = fmax(worst, fabs(u[f][q] - want) / want);
            if (!(worst <= 1e-14 * steps)) {
                fprintf(stderr,
                        "scarsim bench: lod %zux%zux%zu: result off the exact decay factor "
                        "by %.3g (relative)\n",
                        nx, ny, nz, worst);
                rc = 1;
                goto done;
            }
            double updates = (double)g.n * ns;
            bench_case *c = &cases[(*ncases)++];
            *c = (bench_case){.name = "lod", .nx = nx, .ny = ny, .nz = nz, .substrates = ns,
                              .threads = th, .seconds_per_step = best,
                              .updates_per_s = updates / best};
            c->bandwidth_fraction = 32.0 * updates / best / (gbs * 1e9);
        }
done:
    for (int f = 0; f < 4; f++)
        free(u[f]);
    scar_lod_destroy(&L);
    return rc;
}

static int bench_lod(scar_ctx *ctx, int repeat, int max_threads, double gbs, bench_case *cases,
                     int *ncases)
{
    int rc = bench_lod_grid(ctx, 200, 200, 50, repeat, max_threads, gbs, cases, ncases);
    if (!rc)
        rc = bench_lod_grid(ctx, 100, 100, 100, repeat, max_threads, gbs, cases, ncases);
    return rc;
}

/* The healing engine's reference case (issue "Speed"): a 6 x 6 x 2 mm
 * patch at 25 um (240 x 240 x 81 voxels) with a boxcar and an icepick scar,
 * four pen sessions at 1.5 mm four weeks apart and twelve weeks of
 * follow-up; bench/course.json states the same case as a scenario for
 * `scarsim run` (keep the two alike).  seconds_per_step is the mean over the run's steps; the
 * bandwidth fraction counts, per voxel and step, the 9 fields read and
 * written once by the reactions (2 x 16 B x 2 halves) and 4 diffused fields
 * each read and written in two passes (4 x 32 B; the coefficients are kept
 * per line profile and stay in cache, lod.c). */
static int bench_course(scar_ctx *ctx, int threads, double gbs, bench_case *cases, int *ncases)
{
    scar_synth_spec spec;
    scar_synth_spec_default(&spec);
    memset(spec.counts, 0, sizeof spec.counts);
    spec.counts[SCAR_TYPE_BOXCAR] = 1;
    spec.counts[SCAR_TYPE_ICEPICK] = 1;
    spec.width_mm = spec.height_mm = 6.0;
    spec.px_um = 25.0;
    spec.seed = 11;
    scar_heightmap *hm = NULL;
    scar_scar_list truth = {0};
    scar_params *p = NULL;
    scar_run_result *r = NULL;
    scar_ctx_set_threads(ctx, threads);
    scar_status st = scar_synth(ctx, &spec, &hm, &truth);
    if (!st)
        st = scar_params_create(ctx, &p);
    /* 2 mm deep: epidermis + dermis of the cheek and 0.95 mm of subcutis */
    if (!st)
        st = scar_params_set(ctx, p, "z_sub", 0.95, NULL, 0, 0);
    if (!st) {
        scar_run_spec rs = {.surface = hm, .region = scar_region_find("cheek"), .fitzpatrick = 3,
                            .age_y = 28, .dx_um = 25.0, .params = p, .sample_days = 1.0};
        scar_device_default(SCAR_DEV_PEN, p, &rs.protocol.device);
        rs.protocol.device.needle_mm = 1.5;
        rs.protocol.sessions = 4;
        rs.protocol.interval_days = 28;
        rs.protocol.follow_up_days = 84;
        st = scar_run_course(ctx, &rs, &r);
    }
    if (!st) {
        bench_case *c = &cases[(*ncases)++];
        memset(c, 0, sizeof *c);
        c->name = "course";
        c->nx = r->nx;
        c->ny = r->ny;
        c->nz = r->nz;
        c->substrates = 9;
        c->threads = threads;
        c->steps = r->stats.steps;
        c->total_s = r->seconds;
        c->react_s = r->stats.t_react_s;
        c->diffuse_s = r->stats.t_diffuse_s;
        c->chemo_s = r->stats.t_chemo_s;
        c->surface_s = r->stats.t_surface_s;
        c->injury_s = r->stats.t_injury_s;
        c->other_s = c->total_s - c->react_s - c->diffuse_s - c->chemo_s - c->surface_s -
                     c->injury_s;
        double vox = (double)(r->nx * r->ny * r->nz);
        c->seconds_per_step = r->seconds / (double)(c->steps > 0 ? c->steps : 1);
        c->updates_per_s = vox * (double)c->steps / r->seconds;
        double bytes = vox * (2.0 * 2.0 * 9.0 * 8.0 + 4.0 * 32.0);
        c->bandwidth_fraction = bytes / (gbs * 1e9) / c->seconds_per_step;
    }
    scar_run_result_destroy(&r);
    scar_params_destroy(&p);
    scar_scar_list_clear(&truth);
    scar_heightmap_destroy(&hm);
    return st ? cli_fail(ctx, "bench") : 0;
}

static const bench_case *find_case(const bench_case *cases, int n, const char *name, size_t nx,
                                   int substrates, int threads)
{
    for (int k = 0; k < n; k++)
        if (strcmp(cases[k].name, name) == 0 && cases[k].nx == nx &&
            cases[k].substrates == substrates && cases[k].threads == threads)
            return &cases[k];
    return NULL;
}

/* The lod goals of the help text, against BioFVM's numbers. */
static void lod_goals(const bench_case *cases, int n, int max_threads)
{
    const bench_case *b1 = find_case(cases, n, "lod", 200, 4, 1);
    const bench_case *b2 = find_case(cases, n, "lod", 200, 4, max_threads);
    const bench_case *c2 = find_case(cases, n, "lod", 100, 4, max_threads);
    if (!b1 || !b2 || !c2)
        return;
    printf("\nlod vs BioFVM, 200x200x50x4: %.1fx on 1 thread (0.127 s), %.1fx on %d "
           "(0.070 s): %s\n",
           0.127 / b1->seconds_per_step, 0.070 / b2->seconds_per_step, max_threads,
           0.070 / b2->seconds_per_step >= 5.0 ? "goal 5x met" : "goal 5x NOT met");
    printf("lod vs BioFVM, 100^3x4: %.1fx (0.037 s)\n", 0.037 / c2->seconds_per_step);
    if (max_threads > 1)
        printf("lod 1 -> %d threads: %.2fx (goal 1.7x: %s)\n", max_threads,
               b1->seconds_per_step / b2->seconds_per_step,
               b1->seconds_per_step / b2->seconds_per_step >= 1.7 ? "met" : "NOT met");
    printf("lod bandwidth fraction: %.2f (goal 0.5: %s)\n", b2->bandwidth_fraction,
           b2->bandwidth_fraction >= 0.5 ? "met" : "NOT met");
}

int cmd_bench(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    const char *only = NULL;
    double w_mm = 40, h_mm = 40, px_um = 10;
    long repeat = 3;
    for (int i = 1; i < argc; i++) {
        int k = cli_common_option(&c, "bench", argc, argv, &i);
        if (k < 0)
            return 2;
        if (k > 0)
            continue;
        const char *a = argv[i];
        if (i + 1 >= argc)
            return cli_usage_error("bench", "option %s: expected a value, found the end of "
                                            "the line",
                                   a);
        const char *v = argv[++i];
        if (strcmp(a, "--case") == 0) {
            if (strcmp(v, "scan") != 0 && strcmp(v, "lod") != 0 && strcmp(v, "course") != 0)
                return cli_usage_error("bench", "option --case: expected scan, lod or course, "
                                                "found '%s'", v);
            only = v;
        } else if (strcmp(a, "--size-mm") == 0) {
            if (!cli_parse_pair(v, &w_mm, &h_mm))
                return cli_usage_error("bench", "option --size-mm: expected WxH, found '%s'", v);
        } else if (strcmp(a, "--px-um") == 0) {
            if (!cli_parse_double(v, &px_um))
                return cli_usage_error("bench", "option --px-um: expected a number, found '%s'",
                                       v);
        } else if (strcmp(a, "--repeat") == 0) {
            if (!cli_parse_long(v, &repeat) || repeat < 1 || repeat > 1000)
                return cli_usage_error("bench", "option --repeat: expected 1-1000, found '%s'",
                                       v);
        } else {
            return cli_usage_error("bench", "unknown option '%s'", a);
        }
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    cli_common_apply(&c, ctx);
    int max_threads = c.threads > 0 ? c.threads : omp_get_max_threads();

    double gbs = 0;
    /* 3 arrays of 32 M doubles: 768 MiB, far beyond any cache. */
    scar_ctx_set_threads(ctx, max_threads);
    if (scar_measure_bandwidth(ctx, (size_t)1 << 25, 5, &gbs)) {
        cli_common_done(&c);
        return cli_fail(ctx, "bench");
    }
    bench_case cases[16];
    int ncases = 0;
    int rc = 0;
    if (!only || strcmp(only, "scan") == 0)
        rc = bench_scan(ctx, w_mm, h_mm, px_um, (int)repeat, max_threads, gbs, cases, &ncases);
    if (!rc && (!only || strcmp(only, "lod") == 0))
        rc = bench_lod(ctx, (int)repeat, max_threads, gbs, cases, &ncases);
    if (!rc && (!only || strcmp(only, "course") == 0))
        rc = bench_course(ctx, max_threads, gbs, cases, &ncases);
    cli_common_done(&c);
    if (rc)
        return rc;
    if (c.json) {
        printf("{\n  \"bandwidth_gbs\": %.3f,\n  \"threads_max\": %d,\n  \"cases\": [\n", gbs,
               max_threads);
        for (int k = 0; k < ncases; k++) {
            const bench_case *b = &cases[k];
            printf("    {\"name\": \"%s\", \"nx\": %zu, \"ny\": %zu, \"nz\": %zu, "
                   "\"substrates\": %d, \"threads\": %d, \"seconds_per_step\": %.6g, "
                   "\"updates_per_s\": %.6g, \"bandwidth_fraction\": %.4f",
                   b->name, b->nx, b->ny, b->nz, b->substrates, b->threads,
                   b->seconds_per_step, b->updates_per_s, b->bandwidth_fraction);
            if (strcmp(b->name, "course") == 0)
                printf(", \"steps\": %ld, \"total_s\": %.3f, \"split_s\": {\"reactions\": %.3f, "
                       "\"diffusion\": %.3f, \"chemotaxis\": %.3f, \"remodelling\": %.3f, "
                       "\"injury\": %.3f, \"outcomes_and_other\": %.3f}",
                       b->steps, b->total_s, b->react_s, b->diffuse_s, b->chemo_s, b->surface_s,
                       b->injury_s, b->other_s);
            printf("}%s\n", k + 1 < ncases ? "," : "");
        }
        printf("  ]\n}\n");
    } else {
        printf("memory bandwidth (triad, %d threads): %.2f GB/s\n\n", max_threads, gbs);
        printf("%-8s %6s %6s %4s %5s %8s %12s %14s %10s\n", "case", "nx", "ny", "nz", "subst",
               "threads", "s/step", "updates/s", "bw frac");
        for (int k = 0; k < ncases; k++) {
            const bench_case *b = &cases[k];
            printf("%-8s %6zu %6zu %4zu %5d %8d %12.4f %14.4g %10.3f\n", b->name, b->nx, b->ny,
                   b->nz, b->substrates, b->threads, b->seconds_per_step, b->updates_per_s,
                   b->bandwidth_fraction);
        }
        for (int k = 0; k < ncases; k++)
            if (strcmp(cases[k].name, "scan") == 0 && cases[k].threads == max_threads)
                printf("\nscan goal: a 16 Mpx surface in under 2 s: %s (%.3f s)\n",
                       cases[k].seconds_per_step < 2.0 ? "met" : "NOT met",
                       cases[k].seconds_per_step);
        lod_goals(cases, ncases, max_threads);
        for (int k = 0; k < ncases; k++) {
            const bench_case *b = &cases[k];
            if (strcmp(b->name, "course") != 0)
                continue;
            printf("\ncourse goal: under 60 s on 2 cores: %s (%.1f s, %ld steps)\n"
                   "  split: reactions %.1f s, diffusion %.1f s, chemotaxis %.1f s, "
                   "remodelling %.1f s, injury %.1f s, outcome scans and the rest %.1f s\n",
                   b->total_s < 60.0 ? "met" : "NOT met", b->total_s, b->steps, b->react_s,
                   b->diffuse_s, b->chemo_s, b->surface_s, b->injury_s, b->other_s);
        }
    }
    return 0;
}
