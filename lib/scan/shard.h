/*
 * shard.h - `scan --shard I/N`: one of N disjoint, interleaved slices of
 * the target list, so that a scan runs as an array job of an existing
 * scheduler (a Kubernetes Indexed Job, a Slurm array, GNU parallel).
 *
 * Contract
 * --------
 * Shards are numbered from 0, as Kubernetes' JOB_COMPLETION_INDEX and
 * zmap's --shard are (masscan's --shard counts from 1: its 1/2 is our
 * 0/2). Shard I of N holds the targets whose index in the final list
 * (expanded, deduplicated, excludes removed: targets.h) is I modulo N,
 * in list order. So the shards are pairwise disjoint, their union is the
 * list, their sizes differ by at most one, and each one spreads over the
 * whole list (a /24 puts every N-th address in each shard, not a block
 * of adjacent hosts into one). The list's order is the order of first
 * appearance, so every task must be given the same specs, excludes and
 * default port in the same order; then every machine computes the same
 * shards. (masscan and zmap walk a pseudo-random permutation to spread
 * their packets; a connect scan of at most a million targets gains
 * nothing from it, and a plain stride keeps each shard readable.)
 *
 * SPEC is "I/N" (decimal, 0 <= I < N <= RDD_SHARD_MAX), or "auto" or
 * "auto/N", which read the scheduler's environment:
 *   JOB_COMPLETION_INDEX   Kubernetes Indexed Job: I. Kubernetes does not
 *                          export the completion count, so N comes from
 *                          "auto/N" or RDPDOCTOR_SHARDS (set it in the
 *                          pod template to spec.completions).
 *   SLURM_ARRAY_TASK_ID    Slurm array: I = (ID - MIN) / STEP, with
 *                          SLURM_ARRAY_TASK_MIN (default 0) and _STEP
 *                          (default 1); N = SLURM_ARRAY_TASK_COUNT, or
 *                          (MAX - MIN) / STEP + 1 from _MAX. So
 *                          --array=1-8 gives shards 0..7 of 8. An array of
 *                          listed ids (--array=1,3,7) is refused: give
 *                          I/N.
 *   PARALLEL_SEQ           GNU parallel: I = PARALLEL_SEQ - 1 (it counts
 *                          from 1); N from "auto/N" or RDPDOCTOR_SHARDS.
 * Exactly one of the three must be set; N given both ways must agree.
 */
#ifndef RDD_SCAN_SHARD_H
#define RDD_SCAN_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/targets.h"

#define RDD_SHARD_MAX 1048576u

struct rdd_shard {
	uint32_t index; /* 0 .. count - 1 */
	uint32_t count; /* 1 .. RDD_SHARD_MAX; 1/1 is the whole list */
	/* Where it came from, for the report: "argument", "Slurm array
	 * (SLURM_ARRAY_TASK_ID=5)", ... */
	char source[96];
};

/* Look up an environment variable (getenv, or a table in tests). */
typedef const char *rdd_shard_getenv_fn(const char *name, void *ctx);

/*
 * Parse SPEC; 0, or -1 with a one-line message in ERR (without the
 * option's name: the caller adds "--shard: ").
 */
int rdd_shard_parse(const char *spec, struct rdd_shard *out, char *err,
                    size_t errsize);
int rdd_shard_parse_env(const char *spec, rdd_shard_getenv_fn *get, void *ctx,
                        struct rdd_shard *out, char *err, size_t errsize);

/* Does shard S hold the target at INDEX of the final list? */
bool rdd_shard_has(const struct rdd_shard *s, size_t index);
/* How many of TOTAL targets shard S holds. */
size_t rdd_shard_size(const struct rdd_shard *s, size_t total);
/*
 * Keep only shard S's targets, in order. Call it last, after every add
 * and rdd_targets_exclude. Returns the number removed.
 */
long rdd_targets_shard(struct rdd_targets *l, const struct rdd_shard *s);

#endif
