/*
 * test_tsgu.c - lib/wire/tsgu.c: the packets of shared/reference/
 * gateway.md 8.1 ([MS-TSGU] 4.2.1 "Normal Scenario" values encoded) and
 * 8.2 (captured from xfreerdp 2.11.7 in the lab): the client's built byte
 * for byte, the server's parsed, with the refusals (RAP, NAP,
 * CAPABILITYMISMATCH, COOKIE_AUTHENTICATION_ACCESS_DENIED) named through
 * the gatewayHresult table in both the HRESULT and the DWORD form; every
 * truncation of every packet; packet splitting of a stream.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/tsgu.h"

/* Reference 8.1. */
static const uint8_t handshake_req[] = {0x01, 0x00, 0x00, 0x00, 0x0e,
                                        0x00, 0x00, 0x00, 0x01, 0x00,
                                        0x00, 0x00, 0x00, 0x00};
static const uint8_t handshake_rsp[] = {0x02, 0x00, 0x00, 0x00, 0x12, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x01, 0x00, 0x00, 0x00, 0x03, 0x00};
static const uint8_t tunnel_create[] = {0x04, 0x00, 0x00, 0x00, 0x10, 0x00,
                                        0x00, 0x00, 0x3f, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x00};
static const uint8_t tunnel_rsp[] = {0x05, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                     0x03, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00,
                                     0x00, 0x3f, 0x00, 0x00, 0x00};
static const uint8_t tunnel_auth_rsp[] = {
    0x07, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
static const uint8_t channel_create_spec[] = {
    0x08, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x01, 0x00,
    0x3d, 0x0d, 0x03, 0x00, 0x18, 0x00, 0x6d, 0x00, 0x79, 0x00,
    0x54, 0x00, 0x73, 0x00, 0x4d, 0x00, 0x61, 0x00, 0x63, 0x00,
    0x68, 0x00, 0x69, 0x00, 0x6e, 0x00, 0x65, 0x00, 0x00, 0x00};
static const uint8_t keepalive[] = {0x0d, 0x00, 0x00, 0x00,
                                    0x08, 0x00, 0x00, 0x00};
static const uint8_t close_4d4[] = {0x10, 0x00, 0x00, 0x00, 0x0c, 0x00,
                                    0x00, 0x00, 0xd4, 0x04, 0x00, 0x00};
static const uint8_t close_rsp_0[] = {0x11, 0x00, 0x00, 0x00, 0x0c, 0x00,
                                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
static const uint8_t reauth[] = {0x0c, 0x00, 0x00, 0x00, 0x10, 0x00,
                                 0x00, 0x00, 0x56, 0x34, 0x12, 0x00,
                                 0x00, 0x00, 0x00, 0x00};
static const uint8_t channel_rap[] = {0x09, 0x00, 0x00, 0x00, 0x10, 0x00,
                                      0x00, 0x00, 0xda, 0x59, 0x07, 0x80,
                                      0x00, 0x00, 0x00, 0x00};
static const uint8_t auth_nap[] = {0x07, 0x00, 0x00, 0x00, 0x10, 0x00,
                                   0x00, 0x00, 0xdb, 0x59, 0x07, 0x80,
                                   0x00, 0x00, 0x00, 0x00};
static const uint8_t handshake_capmis[] = {0x02, 0x00, 0x00, 0x00, 0x12, 0x00,
                                           0x00, 0x00, 0xe9, 0x59, 0x07, 0x80,
                                           0x01, 0x00, 0x00, 0x00, 0x00, 0x00};
static const uint8_t tunnel_cookie_denied[] = {
    0x05, 0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xf8, 0x59, 0x07, 0x80, 0x00, 0x00, 0x00, 0x00};

/* Reference 8.2 (xfreerdp 2.11.7). */
static const uint8_t fr_tunnel_create[] = {0x04, 0x00, 0x00, 0x00, 0x10, 0x00,
                                           0x00, 0x00, 0x0d, 0x00, 0x00, 0x00,
                                           0x00, 0x00, 0x00, 0x00};
static const uint8_t fr_tunnel_auth_vm[] = {0x06, 0x00, 0x00, 0x00, 0x12, 0x00,
                                            0x00, 0x00, 0x00, 0x00, 0x06, 0x00,
                                            0x76, 0x00, 0x6d, 0x00, 0x00, 0x00};
/* CHANNEL_CREATE to 127.0.0.1:33890: header + "127.0.0.1\0" in UTF-16. */
static const uint8_t fr_channel_create[] = {
    0x08, 0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x01, 0x00, 0x62, 0x84,
    0x03, 0x00, 0x14, 0x00, 0x31, 0x00, 0x32, 0x00, 0x37, 0x00, 0x2e, 0x00,
    0x30, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00, 0x31, 0x00, 0x00, 0x00};
/* TUNNEL_CREATE with PAA "TESTTOKEN": header + "TESTTOKEN\0" UTF-16. */
static const uint8_t fr_tunnel_create_paa[] = {
    0x04, 0x00, 0x00, 0x00, 0x26, 0x00, 0x00, 0x00, 0x0d, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x54, 0x00,
    0x45, 0x00, 0x53, 0x00, 0x54, 0x00, 0x54, 0x00, 0x4f, 0x00,
    0x4b, 0x00, 0x45, 0x00, 0x4e, 0x00, 0x00, 0x00};
/* The first DATA: an X.224 CR of 44 bytes (the first 16 of them as
 * captured, then the rest of the cookie line is not needed here). */
static const uint8_t fr_data_head[] = {
    0x0a, 0x00, 0x00, 0x00, 0x36, 0x00, 0x00, 0x00, 0x2c, 0x00,
    0x03, 0x00, 0x00, 0x2c, 0x27, 0xe0, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x43, 0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x3a, 0x20};

static struct rdd_tsgu_pkt pkt;

static void
split(const uint8_t *p, size_t n, uint16_t type)
{
	struct rdd_cur c;

	rdd_cur_init(&c, p, n);
	assert_int_equal(rdd_tsgu_next(&c, &pkt), 1);
	assert_int_equal(pkt.type, type);
	assert_int_equal(pkt.length, n);
	assert_int_equal(rdd_cur_left(&c), 0);
	/* Every truncation needs more and consumes nothing. */
	for (size_t cut = 0; cut < n; cut++) {
		struct rdd_tsgu_pkt q;

		rdd_cur_init(&c, p, cut);
		assert_int_equal(rdd_tsgu_next(&c, &q), 0);
		assert_int_equal(rdd_cur_left(&c), cut);
	}
}

/* A body cut short: the fixed part must fail with -1. */
static void
short_bodies(const uint8_t *p, size_t fixed, int (*fn)(struct rdd_cur, void *),
             void *out)
{
	for (size_t cut = 0; cut < fixed; cut++) {
		struct rdd_cur c;

		rdd_cur_init(&c, p + RDD_TSGU_HEADER, cut);
		assert_int_equal(fn(c, out), -1);
	}
}

static int
hs_fn(struct rdd_cur c, void *o)
{
	return rdd_tsgu_parse_handshake_rsp(c, o);
}
static int
tun_fn(struct rdd_cur c, void *o)
{
	return rdd_tsgu_parse_tunnel_rsp(c, o);
}
static int
auth_fn(struct rdd_cur c, void *o)
{
	return rdd_tsgu_parse_tunnel_auth_rsp(c, o);
}
static int
chan_fn(struct rdd_cur c, void *o)
{
	return rdd_tsgu_parse_channel_rsp(c, o);
}

static void
test_build_client(void **state)
{
	uint8_t out[256];
	struct rdd_buf b;
	static const char *const spec_names[] = {"myTsMachine"};
	static const char *const fr_names[] = {"127.0.0.1"};
	static const uint8_t token[] = {
	    0x54, 0x00, 0x45, 0x00, 0x53, 0x00, 0x54, 0x00, 0x54, 0x00,
	    0x4f, 0x00, 0x4b, 0x00, 0x45, 0x00, 0x4e, 0x00, 0x00, 0x00};

	(void)state;
#define BUILT(call, want)                                                      \
	do {                                                                   \
		rdd_buf_init(&b, out, sizeof(out));                            \
		assert_int_equal(call, 0);                                     \
		assert_int_equal(b.len, sizeof(want));                         \
		assert_memory_equal(out, want, sizeof(want));                  \
		for (size_t cap = 0; cap < sizeof(want); cap++) {              \
			rdd_buf_init(&b, out, cap);                            \
			assert_int_equal(call, -1);                            \
			assert_int_equal(b.len, 0);                            \
		}                                                              \
	} while (0)
	BUILT(rdd_tsgu_build_handshake(&b, RDD_TSGU_EXT_AUTH_NONE),
	      handshake_req);
	BUILT(rdd_tsgu_build_tunnel_create(&b, 0x3f, NULL, 0), tunnel_create);
	BUILT(rdd_tsgu_build_tunnel_create(&b, 0x0d, NULL, 0),
	      fr_tunnel_create);
	BUILT(rdd_tsgu_build_tunnel_create(&b, 0x0d, token, sizeof(token)),
	      fr_tunnel_create_paa);
	BUILT(rdd_tsgu_build_tunnel_auth(&b, "vm"), fr_tunnel_auth_vm);
	BUILT(rdd_tsgu_build_channel_create(&b, fr_names, 1, 33890),
	      fr_channel_create);
	BUILT(rdd_tsgu_build_keepalive(&b), keepalive);
	BUILT(rdd_tsgu_build_close(&b, false, 0x4d4), close_4d4);
	BUILT(rdd_tsgu_build_close(&b, true, 0), close_rsp_0);
#undef BUILT
	/* The spec's CHANNEL_CREATE counts the name's NUL the same way. */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tsgu_build_channel_create(&b, spec_names, 1, 3389),
	                 0);
	assert_int_equal(b.len, sizeof(channel_create_spec));
	assert_memory_equal(out, channel_create_spec, b.len);
	/* Invalid input. */
	assert_int_equal(rdd_tsgu_build_tunnel_auth(&b, ""), -1);
	assert_int_equal(rdd_tsgu_build_tunnel_auth(&b, "a\nb"), -1);
	assert_int_equal(rdd_tsgu_build_channel_create(&b, fr_names, 0, 3389),
	                 -1);
	assert_int_equal(rdd_tsgu_build_channel_create(&b, fr_names, 51, 3389),
	                 -1);
	assert_int_equal(rdd_tsgu_build_tunnel_create(&b, 0, token, 0), -1);
	assert_int_equal(rdd_tsgu_build_data(&b, token, 0), -1);
	assert_int_equal(rdd_tsgu_build_data(&b, token, 65536), -1);
}

static void
test_build_data(void **state)
{
	/* The first DATA of reference 8.2: 44 bytes, packetLength 0x36. */
	uint8_t x224[44], out[64];
	struct rdd_buf b;
	struct rdd_cur d;

	(void)state;
	memset(x224, 0, sizeof(x224));
	memcpy(x224, fr_data_head + 10, sizeof(fr_data_head) - 10);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tsgu_build_data(&b, x224, sizeof(x224)), 0);
	assert_int_equal(b.len, 0x36);
	assert_memory_equal(out, fr_data_head, sizeof(fr_data_head));
	split(out, b.len, RDD_TSGU_DATA);
	assert_int_equal(rdd_tsgu_parse_data(pkt.body, &d), 0);
	assert_int_equal(d.len, 44);
	assert_memory_equal(d.p, x224, 44);
	for (size_t cut = 0; cut < pkt.body.len; cut++) {
		struct rdd_cur c;

		rdd_cur_init(&c, pkt.body.p, cut);
		assert_int_equal(rdd_tsgu_parse_data(c, &d), -1);
	}
}

static void
test_handshake_rsp(void **state)
{
	struct rdd_tsgu_handshake_rsp r;

	(void)state;
	split(handshake_rsp, sizeof(handshake_rsp),
	      RDD_TSGU_HANDSHAKE_RESPONSE);
	assert_int_equal(rdd_tsgu_parse_handshake_rsp(pkt.body, &r), 0);
	assert_int_equal(r.error, 0);
	assert_int_equal(r.ver_major, 1);
	assert_int_equal(r.ver_minor, 0);
	assert_int_equal(r.server_version, 0);
	assert_int_equal(r.ext_auth,
	                 RDD_TSGU_EXT_AUTH_SC | RDD_TSGU_EXT_AUTH_PAA);
	short_bodies(handshake_rsp, 10, hs_fn, &r);

	split(handshake_capmis, sizeof(handshake_capmis),
	      RDD_TSGU_HANDSHAKE_RESPONSE);
	assert_int_equal(rdd_tsgu_parse_handshake_rsp(pkt.body, &r), 0);
	assert_int_equal(r.error, 0x800759E9u);
	assert_string_equal(rdd_tsgu_code_name(r.error),
	                    "E_PROXY_CAPABILITYMISMATCH");
}

static void
test_tunnel_rsp(void **state)
{
	struct rdd_tsgu_tunnel_rsp r;

	(void)state;
	split(tunnel_rsp, sizeof(tunnel_rsp), RDD_TSGU_TUNNEL_RESPONSE);
	assert_int_equal(rdd_tsgu_parse_tunnel_rsp(pkt.body, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.fields, 3);
	assert_true(r.has_tunnel_id && r.has_caps);
	assert_false(r.has_soh_req || r.has_consent);
	assert_int_equal(r.tunnel_id, 6);
	assert_int_equal(r.caps, 0x3f);
	short_bodies(tunnel_rsp, 10, tun_fn, &r);
	/* The optional fields cut short: the status is still read. */
	for (size_t cut = 10; cut < pkt.body.len; cut++) {
		struct rdd_cur c;

		rdd_cur_init(&c, pkt.body.p, cut);
		assert_int_equal(rdd_tsgu_parse_tunnel_rsp(c, &r),
		                 RDD_TSGU_BAD_OPTIONAL);
		assert_int_equal(r.fields, 3);
	}

	split(tunnel_cookie_denied, sizeof(tunnel_cookie_denied),
	      RDD_TSGU_TUNNEL_RESPONSE);
	assert_int_equal(rdd_tsgu_parse_tunnel_rsp(pkt.body, &r), 0);
	assert_int_equal(r.status, 0x800759F8u);
	assert_string_equal(rdd_tsgu_code_name(r.status),
	                    "E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED");
}

static void
test_tunnel_rsp_optional(void **state)
{
	/* SOH_REQ (nonce + a 4-byte cert string) and a consent message "Hi"
	 * (UTF-16), built from the layout of reference 2.2. */
	static const uint8_t body[] = {
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
	    /* nonce */
	    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	    0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	    /* serverCert */
	    0x04, 0x00, 0x41, 0x00, 0x42, 0x00,
	    /* consentMsg */
	    0x04, 0x00, 0x48, 0x00, 0x69, 0x00};
	struct rdd_tsgu_tunnel_rsp r;
	struct rdd_cur c;

	(void)state;
	rdd_cur_init(&c, body, sizeof(body));
	assert_int_equal(rdd_tsgu_parse_tunnel_rsp(c, &r), 0);
	assert_true(r.has_soh_req && r.has_consent);
	assert_false(r.has_tunnel_id || r.has_caps);
	assert_int_equal(r.nonce[15], 0x0f);
	assert_int_equal(r.server_cert.len, 4);
	assert_int_equal(r.consent.len, 4);
	assert_memory_equal(r.consent.p, "H\0i\0", 4);
	for (size_t cut = 10; cut < sizeof(body); cut++) {
		rdd_cur_init(&c, body, cut);
		assert_int_equal(rdd_tsgu_parse_tunnel_rsp(c, &r),
		                 RDD_TSGU_BAD_OPTIONAL);
	}
}

static void
test_tunnel_auth_rsp(void **state)
{
	struct rdd_tsgu_tunnel_auth_rsp r;

	(void)state;
	split(tunnel_auth_rsp, sizeof(tunnel_auth_rsp),
	      RDD_TSGU_TUNNEL_AUTH_RESPONSE);
	assert_int_equal(rdd_tsgu_parse_tunnel_auth_rsp(pkt.body, &r), 0);
	assert_int_equal(r.error, 0);
	assert_true(r.has_redir && r.has_idle);
	assert_false(r.has_soh);
	assert_int_equal(r.redir_flags, 0);
	assert_int_equal(r.idle_timeout, 0);
	short_bodies(tunnel_auth_rsp, 8, auth_fn, &r);
	for (size_t cut = 8; cut < pkt.body.len; cut++) {
		struct rdd_cur c;

		rdd_cur_init(&c, pkt.body.p, cut);
		assert_int_equal(rdd_tsgu_parse_tunnel_auth_rsp(c, &r),
		                 RDD_TSGU_BAD_OPTIONAL);
	}

	split(auth_nap, sizeof(auth_nap), RDD_TSGU_TUNNEL_AUTH_RESPONSE);
	assert_int_equal(rdd_tsgu_parse_tunnel_auth_rsp(pkt.body, &r), 0);
	assert_string_equal(rdd_tsgu_code_name(r.error),
	                    "E_PROXY_NAP_ACCESSDENIED");
}

static void
test_channel_rsp(void **state)
{
	/* Reference 8.1: fields 7, channelId 1, udpPort 3391, and a cookie
	 * (here 4 bytes instead of the example's 1433). */
	static const uint8_t spec[] = {
	    0x09, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	    0x3f, 0x0d, 0x04, 0x00, 0xc0, 0x0c, 0x1e, 0x00};
	struct rdd_tsgu_channel_rsp r;

	(void)state;
	split(spec, 28, RDD_TSGU_CHANNEL_RESPONSE);
	assert_int_equal(rdd_tsgu_parse_channel_rsp(pkt.body, &r), 0);
	assert_true(r.has_channel_id && r.has_udp_port && r.has_cookie);
	assert_int_equal(r.channel_id, 1);
	assert_int_equal(r.udp_port, 3391);
	assert_int_equal(r.cookie.len, 4);
	short_bodies(spec, 8, chan_fn, &r);
	for (size_t cut = 8; cut < pkt.body.len; cut++) {
		struct rdd_cur c;

		rdd_cur_init(&c, pkt.body.p, cut);
		assert_int_equal(rdd_tsgu_parse_channel_rsp(c, &r),
		                 RDD_TSGU_BAD_OPTIONAL);
	}

	split(channel_rap, sizeof(channel_rap), RDD_TSGU_CHANNEL_RESPONSE);
	assert_int_equal(rdd_tsgu_parse_channel_rsp(pkt.body, &r), 0);
	assert_int_equal(r.error, 0x800759DAu);
	assert_false(r.has_channel_id);
	assert_string_equal(rdd_tsgu_code_name(r.error),
	                    "E_PROXY_RAP_ACCESSDENIED");
}

static void
test_small_packets(void **state)
{
	uint32_t st;
	uint64_t ctx;
	struct rdd_cur m, blob;
	/* SERVICE_MESSAGE "Hi", EXTENDED_AUTH_MSG SEC_E_LOGON_DENIED with an
	 * empty blob (layouts of reference 2.2). */
	static const uint8_t svc[] = {0x0b, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00,
	                              0x00, 0x04, 0x00, 0x48, 0x00, 0x69, 0x00};
	static const uint8_t ext[] = {0x03, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00,
	                              0x00, 0x0c, 0x03, 0x09, 0x80, 0x00, 0x00};

	(void)state;
	split(keepalive, sizeof(keepalive), RDD_TSGU_KEEPALIVE);
	assert_int_equal(pkt.body.len, 0);
	split(close_4d4, sizeof(close_4d4), RDD_TSGU_CLOSE_CHANNEL);
	assert_int_equal(rdd_tsgu_parse_close(pkt.body, &st), 0);
	assert_int_equal(st, 0x4d4);
	/* The DWORD form, named through its HRESULT. */
	assert_string_equal(rdd_tsgu_code_name(st),
	                    "E_PROXY_CONNECTIONABORTED");
	assert_string_equal(rdd_tsgu_code_name(0x59dd),
	                    "E_PROXY_TS_CONNECTFAILED");
	assert_null(rdd_tsgu_code_name(0));
	assert_null(rdd_tsgu_code_name(0x12345678));
	split(close_rsp_0, sizeof(close_rsp_0),
	      RDD_TSGU_CLOSE_CHANNEL_RESPONSE);
	split(reauth, sizeof(reauth), RDD_TSGU_REAUTH_MESSAGE);
	assert_int_equal(rdd_tsgu_parse_reauth(pkt.body, &ctx), 0);
	assert_int_equal(ctx, 0x123456);
	split(svc, sizeof(svc), RDD_TSGU_SERVICE_MESSAGE);
	assert_int_equal(rdd_tsgu_parse_service_message(pkt.body, &m), 0);
	assert_int_equal(m.len, 4);
	split(ext, sizeof(ext), RDD_TSGU_EXTENDED_AUTH_MSG);
	assert_int_equal(rdd_tsgu_parse_extended_auth(pkt.body, &st, &blob), 0);
	assert_int_equal(st, 0x8009030Cu);
	assert_int_equal(blob.len, 0);
	for (size_t cut = 0; cut < 6; cut++) {
		rdd_cur_init(&m, ext + 8, cut);
		assert_int_equal(rdd_tsgu_parse_extended_auth(m, &st, &blob),
		                 -1);
	}
	for (size_t cut = 0; cut < 8; cut++) {
		rdd_cur_init(&m, reauth + 8, cut);
		assert_int_equal(rdd_tsgu_parse_reauth(m, &ctx), -1);
		if (cut < 4) {
			rdd_cur_init(&m, close_4d4 + 8, cut);
			assert_int_equal(rdd_tsgu_parse_close(m, &st), -1);
		}
	}
	rdd_cur_init(&m, svc + 8, 5);
	assert_int_equal(rdd_tsgu_parse_service_message(m, &blob), -1);
	assert_string_equal(rdd_tsgu_type_name(RDD_TSGU_CHANNEL_RESPONSE),
	                    "CHANNEL_RESPONSE");
	assert_null(rdd_tsgu_type_name(0x0e));
}

static void
test_stream(void **state)
{
	uint8_t s[128];
	size_t n = 0;
	struct rdd_cur c;
	static const uint8_t bad_len[] = {0x0d, 0, 0, 0, 0x07, 0, 0, 0};
	static const uint8_t huge[] = {0x0a, 0, 0, 0, 0x01, 0x00, 0x02, 0x00};

	(void)state;
	memcpy(s + n, handshake_rsp, sizeof(handshake_rsp));
	n += sizeof(handshake_rsp);
	memcpy(s + n, tunnel_rsp, sizeof(tunnel_rsp));
	n += sizeof(tunnel_rsp);
	memcpy(s + n, keepalive, 4); /* a partial third packet */
	n += 4;
	rdd_cur_init(&c, s, n);
	assert_int_equal(rdd_tsgu_next(&c, &pkt), 1);
	assert_int_equal(pkt.type, RDD_TSGU_HANDSHAKE_RESPONSE);
	assert_int_equal(rdd_tsgu_next(&c, &pkt), 1);
	assert_int_equal(pkt.type, RDD_TSGU_TUNNEL_RESPONSE);
	assert_int_equal(rdd_tsgu_next(&c, &pkt), 0);
	assert_int_equal(rdd_cur_left(&c), 4);
	rdd_cur_init(&c, bad_len, sizeof(bad_len));
	assert_int_equal(rdd_tsgu_next(&c, &pkt), -1);
	assert_int_equal(rdd_cur_left(&c), sizeof(bad_len));
	rdd_cur_init(&c, huge, sizeof(huge)); /* 0x20001 bytes */
	assert_int_equal(rdd_tsgu_next(&c, &pkt), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_client),
	    cmocka_unit_test(test_build_data),
	    cmocka_unit_test(test_handshake_rsp),
	    cmocka_unit_test(test_tunnel_rsp),
	    cmocka_unit_test(test_tunnel_rsp_optional),
	    cmocka_unit_test(test_tunnel_auth_rsp),
	    cmocka_unit_test(test_channel_rsp),
	    cmocka_unit_test(test_small_packets),
	    cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
