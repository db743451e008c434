/*
 * doc.c — a JSON or YAML input file as a tree of nodes with positions, and
 * the checks input readers make on it (doc.h).
 *
 * Two stages.  First libfyaml's event parser turns the text into a small
 * tree of our own, each node carrying its 1-based line and column: the
 * libfyaml 0.7 on the build machines has no public way to ask a document
 * node where it starts, while every event carries its mark.  Owning the tree
 * also puts every allocation behind scar_malloc, so allocation-failure tests
 * reach all of it.  Second, the readers (scenario.c, plan/patient.c) check
 * the tree key by key with the getters below; every refusal names the file,
 * the node's position and the dotted field, and says what was expected and
 * what was found.
 *
 * libfyaml's diagnostics are collected (never printed) and its first error
 * becomes the one-line scar_error.
 */
#include "doc.h"

#include <ctype.h>
#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The deepest schema nests four levels (skin.synth.scars.boxcar); anything
 * much deeper is no input of scarsim's, and the limit keeps the recursion
 * shallow. */
enum { MAX_DEPTH = 16, MAX_ENTRIES = 4096 };

/* ------------------------------------------------------------------------ */
/* the tree                                                                 */
/* ------------------------------------------------------------------------ */

static void node_free(scar_doc_node *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++)
        node_free(v->kid[i]);
    free(v->kid);
    free(v->text);
    free(v);
}

/* The parser's state while the tree is built. */
typedef struct rd {
    scar_doc *d;
    struct fy_parser *fyp;
    struct fy_diag *diag;
    long line, col; /* the last position libfyaml gave */
} rd;

scar_status scar_doc_fail(const scar_doc *d, const scar_doc_node *at, const char *field,
                          const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return SCAR_RAISE_AT(d->ctx, SCAR_EINPUT, d->file, at ? at->line : 0, at ? at->col : 0, field,
                         "%s", msg);
}

/* The first error libfyaml collected, with its own line and column (the
 * collected ones are 1-based). */
static scar_status syntax_error(rd *r)
{
    const char *lang = r->d->json ? "JSON" : "YAML";
    void *it = NULL;
    struct fy_diag_error *e;
    while ((e = fy_diag_errors_iterate(r->diag, &it)))
        if (e->type == FYET_ERROR)
            return SCAR_RAISE_AT(r->d->ctx, SCAR_EINPUT, r->d->file, e->line, e->column, NULL,
                                 "invalid %s: %s", lang, e->msg ? e->msg : "syntax error");
    return SCAR_RAISE_AT(r->d->ctx, SCAR_EINPUT, r->d->file, r->line, r->col, NULL,
                         "invalid %s: the parser stopped here", lang);
}

static void swallow(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag, (void)user, (void)buf, (void)len; /* the library never prints */
}

/* An event's position, 1-based.  libfyaml marks a quoted scalar at its first
 * character inside the quotes and an alias after its '*'; a reader counts
 * from the quote or the '*'.  Events without a mark (an empty value) take the
 * last position seen: the key. */
static void event_pos(rd *r, struct fy_event *ev, long *line, long *col)
{
    const struct fy_mark *m = fy_event_start_mark(ev);
    if (m && m->line >= 0 && m->column >= 0) {
        r->line = m->line + 1;
        r->col = m->column + 1;
        bool inside = ev->type == FYET_ALIAS;
        if (ev->type == FYET_SCALAR) {
            enum fy_scalar_style st = fy_token_scalar_style(ev->scalar.value);
            inside = st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED;
        }
        if (inside && r->col > 1)
            r->col--;
    }
    *line = r->line;
    *col = r->col;
}

static scar_status push(scar_ctx *ctx, scar_doc_node *v, scar_doc_node *k)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 8;
        scar_doc_node **kid = scar_realloc(ctx, v->kid, cap * sizeof *kid);
        if (!kid)
            return SCAR_ENOMEM;
        v->kid = kid;
        v->cap = cap;
    }
    v->kid[v->n++] = k;
    return SCAR_OK;
}

/* A scalar's text, copied into v->text (NUL-terminated; v->len excludes the
 * NUL) chunk by chunk from a token iterator rather than by fy_token_get_text:
 * on some quoted scalars ('''''...) libfyaml 0.7.12's fy_atom_format_text
 * returns early without finishing its iterator and leaks the iterator's
 * chunk array (libfyaml issue #233), while fy_token_iter_destroy always
 * finishes it.  (fy_token_iter_read of that version drops chunks.) */
static scar_status scalar_text(rd *r, struct fy_token *tok, scar_doc_node *v)
{
    struct fy_token_iter *it = fy_token_iter_create(tok);
    if (!it)
        return SCAR_RAISE(r->d->ctx, SCAR_ENOMEM, "out of memory in the YAML parser");
    size_t len = 0, cap = 64;
    char *t = scar_malloc(r->d->ctx, cap);
    const struct fy_iter_chunk *ic = NULL;
    int err = 0;
    while (t && (ic = fy_token_iter_chunk_next(it, ic, &err))) {
        if (ic->len >= cap - len) { /* room for the chunk and the NUL */
            size_t want = 2 * cap > len + ic->len + 1 ? 2 * cap : len + ic->len + 1;
            char *p = scar_realloc(r->d->ctx, t, want);
            if (!p) {
                free(t);
                t = NULL;
                break;
            }
            t = p;
            cap = want;
        }
        memcpy(t + len, ic->str, ic->len);
        len += ic->len;
    }
    fy_token_iter_destroy(it);
    if (!t)
        return SCAR_ENOMEM; /* scar_malloc has raised it */
    if (err) {
        free(t);
        return SCAR_RAISE(r->d->ctx, SCAR_ENOMEM, "out of memory in the YAML parser");
    }
    t[len] = '\0';
    v->text = t;
    v->len = len;
    return SCAR_OK;
}

#define STR_TAG "tag:yaml.org,2002:str"

/* Builds the node that starts with ev (which it frees) and everything under it. */
static scar_status build(rd *r, struct fy_event *ev, int depth, scar_doc_node **out)
{
    scar_status st = SCAR_OK;
    scar_doc_node *v = NULL;
    scar_doc_node probe = {.type = SCAR_DOC_SCALAR};
    struct fy_token *tag = NULL;
    *out = NULL;
    event_pos(r, ev, &probe.line, &probe.col);
    switch (ev->type) {
    case FYET_SCALAR: tag = ev->scalar.tag; break;
    case FYET_MAPPING_START: tag = ev->mapping_start.tag; break;
    case FYET_SEQUENCE_START: tag = ev->sequence_start.tag; break;
    case FYET_ALIAS:
        st = scar_doc_fail(r->d, &probe, NULL,
                           "expected a value, found an alias; %ss do not use anchors and aliases",
                           r->d->what);
        goto done;
    default:
        st = scar_doc_fail(r->d, &probe, NULL, "expected a value, found the end of a collection");
        goto done;
    }
    if (depth > MAX_DEPTH) {
        st = scar_doc_fail(r->d, &probe, NULL, "expected at most %d levels of nesting, found more",
                           MAX_DEPTH);
        goto done;
    }
    bool str_tag = false;
    if (tag) {
        size_t tl = 0;
        const char *tt = fy_token_get_text(tag, &tl);
        if (ev->type == FYET_SCALAR && tt && tl == strlen(STR_TAG) &&
            memcmp(tt, STR_TAG, tl) == 0) {
            str_tag = true;
        } else {
            const struct fy_mark *m = fy_token_start_mark(tag);
            if (m && m->line >= 0 && m->column >= 0) {
                probe.line = m->line + 1;
                probe.col = m->column + 1;
            }
            st = scar_doc_fail(r->d, &probe, NULL, "expected an untagged value, found the tag %.*s",
                               tt ? (int)(tl > 60 ? 60 : tl) : 1, tt ? tt : "?");
            goto done;
        }
    }
    v = scar_calloc(r->d->ctx, 1, sizeof *v);
    if (!v) {
        st = SCAR_ENOMEM;
        goto done;
    }
    v->line = probe.line;
    v->col = probe.col;
    if (ev->type == FYET_SCALAR) {
        v->type = SCAR_DOC_SCALAR;
        v->quoted = str_tag || fy_token_scalar_style(ev->scalar.value) != FYSS_PLAIN;
        st = scalar_text(r, ev->scalar.value, v);
        goto done;
    }
    v->type = ev->type == FYET_MAPPING_START ? SCAR_DOC_MAP : SCAR_DOC_SEQ;
    enum fy_event_type end = v->type == SCAR_DOC_MAP ? FYET_MAPPING_END : FYET_SEQUENCE_END;
    size_t max_kids = v->type == SCAR_DOC_MAP ? 2 * (size_t)MAX_ENTRIES : (size_t)MAX_ENTRIES;
    fy_parser_event_free(r->fyp, ev);
    ev = NULL;
    for (;;) {
        struct fy_event *kev = fy_parser_parse(r->fyp);
        if (!kev) {
            st = syntax_error(r);
            goto done;
        }
        if (kev->type == end) {
            fy_parser_event_free(r->fyp, kev);
            break;
        }
        if (v->n >= max_kids) {
            event_pos(r, kev, &probe.line, &probe.col);
            fy_parser_event_free(r->fyp, kev);
            st =
                scar_doc_fail(r->d, &probe, NULL, "expected at most %d entries in a %s, found more",
                              MAX_ENTRIES, v->type == SCAR_DOC_MAP ? "mapping" : "list");
            goto done;
        }
        scar_doc_node *k = NULL;
        if ((st = build(r, kev, depth + 1, &k)))
            goto done;
        if ((st = push(r->d->ctx, v, k))) {
            node_free(k);
            goto done;
        }
    }
done:
    if (ev)
        fy_parser_event_free(r->fyp, ev);
    if (st) {
        node_free(v);
        return st;
    }
    *out = v;
    return SCAR_OK;
}

/* Parses one document into a tree; *root stays NULL for an empty stream. */
static scar_status load(rd *r, const char *text, size_t len, scar_doc_node **root)
{
    scar_status st = SCAR_OK;
    struct fy_event *ev = NULL;
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = swallow;
    dc.user = NULL;
    dc.level = FYET_ERROR;
    dc.colorize = false;
    *root = NULL;
    r->line = r->col = 1;
    r->diag = fy_diag_create(&dc);
    if (!r->diag)
        return SCAR_RAISE(r->d->ctx, SCAR_ENOMEM, "out of memory creating the YAML parser");
    fy_diag_set_collect_errors(r->diag, true);
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | (r->d->json ? FYPCF_JSON_FORCE : FYPCF_JSON_NONE);
    cfg.diag = r->diag;
    r->fyp = fy_parser_create(&cfg);
    if (!r->fyp || fy_parser_set_string(r->fyp, text, len) != 0) {
        st = SCAR_RAISE(r->d->ctx, SCAR_ENOMEM, "out of memory creating the YAML parser");
        goto done;
    }
    /* STREAM_START, then DOCUMENT_START or STREAM_END (nothing but comments). */
    for (int want = 0; want < 2; want++) {
        if (!(ev = fy_parser_parse(r->fyp))) {
            st = syntax_error(r);
            goto done;
        }
        if (ev->type == FYET_STREAM_END)
            goto done;
        fy_parser_event_free(r->fyp, ev);
        ev = NULL;
    }
    if (!(ev = fy_parser_parse(r->fyp))) {
        st = syntax_error(r);
        goto done;
    }
    st = build(r, ev, 0, root);
    ev = NULL;
    if (st)
        goto done;
    /* DOCUMENT_END, then the stream's end: a second document is refused. */
    for (int want = 0; want < 2; want++) {
        if (!(ev = fy_parser_parse(r->fyp))) {
            st = syntax_error(r);
            goto done;
        }
        if (ev->type == FYET_DOCUMENT_START) {
            scar_doc_node at = {.type = SCAR_DOC_SCALAR};
            event_pos(r, ev, &at.line, &at.col);
            st = scar_doc_fail(r->d, &at, NULL, "expected one document, found a second");
            goto done;
        }
        fy_parser_event_free(r->fyp, ev);
        ev = NULL;
    }
done:
    if (ev)
        fy_parser_event_free(r->fyp, ev);
    if (r->fyp)
        fy_parser_destroy(r->fyp);
    fy_diag_destroy(r->diag);
    r->fyp = NULL;
    r->diag = NULL;
    if (st) {
        node_free(*root);
        *root = NULL;
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* reading values                                                           */
/* ------------------------------------------------------------------------ */

bool scar_doc_is(const scar_doc_node *v, const char *s)
{
    return v->type == SCAR_DOC_SCALAR && v->len == strlen(s) && memcmp(v->text, s, v->len) == 0;
}

bool scar_doc_is_null(const scar_doc_node *v)
{
    return v->type == SCAR_DOC_SCALAR && !v->quoted &&
           (v->len == 0 || scar_doc_is(v, "~") || scar_doc_is(v, "null") ||
            scar_doc_is(v, "Null") || scar_doc_is(v, "NULL"));
}

static bool as_bool(const scar_doc_node *v, bool *out)
{
    if (v->type != SCAR_DOC_SCALAR || v->quoted)
        return false;
    if (scar_doc_is(v, "true") || scar_doc_is(v, "True") || scar_doc_is(v, "TRUE"))
        *out = true;
    else if (scar_doc_is(v, "false") || scar_doc_is(v, "False") || scar_doc_is(v, "FALSE"))
        *out = false;
    else
        return false;
    return true;
}

/* YAML 1.2 core-schema decimal numbers (JSON's are a subset). */
static bool number_text(const char *p, bool *integral)
{
    bool digits = false;
    *integral = true;
    if (*p == '+' || *p == '-')
        p++;
    for (; isdigit((unsigned char)*p); p++)
        digits = true;
    if (*p == '.') {
        *integral = false;
        for (p++; isdigit((unsigned char)*p); p++)
            digits = true;
    }
    if (!digits)
        return false;
    if (*p == 'e' || *p == 'E') {
        *integral = false;
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return *p == '\0';
}

static bool plain_text(const scar_doc_node *v)
{
    return v->type == SCAR_DOC_SCALAR && !v->quoted && strlen(v->text) == v->len;
}

bool scar_doc_as_number(const scar_doc_node *v, double *out)
{
    bool integral;
    if (!plain_text(v) || !number_text(v->text, &integral))
        return false;
    *out = strtod(v->text, NULL);
    return isfinite(*out);
}

/* An integer as written (2, not 2.0); one too large to hold saturates, so it
 * is refused by the range check with the text as written. */
static bool as_integer(const scar_doc_node *v, long long *out)
{
    bool integral;
    if (!plain_text(v) || !number_text(v->text, &integral) || !integral)
        return false;
    *out = strtoll(v->text, NULL, 10);
    return true;
}

/* What a node is, for "found ...": numbers and booleans as written, text in
 * quotes, shortened and with control characters replaced. */
const char *scar_doc_describe(const scar_doc_node *v, char *buf, size_t n)
{
    double x;
    bool b;
    if (!v)
        snprintf(buf, n, "none");
    else if (v->type == SCAR_DOC_MAP)
        snprintf(buf, n, "a mapping");
    else if (v->type == SCAR_DOC_SEQ)
        snprintf(buf, n, "a list");
    else if (scar_doc_is_null(v))
        snprintf(buf, n, "%s", v->len ? "null" : "nothing");
    else if (scar_doc_as_number(v, &x) || as_bool(v, &b))
        snprintf(buf, n, "%s", v->text);
    else {
        char s[48];
        size_t k = 0, max = 40;
        for (size_t i = 0; i < v->len && k < max; i++) {
            unsigned char c = (unsigned char)v->text[i];
            s[k++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
        }
        bool cut = v->len > k;
        if (cut) /* do not end inside a UTF-8 sequence */
            while (k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
                k--;
        if (cut && k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0xC0)
            k--;
        s[k] = '\0';
        snprintf(buf, n, "%s\"%s%s\"", v->quoted ? "the string " : "", s, cut ? "..." : "");
    }
    return buf;
}

/* "from 0.1 to 3 mm", "of at least 0 days". */
static const char *range_text(char *buf, size_t n, double lo, double hi, const char *unit)
{
    const char *sp = unit[0] ? " " : "";
    if (isinf(hi))
        snprintf(buf, n, "of at least %g%s%s", lo, sp, unit);
    else
        snprintf(buf, n, "from %g to %g%s%s", lo, hi, sp, unit);
    return buf;
}

scar_status scar_doc_number(const scar_doc *d, const scar_doc_node *v, const char *field, double lo,
                            double hi, const char *unit, double *out)
{
    char range[96], found[96];
    double x;
    range_text(range, sizeof range, lo, hi, unit);
    if (!scar_doc_as_number(v, &x))
        return scar_doc_fail(d, v, field, "expected a number %s, found %s", range,
                             scar_doc_describe(v, found, sizeof found));
    if (!(x >= lo && x <= hi))
        return scar_doc_fail(d, v, field, "expected a number %s, found %s", range, v->text);
    *out = x;
    return SCAR_OK;
}

scar_status scar_doc_int(const scar_doc *d, const scar_doc_node *v, const char *field, long long lo,
                         long long hi, int *out)
{
    char found[96];
    long long x;
    if (!as_integer(v, &x) || x < lo || x > hi)
        return scar_doc_fail(d, v, field, "expected an integer from %lld to %lld, found %s", lo, hi,
                             scar_doc_describe(v, found, sizeof found));
    *out = (int)x;
    return SCAR_OK;
}

scar_status scar_doc_u64(const scar_doc *d, const scar_doc_node *v, const char *field,
                         uint64_t *out)
{
    char found[96];
    const char *p = v->type == SCAR_DOC_SCALAR ? v->text : "";
    if (*p == '+')
        p++;
    bool ok = plain_text(v) && isdigit((unsigned char)*p);
    for (const char *q = p; ok && *q; q++)
        ok = isdigit((unsigned char)*q) != 0;
    if (ok) {
        errno = 0;
        unsigned long long x = strtoull(p, NULL, 10);
        ok = errno != ERANGE;
        *out = (uint64_t)x;
    }
    if (!ok)
        return scar_doc_fail(d, v, field, "expected an integer from 0 to %llu, found %s",
                             (unsigned long long)UINT64_MAX,
                             scar_doc_describe(v, found, sizeof found));
    return SCAR_OK;
}

scar_status scar_doc_bool(const scar_doc *d, const scar_doc_node *v, const char *field, bool *out)
{
    char found[96];
    if (!as_bool(v, out))
        return scar_doc_fail(d, v, field, "expected true or false, found %s",
                             scar_doc_describe(v, found, sizeof found));
    return SCAR_OK;
}

/* Text is a string however it is written, but a plain 12 or true is a
 * number or a boolean: refused, so that a value in the wrong place is not
 * taken for a name. */
scar_status scar_doc_string(const scar_doc *d, const scar_doc_node *v, const char *field,
                            const char *what, size_t max_bytes, const char **out)
{
    char found[96];
    double x;
    bool b;
    if (!scar_doc_is_name(v) || scar_doc_as_number(v, &x) || as_bool(v, &b))
        return scar_doc_fail(d, v, field, "expected %s, found %s", what,
                             scar_doc_describe(v, found, sizeof found));
    if (v->len > max_bytes)
        return scar_doc_fail(d, v, field, "expected %s of at most %zu bytes, found %zu bytes", what,
                             max_bytes, v->len);
    *out = v->text;
    return SCAR_OK;
}

/* A key or name usable as C text: a non-empty scalar without NUL bytes or
 * other control characters.  No valid name holds one, and a key's text goes
 * into the error's field, which must stay one line. */
bool scar_doc_is_name(const scar_doc_node *v)
{
    if (v->type != SCAR_DOC_SCALAR || scar_doc_is_null(v) || v->len == 0 ||
        strlen(v->text) != v->len)
        return false;
    for (size_t i = 0; i < v->len; i++)
        if ((unsigned char)v->text[i] < 0x20 || v->text[i] == 0x7f)
            return false;
    return true;
}

/* "parent.key" (or "key" at the top). */
const char *scar_doc_join(char *buf, size_t n, const char *parent, const char *key)
{
    if (parent && parent[0])
        snprintf(buf, n, "%s.%s", parent, key);
    else
        snprintf(buf, n, "%s", key);
    return buf;
}

/* ------------------------------------------------------------------------ */
/* names and suggestions                                                   */
/* ------------------------------------------------------------------------ */

static const char *name_at(const scar_doc_names *ns, size_t i)
{
    return ns->v ? ns->v[i] : ns->at(i);
}

/* True when the shorter of a and b (two characters at least) begins the
 * longer, ignoring case: "dx" for "dx_um", "stroke" for "stroke_hz". */
static bool prefix_related(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), k = na < nb ? na : nb;
    return k >= 2 && strncasecmp(a, b, k) == 0;
}

/* "; did you mean \"needle_mm\"?" when a name is within about a third of its
 * characters of a valid one, or begins it, else "". */
static const char *suggestion(char *buf, size_t n, const char *s, const scar_doc_names *ns)
{
    size_t len = strnlen(s, 63);
    unsigned limit = 2u * (unsigned)(len / 3 > 1 ? len / 3 : 1), best_d = ~0u;
    const char *best = NULL;
    for (size_t i = 0; i < ns->n; i++) {
        unsigned d = prefix_related(s, name_at(ns, i)) ? 1u : scar_edit_distance(s, name_at(ns, i));
        if (d < best_d) {
            best_d = d;
            best = name_at(ns, i);
        }
    }
    if (best && best_d <= limit)
        snprintf(buf, n, "; did you mean \"%s\"?", best);
    else
        buf[0] = '\0';
    return buf;
}

/* "a, b, c": the names whose bit is set in mask (SCAR_DOC_ALL_NAMES: every one). */
const char *scar_doc_list_text(char *buf, size_t n, const scar_doc_names *ns, unsigned mask)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ns->n && k < n; i++)
        if (mask == SCAR_DOC_ALL_NAMES || (i < 32 && (mask >> i & 1u))) {
            int w = snprintf(buf + k, n - k, "%s%s", k ? ", " : "", name_at(ns, i));
            k += w > 0 ? (size_t)w : 0;
        }
    return buf;
}

/* The index of v's text among ns, or a refusal listing them. */
scar_status scar_doc_name(const scar_doc *d, const scar_doc_node *v, const char *field,
                          const char *what, const scar_doc_names *ns, size_t *index)
{
    if (scar_doc_is_name(v))
        for (size_t i = 0; i < ns->n; i++)
            if (scar_doc_is(v, name_at(ns, i))) {
                *index = i;
                return SCAR_OK;
            }
    char list[400], found[96], hint[96];
    return scar_doc_fail(d, v, field, "expected %s: one of %s, found %s%s", what,
                         scar_doc_list_text(list, sizeof list, ns, SCAR_DOC_ALL_NAMES),
                         scar_doc_describe(v, found, sizeof found),
                         scar_doc_is_name(v) ? suggestion(hint, sizeof hint, v->text, ns) : "");
}
/* ------------------------------------------------------------------------ */
/* mappings                                                                 */
/* ------------------------------------------------------------------------ */

/* Refuses a value that is not a mapping; `what` lists what belongs in it. */
scar_status scar_doc_want_map(const scar_doc *d, const scar_doc_node *v, const char *field,
                              const char *what)
{
    char found[96];
    if (v->type != SCAR_DOC_MAP)
        return scar_doc_fail(d, v, field, "expected a mapping (%s), found %s", what,
                             scar_doc_describe(v, found, sizeof found));
    return SCAR_OK;
}

/* Every key of map must be a known name, and appear once.  Keys are checked
 * in order and the first bad one stops, so the earlier keys compared against
 * are distinct known names: the check is linear in the mapping's size. */
scar_status scar_doc_check_keys(const scar_doc *d, const scar_doc_node *map, const char *where,
                                const scar_doc_names *known)
{
    char field[160], found[96], list[400], hint[96];
    for (size_t i = 0; i < map->n; i += 2) {
        const scar_doc_node *k = map->kid[i];
        if (!scar_doc_is_name(k))
            return scar_doc_fail(d, k, where && where[0] ? where : NULL,
                                 "expected a key name (%s), found %s",
                                 scar_doc_list_text(list, sizeof list, known, SCAR_DOC_ALL_NAMES),
                                 scar_doc_describe(k, found, sizeof found));
        scar_doc_join(field, sizeof field, where, k->text);
        size_t j = 0;
        while (j < known->n && !scar_doc_is(k, name_at(known, j)))
            j++;
        if (j == known->n)
            return scar_doc_fail(d, k, field, "expected a key of %s%s (%s), found \"%s\"%s",
                                 where && where[0] ? "" : "the ",
                                 where && where[0] ? where : d->what,
                                 scar_doc_list_text(list, sizeof list, known, SCAR_DOC_ALL_NAMES),
                                 k->text, suggestion(hint, sizeof hint, k->text, known));
        for (size_t p = 0; p < i; p += 2)
            if (scar_doc_is(map->kid[p], k->text))
                return scar_doc_fail(d, k, field,
                                     "expected each key once, found %s again (first at line %ld, "
                                     "column %ld)",
                                     k->text, map->kid[p]->line, map->kid[p]->col);
    }
    return SCAR_OK;
}

/* The value under key, or NULL when the key is absent; *key_node (may be
 * NULL) receives the key. */
const scar_doc_node *scar_doc_lookup(const scar_doc_node *map, const char *key,
                                     const scar_doc_node **key_node)
{
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (scar_doc_is(map->kid[i], key)) {
            if (key_node)
                *key_node = map->kid[i];
            return map->kid[i + 1];
        }
    return NULL;
}

/* An optional value: NULL when absent or null (docs: null means "not given"). */
const scar_doc_node *scar_doc_opt(const scar_doc_node *map, const char *key)
{
    const scar_doc_node *v = scar_doc_lookup(map, key, NULL);
    return v && !scar_doc_is_null(v) ? v : NULL;
}

scar_status scar_doc_one_of(const scar_doc *d, const scar_doc_node *map, const char *where,
                            const scar_doc_names *choices, const char *what, size_t *index,
                            const scar_doc_node **value)
{
    char field[160];
    const scar_doc_node *first = NULL; /* the key of the first choice found */
    for (size_t i = 0; i < choices->n; i++) {
        const scar_doc_node *k = NULL, *v = scar_doc_lookup(map, name_at(choices, i), &k);
        if (!v)
            continue;
        if (first) {
            /* refused at the one written second, naming the one written first */
            bool k_last = k->line > first->line || (k->line == first->line && k->col > first->col);
            const scar_doc_node *later = k_last ? k : first, *earlier = k_last ? first : k;
            return scar_doc_fail(d, later, scar_doc_join(field, sizeof field, where, later->text),
                                 "expected either %s, found %s (%s at line %ld, column %ld)", what,
                                 choices->n == 2 ? "both" : "more than one", earlier->text,
                                 earlier->line, earlier->col);
        }
        first = k;
        *index = i;
        *value = v;
    }
    if (!first)
        return scar_doc_fail(d, map, where, "expected %s, found %s", what,
                             choices->n == 2 ? "neither" : "none");
    return SCAR_OK;
}

/* A required value: refused, at the mapping, when absent. */
scar_status scar_doc_req(const scar_doc *d, const scar_doc_node *map, const char *where,
                         const char *key, const char *what, const scar_doc_node **out)
{
    char field[160];
    *out = scar_doc_lookup(map, key, NULL);
    if (!*out)
        return scar_doc_fail(d, map, scar_doc_join(field, sizeof field, where, key),
                             "expected the key %s (%s), found none", key, what);
    return SCAR_OK;
}

/* Optional number: *out keeps its default when absent. */
scar_status scar_doc_opt_number(const scar_doc *d, const scar_doc_node *map, const char *where,
                                const char *key, double lo, double hi, const char *unit,
                                double *out)
{
    char field[160];
    const scar_doc_node *v = scar_doc_opt(map, key);
    return v ? scar_doc_number(d, v, scar_doc_join(field, sizeof field, where, key), lo, hi, unit,
                               out)
             : SCAR_OK;
}
/* The offset of the first byte that is not well-formed UTF-8 (RFC 3629
 * table 3.1B: no overlong forms, surrogates or code points past U+10FFFF),
 * or len when there is none. */
static size_t utf8_bad(const unsigned char *t, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = t[i], lo = 0x80, hi = 0xBF;
        size_t n;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        else
            return i;
        if (len - i - 1 < n || t[i + 1] < lo || t[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= n; k++)
            if (t[i + k] < 0x80 || t[i + k] > 0xBF)
                return i;
        i += n + 1;
    }
    return len;
}

/* JSON and YAML are Unicode text; ill-formed UTF-8 is refused before
 * libfyaml sees it, as the libfyaml 0.7.12 of Debian 12 loops forever on a
 * directive line holding it ("%a\xfe"; libfyaml issue #101, fixed after
 * 0.7.12): a four-byte scenario would hang the web API. */
static scar_status check_utf8(const scar_doc *d, const char *text, size_t len)
{
    size_t bad = utf8_bad((const unsigned char *)text, len), start = 0;
    if (bad == len)
        return SCAR_OK;
    long line = 1;
    for (size_t i = 0; i < bad; i++)
        if (text[i] == '\n') {
            line++;
            start = i + 1;
        }
    return SCAR_RAISE_AT(d->ctx, SCAR_EINPUT, d->file, line, (long)(bad - start) + 1, NULL,
                         "expected UTF-8 text, found the byte 0x%02X (save the %s as UTF-8)",
                         (unsigned char)text[bad], d->what);
}

static bool json_name(const char *name)
{
    size_t n = strlen(name);
    return n >= 5 && strcasecmp(name + n - 5, ".json") == 0;
}

/* ------------------------------------------------------------------------ */
/* the document                                                             */
/* ------------------------------------------------------------------------ */

scar_status scar_doc_create(scar_ctx *ctx, const char *text, size_t len, const char *name,
                            const char *what, size_t max_bytes, scar_doc **out)
{
    *out = NULL;
    if (len > max_bytes)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, name, 0, 0, NULL,
                             "expected a %s of at most %zu bytes, found %zu bytes", what, max_bytes,
                             len);
    scar_status st = SCAR_ENOMEM;
    scar_doc *d = scar_calloc(ctx, 1, sizeof *d);
    if (!d)
        return SCAR_ENOMEM;
    rd r = {.d = d};
    d->ctx = ctx;
    d->what = what;
    d->json = json_name(name);
    if (!(d->file = scar_strdup(ctx, name)) || (st = check_utf8(d, text, len)))
        goto fail;
    if (len > 0 && (st = load(&r, text, len, &d->root)))
        goto fail;
    *out = d;
    return SCAR_OK;
fail:
    scar_doc_destroy(&d);
    return st;
}

void scar_doc_destroy(scar_doc **doc)
{
    if (!doc || !*doc)
        return;
    node_free((*doc)->root);
    free((*doc)->file);
    free(*doc);
    *doc = NULL;
}

scar_status scar_doc_parse(scar_ctx *ctx, const char *text, size_t len, const char *name,
                           const char *what, size_t max_bytes, const scar_doc_files *files,
                           scar_doc_reader read, void *out)
{
    scar_doc *d = NULL;
    scar_status st = scar_doc_create(ctx, text, len, name, what, max_bytes, &d);
    if (!st) {
        d->files = files;
        st = read(d, out);
    }
    scar_doc_destroy(&d);
    return st;
}

scar_status scar_doc_read(scar_ctx *ctx, const char *path, const char *what, size_t max_bytes,
                          scar_doc_reader read, void *out)
{
    char *buf = NULL;
    size_t n = 0;
    scar_status st = scar_read_text(ctx, path, max_bytes, what, &buf, &n);
    if (!st)
        st = scar_doc_parse(ctx, buf, n, path, what, max_bytes, NULL, read, out);
    free(buf);
    return st;
}
