/*
 * cmd_serve.c — `scarsim serve`: the local web page and its API
 * (docs/serve.md).  Parses the options, starts the job workers and the HTTP
 * server, prints the address on stdout, and waits for SIGINT or SIGTERM,
 * after which it stops accepting, cancels what runs, and exits 0.
 */
#include "cli.h"

#include "core.h"
#include "serve_http.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SCAR_WEB_DIR
#define SCAR_WEB_DIR "web"
#endif

#define DEFAULT_PORT 8642
#define DEFAULT_MAX_UPLOAD_MB 64
#define DEFAULT_MAX_VOXELS 8e6
#define DEFAULT_MAX_QUEUE 16

static void help(FILE *out)
{
    fputs("Usage: scarsim serve [--port P] [--host 127.0.0.1] [--web DIR] [--work DIR]\n"
          "                     [--workers N] [--max-upload-mb M] [--max-voxels V]\n"
          "                     [--max-queue Q] [--threads N] [--quiet]\n"
          "\n"
          "Serves scarsim's web page and its JSON API on this machine: upload or make a skin\n"
          "and see its scars graded, simulate a course session by session, plan a course for\n"
          "a patient, and download every file the command line would write (docs/serve.md).\n"
          "Once listening it prints one line on stdout, http://HOST:PORT/ ; SIGINT (Ctrl-C)\n"
          "or SIGTERM stops it (a running simulation is cancelled) and it exits 0.\n"
          "\n"
          "Only this machine can connect unless --host names another of its addresses; the\n"
          "server has no log-in, so do not expose it to a network you do not trust.\n"
          "\n"
          "Options:\n"
          "  --port P           TCP port (default 8642; 0: any free port)\n"
          "  --host H           numeric address to listen on (default 127.0.0.1)\n"
          "  --web DIR          the page's files (default: the project's web/ folder)\n"
          "  --work DIR         where uploads and job folders go (default: a fresh folder\n"
          "                     under $TMPDIR or /tmp, removed on exit)\n"
          "  --workers N        simulations at once (default 1; 1 to 64)\n"
          "  --max-upload-mb M  largest request body in MiB (default 64): 413 above\n"
          "  --max-voxels V     largest simulation grid (default 8e6): 422 above\n"
          "  --max-queue Q      jobs queued or running at once (default 16): 503 above\n"
          "  --threads N        threads of each simulation (default: all cores)\n"
          "  --seed N           seed of runs and plans whose file gives none (default 1)\n",
          out);
    cli_common_help(out);
}

/* The value of option argv[*i] as a number in [lo, hi] (whole when
 * integer); 2 after a usage error. */
static int number_option(int argc, char **argv, int *i, double lo, double hi, bool integer,
                         double *out)
{
    const char *a = argv[*i];
    double v;
    bool has = *i + 1 < argc;
    if (!has || !cli_parse_double(argv[*i + 1], &v) || !(v >= lo && v <= hi) ||
        (integer && floor(v) != v))
        return cli_usage_error("serve", "option %s: expected %s%g to %g, found '%s'", a,
                               integer ? "a whole number " : "", lo, hi, has ? argv[*i + 1] : "");
    *out = v;
    ++*i;
    return 0;
}

int cmd_serve(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    const char *host = "127.0.0.1", *web = SCAR_WEB_DIR, *work = NULL;
    double port = DEFAULT_PORT, workers = 1, upload_mb = DEFAULT_MAX_UPLOAD_MB,
           voxels = DEFAULT_MAX_VOXELS, queue = DEFAULT_MAX_QUEUE;
    for (int i = 1; i < argc; i++) {
        int m = cli_common_option(&c, "serve", argc, argv, &i);
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        const char *a = argv[i];
        bool has = i + 1 < argc;
        int bad = 0;
        if (strcmp(a, "--port") == 0)
            bad = number_option(argc, argv, &i, 0, 65535, true, &port);
        else if (strcmp(a, "--workers") == 0)
            bad = number_option(argc, argv, &i, 1, 64, true, &workers);
        else if (strcmp(a, "--max-upload-mb") == 0)
            bad = number_option(argc, argv, &i, 1, 4096, true, &upload_mb);
        else if (strcmp(a, "--max-voxels") == 0)
            bad = number_option(argc, argv, &i, 1e3, 1e10, false, &voxels);
        else if (strcmp(a, "--max-queue") == 0)
            bad = number_option(argc, argv, &i, 1, 10000, true, &queue);
        else if (strcmp(a, "--host") == 0 || strcmp(a, "--web") == 0 ||
                 strcmp(a, "--work") == 0) {
            if (!has)
                return cli_usage_error("serve", "option %s: expected a value, found the end of "
                                                "the line", a);
            const char *v = argv[++i];
            *(a[2] == 'h' ? &host : strcmp(a, "--web") == 0 ? &web : &work) = v;
        } else {
            return cli_usage_error("serve", "unknown option '%s'", a);
        }
        if (bad)
            return 2;
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    cli_common_apply(&c, ctx);
    cli_common_done(&c); /* no progress bar: jobs report to the page */

    /* the default work folder is a fresh temporary one, removed on exit */
    char tmp[512] = "";
    if (!work) {
        const char *base = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/scarsim-serve-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmp)) {
            fprintf(stderr, "scarsim serve: cannot make a work folder %s\n", tmp);
            return 1;
        }
        work = tmp;
    }
    /* SIGINT and SIGTERM are taken by sigwait below: blocked here, before
     * any thread starts, so every thread inherits the mask */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client that hangs up is not a reason to die */

    serve_config cfg = {.web_dir = web, .work_dir = work, .workers = (int)workers,
                        .threads = c.threads, .max_upload_bytes = (size_t)upload_mb << 20,
                        .max_voxels = (size_t)voxels, .max_queue = (int)queue, .seed = c.seed,
                        .seed_given = c.seed_given};
    serve_server *server = NULL;
    serve_http *http = NULL;
    int rc = 0;
    char err[512];
    if (serve_create(ctx, &cfg, &server)) {
        rc = cli_fail(ctx, "serve");
        goto done;
    }
    if (!(http = serve_http_start(server, host, (unsigned)port, cfg.max_upload_bytes, !c.quiet,
                                  err, sizeof err))) {
        fprintf(stderr, "scarsim serve: %s\n", err);
        rc = strncmp(err, "option", 6) == 0 ? 2 : 1;
        goto done;
    }
    bool v6 = strchr(host, ':') != NULL;
    printf("http://%s%s%s:%u/\n", v6 ? "[" : "", host, v6 ? "]" : "", serve_http_port(http));
    fflush(stdout);
    if (!c.quiet)
        fprintf(stderr, "scarsim serve: the page is in %s, uploads and jobs in %s%s; Ctrl-C "
                        "stops\n%s\n",
                web, work, tmp[0] ? " (removed on exit)" : "", SCAR_DISCLAIMER);
    int sig = 0;
    sigwait(&stop, &sig);
    if (!c.quiet)
        fprintf(stderr, "scarsim serve: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
done:
    /* wake the requests waiting for a job first, so the connections'
     * threads can finish and the HTTP server can stop */
    serve_stop(server);
    serve_http_stop(&http);
    serve_destroy(&server);
    if (tmp[0])
        scar_remove_tree(tmp);
    return rc;
}
