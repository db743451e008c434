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

#endif /* SCAR_JSON_H */
