/*
 * plot_legend.c — the line plot's legend: its entries (series, then session
 * marks), its size, how much data a box at a given place would cover (so
 * plot.c can put it where it covers none), and its drawing, as a box or as
 * lines of entries under the plot.
 */
#include "plot_internal.h"

#include <math.h>

/* Entry k < nseries is series k; k == nseries the session marks.  Without
 * data, series have nothing to name. */
static const char *entry_label(const scar_plot *p, const plot_layout *L, size_t k)
{
    const char *s = k < p->nseries ? (L->has_data ? p->series[k].label : NULL)
                                   : (p->nx_marks > 0 ? p->x_marks_label : NULL);
    return s && s[0] ? s : NULL;
}

/* At scale 1, in pixels: swatch length, gap before the text, padding inside
 * the box, gap between entries on one line. */
#define SWATCH_W 26.0
#define TEXT_GAP 6.0
#define BOX_PAD 8.0
#define ENTRY_SEP 20.0

void plot_legend_measure(cairo_t *cr, const scar_plot *p, plot_layout *L, double w)
{
    double s = L->st.s, text_w = 0;
    plot_font(cr, L->st.f_legend, false);
    L->nlegend = 0;
    for (size_t k = 0; k <= p->nseries; k++) {
        const char *label = entry_label(p, L, k);
        if (label) {
            L->nlegend++;
            text_w = fmax(text_w, plot_text_width(cr, label));
        }
    }
    /* A longer label is cut with an ellipsis rather than let the box grow
     * over the data. */
    text_w = fmin(text_w, 0.35 * w);
    L->row = L->st.f_legend * 1.6;
    L->lw = BOX_PAD * s + SWATCH_W * s + TEXT_GAP * s + text_w + BOX_PAD * s;
    L->lh = 6 * s + L->nlegend * L->row + 6 * s;
}

/* Does the segment a-b (pixels) touch the rectangle?  y is linear in x along
 * the segment, so over the x-overlap its range is set by the overlap's ends. */
static bool segment_hits(double xa, double ya, double xb, double yb, double rx0, double ry0,
                         double rx1, double ry1)
{
    double u0 = fmax(fmin(xa, xb), rx0), u1 = fmin(fmax(xa, xb), rx1);
    if (u0 > u1)
        return false;
    double v0 = ya, v1 = yb;
    if (xb != xa) {
        v0 = ya + (u0 - xa) / (xb - xa) * (yb - ya);
        v1 = ya + (u1 - xa) / (xb - xa) * (yb - ya);
    }
    return fmax(v0, v1) >= ry0 && fmin(v0, v1) <= ry1;
}

/* Does the slice of band between samples i-1 and i touch the rectangle?
 * Its edges are linear but its extent is not: sampled at nine columns. */
static bool band_hits(const plot_layout *L, const scar_plot_series *se, size_t i, double rx0,
                      double ry0, double rx1, double ry1)
{
    double xa = plot_px_x(L, se->x[i - 1]), xb = plot_px_x(L, se->x[i]);
    for (int k = 0; k <= 8; k++) {
        double t = k / 8.0, u = xa + t * (xb - xa);
        if (u < rx0 || u > rx1)
            continue;
        double lo = se->y_lo[i - 1] + t * (se->y_lo[i] - se->y_lo[i - 1]);
        double hi = se->y_hi[i - 1] + t * (se->y_hi[i] - se->y_hi[i - 1]);
        double pa = plot_px_y(L, lo), pb = plot_px_y(L, hi);
        if (fmax(pa, pb) >= ry0 && fmin(pa, pb) <= ry1)
            return true;
    }
    return false;
}

size_t plot_legend_cost(const scar_plot *p, const plot_layout *L, double x, double y)
{
    double m = 4 * L->st.s; /* keep clear of line widths and markers */
    double rx0 = x - m, ry0 = y - m, rx1 = x + L->lw + m, ry1 = y + L->lh + m;
    size_t cost = 0;
    for (size_t s = 0; s < p->nseries; s++) {
        const scar_plot_series *se = &p->series[s];
        for (size_t i = 0; i < se->n; i++) {
            bool here = plot_finite2(se->x[i], se->y[i]);
            double xb = plot_px_x(L, se->x[i]), yb = plot_px_y(L, se->y[i]);
            if (here && segment_hits(xb, yb, xb, yb, rx0, ry0, rx1, ry1))
                cost++;
            if (i == 0)
                continue;
            if (here && plot_finite2(se->x[i - 1], se->y[i - 1]) &&
                segment_hits(plot_px_x(L, se->x[i - 1]), plot_px_y(L, se->y[i - 1]), xb, yb, rx0,
                             ry0, rx1, ry1))
                cost++;
            if (plot_band_at(se, i) && plot_band_at(se, i - 1) &&
                band_hits(L, se, i, rx0, ry0, rx1, ry1))
                cost++;
        }
    }
    return cost;
}

/* A series drawn as a line only when two neighbouring points are finite. */
static bool has_segment(const scar_plot_series *se)
{
    for (size_t i = 1; i < se->n; i++)
        if (plot_finite2(se->x[i], se->y[i]) && plot_finite2(se->x[i - 1], se->y[i - 1]))
            return true;
    return false;
}

/* Entry k's swatch from x, its text after it, centred on yc. */
static void draw_entry(cairo_t *cr, const scar_plot *p, const plot_layout *L, size_t k, double x,
                       double yc, double text_max)
{
    double s = L->st.s, x1 = x + SWATCH_W * s, row = L->row;
    if (k == p->nseries) {
        double xm = x + 0.5 * SWATCH_W * s;
        cairo_move_to(cr, xm, yc - 0.4 * row);
        cairo_line_to(cr, xm, yc + 0.4 * row);
        plot_marks_style(cr, s);
        cairo_stroke(cr);
    } else {
        const scar_plot_series *se = &p->series[k];
        plot_rgb c = plot_colour(k);
        if (se->y_lo && se->y_hi) {
            cairo_rectangle(cr, x, yc - 0.3 * row, x1 - x, 0.6 * row);
            plot_source(cr, c, 0.2);
            cairo_fill(cr);
        }
        bool line = has_segment(se);
        if (line) {
            cairo_move_to(cr, x, yc);
            cairo_line_to(cr, x1, yc);
            plot_line_style(cr, s, se->dashed);
            plot_source(cr, c, 1);
            cairo_stroke(cr);
        }
        if (se->markers || !line)
            plot_marker(cr, 0.5 * (x + x1), yc, s, c);
    }
    cairo_set_dash(cr, NULL, 0, 0);
    char buf[256];
    plot_font(cr, L->st.f_legend, false);
    plot_grey(cr, 0.15);
    plot_text(cr, x1 + TEXT_GAP * s, yc,
              plot_ellipsize(cr, entry_label(p, L, k), text_max, buf, sizeof buf), 0, 0.5);
}

int plot_legend_flow(cairo_t *cr, const scar_plot *p, const plot_layout *L, double x, double y,
                     double max_w, bool draw)
{
    double s = L->st.s, head = SWATCH_W * s + TEXT_GAP * s;
    double u = x;
    int lines = 0;
    plot_font(cr, L->st.f_legend, false);
    for (size_t k = 0; k <= p->nseries; k++) {
        const char *label = entry_label(p, L, k);
        if (!label)
            continue;
        double tw = fmin(plot_text_width(cr, label), max_w - head);
        if (lines == 0 || (u > x && u + head + tw > x + max_w)) {
            lines++;
            u = x;
        }
        if (draw)
            draw_entry(cr, p, L, k, u, y + (lines - 0.5) * L->row, max_w - head);
        u += head + tw + ENTRY_SEP * s;
    }
    return lines;
}

void plot_legend_draw(cairo_t *cr, const scar_plot *p, const plot_layout *L)
{
    double s = L->st.s;
    if (L->legend == PLOT_LEGEND_NONE)
        return;
    if (L->legend == PLOT_LEGEND_BELOW) {
        plot_legend_flow(cr, p, L, L->lx, L->ly, L->lw, true);
        return;
    }
    cairo_new_path(cr);
    cairo_rectangle(cr, floor(L->lx) + 0.5, floor(L->ly) + 0.5, L->lw, L->lh);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, NULL, 0, 0);
    plot_grey(cr, 0.75);
    cairo_stroke(cr);
    double x = L->lx + BOX_PAD * s;
    double text_max = L->lw - 2 * BOX_PAD * s - SWATCH_W * s - TEXT_GAP * s;
    double yc = L->ly + 6 * s + 0.5 * L->row;
    for (size_t k = 0; k <= p->nseries; k++) {
        if (!entry_label(p, L, k))
            continue;
        draw_entry(cr, p, L, k, x, yc, text_max);
        yc += L->row;
    }
}
