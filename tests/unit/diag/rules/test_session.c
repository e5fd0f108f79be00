/*
 * test_session.c - lib/diag/rules/session.c: a Set Error Info named (0x7
 * the denied connection, 0x9 the logon right, the licensing codes, any
 * other code from the table) in the phase it came in, a close without a
 * word, a capability exchange that does not complete; and the MCS domain
 * refusals of lib/diag/rules/mcs.c.
 */
#include "rules_harness.h"

static struct rdd_session_info *
error_info_in(enum rdd_phase phase, uint32_t code)
{
	struct rdd_session_info *s =
	    walk_ends(RDD_SESSION_ERROR_INFO, phase, "Set Error Info");
	struct rdd_session_event *e = &s->events[s->n_events++];

	e->step = phase == RDD_PHASE_LICENSING ? RDD_STEP_CLIENT_INFO
	                                       : RDD_STEP_CONFIRM_ACTIVE;
	e->phase = phase;
	s->has_error_info = true;
	s->error_info = code;
	s->error_info_phase = phase;
	s->error_info_at_ms = 12.5;
	diagnose(&obs, &diag);
	return s;
}

/* "error code 0x904, extended error code 0x7" itself. */
static void
test_denied_connection(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	error_info_in(RDD_PHASE_LICENSING, 0x7);
	f = expect(&diag, "server-denied-connection", RDD_SEV_CRITICAL);
	assert_has(f->evidence,
	           "Set Error Info ERRINFO_SERVER_DENIED_CONNECTION "
	           "(0x00000007): ");
	assert_has(f->evidence, "at 12 ms, in phase licensing after "
	                        "client_info; the server then disconnected "
	                        "[attempt A]");
	/* The finding is where the server said no, not the table's phase. */
	assert_int_equal(f->phase, RDD_PHASE_LICENSING);
	assert_int_equal(diag.failed_phase, RDD_PHASE_LICENSING);
	assert_has(diag.summary,
	           "A default Windows client fails in phase licensing: the "
	           "server denied the connection "
	           "(ERRINFO_SERVER_DENIED_CONNECTION, extended error 0x7) "
	           "(server-denied-connection)");
	expect_none(&diag, "session-closed");
	expect_none(&diag, "session-error-info");
}

static void
test_error_info_codes(void **state)
{
	static const struct {
		uint32_t code;
		const char *id;
	} t[] = {
	    {0x9, "server-insufficient-privileges"},
	    {0x101, "licensing-no-license-server"},
	    {0x102, "licensing-no-license"},
	    {0x104, "licensing-invalid-client"},
	    {0x105, "licensing-invalid-client"},
	    {0x100, "licensing-error"},
	    {0x10A, "licensing-error"},
	    {0x1, "session-error-info"},
	    {0x10C9, "session-error-info"},
	};
	const struct rdd_finding *f;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		error_info_in(RDD_PHASE_ACTIVATION, t[i].code);
		f = expect(&diag, t[i].id, RDD_SEV_CRITICAL);
		assert_int_equal(f->phase, RDD_PHASE_ACTIVATION);
		assert_int_equal(diag.failed_phase, RDD_PHASE_ACTIVATION);
	}
	/* Any other code is named from the table. */
	error_info_in(RDD_PHASE_ACTIVATION, 0x1);
	f = expect(&diag, "session-error-info", RDD_SEV_CRITICAL);
	assert_has(f->evidence,
	           "ERRINFO_RPC_INITIATED_DISCONNECT (0x00000001)");
	assert_has(diag.summary, "the server ends the connection with "
	                         "ERRINFO_RPC_INITIATED_DISCONNECT");
	/* A code the table lacks still says its number. */
	error_info_in(RDD_PHASE_ACTIVATION, 0xFFFF);
	f = expect(&diag, "session-error-info", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "unknown code (0x0000ffff)");
}

static void
test_closed(void **state)
{
	struct rdd_session_info *s;
	const struct rdd_finding *f;

	(void)state;
	s = walk_ends(
	    RDD_SESSION_DISCONNECTED, RDD_PHASE_ACTIVATION,
	    "MCS Disconnect Provider Ultimatum rn-user-requested (3)");
	s->disconnect_reason = 3;
	s->events[s->n_events].step = RDD_STEP_DEMAND_ACTIVE;
	s->events[s->n_events++].phase = RDD_PHASE_ACTIVATION;
	diagnose(&obs, &diag);
	f = expect(&diag, "session-closed", RDD_SEV_CRITICAL);
	assert_string_equal(
	    f->evidence,
	    "MCS Disconnect Provider Ultimatum rn-user-requested (3) in phase "
	    "activation after demand_active, without a Set Error Info or "
	    "licensing error (reason rn-user-requested) [attempt A]");
	assert_has(diag.summary, "the server closes the connection in phase "
	                         "activation without saying why");

	/* A plain close in licensing: the finding says licensing. */
	walk_ends(RDD_SESSION_CLOSED, RDD_PHASE_LICENSING,
	          "server closed the connection while waiting for the first "
	          "licensing PDU, 3 ms after the request");
	diagnose(&obs, &diag);
	f = expect(&diag, "session-closed", RDD_SEV_CRITICAL);
	assert_int_equal(f->phase, RDD_PHASE_LICENSING);
	assert_int_equal(diag.failed_phase, RDD_PHASE_LICENSING);
	expect_none(&diag, "licensing-error");
}

static void
test_activation_failed(void **state)
{
	struct rdd_session_info *s;
	const struct rdd_finding *f;

	(void)state;
	walk_ends(RDD_SESSION_TIMEOUT, RDD_PHASE_ACTIVATION,
	          "no answer within 2.0 s while waiting for the Demand Active "
	          "PDU");
	diagnose(&obs, &diag);
	f = expect(&diag, "activation-failed", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "(no Demand Active came)");
	assert_has(diag.summary, "the server's Demand Active never comes");
	assert_int_equal(diag.failed_phase, RDD_PHASE_ACTIVATION);

	s = walk_ends(RDD_SESSION_TIMEOUT, RDD_PHASE_ACTIVATION,
	              "no answer within 2.0 s while waiting for the Font Map "
	              "PDU");
	s->has_demand_active = true;
	diagnose(&obs, &diag);
	expect(&diag, "activation-failed", RDD_SEV_CRITICAL);
	assert_has(diag.summary, "the connection finalization does not "
	                         "complete");
}

/* The MCS domain after the Connect-Response (rules/mcs.c). */
static void
test_domain_refused(void **state)
{
	struct rdd_session_info *s;
	const struct rdd_finding *f;

	(void)state;
	s = walk_ends(RDD_SESSION_REFUSED, RDD_PHASE_MCS,
	              "Attach User Confirm rt-too-many-users (13)");
	s->mcs_result = 13;
	diagnose(&obs, &diag);
	f = expect(&diag, "mcs-rejected", RDD_SEV_CRITICAL);
	assert_string_equal(f->evidence,
	                    "after an rt-successful Connect-Response: Attach "
	                    "User Confirm rt-too-many-users (13) [attempt A]");
	assert_int_equal(diag.failed_phase, RDD_PHASE_MCS);
	assert_has(diag.summary, "the server refuses the MCS user or a "
	                         "channel (mcs-rejected)");
	/* A timeout there is the phase's own: no rejection claimed. */
	walk_ends(RDD_SESSION_TIMEOUT, RDD_PHASE_MCS,
	          "no answer within 2.0 s while waiting for the Attach User "
	          "Confirm");
	diagnose(&obs, &diag);
	expect_none(&diag, "mcs-rejected");
	assert_int_equal(diag.failed_phase, RDD_PHASE_MCS);
}

/* What was not reached is said, and only what was reached is claimed. */
static void
test_not_verified(void **state)
{
	(void)state;
	walk_ends(RDD_SESSION_STOPPED, RDD_PHASE_MCS,
	          "not verified: stopped after mcs, as asked (--stop-after)");
	diagnose(&obs, &diag);
	assert_int_equal(diag.failed_phase, -1);
	assert_has(diag.summary, "No fault found up to phase mcs; licensing "
	                         "and activation not verified: stopped after "
	                         "mcs, as asked (--stop-after)");
	expect_none(&diag, "client-side-suspect");

	walk_ends(RDD_SESSION_STOPPED, RDD_PHASE_LICENSING,
	          "not verified: stopped at the licence challenge (a check "
	          "takes no licence unless asked: --licensing full)");
	diagnose(&obs, &diag);
	assert_has(diag.summary, "No fault found up to phase licensing; "
	                         "activation not verified: stopped at the "
	                         "licence challenge");
	/* Activated: the claim is made. */
	walk_ends(RDD_SESSION_ACTIVATED, RDD_PHASE_ACTIVATION,
	          "activation complete");
	diagnose(&obs, &diag);
	assert_has(diag.summary, "would connect (activation completed)");
}

/* --logon on a server without NLA: the walk ended with NOTICE. */
static struct rdd_session_info *
logon_walk(enum rdd_session_outcome o, enum rdd_logon_notice notice,
           const char *detail)
{
	struct rdd_session_info *s = walk_ends(o, RDD_PHASE_ACTIVATION, detail);

	obs.credentials.given = true;
	obs.credentials.logon = true;
	snprintf(obs.credentials.user, sizeof(obs.credentials.user), "bob");
	snprintf(obs.credentials.domain, sizeof(obs.credentials.domain), "LAB");
	s->logon_notice = notice;
	s->logon_wait_ms = 700;
	return s;
}

static void
test_logon_notices(void **state)
{
	struct rdd_session_info *s;
	const struct rdd_finding *f;

	(void)state;
	s = logon_walk(RDD_SESSION_LOGON_FAILED, RDD_LOGON_NOTICE_FAILED,
	               "the server's logon error notification: type "
	               "0xfffffffe, data 0 (LOGON_FAILED_BAD_PASSWORD)");
	s->has_logon_error = true;
	s->logon_error_type = 0xFFFFFFFEu;
	s->logon_error_data = 0;
	diagnose(&obs, &diag);
	f = expect(&diag, "logon-failed", RDD_SEV_CRITICAL);
	assert_int_equal(f->phase, RDD_PHASE_ACTIVATION);
	assert_has(f->evidence, "LOGON_FAILED_BAD_PASSWORD");
	assert_has(f->evidence, "LAB\\bob");
	assert_int_equal(diag.failed_phase, RDD_PHASE_ACTIVATION);

	s->logon_error_data = 1;
	diagnose(&obs, &diag);
	expect(&diag, "logon-password-expired", RDD_SEV_CRITICAL);
	s->logon_error_type = 0xFFFFFFFAu;
	s->logon_error_data = 0;
	diagnose(&obs, &diag);
	expect(&diag, "logon-not-permitted", RDD_SEV_CRITICAL);
	assert_has(diag.summary, "LOGON_MSG_NO_PERMISSION");

	/* Nothing came: activation is fine, the logon unconfirmed. */
	logon_walk(RDD_SESSION_ACTIVATED, RDD_LOGON_NOTICE_NONE,
	           "activation complete; no logon notification within 10 s");
	diagnose(&obs, &diag);
	f = expect(&diag, "logon-unverified", RDD_SEV_INFO);
	assert_has(f->evidence, "xrdp among them");
	assert_int_equal(diag.failed_phase, -1);

	/* Logged on: the verdict says who and which session. */
	s = logon_walk(RDD_SESSION_LOGGED_ON, RDD_LOGON_NOTICE_LOGGED_ON,
	               "the server logged the user on: session id 7");
	s->has_logon_session_id = true;
	s->logon_session_id = 7;
	diagnose(&obs, &diag);
	expect_none(&diag, "logon-unverified");
	expect_none(&diag, "logon-failed");
	assert_has(diag.summary, "would connect (activation completed)");
	assert_has(diag.summary, "LAB\\bob logged on (session id 7)");
}

const struct CMUnitTest rules_session_tests[] = {
    cmocka_unit_test(test_logon_notices),
    cmocka_unit_test(test_denied_connection),
    cmocka_unit_test(test_error_info_codes),
    cmocka_unit_test(test_closed),
    cmocka_unit_test(test_activation_failed),
    cmocka_unit_test(test_domain_refused),
    cmocka_unit_test(test_not_verified),
};
const size_t rules_session_n_tests = NELEM(rules_session_tests);
