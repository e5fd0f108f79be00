/*
 * policy_load.c - a policy file (docs/policy.md) into struct rdd_policy.
 *
 * jansson parses (duplicate keys refused, with their position); this file
 * only checks the shape: every key known, every value of its type and
 * range, rule ids unique. A value the language refuses is reported with
 * its path in the file ("rules[2] (\"tls-min\").version") because jansson
 * keeps no positions after parsing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/report.h"
#include "scan/baseline.h"
#include "scan/policy_int.h"

struct ld {
	char *err;
	size_t cap;
	const char *file;
	char where[96]; /* "rules[2] (\"tls-min\")", or "" at the top */
};

static int fail(struct ld *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct ld *l, const char *fmt, ...)
{
	char msg[RDD_POLICY_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->cap > 0)
		snprintf(l->err, l->cap, "%s: %s%s%s", l->file, l->where,
		         l->where[0] != '\0' ? ": " : "", msg);
	return -1;
}

/* S for an error message: escaped and cut short. */
static const char *
shown(char *buf, size_t cap, const char *s)
{
	return rdd_escape_terminal(buf, cap, s);
}

/* Every key of OBJ is in KEYS or EXTRA (NULL-terminated; EXTRA may be
 * NULL). */
static int
known_keys(struct ld *l, const json_t *obj, const char *const *keys,
           const char *const *extra, const char *what)
{
	const char *key;
	json_t *v;
	char b[64];

	json_object_foreach((json_t *)obj, key, v)
	{
		if (rdd_policy_lookup(keys, key) >= 0 ||
		    (extra != NULL && rdd_policy_lookup(extra, key) >= 0))
			continue;
		return fail(l, "unknown key \"%s\" in %s",
		            shown(b, sizeof(b), key), what);
	}
	return 0;
}

/* No C0 control, DEL or C1 control (U+0080..U+009F, C2 80..C2 9F). */
static int
printable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 0;
	}
	return 1;
}

/* A required (or, with OPTIONAL, possibly absent) text of 1..MAX bytes. */
static int
text(struct ld *l, const json_t *obj, const char *key, size_t max, int optional,
     char **out)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	*out = NULL;
	if (v == NULL) {
		if (optional)
			return 0;
		return fail(l, "missing key \"%s\"", key);
	}
	if ((s = json_string_value(v)) == NULL)
		return fail(l, "\"%s\" must be a string", key);
	if (s[0] == '\0' || strlen(s) > max)
		return fail(l, "\"%s\" must be 1 to %zu bytes", key, max);
	if (!printable(s))
		return fail(l, "\"%s\" holds a control character", key);
	if ((*out = strdup(s)) == NULL)
		return fail(l, "out of memory");
	return 0;
}

/* An id: [a-z0-9] then [a-z0-9._-], at most RDD_POLICY_ID_MAX bytes. */
static int
valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > RDD_POLICY_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '-' && c != '.' && c != '_')))
			return 0;
	}
	return 1;
}

static void
rule_clear(struct rdd_policy_rule *r)
{
	free(r->title);
	free(r->document);
	free(r->setting);
	memset(r, 0, sizeof(*r));
}

/* ---- Parameters of the check kinds ----------------------------------- */

/* An integer in MIN..MAX. */
static int
param_int(struct ld *l, const json_t *rule, const char *key, long min, long max,
          long *out)
{
	json_t *v = json_object_get(rule, key);

	if (v == NULL)
		return fail(l, "missing key \"%s\"", key);
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return fail(l, "\"%s\" must be an integer from %ld to %ld", key,
		            min, max);
	*out = (long)json_integer_value(v);
	return 0;
}

/* A string of TABLE: its index. */
static int
param_name(struct ld *l, const json_t *rule, const char *key,
           const char *const *table, long *out)
{
	json_t *v = json_object_get(rule, key);
	char b[64];
	int i;

	if (v == NULL)
		return fail(l, "missing key \"%s\"", key);
	if (!json_is_string(v))
		return fail(l, "\"%s\" must be a string", key);
	i = rdd_policy_lookup(table, json_string_value(v));
	if (i < 0 || table[i][0] == '\0')
		return fail(l, "unknown %s \"%s\"", key,
		            shown(b, sizeof(b), json_string_value(v)));
	*out = i;
	return 0;
}

/* A non-empty array of strings of TABLE: a bit set. Absent is 0 when
 * OPTIONAL. */
static int
param_set(struct ld *l, const json_t *rule, const char *key,
          const char *const *table, int optional, unsigned *out)
{
	json_t *v = json_object_get(rule, key), *e;
	size_t i;
	char b[64];

	*out = 0;
	if (v == NULL)
		return optional ? 0 : fail(l, "missing key \"%s\"", key);
	if (!json_is_array(v) || json_array_size(v) == 0)
		return fail(l, "\"%s\" must be a non-empty array", key);
	json_array_foreach(v, i, e)
	{
		int k = json_is_string(e)
		            ? rdd_policy_lookup(table, json_string_value(e))
		            : -1;

		if (k < 0)
			return fail(
			    l, "%s[%zu]: unknown value \"%s\"", key, i,
			    json_is_string(e)
			        ? shown(b, sizeof(b), json_string_value(e))
			        : "(not a string)");
		*out |= 1u << k;
	}
	return 0;
}

static int
param_names(struct ld *l, const json_t *rule, struct rdd_policy_rule *r)
{
	json_t *v = json_object_get(rule, "names_containing"), *e;
	size_t i;

	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > RDD_POLICY_MAX_NAMES)
		return fail(l,
		            "\"names_containing\" must be an array of 1 to "
		            "%d strings",
		            RDD_POLICY_MAX_NAMES);
	json_array_foreach(v, i, e)
	{
		const char *s = json_string_value(e);

		if (s == NULL || s[0] == '\0' ||
		    strlen(s) > RDD_POLICY_NAME_MAX || !printable(s))
			return fail(l,
			            "names_containing[%zu] must be a string of "
			            "1 to %d printable bytes",
			            i, RDD_POLICY_NAME_MAX);
		snprintf(r->names[i], sizeof(r->names[i]), "%s", s);
	}
	r->n_names = json_array_size(v);
	return 0;
}

static int
param_finding(struct ld *l, const json_t *rule, struct rdd_policy_rule *r)
{
	json_t *v = json_object_get(rule, "finding");
	const char *s = json_string_value(v);
	char b[64];

	if (v == NULL)
		return fail(l, "missing key \"finding\"");
	if (s == NULL)
		return fail(l, "\"finding\" must be a string");
	if (rdd_cause_from_id(s) < 0)
		return fail(l,
		            "unknown finding \"%s\" (docs/DIAGNOSES.md "
		            "lists the ids)",
		            shown(b, sizeof(b), s));
	snprintf(r->names[0], sizeof(r->names[0]), "%s", s);
	r->n_names = 1;
	return 0;
}

/* The keys each kind takes besides id, title, source and check. */
static const char *const k_none[] = {NULL};
static const char *const k_values[] = {"values", NULL};
static const char *const k_version[] = {"version", NULL};
static const char *const k_cipher[] = {"names_containing", "strength", NULL};
static const char *const k_days[] = {"days", NULL};
static const char *const k_level[] = {"level", NULL};
static const char *const k_severity[] = {"severity", NULL};
static const char *const k_finding[] = {"finding", NULL};

static const char *const *const kind_keys[RDD_CHECK_COUNT] = {
    [RDD_CHECK_NLA_REQUIRED] = k_none,
    [RDD_CHECK_SECURITY_LAYER_IN] = k_values,
    [RDD_CHECK_MIN_TLS_VERSION] = k_version,
    [RDD_CHECK_NO_CIPHER_MATCHING] = k_cipher,
    [RDD_CHECK_CERT_TRUSTED] = k_none,
    [RDD_CHECK_CERT_MIN_DAYS_LEFT] = k_days,
    [RDD_CHECK_CREDSSP_MIN_VERSION] = k_version,
    [RDD_CHECK_RDP_SECURITY_NOT_OFFERED] = k_none,
    [RDD_CHECK_MIN_ENCRYPTION_LEVEL] = k_level,
    [RDD_CHECK_NO_FINDING_OF_SEVERITY] = k_severity,
    [RDD_CHECK_FINDING_ABSENT] = k_finding,
};

static const char *const severities[] = {"info", "warning", "critical", NULL};

static int
parse_params(struct ld *l, const json_t *rule, struct rdd_policy_rule *r)
{
	switch (r->check) {
	case RDD_CHECK_SECURITY_LAYER_IN:
		return param_set(l, rule, "values", rdd_policy_layers, 0,
		                 &r->set);
	case RDD_CHECK_MIN_TLS_VERSION:
		return param_name(l, rule, "version", rdd_policy_tls_versions,
		                  &r->number);
	case RDD_CHECK_NO_CIPHER_MATCHING:
		if (param_names(l, rule, r) != 0 ||
		    param_set(l, rule, "strength", rdd_policy_strengths, 1,
		              &r->set) != 0)
			return -1;
		if (r->n_names == 0 && r->set == 0)
			return fail(l, "needs \"names_containing\" or "
			               "\"strength\"");
		return 0;
	case RDD_CHECK_CERT_MIN_DAYS_LEFT:
		return param_int(l, rule, "days", 0, 36500, &r->number);
	case RDD_CHECK_CREDSSP_MIN_VERSION:
		return param_int(l, rule, "version", 1, 255, &r->number);
	case RDD_CHECK_MIN_ENCRYPTION_LEVEL:
		return param_name(l, rule, "level", rdd_policy_levels,
		                  &r->number);
	case RDD_CHECK_NO_FINDING_OF_SEVERITY:
		return param_name(l, rule, "severity", severities, &r->number);
	case RDD_CHECK_FINDING_ABSENT:
		return param_finding(l, rule, r);
	default:
		return 0;
	}
}

/* ---- Rules ------------------------------------------------------------- */

static const char *const rule_keys[] = {"id", "title", "source", "check", NULL};
static const char *const source_keys[] = {"document", "setting", NULL};

static int
parse_source(struct ld *l, const json_t *rule, struct rdd_policy_rule *r)
{
	json_t *s = json_object_get(rule, "source");
	size_t len = strlen(l->where);
	int rc;

	if (s == NULL)
		return fail(l, "missing key \"source\"");
	if (!json_is_object(s))
		return fail(l, "\"source\" must be an object with \"document\" "
		               "and \"setting\"");
	snprintf(l->where + len, sizeof(l->where) - len, ".source");
	rc = known_keys(l, s, source_keys, NULL, "a source");
	if (rc == 0)
		rc = text(l, s, "document", RDD_POLICY_TEXT_MAX, 0,
		          &r->document);
	if (rc == 0)
		rc = text(l, s, "setting", RDD_POLICY_TEXT_MAX, 0, &r->setting);
	l->where[len] = '\0';
	return rc;
}

static int
parse_rule(struct ld *l, const json_t *rule, size_t idx,
           struct rdd_policy_rule *r)
{
	const char *id, *check;
	char b[64];
	int k;

	snprintf(l->where, sizeof(l->where), "rules[%zu]", idx);
	if (!json_is_object(rule))
		return fail(l, "a rule must be an object");
	id = json_string_value(json_object_get(rule, "id"));
	if (id == NULL)
		return fail(l, "missing string \"id\"");
	if (!valid_id(id))
		return fail(l,
		            "id \"%s\": use 1 to %d of a-z 0-9 . _ - "
		            "(starting with a letter or digit)",
		            shown(b, sizeof(b), id), RDD_POLICY_ID_MAX);
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(l->where, sizeof(l->where), "rules[%zu] (\"%s\")", idx, id);
	check = json_string_value(json_object_get(rule, "check"));
	if (check == NULL)
		return fail(l, "missing string \"check\"");
	if ((k = rdd_policy_lookup(rdd_policy_check_names, check)) < 0)
		return fail(l, "unknown check \"%s\"",
		            shown(b, sizeof(b), check));
	r->check = (enum rdd_policy_check)k;
	if (known_keys(l, rule, rule_keys, kind_keys[k], "this rule") != 0 ||
	    text(l, rule, "title", RDD_POLICY_TEXT_MAX, 0, &r->title) != 0 ||
	    parse_source(l, rule, r) != 0 || parse_params(l, rule, r) != 0)
		return -1;
	return 0;
}

static int
find_rule(const struct rdd_policy *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->rules[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* The file's rules: a rule with a base rule's id replaces it; BASE_N
 * rules came from the base. */
static int
parse_rules(struct ld *l, const json_t *rules, struct rdd_policy *p,
            size_t base_n)
{
	struct rdd_policy_rule r;
	uint64_t replaced = 0; /* base rules the file replaced */
	json_t *e;
	size_t i;

	json_array_foreach(rules, i, e)
	{
		int at;

		memset(&r, 0, sizeof(r));
		if (parse_rule(l, e, i, &r) != 0) {
			rule_clear(&r);
			return -1;
		}
		at = find_rule(p, r.id);
		if (at >= 0 && ((size_t)at >= base_n ||
		                (replaced & (UINT64_C(1) << at)) != 0)) {
			rule_clear(&r);
			return fail(l, "a second rule with this id");
		}
		if (at < 0 && p->n == RDD_POLICY_MAX_RULES) {
			rule_clear(&r);
			return fail(l, "more than %d rules",
			            RDD_POLICY_MAX_RULES);
		}
		if (at < 0)
			at = (int)p->n++;
		else
			replaced |= UINT64_C(1) << at;
		rule_clear(&p->rules[at]);
		p->rules[at] = r;
	}
	return 0;
}

/* "omit": ids of base rules to drop. */
static int
omit_rules(struct ld *l, const json_t *omit, struct rdd_policy *p)
{
	json_t *e;
	size_t i;
	char b[64];

	if (!json_is_array(omit))
		return fail(l, "\"omit\" must be an array of rule ids");
	json_array_foreach(omit, i, e)
	{
		const char *id = json_string_value(e);
		int at = id != NULL ? find_rule(p, id) : -1;

		if (at < 0)
			return fail(l, "omit[%zu]: no rule \"%s\" in the base",
			            i,
			            id != NULL ? shown(b, sizeof(b), id) : "?");
		rule_clear(&p->rules[at]);
		memmove(&p->rules[at], &p->rules[at + 1],
		        (p->n - (size_t)at - 1) * sizeof(p->rules[0]));
		p->n--;
		memset(&p->rules[p->n], 0, sizeof(p->rules[0]));
	}
	return 0;
}

static const char *const top_keys[] = {"schema", "name",  "description", "base",
                                       "omit",   "rules", NULL};

/* The base's rules into P ("base": "builtin"). */
static int
load_base(struct ld *l, const json_t *top, struct rdd_policy *p)
{
	json_t *base = json_object_get(top, "base");
	struct rdd_policy *b;

	if (base == NULL)
		return 0;
	if (!json_is_string(base) ||
	    strcmp(json_string_value(base), "builtin") != 0)
		return fail(l, "\"base\" must be \"builtin\"");
	if ((b = rdd_policy_builtin()) == NULL)
		return fail(l, "out of memory");
	memcpy(p->rules, b->rules, b->n * sizeof(b->rules[0]));
	p->n = b->n;
	b->n = 0; /* the strings now belong to P */
	rdd_policy_free(b);
	return 0;
}

static int
parse_top(struct ld *l, const json_t *top, struct rdd_policy *p)
{
	json_t *schema, *rules, *omit;
	size_t base_n;

	if (!json_is_object(top))
		return fail(l, "a policy is a JSON object");
	if (known_keys(l, top, top_keys, NULL, "the policy") != 0)
		return -1;
	schema = json_object_get(top, "schema");
	if (schema != NULL &&
	    (!json_is_integer(schema) || json_integer_value(schema) != 1))
		return fail(l, "\"schema\" must be 1");
	if (text(l, top, "name", RDD_POLICY_TEXT_MAX, 0, &p->name) != 0 ||
	    text(l, top, "description", 1000, 1, &p->description) != 0 ||
	    load_base(l, top, p) != 0)
		return -1;
	base_n = p->n;
	omit = json_object_get(top, "omit");
	if (omit != NULL && base_n == 0)
		return fail(l, "\"omit\" needs \"base\"");
	if (omit != NULL && omit_rules(l, omit, p) != 0)
		return -1;
	base_n = p->n;
	rules = json_object_get(top, "rules");
	if (rules == NULL && json_object_get(top, "base") == NULL)
		return fail(l, "missing key \"rules\"");
	if (rules != NULL && !json_is_array(rules))
		return fail(l, "\"rules\" must be an array");
	if (rules != NULL && parse_rules(l, rules, p, base_n) != 0)
		return -1;
	l->where[0] = '\0';
	if (p->n == 0)
		return fail(l, "the policy has no rule");
	return 0;
}

struct rdd_policy *
rdd_policy_load_buffer(const char *textbuf, size_t len, const char *name,
                       char *err, size_t errlen)
{
	struct ld l = {.err = err, .cap = errlen, .file = name};
	struct rdd_policy *p;
	json_error_t je;
	json_t *top;

	if (errlen > 0)
		err[0] = '\0';
	top = json_loadb(textbuf, len, JSON_REJECT_DUPLICATES, &je);
	if (top == NULL) {
		if (errlen > 0)
			snprintf(err, errlen, "%s:%d:%d: %s", name, je.line,
			         je.column, je.text);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		fail(&l, "out of memory");
	} else if (parse_top(&l, top, p) != 0) {
		rdd_policy_free(p);
		p = NULL;
	}
	json_decref(top);
	return p;
}

struct rdd_policy *
rdd_policy_load_file(const char *path, char *err, size_t errlen)
{
	struct ld l = {.err = err, .cap = errlen, .file = path};
	struct rdd_policy *p = NULL;
	char *buf;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		fail(&l, "%s", strerror(errno));
		return NULL;
	}
	buf = malloc(RDD_POLICY_MAX_FILE + 1);
	if (buf == NULL) {
		fail(&l, "out of memory");
	} else {
		n = fread(buf, 1, RDD_POLICY_MAX_FILE + 1, f);
		if (ferror(f))
			fail(&l, "read error");
		else if (n > RDD_POLICY_MAX_FILE)
			fail(&l, "larger than %d bytes", RDD_POLICY_MAX_FILE);
		else
			p = rdd_policy_load_buffer(buf, n, path, err, errlen);
	}
	free(buf);
	fclose(f);
	return p;
}

void
rdd_policy_free(struct rdd_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		rule_clear(&p->rules[i]);
	free(p->name);
	free(p->description);
	free(p);
}
