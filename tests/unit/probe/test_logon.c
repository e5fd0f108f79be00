/*
 * test_logon.c - lib/probe/logon.c: messages 3 to 5 of a CredSSP logon,
 * against a server played here from the client's fixed randomness: the
 * real CHALLENGE of the lab's FreeRDP shadow server (capture_vectors.c),
 * a self-signed certificate, and the server's side of NTLM sealing set up
 * from the exported session key the seed fixes. What the server answers:
 * a good pubKeyAuth (then the credentials, empty or with the password), an
 * errorCode, a proof for another key, garbage, every truncation; and what
 * the client refuses before AUTHENTICATE: CredSSP below 5, weak NTLM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "probe/logon.h"
#include "probe/nla.h"
#include "wire/credssp.h"
#include "wire/credssp_auth.h"
#include "wire/crypto.h"
#include "wire/ntlm_auth.h"
#include "wire/ntlm_auth_int.h"

#include "../wire/capture_vectors.h"
#include "probe_harness.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define NOW_UNIX 1765062000 /* 2025-12-06 */

static const char s2c_magic[] = "CredSSP Server-To-Client Binding Hash";

struct fixture {
	struct rdd_credentials creds;
	struct rdd__logon_seed seed;
	uint8_t request[RDD_NLA_REQUEST_MAX];
	size_t request_len;
	uint8_t cert[4096];
	size_t cert_len;
	uint8_t other_cert[4096];
	size_t other_cert_len;
	uint8_t msg3[RDD_LOGON_MSG_MAX];
	size_t msg3_len;
	struct rdd_logon_info info;
	struct rdd__logon *l;
};

static struct fixture fx;

static size_t
der_of(X509 *x, uint8_t *out, size_t cap)
{
	unsigned char *p = out;
	int n = i2d_X509(x, NULL);

	assert_true(n > 0 && (size_t)n <= cap);
	assert_int_equal(i2d_X509(x, &p), n);
	return (size_t)n;
}

static int
setup(void **state)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	size_t i;

	(void)state;
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.creds.user, sizeof(fx.creds.user), "alice");
	fx.creds.password = "Passw0rd!";
	for (i = 0; i < sizeof(fx.seed.client_challenge); i++)
		fx.seed.client_challenge[i] = (uint8_t)(0xa0 + i);
	for (i = 0; i < sizeof(fx.seed.exported_session_key); i++)
		fx.seed.exported_session_key[i] = (uint8_t)(0x55 ^ i);
	for (i = 0; i < sizeof(fx.seed.nonce); i++)
		fx.seed.nonce[i] = (uint8_t)i;
	fx.request_len =
	    rdd__nla_request(fx.request, sizeof(fx.request), false);
	assert_true(fx.request_len > 0);
	assert_int_equal(self_signed("logon.test", 1, &key, &cert), 0);
	fx.cert_len = der_of(cert, fx.cert, sizeof(fx.cert));
	X509_free(cert);
	EVP_PKEY_free(key);
	assert_int_equal(self_signed("other.test", 2, &key, &cert), 0);
	fx.other_cert_len = der_of(cert, fx.other_cert, sizeof(fx.other_cert));
	X509_free(cert);
	EVP_PKEY_free(key);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rdd__logon_free(fx.l);
	fx.l = NULL;
	return 0;
}

/* Message 3 for ANSWER (a whole TSRequest); its length (0: not sent). */
static size_t
msg3(const uint8_t *answer, size_t len)
{
	rdd__logon_free(fx.l);
	memset(&fx.info, 0, sizeof(fx.info));
	fx.l =
	    rdd__logon_new(&fx.creds, "shadow.rdpsrv.lab", NOW_UNIX, &fx.seed);
	assert_non_null(fx.l);
	fx.msg3_len = rdd__logon_msg3(fx.l, fx.request, fx.request_len, answer,
	                              len, fx.cert, fx.cert_len, fx.msg3,
	                              sizeof(fx.msg3), &fx.info);
	return fx.msg3_len;
}

/* The server's context after message 3: the AUTHENTICATE's flags and the
 * exported session key the seed fixed. */
static void
server_sec(struct rdd_ntlm_sec *srv, struct rdd_tsrequest *req)
{
	struct rdd_cur c;
	uint32_t flags;

	rdd_cur_init(&c, fx.msg3, fx.msg3_len);
	assert_int_equal(rdd_tsrequest_parse(&c, req), 0);
	assert_true(rdd_cur_left(&req->token) >= 64);
	flags = (uint32_t)req->token.p[60] | (uint32_t)req->token.p[61] << 8 |
	        (uint32_t)req->token.p[62] << 16 |
	        (uint32_t)req->token.p[63] << 24;
	assert_int_equal(
	    rdd__ntlm_sec_init(srv, fx.seed.exported_session_key, flags, true),
	    0);
}

/* The server's message 4 with a pubKeyAuth over CERT's key, sealed with
 * SRV (after unsealing the client's, which must be the right binding). */
static size_t
msg4(struct rdd_ntlm_sec *srv, const struct rdd_tsrequest *req,
     const uint8_t *cert, size_t cert_len, uint8_t *out, size_t cap)
{
	uint8_t spk[RDD_CREDSSP_SPK_MAX], plain[RDD_CREDSSP_SPK_MAX];
	uint8_t hash[RDD_SHA256_LEN], sealed[64];
	size_t spk_len, n = rdd_cur_left(&req->pub_key_auth);
	struct rdd_iov parts[3];
	struct rdd_tsrequest_out m;
	struct rdd_buf b;

	/* The client's binding: SHA-256 over its own nonce and our key. */
	assert_true(n >= 16 && n - 16 <= sizeof(plain));
	assert_int_equal(rdd_ntlm_unseal(srv, req->pub_key_auth.p, n, plain),
	                 0);
	spk_len = rdd_credssp_spk(fx.cert, fx.cert_len, spk, sizeof(spk));
	assert_true(spk_len > 0);
	assert_int_equal(
	    rdd_credssp_client_binding(6, fx.seed.nonce, spk, spk_len, hash),
	    RDD_SHA256_LEN);
	assert_memory_equal(plain, hash, RDD_SHA256_LEN);
	/* Ours, over CERT's key. */
	spk_len = rdd_credssp_spk(cert, cert_len, spk, sizeof(spk));
	parts[0].p = s2c_magic;
	parts[0].len = sizeof(s2c_magic); /* with its NUL */
	parts[1].p = fx.seed.nonce;
	parts[1].len = sizeof(fx.seed.nonce);
	parts[2].p = spk;
	parts[2].len = spk_len;
	assert_int_equal(rdd_sha256(hash, parts, 3), 0);
	assert_int_equal(rdd_ntlm_seal(srv, hash, sizeof(hash), sealed), 0);
	memset(&m, 0, sizeof(m));
	m.version = 6;
	m.pub_key_auth = sealed;
	m.pub_key_auth_len = 16 + sizeof(hash);
	rdd_buf_init(&b, out, cap);
	assert_int_equal(rdd_tsrequest_build_out(&b, &m), 0);
	return b.len;
}

/* Does the UTF-16LE form of S appear in the N bytes at P? */
static bool
has_utf16(const uint8_t *p, size_t n, const char *s)
{
	uint8_t u[64];
	size_t k = strlen(s), i;

	assert_true(2 * k <= sizeof(u));
	for (i = 0; i < k; i++) {
		u[2 * i] = (uint8_t)s[i];
		u[2 * i + 1] = 0;
	}
	for (i = 0; i + 2 * k <= n; i++)
		if (memcmp(p + i, u, 2 * k) == 0)
			return true;
	return false;
}

static void
round_trip(bool logon)
{
	struct rdd_ntlm_sec srv;
	struct rdd_tsrequest req, five;
	uint8_t m4[256], m5[RDD_LOGON_MSG_MAX], creds[512], want[512];
	size_t n4, n5 = 0, k;
	struct rdd_cur c;
	struct rdd_buf b;

	fx.creds.logon = logon;
	assert_true(msg3(shadow_challenge, sizeof(shadow_challenge)) > 0);
	assert_int_equal(fx.info.version, 6);
	assert_string_equal(fx.info.user, "alice");
	assert_int_equal(fx.info.delegated, logon);
	/* The password travels only as NTLM proof, never in clear. */
	assert_false(has_utf16(fx.msg3, fx.msg3_len, "Passw0rd!"));
	server_sec(&srv, &req);
	assert_int_equal(req.version, 6);
	assert_true(req.has_client_nonce);
	assert_memory_equal(req.client_nonce.p, fx.seed.nonce, 32);
	n4 = msg4(&srv, &req, fx.cert, fx.cert_len, m4, sizeof(m4));
	assert_int_equal(
	    rdd__logon_msg4(fx.l, m4, n4, m5, sizeof(m5), &n5, &fx.info),
	    RDD_LOGON_OK);
	assert_true(fx.info.pubkey_checked);
	assert_true(n5 > 0);
	/* Message 5: the TSCredentials, sealed: empty, or the password. */
	rdd_cur_init(&c, m5, n5);
	assert_int_equal(rdd_tsrequest_parse(&c, &five), 0);
	assert_true(five.has_auth_info);
	assert_false(five.has_pub_key_auth);
	assert_false(has_utf16(m5, n5, "Passw0rd!"));
	/* authInfo is the only OCTET STRING: [2] 04 L, after version. */
	{
		const uint8_t *ai = NULL;
		size_t i, len = 0;

		for (i = 0; i + 4 < n5; i++)
			if (m5[i] == 0xa2) {
				ai = m5 + i;
				break;
			}
		assert_non_null(ai);
		/* a2 L 04 L' <sealed> with short lengths */
		assert_int_equal(ai[2], 0x04);
		len = ai[3];
		assert_true(len > 16 && len - 16 <= sizeof(creds));
		assert_int_equal(rdd_ntlm_unseal(&srv, ai + 4, len, creds), 0);
		k = len - 16;
	}
	rdd_buf_init(&b, want, sizeof(want));
	assert_int_equal(rdd_tscredentials_password(&b, "",
	                                            logon ? "alice" : "",
	                                            logon ? "Passw0rd!" : ""),
	                 0);
	assert_int_equal(k, b.len);
	assert_memory_equal(creds, want, k);
	assert_int_equal(has_utf16(creds, k, "Passw0rd!"), logon);
	rdd_ntlm_sec_free(&srv);
}

static void
test_round_trip_no_delegation(void **state)
{
	(void)state;
	round_trip(false);
}

static void
test_round_trip_delegation(void **state)
{
	(void)state;
	round_trip(true);
}

static void
test_refused_with_error_code(void **state)
{
	/* errorCode as Windows writes it: 02 04 c0 00 00 6d. */
	static const uint8_t windows[] = {0x30, 0x0d, 0xa0, 0x03, 0x02,
	                                  0x01, 0x06, 0xa4, 0x06, 0x02,
	                                  0x04, 0xc0, 0x00, 0x00, 0x6d};
	uint8_t m5[RDD_LOGON_MSG_MAX];
	size_t n5 = 99;

	(void)state;
	assert_true(msg3(shadow_challenge, sizeof(shadow_challenge)) > 0);
	assert_int_equal(rdd__logon_msg4(fx.l, windows, sizeof(windows), m5,
	                                 sizeof(m5), &n5, &fx.info),
	                 RDD_LOGON_REFUSED);
	assert_int_equal(n5, 0);
	assert_true(fx.info.has_error_code);
	assert_int_equal(fx.info.error_code, 0xC000006Du);
	assert_false(fx.info.pubkey_checked);
}

static void
test_proof_for_another_key(void **state)
{
	struct rdd_ntlm_sec srv;
	struct rdd_tsrequest req;
	uint8_t m4[256], m5[RDD_LOGON_MSG_MAX];
	size_t n4, n5 = 0;

	(void)state;
	assert_true(msg3(shadow_challenge, sizeof(shadow_challenge)) > 0);
	server_sec(&srv, &req);
	n4 = msg4(&srv, &req, fx.other_cert, fx.other_cert_len, m4, sizeof(m4));
	assert_int_equal(
	    rdd__logon_msg4(fx.l, m4, n4, m5, sizeof(m5), &n5, &fx.info),
	    RDD_LOGON_PUBKEY_MISMATCH);
	/* It unsealed (the server knew the key) but is for another key. */
	assert_true(fx.info.pubkey_checked);
	assert_int_equal(n5, 0);
	assert_non_null(strstr(fx.info.detail, "terminates TLS"));
	rdd_ntlm_sec_free(&srv);

	/* A proof that does not even unseal: a flipped byte. */
	assert_true(msg3(shadow_challenge, sizeof(shadow_challenge)) > 0);
	server_sec(&srv, &req);
	n4 = msg4(&srv, &req, fx.cert, fx.cert_len, m4, sizeof(m4));
	m4[n4 - 1] ^= 0x01;
	assert_int_equal(
	    rdd__logon_msg4(fx.l, m4, n4, m5, sizeof(m5), &n5, &fx.info),
	    RDD_LOGON_PUBKEY_MISMATCH);
	assert_false(fx.info.pubkey_checked);
	rdd_ntlm_sec_free(&srv);
}

/* CredSSP below 5: nothing is sent, as a patched client does. */
static void
test_oracle_refused_locally(void **state)
{
	uint8_t old[sizeof(shadow_challenge)];
	uint32_t v;

	(void)state;
	for (v = 2; v <= 4; v++) {
		memcpy(old, shadow_challenge, sizeof(old));
		assert_int_equal(old[8], 6); /* version's INTEGER value */
		old[8] = (uint8_t)v;
		assert_int_equal(msg3(old, sizeof(old)), 0);
		assert_int_equal(fx.info.outcome, RDD_LOGON_NOT_SENT);
		assert_int_equal(fx.info.not_sent, RDD_LOGON_NS_ORACLE);
		assert_int_equal(fx.info.version, v);
	}
	/* 5 is patched: the hash binding, with the nonce. */
	memcpy(old, shadow_challenge, sizeof(old));
	old[8] = 5;
	assert_true(msg3(old, sizeof(old)) > 0);
	assert_int_equal(fx.info.version, 5);
}

/* A CHALLENGE without key exchange: a downgrade, refused. */
static void
test_weak_ntlm_refused(void **state)
{
	uint8_t weak[sizeof(shadow_challenge)];

	(void)state;
	memcpy(weak, shadow_challenge, sizeof(weak));
	/* NegotiateFlags at CHALLENGE offset 20 (TSRequest offset 24). */
	assert_int_equal(weak[24 + 20 + 3], 0xe2);
	weak[24 + 20 + 3] = 0xa2; /* KEY_EXCH (0x40000000) off */
	assert_int_equal(msg3(weak, sizeof(weak)), 0);
	assert_int_equal(fx.info.outcome, RDD_LOGON_NOT_SENT);
	assert_int_equal(fx.info.not_sent, RDD_LOGON_NS_WEAK_NTLM);
	assert_int_equal(fx.info.missing_flags, 0x40000000u);
}

/* Not an NTLM answer, or a cut one: nothing sent, nothing read past. */
static void
test_answer_not_ntlm(void **state)
{
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(shadow_challenge); n++) {
		uint8_t *cut = malloc(n + 1);

		assert_non_null(cut);
		memcpy(cut, shadow_challenge, n);
		assert_int_equal(msg3(cut, n), 0);
		assert_true(fx.info.outcome == RDD_LOGON_MALFORMED);
		free(cut);
	}
}

/* Every truncation of a good message 4, and garbage: never OK. */
static void
test_msg4_hostile(void **state)
{
	struct rdd_ntlm_sec srv;
	struct rdd_tsrequest req;
	uint8_t m4[256], m5[RDD_LOGON_MSG_MAX], junk[64];
	size_t n4, n5, cut;
	enum rdd_logon_outcome o;

	(void)state;
	assert_true(msg3(shadow_challenge, sizeof(shadow_challenge)) > 0);
	server_sec(&srv, &req);
	n4 = msg4(&srv, &req, fx.cert, fx.cert_len, m4, sizeof(m4));
	rdd_ntlm_sec_free(&srv);
	for (cut = 0; cut < n4; cut++) {
		uint8_t *p = malloc(cut + 1);

		assert_non_null(p);
		memcpy(p, m4, cut);
		assert_true(msg3(shadow_challenge, sizeof(shadow_challenge)) >
		            0);
		n5 = 0;
		o = rdd__logon_msg4(fx.l, p, cut, m5, sizeof(m5), &n5,
		                    &fx.info);
		assert_int_not_equal(o, RDD_LOGON_OK);
		assert_int_equal(n5, 0);
		free(p);
	}
	memset(junk, 0x41, sizeof(junk));
	assert_true(msg3(shadow_challenge, sizeof(shadow_challenge)) > 0);
	assert_int_equal(rdd__logon_msg4(fx.l, junk, sizeof(junk), m5,
	                                 sizeof(m5), &n5, &fx.info),
	                 RDD_LOGON_MALFORMED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_no_delegation),
	    cmocka_unit_test(test_round_trip_delegation),
	    cmocka_unit_test(test_refused_with_error_code),
	    cmocka_unit_test(test_proof_for_another_key),
	    cmocka_unit_test(test_oracle_refused_locally),
	    cmocka_unit_test(test_weak_ntlm_refused),
	    cmocka_unit_test(test_answer_not_ntlm),
	    cmocka_unit_test(test_msg4_hostile),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
