/*
 * plot.h — line plots and forest plots for scarsim's reports, drawn with cairo
 * into PNG or SVG (chosen by the file's extension) from one drawing routine.
 *
 * Reports are read by clinicians and patients, so the plots favour legibility
 * over density: a colour-blind-safe palette (Okabe & Ito 2008, "Color
 * Universal Design"), tick labels on 1-2-5 steps, axis labels that carry their
 * units, and a legend placed where it covers no data when such a place exists.
 */
#ifndef SCAR_PLOT_H
#define SCAR_PLOT_H

#include "scarsim.h"

/* Accepted image sizes, in pixels (SVG: points), for width and height. */
#define SCAR_PLOT_MIN_PX 200
#define SCAR_PLOT_MAX_PX 4000

typedef struct scar_plot_series {
    const char *label;   /* legend text; NULL: not in the legend */
    const double *x, *y; /* n points; a NaN (or infinite) x or y is a gap */
    size_t n;
    const double *y_lo, *y_hi; /* optional uncertainty band (filled, translucent), NULL if none */
    bool markers;              /* draw points as well as the line */
    bool dashed;
} scar_plot_series;

typedef struct scar_plot {
    const char *title, *x_label, *y_label; /* labels carry units, e.g. "day", "scar volume (mm³)" */
    const scar_plot_series *series;
    size_t nseries;
    const double *x_marks; /* vertical dotted lines, e.g. treatment sessions */
    size_t nx_marks;
    const char *x_marks_label; /* legend entry for them, e.g. "session" */
    bool y_from_zero;          /* include 0 in the y range */
    double y_min, y_max;       /* fixed range when y_min < y_max, else automatic */
    const char *note;          /* one small line under the plot (e.g. the disclaimer) or NULL */
} scar_plot;

/* Writes the plot as PNG or SVG, chosen by the path's extension (.png/.svg),
 * width x height in pixels (SVG: points), atomically: on any failure nothing
 * is left at path.  A plot without a single finite point is still written and
 * says "no data". */
scar_status scar_plot_write(scar_ctx *ctx, const scar_plot *p, const char *path, int width,
                            int height);

/* The colour of the k-th series (k cycles through 8 colours), components in
 * [0, 1]: for tables and legends elsewhere that must match a plot. */
void scar_plot_series_colour(size_t k, double rgb[3]);

/* A forest plot for trial replays: one row per item with a point estimate and
 * a 95% interval for "predicted" and a point (and optional interval) for
 * "published".  NaN = missing. */
typedef struct scar_forest_row {
    const char *label;
    double pred, pred_lo, pred_hi;
    double pub, pub_lo, pub_hi;
} scar_forest_row;

/* Rows run top to bottom; the height follows from the number of rows (about
 * 24 px a row at width 800) and must stay within SCAR_PLOT_MAX_PX. */
scar_status scar_forest_write(scar_ctx *ctx, const char *title, const char *x_label,
                              const scar_forest_row *rows, size_t n, const char *path, int width);

#endif /* SCAR_PLOT_H */
