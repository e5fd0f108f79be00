/*
 * test_findings.c - lib/diag/rules/findings.c: the evidence contract:
 * server strings copied raw, long evidence cut with "...".
 */
#include "rules_harness.h"

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

const struct CMUnitTest rules_findings_tests[] = {
    cmocka_unit_test(test_evidence_raw_server_strings),
    cmocka_unit_test(test_evidence_truncated),
};
const size_t rules_findings_n_tests = NELEM(rules_findings_tests);
