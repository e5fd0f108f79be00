/*
 * test_logon_krb.c - lib/probe/logon_krb.c: how a Kerberos logon reads
 * the server's answer to its AP-REQ (message 2), without a KDC: the lab
 * acceptor's rejects carrying a KRB-ERROR (KRB_AP_ERR_SKEW with its clock
 * 600 s ahead, KRB_AP_ERR_BADKEYVER), an errorCode, a reject without a
 * KRB-ERROR, garbage and every truncation; and message 1 when the ticket
 * cache does not exist. The full exchange (a ticket, the AP-REP, GSS_Wrap
 * both ways) needs a KDC and runs in the lab (tests/lab/kerberos.bash).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "probe/logon_krb.h"
#include "wire/credssp.h"
#include "wire/cursor.h"

#include "../wire/capture_vectors.h"

static const struct rdd_credentials creds = {
    .user = "alice", .domain = "", .password = "rdd-alice-pw"};

/* A TSRequest version 6 around TOKEN (LEN bytes) into OUT. */
static size_t
tsreq(uint8_t *out, size_t cap, const uint8_t *token, size_t len)
{
	struct rdd_buf b;

	rdd_buf_init(&b, out, cap);
	assert_int_equal(rdd_tsrequest_build(&b, 6, token, len), 0);
	return b.len;
}

static enum rdd_logon_outcome
answer(const uint8_t *pdu, size_t n, struct rdd_logon_info *li)
{
	struct rdd__logon_krb *l;
	uint8_t out[4096];
	size_t out_len = 99;
	enum rdd_logon_outcome o;

	l = rdd__logon_krb_new(&creds, "krbrdp.rdplab.test", "RDPLAB.TEST",
	                       "MEMORY:none", KRB_LAB_CAPTURED_AT, NULL);
	assert_non_null(l);
	memset(li, 0, sizeof(*li));
	o = rdd__logon_krb_msg2(l, pdu, n, NULL, 0, out, sizeof(out), &out_len,
	                        li);
	assert_int_equal(out_len, 0);
	assert_int_equal(li->outcome, o);
	rdd__logon_krb_free(l);
	return o;
}

static void
test_skew(void **state)
{
	uint8_t pdu[512];
	size_t n = tsreq(pdu, sizeof(pdu), krb_lab_skew, sizeof(krb_lab_skew));
	struct rdd_logon_info li;

	(void)state;
	assert_int_equal(answer(pdu, n, &li), RDD_LOGON_REFUSED);
	assert_true(li.has_krb_error);
	assert_int_equal(li.krb_error, 37);
	assert_true(li.has_server_skew);
	assert_true(li.server_skew_s >= 595 && li.server_skew_s <= 605);
	assert_int_equal(li.version, 6);
	assert_non_null(strstr(li.detail, "KRB_AP_ERR_SKEW"));
}

static void
test_stale_key(void **state)
{
	uint8_t pdu[512];
	size_t n =
	    tsreq(pdu, sizeof(pdu), krb_lab_stale, sizeof(krb_lab_stale));
	struct rdd_logon_info li;

	(void)state;
	assert_int_equal(answer(pdu, n, &li), RDD_LOGON_REFUSED);
	assert_int_equal(li.krb_error, 44);
	assert_true(li.server_skew_s >= -5 && li.server_skew_s <= 5);
	assert_non_null(strstr(li.detail, "KRB_AP_ERR_BADKEYVER"));
}

static void
test_other_answers(void **state)
{
	/* TSRequest { version 6, errorCode 0xC000006D }. */
	static const uint8_t err[] = {0x30, 0x0e, 0xa0, 0x03, 0x02, 0x01,
	                              0x06, 0xa4, 0x07, 0x02, 0x05, 0x00,
	                              0xc0, 0x00, 0x00, 0x6d};
	/* negTokenResp { reject } without a token. */
	static const uint8_t reject[] = {0xa1, 0x07, 0x30, 0x05, 0xa0,
	                                 0x03, 0x0a, 0x01, 0x02};
	static const uint8_t junk[] = {0x04, 0x02, 0x01, 0x02};
	struct rdd_logon_info li;
	uint8_t pdu[512];
	size_t n;

	(void)state;
	assert_int_equal(answer(err, sizeof(err), &li), RDD_LOGON_REFUSED);
	assert_true(li.has_error_code);
	assert_int_equal(li.error_code, 0xC000006D);
	assert_false(li.has_krb_error);

	n = tsreq(pdu, sizeof(pdu), reject, sizeof(reject));
	assert_int_equal(answer(pdu, n, &li), RDD_LOGON_REFUSED);
	assert_false(li.has_krb_error);

	n = tsreq(pdu, sizeof(pdu), junk, sizeof(junk));
	assert_int_equal(answer(pdu, n, &li), RDD_LOGON_MALFORMED);
	n = tsreq(pdu, sizeof(pdu), NULL, 0);
	assert_int_equal(answer(pdu, n, &li), RDD_LOGON_MALFORMED);
	assert_int_equal(answer(junk, sizeof(junk), &li), RDD_LOGON_MALFORMED);

	/* An AP-REP without a context of ours: not accepted. */
	n = tsreq(pdu, sizeof(pdu), krb_lab_accept, sizeof(krb_lab_accept));
	assert_int_equal(answer(pdu, n, &li), RDD_LOGON_MALFORMED);
	assert_false(li.pubkey_checked);
}

static void
test_every_truncation(void **state)
{
	uint8_t pdu[512];
	size_t n = tsreq(pdu, sizeof(pdu), krb_lab_skew, sizeof(krb_lab_skew));
	struct rdd_logon_info li;

	(void)state;
	for (size_t k = 0; k < n; k++)
		assert_int_equal(answer(pdu, k, &li), RDD_LOGON_MALFORMED);
}

static void
test_msg1_without_tickets(void **state)
{
	struct rdd__logon_krb *l;
	struct rdd_logon_info li;
	uint8_t out[4096];

	(void)state;
	l = rdd__logon_krb_new(&creds, "krbrdp.rdplab.test", "RDPLAB.TEST",
	                       "MEMORY:rdpdoctor-test-no-such-cache",
	                       KRB_LAB_CAPTURED_AT, NULL);
	assert_non_null(l);
	memset(&li, 0, sizeof(li));
	assert_int_equal(rdd__logon_krb_msg1(l, out, sizeof(out), &li), 0);
	assert_int_equal(li.outcome, RDD_LOGON_ERROR);
	assert_string_equal(li.user, "alice");
	assert_null(strstr(li.detail, creds.password));
	rdd__logon_krb_free(l);
	rdd__logon_krb_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_skew),
	    cmocka_unit_test(test_stale_key),
	    cmocka_unit_test(test_other_answers),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_msg1_without_tickets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
