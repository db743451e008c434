/*
 * scan_measure.c — the measurements of one scar and its Jacob 2001 type.
 * Every definition is in docs/scan.md.
 */
#include "scan_internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Fewer ring samples than this and the fitted skin (height 0) is the
 * reference: a median of a handful of textured samples is no better. */
#define RING_MIN_SAMPLES 16
/* The wall zone: depths between these fractions of the (smoothed) maximum;
 * the floor and the skin around are left out. */
#define WALL_LO 0.2
#define WALL_HI 0.8
/* The floor of a scar: within max(FLOOR_FRACTION of the depth, FLOOR_SCALES
 * robust scales of the skin's relief) of the deepest smoothed sample. */
#define FLOOR_FRACTION 0.1
#define FLOOR_SCALES 6.0
/* Fewer floor samples than this and the deepest one gives the depth. */
#define FLOOR_MIN_POINTS 12

/* Profile and type cut-offs, docs/scan.md "Classification".  Flatness
 * (mean/max depth inside the rim) is 1/3 for a cone, 0.4-0.6 for a cosine
 * dish cut at the rim level and 0.85-0.95 for a flat floor; the smoothed
 * wall of a dish is under 17 degrees, that of a boxcar or icepick over 23
 * (measured on synthetic skins, docs/scan.md). */
#define FLAT_U 0.7          /* a flat floor (U) */
#define DISH_SLOPE_DEG 20.0 /* gentler walls make a dish (M) ... */
#define DISH_FLAT_MAX 0.8   /* ... unless its floor is flat */
#define ICEPICK_MAX_MM 2.0  /* Jacob 2001: icepick < 2 mm */
#define ROLLING_MIN_MM 4.0  /* Jacob 2001: rolling > 4-5 mm */

float scan_median(float *v, size_t n)
{
    /* Wirth's selection (Algorithms + Data Structures = Programs, 1976)
     * with a median-of-three pivot: O(n), in place, no allocation. */
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, k = (ptrdiff_t)(n / 2);
    while (lo < hi) {
        float a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi];
        float x = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        ptrdiff_t i = lo, j = hi;
        do {
            while (v[i] < x)
                i++;
            while (x < v[j])
                j--;
            if (i <= j) {
                float t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        } while (i <= j);
        if (j < k)
            lo = i;
        if (k < i)
            hi = j;
    }
    float m = v[k];
    if (n % 2 == 0) { /* the other middle: the largest value before v[k] */
        float below = v[0];
        for (ptrdiff_t i = 1; i < k; i++)
            below = v[i] > below ? v[i] : below;
        m = 0.5f * (m + below);
    }
    return m;
}

/* The measurement box: the component's bounding box and the ring around. */
typedef struct box {
    size_t x0, x1, y0, y1, w, h;
} box;

static box ring_box(const scan_maps *m, const scan_comp *c)
{
    const scar_heightmap *hm = m->lev;
    size_t mx = (size_t)ceil(m->ring_um / hm->dx_um) + 1;
    size_t my = (size_t)ceil(m->ring_um / hm->dy_um) + 1;
    box b = {c->x0 > mx ? c->x0 - mx : 0, c->x1 + mx < hm->nx ? c->x1 + mx : hm->nx,
             c->y0 > my ? c->y0 - my : 0, c->y1 + my < hm->ny ? c->y1 + my : hm->ny, 0, 0};
    b.w = b.x1 - b.x0;
    b.h = b.y1 - b.y0;
    return b;
}

size_t scan_measure_scratch(const scan_maps *m, const scan_comp *c)
{
    box b = ring_box(m, c);
    size_t cw = c->x1 - c->x0, ch = c->y1 - c->y0;
    return 2 * b.w * b.h + cw * ch +
           scan_smooth_tmp_size(m->lev->ny, c->x0, c->x1, c->y0, c->y1, m->ly);
}

/* Chamfer distance (Borgefors 1986) in um from the component, whose samples
 * hold 0 and the rest FLT_MAX on entry. */
static void chamfer(float *d, size_t w, size_t h, float dx, float dy)
{
    float dd = sqrtf(dx * dx + dy * dy);
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            float *p = d + y * w + x, v = *p;
            if (x > 0)
                v = fminf(v, p[-1] + dx);
            if (y > 0) {
                v = fminf(v, p[-(ptrdiff_t)w] + dy);
                if (x > 0)
                    v = fminf(v, p[-(ptrdiff_t)w - 1] + dd);
                if (x + 1 < w)
                    v = fminf(v, p[-(ptrdiff_t)w + 1] + dd);
            }
            *p = v;
        }
    for (size_t y = h; y-- > 0;)
        for (size_t x = w; x-- > 0;) {
            float *p = d + y * w + x, v = *p;
            if (x + 1 < w)
                v = fminf(v, p[1] + dx);
            if (y + 1 < h) {
                v = fminf(v, p[w] + dy);
                if (x + 1 < w)
                    v = fminf(v, p[w + 1] + dd);
                if (x > 0)
                    v = fminf(v, p[w - 1] + dd);
            }
            *p = v;
        }
}

/* The local reference: the median height of the skin in a ring just
 * outside the rim, leaving out samples inside any other region. */
static double local_reference(const scan_maps *m, const scan_comp *c, box b, float *dist,
                              float *vals)
{
    const scar_heightmap *hm = m->lev;
    const scan_run *runs = m->labels->runs + c->first_run;
    for (size_t k = 0; k < b.w * b.h; k++)
        dist[k] = FLT_MAX;
    for (size_t r = 0; r < c->n_runs; r++)
        for (int32_t x = runs[r].x0; x < runs[r].x1; x++)
            dist[((size_t)runs[r].y - b.y0) * b.w + (size_t)x - b.x0] = 0;
    chamfer(dist, b.w, b.h, (float)hm->dx_um, (float)hm->dy_um);
    size_t n = 0;
    for (size_t y = b.y0; y < b.y1; y++)
        for (size_t x = b.x0; x < b.x1; x++) {
            float d = dist[(y - b.y0) * b.w + x - b.x0];
            size_t at = y * hm->nx + x;
            if (d > 0 && d <= m->ring_um && fabsf(m->s[at]) < m->grow_um)
                vals[n++] = hm->z_um[at];
        }
    return n >= RING_MIN_SAMPLES ? scan_median(vals, n) : 0.0;
}

/* Gradient magnitude of the smoothed map, central differences inside,
 * one-sided at the map's edge. */
static double slope_at(const scan_maps *m, size_t x, size_t y)
{
    const scar_heightmap *hm = m->lev;
    size_t nx = hm->nx, ny = hm->ny;
    const float *s = m->s;
    size_t xa = x > 0 ? x - 1 : x, xb = x + 1 < nx ? x + 1 : x;
    size_t ya = y > 0 ? y - 1 : y, yb = y + 1 < ny ? y + 1 : y;
    double gx = xb > xa ? (s[y * nx + xb] - s[y * nx + xa]) / ((double)(xb - xa) * hm->dx_um) : 0;
    double gy = yb > ya ? (s[yb * nx + x] - s[ya * nx + x]) / ((double)(yb - ya) * hm->dy_um) : 0;
    return sqrt(gx * gx + gy * gy);
}

/* Depth of a sample below (above) the reference, positive into the scar. */
static double depth_of(double sign, double ref, float z) { return sign * (ref - (double)z); }

/* The depth of a scar's floor: the apex of a robust quadratic fitted to
 * the lightly smoothed depths of the floor samples, at most FLOOR_POINTS of
 * them, evenly picked. */
static double floor_depth(const scan_maps *m, const scan_comp *c, int32_t id, double ref,
                          double allow, double max_s, const float *light, scan_scratch sc,
                          float *work)
{
    const size_t nx = m->lev->nx, cw = c->x1 - c->x0;
    const scan_run *runs = m->labels->runs + c->first_run;
    const double sg = c->sign;
    const double xc = 0.5 * (double)(c->x0 + c->x1), hx = fmax(0.5 * (double)cw, 1);
    const double yc = 0.5 * (double)(c->y0 + c->y1), hy = fmax(0.5 * (double)(c->y1 - c->y0), 1);
    size_t nf = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t stride = nf / SCAN_FLOOR_POINTS + 1, k = 0;
        scan_fit f = {.u = sc.d, .v = sc.d + SCAN_FLOOR_POINTS, .z = sc.d + 2 * SCAN_FLOOR_POINTS,
                      .r = sc.d + 3 * SCAN_FLOOR_POINTS, .w = sc.d + 4 * SCAN_FLOOR_POINTS,
                      .work = work};
        for (size_t r = 0; r < c->n_runs; r++) {
            size_t y = (size_t)runs[r].y;
            for (size_t x = (size_t)runs[r].x0; x < (size_t)runs[r].x1; x++) {
                if (m->out_labels[y * nx + x] != id ||
                    depth_of(sg, ref, m->s[y * nx + x]) < max_s - allow)
                    continue;
                if (pass == 0) {
                    nf++;
                } else if (k++ % stride == 0 && f.n < SCAN_FLOOR_POINTS) {
                    f.u[f.n] = ((double)x + 0.5 - xc) / hx;
                    f.v[f.n] = ((double)y + 0.5 - yc) / hy;
                    f.z[f.n++] = depth_of(sg, ref, light[(y - c->y0) * cw + x - c->x0]);
                }
            }
        }
        if (pass == 0)
            continue;
        if (f.n < FLOOR_MIN_POINTS)
            return -1;
        scan_fit_robust(&f);
        double apex = -HUGE_VAL;
        for (size_t i = 0; i < f.n; i++)
            apex = fmax(apex, scan_fit_eval(&f, f.u[i], f.v[i]));
        return apex;
    }
    return -1;
}

double scan_measure(const scan_maps *m, const scan_comp *c, int32_t id, scan_scratch sc,
                    scar_scar *out)
{
    float *scratch = sc.f;
    const scar_heightmap *hm = m->lev;
    const size_t nx = hm->nx;
    const scan_run *runs = m->labels->runs + c->first_run;
    box b = ring_box(m, c);
    float *dist = scratch, *vals = dist + b.w * b.h, *light = vals + b.w * b.h;
    const size_t cw = c->x1 - c->x0;
    float *tmp = light + cw * (c->y1 - c->y0);
    const double sg = c->sign, dx = hm->dx_um, dy = hm->dy_um;

    double ref = local_reference(m, c, b, dist, vals);
    scan_smooth_rect(hm->z_um, nx, hm->ny, c->x0, c->x1, c->y0, c->y1, m->lx, m->ly, tmp, light);
#define LIGHT(x, y) light[((y) - c->y0) * cw + (x) - c->x0]

    /* The scar: the region's samples whose lightly smoothed depth reaches the
     * rim level.  The smoothed map found the region without following the
     * furrows; the light one puts its rim where the wall meets the skin. */
    size_t n = 0;
    double vol = 0, max_l = 0, max_s = 0;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t r = 0; r < c->n_runs; r++) {
        size_t y = (size_t)runs[r].y;
        double py = ((double)(y - c->y0) + 0.5) * dy;
        for (size_t x = (size_t)runs[r].x0; x < (size_t)runs[r].x1; x++) {
            double dl = depth_of(sg, ref, LIGHT(x, y));
            if (dl < m->grow_um)
                continue;
            m->out_labels[y * nx + x] = id;
            n++;
            double px = ((double)(x - c->x0) + 0.5) * dx;
            double d = depth_of(sg, ref, hm->z_um[y * nx + x]);
            double ds = depth_of(sg, ref, m->s[y * nx + x]);
            vol += d > 0 ? d : 0;
            max_l = dl > max_l ? dl : max_l;
            max_s = ds > max_s ? ds : max_s;
            sx += px;
            sy += py;
            sxx += px * px;
            syy += py * py;
            sxy += px * py;
        }
    }
    memset(out, 0, sizeof *out);
    if (n == 0)
        return 0;

    /* Maximum depth.  The floor: samples whose smoothed depth lies within an
     * allowance of the deepest, the allowance covering what the micro-relief
     * adds to a smoothed floor.  Its depth is the apex of a robust quadratic
     * through their lightly smoothed depths, which furrows on a flat floor do
     * not move and which follows a curved one (a dish, a dome).  A point
     * deeper than that by more than the allowance is a tip narrower than the
     * smoothing (a V), and its depth is the tip's. */
    double allow = fmax(FLOOR_FRACTION * max_s, FLOOR_SCALES * m->texture_um);
    double floor_d = floor_depth(m, c, id, ref, allow, max_s, light, sc, vals);
    double depth = floor_d < 0 || max_l - floor_d > allow ? max_l : floor_d;
    size_t nw = 0;

    /* Wall steepness: the median slope of the smoothed map where its depth
     * lies between WALL_LO and WALL_HI of the scar's depth: the floor, whose
     * smoothed depth the micro-relief spreads around the depth, is left out. */
    for (size_t r = 0; r < c->n_runs; r++) {
        size_t y = (size_t)runs[r].y;
        for (size_t x = (size_t)runs[r].x0; x < (size_t)runs[r].x1; x++) {
            double ds = depth_of(sg, ref, m->s[y * nx + x]);
            if (m->out_labels[y * nx + x] == id && ds >= WALL_LO * depth &&
                ds <= WALL_HI * depth)
                vals[nw++] = (float)slope_at(m, x, y);
        }
    }
    double slope = nw ? scan_median(vals, nw) : 0;
#undef LIGHT

    double nd = (double)n;
    double mx = sx / nd, my = sy / nd;
    double cxx = sxx / nd - mx * mx, cyy = syy / nd - my * my, cxy = sxy / nd - mx * my;
    double half = 0.5 * (cxx + cyy), diff = 0.5 * (cxx - cyy);
    double lmax = half + sqrt(diff * diff + cxy * cxy);
    double area_um2 = nd * dx * dy;

    scar_scar *s = out;
    s->x_mm = (hm->x0_um + (double)c->x0 * dx + mx) * 1e-3;
    s->y_mm = (hm->y0_um + (double)c->y0 * dy + my) * 1e-3;
    s->area_mm2 = area_um2 * 1e-6;
    s->width_mm = 2 * sqrt(area_um2 / M_PI) * 1e-3;
    /* An ellipse's variance along its major axis is a^2/4. */
    s->length_mm = fmax(4 * sqrt(lmax > 0 ? lmax : 0) * 1e-3, s->width_mm);
    s->orientation_deg = 0.5 * atan2(2 * cxy, cxx - cyy) * 180 / M_PI;
    s->depth_mm = depth * 1e-3;
    s->volume_mm3 = vol * dx * dy * 1e-9;
    s->mean_depth_mm = vol / nd * 1e-3;
    s->flatness = depth > 0 ? fmin(1, vol / nd / depth) : 0;
    s->wall_slope_deg = atan(slope) * 180 / M_PI;
    scan_classify(s, c->sign < 0);
    return max_s;
}

void scan_classify(scar_scar *s, bool raised)
{
    s->deep = false;
    if (raised) {
        s->type = SCAR_TYPE_HYPERTROPHIC;
        s->profile = SCAR_PROFILE_DOME;
        return;
    }
    if (s->wall_slope_deg < DISH_SLOPE_DEG && s->flatness < DISH_FLAT_MAX)
        s->profile = SCAR_PROFILE_M;
    else if (s->flatness >= FLAT_U)
        s->profile = SCAR_PROFILE_U;
    else
        s->profile = SCAR_PROFILE_V;
    if (s->width_mm > ROLLING_MIN_MM || s->profile == SCAR_PROFILE_M)
        s->type = SCAR_TYPE_ROLLING;
    else if (s->profile == SCAR_PROFILE_U)
        s->type = SCAR_TYPE_BOXCAR;
    else
        s->type = s->width_mm < ICEPICK_MAX_MM ? SCAR_TYPE_ICEPICK : SCAR_TYPE_BOXCAR;
    s->deep = s->type == SCAR_TYPE_BOXCAR && s->depth_mm >= SCAR_BOXCAR_DEEP_MM;
}
