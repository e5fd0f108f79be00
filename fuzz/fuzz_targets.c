/*
 * fuzz_targets.c - libFuzzer target for the scan's target list:
 * lib/scan/target_spec.c, targets.c, target_exclude.c, target_read.c and
 * shard.c.
 *
 * The input is read as a file of targets and as a file of excludes
 * (through fmemopen, as -iL and --exclude-file read them), its lines as
 * specs given one by one as arguments, and its first line as a --shard
 * argument with the scheduler's variables taken from "NAME=VALUE" lines.
 * The limits are lowered (256 per spec, 4096 in all) to keep runs fast.
 * Invariants a crash would not reveal are checked with abort(): counts
 * agree with the stats, a failed add changes nothing, every target's
 * texts are terminated and its address finds itself (so no duplicate
 * address), no excluded target survives, a shard holds rdd_shard_size
 * targets and parses only to 0 <= index < count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/shard.h"
#include "scan/target_spec.h"
#include "scan/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static void
ignore(void *ctx, const char *name, unsigned long line, const char *msg)
{
	(void)name;
	(void)line;
	CHECK(strlen(msg) > 0 && strlen(msg) < RDD_TARGETS_ERR_MAX);
	(*(size_t *)ctx)++;
}

static struct rdd_targets *
new_list(void)
{
	struct rdd_targets *l = rdd_targets_new(3389);

	CHECK(l != NULL);
	CHECK(rdd_targets_set_limits(l, 256, 4096) == 0);
	return l;
}

/* Every target's texts, and each address target found at its index. */
static void
check_list(const struct rdd_targets *l)
{
	size_t i, n = rdd_targets_count(l);

	CHECK(rdd_targets_at(l, n) == NULL);
	for (i = 0; i < n; i++) {
		const struct rdd_target *t = rdd_targets_at(l, i);
		char host[RDD_TARGET_HOST_MAX], hp[RDD_TARGET_HOSTPORT_MAX];
		struct sockaddr_storage ss;
		socklen_t len;

		CHECK(t->port != 0);
		CHECK(rdd_target_given(l, t) != NULL);
		rdd_target_host(l, t, host, sizeof(host));
		rdd_target_hostport(l, t, hp, sizeof(hp));
		CHECK(TERMINATED(host) && strlen(host) > 0);
		CHECK(TERMINATED(hp));
		if (t->kind == RDD_TARGET_NAME) {
			CHECK(rdd_target_name(l, t) != NULL);
			CHECK(rdd_target_sockaddr(t, &ss, &len) == -1);
			continue;
		}
		CHECK(t->kind == RDD_TARGET_IPV4 || t->kind == RDD_TARGET_IPV6);
		CHECK(rdd_target_name(l, t) == NULL);
		CHECK(rdd_target_sockaddr(t, &ss, &len) == 0);
		CHECK(rdd_targets_find_sockaddr(l, (struct sockaddr *)&ss) ==
		      (long)i);
	}
}

static FILE *
open_input(const uint8_t *data, size_t size)
{
	if (size == 0)
		return NULL;
	return fmemopen((void *)data, size, "r");
}

/* The input as a targets file, then as an excludes file applied to it. */
static struct rdd_targets *
as_files(const uint8_t *data, size_t size)
{
	struct rdd_targets *l = new_list();
	struct rdd_excludes *ex = rdd_excludes_new();
	struct rdd_targets_read_stats st;
	size_t errors = 0, before, i;
	FILE *f;
	int r;

	CHECK(ex != NULL);
	if ((f = open_input(data, size)) == NULL) {
		rdd_excludes_free(ex);
		return l;
	}
	r = rdd_targets_read(l, f, "fuzz", ignore, &errors, &st);
	fclose(f);
	CHECK(r == 0 || r == -1);
	CHECK(st.bad <= st.specs);
	CHECK(rdd_targets_count(l) == st.added);
	CHECK(errors == st.bad + (r == -1));
	check_list(l);

	f = open_input(data, size);
	CHECK(f != NULL);
	errors = 0;
	r = rdd_excludes_read(ex, f, "fuzz", ignore, &errors, &st);
	fclose(f);
	CHECK(r == 0 || r == -1);
	CHECK(rdd_excludes_count(ex) == st.added);
	before = rdd_targets_count(l);
	CHECK(rdd_targets_exclude(l, ex) ==
	      (long)(before - rdd_targets_count(l)));
	/* The sorted search and the single match agree (a sample). */
	for (i = 0; i < rdd_targets_count(l) && i < 32; i++)
		CHECK(!rdd_excludes_match(ex, l, rdd_targets_at(l, i)));
	check_list(l);
	rdd_excludes_free(ex);
	return l;
}

/* Each line (cut at '\n' or NUL) given as an argument. */
static void
as_arguments(const uint8_t *data, size_t size)
{
	struct rdd_targets *l = new_list();
	size_t start = 0, i;

	for (i = 0; i <= size; i++) {
		char spec[512], err[RDD_TARGETS_ERR_MAX];
		size_t n = i - start, before;
		struct rdd_target_spec sp;
		long r;

		if (i < size && data[i] != '\n' && data[i] != '\0')
			continue;
		if (n >= sizeof(spec))
			n = sizeof(spec) - 1;
		memcpy(spec, data + start, n);
		spec[n] = '\0';
		start = i + 1;
		before = rdd_targets_count(l);
		memset(err, 'Z', sizeof(err));
		r = rdd_targets_add(l, spec, err, sizeof(err));
		if (r < 0) {
			CHECK(r == RDD_TARGETS_EBAD || r == RDD_TARGETS_EFULL);
			CHECK(TERMINATED(err) && strlen(err) > 0);
			CHECK(rdd_targets_count(l) == before);
		} else {
			CHECK(rdd_targets_count(l) == before + (size_t)r);
			CHECK(r <= 256);
		}
		if (rdd_target_spec_parse(spec, n, &sp, err, sizeof(err)) ==
		        0 &&
		    !sp.is_name)
			CHECK(memcmp(sp.lo, sp.hi, 16) <= 0);
	}
	check_list(l);
	rdd_targets_free(l);
}

/* The scheduler's variables, from "NAME=VALUE" lines of the input. */
struct env {
	const uint8_t *data;
	size_t size;
	char value[8][32];
	bool set[8];
};

static const char *const env_names[8] = {
    "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID",   "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT",
    "PARALLEL_SEQ",         "RDPDOCTOR_SHARDS",
};

static const char *
env_get(const char *name, void *ctx)
{
	struct env *e = ctx;
	size_t i;

	for (i = 0; i < 8; i++) {
		if (strcmp(name, env_names[i]) == 0)
			return e->set[i] ? e->value[i] : NULL;
	}
	abort(); /* shard.c asked for a variable not documented */
}

static void
load_env(struct env *e, const uint8_t *data, size_t size)
{
	size_t start = 0, i, k;

	memset(e, 0, sizeof(*e));
	for (i = 0; i <= size; i++) {
		const char *line = (const char *)data + start;
		size_t n = i - start;

		if (i < size && data[i] != '\n')
			continue;
		start = i + 1;
		for (k = 0; k < 8; k++) {
			size_t nl = strlen(env_names[k]), vl;

			if (n <= nl || memcmp(line, env_names[k], nl) != 0 ||
			    line[nl] != '=')
				continue;
			vl = n - nl - 1;
			if (vl >= sizeof(e->value[k]))
				vl = sizeof(e->value[k]) - 1;
			memcpy(e->value[k], line + nl + 1, vl);
			e->value[k][vl] = '\0'; /* a NUL inside cuts it */
			e->set[k] = true;
		}
	}
}

/* The first line as --shard's argument, applied to the list L. */
static void
as_shard(const uint8_t *data, size_t size, struct rdd_targets *l)
{
	struct rdd_shard s;
	struct env e;
	char spec[64], err[256];
	size_t n = 0, before, want;

	while (n < size && n < sizeof(spec) - 1 && data[n] != '\n')
		n++;
	memcpy(spec, data, n);
	spec[n] = '\0';
	load_env(&e, data, size);
	memset(err, 'Z', sizeof(err));
	if (rdd_shard_parse_env(spec, env_get, &e, &s, err, sizeof(err)) != 0) {
		CHECK(TERMINATED(err) && strlen(err) > 0);
		return;
	}
	CHECK(s.count >= 1 && s.count <= RDD_SHARD_MAX);
	CHECK(s.index < s.count);
	CHECK(TERMINATED(s.source));
	before = rdd_targets_count(l);
	want = rdd_shard_size(&s, before);
	CHECK(rdd_targets_shard(l, &s) == (long)(before - want));
	CHECK(rdd_targets_count(l) == want);
	check_list(l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_targets *l;

	l = as_files(data, size);
	as_shard(data, size, l);
	rdd_targets_free(l);
	as_arguments(data, size);
	return 0;
}
