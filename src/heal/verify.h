/*
 * verify.h — the engine's numerical verification (validation-targets.md §G),
 * run by `scarsim verify` and by the test suite.  Each check builds a small
 * tissue of its own, measures, and compares with a stated criterion.
 */
#ifndef SCAR_VERIFY_H
#define SCAR_VERIFY_H

#include "heal.h"
#include "lod.h"

typedef struct scar_verify_check {
    const char *id;        /* N1, N3, ... */
    const char *name;
    double value;          /* what was measured */
    double limit;          /* the criterion it is held to */
    const char *relation;  /* "<=", ">=", "in" */
    char detail[256];
    bool pass;
    bool skipped;          /* not applicable to this version; says why */
} scar_verify_check;

enum { SCAR_VERIFY_MAX = 24 };

typedef struct scar_verify_report {
    scar_lod_verify_result lod;
    scar_verify_check checks[SCAR_VERIFY_MAX];
    size_t n;
    bool pass;
    double seconds;
} scar_verify_report;

/* quick: shorter runs for the unit tests (same criteria). */
scar_status scar_verify_run(scar_ctx *ctx, bool quick, scar_verify_report *out);

#endif /* SCAR_VERIFY_H */
