/*
 * device.h — treatment devices: needle arrays (roller, pen, stamp, at-home
 * roller), RF microneedling and fractional laser, with the settings that set
 * their puncture density and depth (MODEL.md §3.4, §5.4, §5.5).  Device layer:
 * geometry only, never biology.
 */
#ifndef SCAR_DEVICE_H
#define SCAR_DEVICE_H

#include "needle.h"

typedef enum scar_device_kind {
    SCAR_DEV_ROLLER = 0,
    SCAR_DEV_PEN,
    SCAR_DEV_STAMP,
    SCAR_DEV_HOME_ROLLER,
    SCAR_DEV_RF_MICRONEEDLE,
    SCAR_DEV_FRACTIONAL_LASER,
    SCAR_DEV_COUNT
} scar_device_kind;

const char *scar_device_name(scar_device_kind k);
/* SCAR_DEV_COUNT when unknown. */
scar_device_kind scar_device_from_name(const char *name);

/* The settings of a device (device.c has the defaults and their sources). */
typedef struct scar_device {
    scar_device_kind kind;
    double needle_mm;        /* L_n */
    double needle_radius_mm; /* r_n */
    double f_pen;            /* penetration fraction */
    int needles;             /* roller: on the drum; pen/stamp: per cartridge */
    double drum_diameter_mm, drum_width_mm; /* roller */
    double stroke_hz, speed_mm_s, footprint_mm; /* pen */
    double stamp_area_mm2;   /* stamp */
    int passes;
    double scar_multiplier;  /* m_scar: extra passes over scars */
    /* thermal devices (MODEL.md §5.4, §5.5; thermal.h, docs/thermal.md).
     * RF: needle_mm, f_pen and needle_radius_mm place the pins; a bipolar
     * pair's spacing is the pin pitch sqrt(stamp_area_mm2 / needles).
     * Laser: a micro-thermal zone is 2 needle_radius_mm wide and
     * f_pen needle_mm deep. */
    double energy_mJ;        /* RF: energy delivered per pin */
    double pulse_s;          /* RF: conduction time (t_pulse) */
    double tip_mm;           /* RF: uninsulated tip of an insulated needle */
    bool insulated;          /* RF: shaft insulated except the tip */
    bool bipolar;            /* RF: current between neighbouring pins */
    bool rf_shortcut;        /* RF: z_RFTZ ellipsoid instead of the bioheat solve */
    bool ablative;           /* laser: the zone's core is vaporised */
    double coag_mm;          /* ablative laser: coagulated wall of the crater */
    double rim_mm;           /* laser: heat-shock rim around the zone */
} scar_device;

/* Defaults for a kind (needle_mm from the parameter table's L_n). */
void scar_device_default(scar_device_kind kind, const scar_params *p, scar_device *d);
/* Punctures (pins, micro-thermal zones) per mm^2 in one session over normal
 * skin. */
double scar_device_density(const scar_device *d);
/* true for rf_microneedle and fractional_laser. */
bool scar_device_is_thermal(const scar_device *d);

#endif /* SCAR_DEVICE_H */
