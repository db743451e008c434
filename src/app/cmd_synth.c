/*
 * cmd_synth.c — `scarsim synth`: a synthetic skin surface with known scars.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fputs("Usage: scarsim synth --scars TYPE:N[,TYPE:N...] --size-mm WxH --px-um P -o FILE\n"
          "\n"
          "Makes a synthetic skin surface with scars of known shape and size, drawn from the\n"
          "published ranges (docs/synth.md), on a skin with realistic micro-relief, facial\n"
          "curvature and scanner noise.  Writes the surface (format from FILE's extension:\n"
          ".gsf .x3p .png .csv) and the ground truth beside it as FILE's stem + .truth.json.\n"
          "\n"
          "Options:\n"
          "  --scars LIST     counts per type: icepick, boxcar, rolling, hypertrophic\n"
          "                   (default icepick:1,boxcar:2,rolling:1)\n"
          "  --size-mm WxH    field size in mm (default 12x12)\n"
          "  --px-um P        sample spacing in um (default 25)\n"
          "  -o, --out FILE   the surface to write (required)\n"
          "  --truth FILE     where to write the ground truth (default: beside FILE)\n"
          "  --texture F      micro-relief amplitude, 1 realistic, 0 none (default 1)\n"
          "  --noise-um S     scanner noise standard deviation in um (default 1)\n"
          "  --form F         facial curvature and tilt, 1 realistic, 0 none (default 1)\n",
          out);
    cli_common_help(out);
    fputs("\nExample:\n  scarsim synth --scars icepick:2,boxcar:3,rolling:1 --size-mm 12x12 "
          "--px-um 20 -o skin.gsf\n",
          out);
}

/* "icepick:2,boxcar:3" into counts; every type not named is 0. */
static int parse_scars(const char *s, int counts[SCAR_TYPE_COUNT])
{
    memset(counts, 0, SCAR_TYPE_COUNT * sizeof counts[0]);
    char buf[256];
    if (strlen(s) >= sizeof buf)
        return cli_usage_error("synth", "option --scars: expected TYPE:N[,TYPE:N...], found a "
                                        "value of %zu characters",
                               strlen(s));
    strcpy(buf, s);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        if (!colon)
            return cli_usage_error("synth", "option --scars: expected TYPE:N, found '%s'", tok);
        *colon = '\0';
        scar_type t = scar_type_from_name(tok);
        if (t == SCAR_TYPE_COUNT)
            return cli_usage_error("synth", "option --scars: expected one of icepick, boxcar, "
                                            "rolling, hypertrophic, found '%s'",
                                   tok);
        long n;
        if (!cli_parse_long(colon + 1, &n) || n < 0 || n > 1000)
            return cli_usage_error("synth", "option --scars: expected a count 0-1000 for %s, "
                                            "found '%s'",
                                   tok, colon + 1);
        counts[t] = (int)n;
    }
    return 0;
}

/* FILE's stem + suffix: skin.gsf -> skin.truth.json */
static char *beside(const char *path, const char *suffix)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    char *out = malloc(stem + strlen(suffix) + 1);
    if (out) {
        memcpy(out, path, stem);
        strcpy(out + stem, suffix);
    }
    return out;
}

int cmd_synth(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    scar_synth_spec spec;
    scar_synth_spec_default(&spec);
    const char *out = NULL, *truth_path = NULL;
    for (int i = 1; i < argc; i++) {
        int k = cli_common_option(&c, "synth", argc, argv, &i);
        if (k < 0)
            return 2;
        if (k > 0)
            continue;
        const char *a = argv[i];
        if (i + 1 >= argc && a[0] == '-')
            return cli_usage_error("synth", "option %s: expected a value, found the end of "
                                            "the line",
                                   a);
        if (strcmp(a, "--scars") == 0) {
            if (parse_scars(argv[++i], spec.counts))
                return 2;
        } else if (strcmp(a, "--size-mm") == 0) {
            const char *v = argv[++i];
            if (!cli_parse_pair(v, &spec.width_mm, &spec.height_mm))
                return cli_usage_error("synth", "option --size-mm: expected WxH in mm (e.g. "
                                                "12x12), found '%s'",
                                       v);
        } else if (strcmp(a, "--px-um") == 0 || strcmp(a, "--texture") == 0 ||
                   strcmp(a, "--noise-um") == 0 || strcmp(a, "--form") == 0) {
            const char *v = argv[++i];
            double x;
            if (!cli_parse_double(v, &x))
                return cli_usage_error("synth", "option %s: expected a number, found '%s'", a,
                                       v);
            if (a[2] == 'p')
                spec.px_um = x;
            else if (a[2] == 't')
                spec.texture = x;
            else if (a[2] == 'n')
                spec.noise_um = x;
            else
                spec.form = x;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) {
            out = argv[++i];
        } else if (strcmp(a, "--truth") == 0) {
            truth_path = argv[++i];
        } else {
            return cli_usage_error("synth", "unknown option '%s'", a);
        }
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    if (!out)
        return cli_usage_error("synth", "expected an output file (-o FILE), found none");
    if (scar_format_from_path(out) == SCAR_FMT_AUTO)
        return cli_usage_error("synth", "output '%s': expected a .gsf, .x3p, .png or .csv "
                                        "file name",
                               out);
    spec.seed = c.seed;
    cli_common_apply(&c, ctx);

    int rc = 0;
    scar_heightmap *hm = NULL;
    scar_scar_list truth = {0};
    char *json = NULL, *auto_truth = NULL;
    if (scar_synth(ctx, &spec, &hm, &truth) ||
        scar_truth_to_json(ctx, &spec, &truth, &json)) {
        rc = cli_fail(ctx, "synth");
        goto done;
    }
    if (!truth_path) {
        truth_path = auto_truth = beside(out, ".truth.json");
        if (!auto_truth) {
            fprintf(stderr, "scarsim synth: out of memory\n");
            rc = 1;
            goto done;
        }
    }
    /* The surface first, so an unwritable output names the file the user
     * gave; if the truth then fails, the surface is removed too, so a failed
     * run leaves neither. */
    if (scar_heightmap_write(ctx, hm, out, NULL)) {
        rc = cli_fail(ctx, "synth");
        goto done;
    }
    if (scar_write_file(ctx, truth_path, json, strlen(json))) {
        remove(out);
        rc = cli_fail(ctx, "synth");
        goto done;
    }
    if (c.json) {
        puts(json);
    } else if (!c.quiet) {
        fprintf(stderr, "scarsim synth: %zu scars on %g x %g mm at %g um (%zu x %zu samples)\n",
                truth.n, spec.width_mm, spec.height_mm, spec.px_um, hm->nx, hm->ny);
        fprintf(stderr, "  surface: %s\n  truth:   %s\n", out, truth_path);
    }
done:
    cli_common_done(&c);
    free(json);
    free(auto_truth);
    scar_scar_list_clear(&truth);
    scar_heightmap_destroy(&hm);
    return rc;
}
