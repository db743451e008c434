/*
 * checkpoint.h — a course's checkpoint: one file that holds everything a run
 * has changed or gathered so far, so that `scarsim run --resume` ends with
 * exactly the numbers of the uninterrupted run (docs/scenario.md,
 * "Checkpoint and resume").  Course layer, internal.
 *
 * The file: a raw header (magic, format, scarsim's version and git hash,
 * the seed, the grid's size, the scenario as parsed in five canonical
 * texts: protocol, skin, grid, params, output), then one deflated stream
 * (bin.h): the engine and its tissue (scar_heal_save), the course's
 * position, the run's results so far and the files the run has written
 * into its folder (the VTI snapshots), and an end mark.
 *
 * Written to a temporary name beside the target, synced and renamed over
 * it (scar_afile), so the file on disk is always a whole checkpoint.
 * Reading refuses with SCAR_EINPUT and one line naming the file and the
 * field: another magic or format, another scarsim, another seed, another
 * scenario (which part, and the first line that differs), another grid, a
 * count beyond what the scenario allows (checked before allocating), a
 * truncated or damaged stream.
 */
#ifndef SCAR_CHECKPOINT_H
#define SCAR_CHECKPOINT_H

#include "run.h"

/* The checkpoint format; a change of layout increments it. */
#define SCAR_CKPT_FORMAT 1u

/* What a run has gathered besides the engine's state. */
typedef struct scar_ckpt_run {
    scar_run_result *r;     /* baseline, sessions, session surfaces, time series */
    double *erythema_days;  /* r->nsessions entries */
    double seconds;         /* run time so far (reported as performance) */
    size_t max_ts;          /* reading: most time-series rows the course makes */
    size_t max_sources;     /* reading: most live sources of one kind */
    /* writing: files to carry (paths and their days) */
    const char *const *files;
    const double *file_days;
    size_t nfiles;
    /* reading: where carried files are written back, at most max_files of
     * them, each announced to restored(ctx, user, path, day) */
    const char *files_dir;
    size_t max_files;
    scar_status (*restored)(scar_ctx *ctx, void *user, const char *path, double day);
    void *user;
} scar_ckpt_run;

/* The scenario as canonical text (checkpoint_scenario.c), in parts: the
 * protocol with every device setting, the skin (region, patient, surface
 * size and a hash of its heights), the grid, the effective parameter table
 * and the outputs (snapshot days are landing points of the steps). */
enum { SCAR_CKPT_PARTS = 5 };
const char *scar_ckpt_part_name(int part); /* "protocol", "skin", ... */
scar_status scar_ckpt_scenario_text(scar_ctx *ctx, const scar_run_spec *spec, int part,
                                    char **out);
/* The first line where two texts differ, quoted ("'a' in the checkpoint,
 * 'b' now"), into buf. */
void scar_ckpt_first_difference(const char *was, const char *now, char *buf, size_t n);

/* Writes the checkpoint of the run of spec at the course position pos. */
scar_status scar_ckpt_write(scar_ctx *ctx, const char *path, const scar_run_spec *spec,
                            scar_heal *h, const scar_course_pos *pos, const scar_ckpt_run *run);

/* An opened checkpoint whose header matches this scarsim, the context's
 * seed and the scenario of spec. */
typedef struct scar_ckpt scar_ckpt;

scar_status scar_ckpt_open(scar_ctx *ctx, const char *path, const scar_run_spec *spec,
                           scar_ckpt **out);
/* Reads the rest into a fresh engine on the tissue built from the same
 * scenario, the course position and the run's results (run->r with its
 * sessions allocated, run->erythema_days). */
scar_status scar_ckpt_load(scar_ctx *ctx, scar_ckpt *c, scar_heal *h, scar_course_pos *pos,
                           scar_ckpt_run *run);
void scar_ckpt_close(scar_ckpt **c); /* accepts NULL */

#endif /* SCAR_CHECKPOINT_H */
