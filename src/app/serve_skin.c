/*
 * serve_skin.c — skins in the web API: /api/scan stores the bytes of a
 * surface file as an upload and scans it, /api/synth makes a synthetic skin
 * and stores it the same way, and a run's surfaces are read back for the
 * page's 3-D view.  Every answer carries the scan exactly as `scarsim scan
 * --json` prints it, the surface downsampled by block means and the picture
 * of `scan --png` as a data URL.
 *
 * An upload is named "u<N>" and lives at WORK/uploads/u<N>.<ext>; a
 * scenario or patient names it "upload:u<N>" (serve_upload_resolve, the
 * scar_doc_files of the documents the server parses).
 */
#include "serve_internal.h"

#include "doc.h"
#include "scenario.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The most samples per side of a surface sent to the page. */
#define SURFACE_MAX_SIDE 256

/* ---- uploads ---------------------------------------------------------------- */

/* An id and the path its file goes to; the upload exists once registered. */
static unsigned reserve(serve_server *s, const char *ext, char **path)
{
    pthread_mutex_lock(&s->mu);
    unsigned id = s->next_upload++;
    pthread_mutex_unlock(&s->mu);
    char name[48];
    snprintf(name, sizeof name, "u%u.%s", id, ext);
    *path = scar_path_join(NULL, s->uploads_dir, name);
    return *path ? id : 0;
}

static void slot_clear(serve_upload *u)
{
    if (u->path)
        unlink(u->path);
    free(u->name);
    free(u->path);
    memset(u, 0, sizeof *u);
}

/* Registers the file written at path (taken) in the ring of uploads,
 * deleting the oldest when it is full. */
static bool register_upload(serve_server *s, unsigned id, const char *name, char *path,
                            const scar_heightmap *hm)
{
    char *copy = strdup(name);
    if (!copy) {
        unlink(path);
        free(path);
        return false;
    }
    pthread_mutex_lock(&s->mu);
    serve_upload *u = &s->uploads[(id - 1) % SERVE_MAX_UPLOADS];
    if (u->id)
        slot_clear(u);
    *u = (serve_upload){.id = id, .name = copy, .path = path,
                        .w_mm = (double)hm->nx * hm->dx_um * 1e-3,
                        .h_mm = (double)hm->ny * hm->dy_um * 1e-3};
    pthread_mutex_unlock(&s->mu);
    return true;
}

char *serve_upload_resolve(void *server, const char *text)
{
    serve_server *s = server;
    if (strncmp(text, "upload:u", 8) != 0 || !text[8])
        return NULL;
    char *end;
    unsigned long id = strtoul(text + 8, &end, 10);
    if (*end || !isdigit((unsigned char)text[8]) || id == 0 || id > UINT32_MAX)
        return NULL;
    pthread_mutex_lock(&s->mu);
    const serve_upload *u = &s->uploads[(id - 1) % SERVE_MAX_UPLOADS];
    char *path = u->id == id ? strdup(u->path) : NULL;
    pthread_mutex_unlock(&s->mu);
    return path;
}

bool serve_upload_size(serve_server *s, const char *path, double *w_mm, double *h_mm)
{
    bool found = false;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < SERVE_MAX_UPLOADS && !found; i++)
        if (s->uploads[i].id && strcmp(s->uploads[i].path, path) == 0) {
            *w_mm = s->uploads[i].w_mm;
            *h_mm = s->uploads[i].h_mm;
            found = true;
        }
    pthread_mutex_unlock(&s->mu);
    return found;
}

void serve_uploads_free(serve_server *s)
{
    for (size_t i = 0; i < SERVE_MAX_UPLOADS; i++)
        if (s->uploads[i].id)
            slot_clear(&s->uploads[i]);
}

/* ---- what the page is sent ---------------------------------------------------- */

/* The picture of `scan --png` as a data URL; NULL with ctx's error set. */
static json_t *picture(serve_server *s, scar_ctx *ctx, unsigned id, const scar_heightmap *hm,
                       const scar_scan_result *r)
{
    char name[48];
    snprintf(name, sizeof name, "u%u-picture.png", id);
    char *path = scar_path_join(ctx, s->uploads_dir, name), *png = NULL, *data = NULL;
    size_t n = 0;
    json_t *url = NULL;
    if (path && !scar_render_scan_png(ctx, hm, r, path) &&
        !scar_read_text(ctx, path, s->cfg.max_upload_bytes + (64u << 20), "picture", &png, &n) &&
        (data = scar_base64(ctx, "data:image/png;base64,", png, n)) &&
        !(url = json_string(data)))
        SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory encoding the picture");
    if (path)
        unlink(path);
    free(path);
    free(png);
    free(data);
    return url;
}

/* {"nx", "ny", "dx_um", "dy_um", "z_um"}: whole-number block means, at most
 * SURFACE_MAX_SIDE per side, heights rounded to 0.01 um.  A block at the far
 * edge may be narrower; it is the mean of the samples it has. */
static json_t *surface_json(const scar_heightmap *hm)
{
    size_t side = hm->nx > hm->ny ? hm->nx : hm->ny;
    size_t f = (side + SURFACE_MAX_SIDE - 1) / SURFACE_MAX_SIDE;
    size_t nx = (hm->nx + f - 1) / f, ny = (hm->ny + f - 1) / f;
    json_t *z = json_array();
    scar_jb b = {z != NULL};
    for (size_t J = 0; J < ny && b.ok; J++)
        for (size_t I = 0; I < nx && b.ok; I++) {
            double sum = 0;
            size_t k = 0;
            for (size_t j = J * f; j < (J + 1) * f && j < hm->ny; j++)
                for (size_t i = I * f; i < (I + 1) * f && i < hm->nx; i++, k++)
                    sum += SCAR_HM_AT(hm, i, j);
            scar_jb_push(&b, z, json_real(round(100.0 * sum / (double)k) / 100.0));
        }
    json_t *o = json_object();
    scar_jb_put(&b, o, "nx", json_integer((json_int_t)nx));
    scar_jb_put(&b, o, "ny", json_integer((json_int_t)ny));
    scar_jb_put(&b, o, "dx_um", scar_json_real(hm->dx_um * (double)f, 6));
    scar_jb_put(&b, o, "dy_um", scar_json_real(hm->dy_um * (double)f, 6));
    scar_jb_put(&b, o, "z_um", z);
    if (!b.ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Scans the stored skin hm and answers {"upload", "name", "scan",
 * "surface", "picture"} (+ "truth", taken, when given). */
static void answer_skin(serve_server *s, scar_ctx *ctx, unsigned id, const char *name,
                        const scar_heightmap *hm, json_t *truth, serve_response *rs)
{
    scar_scan_opts so;
    scar_scan_opts_default(&so);
    scar_scan_result *r = NULL;
    char *text = NULL, uid[32];
    snprintf(uid, sizeof uid, "u%u", id);
    json_t *o = NULL;
    if (scar_scan(ctx, hm, &so, &r) || scar_scan_to_json(ctx, r, name, &text)) {
        serve_error_ctx(rs, 0, ctx);
        goto done;
    }
    json_t *pic = picture(s, ctx, id, hm, r);
    if (!pic) {
        serve_error_ctx(rs, 500, ctx);
        goto done;
    }
    scar_jb b = {true};
    o = json_object();
    scar_jb_put(&b, o, "upload", json_string(uid));
    scar_jb_put(&b, o, "name", json_string(name));
    scar_jb_put(&b, o, "scan", json_loads(text, 0, NULL));
    scar_jb_put(&b, o, "surface", surface_json(r->levelled));
    scar_jb_put(&b, o, "picture", pic);
    if (truth) {
        scar_jb_put(&b, o, "truth", truth);
        truth = NULL;
    }
    if (!b.ok) {
        json_decref(o);
        o = NULL;
    }
    serve_json(rs, 200, o);
done:
    json_decref(truth);
    free(text);
    scar_scan_result_destroy(&r);
}

/* ---- /api/scan -------------------------------------------------------------- */

void serve_scan(serve_server *s, const serve_request *rq, serve_response *rs)
{
    const char *name = serve_query_name(rq, rs, NULL);
    if (!name) {
        if (!rs->status)
            serve_error(rs, 400, "input", "name: expected ?name=FILE, the surface file's name "
                                          "with its extension (.gsf, .x3p, .png or .csv)");
        return;
    }
    scar_format fmt = scar_format_from_path(name);
    if (fmt == SCAR_FMT_AUTO) {
        serve_error(rs, 415, "format", "%s: expected a surface file ending in .gsf, .x3p, .png "
                                       "or .csv", name);
        return;
    }
    scar_read_opts ro;
    scar_read_opts_default(&ro);
    ro.format = fmt;
    ro.z_unit = serve_query(rq, "z_unit");
    if (!serve_query_number(rq, rs, "px_um", 1e-3, 1e4, false, &ro.px_um) ||
        !serve_query_number(rq, rs, "z_step_um", 1e-6, 1e6, false, &ro.z_step_um) ||
        !serve_query_number(rq, rs, "z_offset_um", -1e6, 1e6, false, &ro.z_offset_um))
        return;
    scar_ctx *ctx = serve_ctx(s, rs);
    if (!ctx)
        return;
    char *path = NULL;
    scar_heightmap *hm = NULL;
    unsigned id = reserve(s, scar_format_name(fmt), &path);
    if (!id)
        serve_error(rs, 500, "nomem", "out of memory");
    else if (scar_write_file(ctx, path, rq->body, rq->body_len))
        serve_error_ctx(rs, 500, ctx);
    else if (scar_heightmap_read(ctx, path, &ro, &hm)) {
        /* the reader names the stored file: name the client's instead */
        if (strcmp(ctx->err.file, path) == 0)
            scar_strlcpy(ctx->err.file, name, sizeof ctx->err.file);
        serve_error_ctx(rs, 0, ctx);
    } else if (register_upload(s, id, name, path, hm)) {
        path = NULL; /* the upload's now */
        answer_skin(s, ctx, id, name, hm, NULL, rs);
    } else {
        path = NULL;
        serve_error(rs, 500, "nomem", "out of memory");
    }
    if (path)
        unlink(path);
    free(path);
    scar_heightmap_destroy(&hm);
    scar_ctx_destroy(&ctx);
}

/* ---- /api/synth ------------------------------------------------------------- */

/* The scar_doc_reader of a synth request: out is a scar_synth_spec. */
static scar_status read_synth(const scar_doc *d, void *out)
{
    if (!d->root)
        return scar_doc_fail(d, NULL, NULL, "expected a mapping with scars, size_mm, px_um and "
                                            "seed, found an empty document");
    return scar_scenario_read_synth(d, d->root, "", out);
}

void serve_synth(serve_server *s, const serve_request *rq, serve_response *rs)
{
    scar_ctx *ctx = serve_ctx(s, rs);
    if (!ctx)
        return;
    scar_synth_spec spec;
    scar_heightmap *hm = NULL;
    scar_scar_list truth = {0};
    char *path = NULL, *ttext = NULL;
    if (scar_doc_parse(ctx, rq->body, rq->body_len, "synth", "synth request",
                       SCAR_SCENARIO_MAX_BYTES, NULL, read_synth, &spec)) {
        serve_error_ctx(rs, 0, ctx);
        goto done;
    }
    /* a synthetic skin may not be larger than an upload could be (4-byte
     * heights): refused before anything is allocated */
    double nx = round(spec.width_mm * 1e3 / spec.px_um),
           ny = round(spec.height_mm * 1e3 / spec.px_um);
    if (nx * ny * 4.0 > (double)s->cfg.max_upload_bytes) {
        serve_error_field(rs, 422, "limit", "px_um",
                          "px_um: expected a skin of at most %zu samples (--max-upload-mb), found "
                          "%.0f x %.0f at %g um: choose a larger px_um or a smaller size_mm",
                          s->cfg.max_upload_bytes / 4, nx, ny, spec.px_um);
        goto done;
    }
    unsigned id = 0;
    if (scar_synth(ctx, &spec, &hm, &truth) || scar_truth_to_json(ctx, &spec, &truth, &ttext)) {
        serve_error_ctx(rs, 0, ctx);
    } else if (!(id = reserve(s, "gsf", &path))) {
        serve_error(rs, 500, "nomem", "out of memory");
    } else if (scar_heightmap_write(ctx, hm, path, NULL)) {
        serve_error_ctx(rs, 500, ctx);
    } else if (register_upload(s, id, "synth.gsf", path, hm)) {
        path = NULL;
        answer_skin(s, ctx, id, "synth.gsf", hm, json_loads(ttext, 0, NULL), rs);
    } else {
        path = NULL;
        serve_error(rs, 500, "nomem", "out of memory");
    }
done:
    if (path)
        unlink(path);
    free(path);
    free(ttext);
    scar_scar_list_clear(&truth);
    scar_heightmap_destroy(&hm);
    scar_ctx_destroy(&ctx);
}

/* ---- a run's surfaces --------------------------------------------------------- */

void serve_job_surface(serve_server *s, const char *dir, const char *name, serve_response *rs)
{
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_') {
            serve_error(rs, 404, "not_found", "no surface %.64s", name);
            return;
        }
    size_t n = strlen(dir) + strlen(name) + 8;
    char *path = malloc(n);
    scar_ctx *ctx = serve_ctx(s, rs);
    scar_heightmap *hm = NULL;
    if (!path || !ctx) {
        if (ctx)
            serve_error(rs, 500, "nomem", "out of memory");
    } else {
        snprintf(path, n, "%s/%s.gsf", dir, name);
        if (access(path, R_OK) != 0) {
            serve_error(rs, 404, "not_found", "no surface %s in the job's folder", name);
        } else if (scar_heightmap_read(ctx, path, NULL, &hm)) {
            serve_error_ctx(rs, 500, ctx);
        } else {
            json_t *o = surface_json(hm);
            if (o)
                json_object_set_new(o, "name", json_string(name));
            serve_json(rs, 200, o);
        }
    }
    scar_heightmap_destroy(&hm);
    scar_ctx_destroy(&ctx);
    free(path);
}
