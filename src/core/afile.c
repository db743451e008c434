/*
 * afile.c — atomic output: write beside the target under a temporary name,
 * flush and sync, then rename over the target.  A crash or an error leaves the
 * old file (or nothing), never half a file.
 */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct scar_afile {
    FILE *fp;
    char *path;
    char *tmp;
};

/* Distinguishes temporaries of one process writing several files at once. */
static atomic_uint tmp_serial;

scar_status scar_afile_open(scar_ctx *ctx, const char *path, scar_afile **out)
{
    *out = NULL;
    scar_afile *f = scar_calloc(ctx, 1, sizeof *f);
    if (!f)
        return SCAR_ENOMEM;
    size_t n = strlen(path) + 64;
    f->path = scar_strdup(ctx, path);
    f->tmp = scar_malloc(ctx, n);
    if (!f->path || !f->tmp)
        goto nomem;
    snprintf(f->tmp, n, "%s.tmp-%ld-%u", path, (long)getpid(),
             atomic_fetch_add(&tmp_serial, 1u));
    f->fp = fopen(f->tmp, "wb");
    if (!f->fp) {
        int err = errno;
        scar_status st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                                       "cannot write output file: %s", strerror(err));
        free(f->path);
        free(f->tmp);
        free(f);
        return st;
    }
    *out = f;
    return SCAR_OK;
nomem:
    free(f->path);
    free(f->tmp);
    free(f);
    return SCAR_ENOMEM;
}

FILE *scar_afile_stream(scar_afile *f) { return f->fp; }
const char *scar_afile_tmp_path(const scar_afile *f) { return f->tmp; }

static void afile_free(scar_afile *f)
{
    free(f->path);
    free(f->tmp);
    free(f);
}

scar_status scar_afile_commit(scar_ctx *ctx, scar_afile **pf)
{
    scar_afile *f = *pf;
    *pf = NULL;
    int bad = 0, err = 0;
    if (f->fp) {
        if (fflush(f->fp) != 0 || ferror(f->fp)) {
            bad = 1;
            err = errno;
        }
        if (!bad && fsync(fileno(f->fp)) != 0 && errno != EINVAL) {
            bad = 1;
            err = errno;
        }
        if (fclose(f->fp) != 0 && !bad) {
            bad = 1;
            err = errno;
        }
        f->fp = NULL;
    }
    if (!bad && rename(f->tmp, f->path) != 0) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        unlink(f->tmp);
        SCAR_RAISE_AT(ctx, SCAR_EIO, f->path, 0, 0, NULL, "writing failed: %s",
                      strerror(err));
        afile_free(f);
        return SCAR_EIO;
    }
    afile_free(f);
    return SCAR_OK;
}

void scar_afile_abort(scar_afile **pf)
{
    if (!pf || !*pf)
        return;
    scar_afile *f = *pf;
    *pf = NULL;
    if (f->fp)
        fclose(f->fp);
    unlink(f->tmp);
    afile_free(f);
}

scar_status scar_write_file(scar_ctx *ctx, const char *path, const void *data, size_t n)
{
    scar_afile *f;
    scar_status st = scar_afile_open(ctx, path, &f);
    if (st)
        return st;
    if (n && fwrite(data, 1, n, scar_afile_stream(f)) != n) {
        int err = errno;
        scar_afile_abort(&f);
        return SCAR_RAISE_AT(ctx, SCAR_EIO, path, 0, 0, NULL, "writing failed: %s",
                             strerror(err));
    }
    return scar_afile_commit(ctx, &f);
}

scar_status scar_mkdir_p(scar_ctx *ctx, const char *path)
{
    char *buf = scar_strdup(ctx, path);
    if (!buf)
        return SCAR_ENOMEM;
    size_t len = strlen(buf);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            int err = errno;
            scar_status st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, buf, 0, 0, NULL,
                                           "cannot create output folder: %s",
                                           strerror(err));
            free(buf);
            return st;
        }
        buf[i] = saved;
    }
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        free(buf);
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                             "expected a folder for output, found a file");
    }
    free(buf);
    return SCAR_OK;
}
