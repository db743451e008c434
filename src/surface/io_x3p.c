/*
 * io_x3p.c — ISO 25178-72 (X3P, the openGPS XML 3-D surface profile): a zip
 * archive holding main.xml (axes, sizes, provenance), the heights in
 * bindata/data.bin and md5checksum.hex, the MD5 of main.xml.
 *
 * Coordinates follow ISO 25178-72: the point (i, j) lies at
 * (Offset + i Increment) on CX and CY, in metres, so Offset is the first
 * sample's centre; a height is raw * CZ Increment + CZ Offset, in metres
 * (Gwyddion applies CZ Increment to float data too, and so does scarsim).
 * scarsim writes float32 metres: one float rounding of a micrometre height.
 */
#include "io_internal.h"

#include <md5.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#define DATA_NAME "bindata/data.bin"

/* ---- reading ---- */

static scar_status zip_fail(scar_ctx *ctx, const char *path, const char *what, zip_t *za)
{
    return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL, "%s: %s", what, zip_strerror(za));
}

/* The sizes the archive's directory declares, checked against the bytes the
 * archive holds before any member is read (docs/limits.md): a directory can
 * claim a 1 GiB bindata/data.bin in a 1 kB file, and the reader allocates
 * main.xml and the map by what it claims.  A member's compressed bytes lie
 * in the archive; stored, it is that long, and deflated at most 1032 times
 * longer (RFC 1951).  Other methods (bzip2, xz, zstd) have no such bound and
 * are refused: X3P writers store or deflate.  A pipe (size < 0) has no size
 * to compare with. */
static scar_status check_members(scar_ctx *ctx, const char *path, zip_t *za, long long size)
{
    zip_int64_t n = zip_get_num_entries(za, 0);
    for (zip_int64_t k = 0; size >= 0 && k < n; k++) {
        zip_stat_t sb;
        zip_stat_init(&sb);
        if (zip_stat_index(za, (zip_uint64_t)k, 0, &sb) != 0 ||
            (sb.valid & (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD)) !=
                (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD))
            continue;
        bool deflated = sb.comp_method == ZIP_CM_DEFLATE;
        char q[64];
        const char *name = sb.valid & ZIP_STAT_NAME ? sb.name : "";
        io_quote(q, sizeof q, name, strlen(name));
        if (!deflated && sb.comp_method != ZIP_CM_STORE)
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, q,
                                 "expected a stored or deflated member (as X3P writers make "
                                 "them), found compression method %u",
                                 (unsigned)sb.comp_method);
        if (sb.comp_size > (zip_uint64_t)size)
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, q,
                                 "expected at most %lld compressed bytes (the archive's size), "
                                 "found %llu declared (damaged archive?)",
                                 size, (unsigned long long)sb.comp_size);
        unsigned long long most = sb.comp_size * (deflated ? 1032u : 1u);
        if (sb.size > most)
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, q,
                                 "expected at most %llu bytes from %llu %s bytes, found %llu "
                                 "declared (damaged archive?)",
                                 most, (unsigned long long)sb.comp_size,
                                 deflated ? "deflated" : "stored", (unsigned long long)sb.size);
    }
    return SCAR_OK;
}

/* A whole archive member, NUL-terminated, of at most max bytes. */
static scar_status read_member(scar_ctx *ctx, const char *path, zip_t *za, const char *name,
                               size_t max, unsigned char **buf, size_t *len)
{
    *buf = NULL;
    zip_stat_t sb;
    zip_stat_init(&sb);
    if (zip_stat(za, name, 0, &sb) != 0 || !(sb.valid & ZIP_STAT_SIZE))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                             "expected an X3P archive holding %s, found none", name);
    if (sb.size > max)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, name,
                             "expected at most %zu bytes, found %llu", max,
                             (unsigned long long)sb.size);
    unsigned char *b = scar_malloc(ctx, (size_t)sb.size + 1);
    if (!b)
        return SCAR_ENOMEM;
    zip_file_t *zf = zip_fopen(za, name, 0);
    zip_int64_t got = zf ? zip_fread(zf, b, sb.size) : -1;
    if (got != (zip_int64_t)sb.size) {
        scar_status st = zf ? SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, name,
                                            "cannot read the member: %s", zip_file_strerror(zf))
                            : zip_fail(ctx, path, name, za);
        if (zf)
            zip_fclose(zf);
        free(b);
        return st;
    }
    zip_fclose(zf);
    b[sb.size] = '\0';
    *buf = b;
    *len = (size_t)sb.size;
    return SCAR_OK;
}

/* md5checksum.hex holds "HEX *main.xml"; a mismatch means a damaged file. */
static scar_status check_xml_md5(scar_ctx *ctx, const char *path, zip_t *za,
                                 const unsigned char *xml, size_t len)
{
    if (zip_name_locate(za, "md5checksum.hex", 0) < 0)
        return SCAR_OK; /* optional in files from other writers */
    unsigned char *sum;
    size_t n;
    scar_status st = read_member(ctx, path, za, "md5checksum.hex", 4096, &sum, &n);
    if (st)
        return st;
    char hex[MD5_DIGEST_STRING_LENGTH];
    MD5Data(xml, len, hex);
    if (n < 32 || strncasecmp((const char *)sum, hex, 32) != 0) {
        char q[40];
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "md5checksum.hex",
                           "expected the MD5 of main.xml, %s, found '%s' (damaged file?)", hex,
                           io_quote(q, sizeof q, (const char *)sum, n < 32 ? n : 32));
    }
    free(sum);
    return st;
}

static size_t type_size(char t)
{
    return t == 'I' ? 2 : t == 'D' ? 8 : 4;
}

/* One raw sample of type t at p, as a double. */
static double raw_value(char t, const unsigned char *p)
{
    switch (t) {
    case 'I': return (double)(int16_t)(uint16_t)(p[0] | p[1] << 8);
    case 'L': return (double)(int32_t)io_get_le32(p);
    case 'F': {
        uint32_t u = io_get_le32(p);
        float f;
        memcpy(&f, &u, sizeof f);
        return f;
    }
    default: {
        uint64_t u = (uint64_t)io_get_le32(p + 4) << 32 | io_get_le32(p);
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    }
}

/* The binary heights must be SizeX x SizeY samples long: checked before the
 * map is allocated (docs/limits.md), as a few hundred bytes of main.xml can
 * claim 2^28 points. */
static scar_status check_binary_size(scar_ctx *ctx, const char *path, zip_t *za, const x3p_meta *m)
{
    size_t nx = (size_t)m->nx, ny = (size_t)m->ny, n = nx * ny, es = type_size(m->z_type);
    zip_stat_t sb;
    zip_stat_init(&sb);
    if (zip_stat(za, m->data_link, 0, &sb) != 0 || !(sb.valid & ZIP_STAT_SIZE))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "PointDataLink",
                             "expected the archive to hold '%s', found no such member",
                             m->data_link);
    if (sb.size != (zip_uint64_t)n * es)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, m->data_link,
                             "expected %zu samples (SizeX %zu x SizeY %zu, %zu bytes each), "
                             "found %llu bytes%s",
                             n, nx, ny, es, (unsigned long long)sb.size,
                             sb.size < n * es ? " (truncated)" : "");
    return SCAR_OK;
}

/* Streams the binary heights into the map (check_binary_size has checked
 * their size), checking their MD5. */
static scar_status read_binary(scar_ctx *ctx, const char *path, zip_t *za, const x3p_meta *m,
                               scar_heightmap *hm)
{
    size_t es = type_size(m->z_type), n = hm->nx * hm->ny;
    zip_file_t *zf = zip_fopen(za, m->data_link, 0);
    if (!zf)
        return zip_fail(ctx, path, m->data_link, za);
    scar_status st = SCAR_OK;
    enum { CHUNK = 65536 }; /* a multiple of every sample size */
    unsigned char *buf = scar_malloc(ctx, CHUNK);
    MD5_CTX md5;
    MD5Init(&md5);
    for (size_t k = 0; buf && k < n;) {
        size_t want = (n - k) * es < CHUNK ? (n - k) * es : CHUNK;
        if (zip_fread(zf, buf, want) != (zip_int64_t)want) {
            st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, m->data_link,
                               "cannot read the member: %s", zip_file_strerror(zf));
            break;
        }
        MD5Update(&md5, buf, want);
        for (size_t i = 0; i < want; i += es, k++)
            hm->z_um[k] = (float)((raw_value(m->z_type, buf + i) * m->z_inc + m->z_off) * 1e6);
    }
    if (!buf)
        st = SCAR_ENOMEM;
    zip_fclose(zf);
    free(buf);
    char hex[MD5_DIGEST_STRING_LENGTH];
    MD5End(&md5, hex);
    if (!st && m->data_md5[0] && strncasecmp(m->data_md5, hex, 32) != 0)
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "MD5ChecksumPointData",
                           "expected the MD5 of %s, %s, found '%s' (damaged file?)", m->data_link,
                           hex, m->data_md5);
    return st;
}

/* ValidPointsLink: one bit per point, least significant first.  A map here
 * has no holes, so the first invalid point is refused by name. */
static scar_status check_valid(scar_ctx *ctx, const char *path, zip_t *za, const x3p_meta *m,
                               const scar_heightmap *hm)
{
    if (!m->valid_link[0])
        return SCAR_OK;
    size_t n = hm->nx * hm->ny, len;
    unsigned char *bits;
    scar_status st = read_member(ctx, path, za, m->valid_link, (n + 7) / 8, &bits, &len);
    if (st)
        return st;
    for (size_t k = 0; k < n && !st; k++)
        if (k / 8 >= len || !(bits[k / 8] >> (k % 8) & 1))
            st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "ValidPointsLink",
                               "expected every point valid, found sample (x %zu, y %zu) "
                               "marked invalid (fill the holes first)",
                               k % hm->nx, k / hm->nx);
    free(bits);
    return st;
}

scar_status io_x3p_read(scar_ctx *ctx, const char *path, const scar_read_opts *o,
                        scar_heightmap **out)
{
    (void)o; /* an X3P carries its own scale */
    *out = NULL;
    FILE *fp;
    long long size;
    scar_status st = io_open_read(ctx, path, &fp, &size);
    if (st)
        return st;
    int fd = dup(fileno(fp)), zerr = 0;
    fclose(fp);
    zip_t *za = fd >= 0 ? zip_fdopen(fd, 0, &zerr) : NULL;
    if (!za) {
        if (fd >= 0)
            close(fd);
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected an X3P file (a zip archive holding main.xml), found a "
                           "file libzip cannot open: %s",
                           zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return st;
    }
    unsigned char *xml = NULL;
    size_t xml_len;
    x3p_meta m;
    scar_heightmap *hm = NULL;
    x3p_meta_init(&m);
    if ((st = check_members(ctx, path, za, size)) ||
        (st = read_member(ctx, path, za, "main.xml", IO_MAX_X3P_XML, &xml, &xml_len)) ||
        (st = check_xml_md5(ctx, path, za, xml, xml_len)) ||
        (st = x3p_meta_parse(ctx, path, xml, xml_len, &m)))
        goto fail;
    double dx_um = m.dx_m * 1e6, dy_um = m.dy_m * 1e6;
    st = io_check_size(ctx, path, m.nx, m.ny, dx_um, dy_um, "SizeX", "SizeY", "Increment");
    if (st)
        goto fail;
    /* The heights are checked before the map is allocated, inline ones by a
     * first pass that only parses them. */
    st = m.data_link[0] ? check_binary_size(ctx, path, za, &m)
                        : x3p_meta_read_list(ctx, path, &m, NULL);
    if (st || (st = scar_heightmap_create(ctx, (size_t)m.nx, (size_t)m.ny, dx_um, dy_um, &hm)))
        goto fail;
    /* Offset is the first sample's centre; the map keeps its outer corner. */
    hm->x0_um = m.x0_m * 1e6 - dx_um / 2;
    hm->y0_um = m.y0_m * 1e6 - dy_um / 2;
    if (m.data_link[0])
        st = read_binary(ctx, path, za, &m, hm);
    else
        st = x3p_meta_read_list(ctx, path, &m, hm->z_um);
    if (!st)
        st = check_valid(ctx, path, za, &m, hm);
    if (st)
        goto fail;
    *out = hm;
    hm = NULL;
fail:
    scar_heightmap_destroy(&hm);
    x3p_meta_free(&m);
    free(xml);
    zip_discard(za); /* read only: nothing to write back */
    return st;
}

/* ---- writing ---- */

/* Adds a buffer as an archive member; libzip reads it at zip_close. */
static bool add_member(zip_t *za, const char *name, const void *data, size_t len)
{
    zip_source_t *src = zip_source_buffer(za, data, len, 0);
    if (!src)
        return false;
    if (zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free(src);
        return false;
    }
    return true;
}

scar_status io_x3p_write(scar_ctx *ctx, const scar_heightmap *hm, const char *path)
{
    size_t n = hm->nx * hm->ny;
    unsigned char *data = NULL;
    char *xml = NULL, sums[MD5_DIGEST_STRING_LENGTH + 16];
    char data_md5[MD5_DIGEST_STRING_LENGTH], xml_md5[MD5_DIGEST_STRING_LENGTH];
    size_t xml_len;
    scar_afile *af = NULL;
    zip_t *za = NULL;
    scar_status st;
    if (!(data = scar_malloc(ctx, 4 * n))) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    for (size_t k = 0; k < n; k++) {
        float v = (float)(hm->z_um[k] / 1e6); /* one rounding, as in GSF */
        uint32_t u;
        memcpy(&u, &v, sizeof u);
        io_put_le32(data + 4 * k, u);
    }
    MD5Data(data, 4 * n, data_md5);
    if ((st = x3p_meta_write(ctx, hm, data_md5, &xml, &xml_len)))
        goto fail;
    MD5Data((const unsigned char *)xml, xml_len, xml_md5);
    int sums_len = snprintf(sums, sizeof sums, "%s *main.xml\n", xml_md5);

    /* libzip writes by name: into the afile's temporary, renamed on commit. */
    if ((st = scar_afile_open(ctx, path, &af)))
        goto fail;
    const char *tmp = scar_afile_tmp_path(af);
    int zerr = 0;
    if (!(za = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr))) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        st = SCAR_RAISE_AT(ctx, SCAR_EIO, path, 0, 0, NULL, "cannot create the archive: %s",
                           zip_error_strerror(&ze));
        zip_error_fini(&ze);
        goto fail;
    }
    /* main.xml first: readers (Gwyddion) recognise X3P by it near the start. */
    if (!add_member(za, "main.xml", xml, xml_len) || zip_dir_add(za, "bindata", 0) < 0 ||
        !add_member(za, DATA_NAME, data, 4 * n) ||
        !add_member(za, "md5checksum.hex", sums, (size_t)sums_len) || zip_close(za) != 0) {
        st = SCAR_RAISE_AT(ctx, SCAR_EIO, path, 0, 0, NULL, "writing the archive failed: %s",
                           zip_strerror(za));
        goto fail;
    }
    za = NULL;
    if ((st = io_fsync_path(ctx, tmp, path)))
        goto fail;
    free(data);
    free(xml);
    return scar_afile_commit(ctx, &af);
fail:
    if (za)
        zip_discard(za);
    scar_afile_abort(&af);
    free(data);
    free(xml);
    return st;
}
