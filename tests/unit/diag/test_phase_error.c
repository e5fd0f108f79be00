/*
 * test_phase_error.c - lib/diag/phase_error.c: the native error of each
 * kind of failed phase (dns, socket, x224-failure, tls-alert, ntstatus,
 * hresult, licensing, errinfo), which record speaks for the phase, and
 * the phases that have none (passed, skipped, failed without a code).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/diag.h"

static struct rdd_observation *
new_obs(void)
{
	struct rdd_observation *obs = calloc(1, sizeof(*obs));

	assert_non_null(obs);
	return obs;
}

static void
fail_phase(struct rdd_observation *obs, enum rdd_phase p, enum rdd_status st)
{
	obs->phases[p].present = true;
	obs->phases[p].status = st;
}

static struct rdd_attempt *
attempt(struct rdd_observation *obs, const char *label)
{
	struct rdd_attempt *a = &obs->attempts[obs->n_attempts++];

	snprintf(a->label, sizeof(a->label), "%s", label);
	return a;
}

static void
expect(const struct rdd_observation *obs, enum rdd_phase p, const char *layer,
       bool has_code, int64_t code, const char *name)
{
	struct rdd_phase_error e;

	assert_int_equal(rdd_phase_error(obs, p, &e), 0);
	assert_string_equal(e.layer, layer);
	assert_int_equal(e.has_code, has_code);
	if (has_code)
		assert_int_equal(e.code, code);
	assert_string_equal(e.name, name);
}

static void
expect_none(const struct rdd_observation *obs, enum rdd_phase p)
{
	struct rdd_phase_error e;

	assert_int_equal(rdd_phase_error(obs, p, &e), -1);
}

static void
test_resolve_and_tcp(void **state)
{
	struct rdd_observation *obs = new_obs();
	struct rdd_attempt *b, *a;

	(void)state;
	fail_phase(obs, RDD_PHASE_RESOLVE, RDD_STATUS_FAILED);
	expect_none(obs, RDD_PHASE_RESOLVE); /* no name: no code */
	snprintf(obs->resolve_errname, sizeof(obs->resolve_errname),
	         "EAI_NONAME");
	expect(obs, RDD_PHASE_RESOLVE, "dns", false, 0, "EAI_NONAME");
	obs->resolve_gai = -2;
	expect(obs, RDD_PHASE_RESOLVE, "dns", true, -2, "EAI_NONAME");

	/* TCP: connection A speaks for the phase, not B (listed first). */
	b = attempt(obs, "B");
	a = attempt(obs, "A");
	snprintf(b->tcp_errname, sizeof(b->tcp_errname), "EHOSTUNREACH");
	b->tcp_errno = 113;
	fail_phase(obs, RDD_PHASE_TCP, RDD_STATUS_FAILED);
	expect_none(obs, RDD_PHASE_TCP);
	snprintf(a->tcp_errname, sizeof(a->tcp_errname), "ECONNREFUSED");
	a->tcp_errno = 111;
	expect(obs, RDD_PHASE_TCP, "socket", true, 111, "ECONNREFUSED");
	/* A timeout has no native code. */
	fail_phase(obs, RDD_PHASE_TCP, RDD_STATUS_TIMEOUT);
	a->tcp_errname[0] = '\0';
	expect_none(obs, RDD_PHASE_TCP);
	/* A phase that passed has none, whatever the records say. */
	fail_phase(obs, RDD_PHASE_RESOLVE, RDD_STATUS_OK);
	expect_none(obs, RDD_PHASE_RESOLVE);
	free(obs);
}

static void
test_x224_and_tls(void **state)
{
	struct rdd_observation *obs = new_obs();
	struct rdd_attempt *a = attempt(obs, "A");

	(void)state;
	fail_phase(obs, RDD_PHASE_X224, RDD_STATUS_FAILED);
	a->x224 = RDD_X224_FAILURE;
	a->failure_code = 5;
	expect(obs, RDD_PHASE_X224, "x224-failure", true, 5,
	       "HYBRID_REQUIRED_BY_SERVER");
	a->failure_code = 0x99; /* in no table: the code, no name */
	expect(obs, RDD_PHASE_X224, "x224-failure", true, 0x99, "");
	a->x224 = RDD_X224_RESET;
	expect_none(obs, RDD_PHASE_X224);

	fail_phase(obs, RDD_PHASE_TLS, RDD_STATUS_FAILED);
	a->tls = RDD_TLS_ALERT;
	a->alert_level = 2;
	a->alert_desc = 40;
	expect(obs, RDD_PHASE_TLS, "tls-alert", true, 40, "handshake_failure");
	a->tls = RDD_TLS_RESET;
	expect_none(obs, RDD_PHASE_TLS);
	free(obs);
}

static void
test_credssp(void **state)
{
	struct rdd_observation *obs = new_obs();

	(void)state;
	fail_phase(obs, RDD_PHASE_CREDSSP, RDD_STATUS_FAILED);
	expect_none(obs, RDD_PHASE_CREDSSP);
	obs->credssp.has_error_code = true;
	obs->credssp.error_code = 0x80090302; /* SEC_E_UNSUPPORTED_FUNCTION */
	expect(obs, RDD_PHASE_CREDSSP, "hresult", true, 0x80090302,
	       "SEC_E_UNSUPPORTED_FUNCTION");
	/* With --user the logon's answer speaks for the phase. */
	obs->credssp.logon.outcome = RDD_LOGON_REFUSED;
	obs->credssp.logon.has_error_code = true;
	obs->credssp.logon.error_code = 0xC000006D;
	expect(obs, RDD_PHASE_CREDSSP, "ntstatus", true, 0xC000006D,
	       "STATUS_LOGON_FAILURE");
	free(obs);
}

static void
test_session(void **state)
{
	struct rdd_observation *obs = new_obs();

	(void)state;
	fail_phase(obs, RDD_PHASE_LICENSING, RDD_STATUS_FAILED);
	expect_none(obs, RDD_PHASE_LICENSING);
	obs->session.has_error_info = true;
	obs->session.error_info = 7;
	obs->session.error_info_phase = RDD_PHASE_LICENSING;
	expect(obs, RDD_PHASE_LICENSING, "errinfo", true, 7,
	       "ERRINFO_SERVER_DENIED_CONNECTION");
	/* A licensing error message comes first. */
	obs->session.has_license_error = true;
	obs->session.license_error_code = 0x0C;
	expect(obs, RDD_PHASE_LICENSING, "licensing", true, 0x0C,
	       "ERR_INVALID_MESSAGE_LEN");
	/* Set Error Info in activation speaks for activation only. */
	obs->session.error_info_phase = RDD_PHASE_ACTIVATION;
	fail_phase(obs, RDD_PHASE_ACTIVATION, RDD_STATUS_FAILED);
	expect(obs, RDD_PHASE_ACTIVATION, "errinfo", true, 7,
	       "ERRINFO_SERVER_DENIED_CONNECTION");
	fail_phase(obs, RDD_PHASE_MCS, RDD_STATUS_FAILED);
	expect_none(obs, RDD_PHASE_MCS);
	free(obs);
}

static void
test_bad_arguments(void **state)
{
	struct rdd_observation *obs = new_obs();
	struct rdd_phase_error e;

	(void)state;
	assert_int_equal(rdd_phase_error(NULL, RDD_PHASE_TCP, &e), -1);
	assert_int_equal(rdd_phase_error(obs, RDD_PHASE_TCP, NULL), -1);
	assert_int_equal(rdd_phase_error(obs, RDD_PHASE_COUNT, &e), -1);
	fail_phase(obs, RDD_PHASE_TCP, RDD_STATUS_FAILED);
	expect_none(obs, RDD_PHASE_TCP); /* no attempt at all */
	free(obs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolve_and_tcp),
	    cmocka_unit_test(test_x224_and_tls),
	    cmocka_unit_test(test_credssp),
	    cmocka_unit_test(test_session),
	    cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
