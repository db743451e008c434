/*
 * device.c — the devices' default settings and their puncture density.
 *
 * Sourced: the Dermaroller MF8 has 192 needles, 1.5 mm long, 0.25 mm in
 * diameter (Schwarz & Laaff 2011, Plast Reconstr Surg 127(6)); a 192-needle
 * roller passed 15 times gives about 250 holes/cm^2 (lecture slides citing
 * Aust / Fernandes: parameter nu_p, an estimate); pen channels "closely
 * approximated" needle lengths of 0.5 and 1.5 mm in ex-vivo human skin
 * (Sasaki 2019), roller channels reached about 0.2 of a 770 um needle in rat
 * skin (Kalluri 2011).  Home rollers have needles of about 70 um diameter
 * (lower bound of r_n; secondary source).  Everything else below (drum size,
 * pen stroke rate, hand speed, footprint, stamp size, pass counts) is an
 * estimate of common practice, marked as such, and every one is a protocol
 * setting the user can give.
 */
#include "device.h"
#include "thermal.h"

#include <math.h>
#include <string.h>

static const char *const names[SCAR_DEV_COUNT] = {"roller",       "pen",
                                                  "stamp",        "home_roller",
                                                  "rf_microneedle", "fractional_laser"};

const char *scar_device_name(scar_device_kind k)
{
    return (unsigned)k < SCAR_DEV_COUNT ? names[k] : "unknown";
}

scar_device_kind scar_device_from_name(const char *name)
{
    for (int k = 0; k < SCAR_DEV_COUNT; k++)
        if (strcmp(name, names[k]) == 0)
            return (scar_device_kind)k;
    return SCAR_DEV_COUNT;
}

void scar_device_default(scar_device_kind kind, const scar_params *p, scar_device *d)
{
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->needle_mm = p->L_n;
    d->needle_radius_mm = p->r_n;
    d->f_pen = p->f_pen;
    d->scar_multiplier = p->m_scar;
    switch (kind) {
    case SCAR_DEV_ROLLER:
        /* 192 needles (MF8); an 18 x 20 mm drum (estimate) gives 0.17 per
         * mm^2 a pass, so the 15 passes of the quoted protocol give nu_p. */
        d->needles = 192;
        d->drum_diameter_mm = 18.0;
        d->drum_width_mm = 20.0;
        d->passes = 15;
        break;
    case SCAR_DEV_HOME_ROLLER:
        /* 540-needle home roller, 0.25 mm needles of 70 um (estimates) */
        d->needles = 540;
        d->drum_diameter_mm = 20.0;
        d->drum_width_mm = 20.0;
        d->needle_mm = 0.25;
        d->needle_radius_mm = 0.035;
        d->passes = 4;
        break;
    case SCAR_DEV_PEN:
        /* 12-pin cartridge of 33 G needles (0.21 mm), 100 strokes/s, moved at
         * 100 mm/s over an 8 mm wide path: 1.5 punctures/mm^2 a pass
         * (estimates); perpendicular stamping reaches nearly the set depth
         * (Sasaki 2019): f_pen 0.9 (estimate). */
        d->needles = 12;
        d->needle_radius_mm = 0.105;
        d->stroke_hz = 100.0;
        d->speed_mm_s = 100.0;
        d->footprint_mm = 8.0;
        d->f_pen = 0.9;
        d->passes = 4;
        break;
    case SCAR_DEV_STAMP:
        /* 140 needles over an 80 mm^2 head, stamped 3 times per spot
         * (estimates); perpendicular like a pen: f_pen 0.9 (estimate) */
        d->needles = 140;
        d->stamp_area_mm2 = 80.0;
        d->f_pen = 0.9;
        d->passes = 3;
        break;
    case SCAR_DEV_RF_MICRONEEDLE:
        /* 49 insulated pins over a 1 cm^2 tip, 2 passes (estimates), fired
         * bipolar between neighbouring pins.  1.0 mm needles: at f_pen 0.9
         * the tips lie in the reticular dermis of the cheek's ~1 mm skin
         * (Iyengar 2018), not in the fat below (estimate).  The uninsulated
         * tip (0.15 mm) and the energy per pin (5 mJ) are calibrations, not
         * device readings: with them the bioheat solve gives zones 160-315
         * µm deep for 3-10 mJ and the z_RFTZ = 0.2 mm zone at 5 mJ, inside
         * the 100-300 µm of Manuskiatti 2016 (docs/thermal.md); the pulse
         * is t_pulse. */
        d->needles = 49;
        d->stamp_area_mm2 = 100.0;
        d->needle_mm = 1.0;
        d->needle_radius_mm = 0.1;
        d->f_pen = 0.9;
        d->passes = 2;
        d->energy_mJ = SCAR_RF_E_REF_MJ;
        d->pulse_s = p->t_pulse;
        d->tip_mm = 0.15;
        d->insulated = true;
        d->bipolar = true;
        break;
    case SCAR_DEV_FRACTIONAL_LASER:
        /* micro-thermal zones at 1.5 per mm^2 a pass, spacing above the
         * 0.25 mm Manstein 2004 found well tolerated (estimate); zones
         * d_MTZ wide, z_MTZ deep (Manstein 2004); a heat-shock rim of 20 µm
         * and, when ablative, a coagulated crater wall of 30 µm (estimates,
         * docs/thermal.md) */
        d->needles = 150;
        d->stamp_area_mm2 = 100.0;
        d->needle_mm = p->z_MTZ;
        d->needle_radius_mm = 0.5 * p->d_MTZ;
        d->f_pen = 1.0;
        d->passes = 2;
        d->rim_mm = 0.02;
        d->coag_mm = 0.03;
        break;
    case SCAR_DEV_COUNT:
        break;
    }
}

double scar_device_density(const scar_device *d)
{
    double per_pass = 0.0;
    switch (d->kind) {
    case SCAR_DEV_ROLLER:
    case SCAR_DEV_HOME_ROLLER:
        /* one turn of the drum lays all its needles over pi D x W */
        per_pass = d->needles / (M_PI * d->drum_diameter_mm * d->drum_width_mm);
        break;
    case SCAR_DEV_PEN:
        /* needles x strokes per second over the area swept per second */
        per_pass = d->needles * d->stroke_hz / (d->speed_mm_s * d->footprint_mm);
        break;
    case SCAR_DEV_STAMP:
    case SCAR_DEV_RF_MICRONEEDLE:
    case SCAR_DEV_FRACTIONAL_LASER:
        per_pass = d->needles / d->stamp_area_mm2;
        break;
    case SCAR_DEV_COUNT:
        break;
    }
    return per_pass * d->passes;
}

bool scar_device_is_thermal(const scar_device *d)
{
    return d->kind == SCAR_DEV_RF_MICRONEEDLE || d->kind == SCAR_DEV_FRACTIONAL_LASER;
}
