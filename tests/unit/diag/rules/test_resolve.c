/*
 * test_resolve.c - lib/diag/rules/resolve.c: phase resolve: the name does
 * not resolve, or resolves to several addresses that answer differently.
 */
#include "rules_harness.h"

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

const struct CMUnitTest rules_resolve_tests[] = {
    cmocka_unit_test(test_dns_failure),
    cmocka_unit_test(test_dns_timeout),
    cmocka_unit_test(test_dns_multiple_addresses),
};
const size_t rules_resolve_n_tests = NELEM(rules_resolve_tests);
