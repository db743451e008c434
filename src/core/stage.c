/*
 * stage.c — an output folder written as a whole: every file goes into a
 * sibling staging folder, which replaces (or fills) the real one only when
 * everything has been written; a failure removes the staging folder, so a
 * run that fails leaves no half-written output folder.
 */
#include "core.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct scar_stage {
    char *dir;  /* the folder asked for */
    char *tmp;  /* where the files are written meanwhile */
};

void scar_remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p)
            continue;
        snprintf(p, n, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0 && errno == EISDIR)
            scar_remove_tree(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

scar_status scar_stage_open(scar_ctx *ctx, const char *dir, scar_stage **out)
{
    *out = NULL;
    struct stat sb;
    if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, dir, 0, 0, NULL,
                             "expected a folder for output, found a file");
    scar_stage *s = scar_calloc(ctx, 1, sizeof *s);
    if (!s)
        return SCAR_ENOMEM;
    size_t n = strlen(dir) + 32;
    s->dir = scar_strdup(ctx, dir);
    s->tmp = scar_malloc(ctx, n);
    scar_status st = SCAR_ENOMEM;
    if (!s->dir || !s->tmp)
        goto fail;
    /* the staging folder is a sibling, so the final renames stay on one
     * file system */
    size_t len = strlen(s->dir);
    while (len > 1 && s->dir[len - 1] == '/')
        s->dir[--len] = '\0';
    snprintf(s->tmp, n, "%s.tmp-%ld", s->dir, (long)getpid());
    scar_remove_tree(s->tmp); /* a leftover of a crashed run with the same pid */
    if ((st = scar_mkdir_p(ctx, s->tmp)))
        goto fail;
    *out = s;
    return SCAR_OK;
fail:
    free(s->dir);
    free(s->tmp);
    free(s);
    return st;
}

const char *scar_stage_path(const scar_stage *s) { return s->tmp; }

scar_status scar_stage_commit(scar_ctx *ctx, scar_stage **ps)
{
    scar_stage *s = *ps;
    *ps = NULL;
    scar_status st = SCAR_OK;
    if (rename(s->tmp, s->dir) != 0) {
        /* the folder exists (and is not empty): move the files in one by one */
        DIR *d = opendir(s->tmp);
        struct dirent *e;
        while (d && !st && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            size_t n = strlen(s->dir) + strlen(s->tmp) + 2 * strlen(e->d_name) + 4;
            char *a = malloc(n), *b = malloc(n);
            if (!a || !b) {
                st = SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory moving the output files");
            } else {
                snprintf(a, n, "%s/%s", s->tmp, e->d_name);
                snprintf(b, n, "%s/%s", s->dir, e->d_name);
                if (rename(a, b) != 0)
                    st = SCAR_RAISE_AT(ctx, SCAR_EIO, b, 0, 0, NULL, "cannot move the output "
                                       "into place: %s", strerror(errno));
            }
            free(a);
            free(b);
        }
        if (d)
            closedir(d);
        else
            st = SCAR_RAISE_AT(ctx, SCAR_EIO, s->tmp, 0, 0, NULL, "cannot read the staging "
                               "folder: %s", strerror(errno));
    }
    scar_remove_tree(s->tmp);
    free(s->dir);
    free(s->tmp);
    free(s);
    return st;
}

void scar_stage_abort(scar_stage **ps)
{
    if (!ps || !*ps)
        return;
    scar_stage *s = *ps;
    *ps = NULL;
    scar_remove_tree(s->tmp);
    free(s->dir);
    free(s->tmp);
    free(s);
}
