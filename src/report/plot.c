/*
 * plot.c — line plots (scar_plot_write): series with gaps, translucent
 * uncertainty bands, markers and dotted session marks.  The legend goes in
 * the first corner of the plot area where it covers no data, else to the
 * right of it, else (narrow pictures) in lines under it (plot_legend.c).
 */
#include "plot_internal.h"

#include <math.h>
#include <stdio.h>

static void grow(double v, double *lo, double *hi)
{
    if (v < *lo)
        *lo = v;
    if (v > *hi)
        *hi = v;
}

/* The data's extent {x lo, x hi, y lo, y hi}; false when there is not a
 * single finite point.  Session marks widen x but are not data. */
static bool data_range(const scar_plot *p, double r[4])
{
    r[0] = r[2] = INFINITY;
    r[1] = r[3] = -INFINITY;
    bool any = false;
    for (size_t s = 0; s < p->nseries; s++) {
        const scar_plot_series *se = &p->series[s];
        for (size_t i = 0; i < se->n; i++) {
            if (plot_finite2(se->x[i], se->y[i])) {
                grow(se->x[i], &r[0], &r[1]);
                grow(se->y[i], &r[2], &r[3]);
                any = true;
            }
            if (plot_band_at(se, i)) {
                grow(se->x[i], &r[0], &r[1]);
                grow(se->y_lo[i], &r[2], &r[3]);
                grow(se->y_hi[i], &r[2], &r[3]);
                any = true;
            }
        }
    }
    for (size_t k = 0; k < p->nx_marks; k++)
        if (isfinite(p->x_marks[k]))
            grow(p->x_marks[k], &r[0], &r[1]);
    return any;
}

static double note_line_h(const plot_style *st)
{
    return st->f_note * 1.35;
}
static double title_line_h(const plot_style *st)
{
    return st->f_title * 1.3;
}

/* From the plot area's bottom edge to the top of what follows the x label. */
static double axis_block(const scar_plot *p, const plot_style *st)
{
    return st->tick_len + 4 * st->s + st->f_tick * 1.25 +
           (p->x_label ? st->f_label * 1.45 + 4 * st->s : 0);
}

/* Margins, axes and the plot area, leaving right_extra beside it and
 * below_extra under the x label for a legend. */
static void place_area(cairo_t *cr, const scar_plot *p, plot_layout *L, double w, double h,
                       const double r[4], bool fixed_y, double right_extra, double below_extra)
{
    const plot_style *st = &L->st;
    double s = st->s;
    double top =
        st->pad + (L->title_lines > 0 ? st->f_title * (1.3 * L->title_lines - 0.05) : 0) + 14 * s;
    double note =
        L->note_lines > 0 ? (L->note_lines - 1) * note_line_h(st) + st->f_note * 1.5 + 4 * s : 0;
    double bottom = axis_block(p, st) + below_extra + note + st->pad;
    L->y0 = top;
    L->y1 = fmax(top + 20 * s, h - bottom);
    plot_font(cr, st->f_tick, false);
    plot_axis_fit(cr, &L->ay, r[2], r[3], L->y1 - L->y0, false, !fixed_y);
    double left = st->pad + (p->y_label ? st->f_label * 1.3 + 6 * s : 0) +
                  plot_axis_label_width(cr, &L->ay) + st->tick_len + 6 * s;
    /* Room on the right for half of the last x tick label: a guess, then
     * the label itself. */
    double right = st->pad + right_extra + 3 * st->f_tick;
    for (int pass = 0; pass < 2; pass++) {
        L->x0 = left;
        L->x1 = fmax(left + 20 * s, w - right);
        plot_axis_fit(cr, &L->ax, r[0], r[1], L->x1 - L->x0, true, true);
        char buf[80];
        plot_axis_label(&L->ax, plot_axis_tick(&L->ax, L->ax.count - 1), buf, sizeof buf);
        right = st->pad + right_extra + fmax(2 * s, 0.5 * plot_text_width(cr, buf) + 2 * s);
    }
}

static void layout_make(cairo_t *cr, const scar_plot *p, plot_layout *L, double w, double h)
{
    plot_style_init(&L->st, fmin(w / 800.0, h / 450.0));
    const plot_style *st = &L->st;
    double s = st->s, r[4];
    L->has_data = data_range(p, r);
    bool fixed_y = p->y_min < p->y_max;
    if (fixed_y) {
        r[2] = p->y_min;
        r[3] = p->y_max;
    } else if (!L->has_data) {
        r[2] = 0;
        r[3] = 1;
    } else if (p->y_from_zero) {
        r[2] = fmin(r[2], 0);
        r[3] = fmax(r[3], 0);
    }
    if (!(r[0] <= r[1])) { /* neither data nor marks */
        r[0] = 0;
        r[1] = 1;
    }
    plot_font(cr, st->f_title, true);
    L->title_lines = p->title ? plot_text_wrap(cr, 0, 0, p->title, w - 2 * st->pad,
                                               title_line_h(st), 2, 0.5, false)
                              : 0;
    plot_font(cr, st->f_note, false);
    L->note_lines =
        p->note ? plot_text_wrap(cr, 0, 0, p->note, w - 2 * st->pad, note_line_h(st), 3, 0, false)
                : 0;
    plot_legend_measure(cr, p, L, w);
    place_area(cr, p, L, w, h, r, fixed_y, 0, 0);
    L->legend = PLOT_LEGEND_NONE;
    if (L->nlegend == 0)
        return;

    /* Inside: top-right, top-left, bottom-right, bottom-left, the first that
     * covers no data. */
    double in = 8 * s, aw = L->x1 - L->x0, ah = L->y1 - L->y0;
    double cx[4] = {L->x1 - in - L->lw, L->x0 + in, L->x1 - in - L->lw, L->x0 + in};
    double cy[4] = {L->y0 + in, L->y0 + in, L->y1 - in - L->lh, L->y1 - in - L->lh};
    if (L->lw <= 0.55 * aw && L->lh <= 0.7 * ah) {
        for (int k = 0; k < 4; k++) {
            if (plot_legend_cost(p, L, cx[k], cy[k]) == 0) {
                L->legend = PLOT_LEGEND_INSIDE;
                L->lx = cx[k];
                L->ly = cy[k];
                return;
            }
        }
    }
    /* Right of the plot when that leaves it most of the width. */
    if (w - L->lw - 8 * s >= 0.6 * w && L->lh <= h - L->y0 - st->pad) {
        place_area(cr, p, L, w, h, r, fixed_y, L->lw + 8 * s, 0);
        L->legend = PLOT_LEGEND_RIGHT;
        L->lx = w - st->pad - L->lw;
        L->ly = L->y0;
        return;
    }
    /* Under the x label, entries flowing in lines across the picture. */
    L->legend = PLOT_LEGEND_BELOW;
    L->lw = w - 2 * st->pad;
    L->lh = plot_legend_flow(cr, p, L, st->pad, 0, L->lw, false) * L->row;
    place_area(cr, p, L, w, h, r, fixed_y, 0, L->lh + 6 * s);
    L->lx = st->pad;
    L->ly = L->y1 + axis_block(p, st) + 4 * s;
}

void plot_line_style(cairo_t *cr, double s, bool dashed)
{
    double dash[2] = {7 * s, 4 * s};
    cairo_set_line_width(cr, 2.2 * s);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_dash(cr, dash, dashed ? 2 : 0, 0);
}

void plot_marker(cairo_t *cr, double x, double y, double s, plot_rgb c)
{
    cairo_new_path(cr);
    cairo_arc(cr, x, y, 3.6 * s, 0, 2 * M_PI);
    plot_source(cr, c, 1);
    cairo_fill_preserve(cr);
    /* A white rim keeps overlapping markers and lines apart. */
    cairo_set_line_width(cr, 1.0 * s);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_stroke(cr);
}

void plot_marks_style(cairo_t *cr, double s)
{
    double dots[2] = {0, 4 * s}; /* zero-length dashes with round caps: dots */
    plot_grey(cr, 0.4);
    cairo_set_line_width(cr, 1.8 * s);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_dash(cr, dots, 2, 0);
}

static void draw_band(cairo_t *cr, const plot_layout *L, const scar_plot_series *se, plot_rgb c)
{
    size_t i = 0;
    while (i < se->n) {
        if (!plot_band_at(se, i)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < se->n && plot_band_at(se, j + 1))
            j++;
        /* One polygon per run without gaps: along y_lo, back along y_hi. */
        cairo_new_path(cr);
        for (size_t k = i; k <= j; k++)
            cairo_line_to(cr, plot_px_x(L, se->x[k]), plot_px_y(L, se->y_lo[k]));
        for (size_t k = j + 1; k-- > i;)
            cairo_line_to(cr, plot_px_x(L, se->x[k]), plot_px_y(L, se->y_hi[k]));
        cairo_close_path(cr);
        plot_source(cr, c, 0.2);
        cairo_fill(cr);
        i = j + 1;
    }
}

static void draw_line(cairo_t *cr, const plot_layout *L, const scar_plot_series *se, plot_rgb c)
{
    double s = L->st.s;
    cairo_new_path(cr);
    bool down = false;
    for (size_t i = 0; i < se->n; i++) {
        if (!plot_finite2(se->x[i], se->y[i])) {
            down = false;
            continue;
        }
        double x = plot_px_x(L, se->x[i]), y = plot_px_y(L, se->y[i]);
        if (down)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        down = true;
    }
    plot_line_style(cr, s, se->dashed);
    plot_source(cr, c, 1);
    cairo_stroke(cr);
}

/* Markers of points inside the plot area. */
static void draw_markers(cairo_t *cr, const plot_layout *L, const scar_plot_series *se, plot_rgb c)
{
    for (size_t i = 0; i < se->n; i++) {
        if (!plot_finite2(se->x[i], se->y[i]))
            continue;
        double x = plot_px_x(L, se->x[i]), y = plot_px_y(L, se->y[i]);
        if (x < L->x0 - 0.5 || x > L->x1 + 0.5 || y < L->y0 - 0.5 || y > L->y1 + 0.5)
            continue;
        /* A point between two gaps has no line: it gets a marker anyway. */
        bool lone = (i == 0 || !plot_finite2(se->x[i - 1], se->y[i - 1])) &&
                    (i + 1 == se->n || !plot_finite2(se->x[i + 1], se->y[i + 1]));
        if (se->markers || lone)
            plot_marker(cr, x, y, L->st.s, c);
    }
}

static void draw_labels(cairo_t *cr, const scar_plot *p, const plot_layout *L, double w, double h)
{
    const plot_style *st = &L->st;
    double s = st->s;
    if (p->title) {
        plot_grey(cr, 0.1);
        plot_font(cr, st->f_title, true);
        plot_text_wrap(cr, 0.5 * w, st->pad, p->title, w - 2 * st->pad, title_line_h(st), 2, 0.5,
                       true);
    }
    if (p->x_label) {
        plot_grey(cr, 0.15);
        plot_text_fit(cr, 0.5 * (L->x0 + L->x1), L->y1 + st->tick_len + 8 * s + st->f_tick * 1.25,
                      p->x_label, st->f_label, false, L->x1 - L->x0, 0.5, 0);
    }
    if (p->y_label) {
        /* Read from bottom to top, capitals toward the plot; centred on the
         * plot area, or when longer than it on the whole left column. */
        double lo = L->y0 - 6 * s, hi = L->y1 + axis_block(p, st), mid = 0.5 * (L->y0 + L->y1);
        plot_font(cr, st->f_label, false);
        if (plot_text_width(cr, p->y_label) > L->y1 - L->y0)
            mid = 0.5 * (lo + hi);
        plot_grey(cr, 0.15);
        cairo_save(cr);
        cairo_translate(cr, st->pad, mid);
        cairo_rotate(cr, -M_PI / 2);
        plot_text_fit(cr, 0, 0, p->y_label, st->f_label, false, hi - lo, 0.5, 0);
        cairo_restore(cr);
    }
    if (p->note) {
        plot_grey(cr, 0.35);
        plot_font(cr, st->f_note, false);
        double y = h - st->pad - (L->note_lines - 1) * note_line_h(st) - 0.73 * st->f_note;
        plot_text_wrap(cr, st->pad, y, p->note, w - 2 * st->pad, note_line_h(st), 3, 0, true);
    }
}

static void draw_plot(cairo_t *cr, const void *data, double w, double h)
{
    const scar_plot *p = data;
    plot_layout L;
    layout_make(cr, p, &L, w, h);
    double s = L.st.s;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    draw_labels(cr, p, &L, w, h);
    plot_draw_x_axis(cr, &L.st, &L.ax, L.x0, L.x1, L.y0, L.y1);
    plot_draw_y_axis(cr, &L.st, &L.ay, L.x0, L.x1, L.y0, L.y1);

    /* Data, clipped to the plot area: a fixed y range may cut them. */
    cairo_save(cr);
    cairo_rectangle(cr, L.x0, L.y0, L.x1 - L.x0, L.y1 - L.y0);
    cairo_clip(cr);
    for (size_t k = 0; k < p->nseries; k++)
        draw_band(cr, &L, &p->series[k], plot_colour(k));
    for (size_t k = 0; k < p->nx_marks; k++) {
        if (!isfinite(p->x_marks[k]))
            continue;
        double x = floor(plot_px_x(&L, p->x_marks[k])) + 0.5;
        cairo_move_to(cr, x, L.y0);
        cairo_line_to(cr, x, L.y1);
        plot_marks_style(cr, s);
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0);
    for (size_t k = 0; k < p->nseries; k++)
        draw_line(cr, &L, &p->series[k], plot_colour(k));
    cairo_restore(cr);
    for (size_t k = 0; k < p->nseries; k++)
        draw_markers(cr, &L, &p->series[k], plot_colour(k));

    if (!L.has_data) {
        plot_grey(cr, 0.45);
        plot_text_fit(cr, 0.5 * (L.x0 + L.x1), 0.5 * (L.y0 + L.y1), "no data", L.st.f_label * 1.3,
                      false, L.x1 - L.x0, 0.5, 0.5);
    }
    plot_legend_draw(cr, p, &L);
}

static scar_status check_plot(scar_ctx *ctx, const scar_plot *p)
{
    if (!p)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "p", "p: expected a plot, found NULL");
    if (!p->series && p->nseries > 0)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "series",
                             "series: expected %zu series, found NULL", p->nseries);
    if (!p->x_marks && p->nx_marks > 0)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "x_marks",
                             "x_marks: expected %zu values, found NULL", p->nx_marks);
    for (size_t k = 0; k < p->nseries; k++) {
        const scar_plot_series *se = &p->series[k];
        if (se->n == 0)
            continue;
        char field[64];
        if (!se->x || !se->y) {
            snprintf(field, sizeof field, "series[%zu].%s", k, se->x ? "y" : "x");
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, field,
                                 "%s: expected %zu values, found NULL", field, se->n);
        }
        if (!se->y_lo != !se->y_hi) {
            snprintf(field, sizeof field, "series[%zu].%s", k, se->y_lo ? "y_hi" : "y_lo");
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, field,
                                 "%s: expected both ends of the band (%zu values each) or "
                                 "neither, found NULL",
                                 field, se->n);
        }
    }
    return SCAR_OK;
}

scar_status scar_plot_write(scar_ctx *ctx, const scar_plot *p, const char *path, int width,
                            int height)
{
    scar_status st = check_plot(ctx, p);
    if (!st)
        st = plot_check_side(ctx, "width", width);
    if (!st)
        st = plot_check_side(ctx, "height", height);
    bool svg;
    if (!st)
        st = plot_check_path(ctx, path, &svg);
    if (st)
        return st;
    return plot_write(ctx, path, width, height, draw_plot, p);
}
