/*
 * scenario.c — reads the scenario of `scarsim run` (docs/scenario.md).
 *
 * doc.c turns the text into a tree whose nodes know their line and column;
 * this file checks that tree key by key against the scenario's schema.
 * Every refusal names the file, the node's position and the dotted field,
 * and says what was expected and what was found.
 */
#include "scenario.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Defaults that the parameter table does not hold (docs/scenario.md says
 * where each comes from). */
#define DEFAULT_AGE_Y 28.0 /* the DESIGN.md example patient */

/* The library's names as scar_doc_names lists. */
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
/* params                                                                   */
/* ------------------------------------------------------------------------ */

/* Defaults + overrides through scar_params_set (each located at its value),
 * then the cross-row checks, located at the override they name. */
static scar_status read_params(const scar_doc *d, const scar_doc_node *pm, scar_scenario *s)
{
    char field[160], found[96];
    scar_status st = scar_params_create(d->ctx, &s->params);
    if (st)
        return st;
    if (pm) {
        if ((st = scar_doc_want_map(d, pm, "params", "parameter names with values")))
            return st;
        for (size_t i = 0; i < pm->n; i += 2) {
            const scar_doc_node *k = pm->kid[i], *v = pm->kid[i + 1];
            if (!scar_doc_is_name(k))
                return scar_doc_fail(d, k, "params", "expected a parameter name, found %s",
                                     scar_doc_describe(k, found, sizeof found));
            scar_doc_join(field, sizeof field, "params", k->text);
            for (size_t p = 0; p < i; p += 2)
                if (scar_doc_is(pm->kid[p], k->text))
                    return scar_doc_fail(
                        d, k, field,
                        "expected each parameter once, found %s again (first at line "
                        "%ld, column %ld)",
                        k->text, pm->kid[p]->line, pm->kid[p]->col);
            double x = 0.0;
            if (scar_params_find(k->text) >= 0 && !scar_doc_as_number(v, &x))
                return scar_doc_fail(d, v, field, "expected a number, found %s",
                                     scar_doc_describe(v, found, sizeof found));
            /* an unknown name is reported at the name, a bad value at the value */
            const scar_doc_node *at = scar_params_find(k->text) >= 0 ? v : k;
            if ((st = scar_params_set(d->ctx, s->params, k->text, x, d->file, at->line, at->col)))
                return st;
        }
    }
    if ((st = scar_params_check(d->ctx, s->params))) {
        /* scar_params_check knows the field, not the file: point at the
         * override it names, else at the params mapping. */
        scar_error *e = &d->ctx->err;
        const scar_doc_node *at = pm;
        if (pm && pm->type == SCAR_DOC_MAP && strncmp(e->field, "params.", 7) == 0) {
            const scar_doc_node *v = scar_doc_lookup(pm, e->field + 7, NULL);
            if (v)
                at = v;
        }
        scar_strlcpy(e->file, d->file, sizeof e->file);
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
static const scar_doc_names synth_names = {synth_keys, NULL,
                                           sizeof synth_keys / sizeof *synth_keys};

scar_status scar_scenario_read_scar_counts(const scar_doc *d, const scar_doc_node *v,
                                           const char *where, int max, int counts[SCAR_TYPE_COUNT])
{
    const scar_doc_names types = {NULL, type_at, SCAR_TYPE_COUNT};
    char field[200];
    scar_status st;
    if ((st = scar_doc_want_map(d, v, where, "icepick, boxcar, rolling, hypertrophic: counts")) ||
        (st = scar_doc_check_keys(d, v, where, &types)))
        return st;
    /* the types listed are the scars wanted: the others are none */
    for (int t = 0; t < SCAR_TYPE_COUNT; t++) {
        const char *name = scar_type_name((scar_type)t);
        const scar_doc_node *c = scar_doc_opt(v, name);
        counts[t] = 0;
        if (c && (st = scar_doc_int(d, c, scar_doc_join(field, sizeof field, where, name), 0, max,
                                    &counts[t])))
            return st;
    }
    return SCAR_OK;
}

scar_status scar_scenario_read_region(const scar_doc *d, const scar_doc_node *v, const char *field,
                                      const scar_region **out)
{
    const scar_doc_names regions = {NULL, region_at, scar_region_count()};
    size_t i = 0;
    scar_status st = scar_doc_name(d, v, field, "a facial region", &regions, &i);
    if (!st)
        *out = scar_region_at(i);
    return st;
}

scar_status scar_scenario_read_synth(const scar_doc *d, const scar_doc_node *sy, const char *where,
                                     scar_synth_spec *spec)
{
    char sw[160], sf[160], field[200], found[96];
    scar_status st;
    scar_synth_spec_default(spec);
    if ((st = scar_doc_want_map(d, sy, where, "scars, size_mm, px_um, seed")) ||
        (st = scar_doc_check_keys(d, sy, where, &synth_names)))
        return st;
    const scar_doc_node *sc = scar_doc_opt(sy, "scars");
    if (sc && (st = scar_scenario_read_scar_counts(d, sc,
                                                   scar_doc_join(sw, sizeof sw, where, "scars"),
                                                   SCAR_SYNTH_MAX_SCARS, spec->counts)))
        return st;
    const scar_doc_node *sz = scar_doc_opt(sy, "size_mm");
    if (sz) {
        scar_doc_join(sf, sizeof sf, where, "size_mm");
        if (sz->type != SCAR_DOC_SEQ)
            return scar_doc_fail(d, sz, sf, "expected two numbers [width, height] in mm, found %s",
                                 scar_doc_describe(sz, found, sizeof found));
        if (sz->n != 2)
            return scar_doc_fail(d, sz, sf,
                                 "expected two numbers [width, height] in mm, found a list of %zu",
                                 sz->n);
        double *dst[2] = {&spec->width_mm, &spec->height_mm};
        for (size_t i = 0; i < 2; i++) {
            snprintf(field, sizeof field, "%s[%zu]", sf, i);
            if ((st = scar_doc_number(d, sz->kid[i], field, SCAR_SYNTH_SIZE_MM_MIN,
                                       SCAR_SYNTH_SIZE_MM_MAX, "mm", dst[i])))
                return st;
        }
    }
    const scar_doc_node *seed = scar_doc_opt(sy, "seed");
    if ((st = scar_doc_opt_number(d, sy, where, "px_um", SCAR_SYNTH_PX_UM_MIN,
                                   SCAR_SYNTH_PX_UM_MAX, "um", &spec->px_um)) ||
        (seed && (st = scar_doc_u64(d, seed, scar_doc_join(field, sizeof field, where, "seed"),
                                    &spec->seed))) ||
        (st = scar_doc_opt_number(d, sy, where, "texture", 0.0, 100.0, "", &spec->texture)) ||
        (st = scar_doc_opt_number(d, sy, where, "noise_um", 0.0, 1000.0, "um", &spec->noise_um)) ||
        (st = scar_doc_opt_number(d, sy, where, "form", 0.0, 10.0, "", &spec->form)))
        return st;
    return SCAR_OK;
}

/* A relative path is relative to the folder of the file that names it; a
 * document from outside names a stored file by an id (d->files). */
scar_status scar_scenario_read_surface(const scar_doc *d, const scar_doc_node *v, const char *field,
                                       char **out)
{
    char found[96];
    *out = NULL;
    const scar_doc_files *fs = d->files;
    if (!scar_doc_is_name(v))
        return scar_doc_fail(d, v, field, "expected %s, found %s",
                             fs ? fs->expected : "the path of a height-map file",
                             scar_doc_describe(v, found, sizeof found));
    char *path = NULL;
    if (fs) {
        if (!(path = fs->resolve(fs->user, v->text)))
            return scar_doc_fail(d, v, field, "expected %s, found %s", fs->expected,
                                 scar_doc_describe(v, found, sizeof found));
    } else {
        const char *slash = strrchr(d->file, '/');
        size_t dir = v->text[0] != '/' && slash ? (size_t)(slash - d->file) + 1 : 0;
        if (!(path = scar_malloc(d->ctx, dir + v->len + 1)))
            return SCAR_ENOMEM;
        memcpy(path, d->file, dir);
        memcpy(path + dir, v->text, v->len + 1);
    }
    scar_status st = SCAR_EINPUT;
    struct stat sb;
    if (stat(path, &sb) != 0 || access(path, R_OK) != 0)
        scar_doc_fail(d, v, field, "expected a readable height-map file, found \"%s\" (%s: %s)",
                      v->text, fs ? "the stored file" : path, strerror(errno));
    else if (!S_ISREG(sb.st_mode))
        scar_doc_fail(d, v, field, "expected a height-map file, found \"%s\", which is not a file",
                      v->text);
    /* the run reads it by its extension (scar_heightmap_read, format auto) */
    else if (scar_format_from_path(path) == SCAR_FMT_AUTO)
        scar_doc_fail(d, v, field,
                      "expected a height-map file ending in .gsf, .x3p, .png or .csv, found \"%s\"",
                      v->text);
    else
        st = SCAR_OK;
    if (st)
        free(path);
    else
        *out = path;
    return st;
}

static const char *const skin_keys[] = {"synth", "surface", "region", "fitzpatrick", "age"};
static const scar_doc_names skin_names = {skin_keys, NULL, sizeof skin_keys / sizeof *skin_keys};
static const char *const skin_sources[] = {"synth", "surface"};

static scar_status read_skin(const scar_doc *d, const scar_doc_node *sk, scar_scenario *s)
{
    scar_status st;
    if ((st = scar_doc_want_map(d, sk, "skin", "synth or surface, region, fitzpatrick, age")) ||
        (st = scar_doc_check_keys(d, sk, "skin", &skin_names)))
        return st;
    const scar_doc_names sources = {skin_sources, NULL, 2};
    const scar_doc_node *v;
    size_t src = 0;
    if ((st = scar_doc_one_of(d, sk, "skin", &sources,
                              "synth (a synthetic skin) or surface (a measured height map)", &src,
                              &v)))
        return st;
    s->has_synth = src == 0;
    scar_synth_spec_default(&s->synth);
    if ((st = s->has_synth ? scar_scenario_read_synth(d, v, "skin.synth", &s->synth)
                           : scar_scenario_read_surface(d, v, "skin.surface", &s->surface_path)))
        return st;

    s->region = scar_region_find("cheek");
    if ((v = scar_doc_opt(sk, "region")) &&
        (st = scar_scenario_read_region(d, v, "skin.region", &s->region)))
        return st;
    if ((st =
             scar_doc_req(d, sk, "skin", "fitzpatrick", "the Fitzpatrick skin type, 1 to 6", &v)) ||
        (st = scar_doc_int(d, v, "skin.fitzpatrick", 1, SCAR_SCENARIO_FITZPATRICK_MAX,
                                 &s->fitzpatrick)))
        return st;
    s->age_y = DEFAULT_AGE_Y;
    return scar_doc_opt_number(d, sk, "skin", "age", 12.0, 100.0, "years", &s->age_y);
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
    {"stroke_hz", offsetof(scar_device, stroke_hz), SET_REAL, 1, 300, "Hz", NULL,
     KIND(SCAR_DEV_PEN)},
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

static scar_status read_settings(const scar_doc *d, const scar_doc_node *ds, scar_device *dev)
{
    const char *where = "protocol.device_settings";
    const scar_doc_names keys = {NULL, setting_at, NSETTINGS},
                         devices = {NULL, device_at, SCAR_DEV_COUNT};
    char field[160], a[200], b[200];
    scar_status st;
    if ((st = scar_doc_want_map(d, ds, where, "settings of the device")) ||
        (st = scar_doc_check_keys(d, ds, where, &keys)))
        return st;
    for (size_t i = 0; i < NSETTINGS; i++) {
        const setting *row = &settings[i];
        const scar_doc_node *k = NULL, *v = scar_doc_lookup(ds, row->key, &k);
        if (!v || scar_doc_is_null(v))
            continue;
        scar_doc_join(field, sizeof field, where, row->key);
        if (!(row->kinds & KIND(dev->kind))) {
            unsigned takes = 0; /* the settings this kind of device takes */
            for (size_t j = 0; j < NSETTINGS; j++)
                if (settings[j].kinds & KIND(dev->kind))
                    takes |= 1u << j;
            return scar_doc_fail(
                d, k, field, "expected a setting of a %s (%s), found %s, a setting of %s",
                device_at(dev->kind), scar_doc_list_text(a, sizeof a, &keys, takes), row->key,
                scar_doc_list_text(b, sizeof b, &devices, row->kinds));
        }
        double lo = row->lo, hi = row->hi;
        if (row->param) {
            scar_param_info info;
            if (!scar_params_info(NULL, (size_t)scar_params_find(row->param), &info))
                return SCAR_RAISE(d->ctx, SCAR_EINTERNAL, "parameter row %s is missing",
                                  row->param);
            lo = isnan(info.lo) ? 0.0 : info.lo;
            hi = isnan(info.hi) ? INFINITY : info.hi;
        }
        char *slot = (char *)dev + row->off;
        if (row->type == SET_INT)
            st = scar_doc_int(d, v, field, (long long)lo, (long long)hi, (int *)(void *)slot);
        else if (row->type == SET_BOOL)
            st = scar_doc_bool(d, v, field, (bool *)(void *)slot);
        else
            st = scar_doc_number(d, v, field, lo, hi, row->unit, (double *)(void *)slot);
        if (st)
            return st;
    }
    return SCAR_OK;
}

scar_status scar_scenario_read_adjuncts(const scar_doc *d, const scar_doc_node *v,
                                        const char *where, bool on[SCAR_ADJ_COUNT])
{
    const scar_doc_names adj = {NULL, adjunct_at, SCAR_ADJ_COUNT};
    const scar_doc_node *first[SCAR_ADJ_COUNT] = {NULL};
    char field[160], found[96];
    if (v->type != SCAR_DOC_SEQ)
        return scar_doc_fail(d, v, where, "expected a list of adjunct names, found %s",
                             scar_doc_describe(v, found, sizeof found));
    for (size_t i = 0; i < v->n; i++) {
        size_t a = 0;
        snprintf(field, sizeof field, "%s[%zu]", where, i);
        scar_status st = scar_doc_name(d, v->kid[i], field, "an adjunct", &adj, &a);
        if (st)
            return st;
        if (first[a])
            return scar_doc_fail(d, v->kid[i], field,
                                 "expected each adjunct once, found %s again (first at line %ld, "
                                 "column %ld)",
                                 adjunct_at(a), first[a]->line, first[a]->col);
        first[a] = v->kid[i];
        on[a] = true;
    }
    return SCAR_OK;
}

static const char *const protocol_keys[] = {"device",          "needle_mm",      "passes",
                                            "sessions",        "interval_weeks", "adjuncts",
                                            "follow_up_weeks", "occluded",       "device_settings"};
static const scar_doc_names protocol_names = {protocol_keys, NULL,
                                              sizeof protocol_keys / sizeof *protocol_keys};

static scar_status read_protocol(const scar_doc *d, const scar_doc_node *pn, scar_scenario *s)
{
    const char *where = "protocol";
    scar_protocol *pr = &s->protocol;
    const scar_doc_node *v;
    scar_status st;
    if ((st = scar_doc_want_map(d, pn, where, "device, needle_mm, sessions, ...")) ||
        (st = scar_doc_check_keys(d, pn, where, &protocol_names)))
        return st;

    const scar_doc_names devices = {NULL, device_at, SCAR_DEV_COUNT};
    size_t kind = 0;
    if ((st = scar_doc_req(d, pn, where, "device", "the device: one of roller, pen, stamp, ...",
                           &v)) ||
        (st = scar_doc_name(d, v, "protocol.device", "a device", &devices, &kind)))
        return st;
    memset(pr, 0, sizeof *pr);
    scar_device_default((scar_device_kind)kind, s->params, &pr->device);
    if ((v = scar_doc_opt(pn, "device_settings")) && (st = read_settings(d, v, &pr->device)))
        return st;

    if ((st = scar_doc_req(d, pn, where, "needle_mm", "the needle length in mm, 0.1 to 3", &v)) ||
        (st = scar_doc_number(d, v, "protocol.needle_mm", SCAR_SCENARIO_NEEDLE_MM_MIN,
                             SCAR_SCENARIO_NEEDLE_MM_MAX, "mm", &pr->device.needle_mm)))
        return st;
    if (pr->device.kind == SCAR_DEV_HOME_ROLLER &&
        pr->device.needle_mm > SCAR_SCENARIO_HOME_ROLLER_MAX_MM)
        return scar_doc_fail(d, v, "protocol.needle_mm",
                             "expected at most %g mm for a home_roller (longer needles are for a "
                             "clinic), found %s",
                             SCAR_SCENARIO_HOME_ROLLER_MAX_MM, v->text);
    if ((v = scar_doc_opt(pn, "passes")) &&
        (st = scar_doc_int(d, v, "protocol.passes", 1, 50, &pr->device.passes)))
        return st;
    if ((st = scar_doc_req(d, pn, where, "sessions", "the number of sessions, 0 to 12", &v)) ||
        (st = scar_doc_int(d, v, "protocol.sessions", 0, SCAR_SCENARIO_MAX_SESSIONS,
                          &pr->sessions)))
        return st;

    /* the interval's default is the parameter table's dt_sess (days) */
    double interval_weeks = 0.0, follow_up_weeks = SCAR_SCENARIO_FOLLOW_UP_WEEKS_DEFAULT;
    if (!scar_params_get(s->params, "dt_sess", &interval_weeks))
        return SCAR_RAISE(d->ctx, SCAR_EINTERNAL, "parameter row dt_sess is missing");
    interval_weeks /= 7.0;
    if ((st = scar_doc_opt_number(d, pn, where, "interval_weeks",
                                  SCAR_SCENARIO_INTERVAL_WEEKS_MIN,
                                  SCAR_SCENARIO_INTERVAL_WEEKS_MAX, "weeks",
                                  &interval_weeks)) ||
        (st = scar_doc_opt_number(d, pn, where, "follow_up_weeks", 0.0,
                                  SCAR_SCENARIO_FOLLOW_UP_WEEKS_MAX, "weeks",
                                  &follow_up_weeks)))
        return st;
    pr->interval_days = 7.0 * interval_weeks;
    pr->follow_up_days = 7.0 * follow_up_weeks;

    if ((v = scar_doc_opt(pn, "adjuncts")) &&
        (st = scar_scenario_read_adjuncts(d, v, "protocol.adjuncts", pr->adjunct)))
        return st;
    if ((v = scar_doc_opt(pn, "occluded")) &&
        (st = scar_doc_bool(d, v, "protocol.occluded", &pr->occluded)))
        return st;
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* grid, output, the whole scenario                                         */
/* ------------------------------------------------------------------------ */

static const char *const grid_keys[] = {"dx_um"};
static const scar_doc_names grid_names = {grid_keys, NULL, 1};
static const char *const output_keys[] = {"vti_days"};
static const scar_doc_names output_names = {output_keys, NULL, 1};

static scar_status read_grid(const scar_doc *d, const scar_doc_node *g, scar_scenario *s)
{
    /* the default voxel is the parameter table's h (mm) */
    double h_mm = 0.0;
    scar_status st;
    if (!scar_params_get(s->params, "h", &h_mm))
        return SCAR_RAISE(d->ctx, SCAR_EINTERNAL, "parameter row h is missing");
    s->dx_um = 1000.0 * h_mm;
    if (!g)
        return SCAR_OK;
    if ((st = scar_doc_want_map(d, g, "grid", "dx_um")) ||
        (st = scar_doc_check_keys(d, g, "grid", &grid_names)))
        return st;
    return scar_doc_opt_number(d, g, "grid", "dx_um", SCAR_SCENARIO_DX_UM_MIN,
                               SCAR_SCENARIO_DX_UM_MAX, "um", &s->dx_um);
}

/* Snapshot days must fall inside the course, or no snapshot would be written. */
static scar_status read_output(const scar_doc *d, const scar_doc_node *o, scar_scenario *s)
{
    char field[160], found[96];
    scar_status st;
    if ((st = scar_doc_want_map(d, o, "output", "vti_days")) ||
        (st = scar_doc_check_keys(d, o, "output", &output_names)))
        return st;
    const scar_doc_node *v = scar_doc_opt(o, "vti_days");
    if (!v)
        return SCAR_OK;
    if (v->type != SCAR_DOC_SEQ)
        return scar_doc_fail(d, v, "output.vti_days", "expected a list of days, found %s",
                             scar_doc_describe(v, found, sizeof found));
    if (v->n > SCAR_SCENARIO_MAX_VTI)
        return scar_doc_fail(d, v->kid[SCAR_SCENARIO_MAX_VTI], "output.vti_days",
                             "expected at most %d snapshot days, found %zu", SCAR_SCENARIO_MAX_VTI,
                             v->n);
    if (v->n == 0)
        return SCAR_OK;
    s->vti_days = scar_malloc(d->ctx, v->n * sizeof *s->vti_days);
    if (!s->vti_days)
        return SCAR_ENOMEM;
    double end = scar_protocol_end_day(&s->protocol);
    for (size_t i = 0; i < v->n; i++) {
        snprintf(field, sizeof field, "output.vti_days[%zu]", i);
        if ((st = scar_doc_number(d, v->kid[i], field, 0.0, INFINITY, "days", &s->vti_days[i])))
            return st;
        if (s->vti_days[i] > end)
            return scar_doc_fail(d, v->kid[i], field,
                                 "expected a day from 0 to %g (the end of the course), found %s",
                                 end, v->kid[i]->text);
        s->nvti++;
    }
    return SCAR_OK;
}

static const char *const root_keys[] = {"skin", "protocol", "grid", "params", "output", "seed"};
static const scar_doc_names root_names = {root_keys, NULL, sizeof root_keys / sizeof *root_keys};

static scar_status read_scenario(const scar_doc *d, const scar_doc_node *root, scar_scenario *s)
{
    char found[96];
    const scar_doc_node *v;
    scar_status st;
    if (!root)
        return scar_doc_fail(
            d, NULL, NULL,
            "expected a mapping with the keys skin and protocol, found an empty file");
    if (root->type != SCAR_DOC_MAP)
        return scar_doc_fail(d, root, NULL,
                             "expected a mapping with the keys skin and protocol, found %s",
                             scar_doc_describe(root, found, sizeof found));
    if ((st = scar_doc_check_keys(d, root, "", &root_names)))
        return st;
    /* parameters first: the device defaults and the grid read them */
    if ((st = read_params(d, scar_doc_opt(root, "params"), s)))
        return st;
    if ((st = scar_doc_req(d, root, "", "skin", "the skin: synth or surface, fitzpatrick, ...",
                           &v)) ||
        (st = read_skin(d, v, s)))
        return st;
    if ((st = scar_doc_req(d, root, "", "protocol",
                           "the treatment: device, needle_mm, sessions, ...", &v)) ||
        (st = read_protocol(d, v, s)))
        return st;
    if ((st = read_grid(d, scar_doc_opt(root, "grid"), s)))
        return st;
    if ((v = scar_doc_opt(root, "output")) && (st = read_output(d, v, s)))
        return st;
    if ((v = scar_doc_opt(root, "seed"))) {
        if ((st = scar_doc_u64(d, v, "seed", &s->seed)))
            return st;
        s->has_seed = true;
    }
    return SCAR_OK;
}

/* ------------------------------------------------------------------------ */
/* public                                                                   */
/* ------------------------------------------------------------------------ */

/* The scar_doc_reader of a scenario: out is a scar_scenario **. */
static scar_status read_doc(const scar_doc *d, void *out)
{
    scar_scenario *s = scar_calloc(d->ctx, 1, sizeof *s);
    scar_status st = !s || !(s->path = scar_strdup(d->ctx, d->file)) ? SCAR_ENOMEM
                                                                     : read_scenario(d, d->root, s);
    if (st)
        scar_scenario_destroy(&s);
    *(scar_scenario **)out = s;
    return st;
}

scar_status scar_scenario_parse(scar_ctx *ctx, const char *text, size_t len, const char *name,
                                const scar_doc_files *files, scar_scenario **out)
{
    *out = NULL;
    return scar_doc_parse(ctx, text, len, name ? name : "scenario", "scenario",
                          SCAR_SCENARIO_MAX_BYTES, files, read_doc, out);
}

scar_status scar_scenario_read(scar_ctx *ctx, const char *path, scar_scenario **out)
{
    *out = NULL;
    return scar_doc_read(ctx, path, "scenario", SCAR_SCENARIO_MAX_BYTES, read_doc, out);
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
