/*
 * fuzz_gateway.c - libFuzzer target for the gateway walk above TLS
 * (lib/probe/gateway_http.c, gateway_legacy.c, gateway_tsgu.c): the
 * gateway's decrypted bytes played by the fuzzer, from the HTTP answer
 * (first input byte even) or from the first WebSocket frame after the 101
 * (odd), fed in chunks whose sizes the input chooses (the first byte's
 * bit 7: with credentials, so that the sign-in runs: NTLM's CHALLENGE raw,
 * or a 401 offering Negotiate only, then the SPNEGO tokens of NTLM inside
 * Negotiate and the last token's mechListMIC). After a 200 (the
 * legacy HTTP transport) the bytes that follow are the IN channel's
 * answers until it opens, then the OUT channel's body (seed, then
 * MS-TSGU packets without WebSocket framing). Once a channel opens, the inner
 * probe (X.224 onwards) reads what the DATA packets carry. What the walk
 * writes is dropped (the machine's sink), so no TLS peer is needed.
 *
 * Checked with abort(): the walk never claims more than it saw (bytes
 * received within the input), ends in a known outcome and step, and a
 * refusal carries its code.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/gateway_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t rnd[64] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	static struct rdd_credentials cr = {"user", "DOM", "secret", false};
	static const struct rdd_ntlm_version v = {10, 0, 17763, 15};
	struct rdd_gateway_config c;
	struct rdd_probe_config pc;
	struct rdd_gateway_info info;
	struct rdd_attempt att;
	struct rdd_probe *inner;
	struct rdd_gw *g;
	uint64_t now = 1000;
	size_t off = 1, k;
	uint8_t mode;

	if (size < 2)
		return 0;
	mode = data[0];
	memset(&info, 0, sizeof(info));
	memset(&att, 0, sizeof(att));
	memset(&pc, 0, sizeof(pc));
	pc.requested_protocols = 0x0b;
	pc.server_name = "rdp.example";
	pc.phase_timeout_us = 5000000;
	inner = rdd_probe_new(&pc, &att, NULL);
	if (inner == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	c.gateway_host = "gw.example";
	c.target_host = "rdp.example";
	c.target_port = 3389;
	c.phase_timeout_us = 5000000;
	c.fixed_random = rnd;
	if (mode & 0x80)
		c.credentials = &cr;
	g = rdd_gw_new(&c, &info, inner, &att);
	if (g == NULL)
		return 0;
	g->sink = true;
	snprintf(g->ws_key, sizeof(g->ws_key), "AQIDBAUGBwgJCgAAAAAAAA==");
	/* What rdd__gw_http_begin would set: the requests after a 401 carry
	 * it. */
	snprintf(g->conn_id, sizeof(g->conn_id),
	         "{01020304-0506-4708-8900-000000000000}");
	if (mode & 1) {
		g->state = GW_WS;
		rdd__gw_ws_begin(g, NULL, 0, now);
	} else {
		g->state = GW_HTTP;
		info.step = RDD_GW_STEP_HTTP;
		if (mode & 0x80) {
			struct rdd_buf b;

			rdd_buf_init(&b, g->negotiate, sizeof(g->negotiate));
			if (rdd_ntlm_build_negotiate(&b, RDD_NTLM_PROBE_FLAGS,
			                             &v) == 0 &&
			    !b.err)
				g->negotiate_len = b.len;
		}
	}
	while (off < size && g->state != GW_DONE) {
		k = (size_t)(mode >> 1) % 64 + 1;
		if (k > size - off)
			k = size - off;
		if (g->lg.on && g->lg.in == GW_IN_WANT) {
			rdd__gw_legacy_in_fake(g);
			continue;
		}
		if (g->state == GW_HTTP)
			rdd__gw_http_recv(g, data + off, k, now);
		else if (g->lg.on && g->lg.in == GW_IN_HTTP)
			rdd__gw_legacy_in_bytes(g, data + off, k, now);
		else if (g->lg.on)
			rdd__gw_legacy_out_recv(g, data + off, k, now);
		else
			rdd__gw_ws_recv(g, data + off, k, now);
		off += k;
		now += 10;
	}
	if (g->state != GW_DONE)
		rdd_gw_tick(g, now + 10000000);
	CHECK(rdd_gw_outcome_name(info.outcome) != NULL);
	CHECK(rdd_gw_step_name(info.step) != NULL);
	CHECK(info.bytes_received <= size);
	if (info.outcome == RDD_GW_REFUSED)
		CHECK(info.has_code);
	rdd_gw_free(g);
	return 0;
}
