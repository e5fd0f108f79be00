/*
 * drift.c - collecting hosts' fingerprints and grouping them (drift.h).
 */
#include <stdlib.h>
#include <string.h>

#include "scan/docfield.h"
#include "scan/drift_int.h"
#include "scan/fingerprint.h"

#define CANON (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)

struct rdd_drift *
rdd_drift_new(void)
{
	return calloc(1, sizeof(struct rdd_drift));
}

void
rdd_drift_free(struct rdd_drift *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->hosts[i].label);
		free(d->hosts[i].key);
		json_decref(d->hosts[i].fp);
	}
	for (size_t i = 0; i < d->n_unreachable; i++)
		free(d->unreachable[i]);
	free(d->hosts);
	free(d->unreachable);
	free(d);
}

/* Room for one more element of SIZE in *ARR. */
static int
grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t nc;
	void *p;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	if (nc > ((size_t)-1) / size || (p = realloc(*arr, nc * size)) == NULL)
		return -1;
	*arr = p;
	*cap = nc;
	return 0;
}

int
rdd_drift_add(struct rdd_drift *d, const json_t *doc)
{
	struct rdd_drift_host h = {0};
	char label[512];

	if (!json_is_object(doc))
		return -1;
	rdd_doc_host_label(doc, label, sizeof(label));
	if (!rdd_doc_reachable(doc, NULL, 0)) {
		char *s;

		if (grow((void **)&d->unreachable, &d->cap_unreachable,
		         d->n_unreachable, sizeof(char *)) != 0 ||
		    (s = strdup(label)) == NULL)
			return -1;
		d->unreachable[d->n_unreachable++] = s;
		return 0;
	}
	h.label = strdup(label);
	h.fp = rdd_fingerprint(doc);
	h.key = h.fp != NULL ? json_dumps(h.fp, CANON) : NULL;
	if (h.label == NULL || h.key == NULL ||
	    grow((void **)&d->hosts, &d->cap, d->n, sizeof(d->hosts[0])) != 0) {
		free(h.label);
		free(h.key);
		json_decref(h.fp);
		return -1;
	}
	d->hosts[d->n++] = h;
	return 0;
}

struct entry {
	char *canon; /* owned (field) or borrowed (whole: the host's key) */
	const char *label;
	const json_t *value;
};

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->canon, y->canon);

	return c != 0 ? c : strcmp(x->label, y->label);
}

static int
cmp_group(const void *a, const void *b)
{
	const struct rdd_drift_group *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->canon, y->canon);
}

void
rdd__drift_groups_free(struct rdd_drift_group *g, size_t n)
{
	for (size_t i = 0; g != NULL && i < n; i++) {
		free(g[i].canon);
		free(g[i].hosts);
	}
	free(g);
}

/* Runs of equal canon in the sorted entries E become groups. */
static int
make_groups(const struct entry *e, size_t n, struct rdd_drift_group **out,
            size_t *ng)
{
	struct rdd_drift_group *g = calloc(n ? n : 1, sizeof(*g));
	size_t k = 0;

	if (g == NULL)
		return -1;
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && strcmp(e[j].canon, e[i].canon) == 0)
			j++;
		g[k].canon = strdup(e[i].canon);
		g[k].value = e[i].value;
		g[k].count = j - i;
		g[k].hosts = malloc((j - i) * sizeof(char *));
		if (g[k].canon == NULL || g[k].hosts == NULL) {
			rdd__drift_groups_free(g, k + 1);
			return -1;
		}
		for (size_t m = i; m < j; m++)
			g[k].hosts[m - i] = e[m].label;
		k++;
		i = j;
	}
	qsort(g, k, sizeof(*g), cmp_group);
	*out = g;
	*ng = k;
	return 0;
}

int
rdd__drift_groups(const struct rdd_drift *d, const char *field,
                  struct rdd_drift_group **out, size_t *n)
{
	struct entry *e = calloc(d->n ? d->n : 1, sizeof(*e));
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (e == NULL)
		return -1;
	for (size_t i = 0; i < d->n; i++) {
		const json_t *v = d->hosts[i].fp;

		if (field != NULL) {
			v = json_object_get(v, field);
			if (v == NULL)
				v = json_null();
		}
		e[i].label = d->hosts[i].label;
		e[i].value = v;
		e[i].canon =
		    field != NULL ? json_dumps(v, CANON) : d->hosts[i].key;
		if (e[i].canon == NULL)
			rc = -1;
	}
	if (rc == 0) {
		qsort(e, d->n, sizeof(*e), cmp_entry);
		rc = make_groups(e, d->n, out, n);
	}
	for (size_t i = 0; field != NULL && i < d->n; i++)
		free(e[i].canon);
	free(e);
	return rc;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **
rdd__drift_unreachable_sorted(const struct rdd_drift *d)
{
	const char **s = malloc((d->n_unreachable + 1) * sizeof(*s));

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < d->n_unreachable; i++)
		s[i] = d->unreachable[i];
	qsort(s, d->n_unreachable, sizeof(*s), cmp_name);
	return s;
}
