/*
 * test_cursor.c - lib/wire/cursor.c: every getter reads the right bytes in
 * the right order, fails at the end without moving, and every writer that
 * does not fit sets the error flag and writes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/cursor.h"

static const uint8_t seq[] = {0x01, 0x02, 0x03, 0x04, 0x05,
                              0x06, 0x07, 0x08, 0x09};

/* Values and byte order of every getter. */
static void
test_getters_read_values(void **state)
{
	struct rdd_cur c;
	uint8_t v8 = 0;
	uint16_t v16 = 0;
	uint32_t v32 = 0;
	uint64_t v64 = 0;

	(void)state;
	rdd_cur_init(&c, seq, sizeof(seq));
	assert_int_equal(rdd_cur_left(&c), 9);
	assert_int_equal(rdd_cur_u8(&c, &v8), 0);
	assert_int_equal(v8, 0x01);
	assert_int_equal(rdd_cur_u16be(&c, &v16), 0);
	assert_int_equal(v16, 0x0203);
	assert_int_equal(rdd_cur_u16le(&c, &v16), 0);
	assert_int_equal(v16, 0x0504);
	assert_int_equal(rdd_cur_u24be(&c, &v32), 0);
	assert_int_equal(v32, 0x060708);
	assert_int_equal(rdd_cur_left(&c), 1);

	rdd_cur_init(&c, seq, sizeof(seq));
	assert_int_equal(rdd_cur_u32be(&c, &v32), 0);
	assert_int_equal(v32, 0x01020304);
	assert_int_equal(rdd_cur_u32le(&c, &v32), 0);
	assert_int_equal(v32, 0x08070605);

	rdd_cur_init(&c, seq, sizeof(seq));
	assert_int_equal(rdd_cur_u64le(&c, &v64), 0);
	assert_true(v64 == UINT64_C(0x0807060504030201));
	assert_int_equal(rdd_cur_left(&c), 1);
	assert_ptr_equal(c.p, seq + 8);
}

/* High bits survive (no sign extension through int promotion). */
static void
test_getters_high_bits(void **state)
{
	static const uint8_t ff[8] = {0xff, 0xfe, 0xfd, 0xfc,
	                              0xfb, 0xfa, 0xf9, 0xf8};
	struct rdd_cur c;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	(void)state;
	rdd_cur_init(&c, ff, sizeof(ff));
	assert_int_equal(rdd_cur_u16be(&c, &v16), 0);
	assert_int_equal(v16, 0xfffe);
	rdd_cur_init(&c, ff, sizeof(ff));
	assert_int_equal(rdd_cur_u16le(&c, &v16), 0);
	assert_int_equal(v16, 0xfeff);
	rdd_cur_init(&c, ff, sizeof(ff));
	assert_int_equal(rdd_cur_u24be(&c, &v32), 0);
	assert_true(v32 == 0xfffefdu);
	rdd_cur_init(&c, ff, sizeof(ff));
	assert_int_equal(rdd_cur_u32be(&c, &v32), 0);
	assert_true(v32 == 0xfffefdfcu);
	rdd_cur_init(&c, ff, sizeof(ff));
	assert_int_equal(rdd_cur_u32le(&c, &v32), 0);
	assert_true(v32 == 0xfcfdfeffu);
	rdd_cur_init(&c, ff, sizeof(ff));
	assert_int_equal(rdd_cur_u64le(&c, &v64), 0);
	assert_true(v64 == UINT64_C(0xf8f9fafbfcfdfeff));
}

/* Each getter with one byte too few: -1, cursor and output untouched. */
#define AT_END(getter, type, width)                                            \
	do {                                                                   \
		size_t have_;                                                  \
		for (have_ = 0; have_ < (width); have_++) {                    \
			struct rdd_cur c_;                                     \
			type v_ = (type)0x5a;                                  \
			rdd_cur_init(&c_, seq, have_);                         \
			assert_int_equal(getter(&c_, &v_), -1);                \
			assert_ptr_equal(c_.p, seq);                           \
			assert_int_equal(rdd_cur_left(&c_), have_);            \
			assert_true(v_ == (type)0x5a);                         \
		}                                                              \
	} while (0)

static void
test_getters_at_end_fail(void **state)
{
	(void)state;
	AT_END(rdd_cur_u8, uint8_t, 1);
	AT_END(rdd_cur_u16be, uint16_t, 2);
	AT_END(rdd_cur_u16le, uint16_t, 2);
	AT_END(rdd_cur_u24be, uint32_t, 3);
	AT_END(rdd_cur_u32be, uint32_t, 4);
	AT_END(rdd_cur_u32le, uint32_t, 4);
	AT_END(rdd_cur_u64le, uint64_t, 8);
}

/* After reading everything, each getter fails and the cursor stays. */
static void
test_getters_after_consuming_all(void **state)
{
	struct rdd_cur c, sub;
	uint8_t v8 = 7, dst[2] = {0xaa, 0xaa};
	uint16_t v16 = 7;
	uint32_t v32 = 7;
	uint64_t v64 = 7;

	(void)state;
	rdd_cur_init(&c, seq, sizeof(seq));
	assert_int_equal(rdd_cur_skip(&c, sizeof(seq)), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_ptr_equal(c.p, seq + sizeof(seq));
	assert_int_equal(rdd_cur_u8(&c, &v8), -1);
	assert_int_equal(rdd_cur_peek_u8(&c, &v8), -1);
	assert_int_equal(rdd_cur_u16be(&c, &v16), -1);
	assert_int_equal(rdd_cur_u16le(&c, &v16), -1);
	assert_int_equal(rdd_cur_u24be(&c, &v32), -1);
	assert_int_equal(rdd_cur_u32be(&c, &v32), -1);
	assert_int_equal(rdd_cur_u32le(&c, &v32), -1);
	assert_int_equal(rdd_cur_u64le(&c, &v64), -1);
	assert_int_equal(rdd_cur_copy(&c, dst, 1), -1);
	assert_int_equal(rdd_cur_skip(&c, 1), -1);
	assert_int_equal(rdd_cur_sub(&c, 1, &sub), -1);
	assert_int_equal(v8, 7);
	assert_int_equal(v16, 7);
	assert_int_equal(v32, 7);
	assert_true(v64 == 7);
	assert_int_equal(dst[0], 0xaa);
	assert_ptr_equal(c.p, seq + sizeof(seq));
	assert_int_equal(rdd_cur_left(&c), 0);
	/* Zero-length operations at the end succeed. */
	assert_int_equal(rdd_cur_skip(&c, 0), 0);
	assert_int_equal(rdd_cur_copy(&c, dst, 0), 0);
	assert_int_equal(rdd_cur_sub(&c, 0, &sub), 0);
	assert_int_equal(rdd_cur_left(&sub), 0);
}

static void
test_copy_skip_sub(void **state)
{
	struct rdd_cur c, sub;
	uint8_t dst[4] = {0};
	uint8_t v = 0;

	(void)state;
	rdd_cur_init(&c, seq, sizeof(seq));
	assert_int_equal(rdd_cur_copy(&c, dst, 3), 0);
	assert_memory_equal(dst, seq, 3);
	assert_int_equal(rdd_cur_skip(&c, 2), 0);
	assert_int_equal(rdd_cur_sub(&c, 3, &sub), 0);
	assert_ptr_equal(sub.p, seq + 5);
	assert_int_equal(rdd_cur_left(&sub), 3);
	assert_int_equal(rdd_cur_left(&c), 1);
	/* The sub-cursor is bounded by its own length. */
	assert_int_equal(rdd_cur_skip(&sub, 3), 0);
	assert_int_equal(rdd_cur_u8(&sub, &v), -1);
	/* Past the end: fails, nothing copied, nothing moved. */
	memset(dst, 0xcc, sizeof(dst));
	assert_int_equal(rdd_cur_copy(&c, dst, 2), -1);
	assert_int_equal(dst[0], 0xcc);
	assert_int_equal(rdd_cur_skip(&c, 2), -1);
	assert_int_equal(rdd_cur_sub(&c, 2, &sub), -1);
	assert_int_equal(rdd_cur_left(&c), 1);
	/* Huge lengths cannot wrap the check around. */
	assert_int_equal(rdd_cur_skip(&c, SIZE_MAX), -1);
	assert_int_equal(rdd_cur_sub(&c, SIZE_MAX, &sub), -1);
	assert_int_equal(rdd_cur_left(&c), 1);
	assert_int_equal(rdd_cur_u8(&c, &v), 0);
	assert_int_equal(v, 0x09);
}

static void
test_peek_does_not_advance(void **state)
{
	struct rdd_cur c;
	uint8_t v = 0;

	(void)state;
	rdd_cur_init(&c, seq, 2);
	assert_int_equal(rdd_cur_peek_u8(&c, &v), 0);
	assert_int_equal(v, 0x01);
	assert_int_equal(rdd_cur_left(&c), 2);
	assert_int_equal(rdd_cur_peek_u8(&c, &v), 0);
	assert_int_equal(rdd_cur_u8(&c, &v), 0);
	assert_int_equal(rdd_cur_peek_u8(&c, &v), 0);
	assert_int_equal(v, 0x02);
	assert_int_equal(rdd_cur_left(&c), 1);
}

static void
test_init_null(void **state)
{
	struct rdd_cur c;
	uint8_t v = 3;

	(void)state;
	rdd_cur_init(&c, NULL, 100);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(rdd_cur_u8(&c, &v), -1);
	assert_int_equal(v, 3);
}

static void
test_buf_writes(void **state)
{
	static const uint8_t want[] = {0xab, 0x12, 0x34, 0x34, 0x12, 0x01, 0x02,
	                               0x03, 0xde, 0xad, 0xbe, 0xef, 0xef, 0xbe,
	                               0xad, 0xde, 'h',  'i',  0x00, 0x00};
	uint8_t st[32];
	struct rdd_buf b;

	(void)state;
	memset(st, 0xee, sizeof(st));
	rdd_buf_init(&b, st, sizeof(st));
	rdd_buf_u8(&b, 0xab);
	rdd_buf_u16be(&b, 0x1234);
	rdd_buf_u16le(&b, 0x1234);
	rdd_buf_u24be(&b, 0x010203);
	rdd_buf_u32be(&b, 0xdeadbeef);
	rdd_buf_u32le(&b, 0xdeadbeef);
	rdd_buf_bytes(&b, "hi", 2);
	rdd_buf_zeros(&b, 2);
	assert_false(b.err);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(st, want, sizeof(want));
	assert_int_equal(st[sizeof(want)], 0xee);
}

static void
test_buf_put_at(void **state)
{
	uint8_t st[8];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, st, sizeof(st));
	rdd_buf_zeros(&b, 6);
	rdd_buf_put_u16be_at(&b, 0, 0x0102);
	rdd_buf_put_u24be_at(&b, 2, 0x030405);
	rdd_buf_put_u8_at(&b, 5, 0x06);
	assert_false(b.err);
	assert_int_equal(b.len, 6);
	assert_memory_equal(st, "\x01\x02\x03\x04\x05\x06", 6);
	/* Past what was written (not the capacity): error. */
	rdd_buf_put_u16be_at(&b, 5, 0xffff);
	assert_true(b.err);
	assert_int_equal(st[5], 0x06);
	rdd_buf_init(&b, st, sizeof(st));
	rdd_buf_zeros(&b, 2);
	rdd_buf_put_u24be_at(&b, 0, 0xffffff);
	assert_true(b.err);
	rdd_buf_init(&b, st, sizeof(st));
	rdd_buf_zeros(&b, 2);
	rdd_buf_put_u8_at(&b, 2, 0xff);
	assert_true(b.err);
	rdd_buf_init(&b, st, sizeof(st));
	rdd_buf_zeros(&b, 2);
	rdd_buf_put_u16be_at(&b, SIZE_MAX, 0xffff);
	assert_true(b.err);
	assert_memory_equal(st, "\x00\x00", 2);
}

/* Each writer that does not fit sets err, writes nothing, and later
 * writes that would fit are refused too (check once at the end). */
#define OVERFLOW(call, width)                                                  \
	do {                                                                   \
		size_t cap_;                                                   \
		for (cap_ = 0; cap_ < (width); cap_++) {                       \
			uint8_t st_[16];                                       \
			struct rdd_buf b_;                                     \
			memset(st_, 0xee, sizeof(st_));                        \
			rdd_buf_init(&b_, st_, cap_);                          \
			call;                                                  \
			assert_true(b_.err);                                   \
			assert_int_equal(b_.len, 0);                           \
			assert_int_equal(st_[0], 0xee);                        \
			rdd_buf_u8(&b_, 1);                                    \
			assert_int_equal(b_.len, 0);                           \
			assert_int_equal(st_[0], 0xee);                        \
		}                                                              \
	} while (0)

static void
test_buf_overflow_sets_err(void **state)
{
	(void)state;
	OVERFLOW(rdd_buf_u8(&b_, 0x11), 1);
	OVERFLOW(rdd_buf_u16be(&b_, 0x1122), 2);
	OVERFLOW(rdd_buf_u16le(&b_, 0x1122), 2);
	OVERFLOW(rdd_buf_u24be(&b_, 0x112233), 3);
	OVERFLOW(rdd_buf_u32be(&b_, 0x11223344), 4);
	OVERFLOW(rdd_buf_u32le(&b_, 0x11223344), 4);
	OVERFLOW(rdd_buf_bytes(&b_, "abcde", 5), 5);
	OVERFLOW(rdd_buf_zeros(&b_, 5), 5);
}

static void
test_buf_exact_fit_and_null(void **state)
{
	uint8_t st[4];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, st, sizeof(st));
	rdd_buf_u32be(&b, 0x01020304);
	assert_false(b.err);
	assert_int_equal(b.len, 4);
	rdd_buf_bytes(&b, "", 0); /* zero bytes fit even when full */
	assert_false(b.err);
	rdd_buf_u8(&b, 5);
	assert_true(b.err);
	assert_int_equal(b.len, 4);
	/* Huge sizes cannot wrap the capacity check. */
	rdd_buf_init(&b, st, sizeof(st));
	rdd_buf_u8(&b, 1);
	rdd_buf_zeros(&b, SIZE_MAX);
	assert_true(b.err);
	assert_int_equal(b.len, 1);
	rdd_buf_init(&b, NULL, 100);
	assert_int_equal(b.cap, 0);
	rdd_buf_u8(&b, 1);
	assert_true(b.err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_getters_read_values),
	    cmocka_unit_test(test_getters_high_bits),
	    cmocka_unit_test(test_getters_at_end_fail),
	    cmocka_unit_test(test_getters_after_consuming_all),
	    cmocka_unit_test(test_copy_skip_sub),
	    cmocka_unit_test(test_peek_does_not_advance),
	    cmocka_unit_test(test_init_null),
	    cmocka_unit_test(test_buf_writes),
	    cmocka_unit_test(test_buf_put_at),
	    cmocka_unit_test(test_buf_overflow_sets_err),
	    cmocka_unit_test(test_buf_exact_fit_and_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
