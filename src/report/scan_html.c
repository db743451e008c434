/*
 * scan_html.c — the HTML report of a scan.
 */
#include "html.h"

#include <stdlib.h>

static const char *const gb_words[] = {"no contour scarring found", "macular", "mild",
                                       "moderate", "severe"};

static const char *gb_word(int g) { return g >= 0 && g <= 4 ? gb_words[g] : "?"; }

static void grade_cards(FILE *f, const scar_scan_result *r)
{
    const scar_grade *g = &r->grade;
    fprintf(f,
            "<div class=\"cards\">\n"
            "<div class=\"card\">Goodman-Baron qualitative<b>%d</b>%s</div>\n"
            "<div class=\"card\">Goodman-Baron quantitative<b>%d</b>of 84</div>\n"
            "<div class=\"card\">ECCA<b>%d</b>of 540</div>\n"
            "<div class=\"card\">Scars found<b>%zu</b>%.1f%% of the area</div>\n"
            "<div class=\"card\">ISO 25178 Sa / Sq<b>%.0f / %.0f</b>um (form removed)</div>\n"
            "</div>\n",
            g->gb_qualitative, gb_word(g->gb_qualitative), g->gb_quantitative, g->ecca,
            r->scars.n, 100.0 * g->scarred_area_fraction, r->iso.Sa_um, r->iso.Sq_um);
}

static void scar_table(FILE *f, const scar_scar *v, size_t n)
{
    fputs("<table>\n<tr><th>#</th><th class=\"l\">type</th><th>x mm</th><th>y mm</th>"
          "<th>width mm</th><th>depth mm</th><th>mean depth mm</th><th>area mm&sup2;</th>"
          "<th>volume mm&sup3;</th><th>wall &deg;</th><th>profile</th></tr>\n",
          f);
    for (size_t k = 0; k < n; k++) {
        const scar_scar *s = &v[k];
        fprintf(f,
                "<tr><td>%zu</td><td class=\"l\">%s%s</td><td>%.2f</td><td>%.2f</td>"
                "<td>%.2f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.4f</td>"
                "<td>%.0f</td><td>%s</td></tr>\n",
                k + 1, scar_type_name(s->type),
                s->type == SCAR_TYPE_BOXCAR ? (s->deep ? " (deep)" : " (shallow)")
                : s->type == SCAR_TYPE_HYPERTROPHIC ? " (raised)"
                                                    : "",
                s->x_mm, s->y_mm, s->width_mm, s->depth_mm, s->mean_depth_mm, s->area_mm2,
                s->volume_mm3, s->wall_slope_deg, scar_profile_name(s->profile));
    }
    fputs("</table>\n", f);
}

static void truth_section(FILE *f, const scar_scan_report *rep)
{
    scar_grade tg;
    scar_grade_scars(rep->truth->v, rep->truth->n, rep->truth_field_area_mm2, &tg);
    const scar_grade *g = &rep->scan->grade;
    fputs("<h2>Found against the truth</h2>\n<p>This skin is synthetic, so the true scars are "
          "known. Each row compares what the scan measured with what was made.</p>\n"
          "<table>\n<tr><th class=\"l\"></th><th>icepick</th><th>boxcar</th>"
          "<th>of which deep</th><th>rolling</th><th>hypertrophic</th>"
          "<th>Goodman-Baron quantitative</th><th>ECCA</th></tr>\n",
          f);
    const scar_grade *rows[2] = {&tg, g};
    const char *names[2] = {"true", "found"};
    for (int k = 0; k < 2; k++)
        fprintf(f,
                "<tr><td class=\"l\">%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td>"
                "<td>%d</td><td>%d</td><td>%d</td></tr>\n",
                names[k], rows[k]->counts[SCAR_TYPE_ICEPICK], rows[k]->counts[SCAR_TYPE_BOXCAR],
                rows[k]->boxcar_deep, rows[k]->counts[SCAR_TYPE_ROLLING],
                rows[k]->counts[SCAR_TYPE_HYPERTROPHIC], rows[k]->gb_quantitative,
                rows[k]->ecca);
    fputs("</table>\n<p>The true scars:</p>\n", f);
    scar_table(f, rep->truth->v, rep->truth->n);
}

static const char explain[] =
    "<h2>How to read this</h2>\n<ul>\n"
    "<li><b>Types</b> follow Jacob, Dover &amp; Kaminer 2001 (J Am Acad Dermatol 45:109-17): "
    "<i>icepick</i> scars are narrow (&lt;2 mm) and taper to a point (V); <i>boxcar</i> scars "
    "are 1.5-4 mm wide with steep walls and a flat floor (U), shallow when under 0.5 mm deep; "
    "<i>rolling</i> scars are broad (&gt;4-5 mm) undulating dishes from dermal tethering (M); "
    "<i>hypertrophic</i> scars are raised.</li>\n"
    "<li><b>Goodman-Baron</b> (Goodman &amp; Baron 2006, Dermatol Surg 32:1458 and J Cosmet "
    "Dermatol 5:48): the qualitative grade runs from 1 (macular) to 4 (severe); the "
    "quantitative score (0-84) counts lesions by kind. Raters agree within 4 points, so a "
    "change of 4 or less is within rater noise. Colour (macular scars) cannot be seen in a "
    "height map.</li>\n"
    "<li><b>ECCA</b> (Dr&eacute;no et al. 2007, Dermatology 214:46-51) weights V, U and M "
    "scars and raised scars by count class (0-540).</li>\n"
    "<li><b>ISO 25178-2</b> areal parameters of the surface after its form (tilt, facial "
    "curvature) is removed: Sa mean and Sq root-mean-square height, Sz maximum height, Sv "
    "deepest pit.</li>\n"
    "<li>The scales were made for a whole face; on a patch, counts are smaller than a "
    "rater would count over the face. How scarsim maps its measurements onto the scales: "
    "docs/grading.md.</li>\n</ul>\n";

scar_status scar_scan_report_html(scar_ctx *ctx, const scar_scan_report *rep, const char *path)
{
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    scar_html_begin(f, rep->title ? rep->title : "scarsim scan");
    if (rep->source) {
        fputs("<p>Surface: <code>", f);
        scar_html_text(f, rep->source);
        const scar_heightmap *hm = rep->scan->levelled;
        fprintf(f, "</code>, %zu &times; %zu samples at %g &micro;m (%.1f &times; %.1f mm).</p>\n",
                hm->nx, hm->ny, hm->dx_um, (double)hm->nx * hm->dx_um * 1e-3,
                (double)hm->ny * hm->dy_um * 1e-3);
    }
    fputs("<h2>Grades</h2>\n", f);
    grade_cards(f, rep->scan);
    if (rep->png_path) {
        fputs("<h2>The surface</h2>\n<p>Height in colour with shading; each scar is outlined "
              "in its type's colour and numbered as in the table below.</p>\n",
              f);
        st = scar_html_png(ctx, f, rep->png_path, "height map with scars outlined");
        if (st)
            goto fail;
    }
    fputs("<h2>Scars</h2>\n", f);
    if (rep->scan->scars.n)
        scar_table(f, rep->scan->scars.v, rep->scan->scars.n);
    else
        fputs("<p>No scars found.</p>\n", f);
    if (rep->truth)
        truth_section(f, rep);
    fputs(explain, f);
    scar_html_end(f, ctx);
    return scar_afile_commit(ctx, &af);
fail:
    scar_afile_abort(&af);
    return st;
}
