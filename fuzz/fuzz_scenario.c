/*
 * fuzz_scenario.c — libFuzzer harness for the scenario parser
 * (src/course/scenario.c): libfyaml's event parser, the tree built from it
 * and the schema checks, from memory (scar_scenario_parse, as the web API
 * calls it).  Each input is parsed as strict JSON (a ".json" name) and as
 * YAML (a ".yaml" name).
 *
 * The names lie in a scratch folder holding an empty measured_skin.gsf, so
 * the example scenario that names that file gets past skin.surface (which is
 * only checked to exist, not read) into the rest of the schema.
 */
#include "fuzz_common.h"

#include "scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_scratch_init();
    return 0;
}

static void parse(const uint8_t *data, size_t size, const char *name, const char *what)
{
    scar_ctx *ctx = scar_ctx_create();
    if (!ctx)
        fz_die("setup", "no memory for a context");
    scar_scenario *s = NULL;
    fz_alloc_count(ctx);
    scar_status st = scar_scenario_parse(ctx, (const char *)data, size, name, NULL, &s);
    long used = fz_alloc_used(ctx);
    fz_check(ctx, st, s != NULL, what);
    if (s && (!s->params || (s->has_synth == (s->surface_path != NULL))))
        fz_die(what, "a scenario without parameters or with both or neither skin");
    scar_scenario_destroy(&s);
    if (used > 0) {
        scar_ctx_clear_error(ctx);
        fz_alloc_fail(ctx, used, data, size);
        st = scar_scenario_parse(ctx, (const char *)data, size, name, NULL, &s);
        scar_ctx_fail_alloc_after(ctx, 0);
        fz_check(ctx, st, s != NULL, what);
        scar_scenario_destroy(&s);
    }
    scar_ctx_destroy(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse(data, size, fz_json_name, "scenario (json)");
    parse(data, size, fz_yaml_name, "scenario (yaml)");
    return 0;
}
