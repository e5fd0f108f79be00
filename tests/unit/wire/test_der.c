/*
 * test_der.c - lib/wire/der.c: TLV heads (short, long, non-minimal,
 * indefinite, too long, high tag numbers), partial heads, getters that
 * leave the cursor alone on failure, INTEGER values (X.690 8.3 examples,
 * signed, padded, too wide), and the DER writer (minimal lengths and
 * INTEGERs, X.690 8.1.3.5 example), with every truncation of a TLV.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/der.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The TSRequest version field of [MS-CSSP] 2.2.1 as nmap's rdp-ntlm-info
 * sends it (shared/reference/protocol.md 4.6): [0] { INTEGER 0x60 }. */
static const uint8_t version_field[] = {0xa0, 0x03, 0x02, 0x01, 0x60};

static void
test_head(void **state)
{
	/* X.690 8.1.3.5 NOTE: length 201 as 81 c9 (long form). */
	static const uint8_t long201[] = {0x04, 0x81, 0xc9};
	static const uint8_t short5[] = {0x30, 0x05};
	static const uint8_t four[] = {0x04, 0x84, 0x00, 0x01, 0x00, 0x00};
	uint8_t tag;
	size_t head, len;

	(void)state;
	assert_int_equal(
	    rdd_der_head(long201, sizeof(long201), &tag, &head, &len),
	    RDD_DER_HEAD_OK);
	assert_int_equal(tag, 0x04);
	assert_int_equal(head, 3);
	assert_int_equal(len, 201);
	assert_int_equal(
	    rdd_der_head(short5, sizeof(short5), &tag, &head, &len),
	    RDD_DER_HEAD_OK);
	assert_int_equal(tag, 0x30);
	assert_int_equal(head, 2);
	assert_int_equal(len, 5);
	/* Four length bytes, with a leading zero (BER allows it). */
	assert_int_equal(rdd_der_head(four, sizeof(four), &tag, &head, &len),
	                 RDD_DER_HEAD_OK);
	assert_int_equal(head, 6);
	assert_int_equal(len, 65536);
	/* NULL outputs are allowed. */
	assert_int_equal(rdd_der_head(four, sizeof(four), NULL, NULL, NULL),
	                 RDD_DER_HEAD_OK);
}

static void
test_head_partial_and_bad(void **state)
{
	static const uint8_t four[] = {0x30, 0x84, 0x00, 0x00, 0x01, 0x00};
	static const uint8_t indefinite[] = {0x30, 0x80};
	static const uint8_t five[] = {0x30, 0x85, 0, 0, 0, 1, 0};
	static const uint8_t high_tag[] = {0x1f, 0x81, 0x00, 0x01};
	static const uint8_t eoc[] = {0x00, 0x00};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(four); i++)
		assert_int_equal(rdd_der_head(four, i, NULL, NULL, NULL),
		                 RDD_DER_HEAD_NEED_MORE);
	assert_int_equal(rdd_der_head(NULL, 0, NULL, NULL, NULL),
	                 RDD_DER_HEAD_NEED_MORE);
	assert_int_equal(
	    rdd_der_head(indefinite, sizeof(indefinite), NULL, NULL, NULL),
	    RDD_DER_HEAD_BAD);
	assert_int_equal(rdd_der_head(five, sizeof(five), NULL, NULL, NULL),
	                 RDD_DER_HEAD_BAD);
	assert_int_equal(
	    rdd_der_head(high_tag, sizeof(high_tag), NULL, NULL, NULL),
	    RDD_DER_HEAD_BAD);
	assert_int_equal(rdd_der_head(eoc, sizeof(eoc), NULL, NULL, NULL),
	                 RDD_DER_HEAD_BAD);
	/* The bad identifier is seen from its first byte. */
	assert_int_equal(rdd_der_head(high_tag, 1, NULL, NULL, NULL),
	                 RDD_DER_HEAD_BAD);
}

static void
test_get(void **state)
{
	static const uint8_t two[] = {0x04, 0x02, 0xaa, 0xbb, 0x05, 0x00};
	struct rdd_cur c, v;
	uint8_t tag;
	bool present;

	(void)state;
	rdd_cur_init(&c, two, sizeof(two));
	assert_int_equal(rdd_der_peek_tag(&c, &tag), 0);
	assert_int_equal(tag, 0x04);
	assert_int_equal(rdd_cur_left(&c), sizeof(two));
	/* Wrong tag: nothing moves. */
	assert_int_equal(rdd_der_get(&c, RDD_DER_INTEGER, &v), -1);
	assert_int_equal(rdd_cur_left(&c), sizeof(two));
	assert_int_equal(
	    rdd_der_get_optional(&c, RDD_DER_INTEGER, &v, &present), 0);
	assert_false(present);
	assert_int_equal(rdd_cur_left(&c), sizeof(two));
	assert_int_equal(
	    rdd_der_get_optional(&c, RDD_DER_OCTET_STRING, &v, &present), 0);
	assert_true(present);
	assert_int_equal(rdd_cur_left(&v), 2);
	assert_int_equal(v.p[0], 0xaa);
	assert_int_equal(rdd_cur_left(&c), 2);
	assert_int_equal(rdd_der_get_any(&c, &tag, &v), 0);
	assert_int_equal(tag, RDD_DER_NULL);
	assert_int_equal(rdd_cur_left(&v), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	/* At the end: optional is absent, get fails. */
	assert_int_equal(rdd_der_get_optional(&c, RDD_DER_NULL, &v, &present),
	                 0);
	assert_false(present);
	assert_int_equal(rdd_der_get_any(&c, &tag, &v), -1);
	assert_int_equal(rdd_der_peek_tag(&c, &tag), -1);
}

static void
test_get_optional_bad(void **state)
{
	/* The tag matches but the length runs past the end. */
	static const uint8_t cut[] = {0xa2, 0x05, 0x04, 0x03, 0x01};
	struct rdd_cur c, v;
	bool present = true;

	(void)state;
	rdd_cur_init(&c, cut, sizeof(cut));
	assert_int_equal(rdd_der_get_optional(&c, RDD_DER_CTX(2), &v, &present),
	                 -1);
	assert_int_equal(rdd_cur_left(&c), sizeof(cut));
}

static void
test_every_truncation(void **state)
{
	struct rdd_cur c, field, v;
	int64_t x = 0;
	size_t n;

	(void)state;
	rdd_cur_init(&c, version_field, sizeof(version_field));
	assert_int_equal(rdd_der_get(&c, RDD_DER_CTX(0), &field), 0);
	assert_int_equal(rdd_der_get_int(&field, RDD_DER_INTEGER, &x), 0);
	assert_int_equal(x, 0x60);
	for (n = 0; n < sizeof(version_field); n++) {
		rdd_cur_init(&c, version_field, n);
		assert_int_equal(rdd_der_get(&c, RDD_DER_CTX(0), &v), -1);
		assert_int_equal(rdd_cur_left(&c), n);
		assert_int_equal(rdd_der_get_any(&c, NULL, &v), -1);
		assert_int_equal(rdd_cur_left(&c), n);
	}
}

static void
check_int(const uint8_t *b, size_t n, int rc, int64_t want)
{
	struct rdd_cur c;
	int64_t v = 12345;

	rdd_cur_init(&c, b, n);
	assert_int_equal(rdd_der_int_value(&c, &v), rc);
	if (rc == 0)
		assert_true(v == want);
	else
		assert_true(v == 12345);
}

static void
test_integers(void **state)
{
	/* X.690 8.3: two's complement, big-endian. */
	static const uint8_t zero[] = {0x00};
	static const uint8_t i127[] = {0x7f};
	static const uint8_t i128[] = {0x00, 0x80};
	static const uint8_t m128[] = {0x80};
	static const uint8_t m129[] = {0xff, 0x7f};
	static const uint8_t m1[] = {0xff};
	/* errorCode STATUS_LOGON_FAILURE both ways servers write it. */
	static const uint8_t neg4[] = {0xc0, 0x00, 0x00, 0x6d};
	static const uint8_t pos5[] = {0x00, 0xc0, 0x00, 0x00, 0x6d};
	static const uint8_t max64[] = {0x7f, 0xff, 0xff, 0xff,
	                                0xff, 0xff, 0xff, 0xff};
	static const uint8_t min64[] = {0x80, 0, 0, 0, 0, 0, 0, 0};
	/* Nine bytes whose first is only sign padding. */
	static const uint8_t pad9[] = {0x00, 0x7f, 0xff, 0xff, 0xff,
	                               0xff, 0xff, 0xff, 0xff};
	static const uint8_t padneg[] = {0xff, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0};
	/* Nine bytes that do not fit: 2^63. */
	static const uint8_t big[] = {0x00, 0x80, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t big2[] = {0x01, 0, 0, 0, 0, 0, 0, 0, 0};

	(void)state;
	check_int(zero, sizeof(zero), 0, 0);
	check_int(i127, sizeof(i127), 0, 127);
	check_int(i128, sizeof(i128), 0, 128);
	check_int(m128, sizeof(m128), 0, -128);
	check_int(m129, sizeof(m129), 0, -129);
	check_int(m1, sizeof(m1), 0, -1);
	check_int(neg4, sizeof(neg4), 0, -1073741715);
	check_int(pos5, sizeof(pos5), 0, INT64_C(0xc000006d));
	check_int(max64, sizeof(max64), 0, INT64_MAX);
	check_int(min64, sizeof(min64), 0, INT64_MIN);
	check_int(pad9, sizeof(pad9), 0, INT64_MAX);
	check_int(padneg, sizeof(padneg), 0, INT64_MIN);
	check_int(big, sizeof(big), -1, 0);
	check_int(big2, sizeof(big2), -1, 0);
	check_int(zero, 0, -1, 0); /* no contents */
}

static void
test_get_int_types(void **state)
{
	static const uint8_t en[] = {0x0a, 0x01, 0x01};
	struct rdd_cur c;
	int64_t v = 0;

	(void)state;
	rdd_cur_init(&c, en, sizeof(en));
	assert_int_equal(rdd_der_get_int(&c, RDD_DER_INTEGER, &v), -1);
	assert_int_equal(rdd_cur_left(&c), sizeof(en));
	assert_int_equal(rdd_der_get_int(&c, RDD_DER_ENUMERATED, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(rdd_cur_left(&c), 0);
}

static void
test_equal(void **state)
{
	static const uint8_t oid[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
	struct rdd_cur c;

	(void)state;
	rdd_cur_init(&c, oid, sizeof(oid));
	assert_true(rdd_der_equal(&c, oid, sizeof(oid)));
	assert_false(rdd_der_equal(&c, oid, sizeof(oid) - 1));
	rdd_cur_init(&c, oid, sizeof(oid) - 1);
	assert_false(rdd_der_equal(&c, oid, sizeof(oid)));
	assert_true(rdd_der_equal(&c, oid, sizeof(oid) - 1));
}

static void
test_sizes(void **state)
{
	(void)state;
	assert_int_equal(rdd_der_len_size(0), 1);
	assert_int_equal(rdd_der_len_size(127), 1);
	assert_int_equal(rdd_der_len_size(128), 2);
	assert_int_equal(rdd_der_len_size(255), 2);
	assert_int_equal(rdd_der_len_size(256), 3);
	assert_int_equal(rdd_der_len_size(65535), 3);
	assert_int_equal(rdd_der_len_size(65536), 4);
	assert_int_equal(rdd_der_len_size(0xffffff), 4);
	assert_int_equal(rdd_der_len_size(0x1000000), 5);
	assert_int_equal(rdd_der_tlv_size(40), 42);
	assert_int_equal(rdd_der_tlv_size(218), 221);
	assert_int_equal(rdd_der_uint_size(0), 1);
	assert_int_equal(rdd_der_uint_size(6), 1);
	assert_int_equal(rdd_der_uint_size(127), 1);
	assert_int_equal(rdd_der_uint_size(128), 2);
	assert_int_equal(rdd_der_uint_size(0x7fff), 2);
	assert_int_equal(rdd_der_uint_size(0x8000), 3);
	assert_int_equal(rdd_der_uint_size(0x7fffffff), 4);
	assert_int_equal(rdd_der_uint_size(0xc000006d), 5);
	assert_int_equal(rdd_der_uint_size(0xffffffff), 5);
}

static void
check_put_uint(uint32_t v, const uint8_t *want, size_t n)
{
	uint8_t out[16];
	struct rdd_buf b;
	struct rdd_cur c;
	int64_t back;

	rdd_buf_init(&b, out, sizeof(out));
	rdd_der_put_uint(&b, v);
	assert_false(b.err);
	assert_int_equal(b.len, n);
	assert_memory_equal(out, want, n);
	rdd_cur_init(&c, out, b.len);
	assert_int_equal(rdd_der_get_int(&c, RDD_DER_INTEGER, &back), 0);
	assert_true(back == (int64_t)v);
}

static void
test_writer(void **state)
{
	static const uint8_t w6[] = {0x02, 0x01, 0x06};
	static const uint8_t w128[] = {0x02, 0x02, 0x00, 0x80};
	static const uint8_t w65535[] = {0x02, 0x03, 0x00, 0xff, 0xff};
	static const uint8_t wlogon[] = {0x02, 0x05, 0x00, 0xc0,
	                                 0x00, 0x00, 0x6d};
	static const uint8_t h201[] = {0x04, 0x81, 0xc9};
	static const uint8_t h300[] = {0x30, 0x82, 0x01, 0x2c};
	static const uint8_t h70000[] = {0xa1, 0x83, 0x01, 0x11, 0x70};
	static const uint8_t h5[] = {0x30, 0x84, 0x01, 0x00, 0x00, 0x00};
	uint8_t out[16];
	struct rdd_buf b;

	(void)state;
	check_put_uint(6, w6, sizeof(w6));
	check_put_uint(128, w128, sizeof(w128));
	check_put_uint(65535, w65535, sizeof(w65535));
	check_put_uint(0xc000006d, wlogon, sizeof(wlogon));

	rdd_buf_init(&b, out, sizeof(out));
	rdd_der_put_head(&b, RDD_DER_OCTET_STRING, 201);
	assert_int_equal(b.len, 3);
	assert_memory_equal(out, h201, 3);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_der_put_head(&b, RDD_DER_SEQUENCE, 300);
	assert_memory_equal(out, h300, sizeof(h300));
	rdd_buf_init(&b, out, sizeof(out));
	rdd_der_put_head(&b, RDD_DER_CTX(1), 70000);
	assert_memory_equal(out, h70000, sizeof(h70000));
	rdd_buf_init(&b, out, sizeof(out));
	rdd_der_put_head(&b, RDD_DER_SEQUENCE, 0x1000000);
	assert_int_equal(b.len, sizeof(h5));
	assert_memory_equal(out, h5, sizeof(h5));

	/* Does not fit: error flag, nothing half-written. */
	rdd_buf_init(&b, out, 2);
	rdd_der_put_head(&b, RDD_DER_OCTET_STRING, 201);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
	rdd_buf_init(&b, out, 4);
	rdd_der_put_bytes(&b, RDD_DER_OCTET_STRING, "abc", 3);
	assert_true(b.err);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_der_put_bytes(&b, RDD_DER_OCTET_STRING, "abc", 3);
	assert_false(b.err);
	assert_int_equal(b.len, 5);
	assert_memory_equal(out,
	                    "\x04\x03"
	                    "abc",
	                    5);
}

/* Whatever the writer makes, the reader reads back. */
static void
test_roundtrip_lengths(void **state)
{
	static const size_t lens[] = {0, 1, 127, 128, 255, 256, 1000, 4096};
	static uint8_t data[4096], out[4200];
	struct rdd_buf b;
	struct rdd_cur c, v;
	uint8_t tag;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	for (i = 0; i < NELEM(lens); i++) {
		rdd_buf_init(&b, out, sizeof(out));
		rdd_der_put_bytes(&b, RDD_DER_CTX(3), data, lens[i]);
		assert_false(b.err);
		assert_int_equal(b.len, rdd_der_tlv_size(lens[i]));
		rdd_cur_init(&c, out, b.len);
		assert_int_equal(rdd_der_get_any(&c, &tag, &v), 0);
		assert_int_equal(tag, RDD_DER_CTX(3));
		assert_int_equal(rdd_cur_left(&v), lens[i]);
		if (lens[i] > 0)
			assert_memory_equal(v.p, data, lens[i]);
		assert_int_equal(rdd_cur_left(&c), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_head),
	    cmocka_unit_test(test_head_partial_and_bad),
	    cmocka_unit_test(test_get),
	    cmocka_unit_test(test_get_optional_bad),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_get_int_types),
	    cmocka_unit_test(test_equal),
	    cmocka_unit_test(test_sizes),
	    cmocka_unit_test(test_writer),
	    cmocka_unit_test(test_roundtrip_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
