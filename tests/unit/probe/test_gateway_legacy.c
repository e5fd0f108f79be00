/*
 * test_gateway_legacy.c - lib/probe/gateway_legacy.c: the walk through an
 * RD Gateway over the legacy HTTP transport (reference 1.3), against two
 * in-memory TLS servers (probe_harness), OUT and IN: 200 to the upgrade
 * with a seed, the second connection asked of the driver, RDG_IN_DATA
 * with the same RDG-Connection-Id, 200, the chunked request with each
 * packet one chunk, the MS-TSGU steps answered in the OUT body (raw, no
 * WebSocket), to the target's X.224 answer through the channel. Then the
 * OUT body chunked and split at every byte, a 100-byte seed, and each
 * failure of the new steps with its step and code: IN refused, IN HTTP
 * 403, IN closed after the chunked request (event 210), IN silent
 * (deadline), OUT 200 with an empty body, the OUT body ending early.
 * Last the sign-in on both connections under Negotiate (NTLM inside
 * SPNEGO, each with its own mechListMICs), and raw NTLM on the OUT
 * connection with a Negotiate-only IN channel.
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
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "probe/gateway_int.h"
#include "probe_harness.h"
#include "rdpdoctor/gateway.h"
#include "rdpdoctor/probe.h"
#include "wire/ntlm_auth_int.h"
#include "wire/spnego.h"

static EVP_PKEY *key, *key2;
static X509 *cert, *cert2;

#define T0 1000000ull
#define TIMEOUT_US 5000000ull

/* [MS-TSGU] 4.2.1 values (reference 8.1), as in test_gateway.c. */
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
static const uint8_t channel_rsp[] = {0x09, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00,
                                      0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
                                      0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
static const uint8_t rap_denied[] = {0x09, 0x00, 0x00, 0x00, 0x10, 0x00,
                                     0x00, 0x00, 0xda, 0x59, 0x07, 0x80,
                                     0x00, 0x00, 0x00, 0x00};
static const uint8_t want_handshake[] = {0x01, 0x00, 0x00, 0x00, 0x0e,
                                         0x00, 0x00, 0x00, 0x01, 0x00,
                                         0x00, 0x00, 0x00, 0x00};
static const uint8_t want_tunnel_create[] = {0x04, 0x00, 0x00, 0x00, 0x10, 0x00,
                                             0x00, 0x00, 0x0d, 0x00, 0x00, 0x00,
                                             0x00, 0x00, 0x00, 0x00};
static const uint8_t seed[10] = {0xab, 0xcd, 0xab, 0xcd, 0xab,
                                 0xcd, 0xab, 0xcd, 0xab, 0xcd};

struct lgt {
	struct tls_peer out, in;
	bool in_up;
	struct rdd_gw *g;
	struct rdd_gateway_info info;
	struct rdd_attempt att;
	uint64_t now;
	char conn_id[64];
	uint8_t pkt[70000];
	size_t pkt_len;
	/* The IN channel's body as the server reads it (chunks). */
	struct rdd_http_body in_body;
	uint8_t in_raw[70000];
	size_t in_raw_len;
};

static int
setup(void **state)
{
	(void)state;
	if (self_signed("gw.example.com", 7, &key, &cert) != 0)
		return -1;
	return self_signed("gw.example.com", 8, &key2, &cert2);
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(key);
	X509_free(cert);
	EVP_PKEY_free(key2);
	X509_free(cert2);
	return 0;
}

/* Move bytes on both connections until nothing moves. */
static void
pump(struct lgt *t)
{
	int i;

	for (i = 0; i < 100; i++) {
		bool moved = gw_peer_round(t->g, &t->out, false, t->now);

		if (t->in_up && gw_peer_round(t->g, &t->in, true, t->now))
			moved = true;
		if (!moved)
			break;
	}
}

static void
start_creds(struct lgt *t, const struct rdd_credentials *cr)
{
	memset(t, 0, sizeof(*t));
	tls_peer_init(&t->out, cert, key, 0);
	t->g = gw_harness_new(cr, T0, TIMEOUT_US, &t->info, &t->att);
	t->now = T0 + 1000;
	rdd_gw_start(t->g, t->now);
	pump(t);
	assert_int_equal(t->info.tls_outcome, RDD_TLS_OK);
}

static void
start(struct lgt *t)
{
	start_creds(t, NULL);
}

static void
finish(struct lgt *t)
{
	rdd_gw_free(t->g);
	tls_peer_free(&t->out);
	if (t->in_up)
		tls_peer_free(&t->in);
}

static size_t
peer_read(struct lgt *t, struct tls_peer *s, char *buf, size_t cap)
{
	int n;

	pump(t);
	n = SSL_read(s->ssl, buf, (int)cap - 1);
	if (n <= 0)
		n = 0;
	buf[n] = '\0';
	return (size_t)n;
}

static void
peer_write(struct lgt *t, struct tls_peer *s, const void *p, size_t n)
{
	assert_int_equal(SSL_write(s->ssl, p, (int)n), (int)n);
	pump(t);
}

/* The value of header NAME in REQ into OUT. */
static void
header(const char *req, const char *name, char *out, size_t cap)
{
	const char *k = strstr(req, name), *e;

	assert_non_null(k);
	k += strlen(name);
	e = strstr(k, "\r\n");
	assert_non_null(e);
	snprintf(out, cap, "%.*s", (int)(e - k), k);
}

/* OUT: the upgrade request, answered 200 with HEAD's headers and then
 * BODY (the seed, its framing as the test wants). */
static void
out_200(struct lgt *t, const char *head, const void *body, size_t n)
{
	char req[16384];

	peer_read(t, &t->out, req, sizeof(req));
	assert_non_null(strstr(req, "RDG_OUT_DATA /remoteDesktopGateway/"));
	assert_non_null(strstr(req, "Upgrade: websocket\r\n"));
	header(req, "RDG-Connection-Id: ", t->conn_id, sizeof(t->conn_id));
	peer_write(t, &t->out, head, strlen(head));
	if (n > 0)
		peer_write(t, &t->out, body, n);
	assert_int_equal(t->info.status, 200);
	assert_string_equal(t->info.transport, "legacy");
	assert_int_equal(t->info.step, RDD_GW_STEP_HTTP_IN);
	assert_true(rdd_gw_in_wanted(t->g));
	assert_false(rdd_gw_done(t->g));
}

/* The driver connected the IN channel; its TLS handshake runs. */
static void
in_connect(struct lgt *t, X509 *c, EVP_PKEY *k)
{
	tls_peer_init(&t->in, c, k, 0);
	t->in_up = true;
	t->now += 500;
	rdd_gw_in_connected(t->g, t->now);
	assert_false(rdd_gw_in_wanted(t->g));
	pump(t);
	assert_int_equal(t->info.in_tcp, RDD_TCP_OK);
	assert_int_equal(t->info.in_tls_outcome, RDD_TLS_OK);
	assert_int_equal(t->info.connections, 2);
}

/* IN: RDG_IN_DATA with the OUT's Connection-Id, no upgrade; answered. */
static void
in_request(struct lgt *t, const char *answer)
{
	char req[16384], id[64];

	peer_read(t, &t->in, req, sizeof(req));
	assert_non_null(strstr(req, "RDG_IN_DATA /remoteDesktopGateway/ "
	                            "HTTP/1.1\r\n"));
	assert_null(strstr(req, "Upgrade"));
	assert_non_null(strstr(req, "Content-Length: 0\r\n"));
	header(req, "RDG-Connection-Id: ", id, sizeof(id));
	assert_string_equal(id, t->conn_id);
	peer_write(t, &t->in, answer, strlen(answer));
}

/* The client's next packet, one chunk of the IN channel's body (after
 * what t->in_raw holds already). */
static void
in_pkt(struct lgt *t)
{
	char buf[70000];
	struct rdd_cur c, data;
	int i;

	t->pkt_len = 0;
	for (i = 0; i < 4; i++) {
		size_t n;

		if (t->in_raw_len == 0) {
			n = peer_read(t, &t->in, buf, sizeof(buf));
			assert_true(n > 0);
			memcpy(t->in_raw, buf, n);
			t->in_raw_len = n;
		}
		rdd_cur_init(&c, t->in_raw, t->in_raw_len);
		while (rdd_cur_left(&c) > 0) {
			assert_true(
			    rdd_http_body_next(&t->in_body, &c, &data) >= 0);
			memcpy(t->pkt + t->pkt_len, data.p,
			       rdd_cur_left(&data));
			t->pkt_len += rdd_cur_left(&data);
		}
		t->in_raw_len = 0;
		if (t->pkt_len >= 8 &&
		    (size_t)(t->pkt[4] | t->pkt[5] << 8) == t->pkt_len)
			return;
	}
	fail_msg("no whole packet on the IN channel (%zu bytes)", t->pkt_len);
}

/* IN, its RDG_IN_DATA answered 200 (after REQS requests): the chunked
 * request and the HANDSHAKE_REQUEST chunk. */
static void
in_chunked(struct lgt *t, unsigned reqs)
{
	char req[16384];
	const char *body;
	size_t n;

	n = peer_read(t, &t->in, req, sizeof(req));
	assert_non_null(strstr(req, "RDG_IN_DATA /remoteDesktopGateway/"));
	assert_non_null(strstr(req, "Transfer-Encoding: chunked\r\n"));
	assert_null(strstr(req, "Authorization"));
	body = strstr(req, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	/* The first chunk: "E\r\n" + HANDSHAKE_REQUEST + "\r\n". */
	rdd_http_body_init(&t->in_body, RDD_HTTP_BODY_CHUNKED, 0);
	t->in_raw_len = n - (size_t)(body - req);
	memcpy(t->in_raw, body, t->in_raw_len);
	in_pkt(t);
	assert_int_equal(t->pkt_len, sizeof(want_handshake));
	assert_memory_equal(t->pkt, want_handshake, sizeof(want_handshake));
	assert_int_equal(t->info.step, RDD_GW_STEP_HANDSHAKE);
	assert_int_equal(t->info.in_requests, reqs + 1);
}

/* IN: 200, then the chunked request and the HANDSHAKE_REQUEST chunk. */
static void
in_open(struct lgt *t)
{
	in_request(t, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	in_chunked(t, 1);
}

/* The rest of the walk, the gateway's packets raw in the OUT body (or,
 * CHUNKED, each in a chunk), to the target's Connection Request. */
static void
rest_of_walk(struct lgt *t, bool chunked)
{
	const uint8_t *pk[4] = {handshake_rsp, tunnel_rsp, tunnel_auth_rsp,
	                        channel_rsp};
	size_t pn[4] = {sizeof(handshake_rsp), sizeof(tunnel_rsp),
	                sizeof(tunnel_auth_rsp), sizeof(channel_rsp)};
	int i;

	for (i = 0; i < 4; i++) {
		if (chunked) {
			char h[16];

			snprintf(h, sizeof(h), "%zx\r\n", pn[i]);
			peer_write(t, &t->out, h, strlen(h));
		}
		peer_write(t, &t->out, pk[i], pn[i]);
		if (chunked)
			peer_write(t, &t->out, "\r\n", 2);
		in_pkt(t);
		if (i == 0)
			assert_memory_equal(t->pkt, want_tunnel_create,
			                    sizeof(want_tunnel_create));
		if (i == 1)
			assert_int_equal(t->pkt[0], RDD_TSGU_TUNNEL_AUTH);
		if (i == 2)
			assert_int_equal(t->pkt[0], RDD_TSGU_CHANNEL_CREATE);
	}
	/* The target's Connection Request in a DATA packet. */
	assert_int_equal(t->info.outcome, RDD_GW_OK);
	assert_int_equal(t->info.step, RDD_GW_STEP_DATA);
	assert_int_equal(t->pkt[0], RDD_TSGU_DATA);
	assert_int_equal(t->pkt[10], 0x03); /* TPKT */
}

static const char out_close[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n";

static void
test_lg_healthy_walk(void **state)
{
	struct lgt t;
	struct rdd_observation obs;

	(void)state;
	start(&t);
	out_200(&t, out_close, seed, sizeof(seed));
	in_connect(&t, cert, key);
	assert_false(t.info.in_cert_differs);
	in_open(&t);
	rest_of_walk(&t, false);
	assert_int_equal(t.info.filler_bytes, 10);
	assert_int_equal(t.info.requests, 3);
	assert_int_equal(t.att.tcp, RDD_TCP_OK);
	rdd_observation_init(&obs);
	obs.gateway = t.info;
	rdd_gw_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_HTTP].status,
	                 RDD_STATUS_OK);
	assert_non_null(strstr(obs.phases[RDD_PHASE_GATEWAY_HTTP].detail,
	                       "legacy HTTP transport after 3 requests on 2 "
	                       "connections"));
	assert_int_equal(obs.phases[RDD_PHASE_GATEWAY_CHANNEL].status,
	                 RDD_STATUS_OK);
	finish(&t);
}

/* A RAP refusal in the OUT body: the step and the code, as WebSocket. */
static void
test_lg_rap_denied(void **state)
{
	struct lgt t;

	(void)state;
	start(&t);
	out_200(&t, out_close, seed, sizeof(seed));
	in_connect(&t, cert, key);
	in_open(&t);
	peer_write(&t, &t.out, handshake_rsp, sizeof(handshake_rsp));
	in_pkt(&t);
	peer_write(&t, &t.out, tunnel_rsp, sizeof(tunnel_rsp));
	in_pkt(&t);
	peer_write(&t, &t.out, tunnel_auth_rsp, sizeof(tunnel_auth_rsp));
	in_pkt(&t);
	peer_write(&t, &t.out, rap_denied, sizeof(rap_denied));
	assert_int_equal(t.info.outcome, RDD_GW_REFUSED);
	assert_int_equal(t.info.step, RDD_GW_STEP_CHANNEL);
	assert_int_equal(t.info.code, 0x800759DAu);
	assert_true(rdd_gw_done(t.g));
	finish(&t);
}

/*
 * The OUT body chunked, its bytes (seed chunk and the handshake answer's
 * chunk) split at every byte: the same walk each time. Seed bytes that
 * come after the IN channel opened are still skipped (up to 10).
 */
static void
test_lg_out_chunked_every_split(void **state)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	                           "chunked\r\n\r\n";
	uint8_t body[128];
	size_t n = 0, k;

	(void)state;
	memcpy(body, "a\r\n", 3);
	n = 3;
	memcpy(body + n, seed, 10);
	n += 10;
	memcpy(body + n, "\r\n12\r\n", 6);
	n += 6;
	memcpy(body + n, handshake_rsp, sizeof(handshake_rsp));
	n += sizeof(handshake_rsp);
	memcpy(body + n, "\r\n", 2);
	n += 2;
	for (k = 0; k <= n; k++) {
		/* The seed's bytes before K come before the IN channel;
		 * the rest in two writes split at K. */
		size_t pre = k < 13 ? k : 13;
		struct lgt t;

		start(&t);
		out_200(&t, head, body, pre);
		in_connect(&t, cert, key);
		in_open(&t);
		if (k > pre)
			peer_write(&t, &t.out, body + pre, k - pre);
		if (n > (k > pre ? k : pre))
			peer_write(&t, &t.out, body + (k > pre ? k : pre),
			           n - (k > pre ? k : pre));
		in_pkt(&t);
		assert_memory_equal(t.pkt, want_tunnel_create,
		                    sizeof(want_tunnel_create));
		assert_int_equal(t.info.filler_bytes, 10);
		assert_int_equal(t.info.step, RDD_GW_STEP_TUNNEL_CREATE);
		finish(&t);
	}
	/* And the whole walk with every packet chunked. */
	{
		struct lgt t;

		start(&t);
		out_200(&t, head,
		        "a\r\n\xab\xcd\xab\xcd\xab\xcd\xab\xcd\xab\xcd\r\n",
		        15);
		in_connect(&t, cert, key);
		in_open(&t);
		rest_of_walk(&t, true);
		finish(&t);
	}
}

/* [MS-TSGU]'s 100-byte seed, all before the IN channel: skipped. */
static void
test_lg_seed_100(void **state)
{
	uint8_t s100[100];
	struct lgt t;

	(void)state;
	memset(s100, 0xab, sizeof(s100));
	start(&t);
	out_200(&t, out_close, s100, sizeof(s100));
	in_connect(&t, cert, key);
	in_open(&t);
	rest_of_walk(&t, false);
	assert_int_equal(t.info.filler_bytes, 100);
	finish(&t);
}

/* The IN channel on another certificate: judged on its own. */
static void
test_lg_other_cert(void **state)
{
	struct lgt t;

	(void)state;
	start(&t);
	out_200(&t, out_close, seed, sizeof(seed));
	in_connect(&t, cert2, key2);
	assert_true(t.info.in_cert_differs);
	assert_true(t.info.in_tls.cert.present);
	finish(&t);
}

/* Each failure of the new steps: its step, outcome and native code. */
static void
test_lg_failures(void **state)
{
	struct lgt t;
	char req[4096];

	(void)state;
	/* OUT 200 with an empty body: no OUT channel. */
	start(&t);
	peer_read(&t, &t.out, req, sizeof(req));
	peer_write(&t, &t.out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	           38);
	assert_int_equal(t.info.outcome, RDD_GW_MALFORMED);
	assert_false(rdd_gw_in_wanted(t.g));
	finish(&t);

	/* The IN channel's TCP connect refused. */
	start(&t);
	out_200(&t, out_close, seed, sizeof(seed));
	rdd_gw_in_failed(t.g, RDD_TCP_REFUSED, "ECONNREFUSED", 111,
	                 "connection refused", t.now + 100);
	assert_int_equal(t.info.outcome, RDD_GW_TCP_FAILED);
	assert_int_equal(t.info.step, RDD_GW_STEP_HTTP_IN);
	assert_int_equal(t.info.in_tcp, RDD_TCP_REFUSED);
	assert_string_equal(t.info.in_tcp_errname, "ECONNREFUSED");
	assert_true(rdd_gw_done(t.g));
	finish(&t);

	/* No TCP connection for the IN channel: the deadline. */
	start(&t);
	out_200(&t, out_close, seed, sizeof(seed));
	assert_int_equal(rdd_gw_deadline(t.g), t.now + TIMEOUT_US);
	rdd_gw_tick(t.g, t.now + TIMEOUT_US - 1);
	assert_false(rdd_gw_done(t.g));
	rdd_gw_tick(t.g, t.now + TIMEOUT_US);
	assert_int_equal(t.info.outcome, RDD_GW_TIMEOUT);
	assert_int_equal(t.info.in_tcp, RDD_TCP_TIMEOUT);
	finish(&t);

	/* HTTP 403 to RDG_IN_DATA. */
	start(&t);
	out_200(&t, out_close, seed, sizeof(seed));
	in_connect(&t, cert, key);
	in_request(&t, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(t.info.outcome, RDD_GW_HTTP_STATUS);
	assert_int_equal(t.info.status, 403);
	assert_int_equal(t.info.in_status, 403);
	assert_int_equal(t.info.step, RDD_GW_STEP_HTTP_IN);
	finish(&t);

	/* 401 on the IN channel without credentials. */
	start(&t);
	out_200(&t, out_close, seed, sizeof(seed));
	in_connect(&t, cert, key);
	in_request(&t, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: "
	               "NTLM\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(t.info.outcome, RDD_GW_AUTH_NO_CREDENTIALS);
	assert_int_equal(t.info.step, RDD_GW_STEP_HTTP_IN);
	finish(&t);

	/* The IN channel closed after the chunked request: event 210. */
	start(&t);
	out_200(&t, out_close, seed, sizeof(seed));
	in_connect(&t, cert, key);
	in_open(&t);
	rdd_gw_in_peer_closed(t.g, false, t.now);
	assert_int_equal(t.info.outcome, RDD_GW_CLOSED);
	assert_int_equal(t.info.step, RDD_GW_STEP_HANDSHAKE);
	assert_non_null(strstr(t.info.detail, "event 210"));
	finish(&t);

	/* A silent OUT channel after the handshake request: the deadline;
	 * a trickle of seed-like bytes does not move it. */
	start(&t);
	out_200(&t, out_close, seed, sizeof(seed));
	in_connect(&t, cert, key);
	in_open(&t);
	peer_write(&t, &t.out, "\x02", 1);
	rdd_gw_tick(t.g, t.now + TIMEOUT_US);
	assert_int_equal(t.info.outcome, RDD_GW_TIMEOUT);
	assert_int_equal(t.info.step, RDD_GW_STEP_HANDSHAKE);
	finish(&t);

	/* The OUT body (Content-Length) ends before the handshake answer. */
	start(&t);
	out_200(&t, "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n", seed,
	        sizeof(seed));
	in_connect(&t, cert, key);
	in_open(&t);
	peer_write(&t, &t.out, handshake_rsp, 4);
	assert_int_equal(t.info.outcome, RDD_GW_CLOSED);
	assert_int_equal(t.info.step, RDD_GW_STEP_HANDSHAKE);
	finish(&t);

	/* A status on the IN channel once it is open. */
	start(&t);
	out_200(&t, out_close, seed, sizeof(seed));
	in_connect(&t, cert, key);
	in_open(&t);
	{
		static const char e500[] = "HTTP/1.1 500 Internal Server "
		                           "Error\r\nContent-Length: 0\r\n\r\n";

		peer_write(&t, &t.in, e500, strlen(e500));
	}
	assert_int_equal(t.info.outcome, RDD_GW_HTTP_STATUS);
	assert_int_equal(t.info.in_status, 500);
	finish(&t);
}

/* [MS-NLMP] 4.2.4.3: a CHALLENGE with every flag the client requires
 * (as in test_gateway.c). */
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

/* The MechTypeList {NTLM} the mechListMICs cover. */
static const uint8_t ntlm_list[] = {0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01,
                                    0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

static struct rdd_credentials creds = {"gwuser", "LAB", "Passw0rd!", false};

/* S's next request: METHOD, with "Authorization: SCHEME <token>" decoded
 * into OUT (its length returned); the Connection-Id kept from OUT's. */
static size_t
read_auth(struct lgt *t, struct tls_peer *s, const char *method,
          const char *scheme, uint8_t *out, size_t cap)
{
	char req[16384], want[64];
	const char *a, *e;
	size_t len = 0;

	peer_read(t, s, req, sizeof(req));
	assert_non_null(strstr(req, method));
	if (s == &t->out)
		header(req, "RDG-Connection-Id: ", t->conn_id,
		       sizeof(t->conn_id));
	snprintf(want, sizeof(want), "Authorization: %s ", scheme);
	a = strstr(req, want);
	assert_non_null(a);
	a += strlen(want);
	e = strstr(a, "\r\n");
	assert_non_null(e);
	assert_int_equal(
	    rdd_b64_decode(out, cap, &len, (const uint8_t *)a, (size_t)(e - a)),
	    0);
	return len;
}

/* On S: "HTTP/1.1 STATUS\r\nWWW-Authenticate: SCHEME <TOK>\r\n" + REST. */
static void
auth_answer(struct lgt *t, struct tls_peer *s, const char *status,
            const char *scheme, const uint8_t *tok, size_t len,
            const char *rest)
{
	char b64[8192], rsp[9000];

	assert_true(rdd_b64_encode(b64, sizeof(b64), tok, len) > 0);
	snprintf(rsp, sizeof(rsp),
	         "HTTP/1.1 %s\r\nWWW-Authenticate: %s %s\r\n%s", status, scheme,
	         b64, rest);
	peer_write(t, s, rsp, strlen(rsp));
}

/* On S: a 401 offering SCHEME, without a token. */
static void
bare_401(struct lgt *t, struct tls_peer *s, const char *scheme)
{
	char rsp[256];

	snprintf(rsp, sizeof(rsp),
	         "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: "
	         "%s\r\nContent-Length: 0\r\n\r\n",
	         scheme);
	peer_write(t, s, rsp, strlen(rsp));
}

/* On S, after its NegTokenInit: the CHALLENGE in a NegTokenResp, then
 * the AUTHENTICATE's NegTokenResp read and its mechListMIC checked with
 * the client's keys SEC (the gateway's side of them); the gateway's
 * mechListMIC into SMIC. */
static void
nego_leg(struct lgt *t, struct tls_peer *s, const char *method,
         const struct rdd_ntlm_sec *sec, uint8_t smic[16])
{
	uint8_t out[512], tok[8192];
	struct rdd_spnego_resp r;
	struct rdd_ntlm_sec server;
	struct rdd_buf b;
	struct rdd_cur c;
	size_t len;

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_spnego_build_resp(
	                     &b, 1, rdd_oid_ntlm, sizeof(rdd_oid_ntlm),
	                     nlmp_challenge, sizeof(nlmp_challenge), NULL, 0),
	                 0);
	auth_answer(t, s, "401 Unauthorized", "Negotiate", out, b.len,
	            "Content-Length: 0\r\n\r\n");
	len = read_auth(t, s, method, "Negotiate", tok, sizeof(tok));
	rdd_cur_init(&c, tok, len);
	assert_int_equal(rdd_spnego_parse_resp(&c, &r), 0);
	assert_true(r.has_token && r.has_mic);
	rdd_cur_init(&c, r.token.p, r.token.len);
	assert_int_equal(rdd_ntlm_message_type(&c), RDD_NTLM_AUTHENTICATE);
	assert_int_equal(rdd__ntlm_sec_init(&server, sec->exported_session_key,
	                                    sec->flags, true),
	                 0);
	assert_int_equal(rdd_ntlm_verify(&server, ntlm_list, sizeof(ntlm_list),
	                                 r.mic.p, r.mic.len),
	                 0);
	assert_int_equal(
	    rdd_ntlm_sign(&server, ntlm_list, sizeof(ntlm_list), smic), 0);
	rdd_ntlm_sec_free(&server);
}

/* The NegTokenInit S's request carries: {NTLM; the NEGOTIATE}. */
static void
read_init(struct lgt *t, struct tls_peer *s, const char *method)
{
	uint8_t tok[1024];
	struct rdd_spnego_init in;
	struct rdd_cur c;
	size_t len;

	len = read_auth(t, s, method, "Negotiate", tok, sizeof(tok));
	rdd_cur_init(&c, tok, len);
	assert_int_equal(rdd_spnego_parse_init(&c, &in), 0);
	assert_true(in.first_ntlm && in.has_token);
}

/* OUT signed in under Negotiate (raw NTLM, 401 Negotiate only, NTLM in
 * SPNEGO), 200 with the gateway's mechListMIC and the seed; the IN
 * channel connected. */
static void
out_negotiate(struct lgt *t)
{
	uint8_t tok[1024], smic[16], out[64];
	struct rdd_buf b;
	char rest[128];

	start_creds(t, &creds);
	(void)read_auth(t, &t->out, "RDG_OUT_DATA", "NTLM", tok, sizeof(tok));
	bare_401(t, &t->out, "Negotiate");
	read_init(t, &t->out, "RDG_OUT_DATA");
	nego_leg(t, &t->out, "RDG_OUT_DATA", &t->g->nego_sec, smic);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_spnego_build_resp(&b, 0, NULL, 0, NULL, 0, smic, sizeof(smic)),
	    0);
	snprintf(rest, sizeof(rest),
	         "Content-Type: application/octet-stream\r\n\r\n");
	auth_answer(t, &t->out, "200 OK", "Negotiate", out, b.len, rest);
	peer_write(t, &t->out, seed, sizeof(seed));
	assert_int_equal(t->info.status, 200);
	assert_string_equal(t->info.transport, "legacy");
	assert_string_equal(t->info.auth_scheme, "Negotiate");
	assert_string_equal(t->info.auth_server_mic, "verified");
	assert_int_equal(t->info.requests, 3);
	assert_true(rdd_gw_in_wanted(t->g));
	in_connect(t, cert, key);
}

/* The sign-in under Negotiate on both connections: the IN channel goes
 * straight to NTLM inside SPNEGO, a fresh exchange with its own keys and
 * mechListMICs, to the target; a wrong password there is refused, not
 * Kerberos-only. */
static void
test_lg_negotiate(void **state)
{
	uint8_t smic[16], out[64];
	struct rdd_buf b;
	struct lgt t;

	(void)state;
	out_negotiate(&t);
	/* IN: no raw NTLM first: the OUT connection's scheme. */
	read_init(&t, &t.in, "RDG_IN_DATA");
	nego_leg(&t, &t.in, "RDG_IN_DATA", &t.g->lg.nego_sec, smic);
	assert_memory_not_equal(t.g->lg.nego_sec.exported_session_key,
	                        t.g->nego_sec.exported_session_key, 16);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_spnego_build_resp(&b, 0, NULL, 0, NULL, 0, smic, sizeof(smic)),
	    0);
	auth_answer(&t, &t.in, "200 OK", "Negotiate", out, b.len,
	            "Content-Length: 0\r\n\r\n");
	in_chunked(&t, 2);
	rest_of_walk(&t, false);
	assert_string_equal(t.info.auth_server_mic, "verified");
	assert_true(t.info.ntlm && t.info.channel_binding);
	assert_int_equal(t.info.requests, 6);
	finish(&t);

	/* The IN channel's mechListMIC does not verify: said. */
	out_negotiate(&t);
	read_init(&t, &t.in, "RDG_IN_DATA");
	nego_leg(&t, &t.in, "RDG_IN_DATA", &t.g->lg.nego_sec, smic);
	smic[3] ^= 0x10;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_spnego_build_resp(&b, 0, NULL, 0, NULL, 0, smic, sizeof(smic)),
	    0);
	auth_answer(&t, &t.in, "200 OK", "Negotiate", out, b.len,
	            "Content-Length: 0\r\n\r\n");
	in_chunked(&t, 2);
	assert_string_equal(t.info.auth_server_mic, "bad");
	finish(&t);

	/* A wrong password on the IN channel: 401 after its AUTHENTICATE. */
	out_negotiate(&t);
	read_init(&t, &t.in, "RDG_IN_DATA");
	nego_leg(&t, &t.in, "RDG_IN_DATA", &t.g->lg.nego_sec, smic);
	bare_401(&t, &t.in, "Negotiate");
	assert_int_equal(t.info.outcome, RDD_GW_AUTH_FAILED);
	assert_int_equal(t.info.step, RDD_GW_STEP_HTTP_IN);
	assert_non_null(strstr(t.info.detail, "IN channel"));
	assert_non_null(strstr(t.info.detail, "inside Negotiate"));
	finish(&t);

	/* The IN channel refuses NTLM inside Negotiate (a bare 401 to the
	 * NegTokenInit): Kerberos-only, there. */
	out_negotiate(&t);
	read_init(&t, &t.in, "RDG_IN_DATA");
	bare_401(&t, &t.in, "Negotiate");
	assert_int_equal(t.info.outcome, RDD_GW_AUTH_KERBEROS);
	assert_int_equal(t.info.step, RDD_GW_STEP_HTTP_IN);
	assert_non_null(strstr(t.info.detail, "IN channel"));
	finish(&t);
}

/* On S: a 401 with NTLM's CHALLENGE, then REST. */
static void
ntlm_challenge(struct lgt *t, struct tls_peer *s, const char *rest)
{
	auth_answer(t, s, "401 Unauthorized", "NTLM", nlmp_challenge,
	            sizeof(nlmp_challenge), rest);
}

/* OUT signed in with raw NTLM, 200 and the seed; the IN channel connected
 * and its first request (raw NTLM's NEGOTIATE) read. */
static void
out_ntlm(struct lgt *t)
{
	uint8_t tok[1024];

	start_creds(t, &creds);
	(void)read_auth(t, &t->out, "RDG_OUT_DATA", "NTLM", tok, sizeof(tok));
	ntlm_challenge(t, &t->out, "Content-Length: 0\r\n\r\n");
	(void)read_auth(t, &t->out, "RDG_OUT_DATA", "NTLM", tok, sizeof(tok));
	peer_write(t, &t->out, out_close, strlen(out_close));
	peer_write(t, &t->out, seed, sizeof(seed));
	assert_string_equal(t->info.auth_scheme, "NTLM");
	assert_true(rdd_gw_in_wanted(t->g));
	in_connect(t, cert, key);
	(void)read_auth(t, &t->in, "RDG_IN_DATA", "NTLM", tok, sizeof(tok));
}

/* Raw NTLM on the OUT connection, Negotiate only on the IN channel: the
 * IN channel's Negotiate-only 401 to raw NTLM moves it to NTLM inside
 * SPNEGO (not Kerberos-only before that was tried). */
static void
test_lg_in_negotiate_only(void **state)
{
	uint8_t smic[16];
	struct lgt t;

	(void)state;
	out_ntlm(&t);
	bare_401(&t, &t.in, "Negotiate");
	assert_false(rdd_gw_done(t.g));
	read_init(&t, &t.in, "RDG_IN_DATA");
	assert_string_equal(t.info.auth_scheme, "Negotiate");
	nego_leg(&t, &t.in, "RDG_IN_DATA", &t.g->lg.nego_sec, smic);
	peer_write(&t, &t.in, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	           38);
	in_chunked(&t, 3);
	rest_of_walk(&t, false);
	assert_int_equal(t.info.outcome, RDD_GW_OK);
	finish(&t);
}

/* Raw NTLM on both connections, and the IN channel refuses the
 * AUTHENTICATE that the OUT connection took: said of the IN channel. */
static void
test_lg_in_ntlm_refused(void **state)
{
	uint8_t tok[1024];
	struct lgt t;

	(void)state;
	out_ntlm(&t);
	ntlm_challenge(&t, &t.in, "Content-Length: 0\r\n\r\n");
	(void)read_auth(&t, &t.in, "RDG_IN_DATA", "NTLM", tok, sizeof(tok));
	assert_false(rdd_gw_done(t.g));
	bare_401(&t, &t.in, "NTLM");
	assert_int_equal(t.info.outcome, RDD_GW_AUTH_FAILED);
	assert_int_equal(t.info.step, RDD_GW_STEP_HTTP_IN);
	assert_string_equal(t.info.detail,
	                    "401 on the IN channel after the NTLM "
	                    "AUTHENTICATE: the gateway refused the credentials "
	                    "there (offers NTLM)");
	finish(&t);

	/* A CHALLENGE whose body cannot be read past. */
	out_ntlm(&t);
	ntlm_challenge(&t, &t.in, "Connection: close\r\n\r\n");
	assert_int_equal(t.info.outcome, RDD_GW_MALFORMED);
	assert_non_null(strstr(t.info.detail, "401 on the IN channel with an "
	                                      "NTLM CHALLENGE but no body"));
	finish(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lg_healthy_walk),
	    cmocka_unit_test(test_lg_rap_denied),
	    cmocka_unit_test(test_lg_out_chunked_every_split),
	    cmocka_unit_test(test_lg_seed_100),
	    cmocka_unit_test(test_lg_other_cert),
	    cmocka_unit_test(test_lg_failures),
	    cmocka_unit_test(test_lg_negotiate),
	    cmocka_unit_test(test_lg_in_negotiate_only),
	    cmocka_unit_test(test_lg_in_ntlm_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
