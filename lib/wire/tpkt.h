/*
 * tpkt.h - RFC 1006 TPKT framing ([MS-RDPBCGR] 2.2.1.1, T.123).
 *
 *   0        1        2                 4
 *   +--------+--------+-----------------+------ ... ------+
 *   | 0x03   | 0x00   | length (BE, incl.| payload         |
 *   |version |reserved|  these 4 bytes) |                 |
 *
 * The one TCP-side parser that deals with partial input: the probe buffers
 * what arrived and asks whether a whole TPKT is there.
 */
#ifndef RDD_WIRE_TPKT_H
#define RDD_WIRE_TPKT_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_TPKT_HEADER 4
#define RDD_TPKT_MAX 65535

enum rdd_tpkt_result {
	RDD_TPKT_OK,        /* a whole PDU: *pdu_len bytes incl. the header */
	RDD_TPKT_NEED_MORE, /* a valid prefix; wait for more bytes */
	RDD_TPKT_NOT_TPKT,  /* first byte is not 0x03 (or reserved != 0) */
	RDD_TPKT_BAD_LENGTH /* length < 4 + minimum payload (7 bytes total) */
};

/*
 * Look at the LEN bytes at P (the start of a PDU). On RDD_TPKT_OK, *pdu_len
 * is the total PDU length and *payload borrows the bytes after the header.
 */
enum rdd_tpkt_result rdd_tpkt_frame(const uint8_t *p, size_t len,
                                    size_t *pdu_len, struct rdd_cur *payload);

/* Write a TPKT header for a payload of PAYLOAD_LEN bytes. */
void rdd_tpkt_write_header(struct rdd_buf *b, size_t payload_len);

#endif
