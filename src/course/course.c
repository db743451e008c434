/*
 * course.c — a treatment course: each session's injury and adjuncts in
 * clinical order (MODEL.md §6: needling, then topical products through the
 * open pores, intradermal PRP, a peel), and the time loop between events:
 * dt_min right after an event, growing by dt_growth per step up to dt_max,
 * landing exactly on every event and snapshot (§6, §7).
 */
#include "course.h"
#include "thermal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const adj_names[SCAR_ADJ_COUNT] = {
    "prp_topical",         "prp_intradermal",  "serum_hyaluronic",
    "serum_vitamin_c",     "serum_growth_factor", "retinoid_topical",
    "peel_glycolic",       "peel_tca",         "subcision"};

const char *scar_adjunct_name(scar_adjunct a)
{
    return (unsigned)a < SCAR_ADJ_COUNT ? adj_names[a] : "unknown";
}

scar_adjunct scar_adjunct_from_name(const char *name)
{
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        if (strcmp(name, adj_names[a]) == 0)
            return (scar_adjunct)a;
    return SCAR_ADJ_COUNT;
}

void scar_course_opts_default(const scar_params *p, scar_course_opts *o)
{
    memset(o, 0, sizeof *o);
    o->dt_min = p->dt_min;
    o->dt_max = p->dt_max;
    o->dt_growth = 1.5;
    /* d falls by e^-42 and M by e^-8 in 14 days (k_d 3, delta_M 0.6 /day);
     * what is left relaxes at <= 0.2 /day.  Measured on the reference
     * course (bench/course.json) against a run with every step 4 times
     * smaller: a quarter day from day 2 and a day from day 14 are as close
     * to it as a quarter day from day 3 and half a day from day 14 were
     * (collagen and matrix gained within 1.6%), with 436 steps instead of
     * 568; a half day from day 3 moved a smaller course by ~2%
     * (docs/engine.md, "Steps") */
    o->settle_days = 2.0;
    o->dt_mid = fmax(p->dt_max, 0.25);
    o->quiet_after_days = 14.0;
    o->dt_quiet = fmax(p->dt_max, 1.0);
}

double scar_protocol_session_day(const scar_protocol *pr, int k)
{
    return (double)(k - 1) * pr->interval_days;
}

double scar_protocol_end_day(const scar_protocol *pr)
{
    if (pr->sessions <= 0)
        return pr->follow_up_days;
    return scar_protocol_session_day(pr, pr->sessions) + pr->follow_up_days;
}

/* The tracks of one session: punctures applied one by one; deep tracks
 * counted per scar for the release of tethering (§4.1 item 2); the fraction
 * of every voxel inside a track summed into chi_sum for the pore sources.
 * keep, when not NULL, receives the punctures (RF: where the tips heat). */
static scar_status needle_session(scar_ctx *ctx, scar_heal *h, const scar_protocol *pr,
                                  int session, double *chi_sum, scar_puncture *nominal,
                                  scar_puncture_list *keep)
{
    scar_tissue *t = scar_heal_tissue(h);
    const scar_params *p = t->p;
    const scar_device *d = &pr->device;
    scar_pattern_spec ps = {
        .width_mm = (double)t->g.nx * t->g.h_mm,
        .height_mm = (double)t->g.ny * t->g.h_mm,
        .density_per_mm2 = scar_device_density(d),
        .scar_multiplier = d->scar_multiplier,
        .scar_id = t->scar_id, .nx = t->g.nx, .ny = t->g.ny, .col_mm = t->g.h_mm,
        .depth_mm = d->f_pen * d->needle_mm,
        .radius_mm = d->needle_radius_mm + p->r_halo,
        .cone_mm = 3.0 * d->needle_radius_mm,
        .seed = scar_ctx_seed(ctx), .session = (uint64_t)session};
    *nominal = (scar_puncture){0, 0, ps.depth_mm, ps.radius_mm, ps.cone_mm};
    scar_puncture_list pl = {0};
    scar_voxels vox = {0};
    double *deep = NULL;
    scar_status st = scar_puncture_pattern(ctx, &ps, &pl);
    if (st)
        goto done;
    deep = scar_calloc(ctx, t->nscars + 1, sizeof *deep);
    if (!deep) {
        st = SCAR_ENOMEM;
        goto done;
    }
    double zb = t->h_e0 + t->h_d0;
    double t0 = scar_now_s();
    for (size_t q = 0; q < pl.n; q++) {
        const scar_puncture *pu = &pl.v[q];
        if ((st = scar_track_voxels(ctx, t, pu, &vox)))
            goto done;
        size_t col = (size_t)floor(pu->y_mm / t->g.h_mm) * t->g.nx +
                     (size_t)floor(pu->x_mm / t->g.h_mm);
        double zs = tissue_surface_z(t, col);
        /* bleeds when the track reaches the papillary plexus (§3.4) */
        bool bleeds = pu->depth_mm > t->h_e0 + t->dh_e[col] + p->z_pap;
        scar_heal_apply_track(h, &vox, bleeds);
        for (size_t i = 0; i < vox.n; i++)
            chi_sum[vox.v[i].v] += vox.v[i].chi;
        /* a track reaching the lower half of the dermis left under the scar
         * cuts its tethering bands */
        int32_t s = t->scar_id[col];
        if (s > 0 && zs + pu->depth_mm >= 0.5 * (zs + zb))
            deep[s] += 1.0;
    }
    scar_heal_release_tether(h, deep);
    scar_heal_add_injury_time(h, scar_now_s() - t0);
    if (keep) {
        *keep = pl;
        memset(&pl, 0, sizeof pl);
    }
done:
    free(deep);
    scar_voxels_free(&vox);
    scar_puncture_list_free(&pl);
    return st;
}

/* A thermal device's session (MODEL.md §5.4, §5.5; docs/thermal.md): the
 * lesion of one pin or micro-thermal zone is computed once for the
 * settings, stamped at every point of the session's pattern relative to the
 * local surface and handed to the biology.  RF needles make their tracks
 * first (bleeding and tethering as any needle), the lesion at their tips.
 * Laser zones make no track; an ablative zone bleeds when its crater
 * reaches the papillary plexus, and its crater is an open channel for
 * topical products (*pores set); a non-ablative one opens none. */
static scar_status thermal_session(scar_ctx *ctx, scar_heal *h, const scar_protocol *pr,
                                   int session, double *chi_sum, scar_puncture *nominal,
                                   bool *pores)
{
    scar_tissue *t = scar_heal_tissue(h);
    const scar_params *p = t->p;
    const scar_device *d = &pr->device;
    if (!t->f[SCAR_F_RHOD])
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "the %s needs a tissue with denatured collagen "
                                               "(scar_tissue_spec.with_thermal)",
                          scar_device_name(d->kind));
    bool rf = d->kind == SCAR_DEV_RF_MICRONEEDLE;
    scar_puncture_list pl = {0};
    scar_lesion les;
    scar_lesion_voxels lv = {0};
    scar_status st = scar_device_lesion(ctx, d, p, t->h_e0, t->h_d0, &les);
    if (st)
        return st;
    double t0 = scar_now_s();
    *pores = rf || d->ablative;
    if (rf) {
        st = needle_session(ctx, h, pr, session, chi_sum, nominal, &pl);
        t0 = scar_now_s();
    } else {
        double crater = d->ablative ? les.r_mm - les.coag_mm : les.r_mm;
        double cdepth = d->ablative ? les.depth_mm - les.coag_mm : les.depth_mm;
        scar_pattern_spec ps = {
            .width_mm = (double)t->g.nx * t->g.h_mm,
            .height_mm = (double)t->g.ny * t->g.h_mm,
            .density_per_mm2 = scar_device_density(d),
            .scar_multiplier = d->scar_multiplier,
            .scar_id = t->scar_id, .nx = t->g.nx, .ny = t->g.ny, .col_mm = t->g.h_mm,
            .depth_mm = cdepth, .radius_mm = crater, .cone_mm = crater,
            .seed = scar_ctx_seed(ctx), .session = (uint64_t)session};
        *nominal = (scar_puncture){0, 0, cdepth, crater, crater};
        st = scar_puncture_pattern(ctx, &ps, &pl);
    }
    for (size_t q = 0; !st && q < pl.n; q++) {
        const scar_puncture *pu = &pl.v[q];
        if ((st = scar_lesion_stamp(ctx, t, &les, pu->x_mm, pu->y_mm, &lv)))
            break;
        size_t col = (size_t)floor(pu->y_mm / t->g.h_mm) * t->g.nx +
                     (size_t)floor(pu->x_mm / t->g.h_mm);
        bool bleeds = !rf && d->ablative && pu->depth_mm > t->h_e0 + t->dh_e[col] + p->z_pap;
        heal_lesion hl = {&lv.kill, &lv.den, &lv.rim, &lv.ablated, bleeds};
        scar_heal_apply_thermal(h, &hl);
        for (size_t i = 0; !rf && i < lv.ablated.n; i++)
            chi_sum[lv.ablated.v[i].v] += lv.ablated.v[i].chi;
    }
    scar_heal_add_injury_time(h, les.stats.seconds + scar_now_s() - t0);
    scar_lesion_voxels_free(&lv);
    scar_puncture_list_free(&pl);
    scar_lesion_free(&les);
    return st;
}

/* A topical product taken up through the session's pores (§5.1, §5.2). */
static scar_status pore_source(scar_ctx *ctx, scar_heal *h, const scar_protocol *pr,
                               const double *chi_sum, const scar_puncture *nominal,
                               scar_field field, double c_app, double day)
{
    scar_tissue *t = scar_heal_tissue(h);
    const scar_params *p = t->p;
    heal_pore_source s = {
        .field = field, .t_open = day, .t_on = day, .t_off = day + p->t_contact,
        .t_half = pr->occluded ? p->t_half_pore_occ : p->t_half_pore_open,
        .c_app = c_app, .rate = p->k_p * p->A_pore / scar_track_volume(nominal)};
    for (size_t v = 0; v < t->g.n; v++) {
        if (chi_sum[v] <= 0.0)
            continue;
        scar_status st = scar_voxels_push(ctx, &s.vox, v, chi_sum[v]);
        if (st) {
            scar_voxels_free(&s.vox);
            return st;
        }
    }
    scar_status st = scar_heal_add_pore_source(ctx, h, &s);
    scar_voxels_free(&s.vox);
    return st;
}

/* Intradermal PRP: one injection under each atrophic scar's centre (§5.1). */
static scar_status prp_bolus(scar_ctx *ctx, scar_heal *h, double day)
{
    scar_tissue *t = scar_heal_tissue(h);
    const scar_params *p = t->p;
    const scar_grid *g = &t->g;
    double r = p->r_inj, h3 = g->h_mm * g->h_mm * g->h_mm;
    for (size_t s = 0; s < t->nscars; s++) {
        const scar_scar *sc = &t->scars[s];
        if (sc->type == SCAR_TYPE_HYPERTROPHIC)
            continue;
        long ci = (long)floor(sc->x_mm / g->h_mm), cj = (long)floor(sc->y_mm / g->h_mm);
        if (ci < 0 || cj < 0 || ci >= (long)g->nx || cj >= (long)g->ny)
            continue;
        double zc = tissue_surface_z(t, (size_t)cj * g->nx + (size_t)ci) + p->z_inj;
        heal_bolus_source b = {.field = SCAR_F_C, .t0 = day, .tau_rel = p->tau_rel,
                               .amount = p->c_PRP * p->V_inj};
        long rr = (long)ceil(3.0 * r / g->h_mm);
        double wsum = 0.0;
        for (long k = 0; k < (long)g->nz; k++) {
            double z = g->z0_mm + ((double)k + 0.5) * g->h_mm - zc;
            if (fabs(z) > 3.0 * r)
                continue;
            for (long j = cj - rr; j <= cj + rr; j++)
                for (long i = ci - rr; i <= ci + rr; i++) {
                    if (i < 0 || j < 0 || i >= (long)g->nx || j >= (long)g->ny)
                        continue;
                    size_t v = SCAR_GRID_IDX(g, i, j, k);
                    if (t->layer[v] == SCAR_LAYER_NONE)
                        continue;
                    double x = ((double)i + 0.5) * g->h_mm - sc->x_mm;
                    double y = ((double)j + 0.5) * g->h_mm - sc->y_mm;
                    double w = exp(-0.5 * (x * x + y * y + z * z) / (r * r));
                    scar_status st = scar_voxels_push(ctx, &b.vox, v, w);
                    if (st) {
                        scar_voxels_free(&b.vox);
                        return st;
                    }
                    wsum += w * h3;
                }
        }
        /* normalised over the tissue it lands in: what the needle injects
         * stays in the patch */
        for (size_t q = 0; q < b.vox.n; q++)
            b.vox.v[q].chi /= wsum;
        scar_status st = b.vox.n ? scar_heal_add_bolus(ctx, h, &b) : SCAR_OK;
        scar_voxels_free(&b.vox);
        if (st)
            return st;
    }
    return SCAR_OK;
}

scar_status scar_course_session(scar_ctx *ctx, scar_heal *h, const scar_protocol *pr,
                                 int session)
{
    scar_tissue *t = scar_heal_tissue(h);
    const scar_params *p = t->p;
    double day = scar_heal_time(h);
    if (pr->adjunct[SCAR_ADJ_RETINOID_TOPICAL])
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, "protocol.adjuncts",
                             "retinoid_topical has no term in the healing model of this "
                             "version; leave it out of the protocol");
    if (pr->adjunct[SCAR_ADJ_SUBCISION] && session == 1)
        scar_heal_subcision(h);
    double *chi = scar_calloc(ctx, t->g.n, sizeof *chi);
    if (!chi)
        return SCAR_ENOMEM;
    scar_puncture nominal = {0, 0, 0, 0, 0};
    bool pores = true;
    scar_status st = scar_device_is_thermal(&pr->device)
                         ? thermal_session(ctx, h, pr, session, chi, &nominal, &pores)
                         : needle_session(ctx, h, pr, session, chi, &nominal, NULL);
    /* without open channels (non-ablative laser) no topical uptake */
    if (!st && pores && pr->adjunct[SCAR_ADJ_PRP_TOPICAL])
        st = pore_source(ctx, h, pr, chi, &nominal, SCAR_F_C, p->c_PRP, day);
    bool serum = pr->adjunct[SCAR_ADJ_SERUM_HYALURONIC] ||
                 pr->adjunct[SCAR_ADJ_SERUM_VITAMIN_C] ||
                 pr->adjunct[SCAR_ADJ_SERUM_GROWTH_FACTOR];
    if (!st && pores && serum)
        st = pore_source(ctx, h, pr, chi, &nominal, SCAR_F_S, p->s_app, day);
    if (!st && pr->adjunct[SCAR_ADJ_PRP_INTRADERMAL])
        st = prp_bolus(ctx, h, day);
    /* a peel right after needling reaches deeper through the session's open
     * pores, and only there (§5.3, kappa_p: a safety flag, not data) */
    if (!st && (pr->adjunct[SCAR_ADJ_PEEL_GLYCOLIC] || pr->adjunct[SCAR_ADJ_PEEL_TCA])) {
        double z = pr->adjunct[SCAR_ADJ_PEEL_TCA] ? p->z_peel_med : p->z_peel_sup;
        scar_heal_apply_peel(h, z, p->kappa_p, pores ? chi : NULL);
    }
    free(chi);
    return st;
}

/* The loop's state: where the course stands, and when the next periodic
 * checkpoint is due. */
typedef struct course_loop {
    const scar_course_opts *o;
    double total;     /* the course's last day (progress) */
    double next_ckpt; /* day of the next periodic checkpoint */
    scar_course_pos pos;
} course_loop;

/* The erythema of the last session, followed step by step. */
static void watch_erythema(scar_heal *h, const scar_course_opts *o, scar_course_watch *w)
{
    if (!o->erythema_days || w->session <= 0 || w->done)
        return;
    double vis = scar_heal_tissue(h)->p->I_vis, t = scar_heal_time(h);
    double e = scar_heal_erythema(h);
    if (e >= vis) {
        w->above = true;
    } else if (w->above) {
        /* crossed between the last step and this one: interpolate */
        double f = (w->last_e - vis) / (w->last_e - e);
        o->erythema_days[w->session - 1] = w->last_t + f * (t - w->last_t) - w->t_session;
        w->done = true;
    }
    w->last_t = t;
    w->last_e = e;
}

static double next_multiple(double day, double every)
{
    return every > 0 ? (floor(day / every) + 1.0) * every : INFINITY;
}

/* Before a step: a checkpoint when one is due or a stop is asked for.  Only
 * here, with a step still to take, is nothing of the present moment left
 * unobserved, so a resumed course repeats exactly what follows. */
static scar_status pause_point(scar_ctx *ctx, scar_heal *h, course_loop *L)
{
    const scar_course_opts *o = L->o;
    if (!o->checkpoint)
        return SCAR_OK;
    double now = scar_heal_time(h);
    bool stop = o->stop && o->stop(o->user, now);
    if (!stop && now < L->next_ckpt)
        return SCAR_OK;
    scar_status st = o->checkpoint(ctx, o->user, h, &L->pos);
    if (st)
        return st;
    L->next_ckpt = next_multiple(now, o->checkpoint_days);
    return stop ? SCAR_RAISE(ctx, SCAR_ESTOPPED, "interrupted at day %.2f", now) : SCAR_OK;
}

/* Steps from the current time to t_end. */
static scar_status advance(scar_ctx *ctx, scar_heal *h, double t_end, course_loop *L)
{
    const scar_course_opts *o = L->o;
    scar_course_watch *w = &L->pos.watch;
    double *dt = &L->pos.dt;
    while (scar_heal_time(h) < t_end - 1e-12) {
        scar_status st = pause_point(ctx, h, L);
        if (st)
            return st;
        double now = scar_heal_time(h), step = *dt;
        if (now + step > t_end - 1e-9)
            step = t_end - now;
        if (scar_ctx_cancelled(ctx))
            return SCAR_RAISE(ctx, SCAR_EINTERNAL, "cancelled");
        if ((st = scar_heal_step(ctx, h, step)))
            return st;
        watch_erythema(h, o, w);
        double since = scar_heal_time(h) - w->t_session;
        double cap = since >= o->quiet_after_days ? o->dt_quiet
                     : since >= o->settle_days    ? o->dt_mid
                                                  : o->dt_max;
        *dt = fmin(*dt * o->dt_growth, cap);
        if (L->total > 0)
            scar_progress(ctx, "course", scar_heal_time(h) / L->total);
    }
    return SCAR_OK;
}

static scar_status observe(scar_ctx *ctx, const scar_course_opts *o, scar_heal *h,
                           scar_course_mark m, int session)
{
    return o->observe ? o->observe(ctx, o->user, h, m, session, scar_heal_time(h)) : SCAR_OK;
}

/* Advances to t_end, stopping at every snapshot on the way. */
static scar_status advance_with_snapshots(scar_ctx *ctx, scar_heal *h, double t_end,
                                          course_loop *L)
{
    const scar_course_opts *o = L->o;
    for (size_t i = 0; i < o->nsnapshots; i++) {
        double ts = o->snapshot_days[i];
        /* a snapshot on the day of an event sees the tissue just before it */
        if (ts <= scar_heal_time(h) + 1e-12 || ts > t_end + 1e-12)
            continue;
        scar_status st = advance(ctx, h, ts, L);
        if (!st)
            st = observe(ctx, o, h, SCAR_MARK_SNAPSHOT, -1);
        if (st)
            return st;
    }
    return advance(ctx, h, t_end, L);
}

scar_status scar_course_run(scar_ctx *ctx, scar_heal *h, const scar_protocol *pr,
                            const scar_course_opts *o)
{
    course_loop L = {.o = o, .total = scar_protocol_end_day(pr),
                     .pos = {.session = 1, .dt = o->dt_max}};
    scar_status st = SCAR_OK;
    if (o->resume) {
        L.pos = *o->resume;
    } else {
        for (int k = 0; o->erythema_days && k < pr->sessions; k++)
            o->erythema_days[k] = 0.0;
        st = observe(ctx, o, h, SCAR_MARK_START, 0);
    }
    L.next_ckpt = next_multiple(scar_heal_time(h), o->checkpoint_days);
    for (int k = L.pos.session; !st && k <= pr->sessions; k++) {
        L.pos.session = k;
        st = advance_with_snapshots(ctx, h, scar_protocol_session_day(pr, k), &L);
        if (!st && k > 1)
            st = observe(ctx, o, h, SCAR_MARK_AFTER, k - 1);
        if (!st)
            st = observe(ctx, o, h, SCAR_MARK_SESSION, k);
        if (!st)
            st = scar_course_session(ctx, h, pr, k);
        scar_course_watch *w = &L.pos.watch;
        *w = (scar_course_watch){.session = k, .t_session = scar_heal_time(h),
                                 .last_t = scar_heal_time(h), .last_e = scar_heal_erythema(h)};
        w->above = w->last_e >= scar_heal_tissue(h)->p->I_vis;
        L.pos.dt = o->dt_min;
    }
    if (!st) {
        L.pos.session = pr->sessions > 0 ? pr->sessions + 1 : 1;
        st = advance_with_snapshots(ctx, h, L.total, &L);
    }
    if (!st && pr->sessions > 0)
        st = observe(ctx, o, h, SCAR_MARK_AFTER, pr->sessions);
    if (!st)
        st = observe(ctx, o, h, SCAR_MARK_END, pr->sessions);
    return st;
}
