/*
 * test_credssp.c - lib/diag/rules/credssp.c: phase credssp: the first
 * CredSSP round, the server's CredSSP version and its clock.
 */
#include "rules_harness.h"

static void
test_credssp_ok(void **state)
{
	int64_t skew = 99;

	(void)state;
	credssp_healthy(&obs);
	diagnose(&obs, &diag);
	expect_only(&diag, 0);
	assert_int_equal(diag.status, RDD_VERDICT_OK);
	assert_int_equal(rdd_clock_skew_s(&obs, &skew), 0);
	assert_int_equal(skew, 0);
}

static void
test_credssp_closed(void **state)
{
	struct rdd_credssp_info *ci;
	const struct rdd_finding *f;

	(void)state;
	ci = credssp_fails(RDD_CREDSSP_CLOSED, RDD_STATUS_FAILED,
	                   "server closed the connection after the "
	                   "TSRequest, before any answer");
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "credssp-closed", RDD_SEV_CRITICAL);
	assert_string_equal(f->evidence,
	                    "server closed the connection after the "
	                    "TSRequest, before any answer (3 ms; the "
	                    "client's first TSRequest carried a plain NTLM "
	                    "NEGOTIATE) [attempt A]");
	assert_int_equal(diag.failed_phase, RDD_PHASE_CREDSSP);
	assert_string_equal(diag.summary,
	                    "A default Windows client fails in phase credssp: "
	                    "the server closes the connection after the first "
	                    "CredSSP message (credssp-closed).");

	/* Reset, and the SPNEGO retry closed too. */
	ci = credssp_fails(RDD_CREDSSP_RESET, RDD_STATUS_FAILED,
	                   "connection reset by the server after the "
	                   "TSRequest, before any answer");
	ci->other_outcome = RDD_CREDSSP_CLOSED;
	ci->other_spnego = true;
	snprintf(ci->other_attempt, sizeof(ci->other_attempt), "A2");
	snprintf(ci->other_detail, sizeof(ci->other_detail), "closed too");
	diagnose(&obs, &diag);
	f = expect(&diag, "credssp-closed", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "[attempt A]; the SPNEGO-wrapped NTLM "
	                        "NEGOTIATE [attempt A2]: closed: closed too");
	assert_has(diag.summary, "the server resets the connection after the "
	                         "first CredSSP message (credssp-closed)");
}

static void
test_credssp_timeout(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	credssp_fails(RDD_CREDSSP_TIMEOUT, RDD_STATUS_TIMEOUT,
	              "no TSRequest answer within 5.0 s (before any answer; 0 "
	              "bytes of TLS records)");
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "credssp-timeout", RDD_SEV_CRITICAL);
	assert_string_equal(f->evidence,
	                    "no TSRequest answer within 5.0 s (before any "
	                    "answer; 0 bytes of TLS records), after a plain "
	                    "NTLM NEGOTIATE [attempt A]");
	assert_int_equal(diag.failed_phase, RDD_PHASE_CREDSSP);
	assert_has(diag.summary, "the server does not answer the first "
	                         "CredSSP message (credssp-timeout)");
}

static void
test_credssp_error(void **state)
{
	struct rdd_credssp_info *ci;
	const struct rdd_finding *f;

	(void)state;
	ci = credssp_fails(RDD_CREDSSP_ERROR, RDD_STATUS_FAILED,
	                   "errorCode 0xC000006D, no NTLM CHALLENGE");
	ci->has_version = true;
	ci->server_version = 6;
	ci->has_error_code = true;
	ci->error_code = 0xc000006d;
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "credssp-error", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "errorCode 0xC000006D STATUS_LOGON_FAILURE (");
	assert_has(f->evidence, ") in the server's TSRequest (version 6), in "
	                        "answer to a plain NTLM NEGOTIATE [attempt A]");
	assert_int_equal(diag.failed_phase, RDD_PHASE_CREDSSP);
	assert_has(diag.summary, "the server answers the first CredSSP "
	                         "message with errorCode 0xC000006D "
	                         "STATUS_LOGON_FAILURE (credssp-error)");

	/* A code no table knows. */
	ci->error_code = 0xc00700ea;
	diagnose(&obs, &diag);
	f = expect(&diag, "credssp-error", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "errorCode 0xC00700EA (not a known NTSTATUS "
	                        "or SSPI code) in the server's TSRequest");

	/* A SPNEGO reject without a code. */
	ci = credssp_fails(RDD_CREDSSP_ERROR, RDD_STATUS_FAILED,
	                   "SPNEGO reject, no NTLM CHALLENGE");
	ci->spnego = true;
	ci->has_version = true;
	diagnose(&obs, &diag);
	f = expect(&diag, "credssp-error", RDD_SEV_CRITICAL);
	assert_string_equal(f->evidence,
	                    "SPNEGO reject, no NTLM CHALLENGE, in answer to a "
	                    "SPNEGO-wrapped NTLM NEGOTIATE [attempt A]");

	/* An errorCode next to a CHALLENGE: the exchange went on. */
	credssp_healthy(&obs);
	obs.credssp.has_error_code = true;
	obs.credssp.error_code = 0x80090302;
	diagnose(&obs, &diag);
	f = expect(&diag, "credssp-error", RDD_SEV_WARNING);
	assert_has(f->evidence, "SEC_E_UNSUPPORTED_FUNCTION");
	assert_int_equal(diag.failed_phase, -1);
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);
}

/* Not a TSRequest: no rule names it, the phase fails all the same. */
static void
test_credssp_malformed(void **state)
{
	(void)state;
	credssp_fails(RDD_CREDSSP_MALFORMED, RDD_STATUS_FAILED,
	              "the answer is not a valid TSRequest (3 bytes: 01 02 "
	              "03)");
	diagnose(&obs, &diag);
	expect_only(&diag, 0);
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	assert_int_equal(diag.failed_phase, RDD_PHASE_CREDSSP);
	assert_string_equal(diag.summary,
	                    "A default Windows client fails in phase credssp: "
	                    "the answer is not a valid TSRequest (3 bytes: 01 "
	                    "02 03).");
}

static void
test_credssp_outdated(void **state)
{
	const struct rdd_finding *f;
	unsigned v;

	(void)state;
	for (v = 4; v <= 5; v++) {
		credssp_healthy(&obs);
		obs.credssp.server_version = v;
		diagnose(&obs, &diag);
		expect_only(&diag, 1);
		f = expect(&diag, "credssp-outdated", RDD_SEV_WARNING);
		assert_has(f->evidence, "CredSSP version ");
		assert_has(f->evidence, ", below 6, the version every Windows "
		                        "with the March 2018 update");
		assert_int_equal(diag.status, RDD_VERDICT_WARNING);
	}
	/* Versions 2 and 3: patched clients refuse the server. */
	for (v = 2; v <= 3; v++) {
		credssp_healthy(&obs);
		obs.credssp.server_version = v;
		diagnose(&obs, &diag);
		expect_only(&diag, 1);
		f = expect(&diag, "credssp-outdated", RDD_SEV_CRITICAL);
		assert_has(f->evidence, "versions 2 and 3 predate the March "
		                        "2018 update (CVE-2018-0886)");
		assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
		assert_int_equal(diag.failed_phase, RDD_PHASE_CREDSSP);
		assert_has(diag.summary, "predates the March 2018 update, so "
		                         "patched clients refuse it "
		                         "(credssp-outdated)");
	}
	/* No TSRequest, no version: nothing said. */
	credssp_fails(RDD_CREDSSP_CLOSED, RDD_STATUS_FAILED, "closed");
	obs.credssp.server_version = 2;
	diagnose(&obs, &diag);
	expect_none(&diag, "credssp-outdated");
}

static void
test_server_clock_skew(void **state)
{
	const struct rdd_finding *f;
	int64_t skew;

	(void)state;
	/* Ten minutes ahead: the CHALLENGE arrived 53 ms into the check. */
	credssp_healthy(&obs);
	obs.credssp.ntlm.server_time = NOW + 600;
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "server-clock-skew", RDD_SEV_WARNING);
	assert_string_equal(
	    f->evidence, "NTLM CHALLENGE timestamp 2023-11-14 22:23:20 UTC, "
	                 "local clock 2023-11-14 22:13:20 UTC: the server is "
	                 "10 minutes ahead (Kerberos allows 5 minutes) "
	                 "[attempt A]");
	assert_int_equal(rdd_clock_skew_s(&obs, &skew), 0);
	assert_int_equal(skew, 600);

	/* Behind, counted from when the CHALLENGE arrived (2.5 s in). */
	obs.credssp.ntlm.server_time = NOW - 150;
	obs.credssp.ntlm.time_at_ms = 2500;
	assert_int_equal(rdd_clock_skew_s(&obs, &skew), 0);
	assert_int_equal(skew, -153);
	diagnose(&obs, &diag);
	f = expect(&diag, "server-clock-skew", RDD_SEV_WARNING);
	assert_has(f->evidence, "the server is 2 minutes behind");

	/* A minute off is not reported. */
	obs.credssp.ntlm.server_time = NOW + 60;
	diagnose(&obs, &diag);
	expect_none(&diag, "server-clock-skew");

	/* No timestamp, or no time of the check: nothing to compare. */
	obs.credssp.ntlm.server_time = NOW + 6000;
	obs.credssp.ntlm.has_time = false;
	assert_int_equal(rdd_clock_skew_s(&obs, &skew), -1);
	diagnose(&obs, &diag);
	expect_none(&diag, "server-clock-skew");
	obs.credssp.ntlm.has_time = true;
	obs.checked_at = 0;
	assert_int_equal(rdd_clock_skew_s(&obs, &skew), -1);
}

const struct CMUnitTest rules_credssp_tests[] = {
    cmocka_unit_test(test_credssp_ok),
    cmocka_unit_test(test_credssp_closed),
    cmocka_unit_test(test_credssp_timeout),
    cmocka_unit_test(test_credssp_error),
    cmocka_unit_test(test_credssp_malformed),
    cmocka_unit_test(test_credssp_outdated),
    cmocka_unit_test(test_server_clock_skew),
};
const size_t rules_credssp_n_tests = NELEM(rules_credssp_tests);
