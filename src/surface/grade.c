/*
 * grade.c — Goodman-Baron qualitative and quantitative scales and ECCA from a
 * list of measured (or true) scars.  Every rule and every cut-off that is
 * scarsim's own estimate rather than the scale's text is listed, with its
 * source, in docs/grading.md.
 */
#include "core.h"

#include <string.h>

/* Goodman & Baron 2006 size cut-off between "moderately atrophic" and "broad
 * atrophic" areas: 1.5 cm^2 (scales.md §2). */
#define BROAD_AREA_MM2 150.0
/* Depth that makes a broad atrophic area "deep": Jacob's 0.5 mm boxcar
 * cut-off (morphology.md §1), the only published depth boundary. */
#define BROAD_DEEP_MM SCAR_BOXCAR_DEEP_MM
/* A rolling scar under 1.5 cm^2 is "moderately" rather than "mildly" atrophic
 * from 0.2 mm: scarsim's estimate, the scale gives no depth. */
#define MODERATE_DEPTH_MM 0.2
/* Keloidal/hypertrophic area bands of the quantitative scale: under 5 cm^2,
 * 5-20 cm^2, over 20 cm^2 score 6, 12, 18 (scales.md §2). */
#define HYPER_BAND1_MM2 500.0
#define HYPER_BAND2_MM2 2000.0
/* Qualitative grade: scarring is "obvious at social distances of 50 cm"
 * (grade 3) when its disease load, the scars' area weighted by depth over
 * the field, reaches SCAR_GB_OBVIOUS_LOAD, and "not flattened by
 * stretching" (grade 4) when the punched-out (category C) scars alone
 * reach it (scales.md §1 gives no numbers; scarsim's estimates,
 * docs/grading.md).  A scar counts with its whole area from FULL_SHADOW_MM
 * deep (Jacob's deep boxcar) and with the share depth / FULL_SHADOW_MM of
 * it when shallower.  The cut-off
 * is the load of five mid-size deep boxcars (2.75 mm across) on a 150 cm^2
 * face, the count at which the previous count rule made a face grade 4. */
#define FULL_SHADOW_MM SCAR_BOXCAR_DEEP_MM

static int gb_points(scar_gb_lesion l)
{
    switch (l) {
    case SCAR_GB_MACULAR:
    case SCAR_GB_MILD_DISH: return 1;
    case SCAR_GB_MODERATE_ATROPHIC:
    case SCAR_GB_PUNCHED_SHALLOW:
    case SCAR_GB_BROAD_SHALLOW:
    case SCAR_GB_PAPULAR: return 2;
    case SCAR_GB_PUNCHED_DEEP_NORMAL:
    case SCAR_GB_PUNCHED_DEEP_ABNORMAL:
    case SCAR_GB_LINEAR_TROUGH:
    case SCAR_GB_BROAD_DEEP: return 3;
    case SCAR_GB_HYPERTROPHIC: /* area-based, see hyper_points() */
    case SCAR_GB_COUNT: break;
    }
    return 0;
}

static bool gb_is_c(scar_gb_lesion l)
{
    return l == SCAR_GB_PUNCHED_DEEP_NORMAL || l == SCAR_GB_PUNCHED_DEEP_ABNORMAL ||
           l == SCAR_GB_LINEAR_TROUGH || l == SCAR_GB_BROAD_DEEP;
}

/* Count multiplier of the quantitative scale: x1 for 1-10 lesions, x2 for
 * 11-20, x3 for more than 20 (scales.md §2). */
static int gb_multiplier(int n)
{
    return n <= 0 ? 0 : n <= 10 ? 1 : n <= 20 ? 2 : 3;
}

/* ECCA count grade: 0 none, 1 for fewer than 5, 2 for 5-20, 3 for more than
 * 20 (scales.md §3). */
static int ecca_grade(int n)
{
    return n <= 0 ? 0 : n < 5 ? 1 : n <= 20 ? 2 : 3;
}

scar_gb_lesion scar_gb_lesion_of(const scar_scar *s)
{
    switch (s->type) {
    case SCAR_TYPE_ICEPICK:
        /* Icepick tracts reach the deep dermis: "punched-out with deep
         * abnormal-appearing bases". */
        return SCAR_GB_PUNCHED_DEEP_ABNORMAL;
    case SCAR_TYPE_BOXCAR:
        return s->deep ? SCAR_GB_PUNCHED_DEEP_NORMAL : SCAR_GB_PUNCHED_SHALLOW;
    case SCAR_TYPE_ROLLING:
        if (s->area_mm2 >= BROAD_AREA_MM2)
            return s->depth_mm >= BROAD_DEEP_MM ? SCAR_GB_BROAD_DEEP : SCAR_GB_BROAD_SHALLOW;
        return s->depth_mm >= MODERATE_DEPTH_MM ? SCAR_GB_MODERATE_ATROPHIC
                                                : SCAR_GB_MILD_DISH;
    case SCAR_TYPE_HYPERTROPHIC: return SCAR_GB_HYPERTROPHIC;
    case SCAR_TYPE_COUNT: break;
    }
    return SCAR_GB_COUNT;
}

void scar_grade_scars(const scar_scar *scars, size_t n, double field_area_mm2,
                      scar_grade *out)
{
    memset(out, 0, sizeof *out);
    double scar_area = 0, load = 0, c_load = 0, hyper_area = 0;
    for (size_t k = 0; k < n; k++) {
        const scar_scar *s = &scars[k];
        scar_gb_lesion l = scar_gb_lesion_of(s);
        if (l == SCAR_GB_COUNT)
            continue; /* not a scar type: nothing to grade */
        out->counts[s->type]++;
        if (s->type == SCAR_TYPE_BOXCAR && s->deep)
            out->boxcar_deep++;
        out->gb_lesions[l]++;
        double a = s->area_mm2 > 0 ? s->area_mm2 : 0;
        scar_area += a;
        double d = s->depth_mm > 0 ? s->depth_mm : 0;
        double seen = a * (d < FULL_SHADOW_MM ? d / FULL_SHADOW_MM : 1.0);
        load += seen;
        if (gb_is_c(l))
            c_load += seen;
        if (l == SCAR_GB_HYPERTROPHIC)
            hyper_area += a;
    }

    int score = 0, n_any = 0;
    for (int l = 0; l < SCAR_GB_COUNT; l++) {
        int m = out->gb_lesions[l];
        n_any += m;
        if (l != SCAR_GB_HYPERTROPHIC)
            score += gb_points((scar_gb_lesion)l) * gb_multiplier(m);
    }
    if (out->gb_lesions[SCAR_GB_HYPERTROPHIC] > 0)
        score += hyper_area < HYPER_BAND1_MM2 ? 6 : hyper_area <= HYPER_BAND2_MM2 ? 12 : 18;
    out->gb_quantitative = score < 0 ? 0 : score > 84 ? 84 : score;

    out->visible_load = field_area_mm2 > 0 ? load / field_area_mm2 : 0;
    out->unstretchable_load = field_area_mm2 > 0 ? c_load / field_area_mm2 : 0;
    if (out->unstretchable_load >= SCAR_GB_OBVIOUS_LOAD || hyper_area >= HYPER_BAND1_MM2)
        out->gb_qualitative = 4;
    else if (out->visible_load >= SCAR_GB_OBVIOUS_LOAD)
        out->gb_qualitative = 3;
    else if (n_any > 0)
        out->gb_qualitative = 2;

    /* ECCA items 1-3 (V, U, M) and 6 (hypertrophic older than 2 years); items
     * 4 (elastolysis) and 5 (inflammatory, under 2 years) are not measurable
     * from a height map and score 0. */
    static const int weight[SCAR_TYPE_COUNT] = {
        [SCAR_TYPE_ICEPICK] = 15, [SCAR_TYPE_BOXCAR] = 20, [SCAR_TYPE_ROLLING] = 25,
        [SCAR_TYPE_HYPERTROPHIC] = 50};
    int ecca = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        ecca += weight[t] * ecca_grade(out->counts[t]);
    out->ecca = ecca > 540 ? 540 : ecca;

    double f = field_area_mm2 > 0 ? scar_area / field_area_mm2 : 0;
    out->scarred_area_fraction = f > 1 ? 1 : f;
}
