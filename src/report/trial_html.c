/*
 * trial_html.c — report.html of a trial replay: the replay in brief, every
 * arm's prediction beside its published number, the forest plots, each
 * simulated arm in full, the open-label arms beside the blinded trial, the
 * arms not simulated and how to read it all.  Self-contained: the plots are
 * embedded, it opens offline; an unknown number is a dash.
 */
#include "html.h"
#include "trial_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Alam 2014 (JAMA Dermatol 150(8):844-9), the one blinded randomised trial
 * of microneedling alone: the treated side fell by 3.4 points (95% CI
 * 0.2-6.5) on the 0-84 Goodman-Baron quantitative scale at 6 months. */
#define ALAM_POINTS (-3.4)
#define ALAM_STUDY "Alam2014"

static const char *roman(int k)
{
    static const char *const r[] = {"?", "I", "II", "III", "IV", "V", "VI"};
    return k >= 1 && k <= 6 ? r[k] : "?";
}

/* A number with `dec` decimals and a suffix, or a dash when unknown. */
static void hnum(FILE *f, double v, int dec, const char *suffix)
{
    if (isfinite(v))
        fprintf(f, "%.*f%s", dec, v, suffix);
    else
        fputs("&mdash;", f);
}

static void hci(FILE *f, double lo, double hi, int dec)
{
    if (isfinite(lo) && isfinite(hi))
        fprintf(f, "%.*f to %.*f", dec, lo, dec, hi);
    else
        fputs("&mdash;", f);
}

static void arm_title(FILE *f, const scar_trial_arm *a)
{
    scar_html_text(f, a->study_id ? a->study_id : "?");
    fputs(": ", f);
    scar_html_text(f, trial_txt(a->arm));
}

static void html_protocol(FILE *f, const proto_view *pv)
{
    if (pv->device && strcmp(pv->device, "none") == 0 && pv->sessions <= 0) {
        fputs("no needling: untreated skin followed", f);
        if (isfinite(pv->follow_up_weeks))
            fprintf(f, " for %.0f weeks", pv->follow_up_weeks);
        return;
    }
    scar_html_text(f, pv->device ? pv->device : "device not reported");
    if (isfinite(pv->needle_mm))
        fprintf(f, ", %.2f mm needles", pv->needle_mm);
    if (pv->sessions >= 0)
        fprintf(f, ", %d session%s", pv->sessions, pv->sessions == 1 ? "" : "s");
    else
        fputs(", sessions not reported", f);
    if (isfinite(pv->interval_weeks))
        fprintf(f, " %.0f weeks apart", pv->interval_weeks);
    if (isfinite(pv->follow_up_weeks))
        fprintf(f, ", assessed %.0f weeks after the last", pv->follow_up_weeks);
    int any = 0;
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        if (pv->adjunct[a])
            fprintf(f, "%s%s", any++ ? ", " : "; with ", scar_adjunct_name((scar_adjunct)a));
}

static void html_intro(FILE *f, const scar_trial_result *r, const tally *t)
{
    fputs("<p>Each published trial arm below was replayed with virtual patients: skin type, "
          "age, scars and the uncertain model parameters drawn for each, the arm's course "
          "simulated through the healing model, and the face graded before and after on the "
          "scale the study used. The prediction is shown beside the published number, on that "
          "scale.</p>\n<p>",
          f);
    fprintf(f, "Table <code>");
    scar_html_text(f, trial_txt(r->table->path));
    fprintf(f,
            "</code>: %zu arm%s; %d virtual patients per arm, %.0f &micro;m voxels, "
            "%.0f mm patches, seed %llu, parameters %s; %.0f s on %d rank%s.</p>\n",
            t->n, t->n == 1 ? "" : "s", r->opts.patients, r->opts.dx_um, r->opts.patch_mm,
            (unsigned long long)r->opts.seed,
            r->opts.vary_params ? "varied between patients" : "fixed at their defaults", r->seconds,
            r->ranks, r->ranks == 1 ? "" : "s");
    fputs("<h2>In brief</h2>\n<div class=cards>\n", f);
    fprintf(f, "<div class=card>arms simulated<b>%d of %zu</b>the rest are listed below</div>\n",
            t->simulated, t->n);
    fprintf(f, "<div class=card>within 15 points<b>%d of %d</b>arms with a published mean</div>\n",
            t->within, t->with_pub);
    for (int k = 0; k < 2; k++) {
        const group *g = &t->g[k];
        fprintf(f, "<div class=card>mean gap, %s<b>", k ? "blinded arms" : "open-label arms");
        hnum(f, trial_group_mean(g, g->sum_gap), 1, " points");
        fprintf(f, "</b>predicted &minus; published, %d arm%s</div>\n", g->with_pub,
                g->with_pub == 1 ? "" : "s");
    }
    fputs("</div>\n<p>", f);
    fprintf(f, "scarsim simulated %d of the %zu arms. ", t->simulated, t->n);
    if (t->with_pub > 0)
        fprintf(f,
                "Of the %d simulated arms that publish a mean improvement, %d %s within 15 "
                "points of it on the arm's own scale and %d %s not. ",
                t->with_pub, t->within, t->within == 1 ? "is" : "are", t->with_pub - t->within,
                t->with_pub - t->within == 1 ? "is" : "are");
    else
        fputs("None of the simulated arms publishes a mean improvement, so none can be held to "
              "the bar. ",
              f);
    if (t->with_pub_resp > 0)
        fprintf(f,
                "Of the %d simulated arms that publish a responder share, %d %s within 15 "
                "points of it. ",
                t->with_pub_resp, t->within_resp, t->within_resp == 1 ? "is" : "are");
    fputs("The bar scarsim is held to is a predicted mean improvement within 15 points of the "
          "published one, each on its own scale; it says how far the model is from the studies, "
          "and the studies themselves disagree (see <a href=\"#blinding\">open-label versus "
          "blinded</a>).</p>\n",
          f);
}

static void html_overview(FILE *f, const scar_trial_result *r)
{
    fputs("<table><tr><th>#</th><th class=l>study</th><th class=l>arm</th><th class=l>design"
          "</th><th class=l>scale</th><th>n</th><th>published %</th><th>predicted %</th>"
          "<th>95% interval</th><th>gap, points</th><th>responders published / predicted %"
          "</th></tr>\n",
          f);
    for (size_t k = 0; k < r->table->n; k++) {
        arm_view v;
        trial_view_make(r, k, &v);
        fprintf(f, "<tr><td>%zu</td><td class=l>", k + 1);
        if (v.pred)
            fprintf(f, "<a href=\"#arm-%zu\">", k + 1);
        scar_html_text(f, v.a->study_id ? v.a->study_id : "?");
        fputs(v.pred ? "</a></td><td class=l>" : "</td><td class=l>", f);
        scar_html_text(f, trial_txt(v.a->arm));
        fprintf(f, "</td><td class=l>%s, %s</td><td class=l>%s</td><td>",
                scar_trial_design_name(v.a->design), v.p->blinded ? "blinded" : "open-label",
                trial_scale_short(v.p->scale));
        if (v.a->n_patients >= 0)
            fprintf(f, "%d", v.a->n_patients);
        else
            fputs("&mdash;", f);
        fputs("</td><td>", f);
        hnum(f, v.pub, 1, "");
        if (!v.pred) {
            fputs("</td><td class=l colspan=3>not simulated</td><td>", f);
        } else {
            fputs("</td><td>", f);
            hnum(f, v.imp, 1, "");
            fputs("</td><td>", f);
            hci(f, v.lo, v.hi, 1);
            fputs("</td><td>", f);
            if (isfinite(v.gap))
                fprintf(f, "%s%+.1f%s", fabs(v.gap) <= BAR_POINTS ? "" : "<b>", v.gap,
                        fabs(v.gap) <= BAR_POINTS ? "" : "</b>");
            else
                fputs("&mdash;", f);
            fputs("</td><td>", f);
        }
        hnum(f, v.pub_resp, 0, "");
        fputs(" / ", f);
        hnum(f, v.resp, 0, "");
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n<p><small>Gaps beyond 15 points are in bold. The gap is in points of the "
          "arm's own percentage, not of a common scale.</small></p>\n",
          f);
}

static scar_status html_forests(scar_ctx *ctx, FILE *f, const scar_trial_result *r, const char *dir)
{
    static const char *const stems[2] = {"forest_improvement", "forest_responders"};
    static const char *const heads[2] = {
        "<h2>Improvement: predicted and published</h2>\n<p>One row per simulated arm: the "
        "filled dot is the virtual trial's mean improvement with its 95% interval, the open "
        "diamond the published mean (absent where the study published none). Each row is on "
        "its own arm's scale, named in brackets: rows on different scales are not comparable "
        "with each other.</p>\n",
        "<h2>Responders: predicted and published</h2>\n<p>One row per arm that publishes a "
        "responder share, counted by the arm's own definition where scarsim can follow it "
        "(see each arm).</p>\n"};
    bool (*const is_row[2])(const arm_view *) = {trial_improvement_row, trial_responder_row};
    scar_status st = SCAR_OK;
    for (int w = 0; w < 2 && !st; w++) {
        fputs(heads[w], f);
        size_t pages = trial_forest_pages(trial_count_rows(r, is_row[w]));
        for (size_t pg = 0; pg < pages && !st; pg++) {
            char name[64];
            trial_forest_name(stems[w], pg, "png", name, sizeof name);
            char *p = scar_path_join(ctx, dir, name);
            st = p ? scar_html_png(ctx, f, p, name) : SCAR_ENOMEM;
            free(p);
        }
    }
    return st;
}

static void html_arm(FILE *f, const scar_trial_result *r, size_t k)
{
    arm_view v;
    trial_view_make(r, k, &v);
    const scar_trial_arm *a = v.a;
    const scar_arm_plan *p = v.p;
    fprintf(f, "<h3 id=\"arm-%zu\">%zu. ", k + 1, k + 1);
    arm_title(f, a);
    fputs("</h3>\n<table>\n<tr><th class=l>study</th><td class=l colspan=2>", f);
    scar_html_text(f, trial_txt(a->first_author));
    if (a->year > 0)
        fprintf(f, " %d", a->year);
    if (a->journal) {
        fputs(", ", f);
        scar_html_text(f, a->journal);
    }
    if (a->doi_or_url) {
        fputs("; ", f);
        scar_html_text(f, a->doi_or_url);
    }
    fprintf(f, " <small>(line %ld of the table", a->line);
    if (a->source_quality) {
        fputs("; read from: ", f);
        scar_html_text(f, a->source_quality);
    }
    fputs(")</small></td></tr>\n<tr><th class=l>design</th><td class=l colspan=2>", f);
    fprintf(f, "%s, <b>%s</b>", scar_trial_design_name(a->design),
            p->blinded ? "blinded (randomised or blinded raters)" : "open-label");
    fputs("</td></tr>\n<tr><th class=l>scale</th><td class=l colspan=2>", f);
    scar_html_text(f, scar_scale_name(p->scale));
    if (a->scale) {
        fputs("<br><small>as published: ", f);
        scar_html_text(f, a->scale);
        fputs("</small>", f);
    }
    fputs("</td></tr>\n<tr><th class=l>patients</th><td class=l colspan=2>", f);
    if (a->n_patients >= 0)
        fprintf(f, "%d in the study", a->n_patients);
    else
        fputs("number in the study not reported", f);
    fprintf(f, "; %d virtual, Fitzpatrick %s-%s, scars: ", v.s->n, roman(p->fitz_lo),
            roman(p->fitz_hi));
    int any = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        if (p->types[t])
            fprintf(f, "%s%s", any++ ? ", " : "", scar_type_name((scar_type)t));
    fputs("</td></tr>\n<tr><th class=l>protocol simulated</th><td class=l colspan=2>", f);
    html_protocol(f, &v.proto);
    fputs("</td></tr>\n<tr><th></th><th>published</th><th>predicted</th></tr>\n", f);

    fputs("<tr><th class=l>improvement (%) on the arm's scale</th><td>", f);
    hnum(f, v.pub, 1, "%");
    if (v.pub_computed)
        fprintf(f, "<br><small>from the means %.4g &rarr; %.4g</small>", a->baseline_score_mean,
                a->final_score_mean);
    fputs("</td><td>", f);
    hnum(f, v.imp, 1, "%");
    fputs("<br><small>95% interval ", f);
    hci(f, v.lo, v.hi, 1);
    fputs("; SD between patients ", f);
    hnum(f, v.sd, 1, "");
    fputs("</small>", f);
    if (isfinite(v.gap))
        fprintf(f, "<br><small>gap %+.1f points: %s</small>", v.gap,
                fabs(v.gap) <= BAR_POINTS ? "within the 15-point bar"
                                          : "<b>outside the 15-point "
                                            "bar</b>");
    fprintf(f,
            "</td></tr>\n<tr><th class=l>mean on the scale, before &rarr; after<br><small>%s"
            "</small></th><td>",
            trial_scale_unit(p->scale));
    if (isfinite(a->baseline_score_mean) || isfinite(a->final_score_mean)) {
        hnum(f, a->baseline_score_mean, 2, "");
        fputs(" &rarr; ", f);
        hnum(f, a->final_score_mean, 2, "");
    } else
        fputs("&mdash;", f);
    fputs("</td><td>", f);
    hnum(f, v.before, 2, "");
    fputs(" &rarr; ", f);
    hnum(f, v.after, 2, "");
    fputs("</td></tr>\n<tr><th class=l>responders</th><td>", f);
    hnum(f, v.pub_resp, 0, "%");
    if (a->responder_def) {
        fputs("<br><small>", f);
        scar_html_text(f, a->responder_def);
        fputs("</small>", f);
    }
    fputs("</td><td>", f);
    hnum(f, v.resp, 0, "%");
    fputs("<br><small>95% interval ", f);
    hci(f, v.resp_lo, v.resp_hi, 0);
    fputs("; counted: ", f);
    scar_html_text(f, trial_txt(v.s->responder_rule));
    fputs("</small></td></tr>\n<tr><th class=l>quartile bands, % of patients<br><small>excellent"
          " / good / fair / poor</small></th><td>",
          f);
    for (int b = 0; b < 4; b++) {
        hnum(f, v.pub_bands[b], 0, "");
        fputs(b < 3 ? " / " : "", f);
    }
    fputs("</td><td>", f);
    for (int b = 0; b < 4; b++) {
        hnum(f, v.bands[b], 0, "");
        fputs(b < 3 ? " / " : "", f);
    }
    fputs("</td></tr>\n<tr><th class=l>under the skin (simulated)</th><td class=l colspan=2>"
          "scar depth fell by ",
          f);
    any = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        if (p->types[t] && isfinite(v.s->depth_resp_pct[t]))
            fprintf(f, "%s%.0f%% (%s)", any++ ? ", " : "", v.s->depth_resp_pct[t],
                    scar_type_name((scar_type)t));
    if (!any)
        fputs("&mdash;", f);
    fputs("; the face's scar volume by ", f);
    hnum(f, v.vol, 0, "%");
    fputs("; visible redness ", f);
    hnum(f, v.ery, 1, " days");
    fputs(" after the last session</td></tr>\n<tr><th class=l>assumptions</th>"
          "<td class=l colspan=2>",
          f);
    if (p->nassumed == 0)
        fputs("none: the study reported everything the simulation needs", f);
    else {
        fputs("<ul style=\"font-size:.85em;margin:.2em 0;padding-left:1.2em\">\n", f);
        for (int i = 0; i < p->nassumed; i++) {
            fputs("<li>", f);
            scar_html_text(f, trial_txt(p->assumed[i]));
            fputs("</li>\n", f);
        }
        fputs("</ul>", f);
    }
    fputs("</td></tr>\n</table>\n", f);
}

static void html_blinding(FILE *f, const scar_trial_result *r, const tally *t)
{
    fputs("<h2 id=\"blinding\">Open-label studies versus the blinded trial</h2>\n<p>Open-label "
          "studies, whose raters knew who had been treated, report far larger effects than "
          "blinded ones. The one blinded randomised trial of microneedling alone, Alam 2014 "
          "(JAMA Dermatol 2014;150(8):844-9), found the treated side 3.4 points better on the "
          "0-84 Goodman-Baron quantitative scale at 6 months (95% CI 0.2 to 6.5), a change of "
          "&minus;3.4 points, while the untreated side did not change significantly. ",
          f);
    const group *go_ = &t->g[0];
    if (go_->with_pub > 0)
        fprintf(f,
                "The open-label arms of this table that publish a mean improvement report "
                "%.0f%% on average (%d arm%s, each on its own scale). ",
                trial_group_mean(go_, go_->sum_pub), go_->with_pub, go_->with_pub == 1 ? "" : "s");
    fputs("scarsim is not fitted to hide that spread: the gaps below show how far its "
          "predictions sit from each kind of evidence. Here <i>blinded</i> means every "
          "randomised trial and every arm whose scale names blinded raters; several randomised "
          "trials in the table do not say whether their raters were blinded.</p>\n",
          f);
    fputs("<table><tr><th class=l>arms</th><th>simulated</th><th>with a published mean</th>"
          "<th>mean published %</th><th>mean predicted %</th><th>mean gap, points<br>"
          "<small>predicted &minus; published</small></th><th>within 15 points</th></tr>\n",
          f);
    static const char *const names[2] = {"open-label (not blinded)",
                                         "blinded (RCT or blinded raters)"};
    for (int k = 0; k < 2; k++) {
        const group *g = &t->g[k];
        fprintf(f, "<tr><td class=l>%s</td><td>%d</td><td>%d</td><td>", names[k], g->arms,
                g->with_pub);
        hnum(f, trial_group_mean(g, g->sum_pub), 1, "");
        fputs("</td><td>", f);
        hnum(f, trial_group_mean(g, g->sum_pred), 1, "");
        fputs("</td><td>", f);
        double mg = trial_group_mean(g, g->sum_gap);
        if (isfinite(mg))
            fprintf(f, "%+.1f", mg);
        else
            fputs("&mdash;", f);
        fprintf(f, "</td><td>%d of %d</td></tr>\n", g->within, g->with_pub);
    }
    fputs("</table>\n<p>", f);
    double go = trial_group_mean(&t->g[0], t->g[0].sum_gap),
           gb = trial_group_mean(&t->g[1], t->g[1].sum_gap);
    if (isfinite(go) && isfinite(gb)) {
        if (go < gb)
            fprintf(f,
                    "On average the predictions sit %.1f points further below the open-label "
                    "reports than below the blinded ones: the pattern expected when "
                    "open-label rating adds optimism that the model does not have. ",
                    gb - go);
        else
            fprintf(f,
                    "Here the mean gap of the open-label arms (%+.1f points) is not below "
                    "that of the blinded arms (%+.1f): the pattern expected from open-label "
                    "optimism does not show in these arms. ",
                    go, gb);
        /* fewer than 5 arms a side: a difference of means says little */
        if (t->g[0].with_pub < 5 || t->g[1].with_pub < 5)
            fprintf(f, "With %d and %d arms this is an observation, not a test. ", t->g[0].with_pub,
                    t->g[1].with_pub);
    } else
        fputs("One of the two groups has no simulated arm with a published mean improvement, so "
              "their gaps cannot be compared here. ",
              f);
    /* The blinded trial's own arm, when it is in the table and was simulated:
     * its change in points, the number the trial published. */
    for (size_t k = 0; k < r->table->n; k++) {
        arm_view v;
        trial_view_make(r, k, &v);
        if (!v.pred || v.p->untreated || v.p->scale != SCAR_SCALE_GB_QUANTITATIVE ||
            !v.a->study_id || strncmp(v.a->study_id, ALAM_STUDY, strlen(ALAM_STUDY)) != 0)
            continue;
        fprintf(f,
                "For the needled arm of Alam 2014 the virtual trial predicts a change of "
                "%+.1f points on the 0-84 scale (%.1f &rarr; %.1f), against the published "
                "%+.1f. ",
                v.change, v.before, v.after, ALAM_POINTS);
        break;
    }
    fputs("The groups mix scales (each gap is in points of its arm's own percentage), so the "
          "mean gaps say which way the two kinds of evidence lean, not by how much on any one "
          "scale.</p>\n",
          f);
}

/* Arms of one study that differ only in their adjuncts: does the model move
 * the way the study did? */
static void html_contrasts(FILE *f, const scar_trial_result *r)
{
    scar_trial_contrast c[64];
    size_t n = scar_trial_contrasts(r, c, 64);
    fputs("<h2>Combination effects</h2>\n", f);
    if (n == 0) {
        fputs("<p>No study here has two simulated arms that differ only in their adjuncts.</p>\n",
              f);
        return;
    }
    fputs("<p>Pairs of arms of one study whose protocols differ only in the adjuncts (PRP, "
          "serums, peels): the published difference between them and the predicted one, on the "
          "first number both arms report; and the difference in the simulated fall of scar "
          "depth, averaged over the scar types enrolled (the model's own measure, which shows "
          "an effect even where the arm's grade does not move).</p>\n<table><tr>"
          "<th class=l>study</th><th class=l>with</th><th class=l>against</th>"
          "<th class=l>measure</th><th>published difference</th><th>predicted difference</th>"
          "<th>same direction</th><th>predicted difference in depth (points)</th>"
          "<th>same direction</th></tr>\n",
          f);
    for (size_t k = 0; k < n && k < 64; k++) {
        fputs("<tr><td class=l>", f);
        scar_html_text(f, r->table->arms[c[k].with].study_id);
        fputs("</td><td class=l>", f);
        scar_html_text(f, r->table->arms[c[k].with].arm);
        fputs("</td><td class=l>", f);
        scar_html_text(f, r->table->arms[c[k].without].arm);
        fprintf(f, "</td><td class=l>%s</td><td>", c[k].measure);
        hnum(f, c[k].published_diff, 1, "");
        fputs("</td><td>", f);
        hnum(f, c[k].predicted_diff, 1, "");
        fprintf(f, "</td><td>%s</td><td>",
                c[k].agree < 0 ? "unknown (not reported)" : c[k].agree ? "yes" : "<b>no</b>");
        hnum(f, c[k].depth_diff, 1, "");
        fprintf(f, "</td><td>%s</td></tr>\n",
                c[k].agree_depth < 0 ? "unknown" : c[k].agree_depth ? "yes" : "<b>no</b>");
    }
    fputs("</table>\n", f);
}

static void html_not_simulated(FILE *f, const scar_trial_result *r, const tally *t)
{
    fputs("<h2>Arms not simulated</h2>\n", f);
    if ((size_t)t->simulated == t->n) {
        fputs("<p>Every arm of the table was simulated.</p>\n", f);
        return;
    }
    fputs("<ul>\n", f);
    for (size_t k = 0; k < r->table->n; k++) {
        arm_view v;
        trial_view_make(r, k, &v);
        if (v.pred)
            continue;
        fputs("<li><b>", f);
        arm_title(f, v.a);
        fputs("</b> &mdash; ", f);
        scar_html_text(f, v.why_not);
        if (isfinite(v.pub)) {
            fprintf(f, ". Published improvement %.1f%%", v.pub);
            if (v.a->scale) {
                fputs(" (scale: ", f);
                scar_html_text(f, v.a->scale);
                fputc(')', f);
            }
        }
        fputs(".</li>\n", f);
    }
    fputs("</ul>\n", f);
}

static void html_how_to_read(FILE *f, const scar_trial_result *r)
{
    fputs("<h2>How to read this</h2>\n<ul>\n"
          "<li><b>Scales are not interchangeable.</b> Each arm is compared on the scale its study "
          "used: the Goodman-Baron quantitative score (0-84), the Goodman-Baron qualitative grade "
          "(1-4), ECCA (0-540) or a rater's percentage. A 30% fall on one is not a 30% fall on "
          "another, and the rows of the plots are not comparable with each other.</li>\n"
          "<li><b>A % improvement of an ordinal grade mean is not a % of scar volume.</b> A "
          "group whose mean grade falls from 3 to 2 has improved by 33% on the grade, whatever "
          "the scars' volume did; the simulated fall of the face's scar volume is given "
          "separately for each arm. Arms whose scale is a rater's percentage (photo evaluations, "
          "unnamed severity scores) are compared with that simulated volume fall, which is the "
          "nearest thing scarsim measures.</li>\n"
          "<li><b>Why arms graded on the qualitative scale are predicted low.</b> Rolling scars "
          "improve through the release of their tethering. The floors of boxcar scars refill "
          "over the months after a course and icepicks barely rise; most arms are assessed a "
          "month after the last session, when a boxcar floor has risen by a tenth to a quarter "
          "of its depth (docs/calibration.md). A face's Goodman-Baron qualitative grade follows "
          "how much of it the scars cover, weighted by their depth (docs/grading.md): it falls "
          "when enough scars fade, but the punched-out scars that remain keep most faces at "
          "grade 3 or 4. This is a disagreement between the model and the studies, shown here "
          "rather than fitted away.</li>\n"
          "<li><b>The 95% interval</b> is the one a trial mean of the arm's published size would "
          "have, from the virtual cohort's patient-to-patient spread: &plusmn;1.96 &middot; SD "
          "&middot; &radic;(1/n<sub>arm</sub> + 1/N), with N the virtual patients. It is not the "
          "model's uncertainty about its own equations; a study outside it disagrees with the "
          "model as it stands, not necessarily with reality. The responder interval is built the "
          "same way from the responder share.</li>\n"
          "<li><b>Defaults.</b> What a study did not report (needle length, sessions, skin "
          "types, severity) was filled with a stated default, listed with each arm under "
          "assumptions. An arm with many assumptions tests the defaults as much as the "
          "model.</li>\n",
          f);
    if (r->opts.vary_params) {
        double sp = NAN;
        scar_params_get(r->params, "s_pat", &sp);
        fprintf(f,
                "<li><b>The parameters varied between patients</b>, each drawn log-normal "
                "around its default (the default is the median; the sd of the logarithm is "
                "<code>s_pat</code> = %.3g, a scarsim estimate), kept within its range:<ul>\n",
                sp);
        for (size_t i = 0; i < scar_cohort_varied_count(); i++) {
            const scar_varied_param *q = scar_cohort_varied_at(i);
            scar_param_info info;
            int row = scar_params_find(q->name);
            fputs("<li><code>", f);
            scar_html_text(f, q->name);
            fputs("</code>: ", f);
            scar_html_text(f, q->why);
            if (row >= 0 && scar_params_info(r->params, (size_t)row, &info) && isfinite(info.lo) &&
                isfinite(info.hi)) {
                fprintf(f, " (%.4g to %.4g, default %.4g", info.lo, info.hi, info.value);
                if (info.unit && strcmp(info.unit, "-") != 0) {
                    fputc(' ', f);
                    scar_html_text(f, info.unit);
                }
                fputc(')', f);
            }
            fputs("</li>\n", f);
        }
        fputs("</ul></li>\n", f);
    } else
        fputs("<li><b>Parameters were fixed</b> at their defaults for every patient "
              "(<code>--fixed-params</code>): the intervals show only the spread of skin types, "
              "ages and scars.</li>\n",
              f);
    fputs("<li>Every parameter with its unit, range and source is in <code>params.csv</code> "
          "beside this report.</li>\n</ul>\n",
          f);
}

scar_status trial_write_html(scar_ctx *ctx, const scar_trial_result *r, const char *dir)
{
    char *path = scar_path_join(ctx, dir, "report.html");
    if (!path)
        return SCAR_ENOMEM;
    scar_afile *af = NULL;
    scar_status st = scar_afile_open(ctx, path, &af);
    free(path);
    if (st)
        return st;
    FILE *f = scar_afile_stream(af);
    tally t;
    trial_tally_make(r, &t);
    scar_html_begin(f, "Virtual trial replay");
    html_intro(f, r, &t);
    html_overview(f, r);
    st = html_forests(ctx, f, r, dir);
    if (!st) {
        fputs("<h2>Each simulated arm</h2>\n", f);
        for (size_t k = 0; k < r->table->n; k++)
            if (r->plans[k].simulate && r->sums[k].n > 0)
                html_arm(f, r, k);
        if (t.simulated == 0)
            fputs("<p>No arm was simulated.</p>\n", f);
        html_blinding(f, r, &t);
        html_contrasts(f, r);
        html_not_simulated(f, r, &t);
        html_how_to_read(f, r);
        fputs("<h2>Files</h2>\n<p><code>trial.json</code> (everything on this page), "
              "<code>arms.csv</code> (one row per arm), <code>patients.csv</code> (one row per "
              "virtual patient), <code>params.csv</code> (every model parameter), "
              "<code>forest_*.svg</code> and <code>.png</code> (the plots).</p>\n",
              f);
        scar_html_end(f, ctx);
        return scar_afile_commit(ctx, &af);
    }
    scar_afile_abort(&af);
    return st;
}
