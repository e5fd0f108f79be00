/*
 * test_http_resp.c - lib/wire/http_resp.c: the gateway's HTTP answers of
 * shared/reference/gateway.md 1.3-1.7 and 5.2 (401 with the schemes, the
 * NTLM challenge leg, 101 Switching Protocols, the legacy OUT 200 with no
 * length, chunked bodies), fed whole, byte by byte and cut at every length;
 * the RFC 6455 1.3 Sec-WebSocket-Accept example; malformed and oversized
 * heads; the RDG_OUT_DATA / RDG_IN_DATA builders byte for byte, with
 * FreeRDP 2.11's NTLM NEGOTIATE of reference 5.2 as the token; base64.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/http_resp.h"

static struct rdd_http_resp r;

/* Reference 1.7 and 5.1: a first-leg 401 offering schemes. */
static const char first_401[] =
    "HTTP/1.1 401 Unauthorized\r\n"
    "Server: Microsoft-HTTPAPI/2.0\r\n"
    "WWW-Authenticate: Negotiate\r\n"
    "WWW-Authenticate: NTLM\r\n"
    "WWW-Authenticate: Basic realm=\"restricted\", charset=\"UTF-8\"\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

/* Reference 5.2: FreeRDP 2.11's NEGOTIATE (flags 0xE20882B7). */
static const char negotiate_b64[] =
    "TlRMTVNTUAABAAAAt4II4gAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==";

/* RFC 6455 1.3. */
static const char ws_key[] = "dGhlIHNhbXBsZSBub25jZQ==";
static const char ws_101[] = "HTTP/1.1 101 Switching Protocols\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: "
                             "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                             "\r\n";

/* Reference 1.3 step 2: the legacy OUT 200, no length, 10 seed bytes
 * (AB CD x5, what Server 2019 sends per rdpgw). */
static const char legacy_200[] = "HTTP/1.1 200 OK\r\n"
                                 "Cache-Control: no-cache\r\n"
                                 "\r\n"
                                 "\xab\xcd\xab\xcd\xab\xcd\xab\xcd\xab\xcd";

static int
feed_all(const char *s, size_t n, size_t *used)
{
	rdd_http_resp_init(&r);
	return rdd_http_resp_feed(&r, (const uint8_t *)s, n, used);
}

static bool
span_is(struct rdd_http_span s, const char *want)
{
	struct rdd_cur c = rdd_http_resp_span(&r, s);

	return c.len == strlen(want) && memcmp(c.p, want, c.len) == 0;
}

static void
test_first_401(void **state)
{
	size_t used;

	(void)state;
	assert_int_equal(feed_all(first_401, strlen(first_401), &used), 1);
	assert_int_equal(used, strlen(first_401));
	assert_int_equal(r.status, 401);
	assert_int_equal(r.minor, 1);
	assert_true(span_is(r.reason, "Unauthorized"));
	assert_true(span_is(r.server, "Microsoft-HTTPAPI/2.0"));
	assert_int_equal(r.schemes, RDD_HTTP_AUTH_NTLM |
	                                RDD_HTTP_AUTH_NEGOTIATE |
	                                RDD_HTTP_AUTH_BASIC);
	assert_int_equal(r.ntlm_token.len, 0);
	assert_int_equal(r.n_headers, 5);
	assert_true(r.has_length);
	assert_int_equal(r.length, 0);
	assert_int_equal(rdd_http_resp_framing(&r), RDD_HTTP_BODY_NONE);
	assert_false(rdd_http_resp_ws_ok(&r, ws_key));
}

static void
test_custom_schemes(void **state)
{
	static const char s[] =
	    "HTTP/1.1 401 Unauthorized\r\n"
	    "WWW-Authenticate: PAA, SMARTCARD, Negotiate\r\n"
	    "Content-Length: 0\r\n\r\n";
	size_t used;

	(void)state;
	assert_int_equal(feed_all(s, strlen(s), &used), 1);
	assert_int_equal(r.schemes,
	                 RDD_HTTP_AUTH_OTHER | RDD_HTTP_AUTH_NEGOTIATE);
}

static void
test_challenge_leg(void **state)
{
	char s[512];
	uint8_t tok[64];
	size_t used, n;
	struct rdd_cur c;

	(void)state;
	snprintf(s, sizeof(s),
	         "HTTP/1.1 401 Unauthorized\r\n"
	         "WWW-Authenticate: NTLM %s\r\n"
	         "Content-Length: 0\r\n\r\n",
	         negotiate_b64);
	assert_int_equal(feed_all(s, strlen(s), &used), 1);
	assert_int_equal(r.schemes, RDD_HTTP_AUTH_NTLM);
	assert_true(span_is(r.ntlm_token, negotiate_b64));
	c = rdd_http_resp_span(&r, r.ntlm_token);
	assert_int_equal(rdd_b64_decode(tok, sizeof(tok), &n, c.p, c.len), 0);
	assert_int_equal(n, 40);
	assert_memory_equal(tok, "NTLMSSP\0\1\0\0\0", 12);
	assert_int_equal(tok[12] | tok[13] << 8 | tok[14] << 16 |
	                     (uint32_t)tok[15] << 24,
	                 0xE20882B7u);
}

static void
test_ws_101(void **state)
{
	size_t used;
	char acc[29];

	(void)state;
	assert_int_equal(rdd_ws_accept(ws_key, acc), 0);
	assert_string_equal(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	assert_int_equal(feed_all(ws_101, strlen(ws_101), &used), 1);
	assert_int_equal(r.status, 101);
	assert_true(r.upgrade_ws);
	assert_true(r.conn_upgrade);
	assert_int_equal(rdd_http_resp_framing(&r), RDD_HTTP_BODY_NONE);
	assert_true(rdd_http_resp_ws_ok(&r, ws_key));
	/* Another key (FreeRDP 2.11's literal non-base64 kind), no match. */
	assert_false(rdd_http_resp_ws_ok(&r, "@ABCDEFGHIJKLMN"));
	assert_int_equal(rdd_ws_accept("", acc), -1);
	assert_int_equal(rdd_ws_accept("a b", acc), -1);
}

static void
test_ws_101_incomplete(void **state)
{
	static const char no_conn[] = "HTTP/1.1 101 Switching Protocols\r\n"
	                              "Upgrade: websocket\r\n"
	                              "Sec-WebSocket-Accept: "
	                              "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
	static const char ok_200[] = "HTTP/1.1 200 OK\r\n"
	                             "Upgrade: websocket\r\n"
	                             "Connection: keep-alive, Upgrade\r\n"
	                             "Sec-WebSocket-Accept: "
	                             "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
	size_t used;

	(void)state;
	assert_int_equal(feed_all(no_conn, strlen(no_conn), &used), 1);
	assert_false(rdd_http_resp_ws_ok(&r, ws_key));
	/* Reference 1.4: a 200 to the upgrade means an old gateway. */
	assert_int_equal(feed_all(ok_200, strlen(ok_200), &used), 1);
	assert_true(r.conn_upgrade);
	assert_false(rdd_http_resp_ws_ok(&r, ws_key));
	assert_int_equal(rdd_http_resp_framing(&r), RDD_HTTP_BODY_CLOSE);
}

/* Byte by byte: the same head, and the seed left over. */
static void
test_trickle(void **state)
{
	size_t n = sizeof(legacy_200) - 1, used = 0, i;
	struct rdd_http_body b;
	struct rdd_cur in, data;
	int ret = 0;

	(void)state;
	rdd_http_resp_init(&r);
	for (i = 0; i < n && ret == 0; i++) {
		ret = rdd_http_resp_feed(&r, (const uint8_t *)legacy_200 + i, 1,
		                         &used);
		assert_int_equal(used, 1);
	}
	assert_int_equal(ret, 1);
	assert_int_equal(i, n - 10);
	assert_int_equal(r.status, 200);
	assert_int_equal(rdd_http_resp_framing(&r), RDD_HTTP_BODY_CLOSE);
	rdd_http_body_init(&b, rdd_http_resp_framing(&r), r.length);
	rdd_cur_init(&in, (const uint8_t *)legacy_200 + i, n - i);
	assert_int_equal(rdd_http_body_next(&b, &in, &data), 0);
	assert_int_equal(data.len, 10);
	assert_int_equal(data.p[0], 0xab);
	assert_int_equal(rdd_cur_left(&in), 0);
	/* More feeds after the head change nothing. */
	assert_int_equal(rdd_http_resp_feed(&r, (const uint8_t *)"x", 1, &used),
	                 1);
	assert_int_equal(used, 0);
}

/* Every truncation of each head says "need more", never done or error. */
static void
test_truncations(void **state)
{
	const char *all[] = {first_401, ws_101, legacy_200};

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		size_t n = strlen(all[k]), head, used;

		assert_int_equal(feed_all(all[k], n, &head), 1);
		for (size_t cut = 0; cut < head; cut++) {
			assert_int_equal(feed_all(all[k], cut, &used), 0);
			assert_int_equal(used, cut);
			assert_false(r.done);
		}
	}
}

static void
expect_bad(const char *s)
{
	size_t used;

	assert_int_equal(feed_all(s, strlen(s), &used), -1);
	/* The reader stays failed. */
	assert_int_equal(
	    rdd_http_resp_feed(&r, (const uint8_t *)"\r\n", 2, &used), -1);
}

static void
test_malformed(void **state)
{
	(void)state;
	expect_bad("HTTP/2.0 200 OK\r\n\r\n");
	expect_bad("HTTP/1.1 20 OK\r\n\r\n");
	expect_bad("HTTP/1.1 099 Low\r\n\r\n");
	expect_bad("HTTP/1.1 600 High\r\n\r\n");
	expect_bad("HTTP/1.1 200OK\r\n\r\n");
	expect_bad("HTTP/1.1 200 O\x01K\r\n\r\n");
	expect_bad("RTSP/1.0 200 OK\r\n\r\n");
	expect_bad("\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\n folded\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\n: x\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nX: a\nb\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	           "Content-Length: 3\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nContent-Length: 1073741825\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
	expect_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked"
	           "\r\n\r\n");
}

/* A challenge that cannot be read is noted; the status stays. */
static void
test_bad_challenge(void **state)
{
	static const char quote[] = "HTTP/1.1 401 X\r\n"
	                            "WWW-Authenticate: NTLM\r\n"
	                            "WWW-Authenticate: Basic realm=\"x\r\n"
	                            "\r\n";
	static const char slash[] = "HTTP/1.1 401 X\r\n"
	                            "WWW-Authenticate: NTLM/2\r\n\r\n";
	size_t used;

	(void)state;
	assert_int_equal(feed_all(quote, strlen(quote), &used), 1);
	assert_int_equal(r.status, 401);
	assert_true(r.auth_malformed);
	assert_true((r.schemes & RDD_HTTP_AUTH_NTLM) != 0);
	assert_int_equal(feed_all(slash, strlen(slash), &used), 1);
	assert_true(r.auth_malformed);
	assert_int_equal(feed_all(first_401, strlen(first_401), &used), 1);
	assert_false(r.auth_malformed);
}

static void
test_bounds(void **state)
{
	static char big[RDD_HTTP_MAX_HEAD + 64];
	size_t o, used;

	(void)state;
	/* 64 header lines are fine, 65 are not. */
	for (unsigned lines = 64; lines <= 65; lines++) {
		o = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\n");
		for (unsigned i = 0; i < lines; i++)
			o += (size_t)snprintf(big + o, sizeof(big) - o,
			                      "X-%u: y\r\n", i);
		o += (size_t)snprintf(big + o, sizeof(big) - o, "\r\n");
		assert_int_equal(feed_all(big, o, &used), lines == 64 ? 1 : -1);
	}
	/* A head that never ends stops at RDD_HTTP_MAX_HEAD bytes. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	rdd_http_resp_init(&r);
	assert_int_equal(rdd_http_resp_feed(&r, (const uint8_t *)big,
	                                    RDD_HTTP_MAX_HEAD, &used),
	                 0);
	assert_int_equal(rdd_http_resp_feed(&r, (const uint8_t *)big, 1, &used),
	                 -1);
}

/* Decode BODY (framing F) cut in two at every point; the payload
 * joined must be WANT, and the bytes after the body TAIL. */
static void
decode_split(enum rdd_http_framing f, const char *body, size_t n,
             const char *want, size_t tail)
{
	for (size_t cut = 0; cut <= n; cut++) {
		struct rdd_http_body b;
		struct rdd_cur in, data;
		char got[256];
		size_t g = 0, rest = 0;
		int ret = 0;

		rdd_http_body_init(&b, f, 9);
		for (int part = 0; part < 2 && ret == 0; part++) {
			if (part == 0)
				rdd_cur_init(&in, (const uint8_t *)body, cut);
			else
				rdd_cur_init(&in, (const uint8_t *)body + cut,
				             n - cut);
			do {
				ret = rdd_http_body_next(&b, &in, &data);
				assert_true(ret >= 0);
				assert_true(g + data.len <= sizeof(got));
				memcpy(got + g, data.p, data.len);
				g += data.len;
			} while (ret == 0 && rdd_cur_left(&in) > 0);
			/* Bytes after the body: what is left of this part
			 * and the part not fed. */
			rest = rdd_cur_left(&in) + (part == 0 ? n - cut : 0);
		}
		assert_int_equal(ret, 1);
		assert_int_equal(g, strlen(want));
		assert_memory_equal(got, want, g);
		assert_int_equal(rest, tail);
	}
}

static void
test_chunked(void **state)
{
	/* RFC 9112 7.1 style, with an extension and a trailer, then the next
	 * response's first bytes. */
	static const char body[] = "4\r\nWiki\r\n"
	                           "5;name=val\r\npedia\r\n"
	                           "E\r\n in\r\n\r\nchunks.\r\n"
	                           "0\r\nExpires: never\r\n\r\nHTTP";
	static const char head[] = "HTTP/1.1 200 OK\r\n"
	                           "Transfer-Encoding: Chunked\r\n\r\n";
	size_t used;

	(void)state;
	assert_int_equal(feed_all(head, strlen(head), &used), 1);
	assert_int_equal(rdd_http_resp_framing(&r), RDD_HTTP_BODY_CHUNKED);
	decode_split(RDD_HTTP_BODY_CHUNKED, body, strlen(body),
	             "Wikipedia in\r\n\r\nchunks.", 4);
}

static void
test_length_body(void **state)
{
	static const char head[] = "HTTP/1.1 403 Forbidden\r\n"
	                           "Content-Length: 9\r\n\r\n";
	size_t used;

	(void)state;
	assert_int_equal(feed_all(head, strlen(head), &used), 1);
	assert_int_equal(rdd_http_resp_framing(&r), RDD_HTTP_BODY_LENGTH);
	decode_split(RDD_HTTP_BODY_LENGTH, "Forbidden!!", 11, "Forbidden", 2);
}

static void
bad_chunked(const char *s)
{
	struct rdd_http_body b;
	struct rdd_cur in, data;
	int ret;

	rdd_http_body_init(&b, RDD_HTTP_BODY_CHUNKED, 0);
	rdd_cur_init(&in, (const uint8_t *)s, strlen(s));
	do
		ret = rdd_http_body_next(&b, &in, &data);
	while (ret == 0 && rdd_cur_left(&in) > 0);
	assert_int_equal(ret, -1);
	assert_int_equal(rdd_http_body_next(&b, &in, &data), -1);
}

static void
test_chunked_bad(void **state)
{
	(void)state;
	bad_chunked("\r\n");
	bad_chunked("g\r\n");
	bad_chunked("4\nWiki\r\n");
	bad_chunked("4\r\nWikiX\r\n");
	bad_chunked("4\r\nWiki\rX");
	bad_chunked("100001\r\n");      /* one over RDD_HTTP_MAX_CHUNK */
	bad_chunked("000000001\r\n");   /* nine digits */
	bad_chunked("0\r\nX: y\n\r\n"); /* bare LF in a trailer */
	bad_chunked("0\r\n\rX");
	{
		/* A chunk extension longer than its bound. */
		char ext[1100];

		memset(ext, 'a', sizeof(ext));
		memcpy(ext, "1;", 2);
		ext[sizeof(ext) - 1] = '\0';
		bad_chunked(ext);
	}
}

static void
test_build_out_ws(void **state)
{
	static const char want[] =
	    "RDG_OUT_DATA /remoteDesktopGateway/ HTTP/1.1\r\n"
	    "Host: gw.rdplab.test\r\n"
	    "Accept: */*\r\n"
	    "Cache-Control: no-cache\r\n"
	    "Pragma: no-cache\r\n"
	    "Connection: Upgrade\r\n"
	    "Upgrade: websocket\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "User-Agent: MS-RDGateway/1.0\r\n"
	    "RDG-Connection-Id: {01234567-89ab-cdef-0123-456789abcdef}\r\n"
	    "Authorization: NTLM "
	    "TlRMTVNTUAABAAAAt4II4gAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n";
	uint8_t tok[64], out[1024];
	size_t n;
	struct rdd_buf b;
	struct rdd_rdg_req q = {0};

	(void)state;
	assert_int_equal(rdd_b64_decode(tok, sizeof(tok), &n,
	                                (const uint8_t *)negotiate_b64,
	                                strlen(negotiate_b64)),
	                 0);
	q.method = RDD_RDG_OUT_DATA;
	q.host = "gw.rdplab.test";
	q.conn_id = "{01234567-89ab-cdef-0123-456789abcdef}";
	q.user_agent = "MS-RDGateway/1.0";
	q.ws_key = ws_key;
	q.auth_scheme = "NTLM";
	q.auth_token = tok;
	q.auth_len = n;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_rdg_build_request(&b, &q), 0);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(out, want, b.len);
	/* Every capacity short of the whole fails and leaves nothing. */
	for (size_t cap = 0; cap < strlen(want); cap += 7) {
		rdd_buf_init(&b, out, cap);
		assert_int_equal(rdd_rdg_build_request(&b, &q), -1);
		assert_int_equal(b.len, 0);
	}
}

static void
test_build_in_chunked(void **state)
{
	static const char want[] =
	    "RDG_IN_DATA /remoteDesktopGateway/ HTTP/1.1\r\n"
	    "Host: gw\r\n"
	    "Accept: */*\r\n"
	    "Cache-Control: no-cache\r\n"
	    "Pragma: no-cache\r\n"
	    "Connection: Keep-Alive\r\n"
	    "RDG-Connection-Id: {x}\r\n"
	    "RDG-Correlation-Id: {y}\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "E\r\n\x01\0\0\0\x0e\0\0\0\x01\0\0\0\0\0\r\n";
	/* Reference 8.1: HANDSHAKE_REQUEST 1.0, ExtendedAuth 0. */
	static const uint8_t hs[] = {1, 0, 0, 0, 0x0e, 0, 0,
	                             0, 1, 0, 0, 0,    0, 0};
	uint8_t out[512];
	struct rdd_buf b;
	struct rdd_rdg_req q = {0};

	(void)state;
	q.method = RDD_RDG_IN_DATA;
	q.host = "gw";
	q.conn_id = "{x}";
	q.corr_id = "{y}";
	q.chunked = true;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_rdg_build_request(&b, &q), 0);
	assert_int_equal(rdd_http_build_chunk(&b, hs, sizeof(hs)), 0);
	assert_int_equal(b.len, sizeof(want) - 1);
	assert_memory_equal(out, want, b.len);
	assert_int_equal(rdd_http_build_chunk(&b, hs, 0), -1);
	/* Values with spaces, CR LF or nothing are refused. */
	q.host = "gw\r\nX: y";
	assert_int_equal(rdd_rdg_build_request(&b, &q), -1);
	q.host = "";
	assert_int_equal(rdd_rdg_build_request(&b, &q), -1);
	q.host = "gw";
	q.conn_id = NULL;
	assert_int_equal(rdd_rdg_build_request(&b, &q), -1);
	q.conn_id = "{x}";
	q.auth_len = 3; /* a token without a scheme */
	assert_int_equal(rdd_rdg_build_request(&b, &q), -1);
}

static void
test_base64(void **state)
{
	/* RFC 4648 10. */
	static const char *enc[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
	                            "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	char s[16];
	uint8_t d[16];
	size_t n;

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(
		    rdd_b64_encode(s, sizeof(s), (const uint8_t *)"foobar", i),
		    (int)strlen(enc[i]));
		assert_string_equal(s, enc[i]);
		assert_int_equal(rdd_b64_decode(d, sizeof(d), &n,
		                                (const uint8_t *)enc[i],
		                                strlen(enc[i])),
		                 0);
		assert_int_equal(n, i);
		assert_memory_equal(d, "foobar", n);
	}
	assert_int_equal(rdd_b64_encode(s, 8, (const uint8_t *)"foobar", 6),
	                 -1);
	assert_int_equal(rdd_b64_decode(d, 2, &n, (const uint8_t *)"Zm9v", 4),
	                 -1);
	assert_int_equal(rdd_b64_decode(d, 16, &n, (const uint8_t *)"Zm9", 3),
	                 -1);
	assert_int_equal(rdd_b64_decode(d, 16, &n, (const uint8_t *)"Zh==", 4),
	                 -1); /* non-zero bits under the padding */
	assert_int_equal(
	    rdd_b64_decode(d, 16, &n, (const uint8_t *)"Zg==Zg==", 8), -1);
	assert_int_equal(rdd_b64_decode(d, 16, &n, (const uint8_t *)"Z===", 4),
	                 -1);
	assert_int_equal(rdd_b64_decode(d, 16, &n, (const uint8_t *)"Zm 9", 4),
	                 -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_401),
	    cmocka_unit_test(test_custom_schemes),
	    cmocka_unit_test(test_challenge_leg),
	    cmocka_unit_test(test_ws_101),
	    cmocka_unit_test(test_ws_101_incomplete),
	    cmocka_unit_test(test_trickle),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_bad_challenge),
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_chunked),
	    cmocka_unit_test(test_length_body),
	    cmocka_unit_test(test_chunked_bad),
	    cmocka_unit_test(test_build_out_ws),
	    cmocka_unit_test(test_build_in_chunked),
	    cmocka_unit_test(test_base64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
