/*
 * test_scenario.c — the scenario file of `scarsim run` (src/course/scenario.c):
 * the DESIGN.md example in JSON and YAML, defaults, every refusal with its
 * file:line:col and field, parsing from memory, parameter overrides, and
 * allocation failures at every step.
 */
#include "testutil.h"

#include "core.h"

#include "scenario.h"

#include <fcntl.h>
#include <math.h>

/* The example of DESIGN.md "Input files", verbatim. */
static const char example_json[] =
    "{ \"skin\": { \"synth\": {\"scars\": {\"boxcar\": 2, \"icepick\": 1, \"rolling\": 1}, "
    "\"size_mm\": [12, 12], \"px_um\": 25, \"seed\": 1},\n"
    "            \"region\": \"cheek\", \"fitzpatrick\": 3, \"age\": 28 },\n"
    "  \"protocol\": { \"device\": \"pen\", \"needle_mm\": 1.5, \"passes\": 4, \"sessions\": 4, "
    "\"interval_weeks\": 6,\n"
    "                \"adjuncts\": [], \"follow_up_weeks\": 12 },\n"
    "  \"grid\": { \"dx_um\": 25 } }\n";

/* The same in block YAML. */
static const char example_yaml[] = "# the DESIGN.md example\n"
                                   "skin:\n"
                                   "  synth:\n"
                                   "    scars: {boxcar: 2, icepick: 1, rolling: 1}\n"
                                   "    size_mm: [12, 12]\n"
                                   "    px_um: 25\n"
                                   "    seed: 1\n"
                                   "  region: cheek\n"
                                   "  fitzpatrick: 3\n"
                                   "  age: 28\n"
                                   "protocol:\n"
                                   "  device: pen\n"
                                   "  needle_mm: 1.5\n"
                                   "  passes: 4\n"
                                   "  sessions: 4\n"
                                   "  interval_weeks: 6\n"
                                   "  adjuncts: []\n"
                                   "  follow_up_weeks: 12\n"
                                   "grid:\n"
                                   "  dx_um: 25\n";

/* Every optional key given. */
static const char full_yaml[] =
    "skin:\n"
    "  synth: {scars: {hypertrophic: 1, boxcar: 3}, size_mm: [10, 8],\n"
    "          px_um: 20, seed: 7, texture: 0.5, noise_um: 0, form: 0}\n"
    "  region: forehead\n"
    "  fitzpatrick: 5\n"
    "  age: 41.5\n"
    "protocol:\n"
    "  device: roller\n"
    "  needle_mm: 1.0\n"
    "  passes: 8\n"
    "  sessions: 3\n"
    "  interval_weeks: 4\n"
    "  adjuncts: [prp_topical, peel_tca]\n"
    "  follow_up_weeks: 26\n"
    "  occluded: true\n"
    "  device_settings: {needles: 540, drum_width_mm: 15, f_pen: 0.5,\n"
    "                    scar_multiplier: 3}\n"
    "grid: {dx_um: 50}\n"
    "params: {D_c: 0.5, a_rho: 12}\n"
    "output: {vti_days: [1, 7, 30]}\n"
    "seed: 12345678901234\n";

static scar_status parse(scar_ctx *ctx, const char *name, const char *text, scar_scenario **s)
{
    return scar_scenario_parse(ctx, text, strlen(text), name, NULL, s);
}

static void check_example(const scar_scenario *s)
{
    assert_true(s->has_synth);
    assert_null(s->surface_path);
    assert_int_equal(s->synth.counts[SCAR_TYPE_BOXCAR], 2);
    assert_int_equal(s->synth.counts[SCAR_TYPE_ICEPICK], 1);
    assert_int_equal(s->synth.counts[SCAR_TYPE_ROLLING], 1);
    assert_int_equal(s->synth.counts[SCAR_TYPE_HYPERTROPHIC], 0);
    assert_true(s->synth.width_mm == 12.0 && s->synth.height_mm == 12.0);
    assert_true(s->synth.px_um == 25.0);
    assert_true(s->synth.seed == 1);
    assert_true(s->synth.texture == 1.0 && s->synth.form == 1.0); /* defaults kept */
    assert_non_null(s->region);
    assert_string_equal(s->region->name, "cheek");
    assert_int_equal(s->fitzpatrick, 3);
    assert_true(s->age_y == 28.0);
    const scar_protocol *pr = &s->protocol;
    assert_int_equal(pr->device.kind, SCAR_DEV_PEN);
    assert_true(pr->device.needle_mm == 1.5);
    assert_int_equal(pr->device.passes, 4);
    scar_device pen;
    scar_device_default(SCAR_DEV_PEN, s->params, &pen);
    pen.needle_mm = 1.5;
    pen.passes = 4;
    assert_memory_equal(&pr->device, &pen, sizeof pen); /* the rest is the pen's default */
    assert_int_equal(pr->sessions, 4);
    assert_true(pr->interval_days == 42.0);
    assert_true(pr->follow_up_days == 84.0);
    for (int a = 0; a < SCAR_ADJ_COUNT; a++)
        assert_false(pr->adjunct[a]);
    assert_false(pr->occluded);
    assert_true(s->dx_um == 25.0);
    assert_non_null(s->params);
    double D_c = 0;
    assert_true(scar_params_get(s->params, "D_c", &D_c));
    assert_true(D_c == 0.3);
    assert_null(s->vti_days);
    assert_int_equal(s->nvti, 0);
    assert_false(s->has_seed);
}

/* Writes text to DIR/name and returns the path in buf. */
static const char *put(char *buf, size_t n, const char *dir, const char *name, const char *text)
{
    tu_path(buf, n, dir, name);
    tu_write(buf, text, strlen(text));
    return buf;
}

static void design_example_json_and_yaml(void **state)
{
    (void)state;
    char dir[512], path[1024];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    scar_scenario *s = NULL;

    assert_int_equal(
        scar_scenario_read(ctx, put(path, sizeof path, dir, "ex.json", example_json), &s), SCAR_OK);
    assert_string_equal(s->path, path);
    check_example(s);
    scar_scenario_destroy(&s);
    assert_null(s);
    scar_scenario_destroy(&s); /* NULL is fine */

    assert_int_equal(
        scar_scenario_read(ctx, put(path, sizeof path, dir, "ex.yaml", example_yaml), &s), SCAR_OK);
    check_example(s);
    scar_scenario_destroy(&s);

    /* JSON is YAML too: the JSON text under a .yaml name reads the same */
    assert_int_equal(parse(ctx, "ex.yaml", example_json, &s), SCAR_OK);
    check_example(s);
    scar_scenario_destroy(&s);
    scar_ctx_destroy(&ctx);
}

static void defaults(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_scenario *s = NULL;
    assert_int_equal(parse(ctx, "min.yaml",
                           "skin: {synth: {}, fitzpatrick: 2}\n"
                           "protocol: {device: roller, needle_mm: 1, sessions: 3}\n",
                           &s),
                     SCAR_OK);
    scar_synth_spec def;
    scar_synth_spec_default(&def);
    assert_memory_equal(&s->synth, &def, sizeof def);
    assert_string_equal(s->region->name, "cheek");
    assert_true(s->age_y == 28.0);
    const scar_protocol *pr = &s->protocol;
    assert_int_equal(pr->device.kind, SCAR_DEV_ROLLER);
    scar_device roller;
    scar_device_default(SCAR_DEV_ROLLER, s->params, &roller);
    roller.needle_mm = 1.0;
    assert_memory_equal(&pr->device, &roller, sizeof roller); /* passes and all from the device */
    double dt_sess = 0, h = 0;
    assert_true(scar_params_get(s->params, "dt_sess", &dt_sess));
    assert_true(scar_params_get(s->params, "h", &h));
    assert_true(pr->interval_days == dt_sess); /* the parameter table's interval */
    assert_true(pr->follow_up_days == 84.0);
    assert_true(s->dx_um == 1000.0 * h);
    assert_false(pr->occluded);
    assert_false(s->has_seed);
    assert_int_equal(s->nvti, 0);
    scar_scenario_destroy(&s);

    /* null means "not given"; sessions 0 is the untreated control */
    assert_int_equal(parse(ctx, "min.yaml",
                           "skin: {synth: {}, fitzpatrick: 6, age: ~, region: null}\n"
                           "protocol: {device: stamp, needle_mm: 0.5, sessions: 0, passes: ,\n"
                           "           adjuncts: null}\n"
                           "grid: ~\nparams: ~\nseed: null\n",
                           &s),
                     SCAR_OK);
    assert_int_equal(s->protocol.sessions, 0);
    scar_device stamp;
    scar_device_default(SCAR_DEV_STAMP, s->params, &stamp);
    assert_int_equal(s->protocol.device.passes, stamp.passes);
    assert_true(s->age_y == 28.0);
    assert_false(s->has_seed);
    scar_scenario_destroy(&s);
    scar_ctx_destroy(&ctx);
}

static void every_key(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_scenario *s = NULL;
    assert_int_equal(parse(ctx, "full.yaml", full_yaml, &s), SCAR_OK);
    assert_int_equal(s->synth.counts[SCAR_TYPE_HYPERTROPHIC], 1);
    assert_int_equal(s->synth.counts[SCAR_TYPE_BOXCAR], 3);
    assert_int_equal(s->synth.counts[SCAR_TYPE_ICEPICK], 0); /* not listed: none */
    assert_int_equal(s->synth.counts[SCAR_TYPE_ROLLING], 0);
    assert_true(s->synth.width_mm == 10.0 && s->synth.height_mm == 8.0);
    assert_true(s->synth.px_um == 20.0 && s->synth.seed == 7);
    assert_true(s->synth.texture == 0.5 && s->synth.noise_um == 0.0 && s->synth.form == 0.0);
    assert_string_equal(s->region->name, "forehead");
    assert_int_equal(s->fitzpatrick, 5);
    assert_true(s->age_y == 41.5);
    const scar_protocol *pr = &s->protocol;
    assert_int_equal(pr->device.kind, SCAR_DEV_ROLLER);
    assert_true(pr->device.needle_mm == 1.0);
    assert_int_equal(pr->device.passes, 8);
    assert_int_equal(pr->device.needles, 540);
    assert_true(pr->device.drum_width_mm == 15.0);
    scar_device roller;
    scar_device_default(SCAR_DEV_ROLLER, s->params, &roller);
    assert_true(pr->device.drum_diameter_mm == roller.drum_diameter_mm); /* default kept */
    assert_true(pr->device.f_pen == 0.5);
    assert_true(pr->device.scar_multiplier == 3.0);
    assert_int_equal(pr->sessions, 3);
    assert_true(pr->interval_days == 28.0);
    assert_true(pr->follow_up_days == 182.0);
    assert_true(pr->adjunct[SCAR_ADJ_PRP_TOPICAL]);
    assert_true(pr->adjunct[SCAR_ADJ_PEEL_TCA]);
    assert_false(pr->adjunct[SCAR_ADJ_SUBCISION]);
    assert_true(pr->occluded);
    assert_true(s->dx_um == 50.0);
    double v = 0;
    scar_param_info info;
    assert_true(scar_params_get(s->params, "D_c", &v) && v == 0.5);
    assert_true(scar_params_get(s->params, "a_rho", &v) && v == 12.0);
    assert_true(scar_params_info(s->params, (size_t)scar_params_find("a_rho"), &info));
    assert_true(info.overridden);
    assert_int_equal(s->nvti, 3);
    assert_true(s->vti_days[0] == 1.0 && s->vti_days[1] == 7.0 && s->vti_days[2] == 30.0);
    assert_true(s->has_seed);
    assert_true(s->seed == 12345678901234u);
    scar_scenario_destroy(&s);
    scar_ctx_destroy(&ctx);
}

static void surface_relative_to_scenario(void **state)
{
    (void)state;
    char dir[512], path[1024], gsf[1024], sub[1024];
    tu_tmpdir(dir, sizeof dir);
    tu_path(sub, sizeof sub, dir, "scans");
    assert_int_equal(mkdir(sub, 0700), 0);
    put(gsf, sizeof gsf, sub, "cheek.gsf", "Gwyddion Simple Field 1.0\n");
    scar_ctx *ctx = scar_ctx_create();
    scar_scenario *s = NULL;
    put(path, sizeof path, dir, "s.yaml",
        "skin: {surface: scans/cheek.gsf, fitzpatrick: 4}\n"
        "protocol: {device: pen, needle_mm: 1, sessions: 1}\n");
    assert_int_equal(scar_scenario_read(ctx, path, &s), SCAR_OK);
    assert_false(s->has_synth);
    assert_string_equal(s->surface_path, gsf);
    scar_scenario_destroy(&s);

    /* an absolute path stays as it is */
    char text[2048];
    snprintf(text, sizeof text,
             "skin: {surface: \"%s\", fitzpatrick: 4}\n"
             "protocol: {device: pen, needle_mm: 1, sessions: 1}\n",
             gsf);
    assert_int_equal(parse(ctx, "elsewhere/s.yaml", text, &s), SCAR_OK);
    assert_string_equal(s->surface_path, gsf);
    scar_scenario_destroy(&s);

    /* a missing surface is refused at the value, with the resolved path */
    put(path, sizeof path, dir, "t.yaml",
        "skin: {surface: nope.gsf, fitzpatrick: 4}\n"
        "protocol: {device: pen, needle_mm: 1, sessions: 1}\n");
    assert_int_equal(scar_scenario_read(ctx, path, &s), SCAR_EINPUT);
    assert_null(s);
    char want[1200];
    snprintf(want, sizeof want, "%s:1:17: skin.surface: expected a readable height-map file", path);
    tu_assert_err_has(ctx, want);
    tu_assert_err_has(ctx, "No such file");

    /* a folder is not a height map */
    snprintf(text, sizeof text,
             "skin: {surface: scans, fitzpatrick: 4}\n"
             "protocol: {device: pen, needle_mm: 1, sessions: 1}\n");
    put(path, sizeof path, dir, "u.yaml", text);
    assert_int_equal(scar_scenario_read(ctx, path, &s), SCAR_EINPUT);
    tu_assert_err_has(ctx, "not a file");

    /* nor is a file the height-map readers do not know */
    put(gsf, sizeof gsf, sub, "cheek.txt", "1 2\n3 4\n");
    put(path, sizeof path, dir, "v.yaml",
        "skin:\n  fitzpatrick: 4\n  surface: 'scans/cheek.txt'\n"
        "protocol: {device: pen, needle_mm: 1, sessions: 1}\n");
    assert_int_equal(scar_scenario_read(ctx, path, &s), SCAR_EINPUT);
    snprintf(want, sizeof want,
             "%s:3:12: skin.surface: expected a height-map file ending in .gsf, .x3p, .png or "
             ".csv, found \"scans/cheek.txt\"",
             path);
    tu_assert_err_has(ctx, want);
    scar_ctx_destroy(&ctx);
}

/* ---- refusals ---------------------------------------------------------- */

typedef struct bad {
    const char *name; /* file name given to parse */
    const char *text;
    const char *where; /* the start of the message: "a.yaml:2:25: " */
    const char *field; /* "" when none */
    const char *frag;  /* more of the message */
} bad;

#define SKIN "skin: {synth: {}, fitzpatrick: 3}\n"
#define PEN "protocol: {device: pen, needle_mm: 1.5, sessions: 2}\n"

static const bad bads[] = {
    /* malformed input: libfyaml's message and position, on one line */
    {"a.yaml", "skin: {synth: {}, fitzpatrick: 3\nprotocol: 1\n", "a.yaml:2:9: ", "",
     "invalid YAML: "},
    {"a.json",
     "{\"skin\": {\"synth\": {}, \"fitzpatrick\": 3},\n \"protocol\": {\"device\": "
     "\"pen\", \"needle_mm\": 1.5, \"sessions\": 2,}}",
     "a.json:2:63: ", "", "invalid JSON: JSON disallows trailing comma"},
    {"a.json", "{'skin': 1}", "a.json:1:2: ", "", "invalid JSON: "},
    {"a.yaml", "skin: {synth: {}, fitzpatrick: 3}\n  protocol: 1\n", "a.yaml:", "",
     "invalid YAML: "},
    {"a.yaml", SKIN PEN "---\nskin: 1\n", "a.yaml:3:1: ", "",
     "expected one document, found a second"},
    {"a.yaml", "skin: &s {synth: {}, fitzpatrick: 3}\nother: *s\n", "a.yaml:2:8: ", "",
     "found an alias"},
    {"a.yaml", SKIN "protocol: !!map {device: pen}\n", "a.yaml:2:11: ", "",
     "expected an untagged value"},
    /* the top level */
    {"a.yaml", "[1, 2]\n", "a.yaml:1:1: ", "",
     "expected a mapping with the keys skin and "
     "protocol, found a list"},
    {"a.yaml", "---\n", "a.yaml:1:1: ", "", "found nothing"},
    {"a.yaml", SKIN PEN "protocl: 1\n", "a.yaml:3:1: ", "protocl: ",
     "expected a key of the scenario (skin, protocol, grid, params, output, seed), found "
     "\"protocl\"; did you mean \"protocol\"?"},
    {"a.yaml", SKIN PEN "zzz: 1\n", "a.yaml:3:1: ", "zzz: ", "found \"zzz\""},
    {"a.yaml", PEN, "a.yaml:1:1: ", "skin: ", "expected the key skin"},
    {"a.yaml", SKIN, "a.yaml:1:1: ", "protocol: ", "expected the key protocol"},
    {"a.json", "{\"skin\": 1, \"skin\": 2}", "a.json:1:13: ", "skin: ",
     "expected each key once, found skin again (first at line 1, column 2)"},
    {"a.yaml", SKIN PEN "skin: {}\n", "a.yaml:3:1: ", "skin: ", "found skin again"},
    {"a.yaml", SKIN PEN "seed: -1\n",
     "a.yaml:3:7: ", "seed: ", "expected an integer from 0 to 18446744073709551615, found -1"},
    {"a.yaml", SKIN PEN "seed: 18446744073709551616\n", "a.yaml:3:7: ", "seed: ", "found 1844"},
    /* skin */
    {"a.yaml", "skin: {fitzpatrick: 3}\n" PEN, "a.yaml:1:7: ", "skin: ",
     "expected synth (a synthetic skin) or surface (a measured height map), found neither"},
    {"a.yaml", "skin: {synth: {}, surface: x.gsf, fitzpatrick: 3}\n" PEN,
     "a.yaml:1:19: ", "skin.surface: ", "found both (synth at line 1, column 8)"},
    {"a.yaml", "skin: {synth: {}}\n" PEN, "a.yaml:1:7: ", "skin.fitzpatrick: ",
     "expected the key fitzpatrick (the Fitzpatrick skin type, 1 to 6), found none"},
    {"a.yaml", "skin: {synth: {}, fitzpatrick: 7}\n" PEN,
     "a.yaml:1:32: ", "skin.fitzpatrick: ", "expected an integer from 1 to 6, found 7"},
    {"a.yaml", "skin: {synth: {}, fitzpatrick: three}\n" PEN,
     "a.yaml:1:32: ", "skin.fitzpatrick: ", "expected an integer from 1 to 6, found \"three\""},
    {"a.yaml", "skin: {synth: {}, fitzpatrick: }\n" PEN,
     "a.yaml:1:19: ", "skin.fitzpatrick: ", "found nothing"},
    {"a.yaml", "skin: {synth: {}, fitzpatrick: 3, age: 5}\n" PEN,
     "a.yaml:1:40: ", "skin.age: ", "expected a number from 12 to 100 years, found 5"},
    {"a.yaml", "skin: {synth: {}, fitzpatrick: 3, region: cheeks}\n" PEN,
     "a.yaml:1:43: ", "skin.region: ",
     "expected a facial region: one of cheek, nasolabial, nose, upper_lip, forehead, temple, "
     "chin, jaw, found \"cheeks\"; did you mean \"cheek\"?"},
    {"a.yaml", "skin: {synth: {scars: {pimple: 2}}, fitzpatrick: 3}\n" PEN,
     "a.yaml:1:24: ", "skin.synth.scars.pimple: ",
     "expected a key of skin.synth.scars (icepick, boxcar, rolling, hypertrophic), found "
     "\"pimple\""},
    {"a.yaml", "skin: {synth: {scars: {boxcar: -1}}, fitzpatrick: 3}\n" PEN,
     "a.yaml:1:32: ", "skin.synth.scars.boxcar: ", "expected an integer from 0 to 1000, found -1"},
    {"a.yaml", "skin: {synth: {size_mm: [12, 12, 3]}, fitzpatrick: 3}\n" PEN, "a.yaml:1:25: ",
     "skin.synth.size_mm: ", "expected two numbers [width, height] in mm, found a list of 3"},
    {"a.yaml", "skin: {synth: {size_mm: [12, 0]}, fitzpatrick: 3}\n" PEN,
     "a.yaml:1:30: ", "skin.synth.size_mm[1]: ", "expected a number from 1 to 100 mm, found 0"},
    {"a.yaml", "skin: {synth: {px_um: 0.5}, fitzpatrick: 3}\n" PEN,
     "a.yaml:1:23: ", "skin.synth.px_um: ", "expected a number from 1 to 1000 um, found 0.5"},
    {"a.yaml", "skin: {synth: {seeds: 3}, fitzpatrick: 3}\n" PEN,
     "a.yaml:1:16: ", "skin.synth.seeds: ", "did you mean \"seed\"?"},
    {"a.yaml", "skin: {synth: 3, fitzpatrick: 3}\n" PEN,
     "a.yaml:1:15: ", "skin.synth: ", "expected a mapping (scars, size_mm, px_um, seed), found 3"},
    {"a.yaml", "skin: [1]\n" PEN, "a.yaml:1:7: ", "skin: ", "found a list"},
    /* protocol */
    {"a.yaml", SKIN "protocol: {device: pen, neddle_mm: 1.5, sessions: 2}\n",
     "a.yaml:2:25: ", "protocol.neddle_mm: ", "found \"neddle_mm\"; did you mean \"needle_mm\"?"},
    {"a.yaml", SKIN "protocol: {device: pen, needle_mm: 1.5, sessions: 2.5}\n",
     "a.yaml:2:51: ", "protocol.sessions: ", "expected an integer from 0 to 12, found 2.5"},
    {"a.yaml", SKIN "protocol: {device: pen, needle_mm: 1.5, sessions: 2.0}\n",
     "a.yaml:2:51: ", "protocol.sessions: ", "found 2.0"},
    {"a.yaml", SKIN "protocol: {device: pen, needle_mm: 1.5, sessions: 13}\n",
     "a.yaml:2:51: ", "protocol.sessions: ", "expected an integer from 0 to 12, found 13"},
    {"a.json",
     "{\"skin\": {\"synth\": {}, \"fitzpatrick\": 3},\n \"protocol\": {\"device\": "
     "\"pen\", \"needle_mm\": \"1.5\", \"sessions\": 2}}",
     "a.json:2:45: ", "protocol.needle_mm: ",
     "expected a number from 0.1 to 3 mm, found the string \"1.5\""},
    {"a.yaml", SKIN "protocol: {device: pen, needle_mm: 5, sessions: 2}\n",
     "a.yaml:2:36: ", "protocol.needle_mm: ", "expected a number from 0.1 to 3 mm, found 5"},
    {"a.yaml", SKIN "protocol: {device: pen, needle_mm: [1], sessions: 2}\n",
     "a.yaml:2:36: ", "protocol.needle_mm: ", "found a list"},
    {"a.yaml", SKIN "protocol:\n  device: home_roller\n  needle_mm: 1.5\n  sessions: 2\n",
     "a.yaml:4:14: ", "protocol.needle_mm: ",
     "expected at most 0.5 mm for a home_roller (longer needles are for a clinic), found 1.5"},
    {"a.yaml", SKIN "protocol:\n  device: pin\n  needle_mm: 1.5\n  sessions: 2\n",
     "a.yaml:3:11: ", "protocol.device: ",
     "expected a device: one of roller, pen, stamp, home_roller, rf_microneedle, "
     "fractional_laser, found \"pin\"; did you mean \"pen\"?"},
    {"a.yaml", SKIN "protocol:\n  needle_mm: 1.5\n  sessions: 2\n",
     "a.yaml:3:3: ", "protocol.device: ", "expected the key device"},
    {"a.yaml", SKIN "protocol:\n  device: pen\n  sessions: 2\n",
     "a.yaml:3:3: ", "protocol.needle_mm: ",
     "expected the key needle_mm (the needle length in mm, 0.1 to 3), "
     "found none"},
    {"a.yaml", SKIN "protocol:\n  device: pen\n  needle_mm: 1\n",
     "a.yaml:3:3: ", "protocol.sessions: ", "expected the key sessions"},
    {"a.yaml", SKIN "protocol: {device: pen, needle_mm: 1, sessions: 2, passes: 0}\n",
     "a.yaml:2:60: ", "protocol.passes: ", "expected an integer from 1 to 50, found 0"},
    /* the interval is checked even when one session makes it moot */
    {"a.yaml", SKIN "protocol: {device: pen, needle_mm: 1, sessions: 1, interval_weeks: 30}\n",
     "a.yaml:2:68: ", "protocol.interval_weeks: ",
     "expected a number from 1 to 26 weeks, found 30"},
    {"a.yaml", SKIN "protocol: {device: pen, needle_mm: 1, sessions: 2, follow_up_weeks: 105}\n",
     "a.yaml:2:69: ", "protocol.follow_up_weeks: ",
     "expected a number from 0 to 104 weeks, found 105"},
    {"a.yaml", SKIN "protocol: {device: pen, needle_mm: 1, sessions: 2, occluded: yes}\n",
     "a.yaml:2:62: ", "protocol.occluded: ", "expected true or false, found \"yes\""},
    {"a.yaml",
     SKIN "protocol:\n  device: pen\n  needle_mm: 1\n  sessions: 2\n"
          "  adjuncts: [prp_topical, subcision, prp_topical]\n",
     "a.yaml:6:38: ", "protocol.adjuncts[2]: ",
     "expected each adjunct once, found prp_topical again (first at line 6, column 14)"},
    {"a.yaml",
     SKIN "protocol:\n  device: pen\n  needle_mm: 1\n  sessions: 2\n"
          "  adjuncts: [serum_vitamin_e]\n",
     "a.yaml:6:14: ", "protocol.adjuncts[0]: ",
     "expected an adjunct: one of prp_topical, prp_intradermal, serum_hyaluronic, "
     "serum_vitamin_c, serum_growth_factor, retinoid_topical, peel_glycolic, peel_tca, "
     "subcision, found \"serum_vitamin_e\"; did you mean \"serum_vitamin_c\"?"},
    {"a.yaml",
     SKIN "protocol:\n  device: pen\n  needle_mm: 1\n  sessions: 2\n"
          "  adjuncts: prp_topical\n",
     "a.yaml:6:13: ", "protocol.adjuncts: ", "expected a list of adjunct names"},
    {"a.yaml",
     SKIN "protocol:\n  device: roller\n  needle_mm: 1\n  sessions: 2\n"
          "  device_settings: {stroke_hz: 100}\n",
     "a.yaml:6:21: ", "protocol.device_settings.stroke_hz: ",
     "expected a setting of a roller (needles, needle_radius_mm, f_pen, scar_multiplier, "
     "drum_diameter_mm, drum_width_mm), found stroke_hz, a setting of pen"},
    {"a.yaml",
     SKIN "protocol:\n  device: pen\n  needle_mm: 1\n  sessions: 2\n"
          "  device_settings: {f_pen: 1.5}\n",
     "a.yaml:6:28: ", "protocol.device_settings.f_pen: ",
     "expected a number from 0.2 to 1, found 1.5"},
    {"a.yaml",
     SKIN "protocol:\n  device: pen\n  needle_mm: 1\n  sessions: 2\n"
          "  device_settings: {needles: 12.5}\n",
     "a.yaml:6:30: ", "protocol.device_settings.needles: ", "expected an integer"},
    {"a.yaml",
     SKIN "protocol:\n  device: pen\n  needle_mm: 1\n  sessions: 2\n"
          "  device_settings: {stroke: 100}\n",
     "a.yaml:6:21: ", "protocol.device_settings.stroke: ", "did you mean \"stroke_hz\"?"},
    /* grid, output */
    {"a.yaml", SKIN PEN "grid: {dx_um: 5}\n",
     "a.yaml:3:15: ", "grid.dx_um: ", "expected a number from 10 to 200 um, found 5"},
    {"a.yaml", SKIN PEN "grid: {dx: 25}\n", "a.yaml:3:8: ", "grid.dx: ", "did you mean \"dx_um\"?"},
    {"a.yaml", SKIN PEN "output: {vti_days: [1, -7]}\n",
     "a.yaml:3:24: ", "output.vti_days[1]: ", "expected a number of at least 0 days, found -7"},
    /* 2 sessions 2 weeks apart and 12 weeks of follow-up end on day 98 */
    {"a.yaml", SKIN PEN "output: {vti_days: [1, 7, 300]}\n", "a.yaml:3:27: ",
     "output.vti_days[2]: ", "expected a day from 0 to 98 (the end of the course), found 300"},
    {"a.yaml", SKIN PEN "output: {vti_days: 7}\n",
     "a.yaml:3:20: ", "output.vti_days: ", "expected a list of days, found 7"},
    /* params: each override at its value, cross-row checks at the one they name */
    {"a.yaml", SKIN PEN "params: {D_c: 0.5, a_rho: 120}\n",
     "a.yaml:3:27: ", "params.a_rho: ", "expected a value in [1, 50], found 120"},
    {"a.yaml", SKIN PEN "params: {D_C: 0.5}\n",
     "a.yaml:3:10: ", "params.D_C: ", "did you mean \"D_c\"?"},
    {"a.yaml", SKIN PEN "params: {D_c: fast}\n",
     "a.yaml:3:15: ", "params.D_c: ", "expected a number, found \"fast\""},
    {"a.yaml", SKIN PEN "params: {D_c: 0.5, D_c: 0.6}\n",
     "a.yaml:3:20: ", "params.D_c: ", "expected each parameter once"},
    {"a.yaml", SKIN PEN "params: {f3w: 0.2, theta3: 0.2}\n",
     "a.yaml:3:28: ", "params.theta3: ", "expected theta3 below f3w"},
    {"a.yaml", SKIN PEN "params: {n_max: 400}\n",
     "a.yaml:3:9: ", "params.n0: ", "expected n0 below n_max"},
    {"a.yaml", SKIN PEN "params: [D_c]\n",
     "a.yaml:3:9: ", "params: ", "expected a mapping (parameter names with values), found a list"},
};

static void refusals_point_at_the_node(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    int failures = 0;
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        const bad *b = &bads[i];
        scar_scenario *s = (scar_scenario *)(uintptr_t)1;
        scar_ctx_clear_error(ctx);
        scar_status st = parse(ctx, b->name, b->text, &s);
        const char *m = tu_errmsg(ctx);
        char want[512];
        snprintf(want, sizeof want, "%s%s", b->where, b->field);
        if (st != SCAR_EINPUT || s != NULL || strncmp(m, b->where, strlen(b->where)) != 0 ||
            (b->field[0] && strncmp(m, want, strlen(want)) != 0) || !strstr(m, b->frag) ||
            strchr(m, '\n')) {
            print_error("case %zu: status %d, message \"%s\"; wanted \"%s...%s\"\n", i, (int)st, m,
                        want, b->frag);
            failures++;
        } else if (!b->field[0] && scar_ctx_error(ctx)->field[0]) {
            print_error("case %zu: no field expected, found %s\n", i, scar_ctx_error(ctx)->field);
            failures++;
        }
    }
    scar_ctx_destroy(&ctx);
    assert_int_equal(failures, 0);
}

static void file_errors(void **state)
{
    (void)state;
    char dir[512], path[1024];
    tu_tmpdir(dir, sizeof dir);
    scar_ctx *ctx = scar_ctx_create();
    scar_scenario *s = NULL;

    tu_path(path, sizeof path, dir, "missing.yaml");
    assert_int_equal(scar_scenario_read(ctx, path, &s), SCAR_EINPUT);
    assert_null(s);
    tu_assert_err_has(ctx, path);
    tu_assert_err_has(ctx, "No such file or directory");

    assert_int_equal(scar_scenario_read(ctx, put(path, sizeof path, dir, "empty.yaml", ""), &s),
                     SCAR_EINPUT);
    tu_assert_err_has(ctx, "empty.yaml: expected a mapping with the keys skin and protocol, "
                           "found an empty file");
    assert_int_equal(
        scar_scenario_read(ctx, put(path, sizeof path, dir, "c.yaml", "# only\n\n  \n"), &s),
        SCAR_EINPUT);
    tu_assert_err_has(ctx, "c.yaml: expected a mapping");
    tu_assert_err_has(ctx, "found an empty file");

    assert_int_equal(scar_scenario_read(ctx, dir, &s), SCAR_EINPUT); /* a folder */
    tu_assert_err_has(ctx, dir);

    /* strict JSON under a .json name, position from libfyaml */
    put(path, sizeof path, dir, "bad.json", "{\"skin\": {\"synth\": {}},\n  // note\n}\n");
    assert_int_equal(scar_scenario_read(ctx, path, &s), SCAR_EINPUT);
    tu_assert_err_has(ctx, "bad.json:2:");
    tu_assert_err_has(ctx, "invalid JSON: ");

    /* oversized */
    size_t big = SCAR_SCENARIO_MAX_BYTES + 10;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, ' ', big);
    assert_int_equal(scar_scenario_parse(ctx, text, big, "big.yaml", NULL, &s), SCAR_EINPUT);
    tu_assert_err_has(ctx, "big.yaml: expected a scenario of at most");
    tu_path(path, sizeof path, dir, "big.yaml");
    tu_write(path, text, big);
    free(text);
    assert_int_equal(scar_scenario_read(ctx, path, &s), SCAR_EINPUT);
    tu_assert_err_has(ctx, "big.yaml: expected a scenario of at most 1048576 bytes, found 1048586 bytes");
    scar_ctx_destroy(&ctx);
}

/* Nothing reaches stderr, whatever libfyaml thinks of the input. */
static void library_prints_nothing(void **state)
{
    (void)state;
    char dir[512], path[1024];
    tu_tmpdir(dir, sizeof dir);
    tu_path(path, sizeof path, dir, "stderr.txt");
    fflush(stderr);
    int saved = dup(2);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    scar_ctx *ctx = scar_ctx_create();
    scar_scenario *s = NULL;
    const char *texts[] = {
        "a: [1, 2\n", "{\"a\": 1,}",         "a: 1\na: 2\n",          "\t- x: [\n",
        "",           "a: \"unterminated\n", "{\"a\": 1}\n{\"b\": 2}"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        assert_int_equal(parse(ctx, i % 2 ? "x.json" : "x.yaml", texts[i], &s), SCAR_EINPUT);
        assert_null(strchr(tu_errmsg(ctx), '\n'));
    }
    scar_ctx_destroy(&ctx);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 0);
}

static void parse_from_memory(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_scenario *s = NULL;
    /* not NUL-terminated: only len bytes are read */
    char buf[sizeof example_json + 16];
    memcpy(buf, example_json, sizeof example_json - 1);
    memcpy(buf + sizeof example_json - 1, "garbage", 7);
    assert_int_equal(scar_scenario_parse(ctx, buf, sizeof example_json - 1, NULL, NULL, &s),
                     SCAR_OK);
    assert_string_equal(s->path, "scenario");
    check_example(s);
    scar_scenario_destroy(&s);

    /* the name is used in messages */
    assert_int_equal(parse(ctx, NULL, SKIN "protocol: {device: pen}\n", &s), SCAR_EINPUT);
    tu_assert_err_has(ctx, "scenario:2:11: protocol.needle_mm: expected the key needle_mm");
    assert_int_equal(parse(ctx, "request.JSON", "{\"skin\": 1,}", &s), SCAR_EINPUT);
    tu_assert_err_has(ctx, "request.JSON:1:11: invalid JSON");
    /* without a folder in the name a relative surface is relative to the cwd */
    assert_int_equal(
        parse(ctx, "web", "skin: {surface: no-such-scan.gsf, fitzpatrick: 2}\n" PEN, &s),
        SCAR_EINPUT);
    tu_assert_err_has(ctx, "(no-such-scan.gsf: No such file");
    scar_ctx_destroy(&ctx);
}

static void params_override(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_scenario *s = NULL;
    /* the device defaults and the interval come from the effective parameters */
    assert_int_equal(parse(ctx, "p.yaml",
                           SKIN "protocol: {device: stamp, needle_mm: 1, sessions: 2}\n"
                                "params: {f_pen: 0.7, dt_sess: 21, m_scar: 1.5, h: 0.04}\n",
                           &s),
                     SCAR_OK);
    double v = 0;
    assert_true(scar_params_get(s->params, "dt_sess", &v) && v == 21.0);
    assert_true(s->protocol.interval_days == 21.0);
    assert_true(s->protocol.device.scar_multiplier == 1.5);
    scar_device stamp;
    scar_device_default(SCAR_DEV_STAMP, s->params, &stamp);
    assert_true(s->protocol.device.f_pen == stamp.f_pen);
    assert_true(s->dx_um == 40.0);
    scar_scenario_destroy(&s);
    /* an override out of range is refused at its value */
    assert_int_equal(parse(ctx, "p.yaml", SKIN PEN "params:\n  D_c: 0.5\n  delta_c: 1000\n", &s),
                     SCAR_EINPUT);
    tu_assert_err_has(ctx, "p.yaml:5:12: params.delta_c: expected a value in [1, 500]");
    /* a derived parameter cannot be set */
    assert_int_equal(parse(ctx, "p.yaml", SKIN PEN "params: {r_0: 0.1}\n", &s), SCAR_EINPUT);
    tu_assert_err_has(ctx, "p.yaml:3:15: params.r_0: r_0 cannot be set");
    scar_ctx_destroy(&ctx);
}

/* The inputs of the allocation-failure test: the file, a text, and one
 * refused at its last key. */
static char alloc_path[1024];
static const char alloc_late[] = SKIN PEN "output: {vti_days: [1, 7, 300]}\n";

static scar_status alloc_run(scar_ctx *ctx, int which)
{
    scar_scenario *s = NULL;
    scar_status st = which == 0   ? scar_scenario_read(ctx, alloc_path, &s)
                     : which == 1 ? parse(ctx, "ex.json", example_json, &s)
                                  : parse(ctx, "late.yaml", alloc_late, &s);
    if (st == SCAR_OK)
        assert_non_null(s);
    else
        assert_null(s);
    scar_scenario_destroy(&s);
    return st;
}

static scar_status alloc_done(int which)
{
    return which == 2 ? SCAR_EINPUT : SCAR_OK;
}

static void alloc_failures(void **state)
{
    (void)state;
    char dir[512];
    tu_tmpdir(dir, sizeof dir);
    put(alloc_path, sizeof alloc_path, dir, "full.yaml", full_yaml);
    tu_alloc_failures(alloc_run, 3, alloc_done, 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(design_example_json_and_yaml),
        cmocka_unit_test(defaults),
        cmocka_unit_test(every_key),
        cmocka_unit_test(surface_relative_to_scenario),
        cmocka_unit_test(refusals_point_at_the_node),
        cmocka_unit_test(file_errors),
        cmocka_unit_test(library_prints_nothing),
        cmocka_unit_test(parse_from_memory),
        cmocka_unit_test(params_override),
        cmocka_unit_test(alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
