/*
 * scan_merge.c - the NDJSON of several scans as one (scan_merge.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "scan_merge.h"

/* The hosts seen so far: "HOST PORT" keys in a growing array, searched
 * with a hash of open addressing (a merge is at most a few million). */
struct seen {
	char **slot;
	size_t cap, n;
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int
grow(struct seen *t)
{
	size_t cap = t->cap ? 2 * t->cap : 1024, i, j;
	char **slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return -1;
	for (i = 0; i < t->cap; i++) {
		if (t->slot[i] == NULL)
			continue;
		for (j = hash(t->slot[i]) & (cap - 1); slot[j] != NULL;
		     j = (j + 1) & (cap - 1))
			;
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

/* 1: KEY is new (and now seen), 0: seen before, -1: out of memory. */
static int
first_time(struct seen *t, const char *key)
{
	size_t j;

	if (2 * (t->n + 1) > t->cap && grow(t) != 0)
		return -1;
	for (j = hash(key) & (t->cap - 1); t->slot[j] != NULL;
	     j = (j + 1) & (t->cap - 1))
		if (strcmp(t->slot[j], key) == 0)
			return 0;
	if ((t->slot[j] = strdup(key)) == NULL)
		return -1;
	t->n++;
	return 1;
}

static void
seen_free(struct seen *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->slot[i]);
	free(t->slot);
}

int
scan_merge(char **paths, size_t n, struct scan_out *o, size_t *hosts)
{
	struct seen seen = {NULL, 0, 0};
	char *line = NULL, key[300];
	size_t cap = 0, i, lineno;
	json_t *doc, *target;
	const char *host;
	FILE *f;
	int rc = 0, r;

	*hosts = 0;
	for (i = 0; i < n && rc == 0; i++) {
		f = strcmp(paths[i], "-") == 0 ? stdin : fopen(paths[i], "r");
		if (f == NULL) {
			fprintf(stderr, "rdpdoctor: cannot read '%s'\n",
			        paths[i]);
			rc = -1;
			break;
		}
		for (lineno = 1; getline(&line, &cap, f) > 0; lineno++) {
			doc = json_loads(line, 0, NULL);
			target = json_object_get(doc, "target");
			host =
			    json_string_value(json_object_get(target, "host"));
			if (host == NULL ||
			    !json_is_object(json_object_get(doc, "verdict"))) {
				fprintf(
				    stderr,
				    "rdpdoctor: %s:%zu: not a check document "
				    "(skipped)\n",
				    paths[i], lineno);
				json_decref(doc);
				continue;
			}
			snprintf(key, sizeof(key), "%s %lld", host,
			         (long long)json_integer_value(
			             json_object_get(target, "port")));
			r = first_time(&seen, key);
			if (r < 0) {
				json_decref(doc);
				rc = -1;
				break;
			}
			if (r == 1) {
				scan_out_doc(o, *hosts, doc);
				(*hosts)++;
			}
			json_decref(doc);
		}
		if (f != stdin)
			fclose(f);
	}
	free(line);
	seen_free(&seen);
	return rc;
}
