/*
 * test_spnego.c - lib/wire/spnego.c: the NegTokenInit rdpdoctor sends
 * (the layout of shared/reference/protocol.md 4.6 around nmap's NTLM
 * NEGOTIATE, as sent to the lab's FreeRDP shadow server,
 * tests/captures/lab/client-tsrequest-spnego.bin) and NegTokenResp
 * answers (accept-incomplete with the [MS-NLMP] 4.2.4.3 CHALLENGE, reject,
 * absent fields), with every truncation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/der.h"
#include "wire/ntlm.h"
#include "wire/spnego.h"

/* protocol.md 4.6: NTLM NEGOTIATE, flags 0xe20882b7, VERSION 10.0.17763. */
static const uint8_t negotiate[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x01, 0x00,
    0x00, 0x00, 0xb7, 0x82, 0x08, 0xe2, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x0a, 0x00, 0x63, 0x45, 0x00, 0x00, 0x00, 0x0f,
};

/* protocol.md 4.6: 60 L 06 06 <SPNEGO> a0 L 30 L a0 L 30 0c 06 0a <NTLM>
 * a2 L 04 L <NEGOTIATE>; the negoToken of client-tsrequest-spnego.bin. */
static const uint8_t init_head[] = {
    0x60, 0x48, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0xa0, 0x3e,
    0x30, 0x3c, 0xa0, 0x0e, 0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04,
    0x01, 0x82, 0x37, 0x02, 0x02, 0x0a, 0xa2, 0x2a, 0x04, 0x28,
};

/* [MS-NLMP] 4.2.4.3: the CHALLENGE_MESSAGE of the NTLMv2 example. */
static const uint8_t nlmp_challenge[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x0c, 0x00, 0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x8a, 0xe2,
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x24, 0x00, 0x44, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f, 0x53, 0x00, 0x65, 0x00,
    0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00, 0x02, 0x00, 0x0c, 0x00,
    0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00,
    0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* protocol.md 4.6: a1 L 30 L a0 03 0a 01 01 a1 0c 06 0a <NTLM> a2 L 04 L
 * <CHALLENGE>; here around the [MS-NLMP] CHALLENGE (104 bytes). */
static const uint8_t resp_head[] = {
    0xa1, 0x81, 0x81, 0x30, 0x7f, 0xa0, 0x03, 0x0a, 0x01, 0x01,
    0xa1, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82,
    0x37, 0x02, 0x02, 0x0a, 0xa2, 0x6a, 0x04, 0x68,
};

static uint8_t resp[sizeof(resp_head) + sizeof(nlmp_challenge)];

static int
setup(void **state)
{
	(void)state;
	memcpy(resp, resp_head, sizeof(resp_head));
	memcpy(resp + sizeof(resp_head), nlmp_challenge,
	       sizeof(nlmp_challenge));
	return 0;
}

static void
test_build_init(void **state)
{
	uint8_t out[128];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_spnego_build_init(&b, negotiate, sizeof(negotiate)), 0);
	assert_int_equal(b.len, sizeof(init_head) + sizeof(negotiate));
	assert_int_equal(b.len, 74);
	assert_memory_equal(out, init_head, sizeof(init_head));
	assert_memory_equal(out + sizeof(init_head), negotiate,
	                    sizeof(negotiate));

	rdd_buf_init(&b, out, 73);
	assert_int_equal(
	    rdd_spnego_build_init(&b, negotiate, sizeof(negotiate)), -1);
	assert_true(b.err);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_spnego_build_init(&b, NULL, 4), -1);
}

static void
test_parse_challenge_resp(void **state)
{
	struct rdd_spnego_resp r;
	struct rdd_ntlm_challenge ch;
	struct rdd_cur c;

	(void)state;
	rdd_cur_init(&c, resp, sizeof(resp));
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(r.neg_state, RDD_SPNEGO_ACCEPT_INCOMPLETE);
	assert_string_equal(rdd_spnego_neg_state_name(r.neg_state),
	                    "accept-incomplete");
	assert_true(r.has_mech);
	assert_true(rdd_spnego_mech_is_ntlm(&r));
	assert_true(r.has_token);
	assert_false(r.has_mic);
	assert_int_equal(rdd_cur_left(&r.token), sizeof(nlmp_challenge));
	assert_int_equal(rdd_ntlm_parse_challenge(&r.token, &ch), 0);
	assert_true(rdd_spnego_looks_like(&c) == false);
	rdd_cur_init(&c, resp, sizeof(resp));
	assert_true(rdd_spnego_looks_like(&c));
}

static void
test_parse_reject(void **state)
{
	/* negState reject, nothing else. */
	static const uint8_t reject[] = {0xa1, 0x07, 0x30, 0x05, 0xa0,
	                                 0x03, 0x0a, 0x01, 0x02};
	/* Every field absent. */
	static const uint8_t empty[] = {0xa1, 0x02, 0x30, 0x00};
	/* Kerberos as the supported mechanism, and a MIC. */
	static const uint8_t krb[] = {
	    0xa1, 0x15, 0x30, 0x13, 0xa1, 0x0b, 0x06, 0x09,
	    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02,
	    0x02, 0xa3, 0x04, 0x04, 0x02, 0x01, 0x02,
	};
	struct rdd_spnego_resp r;
	struct rdd_cur c;

	(void)state;
	rdd_cur_init(&c, reject, sizeof(reject));
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), 0);
	assert_int_equal(r.neg_state, RDD_SPNEGO_REJECT);
	assert_string_equal(rdd_spnego_neg_state_name(r.neg_state), "reject");
	assert_false(r.has_mech);
	assert_false(r.has_token);
	assert_false(rdd_spnego_mech_is_ntlm(&r));

	rdd_cur_init(&c, empty, sizeof(empty));
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), 0);
	assert_int_equal(r.neg_state, -1);
	assert_null(rdd_spnego_neg_state_name(r.neg_state));

	rdd_cur_init(&c, krb, sizeof(krb));
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), 0);
	assert_true(r.has_mech);
	assert_false(rdd_spnego_mech_is_ntlm(&r));
	assert_true(r.has_mic);
	assert_string_equal(rdd_spnego_neg_state_name(0), "accept-completed");
	assert_string_equal(rdd_spnego_neg_state_name(3), "request-mic");
}

static void
test_parse_errors(void **state)
{
	/* Fields out of order: [2] before [0]. */
	static const uint8_t order[] = {0xa1, 0x0b, 0x30, 0x09, 0xa2,
	                                0x02, 0x04, 0x00, 0xa0, 0x03,
	                                0x0a, 0x01, 0x01};
	/* negState as an INTEGER. */
	static const uint8_t type[] = {0xa1, 0x07, 0x30, 0x05, 0xa0,
	                               0x03, 0x02, 0x01, 0x01};
	/* negState out of range. */
	static const uint8_t range[] = {0xa1, 0x08, 0x30, 0x06, 0xa0,
	                                0x04, 0x0a, 0x02, 0x01, 0x00};
	/* A NegTokenInit where a NegTokenResp belongs. */
	static const uint8_t init[] = {0xa0, 0x02, 0x30, 0x00};
	/* Something after the SEQUENCE inside [1]. */
	static const uint8_t extra[] = {0xa1, 0x04, 0x30, 0x00, 0x05, 0x00};
	/* An unknown [4] inside. */
	static const uint8_t four[] = {0xa1, 0x06, 0x30, 0x04,
	                               0xa4, 0x02, 0x05, 0x00};
	struct rdd_spnego_resp r;
	struct rdd_cur c;

	(void)state;
	rdd_cur_init(&c, order, sizeof(order));
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), -1);
	assert_int_equal(rdd_cur_left(&c), sizeof(order));
	rdd_cur_init(&c, type, sizeof(type));
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), -1);
	rdd_cur_init(&c, range, sizeof(range));
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), -1);
	rdd_cur_init(&c, init, sizeof(init));
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), -1);
	rdd_cur_init(&c, extra, sizeof(extra));
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), -1);
	rdd_cur_init(&c, four, sizeof(four));
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), -1);
}

static void
test_every_truncation(void **state)
{
	struct rdd_spnego_resp r;
	struct rdd_cur c;
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(resp); n++) {
		rdd_cur_init(&c, resp, n);
		assert_int_equal(rdd_spnego_parse_resp(&c, &r), -1);
		assert_int_equal(rdd_cur_left(&c), n);
	}
}

/* session.md C.3: the MechTypeList {NTLM} a mechListMIC covers. */
static const uint8_t ntlm_list[] = {0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01,
                                    0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

static void
test_ntlm_mech_list(void **state)
{
	uint8_t out[32];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_spnego_ntlm_mech_list(&b), 0);
	assert_int_equal(b.len, sizeof(ntlm_list));
	assert_memory_equal(out, ntlm_list, sizeof(ntlm_list));
	/* The same bytes as inside the NegTokenInit sent. */
	assert_memory_equal(init_head + 16, ntlm_list, sizeof(ntlm_list));
	rdd_buf_init(&b, out, sizeof(ntlm_list) - 1);
	assert_int_equal(rdd_spnego_ntlm_mech_list(&b), -1);
}

/* The gateway's 401 token (the protocol.md 4.6 vector, rebuilt), the
 * client's AUTHENTICATE token and the gateway's last token (session.md
 * C.3: a1 1b 30 19 a0 03 0a 01 00 a3 12 04 10 <MIC>). */
static void
test_build_resp(void **state)
{
	static const uint8_t final_head[] = {0xa1, 0x1b, 0x30, 0x19, 0xa0,
	                                     0x03, 0x0a, 0x01, 0x00, 0xa3,
	                                     0x12, 0x04, 0x10};
	uint8_t out[512], mic[16], tok[200];
	struct rdd_spnego_resp r;
	struct rdd_buf b;
	struct rdd_cur c;
	size_t n;

	(void)state;
	memset(mic, 0x5a, sizeof(mic));
	memset(tok, 0x33, sizeof(tok));
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_spnego_build_resp(
	                     &b, RDD_SPNEGO_ACCEPT_INCOMPLETE, rdd_oid_ntlm,
	                     sizeof(rdd_oid_ntlm), nlmp_challenge,
	                     sizeof(nlmp_challenge), NULL, 0),
	                 0);
	assert_int_equal(b.len, sizeof(resp));
	assert_memory_equal(out, resp, sizeof(resp));

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_spnego_build_resp(&b, -1, NULL, 0, tok,
	                                       sizeof(tok), mic, sizeof(mic)),
	                 0);
	rdd_cur_init(&c, out, b.len);
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(r.neg_state, -1);
	assert_false(r.has_mech);
	assert_true(r.has_token && r.has_mic);
	assert_int_equal(rdd_cur_left(&r.token), sizeof(tok));
	assert_memory_equal(r.token.p, tok, sizeof(tok));
	assert_int_equal(rdd_cur_left(&r.mic), sizeof(mic));
	assert_memory_equal(r.mic.p, mic, sizeof(mic));
	for (n = 0; n < b.len; n++) {
		rdd_cur_init(&c, out, n);
		assert_int_equal(rdd_spnego_parse_resp(&c, &r), -1);
		assert_int_equal(rdd_cur_left(&c), n);
	}

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_spnego_build_resp(&b, RDD_SPNEGO_ACCEPT_COMPLETED,
	                                       NULL, 0, NULL, 0, mic,
	                                       sizeof(mic)),
	                 0);
	assert_int_equal(b.len, sizeof(final_head) + sizeof(mic));
	assert_memory_equal(out, final_head, sizeof(final_head));

	/* Too small: -1; a bad state or an empty OID: -1. */
	rdd_buf_init(&b, out, 20);
	assert_int_equal(
	    rdd_spnego_build_resp(&b, 1, NULL, 0, tok, sizeof(tok), NULL, 0),
	    -1);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_spnego_build_resp(&b, 256, NULL, 0, NULL, 0, NULL, 0), -1);
	assert_int_equal(
	    rdd_spnego_build_resp(&b, 0, rdd_oid_ntlm, 0, NULL, 0, NULL, 0),
	    -1);
}

/* What the lab gateway reads: our NegTokenInit and the Kerberos one. */
static void
test_parse_init(void **state)
{
	uint8_t out[256], ap[40];
	struct rdd_spnego_init in;
	struct rdd_buf b;
	struct rdd_cur c;
	size_t n, len;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_spnego_build_init(&b, negotiate, sizeof(negotiate)), 0);
	len = b.len;
	rdd_cur_init(&c, out, len);
	assert_int_equal(rdd_spnego_parse_init(&c, &in), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(in.n_mechs, 1);
	assert_true(in.has_ntlm && in.first_ntlm && in.has_token);
	assert_false(in.has_mic);
	assert_int_equal(rdd_cur_left(&in.mech_list), sizeof(ntlm_list));
	assert_memory_equal(in.mech_list.p, ntlm_list, sizeof(ntlm_list));
	assert_int_equal(rdd_cur_left(&in.token), sizeof(negotiate));
	assert_memory_equal(in.token.p, negotiate, sizeof(negotiate));
	for (n = 0; n < len; n++) {
		rdd_cur_init(&c, out, n);
		assert_int_equal(rdd_spnego_parse_init(&c, &in), -1);
		assert_int_equal(rdd_cur_left(&c), n);
	}
	/* A NegTokenResp is not a NegTokenInit. */
	rdd_cur_init(&c, resp, sizeof(resp));
	assert_int_equal(rdd_spnego_parse_init(&c, &in), -1);
	/* Another OID than SPNEGO's. */
	out[4] ^= 0x01;
	rdd_cur_init(&c, out, len);
	assert_int_equal(rdd_spnego_parse_init(&c, &in), -1);

	/* Kerberos first, NTLM listed third. */
	memset(ap, 0x6e, sizeof(ap));
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_spnego_build_init_krb(&b, ap, sizeof(ap)), 0);
	rdd_cur_init(&c, out, b.len);
	assert_int_equal(rdd_spnego_parse_init(&c, &in), 0);
	assert_int_equal(in.n_mechs, 3);
	assert_true(in.has_ntlm);
	assert_false(in.first_ntlm);
	assert_int_equal(rdd_cur_left(&in.token), sizeof(ap));
}

static void
test_looks_like(void **state)
{
	struct rdd_cur c;

	(void)state;
	rdd_cur_init(&c, init_head, sizeof(init_head));
	assert_true(rdd_spnego_looks_like(&c));
	rdd_cur_init(&c, negotiate, sizeof(negotiate));
	assert_false(rdd_spnego_looks_like(&c));
	rdd_cur_init(&c, NULL, 0);
	assert_false(rdd_spnego_looks_like(&c));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_init),
	    cmocka_unit_test(test_parse_challenge_resp),
	    cmocka_unit_test(test_parse_reject),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_looks_like),
	    cmocka_unit_test(test_ntlm_mech_list),
	    cmocka_unit_test(test_build_resp),
	    cmocka_unit_test(test_parse_init),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
