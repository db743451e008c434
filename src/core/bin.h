/*
 * bin.h — a binary stream of fixed-width little-endian fields, first raw,
 * then (after scar_bin_*_deflate) deflated with zlib: the format of a
 * course's checkpoint (course/checkpoint.c, docs/scenario.md).
 *
 * Arrays of numbers are byte-shuffled before deflate (byte 0 of every value
 * in a block, then byte 1, ...): the exponents and high mantissa bytes of
 * smooth fields line up, and runs of zeros (untreated skin) stay runs.
 *
 * The writer keeps its first failure and reports it when closed, so a
 * sequence of puts is checked once.  Every read names its field: a short or
 * damaged stream is refused with SCAR_EINPUT, the file and that field; after
 * a failure the reader answers every further read with the same status.
 */
#ifndef SCAR_BIN_H
#define SCAR_BIN_H

#include "core.h"

typedef struct scar_bin_w scar_bin_w;

/* Writes to fp (not owned; path names it in messages). */
scar_status scar_bin_w_open(scar_ctx *ctx, FILE *fp, const char *path, scar_bin_w **out);
/* Everything put from here on is deflated. */
void scar_bin_w_deflate(scar_bin_w *w);
void scar_bin_put_bytes(scar_bin_w *w, const void *p, size_t n);
void scar_bin_put_u8(scar_bin_w *w, uint8_t v);
void scar_bin_put_u32(scar_bin_w *w, uint32_t v);
void scar_bin_put_u64(scar_bin_w *w, uint64_t v);
void scar_bin_put_f64(scar_bin_w *w, double v);
/* u32 length, then the bytes (no NUL). */
void scar_bin_put_str(scar_bin_w *w, const char *s);
void scar_bin_put_f64s(scar_bin_w *w, const double *v, size_t n);
void scar_bin_put_f32s(scar_bin_w *w, const float *v, size_t n);
void scar_bin_put_u64s(scar_bin_w *w, const uint64_t *v, size_t n);
/* Latches a failure found by the caller (e.g. reading a file to carry). */
void scar_bin_w_fail(scar_bin_w *w, scar_status st);
/* Ends the deflated part, frees the writer and returns the first failure.
 * Accepts NULL. */
scar_status scar_bin_w_close(scar_bin_w **w);

typedef struct scar_bin_r scar_bin_r;

scar_status scar_bin_r_open(scar_ctx *ctx, FILE *fp, const char *path, scar_bin_r **out);
/* The rest of the stream is deflated. */
scar_status scar_bin_r_inflate(scar_bin_r *r);
scar_status scar_bin_get_bytes(scar_bin_r *r, const char *field, void *p, size_t n);
scar_status scar_bin_get_u8(scar_bin_r *r, const char *field, uint8_t *v);
scar_status scar_bin_get_u32(scar_bin_r *r, const char *field, uint32_t *v);
scar_status scar_bin_get_u64(scar_bin_r *r, const char *field, uint64_t *v);
scar_status scar_bin_get_f64(scar_bin_r *r, const char *field, double *v);
/* A string of at most max bytes (refused before allocating when longer);
 * *s is NUL-terminated and malloc'ed. */
scar_status scar_bin_get_str(scar_bin_r *r, const char *field, size_t max, char **s);
scar_status scar_bin_get_f64s(scar_bin_r *r, const char *field, double *v, size_t n);
scar_status scar_bin_get_f32s(scar_bin_r *r, const char *field, float *v, size_t n);
scar_status scar_bin_get_u64s(scar_bin_r *r, const char *field, uint64_t *v, size_t n);
/* The stream must end here: the deflated part complete, no bytes after it. */
scar_status scar_bin_r_end(scar_bin_r *r, const char *field);
/* Refuses the stream at field with a message (SCAR_EINPUT, the file named);
 * returns the status (the first failure when one is latched already). */
scar_status scar_bin_r_fail(scar_bin_r *r, const char *field, const char *fmt, ...)
    SCAR_PRINTF(3, 4);
/* The latched status (SCAR_OK while every read succeeded). */
scar_status scar_bin_r_status(const scar_bin_r *r);
void scar_bin_r_close(scar_bin_r **r); /* accepts NULL */

#endif /* SCAR_BIN_H */
