/*
 * json.h — JSON output through jansson (internal: the public header stays free
 * of jansson's types).
 */
#ifndef SCAR_JSON_H
#define SCAR_JSON_H

#include "core.h"

#include <jansson.h>

/* Serialises with stable key order and 2-space indent; caller frees. */
scar_status scar_json_dumps(scar_ctx *ctx, const json_t *j, char **out);
/* Writes atomically, with a trailing newline. */
scar_status scar_json_write_file(scar_ctx *ctx, const json_t *j, const char *path);
/* A real number rounded to `digits` significant digits, so outputs do not
 * carry float noise (jansson prints the shortest exact double). */
json_t *scar_json_real(double v, int digits);
/* {"version", "git", ...} provenance block recorded in every output. */
json_t *scar_json_provenance(const scar_ctx *ctx);

/* A JSON string, or null for NULL. */
json_t *scar_json_str(const char *s);

/* Building a document: any value that could not be made (memory) or set
 * marks the build failed, and it is reported once at the end.  put and push
 * take ownership of v (NULL marks the build failed). */
typedef struct scar_jb {
    bool ok;
} scar_jb;

void scar_jb_put(scar_jb *b, json_t *o, const char *key, json_t *v);
void scar_jb_push(scar_jb *b, json_t *arr, json_t *v);
/* [lo, hi] as scar_json_real numbers (null when not finite). */
json_t *scar_jb_pair(scar_jb *b, double lo, double hi, int digits);

#endif /* SCAR_JSON_H */
