/*
 * checkpoint.c — a course's checkpoint, written and read (checkpoint.h).
 *
 * The RNG needs no state of its own: each session's puncture pattern is
 * drawn from the counter-based generator keyed by (seed, session)
 * (device/needle.c), so the seed in the header and the next session in the
 * course position are its whole position.
 */
#include "checkpoint.h"
#include "bin.h"
#include "scar_git_hash.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char magic[8] = {'S', 'C', 'A', 'R', 'C', 'K', 'P', 'T'};
enum { PARTS = SCAR_CKPT_PARTS, COPY_BUF = 1 << 16, NAME_MAX_BYTES = 255, VERSION_MAX = 128 };
/* the scenario's parts are at most a page each; params is the longest */
#define TEXT_MAX (1u << 20)
#define END_MARK 0x21444e45u /* "END!" */

/* ---- pieces of the body ---- */

static void put_outcome(scar_bin_w *w, const scar_outcome *o)
{
    double v[] = {o->day, o->mean_depth_mm, o->volume_mm3, o->improvement_pct,
                  o->erythema_days, o->oedema_um};
    scar_bin_put_f64s(w, v, 6);
    scar_bin_put_u64(w, o->nscars);
    int32_t k[] = {o->session, o->gb_qualitative, o->gb_quantitative, o->ecca};
    for (int i = 0; i < 4; i++)
        scar_bin_put_u32(w, (uint32_t)k[i]);
}

static scar_status get_outcome(scar_bin_r *r, const char *field, scar_outcome *o)
{
    double v[6];
    uint64_t n;
    uint32_t k[4];
    scar_status st = scar_bin_get_f64s(r, field, v, 6);
    if (!st)
        st = scar_bin_get_u64(r, field, &n);
    for (int i = 0; !st && i < 4; i++)
        st = scar_bin_get_u32(r, field, &k[i]);
    if (st)
        return st;
    *o = (scar_outcome){.day = v[0], .mean_depth_mm = v[1], .volume_mm3 = v[2],
                        .improvement_pct = v[3], .erythema_days = v[4], .oedema_um = v[5],
                        .nscars = (size_t)n, .session = (int32_t)k[0],
                        .gb_qualitative = (int32_t)k[1], .gb_quantitative = (int32_t)k[2],
                        .ecca = (int32_t)k[3]};
    return SCAR_OK;
}

enum { TS_COLS = 11 };

static void ts_pack(const scar_ts_row *x, double v[TS_COLS])
{
    double a[TS_COLS] = {x->day,           x->erythema,          x->oedema_um,
                         x->macrophages,   x->growth_factor_excess, x->fibroblast_pct,
                         x->collagen_pct,  x->collagen3_fraction, x->elastin_pct,
                         x->epidermis_pct, x->surface_gain_um};
    memcpy(v, a, sizeof a);
}

static void ts_unpack(const double v[TS_COLS], scar_ts_row *x)
{
    *x = (scar_ts_row){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]};
}

static void put_pos(scar_bin_w *w, const scar_course_pos *p)
{
    scar_bin_put_u32(w, (uint32_t)p->session);
    scar_bin_put_f64(w, p->dt);
    const scar_course_watch *k = &p->watch;
    scar_bin_put_u32(w, (uint32_t)k->session);
    scar_bin_put_u8(w, k->above);
    scar_bin_put_u8(w, k->done);
    double v[] = {k->t_session, k->last_t, k->last_e};
    scar_bin_put_f64s(w, v, 3);
}

static scar_status get_pos(scar_bin_r *r, int sessions, scar_course_pos *p)
{
    uint32_t s, ws;
    uint8_t above, done;
    double dt, v[3];
    scar_status st;
    if ((st = scar_bin_get_u32(r, "course.session", &s)) ||
        (st = scar_bin_get_f64(r, "course.dt", &dt)) ||
        (st = scar_bin_get_u32(r, "course.erythema_watch", &ws)) ||
        (st = scar_bin_get_u8(r, "course.erythema_watch", &above)) ||
        (st = scar_bin_get_u8(r, "course.erythema_watch", &done)) ||
        (st = scar_bin_get_f64s(r, "course.erythema_watch", v, 3)))
        return st;
    if (s < 1 || s > (uint32_t)sessions + 1)
        return scar_bin_r_fail(r, "course.session", "expected a session from 1 to %d, found %u",
                               sessions + 1, s);
    if (!(dt > 0.0 && dt < 1e6))
        return scar_bin_r_fail(r, "course.dt", "expected a step > 0, found %g", dt);
    if (ws > (uint32_t)sessions || above > 1 || done > 1)
        return scar_bin_r_fail(r, "course.erythema_watch", "expected a session up to %d and "
                                                           "flags 0 or 1, found %u, %u, %u",
                               sessions, ws, above, done);
    *p = (scar_course_pos){.session = (int)s, .dt = dt,
                           .watch = {.session = (int)ws, .t_session = v[0], .above = above,
                                     .done = done, .last_t = v[1], .last_e = v[2]}};
    return SCAR_OK;
}

static void put_map(scar_bin_w *w, const scar_heightmap *hm)
{
    scar_bin_put_u8(w, hm != NULL);
    if (hm)
        scar_bin_put_f32s(w, hm->z_um, hm->nx * hm->ny);
}

/* A surface on the grid (run.c's surface_map), or none. */
static scar_status get_map(scar_ctx *ctx, scar_bin_r *r, const char *field, const scar_grid *g,
                           scar_heightmap **out)
{
    uint8_t has;
    scar_status st = scar_bin_get_u8(r, field, &has);
    if (st || !has)
        return st;
    if (has != 1)
        return scar_bin_r_fail(r, field, "expected 0 or 1, found %u", has);
    double dx = g->h_mm * 1e3;
    if ((st = scar_heightmap_create(ctx, g->nx, g->ny, dx, dx, out)))
        return st;
    return scar_bin_get_f32s(r, field, (*out)->z_um, g->nx * g->ny);
}

static void put_run(scar_bin_w *w, const scar_ckpt_run *run)
{
    const scar_run_result *r = run->r;
    scar_bin_put_f64(w, run->seconds);
    scar_bin_put_u64(w, r->nsessions);
    scar_bin_put_f64s(w, run->erythema_days, r->nsessions);
    put_outcome(w, &r->baseline);
    for (size_t k = 0; k < r->nsessions; k++) {
        put_outcome(w, &r->sessions[k]);
        put_map(w, r->session_before[k]);
        put_map(w, r->session_after[k]);
    }
    scar_bin_put_u64(w, r->nts);
    for (size_t i = 0; i < r->nts; i++) {
        double v[TS_COLS];
        ts_pack(&r->ts[i], v);
        scar_bin_put_f64s(w, v, TS_COLS);
    }
}

static scar_status get_run(scar_ctx *ctx, scar_bin_r *r, const scar_grid *g, scar_ckpt_run *run)
{
    scar_run_result *res = run->r;
    uint64_t ns, nts;
    scar_status st;
    if ((st = scar_bin_get_f64(r, "run.seconds", &run->seconds)) ||
        (st = scar_bin_get_u64(r, "run.sessions", &ns)))
        return st;
    if (ns != res->nsessions)
        return scar_bin_r_fail(r, "run.sessions", "expected %zu sessions, found %llu",
                               res->nsessions, (unsigned long long)ns);
    if ((st = scar_bin_get_f64s(r, "run.erythema_days", run->erythema_days, res->nsessions)) ||
        (st = get_outcome(r, "run.baseline", &res->baseline)))
        return st;
    for (size_t k = 0; k < res->nsessions; k++)
        if ((st = get_outcome(r, "run.sessions", &res->sessions[k])) ||
            (st = get_map(ctx, r, "run.session_before", g, &res->session_before[k])) ||
            (st = get_map(ctx, r, "run.session_after", g, &res->session_after[k])))
            return st;
    if ((st = scar_bin_get_u64(r, "run.timeseries", &nts)))
        return st;
    if (nts > run->max_ts)
        return scar_bin_r_fail(r, "run.timeseries", "expected at most %zu rows, found %llu",
                               run->max_ts, (unsigned long long)nts);
    if (nts > res->cap_ts) {
        scar_ts_row *v = scar_realloc(ctx, res->ts, (size_t)nts * sizeof *v);
        if (!v)
            return SCAR_ENOMEM;
        res->ts = v;
        res->cap_ts = (size_t)nts;
    }
    for (res->nts = 0; res->nts < nts; res->nts++) {
        double v[TS_COLS];
        if ((st = scar_bin_get_f64s(r, "run.timeseries", v, TS_COLS)))
            return st;
        ts_unpack(v, &res->ts[res->nts]);
    }
    return SCAR_OK;
}

/* The files written into the run's folder so far, carried whole. */
static void put_files(scar_ctx *ctx, scar_bin_w *w, const scar_ckpt_run *run)
{
    scar_bin_put_u64(w, run->nfiles);
    unsigned char *buf = run->nfiles ? scar_malloc(ctx, COPY_BUF) : NULL;
    if (run->nfiles && !buf) {
        scar_bin_w_fail(w, SCAR_ENOMEM);
        return;
    }
    for (size_t i = 0; i < run->nfiles; i++) {
        const char *path = run->files[i], *slash = strrchr(path, '/');
        FILE *fp = fopen(path, "rb");
        struct stat sb;
        if (!fp || fstat(fileno(fp), &sb) != 0) {
            scar_bin_w_fail(w, SCAR_RAISE_AT(ctx, SCAR_EIO, path, 0, 0, NULL,
                                             "cannot read a file to carry in the checkpoint: %s",
                                             strerror(errno)));
            if (fp)
                fclose(fp);
            break;
        }
        scar_bin_put_str(w, slash ? slash + 1 : path);
        scar_bin_put_f64(w, run->file_days[i]);
        scar_bin_put_u64(w, (uint64_t)sb.st_size);
        uint64_t left = (uint64_t)sb.st_size;
        while (left) {
            size_t k = left < COPY_BUF ? (size_t)left : COPY_BUF;
            if (fread(buf, 1, k, fp) != k) {
                scar_bin_w_fail(w, SCAR_RAISE_AT(ctx, SCAR_EIO, path, 0, 0, NULL,
                                                 "the file changed while it was carried into "
                                                 "the checkpoint"));
                break;
            }
            scar_bin_put_bytes(w, buf, k);
            left -= k;
        }
        fclose(fp);
    }
    free(buf);
}

/* A carried file's name: a plain name in the run's folder. */
static bool plain_name(const char *s)
{
    return s[0] && s[0] != '.' && !strchr(s, '/') && !strchr(s, '\\');
}

static scar_status get_file(scar_ctx *ctx, scar_bin_r *r, const scar_ckpt_run *run,
                            unsigned char *buf)
{
    char *name = NULL, *path = NULL;
    double day;
    uint64_t size;
    scar_afile *f = NULL;
    scar_status st = scar_bin_get_str(r, "files.name", NAME_MAX_BYTES, &name);
    if (!st && !plain_name(name))
        st = scar_bin_r_fail(r, "files.name", "expected a plain file name, found '%s'", name);
    if (!st)
        st = scar_bin_get_f64(r, "files.day", &day);
    if (!st)
        st = scar_bin_get_u64(r, "files.size", &size);
    if (!st && !(path = scar_path_join(ctx, run->files_dir, name)))
        st = SCAR_ENOMEM;
    if (!st)
        st = scar_afile_open(ctx, path, &f);
    /* copied through a fixed buffer: a false size only ends in "truncated" */
    while (!st && size) {
        size_t k = size < COPY_BUF ? (size_t)size : COPY_BUF;
        if (!(st = scar_bin_get_bytes(r, "files.bytes", buf, k)) &&
            fwrite(buf, 1, k, scar_afile_stream(f)) != k)
            st = SCAR_RAISE_AT(ctx, SCAR_EIO, path, 0, 0, NULL, "writing failed: %s",
                               strerror(errno));
        size -= k;
    }
    if (!st)
        st = scar_afile_commit(ctx, &f);
    scar_afile_abort(&f);
    if (!st && run->restored)
        st = run->restored(ctx, run->user, path, day);
    free(name);
    free(path);
    return st;
}

static scar_status get_files(scar_ctx *ctx, scar_bin_r *r, const scar_ckpt_run *run)
{
    uint64_t n;
    scar_status st = scar_bin_get_u64(r, "files", &n);
    if (st)
        return st;
    if (n > run->max_files)
        return scar_bin_r_fail(r, "files", "expected at most %zu files, found %llu",
                               run->max_files, (unsigned long long)n);
    if (n && !run->files_dir)
        return scar_bin_r_fail(r, "files", "expected no files, found %llu",
                               (unsigned long long)n);
    unsigned char *buf = n ? scar_malloc(ctx, COPY_BUF) : NULL;
    if (n && !buf)
        return SCAR_ENOMEM;
    for (uint64_t i = 0; !st && i < n; i++)
        st = get_file(ctx, r, run, buf);
    free(buf);
    return st;
}

/* ---- the file ---- */

scar_status scar_ckpt_write(scar_ctx *ctx, const char *path, const scar_run_spec *spec,
                            scar_heal *h, const scar_course_pos *pos, const scar_ckpt_run *run)
{
    const scar_grid *g = &scar_heal_tissue(h)->g;
    char *parts[PARTS] = {0};
    scar_afile *f = NULL;
    scar_bin_w *w = NULL;
    scar_status st = SCAR_OK;
    for (int i = 0; !st && i < PARTS; i++)
        st = scar_ckpt_scenario_text(ctx, spec, i, &parts[i]);
    if (!st)
        st = scar_afile_open(ctx, path, &f);
    if (!st)
        st = scar_bin_w_open(ctx, scar_afile_stream(f), path, &w);
    if (!st) {
        scar_bin_put_bytes(w, magic, sizeof magic);
        scar_bin_put_u32(w, SCAR_CKPT_FORMAT);
        scar_bin_put_str(w, SCAR_VERSION);
        scar_bin_put_str(w, SCAR_GIT_HASH);
        scar_bin_put_u64(w, scar_ctx_seed(ctx));
        scar_bin_put_u64(w, g->nx);
        scar_bin_put_u64(w, g->ny);
        scar_bin_put_u64(w, g->nz);
        for (int i = 0; i < PARTS; i++)
            scar_bin_put_str(w, parts[i]);
        scar_bin_w_deflate(w);
        scar_heal_save(w, h);
        put_pos(w, pos);
        put_run(w, run);
        put_files(ctx, w, run);
        scar_bin_put_u32(w, END_MARK);
        st = scar_bin_w_close(&w);
    }
    if (!st)
        st = scar_afile_commit(ctx, &f);
    scar_bin_w_close(&w);
    scar_afile_abort(&f);
    for (int i = 0; i < PARTS; i++)
        free(parts[i]);
    return st;
}

struct scar_ckpt {
    FILE *fp;
    char *path;
    scar_bin_r *r;
    uint64_t nx, ny, nz;
    int sessions;
};

void scar_ckpt_close(scar_ckpt **pc)
{
    if (!pc || !*pc)
        return;
    scar_ckpt *c = *pc;
    scar_bin_r_close(&c->r);
    if (c->fp)
        fclose(c->fp);
    free(c->path);
    free(c);
    *pc = NULL;
}

/* The header: magic, format, version, seed, scenario. */
static scar_status check_header(scar_ctx *ctx, scar_ckpt *c, const scar_run_spec *spec)
{
    scar_bin_r *r = c->r;
    char got[sizeof magic], *version = NULL, *git = NULL, *was = NULL, *now = NULL;
    uint32_t format;
    uint64_t seed;
    scar_status st = scar_bin_get_bytes(r, "header.magic", got, sizeof got);
    if (!st && memcmp(got, magic, sizeof magic) != 0)
        st = scar_bin_r_fail(r, "header.magic", "expected a scarsim checkpoint, found other bytes");
    if (!st && !(st = scar_bin_get_u32(r, "header.format", &format)) && format != SCAR_CKPT_FORMAT)
        st = scar_bin_r_fail(r, "header.format", "expected checkpoint format %u, found %u: start "
                                                 "again without --resume",
                             SCAR_CKPT_FORMAT, format);
    if (!st && !(st = scar_bin_get_str(r, "header.version", VERSION_MAX, &version)) &&
        !(st = scar_bin_get_str(r, "header.version", VERSION_MAX, &git)) &&
        (strcmp(version, SCAR_VERSION) != 0 || strcmp(git, SCAR_GIT_HASH) != 0))
        st = scar_bin_r_fail(r, "header.version", "checkpoint written by scarsim %s (git %s), "
                                                  "this is %s (git %s): start again without "
                                                  "--resume",
                             version, git, SCAR_VERSION, SCAR_GIT_HASH);
    if (!st && !(st = scar_bin_get_u64(r, "header.seed", &seed)) && seed != scar_ctx_seed(ctx))
        st = scar_bin_r_fail(r, "header.seed", "the checkpoint was made with seed %llu, this run "
                                               "has seed %llu: give --seed %llu or start again "
                                               "without --resume",
                             (unsigned long long)seed, (unsigned long long)scar_ctx_seed(ctx),
                             (unsigned long long)seed);
    if (!st)
        st = scar_bin_get_u64(r, "header.grid", &c->nx);
    if (!st)
        st = scar_bin_get_u64(r, "header.grid", &c->ny);
    if (!st)
        st = scar_bin_get_u64(r, "header.grid", &c->nz);
    for (int i = 0; !st && i < PARTS; i++) {
        char field[32], diff[512];
        snprintf(field, sizeof field, "scenario.%s", scar_ckpt_part_name(i));
        if ((st = scar_bin_get_str(r, field, TEXT_MAX, &was)) ||
            (st = scar_ckpt_scenario_text(ctx, spec, i, &now)))
            break;
        if (strcmp(was, now) != 0) {
            scar_ckpt_first_difference(was, now, diff, sizeof diff);
            st = scar_bin_r_fail(r, field, "the scenario changed since the checkpoint (%s): %s; "
                                           "start again without --resume",
                                 scar_ckpt_part_name(i), diff);
        }
        free(was);
        free(now);
        was = now = NULL;
    }
    free(version);
    free(git);
    free(was);
    free(now);
    return st;
}

scar_status scar_ckpt_open(scar_ctx *ctx, const char *path, const scar_run_spec *spec,
                           scar_ckpt **out)
{
    *out = NULL;
    scar_ckpt *c = scar_calloc(ctx, 1, sizeof *c);
    if (!c)
        return SCAR_ENOMEM;
    scar_status st = SCAR_OK;
    c->sessions = spec->protocol.sessions > 0 ? spec->protocol.sessions : 0;
    if (!(c->path = scar_strdup(ctx, path)))
        st = SCAR_ENOMEM;
    if (!st && !(c->fp = fopen(path, "rb")))
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected a checkpoint to resume from, found none: %s",
                           strerror(errno));
    if (!st)
        st = scar_bin_r_open(ctx, c->fp, c->path, &c->r);
    if (!st)
        st = check_header(ctx, c, spec);
    if (st) {
        scar_ckpt_close(&c);
        return st;
    }
    *out = c;
    return SCAR_OK;
}

scar_status scar_ckpt_load(scar_ctx *ctx, scar_ckpt *c, scar_heal *h, scar_course_pos *pos,
                           scar_ckpt_run *run)
{
    const scar_grid *g = &scar_heal_tissue(h)->g;
    scar_bin_r *r = c->r;
    if (c->nx != g->nx || c->ny != g->ny || c->nz != g->nz)
        return scar_bin_r_fail(r, "header.grid", "expected a grid of %zu x %zu x %zu voxels, "
                                                 "found %llu x %llu x %llu",
                               g->nx, g->ny, g->nz, (unsigned long long)c->nx,
                               (unsigned long long)c->ny, (unsigned long long)c->nz);
    uint32_t end;
    scar_status st;
    if ((st = scar_bin_r_inflate(r)) || (st = scar_heal_load(ctx, r, h, run->max_sources)) ||
        (st = get_pos(r, c->sessions, pos)) || (st = get_run(ctx, r, g, run)) ||
        (st = get_files(ctx, r, run)) || (st = scar_bin_get_u32(r, "end", &end)))
        return st;
    if (end != END_MARK)
        return scar_bin_r_fail(r, "end", "expected the end mark, found 0x%08x", end);
    return scar_bin_r_end(r, "end");
}
