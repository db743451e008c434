/*
 * evidence.c — the compiled-in trials table and the arms that match a
 * protocol (evidence.h).
 */
#include "evidence.h"

#include "core.h"
#include "scar_trials_csv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

scar_status scar_plan_evidence_table(scar_ctx *ctx, scar_trial_table **out)
{
    return scar_trials_parse(ctx, scar_trials_csv, scar_trials_csv_len,
                             "data/evidence/trials.csv (compiled in)", out);
}

/* Mechanical needling: a pen, a stamp and a home roller make the same kind
 * of track as a dermaroller (the table has no pen arm). */
static bool mechanical(scar_device_kind k)
{
    return k == SCAR_DEV_ROLLER || k == SCAR_DEV_PEN || k == SCAR_DEV_STAMP ||
           k == SCAR_DEV_HOME_ROLLER;
}

/* The tier of an arm for a protocol, 1 best, 0 no match:
 *  1 same device, same adjuncts;
 *  2 another mechanical needling device, same adjuncts;
 *  3 same device, other adjuncts (sharing one first is not separated);
 *  4 any needling device, sharing an adjunct. */
static int match_tier(const scar_trial_arm *a, const scar_protocol *pr, scar_plan_match *m)
{
    memset(m, 0, sizeof *m);
    m->arm = a;
    if (!a->device_known || a->device_none)
        return 0;
    m->same_device = a->device == pr->device.kind;
    m->similar_device = !m->same_device && mechanical(a->device) && mechanical(pr->device.kind);
    bool same = true, shares = false;
    for (int k = 0; k < SCAR_ADJ_COUNT; k++) {
        same &= a->adjunct[k] == pr->adjunct[k];
        shares |= a->adjunct[k] && pr->adjunct[k];
    }
    m->same_adjuncts = same;
    m->shares_adjunct = shares;
    if (m->same_device && same) {
        m->why = "same device and adjuncts";
        return 1;
    }
    if (m->similar_device && same) {
        m->why = "needling with another device, same adjuncts";
        return 2;
    }
    if (m->same_device) {
        m->why = shares ? "same device, shares an adjunct" : "same device, other adjuncts";
        return 3;
    }
    if (shares) {
        m->why = "another device, shares an adjunct";
        return 4;
    }
    return 0;
}

size_t scar_plan_evidence_match(const scar_trial_table *t, const scar_protocol *pr,
                                scar_plan_match *out, size_t max)
{
    size_t n = 0;
    for (int want = 1; want <= 4; want++)
        for (size_t a = 0; a < t->n && n < max; a++) {
            scar_plan_match m;
            if (match_tier(&t->arms[a], pr, &m) == want)
                out[n++] = m;
        }
    return n;
}

void scar_plan_evidence_result(const scar_trial_arm *a, char *buf, size_t n)
{
    buf[0] = '\0';
    double imp = scar_trial_arm_published_improvement(a);
    size_t k = 0;
    if (isfinite(imp))
        k = (size_t)snprintf(buf, n, "%.0f%% better", imp);
    if (isfinite(a->responder_pct) && k < n)
        snprintf(buf + k, n - k, "%s%.0f%% responders", k ? "; " : "", a->responder_pct);
}
