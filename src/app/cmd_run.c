/*
 * cmd_run.c — `scarsim run SCENARIO --out DIR`: simulate a treatment course,
 * with checkpoints beside DIR and --resume (docs/scenario.md).
 */
#include "cli.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set by SIGINT and SIGTERM: a signal handler can reach only a static
 * object, and may only write a volatile sig_atomic_t (C11 7.14.1.1).  The
 * course asks between two time steps, writes a checkpoint and stops. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static bool stop_asked(void *user, double day)
{
    (void)user;
    (void)day;
    return stop_requested != 0;
}

/* The handlers for the run; SA_RESETHAND: a second signal ends the process
 * at once, as it would without them. */
static void catch_signals(bool on, struct sigaction old[2])
{
    static const int sigs[2] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        if (!on) {
            sigaction(sigs[i], &old[i], NULL);
            continue;
        }
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sa.sa_flags = (int)SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, &old[i]);
    }
}

static void help(FILE *out)
{
    fputs("Usage: scarsim run SCENARIO --out DIR [--checkpoint-every DAYS] [--resume] [--json]\n"
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
          "A run can be stopped and continued: on SIGINT (Ctrl-C) or SIGTERM it writes a\n"
          "checkpoint at the next time step, prints where, writes no DIR and exits with 1;\n"
          "--resume continues from the checkpoint and ends with exactly the numbers of an\n"
          "uninterrupted run.  The checkpoint (DIR.checkpoint unless --checkpoint is given)\n"
          "is removed when the run completes.\n"
          "\n"
          "Options:\n"
          "  -o, --out DIR    the output folder (required; created if missing)\n"
          "  --check          only read and validate the scenario; print its effective\n"
          "                   settings (punctures per mm^2, penetration, days) as JSON\n"
          "  --checkpoint-every DAYS\n"
          "                   also write a checkpoint every DAYS of simulated time\n"
          "  --checkpoint FILE  the checkpoint file (default DIR.checkpoint)\n"
          "  --resume         continue from the checkpoint; refused when it is missing or\n"
          "                   was made by another scarsim, seed or scenario\n",
          out);
    cli_common_help(out);
}

int cmd_run(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    const char *scenario = NULL, *out = NULL;
    bool check = false;
    scar_run_opts ro = {.stop = stop_asked};
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
        } else if (strcmp(a, "--resume") == 0) {
            ro.resume = true;
        } else if (strcmp(a, "--checkpoint") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("run", "option --checkpoint: expected a file, found the "
                                              "end of the line");
            ro.checkpoint = argv[++i];
        } else if (strcmp(a, "--checkpoint-every") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (!cli_parse_double(v, &ro.checkpoint_days) || !(ro.checkpoint_days > 0) ||
                !isfinite(ro.checkpoint_days))
                return cli_usage_error("run", "option --checkpoint-every: expected a number of "
                                              "days > 0, found '%s'", v);
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
    /* beside the output folder: the folder itself is staged and appears only
     * when the run completes */
    char *ckpt = NULL;
    if (!ro.checkpoint) {
        size_t n = strlen(out);
        while (n > 1 && out[n - 1] == '/')
            n--;
        if (!(ckpt = malloc(n + sizeof ".checkpoint"))) {
            fputs("scarsim run: out of memory\n", stderr);
            return 1;
        }
        snprintf(ckpt, n + sizeof ".checkpoint", "%.*s.checkpoint", (int)n, out);
        ro.checkpoint = ckpt;
    }
    cli_common_apply(&c, ctx);
    char *summary = NULL;
    struct sigaction old[2];
    stop_requested = 0;
    catch_signals(true, old);
    scar_status st = scar_run_with(ctx, scenario, out, c.seed_given, &ro, &summary);
    catch_signals(false, old);
    cli_common_done(&c);
    free(ckpt);
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
