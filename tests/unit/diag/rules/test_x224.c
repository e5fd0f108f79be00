/*
 * test_x224.c - lib/diag/rules/x224.c: phase x224: no Connection Confirm,
 * not RDP, the negotiation failure codes on each attempt, and NLA not
 * required.
 */
#include "rules_harness.h"

static struct rdd_attempt *
x224_fails(enum rdd_x224_outcome o)
{
	struct rdd_attempt *a;

	healthy(&obs);
	a = att(&obs, "A");
	a->x224 = o;
	a->x224_ms = o == RDD_X224_TIMEOUT ? 5000 : 4;
	a->tls = RDD_TLS_NOT_RUN;
	obs.tls.present = false;
	obs.tls.cert.present = false;
	obs.phases[RDD_PHASE_X224].status =
	    o == RDD_X224_TIMEOUT ? RDD_STATUS_TIMEOUT : RDD_STATUS_FAILED;
	obs.phases[RDD_PHASE_TLS].status = RDD_STATUS_SKIPPED;
	return a;
}

static void
test_x224_timeout(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	x224_fails(RDD_X224_TIMEOUT);
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "x224-timeout", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "TCP connected in 12 ms");
	assert_has(f->evidence, "no X.224 Connection Confirm within 5000 ms");
	assert_int_equal(diag.failed_phase, RDD_PHASE_X224);
	assert_has(diag.summary, "fails in phase x224");
	assert_has(diag.summary, "(x224-timeout)");
}

static void
test_x224_reset_and_closed(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	x224_fails(RDD_X224_RESET);
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "x224-reset", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "reset (RST) 4 ms after the X.224 Connection "
	                        "Request");
	assert_has(diag.summary, "reset right after");

	x224_fails(RDD_X224_CLOSED);
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "x224-reset", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "closed (FIN)");
	assert_has(diag.summary, "(x224-reset)");
}

static void
test_x224_not_rdp(void **state)
{
	static const char http[] = "HTTP/1.1 400 Bad";
	struct rdd_attempt *a;
	const struct rdd_finding *f;

	(void)state;
	a = x224_fails(RDD_X224_NOT_RDP);
	memcpy(a->first_bytes, http, 16);
	a->n_first_bytes = 16;
	snprintf(a->x224_detail, sizeof(a->x224_detail), "TPKT version 0x48");
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "x224-not-rdp", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "first 16 bytes 48 54 54 50 2f 31 2e 31");
	assert_has(f->evidence, "(looks like HTTP)");
	assert_has(f->evidence, "TPKT version 0x48");
	assert_has(diag.summary, "(x224-not-rdp)");

	a = x224_fails(RDD_X224_NOT_RDP);
	memcpy(a->first_bytes, "SSH-2.0-", 8);
	a->n_first_bytes = 8;
	diagnose(&obs, &diag);
	f = expect(&diag, "x224-not-rdp", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "53 53 48 2d 32 2e 30 2d (looks like SSH)");

	a = x224_fails(RDD_X224_MALFORMED);
	memcpy(a->first_bytes, "\x03\x00\x00\x0b\x06\xd0", 6);
	a->n_first_bytes = 6;
	snprintf(a->x224_detail, sizeof(a->x224_detail), "bad LI");
	diagnose(&obs, &diag);
	f = expect(&diag, "x224-not-rdp", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "not a valid Connection Confirm");
	assert_has(f->evidence, "03 00 00 0b 06 d0");
	assert_has(f->evidence, "bad LI");
}

static const struct {
	uint32_t code;
	const char *id;
	const char *name;
	enum rdd_severity sev; /* on an attempt other than A */
} neg[] = {
    {1, "nego-ssl-required", "SSL_REQUIRED_BY_SERVER", RDD_SEV_INFO},
    {2, "nego-ssl-not-allowed", "SSL_NOT_ALLOWED_BY_SERVER", RDD_SEV_WARNING},
    {3, "nego-cert-not-on-server", "SSL_CERT_NOT_ON_SERVER", RDD_SEV_CRITICAL},
    {4, "nego-inconsistent-flags", "INCONSISTENT_FLAGS", RDD_SEV_CRITICAL},
    {5, "nego-hybrid-required", "HYBRID_REQUIRED_BY_SERVER", RDD_SEV_INFO},
    {6, "nego-ssl-with-user-auth-required",
     "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER", RDD_SEV_CRITICAL},
};

static void
test_nego_on_attempt_a_is_critical(void **state)
{
	char want[160];
	const struct rdd_finding *f;
	struct rdd_attempt *a;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(neg); i++) {
		a = x224_fails(RDD_X224_FAILURE);
		a->failure_code = neg[i].code;
		diagnose(&obs, &diag);
		expect_only(&diag, 1);
		f = expect(&diag, neg[i].id, RDD_SEV_CRITICAL);
		snprintf(want, sizeof(want),
		         "request 0x0000000b (SSL|HYBRID|HYBRID_EX) -> "
		         "RDP_NEG_FAILURE %s (%u) [attempt A]",
		         neg[i].name, (unsigned)neg[i].code);
		assert_string_equal(f->evidence, want);
		assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
		assert_int_equal(diag.failed_phase, RDD_PHASE_X224);
		snprintf(
		    want, sizeof(want),
		    "A default Windows client fails in phase x224: the server "
		    "answers RDP_NEG_FAILURE %s (%s).",
		    neg[i].name, neg[i].id);
		assert_string_equal(diag.summary, want);
	}
}

/* SecurityLayer 0: failure 2 to A, but C gets standard RDP security, so
 * mstsc reconnects with it and connects: a warning, not a failed phase. */
static void
test_nego_ssl_not_allowed_with_rdp_fallback(void **state)
{
	const struct rdd_finding *f;
	struct rdd_attempt *a, *c;

	(void)state;
	a = x224_fails(RDD_X224_FAILURE);
	a->failure_code = 2;
	c = add_attempt(&obs, "C", RDD_PROTO_RDP);
	(void)c;
	rdd_plan_conclude(&obs);
	diagnose(&obs, &diag);
	f = expect(&diag, "nego-ssl-not-allowed", RDD_SEV_WARNING);
	assert_has(f->evidence, "SSL_NOT_ALLOWED_BY_SERVER (2) [attempt A]");
	assert_int_equal(diag.failed_phase, -1);
	assert_int_not_equal(diag.status, RDD_VERDICT_CRITICAL);
}

static void
test_nego_on_other_attempts_default_severity(void **state)
{
	char want[160];
	const struct rdd_finding *f;
	struct rdd_attempt *b;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(neg); i++) {
		healthy(&obs);
		b = add_attempt(&obs, "B", RDD_PROTO_SSL);
		b->x224 = RDD_X224_FAILURE;
		b->failure_code = neg[i].code;
		diagnose(&obs, &diag);
		expect_only(&diag, 1);
		f = expect(&diag, neg[i].id, neg[i].sev);
		snprintf(want, sizeof(want),
		         "request 0x00000001 (SSL) -> RDP_NEG_FAILURE %s (%u) "
		         "[attempt B]",
		         neg[i].name, (unsigned)neg[i].code);
		assert_string_equal(f->evidence, want);
	}
}

static void
test_nego_merges_attempts(void **state)
{
	const struct rdd_finding *f;
	struct rdd_attempt *b, *c;

	(void)state;
	healthy(&obs);
	b = add_attempt(&obs, "B", RDD_PROTO_SSL);
	b->x224 = RDD_X224_FAILURE;
	b->failure_code = 5;
	c = add_attempt(&obs, "C", RDD_PROTO_RDP);
	c->x224 = RDD_X224_FAILURE;
	c->failure_code = 5;
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "nego-hybrid-required", RDD_SEV_INFO);
	assert_string_equal(
	    f->evidence,
	    "request 0x00000001 (SSL) -> RDP_NEG_FAILURE "
	    "HYBRID_REQUIRED_BY_SERVER (5) [attempt B]; request 0x00000000 "
	    "(RDP) -> RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER (5) "
	    "[attempt C]");
	/* Info only: the server side is healthy. */
	assert_int_equal(diag.status, RDD_VERDICT_OK);
	assert_int_equal(diag.failed_phase, -1);
	assert_string_equal(
	    diag.summary,
	    "The server side is healthy: a default Windows client would "
	    "connect (activation completed); 1 note: nego-hybrid-required; if "
	    "a "
	    "client still fails, look at the client (client-side-suspect).");
}

static void
test_nego_unknown_code(void **state)
{
	struct rdd_attempt *a;

	(void)state;
	a = x224_fails(RDD_X224_FAILURE);
	a->failure_code = 9;
	snprintf(obs.phases[RDD_PHASE_X224].detail, RDD_STR,
	         "RDP_NEG_FAILURE with unknown code 9");
	diagnose(&obs, &diag);
	expect_only(&diag, 0);
	/* The phase failed, so the verdict is critical all the same. */
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	assert_int_equal(diag.failed_phase, RDD_PHASE_X224);
	assert_string_equal(
	    diag.summary,
	    "A default Windows client fails in phase x224: RDP_NEG_FAILURE "
	    "with unknown code 9.");
}

static void
test_nla_not_required(void **state)
{
	const struct rdd_finding *f;
	struct rdd_attempt *b;

	(void)state;
	healthy(&obs);
	b = add_attempt(&obs, "B", RDD_PROTO_SSL);
	b->x224 = RDD_X224_RSP;
	b->selected = RDD_PROTO_SSL;
	obs.nla_required = 0;
	obs.security_layer = RDD_SECLAYER_NEGOTIATE;
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "nla-not-required", RDD_SEV_WARNING);
	assert_string_equal(
	    f->evidence,
	    "request SSL (0x1) -> selected SSL: TLS without CredSSP accepted "
	    "[attempt B]");
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);
	assert_int_equal(diag.failed_phase, -1);
	assert_string_equal(diag.summary,
	                    "A default Windows client would connect "
	                    "(activation completed); 1 warning: "
	                    "nla-not-required.");
	assert_int_equal(rdd_verdict_exit_code(diag.status), 1);

	/* Standard RDP Security accepted. */
	b->requested = RDD_PROTO_RDP;
	b->selected = RDD_PROTO_RDP;
	diagnose(&obs, &diag);
	f = expect(&diag, "nla-not-required", RDD_SEV_WARNING);
	assert_has(f->evidence, "request RDP (0x0) -> selected RDP: Standard "
	                        "RDP Security without CredSSP");

	/* A legacy Connection Confirm proves it too. */
	b->x224 = RDD_X224_NO_NEG_DATA;
	diagnose(&obs, &diag);
	f = expect(&diag, "nla-not-required", RDD_SEV_WARNING);
	assert_has(f->evidence, "without negotiation data");

	/* No attempt proves it: the conclusion is still reported. */
	obs.n_attempts = 1;
	diagnose(&obs, &diag);
	f = expect(&diag, "nla-not-required", RDD_SEV_WARNING);
	assert_has(f->evidence, "security layer negotiate");

	/* Unknown or required: nothing. */
	obs.nla_required = -1;
	diagnose(&obs, &diag);
	expect_none(&diag, "nla-not-required");
	obs.nla_required = 1;
	diagnose(&obs, &diag);
	expect_none(&diag, "nla-not-required");
}

const struct CMUnitTest rules_x224_tests[] = {
    cmocka_unit_test(test_x224_timeout),
    cmocka_unit_test(test_x224_reset_and_closed),
    cmocka_unit_test(test_x224_not_rdp),
    cmocka_unit_test(test_nego_on_attempt_a_is_critical),
    cmocka_unit_test(test_nego_ssl_not_allowed_with_rdp_fallback),
    cmocka_unit_test(test_nego_on_other_attempts_default_severity),
    cmocka_unit_test(test_nego_merges_attempts),
    cmocka_unit_test(test_nego_unknown_code),
    cmocka_unit_test(test_nla_not_required),
};
const size_t rules_x224_n_tests = NELEM(rules_x224_tests);
