/*
 * history_json.c - what changed between two scans as one JSON document
 * (history_diff.h). docs/history.md lists the keys; add keys, never
 * rename them.
 *
 * The whole tree is built first and written only when every value was
 * made. Strings read back from the database are made valid UTF-8 (the
 * file may have been edited since), and the document is written with
 * every non-ASCII character escaped, DEL included, as `explain --json`.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rdpdoctor/report.h"
#include "scan/history_diff.h"

#define DIFF_SCHEMA 1

/* Build state: the first failure sticks. */
struct jb {
	bool err;
};

static void
put(struct jb *b, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		b->err = true;
}

static void
push(struct jb *b, json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) != 0)
		b->err = true;
}

/* S as a valid UTF-8 string, or null. */
static json_t *
str(const char *s)
{
	size_t cap;
	char *clean;
	json_t *v;

	if (s == NULL)
		return json_null();
	cap = 3 * strlen(s) + 1; /* each bad byte may become U+FFFD */
	clean = malloc(cap);
	if (clean == NULL)
		return NULL;
	v = json_string(rdd_sanitize_utf8(clean, cap, s));
	free(clean);
	return v;
}

static json_t *
ids(struct jb *b, const char *const *id, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		push(b, arr, str(id[i]));
	return arr;
}

/* {"target", "port"}: the start of every host entry. */
static json_t *
host(struct jb *b, const struct rdd_history_change *c)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put(b, o, "target", str(c->target));
	put(b, o, "port", json_integer(c->port));
	return o;
}

static json_t *
verdict(struct jb *b, const struct rdd_history_side *s)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put(b, o, "status", str(s->status));
	put(b, o, "failed_phase", str(s->failed_phase));
	return o;
}

static json_t *
cert(struct jb *b, const struct rdd_history_cert *c)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put(b, o, "sha256", str(c->sha256));
	put(b, o, "subject", str(c->subject));
	put(b, o, "issuer", str(c->issuer));
	put(b, o, "not_after", str(c->not_after));
	return o;
}

/* The entry of one host in the array of kind BIT. */
static json_t *
entry(struct jb *b, const struct rdd_history_change *c, unsigned bit)
{
	const struct rdd_history_side *s =
	    bit == RDD_HCHG_GONE ? &c->old : &c->now;
	json_t *o = host(b, c);

	if (o == NULL)
		return NULL;
	switch (bit) {
	case RDD_HCHG_NEW_FAILURE:
	case RDD_HCHG_FIXED:
	case RDD_HCHG_VERDICT:
		put(b, o, "address", str(c->now.address));
		put(b, o, "from", verdict(b, &c->old));
		put(b, o, "to", verdict(b, &c->now));
		put(b, o, "findings",
		    ids(b, (const char *const *)c->now.findings,
		        c->now.n_findings));
		break;
	case RDD_HCHG_FINDINGS:
		put(b, o, "appeared", ids(b, c->appeared, c->n_appeared));
		put(b, o, "disappeared",
		    ids(b, c->disappeared, c->n_disappeared));
		break;
	case RDD_HCHG_CERT:
		put(b, o, "from", cert(b, &c->old.cert));
		put(b, o, "to", cert(b, &c->now.cert));
		break;
	case RDD_HCHG_EXPIRING:
		put(b, o, "sha256", str(c->now.cert.sha256));
		put(b, o, "subject", str(c->now.cert.subject));
		put(b, o, "issuer", str(c->now.cert.issuer));
		put(b, o, "not_after", str(c->now.cert.not_after));
		put(b, o, "days_left", json_integer(c->now.cert.days_left));
		put(b, o, "expired", json_boolean(c->now.cert.days_left < 0));
		break;
	case RDD_HCHG_GONE:
	case RDD_HCHG_NEW:
		put(b, o, "address", str(s->address));
		put(b, o, "status", str(s->status));
		put(b, o, "failed_phase", str(s->failed_phase));
		put(b, o, "findings",
		    ids(b, (const char *const *)s->findings, s->n_findings));
		break;
	}
	return o;
}

static json_t *
scan(struct jb *b, const struct rdd_history_scan_info *i)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put(b, o, "id", json_integer(i->id));
	put(b, o, "started_at", str(i->started_at));
	put(b, o, "ended_at", str(i->ended_at));
	put(b, o, "complete", json_boolean(i->complete));
	put(b, o, "hosts", json_integer(i->hosts));
	put(b, o, "tool_version", str(i->tool_version));
	put(b, o, "arguments", str(i->arguments));
	return o;
}

/* The kinds of change in bit order: their keys in "summary" and as
 * arrays. */
static const char *const kind_keys[RDD_HCHG_KINDS] = {
    "new_failures",         "fixed",
    "verdict_changes",      "findings_changed",
    "certificates_changed", "certificates_expiring",
    "hosts_gone",           "hosts_new",
};

json_t *
rdd_history_diff_json(const struct rdd_history_diff *d)
{
	struct jb b = {false};
	json_t *root = json_object(), *tool, *sum;
	unsigned k;
	size_t i;

	tool = json_object();
	sum = json_object();
	put(&b, tool, "name", json_string("rdpdoctor"));
	put(&b, tool, "version", json_string(RDD_VERSION));
	put(&b, root, "schema", json_integer(DIFF_SCHEMA));
	put(&b, root, "tool", tool);
	put(&b, root, "command", json_string("diff"));
	put(&b, root, "from", scan(&b, &d->from));
	put(&b, root, "to", scan(&b, &d->to));
	put(&b, root, "expire_days", json_integer(d->expire_days));
	put(&b, sum, "changed", json_integer((json_int_t)d->n));
	put(&b, sum, "unchanged", json_integer((json_int_t)d->unchanged));
	for (k = 0; k < RDD_HCHG_KINDS; k++)
		put(&b, sum, kind_keys[k],
		    json_integer((json_int_t)d->count[k]));
	put(&b, root, "summary", sum);
	for (k = 0; k < RDD_HCHG_KINDS; k++) {
		json_t *arr = json_array();

		for (i = 0; arr != NULL && i < d->n; i++)
			if (d->c[i].what & (1u << k))
				push(&b, arr, entry(&b, &d->c[i], 1u << k));
		put(&b, root, kind_keys[k], arr);
	}
	if (root == NULL || b.err) {
		json_decref(root);
		return NULL;
	}
	return root;
}

int
rdd_history_diff_write_json(FILE *out, const struct rdd_history_diff *d)
{
	json_t *root = rdd_history_diff_json(d);
	char *text = NULL, *p;
	int rc = -1;

	if (root == NULL)
		return -1;
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                            JSON_ENSURE_ASCII);
	if (text == NULL)
		goto out;
	/* jansson leaves DEL raw even with JSON_ENSURE_ASCII. */
	for (p = text; *p != '\0'; p++) {
		if (*p == 0x7F ? fputs("\\u007F", out) < 0
		               : fputc(*p, out) == EOF)
			goto out;
	}
	if (fputc('\n', out) != EOF && !ferror(out))
		rc = 0;
out:
	free(text);
	json_decref(root);
	return rc;
}
