/*
 * vti.c — VTK XML image data (.vti) snapshots of the tissue for ParaView, and
 * the .pvd collection that makes them a time series.  Written by hand: no
 * packaged C library writes VTK XML (libvtk is C++ and 700 MB).
 *
 * Cell data, one Float32 array per field, appended raw with UInt64 byte
 * counts.  The vertical axis points out of the skin (ParaView shows the
 * surface on top): elevation = -depth, so the planes are written from the
 * deepest up.  Fields are written as full values (baseline + departure) in
 * their own units; the layer id is written as UInt8.
 */
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const scar_field written[] = {SCAR_F_D, SCAR_F_I, SCAR_F_M, SCAR_F_C, SCAR_F_N,
                                     SCAR_F_RHO3, SCAR_F_RHO1, SCAR_F_E};

scar_status scar_tissue_write_vti(scar_ctx *ctx, const scar_tissue *t, double day,
                                  const char *path)
{
    const scar_grid *g = &t->g;
    size_t nf = sizeof written / sizeof written[0];
    size_t plane = g->nx * g->ny;
    float *buf = scar_malloc(ctx, plane * sizeof *buf);
    if (!buf)
        return SCAR_ENOMEM;
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st) {
        free(buf);
        return st;
    }
    FILE *fp = scar_afile_stream(af);
    uint64_t fbytes = (uint64_t)g->n * sizeof(float), lbytes = (uint64_t)g->n;
    double h = g->h_mm, ztop = -(g->z0_mm + (double)g->nz * h);
    fprintf(fp,
            "<?xml version=\"1.0\"?>\n"
            "<!-- scarsim %s: tissue at day %.6g; lengths in mm, elevation = -depth -->\n"
            "<VTKFile type=\"ImageData\" version=\"1.0\" byte_order=\"LittleEndian\" "
            "header_type=\"UInt64\">\n"
            "  <ImageData WholeExtent=\"0 %zu 0 %zu 0 %zu\" Origin=\"0 0 %.9g\" "
            "Spacing=\"%.9g %.9g %.9g\">\n"
            "    <FieldData>\n"
            "      <DataArray type=\"Float64\" Name=\"TimeValue\" NumberOfTuples=\"1\" "
            "format=\"ascii\">%.9g</DataArray>\n"
            "    </FieldData>\n"
            "    <Piece Extent=\"0 %zu 0 %zu 0 %zu\">\n"
            "      <CellData Scalars=\"layer\">\n",
            SCAR_VERSION, day, g->nx, g->ny, g->nz, ztop, h, h, h, day, g->nx, g->ny, g->nz);
    uint64_t off = 0;
    fprintf(fp, "        <DataArray type=\"UInt8\" Name=\"layer\" format=\"appended\" "
                "offset=\"%llu\"/>\n", (unsigned long long)off);
    off += 8 + lbytes;
    for (size_t i = 0; i < nf; i++) {
        fprintf(fp, "        <DataArray type=\"Float32\" Name=\"%s\" format=\"appended\" "
                    "offset=\"%llu\"/>\n", scar_field_name(written[i]), (unsigned long long)off);
        off += 8 + fbytes;
    }
    fputs("      </CellData>\n    </Piece>\n  </ImageData>\n  <AppendedData encoding=\"raw\">\n   _",
          fp);
    fwrite(&lbytes, sizeof lbytes, 1, fp);
    for (size_t k = g->nz; k-- > 0;)
        fwrite(t->layer + k * plane, 1, plane, fp);
    for (size_t i = 0; i < nf; i++) {
        fwrite(&fbytes, sizeof fbytes, 1, fp);
        for (size_t k = g->nz; k-- > 0;) {
            for (size_t c = 0; c < plane; c++)
                buf[c] = (float)(t->layer[k * plane + c] == SCAR_LAYER_NONE
                                      ? 0.0
                                      : scar_tissue_full_value(t, written[i], k * plane + c));
            fwrite(buf, sizeof *buf, plane, fp);
        }
    }
    fputs("\n  </AppendedData>\n</VTKFile>\n", fp);
    free(buf);
    return scar_afile_commit(ctx, &af);
}

scar_status scar_write_pvd(scar_ctx *ctx, const char *path, const char *const *files,
                           const double *days, size_t n)
{
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *fp = scar_afile_stream(af);
    fputs("<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\">\n"
          "  <Collection>\n", fp);
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(files[i], '/');
        fprintf(fp, "    <DataSet timestep=\"%.9g\" file=\"%s\"/>\n", days[i],
                base ? base + 1 : files[i]);
    }
    fputs("  </Collection>\n</VTKFile>\n", fp);
    return scar_afile_commit(ctx, &af);
}
