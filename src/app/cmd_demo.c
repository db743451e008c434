/*
 * cmd_demo.c — `scarsim demo`: the main job on built-in defaults, no input
 * files.  Until the healing engine lands it makes a synthetic cheek patch
 * with mixed scars, scans and grades it, and writes the report.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fputs("Usage: scarsim demo [--out DIR]\n"
          "\n"
          "Makes a synthetic 20 x 16 mm cheek patch with mixed acne scars (icepick, shallow\n"
          "and deep boxcar, rolling, one raised scar) at 20 um pixels, scans and grades it,\n"
          "and writes into DIR (default scarsim-demo):\n"
          "  skin.gsf          the surface (opens in Gwyddion)\n"
          "  skin.truth.json   the true scars\n"
          "  scan.json         what the scan found, with the grades\n"
          "  scan.png          the surface with each scar outlined and labelled\n"
          "  report.html       all of it on one page that opens offline\n"
          "Prints the report's path.\n\n",
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
        else
            return cli_usage_error("demo", "unknown argument '%s'", argv[i]);
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    cli_common_apply(&c, ctx);

    scar_synth_spec spec;
    scar_synth_spec_default(&spec);
    spec.width_mm = 20;
    spec.height_mm = 16;
    spec.px_um = 20;
    spec.seed = c.seed;
    spec.counts[SCAR_TYPE_ICEPICK] = 3;
    spec.counts[SCAR_TYPE_BOXCAR] = 4;
    spec.counts[SCAR_TYPE_ROLLING] = 2;
    spec.counts[SCAR_TYPE_HYPERTROPHIC] = 1;

    int rc = 0;
    scar_heightmap *hm = NULL;
    scar_scar_list truth = {0};
    scar_scan_result *r = NULL;
    char *truth_json = NULL, *scan_json = NULL;
    char *p_skin = join(dir, "skin.gsf"), *p_truth = join(dir, "skin.truth.json"),
         *p_scan = join(dir, "scan.json"), *p_png = join(dir, "scan.png"),
         *p_html = join(dir, "report.html");
    if (!p_skin || !p_truth || !p_scan || !p_png || !p_html) {
        fprintf(stderr, "scarsim demo: out of memory\n");
        rc = 1;
        goto done;
    }
    scar_scan_opts so;
    scar_scan_opts_default(&so);
    if (scar_mkdir_p(ctx, dir) || scar_synth(ctx, &spec, &hm, &truth) ||
        scar_truth_to_json(ctx, &spec, &truth, &truth_json) ||
        scar_scan(ctx, hm, &so, &r) || scar_scan_to_json(ctx, r, p_skin, &scan_json) ||
        scar_heightmap_write(ctx, hm, p_skin, NULL) ||
        scar_write_file(ctx, p_truth, truth_json, strlen(truth_json)) ||
        scar_write_file(ctx, p_scan, scan_json, strlen(scan_json)) ||
        scar_render_scan_png(ctx, hm, r, p_png)) {
        rc = cli_fail(ctx, "demo");
        goto done;
    }
    scar_scan_report rep = {
        .title = "scarsim demo: a synthetic cheek patch, scanned and graded",
        .source = p_skin,
        .scan = r,
        .truth = &truth,
        .truth_field_area_mm2 = spec.width_mm * spec.height_mm,
        .png_path = p_png,
    };
    if (scar_scan_report_html(ctx, &rep, p_html)) {
        rc = cli_fail(ctx, "demo");
        goto done;
    }
    cli_common_done(&c);
    if (c.json)
        puts(scan_json);
    else {
        if (!c.quiet)
            fprintf(stderr,
                    "scarsim demo: %zu scars made, %zu found; Goodman-Baron %d (qualitative), "
                    "%d/84; ECCA %d/540\n",
                    truth.n, r->scars.n, r->grade.gb_qualitative, r->grade.gb_quantitative,
                    r->grade.ecca);
        puts(p_html);
    }
done:
    cli_common_done(&c);
    free(truth_json);
    free(scan_json);
    free(p_skin);
    free(p_truth);
    free(p_scan);
    free(p_png);
    free(p_html);
    scar_scan_result_destroy(&r);
    scar_scar_list_clear(&truth);
    scar_heightmap_destroy(&hm);
    return rc;
}
