/*
 * policy.h - `rdpdoctor scan --policy`: rules over check documents.
 *
 * A policy is a list of rules read from a JSON file (docs/policy.md) or
 * the built-in baseline (baseline.c). Each rule names its source and one
 * check kind from a fixed set implemented in C over the fields of the
 * document `check --json` writes (docs/json.md). Evaluation reads only
 * that document (a json_t), so saved NDJSON of earlier scans can be
 * judged again. A rule whose data is not in the document is not_verified,
 * never pass.
 */
#ifndef RDD_SCAN_POLICY_H
#define RDD_SCAN_POLICY_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Largest policy file read, in bytes. */
#define RDD_POLICY_MAX_FILE (1024 * 1024)
/* Room for a load error: "FILE:LINE:COL: message". */
#define RDD_POLICY_ERR_MAX 512
#define RDD_POLICY_MAX_RULES 64
#define RDD_POLICY_DETAIL_MAX 256

/* Exit status of a policy scan (as ssh-audit's policy mode). */
#define RDD_POLICY_EXIT_PASS 0
#define RDD_POLICY_EXIT_FAIL 1
#define RDD_POLICY_EXIT_UNREACHABLE 2
#define RDD_POLICY_EXIT_USAGE 3 /* the caller's: bad option, bad file */

enum rdd_policy_status {
	RDD_POLICY_PASS,
	RDD_POLICY_FAIL,
	RDD_POLICY_NOT_VERIFIED
};

/* A host: every rule passed, one failed, none failed but one could not be
 * verified, or the host was not reached (no rule evaluated). */
enum rdd_policy_host {
	RDD_POLICY_HOST_PASS,
	RDD_POLICY_HOST_FAIL,
	RDD_POLICY_HOST_NOT_VERIFIED,
	RDD_POLICY_HOST_UNREACHABLE
};

struct rdd_policy; /* opaque */

/*
 * Load a policy from PATH. NULL on error, with ERR holding
 * "PATH:LINE:COL: message" for a JSON syntax error (jansson's position)
 * or "PATH: rules[2] (\"id\"): message" for a value the policy language
 * refuses (unknown keys and check kinds are named).
 */
struct rdd_policy *rdd_policy_load_file(const char *path, char *err,
                                        size_t errlen);
/* The same from LEN bytes of TEXT; NAME stands for the file in ERR. */
struct rdd_policy *rdd_policy_load_buffer(const char *text, size_t len,
                                          const char *name, char *err,
                                          size_t errlen);
/* The built-in baseline (baseline.c); NULL only when out of memory. */
struct rdd_policy *rdd_policy_builtin(void);
void rdd_policy_free(struct rdd_policy *p);

const char *rdd_policy_name(const struct rdd_policy *p);
size_t rdd_policy_rule_count(const struct rdd_policy *p);
const char *rdd_policy_rule_id(const struct rdd_policy *p, size_t i);
/* The policy in its file format (loading it gives the same policy): for
 * --policy-show, and to start a policy file from the baseline. */
json_t *rdd_policy_to_json(const struct rdd_policy *p);

struct rdd_policy_rule_result {
	const char *id;    /* the rule's; valid while the policy lives */
	const char *title; /* the same */
	enum rdd_policy_status status;
	/* What was observed, e.g. "negotiation.nla_required = false"; may
	 * quote the document (untrusted: escape before printing). */
	char detail[RDD_POLICY_DETAIL_MAX];
};

struct rdd_policy_result {
	enum rdd_policy_host host;
	/* Unreachable: why (the tcp or resolve phase's detail, untrusted). */
	char detail[RDD_POLICY_DETAIL_MAX];
	size_t n; /* rules evaluated: 0 when unreachable */
	struct rdd_policy_rule_result rules[RDD_POLICY_MAX_RULES];
	unsigned passed, failed, not_verified;
};

/* Judge one check document. -1 only when DOC is not a JSON object. */
int rdd_policy_evaluate(const struct rdd_policy *p, const json_t *doc,
                        struct rdd_policy_result *out);

/*
 * The result as the object scan adds to the host's NDJSON line under
 * "policy": {"name", "status", "detail", "passed", "failed",
 * "not_verified", "rules": [{"id", "title", "status", "detail"}]}.
 * NULL when out of memory.
 */
json_t *rdd_policy_result_json(const struct rdd_policy *p,
                               const struct rdd_policy_result *r);
/* The result as text: one line for the host, one per rule that did not
 * pass (every rule with VERBOSE). Untrusted strings are escaped. */
int rdd_policy_result_text(FILE *out, const char *host,
                           const struct rdd_policy_result *r, int verbose);

/* "pass", "fail", "not_verified"; and the host's, plus "unreachable". */
const char *rdd_policy_status_name(enum rdd_policy_status s);
const char *rdd_policy_host_name(enum rdd_policy_host h);

/* Hosts counted by their result, for the exit status. */
struct rdd_policy_tally {
	unsigned hosts, passed, failed, not_verified, unreachable;
};
void rdd_policy_tally_add(struct rdd_policy_tally *t,
                          const struct rdd_policy_result *r);
/* 2 when a host was unreachable, else 1 when a rule failed or could not
 * be verified on some host, else 0 (also for no host at all). */
int rdd_policy_exit_code(const struct rdd_policy_tally *t);

#endif
