/*
 * test_ber.c - lib/wire/ber.c: BER lengths, TLVs, [APPLICATION n], INTEGER,
 * ENUMERATED, BOOLEAN, OCTET STRING, SEQUENCE and DomainParameters, read
 * and written. Byte vectors from [MS-RDPBCGR] 4.1.3 / 4.1.4 (the MCS
 * Connect-Initial and Connect-Response examples) and from the Connect-
 * Response of RDP-003.pcap (tests/captures/, frame 8).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/ber.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* [MS-RDPBCGR] 4.1.3: Connect-Initial::targetParameters. */
static const uint8_t spec_target[] = {
    0x30, 0x19, 0x02, 0x01, 0x22, 0x02, 0x01, 0x02, 0x02,
    0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02,
    0x01, 0x01, 0x02, 0x02, 0xff, 0xff, 0x02, 0x01, 0x02,
};
/* [MS-RDPBCGR] 4.1.3: Connect-Initial::minimumParameters. */
static const uint8_t spec_minimum[] = {
    0x30, 0x19, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02,
    0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02,
    0x01, 0x01, 0x02, 0x02, 0x04, 0x20, 0x02, 0x01, 0x02,
};
/* [MS-RDPBCGR] 4.1.3: Connect-Initial::maximumParameters. */
static const uint8_t spec_maximum[] = {
    0x30, 0x1c, 0x02, 0x02, 0xff, 0xff, 0x02, 0x02, 0xfc, 0x17,
    0x02, 0x02, 0xff, 0xff, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00,
    0x02, 0x01, 0x01, 0x02, 0x02, 0xff, 0xff, 0x02, 0x01, 0x02,
};
/* [MS-RDPBCGR] 4.1.4, and byte for byte the same in RDP-003.pcap frame 8
 * (10.226.29.74:3389 -> 10.226.41.226:13178): Connect-Response result,
 * calledConnectId and domainParameters (maxMCSPDUsize 65528 in 3 bytes). */
static const uint8_t spec_response_head[] = {
    0x0a, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x1a, 0x02, 0x01, 0x22, 0x02,
    0x01, 0x03, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02,
    0x01, 0x01, 0x02, 0x03, 0x00, 0xff, 0xf8, 0x02, 0x01, 0x02,
};
/* [MS-RDPBCGR] 4.1.3: the start of the Connect-Initial (APPLICATION 101,
 * 404 bytes), callingDomainSelector, calledDomainSelector, upwardFlag. */
static const uint8_t spec_ci_head[] = {
    0x7f, 0x65, 0x82, 0x01, 0x94, 0x04, 0x01,
    0x01, 0x04, 0x01, 0x01, 0x01, 0x01, 0xff,
};

static struct rdd_cur
cur(const uint8_t *p, size_t n)
{
	struct rdd_cur c;

	rdd_cur_init(&c, p, n);
	return c;
}

/* ---- lengths ----------------------------------------------------------- */

static void
test_length_forms(void **state)
{
	static const struct {
		uint8_t b[6];
		size_t n;
		size_t want;
	} t[] = {
	    {{0x00}, 1, 0},
	    {{0x7f}, 1, 127},
	    {{0x81, 0x80}, 2, 128},
	    {{0x81, 0x05}, 2, 5}, /* non-minimal, accepted */
	    {{0x82, 0x01, 0x94}, 3, 404},
	    {{0x82, 0x00, 0x00}, 3, 0},
	    {{0x83, 0x01, 0x00, 0x00}, 4, 65536},
	    {{0x84, 0x12, 0x34, 0x56, 0x78}, 5, 0x12345678},
	};
	struct rdd_cur c;
	size_t i, len;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		c = cur(t[i].b, t[i].n);
		assert_int_equal(rdd_ber_read_length(&c, &len), 0);
		assert_int_equal(len, t[i].want);
		assert_int_equal(rdd_cur_left(&c), 0);
	}
}

static void
test_length_refused(void **state)
{
	static const uint8_t indefinite[] = {0x80, 0x00};
	static const uint8_t five[] = {0x85, 1, 2, 3, 4, 5};
	static const uint8_t cut[] = {0x82, 0x01};
	const uint8_t *v[] = {indefinite, five, cut};
	size_t n[] = {sizeof(indefinite), sizeof(five), sizeof(cut)};
	struct rdd_cur c;
	size_t i, len = 77;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		c = cur(v[i], n[i]);
		assert_int_equal(rdd_ber_read_length(&c, &len), -1);
		assert_ptr_equal(c.p, v[i]);
		assert_int_equal(rdd_cur_left(&c), n[i]);
		assert_int_equal(len, 77);
	}
	c = cur(NULL, 0);
	assert_int_equal(rdd_ber_read_length(&c, &len), -1);
}

static void
test_write_length(void **state)
{
	static const struct {
		size_t len;
		uint8_t b[5];
		size_t n;
	} t[] = {
	    {0, {0x00}, 1},
	    {127, {0x7f}, 1},
	    {128, {0x81, 0x80}, 2},
	    {255, {0x81, 0xff}, 2},
	    {256, {0x82, 0x01, 0x00}, 3},
	    {404, {0x82, 0x01, 0x94}, 3},
	    {65535, {0x82, 0xff, 0xff}, 3},
	    {65536, {0x83, 0x01, 0x00, 0x00}, 4},
	    {0x1000000, {0x84, 0x01, 0x00, 0x00, 0x00}, 5},
	};
	uint8_t out[8];
	struct rdd_buf b;
	struct rdd_cur c;
	size_t i, back;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		rdd_buf_init(&b, out, sizeof(out));
		rdd_ber_write_length(&b, t[i].len);
		assert_false(b.err);
		assert_int_equal(b.len, t[i].n);
		assert_int_equal(rdd_ber_length_size(t[i].len), t[i].n);
		assert_memory_equal(out, t[i].b, t[i].n);
		c = cur(out, b.len);
		assert_int_equal(rdd_ber_read_length(&c, &back), 0);
		assert_int_equal(back, t[i].len);
	}
	/* No room: error flag, nothing written. */
	rdd_buf_init(&b, out, 2);
	rdd_ber_write_length(&b, 404);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
}

/* ---- TLVs and [APPLICATION n] ----------------------------------------- */

static void
test_application_spec(void **state)
{
	struct rdd_cur c, body, sel;
	bool up = false;
	uint8_t big[5 + 404];

	(void)state;
	/* The header claims 404 bytes: with only the head, it does not fit. */
	c = cur(spec_ci_head, sizeof(spec_ci_head));
	assert_int_equal(
	    rdd_ber_read_application(&c, RDD_MCS_CONNECT_INITIAL, &body), -1);
	assert_ptr_equal(c.p, spec_ci_head);

	memset(big, 0, sizeof(big));
	memcpy(big, spec_ci_head, sizeof(spec_ci_head));
	c = cur(big, sizeof(big));
	assert_int_equal(
	    rdd_ber_read_application(&c, RDD_MCS_CONNECT_RESPONSE, &body), -1);
	assert_int_equal(
	    rdd_ber_read_application(&c, RDD_MCS_CONNECT_INITIAL, &body), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(body.len, 404);
	assert_ptr_equal(body.p, big + 5);
	assert_int_equal(rdd_ber_read_octet_string(&body, &sel), 0);
	assert_int_equal(sel.len, 1);
	assert_int_equal(sel.p[0], 0x01);
	assert_int_equal(rdd_ber_read_octet_string(&body, &sel), 0);
	assert_int_equal(rdd_ber_read_boolean(&body, &up), 0);
	assert_true(up);
}

static void
test_application_refused(void **state)
{
	static const uint8_t low[] = {0x65, 0x00};     /* not high-tag form */
	static const uint8_t prim[] = {0x5f, 0x65, 0}; /* primitive */
	static const uint8_t ok[] = {0x7f, 0x66, 0x00};
	struct rdd_cur c, body;

	(void)state;
	c = cur(low, sizeof(low));
	assert_int_equal(rdd_ber_read_application(&c, 101, &body), -1);
	c = cur(prim, sizeof(prim));
	assert_int_equal(rdd_ber_read_application(&c, 101, &body), -1);
	c = cur(ok, sizeof(ok));
	assert_int_equal(rdd_ber_read_application(&c, 30, &body), -1);
	assert_int_equal(rdd_ber_read_application(&c, 128, &body), -1);
	assert_int_equal(rdd_ber_read_application(&c, 102, &body), 0);
	assert_int_equal(body.len, 0);
}

static void
test_write_application(void **state)
{
	uint8_t out[8];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	rdd_ber_write_application_header(&b, RDD_MCS_CONNECT_INITIAL, 404);
	assert_false(b.err);
	assert_int_equal(b.len, 5);
	assert_memory_equal(out, spec_ci_head, 5);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_ber_write_application_header(&b, 30, 1);
	assert_true(b.err);
}

static void
test_tlv_wrong_tag_and_overrun(void **state)
{
	static const uint8_t v[] = {0x04, 0x03, 0xaa, 0xbb};
	struct rdd_cur c, body;

	(void)state;
	c = cur(v, sizeof(v));
	assert_int_equal(rdd_ber_read_tlv(&c, 0x04, &body), -1); /* 3 of 2 */
	assert_int_equal(rdd_ber_read_sequence(&c, &body), -1);
	assert_ptr_equal(c.p, v);
	c = cur(v, 3);
	assert_int_equal(rdd_ber_read_octet_string(&c, &body), -1);
}

/* ---- INTEGER, ENUMERATED, BOOLEAN -------------------------------------- */

static void
test_integer(void **state)
{
	static const struct {
		uint8_t b[8];
		size_t n;
		uint32_t want;
	} t[] = {
	    {{0x02, 0x01, 0x22}, 3, 34},
	    {{0x02, 0x01, 0x00}, 3, 0},
	    {{0x02, 0x01, 0xff}, 3, 255}, /* unsigned magnitude */
	    {{0x02, 0x02, 0xff, 0xff}, 4, 65535},
	    {{0x02, 0x02, 0xfc, 0x17}, 4, 64535},
	    {{0x02, 0x03, 0x00, 0xff, 0xf8}, 5, 65528},
	    {{0x02, 0x04, 0xde, 0xad, 0xbe, 0xef}, 6, 0xdeadbeef},
	    {{0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff}, 7, 0xffffffff},
	};
	struct rdd_cur c;
	uint32_t v;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		c = cur(t[i].b, t[i].n);
		assert_int_equal(rdd_ber_read_integer(&c, &v), 0);
		assert_int_equal(v, t[i].want);
		assert_int_equal(rdd_cur_left(&c), 0);
	}
}

static void
test_integer_refused(void **state)
{
	static const struct {
		uint8_t b[8];
		size_t n;
	} t[] = {
	    {{0x02, 0x00}, 2},                         /* empty */
	    {{0x02, 0x05, 0x01, 0, 0, 0, 0}, 7},       /* > 32 bits */
	    {{0x02, 0x06, 0x00, 0x00, 0, 0, 0, 0}, 8}, /* 6 bytes */
	    {{0x0a, 0x01, 0x00}, 3},                   /* ENUMERATED */
	    {{0x02, 0x02, 0x01}, 3},                   /* cut */
	    {{0x02, 0x80, 0x01, 0x00, 0x00}, 5},       /* indefinite */
	};
	struct rdd_cur c;
	uint32_t v = 7;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		c = cur(t[i].b, t[i].n);
		assert_int_equal(rdd_ber_read_integer(&c, &v), -1);
		assert_ptr_equal(c.p, t[i].b);
		assert_int_equal(v, 7);
	}
}

static void
test_write_integer(void **state)
{
	static const struct {
		uint32_t v;
		uint8_t b[6];
		size_t n;
	} t[] = {
	    {0, {0x02, 0x01, 0x00}, 3},
	    {34, {0x02, 0x01, 0x22}, 3},
	    {255, {0x02, 0x01, 0xff}, 3},
	    {1056, {0x02, 0x02, 0x04, 0x20}, 4},
	    {65535, {0x02, 0x02, 0xff, 0xff}, 4},
	    {65536, {0x02, 0x03, 0x01, 0x00, 0x00}, 5},
	    {0xffffffff, {0x02, 0x04, 0xff, 0xff, 0xff, 0xff}, 6},
	};
	uint8_t out[8];
	struct rdd_buf b;
	struct rdd_cur c;
	uint32_t back;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		rdd_buf_init(&b, out, sizeof(out));
		rdd_ber_write_integer(&b, t[i].v);
		assert_false(b.err);
		assert_int_equal(b.len, t[i].n);
		assert_memory_equal(out, t[i].b, t[i].n);
		c = cur(out, b.len);
		assert_int_equal(rdd_ber_read_integer(&c, &back), 0);
		assert_int_equal(back, t[i].v);
	}
}

static void
test_enumerated_boolean(void **state)
{
	static const uint8_t e0[] = {0x0a, 0x01, 0x0e};
	static const uint8_t e2[] = {0x0a, 0x02, 0x00, 0x0e};
	static const uint8_t t[] = {0x01, 0x01, 0xff};
	static const uint8_t f[] = {0x01, 0x01, 0x00};
	static const uint8_t t1[] = {0x01, 0x01, 0x01};
	static const uint8_t b2[] = {0x01, 0x02, 0x00, 0x00};
	uint8_t out[4], e = 0;
	struct rdd_buf b;
	struct rdd_cur c;
	bool v = false;

	(void)state;
	c = cur(e0, sizeof(e0));
	assert_int_equal(rdd_ber_read_enumerated(&c, &e), 0);
	assert_int_equal(e, 14);
	c = cur(e2, sizeof(e2));
	assert_int_equal(rdd_ber_read_enumerated(&c, &e), -1);
	c = cur(t, sizeof(t));
	assert_int_equal(rdd_ber_read_boolean(&c, &v), 0);
	assert_true(v);
	c = cur(f, sizeof(f));
	assert_int_equal(rdd_ber_read_boolean(&c, &v), 0);
	assert_false(v);
	c = cur(t1, sizeof(t1));
	assert_int_equal(rdd_ber_read_boolean(&c, &v), 0);
	assert_true(v);
	c = cur(b2, sizeof(b2));
	assert_int_equal(rdd_ber_read_boolean(&c, &v), -1);
	c = cur(e0, sizeof(e0));
	assert_int_equal(rdd_ber_read_boolean(&c, &v), -1);

	rdd_buf_init(&b, out, sizeof(out));
	rdd_ber_write_enumerated(&b, 14);
	assert_int_equal(b.len, 3);
	assert_memory_equal(out, e0, 3);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_ber_write_boolean(&b, true);
	assert_memory_equal(out, t, 3);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_ber_write_boolean(&b, false);
	assert_memory_equal(out, f, 3);
}

static void
test_octet_string_write(void **state)
{
	uint8_t out[300], data[200];
	struct rdd_buf b;
	struct rdd_cur c, body;

	(void)state;
	memset(data, 0x5a, sizeof(data));
	rdd_buf_init(&b, out, sizeof(out));
	rdd_ber_write_octet_string(&b, data, sizeof(data));
	assert_false(b.err);
	assert_int_equal(b.len, 3 + sizeof(data));
	assert_int_equal(out[0], 0x04);
	assert_int_equal(out[1], 0x81);
	assert_int_equal(out[2], 200);
	c = cur(out, b.len);
	assert_int_equal(rdd_ber_read_octet_string(&c, &body), 0);
	assert_int_equal(body.len, sizeof(data));
	assert_memory_equal(body.p, data, sizeof(data));

	rdd_buf_init(&b, out, sizeof(out));
	rdd_ber_write_sequence_header(&b, 0x19);
	assert_int_equal(b.len, 2);
	assert_int_equal(out[0], 0x30);
	assert_int_equal(out[1], 0x19);
}

/* ---- DomainParameters -------------------------------------------------- */

static void
test_domain_params_spec(void **state)
{
	static const struct rdd_domain_params want[] = {
	    {34, 2, 0, 1, 0, 1, 65535, 2},
	    {1, 1, 1, 1, 0, 1, 1056, 2},
	    {65535, 64535, 65535, 1, 0, 1, 65535, 2},
	};
	const uint8_t *v[] = {spec_target, spec_minimum, spec_maximum};
	size_t n[] = {sizeof(spec_target), sizeof(spec_minimum),
	              sizeof(spec_maximum)};
	struct rdd_domain_params dp;
	uint8_t out[64];
	struct rdd_buf b;
	struct rdd_cur c;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		c = cur(v[i], n[i]);
		assert_int_equal(rdd_ber_read_domain_params(&c, &dp), 0);
		assert_int_equal(rdd_cur_left(&c), 0);
		assert_memory_equal(&dp, &want[i], sizeof(dp));
		/* Written back byte for byte. */
		rdd_buf_init(&b, out, sizeof(out));
		rdd_ber_write_domain_params(&b, &want[i]);
		assert_false(b.err);
		assert_int_equal(b.len, n[i]);
		assert_memory_equal(out, v[i], n[i]);
	}
}

/* The server's parameters in the Connect-Response (spec and RDP-003). */
static void
test_domain_params_response(void **state)
{
	struct rdd_domain_params dp;
	struct rdd_cur c;
	uint8_t result = 9;
	uint32_t id = 9;

	(void)state;
	c = cur(spec_response_head, sizeof(spec_response_head));
	assert_int_equal(rdd_ber_read_enumerated(&c, &result), 0);
	assert_int_equal(result, 0);
	assert_int_equal(rdd_ber_read_integer(&c, &id), 0);
	assert_int_equal(id, 0);
	assert_int_equal(rdd_ber_read_domain_params(&c, &dp), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(dp.max_channel_ids, 34);
	assert_int_equal(dp.max_user_ids, 3);
	assert_int_equal(dp.max_token_ids, 0);
	assert_int_equal(dp.num_priorities, 1);
	assert_int_equal(dp.min_throughput, 0);
	assert_int_equal(dp.max_height, 1);
	assert_int_equal(dp.max_mcs_pdu_size, 65528);
	assert_int_equal(dp.protocol_version, 2);
}

static void
test_domain_params_malformed(void **state)
{
	uint8_t v[sizeof(spec_target) + 3];
	struct rdd_domain_params dp, before;
	struct rdd_cur c;

	(void)state;
	memset(&before, 0x5a, sizeof(before));
	/* Seven integers only. */
	memcpy(v, spec_target, sizeof(spec_target));
	v[1] = 0x19 - 3;
	c = cur(v, sizeof(spec_target) - 3);
	dp = before;
	assert_int_equal(rdd_ber_read_domain_params(&c, &dp), -1);
	assert_memory_equal(&dp, &before, sizeof(dp));
	/* A ninth one inside the SEQUENCE. */
	memcpy(v, spec_target, sizeof(spec_target));
	v[1] = 0x19 + 3;
	v[sizeof(spec_target)] = 0x02;
	v[sizeof(spec_target) + 1] = 0x01;
	v[sizeof(spec_target) + 2] = 0x00;
	c = cur(v, sizeof(v));
	assert_int_equal(rdd_ber_read_domain_params(&c, &dp), -1);
	assert_ptr_equal(c.p, v);
	/* Not a SEQUENCE. */
	memcpy(v, spec_target, sizeof(spec_target));
	v[0] = 0x31;
	c = cur(v, sizeof(spec_target));
	assert_int_equal(rdd_ber_read_domain_params(&c, &dp), -1);
	/* An ENUMERATED among the INTEGERs. */
	memcpy(v, spec_target, sizeof(spec_target));
	v[2] = 0x0a;
	c = cur(v, sizeof(spec_target));
	assert_int_equal(rdd_ber_read_domain_params(&c, &dp), -1);
	assert_memory_equal(&dp, &before, sizeof(dp));
}

static void
test_every_truncation_fails(void **state)
{
	const uint8_t *v[] = {spec_target, spec_minimum, spec_maximum};
	size_t n[] = {sizeof(spec_target), sizeof(spec_minimum),
	              sizeof(spec_maximum)};
	struct rdd_domain_params dp;
	struct rdd_cur c;
	uint32_t u;
	size_t i, k;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		for (k = 0; k < n[i]; k++) {
			c = cur(v[i], k);
			assert_int_equal(rdd_ber_read_domain_params(&c, &dp),
			                 -1);
			assert_ptr_equal(c.p, v[i]);
			assert_int_equal(rdd_cur_left(&c), k);
		}
	}
	/* Each INTEGER of the response head, cut anywhere. */
	for (k = 0; k < 3; k++) {
		c = cur(spec_response_head + 3, k);
		assert_int_equal(rdd_ber_read_integer(&c, &u), -1);
	}
}

static void
test_writers_no_room(void **state)
{
	static const struct rdd_domain_params dp = {34, 2, 0,     1,
	                                            0,  1, 65535, 2};
	uint8_t out[26];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	rdd_ber_write_domain_params(&b, &dp); /* needs 27 */
	assert_true(b.err);
	rdd_buf_init(&b, out, 2);
	rdd_ber_write_integer(&b, 65535);
	assert_true(b.err);
	rdd_buf_init(&b, out, 4);
	rdd_ber_write_octet_string(&b, out, 3);
	assert_true(b.err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_length_forms),
	    cmocka_unit_test(test_length_refused),
	    cmocka_unit_test(test_write_length),
	    cmocka_unit_test(test_application_spec),
	    cmocka_unit_test(test_application_refused),
	    cmocka_unit_test(test_write_application),
	    cmocka_unit_test(test_tlv_wrong_tag_and_overrun),
	    cmocka_unit_test(test_integer),
	    cmocka_unit_test(test_integer_refused),
	    cmocka_unit_test(test_write_integer),
	    cmocka_unit_test(test_enumerated_boolean),
	    cmocka_unit_test(test_octet_string_write),
	    cmocka_unit_test(test_domain_params_spec),
	    cmocka_unit_test(test_domain_params_response),
	    cmocka_unit_test(test_domain_params_malformed),
	    cmocka_unit_test(test_every_truncation_fails),
	    cmocka_unit_test(test_writers_no_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
