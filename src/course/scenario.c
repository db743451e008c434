/*
 * scenario.c — reads the scenario of `scarsim run` (docs/scenario.md).
 *
 * Two stages.  First libfyaml's event parser turns the text into a small
 * tree of our own, each node carrying its 1-based line and column: the
 * libfyaml 0.7 on the build machines has no public way to ask a document
 * node where it starts, while every event carries its mark.  Owning the tree
 * also puts every allocation behind scar_malloc, so allocation-failure tests
 * reach all of it.  Second, the tree is checked key by key against the
 * schema below; every refusal names the file, the node's position and the
 * dotted field, and says what was expected and what was found.
 *
 * libfyaml's diagnostics are collected (never printed) and its first error
 * becomes the one-line scar_error.  Aliases are refused: no scenario needs
 * them, and refusing them closes the door on alias bombs from the web API.
 */
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The schema nests four levels (skin.synth.scars.boxcar); anything much
 * deeper is not a scenario, and the limit keeps the recursion shallow. */
enum { MAX_DEPTH = 16, MAX_ENTRIES = 4096 };

/* Defaults that the parameter table does not hold (docs/scenario.md says
 * where each comes from). */
#define DEFAULT_AGE_Y 28.0 /* the DESIGN.md example patient */
#define DEFAULT_FOLLOW_UP_WEEKS 12.0
#define HOME_ROLLER_MAX_MM 0.5

/* ------------------------------------------------------------------------ */
/* the tree                                                                 */
/* ------------------------------------------------------------------------ */

typedef enum ntype { N_SCALAR = 0, N_MAP, N_SEQ } ntype;

typedef struct node {
    ntype type;
    long line, col; /* 1-based; a quoted scalar starts at its quote */
    bool quoted;    /* quoted, block or !!str scalar: a string whatever it reads */
    char *text;     /* scalar: NUL-terminated copy */
    size_t len;
    struct node **kid; /* map: key, value, key, value, ...; sequence: items */
    size_t n, cap;
} node;

static void node_free(node *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++)
        node_free(v->kid[i]);
    free(v->kid);
    free(v->text);
    free(v);
}

typedef struct rd {
    scar_ctx *ctx;
    const char *file; /* the name in messages */
    bool json;
    struct fy_parser *fyp;
    struct fy_diag *diag;
    long line, col; /* the last position libfyaml gave */
} rd;

static scar_status fail(rd *r, const node *at, const char *field, const char *fmt, ...)
    SCAR_PRINTF(4, 5);
static scar_status fail(rd *r, const node *at, const char *field, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return SCAR_RAISE_AT(r->ctx, SCAR_EINPUT, r->file, at ? at->line : 0, at ? at->col : 0, field,
                         "%s", msg);
}

/* The first error libfyaml collected, with its own line and column (the
 * collected ones are 1-based). */
static scar_status syntax_error(rd *r)
{
    const char *lang = r->json ? "JSON" : "YAML";
    void *it = NULL;
    struct fy_diag_error *e;
    while ((e = fy_diag_errors_iterate(r->diag, &it)))
        if (e->type == FYET_ERROR)
            return SCAR_RAISE_AT(r->ctx, SCAR_EINPUT, r->file, e->line, e->column, NULL,
                                 "invalid %s: %s", lang, e->msg ? e->msg : "syntax error");
    return SCAR_RAISE_AT(r->ctx, SCAR_EINPUT, r->file, r->line, r->col, NULL,
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

static scar_status push(scar_ctx *ctx, node *v, node *k)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 8;
        node **kid = scar_realloc(ctx, v->kid, cap * sizeof *kid);
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
static scar_status scalar_text(rd *r, struct fy_token *tok, node *v)
{
    struct fy_token_iter *it = fy_token_iter_create(tok);
    if (!it)
        return SCAR_RAISE(r->ctx, SCAR_ENOMEM, "out of memory in the YAML parser");
    size_t len = 0, cap = 64;
    char *t = scar_malloc(r->ctx, cap);
    const struct fy_iter_chunk *ic = NULL;
    int err = 0;
    while (t && (ic = fy_token_iter_chunk_next(it, ic, &err))) {
        if (ic->len >= cap - len) { /* room for the chunk and the NUL */
            size_t want = 2 * cap > len + ic->len + 1 ? 2 * cap : len + ic->len + 1;
            char *p = scar_realloc(r->ctx, t, want);
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
        return SCAR_RAISE(r->ctx, SCAR_ENOMEM, "out of memory in the YAML parser");
    }
    t[len] = '\0';
    v->text = t;
    v->len = len;
    return SCAR_OK;
}

#define STR_TAG "tag:yaml.org,2002:str"

/* Builds the node that starts with ev (which it frees) and everything under it. */
static scar_status build(rd *r, struct fy_event *ev, int depth, node **out)
{
    scar_status st = SCAR_OK;
    node *v = NULL;
    node probe = {.type = N_SCALAR};
    struct fy_token *tag = NULL;
    *out = NULL;
    event_pos(r, ev, &probe.line, &probe.col);
    switch (ev->type) {
    case FYET_SCALAR: tag = ev->scalar.tag; break;
    case FYET_MAPPING_START: tag = ev->mapping_start.tag; break;
    case FYET_SEQUENCE_START: tag = ev->sequence_start.tag; break;
    case FYET_ALIAS:
        st = fail(r, &probe, NULL,
                  "expected a value, found an alias; scenarios do not use anchors and aliases");
        goto done;
    default:
        st = fail(r, &probe, NULL, "expected a value, found the end of a collection");
        goto done;
    }
    if (depth > MAX_DEPTH) {
        st = fail(r, &probe, NULL, "expected at most %d levels of nesting, found more", MAX_DEPTH);
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
            st = fail(r, &probe, NULL, "expected an untagged value, found the tag %.*s",
                      tt ? (int)(tl > 60 ? 60 : tl) : 1, tt ? tt : "?");
            goto done;
        }
    }
    v = scar_calloc(r->ctx, 1, sizeof *v);
    if (!v) {
        st = SCAR_ENOMEM;
        goto done;
    }
    v->line = probe.line;
    v->col = probe.col;
    if (ev->type == FYET_SCALAR) {
        v->type = N_SCALAR;
        v->quoted = str_tag || fy_token_scalar_style(ev->scalar.value) != FYSS_PLAIN;
        st = scalar_text(r, ev->scalar.value, v);
        goto done;
    }
    v->type = ev->type == FYET_MAPPING_START ? N_MAP : N_SEQ;
    enum fy_event_type end = v->type == N_MAP ? FYET_MAPPING_END : FYET_SEQUENCE_END;
    size_t max_kids = v->type == N_MAP ? 2 * (size_t)MAX_ENTRIES : (size_t)MAX_ENTRIES;
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
            st = fail(r, &probe, NULL, "expected at most %d entries in a %s, found more",
                      MAX_ENTRIES, v->type == N_MAP ? "mapping" : "list");
            goto done;
        }
        node *k = NULL;
        if ((st = build(r, kev, depth + 1, &k)))
            goto done;
        if ((st = push(r->ctx, v, k))) {
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
static scar_status load(rd *r, const char *text, size_t len, node **root)
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
        return SCAR_RAISE(r->ctx, SCAR_ENOMEM, "out of memory creating the YAML parser");
    fy_diag_set_collect_errors(r->diag, true);
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | (r->json ? FYPCF_JSON_FORCE : FYPCF_JSON_NONE);
    cfg.diag = r->diag;
    r->fyp = fy_parser_create(&cfg);
    if (!r->fyp || fy_parser_set_string(r->fyp, text, len) != 0) {
        st = SCAR_RAISE(r->ctx, SCAR_ENOMEM, "out of memory creating the YAML parser");
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
            node at = {.type = N_SCALAR};
            event_pos(r, ev, &at.line, &at.col);
            st = fail(r, &at, NULL, "expected one document, found a second");
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

static bool is(const node *v, const char *s)
{
    return v->type == N_SCALAR && v->len == strlen(s) && memcmp(v->text, s, v->len) == 0;
}

static bool is_null(const node *v)
{
    return v->type == N_SCALAR && !v->quoted &&
           (v->len == 0 || is(v, "~") || is(v, "null") || is(v, "Null") || is(v, "NULL"));
}

static bool as_bool(const node *v, bool *out)
{
    if (v->type != N_SCALAR || v->quoted)
        return false;
    if (is(v, "true") || is(v, "True") || is(v, "TRUE"))
        *out = true;
    else if (is(v, "false") || is(v, "False") || is(v, "FALSE"))
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

static bool plain_text(const node *v)
{
    return v->type == N_SCALAR && !v->quoted && strlen(v->text) == v->len;
}

static bool as_number(const node *v, double *out)
{
    bool integral;
    if (!plain_text(v) || !number_text(v->text, &integral))
        return false;
    *out = strtod(v->text, NULL);
    return isfinite(*out);
}

/* An integer as written (2, not 2.0); one too large to hold saturates, so it
 * is refused by the range check with the text as written. */
static bool as_integer(const node *v, long long *out)
{
    bool integral;
    if (!plain_text(v) || !number_text(v->text, &integral) || !integral)
        return false;
    *out = strtoll(v->text, NULL, 10);
    return true;
}

/* What a node is, for "found ...": numbers and booleans as written, text in
 * quotes, shortened and with control characters replaced. */
static const char *describe(const node *v, char *buf, size_t n)
{
    double x;
    bool b;
    if (!v)
        snprintf(buf, n, "none");
    else if (v->type == N_MAP)
        snprintf(buf, n, "a mapping");
    else if (v->type == N_SEQ)
        snprintf(buf, n, "a list");
    else if (is_null(v))
        snprintf(buf, n, "%s", v->len ? "null" : "nothing");
    else if (as_number(v, &x) || as_bool(v, &b))
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

static scar_status get_number(rd *r, const node *v, const char *field, double lo, double hi,
                              const char *unit, double *out)
{
    char range[96], found[96];
    double x;
    range_text(range, sizeof range, lo, hi, unit);
    if (!as_number(v, &x))
        return fail(r, v, field, "expected a number %s, found %s", range,
                    describe(v, found, sizeof found));
    if (!(x >= lo && x <= hi))
        return fail(r, v, field, "expected a number %s, found %s", range, v->text);
    *out = x;
    return SCAR_OK;
}

static scar_status get_int(rd *r, const node *v, const char *field, long long lo, long long hi,
                           int *out)
{
    char found[96];
    long long x;
    if (!as_integer(v, &x) || x < lo || x > hi)
        return fail(r, v, field, "expected an integer from %lld to %lld, found %s", lo, hi,
                    describe(v, found, sizeof found));
    *out = (int)x;
    return SCAR_OK;
}

static scar_status get_u64(rd *r, const node *v, const char *field, uint64_t *out)
{
    char found[96];
    const char *p = v->type == N_SCALAR ? v->text : "";
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
        return fail(r, v, field, "expected an integer from 0 to %llu, found %s",
                    (unsigned long long)UINT64_MAX, describe(v, found, sizeof found));
    return SCAR_OK;
}

static scar_status get_bool(rd *r, const node *v, const char *field, bool *out)
{
    char found[96];
    if (!as_bool(v, out))
        return fail(r, v, field, "expected true or false, found %s",
                    describe(v, found, sizeof found));
    return SCAR_OK;
}

/* A key or name usable as C text: a non-empty scalar without NUL bytes or
 * other control characters.  No valid name holds one, and a key's text goes
 * into the error's field, which must stay one line. */
static bool is_name(const node *v)
{
    if (v->type != N_SCALAR || is_null(v) || v->len == 0 || strlen(v->text) != v->len)
        return false;
    for (size_t i = 0; i < v->len; i++)
        if ((unsigned char)v->text[i] < 0x20 || v->text[i] == 0x7f)
            return false;
    return true;
}

/* "parent.key" (or "key" at the top). */
static const char *join(char *buf, size_t n, const char *parent, const char *key)
{
    if (parent && parent[0])
        snprintf(buf, n, "%s.%s", parent, key);
    else
        snprintf(buf, n, "%s", key);
    return buf;
}

/* ------------------------------------------------------------------------ */
/* names and suggestions                                                    */
/* ------------------------------------------------------------------------ */

/* A list of valid names: a table, or a function for the library's own
 * (devices, adjuncts, regions). */
typedef struct names {
    const char *const *v;
    const char *(*at)(size_t i);
    size_t n;
} names;

static const char *name_at(const names *ns, size_t i)
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
static const char *suggestion(char *buf, size_t n, const char *s, const names *ns)
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

/* "a, b, c": the names whose bit is set in mask (ALL_NAMES: every one). */
#define ALL_NAMES (~0u)
static const char *list_text(char *buf, size_t n, const names *ns, unsigned mask)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ns->n && k < n; i++)
        if (mask == ALL_NAMES || (i < 32 && (mask >> i & 1u))) {
            int w = snprintf(buf + k, n - k, "%s%s", k ? ", " : "", name_at(ns, i));
            k += w > 0 ? (size_t)w : 0;
        }
    return buf;
}

/* The index of v's text among ns, or a refusal listing them. */
static scar_status get_name(rd *r, const node *v, const char *field, const char *what,
                            const names *ns, size_t *index)
{
    if (is_name(v))
        for (size_t i = 0; i < ns->n; i++)
            if (is(v, name_at(ns, i))) {
                *index = i;
                return SCAR_OK;
            }
    char list[400], found[96], hint[96];
    return fail(r, v, field, "expected %s: one of %s, found %s%s", what,
                list_text(list, sizeof list, ns, ALL_NAMES), describe(v, found, sizeof found),
                is_name(v) ? suggestion(hint, sizeof hint, v->text, ns) : "");
}

static const char *device_at(size_t i)
{
    return scar_device_name((scar_device_kind)i);
}
static const char *adjunct_at(size_t i)
{
    return scar_adjunct_name((scar_adjunct)i);
}
static const char *region_at(size_t i)
{
    return scar_region_at(i)->name;
}
static const char *type_at(size_t i)
{
    return scar_type_name((scar_type)i);
}

/* ------------------------------------------------------------------------ */
/* mappings                                                                 */
/* ------------------------------------------------------------------------ */

/* Refuses a value that is not a mapping; `what` lists what belongs in it. */
static scar_status want_map(rd *r, const node *v, const char *field, const char *what)
{
    char found[96];
    if (v->type != N_MAP)
        return fail(r, v, field, "expected a mapping (%s), found %s", what,
                    describe(v, found, sizeof found));
    return SCAR_OK;
}

/* Every key of map must be a known name, and appear once.  Keys are checked
 * in order and the first bad one stops, so the earlier keys compared against
 * are distinct known names: the check is linear in the mapping's size. */
static scar_status check_keys(rd *r, const node *map, const char *where, const names *known)
{
    char field[160], found[96], list[400], hint[96];
    for (size_t i = 0; i < map->n; i += 2) {
        const node *k = map->kid[i];
        if (!is_name(k))
            return fail(
                r, k, where && where[0] ? where : NULL, "expected a key name (%s), found %s",
                list_text(list, sizeof list, known, ALL_NAMES), describe(k, found, sizeof found));
        join(field, sizeof field, where, k->text);
        size_t j = 0;
        while (j < known->n && !is(k, name_at(known, j)))
            j++;
        if (j == known->n)
            return fail(r, k, field, "expected a key of %s (%s), found \"%s\"%s",
                        where && where[0] ? where : "the scenario",
                        list_text(list, sizeof list, known, ALL_NAMES), k->text,
                        suggestion(hint, sizeof hint, k->text, known));
        for (size_t p = 0; p < i; p += 2)
            if (is(map->kid[p], k->text))
                return fail(r, k, field,
                            "expected each key once, found %s again (first at line %ld, "
                            "column %ld)",
                            k->text, map->kid[p]->line, map->kid[p]->col);
    }
    return SCAR_OK;
}

/* The value under key, or NULL when the key is absent; *key_node (may be
 * NULL) receives the key. */
static const node *lookup(const node *map, const char *key, const node **key_node)
{
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (is(map->kid[i], key)) {
            if (key_node)
                *key_node = map->kid[i];
            return map->kid[i + 1];
        }
    return NULL;
}

/* An optional value: NULL when absent or null (docs: null means "not given"). */
static const node *opt(const node *map, const char *key)
{
    const node *v = lookup(map, key, NULL);
    return v && !is_null(v) ? v : NULL;
}

/* A required value: refused, at the mapping, when absent. */
static scar_status req(rd *r, const node *map, const char *where, const char *key, const char *what,
                       const node **out)
{
    char field[160];
    *out = lookup(map, key, NULL);
    if (!*out)
        return fail(r, map, join(field, sizeof field, where, key),
                    "expected the key %s (%s), found none", key, what);
    return SCAR_OK;
}

/* Optional number: *out keeps its default when absent. */
static scar_status opt_number(rd *r, const node *map, const char *where, const char *key, double lo,
                              double hi, const char *unit, double *out)
{
    char field[160];
    const node *v = opt(map, key);
    return v ? get_number(r, v, join(field, sizeof field, where, key), lo, hi, unit, out) : SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* params                                                                   */
/* ------------------------------------------------------------------------ */

/* Defaults + overrides through scar_params_set (each located at its value),
 * then the cross-row checks, located at the override they name. */
static scar_status read_params(rd *r, const node *pm, scar_scenario *s)
{
    char field[160], found[96];
    scar_status st = scar_params_create(r->ctx, &s->params);
    if (st)
        return st;
    if (pm) {
        if ((st = want_map(r, pm, "params", "parameter names with values")))
            return st;
        for (size_t i = 0; i < pm->n; i += 2) {
            const node *k = pm->kid[i], *v = pm->kid[i + 1];
            if (!is_name(k))
                return fail(r, k, "params", "expected a parameter name, found %s",
                            describe(k, found, sizeof found));
            join(field, sizeof field, "params", k->text);
            for (size_t p = 0; p < i; p += 2)
                if (is(pm->kid[p], k->text))
                    return fail(r, k, field,
                                "expected each parameter once, found %s again (first at line "
                                "%ld, column %ld)",
                                k->text, pm->kid[p]->line, pm->kid[p]->col);
            double x = 0.0;
            if (scar_params_find(k->text) >= 0 && !as_number(v, &x))
                return fail(r, v, field, "expected a number, found %s",
                            describe(v, found, sizeof found));
            /* an unknown name is reported at the name, a bad value at the value */
            const node *at = scar_params_find(k->text) >= 0 ? v : k;
            if ((st = scar_params_set(r->ctx, s->params, k->text, x, r->file, at->line, at->col)))
                return st;
        }
    }
    if ((st = scar_params_check(r->ctx, s->params))) {
        /* scar_params_check knows the field, not the file: point at the
         * override it names, else at the params mapping. */
        scar_error *e = &r->ctx->err;
        const node *at = pm;
        if (pm && pm->type == N_MAP && strncmp(e->field, "params.", 7) == 0) {
            const node *v = lookup(pm, e->field + 7, NULL);
            if (v)
                at = v;
        }
        scar_strlcpy(e->file, r->file, sizeof e->file);
        e->line = at ? at->line : 0;
        e->col = at ? at->col : 0;
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* skin                                                                     */
/* ------------------------------------------------------------------------ */

static const char *const synth_keys[] = {"scars",   "size_mm",  "px_um", "seed",
                                         "texture", "noise_um", "form"};
static const names synth_names = {synth_keys, NULL, sizeof synth_keys / sizeof *synth_keys};

static scar_status read_synth(rd *r, const node *sy, scar_synth_spec *spec)
{
    const char *where = "skin.synth";
    char field[160], found[96];
    scar_status st;
    scar_synth_spec_default(spec);
    if ((st = want_map(r, sy, where, "scars, size_mm, px_um, seed")) ||
        (st = check_keys(r, sy, where, &synth_names)))
        return st;
    const node *sc = opt(sy, "scars");
    if (sc) {
        const names types = {NULL, type_at, SCAR_TYPE_COUNT};
        const char *sw = "skin.synth.scars";
        if ((st = want_map(r, sc, sw, "icepick, boxcar, rolling, hypertrophic: counts")) ||
            (st = check_keys(r, sc, sw, &types)))
            return st;
        /* the types listed are the scars wanted: the others are none */
        for (int t = 0; t < SCAR_TYPE_COUNT; t++) {
            const char *name = scar_type_name((scar_type)t);
            const node *v = opt(sc, name);
            spec->counts[t] = 0;
            if (v && (st = get_int(r, v, join(field, sizeof field, sw, name), 0, 1000,
                                   &spec->counts[t])))
                return st;
        }
    }
    const node *sz = opt(sy, "size_mm");
    if (sz) {
        if (sz->type != N_SEQ)
            return fail(r, sz, "skin.synth.size_mm",
                        "expected two numbers [width, height] in mm, found %s",
                        describe(sz, found, sizeof found));
        if (sz->n != 2)
            return fail(r, sz, "skin.synth.size_mm",
                        "expected two numbers [width, height] in mm, found a list of %zu", sz->n);
        double *dst[2] = {&spec->width_mm, &spec->height_mm};
        for (size_t i = 0; i < 2; i++) {
            snprintf(field, sizeof field, "skin.synth.size_mm[%zu]", i);
            if ((st = get_number(r, sz->kid[i], field, 1.0, 100.0, "mm", dst[i])))
                return st;
        }
    }
    const node *seed = opt(sy, "seed");
    if ((st = opt_number(r, sy, where, "px_um", 1.0, 1000.0, "um", &spec->px_um)) ||
        (seed && (st = get_u64(r, seed, "skin.synth.seed", &spec->seed))) ||
        (st = opt_number(r, sy, where, "texture", 0.0, 100.0, "", &spec->texture)) ||
        (st = opt_number(r, sy, where, "noise_um", 0.0, 1000.0, "um", &spec->noise_um)) ||
        (st = opt_number(r, sy, where, "form", 0.0, 10.0, "", &spec->form)))
        return st;
    return SCAR_OK;
}

/* A relative surface path is relative to the scenario's folder. */
static scar_status read_surface(rd *r, const node *v, scar_scenario *s)
{
    const char *field = "skin.surface";
    char found[96];
    if (!is_name(v))
        return fail(r, v, field, "expected the path of a height-map file, found %s",
                    describe(v, found, sizeof found));
    const char *slash = strrchr(r->file, '/');
    size_t dir = v->text[0] != '/' && slash ? (size_t)(slash - r->file) + 1 : 0;
    s->surface_path = scar_malloc(r->ctx, dir + v->len + 1);
    if (!s->surface_path)
        return SCAR_ENOMEM;
    memcpy(s->surface_path, r->file, dir);
    memcpy(s->surface_path + dir, v->text, v->len + 1);
    struct stat sb;
    if (stat(s->surface_path, &sb) != 0 || access(s->surface_path, R_OK) != 0)
        return fail(r, v, field, "expected a readable height-map file, found \"%s\" (%s: %s)",
                    v->text, s->surface_path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return fail(r, v, field, "expected a height-map file, found \"%s\", which is not a file",
                    v->text);
    /* the run reads it by its extension (scar_heightmap_read, format auto) */
    if (scar_format_from_path(s->surface_path) == SCAR_FMT_AUTO)
        return fail(r, v, field,
                    "expected a height-map file ending in .gsf, .x3p, .png or .csv, found \"%s\"",
                    v->text);
    return SCAR_OK;
}

static const char *const skin_keys[] = {"synth", "surface", "region", "fitzpatrick", "age"};
static const names skin_names = {skin_keys, NULL, sizeof skin_keys / sizeof *skin_keys};

static scar_status read_skin(rd *r, const node *sk, scar_scenario *s)
{
    scar_status st;
    if ((st = want_map(r, sk, "skin", "synth or surface, region, fitzpatrick, age")) ||
        (st = check_keys(r, sk, "skin", &skin_names)))
        return st;
    const node *ksy = NULL, *ksu = NULL;
    const node *sy = lookup(sk, "synth", &ksy), *su = lookup(sk, "surface", &ksu);
    if (sy && su) {
        bool synth_last = ksy->line > ksu->line || (ksy->line == ksu->line && ksy->col > ksu->col);
        const node *second = synth_last ? ksy : ksu, *first = synth_last ? ksu : ksy;
        return fail(r, second, synth_last ? "skin.synth" : "skin.surface",
                    "expected either synth (a synthetic skin) or surface (a measured height "
                    "map), found both (%s at line %ld, column %ld)",
                    synth_last ? "surface" : "synth", first->line, first->col);
    }
    if (!sy && !su)
        return fail(r, sk, "skin",
                    "expected synth (a synthetic skin) or surface (a measured height map), "
                    "found neither");
    s->has_synth = sy != NULL;
    scar_synth_spec_default(&s->synth);
    if ((st = sy ? read_synth(r, sy, &s->synth) : read_surface(r, su, s)))
        return st;

    s->region = scar_region_find("cheek");
    const node *v = opt(sk, "region");
    if (v) {
        const names regions = {NULL, region_at, scar_region_count()};
        size_t i = 0;
        if ((st = get_name(r, v, "skin.region", "a facial region", &regions, &i)))
            return st;
        s->region = scar_region_at(i);
    }
    if ((st = req(r, sk, "skin", "fitzpatrick", "the Fitzpatrick skin type, 1 to 6", &v)) ||
        (st = get_int(r, v, "skin.fitzpatrick", 1, 6, &s->fitzpatrick)))
        return st;
    s->age_y = DEFAULT_AGE_Y;
    return opt_number(r, sk, "skin", "age", 12.0, 100.0, "years", &s->age_y);
}

/* ------------------------------------------------------------------------ */
/* protocol                                                                 */
/* ------------------------------------------------------------------------ */

#define KIND(k) (1u << (k))
#define ALL_KINDS (KIND(SCAR_DEV_COUNT) - 1u)
#define ROLLERS (KIND(SCAR_DEV_ROLLER) | KIND(SCAR_DEV_HOME_ROLLER))
#define PER_AREA                                                                                   \
    (KIND(SCAR_DEV_STAMP) | KIND(SCAR_DEV_RF_MICRONEEDLE) | KIND(SCAR_DEV_FRACTIONAL_LASER))

/* device_settings: the scar_device fields a scenario may set.  A range comes
 * from the parameter table's row when `param` is given, else it is a
 * plausibility bound (docs/scenario.md).  A setting of another kind of
 * device is refused rather than ignored. */
typedef enum setting_type { SET_REAL = 0, SET_INT, SET_BOOL } setting_type;

typedef struct setting {
    const char *key;
    size_t off;
    setting_type type;
    double lo, hi;
    const char *unit;
    const char *param; /* the parameter-table row giving the range, or NULL */
    unsigned kinds;
} setting;

static const setting settings[] = {
    {"needles", offsetof(scar_device, needles), SET_INT, 1, 5000, "", NULL, ALL_KINDS},
    {"needle_radius_mm", offsetof(scar_device, needle_radius_mm), SET_REAL, 0, 0, "mm", "r_n",
     ALL_KINDS},
    {"f_pen", offsetof(scar_device, f_pen), SET_REAL, 0, 0, "", "f_pen", ALL_KINDS},
    {"scar_multiplier", offsetof(scar_device, scar_multiplier), SET_REAL, 0, 0, "", "m_scar",
     ALL_KINDS},
    {"drum_diameter_mm", offsetof(scar_device, drum_diameter_mm), SET_REAL, 5, 50, "mm", NULL,
     ROLLERS},
    {"drum_width_mm", offsetof(scar_device, drum_width_mm), SET_REAL, 5, 50, "mm", NULL, ROLLERS},
    {"stroke_hz", offsetof(scar_device, stroke_hz), SET_REAL, 1, 300, "Hz", NULL, KIND(SCAR_DEV_PEN)},
    {"speed_mm_s", offsetof(scar_device, speed_mm_s), SET_REAL, 1, 500, "mm/s", NULL,
     KIND(SCAR_DEV_PEN)},
    {"footprint_mm", offsetof(scar_device, footprint_mm), SET_REAL, 0.5, 30, "mm", NULL,
     KIND(SCAR_DEV_PEN)},
    {"stamp_area_mm2", offsetof(scar_device, stamp_area_mm2), SET_REAL, 1, 1000, "mm2", NULL,
     PER_AREA},
    {"energy_mJ", offsetof(scar_device, energy_mJ), SET_REAL, 0.5, 50, "mJ", NULL,
     KIND(SCAR_DEV_RF_MICRONEEDLE)},
    {"pulse_s", offsetof(scar_device, pulse_s), SET_REAL, 0, 0, "s", "t_pulse",
     KIND(SCAR_DEV_RF_MICRONEEDLE)},
    {"tip_mm", offsetof(scar_device, tip_mm), SET_REAL, 0.05, 1.0, "mm", NULL,
     KIND(SCAR_DEV_RF_MICRONEEDLE)},
    {"insulated", offsetof(scar_device, insulated), SET_BOOL, 0, 1, "", NULL,
     KIND(SCAR_DEV_RF_MICRONEEDLE)},
    {"bipolar", offsetof(scar_device, bipolar), SET_BOOL, 0, 1, "", NULL,
     KIND(SCAR_DEV_RF_MICRONEEDLE)},
    {"rf_shortcut", offsetof(scar_device, rf_shortcut), SET_BOOL, 0, 1, "", NULL,
     KIND(SCAR_DEV_RF_MICRONEEDLE)},
    {"ablative", offsetof(scar_device, ablative), SET_BOOL, 0, 1, "", NULL,
     KIND(SCAR_DEV_FRACTIONAL_LASER)},
    {"coag_mm", offsetof(scar_device, coag_mm), SET_REAL, 0, 0.2, "mm", NULL,
     KIND(SCAR_DEV_FRACTIONAL_LASER)},
    {"rim_mm", offsetof(scar_device, rim_mm), SET_REAL, 0, 0.2, "mm", NULL,
     KIND(SCAR_DEV_FRACTIONAL_LASER)},
};
enum { NSETTINGS = sizeof settings / sizeof settings[0] };
_Static_assert(NSETTINGS <= 32, "list_text selects settings by a 32-bit mask");

static const char *setting_at(size_t i)
{
    return settings[i].key;
}

static scar_status read_settings(rd *r, const node *ds, scar_device *dev)
{
    const char *where = "protocol.device_settings";
    const names keys = {NULL, setting_at, NSETTINGS}, devices = {NULL, device_at, SCAR_DEV_COUNT};
    char field[160], a[200], b[200];
    scar_status st;
    if ((st = want_map(r, ds, where, "settings of the device")) ||
        (st = check_keys(r, ds, where, &keys)))
        return st;
    for (size_t i = 0; i < NSETTINGS; i++) {
        const setting *row = &settings[i];
        const node *k = NULL, *v = lookup(ds, row->key, &k);
        if (!v || is_null(v))
            continue;
        join(field, sizeof field, where, row->key);
        if (!(row->kinds & KIND(dev->kind))) {
            unsigned takes = 0; /* the settings this kind of device takes */
            for (size_t j = 0; j < NSETTINGS; j++)
                if (settings[j].kinds & KIND(dev->kind))
                    takes |= 1u << j;
            return fail(r, k, field, "expected a setting of a %s (%s), found %s, a setting of %s",
                        device_at(dev->kind), list_text(a, sizeof a, &keys, takes), row->key,
                        list_text(b, sizeof b, &devices, row->kinds));
        }
        double lo = row->lo, hi = row->hi;
        if (row->param) {
            scar_param_info info;
            if (!scar_params_info(NULL, (size_t)scar_params_find(row->param), &info))
                return SCAR_RAISE(r->ctx, SCAR_EINTERNAL, "parameter row %s is missing",
                                  row->param);
            lo = isnan(info.lo) ? 0.0 : info.lo;
            hi = isnan(info.hi) ? INFINITY : info.hi;
        }
        char *slot = (char *)dev + row->off;
        if (row->type == SET_INT)
            st = get_int(r, v, field, (long long)lo, (long long)hi, (int *)(void *)slot);
        else if (row->type == SET_BOOL)
            st = get_bool(r, v, field, (bool *)(void *)slot);
        else
            st = get_number(r, v, field, lo, hi, row->unit, (double *)(void *)slot);
        if (st)
            return st;
    }
    return SCAR_OK;
}

static scar_status read_adjuncts(rd *r, const node *v, scar_protocol *pr)
{
    const char *where = "protocol.adjuncts";
    const names adj = {NULL, adjunct_at, SCAR_ADJ_COUNT};
    const node *first[SCAR_ADJ_COUNT] = {NULL};
    char field[160], found[96];
    if (v->type != N_SEQ)
        return fail(r, v, where, "expected a list of adjunct names, found %s",
                    describe(v, found, sizeof found));
    for (size_t i = 0; i < v->n; i++) {
        size_t a = 0;
        snprintf(field, sizeof field, "%s[%zu]", where, i);
        scar_status st = get_name(r, v->kid[i], field, "an adjunct", &adj, &a);
        if (st)
            return st;
        if (first[a])
            return fail(r, v->kid[i], field,
                        "expected each adjunct once, found %s again (first at line %ld, "
                        "column %ld)",
                        adjunct_at(a), first[a]->line, first[a]->col);
        first[a] = v->kid[i];
        pr->adjunct[a] = true;
    }
    return SCAR_OK;
}

static const char *const protocol_keys[] = {"device",          "needle_mm",      "passes",
                                            "sessions",        "interval_weeks", "adjuncts",
                                            "follow_up_weeks", "occluded",       "device_settings"};
static const names protocol_names = {protocol_keys, NULL,
                                     sizeof protocol_keys / sizeof *protocol_keys};

static scar_status read_protocol(rd *r, const node *pn, scar_scenario *s)
{
    const char *where = "protocol";
    scar_protocol *pr = &s->protocol;
    const node *v;
    scar_status st;
    if ((st = want_map(r, pn, where, "device, needle_mm, sessions, ...")) ||
        (st = check_keys(r, pn, where, &protocol_names)))
        return st;

    const names devices = {NULL, device_at, SCAR_DEV_COUNT};
    size_t kind = 0;
    if ((st = req(r, pn, where, "device", "the device: one of roller, pen, stamp, ...", &v)) ||
        (st = get_name(r, v, "protocol.device", "a device", &devices, &kind)))
        return st;
    memset(pr, 0, sizeof *pr);
    scar_device_default((scar_device_kind)kind, s->params, &pr->device);
    if ((v = opt(pn, "device_settings")) && (st = read_settings(r, v, &pr->device)))
        return st;

    if ((st = req(r, pn, where, "needle_mm", "the needle length in mm, 0.1 to 3", &v)) ||
        (st = get_number(r, v, "protocol.needle_mm", 0.1, 3.0, "mm", &pr->device.needle_mm)))
        return st;
    if (pr->device.kind == SCAR_DEV_HOME_ROLLER && pr->device.needle_mm > HOME_ROLLER_MAX_MM)
        return fail(r, v, "protocol.needle_mm",
                    "expected at most %g mm for a home_roller (longer needles are for a "
                    "clinic), found %s",
                    HOME_ROLLER_MAX_MM, v->text);
    if ((v = opt(pn, "passes")) &&
        (st = get_int(r, v, "protocol.passes", 1, 50, &pr->device.passes)))
        return st;
    if ((st = req(r, pn, where, "sessions", "the number of sessions, 0 to 12", &v)) ||
        (st = get_int(r, v, "protocol.sessions", 0, 12, &pr->sessions)))
        return st;

    /* the interval's default is the parameter table's dt_sess (days) */
    double interval_weeks = 0.0, follow_up_weeks = DEFAULT_FOLLOW_UP_WEEKS;
    if (!scar_params_get(s->params, "dt_sess", &interval_weeks))
        return SCAR_RAISE(r->ctx, SCAR_EINTERNAL, "parameter row dt_sess is missing");
    interval_weeks /= 7.0;
    if ((st = opt_number(r, pn, where, "interval_weeks", 1.0, 26.0, "weeks", &interval_weeks)) ||
        (st = opt_number(r, pn, where, "follow_up_weeks", 0.0, 104.0, "weeks", &follow_up_weeks)))
        return st;
    pr->interval_days = 7.0 * interval_weeks;
    pr->follow_up_days = 7.0 * follow_up_weeks;

    if ((v = opt(pn, "adjuncts")) && (st = read_adjuncts(r, v, pr)))
        return st;
    if ((v = opt(pn, "occluded")) && (st = get_bool(r, v, "protocol.occluded", &pr->occluded)))
        return st;
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* grid, output, the whole scenario                                         */
/* ------------------------------------------------------------------------ */

static const char *const grid_keys[] = {"dx_um"};
static const names grid_names = {grid_keys, NULL, 1};
static const char *const output_keys[] = {"vti_days"};
static const names output_names = {output_keys, NULL, 1};

static scar_status read_grid(rd *r, const node *g, scar_scenario *s)
{
    /* the default voxel is the parameter table's h (mm) */
    double h_mm = 0.0;
    scar_status st;
    if (!scar_params_get(s->params, "h", &h_mm))
        return SCAR_RAISE(r->ctx, SCAR_EINTERNAL, "parameter row h is missing");
    s->dx_um = 1000.0 * h_mm;
    if (!g)
        return SCAR_OK;
    if ((st = want_map(r, g, "grid", "dx_um")) || (st = check_keys(r, g, "grid", &grid_names)))
        return st;
    return opt_number(r, g, "grid", "dx_um", 10.0, 200.0, "um", &s->dx_um);
}

/* Snapshot days must fall inside the course, or no snapshot would be written. */
static scar_status read_output(rd *r, const node *o, scar_scenario *s)
{
    char field[160], found[96];
    scar_status st;
    if ((st = want_map(r, o, "output", "vti_days")) ||
        (st = check_keys(r, o, "output", &output_names)))
        return st;
    const node *v = opt(o, "vti_days");
    if (!v)
        return SCAR_OK;
    if (v->type != N_SEQ)
        return fail(r, v, "output.vti_days", "expected a list of days, found %s",
                    describe(v, found, sizeof found));
    if (v->n > SCAR_SCENARIO_MAX_VTI)
        return fail(r, v->kid[SCAR_SCENARIO_MAX_VTI], "output.vti_days",
                    "expected at most %d snapshot days, found %zu", SCAR_SCENARIO_MAX_VTI, v->n);
    if (v->n == 0)
        return SCAR_OK;
    s->vti_days = scar_malloc(r->ctx, v->n * sizeof *s->vti_days);
    if (!s->vti_days)
        return SCAR_ENOMEM;
    double end = scar_protocol_end_day(&s->protocol);
    for (size_t i = 0; i < v->n; i++) {
        snprintf(field, sizeof field, "output.vti_days[%zu]", i);
        if ((st = get_number(r, v->kid[i], field, 0.0, INFINITY, "days", &s->vti_days[i])))
            return st;
        if (s->vti_days[i] > end)
            return fail(r, v->kid[i], field,
                        "expected a day from 0 to %g (the end of the course), found %s", end,
                        v->kid[i]->text);
        s->nvti++;
    }
    return SCAR_OK;
}

static const char *const root_keys[] = {"skin", "protocol", "grid", "params", "output", "seed"};
static const names root_names = {root_keys, NULL, sizeof root_keys / sizeof *root_keys};

static scar_status read_scenario(rd *r, const node *root, scar_scenario *s)
{
    char found[96];
    const node *v;
    scar_status st;
    if (!root)
        return fail(r, NULL, NULL,
                    "expected a mapping with the keys skin and protocol, found an empty file");
    if (root->type != N_MAP)
        return fail(r, root, NULL, "expected a mapping with the keys skin and protocol, found %s",
                    describe(root, found, sizeof found));
    if ((st = check_keys(r, root, "", &root_names)))
        return st;
    /* parameters first: the device defaults and the grid read them */
    if ((st = read_params(r, opt(root, "params"), s)))
        return st;
    if ((st = req(r, root, "", "skin", "the skin: synth or surface, fitzpatrick, ...", &v)) ||
        (st = read_skin(r, v, s)))
        return st;
    if ((st =
             req(r, root, "", "protocol", "the treatment: device, needle_mm, sessions, ...", &v)) ||
        (st = read_protocol(r, v, s)))
        return st;
    if ((st = read_grid(r, opt(root, "grid"), s)))
        return st;
    if ((v = opt(root, "output")) && (st = read_output(r, v, s)))
        return st;
    if ((v = opt(root, "seed"))) {
        if ((st = get_u64(r, v, "seed", &s->seed)))
            return st;
        s->has_seed = true;
    }
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* public                                                                   */
/* ------------------------------------------------------------------------ */

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
static scar_status check_utf8(scar_ctx *ctx, const char *name, const char *text, size_t len)
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
    return SCAR_RAISE_AT(ctx, SCAR_EINPUT, name, line, (long)(bad - start) + 1, NULL,
                         "expected UTF-8 text, found the byte 0x%02X (save the scenario as "
                         "UTF-8)",
                         (unsigned char)text[bad]);
}

static bool json_name(const char *name)
{
    size_t n = strlen(name);
    return n >= 5 && strcasecmp(name + n - 5, ".json") == 0;
}

scar_status scar_scenario_parse(scar_ctx *ctx, const char *text, size_t len, const char *name,
                                scar_scenario **out)
{
    scar_status st = SCAR_OK;
    node *root = NULL;
    *out = NULL;
    if (!name)
        name = "scenario";
    if (len > SCAR_SCENARIO_MAX_BYTES)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, name, 0, 0, NULL,
                             "expected a scenario of at most %u bytes, found %zu bytes",
                             SCAR_SCENARIO_MAX_BYTES, len);
    scar_scenario *s = scar_calloc(ctx, 1, sizeof *s);
    if (!s)
        return SCAR_ENOMEM;
    if (!(s->path = scar_strdup(ctx, name))) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    rd r = {.ctx = ctx, .file = s->path, .json = json_name(name)};
    if ((st = check_utf8(ctx, s->path, text, len)))
        goto fail;
    if (len > 0 && (st = load(&r, text, len, &root)))
        goto fail;
    if ((st = read_scenario(&r, root, s)))
        goto fail;
    node_free(root);
    *out = s;
    return SCAR_OK;
fail:
    node_free(root);
    scar_scenario_destroy(&s);
    return st;
}

scar_status scar_scenario_read(scar_ctx *ctx, const char *path, scar_scenario **out)
{
    char *buf = NULL;
    size_t n = 0;
    *out = NULL;
    scar_status st = scar_read_text(ctx, path, SCAR_SCENARIO_MAX_BYTES, "scenario", &buf, &n);
    if (!st)
        st = scar_scenario_parse(ctx, buf, n, path, out);
    free(buf);
    return st;
}

void scar_scenario_destroy(scar_scenario **s)
{
    if (!s || !*s)
        return;
    free((*s)->path);
    free((*s)->surface_path);
    scar_params_destroy(&(*s)->params);
    free((*s)->vti_days);
    free(*s);
    *s = NULL;
}
