/*
 * checkpoint_scenario.c — the scenario of a run as canonical text, in the
 * parts a checkpoint records (checkpoint.h): what must be the same for a
 * resumed run to take the same steps.  Every number is printed with 17
 * significant digits, so equal text means equal doubles; one "key=value"
 * a line, so a refusal can quote the first line that changed.
 */
#include "checkpoint.h"
#include "params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const part_names[SCAR_CKPT_PARTS] = {"protocol", "skin", "grid", "params",
                                                        "output"};

const char *scar_ckpt_part_name(int part)
{
    return part >= 0 && part < SCAR_CKPT_PARTS ? part_names[part] : "?";
}

typedef struct text {
    scar_ctx *ctx;
    char *s;
    size_t n, cap;
    scar_status st;
} text;

static void add(text *t, const char *fmt, ...) SCAR_PRINTF(2, 3);
static void add(text *t, const char *fmt, ...)
{
    if (t->st)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t need = t->n + (size_t)k + 1;
    if (need > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        while (cap < need)
            cap *= 2;
        char *s = scar_realloc(t->ctx, t->s, cap);
        if (!s) {
            t->st = SCAR_ENOMEM;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)k;
}

static void protocol_text(text *t, const scar_protocol *pr)
{
    const scar_device *d = &pr->device;
    add(t, "device=%s\nneedle_mm=%.17g\nneedle_radius_mm=%.17g\nf_pen=%.17g\nneedles=%d\n",
        scar_device_name(d->kind), d->needle_mm, d->needle_radius_mm, d->f_pen, d->needles);
    add(t, "drum_diameter_mm=%.17g\ndrum_width_mm=%.17g\nstroke_hz=%.17g\nspeed_mm_s=%.17g\n",
        d->drum_diameter_mm, d->drum_width_mm, d->stroke_hz, d->speed_mm_s);
    add(t, "footprint_mm=%.17g\nstamp_area_mm2=%.17g\npasses=%d\nscar_multiplier=%.17g\n",
        d->footprint_mm, d->stamp_area_mm2, d->passes, d->scar_multiplier);
    add(t, "energy_mJ=%.17g\npulse_s=%.17g\ntip_mm=%.17g\ninsulated=%d\nbipolar=%d\n",
        d->energy_mJ, d->pulse_s, d->tip_mm, d->insulated, d->bipolar);
    add(t, "rf_shortcut=%d\nablative=%d\ncoag_mm=%.17g\nrim_mm=%.17g\n", d->rf_shortcut,
        d->ablative, d->coag_mm, d->rim_mm);
    add(t, "sessions=%d\ninterval_days=%.17g\nfollow_up_days=%.17g\noccluded=%d\nadjuncts=",
        pr->sessions, pr->interval_days, pr->follow_up_days, pr->occluded);
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        if (pr->adjunct[a])
            add(t, "%s,", scar_adjunct_name((scar_adjunct)a));
    add(t, "\n");
}

/* The skin: where it is and the surface itself (a hash of its heights). */
static void skin_text(text *t, const scar_run_spec *sp)
{
    const scar_heightmap *hm = sp->surface;
    uint64_t hash = 1469598103934665603u; /* FNV-1a, 64 bits */
    for (size_t i = 0; i < hm->nx * hm->ny; i++) {
        uint32_t u;
        memcpy(&u, &hm->z_um[i], sizeof u);
        for (int k = 0; k < 4; k++) {
            hash ^= (u >> (8 * k)) & 0xffu;
            hash *= 1099511628211u;
        }
    }
    add(t, "region=%s\nfitzpatrick=%d\nage_y=%.17g\n", sp->region ? sp->region->name : "",
        sp->fitzpatrick, sp->age_y);
    add(t, "surface=%zu x %zu samples of %.17g x %.17g um from (%.17g, %.17g) um\n", hm->nx,
        hm->ny, hm->dx_um, hm->dy_um, hm->x0_um, hm->y0_um);
    add(t, "surface_heights_fnv1a=%016llx\n", (unsigned long long)hash);
}

static void params_text(text *t, const scar_params *p)
{
    scar_param_info info;
    for (size_t i = 0; scar_params_info(p, i, &info); i++)
        add(t, "%s=%.17g\n", info.name, info.value);
}

static void output_text(text *t, const scar_run_spec *sp)
{
    add(t, "sample_days=%.17g\nvti_days=", sp->sample_days);
    for (size_t i = 0; i < sp->nvti; i++)
        add(t, "%.17g,", sp->vti_days[i]);
    add(t, "\n");
}

scar_status scar_ckpt_scenario_text(scar_ctx *ctx, const scar_run_spec *sp, int part, char **out)
{
    text t = {.ctx = ctx};
    add(&t, "%s", ""); /* an empty part is "" too */
    switch (part) {
    case 0: protocol_text(&t, &sp->protocol); break;
    case 1: skin_text(&t, sp); break;
    case 2: add(&t, "dx_um=%.17g\n", sp->dx_um); break;
    case 3: params_text(&t, sp->params); break;
    default: output_text(&t, sp); break;
    }
    if (t.st)
        free(t.s);
    *out = t.st ? NULL : t.s;
    return t.st;
}

void scar_ckpt_first_difference(const char *was, const char *now, char *buf, size_t n)
{
    while (*was && *now) {
        const char *ea = strchr(was, '\n'), *eb = strchr(now, '\n');
        size_t la = ea ? (size_t)(ea - was) : strlen(was), lb = eb ? (size_t)(eb - now) : strlen(now);
        if (la != lb || memcmp(was, now, la) != 0) {
            snprintf(buf, n, "'%.*s' in the checkpoint, '%.*s' now", (int)(la > 200 ? 200 : la),
                     was, (int)(lb > 200 ? 200 : lb), now);
            return;
        }
        was += la + (ea != NULL);
        now += lb + (eb != NULL);
    }
    snprintf(buf, n, "%s", *was ? "a line less now" : "a line more now");
}

