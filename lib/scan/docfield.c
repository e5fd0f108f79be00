/*
 * docfield.c - reading the check document (docfield.h).
 */
#include <stdio.h>
#include <string.h>

#include "scan/docfield.h"

json_t *
rdd_doc_get(const json_t *doc, const char *path)
{
	const json_t *v = doc;
	char key[64];

	while (v != NULL && *path != '\0') {
		size_t n = strcspn(path, ".");

		if (!json_is_object(v) || n == 0 || n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		path += n;
		if (*path == '.')
			path++;
	}
	return (json_t *)v;
}

const char *
rdd_doc_string(const json_t *doc, const char *path)
{
	return json_string_value(rdd_doc_get(doc, path));
}

json_t *
rdd_doc_phase(const json_t *doc, const char *name)
{
	json_t *phases = rdd_doc_get(doc, "phases"), *p;
	size_t i;

	json_array_foreach(phases, i, p)
	{
		const char *n = json_string_value(json_object_get(p, "phase"));

		if (n != NULL && strcmp(n, name) == 0)
			return p;
	}
	return NULL;
}

static bool
attempt_tcp_ok(const json_t *doc)
{
	json_t *attempts = rdd_doc_get(doc, "negotiation.attempts"), *a;
	size_t i;

	json_array_foreach(attempts, i, a)
	{
		const char *tcp = json_string_value(json_object_get(a, "tcp"));

		if (tcp != NULL && strcmp(tcp, "ok") == 0)
			return true;
	}
	return false;
}

/* "PHASE: DETAIL" of the first of resolve and tcp that is not ok. */
static void
why_not(const json_t *doc, char *why, size_t cap)
{
	static const char *const names[] = {"resolve", "tcp"};

	for (size_t i = 0; i < 2; i++) {
		json_t *p = rdd_doc_phase(doc, names[i]);
		const char *st =
		    json_string_value(json_object_get(p, "status"));
		const char *d = json_string_value(json_object_get(p, "detail"));

		if (st != NULL && strcmp(st, "ok") != 0) {
			snprintf(why, cap, "%s %s: %s", names[i], st,
			         d != NULL ? d : "");
			return;
		}
	}
	snprintf(why, cap, "no TCP connection was made");
}

bool
rdd_doc_reachable(const json_t *doc, char *why, size_t cap)
{
	json_t *tcp = rdd_doc_phase(doc, "tcp");
	const char *st = json_string_value(json_object_get(tcp, "status"));

	if ((st != NULL && strcmp(st, "ok") == 0) || attempt_tcp_ok(doc))
		return true;
	if (cap > 0)
		why_not(doc, why, cap);
	return false;
}

void
rdd_doc_utf8_clean(char *s)
{
	size_t r = 0, w = 0, need, k;
	unsigned char c;

	while (s[r] != '\0') {
		c = (unsigned char)s[r];
		need = c < 0x80    ? 1
		       : c >= 0xf0 ? 4
		       : c >= 0xe0 ? 3
		       : c >= 0xc0 ? 2
		                   : 0;
		for (k = 1; need > 1 && k < need; k++)
			if (((unsigned char)s[r + k] & 0xc0) != 0x80)
				break;
		if (need == 0 || k < need) {
			/* A stray continuation byte, or a lead byte whose
			 * sequence was cut: drop it and what is left of it. */
			r += need == 0 ? 1 : k;
			continue;
		}
		memmove(s + w, s + r, need);
		w += need;
		r += need;
	}
	s[w] = '\0';
}

void
rdd_doc_host_label(const json_t *doc, char *buf, size_t cap)
{
	const char *host = rdd_doc_string(doc, "target.host");
	json_t *port = rdd_doc_get(doc, "target.port");

	if (cap == 0)
		return;
	if (host == NULL || host[0] == '\0') {
		snprintf(buf, cap, "?");
		return;
	}
	if (!json_is_integer(port) || json_integer_value(port) == 3389)
		snprintf(buf, cap, "%s", host);
	else if (strchr(host, ':') != NULL)
		snprintf(buf, cap, "[%s]:%lld", host,
		         (long long)json_integer_value(port));
	else
		snprintf(buf, cap, "%s:%lld", host,
		         (long long)json_integer_value(port));
	rdd_doc_utf8_clean(buf);
}
