/*
 * test_mcs.c - lib/diag/rules/mcs.c: phase mcs: the Connect-Response,
 * standard RDP security and its encryption methods.
 */
#include "rules_harness.h"

/* The attempt's Basic Settings Exchange ended with O. */
static void
mcs_end(struct rdd_attempt *a, enum rdd_mcs_outcome o, int result,
        uint32_t method, uint32_t level, const char *detail)
{
	a->mcs_wanted = true;
	a->encryption_methods = 0x1b;
	a->mcs = o;
	a->mcs_result = result;
	a->mcs_encryption_method = method;
	a->mcs_encryption_level = level;
	a->mcs_ms = 4;
	snprintf(a->mcs_detail, sizeof(a->mcs_detail), "%s", detail);
}

/* A healthy observation whose A got SSL, TLS and then MCS. */
static struct rdd_attempt *
tls_then_mcs(struct rdd_observation *o, enum rdd_mcs_outcome out, int result,
             const char *detail, enum rdd_status st)
{
	struct rdd_attempt *a;

	healthy(o);
	a = att(o, "A");
	a->selected = RDD_PROTO_SSL;
	o->nla_required = 0;
	mcs_end(a, out, result, 0, 0, detail);
	o->phases[RDD_PHASE_MCS].present = true;
	o->phases[RDD_PHASE_MCS].status = st;
	snprintf(o->phases[RDD_PHASE_MCS].detail,
	         sizeof(o->phases[RDD_PHASE_MCS].detail), "%s", detail);
	return a;
}

static void
test_mcs_rejected(void **state)
{
	const struct rdd_finding *f;
	struct rdd_attempt *c;

	(void)state;
	tls_then_mcs(&obs, RDD_MCS_OK, 15,
	             "Connect-Response rt-user-rejected "
	             "(15)",
	             RDD_STATUS_FAILED);
	diagnose(&obs, &diag);
	f = expect(&diag, "mcs-rejected", RDD_SEV_CRITICAL);
	assert_string_equal(f->evidence,
	                    "the MCS Connect-Initial (serverSelectedProtocol "
	                    "SSL, encryptionMethods 0x1b) was answered: "
	                    "Connect-Response rt-user-rejected (15) "
	                    "[attempt A]");
	assert_int_equal(diag.failed_phase, RDD_PHASE_MCS);
	assert_has(diag.summary,
	           "A default Windows client fails in phase mcs: the server "
	           "answers the MCS Connect-Initial with rt-user-rejected "
	           "(mcs-rejected)");
	expect_none(&diag, "rdp-security-allowed");

	/* A Disconnect Provider Ultimatum instead. */
	tls_then_mcs(&obs, RDD_MCS_DISCONNECTED, -1,
	             "MCS Disconnect Provider Ultimatum rn-user-requested (3) "
	             "instead of a Connect-Response",
	             RDD_STATUS_FAILED);
	diagnose(&obs, &diag);
	f = expect(&diag, "mcs-rejected", RDD_SEV_CRITICAL);
	assert_string_equal(f->evidence,
	                    "MCS Disconnect Provider Ultimatum "
	                    "rn-user-requested (3) instead of a "
	                    "Connect-Response, 4 ms after the MCS "
	                    "Connect-Initial (serverSelectedProtocol SSL, "
	                    "encryptionMethods 0x1b) [attempt A]");
	assert_has(diag.summary, "the server drops the connection after the "
	                         "MCS Connect-Initial (mcs-rejected)");

	/* A timeout is the phase's, not a rejection. */
	tls_then_mcs(&obs, RDD_MCS_TIMEOUT, -1, "no Connect-Response",
	             RDD_STATUS_TIMEOUT);
	diagnose(&obs, &diag);
	expect_none(&diag, "mcs-rejected");
	assert_int_equal(diag.failed_phase, RDD_PHASE_MCS);

	/* Standard RDP security only (mstsc falls back to C): C's. */
	healthy(&obs);
	att(&obs, "A")->x224 = RDD_X224_FAILURE;
	att(&obs, "A")->failure_code = 2; /* SSL_NOT_ALLOWED_BY_SERVER */
	c = add_attempt(&obs, "C", RDD_PROTO_RDP);
	mcs_end(c, RDD_MCS_CLOSED, -1, 0, 0,
	        "server closed the connection after the Connect-Initial (0 "
	        "bytes of an answer)");
	obs.nla_required = 0;
	diagnose(&obs, &diag);
	f = expect(&diag, "mcs-rejected", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "serverSelectedProtocol RDP, encryptionMethods "
	                        "0x1b) [attempt C]");

	/* C's MCS is not the client's when A goes on with CredSSP. */
	healthy(&obs);
	c = add_attempt(&obs, "C", RDD_PROTO_RDP);
	mcs_end(c, RDD_MCS_DISCONNECTED, -1, 0, 0, "dropped");
	diagnose(&obs, &diag);
	expect_none(&diag, "mcs-rejected");
}

static void
test_rdp_security_allowed(void **state)
{
	const struct rdd_finding *f;
	struct rdd_attempt *c, *e;

	(void)state;
	healthy(&obs);
	obs.security_layer = RDD_SECLAYER_NEGOTIATE;
	c = add_attempt(&obs, "C", RDD_PROTO_RDP);
	mcs_end(c, RDD_MCS_OK, 0, 0x02, 3,
	        "Connect-Response rt-successful; RDP 5.0-8.1 (0x00080004); "
	        "128-bit RC4, level High, proprietary certificate (RSA 2048 "
	        "bits)");
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "rdp-security-allowed", RDD_SEV_WARNING);
	assert_string_equal(f->evidence,
	                    "request RDP (0x0) -> selected RDP: "
	                    "Connect-Response rt-successful; RDP 5.0-8.1 "
	                    "(0x00080004); 128-bit RC4, level High, "
	                    "proprietary certificate (RSA 2048 bits) "
	                    "[attempt C]");
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);
	expect_none(&diag, "rdp-encryption-weak");

	/* A pre-Vista server (no negotiation data). */
	c->x224 = RDD_X224_NO_NEG_DATA;
	diagnose(&obs, &diag);
	f = expect(&diag, "rdp-security-allowed", RDD_SEV_WARNING);
	assert_has(f->evidence, "-> Connection Confirm without negotiation "
	                        "data: Connect-Response");

	/* Not when the server refuses the Connect-Initial. */
	c->x224 = RDD_X224_RSP;
	c->mcs_result = 14;
	diagnose(&obs, &diag);
	expect_none(&diag, "rdp-security-allowed");

	/* Nor from an encryption probe alone. */
	healthy(&obs);
	e = add_attempt(&obs, "E40", RDD_PROTO_RDP);
	mcs_end(e, RDD_MCS_OK, 0, 0x01, 1, "ok");
	diagnose(&obs, &diag);
	expect_none(&diag, "rdp-security-allowed");
	expect_none(&diag, "rdp-encryption-weak");
}

static void
test_rdp_encryption_weak(void **state)
{
	const struct rdd_finding *f;
	struct rdd_attempt *c;

	(void)state;
	/* xrdp crypt_level=low: level Low, 40-bit, and 40-bit accepted. */
	healthy(&obs);
	c = add_attempt(&obs, "C", RDD_PROTO_RDP);
	mcs_end(c, RDD_MCS_OK, 0, 0x01, 1, "low");
	obs.mcs.n_accepted_encryption_methods = 1;
	obs.mcs.accepted_encryption_methods[0] = 0x01;
	diagnose(&obs, &diag);
	expect(&diag, "rdp-security-allowed", RDD_SEV_WARNING);
	f = expect(&diag, "rdp-encryption-weak", RDD_SEV_WARNING);
	assert_string_equal(f->evidence,
	                    "encryption level Low: only the client's data is "
	                    "encrypted (40-bit RC4) [attempt C]; 40-bit RC4 "
	                    "accepted when offered alone [attempt E40]");

	/* Client Compatible choosing 56-bit; 56 and 128-bit accepted. */
	mcs_end(c, RDD_MCS_OK, 0, 0x08, 2, "56");
	obs.mcs.n_accepted_encryption_methods = 2;
	obs.mcs.accepted_encryption_methods[0] = 0x08;
	obs.mcs.accepted_encryption_methods[1] = 0x02;
	diagnose(&obs, &diag);
	f = expect(&diag, "rdp-encryption-weak", RDD_SEV_WARNING);
	assert_string_equal(f->evidence,
	                    "offered 40, 56 and 128-bit RC4 and FIPS, the "
	                    "server chose 56-bit RC4 at level Client "
	                    "Compatible [attempt C]; 56-bit RC4 accepted when "
	                    "offered alone [attempt E56]");

	/* High, 128-bit, yet 40-bit accepted alone. */
	mcs_end(c, RDD_MCS_OK, 0, 0x02, 3, "high");
	obs.mcs.n_accepted_encryption_methods = 2;
	obs.mcs.accepted_encryption_methods[0] = 0x01;
	obs.mcs.accepted_encryption_methods[1] = 0x02;
	diagnose(&obs, &diag);
	f = expect(&diag, "rdp-encryption-weak", RDD_SEV_WARNING);
	assert_string_equal(f->evidence, "40-bit RC4 accepted when offered "
	                                 "alone [attempt E40]");

	/* No encryption at all. */
	mcs_end(c, RDD_MCS_OK, 0, 0, 0, "none");
	obs.mcs.n_accepted_encryption_methods = 0;
	diagnose(&obs, &diag);
	f = expect(&diag, "rdp-encryption-weak", RDD_SEV_WARNING);
	assert_string_equal(f->evidence, "encryption level None: no "
	                                 "encryption at all [attempt C]");

	/* High and 128-bit only, FIPS: not weak. */
	mcs_end(c, RDD_MCS_OK, 0, 0x10, 4, "fips");
	obs.mcs.n_accepted_encryption_methods = 2;
	obs.mcs.accepted_encryption_methods[0] = 0x02;
	obs.mcs.accepted_encryption_methods[1] = 0x10;
	diagnose(&obs, &diag);
	expect_none(&diag, "rdp-encryption-weak");
	expect(&diag, "rdp-security-allowed", RDD_SEV_WARNING);
}

const struct CMUnitTest rules_mcs_tests[] = {
    cmocka_unit_test(test_mcs_rejected),
    cmocka_unit_test(test_rdp_security_allowed),
    cmocka_unit_test(test_rdp_encryption_weak),
};
const size_t rules_mcs_n_tests = NELEM(rules_mcs_tests);
