/*
 * trial_internal.h — what the files of `scarsim trial`'s output folder share
 * (docs/trial.md).  trial_view.c: one arm as every writer sees it (its
 * protocol, its predicted and published numbers) and the whole replay in a
 * few numbers.  trial_json.c: trial.json.  trial_html.c: report.html.
 * trial_report.c: the CSV files, the forest plots (their page and file
 * names are shared with the HTML, which embeds them) and the folder.
 */
#ifndef SCAR_TRIAL_INTERNAL_H
#define SCAR_TRIAL_INTERNAL_H

#include "trial.h"

#include <stdbool.h>
#include <stddef.h>

/* The bar a prediction is held to: within 15 points of the published mean
 * improvement, on the arm's own scale (the calibration uses the same width,
 * cal_report.c). */
#define BAR_POINTS 15.0

/* s, or "" when NULL. */
const char *trial_txt(const char *s);

/* ------------------------------------------------------------------------ */
/* one arm, as every writer sees it                                          */
/* ------------------------------------------------------------------------ */

/* The protocol reported for an arm: the one simulated (with its defaults)
 * when it was simulated, else the table's protocol_* columns as given. */
typedef struct proto_view {
    bool simulated;
    const char *device; /* NULL unknown; "none" no needling */
    double needle_mm;   /* NaN unknown */
    int sessions;       /* -1 unknown */
    double interval_weeks, follow_up_weeks;
    const bool *adjunct; /* SCAR_ADJ_COUNT entries */
} proto_view;

typedef struct arm_view {
    const scar_trial_arm *a;
    const scar_arm_plan *p;
    const scar_arm_summary *s;
    bool pred;           /* simulated: there are virtual patients */
    const char *why_not; /* when not */
    proto_view proto;
    double pub, imp, lo, hi, sd, gap;
    bool pub_computed; /* the published % comes from baseline and final means */
    double pub_resp, resp, resp_lo, resp_hi;
    double before, after, change, pub_change;
    double bands[4], pub_bands[4];
    double vol, ery;
} arm_view;

/* Arm k of the result; an arm that was not simulated has every predicted
 * number NaN. */
void trial_view_make(const scar_trial_result *r, size_t k, arm_view *v);
/* The unit of a scale, for a reader ("points of 84"), and its short name for
 * a table or a plot label ("GB 0-84"). */
const char *trial_scale_unit(scar_scale s);
const char *trial_scale_short(scar_scale s);

/* ------------------------------------------------------------------------ */
/* the whole replay in a few numbers                                         */
/* ------------------------------------------------------------------------ */

typedef struct group {
    int arms;     /* simulated */
    int with_pub; /* of them, with a published mean improvement */
    int within;   /* of those, within the bar */
    double sum_gap, sum_pub, sum_pred;
} group;

typedef struct tally {
    size_t n;
    int simulated, with_pub, within;
    int with_pub_resp, within_resp;
    group g[2]; /* 0 open-label, 1 blinded (RCT or blinded raters) */
} tally;

/* Every arm of the result, counted (open-label and blinded apart). */
void trial_tally_make(const scar_trial_result *r, tally *t);
/* The mean of sum over the group's arms with a published improvement; NaN
 * when there are none. */
double trial_group_mean(const group *g, double sum);

/* ------------------------------------------------------------------------ */
/* forest plots (trial_report.c), as report.html finds them                  */
/* ------------------------------------------------------------------------ */

/* The number of pages of a forest plot of n rows (a long one continues in
 * stem_2.png, ...), and the file name of page `page` (from 0) with extension
 * ext. */
size_t trial_forest_pages(size_t n);
void trial_forest_name(const char *stem, size_t page, const char *ext, char *buf, size_t n);
/* Which arms are rows: every simulated arm for improvement (a published
 * number or not), every arm with a published responder share. */
bool trial_improvement_row(const arm_view *v);
bool trial_responder_row(const arm_view *v);
/* The arms of the result that are rows. */
size_t trial_count_rows(const scar_trial_result *r, bool (*is_row)(const arm_view *));

/* report.html (trial_html.c), embedding the forest plots already in dir. */
scar_status trial_write_html(scar_ctx *ctx, const scar_trial_result *r, const char *dir);

#endif /* SCAR_TRIAL_INTERNAL_H */
