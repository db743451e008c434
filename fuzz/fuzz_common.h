/*
 * fuzz_common.h — what the libFuzzer harnesses share (docs/fuzzing.md).
 *
 * The surface readers open files by path, so each input is written to a
 * memfd and read back through /proc/self/fd/N: no file on disk, nothing left
 * behind when the fuzzer stops, and a real regular file to stdio, libpng and
 * libzip (which seek in it).
 *
 * Every call is checked the same way: SCAR_OK with a map, or SCAR_EINPUT /
 * SCAR_ENOMEM with no map and an error that formats as one non-empty line.
 * Anything else calls abort(), which libFuzzer reports as a crash with the
 * input that caused it.  Each input is read twice: once normally, counting
 * the checked allocations, then again with an injected allocation failure at
 * a point chosen from the input, so the failure paths are fuzzed for leaks
 * too.
 */
#ifndef SCAR_FUZZ_COMMON_H
#define SCAR_FUZZ_COMMON_H

#define _GNU_SOURCE /* memfd_create; before any system header */

#include "core.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a note on stderr: libFuzzer turns it into a crash report. */
static inline void fz_die(const char *what, const char *detail)
{
    fprintf(stderr, "scarsim fuzz: %s: %s\n", what, detail);
    abort();
}

/* A scratch folder holding an empty measured_skin.gsf, and the names of a
 * ".json" and a ".yaml" input in it: the document harnesses parse each
 * input under both names, and a skin.surface naming that file gets past it
 * (only checked to exist, not read) into the rest of the schema.  Removed
 * at exit. */
static char fz_dir[64], fz_skin[96], fz_json_name[96], fz_yaml_name[96];

static inline void fz_scratch_cleanup(void)
{
    unlink(fz_skin);
    rmdir(fz_dir);
}

static inline void fz_scratch_init(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(fz_dir, sizeof fz_dir, "%s/scarsim-fuzz-XXXXXX",
             tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    if (!mkdtemp(fz_dir))
        fz_die("setup", "mkdtemp failed");
    snprintf(fz_skin, sizeof fz_skin, "%s/measured_skin.gsf", fz_dir);
    snprintf(fz_json_name, sizeof fz_json_name, "%s/fuzz.json", fz_dir);
    snprintf(fz_yaml_name, sizeof fz_yaml_name, "%s/fuzz.yaml", fz_dir);
    FILE *f = fopen(fz_skin, "wb");
    if (!f)
        fz_die("setup", "cannot create the skin file");
    fclose(f);
    atexit(fz_scratch_cleanup);
}

/* The path at which the current input can be opened. */
static inline const char *fz_input_path(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("scarsim-fuzz", 0);
        if (fd < 0)
            fz_die("setup", "memfd_create failed");
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0)
        fz_die("setup", "ftruncate failed");
    for (size_t done = 0; done < size;) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            fz_die("setup", "pwrite failed");
        done += (size_t)n;
    }
    return path;
}

/* The checks every call must pass; what names the call in a report. */
static inline void fz_check(scar_ctx *ctx, scar_status st, bool have_out, const char *what)
{
    if (st == SCAR_OK) {
        if (!have_out)
            fz_die(what, "SCAR_OK without a result");
        return;
    }
    if (have_out)
        fz_die(what, "a failure left a result behind");
    if (st != SCAR_EINPUT && st != SCAR_ENOMEM)
        fz_die(what, scar_status_name(st));
    const scar_error *e = scar_ctx_error(ctx);
    if (e->status != st)
        fz_die(what, "the error recorded differs from the status returned");
    char line[4096];
    size_t n = scar_error_format(e, line, sizeof line);
    if (n == 0 || e->message[0] == '\0')
        fz_die(what, "an empty error message");
    if (n >= sizeof line)
        fz_die(what, "an error longer than 4 KiB");
    if (strchr(line, '\n') || strchr(line, '\r')) {
        fprintf(stderr, "scarsim fuzz: %s: the error is not one line:\n[%s]\n", what, line);
        abort();
    }
}

/* A number from the input (FNV-1a), for choosing where an allocation fails. */
static inline uint64_t fz_hash(const uint8_t *data, size_t size)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t k = 0; k < size; k++)
        h = (h ^ data[k]) * 1099511628211ull;
    return h;
}

/* Counts the checked allocations the next call makes (see fz_alloc_used). */
static inline void fz_alloc_count(scar_ctx *ctx)
{
    scar_ctx_fail_alloc_after(ctx, LONG_MAX);
}

static inline long fz_alloc_used(scar_ctx *ctx)
{
    long used = LONG_MAX - ctx->alloc_countdown;
    scar_ctx_fail_alloc_after(ctx, 0);
    return used;
}

/* Arms a failure of one of the first `used` allocations, chosen by the input. */
static inline void fz_alloc_fail(scar_ctx *ctx, long used, const uint8_t *data, size_t size)
{
    scar_ctx_fail_alloc_after(ctx, 1 + (long)(fz_hash(data, size) % (uint64_t)used));
}

/* One surface read with its checks; inject: fail one allocation too. */
static inline void fz_read(const char *path, const scar_read_opts *opts, const char *what,
                           const uint8_t *data, size_t size)
{
    scar_ctx *ctx = scar_ctx_create();
    if (!ctx)
        fz_die("setup", "no memory for a context");
    scar_heightmap *hm = NULL;
    fz_alloc_count(ctx);
    scar_status st = scar_heightmap_read(ctx, path, opts, &hm);
    long used = fz_alloc_used(ctx);
    fz_check(ctx, st, hm != NULL, what);
    if (hm) {
        if (hm->nx == 0 || hm->ny == 0 || !(hm->dx_um > 0) || !(hm->dy_um > 0) ||
            !isfinite(hm->x0_um) || !isfinite(hm->y0_um))
            fz_die(what, "a map with a bad size, spacing or offset");
        scar_heightmap_destroy(&hm);
    }
    if (used > 0) {
        scar_ctx_clear_error(ctx);
        fz_alloc_fail(ctx, used, data, size);
        st = scar_heightmap_read(ctx, path, opts, &hm);
        scar_ctx_fail_alloc_after(ctx, 0);
        fz_check(ctx, st, hm != NULL, what);
        scar_heightmap_destroy(&hm);
    }
    scar_ctx_destroy(&ctx);
}

#endif /* SCAR_FUZZ_COMMON_H */
