/*
 * plan_json.c — plan.json of a patient's plan (also `plan --json`): the
 * screening, every candidate protocol ranked, the recommendation, the dated
 * schedule, the risks and the studies behind each plan, with the keys of
 * DESIGN.md.  An unknown number is null, never 0.
 */
#include "plan_report.h"

#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The evidence arms listed per plan. */
#define MAX_MATCHES 8

static json_t *adjuncts_json(scar_jb *b, const bool *adj)
{
    json_t *j = json_array();
    for (int k = 0; k < SCAR_ADJ_COUNT; k++)
        if (adj[k])
            scar_jb_push(b, j, json_string(scar_adjunct_name((scar_adjunct)k)));
    return j;
}

static json_t *patient_json(scar_jb *b, const scar_plan_doc *d)
{
    const scar_patient *pt = d->patient;
    json_t *j = json_object(), *skin = json_object(), *pref = json_object();
    scar_jb_put(b, j, "name", scar_json_str(pt->name));
    scar_jb_put(b, j, "age", scar_json_real(pt->age_y, 4));
    scar_jb_put(b, j, "fitzpatrick", json_integer(pt->fitzpatrick));
    scar_jb_put(b, j, "region", json_string(pt->region ? pt->region->name : "cheek"));
    static const char *const src[] = {"counts", "surface", "synth"};
    scar_jb_put(b, skin, "from", json_string(src[pt->skin]));
    json_t *counts = json_object();
    int n[SCAR_TYPE_COUNT] = {0};
    if (d->face)
        for (size_t k = 0; k < d->nface; k++)
            n[d->face[k].type]++;
    else
        memcpy(n, pt->counts, sizeof n);
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        scar_jb_put(b, counts, scar_type_name((scar_type)t), json_integer(n[t]));
    scar_jb_put(b, skin, "scars", counts);
    if (pt->surface_path)
        scar_jb_put(b, skin, "surface", json_string(pt->surface_path));
    scar_jb_put(b, j, "skin", skin);
    json_t *tried = json_array();
    for (size_t k = 0; k < pt->history.ntried; k++)
        scar_jb_push(b, tried, json_string(pt->history.tried[k]));
    scar_jb_put(b, j, "tried", tried);
    scar_jb_put(b, pref, "setting", json_string(scar_setting_name(pt->prefs.setting)));
    scar_jb_put(b, pref, "max_sessions", json_integer(pt->prefs.max_sessions));
    char date[16];
    if (pt->prefs.has_start) {
        scar_date_format(pt->prefs.start_date, date, sizeof date);
        scar_jb_put(b, pref, "start_date", json_string(date));
    } else {
        scar_jb_put(b, pref, "start_date", json_null());
    }
    scar_jb_put(b, pref, "adjuncts_ok", adjuncts_json(b, pt->prefs.adjunct_ok));
    scar_jb_put(b, pref, "max_downtime_days", scar_json_real(pt->prefs.max_downtime_days, 4));
    scar_jb_put(b, j, "preferences", pref);
    return j;
}

static json_t *risks_json(scar_jb *b, const scar_side_effects *se)
{
    json_t *j = json_array();
    char buf[1024];
    for (size_t k = 0; k < se->nitems; k++) {
        const scar_se_item *it = &se->items[k];
        if (it->session != 0)
            continue; /* per-session redness is in downtime_days_per_session */
        json_t *o = json_object();
        scar_jb_put(b, o, "id", json_string(it->id));
        scar_jb_put(b, o, "level", json_string(scar_se_level_name(it->level)));
        scar_jb_put(b, o, "text", json_string(it->text));
        scar_se_item_sources(it, buf, sizeof buf);
        scar_jb_put(b, o, "source", json_string(buf));
        scar_jb_push(b, j, o);
    }
    return j;
}

static json_t *evidence_json(scar_jb *b, const scar_plan_doc *d, const scar_protocol *pr)
{
    json_t *j = json_array();
    if (!d->evidence)
        return j;
    scar_plan_match m[MAX_MATCHES];
    size_t n = scar_plan_evidence_match(d->evidence, pr, m, MAX_MATCHES);
    char res[128];
    for (size_t k = 0; k < n; k++) {
        const scar_trial_arm *a = m[k].arm;
        json_t *o = json_object();
        scar_jb_put(b, o, "study_id", scar_json_str(a->study_id));
        scar_jb_put(b, o, "arm", scar_json_str(a->arm));
        scar_jb_put(b, o, "design", json_string(scar_trial_design_name(a->design)));
        scar_jb_put(b, o, "n_patients", a->n_patients >= 0 ? json_integer(a->n_patients)
                                                           : json_null());
        scar_jb_put(b, o, "scale", scar_json_str(a->scale));
        scar_jb_put(b, o, "published_improvement_pct", scar_json_real(a->mean_improvement_pct, 4));
        scar_jb_put(b, o, "published_responder_pct", scar_json_real(a->responder_pct, 4));
        scar_plan_evidence_result(a, res, sizeof res);
        scar_jb_put(b, o, "result", json_string(res));
        scar_jb_put(b, o, "match", json_string(m[k].why));
        scar_jb_put(b, o, "source", scar_json_str(a->doi_or_url));
        scar_jb_push(b, j, o);
    }
    return j;
}

static json_t *candidate_json(scar_ctx *ctx, scar_jb *b, const scar_plan_doc *d, size_t k)
{
    const scar_plan_result *r = d->result;
    const scar_plan_candidate *c = &r->cand[k];
    const scar_protocol *pr = &c->protocol;
    json_t *j = json_object();
    scar_jb_put(b, j, "rank", json_integer((json_int_t)k + 1));
    scar_jb_put(b, j, "recommended", json_boolean(k == r->recommended));
    scar_jb_put(b, j, "device", json_string(scar_device_name(pr->device.kind)));
    scar_jb_put(b, j, "needle_mm", scar_json_real(pr->device.needle_mm, 4));
    scar_jb_put(b, j, "sessions", json_integer(pr->sessions));
    scar_jb_put(b, j, "interval_weeks", scar_json_real(pr->interval_days / 7.0, 4));
    scar_jb_put(b, j, "adjuncts", adjuncts_json(b, pr->adjunct));
    scar_jb_put(b, j, "follow_up_weeks", scar_json_real(pr->follow_up_days / 7.0, 4));
    scar_jb_put(b, j, "predicted_improvement_pct", scar_json_real(c->improvement_pct, 4));
    scar_jb_put(b, j, "ci95", scar_jb_pair(b, c->ci95[0], c->ci95[1], 4));
    scar_jb_put(b, j, "sd_pct", scar_json_real(c->sd_pct, 4));
    scar_jb_put(b, j, "improvement_measure",
                json_string("fall of the face's total scar volume, % (as `run`)"));
    json_t *gbq = json_object(), *gr = json_object(), *byt = json_object();
    scar_jb_put(b, gbq, "before", scar_json_real(c->gbq_before, 4));
    scar_jb_put(b, gbq, "after", scar_json_real(c->gbq_after, 4));
    scar_jb_put(b, j, "goodman_baron_quantitative", gbq);
    scar_jb_put(b, gr, "before", scar_json_real(c->grade_before, 4));
    scar_jb_put(b, gr, "after", scar_json_real(c->grade_after, 4));
    scar_jb_put(b, j, "goodman_baron_qualitative", gr);
    scar_jb_put(b, j, "responder_pct", scar_json_real(c->responder_pct, 4));
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        if (r->types[t])
            scar_jb_put(b, byt, scar_type_name((scar_type)t), scar_json_real(c->depth_resp_pct[t], 4));
    scar_jb_put(b, j, "depth_fall_pct_by_type", byt);
    scar_jb_put(b, j, "downtime_days_per_session",
                scar_jb_pair(b, c->downtime_lo_days, c->downtime_hi_days, 4));
    scar_jb_put(b, j, "total_downtime_days", scar_json_real(c->total_downtime_days, 4));
    scar_jb_put(b, j, "predicted_erythema_days", scar_json_real(c->erythema_days, 4));
    scar_jb_put(b, j, "risk_level", json_string(scar_se_level_name(c->risk)));
    scar_side_effects *se = NULL;
    if (scar_plan_risks(ctx, d->patient, pr, &se) == SCAR_OK) {
        scar_jb_put(b, j, "risks", risks_json(b, se));
        free(se);
    } else {
        b->ok = false;
    }
    scar_jb_put(b, j, "within_noise_of_best", json_boolean(c->within_noise));
    scar_jb_put(b, j, "se_vs_best_pct", scar_json_real(c->se_diff_best, 3));
    scar_jb_put(b, j, "pareto", json_boolean(c->pareto));
    scar_jb_put(b, j, "over_patient_downtime", json_boolean(c->over_downtime));
    json_t *days = json_array(), *sched = json_array();
    for (int s = 1; s <= pr->sessions; s++)
        scar_jb_push(b, days, json_integer(lround(scar_protocol_session_day(pr, s))));
    scar_jb_put(b, j, "session_days", days);
    if (d->patient->prefs.has_start) {
        scar_date dates[SCAR_PATIENT_MAX_SESSIONS], fu;
        scar_plan_schedule(pr, d->patient->prefs.start_date, dates, &fu);
        char buf[16];
        for (int s = 0; s < pr->sessions && s < SCAR_PATIENT_MAX_SESSIONS; s++) {
            scar_date_format(dates[s], buf, sizeof buf);
            scar_jb_push(b, sched, json_string(buf));
        }
        scar_jb_put(b, j, "schedule", sched);
        scar_date_format(fu, buf, sizeof buf);
        scar_jb_put(b, j, "follow_up_date", json_string(buf));
    } else {
        json_decref(sched);
        scar_jb_put(b, j, "schedule", json_null());
        scar_jb_put(b, j, "follow_up_date", json_null());
    }
    scar_jb_put(b, j, "evidence", evidence_json(b, d, pr));
    return j;
}

static json_t *search_json(scar_jb *b, const scar_plan_result *r)
{
    json_t *j = json_object();
    scar_jb_put(b, j, "method",
                json_string("coordinate search over device, needle length, sessions, interval "
                            "and adjuncts from 1.5 mm x 3 sessions 4 weeks apart (Harris 2015); "
                            "every candidate on the same virtual patients; recommended: the "
                            "gentlest (risk level, warnings, cautions, downtime, sessions) among "
                            "the candidates equivalent to the best (paired difference within one "
                            "standard error or below a small effect, Cohen's d 0.2)"));
    scar_jb_put(b, j, "virtual_patients", json_integer(r->opts.patients));
    scar_jb_put(b, j, "dx_um", scar_json_real(r->opts.dx_um, 4));
    scar_jb_put(b, j, "patch_mm", scar_json_real(r->opts.patch_mm, 4));
    scar_jb_put(b, j, "follow_up_weeks", scar_json_real(r->opts.follow_up_weeks, 4));
    scar_jb_put(b, j, "seed", json_integer((json_int_t)r->opts.seed));
    scar_jb_put(b, j, "sweeps", json_integer(r->sweeps));
    scar_jb_put(b, j, "evaluated", json_integer((json_int_t)r->n));
    scar_jb_put(b, j, "face_scars", json_integer(r->face_scars));
    scar_jb_put(b, j, "seconds", scar_json_real(r->seconds, 3));
    scar_jb_put(b, j, "patient_seconds", scar_json_real(r->patient_seconds, 3));
    json_t *varied = json_array();
    for (size_t k = 0; k < scar_cohort_varied_count(); k++) {
        const scar_varied_param *v = scar_cohort_varied_at(k);
        json_t *o = json_object();
        scar_jb_put(b, o, "name", json_string(v->name));
        scar_jb_put(b, o, "why", json_string(v->why));
        scar_jb_push(b, varied, o);
    }
    scar_jb_put(b, j, "varied_parameters", varied);
    return j;
}

json_t *scar_plan_to_json(scar_ctx *ctx, const scar_plan_doc *d)
{
    scar_jb b = {true};
    json_t *doc = json_object();
    scar_jb_put(&b, doc, "provenance", scar_json_provenance(ctx));
    scar_jb_put(&b, doc, "disclaimer", json_string(SCAR_DISCLAIMER));
    scar_jb_put(&b, doc, "patient", patient_json(&b, d));
    json_t *scr = scar_screen_json(d->screen);
    scar_jb_put(&b, doc, "candidate", json_boolean(d->screen->candidate));
    if (scr) {
        scar_jb_put(&b, doc, "reasons", json_incref(json_object_get(scr, "reasons")));
        scar_jb_put(&b, doc, "limits", json_incref(json_object_get(scr, "limits")));
        json_decref(scr);
    } else {
        b.ok = false;
    }
    json_t *plans = json_array();
    const scar_plan_result *r = d->result;
    if (r) {
        for (size_t k = 0; k < r->n; k++)
            scar_jb_push(&b, plans, candidate_json(ctx, &b, d, k));
        scar_jb_put(&b, doc, "recommended", json_integer((json_int_t)r->recommended));
        scar_jb_put(&b, doc, "search", search_json(&b, r));
    } else {
        scar_jb_put(&b, doc, "recommended", json_null());
        scar_jb_put(&b, doc, "search", json_null());
    }
    scar_jb_put(&b, doc, "plans", plans);
    if (!b.ok) {
        json_decref(doc);
        SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory building plan.json");
        return NULL;
    }
    return doc;
}
