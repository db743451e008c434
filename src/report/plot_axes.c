/*
 * plot_axes.c — the parts of a plot that cairo does not have (TOOLBOX.md):
 * a colour-blind-safe palette, text placement, axes with 1-2-5 ticks and
 * exact tick labels, and the PNG/SVG writer around one drawing routine.
 */
#include "plot_internal.h"

#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Okabe & Ito (2008), ordered so that the first colours are the most
 * distinct on white; yellow, faint on white, comes last. */
plot_rgb plot_colour(size_t k)
{
    static const plot_rgb tab[] = {
        {0.000, 0.447, 0.698}, /* blue #0072B2 */
        {0.835, 0.369, 0.000}, /* vermillion #D55E00 */
        {0.000, 0.620, 0.451}, /* bluish green #009E73 */
        {0.800, 0.475, 0.655}, /* reddish purple #CC79A7 */
        {0.902, 0.624, 0.000}, /* orange #E69F00 */
        {0.337, 0.706, 0.914}, /* sky blue #56B4E9 */
        {0.000, 0.000, 0.000}, /* black */
        {0.941, 0.894, 0.259}, /* yellow #F0E442 */
    };
    return tab[k % (sizeof tab / sizeof tab[0])];
}

void scar_plot_series_colour(size_t k, double rgb[3])
{
    plot_rgb c = plot_colour(k);
    rgb[0] = c.r;
    rgb[1] = c.g;
    rgb[2] = c.b;
}

void plot_source(cairo_t *cr, plot_rgb c, double alpha)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void plot_grey(cairo_t *cr, double level)
{
    cairo_set_source_rgb(cr, level, level, level);
}

void plot_style_init(plot_style *st, double scale)
{
    double s = fmin(3.0, fmax(0.75, scale));
    st->s = s;
    st->pad = 12 * s;
    st->tick_len = 5 * s;
    st->f_tick = 12 * s;
    st->f_label = 13.5 * s;
    st->f_title = 16.5 * s;
    st->f_legend = 12.5 * s;
    st->f_note = 11 * s;
}

/* ---- text ---------------------------------------------------------------- */

/* Height of the capitals in DejaVu Sans and most sans faces, in ems. */
#define CAP_EM 0.73

void plot_font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double plot_text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t te;
    cairo_text_extents(cr, s, &te);
    return te.x_advance;
}

void plot_text(cairo_t *cr, double x, double y, const char *s, double ax, double ay)
{
    cairo_matrix_t m;
    cairo_get_font_matrix(cr, &m);
    double cap = CAP_EM * m.yy;
    cairo_move_to(cr, x - ax * plot_text_width(cr, s), y + (1 - ay) * cap);
    cairo_show_text(cr, s);
}

const char *plot_ellipsize(cairo_t *cr, const char *s, double max_w, char *buf, size_t n)
{
    if (plot_text_width(cr, s) <= max_w || n < 8)
        return s;
    static const char ell[] = "\u2026";
    size_t len = strlen(s);
    if (len > n - sizeof ell)
        len = n - sizeof ell;
    while (len > 0) {
        len--;
        /* Cut on a character boundary: never inside a UTF-8 sequence. */
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
        memcpy(buf, s, len);
        memcpy(buf + len, ell, sizeof ell);
        if (plot_text_width(cr, buf) <= max_w)
            break;
    }
    return buf;
}

void plot_text_fit(cairo_t *cr, double x, double y, const char *s, double size, bool bold,
                   double max_w, double ax, double ay)
{
    char buf[512];
    plot_font(cr, size, bold);
    double w = plot_text_width(cr, s);
    if (w > max_w) {
        plot_font(cr, size * fmax(0.7, max_w / w), bold);
        s = plot_ellipsize(cr, s, max_w, buf, sizeof buf);
    }
    plot_text(cr, x, y, s, ax, ay);
}

int plot_text_wrap(cairo_t *cr, double x, double y, const char *s, double max_w, double line_h,
                   int max_lines, double ax, bool draw)
{
    char line[512], buf[512];
    int lines = 0;
    while (*s && lines < max_lines) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        /* Greedy: take words while the line fits; the last line takes the
         * rest (and is cut to fit). */
        size_t len = 0, rest = strlen(s);
        if (lines == max_lines - 1) {
            len = rest;
        } else {
            const char *e = s;
            while (*e) {
                while (*e == ' ')
                    e++;
                while (*e && *e != ' ')
                    e++;
                size_t cand = (size_t)(e - s);
                if (cand >= sizeof line)
                    break;
                memcpy(line, s, cand);
                line[cand] = '\0';
                if (len > 0 && plot_text_width(cr, line) > max_w)
                    break;
                len = cand;
            }
            if (len == 0) /* one word longer than the buffer */
                len = rest;
        }
        size_t copy = len < sizeof line ? len : sizeof line - 1;
        memcpy(line, s, copy);
        line[copy] = '\0';
        if (draw)
            plot_text(cr, x, y + lines * line_h, plot_ellipsize(cr, line, max_w, buf, sizeof buf),
                      ax, 0);
        lines++;
        s += len;
    }
    return lines;
}

/* ---- axes ---------------------------------------------------------------- */

double plot_nice_step(double span, int n)
{
    double raw = span / n, p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* At most this many ticks, whatever the caller asks: a guard against a
 * pathological range producing a loop of millions of labels. */
#define MAX_TICKS 40

void plot_axis_make(plot_axis *a, double lo, double hi, int target, bool extend)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    /* Keep hi - lo finite and the range wide enough to divide: constant data
     * get +-10% (or +-1 around zero) so the line sits mid-plot. */
    lo = fmax(lo, -1e300);
    hi = fmin(hi, 1e300);
    double mag = fmax(fabs(lo), fabs(hi));
    if (!(hi - lo > 1e-9 * mag) || hi - lo < 1e-300) {
        double half = mag > 1e-300 ? 0.1 * mag : 1.0;
        lo -= half;
        hi += half;
    }
    if (target < 2)
        target = 2;
    if (target > MAX_TICKS / 2)
        target = MAX_TICKS / 2;
    double step = plot_nice_step(hi - lo, target);
    /* The tolerance absorbs rounding in lo/step so that a range ending on a
     * tick is not widened by a whole step. */
    const double tol = 1e-6;
    if (extend) {
        lo = floor(lo / step + tol) * step;
        hi = ceil(hi / step - tol) * step;
    }
    a->lo = lo;
    a->hi = hi;
    a->step = step;
    a->first = ceil(lo / step - tol);
    double last = floor(hi / step + tol);
    double count = last - a->first + 1;
    a->count = count < 0 ? 0 : count > MAX_TICKS ? MAX_TICKS : (int)count;
    double d = ceil(-log10(step) - 1e-9);
    a->decimals = d < 0 ? 0 : d > 12 ? 12 : (int)d;
}

double plot_axis_tick(const plot_axis *a, int k)
{
    return (a->first + k) * a->step;
}

double plot_axis_map(const plot_axis *a, double v, double p0, double p1)
{
    return p0 + (v - a->lo) / (a->hi - a->lo) * (p1 - p0);
}

/* v as "m×10ᵉ" with superscript digits, the mantissa showing what the step
 * resolves (no trailing zeros): "3.5×10⁷", "2×10⁻⁵".  Readers of a report
 * are not all used to "3.5e+07". */
static void sci_label(double v, double step, char *buf, size_t n)
{
    static const char *const sup[10] = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
                                        "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
    int e = (int)floor(log10(fabs(v)));
    int dec = e - (int)floor(log10(step) + 1e-9);
    dec = dec < 0 ? 0 : dec > 14 ? 14 : dec;
    char mant[48];
    snprintf(mant, sizeof mant, "%.*f", dec, v / pow(10, e));
    if (fabs(atof(mant)) >= 10) { /* 9.99.. rounded up to 10 */
        e++;
        snprintf(mant, sizeof mant, "%.*f", dec, v / pow(10, e));
    }
    if (strchr(mant, '.')) {
        size_t k = strlen(mant);
        while (mant[k - 1] == '0')
            mant[--k] = '\0';
        if (mant[k - 1] == '.')
            mant[k - 1] = '\0';
    }
    char ex[64] = "";
    if (e < 0)
        strcat(ex, "\u207b");
    char digits[12];
    snprintf(digits, sizeof digits, "%d", abs(e));
    for (const char *d = digits; *d; d++)
        strcat(ex, sup[*d - '0']);
    snprintf(buf, n, "%s\u00d710%s", mant, ex);
}

void plot_axis_label(const plot_axis *a, double v, char *buf, size_t n)
{
    char tmp[96];
    if (fabs(v) < 1e-6 * a->step)
        v = 0; /* a tick that should be zero but carries rounding: no "-0" */
    double mag = fmax(fabs(a->lo), fabs(a->hi));
    bool sci = mag >= 1e6 || a->step < 1e-4;
    if (sci && v != 0)
        sci_label(v, a->step, tmp, sizeof tmp);
    else
        snprintf(tmp, sizeof tmp, "%.*f", sci ? 0 : a->decimals, v);
    if (tmp[0] == '-')
        snprintf(buf, n, "\u2212%s", tmp + 1); /* a true minus sign */
    else
        snprintf(buf, n, "%s", tmp);
}

double plot_axis_label_width(cairo_t *cr, const plot_axis *a)
{
    double w = 0;
    char buf[80];
    for (int k = 0; k < a->count; k++) {
        plot_axis_label(a, plot_axis_tick(a, k), buf, sizeof buf);
        w = fmax(w, plot_text_width(cr, buf));
    }
    return w;
}

void plot_axis_fit(cairo_t *cr, plot_axis *a, double lo, double hi, double len_px, bool horizontal,
                   bool extend)
{
    cairo_matrix_t m;
    cairo_get_font_matrix(cr, &m);
    double em = m.yy;
    /* Start from about one tick per 7 ems (horizontal) or 5 ems (vertical)
     * and thin out until neighbouring labels keep a gap of an em. */
    int target = (int)(len_px / (em * (horizontal ? 7.0 : 5.0)));
    if (target > 10)
        target = 10;
    for (;;) {
        plot_axis_make(a, lo, hi, target, extend);
        double px_per_step = len_px * a->step / (a->hi - a->lo);
        double need = horizontal ? plot_axis_label_width(cr, a) + em : 2.2 * em;
        if (px_per_step >= need || target <= 2)
            return;
        target--;
    }
}

/* Lines one pixel wide fall on pixel centres, so they are crisp in a PNG. */
static double crisp(double v)
{
    return floor(v) + 0.5;
}

void plot_draw_x_axis(cairo_t *cr, const plot_style *st, const plot_axis *a, double x0, double x1,
                      double y0, double y1)
{
    char buf[80];
    plot_font(cr, st->f_tick, false);
    cairo_set_line_width(cr, 1);
    for (int k = 0; k < a->count; k++) {
        double v = plot_axis_tick(a, k);
        double x = crisp(plot_axis_map(a, v, x0, x1));
        plot_grey(cr, 0.90);
        cairo_move_to(cr, x, y0);
        cairo_line_to(cr, x, y1);
        cairo_stroke(cr);
        plot_grey(cr, 0.35);
        cairo_move_to(cr, x, y1);
        cairo_line_to(cr, x, y1 + st->tick_len);
        cairo_stroke(cr);
        plot_axis_label(a, v, buf, sizeof buf);
        plot_grey(cr, 0.25);
        plot_text(cr, x, y1 + st->tick_len + 4 * st->s, buf, 0.5, 0);
    }
    plot_grey(cr, 0.35);
    cairo_move_to(cr, x0, crisp(y1));
    cairo_line_to(cr, x1, crisp(y1));
    cairo_stroke(cr);
}

void plot_draw_y_axis(cairo_t *cr, const plot_style *st, const plot_axis *a, double x0, double x1,
                      double y0, double y1)
{
    char buf[80];
    plot_font(cr, st->f_tick, false);
    cairo_set_line_width(cr, 1);
    for (int k = 0; k < a->count; k++) {
        double v = plot_axis_tick(a, k);
        double y = crisp(plot_axis_map(a, v, y1, y0));
        plot_grey(cr, 0.90);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        cairo_stroke(cr);
        plot_grey(cr, 0.35);
        cairo_move_to(cr, x0 - st->tick_len, y);
        cairo_line_to(cr, x0, y);
        cairo_stroke(cr);
        plot_axis_label(a, v, buf, sizeof buf);
        plot_grey(cr, 0.25);
        plot_text(cr, x0 - st->tick_len - 4 * st->s, y, buf, 1, 0.5);
    }
    plot_grey(cr, 0.35);
    cairo_move_to(cr, crisp(x0), y0);
    cairo_line_to(cr, crisp(x0), y1);
    cairo_stroke(cr);
}

/* ---- output -------------------------------------------------------------- */

scar_status plot_check_side(scar_ctx *ctx, const char *name, int px)
{
    if (px < SCAR_PLOT_MIN_PX || px > SCAR_PLOT_MAX_PX)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, name,
                             "%s: expected %d to %d pixels, found %d", name, SCAR_PLOT_MIN_PX,
                             SCAR_PLOT_MAX_PX, px);
    return SCAR_OK;
}

scar_status plot_check_path(scar_ctx *ctx, const char *path, bool *svg)
{
    if (!path || !*path)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "path",
                             "path: expected an output file name, found none");
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash)) {
        if (strcasecmp(dot, ".png") == 0 || strcasecmp(dot, ".svg") == 0) {
            *svg = strcasecmp(dot, ".svg") == 0;
            return SCAR_OK;
        }
    } else {
        dot = NULL;
    }
    return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "path",
                         "path: expected a name ending in .png or .svg, found %s%s%s",
                         dot ? "\"" : "", dot ? dot : "no extension", dot ? "\"" : "");
}

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

scar_status plot_write(scar_ctx *ctx, const char *path, int w, int h, plot_draw_fn draw,
                       const void *data)
{
    bool svg = false;
    scar_status st = plot_check_path(ctx, path, &svg);
    if (st)
        return st;
    scar_afile *f = NULL;
    st = scar_afile_open(ctx, path, &f);
    if (st)
        return st;
    FILE *fp = scar_afile_stream(f);
    cairo_surface_t *surf = svg ? cairo_svg_surface_create_for_stream(write_cb, fp, w, h)
                                : cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_status_t cst = cairo_surface_status(surf);
    if (cst) {
        cairo_surface_destroy(surf);
        scar_afile_abort(&f);
        return SCAR_RAISE_AT(ctx, SCAR_ENOMEM, path, 0, 0, NULL,
                             "cannot make a %d x %d drawing surface: %s", w, h,
                             cairo_status_to_string(cst));
    }
    cairo_t *cr = cairo_create(surf);
    draw(cr, data, w, h);
    cst = cairo_status(cr);
    cairo_destroy(cr);
    if (cst) {
        cairo_surface_destroy(surf);
        scar_afile_abort(&f);
        return SCAR_RAISE_AT(ctx, SCAR_EINTERNAL, path, 0, 0, NULL, "drawing failed: %s",
                             cairo_status_to_string(cst));
    }
    if (svg) {
        cairo_surface_finish(surf); /* the SVG is written out here */
        cst = cairo_surface_status(surf);
    } else {
        cst = cairo_surface_write_to_png_stream(surf, write_cb, fp);
    }
    cairo_surface_destroy(surf);
    if (cst) {
        scar_afile_abort(&f);
        return SCAR_RAISE_AT(ctx, SCAR_EIO, path, 0, 0, NULL, "writing the %s failed: %s",
                             svg ? "SVG" : "PNG", cairo_status_to_string(cst));
    }
    return scar_afile_commit(ctx, &f);
}
