/*
 * scan_label.c — hysteresis thresholding and connected-component labelling
 * of the smoothed map by runs (one pass over the rows, union-find on the
 * runs; Rosenfeld & Pfaltz 1966 in its run-length form).  Only samples past
 * the rim level make runs, a small part of a skin, so the work beyond the
 * one read of the map is small.  Sequential: the pass is memory-bound and
 * its order fixes the numbering.
 */
#include "scan_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct builder {
    scar_ctx *ctx;
    scan_run *runs;
    uint32_t *parent;
    size_t n, cap;
} builder;

static uint32_t find(uint32_t *parent, uint32_t a)
{
    while (parent[a] != a) {
        parent[a] = parent[parent[a]]; /* path halving */
        a = parent[a];
    }
    return a;
}

/* The root of a component is its first run in raster order. */
static void unite(uint32_t *parent, uint32_t a, uint32_t b)
{
    a = find(parent, a);
    b = find(parent, b);
    if (a < b)
        parent[b] = a;
    else if (b < a)
        parent[a] = b;
}

static scar_status push(builder *b, const scan_run *r)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 4096;
        scan_run *runs = scar_realloc(b->ctx, b->runs, cap * sizeof *runs);
        if (!runs)
            return SCAR_ENOMEM;
        b->runs = runs;
        uint32_t *parent = scar_realloc(b->ctx, b->parent, cap * sizeof *parent);
        if (!parent)
            return SCAR_ENOMEM;
        b->parent = parent;
        b->cap = cap;
    }
    b->parent[b->n] = (uint32_t)b->n;
    b->runs[b->n++] = *r;
    return SCAR_OK;
}

static int8_t sign_of(float v, float grow)
{
    return v <= -grow ? 1 : v >= grow ? -1 : 0;
}

/* Runs of one row, each joined to the runs of the previous row
 * [prev, cur) that touch it (8-connectivity) and have its sign. */
static scar_status row_runs(builder *b, const float *row, size_t nx, int32_t y, float seed,
                            float grow, size_t prev, size_t cur)
{
    size_t p = prev;
    for (size_t i = 0; i < nx;) {
        int8_t sg = sign_of(row[i], grow);
        if (!sg) {
            i++;
            continue;
        }
        scan_run r = {.y = y, .x0 = (int32_t)i, .sign = sg, .comp = -1};
        for (; i < nx && sign_of(row[i], grow) == sg; i++)
            r.seeded |= sg > 0 ? row[i] <= -seed : row[i] >= seed;
        r.x1 = (int32_t)i;
        scar_status st = push(b, &r);
        if (st)
            return st;
        while (p < cur && b->runs[p].x1 < r.x0) /* ends more than a sample left */
            p++;
        for (size_t q = p; q < cur && b->runs[q].x0 <= r.x1; q++)
            if (b->runs[q].sign == sg)
                unite(b->parent, (uint32_t)q, (uint32_t)(b->n - 1));
    }
    return SCAR_OK;
}

scar_status scan_label(scar_ctx *ctx, const float *s, size_t nx, size_t ny, float seed,
                       float grow, scan_labels *out)
{
    memset(out, 0, sizeof *out);
    builder b = {.ctx = ctx};
    scan_run *sorted = NULL;
    scan_comp *comps = NULL;
    size_t *slot = NULL;
    scar_status st = SCAR_OK;
    size_t prev = 0;
    for (size_t y = 0; y < ny; y++) {
        size_t cur = b.n;
        st = row_runs(&b, s + y * nx, nx, (int32_t)y, seed, grow, prev, cur);
        if (st)
            goto fail;
        prev = cur;
    }

    /* Number the components in the order of their roots. */
    size_t nc = 0;
    for (size_t k = 0; k < b.n; k++) {
        uint32_t root = find(b.parent, (uint32_t)k);
        b.runs[k].comp = root == k ? (int32_t)nc++ : b.runs[root].comp;
    }
    comps = scar_calloc(ctx, nc, sizeof *comps);
    slot = scar_calloc(ctx, nc + 1, sizeof *slot);
    sorted = scar_malloc(ctx, b.n * sizeof *sorted);
    if (!comps || !slot || !sorted) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    for (size_t k = 0; k < b.n; k++) {
        const scan_run *r = &b.runs[k];
        scan_comp *c = &comps[r->comp];
        size_t x0 = (size_t)r->x0, x1 = (size_t)r->x1, y = (size_t)r->y;
        if (c->n == 0) {
            c->sign = r->sign;
            c->x0 = x0;
            c->x1 = x1;
            c->y0 = y;
        }
        c->x0 = x0 < c->x0 ? x0 : c->x0;
        c->x1 = x1 > c->x1 ? x1 : c->x1;
        c->y1 = y + 1;
        c->n += x1 - x0;
        c->seeded |= r->seeded;
        c->n_runs++;
        slot[r->comp + 1]++;
    }
    /* Runs grouped by component, each group in raster order. */
    for (size_t c = 0; c < nc; c++) {
        slot[c + 1] += slot[c];
        comps[c].first_run = slot[c];
    }
    for (size_t k = 0; k < b.n; k++)
        sorted[slot[b.runs[k].comp]++] = b.runs[k];

    free(b.runs);
    free(b.parent);
    free(slot);
    out->runs = sorted;
    out->n_runs = b.n;
    out->comps = comps;
    out->n_comps = nc;
    return SCAR_OK;
fail:
    free(b.runs);
    free(b.parent);
    free(slot);
    free(sorted);
    free(comps);
    return st;
}

void scan_labels_free(scan_labels *l)
{
    free(l->runs);
    free(l->comps);
    memset(l, 0, sizeof *l);
}
