/*
 * safety.h — side effects of a course, told from the published evidence
 * (data/evidence/safety.csv) beside what the healing engine predicts: redness
 * and swelling after each session, pigmentation (PIH), tram-track marks,
 * infection, acne flare, herpes, granulomas, and the needle depth against the
 * depth guidelines.  Course layer.
 *
 * Every number shown comes from one row of safety.csv, kept here verbatim in
 * a constant table; tests/test_side_effects.c reads the CSV and checks every
 * string and number of the table against it, so code and evidence cannot
 * drift.  Where the evidence gives no number, the text says so; conditions
 * scarsim adds (when a flag is raised) are marked as assumptions in the
 * item's trigger.
 */
#ifndef SCAR_SAFETY_H
#define SCAR_SAFETY_H

#include "course.h"
#include "json.h"

/* The rows of safety.csv that scarsim uses. */
typedef enum scar_se_ref {
    SCAR_SE_DOWNTIME_DEPTH = 0,
    SCAR_SE_ERYTHEMA_RF,
    SCAR_SE_ERYTHEMA_ROLLER_HOURS,
    SCAR_SE_ERYTHEMA_ROLLER_DAYS,
    SCAR_SE_ERYTHEMA_SUBCISION,
    SCAR_SE_PIH_DOGRA,
    SCAR_SE_PIH_CACHAFEIRO,
    SCAR_SE_PIH_LASER,
    SCAR_SE_DYSCHROMIA_FABBROCINI,
    SCAR_SE_PIGMENT_ALQARQAZ,
    SCAR_SE_PIH_DROPOUT,
    SCAR_SE_TRAM_TRACK,
    SCAR_SE_AE_REVIEW,
    SCAR_SE_INFECTION,
    SCAR_SE_FDA_RISKS,
    SCAR_SE_GRANULOMA_CASES,
    SCAR_SE_GRANULOMA_REVIEW,
    SCAR_SE_PRP_ERYTHEMA,
    SCAR_SE_PRP_EDEMA,
    SCAR_SE_HSV_RATE,
    SCAR_SE_HSV_HISTORY,
    SCAR_SE_ACNE_FLARE,
    SCAR_SE_ACTIVE_ACNE,
    SCAR_SE_MEDIAN_NEEDLE,
    SCAR_SE_PEN_FOREHEAD,
    SCAR_SE_PEN_CHEEK,
    SCAR_SE_PEN_SCARRING,
    SCAR_SE_PEN_NOSE,
    SCAR_SE_PEN_UPPER_LIP,
    SCAR_SE_HOME_DEPTH,
    SCAR_SE_HOME_CEILING,
    /* contraindications and intervals (screening, plan/screen.c) */
    SCAR_SE_ISO_CONSENSUS, /* Spring 2017: no need to delay most procedures */
    SCAR_SE_ISO_LABEL,     /* the drug label: at least 6 months */
    SCAR_SE_ISO_EXPERT,    /* one expert: ~2 months */
    SCAR_SE_KELOID,
    SCAR_SE_BLEEDING,
    SCAR_SE_ECZEMA,
    SCAR_SE_PREGNANCY,
    SCAR_SE_IMMUNE, /* uncontrolled diabetes; immunosuppression; chemo/radiotherapy */
    SCAR_SE_PHOTOSENSITIVITY,
    SCAR_SE_INTERVAL_MEDIAN,
    SCAR_SE_INTERVAL_PREFERRED,
    SCAR_SE_NUMBING_DEPTH,
    SCAR_SE_EVAL_TIME,
    SCAR_SE_REF_COUNT
} scar_se_ref;

typedef struct scar_se_range {
    double lo, hi; /* lo == hi for a single number */
} scar_se_range;

/* One row of safety.csv.  The six strings are the CSV's cells verbatim.  v[]
 * are the numbers the code reads from `value`, k[] those it reads from `item`
 * (the depth bands of the downtime row), each in the order they appear. */
typedef struct scar_se_row {
    const char *item, *category, *value, *unit, *population, *source;
    /* what reports cite: `source`, except that the CSV's "same" is resolved
     * to the source of the row above it */
    const char *cited;
    scar_se_range v[3];
    int nv;
    scar_se_range k[3];
    int nk;
    /* the Fitzpatrick types of `population` ("Fitzpatrick IV-V": 4, 5);
     * 0 when it names none */
    int fitz_lo, fitz_hi;
} scar_se_row;

/* The evidence table (SCAR_SE_REF_COUNT rows, indexed by scar_se_ref). */
const scar_se_row *scar_se_evidence(scar_se_ref ref);
/* The pen chart's row for a facial region (scar_region names: "cheek",
 * "chin", "forehead", "nose", "upper_lip"); SCAR_SE_REF_COUNT where the
 * chart has none (scar_se_evidence gives NULL for it). */
scar_se_ref scar_se_region_chart(const char *region);

typedef enum scar_se_level { SCAR_SE_INFO = 0, SCAR_SE_CAUTION, SCAR_SE_WARNING } scar_se_level;
const char *scar_se_level_name(scar_se_level l); /* "info", "caution", "warning" */
/* A short heading for an item's id ("Darker patches (PIH)"). */
const char *scar_se_item_title(const char *id);

/* Where scarsim's own prediction is cited. */
#define SCAR_SE_MODEL_SOURCE                                                                       \
    "scarsim healing model: days the simulated erythema signal stays above "                       \
    "I_vis (calibration provisional)"

/* A number an item shows: a row of the evidence, or the engine's value. */
typedef struct scar_se_number {
    const scar_se_row *row; /* NULL: simulated */
    double simulated;       /* when row is NULL */
    const char *simulated_what, *simulated_unit;
} scar_se_number;

#define SCAR_SE_MAX_NUMBERS 8
#define SCAR_SE_MAX_SESSIONS 24
#define SCAR_SE_MAX_ITEMS (16 + SCAR_SE_MAX_SESSIONS)

typedef struct scar_se_item {
    const char *id; /* "erythema_session", "pih", "tram_track", ... */
    int session;    /* 0: the whole course; k >= 1: after session k */
    scar_se_level level;
    char text[1024];   /* plain language, for patients */
    char trigger[400]; /* why the item is shown at this level; scarsim's
                          own conditions are marked as assumptions */
    /* the published range that applies to this protocol (per-session
     * items), NaN when there is none; unit from the row */
    double lo, hi;
    const char *unit;
    size_t nnumbers;
    scar_se_number numbers[SCAR_SE_MAX_NUMBERS];
} scar_se_item;

typedef struct scar_side_effects {
    int fitzpatrick;
    bool pih_history;
    const char *region; /* the guideline region ("cheek" by default) */
    scar_device_kind device;
    double needle_mm;
    int nsessions;
    scar_se_level worst;
    size_t nitems;
    scar_se_item items[SCAR_SE_MAX_ITEMS];
} scar_side_effects;

/* Fills *out for a protocol on a patient of the given Fitzpatrick type (1-6)
 * on the cheek: course items first, then one "erythema_session" item per
 * session with model_erythema_days[k] (may be NULL) beside the published
 * range.  nsessions is the number of sessions run (0 <= n <= 24); no items
 * for an untreated control.  SCAR_EINPUT for a value out of range. */
scar_status scar_side_effects_assess(scar_ctx *ctx, const scar_protocol *pr, int fitzpatrick,
                                     bool pih_history, const double *model_erythema_days,
                                     int nsessions, scar_side_effects *out);
/* The same for a named facial region (scar_region names; NULL: cheek).  The
 * depth guideline of the region is used where safety.csv has one.
 * herpes_history: 1 yes, 0 no, -1 not known (a scenario; the cold-sore
 * caution is then shown to everyone). */
scar_status scar_side_effects_assess_region(scar_ctx *ctx, const scar_protocol *pr,
                                            const char *region, int fitzpatrick, bool pih_history,
                                            int herpes_history,
                                            const double *model_erythema_days, int nsessions,
                                            scar_side_effects *out);

/* {"fitzpatrick", ..., "worst_level", "items": [{"id", "session", "level",
 * "text", "trigger", "numbers": [{"what", "value", "unit", "population",
 * "source"}], "source"}]}; NULL when memory runs out. */
json_t *scar_side_effects_json(const scar_side_effects *se);

/* Whether one of the item's numbers comes from the row ref. */
bool scar_se_item_cites(const scar_se_item *it, scar_se_ref ref);

/* All distinct sources of an item joined with "; " into buf. */
void scar_se_item_sources(const scar_se_item *it, char *buf, size_t n);

#endif /* SCAR_SAFETY_H */
