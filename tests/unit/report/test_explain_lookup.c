/*
 * test_explain_lookup.c - rdd_explain_codes (explain_lookup.c): what each
 * kind of argument is found to be (the fields of struct rdd_explain the
 * renderers read), the pair mstsc shows, the order of the stories, the
 * nearest codes of an unknown number, the suggestions for an unknown name,
 * and the arguments it refuses.
 */
#define _GNU_SOURCE /* strcasestr */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rdpdoctor/report.h"

static const char *
story_id(enum rdd_story s)
{
	const struct rdd_story_info *si = rdd_story_info(s);

	assert_non_null(si);
	return si->id;
}

/* "0x904 0x7": the number is read as mstsc's discReason only, the
 * extended reason as one; both known; one story. */
static void
test_pair(void **state)
{
	struct rdd_explain e;

	(void)state;
	assert_int_equal(rdd_explain_codes(&e, "0x904", "0x7"), 0);
	assert_string_equal(e.code.input, "0x904");
	assert_true(e.code.numeric);
	assert_false(e.code.bare_hex);
	assert_int_equal(e.code.value, 0x904);
	assert_int_equal(e.code.n, 1);
	assert_int_equal(e.code.m[0].code->table, RDD_TABLE_DISC);
	assert_string_equal(e.code.m[0].code->name, "AtClientWinsockFDCLOSE");
	assert_true(e.has_extended);
	assert_int_equal(e.extended.n, 1);
	assert_int_equal(e.extended.m[0].code->table, RDD_TABLE_EXT);
	assert_int_equal(e.extended.m[0].code->value, 7);
	assert_int_equal(e.extended.m[0].via, RDD_VIA_VALUE);
	assert_true(e.known);
	assert_int_equal(e.n_stories, 1);
	assert_string_equal(story_id(e.stories[0]), "denied-after-connect");
	assert_int_equal(e.code.n_near, 0);
	assert_int_equal(e.code.n_suggest, 0);
}

/* A Kerberos name finds its row, its story and the findings that
 * confirm it; the SSPI value mstsc shows points at the same story. */
static void
test_kerberos(void **state)
{
	struct rdd_explain e;

	(void)state;
	assert_int_equal(rdd_explain_codes(&e, "KDC_ERR_PREAUTH_FAILED", NULL),
	                 0);
	assert_int_equal(e.code.n, 1);
	assert_int_equal(e.code.m[0].code->table, RDD_TABLE_KERBEROS);
	assert_int_equal(e.code.m[0].code->value, 24);
	assert_int_equal(e.n_stories, 1);
	assert_string_equal(story_id(e.stories[0]), "kerberos-account");
	assert_int_equal(
	    rdd_explain_codes(&e, "kdc_err_s_principal_unknown", NULL), 0);
	assert_string_equal(story_id(e.stories[0]), "kerberos-spn");
	assert_int_equal(rdd_explain_codes(&e, "0x80090311", NULL), 0);
	assert_string_equal(story_id(e.stories[0]), "kerberos-kdc");
	assert_int_equal(rdd_explain_codes(&e, "SEC_E_KDC_UNKNOWN_ETYPE", NULL),
	                 0);
	assert_string_equal(story_id(e.stories[0]), "kerberos-etype");
	/* MIT's form of 24, as kinit prints it. */
	assert_int_equal(rdd_explain_codes(&e, "-1765328360", NULL), 0);
	assert_int_equal(e.code.n, 1);
	assert_int_equal(e.code.m[0].via, RDD_VIA_MIT_KRB5);
	assert_string_equal(e.code.m[0].code->name, "KDC_ERR_PREAUTH_FAILED");
	assert_int_equal(rdd_explain_codes(&e, "KRB_AP_ERR_SKEW", NULL), 0);
	assert_string_equal(story_id(e.stories[0]), "clock-skew");
}

/* Alone, a number is shown in every table that has it; beside an
 * extended reason too when none of them is a discReason. */
static void
test_every_table(void **state)
{
	struct rdd_explain e;

	(void)state;
	assert_int_equal(rdd_explain_codes(&e, "0x7", NULL), 0);
	assert_false(e.has_extended);
	assert_int_equal(e.code.n, 6);
	assert_int_equal(e.code.m[0].code->table, RDD_TABLE_EXT);
	assert_int_equal(e.code.m[5].code->table, RDD_TABLE_KERBEROS);
	assert_int_equal(rdd_explain_codes(&e, "7", "7"), 0);
	assert_int_equal(e.code.n, 6);
}

/* The extended reason's story comes first: it is the more specific. */
static void
test_story_order(void **state)
{
	struct rdd_explain e;

	(void)state;
	assert_int_equal(rdd_explain_codes(&e, "0x904", "8"), 0);
	assert_int_equal(e.n_stories, 2);
	assert_string_equal(story_id(e.stories[0]), "fips-required");
	assert_string_equal(story_id(e.stories[1]), "denied-after-connect");
}

static void
test_number_forms(void **state)
{
	struct rdd_explain e;

	(void)state;
	/* Bare hex, after decimal found nothing. */
	assert_int_equal(rdd_explain_codes(&e, "80090302", NULL), 0);
	assert_true(e.code.bare_hex);
	assert_int_equal(e.code.value, 0x80090302u);
	assert_int_equal(e.code.n, 1);
	assert_string_equal(e.code.m[0].code->name,
	                    "SEC_E_UNSUPPORTED_FUNCTION");
	/* A negative HRESULT, the same code. */
	assert_int_equal(rdd_explain_codes(&e, "-2146893054", NULL), 0);
	assert_false(e.code.bare_hex);
	assert_int_equal(e.code.value, 0x80090302u);
	assert_string_equal(e.code.m[0].code->name,
	                    "SEC_E_UNSUPPORTED_FUNCTION");
	/* A FreeRDP last error: class 2 (CONNECT) << 16 | 0xE. */
	assert_int_equal(rdd_explain_codes(&e, "0x0002000E", NULL), 0);
	assert_int_equal(e.code.n, 1);
	assert_int_equal(e.code.m[0].via, RDD_VIA_FREERDP);
	assert_int_equal(e.code.m[0].code->table, RDD_TABLE_ERRCONNECT);
	assert_int_equal(e.code.m[0].code->value, 0xE);
}

static void
test_names(void **state)
{
	struct rdd_explain e;

	(void)state;
	assert_int_equal(
	    rdd_explain_codes(&e, "server_denied_connection", NULL), 0);
	assert_false(e.code.numeric);
	assert_int_equal(e.code.n, 2);
	assert_int_equal(e.code.m[0].code->table, RDD_TABLE_EXT);
	assert_int_equal(e.code.m[1].code->table, RDD_TABLE_ERRINFO);
	/* An extended reason named by its ERRINFO name, in the protocol
	 * range; out of the range it is unknown. */
	assert_int_equal(
	    rdd_explain_codes(&e, "0x904", "ERRINFO_UNKNOWN_DATA_PDU_TYPE"), 0);
	assert_int_equal(e.extended.n, 1);
	assert_int_equal(e.extended.m[0].via, RDD_VIA_EXT_RANGE);
	assert_int_equal(e.extended.m[0].code->value, 0x10C9);
	assert_int_equal(
	    rdd_explain_codes(&e, "0x904", "ERRINFO_RPC_INITIATED_DISCONNECT"),
	    0);
	assert_int_equal(e.extended.n, 0);
	assert_false(e.known);
}

/* An unknown number: the nearest codes of every table, or for an extended
 * reason of the two tables it can come from. */
static void
test_unknown_number(void **state)
{
	struct rdd_explain e;
	size_t i;

	(void)state;
	assert_int_equal(rdd_explain_codes(&e, "deadbeef", "0x99999"), 0);
	assert_false(e.known);
	assert_true(e.code.numeric);
	assert_int_equal(e.code.value, 0xDEADBEEFu);
	assert_int_equal(e.code.n, 0);
	assert_int_equal(e.code.n_near, RDD_TABLE_COUNT);
	for (i = 0; i < e.code.n_near; i++)
		assert_int_equal(e.code.near[i].table, i);
	assert_non_null(e.code.near[RDD_TABLE_ERRINFO].below);
	assert_string_equal(e.code.near[RDD_TABLE_ERRINFO].below->name,
	                    "ERRINFO_PEER_DISCONNECTED");
	assert_int_equal(e.extended.n_near, 2);
	assert_int_equal(e.extended.near[0].table, RDD_TABLE_EXT);
	assert_int_equal(e.extended.near[1].table, RDD_TABLE_ERRINFO);
	assert_int_equal(e.code.n_suggest, 0);
	assert_int_equal(e.n_stories, 0);
}

static void
test_unknown_name(void **state)
{
	struct rdd_explain e;
	size_t i;

	(void)state;
	assert_int_equal(rdd_explain_codes(&e, "denied", NULL), 0);
	assert_false(e.known);
	assert_false(e.code.numeric);
	assert_int_equal(e.code.n_near, 0);
	assert_int_equal(e.code.n_suggest, RDD_EXPLAIN_MAX_SUGGEST);
	for (i = 0; i < e.code.n_suggest; i++)
		assert_non_null(strcasestr(e.code.suggest[i]->name, "denied"));
	/* A finding id is not a code. */
	assert_int_equal(rdd_explain_codes(&e, "cert-expired", NULL), 0);
	assert_int_equal(e.code.n, 0);
	assert_int_equal(e.code.n_suggest, 0);
}

static void
test_refused(void **state)
{
	char in[RDD_EXPLAIN_INPUT_MAX + 2];
	struct rdd_explain e;

	(void)state;
	memset(in, 'A', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	assert_int_equal(rdd_explain_codes(&e, in, NULL), -1);
	assert_int_equal(rdd_explain_codes(&e, "0x904", in), -1);
	assert_int_equal(rdd_explain_codes(&e, "", NULL), -1);
	assert_int_equal(rdd_explain_codes(&e, "0x904", ""), -1);
	assert_int_equal(rdd_explain_codes(&e, NULL, NULL), -1);
	/* The longest accepted, kept whole. */
	in[RDD_EXPLAIN_INPUT_MAX] = '\0';
	assert_int_equal(rdd_explain_codes(&e, in, NULL), 0);
	assert_string_equal(e.code.input, in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pair),
	    cmocka_unit_test(test_every_table),
	    cmocka_unit_test(test_kerberos),
	    cmocka_unit_test(test_story_order),
	    cmocka_unit_test(test_number_forms),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_unknown_number),
	    cmocka_unit_test(test_unknown_name),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
