/*
 * test_checkpoint.c — checkpoint and resume of a course (course/checkpoint.c):
 * a course stopped anywhere and resumed ends with exactly the numbers of the
 * uninterrupted course; periodic checkpoints change nothing; a checkpoint
 * of another scenario, seed or version, or a damaged one, is refused with
 * one line naming the file and the field; allocation failures while writing
 * or reading leave nothing behind.
 *
 * The course is tiny (a 12 x 9 mm patch at 200 um, two pen sessions a week
 * apart with topical and intradermal PRP, three weeks of follow-up) so that
 * every stop lands in a different phase: before the first session, in the
 * days after a session (erythema watched, sources live), in the follow-up
 * while inflammation fades and late in it (the quiet steps; fields below
 * the level where they are no longer diffused).
 */
#include "testutil.h"

#include "checkpoint.h"
#include "core.h"
#include "heal_internal.h"
#include "run.h"

#include <math.h>

static scar_heightmap *skin;
static char dir[512];

static int setup(void **state)
{
    (void)state;
    skin = tu_synth_skin(0, 1, 1, 12, 9, 4);
    tu_tmpdir(dir, sizeof dir);
    return skin ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    scar_heightmap_destroy(&skin);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Snapshot "files" (a line with the day) written into a folder, as the
 * report layer writes its VTI snapshots. */
typedef struct snaps {
    char folder[600];
    char *path[8];
    double day[8];
    size_t n;
} snaps;

static scar_status snap_add(scar_ctx *ctx, snaps *s, const char *path, double day)
{
    if (s->n == 8)
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "too many snapshots");
    s->path[s->n] = strdup(path);
    s->day[s->n++] = day;
    return SCAR_OK;
}

static scar_status snap_write(scar_ctx *ctx, void *user, const scar_tissue *t, double day)
{
    snaps *s = user;
    char path[700];
    snprintf(path, sizeof path, "%s/snap_day%05.2f.txt", s->folder, day);
    FILE *f = fopen(path, "w");
    if (!f)
        return SCAR_RAISE(ctx, SCAR_EIO, "cannot write %s", path);
    fprintf(f, "day %.17g, %zu voxels\n", day, t->g.n);
    fclose(f);
    return snap_add(ctx, s, path, day);
}

static size_t snap_files(void *user, const char *const **paths, const double **days)
{
    snaps *s = user;
    *paths = (const char *const *)s->path;
    *days = s->day;
    return s->n;
}

static scar_status snap_restored(scar_ctx *ctx, void *user, const char *path, double day)
{
    return snap_add(ctx, user, path, day);
}

static void snaps_free(snaps *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->path[i]);
    s->n = 0;
}

static const double vti_days[2] = {2.0, 10.0};

/* The course; what varies between runs is in ck, params and seed. */
typedef struct course {
    scar_params *p;
    scar_run_spec rs;
    snaps sn;
    scar_run_opts ck;
} course;

static void course_init(course *c, const char *name)
{
    memset(c, 0, sizeof *c);
    scar_ctx *ctx = scar_ctx_create();
    assert_int_equal(scar_params_create(ctx, &c->p), SCAR_OK);
    scar_ctx_destroy(&ctx);
    c->rs = (scar_run_spec){.surface = skin, .region = scar_region_find("cheek"),
                            .fitzpatrick = 3, .age_y = 28, .dx_um = 200, .params = c->p,
                            .sample_days = 1, .vti_days = vti_days, .nvti = 2,
                            .snapshot = snap_write, .user = &c->sn,
                            .snapshot_files = snap_files, .snapshot_dir = c->sn.folder,
                            .snapshot_restored = snap_restored};
    scar_device_default(SCAR_DEV_PEN, c->p, &c->rs.protocol.device);
    c->rs.protocol.device.needle_mm = 1.5;
    c->rs.protocol.sessions = 2;
    c->rs.protocol.interval_days = 7;
    c->rs.protocol.follow_up_days = 21;
    c->rs.protocol.adjunct[SCAR_ADJ_PRP_TOPICAL] = true;
    c->rs.protocol.adjunct[SCAR_ADJ_PRP_INTRADERMAL] = true;
    snprintf(c->sn.folder, sizeof c->sn.folder, "%s/%s", dir, name);
    mkdir(c->sn.folder, 0777);
}

static void course_free(course *c)
{
    snaps_free(&c->sn);
    scar_params_destroy(&c->p);
}

/* Asks for a stop from the first step boundary at or after *day. */
static bool stop_at(void *user, double day) { return day >= *(const double *)user - 1e-12; }

static scar_status run(scar_ctx *ctx, course *c, scar_run_result **r)
{
    c->rs.ckpt = c->ck.checkpoint ? &c->ck : NULL;
    return scar_run_course(ctx, &c->rs, r);
}

#define SAME(a, b, f) assert_true((a)->f == (b)->f)

static void same_outcome(const scar_outcome *a, const scar_outcome *b)
{
    SAME(a, b, day), SAME(a, b, session), SAME(a, b, nscars), SAME(a, b, mean_depth_mm);
    SAME(a, b, volume_mm3), SAME(a, b, improvement_pct), SAME(a, b, gb_qualitative);
    SAME(a, b, gb_quantitative), SAME(a, b, ecca), SAME(a, b, erythema_days);
    SAME(a, b, oedema_um);
}

static void same_map(const scar_heightmap *a, const scar_heightmap *b)
{
    assert_true((a == NULL) == (b == NULL));
    if (!a)
        return;
    assert_true(a->nx == b->nx && a->ny == b->ny && a->dx_um == b->dx_um);
    assert_memory_equal(a->z_um, b->z_um, a->nx * a->ny * sizeof *a->z_um);
}

/* Every number of two runs, bit for bit (timings aside). */
static void same_run(const scar_run_result *a, const scar_run_result *b)
{
    same_outcome(&a->baseline, &b->baseline);
    same_outcome(&a->final, &b->final);
    assert_int_equal(a->nsessions, b->nsessions);
    for (size_t k = 0; k < a->nsessions; k++) {
        same_outcome(&a->sessions[k], &b->sessions[k]);
        same_map(a->session_before[k], b->session_before[k]);
        same_map(a->session_after[k], b->session_after[k]);
    }
    same_map(a->surface_before, b->surface_before);
    same_map(a->surface_after, b->surface_after);
    assert_int_equal(a->nts, b->nts);
    assert_memory_equal(a->ts, b->ts, a->nts * sizeof *a->ts);
    assert_int_equal(a->nscars, b->nscars);
    for (size_t i = 0; i < a->nscars; i++) {
        const scar_followed *x = &a->scars[i], *y = &b->scars[i];
        SAME(x, y, depth_after_mm), SAME(x, y, volume_after_mm3), SAME(x, y, improvement_pct);
        SAME(x, y, found_after), SAME(x, y, gain_floor_um), SAME(x, y, gain_around_um);
        SAME(x, y, rise_um);
    }
    SAME(a, b, collagen_change_pct), SAME(a, b, epidermis_change_pct);
    SAME(a, b, elastin_change_pct);
    SAME(a, b, stats.steps), SAME(a, b, stats.chemo_substeps), SAME(a, b, stats.clamps);
    SAME(a, b, stats.collagen_synth_mg), SAME(a, b, stats.collagen_degr_mg);
    SAME(a, b, stats.collagen_disrupted_mg);
}

/* The snapshot files of two runs: the same days, the same bytes. */
static void same_snaps(const snaps *a, const snaps *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_true(a->day[i] == b->day[i]);
        char x[256] = "", y[256] = "";
        FILE *f = fopen(a->path[i], "r"), *g = fopen(b->path[i], "r");
        assert_non_null(f);
        assert_non_null(g);
        assert_non_null(fgets(x, sizeof x, f));
        assert_non_null(fgets(y, sizeof y, g));
        fclose(f);
        fclose(g);
        assert_string_equal(x, y);
    }
}

static scar_run_result *straight;
static snaps straight_snaps;

static void uninterrupted(void)
{
    if (straight)
        return;
    course c;
    course_init(&c, "straight");
    scar_ctx *ctx = scar_ctx_create();
    if (run(ctx, &c, &straight))
        fail_msg("straight run: %s", tu_errmsg(ctx));
    scar_ctx_destroy(&ctx);
    straight_snaps = c.sn;
    memset(&c.sn, 0, sizeof c.sn);
    course_free(&c);
    assert_true(straight->nsessions == 2 && straight->nts > 10);
    print_message("straight: erythema %.3f, %.3f days; improvement %.3f%%; %ld steps\n",
                  straight->sessions[0].erythema_days, straight->sessions[1].erythema_days,
                  straight->final.improvement_pct, straight->stats.steps);
}

/* Stopped at `day`, resumed: the numbers of the uninterrupted run. */
static void stop_and_resume(double day, const char *name)
{
    uninterrupted();
    course c;
    course_init(&c, name);
    char ck[700];
    snprintf(ck, sizeof ck, "%s/%s.checkpoint", dir, name);
    c.ck = (scar_run_opts){.checkpoint = ck, .stop = stop_at, .stop_user = &day};
    scar_ctx *ctx = scar_ctx_create();
    scar_run_result *r = NULL;
    assert_int_equal(run(ctx, &c, &r), SCAR_ESTOPPED);
    assert_null(r);
    tu_assert_err_has(ctx, "interrupted at day");
    tu_assert_err_has(ctx, ck);
    assert_true(tu_exists(ck));
    assert_int_equal(tu_count_tmp(dir), 0);
    /* the resumed run starts with a fresh folder and gets the earlier
     * snapshots back from the checkpoint */
    snaps_free(&c.sn);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "rm -f '%s'/*", c.sn.folder);
    assert_int_equal(system(cmd), 0);
    c.ck = (scar_run_opts){.checkpoint = ck, .resume = true};
    scar_ctx_clear_error(ctx);
    if (run(ctx, &c, &r))
        fail_msg("resume from day %g: %s", day, tu_errmsg(ctx));
    same_run(straight, r);
    same_snaps(&straight_snaps, &c.sn);
    scar_run_result_destroy(&r);
    scar_ctx_destroy(&ctx);
    course_free(&c);
}

/* Where the stops land: before the first step; while the first session's
 * erythema fades (it falls below I_vis at day 1.08: the step after the stop
 * finds the crossing only if the watch was restored); just after the second
 * session; in the follow-up while inflammation fades; late in it (the
 * quiet steps). */
typedef struct stop_case {
    double day;
    const char *name;
} stop_case;

static const stop_case stops[] = {
    {0.0, "stop0"}, {1.0, "stop1"}, {7.02, "stop702"}, {11.3, "stop113"}, {27.0, "stop27"}};

static void stopped_and_resumed(void **state)
{
    const stop_case *s = *state;
    stop_and_resume(s->day, s->name);
}

/* Periodic checkpoints change nothing, and the last one resumes to the same
 * end. */
static void periodic_checkpoints_change_nothing(void **state)
{
    (void)state;
    uninterrupted();
    course c;
    course_init(&c, "periodic");
    char ck[700];
    snprintf(ck, sizeof ck, "%s/periodic.checkpoint", dir);
    c.ck = (scar_run_opts){.checkpoint = ck, .checkpoint_days = 2.5};
    scar_ctx *ctx = scar_ctx_create();
    scar_run_result *r = NULL;
    if (run(ctx, &c, &r))
        fail_msg("periodic: %s", tu_errmsg(ctx));
    same_run(straight, r);
    scar_run_result_destroy(&r);
    assert_true(tu_exists(ck)); /* the run layer leaves it; scar_run removes it */
    snaps_free(&c.sn);
    c.ck = (scar_run_opts){.checkpoint = ck, .resume = true};
    if (run(ctx, &c, &r))
        fail_msg("resume periodic: %s", tu_errmsg(ctx));
    same_run(straight, r);
    same_snaps(&straight_snaps, &c.sn);
    scar_run_result_destroy(&r);
    scar_ctx_destroy(&ctx);
    course_free(&c);
}

/* An engine on the tissue the course builds (run.c), made with ctx. */
typedef struct engine {
    scar_scan_result *sc;
    scar_tissue *t;
    scar_heal *h;
} engine;

static void engine_make(scar_ctx *ctx, const course *c, engine *e)
{
    scar_scan_opts so;
    scar_scan_opts_default(&so);
    memset(e, 0, sizeof *e);
    assert_int_equal(scar_scan(ctx, skin, &so, &e->sc), SCAR_OK);
    scar_tissue_spec ts = {.surface = e->sc->levelled, .labels = e->sc->labels,
                           .scars = e->sc->scars.v, .nscars = e->sc->scars.n,
                           .region = c->rs.region, .h_mm = c->rs.dx_um * 1e-3,
                           .fitzpatrick = 3, .age_y = 28};
    assert_int_equal(scar_tissue_create(ctx, &ts, c->p, &e->t), SCAR_OK);
    assert_int_equal(scar_heal_create(ctx, e->t, &e->h), SCAR_OK);
}

static void engine_free(engine *e)
{
    scar_heal_destroy(&e->h);
    scar_tissue_destroy(&e->t);
    scar_scan_result_destroy(&e->sc);
}

/* The engine's state, written and read back, is the same bit for bit,
 * down to what decides the next step's path; the next step (a dt within
 * 1e-12 of the last one, which reuses its operators) stays the same. */
static void engine_state_round_trips(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    course c;
    course_init(&c, "engine");
    engine a, b;
    engine_make(ctx, &c, &a);
    engine_make(ctx, &c, &b);
    assert_int_equal(scar_course_session(ctx, a.h, &c.rs.protocol, 1), SCAR_OK);
    double dt = 0.0;
    for (int i = 1; i <= 4; i++)
        assert_int_equal(scar_heal_step(ctx, a.h, dt = 0.001 * i), SCAR_OK);
    char path[700];
    snprintf(path, sizeof path, "%s/engine.bin", dir);
    FILE *f = fopen(path, "wb");
    scar_bin_w *w = NULL;
    assert_int_equal(scar_bin_w_open(ctx, f, path, &w), SCAR_OK);
    scar_bin_w_deflate(w);
    scar_heal_save(w, a.h);
    assert_int_equal(scar_bin_w_close(&w), SCAR_OK);
    fclose(f);
    f = fopen(path, "rb");
    scar_bin_r *r = NULL;
    assert_int_equal(scar_bin_r_open(ctx, f, path, &r), SCAR_OK);
    assert_int_equal(scar_bin_r_inflate(r), SCAR_OK);
    if (scar_heal_load(ctx, r, b.h, 16) || scar_bin_r_end(r, "end"))
        fail_msg("load: %s", tu_errmsg(ctx));
    scar_bin_r_close(&r);
    fclose(f);
    const heal_state *x = a.h, *y = b.h;
    const scar_tissue *tx = a.t, *ty = b.t;
    size_t plane = tx->g.nx * tx->g.ny;
    assert_true(x->time == y->time && x->lod_dt == y->lod_dt && x->lod_dt == dt);
    assert_memory_equal(x->field_max, y->field_max, sizeof x->field_max);
    assert_memory_equal(&x->stats, &y->stats, sizeof x->stats);
    assert_memory_equal(x->scar_deep, y->scar_deep, (tx->nscars + 1) * sizeof *x->scar_deep);
    /* 0.01 day in: the topical PRP is still on (t_contact 0.02 day), the
     * injected boluses release over days */
    assert_true(x->npores == 1 && x->pores[0].vox.n > 0 && x->nboluses > 0);
    assert_int_equal(x->npores, y->npores);
    assert_int_equal(x->nboluses, y->nboluses);
    for (size_t i = 0; i < x->npores; i++) {
        const heal_pore_source *p = &x->pores[i], *q = &y->pores[i];
        assert_true(p->field == q->field && p->t_open == q->t_open && p->t_on == q->t_on &&
                    p->t_off == q->t_off && p->t_half == q->t_half && p->c_app == q->c_app &&
                    p->rate == q->rate && p->vox.n == q->vox.n);
        assert_memory_equal(p->vox.v, q->vox.v, p->vox.n * sizeof *p->vox.v);
    }
    for (size_t i = 0; i < x->nboluses; i++) {
        const heal_bolus_source *u = &x->boluses[i], *v = &y->boluses[i];
        assert_true(u->field == v->field && u->t0 == v->t0 && u->tau_rel == v->tau_rel &&
                    u->amount == v->amount && u->vox.n == v->vox.n);
        assert_memory_equal(u->vox.v, v->vox.v, u->vox.n * sizeof *u->vox.v);
    }
    assert_memory_equal(tx->tau_t, ty->tau_t, plane * sizeof *tx->tau_t);
    assert_memory_equal(tx->D_deep, ty->D_deep, plane * sizeof *tx->D_deep);
    assert_memory_equal(tx->dh_e, ty->dh_e, plane * sizeof *tx->dh_e);
    assert_non_null(tx->floor_now);
    assert_memory_equal(tx->floor_now, ty->floor_now, tx->g.n * sizeof *tx->floor_now);
    double next = dt * (1.0 + 1e-13);
    assert_int_equal(scar_heal_step(ctx, a.h, next), SCAR_OK);
    assert_int_equal(scar_heal_step(ctx, b.h, next), SCAR_OK);
    for (int k = 0; k < SCAR_F_COUNT; k++) {
        assert_true((tx->f[k] == NULL) == (ty->f[k] == NULL));
        if (tx->f[k])
            assert_memory_equal(tx->f[k], ty->f[k], tx->g.n * sizeof *tx->f[k]);
    }
    engine_free(&a);
    engine_free(&b);
    course_free(&c);
    scar_ctx_destroy(&ctx);
}

/* A checkpoint stopped at day 4 for the refusals. */
static void make_checkpoint(const char *path)
{
    if (tu_exists(path))
        return;
    course c;
    course_init(&c, "refusals");
    double day = 4.0;
    c.ck = (scar_run_opts){.checkpoint = path, .stop = stop_at, .stop_user = &day};
    scar_ctx *ctx = scar_ctx_create();
    scar_run_result *r = NULL;
    assert_int_equal(run(ctx, &c, &r), SCAR_ESTOPPED);
    scar_ctx_destroy(&ctx);
    course_free(&c);
}

typedef void (*course_edit)(course *c);

/* Resuming after edit(c) is refused with fragments a and b in the one line. */
static void refused(const char *path, course_edit edit, uint64_t seed, const char *a, const char *b)
{
    course c;
    course_init(&c, "refusals");
    if (edit)
        edit(&c);
    c.ck = (scar_run_opts){.checkpoint = path, .resume = true};
    scar_ctx *ctx = scar_ctx_create();
    if (seed)
        scar_ctx_set_seed(ctx, seed);
    scar_run_result *r = NULL;
    assert_int_equal(run(ctx, &c, &r), SCAR_EINPUT);
    assert_null(r);
    print_message("refused: %s\n", tu_errmsg(ctx));
    tu_assert_err_has(ctx, path);
    tu_assert_err_has(ctx, a);
    tu_assert_err_has(ctx, b);
    assert_null(strchr(tu_errmsg(ctx), '\n'));
    scar_ctx_destroy(&ctx);
    course_free(&c);
}

static void edit_param(course *c)
{
    scar_ctx *ctx = scar_ctx_create();
    assert_int_equal(scar_params_set(ctx, c->p, "k_d", 2.5, NULL, 0, 0), SCAR_OK);
    scar_ctx_destroy(&ctx);
}

static void edit_protocol(course *c) { c->rs.protocol.interval_days = 8; }
static void edit_grid(course *c) { c->rs.dx_um = 120; }
static void edit_output(course *c) { c->rs.nvti = 1; }

static void a_changed_scenario_is_refused(void **state)
{
    (void)state;
    char ck[700];
    snprintf(ck, sizeof ck, "%s/refusals.checkpoint", dir);
    make_checkpoint(ck);
    refused(ck, edit_param, 0, "scenario.params", "'k_d=3' in the checkpoint, 'k_d=2.5' now");
    refused(ck, edit_protocol, 0, "the scenario changed since the checkpoint (protocol)",
            "interval_days");
    refused(ck, edit_grid, 0, "scenario.grid", "dx_um");
    refused(ck, edit_output, 0, "scenario.output", "vti_days");
    refused(ck, NULL, 7, "header.seed", "made with seed 1, this run has seed 7");
}

/* The checkpoint's bytes. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*n);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static void a_damaged_or_foreign_checkpoint_is_refused(void **state)
{
    (void)state;
    char ck[700], bad[700];
    snprintf(ck, sizeof ck, "%s/refusals.checkpoint", dir);
    snprintf(bad, sizeof bad, "%s/bad.checkpoint", dir);
    make_checkpoint(ck);
    size_t n;
    unsigned char *b = slurp(ck, &n);
    assert_true(n > 10000);
    /* another version: the string after magic, format and its length */
    assert_memory_equal(b + 16, SCAR_VERSION, strlen(SCAR_VERSION));
    unsigned char *v = malloc(n);
    memcpy(v, b, n);
    v[16] = (unsigned char)(v[16] == '9' ? '8' : '9');
    tu_write(bad, v, n);
    refused(bad, NULL, 0, "header.version", "checkpoint written by scarsim 9");
    tu_write(bad, b, n / 2);
    refused(bad, NULL, 0, "truncated", "found the end of the file");
    tu_write(bad, b, 30);
    refused(bad, NULL, 0, "header", "truncated");
    memcpy(v, b, n);
    v[n - n / 3] ^= 0x5a; /* inside the deflated stream */
    tu_write(bad, v, n);
    refused(bad, NULL, 0, "bad.checkpoint", ": ");
    memcpy(v, b, n);
    memcpy(v, "NOTACKPT", 8);
    tu_write(bad, v, n);
    refused(bad, NULL, 0, "header.magic", "expected a scarsim checkpoint");
    /* bytes after the end */
    unsigned char *w = malloc(n + 1);
    memcpy(w, b, n);
    w[n] = 0;
    tu_write(bad, w, n + 1);
    refused(bad, NULL, 0, "end", "expected the end of the file");
    /* any one byte changed anywhere is refused: the header's fields are
     * each checked, the deflated part carries zlib's checksum */
    for (size_t i = 0; i < 24; i++) {
        size_t at = i < 12 ? (i * 37 + 5) % 400 : (i * 7919u * 104729u) % n;
        memcpy(v, b, n);
        v[at] ^= 0x24;
        tu_write(bad, v, n);
        course c;
        course_init(&c, "refusals");
        c.ck = (scar_run_opts){.checkpoint = bad, .resume = true};
        scar_ctx *ctx = scar_ctx_create();
        scar_run_result *r = NULL;
        if (run(ctx, &c, &r) != SCAR_EINPUT)
            fail_msg("byte %zu changed: %s", at, tu_errmsg(ctx));
        tu_assert_err_has(ctx, bad);
        scar_ctx_destroy(&ctx);
        course_free(&c);
    }
    snprintf(bad, sizeof bad, "%s/none.checkpoint", dir);
    refused(bad, NULL, 0, "expected a checkpoint to resume from", "No such file");
    free(w);
    free(v);
    free(b);
}

/* ---- allocation failures ---- */

/* The stop callback arms the failure counted from the checkpoint's write. */
typedef struct armed {
    scar_ctx *ctx;
    long k;
} armed;

static bool stop_and_arm(void *user, double day)
{
    armed *a = user;
    if (day < 2.5)
        return false;
    scar_ctx_fail_alloc_after(a->ctx, a->k);
    return true;
}

static scar_status write_under_failure(scar_ctx *ctx, int which)
{
    (void)which;
    armed a = {ctx, ctx->alloc_countdown};
    scar_ctx_fail_alloc_after(ctx, 0);
    course c;
    course_init(&c, "allocw");
    char ck[700];
    snprintf(ck, sizeof ck, "%s/allocw.checkpoint", dir);
    remove(ck);
    c.ck = (scar_run_opts){.checkpoint = ck, .stop = stop_and_arm, .stop_user = &a};
    scar_run_result *r = NULL;
    scar_status st = run(ctx, &c, &r);
    assert_null(r);
    assert_true(st == SCAR_ESTOPPED ? tu_exists(ck) : !tu_exists(ck));
    assert_int_equal(tu_count_tmp(dir), 0);
    course_free(&c);
    return st;
}

static scar_status stopped(int which)
{
    (void)which;
    return SCAR_ESTOPPED;
}

/* Reading into a fresh engine, as scar_run_course does before resuming. */
static scar_status read_under_failure(scar_ctx *ctx, int which)
{
    (void)which;
    long k = ctx->alloc_countdown;
    scar_ctx_fail_alloc_after(ctx, 0);
    char ck[700];
    snprintf(ck, sizeof ck, "%s/refusals.checkpoint", dir);
    course c;
    course_init(&c, "allocr");
    engine e;
    engine_make(ctx, &c, &e);
    scar_run_result *r = calloc(1, sizeof *r);
    r->nsessions = 2;
    r->sessions = calloc(2, sizeof *r->sessions);
    r->session_before = calloc(2, sizeof *r->session_before);
    r->session_after = calloc(2, sizeof *r->session_after);
    double ery[2];
    scar_ckpt_run run_ = {.r = r, .erythema_days = ery, .max_ts = 100, .max_sources = 16,
                          .files_dir = c.sn.folder, .max_files = 2, .restored = snap_restored,
                          .user = &c.sn};
    scar_course_pos pos;
    scar_ckpt *k_ = NULL;
    scar_ctx_fail_alloc_after(ctx, k);
    scar_status st = scar_ckpt_open(ctx, ck, &c.rs, &k_);
    if (!st)
        st = scar_ckpt_load(ctx, k_, e.h, &pos, &run_);
    assert_true(st == SCAR_OK || st == SCAR_ENOMEM);
    if (!st)
        assert_true(r->nts > 3 && scar_heal_time(e.h) >= 4.0 && c.sn.n == 1);
    scar_ckpt_close(&k_);
    scar_run_result_destroy(&r);
    engine_free(&e);
    course_free(&c);
    return st;
}

static scar_status ok(int which)
{
    (void)which;
    return SCAR_OK;
}

static void allocation_failures_while_writing_and_reading(void **state)
{
    (void)state;
    char ck[700];
    snprintf(ck, sizeof ck, "%s/refusals.checkpoint", dir);
    make_checkpoint(ck);
    tu_alloc_failures(write_under_failure, 1, stopped, 3);
    tu_alloc_failures(read_under_failure, 1, ok, 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define STOP(i, what) {what, stopped_and_resumed, NULL, NULL, (void *)&stops[i]}
        STOP(0, "resumed from before the first step"),
        STOP(1, "resumed while the first session's erythema fades"),
        STOP(2, "resumed just after the second session"),
        STOP(3, "resumed in the follow-up"),
        STOP(4, "resumed late in the quiet follow-up"),
#undef STOP
        cmocka_unit_test(periodic_checkpoints_change_nothing),
        cmocka_unit_test(engine_state_round_trips),
        cmocka_unit_test(a_changed_scenario_is_refused),
        cmocka_unit_test(a_damaged_or_foreign_checkpoint_is_refused),
        cmocka_unit_test(allocation_failures_while_writing_and_reading),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    scar_run_result_destroy(&straight);
    snaps_free(&straight_snaps);
    return rc;
}
