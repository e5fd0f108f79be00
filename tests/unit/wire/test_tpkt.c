/*
 * test_tpkt.c - lib/wire/tpkt.c: TPKT framing of whole, partial, foreign
 * and malformed input; chunked streams; the header writer. Byte vectors from
 * [MS-RDPBCGR] 4.1.1 / 4.1.2 and from real captures (tests/captures/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/tpkt.h"

#include "capture_vectors.h"

/* x224_spec_cr: tests/unit/wire/capture_vectors.c */

/* [MS-RDPBCGR] 4.1.2: Server X.224 Connection Confirm, RDP_NEG_RSP. */
static const uint8_t spec_cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* MCS Erect Domain Request, then MCS Attach User Request: two PDUs back to
 * back in the client's TCP stream (frame 17 starts at frame 16's end). */
/* rdp-proprietary-encryption.pcap, frame 16, client -> server, 12 bytes
 * (172.21.128.16:1312 -> 10.226.24.52:3389). */
static const uint8_t pe_erect[] = {
    0x03, 0x00, 0x00, 0x0c, 0x02, 0xf0, 0x80, 0x04, 0x01, 0x00, 0x01, 0x00,
};
/* rdp-proprietary-encryption.pcap, frame 17, client -> server, 8 bytes
 * (172.21.128.16:1312 -> 10.226.24.52:3389). */
static const uint8_t pe_attach[] = {
    0x03, 0x00, 0x00, 0x08, 0x02, 0xf0, 0x80, 0x28,
};

/* ssl_cr: tests/unit/wire/capture_vectors.c */

/* Legacy X.224 Connection Confirm without rdpNegData (11 bytes). */
/* RDP-003.pcap, frame 6, server -> client, 11 bytes
 * (10.226.29.74:3389 -> 10.226.41.226:13178). */
static const uint8_t r3_cc[] = {
    0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
};

/* il_p4: tests/unit/wire/capture_vectors.c */
/* Robustness trace: a CC with a bad RDP_NEG length, then 12 stray bytes. */
/* rdp-invalid-length.pcap, frame 5, server -> client, 31 bytes
 * (10.0.0.2:3389 -> 10.0.0.1:45257). */
static const uint8_t il_p5[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
    0x02, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x12, 0x32,
    0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* il_p7: tests/unit/wire/capture_vectors.c */

struct vec {
	const char *name;
	const uint8_t *p;
	size_t len;
};

#define VEC(a)                                                                 \
	{                                                                      \
#a, a, sizeof(a)                                               \
	}

static const struct vec valid[] = {
    VEC(x224_spec_cr), VEC(spec_cc), VEC(pe_erect),
    VEC(pe_attach),    VEC(ssl_cr),  VEC(r3_cc),
};
#define NVALID (sizeof(valid) / sizeof(valid[0]))

/* A whole PDU: OK, pdu_len = the length field, payload after the header. */
static void
test_whole_pdus(void **state)
{
	size_t i, pdu_len;
	struct rdd_cur payload;

	(void)state;
	for (i = 0; i < NVALID; i++) {
		pdu_len = 0;
		memset(&payload, 0, sizeof(payload));
		assert_int_equal(rdd_tpkt_frame(valid[i].p, valid[i].len,
		                                &pdu_len, &payload),
		                 RDD_TPKT_OK);
		assert_int_equal(pdu_len, valid[i].len);
		assert_ptr_equal(payload.p, valid[i].p + RDD_TPKT_HEADER);
		assert_int_equal(rdd_cur_left(&payload),
		                 valid[i].len - RDD_TPKT_HEADER);
	}
	/* Spot values: the spec CR is 44 bytes, the legacy CC 11. */
	assert_int_equal(rdd_tpkt_frame(x224_spec_cr, sizeof(x224_spec_cr),
	                                &pdu_len, &payload),
	                 RDD_TPKT_OK);
	assert_int_equal(pdu_len, 44);
	assert_int_equal(
	    rdd_tpkt_frame(r3_cc, sizeof(r3_cc), &pdu_len, &payload),
	    RDD_TPKT_OK);
	assert_int_equal(pdu_len, 11);
	/* The out parameters are optional. */
	assert_int_equal(rdd_tpkt_frame(spec_cc, sizeof(spec_cc), NULL, NULL),
	                 RDD_TPKT_OK);
}

/* Every proper prefix of every valid PDU, including 1..3 header bytes and
 * the empty input, asks for more; pdu_len is 0 and payload untouched. */
static void
test_every_prefix_needs_more(void **state)
{
	size_t i, n, pdu_len;
	struct rdd_cur payload;

	(void)state;
	for (i = 0; i < NVALID; i++) {
		for (n = 0; n < valid[i].len; n++) {
			pdu_len = 99;
			payload.p = NULL;
			payload.len = 77;
			assert_int_equal(
			    rdd_tpkt_frame(valid[i].p, n, &pdu_len, &payload),
			    RDD_TPKT_NEED_MORE);
			assert_int_equal(pdu_len, 0);
			assert_int_equal(payload.len, 77);
		}
	}
	assert_int_equal(rdd_tpkt_frame(NULL, 0, &pdu_len, &payload),
	                 RDD_TPKT_NEED_MORE);
}

/* Extra bytes after a PDU belong to the next one. */
static void
test_trailing_bytes_not_consumed(void **state)
{
	uint8_t two[sizeof(spec_cc) + 3];
	size_t pdu_len = 0;
	struct rdd_cur payload;

	(void)state;
	memcpy(two, spec_cc, sizeof(spec_cc));
	memcpy(two + sizeof(spec_cc), "\x03\x00\x00", 3);
	assert_int_equal(rdd_tpkt_frame(two, sizeof(two), &pdu_len, &payload),
	                 RDD_TPKT_OK);
	assert_int_equal(pdu_len, sizeof(spec_cc));
	assert_int_equal(rdd_cur_left(&payload), sizeof(spec_cc) - 4);
}

/* Not TPKT: decided from the first byte that shows it. */
static void
test_not_tpkt(void **state)
{
	static const uint8_t fastpath[] = {0x44, 0x00, 0x10};
	static const uint8_t zero[] = {0x00};
	static const uint8_t rsv[] = {0x03, 0x01};
	static const uint8_t rsv_full[] = {0x03, 0x80, 0x00, 0x13};
	size_t pdu_len = 5;
	unsigned v;

	(void)state;
	/* Every first byte but 0x03, with only that byte present. */
	for (v = 0; v < 256; v++) {
		uint8_t b = (uint8_t)v;
		enum rdd_tpkt_result r = rdd_tpkt_frame(&b, 1, &pdu_len, NULL);

		if (v == 0x03)
			assert_int_equal(r, RDD_TPKT_NEED_MORE);
		else
			assert_int_equal(r, RDD_TPKT_NOT_TPKT);
	}
	assert_int_equal(
	    rdd_tpkt_frame(fastpath, sizeof(fastpath), &pdu_len, NULL),
	    RDD_TPKT_NOT_TPKT);
	assert_int_equal(rdd_tpkt_frame(zero, 1, &pdu_len, NULL),
	                 RDD_TPKT_NOT_TPKT);
	assert_int_equal(rdd_tpkt_frame(rsv, 2, &pdu_len, NULL),
	                 RDD_TPKT_NOT_TPKT);
	assert_int_equal(rdd_tpkt_frame(rsv_full, 4, &pdu_len, NULL),
	                 RDD_TPKT_NOT_TPKT);
	assert_int_equal(pdu_len, 0);
}

/* A TLS record where TPKT was expected (rdp-to-ssl.pcap, frame 9, server
 * to client: first bytes of the ServerHello record). */
static void
test_tls_record_is_not_tpkt(void **state)
{
	static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x03, 0x56, 0x02};
	size_t n;

	(void)state;
	for (n = 1; n <= sizeof(tls); n++)
		assert_int_equal(rdd_tpkt_frame(tls, n, NULL, NULL),
		                 RDD_TPKT_NOT_TPKT);
}

/* Length fields 0..6 are impossible; 7 is the smallest PDU. */
static void
test_bad_length(void **state)
{
	uint8_t pdu[16];
	unsigned l;
	size_t pdu_len;
	struct rdd_cur payload;

	(void)state;
	memset(pdu, 0, sizeof(pdu));
	pdu[0] = 0x03;
	for (l = 0; l < 7; l++) {
		pdu[2] = 0;
		pdu[3] = (uint8_t)l;
		/* With only the header and with plenty of bytes. */
		assert_int_equal(rdd_tpkt_frame(pdu, 4, &pdu_len, &payload),
		                 RDD_TPKT_BAD_LENGTH);
		assert_int_equal(
		    rdd_tpkt_frame(pdu, sizeof(pdu), &pdu_len, &payload),
		    RDD_TPKT_BAD_LENGTH);
	}
	pdu[3] = 7;
	assert_int_equal(rdd_tpkt_frame(pdu, 6, &pdu_len, &payload),
	                 RDD_TPKT_NEED_MORE);
	assert_int_equal(rdd_tpkt_frame(pdu, 7, &pdu_len, &payload),
	                 RDD_TPKT_OK);
	assert_int_equal(pdu_len, 7);
	assert_int_equal(rdd_cur_left(&payload), 3);
}

/* The largest PDU: length 0xffff. */
static void
test_max_length(void **state)
{
	uint8_t *pdu = calloc(1, RDD_TPKT_MAX + 1);
	size_t pdu_len = 0;
	struct rdd_cur payload;

	(void)state;
	assert_non_null(pdu);
	pdu[0] = 0x03;
	pdu[2] = 0xff;
	pdu[3] = 0xff;
	assert_int_equal(
	    rdd_tpkt_frame(pdu, RDD_TPKT_MAX - 1, &pdu_len, &payload),
	    RDD_TPKT_NEED_MORE);
	assert_int_equal(
	    rdd_tpkt_frame(pdu, RDD_TPKT_MAX + 1, &pdu_len, &payload),
	    RDD_TPKT_OK);
	assert_int_equal(pdu_len, 65535);
	assert_int_equal(rdd_cur_left(&payload), 65531);
	free(pdu);
}

/*
 * A receiver as the probe runs it: append each chunk, then take every whole
 * PDU off the front. Records what it extracted.
 */
struct rx {
	uint8_t buf[128];
	size_t len;
	uint8_t out[128]; /* the extracted PDUs, concatenated */
	size_t out_len;
	size_t npdu;
	size_t pdu_lens[4];
	int errors;
};

static void
rx_feed(struct rx *r, const uint8_t *p, size_t n)
{
	size_t pdu_len;
	struct rdd_cur payload;
	enum rdd_tpkt_result res;

	assert_true(n <= sizeof(r->buf) - r->len);
	memcpy(r->buf + r->len, p, n);
	r->len += n;
	for (;;) {
		res = rdd_tpkt_frame(r->buf, r->len, &pdu_len, &payload);
		if (res == RDD_TPKT_NEED_MORE)
			return;
		if (res != RDD_TPKT_OK) {
			r->errors++;
			return;
		}
		assert_ptr_equal(payload.p, r->buf + RDD_TPKT_HEADER);
		assert_int_equal(rdd_cur_left(&payload),
		                 pdu_len - RDD_TPKT_HEADER);
		assert_true(r->npdu < 4);
		r->pdu_lens[r->npdu++] = pdu_len;
		memcpy(r->out + r->out_len, r->buf, pdu_len);
		r->out_len += pdu_len;
		memmove(r->buf, r->buf + pdu_len, r->len - pdu_len);
		r->len -= pdu_len;
	}
}

static void
rx_check(const struct rx *r, const uint8_t *stream, size_t len, size_t first,
         size_t second)
{
	assert_int_equal(r->errors, 0);
	assert_int_equal(r->npdu, 2);
	assert_int_equal(r->pdu_lens[0], first);
	assert_int_equal(r->pdu_lens[1], second);
	assert_int_equal(r->len, 0);
	assert_int_equal(r->out_len, len);
	assert_memory_equal(r->out, stream, len);
}

/* The real two-PDU stream (20 bytes) cut in every possible way: all 2^19
 * compositions into chunks give the same two PDUs. */
static void
test_every_chunking_of_real_stream(void **state)
{
	uint8_t stream[sizeof(pe_erect) + sizeof(pe_attach)];
	const size_t len = sizeof(stream);
	uint32_t mask;
	size_t i, start;

	(void)state;
	memcpy(stream, pe_erect, sizeof(pe_erect));
	memcpy(stream + sizeof(pe_erect), pe_attach, sizeof(pe_attach));
	for (mask = 0; mask < (UINT32_C(1) << (len - 1)); mask++) {
		struct rx r;

		memset(&r, 0, sizeof(r));
		start = 0;
		for (i = 1; i <= len; i++) {
			/* bit i-1 set: a chunk boundary after byte i */
			if (i == len || (mask & (UINT32_C(1) << (i - 1)))) {
				rx_feed(&r, stream + start, i - start);
				start = i;
			}
		}
		rx_check(&r, stream, len, sizeof(pe_erect), sizeof(pe_attach));
	}
}

/* The spec CR then the spec CC (63 bytes): every cut into three chunks
 * (two cut points, empty chunks included) and byte by byte. */
static void
test_chunking_of_spec_stream(void **state)
{
	uint8_t stream[sizeof(x224_spec_cr) + sizeof(spec_cc)];
	const size_t len = sizeof(stream);
	size_t a, b_, i;
	struct rx r;

	(void)state;
	memcpy(stream, x224_spec_cr, sizeof(x224_spec_cr));
	memcpy(stream + sizeof(x224_spec_cr), spec_cc, sizeof(spec_cc));
	for (a = 0; a <= len; a++) {
		for (b_ = a; b_ <= len; b_++) {
			memset(&r, 0, sizeof(r));
			rx_feed(&r, stream, a);
			rx_feed(&r, stream + a, b_ - a);
			rx_feed(&r, stream + b_, len - b_);
			rx_check(&r, stream, len, sizeof(x224_spec_cr),
			         sizeof(spec_cc));
		}
	}
	memset(&r, 0, sizeof(r));
	for (i = 0; i < len; i++)
		rx_feed(&r, stream + i, 1);
	rx_check(&r, stream, len, sizeof(x224_spec_cr), sizeof(spec_cc));
}

/*
 * rdp-invalid-length.pcap (Zeek's robustness trace): only one TPKT header
 * in it is valid, the server's first; everything else is rejected from its
 * first one or two bytes.
 */
static void
test_invalid_length_capture(void **state)
{
	size_t pdu_len = 0;
	struct rdd_cur payload;

	(void)state;
	assert_int_equal(
	    rdd_tpkt_frame(il_p4, sizeof(il_p4), &pdu_len, &payload),
	    RDD_TPKT_NOT_TPKT);
	/* Frame 5: a 19-byte PDU (its CC is bad, see test_x224.c) ... */
	assert_int_equal(
	    rdd_tpkt_frame(il_p5, sizeof(il_p5), &pdu_len, &payload),
	    RDD_TPKT_OK);
	assert_int_equal(pdu_len, 19);
	assert_int_equal(rdd_cur_left(&payload), 15);
	/* ... then 12 bytes that start with 0x00. */
	assert_int_equal(rdd_tpkt_frame(il_p5 + pdu_len,
	                                sizeof(il_p5) - pdu_len, &pdu_len,
	                                &payload),
	                 RDD_TPKT_NOT_TPKT);
	assert_int_equal(
	    rdd_tpkt_frame(il_p6, sizeof(il_p6), &pdu_len, &payload),
	    RDD_TPKT_NOT_TPKT);
	assert_int_equal(
	    rdd_tpkt_frame(il_p7, sizeof(il_p7), &pdu_len, &payload),
	    RDD_TPKT_NOT_TPKT);
}

static void
test_write_header(void **state)
{
	uint8_t st[8];
	struct rdd_buf b;

	(void)state;
	/* The spec CR's header: 40 payload bytes. */
	rdd_buf_init(&b, st, sizeof(st));
	rdd_tpkt_write_header(&b, 40);
	assert_false(b.err);
	assert_int_equal(b.len, 4);
	assert_memory_equal(st, x224_spec_cr, 4);
	/* The largest payload. */
	rdd_buf_init(&b, st, sizeof(st));
	rdd_tpkt_write_header(&b, 65531);
	assert_false(b.err);
	assert_memory_equal(st, "\x03\x00\xff\xff", 4);
	/* One more byte does not fit in 16 bits: error, nothing written. */
	rdd_buf_init(&b, st, sizeof(st));
	rdd_tpkt_write_header(&b, 65532);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
	rdd_buf_init(&b, st, sizeof(st));
	rdd_tpkt_write_header(&b, SIZE_MAX);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
	/* No room for the four bytes: nothing written. */
	memset(st, 0xee, sizeof(st));
	rdd_buf_init(&b, st, 3);
	rdd_tpkt_write_header(&b, 3);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
	assert_int_equal(st[0], 0xee);
}

/* What the writer writes, the framer reads back. */
static void
test_write_then_frame(void **state)
{
	uint8_t st[64];
	struct rdd_buf b;
	size_t pdu_len = 0;
	struct rdd_cur payload;

	(void)state;
	rdd_buf_init(&b, st, sizeof(st));
	rdd_tpkt_write_header(&b, 3);
	rdd_buf_bytes(&b, "\x02\xf0\x80", 3);
	assert_false(b.err);
	assert_int_equal(rdd_tpkt_frame(st, b.len, &pdu_len, &payload),
	                 RDD_TPKT_OK);
	assert_int_equal(pdu_len, 7);
	assert_memory_equal(payload.p, "\x02\xf0\x80", 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole_pdus),
	    cmocka_unit_test(test_every_prefix_needs_more),
	    cmocka_unit_test(test_trailing_bytes_not_consumed),
	    cmocka_unit_test(test_not_tpkt),
	    cmocka_unit_test(test_tls_record_is_not_tpkt),
	    cmocka_unit_test(test_bad_length),
	    cmocka_unit_test(test_max_length),
	    cmocka_unit_test(test_every_chunking_of_real_stream),
	    cmocka_unit_test(test_chunking_of_spec_stream),
	    cmocka_unit_test(test_invalid_length_capture),
	    cmocka_unit_test(test_write_header),
	    cmocka_unit_test(test_write_then_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
