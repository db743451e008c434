/*
 * heal_ckpt.c — the engine's and its tissue's state in a checkpoint
 * (course/checkpoint.c): everything a time step reads that earlier steps or
 * injuries changed (fields, tethering, deep tracks, epidermal thickness, the
 * scar floors' set points, sources).  What the tissue was built with (masks, baselines,
 * surface, scar labels, parameters) is rebuilt from the scenario instead.
 *
 * Besides the fields this includes what decides the next step's path:
 * field_max (which fields are diffused, whether chemotaxis runs) and the dt
 * the diffusion operators were built for (a dt within 1e-12 of it reuses
 * them, heal.c), so a resumed course repeats the uninterrupted one bit for
 * bit.
 */
#include "heal_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Voxel lists go out in blocks, indices and weights apart (each shuffled). */
enum { VOX_BLOCK = 512 };

static void put_voxels(scar_bin_w *w, const scar_voxels *s)
{
    uint64_t idx[VOX_BLOCK];
    double chi[VOX_BLOCK];
    scar_bin_put_u64(w, s->n);
    for (size_t i0 = 0; i0 < s->n; i0 += VOX_BLOCK) {
        size_t m = s->n - i0 < VOX_BLOCK ? s->n - i0 : VOX_BLOCK;
        for (size_t i = 0; i < m; i++) {
            idx[i] = s->v[i0 + i].v;
            chi[i] = s->v[i0 + i].chi;
        }
        scar_bin_put_u64s(w, idx, m);
        scar_bin_put_f64s(w, chi, m);
    }
}

static scar_status get_voxels(scar_ctx *ctx, scar_bin_r *r, const char *field, size_t nvox,
                              scar_voxels *s)
{
    uint64_t n, idx[VOX_BLOCK];
    double chi[VOX_BLOCK];
    scar_status st = scar_bin_get_u64(r, field, &n);
    if (st)
        return st;
    if (n > nvox)
        return scar_bin_r_fail(r, field, "expected at most %zu voxels, found %llu", nvox,
                               (unsigned long long)n);
    s->v = n ? scar_malloc(ctx, (size_t)n * sizeof *s->v) : NULL;
    if (n && !s->v)
        return SCAR_ENOMEM;
    s->cap = (size_t)n;
    for (size_t i0 = 0; i0 < n; i0 += VOX_BLOCK) {
        size_t m = (size_t)n - i0 < VOX_BLOCK ? (size_t)n - i0 : VOX_BLOCK;
        if ((st = scar_bin_get_u64s(r, field, idx, m)) || (st = scar_bin_get_f64s(r, field, chi, m)))
            return st;
        for (size_t i = 0; i < m; i++) {
            if (idx[i] >= nvox || !isfinite(chi[i]))
                return scar_bin_r_fail(r, field, "expected voxels below %zu with finite weights, "
                                                 "found voxel %llu weight %g",
                                       nvox, (unsigned long long)idx[i], chi[i]);
            s->v[s->n++] = (scar_voxel){(size_t)idx[i], chi[i]};
        }
    }
    return SCAR_OK;
}

/* The tissue's 2-D maps that change during a course, by name. */
static double *tissue_map(scar_tissue *t, int i, const char **name)
{
    static const char *const names[3] = {"tissue.tau_t", "tissue.D_deep", "tissue.dh_e"};
    *name = names[i];
    return i == 0 ? t->tau_t : i == 1 ? t->D_deep : t->dh_e;
}

static uint32_t field_mask(const scar_tissue *t)
{
    uint32_t m = 0;
    for (int f = 0; f < SCAR_F_COUNT; f++)
        if (t->f[f])
            m |= 1u << f;
    return m;
}

void scar_heal_save(scar_bin_w *w, const scar_heal *h)
{
    scar_tissue *t = h->t;
    size_t plane = t->g.nx * t->g.ny;
    scar_bin_put_f64(w, h->time);
    scar_bin_put_f64(w, h->lod_dt);
    scar_bin_put_f64s(w, h->field_max, HEAL_NDIFF);
    const heal_stats *s = &h->stats;
    scar_bin_put_u64(w, (uint64_t)s->steps);
    scar_bin_put_u64(w, (uint64_t)s->chemo_substeps);
    scar_bin_put_u64(w, (uint64_t)s->clamps);
    double times[] = {s->t_react_s,        s->t_diffuse_s,      s->t_chemo_s,
                      s->t_surface_s,      s->t_injury_s,       s->collagen_synth_mg,
                      s->collagen_degr_mg, s->collagen_disrupted_mg};
    scar_bin_put_f64s(w, times, sizeof times / sizeof times[0]);
    scar_bin_put_u64(w, t->nscars + 1);
    scar_bin_put_f64s(w, h->scar_deep, t->nscars + 1);
    scar_bin_put_u32(w, field_mask(t));
    for (int f = 0; f < SCAR_F_COUNT; f++)
        if (t->f[f])
            scar_bin_put_f64s(w, t->f[f], t->g.n);
    for (int i = 0; i < 3; i++) {
        const char *name;
        scar_bin_put_f64s(w, tissue_map(t, i, &name), plane);
    }
    scar_bin_put_u8(w, t->floor_now != NULL);
    if (t->floor_now)
        scar_bin_put_f32s(w, t->floor_now, t->g.n);
    scar_bin_put_u64(w, h->npores);
    for (size_t i = 0; i < h->npores; i++) {
        const heal_pore_source *p = &h->pores[i];
        scar_bin_put_u32(w, (uint32_t)p->field);
        double v[] = {p->t_open, p->t_on, p->t_off, p->t_half, p->c_app, p->rate};
        scar_bin_put_f64s(w, v, 6);
        put_voxels(w, &p->vox);
    }
    scar_bin_put_u64(w, h->nboluses);
    for (size_t i = 0; i < h->nboluses; i++) {
        const heal_bolus_source *b = &h->boluses[i];
        scar_bin_put_u32(w, (uint32_t)b->field);
        double v[] = {b->t0, b->tau_rel, b->amount};
        scar_bin_put_f64s(w, v, 3);
        put_voxels(w, &b->vox);
    }
}

/* A source's field: one the tissue holds (pores: the growth factor or the
 * serum, §5.1, §5.2). */
static scar_status get_source_field(scar_bin_r *r, const char *name, const scar_tissue *t,
                                    bool pore, scar_field *out)
{
    uint32_t f;
    scar_status st = scar_bin_get_u32(r, name, &f);
    if (st)
        return st;
    bool ok = f < SCAR_F_COUNT && t->f[f] && (!pore || f == SCAR_F_C || f == SCAR_F_S);
    if (!ok)
        return scar_bin_r_fail(r, name, "expected a field of this tissue, found %u", f);
    *out = (scar_field)f;
    return SCAR_OK;
}

/* The count of one kind of source (at most max) and a zeroed array for
 * them; *n stays 0 on failure. */
static scar_status source_array(scar_ctx *ctx, scar_bin_r *r, const char *name, size_t max,
                                size_t size, void **arr, size_t *n)
{
    uint64_t k;
    *arr = NULL;
    *n = 0;
    scar_status st = scar_bin_get_u64(r, name, &k);
    if (st)
        return st;
    if (k > max)
        return scar_bin_r_fail(r, name, "expected at most %zu sources, found %llu", max,
                               (unsigned long long)k);
    if (k && !(*arr = scar_calloc(ctx, (size_t)k, size)))
        return SCAR_ENOMEM;
    *n = (size_t)k;
    return SCAR_OK;
}

static scar_status load_sources(scar_ctx *ctx, scar_bin_r *r, heal_state *h, size_t max)
{
    const scar_tissue *t = h->t;
    void *arr;
    size_t n;
    scar_status st = source_array(ctx, r, "heal.pores", max, sizeof *h->pores, &arr, &n);
    h->pores = arr;
    h->cap_pores = n;
    for (size_t i = 0; !st && i < n; i++) {
        heal_pore_source *p = &h->pores[h->npores++];
        double v[6];
        if (!(st = get_source_field(r, "heal.pores.field", t, true, &p->field)) &&
            !(st = scar_bin_get_f64s(r, "heal.pores", v, 6))) {
            *p = (heal_pore_source){.field = p->field, .t_open = v[0], .t_on = v[1],
                                    .t_off = v[2], .t_half = v[3], .c_app = v[4], .rate = v[5]};
            st = get_voxels(ctx, r, "heal.pores.voxels", t->g.n, &p->vox);
        }
    }
    if (st)
        return st;
    st = source_array(ctx, r, "heal.boluses", max, sizeof *h->boluses, &arr, &n);
    h->boluses = arr;
    h->cap_boluses = n;
    for (size_t i = 0; !st && i < n; i++) {
        heal_bolus_source *b = &h->boluses[h->nboluses++];
        double v[3];
        if (!(st = get_source_field(r, "heal.boluses.field", t, false, &b->field)) &&
            !(st = scar_bin_get_f64s(r, "heal.boluses", v, 3))) {
            *b = (heal_bolus_source){.field = b->field, .t0 = v[0], .tau_rel = v[1],
                                     .amount = v[2]};
            st = get_voxels(ctx, r, "heal.boluses.voxels", t->g.n, &b->vox);
        }
    }
    return st;
}

scar_status scar_heal_load(scar_ctx *ctx, scar_bin_r *r, scar_heal *h, size_t max_sources)
{
    scar_tissue *t = h->t;
    size_t plane = t->g.nx * t->g.ny;
    if (h->npores || h->nboluses || h->stats.steps)
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "scar_heal_load needs a fresh engine");
    double time, lod_dt, times[8];
    uint64_t steps, sub, clamps, ndeep;
    uint32_t mask;
    scar_status st;
    if ((st = scar_bin_get_f64(r, "heal.time", &time)) ||
        (st = scar_bin_get_f64(r, "heal.lod_dt", &lod_dt)) ||
        (st = scar_bin_get_f64s(r, "heal.field_max", h->field_max, HEAL_NDIFF)) ||
        (st = scar_bin_get_u64(r, "heal.stats", &steps)) ||
        (st = scar_bin_get_u64(r, "heal.stats", &sub)) ||
        (st = scar_bin_get_u64(r, "heal.stats", &clamps)) ||
        (st = scar_bin_get_f64s(r, "heal.stats", times, 8)) ||
        (st = scar_bin_get_u64(r, "heal.scar_deep", &ndeep)))
        return st;
    if (!(time >= 0.0 && time < 1e7))
        return scar_bin_r_fail(r, "heal.time", "expected a day >= 0, found %g", time);
    if (!(lod_dt >= 0.0 && lod_dt < 1e7))
        return scar_bin_r_fail(r, "heal.lod_dt", "expected a step >= 0, found %g", lod_dt);
    for (int i = 0; i < HEAL_NDIFF; i++)
        if (!(h->field_max[i] >= 0.0))
            return scar_bin_r_fail(r, "heal.field_max", "expected magnitudes >= 0, found %g",
                                   h->field_max[i]);
    if (ndeep != t->nscars + 1)
        return scar_bin_r_fail(r, "heal.scar_deep", "expected %zu scars, found %llu", t->nscars,
                               (unsigned long long)(ndeep - 1));
    if ((st = scar_bin_get_f64s(r, "heal.scar_deep", h->scar_deep, t->nscars + 1)) ||
        (st = scar_bin_get_u32(r, "tissue.fields", &mask)))
        return st;
    if (mask != field_mask(t))
        return scar_bin_r_fail(r, "tissue.fields", "expected the fields 0x%x of this tissue, "
                                                   "found 0x%x",
                               field_mask(t), mask);
    for (int f = 0; f < SCAR_F_COUNT; f++) {
        char name[64];
        snprintf(name, sizeof name, "tissue.%s", scar_field_name((scar_field)f));
        if (t->f[f] && (st = scar_bin_get_f64s(r, name, t->f[f], t->g.n)))
            return st;
    }
    for (int i = 0; i < 3; i++) {
        const char *name;
        double *m = tissue_map(t, i, &name);
        if ((st = scar_bin_get_f64s(r, name, m, plane)))
            return st;
    }
    uint8_t floors;
    if ((st = scar_bin_get_u8(r, "tissue.floor_now", &floors)))
        return st;
    if (floors != (t->floor_now != NULL))
        return scar_bin_r_fail(r, "tissue.floor_now", "expected %s, found %u",
                               t->floor_now ? "1 (the skin has scar floors)" : "0", floors);
    if (t->floor_now && (st = scar_bin_get_f32s(r, "tissue.floor_now", t->floor_now, t->g.n)))
        return st;
    if ((st = load_sources(ctx, r, h, max_sources)))
        return st;
    h->time = time;
    h->stats = (heal_stats){.steps = (long)steps, .chemo_substeps = (long)sub,
                            .clamps = (long)clamps, .t_react_s = times[0],
                            .t_diffuse_s = times[1], .t_chemo_s = times[2],
                            .t_surface_s = times[3], .t_injury_s = times[4],
                            .collagen_synth_mg = times[5], .collagen_degr_mg = times[6],
                            .collagen_disrupted_mg = times[7]};
    /* the operators the uninterrupted course holds now */
    if (lod_dt > 0.0) {
        for (int i = 0; i < HEAL_NDIFF; i++)
            if (h->lod[i] && h->lod_owner[i] < 0 && (st = scar_lod_set_dt(ctx, h->lod[i], lod_dt)))
                return st;
        h->lod_dt = lod_dt;
    }
    return SCAR_OK;
}
