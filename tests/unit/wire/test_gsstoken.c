/*
 * test_gsstoken.c - lib/wire/gsstoken.c and the Kerberos parts of
 * lib/wire/spnego.c: the SPNEGO answers of the lab's Kerberos CredSSP
 * acceptor (tests/lab/krbacceptor.c on MIT krb5 1.20.1, captured with
 * KRBACC_DUMP in tests/lab/kerberos.bash's namespaces): accept-completed
 * with the AP-REP (RFC 4121 TOK_ID 02 00), and rejects carrying a
 * KRB-ERROR (TOK_ID 03 00) for a stale keytab (44) and for the acceptor's
 * clock at +10 minutes (37); the NegTokenInit rdpdoctor sends; every
 * truncation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/der.h"
#include "wire/gsstoken.h"
#include "wire/krb.h"
#include "wire/spnego.h"

#include "capture_vectors.h"

/* The wall clock when the captures were made (Unix seconds). */
#define CAPTURED_AT KRB_LAB_CAPTURED_AT

static struct rdd_spnego_resp
resp_of(const uint8_t *p, size_t n)
{
	struct rdd_spnego_resp r;
	struct rdd_cur c;

	rdd_cur_init(&c, p, n);
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	return r;
}

static void
test_accept_ap_rep(void **state)
{
	struct rdd_spnego_resp r =
	    resp_of(krb_lab_accept, sizeof(krb_lab_accept));
	struct rdd_gss_token t;
	struct rdd_krb_error e;
	struct rdd_cur c;

	(void)state;
	assert_int_equal(r.neg_state, RDD_SPNEGO_ACCEPT_COMPLETED);
	assert_true(rdd_spnego_mech_is_krb5(&r));
	assert_false(rdd_spnego_mech_is_ntlm(&r));
	assert_true(r.has_token);
	assert_false(r.has_mic);
	c = r.token;
	assert_int_equal(rdd_gss_token_parse(&c, &t), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(t.tok_id, RDD_GSS_TOK_AP_REP);
	assert_true(rdd_der_equal(&t.mech, rdd_oid_krb5, sizeof(rdd_oid_krb5)));
	/* An AP-REP is no error token. */
	assert_int_equal(rdd_gss_token_krb_error(&r.token, &e), -1);
}

static void
test_reject_errors(void **state)
{
	struct rdd_spnego_resp r;
	struct rdd_krb_error e;

	(void)state;
	r = resp_of(krb_lab_stale, sizeof(krb_lab_stale));
	assert_int_equal(r.neg_state, RDD_SPNEGO_REJECT);
	assert_false(r.has_mech);
	assert_int_equal(rdd_gss_token_krb_error(&r.token, &e), 0);
	assert_int_equal(e.error_code, 44);
	assert_true(e.stime - CAPTURED_AT >= -5 && e.stime - CAPTURED_AT <= 5);

	r = resp_of(krb_lab_skew, sizeof(krb_lab_skew));
	assert_int_equal(rdd_gss_token_krb_error(&r.token, &e), 0);
	assert_int_equal(e.error_code, 37);
	assert_true(e.stime - CAPTURED_AT >= 595 &&
	            e.stime - CAPTURED_AT <= 605);
}

/* Every cut of every vector fails cleanly (one whole token expected). */
static void
test_every_truncation(void **state)
{
	const struct {
		const uint8_t *p;
		size_t n;
	} v[] = {{krb_lab_accept, sizeof(krb_lab_accept)},
	         {krb_lab_stale, sizeof(krb_lab_stale)},
	         {krb_lab_skew, sizeof(krb_lab_skew)}};
	struct rdd_spnego_resp r;
	struct rdd_gss_token t;
	struct rdd_krb_error e;
	struct rdd_cur c, tok;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		rdd_cur_init(&c, v[i].p, v[i].n);
		assert_int_equal(rdd_spnego_parse_resp(&c, &r), 0);
		for (size_t k = 0; k < rdd_cur_left(&r.token); k++) {
			rdd_cur_init(&tok, r.token.p, k);
			assert_int_equal(rdd_gss_token_parse(&tok, &t), -1);
			assert_int_equal(tok.len, k); /* untouched */
			assert_int_equal(rdd_gss_token_krb_error(&tok, &e), -1);
		}
		for (size_t k = 0; k < v[i].n; k++) {
			rdd_cur_init(&c, v[i].p, k);
			assert_int_equal(rdd_spnego_parse_resp(&c, &r), -1);
		}
	}
}

static void
test_refuses(void **state)
{
	/* No OID, an empty OID, TOK_ID missing, another mechanism. */
	static const uint8_t no_oid[] = {0x60, 0x04, 0x04, 0x02, 0x03, 0x00};
	static const uint8_t empty_oid[] = {0x60, 0x04, 0x06, 0x00, 0x03, 0x00};
	static const uint8_t ntlm_err[] = {0x60, 0x0e, 0x06, 0x0a, 0x2b, 0x06,
	                                   0x01, 0x04, 0x01, 0x82, 0x37, 0x02,
	                                   0x02, 0x0a, 0x03, 0x00};
	static const uint8_t no_tok_id[] = {0x60, 0x0b, 0x06, 0x09, 0x2a,
	                                    0x86, 0x48, 0x86, 0xf7, 0x12,
	                                    0x01, 0x02, 0x02};
	/* The MS Kerberos OID, TOK_ID 03 00, then no KRB-ERROR. */
	static const uint8_t ms_err_junk[] = {
	    0x60, 0x0f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7,
	    0x12, 0x01, 0x02, 0x02, 0x03, 0x00, 0x30, 0x00};
	struct rdd_gss_token t;
	struct rdd_krb_error e;
	struct rdd_cur c;

	(void)state;
	rdd_cur_init(&c, no_oid, sizeof(no_oid));
	assert_int_equal(rdd_gss_token_parse(&c, &t), -1);
	rdd_cur_init(&c, empty_oid, sizeof(empty_oid));
	assert_int_equal(rdd_gss_token_parse(&c, &t), -1);
	rdd_cur_init(&c, no_tok_id, sizeof(no_tok_id));
	assert_int_equal(rdd_gss_token_parse(&c, &t), -1);
	rdd_cur_init(&c, ntlm_err, sizeof(ntlm_err));
	assert_int_equal(rdd_gss_token_parse(&c, &t), 0);
	assert_int_equal(t.tok_id, RDD_GSS_TOK_ERROR);
	rdd_cur_init(&c, ntlm_err, sizeof(ntlm_err));
	assert_int_equal(rdd_gss_token_krb_error(&c, &e), -1);
	rdd_cur_init(&c, ms_err_junk, sizeof(ms_err_junk));
	assert_int_equal(rdd_gss_token_parse(&c, &t), 0);
	assert_true(
	    rdd_der_equal(&t.mech, rdd_oid_ms_krb5, sizeof(rdd_oid_ms_krb5)));
	rdd_cur_init(&c, ms_err_junk, sizeof(ms_err_junk));
	assert_int_equal(rdd_gss_token_krb_error(&c, &e), -1);
}

/* The NegTokenInit of a Kerberos logon: the layout of reference 5.2 with
 * mechTypes {krb5, MS krb5, NTLM}, and the list a mechListMIC covers. */
static void
test_build_init_krb(void **state)
{
	static const uint8_t tok[] = {0x60, 0x03, 0x01, 0x02, 0x03};
	static const uint8_t want[] = {
	    0x60, 0x3b, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0xa0,
	    0x31, 0x30, 0x2f, 0xa0, 0x24, 0x30, 0x22, 0x06, 0x09, 0x2a, 0x86,
	    0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x06, 0x09, 0x2a, 0x86,
	    0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x06, 0x0a, 0x2b, 0x06,
	    0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a, 0xa2, 0x07, 0x04,
	    0x05, 0x60, 0x03, 0x01, 0x02, 0x03};
	uint8_t out[128], list[64];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_spnego_build_init_krb(&b, tok, sizeof(tok)), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	rdd_buf_init(&b, list, sizeof(list));
	assert_int_equal(rdd_spnego_krb_mech_list(&b), 0);
	assert_int_equal(b.len, 0x24);
	assert_memory_equal(list, want + 16, 0x24);
	/* Too small a buffer, no token. */
	for (size_t cap = 0; cap < sizeof(want); cap++) {
		rdd_buf_init(&b, out, cap);
		assert_int_equal(
		    rdd_spnego_build_init_krb(&b, tok, sizeof(tok)), -1);
	}
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_spnego_build_init_krb(&b, NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accept_ap_rep),
	    cmocka_unit_test(test_reject_errors),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_refuses),
	    cmocka_unit_test(test_build_init_krb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
