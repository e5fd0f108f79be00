/*
 * fuzz_policy.c - libFuzzer target for lib/scan: policy files, and check
 * documents through policy evaluation and drift.
 *
 * The input is read twice. As a policy file: a load either fails with a
 * terminated message or gives a policy whose file form loads back to the
 * same policy. As a check document (seeds: the lab's documents of
 * tests/unit/scan/fixtures cut to the fields policy and drift read, under
 * scripts/fuzz.sh's 4096-byte -max_len; and the baseline policy):
 * evaluated against the built-in baseline and a policy that uses every
 * check kind, then added to a drift with an edited copy. Invariants a
 * crash would not reveal are checked with abort(): every rule evaluated
 * once, counts that add up, details terminated, shorter than their buffer
 * and valid for JSON, and reports that can always be made.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "scan/drift.h"
#include "scan/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

#define SRC "\"source\": {\"document\": \"d\", \"setting\": \"s\"}"

/* One rule of each kind the baseline does not use, and other values. */
static const char every_kind[] =
    "{\"name\": \"every\", \"base\": \"builtin\", \"rules\": ["
    "{\"id\": \"a\", \"title\": \"t\", " SRC ", \"check\": "
    "\"no_cipher_matching\", \"strength\": [\"insecure\", \"weak\", "
    "\"medium\"], \"names_containing\": [\"CBC\", \"_\"]},"
    "{\"id\": \"b\", \"title\": \"t\", " SRC ", \"check\": "
    "\"finding_absent\", \"finding\": \"cert-expired\"},"
    "{\"id\": \"c\", \"title\": \"t\", " SRC ", \"check\": "
    "\"no_finding_of_severity\", \"severity\": \"info\"},"
    "{\"id\": \"d\", \"title\": \"t\", " SRC ", \"check\": "
    "\"min_tls_version\", \"version\": \"TLSv1.3\"},"
    "{\"id\": \"e\", \"title\": \"t\", " SRC ", \"check\": "
    "\"security_layer_in\", \"values\": [\"rdp\", \"negotiate\"]},"
    "{\"id\": \"f\", \"title\": \"t\", " SRC ", \"check\": "
    "\"min_encryption_level\", \"level\": \"fips\"}]}";

static void
check_policy_text(const uint8_t *data, size_t size)
{
	char err[RDD_POLICY_ERR_MAX], err2[RDD_POLICY_ERR_MAX];
	struct rdd_policy *p, *q;
	json_t *j, *k;
	char *text;

	memset(err, 'x', sizeof(err));
	p = rdd_policy_load_buffer((const char *)data, size, "f", err,
	                           sizeof(err));
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	if (p == NULL) {
		CHECK(strncmp(err, "f", 1) == 0);
		return;
	}
	CHECK(rdd_policy_rule_count(p) >= 1 &&
	      rdd_policy_rule_count(p) <= RDD_POLICY_MAX_RULES);
	j = rdd_policy_to_json(p);
	CHECK(j != NULL);
	text = json_dumps(j, 0);
	CHECK(text != NULL);
	q = rdd_policy_load_buffer(text, strlen(text), "g", err2, sizeof(err2));
	CHECK(q != NULL);
	k = rdd_policy_to_json(q);
	CHECK(k != NULL && json_equal(j, k));
	json_decref(k);
	rdd_policy_free(q);
	free(text);
	json_decref(j);
	rdd_policy_free(p);
}

static int
valid_utf8(const char *s)
{
	json_t *v = json_string(s);

	json_decref(v);
	return v != NULL;
}

static void
check_result(const struct rdd_policy *p, const struct rdd_policy_result *r,
             FILE *out)
{
	json_t *j;

	CHECK(memchr(r->detail, '\0', sizeof(r->detail)) != NULL);
	if (r->host == RDD_POLICY_HOST_UNREACHABLE) {
		CHECK(r->n == 0);
	} else {
		CHECK(r->n == rdd_policy_rule_count(p));
		CHECK(r->passed + r->failed + r->not_verified == r->n);
		CHECK((r->host == RDD_POLICY_HOST_FAIL) == (r->failed > 0));
	}
	for (size_t i = 0; i < r->n; i++) {
		CHECK(strcmp(r->rules[i].id, rdd_policy_rule_id(p, i)) == 0);
		CHECK(memchr(r->rules[i].detail, '\0',
		             sizeof(r->rules[i].detail)) != NULL);
		CHECK(valid_utf8(r->rules[i].detail));
	}
	j = rdd_policy_result_json(p, r);
	CHECK(j != NULL);
	json_decref(j);
	CHECK(rdd_policy_result_text(out, "h", r, 1) == 0);
}

static void
check_document(const json_t *doc, FILE *out)
{
	struct rdd_policy *base = rdd_policy_builtin(), *every;
	struct rdd_policy_result r;
	char err[RDD_POLICY_ERR_MAX];
	struct rdd_drift *d;
	json_t *copy, *j;

	every = rdd_policy_load_buffer(every_kind, sizeof(every_kind) - 1, "e",
	                               err, sizeof(err));
	CHECK(base != NULL && every != NULL);
	CHECK(rdd_policy_evaluate(base, doc, &r) ==
	      (json_is_object(doc) ? 0 : -1));
	if (json_is_object(doc)) {
		check_result(base, &r, out);
		CHECK(rdd_policy_evaluate(every, doc, &r) == 0);
		check_result(every, &r, out);
	}
	d = rdd_drift_new();
	CHECK(d != NULL);
	CHECK(rdd_drift_add(d, doc) == (json_is_object(doc) ? 0 : -1));
	copy = json_deep_copy(doc);
	if (json_is_object(copy)) {
		json_object_del(copy, "tls");
		CHECK(rdd_drift_add(d, copy) == 0);
	}
	json_decref(copy);
	CHECK(rdd_drift_text(out, d) == 0);
	j = rdd_drift_json(d);
	CHECK(j != NULL);
	json_decref(j);
	rdd_drift_free(d);
	rdd_policy_free(every);
	rdd_policy_free(base);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	json_t *doc;

	check_policy_text(data, size);
	doc = json_loadb((const char *)data, size, 0, NULL);
	if (doc == NULL)
		return 0;
	out = open_memstream(&buf, &len);
	CHECK(out != NULL);
	check_document(doc, out);
	fclose(out);
	free(buf);
	json_decref(doc);
	return 0;
}
