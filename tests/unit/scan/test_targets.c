/*
 * test_targets.c - lib/scan/targets.c: specs expanded into the list in
 * order of first appearance (CIDR edges, ranges across octets, IPv6),
 * duplicates dropped (mapped addresses, case, default port), the
 * per-spec and total limits with their messages, and the accessors the
 * engine uses (host text, sockaddr, lookup by address).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sys/un.h>

#include "scan/targets.h"

static struct rdd_targets *
new_list(void)
{
	struct rdd_targets *l = rdd_targets_new(3389);

	assert_non_null(l);
	return l;
}

static long
add(struct rdd_targets *l, const char *spec)
{
	char err[RDD_TARGETS_ERR_MAX] = "";
	long r = rdd_targets_add(l, spec, err, sizeof(err));

	if (r < 0)
		fail_msg("%s: %s", spec, err);
	return r;
}

/* The add fails with CODE and exactly MESSAGE, and changes nothing. */
static void
add_fails(struct rdd_targets *l, const char *spec, long code,
          const char *message)
{
	char err[RDD_TARGETS_ERR_MAX] = "";
	size_t before = rdd_targets_count(l);

	assert_int_equal(rdd_targets_add(l, spec, err, sizeof(err)), code);
	assert_string_equal(err, message);
	assert_int_equal(rdd_targets_count(l), before);
}

static const char *
host(const struct rdd_targets *l, size_t i)
{
	static char buf[RDD_TARGET_HOST_MAX];

	return rdd_target_host(l, rdd_targets_at(l, i), buf, sizeof(buf));
}

static const char *
hostport(const struct rdd_targets *l, size_t i)
{
	static char buf[RDD_TARGET_HOSTPORT_MAX];

	return rdd_target_hostport(l, rdd_targets_at(l, i), buf, sizeof(buf));
}

static void
test_new(void **state)
{
	struct rdd_targets *l;

	(void)state;
	assert_null(rdd_targets_new(0));
	l = new_list();
	assert_int_equal(rdd_targets_count(l), 0);
	assert_null(rdd_targets_at(l, 0));
	assert_int_equal(rdd_targets_set_limits(l, 65537, 0), -1);
	assert_int_equal(rdd_targets_set_limits(l, 0, RDD_TARGETS_MAX + 1), -1);
	assert_int_equal(rdd_targets_set_limits(l, 0, 0), 0);
	rdd_targets_free(l);
	rdd_targets_free(NULL);
}

static void
test_single(void **state)
{
	struct rdd_targets *l = new_list();
	const struct rdd_target *t;

	(void)state;
	assert_int_equal(add(l, "  10.0.0.1\r\n"), 1);
	assert_int_equal(add(l, "[2001:DB8::1]:3390"), 1);
	assert_int_equal(add(l, "Rdp.Example.com"), 1);
	assert_int_equal(add(l, "[::ffff:192.0.2.7]:3390"), 1);
	/* Two colons make an IPv6 address: a port needs brackets. */
	add_fails(l, "::ffff:192.0.2.7:3389", RDD_TARGETS_EBAD,
	          "'::ffff:192.0.2.7:3389': not an IPv6 address");
	assert_int_equal(rdd_targets_count(l), 4);

	t = rdd_targets_at(l, 0);
	assert_int_equal(t->kind, RDD_TARGET_IPV4);
	assert_int_equal(t->port, 3389);
	assert_string_equal(rdd_target_given(l, t), "10.0.0.1");
	assert_null(rdd_target_name(l, t));
	assert_string_equal(host(l, 0), "10.0.0.1");
	assert_string_equal(hostport(l, 0), "10.0.0.1:3389");

	t = rdd_targets_at(l, 1);
	assert_int_equal(t->kind, RDD_TARGET_IPV6);
	assert_int_equal(t->port, 3390);
	assert_string_equal(rdd_target_given(l, t), "[2001:DB8::1]:3390");
	assert_string_equal(host(l, 1), "2001:db8::1");
	assert_string_equal(hostport(l, 1), "[2001:db8::1]:3390");

	t = rdd_targets_at(l, 2);
	assert_int_equal(t->kind, RDD_TARGET_NAME);
	assert_string_equal(rdd_target_name(l, t), "Rdp.Example.com");
	assert_string_equal(host(l, 2), "Rdp.Example.com");
	assert_string_equal(hostport(l, 2), "Rdp.Example.com:3389");

	/* An IPv4-mapped address is the IPv4 target. */
	t = rdd_targets_at(l, 3);
	assert_int_equal(t->kind, RDD_TARGET_IPV4);
	assert_string_equal(hostport(l, 3), "192.0.2.7:3390");
	assert_string_equal(rdd_target_given(l, t), "[::ffff:192.0.2.7]:3390");
	rdd_targets_free(l);
}

static void
test_cidr_v4(void **state)
{
	struct rdd_targets *l = new_list();

	(void)state;
	assert_int_equal(add(l, "192.0.2.9/32"), 1);
	assert_string_equal(host(l, 0), "192.0.2.9");
	assert_int_equal(add(l, "192.0.2.11/31"), 2);
	assert_string_equal(host(l, 1), "192.0.2.10");
	assert_string_equal(host(l, 2), "192.0.2.11");
	/* Network and broadcast addresses are kept. */
	assert_int_equal(add(l, "198.51.100.0/24"), 256);
	assert_string_equal(host(l, 3), "198.51.100.0");
	assert_string_equal(host(l, 3 + 255), "198.51.100.255");
	assert_string_equal(rdd_target_given(l, rdd_targets_at(l, 100)),
	                    "198.51.100.0/24");
	assert_int_equal(add(l, "10.7.0.0/16"), 65536);
	assert_string_equal(host(l, 259), "10.7.0.0");
	assert_string_equal(host(l, 259 + 256), "10.7.1.0");
	assert_string_equal(host(l, 259 + 65535), "10.7.255.255");
	add_fails(l, "10.0.0.0/15", RDD_TARGETS_EBAD,
	          "'10.0.0.0/15': 131072 addresses, more than the limit of "
	          "65536 per target (an IPv4 /16, an IPv6 /112)");
	add_fails(l, "0.0.0.0/0", RDD_TARGETS_EBAD,
	          "'0.0.0.0/0': 4294967296 addresses, more than the limit of "
	          "65536 per target (an IPv4 /16, an IPv6 /112)");
	add_fails(l, "10.0.0.0-10.1.0.0", RDD_TARGETS_EBAD,
	          "'10.0.0.0-10.1.0.0': 65537 addresses, more than the limit "
	          "of 65536 per target (an IPv4 /16, an IPv6 /112)");
	rdd_targets_free(l);
}

static void
test_cidr_v6(void **state)
{
	struct rdd_targets *l = new_list();

	(void)state;
	assert_int_equal(add(l, "2001:db8::7/128"), 1);
	assert_int_equal(add(l, "2001:db8::7/127"), 1); /* ::6 is new */
	assert_string_equal(host(l, 1), "2001:db8::6");
	assert_int_equal(add(l, "2001:db8:1::/112"), 65536);
	assert_string_equal(host(l, 2), "2001:db8:1::");
	assert_string_equal(host(l, 2 + 65535), "2001:db8:1::ffff");
	add_fails(l, "2001:db8:2::/111", RDD_TARGETS_EBAD,
	          "'2001:db8:2::/111': 131072 addresses, more than the limit "
	          "of 65536 per target (an IPv4 /16, an IPv6 /112)");
	add_fails(l, "2001:db8::/64", RDD_TARGETS_EBAD,
	          "'2001:db8::/64': 2^64 addresses, more than the limit of "
	          "65536 per target (an IPv4 /16, an IPv6 /112)");
	add_fails(
	    l, "2001:db8::/65", RDD_TARGETS_EBAD,
	    "'2001:db8::/65': 9223372036854775808 addresses, more than the "
	    "limit of 65536 per target (an IPv4 /16, an IPv6 /112)");
	add_fails(l, "::/0", RDD_TARGETS_EBAD,
	          "'::/0': 2^128 addresses, more than the limit of 65536 per "
	          "target (an IPv4 /16, an IPv6 /112)");
	add_fails(l, "::-ffff::1", RDD_TARGETS_EBAD,
	          "'::-ffff::1': more than 2^127 addresses, more than the "
	          "limit of 65536 per target (an IPv4 /16, an IPv6 /112)");
	/* A range that crosses into the IPv4-mapped block gives both. */
	assert_int_equal(add(l, "::fffe:ffff:fffe-::ffff:0.0.0.1"), 4);
	assert_int_equal(rdd_targets_at(l, 65538)->kind, RDD_TARGET_IPV6);
	assert_int_equal(rdd_targets_at(l, 65539)->kind, RDD_TARGET_IPV6);
	assert_int_equal(rdd_targets_at(l, 65540)->kind, RDD_TARGET_IPV4);
	assert_string_equal(host(l, 65541), "0.0.0.1");
	rdd_targets_free(l);
}

static void
test_ranges(void **state)
{
	struct rdd_targets *l = new_list();

	(void)state;
	assert_int_equal(add(l, "10.0.0.254-10.0.1.1"), 4);
	assert_string_equal(host(l, 0), "10.0.0.254");
	assert_string_equal(host(l, 1), "10.0.0.255");
	assert_string_equal(host(l, 2), "10.0.1.0");
	assert_string_equal(host(l, 3), "10.0.1.1");
	assert_int_equal(add(l, "10.0.2.5-7:3390"), 3);
	assert_string_equal(hostport(l, 6), "10.0.2.7:3390");
	assert_int_equal(add(l, "255.255.255.254-255.255.255.255"), 2);
	assert_string_equal(host(l, 8), "255.255.255.255");
	assert_int_equal(add(l, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe-"
	                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]"),
	                 2);
	assert_string_equal(host(l, 10), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:"
	                                 "ffff");
	add_fails(l, "10.0.0.9-1", RDD_TARGETS_EBAD,
	          "'10.0.0.9-1': the range is reversed (its first address is "
	          "after its last)");
	rdd_targets_free(l);
}

static void
test_dedupe(void **state)
{
	struct rdd_targets *l = new_list();
	size_t i;

	(void)state;
	assert_int_equal(add(l, "10.0.0.1"), 1);
	assert_int_equal(add(l, "10.0.0.0/30"), 3);
	assert_string_equal(host(l, 0), "10.0.0.1");
	assert_string_equal(host(l, 1), "10.0.0.0");
	assert_string_equal(host(l, 2), "10.0.0.2");
	assert_string_equal(host(l, 3), "10.0.0.3");
	/* The same address however written, with the default port. */
	assert_int_equal(add(l, "10.0.0.1:3389"), 0);
	assert_int_equal(add(l, "::ffff:10.0.0.1"), 0);
	assert_int_equal(add(l, "[::ffff:a00:1]:3389"), 0);
	assert_int_equal(add(l, "10.0.0.0-3"), 0);
	/* Another port is another target. */
	assert_int_equal(add(l, "10.0.0.1:3390"), 1);
	assert_int_equal(add(l, "2001:db8::1"), 1);
	assert_int_equal(add(l, "2001:DB8:0:0::1"), 0);
	assert_int_equal(add(l, "[2001:db8::1]:3389"), 0);
	assert_int_equal(add(l, "Host.Example"), 1);
	assert_int_equal(add(l, "host.example"), 0);
	assert_int_equal(add(l, "HOST.EXAMPLE:3389"), 0);
	assert_int_equal(add(l, "host.example:3390"), 1);
	/* A final dot changes how a resolver searches: kept apart. */
	assert_int_equal(add(l, "host.example."), 1);
	/* Non-ASCII bytes compare exactly. */
	assert_int_equal(add(l, "\xc3\xa9t\xc3\xa9.example"), 1);
	assert_int_equal(add(l, "\xc3\x89t\xc3\xa9.example"), 1);
	assert_int_equal(rdd_targets_count(l), 11);
	/* The first spelling and spec are the ones kept. */
	assert_string_equal(rdd_target_name(l, rdd_targets_at(l, 6)),
	                    "Host.Example");
	assert_string_equal(rdd_target_given(l, rdd_targets_at(l, 0)),
	                    "10.0.0.1");
	assert_string_equal(rdd_target_given(l, rdd_targets_at(l, 2)),
	                    "10.0.0.0/30");
	/* No two targets are equal (ASCII case aside). */
	for (i = 0; i + 1 < rdd_targets_count(l); i++) {
		char a[RDD_TARGET_HOSTPORT_MAX], b[RDD_TARGET_HOSTPORT_MAX];
		size_t j;

		rdd_target_hostport(l, rdd_targets_at(l, i), a, sizeof(a));
		for (j = i + 1; j < rdd_targets_count(l); j++) {
			rdd_target_hostport(l, rdd_targets_at(l, j), b,
			                    sizeof(b));
			assert_int_not_equal(strcasecmp(a, b), 0);
		}
	}
	rdd_targets_free(l);
}

static void
test_total_limit(void **state)
{
	struct rdd_targets *l = new_list();

	(void)state;
	assert_int_equal(rdd_targets_set_limits(l, 0, 10), 0);
	assert_int_equal(add(l, "10.0.0.0/29"), 8);
	add_fails(l, "10.0.1.0/30", RDD_TARGETS_EFULL,
	          "'10.0.1.0/30': the list would hold more than 10 targets "
	          "(the limit); split the scan");
	/* 16 addresses, 8 of them listed: 8 new are still too many. */
	add_fails(l, "10.0.0.0/28", RDD_TARGETS_EFULL,
	          "'10.0.0.0/28': the list would hold more than 10 targets "
	          "(the limit); split the scan");
	/* Duplicates do not count: 2 new of 6 fit exactly. */
	assert_int_equal(add(l, "10.0.0.4-10.0.0.9"), 2);
	assert_int_equal(rdd_targets_count(l), 10);
	assert_int_equal(add(l, "10.0.0.3"), 0);
	add_fails(l, "host.example", RDD_TARGETS_EFULL,
	          "'host.example': the list would hold more than 10 targets "
	          "(the limit); split the scan");
	add_fails(l, "10.0.0.10", RDD_TARGETS_EFULL,
	          "'10.0.0.10': the list would hold more than 10 targets (the "
	          "limit); split the scan");
	/* A per-spec limit below the default. */
	assert_int_equal(rdd_targets_set_limits(l, 4, 0), 0);
	add_fails(l, "10.1.0.0/29", RDD_TARGETS_EBAD,
	          "'10.1.0.0/29': 8 addresses, more than the limit of 4 per "
	          "target (an IPv4 /16, an IPv6 /112)");
	rdd_targets_free(l);
}

/* The real limit: sixteen /16s fill the list; one more address does not
 * fit, a duplicate still does. */
static void
test_default_total_limit(void **state)
{
	struct rdd_targets *l = new_list();
	char spec[32];
	int i;

	(void)state;
	for (i = 0; i < 16; i++) {
		snprintf(spec, sizeof(spec), "10.%d.0.0/16", i);
		assert_int_equal(add(l, spec), 65536);
	}
	assert_int_equal(rdd_targets_count(l), RDD_TARGETS_MAX);
	add_fails(l, "10.16.0.1", RDD_TARGETS_EFULL,
	          "'10.16.0.1': the list would hold more than 1048576 targets "
	          "(the limit); split the scan");
	assert_int_equal(add(l, "10.15.255.255"), 0);
	assert_string_equal(host(l, RDD_TARGETS_MAX - 1), "10.15.255.255");
	rdd_targets_free(l);
}

static void
test_errors_change_nothing(void **state)
{
	struct rdd_targets *l = new_list();
	char err[RDD_TARGETS_ERR_MAX];

	(void)state;
	assert_int_equal(add(l, "10.0.0.1"), 1);
	add_fails(l, "10.0.0.256", RDD_TARGETS_EBAD,
	          "'10.0.0.256': octet 256 is more than 255");
	add_fails(l, "", RDD_TARGETS_EBAD, "empty target");
	add_fails(l, "  \t ", RDD_TARGETS_EBAD, "empty target");
	/* A NULL or empty ERR is allowed. */
	assert_int_equal(rdd_targets_add(l, "x..y", err, 0), RDD_TARGETS_EBAD);
	assert_int_equal(rdd_targets_add(l, "x..y", NULL, 0), RDD_TARGETS_EBAD);
	assert_int_equal(rdd_targets_count(l), 1);
	rdd_targets_free(l);
}

static void
test_sockaddr(void **state)
{
	struct rdd_targets *l = new_list();
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un sun;
	socklen_t len;

	(void)state;
	add(l, "192.0.2.1");
	add(l, "[2001:db8::2]:3390");
	add(l, "host.example");
	assert_int_equal(rdd_target_sockaddr(rdd_targets_at(l, 0), &ss, &len),
	                 0);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 3389);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0xc0000201);
	assert_int_equal(rdd_targets_find_sockaddr(l, (struct sockaddr *)&ss),
	                 0);
	sin->sin_port = htons(3390);
	assert_int_equal(rdd_targets_find_sockaddr(l, (struct sockaddr *)&ss),
	                 -1);
	sin->sin_port = htons(3389);
	sin->sin_addr.s_addr = htonl(0xc0000202);
	assert_int_equal(rdd_targets_find_sockaddr(l, (struct sockaddr *)&ss),
	                 -1);

	assert_int_equal(rdd_target_sockaddr(rdd_targets_at(l, 1), &ss, &len),
	                 0);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 3390);
	assert_int_equal(sin6->sin6_addr.s6_addr[15], 2);
	assert_int_equal(rdd_targets_find_sockaddr(l, (struct sockaddr *)&ss),
	                 1);
	/* The IPv4 target through an IPv4-mapped IPv6 socket address. */
	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(3389);
	assert_int_equal(
	    inet_pton(AF_INET6, "::ffff:192.0.2.1", &sin6->sin6_addr), 1);
	assert_int_equal(rdd_targets_find_sockaddr(l, (struct sockaddr *)&ss),
	                 0);

	assert_int_equal(rdd_target_sockaddr(rdd_targets_at(l, 2), &ss, &len),
	                 -1);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_int_equal(rdd_targets_find_sockaddr(l, (struct sockaddr *)&sun),
	                 -1);
	rdd_targets_free(l);
}

static void
test_empty_list_lookup(void **state)
{
	struct rdd_targets *l = new_list();
	struct sockaddr_in sin;

	(void)state;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	assert_int_equal(rdd_targets_find_sockaddr(l, (struct sockaddr *)&sin),
	                 -1);
	rdd_targets_free(l);
}

static bool
keep_even(size_t index, const struct rdd_target *t, void *ctx)
{
	(void)t;
	(*(int *)ctx)++;
	return index % 2 == 0;
}

static void
test_retain(void **state)
{
	struct rdd_targets *l = new_list();
	struct sockaddr_in sin;
	int calls = 0;

	(void)state;
	add(l, "10.0.0.0-9");
	assert_int_equal(rdd_targets_retain(l, keep_even, &calls), 5);
	assert_int_equal(calls, 10);
	assert_int_equal(rdd_targets_count(l), 5);
	assert_string_equal(host(l, 0), "10.0.0.0");
	assert_string_equal(host(l, 4), "10.0.0.8");
	/* The lookup follows the new indices; removed ones are gone. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(3389);
	sin.sin_addr.s_addr = htonl(0x0a000006);
	assert_int_equal(rdd_targets_find_sockaddr(l, (struct sockaddr *)&sin),
	                 3);
	sin.sin_addr.s_addr = htonl(0x0a000007);
	assert_int_equal(rdd_targets_find_sockaddr(l, (struct sockaddr *)&sin),
	                 -1);
	/* A removed target can come back, at the end. */
	assert_int_equal(add(l, "10.0.0.7"), 1);
	assert_int_equal(rdd_targets_find_sockaddr(l, (struct sockaddr *)&sin),
	                 5);
	rdd_targets_free(l);
}

static void
test_host_buffers(void **state)
{
	struct rdd_targets *l = new_list();
	char small[6];

	(void)state;
	add(l, "2001:db8::1");
	rdd_target_host(l, rdd_targets_at(l, 0), small, sizeof(small));
	assert_string_equal(small, "2001:");
	rdd_target_hostport(l, rdd_targets_at(l, 0), small, sizeof(small));
	assert_string_equal(small, "[2001");
	assert_ptr_equal(rdd_target_host(l, rdd_targets_at(l, 0), small, 0),
	                 small);
	rdd_targets_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new),
	    cmocka_unit_test(test_single),
	    cmocka_unit_test(test_cidr_v4),
	    cmocka_unit_test(test_cidr_v6),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_dedupe),
	    cmocka_unit_test(test_total_limit),
	    cmocka_unit_test(test_default_total_limit),
	    cmocka_unit_test(test_errors_change_nothing),
	    cmocka_unit_test(test_sockaddr),
	    cmocka_unit_test(test_empty_list_lookup),
	    cmocka_unit_test(test_retain),
	    cmocka_unit_test(test_host_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
