/*
 * progress.c — a terminal progress bar.  Written by hand: it is forty lines
 * and no packaged C library draws one without pulling in a TUI toolkit.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct scar_progress_bar {
    FILE *out;
    double start, last_draw;
    char task[64];
    int drawn;
};

scar_progress_bar *scar_progress_bar_create(FILE *stream)
{
    if (!stream || !isatty(fileno(stream)))
        return NULL;
    scar_progress_bar *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->out = stream;
    b->start = scar_now_s();
    b->last_draw = -1.0;
    return b;
}

static void fmt_time(char *buf, size_t n, double s)
{
    if (s < 0 || s > 359999)
        snprintf(buf, n, "--:--");
    else if (s >= 3600)
        snprintf(buf, n, "%d:%02d:%02d", (int)s / 3600, ((int)s / 60) % 60, (int)s % 60);
    else
        snprintf(buf, n, "%02d:%02d", (int)s / 60, (int)s % 60);
}

void scar_progress_bar_update(void *user, const char *task, double fraction)
{
    scar_progress_bar *b = user;
    if (!b)
        return;
    double t = scar_now_s();
    int new_task = task && strncmp(task, b->task, sizeof b->task - 1) != 0;
    if (new_task) {
        scar_strlcpy(b->task, task, sizeof b->task);
        b->start = t;
    }
    if (!new_task && fraction < 1.0 && t - b->last_draw < 0.1)
        return;
    b->last_draw = t;
    enum { WIDTH = 30 };
    int filled = (int)(fraction * WIDTH + 0.5);
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    double elapsed = t - b->start;
    double left = fraction > 0.01 ? elapsed * (1.0 - fraction) / fraction : -1.0;
    char e[16], l[16];
    fmt_time(e, sizeof e, elapsed);
    fmt_time(l, sizeof l, left);
    fprintf(b->out, "\r\033[K%-24.24s [%s] %3d%%  %s elapsed, %s left", b->task, bar,
            (int)(fraction * 100.0 + 0.5), e, l);
    fflush(b->out);
    b->drawn = 1;
}

void scar_progress_bar_destroy(scar_progress_bar **pb)
{
    if (!pb || !*pb)
        return;
    if ((*pb)->drawn) {
        fputs("\r\033[K", (*pb)->out);
        fflush((*pb)->out);
    }
    free(*pb);
    *pb = NULL;
}
