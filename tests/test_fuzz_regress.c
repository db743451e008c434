/*
 * test_fuzz_regress.c — every input in fuzz/regress/ (each one crashed,
 * leaked or broke the error contract of a reader under libFuzzer once; see
 * docs/fuzzing.md) goes back through its reader the way the harness in
 * fuzz/ fed it: the surface readers by the file's extension, with no scale
 * given and with --px-um / --z-step-um given; scenarios from memory under a
 * .json and a .yaml name.  Each read must end in SCAR_OK or SCAR_EINPUT with
 * a one-line message, and again with each of its allocations failed in turn
 * (then SCAR_ENOMEM is allowed too).  Under `make sanitize` ASan and UBSan
 * watch every call.
 */
#include "testutil.h"

#include "core.h"
#include "scenario.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <strings.h>
#include <sys/resource.h>

/* The folder of inputs: $SCARSIM_FUZZ_REGRESS, else fuzz/regress beside tests/. */
static void regress_dir(char *buf, size_t n)
{
    const char *env = getenv("SCARSIM_FUZZ_REGRESS");
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return;
    }
    const char *slash = strrchr(__FILE__, '/');
    int k = slash ? (int)(slash - __FILE__) : 0;
    snprintf(buf, n, "%.*s%sfuzz/regress", k, __FILE__, k ? "/../" : "../");
}

/* The readers never print.  Around the first read of each input, stdout and
 * stderr go to this file, which is checked to stay empty; it is removed at
 * the end, so if a sanitizer report is lost to it, it is still there. */
static char capture[512];

static void quiet_begin(int saved[2])
{
    fflush(stdout);
    fflush(stderr);
    int fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    saved[0] = dup(1);
    saved[1] = dup(2);
    assert_true(saved[0] >= 0 && saved[1] >= 0);
    assert_true(dup2(fd, 1) >= 0 && dup2(fd, 2) >= 0);
    close(fd);
}

static void quiet_end(const int saved[2], const char *what, const char *path)
{
    fflush(stdout);
    fflush(stderr);
    assert_true(dup2(saved[0], 1) >= 0 && dup2(saved[1], 2) >= 0);
    close(saved[0]);
    close(saved[1]);
    char buf[512] = "";
    FILE *f = fopen(capture, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (n)
        fail_msg("%s %s: expected the reader to print nothing, found [%s]", what, path, buf);
}

/* The most memory a regression input may take, as growth of the peak RSS:
 * the inputs are a few kB, and a header that claims a huge map must be
 * refused before the map is allocated (docs/limits.md). */
#define MAX_GROWTH_KB (256L * 1024)

static long peak_kb(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

typedef struct input {
    char path[1024];
    const char *name; /* the file name within path */
} input;

/* The status and error of one call must keep the readers' contract. */
static void check(const scar_ctx *ctx, scar_status st, bool have_out, bool nomem_ok,
                  const char *what, const char *path)
{
    if (st == SCAR_OK) {
        if (!have_out)
            fail_msg("%s %s: SCAR_OK without a result", what, path);
        return;
    }
    if (have_out)
        fail_msg("%s %s: a failure left a result behind", what, path);
    if (st != SCAR_EINPUT && !(nomem_ok && st == SCAR_ENOMEM))
        fail_msg("%s %s: expected SCAR_EINPUT, found %s (%s)", what, path, scar_status_name(st),
                 tu_errmsg(ctx));
    const char *m = tu_errmsg(ctx);
    if (!m[0] || strchr(m, '\n') || strchr(m, '\r'))
        fail_msg("%s %s: expected a one-line error, found [%s]", what, path, m);
}

/* One surface read, then the same with each allocation failed in turn. */
static void read_surface(const char *path, const scar_read_opts *o, const char *what)
{
    scar_ctx *ctx = scar_ctx_create();
    assert_non_null(ctx);
    scar_heightmap *hm = NULL;
    int saved[2];
    scar_ctx_fail_alloc_after(ctx, LONG_MAX);
    quiet_begin(saved);
    scar_status st = scar_heightmap_read(ctx, path, o, &hm);
    quiet_end(saved, what, path);
    long used = LONG_MAX - ctx->alloc_countdown;
    scar_ctx_fail_alloc_after(ctx, 0);
    check(ctx, st, hm != NULL, false, what, path);
    scar_heightmap_destroy(&hm);
    for (long k = 1; k <= used; k++) {
        scar_ctx_clear_error(ctx);
        scar_ctx_fail_alloc_after(ctx, k);
        st = scar_heightmap_read(ctx, path, o, &hm);
        scar_ctx_fail_alloc_after(ctx, 0);
        check(ctx, st, hm != NULL, true, what, path);
        scar_heightmap_destroy(&hm);
    }
    scar_ctx_destroy(&ctx);
}

static void parse_scenario(const char *text, size_t len, const char *name)
{
    scar_ctx *ctx = scar_ctx_create();
    assert_non_null(ctx);
    scar_scenario *s = NULL;
    int saved[2];
    scar_ctx_fail_alloc_after(ctx, LONG_MAX);
    quiet_begin(saved);
    scar_status st = scar_scenario_parse(ctx, text, len, name, NULL, &s);
    quiet_end(saved, "scenario", name);
    long used = LONG_MAX - ctx->alloc_countdown;
    scar_ctx_fail_alloc_after(ctx, 0);
    check(ctx, st, s != NULL, false, "scenario", name);
    scar_scenario_destroy(&s);
    for (long k = 1; k <= used; k++) {
        scar_ctx_clear_error(ctx);
        scar_ctx_fail_alloc_after(ctx, k);
        st = scar_scenario_parse(ctx, text, len, name, NULL, &s);
        scar_ctx_fail_alloc_after(ctx, 0);
        check(ctx, st, s != NULL, true, "scenario", name);
        scar_scenario_destroy(&s);
    }
    scar_ctx_destroy(&ctx);
}

static void run_input(const input *in, const char *dot);

static void test_input(void **state)
{
    const input *in = *state;
    const char *dot = strrchr(in->name, '.');
    assert_non_null(dot);
    long peak = peak_kb();
    /* a hang (libfyaml looped forever on one) ends the run */
    alarm(60);
    run_input(in, dot);
    alarm(0);
    if (peak_kb() - peak > MAX_GROWTH_KB)
        fail_msg("%s: expected at most %ld MiB of memory, found the peak grew by %ld MiB", in->path,
                 MAX_GROWTH_KB / 1024, (peak_kb() - peak) / 1024);
}

static void run_input(const input *in, const char *dot)
{
    if (strcasecmp(dot, ".json") == 0 || strcasecmp(dot, ".yaml") == 0) {
        FILE *f = fopen(in->path, "rb");
        assert_non_null(f);
        char *text = malloc(SCAR_SCENARIO_MAX_BYTES + 1);
        assert_non_null(text);
        size_t len = fread(text, 1, SCAR_SCENARIO_MAX_BYTES + 1, f);
        fclose(f);
        /* as the harness does: strict JSON, then YAML */
        char name[1100];
        snprintf(name, sizeof name, "%.*s.json", (int)(strlen(in->path) - strlen(dot)), in->path);
        parse_scenario(text, len, name);
        snprintf(name + strlen(name) - 5, 6, ".yaml");
        parse_scenario(text, len, name);
        free(text);
        return;
    }
    scar_format f = scar_format_from_path(in->path);
    if (f == SCAR_FMT_AUTO)
        fail_msg("%s: expected a .gsf, .x3p, .png, .csv, .json or .yaml file in fuzz/regress",
                 in->path);
    scar_read_opts o;
    scar_read_opts_default(&o);
    read_surface(in->path, &o, "no scale");
    o.px_um = 20;
    o.z_step_um = 0.25;
    o.z_offset_um = -50;
    if (f == SCAR_FMT_CSV)
        o.z_unit = "nm";
    read_surface(in->path, &o, "scale given");
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const input *)a)->path, ((const input *)b)->path);
}

int main(void)
{
    char dir[1024];
    regress_dir(dir, sizeof dir);
    const char *tmp = getenv("TMPDIR");
    snprintf(capture, sizeof capture, "%s/scarsim-fuzz-regress-%ld.out",
             tmp && *tmp && strlen(tmp) < 400 ? tmp : "/tmp", (long)getpid());
    printf("fuzz_regress: what the readers print goes to %s\n", capture);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "test_fuzz_regress: cannot open %s\n", dir);
        return 1;
    }
    input *in = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        input *p = realloc(in, (n + 1) * sizeof *in);
        if (!p)
            return 1;
        in = p;
        int w = snprintf(in[n].path, sizeof in[n].path, "%s/%s", dir, e->d_name);
        if (w < 0 || (size_t)w >= sizeof in[n].path)
            return 1;
        n++;
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "test_fuzz_regress: no inputs in %s\n", dir);
        return 1;
    }
    qsort(in, n, sizeof *in, by_path);
    for (size_t k = 0; k < n; k++) /* into the array where the path now lies */
        in[k].name = strrchr(in[k].path, '/') + 1;
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    if (!tests)
        return 1;
    for (size_t k = 0; k < n; k++)
        tests[k] = (struct CMUnitTest){
            .name = in[k].name, .test_func = test_input, .initial_state = &in[k]};
    int failed = _cmocka_run_group_tests("fuzz_regress", tests, n, NULL, NULL);
    unlink(capture);
    free(tests);
    free(in);
    return failed;
}
