/*
 * test_html.c - the HTML report (html_*.c): the escaper against vectors
 * and every truncation; pages of real lab documents (docs/) and of the
 * synthetic observations (fixtures.c) checked for their frame, the
 * waterfall's geometry against the document's timings, the failed phase
 * and its finding, every finding and its evidence; and a structural check
 * of every page (every tag and attribute one the renderer writes), which
 * must also hold when every string and key of a document carries markup,
 * and when every value has the wrong type. A document saved and read back
 * gives the same page byte for byte.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "rdpdoctor/report.h"
#include "report/html_int.h"

#include "fixtures.h"
#include "html_common.h"

/* The page of DOC; the caller frees it. */
static char *
render(const json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rdd_report_html(f, doc), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

/* ---- the escaper -------------------------------------------------------- */

static void
expect_escape(const char *in, const char *want)
{
	char out[512];

	rdd_escape_html(out, sizeof(out), in);
	if (strcmp(out, want) != 0)
		fail_msg("escape(\"%s\"): got \"%s\", want \"%s\"", in, out,
		         want);
}

static void
test_escape_vectors(void **state)
{
	(void)state;
	expect_escape("plain text 123", "plain text 123");
	expect_escape("", "");
	expect_escape("<script>alert(\"x\")</script>",
	              "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
	expect_escape("a & b 'q'", "a &amp; b &#39;q&#39;");
	expect_escape("&amp;", "&amp;amp;");
	/* Tab and line feed stay; other controls and DEL become visible. */
	expect_escape("a\tb\nc", "a\tb\nc");
	expect_escape("\x1b[2J\r\x07\x7f", "\\x1b[2J\\x0d\\x07\\x7f");
	/* C1 controls and the bidirectional controls. */
	expect_escape("\xc2\x85\xc2\x9b", "\\u0085\\u009b");
	expect_escape("abc\xe2\x80\xaegpj.exe", "abc\\u202egpj.exe");
	expect_escape("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069");
	/* Valid UTF-8 passes: e-acute, a CJK character, an emoji. */
	expect_escape("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80",
	              "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80");
	/* Ill-formed UTF-8: one U+FFFD per byte. */
	expect_escape("\xff", "\xef\xbf\xbd");
	expect_escape("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	expect_escape("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	expect_escape("\xf4\x90\x80\x80x",
	              "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx");
	expect_escape("\xe4\xb8", "\xef\xbf\xbd\xef\xbf\xbd");
	/* A backslash stays single (registry paths to copy). */
	expect_escape("HKLM\\SYSTEM", "HKLM\\SYSTEM");
	/* NULL reads as "". */
	expect_escape(NULL, "");
}

/* Every capacity: the output is a prefix of the whole escape, never cut
 * inside an entity, a visible escape or a character. */
static void
test_escape_truncation(void **state)
{
	const char *in = "a<b>&\"'\x1b\xc2\x85\xe4\xb8\xad\xff z";
	char full[256], out[256];
	size_t cap, n;

	(void)state;
	rdd_escape_html(full, sizeof(full), in);
	out[0] = 'X';
	assert_ptr_equal(rdd_escape_html(out, 0, in), out);
	assert_int_equal(out[0], 'X'); /* cap 0: nothing written */
	for (cap = 1; cap <= strlen(full) + 1; cap++) {
		memset(out, 'X', sizeof(out));
		rdd_escape_html(out, cap, in);
		n = strlen(out);
		assert_true(n < cap);
		assert_memory_equal(out, full, n);
		/* Cut only between pieces: what follows starts a piece. */
		if (n < strlen(full)) {
			const char *amp = strrchr(out, '&');

			assert_true(amp == NULL || strchr(amp, ';') != NULL);
			assert_true(((unsigned char)full[n] & 0xC0) != 0x80);
			assert_true(n == 0 || out[n - 1] != '\\');
			/* The next piece does not fit in what is left. */
			assert_true(cap - 1 - n < 6);
		}
	}
	assert_string_equal(out, full);
}

/* The stream escaper writes what the buffer one does. */
static void
test_escape_stream(void **state)
{
	static const char *const in[] = {
	    "",     "abc",           PAYLOAD, "\x1b]52;c;aGk=\x07",
	    "\xff", "\xe2\x80\xae!", "x\xc3",
	};
	char want[512], *buf = NULL;
	size_t i, len = 0;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		FILE *f = open_memstream(&buf, &len);
		struct hw w = {f, 0, false};

		assert_non_null(f);
		rdd__h_text(&w, in[i]);
		assert_int_equal(w.err, 0);
		assert_int_equal(fclose(f), 0);
		rdd_escape_html(want, sizeof(want), in[i]);
		assert_string_equal(buf, want);
		free(buf);
		buf = NULL;
	}
}

/* `commands` become code, long ones blocks; the rest is escaped. */
static void
test_text_code(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct hw w = {f, 0, false};

	(void)state;
	rdd__h_text_code(&w, "run `gpupdate /force` then `reg add "
	                     "\"HKLM\\SYSTEM\\CurrentControlSet\\Control\" /v "
	                     "X /d 1 /f`. And <b> `unclosed");
	assert_int_equal(fclose(f), 0);
	assert_string_equal(
	    buf, "run <code class=\"cmd\">gpupdate /force</code> then "
	         "<code class=\"cmd blk\">reg add "
	         "&quot;HKLM\\SYSTEM\\CurrentControlSet\\Control&quot; /v X /d "
	         "1 /f</code>. And &lt;b&gt; `unclosed");
	free(buf);
}

/* ---- pages of real documents ------------------------------------------ */

/* Through an RD Gateway (docs/gateway.json: its phases last in the
 * document's fixed order) the waterfall's rows follow the walk: the
 * gateway's four phases, then the target's through the channel, each row
 * below the one before. */
static void
test_waterfall_gateway_order(void **state)
{
	static const char *const walk[] = {"gateway-tls",
	                                   "gateway-http",
	                                   "gateway-tunnel",
	                                   "gateway-channel",
	                                   "tcp",
	                                   "x224",
	                                   "tls",
	                                   "mcs",
	                                   "licensing",
	                                   "activation"};
	json_t *doc = load_doc("gateway.json");
	char *page = render(doc);
	const char *svg = strstr(page, "<svg class=\"waterfall\"");
	const char *end = svg != NULL ? strstr(svg, "</svg>") : NULL;
	const char *p = svg;
	double last_y = -1;
	size_t i = 0;

	(void)state;
	assert_non_null(end);
	assert_int_equal(json_array_size(json_object_get(doc, "phases")),
	                 sizeof(walk) / sizeof(walk[0]));
	while ((p = strstr(p, "<rect class=\"bar ")) != NULL && p < end) {
		char key[64];
		const char *y = strstr(p, " y=\"");

		assert_true(i < sizeof(walk) / sizeof(walk[0]));
		snprintf(key, sizeof(key), "data-phase=\"%s\"", walk[i]);
		if (strncmp(strstr(p, "data-phase="), key, strlen(key)) != 0)
			fail_msg("row %zu: want %s, got %.40s", i, walk[i],
			         strstr(p, "data-phase="));
		assert_non_null(y);
		assert_true(strtod(y + 4, NULL) > last_y);
		last_y = strtod(y + 4, NULL);
		i++;
		p++;
	}
	assert_int_equal(i, sizeof(walk) / sizeof(walk[0]));
	free(page);
	json_decref(doc);
}

static void
test_frame(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_REAL; i++) {
		json_t *doc = load_doc(html_real_docs[i]);
		char *page = render(doc);
		size_t len = strlen(page);

		assert_non_null(strstr(
		    page, "<meta http-equiv=\"Content-Security-Policy\" "
		          "content=\"default-src 'none'; style-src "
		          "'unsafe-inline'; img-src data:; base-uri 'none'; "
		          "form-action 'none'\">"));
		assert_string_equal(page + len - 8, "</html>\n");
		assert_int_equal(count(page, "<script"), 0);
		assert_int_equal(count(page, "<svg class=\"waterfall\""), 1);
		assert_int_equal(count(page, "id=\"verdict\""), 1);
		assert_int_equal(count(page, "<style>"), 1);
		/* No URL to fetch: the only links are anchors. */
		assert_int_equal(count(page, "href=\"http"), 0);
		assert_int_equal(count(page, "src="), 0);
		check_structure(page, false);
		free(page);
		json_decref(doc);
	}
}

/* An attribute's number from TAG (a pointer into the page). */
static double
attr_num(const char *tag, const char *name)
{
	char key[64];
	const char *p, *end = strchr(tag, '>');

	snprintf(key, sizeof(key), " %s=\"", name);
	p = strstr(tag, key);
	if (p == NULL || p > end)
		fail_msg("no %s in %.80s", name, tag);
	return strtod(p + strlen(key), NULL);
}

static bool
attr_is(const char *tag, const char *name, const char *value)
{
	char key[128];
	const char *p, *end = strchr(tag, '>');

	snprintf(key, sizeof(key), " %s=\"%s\"", name, value);
	p = strstr(tag, key);
	return p != NULL && p < end;
}

/* Each phase with a time has a bar placed and sized by the document's
 * start_ms and ms on the chart's scale. */
static void
check_waterfall(const json_t *doc, const char *page)
{
	const char *svg = strstr(page, "<svg class=\"waterfall\"");
	const char *svg_end = svg ? strstr(svg, "</svg>") : NULL;
	double span, x0, width, max_end = 0;
	json_t *ph;
	size_t i, bars = 0;

	assert_non_null(svg);
	assert_non_null(svg_end);
	span = attr_num(svg, "data-span-ms");
	x0 = attr_num(svg, "data-x0");
	width = attr_num(svg, "data-width");
	assert_true(fabs(x0 - RDD_H_WF_X0) < 1e-9);
	assert_true(fabs(width - RDD_H_WF_WIDTH) < 1e-9);
	json_array_foreach(json_object_get(doc, "phases"), i, ph)
	{
		const char *name =
		    json_string_value(json_object_get(ph, "phase"));
		const char *st =
		    json_string_value(json_object_get(ph, "status"));
		double start =
		    json_number_value(json_object_get(ph, "start_ms"));
		double ms = json_number_value(json_object_get(ph, "ms"));
		char key[96];
		const char *bar;
		double x, w, want_w;

		if (strcmp(st, "skipped") == 0)
			continue;
		if (strcmp(name, "udp") != 0 && strcmp(name, "network") != 0 &&
		    start + ms > max_end)
			max_end = start + ms;
		snprintf(key, sizeof(key), "data-phase=\"%s\"", name);
		bar = strstr(svg, key);
		if (bar == NULL || bar > svg_end)
			fail_msg("no bar for phase %s", name);
		while (bar[-1] != '<')
			bar--;
		bars++;
		assert_true(attr_is(bar - 1, "data-status", st));
		x = attr_num(bar, "x");
		/* Every bar starts inside the chart. */
		assert_true(x >= x0 - 0.001 && x <= x0 + width + 0.001);
		w = attr_num(bar, "width");
		assert_true(fabs(attr_num(bar, "data-start-ms") - start) <
		            0.001);
		assert_true(fabs(attr_num(bar, "data-ms") - ms) < 0.001);
		if (fabs(x - (x0 + start / span * width)) > 0.01)
			fail_msg("%s: x %f, want %f", name, x,
			         x0 + start / span * width);
		want_w = ms / span * width;
		if (want_w < RDD_H_MIN_BAR)
			want_w = RDD_H_MIN_BAR;
		if (x + want_w > x0 + width + 0.001) {
			/* Clipped at the right edge, and marked. */
			assert_true(attr_is(bar - 1, "data-clipped", "1"));
			want_w = x0 + width - x;
			if (want_w < RDD_H_MIN_BAR)
				want_w = RDD_H_MIN_BAR;
		}
		if (fabs(w - want_w) > 0.01)
			fail_msg("%s: width %f, want %f", name, w, want_w);
		/* The failed ones are red. */
		if (strcmp(st, "failed") == 0 || strcmp(st, "timeout") == 0)
			assert_true(strncmp(bar - 1, "<rect class=\"bar bar-",
			                    21) == 0 &&
			            strncmp(bar - 1 + 21, st, strlen(st)) == 0);
	}
	assert_true(bars > 0);
	/* The scale ends at the connection's own path or a little after. */
	assert_true(span >= max_end - 0.001);
}

static void
test_waterfall_geometry(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_REAL; i++) {
		json_t *doc = load_doc(html_real_docs[i]);
		char *page = render(doc);

		check_waterfall(doc, page);
		free(page);
		json_decref(doc);
	}
}

/* The licensing failure: a red bar, the finding's title beside it,
 * linked to the finding; the verdict names phase and finding. */
static void
test_failed_phase(void **state)
{
	json_t *doc = load_doc("license-error.json");
	char *page = render(doc);
	const char *bar = strstr(page, "data-phase=\"licensing\"");

	(void)state;
	assert_non_null(bar);
	while (bar[-1] != '<')
		bar--;
	assert_true(strncmp(bar, "rect class=\"bar bar-failed\"", 27) == 0);
	assert_non_null(strstr(page, "<div class=\"verdict critical\""));
	assert_non_null(strstr(page, "<b>failed in licensing</b>: <a "
	                             "href=\"#finding-licensing-no-license-"
	                             "server\">No Remote Desktop license "
	                             "server is available</a>"));
	assert_non_null(strstr(page, "<a href=\"#finding-licensing-no-license-"
	                             "server\"><text class=\"lbl-failed "
	                             "fail-note\""));
	assert_int_equal(
	    count(page, "id=\"finding-licensing-no-license-server\""), 1);
	/* Activation, not reached, has no bar but its word. */
	assert_null(strstr(page, "data-phase=\"activation\" data-status"));
	free(page);
	json_decref(doc);
}

/* Every finding has its section, its escaped evidence and its steps. */
static void
test_findings(void **state)
{
	size_t i, j, k;
	json_t *f, *step;
	char key[256], esc[2048];

	(void)state;
	for (i = 0; i < N_REAL; i++) {
		json_t *doc = load_doc(html_real_docs[i]);
		char *page = render(doc);
		size_t n = json_array_size(json_object_get(doc, "findings"));

		assert_true(n > 0);
		snprintf(key, sizeof(key), "Findings (%zu)", n);
		assert_non_null(strstr(page, key));
		json_array_foreach(json_object_get(doc, "findings"), j, f)
		{
			snprintf(key, sizeof(key), "id=\"finding-%s\"",
			         json_string_value(json_object_get(f, "id")));
			assert_int_equal(count(page, key), 1);
			rdd_escape_html(
			    esc, sizeof(esc),
			    json_string_value(json_object_get(f, "evidence")));
			if (strstr(page, esc) == NULL)
				fail_msg("evidence not on the page: %s", esc);
			/* Each step's words before its first command. */
			json_array_foreach(json_object_get(f, "fix"), k, step)
			{
				char head[1024];
				const char *s = json_string_value(step);

				snprintf(head, sizeof(head), "%.*s",
				         (int)strcspn(s, "`"), s);
				rdd_escape_html(esc, sizeof(esc), head);
				snprintf(key, sizeof(key), "<li>%.200s", esc);
				if (strstr(page, key) == NULL)
					fail_msg("step not listed: %s", key);
			}
		}
		free(page);
		json_decref(doc);
	}
}

/* Sections appear only with their data. */
static void
test_sections(void **state)
{
	json_t *doc = load_doc("tls-full.json");
	char *page = render(doc);

	(void)state;
	assert_non_null(strstr(page, "id=\"tls-full\""));
	assert_non_null(strstr(page, "TLS_AES_256_GCM_SHA384"));
	assert_null(strstr(page, "id=\"credssp\""));
	free(page);
	json_decref(doc);
	doc = load_doc("shadow-nla.json");
	page = render(doc);
	assert_non_null(strstr(page, "id=\"credssp\""));
	assert_non_null(strstr(page, "RDPLAB-SHADOW"));
	assert_null(strstr(page, "id=\"tls-full\""));
	/* Skipped phases: no times in the table. */
	assert_non_null(strstr(page, "<tr data-phase=\"licensing\"><td>"
	                             "licensing</td><td><span class=\"badge "
	                             "skipped\">skipped</span></td><td "
	                             "class=\"n\">-</td><td class=\"n\">-"));
	free(page);
	json_decref(doc);
}

/* ---- hostile and broken documents -------------------------------------- */

static void
test_hostile_strings(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_REAL; i++) {
		json_t *doc = load_doc(html_real_docs[i]);
		json_t *bad = poison(doc, true);
		char *page = render(bad);

		check_structure(page, false);
		assert_int_equal(count(page, "<script"), 0);
		assert_int_equal(count(page, "<img"), 0);
		assert_int_equal(count(page, "alert('x')"), 0);
		assert_true(count(page, "&lt;script&gt;alert(&#39;x&#39;)") >
		            10);
		free(page);
		json_decref(bad);
		json_decref(doc);
	}
}

/* The synthetic hostile certificate: escapes and invalid UTF-8 shown. */
static void
test_hostile_fixture(void **state)
{
	json_t *doc = fixture_doc(fixture_hostile);
	char *page = render(doc);

	(void)state;
	check_structure(page, false);
	assert_non_null(strstr(page, "CN=\\x1b[2Jevil\xef\xbf\xbd"));
	assert_null(strchr(page, 0x1b));
	assert_null(strchr(page, 0x07));
	free(page);
	json_decref(doc);
}

/* Every value of the wrong type: the page is still written, whole. */
static json_t *
retype(const json_t *v, int depth)
{
	const char *key;
	json_t *e, *out;
	size_t i;

	if (json_is_object(v)) {
		out = json_object();
		json_object_foreach((json_t *)v, key, e)
		{
			/* Keep the two keys that make a check document. */
			if (depth == 0 && (strcmp(key, "phases") == 0 ||
			                   strcmp(key, "verdict") == 0))
				json_object_set_new(out, key, retype(e, 1));
			else
				json_object_set_new(out, key,
				                    retype(e, depth + 1));
		}
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, e)
		    json_array_append_new(out, retype(e, depth + 1));
		if (depth > 1)
			return json_pack("{s:o}", "was_array", out);
		return out;
	}
	if (json_is_string(v))
		return json_integer(-7);
	if (json_is_number(v))
		return json_string("12.5");
	if (json_is_boolean(v))
		return json_array();
	return json_object();
}

static void
test_wrong_types(void **state)
{
	size_t i;
	char *page;
	json_t *doc;

	(void)state;
	for (i = 0; i < N_REAL; i++) {
		json_t *orig = load_doc(html_real_docs[i]);

		doc = retype(orig, 0);
		page = render(doc);
		check_structure(page, false);
		free(page);
		json_decref(doc);
		json_decref(orig);
	}
	/* The least a check document is. */
	doc = json_pack("{s:[],s:{}}", "phases", "verdict");
	page = render(doc);
	check_structure(page, false);
	assert_non_null(strstr(page, "Findings (0)"));
	free(page);
	json_decref(doc);
	/* Not a check document: nothing is written. */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		const void *docs[2];

		doc = json_pack("{s:[]}", "phases");
		assert_int_equal(rdd_report_html(f, doc), -1);
		assert_int_equal(rdd_report_html(f, NULL), -1);
		docs[0] = doc;
		docs[1] = doc;
		assert_int_equal(rdd_report_html_many(f, docs, 2), -1);
		fclose(f);
		assert_int_equal(len, 0);
		free(buf);
		json_decref(doc);
	}
}

/* ---- several documents, saved documents, errors ------------------------ */

static void
test_many(void **state)
{
	json_t *a = load_doc("nego.json"), *b = load_doc("license-error.json");
	const void *docs[2] = {a, b};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(rdd_report_html_many(f, docs, 2), 0);
	fclose(f);
	check_structure(buf, false);
	assert_non_null(strstr(buf, "<h1>2 RDP checks</h1>"));
	assert_non_null(
	    strstr(buf, "<a href=\"#h1-host\">nego.rdpsrv.lab:3389"));
	assert_non_null(
	    strstr(buf, "<a href=\"#h2-host\">inject.rdpsrv.lab:3389"));
	assert_int_equal(count(buf, "id=\"h1-host\""), 1);
	assert_int_equal(count(buf, "id=\"h2-verdict\""), 1);
	assert_int_equal(
	    count(buf, "<svg class=\"waterfall\" id=\"h2-waterfall"), 1);
	/* Links inside a section point into it. */
	assert_non_null(strstr(buf, "href=\"#h2-finding-licensing-no-license-"
	                            "server\""));
	assert_int_equal(count(buf, "id=\"verdict\""), 0);
	free(buf);
	json_decref(a);
	json_decref(b);
}

/* `check --html` renders rdd_report_json_doc's document, `report` the
 * same document read back from `check --json`: the pages are the same. */
static void
test_saved_equals_live(void **state)
{
	void (*const fixtures[])(struct rdd_observation *,
	                         struct rdd_diagnosis *) = {
	    fixture_healthy, fixture_refused, fixture_expired, fixture_hostile,
	    fixture_rdp_security};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		json_t *live = fixture_doc(fixtures[i]), *saved;
		char *text =
		    json_dumps(live, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		                         JSON_REAL_PRECISION(17));
		char *a, *b;

		assert_non_null(text);
		saved = json_loads(text, 0, NULL);
		assert_non_null(saved);
		a = render(live);
		b = render(saved);
		assert_string_equal(a, b);
		check_structure(a, false);
		free(a);
		free(b);
		free(text);
		json_decref(live);
		json_decref(saved);
	}
}

static void
test_write_error(void **state)
{
	json_t *doc = load_doc("nego.json");
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (f == NULL)
		skip();
	/* The page is longer than stdio's buffer, so the error shows. */
	assert_int_equal(rdd_report_html(f, doc), -1);
	fclose(f);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_waterfall_gateway_order),
	    cmocka_unit_test(test_escape_vectors),
	    cmocka_unit_test(test_escape_truncation),
	    cmocka_unit_test(test_escape_stream),
	    cmocka_unit_test(test_text_code),
	    cmocka_unit_test(test_frame),
	    cmocka_unit_test(test_waterfall_geometry),
	    cmocka_unit_test(test_failed_phase),
	    cmocka_unit_test(test_findings),
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_hostile_strings),
	    cmocka_unit_test(test_hostile_fixture),
	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_many),
	    cmocka_unit_test(test_saved_equals_live),
	    cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
