/*
 * patient.c — reads the patient file of `scarsim plan` (patient.h,
 * DESIGN.md "Input files", docs/plan.md).
 *
 * course/doc.c gives the tree with positions and the typed getters; the
 * pieces of the skin a scenario also has (synth, surface, scar counts,
 * regions, adjunct lists) are read by the scenario's own functions, so the
 * two files take them with the same rules and the same messages.
 */
#include "patient.h"

#include "scenario.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Free text kept for the report: a name, a treatment tried.  Longer than a
 * line of the report is not a name but a paste. */
#define NAME_MAX_BYTES 120
#define TRIED_MAX_BYTES 80
#define DEFAULT_MAX_SESSIONS 6
/* Isotretinoin is asked about in months since the last dose; fifty years is
 * "long ago" for any rule that reads it. */
#define ISOTRETINOIN_MAX_MONTHS 600.0
#define MAX_DOWNTIME_DAYS 60.0

static const char *const setting_names[] = {"clinic", "home"};

const char *scar_setting_name(scar_setting s)
{
    return (unsigned)s <= SCAR_SETTING_HOME ? setting_names[s] : "unknown";
}

/* ------------------------------------------------------------------------ */
/* skin                                                                     */
/* ------------------------------------------------------------------------ */

static const char *const skin_keys[] = {"scars", "surface", "synth"}; /* scar_skin_source order */
static const scar_doc_names skin_names = {skin_keys, NULL, sizeof skin_keys / sizeof *skin_keys};

static scar_status read_skin(const scar_doc *d, const scar_doc_node *sk, scar_patient *p)
{
    const scar_doc_node *v = NULL;
    size_t src = 0;
    scar_status st;
    if ((st = scar_doc_want_map(d, sk, "skin", "scars, surface or synth")) ||
        (st = scar_doc_check_keys(d, sk, "skin", &skin_names)) ||
        (st = scar_doc_one_of(d, sk, "skin", &skin_names,
                              "scars (counts by type), surface (a measured height map) or synth "
                              "(a synthetic skin)",
                              &src, &v)))
        return st;
    p->skin = (scar_skin_source)src;
    switch (p->skin) {
    case SCAR_SKIN_COUNTS: {
        if ((st = scar_scenario_read_scar_counts(d, v, "skin.scars", SCAR_PATIENT_MAX_SCARS,
                                                 p->counts)))
            return st;
        int total = 0;
        for (int t = 0; t < SCAR_TYPE_COUNT; t++)
            total += p->counts[t];
        /* a plan is for scars: a count of none is a mistake, not a request */
        if (total == 0)
            return scar_doc_fail(d, v, "skin.scars",
                                 "expected at least one scar (icepick, boxcar, rolling, "
                                 "hypertrophic), found none");
        return SCAR_OK;
    }
    case SCAR_SKIN_SURFACE:
        return scar_scenario_read_surface(d, v, "skin.surface", &p->surface_path);
    case SCAR_SKIN_SYNTH: return scar_scenario_read_synth(d, v, "skin.synth", &p->synth);
    }
    return SCAR_RAISE(d->ctx, SCAR_EINTERNAL, "skin source %zu has no reader", src);
}

/* ------------------------------------------------------------------------ */
/* history                                                                  */
/* ------------------------------------------------------------------------ */

/* The yes/no questions of the history, in DESIGN.md's order, then ours. */
static const struct flag {
    const char *key;
    size_t off;
} flags[] = {
    {"active_acne", offsetof(scar_patient_history, active_acne)},
    {"keloid_history", offsetof(scar_patient_history, keloid_history)},
    {"bleeding_disorder", offsetof(scar_patient_history, bleeding_disorder)},
    {"anticoagulants", offsetof(scar_patient_history, anticoagulants)},
    {"active_eczema_or_rosacea", offsetof(scar_patient_history, active_eczema_or_rosacea)},
    {"skin_infection", offsetof(scar_patient_history, skin_infection)},
    {"herpes_history", offsetof(scar_patient_history, herpes_history)},
    {"pregnant", offsetof(scar_patient_history, pregnant)},
    {"pih_history", offsetof(scar_patient_history, pih_history)},
    {"breastfeeding", offsetof(scar_patient_history, breastfeeding)},
    {"immunosuppressed", offsetof(scar_patient_history, immunosuppressed)},
    {"uncontrolled_diabetes", offsetof(scar_patient_history, uncontrolled_diabetes)},
    {"photosensitivity", offsetof(scar_patient_history, photosensitivity)},
};
enum { NFLAGS = sizeof flags / sizeof flags[0] };

/* The history's keys: the flags, then the two that are not yes or no. */
static const char *history_key_at(size_t i)
{
    return i < NFLAGS ? flags[i].key : i == NFLAGS ? "isotretinoin_months_ago" : "tried";
}
static const scar_doc_names history_names = {NULL, history_key_at, NFLAGS + 2};

static scar_status read_tried(const scar_doc *d, const scar_doc_node *v, scar_patient_history *h)
{
    const char *where = "history.tried";
    char field[64], found[96];
    if (v->type != SCAR_DOC_SEQ)
        return scar_doc_fail(d, v, where, "expected a list of treatments tried, found %s",
                             scar_doc_describe(v, found, sizeof found));
    if (v->n > SCAR_PATIENT_MAX_TRIED)
        return scar_doc_fail(d, v->kid[SCAR_PATIENT_MAX_TRIED], where,
                             "expected at most %d treatments tried, found %zu",
                             SCAR_PATIENT_MAX_TRIED, v->n);
    for (size_t i = 0; i < v->n; i++) {
        const char *text = NULL;
        snprintf(field, sizeof field, "%s[%zu]", where, i);
        scar_status st =
            scar_doc_string(d, v->kid[i], field, "the name of a treatment", TRIED_MAX_BYTES, &text);
        if (st)
            return st;
        if (!(h->tried[i] = scar_strdup(d->ctx, text)))
            return SCAR_ENOMEM;
        h->ntried++;
    }
    return SCAR_OK;
}

static scar_status read_history(const scar_doc *d, const scar_doc_node *hn, scar_patient_history *h)
{
    char field[64];
    scar_status st;
    if ((st = scar_doc_want_map(d, hn, "history",
                                "active_acne, isotretinoin_months_ago, pregnant, ...")) ||
        (st = scar_doc_check_keys(d, hn, "history", &history_names)))
        return st;
    for (size_t i = 0; i < NFLAGS; i++) {
        const scar_doc_node *v = scar_doc_opt(hn, flags[i].key);
        bool *slot = (bool *)(void *)((char *)h + flags[i].off);
        if (v && (st = scar_doc_bool(
                      d, v, scar_doc_join(field, sizeof field, "history", flags[i].key), slot)))
            return st;
    }
    const scar_doc_node *v;
    if ((st = scar_doc_opt_number(d, hn, "history", "isotretinoin_months_ago", 0.0,
                                  ISOTRETINOIN_MAX_MONTHS, "months", &h->isotretinoin_months_ago)))
        return st;
    if ((v = scar_doc_opt(hn, "tried")) && (st = read_tried(d, v, h)))
        return st;
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* preferences                                                              */
/* ------------------------------------------------------------------------ */

static const char *const prefs_keys[] = {"setting", "max_sessions", "start_date", "adjuncts_ok",
                                         "max_downtime_days"};
static const scar_doc_names prefs_names = {prefs_keys, NULL,
                                           sizeof prefs_keys / sizeof *prefs_keys};

static scar_status read_prefs(const scar_doc *d, const scar_doc_node *pn, scar_patient_prefs *pr)
{
    const char *where = "preferences";
    const scar_doc_names settings = {setting_names, NULL, 2};
    char found[96];
    const scar_doc_node *v;
    scar_status st;
    if ((st = scar_doc_want_map(d, pn, where, "setting, max_sessions, start_date, adjuncts_ok")) ||
        (st = scar_doc_check_keys(d, pn, where, &prefs_names)))
        return st;
    size_t setting = 0;
    if ((v = scar_doc_opt(pn, "setting")) &&
        (st = scar_doc_name(d, v, "preferences.setting", "a setting", &settings, &setting)))
        return st;
    pr->setting = (scar_setting)setting;
    if ((v = scar_doc_opt(pn, "max_sessions")) &&
        (st = scar_doc_int(d, v, "preferences.max_sessions", 1, SCAR_PATIENT_MAX_SESSIONS,
                           &pr->max_sessions)))
        return st;
    if ((v = scar_doc_opt(pn, "start_date"))) {
        /* a plain 2027-01-11 is text here: the tree never reads timestamps */
        if (!scar_doc_is_name(v) || !scar_date_parse(v->text, &pr->start_date))
            return scar_doc_fail(d, v, "preferences.start_date",
                                 "expected a date YYYY-MM-DD from 1900-01-01 to 2999-12-31, "
                                 "found %s",
                                 scar_doc_describe(v, found, sizeof found));
        pr->has_start = true;
    }
    if ((v = scar_doc_opt(pn, "adjuncts_ok")) &&
        (st = scar_scenario_read_adjuncts(d, v, "preferences.adjuncts_ok", pr->adjunct_ok)))
        return st;
    return scar_doc_opt_number(d, pn, where, "max_downtime_days", 0.0, MAX_DOWNTIME_DAYS, "days",
                               &pr->max_downtime_days);
}

/* ------------------------------------------------------------------------ */
/* the whole patient                                                        */
/* ------------------------------------------------------------------------ */

static const char *const root_keys[] = {"name", "age",     "fitzpatrick", "region",
                                        "skin", "history", "preferences", "seed"};
static const scar_doc_names root_names = {root_keys, NULL, sizeof root_keys / sizeof *root_keys};

/* What a file that says nothing about a question means. */
static void defaults(scar_patient *p)
{
    p->region = scar_region_find("cheek");
    scar_synth_spec_default(&p->synth);
    p->history.isotretinoin_months_ago = NAN;
    p->prefs.setting = SCAR_SETTING_CLINIC;
    p->prefs.max_sessions = DEFAULT_MAX_SESSIONS;
    p->prefs.max_downtime_days = NAN;
}

static scar_status read_patient(const scar_doc *d, const scar_doc_node *root, scar_patient *p)
{
    const char *want = "expected a mapping with the keys age, fitzpatrick and skin";
    char found[96];
    const scar_doc_node *v;
    scar_status st;
    if (!root)
        return scar_doc_fail(d, NULL, NULL, "%s, found an empty file", want);
    if (root->type != SCAR_DOC_MAP)
        return scar_doc_fail(d, root, NULL, "%s, found %s", want,
                             scar_doc_describe(root, found, sizeof found));
    if ((st = scar_doc_check_keys(d, root, "", &root_names)))
        return st;
    if ((v = scar_doc_opt(root, "name"))) {
        const char *name = NULL;
        if ((st = scar_doc_string(d, v, "name", "the patient's name", NAME_MAX_BYTES, &name)))
            return st;
        if (!(p->name = scar_strdup(d->ctx, name)))
            return SCAR_ENOMEM;
    }
    if ((st = scar_doc_req(d, root, "", "age", "the age in years, 12 to 100", &v)) ||
        (st = scar_doc_number(d, v, "age", 12.0, 100.0, "years", &p->age_y)) ||
        (st = scar_doc_req(d, root, "", "fitzpatrick", "the Fitzpatrick skin type, 1 to 6", &v)) ||
        (st = scar_doc_int(d, v, "fitzpatrick", 1, 6, &p->fitzpatrick)))
        return st;
    if ((v = scar_doc_opt(root, "region")) &&
        (st = scar_scenario_read_region(d, v, "region", &p->region)))
        return st;
    if ((st = scar_doc_req(d, root, "", "skin", "the scars: scars, surface or synth", &v)) ||
        (st = read_skin(d, v, p)))
        return st;
    if ((v = scar_doc_opt(root, "history")) && (st = read_history(d, v, &p->history)))
        return st;
    if ((v = scar_doc_opt(root, "preferences")) && (st = read_prefs(d, v, &p->prefs)))
        return st;
    if ((v = scar_doc_opt(root, "seed"))) {
        if ((st = scar_doc_u64(d, v, "seed", &p->seed)))
            return st;
        p->has_seed = true;
    }
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* public                                                                   */
/* ------------------------------------------------------------------------ */

/* The scar_doc_reader of a patient: out is a scar_patient **. */
static scar_status read_doc(const scar_doc *d, void *out)
{
    scar_patient *p = scar_calloc(d->ctx, 1, sizeof *p);
    if (p)
        defaults(p);
    scar_status st =
        !p || !(p->path = scar_strdup(d->ctx, d->file)) ? SCAR_ENOMEM : read_patient(d, d->root, p);
    if (st)
        scar_patient_destroy(&p);
    *(scar_patient **)out = p;
    return st;
}

scar_status scar_patient_parse(scar_ctx *ctx, const char *text, size_t len, const char *name,
                               const scar_doc_files *files, scar_patient **out)
{
    *out = NULL;
    return scar_doc_parse(ctx, text, len, name ? name : "patient", "patient file",
                          SCAR_PATIENT_MAX_BYTES, files, read_doc, out);
}

scar_status scar_patient_read(scar_ctx *ctx, const char *path, scar_patient **out)
{
    *out = NULL;
    return scar_doc_read(ctx, path, "patient file", SCAR_PATIENT_MAX_BYTES, read_doc, out);
}

void scar_patient_destroy(scar_patient **p)
{
    if (!p || !*p)
        return;
    for (size_t i = 0; i < (*p)->history.ntried; i++)
        free((*p)->history.tried[i]);
    free((*p)->path);
    free((*p)->name);
    free((*p)->surface_path);
    free(*p);
    *p = NULL;
}
