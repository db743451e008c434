/*
 * scenario.h — the scenario file of `scarsim run` (JSON or YAML, read with
 * libfyaml) as a struct: the skin, the protocol, the grid, parameter
 * overrides and outputs (DESIGN.md "Input files", docs/scenario.md).
 *
 * Every refusal is SCAR_EINPUT with the scenario's name as the file, the
 * 1-based line and column of the offending node, the field as a dotted path
 * ("protocol.needle_mm", "skin.synth.size_mm[1]", "params.D_c") and a
 * message "expected X, found Y".  Unknown keys are refused with the closest
 * known key suggested, so a typo is never silently ignored.  Nothing is
 * printed: libfyaml's own diagnostics are collected and turned into that
 * one error.
 */
#ifndef SCAR_SCENARIO_H
#define SCAR_SCENARIO_H

#include "course.h"
#include "doc.h"
#include "params_api.h"

/* Refused before parsing: a scenario is a page of text. */
#define SCAR_SCENARIO_MAX_BYTES (1u << 20)
/* The ranges a scenario's values are checked against (docs/scenario.md);
 * the web API's /api/options offers the same. */
#define SCAR_SCENARIO_NEEDLE_MM_MIN 0.1
#define SCAR_SCENARIO_NEEDLE_MM_MAX 3.0
#define SCAR_SCENARIO_HOME_ROLLER_MAX_MM 0.5
#define SCAR_SCENARIO_MAX_SESSIONS 12
#define SCAR_SCENARIO_FITZPATRICK_MAX 6 /* types 1 to 6 */
#define SCAR_SCENARIO_INTERVAL_WEEKS_MIN 1.0
#define SCAR_SCENARIO_INTERVAL_WEEKS_MAX 26.0
#define SCAR_SCENARIO_FOLLOW_UP_WEEKS_MAX 104.0
#define SCAR_SCENARIO_FOLLOW_UP_WEEKS_DEFAULT 12.0
#define SCAR_SCENARIO_DX_UM_MIN 10.0
#define SCAR_SCENARIO_DX_UM_MAX 200.0
#define SCAR_SYNTH_SIZE_MM_MIN 1.0
#define SCAR_SYNTH_SIZE_MM_MAX 100.0
#define SCAR_SYNTH_PX_UM_MIN 1.0
#define SCAR_SYNTH_PX_UM_MAX 1000.0
#define SCAR_SYNTH_MAX_SCARS 1000
/* At most this many snapshot days under output.vti_days. */
#define SCAR_SCENARIO_MAX_VTI 64

typedef struct scar_scenario {
    char *path;                /* the file read (or the name given to parse) */
    bool has_synth;            /* skin.synth given (else skin.surface) */
    scar_synth_spec synth;     /* scar_synth_spec_default, then the file's values */
    char *surface_path;        /* resolved relative to the scenario's folder; NULL with synth */
    const scar_region *region; /* scar_region_find; cheek by default */
    int fitzpatrick;           /* 1-6 */
    double age_y;
    scar_protocol protocol; /* device from scar_device_default(kind, params) then the
                               file's settings; interval and follow-up in days */
    double dx_um;           /* voxel edge of the tissue grid */
    scar_params *params;    /* effective parameters: defaults + overrides, checked */
    double *vti_days;       /* tissue snapshot days for ParaView; NULL when none */
    size_t nvti;
    bool has_seed; /* a top-level seed was given (the CLI's --seed wins) */
    uint64_t seed;
} scar_scenario;

/* Reads and validates a scenario file.  JSON when the name ends in ".json"
 * (strict: no comments, no trailing commas), YAML otherwise (which also
 * reads JSON).  On success *out is owned by the caller. */
scar_status scar_scenario_read(scar_ctx *ctx, const char *path, scar_scenario **out);

/* The same from memory (the web API): len bytes of text, NUL not needed;
 * name is used in messages, chooses JSON or YAML like a path does and is the
 * base of a relative skin.surface (NULL: "scenario").  files (NULL: paths)
 * maps skin.surface ids to stored files, see doc.h. */
scar_status scar_scenario_parse(scar_ctx *ctx, const char *text, size_t len, const char *name,
                                const scar_doc_files *files, scar_scenario **out);

void scar_scenario_destroy(scar_scenario **s); /* accepts NULL */

/* Pieces of the schema shared with the patient file of `plan`
 * (plan/patient.c), which takes the same skin.synth, skin.surface, scar
 * counts, regions and adjunct lists.  Each refuses at the node with the
 * field given. */
/* A mapping of scar types to counts 0..max at field `where`; the types not
 * listed are 0. */
scar_status scar_scenario_read_scar_counts(const scar_doc *d, const scar_doc_node *v,
                                           const char *where, int max, int counts[SCAR_TYPE_COUNT]);
/* A facial region by name (scar_region_find's names). */
scar_status scar_scenario_read_region(const scar_doc *d, const scar_doc_node *v, const char *field,
                                      const scar_region **out);
/* A list of adjunct names, each at most once; sets on[a] for each one. */
scar_status scar_scenario_read_adjuncts(const scar_doc *d, const scar_doc_node *v,
                                        const char *where, bool on[SCAR_ADJ_COUNT]);
/* A synth mapping at field `where` ("skin.synth") into spec, over
 * scar_synth_spec_default; the scar types listed are the scars wanted. */
scar_status scar_scenario_read_synth(const scar_doc *d, const scar_doc_node *v, const char *where,
                                     scar_synth_spec *spec);
/* A height-map path, relative to the folder of d's file unless absolute,
 * that must name a readable regular file of a known format; *out is
 * allocated (the caller frees it) and NULL on failure. */
scar_status scar_scenario_read_surface(const scar_doc *d, const scar_doc_node *v, const char *field,
                                       char **out);

#endif /* SCAR_SCENARIO_H */
