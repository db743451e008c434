/*
 * heightmap.c — the height-map type.
 */
#include "core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

scar_status scar_heightmap_check_size(scar_ctx *ctx, size_t nx, size_t ny,
                                      double dx_um, double dy_um)
{
    if (nx == 0 || ny == 0)
        return SCAR_RAISE(ctx, SCAR_EINPUT,
                          "expected a height map of at least 1 x 1 samples, found %zu x %zu",
                          nx, ny);
    if (nx > SCAR_HEIGHTMAP_MAX_SIDE || ny > SCAR_HEIGHTMAP_MAX_SIDE)
        return SCAR_RAISE(ctx, SCAR_EINPUT,
                          "expected at most %u samples per side, found %zu x %zu",
                          SCAR_HEIGHTMAP_MAX_SIDE, nx, ny);
    size_t n;
    if (!scar_mul_ok(nx, ny, &n) || n > SCAR_HEIGHTMAP_MAX_SAMPLES)
        return SCAR_RAISE(ctx, SCAR_EINPUT,
                          "expected at most %u samples in all, found %zu x %zu",
                          SCAR_HEIGHTMAP_MAX_SAMPLES, nx, ny);
    if (!(isfinite(dx_um) && dx_um > 0) || !(isfinite(dy_um) && dy_um > 0))
        return SCAR_RAISE(ctx, SCAR_EINPUT,
                          "expected a positive sample spacing, found %g x %g um", dx_um,
                          dy_um);
    /* 1 nm to 10 mm per sample covers every profilometer and 3-D camera. */
    if (dx_um < 1e-3 || dy_um < 1e-3 || dx_um > 1e4 || dy_um > 1e4)
        return SCAR_RAISE(ctx, SCAR_EINPUT,
                          "expected a sample spacing between 0.001 and 10000 um, found "
                          "%g x %g um",
                          dx_um, dy_um);
    return SCAR_OK;
}

scar_status scar_heightmap_create(scar_ctx *ctx, size_t nx, size_t ny, double dx_um,
                                  double dy_um, scar_heightmap **out)
{
    *out = NULL;
    scar_status st = scar_heightmap_check_size(ctx, nx, ny, dx_um, dy_um);
    if (st)
        return st;
    scar_heightmap *hm = scar_calloc(ctx, 1, sizeof *hm);
    if (!hm)
        return SCAR_ENOMEM;
    hm->nx = nx;
    hm->ny = ny;
    hm->dx_um = dx_um;
    hm->dy_um = dy_um;
    hm->z_um = scar_alloc_aligned(ctx, nx * ny * sizeof *hm->z_um);
    if (!hm->z_um) {
        free(hm);
        return SCAR_ENOMEM;
    }
    memset(hm->z_um, 0, nx * ny * sizeof *hm->z_um);
    *out = hm;
    return SCAR_OK;
}

scar_status scar_heightmap_copy(scar_ctx *ctx, const scar_heightmap *src,
                                scar_heightmap **out)
{
    scar_status st = scar_heightmap_create(ctx, src->nx, src->ny, src->dx_um, src->dy_um, out);
    if (st)
        return st;
    (*out)->x0_um = src->x0_um;
    (*out)->y0_um = src->y0_um;
    memcpy((*out)->z_um, src->z_um, src->nx * src->ny * sizeof *src->z_um);
    return SCAR_OK;
}

void scar_heightmap_destroy(scar_heightmap **hm)
{
    if (!hm || !*hm)
        return;
    free((*hm)->z_um);
    free(*hm);
    *hm = NULL;
}
