/*
 * test_json.c - rdd_report_json (json.c) against docs/json.md: synthetic
 * observations and diagnoses (a healthy Negotiate server, a refused port,
 * an expired certificate, a hostile certificate) are rendered into memory,
 * parsed back with jansson and checked field by field: names, types, null
 * rules, key order, rounding, and that server strings arrive as valid
 * UTF-8 with their control characters escaped.
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
#include "rdpdoctor/tlscompat.h"

#include "fixtures.h"

/* ---- Rendering and lookups --------------------------------------------- */

/* Render to memory; the caller frees *TEXT. */
static json_t *
render(const struct rdd_observation *obs, const struct rdd_diagnosis *d,
       char **text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_error_t err;
	json_t *root;

	assert_non_null(f);
	assert_int_equal(rdd_report_json(f, obs, d), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	/* One document, one newline. */
	assert_true(len > 2);
	assert_int_equal(buf[len - 1], '\n');
	assert_int_not_equal(buf[len - 2], '\n');
	root = json_loads(buf, 0, &err);
	if (root == NULL)
		fail_msg("json_loads: %s at line %d", err.text, err.line);
	*text = buf;
	return root;
}

static json_t *
get(const json_t *obj, const char *key)
{
	json_t *v;

	assert_true(json_is_object(obj));
	v = json_object_get(obj, key);
	if (v == NULL)
		fail_msg("missing key \"%s\"", key);
	return v;
}

static const char *
get_str(const json_t *obj, const char *key)
{
	json_t *v = get(obj, key);

	if (!json_is_string(v))
		fail_msg("\"%s\" is not a string", key);
	return json_string_value(v);
}

static json_int_t
get_int(const json_t *obj, const char *key)
{
	json_t *v = get(obj, key);

	if (!json_is_integer(v))
		fail_msg("\"%s\" is not an integer", key);
	return json_integer_value(v);
}

static double
get_num(const json_t *obj, const char *key)
{
	json_t *v = get(obj, key);

	if (!json_is_number(v))
		fail_msg("\"%s\" is not a number", key);
	return json_number_value(v);
}

static void
assert_null_key(const json_t *obj, const char *key)
{
	if (!json_is_null(get(obj, key)))
		fail_msg("\"%s\" is not null", key);
}

static void
assert_num(const json_t *obj, const char *key, double want)
{
	double v = get_num(obj, key);

	if (v < want - 1e-9 || v > want + 1e-9)
		fail_msg("\"%s\" is %g, want %g", key, v, want);
}

/* The object of ARR whose KEY is VALUE. */
static json_t *
find(const json_t *arr, const char *key, const char *value)
{
	size_t i;
	json_t *v;

	assert_true(json_is_array(arr));
	json_array_foreach(arr, i, v)
	{
		json_t *s = json_object_get(v, key);

		if (json_is_string(s) &&
		    strcmp(json_string_value(s), value) == 0)
			return v;
	}
	fail_msg("no element with %s = %s", key, value);
	return NULL;
}

/* Keys of OBJ appear in TEXT in the order given (NULL-terminated), each
 * once at indentation INDENT. */
static void
assert_key_order(const char *text, int indent, const char *const *keys)
{
	const char *prev = text;
	char needle[64];

	for (; *keys != NULL; keys++) {
		const char *at;

		snprintf(needle, sizeof(needle), "\n%*s\"%s\": ", indent, "",
		         *keys);
		at = strstr(text, needle);
		if (at == NULL)
			fail_msg("key %s not found at indent %d", *keys,
			         indent);
		if (at < prev)
			fail_msg("key %s out of order", *keys);
		prev = at;
	}
}

/* Split S on '\n' as the contract says fix arrays are made, and compare. */
static void
assert_steps(const json_t *arr, const char *s)
{
	size_t i = 0;

	assert_true(json_is_array(arr));
	while (*s != '\0') {
		size_t n = strcspn(s, "\n");

		if (n > 0) {
			json_t *v = json_array_get(arr, i++);

			assert_non_null(v);
			assert_true(json_is_string(v));
			assert_int_equal(strlen(json_string_value(v)), n);
			assert_memory_equal(json_string_value(v), s, n);
		}
		s += n;
		if (*s == '\n')
			s++;
	}
	assert_int_equal(json_array_size(arr), i);
}

/* ---- Tests ----------------------------------------------------------- */

/* kerberos.user: null without a password; with one, the KDC's answers,
 * the NTSTATUS in hex and the KDC's e-text as untrusted text. */
static void
test_kerberos_user(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	struct rdd_krb_user *u = &obs.krb.user;
	char *text;
	json_t *root, *k, *ju;

	(void)state;
	fixture_healthy(&obs, &d);
	obs.krb.run = true;
	snprintf(obs.krb.realm, sizeof(obs.krb.realm), "RDPLAB.TEST");
	root = render(&obs, &d, &text);
	k = get(root, "kerberos");
	assert_true(json_is_null(get(k, "user")));
	json_decref(root);
	free(text);

	u->outcome = RDD_KRB_USER_AS_FAILED;
	snprintf(u->principal, sizeof(u->principal), "locked@RDPLAB.TEST");
	snprintf(u->spn, sizeof(u->spn), "TERMSRV/h@RDPLAB.TEST");
	snprintf(u->transport, sizeof(u->transport), "tcp");
	u->as_code = 18;
	u->tgs_code = -1;
	u->has_ntstatus = true;
	u->ntstatus = 0xC0000234U;
	snprintf(u->etext, sizeof(u->etext), "LOCKED\x1b[31m");
	u->as_ms = 1.25;
	root = render(&obs, &d, &text);
	ju = get(get(root, "kerberos"), "user");
	assert_string_equal(get_str(ju, "outcome"), "as_failed");
	assert_string_equal(get_str(ju, "principal"), "locked@RDPLAB.TEST");
	assert_int_equal(json_integer_value(get(ju, "as_code")), 18);
	assert_string_equal(get_str(ju, "as_error"), "KDC_ERR_CLIENT_REVOKED");
	assert_true(json_is_null(get(ju, "tgs_code")));
	assert_true(json_is_null(get(ju, "tgs_ms")));
	assert_string_equal(get_str(ju, "ntstatus"), "0xC0000234");
	assert_string_equal(get_str(ju, "ntstatus_name"),
	                    "STATUS_ACCOUNT_LOCKED_OUT");
	/* Kept as sent, escaped by JSON (\u001b), as every untrusted
	 * string of the document. */
	assert_string_equal(get_str(ju, "etext"), "LOCKED\x1b[31m");
	assert_non_null(strstr(text, "LOCKED\\u001B[31m"));
	assert_true(json_is_null(get(ju, "time_offset_s")));
	assert_true(json_is_false(get(ju, "no_common_etype")));
	json_decref(root);
	free(text);
}

/* gateway.auth: null without a sign-in; the scheme, mechanism, why and
 * the gateway's mechListMIC under Negotiate. */
static void
test_gateway_auth(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	struct rdd_gateway_info *g = &obs.gateway;
	char *text;
	json_t *root, *a;

	(void)state;
	fixture_healthy(&obs, &d);
	g->present = true;
	snprintf(g->host, sizeof(g->host), "gw.example");
	g->port = 443;
	root = render(&obs, &d, &text);
	assert_true(json_is_null(get(get(root, "gateway"), "auth")));
	json_decref(root);
	free(text);

	g->credentials = true;
	g->ntlm = true;
	g->requests = 3;
	snprintf(g->auth_scheme, sizeof(g->auth_scheme), "Negotiate");
	snprintf(g->auth_mechanism, sizeof(g->auth_mechanism), "ntlm");
	snprintf(g->auth_reason, sizeof(g->auth_reason),
	         "offers Negotiate and not NTLM\x1b[31m");
	snprintf(g->auth_server_mic, sizeof(g->auth_server_mic), "verified");
	root = render(&obs, &d, &text);
	a = get(get(root, "gateway"), "auth");
	assert_string_equal(get_str(a, "scheme"), "Negotiate");
	assert_string_equal(get_str(a, "mechanism"), "ntlm");
	assert_string_equal(get_str(a, "mechanism_reason"),
	                    "offers Negotiate and not NTLM\x1b[31m");
	assert_string_equal(get_str(a, "server_mic"), "verified");
	assert_int_equal(json_object_size(a), 4);
	json_decref(root);
	free(text);

	/* Raw NTLM: no mechListMIC. */
	snprintf(g->auth_scheme, sizeof(g->auth_scheme), "NTLM");
	g->auth_server_mic[0] = '\0';
	root = render(&obs, &d, &text);
	a = get(get(root, "gateway"), "auth");
	assert_string_equal(get_str(a, "scheme"), "NTLM");
	assert_true(json_is_null(get(a, "server_mic")));
	json_decref(root);
	free(text);
}

static void
test_healthy_top_level(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *tool, *target, *addrs;
	static const char *const order[] = {"schema",
	                                    "tool",
	                                    "checked_at",
	                                    "timeout_s",
	                                    "total_ms",
	                                    "target",
	                                    "client_error",
	                                    "phases",
	                                    "negotiation",
	                                    "tls",
	                                    "credssp",
	                                    "logon",
	                                    "mcs",
	                                    "session",
	                                    "network",
	                                    "udp",
	                                    "kerberos",
	                                    "gateway",
	                                    "alternate_addresses",
	                                    "findings",
	                                    "verdict",
	                                    NULL};

	(void)state;
	fixture_healthy(&obs, &d);
	root = render(&obs, &d, &text);

	assert_int_equal(json_object_size(root), 21);
	assert_null_key(root, "udp");
	assert_null_key(root, "gateway");
	/* No realm known: no Kerberos phase. */
	assert_null_key(root, "kerberos");
	/* No path samples in this fixture. */
	assert_null_key(root, "network");
	assert_true(json_is_null(get(root, "client_error")));
	/* No CredSSP exchange in this check, and no credentials. */
	assert_null_key(root, "credssp");
	assert_null_key(root, "logon");
	/* Nor MCS, nor the walk after it. */
	assert_null_key(root, "mcs");
	assert_null_key(root, "session");
	assert_key_order(text, 2, order);
	/* Indented by two spaces, schema first. */
	assert_memory_equal(text, "{\n  \"schema\": 1,\n", 17);
	assert_int_equal(get_int(root, "schema"), RDD_JSON_SCHEMA_VERSION);
	tool = get(root, "tool");
	assert_string_equal(get_str(tool, "name"), "rdpdoctor");
	assert_string_equal(get_str(tool, "version"), RDD_VERSION);
	assert_string_equal(get_str(root, "checked_at"),
	                    "2026-11-22T06:40:01Z");
	assert_num(root, "timeout_s", 5);
	assert_num(root, "total_ms", 12.5);

	target = get(root, "target");
	assert_string_equal(get_str(target, "host"), "nego.rdpsrv.lab");
	assert_int_equal(get_int(target, "port"), 3389);
	addrs = get(target, "addresses");
	assert_true(json_is_array(addrs));
	assert_int_equal(json_array_size(addrs), 2);
	assert_string_equal(json_string_value(json_array_get(addrs, 1)),
	                    "10.201.0.15");
	assert_string_equal(get_str(target, "address"), "10.201.0.14");

	json_decref(root);
	free(text);
}

static void
test_healthy_phases(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *phases, *p;
	static const char *const names[] = {"resolve", "tcp", "x224", "tls"};
	size_t i;

	(void)state;
	fixture_healthy(&obs, &d);
	root = render(&obs, &d, &text);
	phases = get(root, "phases");
	assert_true(json_is_array(phases));
	/* Only the present phases, in enum order. */
	assert_int_equal(json_array_size(phases), 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(get_str(json_array_get(phases, i), "phase"),
		                    names[i]);
	p = json_array_get(phases, 2);
	assert_string_equal(get_str(p, "status"), "ok");
	assert_num(p, "start_ms", 0.7);
	assert_num(p, "ms", 1.2);
	assert_string_equal(get_str(p, "detail"),
	                    "selected HYBRID (flags 0x1f)");
	/* Times print short, not as 1.2000000000000002. */
	assert_non_null(strstr(text, "\"ms\": 1.2,"));
	json_decref(root);
	free(text);
}

static void
test_healthy_negotiation(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *nego, *attempts, *a;

	(void)state;
	fixture_healthy(&obs, &d);
	root = render(&obs, &d, &text);
	nego = get(root, "negotiation");
	attempts = get(nego, "attempts");
	assert_int_equal(json_array_size(attempts), 3);

	a = find(attempts, "label", "A");
	assert_int_equal(get_int(a, "requested"), 11);
	assert_string_equal(get_str(a, "requested_names"),
	                    "SSL|HYBRID|HYBRID_EX");
	assert_true(json_is_true(get(a, "tls_wanted")));
	assert_string_equal(get_str(a, "address"), "10.201.0.14");
	assert_string_equal(get_str(a, "tcp"), "ok");
	assert_string_equal(get_str(a, "x224"), "response");
	assert_int_equal(get_int(a, "selected"), RDD_PROTO_HYBRID);
	assert_string_equal(get_str(a, "selected_name"), "HYBRID");
	assert_int_equal(get_int(a, "flags"), 0x1f);
	assert_null_key(a, "failure_code");
	assert_null_key(a, "failure_name");
	assert_null_key(a, "tcp_error");
	assert_null_key(a, "first_bytes");
	assert_null_key(a, "tls_alert");
	assert_string_equal(get_str(a, "tls"), "ok");
	assert_num(a, "ms", 1.2);
	assert_num(a, "tcp_ms", 0.3);
	assert_num(a, "tls_ms", 2.1);
	assert_string_equal(get_str(a, "detail"), "");

	/* C asked for RDP only and got it: selected 0 is a value, not null. */
	a = find(attempts, "label", "C");
	assert_int_equal(get_int(a, "requested"), 0);
	assert_string_equal(get_str(a, "requested_names"), "RDP");
	assert_int_equal(get_int(a, "selected"), 0);
	assert_string_equal(get_str(a, "selected_name"), "RDP");
	assert_string_equal(get_str(a, "tls"), "not_run");
	assert_null_key(a, "tls_ms");

	assert_string_equal(get_str(nego, "security_layer"), "negotiate");
	assert_true(json_is_false(get(nego, "nla_required")));
	json_decref(root);
	free(text);
}

static void
test_healthy_tls_and_certificate(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *tls, *cert, *san;

	(void)state;
	fixture_healthy(&obs, &d);
	root = render(&obs, &d, &text);
	tls = get(root, "tls");
	assert_true(json_is_object(tls));
	assert_string_equal(get_str(tls, "version"), "TLSv1.2");
	assert_string_equal(get_str(tls, "cipher"),
	                    "ECDHE-RSA-AES256-GCM-SHA384");
	assert_string_equal(get_str(tls, "from_attempt"), "A");
	cert = get(tls, "certificate");
	assert_string_equal(get_str(cert, "subject"), "CN=nego.rdpsrv.lab");
	assert_string_equal(get_str(cert, "issuer"), "CN=nego.rdpsrv.lab");
	assert_string_equal(get_str(cert, "common_name"), "nego.rdpsrv.lab");
	san = get(cert, "san");
	assert_true(json_is_array(san));
	assert_int_equal(json_array_size(san), 2);
	assert_string_equal(json_string_value(json_array_get(san, 0)),
	                    "DNS:nego.rdpsrv.lab");
	assert_string_equal(get_str(cert, "not_before"),
	                    "2026-03-02T06:40:01Z");
	assert_string_equal(get_str(cert, "not_after"), "2027-03-02T06:40:01Z");
	assert_int_equal(get_int(cert, "days_left"), 100);
	assert_true(json_is_true(get(cert, "self_signed")));
	assert_string_equal(get_str(cert, "key_type"), "RSA");
	assert_int_equal(get_int(cert, "key_bits"), 2048);
	assert_string_equal(get_str(cert, "signature"),
	                    "sha256WithRSAEncryption");
	assert_int_equal(strlen(get_str(cert, "sha256")), 64);
	assert_string_equal(get_str(cert, "name_checked"), "nego.rdpsrv.lab");
	assert_true(json_is_true(get(cert, "name_match")));
	assert_true(json_is_null(get(cert, "eku")));

	/* The other addresses the name resolved to. */
	assert_int_equal(json_array_size(get(root, "alternate_addresses")), 1);
	assert_string_equal(
	    get_str(json_array_get(get(root, "alternate_addresses"), 0), "tcp"),
	    "refused");
	json_decref(root);
	free(text);
}

/* check --tls-full: tls.versions, ciphers, groups, compat, enumeration;
 * and the tls object even when the check's own handshake failed. */
static void
test_tls_enum(void **state)
{
	static struct rdd_observation obs;
	struct rdd_diagnosis d;
	struct rdd_tls_enum_info *e = &obs.tls_enum;
	char *text;
	json_t *root, *tls, *a, *x;

	(void)state;
	fixture_healthy(&obs, &d);
	obs.tls.cert.has_eku = true;
	obs.tls.cert.eku_rdp_auth = true;
	root = render(&obs, &d, &text);
	assert_null(json_object_get(get(root, "tls"), "versions"));
	a = get(get(get(root, "tls"), "certificate"), "eku");
	assert_true(json_is_false(get(a, "server_auth")));
	assert_true(json_is_true(get(a, "remote_desktop_auth")));
	json_decref(root);
	free(text);

	/* The chain's trust: null when not checked, else a boolean and,
	 * when false, OpenSSL's reason. */
	root = render(&obs, &d, &text);
	a = get(get(root, "tls"), "certificate");
	assert_true(json_is_null(get(a, "trusted")));
	assert_true(json_is_null(get(a, "trust_error")));
	json_decref(root);
	free(text);
	obs.tls.cert.trusted = 0;
	snprintf(obs.tls.cert.trust_error, sizeof(obs.tls.cert.trust_error),
	         "unable to get local issuer certificate");
	root = render(&obs, &d, &text);
	a = get(get(root, "tls"), "certificate");
	assert_true(json_is_false(get(a, "trusted")));
	assert_string_equal(get_str(a, "trust_error"),
	                    "unable to get local issuer certificate");
	json_decref(root);
	free(text);
	obs.tls.cert.trusted = 1;
	obs.tls.cert.trust_error[0] = '\0';
	root = render(&obs, &d, &text);
	a = get(get(root, "tls"), "certificate");
	assert_true(json_is_true(get(a, "trusted")));
	assert_true(json_is_null(get(a, "trust_error")));
	json_decref(root);
	free(text);

	obs.tls.present = false;
	e->present = true;
	e->accepted[1] = true;
	e->implied[2] = true;
	e->implied_by[2] = 0x0303;
	for (int i = 0; i < RDD_TLS_N_VERSIONS; i++)
		e->server_order[i] = -1;
	e->server_order[1] = 0;
	e->ciphers[0] = (struct rdd_tls_cipher){
	    0x0301, 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "medium", 0};
	e->ciphers[1] = (struct rdd_tls_cipher){
	    0x0301, 0x0005, "TLS_RSA_WITH_RC4_128_SHA", "insecure", 0};
	e->n_ciphers = 2;
	e->groups[0] = 23;
	e->n_groups = 1;
	e->connections = 30;
	e->failed = 1;
	e->ms = 250.5;
	root = render(&obs, &d, &text);
	tls = get(root, "tls");
	assert_true(json_is_null(get(tls, "version")));
	assert_true(json_is_null(get(tls, "certificate")));
	a = get(tls, "versions");
	assert_int_equal(json_array_size(a), 5);
	x = json_array_get(a, 1);
	assert_string_equal(get_str(x, "version"), "TLSv1.0");
	assert_true(json_is_true(get(x, "accepted")));
	assert_true(json_is_false(get(x, "implied")));
	assert_true(json_is_null(get(x, "implied_by")));
	assert_string_equal(get_str(x, "order"), "client");
	assert_true(json_is_null(get(json_array_get(a, 3), "order")));
	x = json_array_get(a, 2);
	assert_true(json_is_false(get(x, "accepted")));
	assert_true(json_is_true(get(x, "implied")));
	assert_string_equal(get_str(x, "implied_by"), "TLSv1.2");
	a = get(tls, "ciphers");
	assert_int_equal(json_array_size(a), 2);
	x = json_array_get(a, 1);
	assert_string_equal(get_str(x, "version"), "TLSv1.0");
	assert_string_equal(get_str(x, "id"), "0x0005");
	assert_string_equal(get_str(x, "name"), "TLS_RSA_WITH_RC4_128_SHA");
	assert_string_equal(get_str(x, "strength"), "insecure");
	assert_true(json_is_null(get(x, "rank")));
	a = get(tls, "groups");
	assert_int_equal(json_array_size(a), 1);
	assert_string_equal(json_string_value(json_array_get(a, 0)),
	                    "secp256r1");
	a = get(tls, "compat");
	assert_int_equal(json_array_size(a), RDD_TLS_N_CLIENTS);
	x = json_array_get(a, 0);
	assert_string_equal(get_str(x, "id"), "win7");
	assert_true(json_is_true(get(x, "ok")));
	assert_string_equal(get_str(x, "reason"),
	                    "TLSv1.0 with TLS_RSA_WITH_AES_128_CBC_SHA");
	x = json_array_get(a, 2);
	assert_string_equal(get_str(x, "id"), "win-tls12");
	assert_true(json_is_false(get(x, "ok")));
	x = get(tls, "enumeration");
	assert_int_equal(get_int(x, "connections"), 30);
	assert_int_equal(get_int(x, "failed"), 1);
	assert_true(json_is_false(get(x, "certificate_seen")));
	json_decref(root);
	free(text);
}

static void
test_healthy_findings_and_verdict(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	const struct rdd_cause_info *ci;
	char *text;
	json_t *root, *findings, *f, *v;
	static const char *const order[] = {
	    "id",    "severity",    "phase",
	    "title", "explanation", "evidence",
	    "fix",   "client_fix",  "lowers_security",
	    NULL};

	(void)state;
	fixture_healthy(&obs, &d);
	root = render(&obs, &d, &text);
	findings = get(root, "findings");
	assert_int_equal(json_array_size(findings), 2);
	assert_key_order(strstr(text, "\"findings\""), 6, order);

	ci = rdd_cause_info(RDD_CAUSE_CERT_SELF_SIGNED);
	assert_non_null(ci);
	f = json_array_get(findings, 0);
	assert_string_equal(get_str(f, "id"), "cert-self-signed");
	assert_string_equal(get_str(f, "severity"), "warning");
	assert_string_equal(get_str(f, "phase"), "tls");
	assert_string_equal(get_str(f, "title"), ci->title);
	assert_string_equal(get_str(f, "explanation"), ci->explanation);
	assert_string_equal(get_str(f, "evidence"),
	                    "issuer = subject = CN=nego.rdpsrv.lab");
	assert_steps(get(f, "fix"), ci->fix_host);
	assert_steps(get(f, "client_fix"), ci->fix_client);
	assert_true(json_array_size(get(f, "fix")) >= 1);
	if (ci->lowers_security[0] == '\0')
		assert_null_key(f, "lowers_security");

	f = json_array_get(findings, 1);
	assert_string_equal(get_str(f, "id"), "nla-not-required");
	assert_string_equal(get_str(f, "phase"), "x224");

	v = get(root, "verdict");
	assert_string_equal(get_str(v, "status"), "warning");
	assert_null_key(v, "failed_phase");
	assert_string_equal(get_str(v, "summary"),
	                    "a default client connects; 2 warnings");
	assert_int_equal(get_int(v, "exit_code"), 1);
	json_decref(root);
	free(text);
}

static void
test_refused(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *phases, *a, *f, *v, *nego;

	(void)state;
	fixture_refused(&obs, &d);
	root = render(&obs, &d, &text);

	/* No handshake: tls is null, not an empty object. */
	assert_null_key(root, "tls");
	phases = get(root, "phases");
	assert_string_equal(get_str(find(phases, "phase", "tcp"), "status"),
	                    "failed");
	assert_string_equal(get_str(find(phases, "phase", "x224"), "status"),
	                    "skipped");
	assert_string_equal(get_str(find(phases, "phase", "tls"), "detail"),
	                    "");

	nego = get(root, "negotiation");
	a = json_array_get(get(nego, "attempts"), 0);
	assert_string_equal(get_str(a, "tcp"), "refused");
	assert_string_equal(get_str(a, "tcp_error"), "connection refused");
	assert_num(a, "tcp_ms", 0.2);
	assert_string_equal(get_str(a, "x224"), "not_run");
	assert_null_key(a, "selected");
	assert_null_key(a, "selected_name");
	assert_null_key(a, "flags");
	assert_null_key(a, "failure_code");
	assert_null_key(a, "ms");
	assert_null_key(a, "x224_start_ms");
	assert_null_key(a, "tls_ms");
	assert_string_equal(get_str(nego, "security_layer"), "unknown");
	assert_null_key(nego, "nla_required");

	f = json_array_get(get(root, "findings"), 0);
	assert_string_equal(get_str(f, "id"), "tcp-refused");
	assert_string_equal(get_str(f, "severity"), "critical");
	assert_string_equal(get_str(f, "phase"), "tcp");
	assert_true(json_is_array(get(f, "fix")));
	assert_true(json_array_size(get(f, "fix")) > 1);
	assert_steps(get(f, "fix"),
	             rdd_cause_info(RDD_CAUSE_TCP_REFUSED)->fix_host);

	v = get(root, "verdict");
	assert_string_equal(get_str(v, "status"), "critical");
	assert_string_equal(get_str(v, "failed_phase"), "tcp");
	assert_int_equal(get_int(v, "exit_code"), 2);
	json_decref(root);
	free(text);
}

/* A failed phase carries its layer's native error; the others carry no
 * "error" key; a failed phase without a code carries null. */
static void
test_phase_error(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *phases, *e;

	(void)state;
	fixture_refused(&obs, &d);
	root = render(&obs, &d, &text);
	phases = get(root, "phases");
	assert_null_key(find(phases, "phase", "tcp"), "error");
	assert_null(json_object_get(find(phases, "phase", "x224"), "error"));
	assert_null(json_object_get(find(phases, "phase", "resolve"), "error"));
	json_decref(root);
	free(text);

	snprintf(obs.attempts[0].tcp_errname,
	         sizeof(obs.attempts[0].tcp_errname), "ECONNREFUSED");
	obs.attempts[0].tcp_errno = 111;
	root = render(&obs, &d, &text);
	e = get(find(get(root, "phases"), "phase", "tcp"), "error");
	assert_string_equal(get_str(e, "layer"), "socket");
	assert_int_equal(get_int(e, "code"), 111);
	assert_string_equal(get_str(e, "name"), "ECONNREFUSED");
	json_decref(root);
	free(text);

	/* No errno known (a Windows build): code null, the name stays. */
	obs.attempts[0].tcp_errno = 0;
	root = render(&obs, &d, &text);
	e = get(find(get(root, "phases"), "phase", "tcp"), "error");
	assert_null_key(e, "code");
	assert_string_equal(get_str(e, "name"), "ECONNREFUSED");
	json_decref(root);
	free(text);
}

static void
test_expired_certificate(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *cert, *f, *v;

	(void)state;
	fixture_expired(&obs, &d);
	root = render(&obs, &d, &text);
	cert = get(get(root, "tls"), "certificate");
	assert_string_equal(get_str(cert, "not_after"), "2026-11-19T06:40:01Z");
	assert_int_equal(get_int(cert, "days_left"), -3);

	f = json_array_get(get(root, "findings"), 0);
	assert_string_equal(get_str(f, "id"), "cert-expired");
	assert_string_equal(get_str(f, "severity"), "critical");
	assert_string_equal(get_str(f, "phase"), "tls");
	assert_steps(get(f, "fix"),
	             rdd_cause_info(RDD_CAUSE_CERT_EXPIRED)->fix_host);
	assert_steps(get(f, "client_fix"),
	             rdd_cause_info(RDD_CAUSE_CERT_EXPIRED)->fix_client);
	v = get(root, "verdict");
	assert_string_equal(get_str(v, "failed_phase"), "tls");
	json_decref(root);
	free(text);
}

/* days_left rounds down, so it is negative exactly when expired. */
static void
test_days_left_rounding(void **state)
{
	static const struct {
		int64_t delta;
		json_int_t days;
	} cases[] = {
	    {-1, -1}, {-3600, -1},  {-DAY, -1}, {-DAY - 1, -2},     {0, 0},
	    {1, 0},   {DAY - 1, 0}, {DAY, 1},   {29 * DAY + 5, 29},
	};
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text;
		json_t *root;

		fixture_healthy(&obs, &d);
		obs.tls.cert.not_after = CHECKED_AT + cases[i].delta;
		root = render(&obs, &d, &text);
		assert_int_equal(
		    get_int(get(get(root, "tls"), "certificate"), "days_left"),
		    cases[i].days);
		json_decref(root);
		free(text);
	}
}

static void
test_hostile_strings(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *cert, *a, *f;
	const unsigned char *p;

	(void)state;
	fixture_hostile(&obs, &d);
	/* Invalid UTF-8 in the host too (a name read from a file). */
	snprintf(obs.host, sizeof(obs.host), "bad\xff\xfe.lab");
	root = render(&obs, &d, &text);

	/* No raw ESC, CR, BEL, DEL or C1 control in the document. */
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		assert_true(*p >= 0x20 || *p == '\n');
		assert_int_not_equal(*p, 0x7f);
		if (p[0] == 0xC2)
			assert_false(p[1] >= 0x80 && p[1] <= 0x9F);
	}
	assert_non_null(strstr(text, "\\u001B[2J"));

	cert = get(get(root, "tls"), "certificate");
	/* ESC and BEL survive as characters (JSON escapes them); the
	 * invalid bytes become U+FFFD, one each. */
	assert_string_equal(
	    get_str(cert, "subject"),
	    "CN=\x1b[2Jevil\xef\xbf\xbd\xef\xbf\xbd\x1b]52;c;aGk=\x07");
	assert_string_equal(
	    json_string_value(json_array_get(get(cert, "san"), 1)),
	    "DNS:\x1b[31mred\r\nfake\x7f");
	assert_non_null(strstr(text, "fake\\u007F\""));
	/* Overlong and surrogate: every byte replaced. */
	assert_string_equal(
	    get_str(cert, "common_name"),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_true(json_is_false(get(cert, "name_match")));
	assert_string_equal(get_str(get(root, "target"), "host"),
	                    "bad\xef\xbf\xbd\xef\xbf\xbd.lab");

	/* A C1 control (valid UTF-8) is kept, and written as \u009B. */
	assert_string_equal(
	    get_str(find(get(root, "phases"), "phase", "tls"), "detail"),
	    "alert from \x1b[2J\xc2\x9b"
	    "1;1H server");
	assert_non_null(strstr(text, "\\u009B1;1H"));

	a = json_array_get(get(get(root, "negotiation"), "attempts"), 0);
	assert_string_equal(get_str(a, "tls_detail"), "\x1b[2J\r\n");
	assert_string_equal(get_str(a, "detail"), "\xef\xbf\xbd\x1b");

	f = json_array_get(get(root, "findings"), 0);
	assert_string_equal(
	    get_str(f, "evidence"),
	    "subject CN=\x1b[2Jevil\xef\xbf\xbd\xef\xbf\xbd\x1b]52;c;aGk=\x07"
	    " does not match");
	assert_string_equal(get_str(get(root, "verdict"), "summary"),
	                    "summary \x1b[2J\xef\xbf\xbd");
	json_decref(root);
	free(text);
}

static void
test_null_rules(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *cert, *a, *target;

	(void)state;
	fixture_healthy(&obs, &d);
	obs.address[0] = '\0';
	obs.tls.cert.name_match = -1;
	obs.tls.cert.key_bits = 0;
	obs.tls.cert.common_name[0] = '\0';
	obs.nla_required = 1;
	obs.attempts[1].x224 = RDD_X224_FAILURE;
	obs.attempts[1].failure_code = 5;
	obs.attempts[2].x224 = RDD_X224_FAILURE;
	obs.attempts[2].failure_code = 99;
	obs.attempts[0].tls = RDD_TLS_ALERT;
	obs.attempts[0].alert_level = 2;
	obs.attempts[0].alert_desc = 40;
	obs.attempts[0].x224 = RDD_X224_NOT_RDP;
	memcpy(obs.attempts[0].first_bytes, "HTTP/1.1\x00\xff", 10);
	obs.attempts[0].n_first_bytes = 10;
	obs.phases[RDD_PHASE_TCP].ms = 0.0004999;
	obs.phases[RDD_PHASE_X224].ms = 1.23456;
	root = render(&obs, &d, &text);

	target = get(root, "target");
	assert_null_key(target, "address");
	cert = get(get(root, "tls"), "certificate");
	assert_null_key(cert, "name_match");
	assert_null_key(cert, "name_checked");
	assert_null_key(cert, "key_bits");
	assert_null_key(cert, "common_name");
	assert_true(
	    json_is_true(get(get(root, "negotiation"), "nla_required")));

	a = json_array_get(get(get(root, "negotiation"), "attempts"), 1);
	assert_string_equal(get_str(a, "x224"), "failure");
	assert_int_equal(get_int(a, "failure_code"), 5);
	assert_string_equal(get_str(a, "failure_name"),
	                    "HYBRID_REQUIRED_BY_SERVER");
	assert_null_key(a, "selected");
	assert_null_key(a, "flags");
	/* An unknown failure code keeps its number, and has no name. */
	a = json_array_get(get(get(root, "negotiation"), "attempts"), 2);
	assert_int_equal(get_int(a, "failure_code"), 99);
	assert_null_key(a, "failure_name");

	a = json_array_get(get(get(root, "negotiation"), "attempts"), 0);
	assert_string_equal(get_str(a, "x224"), "not_rdp");
	assert_string_equal(get_str(a, "first_bytes"), "485454502f312e3100ff");
	assert_int_equal(get_int(get(a, "tls_alert"), "level"), 2);
	assert_int_equal(get_int(get(a, "tls_alert"), "description"), 40);

	/* Rounded to 0.001 ms. */
	assert_num(find(get(root, "phases"), "phase", "tcp"), "ms", 0);
	assert_num(find(get(root, "phases"), "phase", "x224"), "ms", 1.235);
	assert_non_null(strstr(text, "\"ms\": 1.235,"));
	json_decref(root);
	free(text);

	/* A certificate that was not received, after a handshake. */
	fixture_healthy(&obs, &d);
	obs.tls.cert.present = false;
	root = render(&obs, &d, &text);
	assert_null_key(get(root, "tls"), "certificate");
	json_decref(root);
	free(text);
}

/* The lab's FreeRDP shadow server: CredSSP version 6, its NTLM names. */
static void
fixture_credssp(struct rdd_observation *obs, struct rdd_diagnosis *d)
{
	struct rdd_credssp_info *ci = &obs->credssp;

	fixture_healthy(obs, d);
	set_phase(obs, RDD_PHASE_CREDSSP, RDD_STATUS_OK, 4.0, 1.5,
	          "version 6, NTLM CHALLENGE from RDPLAB-SHADOW, Windows "
	          "6.1.7601");
	ci->outcome = RDD_CREDSSP_OK;
	snprintf(ci->attempt, sizeof(ci->attempt), "A");
	ci->start_ms = 4.0;
	ci->ms = 1.5;
	snprintf(ci->detail, sizeof(ci->detail), "%s",
	         obs->phases[RDD_PHASE_CREDSSP].detail);
	ci->has_version = true;
	ci->server_version = 6;
	ci->ntlm.present = true;
	snprintf(ci->ntlm.target_name, RDD_STR, "RDPLAB-SHADOW");
	snprintf(ci->ntlm.netbios_computer, RDD_STR, "RDPLAB-SHADOW");
	snprintf(ci->ntlm.netbios_domain, RDD_STR, "RDPLAB-SHADOW");
	snprintf(ci->ntlm.dns_computer, RDD_STR, "RDPLAB-SHADOW");
	snprintf(ci->ntlm.dns_domain, RDD_STR, "RDPLAB-SHADOW");
	ci->ntlm.has_version = true;
	ci->ntlm.os_major = 6;
	ci->ntlm.os_minor = 1;
	ci->ntlm.os_build = 7601;
	ci->ntlm.ntlm_revision = 15;
	ci->ntlm.has_time = true;
	ci->ntlm.server_time = CHECKED_AT + 305; /* 5 minutes ahead */
	ci->ntlm.time_at_ms = 5.5;
}

static void
test_credssp(void **state)
{
	static const char *const order[] = {"from_attempt",
	                                    "outcome",
	                                    "token",
	                                    "start_ms",
	                                    "ms",
	                                    "detail",
	                                    "server_version",
	                                    "patch_status",
	                                    "error_code",
	                                    "error_name",
	                                    "ntlm",
	                                    "other_request",
	                                    NULL};
	static const char *const ntlm_order[] = {
	    "target_name", "netbios_computer", "netbios_domain", "dns_computer",
	    "dns_domain",  "dns_tree",         "os_version",     "os_build",
	    "os_name",     "server_time",      "clock_skew_s",   NULL};
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *c, *n;

	(void)state;
	fixture_credssp(&obs, &d);
	root = render(&obs, &d, &text);
	c = get(root, "credssp");
	assert_true(json_is_object(c));
	assert_int_equal(json_object_size(c), 12);
	assert_key_order(strstr(text, "\"credssp\": {"), 4, order);
	assert_string_equal(get_str(c, "from_attempt"), "A");
	assert_string_equal(get_str(c, "outcome"), "ok");
	assert_string_equal(get_str(c, "token"), "ntlm");
	assert_num(c, "start_ms", 4.0);
	assert_num(c, "ms", 1.5);
	assert_int_equal(get_int(c, "server_version"), 6);
	assert_string_equal(get_str(c, "patch_status"), "current");
	assert_null_key(c, "error_code");
	assert_null_key(c, "error_name");
	assert_null_key(c, "other_request");
	n = get(c, "ntlm");
	assert_int_equal(json_object_size(n), 11);
	assert_key_order(strstr(text, "\"ntlm\": {"), 6, ntlm_order);
	assert_string_equal(get_str(n, "target_name"), "RDPLAB-SHADOW");
	assert_string_equal(get_str(n, "netbios_computer"), "RDPLAB-SHADOW");
	assert_string_equal(get_str(n, "dns_computer"), "RDPLAB-SHADOW");
	assert_null_key(n, "dns_tree");
	assert_string_equal(get_str(n, "os_version"), "6.1.7601");
	assert_int_equal(get_int(n, "os_build"), 7601);
	assert_string_equal(get_str(n, "os_name"),
	                    "Windows 7 SP1 / Server 2008 R2 SP1");
	assert_string_equal(get_str(n, "server_time"), "2026-11-22T06:45:06Z");
	/* 305 s ahead of the check start, 5.5 ms of which had passed. */
	assert_int_equal(get_int(n, "clock_skew_s"), 305);
	assert_string_equal(
	    get_str(find(get(root, "phases"), "phase", "credssp"), "status"),
	    "ok");
	json_decref(root);
	free(text);

	/* An errorCode, an old version, no CHALLENGE, and the SPNEGO
	 * retry that fared no better. */
	fixture_credssp(&obs, &d);
	obs.credssp.outcome = RDD_CREDSSP_ERROR;
	obs.credssp.server_version = 3;
	obs.credssp.has_error_code = true;
	obs.credssp.error_code = 0xc000006d;
	memset(&obs.credssp.ntlm, 0, sizeof(obs.credssp.ntlm));
	obs.credssp.other_outcome = RDD_CREDSSP_CLOSED;
	obs.credssp.other_spnego = true;
	snprintf(obs.credssp.other_attempt, 8, "A2");
	snprintf(obs.credssp.other_detail, RDD_STR, "closed \x1b[2J");
	root = render(&obs, &d, &text);
	c = get(root, "credssp");
	assert_string_equal(get_str(c, "outcome"), "error");
	assert_string_equal(get_str(c, "patch_status"), "unpatched");
	assert_int_equal(get_int(c, "error_code"), 0xc000006d);
	assert_string_equal(get_str(c, "error_name"), "STATUS_LOGON_FAILURE");
	assert_null_key(c, "ntlm");
	n = get(c, "other_request");
	assert_string_equal(get_str(n, "from_attempt"), "A2");
	assert_string_equal(get_str(n, "token"), "spnego");
	assert_string_equal(get_str(n, "outcome"), "closed");
	assert_string_equal(get_str(n, "detail"), "closed \x1b[2J");
	assert_non_null(strstr(text, "closed \\u001B[2J"));
	json_decref(root);
	free(text);

	/* A closed exchange: no version, no patch status; version 5 is
	 * outdated; hostile names arrive as valid UTF-8. */
	fixture_credssp(&obs, &d);
	obs.credssp.outcome = RDD_CREDSSP_CLOSED;
	obs.credssp.has_version = false;
	memset(&obs.credssp.ntlm, 0, sizeof(obs.credssp.ntlm));
	root = render(&obs, &d, &text);
	c = get(root, "credssp");
	assert_null_key(c, "server_version");
	assert_null_key(c, "patch_status");
	json_decref(root);
	free(text);
	fixture_credssp(&obs, &d);
	obs.credssp.server_version = 5;
	obs.credssp.spnego = true;
	obs.credssp.ntlm.has_version = false;
	obs.credssp.ntlm.has_time = false;
	snprintf(obs.credssp.ntlm.dns_computer, RDD_STR,
	         "evil\xff\x1b]0;x\x07");
	root = render(&obs, &d, &text);
	c = get(root, "credssp");
	assert_string_equal(get_str(c, "patch_status"), "outdated");
	assert_string_equal(get_str(c, "token"), "spnego");
	n = get(c, "ntlm");
	assert_null_key(n, "os_version");
	assert_null_key(n, "os_build");
	assert_null_key(n, "os_name");
	assert_null_key(n, "server_time");
	assert_null_key(n, "clock_skew_s");
	assert_string_equal(get_str(n, "dns_computer"),
	                    "evil\xef\xbf\xbd\x1b]0;x\x07");
	json_decref(root);
	free(text);
}

static void
test_no_findings(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root;

	(void)state;
	fixture_healthy(&obs, &d);
	d.n_findings = 0;
	d.status = RDD_VERDICT_OK;
	obs.n_alt = 0;
	obs.phases[RDD_PHASE_TCP].ms = NAN; /* null, not an error */
	root = render(&obs, &d, &text);
	assert_true(json_is_array(get(root, "findings")));
	assert_int_equal(json_array_size(get(root, "findings")), 0);
	assert_true(json_is_array(get(root, "alternate_addresses")));
	assert_int_equal(json_array_size(get(root, "alternate_addresses")), 0);
	assert_null_key(find(get(root, "phases"), "phase", "tcp"), "ms");
	assert_string_equal(get_str(get(root, "verdict"), "status"), "ok");
	assert_int_equal(get_int(get(root, "verdict"), "exit_code"), 0);
	json_decref(root);
	free(text);
}

/* A fix that lowers security says so; the note is a string. */
static void
test_lowers_security(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	const struct rdd_cause_info *ci;
	char *text;
	json_t *root, *f;

	(void)state;
	ci = rdd_cause_info(RDD_CAUSE_NEGO_HYBRID_REQUIRED);
	assert_non_null(ci);
	assert_true(ci->lowers_security[0] != '\0');
	fixture_healthy(&obs, &d);
	d.n_findings = 0;
	add_finding(&d, RDD_CAUSE_NEGO_HYBRID_REQUIRED, RDD_SEV_INFO,
	            RDD_PHASE_X224, "attempt C: RDP_NEG_FAILURE (5)");
	root = render(&obs, &d, &text);
	f = json_array_get(get(root, "findings"), 0);
	assert_string_equal(get_str(f, "id"), "nego-hybrid-required");
	assert_string_equal(get_str(f, "severity"), "info");
	assert_string_equal(get_str(f, "lowers_security"), ci->lowers_security);
	assert_steps(get(f, "fix"), ci->fix_host);
	assert_int_equal(json_array_size(get(f, "fix")), 2);
	assert_steps(get(f, "client_fix"), ci->fix_client);
	json_decref(root);
	free(text);
}

/* Every row of the causes table renders: its id, and fix arrays of
 * non-empty strings (curl's test 1538, for findings). */
static void
test_every_cause(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *findings;
	int c;

	(void)state;
	assert_true(RDD_CAUSE_COUNT > 0 && RDD_CAUSE_COUNT <= RDD_MAX_FINDINGS);
	fixture_healthy(&obs, &d);
	d.n_findings = 0;
	for (c = 0; c < RDD_CAUSE_COUNT; c++) {
		const struct rdd_cause_info *ci = rdd_cause_info(c);

		assert_non_null(ci);
		add_finding(&d, c, ci->severity, ci->phase, "evidence");
	}
	root = render(&obs, &d, &text);
	findings = get(root, "findings");
	assert_int_equal(json_array_size(findings), RDD_CAUSE_COUNT);
	for (c = 0; c < RDD_CAUSE_COUNT; c++) {
		const struct rdd_cause_info *ci = rdd_cause_info(c);
		json_t *f = json_array_get(findings, (size_t)c);
		json_t *v;
		size_t i;

		assert_string_equal(get_str(f, "id"), ci->id);
		assert_string_equal(get_str(f, "phase"),
		                    rdd_phase_name(ci->phase));
		assert_steps(get(f, "fix"), ci->fix_host);
		assert_steps(get(f, "client_fix"), ci->fix_client);
		json_array_foreach(get(f, "fix"), i, v)
		    assert_true(json_string_length(v) > 0);
		json_array_foreach(get(f, "client_fix"), i, v)
		    assert_true(json_string_length(v) > 0);
		if (ci->lowers_security[0] != '\0')
			assert_string_equal(get_str(f, "lowers_security"),
			                    ci->lowers_security);
		else
			assert_null_key(f, "lowers_security");
	}
	json_decref(root);
	free(text);
}

/* A finding with no row in the causes table is a bug: nothing is written. */
static void
test_unknown_cause_writes_nothing(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	fixture_healthy(&obs, &d);
	d.findings[1].cause = RDD_CAUSE_COUNT;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(rdd_report_json(f, &obs, &d), -1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(len, 0);
	free(buf);
}

static void
test_write_error(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	FILE *f = fopen("/dev/null", "r");

	(void)state;
	assert_non_null(f);
	fixture_healthy(&obs, &d);
	assert_int_equal(rdd_report_json(f, &obs, &d), -1);
	fclose(f);
}

/* --client-error: the error, and the findings that explain it. */
static void
test_client_error(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *ce, *by, *e;

	(void)state;
	fixture_healthy(&obs, &d);
	d.findings[d.n_findings].cause = RDD_CAUSE_CERT_EXPIRED;
	d.findings[d.n_findings].severity = RDD_SEV_CRITICAL;
	d.findings[d.n_findings].phase = RDD_PHASE_TLS;
	snprintf(d.findings[d.n_findings].evidence, RDD_EVIDENCE, "expired");
	d.n_findings++;
	rdd_diagnose_client_error(&d, 0x904, true, 7);
	root = render(&obs, &d, &text);
	ce = get(root, "client_error");
	assert_true(json_is_object(ce));
	assert_int_equal(json_integer_value(json_object_get(ce, "code")),
	                 0x904);
	assert_int_equal(json_integer_value(json_object_get(ce, "extended")),
	                 7);
	assert_string_equal(json_string_value(json_object_get(ce, "name")),
	                    "AtClientWinsockFDCLOSE");
	by = json_object_get(ce, "explained_by");
	assert_true(json_is_array(by));
	assert_int_equal(json_array_size(by), 1);
	e = json_array_get(by, 0);
	assert_string_equal(json_string_value(json_object_get(e, "id")),
	                    "cert-expired");
	assert_int_equal(json_integer_value(json_object_get(e, "cause_rank")),
	                 1);
	assert_true(json_is_string(json_object_get(ce, "summary")));
	/* The explaining finding leads the findings array. */
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(root, "findings"), 0), "id")),
	    "cert-expired");
	json_decref(root);
	free(text);
}

/* Standard RDP security (xrdp security_layer=rdp): the mcs object, the
 * attempts' MCS fields, and the null rules of both. */
/* A walk that reached licensing and was refused there with Set Error
 * Info 0x7: every key, in order, and the values. */
static void
test_session(void **state)
{
	static const char *const order[] = {"from_attempt",
	                                    "outcome",
	                                    "phase",
	                                    "detail",
	                                    "stop_after",
	                                    "start_ms",
	                                    "end_ms",
	                                    "steps",
	                                    "user_channel",
	                                    "io_channel",
	                                    "message_channel",
	                                    "mcs_result",
	                                    "mcs_result_name",
	                                    "standard_security",
	                                    "server_pdus_checked",
	                                    "server_mac_errors",
	                                    "certificate_signature",
	                                    "licensing",
	                                    "activation",
	                                    "error_info",
	                                    "disconnect",
	                                    "deactivated",
	                                    "redirect",
	                                    "left_with_disconnect",
	                                    NULL};
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	struct rdd_session_info *s = &obs.session;
	char *text;
	json_t *root, *o, *x, *steps;

	(void)state;
	fixture_healthy(&obs, &d);
	rdd_session_info_init(s);
	snprintf(s->attempt, sizeof(s->attempt), "A");
	s->outcome = RDD_SESSION_ERROR_INFO;
	s->phase = RDD_PHASE_LICENSING;
	snprintf(s->detail, sizeof(s->detail), "Set Error Info 0x00000007");
	s->start_ms = 10;
	s->end_ms = 20.5;
	s->user_channel = 1007;
	s->io_channel = 1003;
	s->events[0].step = RDD_STEP_ERECT_DOMAIN;
	s->events[0].phase = RDD_PHASE_MCS;
	s->events[0].at_ms = 10;
	s->events[0].wait_ms = -1;
	s->events[1].step = RDD_STEP_ATTACH_USER;
	s->events[1].phase = RDD_PHASE_MCS;
	s->events[1].at_ms = 11.25;
	s->events[1].wait_ms = 1.25;
	snprintf(s->events[1].detail, sizeof(s->events[1].detail),
	         "user channel \x1b[31m1007");
	s->n_events = 2;
	s->has_error_info = true;
	s->error_info = 7;
	s->error_info_phase = RDD_PHASE_LICENSING;
	s->error_info_at_ms = 20.5;
	s->sent_disconnect = true;
	root = render(&obs, &d, &text);
	o = get(root, "session");
	assert_true(json_is_object(o));
	assert_int_equal(json_object_size(o), 26);
	assert_int_equal(get_int(o, "static_channels"), 0);
	assert_key_order(strstr(text, "\"session\": {"), 4, order);
	assert_string_equal(get_str(o, "outcome"), "error_info");
	assert_string_equal(get_str(o, "phase"), "licensing");
	assert_string_equal(get_str(o, "stop_after"), "activation");
	assert_num(o, "end_ms", 20.5);
	assert_int_equal(get_int(o, "user_channel"), 1007);
	assert_null_key(o, "message_channel");
	assert_null_key(o, "mcs_result");
	assert_null_key(o, "certificate_signature");
	assert_true(json_is_true(get(o, "left_with_disconnect")));
	steps = get(o, "steps");
	assert_int_equal(json_array_size(steps), 2);
	x = json_array_get(steps, 0);
	assert_string_equal(get_str(x, "step"), "erect_domain");
	assert_string_equal(get_str(x, "phase"), "mcs");
	/* What we send is not timed. */
	assert_null_key(x, "wait_ms");
	x = json_array_get(steps, 1);
	assert_num(x, "wait_ms", 1.25);
	/* A server's string keeps its bytes; the JSON escapes them. */
	assert_string_equal(get_str(x, "detail"), "user channel \x1b[31m1007");
	assert_null(strstr(text, "\x1b"));
	x = get(o, "error_info");
	assert_int_equal(get_int(x, "code"), 7);
	assert_string_equal(get_str(x, "name"),
	                    "ERRINFO_SERVER_DENIED_CONNECTION");
	assert_string_equal(get_str(x, "phase"), "licensing");
	assert_num(x, "at_ms", 20.5);
	x = get(o, "licensing");
	assert_string_equal(get_str(x, "path"), "not_reached");
	assert_null_key(x, "request");
	assert_null_key(x, "error");
	assert_null_key(o, "activation");
	assert_null_key(o, "disconnect");
	assert_null_key(o, "redirect");
	/* No --logon: nothing awaited. */
	assert_null_key(o, "logon");
	json_decref(root);
	free(text);

	/* --logon, and the server named the session. */
	s->logon_notice = RDD_LOGON_NOTICE_LOGGED_ON;
	s->outcome = RDD_SESSION_LOGGED_ON;
	s->has_logon_info = true;
	s->logon_info_type = 1;
	s->has_logon_session_id = true;
	s->logon_session_id = 7;
	s->logon_wait_ms = 812.5;
	root = render(&obs, &d, &text);
	o = get(root, "session");
	assert_string_equal(get_str(o, "outcome"), "logged_on");
	x = get(o, "logon");
	assert_string_equal(get_str(x, "outcome"), "logged_on");
	assert_int_equal(get_int(x, "session_id"), 7);
	assert_int_equal(get_int(x, "info_type"), 1);
	assert_null_key(x, "error_type");
	assert_num(x, "wait_ms", 812.5);
	json_decref(root);
	free(text);
}

static void
test_mcs(void **state)
{
	static const char *const order[] = {"from_attempt",
	                                    "outcome",
	                                    "start_ms",
	                                    "ms",
	                                    "detail",
	                                    "server_selected_protocol",
	                                    "server_selected_protocol_name",
	                                    "encryption_methods_offered",
	                                    "result",
	                                    "result_name",
	                                    "disconnect_reason",
	                                    "disconnect_reason_name",
	                                    "rdp_version",
	                                    "server_version_raw",
	                                    "core_length",
	                                    "client_requested_protocols",
	                                    "early_capability_flags",
	                                    "encryption_method",
	                                    "encryption_method_name",
	                                    "encryption_level",
	                                    "encryption_level_name",
	                                    "server_certificate",
	                                    "multitransport_flags",
	                                    "multitransport_names",
	                                    "io_channel",
	                                    "channel_count",
	                                    "tested_encryption_methods",
	                                    "accepted_encryption_methods",
	                                    "accepted_encryption_method_names",
	                                    NULL};
	static const char *const cert_order[] = {
	    "type",          "version_raw", "permanent",
	    "valid",         "rsa_bits",    "rsa_exponent",
	    "signature_len", "count",       "cert_lengths",
	    "leaf_subject",  "leaf_issuer", "leaf_key_type",
	    "leaf_key_bits", NULL};
	static const char *const top[] = {"tls", "credssp", "mcs",
	                                  "alternate_addresses", NULL};
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *text;
	json_t *root, *m, *c, *arr, *a;

	(void)state;
	fixture_rdp_security(&obs, &d);
	root = render(&obs, &d, &text);
	assert_key_order(text, 2, top);
	assert_true(json_is_null(get(root, "tls")));
	m = get(root, "mcs");
	assert_true(json_is_object(m));
	assert_int_equal(json_object_size(m), 29);
	assert_key_order(strstr(text, "\"mcs\": {"), 4, order);
	assert_string_equal(get_str(m, "from_attempt"), "C");
	assert_string_equal(get_str(m, "outcome"), "ok");
	assert_num(m, "start_ms", 1.9);
	assert_num(m, "ms", 1.4);
	assert_int_equal(get_int(m, "server_selected_protocol"), 0);
	assert_string_equal(get_str(m, "server_selected_protocol_name"), "RDP");
	assert_int_equal(get_int(m, "encryption_methods_offered"), 0x1b);
	assert_int_equal(get_int(m, "result"), 0);
	assert_string_equal(get_str(m, "result_name"), "rt-successful");
	assert_null_key(m, "disconnect_reason");
	assert_null_key(m, "disconnect_reason_name");
	assert_string_equal(get_str(m, "rdp_version"), "RDP 5.0-8.1");
	assert_int_equal(get_int(m, "server_version_raw"), 0x00080004);
	assert_int_equal(get_int(m, "core_length"), 12);
	assert_int_equal(get_int(m, "client_requested_protocols"), 0);
	assert_null_key(m, "early_capability_flags");
	assert_int_equal(get_int(m, "encryption_method"), 2);
	assert_string_equal(get_str(m, "encryption_method_name"),
	                    "ENCRYPTION_METHOD_128BIT");
	assert_int_equal(get_int(m, "encryption_level"), 3);
	assert_string_equal(get_str(m, "encryption_level_name"),
	                    "ENCRYPTION_LEVEL_HIGH");
	assert_null_key(m, "multitransport_flags");
	assert_null_key(m, "multitransport_names");
	assert_int_equal(get_int(m, "io_channel"), 1003);
	assert_int_equal(get_int(m, "channel_count"), 0);
	assert_int_equal(get_int(m, "tested_encryption_methods"), 0x1b);
	arr = get(m, "accepted_encryption_methods");
	assert_int_equal(json_array_size(arr), 1);
	assert_int_equal(json_integer_value(json_array_get(arr, 0)), 2);
	arr = get(m, "accepted_encryption_method_names");
	assert_string_equal(json_string_value(json_array_get(arr, 0)),
	                    "ENCRYPTION_METHOD_128BIT");
	c = get(m, "server_certificate");
	assert_int_equal(json_object_size(c), 13);
	assert_key_order(strstr(text, "\"server_certificate\": {"), 6,
	                 cert_order);
	assert_string_equal(get_str(c, "type"), "proprietary");
	assert_true(json_is_true(get(c, "permanent")));
	assert_true(json_is_true(get(c, "valid")));
	assert_int_equal(get_int(c, "rsa_bits"), 2048);
	assert_int_equal(get_int(c, "rsa_exponent"), 65537);
	assert_int_equal(get_int(c, "signature_len"), 72);
	assert_int_equal(get_int(c, "count"), 1);
	assert_int_equal(json_array_size(get(c, "cert_lengths")), 0);
	assert_null_key(c, "leaf_subject");
	assert_null_key(c, "leaf_key_bits");

	/* The attempts: A did MCS, B did not, E40 offered 40-bit alone. */
	arr = get(get(root, "negotiation"), "attempts");
	assert_int_equal(json_array_size(arr), 7);
	a = find(arr, "label", "A");
	assert_true(json_is_true(get(a, "mcs_wanted")));
	assert_int_equal(get_int(a, "encryption_methods"), 0x1b);
	assert_string_equal(get_str(a, "mcs"), "ok");
	assert_int_equal(get_int(a, "mcs_result"), 0);
	assert_int_equal(get_int(a, "mcs_encryption_method"), 2);
	assert_int_equal(get_int(a, "mcs_encryption_level"), 3);
	assert_num(a, "mcs_start_ms", 1.9);
	assert_num(a, "mcs_ms", 1.4);
	a = find(arr, "label", "B");
	assert_true(json_is_false(get(a, "mcs_wanted")));
	assert_null_key(a, "encryption_methods");
	assert_string_equal(get_str(a, "mcs"), "not_run");
	assert_null_key(a, "mcs_result");
	assert_null_key(a, "mcs_encryption_method");
	assert_null_key(a, "mcs_start_ms");
	assert_string_equal(get_str(a, "mcs_detail"), "");
	a = find(arr, "label", "E40");
	assert_int_equal(get_int(a, "encryption_methods"), 1);
	assert_int_equal(get_int(a, "mcs_encryption_method"), 2);
	assert_string_equal(get_str(a, "mcs_detail"), "chose 0x02");
	json_decref(root);
	free(text);

	/* An X.509 chain whose server certificate names carry escapes. */
	obs.mcs.server_certificate.kind = RDD_SERVER_CERT_X509;
	obs.mcs.server_certificate.version_raw = 0x80000002;
	obs.mcs.server_certificate.temporary = true;
	obs.mcs.server_certificate.n_certs = 2;
	obs.mcs.server_certificate.cert_len[0] = 351;
	obs.mcs.server_certificate.cert_len[1] = 869;
	obs.mcs.server_certificate.leaf_parsed = true;
	snprintf(obs.mcs.server_certificate.leaf_subject, RDD_STR, "%s",
	         HOSTILE_SUBJECT);
	snprintf(obs.mcs.server_certificate.leaf_issuer, RDD_STR,
	         "L=TURNBKL+CN=SERVR");
	snprintf(obs.mcs.server_certificate.leaf_key_type, 16, "RSA");
	obs.mcs.server_certificate.leaf_key_bits = 512;
	obs.mcs.has_multitransport = true;
	obs.mcs.multitransport_flags = 0x301;
	root = render(&obs, &d, &text);
	m = get(root, "mcs");
	c = get(m, "server_certificate");
	assert_string_equal(get_str(c, "type"), "x509");
	assert_true(json_is_false(get(c, "permanent")));
	assert_null_key(c, "rsa_bits");
	assert_null_key(c, "signature_len");
	assert_int_equal(get_int(c, "count"), 2);
	arr = get(c, "cert_lengths");
	assert_int_equal(json_array_size(arr), 2);
	assert_int_equal(json_integer_value(json_array_get(arr, 1)), 869);
	assert_string_equal(get_str(c, "leaf_subject"),
	                    "CN=\x1b[2Jevil\xef\xbf\xbd\xef\xbf\xbd\x1b]52;c;"
	                    "aGk=\x07");
	assert_null(strstr(text, "\x1b"));
	assert_string_equal(get_str(c, "leaf_issuer"), "L=TURNBKL+CN=SERVR");
	assert_int_equal(get_int(c, "leaf_key_bits"), 512);
	assert_int_equal(get_int(m, "multitransport_flags"), 0x301);
	assert_string_equal(get_str(m, "multitransport_names"),
	                    "UDPFECR|UDP_PREFERRED|SOFTSYNC_TCP_TO_UDP");
	json_decref(root);
	free(text);

	/* Refused: a result without server data; a DPUM. */
	memset(&obs.mcs, 0, sizeof(obs.mcs));
	obs.mcs.outcome = RDD_MCS_OK;
	snprintf(obs.mcs.attempt, 8, "A");
	obs.mcs.result = 14;
	obs.mcs.disconnect_reason = -1;
	root = render(&obs, &d, &text);
	m = get(root, "mcs");
	assert_int_equal(get_int(m, "result"), 14);
	assert_string_equal(get_str(m, "result_name"),
	                    "rt-unspecified-failure");
	assert_null_key(m, "rdp_version");
	assert_null_key(m, "server_version_raw");
	assert_null_key(m, "encryption_method");
	assert_null_key(m, "encryption_level_name");
	assert_null_key(m, "server_certificate");
	assert_null_key(m, "io_channel");
	assert_int_equal(json_array_size(get(m, "accepted_encryption_methods")),
	                 0);
	json_decref(root);
	free(text);
	obs.mcs.outcome = RDD_MCS_DISCONNECTED;
	obs.mcs.result = -1;
	obs.mcs.disconnect_reason = 3;
	root = render(&obs, &d, &text);
	m = get(root, "mcs");
	assert_string_equal(get_str(m, "outcome"), "disconnected");
	assert_null_key(m, "result");
	assert_null_key(m, "result_name");
	assert_int_equal(get_int(m, "disconnect_reason"), 3);
	assert_string_equal(get_str(m, "disconnect_reason_name"),
	                    "rn-user-requested");
	json_decref(root);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthy_top_level),
	    cmocka_unit_test(test_kerberos_user),
	    cmocka_unit_test(test_gateway_auth),
	    cmocka_unit_test(test_client_error),
	    cmocka_unit_test(test_healthy_phases),
	    cmocka_unit_test(test_healthy_negotiation),
	    cmocka_unit_test(test_healthy_tls_and_certificate),
	    cmocka_unit_test(test_healthy_findings_and_verdict),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_phase_error),
	    cmocka_unit_test(test_expired_certificate),
	    cmocka_unit_test(test_days_left_rounding),
	    cmocka_unit_test(test_hostile_strings),
	    cmocka_unit_test(test_null_rules),
	    cmocka_unit_test(test_credssp),
	    cmocka_unit_test(test_mcs),
	    cmocka_unit_test(test_no_findings),
	    cmocka_unit_test(test_lowers_security),
	    cmocka_unit_test(test_every_cause),
	    cmocka_unit_test(test_unknown_cause_writes_nothing),
	    cmocka_unit_test(test_write_error),
	    cmocka_unit_test(test_tls_enum),
	    cmocka_unit_test(test_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
