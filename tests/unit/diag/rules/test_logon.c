/*
 * test_logon.c - lib/diag/rules/logon.c: the logon of check --user in
 * phase credssp: every answer of the server named, and what was not
 * verified said so.
 */
#include "rules_harness.h"

/* The NLA server of credssp_healthy() with credentials LAB\bob given and
 * the logon ended with OUTCOME (phase credssp as plan.c concludes it). */
static struct rdd_logon_info *
logon_ends(enum rdd_logon_outcome outcome, const char *detail)
{
	struct rdd_logon_info *li = &obs.credssp.logon;
	struct rdd_phase_result *ph = &obs.phases[RDD_PHASE_CREDSSP];

	credssp_healthy(&obs);
	obs.nla_required = 1;
	obs.credentials.given = true;
	snprintf(obs.credentials.user, sizeof(obs.credentials.user), "bob");
	snprintf(obs.credentials.domain, sizeof(obs.credentials.domain), "LAB");
	memset(li, 0, sizeof(*li));
	li->outcome = outcome;
	li->version = 6;
	li->ntlm_flags = 0xE2888235u;
	li->start_ms = 53;
	li->answer_ms = 4;
	li->ms = 5;
	snprintf(li->detail, sizeof(li->detail), "%s", detail);
	if (outcome != RDD_LOGON_OK && outcome != RDD_LOGON_ERROR) {
		ph->status = outcome == RDD_LOGON_TIMEOUT ? RDD_STATUS_TIMEOUT
		                                          : RDD_STATUS_FAILED;
		snprintf(ph->detail, sizeof(ph->detail), "%s", detail);
	}
	return li;
}

static void
refused_with(uint32_t code, const char *id)
{
	struct rdd_logon_info *li =
	    logon_ends(RDD_LOGON_REFUSED, "errorCode after AUTHENTICATE");
	const struct rdd_finding *f;
	char hex[16];

	li->has_error_code = true;
	li->error_code = code;
	diagnose(&obs, &diag);
	f = expect(&diag, id, RDD_SEV_CRITICAL);
	snprintf(hex, sizeof(hex), "0x%08X", (unsigned)code);
	assert_has(f->evidence, hex);
	assert_has(f->evidence, "LAB\\bob");
	assert_int_equal(diag.failed_phase, RDD_PHASE_CREDSSP);
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	assert_has(diag.summary, id);
	expect_none(&diag, "licensing-unverified");
}

static void
test_logon_refused_codes(void **state)
{
	(void)state;
	refused_with(0xC000006Du, "logon-failed");
	assert_has(find(&diag, "logon-failed")->evidence,
	           "STATUS_LOGON_FAILURE");
	assert_has(diag.summary, "the server refuses the user name or "
	                         "password of LAB\\bob (logon-failed)");
	refused_with(0xC000006Au, "logon-failed");
	refused_with(0x8009030Cu, "logon-failed");
	refused_with(0xC0000071u, "logon-password-expired");
	refused_with(0xC0000224u, "logon-password-expired");
	refused_with(0xC0000234u, "logon-account-locked");
	refused_with(0xC0000072u, "logon-account-disabled");
	refused_with(0xC0000193u, "logon-account-disabled");
	refused_with(0xC000015Bu, "logon-not-permitted");
	assert_has(diag.summary, "STATUS_LOGON_TYPE_NOT_GRANTED");
	refused_with(0xC000006Eu, "logon-not-permitted");
	refused_with(0x80090302u, "credssp-oracle-mismatch");
	/* A code without its own finding stays credssp-error, named. */
	refused_with(0xC000005Eu, "credssp-error");
	expect_none(&diag, "logon-failed");
}

static void
test_logon_closed(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	logon_ends(RDD_LOGON_CLOSED,
	           "server closed the connection after AUTHENTICATE "
	           "(message 3), without an errorCode");
	diagnose(&obs, &diag);
	f = expect(&diag, "logon-failed", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "the server gives no reason");
	assert_has(f->evidence, "look the same");
	assert_has(diag.summary, "without a reason");
	expect_only(&diag, 1);
}

static void
test_logon_denied_early(void **state)
{
	struct rdd_logon_info *li;

	(void)state;
	li = logon_ends(RDD_LOGON_DENIED,
	                "the server accepted the password but its Early User "
	                "Authorization Result is 0x00000005 (ACCESS_DENIED)");
	li->has_early_result = true;
	li->early_result = 5;
	diagnose(&obs, &diag);
	expect(&diag, "logon-not-permitted", RDD_SEV_CRITICAL);
	assert_has(diag.summary, "Early User Authorization");
}

static void
test_logon_pubkey_mismatch(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	logon_ends(RDD_LOGON_PUBKEY_MISMATCH,
	           "the server's pubKeyAuth is not for the public key of the "
	           "TLS certificate");
	diagnose(&obs, &diag);
	f = expect(&diag, "credssp-pubkey-mismatch", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "no credentials were delegated");
	assert_int_equal(diag.failed_phase, RDD_PHASE_CREDSSP);
}

static void
test_logon_oracle(void **state)
{
	struct rdd_logon_info *li;

	(void)state;
	li = logon_ends(RDD_LOGON_NOT_SENT,
	                "the server's CredSSP version 3 predates the "
	                "CVE-2018-0886 fix");
	li->not_sent = RDD_LOGON_NS_ORACLE;
	obs.credssp.server_version = 3;
	diagnose(&obs, &diag);
	expect(&diag, "credssp-oracle-mismatch", RDD_SEV_CRITICAL);
	/* Said once, in the logon's words. */
	expect_none(&diag, "credssp-outdated");
	assert_has(diag.summary, "version 3");

	li = logon_ends(RDD_LOGON_NOT_SENT,
	                "the server's NTLM CHALLENGE lacks flags 0x40000000");
	li->not_sent = RDD_LOGON_NS_WEAK_NTLM;
	li->missing_flags = 0x40000000u;
	diagnose(&obs, &diag);
	expect(&diag, "credssp-error", RDD_SEV_CRITICAL);
	assert_has(diag.summary, "weak session security");
}

static void
test_logon_timeout_malformed(void **state)
{
	(void)state;
	logon_ends(RDD_LOGON_TIMEOUT, "no answer within 5.0 s to AUTHENTICATE "
	                              "(message 3)");
	diagnose(&obs, &diag);
	expect(&diag, "credssp-timeout", RDD_SEV_CRITICAL);
	assert_has(diag.summary, "does not answer the logon");
	logon_ends(RDD_LOGON_MALFORMED,
	           "the server's answer to AUTHENTICATE is not a TSRequest");
	diagnose(&obs, &diag);
	expect(&diag, "credssp-error", RDD_SEV_CRITICAL);
	assert_has(diag.summary, "malformed");
}

/* Accepted: no finding of the logon; the walk goes on (here it is not
 * part of the synthetic observation, so activation is not verified). */
static void
test_logon_ok(void **state)
{
	(void)state;
	logon_ends(RDD_LOGON_OK, "the server verified the password");
	diagnose(&obs, &diag);
	expect_none(&diag, "logon-failed");
	expect_none(&diag, "logon-unverified");
	expect_none(&diag, "licensing-unverified");
	assert_int_equal(diag.status, RDD_VERDICT_OK);
}

static void
test_logon_unverified(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	/* Our side could not build it. */
	logon_ends(RDD_LOGON_ERROR, "NTLM needs MD4 and RC4, which this "
	                            "OpenSSL does not offer");
	diagnose(&obs, &diag);
	f = expect(&diag, "logon-unverified", RDD_SEV_INFO);
	assert_has(f->evidence, "MD4");
	assert_int_equal(diag.failed_phase, -1);

	/* A server without NLA, no --logon. */
	healthy(&obs);
	obs.nla_required = 0;
	obs.credentials.given = true;
	snprintf(obs.credentials.user, sizeof(obs.credentials.user), "alice");
	diagnose(&obs, &diag);
	f = expect(&diag, "logon-unverified", RDD_SEV_INFO);
	assert_has(f->evidence, "without --logon the password of alice was "
	                        "not tried");
	/* With --logon the password goes in the Client Info: no remark. */
	obs.credentials.logon = true;
	diagnose(&obs, &diag);
	expect_none(&diag, "logon-unverified");

	/* Without --user nothing is said about a logon. */
	healthy(&obs);
	diagnose(&obs, &diag);
	expect_none(&diag, "logon-unverified");
}

const struct CMUnitTest rules_logon_tests[] = {
    cmocka_unit_test(test_logon_refused_codes),
    cmocka_unit_test(test_logon_closed),
    cmocka_unit_test(test_logon_denied_early),
    cmocka_unit_test(test_logon_pubkey_mismatch),
    cmocka_unit_test(test_logon_oracle),
    cmocka_unit_test(test_logon_timeout_malformed),
    cmocka_unit_test(test_logon_ok),
    cmocka_unit_test(test_logon_unverified),
};
const size_t rules_logon_n_tests = NELEM(rules_logon_tests);
