/*
 * test_html_fleet.c - the pages of many hosts (html_scan.c, html_pcap.c):
 * a scan's fleet page from real lab documents and the synthetic ones
 * (fixtures.c) made into scan lines, checked against counts this test
 * makes itself from the documents (ok, warning, critical, unreachable,
 * unknown; by failing phase; by finding; by policy rule), one table row
 * and one section per host, the same page whatever the order of the
 * documents, exactly one script whose SHA-256 is the one the page's
 * Content-Security-Policy allows, and no other when every string is
 * hostile; a capture's page from pcap's JSON of two shared captures
 * (docs/pcap-*.json), checked for its summary line, a row, section,
 * waterfall and frame table per connection, and the counts by status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "rdpdoctor/report.h"
#include "scan/drift.h"

#include "fixtures.h"
#include "html_common.h"

#define N_FIX 5
#define N_DOCS (N_REAL + N_FIX)

/* ---- helpers ------------------------------------------------------------ */

/* The scan lines: the real documents and the fixtures, each with the
 * "target_given" scan adds. */
static void
scan_docs(json_t **docs)
{
	void (*const fixtures[N_FIX])(struct rdd_observation *,
	                              struct rdd_diagnosis *) = {
	    fixture_healthy, fixture_refused, fixture_expired, fixture_hostile,
	    fixture_rdp_security};
	size_t i;

	for (i = 0; i < N_REAL; i++)
		docs[i] = load_doc(html_real_docs[i]);
	for (i = 0; i < N_FIX; i++)
		docs[N_REAL + i] = fixture_doc(fixtures[i]);
	for (i = 0; i < N_DOCS; i++) {
		json_t *host =
		    json_object_get(json_object_get(docs[i], "target"), "host");

		json_object_set_new(docs[i], "target_given",
		                    json_string(json_is_string(host)
		                                    ? json_string_value(host)
		                                    : "?"));
	}
}

static void
free_docs(json_t **docs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(docs[i]);
}

static json_t *
drift_of(json_t *const *docs, size_t n)
{
	struct rdd_drift *d = rdd_drift_new();
	json_t *j;

	assert_non_null(d);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rdd_drift_add(d, docs[i]), 0);
	j = rdd_drift_json(d);
	assert_non_null(j);
	rdd_drift_free(d);
	return j;
}

static char *
render_scan(json_t *const *docs, size_t n, const json_t *drift)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(
	    rdd_report_html_scan(f, (const void *const *)docs, n, drift), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static char *
render_pcap(const json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rdd_report_html_pcap(f, doc), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	return buf;
}

static void
expect(const char *page, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strstr(page, buf) == NULL)
		fail_msg("the page lacks %s", buf);
}

/* ---- the test's own counts --------------------------------------------- */

static const char *
str_at(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

/* "ok", "warning", "critical", "unreachable" (no TCP connection made:
 * the tcp phase not ok and no attempt's tcp ok) or "unknown". */
static const char *
kind(const json_t *doc)
{
	json_t *e;
	size_t i;
	bool reached = false;
	const char *st = str_at(json_object_get(doc, "verdict"), "status");

	json_array_foreach(json_object_get(doc, "phases"), i,
	                   e) if (is(str_at(e, "phase"), "tcp") &&
	                          is(str_at(e, "status"), "ok")) reached = true;
	json_array_foreach(
	    json_object_get(json_object_get(doc, "negotiation"), "attempts"), i,
	    e) if (is(str_at(e, "tcp"), "ok")) reached = true;
	if (!reached)
		return "unreachable";
	if (is(st, "ok") || is(st, "warning") || is(st, "critical"))
		return st;
	return "unknown";
}

static bool
has_finding(const json_t *doc, const char *id)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(doc, "findings"), i,
	                   f) if (is(str_at(f, "id"), id)) return true;
	return false;
}

/* ---- the scan page ------------------------------------------------------ */

static void
test_scan_counts(void **state)
{
	static const char *const kinds[] = {"ok", "warning", "critical",
	                                    "unreachable", "unknown"};
	json_t *docs[N_DOCS], *drift, *f;
	char *page, row[96];
	size_t i, j, k, n;

	(void)state;
	scan_docs(docs);
	drift = drift_of(docs, N_DOCS);
	page = render_scan(docs, N_DOCS, drift);
	check_structure(page, true);
	expect(page, "<h1>RDP scan of %zu hosts</h1>", (size_t)N_DOCS);
	expect(page, "data-kind=\"hosts\" data-count=\"%zu\"", (size_t)N_DOCS);
	for (k = 0; k < 5; k++) {
		for (n = 0, i = 0; i < N_DOCS; i++)
			n += strcmp(kind(docs[i]), kinds[k]) == 0;
		expect(page, "data-kind=\"%s\" data-count=\"%zu\"", kinds[k],
		       n);
		/* The host rows say the same. */
		snprintf(row, sizeof(row),
		         "\" data-kind=\"%s\" data-host=", kinds[k]);
		assert_int_equal(count(page, row), n);
	}
	/* The fixtures have an unreachable host and a critical one. */
	assert_non_null(
	    strstr(page, "data-kind=\"unreachable\" data-count=\"1\""));
	/* One row and one section per host, in the first order. */
	assert_int_equal(count(page, "<tr data-i=\""), N_DOCS);
	for (i = 1; i <= N_DOCS; i++) {
		expect(page, "<section class=\"host\" id=\"h%zu-host\"", i);
		expect(page, "<a href=\"#h%zu-host\">", i);
	}
	/* Worst first: the first row is critical or unreachable, the last
	 * ok or warning. */
	{
		const char *first = strstr(page, "<tr data-i=\"0\"");
		char last[64];

		assert_non_null(first);
		assert_true(
		    strncmp(first + 14, " data-kind=\"critical\"", 21) == 0);
		snprintf(last, sizeof(last), "<tr data-i=\"%zu\" data-kind=\"",
		         (size_t)N_DOCS - 1);
		assert_non_null(strstr(page, last));
		assert_true(
		    strncmp(strstr(page, last) + strlen(last), "ok", 2) == 0 ||
		    strncmp(strstr(page, last) + strlen(last), "warning", 7) ==
		        0);
	}
	/* By finding: each id once, with the hosts that have it. */
	for (i = 0; i < N_DOCS; i++) {
		json_array_foreach(json_object_get(docs[i], "findings"), j, f)
		{
			const char *id = str_at(f, "id");
			char esc[512];

			for (n = 0, k = 0; k < N_DOCS; k++)
				n += has_finding(docs[k], id);
			rdd_escape_html(esc, sizeof(esc), id);
			expect(page,
			       "<tr data-finding=\"%s\" data-count=\"%zu\">",
			       esc, n);
		}
	}
	/* Critical findings first. */
	{
		const char *fr = strstr(page, "<tr data-finding=\"");
		const char *end = fr != NULL ? strstr(fr, "</tr>") : NULL;
		const char *crit =
		    fr != NULL ? strstr(fr, "badge critical") : NULL;

		assert_non_null(end);
		assert_true(crit != NULL && crit < end);
	}
	/* By failing phase. */
	for (i = 0; i < N_DOCS; i++) {
		const char *ph =
		    str_at(json_object_get(docs[i], "verdict"), "failed_phase");

		if (ph == NULL)
			continue;
		for (n = 0, k = 0; k < N_DOCS; k++)
			n += is(str_at(json_object_get(docs[k], "verdict"),
			               "failed_phase"),
			        ph);
		expect(page, "<tr data-phase=\"%s\" data-count=\"%zu\">", ph,
		       n);
	}
	/* The drift: a row per field that differs. */
	assert_non_null(strstr(page, "<h2 id=\"drift\">"));
	assert_int_equal(count(page, "<tr data-field=\""),
	                 json_array_size(json_object_get(drift, "fields")));
	assert_true(json_array_size(json_object_get(drift, "fields")) > 0);
	/* Host sections without the tree of every field; a capture's
	 * connections keep it. */
	assert_int_equal(count(page, "<details class=\"raw\""), 0);
	/* No policy in these documents: no section, no column. */
	assert_null(strstr(page, "id=\"policy\""));
	assert_null(strstr(page, ">policy</button>"));
	free(page);
	/* No drift given: no section. */
	page = render_scan(docs, N_DOCS, NULL);
	assert_null(strstr(page, "id=\"drift\""));
	free(page);
	json_decref(drift);
	free_docs(docs, N_DOCS);
}

/* The order scan wrote its lines in does not matter. */
static void
test_scan_order(void **state)
{
	json_t *docs[N_DOCS], *rev[N_DOCS];
	char *a, *b;
	size_t i;

	(void)state;
	scan_docs(docs);
	for (i = 0; i < N_DOCS; i++)
		rev[i] = docs[N_DOCS - 1 - i];
	a = render_scan(docs, N_DOCS, NULL);
	b = render_scan(rev, N_DOCS, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free_docs(docs, N_DOCS);
}

/* The page's one script is the one its policy names by hash. */
static void
test_scan_script(void **state)
{
	json_t *docs[N_DOCS];
	char *page, want[128];
	const char *s, *e;
	unsigned char md[32], b64[64];
	unsigned int mdlen = 0;

	(void)state;
	scan_docs(docs);
	page = render_scan(docs, N_DOCS, NULL);
	assert_int_equal(count(page, "<script"), 1);
	assert_int_equal(count(page, "</script>"), 1);
	s = strstr(page, "<script>");
	assert_non_null(s);
	s += strlen("<script>");
	e = strstr(s, "</script>");
	/* Nothing in it a parser could read as markup or an entity. */
	for (const char *c = s; c < e; c++)
		assert_true(*c != '<' && *c != '&');
	assert_int_equal(
	    EVP_Digest(s, (size_t)(e - s), md, &mdlen, EVP_sha256(), NULL), 1);
	EVP_EncodeBlock(b64, md, (int)mdlen);
	snprintf(want, sizeof(want), "script-src &#39;sha256-%s&#39;; base-uri",
	         (const char *)b64);
	assert_non_null(strstr(page, want));
	assert_non_null(strstr(page, "content=\"default-src 'none'; "));
	/* After the last section, before the footer. */
	assert_true(strstr(page, "<footer>") > e);
	free(page);
	free_docs(docs, N_DOCS);
}

static void
test_scan_hostile(void **state)
{
	json_t *docs[N_DOCS], *bad[N_DOCS], *drift;
	char *page;
	size_t i;

	(void)state;
	scan_docs(docs);
	for (i = 0; i < N_DOCS; i++)
		bad[i] = poison(docs[i], false);
	drift = drift_of(bad, N_DOCS);
	page = render_scan(bad, N_DOCS, drift);
	check_structure(page, true);
	assert_int_equal(count(page, "<script"), 1);
	assert_int_equal(count(page, "<img"), 0);
	assert_int_equal(count(page, "alert('x')"), 0);
	assert_true(count(page, "&lt;script&gt;alert(&#39;x&#39;)") > 100);
	/* Every verdict is now an unknown word: unknown, or unreachable. */
	assert_int_equal(count(page, "<tr data-i=\""), N_DOCS);
	free(page);
	json_decref(drift);
	free_docs(bad, N_DOCS);
	free_docs(docs, N_DOCS);
}

static void
test_scan_policy(void **state)
{
	json_t *docs[N_DOCS];
	char *page;
	size_t i, fails = 0;

	(void)state;
	scan_docs(docs);
	for (i = 0; i < N_DOCS; i++) {
		bool fail = i % 3 == 0;

		fails += fail;
		json_object_set_new(
		    docs[i], "policy",
		    json_pack("{s:s,s:s,s:[{s:s,s:s,s:s},{s:s,s:s,s:s}]}",
		              "name", "baseline", "status",
		              fail ? "fail" : "pass", "rules", "id", "tls-min",
		              "title", "TLS 1.2 <at least>", "status",
		              fail ? "fail" : "pass", "id", "nla", "title",
		              "NLA", "status", "pass"));
	}
	page = render_scan(docs, N_DOCS, NULL);
	check_structure(page, true);
	assert_non_null(strstr(page, "<h2 id=\"policy\">Policy baseline</h2>"));
	expect(page, "data-policy=\"fail\" data-count=\"%zu\"", fails);
	expect(page, "data-policy=\"pass\" data-count=\"%zu\"",
	       (size_t)N_DOCS - fails);
	expect(page, "<tr data-rule=\"tls-min\" data-count=\"%zu\">", fails);
	assert_null(strstr(page, "data-rule=\"nla\""));
	assert_non_null(strstr(page, "TLS 1.2 &lt;at least&gt;"));
	assert_non_null(strstr(page, ">policy</button>"));
	free(page);
	free_docs(docs, N_DOCS);
}

/* Broken documents: still a whole page; not check documents: none. */
static void
test_scan_broken(void **state)
{
	json_t *docs[3];
	char *page, *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	docs[0] = json_pack("{s:[],s:{}}", "phases", "verdict");
	docs[1] = json_pack("{s:[i],s:{s:i},s:i,s:[i],s:{s:[i]}}", "phases", 1,
	                    "verdict", "status", 3, "target", 4, "findings", 5,
	                    "policy", "rules", 6);
	docs[2] = json_pack("{s:[{s:s}],s:{s:s},s:{s:s,s:s}}", "phases",
	                    "phase", "tcp", "verdict", "failed_phase", "tcp",
	                    "policy", "status", "fail", "name", "x");
	page = render_scan(docs, 3, NULL);
	check_structure(page, true);
	assert_int_equal(count(page, "<tr data-i=\""), 3);
	assert_non_null(
	    strstr(page, "data-kind=\"unreachable\" data-count=\"3\""));
	free(page);
	page = render_scan(docs, 0, NULL);
	check_structure(page, true);
	assert_non_null(strstr(page, "data-kind=\"hosts\" data-count=\"0\""));
	free(page);
	json_decref(docs[2]);
	docs[2] = json_pack("{s:[]}", "phases");
	f = open_memstream(&buf, &len);
	assert_int_equal(
	    rdd_report_html_scan(f, (const void *const *)docs, 3, NULL), -1);
	fclose(f);
	assert_int_equal(len, 0);
	free(buf);
	free_docs(docs, 3);
}

/* ---- the capture page --------------------------------------------------- */

static void
test_pcap_pages(void **state)
{
	static const char *const names[] = {"pcap-fallback.json",
	                                    "pcap-udp-fail.json"};
	size_t i, j;

	(void)state;
	for (i = 0; i < 2; i++) {
		json_t *doc = load_doc(names[i]), *c, *bs, *v;
		json_t *conns = json_object_get(doc, "connections");
		json_t *sum = json_object_get(doc, "summary");
		const char *key;
		char *page = render_pcap(doc);
		char esc[1024];

		check_structure(page, true);
		assert_int_equal(count(page, "<script"), 0);
		rdd_escape_html(esc, sizeof(esc), str_at(sum, "line"));
		expect(page, "id=\"summary-line\"><b>%s</b>", esc);
		assert_true(json_array_size(conns) > 0);
		assert_int_equal(count(page, "<tr data-index=\""),
		                 json_array_size(conns));
		assert_int_equal(count(page, "<section class=\"conn\""),
		                 json_array_size(conns));
		assert_int_equal(count(page, "<svg class=\"waterfall\""),
		                 json_array_size(conns));
		assert_int_equal(count(page, "<details class=\"raw\""),
		                 json_array_size(conns));
		json_array_foreach(conns, j, c)
		{
			json_t *cap = json_object_get(c, "capture");
			const char *tbl = NULL;
			char id[64];

			expect(page, "<section class=\"conn\" id=\"c%zu-conn\"",
			       j + 1);
			expect(page, "<section class=\"host\" id=\"c%zu-host\"",
			       j + 1);
			expect(page, "<a href=\"#c%zu-conn\">", j + 1);
			rdd_escape_html(esc, sizeof(esc),
			                str_at(cap, "status_words"));
			expect(page, "%s</span></h2>", esc);
			/* A frame row per evidence entry. */
			snprintf(id, sizeof(id), "id=\"c%zu-evidence\"", j + 1);
			tbl = strstr(page, id);
			assert_non_null(tbl);
			{
				const char *end = strstr(tbl, "</table>");
				size_t rows = 0;

				for (const char *p = tbl;
				     (p = strstr(p, "<tr><td class=\"n\">")) !=
				         NULL &&
				     p < end;
				     p++)
					rows++;
				assert_int_equal(
				    rows, json_array_size(json_object_get(
				              cap, "evidence")));
			}
		}
		bs = json_object_get(sum, "by_status");
		assert_true(json_object_size(bs) > 0);
		json_object_foreach(bs, key, v)
		{
			expect(page, "data-status=\"%s\" data-count=\"%lld\"",
			       key, (long long)json_integer_value(v));
		}
		free(page);
		json_decref(doc);
	}
}

static void
test_pcap_hostile(void **state)
{
	json_t *doc = load_doc("pcap-fallback.json"), *bad = poison(doc, false);
	char *page = render_pcap(bad);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	check_structure(page, true);
	assert_int_equal(count(page, "<script"), 0);
	assert_int_equal(count(page, "<img"), 0);
	assert_true(count(page, "&lt;script&gt;alert(&#39;x&#39;)") > 50);
	free(page);
	/* Not a capture's document: nothing written. */
	f = open_memstream(&buf, &len);
	json_object_set_new(bad, "connections",
	                    json_pack("[{s:[]}]", "phases"));
	assert_int_equal(rdd_report_html_pcap(f, bad), -1);
	json_object_del(bad, "connections");
	assert_int_equal(rdd_report_html_pcap(f, bad), -1);
	assert_int_equal(rdd_report_html_pcap(f, NULL), -1);
	fclose(f);
	assert_int_equal(len, 0);
	free(buf);
	json_decref(bad);
	json_decref(doc);
}

static void
test_write_error(void **state)
{
	json_t *docs[N_DOCS], *doc = load_doc("pcap-fallback.json");
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (f == NULL)
		skip();
	scan_docs(docs);
	assert_int_equal(
	    rdd_report_html_scan(f, (const void *const *)docs, N_DOCS, NULL),
	    -1);
	clearerr(f);
	assert_int_equal(rdd_report_html_pcap(f, doc), -1);
	fclose(f);
	free_docs(docs, N_DOCS);
	json_decref(doc);
}

/* scan --gateway with a wrong password (docs/scan-gateway-wrong-password
 * .ndjson, from the lab): the first host's gateway-auth-failed, four hosts
 * not reached. The page names the gateway once with its counts and the
 * host that showed the failure; the four are unknown (not unreachable),
 * each row says so; the table has the gateway column. */
static void
test_scan_gateway(void **state)
{
	json_t *docs[8];
	FILE *f;
	char path[512], *line = NULL, *page;
	size_t cap = 0, n = 0, i;

	(void)state;
	snprintf(path, sizeof(path), "%s/scan-gateway-wrong-password.ndjson",
	         RDD_DOCS_DIR);
	f = fopen(path, "r");
	assert_non_null(f);
	while (n < 8 && getline(&line, &cap, f) > 0) {
		docs[n] = json_loads(line, 0, NULL);
		assert_non_null(docs[n]);
		n++;
	}
	free(line);
	fclose(f);
	assert_int_equal(n, 5);
	page = render_scan(docs, n, NULL);
	check_structure(page, true);
	assert_int_equal(count(page, "<table id=\"by-gateway\">"), 1);
	expect(page, "<tr data-gateway=\"gateway.rdpsrv.lab:443\" "
	             "data-hosts=\"5\" data-not-reached=\"4\">");
	expect(page, "gateway-http for <a href=\"#h1-host\">");
	assert_int_equal(count(page, "data-kind=\"unknown\" data-host="), 4);
	assert_int_equal(count(page, "data-kind=\"unreachable\" data-host="),
	                 0);
	assert_int_equal(count(page, "not reached</span></td>"), 4);
	expect(page, "<button type=\"button\" class=\"sort\">gateway"
	             "</button>");
	for (i = 0; i < n; i++)
		json_decref(docs[i]);
	free(page);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scan_counts),
	    cmocka_unit_test(test_scan_gateway),
	    cmocka_unit_test(test_scan_order),
	    cmocka_unit_test(test_scan_script),
	    cmocka_unit_test(test_scan_hostile),
	    cmocka_unit_test(test_scan_policy),
	    cmocka_unit_test(test_scan_broken),
	    cmocka_unit_test(test_pcap_pages),
	    cmocka_unit_test(test_pcap_hostile),
	    cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests_name("html_fleet", tests, NULL, NULL);
}
