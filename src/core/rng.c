/*
 * rng.c — counter-based random numbers (Philox4x32-10 from Random123,
 * Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3").
 *
 * A draw is a pure function of (seed, stream, counter): the same numbers come
 * out whatever the thread or rank count, which is what makes scarsim's results
 * depend only on the input and --seed.
 */
#include "core.h"

#include <Random123/philox.h>
#include <math.h>

static void block_at(uint64_t seed, uint64_t stream, uint64_t index, uint32_t out[4])
{
    philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t c = {{(uint32_t)index, (uint32_t)(index >> 32),
                           (uint32_t)stream, (uint32_t)(stream >> 32)}};
    philox4x32_ctr_t r = philox4x32(c, k);
    for (int i = 0; i < 4; i++)
        out[i] = r.v[i];
}

void scar_rng_init(scar_rng *r, uint64_t seed, uint64_t stream)
{
    r->seed = seed;
    r->stream = stream;
    r->counter = 0;
    r->used = 4;
}

uint32_t scar_rng_u32(scar_rng *r)
{
    if (r->used >= 4) {
        block_at(r->seed, r->stream, r->counter++, r->block);
        r->used = 0;
    }
    return r->block[r->used++];
}

/* 53-bit uniform in [0, 1) from two 32-bit words. */
static double u01(uint32_t hi, uint32_t lo)
{
    uint64_t v = ((uint64_t)(hi >> 5) << 26) | (uint64_t)(lo >> 6);
    return (double)v * (1.0 / 9007199254740992.0);
}

double scar_rng_uniform(scar_rng *r)
{
    uint32_t a = scar_rng_u32(r);
    uint32_t b = scar_rng_u32(r);
    return u01(a, b);
}

double scar_rng_range(scar_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * scar_rng_uniform(r);
}

double scar_rng_normal(scar_rng *r)
{
    /* Box-Muller; one of the pair is dropped so a draw's position in the
     * stream does not depend on how many normals came before. */
    double u1 = scar_rng_uniform(r);
    double u2 = scar_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double scar_rng_uniform_at(uint64_t seed, uint64_t stream, uint64_t index)
{
    uint32_t b[4];
    block_at(seed, stream, index, b);
    return u01(b[0], b[1]);
}
