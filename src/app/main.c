/*
 * main.c — the scarsim command line: dispatch to one file per subcommand.
 */
#include "cli.h"
#include "scar_git_hash.h"
#include "trial.h"

#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
    {"demo", "the main job on built-in defaults: a scarred skin, scanned, then a pen course",
     cmd_demo},
    {"run", "simulate a treatment course on a skin, session by session", cmd_run},
    {"synth", "make a synthetic skin surface with known scars", cmd_synth},
    {"scan", "find, measure, classify and grade the scars on a skin surface", cmd_scan},
    {"verify", "check the healing engine against exact results", cmd_verify},
    {"plan", "screen a patient and plan a course, with the report a patient can read",
     cmd_plan},
    {"trial", "replay published trial arms with virtual patients", cmd_trial},
    {"calibrate", "fit the model's calibration knobs to published trials", cmd_calibrate},
    {"bench", "the kernels' throughput and the machine's memory bandwidth", cmd_bench},
    {"serve", "the web page and its API on this machine (http://127.0.0.1:8642/)", cmd_serve},
};

static void usage(FILE *out)
{
    fprintf(out,
            "scarsim %s — acne-scar topography and collagen-induction therapy\n\n"
            "Usage: scarsim COMMAND [OPTIONS]\n\nCommands:\n",
            SCAR_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'scarsim COMMAND --help' describes a command.\n"
                 "Exit codes: 0 success, 1 failure while running, 2 bad input or usage.\n\n%s\n",
            SCAR_DISCLAIMER);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("scarsim %s (%s)\n", SCAR_VERSION, SCAR_GIT_HASH);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(name, commands[i].name) != 0)
            continue;
        scar_ctx *ctx = scar_ctx_create();
        if (!ctx) {
            fprintf(stderr, "scarsim: out of memory\n");
            return 1;
        }
        /* MPI starts only under mpirun (distribute.c) */
        scar_dist_init(&argc, &argv);
        int rc = commands[i].run(ctx, argc - 1, argv + 1);
        scar_ctx_destroy(&ctx);
        scar_dist_finalize();
        return rc;
    }
    fprintf(stderr, "scarsim: unknown command '%s' (expected one of:", name);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(stderr, "%s %s", i ? "," : "", commands[i].name);
    fprintf(stderr, "; see 'scarsim --help')\n");
    return 2;
}
