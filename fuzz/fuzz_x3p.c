/*
 * fuzz_x3p.c — libFuzzer harness for the X3P reader (src/surface/io_x3p.c,
 * io_x3p_xml.c): the zip archive through libzip, main.xml through libxml2,
 * binary or inline heights, the MD5 checks and the valid-points mask.  The
 * input reaches libzip as a real (memfd) file, which it seeks in.
 *
 * An input is read as it is, a whole X3P archive.  Mutating an archive
 * rarely gets past libzip's CRC and the MD5 of main.xml, so an input that
 * starts with '<' is also taken as main.xml itself: the harness wraps it in
 * a stored (uncompressed) archive without md5checksum.hex, and whatever
 * follows the first NUL byte becomes both bindata/data.bin and
 * bindata/valid.bin.  The XML and the heights are then fuzzed directly.
 */
#include "fuzz_common.h"

#include <zlib.h>

static void put16(unsigned char **p, unsigned v)
{
    (*p)[0] = (unsigned char)v;
    (*p)[1] = (unsigned char)(v >> 8);
    *p += 2;
}

static void put32(unsigned char **p, uint32_t v)
{
    put16(p, v & 0xffffu);
    put16(p, v >> 16);
}

typedef struct member {
    const char *name;
    const uint8_t *data;
    size_t len;
} member;

/* A stored zip archive of the members (APPNOTE.TXT 4.3): local headers and
 * data, the central directory, its end record.  Returns the archive's size. */
static size_t zip_stored(const member *m, size_t n, unsigned char *out)
{
    unsigned char *p = out;
    uint32_t off[4], crc[4];
    for (size_t k = 0; k < n; k++) {
        off[k] = (uint32_t)(p - out);
        crc[k] = (uint32_t)crc32(0L, m[k].data, (uInt)m[k].len);
        unsigned nl = (unsigned)strlen(m[k].name);
        put32(&p, 0x04034b50u);
        put16(&p, 20), put16(&p, 0), put16(&p, 0), put16(&p, 0), put16(&p, 0x21);
        put32(&p, crc[k]), put32(&p, (uint32_t)m[k].len), put32(&p, (uint32_t)m[k].len);
        put16(&p, nl), put16(&p, 0);
        memcpy(p, m[k].name, nl), p += nl;
        if (m[k].len)
            memcpy(p, m[k].data, m[k].len), p += m[k].len;
    }
    uint32_t cd = (uint32_t)(p - out);
    for (size_t k = 0; k < n; k++) {
        unsigned nl = (unsigned)strlen(m[k].name);
        put32(&p, 0x02014b50u);
        put16(&p, 20), put16(&p, 20), put16(&p, 0), put16(&p, 0), put16(&p, 0), put16(&p, 0x21);
        put32(&p, crc[k]), put32(&p, (uint32_t)m[k].len), put32(&p, (uint32_t)m[k].len);
        put16(&p, nl), put16(&p, 0), put16(&p, 0), put16(&p, 0), put16(&p, 0);
        put32(&p, 0), put32(&p, off[k]);
        memcpy(p, m[k].name, nl), p += nl;
    }
    uint32_t cd_len = (uint32_t)(p - out) - cd;
    put32(&p, 0x06054b50u);
    put16(&p, 0), put16(&p, 0), put16(&p, (unsigned)n), put16(&p, (unsigned)n);
    put32(&p, cd_len), put32(&p, cd), put16(&p, 0);
    return (size_t)(p - out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scar_read_opts o;
    scar_read_opts_default(&o);
    o.format = SCAR_FMT_X3P;
    fz_read(fz_input_path(data, size), &o, "x3p", data, size);
    if (size == 0 || data[0] != '<')
        return 0;

    const uint8_t *nul = memchr(data, '\0', size);
    size_t xml_len = nul ? (size_t)(nul - data) : size;
    const uint8_t *bin = nul ? nul + 1 : NULL;
    size_t bin_len = nul ? size - xml_len - 1 : 0;
    member m[3] = {{"main.xml", data, xml_len},
                   {"bindata/data.bin", bin, bin_len},
                   {"bindata/valid.bin", bin, bin_len}};
    size_t n = nul ? 3 : 1;
    /* a local (30 bytes) and a central (46) header, each with the name, per
     * member; 22 for the end record */
    size_t cap = 22;
    for (size_t k = 0; k < n; k++)
        cap += 76 + 2 * strlen(m[k].name) + m[k].len;
    unsigned char *zip = malloc(cap);
    if (!zip)
        fz_die("setup", "no memory for the archive");
    size_t zlen = zip_stored(m, n, zip);
    if (zlen != cap)
        fz_die("setup", "the archive's size was miscounted");
    fz_read(fz_input_path(zip, zlen), &o, "x3p (wrapped main.xml)", zip, zlen);
    free(zip);
    return 0;
}
