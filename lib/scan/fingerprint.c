/*
 * fingerprint.c - a host's configuration from its check document
 * (fingerprint.h). Arrays are sorted and made distinct here; strings are
 * copied as the document has them (untrusted: the report escapes them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/docfield.h"
#include "scan/fingerprint.h"

const char *const rdd_fingerprint_fields[] = {
    "protocols",   "nla_required", "tls.versions",
    "tls.version", "tls.ciphers",  "credssp.version",
    "cert.issuer", "rdp.version",  "rdp.encryption_level",
    NULL};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The strings collected in S (N of them, borrowed) as a sorted array of
 * distinct strings. */
static json_t *
sorted_set(const char **s, size_t n)
{
	json_t *a = json_array();

	if (a == NULL)
		return NULL;
	if (n > 1)
		qsort(s, n, sizeof(*s), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(s[i], s[i - 1]) == 0)
			continue;
		if (json_array_append_new(a, json_string(s[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/*
 * From each element of the array at PATH: the string under KEY, when
 * WANT_KEY is NULL or the element's WANT_KEY is true. NULL (and *ABSENT)
 * when PATH is not an array.
 */
static json_t *
collect(const json_t *doc, const char *path, const char *key,
        const char *want_key, int *absent)
{
	json_t *arr = rdd_doc_get(doc, path), *e, *out;
	const char **s;
	size_t i, n = 0;

	*absent = !json_is_array(arr);
	if (*absent)
		return NULL;
	s = malloc((json_array_size(arr) + 1) * sizeof(*s));
	if (s == NULL)
		return NULL;
	json_array_foreach(arr, i, e)
	{
		const char *v = json_string_value(json_object_get(e, key));

		if (v != NULL && (want_key == NULL ||
		                  json_is_true(json_object_get(e, want_key))))
			s[n++] = v;
	}
	out = sorted_set(s, n);
	free(s);
	return out;
}

/* The selected protocols of the answered attempts; "RDP" for an answer
 * without negotiation data (a server that has nothing else). */
static json_t *
protocols(const json_t *doc, int *absent)
{
	json_t *arr = rdd_doc_get(doc, "negotiation.attempts"), *e, *out;
	const char **s;
	size_t i, n = 0;

	*absent = 1;
	if (!json_is_array(arr))
		return NULL;
	s = malloc((json_array_size(arr) + 1) * sizeof(*s));
	if (s == NULL)
		return NULL;
	json_array_foreach(arr, i, e)
	{
		const char *x = json_string_value(json_object_get(e, "x224"));
		const char *v =
		    json_string_value(json_object_get(e, "selected_name"));

		if (x != NULL && strcmp(x, "no_negotiation_data") == 0)
			v = "RDP";
		else if (x == NULL || strcmp(x, "response") != 0)
			v = NULL;
		if (v != NULL)
			s[n++] = v;
	}
	*absent = n == 0;
	out = n > 0 ? sorted_set(s, n) : NULL;
	free(s);
	return out;
}

static json_t *
rdp_version(const json_t *doc)
{
	const char *name = rdd_doc_string(doc, "mcs.rdp_version");
	json_t *raw = rdd_doc_get(doc, "mcs.server_version_raw");
	char buf[16];

	if (name != NULL)
		return json_string(name);
	if (!json_is_integer(raw))
		return NULL;
	snprintf(buf, sizeof(buf), "0x%08llx",
	         (unsigned long long)json_integer_value(raw) & 0xffffffffu);
	return json_string(buf);
}

static json_t *
encryption_level(const json_t *doc)
{
	const char *name = rdd_doc_string(doc, "mcs.encryption_level_name");
	json_t *lv = rdd_doc_get(doc, "mcs.encryption_level");

	if (name != NULL)
		return json_string(name);
	return json_is_integer(lv) ? json_integer(json_integer_value(lv))
	                           : NULL;
}

/* A copy of the value at PATH when it has TYPE (json_is_* result). */
static json_t *
copy_if(const json_t *doc, const char *path, int (*is)(const json_t *))
{
	json_t *v = rdd_doc_get(doc, path);

	return v != NULL && is(v) ? json_deep_copy(v) : NULL;
}

static int
is_string(const json_t *v)
{
	return json_is_string(v);
}

static int
is_integer(const json_t *v)
{
	return json_is_integer(v);
}

static int
is_boolean(const json_t *v)
{
	return json_is_boolean(v);
}

/* Put V under KEY unless it is NULL because the data is absent; a NULL V
 * with the data present means out of memory. */
static int
put(json_t *fp, const char *key, json_t *v, int absent)
{
	if (v == NULL)
		return absent ? 0 : -1;
	return json_object_set_new(fp, key, v);
}

json_t *
rdd_fingerprint(const json_t *doc)
{
	json_t *fp = json_object(), *v;
	int absent, err = fp == NULL, no_versions;

	if (err)
		return NULL;
	v = protocols(doc, &absent);
	err |= put(fp, "protocols", v, absent);
	v = copy_if(doc, "negotiation.nla_required", is_boolean);
	err |= put(fp, "nla_required", v, 1);
	v = collect(doc, "tls.versions", "version", "accepted", &no_versions);
	err |= put(fp, "tls.versions", v, no_versions);
	if (no_versions) {
		v = copy_if(doc, "tls.version", is_string);
		err |= put(fp, "tls.version", v, 1);
	}
	v = collect(doc, "tls.ciphers", "name", NULL, &absent);
	err |= put(fp, "tls.ciphers", v, absent);
	v = copy_if(doc, "credssp.server_version", is_integer);
	err |= put(fp, "credssp.version", v, 1);
	v = copy_if(doc, "tls.certificate.issuer", is_string);
	err |= put(fp, "cert.issuer", v, 1);
	err |= put(fp, "rdp.version", rdp_version(doc), 1);
	err |= put(fp, "rdp.encryption_level", encryption_level(doc), 1);
	if (err) {
		json_decref(fp);
		return NULL;
	}
	return fp;
}
