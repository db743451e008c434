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

#endif
