/*
 * fuzz_patient.c — libFuzzer harness for the patient parser
 * (src/plan/patient.c over src/course/doc.c): the tree built from
 * libfyaml's events, the schema checks and the strict dates, from memory
 * (scar_patient_parse, as the web API calls it).  Each input is parsed as
 * strict JSON (a ".json" name) and as YAML (a ".yaml" name).
 *
 * The names lie in a scratch folder holding an empty measured_skin.gsf, so
 * a patient whose skin.surface names that file gets past it (it is only
 * checked to exist, not read) into the rest of the schema.
 */
#include "fuzz_common.h"

#include "patient.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_scratch_init();
    return 0;
}

/* What every accepted patient must satisfy (patient.h's ranges). */
static void check_patient(const scar_patient *p, const char *what)
{
    int scars = 0;
    for (int t = 0; t < SCAR_TYPE_COUNT; t++) {
        if (p->counts[t] < 0 || p->counts[t] > SCAR_PATIENT_MAX_SCARS)
            fz_die(what, "a scar count out of range");
        scars += p->counts[t];
    }
    if (!(p->age_y >= 12.0 && p->age_y <= 100.0) || p->fitzpatrick < 1 || p->fitzpatrick > 6 ||
        !p->region || !p->path)
        fz_die(what, "an age, skin type, region or path out of range");
    if ((p->skin == SCAR_SKIN_SURFACE) != (p->surface_path != NULL) ||
        (p->skin == SCAR_SKIN_COUNTS && scars == 0))
        fz_die(what, "a skin without its scars or scan");
    if (p->history.ntried > SCAR_PATIENT_MAX_TRIED)
        fz_die(what, "too many treatments tried");
    for (size_t i = 0; i < p->history.ntried; i++)
        if (!p->history.tried[i] || !p->history.tried[i][0] || strchr(p->history.tried[i], '\n'))
            fz_die(what, "an empty or multi-line treatment");
    double iso = p->history.isotretinoin_months_ago;
    if (!isnan(iso) && !(iso >= 0.0 && iso <= 600.0))
        fz_die(what, "isotretinoin months out of range");
    const scar_patient_prefs *pr = &p->prefs;
    if (pr->max_sessions < 1 || pr->max_sessions > SCAR_PATIENT_MAX_SESSIONS ||
        (pr->setting != SCAR_SETTING_CLINIC && pr->setting != SCAR_SETTING_HOME))
        fz_die(what, "sessions or setting out of range");
    if (pr->has_start) {
        char buf[16];
        scar_date back;
        scar_date_format(pr->start_date, buf, sizeof buf);
        if (!scar_date_parse(buf, &back) || back.days != pr->start_date.days)
            fz_die(what, "a start date that does not round-trip");
    }
    if (!isnan(pr->max_downtime_days) && !(pr->max_downtime_days >= 0.0))
        fz_die(what, "a negative downtime");
}

static void parse(const uint8_t *data, size_t size, const char *name, const char *what)
{
    scar_ctx *ctx = scar_ctx_create();
    if (!ctx)
        fz_die("setup", "no memory for a context");
    scar_patient *p = NULL;
    fz_alloc_count(ctx);
    scar_status st = scar_patient_parse(ctx, (const char *)data, size, name, NULL, &p);
    long used = fz_alloc_used(ctx);
    fz_check(ctx, st, p != NULL, what);
    if (p)
        check_patient(p, what);
    scar_patient_destroy(&p);
    if (used > 0) {
        scar_ctx_clear_error(ctx);
        fz_alloc_fail(ctx, used, data, size);
        st = scar_patient_parse(ctx, (const char *)data, size, name, NULL, &p);
        scar_ctx_fail_alloc_after(ctx, 0);
        fz_check(ctx, st, p != NULL, what);
        scar_patient_destroy(&p);
    }
    scar_ctx_destroy(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a short input goes through the date parser directly too (the schema
     * reaches it only through preferences.start_date) */
    if (size <= 16) {
        char s[17];
        memcpy(s, data, size);
        s[size] = '\0';
        scar_date d;
        if (scar_date_parse(s, &d)) {
            char back[16];
            scar_date_format(d, back, sizeof back);
            if (strcmp(back, s) != 0)
                fz_die("date", "a date that does not format back to itself");
        }
    }
    parse(data, size, fz_json_name, "patient (json)");
    parse(data, size, fz_yaml_name, "patient (yaml)");
    return 0;
}
