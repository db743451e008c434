/*
 * report_internal.h — writers for the engine's outputs (report layer).
 */
#ifndef SCAR_REPORT_INTERNAL_H
#define SCAR_REPORT_INTERNAL_H

#include "tissue.h"

/* A VTK XML image-data snapshot of the tissue (vti.c). */
scar_status scar_tissue_write_vti(scar_ctx *ctx, const scar_tissue *t, double day,
                                  const char *path);
/* A ParaView collection (.pvd) of snapshots: files relative to its folder. */
scar_status scar_write_pvd(scar_ctx *ctx, const char *path, const char *const *files,
                           const double *days, size_t n);

#endif /* SCAR_REPORT_INTERNAL_H */
