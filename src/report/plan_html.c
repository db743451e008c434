/*
 * plan_html.c — report.html of `scarsim plan`: the patient's pages in plain
 * words (can microneedling help, the scars, the plan and what to expect, the
 * other options, a session, care before and after, side effects, keeping the
 * result), then a printed page for the clinician with every number.
 *
 * Every number says where it comes from: a trial, a review, a clinic's list,
 * a maker's guide, or scarsim's own model.  Self-contained: the trade-off
 * plot is embedded, the page opens offline and prints; an unknown number is
 * a dash or "not known", never "nan".
 */
#include "html.h"
#include "plan_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The published arms listed under "the studies behind it". */
#define MAX_MATCHES 8

/* When the result is judged, in words, from safety.csv's "time to final
 * evaluation" row (SCAR_SE_EVAL_TIME). */
static void eval_text(FILE *f)
{
    const scar_se_row *w = scar_se_evidence(SCAR_SE_EVAL_TIME);
    fprintf(f,
            "no sooner than %g months after the last session, and better %g to %g months, "
            "because new collagen forms slowly",
            w->v[0].lo, w->v[1].lo, w->v[1].hi);
}

/* Where scarsim's model numbers come from, for patients. */
#define MODEL_WORDS "scarsim's model estimate, not a trial result"

/* Estimates closer than this (percentage points) across every course tried
 * are reported as "the model cannot tell these courses apart". */
#define SPREAD_SMALL_POINTS 3.0

static const char *const level_colour[] = {"#5b6475", "#b7791f", "#c53030"};

/* ------------------------------------------------------------------------ */
/* small pieces                                                             */
/* ------------------------------------------------------------------------ */

void ph_txt(FILE *f, const char *s)
{
    scar_html_text(f, s ? s : "");
}

/* v, with a value that rounds to zero at dec decimals made +0 ("-0" reads
 * as a loss). */
static double unsigned_zero(double v, int dec)
{
    return fabs(v) < 0.5 * pow(10.0, -dec) ? 0.0 : v;
}

/* A number with dec decimals and a suffix, or a dash when unknown. */
void ph_num(FILE *f, double v, int dec, const char *suffix)
{
    if (isfinite(v))
        fprintf(f, "%.*f%s", dec, unsigned_zero(v, dec), suffix);
    else
        fputs("&mdash;", f);
}

/* A percentage for patients: whole numbers, one decimal below 10. */
static void pct(FILE *f, double v)
{
    int dec = fabs(v) < 9.95 ? 1 : 0;
    if (isfinite(v))
        fprintf(f, "%.*f%%", dec, unsigned_zero(v, dec));
    else
        fputs("not known", f);
}

static void band(FILE *f, const double ci[2])
{
    if (!isfinite(ci[0]) || !isfinite(ci[1])) {
        fputs("band not known", f);
        return;
    }
    fputs("95% band ", f);
    pct(f, ci[0]);
    fputs(" to ", f);
    pct(f, ci[1]);
}

/* A duration in days: hours below a day, one decimal below ten days. */
static void days(FILE *f, double d)
{
    if (!isfinite(d))
        fputs("not known", f);
    else if (d < 1.0)
        fprintf(f, "%.0f hours", d * 24.0);
    else if (d < 9.95 && fabs(d - round(d)) >= 0.05)
        fprintf(f, "%.1f days", d);
    else
        fprintf(f, "%.0f day%s", d, fabs(d - 1.0) < 0.05 ? "" : "s");
}

/* A published range, "4 to 5 days" or "up to 10 hours" (no lower end, or
 * a lower end of zero). */
static void range_unit(FILE *f, double lo, double hi, const char *unit)
{
    if (!isfinite(hi)) {
        fputs("not known", f);
        return;
    }
    if (isfinite(lo) && lo > 0 && lo != hi)
        fprintf(f, "%g to %g ", lo, hi);
    else if (isfinite(lo) && lo == hi)
        fprintf(f, "%g ", hi);
    else
        fprintf(f, "up to %g ", hi);
    ph_txt(f, unit ? unit : "days");
}

static void range_days(FILE *f, double lo, double hi)
{
    if (isfinite(hi) && hi < 1.0)
        range_unit(f, isfinite(lo) ? round(lo * 24.0) : lo, round(hi * 24.0), "hours");
    else
        range_unit(f, lo, hi, "days");
}

/* "(source: ...)" in small grey type. */
static void src(FILE *f, const char *what)
{
    fputs(" <small style=\"color:#5b6475\">(source: ", f);
    ph_txt(f, what);
    fputs(")</small>", f);
}

/* A row of safety.csv as a source: where it is from and who it describes,
 * which says whether it is a trial, a review or a clinic's list. */
static void se_src(FILE *f, scar_se_ref ref)
{
    const scar_se_row *w = scar_se_evidence(ref);
    fputs(" <small style=\"color:#5b6475\">(source: ", f);
    ph_txt(f, w->cited);
    fputs("; ", f);
    ph_txt(f, w->population);
    fputs(")</small>", f);
}

void ph_date(FILE *f, scar_date d, bool weekday)
{
    static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    char buf[16];
    scar_date_format(d, buf, sizeof buf);
    if (weekday)
        fprintf(f, "%s ", wd[scar_date_weekday(d) % 7]);
    ph_txt(f, buf);
}

static const char *level_badge(scar_se_level l)
{
    static const char *const b[] = {"usual", "caution", "warning"};
    return b[l];
}

static size_t count_level(const scar_screen *s, scar_screen_level l)
{
    size_t n = 0;
    for (size_t k = 0; k < s->nreasons; k++)
        n += s->reasons[k].level == l;
    return n;
}

/* The scars by type: as scanned when the skin was measured, else counts. */
void ph_scar_counts(const scar_plan_doc *d, int n[SCAR_TYPE_COUNT])
{
    memset(n, 0, sizeof(int) * SCAR_TYPE_COUNT);
    if (d->face)
        for (size_t k = 0; k < d->nface; k++)
            n[d->face[k].type]++;
    else
        memcpy(n, d->patient->counts, sizeof(int) * SCAR_TYPE_COUNT);
}

const char *ph_region(const scar_patient *pt)
{
    return pt->region ? pt->region->name : "cheek";
}

/* The first session's published redness range (the device's row of the
 * evidence), from a protocol's risks. */
static const scar_se_item *first_session_item(const scar_side_effects *se)
{
    for (size_t k = 0; se && k < se->nitems; k++)
        if (se->items[k].session == 1)
            return &se->items[k];
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* devices and adjuncts in words                                            */
/* ------------------------------------------------------------------------ */

const char *scar_plan_device_label(scar_device_kind k)
{
    switch (k) {
    case SCAR_DEV_ROLLER: return "dermaroller";
    case SCAR_DEV_PEN: return "motorised needling pen";
    case SCAR_DEV_STAMP: return "needling stamp";
    case SCAR_DEV_HOME_ROLLER: return "home roller";
    case SCAR_DEV_RF_MICRONEEDLE: return "radio-frequency microneedling device";
    case SCAR_DEV_FRACTIONAL_LASER: return "fractional laser";
    default: return "device";
    }
}

static const char *device_words(scar_device_kind k)
{
    switch (k) {
    case SCAR_DEV_ROLLER:
        return "a dermaroller: a small hand-held roller covered in fine needles, rolled over the "
               "skin by your clinician";
    case SCAR_DEV_PEN:
        return "a motorised pen: a hand-held device whose fine needles move quickly in and out "
               "of the skin, set to an adjustable depth";
    case SCAR_DEV_STAMP:
        return "a stamp: a flat head of fine needles pressed onto the skin, spot by spot";
    case SCAR_DEV_HOME_ROLLER:
        return "a home roller: a roller with short needles that you use yourself; it must be "
               "kept clean and it does less than a clinic device";
    case SCAR_DEV_RF_MICRONEEDLE:
        return "radio-frequency (RF) microneedling: fine needles that also deliver a short burst "
               "of heat into the skin through their tips";
    case SCAR_DEV_FRACTIONAL_LASER:
        return "a fractional laser: a beam that makes tiny columns of heat in the skin (no "
               "needles)";
    default: return "a needling device";
    }
}

const char *scar_plan_adjunct_label(scar_adjunct a)
{
    static const char *const s[SCAR_ADJ_COUNT] = {"platelet-rich plasma (PRP) on the skin",
                                                  "PRP injected into the skin",
                                                  "a hyaluronic acid serum",
                                                  "a vitamin C serum",
                                                  "a growth-factor serum",
                                                  "a retinoid (vitamin A) cream",
                                                  "a glycolic acid peel",
                                                  "a TCA peel",
                                                  "subcision"};
    return (unsigned)a < SCAR_ADJ_COUNT ? s[a] : "an added treatment";
}

static const char *adjunct_words(scar_adjunct a)
{
    static const char *const s[SCAR_ADJ_COUNT] = {
        "platelet-rich plasma (PRP): a little of your own blood, taken at the visit and spun to "
        "concentrate the platelets, spread on the skin right after needling",
        "platelet-rich plasma (PRP) from your own blood, injected into the skin under the scars",
        "a hyaluronic acid serum (a moisturising substance the skin makes itself) put on after "
        "needling",
        "a vitamin C serum put on after needling",
        "a serum of growth factors (proteins that signal the skin to repair) put on after "
        "needling",
        "a vitamin A cream (topical retinoid) used as part of the course",
        "a mild chemical peel with glycolic acid (a fruit acid)",
        "a chemical peel with trichloroacetic acid (TCA), stronger than a fruit-acid peel",
        "subcision: a needle passed under a scar to cut the fibrous bands that pull it down"};
    return (unsigned)a < SCAR_ADJ_COUNT ? s[a] : "an added treatment";
}

static bool any_adjunct(const scar_protocol *pr)
{
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        if (pr->adjunct[a])
            return true;
    return false;
}

/* "4 sessions 6 weeks apart with a motorised needling pen (1.5 mm needles),
 * adding platelet-rich plasma (PRP) on the skin" */
static void plan_line(FILE *f, const scar_protocol *pr)
{
    fprintf(f, "%d session%s", pr->sessions, pr->sessions == 1 ? "" : "s");
    if (pr->sessions > 1)
        fprintf(f, " %g weeks apart", pr->interval_days / 7.0);
    fprintf(f, " with a %s (%g mm needles)", scar_plan_device_label(pr->device.kind),
            pr->device.needle_mm);
    int k = 0;
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        if (pr->adjunct[a])
            fprintf(f, "%s%s", k++ ? " and " : ", adding ",
                    scar_plan_adjunct_label((scar_adjunct)a));
}

void ph_protocol_code(FILE *f, const scar_protocol *pr)
{
    char buf[256];
    plan_protocol_text(pr, buf, sizeof buf);
    ph_txt(f, buf);
}

/* ------------------------------------------------------------------------ */
/* 1. summary                                                               */
/* ------------------------------------------------------------------------ */

/* The latest "not before" date of the contraindications; false when none
 * carries a date. */
static bool latest_date(const scar_screen *s, scar_date *out)
{
    bool any = false;
    for (size_t k = 0; k < s->nreasons; k++) {
        const scar_screen_reason *r = &s->reasons[k];
        if (r->level != SCAR_SCREEN_CONTRAINDICATION || !r->has_date)
            continue;
        if (!any || r->not_before.days > out->days)
            *out = r->not_before;
        any = true;
    }
    return any;
}

/* When the plan can be made again: once the undated contraindications are
 * dealt with, and not before the latest date of the dated ones. */
static void redo_when(FILE *f, const scar_screen *s)
{
    bool undated = false;
    for (size_t k = 0; k < s->nreasons; k++)
        undated |= s->reasons[k].level == SCAR_SCREEN_CONTRAINDICATION && !s->reasons[k].has_date;
    scar_date d = {0};
    bool dated = latest_date(s, &d);
    if (undated)
        fputs("once they have been dealt with", f);
    if (dated) {
        fputs(undated ? ", and not before " : "from ", f);
        ph_date(f, d, false);
    }
}

static void summary_not_candidate(FILE *f, const scar_screen *s)
{
    size_t n = count_level(s, SCAR_SCREEN_CONTRAINDICATION);
    fprintf(f,
            "<p><b>Microneedling is not advised for you now</b>, because of %zu thing%s in "
            "your history: ",
            n, n == 1 ? "" : "s");
    size_t i = 0;
    for (size_t k = 0; k < s->nreasons; k++)
        if (s->reasons[k].level == SCAR_SCREEN_CONTRAINDICATION) {
            fputs(i++ ? "; " : "", f);
            ph_txt(f, s->reasons[k].condition);
        }
    fputs(". Most of these can change. The next section says what to do first; the plan can be "
          "made again ",
          f);
    redo_when(f, s);
    fputs(".</p>\n", f);
}

static void summary_candidate(FILE *f, const scar_plan_doc *d)
{
    const scar_plan_result *r = d->result;
    size_t nc = count_level(d->screen, SCAR_SCREEN_CAUTION);
    fputs("<p><b>Microneedling may help your scars.</b> Nothing in your history rules it out", f);
    if (nc)
        fprintf(f, ", though %zu thing%s in it call%s for care (below)", nc, nc == 1 ? "" : "s",
                nc == 1 ? "s" : "");
    fputs(". ", f);
    if (!r) {
        fputs("This report is a screening only: no course was planned. Ask for the plan to be "
              "run in full to see a suggested course.</p>\n",
              f);
        return;
    }
    const scar_plan_candidate *c = &r->cand[r->recommended];
    fputs("The plan we suggest: ", f);
    plan_line(f, &c->protocol);
    fputs(". With it, the total volume of your scars is expected to fall by about ", f);
    pct(f, c->improvement_pct);
    fputs(" (", f);
    band(f, c->ci95);
    fprintf(f,
            "): %s, from %d virtual patients like you. Microneedling improves scars but "
            "rarely removes them.",
            MODEL_WORDS, c->patients);
    if (c->over_downtime)
        fputs(" <b>Every course tried brings more redness per session than you said you "
              "accept</b>; this is the gentlest of them: talk it through with your clinician.",
              f);
    int n[SCAR_TYPE_COUNT];
    ph_scar_counts(d, n);
    if (n[SCAR_TYPE_HYPERTROPHIC] > 0)
        fputs(" Your raised scars are outside the studies and what the model does well: see "
              "&ldquo;Your scars&rdquo;.",
              f);
    fputs("</p>\n", f);
}

/* ------------------------------------------------------------------------ */
/* 2. can microneedling help you?                                           */
/* ------------------------------------------------------------------------ */

static void reason_sources(FILE *f, const scar_screen_reason *r)
{
    if (r->nrefs <= 0)
        return;
    fputs(" <small style=\"color:#5b6475\">(source", f);
    fputs(r->nrefs > 1 ? "s: " : ": ", f);
    for (int i = 0; i < r->nrefs; i++) {
        const scar_se_row *w = scar_se_evidence(r->refs[i]);
        fputs(i ? "; " : "", f);
        ph_txt(f, w->cited);
        fputs(" &mdash; ", f);
        ph_txt(f, w->population);
    }
    fputs(")</small>", f);
}

static void reason_item(FILE *f, const scar_screen_reason *r)
{
    fputs("<li><b>", f);
    ph_txt(f, r->condition);
    fputs(".</b> ", f);
    ph_txt(f, r->text);
    if (r->has_date) {
        fputs(" <b>Not before ", f);
        ph_date(f, r->not_before, false);
        fputs(".</b>", f);
    }
    reason_sources(f, r);
    fputs("</li>\n", f);
}

static void reasons_of(FILE *f, const scar_screen *s, scar_screen_level l)
{
    fputs("<ul>\n", f);
    for (size_t k = 0; k < s->nreasons; k++)
        if (s->reasons[k].level == l)
            reason_item(f, &s->reasons[k]);
    fputs("</ul>\n", f);
}

/* What the cautions change in the plan. */
static void limits_for_patient(FILE *f, const scar_patient *pt, const scar_screen_limits *l)
{
    fputs("<p>What this changes in the plan:</p>\n<ul>\n", f);
    if (isfinite(l->max_needle_mm)) {
        fprintf(f, "<li>Needles no longer than %g mm", l->max_needle_mm);
        if (l->needle_why) {
            fputs(" &mdash; ", f);
            ph_txt(f, l->needle_why);
        }
        fputs(".</li>\n", f);
    }
    if (isfinite(l->min_interval_weeks)) {
        fprintf(f, "<li>At least %g weeks between sessions", l->min_interval_weeks);
        if (l->interval_why) {
            fputs(" &mdash; ", f);
            ph_txt(f, l->interval_why);
        }
        fputs(".</li>\n", f);
    }
    if (l->antiviral_cover) {
        fputs("<li>Antiviral cover: because you have had cold sores, your clinician may give "
              "you a medicine against the virus to take around each session. A clinic list "
              "suggests this; no study gives a rate of cold sores after needling.",
              f);
        se_src(f, SCAR_SE_HSV_HISTORY);
        fputs("</li>\n", f);
    }
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        if (pt->prefs.adjunct_ok[a] && !l->adjunct_ok[a]) {
            fputs("<li>Left out although you accepted it: ", f);
            ph_txt(f, scar_plan_adjunct_label((scar_adjunct)a));
            fputs(".</li>\n", f);
        }
    fputs("</ul>\n", f);
}

static void sec_eligibility(FILE *f, const scar_plan_doc *d)
{
    const scar_screen *s = d->screen;
    fputs("<h2>Can microneedling help you?</h2>\n", f);
    if (!s->candidate) {
        fputs("<p>These things in your history mean microneedling should wait. For each: what "
              "it is, why it matters and what to do first.</p>\n",
              f);
        reasons_of(f, s, SCAR_SCREEN_CONTRAINDICATION);
        fputs("<p>This plan can be made again ", f);
        redo_when(f, s);
        fputs(". Talk to a dermatologist or your doctor first.</p>\n", f);
    } else {
        fputs("<p>Nothing in your history rules microneedling out.</p>\n", f);
    }
    if (count_level(s, SCAR_SCREEN_CAUTION) == 0) {
        if (s->candidate)
            fputs("<p>Nothing in it calls for changes to the usual settings either.</p>\n", f);
        return;
    }
    fputs("<h3>Things that call for care</h3>\n", f);
    reasons_of(f, s, SCAR_SCREEN_CAUTION);
    if (s->candidate)
        limits_for_patient(f, d->patient, &s->limits);
}

/* ------------------------------------------------------------------------ */
/* 3. your scars                                                            */
/* ------------------------------------------------------------------------ */

/* What each type is (Jacob 2001, dimensions via Fabbrocini 2010 Table 1;
 * morphology.md §1) and how it tends to respond (morphology.md §3). */
static const char *const type_what[SCAR_TYPE_COUNT] = {
    "Narrow (under 2 mm across) and deep: a small pit that tapers to a point, reaching deep into "
    "the skin",
    "Broad (about 1.5 to 4 mm across) with steep edges and a flat bottom, like a chickenpox scar",
    "Wide (over 4 to 5 mm) and wavy: bands of fibrous tissue tether the skin to the layers below "
    "and pull it down in soft dips",
    "Raised and firm, staying within the borders of the original spot or wound"};

static const char *const type_label[SCAR_TYPE_COUNT] = {"Icepick", "Boxcar", "Rolling",
                                                        "Raised (hypertrophic)"};

static const char *const type_studies[SCAR_TYPE_COUNT] = {
    "Icepick scars respond least. In a study of 51 patients (Garg &amp; Chaudhary, Int J Res "
    "Dermatol; dermaroller every 4 weeks, 3 sessions) they fell by about 6%, against 47% for "
    "boxcar and 37% for rolling scars; in another of 30 patients (Lotfi 2013, J Egypt Women's "
    "Dermatol Soc) they showed &ldquo;only a slight improvement&rdquo;.",
    "Boxcar scars respond among the best: they fell by about 47% in a study of 51 patients "
    "(Garg &amp; Chaudhary, Int J Res Dermatol; dermaroller every 4 weeks, 3 sessions), and in "
    "another of 30 patients 20% of people had an excellent and 70% a good result for boxcar "
    "and rolling scars (Lotfi 2013, J Egypt Women's Dermatol Soc). Deep ones (0.5 mm or more) "
    "seem to respond less than shallow ones.",
    "Rolling scars respond well: they fell by about 37% in a study of 51 patients (Garg &amp; "
    "Chaudhary, Int J Res Dermatol; dermaroller every 4 weeks, 3 sessions), and in another of "
    "30 patients 20% of people had an excellent and 70% a good result for rolling and boxcar "
    "scars (Lotfi 2013, J Egypt Women's Dermatol Soc). Many clinics add subcision to free the "
    "tethering.",
    NULL};

static bool evidence_has_raised(const scar_trial_table *t)
{
    for (size_t k = 0; t && k < t->n; k++)
        if (t->arms[k].has_type[SCAR_TYPE_HYPERTROPHIC])
            return true;
    return false;
}

/* The model's change of a type's depth (height for raised scars) with the
 * recommended plan; NaN without a result. */
static double model_change(const scar_plan_doc *d, int t)
{
    const scar_plan_result *r = d->result;
    return r ? r->cand[r->recommended].depth_resp_pct[t] : NAN;
}

static void raised_scars(FILE *f, const scar_plan_doc *d)
{
    if (evidence_has_raised(d->evidence))
        fputs("Some arms of scarsim's table of published trials include raised scars, but "
              "none reports them apart from sunken ones. ",
              f);
    else
        fputs("scarsim's table of published trials holds no trial of needling raised scars. ", f);
    double v = model_change(d, SCAR_TYPE_HYPERTROPHIC);
    fputs("scarsim's model is built for sunken scars", f);
    if (!isfinite(v) || fabs(v) < 10.0)
        fputs(" and predicts little change in raised ones", f);
    else
        fputs(" and is not calibrated for raised ones", f);
    fputs(". Please ask a dermatologist about them: other treatments exist for raised scars, "
          "but scarsim does not model them.",
          f);
}

static void type_model(FILE *f, const scar_plan_doc *d, int t)
{
    if (!d->result)
        return;
    double v = model_change(d, t);
    const char *what = t == SCAR_TYPE_HYPERTROPHIC ? "height" : "depth";
    fputs(" <i>scarsim:</i> ", f);
    if (!isfinite(v)) {
        fprintf(f, "the model gives no change of %s for these scars.", what);
        return;
    }
    if (v >= 1.0) {
        fprintf(f, "with the suggested plan the model expects their %s to fall by about ", what);
        pct(f, v);
    } else if (v > -1.0) {
        fprintf(f, "with the suggested plan the model expects their %s to barely change (", what);
        pct(f, v);
        fputs(")", f);
    } else {
        fprintf(f,
                "with the suggested plan the model expects their %s to grow slightly, by "
                "about ",
                what);
        pct(f, -v);
    }
    fprintf(f, " (%s).", MODEL_WORDS);
}

static void sec_scars(FILE *f, const scar_plan_doc *d)
{
    int n[SCAR_TYPE_COUNT];
    ph_scar_counts(d, n);
    fputs("<h2>Your scars</h2>\n", f);
    fprintf(f,
            "<p>%s Acne scars come in four kinds (Jacob 2001, J Am Acad Dermatol); most "
            "people have a mix. The studies below measured things in different ways, so "
            "their numbers show which kinds respond best rather than what you will see.</p>\n",
            d->face ? "These are the scars found on your skin scan."
                    : "These are the scars counted in your file.");
    int total = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++) {
        if (n[t] <= 0)
            continue;
        total += n[t];
        fprintf(f, "<p><b>%s scars: %d.</b> ", type_label[t], n[t]);
        fputs(type_what[t], f);
        fputs(". ", f);
        if (type_studies[t])
            fputs(type_studies[t], f);
        else
            raised_scars(f, d);
        type_model(f, d, t);
        fputs("</p>\n", f);
    }
    if (total == 0)
        fputs("<p>No scars were found or counted.</p>\n", f);
}

/* ------------------------------------------------------------------------ */
/* 4. the plan we suggest                                                   */
/* ------------------------------------------------------------------------ */

static void plan_facts(FILE *f, const scar_protocol *pr)
{
    const scar_se_row *needle = scar_se_evidence(SCAR_SE_MEDIAN_NEEDLE);
    const scar_se_row *iv = scar_se_evidence(SCAR_SE_INTERVAL_MEDIAN);
    fputs("<table>\n<tr><th class=l>device</th><td class=l>", f);
    ph_txt(f, device_words(pr->device.kind));
    fprintf(f,
            "</td></tr>\n<tr><th class=l>needle length</th><td class=l>%g mm: how deep "
            "the needles reach into the skin. The usual length in acne-scar studies is ",
            pr->device.needle_mm);
    ph_txt(f, needle->value);
    fputs(" mm", f);
    se_src(f, SCAR_SE_MEDIAN_NEEDLE);
    fprintf(f, "</td></tr>\n<tr><th class=l>sessions</th><td class=l>%d", pr->sessions);
    if (pr->sessions > 1) {
        fprintf(f, ", %g weeks apart. Studies most often left ", pr->interval_days / 7.0);
        ph_txt(f, iv->value);
        fputs(" weeks between sessions", f);
        se_src(f, SCAR_SE_INTERVAL_MEDIAN);
    }
    fputs("</td></tr>\n<tr><th class=l>added to the needling</th><td class=l>", f);
    if (!any_adjunct(pr))
        fputs("nothing: needling alone", f);
    for (int a = 0, k = 0; a < SCAR_ADJ_COUNT; a++)
        if (pr->adjunct[a]) {
            fputs(k++ ? "<br>" : "", f);
            ph_txt(f, adjunct_words((scar_adjunct)a));
        }
    fputs("</td></tr>\n</table>\n", f);
}

static void schedule_row(FILE *f, const char *what, bool dated, scar_date dt, double day)
{
    fprintf(f, "<tr><td class=l>%s</td><td class=l>", what);
    if (dated)
        ph_date(f, dt, true);
    else
        fprintf(f, "week %.0f", day / 7.0);
    fputs("</td></tr>\n", f);
}

static void plan_schedule(FILE *f, const scar_plan_doc *d, const scar_protocol *pr)
{
    const scar_patient *pt = d->patient;
    bool dated = pt->prefs.has_start && pr->sessions <= SCAR_PATIENT_MAX_SESSIONS;
    scar_date dates[SCAR_PATIENT_MAX_SESSIONS], fu = {0};
    if (dated)
        scar_plan_schedule(pr, pt->prefs.start_date, dates, &fu);
    fprintf(f,
            "<h3>Your schedule</h3>\n<table><tr><th class=l>visit</th><th class=l>%s</th>"
            "</tr>\n",
            dated ? "date" : "when (weeks from the first session)");
    char what[48];
    for (int k = 1; k <= pr->sessions; k++) {
        snprintf(what, sizeof what, "session %d", k);
        schedule_row(f, what, dated, dated ? dates[k - 1] : fu, scar_protocol_session_day(pr, k));
    }
    schedule_row(f, "follow-up visit", dated, fu, scar_protocol_end_day(pr));
    fprintf(f,
            "</table>\n<p>The follow-up visit, about %.0f weeks after the last session, is "
            "when the result is judged: advice is to judge it ",
            pr->follow_up_days / 7.0);
    eval_text(f);
    se_src(f, SCAR_SE_EVAL_TIME);
    fputs(".", f);
    if (!dated)
        fputs(" Dates are given once a start date is chosen.", f);
    fputs("</p>\n", f);
    if (d->screen->limits.antiviral_cover) {
        fputs("<p><b>Antiviral cover.</b> Because you have had cold sores, ask your clinician "
              "about a medicine against the virus around each session.",
              f);
        se_src(f, SCAR_SE_HSV_HISTORY);
        fputs("</p>\n", f);
    }
}

static void plan_expect(FILE *f, const scar_plan_candidate *c)
{
    fputs("<h3>What to expect</h3>\n<p>The total volume of your scars is expected to fall by "
          "about <b>",
          f);
    pct(f, c->improvement_pct);
    fputs("</b> (", f);
    band(f, c->ci95);
    fprintf(f,
            "; %s, from %d virtual patients like you). The band is where the result of 95 "
            "in 100 people like you would fall, in the model. The scars become shallower; "
            "they rarely go away: microneedling improves scars but rarely removes them. "
            "Change shows slowly, over months.</p>\n<p>On the Goodman-Baron scale doctors "
            "use to score acne scars (0 to 84 points, higher is worse), the model puts you at "
            "about ",
            MODEL_WORDS, c->patients);
    ph_num(f, c->gbq_before, 0, "");
    fputs(" points before and ", f);
    ph_num(f, c->gbq_after, 0, "");
    fputs(" after. A change of 4 points or less is within what two raters disagree by "
          "(Goodman &amp; Baron 2006).</p>\n",
          f);
}

static void evidence_row(FILE *f, const scar_plan_match *m)
{
    const scar_trial_arm *a = m->arm;
    char res[160];
    scar_plan_evidence_result(a, res, sizeof res);
    fputs("<tr><td class=l>", f);
    ph_txt(f, a->first_author ? a->first_author : a->study_id);
    if (a->year > 0)
        fprintf(f, " %d", a->year);
    fputs("</td><td class=l>", f);
    ph_txt(f, a->arm);
    fprintf(f, "</td><td class=l>%s</td><td>", scar_trial_design_name(a->design));
    if (a->n_patients >= 0)
        fprintf(f, "%d", a->n_patients);
    else
        fputs("&mdash;", f);
    fputs("</td><td class=l>", f);
    if (res[0])
        ph_txt(f, res);
    else
        fputs("not published as a number", f);
    fputs("</td><td class=l>", f);
    ph_txt(f, m->why);
    fputs("</td><td class=l><small>", f);
    ph_txt(f, a->doi_or_url);
    fputs("</small></td></tr>\n", f);
}

static void plan_studies(FILE *f, const scar_plan_doc *d, const scar_protocol *pr)
{
    fputs("<h3>The studies behind it</h3>\n", f);
    scar_plan_match m[MAX_MATCHES];
    size_t n = d->evidence ? scar_plan_evidence_match(d->evidence, pr, m, MAX_MATCHES) : 0;
    if (n == 0) {
        fputs("<p>No published arm in scarsim's table of trials used this device or these "
              "added treatments.</p>\n",
              f);
        return;
    }
    fputs("<p>Published study arms that used the same or a similar course. Their numbers are "
          "as published, each on the study's own scale, so they are not directly comparable "
          "with the model's estimate above or with each other; most studies were open-label "
          "(the raters knew who was treated), which tends to make results look larger.</p>\n"
          "<table><tr><th class=l>study</th><th class=l>arm</th><th class=l>design</th>"
          "<th>patients</th><th class=l>published result</th><th class=l>why it is listed"
          "</th><th class=l>source</th></tr>\n",
          f);
    for (size_t k = 0; k < n; k++)
        evidence_row(f, &m[k]);
    fputs("</table>\n", f);
}

static void sec_plan(FILE *f, const scar_plan_doc *d)
{
    const scar_plan_candidate *c = &d->result->cand[d->result->recommended];
    fputs("<h2>The plan we suggest</h2>\n<p>", f);
    plan_line(f, &c->protocol);
    fputs(".</p>\n", f);
    plan_facts(f, &c->protocol);
    plan_schedule(f, d, &c->protocol);
    plan_expect(f, c);
    plan_studies(f, d, &c->protocol);
}

/* ------------------------------------------------------------------------ */
/* 5. other options we considered                                           */
/* ------------------------------------------------------------------------ */

static void option_row(FILE *f, const scar_plan_result *r, size_t k)
{
    const scar_plan_candidate *c = &r->cand[k];
    /* where the redness per session comes from */
    const char *kind = !isfinite(c->downtime_hi_days) ? ""
                       : c->downtime_from_maker       ? "maker's guide"
                                                      : "study";
    bool rec = k == r->recommended;
    fprintf(f, "<tr%s><td>%zu</td><td class=l>%s", rec ? " style=\"background:#e3f2e6\"" : "",
            k + 1, rec ? "<b>suggested:</b> " : "");
    plan_line(f, &c->protocol);
    fputs("</td><td>", f);
    pct(f, c->improvement_pct);
    fputs("<br><small>", f);
    band(f, c->ci95);
    fputs("</small></td><td>", f);
    range_days(f, c->downtime_lo_days, c->downtime_hi_days);
    if (kind[0])
        fprintf(f, "<br><small>%s</small>", kind);
    if (c->over_downtime)
        fputs("<br><small><b>more than you said you accept</b></small>", f);
    fputs("</td><td>", f);
    days(f, c->total_downtime_days);
    fprintf(f, "</td><td class=l>%s</td><td>%s</td></tr>\n", level_badge(c->risk),
            c->within_noise ? "yes" : "");
}

/* How far apart the model's estimates are: when they all lie within a few
 * points, say plainly that the model cannot tell the courses apart and that
 * the choice rests on risk and downtime. */
static void spread_note(FILE *f, const scar_plan_result *r)
{
    double lo = r->cand[r->n - 1].improvement_pct, hi = r->cand[0].improvement_pct;
    if (!(hi - lo < SPREAD_SMALL_POINTS))
        return;
    fputs("<p><b>The model cannot tell these courses apart.</b> Its estimates for all ", f);
    fprintf(f, "%zu courses lie between ", r->n);
    ph_num(f, lo, 1, "%");
    fputs(" and ", f);
    ph_num(f, hi, 1, "%");
    fputs(". For this skin the courses differ too little for the model to rank them, so "
          "the suggestion above rests on risk and downtime, and the studies behind each "
          "course matter more than the model's small differences (see the clinician "
          "page).</p>\n",
          f);
}

static scar_status sec_options(scar_ctx *ctx, FILE *f, const scar_plan_doc *d, const char *dir)
{
    const scar_plan_result *r = d->result;
    fprintf(f,
            "<h2>Other options we considered</h2>\n<p>scarsim tried %zu courses within the "
            "limits screening allows (see the clinician page), each on the same virtual patients "
            "like you. The picture shows "
            "each one's expected improvement against the days of redness and swelling it "
            "brings in all; the best trade-offs are joined by a dashed line.</p>\n",
            r->n);
    char *p = scar_path_join(ctx, dir, "tradeoff.png");
    if (!p)
        return SCAR_ENOMEM;
    scar_status st = scar_html_png(ctx, f, p,
                                   "expected improvement against downtime, every "
                                   "course tried");
    free(p);
    if (st)
        return st;
    fputs("<table><tr><th>rank</th><th class=l>course</th><th>expected improvement of scar "
          "volume (model)</th><th>redness per session (published)</th><th>days of redness "
          "in all</th><th class=l>risk</th><th>as good as the best (within the model's "
          "noise or too small to matter)</th></tr>\n",
          f);
    for (size_t k = 0; k < r->n; k++)
        option_row(f, r, k);
    fputs("</table>\n<p>The courses are ranked by expected improvement. The model's estimates "
          "carry noise, so several courses near the top may be equally good: those whose "
          "difference from the best is within one standard error, or too small to matter "
          "(less than a fifth of how much the result varies from person to person), are "
          "marked. Among these, we suggest the gentlest: the lowest risk, then the fewest "
          "cautions, then the least downtime, then the fewest sessions.</p>\n",
          f);
    spread_note(f, r);
    fputs("<p>Redness per session is the published range for the device and needle length: "
          "for pens and rollers a needling pen maker's guide",
          f);
    se_src(f, SCAR_SE_DOWNTIME_DEPTH);
    fputs(", for RF microneedling a study", f);
    se_src(f, SCAR_SE_ERYTHEMA_RF);
    fputs("; days in all are sessions times its upper end. Risk: <i>usual</i> means only the "
          "common, short-lived effects; <i>caution</i> something to talk through with your "
          "clinician; <i>warning</i> outside published guidance, or flagged by the evidence for "
          "your skin.</p>\n",
          f);
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* 6. what happens at a session                                             */
/* ------------------------------------------------------------------------ */

static void session_recovery(FILE *f, const scar_plan_candidate *c, const scar_side_effects *se)
{
    fputs("<li><b>Afterwards</b>, your skin will be red, like a mild sunburn, and may be a "
          "little swollen and tight. ",
          f);
    const scar_se_item *it = first_session_item(se);
    if (it && isfinite(it->hi)) {
        char buf[2048];
        scar_se_item_sources(it, buf, sizeof buf);
        fprintf(f, "%s this lasts ",
                scar_se_item_cites(it, SCAR_SE_DOWNTIME_DEPTH)
                    ? "A needling pen maker's guide (not a study) says"
                               : "A published study found");
        range_unit(f, it->lo, it->hi, it->unit);
        fprintf(f, " at %g mm with this device", c->protocol.device.needle_mm);
        src(f, buf);
        fputs(". ", f);
    } else
        fputs("No published duration was found for this device. ", f);
    fputs("scarsim's model predicts ", f);
    if (isfinite(c->erythema_days) && c->erythema_days < 1.0)
        fputs("less than a day", f);
    else {
        fputs("about ", f);
        days(f, c->erythema_days);
    }
    fprintf(f, " of visible redness after the last session (%s).</li>\n", MODEL_WORDS);
}

static void sec_session(FILE *f, const scar_plan_candidate *c, const scar_side_effects *se)
{
    const scar_protocol *pr = &c->protocol;
    fputs("<h2>What happens at a session</h2>\n<ol>\n<li><b>Cleansing.</b> The skin is "
          "cleaned and disinfected.</li>\n<li><b>Numbing.</b> ",
          f);
    double numbing_mm = scar_se_evidence(SCAR_SE_NUMBING_DEPTH)->v[0].hi;
    if (pr->device.needle_mm > numbing_mm)
        fprintf(f, "At %g mm a numbing cream is put on first and left to work before needling.",
                pr->device.needle_mm);
    else
        fprintf(f, "At %g mm a numbing cream may not be needed; ask for one if you want it.",
                pr->device.needle_mm);
    fprintf(f, " Needles up to about %g mm are often done without it, in one expert's view",
            numbing_mm);
    se_src(f, SCAR_SE_NUMBING_DEPTH);
    fputs(".</li>\n<li><b>Needling.</b> The clinician passes the device over each area several "
          "times, in different directions. It feels like pressure and prickling; there may be "
          "small spots of blood.</li>\n",
          f);
    if (pr->adjunct[SCAR_ADJ_PRP_TOPICAL] || pr->adjunct[SCAR_ADJ_PRP_INTRADERMAL])
        fputs("<li><b>PRP.</b> A little blood is taken from your arm at the start of the visit "
              "and spun to concentrate the platelets; the PRP goes on or into the skin after "
              "needling.</li>\n",
              f);
    for (int a = SCAR_ADJ_SERUM_HYALURONIC; a <= SCAR_ADJ_SERUM_GROWTH_FACTOR; a++)
        if (pr->adjunct[a]) {
            fputs("<li><b>Serum.</b> ", f);
            ph_txt(f, adjunct_words((scar_adjunct)a));
            fputs(".</li>\n", f);
        }
    session_recovery(f, c, se);
    fputs("</ol>\n", f);
}

/* ------------------------------------------------------------------------ */
/* 7. before and after; 8. side effects; 9. keeping the result              */
/* ------------------------------------------------------------------------ */

static const char care[] =
    "<h2>Before and after</h2>\n<p><i>Common advice, from clinics and the article scarsim grew "
    "from, not from trials.</i> Follow your clinician's instructions where they differ.</p>\n"
    "<h3>Before each session</h3>\n<ul>\n"
    "<li>Avoid the sun and tanning, and use sunscreen every day.</li>\n"
    "<li>A few days before, stop the skin products your clinician names, such as retinoids "
    "(vitamin A creams) and exfoliating acids.</li>\n"
    "<li>Tell the clinic if you have a new acne breakout, a cold sore or a skin infection: "
    "the session may need to wait.</li>\n</ul>\n"
    "<h3>After each session</h3>\n<ul>\n"
    "<li>Keep the skin clean.</li>\n"
    "<li>No make-up or other products for about 24 hours.</li>\n"
    "<li>Avoid the sun; use sunscreen every day.</li>\n"
    "<li>Use a gentle cleanser and a plain moisturiser.</li>\n"
    "<li>Don't pick or scratch flaking skin.</li>\n</ul>\n";

static void risk_item(FILE *f, const scar_se_item *it)
{
    char buf[2048];
    scar_se_item_sources(it, buf, sizeof buf);
    fprintf(f,
            "<div style=\"border-left:4px solid %s;padding:.2em .9em;margin:.6em 0\">"
            "<b style=\"color:%s\">%s</b> &middot; <b>",
            level_colour[it->level], level_colour[it->level], level_badge(it->level));
    ph_txt(f, scar_se_item_title(it->id));
    fputs("</b><br>", f);
    ph_txt(f, it->text);
    if (buf[0])
        src(f, buf);
    fputs("</div>\n", f);
}

static void sec_risks(FILE *f, const scar_side_effects *se)
{
    fputs("<h2>Side effects and when to call the clinic</h2>\n<p>What published studies, "
          "reviews and regulators report for a course like yours; each source says which. "
          "Rates are for the groups studied, not a personal rate. <i>Warning</i>: outside "
          "published guidance, or flagged by the evidence for your skin; <i>caution</i>: talk "
          "it through with your clinician; <i>usual</i>: for your information.</p>\n",
          f);
    size_t shown = 0;
    for (int l = SCAR_SE_WARNING; l >= SCAR_SE_INFO; l--)
        for (size_t k = 0; se && k < se->nitems; k++)
            if (se->items[k].session == 0 && (int)se->items[k].level == l) {
                risk_item(f, &se->items[k]);
                shown++;
            }
    if (!shown)
        fputs("<p>No side-effect items apply.</p>\n", f);
    fputs("<h3>Call the clinic if you notice</h3>\n<p><i>General advice, not from a "
          "study.</i></p>\n<ul>\n"
          "<li>redness or swelling that grows after day 3 instead of fading, pus, fever or "
          "pain that spreads: signs of infection;</li>\n"
          "<li>blisters, or cold sores (herpes) appearing;</li>\n"
          "<li>dark patches appearing where you were treated (post-inflammatory "
          "hyperpigmentation, PIH);</li>\n"
          "<li>lumps or bumps that appear weeks later, or anything else that worries you.</li>\n"
          "</ul>\n",
          f);
}

static void sec_keeping(FILE *f, const scar_plan_candidate *c)
{
    fputs("<h2>Keeping the result</h2>\n<p>The new collagen builds up over months, so the "
          "result keeps improving for a while after the last session. Results last a long "
          "time but are not permanent: ageing and sun slowly wear them down, and some people "
          "have maintenance sessions later. That comes from the article scarsim grew from; we "
          "found no trial that measured how long results last or how often to top up, so no "
          "number is given here.</p>\n<p>Judge the result ",
          f);
    eval_text(f);
    se_src(f, SCAR_SE_EVAL_TIME);
    fprintf(f, ". scarsim's estimates are for %.0f weeks after the last session.</p>\n",
            c->protocol.follow_up_days / 7.0);
}

/* ------------------------------------------------------------------------ */
/* the page                                                                 */
/* ------------------------------------------------------------------------ */

static void title(const scar_patient *pt, char *buf, size_t n)
{
    if (pt->name && pt->name[0])
        snprintf(buf, n, "A microneedling plan for %s", pt->name);
    else
        snprintf(buf, n, "A microneedling plan for you");
}

/* Sections 4 to 9: only with a search result. */
static scar_status treatment_pages(scar_ctx *ctx, FILE *f, const scar_plan_doc *d, const char *dir)
{
    const scar_plan_candidate *c = &d->result->cand[d->result->recommended];
    scar_side_effects *se = NULL;
    scar_status st = scar_plan_risks(ctx, d->patient, &c->protocol, &se);
    if (st)
        return st;
    sec_plan(f, d);
    st = sec_options(ctx, f, d, dir);
    if (!st) {
        sec_session(f, c, se);
        fputs(care, f);
        sec_risks(f, se);
        sec_keeping(f, c);
    }
    free(se);
    return st;
}

static void next_step(FILE *f, const scar_plan_doc *d)
{
    fputs("<h2>What happens next</h2>\n<p>", f);
    if (d->screen->candidate)
        fputs("This was a screening only. A full plan (device, needle length, sessions, "
              "schedule, expected result and side effects) is made when the search is run.",
              f);
    else
        fputs("Talk to a dermatologist or your doctor about the points above. When they have "
              "been dealt with, this plan can be made again, and it will then suggest a course, "
              "a schedule and what to expect.",
              f);
    fputs("</p>\n", f);
}

scar_status plan_write_html(scar_ctx *ctx, const scar_plan_doc *d, const char *dir)
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
    char head[200];
    title(d->patient, head, sizeof head);
    scar_html_begin(f, head);
    if (d->screen->candidate)
        summary_candidate(f, d);
    else
        summary_not_candidate(f, d->screen);
    sec_eligibility(f, d);
    sec_scars(f, d);
    if (d->result)
        st = treatment_pages(ctx, f, d, dir);
    else
        next_step(f, d);
    if (st) {
        scar_afile_abort(&af);
        return st;
    }
    plan_html_clinician(f, d);
    scar_html_end(f, ctx);
    return scar_afile_commit(ctx, &af);
}
