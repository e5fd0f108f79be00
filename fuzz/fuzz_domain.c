/*
 * fuzz_domain.c - libFuzzer target for lib/wire/domain.c: the MCS domain
 * PDU parsers and the fast-path framing.
 *
 * The input is read as a server's byte stream, cut into TPKT PDUs (first
 * byte 0x03) and fast-path PDUs (anything else) as a client receiving a
 * session would, each TPKT payload going to the server and the client
 * parser; as one bare TPKT payload; and as the fields of PDUs to build and
 * parse back. Invariants a crash would not reveal are checked with
 * abort(): a parser consumes the whole payload on success and nothing on
 * failure, ids and results stay in their ranges, user data lies inside
 * the input, framing never claims more than it was given and every
 * shorter prefix of a whole PDU asks for more.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/cursor.h"
#include "wire/domain.h"
#include "wire/per.h"
#include "wire/tpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static void
check_pdu(const struct rdd_mcs_domain_pdu *pdu, const struct rdd_cur *payload)
{
	CHECK(pdu->choice < 64);
	CHECK(pdu->result < 16);
	CHECK(pdu->reason < 8);
	if (pdu->has_initiator)
		CHECK(pdu->initiator >= RDD_MCS_USER_ID_BASE);
	if (pdu->kind == RDD_MCS_PDU_X224_DISCONNECT)
		CHECK(pdu->choice == 0);
	if (pdu->kind == RDD_MCS_PDU_SEND_DATA_INDICATION ||
	    (pdu->kind == RDD_MCS_PDU_OTHER &&
	     pdu->choice == RDD_MCS_SEND_DATA_REQUEST && pdu->has_channel)) {
		CHECK(pdu->has_initiator && pdu->has_channel);
		CHECK(pdu->data.len <= RDD_PER_MAX_LENGTH);
		/* The user data ends the payload. */
		CHECK(pdu->data.p + pdu->data.len == payload->p + payload->len);
	}
}

static void
parse_payload(const struct rdd_cur *payload)
{
	struct rdd_mcs_domain_pdu pdu;
	struct rdd_cur in;

	in = *payload;
	if (rdd_mcs_parse_domain_pdu(&in, &pdu) == 0) {
		CHECK(rdd_cur_left(&in) == 0);
		check_pdu(&pdu, payload);
	} else {
		CHECK(in.p == payload->p && in.len == payload->len);
	}
	in = *payload;
	if (rdd_mcs_parse_client_domain_pdu(&in, &pdu) == 0) {
		CHECK(rdd_cur_left(&in) == 0);
		CHECK(pdu.kind == RDD_MCS_PDU_OTHER);
		check_pdu(&pdu, payload);
	} else {
		CHECK(in.p == payload->p && in.len == payload->len);
	}
}

/* A whole fast-path PDU of PDU_LEN bytes at P: each shorter prefix is
 * a valid beginning. */
static void
check_fastpath_prefixes(const uint8_t *p, size_t pdu_len)
{
	size_t n, got;

	CHECK(pdu_len >= 2);
	for (n = 0; n < pdu_len; n++) {
		got = 1;
		CHECK(rdd_fastpath_frame(p, n, &got) == RDD_FASTPATH_NEED_MORE);
		CHECK(got == 0);
	}
}

/* The input as the server's side of a running connection. */
static void
walk_stream(const uint8_t *data, size_t size)
{
	struct rdd_cur stream, payload, skip;
	size_t pdu_len;
	uint8_t first;
	int steps;

	rdd_cur_init(&stream, data, size);
	for (steps = 0; steps < 256; steps++) {
		if (rdd_cur_peek_u8(&stream, &first) != 0)
			return;
		if (first == 0x03) {
			if (rdd_tpkt_frame(stream.p, stream.len, &pdu_len,
			                   &payload) != RDD_TPKT_OK)
				return;
			CHECK(rdd_fastpath_frame(stream.p, stream.len, NULL) ==
			      RDD_FASTPATH_BAD);
			parse_payload(&payload);
		} else {
			if (rdd_fastpath_frame(stream.p, stream.len,
			                       &pdu_len) != RDD_FASTPATH_OK)
				return;
			CHECK(pdu_len <= stream.len);
			if (steps < 4)
				check_fastpath_prefixes(stream.p, pdu_len);
		}
		CHECK(rdd_cur_sub(&stream, pdu_len, &skip) == 0);
	}
}

/*
 * PDUs built from fields in the input, parsed back: a Send Data Request
 * (user id, channel, a length up to 0x4000, its data), a Channel Join
 * Request and a DPUM.
 */
static void
roundtrip(const uint8_t *data, size_t size)
{
	static uint8_t out[RDD_PER_MAX_LENGTH + 64];
	struct rdd_mcs_domain_pdu pdu;
	struct rdd_cur c, in, payload;
	uint16_t user_id, channel, len16;
	const uint8_t *src;
	uint8_t reason;
	struct rdd_buf b;
	size_t len, pdu_len;

	rdd_cur_init(&c, data, size);
	if (rdd_cur_u16be(&c, &user_id) != 0 ||
	    rdd_cur_u16be(&c, &channel) != 0 ||
	    rdd_cur_u16be(&c, &len16) != 0 || rdd_cur_u8(&c, &reason) != 0)
		return;
	len = len16 % (RDD_PER_MAX_LENGTH + 2); /* 0x4000 now and then */
	if (len <= RDD_PER_MAX_LENGTH && len > rdd_cur_left(&c))
		len = rdd_cur_left(&c);
	src = len <= rdd_cur_left(&c) ? c.p : NULL;

	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_mcs_build_send_data(&b, user_id, channel, src, len) == 0) {
		CHECK(user_id >= RDD_MCS_USER_ID_BASE);
		CHECK(len <= RDD_PER_MAX_LENGTH);
		CHECK(rdd_tpkt_frame(out, b.len, &pdu_len, &payload) ==
		      RDD_TPKT_OK);
		CHECK(pdu_len == b.len);
		in = payload;
		CHECK(rdd_mcs_parse_client_domain_pdu(&in, &pdu) == 0);
		CHECK(pdu.choice == RDD_MCS_SEND_DATA_REQUEST);
		CHECK(pdu.initiator == user_id && pdu.channel == channel);
		CHECK(pdu.data.len == len);
		CHECK(len == 0 || memcmp(pdu.data.p, src, len) == 0);
	} else {
		CHECK(b.err && b.len == 0);
	}

	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_mcs_build_channel_join_request(&b, user_id, channel) == 0) {
		CHECK(rdd_tpkt_frame(out, b.len, &pdu_len, &payload) ==
		      RDD_TPKT_OK);
		in = payload;
		CHECK(rdd_mcs_parse_client_domain_pdu(&in, &pdu) == 0);
		CHECK(pdu.choice == RDD_MCS_CHANNEL_JOIN_REQUEST);
		CHECK(pdu.initiator == user_id && pdu.channel == channel);
	} else {
		CHECK(user_id < RDD_MCS_USER_ID_BASE);
	}

	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_mcs_build_dpum(&b, reason) == 0) {
		CHECK(rdd_tpkt_frame(out, b.len, &pdu_len, &payload) ==
		      RDD_TPKT_OK);
		in = payload;
		CHECK(rdd_mcs_parse_domain_pdu(&in, &pdu) == 0);
		CHECK(pdu.kind == RDD_MCS_PDU_DPUM && pdu.reason == reason);
	} else {
		CHECK(reason > 7);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_cur whole;
	size_t pdu_len;

	walk_stream(data, size);
	rdd_cur_init(&whole, data, size);
	parse_payload(&whole);
	if (rdd_fastpath_frame(data, size, &pdu_len) == RDD_FASTPATH_OK)
		CHECK(pdu_len >= 2 && pdu_len <= size);
	roundtrip(data, size);
	return 0;
}
