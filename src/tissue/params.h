/*
 * params.h — the healing model's parameters, internal part: the struct the
 * solver reads (p->delta_rho, p->n0, ...) generated from the one table.
 *
 * The rows come from build/gen/scar_params_table.h, which
 * scripts/gen_params.py writes from data/model/parameters.csv; a row added to
 * the CSV becomes a field here, a row of --help and of every output's
 * parameter copy without further code (docs/parameters.md).
 */
#ifndef SCAR_PARAMS_H
#define SCAR_PARAMS_H

#include "core.h"
#include "json.h"
#include "params_api.h"
#include "scar_params_table.h"

/* Row indices: SCAR_PI_n0 is the row of n0.  (Unformatted: clang-format
 * cannot see that the macro expands to enumerators.) */
/* clang-format off */
enum scar_param_index {
#define SCAR_PI_ENUM(sym, ...) SCAR_PI_##sym,
    SCAR_PARAMS_TABLE(SCAR_PI_ENUM)
#undef SCAR_PI_ENUM
    SCAR_PI_COUNT
};
/* clang-format on */

/* Values are plain doubles named as in the CSV and in MODEL.md, so a kernel
 * reads like the equation it implements. */
struct scar_params {
#define SCAR_PI_FIELD(sym, ...) double sym;
    SCAR_PARAMS_TABLE(SCAR_PI_FIELD)
#undef SCAR_PI_FIELD
    bool overridden[SCAR_PI_COUNT]; /* by row index */
};

/* {symbol: {"value", "unit", "range": [lo, hi] or null, "kind",
 * "overridden", "source"}} in table order; NULL with ctx's error set on
 * failure.  The caller owns the reference. */
json_t *scar_params_to_json(scar_ctx *ctx, const scar_params *p);

#endif /* SCAR_PARAMS_H */
