/*
 * cmd_trial.c — `scarsim trial ARMS.csv --out DIR`: replay published trial
 * arms with virtual cohorts and put the predictions beside the published
 * numbers (docs/trial.md).  Under `mpirun -np N` the patients are spread
 * over the ranks; rank 0 writes the results.
 */
#include "cli.h"

#include "trial.h"
#include "trial_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fputs("Usage: scarsim trial ARMS.csv --out DIR [--patients N] [--study ID[,ID...]]\n"
          "                     [--dx-um D] [--fixed-params] [--json]\n"
          "\n"
          "Replays published trial arms with virtual patients.  ARMS.csv has the columns of\n"
          "evidence/trials.csv (found by header name; unknown columns are ignored; the\n"
          "protocol_* columns say what to simulate).  For each arm, N virtual patients are\n"
          "drawn: skin type from the arm's Fitzpatrick range, a scar inventory matched to\n"
          "its baseline severity, and the uncertain model parameters within their ranges.\n"
          "Each patient's course runs on a treated patch through the healing engine; the\n"
          "face is graded before and after on the arm's own scale (Goodman-Baron\n"
          "quantitative or qualitative, ECCA, or % improvement).  What an arm leaves\n"
          "unreported gets a stated default, listed with the arm.\n"
          "\n"
          "DIR receives trial.json (keys of DESIGN.md), arms.csv, patients.csv, params.csv,\n"
          "forest plots (forest_improvement, forest_responders; PNG and SVG) and report.html.\n"
          "\n"
          "Options:\n"
          "  -o, --out DIR    the output folder (required)\n"
          "  --patients N     virtual patients per arm (default 20)\n"
          "  --study IDS      only the arms of these study_ids (comma-separated)\n"
          "  --dx-um D        voxel edge of the patch simulations in um (default 100)\n"
          "  --fixed-params   every patient gets the default parameters (no variation)\n"
          "\n"
          "Distributed: mpirun -np 4 scarsim trial ARMS.csv --out DIR gives the same numbers\n"
          "as one process with the same --seed (docs/trial.md, \"MPI\").\n",
          out);
    cli_common_help(out);
}

int cmd_trial(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    scar_cohort_opts o;
    scar_cohort_opts_default(&o);
    cli_cohort k = {.dx_um = o.dx_um};
    for (int i = 1; i < argc; i++) {
        int m = cli_common_option(&c, "trial", argc, argv, &i);
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        const char *a = argv[i];
        if (strcmp(a, "--patients") == 0) {
            if (cli_int_option("trial", argc, argv, &i, 1, 100000, &o.patients))
                return 2;
        } else if (strcmp(a, "--fixed-params") == 0) {
            o.vary_params = false;
        } else if (cli_cohort_arg(&k, "trial", argc, argv, &i) < 0) {
            return 2;
        }
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    if (cli_cohort_check(&k, "trial"))
        return 2;
    o.dx_um = k.dx_um;
    bool root = scar_dist_rank() == 0;
    if (!root)
        c.quiet = true;
    cli_common_apply(&c, ctx);
    o.seed = scar_ctx_seed(ctx);

    scar_trial_table *t = NULL;
    scar_params *p = NULL;
    scar_trial_result *r = NULL;
    size_t *only = NULL, nonly = 0;
    int rc = cli_cohort_load(ctx, &k, "trial", &t, &p, &only, &nonly);
    if (rc)
        goto done;
    if (scar_trial_run(ctx, t, p, &o, only, nonly, &r)) {
        rc = cli_fail(ctx, "trial");
        goto done;
    }
    cli_common_done(&c);
    if (!root)
        goto done;
    if (scar_trial_write(ctx, r, k.out)) {
        rc = cli_fail(ctx, "trial");
        goto done;
    }
    if (c.json) {
        rc = cli_print_json(ctx, "trial", scar_trial_to_json(ctx, r));
    } else {
        if (!c.quiet) {
            int nsim = 0;
            for (size_t a = 0; a < t->n; a++)
                nsim += r->plans[a].simulate;
            fprintf(stderr,
                    "scarsim trial: %d of %zu arms simulated, %d patients each, %.1f s on %d "
                    "rank(s); the report is %s/report.html\n",
                    nsim, t->n, o.patients, r->seconds, r->ranks, k.out);
        }
        printf("%s/report.html\n", k.out);
    }
done:
    cli_common_done(&c);
    free(only);
    scar_trial_result_destroy(&r);
    scar_params_destroy(&p);
    scar_trial_table_destroy(&t);
    return rc;
}
