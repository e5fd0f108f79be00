/*
 * policy_int.h - what the policy's files share (internal to lib/scan): the
 * rule as loaded, and the table of check kinds.
 */
#ifndef RDD_SCAN_POLICY_INT_H
#define RDD_SCAN_POLICY_INT_H

#include <stddef.h>

#include <jansson.h>

#include "scan/policy.h"

#define RDD_POLICY_ID_MAX 48
#define RDD_POLICY_TEXT_MAX 200
#define RDD_POLICY_MAX_NAMES 16
#define RDD_POLICY_NAME_MAX 64

enum rdd_policy_check {
	RDD_CHECK_NLA_REQUIRED,
	RDD_CHECK_SECURITY_LAYER_IN,
	RDD_CHECK_MIN_TLS_VERSION,
	RDD_CHECK_NO_CIPHER_MATCHING,
	RDD_CHECK_CERT_TRUSTED,
	RDD_CHECK_CERT_MIN_DAYS_LEFT,
	RDD_CHECK_CREDSSP_MIN_VERSION,
	RDD_CHECK_RDP_SECURITY_NOT_OFFERED,
	RDD_CHECK_MIN_ENCRYPTION_LEVEL,
	RDD_CHECK_NO_FINDING_OF_SEVERITY,
	RDD_CHECK_FINDING_ABSENT,
	RDD_CHECK_COUNT
};

struct rdd_policy_rule {
	char id[RDD_POLICY_ID_MAX + 1];
	char *title;
	char *document; /* source: the document's title */
	char *setting;  /* source: the setting or section in it */
	enum rdd_policy_check check;
	/* The parameter, by kind: min_tls_version an index into
	 * rdd_policy_tls_versions, cert_min_days_left days,
	 * credssp_min_version the version, min_encryption_level 1..4,
	 * no_finding_of_severity enum rdd_severity. */
	long number;
	/* security_layer_in: bits of rdd_policy_layers; no_cipher_matching:
	 * bits of rdd_policy_strengths. */
	unsigned set;
	/* no_cipher_matching: substrings of IANA names; finding_absent: the
	 * finding id (one). */
	char names[RDD_POLICY_MAX_NAMES][RDD_POLICY_NAME_MAX + 1];
	size_t n_names;
};

struct rdd_policy {
	char *name;
	char *description; /* may be NULL */
	size_t n;
	struct rdd_policy_rule rules[RDD_POLICY_MAX_RULES];
};

/* Name tables, index = value (NULL-terminated). */
extern const char *const rdd_policy_check_names[];
extern const char *const rdd_policy_tls_versions[]; /* "SSLv3".."TLSv1.3" */
extern const char *const rdd_policy_layers[];       /* rdp, negotiate, tls */
extern const char *const rdd_policy_strengths[];    /* insecure .. strong */
extern const char *const rdd_policy_levels[];       /* "", low .. fips */

/* The index of NAME in TABLE, or -1. */
int rdd_policy_lookup(const char *const *table, const char *name);

/* One rule against DOC (policy_eval.c). */
void rdd_policy_eval_rule(const struct rdd_policy_rule *r, const json_t *doc,
                          struct rdd_policy_rule_result *out);

#endif
