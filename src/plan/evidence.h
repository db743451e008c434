/*
 * evidence.h — the published trial arms behind a plan (plan layer).
 *
 * The evidence table (data/evidence/trials.csv) is compiled into scarsim, so
 * a plan cites studies without any data file at run time.  For a protocol,
 * the arms that used the same device, and those that added the same
 * adjunct, are what a patient's report lists as "the studies behind it",
 * with their published numbers as published (an empty cell stays unknown).
 */
#ifndef SCAR_PLAN_EVIDENCE_H
#define SCAR_PLAN_EVIDENCE_H

#include "trials.h"

/* The compiled-in table (parsed on each call; the caller destroys it). */
scar_status scar_plan_evidence_table(scar_ctx *ctx, scar_trial_table **out);

typedef struct scar_plan_match {
    const scar_trial_arm *arm;
    /* what the arm shares with the protocol */
    bool same_device;
    bool similar_device; /* another mechanical needling device (a roller for a pen) */
    bool same_adjuncts, shares_adjunct;
    const char *why;     /* "same device and adjuncts", ... */
} scar_plan_match;

/* The arms of t that match pr, best matches first: the same device and
 * adjuncts; another mechanical needling device (the table has no pen arm)
 * with the same adjuncts; the same device with other adjuncts; any device
 * sharing an adjunct.  At most max; returns how many. */
size_t scar_plan_evidence_match(const scar_trial_table *t, const scar_protocol *pr,
                                scar_plan_match *out, size_t max);

/* The arm's published improvement on its own scale as text ("31% (Goodman-
 * Baron quantitative)", "responders 94%"), or "" when it reports neither. */
void scar_plan_evidence_result(const scar_trial_arm *a, char *buf, size_t n);

#endif /* SCAR_PLAN_EVIDENCE_H */
