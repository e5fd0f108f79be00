/*
 * test_prometheus.c - the node_exporter textfile (prometheus.c): every
 * line of every file made from the lab's documents and the synthetic ones
 * is read back by a parser of the text exposition format written here
 * (HELP and TYPE before a family's samples, once; names and labels by the
 * format's grammar; counters end in _total; values are numbers), values
 * are checked against the document, label values with quotes, backslashes
 * and line feeds are escaped; and, when the build found Prometheus'
 * promtool, each file must pass `promtool check metrics` (the parser and
 * linter of Prometheus itself).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "rdpdoctor/report.h"

#include "fixtures.h"

static const char *const real_docs[] = {"nego.json", "license-error.json",
                                        "tls-full.json", "shadow-nla.json"};
#define N_REAL (sizeof(real_docs) / sizeof(real_docs[0]))

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
render(const json_t *doc, const struct rdd_watch *w)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rdd_report_prometheus(f, doc, w), 0);
	fclose(f);
	return buf;
}

/* ---- a reader of the text format -------------------------------------- */

#define MAX_FAMILIES 64

struct family {
	char name[128];
	bool help, type, counter, samples;
};

static struct family *
family(struct family *fams, size_t *n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strlen(fams[i].name) == len &&
		    strncmp(fams[i].name, name, len) == 0)
			return &fams[i];
	assert_true(*n < MAX_FAMILIES && len < sizeof(fams[0].name));
	memset(&fams[*n], 0, sizeof(fams[0]));
	memcpy(fams[*n].name, name, len);
	return &fams[(*n)++];
}

static size_t
name_len(const char *p)
{
	size_t n = 0;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	      *p == '_' || *p == ':'))
		return 0;
	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	       (p[n] >= '0' && p[n] <= '9') || p[n] == '_' || p[n] == ':')
		n++;
	return n;
}

/* Check TEXT line by line; returns the number of samples. */
static size_t
parse(const char *text)
{
	struct family fams[MAX_FAMILIES];
	size_t n_fams = 0, samples = 0;
	const char *p = text;

	while (*p != '\0') {
		const char *eol = strchr(p, '\n');
		struct family *f;
		size_t n;

		if (eol == NULL)
			fail_msg("last line without a line feed");
		if (strncmp(p, "# HELP ", 7) == 0 ||
		    strncmp(p, "# TYPE ", 7) == 0) {
			bool help = p[2] == 'H';

			n = name_len(p + 7);
			assert_true(n > 0 && p[7 + n] == ' ');
			f = family(fams, &n_fams, p + 7, n);
			if (f->samples)
				fail_msg("HELP/TYPE after samples: %.60s", p);
			if (help) {
				assert_false(f->help);
				f->help = true;
			} else {
				const char *t = p + 8 + n;

				assert_false(f->type);
				assert_true(f->help);
				f->type = true;
				if (strncmp(t, "counter\n", 8) == 0)
					f->counter = true;
				else if (strncmp(t, "gauge\n", 6) != 0)
					fail_msg("type: %.40s", t);
			}
		} else {
			const char *q;
			char *end;

			assert_true(*p != '#');
			n = name_len(p);
			assert_true(n > 0);
			f = family(fams, &n_fams, p, n);
			if (!f->help || !f->type)
				fail_msg("sample before HELP and TYPE: %.60s",
				         p);
			if (f->counter)
				assert_true(n > 6 && strncmp(p + n - 6,
				                             "_total", 6) == 0);
			f->samples = true;
			q = p + n;
			if (*q == '{') {
				q++;
				for (;;) {
					size_t k = name_len(q);

					assert_true(k > 0);
					q += k;
					assert_true(q[0] == '=' && q[1] == '"');
					for (q += 2; *q != '"'; q++) {
						assert_true(*q != '\n' &&
						            *q != '\0');
						if (*q == '\\') {
							q++;
							assert_true(*q ==
							                '\\' ||
							            *q == '"' ||
							            *q == 'n');
						}
					}
					q++;
					if (*q == '}')
						break;
					assert_true(*q == ',');
					q++;
				}
				q++;
			}
			assert_true(*q == ' ');
			strtod(q + 1, &end);
			if (end == q + 1 || end != eol)
				fail_msg("value: %.*s", (int)(eol - p), p);
			samples++;
		}
		p = eol + 1;
	}
	return samples;
}

/* The value of the sample that starts with PREFIX (name and labels). */
static double
value_of(const char *text, const char *prefix)
{
	const char *p = strstr(text, prefix);

	if (p == NULL || (p != text && p[-1] != '\n'))
		fail_msg("no sample %s", prefix);
	return strtod(strchr(p + strlen(prefix), ' ') + 1, NULL);
}

static void
promtool(const char *text)
{
#ifdef RDD_PROMTOOL
	char path[] = "/tmp/rdd-test-prom.XXXXXX", cmd[1024];
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "'%s' check metrics < %s", RDD_PROMTOOL,
	         path);
	rc = system(cmd);
	unlink(path);
	if (rc != 0)
		fail_msg("promtool check metrics failed (%d) on:\n%s", rc,
		         text);
#else
	(void)text;
#endif
}

/* ---- tests ------------------------------------------------------------ */

static void
test_real_documents(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_REAL; i++) {
		json_t *doc = load_doc(real_docs[i]);
		struct rdd_watch *w = rdd_watch_new(30);
		char *a, *b;

		assert_int_equal(rdd_watch_add(w, doc), 0);
		assert_int_equal(rdd_watch_add(w, doc), 0);
		a = render(doc, NULL);
		b = render(doc, w);
		assert_true(parse(a) > 5);
		assert_true(parse(b) > parse(a));
		assert_null(strstr(a, "rdpdoctor_watch_"));
		assert_true(value_of(b, "rdpdoctor_watch_rounds_total{") == 2);
		promtool(a);
		promtool(b);
		free(a);
		free(b);
		rdd_watch_free(w);
		json_decref(doc);
	}
}

static void
test_values(void **state)
{
	json_t *doc = load_doc("nego.json");
	json_t *phases = json_object_get(doc, "phases"), *ph, *f;
	char *t = render(doc, NULL), key[256];
	size_t i, n = 0;

	(void)state;
	assert_true(value_of(t, "rdpdoctor_probe_success{target=\"nego."
	                        "rdpsrv.lab:3389\"}") == 1);
	assert_true(value_of(t, "rdpdoctor_verdict{target=\"nego.rdpsrv.lab:"
	                        "3389\",status=\"warning\"}") == 1);
	assert_true(value_of(t, "rdpdoctor_verdict{target=\"nego.rdpsrv.lab:"
	                        "3389\",status=\"ok\"}") == 0);
	json_array_foreach(phases, i, ph)
	{
		const char *name =
		    json_string_value(json_object_get(ph, "phase"));

		snprintf(key, sizeof(key),
		         "rdpdoctor_phase_duration_seconds{target=\"nego."
		         "rdpsrv.lab:3389\",phase=\"%s\"}",
		         name);
		assert_true(fabs(value_of(t, key) -
		                 json_number_value(json_object_get(ph, "ms")) /
		                     1000) < 1e-9);
	}
	/* 2027-12-06T23:27:53Z, written whole. */
	assert_non_null(
	    strstr(t, "rdpdoctor_cert_expiry_timestamp_seconds{target=\"nego."
	              "rdpsrv.lab:3389\"} 1828135673\n"));
	assert_non_null(strstr(t, "rdpdoctor_probe_timestamp_seconds{target="
	                          "\"nego.rdpsrv.lab:3389\"} 1796600646\n"));
	json_array_foreach(json_object_get(doc, "findings"), i, f)
	{
		snprintf(key, sizeof(key),
		         "rdpdoctor_finding{target=\"nego.rdpsrv.lab:3389\","
		         "id=\"%s\",severity=\"%s\",phase=\"%s\"} 1\n",
		         json_string_value(json_object_get(f, "id")),
		         json_string_value(json_object_get(f, "severity")),
		         json_string_value(json_object_get(f, "phase")));
		assert_non_null(strstr(t, key));
		n++;
	}
	assert_int_equal(n, 4);
	free(t);
	json_decref(doc);
	/* CredSSP's version, from the NLA server. */
	doc = load_doc("shadow-nla.json");
	t = render(doc, NULL);
	assert_true(value_of(t, "rdpdoctor_credssp_version{") == 6);
	/* Skipped phases have no series. */
	assert_null(strstr(t, "rdpdoctor_phase_success{target=\"shadow.rdpsrv."
	                      "lab:3389\",phase=\"licensing\"}"));
	assert_non_null(strstr(t, "rdpdoctor_phase_success{target=\"shadow."
	                          "rdpsrv.lab:3389\",phase=\"credssp\"} 1\n"));
	free(t);
	json_decref(doc);
	/* A failed phase: success 0. */
	doc = load_doc("license-error.json");
	t = render(doc, NULL);
	assert_true(value_of(t, "rdpdoctor_phase_success{target=\"inject."
	                        "rdpsrv.lab:3389\",phase=\"licensing\"}") == 0);
	assert_true(value_of(t, "rdpdoctor_probe_success{") == 0);
	free(t);
	json_decref(doc);
}

/* Quotes, backslashes and line feeds in label values. */
static void
test_label_escaping(void **state)
{
	json_t *doc = load_doc("nego.json");
	json_t *f = json_array_get(json_object_get(doc, "findings"), 0);
	char *t;

	(void)state;
	json_object_set_new(json_object_get(doc, "target"), "host",
	                    json_string("a\"b\\c\nd"));
	json_object_set_new(f, "id", json_string("x\"}\n y 1"));
	t = render(doc, NULL);
	parse(t);
	assert_non_null(strstr(t, "{target=\"a\\\"b\\\\c\\nd:3389\"}"));
	assert_non_null(strstr(t, "id=\"x\\\"}\\n y 1\""));
	promtool(t);
	free(t);
	json_decref(doc);
}

static void
test_fixtures_and_refusal(void **state)
{
	struct rdd_observation *obs = calloc(1, sizeof(*obs));
	struct rdd_diagnosis *d = calloc(1, sizeof(*d));
	json_t *doc;
	char *t;
	FILE *f;

	(void)state;
	fixture_hostile(obs, d);
	doc = rdd_report_json_doc(obs, d);
	t = render(doc, NULL);
	parse(t);
	promtool(t);
	free(t);
	json_decref(doc);
	free(obs);
	free(d);
	f = fopen("/dev/null", "w");
	doc = json_pack("{s:[]}", "phases");
	assert_int_equal(rdd_report_prometheus(f, doc, NULL), -1);
	json_decref(doc);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_documents),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_label_escaping),
	    cmocka_unit_test(test_fixtures_and_refusal),
	};

	return cmocka_run_group_tests_name("prometheus", tests, NULL, NULL);
}
