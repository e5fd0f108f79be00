/*
 * test_plan.c - lib/probe/plan.c: the plan's connections and the pure
 * conclusion from their answers. The server answers are those of the lab
 * (xrdp with security_layer rdp / tls / negotiate, FreeRDP's shadow server
 * with NLA) and of shared/reference/protocol.md 1.9, plus a refused port,
 * timeouts, a pre-Vista server and a listener that is not RDP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rdpdoctor/check.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define SSL RDD_PROTO_SSL
#define HYBRID RDD_PROTO_HYBRID
#define HYBRID_EX RDD_PROTO_HYBRID_EX
#define RDP RDD_PROTO_RDP

/* Not a valid answer code: marks an attempt that got an RSP. */
#define RSP 0x100
#define FAIL(code) (0x200 | (code))
#define LEGACY 0x300

static struct rdd_attempt *
add(struct rdd_observation *obs, const char *label, uint32_t requested,
    unsigned answer, uint32_t value)
{
	struct rdd_attempt *a = &obs->attempts[obs->n_attempts++];

	memset(a, 0, sizeof(*a));
	snprintf(a->label, sizeof(a->label), "%s", label);
	snprintf(a->address, sizeof(a->address), "192.0.2.10");
	a->requested = requested;
	a->tls_wanted = strcmp(label, "A") == 0;
	a->tcp = RDD_TCP_OK;
	a->tcp_start_ms = 1.5;
	a->tcp_ms = 0.25;
	a->x224_start_ms = 1.75;
	a->x224_ms = 2.0;
	if (answer == RSP) {
		a->x224 = RDD_X224_RSP;
		a->selected = value;
		a->flags = 0x1f;
	} else if ((answer & 0xf00) == 0x200) {
		a->x224 = RDD_X224_FAILURE;
		a->failure_code = answer & 0xff;
	} else if (answer == LEGACY) {
		a->x224 = RDD_X224_NO_NEG_DATA;
	} else {
		a->x224 = (enum rdd_x224_outcome)answer;
	}
	return a;
}

/* A's TLS went through. */
static void
tls_ok(struct rdd_observation *obs, struct rdd_attempt *a, const char *ver,
       const char *cipher)
{
	a->tls = RDD_TLS_OK;
	a->tls_start_ms = 4.0;
	a->tls_ms = 8.5;
	snprintf(a->tls_detail, sizeof(a->tls_detail), "%s %s", ver, cipher);
	obs->tls.present = true;
	snprintf(obs->tls.attempt, sizeof(obs->tls.attempt), "A");
	snprintf(obs->tls.version, sizeof(obs->tls.version), "%s", ver);
	snprintf(obs->tls.cipher, sizeof(obs->tls.cipher), "%s", cipher);
}

static void
fresh(struct rdd_observation *obs)
{
	rdd_observation_init(obs);
	/* The runner's: must come out untouched. */
	obs->phases[RDD_PHASE_RESOLVE].present = true;
	obs->phases[RDD_PHASE_RESOLVE].status = RDD_STATUS_OK;
	obs->phases[RDD_PHASE_RESOLVE].ms = 3.25;
	snprintf(obs->phases[RDD_PHASE_RESOLVE].detail, RDD_STR,
	         "host -> 192.0.2.10");
}

static void
assert_phase(const struct rdd_observation *obs, enum rdd_phase ph,
             enum rdd_status st, const char *detail)
{
	const struct rdd_phase_result *r = &obs->phases[ph];

	assert_true(r->present);
	if (r->status != st)
		fail_msg("phase %s: status %s, want %s (detail \"%s\")",
		         rdd_phase_name(ph), rdd_status_name(r->status),
		         rdd_status_name(st), r->detail);
	if (detail != NULL)
		assert_string_equal(r->detail, detail);
}

static void
assert_resolve_untouched(const struct rdd_observation *obs)
{
	const struct rdd_phase_result *r = &obs->phases[RDD_PHASE_RESOLVE];

	assert_int_equal(r->status, RDD_STATUS_OK);
	assert_true(r->ms == 3.25);
	assert_string_equal(r->detail, "host -> 192.0.2.10");
}

static void
test_entries(void **state)
{
	struct rdd_plan_entry e[8];

	(void)state;
	assert_int_equal(rdd_plan_entries(e, 8), 3);
	assert_string_equal(e[0].label, "A");
	assert_int_equal(e[0].requested, 0x0B);
	assert_true(e[0].tls);
	assert_true(e[0].credssp);
	assert_false(e[0].spnego);
	assert_false(e[1].credssp);
	assert_false(e[2].credssp);
	assert_string_equal(e[1].label, "B");
	assert_int_equal(e[1].requested, 0x01);
	assert_false(e[1].tls);
	assert_string_equal(e[2].label, "C");
	assert_int_equal(e[2].requested, 0x00);
	assert_false(e[2].tls);
	memset(e, 0, sizeof(e));
	assert_int_equal(rdd_plan_entries(e, 2), 2);
	assert_string_equal(e[1].label, "B");
	assert_null(e[2].label);
	assert_int_equal(rdd_plan_entries(e, 0), 0);
	assert_int_equal(rdd_plan_entries(NULL, 8), 0);
}

/* xrdp security_layer=rdp: RDP selected whatever was asked. */
static void
test_xrdp_rdp(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, RSP, RDP);
	add(&obs, "B", 0x01, RSP, RDP);
	add(&obs, "C", 0x00, RSP, RDP);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_RDP);
	assert_int_equal(obs.nla_required, 0);
	assert_phase(&obs, RDD_PHASE_TCP, RDD_STATUS_OK,
	             "connected to 192.0.2.10");
	assert_true(obs.phases[RDD_PHASE_TCP].start_ms == 1.5);
	assert_true(obs.phases[RDD_PHASE_TCP].ms == 0.25);
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_OK,
	             "selected RDP (flags 0x1f)");
	assert_true(obs.phases[RDD_PHASE_X224].start_ms == 1.75);
	assert_true(obs.phases[RDD_PHASE_X224].ms == 2.0);
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED,
	             "server selected standard RDP security");
	assert_resolve_untouched(&obs);
	assert_false(obs.phases[RDD_PHASE_CREDSSP].present);
}

/* xrdp security_layer=tls: A SSL, B SSL, C failure 1. */
static void
test_xrdp_tls(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a;

	(void)state;
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, SSL);
	tls_ok(&obs, a, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	add(&obs, "B", 0x01, RSP, SSL);
	add(&obs, "C", 0x00, FAIL(1), 0);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_TLS);
	assert_int_equal(obs.nla_required, 0);
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_OK,
	             "selected SSL (flags 0x1f)");
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_OK,
	             "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	assert_true(obs.phases[RDD_PHASE_TLS].start_ms == 4.0);
	assert_true(obs.phases[RDD_PHASE_TLS].ms == 8.5);
	assert_resolve_untouched(&obs);
}

/* xrdp security_layer=negotiate: A SSL, B SSL, C RDP. */
static void
test_xrdp_negotiate(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a;

	(void)state;
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, SSL);
	tls_ok(&obs, a, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	add(&obs, "B", 0x01, RSP, SSL);
	add(&obs, "C", 0x00, RSP, RDP);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_NEGOTIATE);
	assert_int_equal(obs.nla_required, 0);
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_OK,
	             "TLSv1.3 TLS_AES_256_GCM_SHA384");
}

/* FreeRDP shadow server with NLA: A HYBRID, B and C failure 5. */
static void
test_freerdp_nla(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a;

	(void)state;
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, HYBRID);
	tls_ok(&obs, a, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	add(&obs, "B", 0x01, FAIL(5), 0);
	add(&obs, "C", 0x00, FAIL(5), 0);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_TLS);
	assert_int_equal(obs.nla_required, 1);
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_OK,
	             "selected HYBRID (flags 0x1f)");
	/* CredSSP belongs to this check, but its record says not run. */
	assert_phase(&obs, RDD_PHASE_CREDSSP, RDD_STATUS_SKIPPED,
	             "not part of this check");
}

/* A's CredSSP record with OUTCOME and DETAIL. */
static void
credssp(struct rdd_observation *obs, enum rdd_credssp_outcome outcome,
        const char *detail)
{
	struct rdd_credssp_info *ci = &obs->credssp;

	ci->outcome = outcome;
	snprintf(ci->attempt, sizeof(ci->attempt), "A");
	ci->start_ms = 12.5;
	ci->ms = 3.25;
	snprintf(ci->detail, sizeof(ci->detail), "%s", detail);
}

/* The shadow server with NLA, CredSSP in every outcome. */
static void
test_credssp_phase(void **state)
{
	static const struct {
		enum rdd_credssp_outcome o;
		enum rdd_status st;
	} cases[] = {
	    {RDD_CREDSSP_OK, RDD_STATUS_OK},
	    {RDD_CREDSSP_CLOSED, RDD_STATUS_FAILED},
	    {RDD_CREDSSP_RESET, RDD_STATUS_FAILED},
	    {RDD_CREDSSP_TIMEOUT, RDD_STATUS_TIMEOUT},
	    {RDD_CREDSSP_ERROR, RDD_STATUS_FAILED},
	    {RDD_CREDSSP_MALFORMED, RDD_STATUS_FAILED},
	};
	struct rdd_observation obs;
	struct rdd_attempt *a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fresh(&obs);
		a = add(&obs, "A", 0x0B, RSP, HYBRID);
		tls_ok(&obs, a, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
		add(&obs, "B", 0x01, FAIL(5), 0);
		add(&obs, "C", 0x00, FAIL(5), 0);
		credssp(&obs, cases[i].o, "what happened");
		rdd_plan_conclude(&obs);
		assert_phase(&obs, RDD_PHASE_CREDSSP, cases[i].st,
		             "what happened");
		assert_true(obs.phases[RDD_PHASE_CREDSSP].start_ms == 12.5);
		assert_true(obs.phases[RDD_PHASE_CREDSSP].ms == 3.25);
		assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_OK, NULL);
		assert_int_equal(obs.nla_required, 1);
	}
	/* An empty detail gets one. */
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, HYBRID_EX);
	tls_ok(&obs, a, "TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384");
	credssp(&obs, RDD_CREDSSP_TIMEOUT, "");
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_CREDSSP, RDD_STATUS_TIMEOUT,
	             "no TSRequest answer in time");
}

/* CredSSP is a phase only when A selected HYBRID or HYBRID_EX, and is
 * skipped when TLS did not complete. */
static void
test_credssp_phase_presence(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a;

	(void)state;
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, SSL);
	tls_ok(&obs, a, "TLSv1.2", "AES128-SHA");
	rdd_plan_conclude(&obs);
	assert_false(obs.phases[RDD_PHASE_CREDSSP].present);

	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, HYBRID);
	a->tls = RDD_TLS_RESET;
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_FAILED, NULL);
	assert_phase(&obs, RDD_PHASE_CREDSSP, RDD_STATUS_SKIPPED,
	             "the TLS handshake did not complete");

	fresh(&obs);
	add(&obs, "A", 0x0B, FAIL(5), 0);
	rdd_plan_conclude(&obs);
	assert_false(obs.phases[RDD_PHASE_CREDSSP].present);

	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, HYBRID);
	a->tcp = RDD_TCP_REFUSED;
	rdd_plan_conclude(&obs);
	assert_false(obs.phases[RDD_PHASE_CREDSSP].present);
}

/* When A's plain NEGOTIATE is refused, A2 repeats it with SPNEGO. */
static void
test_spnego_retry(void **state)
{
	static const struct {
		enum rdd_credssp_outcome o;
		bool has_version;
		bool retry;
	} cases[] = {
	    {RDD_CREDSSP_NOT_RUN, false, false},
	    {RDD_CREDSSP_OK, true, false},
	    {RDD_CREDSSP_CLOSED, false, true},
	    {RDD_CREDSSP_RESET, false, true},
	    {RDD_CREDSSP_TIMEOUT, false, false},
	    {RDD_CREDSSP_ERROR, true, true},
	    {RDD_CREDSSP_MALFORMED, true, true},
	    {RDD_CREDSSP_MALFORMED, false, false},
	};
	struct rdd_observation obs;
	struct rdd_plan_entry e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fresh(&obs);
		add(&obs, "A", 0x0B, RSP, HYBRID);
		credssp(&obs, cases[i].o, "x");
		obs.credssp.has_version = cases[i].has_version;
		memset(&e, 0, sizeof(e));
		assert_int_equal(rdd_plan_spnego_retry(&obs, &e),
		                 cases[i].retry);
		if (!cases[i].retry)
			continue;
		assert_string_equal(e.label, "A2");
		assert_int_equal(e.requested, 0x0B);
		assert_true(e.tls);
		assert_true(e.credssp);
		assert_true(e.spnego);
		assert_true(rdd_plan_spnego_retry(&obs, NULL));
	}
	/* Once only, and never for a record that already is SPNEGO's. */
	fresh(&obs);
	add(&obs, "A", 0x0B, RSP, HYBRID);
	credssp(&obs, RDD_CREDSSP_CLOSED, "x");
	add(&obs, "A2", 0x0B, RSP, HYBRID);
	assert_false(rdd_plan_spnego_retry(&obs, &e));
	fresh(&obs);
	credssp(&obs, RDD_CREDSSP_CLOSED, "x");
	obs.credssp.spnego = true;
	assert_false(rdd_plan_spnego_retry(&obs, &e));
	assert_false(rdd_plan_spnego_retry(NULL, &e));
}

static void
test_credssp_merge(void **state)
{
	struct rdd_observation obs;
	struct rdd_credssp_info plain;
	struct rdd_attempt *a;

	(void)state;
	/* Plain closed, SPNEGO got the CHALLENGE: the retry is kept. */
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, HYBRID);
	tls_ok(&obs, a, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	credssp(&obs, RDD_CREDSSP_CLOSED, "closed after the TSRequest");
	plain = obs.credssp;
	credssp(&obs, RDD_CREDSSP_OK, "CHALLENGE");
	snprintf(obs.credssp.attempt, sizeof(obs.credssp.attempt), "A2");
	obs.credssp.spnego = true;
	rdd_plan_credssp_merge(&obs, &plain);
	assert_int_equal(obs.credssp.outcome, RDD_CREDSSP_OK);
	assert_string_equal(obs.credssp.attempt, "A2");
	assert_int_equal(obs.credssp.other_outcome, RDD_CREDSSP_CLOSED);
	assert_false(obs.credssp.other_spnego);
	assert_string_equal(obs.credssp.other_attempt, "A");
	assert_string_equal(obs.credssp.other_detail,
	                    "closed after the TSRequest");
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_CREDSSP, RDD_STATUS_OK, "CHALLENGE");

	/* Both refused: the plain one is kept, the retry described. */
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, HYBRID);
	tls_ok(&obs, a, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	credssp(&obs, RDD_CREDSSP_ERROR, "errorCode");
	obs.credssp.has_error_code = true;
	obs.credssp.error_code = 0xc000006d;
	plain = obs.credssp;
	credssp(&obs, RDD_CREDSSP_CLOSED, "closed too");
	snprintf(obs.credssp.attempt, sizeof(obs.credssp.attempt), "A2");
	obs.credssp.spnego = true;
	obs.credssp.has_error_code = false;
	rdd_plan_credssp_merge(&obs, &plain);
	assert_int_equal(obs.credssp.outcome, RDD_CREDSSP_ERROR);
	assert_true(obs.credssp.has_error_code);
	assert_string_equal(obs.credssp.attempt, "A");
	assert_int_equal(obs.credssp.other_outcome, RDD_CREDSSP_CLOSED);
	assert_true(obs.credssp.other_spnego);
	assert_string_equal(obs.credssp.other_attempt, "A2");
	assert_string_equal(obs.credssp.other_detail, "closed too");

	/* The retry never reached CredSSP: the plain record stands. */
	fresh(&obs);
	credssp(&obs, RDD_CREDSSP_RESET, "reset");
	plain = obs.credssp;
	memset(&obs.credssp, 0, sizeof(obs.credssp));
	rdd_plan_credssp_merge(&obs, &plain);
	assert_int_equal(obs.credssp.outcome, RDD_CREDSSP_RESET);
	assert_int_equal(obs.credssp.other_outcome, RDD_CREDSSP_NOT_RUN);
}

/* Windows, SecurityLayer 1 without NLA: HYBRID_EX, SSL, RDP. */
static void
test_windows_negotiate(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, RSP, HYBRID_EX);
	add(&obs, "B", 0x01, RSP, SSL);
	add(&obs, "C", 0x00, RSP, RDP);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_NEGOTIATE);
	assert_int_equal(obs.nla_required, 0);
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_OK,
	             "selected HYBRID_EX (flags 0x1f)");
}

/* Windows, SecurityLayer 0: A and B failure 2, C RDP. */
static void
test_windows_rdp_only(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, FAIL(2), 0);
	add(&obs, "B", 0x01, FAIL(2), 0);
	add(&obs, "C", 0x00, RSP, RDP);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_RDP);
	assert_int_equal(obs.nla_required, 0);
	/* mstsc reconnects with standard RDP security and gets in. */
	assert_true(rdd_plan_rdp_fallback(&obs));
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_OK,
	             "RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER (2) to the "
	             "TLS/NLA request; standard RDP security accepted "
	             "(connection C)");
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED,
	             "server allows standard RDP security only");
}

/* Failure 2 to A, but C unanswered: no fallback is known to work. */
static void
test_rdp_only_without_fallback(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, FAIL(2), 0);
	add(&obs, "B", 0x01, FAIL(2), 0);
	add(&obs, "C", 0x00, RDD_X224_TIMEOUT, 0);
	rdd_plan_conclude(&obs);
	assert_false(rdd_plan_rdp_fallback(&obs));
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_FAILED,
	             "RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER (2)");
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED,
	             "negotiation failed");
}

/* B and C unanswered, A HYBRID: TLS, NLA unknown. */
static void
test_nla_unknown(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, RSP, HYBRID);
	add(&obs, "B", 0x01, RDD_X224_TIMEOUT, 0);
	add(&obs, "C", 0x00, RDD_X224_TIMEOUT, 0);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_TLS);
	assert_int_equal(obs.nla_required, -1);
}

/* A selecting plain SSL is enough to say NLA is not required. */
static void
test_a_ssl_means_no_nla(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, RSP, SSL);
	add(&obs, "B", 0x01, RDD_X224_RESET, 0);
	add(&obs, "C", 0x00, FAIL(1), 0);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_TLS);
	assert_int_equal(obs.nla_required, 0);
}

/* C refused with failure 1 alone says TLS is required. */
static void
test_c_failure_alone(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, RDD_X224_TIMEOUT, 0);
	add(&obs, "B", 0x01, RDD_X224_TIMEOUT, 0);
	add(&obs, "C", 0x00, FAIL(1), 0);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_TLS);
	assert_int_equal(obs.nla_required, -1);
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_TIMEOUT, NULL);
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED,
	             "negotiation failed");
}

static void
test_refused(void **state)
{
	struct rdd_observation obs;
	size_t i;
	static const char *labels[] = {"A", "B", "C"};

	(void)state;
	fresh(&obs);
	for (i = 0; i < 3; i++) {
		struct rdd_attempt *a = add(&obs, labels[i], 0, 0, 0);

		a->tcp = RDD_TCP_REFUSED;
		a->x224 = RDD_X224_NOT_RUN;
		snprintf(a->tcp_error, sizeof(a->tcp_error),
		         "connection refused (ECONNREFUSED)");
	}
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_TCP, RDD_STATUS_FAILED,
	             "connection refused (ECONNREFUSED)");
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_SKIPPED,
	             "TCP connection failed");
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED,
	             "TCP connection failed");
	assert_int_equal(obs.security_layer, RDD_SECLAYER_UNKNOWN);
	assert_int_equal(obs.nla_required, -1);
	assert_resolve_untouched(&obs);
}

static void
test_tcp_timeout_and_unreachable(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a;

	(void)state;
	fresh(&obs);
	a = add(&obs, "A", 0x0B, 0, 0);
	a->tcp = RDD_TCP_TIMEOUT;
	a->tcp_ms = 5000.0;
	snprintf(a->tcp_error, sizeof(a->tcp_error),
	         "no answer to SYN within 5.0 s");
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_TCP, RDD_STATUS_TIMEOUT,
	             "no answer to SYN within 5.0 s");
	assert_true(obs.phases[RDD_PHASE_TCP].ms == 5000.0);
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_SKIPPED,
	             "TCP connection failed");

	fresh(&obs);
	a = add(&obs, "A", 0x0B, 0, 0);
	a->tcp = RDD_TCP_UNREACHABLE;
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_TCP, RDD_STATUS_FAILED,
	             "host or network unreachable");

	fresh(&obs);
	a = add(&obs, "A", 0x0B, 0, 0);
	a->tcp = RDD_TCP_NOT_RUN;
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_TCP, RDD_STATUS_SKIPPED, NULL);
}

/* Name resolution failed: no attempts at all. */
static void
test_no_attempts(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_TCP, RDD_STATUS_SKIPPED, NULL);
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_SKIPPED, NULL);
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED, NULL);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_UNKNOWN);
	assert_int_equal(obs.nla_required, -1);
	assert_resolve_untouched(&obs);
}

static void
test_x224_timeout(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a;

	(void)state;
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RDD_X224_TIMEOUT, 0);
	a->x224_ms = 5000.0;
	snprintf(a->x224_detail, sizeof(a->x224_detail),
	         "no Connection Confirm within 5.0 s (no bytes received)");
	add(&obs, "B", 0x01, RDD_X224_TIMEOUT, 0);
	add(&obs, "C", 0x00, RDD_X224_TIMEOUT, 0);
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_TCP, RDD_STATUS_OK, NULL);
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_TIMEOUT,
	             "no Connection Confirm within 5.0 s (no bytes received)");
	assert_true(obs.phases[RDD_PHASE_X224].ms == 5000.0);
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED,
	             "negotiation failed");
	assert_int_equal(obs.security_layer, RDD_SECLAYER_UNKNOWN);
	assert_int_equal(obs.nla_required, -1);
}

/* Windows XP / 2003: no negotiation data on any connection. */
static void
test_legacy(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, LEGACY, 0);
	add(&obs, "B", 0x01, LEGACY, 0);
	add(&obs, "C", 0x00, LEGACY, 0);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_RDP);
	assert_int_equal(obs.nla_required, 0);
	assert_phase(
	    &obs, RDD_PHASE_X224, RDD_STATUS_OK,
	    "Connection Confirm without negotiation data (pre-Vista server)");
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED,
	             "server selected standard RDP security");
}

/* One legacy answer is enough, whatever the others did. */
static void
test_legacy_on_one(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, RDD_X224_RESET, 0);
	add(&obs, "B", 0x01, RDD_X224_RESET, 0);
	add(&obs, "C", 0x00, LEGACY, 0);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_RDP);
	assert_int_equal(obs.nla_required, 0);
}

static void
test_not_rdp(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a;
	static const char *labels[] = {"A", "B", "C"};
	size_t i;

	(void)state;
	fresh(&obs);
	for (i = 0; i < 3; i++) {
		a = add(&obs, labels[i], 0, RDD_X224_NOT_RDP, 0);
		snprintf(a->x224_detail, sizeof(a->x224_detail),
		         "SSH banner: SSH-2.0-OpenSSH_9.2");
	}
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_FAILED,
	             "SSH banner: SSH-2.0-OpenSSH_9.2");
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED,
	             "negotiation failed");
	assert_int_equal(obs.security_layer, RDD_SECLAYER_UNKNOWN);
	assert_int_equal(obs.nla_required, -1);
}

static void
test_x224_failed_details(void **state)
{
	static const struct {
		enum rdd_x224_outcome o;
		const char *detail;
	} cases[] = {
	    {RDD_X224_CLOSED, "server closed the connection before a "
	                      "Connection Confirm (no bytes received)"},
	    {RDD_X224_RESET, "connection reset by the server before a "
	                     "Connection Confirm (no bytes received)"},
	    {RDD_X224_MALFORMED, "X.224 Disconnect Request instead of a "
	                         "Connection Confirm (TPKT of 11 bytes)"},
	};
	struct rdd_observation obs;
	struct rdd_attempt *a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fresh(&obs);
		a = add(&obs, "A", 0x0B, cases[i].o, 0);
		snprintf(a->x224_detail, sizeof(a->x224_detail), "%s",
		         cases[i].detail);
		rdd_plan_conclude(&obs);
		assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_FAILED,
		             cases[i].detail);
		/* Without a detail of its own, still a useful line. */
		a->x224_detail[0] = '\0';
		rdd_plan_conclude(&obs);
		assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_FAILED, NULL);
		assert_true(strlen(obs.phases[RDD_PHASE_X224].detail) > 0);
	}
}

static void
test_tls_failures(void **state)
{
	static const struct {
		enum rdd_tls_outcome o;
		enum rdd_status st;
		const char *detail;
	} cases[] = {
	    {RDD_TLS_ALERT, RDD_STATUS_FAILED,
	     "fatal alert handshake_failure (40)"},
	    {RDD_TLS_CLOSED, RDD_STATUS_FAILED,
	     "server closed the connection after the ClientHello, "
	     "before any answer"},
	    {RDD_TLS_RESET, RDD_STATUS_FAILED,
	     "connection reset by the server after the ClientHello, "
	     "before any answer"},
	    {RDD_TLS_NOT_TLS, RDD_STATUS_FAILED,
	     "server answered the ClientHello with bytes that are not "
	     "TLS: 03 00 00 0b 06"},
	    {RDD_TLS_ERROR, RDD_STATUS_FAILED, "OpenSSL: unsupported protocol"},
	    {RDD_TLS_TIMEOUT, RDD_STATUS_TIMEOUT,
	     "TLS handshake not complete within 5.0 s (0 bytes "
	     "received)"},
	};
	struct rdd_observation obs;
	struct rdd_attempt *a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fresh(&obs);
		a = add(&obs, "A", 0x0B, RSP, HYBRID_EX);
		a->tls = cases[i].o;
		a->tls_start_ms = 6.0;
		a->tls_ms = 1.5;
		snprintf(a->tls_detail, sizeof(a->tls_detail), "%s",
		         cases[i].detail);
		add(&obs, "B", 0x01, FAIL(5), 0);
		add(&obs, "C", 0x00, FAIL(5), 0);
		rdd_plan_conclude(&obs);
		assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_OK, NULL);
		assert_phase(&obs, RDD_PHASE_TLS, cases[i].st, cases[i].detail);
		assert_true(obs.phases[RDD_PHASE_TLS].start_ms == 6.0);
		assert_true(obs.phases[RDD_PHASE_TLS].ms == 1.5);
		/* The handshake failing does not change the negotiation. */
		assert_int_equal(obs.security_layer, RDD_SECLAYER_TLS);
		assert_int_equal(obs.nla_required, 1);
	}
}

/* Attempts found by label, whatever their order; phases from A. */
static void
test_order_by_label(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a;

	(void)state;
	fresh(&obs);
	add(&obs, "C", 0x00, RSP, RDP);
	a = add(&obs, "A", 0x0B, RSP, SSL);
	tls_ok(&obs, a, "TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA");
	add(&obs, "B", 0x01, RSP, SSL);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_NEGOTIATE);
	assert_int_equal(obs.nla_required, 0);
	assert_phase(&obs, RDD_PHASE_X224, RDD_STATUS_OK,
	             "selected SSL (flags 0x1f)");
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_OK,
	             "TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA");
}

/* xrdp-style fallback: RDP selected on A (asked 0x0B) alone. */
/* A TLS server whose Connect-Response was rt-successful on A. */
static void
tls_server_with_mcs(struct rdd_observation *obs)
{
	struct rdd_attempt *a;

	fresh(obs);
	a = add(obs, "A", 0x0B, RSP, SSL);
	tls_ok(obs, a, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	a->mcs_wanted = true;
	a->mcs = RDD_MCS_OK;
	a->mcs_result = 0;
	a->mcs_start_ms = 12;
	a->mcs_ms = 2;
	snprintf(a->mcs_detail, sizeof(a->mcs_detail),
	         "Connect-Response rt-successful");
	add(obs, "B", 0x01, RSP, SSL);
	add(obs, "C", 0x00, FAIL(1), 0);
}

/* Add a step of the walk at AT. */
static void
step(struct rdd_session_info *s, enum rdd_session_step st, enum rdd_phase phase,
     double at)
{
	s->events[s->n_events].step = st;
	s->events[s->n_events].phase = phase;
	s->events[s->n_events++].at_ms = at;
}

/* The walk's phases: mcs to the last join, licensing from Client Info to
 * the valid client, activation to the Font Map. */
static void
test_session_phases(void **state)
{
	struct rdd_observation obs;
	struct rdd_session_info *s = &obs.session;

	(void)state;
	tls_server_with_mcs(&obs);
	snprintf(s->attempt, sizeof(s->attempt), "A");
	s->outcome = RDD_SESSION_ACTIVATED;
	s->phase = RDD_PHASE_ACTIVATION;
	s->start_ms = 14;
	s->end_ms = 30;
	s->user_channel = 1007;
	s->io_channel = 1003;
	s->licensing = RDD_LICENSING_REQUEST_VALID;
	snprintf(s->detail, sizeof(s->detail), "activation complete");
	step(s, RDD_STEP_ERECT_DOMAIN, RDD_PHASE_MCS, 14);
	step(s, RDD_STEP_JOIN_IO, RDD_PHASE_MCS, 17);
	step(s, RDD_STEP_CLIENT_INFO, RDD_PHASE_LICENSING, 17);
	step(s, RDD_STEP_LICENSE_VALID, RDD_PHASE_LICENSING, 22);
	step(s, RDD_STEP_DEMAND_ACTIVE, RDD_PHASE_ACTIVATION, 22);
	step(s, RDD_STEP_FONT_MAP, RDD_PHASE_ACTIVATION, 29);
	step(s, RDD_STEP_DISCONNECT, RDD_PHASE_ACTIVATION, 29);
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_MCS, RDD_STATUS_OK,
	             "Connect-Response rt-successful; channels joined: user "
	             "1007, I/O 1003");
	assert_true(obs.phases[RDD_PHASE_MCS].start_ms == 12);
	assert_true(obs.phases[RDD_PHASE_MCS].ms == 5);
	assert_phase(&obs, RDD_PHASE_LICENSING, RDD_STATUS_OK, "request_valid");
	assert_true(obs.phases[RDD_PHASE_LICENSING].start_ms == 17);
	assert_true(obs.phases[RDD_PHASE_LICENSING].ms == 5);
	assert_phase(&obs, RDD_PHASE_ACTIVATION, RDD_STATUS_OK,
	             "activation complete");
	assert_true(obs.phases[RDD_PHASE_ACTIVATION].ms == 7);

	/* Refused in licensing: licensing failed, activation skipped. */
	s->outcome = RDD_SESSION_ERROR_INFO;
	s->phase = RDD_PHASE_LICENSING;
	s->n_events = 3;
	snprintf(s->detail, sizeof(s->detail), "Set Error Info 0x00000007");
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_LICENSING, RDD_STATUS_FAILED,
	             "Set Error Info 0x00000007");
	assert_true(obs.phases[RDD_PHASE_LICENSING].ms == 13);
	assert_phase(&obs, RDD_PHASE_ACTIVATION, RDD_STATUS_SKIPPED,
	             "the licensing phase did not complete");

	/* A timeout in the joins: the mcs phase times out. */
	s->outcome = RDD_SESSION_TIMEOUT;
	s->phase = RDD_PHASE_MCS;
	s->n_events = 1;
	snprintf(s->detail, sizeof(s->detail), "no Attach User Confirm");
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_MCS, RDD_STATUS_TIMEOUT,
	             "no Attach User Confirm");
	assert_phase(&obs, RDD_PHASE_LICENSING, RDD_STATUS_SKIPPED,
	             "the mcs phase did not complete");

	/* Stopped where asked: ok, and the rest not verified. */
	s->outcome = RDD_SESSION_STOPPED;
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_MCS, RDD_STATUS_OK,
	             "Connect-Response rt-successful; channels joined: user "
	             "1007, I/O 1003");
	assert_phase(&obs, RDD_PHASE_ACTIVATION, RDD_STATUS_SKIPPED,
	             "not verified: stopped after mcs, as asked "
	             "(--stop-after)");

	/* At a licence challenge: licensing ok, activation not verified. */
	s->phase = RDD_PHASE_LICENSING;
	s->licensing = RDD_LICENSING_CHALLENGE_NOT_TAKEN;
	s->n_events = 3;
	snprintf(s->detail, sizeof(s->detail), "a licence would be issued");
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_LICENSING, RDD_STATUS_OK,
	             "a licence would be issued");
	assert_phase(&obs, RDD_PHASE_ACTIVATION, RDD_STATUS_SKIPPED,
	             "not verified: stopped at the licence challenge (a check "
	             "takes no licence unless asked: --licensing full)");
}

/* Behind NLA, without credentials: licensing and activation present,
 * not verified; without a walk past MCS: not verified either. */
static void
test_session_not_verified(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a;

	(void)state;
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, HYBRID);
	tls_ok(&obs, a, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	add(&obs, "B", 0x01, FAIL(5), 0);
	add(&obs, "C", 0x00, FAIL(5), 0);
	rdd_plan_conclude(&obs);
	assert_false(obs.phases[RDD_PHASE_MCS].present);
	assert_phase(&obs, RDD_PHASE_LICENSING, RDD_STATUS_SKIPPED,
	             "not verified: the server requires NLA, and a logon needs "
	             "credentials (none were given)");
	assert_phase(&obs, RDD_PHASE_ACTIVATION, RDD_STATUS_SKIPPED,
	             "not verified: the server requires NLA, and a logon needs "
	             "credentials (none were given)");

	tls_server_with_mcs(&obs);
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_MCS, RDD_STATUS_OK,
	             "Connect-Response rt-successful");
	assert_phase(&obs, RDD_PHASE_ACTIVATION, RDD_STATUS_SKIPPED,
	             "not verified: the connection sequence was not walked "
	             "past the Connect-Response");
}

/* The walk of the default client's path: A's, or C's when mstsc falls
 * back to standard RDP security. */
static void
test_session_merge(void **state)
{
	struct rdd_observation obs;
	struct rdd_session_info by[RDD_MAX_ATTEMPTS];

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, FAIL(2), 0);
	add(&obs, "B", 0x01, FAIL(2), 0);
	add(&obs, "C", 0x00, RSP, RDP);
	memset(by, 0, sizeof(by));
	by[2].outcome = RDD_SESSION_ACTIVATED;
	snprintf(by[2].attempt, sizeof(by[2].attempt), "C");
	assert_true(rdd_plan_c_walks(&obs));
	rdd_plan_session_merge(&obs, by);
	assert_string_equal(obs.session.attempt, "C");
	/* A selected something: A's walk, even when C walked too. */
	fresh(&obs);
	add(&obs, "A", 0x0B, RSP, SSL);
	add(&obs, "C", 0x00, RSP, RDP);
	by[0].outcome = RDD_SESSION_TIMEOUT;
	snprintf(by[0].attempt, sizeof(by[0].attempt), "A");
	by[1].outcome = RDD_SESSION_ACTIVATED;
	assert_false(rdd_plan_c_walks(&obs));
	rdd_plan_session_merge(&obs, by);
	assert_string_equal(obs.session.attempt, "A");
	assert_int_equal(obs.session.outcome, RDD_SESSION_TIMEOUT);
}

static void
test_fallback_selection(void **state)
{
	struct rdd_observation obs;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, RSP, RDP);
	add(&obs, "B", 0x01, RSP, SSL);
	add(&obs, "C", 0x00, RDD_X224_TIMEOUT, 0);
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.security_layer, RDD_SECLAYER_NEGOTIATE);
	assert_int_equal(obs.nla_required, 0);
	assert_phase(&obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED,
	             "server selected standard RDP security");
}

/* ---- MCS ----------------------------------------------------------------- */

/* The attempt's MCS ended with O (result, method, level); times 5.0 and
 * 1.25 ms. */
static void
mcs_done(struct rdd_attempt *a, enum rdd_mcs_outcome o, int result,
         uint32_t method, uint32_t level, const char *detail)
{
	a->mcs_wanted = true;
	if (a->encryption_methods == 0)
		a->encryption_methods = 0x1b;
	a->mcs = o;
	a->mcs_result = result;
	a->mcs_encryption_method = method;
	a->mcs_encryption_level = level;
	a->mcs_start_ms = 5.0;
	a->mcs_ms = 1.25;
	snprintf(a->mcs_detail, sizeof(a->mcs_detail), "%s", detail);
}

static void
test_entries_mcs(void **state)
{
	struct rdd_plan_entry e[8];

	(void)state;
	assert_int_equal(rdd_plan_entries(e, 8), 3);
	assert_true(e[0].mcs);
	assert_int_equal(e[0].encryption_methods, 0x1b);
	assert_false(e[1].mcs);
	assert_true(e[2].mcs);
	assert_int_equal(e[2].encryption_methods, 0x1b);
	assert_false(rdd_plan_is_encryption_probe("A"));
	assert_false(rdd_plan_is_encryption_probe("E"));
	assert_false(rdd_plan_is_encryption_probe(NULL));
	assert_true(rdd_plan_is_encryption_probe("E40"));
	assert_true(rdd_plan_is_encryption_probe("EFIPS"));
}

/* The encryption probes are due once standard RDP security answered an
 * rt-successful Connect-Response, and only once. */
static void
test_encryption_probes(void **state)
{
	static const struct {
		const char *label;
		uint32_t method;
	} want[] = {
	    {"E40", 0x01}, {"E56", 0x08}, {"E128", 0x02}, {"EFIPS", 0x10}};
	struct rdd_observation obs;
	struct rdd_plan_entry e[8];
	struct rdd_attempt *a, *c;
	size_t i;

	(void)state;
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, SSL);
	mcs_done(a, RDD_MCS_OK, 0, 0, 0, "TLS"); /* not standard security */
	add(&obs, "B", 0x01, RSP, SSL);
	assert_false(rdd_plan_encryption_probes_coming(&obs));
	c = add(&obs, "C", 0x00, RSP, RDP);
	assert_int_equal(rdd_plan_encryption_probes(&obs, e, 8), 0);
	/* Standard RDP security selected, its MCS Connect to come: the
	 * probes may follow (the path samples keep out of their way). */
	assert_true(rdd_plan_encryption_probes_coming(&obs));
	mcs_done(c, RDD_MCS_OK, 15, 0, 0, "refused");
	assert_int_equal(rdd_plan_encryption_probes(&obs, e, 8), 0);
	assert_false(rdd_plan_encryption_probes_coming(&obs));
	mcs_done(c, RDD_MCS_DISCONNECTED, -1, 0, 0, "DPUM");
	assert_int_equal(rdd_plan_encryption_probes(&obs, e, 8), 0);
	assert_false(rdd_plan_encryption_probes_coming(&obs));
	mcs_done(c, RDD_MCS_OK, 0, 0x02, 3, "ok");
	assert_int_equal(rdd_plan_encryption_probes(&obs, e, 8), 4);
	assert_true(rdd_plan_encryption_probes_coming(&obs));
	assert_false(rdd_plan_encryption_probes_coming(NULL));
	for (i = 0; i < 4; i++) {
		assert_string_equal(e[i].label, want[i].label);
		assert_int_equal(e[i].requested, RDP);
		assert_false(e[i].tls);
		assert_false(e[i].credssp);
		assert_true(e[i].mcs);
		assert_int_equal(e[i].encryption_methods, want[i].method);
	}
	assert_int_equal(rdd_plan_encryption_probes(&obs, e, 2), 2);
	assert_int_equal(rdd_plan_encryption_probes(&obs, NULL, 8), 0);
	assert_int_equal(rdd_plan_encryption_probes(NULL, e, 8), 0);
	/* Opened: not again. */
	add(&obs, "E40", 0x00, RSP, RDP);
	assert_int_equal(rdd_plan_encryption_probes(&obs, e, 8), 0);
	assert_false(rdd_plan_encryption_probes_coming(&obs));

	/* A pre-Vista server: a Connection Confirm without negotiation data
	 * is standard RDP security too. */
	fresh(&obs);
	a = add(&obs, "A", 0x0B, LEGACY, 0);
	assert_true(rdd_plan_encryption_probes_coming(&obs));
	mcs_done(a, RDD_MCS_OK, 0, 0x08, 2, "ok");
	assert_int_equal(rdd_plan_encryption_probes(&obs, e, 8), 4);
}

static void
test_mcs_merge(void **state)
{
	struct rdd_mcs_info by[RDD_MAX_ATTEMPTS];
	struct rdd_observation obs;
	size_t i;

	(void)state;
	fresh(&obs);
	add(&obs, "A", 0x0B, RSP, SSL);
	add(&obs, "B", 0x01, RSP, SSL);
	add(&obs, "C", 0x00, RSP, RDP);
	add(&obs, "A2", 0x0B, RSP, SSL);
	memset(by, 0, sizeof(by));
	for (i = 0; i < RDD_MAX_ATTEMPTS; i++) {
		by[i].result = -1;
		snprintf(by[i].attempt, sizeof(by[i].attempt), "%zu", i);
	}
	/* Nothing ran: obs->mcs stays as initialised. */
	rdd_plan_mcs_merge(&obs, by);
	assert_int_equal(obs.mcs.outcome, RDD_MCS_NOT_RUN);
	assert_int_equal(obs.mcs.result, -1);
	/* C refused, nothing else: C's. */
	by[2].outcome = RDD_MCS_DISCONNECTED;
	rdd_plan_mcs_merge(&obs, by);
	assert_string_equal(obs.mcs.attempt, "2");
	/* A2 ran: before a failed C. */
	by[3].outcome = RDD_MCS_OK;
	by[3].result = 0;
	rdd_plan_mcs_merge(&obs, by);
	assert_string_equal(obs.mcs.attempt, "3");
	/* A ran: before A2. */
	by[0].outcome = RDD_MCS_TIMEOUT;
	rdd_plan_mcs_merge(&obs, by);
	assert_string_equal(obs.mcs.attempt, "0");
	/* C succeeded: standard RDP security's answer tells the most. */
	by[2].outcome = RDD_MCS_OK;
	by[2].result = 0;
	by[2].encryption_level = 3;
	rdd_plan_mcs_merge(&obs, by);
	assert_string_equal(obs.mcs.attempt, "2");
	assert_int_equal(obs.mcs.encryption_level, 3);
	rdd_plan_mcs_merge(NULL, by);
	rdd_plan_mcs_merge(&obs, NULL);
	assert_string_equal(obs.mcs.attempt, "2");
}

/* The mcs phase is A's; with A refused SSL_NOT_ALLOWED_BY_SERVER, C's. */
static void
test_mcs_phase(void **state)
{
	static const struct {
		enum rdd_mcs_outcome o;
		int result;
		enum rdd_status want;
	} t[] = {
	    {RDD_MCS_OK, 0, RDD_STATUS_OK},
	    {RDD_MCS_OK, 14, RDD_STATUS_FAILED},
	    {RDD_MCS_DISCONNECTED, -1, RDD_STATUS_FAILED},
	    {RDD_MCS_CLOSED, -1, RDD_STATUS_FAILED},
	    {RDD_MCS_RESET, -1, RDD_STATUS_FAILED},
	    {RDD_MCS_MALFORMED, -1, RDD_STATUS_FAILED},
	    {RDD_MCS_ERROR, -1, RDD_STATUS_FAILED},
	    {RDD_MCS_TIMEOUT, -1, RDD_STATUS_TIMEOUT},
	};
	struct rdd_observation obs;
	struct rdd_attempt *a, *c;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		fresh(&obs);
		a = add(&obs, "A", 0x0B, RSP, RDP);
		mcs_done(a, t[i].o, t[i].result, 2, 3, "what A saw");
		add(&obs, "B", 0x01, RSP, RDP);
		c = add(&obs, "C", 0x00, RSP, RDP);
		mcs_done(c, RDD_MCS_OK, 0, 2, 3, "what C saw");
		rdd_plan_conclude(&obs);
		assert_phase(&obs, RDD_PHASE_MCS, t[i].want, "what A saw");
		assert_true(obs.phases[RDD_PHASE_MCS].start_ms == 5.0);
		assert_true(obs.phases[RDD_PHASE_MCS].ms == 1.25);
	}

	/* SSL, TLS, then MCS inside it. */
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, SSL);
	tls_ok(&obs, a, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	mcs_done(a, RDD_MCS_OK, 0, 0, 0, "Enhanced");
	add(&obs, "B", 0x01, RSP, SSL);
	add(&obs, "C", 0x00, FAIL(1), 0);
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_MCS, RDD_STATUS_OK, "Enhanced");

	/* SSL selected, the handshake failed: MCS skipped. */
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, SSL);
	a->mcs_wanted = true;
	a->tls = RDD_TLS_ALERT;
	add(&obs, "B", 0x01, RSP, SSL);
	add(&obs, "C", 0x00, FAIL(1), 0);
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_MCS, RDD_STATUS_SKIPPED,
	             "the TLS handshake did not complete");

	/* HYBRID: CredSSP, not MCS, is next; C's MCS is not the client's. */
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, HYBRID);
	a->mcs_wanted = true;
	tls_ok(&obs, a, "TLSv1.2", "AES");
	add(&obs, "B", 0x01, RSP, SSL);
	c = add(&obs, "C", 0x00, RSP, RDP);
	mcs_done(c, RDD_MCS_DISCONNECTED, -1, 0, 0, "C dropped");
	rdd_plan_conclude(&obs);
	assert_false(obs.phases[RDD_PHASE_MCS].present);

	/* Windows that allows standard RDP security only: mstsc retries
	 * with it, so C's MCS is the client's. */
	fresh(&obs);
	add(&obs, "A", 0x0B, FAIL(2), 0);
	add(&obs, "B", 0x01, FAIL(2), 0);
	c = add(&obs, "C", 0x00, RSP, RDP);
	mcs_done(c, RDD_MCS_OK, 0, 2, 3, "C's answer");
	rdd_plan_conclude(&obs);
	assert_phase(&obs, RDD_PHASE_MCS, RDD_STATUS_OK,
	             "C's answer (connection C, standard RDP security)");

	/* Without MCS on the path: no phase. */
	fresh(&obs);
	add(&obs, "A", 0x0B, RSP, RDP);
	rdd_plan_conclude(&obs);
	assert_false(obs.phases[RDD_PHASE_MCS].present);
}

/* What the encryption probes found: xrdp High (offered 40-bit alone, it
 * answers 128-bit), a dropped 56-bit, a timed-out FIPS; and xrdp Low. */
static void
test_accepted_methods(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a, *e;

	(void)state;
	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, RDP);
	mcs_done(a, RDD_MCS_OK, 0, 2, 3, "ok");
	add(&obs, "B", 0x01, RSP, RDP);
	add(&obs, "C", 0x00, RSP, RDP);
	e = add(&obs, "E40", 0x00, RSP, RDP);
	e->encryption_methods = 0x01;
	mcs_done(e, RDD_MCS_OK, 0, 0x02, 3, "128 anyway");
	e = add(&obs, "E56", 0x00, RSP, RDP);
	e->encryption_methods = 0x08;
	mcs_done(e, RDD_MCS_DISCONNECTED, -1, 0, 0, "dropped");
	e = add(&obs, "E128", 0x00, RSP, RDP);
	e->encryption_methods = 0x02;
	mcs_done(e, RDD_MCS_OK, 0, 0x02, 3, "ok");
	e = add(&obs, "EFIPS", 0x00, RSP, RDP);
	e->encryption_methods = 0x10;
	mcs_done(e, RDD_MCS_TIMEOUT, -1, 0, 0, "slow");
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.mcs.tested_encryption_methods, 0x0b);
	assert_int_equal(obs.mcs.n_accepted_encryption_methods, 1);
	assert_int_equal(obs.mcs.accepted_encryption_methods[0], 0x02);
	/* The probes do not change the phases or the security layer. */
	assert_phase(&obs, RDD_PHASE_MCS, RDD_STATUS_OK, "ok");
	assert_int_equal(obs.security_layer, RDD_SECLAYER_RDP);

	fresh(&obs);
	a = add(&obs, "A", 0x0B, RSP, RDP);
	mcs_done(a, RDD_MCS_OK, 0, 1, 1, "low");
	e = add(&obs, "E40", 0x00, RSP, RDP);
	mcs_done(e, RDD_MCS_OK, 0, 0x01, 1, "40");
	e = add(&obs, "E128", 0x00, RSP, RDP);
	mcs_done(e, RDD_MCS_OK, 0, 0x01, 1, "40 anyway");
	rdd_plan_conclude(&obs);
	assert_int_equal(obs.mcs.tested_encryption_methods, 0x03);
	assert_int_equal(obs.mcs.n_accepted_encryption_methods, 1);
	assert_int_equal(obs.mcs.accepted_encryption_methods[0], 0x01);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries),
	    cmocka_unit_test(test_credssp_phase),
	    cmocka_unit_test(test_credssp_phase_presence),
	    cmocka_unit_test(test_spnego_retry),
	    cmocka_unit_test(test_credssp_merge),
	    cmocka_unit_test(test_xrdp_rdp),
	    cmocka_unit_test(test_xrdp_tls),
	    cmocka_unit_test(test_xrdp_negotiate),
	    cmocka_unit_test(test_freerdp_nla),
	    cmocka_unit_test(test_windows_negotiate),
	    cmocka_unit_test(test_windows_rdp_only),
	    cmocka_unit_test(test_rdp_only_without_fallback),
	    cmocka_unit_test(test_nla_unknown),
	    cmocka_unit_test(test_a_ssl_means_no_nla),
	    cmocka_unit_test(test_c_failure_alone),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_tcp_timeout_and_unreachable),
	    cmocka_unit_test(test_no_attempts),
	    cmocka_unit_test(test_x224_timeout),
	    cmocka_unit_test(test_legacy),
	    cmocka_unit_test(test_legacy_on_one),
	    cmocka_unit_test(test_not_rdp),
	    cmocka_unit_test(test_x224_failed_details),
	    cmocka_unit_test(test_tls_failures),
	    cmocka_unit_test(test_order_by_label),
	    cmocka_unit_test(test_fallback_selection),
	    cmocka_unit_test(test_session_phases),
	    cmocka_unit_test(test_session_not_verified),
	    cmocka_unit_test(test_session_merge),
	    cmocka_unit_test(test_entries_mcs),
	    cmocka_unit_test(test_encryption_probes),
	    cmocka_unit_test(test_mcs_merge),
	    cmocka_unit_test(test_mcs_phase),
	    cmocka_unit_test(test_accepted_methods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
