/*
 * fuzz_http_resp.c - libFuzzer target for lib/wire/http_resp.c: the
 * gateway's HTTP head fed in pieces whose sizes come from the input, the
 * body decoder in each framing over the bytes after it, the WebSocket
 * upgrade check, and strict base64.
 *
 * Checked with abort(): a feed never consumes more than it was given; a
 * complete head has a status in 100..599, at most RDD_HTTP_MAX_HEADERS
 * lines and spans inside it; decoded body bytes lie inside the input; a
 * chunked or length body never yields more bytes than it was given;
 * base64 that decodes encodes back to the same text.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wire/http_resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static struct rdd_http_resp r;

static void
span_ok(struct rdd_http_span s)
{
	CHECK(s.off <= r.head_len && s.len <= r.head_len - s.off);
}

static void
body(enum rdd_http_framing f, uint64_t length, const uint8_t *p, size_t n)
{
	struct rdd_http_body b;
	struct rdd_cur in, d;
	size_t got = 0;
	int ret;

	rdd_http_body_init(&b, f, length);
	rdd_cur_init(&in, p, n);
	for (size_t i = 0; i <= n + 1; i++) {
		size_t before = rdd_cur_left(&in);

		ret = rdd_http_body_next(&b, &in, &d);
		CHECK(rdd_cur_left(&in) <= before);
		if (d.len > 0)
			CHECK(d.p >= p && (size_t)(d.p - p) <= n - d.len);
		got += d.len;
		CHECK(got <= n);
		if (ret != 0 || rdd_cur_left(&in) == 0)
			break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0, step, used;
	int ret = 0;

	if (size < 1)
		return 0;
	step = 1 + data[0] % 64;
	rdd_http_resp_init(&r);
	off = 1;
	while (off < size && ret == 0) {
		size_t k = size - off < step ? size - off : step;

		ret = rdd_http_resp_feed(&r, data + off, k, &used);
		CHECK(used <= k);
		if (ret == 0)
			CHECK(used == k);
		off += used;
	}
	if (ret == 1) {
		CHECK(r.done && r.status >= 100 && r.status <= 599);
		CHECK(r.n_headers <= RDD_HTTP_MAX_HEADERS);
		CHECK(r.head_len <= RDD_HTTP_MAX_HEAD);
		span_ok(r.reason);
		span_ok(r.ntlm_token);
		span_ok(r.negotiate_token);
		span_ok(r.ws_accept);
		span_ok(r.server);
		CHECK(!r.has_length || r.length <= RDD_HTTP_MAX_LENGTH);
		(void)rdd_http_resp_ws_ok(&r, "dGhlIHNhbXBsZSBub25jZQ==");
		body(rdd_http_resp_framing(&r), r.length, data + off,
		     size - off);
	}
	body(RDD_HTTP_BODY_CHUNKED, 0, data + 1, size - 1);
	body(RDD_HTTP_BODY_LENGTH, data[0], data + 1, size - 1);
	{
		static uint8_t dec[4096];
		static char enc[8192];
		size_t n;

		if (rdd_b64_decode(dec, sizeof(dec), &n, data + 1, size - 1) ==
		    0) {
			CHECK(rdd_b64_encode(enc, sizeof(enc), dec, n) ==
			      (int)(size - 1));
			CHECK(memcmp(enc, data + 1, size - 1) == 0);
		}
	}
	return 0;
}
