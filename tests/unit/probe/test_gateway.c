/*
 * test_gateway.c - lib/probe/gateway*.c: the walk through an RD Gateway,
 * driven against an in-memory TLS server (probe_harness) that answers
 * with the byte vectors of shared/reference/gateway.md 8: the healthy
 * walk to the target's X.224 answer through the channel, each refusal at
 * its step with its code, HTTP statuses, garbage, silence (the deadline),
 * CLOSE_CHANNEL during the target's walk, and the channel binding token.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "probe/gateway_int.h"
#include "probe_harness.h"
#include "rdpdoctor/gateway.h"
#include "rdpdoctor/probe.h"
#include "wire/http_resp.h"
#include "wire/ntlm_auth_int.h"
#include "wire/spnego.h"
#include "wire/websocket.h"

static EVP_PKEY *key;
static X509 *cert;

#define T0 1000000ull
#define TIMEOUT_US 5000000ull

/* [MS-TSGU] 4.2.1 values, encoded (reference 8.1), and 8.2 captures. */
static const uint8_t handshake_rsp[] = {0x02, 0x00, 0x00, 0x00, 0x12, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x01, 0x00, 0x00, 0x00, 0x03, 0x00};
static const uint8_t tunnel_rsp[] = {0x05, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                     0x03, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00,
                                     0x00, 0x3f, 0x00, 0x00, 0x00};
static const uint8_t tunnel_auth_rsp[] = {
    0x07, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
/* CHANNEL_RESPONSE code 0, fields CHANNELID, channelId 1. */
static const uint8_t channel_rsp[] = {0x09, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00,
                                      0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
                                      0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
static const uint8_t want_handshake[] = {0x01, 0x00, 0x00, 0x00, 0x0e,
                                         0x00, 0x00, 0x00, 0x01, 0x00,
                                         0x00, 0x00, 0x00, 0x00};
static const uint8_t want_tunnel_create[] = {0x04, 0x00, 0x00, 0x00, 0x10, 0x00,
                                             0x00, 0x00, 0x0d, 0x00, 0x00, 0x00,
                                             0x00, 0x00, 0x00, 0x00};
/* Refusals (reference 8.1). */
static const uint8_t rap_denied[] = {0x09, 0x00, 0x00, 0x00, 0x10, 0x00,
                                     0x00, 0x00, 0xda, 0x59, 0x07, 0x80,
                                     0x00, 0x00, 0x00, 0x00};
static const uint8_t nap_denied[] = {0x07, 0x00, 0x00, 0x00, 0x10, 0x00,
                                     0x00, 0x00, 0xdb, 0x59, 0x07, 0x80,
                                     0x00, 0x00, 0x00, 0x00};
static const uint8_t caps_mismatch[] = {0x02, 0x00, 0x00, 0x00, 0x12, 0x00,
                                        0x00, 0x00, 0xe9, 0x59, 0x07, 0x80,
                                        0x01, 0x00, 0x00, 0x00, 0x00, 0x00};
static const uint8_t cookie_denied[] = {0x05, 0x00, 0x00, 0x00, 0x12, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0xf8, 0x59,
                                        0x07, 0x80, 0x00, 0x00, 0x00, 0x00};
static const uint8_t close_4d4[] = {0x10, 0x00, 0x00, 0x00, 0x0c, 0x00,
                                    0x00, 0x00, 0xd4, 0x04, 0x00, 0x00};
static const uint8_t close_rsp[] = {0x11, 0x00, 0x00, 0x00, 0x0c, 0x00,
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
/* The target's X.224 Connection Confirm selecting SSL. */
static const uint8_t x224_cc[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00,
                                  0x00, 0x12, 0x34, 0x00, 0x02, 0x00, 0x08,
                                  0x00, 0x01, 0x00, 0x00, 0x00};

struct gwt {
	struct tls_peer s;
	struct rdd_gw *g;
	struct rdd_gateway_info info;
	struct rdd_attempt att;
	uint64_t now;
	uint8_t frame[70000];
	size_t frame_len;
};

static int
setup(void **state)
{
	(void)state;
	return self_signed("gw.example.com", 7, &key, &cert);
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(key);
	X509_free(cert);
	return 0;
}

/* Move bytes both ways until nothing moves. */
static void
pump(struct gwt *t)
{
	int i;

	for (i = 0; i < 50 && gw_peer_round(t->g, &t->s, false, t->now); i++)
		;
}

static void start_creds(struct gwt *t, const struct rdd_credentials *cr);

static void
start(struct gwt *t)
{
	start_creds(t, NULL);
}

static void
start_creds(struct gwt *t, const struct rdd_credentials *cr)
{
	memset(t, 0, sizeof(*t));
	tls_peer_init(&t->s, cert, key, 0);
	t->g = gw_harness_new(cr, T0, TIMEOUT_US, &t->info, &t->att);
	t->now = T0 + 1000;
	rdd_gw_start(t->g, t->now);
	pump(t);
	assert_int_equal(t->info.tls_outcome, RDD_TLS_OK);
	assert_true(t->info.tls.cert.present);
}

static void
finish(struct gwt *t)
{
	rdd_gw_free(t->g);
	tls_peer_free(&t->s);
}

/* What the server read from the client (decrypted), up to CAP bytes. */
static size_t
srv_read(struct gwt *t, uint8_t *buf, size_t cap)
{
	int n;

	pump(t);
	n = SSL_read(t->s.ssl, buf, (int)cap);
	return n > 0 ? (size_t)n : 0;
}

static void
srv_write(struct gwt *t, const void *p, size_t n)
{
	assert_int_equal(SSL_write(t->s.ssl, p, (int)n), (int)n);
	pump(t);
}

static void
srv_answer(struct gwt *t, const char *s)
{
	srv_write(t, s, strlen(s));
}

/* The client's HTTP request: its WebSocket key. */
static void
read_request(struct gwt *t, char *key_out, size_t cap)
{
	char req[16384];
	size_t n = srv_read(t, (uint8_t *)req, sizeof(req) - 1);
	const char *k, *e;

	req[n] = '\0';
	assert_non_null(strstr(req, "RDG_OUT_DATA /remoteDesktopGateway/ "
	                            "HTTP/1.1\r\n"));
	assert_non_null(strstr(req, "Host: gw.example.com\r\n"));
	assert_non_null(strstr(req, "RDG-Connection-Id: {"));
	k = strstr(req, "Sec-WebSocket-Key: ");
	assert_non_null(k);
	k += strlen("Sec-WebSocket-Key: ");
	e = strstr(k, "\r\n");
	assert_non_null(e);
	snprintf(key_out, cap, "%.*s", (int)(e - k), k);
}

static void
upgrade(struct gwt *t)
{
	char k[64], acc[29], rsp[256];

	read_request(t, k, sizeof(k));
	assert_int_equal(rdd_ws_accept(k, acc), 0);
	snprintf(rsp, sizeof(rsp),
	         "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	         "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
	         acc);
	srv_write(t, rsp, strlen(rsp));
	assert_int_equal(t->info.status, 101);
	assert_string_equal(t->info.transport, "websocket");
}

/* One server frame (unmasked, binary) carrying P. */
static void
send_pkt(struct gwt *t, const uint8_t *p, size_t n)
{
	uint8_t f[16 + 1024];

	assert_true(n <= 1024);
	f[0] = 0x82;
	if (n < 126) {
		f[1] = (uint8_t)n;
		memcpy(f + 2, p, n);
		srv_write(t, f, n + 2);
	} else {
		f[1] = 126;
		f[2] = (uint8_t)(n >> 8);
		f[3] = (uint8_t)n;
		memcpy(f + 4, p, n);
		srv_write(t, f, n + 4);
	}
}

/* The client's next frame, unmasked, into t->frame. */
static void
recv_pkt(struct gwt *t)
{
	uint8_t buf[70000];
	size_t n = srv_read(t, buf, sizeof(buf));
	struct rdd_cur c;
	struct rdd_ws_frame f;

	assert_true(n > 0);
	rdd_cur_init(&c, buf, n);
	assert_int_equal(rdd_ws_parse_frame(&c, true, 70000, &f), 1);
	assert_int_equal(f.opcode, RDD_WS_OP_BINARY);
	t->frame_len = rdd_cur_left(&f.payload);
	rdd_ws_unmask(t->frame, f.payload.p, t->frame_len, f.mask);
}

enum until { TO_HANDSHAKE, TO_TUNNEL, TO_AUTH, TO_CHANNEL, TO_DATA };

/* Upgrade, then answer each step healthily up to (not including) U. */
static void
walk(struct gwt *t, enum until u)
{
	start(t);
	upgrade(t);
	recv_pkt(t);
	assert_int_equal(t->frame_len, sizeof(want_handshake));
	assert_memory_equal(t->frame, want_handshake, sizeof(want_handshake));
	if (u == TO_HANDSHAKE)
		return;
	send_pkt(t, handshake_rsp, sizeof(handshake_rsp));
	recv_pkt(t);
	assert_memory_equal(t->frame, want_tunnel_create,
	                    sizeof(want_tunnel_create));
	if (u == TO_TUNNEL)
		return;
	send_pkt(t, tunnel_rsp, sizeof(tunnel_rsp));
	assert_int_equal(t->info.tunnel_id, 6);
	assert_int_equal(t->info.caps, 0x3f);
	recv_pkt(t);
	assert_int_equal(t->frame[0], RDD_TSGU_TUNNEL_AUTH);
	if (u == TO_AUTH)
		return;
	send_pkt(t, tunnel_auth_rsp, sizeof(tunnel_auth_rsp));
	recv_pkt(t);
	assert_int_equal(t->frame[0], RDD_TSGU_CHANNEL_CREATE);
	/* One name, no alternates, port 3389, protocol 3, "rdp.example". */
	assert_int_equal(t->frame[8], 1);
	assert_int_equal(t->frame[9], 0);
	assert_int_equal(t->frame[10] | t->frame[11] << 8, 3389);
	assert_int_equal(t->frame[12] | t->frame[13] << 8, 3);
	assert_int_equal(t->frame[14] | t->frame[15] << 8, 24);
	assert_int_equal(t->frame[16], 'r');
	if (u == TO_CHANNEL)
		return;
	send_pkt(t, channel_rsp, sizeof(channel_rsp));
	assert_int_equal(t->info.outcome, RDD_GW_OK);
	assert_int_equal(t->info.step, RDD_GW_STEP_DATA);
	assert_int_equal(t->att.tcp, RDD_TCP_OK);
}

static void
test_gw_healthy_walk(void **state)
{
	struct gwt t;
	uint8_t data[64];
	struct rdd_observation obs;

	(void)state;
	walk(&t, TO_DATA);
	/* The target's Connection Request in a DATA packet. */
	recv_pkt(&t);
	assert_int_equal(t.frame[0], RDD_TSGU_DATA);
	assert_int_equal(t.frame[8] | t.frame[9] << 8, t.frame_len - 10);
	assert_int_equal(t.frame[10], 0x03); /* TPKT */
	assert_int_equal(t.info.bytes_sent, t.frame_len - 10);
	/* The Connection Confirm back in DATA. */
	data[0] = RDD_TSGU_DATA;
	data[1] = 0;
	data[2] = data[3] = 0;
	data[4] = (uint8_t)(10 + sizeof(x224_cc));
	data[5] = data[6] = data[7] = 0;
	data[8] = sizeof(x224_cc);
	data[9] = 0;
	memcpy(data + 10, x224_cc, sizeof(x224_cc));
	send_pkt(&t, data, 10 + sizeof(x224_cc));
	assert_int_equal(t.att.x224, RDD_X224_RSP);
	assert_int_equal(t.att.selected, RDD_PROTO_SSL);
	assert_int_equal(t.info.bytes_received, sizeof(x224_cc));
	assert_true(rdd_gw_done(t.g));
	assert_int_equal(t.info.outcome, RDD_GW_OK);
	/* The phases. */
	rdd_observation_init(&obs);
	obs.gateway = t.info;
	rdd_gw_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_TLS].status,
	                 RDD_STATUS_OK);
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_HTTP].status,
	                 RDD_STATUS_OK);
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_TUNNEL].status,
	                 RDD_STATUS_OK);
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_CHANNEL].status,
	                 RDD_STATUS_OK);
	assert_int_equal(obs.phases[RDD_PHASE_TCP].status, RDD_STATUS_OK);
	finish(&t);
}

/* 60 KB of packets in two WebSocket frames, written in two pieces: 60
 * KEEPALIVEs of 1,000 bytes each, then the DATA packet with the
 * Connection Confirm. The first frame ends 12 bytes into the DATA
 * packet, and the first piece ends with the second frame's header: the
 * walk's buffers, which start at 1 KiB and grow, keep what is not yet
 * whole, and every packet must come out as it was sent. */
#define KA_N 60
#define KA_LEN 1000
#define SPLIT (KA_N * KA_LEN + 12) /* where the first frame ends */
static void
test_gw_large_frames(void **state)
{
	static uint8_t pl[KA_N * KA_LEN + 10 + sizeof(x224_cc)];
	static uint8_t f[4 + SPLIT + 2 + sizeof(pl) - SPLIT];
	size_t at = 0, i, half = (4 + SPLIT + 2) / 2;
	struct gwt t;

	(void)state;
	walk(&t, TO_DATA);
	recv_pkt(&t);
	assert_int_equal(t.frame[0], RDD_TSGU_DATA);
	memset(pl, 0, sizeof(pl));
	for (i = 0; i < KA_N; i++, at += KA_LEN) {
		pl[at] = RDD_TSGU_KEEPALIVE;
		pl[at + 4] = (uint8_t)(KA_LEN & 0xff);
		pl[at + 5] = (uint8_t)(KA_LEN >> 8);
	}
	pl[at] = RDD_TSGU_DATA;
	pl[at + 4] = (uint8_t)(10 + sizeof(x224_cc));
	pl[at + 8] = sizeof(x224_cc);
	memcpy(pl + at + 10, x224_cc, sizeof(x224_cc));
	/* Binary frames with FIN: a 16-bit length, then a 7-bit one. */
	f[0] = 0x82;
	f[1] = 126;
	f[2] = (uint8_t)(SPLIT >> 8);
	f[3] = (uint8_t)SPLIT;
	memcpy(f + 4, pl, SPLIT);
	f[4 + SPLIT] = 0x82;
	f[5 + SPLIT] = (uint8_t)(sizeof(pl) - SPLIT);
	memcpy(f + 6 + SPLIT, pl + SPLIT, sizeof(pl) - SPLIT);
	/* Two writes of HALF up to the second header's end, then the rest:
	 * TLS records of at most 16 KiB, the last of the two ending there. */
	srv_write(&t, f, half);
	srv_write(&t, f + half, half);
	assert_int_equal(t.info.keepalives, KA_N);
	assert_int_not_equal(t.att.x224, RDD_X224_RSP);
	srv_write(&t, f + 2 * half, sizeof(f) - 2 * half);
	assert_int_equal(t.att.x224, RDD_X224_RSP);
	assert_int_equal(t.att.selected, RDD_PROTO_SSL);
	assert_int_equal(t.info.bytes_received, sizeof(x224_cc));
	assert_int_equal(t.info.outcome, RDD_GW_OK);
	finish(&t);
}

static void
refusal(enum until u, const uint8_t *pkt, size_t n, enum rdd_gw_step step,
        uint32_t code)
{
	struct gwt t;

	walk(&t, u);
	send_pkt(&t, pkt, n);
	assert_true(rdd_gw_done(t.g));
	assert_int_equal(t.info.outcome, RDD_GW_REFUSED);
	assert_int_equal(t.info.step, step);
	assert_true(t.info.has_code);
	assert_int_equal(t.info.code, code);
	assert_int_equal(t.att.tcp, RDD_TCP_NOT_RUN);
	assert_int_equal(t.att.x224, RDD_X224_NOT_RUN);
	finish(&t);
}

static void
test_gw_refusals(void **state)
{
	(void)state;
	refusal(TO_HANDSHAKE, caps_mismatch, sizeof(caps_mismatch),
	        RDD_GW_STEP_HANDSHAKE, 0x800759E9u);
	refusal(TO_TUNNEL, cookie_denied, sizeof(cookie_denied),
	        RDD_GW_STEP_TUNNEL_CREATE, 0x800759F8u);
	refusal(TO_AUTH, nap_denied, sizeof(nap_denied),
	        RDD_GW_STEP_TUNNEL_AUTH, 0x800759DBu);
	refusal(TO_CHANNEL, rap_denied, sizeof(rap_denied), RDD_GW_STEP_CHANNEL,
	        0x800759DAu);
}

/* A packet the step does not expect, and one that does not parse. */
static void
test_gw_unexpected(void **state)
{
	static const uint8_t short_hs[] = {0x02, 0x00, 0x00, 0x00, 0x0a,
	                                   0x00, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t bad_len[] = {0x02, 0x00, 0x00, 0x00,
	                                  0x04, 0x00, 0x00, 0x00};
	struct gwt t;

	(void)state;
	walk(&t, TO_HANDSHAKE);
	send_pkt(&t, channel_rsp, sizeof(channel_rsp));
	assert_int_equal(t.info.outcome, RDD_GW_MALFORMED);
	finish(&t);
	walk(&t, TO_HANDSHAKE);
	send_pkt(&t, short_hs, sizeof(short_hs));
	assert_int_equal(t.info.outcome, RDD_GW_MALFORMED);
	finish(&t);
	walk(&t, TO_HANDSHAKE);
	send_pkt(&t, bad_len, sizeof(bad_len));
	assert_int_equal(t.info.outcome, RDD_GW_MALFORMED);
	finish(&t);
}

static void
http_answer(const char *answer, enum rdd_gw_outcome want, unsigned status)
{
	struct gwt t;
	char k[64];

	start(&t);
	read_request(&t, k, sizeof(k));
	srv_write(&t, answer, strlen(answer));
	assert_int_equal(t.info.outcome, want);
	assert_int_equal(t.info.status, status);
	assert_int_equal(t.info.step, RDD_GW_STEP_HTTP);
	assert_true(rdd_gw_done(t.g));
	finish(&t);
}

static void
test_gw_http(void **state)
{
	(void)state;
	http_answer("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
	            RDD_GW_HTTP_STATUS, 403);
	http_answer("HTTP/1.1 503 Service Unavailable\r\nContent-Length: "
	            "0\r\n\r\n",
	            RDD_GW_HTTP_STATUS, 503);
	http_answer("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n"
	            "WWW-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n",
	            RDD_GW_AUTH_NO_CREDENTIALS, 401);
	http_answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	            "Connection: Upgrade\r\nSec-WebSocket-Accept: "
	            "AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
	            RDD_GW_BAD_UPGRADE, 101);
	http_answer("SSH-2.0-OpenSSH_9.2\r\n\r\n", RDD_GW_MALFORMED, 0);
}

/* A 404, then the /rpc probe on the same connection. */
static void
test_gw_rpc_only(void **state)
{
	struct gwt t;
	char k[64], req[2048];
	size_t n;

	(void)state;
	start(&t);
	read_request(&t, k, sizeof(k));
	srv_answer(&t,
	           "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno\n");
	n = srv_read(&t, (uint8_t *)req, sizeof(req) - 1);
	req[n] = '\0';
	assert_non_null(strstr(req, "RPC_IN_DATA /rpc/rpcproxy.dll"));
	srv_answer(&t, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n"
	               "Content-Length: 0\r\n\r\n");
	assert_int_equal(t.info.outcome, RDD_GW_RPC_ONLY);
	assert_int_equal(t.info.status, 404);
	assert_int_equal(t.info.rpc_status, 401);
	finish(&t);
}

/* A silent gateway ends at the deadline, not in a hang. */
static void
test_gw_silence(void **state)
{
	struct gwt t;
	char k[64];

	(void)state;
	start(&t);
	read_request(&t, k, sizeof(k));
	assert_int_equal(rdd_gw_deadline(t.g), t.now + TIMEOUT_US);
	rdd_gw_tick(t.g, t.now + TIMEOUT_US - 1);
	assert_false(rdd_gw_done(t.g));
	/* A trickle of one byte does not move the deadline. */
	srv_write(&t, "H", 1);
	rdd_gw_tick(t.g, t.now + TIMEOUT_US);
	assert_true(rdd_gw_done(t.g));
	assert_int_equal(t.info.outcome, RDD_GW_TIMEOUT);
	assert_int_equal(t.info.step, RDD_GW_STEP_HTTP);
	finish(&t);
}

/* CLOSE_CHANNEL while the target's walk runs: answered, recorded, and
 * the target's phase ends as closed. */
static void
test_gw_close_channel(void **state)
{
	struct gwt t;
	struct rdd_observation obs;

	(void)state;
	walk(&t, TO_DATA);
	recv_pkt(&t); /* the Connection Request */
	send_pkt(&t, close_4d4, sizeof(close_4d4));
	recv_pkt(&t);
	assert_int_equal(t.frame_len, sizeof(close_rsp));
	assert_memory_equal(t.frame, close_rsp, sizeof(close_rsp));
	assert_true(t.info.close_channel);
	assert_int_equal(t.info.close_status, 0x4D4);
	assert_int_equal(t.att.x224, RDD_X224_CLOSED);
	assert_true(rdd_gw_done(t.g));
	rdd_observation_init(&obs);
	obs.gateway = t.info;
	rdd_gw_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_CHANNEL].status,
	                 RDD_STATUS_FAILED);
	finish(&t);
}

/* The channel binding: MD5 of 16 zero bytes, the length and
 * "tls-server-end-point:" + SHA-256 of the certificate (RFC 5929). */
static void
test_gw_cbt(void **state)
{
	uint8_t *der = NULL, got[16], want[16], h[32], blob[128];
	unsigned int hl = 0, ml = 0;
	int n;

	(void)state;
	n = i2d_X509(cert, &der);
	assert_true(n > 0);
	assert_int_equal(rdd__gw_cbt(der, (size_t)n, got), 0);
	assert_int_equal(X509_digest(cert, EVP_sha256(), h, &hl), 1);
	memset(blob, 0, 16);
	blob[16] = (uint8_t)(21 + hl);
	blob[17] = blob[18] = blob[19] = 0;
	memcpy(blob + 20, "tls-server-end-point:", 21);
	memcpy(blob + 41, h, hl);
	assert_int_equal(EVP_Digest(blob, 41 + hl, want, &ml, EVP_md5(), NULL),
	                 1);
	assert_memory_equal(got, want, 16);
	assert_int_equal(rdd__gw_cbt(der, 10, got), -1);
	OPENSSL_free(der);
}

/* [MS-NLMP] 4.2.4.3: a CHALLENGE with every flag the client requires. */
static const uint8_t nlmp_challenge[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x0c, 0x00, 0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x8a, 0xe2,
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x24, 0x00, 0x44, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f, 0x53, 0x00, 0x65, 0x00,
    0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00, 0x02, 0x00, 0x0c, 0x00,
    0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00,
    0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t ntlm_list[] = {0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01,
                                    0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

/* The next request's "Authorization: SCHEME <token>", decoded into OUT;
 * the request's WebSocket key into KEY. Returns the token's length. */
static size_t
read_auth(struct gwt *t, const char *scheme, uint8_t *out, size_t cap,
          char *wskey, size_t kcap)
{
	char req[16384], want[64];
	size_t n = srv_read(t, (uint8_t *)req, sizeof(req) - 1), len = 0;
	const char *a, *e, *k;

	req[n] = '\0';
	snprintf(want, sizeof(want), "Authorization: %s ", scheme);
	a = strstr(req, want);
	assert_non_null(a);
	a += strlen(want);
	e = strstr(a, "\r\n");
	assert_non_null(e);
	assert_int_equal(
	    rdd_b64_decode(out, cap, &len, (const uint8_t *)a, (size_t)(e - a)),
	    0);
	k = strstr(req, "Sec-WebSocket-Key: ");
	assert_non_null(k);
	k += strlen("Sec-WebSocket-Key: ");
	e = strstr(k, "\r\n");
	snprintf(wskey, kcap, "%.*s", (int)(e - k), k);
	return len;
}

/* "HTTP/1.1 STATUS ...\r\nWWW-Authenticate: Negotiate <TOK>" + REST. */
static void
negotiate_answer(struct gwt *t, const char *status, const uint8_t *tok,
                 size_t len, const char *rest)
{
	char b64[8192], rsp[9000];

	assert_true(rdd_b64_encode(b64, sizeof(b64), tok, len) > 0);
	snprintf(rsp, sizeof(rsp),
	         "HTTP/1.1 %s\r\nWWW-Authenticate: Negotiate %s\r\n%s", status,
	         b64, rest);
	srv_answer(t, rsp);
}

/* How the Negotiate sign-in goes on after the CHALLENGE. */
enum nego_end {
	NEGO_OK,       /* 101 with the server's good mechListMIC */
	NEGO_BAD_MIC,  /* 101 with a wrong one */
	NEGO_401,      /* 401 after the AUTHENTICATE */
	NEGO_REJECT,   /* reject instead of the CHALLENGE */
	NEGO_BARE_401, /* 401 Negotiate without a token to the SPNEGO */
	NEGO_KRB_MECH  /* the 401's token picks Kerberos */
};

static void
negotiate_walk(enum nego_end end)
{
	static struct rdd_credentials cr = {"gwuser", "LAB", "Passw0rd!",
	                                    false};
	uint8_t neg[256], tok[8192], out[512], mic[16], smic[16];
	struct rdd_spnego_init in;
	struct rdd_spnego_resp r;
	struct rdd_ntlm_sec server;
	struct rdd_buf b;
	struct rdd_cur c;
	size_t neg_len, len;
	char k[64], acc[29], rsp[512];
	struct gwt t;

	start_creds(&t, &cr);
	/* 1: raw NTLM NEGOTIATE; the 401 offers Negotiate only, with a
	 * body to read past. */
	neg_len = read_auth(&t, "NTLM", neg, sizeof(neg), k, sizeof(k));
	assert_string_equal(t.info.auth_scheme, "NTLM");
	srv_answer(&t, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: "
	               "Negotiate\r\nContent-Length: 5\r\n\r\nnope\n");
	assert_false(rdd_gw_done(t.g));
	/* 2: the same NEGOTIATE in a NegTokenInit offering NTLM. */
	len = read_auth(&t, "Negotiate", tok, sizeof(tok), k, sizeof(k));
	rdd_cur_init(&c, tok, len);
	assert_int_equal(rdd_spnego_parse_init(&c, &in), 0);
	assert_true(in.first_ntlm && in.n_mechs == 1 && in.has_token);
	assert_int_equal(in.token.len, neg_len);
	assert_memory_equal(in.token.p, neg, neg_len);
	assert_string_equal(t.info.auth_scheme, "Negotiate");
	assert_string_equal(t.info.auth_mechanism, "ntlm");
	rdd_buf_init(&b, out, sizeof(out));
	if (end == NEGO_BARE_401) {
		srv_answer(&t, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: "
		               "Negotiate\r\nContent-Length: 0\r\n\r\n");
		assert_int_equal(t.info.outcome, RDD_GW_AUTH_KERBEROS);
		assert_non_null(strstr(t.info.detail, "NTLM inside Negotiate"));
		assert_int_equal(t.info.requests, 2);
		finish(&t);
		return;
	}
	if (end == NEGO_REJECT || end == NEGO_KRB_MECH) {
		assert_int_equal(
		    rdd_spnego_build_resp(
		        &b, end == NEGO_REJECT ? RDD_SPNEGO_REJECT : 1,
		        end == NEGO_KRB_MECH ? rdd_oid_krb5 : NULL,
		        end == NEGO_KRB_MECH ? sizeof(rdd_oid_krb5) : 0, NULL,
		        0, NULL, 0),
		    0);
		negotiate_answer(&t, "401 Unauthorized", out, b.len,
		                 "Content-Length: 0\r\n\r\n");
		assert_int_equal(t.info.outcome, RDD_GW_AUTH_KERBEROS);
		assert_non_null(strstr(
		    t.info.detail, end == NEGO_REJECT ? "reject" : "Kerberos"));
		finish(&t);
		return;
	}
	assert_int_equal(rdd_spnego_build_resp(
	                     &b, 1, rdd_oid_ntlm, sizeof(rdd_oid_ntlm),
	                     nlmp_challenge, sizeof(nlmp_challenge), NULL, 0),
	                 0);
	negotiate_answer(&t, "401 Unauthorized", out, b.len,
	                 "Content-Length: 0\r\n\r\n");
	/* 3: the AUTHENTICATE in a NegTokenResp with the mechListMIC. */
	len = read_auth(&t, "Negotiate", tok, sizeof(tok), k, sizeof(k));
	rdd_cur_init(&c, tok, len);
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), 0);
	assert_true(r.has_token && r.has_mic);
	assert_int_equal(r.neg_state, -1);
	assert_int_equal(r.mic.len, 16);
	rdd_cur_init(&c, r.token.p, r.token.len);
	assert_int_equal(rdd_ntlm_message_type(&c), RDD_NTLM_AUTHENTICATE);
	assert_true(t.info.ntlm && t.info.channel_binding);
	assert_int_equal(t.info.requests, 3);
	/* The gateway's side of the keys checks the client's MIC. */
	assert_int_equal(rdd__ntlm_sec_init(&server,
	                                    t.g->nego_sec.exported_session_key,
	                                    t.g->nego_sec.flags, true),
	                 0);
	assert_int_equal(rdd_ntlm_verify(&server, ntlm_list, sizeof(ntlm_list),
	                                 r.mic.p, r.mic.len),
	                 0);
	assert_int_equal(
	    rdd_ntlm_sign(&server, ntlm_list, sizeof(ntlm_list), smic), 0);
	rdd_ntlm_sec_free(&server);
	if (end == NEGO_401) {
		srv_answer(&t, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: "
		               "Negotiate\r\nContent-Length: 0\r\n\r\n");
		assert_int_equal(t.info.outcome, RDD_GW_AUTH_FAILED);
		assert_non_null(strstr(t.info.detail, "inside Negotiate"));
		finish(&t);
		return;
	}
	memcpy(mic, smic, sizeof(mic));
	if (end == NEGO_BAD_MIC)
		mic[9] ^= 0x40;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_spnego_build_resp(&b, 0, NULL, 0, NULL, 0, mic, sizeof(mic)),
	    0);
	assert_int_equal(rdd_ws_accept(k, acc), 0);
	snprintf(rsp, sizeof(rsp),
	         "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	         "Sec-WebSocket-Accept: %s\r\n\r\n",
	         acc);
	negotiate_answer(&t, "101 Switching Protocols", out, b.len, rsp);
	assert_int_equal(t.info.status, 101);
	assert_string_equal(t.info.transport, "websocket");
	assert_string_equal(t.info.auth_server_mic,
	                    end == NEGO_OK ? "verified" : "bad");
	assert_false(rdd_gw_done(t.g));
	finish(&t);
}

/* A gateway offering Negotiate only: NTLM inside SPNEGO, and each way it
 * can end. */
static void
test_gw_negotiate(void **state)
{
	(void)state;
	negotiate_walk(NEGO_OK);
	negotiate_walk(NEGO_BAD_MIC);
	negotiate_walk(NEGO_401);
	negotiate_walk(NEGO_REJECT);
	negotiate_walk(NEGO_BARE_401);
	negotiate_walk(NEGO_KRB_MECH);
}

/* Gateway tokens that do not parse, and every truncation of one: a
 * finding (malformed), never a crash. */
static void
test_gw_negotiate_malformed(void **state)
{
	static struct rdd_credentials cr = {"gwuser", "LAB", "Passw0rd!",
	                                    false};
	uint8_t tok[1024], out[512];
	struct rdd_spnego_resp r;
	struct rdd_buf b;
	size_t n, whole;
	char k[64];
	struct gwt t;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_spnego_build_resp(
	                     &b, 1, rdd_oid_ntlm, sizeof(rdd_oid_ntlm),
	                     nlmp_challenge, sizeof(nlmp_challenge), NULL, 0),
	                 0);
	whole = b.len;
	assert_int_equal(rdd__gw_nego_decode((const uint8_t *)"AA==", 4, tok,
	                                     sizeof(tok), &r),
	                 -1);
	for (n = 1; n < whole; n++) {
		start_creds(&t, &cr);
		(void)read_auth(&t, "NTLM", tok, sizeof(tok), k, sizeof(k));
		srv_answer(&t, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate:"
		               " Negotiate\r\nContent-Length: 0\r\n\r\n");
		(void)read_auth(&t, "Negotiate", tok, sizeof(tok), k,
		                sizeof(k));
		negotiate_answer(&t, "401 Unauthorized", out, n,
		                 "Content-Length: 0\r\n\r\n");
		assert_int_equal(t.info.outcome, RDD_GW_MALFORMED);
		finish(&t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gw_healthy_walk),
	    cmocka_unit_test(test_gw_large_frames),
	    cmocka_unit_test(test_gw_refusals),
	    cmocka_unit_test(test_gw_unexpected),
	    cmocka_unit_test(test_gw_http),
	    cmocka_unit_test(test_gw_rpc_only),
	    cmocka_unit_test(test_gw_silence),
	    cmocka_unit_test(test_gw_close_channel),
	    cmocka_unit_test(test_gw_cbt),
	    cmocka_unit_test(test_gw_negotiate),
	    cmocka_unit_test(test_gw_negotiate_malformed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
