/*
 * grid.h — the 3-D voxel grid under a skin surface (tissue layer, internal).
 *
 * Geometry follows ../shared/model/MODEL.md §3: x, y in the skin plane, z is
 * depth, positive downward, z = 0 at the reference (unscarred) surface.  The
 * grid is isotropic (voxel edge h_mm).  Voxel (i, j, k) has its centre at
 * ((i + 1/2) h, (j + 1/2) h, z0_mm + (k + 1/2) h); z0_mm is the depth of the
 * top face of the first layer of voxels (negative when a raised scar stands
 * above the reference plane).
 *
 * Fields are one contiguous 64-byte aligned array each, x fastest, then y,
 * then z (STYLE.md rule 5): a line along x is contiguous, a line along y has
 * stride nx, a line along z stride nx*ny.
 *
 * Every voxel carries a layer id (uint8_t): outside the tissue (air above the
 * surface), epidermis, dermis or subcutis.  A field's diffusivity is given per
 * layer; a layer where a field does not live gets D = 0 there, which makes its
 * faces zero-flux (MODEL.md §3.2, §3.3).
 */
#ifndef SCAR_GRID_H
#define SCAR_GRID_H

#include <stddef.h>
#include <stdint.h>

typedef enum scar_layer {
    SCAR_LAYER_NONE = 0,  /* outside the tissue */
    SCAR_LAYER_EPIDERMIS, /* 0 <= z' < h_e0 below the local surface */
    SCAR_LAYER_DERMIS,    /* h_e0 <= z' < z_b */
    SCAR_LAYER_SUBCUTIS,  /* below the dermis, domain padding */
    SCAR_LAYER_COUNT
} scar_layer;

typedef struct scar_grid {
    size_t nx, ny, nz; /* voxels along x, y, z */
    size_t n;          /* nx * ny * nz */
    double h_mm;       /* voxel edge */
    double z0_mm;      /* depth of the top face of the first voxel layer */
} scar_grid;

#define SCAR_GRID_IDX(g, i, j, k)                                              \
    (((size_t)(k) * (g)->ny + (size_t)(j)) * (g)->nx + (size_t)(i))

#endif /* SCAR_GRID_H */
