/*
 * test_rules.c - rdd_diagnose() (lib/diag/rules/): runs the tests of every
 * rules file (test_<phase>.c) in one program, then checks that every cause
 * the table marks detectable was emitted by some test.
 */
#include "rules_harness.h"

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
	static const struct {
		const char *name;
		const struct CMUnitTest *tests;
		const size_t *n;
	} groups[] = {
	    {"verdict", rules_verdict_tests, &rules_verdict_n_tests},
	    {"resolve", rules_resolve_tests, &rules_resolve_n_tests},
	    {"tcp", rules_tcp_tests, &rules_tcp_n_tests},
	    {"x224", rules_x224_tests, &rules_x224_n_tests},
	    {"tls", rules_tls_tests, &rules_tls_n_tests},
	    {"cert", rules_cert_tests, &rules_cert_n_tests},
	    {"credssp", rules_credssp_tests, &rules_credssp_n_tests},
	    {"logon", rules_logon_tests, &rules_logon_n_tests},
	    {"findings", rules_findings_tests, &rules_findings_n_tests},
	    {"mcs", rules_mcs_tests, &rules_mcs_n_tests},
	    {"licensing", rules_licensing_tests, &rules_licensing_n_tests},
	    {"session", rules_session_tests, &rules_session_n_tests},
	    {"network", rules_network_tests, &rules_network_n_tests},
	    {"kerberos", rules_kerberos_tests, &rules_kerberos_n_tests},
	    {"host", rules_host_tests, &rules_host_n_tests},
	    {"gateway", rules_gateway_tests, &rules_gateway_n_tests},
	};
	const struct CMUnitTest coverage[] = {
	    cmocka_unit_test(test_every_detectable_cause_emitted),
	};
	int failed = 0;
	size_t g;

	for (g = 0; g < NELEM(groups); g++)
		failed += _cmocka_run_group_tests(
		    groups[g].name, groups[g].tests, *groups[g].n, NULL, NULL);
	failed += cmocka_run_group_tests(coverage, NULL, NULL);
	return failed != 0;
}
