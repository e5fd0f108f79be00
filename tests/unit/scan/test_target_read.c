/*
 * test_target_read.c - lib/scan/target_read.c: files of specs with
 * comments, blank lines, CRLF, several specs a line, a byte-order mark;
 * bad specs reported with their line numbers and skipped; over-long
 * lines, NUL bytes, the fatal cases (the list full, a read error), and
 * exclude files.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "scan/targets.h"

/* The errors reported, one "NAME:LINE: MESSAGE\n" each. */
struct errors {
	char text[2048];
	size_t len;
	int n;
};

static void
on_error(void *ctx, const char *name, unsigned long line, const char *msg)
{
	struct errors *e = ctx;

	e->len += (size_t)snprintf(e->text + e->len, sizeof(e->text) - e->len,
	                           "%s:%lu: %s\n", name, line, msg);
	assert_true(e->len < sizeof(e->text));
	e->n++;
}

static int
read_text(struct rdd_targets *l, const char *text, size_t len, struct errors *e,
          struct rdd_targets_read_stats *st)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int r;

	assert_non_null(f);
	memset(e, 0, sizeof(*e));
	r = rdd_targets_read(l, f, "list.txt", on_error, e, st);
	fclose(f);
	return r;
}

static const char *
host(const struct rdd_targets *l, size_t i)
{
	static char buf[RDD_TARGET_HOSTPORT_MAX];

	return rdd_target_hostport(l, rdd_targets_at(l, i), buf, sizeof(buf));
}

static void
test_mixed_file(void **state)
{
	static const char text[] = "# inventory, exported 2024-05-01\n"
	                           "10.0.0.1\n"
	                           "\n"
	                           "   10.0.0.2   # the old gateway\n"
	                           "10.0.0.256\n"
	                           "host.example:3390\r\n"
	                           "10.0.0.3 10.0.0.4\t10.0.0.5\n"
	                           "bad..name 10.0.0.6\n"
	                           "\t \r\n"
	                           "10.0.0.0/15\n"
	                           "10.0.0.1\n"
	                           "last.example";
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_targets_read_stats st;
	struct errors e;

	(void)state;
	assert_int_equal(read_text(l, text, sizeof(text) - 1, &e, &st), 0);
	assert_string_equal(
	    e.text, "list.txt:5: '10.0.0.256': octet 256 is more than 255\n"
	            "list.txt:8: 'bad..name': empty label in the host name\n"
	            "list.txt:10: '10.0.0.0/15': 131072 addresses, more than "
	            "the limit of 65536 per target (an IPv4 /16, an IPv6 "
	            "/112)\n");
	assert_int_equal(st.lines, 12);
	assert_int_equal(st.specs, 12);
	assert_int_equal(st.bad, 3);
	assert_int_equal(st.added, 8);
	assert_int_equal(rdd_targets_count(l), 8);
	assert_string_equal(host(l, 0), "10.0.0.1:3389");
	assert_string_equal(host(l, 1), "10.0.0.2:3389");
	assert_string_equal(host(l, 2), "host.example:3390");
	assert_string_equal(host(l, 5), "10.0.0.5:3389");
	assert_string_equal(host(l, 6), "10.0.0.6:3389");
	assert_string_equal(host(l, 7), "last.example:3389");
	assert_string_equal(rdd_target_given(l, rdd_targets_at(l, 2)),
	                    "host.example:3390");
	rdd_targets_free(l);
}

static void
test_all_bad(void **state)
{
	static const char text[] = "nope..\n# nothing else\n10.1.2.3.4\n";
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_targets_read_stats st;
	struct errors e;

	(void)state;
	/* Not fatal here: the caller decides, from specs == bad. */
	assert_int_equal(read_text(l, text, sizeof(text) - 1, &e, &st), 0);
	assert_int_equal(e.n, 2);
	assert_int_equal(st.specs, 2);
	assert_int_equal(st.bad, 2);
	assert_int_equal(st.added, 0);
	assert_int_equal(st.lines, 3);
	rdd_targets_free(l);
}

static void
test_empty_and_comments(void **state)
{
	static const char comments[] = "#\n  # x\n\n\r\n";
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_targets_read_stats st;
	struct errors e;

	(void)state;
	assert_int_equal(read_text(l, "", 0, &e, &st), 0);
	assert_int_equal(st.lines, 0);
	assert_int_equal(st.specs, 0);
	assert_int_equal(read_text(l, comments, sizeof(comments) - 1, &e, &st),
	                 0);
	assert_int_equal(st.lines, 4);
	assert_int_equal(st.specs, 0);
	assert_int_equal(e.n, 0);
	/* '#' right after a spec ends it. */
	assert_int_equal(read_text(l, "10.0.0.1#x", 10, &e, &st), 0);
	assert_int_equal(st.added, 1);
	rdd_targets_free(l);
}

static void
test_bom(void **state)
{
	static const char text[] = "\xef\xbb\xbf"
	                           "10.0.0.1\n"
	                           "\xef\xbb\xbf"
	                           "10.0.0.2\n";
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_targets_read_stats st;
	struct errors e;

	(void)state;
	assert_int_equal(read_text(l, text, sizeof(text) - 1, &e, &st), 0);
	assert_int_equal(st.added, 1);
	/* Only the file's first bytes are a byte-order mark. */
	assert_string_equal(e.text,
	                    "list.txt:2: '\\xef\\xbb\\xbf10.0.0.2': the last "
	                    "label of a host name cannot be all digits\n");
	rdd_targets_free(l);
}

static void
test_long_lines(void **state)
{
	static char text[20000];
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_targets_read_stats st;
	struct errors e;
	size_t n = 0;

	(void)state;
	/* Line 1: 5000 bytes. Line 2: 4096 bytes exactly, ending in a
	 * spec. Line 3: a long comment. Line 4: 4097 bytes, no newline. */
	memset(text, 'a', 5000);
	n = 5000;
	text[n++] = '\n';
	memset(text + n, ' ', 4096 - 8);
	n += 4096 - 8;
	memcpy(text + n, "10.0.0.9\n", 9);
	n += 9;
	memcpy(text + n, "10.0.0.7 #", 10);
	n += 10;
	memset(text + n, '#', 5000);
	n += 5000;
	text[n++] = '\n';
	memset(text + n, ' ', 4097 - 8);
	n += 4097 - 8;
	memcpy(text + n, "10.0.0.8", 8);
	n += 8;
	assert_int_equal(read_text(l, text, n, &e, &st), 0);
	assert_string_equal(e.text,
	                    "list.txt:1: line longer than 4096 bytes\n"
	                    "list.txt:4: line longer than 4096 bytes\n");
	assert_int_equal(st.lines, 4);
	assert_int_equal(st.bad, 2);
	assert_int_equal(st.specs, 4);
	assert_int_equal(rdd_targets_count(l), 2);
	assert_string_equal(host(l, 0), "10.0.0.9:3389");
	assert_string_equal(host(l, 1), "10.0.0.7:3389");
	rdd_targets_free(l);
}

static void
test_nul_and_controls(void **state)
{
	static const char text[] = "10.0.0.1\0x\n10.0.0.2\x1b\n10.0.0.3\n";
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_targets_read_stats st;
	struct errors e;

	(void)state;
	assert_int_equal(read_text(l, text, sizeof(text) - 1, &e, &st), 0);
	assert_string_equal(
	    e.text, "list.txt:1: '10.0.0.1\\x00x': a control character\n"
	            "list.txt:2: '10.0.0.2\\x1b': a control character\n");
	assert_int_equal(rdd_targets_count(l), 1);
	rdd_targets_free(l);
}

static void
test_full_is_fatal(void **state)
{
	static const char text[] = "10.0.0.1\n10.0.0.2 10.0.0.1\n10.0.0.3\n"
	                           "10.0.0.4\n";
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_targets_read_stats st;
	struct errors e;

	(void)state;
	assert_int_equal(rdd_targets_set_limits(l, 0, 2), 0);
	assert_int_equal(read_text(l, text, sizeof(text) - 1, &e, &st), -1);
	assert_string_equal(e.text, "list.txt:3: '10.0.0.3': the list would "
	                            "hold more than 2 targets (the limit); "
	                            "split the scan\n");
	assert_int_equal(st.lines, 3);
	assert_int_equal(st.added, 2);
	assert_int_equal(st.bad, 0);
	rdd_targets_free(l);
}

static void
test_read_error(void **state)
{
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_targets_read_stats st;
	struct errors e;
	FILE *f = fopen("/dev/null", "w");

	(void)state;
	assert_non_null(f);
	memset(&e, 0, sizeof(e));
	assert_int_equal(rdd_targets_read(l, f, "out", on_error, &e, &st), -1);
	assert_string_equal(e.text, "out:1: read error: Bad file descriptor\n");
	fclose(f);
	rdd_targets_free(l);
}

/* No callback and no stats: still read, errors dropped. */
static void
test_no_callback(void **state)
{
	static const char text[] = "x..y\n10.0.0.1\n";
	struct rdd_targets *l = rdd_targets_new(3389);
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(rdd_targets_read(l, f, "x", NULL, NULL, NULL), 0);
	assert_int_equal(rdd_targets_count(l), 1);
	fclose(f);
	rdd_targets_free(l);
}

static void
test_exclude_file(void **state)
{
	static const char text[] = "# do not touch\n"
	                           "10.0.0.0/30 10.0.0.9:3390\n"
	                           "10.0.0.300\n"
	                           "Printer.Example\n";
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_excludes *ex = rdd_excludes_new();
	struct rdd_targets_read_stats st;
	struct errors e;
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	char err[RDD_TARGETS_ERR_MAX];

	(void)state;
	assert_non_null(f);
	memset(&e, 0, sizeof(e));
	assert_int_equal(
	    rdd_excludes_read(ex, f, "skip.txt", on_error, &e, &st), 0);
	fclose(f);
	assert_string_equal(e.text, "skip.txt:3: '10.0.0.300': octet 300 is "
	                            "more than 255\n");
	assert_int_equal(st.specs, 4);
	assert_int_equal(st.bad, 1);
	assert_int_equal(st.added, 3);
	assert_int_equal(rdd_excludes_count(ex), 3);
	assert_true(rdd_targets_add(l, "10.0.0.0/28", err, sizeof(err)) == 16);
	assert_true(rdd_targets_add(l, "10.0.0.9:3390", err, sizeof(err)) == 1);
	assert_true(rdd_targets_add(l, "printer.example", err, sizeof(err)) ==
	            1);
	assert_int_equal(rdd_targets_exclude(l, ex), 6);
	assert_int_equal(rdd_targets_count(l), 12);
	assert_string_equal(host(l, 0), "10.0.0.4:3389");
	rdd_excludes_free(ex);
	rdd_targets_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mixed_file),
	    cmocka_unit_test(test_all_bad),
	    cmocka_unit_test(test_empty_and_comments),
	    cmocka_unit_test(test_bom),
	    cmocka_unit_test(test_long_lines),
	    cmocka_unit_test(test_nul_and_controls),
	    cmocka_unit_test(test_full_is_fatal),
	    cmocka_unit_test(test_read_error),
	    cmocka_unit_test(test_no_callback),
	    cmocka_unit_test(test_exclude_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
