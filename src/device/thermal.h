/*
 * thermal.h — the lesions of the thermal devices (../shared/model/MODEL.md
 * §5.4 RF microneedling, §5.5 fractional laser, §7 Arrhenius in log space).
 * Device layer: it computes what one pin or one micro-thermal zone does to
 * the tissue (a damage fraction, a denatured-collagen fraction, a heat-shock
 * rim, an ablated volume, on a grid of its own) and stamps it onto the
 * tissue's voxels as volume fractions; the biology of the hand-off is
 * scar_heal_apply_thermal (heal layer).  docs/thermal.md has the numbers.
 *
 * RF: the electric potential and the Pennes bioheat equation are solved on a
 * local sub-grid around one needle pair (bipolar) or one needle (monopolar),
 * a rectilinear box graded from h (10 µm) near the needles to h_max far from
 * them.  The potential is solved once per geometry at a unit drive
 * (scar_rf_field); a lesion scales the drive so that each pin delivers the
 * prescribed energy (scar_rf_lesion).  By symmetry only a quarter of the box
 * is solved (x >= 0: the mid-plane of a bipolar pair is an equipotential,
 * the temperature field mirror-symmetric; y >= 0); full_domain solves the
 * whole box, for the symmetry test.
 */
#ifndef SCAR_THERMAL_H
#define SCAR_THERMAL_H

#include "device.h"

#include <math.h>

/* ---- Arrhenius damage integral (MODEL.md §5.4, §7) ---- */

/* Omega = ∫ A exp(-Ea / (R T)) dt.  A is kept as its logarithm: the rate is
 * evaluated as exp(lnA - Ea/RT), which is finite whenever the rate itself is
 * representable, however large A is (A = 3.1e98 /s for cell death; sets with
 * A beyond 1e308 exist in the literature). */
typedef struct scar_arrhenius {
    double lnA; /* ln(A / (1/s)) */
    double Ea;  /* activation energy, J/mol */
    double R;   /* gas constant, J/mol/K */
} scar_arrhenius;

/* An Omega that large means complete damage (1 - e^-Omega == 1 in double);
 * accumulated Omega is capped here so that it never overflows. */
#define SCAR_OMEGA_MAX 1e300

#define SCAR_LN_OMEGA_MAX 690.77552789821368 /* ln(SCAR_OMEGA_MAX) */

scar_arrhenius scar_arrhenius_make(double A_per_s, double Ea_J_mol, double R_J_molK);
/* Omega accumulated over dt_s at a constant temperature, capped. */
double scar_arrhenius_omega(const scar_arrhenius *a, double T_C, double dt_s);

/* ln of the rate (1/s) at T_C degrees Celsius (inline: evaluated per cell
 * and step by the bioheat solve). */
static inline double scar_arrhenius_ln_rate(const scar_arrhenius *a, double T_C)
{
    return a->lnA - a->Ea / (a->R * (T_C + 273.15));
}

/* The rate (1/s) at T_C, capped at SCAR_OMEGA_MAX. */
static inline double scar_arrhenius_rate(const scar_arrhenius *a, double T_C)
{
    double l = scar_arrhenius_ln_rate(a, T_C);
    return l < SCAR_LN_OMEGA_MAX ? exp(l) : SCAR_OMEGA_MAX;
}

/* Omega + increment without overflow (both >= 0). */
static inline double scar_omega_add(double omega, double increment)
{
    double s = omega + increment;
    return s < SCAR_OMEGA_MAX ? s : SCAR_OMEGA_MAX;
}

/* Validation N9: Omega accumulated step by step at constant temperatures,
 * as the bioheat solve does it (trapezoid, capped sum), against
 * A e^(-Ea/RT) t evaluated independently in long double.  The cases: the
 * table's cell-death and collagen sets at 43-100 °C, and a set with
 * ln A = 800 (A beyond the double range), where the naive product
 * A * exp(-Ea/RT) is inf * 0.  One more case whose Omega exceeds
 * SCAR_OMEGA_MAX must come back capped and finite. */
typedef struct scar_arrhenius_check {
    int cases;           /* compared with the reference */
    double max_rel_err;  /* largest relative error among them */
    int nonfinite;       /* results that were not finite (must be 0) */
    int naive_nonfinite; /* cases where the naive product is not finite */
    bool capped_ok;      /* the over-range case gave SCAR_OMEGA_MAX */
} scar_arrhenius_check;

void scar_arrhenius_check_run(const scar_params *p, scar_arrhenius_check *out);

/* ---- the lesion of one pin / one micro-thermal zone ---- */

typedef enum scar_lesion_kind {
    SCAR_LESION_GRID = 0,  /* RF bioheat solve: fields on the sub-grid */
    SCAR_LESION_ELLIPSOID, /* RF shortcut: prolate coagulation ellipsoid */
    SCAR_LESION_COLUMN     /* fractional laser: micro-thermal zone */
} scar_lesion_kind;

/* A rectilinear grid, cell edges in mm (x, y lateral, z depth below the
 * local skin surface). */
typedef struct scar_subgrid {
    size_t nx, ny, nz, n;
    double *x, *y, *z; /* nx+1, ny+1, nz+1 edges */
} scar_subgrid;

/* What a lesion did, measured on its own grid.  Zones: coagulation
 * Omega_cell >= 1 (1 - e^-Omega >= 0.63), denaturation Omega_coll >= 1;
 * extents are those of tissue cells (the needle's own cells excluded);
 * volumes and energies are per pin. */
typedef struct scar_lesion_stats {
    double coag_top_mm, coag_bottom_mm, coag_depth_mm, coag_width_mm;
    double den_top_mm, den_bottom_mm, den_depth_mm, den_width_mm;
    double coag_vol_mm3, den_vol_mm3, rim_vol_mm3, ablated_vol_mm3;
    double epi_damage_max; /* largest 1 - e^-Omega_cell of an epidermal cell */
    double epi_dT_max;     /* largest temperature rise of an epidermal cell, K */
    double T_peak_C;
    double voltage_V; /* drive between the electrodes */
    double current_A; /* into one pin during the pulse */
    /* Energy ledger of the bioheat solve, J per pin: what the pulse
     * deposited, what the tissue held at the pulse's end and what had left
     * by then (surface, deep face, perfusion: lost_pulse); over the whole
     * solve what left through the perfusion, the skin surface, the deep
     * boundary, and with the needle's own heat when it is withdrawn;
     * held_end at the end of the cooling. */
    double e_joule_J, e_held_pulse_J, e_lost_pulse_J, e_held_end_J;
    double e_perfusion_J, e_surface_J, e_deep_J, e_needle_J;
    double seconds;
} scar_lesion_stats;

typedef struct scar_lesion {
    scar_lesion_kind kind;
    /* GRID: 1 - e^-Omega_cell and 1 - e^-Omega_coll per sub-grid cell; the
     * pin stands at (pin_x_mm, 0).  fold_x, fold_y: the grid holds x >= 0,
     * y >= 0 of a mirror-symmetric lesion.  cut_x: a bipolar pair's solve;
     * x < 0 belongs to the partner pin, and is left to its own stamp. */
    scar_subgrid g;
    double *dmg, *den;
    double pin_x_mm;
    bool fold_x, fold_y, cut_x;
    /* ELLIPSOID: semi-axes a (depth) and b (lateral), centre depth zc; the
     * denatured core is the same ellipsoid scaled by den_scale.
     * COLUMN: radius r, depth; an ablative zone has its crater inside a
     * coagulated wall coag_mm thick.  Both: a heat-shock rim rim_mm thick. */
    double a_mm, b_mm, zc_mm, den_scale;
    double r_mm, depth_mm, coag_mm, rim_mm;
    bool ablative;
    /* where the lesion is: |dx|, |dy| <= reach_mm, z_lo_mm <= z <= z_hi_mm */
    double reach_mm, z_lo_mm, z_hi_mm;
    scar_lesion_stats stats;
} scar_lesion;

typedef struct scar_lesion_point {
    double dmg, den; /* damage and denatured fractions */
    double rim;      /* 1 inside the heat-shock rim */
    double ablated;  /* 1 inside the ablated crater */
} scar_lesion_point;

/* The lesion at (dx, dy) from its pin, z below the local surface. */
scar_lesion_point scar_lesion_sample(const scar_lesion *l, double dx_mm, double dy_mm, double z_mm);
void scar_lesion_free(scar_lesion *l);

/* The rim of MODEL.md §5.4: sub-lethal, 0.05 < 1 - e^-Omega_cell < 0.63. */
#define SCAR_RIM_LOW 0.05
#define SCAR_RIM_HIGH 0.63
/* Fractions below this are not stamped: killing 1e-4 of a voxel's cells is
 * far below anything the healing model resolves. */
#define SCAR_LESION_EPS 1e-4

/* A lesion stamped onto the tissue at one pin: each list holds the voxels it
 * touches with the voxel-volume average of a fraction (4^3 sub-samples).
 * kill: 1 - e^-Omega_cell; den: 1 - e^-Omega_coll, as a fraction of the
 * matrix the ablation leaves in the voxel; rim: the volume fraction in the
 * heat-shock rim; ablated: the volume fraction vaporised.  This is what
 * scar_heal_apply_thermal takes. */
typedef struct scar_lesion_voxels {
    scar_voxels kill, den, rim, ablated;
} scar_lesion_voxels;

/* The lists are cleared first.  (x_mm, y_mm): the pin on the tissue grid;
 * depths are measured from that column's surface. */
scar_status scar_lesion_stamp(scar_ctx *ctx, const scar_tissue *t, const scar_lesion *l,
                              double x_mm, double y_mm, scar_lesion_voxels *out);
void scar_lesion_voxels_free(scar_lesion_voxels *v);

/* ---- RF microneedling: the bioheat solve (thermal_solve.c) ---- */

typedef struct scar_rf_spec {
    bool bipolar;               /* pair at ±pair_mm/2; else one needle, return far away */
    bool insulated;             /* shaft insulated: only the tip_mm at the end conducts */
    bool full_domain;           /* the whole box, not the quarter (tests) */
    bool perfusion, convection; /* switched off only by verification */
    double pair_mm;             /* bipolar pin spacing */
    double depth_mm;            /* tip depth below the surface */
    double radius_mm;           /* needle radius (>= h_mm: the needle must be resolved) */
    double cone_mm;             /* height of the tip cone */
    double tip_mm;              /* uninsulated tip length */
    double pulse_s, cool_s;
    double h_e_mm, z_b_mm;               /* epidermis thickness, dermis bottom depth */
    double sigma_epi_rel, sigma_fat_rel; /* conductivity / sigma_derm */
    double k_needle, rhoc_needle;        /* W/m/K, J/m^3/K */
    /* sub-grid: spacing h_mm within fine_mm of the needle, the tip and the
     * epidermis, growing by grow per mm of distance up to h_max_mm; the box
     * reaches margin_mm beyond the needle and below its tip */
    double h_mm, grow, h_max_mm, fine_mm, margin_mm;
    int pulse_steps; /* backward-Euler steps over the pulse */
    double dt_max_s; /* cooling: the pulse's step, doubled every
                        third step up to this */
    double cg_tol;   /* relative residual of the potential solve */
} scar_rf_spec;

/* Defaults (docs/thermal.md) for a device in skin with an epidermis h_e_mm
 * and a dermis h_d_mm thick. */
void scar_rf_spec_from_device(const scar_device *d, const scar_params *p, double h_e_mm,
                              double h_d_mm, scar_rf_spec *s);

/* Cells of the sub-grid: the layer, and what a needle makes of a cell. */
enum { SCAR_RF_EPI = 0, SCAR_RF_DERM, SCAR_RF_FAT };
enum { SCAR_RF_TISSUE = 0, SCAR_RF_SHAFT, SCAR_RF_POS, SCAR_RF_NEG };

/* The potential at a unit drive (1 V between the electrodes) and its Joule
 * heating; a lesion scales it by V^2. */
typedef struct scar_rf_field {
    scar_rf_spec spec;
    scar_subgrid g;
    uint8_t *layer;       /* SCAR_RF_EPI, _DERM, _FAT by the cell centre's depth */
    uint8_t *needle;      /* SCAR_RF_TISSUE, _SHAFT (insulated), _POS, _NEG */
    double *phi;          /* V */
    double *q_W;          /* Joule power per cell, W */
    double power_W;       /* sum of q_W */
    double power_check_W; /* sum over electrodes of potential x current */
    double current_A;     /* out of the + electrode (of the solved part) */
    double pin_x_mm;      /* the + needle's axis */
    int copies;           /* the box is `copies` mirror images of the solved part */
    int pins;             /* needles in the box */
    int cg_iterations;
    double cg_residual;
} scar_rf_field;

scar_status scar_rf_field_create(scar_ctx *ctx, const scar_rf_spec *s, const scar_params *p,
                                 scar_rf_field **out);
void scar_rf_field_destroy(scar_rf_field **f);

/* The pulse delivering energy_mJ per pin, the cooling, Omega for cell death
 * and collagen denaturation; out is overwritten (free it after). */
scar_status scar_rf_lesion(scar_ctx *ctx, const scar_rf_field *f, const scar_params *p,
                           double energy_mJ, scar_lesion *out);

/* ---- shortcuts and the laser (thermal.c) ---- */

/* The RF defaults and the shortcut's shape, fitted to the bioheat solve at
 * the device defaults (docs/thermal.md; estimates from our model, not
 * measurements): the energy per pin whose zone is z_RFTZ = 0.2 mm deep,
 * the exponent of depth against energy (0.56 between 3 and 10 mJ), the
 * zone's width over its depth (0.9-1.1: the 0.2 mm needle makes it as wide
 * as deep; MODEL.md's "prolate" is the limit 1), how far its centre lies
 * above the needle's tip and the heat-shock rim's thickness, both in
 * semi-axes of depth, and the denatured core's size relative to the zone. */
#define SCAR_RF_E_REF_MJ 5.0
#define SCAR_RF_DEPTH_EXPONENT 0.5
#define SCAR_RF_ELLIPSE_ASPECT 1.0
#define SCAR_RF_ELLIPSE_RISE 0.7
#define SCAR_RF_ELLIPSE_RIM 0.1
#define SCAR_RF_ELLIPSE_DEN 0.5

/* RF shortcut (MODEL.md §5.4): a coagulation ellipsoid at the needle tip
 * whose depth extent is z_RFTZ at the reference energy and scales as
 * (E/E_ref)^SCAR_RF_DEPTH_EXPONENT, held in z_RFTZ's range (100-300 µm,
 * Manuskiatti 2016). */
void scar_rf_ellipsoid(const scar_device *d, const scar_params *p, scar_lesion *out);

/* One micro-thermal zone of a fractional laser (MODEL.md §5.5). */
void scar_laser_mtz(const scar_device *d, scar_lesion *out);

/* The lesion of one pin or micro-thermal zone of a thermal device (RF: the
 * bioheat solve, or the ellipsoid when d->rf_shortcut). */
scar_status scar_device_lesion(scar_ctx *ctx, const scar_device *d, const scar_params *p,
                               double h_e_mm, double h_d_mm, scar_lesion *out);

#endif /* SCAR_THERMAL_H */
