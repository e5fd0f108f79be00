/*
 * test_drift.c - lib/scan/fingerprint.c, drift.c and drift_out.c: the
 * fingerprints of the lab's servers, and the drift report of synthetic
 * fleets made of copies of their check documents with a few edited
 * (exact report lines and JSON), ties, names that need escaping, and
 * unreachable hosts counted apart.
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

#include "docs.h"
#include "scan/drift.h"
#include "scan/fingerprint.h"

static char *
dump(const json_t *v)
{
	char *s =
	    json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	assert_non_null(s);
	return s;
}

static char *
report_text(const struct rdd_drift *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(rdd_drift_text(out, d), 0);
	fclose(out);
	return buf;
}

/* ---- Fingerprints -------------------------------------------------------- */

static void
test_fingerprint_lab(void **state)
{
	json_t *doc, *fp;
	char *s;

	(void)state;
	doc = doc_fixture("shadow.rdpsrv.lab");
	fp = rdd_fingerprint(doc);
	assert_non_null(fp);
	json_object_del(fp, "tls.ciphers"); /* 16 names, checked below */
	s = dump(fp);
	assert_string_equal(s, "{\"protocols\":[\"HYBRID\"],\"nla_required\":"
	                       "true,\"tls.versions\":[\"TLSv1.2\",\"TLSv1.3\"]"
	                       ",\"credssp.version\":6,\"cert.issuer\":\"CN="
	                       "RDPLAB-SHADOW\"}");
	free(s);
	json_decref(fp);
	fp = rdd_fingerprint(doc);
	assert_int_equal(json_array_size(json_object_get(fp, "tls.ciphers")),
	                 16);
	json_decref(fp);
	json_decref(doc);

	doc = doc_fixture("nego.rdpsrv.lab");
	fp = rdd_fingerprint(doc);
	json_object_del(fp, "tls.ciphers");
	s = dump(fp);
	assert_string_equal(s, "{\"protocols\":[\"RDP\",\"SSL\"],\"nla_"
	                       "required\":false,\"tls.versions\":[\"TLSv1.2\","
	                       "\"TLSv1.3\"],\"cert.issuer\":\"CN=nego.rdpsrv."
	                       "lab\",\"rdp.version\":\"RDP 5.0-8.1\",\"rdp."
	                       "encryption_level\":\"ENCRYPTION_LEVEL_HIGH\"}");
	free(s);
	json_decref(fp);
	json_decref(doc);

	/* Without --tls-full the check's own version stands in. */
	doc = doc_fixture("tls.rdpsrv.lab-no-tls-full");
	fp = rdd_fingerprint(doc);
	s = dump(fp);
	assert_string_equal(s, "{\"protocols\":[\"SSL\"],\"nla_required\":"
	                       "false,\"tls.version\":\"TLSv1.3\",\"cert."
	                       "issuer\":\"CN=rdpdoctor Lab Test CA\",\"rdp."
	                       "version\":\"RDP 5.0-8.1\",\"rdp.encryption_"
	                       "level\":\"ENCRYPTION_LEVEL_NONE\"}");
	free(s);
	json_decref(fp);
	json_decref(doc);
}

/* Order in the document does not matter; wrong types are left out. */
static void
test_fingerprint_canonical(void **state)
{
	json_t *a = doc_fixture("tls10.rdpsrv.lab"), *b, *fa, *fb, *ciphers;

	(void)state;
	b = json_deep_copy(a);
	ciphers = json_object_get(json_object_get(b, "tls"), "ciphers");
	/* Reverse the suites and repeat one. */
	for (size_t i = 0, n = json_array_size(ciphers); i < n / 2; i++) {
		json_t *x = json_incref(json_array_get(ciphers, i));

		json_array_set(ciphers, i, json_array_get(ciphers, n - 1 - i));
		json_array_set_new(ciphers, n - 1 - i, x);
	}
	json_array_append(ciphers, json_array_get(ciphers, 0));
	fa = rdd_fingerprint(a);
	fb = rdd_fingerprint(b);
	assert_true(json_equal(fa, fb));
	json_decref(fb);
	doc_set(b, "negotiation.nla_required", json_string("no"));
	doc_set(b, "tls.certificate.issuer", json_integer(5));
	doc_set(b, "mcs", json_array());
	fb = rdd_fingerprint(b);
	assert_null(json_object_get(fb, "nla_required"));
	assert_null(json_object_get(fb, "cert.issuer"));
	assert_null(json_object_get(fb, "rdp.version"));
	assert_non_null(json_object_get(fb, "tls.versions"));
	json_decref(fa);
	json_decref(fb);
	json_decref(a);
	json_decref(b);
}

/* ---- A fleet ---------------------------------------------------------- */

/* Accept TLS 1.0 (tls.versions[1]) in DOC. */
static void
allow_tls10(json_t *doc)
{
	json_t *v = json_array_get(
	    json_object_get(json_object_get(doc, "tls"), "versions"), 1);

	assert_string_equal(json_string_value(json_object_get(v, "version")),
	                    "TLSv1.0");
	json_object_set_new(v, "accepted", json_true());
}

/*
 * 212 copies of tls.rdpsrv.lab's document named srv001..srv212: srv017,
 * srv101 and srv199 also accept TLS 1.0; srv050, srv051 and srv101 have a
 * certificate from another CA. And four copies of refused.rdpsrv.lab's
 * (10.201.0.17), dead1..dead4.
 */
static struct rdd_drift *
fleet(void)
{
	json_t *tls = doc_fixture("tls.rdpsrv.lab");
	json_t *refused = doc_fixture("10.201.0.17");
	struct rdd_drift *d = rdd_drift_new();
	char name[16];

	assert_non_null(d);
	for (int i = 1; i <= 212; i++) {
		json_t *doc = json_deep_copy(tls);

		snprintf(name, sizeof(name), "srv%03d", i);
		doc_set_host(doc, name);
		if (i == 17 || i == 101 || i == 199)
			allow_tls10(doc);
		if (i == 50 || i == 51 || i == 101)
			doc_set(doc, "tls.certificate.issuer",
			        json_string("CN=Old CA"));
		assert_int_equal(rdd_drift_add(d, doc), 0);
		json_decref(doc);
	}
	for (int i = 4; i >= 1; i--) {
		json_t *doc = json_deep_copy(refused);

		snprintf(name, sizeof(name), "dead%d", i);
		doc_set_host(doc, name);
		assert_int_equal(rdd_drift_add(d, doc), 0);
		json_decref(doc);
	}
	json_decref(tls);
	json_decref(refused);
	return d;
}

static void
test_fleet_text(void **state)
{
	struct rdd_drift *d = fleet();
	char *text = report_text(d);

	(void)state;
	assert_string_equal(
	    text,
	    "drift: 212 hosts reached, 4 unreachable; 4 configurations\n"
	    "tls.versions: 209 of 212 hosts: TLSv1.2, TLSv1.3; 3 hosts also "
	    "TLSv1.0: srv017, srv101, srv199\n"
	    "cert.issuer: 209 of 212 hosts: CN=rdpdoctor Lab Test CA; 3 hosts: "
	    "CN=Old CA: srv050, srv051, srv101\n"
	    "configuration 2 of 4: 2 hosts, differs in cert.issuer: srv050, "
	    "srv051\n"
	    "configuration 3 of 4: 2 hosts, differs in tls.versions: srv017, "
	    "srv199\n"
	    "configuration 4 of 4: 1 host, differs in tls.versions, "
	    "cert.issuer: srv101\n"
	    "unreachable: dead1, dead2, dead3, dead4\n");
	free(text);
	rdd_drift_free(d);
}

static void
test_fleet_json(void **state)
{
	struct rdd_drift *d = fleet();
	json_t *j = rdd_drift_json(d), *f, *c;
	char *s;

	(void)state;
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "hosts")), 216);
	assert_int_equal(json_integer_value(json_object_get(j, "reached")),
	                 212);
	s = dump(json_object_get(j, "unreachable"));
	assert_string_equal(s, "[\"dead1\",\"dead2\",\"dead3\",\"dead4\"]");
	free(s);
	s = dump(
	    json_object_get(json_object_get(j, "majority"), "tls.versions"));
	assert_string_equal(s, "[\"TLSv1.2\",\"TLSv1.3\"]");
	free(s);
	/* No host has CredSSP: the field is left out, not null. */
	assert_null(
	    json_object_get(json_object_get(j, "majority"), "credssp.version"));
	/* Two fields differ. */
	f = json_object_get(j, "fields");
	assert_int_equal(json_array_size(f), 2);
	s = dump(json_array_get(f, 0));
	assert_string_equal(
	    s,
	    "{\"field\":\"tls.versions\",\"majority\":{\"value\":[\"TLSv1.2\","
	    "\"TLSv1.3\"],\"count\":209,\"tie\":false},\"minorities\":[{"
	    "\"value\":[\"TLSv1.0\",\"TLSv1.2\",\"TLSv1.3\"],\"count\":3,"
	    "\"added\":[\"TLSv1.0\"],\"removed\":[],\"hosts\":[\"srv017\","
	    "\"srv101\",\"srv199\"]}]}");
	free(s);
	s = dump(json_array_get(f, 1));
	assert_string_equal(
	    s, "{\"field\":\"cert.issuer\",\"majority\":{\"value\":\"CN="
	       "rdpdoctor Lab Test CA\",\"count\":209,\"tie\":false},"
	       "\"minorities\":[{\"value\":\"CN=Old CA\",\"count\":3,\"added\":"
	       "null,\"removed\":null,\"hosts\":[\"srv050\",\"srv051\","
	       "\"srv101\"]}]}");
	free(s);
	/* Configurations: largest first, all hosts listed. */
	c = json_object_get(j, "configurations");
	assert_int_equal(json_array_size(c), 4);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(c, 0), "count")),
	    207);
	assert_int_equal(
	    json_array_size(json_object_get(json_array_get(c, 0), "hosts")),
	    207);
	s = dump(json_object_get(json_array_get(c, 0), "differs_in"));
	assert_string_equal(s, "[]");
	free(s);
	s = dump(json_object_get(json_array_get(c, 3), "differs_in"));
	assert_string_equal(s, "[\"tls.versions\",\"cert.issuer\"]");
	free(s);
	s = dump(json_object_get(json_array_get(c, 3), "hosts"));
	assert_string_equal(s, "[\"srv101\"]");
	free(s);
	json_decref(j);
	rdd_drift_free(d);
}

/* The lab's servers together: every kind of difference at once. */
static void
test_lab_mix(void **state)
{
	static const char *const names[] = {
	    "tls.rdpsrv.lab",    "expired.rdpsrv.lab", "weak.rdpsrv.lab",
	    "shadow.rdpsrv.lab", "nego.rdpsrv.lab",    "10.201.0.17"};
	struct rdd_drift *d = rdd_drift_new();
	char *text, *line;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_t *doc = doc_fixture(names[i]);

		assert_int_equal(rdd_drift_add(d, doc), 0);
		json_decref(doc);
	}
	text = report_text(d);
	assert_true(strncmp(text,
	                    "drift: 5 hosts reached, 1 unreachable; 3 "
	                    "configurations\n"
	                    "protocols: 3 of 5 hosts: SSL; 1 host also HYBRID, "
	                    "without SSL: shadow.rdpsrv.lab; 1 host also RDP: "
	                    "nego.rdpsrv.lab\n"
	                    "nla_required: 4 of 5 hosts: false; 1 host: true: "
	                    "shadow.rdpsrv.lab\n",
	                    strlen("drift: 5 hosts reached, 1 unreachable; 3 "
	                           "configurations\n"
	                           "protocols: 3 of 5 hosts: SSL; 1 host also "
	                           "HYBRID, without SSL: shadow.rdpsrv.lab; 1 "
	                           "host also RDP: nego.rdpsrv.lab\n"
	                           "nla_required: 4 of 5 hosts: false; 1 host: "
	                           "true: shadow.rdpsrv.lab\n")) == 0);
	line = strstr(text, "\ncredssp.version: ");
	assert_non_null(line);
	assert_true(strncmp(line + 1,
	                    "credssp.version: 4 of 5 hosts: (none); 1 host: 6: "
	                    "shadow.rdpsrv.lab\n",
	                    67) == 0);
	assert_non_null(strstr(text,
	                       "\ncert.issuer: 3 of 5 hosts: CN=rdpdoctor "
	                       "Lab Test CA; 1 host: CN=RDPLAB-SHADOW: "
	                       "shadow.rdpsrv.lab; 1 host: CN=nego."
	                       "rdpsrv.lab: nego.rdpsrv.lab\n"));
	assert_non_null(strstr(text, "\nunreachable: 10.201.0.17\n"));
	/* tls, expired and weak share one configuration: they differ only in
	 * what the fingerprint leaves out (dates, key size). */
	assert_null(strstr(text, "expired.rdpsrv.lab"));
	assert_null(strstr(text, "weak.rdpsrv.lab"));
	free(text);
	rdd_drift_free(d);
}

/* Two against two: a tie, marked, and settled by the value's order. */
static void
test_tie_and_escape(void **state)
{
	json_t *tls = doc_fixture("tls.rdpsrv.lab");
	struct rdd_drift *d = rdd_drift_new();
	static const char *const hosts[] = {"b", "a\033[2J", "c", "d"};
	char *text;

	(void)state;
	for (int i = 0; i < 4; i++) {
		json_t *doc = json_deep_copy(tls);

		doc_set_host(doc, hosts[i]);
		if (i >= 2) {
			doc_set(doc, "target.port", json_integer(3390));
			doc_set(doc, "negotiation.nla_required", json_true());
		}
		assert_int_equal(rdd_drift_add(d, doc), 0);
		json_decref(doc);
	}
	text = report_text(d);
	assert_string_equal(text,
	                    "drift: 4 hosts reached, 0 unreachable; 2 "
	                    "configurations\n"
	                    "nla_required: 2 of 4 hosts (tie): false; 2 hosts: "
	                    "true: c:3390, d:3390\n"
	                    "configuration 2 of 2: 2 hosts, differs in "
	                    "nla_required: c:3390, d:3390\n");
	free(text);
	/* The names of the majority are not listed in text; in JSON they
	 * are, as the documents had them. */
	json_t *j = rdd_drift_json(d);
	char *s = dump(json_object_get(
	    json_array_get(json_object_get(j, "configurations"), 0), "hosts"));
	assert_string_equal(s, "[\"a\\u001B[2J\",\"b\"]");
	free(s);
	json_decref(j);
	rdd_drift_free(d);

	/* A name and a value that need escaping in a listed group (U+202E,
	 * right-to-left override, is escaped too). */
	d = rdd_drift_new();
	for (int i = 0; i < 3; i++) {
		json_t *doc = json_deep_copy(tls);

		doc_set_host(doc, i == 0 ? "a\033[2J" : hosts[i + 1]);
		if (i == 0)
			doc_set(doc, "tls.certificate.issuer",
			        json_string("CN=\xe2\x80\xae evil"));
		assert_int_equal(rdd_drift_add(d, doc), 0);
		json_decref(doc);
	}
	text = report_text(d);
	assert_string_equal(text,
	                    "drift: 3 hosts reached, 0 unreachable; 2 "
	                    "configurations\n"
	                    "cert.issuer: 2 of 3 hosts: CN=rdpdoctor Lab Test "
	                    "CA; 1 host: CN=\\xe2\\x80\\xae evil: "
	                    "a\\x1b[2J\n"
	                    "configuration 2 of 2: 1 host, differs in "
	                    "cert.issuer: a\\x1b[2J\n");
	free(text);
	rdd_drift_free(d);
	json_decref(tls);
}

/* A name longer than kept is cut at a character boundary: the JSON
 * report can still be made. */
static void
test_long_name(void **state)
{
	json_t *doc = doc_fixture("tls.rdpsrv.lab"), *j, *h;
	struct rdd_drift *d = rdd_drift_new();
	char name[3 * 400 + 1] = "";
	const char *got;

	(void)state;
	for (int i = 0; i < 400; i++)
		strcat(name, "\xe2\x82\xac"); /* U+20AC, 3 bytes */
	doc_set_host(doc, name);
	assert_int_equal(rdd_drift_add(d, doc), 0);
	j = rdd_drift_json(d);
	assert_non_null(j);
	h = json_array_get(
	    json_object_get(
	        json_array_get(json_object_get(j, "configurations"), 0),
	        "hosts"),
	    0);
	got = json_string_value(h);
	assert_non_null(got);
	assert_int_equal(strlen(got), 510); /* 170 whole characters of 511 */
	json_decref(j);
	json_decref(doc);
	rdd_drift_free(d);
}

static void
test_empty_and_uniform(void **state)
{
	struct rdd_drift *d = rdd_drift_new();
	json_t *doc, *j;
	char *text, *s;

	(void)state;
	text = report_text(d);
	assert_string_equal(text, "drift: 0 hosts reached, 0 unreachable; 0 "
	                          "configurations\n");
	free(text);
	j = rdd_drift_json(d);
	s = dump(j);
	assert_string_equal(s, "{\"hosts\":0,\"reached\":0,\"unreachable\":[],"
	                       "\"majority\":{},\"fields\":[],"
	                       "\"configurations\":[]}");
	free(s);
	json_decref(j);
	/* Not a document. */
	j = json_string("x");
	assert_int_equal(rdd_drift_add(d, j), -1);
	json_decref(j);
	doc = doc_fixture("rdplow.rdpsrv.lab");
	assert_int_equal(rdd_drift_add(d, doc), 0);
	assert_int_equal(rdd_drift_add(d, doc), 0);
	json_decref(doc);
	text = report_text(d);
	assert_string_equal(text, "drift: 2 hosts reached, 0 unreachable; 1 "
	                          "configuration\n");
	free(text);
	rdd_drift_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fingerprint_lab),
	    cmocka_unit_test(test_fingerprint_canonical),
	    cmocka_unit_test(test_fleet_text),
	    cmocka_unit_test(test_fleet_json),
	    cmocka_unit_test(test_lab_mix),
	    cmocka_unit_test(test_tie_and_escape),
	    cmocka_unit_test(test_long_name),
	    cmocka_unit_test(test_empty_and_uniform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
