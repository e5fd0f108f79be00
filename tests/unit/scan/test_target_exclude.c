/*
 * test_target_exclude.c - lib/scan/target_exclude.c: excludes of each
 * kind (address, CIDR, range, IPv6, name, with and without a port),
 * overlapping ranges, and the property the scan relies on: the list holds
 * exactly the addresses of its specs minus the excludes, in order of
 * first appearance, checked against a brute-force model on random small
 * specs (fixed seed).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <strings.h>

#include "scan/targets.h"

static void
add(struct rdd_targets *l, const char *spec)
{
	char err[RDD_TARGETS_ERR_MAX] = "";

	if (rdd_targets_add(l, spec, err, sizeof(err)) < 0)
		fail_msg("%s: %s", spec, err);
}

static void
exclude(struct rdd_excludes *ex, const char *spec)
{
	char err[RDD_TARGETS_ERR_MAX] = "";

	if (rdd_excludes_add(ex, spec, err, sizeof(err)) != 0)
		fail_msg("exclude %s: %s", spec, err);
}

/* The list as "host:port host:port ...". */
static const char *
listed(const struct rdd_targets *l)
{
	static char out[4096];
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < rdd_targets_count(l); i++) {
		char hp[RDD_TARGET_HOSTPORT_MAX];

		rdd_target_hostport(l, rdd_targets_at(l, i), hp, sizeof(hp));
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
		                      i ? " " : "", hp);
		assert_true(o < sizeof(out));
	}
	return out;
}

static void
test_kinds(void **state)
{
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_excludes *ex = rdd_excludes_new();

	(void)state;
	add(l, "10.0.0.0/28");
	add(l, "10.0.0.1:3390");
	add(l, "2001:db8::/126");
	add(l, "Host.Example");
	add(l, "host.example:3390");
	add(l, "other.example");
	exclude(ex, "10.0.0.0");           /* an address, every port */
	exclude(ex, "10.0.0.2/31");        /* a CIDR: .2 and .3 */
	exclude(ex, "10.0.0.5-7");         /* a short range */
	exclude(ex, "10.0.0.9-10.0.0.10"); /* a full range */
	exclude(ex, "10.0.0.12:3389");     /* one port only */
	exclude(ex, "10.0.0.1:3390");
	exclude(ex, "[2001:db8::1]");
	exclude(ex, "2001:db8::2-2001:db8::2");
	exclude(ex, "HOST.example:3389"); /* a name, without case */
	assert_int_equal(rdd_excludes_count(ex), 9);
	assert_int_equal(rdd_targets_exclude(l, ex), 13);
	assert_string_equal(listed(l),
	                    "10.0.0.1:3389 10.0.0.4:3389 10.0.0.8:3389 "
	                    "10.0.0.11:3389 10.0.0.13:3389 10.0.0.14:3389 "
	                    "10.0.0.15:3389 [2001:db8::]:3389 "
	                    "[2001:db8::3]:3389 host.example:3390 "
	                    "other.example:3389");
	rdd_excludes_free(ex);
	rdd_targets_free(l);
}

static void
test_big_and_mapped(void **state)
{
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_excludes *ex = rdd_excludes_new();

	(void)state;
	add(l, "192.0.2.0/30");
	add(l, "2001:db8::1");
	add(l, "name.example");
	/* Never expanded, so no size limit: all of IPv4. */
	exclude(ex, "0.0.0.0/0");
	assert_int_equal(rdd_targets_exclude(l, ex), 4);
	assert_string_equal(listed(l), "[2001:db8::1]:3389 name.example:3389");
	rdd_excludes_free(ex);

	ex = rdd_excludes_new();
	exclude(ex, "::/0"); /* every address, IPv4 included (mapped) */
	assert_int_equal(rdd_targets_exclude(l, ex), 1);
	assert_string_equal(listed(l), "name.example:3389");
	rdd_excludes_free(ex);

	/* An IPv4-mapped exclude removes the IPv4 target and back. */
	add(l, "198.51.100.7");
	add(l, "::ffff:198.51.100.8");
	ex = rdd_excludes_new();
	exclude(ex, "::ffff:198.51.100.7");
	exclude(ex, "198.51.100.8");
	assert_int_equal(rdd_targets_exclude(l, ex), 2);
	assert_string_equal(listed(l), "name.example:3389");
	rdd_excludes_free(ex);
	rdd_targets_free(l);
}

/* Overlapping and nested ranges, several ports: the sorted search. */
static void
test_overlaps(void **state)
{
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_excludes *ex = rdd_excludes_new();

	(void)state;
	add(l, "10.0.0.0/27");
	add(l, "10.0.0.0/27:3390");
	add(l, "10.0.0.0/27:3391");
	exclude(ex, "10.0.0.5-10.0.0.20");
	exclude(ex, "10.0.0.2-3");
	exclude(ex, "10.0.0.0-10.0.0.10");
	exclude(ex, "10.0.0.6-8");
	exclude(ex, "10.0.0.25-10.0.0.30:3390");
	exclude(ex, "10.0.0.21:3390");
	exclude(ex, "10.0.0.26-10.0.0.31:3390");
	exclude(ex, "10.0.0.23:3391");
	exclude(ex, "10.0.0.0-10.0.0.21:3392"); /* no such port listed */
	assert_int_equal(rdd_targets_exclude(l, ex), 3 * 21 + 8 + 1);
	assert_string_equal(listed(l),
	                    "10.0.0.21:3389 10.0.0.22:3389 10.0.0.23:3389 "
	                    "10.0.0.24:3389 10.0.0.25:3389 10.0.0.26:3389 "
	                    "10.0.0.27:3389 10.0.0.28:3389 10.0.0.29:3389 "
	                    "10.0.0.30:3389 10.0.0.31:3389 10.0.0.22:3390 "
	                    "10.0.0.23:3390 10.0.0.24:3390 10.0.0.21:3391 "
	                    "10.0.0.22:3391 10.0.0.24:3391 10.0.0.25:3391 "
	                    "10.0.0.26:3391 10.0.0.27:3391 10.0.0.28:3391 "
	                    "10.0.0.29:3391 10.0.0.30:3391 10.0.0.31:3391");
	rdd_excludes_free(ex);
	rdd_targets_free(l);
}

static void
test_single_match(void **state)
{
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_excludes *ex = rdd_excludes_new();
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	(void)state;
	add(l, "10.0.0.1");
	add(l, "10.0.0.2");
	add(l, "Srv.Example");
	exclude(ex, "10.0.0.1");
	exclude(ex, "srv.EXAMPLE");
	exclude(ex, "[2001:db8::/64]:3390");
	assert_true(rdd_excludes_match(ex, l, rdd_targets_at(l, 0)));
	assert_false(rdd_excludes_match(ex, l, rdd_targets_at(l, 1)));
	assert_true(rdd_excludes_match(ex, l, rdd_targets_at(l, 2)));

	/* A resolved address, as the engine checks it. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(3389);
	sin.sin_addr.s_addr = htonl(0x0a000001);
	assert_true(rdd_excludes_match_sockaddr(ex, (struct sockaddr *)&sin));
	sin.sin_addr.s_addr = htonl(0x0a000002);
	assert_false(rdd_excludes_match_sockaddr(ex, (struct sockaddr *)&sin));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(3390);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::abcd", &sin6.sin6_addr),
	                 1);
	assert_true(rdd_excludes_match_sockaddr(ex, (struct sockaddr *)&sin6));
	sin6.sin6_port = htons(3389);
	assert_false(rdd_excludes_match_sockaddr(ex, (struct sockaddr *)&sin6));
	assert_int_equal(
	    inet_pton(AF_INET6, "::ffff:10.0.0.1", &sin6.sin6_addr), 1);
	assert_true(rdd_excludes_match_sockaddr(ex, (struct sockaddr *)&sin6));
	sin6.sin6_family = AF_UNIX;
	assert_false(rdd_excludes_match_sockaddr(ex, (struct sockaddr *)&sin6));
	rdd_excludes_free(ex);
	rdd_targets_free(l);
}

static void
test_bad_excludes(void **state)
{
	struct rdd_excludes *ex = rdd_excludes_new();
	char err[RDD_TARGETS_ERR_MAX];

	(void)state;
	assert_int_equal(rdd_excludes_add(ex, "10.0.0.256", err, sizeof(err)),
	                 RDD_TARGETS_EBAD);
	assert_string_equal(err, "'10.0.0.256': octet 256 is more than 255");
	assert_int_equal(rdd_excludes_add(ex, " ", err, sizeof(err)),
	                 RDD_TARGETS_EBAD);
	assert_string_equal(err, "empty target");
	assert_int_equal(rdd_excludes_add(ex, "host:0", err, sizeof(err)),
	                 RDD_TARGETS_EBAD);
	assert_string_equal(err, "'host:0': port 0 is not allowed");
	assert_int_equal(rdd_excludes_count(ex), 0);
	rdd_excludes_free(ex);
	rdd_excludes_free(NULL);
}

/* An empty exclude list removes nothing. */
static void
test_empty(void **state)
{
	struct rdd_targets *l = rdd_targets_new(3389);
	struct rdd_excludes *ex = rdd_excludes_new();

	(void)state;
	assert_int_equal(rdd_targets_exclude(l, ex), 0);
	add(l, "10.0.0.1");
	add(l, "a.example");
	assert_int_equal(rdd_targets_exclude(l, ex), 0);
	assert_int_equal(rdd_targets_count(l), 2);
	rdd_excludes_free(ex);
	rdd_targets_free(l);
}

/* ---- The brute-force model. ---- */

/* The universe: 64 IPv4 (10.0.0.0/26) and 64 IPv6 (2001:db8::/122)
 * addresses, 3 names, ports 3389 and 3390. */
#define NADDR 64
#define NNAME 3
#define NPORT 2
#define NSLOT ((2 * NADDR + NNAME) * NPORT)

static const char *const names[NNAME] = {"a.example", "b.example", "c.example"};

static uint32_t
rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*s >> 33);
}

/* One random spec written into BUF; the slots it covers set in SET. */
static void
random_spec(uint64_t *s, char *buf, size_t size, bool set[NSLOT],
            bool for_exclude)
{
	int kind = (int)(rnd(s) % 9), fam = (int)(rnd(s) % 2);
	int a = (int)(rnd(s) % NADDR), b = (int)(rnd(s) % NADDR), lo, hi, i;
	int port = (int)(rnd(s) % 3); /* 0: none given */
	char body[96], ps[16] = "";
	bool any_port = for_exclude && port == 0;

	if (port != 0)
		snprintf(ps, sizeof(ps), ":%d", 3388 + port);
	lo = a < b ? a : b;
	hi = a < b ? b : a;
	switch (kind) {
	case 0: /* a name in some case */
		i = a % NNAME;
		snprintf(body, sizeof(body), "%s", names[i]);
		if (b % 2)
			body[0] = (char)(body[0] - 32);
		snprintf(buf, size, "%s%s", body, ps);
		lo = hi = 2 * NADDR + i;
		break;
	case 1: /* one address */
		lo = hi = a;
		/* fall through */
	case 2: /* a range */
		if (fam == 0 && kind == 2 && b % 2)
			snprintf(body, sizeof(body), "10.0.0.%d-%d", lo, hi);
		else if (fam == 0)
			snprintf(body, sizeof(body), "10.0.0.%d-10.0.0.%d", lo,
			         hi);
		else
			snprintf(body, sizeof(body),
			         "2001:db8::%x-2001:db8::%x", lo, hi);
		if (kind == 1 && fam == 0)
			snprintf(body, sizeof(body), "10.0.0.%d", lo);
		if (kind == 1 && fam == 1)
			snprintf(body, sizeof(body), "2001:db8::%x", lo);
		break;
	case 3: /* IPv4-mapped */
		fam = 0;
		lo = hi = a;
		snprintf(body, sizeof(body), "::ffff:10.0.0.%d", a);
		break;
	default: { /* a CIDR, host bits set at random */
		int plen = (fam ? 122 : 26) + (int)(rnd(s) % 7);
		int bits = (fam ? 128 : 32) - plen;

		lo = a & ~((1 << bits) - 1);
		hi = lo + (1 << bits) - 1;
		if (fam == 0)
			snprintf(body, sizeof(body), "10.0.0.%d/%d", a, plen);
		else
			snprintf(body, sizeof(body), "2001:db8::%x/%d", a,
			         plen);
		break;
	}
	}
	if (kind != 0) {
		if (strchr(body, ':') != NULL && port != 0)
			snprintf(buf, size, "[%s]%s", body, ps);
		else
			snprintf(buf, size, "%s%s", body, ps);
		lo += fam * NADDR;
		hi += fam * NADDR;
	}
	for (i = lo; i <= hi; i++) {
		if (any_port) {
			set[i * NPORT] = set[i * NPORT + 1] = true;
		} else {
			set[i * NPORT + (port == 2)] = true;
		}
	}
}

/* The text the list gives for slot I. */
static void
slot_text(int i, char *buf, size_t size)
{
	int a = i / NPORT, port = 3389 + i % NPORT;

	if (a < NADDR)
		snprintf(buf, size, "10.0.0.%d:%d", a, port);
	else if (a == NADDR) /* RFC 5952 text: no final 0 */
		snprintf(buf, size, "[2001:db8::]:%d", port);
	else if (a < 2 * NADDR)
		snprintf(buf, size, "[2001:db8::%x]:%d", a - NADDR, port);
	else
		snprintf(buf, size, "%s:%d", names[a - 2 * NADDR], port);
}

static void
test_model(void **state)
{
	uint64_t seed = 0x5eed2024u;
	int round;

	(void)state;
	for (round = 0; round < 400; round++) {
		struct rdd_targets *l = rdd_targets_new(3389);
		struct rdd_excludes *ex = rdd_excludes_new();
		bool seen[NSLOT] = {false}, excl[NSLOT] = {false};
		int order[NSLOT], n = 0, nspecs = 1 + (int)(rnd(&seed) % 6);
		int nex = (int)(rnd(&seed) % 4), k, i, kept = 0;
		char spec[128], want[RDD_TARGET_HOSTPORT_MAX];

		for (k = 0; k < nspecs; k++) {
			bool set[NSLOT] = {false};

			random_spec(&seed, spec, sizeof(spec), set, false);
			add(l, spec);
			/* First appearance: in address order within a spec;
			 * a name keeps its first spelling, compared below
			 * without case. */
			for (i = 0; i < NSLOT; i++) {
				if (set[i] && !seen[i]) {
					seen[i] = true;
					order[n++] = i;
				}
			}
		}
		assert_int_equal(rdd_targets_count(l), n);
		for (k = 0; k < nex; k++) {
			random_spec(&seed, spec, sizeof(spec), excl, true);
			exclude(ex, spec);
		}
		/* The single match agrees with the model before removal. */
		for (i = 0; i < n; i++)
			assert_int_equal(
			    rdd_excludes_match(ex, l, rdd_targets_at(l, i)),
			    excl[order[i]]);
		rdd_targets_exclude(l, ex);
		for (i = 0; i < n; i++) {
			char got[RDD_TARGET_HOSTPORT_MAX];

			if (excl[order[i]])
				continue;
			assert_true((size_t)kept < rdd_targets_count(l));
			slot_text(order[i], want, sizeof(want));
			rdd_target_hostport(l, rdd_targets_at(l, kept), got,
			                    sizeof(got));
			if (strcasecmp(got, want) != 0)
				fail_msg("round %d: target %d is %s, not %s",
				         round, kept, got, want);
			kept++;
		}
		assert_int_equal(rdd_targets_count(l), kept);
		rdd_excludes_free(ex);
		rdd_targets_free(l);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_big_and_mapped),
	    cmocka_unit_test(test_overlaps),
	    cmocka_unit_test(test_single_match),
	    cmocka_unit_test(test_bad_excludes),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
