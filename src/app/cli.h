/*
 * cli.h — what every subcommand shares: the common options of DESIGN.md
 * (--help, --json, --seed, --threads, --quiet), error printing and exit codes.
 */
#ifndef SCAR_CLI_H
#define SCAR_CLI_H

#include "scarsim.h"

typedef struct cli_common {
    bool json;
    bool quiet;
    bool help;
    uint64_t seed;
    bool seed_given; /* --seed was on the command line */
    int threads;
    scar_progress_bar *bar;
} cli_common;

/* A subcommand: parses its own arguments (argv[0] is its name). */
typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(scar_ctx *ctx, int argc, char **argv);
} cli_command;

/* The default --seed (DESIGN.md: "default fixed"). */
#define CLI_DEFAULT_SEED 1u

/* If argv[*i] is a common option, consumes it (and its value) and returns 1;
 * returns 0 when it is not one; returns -1 after printing a usage error. */
int cli_common_option(cli_common *c, const char *cmd, int argc, char **argv, int *i);
void cli_common_init(cli_common *c);
/* Applies seed and threads to ctx and, unless quiet or json, installs a
 * progress bar on stderr when stderr is a terminal. */
void cli_common_apply(cli_common *c, scar_ctx *ctx);
void cli_common_done(cli_common *c);
/* The help lines of the common options. */
void cli_common_help(FILE *out);

/* Prints the context's error as one line "scarsim CMD: ..." and returns the
 * exit code of its status. */
int cli_fail(scar_ctx *ctx, const char *cmd);
/* Prints a usage error and returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Strict number parsing for option values: the whole string must parse. */
bool cli_parse_double(const char *s, double *out);
bool cli_parse_long(const char *s, long *out);
/* "WxH" in numbers, e.g. "12x12" or "40x30.5". */
bool cli_parse_pair(const char *s, double *a, double *b);

/* Logs to stderr unless quiet. */
void cli_log_stderr(void *user, scar_log_level level, const char *msg);

/* The integer value of option argv[*i], which must lie in [lo, hi]: 0 and
 * *i moved past it, or 2 after a usage error "option --x: expected lo to
 * hi, found '...'". */
int cli_int_option(const char *cmd, int argc, char **argv, int *i, long lo, long hi, int *out);

/* The rows of t whose study_id is in the comma-separated list (--study):
 * 0 done (*only malloc'ed), 1 a usage error printed, -1 out of memory. */
struct scar_trial_table;
struct scar_params;
int cli_select_studies(const struct scar_trial_table *t, const char *list, const char *cmd,
                       size_t **only, size_t *nonly);

/* --out DIR (-o DIR) and --dx-um D (20 to 200 um), shared by the cohort
 * commands: 1 when argv[*i] was one of them (consumed with its value), 0
 * when not, -1 after printing a usage error. */
int cli_out_dx_arg(const char *cmd, int argc, char **argv, int *i, const char **out,
                   double *dx_um);

/* What `trial` and `calibrate` share: the arms file, --out, --dx-um, --study. */
typedef struct cli_cohort {
    const char *csv, *out, *studies;
    double dx_um;
} cli_cohort;

/* Consumes argv[*i] when it is --out, --dx-um, --study or the arms file;
 * anything else starting with '-' is an unknown option.  Returns 1 when
 * consumed, -1 after printing a usage error. */
int cli_cohort_arg(cli_cohort *k, const char *cmd, int argc, char **argv, int *i);
/* After parsing: 0 when the arms file and --out were given, else 2 after a
 * usage error. */
int cli_cohort_check(const cli_cohort *k, const char *cmd);
/* Reads the arms file and the default parameters and selects --study's arms;
 * returns 0, or the exit code after printing the error. */
int cli_cohort_load(scar_ctx *ctx, const cli_cohort *k, const char *cmd,
                    struct scar_trial_table **t, struct scar_params **p, size_t **only,
                    size_t *nonly);

/* Prints j (taken over) on stdout as scarsim's JSON; 0, or the exit code
 * after printing the error. */
struct json_t;
int cli_print_json(scar_ctx *ctx, const char *cmd, struct json_t *j);

/* Subcommands. */
int cmd_synth(scar_ctx *ctx, int argc, char **argv);
int cmd_scan(scar_ctx *ctx, int argc, char **argv);
int cmd_demo(scar_ctx *ctx, int argc, char **argv);
int cmd_trial(scar_ctx *ctx, int argc, char **argv);
int cmd_plan(scar_ctx *ctx, int argc, char **argv);
int cmd_calibrate(scar_ctx *ctx, int argc, char **argv);
int cmd_bench(scar_ctx *ctx, int argc, char **argv);
int cmd_verify(scar_ctx *ctx, int argc, char **argv);
int cmd_run(scar_ctx *ctx, int argc, char **argv);
int cmd_serve(scar_ctx *ctx, int argc, char **argv);

#endif
