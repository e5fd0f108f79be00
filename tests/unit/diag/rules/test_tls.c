/*
 * test_tls.c - lib/diag/rules/tls.c: phase tls: reset, alert and timeout in
 * the handshake, the plain handshake's version and suite, and the --tls-
 * full enumeration.
 */
#include "rules_harness.h"

static void
test_tls_reset(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	tls_fails(RDD_TLS_RESET);
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "tls-reset", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "reset (RST) right after the ClientHello, no "
	                        "alert");
	assert_has(f->evidence, "2 ms");
	assert_int_equal(diag.failed_phase, RDD_PHASE_TLS);
	assert_string_equal(
	    diag.summary,
	    "A default Windows client fails in phase tls: the server drops the "
	    "TLS handshake without an alert (tls-reset).");

	tls_fails(RDD_TLS_CLOSED);
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-reset", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "closed (FIN) right after the ClientHello");

	tls_fails(RDD_TLS_NOT_TLS);
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-reset", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "not TLS");
}

static void
test_tls_alert(void **state)
{
	struct rdd_attempt *a;
	const struct rdd_finding *f;

	(void)state;
	a = tls_fails(RDD_TLS_ALERT);
	a->alert_level = 2;
	a->alert_desc = 40;
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "tls-alert", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "fatal alert handshake_failure (40)");
	assert_has(diag.summary, "alert handshake_failure (40) (tls-alert)");

	a = tls_fails(RDD_TLS_ALERT);
	a->alert_level = 2;
	a->alert_desc = 70;
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-alert", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "fatal alert protocol_version (70)");

	/* Our side gave up: same cause, with OpenSSL's reason. */
	a = tls_fails(RDD_TLS_ERROR);
	snprintf(a->tls_detail, sizeof(a->tls_detail), "unsupported protocol");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-alert", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "unsupported protocol");
}

static void
test_tls_timeout(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	tls_fails(RDD_TLS_TIMEOUT);
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "tls-timeout", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "no complete ServerHello/Certificate flight "
	                        "within 5000 ms");
	assert_int_equal(diag.failed_phase, RDD_PHASE_TLS);
	assert_has(diag.summary, "(tls-timeout)");
}

/* The plain check's handshake: a legacy version, an anonymous suite
 * without a certificate (mstsc offers none), a weak suite. */
static void
test_tls_plain_handshake(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	diagnose(&obs, &diag);
	expect_none(&diag, "tls-legacy-only");
	expect_none(&diag, "tls-no-common-cipher");
	expect_none(&diag, "tls-weak-cipher");

	snprintf(obs.tls.version, sizeof(obs.tls.version), "TLSv1");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-legacy-only", RDD_SEV_WARNING);
	assert_string_equal(f->evidence, "offered TLS 1.0 to 1.3, the server "
	                                 "chose TLSv1 [attempt A]");
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);

	healthy(&obs);
	obs.tls.cert.present = false;
	snprintf(obs.tls.cipher, sizeof(obs.tls.cipher),
	         "TLS_DH_anon_WITH_AES_256_GCM_SHA384");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-no-common-cipher", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "anonymous suite, and no certificate");
	expect(&diag, "tls-weak-cipher", RDD_SEV_WARNING);
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	assert_int_equal(diag.failed_phase, RDD_PHASE_TLS);

	healthy(&obs);
	snprintf(obs.tls.cipher, sizeof(obs.tls.cipher),
	         "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-weak-cipher", RDD_SEV_WARNING);
	assert_string_equal(f->evidence, "the server chose "
	                                 "TLS_RSA_WITH_3DES_EDE_CBC_SHA "
	                                 "[attempt A]");
}

static void
add_cipher(struct rdd_tls_enum_info *e, uint16_t version, uint16_t id,
           const char *name, const char *strength)
{
	struct rdd_tls_cipher *c = &e->ciphers[e->n_ciphers++];

	memset(c, 0, sizeof(*c));
	c->version = version;
	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->strength, sizeof(c->strength), "%s", strength);
}

/* check --tls-full: the enumeration's versions and suites. */
static void
test_tls_enumeration(void **state)
{
	struct rdd_tls_enum_info *e = &obs.tls_enum;
	const struct rdd_finding *f;

	(void)state;
	/* xrdp restricted to TLS 1.0 (the lab's .19). */
	healthy(&obs);
	memset(e, 0, sizeof(*e));
	e->present = true;
	e->accepted[1] = true;
	add_cipher(e, 0x0301, 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "medium");
	add_cipher(e, 0x0301, 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	           "medium");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-legacy-only", RDD_SEV_WARNING);
	assert_has(f->evidence, "accepts TLSv1.0 and refuses TLS 1.2");
	f = expect(&diag, "tls-weak-cipher", RDD_SEV_WARNING);
	assert_has(f->evidence, "every suite it accepts is CBC");
	/* Windows 10 defaults still connect (TLS 1.0): no cipher finding. */
	expect_none(&diag, "tls-no-common-cipher");

	/* Anonymous suites only, TLS 1.2 (the lab's .27). */
	memset(e, 0, sizeof(*e));
	e->present = true;
	e->accepted[3] = true;
	add_cipher(e, 0x0303, 0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384",
	           "insecure");
	add_cipher(e, 0x0303, 0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA",
	           "insecure");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-no-common-cipher", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "Windows 10/11");
	f = expect(&diag, "tls-weak-cipher", RDD_SEV_WARNING);
	assert_has(f->evidence,
	           "2 weak suites accepted: "
	           "TLS_DH_anon_WITH_AES_256_GCM_SHA384 (TLSv1.2)");
	expect_none(&diag, "tls-legacy-only");

	/* A current server: nothing to say. */
	memset(e, 0, sizeof(*e));
	e->present = true;
	e->accepted[3] = e->accepted[4] = true;
	add_cipher(e, 0x0303, 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	           "strong");
	add_cipher(e, 0x0304, 0x1302, "TLS_AES_256_GCM_SHA384", "strong");
	diagnose(&obs, &diag);
	expect_none(&diag, "tls-legacy-only");
	expect_none(&diag, "tls-no-common-cipher");
	expect_none(&diag, "tls-weak-cipher");
	memset(e, 0, sizeof(*e));
}

const struct CMUnitTest rules_tls_tests[] = {
    cmocka_unit_test(test_tls_reset),
    cmocka_unit_test(test_tls_alert),
    cmocka_unit_test(test_tls_timeout),
    cmocka_unit_test(test_tls_plain_handshake),
    cmocka_unit_test(test_tls_enumeration),
};
const size_t rules_tls_n_tests = NELEM(rules_tls_tests);
