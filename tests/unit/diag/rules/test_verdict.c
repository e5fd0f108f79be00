/*
 * test_verdict.c - lib/diag/rules/verdict.c: the verdict: a healthy server,
 * nothing observed, the summary of warnings, the order of findings, the
 * phase a client fails in.
 */
#include "rules_harness.h"

static void
test_healthy(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	diagnose(&obs, &diag);
	expect_only(&diag, 0);
	assert_int_equal(diag.status, RDD_VERDICT_OK);
	assert_int_equal(diag.failed_phase, -1);
	assert_string_equal(
	    diag.summary,
	    "The server side is healthy: a default Windows client would "
	    "connect (activation completed); if a client still "
	    "fails, look at the client (client-side-suspect).");
	f = expect(&diag, "client-side-suspect", RDD_SEV_INFO);
	assert_has(f->evidence, "every server-side phase reached without "
	                        "credentials passed (resolve 10.0 ms, tcp "
	                        "10.0 ms, x224 10.0 ms, tls 10.0 ms, mcs 5.0 "
	                        "ms, licensing 5.0 ms, activation 5.0 ms)");
	assert_int_equal(rdd_verdict_exit_code(diag.status), 0);
}

static void
test_unknown_without_attempts(void **state)
{
	(void)state;
	rdd_observation_init(&obs);
	snprintf(obs.host, sizeof(obs.host), "rdp.example");
	obs.checked_at = NOW;
	diagnose(&obs, &diag);
	expect_only(&diag, 0);
	assert_int_equal(diag.status, RDD_VERDICT_UNKNOWN);
	assert_int_equal(diag.failed_phase, -1);
	assert_int_equal(rdd_verdict_exit_code(diag.status), 3);
}

static void
test_two_warnings_summary(void **state)
{
	struct rdd_attempt *b;

	(void)state;
	healthy(&obs);
	obs.tls.cert.self_signed = true;
	b = add_attempt(&obs, "B", RDD_PROTO_SSL);
	b->selected = RDD_PROTO_SSL;
	obs.nla_required = 0;
	diagnose(&obs, &diag);
	expect_only(&diag, 2);
	assert_int_equal(diag.findings[0].cause, RDD_CAUSE_NLA_NOT_REQUIRED);
	assert_int_equal(diag.findings[1].cause, RDD_CAUSE_CERT_SELF_SIGNED);
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);
	assert_string_equal(diag.summary,
	                    "A default Windows client would connect "
	                    "(activation completed); 2 warnings: "
	                    "nla-not-required, cert-self-signed.");
}

static void
test_sort_and_mixed_summary(void **state)
{
	struct rdd_attempt *b, *c;

	(void)state;
	healthy(&obs);
	/* info (x224), warning (x224), critical (tls), warning (tls). */
	b = add_attempt(&obs, "B", RDD_PROTO_RDP);
	b->x224 = RDD_X224_FAILURE;
	b->failure_code = 5;
	c = add_attempt(&obs, "C", RDD_PROTO_SSL);
	c->selected = RDD_PROTO_SSL;
	obs.nla_required = 0;
	obs.tls.cert.not_after = NOW - 2 * DAY;
	obs.tls.cert.self_signed = true;
	diagnose(&obs, &diag);
	expect_only(&diag, 4);
	assert_int_equal(diag.findings[0].cause, RDD_CAUSE_CERT_EXPIRED);
	assert_int_equal(diag.findings[1].cause, RDD_CAUSE_NLA_NOT_REQUIRED);
	assert_int_equal(diag.findings[2].cause, RDD_CAUSE_CERT_SELF_SIGNED);
	assert_int_equal(diag.findings[3].cause,
	                 RDD_CAUSE_NEGO_HYBRID_REQUIRED);
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	assert_int_equal(diag.failed_phase, RDD_PHASE_TLS);
	assert_string_equal(
	    diag.summary,
	    "A default Windows client fails in phase tls: the certificate "
	    "expired 2023-11-12 (cert-expired); also 2 warnings: "
	    "nla-not-required, cert-self-signed, 1 note: "
	    "nego-hybrid-required.");
}

static void
test_failed_phase_comes_first(void **state)
{
	(void)state;
	/* TCP failed on the main path; an expired certificate seen earlier
	 * (say, in a capture) does not move the failing phase. */
	tcp_fails(RDD_TCP_TIMEOUT, "");
	obs.tls.cert.present = true;
	obs.tls.cert.not_after = NOW - DAY;
	diagnose(&obs, &diag);
	expect(&diag, "tcp-timeout", RDD_SEV_CRITICAL);
	expect(&diag, "cert-expired", RDD_SEV_CRITICAL);
	assert_int_equal(diag.failed_phase, RDD_PHASE_TCP);
	assert_int_equal(diag.findings[0].cause, RDD_CAUSE_TCP_TIMEOUT);
	assert_has(diag.summary, "fails in phase tcp");
	assert_has(diag.summary, "(tcp-timeout); also 1 more critical: "
	                         "cert-expired.");
}

static void
test_failed_phase_without_finding(void **state)
{
	(void)state;
	healthy(&obs);
	obs.phases[RDD_PHASE_TLS].status = RDD_STATUS_FAILED;
	obs.phases[RDD_PHASE_TLS].detail[0] = '\0';
	diagnose(&obs, &diag);
	expect_only(&diag, 0);
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	assert_int_equal(diag.failed_phase, RDD_PHASE_TLS);
	assert_string_equal(
	    diag.summary,
	    "A default Windows client fails in phase tls: the phase did not "
	    "complete.");

	/* A failed UDP probe alone does not stop a default client. */
	healthy(&obs);
	obs.phases[RDD_PHASE_UDP].present = true;
	obs.phases[RDD_PHASE_UDP].status = RDD_STATUS_TIMEOUT;
	diagnose(&obs, &diag);
	assert_int_equal(diag.status, RDD_VERDICT_OK);
	assert_int_equal(diag.failed_phase, -1);
}

const struct CMUnitTest rules_verdict_tests[] = {
    cmocka_unit_test(test_healthy),
    cmocka_unit_test(test_unknown_without_attempts),
    cmocka_unit_test(test_two_warnings_summary),
    cmocka_unit_test(test_sort_and_mixed_summary),
    cmocka_unit_test(test_failed_phase_comes_first),
    cmocka_unit_test(test_failed_phase_without_finding),
};
const size_t rules_verdict_n_tests = NELEM(rules_verdict_tests);
