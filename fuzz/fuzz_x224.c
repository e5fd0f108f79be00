/*
 * fuzz_x224.c - libFuzzer target for the connection-opening wire layer:
 * lib/wire/tpkt.c, x224.c and tlsrec.c.
 *
 * The input is read three ways: as a TCP stream cut into TPKT PDUs whose
 * payloads go to both X.224 parsers, as one bare TPKT payload, and as a
 * stream of TLS records. Invariants that a crash would not reveal are
 * checked with abort(): framing never reports more than it was given, a
 * parser consumes only on success, and a CR built from fuzz-chosen fields
 * parses back to the same fields.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/cursor.h"
#include "wire/tlsrec.h"
#include "wire/tpkt.h"
#include "wire/x224.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static void
parse_payload(const struct rdd_cur *payload)
{
	struct rdd_x224_cc cc;
	struct rdd_x224_cr_parsed cr;
	struct rdd_cur in;
	char s[64];

	in = *payload;
	if (rdd_x224_parse_cc(&in, &cc) == 0) {
		CHECK(rdd_cur_left(&in) < rdd_cur_left(payload));
		(void)rdd_neg_failure_name(cc.failure_code);
		(void)rdd_protocol_name(cc.selected_protocol);
		rdd_protocols_str(s, sizeof(s), cc.selected_protocol);
		CHECK(memchr(s, '\0', sizeof(s)) != NULL);
	} else {
		CHECK(in.p == payload->p && in.len == payload->len);
	}
	in = *payload;
	if (rdd_x224_parse_cr(&in, &cr) == 0) {
		CHECK(rdd_cur_left(&in) < rdd_cur_left(payload));
		CHECK(memchr(cr.cookie, '\0', sizeof(cr.cookie)) != NULL);
		rdd_protocols_str(s, 8, cr.requested_protocols);
		CHECK(memchr(s, '\0', 8) != NULL);
	} else {
		CHECK(in.p == payload->p && in.len == payload->len);
	}
}

/* The input as a stream of TPKT PDUs, as the probe receives it. */
static void
walk_tpkt(const uint8_t *data, size_t size)
{
	struct rdd_cur stream, payload, skip;
	size_t pdu_len;

	rdd_cur_init(&stream, data, size);
	for (;;) {
		switch (
		    rdd_tpkt_frame(stream.p, stream.len, &pdu_len, &payload)) {
		case RDD_TPKT_OK:
			CHECK(pdu_len >= 7 && pdu_len <= stream.len);
			CHECK(pdu_len <= RDD_TPKT_MAX);
			CHECK(payload.len == pdu_len - RDD_TPKT_HEADER);
			parse_payload(&payload);
			CHECK(rdd_cur_sub(&stream, pdu_len, &skip) == 0);
			break;
		case RDD_TPKT_NEED_MORE:
			/* A prefix: a longer input may complete it. */
			return;
		default:
			return;
		}
	}
}

/* The input as a stream of TLS records. */
static void
walk_tls(const uint8_t *data, size_t size)
{
	struct rdd_cur stream;
	struct rdd_tlsrec rec;
	enum rdd_tlsrec_kind kind;

	rdd_cur_init(&stream, data, size);
	for (;;) {
		kind = rdd_tlsrec_peek(stream.p, stream.len, &rec);
		if (kind == RDD_TLSREC_NEED_MORE) {
			CHECK(stream.len < 5);
			return;
		}
		if (kind == RDD_TLSREC_NOT_TLS)
			return;
		CHECK(rec.type >= 20 && rec.type <= 23);
		CHECK((rec.version >> 8) == 3);
		if (kind == RDD_TLSREC_ALERT && rec.alert_desc >= 0)
			(void)rdd_tls_alert_name(rec.alert_desc);
		else
			CHECK(rec.alert_level == -1 && rec.alert_desc == -1);
		if (rdd_cur_skip(&stream, 5) != 0 ||
		    rdd_cur_skip(&stream, rec.length) != 0)
			return;
	}
}

/*
 * Build a CR from fields taken from the input (flags, protocols, then a
 * cookie of the remaining bytes up to 70), and parse it back.
 */
static void
roundtrip_cr(const uint8_t *data, size_t size)
{
	struct rdd_cur c;
	struct rdd_x224_cr cr;
	struct rdd_x224_cr_parsed back;
	struct rdd_cur payload;
	uint8_t sel, flags, out[256];
	uint32_t protos;
	char cookie[71];
	size_t n, pdu_len;
	struct rdd_buf b;
	int r;

	rdd_cur_init(&c, data, size);
	if (rdd_cur_u8(&c, &sel) != 0 || rdd_cur_u8(&c, &flags) != 0 ||
	    rdd_cur_u32le(&c, &protos) != 0)
		return;
	n = rdd_cur_left(&c) < 70 ? rdd_cur_left(&c) : 70;
	CHECK(rdd_cur_copy(&c, cookie, n) == 0);
	cookie[n] = '\0';
	memset(&cr, 0, sizeof(cr));
	cr.cookie = (sel & 1) ? cookie : NULL;
	cr.neg_req = (sel & 2) != 0;
	cr.neg_flags = flags;
	cr.requested_protocols = protos;
	/* A small buffer sometimes, to exercise "does not fit". */
	rdd_buf_init(&b, out, (sel & 4) ? (size_t)(sel >> 3) : sizeof(out));
	r = rdd_x224_build_cr(&b, &cr);
	if (r != 0)
		return;
	CHECK(!b.err);
	CHECK(rdd_tpkt_frame(out, b.len, &pdu_len, &payload) == RDD_TPKT_OK);
	CHECK(pdu_len == b.len);
	CHECK(rdd_x224_parse_cr(&payload, &back) == 0);
	CHECK(rdd_cur_left(&payload) == 0);
	CHECK(back.neg_req == cr.neg_req);
	if (cr.neg_req) {
		CHECK(back.neg_flags == cr.neg_flags);
		CHECK(back.requested_protocols == cr.requested_protocols);
	}
	if (cr.cookie == NULL) {
		CHECK(back.cookie[0] == '\0');
	} else {
		CHECK(!back.has_routing);
		CHECK(strncmp(back.cookie, "Cookie: mstshash=", 17) == 0);
		CHECK(strncmp(back.cookie + 17, cookie,
		              sizeof(back.cookie) - 1 - 17) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_cur whole;

	walk_tpkt(data, size);
	rdd_cur_init(&whole, data, size);
	parse_payload(&whole);
	walk_tls(data, size);
	roundtrip_cr(data, size);
	return 0;
}
