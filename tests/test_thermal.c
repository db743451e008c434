/*
 * test_thermal.c — the thermal devices (MODEL.md §5.4 RF microneedling,
 * §5.5 fractional laser): the Arrhenius integral (N9), the RF sub-grid's
 * potential (symmetry, the quarter box against the whole one), the bioheat
 * energy balance, lesion depth against energy (validation E3/L3), the
 * epidermis spared by insulated needles, the micro-thermal-zone geometry
 * (L1), stamping onto the tissue, the ablative volume loss, and short
 * courses run through scar_course_run.
 */
#include "testutil.h"

#include "course.h"
#include "heal.h"
#include "thermal.h"

#include <math.h>

/* ---- shared: a context, the parameters and the default RF field ---- */

typedef struct fixture {
    scar_ctx *ctx;
    scar_params *p;
    scar_device dev;      /* rf_microneedle defaults */
    scar_rf_field *field; /* its potential */
} fixture;

static int setup(void **state)
{
    fixture *F = calloc(1, sizeof *F);
    if (!F)
        return -1;
    F->ctx = scar_ctx_create();
    if (scar_params_create(F->ctx, &F->p))
        return -1;
    scar_device_default(SCAR_DEV_RF_MICRONEEDLE, F->p, &F->dev);
    scar_rf_spec s;
    scar_rf_spec_from_device(&F->dev, F->p, 0.05, 1.0, &s);
    if (scar_rf_field_create(F->ctx, &s, F->p, &F->field))
        return -1;
    *state = F;
    return 0;
}

static int teardown(void **state)
{
    fixture *F = *state;
    scar_rf_field_destroy(&F->field);
    scar_params_destroy(&F->p);
    scar_ctx_destroy(&F->ctx);
    free(F);
    return 0;
}

/* A flat patch of cheek skin (no scar), rho_d allocated. */
typedef struct flat {
    scar_heightmap *hm;
    int32_t *labels;
    scar_tissue *t;
    scar_heal *h;
} flat;

static void flat_make(scar_ctx *ctx, const scar_params *p, flat *S, double size_mm, double h_mm)
{
    memset(S, 0, sizeof *S);
    double px_um = 0.5e3 * h_mm;
    size_t n = (size_t)llround(size_mm * 1e3 / px_um);
    assert_int_equal(scar_heightmap_create(ctx, n, n, px_um, px_um, &S->hm), SCAR_OK);
    S->labels = calloc(n * n, sizeof *S->labels);
    assert_non_null(S->labels);
    scar_tissue_spec spec = {.surface = S->hm,
                             .labels = S->labels,
                             .region = scar_region_find("cheek"),
                             .h_mm = h_mm,
                             .fitzpatrick = 3,
                             .age_y = 28,
                             .with_thermal = true};
    assert_int_equal(scar_tissue_create(ctx, &spec, p, &S->t), SCAR_OK);
    assert_int_equal(scar_heal_create(ctx, S->t, &S->h), SCAR_OK);
}

static void flat_free(flat *S)
{
    scar_heal_destroy(&S->h);
    scar_tissue_destroy(&S->t);
    scar_heightmap_destroy(&S->hm);
    free(S->labels);
}

static double voxels_volume(const scar_voxels *v, double h)
{
    double s = 0.0;
    for (size_t i = 0; i < v->n; i++)
        s += v->v[i].chi;
    return s * h * h * h;
}

/* ---- N9 ---- */

static void arrhenius_n9(void **state)
{
    fixture *F = *state;
    scar_arrhenius_check a;
    scar_arrhenius_check_run(F->p, &a);
    print_message("N9 %d cases: largest relative error %.2g, non-finite %d (naive product "
                  "non-finite in %d), over-range Omega capped: %d\n",
                  a.cases, a.max_rel_err, a.nonfinite, a.naive_nonfinite, a.capped_ok);
    assert_true(a.max_rel_err <= 1e-12);
    assert_int_equal(a.nonfinite, 0);
    assert_true(a.naive_nonfinite >= 1); /* the case tests what it claims */
    assert_true(a.capped_ok);
    /* the rate at body temperature, by hand: 3.1e98 exp(-6.28e5/(8.314 x 310.15)) */
    scar_arrhenius c = scar_arrhenius_make(F->p->A_cell, F->p->Ea_cell, F->p->R_gas);
    double r37 = 3.1e98 * exp(-6.28e5 / (8.314 * 310.15));
    assert_true(fabs(scar_arrhenius_rate(&c, 37.0) / r37 - 1.0) < 1e-12);
}

/* ---- the potential ---- */

/* The whole box of a bipolar pair: φ(-x) = -φ(x), φ(-y) = φ(y); its power
 * equals what the electrodes deliver; the quarter box gives the same φ and
 * the same lesion. */
static void potential_symmetry(void **state)
{
    fixture *F = *state;
    scar_rf_spec s;
    scar_rf_spec_from_device(&F->dev, F->p, 0.05, 1.0, &s);
    s.h_mm = 0.02;
    s.grow = 0.3;
    s.fine_mm = 0.04;
    s.margin_mm = 0.3;
    s.pulse_steps = 40;
    s.cg_tol = 1e-11;
    s.full_domain = true;
    scar_rf_field *full = NULL, *quarter = NULL;
    assert_int_equal(scar_rf_field_create(F->ctx, &s, F->p, &full), SCAR_OK);
    s.full_domain = false;
    assert_int_equal(scar_rf_field_create(F->ctx, &s, F->p, &quarter), SCAR_OK);
    const scar_subgrid *g = &full->g, *q = &quarter->g;
    assert_int_equal(g->nx, 2 * q->nx);
    assert_int_equal(g->ny, 2 * q->ny);
    assert_int_equal(g->nz, q->nz);
    double asym = 0.0, conf = 0.0;
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                double a = full->phi[(k * g->ny + j) * g->nx + i];
                double mx = full->phi[(k * g->ny + j) * g->nx + (g->nx - 1 - i)];
                double my = full->phi[(k * g->ny + (g->ny - 1 - j)) * g->nx + i];
                asym = fmax(asym, fmax(fabs(a + mx), fabs(a - my)));
                if (i >= q->nx && j >= q->ny)
                    conf = fmax(
                        conf, fabs(a - quarter->phi[(k * q->ny + j - q->ny) * q->nx + i - q->nx]));
            }
    double pw = fabs(full->power_W - full->power_check_W) / full->power_W;
    /* per pin: the whole box holds two pins, the quarter half of one */
    double p_full = full->power_W / 2.0, p_quarter = quarter->power_W * 2.0;
    print_message("potential: %zu cells whole, %zu quarter; CG %d / %d iterations; "
                  "asymmetry %.2g V, quarter vs whole %.2g V (drive 1 V); power vs sum of "
                  "phi I %.2g; power per pin %.6g vs %.6g W\n",
                  g->n, q->n, full->cg_iterations, quarter->cg_iterations, asym, conf, pw, p_full,
                  p_quarter);
    assert_true(asym <= 1e-9);
    assert_true(conf <= 1e-7);
    assert_true(pw <= 1e-6);
    assert_true(fabs(p_full / p_quarter - 1.0) <= 1e-6);
    scar_lesion a, b;
    assert_int_equal(scar_rf_lesion(F->ctx, full, F->p, 5.0, &a), SCAR_OK);
    assert_int_equal(scar_rf_lesion(F->ctx, quarter, F->p, 5.0, &b), SCAR_OK);
    print_message("lesion at 5 mJ, whole vs quarter box: depth %.3f / %.3f mm, volume %.5f / "
                  "%.5f mm^3, peak %.2f / %.2f C\n",
                  a.stats.coag_depth_mm, b.stats.coag_depth_mm, a.stats.coag_vol_mm3,
                  b.stats.coag_vol_mm3, a.stats.T_peak_C, b.stats.T_peak_C);
    assert_true(fabs(a.stats.coag_depth_mm - b.stats.coag_depth_mm) < 1e-9);
    assert_true(fabs(a.stats.coag_vol_mm3 / b.stats.coag_vol_mm3 - 1.0) < 1e-6);
    assert_true(fabs(a.stats.T_peak_C - b.stats.T_peak_C) < 1e-6);
    scar_lesion_free(&a);
    scar_lesion_free(&b);
    scar_rf_field_destroy(&full);
    scar_rf_field_destroy(&quarter);
    /* monopolar: mirror-symmetric in x and y; the quarter box agrees */
    s.bipolar = false;
    s.full_domain = true;
    assert_int_equal(scar_rf_field_create(F->ctx, &s, F->p, &full), SCAR_OK);
    s.full_domain = false;
    assert_int_equal(scar_rf_field_create(F->ctx, &s, F->p, &quarter), SCAR_OK);
    g = &full->g;
    q = &quarter->g;
    asym = conf = 0.0;
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                double u = full->phi[(k * g->ny + j) * g->nx + i];
                double mx = full->phi[(k * g->ny + j) * g->nx + (g->nx - 1 - i)];
                double my = full->phi[(k * g->ny + (g->ny - 1 - j)) * g->nx + i];
                asym = fmax(asym, fmax(fabs(u - mx), fabs(u - my)));
                if (i >= q->nx && j >= q->ny)
                    conf = fmax(
                        conf, fabs(u - quarter->phi[(k * q->ny + j - q->ny) * q->nx + i - q->nx]));
            }
    print_message("monopolar: asymmetry %.2g V, quarter vs whole %.2g V; power %.6g vs "
                  "%.6g W\n",
                  asym, conf, full->power_W, 4.0 * quarter->power_W);
    assert_true(asym <= 1e-9);
    assert_true(conf <= 1e-7);
    assert_true(fabs(full->power_W / (4.0 * quarter->power_W) - 1.0) <= 1e-6);
    scar_rf_field_destroy(&full);
    scar_rf_field_destroy(&quarter);
}

/* ---- bioheat energy ---- */

/* Without perfusion and convection the pulse's Joule energy is what the
 * tissue holds at its end (the deep boundary is 0.5 mm away); with them the
 * ledger closes to round-off. */
static void energy_conservation(void **state)
{
    fixture *F = *state;
    scar_rf_spec s;
    scar_rf_spec_from_device(&F->dev, F->p, 0.05, 1.0, &s);
    s.perfusion = s.convection = false;
    scar_rf_field *f = NULL;
    assert_int_equal(scar_rf_field_create(F->ctx, &s, F->p, &f), SCAR_OK);
    double E = F->dev.energy_mJ;
    scar_lesion l;
    assert_int_equal(scar_rf_lesion(F->ctx, f, F->p, E, &l), SCAR_OK);
    const scar_lesion_stats *S = &l.stats;
    double stored = fabs(S->e_held_pulse_J / S->e_joule_J - 1.0);
    double pulse = fabs(S->e_joule_J - S->e_held_pulse_J - S->e_lost_pulse_J) / S->e_joule_J;
    double book = fabs(S->e_joule_J - (S->e_held_end_J + S->e_surface_J + S->e_deep_J +
                                       S->e_perfusion_J + S->e_needle_J)) /
                  S->e_joule_J;
    print_message("energy, no perfusion/convection: prescribed %.4g J, Joule %.6g J, held at "
                  "the pulse's end %.6g J (rel. diff %.2g: %.3g J heated the cells at the deep "
                  "37 C face and left; ledger %.2g); electrodes %.6g W vs heat %.6g W; "
                  "ledger at the end %.2g (needle %.3g J, deep %.3g J)\n",
                  E * 1e-3, S->e_joule_J, S->e_held_pulse_J, stored, S->e_lost_pulse_J, pulse,
                  f->power_check_W, f->power_W, book, S->e_needle_J, S->e_deep_J);
    assert_true(fabs(S->e_joule_J / (E * 1e-3) - 1.0) < 1e-12);
    assert_true(stored < 1e-3);
    assert_true(pulse < 1e-9);
    assert_true(book < 1e-9);
    assert_true(fabs(f->power_check_W / f->power_W - 1.0) < 1e-6);
    assert_true(S->e_surface_J == 0.0 && S->e_perfusion_J == 0.0);
    scar_lesion_free(&l);
    scar_rf_field_destroy(&f);
    /* the default solve: every joule accounted for */
    assert_int_equal(scar_rf_lesion(F->ctx, F->field, F->p, E, &l), SCAR_OK);
    book = fabs(S->e_joule_J - (S->e_held_end_J + S->e_surface_J + S->e_deep_J + S->e_perfusion_J +
                                S->e_needle_J)) /
           S->e_joule_J;
    print_message("energy, default: Joule %.4g J = held %.4g + surface %.3g + deep %.3g + "
                  "perfusion %.3g + needle %.3g J (rel. diff %.2g)\n",
                  S->e_joule_J, S->e_held_end_J, S->e_surface_J, S->e_deep_J, S->e_perfusion_J,
                  S->e_needle_J, book);
    assert_true(book < 1e-9);
    scar_lesion_free(&l);
}

/* ---- E3 / L3 ---- */

static void depth_against_energy(void **state)
{
    fixture *F = *state;
    static const double E[] = {3.0, 4.0, 5.0, 7.0, 10.0};
    double prev_d = 0.0, prev_v = 0.0;
    print_message("E3/L3: insulated bipolar pins, tip %.2f mm at %.2f mm, pulse %.0f ms\n",
                  F->dev.tip_mm, F->dev.f_pen * F->dev.needle_mm, 1e3 * F->dev.pulse_s);
    for (size_t q = 0; q < sizeof E / sizeof E[0]; q++) {
        scar_lesion l;
        assert_int_equal(scar_rf_lesion(F->ctx, F->field, F->p, E[q], &l), SCAR_OK);
        const scar_lesion_stats *S = &l.stats;
        print_message("  %5.1f mJ/pin (%5.1f V): coagulated %.3f-%.3f mm, %3.0f um deep, %3.0f "
                      "um wide, %.4f mm^3; denatured %3.0f um deep; peak %.0f C (%.2f s)\n",
                      E[q], S->voltage_V, S->coag_top_mm, S->coag_bottom_mm, 1e3 * S->coag_depth_mm,
                      1e3 * S->coag_width_mm, S->coag_vol_mm3, 1e3 * S->den_depth_mm, S->T_peak_C,
                      S->seconds);
        assert_true(S->coag_depth_mm >= prev_d);
        assert_true(S->coag_vol_mm3 > prev_v);
        /* the zone surrounds the conducting tip, not the shaft */
        assert_true(S->coag_top_mm > F->dev.f_pen * F->dev.needle_mm - F->dev.tip_mm - 0.2);
        if (E[q] <= 8.0) /* the E3 band over the clinical range of the model */
            assert_true(S->coag_depth_mm >= 0.1 && S->coag_depth_mm <= 0.3);
        if (E[q] == F->dev.energy_mJ) /* the default: z_RFTZ */
            assert_true(fabs(S->coag_depth_mm - F->p->z_RFTZ) <= 0.03);
        prev_d = S->coag_depth_mm;
        prev_v = S->coag_vol_mm3;
        scar_lesion_free(&l);
    }
    assert_true(prev_d > 0.25); /* it keeps growing with energy */
    /* one needle against a distant return pad: a zone of the same kind */
    scar_device mono = F->dev;
    mono.bipolar = false;
    scar_lesion m;
    assert_int_equal(scar_device_lesion(F->ctx, &mono, F->p, 0.05, 1.0, &m), SCAR_OK);
    print_message("  monopolar, %.1f mJ: coagulated %.3f-%.3f mm, %3.0f um deep, %3.0f um wide\n",
                  mono.energy_mJ, m.stats.coag_top_mm, m.stats.coag_bottom_mm,
                  1e3 * m.stats.coag_depth_mm, 1e3 * m.stats.coag_width_mm);
    assert_true(m.stats.coag_depth_mm >= 0.1 && m.stats.coag_depth_mm <= 0.3);
    assert_true(m.fold_x && m.fold_y && !m.cut_x);
    scar_lesion_free(&m);
    /* the shortcut: z_RFTZ at the reference energy, growing, in the band */
    scar_device d = F->dev;
    scar_lesion e;
    d.rf_shortcut = true;
    double last = 0.0;
    for (double mJ = 2.0; mJ <= 12.0; mJ *= 1.5) {
        d.energy_mJ = mJ;
        assert_int_equal(scar_device_lesion(F->ctx, &d, F->p, 0.05, 1.0, &e), SCAR_OK);
        assert_int_equal(e.kind, SCAR_LESION_ELLIPSOID);
        assert_true(e.stats.coag_depth_mm >= last);
        assert_true(e.stats.coag_depth_mm >= 0.1 - 1e-12 && e.stats.coag_depth_mm <= 0.3 + 1e-12);
        last = e.stats.coag_depth_mm;
        scar_lesion_free(&e);
    }
    d.energy_mJ = SCAR_RF_E_REF_MJ;
    assert_int_equal(scar_device_lesion(F->ctx, &d, F->p, 0.05, 1.0, &e), SCAR_OK);
    assert_true(fabs(e.stats.coag_depth_mm - F->p->z_RFTZ) < 1e-12);
    scar_lesion_free(&e);
}

/* Insulated needles spare the epidermis: for a comparable coagulated
 * volume (10 mJ insulated, 40 mJ uninsulated: the current leaves along the
 * whole shaft) and at the same energy. */
static void insulated_spares_epidermis(void **state)
{
    fixture *F = *state;
    scar_device bare = F->dev;
    bare.insulated = false;
    scar_rf_spec s;
    scar_rf_spec_from_device(&bare, F->p, 0.05, 1.0, &s);
    scar_rf_field *fb = NULL;
    assert_int_equal(scar_rf_field_create(F->ctx, &s, F->p, &fb), SCAR_OK);
    scar_lesion ins10, ins40, bare40;
    assert_int_equal(scar_rf_lesion(F->ctx, F->field, F->p, 10.0, &ins10), SCAR_OK);
    assert_int_equal(scar_rf_lesion(F->ctx, F->field, F->p, 40.0, &ins40), SCAR_OK);
    assert_int_equal(scar_rf_lesion(F->ctx, fb, F->p, 40.0, &bare40), SCAR_OK);
    print_message("epidermis: insulated 10 mJ: coagulated %.4f mm^3 (%.3f-%.3f mm), epidermal "
                  "damage %.2g, rise %.1f K; uninsulated 40 mJ: %.4f mm^3 (%.3f-%.3f mm), "
                  "damage %.2g, rise %.1f K; insulated 40 mJ: damage %.2g, rise %.1f K\n",
                  ins10.stats.coag_vol_mm3, ins10.stats.coag_top_mm, ins10.stats.coag_bottom_mm,
                  ins10.stats.epi_damage_max, ins10.stats.epi_dT_max, bare40.stats.coag_vol_mm3,
                  bare40.stats.coag_top_mm, bare40.stats.coag_bottom_mm,
                  bare40.stats.epi_damage_max, bare40.stats.epi_dT_max, ins40.stats.epi_damage_max,
                  ins40.stats.epi_dT_max);
    double ratio = ins10.stats.coag_vol_mm3 / bare40.stats.coag_vol_mm3;
    assert_true(ratio > 0.3 && ratio < 3.0);
    assert_true(bare40.stats.epi_damage_max > 0.01);
    assert_true(ins10.stats.epi_damage_max < 1e-3 * bare40.stats.epi_damage_max);
    assert_true(ins40.stats.epi_damage_max < 1e-2 * bare40.stats.epi_damage_max);
    assert_true(ins10.stats.epi_dT_max < 0.5 * bare40.stats.epi_dT_max);
    /* the uninsulated column reaches up the shaft, the insulated zone not */
    assert_true(bare40.stats.coag_top_mm < 0.5 * ins10.stats.coag_top_mm);
    scar_lesion_free(&ins10);
    scar_lesion_free(&ins40);
    scar_lesion_free(&bare40);
    scar_rf_field_destroy(&fb);
}

/* ---- stamping ---- */

/* The RF lesion stamped on a tissue grid keeps its volume. */
static void rf_stamp_keeps_volume(void **state)
{
    fixture *F = *state;
    flat S;
    flat_make(F->ctx, F->p, &S, 1.2, 0.02);
    scar_lesion l;
    assert_int_equal(scar_rf_lesion(F->ctx, F->field, F->p, F->dev.energy_mJ, &l), SCAR_OK);
    scar_lesion_voxels v = {0};
    assert_int_equal(scar_lesion_stamp(F->ctx, S.t, &l, 0.6, 0.6, &v), SCAR_OK);
    /* the lesion's own integral over one pin: the solved quarter box holds
     * half of the pin's surroundings (y >= 0) */
    const scar_subgrid *g = &l.g;
    double dmg = 0.0, den = 0.0;
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t c = (k * g->ny + j) * g->nx + i;
                double V =
                    (g->x[i + 1] - g->x[i]) * (g->y[j + 1] - g->y[j]) * (g->z[k + 1] - g->z[k]);
                dmg += 2.0 * V * (l.dmg[c] >= SCAR_LESION_EPS ? l.dmg[c] : 0.0);
                den += 2.0 * V * (l.den[c] >= SCAR_LESION_EPS ? l.den[c] : 0.0);
            }
    double vk = voxels_volume(&v.kill, 0.02), vd = voxels_volume(&v.den, 0.02);
    print_message("RF stamp at 20 um: damage volume %.5f vs %.5f mm^3, denatured %.5f vs %.5f "
                  "mm^3, %zu voxels, rim %zu voxels\n",
                  vk, dmg, vd, den, v.kill.n, v.rim.n);
    assert_true(fabs(vk / dmg - 1.0) < 0.03);
    assert_true(den <= 0.0 || fabs(vd / den - 1.0) < 0.1);
    assert_true(v.rim.n > 0);
    assert_int_equal(v.ablated.n, 0);
    scar_lesion_voxels_free(&v);
    scar_lesion_free(&l);
    flat_free(&S);
}

/* L1: a non-ablative zone d_MTZ wide and z_MTZ deep; an ablative one's
 * crater removes its matrix: the columns lose that volume. */
static void mtz_geometry_and_ablation(void **state)
{
    fixture *F = *state;
    const double h = 0.01;
    flat S;
    flat_make(F->ctx, F->p, &S, 0.6, h);
    scar_device d;
    scar_device_default(SCAR_DEV_FRACTIONAL_LASER, F->p, &d);
    scar_lesion l;
    assert_int_equal(scar_device_lesion(F->ctx, &d, F->p, 0.05, 1.0, &l), SCAR_OK);
    scar_lesion_voxels v = {0};
    assert_int_equal(scar_lesion_stamp(F->ctx, S.t, &l, 0.3, 0.3, &v), SCAR_OK);
    const scar_grid *g = &S.t->g;
    double zs = tissue_surface_z(S.t, (g->ny / 2) * g->nx + g->nx / 2);
    size_t k_mid = (size_t)floor((zs + 0.5 * F->p->z_MTZ - g->z0_mm) / h);
    double deepest = 0.0, area_mid = 0.0;
    for (size_t i = 0; i < v.kill.n; i++) {
        size_t vx = v.kill.v[i].v, k = vx / (g->nx * g->ny);
        double z = g->z0_mm + ((double)k + 1.0) * h - zs; /* bottom face */
        if (v.kill.v[i].chi >= 0.5)
            deepest = fmax(deepest, z);
        if (k == k_mid)
            area_mid += v.kill.v[i].chi * h * h;
    }
    double width = 2.0 * sqrt(area_mid / M_PI);
    double vk = voxels_volume(&v.kill, h), vd = voxels_volume(&v.den, h);
    print_message("L1 MTZ: %.0f um wide at mid-depth (d_MTZ %.0f), %.0f um deep (z_MTZ %.0f), "
                  "volume %.5f vs %.5f mm^3, denatured %.5f, rim voxels %zu\n",
                  1e3 * width, 1e3 * F->p->d_MTZ, 1e3 * deepest, 1e3 * F->p->z_MTZ, vk,
                  l.stats.coag_vol_mm3, vd, v.rim.n);
    assert_true(fabs(width - F->p->d_MTZ) <= 0.05 * F->p->d_MTZ);
    assert_true(fabs(deepest - F->p->z_MTZ) <= h);
    assert_true(fabs(vk / l.stats.coag_vol_mm3 - 1.0) < 0.03);
    assert_true(fabs(vd / vk - 1.0) < 1e-12); /* coagulation column: all denatured */
    assert_true(v.rim.n > 0 && v.ablated.n == 0);
    scar_lesion_free(&l);
    /* ablative: the crater's dermal matrix is removed, the surface drops */
    d.ablative = true;
    assert_int_equal(scar_device_lesion(F->ctx, &d, F->p, 0.05, 1.0, &l), SCAR_OK);
    assert_int_equal(scar_lesion_stamp(F->ctx, S.t, &l, 0.3, 0.3, &v), SCAR_OK);
    double va = voxels_volume(&v.ablated, h), va_derm = 0.0;
    for (size_t i = 0; i < v.ablated.n; i++)
        if (S.t->layer[v.ablated.v[i].v] == SCAR_LAYER_DERMIS)
            va_derm += v.ablated.v[i].chi * h * h * h;
    double coll0 = scar_heal_collagen_mg(S.h);
    heal_lesion hl = {&v.kill, &v.den, &v.rim, &v.ablated, false};
    scar_heal_apply_thermal(S.h, &hl);
    double dV = 0.0, dhe = 0.0;
    for (size_t c = 0; c < g->nx * g->ny; c++) {
        dV += scar_tissue_column_dV(S.t, c) * h * h;
        dhe = fmin(dhe, S.t->dh_e[c]);
    }
    double expect = -va_derm * (1.0 + F->p->e0 / F->p->e_ref);
    double removed = coll0 - scar_heal_collagen_mg(S.h);
    print_message("ablative MTZ: crater %.5f mm^3 (analytic %.5f, dermal %.5f); matrix volume "
                  "change %.5f mm^3 (expected %.5f); collagen removed %.4g mg, booked %.4g; "
                  "epidermis thinned by up to %.0f um\n",
                  va, l.stats.ablated_vol_mm3, va_derm, dV, expect, removed,
                  scar_heal_stats(S.h)->collagen_disrupted_mg, -1e3 * dhe);
    assert_true(fabs(va / l.stats.ablated_vol_mm3 - 1.0) < 0.03);
    assert_true(fabs(dV / expect - 1.0) < 1e-9);
    assert_true(fabs(removed / scar_heal_stats(S.h)->collagen_disrupted_mg - 1.0) < 1e-9);
    assert_true(dhe < -0.5 * S.t->h_e0);
    scar_lesion_voxels_free(&v);
    scar_lesion_free(&l);
    flat_free(&S);
}

/* ---- courses ---- */

typedef struct watch {
    int n;
    double day[8], rhod_mg[8], dV_mm3[8];
} watch;

static double total_rhod_mg(const scar_tissue *t)
{
    double s = 0.0;
    for (size_t v = 0; v < t->g.n; v++)
        s += t->f[SCAR_F_RHOD][v];
    return s * t->g.h_mm * t->g.h_mm * t->g.h_mm * 1e-3;
}

static scar_status observe(scar_ctx *ctx, void *user, scar_heal *h, scar_course_mark m, int session,
                           double day)
{
    (void)ctx;
    (void)session;
    watch *w = user;
    if ((m == SCAR_MARK_SNAPSHOT || m == SCAR_MARK_END) && w->n < 8) {
        const scar_tissue *t = scar_heal_tissue(h);
        double dV = 0.0;
        for (size_t c = 0; c < t->g.nx * t->g.ny; c++)
            dV += scar_tissue_column_dV(t, c) * t->g.h_mm * t->g.h_mm;
        w->day[w->n] = day;
        w->rhod_mg[w->n] = total_rhod_mg(t);
        w->dV_mm3[w->n] = dV;
        w->n++;
    }
    return SCAR_OK;
}

/* One session, followed 40 days: denatured collagen appears and is cleared
 * at least at delta_d (Phi >= 1); collagen balances; no clamp. */
static void run_course(fixture *F, const scar_device *dev, const char *label)
{
    flat S;
    flat_make(F->ctx, F->p, &S, 3.0, 0.05);
    scar_protocol pr;
    memset(&pr, 0, sizeof pr);
    pr.device = *dev;
    pr.sessions = 1;
    pr.interval_days = 14;
    pr.follow_up_days = 40;
    scar_course_opts o;
    scar_course_opts_default(F->p, &o);
    static const double snaps[] = {0.01, 20.0};
    watch w = {0};
    o.snapshot_days = snaps;
    o.nsnapshots = 2;
    o.observe = observe;
    o.user = &w;
    double m0 = scar_heal_collagen_mg(S.h), t0 = scar_now_s();
    if (scar_course_run(F->ctx, S.h, &pr, &o))
        fail_msg("%s course: %s", label, tu_errmsg(F->ctx));
    const heal_stats *st = scar_heal_stats(S.h);
    double dm = scar_heal_collagen_mg(S.h) - m0;
    double booked = st->collagen_synth_mg - st->collagen_degr_mg - st->collagen_disrupted_mg;
    double bound = w.rhod_mg[0] * exp(-F->p->delta_d * (w.day[2] - w.day[0]));
    print_message("%s course, 1 session: denatured collagen %.4g mg at %.2f d, %.4g at %.0f d, "
                  "%.4g at %.0f d (clearance at delta_d alone would leave %.4g); matrix volume "
                  "%+.4g mm^3 after the session, %+.4g at the end; collagen balance %.2g; "
                  "clamps %ld; %.1f s\n",
                  label, w.rhod_mg[0], w.day[0], w.rhod_mg[1], w.day[1], w.rhod_mg[2], w.day[2],
                  bound, w.dV_mm3[0], w.dV_mm3[2],
                  fabs(dm - booked) / fmax(st->collagen_synth_mg, 1e-300), st->clamps,
                  scar_now_s() - t0);
    assert_int_equal(w.n, 3);
    assert_true(w.rhod_mg[0] > 0.0);
    assert_true(w.rhod_mg[1] < w.rhod_mg[0]);
    assert_true(w.rhod_mg[2] <= bound * (1.0 + 1e-9));
    assert_true(w.rhod_mg[2] < 0.2 * w.rhod_mg[0]);
    assert_true(fabs(dm - booked) <= 1e-8 * fmax(st->collagen_synth_mg, fabs(dm)));
    assert_int_equal(st->clamps, 0);
    flat_free(&S);
}

static void course_rf(void **state)
{
    fixture *F = *state;
    run_course(F, &F->dev, "rf_microneedle");
}

static void course_laser(void **state)
{
    fixture *F = *state;
    scar_device d;
    scar_device_default(SCAR_DEV_FRACTIONAL_LASER, F->p, &d);
    run_course(F, &d, "fractional_laser (non-ablative)");
    d.ablative = true;
    run_course(F, &d, "fractional_laser (ablative)");
}

/* Every allocation of the field, the lesion and the stamp may fail: the
 * error comes back as SCAR_ENOMEM and nothing leaks (ASan build). */
static void allocation_failures_are_clean(void **state)
{
    fixture *F = *state;
    scar_rf_spec s;
    scar_rf_spec_from_device(&F->dev, F->p, 0.05, 1.0, &s);
    s.h_mm = 0.02;
    s.grow = 0.4;
    s.fine_mm = 0.02;
    s.margin_mm = 0.2;
    s.pulse_steps = 4;
    s.cool_s = 0.01;
    flat S;
    flat_make(F->ctx, F->p, &S, 1.0, 0.05);
    long k = 1, failures = 0;
    for (;; k++) {
        scar_ctx_fail_alloc_after(F->ctx, k);
        scar_rf_field *f = NULL;
        scar_lesion l;
        memset(&l, 0, sizeof l);
        scar_lesion_voxels v = {0};
        scar_status st = scar_rf_field_create(F->ctx, &s, F->p, &f);
        if (!st)
            st = scar_rf_lesion(F->ctx, f, F->p, 20.0, &l);
        if (!st)
            st = scar_lesion_stamp(F->ctx, S.t, &l, 0.5, 0.5, &v);
        scar_lesion_voxels_free(&v);
        scar_lesion_free(&l);
        scar_rf_field_destroy(&f);
        assert_null(f);
        if (st == SCAR_OK)
            break;
        assert_int_equal(st, SCAR_ENOMEM);
        failures++;
        assert_true(k < 1000);
    }
    scar_ctx_fail_alloc_after(F->ctx, 0);
    print_message("allocation failures injected at each of %ld allocations: all clean\n", failures);
    assert_true(failures > 20);
    flat_free(&S);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arrhenius_n9),
        cmocka_unit_test(potential_symmetry),
        cmocka_unit_test(energy_conservation),
        cmocka_unit_test(depth_against_energy),
        cmocka_unit_test(insulated_spares_epidermis),
        cmocka_unit_test(rf_stamp_keeps_volume),
        cmocka_unit_test(mtz_geometry_and_ablation),
        cmocka_unit_test(course_rf),
        cmocka_unit_test(course_laser),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
