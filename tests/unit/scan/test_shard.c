/*
 * test_shard.c - lib/scan/shard.c: "I/N" and its refusals; "auto" from a
 * Kubernetes Indexed Job, a Slurm array (ranges with a MIN offset and a
 * STEP, listed ids refused), GNU parallel, RDPDOCTOR_SHARDS, and the real
 * environment through setenv; and the property --shard promises: for N
 * in 1..17 over lists of random sizes, the shards are pairwise disjoint,
 * their union is the list, each keeps the list's order, their sizes
 * differ by at most one, and building them again gives the same shards.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scan/shard.h"

static void
parses(const char *spec, uint32_t index, uint32_t count)
{
	struct rdd_shard s;
	char err[256] = "";

	if (rdd_shard_parse(spec, &s, err, sizeof(err)) != 0)
		fail_msg("%s: %s", spec, err);
	assert_int_equal(s.index, index);
	assert_int_equal(s.count, count);
	assert_string_equal(s.source, "argument");
}

static void
refused(const char *spec, const char *message)
{
	struct rdd_shard s;
	char err[256] = "";

	assert_int_equal(rdd_shard_parse(spec, &s, err, sizeof(err)), -1);
	assert_string_equal(err, message);
}

static void
test_explicit(void **state)
{
	(void)state;
	parses("3/8", 3, 8);
	parses("0/1", 0, 1);
	parses("7/8", 7, 8);
	parses("0/1048576", 0, 1048576);
	parses("007/010", 7, 10);
	refused("8/8", "'8/8': shard 8 of 8 does not exist (shards are "
	               "numbered from 0 to 7)");
	refused("1/1", "'1/1': shard 1 of 1 does not exist (shards are "
	               "numbered from 0 to 0)");
	refused("0/0", "the number of shards is 0");
	refused("0/1048577", "1048577 shards: at most 1048576");
	refused("x", "'x': expected I/N (shard I of N, from 0) or auto");
	refused("", "'': expected I/N (shard I of N, from 0) or auto");
	refused("3", "'3': expected I/N (shard I of N, from 0) or auto");
	refused("3/", "'3/': expected I/N (shard I of N, from 0) or auto");
	refused("/8", "'/8': expected I/N (shard I of N, from 0) or auto");
	refused("-1/8", "'-1/8': expected I/N (shard I of N, from 0) or auto");
	refused(" 1/8", "' 1/8': expected I/N (shard I of N, from 0) or auto");
	refused("1/8/2", "'1/8/2': expected I/N (shard I of N, from 0) or "
	                 "auto");
	refused("1234567890/2", "'1234567890/2': expected I/N (shard I of N, "
	                        "from 0) or auto");
	refused("autox", "'autox': expected I/N (shard I of N, from 0) or "
	                 "auto");
	refused("1/8\x1b", "'1/8\\x1b': expected I/N (shard I of N, from 0) or "
	                   "auto");
}

/* An environment for rdd_shard_parse_env: "NAME=VALUE" strings. */
struct env {
	const char *vars[8];
};

static const char *
env_get(const char *name, void *ctx)
{
	const struct env *e = ctx;
	size_t i, n = strlen(name);

	for (i = 0; i < 8 && e->vars[i] != NULL; i++) {
		if (strncmp(e->vars[i], name, n) == 0 && e->vars[i][n] == '=')
			return e->vars[i] + n + 1;
	}
	return NULL;
}

static void
env_ok(const struct env *e, const char *spec, uint32_t index, uint32_t count,
       const char *source)
{
	struct rdd_shard s;
	char err[256] = "";

	if (rdd_shard_parse_env(spec, env_get, (void *)e, &s, err,
	                        sizeof(err)) != 0)
		fail_msg("%s: %s", spec, err);
	assert_int_equal(s.index, index);
	assert_int_equal(s.count, count);
	assert_string_equal(s.source, source);
}

static void
env_fails(const struct env *e, const char *spec, const char *message)
{
	struct rdd_shard s;
	char err[256] = "";

	assert_int_equal(
	    rdd_shard_parse_env(spec, env_get, (void *)e, &s, err, sizeof(err)),
	    -1);
	assert_string_equal(err, message);
}

static void
test_kubernetes(void **state)
{
	struct env k = {{"JOB_COMPLETION_INDEX=2"}};
	struct env k_n = {{"JOB_COMPLETION_INDEX=2", "RDPDOCTOR_SHARDS=4"}};
	struct env k_last = {{"JOB_COMPLETION_INDEX=4"}};
	struct env k_bad = {{"JOB_COMPLETION_INDEX=two"}};
	struct env k_zero = {{"JOB_COMPLETION_INDEX=0", "RDPDOCTOR_SHARDS=0"}};
	struct env k_many = {
	    {"JOB_COMPLETION_INDEX=0", "RDPDOCTOR_SHARDS=1048577"}};

	(void)state;
	env_ok(&k, "auto/4", 2, 4,
	       "Kubernetes Indexed Job (JOB_COMPLETION_INDEX=2)");
	env_ok(&k_n, "auto", 2, 4,
	       "Kubernetes Indexed Job (JOB_COMPLETION_INDEX=2)");
	env_ok(&k_n, "auto/4", 2, 4,
	       "Kubernetes Indexed Job (JOB_COMPLETION_INDEX=2)");
	/* The explicit form ignores the environment. */
	env_ok(&k_n, "1/3", 1, 3, "argument");
	env_fails(&k, "auto",
	          "auto: JOB_COMPLETION_INDEX gives the index but not the "
	          "number of shards; give auto/N or set RDPDOCTOR_SHARDS");
	env_fails(&k_n, "auto/5", "auto/5 but RDPDOCTOR_SHARDS=4");
	env_fails(&k_last, "auto/4",
	          "JOB_COMPLETION_INDEX=4 gives shard 4, but there are only 4 "
	          "shards (numbered from 0)");
	env_fails(&k_bad, "auto/4",
	          "JOB_COMPLETION_INDEX='two' is not a number");
	env_fails(&k_zero, "auto",
	          "RDPDOCTOR_SHARDS=0: at least 1, at most 1048576");
	env_fails(&k_many, "auto",
	          "RDPDOCTOR_SHARDS=1048577: at least 1, at most 1048576");
	env_fails(&k, "auto/x", "auto/N: N is not a number");
	env_fails(&k, "auto/", "auto/N: N is not a number");
	env_fails(&k, "auto/0", "the number of shards is 0");
}

static void
test_slurm(void **state)
{
	/* sbatch --array=1-8 */
	struct env range = {{"SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_MIN=1",
	                     "SLURM_ARRAY_TASK_MAX=8",
	                     "SLURM_ARRAY_TASK_STEP=1",
	                     "SLURM_ARRAY_TASK_COUNT=8"}};
	struct env first = {{"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=1",
	                     "SLURM_ARRAY_TASK_MAX=8",
	                     "SLURM_ARRAY_TASK_COUNT=8"}};
	/* sbatch --array=0-15:4 (ids 0, 4, 8, 12) */
	struct env step = {{"SLURM_ARRAY_TASK_ID=8", "SLURM_ARRAY_TASK_MIN=0",
	                    "SLURM_ARRAY_TASK_MAX=12",
	                    "SLURM_ARRAY_TASK_STEP=4",
	                    "SLURM_ARRAY_TASK_COUNT=4"}};
	/* sbatch --array=1,3,7 */
	struct env listed = {{"SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_MIN=1",
	                      "SLURM_ARRAY_TASK_MAX=7",
	                      "SLURM_ARRAY_TASK_COUNT=3"}};
	struct env max_only = {{"SLURM_ARRAY_TASK_ID=3",
	                        "SLURM_ARRAY_TASK_MIN=1",
	                        "SLURM_ARRAY_TASK_MAX=8"}};
	struct env id_only = {{"SLURM_ARRAY_TASK_ID=2"}};
	struct env below = {{"SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_MIN=1",
	                     "SLURM_ARRAY_TASK_COUNT=8"}};
	struct env off_step = {{"SLURM_ARRAY_TASK_ID=5",
	                        "SLURM_ARRAY_TASK_STEP=4",
	                        "SLURM_ARRAY_TASK_COUNT=4"}};
	struct env above = {{"SLURM_ARRAY_TASK_ID=9", "SLURM_ARRAY_TASK_MIN=1",
	                     "SLURM_ARRAY_TASK_MAX=8"}};
	struct env step0 = {
	    {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_STEP=0"}};
	struct env inverted = {{"SLURM_ARRAY_TASK_ID=5",
	                        "SLURM_ARRAY_TASK_MIN=5",
	                        "SLURM_ARRAY_TASK_MAX=4"}};
	struct env count0 = {
	    {"SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_COUNT=0"}};
	struct env bad_min = {
	    {"SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_MIN=-1"}};

	(void)state;
	env_ok(&range, "auto", 4, 8, "Slurm array (SLURM_ARRAY_TASK_ID=5)");
	env_ok(&range, "auto/8", 4, 8, "Slurm array (SLURM_ARRAY_TASK_ID=5)");
	env_ok(&first, "auto", 0, 8, "Slurm array (SLURM_ARRAY_TASK_ID=1)");
	env_ok(&step, "auto", 2, 4, "Slurm array (SLURM_ARRAY_TASK_ID=8)");
	env_ok(&max_only, "auto", 2, 8, "Slurm array (SLURM_ARRAY_TASK_ID=3)");
	env_ok(&id_only, "auto/4", 2, 4, "Slurm array (SLURM_ARRAY_TASK_ID=2)");
	env_fails(&range, "auto/4",
	          "the Slurm array has 8 tasks but 4 shards were asked for");
	env_fails(&listed, "auto",
	          "the Slurm array is not a range MIN-MAX:STEP "
	          "(SLURM_ARRAY_TASK_COUNT=3 for 1-7:1); give I/N");
	env_fails(&id_only, "auto",
	          "auto: SLURM_ARRAY_TASK_ID gives the index but not the "
	          "number of shards; give auto/N or set RDPDOCTOR_SHARDS");
	env_fails(&below, "auto",
	          "SLURM_ARRAY_TASK_ID=0 is not in the array "
	          "(SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_STEP=1)");
	env_fails(&off_step, "auto",
	          "SLURM_ARRAY_TASK_ID=5 is not in the array "
	          "(SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_STEP=4)");
	env_fails(&above, "auto",
	          "SLURM_ARRAY_TASK_ID=9 is more than SLURM_ARRAY_TASK_MAX=8");
	env_fails(&step0, "auto", "SLURM_ARRAY_TASK_STEP is 0");
	env_fails(&inverted, "auto",
	          "SLURM_ARRAY_TASK_MAX is less than SLURM_ARRAY_TASK_MIN");
	env_fails(&count0, "auto", "the number of shards is 0");
	env_fails(&bad_min, "auto",
	          "SLURM_ARRAY_TASK_MIN='-1' is not a number");
}

static void
test_parallel_and_conflicts(void **state)
{
	struct env p1 = {{"PARALLEL_SEQ=1"}};
	struct env p3 = {{"PARALLEL_SEQ=3", "RDPDOCTOR_SHARDS=3"}};
	struct env p0 = {{"PARALLEL_SEQ=0"}};
	struct env p4 = {{"PARALLEL_SEQ=4"}};
	struct env both = {{"JOB_COMPLETION_INDEX=1", "SLURM_ARRAY_TASK_ID=1",
	                    "PARALLEL_SEQ=1"}};
	struct env slurm_parallel = {
	    {"SLURM_ARRAY_TASK_ID=1", "PARALLEL_SEQ=2"}};
	struct env none = {{"RDPDOCTOR_SHARDS=4"}};
	struct env empty_value = {{"JOB_COMPLETION_INDEX="}};

	(void)state;
	env_ok(&p1, "auto/3", 0, 3, "GNU parallel (PARALLEL_SEQ=1)");
	env_ok(&p3, "auto", 2, 3, "GNU parallel (PARALLEL_SEQ=3)");
	env_fails(&p0, "auto/3",
	          "PARALLEL_SEQ is 0 (GNU parallel counts from 1)");
	env_fails(&p4, "auto/3",
	          "PARALLEL_SEQ=4 gives shard 3, but there are only 3 shards "
	          "(numbered from 0)");
	env_fails(&both, "auto",
	          "auto: both JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID are "
	          "set; give I/N");
	env_fails(&slurm_parallel, "auto/2",
	          "auto: both SLURM_ARRAY_TASK_ID and PARALLEL_SEQ are set; "
	          "give I/N");
	env_fails(&none, "auto",
	          "auto: none of JOB_COMPLETION_INDEX (Kubernetes Indexed "
	          "Job), SLURM_ARRAY_TASK_ID (Slurm array), PARALLEL_SEQ (GNU "
	          "parallel) is set; give I/N");
	env_fails(&empty_value, "auto/2",
	          "JOB_COMPLETION_INDEX='' is not a number");
}

/* The process's own environment, through setenv and unsetenv. */
static void
test_real_environment(void **state)
{
	static const char *const vars[] = {
	    "JOB_COMPLETION_INDEX",  "SLURM_ARRAY_TASK_ID",
	    "SLURM_ARRAY_TASK_MIN",  "SLURM_ARRAY_TASK_MAX",
	    "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT",
	    "PARALLEL_SEQ",          "RDPDOCTOR_SHARDS",
	};
	struct rdd_shard s;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		assert_int_equal(unsetenv(vars[i]), 0);
	assert_int_equal(rdd_shard_parse("auto", &s, err, sizeof(err)), -1);
	assert_string_equal(err,
	                    "auto: none of JOB_COMPLETION_INDEX (Kubernetes "
	                    "Indexed Job), SLURM_ARRAY_TASK_ID (Slurm array), "
	                    "PARALLEL_SEQ (GNU parallel) is set; give I/N");

	setenv("JOB_COMPLETION_INDEX", "1", 1);
	setenv("RDPDOCTOR_SHARDS", "3", 1);
	assert_int_equal(rdd_shard_parse("auto", &s, err, sizeof(err)), 0);
	assert_int_equal(s.index, 1);
	assert_int_equal(s.count, 3);
	unsetenv("JOB_COMPLETION_INDEX");
	unsetenv("RDPDOCTOR_SHARDS");

	setenv("SLURM_ARRAY_TASK_ID", "12", 1);
	setenv("SLURM_ARRAY_TASK_MIN", "10", 1);
	setenv("SLURM_ARRAY_TASK_MAX", "13", 1);
	setenv("SLURM_ARRAY_TASK_STEP", "1", 1);
	setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
	assert_int_equal(rdd_shard_parse("auto", &s, err, sizeof(err)), 0);
	assert_int_equal(s.index, 2);
	assert_int_equal(s.count, 4);
	assert_string_equal(s.source, "Slurm array (SLURM_ARRAY_TASK_ID=12)");
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);

	setenv("PARALLEL_SEQ", "2", 1);
	assert_int_equal(rdd_shard_parse("auto/2", &s, err, sizeof(err)), 0);
	assert_int_equal(s.index, 1);
	assert_int_equal(s.count, 2);
	unsetenv("PARALLEL_SEQ");
}

static void
test_size_and_has(void **state)
{
	struct rdd_shard s = {0, 1, ""};
	size_t i;

	(void)state;
	assert_int_equal(rdd_shard_size(&s, 0), 0);
	assert_int_equal(rdd_shard_size(&s, 10), 10);
	s.count = 4;
	for (s.index = 0; s.index < 4; s.index++) {
		size_t n = 0;

		for (i = 0; i < 10; i++)
			n += rdd_shard_has(&s, i);
		assert_int_equal(rdd_shard_size(&s, 10), n);
		assert_int_equal(n, s.index < 2 ? 3 : 2);
	}
	/* More shards than targets: the last ones are empty. */
	s.count = 5;
	s.index = 4;
	assert_int_equal(rdd_shard_size(&s, 3), 0);
	s.index = 2;
	assert_int_equal(rdd_shard_size(&s, 3), 1);
}

/* ---- The property. ---- */

static uint32_t
rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*s >> 33);
}

/* A list from the specs SPECS[0..N), minus the exclude EX (or none). */
static struct rdd_targets *
build(char specs[][64], int n, const char *ex_spec)
{
	struct rdd_targets *l = rdd_targets_new(3389);
	char err[RDD_TARGETS_ERR_MAX];
	int i;

	assert_non_null(l);
	for (i = 0; i < n; i++)
		assert_true(rdd_targets_add(l, specs[i], err, sizeof(err)) >=
		            0);
	if (ex_spec != NULL) {
		struct rdd_excludes *ex = rdd_excludes_new();

		assert_int_equal(
		    rdd_excludes_add(ex, ex_spec, err, sizeof(err)), 0);
		assert_true(rdd_targets_exclude(l, ex) >= 0);
		rdd_excludes_free(ex);
	}
	return l;
}

static void
test_partition(void **state)
{
	uint64_t seed = 0x5a4d2024u;
	int round;

	(void)state;
	for (round = 0; round < 40; round++) {
		char specs[8][64], hp[RDD_TARGET_HOSTPORT_MAX];
		char hp2[RDD_TARGET_HOSTPORT_MAX];
		int nspecs = 1 + (int)(rnd(&seed) % 8), i;
		uint32_t n;
		struct rdd_targets *whole;
		const char *ex = round % 3 == 0 ? "10.0.1.0/25" : NULL;
		size_t total;

		for (i = 0; i < nspecs; i++) {
			uint32_t a = rnd(&seed) % 1024, len = rnd(&seed) % 200;
			uint32_t b = a + len > 1023 ? 1023 : a + len;

			if (rnd(&seed) % 4 == 0)
				snprintf(specs[i], sizeof(specs[i]),
				         "h%u.example:%u", a % 50,
				         3389 + len % 2);
			else
				snprintf(specs[i], sizeof(specs[i]),
				         "10.0.%u.%u-10.0.%u.%u", a / 256,
				         a % 256, b / 256, b % 256);
		}
		whole = build(specs, nspecs, ex);
		total = rdd_targets_count(whole);
		for (n = 1; n <= 17; n++) {
			int *owner = calloc(total ? total : 1, sizeof(*owner));
			size_t biggest = 0, smallest = (size_t)-1;
			struct rdd_shard s;

			assert_non_null(owner);
			s.count = n;
			for (s.index = 0; s.index < n; s.index++) {
				struct rdd_targets *part, *again;
				size_t k, j = 0, size;

				part = build(specs, nspecs, ex);
				again = build(specs, nspecs, ex);
				rdd_targets_shard(part, &s);
				rdd_targets_shard(again, &s);
				size = rdd_targets_count(part);
				assert_int_equal(size,
				                 rdd_shard_size(&s, total));
				assert_int_equal(size,
				                 rdd_targets_count(again));
				biggest = size > biggest ? size : biggest;
				smallest = size < smallest ? size : smallest;
				for (k = 0; k < size; k++) {
					/* Find it in the whole list, after the
					 * previous one: list order is kept. */
					rdd_target_hostport(
					    part, rdd_targets_at(part, k), hp,
					    sizeof(hp));
					rdd_target_hostport(
					    again, rdd_targets_at(again, k),
					    hp2, sizeof(hp2));
					assert_string_equal(hp, hp2);
					for (; j < total; j++) {
						char w[RDD_TARGET_HOSTPORT_MAX];

						rdd_target_hostport(
						    whole,
						    rdd_targets_at(whole, j), w,
						    sizeof(w));
						if (strcmp(w, hp) == 0)
							break;
					}
					assert_true(j < total);
					assert_int_equal(j % n, s.index);
					assert_int_equal(owner[j], 0);
					owner[j] = (int)s.index + 1;
					j++;
				}
				rdd_targets_free(part);
				rdd_targets_free(again);
			}
			for (i = 0; i < (int)total; i++)
				assert_int_not_equal(owner[i], 0);
			assert_true(biggest - smallest <= 1 || total == 0);
			free(owner);
		}
		rdd_targets_free(whole);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_explicit),
	    cmocka_unit_test(test_kubernetes),
	    cmocka_unit_test(test_slurm),
	    cmocka_unit_test(test_parallel_and_conflicts),
	    cmocka_unit_test(test_real_environment),
	    cmocka_unit_test(test_size_and_has),
	    cmocka_unit_test(test_partition),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
