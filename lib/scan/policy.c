/*
 * policy.c - the policy's name tables, evaluation of a whole document, and
 * the tally of hosts that decides the exit status (policy.h).
 */
#include <string.h>

#include "scan/docfield.h"
#include "scan/policy_int.h"

const char *const rdd_policy_check_names[] = {
    [RDD_CHECK_NLA_REQUIRED] = "nla_required",
    [RDD_CHECK_SECURITY_LAYER_IN] = "security_layer_in",
    [RDD_CHECK_MIN_TLS_VERSION] = "min_tls_version",
    [RDD_CHECK_NO_CIPHER_MATCHING] = "no_cipher_matching",
    [RDD_CHECK_CERT_TRUSTED] = "cert_trusted",
    [RDD_CHECK_CERT_MIN_DAYS_LEFT] = "cert_min_days_left",
    [RDD_CHECK_CREDSSP_MIN_VERSION] = "credssp_min_version",
    [RDD_CHECK_RDP_SECURITY_NOT_OFFERED] = "rdp_security_not_offered",
    [RDD_CHECK_MIN_ENCRYPTION_LEVEL] = "min_encryption_level",
    [RDD_CHECK_NO_FINDING_OF_SEVERITY] = "no_finding_of_severity",
    [RDD_CHECK_FINDING_ABSENT] = "finding_absent",
    [RDD_CHECK_COUNT] = NULL,
};

/* The names of tls.versions[].version (docs/json.md), oldest first. */
const char *const rdd_policy_tls_versions[] = {"SSLv3",   "TLSv1.0", "TLSv1.1",
                                               "TLSv1.2", "TLSv1.3", NULL};
/* negotiation.security_layer. */
const char *const rdd_policy_layers[] = {"rdp", "negotiate", "tls", NULL};
/* tls.ciphers[].strength. */
const char *const rdd_policy_strengths[] = {"insecure", "weak", "medium",
                                            "strong", NULL};
/* SC_SECURITY encryptionLevel 1..4 ([MS-RDPBCGR] 2.2.1.4.3). */
const char *const rdd_policy_levels[] = {"",     "low",  "client_compatible",
                                         "high", "fips", NULL};

int
rdd_policy_lookup(const char *const *table, const char *name)
{
	for (int i = 0; table[i] != NULL; i++)
		if (strcmp(table[i], name) == 0)
			return i;
	return -1;
}

const char *
rdd_policy_name(const struct rdd_policy *p)
{
	return p->name;
}

size_t
rdd_policy_rule_count(const struct rdd_policy *p)
{
	return p->n;
}

const char *
rdd_policy_rule_id(const struct rdd_policy *p, size_t i)
{
	return i < p->n ? p->rules[i].id : NULL;
}

const char *
rdd_policy_status_name(enum rdd_policy_status s)
{
	switch (s) {
	case RDD_POLICY_PASS:
		return "pass";
	case RDD_POLICY_FAIL:
		return "fail";
	default:
		return "not_verified";
	}
}

const char *
rdd_policy_host_name(enum rdd_policy_host h)
{
	switch (h) {
	case RDD_POLICY_HOST_PASS:
		return "pass";
	case RDD_POLICY_HOST_FAIL:
		return "fail";
	case RDD_POLICY_HOST_NOT_VERIFIED:
		return "not_verified";
	default:
		return "unreachable";
	}
}

int
rdd_policy_evaluate(const struct rdd_policy *p, const json_t *doc,
                    struct rdd_policy_result *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(doc)) {
		out->host = RDD_POLICY_HOST_UNREACHABLE;
		return -1;
	}
	if (!rdd_doc_reachable(doc, out->detail, sizeof(out->detail))) {
		rdd_doc_utf8_clean(out->detail);
		out->host = RDD_POLICY_HOST_UNREACHABLE;
		return 0;
	}
	for (size_t i = 0; i < p->n; i++) {
		struct rdd_policy_rule_result *rr = &out->rules[out->n++];

		rdd_policy_eval_rule(&p->rules[i], doc, rr);
		if (rr->status == RDD_POLICY_PASS)
			out->passed++;
		else if (rr->status == RDD_POLICY_FAIL)
			out->failed++;
		else
			out->not_verified++;
	}
	out->host = out->failed > 0         ? RDD_POLICY_HOST_FAIL
	            : out->not_verified > 0 ? RDD_POLICY_HOST_NOT_VERIFIED
	                                    : RDD_POLICY_HOST_PASS;
	return 0;
}

void
rdd_policy_tally_add(struct rdd_policy_tally *t,
                     const struct rdd_policy_result *r)
{
	t->hosts++;
	switch (r->host) {
	case RDD_POLICY_HOST_PASS:
		t->passed++;
		break;
	case RDD_POLICY_HOST_FAIL:
		t->failed++;
		break;
	case RDD_POLICY_HOST_NOT_VERIFIED:
		t->not_verified++;
		break;
	default:
		t->unreachable++;
		break;
	}
}

int
rdd_policy_exit_code(const struct rdd_policy_tally *t)
{
	if (t->unreachable > 0)
		return RDD_POLICY_EXIT_UNREACHABLE;
	if (t->failed > 0 || t->not_verified > 0)
		return RDD_POLICY_EXIT_FAIL;
	return RDD_POLICY_EXIT_PASS;
}
