/*
 * io.c — surface files: choosing the format, dispatching to the reader or
 * writer of each (io_gsf.c, io_x3p.c, io_png.c, io_csv.c), and the checks
 * they share.  docs/formats.md describes the formats.
 */
#include "io_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

scar_format scar_format_from_path(const char *path)
{
    static const struct {
        const char *ext;
        scar_format f;
    } tab[] = {{".gsf", SCAR_FMT_GSF},
               {".x3p", SCAR_FMT_X3P},
               {".png", SCAR_FMT_PNG},
               {".csv", SCAR_FMT_CSV}};
    if (!path)
        return SCAR_FMT_AUTO;
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return SCAR_FMT_AUTO;
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcasecmp(dot, tab[i].ext) == 0)
            return tab[i].f;
    return SCAR_FMT_AUTO;
}

const char *scar_format_name(scar_format f)
{
    switch (f) {
    case SCAR_FMT_AUTO: return "auto";
    case SCAR_FMT_GSF: return "gsf";
    case SCAR_FMT_X3P: return "x3p";
    case SCAR_FMT_PNG: return "png";
    case SCAR_FMT_CSV: return "csv";
    }
    return "unknown";
}

void scar_read_opts_default(scar_read_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = SCAR_FMT_AUTO;
    o->z_unit = NULL;
}

static scar_status resolve_format(scar_ctx *ctx, const char *path, scar_format asked,
                                  scar_format *f)
{
    *f = asked;
    if (asked == SCAR_FMT_AUTO)
        *f = scar_format_from_path(path);
    if (*f >= SCAR_FMT_GSF && *f <= SCAR_FMT_CSV)
        return SCAR_OK;
    const char *base = strrchr(path, '/');
    return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                         "expected a .gsf, .x3p, .png or .csv file name (or --format), "
                         "found '%s'",
                         base ? base + 1 : path);
}

scar_status scar_heightmap_read(scar_ctx *ctx, const char *path, const scar_read_opts *opts,
                                scar_heightmap **out)
{
    *out = NULL;
    scar_read_opts def;
    if (!opts) {
        scar_read_opts_default(&def);
        opts = &def;
    }
    scar_format f;
    scar_status st = resolve_format(ctx, path, opts->format, &f);
    if (st)
        return st;
    switch (f) {
    case SCAR_FMT_GSF: st = io_gsf_read(ctx, path, opts, out); break;
    case SCAR_FMT_X3P: st = io_x3p_read(ctx, path, opts, out); break;
    case SCAR_FMT_PNG: st = io_png_read(ctx, path, opts, out); break;
    default: st = io_csv_read(ctx, path, opts, out); break;
    }
    if (st == SCAR_OK && (st = io_check_finite(ctx, path, *out)) != SCAR_OK)
        scar_heightmap_destroy(out);
    if (st)
        scar_error_set_file(ctx, path); /* every failure names the input */
    return st;
}

scar_status scar_heightmap_write(scar_ctx *ctx, const scar_heightmap *hm, const char *path,
                                 const scar_write_opts *opts)
{
    scar_format f;
    scar_status st = resolve_format(ctx, path, opts ? opts->format : SCAR_FMT_AUTO, &f);
    if (st)
        return st;
    /* A map we would refuse to read back is refused before a file appears. */
    st = scar_heightmap_check_size(ctx, hm->nx, hm->ny, hm->dx_um, hm->dy_um);
    if (!st && (!isfinite(hm->x0_um) || !isfinite(hm->y0_um)))
        st = SCAR_RAISE(ctx, SCAR_EINPUT, "expected a finite map offset, found %g, %g um",
                        hm->x0_um, hm->y0_um);
    if (!st)
        st = io_check_finite(ctx, path, hm);
    if (st) {
        scar_error_set_file(ctx, path);
        return st;
    }
    switch (f) {
    case SCAR_FMT_GSF: return io_gsf_write(ctx, hm, path);
    case SCAR_FMT_X3P: return io_x3p_write(ctx, hm, path);
    case SCAR_FMT_PNG: return io_png_write(ctx, hm, path);
    default: return io_csv_write(ctx, hm, path);
    }
}

/* ---- shared checks ---- */

scar_status io_open_read(scar_ctx *ctx, const char *path, FILE **fp, long long *size)
{
    *fp = fopen(path, "rb");
    if (!*fp) {
        int err = errno;
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL, "cannot open the surface file: %s",
                             strerror(err));
    }
    struct stat sb;
    if (fstat(fileno(*fp), &sb) != 0 || S_ISDIR(sb.st_mode)) {
        fclose(*fp);
        *fp = NULL;
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                             "expected a surface file, found a folder");
    }
    *size = S_ISREG(sb.st_mode) ? (long long)sb.st_size : -1;
    return SCAR_OK;
}

double io_unit_um(const char *unit)
{
    static const struct {
        const char *name;
        double um;
    } tab[] = {{"m", 1e6},         {"mm", 1e3}, {"um", 1.0}, {"\xc2\xb5m", 1.0}, /* micro sign */
               {"\xce\xbcm", 1.0}, /* Greek small mu */
               {"nm", 1e-3}};
    for (size_t i = 0; unit && i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(unit, tab[i].name) == 0)
            return tab[i].um;
    return 0;
}

scar_status io_check_size(scar_ctx *ctx, const char *path, long long nx, long long ny, double dx_um,
                          double dy_um, const char *nx_field, const char *ny_field,
                          const char *d_field)
{
    const long long side = SCAR_HEIGHTMAP_MAX_SIDE;
    if (nx <= 0 || nx > side)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, nx_field,
                             "expected between 1 and %lld samples, found %lld", side, nx);
    if (ny <= 0 || ny > side)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, ny_field,
                             "expected between 1 and %lld samples, found %lld", side, ny);
    if ((unsigned long long)nx * (unsigned long long)ny > SCAR_HEIGHTMAP_MAX_SAMPLES)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, nx_field,
                             "expected at most %u samples in all, found %lld x %lld",
                             SCAR_HEIGHTMAP_MAX_SAMPLES, nx, ny);
    scar_status st = scar_heightmap_check_size(ctx, (size_t)nx, (size_t)ny, dx_um, dy_um);
    if (st) {
        /* Only the spacing can be wrong by now. */
        scar_strlcpy(ctx->err.field, d_field, sizeof ctx->err.field);
        scar_error_set_file(ctx, path);
    }
    return st;
}

scar_status io_check_finite(scar_ctx *ctx, const char *path, const scar_heightmap *hm)
{
    size_t n = hm->nx * hm->ny;
    for (size_t k = 0; k < n; k++) {
        if (isfinite(hm->z_um[k]))
            continue;
        float v = hm->z_um[k];
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                             "expected finite heights, found %s at sample (x %zu, y %zu)",
                             isnan(v) ? "NaN"
                             : v > 0  ? "+infinity"
                                      : "-infinity",
                             k % hm->nx, k / hm->nx);
    }
    return SCAR_OK;
}

bool io_parse_double(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    /* Overflow gives infinity, refused here; underflow a usable tiny number. */
    if (*end != '\0' || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bool io_parse_ll(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno == ERANGE)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

const char *io_quote(char *buf, size_t n, const char *s, size_t len)
{
    size_t k = 0;
    bool cut = len > n - 1;
    size_t keep = cut ? (n > 4 ? n - 4 : 0) : len;
    for (; k < keep; k++)
        buf[k] = (unsigned char)s[k] < 0x20 || s[k] == 0x7f ? '?' : s[k];
    if (cut)
        for (size_t i = 0; i < 3 && k + 1 < n; i++)
            buf[k++] = '.';
    buf[k] = '\0';
    return buf;
}

/* ---- lines ---- */

scar_status io_getline(scar_ctx *ctx, const char *path, FILE *fp, io_line *ln, bool *eof)
{
    ln->len = 0;
    ln->number++;
    int c = getc(fp);
    if (c == EOF) {
        *eof = true;
        if (ferror(fp))
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, ln->number, 0, NULL,
                                 "cannot read the file: %s", strerror(errno));
        return SCAR_OK;
    }
    *eof = false;
    for (; c != EOF && c != '\n'; c = getc(fp)) {
        if (c == '\0')
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, ln->number, (long)ln->len + 1, NULL,
                                 "expected text, found a NUL byte (a binary file?)");
        if (ln->len + 2 > ln->cap) {
            if (ln->cap >= IO_MAX_LINE)
                return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, ln->number, 0, NULL,
                                     "expected a line of at most %u bytes, found a longer one",
                                     IO_MAX_LINE);
            size_t cap = ln->cap ? 2 * ln->cap : 4096;
            char *p = scar_realloc(ctx, ln->buf, cap);
            if (!p)
                return SCAR_ENOMEM;
            ln->buf = p;
            ln->cap = cap;
        }
        ln->buf[ln->len++] = (char)c;
    }
    if (c == EOF && ferror(fp))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, ln->number, 0, NULL,
                             "cannot read the file: %s", strerror(errno));
    if (!ln->buf) { /* an empty first line */
        ln->buf = scar_malloc(ctx, 64);
        if (!ln->buf)
            return SCAR_ENOMEM;
        ln->cap = 64;
    }
    if (ln->len && ln->buf[ln->len - 1] == '\r')
        ln->len--;
    ln->buf[ln->len] = '\0';
    return SCAR_OK;
}

void io_line_free(io_line *ln)
{
    free(ln->buf);
    ln->buf = NULL;
    ln->len = ln->cap = 0;
}

scar_status io_fsync_path(scar_ctx *ctx, const char *path, const char *target)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL)) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return SCAR_RAISE_AT(ctx, SCAR_EIO, target, 0, 0, NULL, "writing failed: %s",
                             strerror(err));
    }
    close(fd);
    return SCAR_OK;
}
