/*
 * bin.c — fixed-width little-endian fields, raw then deflated (bin.h).
 */
#include "bin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* zlib's buffers and the shuffle block: 64 KiB keeps each call's working
 * set in L2 while deflate sees long enough runs. */
enum { BUF = 1 << 16, BLOCK = 4096 };

/* What a writer and a reader begin with (bin_open fills it). */
typedef struct bin_io {
    scar_ctx *ctx;
    FILE *fp;
    const char *path; /* the file's name in messages */
    scar_status st;   /* the first failure */
} bin_io;

struct scar_bin_w {
    bin_io io;
    bool deflating;
    z_stream z;
    size_t nin;            /* bytes waiting in in[] */
    unsigned char in[BUF]; /* small puts are gathered here for deflate */
    unsigned char out[BUF];
    unsigned char shuf[8 * BLOCK];
};

static void w_io_fail(scar_bin_w *w)
{
    if (!w->io.st)
        w->io.st = SCAR_RAISE_AT(w->io.ctx, SCAR_EIO, w->io.path, 0, 0, NULL, "writing failed: %s",
                              strerror(errno));
}

/* Writes what deflate has made; flush: Z_NO_FLUSH or Z_FINISH. */
static void w_pump(scar_bin_w *w, int flush)
{
    for (;;) {
        w->z.next_out = w->out;
        w->z.avail_out = BUF;
        int zr = deflate(&w->z, flush);
        size_t made = BUF - w->z.avail_out;
        if (made && fwrite(w->out, 1, made, w->io.fp) != made) {
            w_io_fail(w);
            return;
        }
        if (zr == Z_STREAM_ERROR) {
            w->io.st = SCAR_RAISE(w->io.ctx, SCAR_EINTERNAL, "deflate failed on %s", w->io.path);
            return;
        }
        if (flush == Z_FINISH ? zr == Z_STREAM_END : w->z.avail_in == 0 && w->z.avail_out > 0)
            return;
    }
}

/* Allocates a writer or reader of size bytes (its bin_io first). */
static scar_status bin_open(scar_ctx *ctx, FILE *fp, const char *path, size_t size, void **out)
{
    bin_io *b = scar_calloc(ctx, 1, size);
    *out = b;
    if (!b)
        return SCAR_ENOMEM;
    *b = (bin_io){ctx, fp, path, SCAR_OK};
    return SCAR_OK;
}

scar_status scar_bin_w_open(scar_ctx *ctx, FILE *fp, const char *path, scar_bin_w **out)
{
    return bin_open(ctx, fp, path, sizeof **out, (void **)out);
}

void scar_bin_w_deflate(scar_bin_w *w)
{
    if (w->io.st || w->deflating)
        return;
    /* level 1 with run-length matches only: a checkpoint is written while
     * the run waits, and after the shuffle runs of equal bytes are what
     * there is to find (the demo's 82 MB of fields: 47.5 MB in 0.5 s;
     * plain level 1: 46.9 MB in 1.0 s) */
    if (deflateInit2(&w->z, 1, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK) {
        w->io.st = SCAR_RAISE(w->io.ctx, SCAR_ENOMEM, "deflateInit failed");
        return;
    }
    w->deflating = true;
}

/* Deflates what waits in in[]. */
static void w_feed(scar_bin_w *w, int flush)
{
    w->z.next_in = w->in;
    w->z.avail_in = (uInt)w->nin;
    w_pump(w, flush);
    w->nin = 0;
}

void scar_bin_put_bytes(scar_bin_w *w, const void *p, size_t n)
{
    if (w->io.st || n == 0)
        return;
    if (!w->deflating) {
        if (fwrite(p, 1, n, w->io.fp) != n)
            w_io_fail(w);
        return;
    }
    const unsigned char *b = p;
    while (n && !w->io.st) {
        size_t k = BUF - w->nin < n ? BUF - w->nin : n;
        memcpy(w->in + w->nin, b, k);
        w->nin += k;
        b += k;
        n -= k;
        if (w->nin == BUF)
            w_feed(w, Z_NO_FLUSH);
    }
}

static void put_le(scar_bin_w *w, uint64_t v, unsigned width)
{
    unsigned char b[8];
    for (unsigned k = 0; k < width; k++)
        b[k] = (unsigned char)(v >> (8 * k));
    scar_bin_put_bytes(w, b, width);
}

void scar_bin_put_u8(scar_bin_w *w, uint8_t v) { put_le(w, v, 1); }
void scar_bin_put_u32(scar_bin_w *w, uint32_t v) { put_le(w, v, 4); }
void scar_bin_put_u64(scar_bin_w *w, uint64_t v) { put_le(w, v, 8); }

void scar_bin_put_f64(scar_bin_w *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    put_le(w, u, 8);
}

void scar_bin_put_str(scar_bin_w *w, const char *s)
{
    size_t n = strlen(s);
    if (n > UINT32_MAX) {
        scar_bin_w_fail(w, SCAR_RAISE(w->io.ctx, SCAR_EINTERNAL, "string too long for %s", w->io.path));
        return;
    }
    scar_bin_put_u32(w, (uint32_t)n);
    scar_bin_put_bytes(w, s, n);
}

/* The value of element i of an array of width-byte numbers, as bits. */
static uint64_t bits_at(const void *v, size_t i, unsigned width)
{
    if (width == 8) {
        uint64_t u;
        memcpy(&u, (const unsigned char *)v + 8 * i, 8);
        return u;
    }
    uint32_t u;
    memcpy(&u, (const unsigned char *)v + 4 * i, 4);
    return u;
}

static void put_shuffled(scar_bin_w *w, const void *v, size_t n, unsigned width)
{
    for (size_t i0 = 0; i0 < n && !w->io.st; i0 += BLOCK) {
        size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        for (size_t i = 0; i < m; i++) {
            uint64_t u = bits_at(v, i0 + i, width);
            for (unsigned k = 0; k < width; k++)
                w->shuf[k * m + i] = (unsigned char)(u >> (8 * k));
        }
        scar_bin_put_bytes(w, w->shuf, m * width);
    }
}

void scar_bin_put_f64s(scar_bin_w *w, const double *v, size_t n) { put_shuffled(w, v, n, 8); }
void scar_bin_put_f32s(scar_bin_w *w, const float *v, size_t n) { put_shuffled(w, v, n, 4); }
void scar_bin_put_u64s(scar_bin_w *w, const uint64_t *v, size_t n) { put_shuffled(w, v, n, 8); }

void scar_bin_w_fail(scar_bin_w *w, scar_status st)
{
    if (!w->io.st)
        w->io.st = st;
}

scar_status scar_bin_w_close(scar_bin_w **pw)
{
    if (!pw || !*pw)
        return SCAR_OK;
    scar_bin_w *w = *pw;
    if (w->deflating) {
        if (!w->io.st)
            w_feed(w, Z_FINISH);
        deflateEnd(&w->z);
    }
    scar_status st = w->io.st;
    free(w);
    *pw = NULL;
    return st;
}

/* ---- reading ---- */

struct scar_bin_r {
    bin_io io;
    bool inflating, ended;
    z_stream z;
    unsigned char in[BUF];
    unsigned char shuf[8 * BLOCK];
};

scar_status scar_bin_r_open(scar_ctx *ctx, FILE *fp, const char *path, scar_bin_r **out)
{
    return bin_open(ctx, fp, path, sizeof **out, (void **)out);
}

scar_status scar_bin_r_fail(scar_bin_r *r, const char *field, const char *fmt, ...)
{
    if (r->io.st)
        return r->io.st;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->io.st = SCAR_RAISE_AT(r->io.ctx, SCAR_EINPUT, r->io.path, 0, 0, field, "%s", msg);
    return r->io.st;
}

scar_status scar_bin_r_status(const scar_bin_r *r) { return r->io.st; }

scar_status scar_bin_r_inflate(scar_bin_r *r)
{
    if (r->io.st || r->inflating)
        return r->io.st;
    if (inflateInit(&r->z) != Z_OK)
        return r->io.st = SCAR_RAISE(r->io.ctx, SCAR_ENOMEM, "inflateInit failed");
    r->inflating = true;
    return SCAR_OK;
}

static scar_status truncated(scar_bin_r *r, const char *field, size_t missing)
{
    if (ferror(r->io.fp))
        return scar_bin_r_fail(r, field, "cannot read the checkpoint: %s", strerror(errno));
    return scar_bin_r_fail(r, field, "truncated: expected %zu more bytes, found the end of the "
                                     "file",
                           missing);
}

/* One inflate call into b[0..n): refills the input first when it is used
 * up; *got receives the bytes made. */
static scar_status pull(scar_bin_r *r, const char *field, unsigned char *b, size_t n, size_t *got)
{
    *got = 0;
    if (r->z.avail_in == 0) {
        r->z.next_in = r->in;
        r->z.avail_in = (uInt)fread(r->in, 1, BUF, r->io.fp);
        if (r->z.avail_in == 0)
            return truncated(r, field, n);
    }
    uInt k = n > BUF ? BUF : (uInt)n;
    r->z.next_out = b;
    r->z.avail_out = k;
    int zr = inflate(&r->z, Z_NO_FLUSH);
    if (zr == Z_MEM_ERROR)
        return r->io.st = SCAR_RAISE(r->io.ctx, SCAR_ENOMEM, "inflate ran out of memory");
    if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
        return scar_bin_r_fail(r, field, "damaged: zlib says '%s'",
                               r->z.msg ? r->z.msg : "data error");
    r->ended = zr == Z_STREAM_END;
    *got = k - r->z.avail_out;
    return SCAR_OK;
}

scar_status scar_bin_get_bytes(scar_bin_r *r, const char *field, void *p, size_t n)
{
    if (r->io.st)
        return r->io.st;
    if (!r->inflating) {
        size_t got = fread(p, 1, n, r->io.fp);
        return got == n ? SCAR_OK : truncated(r, field, n - got);
    }
    unsigned char *b = p;
    while (n) {
        if (r->ended)
            return scar_bin_r_fail(r, field, "the compressed data ends %zu bytes before this "
                                             "field's end",
                                   n);
        size_t got;
        scar_status st = pull(r, field, b, n, &got);
        if (st)
            return st;
        b += got;
        n -= got;
    }
    return SCAR_OK;
}

static scar_status get_le(scar_bin_r *r, const char *field, uint64_t *v, unsigned width)
{
    unsigned char b[8];
    *v = 0;
    scar_status st = scar_bin_get_bytes(r, field, b, width);
    for (unsigned k = 0; !st && k < width; k++)
        *v |= (uint64_t)b[k] << (8 * k);
    return st;
}

scar_status scar_bin_get_u8(scar_bin_r *r, const char *field, uint8_t *v)
{
    uint64_t u;
    scar_status st = get_le(r, field, &u, 1);
    *v = (uint8_t)u;
    return st;
}

scar_status scar_bin_get_u32(scar_bin_r *r, const char *field, uint32_t *v)
{
    uint64_t u;
    scar_status st = get_le(r, field, &u, 4);
    *v = (uint32_t)u;
    return st;
}

scar_status scar_bin_get_u64(scar_bin_r *r, const char *field, uint64_t *v)
{
    return get_le(r, field, v, 8);
}

scar_status scar_bin_get_f64(scar_bin_r *r, const char *field, double *v)
{
    uint64_t u;
    scar_status st = get_le(r, field, &u, 8);
    memcpy(v, &u, sizeof *v);
    return st;
}

scar_status scar_bin_get_str(scar_bin_r *r, const char *field, size_t max, char **s)
{
    *s = NULL;
    uint32_t n;
    scar_status st = scar_bin_get_u32(r, field, &n);
    if (st)
        return st;
    if (n > max)
        return scar_bin_r_fail(r, field, "expected at most %zu bytes of text, found a length of "
                                         "%u",
                               max, (unsigned)n);
    char *b = scar_malloc(r->io.ctx, (size_t)n + 1);
    if (!b)
        return r->io.st = SCAR_ENOMEM;
    if ((st = scar_bin_get_bytes(r, field, b, n))) {
        free(b);
        return st;
    }
    b[n] = '\0';
    if (strlen(b) != n) {
        free(b);
        return scar_bin_r_fail(r, field, "expected text, found a NUL byte");
    }
    *s = b;
    return SCAR_OK;
}

static scar_status get_shuffled(scar_bin_r *r, const char *field, void *v, size_t n,
                                unsigned width)
{
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        scar_status st = scar_bin_get_bytes(r, field, r->shuf, m * width);
        if (st)
            return st;
        for (size_t i = 0; i < m; i++) {
            uint64_t u = 0;
            for (unsigned k = 0; k < width; k++)
                u |= (uint64_t)r->shuf[k * m + i] << (8 * k);
            unsigned char *dst = (unsigned char *)v + width * (i0 + i);
            if (width == 8) {
                memcpy(dst, &u, 8);
            } else {
                uint32_t u32 = (uint32_t)u;
                memcpy(dst, &u32, 4);
            }
        }
    }
    return SCAR_OK;
}

scar_status scar_bin_get_f64s(scar_bin_r *r, const char *field, double *v, size_t n)
{
    return get_shuffled(r, field, v, n, 8);
}

scar_status scar_bin_get_f32s(scar_bin_r *r, const char *field, float *v, size_t n)
{
    return get_shuffled(r, field, v, n, 4);
}

scar_status scar_bin_get_u64s(scar_bin_r *r, const char *field, uint64_t *v, size_t n)
{
    return get_shuffled(r, field, v, n, 8);
}

scar_status scar_bin_r_end(scar_bin_r *r, const char *field)
{
    if (r->io.st)
        return r->io.st;
    /* the deflated part must end exactly here */
    while (r->inflating && !r->ended) {
        unsigned char extra;
        size_t got;
        scar_status st = pull(r, field, &extra, 1, &got);
        if (st)
            return st;
        if (got)
            return scar_bin_r_fail(r, field, "expected the end of the data, found more");
    }
    if ((r->inflating && r->z.avail_in) || fgetc(r->io.fp) != EOF)
        return scar_bin_r_fail(r, field, "expected the end of the file, found more bytes");
    return SCAR_OK;
}

void scar_bin_r_close(scar_bin_r **pr)
{
    if (!pr || !*pr)
        return;
    if ((*pr)->inflating)
        inflateEnd(&(*pr)->z);
    free(*pr);
    *pr = NULL;
}
