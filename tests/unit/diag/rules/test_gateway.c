/*
 * test_gateway.c - lib/diag/rules/gateway.c: the RD Gateway in front of
 * the target: its certificate, the HTTP answers, each MS-TSGU refusal by
 * its code (both forms), CLOSE_CHANNEL, and the phases and native errors
 * the walk's record gives (rdd_gw_conclude, rdd_phase_error).
 */
#include "rdpdoctor/gateway.h"
#include "rules_harness.h"

/* A healthy target reached through a healthy gateway; then the walk ends
 * with OUTCOME at STEP (DETAIL), unless OUTCOME is OK. */
static struct rdd_gateway_info *
gw(enum rdd_gw_outcome outcome, enum rdd_gw_step step, const char *detail)
{
	struct rdd_gateway_info *g = &obs.gateway;

	healthy(&obs);
	memset(g, 0, sizeof(*g));
	g->present = true;
	snprintf(g->host, sizeof(g->host), "gw.example.com");
	g->port = 443;
	snprintf(g->address, sizeof(g->address), "192.0.2.1");
	snprintf(g->resource, sizeof(g->resource), "%s", obs.host);
	g->resource_port = 3389;
	snprintf(g->user, sizeof(g->user), "alice");
	snprintf(g->domain, sizeof(g->domain), "CORP");
	g->tls.present = true;
	g->tls.cert = obs.tls.cert;
	g->tls.cert.name_match = 1;
	g->tls.cert.trusted = 1;
	g->tls.cert.name_checked[0] = '\0';
	g->step = outcome == RDD_GW_OK ? RDD_GW_STEP_DATA : step;
	g->outcome = outcome;
	snprintf(g->detail, sizeof(g->detail), "%s", detail);
	if (outcome != RDD_GW_OK) {
		/* Nothing reached the target. */
		obs.n_attempts = 0;
		obs.tls.present = false;
		obs.tls.cert.present = false;
		memset(&obs.credssp, 0, sizeof(obs.credssp));
		memset(&obs.mcs, 0, sizeof(obs.mcs));
		rdd_session_info_init(&obs.session);
		for (int i = 0; i < RDD_PHASE_COUNT; i++)
			obs.phases[i].present = false;
	}
	rdd_gw_conclude(&obs);
	return g;
}

static const struct rdd_finding *
expect_at(const char *id, enum rdd_phase ph)
{
	const struct rdd_finding *f;

	diagnose(&obs, &diag);
	f = expect(&diag, id, RDD_SEV_CRITICAL);
	assert_int_equal(f->phase, ph);
	return f;
}

static void
test_gateway_healthy(void **state)
{
	(void)state;
	gw(RDD_GW_OK, RDD_GW_STEP_DATA, "channel open");
	diagnose(&obs, &diag);
	expect_none(&diag, "gateway-error");
	expect_none(&diag, "gateway-closed");
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_TLS].status,
	                 RDD_STATUS_OK);
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_CHANNEL].status,
	                 RDD_STATUS_OK);
	assert_false(obs.phases[RDD_PHASE_RESOLVE].present);
	assert_int_equal(obs.phases[RDD_PHASE_TCP].status, RDD_STATUS_OK);
	assert_has(obs.phases[RDD_PHASE_TCP].detail, "through the gateway");
}

static void
test_gateway_unreachable(void **state)
{
	struct rdd_gateway_info *g;
	struct rdd_phase_error e;
	const struct rdd_finding *f;

	(void)state;
	g = gw(RDD_GW_TCP_FAILED, RDD_GW_STEP_TCP,
	       "TCP to the gateway 192.0.2.1: connection refused");
	g->tcp = RDD_TCP_REFUSED;
	snprintf(g->tcp_errname, sizeof(g->tcp_errname), "ECONNREFUSED");
	g->tcp_errno = 111;
	g->tls.cert.present = false;
	f = expect_at("gateway-unreachable", RDD_PHASE_GATEWAY_TLS);
	assert_has(f->evidence, "refused");
	assert_int_equal(diag.failed_phase, RDD_PHASE_GATEWAY_TLS);
	assert_int_equal(rdd_phase_error(&obs, RDD_PHASE_GATEWAY_TLS, &e), 0);
	assert_string_equal(e.layer, "socket");
	assert_string_equal(e.name, "ECONNREFUSED");
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_HTTP].status,
	                 RDD_STATUS_SKIPPED);

	g = gw(RDD_GW_DNS_FAILED, RDD_GW_STEP_RESOLVE, "no such name");
	g->tls.cert.present = false;
	expect_at("gateway-unreachable", RDD_PHASE_GATEWAY_TLS);
	g = gw(RDD_GW_TIMEOUT, RDD_GW_STEP_TCP, "no answer to SYN");
	g->tls.cert.present = false;
	expect_at("gateway-unreachable", RDD_PHASE_GATEWAY_TLS);
}

static void
test_gateway_cert(void **state)
{
	struct rdd_gateway_info *g;
	const struct rdd_finding *f;

	(void)state;
	g = gw(RDD_GW_OK, RDD_GW_STEP_DATA, "");
	g->tls.cert.not_after = NOW - 3 * DAY;
	f = expect_at("gateway-cert-expired", RDD_PHASE_GATEWAY_TLS);
	assert_has(f->evidence, "gw.example.com");
	g->tls.cert.not_after = NOW + 300 * DAY;
	g->tls.cert.not_before = NOW + 2 * DAY;
	expect_at("gateway-cert-expired", RDD_PHASE_GATEWAY_TLS);

	g = gw(RDD_GW_OK, RDD_GW_STEP_DATA, "");
	g->tls.cert.name_match = 0;
	f = expect_at("gateway-cert-name-mismatch", RDD_PHASE_GATEWAY_TLS);
	assert_has(f->evidence, "gw.example.com");

	g = gw(RDD_GW_OK, RDD_GW_STEP_DATA, "");
	g->tls.cert.self_signed = true;
	f = expect_at("gateway-cert-untrusted", RDD_PHASE_GATEWAY_TLS);
	assert_has(f->evidence, "self-signed");
	g = gw(RDD_GW_OK, RDD_GW_STEP_DATA, "");
	g->tls.cert.trusted = 0;
	expect_at("gateway-cert-untrusted", RDD_PHASE_GATEWAY_TLS);
	/* The target's own certificate rules are not the gateway's. */
	expect_none(&diag, "cert-untrusted");
}

/* The legacy transport's second connection (step http_in): its
 * failures in gateway-http with their native code, its certificate
 * judged when it is another one. */
static void
test_gateway_legacy_in(void **state)
{
	struct rdd_gateway_info *g;
	struct rdd_phase_error e;
	const struct rdd_finding *f;

	(void)state;
	g = gw(RDD_GW_TCP_FAILED, RDD_GW_STEP_HTTP_IN,
	       "TCP to the gateway 192.0.2.1 for the IN channel: refused");
	snprintf(g->transport, sizeof(g->transport), "legacy");
	g->status = 200;
	g->in_tcp = RDD_TCP_REFUSED;
	snprintf(g->in_tcp_errname, sizeof(g->in_tcp_errname), "ECONNREFUSED");
	g->in_tcp_errno = 111;
	f = expect_at("gateway-error", RDD_PHASE_GATEWAY_HTTP);
	assert_has(f->evidence, "IN channel");
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_TLS].status,
	                 RDD_STATUS_OK);
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_HTTP].status,
	                 RDD_STATUS_FAILED);
	assert_int_equal(rdd_phase_error(&obs, RDD_PHASE_GATEWAY_HTTP, &e), 0);
	assert_string_equal(e.layer, "socket");
	assert_string_equal(e.name, "ECONNREFUSED");

	g = gw(RDD_GW_TLS_FAILED, RDD_GW_STEP_HTTP_IN,
	       "TLS on the IN channel: alert handshake_failure");
	g->in_tcp = RDD_TCP_OK;
	g->in_tls_outcome = RDD_TLS_ALERT;
	g->in_alert_desc = 40;
	expect_at("gateway-error", RDD_PHASE_GATEWAY_HTTP);
	assert_int_equal(rdd_phase_error(&obs, RDD_PHASE_GATEWAY_HTTP, &e), 0);
	assert_string_equal(e.layer, "tls-alert");

	g = gw(RDD_GW_HTTP_STATUS, RDD_GW_STEP_HTTP_IN,
	       "HTTP 403 to RDG_IN_DATA");
	g->status = 403;
	g->in_status = 403;
	expect_at("gateway-forbidden", RDD_PHASE_GATEWAY_HTTP);
	assert_int_equal(rdd_phase_error(&obs, RDD_PHASE_GATEWAY_HTTP, &e), 0);
	assert_string_equal(e.layer, "http");

	g = gw(RDD_GW_TIMEOUT, RDD_GW_STEP_HTTP_IN,
	       "no TCP connection to the gateway for the IN channel");
	g->in_tcp = RDD_TCP_TIMEOUT;
	expect_at("gateway-error", RDD_PHASE_GATEWAY_HTTP);
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_HTTP].status,
	                 RDD_STATUS_TIMEOUT);

	/* Walked: the OUT certificate good, the IN one self-signed. */
	g = gw(RDD_GW_OK, RDD_GW_STEP_DATA, "");
	g->in_cert_differs = true;
	g->in_tls.present = true;
	g->in_tls.cert = g->tls.cert;
	g->in_tls.cert.self_signed = true;
	f = expect_at("gateway-cert-untrusted", RDD_PHASE_GATEWAY_TLS);
	assert_has(f->evidence, "IN channel");
}

static void
test_gateway_http(void **state)
{
	static const struct {
		unsigned status;
		const char *id;
	} rows[] = {
	    {403, "gateway-forbidden"},   {302, "gateway-forbidden"},
	    {501, "gateway-forbidden"},   {404, "gateway-not-found"},
	    {410, "gateway-not-found"},   {500, "gateway-unavailable"},
	    {503, "gateway-unavailable"}, {418, "gateway-error"},
	};
	struct rdd_gateway_info *g;
	struct rdd_phase_error e;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		g = gw(RDD_GW_HTTP_STATUS, RDD_GW_STEP_HTTP, "HTTP status");
		g->status = (uint16_t)rows[i].status;
		rdd_gw_conclude(&obs);
		expect_at(rows[i].id, RDD_PHASE_GATEWAY_HTTP);
		assert_int_equal(
		    rdd_phase_error(&obs, RDD_PHASE_GATEWAY_HTTP, &e), 0);
		assert_string_equal(e.layer, "http");
		assert_int_equal(e.code, rows[i].status);
	}
	g = gw(RDD_GW_AUTH_FAILED, RDD_GW_STEP_HTTP,
	       "401 after the NTLM AUTHENTICATE");
	g->status = 401;
	expect_at("gateway-auth-failed", RDD_PHASE_GATEWAY_HTTP);
	assert_has(diag.summary, "alice");
	gw(RDD_GW_AUTH_NO_CREDENTIALS, RDD_GW_STEP_HTTP, "401");
	expect_at("gateway-auth-failed", RDD_PHASE_GATEWAY_HTTP);
	assert_has(diag.summary, "no credentials");
	gw(RDD_GW_AUTH_KERBEROS, RDD_GW_STEP_HTTP, "401 offering Negotiate");
	expect_at("gateway-auth-kerberos-only", RDD_PHASE_GATEWAY_HTTP);
	gw(RDD_GW_RPC_ONLY, RDD_GW_STEP_HTTP, "404 then 401 on /rpc");
	expect_at("gateway-not-found", RDD_PHASE_GATEWAY_HTTP);
	assert_has(diag.summary, "RPC over HTTP");
	gw(RDD_GW_LEGACY_ONLY, RDD_GW_STEP_HTTP, "200 to the upgrade");
	expect_at("gateway-error", RDD_PHASE_GATEWAY_HTTP);
	gw(RDD_GW_TIMEOUT, RDD_GW_STEP_HTTP, "no answer");
	expect_at("gateway-error", RDD_PHASE_GATEWAY_HTTP);
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_HTTP].status,
	                 RDD_STATUS_TIMEOUT);
	/* No CHANNEL_RESPONSE in time: the gateway still connecting. */
	gw(RDD_GW_TIMEOUT, RDD_GW_STEP_CHANNEL, "no answer");
	expect_at("gateway-target-unreachable", RDD_PHASE_GATEWAY_CHANNEL);
	assert_has(diag.summary, "no answer from");
}

static void
test_gateway_refusals(void **state)
{
	static const struct {
		uint32_t code;
		enum rdd_gw_step step;
		const char *id;
		enum rdd_phase phase;
	} rows[] = {
	    {0x800759E9u, RDD_GW_STEP_HANDSHAKE, "gateway-capability-mismatch",
	     RDD_PHASE_GATEWAY_TUNNEL},
	    {0x800759DBu, RDD_GW_STEP_TUNNEL_AUTH,
	     "gateway-connection-policy-denied", RDD_PHASE_GATEWAY_TUNNEL},
	    {0x800759DAu, RDD_GW_STEP_CHANNEL, "gateway-resource-policy-denied",
	     RDD_PHASE_GATEWAY_CHANNEL},
	    {0x000059DAu, RDD_GW_STEP_CHANNEL, "gateway-resource-policy-denied",
	     RDD_PHASE_GATEWAY_CHANNEL},
	    {0x000059DDu, RDD_GW_STEP_CHANNEL, "gateway-target-unreachable",
	     RDD_PHASE_GATEWAY_CHANNEL},
	    {0x800759DDu, RDD_GW_STEP_CHANNEL, "gateway-target-unreachable",
	     RDD_PHASE_GATEWAY_CHANNEL},
	    {0x000059E6u, RDD_GW_STEP_TUNNEL_CREATE, "gateway-max-connections",
	     RDD_PHASE_GATEWAY_TUNNEL},
	    {0x800759F8u, RDD_GW_STEP_TUNNEL_CREATE, "gateway-error",
	     RDD_PHASE_GATEWAY_TUNNEL},
	    {0x800759D8u, RDD_GW_STEP_CHANNEL, "gateway-error",
	     RDD_PHASE_GATEWAY_CHANNEL},
	};
	struct rdd_gateway_info *g;
	struct rdd_phase_error e;
	const struct rdd_finding *f;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		g = gw(RDD_GW_REFUSED, rows[i].step, "refused");
		g->has_code = true;
		g->code = rows[i].code;
		f = expect_at(rows[i].id, rows[i].phase);
		assert_int_equal(diag.failed_phase, rows[i].phase);
		assert_int_equal(rdd_phase_error(&obs, rows[i].phase, &e), 0);
		assert_string_equal(e.layer, "hresult");
		assert_int_equal(e.code, rows[i].code);
		if (rows[i].code == 0x800759DAu) {
			/* The other name forms the policy may list. */
			assert_has(f->evidence, "FQDN");
			assert_has(f->evidence, "NetBIOS");
		}
	}
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_TUNNEL].status,
	                 RDD_STATUS_OK);
	assert_false(obs.phases[RDD_PHASE_TCP].present);
}

static void
test_gateway_closed(void **state)
{
	struct rdd_gateway_info *g;
	const struct rdd_finding *f;

	(void)state;
	g = gw(RDD_GW_OK, RDD_GW_STEP_DATA, "");
	g->close_channel = true;
	g->close_status = 0x4D4;
	g->bytes_received = 19;
	f = expect_at("gateway-closed", RDD_PHASE_GATEWAY_CHANNEL);
	assert_has(f->evidence, "0x000004D4");
	assert_has(f->evidence, "E_PROXY_CONNECTIONABORTED");
	gw(RDD_GW_CLOSED, RDD_GW_STEP_TUNNEL_AUTH,
	   "the gateway closed the connection without an answer");
	expect_at("gateway-closed", RDD_PHASE_GATEWAY_TUNNEL);
	gw(RDD_GW_MALFORMED, RDD_GW_STEP_HANDSHAKE, "not an MS-TSGU packet");
	expect_at("gateway-error", RDD_PHASE_GATEWAY_TUNNEL);
	gw(RDD_GW_TLS_FAILED, RDD_GW_STEP_TLS, "fatal alert");
	expect_at("gateway-error", RDD_PHASE_GATEWAY_TLS);
}

/* scan: a host not checked because its gateway failed for another: one
 * info finding naming that host, the verdict unknown, nothing else. */
static void
test_gateway_not_reached(void **state)
{
	struct rdd_gateway_info *g = &obs.gateway;
	const struct rdd_finding *f;

	(void)state;
	rdd_observation_init(&obs);
	snprintf(obs.host, sizeof(obs.host), "pc7.example.com");
	obs.port = 3389;
	g->present = true;
	snprintf(g->host, sizeof(g->host), "gw.example.com");
	g->port = 443;
	g->not_reached = true;
	snprintf(g->not_reached_by, sizeof(g->not_reached_by),
	         "pc1.example.com:3389");
	g->not_reached_step = RDD_GW_STEP_HTTP;
	g->not_reached_outcome = RDD_GW_AUTH_FAILED;
	for (int p = RDD_PHASE_GATEWAY_TLS; p <= RDD_PHASE_GATEWAY_CHANNEL;
	     p++) {
		obs.phases[p].present = true;
		obs.phases[p].status = RDD_STATUS_SKIPPED;
	}
	diagnose(&obs, &diag);
	f = expect(&diag, "gateway-not-reached", RDD_SEV_INFO);
	assert_has(f->evidence, "pc1.example.com:3389");
	assert_has(f->evidence, "auth_failed");
	assert_int_equal(diag.n_findings, 1);
	assert_int_equal(diag.status, RDD_VERDICT_UNKNOWN);
	assert_int_equal(diag.failed_phase, -1);
	assert_has(diag.summary, "Not checked");
	assert_has(diag.summary, "gw.example.com:443");
	expect_none(&diag, "gateway-auth-failed");
}

const struct CMUnitTest rules_gateway_tests[] = {
    cmocka_unit_test(test_gateway_not_reached),
    cmocka_unit_test(test_gateway_healthy),
    cmocka_unit_test(test_gateway_unreachable),
    cmocka_unit_test(test_gateway_cert),
    cmocka_unit_test(test_gateway_legacy_in),
    cmocka_unit_test(test_gateway_http),
    cmocka_unit_test(test_gateway_refusals),
    cmocka_unit_test(test_gateway_closed),
};
const size_t rules_gateway_n_tests = NELEM(rules_gateway_tests);
