/*
 * fuzz_credssp_auth.c - libFuzzer target for the client side of a CredSSP
 * logon: lib/wire/credssp.c's pubKeyAuth and clientNonce cursors and
 * lib/wire/credssp_auth.c.
 *
 * The input is read as a TSRequest from the server, as a certificate, as
 * a server's pubKeyAuth plaintext and as three strings for TSCredentials.
 * Checked with abort(): the new cursors lie inside the input and agree
 * with their has_ flags; a TSRequest rebuilt from what was parsed parses
 * back to it; a SubjectPublicKey taken from a certificate fits and its
 * own echo plus one and hashes behave (the client's hash is never the
 * server's); the binding check agrees with a direct computation for
 * versions 2-4; TSCredentials succeed exactly for valid UTF-8.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/credssp.h"
#include "wire/credssp_auth.h"
#include "wire/ntlm_auth_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static bool
inside(const struct rdd_cur *part, const uint8_t *data, size_t size)
{
	return part->len == 0 || (part->p >= data && part->len <= size &&
	                          (size_t)(part->p - data) <= size - part->len);
}

static bool
same(const struct rdd_cur *a, const struct rdd_cur *b)
{
	return a->len == b->len &&
	       (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

static void
tsrequest(const uint8_t *data, size_t size)
{
	static uint8_t out[RDD_TSREQUEST_MAX + 64];
	struct rdd_tsrequest r, back;
	struct rdd_tsrequest_out m;
	struct rdd_cur c;
	struct rdd_buf b;

	rdd_cur_init(&c, data, size);
	if (rdd_tsrequest_parse(&c, &r) != 0)
		return;
	CHECK(inside(&r.pub_key_auth, data, size));
	CHECK(inside(&r.client_nonce, data, size));
	CHECK(r.has_pub_key_auth || r.pub_key_auth.len == 0);
	CHECK(r.has_client_nonce || r.client_nonce.len == 0);

	memset(&m, 0, sizeof(m));
	m.version = r.version;
	if (r.n_tokens > 0) {
		m.token = r.token.len > 0 ? r.token.p : out; /* present */
		m.token_len = r.token.len;
	}
	if (r.has_pub_key_auth) {
		m.pub_key_auth =
		    r.pub_key_auth.len > 0 ? r.pub_key_auth.p : out;
		m.pub_key_auth_len = r.pub_key_auth.len;
	}
	if (r.has_client_nonce && r.client_nonce.len == RDD_CREDSSP_NONCE_LEN)
		m.client_nonce = r.client_nonce.p;
	rdd_buf_init(&b, out, sizeof(out));
	CHECK(rdd_tsrequest_build_out(&b, &m) == 0);
	rdd_cur_init(&c, out, b.len);
	CHECK(rdd_tsrequest_parse(&c, &back) == 0 && rdd_cur_left(&c) == 0);
	CHECK(back.version == r.version);
	CHECK(back.n_tokens == (r.n_tokens > 0 ? 1u : 0u));
	CHECK(same(&back.token, &r.token));
	CHECK(back.has_pub_key_auth == r.has_pub_key_auth);
	CHECK(same(&back.pub_key_auth, &r.pub_key_auth));
	CHECK(back.has_client_nonce == (m.client_nonce != NULL));
	CHECK(m.client_nonce == NULL ||
	      same(&back.client_nonce, &r.client_nonce));
	CHECK(!back.has_auth_info && !back.has_error_code);
}

static void
certificate(const uint8_t *data, size_t size)
{
	static uint8_t spk[RDD_CREDSSP_SPK_MAX], plus[RDD_CREDSSP_SPK_MAX];
	static uint8_t bind[RDD_CREDSSP_SPK_MAX];
	uint8_t nonce[RDD_CREDSSP_NONCE_LEN];
	size_t n, i;
	unsigned carry = 1;

	n = rdd_credssp_spk(data, size, spk, sizeof(spk));
	if (n == 0)
		return;
	CHECK(n <= sizeof(spk) && n < size);
	for (i = 0; i < n; i++) {
		unsigned v = spk[i] + carry;

		plus[i] = (uint8_t)v;
		carry = v >> 8;
	}
	CHECK(rdd_credssp_client_binding(2, NULL, spk, n, bind) == n);
	CHECK(memcmp(bind, spk, n) == 0);
	CHECK(rdd_credssp_server_binding_ok(2, NULL, spk, n, plus, n));
	memset(nonce, 0x4e, sizeof(nonce));
	CHECK(rdd_credssp_client_binding(6, nonce, spk, n, bind) == 32);
	CHECK(!rdd_credssp_server_binding_ok(6, nonce, spk, n, bind, 32));
	/* A smaller buffer than the key: nothing. */
	CHECK(rdd_credssp_spk(data, size, spk, n - 1) == 0);
}

/* The first half of the input as an SPK, the second as the server's
 * plaintext. */
static void
binding(const uint8_t *data, size_t size)
{
	static uint8_t plus[RDD_CREDSSP_SPK_MAX];
	uint8_t nonce[RDD_CREDSSP_NONCE_LEN];
	size_t half = size / 2, i;
	unsigned carry = 1;
	bool ok, want;

	if (half == 0 || half > RDD_CREDSSP_SPK_MAX)
		return;
	for (i = 0; i < half; i++) {
		unsigned v = data[i] + carry;

		plus[i] = (uint8_t)v;
		carry = v >> 8;
	}
	want = size - half == half && memcmp(plus, data + half, half) == 0;
	ok = rdd_credssp_server_binding_ok(3, NULL, data, half, data + half,
	                                   size - half);
	CHECK(ok == want);
	memset(nonce, 0, sizeof(nonce));
	(void)rdd_credssp_server_binding_ok(6, nonce, data, half, data + half,
	                                    size - half);
}

/* Three NUL-separated strings for TSCredentials. */
static void
credentials(const uint8_t *data, size_t size)
{
	static char s[4096 + 3];
	static uint8_t out[6 * 4096 + 64];
	const char *str[3];
	struct rdd_buf b;
	size_t i, k = 0, units;
	bool valid = true;

	if (size > 4096)
		return;
	memcpy(s, data, size);
	s[size] = s[size + 1] = s[size + 2] = '\0';
	for (i = 0; i < 3; i++) {
		str[i] = s + k;
		k += strlen(s + k);
		if (k < size)
			k++;
		else
			k = size + 1 + i; /* the extra NULs: empty strings */
		valid = valid && rdd__utf16le_size(str[i], &units) == 0;
	}
	rdd_buf_init(&b, out, sizeof(out));
	CHECK((rdd_tscredentials_password(&b, str[0], str[1], str[2]) == 0) ==
	      valid);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tsrequest(data, size);
	certificate(data, size);
	binding(data, size);
	credentials(data, size);
	return 0;
}
