/*
 * core.h — internal helpers shared by every layer: the context's fields,
 * error raising, checked allocation, logging and progress.
 */
#ifndef SCAR_CORE_H
#define SCAR_CORE_H

#include "scarsim.h"

#include <stdarg.h>

#if defined(__GNUC__) || defined(__clang__)
#define SCAR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SCAR_PRINTF(a, b)
#endif

struct scar_ctx {
    scar_error err;
    scar_log_fn log;
    void *log_user;
    scar_log_level log_max;
    scar_progress_fn progress;
    void *progress_user;
    int threads;
    uint64_t seed;
    long alloc_countdown; /* > 0: allocations left before an injected failure */
    scar_cancel_fn cancel; /* asked between steps of long work; NULL: never */
    void *cancel_user;
};

/* Records an error in ctx and returns its status, so a caller writes
 * `return SCAR_RAISE(ctx, SCAR_EINPUT, "expected ..., found %d", v);`.
 * The location (file, line, column, field) is cleared; add it with
 * scar_error_at() after raising. */
#define SCAR_RAISE(ctx, st, ...) scar_raise((ctx), (st), __FILE__, __LINE__, __VA_ARGS__)
scar_status scar_raise(scar_ctx *ctx, scar_status st, const char *src_file,
                       int src_line, const char *fmt, ...) SCAR_PRINTF(5, 6);

/* Raises an error about a place in an input: file, line and column (0 when
 * unknown) and field (NULL when none). */
#define SCAR_RAISE_AT(ctx, st, file, line, col, field, ...)                    \
    scar_raise_at((ctx), (st), __FILE__, __LINE__, (file), (line), (col),     \
                  (field), __VA_ARGS__)
scar_status scar_raise_at(scar_ctx *ctx, scar_status st, const char *src_file,
                          int src_line, const char *file, long line, long col,
                          const char *field, const char *fmt, ...)
    SCAR_PRINTF(9, 10);

/* Sets the file of the pending error when the raiser did not know it. */
void scar_error_set_file(scar_ctx *ctx, const char *file);

/* Checked allocation: on failure (real or injected) raises SCAR_ENOMEM with
 * the size asked for and returns NULL.  Free with free() / scar_free_aligned. */
void *scar_malloc(scar_ctx *ctx, size_t n);
void *scar_calloc(scar_ctx *ctx, size_t count, size_t size);
void *scar_realloc(scar_ctx *ctx, void *p, size_t n);
/* 64-byte aligned, for fields and maps; free with free(). */
void *scar_alloc_aligned(scar_ctx *ctx, size_t n);
char *scar_strdup(scar_ctx *ctx, const char *s);

/* Product of two sizes, false on overflow. */
bool scar_mul_ok(size_t a, size_t b, size_t *out);

void scar_log(scar_ctx *ctx, scar_log_level level, const char *fmt, ...)
    SCAR_PRINTF(3, 4);
void scar_progress(scar_ctx *ctx, const char *task, double fraction);

/* snprintf into a fixed buffer, truncating safely. */
void scar_strlcpy(char *dst, const char *src, size_t n);

/* Levenshtein distance where a change of case costs 1 and any other edit 2
 * (for "did you mean" suggestions), on the first 63 bytes of each. */
unsigned scar_edit_distance(const char *a, const char *b);
/* "dir/name", allocated (NULL with ctx's error set when memory runs out). */
char *scar_path_join(scar_ctx *ctx, const char *dir, const char *name);
/* Writes a CSV text cell, quoted as RFC 4180 asks when it holds a comma, a
 * quote or a line break (and when it has edge spaces, which readers may
 * trim); NULL writes an empty cell. */
void scar_csv_text(FILE *f, const char *s);
/* Reads a whole input file of at most max_bytes (refused from its size when
 * it is a regular file, else one byte past the limit).  `what` names it in
 * the messages: "expected a readable WHAT, found none: ...".  *out is
 * malloc'ed (not NUL-terminated), *len its length. */
scar_status scar_read_text(scar_ctx *ctx, const char *path, size_t max_bytes, const char *what,
                           char **out, size_t *len);
/* prefix followed by the Base64 (RFC 4648) of n bytes, NUL-terminated and
 * malloc'ed: a data URL with prefix "data:image/png;base64,".  NULL (ctx's
 * error set) when memory runs out. */
char *scar_base64(scar_ctx *ctx, const char *prefix, const void *data, size_t n);

/* An output folder written as a whole (stage.c): files go into a staging
 * sibling (scar_stage_path), which becomes the folder on commit; abort (or a
 * failure) removes it. */
typedef struct scar_stage scar_stage;
scar_status scar_stage_open(scar_ctx *ctx, const char *dir, scar_stage **out);
const char *scar_stage_path(const scar_stage *s);
scar_status scar_stage_commit(scar_ctx *ctx, scar_stage **s);
void scar_stage_abort(scar_stage **s); /* accepts NULL */
/* Removes a folder and everything in it (what can be removed; no error). */
void scar_remove_tree(const char *dir);

#endif /* SCAR_CORE_H */
