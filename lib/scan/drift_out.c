/*
 * drift_out.c - the drift report as text and JSON (drift.h).
 *
 * Names and values come from the documents (untrusted): text goes through
 * rdd_escape_terminal; JSON keeps them as the documents had them (jansson
 * read them, so they are valid UTF-8).
 */
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/report.h"
#include "scan/drift_int.h"
#include "scan/fingerprint.h"

#define NFIELDS 16

/* The groups of every field and of whole fingerprints. */
struct analysis {
	size_t nf;
	struct rdd_drift_group *g[NFIELDS];
	size_t n[NFIELDS];
	struct rdd_drift_group *conf;
	size_t nconf;
};

static void
analysis_free(struct analysis *a)
{
	for (size_t i = 0; i < a->nf; i++)
		rdd__drift_groups_free(a->g[i], a->n[i]);
	rdd__drift_groups_free(a->conf, a->nconf);
}

static int
analyze(const struct rdd_drift *d, struct analysis *a)
{
	memset(a, 0, sizeof(*a));
	for (; rdd_fingerprint_fields[a->nf] != NULL && a->nf < NFIELDS;
	     a->nf++) {
		if (rdd__drift_groups(d, rdd_fingerprint_fields[a->nf],
		                      &a->g[a->nf], &a->n[a->nf]) != 0) {
			a->nf++;
			analysis_free(a);
			return -1;
		}
	}
	if (rdd__drift_groups(d, NULL, &a->conf, &a->nconf) != 0) {
		analysis_free(a);
		return -1;
	}
	return 0;
}

/* Some host has field I (not every value is null). */
static int
field_seen(const struct analysis *a, size_t i)
{
	return a->n[i] > 1 ||
	       (a->n[i] == 1 && strcmp(a->g[i][0].canon, "null") != 0);
}

/* The majority is tied with the next group. */
static int
tie(const struct rdd_drift_group *g, size_t n)
{
	return n > 1 && g[0].count == g[1].count;
}

/* Whether the sorted string array A holds S. */
static int
has(const json_t *a, const char *s)
{
	const json_t *e;
	size_t i;

	json_array_foreach((json_t *)a, i, e)
	{
		const char *v = json_string_value(e);

		if (v != NULL && strcmp(v, s) == 0)
			return 1;
	}
	return 0;
}

/* The strings of A not in B, as a new array. */
static json_t *
minus(const json_t *a, const json_t *b)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach((json_t *)a, i, e)
	{
		const char *v = json_string_value(e);

		if (out != NULL && v != NULL && !has(b, v) &&
		    json_array_append_new(out, json_string(v)) != 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* ---- Text ------------------------------------------------------------- */

static void
put_escaped(FILE *out, const char *s)
{
	size_t cap = 4 * strlen(s) + 1;
	char *buf = malloc(cap);

	if (buf == NULL) {
		fputs("?", out);
		return;
	}
	fputs(rdd_escape_terminal(buf, cap, s), out);
	free(buf);
}

static void
put_value(FILE *out, const json_t *v)
{
	const json_t *e;
	size_t i;

	if (json_is_string(v)) {
		put_escaped(out, json_string_value(v));
	} else if (json_is_integer(v)) {
		fprintf(out, "%lld", (long long)json_integer_value(v));
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "true" : "false", out);
	} else if (json_is_array(v)) {
		if (json_array_size(v) == 0)
			fputs("(empty)", out);
		json_array_foreach((json_t *)v, i, e)
		{
			if (i > 0)
				fputs(", ", out);
			put_value(out, e);
		}
	} else {
		fputs("(none)", out);
	}
}

static void
put_hosts(FILE *out, const char *const *hosts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", out);
		put_escaped(out, hosts[i]);
	}
}

static const char *
hosts_word(size_t n)
{
	return n == 1 ? "host" : "hosts";
}

/* "K hosts also A, without B" (arrays: what the group has more or less
 * than the majority), or "K hosts: VALUE". */
static void
put_minority(FILE *out, const struct rdd_drift_group *maj,
             const struct rdd_drift_group *g)
{
	json_t *add = NULL, *rem = NULL;

	fprintf(out, "%zu %s", g->count, hosts_word(g->count));
	if (json_is_array(maj->value) && json_is_array(g->value) &&
	    json_array_size(g->value) > 0) {
		add = minus(g->value, maj->value);
		rem = minus(maj->value, g->value);
	}
	if (add != NULL && rem != NULL &&
	    json_array_size(add) + json_array_size(rem) > 0) {
		if (json_array_size(add) > 0) {
			fputs(" also ", out);
			put_value(out, add);
		}
		if (json_array_size(rem) > 0) {
			fputs(json_array_size(add) > 0 ? ", without "
			                               : " without ",
			      out);
			put_value(out, rem);
		}
	} else {
		fputs(": ", out);
		put_value(out, g->value);
	}
	fputs(": ", out);
	put_hosts(out, g->hosts, g->count);
	json_decref(add);
	json_decref(rem);
}

/* Whether configuration FP has another value of field I than the field's
 * majority: 1, 0, or -1 when out of memory. */
static int
field_differs(const struct analysis *a, size_t i, const json_t *fp)
{
	const json_t *v = json_object_get(fp, rdd_fingerprint_fields[i]);
	char *c = json_dumps(v != NULL ? v : json_null(),
	                     JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	int rc;

	if (c == NULL)
		return -1;
	rc = a->n[i] > 0 && strcmp(c, a->g[i][0].canon) != 0;
	free(c);
	return rc;
}

/* ", differs in F1, F2" for configuration FP, when it differs. */
static void
put_differs(FILE *out, const struct analysis *a, const json_t *fp)
{
	size_t k = 0;

	for (size_t i = 0; i < a->nf; i++) {
		if (field_differs(a, i, fp) != 1)
			continue;
		fprintf(out, "%s%s", k++ > 0 ? ", " : ", differs in ",
		        rdd_fingerprint_fields[i]);
	}
}

int
rdd_drift_text(FILE *out, const struct rdd_drift *d)
{
	struct analysis a;
	const char **un;

	if (analyze(d, &a) != 0)
		return -1;
	fprintf(out, "drift: %zu %s reached, %zu unreachable; %zu %s\n", d->n,
	        hosts_word(d->n), d->n_unreachable, a.nconf,
	        a.nconf == 1 ? "configuration" : "configurations");
	for (size_t i = 0; i < a.nf; i++) {
		if (a.n[i] < 2)
			continue;
		fprintf(
		    out, "%s: %zu of %zu hosts%s: ", rdd_fingerprint_fields[i],
		    a.g[i][0].count, d->n, tie(a.g[i], a.n[i]) ? " (tie)" : "");
		put_value(out, a.g[i][0].value);
		for (size_t k = 1; k < a.n[i]; k++) {
			fputs("; ", out);
			put_minority(out, &a.g[i][0], &a.g[i][k]);
		}
		fputs("\n", out);
	}
	for (size_t c = 1; c < a.nconf; c++) {
		fprintf(out, "configuration %zu of %zu: %zu %s", c + 1, a.nconf,
		        a.conf[c].count, hosts_word(a.conf[c].count));
		put_differs(out, &a, a.conf[c].value);
		fputs(": ", out);
		put_hosts(out, a.conf[c].hosts, a.conf[c].count);
		fputs("\n", out);
	}
	un = rdd__drift_unreachable_sorted(d);
	if (un != NULL && d->n_unreachable > 0) {
		fputs("unreachable: ", out);
		put_hosts(out, un, d->n_unreachable);
		fputs("\n", out);
	}
	free(un);
	analysis_free(&a);
	return un == NULL || ferror(out) ? -1 : 0;
}

/* ---- JSON --------------------------------------------------------------- */

/* Set KEY of O to V (a new reference); a NULL V or O marks ERR. */
static void
put(int *err, json_t *o, const char *key, json_t *v)
{
	if (v == NULL || o == NULL) {
		json_decref(v);
		*err = 1;
	} else if (json_object_set_new(o, key, v) != 0) {
		*err = 1;
	}
}

static void
push(int *err, json_t *arr, json_t *v)
{
	if (v == NULL || arr == NULL) {
		json_decref(v);
		*err = 1;
	} else if (json_array_append_new(arr, v) != 0) {
		*err = 1;
	}
}

static json_t *
names(int *err, const char *const *s, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		push(err, a, json_string(s[i]));
	if (a == NULL)
		*err = 1;
	return a;
}

static json_t *
value_copy(const json_t *v)
{
	return json_deep_copy(v);
}

static json_t *
field_json(int *err, const struct rdd_drift_group *g, size_t n,
           const char *field)
{
	json_t *o = json_object(), *maj = json_object(), *mins = json_array();

	put(err, o, "field", json_string(field));
	put(err, maj, "value", value_copy(g[0].value));
	put(err, maj, "count", json_integer((json_int_t)g[0].count));
	put(err, maj, "tie", json_boolean(tie(g, n)));
	put(err, o, "majority", maj);
	for (size_t k = 1; k < n; k++) {
		json_t *m = json_object();
		int arrays =
		    json_is_array(g[0].value) && json_is_array(g[k].value);

		put(err, m, "value", value_copy(g[k].value));
		put(err, m, "count", json_integer((json_int_t)g[k].count));
		put(err, m, "added",
		    arrays ? minus(g[k].value, g[0].value) : json_null());
		put(err, m, "removed",
		    arrays ? minus(g[0].value, g[k].value) : json_null());
		put(err, m, "hosts", names(err, g[k].hosts, g[k].count));
		push(err, mins, m);
	}
	put(err, o, "minorities", mins);
	return o;
}

static json_t *
differs_json(int *err, const struct analysis *a, const json_t *fp)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < a->nf; i++) {
		int rc = field_differs(a, i, fp);

		if (rc < 0)
			*err = 1;
		else if (rc == 1)
			push(err, arr, json_string(rdd_fingerprint_fields[i]));
	}
	if (arr == NULL)
		*err = 1;
	return arr;
}

json_t *
rdd_drift_json(const struct rdd_drift *d)
{
	json_t *o = json_object(), *maj = json_object(), *fields = json_array();
	json_t *confs = json_array();
	const char **un = rdd__drift_unreachable_sorted(d);
	struct analysis a;
	int err = un == NULL;

	if (analyze(d, &a) != 0) {
		err = 1;
		memset(&a, 0, sizeof(a));
	}
	put(&err, o, "hosts",
	    json_integer((json_int_t)(d->n + d->n_unreachable)));
	put(&err, o, "reached", json_integer((json_int_t)d->n));
	put(&err, o, "unreachable",
	    un != NULL ? names(&err, un, d->n_unreachable) : NULL);
	for (size_t i = 0; i < a.nf; i++) {
		if (field_seen(&a, i))
			put(&err, maj, rdd_fingerprint_fields[i],
			    value_copy(a.g[i][0].value));
		if (a.n[i] > 1)
			push(&err, fields,
			     field_json(&err, a.g[i], a.n[i],
			                rdd_fingerprint_fields[i]));
	}
	put(&err, o, "majority", maj);
	put(&err, o, "fields", fields);
	for (size_t c = 0; c < a.nconf; c++) {
		json_t *x = json_object();

		put(&err, x, "count",
		    json_integer((json_int_t)a.conf[c].count));
		put(&err, x, "differs_in",
		    differs_json(&err, &a, a.conf[c].value));
		put(&err, x, "fingerprint", value_copy(a.conf[c].value));
		put(&err, x, "hosts",
		    names(&err, a.conf[c].hosts, a.conf[c].count));
		push(&err, confs, x);
	}
	put(&err, o, "configurations", confs);
	analysis_free(&a);
	free(un);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}
