/*
 * io_png.c — 16-bit greyscale PNG height maps (libpng).
 *
 * A grey level g stands for the height z_offset_um + g * z_step_um.  scarsim
 * writes the scale, the pixel size and the offsets as tEXt chunks
 * ("scarsim:px_um", ...) so that it reads its own PNGs without flags; any
 * other 8- or 16-bit greyscale PNG needs --px-um and --z-step-um.
 *
 * libpng reports errors by longjmp: each libpng session runs in a function
 * of its own (read_body, write_body) whose state lives in a struct owned by
 * the caller, so nothing the caller cleans up is a local changed after
 * setjmp.  libpng's (and zlib's) memory comes from scar_malloc, so injected
 * allocation failures reach it too.
 */
#include "io_internal.h"

#include "scar_git_hash.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct pngio {
    scar_ctx *ctx;
    const char *path;
    FILE *fp;
    long long size; /* the file's size in bytes; -1 when not known (a pipe) */
    png_structp png;
    png_infop info;
    bool writing, nomem, truncated, io_error;
    int err_no;
    char msg[200];
    scar_heightmap *hm; /* read: the map being filled */
    png_bytep *rows;
} pngio;

/* libpng finds a chunk longer than its limit (PNG_USER_CHUNK_MALLOC_MAX, 8 MB
 * here) a benign error, which a reader treats as a warning, and then
 * allocates the chunk anyway: a 1 kB file declaring a 2 GB tEXt chunk got
 * 2 GB.  Nothing libpng needs for a map within SCAR_HEIGHTMAP_MAX_SIDE comes
 * near the limit, so a larger request is refused here without counting as
 * out of memory: libpng skips that chunk, and the file then ends early. */
#define MAX_ALLOC 8000000u

static png_voidp on_alloc(png_structp png, png_alloc_size_t n)
{
    pngio *s = png_get_mem_ptr(png);
    if (n > MAX_ALLOC)
        return NULL;
    void *p = scar_malloc(s->ctx, n);
    if (!p)
        s->nomem = true;
    return p;
}

static void on_free(png_structp png, png_voidp p)
{
    (void)png;
    free(p);
}

static void on_error(png_structp png, png_const_charp msg)
{
    pngio *s = png_get_error_ptr(png);
    scar_strlcpy(s->msg, msg, sizeof s->msg);
    png_longjmp(png, 1);
}

/* Warnings (a damaged ancillary chunk, ...) do not stop a read. */
static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void on_read(png_structp png, png_bytep data, size_t n)
{
    pngio *s = png_get_io_ptr(png);
    if (fread(data, 1, n, s->fp) != n) {
        s->truncated = true;
        png_error(png, "the file ends early");
    }
}

static void on_write(png_structp png, png_bytep data, size_t n)
{
    pngio *s = png_get_io_ptr(png);
    if (fwrite(data, 1, n, s->fp) != n) {
        s->io_error = true;
        s->err_no = errno;
        png_error(png, "write failed");
    }
}

static void on_flush(png_structp png)
{
    (void)png;
}

/* The status of a libpng session that ended in png_error. */
static scar_status failed(pngio *s)
{
    if (s->nomem)
        return SCAR_ENOMEM; /* scar_malloc has raised it */
    if (s->io_error)
        return SCAR_RAISE_AT(s->ctx, SCAR_EIO, s->path, 0, 0, NULL, "writing failed: %s",
                             strerror(s->err_no));
    if (s->truncated)
        return SCAR_RAISE_AT(s->ctx, SCAR_EINPUT, s->path, 0, 0, NULL,
                             "expected a complete PNG image, found the file ends early "
                             "(truncated)");
    if (s->writing)
        return SCAR_RAISE_AT(s->ctx, SCAR_EIO, s->path, 0, 0, NULL, "writing the PNG failed: %s",
                             s->msg);
    return SCAR_RAISE_AT(s->ctx, SCAR_EINPUT, s->path, 0, 0, NULL,
                         "expected a valid PNG image, found: %s", s->msg);
}

/* ---- reading ---- */

typedef struct png_scale {
    double px_um, dy_um, x0_um, y0_um, z_step_um, z_offset_um;
    bool has_px, has_dy, has_step;
} png_scale;

static scar_status read_text(pngio *s, png_scale *sc)
{
    static const char *const keys[] = {"scarsim:px_um", "scarsim:dy_um",     "scarsim:x0_um",
                                       "scarsim:y0_um", "scarsim:z_step_um", "scarsim:z_offset_um"};
    double *dst[] = {&sc->px_um, &sc->dy_um,     &sc->x0_um,
                     &sc->y0_um, &sc->z_step_um, &sc->z_offset_um};
    png_textp text;
    int n = 0;
    png_get_text(s->png, s->info, &text, &n);
    for (int t = 0; t < n; t++) {
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            if (strcmp(text[t].key, keys[k]) != 0)
                continue;
            bool positive = k == 0 || k == 1 || k == 4;
            char q[48];
            if (!io_parse_double(text[t].text, dst[k]) || (positive && !(*dst[k] > 0)))
                return SCAR_RAISE_AT(s->ctx, SCAR_EINPUT, s->path, 0, 0, keys[k],
                                     "expected a %s number, found '%s'",
                                     positive ? "positive" : "finite",
                                     io_quote(q, sizeof q, text[t].text, strlen(text[t].text)));
            sc->has_px |= k == 0;
            sc->has_dy |= k == 1;
            sc->has_step |= k == 4;
        }
    }
    return SCAR_OK;
}

/* The file's own scale first, then the options (docs/formats.md). */
static scar_status resolve_scale(pngio *s, const scar_read_opts *o, png_scale *sc)
{
    if (o->px_um != 0 && !(isfinite(o->px_um) && o->px_um > 0))
        return SCAR_RAISE_AT(s->ctx, SCAR_EINPUT, s->path, 0, 0, "--px-um",
                             "expected a positive pixel size, found %g", o->px_um);
    if (o->z_step_um != 0 && !(isfinite(o->z_step_um) && o->z_step_um > 0))
        return SCAR_RAISE_AT(s->ctx, SCAR_EINPUT, s->path, 0, 0, "--z-step-um",
                             "expected a positive height per grey level, found %g", o->z_step_um);
    if (!isfinite(o->z_offset_um))
        return SCAR_RAISE_AT(s->ctx, SCAR_EINPUT, s->path, 0, 0, "--z-offset-um",
                             "expected a finite height, found %g", o->z_offset_um);
    if (!sc->has_px && o->px_um > 0) {
        sc->px_um = o->px_um;
        sc->has_px = true;
    } else if (sc->has_px && o->px_um > 0 && o->px_um != sc->px_um) {
        scar_log(s->ctx, SCAR_LOG_WARN,
                 "%s: using the pixel size in the file, %g um, not "
                 "--px-um %g",
                 s->path, sc->px_um, o->px_um);
    }
    if (!sc->has_step && o->z_step_um > 0) {
        sc->z_step_um = o->z_step_um;
        sc->z_offset_um = o->z_offset_um;
        sc->has_step = true;
    }
    if (!sc->has_px || !sc->has_step)
        return SCAR_RAISE_AT(s->ctx, SCAR_EINPUT, s->path, 0, 0, NULL,
                             "expected a scale for this PNG, found %s: give %s",
                             sc->has_px || sc->has_step ? "only part of one" : "none",
                             !sc->has_px && !sc->has_step
                                 ? "--px-um (pixel size) and --z-step-um (height of one grey "
                                   "level, optionally --z-offset-um)"
                             : !sc->has_px ? "--px-um (pixel size)"
                                           : "--z-step-um (height of one grey level)");
    if (!sc->has_dy)
        sc->dy_um = sc->px_um;
    return SCAR_OK;
}

static const char *colour_name(int c)
{
    switch (c) {
    case PNG_COLOR_TYPE_GRAY_ALPHA: return "greyscale with alpha";
    case PNG_COLOR_TYPE_PALETTE: return "a palette (colour) image";
    case PNG_COLOR_TYPE_RGB: return "a colour (RGB) image";
    case PNG_COLOR_TYPE_RGB_ALPHA: return "a colour (RGBA) image";
    }
    return "an unknown colour type";
}

static scar_status read_body(pngio *s, const scar_read_opts *o)
{
    if (setjmp(png_jmpbuf(s->png)))
        return failed(s);
    png_set_read_fn(s->png, s, on_read);
    png_set_sig_bytes(s->png, 8);
    png_read_info(s->png, s->info);
    png_uint_32 w, h;
    int depth, colour, interlace;
    png_get_IHDR(s->png, s->info, &w, &h, &depth, &colour, &interlace, NULL, NULL);
    if (colour != PNG_COLOR_TYPE_GRAY)
        return SCAR_RAISE_AT(s->ctx, SCAR_EINPUT, s->path, 0, 0, NULL,
                             "expected a greyscale PNG (one height per pixel), found %s",
                             colour_name(colour));
    if (depth != 8 && depth != 16)
        return SCAR_RAISE_AT(s->ctx, SCAR_EINPUT, s->path, 0, 0, NULL,
                             "expected 8 or 16 bits per pixel, found %d", depth);
    /* The map is allocated before the image data is read, so the file must
     * be able to hold the pixels first (docs/limits.md): deflate packs at
     * most 1032 bytes into one (RFC 1951: a 258-byte match in 2 bits), and a
     * 60-byte file may claim 32768 x 8192 pixels. */
    unsigned long long raw =
        (unsigned long long)h * (1 + (unsigned long long)w * (unsigned)depth / 8);
    if (s->size >= 0 && (unsigned long long)s->size < raw / 1032)
        return SCAR_RAISE_AT(s->ctx, SCAR_EINPUT, s->path, 0, 0, NULL,
                             "expected at least %llu bytes of compressed image data for %u x %u "
                             "pixels, found a file of %lld bytes (truncated?)",
                             raw / 1032, (unsigned)w, (unsigned)h, s->size);
    png_scale sc = {0};
    scar_status st = read_text(s, &sc);
    if (!st)
        st = resolve_scale(s, o, &sc);
    if (!st)
        st = io_check_size(s->ctx, s->path, w, h, sc.px_um, sc.dy_um, "width", "height",
                           sc.has_px && o->px_um == 0 ? "scarsim:px_um" : "--px-um");
    if (!st)
        st = scar_heightmap_create(s->ctx, w, h, sc.px_um, sc.dy_um, &s->hm);
    if (st)
        return st;
    s->hm->x0_um = sc.x0_um;
    s->hm->y0_um = sc.y0_um;
    if (!(s->rows = scar_malloc(s->ctx, h * sizeof *s->rows)))
        return SCAR_ENOMEM;
    /* Each row is read into the start of its own row of floats, then widened
     * in place from the end, so no second image buffer is needed. */
    for (size_t j = 0; j < h; j++)
        s->rows[j] = (png_bytep)(s->hm->z_um + j * w);
    png_set_interlace_handling(s->png);
    png_read_update_info(s->png, s->info);
    png_read_image(s->png, s->rows);
    png_read_end(s->png, NULL);
    for (size_t j = 0; j < h; j++) {
        const unsigned char *r = s->rows[j];
        float *z = s->hm->z_um + j * w;
        for (size_t i = w; i-- > 0;) {
            unsigned g = depth == 16 ? (unsigned)r[2 * i] << 8 | r[2 * i + 1] : r[i];
            z[i] = (float)(sc.z_offset_um + g * sc.z_step_um);
        }
    }
    return SCAR_OK;
}

scar_status io_png_read(scar_ctx *ctx, const char *path, const scar_read_opts *o,
                        scar_heightmap **out)
{
    *out = NULL;
    pngio s = {.ctx = ctx, .path = path};
    scar_status st = io_open_read(ctx, path, &s.fp, &s.size);
    if (st)
        return st;
    unsigned char sig[8];
    if (fread(sig, 1, 8, s.fp) != 8 || png_sig_cmp(sig, 0, 8) != 0) {
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected a PNG file (starting with the PNG signature), found "
                           "something else");
        goto done;
    }
    s.png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &s, on_error, on_warning, &s, on_alloc,
                                     on_free);
    if (s.png)
        s.info = png_create_info_struct(s.png);
    if (!s.png || !s.info) {
        st = s.nomem ? SCAR_ENOMEM : SCAR_RAISE(ctx, SCAR_EINTERNAL, "libpng did not start");
        goto done;
    }
    st = read_body(&s, o);
done:
    if (s.nomem && st != SCAR_ENOMEM) /* libpng went on without the memory */
        st = SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory while reading a PNG");
    if (s.png)
        png_destroy_read_struct(&s.png, s.info ? &s.info : NULL, NULL);
    free(s.rows);
    if (!st)
        *out = s.hm;
    else
        scar_heightmap_destroy(&s.hm);
    fclose(s.fp);
    return st;
}

/* ---- writing ---- */

typedef struct png_text_buf {
    char key[8][32], val[8][200];
    png_text t[8];
    int n;
} png_text_buf;

static void add_text(png_text_buf *b, const char *key, const char *text)
{
    int k = b->n++;
    scar_strlcpy(b->key[k], key, sizeof b->key[k]);
    scar_strlcpy(b->val[k], text, sizeof b->val[k]);
    b->t[k] = (png_text){.compression = PNG_TEXT_COMPRESSION_NONE,
                         .key = b->key[k],
                         .text = b->val[k],
                         .text_length = strlen(b->val[k])};
}

/* %.17g: the double comes back bit for bit. */
static void add_number(png_text_buf *b, const char *key, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", v);
    add_text(b, key, buf);
}

static scar_status write_body(pngio *s, const scar_heightmap *hm, png_bytep row, png_text_buf *tb,
                              double z_off, double z_step)
{
    if (setjmp(png_jmpbuf(s->png)))
        return failed(s);
    png_set_write_fn(s->png, s, on_write, on_flush);
    png_set_IHDR(s->png, s->info, (png_uint_32)hm->nx, (png_uint_32)hm->ny, 16, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_text(s->png, s->info, tb->t, tb->n); /* before the image: read with the header */
    png_write_info(s->png, s->info);
    for (size_t j = 0; j < hm->ny; j++) {
        const float *z = hm->z_um + j * hm->nx;
        for (size_t i = 0; i < hm->nx; i++) {
            double g = nearbyint((z[i] - z_off) / z_step);
            unsigned v = g <= 0 ? 0u : g >= 65535 ? 65535u : (unsigned)g;
            row[2 * i] = (png_byte)(v >> 8); /* PNG samples are big-endian */
            row[2 * i + 1] = (png_byte)v;
        }
        png_write_row(s->png, row);
    }
    png_write_end(s->png, s->info);
    return SCAR_OK;
}

scar_status io_png_write(scar_ctx *ctx, const scar_heightmap *hm, const char *path)
{
    /* The map's range spread over all 65536 levels: the error is at most
     * half a level, (max - min) / 131070. */
    size_t n = hm->nx * hm->ny;
    double lo = hm->z_um[0], hi = hm->z_um[0];
    for (size_t k = 1; k < n; k++) {
        lo = fmin(lo, hm->z_um[k]);
        hi = fmax(hi, hm->z_um[k]);
    }
    double step = hi > lo ? (hi - lo) / 65535.0 : 1.0;
    png_text_buf tb = {.n = 0};
    add_number(&tb, "scarsim:px_um", hm->dx_um);
    add_number(&tb, "scarsim:dy_um", hm->dy_um);
    add_number(&tb, "scarsim:x0_um", hm->x0_um);
    add_number(&tb, "scarsim:y0_um", hm->y0_um);
    add_number(&tb, "scarsim:z_step_um", step);
    add_number(&tb, "scarsim:z_offset_um", lo);
    add_text(&tb, "Software", "scarsim " SCAR_VERSION " (git " SCAR_GIT_HASH ")");
    add_text(&tb, "Description",
             "Skin height map: height in micrometres = "
             "scarsim:z_offset_um + grey level * scarsim:z_step_um");

    pngio s = {.ctx = ctx, .path = path, .writing = true};
    scar_afile *af = NULL;
    png_bytep row = NULL;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    s.fp = scar_afile_stream(af);
    row = scar_malloc(ctx, 2 * hm->nx);
    s.png = row ? png_create_write_struct_2(PNG_LIBPNG_VER_STRING, &s, on_error, on_warning, &s,
                                            on_alloc, on_free)
                : NULL;
    if (s.png)
        s.info = png_create_info_struct(s.png);
    if (!row || !s.png || !s.info)
        st =
            s.nomem || !row ? SCAR_ENOMEM : SCAR_RAISE(ctx, SCAR_EINTERNAL, "libpng did not start");
    else
        st = write_body(&s, hm, row, &tb, lo, step);
    if (s.nomem && st != SCAR_ENOMEM)
        st = SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory while writing a PNG");
    if (s.png)
        png_destroy_write_struct(&s.png, s.info ? &s.info : NULL);
    free(row);
    if (st) {
        scar_afile_abort(&af);
        return st;
    }
    return scar_afile_commit(ctx, &af);
}
