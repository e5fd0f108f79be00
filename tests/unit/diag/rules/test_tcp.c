/*
 * test_tcp.c - lib/diag/rules/tcp.c: phase tcp: refused, dropped,
 * unreachable, and the errors mapped to them.
 */
#include "rules_harness.h"

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

const struct CMUnitTest rules_tcp_tests[] = {
    cmocka_unit_test(test_tcp_refused),
    cmocka_unit_test(test_tcp_timeout),
    cmocka_unit_test(test_tcp_unreachable),
    cmocka_unit_test(test_tcp_error_mapping),
    cmocka_unit_test(test_tcp_ipv6_endpoint),
};
const size_t rules_tcp_n_tests = NELEM(rules_tcp_tests);
