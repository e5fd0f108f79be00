/*
 * test_cert.c - lib/diag/rules/cert.c: the server certificate: validity,
 * identity, strength, key usage and trust.
 */
#include "rules_harness.h"

static void
test_cert_expired(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	/* 2020-01-02 00:00:00 UTC, checked 2516 days and 3 hours later. */
	obs.tls.cert.not_before = 1577923200 - 180 * DAY;
	obs.tls.cert.not_after = 1577923200;
	obs.checked_at = 1577923200 + 2516 * DAY + 3 * 3600;
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "cert-expired", RDD_SEV_CRITICAL);
	assert_has(f->evidence,
	           "notAfter 2020-01-02 00:00:00 UTC, 2516 days ago");
	assert_has(f->evidence, "subject CN=rdp.example");
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	/* No phase failed: the finding's phase is where the client fails. */
	assert_int_equal(diag.failed_phase, RDD_PHASE_TLS);
	assert_string_equal(
	    diag.summary,
	    "A default Windows client fails in phase tls: the certificate "
	    "expired 2020-01-02 (cert-expired).");
	expect_none(&diag, "cert-expiring-soon");
}

static void
test_cert_not_yet_valid(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	obs.tls.cert.not_before = NOW + 3 * DAY + 60;
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "cert-not-yet-valid", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "notBefore 2023-11-17 22:14:20 UTC, 3 days in "
	                        "the future");
	assert_has(diag.summary, "not valid until 2023-11-17 "
	                         "(cert-not-yet-valid)");

	/* Without a time of check, validity is not judged. */
	obs.checked_at = 0;
	diagnose(&obs, &diag);
	expect_none(&diag, "cert-not-yet-valid");
}

static void
test_cert_expiring_soon(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	obs.tls.cert.not_after = NOW + 12 * DAY + 5 * 3600;
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "cert-expiring-soon", RDD_SEV_WARNING);
	assert_has(f->evidence, "12 days left");
	assert_has(f->evidence, "notAfter 2023-11-27 03:13:20 UTC");
	assert_string_equal(diag.summary,
	                    "A default Windows client would connect "
	                    "(activation completed); 1 warning: "
	                    "cert-expiring-soon.");

	obs.tls.cert.not_after = NOW + 5 * 3600;
	diagnose(&obs, &diag);
	f = expect(&diag, "cert-expiring-soon", RDD_SEV_WARNING);
	assert_has(f->evidence, "5 hours left");

	obs.tls.cert.not_after = NOW + 30 * DAY;
	diagnose(&obs, &diag);
	expect_only(&diag, 0);

	obs.tls.cert.not_after = NOW + 30 * DAY - 1;
	diagnose(&obs, &diag);
	expect(&diag, "cert-expiring-soon", RDD_SEV_WARNING);
}

static void
test_cert_self_signed(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	obs.tls.cert.self_signed = true;
	snprintf(obs.tls.cert.subject, RDD_STR, "CN=WIN-7Q2.corp.local");
	snprintf(obs.tls.cert.issuer, RDD_STR, "CN=WIN-7Q2.corp.local");
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "cert-self-signed", RDD_SEV_WARNING);
	assert_string_equal(f->evidence,
	                    "issuer = subject: CN=WIN-7Q2.corp.local");
}

static void
test_cert_name_mismatch(void **state)
{
	const struct rdd_finding *f;
	struct rdd_cert *cert = &obs.tls.cert;

	(void)state;
	healthy(&obs);
	cert->name_match = 0;
	snprintf(cert->name_checked, RDD_STR, "nego.example");
	snprintf(cert->common_name, RDD_STR, "WIN-7Q2.corp.local");
	snprintf(cert->san[0], RDD_STR, "DNS:WIN-7Q2.corp.local");
	snprintf(cert->san[1], RDD_STR, "IP:10.0.0.5");
	cert->n_san = 2;
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "cert-name-mismatch", RDD_SEV_WARNING);
	assert_string_equal(
	    f->evidence,
	    "name nego.example used; certificate CN=WIN-7Q2.corp.local, SAN "
	    "DNS:WIN-7Q2.corp.local, IP:10.0.0.5");

	cert->n_san = 0;
	cert->common_name[0] = '\0';
	diagnose(&obs, &diag);
	f = expect(&diag, "cert-name-mismatch", RDD_SEV_WARNING);
	assert_has(f->evidence, "no CN, no SAN");

	cert->name_match = -1; /* not checked */
	diagnose(&obs, &diag);
	expect_none(&diag, "cert-name-mismatch");
}

static void
test_cert_weak(void **state)
{
	static const struct {
		const char *key_type;
		int bits;
		const char *sig;
		const char *evidence; /* NULL: not weak */
	} cases[] = {
	    {"RSA", 1024, "sha256WithRSAEncryption",
	     "RSA key of 1024 bits (minimum 2048)"},
	    {"DSA", 1024, "dsa_with_SHA256", "DSA key of 1024 bits"},
	    {"EC", 160, "ecdsa-with-SHA256",
	     "EC key of 160 bits (minimum 224)"},
	    {"RSA", 2048, "sha1WithRSAEncryption",
	     "signature sha1WithRSAEncryption (SHA-1)"},
	    {"RSA", 2048, "md5WithRSAEncryption",
	     "signature md5WithRSAEncryption (MD5)"},
	    {"RSA", 2048, "sha256WithRSAEncryption", NULL},
	    {"RSA", 4096, "sha384WithRSAEncryption", NULL},
	    {"EC", 256, "ecdsa-with-SHA256", NULL},
	    {"EC", 224, "ecdsa-with-SHA256", NULL},
	    {"Ed25519", 256, "ED25519", NULL},
	};
	const struct rdd_finding *f;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		healthy(&obs);
		snprintf(obs.tls.cert.key_type, sizeof(obs.tls.cert.key_type),
		         "%s", cases[i].key_type);
		obs.tls.cert.key_bits = cases[i].bits;
		snprintf(obs.tls.cert.signature, sizeof(obs.tls.cert.signature),
		         "%s", cases[i].sig);
		diagnose(&obs, &diag);
		if (cases[i].evidence == NULL) {
			expect_only(&diag, 0);
			continue;
		}
		expect_only(&diag, 1);
		f = expect(&diag, "cert-weak", RDD_SEV_WARNING);
		assert_has(f->evidence, cases[i].evidence);
	}
	/* Both at once: one finding, two reasons. */
	healthy(&obs);
	obs.tls.cert.key_bits = 1024;
	snprintf(obs.tls.cert.signature, sizeof(obs.tls.cert.signature),
	         "sha1WithRSAEncryption");
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "cert-weak", RDD_SEV_WARNING);
	assert_string_equal(f->evidence,
	                    "RSA key of 1024 bits (minimum 2048); signature "
	                    "sha1WithRSAEncryption (SHA-1)");
}

static void
test_no_cert_no_cert_findings(void **state)
{
	(void)state;
	healthy(&obs);
	obs.tls.cert.present = false;
	obs.tls.cert.self_signed = true;
	obs.tls.cert.name_match = 0;
	obs.tls.cert.not_after = 1;
	diagnose(&obs, &diag);
	expect_only(&diag, 0);
}

/* The certificate's extended key usage. */
static void
test_cert_wrong_usage(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	obs.tls.cert.has_eku = true;
	obs.tls.cert.eku_rdp_auth = true;
	diagnose(&obs, &diag);
	expect_none(&diag, "cert-wrong-usage");
	obs.tls.cert.eku_rdp_auth = false;
	obs.tls.cert.eku_server_auth = true;
	diagnose(&obs, &diag);
	expect_none(&diag, "cert-wrong-usage");
	obs.tls.cert.eku_server_auth = false;
	diagnose(&obs, &diag);
	f = expect(&diag, "cert-wrong-usage", RDD_SEV_WARNING);
	assert_string_equal(f->evidence,
	                    "the extended key usage lists neither Server "
	                    "Authentication nor Remote Desktop Authentication "
	                    "[attempt A]");
	obs.tls.cert.has_eku = false;
}

/* The chain leads to no trusted root: cert-untrusted, unless the
 * certificate is self-signed (cert-self-signed says it) or trust was not
 * checked. */
static void
test_cert_untrusted(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	assert_int_equal(obs.tls.cert.trusted, -1);
	diagnose(&obs, &diag);
	expect_none(&diag, "cert-untrusted");
	obs.tls.cert.trusted = 1;
	diagnose(&obs, &diag);
	expect_none(&diag, "cert-untrusted");
	obs.tls.cert.trusted = 0;
	snprintf(obs.tls.cert.trust_error, RDD_STR,
	         "unable to get local issuer certificate");
	diagnose(&obs, &diag);
	f = expect(&diag, "cert-untrusted", RDD_SEV_WARNING);
	assert_string_equal(f->evidence,
	                    "issuer CN=Example Issuing CA: unable to get local "
	                    "issuer certificate [attempt A]");
	obs.tls.cert.self_signed = true;
	diagnose(&obs, &diag);
	expect_none(&diag, "cert-untrusted");
	expect(&diag, "cert-self-signed", RDD_SEV_WARNING);
	obs.tls.cert.self_signed = false;
	obs.tls.cert.trusted = -1;
	obs.tls.cert.trust_error[0] = '\0';
}

const struct CMUnitTest rules_cert_tests[] = {
    cmocka_unit_test(test_cert_expired),
    cmocka_unit_test(test_cert_not_yet_valid),
    cmocka_unit_test(test_cert_expiring_soon),
    cmocka_unit_test(test_cert_self_signed),
    cmocka_unit_test(test_cert_name_mismatch),
    cmocka_unit_test(test_cert_weak),
    cmocka_unit_test(test_no_cert_no_cert_findings),
    cmocka_unit_test(test_cert_wrong_usage),
    cmocka_unit_test(test_cert_untrusted),
};
const size_t rules_cert_n_tests = NELEM(rules_cert_tests);
