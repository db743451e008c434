/*
 * test_core.c — the core layer: errors, allocation, RNG, atomic files.
 */
#include "testutil.h"

#include "core.h"
#include "json.h"

#include <math.h>

static void error_format_names_place(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_status st = SCAR_RAISE_AT(ctx, SCAR_EINPUT, "a.gsf", 3, 7, "XRes",
                                   "expected a positive integer, found %s", "-4");
    assert_int_equal(st, SCAR_EINPUT);
    assert_int_equal(scar_status_exit_code(st), 2);
    assert_string_equal(tu_errmsg(ctx), "a.gsf:3:7: XRes: expected a positive integer, found -4");
    SCAR_RAISE(ctx, SCAR_EIO, "disk\nfull");
    assert_string_equal(tu_errmsg(ctx), "disk full");
    /* a file name or field taken from input cannot break the line either */
    SCAR_RAISE_AT(ctx, SCAR_EINPUT, "evil\nname.csv", 2, 1, "col\r\numn", "expected x, found y");
    assert_string_equal(tu_errmsg(ctx), "evil name.csv:2:1: col  umn: expected x, found y");
    scar_ctx_clear_error(ctx);
    SCAR_RAISE(ctx, SCAR_EINPUT, "bad");
    scar_error_set_file(ctx, "two\nlines.json");
    assert_string_equal(tu_errmsg(ctx), "two lines.json: bad");
    assert_int_equal(scar_status_exit_code(SCAR_EIO), 1);
    assert_int_equal(scar_status_exit_code(SCAR_ENOMEM), 1);
    assert_int_equal(scar_status_exit_code(SCAR_EUSAGE), 2);
    scar_ctx_destroy(&ctx);
    assert_null(ctx);
    scar_ctx_destroy(&ctx); /* NULL is fine */
}

static void alloc_failure_is_injected(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_ctx_fail_alloc_after(ctx, 2);
    void *a = scar_malloc(ctx, 10);
    assert_non_null(a);
    void *b = scar_malloc(ctx, 10);
    assert_null(b);
    assert_int_equal(scar_ctx_error(ctx)->status, SCAR_ENOMEM);
    void *c = scar_malloc(ctx, 10); /* injection is one-shot */
    assert_non_null(c);
    free(a);
    free(c);
    size_t n;
    assert_false(scar_mul_ok(SIZE_MAX / 2, 3, &n));
    assert_null(scar_calloc(ctx, SIZE_MAX / 2, 3));
    void *al = scar_alloc_aligned(ctx, 100);
    assert_non_null(al);
    assert_int_equal((uintptr_t)al % 64, 0);
    free(al);
    scar_ctx_destroy(&ctx);
}

static void rng_is_counter_based(void **state)
{
    (void)state;
    scar_rng a, b;
    scar_rng_init(&a, 42, 7);
    scar_rng_init(&b, 42, 7);
    for (int i = 0; i < 100; i++)
        assert_int_equal(scar_rng_u32(&a), scar_rng_u32(&b));
    /* Another stream differs. */
    scar_rng_init(&a, 42, 7);
    scar_rng_init(&b, 42, 8);
    int same = 0;
    for (int i = 0; i < 100; i++)
        same += scar_rng_u32(&a) == scar_rng_u32(&b);
    assert_true(same < 3);
    /* The stateless draw equals the sequential one. */
    scar_rng_init(&a, 9, 3);
    for (uint64_t k = 0; k < 10; k++) {
        double u = scar_rng_uniform(&a); /* consumes two words: block k/2 */
        (void)u;
    }
    scar_rng_init(&a, 9, 3);
    assert_true(scar_rng_uniform(&a) == scar_rng_uniform_at(9, 3, 0));
    /* Moments of uniform and normal draws. */
    scar_rng_init(&a, 1, 1);
    double s = 0, s2 = 0, ns = 0, ns2 = 0;
    const int N = 200000;
    for (int i = 0; i < N; i++) {
        double u = scar_rng_uniform(&a);
        assert_true(u >= 0.0 && u < 1.0);
        s += u;
        s2 += u * u;
        double z = scar_rng_normal(&a);
        ns += z;
        ns2 += z * z;
    }
    assert_true(fabs(s / N - 0.5) < 0.005);
    assert_true(fabs(s2 / N - s / N * s / N - 1.0 / 12) < 0.002);
    assert_true(fabs(ns / N) < 0.01);
    assert_true(fabs(ns2 / N - 1.0) < 0.02);
}

static void atomic_write_commits_or_leaves_nothing(void **state)
{
    (void)state;
    char dir[512], path[600];
    tu_tmpdir(dir, sizeof dir);
    tu_path(path, sizeof path, dir, "out.txt");
    scar_ctx *ctx = scar_ctx_create();
    scar_afile *f;
    assert_int_equal(scar_afile_open(ctx, path, &f), SCAR_OK);
    fputs("half", scar_afile_stream(f));
    assert_false(tu_exists(path)); /* nothing visible before commit */
    scar_afile_abort(&f);
    assert_null(f);
    assert_false(tu_exists(path));
    assert_int_equal(tu_count_tmp(dir), 0);
    assert_int_equal(scar_write_file(ctx, path, "whole\n", 6), SCAR_OK);
    assert_true(tu_exists(path));
    assert_int_equal(tu_count_tmp(dir), 0);
    /* Unwritable place: a clear input error naming the file. */
    char bad[700];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.txt", dir);
    assert_int_equal(scar_write_file(ctx, bad, "x", 1), SCAR_EINPUT);
    tu_assert_err_has(ctx, bad);
    /* mkdir -p makes nested folders and refuses a file in the way. */
    char nested[700];
    snprintf(nested, sizeof nested, "%s/a/b/c", dir);
    assert_int_equal(scar_mkdir_p(ctx, nested), SCAR_OK);
    assert_int_equal(scar_mkdir_p(ctx, path), SCAR_EINPUT);
    scar_ctx_destroy(&ctx);
}

static void json_real_rounds(void **state)
{
    (void)state;
    json_t *j = scar_json_real(0.1234567891234, 4);
    assert_true(fabs(json_real_value(j) - 0.1235) < 1e-15);
    json_decref(j);
    j = scar_json_real(NAN, 4);
    assert_true(json_is_null(j));
    json_decref(j);
}

/* RFC 4648 section 10's test vectors, after a prefix. */
static void base64_matches_the_rfc(void **state)
{
    (void)state;
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const out[] = {"x:", "x:Zg==", "x:Zm8=", "x:Zm9v", "x:Zm9vYg==",
                                      "x:Zm9vYmE=", "x:Zm9vYmFy"};
    scar_ctx *ctx = scar_ctx_create();
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        char *s = scar_base64(ctx, "x:", in[i], strlen(in[i]));
        assert_non_null(s);
        assert_string_equal(s, out[i]);
        free(s);
    }
    scar_ctx_fail_alloc_after(ctx, 1);
    assert_null(scar_base64(ctx, "x:", "foo", 3));
    assert_int_equal(scar_ctx_error(ctx)->status, SCAR_ENOMEM);
    scar_ctx_destroy(&ctx);
}

static void heightmap_refuses_absurd_sizes(void **state)
{
    (void)state;
    scar_ctx *ctx = scar_ctx_create();
    scar_heightmap *hm = NULL;
    assert_int_equal(scar_heightmap_create(ctx, 0, 5, 1, 1, &hm), SCAR_EINPUT);
    assert_int_equal(scar_heightmap_create(ctx, 100000, 5, 1, 1, &hm), SCAR_EINPUT);
    assert_int_equal(scar_heightmap_create(ctx, 30000, 30000, 1, 1, &hm), SCAR_EINPUT);
    assert_int_equal(scar_heightmap_create(ctx, 5, 5, -1, 1, &hm), SCAR_EINPUT);
    assert_int_equal(scar_heightmap_create(ctx, 5, 5, NAN, 1, &hm), SCAR_EINPUT);
    assert_null(hm);
    assert_int_equal(scar_heightmap_create(ctx, 7, 5, 2, 3, &hm), SCAR_OK);
    assert_int_equal(hm->nx, 7);
    assert_int_equal((uintptr_t)hm->z_um % 64, 0);
    SCAR_HM_AT(hm, 6, 4) = 3.5f;
    scar_heightmap *cp = NULL;
    assert_int_equal(scar_heightmap_copy(ctx, hm, &cp), SCAR_OK);
    assert_true(SCAR_HM_AT(cp, 6, 4) == 3.5f);
    scar_heightmap_destroy(&hm);
    scar_heightmap_destroy(&cp);
    assert_null(hm);
    /* An injected allocation failure is clean. */
    for (long k = 1; k <= 2; k++) {
        scar_ctx_fail_alloc_after(ctx, k);
        assert_int_equal(scar_heightmap_create(ctx, 7, 5, 2, 3, &hm), SCAR_ENOMEM);
        assert_null(hm);
    }
    scar_ctx_destroy(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(error_format_names_place),
        cmocka_unit_test(alloc_failure_is_injected),
        cmocka_unit_test(rng_is_counter_based),
        cmocka_unit_test(atomic_write_commits_or_leaves_nothing),
        cmocka_unit_test(json_real_rounds),
        cmocka_unit_test(heightmap_refuses_absurd_sizes),
        cmocka_unit_test(base64_matches_the_rfc),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
