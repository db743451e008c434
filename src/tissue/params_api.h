/*
 * params_api.h — the healing model's parameters, public part.  Written in the
 * style of include/scarsim.h, where these declarations will move.
 *
 * Every model parameter is one row of data/model/parameters.csv (name, value,
 * unit, range, source): the same rows feed the scenario parser (overrides
 * under "params"), the validation here, --help, and the copy of the effective
 * parameters written into every output folder (docs/parameters.md).
 */
#ifndef SCAR_PARAMS_API_H
#define SCAR_PARAMS_API_H

#include "scarsim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A complete set of model parameters (one double per table row). */
typedef struct scar_params scar_params;

/* Where a row's value comes from. */
typedef enum scar_param_kind {
    SCAR_PK_SOURCED = 0, /* a measurement or a published number */
    SCAR_PK_ESTIMATE,    /* an estimate, calibration knob or recommendation */
    SCAR_PK_DERIVED      /* computed from other rows (homeostasis); not settable */
} scar_param_kind;

const char *scar_param_kind_name(scar_param_kind k); /* "sourced", ... */

/* One row of the table as a set of parameters holds it. */
typedef struct scar_param_info {
    const char *name; /* the CSV symbol, e.g. "delta_rho" */
    double value;     /* the value in this set */
    const char *unit; /* "-" when dimensionless */
    double lo, hi;    /* allowed range; NAN at an end that is not given */
    const char *meaning;
    const char *source; /* citation, "estimate ..." or "derived: FORMULA" */
    const char *notes;
    scar_param_kind kind;
    bool overridden; /* set by scar_params_set (derived: an input was) */
} scar_param_info;

/* The defaults of the table, with the derived rows computed from them
 * (MODEL.md §2: r_0, k_rho, k_e, c0 make untreated skin a steady state). */
scar_status scar_params_create(scar_ctx *ctx, scar_params **out);
scar_status scar_params_copy(scar_ctx *ctx, const scar_params *src, scar_params **out);
void scar_params_destroy(scar_params **p); /* accepts NULL */

/* Sets one parameter by its table name and re-derives the derived rows.
 * file, line and col locate the value in its input (NULL, 0, 0 when not
 * from a file).  Refused with SCAR_EINPUT and field "params.NAME":
 *  - an unknown name (the message suggests the closest known one),
 *  - a derived parameter (the message names the rows it comes from),
 *  - a value that is not finite or lies outside the row's range.
 * Cross-parameter consistency is checked by scar_params_check, once every
 * override is in. */
scar_status scar_params_set(scar_ctx *ctx, scar_params *p, const char *name, double value,
                            const char *file, long line, long col);

/* Checks relations between parameters that no single range can express
 * (n0 < n_max, rho0 < rho_max, theta3 < f3w, dt_min <= dt_max, ...).
 * Errors name the offending field as "params.NAME". */
scar_status scar_params_check(scar_ctx *ctx, const scar_params *p);

/* The value of a parameter by name; false when the name is unknown. */
bool scar_params_get(const scar_params *p, const char *name, double *value);
/* The row index of a name, -1 when unknown. */
int scar_params_find(const char *name);
/* The number of rows in the table. */
size_t scar_params_count(void);
/* Row i of p, or of the defaults when p is NULL (for --help); false when i
 * is out of range.  The strings are static. */
bool scar_params_info(const scar_params *p, size_t i, scar_param_info *info);

/* The effective parameters as CSV (symbol,value,unit,range_low,range_high,
 * kind,overridden,source; "-" for a range end not given), written
 * atomically.  Values round-trip exactly. */
scar_status scar_params_write_csv(scar_ctx *ctx, const scar_params *p, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* SCAR_PARAMS_API_H */
