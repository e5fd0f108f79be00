/*
 * policy_out.c - a policy and its results as JSON and text (policy.h).
 *
 * Details may quote the document, which may come from a saved file: JSON
 * strings go through rdd_sanitize_utf8, text through rdd_escape_terminal.
 */
#include <stdio.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/report.h"
#include "scan/policy_int.h"

/* S as a JSON string, made valid UTF-8 first. */
static json_t *
jstr(const char *s)
{
	char buf[3 * RDD_POLICY_DETAIL_MAX + 1];

	return json_string(rdd_sanitize_utf8(buf, sizeof(buf), s));
}

/* Set KEY of OBJ to V; a NULL V (a failed constructor) marks ERR. */
static void
put(int *err, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		*err = 1;
}

static void
push(int *err, json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) != 0)
		*err = 1;
}

static json_t *
names_of_set(int *err, const char *const *table, unsigned set)
{
	json_t *a = json_array();

	for (int i = 0; a != NULL && table[i] != NULL; i++)
		if (set & (1u << i))
			push(err, a, json_string(table[i]));
	return a;
}

static void
params_json(int *err, json_t *o, const struct rdd_policy_rule *r)
{
	json_t *a;

	switch (r->check) {
	case RDD_CHECK_SECURITY_LAYER_IN:
		put(err, o, "values",
		    names_of_set(err, rdd_policy_layers, r->set));
		break;
	case RDD_CHECK_MIN_TLS_VERSION:
		put(err, o, "version",
		    json_string(rdd_policy_tls_versions[r->number]));
		break;
	case RDD_CHECK_NO_CIPHER_MATCHING:
		if (r->n_names > 0) {
			a = json_array();
			for (size_t i = 0; a != NULL && i < r->n_names; i++)
				push(err, a, json_string(r->names[i]));
			put(err, o, "names_containing", a);
		}
		if (r->set != 0)
			put(err, o, "strength",
			    names_of_set(err, rdd_policy_strengths, r->set));
		break;
	case RDD_CHECK_CERT_MIN_DAYS_LEFT:
		put(err, o, "days", json_integer(r->number));
		break;
	case RDD_CHECK_CREDSSP_MIN_VERSION:
		put(err, o, "version", json_integer(r->number));
		break;
	case RDD_CHECK_MIN_ENCRYPTION_LEVEL:
		put(err, o, "level", json_string(rdd_policy_levels[r->number]));
		break;
	case RDD_CHECK_NO_FINDING_OF_SEVERITY:
		put(err, o, "severity",
		    json_string(
		        rdd_severity_name((enum rdd_severity)r->number)));
		break;
	case RDD_CHECK_FINDING_ABSENT:
		put(err, o, "finding", json_string(r->names[0]));
		break;
	default:
		break;
	}
}

json_t *
rdd_policy_to_json(const struct rdd_policy *p)
{
	json_t *top = json_object(), *rules = json_array(), *o, *src;
	int err = top == NULL;

	if (top != NULL) {
		put(&err, top, "schema", json_integer(1));
		put(&err, top, "name", json_string(p->name));
		if (p->description != NULL)
			put(&err, top, "description",
			    json_string(p->description));
	}
	for (size_t i = 0; rules != NULL && i < p->n; i++) {
		const struct rdd_policy_rule *r = &p->rules[i];

		if ((o = json_object()) == NULL ||
		    (src = json_object()) == NULL) {
			json_decref(o);
			err = 1;
			break;
		}
		put(&err, o, "id", json_string(r->id));
		put(&err, o, "title", json_string(r->title));
		put(&err, src, "document", json_string(r->document));
		put(&err, src, "setting", json_string(r->setting));
		put(&err, o, "source", src);
		put(&err, o, "check",
		    json_string(rdd_policy_check_names[r->check]));
		params_json(&err, o, r);
		push(&err, rules, o);
	}
	if (top != NULL)
		put(&err, top, "rules", rules);
	else
		json_decref(rules);
	if (err) {
		json_decref(top);
		return NULL;
	}
	return top;
}

json_t *
rdd_policy_result_json(const struct rdd_policy *p,
                       const struct rdd_policy_result *r)
{
	json_t *o = json_object(), *rules = json_array(), *x;
	int err = o == NULL;

	if (o == NULL) {
		json_decref(rules);
		return NULL;
	}
	put(&err, o, "name", json_string(p->name));
	put(&err, o, "status", json_string(rdd_policy_host_name(r->host)));
	put(&err, o, "detail",
	    r->host == RDD_POLICY_HOST_UNREACHABLE ? jstr(r->detail)
	                                           : json_null());
	put(&err, o, "passed", json_integer(r->passed));
	put(&err, o, "failed", json_integer(r->failed));
	put(&err, o, "not_verified", json_integer(r->not_verified));
	for (size_t i = 0; rules != NULL && i < r->n; i++) {
		const struct rdd_policy_rule_result *rr = &r->rules[i];

		if ((x = json_object()) == NULL) {
			err = 1;
			break;
		}
		put(&err, x, "id", json_string(rr->id));
		put(&err, x, "title", json_string(rr->title));
		put(&err, x, "status",
		    json_string(rdd_policy_status_name(rr->status)));
		put(&err, x, "detail", jstr(rr->detail));
		push(&err, rules, x);
	}
	put(&err, o, "rules", rules);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
rdd_policy_result_text(FILE *out, const char *host,
                       const struct rdd_policy_result *r, int verbose)
{
	char h[4 * 256 + 1], d[4 * RDD_POLICY_DETAIL_MAX + 1];

	rdd_escape_terminal(h, sizeof(h), host);
	if (r->host == RDD_POLICY_HOST_UNREACHABLE) {
		fprintf(out, "%s: unreachable (%s)\n", h,
		        rdd_escape_terminal(d, sizeof(d), r->detail));
	} else {
		fprintf(out, "%s: %s (%u pass, %u fail, %u not verified)\n", h,
		        rdd_policy_host_name(r->host), r->passed, r->failed,
		        r->not_verified);
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct rdd_policy_rule_result *rr = &r->rules[i];

		if (rr->status == RDD_POLICY_PASS && !verbose)
			continue;
		fprintf(out, "  %-12s %s: %s\n",
		        rr->status == RDD_POLICY_NOT_VERIFIED
		            ? "not verified"
		            : rdd_policy_status_name(rr->status),
		        rr->id, rdd_escape_terminal(d, sizeof(d), rr->detail));
	}
	return ferror(out) ? -1 : 0;
}
