/*
 * cmd_calibrate.c — `scarsim calibrate ARMS.csv --out DIR`: fit the model's
 * calibration knobs to published arms and histology (docs/calibration.md).
 */
#include "cli.h"

#include "cal_report.h"
#include "calibrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fputs("Usage: scarsim calibrate ARMS.csv --out DIR [--patients N] [--design K]\n"
          "                         [--refine R] [--dx-um D] [--study ID[,ID...]]\n"
          "                         [--vary-params] [--json]\n"
          "\n"
          "Fits the calibration knobs of the healing model (a_rho, a_M, kappa_t, a_fill,\n"
          "phi_rho, ell_s, f_regrow) to the published arms of ARMS.csv (the schema of\n"
          "evidence/trials.csv) that report a mean improvement or a responder rate, and to\n"
          "the histology of Lotfi 2013 when that study is in the file.  The training arms\n"
          "are simulated at K parameter points of a Latin-hypercube design (the same virtual\n"
          "patients at every point); each target gets a polynomial emulator; NLopt's BOBYQA\n"
          "minimises the objective on the emulators; the optimum is then simulated.  Each\n"
          "refining round does the same in a box of half the width around the best point\n"
          "simulated so far.  The calibrated set is the simulated point with the lowest\n"
          "objective.  Each study is also predicted by the simulated point that fits best\n"
          "without it (leave one study out).  The objective is stated in the outputs.\n"
          "\n"
          "DIR receives calibration.json, calibrated.csv (fitted values with provenance, the\n"
          "rows to carry into parameters.csv), params.csv, forest plots of the fit and of the\n"
          "leave-one-study-out predictions (PNG, SVG) and report.html.\n"
          "\n"
          "Options:\n"
          "  -o, --out DIR    the output folder (required)\n"
          "  --patients N     virtual patients per arm and design point (default 2)\n"
          "  --design K       design points per round, the defaults included (default 19)\n"
          "  --refine R       refining rounds, 0-5 (default 1)\n"
          "  --dx-um D        voxel edge of the patch simulations in um (default 150)\n"
          "  --vary-params    vary the uncertain parameters between the virtual patients, as\n"
          "                   scarsim trial does: fit the cohort's mean, not the typical\n"
          "                   patient (default: the typical patient)\n"
          "  --study IDS      only the arms of these study_ids (comma-separated)\n"
          "\n"
          "Cost: (R + 1) K + 1 virtual trials of the training arms; the full evidence table at the\n"
          "defaults takes tens of minutes on two cores.  Under mpirun the patients of each\n"
          "trial are spread over the ranks with the same numbers as one process.\n",
          out);
    cli_common_help(out);
}

int cmd_calibrate(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    scar_cal_opts o;
    scar_cal_opts_default(&o);
    cli_cohort k = {.dx_um = o.dx_um};
    for (int i = 1; i < argc; i++) {
        int m = cli_common_option(&c, "calibrate", argc, argv, &i);
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        const char *a = argv[i];
        if (strcmp(a, "--patients") == 0) {
            if (cli_int_option("calibrate", argc, argv, &i, 1, 1000, &o.patients))
                return 2;
        } else if (strcmp(a, "--design") == 0) {
            if (cli_int_option("calibrate", argc, argv, &i, 3, 200, &o.design))
                return 2;
        } else if (strcmp(a, "--refine") == 0) {
            if (cli_int_option("calibrate", argc, argv, &i, 0, 5, &o.refine))
                return 2;
        } else if (strcmp(a, "--vary-params") == 0) {
            o.vary_params = true;
        } else if (cli_cohort_arg(&k, "calibrate", argc, argv, &i) < 0) {
            return 2;
        }
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    if (cli_cohort_check(&k, "calibrate"))
        return 2;
    o.dx_um = k.dx_um;
    bool root = scar_dist_rank() == 0;
    if (!root)
        c.quiet = true;
    cli_common_apply(&c, ctx);
    o.seed = scar_ctx_seed(ctx);

    scar_trial_table *t = NULL;
    scar_params *p = NULL, *cal = NULL;
    scar_cal_result *r = NULL;
    size_t *only = NULL, nonly = 0;
    int rc = cli_cohort_load(ctx, &k, "calibrate", &t, &p, &only, &nonly);
    if (rc)
        goto done;
    if (scar_calibrate(ctx, t, p, &o, only, nonly, &r) || scar_cal_apply(ctx, r, p, &cal)) {
        rc = cli_fail(ctx, "calibrate");
        goto done;
    }
    cli_common_done(&c);
    if (!root)
        goto done;
    if (scar_cal_write(ctx, r, cal, k.out)) {
        rc = cli_fail(ctx, "calibrate");
        goto done;
    }
    if (c.json) {
        rc = cli_print_json(ctx, "calibrate", scar_cal_to_json(ctx, r));
    } else {
        if (!c.quiet)
            fprintf(stderr,
                    "scarsim calibrate: %zu targets, objective %.3g -> %.3g (simulated %.3g), "
                    "%.0f s; the report is %s/report.html\n",
                    r->nt, r->j_prior, r->j_best, r->j_sim_best, r->seconds, k.out);
        printf("%s/report.html\n", k.out);
    }
done:
    cli_common_done(&c);
    free(only);
    scar_cal_result_destroy(&r);
    scar_params_destroy(&cal);
    scar_params_destroy(&p);
    scar_trial_table_destroy(&t);
    return rc;
}
