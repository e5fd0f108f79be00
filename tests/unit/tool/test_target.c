/*
 * test_target.c - HOST[:PORT] and port parsing of the tool (src/target.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "commands.h"

static void
check_ok(const char *arg, const char *host, int port)
{
	char h[64];
	int p = -1;

	assert_int_equal(parse_target(arg, h, sizeof(h), &p), 0);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
}

static void
test_forms(void **state)
{
	(void)state;
	check_ok("rdp.example.com", "rdp.example.com", -1);
	check_ok("rdp.example.com:3390", "rdp.example.com", 3390);
	check_ok("192.0.2.1", "192.0.2.1", -1);
	check_ok("192.0.2.1:1", "192.0.2.1", 1);
	check_ok("2001:db8::1", "2001:db8::1", -1);
	check_ok("[2001:db8::1]", "2001:db8::1", -1);
	check_ok("[2001:db8::1]:65535", "2001:db8::1", 65535);
}

static void
test_rejects(void **state)
{
	static const char *const bad[] = {"",
	                                  ":3389",
	                                  "host:",
	                                  "host:0",
	                                  "host:65536",
	                                  "host:12x",
	                                  "[2001:db8::1",
	                                  "[nothost]:1",
	                                  "[2001:db8::1]3389",
	                                  "1:2:zz",
	                                  NULL};
	char h[64];
	int p, i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++)
		assert_int_not_equal(parse_target(bad[i], h, sizeof(h), &p), 0);
	assert_int_not_equal(parse_target(NULL, h, sizeof(h), &p), 0);
}

static void
test_host_too_long(void **state)
{
	char h[8];
	int p;

	(void)state;
	assert_int_not_equal(parse_target("abcdefgh", h, sizeof(h), &p), 0);
	assert_int_equal(parse_target("abcdefg", h, sizeof(h), &p), 0);
}

static void
test_port(void **state)
{
	(void)state;
	assert_int_equal(parse_port("3389"), 3389);
	assert_int_equal(parse_port("0"), -1);
	assert_int_equal(parse_port("-1"), -1);
	assert_int_equal(parse_port("70000"), -1);
	assert_int_equal(parse_port(""), -1);
	assert_int_equal(parse_port(NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_host_too_long),
	    cmocka_unit_test(test_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
