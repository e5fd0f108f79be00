/*
 * target_exclude.c - the excludes: ranges of addresses (never expanded)
 * and host names, each for one port or all. A single match looks at
 * every exclude; rdd_targets_exclude sorts a copy once (ranges by port
 * then start, merged where they overlap; names by lowercased text) and
 * answers each target by binary search, so a long exclude file costs
 * O((targets + excludes) log excludes), not their product.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "scan/target_spec.h"
#include "scan/targets_int.h"

struct excl_range {
	uint8_t lo[16], hi[16];
	uint16_t port; /* 0: every port */
};

struct excl_name {
	char *name; /* lowercased */
	uint16_t port;
};

struct rdd_excludes {
	struct excl_range *r;
	size_t nr, capr;
	struct excl_name *nm;
	size_t nn, capn;
};

struct rdd_excludes *
rdd_excludes_new(void)
{
	return calloc(1, sizeof(struct rdd_excludes));
}

void
rdd_excludes_free(struct rdd_excludes *ex)
{
	size_t i;

	if (ex == NULL)
		return;
	for (i = 0; i < ex->nn; i++)
		free(ex->nm[i].name);
	free(ex->nm);
	free(ex->r);
	free(ex);
}

size_t
rdd_excludes_count(const struct rdd_excludes *ex)
{
	return ex->nr + ex->nn;
}

static int
grow(void **v, size_t *cap, size_t n, size_t elem)
{
	size_t c;
	void *p;

	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 16;
	p = realloc(*v, c * elem);
	if (p == NULL)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

static int
enomem(char *err, size_t errsize)
{
	if (errsize > 0)
		snprintf(err, errsize, "out of memory");
	return RDD_TARGETS_ENOMEM;
}

int
rdd_excludes_add_n(struct rdd_excludes *ex, const char *s, size_t len,
                   char *err, size_t errsize)
{
	struct rdd_target_spec sp;
	size_t i;

	s = rdd_targets_trim(s, &len);
	if (rdd_target_spec_parse(s, len, &sp, err, errsize) != 0)
		return RDD_TARGETS_EBAD;
	if (sp.is_name) {
		char *c;

		if (grow((void **)&ex->nm, &ex->capn, ex->nn,
		         sizeof(*ex->nm)) != 0 ||
		    (c = malloc(sp.name_len + 1)) == NULL)
			return enomem(err, errsize);
		for (i = 0; i < sp.name_len; i++) {
			char ch = sp.name[i];

			c[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
		}
		c[sp.name_len] = '\0';
		ex->nm[ex->nn].name = c;
		ex->nm[ex->nn++].port = sp.port;
		return 0;
	}
	if (grow((void **)&ex->r, &ex->capr, ex->nr, sizeof(*ex->r)) != 0)
		return enomem(err, errsize);
	memcpy(ex->r[ex->nr].lo, sp.lo, 16);
	memcpy(ex->r[ex->nr].hi, sp.hi, 16);
	ex->r[ex->nr++].port = sp.port;
	return 0;
}

int
rdd_excludes_add(struct rdd_excludes *ex, const char *spec, char *err,
                 size_t errsize)
{
	return rdd_excludes_add_n(ex, spec, strlen(spec), err, errsize);
}

/* Names compare as the excludes store them: ASCII lowercased. */
static int
name_cmp(const char *lowered, const char *name)
{
	const unsigned char *a = (const unsigned char *)lowered;
	const unsigned char *b = (const unsigned char *)name;

	for (;; a++, b++) {
		unsigned char y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;

		if (*a != y || *a == '\0')
			return (int)*a - (int)y;
	}
}

static bool
port_ok(uint16_t excl, uint16_t port)
{
	return excl == 0 || excl == port;
}

static bool
match_addr_linear(const struct rdd_excludes *ex, const uint8_t a[16],
                  uint16_t port)
{
	size_t i;

	for (i = 0; i < ex->nr; i++) {
		if (port_ok(ex->r[i].port, port) &&
		    rdd_addr_cmp(ex->r[i].lo, a) <= 0 &&
		    rdd_addr_cmp(a, ex->r[i].hi) <= 0)
			return true;
	}
	return false;
}

bool
rdd_excludes_match(const struct rdd_excludes *ex, const struct rdd_targets *l,
                   const struct rdd_target *t)
{
	const char *name = rdd_target_name(l, t);
	size_t i;

	if (name == NULL)
		return match_addr_linear(ex, t->addr, t->port);
	for (i = 0; i < ex->nn; i++) {
		if (port_ok(ex->nm[i].port, t->port) &&
		    name_cmp(ex->nm[i].name, name) == 0)
			return true;
	}
	return false;
}

bool
rdd_excludes_match_sockaddr(const struct rdd_excludes *ex,
                            const struct sockaddr *sa)
{
	uint8_t a[16] = {0};
	uint16_t port;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		a[10] = a[11] = 0xff;
		memcpy(a + 12, &sin->sin_addr, 4);
		port = ntohs(sin->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		memcpy(a, &s6->sin6_addr, 16);
		port = ntohs(s6->sin6_port);
	} else {
		return false;
	}
	return match_addr_linear(ex, a, port);
}

/* ---- The sorted copy rdd_targets_exclude searches. ---- */

static int
range_order(const void *x, const void *y)
{
	const struct excl_range *a = x, *b = y;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return rdd_addr_cmp(a->lo, b->lo);
}

static int
name_order(const void *x, const void *y)
{
	const struct excl_name *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	if (c != 0)
		return c;
	return a->port < b->port ? -1 : a->port > b->port;
}

/* Sort by (port, lo) and merge overlapping ranges of one port. */
static size_t
sort_merge(struct excl_range *r, size_t n)
{
	size_t i, o = 0;

	if (n == 0)
		return 0;
	qsort(r, n, sizeof(*r), range_order);
	for (i = 1; i < n; i++) {
		if (r[i].port == r[o].port &&
		    rdd_addr_cmp(r[i].lo, r[o].hi) <= 0) {
			if (rdd_addr_cmp(r[i].hi, r[o].hi) > 0)
				memcpy(r[o].hi, r[i].hi, 16);
		} else {
			r[++o] = r[i];
		}
	}
	return o + 1;
}

/* In sorted, merged R: does a range for PORT hold A? */
static bool
search_range(const struct excl_range *r, size_t n, const uint8_t a[16],
             uint16_t port)
{
	size_t lo = 0, hi = n;

	/* The first range after (port, a). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].port < port ||
		    (r[mid].port == port && rdd_addr_cmp(r[mid].lo, a) <= 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && r[lo - 1].port == port &&
	       rdd_addr_cmp(a, r[lo - 1].hi) <= 0;
}

static bool
search_name(const struct excl_name *v, size_t n, const char *name,
            uint16_t port)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = -name_cmp(v[mid].name, name);

		if (c == 0)
			c = port < v[mid].port ? -1 : port > v[mid].port;
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

struct sorted {
	struct excl_range *r;
	size_t nr;
	struct excl_name *nm;
	size_t nn;
};

struct keep_ctx {
	const struct sorted *s;
	const struct rdd_targets *l;
};

/* Keep T unless an exclude for every port or for T's port holds it. */
static bool
keep(size_t index, const struct rdd_target *t, void *ctx)
{
	const struct keep_ctx *c = ctx;
	const struct sorted *s = c->s;
	const char *name = rdd_target_name(c->l, t);

	(void)index;
	if (name == NULL)
		return !search_range(s->r, s->nr, t->addr, 0) &&
		       !search_range(s->r, s->nr, t->addr, t->port);
	return !search_name(s->nm, s->nn, name, 0) &&
	       !search_name(s->nm, s->nn, name, t->port);
}

long
rdd_targets_exclude(struct rdd_targets *l, const struct rdd_excludes *ex)
{
	struct sorted s;
	struct keep_ctx c;
	long removed;

	s.nr = ex->nr;
	s.nn = ex->nn;
	s.r = malloc((ex->nr ? ex->nr : 1) * sizeof(*s.r));
	s.nm = malloc((ex->nn ? ex->nn : 1) * sizeof(*s.nm));
	if (s.r == NULL || s.nm == NULL) {
		free(s.r);
		free(s.nm);
		return -1;
	}
	if (ex->nr > 0)
		memcpy(s.r, ex->r, ex->nr * sizeof(*s.r));
	if (ex->nn > 0)
		memcpy(s.nm, ex->nm, ex->nn * sizeof(*s.nm));
	s.nr = sort_merge(s.r, s.nr);
	if (s.nn > 0)
		qsort(s.nm, s.nn, sizeof(*s.nm), name_order);
	c.s = &s;
	c.l = l;
	removed = rdd_targets_retain(l, keep, &c);
	free(s.r);
	free(s.nm);
	return removed;
}
