/*
 * targets.c - the target list: specs expanded into targets in order of
 * first appearance, duplicates dropped through an open-addressing hash of
 * (address or name without case, port), with the limits of targets.h.
 *
 * A target is 28 bytes: the spec's text and a name are kept once, in
 * string tables the targets point into by index, so a /16 costs 2 MB,
 * not 65,536 copies of its spec.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "scan/target_spec.h"
#include "scan/targets_int.h"

struct strtab {
	char **s;
	size_t n, cap;
};

struct rdd_targets {
	struct rdd_target *v;
	size_t n, cap;
	struct strtab given, names;
	/* Slots hold a target's index + 1; 0 is empty. */
	uint32_t *slot;
	size_t nslots; /* a power of two, at least twice n */
	uint16_t default_port;
	uint32_t per_spec, total;
};

struct rdd_targets *
rdd_targets_new(uint16_t default_port)
{
	struct rdd_targets *l;

	if (default_port == 0)
		return NULL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	l->default_port = default_port;
	l->per_spec = RDD_TARGETS_PER_SPEC_MAX;
	l->total = RDD_TARGETS_MAX;
	return l;
}

static void
strtab_free(struct strtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
}

void
rdd_targets_free(struct rdd_targets *l)
{
	if (l == NULL)
		return;
	strtab_free(&l->given);
	strtab_free(&l->names);
	free(l->v);
	free(l->slot);
	free(l);
}

int
rdd_targets_set_limits(struct rdd_targets *l, uint32_t per_spec, uint32_t total)
{
	if (per_spec > RDD_TARGETS_PER_SPEC_MAX || total > RDD_TARGETS_MAX)
		return -1;
	if (per_spec != 0)
		l->per_spec = per_spec;
	if (total != 0)
		l->total = total;
	return 0;
}

const char *
rdd_targets_trim(const char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	                 s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	*len = n;
	return s;
}

/* Append a copy of S[0..LEN); its index, or -1. */
static long
strtab_add(struct strtab *t, const char *s, size_t len)
{
	char *c;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		char **v = realloc(t->s, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		t->s = v;
		t->cap = cap;
	}
	c = malloc(len + 1);
	if (c == NULL)
		return -1;
	memcpy(c, s, len);
	c[len] = '\0';
	t->s[t->n] = c;
	return (long)t->n++;
}

static void
strtab_pop(struct strtab *t)
{
	free(t->s[--t->n]);
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static uint64_t
hash_target(const struct rdd_targets *l, const struct rdd_target *t)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
	size_t i;

	h = (h ^ t->kind) * 0x100000001b3u;
	h = (h ^ (t->port & 0xff)) * 0x100000001b3u;
	h = (h ^ (t->port >> 8)) * 0x100000001b3u;
	if (t->kind == RDD_TARGET_NAME) {
		const unsigned char *s =
		    (const unsigned char *)l->names.s[t->name];

		for (i = 0; s[i] != '\0'; i++)
			h = (h ^ lower(s[i])) * 0x100000001b3u;
	} else {
		for (i = 0; i < 16; i++)
			h = (h ^ t->addr[i]) * 0x100000001b3u;
	}
	return h;
}

static bool
same_name(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x != '\0' && lower(*x) == lower(*y)) {
		x++;
		y++;
	}
	return *x == *y;
}

static bool
same_target(const struct rdd_targets *l, const struct rdd_target *a,
            const struct rdd_target *b)
{
	if (a->kind != b->kind || a->port != b->port)
		return false;
	if (a->kind == RDD_TARGET_NAME)
		return same_name(l->names.s[a->name], l->names.s[b->name]);
	return memcmp(a->addr, b->addr, 16) == 0;
}

/* The slot holding T's equal, or the empty slot where T would go. */
static size_t
find_slot(const struct rdd_targets *l, const struct rdd_target *t)
{
	size_t mask = l->nslots - 1, i = (size_t)hash_target(l, t) & mask;

	while (l->slot[i] != 0 && !same_target(l, &l->v[l->slot[i] - 1], t))
		i = (i + 1) & mask;
	return i;
}

static void
rehash(struct rdd_targets *l)
{
	size_t i;

	memset(l->slot, 0, l->nslots * sizeof(*l->slot));
	for (i = 0; i < l->n; i++)
		l->slot[find_slot(l, &l->v[i])] = (uint32_t)(i + 1);
}

/* Room for N more targets, so that inserting them cannot fail. */
static int
reserve(struct rdd_targets *l, size_t more)
{
	size_t want = l->n + more, nslots = l->nslots ? l->nslots : 64;

	if (want > l->cap) {
		size_t cap = l->cap ? l->cap : 64;
		struct rdd_target *v;

		while (cap < want)
			cap *= 2;
		v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	while (nslots < 2 * want)
		nslots *= 2;
	if (nslots != l->nslots) {
		uint32_t *slot = calloc(nslots, sizeof(*slot));

		if (slot == NULL)
			return -1;
		free(l->slot);
		l->slot = slot;
		l->nslots = nslots;
		rehash(l);
	}
	return 0;
}

/* Append T unless listed (room reserved); 1 if added, else 0. */
static int
insert(struct rdd_targets *l, const struct rdd_target *t)
{
	size_t i = find_slot(l, t);

	if (l->slot[i] != 0)
		return 0;
	l->v[l->n] = *t;
	l->slot[i] = (uint32_t)++l->n;
	return 1;
}

static bool
listed(const struct rdd_targets *l, const struct rdd_target *t)
{
	return l->nslots != 0 && l->slot[find_slot(l, t)] != 0;
}

static void
set_addr(struct rdd_target *t, const uint8_t a[16])
{
	memcpy(t->addr, a, 16);
	t->kind = rdd_addr_is_v4(a) ? RDD_TARGET_IPV4 : RDD_TARGET_IPV6;
}

/* "131072", "2^64", "more than 2^100": how many addresses LO..HI holds. */
static void
span_text(char *buf, size_t size, const uint8_t lo[16], const uint8_t hi[16])
{
	uint8_t d[16];
	unsigned borrow = 0, bits = 0;
	uint64_t low = 0;
	bool ones = true;
	int i;

	for (i = 15; i >= 0; i--) {
		unsigned x = (unsigned)hi[i] - lo[i] - borrow;

		d[i] = (uint8_t)x;
		borrow = (x >> 8) & 1;
	}
	for (i = 0; i < 16 && bits == 0; i++) {
		if (d[i] != 0) {
			unsigned b = 8;

			while (!(d[i] & (1u << (b - 1))))
				b--;
			bits = b + 8 * (15 - (unsigned)i);
		}
	}
	if (bits < 64) {
		for (i = 8; i < 16; i++)
			low = (low << 8) | d[i];
		snprintf(buf, size, "%llu", (unsigned long long)low + 1);
		return;
	}
	for (i = 0; i < (int)bits; i++) {
		if (!(d[15 - i / 8] & (1u << (i % 8))))
			ones = false;
	}
	if (ones)
		snprintf(buf, size, "2^%u", bits);
	else
		snprintf(buf, size, "more than 2^%u", bits - 1);
}

static long
too_many(struct rdd_targets *l, const char *s, size_t len, char *err,
         size_t errsize)
{
	char q[80];

	rdd_target_quote(q, sizeof(q), s, len);
	if (errsize > 0)
		snprintf(err, errsize,
		         "%s: the list would hold more than %lu targets (the "
		         "limit); split the scan",
		         q, (unsigned long)l->total);
	return RDD_TARGETS_EFULL;
}

static long
out_of_memory(char *err, size_t errsize)
{
	if (errsize > 0)
		snprintf(err, errsize, "out of memory");
	return RDD_TARGETS_ENOMEM;
}

static long
add_name(struct rdd_targets *l, const struct rdd_target_spec *sp, const char *s,
         size_t len, char *err, size_t errsize)
{
	struct rdd_target t;
	long g, nm;

	memset(&t, 0, sizeof(t));
	t.kind = RDD_TARGET_NAME;
	t.port = sp->port ? sp->port : l->default_port;
	nm = strtab_add(&l->names, sp->name, sp->name_len);
	if (nm < 0)
		return out_of_memory(err, errsize);
	t.name = (uint32_t)nm;
	if (listed(l, &t)) {
		strtab_pop(&l->names);
		return 0;
	}
	if (l->n >= l->total) {
		strtab_pop(&l->names);
		return too_many(l, s, len, err, errsize);
	}
	g = strtab_add(&l->given, s, len);
	if (g < 0 || reserve(l, 1) != 0) {
		if (g >= 0)
			strtab_pop(&l->given);
		strtab_pop(&l->names);
		return out_of_memory(err, errsize);
	}
	t.given = (uint32_t)g;
	return insert(l, &t);
}

static long
add_range(struct rdd_targets *l, const struct rdd_target_spec *sp,
          const char *s, size_t len, char *err, size_t errsize)
{
	struct rdd_target t;
	uint8_t a[16];
	uint64_t span = rdd_addr_span(sp->lo, sp->hi, l->per_spec), i, fresh;
	long g, added = 0;

	if (span > l->per_spec) {
		char q[80], count[32];

		rdd_target_quote(q, sizeof(q), s, len);
		span_text(count, sizeof(count), sp->lo, sp->hi);
		if (errsize > 0)
			snprintf(err, errsize,
			         "%s: %s addresses, more than the limit of %lu "
			         "per target (an IPv4 /16, an IPv6 /112)",
			         q, count, (unsigned long)l->per_spec);
		return RDD_TARGETS_EBAD;
	}
	memset(&t, 0, sizeof(t));
	t.port = sp->port ? sp->port : l->default_port;
	if (l->n + span > l->total) {
		/* Count exactly: duplicates do not count against the limit. */
		memcpy(a, sp->lo, 16);
		for (i = 0, fresh = 0; i < span; i++, rdd_addr_inc(a)) {
			set_addr(&t, a);
			fresh += !listed(l, &t);
		}
		if (l->n + fresh > l->total)
			return too_many(l, s, len, err, errsize);
	}
	g = strtab_add(&l->given, s, len);
	if (g < 0 || reserve(l, (size_t)span) != 0) {
		if (g >= 0)
			strtab_pop(&l->given);
		return out_of_memory(err, errsize);
	}
	t.given = (uint32_t)g;
	memcpy(a, sp->lo, 16);
	for (i = 0; i < span; i++, rdd_addr_inc(a)) {
		set_addr(&t, a);
		added += insert(l, &t);
	}
	if (added == 0)
		strtab_pop(&l->given);
	return added;
}

long
rdd_targets_add_n(struct rdd_targets *l, const char *s, size_t len, char *err,
                  size_t errsize)
{
	struct rdd_target_spec sp;

	s = rdd_targets_trim(s, &len);
	if (rdd_target_spec_parse(s, len, &sp, err, errsize) != 0)
		return RDD_TARGETS_EBAD;
	if (sp.is_name)
		return add_name(l, &sp, s, len, err, errsize);
	return add_range(l, &sp, s, len, err, errsize);
}

long
rdd_targets_add(struct rdd_targets *l, const char *spec, char *err,
                size_t errsize)
{
	return rdd_targets_add_n(l, spec, strlen(spec), err, errsize);
}

size_t
rdd_targets_count(const struct rdd_targets *l)
{
	return l->n;
}

const struct rdd_target *
rdd_targets_at(const struct rdd_targets *l, size_t i)
{
	return i < l->n ? &l->v[i] : NULL;
}

const char *
rdd_target_given(const struct rdd_targets *l, const struct rdd_target *t)
{
	return l->given.s[t->given];
}

const char *
rdd_target_name(const struct rdd_targets *l, const struct rdd_target *t)
{
	return t->kind == RDD_TARGET_NAME ? l->names.s[t->name] : NULL;
}

char *
rdd_target_host(const struct rdd_targets *l, const struct rdd_target *t,
                char *buf, size_t size)
{
	char tmp[INET6_ADDRSTRLEN];

	if (size == 0)
		return buf;
	if (t->kind == RDD_TARGET_NAME)
		snprintf(buf, size, "%s", l->names.s[t->name]);
	else if (t->kind == RDD_TARGET_IPV4)
		snprintf(buf, size, "%u.%u.%u.%u", t->addr[12], t->addr[13],
		         t->addr[14], t->addr[15]);
	else if (inet_ntop(AF_INET6, t->addr, tmp, sizeof(tmp)) != NULL)
		snprintf(buf, size, "%s", tmp);
	else
		buf[0] = '\0';
	return buf;
}

char *
rdd_target_hostport(const struct rdd_targets *l, const struct rdd_target *t,
                    char *buf, size_t size)
{
	char host[RDD_TARGET_HOST_MAX];

	rdd_target_host(l, t, host, sizeof(host));
	if (size == 0)
		return buf;
	if (t->kind == RDD_TARGET_IPV6)
		snprintf(buf, size, "[%s]:%u", host, t->port);
	else
		snprintf(buf, size, "%s:%u", host, t->port);
	return buf;
}

int
rdd_target_sockaddr(const struct rdd_target *t, struct sockaddr_storage *ss,
                    socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (t->kind == RDD_TARGET_IPV4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(t->port);
		memcpy(&sin->sin_addr, t->addr + 12, 4);
		*len = sizeof(*sin);
		return 0;
	}
	if (t->kind == RDD_TARGET_IPV6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(t->port);
		memcpy(&sin6->sin6_addr, t->addr, 16);
		*len = sizeof(*sin6);
		return 0;
	}
	return -1;
}

long
rdd_targets_find_sockaddr(const struct rdd_targets *l,
                          const struct sockaddr *sa)
{
	struct rdd_target t;
	size_t i;

	memset(&t, 0, sizeof(t));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		t.addr[10] = t.addr[11] = 0xff;
		memcpy(t.addr + 12, &sin->sin_addr, 4);
		t.port = ntohs(sin->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		memcpy(t.addr, &s6->sin6_addr, 16);
		t.port = ntohs(s6->sin6_port);
	} else {
		return -1;
	}
	set_addr(&t, t.addr);
	if (l->nslots == 0)
		return -1;
	i = find_slot(l, &t);
	return l->slot[i] != 0 ? (long)l->slot[i] - 1 : -1;
}

long
rdd_targets_retain(struct rdd_targets *l, rdd_targets_keep_fn *keep, void *ctx)
{
	size_t i, o = 0, before = l->n;

	for (i = 0; i < l->n; i++) {
		if (keep(i, &l->v[i], ctx))
			l->v[o++] = l->v[i];
	}
	l->n = o;
	if (l->nslots != 0)
		rehash(l);
	return (long)(before - o);
}
