/*
 * cmd_verify.c — `scarsim verify`: the healing engine's numerical
 * verification (convergence orders, homeostasis, mass balance, symmetry,
 * positivity, thread independence).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fputs("Usage: scarsim verify [--quick] [--json]\n"
          "\n"
          "Checks the healing engine against exact results (docs/engine.md, \"Verification\"):\n"
          "  N1 untreated skin with a scar stays at homeostasis for a simulated year\n"
          "  N2 a small random perturbation of fibroblasts and growth factor dies out\n"
          "  N3 implicit diffusion: convergence order against the analytic Gaussian (2 in\n"
          "     space, 1 in time), the uniform decay factor, mass balance\n"
          "  N4 collagen mass balance after a needle puncture\n"
          "  N5 a central puncture stays symmetric\n"
          "  N7 a sub-grid (line-source) track injects what a resolved one does\n"
          "  N8 no negative density and no clamping\n"
          "  N9 the Arrhenius damage integral, in log space, without overflow\n"
          "  T  1 and 2 threads give bitwise the same fields\n"
          "Exits with 1 when any check fails.\n"
          "\n"
          "Options:\n"
          "  --quick        shorter runs (larger steps, shorter spans), same criteria\n",
          out);
    cli_common_help(out);
}

int cmd_verify(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    bool quick = false;
    for (int i = 1; i < argc; i++) {
        int k = cli_common_option(&c, "verify", argc, argv, &i);
        if (k < 0)
            return 2;
        if (k > 0)
            continue;
        if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else
            return cli_usage_error("verify", "unknown option '%s'", argv[i]);
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    cli_common_apply(&c, ctx);
    char *json = NULL, *text = NULL;
    bool pass = false;
    scar_status st = scar_verify(ctx, quick, &json, &text, &pass);
    cli_common_done(&c);
    if (st)
        return cli_fail(ctx, "verify");
    if (c.json)
        puts(json);
    fputs(text, c.json ? stderr : stdout);
    free(json);
    free(text);
    return pass ? 0 : 1;
}
