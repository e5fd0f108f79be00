/*
 * test_websocket.c - lib/wire/websocket.c: the frames of RFC 6455 5.7
 * (unmasked and masked "Hello", the fragmented "Hel"+"lo", ping and
 * masked pong, the 256-byte and 64 KiB binary frames), every truncation of
 * each, protocol errors, close codes, and the builder: the masked "Hello"
 * byte for byte, an MS-TSGU HANDSHAKE_REQUEST (shared/reference/
 * gateway.md 8.1) in a masked binary frame read back, the 16- and 64-bit
 * length forms.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/websocket.h"

/* RFC 6455 5.7. */
static const uint8_t hello[] = {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
static const uint8_t hello_masked[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
                                       0x7f, 0x9f, 0x4d, 0x51, 0x58};
static const uint8_t frag[] = {0x01, 0x03, 0x48, 0x65, 0x6c,
                               0x80, 0x02, 0x6c, 0x6f};
static const uint8_t ping[] = {0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
static const uint8_t pong_masked[] = {0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d,
                                      0x7f, 0x9f, 0x4d, 0x51, 0x58};
static const uint8_t mask[4] = {0x37, 0xfa, 0x21, 0x3d};

/* Reference 8.1: HANDSHAKE_REQUEST 1.0, ExtendedAuth 0. */
static const uint8_t handshake[] = {0x01, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00,
                                    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00};

static uint8_t big[4 + 65536 + 16];

static int
parse(const uint8_t *p, size_t n, bool client, struct rdd_ws_frame *f,
      size_t *left)
{
	struct rdd_cur c;
	int r;

	rdd_cur_init(&c, p, n);
	r = rdd_ws_parse_frame(&c, client, 1u << 20, f);
	*left = rdd_cur_left(&c);
	if (r != 1)
		assert_int_equal(*left, n);
	return r;
}

/* Every proper prefix needs more and consumes nothing. */
static void
truncations(const uint8_t *p, size_t n, bool client)
{
	struct rdd_ws_frame f;
	size_t left;

	for (size_t cut = 0; cut < n; cut++)
		assert_int_equal(parse(p, cut, client, &f, &left), 0);
	assert_int_equal(parse(p, n, client, &f, &left), 1);
	assert_int_equal(left, 0);
}

static void
test_rfc_frames(void **state)
{
	struct rdd_ws_frame f;
	size_t left;
	uint8_t u[5];

	(void)state;
	assert_int_equal(parse(hello, sizeof(hello), false, &f, &left), 1);
	assert_true(f.fin);
	assert_int_equal(f.opcode, RDD_WS_OP_TEXT);
	assert_false(f.masked);
	assert_int_equal(f.payload.len, 5);
	assert_memory_equal(f.payload.p, "Hello", 5);
	truncations(hello, sizeof(hello), false);

	assert_int_equal(
	    parse(hello_masked, sizeof(hello_masked), true, &f, &left), 1);
	assert_true(f.masked);
	assert_memory_equal(f.mask, mask, 4);
	rdd_ws_unmask(u, f.payload.p, f.payload.len, f.mask);
	assert_memory_equal(u, "Hello", 5);
	truncations(hello_masked, sizeof(hello_masked), true);
	/* A masked frame from the server, an unmasked one from a client. */
	assert_int_equal(
	    parse(hello_masked, sizeof(hello_masked), false, &f, &left), -1);
	assert_int_equal(parse(hello, sizeof(hello), true, &f, &left), -1);

	assert_int_equal(parse(frag, sizeof(frag), false, &f, &left), 1);
	assert_false(f.fin);
	assert_int_equal(f.opcode, RDD_WS_OP_TEXT);
	assert_memory_equal(f.payload.p, "Hel", 3);
	assert_int_equal(left, 4);
	assert_int_equal(parse(frag + 5, 4, false, &f, &left), 1);
	assert_true(f.fin);
	assert_int_equal(f.opcode, RDD_WS_OP_CONT);
	assert_memory_equal(f.payload.p, "lo", 2);

	assert_int_equal(parse(ping, sizeof(ping), false, &f, &left), 1);
	assert_int_equal(f.opcode, RDD_WS_OP_PING);
	assert_int_equal(
	    parse(pong_masked, sizeof(pong_masked), true, &f, &left), 1);
	assert_int_equal(f.opcode, RDD_WS_OP_PONG);
}

static void
test_long_lengths(void **state)
{
	struct rdd_ws_frame f;
	struct rdd_cur c;
	size_t left;

	(void)state;
	/* 5.7: 256 bytes, 16-bit length. */
	memset(big, 0x5a, sizeof(big));
	big[0] = 0x82;
	big[1] = 0x7e;
	big[2] = 0x01;
	big[3] = 0x00;
	truncations(big, 4 + 256, false);
	assert_int_equal(parse(big, 4 + 256, false, &f, &left), 1);
	assert_int_equal(f.payload.len, 256);
	/* 5.7: 64 KiB, 64-bit length. */
	memset(big, 0, 10);
	big[0] = 0x82;
	big[1] = 0x7f;
	big[7] = 0x01;
	assert_int_equal(parse(big, 10 + 65536, false, &f, &left), 1);
	assert_int_equal(f.payload.len, 65536);
	for (size_t cut = 0; cut < 12; cut++)
		assert_int_equal(parse(big, cut, false, &f, &left), 0);
	assert_int_equal(parse(big, 10 + 65535, false, &f, &left), 0);
	/* Over the caller's bound: an error as soon as the length is read. */
	rdd_cur_init(&c, big, 10);
	assert_int_equal(rdd_ws_parse_frame(&c, false, 65535, &f), -1);
	/* Not the shortest form: 16 bits for 125, 64 bits for 65535. */
	{
		static const uint8_t l16[] = {0x82, 0x7e, 0x00, 0x7d};
		static const uint8_t l64[] = {0x82, 0x7f, 0, 0,    0,
		                              0,    0,    0, 0xff, 0xff};
		static const uint8_t top[] = {0x82, 0x7f, 0x80, 0, 0,
		                              0,    0,    0,    0, 0};

		assert_int_equal(parse(l16, sizeof(l16), false, &f, &left), -1);
		assert_int_equal(parse(l64, sizeof(l64), false, &f, &left), -1);
		assert_int_equal(parse(top, sizeof(top), false, &f, &left), -1);
	}
}

static void
test_errors(void **state)
{
	struct rdd_ws_frame f;
	size_t left;
	static const uint8_t rsv[] = {0xc2, 0x00};
	static const uint8_t op3[] = {0x83, 0x00};
	static const uint8_t opb[] = {0x8b, 0x00};
	static const uint8_t ping_frag[] = {0x09, 0x00};
	static const uint8_t ping_long[] = {0x89, 0x7e, 0x00, 0x7e};
	static const uint8_t close1[] = {0x88, 0x01, 0x03};
	static const uint8_t close1005[] = {0x88, 0x02, 0x03, 0xed};
	static const uint8_t close999[] = {0x88, 0x02, 0x03, 0xe7};
	static const uint8_t close5000[] = {0x88, 0x02, 0x13, 0x88};

	(void)state;
	assert_int_equal(parse(rsv, 2, false, &f, &left), -1);
	assert_int_equal(parse(op3, 2, false, &f, &left), -1);
	assert_int_equal(parse(opb, 2, false, &f, &left), -1);
	assert_int_equal(parse(ping_frag, 2, false, &f, &left), -1);
	assert_int_equal(parse(ping_long, 4, false, &f, &left), -1);
	assert_int_equal(parse(close1, 3, false, &f, &left), -1);
	assert_int_equal(parse(close1005, 4, false, &f, &left), -1);
	assert_int_equal(parse(close999, 4, false, &f, &left), -1);
	assert_int_equal(parse(close5000, 4, false, &f, &left), -1);
}

static void
test_close(void **state)
{
	/* 1001 "bye", and an empty close. */
	static const uint8_t c1001[] = {0x88, 0x05, 0x03, 0xe9, 'b', 'y', 'e'};
	static const uint8_t empty[] = {0x88, 0x00};
	struct rdd_ws_frame f;
	size_t left;
	uint8_t out[32];
	struct rdd_buf b;
	struct rdd_cur c;

	(void)state;
	assert_int_equal(parse(c1001, sizeof(c1001), false, &f, &left), 1);
	assert_true(f.has_code);
	assert_int_equal(f.close_code, 1001);
	assert_string_equal(rdd_ws_close_name(f.close_code), "going away");
	assert_int_equal(f.close_reason.len, 3);
	assert_memory_equal(f.close_reason.p, "bye", 3);
	truncations(c1001, sizeof(c1001), false);
	assert_int_equal(parse(empty, 2, false, &f, &left), 1);
	assert_false(f.has_code);
	assert_null(rdd_ws_close_name(999));
	/* A masked close of ours, read back as a client's. */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_ws_build_close(&b, 1000, mask), 0);
	assert_int_equal(b.len, 8);
	rdd_cur_init(&c, out, b.len);
	assert_int_equal(rdd_ws_parse_frame(&c, true, 125, &f), 1);
	assert_int_equal(f.close_code, 1000);
	assert_int_equal(rdd_ws_build_close(&b, 1006, mask), -1);
	assert_int_equal(b.len, 8);
}

static void
test_build(void **state)
{
	uint8_t out[128], u[16];
	struct rdd_buf b;
	struct rdd_cur c;
	struct rdd_ws_frame f;
	static const uint8_t m2[4] = {0x01, 0x02, 0x03, 0x04};

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_ws_build_frame(&b, RDD_WS_OP_TEXT, true, mask,
	                                    (const uint8_t *)"Hello", 5),
	                 0);
	assert_int_equal(b.len, sizeof(hello_masked));
	assert_memory_equal(out, hello_masked, b.len);

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_ws_build_frame(&b, RDD_WS_OP_BINARY, true, m2,
	                                    handshake, sizeof(handshake)),
	                 0);
	assert_int_equal(b.len, 2 + 4 + sizeof(handshake));
	assert_int_equal(out[0], 0x82);
	assert_int_equal(out[1], 0x80 | sizeof(handshake));
	rdd_cur_init(&c, out, b.len);
	assert_int_equal(rdd_ws_parse_frame(&c, true, 1024, &f), 1);
	rdd_ws_unmask(u, f.payload.p, f.payload.len, f.mask);
	assert_memory_equal(u, handshake, sizeof(handshake));

	/* Control frames: FIN and at most 125 bytes; unknown opcodes. */
	assert_int_equal(
	    rdd_ws_build_frame(&b, RDD_WS_OP_PING, false, m2, NULL, 0), -1);
	assert_int_equal(
	    rdd_ws_build_frame(&b, RDD_WS_OP_PONG, true, m2, big, 126), -1);
	assert_int_equal(rdd_ws_build_frame(&b, 0x3, true, m2, NULL, 0), -1);
	/* Does not fit: nothing written. */
	rdd_buf_init(&b, out, 10);
	assert_int_equal(rdd_ws_build_frame(&b, RDD_WS_OP_BINARY, true, m2,
	                                    handshake, sizeof(handshake)),
	                 -1);
	assert_int_equal(b.len, 0);
}

static void
test_build_lengths(void **state)
{
	static uint8_t out[70000], src[65536];
	struct rdd_buf b;
	struct rdd_cur c;
	struct rdd_ws_frame f;
	static const size_t sizes[] = {0, 125, 126, 65535, 65536};

	(void)state;
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)i;
	for (size_t k = 0; k < 5; k++) {
		rdd_buf_init(&b, out, sizeof(out));
		assert_int_equal(rdd_ws_build_frame(&b, RDD_WS_OP_BINARY, true,
		                                    mask, src, sizes[k]),
		                 0);
		assert_int_equal(b.len, sizes[k] + 6 +
		                            (sizes[k] > 65535 ? 8
		                             : sizes[k] > 125 ? 2
		                                              : 0));
		rdd_cur_init(&c, out, b.len);
		assert_int_equal(rdd_ws_parse_frame(&c, true, 65536, &f), 1);
		assert_int_equal(f.payload.len, sizes[k]);
		assert_int_equal(rdd_cur_left(&c), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc_frames),
	    cmocka_unit_test(test_long_lengths),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_close),
	    cmocka_unit_test(test_build),
	    cmocka_unit_test(test_build_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
