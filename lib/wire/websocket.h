/*
 * websocket.h - RFC 6455 framing (5.2) for the client side of the RD
 * Gateway's WebSocket transport: masked frames out, the server's frames in.
 *
 * Each MS-TSGU packet rides in one binary frame (shared/reference/
 * gateway.md 1.4). The server's frames must not be masked (RFC 6455 5.1);
 * no extension is negotiated, so RSV bits must be zero. Payload lengths
 * are bounded by the caller; the 7-, 16- and 64-bit length forms must be
 * the shortest that fits (5.2). Sans-I/O: a parse that lacks bytes says
 * "need more" and consumes nothing; the masking key comes from the
 * caller (it must be random per frame, 5.3).
 */
#ifndef RDD_WIRE_WEBSOCKET_H
#define RDD_WIRE_WEBSOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_WS_OP_CONT 0x0
#define RDD_WS_OP_TEXT 0x1
#define RDD_WS_OP_BINARY 0x2
#define RDD_WS_OP_CLOSE 0x8
#define RDD_WS_OP_PING 0x9
#define RDD_WS_OP_PONG 0xA

#define RDD_WS_MAX_CONTROL 125 /* a control frame's payload (5.5) */

struct rdd_ws_frame {
	bool fin;
	uint8_t opcode;
	bool masked;
	uint8_t mask[4];
	/* The payload as sent (still masked if MASKED), borrowed. */
	struct rdd_cur payload;
	/* CLOSE: the status code, if the payload carries one (5.5.1), and
	 * the reason after it (UTF-8 by the RFC; not checked: escape it). */
	bool has_code;
	uint16_t close_code;
	struct rdd_cur close_reason;
};

/*
 * Parse one frame from IN. FROM_CLIENT false: a server's frame, which must
 * be unmasked; true: a client's frame, which must be masked (for the lab's
 * responder and for tests). MAX bounds the payload length. Returns 1 with
 * IN advanced past the frame, 0 when IN holds only part of it (nothing
 * consumed: read more), -1 on a protocol error (nothing consumed): RSV
 * bits, an unknown opcode, a control frame fragmented or over 125 bytes, a
 * wrong masking, a length in a longer form than needed or with its top bit
 * set, a payload over MAX, a close payload of 1 byte or with a code that
 * must not be sent (7.4).
 */
int rdd_ws_parse_frame(struct rdd_cur *in, bool from_client, uint64_t max,
                       struct rdd_ws_frame *f);

/* Copy N masked bytes of SRC to DST unmasked with MASK (from offset 0). */
void rdd_ws_unmask(uint8_t *dst, const uint8_t *src, size_t n,
                   const uint8_t mask[4]);

/*
 * Append one masked frame: OPCODE (a data or control opcode above), FIN,
 * the payload masked with MASK. A control frame must have FIN and at most
 * 125 bytes. Returns 0, or -1 (B's length unchanged).
 */
int rdd_ws_build_frame(struct rdd_buf *b, uint8_t opcode, bool fin,
                       const uint8_t mask[4], const uint8_t *payload, size_t n);

/* A masked close frame with CODE (a code that may be sent, 7.4) and no
 * reason. */
int rdd_ws_build_close(struct rdd_buf *b, uint16_t code, const uint8_t mask[4]);

/* A code that may appear in a close frame (RFC 6455 7.4 and the IANA
 * registry): 1000-1003,
 * 1007-1014, 3000-4999. */
bool rdd_ws_close_code_ok(uint16_t code);

/* "normal closure", "going away", ... for the registered codes of 7.4.1
 * and the IANA registry (1012-1014), else NULL. */
const char *rdd_ws_close_name(uint16_t code);

#endif
