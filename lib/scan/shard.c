/*
 * shard.c - --shard I/N and auto (shard.h states the contract): the
 * index and count from the argument or the scheduler's environment, and
 * the slice of the list they select.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/shard.h"
#include "scan/target_spec.h"

static int fail(char *err, size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	if (errsize > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsize, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A decimal number of at most 9 digits (no sign, no blanks). */
static bool
decimal(const char *s, size_t len, uint32_t *v)
{
	uint32_t x = 0;
	size_t i;

	if (len == 0 || len > 9)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (uint32_t)(s[i] - '0');
	}
	*v = x;
	return true;
}

/* Environment variable NAME as a number; 0 if unset, 1 if set, -1 bad. */
static int
env_number(rdd_shard_getenv_fn *get, void *ctx, const char *name, uint32_t *v,
           char *err, size_t errsize)
{
	const char *s = get(name, ctx);
	char q[80];

	if (s == NULL)
		return 0;
	if (decimal(s, strlen(s), v))
		return 1;
	rdd_target_quote(q, sizeof(q), s, strlen(s));
	return fail(err, errsize, "%s=%s is not a number", name, q);
}

static int
check_count(uint32_t count, char *err, size_t errsize)
{
	if (count == 0)
		return fail(err, errsize, "the number of shards is 0");
	if (count > RDD_SHARD_MAX)
		return fail(err, errsize, "%lu shards: at most %u",
		            (unsigned long)count, RDD_SHARD_MAX);
	return 0;
}

/* The Slurm array's position of this task, and the array's size. */
static int
slurm(rdd_shard_getenv_fn *get, void *ctx, uint32_t id, uint32_t *index,
      uint32_t *count, bool *has_count, char *err, size_t errsize)
{
	uint32_t min = 0, max = 0, step = 1, n = 0;
	int has_max = 0, has_n = 0;

	if (env_number(get, ctx, "SLURM_ARRAY_TASK_MIN", &min, err, errsize) <
	        0 ||
	    (has_max = env_number(get, ctx, "SLURM_ARRAY_TASK_MAX", &max, err,
	                          errsize)) < 0 ||
	    env_number(get, ctx, "SLURM_ARRAY_TASK_STEP", &step, err, errsize) <
	        0 ||
	    (has_n = env_number(get, ctx, "SLURM_ARRAY_TASK_COUNT", &n, err,
	                        errsize)) < 0)
		return -1;
	if (step == 0)
		return fail(err, errsize, "SLURM_ARRAY_TASK_STEP is 0");
	if (id < min || (id - min) % step != 0)
		return fail(
		    err, errsize,
		    "SLURM_ARRAY_TASK_ID=%lu is not in the array "
		    "(SLURM_ARRAY_TASK_MIN=%lu, SLURM_ARRAY_TASK_STEP=%lu)",
		    (unsigned long)id, (unsigned long)min, (unsigned long)step);
	if (has_max && max < min)
		return fail(err, errsize,
		            "SLURM_ARRAY_TASK_MAX is less than "
		            "SLURM_ARRAY_TASK_MIN");
	if (has_n && has_max &&
	    (uint64_t)min + (uint64_t)step * (n ? n - 1 : 0) != max)
		return fail(err, errsize,
		            "the Slurm array is not a range MIN-MAX:STEP "
		            "(SLURM_ARRAY_TASK_COUNT=%lu for %lu-%lu:%lu); "
		            "give I/N",
		            (unsigned long)n, (unsigned long)min,
		            (unsigned long)max, (unsigned long)step);
	*index = (id - min) / step;
	*has_count = has_n || has_max;
	*count = has_n ? n : has_max ? (max - min) / step + 1 : 0;
	if (has_max && id > max)
		return fail(err, errsize,
		            "SLURM_ARRAY_TASK_ID=%lu is more than "
		            "SLURM_ARRAY_TASK_MAX=%lu",
		            (unsigned long)id, (unsigned long)max);
	return 0;
}

static int
parse_auto(const char *spec, rdd_shard_getenv_fn *get, void *ctx,
           struct rdd_shard *out, char *err, size_t errsize)
{
	static const char *const vars[] = {
	    "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "PARALLEL_SEQ"};
	uint32_t given = 0, env_n = 0, id = 0, index = 0, count = 0;
	bool has_given = false, has_count = false;
	int has_env_n, which = -1, r;
	size_t i;

	if (spec[4] == '/') {
		if (!decimal(spec + 5, strlen(spec + 5), &given))
			return fail(err, errsize, "auto/N: N is not a number");
		if (check_count(given, err, errsize) != 0)
			return -1;
		has_given = true;
	}
	if ((has_env_n = env_number(get, ctx, "RDPDOCTOR_SHARDS", &env_n, err,
	                            errsize)) < 0)
		return -1;
	if (has_env_n && (env_n == 0 || env_n > RDD_SHARD_MAX))
		return fail(err, errsize,
		            "RDPDOCTOR_SHARDS=%lu: at least 1, at "
		            "most %u",
		            (unsigned long)env_n, RDD_SHARD_MAX);
	if (has_given && has_env_n && given != env_n)
		return fail(err, errsize, "auto/%lu but RDPDOCTOR_SHARDS=%lu",
		            (unsigned long)given, (unsigned long)env_n);
	if (has_env_n && !has_given) {
		given = env_n;
		has_given = true;
	}
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		if (get(vars[i], ctx) == NULL)
			continue;
		if (which >= 0)
			return fail(err, errsize,
			            "auto: both %s and %s are set; give I/N",
			            vars[which], vars[i]);
		which = (int)i;
	}
	if (which < 0)
		return fail(err, errsize,
		            "auto: none of JOB_COMPLETION_INDEX (Kubernetes "
		            "Indexed Job), SLURM_ARRAY_TASK_ID (Slurm array), "
		            "PARALLEL_SEQ (GNU parallel) is set; give I/N");
	if (env_number(get, ctx, vars[which], &id, err, errsize) < 0)
		return -1;
	switch (which) {
	case 0:
		index = id;
		break;
	case 1:
		r = slurm(get, ctx, id, &index, &count, &has_count, err,
		          errsize);
		if (r != 0)
			return -1;
		break;
	default:
		if (id == 0)
			return fail(err, errsize,
			            "PARALLEL_SEQ is 0 (GNU parallel counts "
			            "from 1)");
		index = id - 1;
		break;
	}
	if (has_count && has_given && count != given)
		return fail(err, errsize,
		            "the Slurm array has %lu tasks but %lu shards "
		            "were asked for",
		            (unsigned long)count, (unsigned long)given);
	if (!has_count && !has_given)
		return fail(err, errsize,
		            "auto: %s gives the index but not the number of "
		            "shards; give auto/N or set RDPDOCTOR_SHARDS",
		            vars[which]);
	if (!has_count)
		count = given;
	if (check_count(count, err, errsize) != 0)
		return -1;
	if (index >= count)
		return fail(err, errsize,
		            "%s=%lu gives shard %lu, but there are only %lu "
		            "shards (numbered from 0)",
		            vars[which], (unsigned long)id,
		            (unsigned long)index, (unsigned long)count);
	out->index = index;
	out->count = count;
	snprintf(out->source, sizeof(out->source), "%s (%s=%lu)",
	         which == 0   ? "Kubernetes Indexed Job"
	         : which == 1 ? "Slurm array"
	                      : "GNU parallel",
	         vars[which], (unsigned long)id);
	return 0;
}

int
rdd_shard_parse_env(const char *spec, rdd_shard_getenv_fn *get, void *ctx,
                    struct rdd_shard *out, char *err, size_t errsize)
{
	const char *slash;
	uint32_t index, count;
	char q[80];

	memset(out, 0, sizeof(*out));
	if (strncmp(spec, "auto", 4) == 0 &&
	    (spec[4] == '\0' || spec[4] == '/'))
		return parse_auto(spec, get, ctx, out, err, errsize);
	rdd_target_quote(q, sizeof(q), spec, strlen(spec));
	slash = strchr(spec, '/');
	if (slash == NULL || !decimal(spec, (size_t)(slash - spec), &index) ||
	    !decimal(slash + 1, strlen(slash + 1), &count))
		return fail(err, errsize,
		            "%s: expected I/N (shard I of N, from 0) or auto",
		            q);
	if (check_count(count, err, errsize) != 0)
		return -1;
	if (index >= count)
		return fail(err, errsize,
		            "%s: shard %lu of %lu does not exist (shards are "
		            "numbered from 0 to %lu)",
		            q, (unsigned long)index, (unsigned long)count,
		            (unsigned long)count - 1);
	out->index = index;
	out->count = count;
	snprintf(out->source, sizeof(out->source), "argument");
	return 0;
}

static const char *
real_getenv(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

int
rdd_shard_parse(const char *spec, struct rdd_shard *out, char *err,
                size_t errsize)
{
	return rdd_shard_parse_env(spec, real_getenv, NULL, out, err, errsize);
}

bool
rdd_shard_has(const struct rdd_shard *s, size_t index)
{
	return index % s->count == s->index;
}

size_t
rdd_shard_size(const struct rdd_shard *s, size_t total)
{
	return total / s->count + (s->index < total % s->count ? 1 : 0);
}

static bool
keep(size_t index, const struct rdd_target *t, void *ctx)
{
	(void)t;
	return rdd_shard_has(ctx, index);
}

long
rdd_targets_shard(struct rdd_targets *l, const struct rdd_shard *s)
{
	return rdd_targets_retain(l, keep, (void *)s);
}
