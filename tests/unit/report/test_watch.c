/*
 * test_watch.c - the record of `rdpdoctor watch` (watch.c): rounds made
 * from documents with known times, phase times and findings; the live
 * line's + and -, the summary's percentiles (nearest rank, as the path
 * samples), verdict counts and failure rate, each finding's spells (when
 * it came and went), the bound on what is kept (the last 20000 rounds'
 * times, a finding's first and last five spells), and what is refused.
 * Times are printed in local time: the test runs in UTC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "rdpdoctor/report.h"

#define T0 INT64_C(1796547300) /* 2026-12-06 08:55:00 UTC */

/* A small check document: checked_at T, tcp (status ST, MS) and
 * activation, the verdict, the findings IDS (severity warning, phase
 * network; "cert-self-signed" in phase tls). */
static json_t *
doc_at(int64_t t, const char *st, double ms, const char *verdict,
       const char *const *ids, size_t n)
{
	char when[32];
	time_t tt = (time_t)t;
	struct tm tm;
	json_t *f = json_array();
	size_t i;

	gmtime_r(&tt, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (i = 0; i < n; i++)
		json_array_append_new(
		    f, json_pack("{s:s,s:s,s:s}", "id", ids[i], "severity",
		                 "warning", "phase",
		                 strcmp(ids[i], "cert-self-signed") == 0
		                     ? "tls"
		                     : "network"));
	return json_pack(
	    "{s:s,s:f,s:{s:s,s:i},s:[{s:s,s:s,s:f,s:f},{s:s,s:s,s:f,s:f},"
	    "{s:s,s:s,s:f,s:f}],s:o,s:{s:s}}",
	    "checked_at", when, "total_ms", ms + 10, "target", "host",
	    "rdp.example.com", "port", 3389, "phases", "phase", "tcp", "status",
	    st, "start_ms", 0.5, "ms", ms, "phase", "activation", "status",
	    "ok", "start_ms", 5.0, "ms", 2.0, "phase", "licensing", "status",
	    "skipped", "start_ms", 0.0, "ms", 0.0, "findings", f, "verdict",
	    "status", verdict);
}

static char *
summary(const struct rdd_watch *w)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rdd_watch_summary(f, w), 0);
	fclose(f);
	return buf;
}

static char *
line(const struct rdd_watch *w)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rdd_watch_line(f, w), 0);
	fclose(f);
	return buf;
}

static void
expect_in(const char *text, const char *want)
{
	if (strstr(text, want) == NULL)
		fail_msg("\"%s\" not in:\n%s", want, text);
}

/* Ten rounds 30 s apart: tcp 1..10 ms, net-high-latency in rounds 4-6
 * and 9, cert-self-signed in all, round 5 critical with tcp timing out. */
static void
test_ten_rounds(void **state)
{
	static const char *const both[] = {"cert-self-signed",
	                                   "net-high-latency"};
	struct rdd_watch *w = rdd_watch_new(30);
	char *s;
	int r;

	(void)state;
	assert_non_null(w);
	for (r = 1; r <= 10; r++) {
		bool lat = (r >= 4 && r <= 6) || r == 9;
		json_t *doc =
		    doc_at(T0 + 30 * (r - 1), r == 5 ? "timeout" : "ok", r,
		           r == 5 ? "critical" : "warning", both, lat ? 2 : 1);
		char *l;

		assert_int_equal(rdd_watch_add(w, doc), 0);
		json_decref(doc);
		l = line(w);
		if (r == 1) {
			assert_string_equal(
			    l, "08:55:00 #1 warning  tcp=1.0 activation=2.0 "
			       "total=11.0ms +cert-self-signed\n");
		}
		if (r == 4)
			expect_in(l,
			          "08:56:30 #4 warning  tcp=4.0 activation=2.0 "
			          "total=14.0ms +net-high-latency\n");
		if (r == 5)
			expect_in(l, "#5 critical tcp=5.0(failed) ");
		if (r == 6)
			expect_in(l,
			          "total=16.0ms\n"); /* nothing came or went */
		if (r == 7)
			expect_in(l, "total=17.0ms -net-high-latency\n");
		free(l);
	}
	assert_int_equal(rdd_watch_rounds(w), 10);
	s = summary(w);
	expect_in(s, "watch of rdp.example.com:3389: 10 rounds from "
	             "2026-12-06 08:55:00 +0000 to 08:59:30, every 30 s\n");
	expect_in(s, "verdicts: ok 0, warning 9, critical 1, unknown 0; "
	             "failed 1 of 10 rounds (10.0%)\n");
	/* tcp 1..10: median 5.5, p95 by nearest rank the 10th. */
	expect_in(s, "  tcp             10      1       1.0       5.5      "
	             "10.0      10.0\n");
	expect_in(s, "  activation      10      0       2.0       2.0       "
	             "2.0       2.0\n");
	expect_in(s, "  total           10      0      11.0      15.5      "
	             "20.0      20.0\n");
	/* Skipped phases have no row. */
	assert_null(strstr(s, "licensing"));
	expect_in(s, "findings that came and went:\n"
	             "  net-high-latency (warning, network): 4 of 10 rounds "
	             "in 2 spells, between 08:56:30 and 08:59:00\n"
	             "      came 08:56:30, went 08:58:00 (3 rounds)\n"
	             "      came 08:59:00, went 08:59:30 (1 round)\n");
	expect_in(s, "findings in every round: cert-self-signed\n");
	free(s);
	rdd_watch_free(w);
}

/* A finding in one spell until the end. */
static void
test_still_there(void **state)
{
	static const char *const id[] = {"net-packet-loss"};
	struct rdd_watch *w = rdd_watch_new(0);
	char *s;
	int r;

	(void)state;
	for (r = 1; r <= 4; r++) {
		json_t *doc = doc_at(T0 + r, "ok", 1, "ok", id, r >= 3);

		assert_int_equal(rdd_watch_add(w, doc), 0);
		json_decref(doc);
	}
	s = summary(w);
	expect_in(s,
	          "  net-packet-loss (warning, network): 2 of 4 rounds, "
	          "all between 08:55:03 and 08:55:04\n"
	          "      came 08:55:03, still there at the end (2 rounds)\n");
	assert_null(strstr(s, "every "));
	free(s);
	rdd_watch_free(w);
}

/* A finding that flaps 15 times: the first spell and the last five. */
static void
test_many_spells(void **state)
{
	static const char *const id[] = {"net-jitter"};
	struct rdd_watch *w = rdd_watch_new(1);
	char *s;
	int r;

	(void)state;
	for (r = 1; r <= 30; r++) {
		json_t *doc = doc_at(T0 + r, "ok", 1, "ok", id, r % 2);

		assert_int_equal(rdd_watch_add(w, doc), 0);
		json_decref(doc);
	}
	s = summary(w);
	expect_in(s, "  net-jitter (warning, network): 15 of 30 rounds in 15 "
	             "spells, between 08:55:01 and 08:55:29\n"
	             "      came 08:55:01, went 08:55:02 (1 round)\n"
	             "      ... 9 more spells ...\n"
	             "      came 08:55:21, went 08:55:22 (1 round)\n"
	             "      came 08:55:23, went 08:55:24 (1 round)\n"
	             "      came 08:55:25, went 08:55:26 (1 round)\n"
	             "      came 08:55:27, went 08:55:28 (1 round)\n"
	             "      came 08:55:29, went 08:55:30 (1 round)\n");
	free(s);
	rdd_watch_free(w);
}

/* Times are kept for the last 20000 rounds; counts for all. */
static void
test_window(void **state)
{
	struct rdd_watch *w = rdd_watch_new(1);
	json_t *doc = doc_at(T0, "ok", 1000, "ok", NULL, 0);
	json_t *tcp = json_array_get(json_object_get(doc, "phases"), 0);
	char *s;
	int r;

	(void)state;
	for (r = 1; r <= 20005; r++) {
		/* The first five are slow, and fall out of the window. */
		json_object_set_new(tcp, "ms", json_real(r <= 5 ? 1000 : 1));
		assert_int_equal(rdd_watch_add(w, doc), 0);
	}
	assert_int_equal(rdd_watch_rounds(w), 20005);
	s = summary(w);
	expect_in(s, "20005 rounds");
	expect_in(s, "failed 0 of 20005 rounds (0.0%)");
	expect_in(s, "times over the last 20000 rounds\n");
	expect_in(s, "  tcp          20000      0       1.0       1.0       "
	             "1.0       1.0\n");
	free(s);
	json_decref(doc);
	rdd_watch_free(w);
}

static void
test_refused(void **state)
{
	struct rdd_watch *w = rdd_watch_new(1);
	json_t *doc = json_pack("{s:[]}", "phases");
	char *s;

	(void)state;
	assert_int_equal(rdd_watch_add(w, doc), -1);
	assert_int_equal(rdd_watch_add(w, NULL), -1);
	assert_int_equal(rdd_watch_rounds(w), 0);
	s = summary(w);
	assert_string_equal(s, "watch: no round completed\n");
	free(s);
	{
		FILE *f = fopen("/dev/null", "w");

		assert_int_equal(rdd_watch_line(f, w), -1); /* no round */
		fclose(f);
	}
	json_decref(doc);
	/* Names missing (found by fuzz_html): taken, not read. */
	doc = json_pack("{s:[{s:s,s:f}],s:[{s:s}],s:{}}", "phases", "status",
	                "ok", "ms", 1.0, "findings", "id", "tcp-refused",
	                "verdict");
	assert_int_equal(rdd_watch_add(w, doc), 0);
	assert_int_equal(rdd_watch_add(w, doc), 0);
	s = summary(w);
	expect_in(s, "findings in every round: tcp-refused\n");
	free(s);
	json_decref(doc);
	rdd_watch_free(w);
	rdd_watch_free(NULL);
}

/* A real document: the phases and findings of the lab's xrdp. */
static void
test_real_document(void **state)
{
	char path[512];
	json_t *doc;
	struct rdd_watch *w = rdd_watch_new(30);
	char *l;

	(void)state;
	snprintf(path, sizeof(path), "%s/license-error.json", RDD_DOCS_DIR);
	doc = json_load_file(path, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(rdd_watch_add(w, doc), 0);
	l = line(w);
	expect_in(l, " #1 critical resolve=3.9 tcp=0.4 x224=11.6 tls=3.0 "
	             "mcs=14.5 licensing=46.5(failed) udp=0.2(failed) "
	             "network=200.4 total=214.7ms ");
	expect_in(l, " +licensing-no-license-server");
	free(l);
	json_decref(doc);
	rdd_watch_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ten_rounds),
	    cmocka_unit_test(test_still_there),
	    cmocka_unit_test(test_many_spells),
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_real_document),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
