/*
 * test_credssp.c - lib/wire/credssp.c: the TSRequest ([MS-CSSP] 2.2.1).
 * Vectors: the 57-byte TSRequest of nmap's rdp-ntlm-info
 * (shared/reference/protocol.md 4.6), and two real answers of the FreeRDP
 * 2.11.7 shadow server of the lab (tests/captures/lab/): the NTLM
 * CHALLENGE to a plain NTLM NEGOTIATE, and the errorCode answer to a
 * SPNEGO-wrapped one. Framing of every prefix and chunking, every
 * truncation, field order, both errorCode encodings, the builder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/credssp.h"
#include "wire/ntlm.h"

#include "capture_vectors.h"

/* protocol.md 4.6: nmap rdp-ntlm-info's TSRequest, version 0x60, one
 * negoToken: NTLM NEGOTIATE, flags 0xe20882b7, VERSION 10.0.17763. */
static const uint8_t nmap_req[] = {
    0x30, 0x37, 0xa0, 0x03, 0x02, 0x01, 0x60, 0xa1, 0x30, 0x30, 0x2e, 0x30,
    0x2c, 0xa0, 0x2a, 0x04, 0x28, 0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50,
    0x00, 0x01, 0x00, 0x00, 0x00, 0xb7, 0x82, 0x08, 0xe2, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x0a, 0x00, 0x63, 0x45, 0x00, 0x00, 0x00, 0x0f,
};

/* shadow_challenge: tests/unit/wire/capture_vectors.c */

/*
 * tests/captures/lab/shadow-tsrequest-spnego-error.bin: the same server's
 * answer to a SPNEGO-wrapped NEGOTIATE, 12329 bytes: version 6, a
 * negoToken of 12256 zero bytes, errorCode c0 07 00 ea (as a negative
 * 4-byte INTEGER), clientNonce. Built here from its head, the zeros and
 * its tail.
 */
static const uint8_t spnego_err_head[] = {
    0x30, 0x82, 0x30, 0x25, 0xa0, 0x03, 0x02, 0x01, 0x06, 0xa1,
    0x82, 0x2f, 0xf0, 0x30, 0x82, 0x2f, 0xec, 0x30, 0x82, 0x2f,
    0xe8, 0xa0, 0x82, 0x2f, 0xe4, 0x04, 0x82, 0x2f, 0xe0,
};
#define SPNEGO_ERR_ZEROS 12256
/* spnego_err_tail: tests/unit/wire/capture_vectors.c */
#define SPNEGO_ERR_LEN                                                         \
	(sizeof(spnego_err_head) + SPNEGO_ERR_ZEROS + sizeof(spnego_err_tail))

static uint8_t spnego_err[SPNEGO_ERR_LEN];

static int
setup(void **state)
{
	(void)state;
	memcpy(spnego_err, spnego_err_head, sizeof(spnego_err_head));
	memset(spnego_err + sizeof(spnego_err_head), 0, SPNEGO_ERR_ZEROS);
	memcpy(spnego_err + sizeof(spnego_err_head) + SPNEGO_ERR_ZEROS,
	       spnego_err_tail, sizeof(spnego_err_tail));
	return 0;
}

static int
parse(const uint8_t *p, size_t n, struct rdd_tsrequest *r, size_t *left)
{
	struct rdd_cur c;
	int rc;

	rdd_cur_init(&c, p, n);
	memset(r, 0xa5, sizeof(*r));
	rc = rdd_tsrequest_parse(&c, r);
	if (left != NULL)
		*left = rdd_cur_left(&c);
	return rc;
}

static void
test_nmap_request(void **state)
{
	struct rdd_tsrequest r;
	size_t left;

	(void)state;
	assert_int_equal(parse(nmap_req, sizeof(nmap_req), &r, &left), 0);
	assert_int_equal(left, 0);
	assert_int_equal(r.version, 0x60);
	assert_int_equal(r.n_tokens, 1);
	assert_int_equal(rdd_cur_left(&r.token), 40);
	assert_ptr_equal(r.token.p, nmap_req + 17);
	assert_int_equal(rdd_ntlm_message_type(&r.token), RDD_NTLM_NEGOTIATE);
	assert_false(r.has_auth_info);
	assert_false(r.has_pub_key_auth);
	assert_false(r.has_error_code);
	assert_false(r.has_client_nonce);
}

static void
test_shadow_challenge(void **state)
{
	struct rdd_tsrequest r;
	size_t left;

	(void)state;
	assert_int_equal(
	    parse(shadow_challenge, sizeof(shadow_challenge), &r, &left), 0);
	assert_int_equal(left, 0);
	assert_int_equal(r.version, 6);
	assert_int_equal(r.n_tokens, 1);
	assert_int_equal(rdd_cur_left(&r.token), 218);
	assert_int_equal(rdd_ntlm_message_type(&r.token), RDD_NTLM_CHALLENGE);
	assert_false(r.has_error_code);
	assert_true(r.has_client_nonce);
	assert_false(r.has_pub_key_auth);
}

static void
test_shadow_spnego_error(void **state)
{
	struct rdd_tsrequest r;
	size_t left, pdu = 0;

	(void)state;
	assert_int_equal(
	    rdd_tsrequest_frame(spnego_err, sizeof(spnego_err), &pdu),
	    RDD_TSREQ_OK);
	assert_int_equal(pdu, 12329);
	assert_int_equal(parse(spnego_err, sizeof(spnego_err), &r, &left), 0);
	assert_int_equal(left, 0);
	assert_int_equal(r.version, 6);
	assert_int_equal(r.n_tokens, 1);
	assert_int_equal(rdd_cur_left(&r.token), SPNEGO_ERR_ZEROS);
	assert_int_equal(rdd_ntlm_message_type(&r.token), -1);
	assert_true(r.has_error_code);
	assert_int_equal(r.error_code, 0xc00700ea);
	assert_true(r.has_client_nonce);
}

/* Every prefix of a TSRequest asks for more; the whole one frames; bytes
 * behind it are not counted. */
static void
test_frame_prefixes(void **state)
{
	uint8_t buf[sizeof(shadow_challenge) + 3];
	size_t n, pdu;

	(void)state;
	for (n = 0; n < sizeof(shadow_challenge); n++) {
		pdu = 99;
		assert_int_equal(rdd_tsrequest_frame(shadow_challenge, n, &pdu),
		                 RDD_TSREQ_NEED_MORE);
		/* 30 82 01 12: the length is known from the fourth byte. */
		assert_int_equal(pdu, n < 4 ? 0 : sizeof(shadow_challenge));
	}
	memcpy(buf, shadow_challenge, sizeof(shadow_challenge));
	memcpy(buf + sizeof(shadow_challenge), "\x30\x03\x02", 3);
	assert_int_equal(rdd_tsrequest_frame(buf, sizeof(buf), &pdu),
	                 RDD_TSREQ_OK);
	assert_int_equal(pdu, sizeof(shadow_challenge));
	assert_int_equal(rdd_tsrequest_frame(nmap_req, sizeof(nmap_req), NULL),
	                 RDD_TSREQ_OK);
}

static void
test_frame_foreign(void **state)
{
	static const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n";
	static const uint8_t octets[] = {0x04, 0x02, 0x00, 0x00};
	static const uint8_t indefinite[] = {0x30, 0x80, 0x00, 0x00};
	/* A SEQUENCE that claims 100000 bytes. */
	static const uint8_t huge[] = {0x30, 0x83, 0x01, 0x86, 0xa0};
	static const uint8_t max_ok[] = {0x30, 0x83, 0x00, 0xff, 0xfb};
	size_t pdu;

	(void)state;
	assert_int_equal(rdd_tsrequest_frame(http, 1, &pdu),
	                 RDD_TSREQ_NOT_TSREQ);
	assert_int_equal(rdd_tsrequest_frame(http, sizeof(http) - 1, &pdu),
	                 RDD_TSREQ_NOT_TSREQ);
	assert_int_equal(rdd_tsrequest_frame(octets, sizeof(octets), &pdu),
	                 RDD_TSREQ_NOT_TSREQ);
	assert_int_equal(
	    rdd_tsrequest_frame(indefinite, sizeof(indefinite), &pdu),
	    RDD_TSREQ_NOT_TSREQ);
	assert_int_equal(rdd_tsrequest_frame(huge, sizeof(huge), &pdu),
	                 RDD_TSREQ_TOO_LONG);
	/* 65531 + 5 = RDD_TSREQUEST_MAX: accepted, waits for the rest. */
	assert_int_equal(rdd_tsrequest_frame(max_ok, sizeof(max_ok), &pdu),
	                 RDD_TSREQ_NEED_MORE);
	assert_int_equal(rdd_tsrequest_frame(NULL, 0, &pdu),
	                 RDD_TSREQ_NEED_MORE);
}

static void
test_every_truncation(void **state)
{
	struct rdd_tsrequest r;
	size_t n, left;

	(void)state;
	for (n = 0; n < sizeof(shadow_challenge); n++) {
		assert_int_equal(parse(shadow_challenge, n, &r, &left), -1);
		assert_int_equal(left, n);
	}
	for (n = 0; n < sizeof(nmap_req); n++)
		assert_int_equal(parse(nmap_req, n, &r, NULL), -1);
	for (n = 0; n < sizeof(spnego_err); n += 97)
		assert_int_equal(parse(spnego_err, n, &r, NULL), -1);
	assert_int_equal(parse(spnego_err, sizeof(spnego_err) - 1, &r, NULL),
	                 -1);
}

/* An answer with only a version and an errorCode, as Windows sends
 * STATUS_LOGON_FAILURE: both encodings give the same 32 bits. */
static void
test_error_code_encodings(void **state)
{
	static const uint8_t neg[] = {0x30, 0x0d, 0xa0, 0x03, 0x02,
	                              0x01, 0x06, 0xa4, 0x06, 0x02,
	                              0x04, 0xc0, 0x00, 0x00, 0x6d};
	static const uint8_t pos[] = {0x30, 0x0e, 0xa0, 0x03, 0x02, 0x01,
	                              0x06, 0xa4, 0x07, 0x02, 0x05, 0x00,
	                              0xc0, 0x00, 0x00, 0x6d};
	static const uint8_t hres[] = {0x30, 0x0d, 0xa0, 0x03, 0x02,
	                               0x01, 0x03, 0xa4, 0x06, 0x02,
	                               0x04, 0x80, 0x09, 0x03, 0x02};
	/* 2^32: does not fit 32 bits. */
	static const uint8_t wide[] = {0x30, 0x0e, 0xa0, 0x03, 0x02, 0x01,
	                               0x06, 0xa4, 0x07, 0x02, 0x05, 0x01,
	                               0x00, 0x00, 0x00, 0x00};
	struct rdd_tsrequest r;

	(void)state;
	assert_int_equal(parse(neg, sizeof(neg), &r, NULL), 0);
	assert_true(r.has_error_code);
	assert_int_equal(r.error_code, 0xc000006d);
	assert_int_equal(r.n_tokens, 0);
	assert_int_equal(rdd_cur_left(&r.token), 0);
	assert_int_equal(parse(pos, sizeof(pos), &r, NULL), 0);
	assert_int_equal(r.error_code, 0xc000006d);
	assert_int_equal(parse(hres, sizeof(hres), &r, NULL), 0);
	assert_int_equal(r.version, 3);
	assert_int_equal(r.error_code, 0x80090302);
	assert_int_equal(parse(wide, sizeof(wide), &r, NULL), -1);
}

static void
test_structure_errors(void **state)
{
	/* Fields out of order: [4] before [1]. */
	static const uint8_t order[] = {
	    0x30, 0x13, 0xa0, 0x03, 0x02, 0x01, 0x06, 0xa4, 0x03, 0x02, 0x01,
	    0x01, 0xa1, 0x07, 0x30, 0x05, 0x30, 0x03, 0xa0, 0x01, 0x00};
	/* Twice [2]. */
	static const uint8_t twice[] = {0x30, 0x0d, 0xa0, 0x03, 0x02,
	                                0x01, 0x06, 0xa2, 0x02, 0x04,
	                                0x00, 0xa2, 0x02, 0x04, 0x00};
	/* No version. */
	static const uint8_t nover[] = {0x30, 0x04, 0xa2, 0x02, 0x04, 0x00};
	/* Negative version. */
	static const uint8_t negver[] = {0x30, 0x05, 0xa0, 0x03,
	                                 0x02, 0x01, 0xff};
	/* A universal tag where a context tag belongs. */
	static const uint8_t universal[] = {0x30, 0x09, 0xa0, 0x03, 0x02, 0x01,
	                                    0x06, 0x04, 0x02, 0x00, 0x00};
	/* [3] holding an INTEGER instead of an OCTET STRING. */
	static const uint8_t type[] = {0x30, 0x0a, 0xa0, 0x03, 0x02, 0x01,
	                               0x06, 0xa3, 0x03, 0x02, 0x01, 0x00};
	/* Two things inside [0]. */
	static const uint8_t extra[] = {0x30, 0x08, 0xa0, 0x06, 0x02,
	                                0x01, 0x06, 0x05, 0x01, 0x00};
	/* negoToken entry without its [0]. */
	static const uint8_t notok[] = {0x30, 0x0d, 0xa0, 0x03, 0x02,
	                                0x01, 0x06, 0xa1, 0x06, 0x30,
	                                0x04, 0x30, 0x02, 0x04, 0x00};
	/* Not a SEQUENCE at all. */
	static const uint8_t octets[] = {0x04, 0x05, 0xa0, 0x03,
	                                 0x02, 0x01, 0x06};
	struct rdd_tsrequest r;

	(void)state;
	assert_int_equal(parse(order, sizeof(order), &r, NULL), -1);
	assert_int_equal(parse(twice, sizeof(twice), &r, NULL), -1);
	assert_int_equal(parse(nover, sizeof(nover), &r, NULL), -1);
	assert_int_equal(parse(negver, sizeof(negver), &r, NULL), -1);
	assert_int_equal(parse(universal, sizeof(universal), &r, NULL), -1);
	assert_int_equal(parse(type, sizeof(type), &r, NULL), -1);
	assert_int_equal(parse(extra, sizeof(extra), &r, NULL), -1);
	assert_int_equal(parse(notok, sizeof(notok), &r, NULL), -1);
	assert_int_equal(parse(octets, sizeof(octets), &r, NULL), -1);
}

static void
test_later_fields_and_lists(void **state)
{
	/* Version 2, an empty NegoData, a [6] a later version might add. */
	static const uint8_t later[] = {0x30, 0x0d, 0xa0, 0x03, 0x02,
	                                0x01, 0x02, 0xa1, 0x02, 0x30,
	                                0x00, 0xa6, 0x02, 0x05, 0x00};
	/* Two negoTokens: the first is kept, both are counted. */
	static const uint8_t two[] = {
	    0x30, 0x17, 0xa0, 0x03, 0x02, 0x01, 0x06, 0xa1, 0x10,
	    0x30, 0x0e, 0x30, 0x05, 0xa0, 0x03, 0x04, 0x01, 0xaa,
	    0x30, 0x05, 0xa0, 0x03, 0x04, 0x01, 0xbb,
	};
	/* Bytes after the TSRequest stay in the cursor. */
	static const uint8_t behind[] = {0x30, 0x05, 0xa0, 0x03, 0x02,
	                                 0x01, 0x05, 0x30, 0x00};
	struct rdd_tsrequest r;
	size_t left;

	(void)state;
	assert_int_equal(parse(later, sizeof(later), &r, NULL), 0);
	assert_int_equal(r.version, 2);
	assert_int_equal(r.n_tokens, 0);
	assert_int_equal(parse(two, sizeof(two), &r, NULL), 0);
	assert_int_equal(r.n_tokens, 2);
	assert_int_equal(rdd_cur_left(&r.token), 1);
	assert_int_equal(r.token.p[0], 0xaa);
	assert_int_equal(parse(behind, sizeof(behind), &r, &left), 0);
	assert_int_equal(r.version, 5);
	assert_int_equal(left, 2);
}

/* pubKeyAuth and clientNonce are handed out as borrowed cursors: absent
 * (len 0), in the shadow server's answers, and in a client's message 3
 * (AUTHENTICATE, pubKeyAuth, clientNonce). */
static void
test_pub_key_auth_and_nonce(void **state)
{
	/* Hand-encoded: version 6, negoToken "T", pubKeyAuth 4 bytes,
	 * clientNonce 32 bytes 00..1f. */
	static const uint8_t msg3[] = {
	    0x30, 0x3c, 0xa0, 0x03, 0x02, 0x01, 0x06, 0xa1, 0x09, 0x30, 0x07,
	    0x30, 0x05, 0xa0, 0x03, 0x04, 0x01, 'T',  0xa3, 0x06, 0x04, 0x04,
	    0xde, 0xad, 0xbe, 0xef, 0xa5, 0x22, 0x04, 0x20, 0x00, 0x01, 0x02,
	    0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
	    0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
	    0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
	/* An empty pubKeyAuth is present and empty. */
	static const uint8_t empty_pka[] = {0x30, 0x09, 0xa0, 0x03, 0x02, 0x01,
	                                    0x06, 0xa3, 0x02, 0x04, 0x00};
	/* The shadow server's clientNonce (its last 32 bytes). */
	static const uint8_t shadow_nonce_head[4] = {0xde, 0xa5, 0xe4, 0xde};
	struct rdd_tsrequest r;
	size_t i, cut;

	(void)state;
	assert_int_equal(parse(nmap_req, sizeof(nmap_req), &r, NULL), 0);
	assert_int_equal(r.pub_key_auth.len, 0);
	assert_int_equal(r.client_nonce.len, 0);

	assert_int_equal(
	    parse(shadow_challenge, sizeof(shadow_challenge), &r, NULL), 0);
	assert_int_equal(r.pub_key_auth.len, 0);
	assert_int_equal(r.client_nonce.len, 32);
	assert_ptr_equal(r.client_nonce.p,
	                 shadow_challenge + sizeof(shadow_challenge) - 32);
	assert_memory_equal(r.client_nonce.p, shadow_nonce_head, 4);

	assert_int_equal(parse(spnego_err, sizeof(spnego_err), &r, NULL), 0);
	assert_int_equal(r.client_nonce.len, 32);
	assert_ptr_equal(r.client_nonce.p, spnego_err + SPNEGO_ERR_LEN - 32);
	assert_int_equal(r.pub_key_auth.len, 0);

	assert_int_equal(parse(msg3, sizeof(msg3), &r, NULL), 0);
	assert_int_equal(r.n_tokens, 1);
	assert_int_equal(r.token.len, 1);
	assert_true(r.has_pub_key_auth);
	assert_int_equal(r.pub_key_auth.len, 4);
	assert_ptr_equal(r.pub_key_auth.p, msg3 + 22);
	assert_true(r.has_client_nonce);
	assert_int_equal(r.client_nonce.len, 32);
	assert_ptr_equal(r.client_nonce.p, msg3 + 30);
	for (i = 0; i < 32; i++)
		assert_int_equal(r.client_nonce.p[i], i);
	/* Every truncation fails and leaves the cursors alone. */
	for (cut = 0; cut < sizeof(msg3); cut++) {
		memset(&r, 0xa5, sizeof(r));
		assert_int_equal(parse(msg3, cut, &r, NULL), -1);
	}

	assert_int_equal(parse(empty_pka, sizeof(empty_pka), &r, NULL), 0);
	assert_true(r.has_pub_key_auth);
	assert_int_equal(r.pub_key_auth.len, 0);
	assert_false(r.has_client_nonce);
	assert_int_equal(r.client_nonce.len, 0);
}

/* The builder makes nmap's request byte for byte, and version 6 differs
 * only in the version byte. */
static void
test_build(void **state)
{
	static const uint8_t v6_head[] = {0x30, 0x37, 0xa0, 0x03,
	                                  0x02, 0x01, 0x06};
	uint8_t out[128];
	struct rdd_buf b;
	struct rdd_tsrequest r;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tsrequest_build(&b, 0x60, nmap_req + 17, 40), 0);
	assert_int_equal(b.len, sizeof(nmap_req));
	assert_memory_equal(out, nmap_req, sizeof(nmap_req));

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_tsrequest_build(&b, RDD_CREDSSP_VERSION, nmap_req + 17, 40), 0);
	assert_int_equal(b.len, sizeof(nmap_req));
	assert_memory_equal(out, v6_head, sizeof(v6_head));
	assert_memory_equal(out + 7, nmap_req + 7, sizeof(nmap_req) - 7);
	assert_int_equal(parse(out, b.len, &r, NULL), 0);
	assert_int_equal(r.version, 6);

	/* A version alone. */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tsrequest_build(&b, 6, NULL, 0), 0);
	assert_int_equal(b.len, 7);
	assert_memory_equal(out, "\x30\x05\xa0\x03\x02\x01\x06", 7);

	/* Too small a buffer, and a NULL token with a length. */
	rdd_buf_init(&b, out, 56);
	assert_int_equal(rdd_tsrequest_build(&b, 6, nmap_req + 17, 40), -1);
	assert_true(b.err);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tsrequest_build(&b, 6, NULL, 3), -1);
}

/* A long token takes long-form lengths at every level. */
static void
test_build_long_token(void **state)
{
	static uint8_t token[300], out[400];
	struct rdd_buf b;
	struct rdd_tsrequest r;
	size_t pdu;

	(void)state;
	memset(token, 0x5a, sizeof(token));
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tsrequest_build(&b, 6, token, sizeof(token)), 0);
	assert_int_equal(rdd_tsrequest_frame(out, b.len, &pdu), RDD_TSREQ_OK);
	assert_int_equal(pdu, b.len);
	assert_int_equal(parse(out, b.len, &r, NULL), 0);
	assert_int_equal(rdd_cur_left(&r.token), sizeof(token));
	assert_memory_equal(r.token.p, token, sizeof(token));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nmap_request),
	    cmocka_unit_test(test_shadow_challenge),
	    cmocka_unit_test(test_shadow_spnego_error),
	    cmocka_unit_test(test_frame_prefixes),
	    cmocka_unit_test(test_frame_foreign),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_error_code_encodings),
	    cmocka_unit_test(test_structure_errors),
	    cmocka_unit_test(test_later_fields_and_lists),
	    cmocka_unit_test(test_pub_key_auth_and_nonce),
	    cmocka_unit_test(test_build),
	    cmocka_unit_test(test_build_long_token),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
