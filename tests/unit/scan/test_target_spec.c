/*
 * test_target_spec.c - lib/scan/target_spec.c: every accepted form of a
 * target spec with the range or name it gives, every refused form with
 * its exact message, the 128-bit helpers, the quoting of messages, and
 * every truncation of valid specs.
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

#include "scan/target_spec.h"
#include "scan/targets.h"

/* TEXT (IPv6 syntax; IPv4 written ::ffff:a.b.c.d) as 16 bytes. */
static void
addr(const char *text, uint8_t out[16])
{
	assert_int_equal(inet_pton(AF_INET6, text, out), 1);
}

struct ok_case {
	const char *spec;
	const char *lo, *hi; /* NULL: a name */
	const char *name;
	uint16_t port;
};

static const struct ok_case ok_cases[] = {
    {"10.0.0.1", "::ffff:10.0.0.1", "::ffff:10.0.0.1", NULL, 0},
    {"0.0.0.0", "::ffff:0.0.0.0", "::ffff:0.0.0.0", NULL, 0},
    {"255.255.255.255", "::ffff:255.255.255.255", "::ffff:255.255.255.255",
     NULL, 0},
    {"10.0.0.1:3390", "::ffff:10.0.0.1", "::ffff:10.0.0.1", NULL, 3390},
    {"10.0.0.1:65535", "::ffff:10.0.0.1", "::ffff:10.0.0.1", NULL, 65535},
    {"10.0.0.1:1", "::ffff:10.0.0.1", "::ffff:10.0.0.1", NULL, 1},
    /* A port is decimal: leading zeros are not octal there. */
    {"10.0.0.1:03389", "::ffff:10.0.0.1", "::ffff:10.0.0.1", NULL, 3389},
    {"10.0.0.0/24", "::ffff:10.0.0.0", "::ffff:10.0.0.255", NULL, 0},
    {"10.0.0.77/24", "::ffff:10.0.0.0", "::ffff:10.0.0.255", NULL, 0},
    {"10.0.0.0/24:3390", "::ffff:10.0.0.0", "::ffff:10.0.0.255", NULL, 3390},
    {"10.0.0.5/32", "::ffff:10.0.0.5", "::ffff:10.0.0.5", NULL, 0},
    {"10.0.0.5/31", "::ffff:10.0.0.4", "::ffff:10.0.0.5", NULL, 0},
    {"10.1.2.3/16", "::ffff:10.1.0.0", "::ffff:10.1.255.255", NULL, 0},
    {"10.1.2.3/0", "::ffff:0.0.0.0", "::ffff:255.255.255.255", NULL, 0},
    {"172.16.0.0/12", "::ffff:172.16.0.0", "::ffff:172.31.255.255", NULL, 0},
    {"10.0.0.1-10.0.0.50", "::ffff:10.0.0.1", "::ffff:10.0.0.50", NULL, 0},
    {"10.0.0.250-10.0.1.5", "::ffff:10.0.0.250", "::ffff:10.0.1.5", NULL, 0},
    {"10.0.0.7-10.0.0.7", "::ffff:10.0.0.7", "::ffff:10.0.0.7", NULL, 0},
    {"10.0.0.1-50", "::ffff:10.0.0.1", "::ffff:10.0.0.50", NULL, 0},
    {"10.0.0.1-50:3390", "::ffff:10.0.0.1", "::ffff:10.0.0.50", NULL, 3390},
    {"10.0.0.9-9", "::ffff:10.0.0.9", "::ffff:10.0.0.9", NULL, 0},
    {"::1", "::1", "::1", NULL, 0},
    {"2001:DB8::1", "2001:db8::1", "2001:db8::1", NULL, 0},
    {"[2001:db8::1]", "2001:db8::1", "2001:db8::1", NULL, 0},
    {"[2001:db8::1]:3390", "2001:db8::1", "2001:db8::1", NULL, 3390},
    {"2001:db8::/126", "2001:db8::", "2001:db8::3", NULL, 0},
    {"2001:db8::5/128", "2001:db8::5", "2001:db8::5", NULL, 0},
    {"2001:db8::5/127", "2001:db8::4", "2001:db8::5", NULL, 0},
    {"2001:db8::1:2/112", "2001:db8::1:0", "2001:db8::1:ffff", NULL, 0},
    {"[2001:db8::/120]:3390", "2001:db8::", "2001:db8::ff", NULL, 3390},
    {"2001:db8::1-2001:db8::1:0", "2001:db8::1", "2001:db8::1:0", NULL, 0},
    {"[2001:db8::1-2001:db8::3]:4000", "2001:db8::1", "2001:db8::3", NULL,
     4000},
    /* IPv4-mapped IPv6 is the IPv4 address. */
    {"::ffff:10.0.0.1", "::ffff:10.0.0.1", "::ffff:10.0.0.1", NULL, 0},
    {"::ffff:10.0.0.0/120", "::ffff:10.0.0.0", "::ffff:10.0.0.255", NULL, 0},
    /* Not mapped: the deprecated IPv4-compatible form stays IPv6. */
    {"::10.0.0.1", "::a00:1", "::a00:1", NULL, 0},
    {"rdp.example.com", NULL, NULL, "rdp.example.com", 0},
    {"RDP-01.Example.COM:3390", NULL, NULL, "RDP-01.Example.COM", 3390},
    {"localhost", NULL, NULL, "localhost", 0},
    {"host.", NULL, NULL, "host.", 0},
    {"sql_01.corp.local", NULL, NULL, "sql_01.corp.local", 0},
    {"xn--bcher-kva.example", NULL, NULL, "xn--bcher-kva.example", 0},
    {"b\xc3\xbc"
     "cher.example",
     NULL, NULL,
     "b\xc3\xbc"
     "cher.example",
     0},
    {"3com.com", NULL, NULL, "3com.com", 0},
    {"123.example", NULL, NULL, "123.example", 0},
    {"a", NULL, NULL, "a", 0},
    {"0x7f.example", NULL, NULL, "0x7f.example", 0},
    /* 63-character label. */
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b", NULL,
     NULL, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b",
     0},
};

static void
test_accepted(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct ok_case *c = &ok_cases[i];
		struct rdd_target_spec sp;
		char err[RDD_TARGETS_ERR_MAX] = "";
		uint8_t lo[16], hi[16];

		if (rdd_target_spec_parse(c->spec, strlen(c->spec), &sp, err,
		                          sizeof(err)) != 0)
			fail_msg("%s refused: %s", c->spec, err);
		assert_int_equal(sp.port, c->port);
		if (c->name != NULL) {
			assert_true(sp.is_name);
			assert_int_equal(sp.name_len, strlen(c->name));
			assert_memory_equal(sp.name, c->name, sp.name_len);
			continue;
		}
		assert_false(sp.is_name);
		addr(c->lo, lo);
		addr(c->hi, hi);
		if (memcmp(sp.lo, lo, 16) != 0 || memcmp(sp.hi, hi, 16) != 0)
			fail_msg("%s: wrong range", c->spec);
	}
}

struct bad_case {
	const char *spec;
	const char *err;
};

static const struct bad_case bad_cases[] = {
    {"", "empty target"},
    {"10.0.0.1 10.0.0.2", "'10.0.0.1 10.0.0.2': a blank inside the target"},
    {"a\tb", "'a\\x09b': a blank inside the target"},
    {"host\x1b[31m", "'host\\x1b[31m': a control character"},
    /* IPv4. */
    {"10.0.0", "'10.0.0': an IPv4 address is four numbers separated by "
               "dots"},
    {"10.0.0.1.2", "'10.0.0.1.2': an IPv4 address is four numbers "
                   "separated by dots"},
    {"10..0.1", "'10..0.1': an IPv4 address is four numbers separated by "
                "dots"},
    {"10.0.0.", "'10.0.0.': an IPv4 address is four numbers separated by "
                "dots"},
    {"1234", "'1234': an IPv4 address is four numbers separated by dots"},
    {"10.0.0.256", "'10.0.0.256': octet 256 is more than 255"},
    {"10.0.0.99999999999", "'10.0.0.99999999999': the octet is more than "
                           "255"},
    {"10.010.0.1", "'10.010.0.1': leading zero in octet 010 (refused: "
                   "some tools read it as octal)"},
    {"10.000.0.1", "'10.000.0.1': leading zero in octet 000 (refused: "
                   "some tools read it as octal)"},
    /* CIDR. */
    {"10.0.0.0/33", "'10.0.0.0/33': prefix length 33 is more than 32"},
    {"10.0.0.0/", "'10.0.0.0/': empty prefix length"},
    {"10.0.0.0/x", "'10.0.0.0/x': the prefix length is not a number"},
    {"10.0.0.0/-1", "'10.0.0.0/-1': the prefix length is not a number"},
    {"/24", "'/24': no address before '/'"},
    {"host/24", "'host/24': a prefix length follows an IPv4 or IPv6 "
                "address, not a name"},
    {"10.0.0.0/24/24", "'10.0.0.0/24/24': the prefix length is not a "
                       "number"},
    {"10.0.0/24", "'10.0.0/24': an IPv4 address is four numbers "
                  "separated by dots"},
    {"2001:db8::/129", "'2001:db8::/129': prefix length 129 is more than "
                       "128"},
    /* Ranges. */
    {"10.0.0.50-10.0.0.1", "'10.0.0.50-10.0.0.1': the range is reversed "
                           "(its first address is after its last)"},
    {"10.0.0.50-1", "'10.0.0.50-1': the range is reversed (its first "
                    "address is after its last)"},
    {"10.0.1.0-10.0.0.255", "'10.0.1.0-10.0.0.255': the range is "
                            "reversed (its first address is after its "
                            "last)"},
    {"10.0.0.1-", "'10.0.0.1-': no address after '-'"},
    {"-10.0.0.1", "'-10.0.0.1': no address before '-'"},
    {"10.0.0.1-5-9", "'10.0.0.1-5-9': more than one '-'"},
    {"10.0.0.1-256", "'10.0.0.1-256': octet 256 is more than 255"},
    {"10.0.0.1-05", "'10.0.0.1-05': leading zero in octet 05 (refused: "
                    "some tools read it as octal)"},
    {"10.0.0.1-10.0.0", "'10.0.0.1-10.0.0': an IPv4 address is four "
                        "numbers separated by dots"},
    {"10.0.0-3.1", "'10.0.0-3.1': an IPv4 address is four numbers "
                   "separated by dots"},
    {"2001:db8::1-ff", "'2001:db8::1-ff': an IPv6 range ends with a "
                       "whole IPv6 address"},
    {"2001:db8::1-10.0.0.1", "'2001:db8::1-10.0.0.1': an IPv6 range ends "
                             "with a whole IPv6 address"},
    {"10.0.0.1-2001:db8::1", "'10.0.0.1-2001:db8::1': the two ends of the "
                             "range are not of the same family"},
    {"2001:db8::9-2001:db8::1", "'2001:db8::9-2001:db8::1': the range is "
                                "reversed (its first address is after "
                                "its last)"},
    /* IPv6. */
    {"2001:db8::g", "'2001:db8::g': not an IPv6 address"},
    {"1:2:3:4:5:6:7:8:9", "'1:2:3:4:5:6:7:8:9': not an IPv6 address"},
    {"fe80::1%eth0", "'fe80::1%eth0': a zone index (%...) is not "
                     "supported"},
    {"[::1", "'[::1': no ']' after '['"},
    {"[::1]3389", "'[::1]3389': unexpected text after ']'"},
    {"[::1]:", "'[::1]:': empty port"},
    {"[10.0.0.1]:3389", "'[10.0.0.1]:3389': brackets hold an IPv6 "
                        "address"},
    {"[host]", "'[host]': brackets hold an IPv6 address"},
    {"[]:3389", "'[]:3389': empty host"},
    /* Ports. */
    {"host:", "'host:': empty port"},
    {":3389", "':3389': empty host"},
    {"host:0", "'host:0': port 0 is not allowed"},
    {"host:00", "'host:00': port 0 is not allowed"},
    {"host:65536", "'host:65536': port 65536 is more than 65535"},
    {"host:99999999999", "'host:99999999999': the port is more than "
                         "65535"},
    {"host:33a", "'host:33a': the port is not a number"},
    {"host:-1", "'host:-1': the port is not a number"},
    {"host:+1", "'host:+1': the port is not a number"},
    {"10.0.0.256:3389", "'10.0.0.256:3389': octet 256 is more than 255"},
    /* Names. */
    {"-host", "'-host': a label starts with '-'"},
    {"host-", "'host-': a label ends with '-'"},
    {"a.-b.c", "'a.-b.c': a label starts with '-'"},
    {"a..b", "'a..b': empty label in the host name"},
    {".a", "'.a': empty label in the host name"},
    {"a.b..", "'a.b..': empty label in the host name"},
    {".", "'.': an IPv4 address is four numbers separated by dots"},
    {"ho!st", "'ho!st': '!' is not allowed in a host name"},
    {"ho st", "'ho st': a blank inside the target"},
    {"user@host", "'user@host': '@' is not allowed in a host name"},
    {"host]", "'host]': ']' is not allowed in a host name"},
    {"foo.123", "'foo.123': the last label of a host name cannot be all "
                "digits"},
    {"0x7f000001", "'0x7f000001': inet_aton would read this as an IPv4 "
                   "address (octal or hexadecimal); write it as a.b.c.d"},
    {"0x7f.1", "'0x7f.1': inet_aton would read this as an IPv4 address "
               "(octal or hexadecimal); write it as a.b.c.d"},
    {"0X7F.0.0.0x1", "'0X7F.0.0.0x1': inet_aton would read this as an "
                     "IPv4 address (octal or hexadecimal); write it as "
                     "a.b.c.d"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b",
     "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...': "
     "a label is longer than 63 characters"},
    {"b\xc3(cher", "'b\\xc3(cher': not valid UTF-8"},
    {"\xc0\xafhost", "'\\xc0\\xafhost': not valid UTF-8"},
    {"\xed\xa0\x80host", "'\\xed\\xa0\\x80host': not valid UTF-8"},
    {"\xc2\x85host", "'\\xc2\\x85host': not valid UTF-8"},
    {"host\xc3", "'host\\xc3': not valid UTF-8"},
};

static void
test_refused(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct rdd_target_spec sp;
		char err[RDD_TARGETS_ERR_MAX] = "";

		if (rdd_target_spec_parse(c->spec, strlen(c->spec), &sp, err,
		                          sizeof(err)) == 0)
			fail_msg("%s accepted", c->spec);
		assert_string_equal(err, c->err);
	}
}

/* Lengths: 253 characters of name are the most, 300 of spec. */
static void
test_lengths(void **state)
{
	char s[400], err[RDD_TARGETS_ERR_MAX];
	struct rdd_target_spec sp;
	size_t i;

	(void)state;
	/* 4 labels of 63 + 3 dots = 255; cut to 253 ("a" * 61 last). */
	for (i = 0; i < 255; i++)
		s[i] = (i % 64 == 63) ? '.' : 'a';
	assert_int_equal(rdd_target_spec_parse(s, 253, &sp, err, sizeof(err)),
	                 0);
	assert_int_equal(sp.name_len, 253);
	/* With a final dot: 254 characters, still 253 without it. */
	s[253] = '.';
	assert_int_equal(rdd_target_spec_parse(s, 254, &sp, err, sizeof(err)),
	                 0);
	s[253] = 'a';
	assert_int_equal(rdd_target_spec_parse(s, 254, &sp, err, sizeof(err)),
	                 -1);
	assert_string_equal(err,
	                    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	                    "aaaaaaaaaaaaaaa...': a host name is at most "
	                    "253 characters");
	/* A name of 253 with ":65535" is accepted (259 characters). */
	memcpy(s + 253, ":65535", 6);
	assert_int_equal(rdd_target_spec_parse(s, 259, &sp, err, sizeof(err)),
	                 0);
	assert_int_equal(sp.port, 65535);
	memset(s, 'a', sizeof(s));
	assert_int_equal(rdd_target_spec_parse(s, 301, &sp, err, sizeof(err)),
	                 -1);
	assert_string_equal(err,
	                    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	                    "aaaaaaaaaaaaaaa...': longer than 300 "
	                    "characters");
	/* A NUL inside the bytes is a control character, not an end. */
	assert_int_equal(
	    rdd_target_spec_parse("a\0b", 3, &sp, err, sizeof(err)), -1);
	assert_string_equal(err, "'a\\x00b': a control character");
	/* A small ERR is cut, still terminated. */
	assert_int_equal(rdd_target_spec_parse("10.0.0.256", 10, &sp, err, 8),
	                 -1);
	assert_string_equal(err, "'10.0.0");
}

static void
test_quote(void **state)
{
	char q[80];
	char s[100];

	(void)state;
	rdd_target_quote(q, sizeof(q), "abc", 3);
	assert_string_equal(q, "'abc'");
	rdd_target_quote(q, sizeof(q), "", 0);
	assert_string_equal(q, "''");
	rdd_target_quote(q, sizeof(q), "a\x01\xff", 3);
	assert_string_equal(q, "'a\\x01\\xff'");
	memset(s, 'x', sizeof(s));
	rdd_target_quote(q, sizeof(q), s, 60);
	assert_int_equal(strlen(q), 62);
	rdd_target_quote(q, sizeof(q), s, 61);
	assert_int_equal(strlen(q), 65);
	assert_string_equal(q + 61, "...'");
	/* An escape that would cross the 60 is left out whole. */
	s[58] = '\x01';
	rdd_target_quote(q, sizeof(q), s, 70);
	assert_int_equal(strlen(q), 63);
	assert_string_equal(q + 58, "x...'");
	rdd_target_quote(q, 4, "abcdef", 6);
	assert_string_equal(q, "'ab");
}

static void
test_addr_helpers(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	addr("::ffff:10.0.0.255", a);
	assert_true(rdd_addr_inc(a));
	addr("::ffff:10.0.1.0", b);
	assert_memory_equal(a, b, 16);
	assert_true(rdd_addr_is_v4(a));
	addr("::fffe:ffff:ffff", a);
	assert_false(rdd_addr_is_v4(a));
	assert_true(rdd_addr_inc(a));
	assert_true(rdd_addr_is_v4(a)); /* ::ffff:0.0.0.0 */
	memset(a, 0xff, 16);
	assert_false(rdd_addr_inc(a));
	memset(b, 0, 16);
	assert_memory_equal(a, b, 16);

	addr("::ffff:10.0.0.0", a);
	addr("::ffff:10.0.255.255", b);
	assert_int_equal(rdd_addr_span(a, b, 65536), 65536);
	assert_int_equal(rdd_addr_span(a, b, 65535), 65536);
	assert_int_equal(rdd_addr_span(a, a, 65536), 1);
	addr("::ffff:10.1.0.0", b);
	assert_int_equal(rdd_addr_span(a, b, 65536), 65537);
	addr("::", a);
	addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", b);
	assert_int_equal(rdd_addr_span(a, b, 65536), 65537);
	addr("0:0:0:1::", b);
	assert_int_equal(rdd_addr_span(a, b, 65536), 65537);
	assert_true(rdd_addr_cmp(a, b) < 0);
	assert_true(rdd_addr_cmp(b, a) > 0);
	assert_int_equal(rdd_addr_cmp(a, a), 0);
}

/* Every prefix of valid specs parses or fails cleanly with a message. */
static void
test_truncations(void **state)
{
	static const char *const specs[] = {
	    "[2001:db8::/120]:3390",
	    "10.0.0.1-10.0.0.50:3390",
	    "10.0.0.0/24:3390",
	    "b\xc3\xbc"
	    "cher.example:3389",
	    "::ffff:10.0.0.0/120",
	    "2001:db8::1-2001:db8::1:0",
	};
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		for (n = 0; n <= strlen(specs[i]); n++) {
			struct rdd_target_spec sp;
			char err[RDD_TARGETS_ERR_MAX];

			memset(err, 'Z', sizeof(err));
			if (rdd_target_spec_parse(specs[i], n, &sp, err,
			                          sizeof(err)) != 0) {
				assert_non_null(memchr(err, '\0', sizeof(err)));
				assert_true(strlen(err) > 0);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_quote),
	    cmocka_unit_test(test_addr_helpers),
	    cmocka_unit_test(test_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
