/*
 * test_io.c — surface files (src/surface/io*.c): round trips of every format,
 * units, the bad-input contract (SCAR_EINPUT, the input path as the error's
 * file, one line naming the field or line), atomic writes, injected
 * allocation failures, and a real client (Gwyddion) opening what we write.
 */
#include "testutil.h"

#include <math.h>
#include <md5.h>
#include <png.h>
#include <zip.h>

/* ---- helpers ---- */

/* A map with heights of every size and sign, so that float rounding in each
 * binade is exercised. */
static scar_heightmap *make_map(scar_ctx *ctx, size_t nx, size_t ny, double dx, double dy)
{
    scar_heightmap *hm = NULL;
    assert_int_equal(scar_heightmap_create(ctx, nx, ny, dx, dy, &hm), SCAR_OK);
    scar_rng r;
    scar_rng_init(&r, 7, 1);
    for (size_t k = 0; k < nx * ny; k++)
        hm->z_um[k] = (float)(scar_rng_range(&r, -1, 1) * pow(10, scar_rng_range(&r, -3, 3)));
    hm->z_um[0] = 0.0f;
    hm->x0_um = -123.25;
    hm->y0_um = 4567.5;
    return hm;
}

static void rm_rf(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void assert_close(double a, double b, double rel)
{
    if (!(fabs(a - b) <= rel * fmax(fabs(a), fabs(b))))
        fail_msg("%.17g and %.17g differ by more than %g relative", a, b, rel);
}

static void assert_same_grid(const scar_heightmap *a, const scar_heightmap *b, double rel)
{
    assert_int_equal(a->nx, b->nx);
    assert_int_equal(a->ny, b->ny);
    assert_close(a->dx_um, b->dx_um, rel);
    assert_close(a->dy_um, b->dy_um, rel);
    assert_close(a->x0_um, b->x0_um, rel);
    assert_close(a->y0_um, b->y0_um, rel);
}

/* Reads a file that must be refused: SCAR_EINPUT, nothing allocated, one
 * line naming the input as the error's file and holding every fragment. */
static void bad_read(scar_ctx *ctx, const char *path, const scar_read_opts *o,
                     const char *const *frags)
{
    scar_heightmap *hm = NULL;
    scar_status st = scar_heightmap_read(ctx, path, o, &hm);
    if (st != SCAR_EINPUT)
        fail_msg("%s: status %s, expected bad input (%s)", path, scar_status_name(st),
                 tu_errmsg(ctx));
    assert_null(hm);
    assert_string_equal(scar_ctx_error(ctx)->file, path);
    tu_assert_err_has(ctx, path);
    assert_null(strchr(tu_errmsg(ctx), '\n'));
    for (; *frags; frags++)
        tu_assert_err_has(ctx, *frags);
}
#define BAD(ctx, path, o, ...)                                                                     \
    bad_read((ctx), (path), (o), (const char *const[]){__VA_ARGS__, NULL})

/* A GSF from header lines and float samples, padded as the format says. */
static void write_gsf(const char *path, const char *lines, const float *z, size_t n)
{
    char buf[4096];
    size_t len = (size_t)snprintf(buf, sizeof buf, "Gwyddion Simple Field 1.0\n%s", lines);
    size_t pad = 4 - len % 4;
    memset(buf + len, 0, pad);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len + pad, f), len + pad);
    if (n)
        assert_int_equal(fwrite(z, 4, n, f), n); /* the test host is little-endian */
    fclose(f);
}

/* An X3P from main.xml text and members. */
static void write_x3p(const char *path, const char *xml, const void *bin, size_t bin_len,
                      const char *bin_name)
{
    int err;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(za);
    if (xml)
        assert_true(zip_file_add(za, "main.xml", zip_source_buffer(za, xml, strlen(xml), 0), 0) >=
                    0);
    if (bin)
        assert_true(zip_file_add(za, bin_name, zip_source_buffer(za, bin, bin_len, 0), 0) >= 0);
    assert_int_equal(zip_close(za), 0);
}

/* main.xml with the given parts; record3 is a DataLink or DataList. */
static void x3p_xml(char *buf, size_t n, const char *feature, const char *sx, const char *sy,
                    const char *type, const char *z_inc, const char *record3)
{
    snprintf(buf, n,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<p:ISO5436_2 xmlns:p=\"http://www.opengps.eu/2008/ISO5436_2\">\n"
             "<Record1><Revision>ISO5436 - 2000</Revision><FeatureType>%s</FeatureType>\n"
             "<Axes><CX><AxisType>I</AxisType><DataType>D</DataType><Increment>1e-05</Increment>"
             "<Offset>5e-06</Offset></CX>\n"
             "<CY><AxisType>I</AxisType><DataType>D</DataType><Increment>2e-05</Increment>"
             "<Offset>0</Offset></CY>\n"
             "<CZ><AxisType>A</AxisType><DataType>%s</DataType><Increment>%s</Increment></CZ>"
             "</Axes></Record1>\n"
             "<Record3><MatrixDimension><SizeX>%s</SizeX><SizeY>%s</SizeY><SizeZ>1</SizeZ>"
             "</MatrixDimension>%s</Record3>\n"
             "</p:ISO5436_2>\n",
             feature, type, z_inc, sx, sy, record3);
}

#define LINK "<DataLink><PointDataLink>bindata/data.bin</PointDataLink></DataLink>"

/* An 8- or 16-bit PNG (at most 64 x 16) of colour type c (grey or RGB),
 * Adam7-interlaced or not, values v (grey level per pixel, repeated for
 * RGB), with an optional tEXt key/value. */
static void write_png(const char *path, int w, int h, int depth, int c, bool adam7,
                      const unsigned *v, const char *key, const char *val)
{
    assert_true(w <= 64 && h <= 16);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_int_equal(setjmp(png_jmpbuf(png)), 0);
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, c,
                 adam7 ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    char k[80], t[80];
    png_text text = {.compression = PNG_TEXT_COMPRESSION_NONE, .key = k, .text = t};
    if (key) {
        snprintf(k, sizeof k, "%s", key);
        snprintf(t, sizeof t, "%s", val);
        png_set_text(png, info, &text, 1);
    }
    png_write_info(png, info);
    int ch = c == PNG_COLOR_TYPE_RGB ? 3 : 1, bps = depth / 8;
    static unsigned char img[16][64 * 3 * 2];
    png_bytep rows[16];
    for (int j = 0; j < h; j++) {
        rows[j] = img[j];
        for (int i = 0; i < w; i++)
            for (int q = 0; q < ch; q++) {
                unsigned g = v[j * w + i];
                unsigned char *p = img[j] + (i * ch + q) * bps;
                if (bps == 2) {
                    p[0] = (unsigned char)(g >> 8);
                    p[1] = (unsigned char)g;
                } else {
                    p[0] = (unsigned char)g;
                }
            }
    }
    png_write_image(png, rows); /* does the interlace passes */
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    fclose(f);
}

/* ---- formats and options ---- */

static void format_from_extension(void **state)
{
    (void)state;
    assert_int_equal(scar_format_from_path("a.gsf"), SCAR_FMT_GSF);
    assert_int_equal(scar_format_from_path("dir/A.GSF"), SCAR_FMT_GSF);
    assert_int_equal(scar_format_from_path("x.X3p"), SCAR_FMT_X3P);
    assert_int_equal(scar_format_from_path("x.Png"), SCAR_FMT_PNG);
    assert_int_equal(scar_format_from_path("x.csv"), SCAR_FMT_CSV);
    assert_int_equal(scar_format_from_path("x.doc"), SCAR_FMT_AUTO);
    assert_int_equal(scar_format_from_path("dir.gsf/file"), SCAR_FMT_AUTO);
    assert_int_equal(scar_format_from_path("gsf"), SCAR_FMT_AUTO);
    assert_string_equal(scar_format_name(SCAR_FMT_X3P), "x3p");
    assert_string_equal(scar_format_name(SCAR_FMT_AUTO), "auto");
    scar_read_opts o;
    memset(&o, 0x5a, sizeof o);
    scar_read_opts_default(&o);
    assert_int_equal(o.format, SCAR_FMT_AUTO);
    assert_true(o.px_um == 0 && o.z_step_um == 0 && o.z_offset_um == 0);
    assert_null(o.z_unit);
    /* An unknown extension is refused naming the file; --format overrides. */
    scar_ctx *ctx = scar_ctx_create();
    BAD(ctx, "skin.doc", NULL, "expected a .gsf, .x3p, .png or .csv");
    char dir[256], p[512];
    tu_tmpdir(dir, sizeof dir);
    tu_path(p, sizeof p, dir, "skin.txt");
    tu_write(p, "# scarsim heightmap px_um=5\n1 2\n3 4\n", 36);
    o.format = SCAR_FMT_CSV;
    scar_heightmap *hm = NULL;
    assert_int_equal(scar_heightmap_read(ctx, p, &o, &hm), SCAR_OK);
    assert_true(hm->nx == 2 && hm->ny == 2 && SCAR_HM_AT(hm, 1, 1) == 4.0f);
    scar_heightmap_destroy(&hm);
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

/* ---- round trips ---- */

/* What a GSF or X3P must carry besides the heights: metres, and who wrote it
 * (X3P: every member, and md5checksum.hex matching main.xml). */
static void check_provenance(const char *path)
{
    if (scar_format_from_path(path) == SCAR_FMT_GSF) {
        char head[512] = {0};
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        assert_true(fread(head, 1, sizeof head - 1, f) > 100);
        fclose(f);
        static const char *const want[] = {"XYUnits = m\n", "ZUnits = m\n",
                                           "Title = ", ("ScarsimVersion = " SCAR_VERSION)};
        for (size_t i = 0; i < 4; i++)
            if (!strstr(head, want[i]))
                fail_msg("GSF header lacks '%s'", want[i]);
        return;
    }
    int err;
    zip_t *za = zip_open(path, ZIP_RDONLY, &err);
    assert_non_null(za);
    static const char *const members[] = {"main.xml", "bindata/data.bin", "md5checksum.hex"};
    for (size_t i = 0; i < 3; i++)
        assert_true(zip_name_locate(za, members[i], 0) >= 0);
    char sum[64] = {0}, xml[4096] = {0}, hex[MD5_DIGEST_STRING_LENGTH];
    zip_file_t *zf = zip_fopen(za, "md5checksum.hex", 0);
    assert_non_null(zf);
    assert_true(zip_fread(zf, sum, sizeof sum - 1) >= 32);
    zip_fclose(zf);
    assert_non_null(strstr(sum, " *main.xml"));
    zf = zip_fopen(za, "main.xml", 0);
    assert_non_null(zf);
    zip_int64_t n = zip_fread(zf, xml, sizeof xml - 1);
    zip_fclose(zf);
    zip_discard(za);
    assert_true(n > 100);
    assert_non_null(strstr(xml, "<FeatureType>SUR</FeatureType>"));
    MD5Data((const unsigned char *)xml, (size_t)n, hex);
    assert_memory_equal(sum, hex, 32);
}

/* GSF and X3P store float32 metres, as Gwyddion and the standard expect: a
 * height comes back to within one float rounding (2^-23 relative); the grid
 * to double rounding. */
static void round_trip_float_metres(const char *name)
{
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512];
    tu_tmpdir(dir, sizeof dir);
    tu_path(p, sizeof p, dir, name);
    scar_heightmap *hm = make_map(ctx, 37, 23, 12.5, 20), *back = NULL;
    assert_int_equal(scar_heightmap_write(ctx, hm, p, NULL), SCAR_OK);
    assert_int_equal(tu_count_tmp(dir), 0);
    assert_int_equal(scar_heightmap_read(ctx, p, NULL, &back), SCAR_OK);
    assert_same_grid(hm, back, 1e-12);
    check_provenance(p);
    size_t exact = 0;
    for (size_t k = 0; k < hm->nx * hm->ny; k++) {
        float a = hm->z_um[k], b = back->z_um[k];
        if (!(fabsf(a - b) <= ldexpf(fabsf(a), -23)))
            fail_msg("%s: sample %zu: %.9g came back as %.9g", name, k, a, b);
        exact += a == b;
    }
    assert_true(exact > hm->nx * hm->ny * 9 / 10); /* most survive bit for bit */
    scar_heightmap_destroy(&hm);
    scar_heightmap_destroy(&back);
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

static void gsf_round_trip(void **state)
{
    (void)state;
    round_trip_float_metres("skin.gsf");
}

static void x3p_round_trip(void **state)
{
    (void)state;
    round_trip_float_metres("skin.x3p");
}

static void csv_round_trip_is_exact(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512];
    tu_tmpdir(dir, sizeof dir);
    tu_path(p, sizeof p, dir, "skin.csv");
    scar_heightmap *hm = make_map(ctx, 19, 11, 20.0 / 3, 7.25), *back = NULL;
    assert_int_equal(scar_heightmap_write(ctx, hm, p, NULL), SCAR_OK);
    assert_int_equal(scar_heightmap_read(ctx, p, NULL, &back), SCAR_OK);
    assert_same_grid(hm, back, 0);
    assert_memory_equal(hm->z_um, back->z_um, hm->nx * hm->ny * sizeof(float));
    scar_heightmap_destroy(&hm);
    scar_heightmap_destroy(&back);
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

static void png_round_trip_within_half_a_level(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512];
    tu_tmpdir(dir, sizeof dir);
    tu_path(p, sizeof p, dir, "skin.png");
    scar_heightmap *hm = make_map(ctx, 41, 29, 25, 30), *back = NULL;
    float lo = hm->z_um[0], hi = lo;
    for (size_t k = 0; k < hm->nx * hm->ny; k++) {
        lo = fminf(lo, hm->z_um[k]);
        hi = fmaxf(hi, hm->z_um[k]);
    }
    double step = ((double)hi - lo) / 65535;
    assert_int_equal(scar_heightmap_write(ctx, hm, p, NULL), SCAR_OK);
    /* Its own scale comes back from the tEXt chunks, without options. */
    assert_int_equal(scar_heightmap_read(ctx, p, NULL, &back), SCAR_OK);
    assert_same_grid(hm, back, 0);
    for (size_t k = 0; k < hm->nx * hm->ny; k++)
        if (!(fabs((double)hm->z_um[k] - back->z_um[k]) <= 0.5 * step * (1 + 1e-6) + 1e-4))
            fail_msg("sample %zu: %.9g came back as %.9g (step %g)", k, hm->z_um[k], back->z_um[k],
                     step);
    scar_heightmap_destroy(&hm);
    scar_heightmap_destroy(&back);
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

/* PNG from elsewhere (8-bit; 16-bit interlaced): the scale comes from the
 * options. */
static void png_scale_from_options(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p8[512], p16[512];
    tu_tmpdir(dir, sizeof dir);
    tu_path(p8, sizeof p8, dir, "g8.png");
    tu_path(p16, sizeof p16, dir, "g16.png");
    const unsigned v[6] = {0, 1, 2, 100, 200, 255}, w[6] = {0, 1, 300, 40000, 65534, 65535};
    write_png(p8, 3, 2, 8, PNG_COLOR_TYPE_GRAY, false, v, NULL, NULL);
    write_png(p16, 3, 2, 16, PNG_COLOR_TYPE_GRAY, true, w, NULL, NULL);
    scar_read_opts o;
    scar_read_opts_default(&o);
    BAD(ctx, p16, &o, "--px-um", "--z-step-um");
    o.px_um = 10;
    BAD(ctx, p16, &o, "--z-step-um");
    o.z_step_um = 0.5;
    o.z_offset_um = -3;
    scar_heightmap *hm = NULL;
    assert_int_equal(scar_heightmap_read(ctx, p8, &o, &hm), SCAR_OK);
    assert_true(hm->nx == 3 && hm->ny == 2 && hm->dx_um == 10 && hm->dy_um == 10);
    for (int k = 0; k < 6; k++)
        assert_true(hm->z_um[k] == (float)(-3 + 0.5 * v[k]));
    scar_heightmap_destroy(&hm);
    assert_int_equal(scar_heightmap_read(ctx, p16, &o, &hm), SCAR_OK);
    for (int k = 0; k < 6; k++)
        assert_true(hm->z_um[k] == (float)(-3 + 0.5 * w[k]));
    scar_heightmap_destroy(&hm);
    unsigned big[13 * 9];
    for (unsigned k = 0; k < 13 * 9; k++)
        big[k] = k * 523u % 65536u;
    write_png(p16, 13, 9, 16, PNG_COLOR_TYPE_GRAY, true, big, NULL, NULL);
    assert_int_equal(scar_heightmap_read(ctx, p16, &o, &hm), SCAR_OK);
    assert_true(hm->nx == 13 && hm->ny == 9);
    for (int k = 0; k < 13 * 9; k++)
        assert_true(hm->z_um[k] == (float)(-3 + 0.5 * big[k]));
    scar_heightmap_destroy(&hm);
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

/* ---- units ---- */

static void units_are_converted(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512];
    tu_tmpdir(dir, sizeof dir);
    scar_heightmap *hm = NULL;
    /* GSF in millimetres: 4 samples over 2 mm are 500 um apart. */
    const float z[8] = {0.001f, -0.25f, 0, 1, 2, 3, 4, 5};
    tu_path(p, sizeof p, dir, "mm.gsf");
    write_gsf(p,
              "XRes = 4\nYRes = 2\nXReal = 2\nYReal = 0.5\nXOffset = 1\nYOffset = -0.5\n"
              "XYUnits = mm\nZUnits = mm\nTitle = hand made\n",
              z, 8);
    assert_int_equal(scar_heightmap_read(ctx, p, NULL, &hm), SCAR_OK);
    assert_true(hm->dx_um == 500 && hm->dy_um == 250);
    assert_true(hm->x0_um == 1000 && hm->y0_um == -500);
    for (int k = 0; k < 8; k++)
        assert_true(hm->z_um[k] == (float)((double)z[k] * 1000));
    scar_heightmap_destroy(&hm);
    /* Micrometres and nanometres, micro sign included. */
    tu_path(p, sizeof p, dir, "um.gsf");
    write_gsf(p, "XRes = 4\nYRes = 2\nXReal = 40\nYReal = 20\nXYUnits = \xc2\xb5m\nZUnits = nm\n",
              z, 8);
    assert_int_equal(scar_heightmap_read(ctx, p, NULL, &hm), SCAR_OK);
    assert_true(hm->dx_um == 10 && hm->dy_um == 10);
    assert_true(hm->z_um[3] == 0.001f && hm->z_um[7] == 0.005f);
    scar_heightmap_destroy(&hm);
    /* CSV in nanometres from its header, then overridden by the option. */
    tu_path(p, sizeof p, dir, "nm.csv");
    const char *csv = "# scarsim heightmap px_um=20 unit=nm\n1500, -250\n0 ,1e3\n";
    tu_write(p, csv, strlen(csv));
    assert_int_equal(scar_heightmap_read(ctx, p, NULL, &hm), SCAR_OK);
    assert_true(hm->dx_um == 20 && hm->dy_um == 20);
    assert_true(hm->z_um[0] == 1.5f && hm->z_um[1] == -0.25f && hm->z_um[3] == 1.0f);
    scar_heightmap_destroy(&hm);
    scar_read_opts o;
    scar_read_opts_default(&o);
    o.z_unit = "mm";
    assert_int_equal(scar_heightmap_read(ctx, p, &o, &hm), SCAR_OK);
    assert_true(hm->z_um[0] == 1.5e6f && hm->z_um[3] == 1e6f);
    scar_heightmap_destroy(&hm);
    /* Spreadsheet habits: a byte-order mark, CRLF, a trailing separator. */
    tu_path(p, sizeof p, dir, "excel.csv");
    const char *bom = "\xef\xbb\xbf# scarsim heightmap px_um=5 x0_um=-2.5\r\n1;2;\r\n3;4;\r\n";
    tu_write(p, bom, strlen(bom));
    assert_int_equal(scar_heightmap_read(ctx, p, NULL, &hm), SCAR_OK);
    assert_true(hm->nx == 2 && hm->ny == 2 && hm->dx_um == 5 && hm->x0_um == -2.5);
    assert_true(hm->z_um[3] == 4.0f);
    scar_heightmap_destroy(&hm);
    /* A plain CSV is micrometres at the --px-um given. */
    tu_path(p, sizeof p, dir, "plain.csv");
    tu_write(p, "1\t2\t3\n4\t5\t6\n", 12);
    o.z_unit = NULL;
    o.px_um = 8;
    assert_int_equal(scar_heightmap_read(ctx, p, &o, &hm), SCAR_OK);
    assert_true(hm->nx == 3 && hm->ny == 2 && hm->dx_um == 8 && hm->z_um[5] == 6.0f);
    scar_heightmap_destroy(&hm);
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

/* X3P written by other tools: float64, int16 with a CZ increment, inline. */
static void x3p_other_data_types(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512], xml[4096];
    tu_tmpdir(dir, sizeof dir);
    scar_heightmap *hm = NULL;
    /* float64 metres: a float micrometre height comes back bit for bit. */
    const float want[6] = {-12.345678f, 0, 1e-3f, 987.65433f, 5.5f, -0.1f};
    double d[6];
    for (int k = 0; k < 6; k++)
        d[k] = (double)want[k] / 1e6;
    tu_path(p, sizeof p, dir, "d.x3p");
    x3p_xml(xml, sizeof xml, "SUR", "3", "2", "D", "1", LINK);
    write_x3p(p, xml, d, sizeof d, "bindata/data.bin");
    assert_int_equal(scar_heightmap_read(ctx, p, NULL, &hm), SCAR_OK);
    assert_memory_equal(hm->z_um, want, sizeof want);
    assert_close(hm->dx_um, 10, 1e-12);
    assert_close(hm->dy_um, 20, 1e-12);
    assert_close(hm->x0_um, 0, 1e-12); /* Offset is the first centre: 5 um - 10/2 */
    assert_close(hm->y0_um, -10, 1e-12);
    scar_heightmap_destroy(&hm);
    /* int16 counts of 0.1 um. */
    const int16_t c[6] = {-32768, -1, 0, 1, 10, 32767};
    tu_path(p, sizeof p, dir, "i.x3p");
    x3p_xml(xml, sizeof xml, "SUR", "3", "2", "I", "1e-7", LINK);
    write_x3p(p, xml, c, sizeof c, "bindata/data.bin");
    assert_int_equal(scar_heightmap_read(ctx, p, NULL, &hm), SCAR_OK);
    for (int k = 0; k < 6; k++)
        assert_close(hm->z_um[k], c[k] * 0.1, 1e-6);
    scar_heightmap_destroy(&hm);
    /* Inline DataList. */
    tu_path(p, sizeof p, dir, "list.x3p");
    x3p_xml(xml, sizeof xml, "SUR", "2", "2", "D", "1",
            "<DataList><Datum>1e-6</Datum><Datum> -2e-6 </Datum><Datum>0</Datum>"
            "<Datum>4.5e-6</Datum></DataList>");
    write_x3p(p, xml, NULL, 0, NULL);
    assert_int_equal(scar_heightmap_read(ctx, p, NULL, &hm), SCAR_OK);
    assert_true(hm->z_um[0] == 1.0f && hm->z_um[1] == -2.0f && hm->z_um[3] == 4.5f);
    scar_heightmap_destroy(&hm);
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

/* ---- bad input ---- */

static void gsf_bad_input(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512];
    tu_tmpdir(dir, sizeof dir);
    const float z[4] = {1, 2, NAN, 4}, zi[4] = {1, 2, 3, INFINITY};
    tu_path(p, sizeof p, dir, "none.gsf");
    BAD(ctx, p, NULL, "No such file");
    tu_path(p, sizeof p, dir, "magic.gsf");
    tu_write(p, "Not a Gwyddion file\n", 20);
    BAD(ctx, p, NULL, "Gwyddion Simple Field 1.0", "found 'Not a Gwyddion file'");
    tu_path(p, sizeof p, dir, "trunc.gsf");
    write_gsf(p, "XRes = 100\nYRes = 100\n", NULL, 0);
    BAD(ctx, p, NULL, "10000 samples", "found 0 bytes", "truncated");
    write_gsf(p, "XRes = 2\nYRes = 2\n", z, 3);
    BAD(ctx, p, NULL, "4 samples", "found 12 bytes");
    tu_path(p, sizeof p, dir, "long.gsf");
    write_gsf(p, "XRes = 1\nYRes = 2\n", z, 3);
    BAD(ctx, p, NULL, "more than the header says");
    tu_path(p, sizeof p, dir, "neg.gsf");
    write_gsf(p, "XRes = -5\nYRes = 100\n", NULL, 0);
    BAD(ctx, p, NULL, "neg.gsf:2: XRes:", "found -5");
    write_gsf(p, "XRes = 5\nYRes = 0\n", NULL, 0);
    BAD(ctx, p, NULL, "neg.gsf:3: YRes:", "found 0");
    write_gsf(p, "XRes = 100000\nYRes = 1\n", NULL, 0);
    BAD(ctx, p, NULL, "XRes", "found 100000");
    write_gsf(p, "XRes = 30000\nYRes = 30000\n", NULL, 0); /* 900 M samples */
    BAD(ctx, p, NULL, "XRes", "samples in all");
    write_gsf(p, "XRes = 99999999999999999999\nYRes = 1\n", NULL, 0);
    BAD(ctx, p, NULL, "XRes", "whole number");
    write_gsf(p, "YRes = 4\n", NULL, 0);
    BAD(ctx, p, NULL, "XRes", "found none");
    write_gsf(p, "XRes = 2\nYRes = 2\nXReal = -1\n", z, 4);
    BAD(ctx, p, NULL, ":4: XReal:", "positive");
    write_gsf(p, "XRes = 2\nYRes = 2\nXReal = 1e-15\nYReal=1e-15\n", z, 4);
    BAD(ctx, p, NULL, "XReal, YReal", "spacing");
    write_gsf(p, "XRes = 2\nYRes = 2\nZUnits = V\n", z, 4);
    BAD(ctx, p, NULL, ":4: ZUnits:", "found 'V'");
    write_gsf(p, "XRes = 2\nYRes = 2\nthis is not a key\n", z, 4);
    BAD(ctx, p, NULL, ":4:", "Key = Value");
    tu_path(p, sizeof p, dir, "nan.gsf");
    write_gsf(p, "XRes = 2\nYRes = 2\nXReal = 2e-5\nYReal = 2e-5\n", z, 4);
    BAD(ctx, p, NULL, "NaN", "(x 0, y 1)");
    write_gsf(p, "XRes = 2\nYRes = 2\nXReal = 2e-5\nYReal = 2e-5\n", zi, 4);
    BAD(ctx, p, NULL, "infinity", "(x 1, y 1)");
    tu_path(p, sizeof p, dir, "nonul.gsf");
    tu_write(p, "Gwyddion Simple Field 1.0\nXRes = 2\n", 35);
    BAD(ctx, p, NULL, "NUL");
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

static void x3p_bad_input(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512], xml[4096];
    tu_tmpdir(dir, sizeof dir);
    const float f[6] = {1e-6f, 2e-6f, 3e-6f, 4e-6f, NAN, 6e-6f};
    tu_path(p, sizeof p, dir, "none.x3p");
    BAD(ctx, p, NULL, "No such file");
    tu_path(p, sizeof p, dir, "text.x3p");
    tu_write(p, "hello\n", 6);
    BAD(ctx, p, NULL, "zip archive");
    tu_path(p, sizeof p, dir, "nomain.x3p");
    write_x3p(p, NULL, f, 24, "bindata/data.bin");
    BAD(ctx, p, NULL, "main.xml", "found none");
    tu_path(p, sizeof p, dir, "broken.x3p");
    write_x3p(p, "<?xml version=\"1.0\"?>\n<ISO5436_2>\n<Record1>\n</ISO5436_2>\n", NULL, 0, NULL);
    BAD(ctx, p, NULL, "main.xml", "well-formed XML", "at line 5");
    tu_path(p, sizeof p, dir, "prf.x3p");
    x3p_xml(xml, sizeof xml, "PRF", "3", "2", "F", "1", LINK);
    write_x3p(p, xml, f, 24, "bindata/data.bin");
    BAD(ctx, p, NULL, "FeatureType", "found 'PRF'");
    tu_path(p, sizeof p, dir, "size.x3p");
    x3p_xml(xml, sizeof xml, "SUR", "-3", "2", "F", "1", LINK);
    write_x3p(p, xml, f, 24, "bindata/data.bin");
    BAD(ctx, p, NULL, "SizeX", "found -3");
    x3p_xml(xml, sizeof xml, "SUR", "3", "0", "F", "1", LINK);
    write_x3p(p, xml, f, 24, "bindata/data.bin");
    BAD(ctx, p, NULL, "SizeY", "found 0");
    x3p_xml(xml, sizeof xml, "SUR", "3", "40000", "F", "1", LINK);
    write_x3p(p, xml, f, 24, "bindata/data.bin");
    BAD(ctx, p, NULL, "SizeY", "found 40000");
    x3p_xml(xml, sizeof xml, "SUR", "three", "2", "F", "1", LINK);
    write_x3p(p, xml, f, 24, "bindata/data.bin");
    BAD(ctx, p, NULL, "SizeX", "whole number");
    tu_path(p, sizeof p, dir, "type.x3p");
    x3p_xml(xml, sizeof xml, "SUR", "3", "2", "Q", "1", LINK);
    write_x3p(p, xml, f, 24, "bindata/data.bin");
    BAD(ctx, p, NULL, "CZ/DataType", "found 'Q'");
    tu_path(p, sizeof p, dir, "trunc.x3p");
    x3p_xml(xml, sizeof xml, "SUR", "3", "2", "F", "1", LINK);
    write_x3p(p, xml, f, 20, "bindata/data.bin");
    BAD(ctx, p, NULL, "6 samples", "found 20 bytes", "truncated");
    tu_path(p, sizeof p, dir, "nodata.x3p");
    write_x3p(p, xml, f, 24, "bindata/other.bin");
    BAD(ctx, p, NULL, "PointDataLink", "bindata/data.bin");
    tu_path(p, sizeof p, dir, "nan.x3p");
    write_x3p(p, xml, f, 24, "bindata/data.bin");
    BAD(ctx, p, NULL, "NaN", "(x 1, y 1)");
    tu_path(p, sizeof p, dir, "md5.x3p");
    char link[512];
    snprintf(link, sizeof link,
             "<DataLink><PointDataLink>bindata/data.bin</PointDataLink>"
             "<MD5ChecksumPointData>0123456789abcdef0123456789abcdef</MD5ChecksumPointData>"
             "</DataLink>");
    x3p_xml(xml, sizeof xml, "SUR", "3", "2", "F", "1", link);
    write_x3p(p, xml, f, 24, "bindata/data.bin");
    BAD(ctx, p, NULL, "MD5ChecksumPointData", "damaged");
    tu_path(p, sizeof p, dir, "valid.x3p");
    snprintf(link, sizeof link,
             "<DataLink><PointDataLink>bindata/data.bin</PointDataLink>"
             "<ValidPointsLink>bindata/valid.bin</ValidPointsLink></DataLink>");
    x3p_xml(xml, sizeof xml, "SUR", "3", "2", "F", "1", link);
    int err;
    zip_t *za = zip_open(p, ZIP_CREATE | ZIP_TRUNCATE, &err);
    const unsigned char valid = 0x3b; /* point 2 (x 2, y 0) invalid */
    const float ok[6] = {0};
    zip_file_add(za, "main.xml", zip_source_buffer(za, xml, strlen(xml), 0), 0);
    zip_file_add(za, "bindata/data.bin", zip_source_buffer(za, ok, sizeof ok, 0), 0);
    zip_file_add(za, "bindata/valid.bin", zip_source_buffer(za, &valid, 1, 0), 0);
    assert_int_equal(zip_close(za), 0);
    BAD(ctx, p, NULL, "ValidPointsLink", "(x 2, y 0)", "invalid");
    tu_path(p, sizeof p, dir, "list.x3p");
    x3p_xml(xml, sizeof xml, "SUR", "2", "2", "D", "1",
            "<DataList><Datum>1e-6</Datum><Datum>x</Datum></DataList>");
    write_x3p(p, xml, NULL, 0, NULL);
    BAD(ctx, p, NULL, "DataList", "(x 1, y 0)", "found 'x'");
    x3p_xml(xml, sizeof xml, "SUR", "2", "2", "D", "1", "<DataList><Datum>1</Datum></DataList>");
    write_x3p(p, xml, NULL, 0, NULL);
    BAD(ctx, p, NULL, "DataList", "found 1");
    /* A damaged main.xml: md5checksum.hex no longer matches. */
    tu_path(p, sizeof p, dir, "good.x3p");
    scar_heightmap *hm = make_map(ctx, 4, 3, 10, 10);
    assert_int_equal(scar_heightmap_write(ctx, hm, p, NULL), SCAR_OK);
    scar_heightmap_destroy(&hm);
    za = zip_open(p, 0, &err);
    assert_non_null(za);
    const char *other = "<?xml version=\"1.0\"?><ISO5436_2/>";
    zip_int64_t idx = zip_name_locate(za, "main.xml", 0);
    assert_true(idx >= 0);
    assert_true(zip_file_replace(za, (zip_uint64_t)idx,
                                 zip_source_buffer(za, other, strlen(other), 0), 0) == 0);
    assert_int_equal(zip_close(za), 0);
    BAD(ctx, p, NULL, "md5checksum.hex", "damaged");
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

static void png_bad_input(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512];
    tu_tmpdir(dir, sizeof dir);
    scar_read_opts o;
    scar_read_opts_default(&o);
    o.px_um = 10;
    o.z_step_um = 1;
    const unsigned v[4] = {1, 2, 3, 4};
    tu_path(p, sizeof p, dir, "none.png");
    BAD(ctx, p, &o, "No such file");
    tu_path(p, sizeof p, dir, "text.png");
    tu_write(p, "GIF89a..", 8);
    BAD(ctx, p, &o, "PNG signature");
    tu_path(p, sizeof p, dir, "rgb.png");
    write_png(p, 2, 2, 8, PNG_COLOR_TYPE_RGB, false, v, NULL, NULL);
    BAD(ctx, p, &o, "greyscale", "colour (RGB)");
    tu_path(p, sizeof p, dir, "text_bad.png");
    write_png(p, 2, 2, 16, PNG_COLOR_TYPE_GRAY, false, v, "scarsim:px_um", "-4");
    BAD(ctx, p, NULL, "scarsim:px_um", "found '-4'");
    tu_path(p, sizeof p, dir, "trunc.png");
    scar_heightmap *hm = make_map(ctx, 40, 40, 10, 10);
    assert_int_equal(scar_heightmap_write(ctx, hm, p, NULL), SCAR_OK);
    scar_heightmap_destroy(&hm);
    assert_int_equal(truncate(p, 600), 0);
    BAD(ctx, p, NULL, "truncated");
    o.px_um = -2;
    tu_path(p, sizeof p, dir, "g.png");
    write_png(p, 2, 2, 8, PNG_COLOR_TYPE_GRAY, false, v, NULL, NULL);
    BAD(ctx, p, &o, "--px-um", "found -2");
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

static void csv_bad_input(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512];
    tu_tmpdir(dir, sizeof dir);
    scar_read_opts o;
    scar_read_opts_default(&o);
    o.px_um = 20;
    static const struct {
        const char *name, *text, *frag1, *frag2;
    } cases[] = {
        {"ragged.csv", "1,2,3\n4,5\n",
         "ragged.csv:2: ", "expected 3 values per row (as in row 1), found 2"},
        {"word.csv", "1,2,3\n4,abc,6\n", "word.csv:2:3: ", "field 2, found 'abc'"},
        {"nan.csv", "# comment\n1;2;3\n4;5;nan\n", "nan.csv:3:5: ", "finite number in field 3"},
        {"inf.csv", "1 2\n-inf 4\n", "inf.csv:2:1: ", "found '-inf'"},
        {"huge.csv", "# scarsim heightmap px_um=2 unit=m\n1 1e300\n",
         "huge.csv:2:3:", "float range"},
        {"empty_field.csv", "1,,3\n", "empty_field.csv:1:3: ", "empty field"},
        {"mixed.csv", "1,5;2,5\n", "mixed.csv:1:4: ", "decimal commas"},
        {"unit.csv", "# scarsim heightmap px_um=20 unit=furlong\n1\n",
         "unit.csv:1:", "unit: expected m, mm, um or nm, found 'furlong'"},
        {"px.csv", "# scarsim heightmap px_um=0\n1\n", "px.csv:1:", "px_um: expected a positive"},
        {"blank.csv", "# only a comment\n\n", "blank.csv: ", "expected rows of numbers"},
        {"binary.csv", "1,2\n3\0,4\n", "binary.csv:2:2: ", "NUL byte"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_path(p, sizeof p, dir, cases[i].name);
        size_t len = strlen(cases[i].text);
        if (strcmp(cases[i].name, "binary.csv") == 0)
            len = 8;
        tu_write(p, cases[i].text, len);
        BAD(ctx, p, &o, cases[i].frag1, cases[i].frag2);
    }
    tu_path(p, sizeof p, dir, "none.csv");
    BAD(ctx, p, &o, "No such file");
    tu_path(p, sizeof p, dir, "plain.csv");
    tu_write(p, "1,2\n3,4\n", 8);
    o.z_unit = "furlong";
    BAD(ctx, p, &o, "--z-unit", "found 'furlong'");
    scar_read_opts_default(&o);
    BAD(ctx, p, &o, "--px-um");
    BAD(ctx, p, NULL, "--px-um");
    /* Too many rows is refused before the map is allocated. */
    tu_path(p, sizeof p, dir, "tall.csv");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    for (int j = 0; j < 32769; j++)
        fputs("1\n", f);
    fclose(f);
    o.px_um = 1;
    BAD(ctx, p, &o, "rows", "found 32769");
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

/* ---- writing ---- */

static void writes_are_atomic(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512];
    tu_tmpdir(dir, sizeof dir);
    scar_heightmap *hm = make_map(ctx, 8, 5, 10, 10);
    static const char *const names[] = {"a.gsf", "a.x3p", "a.png", "a.csv"};
    for (size_t i = 0; i < 4; i++) {
        /* An unwritable place: SCAR_EINPUT naming the output. */
        char q[600];
        snprintf(q, sizeof q, "%s/no/dir/%s", dir, names[i]);
        assert_int_equal(scar_heightmap_write(ctx, hm, q, NULL), SCAR_EINPUT);
        tu_assert_err_has(ctx, q);
        /* A map we would refuse to read is refused before a file appears. */
        tu_path(p, sizeof p, dir, names[i]);
        hm->z_um[7] = NAN;
        assert_int_equal(scar_heightmap_write(ctx, hm, p, NULL), SCAR_EINPUT);
        tu_assert_err_has(ctx, "(x 7, y 0)");
        hm->z_um[7] = 1;
        assert_false(tu_exists(p));
        assert_int_equal(tu_count_tmp(dir), 0);
    }
    scar_write_opts wo = {.format = SCAR_FMT_AUTO};
    assert_int_equal(scar_heightmap_write(ctx, hm, "x.doc", &wo), SCAR_EINPUT);
    tu_assert_err_has(ctx, "expected a .gsf");
    scar_heightmap_destroy(&hm);
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

/* Every allocation in a read or write may fail: the call returns
 * SCAR_ENOMEM, frees what it took and leaves no file, until it succeeds. */
static void allocation_failures_are_clean(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], p[512], q[512];
    tu_tmpdir(dir, sizeof dir);
    scar_heightmap *hm = make_map(ctx, 30, 20, 10, 10);
    static const char *const names[] = {"a.gsf", "a.x3p", "a.png", "a.csv"};
    for (size_t i = 0; i < 4; i++) {
        tu_path(p, sizeof p, dir, names[i]);
        snprintf(q, sizeof q, "%s/new-%s", dir, names[i]);
        assert_int_equal(scar_heightmap_write(ctx, hm, p, NULL), SCAR_OK);
        long k, fails = 0;
        for (k = 1; k < 100000; k++) {
            scar_ctx_fail_alloc_after(ctx, k);
            scar_status st = scar_heightmap_write(ctx, hm, q, NULL);
            if (st == SCAR_OK)
                break;
            if (st != SCAR_ENOMEM)
                fail_msg("%s: write with allocation %ld failing: %s", names[i], k, tu_errmsg(ctx));
            assert_false(tu_exists(q));
            assert_int_equal(tu_count_tmp(dir), 0);
            fails++;
        }
        assert_true(fails >= 1);
        for (k = 1; k < 100000; k++) {
            scar_heightmap *back = NULL;
            scar_ctx_fail_alloc_after(ctx, k);
            scar_status st = scar_heightmap_read(ctx, p, NULL, &back);
            if (st == SCAR_OK) {
                scar_heightmap_destroy(&back);
                break;
            }
            if (st != SCAR_ENOMEM)
                fail_msg("%s: read with allocation %ld failing: %s", names[i], k, tu_errmsg(ctx));
            assert_null(back);
        }
        assert_true(k > 1);
        scar_ctx_fail_alloc_after(ctx, 0);
    }
    scar_heightmap_destroy(&hm);
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

/* ---- a real client ---- */

/* Gwyddion, the program people open height maps in, must open what we write.
 * Its thumbnailer runs headless; it may need an X display (xvfb-run). */
static void gwyddion_opens_our_files(void **state)
{
    (void)state;
    if (system("command -v gwyddion-thumbnailer >/dev/null 2>&1") != 0) {
        printf("NOTICE: gwyddion-thumbnailer not installed: Gwyddion check skipped\n");
        skip();
    }
    scar_ctx *ctx = scar_ctx_create();
    char dir[256], in[512], out[512], cmd[4096];
    tu_tmpdir(dir, sizeof dir);
    scar_heightmap *hm = make_map(ctx, 64, 48, 20, 20);
    static const char *const names[] = {"g.gsf", "g.x3p"};
    for (size_t i = 0; i < 2; i++) {
        tu_path(in, sizeof in, dir, names[i]);
        snprintf(out, sizeof out, "%s/thumb-%zu.png", dir, i);
        assert_int_equal(scar_heightmap_write(ctx, hm, in, NULL), SCAR_OK);
        snprintf(cmd, sizeof cmd,
                 "gwyddion-thumbnailer gnome2 256 '%s' '%s' 2>/dev/null || "
                 "xvfb-run -a gwyddion-thumbnailer gnome2 256 '%s' '%s'",
                 in, out, in, out);
        assert_int_equal(system(cmd), 0);
        FILE *f = fopen(out, "rb");
        assert_non_null(f);
        unsigned char sig[8] = {0};
        assert_int_equal(fread(sig, 1, 8, f), 8);
        fclose(f);
        assert_int_equal(png_sig_cmp(sig, 0, 8), 0);
    }
    scar_heightmap_destroy(&hm);
    rm_rf(dir);
    scar_ctx_destroy(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_from_extension),
        cmocka_unit_test(gsf_round_trip),
        cmocka_unit_test(x3p_round_trip),
        cmocka_unit_test(csv_round_trip_is_exact),
        cmocka_unit_test(png_round_trip_within_half_a_level),
        cmocka_unit_test(png_scale_from_options),
        cmocka_unit_test(units_are_converted),
        cmocka_unit_test(x3p_other_data_types),
        cmocka_unit_test(gsf_bad_input),
        cmocka_unit_test(x3p_bad_input),
        cmocka_unit_test(png_bad_input),
        cmocka_unit_test(csv_bad_input),
        cmocka_unit_test(writes_are_atomic),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(gwyddion_opens_our_files),
    };
    return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}
