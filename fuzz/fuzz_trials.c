/*
 * fuzz_trials.c — libFuzzer harness for the trials-table reader
 * (src/cohort/trials.c): the hand-written RFC 4180 tokenizer, the header
 * lookup by name and the schema checks, from memory (scar_trials_parse).
 * Each input is parsed once normally and once more with each allocation
 * failed in turn (fuzz_common.h): OK or a one-line SCAR_EINPUT, never a
 * crash, a leak or a half-built table.
 */
#include "fuzz_common.h"

#include "trials.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scar_ctx *ctx = scar_ctx_create();
    if (!ctx)
        fz_die("setup", "no memory for a context");
    scar_trial_table *t = NULL;
    fz_alloc_count(ctx);
    scar_status st = scar_trials_parse(ctx, (const char *)data, size, "fuzz.csv", &t);
    long used = fz_alloc_used(ctx);
    fz_check(ctx, st, t != NULL, "trials");
    for (size_t a = 0; t && a < t->n; a++)
        if (!t->arms[a].study_id || !t->arms[a].arm || t->arms[a].line < 2)
            fz_die("trials", "an arm without study_id, arm or a line after the header");
    scar_trial_table_destroy(&t);
    if (used > 0) {
        scar_ctx_clear_error(ctx);
        fz_alloc_fail(ctx, used, data, size);
        st = scar_trials_parse(ctx, (const char *)data, size, "fuzz.csv", &t);
        scar_ctx_fail_alloc_after(ctx, 0);
        fz_check(ctx, st, t != NULL, "trials");
        scar_trial_table_destroy(&t);
    }
    scar_ctx_destroy(&ctx);
    return 0;
}
