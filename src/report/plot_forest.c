/*
 * plot_forest.c — forest plots for trial replays (scar_forest_write): one row
 * per outcome, the predicted estimate as a filled dot on its 95% interval,
 * the published one as an open diamond (on its interval when given), against
 * a vertical line at zero.
 */
#include "plot_internal.h"

#include <math.h>
#include <stdio.h>

typedef struct forest {
    const char *title, *x_label;
    const scar_forest_row *rows;
    size_t n;
    int title_lines;
} forest;

/* Vertical layout; it depends only on the width and the row count, so the
 * picture's height is known (and checked) before anything is drawn. */
typedef struct geometry {
    plot_style st;
    double top, row_h, height;
} geometry;

static double title_line_h(const plot_style *st)
{
    return st->f_title * 1.3;
}

static void geometry_make(geometry *g, double w, size_t n, int title_lines, bool x_label)
{
    plot_style_init(&g->st, w / 800.0);
    const plot_style *st = &g->st;
    double s = st->s;
    g->row_h = 26 * s;
    g->top = st->pad + title_lines * title_line_h(st) + st->f_legend * 1.6 + 10 * s;
    double bottom = st->tick_len + 4 * s + st->f_tick * 1.25 +
                    (x_label ? st->f_label * 1.45 + 4 * s : 0) + st->pad;
    g->height = ceil(g->top + (double)(n > 0 ? n : 1) * g->row_h + bottom);
}

static void grow(double v, double *lo, double *hi)
{
    if (isfinite(v)) {
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
}

/* An interval with end caps at height y. */
static void interval(cairo_t *cr, double xa, double xb, double y, double cap, double lw)
{
    cairo_set_line_width(cr, lw);
    cairo_move_to(cr, xa, y);
    cairo_line_to(cr, xb, y);
    cairo_move_to(cr, xa, y - cap);
    cairo_line_to(cr, xa, y + cap);
    cairo_move_to(cr, xb, y - cap);
    cairo_line_to(cr, xb, y + cap);
    cairo_stroke(cr);
}

static void dot(cairo_t *cr, double x, double y, double s, plot_rgb c)
{
    cairo_new_path(cr);
    cairo_arc(cr, x, y, 4.8 * s, 0, 2 * M_PI);
    plot_source(cr, c, 1);
    cairo_fill(cr);
}

static void diamond(cairo_t *cr, double x, double y, double s, plot_rgb c)
{
    double r = 5.6 * s;
    cairo_new_path(cr);
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + r, y);
    cairo_line_to(cr, x, y + r);
    cairo_line_to(cr, x - r, y);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    plot_source(cr, c, 1);
    cairo_set_line_width(cr, 1.8 * s);
    cairo_stroke(cr);
}

/* The key above the plot: "predicted (95% interval)" and "published". */
static void draw_key(cairo_t *cr, const forest *f, const plot_style *st, double x0, double y,
                     double w)
{
    double s = st->s;
    bool pub_ci = false;
    for (size_t i = 0; i < f->n; i++)
        pub_ci |= isfinite(f->rows[i].pub_lo) && isfinite(f->rows[i].pub_hi);
    const char *t1 = "predicted (95% interval)";
    const char *t2 = pub_ci ? "published (95% interval)" : "published";
    double sw = 24 * s, gap = 6 * s, sep = 22 * s;
    plot_font(cr, st->f_legend, false);
    double total = 2 * (sw + gap) + plot_text_width(cr, t1) + sep + plot_text_width(cr, t2);
    double x = fmax(st->pad, fmin(x0, w - st->pad - total));
    plot_rgb cp = plot_colour(0), cb = plot_colour(1);
    plot_source(cr, cp, 1);
    interval(cr, x, x + sw, y, 3.5 * s, 2 * s);
    dot(cr, x + 0.5 * sw, y, s, cp);
    plot_grey(cr, 0.15);
    plot_font(cr, st->f_legend, false);
    plot_text(cr, x + sw + gap, y, t1, 0, 0.5);
    x += sw + gap + plot_text_width(cr, t1) + sep;
    if (pub_ci) {
        plot_source(cr, cb, 1);
        interval(cr, x, x + sw, y, 3 * s, 1.5 * s);
    }
    diamond(cr, x + 0.5 * sw, y, s, cb);
    plot_grey(cr, 0.15);
    plot_font(cr, st->f_legend, false);
    plot_text(cr, x + sw + gap, y, t2, 0, 0.5);
}

static void draw_forest(cairo_t *cr, const void *data, double w, double h)
{
    const forest *f = data;
    geometry g;
    geometry_make(&g, w, f->n, f->title_lines, f->x_label != NULL);
    const plot_style *st = &g.st;
    double s = st->s;
    (void)h;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);

    /* Label column: as wide as the longest label, at most 40% of the width. */
    plot_font(cr, st->f_legend, false);
    double label_w = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->rows[i].label)
            label_w = fmax(label_w, plot_text_width(cr, f->rows[i].label));
    label_w = fmin(label_w, 0.4 * w);
    double lo = 0, hi = 0; /* zero, the line of no difference, is always shown */
    for (size_t i = 0; i < f->n; i++) {
        const scar_forest_row *r = &f->rows[i];
        grow(r->pred, &lo, &hi);
        grow(r->pred_lo, &lo, &hi);
        grow(r->pred_hi, &lo, &hi);
        grow(r->pub, &lo, &hi);
        grow(r->pub_lo, &lo, &hi);
        grow(r->pub_hi, &lo, &hi);
    }
    double y0 = g.top, y1 = g.top + (double)(f->n > 0 ? f->n : 1) * g.row_h;
    /* The first and last tick labels, centred on the area's edges, need
     * half their width outside it. */
    double x0 = fmax(st->pad + label_w + 14 * s, st->pad + 2 * st->f_tick);
    double x1 = w - st->pad - 2 * st->f_tick;
    plot_axis ax;
    plot_font(cr, st->f_tick, false);
    plot_axis_fit(cr, &ax, lo, hi, x1 - x0, true, true);

    if (f->title) {
        plot_grey(cr, 0.1);
        plot_font(cr, st->f_title, true);
        plot_text_wrap(cr, 0.5 * w, st->pad, f->title, w - 2 * st->pad, title_line_h(st), 2, 0.5,
                       true);
    }
    draw_key(cr, f, st, x0, y0 - 5 * s - 0.8 * st->f_legend, w);
    /* Every other row shaded, across the labels too, to guide the eye. */
    for (size_t i = 1; i < f->n; i += 2) {
        cairo_rectangle(cr, st->pad, y0 + (double)i * g.row_h, x1 - st->pad, g.row_h);
        plot_grey(cr, 0.955);
        cairo_fill(cr);
    }
    plot_draw_x_axis(cr, st, &ax, x0, x1, y0, y1);
    double xz = floor(plot_axis_map(&ax, 0, x0, x1)) + 0.5;
    plot_grey(cr, 0.3);
    cairo_set_line_width(cr, 1.3 * s);
    cairo_move_to(cr, xz, y0);
    cairo_line_to(cr, xz, y1);
    cairo_stroke(cr);
    if (f->x_label) {
        plot_grey(cr, 0.15);
        plot_text_fit(cr, 0.5 * (x0 + x1), y1 + st->tick_len + 8 * s + st->f_tick * 1.25,
                      f->x_label, st->f_label, false, x1 - x0, 0.5, 0);
    }
    if (f->n == 0) {
        /* On a white patch: the zero line would run through the words. */
        plot_font(cr, st->f_label, false);
        double tw = plot_text_width(cr, "no data");
        cairo_rectangle(cr, 0.5 * (x0 + x1 - tw) - 4 * s, y0 + 2 * s, tw + 8 * s, y1 - y0 - 4 * s);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
        plot_grey(cr, 0.45);
        plot_text(cr, 0.5 * (x0 + x1), 0.5 * (y0 + y1), "no data", 0.5, 0.5);
    }

    plot_rgb cp = plot_colour(0), cb = plot_colour(1);
    char buf[256];
    for (size_t i = 0; i < f->n; i++) {
        const scar_forest_row *r = &f->rows[i];
        double yc = y0 + ((double)i + 0.5) * g.row_h;
        /* Predicted a little above the row's middle, published below, so
         * overlapping intervals stay apart. */
        double yp = yc - 4 * s, yb = yc + 5 * s;
        if (r->label) {
            plot_font(cr, st->f_legend, false);
            plot_grey(cr, 0.15);
            plot_text(cr, x0 - 14 * s, yc, plot_ellipsize(cr, r->label, label_w, buf, sizeof buf),
                      1, 0.5);
        }
        if (isfinite(r->pred_lo) && isfinite(r->pred_hi)) {
            plot_source(cr, cp, 1);
            interval(cr, plot_axis_map(&ax, r->pred_lo, x0, x1),
                     plot_axis_map(&ax, r->pred_hi, x0, x1), yp, 3.5 * s, 2 * s);
        }
        if (isfinite(r->pub_lo) && isfinite(r->pub_hi)) {
            plot_source(cr, cb, 1);
            interval(cr, plot_axis_map(&ax, r->pub_lo, x0, x1),
                     plot_axis_map(&ax, r->pub_hi, x0, x1), yb, 3 * s, 1.5 * s);
        }
        if (isfinite(r->pred))
            dot(cr, plot_axis_map(&ax, r->pred, x0, x1), yp, s, cp);
        if (isfinite(r->pub))
            diamond(cr, plot_axis_map(&ax, r->pub, x0, x1), yb, s, cb);
        if (!isfinite(r->pred) && !isfinite(r->pub)) {
            plot_font(cr, st->f_note, false);
            plot_grey(cr, 0.45);
            plot_text(cr, 0.5 * (x0 + x1), yc, "not available", 0.5, 0.5);
        }
    }
}

scar_status scar_forest_write(scar_ctx *ctx, const char *title, const char *x_label,
                              const scar_forest_row *rows, size_t n, const char *path, int width)
{
    scar_status st = plot_check_side(ctx, "width", width);
    if (st)
        return st;
    if (!rows && n > 0)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "rows",
                             "rows: expected %zu rows, found NULL", n);
    /* The title's lines decide the height: measured on a scratch surface. */
    forest f = {title, x_label, rows, n, 0};
    geometry g;
    geometry_make(&g, width, n, 0, false);
    if (title) {
        cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
        cairo_t *cr = cairo_create(scratch);
        plot_font(cr, g.st.f_title, true);
        f.title_lines = plot_text_wrap(cr, 0, 0, title, width - 2 * g.st.pad, 1, 2, 0, false);
        cairo_destroy(cr);
        cairo_surface_destroy(scratch);
    }
    geometry_make(&g, width, n, f.title_lines, x_label != NULL);
    if (g.height > SCAR_PLOT_MAX_PX)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "rows",
                             "rows: %zu rows need a picture %.0f pixels tall at width %d, "
                             "more than %d; split them over several plots",
                             n, g.height, width, SCAR_PLOT_MAX_PX);
    bool svg;
    st = plot_check_path(ctx, path, &svg);
    if (st)
        return st;
    return plot_write(ctx, path, width, (int)g.height, draw_forest, &f);
}
