/*
 * io_csv.c — a height map as a matrix of numbers: one row of the map per
 * line, x along the line, values separated by commas, semicolons, tabs or
 * blanks.  Lines starting with '#' are comments; a first line
 * "# scarsim heightmap px_um=20 unit=um ..." carries the scale.
 *
 * The file is read twice, so that the map is allocated once at its final
 * size: the first pass counts rows and values and checks the shape, the
 * second parses the numbers into the map.
 */
#include "io_internal.h"

#include "scar_git_hash.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "scarsim heightmap"

typedef struct csv_state {
    const char *path;
    char sep; /* ',' or ';' once one is seen, else 0 */
    double px_um, dy_um, x0_um, y0_um, unit_um;
    bool has_px, has_dy, has_unit;
} csv_state;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The fields of a data line.  With row == NULL only counts them; else parses
 * the first nx into row, in micrometres. */
static scar_status fields(scar_ctx *ctx, csv_state *cs, long line, const char *text, float *row,
                          size_t nx, size_t *count)
{
    const char *p = text;
    size_t k = 0;
    while (is_blank(*p))
        p++;
    while (*p) {
        const char *start = p;
        long col = (long)(start - text) + 1;
        while (*p && !is_blank(*p) && *p != ',' && *p != ';')
            p++;
        if (p == start)
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, cs->path, line, col, NULL,
                                 "expected a number in field %zu, found an empty field", k + 1);
        if (row && k < nx) {
            char *end;
            double v = strtod(start, &end);
            char q[48];
            io_quote(q, sizeof q, start, (size_t)(p - start));
            if (end != p || !isfinite(v))
                return SCAR_RAISE_AT(ctx, SCAR_EINPUT, cs->path, line, col, NULL,
                                     "expected a%s number in field %zu, found '%s'",
                                     end == p ? " finite" : "", k + 1, q);
            row[k] = (float)io_to_um(v, cs->unit_um);
            if (!isfinite(row[k]))
                return SCAR_RAISE_AT(ctx, SCAR_EINPUT, cs->path, line, col, NULL,
                                     "expected a height within float range in field %zu, "
                                     "found '%s'",
                                     k + 1, q);
        }
        k++;
        /* One separator: blanks around at most one comma or semicolon. */
        while (is_blank(*p))
            p++;
        if (*p == ',' || *p == ';') {
            if (cs->sep && *p != cs->sep)
                return SCAR_RAISE_AT(ctx, SCAR_EINPUT, cs->path, line, (long)(p - text) + 1, NULL,
                                     "expected '%c' between values as before, found '%c' "
                                     "(decimal commas are not read: use a point)",
                                     cs->sep, *p);
            cs->sep = *p++;
            while (is_blank(*p))
                p++;
        }
    }
    *count = k;
    return SCAR_OK;
}

/* "# scarsim heightmap key=value ...": keys scarsim does not know are kept
 * for newer writers and ignored. */
static scar_status header(scar_ctx *ctx, csv_state *cs, char *text)
{
    char *p = text + 1;
    while (is_blank(*p))
        p++;
    if (strncmp(p, HEADER, strlen(HEADER)) != 0)
        return SCAR_OK; /* an ordinary comment */
    p += strlen(HEADER);
    while (*p) {
        while (is_blank(*p))
            p++;
        char *tok = p;
        while (*p && !is_blank(*p))
            p++;
        if (*p)
            *p++ = '\0';
        char *eq = strchr(tok, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *key = tok, *val = eq + 1;
        long col = (long)(tok - text) + 1;
        double v, *dst = NULL;
        bool positive = false;
        if (strcmp(key, "unit") == 0) {
            if ((cs->unit_um = io_unit_um(val)) == 0)
                return SCAR_RAISE_AT(ctx, SCAR_EINPUT, cs->path, 1, col, "unit",
                                     "expected m, mm, um or nm, found '%s'", val);
            cs->has_unit = true;
            continue;
        }
        if (strcmp(key, "px_um") == 0)
            dst = &cs->px_um, positive = true, cs->has_px = true;
        else if (strcmp(key, "dy_um") == 0)
            dst = &cs->dy_um, positive = true, cs->has_dy = true;
        else if (strcmp(key, "x0_um") == 0)
            dst = &cs->x0_um;
        else if (strcmp(key, "y0_um") == 0)
            dst = &cs->y0_um;
        if (!dst)
            continue;
        if (!io_parse_double(val, &v) || (positive && !(v > 0)))
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, cs->path, 1, col, key,
                                 "expected a %s number, found '%s'",
                                 positive ? "positive" : "finite", val);
        *dst = v;
    }
    return SCAR_OK;
}

/* The text of a line without a UTF-8 byte-order mark, or NULL when the line
 * holds no data (blank or comment; line 1 may be the scarsim header). */
static const char *data_text(scar_ctx *ctx, csv_state *cs, io_line *ln, bool first_pass,
                             scar_status *st)
{
    char *t = ln->buf;
    *st = SCAR_OK;
    if (ln->number == 1 && strncmp(t, "\xef\xbb\xbf", 3) == 0)
        t += 3;
    char *p = t;
    while (is_blank(*p))
        p++;
    if (*p == '#' && ln->number == 1 && first_pass)
        *st = header(ctx, cs, p);
    return *p == '\0' || *p == '#' ? NULL : t;
}

/* Options override the header's unit; the header's scale beats --px-um. */
static scar_status resolve_scale(scar_ctx *ctx, csv_state *cs, const scar_read_opts *o)
{
    if (o->z_unit) {
        if ((cs->unit_um = io_unit_um(o->z_unit)) == 0)
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, cs->path, 0, 0, "--z-unit",
                                 "expected m, mm, um or nm, found '%s'", o->z_unit);
    } else if (!cs->has_unit) {
        cs->unit_um = 1;
    }
    if (o->px_um != 0 && !(isfinite(o->px_um) && o->px_um > 0))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, cs->path, 0, 0, "--px-um",
                             "expected a positive pixel size, found %g", o->px_um);
    if (!cs->has_px && o->px_um > 0) {
        cs->px_um = o->px_um;
        cs->has_px = true;
    } else if (cs->has_px && o->px_um > 0 && o->px_um != cs->px_um) {
        scar_log(ctx, SCAR_LOG_WARN,
                 "%s: using the pixel size in the file, %g um, not "
                 "--px-um %g",
                 cs->path, cs->px_um, o->px_um);
    }
    if (!cs->has_px)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, cs->path, 0, 0, NULL,
                             "expected the sample spacing, found none: give --px-um or a "
                             "first line '# " HEADER " px_um=...'");
    if (!cs->has_dy)
        cs->dy_um = cs->px_um;
    return SCAR_OK;
}

scar_status io_csv_read(scar_ctx *ctx, const char *path, const scar_read_opts *o,
                        scar_heightmap **out)
{
    *out = NULL;
    FILE *fp;
    long long size;
    scar_status st = io_open_read(ctx, path, &fp, &size);
    if (st)
        return st;
    csv_state cs = {.path = path, .unit_um = 1};
    io_line ln = {0};
    scar_heightmap *hm = NULL;
    size_t nx = 0, ny = 0, k;
    bool eof;
    const char *t;
    while (!(st = io_getline(ctx, path, fp, &ln, &eof)) && !eof) {
        if (!(t = data_text(ctx, &cs, &ln, true, &st))) {
            if (st)
                goto fail;
            continue;
        }
        if ((st = fields(ctx, &cs, ln.number, t, NULL, 0, &k)))
            goto fail;
        if (ny > 0 && k != nx) {
            st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, ln.number, 0, NULL,
                               "expected %zu values per row (as in row 1), found %zu", nx, k);
            goto fail;
        }
        nx = k;
        if (++ny > SCAR_HEIGHTMAP_MAX_SIDE)
            break; /* refused below, without reading the rest */
    }
    if (st)
        goto fail;
    if (ny == 0) {
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected rows of numbers, found none");
        goto fail;
    }
    if ((st = resolve_scale(ctx, &cs, o)) ||
        (st = io_check_size(ctx, path, (long long)nx, (long long)ny, cs.px_um, cs.dy_um, "columns",
                            "rows", cs.has_px && o->px_um == 0 ? "px_um" : "--px-um")) ||
        (st = scar_heightmap_create(ctx, nx, ny, cs.px_um, cs.dy_um, &hm)))
        goto fail;
    hm->x0_um = cs.x0_um;
    hm->y0_um = cs.y0_um;
    if (fseek(fp, 0, SEEK_SET) != 0) {
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected a file that can be read twice, found a pipe (save it first)");
        goto fail;
    }
    ln.number = 0;
    size_t j = 0;
    while (!(st = io_getline(ctx, path, fp, &ln, &eof)) && !eof) {
        if (!(t = data_text(ctx, &cs, &ln, false, &st)))
            continue;
        if (j == ny || (st = fields(ctx, &cs, ln.number, t, hm->z_um + j * nx, nx, &k)) ||
            k != nx) {
            if (!st)
                st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, ln.number, 0, NULL,
                                   "expected the file unchanged while it is read, found it "
                                   "changed");
            goto fail;
        }
        j++;
    }
    if (!st && j != ny)
        st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, NULL,
                           "expected the file unchanged while it is read, found it changed");
    if (st)
        goto fail;
    *out = hm;
    hm = NULL;
fail:
    scar_heightmap_destroy(&hm);
    io_line_free(&ln);
    fclose(fp);
    return st;
}

scar_status io_csv_write(scar_ctx *ctx, const scar_heightmap *hm, const char *path)
{
    scar_afile *af;
    scar_status st = scar_afile_open(ctx, path, &af);
    if (st)
        return st;
    FILE *fp = scar_afile_stream(af);
    /* %.17g brings a double back bit for bit, %.9g a float. */
    int bad = fprintf(fp,
                      "# " HEADER " version=%s git=%s px_um=%.17g dy_um=%.17g x0_um=%.17g "
                      "y0_um=%.17g unit=um\n",
                      SCAR_VERSION, SCAR_GIT_HASH, hm->dx_um, hm->dy_um, hm->x0_um, hm->y0_um) < 0;
    for (size_t j = 0; j < hm->ny && !bad; j++) {
        const float *z = hm->z_um + j * hm->nx;
        for (size_t i = 0; i < hm->nx && !bad; i++)
            bad = fprintf(fp, i ? ",%.9g" : "%.9g", (double)z[i]) < 0;
        bad = bad || putc('\n', fp) == EOF;
    }
    if (bad) {
        int err = errno;
        scar_afile_abort(&af);
        return SCAR_RAISE_AT(ctx, SCAR_EIO, path, 0, 0, NULL, "writing failed: %s", strerror(err));
    }
    return scar_afile_commit(ctx, &af);
}
