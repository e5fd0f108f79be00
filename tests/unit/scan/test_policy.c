/*
 * test_policy.c - lib/scan/policy*.c and baseline.c: the built-in baseline
 * against the lab's servers (every rule's status on every fixture, as the
 * lab's scenarios say each server is configured), each check kind on
 * edited documents (data missing is not_verified), hostile and malformed
 * policy files (the error and its position), the JSON and text forms and
 * the exit status.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "docs.h"
#include "scan/docfield.h"
#include "scan/policy.h"

static const char *const baseline_ids[] = {"nla-required",
                                           "security-layer-ssl",
                                           "rdp-security-refused",
                                           "encryption-level-high",
                                           "tls-1.2-minimum",
                                           "no-rc4",
                                           "no-3des",
                                           "cert-trusted",
                                           "cert-valid-30-days",
                                           "credssp-patched"};

/* P pass, F fail, N not verified, per rule of the baseline in order. */
static void
assert_statuses(const struct rdd_policy_result *r, const char *want)
{
	char got[RDD_POLICY_MAX_RULES + 1];

	for (size_t i = 0; i < r->n; i++)
		got[i] = "PFN"[r->rules[i].status];
	got[r->n] = '\0';
	assert_string_equal(got, want);
}

static struct rdd_policy_result *
eval_doc(const struct rdd_policy *p, const json_t *doc)
{
	static struct rdd_policy_result r;

	assert_int_equal(rdd_policy_evaluate(p, doc, &r), 0);
	return &r;
}

static struct rdd_policy_result *
eval_fixture(const struct rdd_policy *p, const char *name)
{
	json_t *doc = doc_fixture(name);
	struct rdd_policy_result *r = eval_doc(p, doc);

	json_decref(doc);
	return r;
}

static const char *
detail_of(const struct rdd_policy_result *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->rules[i].id, id) == 0)
			return r->rules[i].detail;
	fail_msg("no rule %s", id);
	return NULL;
}

static struct rdd_policy *
load(const char *text, char *err, size_t cap)
{
	return rdd_policy_load_buffer(text, strlen(text), "p.json", err, cap);
}

/* ---- The built-in baseline --------------------------------------------- */

static void
test_builtin(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin(), *q;
	json_t *j, *k;
	char *text, err[RDD_POLICY_ERR_MAX];

	(void)state;
	assert_non_null(p);
	assert_string_equal(rdd_policy_name(p), "rdpdoctor-baseline");
	assert_int_equal(rdd_policy_rule_count(p), 10);
	for (size_t i = 0; i < 10; i++)
		assert_string_equal(rdd_policy_rule_id(p, i), baseline_ids[i]);
	assert_null(rdd_policy_rule_id(p, 10));
	/* Its file form loads back to the same policy. */
	j = rdd_policy_to_json(p);
	assert_non_null(j);
	text = json_dumps(j, JSON_INDENT(2));
	q = load(text, err, sizeof(err));
	assert_non_null(q);
	k = rdd_policy_to_json(q);
	assert_true(json_equal(j, k));
	/* Every rule names a source document and setting. */
	for (size_t i = 0; i < 10; i++) {
		json_t *src = json_object_get(
		    json_array_get(json_object_get(j, "rules"), i), "source");

		assert_true(strlen(json_string_value(
		                json_object_get(src, "document"))) > 5);
		assert_true(strlen(json_string_value(
		                json_object_get(src, "setting"))) > 5);
	}
	free(text);
	json_decref(j);
	json_decref(k);
	rdd_policy_free(q);
	rdd_policy_free(p);
}

struct lab_case {
	const char *fixture;
	enum rdd_policy_host host;
	const char *statuses;
};

/*
 * What the lab's servers are (tests/lab/README.md, scenarios): xrdp never
 * requires NLA; tls/expired/expiring/weak/tls10 require TLS with a lab-CA
 * certificate (trusted with --ca-file); nego allows standard RDP security
 * at High level with a self-signed certificate; .11 and rdplow are
 * standard RDP security only (High, Low); tls10 accepts TLS 1.0 only;
 * nocipher sends no certificate (an anonymous suite: a fail); shadow (FreeRDP) requires NLA, CredSSP 6,
 * self-signed.
 */
static const struct lab_case lab[] = {
    {"tls.rdpsrv.lab", RDD_POLICY_HOST_FAIL, "FPPPPPPPPN"},
    {"tls.rdpsrv.lab-no-tls-full", RDD_POLICY_HOST_FAIL, "FPPPNNNPPN"},
    {"nego.rdpsrv.lab", RDD_POLICY_HOST_FAIL, "FFFPPPPFPN"},
    {"10.201.0.11", RDD_POLICY_HOST_FAIL, "FFFPNNNNNN"},
    {"rdplow.rdpsrv.lab", RDD_POLICY_HOST_FAIL, "FFFFNNNNNN"},
    {"shadow.rdpsrv.lab", RDD_POLICY_HOST_FAIL, "PPPPPPPFPP"},
    {"tls10.rdpsrv.lab", RDD_POLICY_HOST_FAIL, "FPPPFPPPPN"},
    {"expired.rdpsrv.lab", RDD_POLICY_HOST_FAIL, "FPPPPPPPFN"},
    {"expiring.rdpsrv.lab", RDD_POLICY_HOST_FAIL, "FPPPPPPPFN"},
    {"weak.rdpsrv.lab", RDD_POLICY_HOST_FAIL, "FPPPPPPPPN"},
    {"nocipher.rdpsrv.lab", RDD_POLICY_HOST_FAIL, "FPPPPPPFFN"},
};

static void
test_builtin_on_lab(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin();

	(void)state;
	for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
		struct rdd_policy_result *r = eval_fixture(p, lab[i].fixture);

		print_message("%s\n", lab[i].fixture);
		assert_int_equal(r->host, lab[i].host);
		assert_int_equal(r->n, 10);
		assert_statuses(r, lab[i].statuses);
		for (size_t k = 0; k < r->n; k++)
			assert_string_equal(r->rules[k].id, baseline_ids[k]);
	}
	rdd_policy_free(p);
}

/* The details say what was observed. */
static void
test_builtin_details(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin();
	struct rdd_policy_result *r;

	(void)state;
	r = eval_fixture(p, "tls10.rdpsrv.lab");
	assert_string_equal(detail_of(r, "tls-1.2-minimum"),
	                    "accepted TLSv1.0 (below TLSv1.2)");
	assert_string_equal(detail_of(r, "rdp-security-refused"),
	                    "refused: attempt C asked for it alone: "
	                    "SSL_REQUIRED_BY_SERVER");
	r = eval_fixture(p, "expired.rdpsrv.lab");
	assert_string_equal(detail_of(r, "cert-valid-30-days"),
	                    "tls.certificate.days_left = -2531 (expired; more "
	                    "than 30 needed)");
	assert_string_equal(detail_of(r, "cert-trusted"),
	                    "tls.certificate.trusted = true (issuer "
	                    "CN=rdpdoctor Lab Test CA)");
	r = eval_fixture(p, "expiring.rdpsrv.lab");
	assert_string_equal(detail_of(r, "cert-valid-30-days"),
	                    "tls.certificate.days_left = 9 (too few; more "
	                    "than 30 needed)");
	r = eval_fixture(p, "rdplow.rdpsrv.lab");
	assert_string_equal(detail_of(r, "encryption-level-high"),
	                    "mcs.encryption_level = 1 (low; high or higher "
	                    "needed)");
	assert_string_equal(detail_of(r, "rdp-security-refused"),
	                    "attempt A: selected standard RDP security");
	assert_string_equal(detail_of(r, "no-rc4"),
	                    "no suite seen: 5 of 5 enumeration connections "
	                    "got no answer");
	assert_string_equal(detail_of(r, "tls-1.2-minimum"),
	                    "none below TLSv1.2 seen, but 5 of 5 enumeration "
	                    "connections got no answer");
	r = eval_fixture(p, "nego.rdpsrv.lab");
	assert_string_equal(detail_of(r, "security-layer-ssl"),
	                    "negotiation.security_layer = negotiate (allowed: "
	                    "tls)");
	assert_string_equal(detail_of(r, "rdp-security-refused"),
	                    "attempt C: selected standard RDP security");
	assert_string_equal(detail_of(r, "encryption-level-high"),
	                    "mcs.encryption_level = 3 (high)");
	assert_string_equal(detail_of(r, "cert-trusted"),
	                    "tls.certificate.trusted = false (self-signed "
	                    "certificate)");
	r = eval_fixture(p, "shadow.rdpsrv.lab");
	assert_string_equal(detail_of(r, "credssp-patched"),
	                    "credssp.server_version = 6");
	assert_string_equal(detail_of(r, "nla-required"),
	                    "negotiation.nla_required = true");
	assert_string_equal(detail_of(r, "no-3des"),
	                    "none of the 16 accepted suites matches");
	r = eval_fixture(p, "tls.rdpsrv.lab-no-tls-full");
	assert_string_equal(detail_of(r, "no-rc4"),
	                    "tls.ciphers absent: the check ran without "
	                    "--tls-full");
	assert_string_equal(detail_of(r, "credssp-patched"),
	                    "credssp is null or absent: CredSSP did not run");
	rdd_policy_free(p);
}

static void
test_unreachable(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin();
	struct rdd_policy_result *r;
	struct rdd_policy_result bad;

	(void)state;
	r = eval_fixture(p, "10.201.0.17");
	assert_int_equal(r->host, RDD_POLICY_HOST_UNREACHABLE);
	assert_int_equal(r->n, 0);
	assert_string_equal(r->detail,
	                    "tcp failed: connection refused (ECONNREFUSED)");
	r = eval_fixture(p, "nxdomain.rdpsrv.lab");
	assert_int_equal(r->host, RDD_POLICY_HOST_UNREACHABLE);
	assert_string_equal(r->detail, "resolve failed: nxdomain.rdpsrv.lab: "
	                               "temporary failure (EAI_AGAIN)");
	/* Not a document at all. */
	json_t *arr = json_array();
	assert_int_equal(rdd_policy_evaluate(p, arr, &bad), -1);
	json_decref(arr);
	rdd_policy_free(p);
}

/* ---- Each check kind on edited documents ------------------------------- */

static void
add_cipher(json_t *doc, const char *version, const char *name,
           const char *strength)
{
	json_t *c =
	    json_pack("{s:s, s:s, s:s, s:s, s:n}", "version", version, "id",
	              "0x0005", "name", name, "strength", strength, "rank");

	assert_non_null(c);
	json_array_append_new(
	    json_object_get(json_object_get(doc, "tls"), "ciphers"), c);
}

static const char *
status_after(const struct rdd_policy *p, json_t *doc, const char *id)
{
	struct rdd_policy_result *r = eval_doc(p, doc);

	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->rules[i].id, id) == 0)
			return rdd_policy_status_name(r->rules[i].status);
	return "missing";
}

static void
test_ciphers(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin();
	json_t *doc = doc_fixture("tls.rdpsrv.lab");

	(void)state;
	assert_string_equal(status_after(p, doc, "no-rc4"), "pass");
	add_cipher(doc, "TLSv1.2", "TLS_RSA_WITH_RC4_128_SHA", "insecure");
	assert_string_equal(status_after(p, doc, "no-rc4"), "fail");
	assert_string_equal(detail_of(eval_doc(p, doc), "no-rc4"),
	                    "1 accepted: TLSv1.2 TLS_RSA_WITH_RC4_128_SHA");
	assert_string_equal(status_after(p, doc, "no-3des"), "pass");
	add_cipher(doc, "TLSv1.0", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "weak");
	add_cipher(doc, "TLSv1.2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "weak");
	assert_string_equal(
	    detail_of(eval_doc(p, doc), "no-3des"),
	    "2 accepted: TLSv1.0 TLS_RSA_WITH_3DES_EDE_CBC_SHA, "
	    "TLSv1.2 TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	json_decref(doc);

	/* Unanswered enumeration connections: a suite not seen may be there. */
	doc = doc_fixture("tls.rdpsrv.lab");
	doc_set(doc, "tls.enumeration.failed", json_integer(2));
	assert_string_equal(status_after(p, doc, "no-rc4"), "not_verified");
	assert_string_equal(detail_of(eval_doc(p, doc), "no-rc4"),
	                    "none of the 23 suites seen matches, but 2 of 36 "
	                    "enumeration connections got no answer");
	assert_string_equal(status_after(p, doc, "tls-1.2-minimum"),
	                    "not_verified");
	/* ... but one seen is enough to fail. */
	add_cipher(doc, "TLSv1.2", "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
	           "insecure");
	assert_string_equal(status_after(p, doc, "no-rc4"), "fail");
	json_decref(doc);
	rdd_policy_free(p);
}

static void
test_tls_versions(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin();
	json_t *doc = doc_fixture("tls.rdpsrv.lab"), *v;

	(void)state;
	/* TLS 1.1 accepted. */
	v = json_array_get(
	    json_object_get(json_object_get(doc, "tls"), "versions"), 2);
	assert_string_equal(json_string_value(json_object_get(v, "version")),
	                    "TLSv1.1");
	json_object_set_new(v, "accepted", json_true());
	assert_string_equal(detail_of(eval_doc(p, doc), "tls-1.2-minimum"),
	                    "accepted TLSv1.1 (below TLSv1.2)");
	/* A list that lacks a version below the minimum proves nothing. */
	json_object_set_new(v, "accepted", json_false());
	json_array_remove(
	    json_object_get(json_object_get(doc, "tls"), "versions"), 0);
	assert_string_equal(status_after(p, doc, "tls-1.2-minimum"),
	                    "not_verified");
	json_decref(doc);
	rdd_policy_free(p);
}

static void
test_missing_data(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin();
	json_t *doc = doc_fixture("shadow.rdpsrv.lab");

	(void)state;
	assert_statuses(eval_doc(p, doc), "PPPPPPPFPP");
	doc_set(doc, "negotiation.nla_required", json_null());
	doc_set(doc, "negotiation.security_layer", json_string("unknown"));
	doc_set(doc, "tls.certificate.trusted", json_null());
	doc_set(doc, "tls.certificate.days_left", json_null());
	doc_set(doc, "credssp.server_version", json_null());
	assert_statuses(eval_doc(p, doc), "NNPPPPPNNN");
	assert_int_equal(eval_doc(p, doc)->host, RDD_POLICY_HOST_NOT_VERIFIED);
	/* Wrong types are missing data, not a crash. */
	doc_set(doc, "negotiation.attempts", json_string("A"));
	doc_set(doc, "tls", json_integer(7));
	doc_set(doc, "credssp", json_true());
	assert_statuses(eval_doc(p, doc), "NNNNNNNNNN");
	json_decref(doc);

	/* CredSSP below 5: the CVE-2018-0886 fix is missing. */
	doc = doc_fixture("shadow.rdpsrv.lab");
	doc_set(doc, "credssp.server_version", json_integer(3));
	assert_string_equal(detail_of(eval_doc(p, doc), "credssp-patched"),
	                    "credssp.server_version = 3 (5 or later needed)");
	assert_int_equal(eval_doc(p, doc)->host, RDD_POLICY_HOST_FAIL);
	json_decref(doc);
	rdd_policy_free(p);
}

/* A pre-Vista server (no negotiation data) offers only RDP security. */
static void
test_rdp_security_pre_vista(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin();
	json_t *doc = doc_fixture("tls.rdpsrv.lab");
	json_t *a = json_array_get(
	    json_object_get(json_object_get(doc, "negotiation"), "attempts"),
	    0);

	(void)state;
	json_object_set_new(a, "x224", json_string("no_negotiation_data"));
	assert_string_equal(detail_of(eval_doc(p, doc), "rdp-security-refused"),
	                    "attempt A: no negotiation data (standard RDP "
	                    "security only)");
	json_decref(doc);
	rdd_policy_free(p);
}

/* The kinds the baseline does not use, in a policy of their own. */
static const char custom[] =
    "{\"name\": \"custom\", \"rules\": [\n"
    " {\"id\": \"strong-only\", \"title\": \"t\", \"check\": "
    "\"no_cipher_matching\", \"strength\": [\"insecure\", \"weak\"],\n"
    "  \"source\": {\"document\": \"d\", \"setting\": \"s\"}},\n"
    " {\"id\": \"no-weak-cert\", \"title\": \"t\", \"check\": "
    "\"finding_absent\", \"finding\": \"cert-weak\",\n"
    "  \"source\": {\"document\": \"d\", \"setting\": \"s\"}},\n"
    " {\"id\": \"no-critical\", \"title\": \"t\", \"check\": "
    "\"no_finding_of_severity\", \"severity\": \"critical\",\n"
    "  \"source\": {\"document\": \"d\", \"setting\": \"s\"}},\n"
    " {\"id\": \"layer\", \"title\": \"t\", \"check\": "
    "\"security_layer_in\", \"values\": [\"negotiate\", \"tls\"],\n"
    "  \"source\": {\"document\": \"d\", \"setting\": \"s\"}},\n"
    " {\"id\": \"tls13\", \"title\": \"t\", \"check\": "
    "\"min_tls_version\", \"version\": \"TLSv1.3\",\n"
    "  \"source\": {\"document\": \"d\", \"setting\": \"s\"}},\n"
    " {\"id\": \"fips\", \"title\": \"t\", \"check\": "
    "\"min_encryption_level\", \"level\": \"fips\",\n"
    "  \"source\": {\"document\": \"d\", \"setting\": \"s\"}}\n"
    "]}\n";

static void
test_custom_kinds(void **state)
{
	char err[RDD_POLICY_ERR_MAX];
	struct rdd_policy *p = load(custom, err, sizeof(err));
	struct rdd_policy_result *r;

	(void)state;
	assert_non_null(p);
	r = eval_fixture(p, "nocipher.rdpsrv.lab");
	assert_statuses(r, "FPFPFP");
	print_message("%s\n", detail_of(r, "strong-only"));
	assert_true(strncmp(detail_of(r, "strong-only"),
	                    "13 accepted: TLSv1.2 TLS_DH_anon_WITH_AES_128_CBC_"
	                    "SHA, TLSv1.2 TLS_ECDH_anon_WITH_AES_256_CBC_SHA, ",
	                    94) == 0);
	assert_true(strlen(detail_of(r, "strong-only")) <
	            RDD_POLICY_DETAIL_MAX);
	assert_true(strstr(detail_of(r, "strong-only"), "_SHA, ...") != NULL);
	/* No certificate at all: no weak one (cert-trusted fails instead). */
	assert_string_equal(detail_of(r, "no-weak-cert"),
	                    "cert-weak absent; phase tls: ok");
	assert_string_equal(detail_of(r, "no-critical"),
	                    "1 found: tls-no-common-cipher (critical)");
	r = eval_fixture(p, "weak.rdpsrv.lab");
	assert_statuses(r, "PFPPFP");
	assert_true(strncmp(detail_of(r, "no-weak-cert"), "cert-weak: ", 11) ==
	            0);
	r = eval_fixture(p, "tls.rdpsrv.lab");
	assert_statuses(r, "PPPPFP");
	assert_string_equal(detail_of(r, "no-weak-cert"),
	                    "cert-weak absent; phase tls: ok");
	assert_string_equal(detail_of(r, "tls13"),
	                    "accepted TLSv1.2 (below TLSv1.3)");
	r = eval_fixture(p, "nego.rdpsrv.lab");
	assert_string_equal(detail_of(r, "fips"),
	                    "mcs.encryption_level = 3 (high; fips or higher "
	                    "needed)");
	r = eval_fixture(p, "expired.rdpsrv.lab");
	assert_string_equal(detail_of(r, "no-critical"),
	                    "1 found: cert-expired (critical)");
	r = eval_fixture(p, "10.201.0.11");
	assert_string_equal(detail_of(r, "no-weak-cert"),
	                    "cert-weak absent, but phase tls was not ok "
	                    "(skipped)");
	assert_string_equal(detail_of(r, "layer"),
	                    "negotiation.security_layer = rdp (allowed: "
	                    "negotiate, tls)");
	rdd_policy_free(p);
}

/* ---- Policy files: base, omit, replace --------------------------------- */

static void
test_base_omit_replace(void **state)
{
	static const char text[] =
	    "{\"name\": \"ours\", \"base\": \"builtin\",\n"
	    " \"omit\": [\"cert-trusted\", \"credssp-patched\"],\n"
	    " \"rules\": [\n"
	    "  {\"id\": \"cert-valid-30-days\", \"title\": \"60 days\",\n"
	    "   \"source\": {\"document\": \"ours\", \"setting\": \"60\"},\n"
	    "   \"check\": \"cert_min_days_left\", \"days\": 400},\n"
	    "  {\"id\": \"x-no-medium\", \"title\": \"no medium\",\n"
	    "   \"source\": {\"document\": \"ours\", \"setting\": \"m\"},\n"
	    "   \"check\": \"no_cipher_matching\", \"strength\": "
	    "[\"medium\"]}]}";
	char err[RDD_POLICY_ERR_MAX];
	struct rdd_policy *p = load(text, err, sizeof(err));
	struct rdd_policy_result *r;

	(void)state;
	assert_non_null(p);
	assert_int_equal(rdd_policy_rule_count(p), 9);
	assert_string_equal(rdd_policy_rule_id(p, 6), "no-3des");
	assert_string_equal(rdd_policy_rule_id(p, 7), "cert-valid-30-days");
	assert_string_equal(rdd_policy_rule_id(p, 8), "x-no-medium");
	r = eval_fixture(p, "shadow.rdpsrv.lab");
	assert_statuses(r, "PPPPPPPPF");
	assert_string_equal(detail_of(r, "cert-valid-30-days"),
	                    "tls.certificate.days_left = 1824");
	assert_string_equal(r->rules[7].title, "60 days");
	rdd_policy_free(p);
}

/* ---- Errors -------------------------------------------------------------- */

struct bad {
	const char *text;
	const char *err; /* exact, or a prefix when PREFIX */
	int prefix;
};

#define RULE(extra)                                                            \
	"{\"name\": \"n\", \"rules\": [{\"id\": \"r1\", \"title\": \"t\", "    \
	"\"source\": {\"document\": \"d\", \"setting\": \"s\"}, " extra "}]}"

static const struct bad bads[] = {
    /* JSON syntax: jansson's position. */
    {"", "p.json:1:0: ", 1},
    {"{\n  \"name\": \"n\",\n  \"rules\": [\n    {\"id\" \"x\"}\n  ]\n}",
     "p.json:4:13: ':' expected", 1},
    {"{\"name\": \"n\", \"name\": \"m\"}", "p.json:1:20: duplicate object key",
     1},
    {"{\"name\": \"n\"} x", "p.json:1:15: end of file expected", 1},
    {"{\"name\": \"\\u0000\"}", "p.json:1:17: \\u0000 is not allowed", 1},
    /* The shape. */
    {"[]", "p.json: a policy is a JSON object", 0},
    {"{\"name\": \"n\", \"rulez\": []}",
     "p.json: unknown key \"rulez\" in the policy", 0},
    {"{\"name\": \"n\", \"\\u001b[2J\": 1}",
     "p.json: unknown key \"\\x1b[2J\" in the policy", 0},
    {"{\"rules\": []}", "p.json: missing key \"name\"", 0},
    {"{\"name\": \"n\"}", "p.json: missing key \"rules\"", 0},
    {"{\"name\": \"n\", \"rules\": []}", "p.json: the policy has no rule", 0},
    {"{\"name\": \"n\", \"rules\": {}}", "p.json: \"rules\" must be an array",
     0},
    {"{\"name\": \"n\", \"schema\": 2, \"rules\": []}",
     "p.json: \"schema\" must be 1", 0},
    {"{\"name\": 5, \"rules\": []}", "p.json: \"name\" must be a string", 0},
    {"{\"name\": \"a\\u001b[31mb\", \"rules\": []}",
     "p.json: \"name\" holds a control character", 0},
    {"{\"name\": \"a\\u0085b\", \"rules\": []}",
     "p.json: \"name\" holds a control character", 0},
    {"{\"name\": \"n\", \"base\": \"cis\"}",
     "p.json: \"base\" must be \"builtin\"", 0},
    {"{\"name\": \"n\", \"omit\": [\"no-rc4\"], \"rules\": []}",
     "p.json: \"omit\" needs \"base\"", 0},
    {"{\"name\": \"n\", \"base\": \"builtin\", \"omit\": [\"no-rc5\"]}",
     "p.json: omit[0]: no rule \"no-rc5\" in the base", 0},
    {"{\"name\": \"n\", \"base\": \"builtin\", \"omit\": \"no-rc4\"}",
     "p.json: \"omit\" must be an array of rule ids", 0},
    /* Rules. */
    {"{\"name\": \"n\", \"rules\": [7]}",
     "p.json: rules[0]: a rule must be an object", 0},
    {"{\"name\": \"n\", \"rules\": [{\"check\": \"nla_required\"}]}",
     "p.json: rules[0]: missing string \"id\"", 0},
    {"{\"name\": \"n\", \"rules\": [{\"id\": \"Bad Id\"}]}",
     "p.json: rules[0]: id \"Bad Id\": use 1 to 48 of a-z 0-9 . _ - "
     "(starting with a letter or digit)",
     0},
    {"{\"name\": \"n\", \"rules\": [{\"id\": \"-x\"}]}",
     "p.json: rules[0]: id \"-x\": use 1 to 48 of a-z 0-9 . _ - (starting "
     "with a letter or digit)",
     0},
    {"{\"name\": \"n\", \"rules\": [{\"id\": \"r1\"}]}",
     "p.json: rules[0] (\"r1\"): missing string \"check\"", 0},
    {RULE("\"check\": \"nla_requird\""),
     "p.json: rules[0] (\"r1\"): unknown check \"nla_requird\"", 0},
    {RULE("\"check\": \"nla_required\", \"severity\": \"high\""),
     "p.json: rules[0] (\"r1\"): unknown key \"severity\" in this rule", 0},
    {RULE("\"check\": \"cert_min_days_left\", \"dayz\": 30"),
     "p.json: rules[0] (\"r1\"): unknown key \"dayz\" in this rule", 0},
    {RULE("\"check\": \"cert_min_days_left\""),
     "p.json: rules[0] (\"r1\"): missing key \"days\"", 0},
    {RULE("\"check\": \"cert_min_days_left\", \"days\": -1"),
     "p.json: rules[0] (\"r1\"): \"days\" must be an integer from 0 to "
     "36500",
     0},
    {RULE("\"check\": \"cert_min_days_left\", \"days\": \"30\""),
     "p.json: rules[0] (\"r1\"): \"days\" must be an integer from 0 to "
     "36500",
     0},
    {RULE("\"check\": \"cert_min_days_left\", \"days\": 30.0"),
     "p.json: rules[0] (\"r1\"): \"days\" must be an integer from 0 to "
     "36500",
     0},
    {RULE("\"check\": \"credssp_min_version\", \"version\": 99999999999"),
     "p.json: rules[0] (\"r1\"): \"version\" must be an integer from 1 to "
     "255",
     0},
    {RULE("\"check\": \"min_tls_version\", \"version\": \"TLSv1.4\""),
     "p.json: rules[0] (\"r1\"): unknown version \"TLSv1.4\"", 0},
    {RULE("\"check\": \"min_tls_version\", \"version\": 3"),
     "p.json: rules[0] (\"r1\"): \"version\" must be a string", 0},
    {RULE("\"check\": \"min_encryption_level\", \"level\": \"\""),
     "p.json: rules[0] (\"r1\"): unknown level \"\"", 0},
    {RULE("\"check\": \"security_layer_in\", \"values\": []"),
     "p.json: rules[0] (\"r1\"): \"values\" must be a non-empty array", 0},
    {RULE("\"check\": \"security_layer_in\", \"values\": [\"tls\", "
          "\"ssl\"]"),
     "p.json: rules[0] (\"r1\"): values[1]: unknown value \"ssl\"", 0},
    {RULE("\"check\": \"no_cipher_matching\""),
     "p.json: rules[0] (\"r1\"): needs \"names_containing\" or "
     "\"strength\"",
     0},
    {RULE("\"check\": \"no_cipher_matching\", \"names_containing\": "
          "[\"\"]"),
     "p.json: rules[0] (\"r1\"): names_containing[0] must be a string of 1 "
     "to 64 printable bytes",
     0},
    {RULE("\"check\": \"no_cipher_matching\", \"strength\": [1]"),
     "p.json: rules[0] (\"r1\"): strength[0]: unknown value \"(not a "
     "string)\"",
     0},
    {RULE("\"check\": \"finding_absent\", \"finding\": \"cert-expird\""),
     "p.json: rules[0] (\"r1\"): unknown finding \"cert-expird\" "
     "(docs/DIAGNOSES.md lists the ids)",
     0},
    {RULE("\"check\": \"no_finding_of_severity\", \"severity\": \"high\""),
     "p.json: rules[0] (\"r1\"): unknown severity \"high\"", 0},
    {"{\"name\": \"n\", \"rules\": [{\"id\": \"r1\", \"check\": "
     "\"nla_required\", \"title\": \"t\"}]}",
     "p.json: rules[0] (\"r1\"): missing key \"source\"", 0},
    {"{\"name\": \"n\", \"rules\": [{\"id\": \"r1\", \"check\": "
     "\"nla_required\", \"title\": \"t\", \"source\": \"CIS\"}]}",
     "p.json: rules[0] (\"r1\"): \"source\" must be an object with "
     "\"document\" and \"setting\"",
     0},
    {"{\"name\": \"n\", \"rules\": [{\"id\": \"r1\", \"check\": "
     "\"nla_required\", \"title\": \"t\", \"source\": {\"document\": "
     "\"d\"}}]}",
     "p.json: rules[0] (\"r1\").source: missing key \"setting\"", 0},
    {"{\"name\": \"n\", \"rules\": [{\"id\": \"r1\", \"check\": "
     "\"nla_required\", \"title\": \"t\", \"source\": {\"document\": "
     "\"d\", \"setting\": \"s\", \"url\": \"u\"}}]}",
     "p.json: rules[0] (\"r1\").source: unknown key \"url\" in a source", 0},
    {"{\"name\": \"n\", \"rules\": [{\"id\": \"r1\", \"check\": "
     "\"nla_required\", \"source\": {\"document\": \"d\", \"setting\": "
     "\"s\"}}]}",
     "p.json: rules[0] (\"r1\"): missing key \"title\"", 0},
    {"{\"name\": \"n\", \"rules\": [{\"id\": \"a\", \"check\": "
     "\"nla_required\", \"title\": \"t\", \"source\": {\"document\": "
     "\"d\", \"setting\": \"s\"}}, {\"id\": \"a\", \"check\": "
     "\"cert_trusted\", \"title\": \"t\", \"source\": {\"document\": "
     "\"d\", \"setting\": \"s\"}}]}",
     "p.json: rules[1] (\"a\"): a second rule with this id", 0},
};

static void
test_errors(void **state)
{
	char err[RDD_POLICY_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct rdd_policy *p;

		memset(err, 'x', sizeof(err));
		p = load(bads[i].text, err, sizeof(err));
		print_message("%zu: %s\n", i, err);
		assert_null(p);
		if (bads[i].prefix)
			assert_true(strncmp(err, bads[i].err,
			                    strlen(bads[i].err)) == 0);
		else
			assert_string_equal(err, bads[i].err);
	}
}

/* Replacing a base rule twice, and more rules than allowed. */
static void
test_errors_counted(void **state)
{
	char err[RDD_POLICY_ERR_MAX], *text;
	size_t cap = 100000, len;
	struct rdd_policy *p;

	(void)state;
	text = malloc(cap);
	assert_non_null(text);
	len = (size_t)snprintf(text, cap, "{\"name\": \"n\", \"rules\": [");
	for (int i = 0; i <= RDD_POLICY_MAX_RULES; i++)
		len += (size_t)snprintf(
		    text + len, cap - len,
		    "%s{\"id\": \"r%d\", \"title\": \"t\", \"check\": "
		    "\"cert_trusted\", \"source\": {\"document\": \"d\", "
		    "\"setting\": \"s\"}}",
		    i ? ", " : "", i);
	snprintf(text + len, cap - len, "]}");
	p = load(text, err, sizeof(err));
	assert_null(p);
	assert_string_equal(err, "p.json: rules[64] (\"r64\"): more than 64 "
	                         "rules");
	free(text);

	p = load("{\"name\": \"n\", \"base\": \"builtin\", \"rules\": ["
	         "{\"id\": \"no-rc4\", \"title\": \"t\", \"check\": "
	         "\"cert_trusted\", \"source\": {\"document\": \"d\", "
	         "\"setting\": \"s\"}},"
	         "{\"id\": \"no-rc4\", \"title\": \"t\", \"check\": "
	         "\"cert_trusted\", \"source\": {\"document\": \"d\", "
	         "\"setting\": \"s\"}}]}",
	         err, sizeof(err));
	assert_null(p);
	assert_string_equal(err,
	                    "p.json: rules[1] (\"no-rc4\"): a second rule with "
	                    "this id");
	/* A short error buffer is still terminated. */
	p = load("[]", err, 8);
	assert_null(p);
	assert_string_equal(err, "p.json:");
}

static void
test_load_file(void **state)
{
	char path[] = "/tmp/rdd-test-policy-XXXXXX", err[RDD_POLICY_ERR_MAX];
	char *big;
	struct rdd_policy *p;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(custom, f);
	fclose(f);
	p = rdd_policy_load_file(path, err, sizeof(err));
	assert_non_null(p);
	assert_string_equal(rdd_policy_name(p), "custom");
	rdd_policy_free(p);

	/* Larger than the limit: refused before parsing. */
	big = malloc(RDD_POLICY_MAX_FILE + 2);
	assert_non_null(big);
	memset(big, ' ', RDD_POLICY_MAX_FILE + 1);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(big, 1, RDD_POLICY_MAX_FILE + 1, f);
	fclose(f);
	free(big);
	p = rdd_policy_load_file(path, err, sizeof(err));
	assert_null(p);
	assert_true(strstr(err, ": larger than 1048576 bytes") != NULL);
	unlink(path);

	p = rdd_policy_load_file("/nonexistent/p.json", err, sizeof(err));
	assert_null(p);
	assert_string_equal(err,
	                    "/nonexistent/p.json: No such file or directory");
}

/* ---- Output ---------------------------------------------------------------- */

static void
test_result_json(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin();
	struct rdd_policy_result *r = eval_fixture(p, "tls10.rdpsrv.lab");
	json_t *j = rdd_policy_result_json(p, r), *rule;
	char *s;

	(void)state;
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "name")),
	                    "rdpdoctor-baseline");
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	                    "fail");
	assert_true(json_is_null(json_object_get(j, "detail")));
	assert_int_equal(json_integer_value(json_object_get(j, "passed")), 7);
	assert_int_equal(json_integer_value(json_object_get(j, "failed")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "not_verified")),
	                 1);
	rule = json_array_get(json_object_get(j, "rules"), 4);
	s = json_dumps(rule, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(
	    s,
	    "{\"id\":\"tls-1.2-minimum\",\"title\":\"No TLS version below 1.2 "
	    "is accepted\",\"status\":\"fail\",\"detail\":\"accepted "
	    "TLSv1.0 (below TLSv1.2)\"}");
	free(s);
	json_decref(j);

	r = eval_fixture(p, "10.201.0.17");
	j = rdd_policy_result_json(p, r);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(
	    s, "{\"name\":\"rdpdoctor-baseline\",\"status\":\"unreachable\","
	       "\"detail\":\"tcp failed: connection refused (ECONNREFUSED)\","
	       "\"passed\":0,\"failed\":0,\"not_verified\":0,\"rules\":[]}");
	free(s);
	json_decref(j);
	rdd_policy_free(p);
}

static void
test_result_text(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin();
	struct rdd_policy_result *r = eval_fixture(p, "nego.rdpsrv.lab");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(rdd_policy_result_text(out, "nego.rdpsrv.lab", r, 0),
	                 0);
	r = eval_fixture(p, "10.201.0.17");
	assert_int_equal(rdd_policy_result_text(out, "evil\033[2J", r, 0), 0);
	fclose(out);
	assert_string_equal(
	    buf,
	    "nego.rdpsrv.lab: fail (5 pass, 4 fail, 1 not verified)\n"
	    "  fail         nla-required: negotiation.nla_required = false\n"
	    "  fail         security-layer-ssl: negotiation.security_layer = "
	    "negotiate (allowed: tls)\n"
	    "  fail         rdp-security-refused: attempt C: selected standard "
	    "RDP security\n"
	    "  fail         cert-trusted: tls.certificate.trusted = false "
	    "(self-signed certificate)\n"
	    "  not verified credssp-patched: credssp is null or absent: "
	    "CredSSP did not run\n"
	    "evil\\x1b[2J: unreachable (tcp failed: connection refused "
	    "(ECONNREFUSED))\n");
	free(buf);
	rdd_policy_free(p);
}

static void
test_exit_code(void **state)
{
	struct rdd_policy_tally t = {0};
	struct rdd_policy_result r = {0};

	(void)state;
	assert_int_equal(rdd_policy_exit_code(&t), 0);
	r.host = RDD_POLICY_HOST_PASS;
	rdd_policy_tally_add(&t, &r);
	rdd_policy_tally_add(&t, &r);
	assert_int_equal(rdd_policy_exit_code(&t), RDD_POLICY_EXIT_PASS);
	r.host = RDD_POLICY_HOST_NOT_VERIFIED;
	rdd_policy_tally_add(&t, &r);
	assert_int_equal(rdd_policy_exit_code(&t), RDD_POLICY_EXIT_FAIL);
	r.host = RDD_POLICY_HOST_FAIL;
	rdd_policy_tally_add(&t, &r);
	assert_int_equal(rdd_policy_exit_code(&t), RDD_POLICY_EXIT_FAIL);
	r.host = RDD_POLICY_HOST_UNREACHABLE;
	rdd_policy_tally_add(&t, &r);
	assert_int_equal(rdd_policy_exit_code(&t), RDD_POLICY_EXIT_UNREACHABLE);
	assert_int_equal(t.hosts, 5);
	assert_int_equal(t.passed, 2);
	assert_int_equal(t.failed, 1);
	assert_int_equal(t.not_verified, 1);
	assert_int_equal(t.unreachable, 1);
	assert_string_equal(rdd_policy_host_name(RDD_POLICY_HOST_UNREACHABLE),
	                    "unreachable");
}

/* Details are cut at a character boundary, so the JSON form stays valid. */
static void
test_detail_utf8(void **state)
{
	struct rdd_policy *p = rdd_policy_builtin();
	json_t *doc = doc_fixture("nego.rdpsrv.lab"), *j;
	char longerr[1200] = "";
	struct rdd_policy_result *r;
	const char *d;

	(void)state;
	for (int i = 0; i < 300; i++)
		strcat(longerr, "\xc3\xa9"); /* U+00E9, 2 bytes */
	doc_set(doc, "tls.certificate.trust_error", json_string(longerr));
	r = eval_doc(p, doc);
	d = detail_of(r, "cert-trusted");
	assert_true(strlen(d) < RDD_POLICY_DETAIL_MAX);
	assert_true(strlen(d) > RDD_POLICY_DETAIL_MAX - 4);
	/* "tls.certificate.trusted = false (" is 33 bytes: the cut leaves
	 * whole characters. */
	assert_int_equal((strlen(d) - 33) % 2, 0);
	j = rdd_policy_result_json(p, r);
	assert_non_null(j);
	json_decref(j);
	json_decref(doc);

	/* A suite's name cut inside a character in the list of hits (the
	 * fuzzer's find): "TLSv1.2 ", "TLS_RSA_WITH_RC4_128_" and 97 bytes,
	 * then U+00E9 straddling the 127 bytes an entry keeps; another entry
	 * after it. */
	{
		char name[200];
		json_t *str;

		strcpy(name, "TLS_RSA_WITH_RC4_128_");
		memset(name + 21, 'A', 97);
		name[118] = '\0';
		strcat(name, "\xc3\xa9\xc3\xa9");
		doc = doc_fixture("tls.rdpsrv.lab");
		add_cipher(doc, "TLSv1.2", name, "insecure");
		/* Not the last entry: the detail's own trim is at its end. */
		add_cipher(doc, "TLSv1.2", "TLS_RSA_WITH_RC4_128_SHA",
		           "insecure");
		d = detail_of(eval_doc(p, doc), "no-rc4");
		str = json_string(d); /* NULL for ill-formed UTF-8 */
		assert_non_null(str);
		assert_non_null(strstr(d, "RC4_128_AAA"));
		assert_null(strchr(d, '\xc3'));
		json_decref(str);
		json_decref(doc);
	}

	/* The same inside a sentence: standard RDP security refused, with
	 * the refusal's name cut (the fuzzer's second find). "attempt C
	 * asked for it alone: " is 30 bytes, the text is kept to 159. */
	{
		char fail[200];
		json_t *atts, *att, *str;
		size_t k;

		memset(fail, 'A', 128);
		fail[128] = '\0';
		strcat(fail, "\xc3\xa9\xc3\xa9");
		doc = doc_fixture("tls.rdpsrv.lab");
		/* The fixture's attempt that asked for it alone. */
		atts = json_object_get(json_object_get(doc, "negotiation"),
		                       "attempts");
		json_array_foreach(atts, k, att)
		{
			if (json_integer_value(
			        json_object_get(att, "requested")) == 0)
				json_object_set_new(att, "failure_name",
				                    json_string(fail));
		}
		d = detail_of(eval_doc(p, doc), "encryption-level-high");
		str = json_string(d);
		assert_non_null(str);
		assert_non_null(strstr(d, "AAA): the level applies"));
		json_decref(str);
		json_decref(doc);
	}
	rdd_policy_free(p);
}

/* Cut sequences go wherever they are; whole ones stay. */
static void
test_utf8_clean(void **state)
{
	char s[64];

	(void)state;
	strcpy(s, "a\xc3(b\xe2\x82)c\xe2\x82\xac\x80"
	          "d\xf0\x9f\x98");
	rdd_doc_utf8_clean(s);
	assert_string_equal(s, "a(b)c\xe2\x82\xac"
	                       "d");
	strcpy(s, "\xc3\xa9t\xc3\xa9");
	rdd_doc_utf8_clean(s);
	assert_string_equal(s, "\xc3\xa9t\xc3\xa9");
	s[0] = '\0';
	rdd_doc_utf8_clean(s);
	assert_string_equal(s, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtin),
	    cmocka_unit_test(test_builtin_on_lab),
	    cmocka_unit_test(test_builtin_details),
	    cmocka_unit_test(test_unreachable),
	    cmocka_unit_test(test_ciphers),
	    cmocka_unit_test(test_tls_versions),
	    cmocka_unit_test(test_missing_data),
	    cmocka_unit_test(test_rdp_security_pre_vista),
	    cmocka_unit_test(test_custom_kinds),
	    cmocka_unit_test(test_base_omit_replace),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_errors_counted),
	    cmocka_unit_test(test_load_file),
	    cmocka_unit_test(test_result_json),
	    cmocka_unit_test(test_result_text),
	    cmocka_unit_test(test_exit_code),
	    cmocka_unit_test(test_detail_utf8),
	    cmocka_unit_test(test_utf8_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
