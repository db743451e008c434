/*
 * scan_json.c — scan results and synthetic ground truth as JSON, with the keys
 * other tools rely on (DESIGN.md, "JSON result keys").
 */
#include "json.h"

#include <stdlib.h>

/* Positions, sizes and depths to the micrometre, areas and volumes to four
 * significant digits: finer digits would be noise. */
static json_t *scar_json(const scar_scar *s, size_t index)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)index + 1));
    json_object_set_new(o, "type", json_string(scar_type_name(s->type)));
    json_object_set_new(o, "profile", json_string(scar_profile_name(s->profile)));
    if (s->type == SCAR_TYPE_BOXCAR)
        json_object_set_new(o, "deep", json_boolean(s->deep));
    json_object_set_new(o, "x_mm", scar_json_real(s->x_mm, 5));
    json_object_set_new(o, "y_mm", scar_json_real(s->y_mm, 5));
    json_object_set_new(o, "width_mm", scar_json_real(s->width_mm, 4));
    json_object_set_new(o, "length_mm", scar_json_real(s->length_mm, 4));
    json_object_set_new(o, "depth_mm", scar_json_real(s->depth_mm, 4));
    json_object_set_new(o, "mean_depth_mm", scar_json_real(s->mean_depth_mm, 4));
    json_object_set_new(o, "area_mm2", scar_json_real(s->area_mm2, 4));
    json_object_set_new(o, "volume_mm3", scar_json_real(s->volume_mm3, 4));
    json_object_set_new(o, "wall_slope_deg", scar_json_real(s->wall_slope_deg, 3));
    json_object_set_new(o, "flatness", scar_json_real(s->flatness, 3));
    json_object_set_new(o, "orientation_deg", scar_json_real(s->orientation_deg, 3));
    return o;
}

static json_t *scars_json(const scar_scar *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, scar_json(&v[i], i));
    return a;
}

static json_t *grade_json(const scar_grade *g)
{
    json_t *counts = json_object();
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        json_object_set_new(counts, scar_type_name((scar_type)t), json_integer(g->counts[t]));
    json_object_set_new(counts, "boxcar_deep", json_integer(g->boxcar_deep));
    json_t *o = json_object();
    json_object_set_new(o, "counts", counts);
    json_object_set_new(o, "goodman_baron",
                        json_pack("{s:i, s:i, s:o, s:o}", "qualitative_grade", g->gb_qualitative,
                                  "quantitative_score", g->gb_quantitative, "visible_load",
                                  scar_json_real(g->visible_load, 5), "unstretchable_load",
                                  scar_json_real(g->unstretchable_load, 5)));
    json_object_set_new(o, "ecca", json_integer(g->ecca));
    json_object_set_new(o, "scarred_area_fraction", scar_json_real(g->scarred_area_fraction, 4));
    return o;
}

/* Merges the keys of b into a and drops b. */
static void merge(json_t *a, json_t *b)
{
    json_object_update(a, b);
    json_decref(b);
}

static scar_status finish(scar_ctx *ctx, json_t *root, char **text)
{
    if (!root)
        return SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory building JSON");
    scar_status st = scar_json_dumps(ctx, root, text);
    json_decref(root);
    return st;
}

scar_status scar_scan_to_json(scar_ctx *ctx, const scar_scan_result *r, const char *source,
                              char **text)
{
    json_t *root = json_object();
    if (source)
        json_object_set_new(root, "source", json_string(source));
    const scar_heightmap *hm = r->levelled;
    json_object_set_new(root, "field",
                        json_pack("{s:o, s:o, s:o, s:I, s:I}", "width_mm",
                                  scar_json_real((double)hm->nx * hm->dx_um * 1e-3, 6),
                                  "height_mm",
                                  scar_json_real((double)hm->ny * hm->dy_um * 1e-3, 6),
                                  "px_um", scar_json_real(hm->dx_um, 6), "nx",
                                  (json_int_t)hm->nx, "ny", (json_int_t)hm->ny));
    json_object_set_new(root, "scars", scars_json(r->scars.v, r->scars.n));
    merge(root, grade_json(&r->grade));
    json_object_set_new(root, "iso25178",
                        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "Sa_um",
                                  scar_json_real(r->iso.Sa_um, 5), "Sq_um",
                                  scar_json_real(r->iso.Sq_um, 5), "Sz_um",
                                  scar_json_real(r->iso.Sz_um, 5), "Sv_um",
                                  scar_json_real(r->iso.Sv_um, 5), "Sp_um",
                                  scar_json_real(r->iso.Sp_um, 5), "Ssk",
                                  scar_json_real(r->iso.Ssk, 4), "Sku",
                                  scar_json_real(r->iso.Sku, 4)));
    json_object_set_new(root, "provenance", scar_json_provenance(ctx));
    json_object_set_new(root, "disclaimer", json_string(SCAR_DISCLAIMER));
    return finish(ctx, root, text);
}

scar_status scar_truth_to_json(scar_ctx *ctx, const scar_synth_spec *spec,
                               const scar_scar_list *truth, char **text)
{
    scar_grade g;
    scar_grade_scars(truth->v, truth->n, spec->width_mm * spec->height_mm, &g);
    json_t *counts = json_object();
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        json_object_set_new(counts, scar_type_name((scar_type)t), json_integer(spec->counts[t]));
    json_t *root = json_object();
    json_object_set_new(
        root, "synth",
        json_pack("{s:o, s:[o, o], s:o, s:I, s:o, s:o, s:o}", "scars", counts, "size_mm",
                  scar_json_real(spec->width_mm, 6), scar_json_real(spec->height_mm, 6),
                  "px_um", scar_json_real(spec->px_um, 6), "seed", (json_int_t)spec->seed,
                  "texture", scar_json_real(spec->texture, 4), "noise_um",
                  scar_json_real(spec->noise_um, 4), "form", scar_json_real(spec->form, 4)));
    json_object_set_new(root, "scars", scars_json(truth->v, truth->n));
    merge(root, grade_json(&g));
    json_object_set_new(root, "provenance", scar_json_provenance(ctx));
    return finish(ctx, root, text);
}
