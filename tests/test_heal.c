/*
 * test_heal.c — the healing engine: its numerical verification (the checks
 * of `scarsim verify`, quick mode) and the validation targets the engine
 * alone can show (validation-targets.md E1, E2, V2, V4, C1).
 */
#include "testutil.h"

#include "course.h"
#include "heal.h"
#include "verify.h"

#include <math.h>

static void verification_passes(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_verify_report *r = malloc(sizeof *r);
    assert_non_null(r);
    assert_int_equal(scar_verify_run(ctx, true, r), SCAR_OK);
    for (size_t i = 0; i < r->n; i++) {
        const scar_verify_check *c = &r->checks[i];
        print_message("%-3s %-4s %-60s %.4g  %s\n", c->id,
                      c->skipped ? "skip" : c->pass ? "pass" : "FAIL", c->name, c->value,
                      c->detail);
    }
    for (size_t i = 0; i < r->n; i++)
        if (!r->checks[i].pass)
            fail_msg("verification check %s failed: %s (%s)", r->checks[i].id,
                     r->checks[i].name, r->checks[i].detail);
    assert_true(r->pass);
    free(r);
    scar_ctx_destroy(&ctx);
}

/* A small synthetic patch with one boxcar and one rolling scar, scanned. */
typedef struct skin {
    scar_heightmap *hm;
    scar_scan_result *scan;
    scar_params *p;
    scar_tissue *t;
    scar_heal *h;
} skin;

/* One boxcar on a size_mm cheek patch at h_mm voxels, with f_regrow set
 * (docs/engine.md, "Regrowing the missing dermis"). */
static void skin_make_regrow(scar_ctx *ctx, skin *s, double size_mm, double h_mm, double f_regrow)
{
    memset(s, 0, sizeof *s);
    scar_synth_spec spec;
    scar_synth_spec_default(&spec);
    memset(spec.counts, 0, sizeof spec.counts);
    spec.counts[SCAR_TYPE_BOXCAR] = 1;
    spec.width_mm = spec.height_mm = size_mm;
    spec.px_um = 25;
    spec.seed = 3;
    scar_scar_list truth = {0};
    if (scar_synth(ctx, &spec, &s->hm, &truth))
        fail_msg("synth: %s", tu_errmsg(ctx));
    scar_scar_list_clear(&truth);
    scar_scan_opts so;
    scar_scan_opts_default(&so);
    assert_int_equal(scar_scan(ctx, s->hm, &so, &s->scan), SCAR_OK);
    assert_int_equal(scar_params_create(ctx, &s->p), SCAR_OK);
    assert_int_equal(scar_params_set(ctx, s->p, "f_regrow", f_regrow, NULL, 0, 0), SCAR_OK);
    scar_tissue_spec ts = {.surface = s->scan->levelled, .labels = s->scan->labels,
                           .scars = s->scan->scars.v, .nscars = s->scan->scars.n,
                           .region = scar_region_find("cheek"), .h_mm = h_mm,
                           .fitzpatrick = 3, .age_y = 28};
    assert_int_equal(scar_tissue_create(ctx, &ts, s->p, &s->t), SCAR_OK);
    assert_int_equal(scar_heal_create(ctx, s->t, &s->h), SCAR_OK);
}

static void skin_make(scar_ctx *ctx, skin *s, double size_mm, double h_mm)
{
    skin_make_regrow(ctx, s, size_mm, h_mm, 0.0);
}

static void skin_free(skin *s)
{
    scar_heal_destroy(&s->h);
    scar_tissue_destroy(&s->t);
    scar_params_destroy(&s->p);
    scar_scan_result_destroy(&s->scan);
    scar_heightmap_destroy(&s->hm);
}

static void protocol(const scar_params *p, scar_device_kind kind, double needle_mm, int sessions,
                     double interval_days, double follow_up_days, scar_protocol *pr)
{
    memset(pr, 0, sizeof *pr);
    scar_device_default(kind, p, &pr->device);
    pr->device.needle_mm = needle_mm;
    pr->sessions = sessions;
    pr->interval_days = interval_days;
    pr->follow_up_days = follow_up_days;
}

/* E1: after a 1.5 mm session the erythema signal falls below visibility
 * within 0.1-3 days.  E2: the epidermis over the tracks re-closes (damage
 * below 0.05) within a day. */
static void erythema_and_reclosure(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    skin s;
    skin_make(ctx, &s, 5.0, 0.05);
    scar_protocol pr;
    protocol(s.p, SCAR_DEV_PEN, 1.5, 1, 14, 1.0, &pr);
    double ery[1] = {-1};
    scar_course_opts o;
    scar_course_opts_default(s.p, &o);
    o.erythema_days = ery;
    double peak = 0;
    assert_int_equal(scar_course_session(ctx, s.h, &pr, 1), SCAR_OK);
    double dmax0 = scar_heal_epidermal_damage_max(s.h);
    pr.sessions = 0; /* the session is applied; follow it for 4 days */
    pr.follow_up_days = 4.0;
    double dt = o.dt_min, t_closed = -1, d_prev = dmax0;
    while (scar_heal_time(s.h) < 4.0) {
        double t_prev = scar_heal_time(s.h);
        assert_int_equal(scar_heal_step(ctx, s.h, dt), SCAR_OK);
        dt = fmin(1.5 * dt, o.dt_max);
        double e = scar_heal_erythema(s.h);
        peak = fmax(peak, e);
        if (ery[0] < 0 && peak >= s.p->I_vis && e < s.p->I_vis)
            ery[0] = scar_heal_time(s.h);
        /* damage decays exponentially: the crossing of 0.05 between two
         * steps, interpolated in log d */
        double dn = scar_heal_epidermal_damage_max(s.h);
        if (t_closed < 0 && dn < 0.05)
            t_closed = t_prev + (log(d_prev) - log(0.05)) / (log(d_prev) - log(dn)) *
                                    (scar_heal_time(s.h) - t_prev);
        d_prev = dn;
    }
    print_message("E1 erythema peak %.3f, below I_vis=%.2f after %.2f days\n", peak, s.p->I_vis,
                  ery[0]);
    print_message("E2 epidermal damage %.3f after the session, below 0.05 after %.2f days\n",
                  dmax0, t_closed);
    assert_true(peak >= s.p->I_vis);
    assert_true(ery[0] >= 0.1 && ery[0] <= 3.0);
    assert_true(dmax0 > 0.5);
    assert_true(t_closed > 0 && t_closed <= 1.0);
    skin_free(&s);
    scar_ctx_destroy(&ctx);
}

/* V2, V4: pore openness without occlusion is below 1/10 two hours after the
 * session (barrier back within 2 h, Gupta 2011); with occlusion the half-life
 * lies in the measured 20.2-25.9 h (PMC8259462). */
static void pore_closure(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_params *p;
    assert_int_equal(scar_params_create(ctx, &p), SCAR_OK);
    double open2h = exp2(-(2.0 / 24.0) / p->t_half_pore_open);
    double occ_half_h = p->t_half_pore_occ * 24.0;
    print_message("V2 openness 2 h after needling, not occluded: %.3f\n", open2h);
    print_message("V4 pore half-life under occlusion: %.1f h\n", occ_half_h);
    assert_true(open2h < 0.1);
    assert_true(occ_half_h >= 20.2 && occ_half_h <= 25.9);
    scar_params_destroy(&p);
    scar_ctx_destroy(&ctx);
}

/* Chemotaxis deals its planes out to the threads in runs of about the same
 * dermis volume and recomputes the faces below a run's first plane: 1 and 3
 * threads (two such boundaries, runs of unequal length) give bitwise the same
 * fields a day after a session. */
static void threads_identical(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    skin s[2];
    for (int i = 0; i < 2; i++) {
        scar_ctx_set_threads(ctx, i == 0 ? 1 : 3);
        skin_make(ctx, &s[i], 5.0, 0.05);
        scar_protocol pr;
        protocol(s[i].p, SCAR_DEV_PEN, 1.5, 1, 14, 1.0, &pr);
        assert_int_equal(scar_course_session(ctx, s[i].h, &pr, 1), SCAR_OK);
        while (scar_heal_time(s[i].h) < 1.0)
            assert_int_equal(scar_heal_step(ctx, s[i].h, s[i].p->dt_max), SCAR_OK);
    }
    assert_true(scar_heal_stats(s[0].h)->chemo_substeps > 0);
    assert_int_equal(scar_heal_stats(s[0].h)->chemo_substeps,
                     scar_heal_stats(s[1].h)->chemo_substeps);
    for (int f = 0; f < SCAR_F_COUNT; f++)
        if (s[0].t->f[f])
            assert_memory_equal(s[0].t->f[f], s[1].t->f[f], s[0].t->g.n * sizeof(double));
    for (int i = 0; i < 2; i++)
        skin_free(&s[i]);
    scar_ctx_destroy(&ctx);
}

/* C1: three months after the first of six sessions two weeks apart,
 * collagen I and III are above baseline and total elastin below it
 * (El-Domyati 2015, directions only). */
static void course_collagen_up_elastin_down(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    skin s;
    skin_make(ctx, &s, 5.0, 0.05);
    scar_protocol pr;
    protocol(s.p, SCAR_DEV_ROLLER, 1.5, 6, 14, 20.0, &pr);
    scar_course_opts o;
    scar_course_opts_default(s.p, &o);
    double t0 = scar_now_s();
    assert_int_equal(scar_course_run(ctx, s.h, &pr, &o), SCAR_OK);
    assert_true(fabs(scar_heal_time(s.h) - 90.0) < 1e-9);
    scar_layer_means m;
    assert_int_equal(scar_heal_layer_means(s.h, s.t->h_e0, s.t->h_e0 + s.p->z_pap, 0, &m),
                     SCAR_OK);
    double r1 = m.mean[SCAR_F_RHO1] / m.baseline[SCAR_F_RHO1] - 1;
    double r3 = m.mean[SCAR_F_RHO3] / m.baseline[SCAR_F_RHO3] - 1;
    double e = m.mean[SCAR_F_E] / m.baseline[SCAR_F_E] - 1;
    print_message("C1 papillary dermis at 3 months: collagen I %+.2f%%, III %+.2f%%, elastin "
                  "%+.2f%% (%.1f s, %ld steps)\n", 100 * r1, 100 * r3, 100 * e,
                  scar_now_s() - t0, scar_heal_stats(s.h)->steps);
    assert_true(r1 > 0);
    assert_true(r3 > 0);
    assert_true(e < 0);
    assert_int_equal(scar_heal_stats(s.h)->clamps, 0);
    skin_free(&s);
    scar_ctx_destroy(&ctx);
}

/* A scar floor lacks no more matrix than the volume it is missing (MODEL.md
 * §4: matrix volume is thickness): in every scar column the dermis' deficit
 * below normal density, summed over the column, is at most the column's
 * untethered depth (plus one voxel of discretisation), so this shallow
 * boxcar's weight is capped below a full floor's.  A full weight everywhere
 * (no cap) breaks the first check at the rim: the test can fail. */
static void floor_lacks_no_more_than_its_depth(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    skin s;
    skin_make(ctx, &s, 5.0, 0.05);
    const scar_tissue *t = s.t;
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny, capped = 0, floors = 0;
    double rho0 = s.p->rho0, slack = (1.0 - s.p->phi_rho) * g->h_mm;
    for (size_t col = 0; col < plane; col++) {
        if (t->floor_w[col] <= 0.0)
            continue;
        floors++;
        capped += t->floor_w[col] < 1.0;
        double deficit = 0.0;
        for (size_t k = 0; k < g->nz; k++)
            if (t->layer[k * plane + col] == SCAR_LAYER_DERMIS)
                deficit += (rho0 - scar_tissue_rho_base(t, k * plane + col)) / rho0 * g->h_mm;
        double depth = t->H0[col] < 0.0 ? -t->H0[col] : 0.0;
        double missing = (1.0 - t->tau_t0[col]) * depth;
        if (deficit > missing + slack)
            fail_msg("column %zu: deficit %.4f mm > missing %.4f mm", col, deficit, missing);
    }
    print_message("%zu floor columns, %zu capped\n", floors, capped);
    assert_true(floors > 0);
    assert_true(capped > 0);
    skin_free(&s);
    scar_ctx_destroy(&ctx);
}

/* MODEL.md §5.3: a peel injures every column to z_peel below its own
 * surface and takes the epidermis; right after needling it reaches kappa_p
 * deeper where a pore opens the column, and nowhere else. */
static void peel_deeper_only_in_pores(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    skin s;
    skin_make(ctx, &s, 5.0, 0.05);
    scar_tissue *t = scar_heal_tissue(s.h);
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny;
    double *pores = calloc(g->n, sizeof *pores);
    assert_non_null(pores);
    /* one open pore, at the first column */
    size_t open = 0, shut = 5 * g->nx + 5;
    pores[(size_t)t->col_top[open] * plane + open] = 1.0;
    double z = 0.1, kappa = 0.15;
    scar_heal_apply_peel(s.h, z, kappa, pores);
    /* damage of the voxel at a depth below the column's surface; the
     * surface need not lie on a voxel face, so the depths checked keep a
     * voxel (50 um) from z and z + kappa */
    double *D = t->f[SCAR_F_D];
#define DAMAGE_AT(col, depth)                                                                 \
    D[(size_t)floor((tissue_surface_z(t, col) + (depth) - g->z0_mm) / g->h_mm) * plane + (col)]
    assert_true(DAMAGE_AT(open, 0.025) >= 0.99 && DAMAGE_AT(shut, 0.025) >= 0.99);
    assert_true(DAMAGE_AT(open, 0.175) >= 0.99); /* inside z + kappa */
    assert_true(DAMAGE_AT(shut, 0.175) == 0.0);  /* below z, no pore */
    assert_true(DAMAGE_AT(open, 0.325) == 0.0);  /* below z + kappa */
    /* the epidermis (h_e0 below z) is gone everywhere */
    assert_true(t->h_e0 + t->dh_e[open] == 0.0 && t->h_e0 + t->dh_e[shut] == 0.0);
    /* without pores (a session that opened none) no column reaches deeper */
    skin_free(&s);
    skin_make(ctx, &s, 5.0, 0.05);
    t = scar_heal_tissue(s.h);
    g = &t->g; /* the same grid, in the new tissue */
    assert_int_equal(g->nx * g->ny, plane);
    D = t->f[SCAR_F_D];
    scar_heal_apply_peel(s.h, z, kappa, NULL);
    assert_true(DAMAGE_AT(open, 0.025) >= 0.99);
    assert_true(DAMAGE_AT(open, 0.175) == 0.0);
#undef DAMAGE_AT
    free(pores);
    skin_free(&s);
    scar_ctx_destroy(&ctx);
}

/* docs/engine.md, "Regrowing the missing dermis": f_regrow 0 leaves every
 * floor's goal at normal density; f_regrow 1 sets goals below it, and the
 * matrix a floor would gain going from its weight to its goal is never more
 * than its column is missing (the floor stops at the skin's level).  Fails
 * when the goal is not capped by the missing thickness, or when f_regrow is
 * ignored (no goal below 0).  tests/test_course.c checks that the boxcars
 * then rise further. */
static void regrowth_stops_at_the_skin(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    const double regrow[2] = {0.0, 1.0};
    for (int i = 0; i < 2; i++) {
        skin s;
        skin_make_regrow(ctx, &s, 5.0, 0.05, regrow[i]);
        const scar_tissue *t = s.t;
        const scar_grid *g = &t->g;
        size_t plane = g->nx * g->ny, goals = 0;
        double slack = (1.0 - s.p->phi_rho) * g->h_mm;
        for (size_t col = 0; col < plane; col++) {
            if (t->floor_w[col] <= 0.0)
                continue;
            assert_true(t->floor_goal[col] <= 0.0);
            goals += t->floor_goal[col] < 0.0;
            double dermis = 0.0;
            for (size_t k = 0; k < g->nz; k++)
                dermis += t->layer[k * plane + col] == SCAR_LAYER_DERMIS ? g->h_mm : 0.0;
            double gain = (t->floor_w[col] - t->floor_goal[col]) * (1.0 - s.p->phi_rho) * dermis;
            double depth = t->H0[col] < 0.0 ? -t->H0[col] : 0.0;
            double missing = (1.0 - t->tau_t0[col]) * depth;
            if (gain > missing + slack)
                fail_msg("f_regrow %g, column %zu: regrowable %.4f mm > missing %.4f mm",
                         regrow[i], col, gain, missing);
        }
        print_message("f_regrow %g: %zu floor columns with a goal below normal density\n",
                      regrow[i], goals);
        if (regrow[i] == 0.0)
            assert_int_equal(goals, 0);
        else
            assert_true(goals > 0);
        skin_free(&s);
    }
    scar_ctx_destroy(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verification_passes),
        cmocka_unit_test(erythema_and_reclosure),
        cmocka_unit_test(pore_closure),
        cmocka_unit_test(threads_identical),
        cmocka_unit_test(course_collagen_up_elastin_down),
        cmocka_unit_test(floor_lacks_no_more_than_its_depth),
        cmocka_unit_test(peel_deeper_only_in_pores),
        cmocka_unit_test(regrowth_stops_at_the_skin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
