/*
 * trials.c — reads the evidence table of published trial arms
 * (evidence/trials.csv, one row per arm; schema in trials.h).
 *
 * One pass, two stages per row.  A tokenizer cuts the text into rows of
 * cells, each cell carrying the 1-based line and column where it starts;
 * then the row is checked and stored column by column against the schema
 * table below, the columns found by their header names.
 *
 * The tokenizer is RFC 4180 written by hand because every refusal must name
 * the line and column of the bad cell, and libcsv's callback API gives
 * neither (its field callback gets the text and length only, and a quoted
 * cell may span lines).  It reads: quoted cells holding commas, doubled
 * quotes and line breaks; CRLF, LF or lone CR line ends; a UTF-8
 * byte-order mark at the start (skipped, not counted as a column); blank
 * lines (skipped); a last line without its line end.  A quote inside an
 * unquoted cell is kept as a character.  It refuses what is not CSV text: a
 * quote left open at the end of the file, text between a closing quote and
 * the next comma (an unescaped quote inside a quoted cell, whose cell would
 * otherwise be silently cut), a row with more cells than the header, a NUL
 * byte, ill-formed UTF-8.  Columns count characters (code points), as an
 * editor's status bar does.  A row with fewer cells than the header is read
 * as if the missing cells were empty; they sit where the row ends.
 *
 * The schema check is strict on the protocol_* columns, which scarsim runs,
 * and lenient on the published numbers, which studies write as "~3-4" or
 * "multiple": a cell there that is not a plain number leaves the number
 * unknown (NaN, -1), and its text stays only in the file.  A plain number out
 * of any sensible range is refused all the same: it is a typing error, not
 * prose.
 */
#include "trials.h"

#include "core.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Published scores and percentages are refused outside this range: every
 * scale in evidence/scales.md (ECCA 0-540 the widest) and every % change
 * fits, and a value beyond is a typing error. */
#define PUBLISHED_ABS_MAX 1000.0
#define PATIENTS_MAX 10000000.0
#define YEAR_MIN 1000.0
#define YEAR_MAX 9999.0
/* protocol_* ranges (trials.h): a needle longer than 5 mm would reach fat on
 * any face; 520 weeks is ten years. */
#define NEEDLE_MAX_MM 5.0
#define SESSIONS_MAX 100.0
#define WEEKS_MAX 520.0

/* ------------------------------------------------------------------------ */
/* the tokenizer                                                            */
/* ------------------------------------------------------------------------ */

typedef struct cell {
    size_t off, len; /* the unquoted text in row.buf, NUL-terminated there */
    long line, col;  /* 1-based; a quoted cell starts at its quote */
} cell;

typedef struct row {
    char *buf; /* the cells' text, one after another */
    size_t len, cap;
    cell *c;
    size_t n, ncap;
    long line;              /* where the row starts */
    long end_line, end_col; /* just past its last character: where a missing cell sits */
} row;

typedef struct rd {
    scar_ctx *ctx;
    const char *file; /* the name in messages */
    const unsigned char *s;
    size_t len, i;
    long line, col; /* of s[i] */
    char **names;   /* the header's names, trimmed; NULL while the header is read */
    size_t ncols;
} rd;

static scar_status fail_at(rd *r, long line, long col, const char *field, const char *fmt, ...)
    SCAR_PRINTF(5, 6);
static scar_status fail_at(rd *r, long line, long col, const char *field, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return SCAR_RAISE_AT(r->ctx, SCAR_EINPUT, r->file, line, col, field && *field ? field : NULL,
                         "%s", msg);
}

/* The header name of cell k, for messages (NULL in the header itself). */
static const char *name_of(const rd *r, size_t k)
{
    return r->names && k < r->ncols ? r->names[k] : NULL;
}

/* The length of the well-formed UTF-8 sequence at s (Unicode 15, table
 * 3-7: no overlongs, no surrogates, nothing past U+10FFFF), 0 if there is
 * none. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if (s[k] < 0x80 || s[k] > 0xBF)
            return 0;
    return n;
}

static scar_status put(rd *r, row *w, const void *p, size_t n)
{
    if (w->cap - w->len < n) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap - w->len < n)
            cap *= 2;
        char *b = scar_realloc(r->ctx, w->buf, cap);
        if (!b)
            return SCAR_ENOMEM;
        w->buf = b;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
    return SCAR_OK;
}

/* Copies the character at s[i] into the cell, refusing what is not text. */
static scar_status take(rd *r, row *w)
{
    const unsigned char *p = r->s + r->i;
    size_t n = utf8_seq(p, r->len - r->i);
    if (*p == 0)
        return fail_at(r, r->line, r->col, name_of(r, w->n),
                       "expected text, found a NUL byte (the file is binary or UTF-16: "
                       "save it as UTF-8 CSV)");
    if (n == 0)
        return fail_at(r, r->line, r->col, name_of(r, w->n),
                       "expected UTF-8 text, found the byte 0x%02X (save the table as UTF-8)", *p);
    scar_status st = put(r, w, p, n);
    r->i += n;
    r->col++;
    return st;
}

static bool at_eol(const rd *r)
{
    return r->i < r->len && (r->s[r->i] == '\n' || r->s[r->i] == '\r');
}

/* Steps over one line end: CRLF, LF or a lone CR. */
static void eat_eol(rd *r)
{
    if (r->s[r->i] == '\r' && r->i + 1 < r->len && r->s[r->i + 1] == '\n')
        r->i++;
    r->i++;
    r->line++;
    r->col = 1;
}

static bool is_blank(unsigned c)
{
    return c == ' ' || c == '\t';
}

/* Steps over blank lines (nothing but blanks before the line end).  False at
 * the end of the file. */
static bool skip_blank_lines(rd *r)
{
    for (;;) {
        size_t j = r->i;
        while (j < r->len && is_blank(r->s[j]))
            j++;
        if (j < r->len && r->s[j] != '\n' && r->s[j] != '\r')
            return true;
        r->col += (long)(j - r->i);
        r->i = j;
        if (j == r->len)
            return false;
        eat_eol(r);
    }
}

static scar_status push_cell(rd *r, row *w, const cell *c)
{
    if (w->n == w->ncap) {
        size_t cap = w->ncap ? 2 * w->ncap : 64;
        cell *nc = scar_realloc(r->ctx, w->c, cap * sizeof *nc);
        if (!nc)
            return SCAR_ENOMEM;
        w->c = nc;
        w->ncap = cap;
    }
    w->c[w->n++] = *c;
    return SCAR_OK;
}

/* The rest of a quoted cell, after its opening quote. */
static scar_status quoted(rd *r, row *w, const cell *c)
{
    scar_status st;
    for (;;) {
        if (r->i == r->len)
            return fail_at(r, c->line, c->col, name_of(r, w->n),
                           "expected a closing quote for the cell opened here, found the end "
                           "of the file");
        unsigned ch = r->s[r->i];
        if (ch == '"') {
            r->i++;
            r->col++;
            if (r->i < r->len && r->s[r->i] == '"') { /* "" is one quote */
                r->i++;
                r->col++;
                if ((st = put(r, w, "\"", 1)))
                    return st;
                continue;
            }
            break;
        }
        if (ch == '\n' || ch == '\r') { /* a line break inside the cell, kept as LF */
            eat_eol(r);
            if ((st = put(r, w, "\n", 1)))
                return st;
            continue;
        }
        if ((st = take(r, w)))
            return st;
    }
    while (r->i < r->len && is_blank(r->s[r->i])) {
        r->i++;
        r->col++;
    }
    if (r->i < r->len && r->s[r->i] != ',' && !at_eol(r))
        return fail_at(r, r->line, r->col, name_of(r, w->n),
                       "expected ',' or the end of the line after the closing quote of the "
                       "cell at column %ld, found '%c' (a quote inside a quoted cell is "
                       "written \"\")",
                       c->col, r->s[r->i] >= 0x20 && r->s[r->i] < 0x7F ? r->s[r->i] : '?');
    return SCAR_OK;
}

/* Reads the next row that is not blank into w; *got is false at the end of
 * the file.  Once the header is known (r->names), a row with more cells is
 * refused at its first extra cell. */
static scar_status read_row(rd *r, row *w, bool *got)
{
    scar_status st;
    w->len = 0;
    w->n = 0;
    *got = skip_blank_lines(r);
    if (!*got)
        return SCAR_OK;
    w->line = r->line;
    for (;;) {
        cell c = {.off = w->len, .line = r->line, .col = r->col};
        if (r->names && w->n == r->ncols)
            return fail_at(r, c.line, c.col, NULL,
                           "expected at most %zu cells in a row, as many as the header names, "
                           "found cell %zu",
                           r->ncols, w->n + 1);
        if (r->i < r->len && r->s[r->i] == '"') {
            r->i++;
            r->col++;
            if ((st = quoted(r, w, &c)))
                return st;
        } else {
            while (r->i < r->len && r->s[r->i] != ',' && !at_eol(r))
                if ((st = take(r, w)))
                    return st;
        }
        c.len = w->len - c.off;
        if ((st = put(r, w, "", 1)) || (st = push_cell(r, w, &c)))
            return st;
        if (r->i < r->len && r->s[r->i] == ',') {
            r->i++;
            r->col++;
            continue;
        }
        w->end_line = r->line;
        w->end_col = r->col;
        if (r->i < r->len)
            eat_eol(r);
        return SCAR_OK;
    }
}

/* ------------------------------------------------------------------------ */
/* the schema                                                               */
/* ------------------------------------------------------------------------ */

typedef enum kind {
    K_STR = 0,  /* char *, trimmed, NULL when empty */
    K_REQUIRED, /* char *, and a row must fill it */
    K_NUMBER,   /* published double, lenient */
    K_PATIENTS, /* published int, lenient */
    K_YEAR,     /* published int, lenient */
    K_DESIGN,   /* design_text, and the design */
    K_FITZ,     /* fitzpatrick_range, and fitz_lo/fitz_hi */
    K_TYPES,    /* scar_types, and has_type */
    K_DEVICE,   /* the protocol_* columns, strict */
    K_NEEDLE,
    K_SESSIONS,
    K_WEEKS,
    K_ADJUNCTS,
    K_SCALE     /* improvement_scale, strict */
} kind;

typedef struct column {
    const char *name;
    kind k;
    size_t off; /* of the field the cell fills (unused for the protocol's fixed fields) */
} column;

#define AT(f) offsetof(scar_trial_arm, f)
static const column columns[] = {
    {"study_id", K_REQUIRED, AT(study_id)},
    {"first_author", K_STR, AT(first_author)},
    {"year", K_YEAR, AT(year)},
    {"journal", K_STR, AT(journal)},
    {"doi_or_url", K_STR, AT(doi_or_url)},
    {"design", K_DESIGN, AT(design_text)},
    {"n_patients", K_PATIENTS, AT(n_patients)},
    {"fitzpatrick_range", K_FITZ, AT(fitzpatrick_range)},
    {"scar_types", K_TYPES, AT(scar_types)},
    {"baseline_severity", K_STR, AT(baseline_severity)},
    {"arm", K_REQUIRED, AT(arm)},
    {"scale", K_STR, AT(scale)},
    {"improvement_scale", K_SCALE, AT(improvement_scale)},
    {"baseline_score_mean", K_NUMBER, AT(baseline_score_mean)},
    {"baseline_score_sd", K_NUMBER, AT(baseline_score_sd)},
    {"final_score_mean", K_NUMBER, AT(final_score_mean)},
    {"final_score_sd", K_NUMBER, AT(final_score_sd)},
    {"mean_improvement_pct", K_NUMBER, AT(mean_improvement_pct)},
    {"responder_def", K_STR, AT(responder_def)},
    {"responder_pct", K_NUMBER, AT(responder_pct)},
    {"excellent_pct", K_NUMBER, AT(excellent_pct)},
    {"good_pct", K_NUMBER, AT(good_pct)},
    {"fair_pct", K_NUMBER, AT(fair_pct)},
    {"poor_pct", K_NUMBER, AT(poor_pct)},
    {"side_effects", K_STR, AT(side_effects)},
    {"notes", K_STR, AT(notes)},
    {"source_quality", K_STR, AT(source_quality)},
    {"protocol_device", K_DEVICE, 0},
    {"protocol_needle_mm", K_NEEDLE, AT(needle_mm)},
    {"protocol_sessions", K_SESSIONS, AT(sessions)},
    {"protocol_interval_weeks", K_WEEKS, AT(interval_weeks)},
    {"protocol_adjuncts", K_ADJUNCTS, 0},
    {"protocol_followup_weeks", K_WEEKS, AT(followup_weeks)},
};
#undef AT
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

/* A known column and the header cell that holds it. */
typedef struct slot {
    size_t cell;
    const column *col;
} slot;

/* The text of a cell without its leading and trailing blanks. */
typedef struct text {
    const char *s;
    size_t len;
    long line, col;
    const char *field;
} text;

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void trim(const char **s, size_t *len)
{
    while (*len && is_space((unsigned char)**s))
        (*s)++, (*len)--;
    while (*len && is_space((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

/* A cell's text for messages: at most 40 bytes, cut at a character boundary,
 * control characters (a line break in a quoted cell) shown as '?'. */
static const char *shown(char *buf, size_t n, const char *s, size_t len)
{
    size_t max = n - 4, k = 0;
    bool cut = len > max;
    if (cut) {
        len = max;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    for (; k < len; k++)
        buf[k] = (unsigned char)s[k] < 0x20 || s[k] == 0x7F ? '?' : s[k];
    if (cut)
        memcpy(buf + k, "...", 3), k += 3;
    buf[k] = '\0';
    return buf;
}

static char *dup_text(scar_ctx *ctx, const text *t)
{
    char *d = scar_malloc(ctx, t->len + 1);
    if (d) {
        memcpy(d, t->s, t->len);
        d[t->len] = '\0';
    }
    return d;
}

/* A plain number: only digits, sign, point and exponent, all of it read by
 * strtod ("~3", "4 (20 days)", "nan", "0x1p2" are not).  The value may be
 * infinite (1e999), for the caller's range check to refuse. */
static bool plain_number(const text *t, double *v)
{
    if (t->len == 0 || t->len != strspn(t->s, "0123456789+-.eE"))
        return false;
    char *end;
    *v = strtod(t->s, &end);
    return end == t->s + t->len;
}

static bool whole(double v)
{
    return isfinite(v) && v == floor(v);
}

static void fields_list(char *buf, size_t n, const char *(*name)(int), int count)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < count && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "", name(i));
}

static const char *device_name_i(int i)
{
    return scar_device_name((scar_device_kind)i);
}

static const char *adjunct_name_i(int i)
{
    return scar_adjunct_name((scar_adjunct)i);
}

static scar_trial_design design_of(const char *s)
{
    static const struct {
        const char *name;
        scar_trial_design d;
    } designs[] = {{"RCT", SCAR_DESIGN_RCT},
                   {"split-face", SCAR_DESIGN_SPLIT_FACE},
                   {"prospective", SCAR_DESIGN_PROSPECTIVE},
                   {"retrospective", SCAR_DESIGN_RETROSPECTIVE}};
    for (size_t k = 0; s && k < sizeof designs / sizeof designs[0]; k++)
        if (strcasecmp(s, designs[k].name) == 0)
            return designs[k].d;
    return SCAR_DESIGN_UNKNOWN;
}

/* A Fitzpatrick type I..VI written in Roman numerals at *s, the longest that
 * matches; 0 when none. */
static int roman(const char **s, const char *end)
{
    static const struct {
        const char *r;
        int v;
    } numerals[] = {{"III", 3}, {"II", 2}, {"IV", 4}, {"VI", 6}, {"I", 1}, {"V", 5}};
    for (size_t k = 0; k < sizeof numerals / sizeof numerals[0]; k++) {
        size_t n = strlen(numerals[k].r);
        if ((size_t)(end - *s) >= n && strncasecmp(*s, numerals[k].r, n) == 0) {
            *s += n;
            return numerals[k].v;
        }
    }
    return 0;
}

/* "IV", "III-V", "I - VI", "III–V" (en dash); anything else (prose such as
 * "Indian skin") leaves the range unknown: it is not an error. */
static void fitz_range(const text *t, int *lo, int *hi)
{
    const char *p = t->s, *end = t->s + t->len;
    *lo = *hi = 0;
    int a = roman(&p, end), b = a;
    if (!a)
        return;
    while (p < end && is_blank((unsigned char)*p))
        p++;
    if (p < end) {
        if (*p == '-')
            p++;
        else if (end - p >= 3 && memcmp(p, "\xE2\x80\x93", 3) == 0)
            p += 3;
        else
            return;
        while (p < end && is_blank((unsigned char)*p))
            p++;
        b = roman(&p, end);
    }
    if (p != end || !b || b < a)
        return;
    *lo = a;
    *hi = b;
}

static bool contains_nocase(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    for (size_t k = 0; k + n <= len; k++)
        if (strncasecmp(s + k, word, n) == 0)
            return true;
    return false;
}

/* Which Jacob types a free-text scar_types names, in the spellings papers
 * use. */
static void scar_types_of(const text *t, bool has[SCAR_TYPE_COUNT])
{
    static const struct {
        const char *spelling, *type;
    } words[] = {{"icepick", "icepick"}, {"ice-pick", "icepick"},         {"ice pick", "icepick"},
                 {"boxcar", "boxcar"},   {"box-car", "boxcar"},           {"box car", "boxcar"},
                 {"rolling", "rolling"}, {"hypertrophic", "hypertrophic"}};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        scar_type ty = scar_type_from_name(words[k].type);
        if (ty < SCAR_TYPE_COUNT && contains_nocase(t->s, t->len, words[k].spelling))
            has[ty] = true;
    }
}

static scar_status adjuncts_of(rd *r, const text *t, bool adj[SCAR_ADJ_COUNT])
{
    const char *p = t->s, *end = t->s + t->len;
    while (p < end) {
        const char *q = memchr(p, ';', (size_t)(end - p));
        if (!q)
            q = end;
        const char *item = p;
        size_t n = (size_t)(q - p);
        trim(&item, &n);
        p = q + (q < end);
        if (n == 0)
            continue;
        char name[64], list[256], shw[48];
        scar_adjunct a = SCAR_ADJ_COUNT;
        if (n < sizeof name) {
            memcpy(name, item, n);
            name[n] = '\0';
            a = scar_adjunct_from_name(name);
        }
        if (a == SCAR_ADJ_COUNT) {
            fields_list(list, sizeof list, adjunct_name_i, SCAR_ADJ_COUNT);
            return fail_at(r, t->line, t->col, t->field,
                           "expected adjunct names separated by ';' (%s), found '%s'", list,
                           shown(shw, sizeof shw, item, n));
        }
        adj[a] = true;
    }
    return SCAR_OK;
}

/* Reads a number cell under the rules of its column into *v; *known false
 * when the cell leaves the number unknown. */
static scar_status number_of(rd *r, const text *t, kind k, double *v, bool *known)
{
    char shw[48];
    double x = 0;
    bool plain = plain_number(t, &x);
    *known = false;
    if (t->len == 0)
        return SCAR_OK;
    shown(shw, sizeof shw, t->s, t->len);
    switch (k) {
    case K_NUMBER:
        if (plain && !(fabs(x) <= PUBLISHED_ABS_MAX))
            return fail_at(r, t->line, t->col, t->field,
                           "expected a published number in [-%g, %g] (or text, read as "
                           "unknown), found '%s'",
                           PUBLISHED_ABS_MAX, PUBLISHED_ABS_MAX, shw);
        break;
    case K_PATIENTS:
        if (plain && !(whole(x) && x >= 0 && x <= PATIENTS_MAX))
            return fail_at(r, t->line, t->col, t->field,
                           "expected a whole number of patients in [0, %.0f] (or text, read "
                           "as unknown), found '%s'",
                           PATIENTS_MAX, shw);
        break;
    case K_YEAR:
        if (plain && !(whole(x) && x >= YEAR_MIN && x <= YEAR_MAX))
            return fail_at(r, t->line, t->col, t->field,
                           "expected a four-digit year (or text, read as unknown), found '%s'",
                           shw);
        break;
    case K_NEEDLE:
        if (!plain || !(x > 0 && x <= NEEDLE_MAX_MM))
            return fail_at(r, t->line, t->col, t->field,
                           "expected a needle length in mm, a number in (0, %g], or an empty "
                           "cell, found '%s'",
                           NEEDLE_MAX_MM, shw);
        break;
    case K_SESSIONS:
        if (!plain || !(whole(x) && x >= 0 && x <= SESSIONS_MAX))
            return fail_at(r, t->line, t->col, t->field,
                           "expected a whole number of sessions in [0, %g], or an empty cell, "
                           "found '%s'",
                           SESSIONS_MAX, shw);
        break;
    case K_WEEKS:
        if (!plain || !(x >= 0 && x <= WEEKS_MAX))
            return fail_at(r, t->line, t->col, t->field,
                           "expected weeks, a number in [0, %g], or an empty cell, found '%s'",
                           WEEKS_MAX, shw);
        break;
    default: break;
    }
    *v = x;
    *known = plain;
    return SCAR_OK;
}

static void arm_init(scar_trial_arm *a, long line)
{
    memset(a, 0, sizeof *a);
    a->line = line;
    a->year = a->n_patients = a->sessions = -1;
    a->baseline_score_mean = a->baseline_score_sd = NAN;
    a->final_score_mean = a->final_score_sd = NAN;
    a->mean_improvement_pct = a->responder_pct = NAN;
    a->excellent_pct = a->good_pct = a->fair_pct = a->poor_pct = NAN;
    a->needle_mm = a->interval_weeks = a->followup_weeks = NAN;
    a->device = SCAR_DEV_COUNT; /* no device until protocol_device names one */
}

/* Stores one cell of an arm. */
static scar_status store(rd *r, scar_trial_arm *a, const column *c, const text *t)
{
    char *base = (char *)a, shw[48];
    double v = 0;
    bool known;
    scar_status st;
    switch (c->k) {
    case K_REQUIRED:
        if (t->len == 0)
            return fail_at(r, t->line, t->col, t->field,
                           "expected a non-empty %s in every row, found an empty cell", c->name);
        /* fall through */
    case K_STR:
    case K_DESIGN:
    case K_FITZ:
    case K_TYPES: {
        char *d = NULL;
        if (t->len && !(d = dup_text(r->ctx, t)))
            return SCAR_ENOMEM;
        *(char **)(base + c->off) = d;
        if (c->k == K_DESIGN)
            a->design = design_of(d);
        else if (c->k == K_FITZ)
            fitz_range(t, &a->fitz_lo, &a->fitz_hi);
        else if (c->k == K_TYPES)
            scar_types_of(t, a->has_type);
        return SCAR_OK;
    }
    case K_NUMBER:
    case K_NEEDLE:
    case K_WEEKS:
        if ((st = number_of(r, t, c->k, &v, &known)))
            return st;
        if (known)
            *(double *)(base + c->off) = v;
        return SCAR_OK;
    case K_PATIENTS:
    case K_YEAR:
    case K_SESSIONS:
        if ((st = number_of(r, t, c->k, &v, &known)))
            return st;
        if (known)
            *(int *)(base + c->off) = (int)v;
        return SCAR_OK;
    case K_DEVICE: {
        if (t->len == 0)
            return SCAR_OK;
        char name[64], list[256];
        scar_device_kind dev = SCAR_DEV_COUNT;
        if (t->len < sizeof name) {
            memcpy(name, t->s, t->len);
            name[t->len] = '\0';
            if (strcmp(name, "none") == 0) {
                a->device_known = a->device_none = true;
                return SCAR_OK;
            }
            dev = scar_device_from_name(name);
        }
        if (dev == SCAR_DEV_COUNT) {
            fields_list(list, sizeof list, device_name_i, SCAR_DEV_COUNT);
            return fail_at(r, t->line, t->col, t->field,
                           "expected none, an empty cell or a device name (%s), found '%s'", list,
                           shown(shw, sizeof shw, t->s, t->len));
        }
        a->device_known = true;
        a->device = dev;
        return SCAR_OK;
    }
    case K_ADJUNCTS: return adjuncts_of(r, t, a->adjunct);
    case K_SCALE: {
        if (t->len == 0)
            return SCAR_OK;
        const char *const *names = scar_improvement_scales();
        for (size_t k = 0; names[k]; k++)
            if (strlen(names[k]) == t->len && strncasecmp(t->s, names[k], t->len) == 0) {
                char *d = dup_text(r->ctx, t);
                if (!d)
                    return SCAR_ENOMEM;
                *(char **)(base + c->off) = d;
                return SCAR_OK;
            }
        return fail_at(r, t->line, t->col, t->field,
                       "expected an empty cell, Goodman-Baron quantitative, Goodman-Baron "
                       "qualitative, ECCA or percent, found '%s'",
                       shown(shw, sizeof shw, t->s, t->len));
    }
    }
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* the header and the rows                                                  */
/* ------------------------------------------------------------------------ */

typedef struct named {
    const char *name;
    size_t k;
} named;

static int by_name(const void *pa, const void *pb)
{
    const named *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->k > b->k) - (a->k < b->k);
}

static int by_cell(const void *pa, const void *pb)
{
    const slot *a = pa, *b = pb;
    return (a->cell > b->cell) - (a->cell < b->cell);
}

/* Takes the header's names into r->names and finds the known columns,
 * ordered as in the file so that a row's first bad cell is the one told.
 * Duplicates are found by sorting (a header may hold many cells). */
static scar_status header(rd *r, const row *w, slot *slots, size_t *nslots)
{
    scar_status st = SCAR_OK;
    named *sorted = NULL;
    r->names = scar_calloc(r->ctx, w->n, sizeof *r->names);
    if (!r->names)
        return SCAR_ENOMEM;
    r->ncols = w->n;
    for (size_t k = 0; k < w->n; k++) {
        text t = {w->buf + w->c[k].off, w->c[k].len, 0, 0, NULL};
        trim(&t.s, &t.len);
        if (!(r->names[k] = dup_text(r->ctx, &t)))
            return SCAR_ENOMEM;
    }
    if (!(sorted = scar_malloc(r->ctx, w->n * sizeof *sorted)))
        return SCAR_ENOMEM;
    for (size_t k = 0; k < w->n; k++)
        sorted[k] = (named){r->names[k], k};
    qsort(sorted, w->n, sizeof *sorted, by_name);
    /* the leftmost cell that repeats an earlier name, and that earlier one;
     * g is where the run of equal names starts (empty names may repeat) */
    size_t dup = w->n, first = 0;
    for (size_t k = 1, g = 0; k < w->n; k++) {
        if (strcmp(sorted[k].name, sorted[g].name) != 0)
            g = k;
        else if (*sorted[k].name && sorted[k].k < dup)
            dup = sorted[k].k, first = sorted[g].k;
    }
    free(sorted);
    if (dup < w->n) {
        char shw[48];
        const char *nm = r->names[dup];
        return fail_at(r, w->c[dup].line, w->c[dup].col, nm,
                       "expected each column name once in the header, found '%s' again (first "
                       "in cell %zu, again in cell %zu)",
                       shown(shw, sizeof shw, nm, strlen(nm)), first + 1, dup + 1);
    }
    *nslots = 0;
    for (size_t c = 0; c < NCOLUMNS; c++) {
        size_t k = 0;
        while (k < w->n && strcmp(r->names[k], columns[c].name) != 0)
            k++;
        if (k < w->n)
            slots[(*nslots)++] = (slot){k, &columns[c]};
        else if (columns[c].k == K_REQUIRED)
            return fail_at(r, w->line, 1, columns[c].name,
                           "expected a column named %s in the header, found none", columns[c].name);
    }
    qsort(slots, *nslots, sizeof *slots, by_cell);
    return st;
}

static scar_status arm_row(rd *r, const row *w, const slot *slots, size_t nslots,
                           scar_trial_table *t, size_t *cap)
{
    if (t->n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 32;
        scar_trial_arm *na = scar_realloc(r->ctx, t->arms, ncap * sizeof *na);
        if (!na)
            return SCAR_ENOMEM;
        t->arms = na;
        *cap = ncap;
    }
    scar_trial_arm *a = &t->arms[t->n++]; /* counted now, so that a failure frees it */
    arm_init(a, w->line);
    for (size_t s = 0; s < nslots; s++) {
        size_t k = slots[s].cell;
        text tx = {"", 0, w->end_line, w->end_col, r->names[k]};
        if (k < w->n)
            tx = (text){w->buf + w->c[k].off, w->c[k].len, w->c[k].line, w->c[k].col, r->names[k]};
        trim(&tx.s, &tx.len);
        scar_status st = store(r, a, slots[s].col, &tx);
        if (st)
            return st;
    }
    return SCAR_OK;
}

scar_status scar_trials_parse(scar_ctx *ctx, const char *text_in, size_t len, const char *name,
                              scar_trial_table **out)
{
    scar_status st = SCAR_OK;
    row w = {0};
    slot slots[NCOLUMNS];
    size_t nslots = 0, cap = 0;
    bool got;
    rd r = {.ctx = ctx,
            .s = (const unsigned char *)(text_in ? text_in : ""),
            .len = text_in ? len : 0,
            .line = 1,
            .col = 1};
    *out = NULL;
    if (!name)
        name = "trials.csv";
    if (len > SCAR_TRIALS_MAX_BYTES)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, name, 0, 0, NULL,
                             "expected a trials table of at most %u bytes, found %zu bytes",
                             SCAR_TRIALS_MAX_BYTES, len);
    scar_trial_table *t = scar_calloc(ctx, 1, sizeof *t);
    if (!t)
        return SCAR_ENOMEM;
    if (!(t->path = scar_strdup(ctx, name))) {
        st = SCAR_ENOMEM;
        goto done;
    }
    r.file = t->path;
    if (r.len >= 3 && memcmp(r.s, "\xEF\xBB\xBF", 3) == 0)
        r.i = 3; /* the byte-order mark: not part of the first name, not a column */
    size_t start = r.i;
    if ((st = read_row(&r, &w, &got)))
        goto done;
    if (!got) {
        st = fail_at(&r, r.line, r.col, NULL,
                     "expected a header row naming the columns (study_id, arm, ...), found %s",
                     r.len > start ? "only blank lines" : "an empty file");
        goto done;
    }
    if ((st = header(&r, &w, slots, &nslots)))
        goto done;
    for (;;) {
        if ((st = read_row(&r, &w, &got)) || !got)
            break;
        if ((st = arm_row(&r, &w, slots, nslots, t, &cap)))
            break;
    }
done:
    if (r.names)
        for (size_t k = 0; k < r.ncols; k++)
            free(r.names[k]);
    free(r.names);
    free(w.buf);
    free(w.c);
    if (st)
        scar_trial_table_destroy(&t);
    *out = t;
    return st;
}

scar_status scar_trials_read(scar_ctx *ctx, const char *path, scar_trial_table **out)
{
    char *buf = NULL;
    size_t n = 0;
    *out = NULL;
    scar_status st = scar_read_text(ctx, path, SCAR_TRIALS_MAX_BYTES, "trials table", &buf, &n);
    if (!st)
        st = scar_trials_parse(ctx, buf, n, path, out);
    free(buf);
    return st;
}

static void arm_free(scar_trial_arm *a)
{
    char **strs[] = {
        &a->study_id,      &a->first_author,      &a->journal,    &a->doi_or_url,        &a->arm,
        &a->design_text,   &a->fitzpatrick_range, &a->scar_types, &a->baseline_severity, &a->scale,
        &a->responder_def, &a->side_effects,      &a->notes,      &a->source_quality,
        &a->improvement_scale};
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
        free(*strs[k]);
        *strs[k] = NULL;
    }
}

void scar_trial_table_destroy(scar_trial_table **t)
{
    if (!t || !*t)
        return;
    for (size_t k = 0; k < (*t)->n; k++)
        arm_free(&(*t)->arms[k]);
    free((*t)->arms);
    free((*t)->path);
    free(*t);
    *t = NULL;
}

const char *const *scar_improvement_scales(void)
{
    static const char *const names[] = {"Goodman-Baron quantitative", "Goodman-Baron qualitative",
                                        "ECCA", "percent", NULL};
    return names;
}

const char *scar_trial_design_name(scar_trial_design d)
{
    switch (d) {
    case SCAR_DESIGN_RCT: return "RCT";
    case SCAR_DESIGN_SPLIT_FACE: return "split-face";
    case SCAR_DESIGN_PROSPECTIVE: return "prospective";
    case SCAR_DESIGN_RETROSPECTIVE: return "retrospective";
    case SCAR_DESIGN_UNKNOWN: break;
    }
    return "unknown";
}

double scar_trial_arm_published_improvement(const scar_trial_arm *a)
{
    if (isfinite(a->mean_improvement_pct))
        return a->mean_improvement_pct;
    if (isfinite(a->baseline_score_mean) && isfinite(a->final_score_mean) &&
        a->baseline_score_mean > 0)
        return 100.0 * (1.0 - a->final_score_mean / a->baseline_score_mean);
    return NAN;
}
