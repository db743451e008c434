/*
 * cmd_plan.c — `scarsim plan PATIENT.json --out DIR`: screen one patient,
 * search the protocols screening allows on a virtual cohort around the
 * patient, and write the report a patient can read (docs/plan.md).  Under
 * `mpirun -np N` the virtual patients of each batch are spread over the
 * ranks; rank 0 writes the results.
 */
#include "cli.h"

#include "core.h"

#include "plan_report.h"
#include "trial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fputs("Usage: scarsim plan PATIENT.json --out DIR [--patients N] [--dx-um D]\n"
          "                    [--sweeps N] [--screen-only] [--json]\n"
          "\n"
          "Plans a microneedling course for one patient.  PATIENT is JSON or YAML with the\n"
          "patient's age, Fitzpatrick type, region, scars (counts by type, or a measured\n"
          "surface), history and preferences (DESIGN.md, docs/plan.md).\n"
          "\n"
          "1. Screening: contraindications and cautions from evidence/safety.csv.  A patient\n"
          "   who should not be treated now gets \"candidate\": false and the reasons, each\n"
          "   with what to do first; no protocol is searched.\n"
          "2. Search: device, needle length, sessions, interval and accepted adjuncts,\n"
          "   within the limits screening leaves, each protocol run on N virtual patients\n"
          "   around this patient (the same patients for every protocol).\n"
          "3. Report: the recommended plan with dated sessions, the expected improvement\n"
          "   with its 95% band and the studies behind it, care before and after, side\n"
          "   effects, and a clinician page.\n"
          "\n"
          "DIR receives plan.json (keys of DESIGN.md), plans.csv, params.csv, tradeoff.png\n"
          "and .svg, and report.html (offline, printable).  The exit code is 0 also when\n"
          "the patient is not a candidate: the report says why.\n"
          "\n"
          "Options:\n"
          "  -o, --out DIR     the output folder (required)\n"
          "  --patients N      virtual patients per protocol (default 6; 2 to 1000)\n"
          "  --dx-um D         voxel edge of the patch simulations in um (default 150)\n"
          "  --sweeps N        most coordinate-search sweeps (default 3)\n"
          "  --screen-only     screen and report, without the protocol search\n",
          out);
    cli_common_help(out);
}

int cmd_plan(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    scar_plan_opts o;
    scar_plan_opts_default(&o);
    const char *file = NULL, *out = NULL;
    bool screen_only = false;
    for (int i = 1; i < argc; i++) {
        int m = cli_common_option(&c, "plan", argc, argv, &i);
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        const char *a = argv[i];
        int od = cli_out_dx_arg("plan", argc, argv, &i, &out, &o.dx_um);
        if (od < 0)
            return 2;
        if (od > 0)
            continue;
        if (strcmp(a, "--patients") == 0) {
            if (cli_int_option("plan", argc, argv, &i, SCAR_PLAN_PATIENTS_MIN,
                               SCAR_PLAN_PATIENTS_MAX, &o.patients))
                return 2;
        } else if (strcmp(a, "--sweeps") == 0) {
            if (cli_int_option("plan", argc, argv, &i, SCAR_PLAN_SWEEPS_MIN,
                               SCAR_PLAN_SWEEPS_MAX, &o.max_sweeps))
                return 2;
        } else if (strcmp(a, "--screen-only") == 0) {
            screen_only = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("plan", "unknown option '%s' (see scarsim plan --help)", a);
        } else if (!file) {
            file = a;
        } else {
            return cli_usage_error("plan", "expected one patient file, found a second: '%s'", a);
        }
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    if (!file)
        return cli_usage_error("plan", "expected a patient file (JSON or YAML)");
    if (!out)
        return cli_usage_error("plan", "expected --out DIR");
    bool root = scar_dist_rank() == 0;
    if (!root)
        c.quiet = true;
    cli_common_apply(&c, ctx);

    int rc = 0;
    scar_patient *pt = NULL;
    scar_plan_made *m = NULL;
    if (scar_patient_read(ctx, file, &pt)) {
        rc = cli_fail(ctx, "plan");
        goto done;
    }
    /* the patient file's seed unless --seed was given */
    o.seed = pt->has_seed && !c.seed_given ? pt->seed : scar_ctx_seed(ctx);
    if (scar_plan_make(ctx, pt, &o, screen_only, root ? out : NULL, &m)) {
        rc = cli_fail(ctx, "plan");
        goto done;
    }
    cli_common_done(&c);
    if (!root)
        goto done;
    const scar_screen *scr = m->screen;
    const scar_plan_result *res = m->result;
    if (c.json) {
        rc = cli_print_json(ctx, "plan", scar_plan_to_json(ctx, &m->doc));
    } else {
        if (!c.quiet) {
            if (!scr->candidate)
                fprintf(stderr, "scarsim plan: not a candidate now (%zu reason%s); ",
                        scr->nreasons, scr->nreasons == 1 ? "" : "s");
            else if (res)
                fprintf(stderr, "scarsim plan: %zu protocols tried on %d virtual patients in "
                                "%.1f s; ",
                        res->n, o.patients, res->seconds);
            else
                fprintf(stderr, "scarsim plan: screened (no search); ");
            fprintf(stderr, "the report is %s/report.html\n", out);
        }
        printf("%s/report.html\n", out);
    }
done:
    cli_common_done(&c);
    scar_plan_made_destroy(&m);
    scar_patient_destroy(&pt);
    return rc;
}
