/*
 * plan_make.c — `scarsim plan` as one library call (docs/plan.md): screen
 * the patient, scan a measured or synthetic skin, search the protocols
 * screening allows on a virtual cohort around the patient, and write the
 * plan's folder.  The command line and the web API (`scarsim serve`) both
 * call it, so a plan made in the browser is the plan the command makes.
 */
#include "plan_report.h"

#include <stdlib.h>

/* The scars of a measured or synthetic skin, as the scan finds them. */
static scar_status skin_scars(scar_ctx *ctx, const scar_patient *pt, scar_scan_result **scan)
{
    scar_heightmap *hm = NULL;
    scar_status st;
    if (pt->skin == SCAR_SKIN_SURFACE) {
        scar_read_opts ro;
        scar_read_opts_default(&ro);
        st = scar_heightmap_read(ctx, pt->surface_path, &ro, &hm);
    } else {
        scar_scar_list truth = {0};
        st = scar_synth(ctx, &pt->synth, &hm, &truth);
        scar_scar_list_clear(&truth);
    }
    if (!st) {
        scar_scan_opts so;
        scar_scan_opts_default(&so);
        st = scar_scan(ctx, hm, &so, scan);
    }
    scar_heightmap_destroy(&hm);
    return st;
}

scar_status scar_plan_make(scar_ctx *ctx, const scar_patient *pt, const scar_plan_opts *o,
                           bool screen_only, const char *out_dir, scar_plan_made **out)
{
    *out = NULL;
    scar_plan_made *m = scar_calloc(ctx, 1, sizeof *m);
    if (!m)
        return SCAR_ENOMEM;
    scar_status st = SCAR_ENOMEM;
    if (!(m->screen = scar_malloc(ctx, sizeof *m->screen)))
        goto fail;
    scar_screen_patient(pt, m->screen);
    if ((st = scar_params_create(ctx, &m->params)) ||
        (st = scar_plan_evidence_table(ctx, &m->evidence)))
        goto fail;
    if (pt->skin != SCAR_SKIN_COUNTS && (st = skin_scars(ctx, pt, &m->scan)))
        goto fail;
    if (m->scan && m->scan->scars.n == 0) {
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, pt->path, 0, 0, "skin",
                           "expected a skin with scars, found none on the scan");
        goto fail;
    }
    const scar_scar *face = m->scan ? m->scan->scars.v : NULL;
    size_t nface = m->scan ? m->scan->scars.n : 0;
    if (m->screen->candidate && !screen_only &&
        (st = scar_plan_search(ctx, pt, m->screen, face, nface, m->params, o, &m->result)))
        goto fail;
    m->doc = (scar_plan_doc){.patient = pt, .screen = m->screen, .result = m->result,
                             .evidence = m->evidence, .params = m->params, .face = face,
                             .nface = nface};
    if (out_dir && (st = scar_plan_write(ctx, &m->doc, out_dir)))
        goto fail;
    *out = m;
    return SCAR_OK;
fail:
    scar_plan_made_destroy(&m);
    return st;
}

void scar_plan_made_destroy(scar_plan_made **pm)
{
    if (!pm || !*pm)
        return;
    scar_plan_made *m = *pm;
    scar_trial_table_destroy(&m->evidence);
    scar_plan_result_destroy(&m->result);
    scar_params_destroy(&m->params);
    scar_scan_result_destroy(&m->scan);
    free(m->screen);
    free(m);
    *pm = NULL;
}
