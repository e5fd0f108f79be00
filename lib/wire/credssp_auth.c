/*
 * credssp_auth.c - the client's TSRequests with every field, the
 * public-key binding and the TSCredentials of a CredSSP logon
 * (credssp_auth.h), after [MS-CSSP] 2.2.1 (TSRequest), 2.2.1.2 and
 * 2.2.1.2.1 (TSCredentials, TSPasswordCreds) and 3.1.5 (pubKeyAuth);
 * facts in shared/reference/session.md C.1-C.5.
 *
 * DER is written inside out: every length is known before its head is
 * written (der.h), so nothing is patched afterwards.
 */
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "credssp.h"
#include "credssp_auth.h"
#include "crypto.h"
#include "der.h"
#include "ntlm_auth.h"
#include "ntlm_auth_int.h"

/* [MS-CSSP] 3.1.5: the magic strings with their terminating NUL, 38
 * bytes each (sizeof). */
static const char c2s_magic[] = "CredSSP Client-To-Server Binding Hash";
static const char s2c_magic[] = "CredSSP Server-To-Client Binding Hash";

/* --- TSRequest --------------------------------------------------------- */

/* [n] { OCTET STRING } around LEN bytes: its whole size. */
static size_t
explicit_octets_size(size_t len)
{
	return rdd_der_tlv_size(rdd_der_tlv_size(len));
}

static void
put_explicit_octets(struct rdd_buf *b, uint8_t n, const uint8_t *p, size_t len)
{
	rdd_der_put_head(b, RDD_DER_CTX(n), rdd_der_tlv_size(len));
	rdd_der_put_bytes(b, RDD_DER_OCTET_STRING, p, len);
}

int
rdd_tsrequest_build_out(struct rdd_buf *b, const struct rdd_tsrequest_out *m)
{
	size_t ver, tok = 0, item = 0, list = 0, body;
	size_t start = b->len;

	/* Every field stays far below RDD_TSREQUEST_MAX, which keeps the
	 * size sums below from overflowing. */
	if ((m->token != NULL && m->token_len > RDD_TSREQUEST_MAX) ||
	    (m->auth_info != NULL && m->auth_info_len > RDD_TSREQUEST_MAX) ||
	    (m->pub_key_auth != NULL &&
	     m->pub_key_auth_len > RDD_TSREQUEST_MAX)) {
		b->err = true;
		return -1;
	}
	ver = rdd_der_tlv_size(rdd_der_tlv_size(rdd_der_uint_size(m->version)));
	body = ver;
	if (m->token != NULL) {
		/* [1] SEQUENCE OF SEQUENCE { [0] OCTET STRING } */
		tok = explicit_octets_size(m->token_len);
		item = rdd_der_tlv_size(tok);
		list = rdd_der_tlv_size(item);
		body += rdd_der_tlv_size(list);
	}
	if (m->auth_info != NULL)
		body += explicit_octets_size(m->auth_info_len);
	if (m->pub_key_auth != NULL)
		body += explicit_octets_size(m->pub_key_auth_len);
	if (m->client_nonce != NULL)
		body += explicit_octets_size(RDD_CREDSSP_NONCE_LEN);

	rdd_der_put_head(b, RDD_DER_SEQUENCE, body);
	rdd_der_put_head(b, RDD_DER_CTX(0),
	                 rdd_der_tlv_size(rdd_der_uint_size(m->version)));
	rdd_der_put_uint(b, m->version);
	if (m->token != NULL) {
		rdd_der_put_head(b, RDD_DER_CTX(1), list);
		rdd_der_put_head(b, RDD_DER_SEQUENCE, item);
		rdd_der_put_head(b, RDD_DER_SEQUENCE, tok);
		put_explicit_octets(b, 0, m->token, m->token_len);
	}
	if (m->auth_info != NULL)
		put_explicit_octets(b, 2, m->auth_info, m->auth_info_len);
	if (m->pub_key_auth != NULL)
		put_explicit_octets(b, 3, m->pub_key_auth, m->pub_key_auth_len);
	if (m->client_nonce != NULL)
		put_explicit_octets(b, 5, m->client_nonce,
		                    RDD_CREDSSP_NONCE_LEN);
	if (b->err || b->len - start != rdd_der_tlv_size(body)) {
		b->err = true;
		return -1;
	}
	return 0;
}

/* --- the public-key binding -------------------------------------------- */

size_t
rdd_credssp_spk(const uint8_t *cert, size_t cert_len, uint8_t *out, size_t cap)
{
	const unsigned char *p = cert;
	const unsigned char *key = NULL;
	X509 *x;
	X509_PUBKEY *pub;
	int key_len = 0;
	size_t n = 0;

	if (cert == NULL || out == NULL || cert_len == 0 ||
	    cert_len > (size_t)LONG_MAX)
		return 0;
	x = d2i_X509(NULL, &p, (long)cert_len);
	if (x == NULL)
		return 0;
	/* The subjectPublicKey BIT STRING's contents after its unused-bits
	 * octet, whatever the key's algorithm: not i2d_PublicKey(), which
	 * re-encodes a key OpenSSL understands and fails on one it does not
	 * (session.md C.4). The certificate must be the whole input. */
	pub = X509_get_X509_PUBKEY(x);
	if ((size_t)(p - cert) == cert_len && pub != NULL &&
	    X509_PUBKEY_get0_param(NULL, &key, &key_len, NULL, pub) == 1 &&
	    key != NULL && key_len > 0 && (size_t)key_len <= cap &&
	    (size_t)key_len <= RDD_CREDSSP_SPK_MAX) {
		memcpy(out, key, (size_t)key_len);
		n = (size_t)key_len;
	}
	X509_free(x);
	return n;
}

static int
binding_hash(uint8_t out[RDD_SHA256_LEN], const char *magic, size_t magic_len,
             const uint8_t nonce[RDD_CREDSSP_NONCE_LEN], const uint8_t *spk,
             size_t spk_len)
{
	struct rdd_iov parts[3] = {
	    {magic, magic_len}, {nonce, RDD_CREDSSP_NONCE_LEN}, {spk, spk_len}};

	return rdd_sha256(out, parts, 3);
}

size_t
rdd_credssp_client_binding(uint32_t version,
                           const uint8_t nonce[RDD_CREDSSP_NONCE_LEN],
                           const uint8_t *spk, size_t spk_len, uint8_t *out)
{
	if (spk == NULL || out == NULL || spk_len == 0 ||
	    spk_len > RDD_CREDSSP_SPK_MAX)
		return 0;
	if (version < RDD_CREDSSP_HASH_VERSION) {
		memcpy(out, spk, spk_len);
		return spk_len;
	}
	if (nonce == NULL || binding_hash(out, c2s_magic, sizeof(c2s_magic),
	                                  nonce, spk, spk_len) != 0)
		return 0;
	return RDD_SHA256_LEN;
}

bool
rdd_credssp_server_binding_ok(uint32_t version,
                              const uint8_t nonce[RDD_CREDSSP_NONCE_LEN],
                              const uint8_t *spk, size_t spk_len,
                              const uint8_t *plain, size_t len)
{
	uint8_t want[RDD_CREDSSP_SPK_MAX];
	unsigned carry = 1;
	size_t i;

	if (spk == NULL || plain == NULL || spk_len == 0 ||
	    spk_len > RDD_CREDSSP_SPK_MAX)
		return false;
	if (version < RDD_CREDSSP_HASH_VERSION) {
		if (len != spk_len)
			return false;
		/* The SPK plus one, as a little-endian number (FreeRDP's
		 * carry; for a DER key only the first byte changes). */
		for (i = 0; i < spk_len; i++) {
			unsigned v = (unsigned)spk[i] + carry;

			want[i] = (uint8_t)v;
			carry = v >> 8;
		}
		return CRYPTO_memcmp(want, plain, len) == 0;
	}
	if (nonce == NULL || len != RDD_SHA256_LEN ||
	    binding_hash(want, s2c_magic, sizeof(s2c_magic), nonce, spk,
	                 spk_len) != 0)
		return false;
	return CRYPTO_memcmp(want, plain, RDD_SHA256_LEN) == 0;
}

/* --- TSCredentials ----------------------------------------------------- */

/* [n] { OCTET STRING U(S) } of S's UTF-16LE length LEN. */
static void
put_explicit_utf16(struct rdd_buf *b, uint8_t n, const char *s, size_t len)
{
	rdd_der_put_head(b, RDD_DER_CTX(n), rdd_der_tlv_size(len));
	rdd_der_put_head(b, RDD_DER_OCTET_STRING, len);
	if (!b->err && rdd_utf8_to_utf16le(b, s) != 0)
		b->err = true;
}

int
rdd_tscredentials_password(struct rdd_buf *b, const char *domain,
                           const char *user, const char *password)
{
	size_t d, u, p, creds, octets, type, body;
	size_t start = b->len;

	if (rdd__utf16le_size(domain, &d) != 0 ||
	    rdd__utf16le_size(user, &u) != 0 ||
	    rdd__utf16le_size(password, &p) != 0 || d > RDD_TSREQUEST_MAX ||
	    u > RDD_TSREQUEST_MAX || p > RDD_TSREQUEST_MAX) {
		b->err = true;
		return -1;
	}
	/* TSPasswordCreds ::= SEQUENCE { [0] [1] [2] OCTET STRING } */
	creds = explicit_octets_size(d) + explicit_octets_size(u) +
	        explicit_octets_size(p);
	octets = rdd_der_tlv_size(creds); /* the SEQUENCE */
	/* TSCredentials ::= SEQUENCE { [0] INTEGER 1, [1] OCTET STRING } */
	type = rdd_der_tlv_size(rdd_der_tlv_size(rdd_der_uint_size(1)));
	body = type + explicit_octets_size(octets);

	rdd_der_put_head(b, RDD_DER_SEQUENCE, body);
	rdd_der_put_head(b, RDD_DER_CTX(0),
	                 rdd_der_tlv_size(rdd_der_uint_size(1)));
	rdd_der_put_uint(b, 1); /* credType: password */
	rdd_der_put_head(b, RDD_DER_CTX(1), rdd_der_tlv_size(octets));
	rdd_der_put_head(b, RDD_DER_OCTET_STRING, octets);
	rdd_der_put_head(b, RDD_DER_SEQUENCE, creds);
	put_explicit_utf16(b, 0, domain, d);
	put_explicit_utf16(b, 1, user, u);
	put_explicit_utf16(b, 2, password, p);
	if (b->err || b->len - start != rdd_der_tlv_size(body)) {
		b->err = true;
		return -1;
	}
	return 0;
}
