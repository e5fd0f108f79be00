/*
 * websocket.c - RFC 6455 frames for the RD Gateway's WebSocket transport
 * (websocket.h).
 */
#include "websocket.h"

#include <string.h>

static bool
known_opcode(uint8_t op)
{
	return op <= RDD_WS_OP_BINARY || op == RDD_WS_OP_CLOSE ||
	       op == RDD_WS_OP_PING || op == RDD_WS_OP_PONG;
}

bool
rdd_ws_close_code_ok(uint16_t code)
{
	/* 1004 reserved; 1005, 1006, 1015 must not be sent; 1012-1014 are
	 * IANA-registered since the RFC and sent by servers. */
	if (code >= 1000 && code <= 1003)
		return true;
	if (code >= 1007 && code <= 1014)
		return true;
	return code >= 3000 && code <= 4999;
}

const char *
rdd_ws_close_name(uint16_t code)
{
	switch (code) {
	case 1000:
		return "normal closure";
	case 1001:
		return "going away";
	case 1002:
		return "protocol error";
	case 1003:
		return "unsupported data";
	case 1005:
		return "no status received";
	case 1006:
		return "abnormal closure";
	case 1007:
		return "invalid frame payload data";
	case 1008:
		return "policy violation";
	case 1009:
		return "message too big";
	case 1010:
		return "mandatory extension";
	case 1011:
		return "internal server error";
	case 1012:
		return "service restart";
	case 1013:
		return "try again later";
	case 1014:
		return "bad gateway";
	case 1015:
		return "TLS handshake";
	default:
		return NULL;
	}
}

int
rdd_ws_parse_frame(struct rdd_cur *in, bool from_client, uint64_t max,
                   struct rdd_ws_frame *f)
{
	struct rdd_cur c = *in;
	uint8_t b0, b1;
	uint64_t len;

	memset(f, 0, sizeof(*f));
	if (rdd_cur_u8(&c, &b0) != 0 || rdd_cur_u8(&c, &b1) != 0)
		return 0;
	f->fin = (b0 & 0x80) != 0;
	f->opcode = b0 & 0x0f;
	f->masked = (b1 & 0x80) != 0;
	if ((b0 & 0x70) != 0 || !known_opcode(f->opcode) ||
	    f->masked != from_client)
		return -1;
	len = b1 & 0x7f;
	if (f->opcode >= RDD_WS_OP_CLOSE && (!f->fin || len > 125))
		return -1;
	if (len == 126) {
		uint16_t v;

		if (rdd_cur_u16be(&c, &v) != 0)
			return 0;
		if (v < 126)
			return -1;
		len = v;
	} else if (len == 127) {
		uint32_t hi, lo;
		struct rdd_cur t = c;

		if (rdd_cur_u32be(&t, &hi) != 0 || rdd_cur_u32be(&t, &lo) != 0)
			return 0;
		c = t;
		len = (uint64_t)hi << 32 | lo;
		if ((hi & 0x80000000u) != 0 || len <= 0xffff)
			return -1;
	}
	if (len > max)
		return -1;
	if (f->masked && rdd_cur_copy(&c, f->mask, 4) != 0)
		return 0;
	if (len > rdd_cur_left(&c))
		return 0;
	(void)rdd_cur_sub(&c, (size_t)len, &f->payload);
	if (f->opcode == RDD_WS_OP_CLOSE && len > 0) {
		uint8_t code[2];

		if (len == 1)
			return -1;
		rdd_ws_unmask(code, f->payload.p, 2,
		              f->masked ? f->mask : (const uint8_t[4]){0});
		f->close_code = (uint16_t)(code[0] << 8 | code[1]);
		if (!rdd_ws_close_code_ok(f->close_code))
			return -1;
		f->has_code = true;
		rdd_cur_init(&f->close_reason, f->payload.p + 2,
		             f->payload.len - 2);
	}
	*in = c;
	return 1;
}

void
rdd_ws_unmask(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t mask[4])
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i] ^ mask[i & 3];
}

int
rdd_ws_build_frame(struct rdd_buf *b, uint8_t opcode, bool fin,
                   const uint8_t mask[4], const uint8_t *payload, size_t n)
{
	size_t start = b->len;

	if (!known_opcode(opcode) || mask == NULL ||
	    (n > 0 && payload == NULL) ||
	    (opcode >= RDD_WS_OP_CLOSE && (!fin || n > RDD_WS_MAX_CONTROL)))
		return -1;
	rdd_buf_u8(b, (uint8_t)((fin ? 0x80 : 0) | opcode));
	if (n < 126) {
		rdd_buf_u8(b, (uint8_t)(0x80 | n));
	} else if (n <= 0xffff) {
		rdd_buf_u8(b, 0x80 | 126);
		rdd_buf_u16be(b, (uint16_t)n);
	} else {
		rdd_buf_u8(b, 0x80 | 127);
		rdd_buf_u32be(b, (uint32_t)((uint64_t)n >> 32));
		rdd_buf_u32be(b, (uint32_t)n);
	}
	rdd_buf_bytes(b, mask, 4);
	if (!b->err && n > b->cap - b->len)
		b->err = true;
	if (b->err) {
		b->len = start;
		return -1;
	}
	rdd_ws_unmask(b->p + b->len, payload, n, mask);
	b->len += n;
	return 0;
}

int
rdd_ws_build_close(struct rdd_buf *b, uint16_t code, const uint8_t mask[4])
{
	uint8_t p[2];

	if (!rdd_ws_close_code_ok(code))
		return -1;
	p[0] = (uint8_t)(code >> 8);
	p[1] = (uint8_t)code;
	return rdd_ws_build_frame(b, RDD_WS_OP_CLOSE, true, mask, p, 2);
}
