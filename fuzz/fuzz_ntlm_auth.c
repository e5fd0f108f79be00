/*
 * fuzz_ntlm_auth.c - libFuzzer target for lib/wire/ntlm_auth.c: the
 * AUTHENTICATE built in answer to a server's CHALLENGE, and unsealing the
 * server's tokens.
 *
 * The input is a length (LE16) and that many bytes of CHALLENGE, given to
 * rdd_ntlm_authenticate() with fixed credentials; the bytes after it are
 * then unsealed as one token from the server. Checked with abort(): the
 * result agrees with the CHALLENGE parser (MALFORMED exactly when it
 * fails); DOWNGRADE names only required flags; on any failure SEC holds
 * nothing; on OK the message fits RDD_NTLM_AUTHENTICATE_MAX, is type 3
 * with the context's flags, its MIC recomputes, its NTLMv2 response
 * carries one MsvAvFlags with 0x2, one channel binding, one target name
 * and ends with MsvAvEOL, and a client and a server context sealing for
 * each other round-trip.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/ntlm.h"
#include "wire/ntlm_auth.h"
#include "wire/ntlm_auth_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

/* session.md N.2: the NEGOTIATE the lab's client sends (0xe2088235). */
static const uint8_t negotiate[40] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x35, 0x82, 0x08, 0xe2, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x0a, 0x00, 0x63, 0x45, 0x00, 0x00, 0x00, 0x0f,
};

static bool
zeroed(const struct rdd_ntlm_sec *sec)
{
	static const uint8_t zero[16];

	return sec->send.seal == NULL && sec->recv.seal == NULL &&
	       memcmp(sec->exported_session_key, zero, 16) == 0;
}

/* The payload of the fields at AT of M, checked to lie inside it. */
static struct rdd_cur
field(const uint8_t *m, size_t len, size_t at)
{
	struct rdd_cur c, out;
	uint16_t n, max;
	uint32_t off;

	rdd_cur_init(&c, m, len);
	CHECK(rdd_cur_skip(&c, at) == 0 && rdd_cur_u16le(&c, &n) == 0 &&
	      rdd_cur_u16le(&c, &max) == 0 && rdd_cur_u32le(&c, &off) == 0);
	CHECK(n == max);
	rdd_cur_init(&c, m, len);
	CHECK(rdd_cur_skip(&c, off) == 0 && rdd_cur_sub(&c, n, &out) == 0);
	return out;
}

static void
check_message(const struct rdd_ntlm_auth_input *in, const uint8_t *m,
              size_t len, const struct rdd_ntlm_sec *sec)
{
	static uint8_t copy[RDD_NTLM_AUTHENTICATE_MAX];
	uint8_t mic[16];
	struct rdd_cur c, nt, av, v;
	uint32_t flags, avf;
	uint16_t id, last = 0xffff;
	int n_flags = 0, n_cb = 0, n_tn = 0;

	CHECK(len >= RDD_NTLM_AUTH_HEAD_MIC &&
	      len <= RDD_NTLM_AUTHENTICATE_MAX);
	rdd_cur_init(&c, m, len);
	CHECK(rdd_ntlm_message_type(&c) == RDD_NTLM_AUTHENTICATE);
	CHECK(rdd_cur_skip(&c, 60) == 0 && rdd_cur_u32le(&c, &flags) == 0);
	CHECK(flags == sec->flags);
	CHECK((flags & RDD_NTLM_REQUIRED_FLAGS) == RDD_NTLM_REQUIRED_FLAGS);

	memcpy(copy, m, len);
	memset(copy + RDD_NTLM_MIC_OFFSET, 0, 16);
	CHECK(rdd__ntlm_mic(mic, in->exported_session_key, in->negotiate,
	                    in->negotiate_len, in->challenge, in->challenge_len,
	                    copy, len) == 0);
	CHECK(memcmp(mic, m + RDD_NTLM_MIC_OFFSET, 16) == 0);

	(void)field(m, len, 12);
	(void)field(m, len, 28);
	(void)field(m, len, 36);
	(void)field(m, len, 44);
	CHECK(field(m, len, 52).len == 16);
	nt = field(m, len, 20);
	/* NTProofStr, the 28-byte head of temp, the AV list, Z(4). */
	CHECK(rdd_cur_skip(&nt, 16 + 28) == 0 && rdd_cur_left(&nt) >= 4);
	CHECK(rdd_cur_sub(&nt, rdd_cur_left(&nt) - 4, &av) == 0);
	while (rdd_ntlm_av_next(&av, &id, &v) == 0) {
		last = id;
		if (id == RDD_MSV_AV_EOL)
			break;
		if (id == RDD_MSV_AV_FLAGS) {
			n_flags++;
			CHECK(rdd_cur_u32le(&v, &avf) == 0 && (avf & 2) != 0);
		}
		n_cb += id == RDD_MSV_AV_CHANNEL_BINDINGS;
		n_tn += id == RDD_MSV_AV_TARGET_NAME;
	}
	CHECK(last == RDD_MSV_AV_EOL && rdd_cur_left(&av) == 0);
	CHECK(n_flags == 1 && n_cb == 1 && n_tn == 1);
}

/* A client and a server context from the same key seal for each other. */
static void
round_trip(const uint8_t esk[16], const uint8_t *msg, size_t len)
{
	static uint8_t tok[4096 + 16], back[4096];
	struct rdd_ntlm_sec client, server;

	if (len > sizeof(back))
		len = sizeof(back);
	CHECK(rdd__ntlm_sec_init(&client, esk, 0, false) == 0);
	CHECK(rdd__ntlm_sec_init(&server, esk, 0, true) == 0);
	CHECK(rdd_ntlm_seal(&client, msg, len, tok) == 0);
	CHECK(rdd_ntlm_unseal(&server, tok, len + 16, back) == 0);
	CHECK(len == 0 || memcmp(back, msg, len) == 0);
	CHECK(rdd_ntlm_seal(&server, msg, len, tok) == 0);
	CHECK(rdd_ntlm_unseal(&client, tok, len + 16, back) == 0);
	CHECK(len == 0 || memcmp(back, msg, len) == 0);
	rdd_ntlm_sec_free(&client);
	rdd_ntlm_sec_free(&server);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[RDD_NTLM_AUTHENTICATE_MAX], plain[1 << 16];
	struct rdd_ntlm_auth_input in;
	struct rdd_ntlm_challenge ch;
	struct rdd_ntlm_sec sec;
	struct rdd_cur c, chal, rest;
	struct rdd_buf b;
	enum rdd_ntlm_auth_result r;
	uint32_t missing = 0;
	uint16_t n;
	int parsed;

	rdd_cur_init(&c, data, size);
	if (rdd_cur_u16le(&c, &n) != 0)
		return 0;
	if (n > rdd_cur_left(&c))
		n = (uint16_t)rdd_cur_left(&c);
	(void)rdd_cur_sub(&c, n, &chal);
	rest = c;

	memset(&in, 0, sizeof(in));
	in.negotiate = negotiate;
	in.negotiate_len = sizeof(negotiate);
	in.challenge = chal.p;
	in.challenge_len = chal.len;
	in.user = "alice";
	in.domain = "";
	in.password = "Passw0rd!";
	in.workstation = "FUZZ";
	in.target_spn = "TERMSRV/fuzz.example";
	in.now_filetime = UINT64_C(134000000000000000);
	memset(in.client_challenge, 0xcc, 8);
	memset(in.exported_session_key, 0x5e, 16);

	rdd_buf_init(&b, out, sizeof(out));
	memset(&sec, 0xa5, sizeof(sec));
	r = rdd_ntlm_authenticate(&b, &in, &sec, &missing);
	parsed = rdd_ntlm_parse_challenge(&chal, &ch);
	CHECK((r == RDD_NTLM_AUTH_MALFORMED) == (parsed != 0));
	CHECK(r != RDD_NTLM_AUTH_CRYPTO);
	if (r == RDD_NTLM_AUTH_DOWNGRADE)
		CHECK(missing != 0 &&
		      (missing & ~RDD_NTLM_REQUIRED_FLAGS) == 0 &&
		      (missing & ch.flags) == 0);
	else
		CHECK(missing == 0);
	if (r != RDD_NTLM_AUTH_OK) {
		CHECK(zeroed(&sec));
		return 0;
	}
	CHECK((ch.flags & RDD_NTLM_REQUIRED_FLAGS) == RDD_NTLM_REQUIRED_FLAGS);
	check_message(&in, out, b.len, &sec);

	/* The rest as a token from the server: a forgery fails cleanly. */
	if (rdd_cur_left(&rest) <= sizeof(plain) + 16) {
		int u = rdd_ntlm_unseal(&sec, rest.p, rest.len, plain);

		CHECK(u == 0 || u == -1);
		CHECK(u == -1 || rest.len >= 16);
		CHECK(sec.recv.seq == 1);
	}
	rdd_ntlm_sec_free(&sec);
	CHECK(zeroed(&sec));
	round_trip(in.exported_session_key, rest.p, rest.len);
	return 0;
}
