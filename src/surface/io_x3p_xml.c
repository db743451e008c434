/*
 * io_x3p_xml.c — the main.xml of an X3P file (ISO 25178-72, namespace
 * http://www.opengps.eu/2008/ISO5436_2): read with libxml2, written from a
 * fixed template whose only variable parts are numbers, the version and the
 * date, so it needs no escaping and every allocation is a checked one.
 */
#include "io_internal.h"

#include "scar_git_hash.h"

#include <limits.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void x3p_meta_init(x3p_meta *m)
{
    memset(m, 0, sizeof *m);
    m->z_inc = 1;
}

void x3p_meta_free(x3p_meta *m)
{
    if (m->doc)
        xmlFreeDoc(m->doc);
    m->doc = m->list = NULL;
}

/* The element at a '/'-separated path below n, or NULL. */
static xmlNode *elem(xmlNode *n, const char *path)
{
    while (n && *path) {
        const char *slash = strchr(path, '/');
        size_t len = slash ? (size_t)(slash - path) : strlen(path);
        xmlNode *c = n->children;
        for (; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && strlen((const char *)c->name) == len &&
                memcmp(c->name, path, len) == 0)
                break;
        n = c;
        path += len + (slash != NULL);
    }
    return n;
}

/* An element's text without surrounding blanks, copied into buf. */
static const char *text(xmlNode *n, char *buf, size_t size)
{
    buf[0] = '\0';
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
            continue;
        const char *s = (const char *)c->content;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                       s[len - 1] == '\r'))
            len--;
        io_quote(buf, size, s, len);
        break;
    }
    return buf;
}

static scar_status missing(scar_ctx *ctx, const char *path, const char *field)
{
    return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, field,
                         "expected this element in main.xml, found none");
}

/* The text of a required element, checked against the expected word. */
static scar_status want_word(scar_ctx *ctx, const char *path, xmlNode *root, const char *field,
                             const char *word, const char *meaning)
{
    xmlNode *n = elem(root, field);
    char buf[64];
    if (!n)
        return missing(ctx, path, field);
    if (strcmp(text(n, buf, sizeof buf), word) != 0)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, field, "expected %s (%s), found '%s'",
                             word, meaning, buf);
    return SCAR_OK;
}

/* A number; def is used when the element is optional and absent. */
static scar_status want_number(scar_ctx *ctx, const char *path, xmlNode *root, const char *field,
                               bool required, bool positive, double def, double *out)
{
    xmlNode *n = elem(root, field);
    char buf[64];
    *out = def;
    if (!n)
        return required ? missing(ctx, path, field) : SCAR_OK;
    if (!io_parse_double(text(n, buf, sizeof buf), out) || (positive && !(*out > 0)))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, field, "expected a %s, found '%s'",
                             positive ? "positive number" : "finite number", buf);
    return SCAR_OK;
}

static scar_status want_count(scar_ctx *ctx, const char *path, xmlNode *root, const char *field,
                              long long *out)
{
    xmlNode *n = elem(root, field);
    char buf[64];
    if (!n)
        return missing(ctx, path, field);
    if (!io_parse_ll(text(n, buf, sizeof buf), out))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, field,
                             "expected a whole number of samples, found '%s'", buf);
    return SCAR_OK;
}

static scar_status parse_axes(scar_ctx *ctx, const char *path, xmlNode *r, x3p_meta *m)
{
    scar_status st;
    if ((st = want_word(ctx, path, r, "Record1/FeatureType", "SUR", "an areal surface")) ||
        (st = want_word(ctx, path, r, "Record1/Axes/CX/AxisType", "I", "incremental")) ||
        (st = want_word(ctx, path, r, "Record1/Axes/CY/AxisType", "I", "incremental")) ||
        (st = want_word(ctx, path, r, "Record1/Axes/CZ/AxisType", "A", "absolute")) ||
        (st = want_number(ctx, path, r, "Record1/Axes/CX/Increment", true, true, 0, &m->dx_m)) ||
        (st = want_number(ctx, path, r, "Record1/Axes/CY/Increment", true, true, 0, &m->dy_m)) ||
        (st = want_number(ctx, path, r, "Record1/Axes/CX/Offset", false, false, 0, &m->x0_m)) ||
        (st = want_number(ctx, path, r, "Record1/Axes/CY/Offset", false, false, 0, &m->y0_m)) ||
        (st = want_number(ctx, path, r, "Record1/Axes/CZ/Increment", false, false, 1, &m->z_inc)) ||
        (st = want_number(ctx, path, r, "Record1/Axes/CZ/Offset", false, false, 0, &m->z_off)))
        return st;
    const char *f = "Record1/Axes/CZ/DataType";
    xmlNode *n = elem(r, f);
    char buf[64];
    text(n, buf, sizeof buf);
    if (n && (strlen(buf) != 1 || !strchr("ILFD", buf[0])))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, f,
                             "expected I, L, F or D (int16, int32, float32, float64), found '%s'",
                             buf);
    m->z_type = n ? buf[0] : 'D'; /* absent: only inline text values */
    return SCAR_OK;
}

static scar_status parse_record3(scar_ctx *ctx, const char *path, xmlNode *r, x3p_meta *m)
{
    long long nz;
    scar_status st;
    if ((st = want_count(ctx, path, r, "Record3/MatrixDimension/SizeX", &m->nx)) ||
        (st = want_count(ctx, path, r, "Record3/MatrixDimension/SizeY", &m->ny)) ||
        (st = want_count(ctx, path, r, "Record3/MatrixDimension/SizeZ", &nz)))
        return st;
    if (nz != 1)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "Record3/MatrixDimension/SizeZ",
                             "expected 1 (one layer of heights), found %lld", nz);
    xmlNode *link = elem(r, "Record3/DataLink");
    if (link) {
        if (!elem(link, "PointDataLink"))
            return missing(ctx, path, "Record3/DataLink/PointDataLink");
        if (!elem(r, "Record1/Axes/CZ/DataType"))
            return missing(ctx, path, "Record1/Axes/CZ/DataType");
        text(elem(link, "PointDataLink"), m->data_link, sizeof m->data_link);
        text(elem(link, "MD5ChecksumPointData"), m->data_md5, sizeof m->data_md5);
        text(elem(link, "ValidPointsLink"), m->valid_link, sizeof m->valid_link);
        if (!m->data_link[0])
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "Record3/DataLink/PointDataLink",
                                 "expected the name of the data file, found an empty element");
        return SCAR_OK;
    }
    if (!(m->list = elem(r, "Record3/DataList")))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "Record3",
                             "expected a DataLink or a DataList, found neither");
    return SCAR_OK;
}

/* libxml2 reports a failed character conversion (main.xml declaring
 * encoding="SHIFT_JIS" over bytes that are not) through its generic error
 * handler, which prints to stderr whatever the parser's options say.  The
 * library never prints, so that handler (libxml2 keeps it per thread) is
 * silenced while main.xml is parsed; the parser's own error still comes back
 * through the context. */
static void quiet(void *user, const char *msg, ...)
{
    (void)user, (void)msg;
}

scar_status x3p_meta_parse(scar_ctx *ctx, const char *path, const unsigned char *xml, size_t len,
                           x3p_meta *m)
{
    if (len > INT_MAX)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "main.xml",
                             "expected at most %d "
                             "bytes, found %zu",
                             INT_MAX, len);
    xmlParserCtxt *pc = xmlNewParserCtxt();
    if (!pc)
        return SCAR_RAISE(ctx, SCAR_ENOMEM, "out of memory: could not create an XML parser");
    /* NOERROR/NOWARNING: the library never prints; the error comes back below.
     * NONET: an input file never makes scarsim reach the network. */
    xmlGenericErrorFunc old_fn = xmlGenericError;
    void *old_user = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlDoc *doc = xmlCtxtReadMemory(pc, (const char *)xml, (int)len, "main.xml", NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlSetGenericErrorFunc(old_user, old_fn);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(pc);
        scar_status st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "main.xml",
                                       "expected well-formed XML, found an error at line %d: %s",
                                       e ? e->line : 0, e && e->message ? e->message : "unknown");
        xmlFreeParserCtxt(pc);
        /* libxml2's messages end with a newline, folded to a blank. */
        size_t n = strlen(ctx->err.message);
        while (n && ctx->err.message[n - 1] == ' ')
            ctx->err.message[--n] = '\0';
        return st;
    }
    xmlFreeParserCtxt(pc);
    m->doc = doc;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "ISO5436_2") != 0)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "main.xml",
                             "expected the root element ISO5436_2, found '%s'",
                             root ? (const char *)root->name : "nothing");
    scar_status st = parse_axes(ctx, path, root, m);
    return st ? st : parse_record3(ctx, path, root, m);
}

scar_status x3p_meta_read_list(scar_ctx *ctx, const char *path, const x3p_meta *m, float *z_um)
{
    size_t nx = (size_t)m->nx, n = nx * (size_t)m->ny, k = 0;
    for (xmlNode *c = ((xmlNode *)m->list)->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "Datum") != 0)
            continue;
        char buf[64];
        double v;
        if (k == n)
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "Record3/DataList",
                                 "expected %zu Datum values (SizeX x SizeY), found more", n);
        if (!*text(c, buf, sizeof buf))
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "Record3/DataList",
                                 "expected every point valid, found sample (x %zu, y %zu) "
                                 "empty (invalid; fill the holes first)",
                                 k % nx, k / nx);
        if (!io_parse_double(buf, &v))
            return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "Record3/DataList",
                                 "expected a finite number at sample (x %zu, y %zu), "
                                 "found '%s'",
                                 k % nx, k / nx, buf);
        if (z_um)
            z_um[k] = (float)((v * m->z_inc + m->z_off) * 1e6);
        k++;
    }
    if (k != n)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, path, 0, 0, "Record3/DataList",
                             "expected %zu Datum values (SizeX x SizeY), found %zu (truncated)", n,
                             k);
    return SCAR_OK;
}

/* Element order follows the ISO5436_2 schema (ISO5436_2_XML.xsd).  A macro,
 * so that the compiler checks the arguments against it. */
#define TEMPLATE                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                 \
    "<p:ISO5436_2 xmlns:p=\"http://www.opengps.eu/2008/ISO5436_2\" "                               \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "                                     \
    "xsi:schemaLocation=\"http://www.opengps.eu/2008/ISO5436_2 "                                   \
    "http://www.opengps.eu/2008/ISO5436_2/ISO5436_2_XML.xsd\">\n"                                  \
    "  <Record1>\n"                                                                                \
    "    <Revision>ISO5436 - 2000</Revision>\n"                                                    \
    "    <FeatureType>SUR</FeatureType>\n"                                                         \
    "    <Axes>\n"                                                                                 \
    "      <CX><AxisType>I</AxisType><DataType>D</DataType>"                                       \
    "<Increment>%.17g</Increment><Offset>%.17g</Offset></CX>\n"                                    \
    "      <CY><AxisType>I</AxisType><DataType>D</DataType>"                                       \
    "<Increment>%.17g</Increment><Offset>%.17g</Offset></CY>\n"                                    \
    "      <CZ><AxisType>A</AxisType><DataType>F</DataType>"                                       \
    "<Increment>1</Increment><Offset>0</Offset></CZ>\n"                                            \
    "    </Axes>\n"                                                                                \
    "  </Record1>\n"                                                                               \
    "  <Record2>\n"                                                                                \
    "    <Date>%s</Date>\n"                                                                        \
    "    <Creator>scarsim</Creator>\n"                                                             \
    "    <Instrument><Manufacturer>scarsim</Manufacturer><Model>scarsim height map</Model>"        \
    "<Serial>not available</Serial><Version>%s (git %s)</Version></Instrument>\n"                  \
    "    <CalibrationDate>%s</CalibrationDate>\n"                                                  \
    "    <ProbingSystem><Type>Software</Type><Identification>scarsim %s</Identification>"          \
    "</ProbingSystem>\n"                                                                           \
    "    <Comment>Skin height map written by scarsim: heights in metres, positive out of "         \
    "the skin.</Comment>\n"                                                                        \
    "  </Record2>\n"                                                                               \
    "  <Record3>\n"                                                                                \
    "    <MatrixDimension><SizeX>%zu</SizeX><SizeY>%zu</SizeY><SizeZ>1</SizeZ>"                    \
    "</MatrixDimension>\n"                                                                         \
    "    <DataLink><PointDataLink>bindata/data.bin</PointDataLink>"                                \
    "<MD5ChecksumPointData>%s</MD5ChecksumPointData></DataLink>\n"                                 \
    "  </Record3>\n"                                                                               \
    "  <Record4><ChecksumFile>md5checksum.hex</ChecksumFile></Record4>\n"                          \
    "</p:ISO5436_2>\n"

scar_status x3p_meta_write(scar_ctx *ctx, const scar_heightmap *hm, const char *data_md5,
                           char **xml, size_t *len)
{
    char date[40];
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S+00:00", &tm))
        scar_strlcpy(date, "1970-01-01T00:00:00+00:00", sizeof date);
    size_t cap = sizeof TEMPLATE + 512; /* room for the numbers */
    char *buf = scar_malloc(ctx, cap);
    if (!buf)
        return SCAR_ENOMEM;
    int n = snprintf(buf, cap, TEMPLATE, hm->dx_um / 1e6, (hm->x0_um + hm->dx_um / 2) / 1e6,
                     hm->dy_um / 1e6, (hm->y0_um + hm->dy_um / 2) / 1e6, date, SCAR_VERSION,
                     SCAR_GIT_HASH, date, SCAR_VERSION, hm->nx, hm->ny, data_md5);
    if (n < 0 || (size_t)n >= cap) {
        free(buf);
        return SCAR_RAISE(ctx, SCAR_EINTERNAL, "X3P main.xml does not fit its buffer");
    }
    *xml = buf;
    *len = (size_t)n;
    return SCAR_OK;
}
