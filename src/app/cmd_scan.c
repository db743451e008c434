/*
 * cmd_scan.c — `scarsim scan`: detect, measure, classify and grade scars.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fputs("Usage: scarsim scan FILE [--json] [--png OUT]\n"
          "\n"
          "Finds the scars on a skin surface (a height map), measures each (position, width,\n"
          "depth, area, volume, wall steepness, profile), classifies it (Jacob 2001: icepick,\n"
          "boxcar shallow/deep, rolling; and hypertrophic) and grades the surface:\n"
          "Goodman-Baron qualitative (1-4) and quantitative (0-84), ECCA (0-540) and ISO 25178\n"
          "Sa, Sq, Sz, Sv.  How each is computed: docs/scan.md and docs/grading.md.\n"
          "\n"
          "FILE: .gsf (Gwyddion), .x3p (ISO 25178-72), .png (16-bit grey; give the scale),\n"
          "      .csv (matrix of heights; give the pixel size unless scarsim wrote it)\n"
          "\n"
          "Options:\n"
          "  --png OUT        draw the surface with each scar outlined and labelled\n"
          "  --format F       gsf, x3p, png or csv (default: from the extension)\n"
          "  --px-um P        pixel size of a PNG or CSV without its own scale\n"
          "  --z-step-um S    PNG: height of one grey level in um\n"
          "  --z-offset-um O  PNG: height of grey level 0 in um (default 0)\n"
          "  --z-unit U       CSV: unit of the heights: m, mm, um or nm (default um)\n"
          "  --min-depth-um D shallowest depression (or lowest bump) counted (default 60)\n"
          "  --min-width-mm W narrowest scar counted\n"
          "  --smooth-um S    smoothing that removes the skin's micro-relief before detection\n",
          out);
    cli_common_help(out);
}

static void print_table(FILE *out, const char *file, const scar_scan_result *r)
{
    const scar_heightmap *hm = r->levelled;
    fprintf(out, "%s: %zu x %zu samples at %g um, %.2f x %.2f mm\n\n", file, hm->nx, hm->ny,
            hm->dx_um, (double)hm->nx * hm->dx_um * 1e-3, (double)hm->ny * hm->dy_um * 1e-3);
    if (r->scars.n == 0) {
        fputs("No scars found.\n", out);
    } else {
        fprintf(out, "%3s  %-20s %7s %7s %7s %7s %7s %8s %9s %6s %5s\n", "#", "type", "x_mm",
                "y_mm", "width", "depth", "mean", "area", "volume", "wall", "shape");
        fprintf(out, "%3s  %-20s %7s %7s %7s %7s %7s %8s %9s %6s %5s\n", "", "", "", "", "mm",
                "mm", "mm", "mm2", "mm3", "deg", "");
        for (size_t k = 0; k < r->scars.n; k++) {
            const scar_scar *s = &r->scars.v[k];
            char type[32];
            snprintf(type, sizeof type, "%s%s", scar_type_name(s->type),
                     s->type == SCAR_TYPE_BOXCAR ? (s->deep ? " (deep)" : " (shallow)")
                     : s->type == SCAR_TYPE_HYPERTROPHIC ? " (raised)"
                                                         : "");
            fprintf(out, "%3zu  %-20s %7.2f %7.2f %7.2f %7.3f %7.3f %8.3f %9.4f %6.1f %5s\n",
                    k + 1, type, s->x_mm, s->y_mm, s->width_mm, s->depth_mm, s->mean_depth_mm,
                    s->area_mm2, s->volume_mm3, s->wall_slope_deg,
                    scar_profile_name(s->profile));
        }
    }
    const scar_grade *g = &r->grade;
    fprintf(out, "\nCounts: icepick %d, boxcar %d (%d deep), rolling %d, hypertrophic %d\n",
            g->counts[SCAR_TYPE_ICEPICK], g->counts[SCAR_TYPE_BOXCAR], g->boxcar_deep,
            g->counts[SCAR_TYPE_ROLLING], g->counts[SCAR_TYPE_HYPERTROPHIC]);
    static const char *const grade_words[] = {"no contour scarring found", "macular", "mild",
                                              "moderate", "severe"};
    int q = g->gb_qualitative >= 0 && g->gb_qualitative <= 4 ? g->gb_qualitative : 0;
    fprintf(out, "Goodman-Baron qualitative grade: %d (%s)\n", g->gb_qualitative,
            grade_words[q]);
    fprintf(out, "  disease load: %.2f%% of the field, punched-out %.2f%% (obvious from %.2g%%)\n",
            100.0 * g->visible_load, 100.0 * g->unstretchable_load, 100.0 * SCAR_GB_OBVIOUS_LOAD);
    fprintf(out, "Goodman-Baron quantitative score: %d / 84\n", g->gb_quantitative);
    fprintf(out, "ECCA score: %d / 540\n", g->ecca);
    fprintf(out, "Scarred area: %.1f%% of the field\n", 100.0 * g->scarred_area_fraction);
    fprintf(out, "ISO 25178 (form removed): Sa %.1f um, Sq %.1f um, Sz %.1f um, Sv %.1f um\n",
            r->iso.Sa_um, r->iso.Sq_um, r->iso.Sz_um, r->iso.Sv_um);
    fprintf(out, "\nGrades of a measured patch, not of a whole face: the scales count lesions "
                 "over the face.\n%s\n",
            SCAR_DISCLAIMER);
}

static int parse_format(const char *v, scar_format *f)
{
    static const struct {
        const char *name;
        scar_format f;
    } tab[] = {{"gsf", SCAR_FMT_GSF}, {"x3p", SCAR_FMT_X3P}, {"png", SCAR_FMT_PNG},
               {"csv", SCAR_FMT_CSV}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(v, tab[i].name) == 0) {
            *f = tab[i].f;
            return 0;
        }
    return cli_usage_error("scan", "option --format: expected gsf, x3p, png or csv, found '%s'",
                           v);
}

int cmd_scan(scar_ctx *ctx, int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    scar_read_opts ro;
    scar_read_opts_default(&ro);
    scar_scan_opts so;
    scar_scan_opts_default(&so);
    const char *file = NULL, *png = NULL;
    for (int i = 1; i < argc; i++) {
        int k = cli_common_option(&c, "scan", argc, argv, &i);
        if (k < 0)
            return 2;
        if (k > 0)
            continue;
        const char *a = argv[i];
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            if (file)
                return cli_usage_error("scan", "expected one surface file, found '%s' and '%s'",
                                       file, a);
            file = a;
            continue;
        }
        if (i + 1 >= argc)
            return cli_usage_error("scan", "option %s: expected a value, found the end of the "
                                           "line",
                                   a);
        const char *v = argv[++i];
        double x = 0;
        bool numeric = strcmp(a, "--png") != 0 && strcmp(a, "--format") != 0 &&
                       strcmp(a, "--z-unit") != 0;
        if (numeric && !cli_parse_double(v, &x))
            return cli_usage_error("scan", "option %s: expected a number, found '%s'", a, v);
        if (strcmp(a, "--png") == 0)
            png = v;
        else if (strcmp(a, "--format") == 0) {
            if (parse_format(v, &ro.format))
                return 2;
        } else if (strcmp(a, "--z-unit") == 0)
            ro.z_unit = v;
        else if (strcmp(a, "--px-um") == 0)
            ro.px_um = x;
        else if (strcmp(a, "--z-step-um") == 0)
            ro.z_step_um = x;
        else if (strcmp(a, "--z-offset-um") == 0)
            ro.z_offset_um = x;
        else if (strcmp(a, "--min-depth-um") == 0)
            so.min_depth_um = x;
        else if (strcmp(a, "--min-width-mm") == 0)
            so.min_width_mm = x;
        else if (strcmp(a, "--smooth-um") == 0)
            so.smooth_um = x;
        else
            return cli_usage_error("scan", "unknown option '%s'", a);
    }
    if (c.help) {
        help(stdout);
        return 0;
    }
    if (!file)
        return cli_usage_error("scan", "expected a surface file, found none");
    cli_common_apply(&c, ctx);

    int rc = 0;
    scar_heightmap *hm = NULL;
    scar_scan_result *r = NULL;
    char *json = NULL;
    if (scar_heightmap_read(ctx, file, &ro, &hm) || scar_scan(ctx, hm, &so, &r)) {
        rc = cli_fail(ctx, "scan");
        goto done;
    }
    if (png && scar_render_scan_png(ctx, hm, r, png)) {
        rc = cli_fail(ctx, "scan");
        goto done;
    }
    cli_common_done(&c);
    if (c.json) {
        if (scar_scan_to_json(ctx, r, file, &json)) {
            rc = cli_fail(ctx, "scan");
            goto done;
        }
        puts(json);
    } else {
        print_table(stdout, file, r);
        if (png)
            printf("Picture: %s\n", png);
    }
done:
    cli_common_done(&c);
    free(json);
    scar_scan_result_destroy(&r);
    scar_heightmap_destroy(&hm);
    return rc;
}
