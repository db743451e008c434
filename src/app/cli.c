/*
 * cli.c — common options and error reporting for every subcommand.
 */
#include "cli.h"

#include "json.h"
#include "params_api.h"
#include "search.h"
#include "trials.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_common_init(cli_common *c)
{
    memset(c, 0, sizeof *c);
    c->seed = CLI_DEFAULT_SEED;
}

bool cli_parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || errno == ERANGE || v != v)
        return false;
    *out = v;
    return true;
}

bool cli_parse_long(const char *s, long *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

bool cli_parse_pair(const char *s, double *a, double *b)
{
    const char *x = strchr(s, 'x');
    if (!x)
        x = strchr(s, 'X');
    if (!x || x == s)
        return false;
    char left[64];
    size_t n = (size_t)(x - s);
    if (n >= sizeof left)
        return false;
    memcpy(left, s, n);
    left[n] = '\0';
    return cli_parse_double(left, a) && cli_parse_double(x + 1, b);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "scarsim %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'scarsim %s --help')\n", cmd);
    return 2;
}

int cli_common_option(cli_common *c, const char *cmd, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        c->help = true;
        return 1;
    }
    if (strcmp(a, "--json") == 0) {
        c->json = true;
        return 1;
    }
    if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
        c->quiet = true;
        return 1;
    }
    if (strcmp(a, "--seed") == 0 || strcmp(a, "--threads") == 0) {
        if (*i + 1 >= argc) {
            cli_usage_error(cmd, "option %s: expected a value, found the end of the line", a);
            return -1;
        }
        const char *v = argv[++*i];
        long n;
        if (!cli_parse_long(v, &n) || n < 0 || (a[2] == 't' && n > 4096)) {
            cli_usage_error(cmd, "option %s: expected a non-negative integer%s, found '%s'",
                            a, a[2] == 't' ? " up to 4096" : "", v);
            return -1;
        }
        if (a[2] == 's') {
            c->seed = (uint64_t)n;
            c->seed_given = true;
        }
        else
            c->threads = (int)n;
        return 1;
    }
    return 0;
}

void cli_log_stderr(void *user, scar_log_level level, const char *msg)
{
    (void)user;
    static const char *const tag[] = {"error", "warning", "info", "debug"};
    fprintf(stderr, "scarsim: %s: %s\n", tag[level], msg);
}

void cli_common_apply(cli_common *c, scar_ctx *ctx)
{
    scar_ctx_set_seed(ctx, c->seed);
    scar_ctx_set_threads(ctx, c->threads);
    scar_ctx_set_log(ctx, cli_log_stderr, NULL, c->quiet ? SCAR_LOG_ERROR : SCAR_LOG_WARN);
    if (!c->quiet && !c->json) {
        c->bar = scar_progress_bar_create(stderr);
        if (c->bar)
            scar_ctx_set_progress(ctx, scar_progress_bar_update, c->bar);
    }
}

void cli_common_done(cli_common *c) { scar_progress_bar_destroy(&c->bar); }

void cli_common_help(FILE *out)
{
    fputs("Common options:\n"
          "  --json         machine-readable result on stdout (human text goes to stderr)\n"
          "  --seed N       random seed (default 1); the same seed gives the same numbers\n"
          "  --threads N    worker threads (default: all cores); results do not depend on it\n"
          "  --quiet        only errors on stderr, no progress bar\n"
          "  --help         this text\n",
          out);
}

int cli_fail(scar_ctx *ctx, const char *cmd)
{
    const scar_error *e = scar_ctx_error(ctx);
    char buf[2048];
    scar_error_format(e, buf, sizeof buf);
    fprintf(stderr, "scarsim %s: %s\n", cmd, buf[0] ? buf : scar_status_name(e->status));
    int code = scar_status_exit_code(e->status);
    return code ? code : 1;
}

/* The rows whose study_id is in the comma-separated list. */
int cli_select_studies(const scar_trial_table *t, const char *list, const char *cmd, size_t **only,
                       size_t *nonly)
{
    *only = calloc(t->n ? t->n : 1, sizeof **only);
    if (!*only)
        return -1;
    *nonly = 0;
    char *copy = strdup(list);
    if (!copy)
        return -1;
    for (char *save = NULL, *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
        bool found = false;
        for (size_t a = 0; a < t->n; a++)
            if (t->arms[a].study_id && strcmp(t->arms[a].study_id, id) == 0) {
                (*only)[(*nonly)++] = a;
                found = true;
            }
        if (!found) {
            cli_usage_error(cmd, "--study: expected a study_id of %s, found '%s'", t->path, id);
            free(copy);
            return 1;
        }
    }
    free(copy);
    return 0;
}

int cli_int_option(const char *cmd, int argc, char **argv, int *i, long lo, long hi, int *out)
{
    long n;
    bool has = *i + 1 < argc;
    if (!has || !cli_parse_long(argv[*i + 1], &n) || n < lo || n > hi)
        return cli_usage_error(cmd, "option %s: expected %ld to %ld, found '%s'", argv[*i], lo,
                               hi, has ? argv[*i + 1] : "");
    *out = (int)n;
    ++*i;
    return 0;
}

int cli_out_dx_arg(const char *cmd, int argc, char **argv, int *i, const char **out,
                   double *dx_um)
{
    const char *a = argv[*i];
    bool has_value = *i + 1 < argc;
    if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
        if (!has_value)
            return (cli_usage_error(cmd, "option %s: expected a folder, found the end of the line",
                                    a), -1);
        *out = argv[++*i];
        return 1;
    }
    if (strcmp(a, "--dx-um") == 0) {
        double d;
        if (!has_value || !cli_parse_double(argv[*i + 1], &d) ||
            !(d >= SCAR_COHORT_DX_UM_MIN && d <= SCAR_COHORT_DX_UM_MAX))
            return (cli_usage_error(cmd, "option --dx-um: expected %g to %g um, found '%s'",
                                    SCAR_COHORT_DX_UM_MIN, SCAR_COHORT_DX_UM_MAX,
                                    has_value ? argv[*i + 1] : ""), -1);
        *dx_um = d;
        ++*i;
        return 1;
    }
    return 0;
}

int cli_cohort_arg(cli_cohort *k, const char *cmd, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    bool has_value = *i + 1 < argc;
    int m = cli_out_dx_arg(cmd, argc, argv, i, &k->out, &k->dx_um);
    if (m)
        return m;
    if (strcmp(a, "--study") == 0) {
        if (!has_value)
            return (cli_usage_error(cmd, "option --study: expected study ids, found the end of "
                                         "the line"), -1);
        k->studies = argv[++*i];
    } else if (a[0] == '-' && a[1] != '\0') {
        return (cli_usage_error(cmd, "unknown option '%s'", a), -1);
    } else if (!k->csv) {
        k->csv = a;
    } else {
        return (cli_usage_error(cmd, "expected one arms file, found a second: '%s'", a), -1);
    }
    return 1;
}

int cli_cohort_check(const cli_cohort *k, const char *cmd)
{
    if (!k->csv)
        return cli_usage_error(cmd, "expected an arms file (the schema of trials.csv)");
    if (!k->out)
        return cli_usage_error(cmd, "expected an output folder (--out DIR)");
    return 0;
}

int cli_cohort_load(scar_ctx *ctx, const cli_cohort *k, const char *cmd, scar_trial_table **t,
                    scar_params **p, size_t **only, size_t *nonly)
{
    if (scar_trials_read(ctx, k->csv, t) || scar_params_create(ctx, p))
        return cli_fail(ctx, cmd);
    if (k->studies) {
        int s = cli_select_studies(*t, k->studies, cmd, only, nonly);
        if (s)
            return s < 0 ? 1 : 2;
    }
    return 0;
}

int cli_print_json(scar_ctx *ctx, const char *cmd, struct json_t *j)
{
    char *s = NULL;
    scar_status st = j ? scar_json_dumps(ctx, j, &s) : SCAR_ENOMEM;
    json_decref(j);
    if (st)
        return cli_fail(ctx, cmd);
    puts(s);
    free(s);
    return 0;
}
