/*
 * params.c — the one parameter table (STYLE.md rule 6): defaults, derived
 * homeostasis constants, validated overrides, consistency checks and the
 * effective table written into every output.
 *
 * The rows are data/model/parameters.csv turned into an X-macro at build
 * time (scripts/gen_params.py), so the CSV stays the only place a value,
 * unit, range or source is written down.
 */
#include "params.h"

#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    const char *name;
    double value;
    const char *unit;
    double lo, hi;
    const char *meaning, *source, *notes;
    scar_param_kind kind;
    size_t offset; /* of the value in struct scar_params */
} row;

static const row rows[] = {
#define ROW(sym, v, u, lo, hi, m, s, n, k)                                                         \
    {#sym, v, u, lo, hi, m, s, n, k, offsetof(scar_params, sym)},
    SCAR_PARAMS_TABLE(ROW)
#undef ROW
};

/* The rows each derived row is computed from, as the CSV's formula names
 * them: used to refuse an override with a useful message and to mark a
 * derived value as changed when one of its inputs was overridden. */
static const struct {
    int index;
    const char *inputs; /* "a, b, c" */
} derived[] = {
#define DER(sym, in) {SCAR_PI_##sym, in},
    SCAR_PARAMS_DERIVED(DER)
#undef DER
};

_Static_assert(SCAR_PARAMS_COUNT == SCAR_PI_COUNT, "generated table is inconsistent");
_Static_assert(sizeof derived / sizeof derived[0] == 6,
               "a derived row was added to or removed from parameters.csv: "
               "compute it in derive() and update this count");

static double *slot(scar_params *p, size_t i)
{
    return (double *)((char *)p + rows[i].offset);
}
static double value_at(const scar_params *p, size_t i)
{
    return *(const double *)((const char *)p + rows[i].offset);
}

const char *scar_param_kind_name(scar_param_kind k)
{
    switch (k) {
    case SCAR_PK_SOURCED: return "sourced";
    case SCAR_PK_ESTIMATE: return "estimate";
    case SCAR_PK_DERIVED: return "derived";
    }
    return "unknown";
}

/* MODEL.md §2.4, §2.5, §2.7, §2.8: the constants that make untreated skin an
 * exact steady state (every response uses the excess c - c0, which is 0
 * there), and two bookkeeping quantities (§2.4 R_bind, §5.2 A_pore). */
static void derive(scar_params *p)
{
    p->r_0 = p->delta_n / (1.0 - p->n0 / p->n_max);
    p->k_rho = p->delta_rho * p->rho0 / (p->n0 * (1.0 - p->rho0 / p->rho_max));
    p->k_e = p->delta_e * p->e0 / p->n0;
    p->c0 = p->beta_n * p->n0 / p->delta_c;
    p->A_pore = M_PI * (0.5 * p->d_ch) * (0.5 * p->d_ch);
    p->R_bind = p->D_free / p->D_c;

    /* A derived value differs from the table's default exactly when one of
     * its inputs was overridden; record that, so outputs show it. */
    for (size_t d = 0; d < sizeof derived / sizeof derived[0]; d++) {
        bool any = false;
        const char *s = derived[d].inputs;
        while (*s) {
            size_t len = strcspn(s, ", ");
            char name[64];
            scar_strlcpy(name, s, len + 1 < sizeof name ? len + 1 : sizeof name);
            int i = scar_params_find(name);
            any = any || (i >= 0 && p->overridden[i]);
            s += len;
            s += strspn(s, ", ");
        }
        p->overridden[derived[d].index] = any;
    }
}

static void set_defaults(scar_params *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < SCAR_PI_COUNT; i++)
        *slot(p, i) = rows[i].value;
    derive(p);
}

scar_status scar_params_create(scar_ctx *ctx, scar_params **out)
{
    *out = scar_malloc(ctx, sizeof **out);
    if (!*out)
        return SCAR_ENOMEM;
    set_defaults(*out);
    return SCAR_OK;
}

scar_status scar_params_copy(scar_ctx *ctx, const scar_params *src, scar_params **out)
{
    *out = scar_malloc(ctx, sizeof **out);
    if (!*out)
        return SCAR_ENOMEM;
    memcpy(*out, src, sizeof **out);
    return SCAR_OK;
}

void scar_params_destroy(scar_params **p)
{
    if (!p)
        return;
    free(*p);
    *p = NULL;
}

int scar_params_find(const char *name)
{
    for (size_t i = 0; i < SCAR_PI_COUNT; i++)
        if (strcmp(rows[i].name, name) == 0)
            return (int)i;
    return -1;
}

size_t scar_params_count(void)
{
    return SCAR_PI_COUNT;
}

bool scar_params_get(const scar_params *p, const char *name, double *value)
{
    int i = scar_params_find(name);
    if (i < 0)
        return false;
    *value = value_at(p, (size_t)i);
    return true;
}

bool scar_params_info(const scar_params *p, size_t i, scar_param_info *info)
{
    if (i >= SCAR_PI_COUNT)
        return false;
    scar_params defaults;
    if (!p) {
        set_defaults(&defaults);
        p = &defaults;
    }
    const row *r = &rows[i];
    *info = (scar_param_info){.name = r->name,
                              .value = value_at(p, i),
                              .unit = r->unit,
                              .lo = r->lo,
                              .hi = r->hi,
                              .meaning = r->meaning,
                              .source = r->source,
                              .notes = r->notes,
                              .kind = r->kind,
                              .overridden = p->overridden[i]};
    return true;
}


static const char *closest_name(const char *name)
{
    size_t best = 0;
    unsigned best_d = ~0u;
    for (size_t i = 0; i < SCAR_PI_COUNT; i++) {
        unsigned d = scar_edit_distance(name, rows[i].name);
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return rows[best].name;
}

/* " mm" after a number, nothing for a dimensionless row. */
static const char *unit_suffix(const row *r, char *buf, size_t n)
{
    if (strcmp(r->unit, "-") == 0)
        buf[0] = '\0';
    else
        snprintf(buf, n, " %s", r->unit);
    return buf;
}

static const char *derived_inputs(int index)
{
    for (size_t d = 0; d < sizeof derived / sizeof derived[0]; d++)
        if (derived[d].index == index)
            return derived[d].inputs;
    return "";
}

scar_status scar_params_set(scar_ctx *ctx, scar_params *p, const char *name, double value,
                            const char *file, long line, long col)
{
    char field[128], unit[64];
    snprintf(field, sizeof field, "params.%s", name);
    int i = scar_params_find(name);
    if (i < 0)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, file, line, col, field,
                             "unknown model parameter \"%s\"; did you mean \"%s\"? (the %d "
                             "names are the rows of data/model/parameters.csv)",
                             name, closest_name(name), (int)SCAR_PI_COUNT);
    const row *r = &rows[i];
    if (r->kind == SCAR_PK_DERIVED)
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, file, line, col, field,
                             "%s cannot be set: it is derived from %s (%s) so that untreated "
                             "skin stays at steady state; set those instead",
                             name, derived_inputs(i), r->source);
    unit_suffix(r, unit, sizeof unit);
    if (!isfinite(value))
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, file, line, col, field,
                             "expected a finite value%s%s, found %g", unit[0] ? " in" : "", unit,
                             value);
    bool has_lo = !isnan(r->lo), has_hi = !isnan(r->hi);
    if ((has_lo && value < r->lo) || (has_hi && value > r->hi)) {
        char range[96];
        if (has_lo && has_hi)
            snprintf(range, sizeof range, "in [%g, %g]", r->lo, r->hi);
        else if (has_lo)
            snprintf(range, sizeof range, ">= %g", r->lo);
        else
            snprintf(range, sizeof range, "<= %g", r->hi);
        return SCAR_RAISE_AT(ctx, SCAR_EINPUT, file, line, col, field,
                             "expected a value %s%s, found %g", range, unit, value);
    }
    *slot(p, (size_t)i) = value;
    p->overridden[i] = true;
    derive(p);
    return SCAR_OK;
}

/* Raises the consistency error for field params.NAME. */
static scar_status inconsistent(scar_ctx *ctx, const char *name, const char *fmt, ...)
    SCAR_PRINTF(3, 4);
static scar_status inconsistent(scar_ctx *ctx, const char *name, const char *fmt, ...)
{
    char field[128], msg[640];
    snprintf(field, sizeof field, "params.%s", name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return SCAR_RAISE_AT(ctx, SCAR_EINPUT, NULL, 0, 0, field, "%s", msg);
}

scar_status scar_params_check(scar_ctx *ctx, const scar_params *p)
{
    /* Each range holds on its own; these relations span two rows, so a set
     * of in-range overrides can still break them. */
    if (!(p->n0 < p->n_max))
        return inconsistent(ctx, "n0",
                            "expected n0 below n_max = %g cells/mm^3 (the baseline "
                            "proliferation r_0 = delta_n/(1 - n0/n_max) needs room), found %g",
                            p->n_max, p->n0);
    if (!(p->rho0 < p->rho_max))
        return inconsistent(ctx, "rho0",
                            "expected rho0 below rho_max = %g mg/mL (k_rho = "
                            "delta_rho*rho0/(n0*(1 - rho0/rho_max))), found %g",
                            p->rho_max, p->rho0);
    if (!(p->theta3 < p->f3w))
        return inconsistent(ctx, "theta3",
                            "expected theta3 below f3w = %g (wound collagen "
                            "is richer in type III than native dermis), found %g",
                            p->f3w, p->theta3);
    if (!(p->dt_min <= p->dt_max))
        return inconsistent(ctx, "dt_min", "expected dt_min at most dt_max = %g day, found %g",
                            p->dt_max, p->dt_min);
    if (!(p->D_c <= p->D_free))
        return inconsistent(ctx, "D_c",
                            "expected D_c at most D_free = %g mm^2/day (binding "
                            "can only retard diffusion, R_bind = D_free/D_c >= 1), found %g",
                            p->D_free, p->D_c);
    if (!(p->z_peel_sup <= p->z_peel_med))
        return inconsistent(ctx, "z_peel_sup",
                            "expected z_peel_sup at most z_peel_med = %g "
                            "mm, found %g",
                            p->z_peel_med, p->z_peel_sup);
    if (!(p->z_inj <= p->h_e0 + p->h_d0))
        return inconsistent(ctx, "z_inj",
                            "expected an intradermal injection depth at most "
                            "h_e0 + h_d0 = %g mm, found %g",
                            p->h_e0 + p->h_d0, p->z_inj);
    /* Rows without a range that the physics needs positive. */
    static const char *const positive[] = {"M_max", "n_max",  "c_epi",   "c_derm", "c_fat",
                                           "rho_b", "A_cell", "Ea_cell", "A_coll", "Ea_coll",
                                           "R_gas", "d_MTZ",  "z_MTZ",   "s_MTZ"};
    for (size_t k = 0; k < sizeof positive / sizeof positive[0]; k++) {
        double v = 0.0;
        if (!scar_params_get(p, positive[k], &v) || !(v > 0.0 && isfinite(v)))
            return inconsistent(ctx, positive[k], "expected a positive number, found %g", v);
    }
    /* Whatever the relations above miss, a homeostasis constant must come
     * out finite and positive. */
    for (size_t d = 0; d < sizeof derived / sizeof derived[0]; d++) {
        double v = value_at(p, (size_t)derived[d].index);
        if (!(v > 0.0 && isfinite(v)))
            return inconsistent(ctx, rows[derived[d].index].name,
                                "expected a positive derived value, found %g: check %s", v,
                                derived[d].inputs);
    }
    return SCAR_OK;
}
