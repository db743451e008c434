/*
 * plan_clinician.c — the clinician's page of a plan's report.html: the
 * patient's data, the screening, the limits, how the search ran, every
 * candidate with every number, the varied parameters and the model's
 * caveats (plan_html.c writes the patient's pages).
 */
#include "plan_internal.h"

#include "html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* 10. the clinician's page                                                 */
/* ------------------------------------------------------------------------ */

static void history_flags(FILE *f, const scar_patient_history *h)
{
    const struct {
        const char *name;
        bool on;
    } fl[] = {{"active_acne", h->active_acne},
              {"keloid_history", h->keloid_history},
              {"bleeding_disorder", h->bleeding_disorder},
              {"anticoagulants", h->anticoagulants},
              {"active_eczema_or_rosacea", h->active_eczema_or_rosacea},
              {"skin_infection", h->skin_infection},
              {"herpes_history", h->herpes_history},
              {"pregnant", h->pregnant},
              {"pih_history", h->pih_history},
              {"breastfeeding", h->breastfeeding},
              {"immunosuppressed", h->immunosuppressed},
              {"uncontrolled_diabetes", h->uncontrolled_diabetes},
              {"photosensitivity", h->photosensitivity}};
    int k = 0;
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
        if (fl[i].on)
            fprintf(f, "%s%s", k++ ? ", " : "", fl[i].name);
    if (isfinite(h->isotretinoin_months_ago)) {
        if (h->isotretinoin_months_ago <= 0)
            fprintf(f, "%sisotretinoin: still taking", k++ ? ", " : "");
        else
            fprintf(f, "%sisotretinoin: stopped %g month%s ago", k++ ? ", " : "",
                    h->isotretinoin_months_ago, h->isotretinoin_months_ago == 1 ? "" : "s");
    }
    if (!k)
        fputs("none", f);
}

static void adjunct_list(FILE *f, const bool *ok)
{
    int k = 0;
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        if (ok[a])
            fprintf(f, "%s%s", k++ ? ", " : "", scar_adjunct_name((scar_adjunct)a));
    if (!k)
        fputs("none", f);
}

static void skin_cell(FILE *f, const scar_plan_doc *d)
{
    const scar_patient *pt = d->patient;
    static const char *const from[] = {"scar counts", "measured surface", "synthetic skin"};
    fputs(from[pt->skin], f);
    if (pt->surface_path) {
        fputs(" <code>", f);
        ph_txt(f, pt->surface_path);
        fputs("</code>", f);
    }
    int n[SCAR_TYPE_COUNT];
    ph_scar_counts(d, n);
    fputs("; scars:", f);
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        fprintf(f, " %s %d%s", scar_type_name((scar_type)t), n[t],
                t + 1 < SCAR_TYPE_COUNT ? "," : "");
}

static void clin_patient(FILE *f, const scar_plan_doc *d)
{
    const scar_patient *pt = d->patient;
    const scar_patient_prefs *p = &pt->prefs;
    fputs("<h3>Patient</h3>\n<table>\n<tr><th class=l>name</th><td class=l>", f);
    ph_txt(f, pt->name ? pt->name : "not given");
    fputs("</td></tr>\n<tr><th class=l>file</th><td class=l><code>", f);
    ph_txt(f, pt->path);
    fprintf(f,
            "</code></td></tr>\n<tr><th class=l>age, skin type, region</th><td class=l>%g "
            "years, Fitzpatrick %d, %s</td></tr>\n<tr><th class=l>skin</th><td class=l>",
            pt->age_y, pt->fitzpatrick, ph_region(pt));
    skin_cell(f, d);
    fputs("</td></tr>\n<tr><th class=l>history (true flags)</th><td class=l>", f);
    history_flags(f, &pt->history);
    fputs("</td></tr>\n<tr><th class=l>tried before</th><td class=l>", f);
    for (size_t k = 0; k < pt->history.ntried; k++) {
        fputs(k ? "; " : "", f);
        ph_txt(f, pt->history.tried[k]);
    }
    if (!pt->history.ntried)
        fputs("none given", f);
    fprintf(f,
            "</td></tr>\n<tr><th class=l>preferences</th><td class=l>setting %s; at most %d "
            "sessions; start ",
            scar_setting_name(p->setting), p->max_sessions);
    if (p->has_start)
        ph_date(f, p->start_date, false);
    else
        fputs("not given", f);
    fputs("; adjuncts accepted: ", f);
    adjunct_list(f, p->adjunct_ok);
    fputs("; most downtime per session: ", f);
    ph_num(f, p->max_downtime_days, 1, " days");
    fputs("</td></tr>\n</table>\n", f);
}

static void clin_screen(FILE *f, const scar_screen *s)
{
    fprintf(f, "<h3>Screening</h3>\n<p>Candidate: <b>%s</b>.</p>\n", s->candidate ? "yes" : "no");
    if (!s->nreasons) {
        fputs("<p>No reasons raised.</p>\n", f);
        return;
    }
    fputs("<table><tr><th class=l>id</th><th class=l>level</th><th class=l>condition</th>"
          "<th class=l>not before</th><th class=l>sources (safety.csv)</th></tr>\n",
          f);
    for (size_t k = 0; k < s->nreasons; k++) {
        const scar_screen_reason *r = &s->reasons[k];
        fputs("<tr><td class=l>", f);
        ph_txt(f, r->id);
        fprintf(f, "</td><td class=l>%s</td><td class=l>", scar_screen_level_name(r->level));
        ph_txt(f, r->condition);
        fputs("</td><td class=l>", f);
        if (r->has_date)
            ph_date(f, r->not_before, false);
        else
            fputs("&mdash;", f);
        fputs("</td><td class=l><small>", f);
        for (int i = 0; i < r->nrefs; i++) {
            const scar_se_row *w = scar_se_evidence(r->refs[i]);
            fputs(i ? "<br>" : "", f);
            ph_txt(f, w->item);
            fputs(" &mdash; ", f);
            ph_txt(f, w->cited);
        }
        fputs("</small></td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void clin_limits(FILE *f, const scar_screen_limits *l)
{
    fputs("<h3>Limits for the search</h3>\n<table>\n<tr><th class=l>devices</th><td class=l>", f);
    int k = 0;
    for (int i = 0; i < SCAR_DEV_COUNT; i++)
        if (l->device_ok[i])
            fprintf(f, "%s%s", k++ ? ", " : "", scar_device_name((scar_device_kind)i));
    if (!k)
        fputs("none", f);
    fputs("</td></tr>\n<tr><th class=l>longest needle</th><td class=l>", f);
    ph_num(f, l->max_needle_mm, 2, " mm");
    fputs(" &mdash; ", f);
    ph_txt(f, l->needle_why ? l->needle_why : "no reason recorded");
    fputs("</td></tr>\n<tr><th class=l>shortest interval</th><td class=l>", f);
    ph_num(f, l->min_interval_weeks, 1, " weeks");
    fputs(" &mdash; ", f);
    ph_txt(f, l->interval_why ? l->interval_why : "no reason recorded");
    fputs("</td></tr>\n<tr><th class=l>adjuncts allowed</th><td class=l>", f);
    adjunct_list(f, l->adjunct_ok);
    fprintf(f,
            "</td></tr>\n<tr><th class=l>antiviral cover</th><td class=l>%s</td></tr>\n"
            "</table>\n",
            l->antiviral_cover ? "yes (herpes history)" : "no");
}

static void clin_search(FILE *f, const scar_plan_result *r)
{
    const scar_plan_opts *o = &r->opts;
    fprintf(f,
            "<h3>Search</h3>\n<table>\n<tr><th class=l>method</th><td class=l>coordinate "
            "search over device, needle length, sessions, interval and adjuncts from 1.5 mm "
            "&times; 3 sessions 4 weeks apart (Harris 2015); every candidate on the same "
            "virtual patients (common random numbers); ranked by expected improvement; "
            "recommended: lowest risk, then least downtime, then fewest sessions among those "
            "within one SE of the best</td></tr>\n"
            "<tr><th class=l>virtual patients</th><td class=l>%d per candidate</td></tr>\n"
            "<tr><th class=l>grid</th><td class=l>%g &micro;m voxels, %g mm patches</td></tr>\n"
            "<tr><th class=l>judged</th><td class=l>%g weeks after the last session</td></tr>\n"
            "<tr><th class=l>seed</th><td class=l>%llu</td></tr>\n"
            "<tr><th class=l>sweeps, candidates</th><td class=l>%d of at most %d sweeps; %zu "
            "candidates evaluated; %d scars on the face (mean)</td></tr>\n"
            "<tr><th class=l>time</th><td class=l>%.1f s (%.1f s of simulation)</td></tr>\n"
            "</table>\n",
            o->patients, o->dx_um, o->patch_mm, o->follow_up_weeks, (unsigned long long)o->seed,
            r->sweeps, o->max_sweeps, r->n, r->face_scars, r->seconds, r->patient_seconds);
}

static void clin_cand_row(FILE *f, const scar_plan_result *r, size_t k)
{
    const scar_plan_candidate *c = &r->cand[k];
    fprintf(f, "<tr%s><td>%zu</td><td class=l>",
            k == r->recommended ? " style=\"background:"
                                  "#e3f2e6\""
                                : "",
            k + 1);
    ph_protocol_code(f, &c->protocol);
    fputs("</td><td>", f);
    ph_num(f, c->improvement_pct, 1, "");
    fputs("</td><td>", f);
    ph_num(f, c->ci95[0], 1, "");
    fputs("&ndash;", f);
    ph_num(f, c->ci95[1], 1, "");
    fputs("</td><td>", f);
    ph_num(f, c->sd_pct, 1, "");
    fputs("</td><td>", f);
    ph_num(f, c->se_diff_best, 2, "");
    fputs("</td><td>", f);
    ph_num(f, c->gbq_before, 1, "");
    fputs(" &rarr; ", f);
    ph_num(f, c->gbq_after, 1, "");
    fputs("</td><td>", f);
    ph_num(f, c->grade_before, 2, "");
    fputs(" &rarr; ", f);
    ph_num(f, c->grade_after, 2, "");
    fputs("</td><td>", f);
    ph_num(f, c->responder_pct, 0, "");
    fputs("</td><td>", f);
    for (int t = 0, i = 0; t < SCAR_TYPE_COUNT; t++)
        if (r->types[t]) {
            fprintf(f, "%s%c ", i++ ? "<br>" : "", scar_type_name((scar_type)t)[0]);
            ph_num(f, c->depth_resp_pct[t], 0, "");
        }
    fputs("</td><td>", f);
    ph_num(f, c->downtime_lo_days, 0, "");
    fputs("&ndash;", f);
    ph_num(f, c->downtime_hi_days, 0, "");
    fputs("</td><td>", f);
    ph_num(f, c->total_downtime_days, 0, "");
    fputs("</td><td>", f);
    ph_num(f, c->erythema_days, 1, "");
    fprintf(f, "</td><td class=l>%s (%d/%d)</td><td>%s</td><td>%s</td><td>%d</td></tr>\n",
            scar_se_level_name(c->risk), c->ncautions, c->nwarnings, c->within_noise ? "yes" : "",
            c->pareto ? "yes" : "", c->sweep);
}

static void clin_candidates(FILE *f, const scar_plan_result *r)
{
    fputs("<h3>Every candidate</h3>\n<table style=\"font-size:.8em\"><tr><th>#</th>"
          "<th class=l>protocol</th><th>volume fall %</th><th>95% band</th><th>SD</th>"
          "<th>SE vs best</th><th>GB quant.</th><th>GB grade</th><th>responders %</th>"
          "<th>depth fall % by type</th><th>downtime/session d</th><th>total d</th>"
          "<th>erythema d (model)</th><th class=l>risk (cautions/warnings)</th>"
          "<th>within noise</th><th>pareto</th><th>sweep</th></tr>\n",
          f);
    for (size_t k = 0; k < r->n; k++)
        clin_cand_row(f, r, k);
    fputs("</table>\n<p><small>Volume fall: fall of the face's total scar volume at "
          "follow-up, mean over virtual patients; 95% band: prediction band for this patient. "
          "SE vs best: standard error of the paired difference from the best. GB: "
          "Goodman-Baron quantitative (0-84) and qualitative (1-4) means. Responders: share of "
          "virtual patients one qualitative grade better. Depth by type: i icepick, b boxcar, "
          "r rolling, h hypertrophic (height). Downtime: the first session's published range "
          "(pens, rollers: Dr. Pen needle-depth guide, manufacturer, not peer reviewed; RF "
          "microneedling: Pudukadan 2017); total = sessions &times; upper end. Highlighted: "
          "recommended.</small></p>\n",
          f);
}

static void clin_varied(FILE *f, const scar_params *params)
{
    fputs("<h3>Parameters varied between virtual patients</h3>\n<ul>\n", f);
    for (size_t i = 0; i < scar_cohort_varied_count(); i++) {
        const scar_varied_param *q = scar_cohort_varied_at(i);
        scar_param_info info;
        int row = scar_params_find(q->name);
        fputs("<li><code>", f);
        ph_txt(f, q->name);
        fputs("</code>: ", f);
        ph_txt(f, q->why);
        if (params && row >= 0 && scar_params_info(params, (size_t)row, &info) &&
            isfinite(info.lo) && isfinite(info.hi)) {
            fprintf(f, " (%.4g to %.4g, default %.4g", info.lo, info.hi, info.value);
            if (info.unit && strcmp(info.unit, "-") != 0) {
                fputc(' ', f);
                ph_txt(f, info.unit);
            }
            fputc(')', f);
        }
        fputs("</li>\n", f);
    }
    fputs("</ul>\n", f);
}

static const char caveats[] =
    "<h3>Model caveats</h3>\n<p>In scarsim's replays of the published trials (docs/trial.md), "
    "the model reproduces the response of rolling scars, through the release of their "
    "tethering, and refills boxcar floors over months, but under-predicts icepick scars and "
    "most arms' published improvement; the face's qualitative Goodman-Baron grade, which "
    "follows the scars' depth-weighted area, falls for fewer patients than the trials report. "
    "It shows the published benefit of more "
    "sessions, with diminishing returns. It shows a benefit of PRP injected into the scars "
    "(about 3 points, a third of the 7 of a split-face trial), none for topical PRP, and a "
    "small loss for peels, where trials report a benefit. Where "
    "candidates differ little in expected improvement, "
    "the recommendation rests on risk and downtime. The improvements "
    "here are the model's, to be read beside the studies' numbers, not in place of them. "
    "Open-label studies report far larger effects than the one blinded randomised trial of "
    "needling alone (Alam 2014, JAMA Dermatol: 3.4 points on the 0-84 scale at 6 months). "
    "Raised (hypertrophic) scars are outside the evidence table and the model's "
    "calibration.</p>\n";

void plan_html_clinician(FILE *f, const scar_plan_doc *d)
{
    fputs("<div style=\"page-break-before:always;break-before:page\">\n<h2>For the clinician"
          "</h2>\n",
          f);
    clin_patient(f, d);
    clin_screen(f, d->screen);
    clin_limits(f, &d->screen->limits);
    if (d->result) {
        clin_search(f, d->result);
        clin_candidates(f, d->result);
        clin_varied(f, d->params);
    } else {
        fputs("<p>No protocol search was run (not a candidate, or screening only).</p>\n", f);
    }
    fputs(caveats, f);
    fputs("<h3>Files</h3>\n<p>In the same folder as this report: <code>plan.json</code> "
          "(everything on these pages)",
          f);
    if (d->result)
        fputs(", <code>plans.csv</code> (one row per candidate), <code>tradeoff.svg</code> and "
              "<code>.png</code> (the trade-off plot)",
              f);
    if (d->params)
        fputs(", <code>params.csv</code> (every model parameter with unit, range and source)", f);
    fputs(".</p>\n</div>\n", f);
}

