/*
 * test_per.c - lib/wire/per.c: the ALIGNED PER pieces of T.124 GCC, read
 * and written. Byte vectors from the GCC ConnectData of [MS-RDPBCGR] 4.1.3
 * (Conference Create Request) and 4.1.4 (Conference Create Response); the
 * response bytes are the same in rdp-proprietary-encryption.pcap frame 15,
 * rdp-x509.pcap frame 12 and RDP-003.pcap frame 8 (tests/captures/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/per.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t t124_oid[6] = {0, 0, 20, 124, 0, 1};

/* [MS-RDPBCGR] 4.1.3: ConnectData and ConferenceCreateRequest up to the
 * client data blocks (298-byte connectPDU, 284 bytes of blocks). */
static const uint8_t spec_ccrq[] = {
    0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01, 0x81, 0x2a, 0x00, 0x08, 0x00,
    0x10, 0x00, 0x01, 0xc0, 0x00, 0x44, 0x75, 0x63, 0x61, 0x81, 0x1c,
};
/* [MS-RDPBCGR] 4.1.4: ConnectData and ConferenceCreateResponse up to the
 * server data blocks (264 bytes); connectPDU length 0x2a as Windows sends
 * it. */
static const uint8_t spec_ccrsp[] = {
    0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01, 0x2a, 0x14, 0x76, 0x0a, 0x01,
    0x01, 0x00, 0x01, 0xc0, 0x00, 0x4d, 0x63, 0x44, 0x6e, 0x81, 0x08,
};

static struct rdd_cur
cur(const uint8_t *p, size_t n)
{
	struct rdd_cur c;

	rdd_cur_init(&c, p, n);
	return c;
}

/* Walk the request preamble field by field. */
static void
test_spec_request_read(void **state)
{
	struct rdd_cur c = cur(spec_ccrq, sizeof(spec_ccrq)), key;
	uint8_t oid[6], b;
	uint16_t len;
	char name[8];

	(void)state;
	assert_int_equal(rdd_per_read_u8(&c, &b), 0);
	assert_int_equal(b, 0); /* Key: object */
	assert_int_equal(rdd_per_read_object_identifier(&c, oid), 0);
	assert_memory_equal(oid, t124_oid, 6);
	assert_int_equal(rdd_per_read_length(&c, &len), 0);
	assert_int_equal(len, 298);
	assert_int_equal(rdd_per_read_u8(&c, &b), 0);
	assert_int_equal(b, 0x00); /* conferenceCreateRequest */
	assert_int_equal(rdd_per_read_u8(&c, &b), 0);
	assert_int_equal(b, 0x08); /* only userData present */
	assert_int_equal(rdd_per_read_numeric_string(&c, 1, name, sizeof(name)),
	                 0);
	assert_string_equal(name, "1");
	assert_int_equal(rdd_per_read_u8(&c, &b), 0);
	assert_int_equal(b, 0x00);
	assert_int_equal(rdd_per_read_u8(&c, &b), 0);
	assert_int_equal(b, 0x01); /* one set of user data */
	assert_int_equal(rdd_per_read_u8(&c, &b), 0);
	assert_int_equal(b, 0xc0); /* value present, h221NonStandard */
	assert_int_equal(rdd_per_read_octet_string(&c, 4, &key), 0);
	assert_int_equal(key.len, 4);
	assert_memory_equal(key.p, "Duca", 4);
	assert_int_equal(rdd_per_read_length(&c, &len), 0);
	assert_int_equal(len, 284);
	assert_int_equal(rdd_cur_left(&c), 0);
}

/* The same preamble written field by field is the spec's bytes. */
static void
test_spec_request_write(void **state)
{
	uint8_t out[32];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	rdd_per_write_u8(&b, 0);
	rdd_per_write_object_identifier(&b, t124_oid);
	rdd_per_write_length(&b, 298);
	rdd_per_write_u8(&b, 0x00);
	rdd_per_write_u8(&b, 0x08);
	rdd_per_write_numeric_string(&b, "1", 1);
	rdd_per_write_u8(&b, 0x00);
	rdd_per_write_u8(&b, 0x01);
	rdd_per_write_u8(&b, 0xc0);
	rdd_per_write_octet_string(&b, "Duca", 4, 4);
	rdd_per_write_length(&b, 284);
	assert_false(b.err);
	assert_int_equal(b.len, sizeof(spec_ccrq));
	assert_memory_equal(out, spec_ccrq, sizeof(spec_ccrq));
}

static void
test_spec_response(void **state)
{
	struct rdd_cur c = cur(spec_ccrsp, sizeof(spec_ccrsp)), key;
	uint8_t oid[6], b, e;
	uint16_t len, node;
	uint32_t tag;
	uint8_t out[32];
	struct rdd_buf w;

	(void)state;
	assert_int_equal(rdd_per_read_u8(&c, &b), 0);
	assert_int_equal(rdd_per_read_object_identifier(&c, oid), 0);
	assert_memory_equal(oid, t124_oid, 6);
	assert_int_equal(rdd_per_read_length(&c, &len), 0);
	assert_int_equal(len, 0x2a);
	assert_int_equal(rdd_per_read_u8(&c, &b), 0);
	assert_int_equal(b, 0x14); /* conferenceCreateResponse */
	assert_int_equal(rdd_per_read_integer16(&c, 1001, &node), 0);
	assert_int_equal(node, 0x760a + 1001);
	assert_int_equal(rdd_per_read_integer(&c, &tag), 0);
	assert_int_equal(tag, 1);
	assert_int_equal(rdd_per_read_enumerated(&c, 16, &e), 0);
	assert_int_equal(e, 0);
	assert_int_equal(rdd_per_read_u8(&c, &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(rdd_per_read_u8(&c, &b), 0);
	assert_int_equal(b, 0xc0);
	assert_int_equal(rdd_per_read_octet_string(&c, 4, &key), 0);
	assert_memory_equal(key.p, "McDn", 4);
	assert_int_equal(rdd_per_read_length(&c, &len), 0);
	assert_int_equal(len, 264);
	assert_int_equal(rdd_cur_left(&c), 0);

	/* And written back. */
	rdd_buf_init(&w, out, sizeof(out));
	rdd_per_write_u8(&w, 0);
	rdd_per_write_object_identifier(&w, t124_oid);
	rdd_per_write_length(&w, 0x2a);
	rdd_per_write_u8(&w, 0x14);
	rdd_per_write_integer16(&w, 0x760a + 1001, 1001);
	rdd_per_write_integer(&w, 1);
	rdd_per_write_enumerated(&w, 0);
	rdd_per_write_u8(&w, 1);
	rdd_per_write_u8(&w, 0xc0);
	rdd_per_write_octet_string(&w, "McDn", 4, 4);
	rdd_per_write_length(&w, 264);
	assert_false(w.err);
	assert_int_equal(w.len, sizeof(spec_ccrsp));
	assert_memory_equal(out, spec_ccrsp, sizeof(spec_ccrsp));
}

static void
test_length(void **state)
{
	static const struct {
		uint8_t b[2];
		size_t n;
		uint16_t want;
	} t[] = {
	    {{0x00}, 1, 0},
	    {{0x7f}, 1, 127},
	    {{0x80, 0x80}, 2, 128},
	    {{0x81, 0x1c}, 2, 284},
	    {{0x80, 0x05}, 2, 5}, /* non-minimal, accepted */
	    {{0xbf, 0xff}, 2, 0x3fff},
	};
	uint8_t out[2];
	struct rdd_buf b;
	struct rdd_cur c;
	uint16_t len;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		c = cur(t[i].b, t[i].n);
		assert_int_equal(rdd_per_read_length(&c, &len), 0);
		assert_int_equal(len, t[i].want);
		assert_int_equal(rdd_cur_left(&c), 0);
		if (t[i].want != 5) {
			rdd_buf_init(&b, out, sizeof(out));
			rdd_per_write_length(&b, t[i].want);
			assert_false(b.err);
			assert_int_equal(b.len, t[i].n);
			assert_memory_equal(out, t[i].b, t[i].n);
		}
	}
}

static void
test_length_refused(void **state)
{
	static const uint8_t frag[] = {0xc1, 0x00};
	static const uint8_t cut[] = {0x81};
	uint8_t out[4];
	struct rdd_buf b;
	struct rdd_cur c;
	uint16_t len = 9;

	(void)state;
	c = cur(frag, sizeof(frag));
	assert_int_equal(rdd_per_read_length(&c, &len), -1);
	c = cur(cut, sizeof(cut));
	assert_int_equal(rdd_per_read_length(&c, &len), -1);
	assert_ptr_equal(c.p, cut);
	c = cur(NULL, 0);
	assert_int_equal(rdd_per_read_length(&c, &len), -1);
	assert_int_equal(len, 9);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_per_write_length(&b, 0x4000);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
}

static void
test_object_identifier(void **state)
{
	static const uint8_t wrong_len[] = {0x06, 0x00, 0x14, 0x7c, 0, 1, 0};
	static const uint8_t multi[] = {0x05, 0x00, 0x94, 0x7c, 0x00, 0x01};
	static const uint8_t other[] = {0x05, 0x2a, 0x03, 0x04, 0x05, 0x06};
	static const uint8_t bad_arc[6] = {0, 0, 20, 200, 0, 1};
	static const uint8_t bad_first[6] = {3, 0, 0, 0, 0, 0};
	uint8_t oid[6], out[8];
	struct rdd_buf b;
	struct rdd_cur c;

	(void)state;
	c = cur(wrong_len, sizeof(wrong_len));
	assert_int_equal(rdd_per_read_object_identifier(&c, oid), -1);
	c = cur(multi, sizeof(multi));
	assert_int_equal(rdd_per_read_object_identifier(&c, oid), -1);
	c = cur(other, sizeof(other));
	assert_int_equal(rdd_per_read_object_identifier(&c, oid), 0);
	assert_int_equal(oid[0], 1);
	assert_int_equal(oid[1], 2);
	assert_int_equal(oid[2], 3);
	assert_int_equal(oid[5], 6);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_per_write_object_identifier(&b, bad_arc);
	assert_true(b.err);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_per_write_object_identifier(&b, bad_first);
	assert_true(b.err);
}

static void
test_numeric_string(void **state)
{
	static const struct {
		const char *s;
		size_t min;
		uint8_t b[6];
		size_t n;
	} t[] = {
	    {"1", 1, {0x00, 0x10}, 2},
	    {"12", 1, {0x01, 0x12}, 2},
	    {"0987", 0, {0x04, 0x09, 0x87}, 3},
	    {"", 0, {0x00}, 1},
	    {"13579", 2, {0x03, 0x13, 0x57, 0x90}, 4},
	};
	uint8_t out[8];
	struct rdd_buf b;
	struct rdd_cur c;
	char s[8];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		rdd_buf_init(&b, out, sizeof(out));
		rdd_per_write_numeric_string(&b, t[i].s, t[i].min);
		assert_false(b.err);
		assert_int_equal(b.len, t[i].n);
		assert_memory_equal(out, t[i].b, t[i].n);
		c = cur(t[i].b, t[i].n);
		assert_int_equal(
		    rdd_per_read_numeric_string(&c, t[i].min, s, sizeof(s)), 0);
		assert_string_equal(s, t[i].s);
		assert_int_equal(rdd_cur_left(&c), 0);
	}
}

static void
test_numeric_string_refused(void **state)
{
	static const uint8_t not_digit[] = {0x00, 0xa0};
	static const uint8_t low_not_digit[] = {0x01, 0x1f};
	static const uint8_t cut[] = {0x03, 0x12};
	static const uint8_t long_one[] = {0x07, 0x12, 0x34, 0x56, 0x78};
	uint8_t out[8];
	struct rdd_buf b;
	struct rdd_cur c;
	char s[8];

	(void)state;
	c = cur(not_digit, sizeof(not_digit));
	assert_int_equal(rdd_per_read_numeric_string(&c, 1, s, sizeof(s)), -1);
	c = cur(low_not_digit, sizeof(low_not_digit));
	assert_int_equal(rdd_per_read_numeric_string(&c, 1, s, sizeof(s)), -1);
	c = cur(cut, sizeof(cut));
	assert_int_equal(rdd_per_read_numeric_string(&c, 1, s, sizeof(s)), -1);
	assert_ptr_equal(c.p, cut);
	/* Eight digits do not fit in 8 bytes with the NUL. */
	c = cur(long_one, sizeof(long_one));
	assert_int_equal(rdd_per_read_numeric_string(&c, 1, s, sizeof(s)), -1);
	c = cur(long_one, sizeof(long_one));
	assert_int_equal(rdd_per_read_numeric_string(&c, 1, s, 0), -1);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_per_write_numeric_string(&b, "1a", 1);
	assert_true(b.err);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_per_write_numeric_string(&b, "", 1);
	assert_true(b.err);
}

static void
test_octet_string(void **state)
{
	static const uint8_t short_key[] = {0x00, 0x4d, 0x63, 0x44};
	static const uint8_t zero_min[] = {0x02, 0xaa, 0xbb};
	uint8_t out[8];
	struct rdd_buf b;
	struct rdd_cur c, o;

	(void)state;
	c = cur(short_key, sizeof(short_key));
	assert_int_equal(rdd_per_read_octet_string(&c, 4, &o), -1);
	assert_ptr_equal(c.p, short_key);
	c = cur(zero_min, sizeof(zero_min));
	assert_int_equal(rdd_per_read_octet_string(&c, 0, &o), 0);
	assert_int_equal(o.len, 2);
	assert_int_equal(o.p[1], 0xbb);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_per_write_octet_string(&b, "abc", 3, 4);
	assert_true(b.err);
}

static void
test_integers(void **state)
{
	static const uint8_t i16_max[] = {0xfc, 0x16};  /* 64534 + 1001 */
	static const uint8_t i16_over[] = {0xfc, 0x17}; /* 64535 + 1001 */
	static const uint8_t int3[] = {0x03, 0x01, 0x02, 0x03};
	static const uint8_t int0[] = {0x00};
	static const uint8_t int5[] = {0x05, 1, 2, 3, 4, 5};
	static const uint8_t int_cut[] = {0x02, 0x01};
	uint8_t out[8];
	struct rdd_buf b;
	struct rdd_cur c;
	uint16_t v16;
	uint32_t v;
	uint8_t e;

	(void)state;
	c = cur(i16_max, sizeof(i16_max));
	assert_int_equal(rdd_per_read_integer16(&c, 1001, &v16), 0);
	assert_int_equal(v16, 65535);
	c = cur(i16_over, sizeof(i16_over));
	assert_int_equal(rdd_per_read_integer16(&c, 1001, &v16), -1);
	assert_ptr_equal(c.p, i16_over);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_per_write_integer16(&b, 1000, 1001);
	assert_true(b.err);

	c = cur(int3, sizeof(int3));
	assert_int_equal(rdd_per_read_integer(&c, &v), 0);
	assert_int_equal(v, 0x010203);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_per_write_integer(&b, 0x010203);
	assert_int_equal(b.len, sizeof(int3));
	assert_memory_equal(out, int3, sizeof(int3));
	rdd_buf_init(&b, out, sizeof(out));
	rdd_per_write_integer(&b, 0xffffffff);
	assert_int_equal(b.len, 5);
	c = cur(out, b.len);
	assert_int_equal(rdd_per_read_integer(&c, &v), 0);
	assert_int_equal(v, 0xffffffff);
	c = cur(int0, sizeof(int0));
	assert_int_equal(rdd_per_read_integer(&c, &v), -1);
	c = cur(int5, sizeof(int5));
	assert_int_equal(rdd_per_read_integer(&c, &v), -1);
	c = cur(int_cut, sizeof(int_cut));
	assert_int_equal(rdd_per_read_integer(&c, &v), -1);
	assert_ptr_equal(c.p, int_cut);

	c = cur(int3, 1);
	assert_int_equal(rdd_per_read_enumerated(&c, 3, &e), -1); /* 3 of 3 */
	assert_int_equal(rdd_per_read_enumerated(&c, 4, &e), 0);
	assert_int_equal(e, 3);
}

/* Every prefix of the two preambles stops a field-by-field walk cleanly:
 * some field fails and the cursor never goes past the bytes given. */
static void
test_every_truncation_fails(void **state)
{
	struct rdd_cur c, o;
	uint8_t oid[6], b, e;
	uint16_t len, node;
	uint32_t tag;
	char name[4];
	size_t n;
	int ok;

	(void)state;
	for (n = 0; n < sizeof(spec_ccrq); n++) {
		c = cur(spec_ccrq, n);
		ok = rdd_per_read_u8(&c, &b) == 0 &&
		     rdd_per_read_object_identifier(&c, oid) == 0 &&
		     rdd_per_read_length(&c, &len) == 0 &&
		     rdd_per_read_u8(&c, &b) == 0 &&
		     rdd_per_read_u8(&c, &b) == 0 &&
		     rdd_per_read_numeric_string(&c, 1, name, sizeof(name)) ==
		         0 &&
		     rdd_per_read_u8(&c, &b) == 0 &&
		     rdd_per_read_u8(&c, &b) == 0 &&
		     rdd_per_read_u8(&c, &b) == 0 &&
		     rdd_per_read_octet_string(&c, 4, &o) == 0 &&
		     rdd_per_read_length(&c, &len) == 0;
		assert_false(ok);
		assert_true(c.p >= spec_ccrq && c.p <= spec_ccrq + n);
	}
	for (n = 0; n < sizeof(spec_ccrsp); n++) {
		c = cur(spec_ccrsp, n);
		ok = rdd_per_read_u8(&c, &b) == 0 &&
		     rdd_per_read_object_identifier(&c, oid) == 0 &&
		     rdd_per_read_length(&c, &len) == 0 &&
		     rdd_per_read_u8(&c, &b) == 0 &&
		     rdd_per_read_integer16(&c, 1001, &node) == 0 &&
		     rdd_per_read_integer(&c, &tag) == 0 &&
		     rdd_per_read_enumerated(&c, 16, &e) == 0 &&
		     rdd_per_read_u8(&c, &b) == 0 &&
		     rdd_per_read_u8(&c, &b) == 0 &&
		     rdd_per_read_octet_string(&c, 4, &o) == 0 &&
		     rdd_per_read_length(&c, &len) == 0;
		assert_false(ok);
		assert_true(c.p >= spec_ccrsp && c.p <= spec_ccrsp + n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_request_read),
	    cmocka_unit_test(test_spec_request_write),
	    cmocka_unit_test(test_spec_response),
	    cmocka_unit_test(test_length),
	    cmocka_unit_test(test_length_refused),
	    cmocka_unit_test(test_object_identifier),
	    cmocka_unit_test(test_numeric_string),
	    cmocka_unit_test(test_numeric_string_refused),
	    cmocka_unit_test(test_octet_string),
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_every_truncation_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
