/*
 * heal.c — the engine object and its time step (MODEL.md §7): Strang
 * splitting of reactions (dt/2), chemotaxis (dt), implicit diffusion (dt) and
 * reactions (dt/2).  The implicit operators are rebuilt only when dt changes.
 */
#include "heal_internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static void diffusivities(const scar_tissue *t, scar_field f, double D[SCAR_LAYER_COUNT])
{
    const scar_params *p = t->p;
    double d = f == SCAR_F_I ? p->D_I : f == SCAR_F_M ? p->D_M : f == SCAR_F_C ? p->D_c
             : f == SCAR_F_N ? p->D_n : p->D_s;
    D[SCAR_LAYER_NONE] = 0.0;
    bool dermis_only = f == SCAR_F_N;
    D[SCAR_LAYER_EPIDERMIS] = dermis_only ? 0.0 : d;
    D[SCAR_LAYER_DERMIS] = d;
    D[SCAR_LAYER_SUBCUTIS] = dermis_only ? 0.0 : d;
}

scar_status scar_heal_create(scar_ctx *ctx, scar_tissue *t, scar_heal **out)
{
    *out = NULL;
    heal_state *h = scar_calloc(ctx, 1, sizeof *h);
    if (!h)
        return SCAR_ENOMEM;
    scar_status st = SCAR_ENOMEM;
    h->t = t;
    h->c0 = t->p->c0;
    h->threads = scar_ctx_threads(ctx) > 0 ? scar_ctx_threads(ctx) : omp_get_max_threads();
    h->plane_acc = scar_calloc(ctx, 2 * t->g.nz, sizeof *h->plane_acc);
    h->plane_max = scar_calloc(ctx, HEAL_NDIFF * t->g.nz, sizeof *h->plane_max);
    for (int i = 0; i < HEAL_NDIFF; i++)
        h->field_max[i] = INFINITY; /* unknown until the first reaction step */
    h->scar_deep = scar_calloc(ctx, t->nscars + 1, sizeof *h->scar_deep);
    h->scar_cols = scar_calloc(ctx, t->nscars + 1, sizeof *h->scar_cols);
    if (!h->plane_acc || !h->plane_max || !h->scar_deep || !h->scar_cols)
        goto fail;
    for (size_t col = 0; col < t->g.nx * t->g.ny; col++)
        if (t->scar_id[col] > 0)
            h->scar_cols[t->scar_id[col]]++;
    static const scar_field order[HEAL_NDIFF] = {SCAR_F_I, SCAR_F_M, SCAR_F_C, SCAR_F_N, SCAR_F_S};
    /* the planes that hold dermis, and how much of it each holds */
    size_t plane = t->g.nx * t->g.ny;
    h->dermis_cum = scar_calloc(ctx, t->g.nz + 1, sizeof *h->dermis_cum);
    if (!h->dermis_cum)
        goto fail;
    h->kd0 = t->g.nz;
    h->kd1 = 0;
    for (size_t k = 0; k < t->g.nz; k++) {
        size_t c = 0;
        for (size_t col = 0; col < plane; col++)
            c += t->layer[k * plane + col] == SCAR_LAYER_DERMIS;
        h->dermis_cum[k + 1] = h->dermis_cum[k] + c;
        if (c && k < h->kd0)
            h->kd0 = k;
        if (c)
            h->kd1 = k + 1;
    }
    if (h->kd1 == 0)
        h->kd0 = 0;
    h->kd0m = h->kd0 > 0 ? h->kd0 - 1 : 0;
    if (heal_react_prepare(ctx, h))
        goto fail;
    double Dall[HEAL_NDIFF][SCAR_LAYER_COUNT];
    for (int i = 0; i < HEAL_NDIFF; i++) {
        h->diff_field[i] = order[i];
        h->lod_owner[i] = -1;
        diffusivities(t, order[i], Dall[i]);
        if (!t->f[order[i]] || Dall[i][SCAR_LAYER_DERMIS] <= 0.0)
            continue;
        /* fields with the same diffusivities share one operator and are
         * swept together (inflammation and macrophages by default) */
        for (int j = 0; j < i; j++)
            if (h->lod[j] && h->lod_owner[j] < 0 &&
                memcmp(Dall[i], Dall[j], sizeof Dall[i]) == 0) {
                h->lod[i] = h->lod[j];
                h->lod_owner[i] = j;
                h->lod_k0[i] = h->lod_k0[j];
                break;
            }
        if (h->lod[i])
            continue;
        /* a field that lives in the dermis only is solved on its planes:
         * the faces to the planes above and below are closed anyway */
        scar_grid sub = t->g;
        h->lod_k0[i] = 0;
        bool dermis_only = Dall[i][SCAR_LAYER_EPIDERMIS] == 0.0 && Dall[i][SCAR_LAYER_SUBCUTIS] == 0.0;
        if (dermis_only && h->kd1 > h->kd0) {
            h->lod_k0[i] = h->kd0;
            sub.nz = h->kd1 - h->kd0;
            sub.n = plane * sub.nz;
            sub.z0_mm = t->g.z0_mm + (double)h->kd0 * t->g.h_mm;
        }
        if ((st = scar_lod_create(ctx, &sub, t->layer + h->lod_k0[i] * plane, Dall[i], 0.0,
                                  &h->lod[i])))
            goto fail;
    }
    *out = h;
    return SCAR_OK;
fail:
    scar_heal_destroy(&h);
    return st;
}

void scar_heal_destroy(scar_heal **ph)
{
    if (!ph || !*ph)
        return;
    heal_state *h = *ph;
    for (int i = 0; i < HEAL_NDIFF; i++)
        if (h->lod_owner[i] < 0)
            scar_lod_destroy(&h->lod[i]);
    for (size_t i = 0; i < h->npores; i++)
        scar_voxels_free(&h->pores[i].vox);
    for (size_t i = 0; i < h->nboluses; i++)
        scar_voxels_free(&h->boluses[i].vox);
    free(h->pores);
    free(h->boluses);
    free(h->scar_deep);
    free(h->scar_cols);
    free(h->plane_acc);
    free(h->plane_max);
    free(h->dermis_cum);
    free(h->col_base);
    free(h->chemo_scratch);
    free(h);
    *ph = NULL;
}

scar_tissue *scar_heal_tissue(scar_heal *h) { return h->t; }
double scar_heal_time(const scar_heal *h) { return h->time; }
const heal_stats *scar_heal_stats(const scar_heal *h) { return &h->stats; }

scar_status scar_heal_add_pore_source(scar_ctx *ctx, scar_heal *h, heal_pore_source *src)
{
    if (!h->t->f[src->field])
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "pore source for a field that is not allocated");
    if (h->npores == h->cap_pores) {
        size_t cap = h->cap_pores ? 2 * h->cap_pores : 8;
        heal_pore_source *p = scar_realloc(ctx, h->pores, cap * sizeof *p);
        if (!p)
            return SCAR_ENOMEM;
        h->pores = p;
        h->cap_pores = cap;
    }
    h->pores[h->npores++] = *src; /* takes the voxel list */
    memset(&src->vox, 0, sizeof src->vox);
    return SCAR_OK;
}

scar_status scar_heal_add_bolus(scar_ctx *ctx, scar_heal *h, heal_bolus_source *src)
{
    if (h->nboluses == h->cap_boluses) {
        size_t cap = h->cap_boluses ? 2 * h->cap_boluses : 8;
        heal_bolus_source *p = scar_realloc(ctx, h->boluses, cap * sizeof *p);
        if (!p)
            return SCAR_ENOMEM;
        h->boluses = p;
        h->cap_boluses = cap;
    }
    h->boluses[h->nboluses++] = *src;
    memset(&src->vox, 0, sizeof src->vox);
    return SCAR_OK;
}

/* Sources whose time is over are dropped: a pore source after its contact
 * ends, a bolus after 40 release times (e^-40 of it is left). */
static void retire_sources(heal_state *h)
{
    size_t k = 0;
    for (size_t i = 0; i < h->npores; i++) {
        if (h->time >= h->pores[i].t_off)
            scar_voxels_free(&h->pores[i].vox);
        else
            h->pores[k++] = h->pores[i];
    }
    h->npores = k;
    k = 0;
    for (size_t i = 0; i < h->nboluses; i++) {
        if (h->time >= h->boluses[i].t0 + 40.0 * h->boluses[i].tau_rel)
            scar_voxels_free(&h->boluses[i].vox);
        else
            h->boluses[k++] = h->boluses[i];
    }
    h->nboluses = k;
}

/* Below these magnitudes a field's departure is left to its reactions alone
 * for the step: moving it would change nothing a result can show (values in
 * the field's own unit; the baselines are ~0.1 ng/mL, ~500 cells/mm^3).
 * Checked by verification: fields stay bitwise the same for 1 and 2 threads
 * and homeostasis is untouched (zeros are skipped exactly). */
static const double negligible[HEAL_NDIFF] = {
    1e-10, /* I, dimensionless */
    1e-7,  /* M, cells/mm^3 */
    1e-10, /* c - c0, ng/mL */
    1e-7,  /* n - n_base, cells/mm^3 */
    1e-12  /* s, mg/mL */
};

scar_status scar_heal_step(scar_ctx *ctx, scar_heal *h, double dt)
{
    if (!(dt > 0.0) || !isfinite(dt))
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "heal step: expected dt > 0, found %g", dt);
    double t0 = scar_now_s();
    heal_react(h, h->time, 0.5 * dt);
    double t1 = scar_now_s();
    /* chemotaxis needs a growth-factor gradient; c' below the negligible
     * level everywhere means speeds below 1e-9 mm/day */
    if (h->field_max[2] >= negligible[2]) {
        long sub = 0;
        scar_status st = heal_chemotaxis(ctx, h, dt, &sub);
        if (st)
            return st;
        h->stats.chemo_substeps += sub;
    }
    double t2 = scar_now_s();
    /* Landing on a snapshot or an event shortens a step by round-off
     * (0.1 - 1e-16): the operators of a dt within 1e-12 of it are reused,
     * an error far below anything the model resolves. */
    if (fabs(dt - h->lod_dt) > 1e-12 * dt) {
        for (int i = 0; i < HEAL_NDIFF; i++) {
            scar_status st;
            if (h->lod[i] && h->lod_owner[i] < 0 && (st = scar_lod_set_dt(ctx, h->lod[i], dt)))
                return st;
        }
        h->lod_dt = dt;
    }
    for (int i = 0; i < HEAL_NDIFF; i++) {
        if (!h->lod[i] || h->lod_owner[i] >= 0)
            continue;
        double *u[HEAL_NDIFF];
        size_t nu = 0;
        for (int j = i; j < HEAL_NDIFF; j++)
            if ((j == i || h->lod_owner[j] == i) && h->field_max[j] >= negligible[j])
                u[nu++] = h->t->f[h->diff_field[j]] + h->lod_k0[i] * h->t->g.nx * h->t->g.ny;
        if (nu)
            scar_lod_step_fields(h->lod[i], u, nu, h->threads);
    }
    double t3 = scar_now_s();
    heal_react(h, h->time + 0.5 * dt, 0.5 * dt);
    double t4 = scar_now_s();
    h->time += dt;
    h->stats.steps++;
    h->stats.t_react_s += (t1 - t0) + (t4 - t3);
    h->stats.t_chemo_s += t2 - t1;
    h->stats.t_diffuse_s += t3 - t2;
    retire_sources(h);
    return SCAR_OK;
}

double scar_heal_collagen_mg(const scar_heal *h)
{
    const scar_tissue *t = h->t;
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny;
    double total = 0.0;
    for (size_t k = 0; k < g->nz; k++) {
        double s = 0.0;
        for (size_t col = 0; col < plane; col++) {
            size_t v = k * plane + col;
            if (t->layer[v] != SCAR_LAYER_DERMIS)
                continue;
            double rb = scar_tissue_rho_base(t, v);
            s += rb + t->f[SCAR_F_RHO1][v] + t->f[SCAR_F_RHO3][v] +
                 (t->f[SCAR_F_RHOD] ? t->f[SCAR_F_RHOD][v] : 0.0);
        }
        total += s;
    }
    return total * g->h_mm * g->h_mm * g->h_mm * 1e-3;
}
