/*
 * test_rules.c - rdd_diagnose(): the rules, their evidence, and the verdict.
 *
 * Every test builds a synthetic observation from a healthy one (a server
 * that accepts mstsc's SSL|HYBRID|HYBRID_EX request with HYBRID_EX, TLS
 * 1.2 and a valid CA certificate) and changes what the rule under test
 * reads. diagnose() checks the invariants of every diagnosis and records
 * which causes were emitted; the last test asserts that every cause the
 * table marks detectable was emitted by some test here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/diag.h"
#include "rdpdoctor/netpath.h"
#include "rdpdoctor/udpphase.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define DAY ((int64_t)86400)
/* 2023-11-14 22:13:20 UTC */
#define NOW ((int64_t)1700000000)

static bool emitted[RDD_CAUSE_COUNT];

/* ---- helpers ------------------------------------------------------------ */

static struct rdd_attempt *
add_attempt(struct rdd_observation *o, const char *label, uint32_t requested)
{
	struct rdd_attempt *a = &o->attempts[o->n_attempts++];

	memset(a, 0, sizeof(*a));
	snprintf(a->label, sizeof(a->label), "%s", label);
	a->requested = requested;
	snprintf(a->address, sizeof(a->address), "%s", o->address);
	a->tcp = RDD_TCP_OK;
	a->tcp_ms = 12;
	a->x224 = RDD_X224_RSP;
	a->selected = requested & RDD_PROTO_HYBRID_EX ? RDD_PROTO_HYBRID_EX
	              : requested & RDD_PROTO_HYBRID  ? RDD_PROTO_HYBRID
	              : requested & RDD_PROTO_SSL     ? RDD_PROTO_SSL
	                                              : RDD_PROTO_RDP;
	a->x224_ms = 9;
	return a;
}

/* A server every default client connects to without a remark. */
static void
healthy(struct rdd_observation *o)
{
	struct rdd_attempt *a;
	struct rdd_cert *cert = &o->tls.cert;
	int p;

	rdd_observation_init(o);
	snprintf(o->host, sizeof(o->host), "rdp.example");
	o->port = 3389;
	snprintf(o->addresses[0], sizeof(o->addresses[0]), "192.0.2.10");
	o->n_addresses = 1;
	snprintf(o->address, sizeof(o->address), "192.0.2.10");
	o->checked_at = NOW;
	o->timeout_s = 5;
	for (p = RDD_PHASE_RESOLVE; p <= RDD_PHASE_TLS; p++) {
		o->phases[p].present = true;
		o->phases[p].status = RDD_STATUS_OK;
		o->phases[p].ms = 10;
	}
	a = add_attempt(o, "A",
	                RDD_PROTO_SSL | RDD_PROTO_HYBRID | RDD_PROTO_HYBRID_EX);
	a->tls_wanted = true;
	a->tls = RDD_TLS_OK;
	a->tls_ms = 30;
	o->security_layer = RDD_SECLAYER_TLS;
	o->nla_required = 1;

	o->tls.present = true;
	snprintf(o->tls.attempt, sizeof(o->tls.attempt), "A");
	snprintf(o->tls.version, sizeof(o->tls.version), "TLSv1.2");
	snprintf(o->tls.cipher, sizeof(o->tls.cipher),
	         "ECDHE-RSA-AES256-GCM-SHA384");
	cert->present = true;
	snprintf(cert->subject, sizeof(cert->subject), "CN=rdp.example");
	snprintf(cert->issuer, sizeof(cert->issuer), "CN=Example Issuing CA");
	snprintf(cert->common_name, sizeof(cert->common_name), "rdp.example");
	snprintf(cert->san[0], sizeof(cert->san[0]), "DNS:rdp.example");
	cert->n_san = 1;
	cert->not_before = NOW - 100 * DAY;
	cert->not_after = NOW + 300 * DAY;
	cert->self_signed = false;
	snprintf(cert->key_type, sizeof(cert->key_type), "RSA");
	cert->key_bits = 2048;
	snprintf(cert->signature, sizeof(cert->signature),
	         "sha256WithRSAEncryption");
	cert->name_match = 1;
	snprintf(cert->name_checked, sizeof(cert->name_checked), "rdp.example");
}

static struct rdd_attempt *
att(struct rdd_observation *o, const char *label)
{
	size_t i;

	for (i = 0; i < o->n_attempts; i++)
		if (strcmp(o->attempts[i].label, label) == 0)
			return &o->attempts[i];
	fail_msg("no attempt %s", label);
	return NULL;
}

/* Run the diagnosis, check what holds for every diagnosis, record causes. */
/*
 * client-side-suspect is present exactly when connection A reached the
 * server, no phase failed and nothing is critical; checked on every
 * diagnosis of every test. It is then the last finding (info, network).
 */
static void
check_client_side_suspect(const struct rdd_observation *o,
                          const struct rdd_diagnosis *out)
{
	bool want, have = false;
	size_t i;
	int p;

	want = o->n_attempts > 0 && o->attempts[0].tcp == RDD_TCP_OK;
	for (p = RDD_PHASE_RESOLVE; p < RDD_PHASE_COUNT; p++)
		if (o->phases[p].status == RDD_STATUS_FAILED ||
		    o->phases[p].status == RDD_STATUS_TIMEOUT)
			want = false;
	for (i = 0; i < out->n_findings; i++) {
		if (out->findings[i].severity == RDD_SEV_CRITICAL)
			want = false;
		if (out->findings[i].cause == RDD_CAUSE_CLIENT_SIDE_SUSPECT)
			have = true;
	}
	if (want != have)
		fail_msg("client-side-suspect %s, want %s",
		         have ? "present" : "absent",
		         want ? "present" : "absent");
}

/* Findings other than client-side-suspect (checked on every diagnosis). */
static size_t
n_server_findings(const struct rdd_diagnosis *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n_findings; i++)
		if (d->findings[i].cause != RDD_CAUSE_CLIENT_SIDE_SUSPECT)
			n++;
	return n;
}

static void
diagnose(const struct rdd_observation *o, struct rdd_diagnosis *out)
{
	struct rdd_observation copy = *o;
	static struct rdd_diagnosis again;
	size_t i;

	rdd_diagnose(o, out);
	/* Pure: the input is untouched and the output repeatable. */
	assert_memory_equal(&copy, o, sizeof(copy));
	rdd_diagnose(o, &again);
	assert_memory_equal(out, &again, sizeof(again));

	assert_true(out->n_findings <= RDD_MAX_FINDINGS);
	for (i = 0; i < out->n_findings; i++) {
		const struct rdd_finding *f = &out->findings[i];
		const struct rdd_cause_info *ci = rdd_cause_info(f->cause);

		assert_non_null(ci);
		if (ci->not_detectable != NULL)
			fail_msg("%s emitted but marked not detectable",
			         ci->id);
		assert_int_equal(f->phase, ci->phase);
		assert_true(strlen(f->evidence) > 0);
		assert_true(strlen(f->evidence) < RDD_EVIDENCE);
		emitted[f->cause] = true;
		if (i > 0) {
			const struct rdd_finding *p = &out->findings[i - 1];

			/* Sorted: severity down, then phase up. */
			assert_true(p->severity >= f->severity);
			if (p->severity == f->severity)
				assert_true(p->phase <= f->phase);
			/* One finding per id. */
		}
		{
			size_t j;

			for (j = 0; j < i; j++)
				assert_int_not_equal(out->findings[j].cause,
				                     f->cause);
		}
	}
	assert_true(strlen(out->summary) > 0);
	assert_int_equal(out->summary[strlen(out->summary) - 1], '.');
	check_client_side_suspect(o, out);
	if (out->n_findings > 0 &&
	    out->findings[0].severity == RDD_SEV_CRITICAL)
		assert_int_equal(out->status, RDD_VERDICT_CRITICAL);
	if (out->status == RDD_VERDICT_CRITICAL)
		assert_true(out->failed_phase >= 0);
	else
		assert_int_equal(out->failed_phase, -1);
}

static const struct rdd_finding *
find(const struct rdd_diagnosis *d, const char *id)
{
	int c = rdd_cause_from_id(id);
	size_t i;

	assert_true(c >= 0);
	for (i = 0; i < d->n_findings; i++)
		if ((int)d->findings[i].cause == c)
			return &d->findings[i];
	return NULL;
}

static const struct rdd_finding *
expect(const struct rdd_diagnosis *d, const char *id, enum rdd_severity sev)
{
	const struct rdd_finding *f = find(d, id);

	if (f == NULL)
		fail_msg("expected finding %s; summary: %s", id, d->summary);
	if (f->severity != sev)
		fail_msg("%s: severity %s, want %s", id,
		         rdd_severity_name(f->severity),
		         rdd_severity_name(sev));
	return f;
}

static void
expect_none(const struct rdd_diagnosis *d, const char *id)
{
	const struct rdd_finding *f = find(d, id);

	if (f != NULL)
		fail_msg("unexpected finding %s: %s", id, f->evidence);
}

#define assert_has(hay, needle)                                                \
	do {                                                                   \
		if (strstr((hay), (needle)) == NULL)                           \
			fail_msg("\"%s\" not in \"%s\"", (needle), (hay));     \
	} while (0)

static void
expect_only(const struct rdd_diagnosis *d, size_t n)
{
	if (n_server_findings(d) != n) {
		size_t i;

		for (i = 0; i < d->n_findings; i++)
			print_message("finding %s: %s\n",
			              rdd_cause_info(d->findings[i].cause)->id,
			              d->findings[i].evidence);
		fail_msg("%zu findings, want %zu", n_server_findings(d), n);
	}
}

static struct rdd_observation obs;
static struct rdd_diagnosis diag;

/* ---- healthy and unknown ------------------------------------------------- */

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
	assert_string_equal(diag.summary,
	                    "The server side is healthy; if a client still "
	                    "fails, look at the client (client-side-suspect).");
	f = expect(&diag, "client-side-suspect", RDD_SEV_INFO);
	assert_has(f->evidence, "every server-side phase reached without "
	                        "credentials passed (resolve 10.0 ms, tcp "
	                        "10.0 ms, x224 10.0 ms, tls 10.0 ms)");
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

/* ---- resolve ---------------------------------------------------------- */

static void
test_dns_failure(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	rdd_observation_init(&obs);
	snprintf(obs.host, sizeof(obs.host), "nosuch.example");
	obs.port = 3389;
	obs.checked_at = NOW;
	obs.phases[RDD_PHASE_RESOLVE].present = true;
	obs.phases[RDD_PHASE_RESOLVE].status = RDD_STATUS_FAILED;
	obs.phases[RDD_PHASE_RESOLVE].ms = 42;
	snprintf(obs.resolve_error, sizeof(obs.resolve_error),
	         "Name or service not known");
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "dns-failure", RDD_SEV_CRITICAL);
	assert_int_equal(f->phase, RDD_PHASE_RESOLVE);
	assert_has(f->evidence, "nosuch.example");
	assert_has(f->evidence, "42 ms");
	assert_has(f->evidence, "Name or service not known");
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	assert_int_equal(diag.failed_phase, RDD_PHASE_RESOLVE);
	assert_string_equal(
	    diag.summary,
	    "A default Windows client fails in phase resolve: nosuch.example "
	    "does not resolve (dns-failure).");
	assert_int_equal(rdd_verdict_exit_code(diag.status), 2);
}

static void
test_dns_timeout(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	rdd_observation_init(&obs);
	snprintf(obs.host, sizeof(obs.host), "slow.example");
	obs.phases[RDD_PHASE_RESOLVE].status = RDD_STATUS_TIMEOUT;
	obs.phases[RDD_PHASE_RESOLVE].ms = 5000;
	diagnose(&obs, &diag);
	f = expect(&diag, "dns-failure", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "timed out after 5000 ms");
	assert_int_equal(diag.failed_phase, RDD_PHASE_RESOLVE);
}

static void
test_dns_multiple_addresses(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	snprintf(obs.addresses[1], sizeof(obs.addresses[1]), "198.51.100.7");
	obs.n_addresses = 2;
	att(&obs, "A")->tcp = RDD_TCP_REFUSED;
	att(&obs, "A")->x224 = RDD_X224_NOT_RUN;
	att(&obs, "A")->tls = RDD_TLS_NOT_RUN;
	obs.tls.present = false;
	obs.tls.cert.present = false;
	obs.phases[RDD_PHASE_TCP].status = RDD_STATUS_FAILED;
	obs.phases[RDD_PHASE_X224].status = RDD_STATUS_SKIPPED;
	obs.phases[RDD_PHASE_TLS].status = RDD_STATUS_SKIPPED;
	snprintf(obs.alt[0].address, sizeof(obs.alt[0].address),
	         "198.51.100.7");
	obs.alt[0].tcp = RDD_TCP_OK;
	obs.alt[0].ms = 14;
	obs.n_alt = 1;
	diagnose(&obs, &diag);
	expect_only(&diag, 2);
	f = expect(&diag, "dns-multiple-addresses", RDD_SEV_WARNING);
	assert_has(f->evidence, "rdp.example resolves to 2 addresses");
	assert_has(f->evidence, "192.0.2.10 refused");
	assert_has(f->evidence, "198.51.100.7 ok in 14 ms");
	/* The critical finding leads. */
	assert_int_equal(diag.findings[0].cause, RDD_CAUSE_TCP_REFUSED);
	assert_int_equal(diag.findings[1].cause,
	                 RDD_CAUSE_DNS_MULTIPLE_ADDRESSES);
	assert_has(diag.summary, "also 1 warning: dns-multiple-addresses");

	/* Same outcome everywhere: nothing to say about DNS. */
	obs.alt[0].tcp = RDD_TCP_REFUSED;
	diagnose(&obs, &diag);
	expect_none(&diag, "dns-multiple-addresses");
	/* Alternatives not probed: nothing either. */
	obs.alt[0].tcp = RDD_TCP_NOT_RUN;
	diagnose(&obs, &diag);
	expect_none(&diag, "dns-multiple-addresses");
}

/* ---- tcp ------------------------------------------------------------------ */

static void
tcp_fails(enum rdd_tcp_outcome o, const char *err)
{
	struct rdd_attempt *a;

	healthy(&obs);
	a = att(&obs, "A");
	a->tcp = o;
	a->tcp_ms = o == RDD_TCP_TIMEOUT ? 5000 : 3;
	snprintf(a->tcp_error, sizeof(a->tcp_error), "%s", err);
	a->x224 = RDD_X224_NOT_RUN;
	a->tls = RDD_TLS_NOT_RUN;
	obs.tls.present = false;
	obs.tls.cert.present = false;
	obs.phases[RDD_PHASE_TCP].status =
	    o == RDD_TCP_TIMEOUT ? RDD_STATUS_TIMEOUT : RDD_STATUS_FAILED;
	obs.phases[RDD_PHASE_X224].status = RDD_STATUS_SKIPPED;
	obs.phases[RDD_PHASE_TLS].status = RDD_STATUS_SKIPPED;
	diagnose(&obs, &diag);
}

static void
test_tcp_refused(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	tcp_fails(RDD_TCP_REFUSED, "");
	expect_only(&diag, 1);
	f = expect(&diag, "tcp-refused", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "RST");
	assert_has(f->evidence, "192.0.2.10:3389");
	assert_has(f->evidence, "3 ms");
	assert_int_equal(diag.failed_phase, RDD_PHASE_TCP);
	assert_string_equal(
	    diag.summary,
	    "A default Windows client fails in phase tcp: 192.0.2.10:3389 "
	    "refuses the connection (tcp-refused).");
}

static void
test_tcp_timeout(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	tcp_fails(RDD_TCP_TIMEOUT, "");
	expect_only(&diag, 1);
	f = expect(&diag, "tcp-timeout", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "no answer to SYN");
	assert_has(f->evidence, "5000 ms");
	assert_int_equal(diag.failed_phase, RDD_PHASE_TCP);
	assert_has(diag.summary, "fails in phase tcp");
	assert_has(diag.summary, "(tcp-timeout)");
}

static void
test_tcp_unreachable(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	tcp_fails(RDD_TCP_UNREACHABLE, "no route to host");
	expect_only(&diag, 1);
	f = expect(&diag, "tcp-unreachable", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "unreachable");
	assert_has(f->evidence, "no route to host");
	assert_has(diag.summary, "(tcp-unreachable)");
}

static void
test_tcp_error_mapping(void **state)
{
	static const struct {
		const char *err;
		const char *id;
	} cases[] = {
	    {"connection refused", "tcp-refused"},
	    {"ECONNREFUSED", "tcp-refused"},
	    {"connection reset by peer", "tcp-refused"},
	    {"operation timed out", "tcp-timeout"},
	    {"host is unreachable", "tcp-unreachable"},
	    {"network is unreachable", "tcp-unreachable"},
	    {"network is down", "tcp-unreachable"},
	    {"permission denied", "tcp-unreachable"},
	};
	const struct rdd_finding *f;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		tcp_fails(RDD_TCP_ERROR, cases[i].err);
		expect_only(&diag, 1);
		f = expect(&diag, cases[i].id, RDD_SEV_CRITICAL);
		/* The error text is always given. */
		assert_has(f->evidence, cases[i].err);
	}
}

static void
test_tcp_ipv6_endpoint(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	snprintf(obs.address, sizeof(obs.address), "2001:db8::10");
	snprintf(att(&obs, "A")->address, RDD_ADDR_STR, "2001:db8::10");
	att(&obs, "A")->tcp = RDD_TCP_REFUSED;
	att(&obs, "A")->x224 = RDD_X224_NOT_RUN;
	att(&obs, "A")->tls = RDD_TLS_NOT_RUN;
	obs.tls.cert.present = false;
	diagnose(&obs, &diag);
	f = expect(&diag, "tcp-refused", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "[2001:db8::10]:3389");
}

/* ---- x224 ----------------------------------------------------------------- */

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

/* ---- negotiation failures ------------------------------------------------ */

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
	    "The server side is healthy; 1 note: nego-hybrid-required; if a "
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

/* ---- NLA ------------------------------------------------------------------ */

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
	assert_string_equal(
	    diag.summary, "A default Windows client would connect; 1 warning: "
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

/* ---- TLS ------------------------------------------------------------------ */

static struct rdd_attempt *
tls_fails(enum rdd_tls_outcome o)
{
	struct rdd_attempt *a;

	healthy(&obs);
	a = att(&obs, "A");
	a->tls = o;
	a->tls_ms = o == RDD_TLS_TIMEOUT ? 5000 : 2;
	obs.tls.present = false;
	obs.tls.cert.present = false;
	obs.phases[RDD_PHASE_TLS].status =
	    o == RDD_TLS_TIMEOUT ? RDD_STATUS_TIMEOUT : RDD_STATUS_FAILED;
	return a;
}

static void
test_tls_reset(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	tls_fails(RDD_TLS_RESET);
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "tls-reset", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "reset (RST) right after the ClientHello, no "
	                        "alert");
	assert_has(f->evidence, "2 ms");
	assert_int_equal(diag.failed_phase, RDD_PHASE_TLS);
	assert_string_equal(
	    diag.summary,
	    "A default Windows client fails in phase tls: the server drops the "
	    "TLS handshake without an alert (tls-reset).");

	tls_fails(RDD_TLS_CLOSED);
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-reset", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "closed (FIN) right after the ClientHello");

	tls_fails(RDD_TLS_NOT_TLS);
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-reset", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "not TLS");
}

static void
test_tls_alert(void **state)
{
	struct rdd_attempt *a;
	const struct rdd_finding *f;

	(void)state;
	a = tls_fails(RDD_TLS_ALERT);
	a->alert_level = 2;
	a->alert_desc = 40;
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "tls-alert", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "fatal alert handshake_failure (40)");
	assert_has(diag.summary, "alert handshake_failure (40) (tls-alert)");

	a = tls_fails(RDD_TLS_ALERT);
	a->alert_level = 2;
	a->alert_desc = 70;
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-alert", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "fatal alert protocol_version (70)");

	/* Our side gave up: same cause, with OpenSSL's reason. */
	a = tls_fails(RDD_TLS_ERROR);
	snprintf(a->tls_detail, sizeof(a->tls_detail), "unsupported protocol");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-alert", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "unsupported protocol");
}

static void
test_tls_timeout(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	tls_fails(RDD_TLS_TIMEOUT);
	diagnose(&obs, &diag);
	expect_only(&diag, 1);
	f = expect(&diag, "tls-timeout", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "no complete ServerHello/Certificate flight "
	                        "within 5000 ms");
	assert_int_equal(diag.failed_phase, RDD_PHASE_TLS);
	assert_has(diag.summary, "(tls-timeout)");
}

/* ---- certificate ---------------------------------------------------------- */

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
	assert_string_equal(
	    diag.summary, "A default Windows client would connect; 1 warning: "
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

/* ---- verdict ------------------------------------------------------------ */

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
	assert_string_equal(
	    diag.summary, "A default Windows client would connect; 2 warnings: "
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

/* ---- credssp ------------------------------------------------------------ */

/* The healthy server with a CredSSP phase: version 6 and a CHALLENGE
 * whose clock agrees with ours. */
static void
credssp_healthy(struct rdd_observation *o)
{
	struct rdd_credssp_info *ci = &o->credssp;

	healthy(o);
	o->phases[RDD_PHASE_CREDSSP].present = true;
	o->phases[RDD_PHASE_CREDSSP].status = RDD_STATUS_OK;
	o->phases[RDD_PHASE_CREDSSP].ms = 3;
	ci->outcome = RDD_CREDSSP_OK;
	snprintf(ci->attempt, sizeof(ci->attempt), "A");
	ci->start_ms = 50;
	ci->ms = 3;
	snprintf(ci->detail, sizeof(ci->detail),
	         "version 6, NTLM CHALLENGE from RDP");
	ci->has_version = true;
	ci->server_version = 6;
	ci->ntlm.present = true;
	snprintf(ci->ntlm.dns_computer, sizeof(ci->ntlm.dns_computer), "RDP");
	ci->ntlm.has_time = true;
	ci->ntlm.time_at_ms = 53;
	ci->ntlm.server_time = NOW;
}

/* The credssp phase fails with OUTCOME. */
static struct rdd_credssp_info *
credssp_fails(enum rdd_credssp_outcome outcome, enum rdd_status st,
              const char *detail)
{
	struct rdd_credssp_info *ci = &obs.credssp;

	credssp_healthy(&obs);
	obs.phases[RDD_PHASE_CREDSSP].status = st;
	snprintf(obs.phases[RDD_PHASE_CREDSSP].detail, RDD_STR, "%s", detail);
	ci->outcome = outcome;
	snprintf(ci->detail, sizeof(ci->detail), "%s", detail);
	ci->has_version = false;
	memset(&ci->ntlm, 0, sizeof(ci->ntlm));
	return ci;
}

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

/* ---- evidence contract ------------------------------------------------- */

static void
test_evidence_raw_server_strings(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	obs.tls.cert.name_match = 0;
	snprintf(obs.tls.cert.common_name, RDD_STR, "evil\x1b[2J\xff");
	obs.tls.cert.n_san = 0;
	diagnose(&obs, &diag);
	f = expect(&diag, "cert-name-mismatch", RDD_SEV_WARNING);
	/* Copied as received; escaping is the report layer's job. */
	assert_has(f->evidence, "CN=evil\x1b[2J\xff");
}

static void
test_evidence_truncated(void **state)
{
	const struct rdd_finding *f;
	size_t i;

	(void)state;
	healthy(&obs);
	obs.tls.cert.name_match = 0;
	for (i = 0; i < RDD_MAX_SAN; i++) {
		memset(obs.tls.cert.san[i], 'a', RDD_STR - 1);
		memcpy(obs.tls.cert.san[i], "DNS:", 4);
		obs.tls.cert.san[i][RDD_STR - 1] = '\0';
	}
	obs.tls.cert.n_san = RDD_MAX_SAN;
	diagnose(&obs, &diag);
	f = expect(&diag, "cert-name-mismatch", RDD_SEV_WARNING);
	assert_int_equal(strlen(f->evidence), RDD_EVIDENCE - 1);
	assert_string_equal(f->evidence + RDD_EVIDENCE - 4, "...");
}

/* ---- mcs ----------------------------------------------------------------- */

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

/* ---- the path (phase network) ---------------------------------------------- */

/* Synthetic samples (RTTs in ms; <0: no answer within the timeout), then
 * the summary and phase as the runner makes them. */
static void
net_samples(struct rdd_observation *o, const double *rtt, size_t n)
{
	size_t i;

	o->net.present = true;
	o->net.n_requested = n;
	o->net.n_samples = n;
	for (i = 0; i < n; i++) {
		o->net.samples[i].start_ms = 10 + 100.0 * (double)i;
		o->net.samples[i].outcome =
		    rtt[i] < 0 ? RDD_SAMPLE_TIMEOUT : RDD_SAMPLE_OK;
		o->net.samples[i].rtt_ms = rtt[i] < 0 ? 5000 : rtt[i];
	}
	rdd_net_summarize(&o->net, 5000);
	rdd_net_conclude(o);
}

static void
test_net_clean_path(void **state)
{
	static const double rtt[] = {1.2, 0.9, 1.1, 1.0, 1.3};

	(void)state;
	healthy(&obs);
	net_samples(&obs, rtt, 5);
	diagnose(&obs, &diag);
	expect_none(&diag, "net-high-latency");
	expect_none(&diag, "net-jitter");
	expect_none(&diag, "net-packet-loss");
	expect_none(&diag, "net-mtu-blackhole");
	assert_int_equal(obs.phases[RDD_PHASE_NETWORK].status, RDD_STATUS_OK);
	assert_has(obs.phases[RDD_PHASE_NETWORK].detail,
	           "5 of 5 handshakes answered");
}

static void
test_net_latency_loss(void **state)
{
	/* 150 ms added, one SYN lost (a 1 s step), one sample lost twice. */
	static const double rtt[] = {151, 152, 1153, 150.5, -1, 151.5};
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	net_samples(&obs, rtt, 6);
	diagnose(&obs, &diag);
	f = expect(&diag, "net-high-latency", RDD_SEV_WARNING);
	assert_has(f->evidence, "median RTT 151.5 ms over 5 TCP handshakes "
	                        "(min 150.5, p95 153.0 ms; threshold 150 ms)");
	f = expect(&diag, "net-packet-loss", RDD_SEV_WARNING);
	/* 1 lost of 2 (the step), 3 of 3 (the timeout: SYNs at 0, 1, 3 s
	 * before 5 s), 0 of 1 for the four others: 4 of 9. */
	assert_has(f->evidence, "4 of 9 SYN exchanges lost (44.4%)");
	expect_none(&diag, "net-jitter");
	/* Nothing failed: a warning, not a failure. */
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);
}

static void
test_net_jitter(void **state)
{
	static const double rtt[] = {20, 120, 25, 140, 30};
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	net_samples(&obs, rtt, 5);
	diagnose(&obs, &diag);
	f = expect(&diag, "net-jitter", RDD_SEV_WARNING);
	/* |100| |95| |115| |110| / 4 = 105 */
	assert_has(f->evidence, "RTT varies by 105.0 ms");
	expect_none(&diag, "net-packet-loss");
	expect_none(&diag, "net-high-latency");
}

static void
test_net_all_lost_is_not_loss(void **state)
{
	static const double rtt[] = {-1, -1, -1};

	(void)state;
	healthy(&obs);
	net_samples(&obs, rtt, 3);
	diagnose(&obs, &diag);
	expect_none(&diag, "net-packet-loss");
	assert_int_equal(obs.phases[RDD_PHASE_NETWORK].status,
	                 RDD_STATUS_TIMEOUT);
}

/* The seeds' case: security negotiation times out on a lossy VPN. */
static void
test_net_path_names_cause_of_timeout(void **state)
{
	static const double rtt[] = {310, 1320, 305, 1290, 300};

	(void)state;
	credssp_fails(RDD_CREDSSP_TIMEOUT, RDD_STATUS_TIMEOUT,
	              "no TSRequest answer within 5.0 s");
	net_samples(&obs, rtt, 5);
	diagnose(&obs, &diag);
	expect(&diag, "credssp-timeout", RDD_SEV_CRITICAL);
	expect(&diag, "net-packet-loss", RDD_SEV_WARNING);
	expect(&diag, "net-high-latency", RDD_SEV_WARNING);
	assert_has(diag.summary, "(credssp-timeout); the path is the likely "
	                         "cause: 29% of the packets are lost "
	                         "(net-packet-loss)");

	/* A clean path: the summary does not blame it. */
	credssp_fails(RDD_CREDSSP_TIMEOUT, RDD_STATUS_TIMEOUT, "x");
	net_samples(&obs, (const double[]){1, 1, 1}, 3);
	diagnose(&obs, &diag);
	assert_null(strstr(diag.summary, "the path"));
}

static void
test_net_mtu_blackhole(void **state)
{
	const struct rdd_finding *f;
	struct rdd_plan_entry e;

	(void)state;
	tls_fails(RDD_TLS_TIMEOUT);
	assert_true(rdd_plan_mtu_retry(&obs, &e));
	assert_string_equal(e.label, "M");
	assert_true(e.tls);
	assert_false(e.credssp);
	obs.net.mtu = RDD_MTU_OK;
	obs.net.mtu_mss = 536;
	snprintf(obs.net.mtu_first_detail, sizeof(obs.net.mtu_first_detail),
	         "connection A: X.224 answered in 1.0 ms, TLS timeout after "
	         "5000.0 ms");
	snprintf(obs.net.mtu_detail, sizeof(obs.net.mtu_detail),
	         "connection M (MSS 536): TCP ok, X.224 response, TLS ok after "
	         "4.0 ms");
	rdd_net_conclude(&obs);
	assert_false(rdd_plan_mtu_retry(&obs, NULL)); /* once */
	diagnose(&obs, &diag);
	f = expect(&diag, "net-mtu-blackhole", RDD_SEV_WARNING);
	assert_has(f->evidence, "TLS timeout after 5000.0 ms; connection M "
	                        "(MSS 536)");
	expect(&diag, "tls-timeout", RDD_SEV_CRITICAL);
	assert_has(diag.summary, "the path is the likely cause: full-size "
	                         "packets are lost on the path (MTU black "
	                         "hole) (net-mtu-blackhole)");
	assert_has(obs.phases[RDD_PHASE_NETWORK].detail,
	           "MTU retry (MSS 536): TLS completed");

	/* The retry failed too: no black hole. */
	obs.net.mtu = RDD_MTU_FAILED;
	diagnose(&obs, &diag);
	expect_none(&diag, "net-mtu-blackhole");
	/* Not due when TLS did not time out. */
	tls_fails(RDD_TLS_RESET);
	assert_false(rdd_plan_mtu_retry(&obs, NULL));
}

/* ---- RDP-UDP ------------------------------------------------------------- */

static void
test_udp(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	/* Answered: nothing to say. */
	healthy(&obs);
	obs.udp.outcome = RDD_UDP_ANSWERED;
	obs.udp.port = 3389;
	obs.udp.syns_sent = 1;
	obs.udp.has_version = true;
	obs.udp.version = 0x0101;
	obs.udp.rtt_ms = 0.5;
	rdd_udp_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_UDP].status, RDD_STATUS_OK);
	assert_has(obs.phases[RDD_PHASE_UDP].detail,
	           "SYN+ACK on UDP 3389 after 0.5 ms (SYN 1 of 3): RDPEUDP "
	           "version 3 (RDPEUDP2)");
	diagnose(&obs, &diag);
	expect_none(&diag, "udp-blocked");

	/* Dropped: three SYNs, no answer. */
	healthy(&obs);
	obs.udp.outcome = RDD_UDP_NO_ANSWER;
	obs.udp.port = 3389;
	obs.udp.syns_sent = 3;
	obs.udp.ms = 5000;
	rdd_udp_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_UDP].status, RDD_STATUS_TIMEOUT);
	diagnose(&obs, &diag);
	f = expect(&diag, "udp-blocked", RDD_SEV_WARNING);
	assert_has(f->evidence, "no SYN+ACK to 3 RDP-UDP SYNs on UDP 3389 "
	                        "within 5000 ms while TCP 3389 answers");
	/* A warning: the client falls back to TCP. */
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);
	assert_int_equal(diag.failed_phase, -1);
	/* Fix: both ways, with the exact policy and registry value. */
	assert_has(rdd_cause_info(f->cause)->fix_host, "UDP-In");
	assert_has(rdd_cause_info(f->cause)->fix_client,
	           "fClientDisableUDP /t REG_DWORD /d 1");

	/* Refused, with what MCS said. */
	obs.udp.outcome = RDD_UDP_REFUSED;
	obs.mcs.outcome = RDD_MCS_OK;
	obs.mcs.has_multitransport = true;
	obs.mcs.multitransport_flags = 0x101;
	rdd_udp_conclude(&obs);
	assert_has(obs.phases[RDD_PHASE_UDP].detail,
	           "ICMP port unreachable: nothing listens on UDP 3389; MCS: "
	           "SC_MULTITRANSPORT flags 0x00000101");
	diagnose(&obs, &diag);
	f = expect(&diag, "udp-blocked", RDD_SEV_WARNING);
	assert_has(f->evidence, "ICMP port unreachable in answer to an "
	                        "RDP-UDP SYN on UDP 3389");
	assert_has(f->evidence, "(SC_MULTITRANSPORT flags 0x00000101)");

	/* TCP down too: that is tcp-timeout's, not this. */
	healthy(&obs);
	obs.udp.outcome = RDD_UDP_NO_ANSWER;
	att(&obs, "A")->tcp = RDD_TCP_TIMEOUT;
	diagnose(&obs, &diag);
	expect_none(&diag, "udp-blocked");
}

/* ---- coverage ------------------------------------------------------------ */

/* The plain check's handshake: a legacy version, an anonymous suite
 * without a certificate (mstsc offers none), a weak suite. */
static void
test_tls_plain_handshake(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	diagnose(&obs, &diag);
	expect_none(&diag, "tls-legacy-only");
	expect_none(&diag, "tls-no-common-cipher");
	expect_none(&diag, "tls-weak-cipher");

	snprintf(obs.tls.version, sizeof(obs.tls.version), "TLSv1");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-legacy-only", RDD_SEV_WARNING);
	assert_string_equal(f->evidence, "offered TLS 1.0 to 1.3, the server "
	                                 "chose TLSv1 [attempt A]");
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);

	healthy(&obs);
	obs.tls.cert.present = false;
	snprintf(obs.tls.cipher, sizeof(obs.tls.cipher),
	         "TLS_DH_anon_WITH_AES_256_GCM_SHA384");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-no-common-cipher", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "anonymous suite, and no certificate");
	expect(&diag, "tls-weak-cipher", RDD_SEV_WARNING);
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	assert_int_equal(diag.failed_phase, RDD_PHASE_TLS);

	healthy(&obs);
	snprintf(obs.tls.cipher, sizeof(obs.tls.cipher),
	         "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-weak-cipher", RDD_SEV_WARNING);
	assert_string_equal(f->evidence, "the server chose "
	                                 "TLS_RSA_WITH_3DES_EDE_CBC_SHA "
	                                 "[attempt A]");
}

static void
add_cipher(struct rdd_tls_enum_info *e, uint16_t version, uint16_t id,
           const char *name, const char *strength)
{
	struct rdd_tls_cipher *c = &e->ciphers[e->n_ciphers++];

	memset(c, 0, sizeof(*c));
	c->version = version;
	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->strength, sizeof(c->strength), "%s", strength);
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

/* check --tls-full: the enumeration's versions and suites. */
static void
test_tls_enumeration(void **state)
{
	struct rdd_tls_enum_info *e = &obs.tls_enum;
	const struct rdd_finding *f;

	(void)state;
	/* xrdp restricted to TLS 1.0 (the lab's .19). */
	healthy(&obs);
	memset(e, 0, sizeof(*e));
	e->present = true;
	e->accepted[1] = true;
	add_cipher(e, 0x0301, 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "medium");
	add_cipher(e, 0x0301, 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	           "medium");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-legacy-only", RDD_SEV_WARNING);
	assert_has(f->evidence, "accepts TLSv1.0 and refuses TLS 1.2");
	f = expect(&diag, "tls-weak-cipher", RDD_SEV_WARNING);
	assert_has(f->evidence, "every suite it accepts is CBC");
	/* Windows 10 defaults still connect (TLS 1.0): no cipher finding. */
	expect_none(&diag, "tls-no-common-cipher");

	/* Anonymous suites only, TLS 1.2 (the lab's .27). */
	memset(e, 0, sizeof(*e));
	e->present = true;
	e->accepted[3] = true;
	add_cipher(e, 0x0303, 0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384",
	           "insecure");
	add_cipher(e, 0x0303, 0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA",
	           "insecure");
	diagnose(&obs, &diag);
	f = expect(&diag, "tls-no-common-cipher", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "Windows 10/11");
	f = expect(&diag, "tls-weak-cipher", RDD_SEV_WARNING);
	assert_has(f->evidence,
	           "2 weak suites accepted: "
	           "TLS_DH_anon_WITH_AES_256_GCM_SHA384 (TLSv1.2)");
	expect_none(&diag, "tls-legacy-only");

	/* A current server: nothing to say. */
	memset(e, 0, sizeof(*e));
	e->present = true;
	e->accepted[3] = e->accepted[4] = true;
	add_cipher(e, 0x0303, 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	           "strong");
	add_cipher(e, 0x0304, 0x1302, "TLS_AES_256_GCM_SHA384", "strong");
	diagnose(&obs, &diag);
	expect_none(&diag, "tls-legacy-only");
	expect_none(&diag, "tls-no-common-cipher");
	expect_none(&diag, "tls-weak-cipher");
	memset(e, 0, sizeof(*e));
}

/* Runs last: every cause a rule can emit was emitted by some test. */
static void
test_every_detectable_cause_emitted(void **state)
{
	int i, missing = 0;

	(void)state;
	for (i = 0; i < RDD_CAUSE_COUNT; i++) {
		const struct rdd_cause_info *ci =
		    rdd_cause_info((enum rdd_cause)i);

		if (ci->not_detectable == NULL && !emitted[i]) {
			print_error("%s is marked detectable but no test "
			            "made a rule emit it\n",
			            ci->id);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthy),
	    cmocka_unit_test(test_unknown_without_attempts),
	    cmocka_unit_test(test_dns_failure),
	    cmocka_unit_test(test_dns_timeout),
	    cmocka_unit_test(test_dns_multiple_addresses),
	    cmocka_unit_test(test_tcp_refused),
	    cmocka_unit_test(test_tcp_timeout),
	    cmocka_unit_test(test_tcp_unreachable),
	    cmocka_unit_test(test_tcp_error_mapping),
	    cmocka_unit_test(test_tcp_ipv6_endpoint),
	    cmocka_unit_test(test_x224_timeout),
	    cmocka_unit_test(test_x224_reset_and_closed),
	    cmocka_unit_test(test_x224_not_rdp),
	    cmocka_unit_test(test_nego_on_attempt_a_is_critical),
	    cmocka_unit_test(test_nego_ssl_not_allowed_with_rdp_fallback),
	    cmocka_unit_test(test_nego_on_other_attempts_default_severity),
	    cmocka_unit_test(test_nego_merges_attempts),
	    cmocka_unit_test(test_nego_unknown_code),
	    cmocka_unit_test(test_nla_not_required),
	    cmocka_unit_test(test_tls_reset),
	    cmocka_unit_test(test_tls_alert),
	    cmocka_unit_test(test_tls_timeout),
	    cmocka_unit_test(test_net_clean_path),
	    cmocka_unit_test(test_net_latency_loss),
	    cmocka_unit_test(test_net_jitter),
	    cmocka_unit_test(test_net_all_lost_is_not_loss),
	    cmocka_unit_test(test_net_path_names_cause_of_timeout),
	    cmocka_unit_test(test_net_mtu_blackhole),
	    cmocka_unit_test(test_udp),
	    cmocka_unit_test(test_cert_expired),
	    cmocka_unit_test(test_cert_not_yet_valid),
	    cmocka_unit_test(test_cert_expiring_soon),
	    cmocka_unit_test(test_cert_self_signed),
	    cmocka_unit_test(test_cert_name_mismatch),
	    cmocka_unit_test(test_cert_weak),
	    cmocka_unit_test(test_no_cert_no_cert_findings),
	    cmocka_unit_test(test_credssp_ok),
	    cmocka_unit_test(test_credssp_closed),
	    cmocka_unit_test(test_credssp_timeout),
	    cmocka_unit_test(test_credssp_error),
	    cmocka_unit_test(test_credssp_malformed),
	    cmocka_unit_test(test_credssp_outdated),
	    cmocka_unit_test(test_server_clock_skew),
	    cmocka_unit_test(test_mcs_rejected),
	    cmocka_unit_test(test_rdp_security_allowed),
	    cmocka_unit_test(test_rdp_encryption_weak),
	    cmocka_unit_test(test_two_warnings_summary),
	    cmocka_unit_test(test_sort_and_mixed_summary),
	    cmocka_unit_test(test_failed_phase_comes_first),
	    cmocka_unit_test(test_failed_phase_without_finding),
	    cmocka_unit_test(test_evidence_raw_server_strings),
	    cmocka_unit_test(test_evidence_truncated),
	    cmocka_unit_test(test_tls_plain_handshake),
	    cmocka_unit_test(test_tls_enumeration),
	    cmocka_unit_test(test_cert_wrong_usage),
	    cmocka_unit_test(test_cert_untrusted),
	    cmocka_unit_test(test_every_detectable_cause_emitted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
