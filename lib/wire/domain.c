/*
 * domain.c - the MCS domain PDUs after the Connect-Response (domain.h):
 * [MS-RDPBCGR] 2.2.1.5 (Erect Domain), 2.2.1.6 / 2.2.1.7 (Attach User
 * Request / Confirm), 2.2.1.8 / 2.2.1.9 (Channel Join Request / Confirm),
 * 2.2.2.3 and T.125 section 7 part 10 (Disconnect Provider Ultimatum), the
 * Send Data Request / Indication that carry every later slow-path PDU, and
 * the fast-path framing of 2.2.9.1.2. T.125 writes these in ALIGNED PER
 * (X.691): the first byte holds the 6-bit DomainMCSPDU CHOICE index and the
 * first bits of the PDU, 16-bit ids are octet-aligned and big-endian, and
 * user ids travel as an offset from 1001 (DynamicChannelId). Every slow-
 * path PDU sits in a TPKT (tpkt.c) and an X.224 Data TPDU 02 F0 80.
 */
#include <string.h>

#include "domain.h"
#include "per.h"
#include "tpkt.h"
#include "x224.h"

#define DT_HEADER_LEN 3       /* LI 2, DT, EOT */
#define X224_DR_LI_MIN 6      /* code, DST-REF, SRC-REF, reason */
#define OPTIONAL_PRESENT 0x02 /* the one optional field's bit in byte 0 */
/* dataPriority high (01) and segmentation begin|end (11), then padding. */
#define SEND_DATA_FLAGS 0x70
#define MAX_DPUM_REASON 7 /* a 3-bit field */

/* ---- builders ----------------------------------------------------------- */

/* TPKT header and X.224 Data TPDU in front of MCS_LEN bytes of MCS PDU. */
static void
put_dt_header(struct rdd_buf *b, size_t mcs_len)
{
	rdd_tpkt_write_header(b, DT_HEADER_LEN + mcs_len);
	rdd_buf_u8(b, 2);
	rdd_buf_u8(b, RDD_X224_TPDU_DT);
	rdd_buf_u8(b, 0x80);
}

/* The common ending: on any error nothing written stays counted in B. */
static int
finish(struct rdd_buf *b, size_t start)
{
	if (!b->err)
		return 0;
	b->len = start;
	return -1;
}

static int
fail(struct rdd_buf *b)
{
	b->err = true;
	return -1;
}

/*
 *   04 | 01 00 | 01 00
 *   choice 1 (2 padding bits) | subHeight INTEGER len 1, 0 |
 *   subInterval INTEGER len 1, 0
 */
int
rdd_mcs_build_erect_domain(struct rdd_buf *b)
{
	size_t start = b->len;

	put_dt_header(b, 5);
	rdd_buf_u8(b, RDD_MCS_ERECT_DOMAIN_REQUEST << 2);
	rdd_per_write_integer(b, 0);
	rdd_per_write_integer(b, 0);
	return finish(b, start);
}

/* 28: choice 10, no fields. */
int
rdd_mcs_build_attach_user_request(struct rdd_buf *b)
{
	size_t start = b->len;

	put_dt_header(b, 1);
	rdd_buf_u8(b, RDD_MCS_ATTACH_USER_REQUEST << 2);
	return finish(b, start);
}

/* 38 | initiator (user id - 1001) | channelId, both u16 big-endian. */
int
rdd_mcs_build_channel_join_request(struct rdd_buf *b, uint16_t user_id,
                                   uint16_t channel)
{
	size_t start = b->len;

	if (user_id < RDD_MCS_USER_ID_BASE)
		return fail(b);
	put_dt_header(b, 5);
	rdd_buf_u8(b, RDD_MCS_CHANNEL_JOIN_REQUEST << 2);
	rdd_per_write_integer16(b, user_id, RDD_MCS_USER_ID_BASE);
	rdd_buf_u16be(b, channel);
	return finish(b, start);
}

/*
 *   byte 0: 001000 | reason bits 2..1     byte 1: reason bit 0 | 7 padding
 */
int
rdd_mcs_build_dpum(struct rdd_buf *b, uint8_t reason)
{
	size_t start = b->len;

	if (reason > MAX_DPUM_REASON)
		return fail(b);
	put_dt_header(b, 2);
	rdd_buf_u8(b, (uint8_t)(RDD_MCS_DISCONNECT_PROVIDER_ULTIMATUM << 2 |
	                        reason >> 1));
	rdd_buf_u8(b, (uint8_t)((reason & 1) << 7));
	return finish(b, start);
}

/*
 *   64 | initiator (2) | channelId (2) | 70 | PER length (1 or 2) | data
 */
int
rdd_mcs_build_send_data(struct rdd_buf *b, uint16_t user_id, uint16_t channel,
                        const uint8_t *data, size_t len)
{
	size_t start = b->len;

	if (user_id < RDD_MCS_USER_ID_BASE || len > RDD_PER_MAX_LENGTH ||
	    (data == NULL && len > 0))
		return fail(b);
	/* At most 6 + 2 + 0x3fff bytes: always within a TPKT. */
	put_dt_header(b, 6 + (len < 0x80 ? 1 : 2) + len);
	rdd_buf_u8(b, RDD_MCS_SEND_DATA_REQUEST << 2);
	rdd_per_write_integer16(b, user_id, RDD_MCS_USER_ID_BASE);
	rdd_buf_u16be(b, channel);
	rdd_buf_u8(b, SEND_DATA_FLAGS);
	rdd_per_write_length(b, len);
	if (len > 0)
		rdd_buf_bytes(b, data, len);
	return finish(b, start);
}

/* ---- parsers ------------------------------------------------------------ */

/* X.224 Data TPDU header: LI 2, DT, EOT with TPDU-NR 0. */
static int
read_dt(struct rdd_cur *c)
{
	uint8_t li, code, eot;

	if (rdd_cur_u8(c, &li) != 0 || li != 2 || rdd_cur_u8(c, &code) != 0 ||
	    code != RDD_X224_TPDU_DT || rdd_cur_u8(c, &eot) != 0 || eot != 0x80)
		return -1;
	return 0;
}

/*
 * X.224 Disconnect Request (X.224 13.5, class 0):
 *
 *   LI | 0x80 | DST-REF (2) | SRC-REF (2) | reason | variable part
 *
 * LI counts the bytes after itself and must cover the fixed part. Bytes
 * after the TPDU are not looked at: a DR is a disconnection whatever
 * follows it.
 */
static int
read_dr(struct rdd_cur *c)
{
	struct rdd_cur tpdu;
	uint8_t li, code;

	if (rdd_cur_u8(c, &li) != 0 || li < X224_DR_LI_MIN ||
	    rdd_cur_sub(c, li, &tpdu) != 0 || rdd_cur_u8(&tpdu, &code) != 0 ||
	    (code & 0xf0) != RDD_X224_TPDU_DR)
		return -1;
	return 0;
}

/* A UserId: the wire offset from 1001, as a channel id. */
static int
read_user_id(struct rdd_cur *c, uint16_t *id)
{
	return rdd_per_read_integer16(c, RDD_MCS_USER_ID_BASE, id);
}

/*
 * The T.125 Result of a confirm (an ENUMERATED of 16 values, 4 bits): its
 * top bit is bit 0 of byte 0, the other three the top of byte 1, which
 * ends in 5 padding bits.
 */
static int
read_result(struct rdd_cur *c, uint8_t b0, uint8_t *result)
{
	uint8_t b1;

	if (rdd_cur_u8(c, &b1) != 0)
		return -1;
	*result = (uint8_t)((b0 & 0x01) << 3 | b1 >> 5);
	return 0;
}

/*
 * Attach User Confirm ([MS-RDPBCGR] 2.2.1.7):
 *
 *   001011 p r | rrr 00000 | [initiator (2)]
 *   p: initiator present, r: result
 */
static int
parse_attach_user_confirm(struct rdd_cur *c, uint8_t b0,
                          struct rdd_mcs_domain_pdu *r)
{
	r->kind = RDD_MCS_PDU_ATTACH_USER_CONFIRM;
	if (read_result(c, b0, &r->result) != 0)
		return -1;
	if (b0 & OPTIONAL_PRESENT) {
		if (read_user_id(c, &r->initiator) != 0)
			return -1;
		r->has_initiator = true;
	}
	return 0;
}

/*
 * Channel Join Confirm ([MS-RDPBCGR] 2.2.1.9):
 *
 *   001111 p r | rrr 00000 | initiator (2) | requested (2) | [channelId (2)]
 *   p: channelId present, r: result
 */
static int
parse_channel_join_confirm(struct rdd_cur *c, uint8_t b0,
                           struct rdd_mcs_domain_pdu *r)
{
	r->kind = RDD_MCS_PDU_CHANNEL_JOIN_CONFIRM;
	if (read_result(c, b0, &r->result) != 0 ||
	    read_user_id(c, &r->initiator) != 0 ||
	    rdd_cur_u16be(c, &r->requested) != 0)
		return -1;
	r->has_initiator = true;
	if (b0 & OPTIONAL_PRESENT) {
		if (rdd_cur_u16be(c, &r->channel) != 0)
			return -1;
		r->has_channel = true;
	}
	return 0;
}

/*
 * Send Data Request / Indication (T.125 SendDataRequest, the same layout):
 *
 *   choice | initiator (2) | channelId (2) | ppss 0000 | PER length | data
 *   pp: dataPriority, ss: segmentation (begin, end)
 *
 * The user data is the rest of the PDU: its length must match exactly.
 */
static int
parse_send_data(struct rdd_cur *c, struct rdd_mcs_domain_pdu *r)
{
	uint8_t flags;
	uint16_t len;

	if (read_user_id(c, &r->initiator) != 0 ||
	    rdd_cur_u16be(c, &r->channel) != 0 || rdd_cur_u8(c, &flags) != 0 ||
	    rdd_per_read_length(c, &len) != 0 || len != rdd_cur_left(c) ||
	    rdd_cur_sub(c, len, &r->data) != 0)
		return -1;
	r->has_initiator = true;
	r->has_channel = true;
	return 0;
}

/* The parsed PDU ends IN: it is the whole TPKT payload. */
static void
consume(struct rdd_cur *in, const struct rdd_cur *t)
{
	*in = *t;
	(void)rdd_cur_skip(in, rdd_cur_left(in));
}

int
rdd_mcs_parse_domain_pdu(struct rdd_cur *in, struct rdd_mcs_domain_pdu *pdu)
{
	struct rdd_mcs_domain_pdu r;
	struct rdd_cur t = *in;
	uint8_t b0, b1 = 0;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	if (read_dr(&t) == 0) {
		r.kind = RDD_MCS_PDU_X224_DISCONNECT;
		goto done;
	}
	t = *in;
	if (read_dt(&t) != 0 || rdd_cur_u8(&t, &b0) != 0)
		return -1;
	r.choice = b0 >> 2;
	switch (r.choice) {
	case RDD_MCS_ATTACH_USER_CONFIRM:
		rc = parse_attach_user_confirm(&t, b0, &r);
		break;
	case RDD_MCS_CHANNEL_JOIN_CONFIRM:
		rc = parse_channel_join_confirm(&t, b0, &r);
		break;
	case RDD_MCS_SEND_DATA_INDICATION:
		r.kind = RDD_MCS_PDU_SEND_DATA_INDICATION;
		rc = parse_send_data(&t, &r);
		break;
	case RDD_MCS_DISCONNECT_PROVIDER_ULTIMATUM:
		/* 001000 rr | r 0000000 */
		r.kind = RDD_MCS_PDU_DPUM;
		rc = rdd_cur_u8(&t, &b1);
		r.reason = (uint8_t)((b0 & 0x03) << 1 | b1 >> 7);
		break;
	default:
		/* Well-formed as far as can be told without its grammar. */
		r.kind = RDD_MCS_PDU_OTHER;
		break;
	}
	if (rc != 0)
		return -1;
done:
	consume(in, &t);
	*pdu = r;
	return 0;
}

int
rdd_mcs_parse_client_domain_pdu(struct rdd_cur *in,
                                struct rdd_mcs_domain_pdu *pdu)
{
	struct rdd_mcs_domain_pdu r;
	struct rdd_cur t = *in;
	uint32_t sub_height, sub_interval;
	uint8_t b0;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kind = RDD_MCS_PDU_OTHER;
	if (read_dt(&t) != 0 || rdd_cur_u8(&t, &b0) != 0)
		return -1;
	r.choice = b0 >> 2;
	switch (r.choice) {
	case RDD_MCS_ERECT_DOMAIN_REQUEST:
		/* subHeight, subInterval: INTEGER (0..MAX), each length-
		 * prefixed. */
		rc = rdd_per_read_integer(&t, &sub_height) != 0 ||
		             rdd_per_read_integer(&t, &sub_interval) != 0
		         ? -1
		         : 0;
		break;
	case RDD_MCS_ATTACH_USER_REQUEST:
		rc = 0;
		break;
	case RDD_MCS_CHANNEL_JOIN_REQUEST:
		/* 38 | initiator (2) | channelId (2) */
		rc = read_user_id(&t, &r.initiator) != 0 ||
		             rdd_cur_u16be(&t, &r.channel) != 0
		         ? -1
		         : 0;
		r.has_initiator = r.has_channel = rc == 0;
		break;
	case RDD_MCS_SEND_DATA_REQUEST:
		rc = parse_send_data(&t, &r);
		break;
	default:
		rc = -1;
		break;
	}
	if (rc != 0)
		return -1;
	consume(in, &t);
	*pdu = r;
	return 0;
}

/* ---- fast-path framing -------------------------------------------------- */

/*
 * Fast-path output header ([MS-RDPBCGR] 2.2.9.1.2):
 *
 *   byte 0: ff rrrr aa   aa action (0 = fast-path; a TPKT starts 0x03)
 *   byte 1: 0 lllllll                  length 0..127, or
 *   byte 1-2: 1 lllllll llllllll       length 0..32767 (15 bits)
 *
 * The length counts the whole PDU, header included. Each byte is judged
 * as it arrives, as in tpkt.c.
 */
enum rdd_fastpath_result
rdd_fastpath_frame(const uint8_t *p, size_t len, size_t *pdu_len)
{
	struct rdd_cur c;
	uint8_t header, l1, l2;
	size_t total, header_len;

	if (pdu_len != NULL)
		*pdu_len = 0;
	rdd_cur_init(&c, p, len);
	if (rdd_cur_u8(&c, &header) != 0)
		return RDD_FASTPATH_NEED_MORE;
	if ((header & 0x03) != 0)
		return RDD_FASTPATH_BAD;
	if (rdd_cur_u8(&c, &l1) != 0)
		return RDD_FASTPATH_NEED_MORE;
	if (l1 & 0x80) {
		if (rdd_cur_u8(&c, &l2) != 0)
			return RDD_FASTPATH_NEED_MORE;
		total = (size_t)(l1 & 0x7f) << 8 | l2;
		header_len = 3;
	} else {
		total = l1;
		header_len = 2;
	}
	if (total < header_len)
		return RDD_FASTPATH_BAD;
	if (total - header_len > rdd_cur_left(&c))
		return RDD_FASTPATH_NEED_MORE;
	if (pdu_len != NULL)
		*pdu_len = total;
	return RDD_FASTPATH_OK;
}
