/*
 * plot_internal.h — what the plot files share.  plot_axes.c: the palette,
 * type sizes, text placement, axes with 1-2-5 ticks, and the writer that runs
 * one drawing routine onto a PNG or SVG surface and commits it atomically.
 * plot.c and plot_legend.c: the line plot's layout and its legend.
 * plot_forest.c uses the first part only.
 */
#ifndef SCAR_PLOT_INTERNAL_H
#define SCAR_PLOT_INTERNAL_H

#include "core.h"
#include "plot.h"

#include <cairo.h>
#include <math.h>

typedef struct plot_rgb {
    double r, g, b;
} plot_rgb;

plot_rgb plot_colour(size_t k);
void plot_source(cairo_t *cr, plot_rgb c, double alpha);
void plot_grey(cairo_t *cr, double level);

/* Sizes in pixels for one picture.  s scales every length, so a picture
 * twice the size reads the same. */
typedef struct plot_style {
    double s;
    double pad; /* outer margin */
    double tick_len;
    double f_tick, f_label, f_title, f_legend, f_note; /* font sizes */
} plot_style;

void plot_style_init(plot_style *st, double scale);

/* Text.  plot_font selects the face and size; (ax, ay) anchor the string:
 * ax 0 left, 0.5 centre, 1 right; ay 0 top of the capitals, 0.5 their middle,
 * 1 the baseline.  Anchoring on capitals, not on the font's ascent, keeps
 * tick labels visually centred on their ticks. */
void plot_font(cairo_t *cr, double size, bool bold);
double plot_text_width(cairo_t *cr, const char *s);
void plot_text(cairo_t *cr, double x, double y, const char *s, double ax, double ay);
/* Draws s within max_w: shrinks the font to no less than 70% of size, then
 * cuts the end with an ellipsis. */
void plot_text_fit(cairo_t *cr, double x, double y, const char *s, double size, bool bold,
                   double max_w, double ax, double ay);
/* s, cut with an ellipsis to fit max_w in the current font; buf holds the
 * result when it had to be cut. */
const char *plot_ellipsize(cairo_t *cr, const char *s, double max_w, char *buf, size_t n);

/* An axis: ticks at (first + k) * step for k in [0, count), range [lo, hi]. */
typedef struct plot_axis {
    double lo, hi, step, first;
    int count;
    int decimals; /* digits after the point in tick labels */
} plot_axis;

/* A "nice" step (1, 2 or 5 times a power of ten) near span/n, as in
 * render.c. */
double plot_nice_step(double span, int n);
/* Ticks for [lo, hi], about `target` of them.  A degenerate range (constant
 * data) is widened; non-finite ends give [0, 1].  extend: round the ends out
 * to whole steps, so the data never touch an unlabelled edge. */
void plot_axis_make(plot_axis *a, double lo, double hi, int target, bool extend);
double plot_axis_tick(const plot_axis *a, int k);
/* Position of v on a line from p0 (at lo) to p1 (at hi). */
double plot_axis_map(const plot_axis *a, double v, double p0, double p1);
/* The tick label of v: as many decimals as the step needs and no more (never
 * "0.30000000000000004"), no "-0", a true minus sign. */
void plot_axis_label(const plot_axis *a, double v, char *buf, size_t n);
/* Widest tick label in the current font. */
double plot_axis_label_width(cairo_t *cr, const plot_axis *a);
/* Chooses ticks for an axis len_px long whose labels (in the current font)
 * do not collide: horizontal labels need their width, vertical ones about
 * two line heights. */
void plot_axis_fit(cairo_t *cr, plot_axis *a, double lo, double hi, double len_px, bool horizontal,
                   bool extend);

/* Light grid lines across the area [x0, x1] x [y0, y1] (y0 the top), the
 * bottom axis line with ticks and labels under it. */
void plot_draw_x_axis(cairo_t *cr, const plot_style *st, const plot_axis *a, double x0, double x1,
                      double y0, double y1);
/* The same for the left axis. */
void plot_draw_y_axis(cairo_t *cr, const plot_style *st, const plot_axis *a, double x0, double x1,
                      double y0, double y1);

/* Draws s (current font) wrapped at spaces into lines of at most max_w,
 * each anchored at x by ax, the first line's capitals topping at y, line_h
 * apart; after max_lines the rest is cut with an ellipsis.  draw false only
 * counts.  Returns the lines. */
int plot_text_wrap(cairo_t *cr, double x, double y, const char *s, double max_w, double line_h,
                   int max_lines, double ax, bool draw);

/* ---- line plots: plot.c draws, plot_legend.c places and draws the legend -- */

typedef enum plot_legend_at {
    PLOT_LEGEND_NONE,
    PLOT_LEGEND_INSIDE, /* a box in a corner of the plot area */
    PLOT_LEGEND_RIGHT,  /* a box right of the plot area */
    PLOT_LEGEND_BELOW   /* entries flowing in lines under the x label */
} plot_legend_at;

typedef struct plot_layout {
    plot_style st;
    double x0, x1, y0, y1; /* plot area; y0 is its top */
    plot_axis ax, ay;
    bool has_data;
    int title_lines, note_lines;
    plot_legend_at legend;
    int nlegend;        /* entries */
    double lw, lh, row; /* legend box and its row height; below: the width
                           the lines flow in, and their height */
    double lx, ly;      /* box's top-left corner; below: the first line's */
} plot_layout;

static inline bool plot_finite2(double a, double b)
{
    return isfinite(a) && isfinite(b);
}

static inline bool plot_band_at(const scar_plot_series *se, size_t i)
{
    return se->y_lo && se->y_hi && isfinite(se->x[i]) && plot_finite2(se->y_lo[i], se->y_hi[i]);
}

/* Pixel positions of data, held within cairo's fixed-point range (+-8 M)
 * for values far outside a fixed axis range. */
static inline double plot_px_x(const plot_layout *L, double v)
{
    return fmax(-4e6, fmin(4e6, plot_axis_map(&L->ax, v, L->x0, L->x1)));
}

static inline double plot_px_y(const plot_layout *L, double v)
{
    return fmax(-4e6, fmin(4e6, plot_axis_map(&L->ay, v, L->y1, L->y0)));
}

/* The look of a series and of the session marks, shared by plot and legend. */
void plot_line_style(cairo_t *cr, double s, bool dashed);
void plot_marker(cairo_t *cr, double x, double y, double s, plot_rgb c);
void plot_marks_style(cairo_t *cr, double s);

/* Counts the entries and sizes the legend box (nlegend, lw, lh, row) for a
 * picture w wide. */
void plot_legend_measure(cairo_t *cr, const scar_plot *p, plot_layout *L, double w);
/* How much data a legend box with its top-left corner at (x, y) would
 * cover: 0 when none. */
size_t plot_legend_cost(const scar_plot *p, const plot_layout *L, double x, double y);
/* Entries flowing left to right in lines within [x, x + max_w], the first
 * line's top at y.  draw false only counts.  Returns the lines. */
int plot_legend_flow(cairo_t *cr, const scar_plot *p, const plot_layout *L, double x, double y,
                     double max_w, bool draw);
void plot_legend_draw(cairo_t *cr, const scar_plot *p, const plot_layout *L);

/* Refuses a picture side outside SCAR_PLOT_MIN_PX..SCAR_PLOT_MAX_PX, naming
 * the argument. */
scar_status plot_check_side(scar_ctx *ctx, const char *name, int px);
/* Refuses a path whose extension is not .png or .svg (any case). */
scar_status plot_check_path(scar_ctx *ctx, const char *path, bool *svg);

typedef void (*plot_draw_fn)(cairo_t *cr, const void *data, double w, double h);
/* Runs draw on a w x h surface of the path's format and writes it
 * atomically: a failure leaves nothing at path and no temporary. */
scar_status plot_write(scar_ctx *ctx, const char *path, int w, int h, plot_draw_fn draw,
                       const void *data);

#endif /* SCAR_PLOT_INTERNAL_H */
