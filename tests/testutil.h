/*
 * testutil.h — small helpers shared by the cmocka tests.
 */
#ifndef SCAR_TESTUTIL_H
#define SCAR_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "scarsim.h"

/* A fresh scratch folder under $TMPDIR (or /tmp); the path lives in buf. */
static inline void tu_tmpdir(char *buf, size_t n)
{
    const char *base = getenv("TMPDIR");
    snprintf(buf, n, "%s/scarsim-test-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(buf));
}

static inline void tu_path(char *buf, size_t n, const char *dir, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

static inline int tu_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Writes a small file with the given bytes. */
static inline void tu_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* The number of entries in a folder whose name contains ".tmp-": what an
 * interrupted atomic write would leave behind. */
static inline int tu_count_tmp(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '\\.tmp-' || true", dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int k = 0;
    if (fscanf(p, "%d", &k) != 1)
        k = 0;
    pclose(p);
    return k;
}

/* The one-line message of the context's error. */
static inline const char *tu_errmsg(const scar_ctx *ctx)
{
    static char buf[2048];
    scar_error_format(scar_ctx_error(ctx), buf, sizeof buf);
    return buf;
}

/* Asserts that the context's error message contains every given fragment. */
#define tu_assert_err_has(ctx, frag)                                            \
    do {                                                                        \
        const char *m_ = tu_errmsg(ctx);                                        \
        if (!strstr(m_, (frag)))                                                \
            fail_msg("error \"%s\" lacks \"%s\"", m_, (frag));                  \
    } while (0)

/* A synthetic skin of w x h mm at 25 um with the given numbers of icepick,
 * boxcar and rolling scars (NULL after printing why when it cannot be
 * made). */
static inline scar_heightmap *tu_synth_skin(int icepick, int boxcar, int rolling, double w_mm,
                                            double h_mm, uint64_t seed)
{
    scar_ctx *ctx = scar_ctx_create();
    scar_synth_spec spec;
    scar_synth_spec_default(&spec);
    memset(spec.counts, 0, sizeof spec.counts);
    spec.counts[SCAR_TYPE_ICEPICK] = icepick;
    spec.counts[SCAR_TYPE_BOXCAR] = boxcar;
    spec.counts[SCAR_TYPE_ROLLING] = rolling;
    spec.width_mm = w_mm;
    spec.height_mm = h_mm;
    spec.px_um = 25;
    spec.seed = seed;
    scar_scar_list truth = {0};
    scar_heightmap *hm = NULL;
    if (scar_synth(ctx, &spec, &hm, &truth))
        print_error("synth: %s\n", tu_errmsg(ctx));
    scar_scar_list_clear(&truth);
    scar_ctx_destroy(&ctx);
    return hm;
}

/* One run of the code under an allocation-failure test: makes what it makes
 * with ctx, checks that a failed run left nothing (its out-pointers NULL),
 * frees what a good run made, and returns the status.  `which` picks one of
 * several inputs. */
typedef scar_status (*tu_alloc_run)(scar_ctx *ctx, int which);

/* For each input `which` in [0, n): runs run(ctx, which) with the k-th
 * allocation failing, for k = 1, 2, ... until a run gets through without
 * reaching the injected failure; that run must end with done(which)
 * (SCAR_OK, or SCAR_EINPUT for an input refused late), every earlier one
 * with SCAR_ENOMEM, and each input must allocate more than min_allocs times.
 * Needs core.h (the context's countdown). */
#define tu_alloc_failures(run, n, done, min_allocs)                              \
    do {                                                                        \
        for (int which_ = 0; which_ < (n); which_++) {                          \
            long k_ = 1;                                                        \
            for (;; k_++) {                                                     \
                scar_ctx *ctx_ = scar_ctx_create();                             \
                scar_ctx_fail_alloc_after(ctx_, k_);                            \
                scar_status st_ = (run)(ctx_, which_);                          \
                if (st_ == (done)(which_) && ctx_->alloc_countdown > 0) {       \
                    /* the injected failure was never reached */                \
                    scar_ctx_destroy(&ctx_);                                    \
                    break;                                                      \
                }                                                               \
                if (st_ != SCAR_ENOMEM)                                         \
                    fail_msg("input %d, allocation %ld: status %d (%s)", which_, \
                             k_, (int)st_, tu_errmsg(ctx_));                    \
                scar_ctx_destroy(&ctx_);                                        \
                assert_true(k_ < 100000);                                       \
            }                                                                   \
            assert_true(k_ > (min_allocs)); /* the runs did allocate */         \
        }                                                                       \
    } while (0)

#endif
