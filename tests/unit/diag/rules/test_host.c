/*
 * test_host.c - rdd_diagnose_host() (lib/diag/rules/host.c) and the host
 * state JSON (lib/report/host_json.c), from the JSON fixtures of
 * tests/unit/diag/host/: each is a whole state read on a server plus the
 * ids it must give ("expect", exactly those) and the verdict
 * ("expect_status"). Every fixture of the directory is run.
 */
#include <dirent.h>
#include <stdlib.h>

#include <jansson.h>

#include "host/state_write.h"
#include "rdpdoctor/host.h"
#include "rules_harness.h"

#ifndef RDD_HOST_FIXTURES
#error RDD_HOST_FIXTURES must name tests/unit/diag/host
#endif

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Diagnose, check what holds for every host diagnosis, record causes. */
static void
host_diagnose(const struct rdd_host_state *st, struct rdd_diagnosis *d)
{
	size_t i;

	rdd_diagnose_host(st, d);
	for (i = 0; i < d->n_findings; i++) {
		const struct rdd_cause_info *ci =
		    rdd_cause_info(d->findings[i].cause);

		assert_non_null(ci);
		if (strncmp(ci->id, "host-", 5) != 0)
			fail_msg("%s: not a host id", ci->id);
		assert_true(d->findings[i].evidence[0] != '\0');
		if (i > 0)
			assert_true(d->findings[i].severity <=
			            d->findings[i - 1].severity);
		emitted[d->findings[i].cause] = true;
	}
	assert_true(d->summary[0] != '\0');
}

/* One fixture: the findings are exactly "expect", the verdict
 * "expect_status", and the state survives write + read unchanged. */
static void
run_fixture(const char *name)
{
	static struct rdd_host_state st, again;
	static struct rdd_diagnosis d;
	char path[512], err[256];
	char *text, *out = NULL;
	size_t len, outlen = 0, i, k;
	json_t *top, *expect, *e;
	FILE *mem;

	snprintf(path, sizeof(path), "%s/%s", RDD_HOST_FIXTURES, name);
	text = slurp(path, &len);
	if (rdd_host_state_from_json(text, len, &st, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	host_diagnose(&st, &d);
	top = json_loadb(text, len, 0, NULL);
	assert_non_null(top);
	expect = json_object_get(top, "expect");
	assert_true(json_is_array(expect));
	json_array_foreach(expect, i, e)
	{
		const char *id = json_string_value(e);
		bool found = false;

		for (k = 0; k < d.n_findings; k++)
			found = found ||
			        strcmp(rdd_cause_info(d.findings[k].cause)->id,
			               id) == 0;
		if (!found)
			fail_msg("%s: %s expected, not emitted", name, id);
	}
	if (d.n_findings != json_array_size(expect)) {
		for (k = 0; k < d.n_findings; k++)
			print_error("%s: emitted %s: %s\n", name,
			            rdd_cause_info(d.findings[k].cause)->id,
			            d.findings[k].evidence);
		fail_msg("%s: %zu findings, expected %zu", name, d.n_findings,
		         json_array_size(expect));
	}
	assert_string_equal(
	    rdd_verdict_name(d.status),
	    json_string_value(json_object_get(top, "expect_status")));
	json_decref(top);

	/* Write, read back: the same state. */
	mem = open_memstream(&out, &outlen);
	assert_non_null(mem);
	assert_int_equal(rdd_host_state_write_json(mem, &st), 0);
	fclose(mem);
	if (rdd_host_state_from_json(out, outlen, &again, err, sizeof(err)) !=
	    0)
		fail_msg("%s: written state does not read back: %s", name, err);
	if (memcmp(&st, &again, sizeof(st)) != 0)
		fail_msg("%s: state changed by write + read:\n%s", name, out);
	free(out);

	/* rdpdoctor-host.exe's writer (no jansson): the same state too. */
	mem = open_memstream(&out, &outlen);
	assert_non_null(mem);
	assert_int_equal(rdd_host_state_write_plain(mem, &st), 0);
	fclose(mem);
	if (rdd_host_state_from_json(out, outlen, &again, err, sizeof(err)) !=
	    0)
		fail_msg("%s: plain state does not read back: %s\n%s", name,
		         err, out);
	if (memcmp(&st, &again, sizeof(st)) != 0)
		fail_msg("%s: state changed by plain write + read:\n%s", name,
		         out);
	free(out);

	/* The report renders. */
	mem = open_memstream(&out, &outlen);
	assert_int_equal(rdd_report_host_json(mem, &st, &d), 0);
	assert_int_equal(rdd_report_host_text(mem, &st, &d, false), 0);
	fclose(mem);
	free(out);
	free(text);
}

static void
test_fixtures(void **state)
{
	DIR *dir = opendir(RDD_HOST_FIXTURES);
	struct dirent *de;
	int n = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
			run_fixture(de->d_name);
			n++;
		}
	}
	closedir(dir);
	assert_true(n >= 20);
}

static void
test_policy_wins(void **state)
{
	struct rdd_host_setting s;
	uint32_t v = 99;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_null(rdd_host_effective(&s, &v)); /* nothing readable */
	s.local.read = RDD_HOST_SET;
	s.local.value = 0;
	assert_null(rdd_host_effective(&s, &v)); /* policy unknown */
	s.policy.read = RDD_HOST_ABSENT;
	assert_string_equal(rdd_host_effective(&s, &v), "local");
	assert_int_equal(v, 0);
	s.policy.read = RDD_HOST_SET;
	s.policy.value = 2;
	assert_string_equal(rdd_host_effective(&s, &v), "policy");
	assert_int_equal(v, 2);
	s.local.read = RDD_HOST_UNREADABLE;
	assert_string_equal(rdd_host_effective(&s, &v), "policy");
}

static void
test_policy_evidence(void **state)
{
	static struct rdd_host_state st;
	static struct rdd_diagnosis d;
	char err[128];
	const char *js = "{\"rdpdoctor_host_state\":1,\"listener\":{"
	                 "\"SecurityLayer\":{\"local\":2,\"policy\":0},"
	                 "\"UserAuthentication\":{\"local\":1,\"policy\":null},"
	                 "\"fDenyTSConnections\":{\"local\":0,\"policy\":1}}}";

	(void)state;
	assert_int_equal(
	    rdd_host_state_from_json(js, strlen(js), &st, err, sizeof(err)), 0);
	host_diagnose(&st, &d);
	assert_has(
	    expect(&d, "host-security-layer-rdp", RDD_SEV_WARNING)->evidence,
	    "(from Group Policy); the listener's own value 2 is "
	    "overridden; UserAuthentication = 1 contradicts it");
	assert_has(expect(&d, "host-rdp-disabled", RDD_SEV_CRITICAL)->evidence,
	           "fDenyTSConnections = 1 (from Group Policy)");
	assert_string_equal(rdd_verdict_name(d.status), "critical");
	assert_string_equal(rdd_phase_name((enum rdd_phase)d.failed_phase),
	                    rdd_phase_name(RDD_PHASE_TCP));
}

static void
test_fw_rule(void **state)
{
	(void)state;
	assert_int_equal(
	    rdd_host_fw_rule_allows("v2.33|Action=Allow|Active=TRUE|Dir=In|"
	                            "Protocol=6|LPort=3389|",
	                            3389),
	    1);
	assert_int_equal(
	    rdd_host_fw_rule_allows("v2.33|Action=Allow|Active=TRUE|Dir=In|"
	                            "Protocol=6|LPort=3389|",
	                            3390),
	    0);
	/* Active absent means active; Protocol absent means any. */
	assert_int_equal(rdd_host_fw_rule_allows(
	                     "v2.10|Action=Allow|Dir=In|LPort=3390", 3390),
	                 1);
	/* No LPort: every port. */
	assert_int_equal(
	    rdd_host_fw_rule_allows("v2.10|Action=Allow|Dir=In|Protocol=6|", 1),
	    1);
	assert_int_equal(rdd_host_fw_rule_allows("v2.33|Action=Allow|Dir=In|"
	                                         "LPort=RPC|LPort=3000-3400|",
	                                         3389),
	                 1);
	assert_int_equal(rdd_host_fw_rule_allows("v2.33|Action=Allow|Dir=In|"
	                                         "LPort=3000-|",
	                                         3389),
	                 0);
	assert_int_equal(rdd_host_fw_rule_allows("v2.33|Action=Block|Dir=In|"
	                                         "LPort=3389|",
	                                         3389),
	                 0);
	assert_int_equal(rdd_host_fw_rule_allows("v2.33|Action=Allow|Dir=Out|"
	                                         "LPort=3389|",
	                                         3389),
	                 0);
	assert_int_equal(rdd_host_fw_rule_allows("v2.33|Action=Allow|Dir=In|"
	                                         "Active=FALSE|LPort=3389|",
	                                         3389),
	                 0);
	assert_int_equal(rdd_host_fw_rule_allows("v2.33|Action=Allow|Dir=In|"
	                                         "Protocol=17|LPort=3389|",
	                                         3389),
	                 0);
	assert_int_equal(rdd_host_fw_rule_allows("v2.33|Action=Allow|Dir=In|"
	                                         "LPort=99999999999|",
	                                         3389),
	                 0);
	assert_int_equal(rdd_host_fw_rule_allows("Action=Allow", 3389), -1);
	assert_int_equal(rdd_host_fw_rule_allows(NULL, 3389), -1);
}

static void
bad_state(const char *js, const char *why)
{
	static struct rdd_host_state st;
	char err[256];

	if (rdd_host_state_from_json(js, strlen(js), &st, err, sizeof(err)) ==
	    0)
		fail_msg("accepted: %s", js);
	assert_has(err, why);
}

static void
test_bad_states(void **state)
{
	(void)state;
	bad_state("", "not JSON");
	bad_state("[1]", "not a host state");
	bad_state("{\"rdpdoctor_host_state\":2}", "version 2");
	bad_state("{\"rdpdoctor_host_state\":1,\"listener\":{\"PortNumber\":"
	          "-1}}",
	          "PortNumber: not a number");
	bad_state("{\"rdpdoctor_host_state\":1,\"listener\":{\"PortNumber\":"
	          "4294967296}}",
	          "PortNumber");
	bad_state("{\"rdpdoctor_host_state\":1,\"listener\":{"
	          "\"SelfSignedCertificate\":\"abc\"}}",
	          "40 uppercase hex");
	bad_state("{\"rdpdoctor_host_state\":1,\"listener\":{\"SecurityLayer\":"
	          "2}}",
	          "SecurityLayer: not an object");
	bad_state("{\"rdpdoctor_host_state\":1,\"certificate\":{"
	          "\"thumbprint\":\"\\u001b[31m\"}}",
	          "certificate.thumbprint: not 40");
	bad_state("{\"rdpdoctor_host_state\":1,\"certificate\":{\"key\":"
	          "\"gone\"}}",
	          "certificate.key");
	bad_state("{\"rdpdoctor_host_state\":1,\"service\":{\"TermService\":"
	          "\"paused\"}}",
	          "service.TermService");
	bad_state("{\"rdpdoctor_host_state\":1,\"firewall\":{\"rules\":[1]}}",
	          "firewall.rules[]");
	bad_state("{\"rdpdoctor_host_state\":1,\"listening\":1}",
	          "listening: not true or false");
	bad_state("{\"rdpdoctor_host_state\":1,\"rdpdoctor_host_state\":1}",
	          "not JSON");
	bad_state("{\"rdpdoctor_host_state\":1,\"service\":{\"dependencies\":"
	          "{}}}",
	          "service.dependencies: not an array");
	bad_state("{\"rdpdoctor_host_state\":1,\"service\":{\"dependencies\":"
	          "[{\"name\":\"RpcSs\",\"state\":\"paused\"}]}}",
	          "service.dependencies[].state");
	bad_state("{\"rdpdoctor_host_state\":1,\"service\":{\"dependencies\":"
	          "[{\"state\":\"running\"}]}}",
	          "service.dependencies[].name");
	bad_state("{\"rdpdoctor_host_state\":1,\"schannel\":{"
	          "\"cipher_suite_order\":3}}",
	          "cipher_suite_order: not a string");
	bad_state("{\"rdpdoctor_host_state\":1,\"schannel\":{\"ciphers\":{"
	          "\"AES 128/128\":-1}}}",
	          "AES 128/128: not a number");
	bad_state("{\"rdpdoctor_host_state\":1,\"licensing\":{"
	          "\"grace_period_days_left\":\"12\"}}",
	          "grace_period_days_left");
	bad_state("{\"rdpdoctor_host_state\":1,\"licensing\":{"
	          "\"grace_period_timebomb\":2}}",
	          "grace_period_timebomb: not true, false or null");
}

/* A string longer than its field is cut at a character boundary: the
 * state still writes and reads back (both writers). */
static void
test_long_utf8_cut(void **state)
{
	static struct rdd_host_state st, again;
	char js[512], err[256], *out = NULL;
	size_t outlen = 0, k;
	int i;
	FILE *mem;

	(void)state;
	for (k = 0; k < 4; k++) {
		/* "e-acute" (2 bytes), "euro" (3), U+1F600 (4), after K "a"s. */
		static const char *const ch[] = {
		    "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3\xa9"};
		int n =
		    snprintf(js, sizeof(js),
		             "{\"rdpdoctor_host_state\":1,\"computer\":\"%.*s",
		             (int)k, "aaa");

		for (i = 0; i < 40; i++)
			n += snprintf(js + n, sizeof(js) - (size_t)n, "%s",
			              ch[k]);
		snprintf(js + n, sizeof(js) - (size_t)n, "\"}");
		assert_int_equal(rdd_host_state_from_json(js, strlen(js), &st,
		                                          err, sizeof(err)),
		                 0);
		assert_true(strlen(st.computer) > 50);
		mem = open_memstream(&out, &outlen);
		assert_int_equal(rdd_host_state_write_plain(mem, &st), 0);
		fclose(mem);
		if (rdd_host_state_from_json(out, outlen, &again, err,
		                             sizeof(err)) != 0)
			fail_msg("cut string does not read back: %s", err);
		assert_memory_equal(&st, &again, sizeof(st));
		free(out);
	}
}

/* Every prefix of a whole state is read or refused, never more. */
static void
test_every_truncation(void **state)
{
	static struct rdd_host_state st;
	char path[512], err[256], *text, *cut;
	size_t len, n;

	(void)state;
	snprintf(path, sizeof(path), "%s/healthy.json", RDD_HOST_FIXTURES);
	text = slurp(path, &len);
	for (n = 0; n < len; n++) {
		cut = malloc(n + 1);
		assert_non_null(cut);
		memcpy(cut, text, n);
		/* No NUL: the reader must stop at N bytes. */
		if (rdd_host_state_from_json(cut, n, &st, err, sizeof(err)) ==
		    0)
			assert_true(n >= len - 2); /* only whitespace cut */
		free(cut);
	}
	free(text);
}

/* The evidence of the newer readings: the suites, the switches, the
 * grace days, the dependencies, the CNG key directory. */
static const char *
fixture_evidence(const char *name, const char *id)
{
	static struct rdd_host_state st;
	static struct rdd_diagnosis d;
	static char ev[sizeof(d.findings[0].evidence)];
	char path[512], err[256], *text;
	size_t len, i;

	snprintf(path, sizeof(path), "%s/%s", RDD_HOST_FIXTURES, name);
	text = slurp(path, &len);
	if (rdd_host_state_from_json(text, len, &st, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	free(text);
	host_diagnose(&st, &d);
	for (i = 0; i < d.n_findings; i++)
		if (strcmp(rdd_cause_info(d.findings[i].cause)->id, id) == 0) {
			snprintf(ev, sizeof(ev), "%s", d.findings[i].evidence);
			return ev;
		}
	fail_msg("%s: no %s", name, id);
	return NULL;
}

static void
test_new_readings_evidence(void **state)
{
	static struct rdd_host_state st;
	static struct rdd_diagnosis d;
	char err[128];
	const char *js;

	(void)state;
	assert_has(
	    fixture_evidence("cert-key-acl-cng.json", "host-cert-key-acl"),
	    "(Crypto\\Keys, a CNG key) grants NETWORK SERVICE no read");
	assert_has(fixture_evidence("cert-key-acl.json", "host-cert-key-acl"),
	           "\"TSSecKeySet1\" grants");
	assert_has(
	    fixture_evidence("cipher-order-no-tls12-suite.json",
	                     "host-schannel-no-usable-suite"),
	    "lists 4 suites (TLS_RSA_WITH_3DES_EDE_CBC_SHA, "
	    "TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, ...), none");
	assert_has(fixture_evidence("cipher-order-aes-disabled.json",
	                            "host-schannel-no-usable-suite"),
	           "lists 3 TLS 1.2 suites a client could use, and SCHANNEL "
	           "disables what each needs (Ciphers\\AES 128/128, "
	           "Ciphers\\AES 256/256)");
	assert_has(fixture_evidence("cipher-switches-no-kex.json",
	                            "host-schannel-no-usable-suite"),
	           "no SSL Cipher Suite Order policy, but SCHANNEL disables "
	           "KeyExchangeAlgorithms\\ECDH, "
	           "KeyExchangeAlgorithms\\Diffie-Hellman, "
	           "KeyExchangeAlgorithms\\PKCS");
	assert_has(fixture_evidence("licensing-grace-expired.json",
	                            "host-licensing-grace-expired"),
	           "GetGracePeriodDays 0; LicensingMode = 4 (per user, from "
	           "RCM\\Licensing Core)");
	assert_has(fixture_evidence("licensing-grace-left.json",
	                            "host-licensing-not-configured"),
	           "LicensingMode = 5 (from RCM\\Licensing Core); 12 days of "
	           "grace left");
	assert_has(fixture_evidence("termservice-dependency-disabled.json",
	                            "host-termservice-dependency"),
	           "TermService depends on TermDD, whose start type is "
	           "Disabled");
	assert_has(fixture_evidence("termservice-dependency-missing.json",
	                            "host-termservice-dependency"),
	           "depends on TermDD, which is not installed");
	assert_has(fixture_evidence("termservice-dependency-stopped.json",
	                            "host-termservice-stopped"),
	           "TermService is stopped, start type Manual; its dependency "
	           "TermDD is stopped too (start type System)");
	assert_has(
	    fixture_evidence("termservice-dependency-disabled-running.json",
	                     "host-termservice-dependency"),
	    "RpcSs, whose start type is Disabled (running now)");

	/* One suite, RC4: nothing usable. */
	js = "{\"rdpdoctor_host_state\":1,\"schannel\":{"
	     "\"cipher_suite_order\":\"TLS_RSA_WITH_RC4_128_SHA\"}}";
	assert_int_equal(
	    rdd_host_state_from_json(js, strlen(js), &st, err, sizeof(err)), 0);
	host_diagnose(&st, &d);
	assert_int_equal(d.n_findings, 1);
	assert_string_equal(rdd_cause_info(d.findings[0].cause)->id,
	                    "host-schannel-no-usable-suite");
	/* An empty list: what Windows does with it is not known. */
	js = "{\"rdpdoctor_host_state\":1,\"schannel\":{"
	     "\"cipher_suite_order\":\" , \"}}";
	assert_int_equal(
	    rdd_host_state_from_json(js, strlen(js), &st, err, sizeof(err)), 0);
	host_diagnose(&st, &d);
	assert_int_equal(d.n_findings, 0);
}

/* A suite list longer than the state holds is refused, not cut: cut, it
 * could lose the one usable suite. */
static void
test_long_suite_list(void **state)
{
	static struct rdd_host_state st;
	static char js[4096];
	char err[128];
	int n, i;

	(void)state;
	n = snprintf(js, sizeof(js),
	             "{\"rdpdoctor_host_state\":1,"
	             "\"schannel\":{\"cipher_suite_order\":\"");
	for (i = 0; i < 90; i++)
		n += snprintf(js + n, sizeof(js) - (size_t)n, "%s",
		              "TLS_RSA_WITH_RC4_128_SHA,");
	snprintf(js + n, sizeof(js) - (size_t)n, "%s",
	         "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"}}");
	assert_int_equal(
	    rdd_host_state_from_json(js, strlen(js), &st, err, sizeof(err)),
	    -1);
	assert_has(err, "cipher_suite_order: longer than 2047");
}

/* ---- host --check: the state against a check of its listener -------- */

static void
load_healthy(struct rdd_host_state *st)
{
	char path[512], err[256], *text;
	size_t len;

	snprintf(path, sizeof(path), "%s/healthy.json", RDD_HOST_FIXTURES);
	text = slurp(path, &len);
	if (rdd_host_state_from_json(text, len, st, err, sizeof(err)) != 0)
		fail_msg("healthy.json: %s", err);
	free(text);
}

/* What the check of a healthy listener (TLS required, NLA) would see,
 * serving the self-signed certificate of healthy.json. */
static void
healthy_obs(struct rdd_observation *lo)
{
	rdd_observation_init(lo);
	snprintf(lo->host, sizeof(lo->host), "127.0.0.1");
	lo->port = 3389;
	lo->phases[RDD_PHASE_TCP].present = true;
	lo->phases[RDD_PHASE_TCP].status = RDD_STATUS_OK;
	lo->security_layer = RDD_SECLAYER_TLS;
	lo->nla_required = 1;
	lo->tls.present = true;
	lo->tls.cert.present = true;
	/* Lowercase: thumbprints compare without regard to case. */
	snprintf(lo->tls.cert.sha1, sizeof(lo->tls.cert.sha1), "%s",
	         "420628cf7c744efec6f1461f3e393ee7fa3afeb1");
}

/* Diagnose with OBS; the finding of ID (NULL when absent). Every finding
 * is a host one, with evidence; causes are recorded for test_rules. */
static const struct rdd_finding *
check_find(const struct rdd_host_state *st, const struct rdd_observation *lo,
           struct rdd_diagnosis *d, const char *id)
{
	const struct rdd_finding *hit = NULL;
	size_t i;

	rdd_diagnose_host_check(st, lo, d);
	for (i = 0; i < d->n_findings; i++) {
		const struct rdd_cause_info *ci =
		    rdd_cause_info(d->findings[i].cause);

		assert_non_null(ci);
		assert_true(strncmp(ci->id, "host-", 5) == 0);
		assert_true(d->findings[i].evidence[0] != '\0');
		emitted[d->findings[i].cause] = true;
		if (id != NULL && strcmp(ci->id, id) == 0)
			hit = &d->findings[i];
	}
	return hit;
}

static void
test_check_agrees(void **state)
{
	static struct rdd_host_state st;
	static struct rdd_observation lo;
	static struct rdd_diagnosis d, plain;
	const char *src;

	(void)state;
	load_healthy(&st);
	healthy_obs(&lo);
	assert_string_equal(rdd_host_expected_thumbprint(&st, &src),
	                    "420628CF7C744EFEC6F1461F3E393EE7FA3AFEB1");
	assert_string_equal(src, "self-signed");
	check_find(&st, &lo, &d, NULL);
	rdd_diagnose_host(&st, &plain);
	/* Nothing more than the state alone gives. */
	assert_int_equal(d.n_findings, plain.n_findings);
	assert_int_equal(d.status, plain.status);
	assert_int_equal(d.status, RDD_VERDICT_OK);
}

static void
test_check_cert_mismatch(void **state)
{
	static struct rdd_host_state st;
	static struct rdd_observation lo;
	static struct rdd_diagnosis d;
	const struct rdd_finding *f;
	const char *src;

	(void)state;
	load_healthy(&st);
	healthy_obs(&lo);
	snprintf(lo.tls.cert.sha1, sizeof(lo.tls.cert.sha1), "%s",
	         "0123456789ABCDEF0123456789ABCDEF01234567");
	f = check_find(&st, &lo, &d, "host-listener-cert-mismatch");
	assert_non_null(f);
	assert_non_null(strstr(f->evidence, "0123456789ABCDEF0123"));
	assert_non_null(strstr(f->evidence, "420628CF7C744EFEC6F1"));
	assert_non_null(strstr(f->evidence, "self-signed"));
	assert_int_equal(d.status, RDD_VERDICT_WARNING);

	/* A configured thumbprint is the one expected. */
	st.configured_cert.read = RDD_HOST_SET;
	snprintf(st.configured_cert.hex, sizeof(st.configured_cert.hex), "%s",
	         "0123456789ABCDEF0123456789ABCDEF01234567");
	assert_string_equal(rdd_host_expected_thumbprint(&st, &src),
	                    "0123456789ABCDEF0123456789ABCDEF01234567");
	assert_string_equal(src, "configured");
	assert_null(check_find(&st, &lo, &d, "host-listener-cert-mismatch"));

	/* No certificate received, or none known: nothing compared. */
	healthy_obs(&lo);
	lo.tls.present = false;
	assert_null(check_find(&st, &lo, &d, "host-listener-cert-mismatch"));
	healthy_obs(&lo);
	st.configured_cert.read = RDD_HOST_UNREADABLE;
	assert_null(rdd_host_expected_thumbprint(&st, &src));
	assert_null(check_find(&st, &lo, &d, "host-listener-cert-mismatch"));
}

static void
test_check_policy_not_effective(void **state)
{
	static struct rdd_host_state st;
	static struct rdd_observation lo;
	static struct rdd_diagnosis d;
	const struct rdd_finding *f;

	(void)state;
	load_healthy(&st);
	/* NLA required by the state, the listener accepts TLS alone. */
	healthy_obs(&lo);
	lo.nla_required = 0;
	f = check_find(&st, &lo, &d, "host-policy-not-effective");
	assert_non_null(f);
	assert_non_null(strstr(f->evidence, "UserAuthentication = 1"));
	/* TLS required, the listener allows standard RDP security. */
	healthy_obs(&lo);
	lo.security_layer = RDD_SECLAYER_NEGOTIATE;
	f = check_find(&st, &lo, &d, "host-policy-not-effective");
	assert_non_null(f);
	assert_non_null(strstr(f->evidence, "SecurityLayer = 2"));
	assert_null(strstr(f->evidence, "UserAuthentication"));
	/* The policy value is the one compared, and named. */
	healthy_obs(&lo);
	lo.nla_required = 1;
	st.user_authentication.policy.read = RDD_HOST_SET;
	st.user_authentication.policy.value = 0;
	f = check_find(&st, &lo, &d, "host-policy-not-effective");
	assert_non_null(f);
	assert_non_null(strstr(f->evidence, "Group Policy"));
	/* SecurityLayer 0 but the listener negotiated TLS. */
	load_healthy(&st);
	st.security_layer.local.value = 0;
	healthy_obs(&lo);
	f = check_find(&st, &lo, &d, "host-policy-not-effective");
	assert_non_null(f);
	assert_non_null(strstr(f->evidence, "SecurityLayer = 0"));
	/* SecurityLayer 1 (Negotiate): TLS must be offered. */
	load_healthy(&st);
	st.security_layer.local.value = 1;
	healthy_obs(&lo);
	assert_null(check_find(&st, &lo, &d, "host-policy-not-effective"));
	lo.security_layer = RDD_SECLAYER_NEGOTIATE;
	assert_null(check_find(&st, &lo, &d, "host-policy-not-effective"));
	lo.security_layer = RDD_SECLAYER_RDP;
	f = check_find(&st, &lo, &d, "host-policy-not-effective");
	assert_non_null(f);
	assert_has(f->evidence, "SecurityLayer = 1 (Negotiate, from the "
	                        "RDP-Tcp listener), but the listener refused "
	                        "TLS");
	/* Negotiate without NLA must accept standard RDP security too;
	 * with NLA the listener rightly refuses it. */
	healthy_obs(&lo);
	lo.nla_required = 0;
	st.user_authentication.local.value = 0;
	f = check_find(&st, &lo, &d, "host-policy-not-effective");
	assert_non_null(f);
	assert_has(f->evidence, "UserAuthentication = 0, but the listener "
	                        "refused standard RDP security");
	lo.security_layer = RDD_SECLAYER_NEGOTIATE;
	assert_null(check_find(&st, &lo, &d, "host-policy-not-effective"));
	/* Unknown on the listener's side: nothing compared. */
	load_healthy(&st);
	healthy_obs(&lo);
	lo.nla_required = -1;
	lo.security_layer = RDD_SECLAYER_UNKNOWN;
	assert_null(check_find(&st, &lo, &d, "host-policy-not-effective"));
}

static void
test_check_not_answering(void **state)
{
	static struct rdd_host_state st;
	static struct rdd_observation lo;
	static struct rdd_diagnosis d;
	const struct rdd_finding *f;

	(void)state;
	load_healthy(&st);
	healthy_obs(&lo);
	lo.phases[RDD_PHASE_TCP].status = RDD_STATUS_FAILED;
	snprintf(lo.phases[RDD_PHASE_TCP].detail,
	         sizeof(lo.phases[RDD_PHASE_TCP].detail), "connection refused");
	/* Nothing else is compared once TCP failed. */
	lo.nla_required = 0;
	f = check_find(&st, &lo, &d, "host-listener-not-answering");
	assert_non_null(f);
	assert_non_null(strstr(f->evidence, "connection refused"));
	assert_null(check_find(&st, &lo, &d, "host-policy-not-effective"));
	assert_int_equal(d.status, RDD_VERDICT_CRITICAL);
	/* The state did not see a listener either: host-listener-missing
	 * tells it already. */
	st.listening.value = 0;
	assert_null(check_find(&st, &lo, &d, "host-listener-not-answering"));
	st.listening.read = RDD_HOST_UNREADABLE;
	assert_null(check_find(&st, &lo, &d, "host-listener-not-answering"));
}

/* Both views in the reports: JSON "listener_check", text section. */
static void
test_check_reports(void **state)
{
	static struct rdd_host_state st;
	static struct rdd_observation lo;
	static struct rdd_diagnosis d, cd;
	char *out = NULL;
	size_t outlen = 0;
	FILE *mem;
	json_t *doc, *lc;
	json_error_t jerr;

	(void)state;
	load_healthy(&st);
	healthy_obs(&lo);
	snprintf(lo.tls.cert.sha1, sizeof(lo.tls.cert.sha1), "%s",
	         "0123456789ABCDEF0123456789ABCDEF01234567");
	rdd_diagnose(&lo, &cd);
	rdd_diagnose_host_check(&st, &lo, &d);
	mem = open_memstream(&out, &outlen);
	assert_non_null(mem);
	assert_int_equal(rdd_report_host_check_json(mem, &st, &d, &lo, &cd), 0);
	fclose(mem);
	doc = json_loads(out, 0, &jerr);
	assert_non_null(doc);
	lc = json_object_get(doc, "listener_check");
	assert_non_null(lc);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(lc, "certificate"), "served")),
	                    "0123456789ABCDEF0123456789ABCDEF01234567");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(lc, "certificate"), "state")),
	                    "420628CF7C744EFEC6F1461F3E393EE7FA3AFEB1");
	assert_true(json_is_false(
	    json_object_get(json_object_get(lc, "certificate"), "match")));
	assert_true(json_is_object(json_object_get(lc, "check")));
	json_decref(doc);
	free(out);
	out = NULL;
	mem = open_memstream(&out, &outlen);
	assert_non_null(mem);
	assert_int_equal(rdd_report_host_check_text(mem, &st, &d, &lo, false),
	                 0);
	fclose(mem);
	assert_non_null(strstr(out, "Listener check"));
	assert_non_null(
	    strstr(out, "0123456789ABCDEF0123456789ABCDEF01234567"));
	assert_non_null(strstr(out, "host-listener-cert-mismatch"));
	free(out);
}

const struct CMUnitTest rules_host_tests[] = {
    cmocka_unit_test(test_check_agrees),
    cmocka_unit_test(test_check_cert_mismatch),
    cmocka_unit_test(test_check_policy_not_effective),
    cmocka_unit_test(test_check_not_answering),
    cmocka_unit_test(test_check_reports),
    cmocka_unit_test(test_fixtures),
    cmocka_unit_test(test_new_readings_evidence),
    cmocka_unit_test(test_long_suite_list),
    cmocka_unit_test(test_policy_wins),
    cmocka_unit_test(test_policy_evidence),
    cmocka_unit_test(test_fw_rule),
    cmocka_unit_test(test_bad_states),
    cmocka_unit_test(test_every_truncation),
    cmocka_unit_test(test_long_utf8_cut),
};
const size_t rules_host_n_tests = NELEM(rules_host_tests);
