/*
 * fuzz_websocket.c - libFuzzer target for lib/wire/websocket.c: frames
 * read back to back as a server's and as a client's stream, and the
 * builder's frame read back.
 *
 * Checked with abort(): a parse that does not return 1 leaves the cursor
 * alone; one that does consumed at least 2 bytes, its payload lies inside
 * the input and within the bound, a control frame has FIN and at most 125
 * bytes, a close code read is one that may be sent; a frame built from
 * the input parses back to the same opcode, FIN and payload.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wire/websocket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static void
stream(const uint8_t *data, size_t size, bool client)
{
	struct rdd_cur c;
	struct rdd_ws_frame f;

	rdd_cur_init(&c, data, size);
	for (int i = 0; i < 64; i++) {
		struct rdd_cur before = c;
		int r = rdd_ws_parse_frame(&c, client, 4096, &f);

		if (r != 1) {
			CHECK(c.p == before.p && c.len == before.len);
			return;
		}
		CHECK(before.len - c.len >= 2);
		CHECK(f.payload.len <= 4096);
		if (f.payload.len > 0)
			CHECK(f.payload.p >= data &&
			      (size_t)(f.payload.p - data) <=
			          size - f.payload.len);
		if (f.opcode >= RDD_WS_OP_CLOSE)
			CHECK(f.fin && f.payload.len <= RDD_WS_MAX_CONTROL);
		if (f.has_code) {
			CHECK(rdd_ws_close_code_ok(f.close_code));
			CHECK(f.close_reason.len == f.payload.len - 2);
		}
		(void)rdd_ws_close_name(f.close_code);
	}
}

static void
build(const uint8_t *data, size_t size)
{
	static uint8_t out[8192], u[8192];
	struct rdd_buf b;
	struct rdd_cur c;
	struct rdd_ws_frame f;
	uint8_t op;
	bool fin;

	if (size < 5)
		return;
	op = data[0] & 0x0f;
	fin = (data[0] & 0x80) != 0;
	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_ws_build_frame(&b, op, fin, data + 1, data + 5, size - 5) !=
	    0) {
		CHECK(b.len == 0);
		return;
	}
	rdd_cur_init(&c, out, b.len);
	CHECK(rdd_ws_parse_frame(&c, true, sizeof(out), &f) == 1 ||
	      op == RDD_WS_OP_CLOSE);
	if (op == RDD_WS_OP_CLOSE)
		return;
	CHECK(rdd_cur_left(&c) == 0 && f.opcode == op && f.fin == fin);
	CHECK(f.payload.len == size - 5);
	rdd_ws_unmask(u, f.payload.p, f.payload.len, f.mask);
	CHECK(memcmp(u, data + 5, size - 5) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stream(data, size, false);
	stream(data, size, true);
	build(data, size);
	return 0;
}
