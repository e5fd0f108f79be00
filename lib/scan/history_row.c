/*
 * history_row.c - one `check --json` document (docs/json.md) turned into a
 * row of the history's results table: the whole document as its NDJSON
 * line, and the columns worth an index (history_int.h).
 *
 * The certificate's identity is tls.certificate.sha256, the fingerprint
 * of its DER encoding that every document with a certificate carries.
 * Strings are copied as the document holds them: the report layer made
 * them valid UTF-8, and whoever prints them escapes them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rdpdoctor/report.h"
#include "scan/history_int.h"

/* A copy of OBJ[KEY] when it is a string; NULL otherwise. */
static char *
dup_str(const json_t *obj, const char *key, int *oom)
{
	const char *s = json_string_value(json_object_get(obj, key));
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = 1;
	return d;
}

/* OBJ[KEY] when it is an integer. */
static bool
get_int(const json_t *obj, const char *key, long *v)
{
	const json_t *j = json_object_get(obj, key);

	if (!json_is_integer(j))
		return false;
	*v = (long)json_integer_value(j);
	return true;
}

/* The accepted versions of tls.versions[] (--tls-full), joined by spaces;
 * NULL when none is listed. */
static char *
accepted_versions(const json_t *tls, int *oom)
{
	const json_t *arr = json_object_get(tls, "versions");
	size_t i, len = 0;
	const json_t *v;
	char *s;

	json_array_foreach(arr, i, v)
	{
		const char *name =
		    json_string_value(json_object_get(v, "version"));

		if (name != NULL &&
		    json_is_true(json_object_get(v, "accepted")))
			len += strlen(name) + 1;
	}
	if (len == 0)
		return NULL;
	s = malloc(len);
	if (s == NULL) {
		*oom = 1;
		return NULL;
	}
	s[0] = '\0';
	json_array_foreach(arr, i, v)
	{
		const char *name =
		    json_string_value(json_object_get(v, "version"));

		if (name == NULL ||
		    !json_is_true(json_object_get(v, "accepted")))
			continue;
		if (s[0] != '\0')
			strcat(s, " ");
		strcat(s, name);
	}
	return s;
}

/* The document as its NDJSON line (rdd_report_json_line: the same
 * escaping as `check --json`), without the newline. */
static char *
document_line(const json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (f == NULL)
		return NULL;
	rc = rdd_report_json_line(f, doc);
	if (fclose(f) != 0 || rc != 0 || len == 0) {
		free(buf);
		return NULL;
	}
	buf[len - 1] = '\0'; /* the newline */
	return buf;
}

static int
findings_from_doc(struct rdd__hrow *r, const json_t *arr, int *oom)
{
	size_t i, n = json_array_size(arr);
	const json_t *f;

	if (n == 0)
		return 0;
	r->findings = calloc(n, sizeof(*r->findings));
	if (r->findings == NULL) {
		*oom = 1;
		return -1;
	}
	json_array_foreach(arr, i, f)
	{
		struct rdd__hfinding *x = &r->findings[r->n_findings];

		if (json_string_value(json_object_get(f, "id")) == NULL)
			continue; /* not a finding: nothing to index */
		x->id = dup_str(f, "id", oom);
		x->severity = dup_str(f, "severity", oom);
		x->phase = dup_str(f, "phase", oom);
		r->n_findings++;
	}
	return 0;
}

int
rdd__hrow_from_doc(struct rdd__hrow *r, const char *target, const json_t *doc,
                   const char **why)
{
	const json_t *tgt, *verdict, *tls, *cert, *credssp;
	int oom = 0;

	memset(r, 0, sizeof(*r));
	*why = NULL;
	tgt = json_object_get(doc, "target");
	verdict = json_object_get(doc, "verdict");
	if (!json_is_object(doc) || !json_is_object(tgt)) {
		*why = "no target object";
		return -2;
	}
	if (!get_int(tgt, "port", &r->port) || r->port < 1 || r->port > 65535) {
		*why = "no target.port from 1 to 65535";
		return -2;
	}
	if (json_string_value(json_object_get(verdict, "status")) == NULL) {
		*why = "no verdict.status";
		return -2;
	}
	if (target == NULL)
		target = json_string_value(json_object_get(tgt, "host"));
	if (target == NULL || target[0] == '\0') {
		*why = "no target given and no target.host";
		return -2;
	}
	r->target = strdup(target);
	if (r->target == NULL)
		return -1;

	r->address = dup_str(tgt, "address", &oom);
	r->checked_at = dup_str(doc, "checked_at", &oom);
	r->status = dup_str(verdict, "status", &oom);
	r->failed_phase = dup_str(verdict, "failed_phase", &oom);

	tls = json_object_get(doc, "tls");
	cert = json_object_get(tls, "certificate");
	r->tls_version = dup_str(tls, "version", &oom);
	r->tls_versions = accepted_versions(tls, &oom);
	if (json_is_object(cert)) {
		r->cert_sha256 = dup_str(cert, "sha256", &oom);
		r->cert_subject = dup_str(cert, "subject", &oom);
		r->cert_issuer = dup_str(cert, "issuer", &oom);
		r->cert_not_after = dup_str(cert, "not_after", &oom);
		r->has_days_left =
		    get_int(cert, "days_left", &r->cert_days_left);
	}
	credssp = json_object_get(doc, "credssp");
	r->has_credssp =
	    get_int(credssp, "server_version", &r->credssp_version);

	findings_from_doc(r, json_object_get(doc, "findings"), &oom);
	r->document = document_line(doc);
	if (r->document == NULL)
		oom = 1;
	return oom ? -1 : 0;
}

void
rdd__hrow_free(struct rdd__hrow *r)
{
	size_t i;

	for (i = 0; i < r->n_findings; i++) {
		free(r->findings[i].id);
		free(r->findings[i].severity);
		free(r->findings[i].phase);
	}
	free(r->findings);
	free(r->target);
	free(r->address);
	free(r->checked_at);
	free(r->status);
	free(r->failed_phase);
	free(r->cert_sha256);
	free(r->cert_subject);
	free(r->cert_issuer);
	free(r->cert_not_after);
	free(r->tls_version);
	free(r->tls_versions);
	free(r->document);
	memset(r, 0, sizeof(*r));
}
