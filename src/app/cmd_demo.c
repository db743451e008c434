/*
 * cmd_demo.c — `scarsim demo`: the main job on built-in defaults, no input
 * files: a synthetic cheek patch with mixed scars and a four-session pen
 * course at 1.5 mm, six weeks apart (DESIGN.md), run through `scarsim run`'s
 * library call.  The scenario is written beside the results, so the demo is
 * also a template for one's own runs.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The demo: a 10 x 10 mm cheek patch at 25 um with one icepick, two boxcar
 * and one rolling scar; the tissue at 50 um voxels keeps the run near a
 * minute on two cores (docs/engine.md, "Speed"). */
static const char demo_scenario[] =
    "{\n"
    "  \"skin\": {\"synth\": {\"scars\": {\"icepick\": 1, \"boxcar\": 2, \"rolling\": 1},\n"
    "                       \"size_mm\": [10, 10], \"px_um\": 25, \"seed\": 1},\n"
    "           \"region\": \"cheek\", \"fitzpatrick\": 3, \"age\": 28},\n"
    "  \"protocol\": {\"device\": \"pen\", \"needle_mm\": 1.5, \"passes\": 4, \"sessions\": 4,\n"
    "               \"interval_weeks\": 6, \"adjuncts\": [], \"follow_up_weeks\": 12},\n"
    "  \"grid\": {\"dx_um\": 50},\n"
    "  \"output\": {\"vti_days\": [2]}\n"
    "}\n";

/* --quick: the same kind of run, small enough for the test suite. */
static const char quick_scenario[] =
    "{\n"
    "  \"skin\": {\"synth\": {\"scars\": {\"boxcar\": 1, \"rolling\": 1},\n"
    "                       \"size_mm\": [12, 9], \"px_um\": 25, \"seed\": 2},\n"
    "           \"region\": \"cheek\", \"fitzpatrick\": 3, \"age\": 28},\n"
    "  \"protocol\": {\"device\": \"pen\", \"needle_mm\": 1.5, \"passes\": 4, \"sessions\": 2,\n"
    "               \"interval_weeks\": 2, \"adjuncts\": [], \"follow_up_weeks\": 2},\n"
    "  \"grid\": {\"dx_um\": 100},\n"
    "  \"output\": {\"vti_days\": [1]}\n"
    "}\n";

static void help(FILE *out)
{
    fputs("Usage: scarsim demo [--out DIR] [--quick]\n"
          "\n"
          "The main job on built-in defaults: a synthetic 10 x 10 mm cheek patch with one\n"
          "icepick, two boxcar and one rolling scar is scanned and graded, then a course of four\n"
          "pen sessions at 1.5 mm, six weeks apart, with twelve weeks of follow-up is simulated\n"
          "day by day (about a minute on two cores).  Writes into DIR (default scarsim-demo)\n"
          "everything `scarsim run` writes (report.html, summary.json, timeseries.csv, surfaces,\n"
          "plots, a ParaView snapshot) and scenario.json, the scenario it ran, to start your\n"
          "own from.  Prints the report's path.\n"
          "\n"
          "Options:\n"
          "  --out DIR        the output folder\n"
          "  --quick          a smaller patch and a short course (seconds; for tests)\n",
          out);
    cli_common_help(out);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int cmd_demo(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    const char *dir = "scarsim-demo";
    bool quick = false;
    for (int i = 1; i < argc; i++) {
        int k = cli_common_option(&c, "demo", argc, argv, &i);
        if (k < 0)
            return 2;
        if (k > 0)
            continue;
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--out") == 0)
            return cli_usage_error("demo", "option --out: expected a folder, found the end of "
                                           "the line");
        else if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else
            return cli_usage_error("demo", "unknown argument '%s'", argv[i]);
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    cli_common_apply(&c, ctx);
    const char *text = quick ? quick_scenario : demo_scenario;
    char *scenario = join(dir, "scenario.json"), *summary = NULL;
    int rc = 0;
    if (!scenario) {
        fprintf(stderr, "scarsim demo: out of memory\n");
        rc = 1;
    } else if (scar_mkdir_p(ctx, dir) || scar_write_file(ctx, scenario, text, strlen(text)) ||
               scar_run(ctx, scenario, dir, c.seed_given, &summary)) {
        rc = cli_fail(ctx, "demo");
    }
    cli_common_done(&c);
    if (!rc) {
        if (c.json)
            puts(summary);
        else
            printf("%s/report.html\n", dir);
    }
    free(summary);
    free(scenario);
    return rc;
}
