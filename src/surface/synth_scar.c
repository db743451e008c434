/*
 * synth_scar.c — the true shape of each synthetic scar: its dimensions drawn
 * from the published ranges, its height at any point, the distance between
 * two rims, and its truth record measured from the shape itself.
 *
 * A scar is a profile f(r) in [0, 1] over the rim ellipse, r = 0 at the
 * centre and r = 1 on the rim (elliptical radius), scaled by the centre depth.
 * Ranges: Jacob, Dover & Kaminer 2001 (J Am Acad Dermatol 45:109-17) as
 * reproduced in /work/shared/evidence/morphology.md; every other number is
 * marked "estimate" here and in docs/synth.md.
 */
#include "synth_internal.h"

#include <math.h>
#include <string.h>

/* Drawn width is the diameter of the equal-area disc of the rim ellipse,
 * which is what the published "diameter" is compared with; aspect is the
 * ratio of the major to the minor axis. */
typedef struct shape_range {
    double width_lo_mm, width_hi_mm;
    double depth_lo_mm, depth_hi_mm;
    double aspect_hi;
} shape_range;

static const shape_range ranges[SCAR_TYPE_COUNT] = {
    /* icepick: width < 2 mm (Jacob 2001), 0.4 mm lower bound an estimate;
     * depth "deep dermis to subcutis" with no number, 0.6-1.5 mm an estimate;
     * "near-circular": aspect up to 1.1 an estimate. */
    [SCAR_TYPE_ICEPICK] = {0.4, 1.9, 0.6, 1.5, 1.1},
    /* boxcar: 1.5-4.0 mm, shallow 0.1-0.5 mm, deep >= 0.5 mm (Jacob 2001); the
     * 1.0 mm deep bound is an estimate; "round to oval": aspect to 1.3 an
     * estimate.  The depth row is replaced by the shallow/deep draw below. */
    [SCAR_TYPE_BOXCAR] = {1.5, 4.0, 0.1, 1.0, 1.3},
    /* rolling: "usually wider than 4 to 5 mm" (Jacob 2001); the 8 mm bound,
     * the 0.1-0.4 mm depth and the aspect 1.6 are estimates. */
    [SCAR_TYPE_ROLLING] = {4.0, 8.0, 0.1, 0.4, 1.6},
    /* hypertrophic: no numbers published; all estimates. */
    [SCAR_TYPE_HYPERTROPHIC] = {1.0, 4.0, 0.1, 0.5, 1.3},
};

void synth_scar_draw(scar_rng *rng, scar_type type, int k, synth_scar *s)
{
    const shape_range *g = &ranges[type];
    memset(s, 0, sizeof *s);
    s->type = type;
    double width = scar_rng_range(rng, g->width_lo_mm, g->width_hi_mm);
    double aspect = scar_rng_range(rng, 1.0, g->aspect_hi);
    s->a_mm = 0.5 * width * sqrt(aspect);
    s->b_mm = 0.5 * width / sqrt(aspect);
    s->theta_rad = scar_rng_range(rng, 0.0, M_PI);
    s->cos_t = cos(s->theta_rad);
    s->sin_t = sin(s->theta_rad);
    switch (type) {
    case SCAR_TYPE_BOXCAR:
        /* Alternate so that any two boxcars give one shallow, one deep:
         * shallow 0.1-0.5 mm, deep from Jacob's 0.5 mm cut-off to 1.0 mm. */
        s->depth_mm = k % 2 == 0 ? scar_rng_range(rng, 0.1, SCAR_BOXCAR_DEEP_MM)
                                 : scar_rng_range(rng, SCAR_BOXCAR_DEEP_MM, 1.0);
        /* Steep walls: the wall spans 10-15 % of the radius (estimate). */
        s->shape = scar_rng_range(rng, 0.10, 0.15);
        break;
    case SCAR_TYPE_ICEPICK:
        s->depth_mm = scar_rng_range(rng, g->depth_lo_mm, g->depth_hi_mm);
        /* The point is rounded over 5-10 % of the radius (estimate): a tract
         * ends in tissue, not in a mathematical point. */
        s->shape = scar_rng_range(rng, 0.05, 0.10);
        break;
    case SCAR_TYPE_ROLLING:
        s->depth_mm = scar_rng_range(rng, g->depth_lo_mm, g->depth_hi_mm);
        /* Tethering pulls the floor down along 2 or 3 bands, so the floor
         * undulates around the scar by up to +-50 % half-way out (estimate). */
        s->shape = scar_rng_range(rng, 0.0, 0.5);
        s->lobes = scar_rng_uniform(rng) < 0.5 ? 2 : 3;
        s->lobe_rad = scar_rng_range(rng, 0.0, 2.0 * M_PI);
        break;
    case SCAR_TYPE_HYPERTROPHIC:
    case SCAR_TYPE_COUNT:
        s->depth_mm = scar_rng_range(rng, g->depth_lo_mm, g->depth_hi_mm);
        break;
    }
}

/* The profile f(u, v) in [0, 1] at normalised coordinates (the rim is
 * u^2 + v^2 = 1), 0 outside. */
static double profile(const synth_scar *s, double u, double v)
{
    double r2 = u * u + v * v;
    if (r2 >= 1.0)
        return 0.0;
    double r = sqrt(r2);
    switch (s->type) {
    case SCAR_TYPE_ICEPICK: {
        /* V: a cone, its point rounded as a hyperbola of half-width eps. */
        double eps = s->shape, top = sqrt(1.0 + eps * eps);
        return (top - sqrt(r2 + eps * eps)) / (top - eps);
    }
    case SCAR_TYPE_BOXCAR: {
        /* U: flat floor, then a smoothstep wall over the outer `shape` of the
         * radius. */
        double r0 = 1.0 - s->shape;
        if (r <= r0)
            return 1.0;
        double t = (r - r0) / s->shape;
        return 1.0 - t * t * (3.0 - 2.0 * t);
    }
    case SCAR_TYPE_ROLLING: {
        /* M: a cosine dish; the tethers modulate it by (1 + A r^2 cos), which
         * vanishes at the centre (still the deepest point for A <= 0.5) and
         * at the rim (the rim stays the ellipse). */
        double dish = 0.5 * (1.0 + cos(M_PI * r));
        double phi = atan2(v, u);
        return dish * (1.0 + s->shape * r2 * cos(s->lobes * (phi - s->lobe_rad)));
    }
    case SCAR_TYPE_HYPERTROPHIC:
    case SCAR_TYPE_COUNT:
        break;
    }
    /* Dome: flat-topped, meeting the skin at a finite slope. */
    return cos(0.5 * M_PI * r);
}

double synth_scar_height_mm(const synth_scar *s, double x_mm, double y_mm)
{
    double dx = x_mm - s->cx_mm, dy = y_mm - s->cy_mm;
    double u = (dx * s->cos_t + dy * s->sin_t) / s->a_mm;
    double v = (-dx * s->sin_t + dy * s->cos_t) / s->b_mm;
    double f = profile(s, u, v);
    return s->type == SCAR_TYPE_HYPERTROPHIC ? s->depth_mm * f : -s->depth_mm * f;
}

void synth_scar_extent(const synth_scar *s, double *ex_mm, double *ey_mm)
{
    double a2 = s->a_mm * s->a_mm, b2 = s->b_mm * s->b_mm;
    double c2 = s->cos_t * s->cos_t, s2 = s->sin_t * s->sin_t;
    *ex_mm = sqrt(a2 * c2 + b2 * s2);
    *ey_mm = sqrt(a2 * s2 + b2 * c2);
}

/* Distance from a point (y0, y1) >= 0 to the ellipse x0^2/e0^2 + x1^2/e1^2 = 1
 * with e0 >= e1 > 0, inside or out: Eberly, "Distance from a point to an
 * ellipse, an ellipsoid, or a hyperellipsoid" (Geometric Tools, 2013), whose
 * bisection for the Lagrange multiplier cannot fail to converge. */
static double point_ellipse_distance(double e0, double e1, double y0, double y1)
{
    if (y1 > 0.0) {
        if (y0 > 0.0) {
            double z0 = y0 / e0, z1 = y1 / e1, g = z0 * z0 + z1 * z1 - 1.0;
            if (g == 0.0)
                return 0.0;
            double r0 = (e0 / e1) * (e0 / e1), n0 = r0 * z0;
            double s0 = z1 - 1.0, s1 = g < 0.0 ? 0.0 : hypot(n0, z1) - 1.0, s = 0.0;
            for (int i = 0; i < 1100; i++) {
                s = 0.5 * (s0 + s1);
                if (s == s0 || s == s1)
                    break;
                double q0 = n0 / (s + r0), q1 = z1 / (s + 1.0);
                g = q0 * q0 + q1 * q1 - 1.0;
                if (g > 0.0)
                    s0 = s;
                else if (g < 0.0)
                    s1 = s;
                else
                    break;
            }
            return hypot(r0 * y0 / (s + r0) - y0, y1 / (s + 1.0) - y1);
        }
        return fabs(y1 - e1);
    }
    double numer = e0 * y0, denom = e0 * e0 - e1 * e1;
    if (numer < denom) {
        double xd = numer / denom;
        return hypot(e0 * xd - y0, e1 * sqrt(1.0 - xd * xd));
    }
    return fabs(y0 - e0);
}

/* Signed distance from the point at parameter t on p's rim to q's rim:
 * negative when the point lies inside q. */
static double rim_gap(const synth_scar *p, const synth_scar *q, double t)
{
    double pu = p->a_mm * cos(t), pv = p->b_mm * sin(t);
    double x = p->cx_mm + pu * p->cos_t - pv * p->sin_t - q->cx_mm;
    double y = p->cy_mm + pu * p->sin_t + pv * p->cos_t - q->cy_mm;
    double qu = x * q->cos_t + y * q->sin_t, qv = -x * q->sin_t + y * q->cos_t;
    double d = point_ellipse_distance(q->a_mm, q->b_mm, fabs(qu), fabs(qv));
    double inside = (qu / q->a_mm) * (qu / q->a_mm) + (qv / q->b_mm) * (qv / q->b_mm);
    return inside < 1.0 ? -d : d;
}

static bool contains(const synth_scar *q, double x_mm, double y_mm)
{
    double x = x_mm - q->cx_mm, y = y_mm - q->cy_mm;
    double u = (x * q->cos_t + y * q->sin_t) / q->a_mm;
    double v = (-x * q->sin_t + y * q->cos_t) / q->b_mm;
    return u * u + v * v < 1.0;
}

bool synth_scars_apart(const synth_scar *p, const synth_scar *q, double gap_mm)
{
    double d = hypot(p->cx_mm - q->cx_mm, p->cy_mm - q->cy_mm);
    /* Circumscribed and inscribed circles settle most pairs at once. */
    if (d >= p->a_mm + q->a_mm + gap_mm)
        return true;
    if (d < p->b_mm + q->b_mm + gap_mm)
        return false;
    if (contains(p, q->cx_mm, q->cy_mm) || contains(q, p->cx_mm, p->cy_mm))
        return false;
    /* The nearest point of p's rim to q: sample the rim, then refine every
     * sampled local minimum by golden-section search.  Crossing rims show up
     * as negative gaps. */
    enum { N = 64 };
    double g[N], dt = 2.0 * M_PI / N;
    for (int i = 0; i < N; i++)
        g[i] = rim_gap(p, q, i * dt);
    const double phi = 0.5 * (sqrt(5.0) - 1.0);
    for (int i = 0; i < N; i++) {
        if (g[i] < gap_mm)
            return false;
        if (g[i] > g[(i + N - 1) % N] || g[i] > g[(i + 1) % N])
            continue;
        double lo = (i - 1) * dt, hi = (i + 1) * dt;
        double t1 = hi - phi * (hi - lo), t2 = lo + phi * (hi - lo);
        double g1 = rim_gap(p, q, t1), g2 = rim_gap(p, q, t2);
        for (int it = 0; it < 40; it++) {
            if (g1 < g2) {
                hi = t2;
                t2 = t1;
                g2 = g1;
                t1 = hi - phi * (hi - lo);
                g1 = rim_gap(p, q, t1);
            } else {
                lo = t1;
                t1 = t2;
                g1 = g2;
                t2 = lo + phi * (hi - lo);
                g2 = rim_gap(p, q, t2);
            }
        }
        if (fmin(g1, g2) < gap_mm)
            return false;
    }
    return true;
}

/* Resolution of the truth quadrature over the footprint, in elliptical polar
 * coordinates: 256 radii resolve the narrowest boxcar wall (10 % of the
 * radius) with 25 samples; 64 angles sum the tether term cos(k phi) to zero
 * exactly for k < 64. */
enum { TRUTH_NR = 256, TRUTH_NPHI = 64, SLOPE_BINS = 1800 };
#define SLOPE_BIN_DEG 0.05

void synth_scar_truth(const synth_scar *s, scar_scar *o)
{
    memset(o, 0, sizeof *o);
    o->type = s->type;
    static const scar_profile profiles[SCAR_TYPE_COUNT] = {
        SCAR_PROFILE_V, SCAR_PROFILE_U, SCAR_PROFILE_M, SCAR_PROFILE_DOME};
    o->profile = profiles[s->type];
    o->deep = s->type == SCAR_TYPE_BOXCAR && s->depth_mm >= SCAR_BOXCAR_DEEP_MM;
    /* The shapes are symmetric about the centre in area, so the area-weighted
     * centre is the ellipse's. */
    o->x_mm = s->cx_mm;
    o->y_mm = s->cy_mm;
    o->width_mm = 2.0 * sqrt(s->a_mm * s->b_mm);
    o->length_mm = 2.0 * s->a_mm;
    o->depth_mm = s->depth_mm;
    o->area_mm2 = M_PI * s->a_mm * s->b_mm;
    o->orientation_deg = s->theta_rad * 180.0 / M_PI;

    /* Volume by midpoint quadrature in (r, phi); the area element of the
     * ellipse is a b r dr dphi.  The wall slope is the area-weighted median
     * of the steepness where the depth is 10-90 % of the maximum: the floor
     * and the rim's foot are not wall. */
    double hist[SLOPE_BINS] = {0};
    double sum = 0.0, wsum = 0.0;
    const double dr = 1.0 / TRUTH_NR, dphi = 2.0 * M_PI / TRUTH_NPHI;
    const double h = 1e-5 * s->b_mm; /* central-difference step */
    for (int j = 0; j < TRUTH_NPHI; j++) {
        double cp = cos((j + 0.5) * dphi), sp = sin((j + 0.5) * dphi);
        for (int i = 0; i < TRUTH_NR; i++) {
            double r = (i + 0.5) * dr;
            double pu = s->a_mm * r * cp, pv = s->b_mm * r * sp;
            double x = s->cx_mm + pu * s->cos_t - pv * s->sin_t;
            double y = s->cy_mm + pu * s->sin_t + pv * s->cos_t;
            double z = fabs(synth_scar_height_mm(s, x, y));
            sum += z * r;
            double frac = z / s->depth_mm;
            if (frac < 0.1 || frac > 0.9)
                continue;
            double gx = (synth_scar_height_mm(s, x + h, y) - synth_scar_height_mm(s, x - h, y)) /
                        (2.0 * h);
            double gy = (synth_scar_height_mm(s, x, y + h) - synth_scar_height_mm(s, x, y - h)) /
                        (2.0 * h);
            double deg = atan(hypot(gx, gy)) * 180.0 / M_PI;
            int bin = (int)(deg / SLOPE_BIN_DEG);
            hist[bin < SLOPE_BINS ? bin : SLOPE_BINS - 1] += r;
            wsum += r;
        }
    }
    o->volume_mm3 = s->a_mm * s->b_mm * sum * dr * dphi;
    o->mean_depth_mm = o->volume_mm3 / o->area_mm2;
    o->flatness = o->mean_depth_mm / o->depth_mm;
    double acc = 0.0;
    for (int k = 0; k < SLOPE_BINS; k++) {
        if (acc + hist[k] >= 0.5 * wsum && hist[k] > 0.0) {
            o->wall_slope_deg = (k + (0.5 * wsum - acc) / hist[k]) * SLOPE_BIN_DEG;
            break;
        }
        acc += hist[k];
    }
}
