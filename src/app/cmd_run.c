/*
 * cmd_run.c — `scarsim run SCENARIO --out DIR`: simulate a treatment course.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fputs("Usage: scarsim run SCENARIO --out DIR [--json]\n"
          "\n"
          "Simulates a microneedling course on a skin: the skin's scars are measured, the tissue\n"
          "under them is built, every session's needle tracks injure it and it heals, day by\n"
          "day, with the healing model of docs/engine.md; after each session the simulated skin\n"
          "is scanned again.  SCENARIO is JSON or YAML (docs/scenario.md), e.g.\n"
          "\n"
          "  {\"skin\": {\"synth\": {\"scars\": {\"boxcar\": 2, \"icepick\": 1, \"rolling\": 1},\n"
          "             \"size_mm\": [12, 12], \"px_um\": 25, \"seed\": 1},\n"
          "            \"region\": \"cheek\", \"fitzpatrick\": 3, \"age\": 28},\n"
          "   \"protocol\": {\"device\": \"pen\", \"needle_mm\": 1.5, \"passes\": 4, \"sessions\": 4,\n"
          "                \"interval_weeks\": 6, \"adjuncts\": [], \"follow_up_weeks\": 12},\n"
          "   \"grid\": {\"dx_um\": 50}}\n"
          "\n"
          "DIR receives summary.json (written last), timeseries.csv, params.csv, the surfaces\n"
          "before and after each session (.gsf), plots (.png, .svg), report.html and, when the\n"
          "scenario asks (output.vti_days), tissue snapshots for ParaView (.vti, tissue.pvd).\n"
          "\n"
          "Options:\n"
          "  -o, --out DIR    the output folder (required; created if missing)\n"
          "  --check          only read and validate the scenario; print its effective\n"
          "                   settings (punctures per mm^2, penetration, days) as JSON\n",
          out);
    cli_common_help(out);
}

int cmd_run(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    const char *scenario = NULL, *out = NULL;
    bool check = false;
    for (int i = 1; i < argc; i++) {
        int k = cli_common_option(&c, "run", argc, argv, &i);
        if (k < 0)
            return 2;
        if (k > 0)
            continue;
        const char *a = argv[i];
        if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("run", "option %s: expected a folder, found the end of "
                                              "the line", a);
            out = argv[++i];
        } else if (strcmp(a, "--check") == 0) {
            check = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("run", "unknown option '%s'", a);
        } else if (!scenario) {
            scenario = a;
        } else {
            return cli_usage_error("run", "expected one scenario file, found a second: '%s'", a);
        }
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    if (!scenario)
        return cli_usage_error("run", "expected a scenario file");
    if (check) {
        char *text = NULL;
        if (scar_run_check(ctx, scenario, &text))
            return cli_fail(ctx, "run");
        puts(text);
        free(text);
        return 0;
    }
    if (!out)
        return cli_usage_error("run", "expected an output folder (--out DIR)");
    cli_common_apply(&c, ctx);
    char *summary = NULL;
    scar_status st = scar_run(ctx, scenario, out, c.seed_given, &summary);
    cli_common_done(&c);
    if (st)
        return cli_fail(ctx, "run");
    if (c.json)
        puts(summary);
    else if (!c.quiet)
        fprintf(stderr, "scarsim run: done; the report is %s/report.html\n", out);
    if (!c.json)
        printf("%s/report.html\n", out);
    free(summary);
    return 0;
}
