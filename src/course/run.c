/*
 * run.c — a course on one skin with its outcomes (run.h).  The observer of
 * scar_course_run scans the simulated surface at the start, after each
 * session's healing and at the end, and samples a daily time series of the
 * tissue; the engine never sees any of it.
 */
#include "run.h"
#include "checkpoint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Per tissue scar (1-based): mean dV and mean surface change over its
 * columns, and over the skin within 1 mm around it; the surface's height
 * there at the start (0) and at the end (1): sums over the columns, and the
 * lowest over the scar's. */
typedef struct scar_gain {
    double dv_in, dv_ring, rise_in, rise_ring;
    double h0_in, h1_in, h0_ring, h1_ring, h0_min, h1_min;
    size_t n_in, n_ring;
} scar_gain;

typedef struct run_state {
    const scar_run_spec *spec;
    scar_run_result *r;
    heal_surface surf;
    double *erythema_days;
    double *days;      /* snapshot days: samples and tissue snapshots */
    size_t ndays;
    scar_gain *gain;   /* nscars + 1, filled at the end */
    double t0;         /* wall clock at the start; minus the time before a resume */
} run_state;

/* The simulated surface as a height map (um) on the grid. */
static scar_status surface_map(scar_ctx *ctx, const heal_surface *s, scar_heightmap **out)
{
    double dx = s->h_mm * 1e3;
    scar_status st = scar_heightmap_create(ctx, s->nx, s->ny, dx, dx, out);
    if (st)
        return st;
    for (size_t c = 0; c < s->nx * s->ny; c++)
        (*out)->z_um[c] = (float)(s->H[c] * 1e3);
    return SCAR_OK;
}

static void outcome_of(const scar_scan_result *sc, const heal_surface *s, double day,
                       int session, double base_volume, scar_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->day = day;
    o->session = session;
    double depth = 0.0, vol = 0.0;
    for (size_t k = 0; k < sc->scars.n; k++) {
        const scar_scar *x = &sc->scars.v[k];
        if (x->type == SCAR_TYPE_HYPERTROPHIC)
            continue;
        o->nscars++;
        depth += x->depth_mm;
        vol += x->volume_mm3;
    }
    o->mean_depth_mm = o->nscars ? depth / (double)o->nscars : 0.0;
    o->volume_mm3 = vol;
    o->improvement_pct = base_volume > 0.0 ? 100.0 * (1.0 - vol / base_volume) : 0.0;
    o->gb_qualitative = sc->grade.gb_qualitative;
    o->gb_quantitative = sc->grade.gb_quantitative;
    o->ecca = sc->grade.ecca;
    double oe = 0.0;
    for (size_t c = 0; c < s->nx * s->ny; c++)
        oe += s->oedema[c];
    o->oedema_um = 1e3 * oe / (double)(s->nx * s->ny);
}

/* Scans the simulated surface now; keeps the scan when keep is given. */
static scar_status measure(scar_ctx *ctx, run_state *S, scar_heal *h, int session,
                           scar_outcome *o, scar_scan_result **keep, scar_heightmap **keep_map)
{
    scar_heightmap *hm = NULL;
    scar_scan_result *sc = NULL;
    scar_scan_opts so;
    scar_scan_opts_default(&so);
    scar_status st = scar_heal_surface(ctx, h, &S->surf);
    if (!st)
        st = surface_map(ctx, &S->surf, &hm);
    if (!st)
        st = scar_scan(ctx, hm, &so, &sc);
    if (!st)
        outcome_of(sc, &S->surf, scar_heal_time(h), session, S->r->baseline.volume_mm3, o);
    if (!st && keep) {
        *keep = sc;
        sc = NULL;
    }
    if (!st && keep_map) {
        *keep_map = hm;
        hm = NULL;
    }
    scar_scan_result_destroy(&sc);
    scar_heightmap_destroy(&hm);
    return st;
}

static scar_status sample(scar_ctx *ctx, run_state *S, scar_heal *h)
{
    scar_run_result *r = S->r;
    const scar_tissue *t = scar_heal_tissue(h);
    if (r->nts == r->cap_ts) {
        size_t cap = r->cap_ts ? 2 * r->cap_ts : 256;
        scar_ts_row *v = scar_realloc(ctx, r->ts, cap * sizeof *v);
        if (!v)
            return SCAR_ENOMEM;
        r->ts = v;
        r->cap_ts = cap;
    }
    scar_layer_means m;
    scar_status st = scar_heal_layer_means(h, t->h_e0, t->h_e0 + t->p->z_pap, 0, &m);
    if (!st)
        st = scar_heal_surface(ctx, h, &S->surf);
    if (st)
        return st;
    scar_ts_row *row = &r->ts[r->nts++];
    memset(row, 0, sizeof *row);
    row->day = scar_heal_time(h);
    row->erythema = scar_heal_erythema(h);
    size_t plane = t->g.nx * t->g.ny, nin = 0, nout = 0;
    double oe = 0.0, he = 0.0, gin = 0.0, gout = 0.0;
    for (size_t c = 0; c < plane; c++) {
        oe += S->surf.oedema[c];
        he += t->dh_e[c];
        double gain = S->surf.H[c] - t->H0[c];
        if (t->scar_id[c] > 0) {
            gin += gain;
            nin++;
        } else {
            gout += gain;
            nout++;
        }
    }
    row->oedema_um = 1e3 * oe / (double)plane;
    row->epidermis_pct = 100.0 * he / (double)plane / t->h_e0;
    row->surface_gain_um = nin && nout ? 1e3 * (gin / (double)nin - gout / (double)nout) : 0.0;
    row->macrophages = m.mean[SCAR_F_M];
    row->growth_factor_excess = m.mean[SCAR_F_C] - t->p->c0;
    row->fibroblast_pct = 100.0 * (m.mean[SCAR_F_N] / m.baseline[SCAR_F_N] - 1.0);
    double coll = m.mean[SCAR_F_RHO1] + m.mean[SCAR_F_RHO3] + m.mean[SCAR_F_RHOD];
    double coll0 = m.baseline[SCAR_F_RHO1] + m.baseline[SCAR_F_RHO3];
    row->collagen_pct = 100.0 * (coll / coll0 - 1.0);
    row->collagen3_fraction = coll > 0 ? m.mean[SCAR_F_RHO3] / coll : 0.0;
    row->elastin_pct = 100.0 * (m.mean[SCAR_F_E] / m.baseline[SCAR_F_E] - 1.0);
    return SCAR_OK;
}

/* The model's own account of each scar (scan-free): mean matrix gain and
 * surface change over the scar's columns and over a 1 mm ring of skin
 * around it (columns within 1 mm of a scar column, on no scar). */
static scar_status scar_gains(scar_ctx *ctx, run_state *S, scar_heal *h)
{
    const scar_tissue *t = scar_heal_tissue(h);
    const scar_grid *g = &t->g;
    S->gain = scar_calloc(ctx, t->nscars + 1, sizeof *S->gain);
    if (!S->gain)
        return SCAR_ENOMEM;
    long rr = (long)ceil(1.0 / g->h_mm);
    for (size_t j = 0; j < g->ny; j++)
        for (size_t i = 0; i < g->nx; i++) {
            size_t col = j * g->nx + i;
            double dv = S->surf.dV[col], h0 = t->H0[col], h1 = S->surf.H[col];
            double rise = h1 - h0;
            int32_t k = t->scar_id[col];
            if (k > 0) {
                scar_gain *G = &S->gain[k];
                G->h0_min = G->n_in == 0 || h0 < G->h0_min ? h0 : G->h0_min;
                G->h1_min = G->n_in == 0 || h1 < G->h1_min ? h1 : G->h1_min;
                G->dv_in += dv;
                G->rise_in += rise;
                G->h0_in += h0;
                G->h1_in += h1;
                G->n_in++;
                continue;
            }
            /* the nearest scar within 1 mm, if any (a coarse square search) */
            int32_t near = 0;
            for (long dj = -rr; dj <= rr && !near; dj += 2)
                for (long di = -rr; di <= rr && !near; di += 2) {
                    long ii = (long)i + di, jj = (long)j + dj;
                    if (ii < 0 || jj < 0 || ii >= (long)g->nx || jj >= (long)g->ny)
                        continue;
                    near = t->scar_id[(size_t)jj * g->nx + (size_t)ii];
                }
            if (near > 0) {
                S->gain[near].dv_ring += dv;
                S->gain[near].rise_ring += rise;
                S->gain[near].h0_ring += h0;
                S->gain[near].h1_ring += h1;
                S->gain[near].n_ring++;
            }
        }
    return SCAR_OK;
}

static bool is_vti_day(const scar_run_spec *spec, double day)
{
    for (size_t i = 0; i < spec->nvti; i++)
        if (fabs(spec->vti_days[i] - day) < 1e-9)
            return true;
    return false;
}

static scar_status observe(scar_ctx *ctx, void *user, scar_heal *h, scar_course_mark mark,
                           int session, double day)
{
    run_state *S = user;
    scar_run_result *r = S->r;
    scar_status st = SCAR_OK;
    switch (mark) {
    case SCAR_MARK_START:
        st = measure(ctx, S, h, 0, &r->baseline, &r->scan_before, &r->surface_before);
        if (!st)
            st = sample(ctx, S, h);
        break;
    case SCAR_MARK_SESSION:
        st = scar_heal_surface(ctx, h, &S->surf);
        if (!st)
            st = surface_map(ctx, &S->surf, &r->session_before[session - 1]);
        break;
    case SCAR_MARK_AFTER:
        st = measure(ctx, S, h, session, &r->sessions[session - 1], NULL,
                     &r->session_after[session - 1]);
        if (!st)
            r->sessions[session - 1].erythema_days = S->erythema_days[session - 1];
        break;
    case SCAR_MARK_SNAPSHOT:
        st = sample(ctx, S, h);
        if (!st && S->spec->snapshot && is_vti_day(S->spec, day))
            st = S->spec->snapshot(ctx, S->spec->user, scar_heal_tissue(h), day);
        break;
    case SCAR_MARK_END:
        st = measure(ctx, S, h, session, &r->final, &r->scan_after, &r->surface_after);
        if (!st)
            st = scar_gains(ctx, S, h);
        if (!st && session > 0)
            r->final.erythema_days = S->erythema_days[session - 1];
        if (!st && (r->nts == 0 || r->ts[r->nts - 1].day < day - 1e-9))
            st = sample(ctx, S, h);
        break;
    }
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The snapshot days: every sample_days, and the tissue snapshots. */
static scar_status snapshot_days(scar_ctx *ctx, run_state *S, double end)
{
    const scar_run_spec *sp = S->spec;
    double every = sp->sample_days > 0 ? sp->sample_days : 1.0;
    size_t n = (size_t)floor(end / every) + sp->nvti + 1;
    S->days = scar_malloc(ctx, n * sizeof *S->days);
    if (!S->days)
        return SCAR_ENOMEM;
    size_t k = 0;
    for (double d = every; d < end - 1e-9 && k < n; d += every)
        S->days[k++] = d;
    for (size_t i = 0; i < sp->nvti && k < n; i++)
        S->days[k++] = sp->vti_days[i];
    qsort(S->days, k, sizeof *S->days, cmp_double);
    S->ndays = k;
    return SCAR_OK;
}

/* What a checkpoint holds of the run (checkpoint.h). */
static scar_ckpt_run ckpt_run(run_state *S, size_t max_sources)
{
    const scar_run_spec *sp = S->spec;
    scar_ckpt_run c = {.r = S->r, .erythema_days = S->erythema_days,
                       .seconds = scar_now_s() - S->t0, .max_ts = S->ndays + 2,
                       .max_sources = max_sources, .files_dir = sp->snapshot_dir,
                       .max_files = sp->nvti, .restored = sp->snapshot_restored,
                       .user = sp->user};
    if (sp->snapshot_files)
        c.nfiles = sp->snapshot_files(sp->user, &c.files, &c.file_days);
    return c;
}

static scar_status checkpoint(scar_ctx *ctx, void *user, scar_heal *h, const scar_course_pos *pos)
{
    run_state *S = user;
    scar_ckpt_run c = ckpt_run(S, 0);
    return scar_ckpt_write(ctx, S->spec->ckpt->checkpoint, S->spec, h, pos, &c);
}

static bool stop_asked(void *user, double day)
{
    const scar_run_opts *ck = ((run_state *)user)->spec->ckpt;
    return ck->stop(ck->stop_user, day);
}

/* Picks up a checkpoint: the scan of the untreated skin is made again (the
 * same numbers: it depends on the scenario only), the rest is read. */
static scar_status resume(scar_ctx *ctx, run_state *S, scar_ckpt *c, scar_heal *h,
                          scar_course_pos *pos)
{
    scar_run_result *r = S->r;
    const scar_protocol *pr = &S->spec->protocol;
    /* live sources: two topical ones per session, a PRP bolus per scar */
    size_t max_sources = (size_t)(pr->sessions > 0 ? pr->sessions : 0) *
                         (scar_heal_tissue(h)->nscars + 2);
    scar_status st = measure(ctx, S, h, 0, &r->baseline, &r->scan_before, &r->surface_before);
    if (st)
        return st;
    scar_ckpt_run cr = ckpt_run(S, max_sources);
    if ((st = scar_ckpt_load(ctx, c, h, pos, &cr)))
        return st;
    S->t0 -= cr.seconds;
    return SCAR_OK;
}

/* A depression the final scan no longer finds is not taken as gone: the
 * scan's threshold and its levelling lose broad shallow dishes (a rolling
 * scar 70 % shallower was reported 100 % better).  Its depth and volume at
 * the end are measured on the model's surface over its own columns against
 * the skin within 1 mm around it, and scaled from the scan's numbers before
 * by the same measure at the start: the lowest point for the depth, the mean
 * for the volume. */
static void footprint_after(const scar_gain *G, scar_followed *f)
{
    double ring0 = G->h0_ring / (double)G->n_ring, ring1 = G->h1_ring / (double)G->n_ring;
    double d0 = ring0 - G->h0_min, d1 = ring1 - G->h1_min;
    double m0 = ring0 - G->h0_in / (double)G->n_in, m1 = ring1 - G->h1_in / (double)G->n_in;
    double rd = d0 > 0 && d1 > 0 ? d1 / d0 : 0.0, rv = m0 > 0 && m1 > 0 ? m1 / m0 : 0.0;
    f->depth_after_mm = f->before.depth_mm * rd;
    f->volume_after_mm3 = f->before.volume_mm3 * rv;
}

/* Each scar before treatment and what lies on it at the end. */
static scar_status follow_scars(scar_ctx *ctx, scar_run_result *r, const run_state *S,
                                const scar_tissue *t)
{
    const scar_scar_list *b = &r->scan_before->scars, *a = &r->scan_after->scars;
    if (!b->n)
        return SCAR_OK;
    r->scars = scar_calloc(ctx, b->n, sizeof *r->scars);
    if (!r->scars)
        return SCAR_ENOMEM;
    r->nscars = b->n;
    for (size_t i = 0; i < b->n; i++) {
        scar_followed *f = &r->scars[i];
        f->before = b->v[i];
        double best = 0.5 * b->v[i].width_mm + 0.5;
        for (size_t j = 0; j < a->n; j++) {
            if ((a->v[j].type == SCAR_TYPE_HYPERTROPHIC) != (b->v[i].type == SCAR_TYPE_HYPERTROPHIC))
                continue;
            double d = hypot(a->v[j].x_mm - b->v[i].x_mm, a->v[j].y_mm - b->v[i].y_mm);
            if (d <= best) {
                best = d;
                f->found_after = true;
                f->depth_after_mm = a->v[j].depth_mm;
                f->volume_after_mm3 = a->v[j].volume_mm3;
            }
        }
        long ci = (long)floor(f->before.x_mm / t->g.h_mm), cj = (long)floor(f->before.y_mm / t->g.h_mm);
        if (S->gain && ci >= 0 && cj >= 0 && ci < (long)t->g.nx && cj < (long)t->g.ny) {
            int32_t k = t->scar_id[(size_t)cj * t->g.nx + (size_t)ci];
            const scar_gain *G = k > 0 ? &S->gain[k] : NULL;
            if (G && G->n_in && G->n_ring) {
                f->gain_floor_um = 1e3 * G->dv_in / (double)G->n_in;
                f->gain_around_um = 1e3 * G->dv_ring / (double)G->n_ring;
                f->rise_um = 1e3 * (G->rise_in / (double)G->n_in - G->rise_ring / (double)G->n_ring);
                if (!f->found_after && f->before.type != SCAR_TYPE_HYPERTROPHIC)
                    footprint_after(G, f);
            }
        }
        f->improvement_pct = b->v[i].volume_mm3 > 0
                                 ? 100.0 * (1.0 - f->volume_after_mm3 / b->v[i].volume_mm3)
                                 : 0.0;
    }
    return SCAR_OK;
}

/* Papillary collagen (I, III and the disrupted pool) against the untreated
 * baseline of the same voxels, %; NaN over no voxels. */
static double collagen_change_pct(const scar_layer_means *m)
{
    double base = m->baseline[SCAR_F_RHO1] + m->baseline[SCAR_F_RHO3];
    double now = m->mean[SCAR_F_RHO1] + m->mean[SCAR_F_RHO3] + m->mean[SCAR_F_RHOD];
    return base > 0.0 ? 100.0 * (now / base - 1.0) : NAN;
}

scar_status scar_run_course(scar_ctx *ctx, const scar_run_spec *spec, scar_run_result **out)
{
    *out = NULL;
    const scar_protocol *pr = &spec->protocol;
    const scar_run_opts *ck = spec->ckpt && spec->ckpt->checkpoint ? spec->ckpt : NULL;
    scar_scan_result *scan0 = NULL;
    scar_tissue *t = NULL;
    scar_heal *h = NULL;
    scar_ckpt *ckpt = NULL;
    run_state S = {.spec = spec, .t0 = scar_now_s()};
    scar_run_result *r = scar_calloc(ctx, 1, sizeof *r);
    if (!r)
        return SCAR_ENOMEM;
    S.r = r;
    scar_scan_opts so;
    scar_scan_opts_default(&so);
    scar_status st = SCAR_OK;
    /* a checkpoint that does not fit is refused before any work */
    if (ck && ck->resume)
        st = scar_ckpt_open(ctx, ck->checkpoint, spec, &ckpt);
    else if (ck && access(ck->checkpoint, F_OK) == 0)
        scar_log(ctx, SCAR_LOG_WARN,
                 "%s: an earlier run's checkpoint, which this run will replace or remove "
                 "(--resume would go on from it)",
                 ck->checkpoint);
    if (!st)
        st = scar_scan(ctx, spec->surface, &so, &scan0);
    if (st)
        goto done;
    scar_tissue_spec ts = {
        .surface = scan0->levelled, .labels = scan0->labels, .scars = scan0->scars.v,
        .nscars = scan0->scars.n, .region = spec->region, .h_mm = spec->dx_um * 1e-3,
        .fitzpatrick = spec->fitzpatrick, .age_y = spec->age_y,
        .with_thermal = scar_device_is_thermal(&pr->device),
        .with_serum = pr->adjunct[SCAR_ADJ_SERUM_HYALURONIC] ||
                      pr->adjunct[SCAR_ADJ_SERUM_VITAMIN_C] ||
                      pr->adjunct[SCAR_ADJ_SERUM_GROWTH_FACTOR]};
    if ((st = scar_tissue_create(ctx, &ts, spec->params, &t)) ||
        (st = scar_heal_create(ctx, t, &h)) || (st = heal_surface_create(ctx, t, &S.surf)))
        goto done;
    r->nx = t->g.nx;
    r->ny = t->g.ny;
    r->nz = t->g.nz;
    r->h_mm = t->g.h_mm;
    int ns = pr->sessions > 0 ? pr->sessions : 0;
    r->sessions = scar_calloc(ctx, (size_t)ns + 1, sizeof *r->sessions);
    r->session_before = scar_calloc(ctx, (size_t)ns + 1, sizeof *r->session_before);
    r->session_after = scar_calloc(ctx, (size_t)ns + 1, sizeof *r->session_after);
    S.erythema_days = scar_calloc(ctx, (size_t)ns + 1, sizeof *S.erythema_days);
    if (!r->sessions || !r->session_before || !r->session_after || !S.erythema_days) {
        st = SCAR_ENOMEM;
        goto done;
    }
    r->nsessions = (size_t)ns;
    if ((st = snapshot_days(ctx, &S, scar_protocol_end_day(pr))))
        goto done;
    scar_course_opts o;
    scar_course_opts_default(t->p, &o);
    o.snapshot_days = S.days;
    o.nsnapshots = S.ndays;
    o.observe = observe;
    o.user = &S;
    o.erythema_days = S.erythema_days;
    scar_course_pos pos;
    if (ckpt) {
        if ((st = resume(ctx, &S, ckpt, h, &pos)))
            goto done;
        o.resume = &pos;
        scar_ckpt_close(&ckpt);
    }
    if (ck) {
        o.checkpoint = checkpoint;
        o.checkpoint_days = ck->checkpoint_days;
        o.stop = ck->stop ? stop_asked : NULL;
    }
    if ((st = scar_course_run(ctx, h, pr, &o))) {
        if (st == SCAR_ESTOPPED)
            st = SCAR_RAISE(ctx, SCAR_ESTOPPED, "interrupted at day %.2f; checkpoint written to "
                                                "%s; continue with --resume",
                            scar_heal_time(h), ck->checkpoint);
        goto done;
    }
    if ((st = follow_scars(ctx, r, &S, t)))
        goto done;
    scar_layer_means m;
    scar_heal_layer_means(h, t->h_e0, t->h_e0 + t->p->z_pap, 0, &m);
    r->collagen_change_pct = collagen_change_pct(&m);
    r->elastin_change_pct = 100.0 * (m.mean[SCAR_F_E] / m.baseline[SCAR_F_E] - 1.0);
    scar_layer_means ms;
    r->scar_collagen_change_pct =
        scar_heal_layer_means(h, t->h_e0, t->h_e0 + t->p->z_pap, +1, &ms) == SCAR_OK
            ? collagen_change_pct(&ms)
            : NAN;
    r->epidermis_change_pct = r->nts ? r->ts[r->nts - 1].epidermis_pct : 0.0;
    r->stats = *scar_heal_stats(h);
    r->seconds = scar_now_s() - S.t0;
done:
    scar_ckpt_close(&ckpt);
    heal_surface_free(&S.surf);
    free(S.days);
    free(S.erythema_days);
    free(S.gain);
    scar_heal_destroy(&h);
    scar_tissue_destroy(&t);
    scar_scan_result_destroy(&scan0);
    if (st)
        scar_run_result_destroy(&r);
    *out = r;
    return st;
}

void scar_run_result_destroy(scar_run_result **pr)
{
    if (!pr || !*pr)
        return;
    scar_run_result *r = *pr;
    for (size_t k = 0; k < r->nsessions; k++) {
        if (r->session_before)
            scar_heightmap_destroy(&r->session_before[k]);
        if (r->session_after)
            scar_heightmap_destroy(&r->session_after[k]);
    }
    free(r->session_before);
    free(r->session_after);
    free(r->sessions);
    free(r->scars);
    free(r->ts);
    scar_heightmap_destroy(&r->surface_before);
    scar_heightmap_destroy(&r->surface_after);
    scar_scan_result_destroy(&r->scan_before);
    scar_scan_result_destroy(&r->scan_after);
    free(r);
    *pr = NULL;
}
