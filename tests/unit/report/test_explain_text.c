/*
 * test_explain_text.c - rdd_report_explain_text (explain_text.c) called
 * directly, without the tool: what it writes for a lookup is, byte for
 * byte, the stdout of the golden file the built tool wrote for the same
 * arguments (golden/explain/, golden.h), with and without colour and -v;
 * and a stream that cannot be written is reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "rdpdoctor/report.h"

#include "golden.h"

struct text_case {
	const char *golden; /* golden/explain/NAME.golden */
	const char *code, *extended;
	bool color, verbose;
};

static const struct text_case cases[] = {
    {"pair", "0x904", "0x7", false, false},
    {"pair-verbose", "0x904", "0x7", false, true},
    {"tty-pair", "0x904", "0x7", true, false},
    {"tty-pair-verbose", "0x904", "0x7", true, true},
    {"many-tables-verbose", "1", NULL, false, true},
    {"several-stories", "6", NULL, false, false},
    {"bare-hex", "80090302", NULL, false, false},
    {"freerdp-last-error", "0x0002000E", NULL, false, false},
    {"extended-protocol-range-name", "0x904", "ERRINFO_UNKNOWN_DATA_PDU_TYPE",
     false, false},
    {"tty-unknown-number", "deadbeef", NULL, true, false},
    {"extended-unknown-number", "0x904", "0x99999", false, false},
    {"tty-suggest", "denied", NULL, true, false},
    {"tty-escape-terminal", "\x1b]0;title\x07\x1b[31mred", NULL, true, false},
    {"escape-del-bad-utf8", "a\177b\377\376", NULL, false, false},
};

static void
test_goldens(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct text_case *tc = &cases[i];
		struct rdd_text_options opt = {tc->color, tc->verbose};
		struct bytes expected = {0}, actual = {0};
		struct rdd_explain e;
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		assert_non_null(f);
		assert_int_equal(rdd_explain_codes(&e, tc->code, tc->extended),
		                 0);
		assert_int_equal(rdd_report_explain_text(f, &e, &opt), 0);
		assert_int_equal(fclose(f), 0);
		bytes_add(&actual, buf, len);
		free(buf);
		golden_stdout(tc->golden, &expected);
		assert_same_bytes(tc->golden, &expected, &actual);
		bytes_free(&expected);
		bytes_free(&actual);
	}
}

/* Without options: no colour, not verbose (the "pair" golden). */
static void
test_null_options(void **state)
{
	struct bytes expected = {0}, actual = {0};
	struct rdd_explain e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(rdd_explain_codes(&e, "0x904", "0x7"), 0);
	assert_int_equal(rdd_report_explain_text(f, &e, NULL), 0);
	assert_int_equal(fclose(f), 0);
	bytes_add(&actual, buf, len);
	free(buf);
	golden_stdout("pair", &expected);
	assert_same_bytes("pair (no options)", &expected, &actual);
	bytes_free(&expected);
	bytes_free(&actual);
}

/* Every write fails: the renderer says so. */
static void
test_write_error(void **state)
{
	struct rdd_explain e;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (f == NULL)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(rdd_explain_codes(&e, "0x904", "0x7"), 0);
	assert_int_equal(rdd_report_explain_text(f, &e, NULL), -1);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_goldens),
	    cmocka_unit_test(test_null_options),
	    cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
