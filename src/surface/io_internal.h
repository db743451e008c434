/*
 * io_internal.h — what the surface file readers and writers share: opening an
 * input, the size and finiteness checks every reader makes, units, and a
 * line reader whose buffer goes through the checked allocator.
 *
 * Every reader reports a failure as SCAR_EINPUT with the input path as the
 * error's file, so the command line prints one line that names it.
 */
#ifndef SCAR_IO_INTERNAL_H
#define SCAR_IO_INTERNAL_H

#include "core.h"

#include <stdio.h>

/* Limits on what a reader buffers before it knows the map's size
 * (docs/limits.md). */
#define IO_MAX_GSF_HEADER (1u << 20) /* 1 MiB of "Key = Value" lines */
#define IO_MAX_LINE (16u << 20)      /* 16 MiB: 32768 values of up to 512 characters */
#define IO_MAX_X3P_XML (256u << 20)  /* main.xml, inline DataList included */

/* Opens an input file for reading.  A missing or unreadable file, or a
 * folder, is SCAR_EINPUT naming the path.  *size is the file's size in bytes,
 * or -1 when it is not a regular file (a pipe), where no size is known. */
scar_status io_open_read(scar_ctx *ctx, const char *path, FILE **fp, long long *size);

/* Micrometres per unit for "m", "mm", "um", "µm" and "nm"; 0 when unknown. */
double io_unit_um(const char *unit);
/* v in a unit of unit_um micrometres, in micrometres.  Sub-micrometre units
 * divide by an exact integer (1000 for nm) rather than multiply by an inexact
 * fraction, so a value written in nm comes back as the nearest double. */
static inline double io_to_um(double v, double unit_um)
{
    return unit_um < 1 ? v / (double)(long long)(1 / unit_um + 0.5) : v * unit_um;
}

/* Checks a file's claimed dimensions before anything is allocated: each side
 * positive and within SCAR_HEIGHTMAP_MAX_SIDE (naming nx_field / ny_field),
 * then scar_heightmap_check_size (naming d_field for a bad spacing). */
scar_status io_check_size(scar_ctx *ctx, const char *path, long long nx, long long ny, double dx_um,
                          double dy_um, const char *nx_field, const char *ny_field,
                          const char *d_field);

/* SCAR_EINPUT naming the first non-finite height and its (x, y) index. */
scar_status io_check_finite(scar_ctx *ctx, const char *path, const scar_heightmap *hm);

/* Parses a whole string (surrounding blanks allowed) as a finite double;
 * false for anything else. */
bool io_parse_double(const char *s, double *out);
/* Parses a whole string as a decimal integer; false for anything else. */
bool io_parse_ll(const char *s, long long *out);

/* Copies at most n - 1 characters of s into buf for quoting in a message,
 * replacing control characters with '?' and marking a cut with "...". */
const char *io_quote(char *buf, size_t n, const char *s, size_t len);

/* One line of text, '\n' removed, '\r' before it removed too. */
typedef struct io_line {
    char *buf;
    size_t len, cap;
    long number; /* 1-based line number of the line in buf */
} io_line;

/* Reads the next line.  *eof is set when there was none left.  A line
 * longer than IO_MAX_LINE or holding a NUL byte is SCAR_EINPUT. */
scar_status io_getline(scar_ctx *ctx, const char *path, FILE *fp, io_line *ln, bool *eof);
void io_line_free(io_line *ln);

/* Makes a file's contents durable (libzip writes the archive under its own
 * temporary name and renames it, so the afile stream no longer refers to it). */
scar_status io_fsync_path(scar_ctx *ctx, const char *path, const char *target);

/* Little-endian byte access, so files are the same on every host. */
static inline uint32_t io_get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void io_put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* X3P main.xml (io_x3p_xml.c): what the reader needs from it. */
typedef struct x3p_meta {
    long long nx, ny;     /* Record3/MatrixDimension SizeX, SizeY */
    double dx_m, dy_m;    /* CX, CY Increment */
    double x0_m, y0_m;    /* CX, CY Offset: the first sample's centre */
    char z_type;          /* CZ DataType: 'I', 'L', 'F' or 'D' */
    double z_inc, z_off;  /* CZ Increment (default 1) and Offset (0) */
    char data_link[256];  /* PointDataLink; "" when heights are inline */
    char data_md5[64];    /* MD5ChecksumPointData; "" when absent */
    char valid_link[256]; /* ValidPointsLink; "" when absent */
    void *doc, *list;     /* the parsed document and its DataList */
} x3p_meta;

void x3p_meta_init(x3p_meta *m);
void x3p_meta_free(x3p_meta *m);
/* Parses main.xml; a missing or malformed element is SCAR_EINPUT naming it. */
scar_status x3p_meta_parse(scar_ctx *ctx, const char *path, const unsigned char *xml, size_t len,
                           x3p_meta *m);
/* Heights given inline as Record3/DataList/Datum elements, SizeX x SizeY of
 * them, into z_um; with z_um NULL only checks them (before allocating). */
scar_status x3p_meta_read_list(scar_ctx *ctx, const char *path, const x3p_meta *m, float *z_um);
/* main.xml for a map written as float32 metres in bindata/data.bin. */
scar_status x3p_meta_write(scar_ctx *ctx, const scar_heightmap *hm, const char *data_md5,
                           char **xml, size_t *len);

/* The readers and writers of each format.  Readers get the caller's options
 * (never NULL here) and leave *out NULL on failure. */
scar_status io_gsf_read(scar_ctx *ctx, const char *path, const scar_read_opts *o,
                        scar_heightmap **out);
scar_status io_gsf_write(scar_ctx *ctx, const scar_heightmap *hm, const char *path);
scar_status io_x3p_read(scar_ctx *ctx, const char *path, const scar_read_opts *o,
                        scar_heightmap **out);
scar_status io_x3p_write(scar_ctx *ctx, const scar_heightmap *hm, const char *path);
scar_status io_png_read(scar_ctx *ctx, const char *path, const scar_read_opts *o,
                        scar_heightmap **out);
scar_status io_png_write(scar_ctx *ctx, const scar_heightmap *hm, const char *path);
scar_status io_csv_read(scar_ctx *ctx, const char *path, const scar_read_opts *o,
                        scar_heightmap **out);
scar_status io_csv_write(scar_ctx *ctx, const scar_heightmap *hm, const char *path);

#endif /* SCAR_IO_INTERNAL_H */
