/*
 * distribute.c — the MPI part of the cohort layer (Open MPI): which rank
 * this process is and the exact sum that gathers patients (trial.h).
 *
 * MPI is started only when the process was launched by mpirun (Open MPI
 * sets OMPI_COMM_WORLD_SIZE), so a plain `scarsim` never pays for MPI's
 * start-up and never loads its network stack.  Built without Open MPI
 * (SCAR_WITH_MPI undefined), every process is one rank of one.
 */
#include "trial.h"

#include "core.h"

#include <stdlib.h>

#ifdef SCAR_WITH_MPI
#include <mpi.h>

static int dist_on;

void scar_dist_init(int *argc, char ***argv)
{
    const char *w = getenv("OMPI_COMM_WORLD_SIZE");
    if (!w || !*w)
        return;
    int flag = 0;
    MPI_Initialized(&flag);
    if (!flag && MPI_Init(argc, argv) != MPI_SUCCESS)
        return;
    dist_on = 1;
}

void scar_dist_finalize(void)
{
    if (!dist_on)
        return;
    MPI_Finalize();
    dist_on = 0;
}

int scar_dist_rank(void)
{
    int r = 0;
    if (dist_on)
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int scar_dist_size(void)
{
    int s = 1;
    if (dist_on)
        MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

scar_status scar_dist_sum(scar_ctx *ctx, double *v, size_t n)
{
    if (!dist_on)
        return SCAR_OK;
    /* in chunks: MPI counts are int */
    const size_t chunk = (size_t)1 << 24;
    for (size_t i = 0; i < n; i += chunk) {
        int m = (int)(n - i < chunk ? n - i : chunk);
        if (MPI_Allreduce(MPI_IN_PLACE, v + i, m, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD) !=
            MPI_SUCCESS)
            return SCAR_RAISE(ctx, SCAR_EIO, "MPI_Allreduce of %d values failed", m);
    }
    return SCAR_OK;
}

#else /* without MPI: one rank */

void scar_dist_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

void scar_dist_finalize(void) {}

int scar_dist_rank(void)
{
    return 0;
}

int scar_dist_size(void)
{
    return 1;
}

scar_status scar_dist_sum(scar_ctx *ctx, double *v, size_t n)
{
    (void)ctx;
    (void)v;
    (void)n;
    return SCAR_OK;
}

#endif
