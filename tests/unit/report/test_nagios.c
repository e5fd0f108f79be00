/*
 * test_nagios.c - the Nagios/Icinga plugin output (nagios.c) against the
 * Monitoring Plugins Development Guidelines: the first line is
 * "RDP STATUS - text | perfdata", each performance datum is
 * 'label'=value[UOM];[warn];[crit];[min];[max] with a known unit of
 * measure and threshold ranges of the guidelines' syntax, then one line
 * per finding; text that would break the format ('|', line feeds,
 * control characters) never gets through.
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

#include "rdpdoctor/report.h"

#include "fixtures.h"

static json_t *
load_doc(const char *name)
{
	char path[512];
	json_t *doc;

	snprintf(path, sizeof(path), "%s/%s", RDD_DOCS_DIR, name);
	doc = json_load_file(path, 0, NULL);
	assert_non_null(doc);
	return doc;
}

static char *
render(const json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rdd_report_nagios(f, doc), 0);
	fclose(f);
	return buf;
}

/* A number: -?digits[.digits]. Returns its length, 0 if none. */
static size_t
number(const char *p)
{
	size_t n = *p == '-' ? 1 : 0, d;

	d = strspn(p + n, "0123456789");
	if (d == 0)
		return 0;
	n += d;
	if (p[n] == '.') {
		d = strspn(p + n + 1, "0123456789");
		if (d == 0)
			return 0;
		n += 1 + d;
	}
	return n;
}

/* A threshold range: [@][start:][end], start may be ~; may be empty. */
static size_t
range(const char *p)
{
	size_t n = 0, k;

	if (p[n] == '@')
		n++;
	if (p[n] == '~') {
		n++;
		if (p[n] != ':')
			return (size_t)-1;
	} else {
		n += number(p + n);
	}
	if (p[n] == ':')
		n++;
	k = number(p + n);
	return n + k;
}

/* One datum; returns its length. */
static size_t
datum(const char *p)
{
	static const char *const uoms[] = {"s",  "ms", "us", "%", "B",
	                                   "KB", "MB", "TB", "c", ""};
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_"), k, i;

	if (n == 0 || p[n] != '=')
		fail_msg("label: %.40s", p);
	n++;
	k = number(p + n);
	if (k == 0)
		fail_msg("value: %.40s", p);
	n += k;
	for (i = 0; i < sizeof(uoms) / sizeof(uoms[0]); i++) {
		size_t u = strlen(uoms[i]);

		if (strncmp(p + n, uoms[i], u) == 0 &&
		    (p[n + u] == ';' || p[n + u] == ' ' || p[n + u] == '\n' ||
		     p[n + u] == '\0')) {
			n += u;
			break;
		}
	}
	/* warn;crit as ranges, min;max as numbers; each may be empty. */
	for (i = 0; i < 4 && p[n] == ';'; i++) {
		n++;
		k = i < 2 ? range(p + n) : number(p + n);
		if (k == (size_t)-1)
			fail_msg("threshold: %.40s", p);
		n += k;
	}
	if (p[n] != ' ' && p[n] != '\n' && p[n] != '\0')
		fail_msg("datum ends badly: %.40s", p);
	return n;
}

/* The whole output: the first line's form, its data; returns how many
 * lines follow it. */
static size_t
check_output(const char *out, const char *status, size_t *n_data)
{
	const char *bar = strstr(out, " | "), *p, *eol = strchr(out, '\n');
	size_t lines = 0;

	assert_non_null(eol);
	assert_non_null(bar);
	assert_true(bar < eol);
	assert_true(strncmp(out, "RDP ", 4) == 0);
	assert_true(strncmp(out + 4, status, strlen(status)) == 0);
	assert_true(strncmp(out + 4 + strlen(status), " - ", 3) == 0);
	/* One '|' on the first line; none after it. */
	assert_ptr_equal(strchr(out, '|'), bar + 1);
	*n_data = 0;
	for (p = bar + 3; p < eol;) {
		p += datum(p);
		(*n_data)++;
		if (*p == ' ')
			p++;
	}
	for (p = eol + 1; *p != '\0'; p = strchr(p, '\n') + 1)
		lines++;
	return lines;
}

static void
test_warning(void **state)
{
	json_t *doc = load_doc("nego.json");
	char *out = render(doc);
	size_t n;

	(void)state;
	assert_int_equal(check_output(out, "WARNING", &n), 4);
	assert_true(strncmp(out,
	                    "RDP WARNING - A default Windows client would "
	                    "connect (activation completed); 4 warnings: ",
	                    82) == 0);
	/* Each timed phase in seconds with the 5 s timeout as maximum; the
	 * path samples' phase without one; thresholds of the findings. */
	assert_non_null(strstr(out, " tcp=0.000535s;;;0;5 "));
	assert_non_null(strstr(out, " network=0.397244s;;;0; "));
	assert_non_null(strstr(out, " rtt=0.000177s;0.15;;0; "));
	assert_non_null(strstr(out, " loss=0%;0;;0;100 "));
	assert_non_null(strstr(out, " cert_days_left=364;30:;0:;; "));
	assert_non_null(strstr(out, " critical_findings=0;;;0; "
	                            "warning_findings=4;;;0;\n"));
	assert_non_null(
	    strstr(out, "\nwarning cert-self-signed (tls): The RDP certificate "
	                "is self-signed: issuer = subject: "
	                "CN=nego.rdpsrv.lab\n"));
	/* '|' in an evidence becomes '/'. */
	assert_non_null(strstr(out, "request SSL/HYBRID/HYBRID_EX (0xb)"));
	assert_true(n >= 10);
	free(out);
	json_decref(doc);
}

static void
test_critical(void **state)
{
	json_t *doc = load_doc("license-error.json");
	char *out = render(doc);
	size_t n;

	(void)state;
	check_output(out, "CRITICAL", &n);
	assert_true(strncmp(out,
	                    "RDP CRITICAL - failed in licensing: No Remote "
	                    "Desktop license server is available "
	                    "(licensing-no-license-server) | ",
	                    100) == 0);
	/* The timeout was 2 s; a skipped phase has no datum. */
	assert_non_null(strstr(out, "s;;;0;2 "));
	assert_null(strstr(out, " activation="));
	assert_non_null(strstr(out, " critical_findings=1;;;0;"));
	free(out);
	json_decref(doc);
}

/* Strings that would break the format. */
static void
test_hostile(void **state)
{
	json_t *doc = load_doc("license-error.json");
	json_t *f = json_array_get(json_object_get(doc, "findings"), 0);
	char *out;
	size_t n, lines;

	(void)state;
	json_object_set_new(f, "title",
	                    json_string("a | b\nRDP OK - fake | x=1\x1b[2J"));
	json_object_set_new(f, "evidence", json_string("e|v\r\ni"));
	lines = json_array_size(json_object_get(doc, "findings"));
	out = render(doc);
	assert_int_equal(check_output(out, "CRITICAL", &n), lines);
	assert_non_null(strstr(out, "failed in licensing: a / b\\x0aRDP OK - "
	                            "fake / x=1\\x1b[2J ("));
	assert_non_null(strstr(out, ": e/v\\x0d\\x0ai\n"));
	assert_null(strchr(out, 0x1b));
	free(out);
	/* Unknown: a verdict the renderer does not know. */
	json_object_set_new(json_object_get(doc, "verdict"), "status",
	                    json_string("??"));
	json_object_set_new(json_object_get(doc, "verdict"), "failed_phase",
	                    json_null());
	out = render(doc);
	check_output(out, "UNKNOWN", &n);
	free(out);
	json_decref(doc);
}

static void
test_fixtures_and_refusal(void **state)
{
	void (*const fixtures[])(struct rdd_observation *,
	                         struct rdd_diagnosis *) = {
	    fixture_healthy, fixture_refused, fixture_expired, fixture_hostile,
	    fixture_rdp_security};
	struct rdd_observation *obs = calloc(1, sizeof(*obs));
	struct rdd_diagnosis *d = calloc(1, sizeof(*d));
	static const char *const words[] = {"OK", "WARNING", "CRITICAL",
	                                    "UNKNOWN"};
	size_t i, n;
	json_t *doc;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char *out;

		memset(obs, 0, sizeof(*obs));
		memset(d, 0, sizeof(*d));
		fixtures[i](obs, d);
		doc = rdd_report_json_doc(obs, d);
		out = render(doc);
		check_output(out, words[d->status], &n);
		free(out);
		json_decref(doc);
	}
	free(obs);
	free(d);
	f = fopen("/dev/null", "w");
	doc = json_pack("{s:{}}", "verdict");
	assert_int_equal(rdd_report_nagios(f, doc), -1);
	json_decref(doc);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_warning),
	    cmocka_unit_test(test_critical),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_fixtures_and_refusal),
	};

	return cmocka_run_group_tests_name("nagios", tests, NULL, NULL);
}
