/*
 * fuzz_tsgu.c - libFuzzer target for lib/wire/tsgu.c: packets split off the
 * input as a stream, each body given to every server-packet parser (what a
 * gateway may send in any state), error codes named, and the client's
 * packets built from fuzz-chosen names and read back.
 *
 * Checked with abort(): a split that does not return 1 leaves the cursor
 * alone; a packet's length is 8..RDD_TSGU_MAX_PACKET and its body lies
 * inside the input; borrowed fields of a parse lie inside the body; a
 * built packet splits back whole with its own type.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wire/tsgu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static void
inside(struct rdd_cur f, struct rdd_cur body)
{
	if (f.len == 0)
		return;
	CHECK(f.p >= body.p && (size_t)(f.p - body.p) <= body.len &&
	      f.len <= body.len - (size_t)(f.p - body.p));
}

static void
parse_body(struct rdd_cur body)
{
	struct rdd_tsgu_handshake_rsp h;
	struct rdd_tsgu_tunnel_rsp t;
	struct rdd_tsgu_tunnel_auth_rsp a;
	struct rdd_tsgu_channel_rsp c;
	struct rdd_cur x;
	uint32_t st;
	uint64_t ctx;

	if (rdd_tsgu_parse_handshake_rsp(body, &h) == 0)
		(void)rdd_tsgu_code_name(h.error);
	if (rdd_tsgu_parse_tunnel_rsp(body, &t) != -1) {
		(void)rdd_tsgu_code_name(t.status);
		inside(t.server_cert, body);
		inside(t.consent, body);
	}
	if (rdd_tsgu_parse_tunnel_auth_rsp(body, &a) != -1)
		inside(a.soh, body);
	if (rdd_tsgu_parse_channel_rsp(body, &c) != -1)
		inside(c.cookie, body);
	if (rdd_tsgu_parse_data(body, &x) == 0)
		inside(x, body);
	if (rdd_tsgu_parse_service_message(body, &x) == 0)
		inside(x, body);
	if (rdd_tsgu_parse_extended_auth(body, &st, &x) == 0)
		inside(x, body);
	if (rdd_tsgu_parse_close(body, &st) == 0)
		(void)rdd_tsgu_code_name(st);
	(void)rdd_tsgu_parse_reauth(body, &ctx);
}

static void
build(const uint8_t *data, size_t size)
{
	static uint8_t out[4096];
	char name[64];
	const char *names[1] = {name};
	struct rdd_buf b;
	struct rdd_cur c;
	struct rdd_tsgu_pkt p;
	size_t n;

	if (size < 3)
		return;
	n = data[0] % sizeof(name);
	if (n > size - 3)
		n = size - 3;
	memcpy(name, data + 3, n);
	name[n] = '\0';
	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_tsgu_build_tunnel_auth(&b, name) == 0) {
		rdd_cur_init(&c, out, b.len);
		CHECK(rdd_tsgu_next(&c, &p) == 1 && rdd_cur_left(&c) == 0);
		CHECK(p.type == RDD_TSGU_TUNNEL_AUTH &&
		      p.body.len == 6 + 2 * strlen(name));
	}
	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_tsgu_build_channel_create(
	        &b, names, 1, (uint16_t)(data[1] << 8 | data[2])) == 0) {
		rdd_cur_init(&c, out, b.len);
		CHECK(rdd_tsgu_next(&c, &p) == 1 && rdd_cur_left(&c) == 0);
		CHECK(p.type == RDD_TSGU_CHANNEL_CREATE);
	}
	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_tsgu_build_data(&b, data, size) == 0) {
		struct rdd_cur d;

		rdd_cur_init(&c, out, b.len);
		CHECK(rdd_tsgu_next(&c, &p) == 1 && p.type == RDD_TSGU_DATA);
		CHECK(rdd_tsgu_parse_data(p.body, &d) == 0 && d.len == size);
		CHECK(memcmp(d.p, data, size) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_cur in, whole;
	struct rdd_tsgu_pkt p;

	rdd_cur_init(&in, data, size);
	for (int i = 0; i < 64; i++) {
		struct rdd_cur before = in;
		int r = rdd_tsgu_next(&in, &p);

		if (r != 1) {
			CHECK(in.p == before.p && in.len == before.len);
			break;
		}
		CHECK(p.length >= RDD_TSGU_HEADER &&
		      p.length <= RDD_TSGU_MAX_PACKET);
		CHECK(p.body.len == p.length - RDD_TSGU_HEADER);
		(void)rdd_tsgu_type_name(p.type);
		parse_body(p.body);
	}
	/* The whole input as a body, too. */
	rdd_cur_init(&whole, data, size);
	parse_body(whole);
	build(data, size);
	return 0;
}
