/*
 * render.c — a picture of a skin surface: height in colour with hill shading,
 * each scar outlined in its type's colour and labelled, a millimetre scale bar
 * and a colour bar.  Drawn with cairo; the axes and bars are drawn by hand
 * because cairo has none (TOOLBOX.md).
 */
#include "core.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest side of the drawn map, in pixels. */
#define MAP_PX 1000
#define MARGIN 16
#define LEGEND_W 150
#define FOOTER_H 56

/* A perceptually ordered colour map (control points of cividis-like blue to
 * yellow; deep is dark blue, high is yellow). */
static void colour_of(double t, double rgb[3])
{
    static const double stops[][3] = {
        {0.00, 0.13, 0.30}, {0.20, 0.25, 0.45}, {0.42, 0.42, 0.47},
        {0.62, 0.60, 0.45}, {0.85, 0.78, 0.35}, {1.00, 0.92, 0.22},
    };
    const int n = (int)(sizeof stops / sizeof stops[0]);
    if (!(t >= 0))
        t = 0;
    if (t > 1)
        t = 1;
    double x = t * (n - 1);
    int k = (int)x;
    if (k >= n - 1)
        k = n - 2;
    double f = x - k;
    for (int c = 0; c < 3; c++)
        rgb[c] = stops[k][c] * (1 - f) + stops[k + 1][c] * f;
}

static void type_colour(scar_type t, double rgb[3])
{
    static const double tab[SCAR_TYPE_COUNT][3] = {
        {0.90, 0.16, 0.16}, /* icepick: red */
        {1.00, 0.55, 0.00}, /* boxcar: orange */
        {0.10, 0.85, 0.95}, /* rolling: cyan */
        {0.85, 0.25, 0.90}, /* hypertrophic: magenta */
    };
    memcpy(rgb, tab[(unsigned)t < SCAR_TYPE_COUNT ? t : 0], 3 * sizeof(double));
}

/* Heights at the 1st and 99.5th percentiles: the colour range, so that one
 * deep icepick does not wash out the rest of the map. */
static void colour_range(const scar_heightmap *hm, double *lo, double *hi)
{
    enum { BINS = 4096 };
    size_t n = hm->nx * hm->ny;
    double mn = INFINITY, mx = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        double z = hm->z_um[k];
        if (z < mn)
            mn = z;
        if (z > mx)
            mx = z;
    }
    if (!(mx > mn)) {
        *lo = mn - 1;
        *hi = mx + 1;
        return;
    }
    size_t hist[BINS] = {0};
    for (size_t k = 0; k < n; k++) {
        size_t b = (size_t)((hm->z_um[k] - mn) / (mx - mn) * (BINS - 1));
        hist[b]++;
    }
    size_t acc = 0, lo_n = n / 100, hi_n = n - n / 200;
    *lo = mn;
    *hi = mx;
    int have_lo = 0;
    for (size_t b = 0; b < BINS; b++) {
        acc += hist[b];
        if (!have_lo && acc > lo_n) {
            *lo = mn + (mx - mn) * (double)b / (BINS - 1);
            have_lo = 1;
        }
        if (acc >= hi_n) {
            *hi = mn + (mx - mn) * (double)(b + 1) / (BINS - 1);
            break;
        }
    }
    if (*hi <= *lo)
        *hi = *lo + 1;
}

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
                                                 : CAIRO_STATUS_WRITE_ERROR;
}

/* A "nice" step (1, 2 or 5 times a power of ten) near span/n. */
static double nice_step(double span, int n)
{
    double raw = span / n, p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* Paints the map into an image surface of w x h pixels. */
static void paint_map(const scar_heightmap *hm, const scar_scan_result *r, unsigned char *px,
                      int stride, int w, int h, double lo, double hi)
{
    double sx = (double)hm->nx / w, sy = (double)hm->ny / h;
    /* Hill shading from the north-west, on the scale of one drawn pixel. */
    double gx_step = fmax(1.0, sx), gy_step = fmax(1.0, sy);
    for (int v = 0; v < h; v++) {
        uint32_t *row = (uint32_t *)(void *)(px + (size_t)v * (size_t)stride);
        size_t j = (size_t)((v + 0.5) * sy);
        if (j >= hm->ny)
            j = hm->ny - 1;
        size_t j0 = j >= (size_t)gy_step ? j - (size_t)gy_step : 0;
        size_t j1 = j + (size_t)gy_step < hm->ny ? j + (size_t)gy_step : hm->ny - 1;
        for (int u = 0; u < w; u++) {
            size_t i = (size_t)((u + 0.5) * sx);
            if (i >= hm->nx)
                i = hm->nx - 1;
            size_t i0 = i >= (size_t)gx_step ? i - (size_t)gx_step : 0;
            size_t i1 = i + (size_t)gx_step < hm->nx ? i + (size_t)gx_step : hm->nx - 1;
            double z = SCAR_HM_AT(hm, i, j);
            double dzdx = (SCAR_HM_AT(hm, i1, j) - SCAR_HM_AT(hm, i0, j)) /
                          (((double)i1 - (double)i0) * hm->dx_um + 1e-12);
            double dzdy = (SCAR_HM_AT(hm, i, j1) - SCAR_HM_AT(hm, i, j0)) /
                          (((double)j1 - (double)j0) * hm->dy_um + 1e-12);
            /* Lambertian shade, light from upper left at 45 degrees. */
            double nxv = -dzdx, nyv = -dzdy, nzv = 1.0;
            double nn = sqrt(nxv * nxv + nyv * nyv + nzv * nzv);
            double shade = (-0.5 * nxv - 0.5 * nyv + 0.7071 * nzv) / nn;
            shade = 0.55 + 0.45 * shade / 0.7071;
            double rgb[3];
            colour_of((z - lo) / (hi - lo), rgb);
            int lab = r && r->labels ? r->labels[j * hm->nx + i] : 0;
            int edge = 0;
            if (r && r->labels) {
                /* An outline where the label differs from a drawn neighbour. */
                int du[4] = {1, -1, 0, 0}, dv[4] = {0, 0, 1, -1};
                for (int k = 0; k < 4 && !edge; k++) {
                    int uu = u + du[k], vv = v + dv[k];
                    if (uu < 0 || vv < 0 || uu >= w || vv >= h)
                        continue;
                    size_t ii = (size_t)((uu + 0.5) * sx), jj = (size_t)((vv + 0.5) * sy);
                    if (ii >= hm->nx)
                        ii = hm->nx - 1;
                    if (jj >= hm->ny)
                        jj = hm->ny - 1;
                    int other = r->labels[jj * hm->nx + ii];
                    if (other != lab && lab > 0)
                        edge = 1;
                }
            }
            if (edge) {
                type_colour(r->scars.v[lab - 1].type, rgb);
                shade = 1.0;
            }
            uint32_t R = (uint32_t)fmin(255, rgb[0] * shade * 255 + 0.5);
            uint32_t G = (uint32_t)fmin(255, rgb[1] * shade * 255 + 0.5);
            uint32_t B = (uint32_t)fmin(255, rgb[2] * shade * 255 + 0.5);
            row[u] = 0xff000000u | R << 16 | G << 8 | B;
        }
    }
}

static void draw_text(cairo_t *cr, double x, double y, const char *s, double size)
{
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

/* Text with a dark halo, readable on any colour. */
static void draw_label(cairo_t *cr, double x, double y, const char *s, const double rgb[3])
{
    cairo_set_font_size(cr, 13);
    cairo_move_to(cr, x, y);
    cairo_text_path(cr, s);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.85);
    cairo_set_line_width(cr, 3);
    cairo_stroke_preserve(cr);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_fill(cr);
}

scar_status scar_render_scan_png(scar_ctx *ctx, const scar_heightmap *hm,
                                 const scar_scan_result *r, const char *path)
{
    scar_status st = SCAR_OK;
    const scar_heightmap *shown = r && r->levelled ? r->levelled : hm;
    double aspect = ((double)shown->ny * shown->dy_um) / ((double)shown->nx * shown->dx_um);
    int w = MAP_PX, h = (int)(MAP_PX * aspect + 0.5);
    if (aspect > 1) {
        h = MAP_PX;
        w = (int)(MAP_PX / aspect + 0.5);
    }
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    int W = w + 2 * MARGIN + LEGEND_W, H = h + 2 * MARGIN + FOOTER_H;
    double lo, hi;
    colour_range(shown, &lo, &hi);

    cairo_surface_t *map = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    cairo_t *cr = NULL;
    scar_afile *f = NULL;
    if (cairo_surface_status(map) || cairo_surface_status(img)) {
        st = SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory drawing %d x %d pixels", W, H);
        goto done;
    }
    cairo_surface_flush(map);
    paint_map(shown, r, cairo_image_surface_get_data(map), cairo_image_surface_get_stride(map),
              w, h, lo, hi);
    cairo_surface_mark_dirty(map);

    cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_surface(cr, map, MARGIN, MARGIN);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);

    double mm_to_px = w / ((double)shown->nx * shown->dx_um * 1e-3);
    if (r) {
        for (size_t k = 0; k < r->scars.n; k++) {
            const scar_scar *s = &r->scars.v[k];
            double rgb[3];
            type_colour(s->type, rgb);
            char lab[64];
            snprintf(lab, sizeof lab, "%zu %s%s", k + 1, scar_type_name(s->type),
                     s->type == SCAR_TYPE_BOXCAR ? (s->deep ? " (deep)" : " (shallow)") : "");
            double x = MARGIN + (s->x_mm - shown->x0_um * 1e-3) * mm_to_px +
                       0.5 * s->width_mm * mm_to_px * 0.72;
            double y = MARGIN + (s->y_mm - shown->y0_um * 1e-3) * mm_to_px -
                       0.5 * s->width_mm * mm_to_px * 0.72;
            if (x > MARGIN + w - 110)
                x = MARGIN + w - 110;
            if (y < MARGIN + 14)
                y = MARGIN + 14;
            draw_label(cr, x, y, lab, rgb);
        }
    }

    /* Scale bar: a round number of millimetres near a fifth of the width. */
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    double field_mm = (double)shown->nx * shown->dx_um * 1e-3;
    double bar_mm = nice_step(field_mm, 5);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, MARGIN, MARGIN + h + 12, bar_mm * mm_to_px, 6);
    cairo_fill(cr);
    char buf[160];
    snprintf(buf, sizeof buf, "%g mm", bar_mm);
    draw_text(cr, MARGIN + bar_mm * mm_to_px + 8, MARGIN + h + 20, buf, 13);
    snprintf(buf, sizeof buf, "%.3g x %.3g mm, %g um pixels%s", field_mm,
             (double)shown->ny * shown->dy_um * 1e-3, shown->dx_um,
             r ? ", form removed" : "");
    draw_text(cr, MARGIN, MARGIN + h + 44, buf, 12);

    /* Colour bar with ticks in micrometres. */
    double bx = MARGIN + w + 24, by = MARGIN + 20, bh = fmin(h - 40, 360), bw = 18;
    for (int k = 0; k < (int)bh; k++) {
        double rgb[3];
        colour_of(1.0 - k / bh, rgb);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle(cr, bx, by + k, bw, 1.5);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, bx, by, bw, bh);
    cairo_stroke(cr);
    draw_text(cr, bx - 4, by - 8, "height (um)", 12);
    double step = nice_step(hi - lo, 5), t0 = ceil(lo / step) * step;
    /* counted, not t += step: on a nearly flat map the step can be below
     * the spacing of doubles near lo, and t would never reach hi */
    for (int k = 0; k <= 20 && t0 + k * step <= hi + 1e-9; k++) {
        double t = t0 + k * step;
        double y = by + (1.0 - (t - lo) / (hi - lo)) * bh;
        cairo_move_to(cr, bx + bw, y);
        cairo_line_to(cr, bx + bw + 5, y);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%g", fabs(t) < 1e-9 ? 0.0 : t);
        draw_text(cr, bx + bw + 8, y + 4, buf, 11);
    }
    if (r) {
        double ly = by + bh + 36;
        draw_text(cr, bx - 4, ly, "outlines", 12);
        for (int t = 0; t < SCAR_TYPE_COUNT; t++) {
            double rgb[3];
            type_colour((scar_type)t, rgb);
            cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
            cairo_rectangle(cr, bx, ly + 10 + 18 * t, 14, 12);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
            draw_text(cr, bx + 20, ly + 21 + 18 * t, scar_type_name((scar_type)t), 12);
        }
    }
    cairo_surface_flush(img);
    if (cairo_status(cr)) {
        st = SCAR_RAISE(ctx, SCAR_EINTERNAL, "drawing failed: %s",
                        cairo_status_to_string(cairo_status(cr)));
        goto done;
    }

    st = scar_afile_open(ctx, path, &f);
    if (st)
        goto done;
    if (cairo_surface_write_to_png_stream(img, write_cb, scar_afile_stream(f)) !=
        CAIRO_STATUS_SUCCESS) {
        scar_afile_abort(&f);
        st = SCAR_RAISE_AT(ctx, SCAR_EIO, path, 0, 0, NULL, "writing the PNG failed");
        goto done;
    }
    st = scar_afile_commit(ctx, &f);
done:
    if (cr)
        cairo_destroy(cr);
    cairo_surface_destroy(map);
    cairo_surface_destroy(img);
    return st;
}
