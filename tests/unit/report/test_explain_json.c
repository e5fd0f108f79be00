/*
 * test_explain_json.c - rdd_report_explain_json (explain_json.c) called
 * directly, without the tool: what it writes for a lookup is, byte for
 * byte, the stdout of the golden file the built tool wrote for the same
 * arguments (golden/explain/, golden.h; the version as @RDD_VERSION@), the
 * document parses, and a stream that cannot be written is reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rdpdoctor/report.h"

#include "golden.h"

struct json_case {
	const char *golden; /* golden/explain/NAME.golden */
	const char *code, *extended;
};

static const struct json_case cases[] = {
    {"json-pair", "0x904", "0x7"},
    {"json-many-tables", "0x7", NULL},
    {"json-several-stories", "6", NULL},
    {"json-bare-hex", "80090302", NULL},
    {"json-freerdp-last-error", "0x0002000E", NULL},
    {"json-extended-protocol-range", "0x904", "4297"},
    {"json-extended-unknown", "0x904", "0x99999"},
    {"json-extended-unknown-name", "0x904", "nosuchname"},
    {"json-unknown-number", "deadbeef", NULL},
    {"json-suggest", "denied", NULL},
    {"json-escape-terminal", "\x1b]0;title\x07\x1b[31mred", NULL},
    {"json-escape-del-bad-utf8", "a\177b\377\376", NULL},
    {"json-utf8-input", "caf\xc3\xa9", NULL},
};

static void
render(const struct json_case *jc, struct bytes *out)
{
	struct rdd_explain e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rdd_explain_codes(&e, jc->code, jc->extended), 0);
	assert_int_equal(rdd_report_explain_json(f, &e), 0);
	assert_int_equal(fclose(f), 0);
	bytes_add(out, buf, len);
	free(buf);
}

static void
test_goldens(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bytes expected = {0}, actual = {0};

		render(&cases[i], &actual);
		golden_unversion(&actual);
		golden_stdout(cases[i].golden, &expected);
		assert_same_bytes(cases[i].golden, &expected, &actual);
		bytes_free(&expected);
		bytes_free(&actual);
	}
}

/* The document parses, and the echoed input survives as its UTF-8 (the
 * \u007F escape of DEL included). */
static void
test_parses(void **state)
{
	static const struct json_case del = {"", "a\177b", NULL};
	struct bytes doc = {0};
	json_error_t err;
	json_t *root, *code;

	(void)state;
	render(&del, &doc);
	root = json_loadb(doc.p, doc.len, 0, &err);
	assert_non_null(root);
	code = json_object_get(root, "code");
	assert_string_equal(json_string_value(json_object_get(code, "input")),
	                    "a\177b");
	assert_true(json_is_false(json_object_get(root, "known")));
	assert_string_equal(json_string_value(json_object_get(root, "command")),
	                    "explain");
	json_decref(root);
	bytes_free(&doc);
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
	assert_int_equal(rdd_report_explain_json(f, &e), -1);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_goldens),
	    cmocka_unit_test(test_parses),
	    cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
