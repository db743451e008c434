/*
 * run_html.c — report.html of a course run: what was simulated, what the
 * scan of the simulated skin shows after each session, each scar before and
 * after, the tissue's time course, side effects, and how far to trust it.
 * Self-contained: pictures and plots are embedded, it opens offline.
 */
#include "html.h"
#include "plot.h"
#include "report_internal.h"
#include "safety.h"
#include "scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void setup(FILE *f, const scar_scenario *sc)
{
    const scar_protocol *pr = &sc->protocol;
    const scar_device *d = &pr->device;
    fputs("<h2>What was simulated</h2>\n<table>\n", f);
    if (sc->has_synth)
        fprintf(f, "<tr><th class=l>skin</th><td class=l>synthetic, %.0f x %.0f mm at %.0f um: "
                   "%d icepick, %d boxcar, %d rolling, %d hypertrophic scars (seed %llu)</td></tr>\n",
                sc->synth.width_mm, sc->synth.height_mm, sc->synth.px_um,
                sc->synth.counts[SCAR_TYPE_ICEPICK], sc->synth.counts[SCAR_TYPE_BOXCAR],
                sc->synth.counts[SCAR_TYPE_ROLLING], sc->synth.counts[SCAR_TYPE_HYPERTROPHIC],
                (unsigned long long)sc->synth.seed);
    else {
        fputs("<tr><th class=l>skin</th><td class=l>measured surface ", f);
        scar_html_text(f, sc->surface_path);
        fputs("</td></tr>\n", f);
    }
    fprintf(f, "<tr><th class=l>region, skin type, age</th><td class=l>%s, Fitzpatrick %d, "
               "%.0f years</td></tr>\n", sc->region->name, sc->fitzpatrick, sc->age_y);
    fprintf(f, "<tr><th class=l>device</th><td class=l>%s, needles %.2f mm, %d passes: %.2f "
               "punctures/mm&sup2; a session (x%.1f over scars), penetration %.0f%% of the "
               "needle length</td></tr>\n", scar_device_name(d->kind), d->needle_mm, d->passes,
            scar_device_density(d), d->scar_multiplier, 100.0 * d->f_pen);
    fprintf(f, "<tr><th class=l>course</th><td class=l>%d session(s) %.0f days apart, followed "
               "for %.0f days after the last</td></tr>\n", pr->sessions, pr->interval_days,
            pr->follow_up_days);
    fputs("<tr><th class=l>adjuncts</th><td class=l>", f);
    int any = 0;
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        if (pr->adjunct[a])
            fprintf(f, "%s%s", any++ ? ", " : "", scar_adjunct_name((scar_adjunct)a));
    fprintf(f, "%s</td></tr>\n<tr><th class=l>tissue grid</th><td class=l>%.0f um "
               "voxels</td></tr>\n</table>\n", any ? "" : "none", sc->dx_um);
}

static void outcome_row(FILE *f, const char *what, const scar_outcome *o)
{
    fprintf(f, "<tr><td class=l>%s</td><td>%.0f</td><td>%zu</td><td>%.3f</td><td>%.3f</td>"
               "<td>%.1f</td><td>%d</td><td>%d</td><td>%d</td><td>%.1f</td></tr>\n",
            what, o->day, o->nscars, o->mean_depth_mm, o->volume_mm3, o->improvement_pct,
            o->gb_qualitative, o->gb_quantitative, o->ecca, o->erythema_days);
}

static void outcomes(FILE *f, const scar_run_result *r)
{
    const scar_outcome *b = &r->baseline, *e = &r->final;
    fputs("<h2>Result in brief</h2>\n<div class=cards>\n", f);
    fprintf(f, "<div class=card>scar volume<b>%.1f%%</b>less than before</div>\n",
            e->improvement_pct);
    fprintf(f, "<div class=card>Goodman-Baron quantitative<b>%d &rarr; %d</b>of 84</div>\n",
            b->gb_quantitative, e->gb_quantitative);
    fprintf(f, "<div class=card>atrophic scars found<b>%zu &rarr; %zu</b>by the scan</div>\n",
            b->nscars, e->nscars);
    fprintf(f, "<div class=card>papillary collagen<b>%+.1f%%</b>", r->collagen_change_pct);
    if (isfinite(r->scar_collagen_change_pct))
        fprintf(f, "in the scars %+.1f%%, ", r->scar_collagen_change_pct);
    fprintf(f, "epidermis %+.1f%%</div>\n", r->epidermis_change_pct);
    fputs("</div>\n<p>Scars are measured by scarsim's own scan on the simulated skin surface, "
          "as on a 3-D image of a real skin: the improvement is the fall of the atrophic scars' "
          "volume below the surrounding skin, so a uniform rise of the whole patch counts for "
          "nothing. A change of 4 points or less on the Goodman-Baron quantitative scale is "
          "within the agreement of two raters (Goodman &amp; Baron 2006).</p>\n", f);
    fputs("<table><tr><th class=l>when</th><th>day</th><th>scars</th><th>mean depth mm</th>"
          "<th>volume mm&sup3;</th><th>improvement %</th><th>GB grade</th><th>GB score</th>"
          "<th>ECCA</th><th>erythema days</th></tr>\n", f);
    outcome_row(f, "before treatment", b);
    char what[64];
    for (size_t k = 0; k < r->nsessions; k++) {
        snprintf(what, sizeof what, "after session %zu", k + 1);
        outcome_row(f, what, &r->sessions[k]);
    }
    outcome_row(f, "end of follow-up", e);
    fputs("</table>\n", f);
}

static void scars(FILE *f, const scar_run_result *r)
{
    fputs("<h2>Each scar</h2>\n<table><tr><th>#</th><th class=l>type</th><th>x mm</th>"
          "<th>y mm</th><th>width mm</th><th>depth before</th><th>depth after</th>"
          "<th>volume before mm&sup3;</th><th>volume after</th><th>improvement %</th>"
          "<th>matrix gained under the floor &micro;m</th><th>around it &micro;m</th>"
          "<th>floor rise vs around &micro;m</th></tr>\n", f);
    for (size_t i = 0; i < r->nscars; i++) {
        const scar_followed *s = &r->scars[i];
        fprintf(f, "<tr><td>%zu</td><td class=l>%s</td><td>%.2f</td><td>%.2f</td><td>%.2f</td>"
                   "<td>%.3f</td><td>%s%.3f</td><td>%.4f</td><td>%.4f</td><td>%.1f</td>"
                   "<td>%.1f</td><td>%.1f</td><td>%.1f</td></tr>\n",
                i + 1, scar_type_name(s->before.type), s->before.x_mm, s->before.y_mm,
                s->before.width_mm, s->before.depth_mm, s->found_after ? "" : "* ",
                s->depth_after_mm, s->before.volume_mm3, s->volume_after_mm3, s->improvement_pct,
                s->gain_floor_um, s->gain_around_um, s->rise_um);
    }
    fputs("</table>\n", f);
    bool lost = false;
    for (size_t i = 0; i < r->nscars; i++)
        lost = lost || !r->scars[i].found_after;
    if (lost)
        fputs("<p>* The scan no longer finds this scar: its depth and volume after are measured "
              "on the simulated surface over the scar's own ground, against the skin within 1 mm "
              "around it, and scaled from the scan's numbers before by the same measure at the "
              "start.</p>\n", f);
    fputs("<p>The last three columns are the model's own account, without the scan: "
          "the matrix volume the tissue under the scar's floor gained, the same for the skin "
          "within 1 mm around it, and how much the floor rose relative to that skin. A floor "
          "rises only when it gains more than its surroundings; the dermis under a scar is "
          "thinner and holds fewer cells, so in this version it often gains less.</p>\n", f);
}

static const char trust[] =
    "<h2>How far to trust this</h2>\n<ul>\n"
    "<li>The healing model follows the project's model specification: damage, inflammation, "
    "macrophages, a lumped growth factor, fibroblasts, collagen I and III, elastin and the "
    "epidermis, turned into surface height through the matrix volume each column gains. Its "
    "numerics are verified (<code>scarsim verify</code>).</li>\n"
    "<li>Its calibration is provisional. Parameters were set so that epidermal re-closure "
    "within a day (Manstein 2004), erythema lasting 1-3 days and collagen I and III rising "
    "after six biweekly sessions (El-Domyati 2015, direction only) are reproduced, and the "
    "scar floors' parameters were fitted to published trial arms (docs/calibration.md). The "
    "collagen gain is far below the +53% papillary collagen reported by Lotfi 2013. Scar "
    "floors that needles reach are refilled over the following months, so boxcar scars "
    "respond more than icepick scars and more sessions help, with diminishing returns; "
    "rolling scars respond mostly through the release of their tethering. A face's "
    "qualitative Goodman-Baron grade follows how much of it the scars cover, weighted by their "
    "depth; a month after a course, when most trials assess, boxcar floors have risen by a "
    "tenth to a quarter of their depth, so that grade falls for fewer patients than the trials "
    "report. PRP injected into the scars adds about 3 points, a third of the "
    "7 of a split-face trial (Sharma, JPAD). Topical PRP "
    "adds nothing measurable, because the micro-channels close within hours; trials report a "
    "benefit. A chemical peel with each session makes the result up to 2 points worse here, "
    "because it thickens the skin around the scars as much as under them; trials report a "
    "benefit.</li>\n"
    "<li>Open-label studies report far larger effects than the one blinded randomised trial "
    "(Alam 2014, JAMA Dermatol: 3.4 points on the 0-84 scale at 6 months). A prediction that "
    "falls between the two is not a contradiction of either.</li>\n"
    "<li>Every parameter with its unit, range and source is in <code>params.csv</code> beside "
    "this report.</li>\n</ul>\n";

/* One piece of evidence: "value unit (population) - source". */
static void evidence(FILE *f, const scar_se_number *n)
{
    fputs("<li>", f);
    if (!n->row) {
        fprintf(f, "%s: %.1f %s &mdash; ", n->simulated_what, n->simulated, n->simulated_unit);
        scar_html_text(f, SCAR_SE_MODEL_SOURCE);
        fputs("</li>\n", f);
        return;
    }
    const scar_se_row *w = n->row;
    scar_html_text(f, w->item);
    fputs(": <b>", f);
    scar_html_text(f, w->value);
    if (w->unit[0] && strcmp(w->unit, "qualitative") != 0) {
        fputc(' ', f);
        scar_html_text(f, w->unit);
    }
    fputs("</b> (", f);
    scar_html_text(f, w->population);
    fputs(") &mdash; ", f);
    scar_html_text(f, w->cited);
    fputs("</li>\n", f);
}

/* The side effects of data/evidence/safety.csv for this protocol and skin
 * type, warnings first, then redness session by session beside the
 * engine's prediction. */
static scar_status side_effects(scar_ctx *ctx, FILE *f, const scar_run_result *r,
                                const scar_scenario *sc)
{
    static const char *const colour[] = {"#5b6475", "#b7791f", "#c53030"};
    scar_side_effects *se;
    scar_status st = scar_run_side_effects(ctx, r, sc, &se);
    if (st)
        return st;
    fprintf(f, "<h2>Side effects</h2>\n<p>What published studies report for a course like this "
               "one (%s, %.2f mm needles, Fitzpatrick %d skin, %s), and what the simulation "
               "predicts. Rates are per patient over a whole course in the groups shown; scarsim "
               "does not compute a personal rate. <b>Warning</b>: the protocol is outside "
               "published guidance or the evidence flags this setup; <b>caution</b>: talk it "
               "through with your clinician; <b>info</b>: for your information. Each item says "
               "why it is shown; conditions marked as assumptions are scarsim's own.</p>\n",
            scar_device_name(se->device), se->needle_mm, se->fitzpatrick, se->region);
    if (se->nitems == 0)
        fputs("<p>No treatment, so no procedure side effects.</p>\n", f);
    for (int l = SCAR_SE_WARNING; l >= SCAR_SE_INFO; l--)
        for (size_t i = 0; i < se->nitems; i++) {
            const scar_se_item *it = &se->items[i];
            if ((int)it->level != l || it->session)
                continue;
            fprintf(f, "<div style=\"border-left:4px solid %s;padding:.2em .9em;margin:.7em 0\">"
                       "<b style=\"color:%s\">%s</b> &middot; <b>", colour[l], colour[l],
                    scar_se_level_name(it->level));
            scar_html_text(f, scar_se_item_title(it->id));
            fputs("</b><br>", f);
            scar_html_text(f, it->text);
            fputs("<br><small>Why shown: ", f);
            scar_html_text(f, it->trigger);
            fputs(".</small><ul style=\"font-size:.85em;margin:.2em 0\">\n", f);
            for (size_t k = 0; k < it->nnumbers; k++)
                evidence(f, &it->numbers[k]);
            fputs("</ul></div>\n", f);
        }
    if (r->nsessions) {
        fputs("<table><tr><th>session</th><th>simulated visible redness, days</th>"
              "<th class=l>published</th><th class=l>source</th></tr>\n", f);
        for (size_t i = 0; i < se->nitems; i++) {
            const scar_se_item *it = &se->items[i];
            if (!it->session)
                continue;
            fprintf(f, "<tr><td>%d</td><td>%.1f</td><td class=l>", it->session,
                    r->sessions[it->session - 1].erythema_days);
            if (isfinite(it->lo))
                fprintf(f, "%g-%g %s", it->lo, it->hi, it->unit);
            else if (isfinite(it->hi))
                fprintf(f, "up to %g %s", it->hi, it->unit);
            else
                fputs("none published", f);
            char src[2048];
            scar_se_item_sources(it, src, sizeof src);
            fputs("</td><td class=l>", f);
            scar_html_text(f, src);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    fprintf(f, "<p>The simulated redness is the model's inflammatory signal in the epidermis and "
               "papillary dermis, counted as visible above the threshold I_vis of the parameter "
               "table. Oedema is reported apart from treatment gain (mean swelling at the end: "
               "%.1f um).</p>\n", r->final.oedema_um);
    free(se);
    return SCAR_OK;
}

static scar_status picture(scar_ctx *ctx, FILE *f, const char *dir, const char *name,
                           const scar_heightmap *hm, const scar_scan_result *scan,
                           const char *alt)
{
    char *p = scar_path_join(ctx, dir, name);
    if (!p)
        return SCAR_ENOMEM;
    scar_status st = scar_render_scan_png(ctx, hm, scan, p);
    if (!st)
        st = scar_html_png(ctx, f, p, alt);
    free(p);
    return st;
}

scar_status scar_run_report_html(scar_ctx *ctx, const scar_run_result *r,
                                 const struct scar_scenario *sc, const char *dir,
                                 const char *path)
{
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    scar_html_begin(f, "scarsim run: a simulated microneedling course");
    setup(f, sc);
    outcomes(f, r);
    fputs("<h2>The skin before and after</h2>\n<p>Each scar the scan finds is outlined and "
          "numbered; colours are heights.</p>\n", f);
    st = picture(ctx, f, dir, "skin_before.png", r->surface_before, r->scan_before,
                 "the simulated skin before treatment");
    if (!st)
        st = picture(ctx, f, dir, "skin_after.png", r->surface_after, r->scan_after,
                     "the simulated skin at the end of follow-up");
    if (!st) {
        scars(f, r);
        fputs("<h2>Over time</h2>\n", f);
        static const char *const plots[] = {"scars.png", "improvement.png", "timecourse.png"};
        for (size_t i = 0; i < 3 && !st; i++) {
            char *p = scar_path_join(ctx, dir, plots[i]);
            st = p ? scar_html_png(ctx, f, p, plots[i]) : SCAR_ENOMEM;
            free(p);
        }
        /* a cross-section through each type of scar, when it was drawn */
        for (int type = 0; type < SCAR_TYPE_COUNT && !st; type++) {
            char name[64];
            snprintf(name, sizeof name, "section_%s.png", scar_type_name((scar_type)type));
            char *p = scar_path_join(ctx, dir, name);
            if (!p) {
                st = SCAR_ENOMEM;
                break;
            }
            FILE *probe = fopen(p, "rb");
            if (probe) {
                fclose(probe);
                st = scar_html_png(ctx, f, p, name);
            }
            free(p);
        }
    }
    if (!st)
        st = side_effects(ctx, f, r, sc);
    if (!st) {
        fputs(trust, f);
        fputs("<h2>Files</h2>\n<p><code>summary.json</code> (results), "
              "<code>timeseries.csv</code> (daily tissue response), <code>params.csv</code> "
              "(every parameter), <code>surface_*.gsf</code> (the skin before and after each "
              "session; open in Gwyddion), <code>tissue.pvd</code> with <code>*.vti</code> "
              "(tissue snapshots for ParaView, when asked for), <code>*.svg</code> (plots).</p>\n",
              f);
        scar_html_end(f, ctx);
        return scar_afile_commit(ctx, &af);
    }
    scar_afile_abort(&af);
    return st;
}
