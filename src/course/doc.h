/*
 * doc.h — a JSON or YAML input file (read with libfyaml) as a small tree
 * whose every node knows its 1-based line and column, and the checks an
 * input reader makes on it: typed values with ranges, known keys with the
 * closest one suggested, one-line errors at a node.  The scenario of `run`
 * (scenario.c) and the patient of `plan` (plan/patient.c) are read with it.
 *
 * Every refusal is SCAR_EINPUT with the document's file, the node's line and
 * column, a dotted field ("protocol.needle_mm", "skin.synth.size_mm[1]") and
 * a message "expected X, found Y".  Nothing is printed: libfyaml's own
 * diagnostics are collected and its first error becomes that one error.
 * Anchors, aliases and tags other than !!str are refused; no input file of
 * scarsim needs them, and refusing aliases closes the door on alias bombs.
 */
#ifndef SCAR_DOC_H
#define SCAR_DOC_H

#include "core.h"

typedef enum scar_doc_type { SCAR_DOC_SCALAR = 0, SCAR_DOC_MAP, SCAR_DOC_SEQ } scar_doc_type;

typedef struct scar_doc_node {
    scar_doc_type type;
    long line, col; /* 1-based; a quoted scalar starts at its quote */
    bool quoted;    /* quoted, block or !!str scalar: a string whatever it reads */
    char *text;     /* scalar: NUL-terminated copy (it may hold NULs of its own) */
    size_t len;     /* scalar: bytes of text, without the final NUL */
    /* map: key, value, key, value, ... (n is twice the entries); sequence:
     * the items */
    struct scar_doc_node **kid;
    size_t n, cap;
} scar_doc_node;

/* How a document received from outside (the web API of `scarsim serve`)
 * names files: a file field (skin.surface) is not a path but an id that
 * resolve maps to a stored file, so a document from the web cannot name a
 * file on the server.  resolve returns the file (malloc'ed) or NULL when
 * the text names none; `expected` says what such a field must be, for the
 * message ("an upload id \"upload:ID\" returned by /api/scan"). */
typedef struct scar_doc_files {
    char *(*resolve)(void *user, const char *text);
    void *user;
    const char *expected;
} scar_doc_files;

typedef struct scar_doc {
    scar_ctx *ctx;
    char *file;          /* the name in messages (a copy) */
    const char *what;    /* what the file is, in messages: "scenario", "patient file" */
    bool json;           /* strict JSON (the name ends in .json), else YAML */
    scar_doc_node *root; /* NULL when the file holds no document */
    const scar_doc_files *files; /* NULL: file fields are paths (relative to file's folder) */
} scar_doc;

/* Parses len bytes of text (NUL not needed) named `name` into a tree.
 * Refused before parsing: more than max_bytes ("expected a WHAT of at most N
 * bytes") and text that is not UTF-8.  A name ending in ".json" (any case)
 * asks for strict JSON; otherwise YAML, which also reads JSON.  On success
 * *out is owned by the caller. */
scar_status scar_doc_create(scar_ctx *ctx, const char *text, size_t len, const char *name,
                            const char *what, size_t max_bytes, scar_doc **out);
void scar_doc_destroy(scar_doc **doc); /* accepts NULL */

/* What a reader makes of a document: the object it reads (through out, a
 * pointer to the reader's own result pointer), or a refusal with nothing
 * left allocated. */
typedef scar_status (*scar_doc_reader)(const scar_doc *d, void *out);
/* scar_doc_create, then read(d, out) with d->files = files; the document is
 * gone when it returns. */
scar_status scar_doc_parse(scar_ctx *ctx, const char *text, size_t len, const char *name,
                           const char *what, size_t max_bytes, const scar_doc_files *files,
                           scar_doc_reader read, void *out);
/* The same from a file of at most max_bytes (scar_read_text; its errors say
 * "expected a readable WHAT"), named in messages by its path. */
scar_status scar_doc_read(scar_ctx *ctx, const char *path, const char *what, size_t max_bytes,
                          scar_doc_reader read, void *out);

/* Raises SCAR_EINPUT at a node (NULL: the file as a whole) with the field
 * (NULL: none) and the formatted message; returns SCAR_EINPUT. */
scar_status scar_doc_fail(const scar_doc *d, const scar_doc_node *at, const char *field,
                          const char *fmt, ...) SCAR_PRINTF(4, 5);

/* ---- what a node is ---------------------------------------------------- */

bool scar_doc_is(const scar_doc_node *v, const char *s); /* a scalar reading exactly s */
bool scar_doc_is_null(const scar_doc_node *v);           /* ~, null, nothing (unquoted) */
/* A non-empty scalar without NULs or control characters: usable as a key,
 * a name or a path, and safe in the one-line error. */
bool scar_doc_is_name(const scar_doc_node *v);
/* A plain (unquoted) finite decimal number (YAML 1.2 core schema). */
bool scar_doc_as_number(const scar_doc_node *v, double *out);
/* For "found ...": numbers and booleans as written, text quoted and cut
 * short with control characters replaced, "a mapping", "a list", "null",
 * "nothing". */
const char *scar_doc_describe(const scar_doc_node *v, char *buf, size_t n);
/* "parent.key", or "key" when parent is NULL or "". */
const char *scar_doc_join(char *buf, size_t n, const char *parent, const char *key);

/* ---- typed values: SCAR_EINPUT at v unless it is one in range ------------ */

/* lo..hi (hi may be INFINITY); unit ("mm", "" for none) goes in the message. */
scar_status scar_doc_number(const scar_doc *d, const scar_doc_node *v, const char *field, double lo,
                            double hi, const char *unit, double *out);
/* An integer as written (2, not 2.0). */
scar_status scar_doc_int(const scar_doc *d, const scar_doc_node *v, const char *field, long long lo,
                         long long hi, int *out);
scar_status scar_doc_u64(const scar_doc *d, const scar_doc_node *v, const char *field,
                         uint64_t *out);
scar_status scar_doc_bool(const scar_doc *d, const scar_doc_node *v, const char *field, bool *out);
/* Text: a quoted scalar, or a plain one that is not a number, boolean or
 * null; a name (scar_doc_is_name) of at most max_bytes.  *out points into
 * the tree.  `what` says what is expected: "a name". */
scar_status scar_doc_string(const scar_doc *d, const scar_doc_node *v, const char *field,
                            const char *what, size_t max_bytes, const char **out);

/* ---- names and keys ---------------------------------------------------- */

/* A list of valid names: a table (v), or a function giving the i-th (at) for
 * the library's own lists (devices, adjuncts, regions). */
typedef struct scar_doc_names {
    const char *const *v;
    const char *(*at)(size_t i);
    size_t n;
} scar_doc_names;

#define SCAR_DOC_ALL_NAMES (~0u)
/* "a, b, c": the names whose bit is set in mask (SCAR_DOC_ALL_NAMES: all). */
const char *scar_doc_list_text(char *buf, size_t n, const scar_doc_names *ns, unsigned mask);
/* The index of v's text among ns (*index), or a refusal listing them and
 * suggesting the closest; `what` is "a device". */
scar_status scar_doc_name(const scar_doc *d, const scar_doc_node *v, const char *field,
                          const char *what, const scar_doc_names *ns, size_t *index);

/* ---- mappings ---------------------------------------------------------- */

/* Refuses a value that is not a mapping; `what` lists what belongs in it. */
scar_status scar_doc_want_map(const scar_doc *d, const scar_doc_node *v, const char *field,
                              const char *what);
/* Every key of map must be one of known, once; an unknown key is refused
 * with the closest known one suggested.  where is the map's field ("" for the
 * top level). */
scar_status scar_doc_check_keys(const scar_doc *d, const scar_doc_node *map, const char *where,
                                const scar_doc_names *known);
/* The value under key, or NULL when absent; *key_node (may be NULL) gets the
 * key's node. */
const scar_doc_node *scar_doc_lookup(const scar_doc_node *map, const char *key,
                                     const scar_doc_node **key_node);
/* An optional value: NULL when absent or null (null means "not given"). */
const scar_doc_node *scar_doc_opt(const scar_doc_node *map, const char *key);
/* Exactly one of the keys in choices must be in map (its keys checked
 * already): *index gets which, *value its value.  `what` names them for the
 * message, "synth (a synthetic skin) or surface (a measured height map)";
 * two given are refused at the later key, none at the map. */
scar_status scar_doc_one_of(const scar_doc *d, const scar_doc_node *map, const char *where,
                            const scar_doc_names *choices, const char *what, size_t *index,
                            const scar_doc_node **value);
/* A required value: refused at the mapping when absent, "expected the key
 * KEY (WHAT), found none". */
scar_status scar_doc_req(const scar_doc *d, const scar_doc_node *map, const char *where,
                         const char *key, const char *what, const scar_doc_node **out);
/* An optional number: *out keeps its default when absent or null. */
scar_status scar_doc_opt_number(const scar_doc *d, const scar_doc_node *map, const char *where,
                                const char *key, double lo, double hi, const char *unit,
                                double *out);

#endif /* SCAR_DOC_H */
