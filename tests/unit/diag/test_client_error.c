/*
 * test_client_error.c - `check --client-error`: parsing, which findings
 * explain the user's error, their order, and the plain summary when none
 * does (lib/diag/client_error.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rdpdoctor/diag.h"

static void
add(struct rdd_diagnosis *d, const char *id, enum rdd_severity sev)
{
	struct rdd_finding *f = &d->findings[d->n_findings++];
	int c = rdd_cause_from_id(id);

	assert_true(c >= 0);
	f->cause = (enum rdd_cause)c;
	f->severity = sev;
	f->phase = rdd_cause_info(f->cause)->phase;
	snprintf(f->evidence, sizeof(f->evidence), "evidence of %s", id);
}

static const char *
id_at(const struct rdd_diagnosis *d, size_t i)
{
	return rdd_cause_info(d->findings[i].cause)->id;
}

static void
test_parse(void **state)
{
	uint32_t code, ext;
	bool has;

	(void)state;
	assert_int_equal(rdd_client_error_parse("0x904/0x7", &code, &has, &ext),
	                 0);
	assert_int_equal(code, 0x904);
	assert_true(has);
	assert_int_equal(ext, 7);
	assert_int_equal(rdd_client_error_parse("2308", &code, &has, &ext), 0);
	assert_int_equal(code, 2308);
	assert_false(has);
	assert_int_equal(rdd_client_error_parse("0x904,7", &code, &has, &ext),
	                 0);
	assert_int_equal(ext, 7);
	assert_int_not_equal(rdd_client_error_parse("", &code, &has, &ext), 0);
	assert_int_not_equal(
	    rdd_client_error_parse("0x904/", &code, &has, &ext), 0);
	assert_int_not_equal(rdd_client_error_parse("/7", &code, &has, &ext),
	                     0);
	assert_int_not_equal(rdd_client_error_parse("abc", &code, &has, &ext),
	                     0);
	assert_int_not_equal(rdd_client_error_parse(NULL, &code, &has, &ext),
	                     0);
}

/* An expired certificate explains 0x904/0x7 (cause 1) and leads. */
static void
test_explained_and_reordered(void **state)
{
	static struct rdd_diagnosis d;

	(void)state;
	memset(&d, 0, sizeof(d));
	add(&d, "nla-not-required", RDD_SEV_WARNING);
	add(&d, "cert-self-signed", RDD_SEV_WARNING);
	add(&d, "cert-expired", RDD_SEV_CRITICAL);
	rdd_diagnose_client_error(&d, 0x904, true, 7);
	assert_true(d.client_error.present);
	assert_string_equal(d.client_error.code_name, "AtClientWinsockFDCLOSE");
	assert_non_null(d.client_error.extended_name);
	assert_non_null(d.client_error.story_id);
	assert_int_equal(d.client_error.n_explaining, 1);
	assert_int_equal(d.client_error.cause_rank[0], 1);
	assert_string_equal(id_at(&d, 0), "cert-expired");
	/* The others keep their order behind it, none lost. */
	assert_int_equal(d.n_findings, 3);
	assert_string_equal(id_at(&d, 1), "nla-not-required");
	assert_string_equal(id_at(&d, 2), "cert-self-signed");
	assert_non_null(strstr(d.client_error.summary,
	                       "is explained by cert-expired (cause 1: "));
}

/* A healthy server: only client-side-suspect, said plainly. */
static void
test_server_side_healthy(void **state)
{
	static struct rdd_diagnosis d;

	(void)state;
	memset(&d, 0, sizeof(d));
	add(&d, "client-side-suspect", RDD_SEV_INFO);
	rdd_diagnose_client_error(&d, 0x904, true, 7);
	assert_non_null(strstr(d.client_error.summary,
	                       "none of the findings that explain it is "
	                       "present; every server-side phase tested "
	                       "passed, so look at the client "
	                       "(client-side-suspect)"));
	assert_null(strstr(d.client_error.summary, "fails another way"));
}

/* The check fails in a way the error does not describe. */
static void
test_other_failure(void **state)
{
	static struct rdd_diagnosis d;

	(void)state;
	memset(&d, 0, sizeof(d));
	add(&d, "tcp-refused", RDD_SEV_CRITICAL);
	rdd_diagnose_client_error(&d, 0x904, false, 0);
	assert_int_equal(d.client_error.n_explaining, 0);
	assert_non_null(strstr(d.client_error.summary, "none of the findings"));
	assert_non_null(strstr(d.client_error.summary,
	                       "fails another way (a different path or port "
	                       "than the client's?): tcp-refused"));
}

/*
 * The server's own refusal (critical) explains the error before a warning
 * or a note that only could, whatever their rank in the story.
 */
static void
test_critical_leads(void **state)
{
	static struct rdd_diagnosis d;

	(void)state;
	memset(&d, 0, sizeof(d));
	add(&d, "nego-ssl-required", RDD_SEV_INFO);
	add(&d, "udp-blocked", RDD_SEV_WARNING);
	add(&d, "server-denied-connection", RDD_SEV_CRITICAL);
	rdd_diagnose_client_error(&d, 0x904, true, 7);
	assert_int_equal(d.client_error.n_explaining, 3);
	assert_string_equal(id_at(&d, 0), "server-denied-connection");
	assert_string_equal(id_at(&d, 1), "udp-blocked");
	assert_string_equal(id_at(&d, 2), "nego-ssl-required");
	assert_int_equal(d.client_error.cause_rank[0], 10);
	assert_non_null(strstr(d.client_error.summary,
	                       "is explained by server-denied-connection "
	                       "(cause 10: "));
}

static void
test_unknown_code(void **state)
{
	static struct rdd_diagnosis d;

	(void)state;
	memset(&d, 0, sizeof(d));
	add(&d, "cert-expired", RDD_SEV_CRITICAL);
	/* 0x1308 has no source (protocol.md 10): unknown, never guessed. */
	rdd_diagnose_client_error(&d, 0x1308, false, 0);
	assert_null(d.client_error.code_name);
	assert_int_equal(d.client_error.n_explaining, 0);
	assert_non_null(
	    strstr(d.client_error.summary, "is not a code rdpdoctor knows"));
	assert_string_equal(id_at(&d, 0), "cert-expired");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_explained_and_reordered),
	    cmocka_unit_test(test_server_side_healthy),
	    cmocka_unit_test(test_other_failure),
	    cmocka_unit_test(test_critical_leads),
	    cmocka_unit_test(test_unknown_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
