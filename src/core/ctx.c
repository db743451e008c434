/*
 * ctx.c — the context object, errors, checked allocation and logging.
 */
#include "core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

scar_ctx *scar_ctx_create(void)
{
    scar_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->log_max = SCAR_LOG_WARN;
    ctx->threads = 0;
    ctx->seed = 1;
    return ctx;
}

void scar_ctx_destroy(scar_ctx **ctx)
{
    if (!ctx || !*ctx)
        return;
    free(*ctx);
    *ctx = NULL;
}

const scar_error *scar_ctx_error(const scar_ctx *ctx) { return &ctx->err; }

void scar_ctx_clear_error(scar_ctx *ctx) { memset(&ctx->err, 0, sizeof ctx->err); }

void scar_ctx_set_log(scar_ctx *ctx, scar_log_fn fn, void *user,
                      scar_log_level max_level)
{
    ctx->log = fn;
    ctx->log_user = user;
    ctx->log_max = max_level;
}

void scar_ctx_set_progress(scar_ctx *ctx, scar_progress_fn fn, void *user)
{
    ctx->progress = fn;
    ctx->progress_user = user;
}

void scar_ctx_set_threads(scar_ctx *ctx, int threads) { ctx->threads = threads > 0 ? threads : 0; }
int scar_ctx_threads(const scar_ctx *ctx) { return ctx->threads; }
void scar_ctx_set_seed(scar_ctx *ctx, uint64_t seed) { ctx->seed = seed; }
uint64_t scar_ctx_seed(const scar_ctx *ctx) { return ctx->seed; }
void scar_ctx_set_cancel(scar_ctx *ctx, scar_cancel_fn fn, void *user)
{
    ctx->cancel = fn;
    ctx->cancel_user = user;
}
bool scar_ctx_cancelled(const scar_ctx *ctx)
{
    return ctx->cancel && ctx->cancel(ctx->cancel_user);
}
void scar_ctx_fail_alloc_after(scar_ctx *ctx, long n) { ctx->alloc_countdown = n > 0 ? n : 0; }

int scar_status_exit_code(scar_status st)
{
    switch (st) {
    case SCAR_OK: return 0;
    case SCAR_EUSAGE:
    case SCAR_EINPUT: return 2;
    case SCAR_ENOMEM:
    case SCAR_EIO:
    case SCAR_EINTERNAL:
    case SCAR_ESTOPPED: return 1;
    }
    return 1;
}

const char *scar_status_name(scar_status st)
{
    switch (st) {
    case SCAR_OK: return "ok";
    case SCAR_EUSAGE: return "usage error";
    case SCAR_EINPUT: return "bad input";
    case SCAR_ENOMEM: return "out of memory";
    case SCAR_EIO: return "i/o error";
    case SCAR_EINTERNAL: return "internal error";
    case SCAR_ESTOPPED: return "stopped";
    }
    return "unknown status";
}

void scar_strlcpy(char *dst, const char *src, size_t n)
{
    if (n == 0)
        return;
    size_t len = src ? strlen(src) : 0;
    if (len >= n)
        len = n - 1;
    if (len)
        memcpy(dst, src, len);
    dst[len] = '\0';
}

/* An error is one line: fold any line break a message, a file name or a
 * field picked up from its input. */
static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r')
            *s = ' ';
}

static void vraise(scar_ctx *ctx, scar_status st, const char *src_file, int src_line,
                   const char *fmt, va_list ap)
{
    scar_error *e = &ctx->err;
    memset(e, 0, sizeof *e);
    e->status = st;
    e->src_file = src_file;
    e->src_line = src_line;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    one_line(e->message);
}

scar_status scar_raise(scar_ctx *ctx, scar_status st, const char *src_file,
                       int src_line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vraise(ctx, st, src_file, src_line, fmt, ap);
    va_end(ap);
    return st;
}

scar_status scar_raise_at(scar_ctx *ctx, scar_status st, const char *src_file,
                          int src_line, const char *file, long line, long col,
                          const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vraise(ctx, st, src_file, src_line, fmt, ap);
    va_end(ap);
    scar_strlcpy(ctx->err.file, file, sizeof ctx->err.file);
    ctx->err.line = line;
    ctx->err.col = col;
    scar_strlcpy(ctx->err.field, field, sizeof ctx->err.field);
    one_line(ctx->err.file);
    one_line(ctx->err.field);
    return st;
}

void scar_error_set_file(scar_ctx *ctx, const char *file)
{
    if (ctx->err.file[0] == '\0') {
        scar_strlcpy(ctx->err.file, file, sizeof ctx->err.file);
        one_line(ctx->err.file);
    }
}

size_t scar_error_format(const scar_error *e, char *buf, size_t n)
{
    char loc[640] = "";
    size_t k = 0;
    if (e->file[0]) {
        if (e->line > 0 && e->col > 0)
            k = (size_t)snprintf(loc, sizeof loc, "%s:%ld:%ld: ", e->file, e->line, e->col);
        else if (e->line > 0)
            k = (size_t)snprintf(loc, sizeof loc, "%s:%ld: ", e->file, e->line);
        else
            k = (size_t)snprintf(loc, sizeof loc, "%s: ", e->file);
    }
    (void)k;
    int r;
    if (e->field[0])
        r = snprintf(buf, n, "%s%s: %s", loc, e->field, e->message);
    else
        r = snprintf(buf, n, "%s%s", loc, e->message);
    return r < 0 ? 0 : (size_t)r;
}

/* ---- checked allocation ---- */

static bool injected_failure(scar_ctx *ctx)
{
    if (ctx && ctx->alloc_countdown > 0) {
        if (--ctx->alloc_countdown == 0)
            return true;
    }
    return false;
}

static void *nomem(scar_ctx *ctx, size_t n)
{
    if (ctx)
        SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory: could not allocate %zu bytes", n);
    return NULL;
}

bool scar_mul_ok(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return false;
    *out = a * b;
    return true;
}

void *scar_malloc(scar_ctx *ctx, size_t n)
{
    if (n == 0)
        n = 1;
    if (injected_failure(ctx))
        return nomem(ctx, n);
    void *p = malloc(n);
    return p ? p : nomem(ctx, n);
}

void *scar_calloc(scar_ctx *ctx, size_t count, size_t size)
{
    size_t n;
    if (!scar_mul_ok(count, size, &n))
        return nomem(ctx, SIZE_MAX);
    if (n == 0)
        count = size = 1;
    if (injected_failure(ctx))
        return nomem(ctx, n);
    void *p = calloc(count, size);
    return p ? p : nomem(ctx, n);
}

void *scar_realloc(scar_ctx *ctx, void *p, size_t n)
{
    if (n == 0)
        n = 1;
    if (injected_failure(ctx))
        return nomem(ctx, n);
    void *q = realloc(p, n);
    return q ? q : nomem(ctx, n);
}

void *scar_alloc_aligned(scar_ctx *ctx, size_t n)
{
    /* aligned_alloc wants a size that is a multiple of the alignment. */
    size_t rounded = (n + 63u) & ~(size_t)63u;
    if (rounded < n)
        return nomem(ctx, n);
    if (rounded == 0)
        rounded = 64;
    if (injected_failure(ctx))
        return nomem(ctx, n);
    void *p = aligned_alloc(64, rounded);
    return p ? p : nomem(ctx, n);
}

char *scar_strdup(scar_ctx *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = scar_malloc(ctx, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* ---- logging and progress ---- */

void scar_log(scar_ctx *ctx, scar_log_level level, const char *fmt, ...)
{
    if (!ctx || !ctx->log || level > ctx->log_max)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ctx->log(ctx->log_user, level, msg);
}

void scar_progress(scar_ctx *ctx, const char *task, double fraction)
{
    if (!ctx || !ctx->progress)
        return;
    if (fraction < 0)
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    ctx->progress(ctx->progress_user, task, fraction);
}
