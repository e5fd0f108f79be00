/*
 * test_licensing.c - lib/diag/rules/licensing.c: the licensing alerts
 * named by code (and a warning when the server lets the client go on), a
 * licensing step that stalls, and licensing not reached behind NLA.
 */
#include "rules_harness.h"
#include "wire/license.h"

/* The walk ended with a licensing ERROR_ALERT CODE, ST_TOTAL_ABORT. */
static void
alert_ends(uint32_t code)
{
	struct rdd_session_info *s =
	    walk_ends(RDD_SESSION_LICENSE_ERROR, RDD_PHASE_LICENSING,
	              "licensing ERROR_ALERT (total abort)");

	s->licensing = RDD_LICENSING_ERROR;
	s->has_license_request = true;
	s->has_license_error = true;
	s->license_error_code = code;
	s->license_transition = RDD_LIC_ST_TOTAL_ABORT;
	diagnose(&obs, &diag);
}

static void
test_no_license_server(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	alert_ends(RDD_LIC_ERR_NO_LICENSE_SERVER);
	f = expect(&diag, "licensing-no-license-server", RDD_SEV_CRITICAL);
	assert_string_equal(
	    f->evidence,
	    "licensing ERROR_ALERT ERR_NO_LICENSE_SERVER (0x6) with "
	    "ST_TOTAL_ABORT (1) in answer to the client's licence request; "
	    "the server ended the connection [attempt A]");
	assert_int_equal(f->phase, RDD_PHASE_LICENSING);
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	assert_int_equal(diag.failed_phase, RDD_PHASE_LICENSING);
	assert_has(diag.summary,
	           "A default Windows client fails in phase licensing: the "
	           "licensing step fails with ERR_NO_LICENSE_SERVER "
	           "(licensing-no-license-server)");
	expect_none(&diag, "licensing-error");
	expect_none(&diag, "session-closed");
	assert_int_equal(rdd_verdict_exit_code(diag.status), 2);
}

static void
test_alert_codes(void **state)
{
	static const struct {
		uint32_t code;
		const char *id;
	} t[] = {
	    {RDD_LIC_ERR_NO_LICENSE, "licensing-no-license"},
	    {RDD_LIC_ERR_INVALID_CLIENT, "licensing-invalid-client"},
	    {RDD_LIC_ERR_INVALID_MAC, "licensing-error"},
	    {RDD_LIC_ERR_INVALID_PRODUCTID, "licensing-error"},
	    {0x99, "licensing-error"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		alert_ends(t[i].code);
		expect(&diag, t[i].id, RDD_SEV_CRITICAL);
		assert_int_equal(diag.failed_phase, RDD_PHASE_LICENSING);
	}
	/* An unnamed code still says its number. */
	assert_has(diag.findings[0].evidence, "unknown (0x99)");
}

/* ERR_NO_LICENSE_SERVER with ST_NO_TRANSITION: the server lets the
 * client in (a grace period), and the walk goes on to activation. */
static void
test_alert_then_activation(void **state)
{
	struct rdd_session_info *s;
	const struct rdd_finding *f;

	(void)state;
	s = walk_ends(RDD_SESSION_ACTIVATED, RDD_PHASE_ACTIVATION,
	              "activation complete");
	s->licensing = RDD_LICENSING_ERROR;
	s->has_license_error = true;
	s->license_error_code = RDD_LIC_ERR_NO_LICENSE_SERVER;
	s->license_transition = RDD_LIC_ST_NO_TRANSITION;
	diagnose(&obs, &diag);
	f = expect(&diag, "licensing-no-license-server", RDD_SEV_WARNING);
	assert_has(f->evidence, "ST_NO_TRANSITION (2) in answer to the Client "
	                        "Info; the server let the client go on");
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);
	assert_has(diag.summary, "A default Windows client would connect "
	                         "(activation completed)");
}

static void
test_stall(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	walk_ends(RDD_SESSION_TIMEOUT, RDD_PHASE_LICENSING,
	          "no answer within 2.0 s while waiting for the first "
	          "licensing PDU");
	diagnose(&obs, &diag);
	f = expect(&diag, "licensing-error", RDD_SEV_CRITICAL);
	assert_string_equal(
	    f->evidence, "no answer within 2.0 s while waiting for the first "
	                 "licensing PDU [attempt A]");
	assert_int_equal(diag.failed_phase, RDD_PHASE_LICENSING);
	assert_has(diag.summary, "fails in phase licensing: licensing stalls "
	                         "(licensing-error)");
	/* Malformed: named as such. */
	walk_ends(RDD_SESSION_MALFORMED, RDD_PHASE_LICENSING,
	          "a licensing PDU of 7 bytes that does not parse");
	diagnose(&obs, &diag);
	expect(&diag, "licensing-error", RDD_SEV_CRITICAL);
	assert_has(diag.summary, "the server's licensing PDU is malformed");
}

/* NLA and no credentials: licensing and activation not verified. */
static void
test_unverified(void **state)
{
	int p;

	(void)state;
	healthy(&obs);
	credssp_healthy(&obs);
	for (p = RDD_PHASE_LICENSING; p <= RDD_PHASE_ACTIVATION; p++) {
		obs.phases[p].status = RDD_STATUS_SKIPPED;
		snprintf(obs.phases[p].detail, sizeof(obs.phases[p].detail),
		         "not verified: the server requires NLA, and a logon "
		         "needs credentials (none were given)");
	}
	obs.phases[RDD_PHASE_MCS].present = false;
	obs.phases[RDD_PHASE_MCS].status = RDD_STATUS_SKIPPED;
	rdd_session_info_init(&obs.session);
	diagnose(&obs, &diag);
	expect(&diag, "licensing-unverified", RDD_SEV_INFO);
	assert_int_equal(diag.status, RDD_VERDICT_OK);
	assert_int_equal(diag.failed_phase, -1);
	assert_string_equal(
	    diag.summary,
	    "No fault found up to phase credssp; licensing and activation not "
	    "verified: the server requires NLA, and a logon needs credentials "
	    "(none were given); 1 note: licensing-unverified.");
	assert_int_equal(rdd_verdict_exit_code(diag.status), 0);

	/* Reached (no NLA): not emitted. */
	walk_ends(RDD_SESSION_ACTIVATED, RDD_PHASE_ACTIVATION,
	          "activation complete");
	diagnose(&obs, &diag);
	expect_none(&diag, "licensing-unverified");
}

const struct CMUnitTest rules_licensing_tests[] = {
    cmocka_unit_test(test_no_license_server),
    cmocka_unit_test(test_alert_codes),
    cmocka_unit_test(test_alert_then_activation),
    cmocka_unit_test(test_stall),
    cmocka_unit_test(test_unverified),
};
const size_t rules_licensing_n_tests = NELEM(rules_licensing_tests);
