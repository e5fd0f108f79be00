/*
 * tpkt.c - TPKT framing: RFC 1006 section 6 (packet format), as used by
 * [MS-RDPBCGR] 2.2.1.1 (tpktHeader) and ITU-T T.123 section 8. The header
 * is version 3, a reserved zero byte and a 16-bit big-endian length that
 * counts the 4 header bytes, so a PDU is at most 65535 bytes. The smallest
 * PDU RDP sends is an X.224 Data TPDU header alone (LI, code, EOT: 3 bytes),
 * hence a length below 7 is invalid. This is the one TCP-side parser that
 * answers "need more bytes"; every layer above gets one whole PDU.
 */
#include "tpkt.h"

/*
 *   0        1        2        3        4
 *   +--------+--------+--------+--------+------ ... ------+
 *   |  0x03  |  0x00  |  length (BE)    | payload         |
 *   +--------+--------+--------+--------+------ ... ------+
 *   <---------------------- length bytes ----------------->
 *
 * Each header byte is judged as soon as it arrives, so that a stream that is
 * not TPKT is recognised from its first byte rather than after four.
 */
enum rdd_tpkt_result
rdd_tpkt_frame(const uint8_t *p, size_t len, size_t *pdu_len,
               struct rdd_cur *payload)
{
	struct rdd_cur c, body;
	uint8_t version, reserved;
	uint16_t length;

	if (pdu_len != NULL)
		*pdu_len = 0;
	rdd_cur_init(&c, p, len);
	if (rdd_cur_u8(&c, &version) != 0)
		return RDD_TPKT_NEED_MORE;
	if (version != 0x03)
		return RDD_TPKT_NOT_TPKT;
	if (rdd_cur_u8(&c, &reserved) != 0)
		return RDD_TPKT_NEED_MORE;
	if (reserved != 0x00)
		return RDD_TPKT_NOT_TPKT;
	if (rdd_cur_u16be(&c, &length) != 0)
		return RDD_TPKT_NEED_MORE;
	if (length < 7)
		return RDD_TPKT_BAD_LENGTH;
	/* length >= 7 > RDD_TPKT_HEADER, so the subtraction cannot wrap. */
	if (rdd_cur_sub(&c, (size_t)length - RDD_TPKT_HEADER, &body) != 0)
		return RDD_TPKT_NEED_MORE;
	if (pdu_len != NULL)
		*pdu_len = length;
	if (payload != NULL)
		*payload = body;
	return RDD_TPKT_OK;
}

/*
 *   +--------+--------+--------+--------+
 *   |  0x03  |  0x00  | 4 + payload_len |
 *   +--------+--------+--------+--------+
 *
 * A payload that cannot be framed (more than 65531 bytes) sets the buffer's
 * error flag and writes nothing.
 */
void
rdd_tpkt_write_header(struct rdd_buf *b, size_t payload_len)
{
	if (payload_len > RDD_TPKT_MAX - RDD_TPKT_HEADER) {
		b->err = true;
		return;
	}
	if (b->err || RDD_TPKT_HEADER > b->cap - b->len) {
		b->err = true;
		return;
	}
	rdd_buf_u8(b, 0x03);
	rdd_buf_u8(b, 0x00);
	rdd_buf_u16be(b, (uint16_t)(payload_len + RDD_TPKT_HEADER));
}
