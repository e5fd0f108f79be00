/*
 * tlsdec.c - decryption of a connection's TLS records (tlsdec.h).
 *
 * TLS 1.0-1.2 (RFC 2246 5-6, RFC 4346 6.2.3.2, RFC 5246 5, 6.2.3, 6.3):
 *   key_block = PRF(master_secret, "key expansion",
 *                   server_random + client_random)
 *   = client MAC key, server MAC key, client key, server key,
 *     client IV, server IV
 * with the PRF of TLS 1.2 (P_SHA256, or P_SHA384 for the SHA-384 suites)
 * or TLS 1.0/1.1 (P_MD5 xor P_SHA1). AES-GCM (RFC 5288): nonce = 4-byte
 * IV from the key block + the record's 8-byte explicit nonce; ChaCha20-
 * Poly1305 (RFC 7905): nonce = 12-byte IV xor the sequence number; both
 * with additional data seq_num + type + version + length. CBC: the IV is
 * the record's first block (TLS 1.1+), or the key block's and then the
 * previous record's last block (TLS 1.0); MAC-then-encrypt, or encrypt-
 * then-MAC (RFC 7366) when the first does not check.
 *
 * TLS 1.3 (RFC 8446 5.2, 5.3, 7.1-7.3): key and IV = HKDF-Expand-Label of
 * the traffic secret ("key", "iv"); nonce = IV xor seq; additional data =
 * the record header; the plaintext ends with its content type and zero
 * padding. KeyUpdate: secret = HKDF-Expand-Label(secret, "traffic upd").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "pcap/keylog.h"
#include "pcap/tlsdec.h"
#include "wire/tlsrec.h"

enum mode { M_GCM, M_CHACHA, M_CBC };

struct suite {
	uint16_t id;
	enum mode mode;
	const char *cipher; /* OpenSSL name */
	size_t key_len;
	size_t iv_len;   /* key block IV (GCM: 4 fixed bytes) */
	const char *mac; /* CBC's HMAC digest; AEAD: NULL */
	size_t mac_len;
	const char *prf; /* TLS 1.2 PRF / TLS 1.3 HKDF hash */
};

static const struct suite suites[] = {
    /* TLS 1.3 */
    {0x1301, M_GCM, "AES-128-GCM", 16, 12, NULL, 0, "SHA256"},
    {0x1302, M_GCM, "AES-256-GCM", 32, 12, NULL, 0, "SHA384"},
    {0x1303, M_CHACHA, "ChaCha20-Poly1305", 32, 12, NULL, 0, "SHA256"},
    /* AES-GCM */
    {0x009C, M_GCM, "AES-128-GCM", 16, 4, NULL, 0, "SHA256"},
    {0x009D, M_GCM, "AES-256-GCM", 32, 4, NULL, 0, "SHA384"},
    {0x009E, M_GCM, "AES-128-GCM", 16, 4, NULL, 0, "SHA256"},
    {0x009F, M_GCM, "AES-256-GCM", 32, 4, NULL, 0, "SHA384"},
    {0xC02B, M_GCM, "AES-128-GCM", 16, 4, NULL, 0, "SHA256"},
    {0xC02C, M_GCM, "AES-256-GCM", 32, 4, NULL, 0, "SHA384"},
    {0xC02F, M_GCM, "AES-128-GCM", 16, 4, NULL, 0, "SHA256"},
    {0xC030, M_GCM, "AES-256-GCM", 32, 4, NULL, 0, "SHA384"},
    /* ChaCha20-Poly1305 */
    {0xCCA8, M_CHACHA, "ChaCha20-Poly1305", 32, 12, NULL, 0, "SHA256"},
    {0xCCA9, M_CHACHA, "ChaCha20-Poly1305", 32, 12, NULL, 0, "SHA256"},
    {0xCCAA, M_CHACHA, "ChaCha20-Poly1305", 32, 12, NULL, 0, "SHA256"},
    /* CBC */
    {0x000A, M_CBC, "DES-EDE3-CBC", 24, 8, "SHA1", 20, "SHA256"},
    {0xC012, M_CBC, "DES-EDE3-CBC", 24, 8, "SHA1", 20, "SHA256"},
    {0x002F, M_CBC, "AES-128-CBC", 16, 16, "SHA1", 20, "SHA256"},
    {0x0033, M_CBC, "AES-128-CBC", 16, 16, "SHA1", 20, "SHA256"},
    {0xC009, M_CBC, "AES-128-CBC", 16, 16, "SHA1", 20, "SHA256"},
    {0xC013, M_CBC, "AES-128-CBC", 16, 16, "SHA1", 20, "SHA256"},
    {0x0035, M_CBC, "AES-256-CBC", 32, 16, "SHA1", 20, "SHA256"},
    {0x0039, M_CBC, "AES-256-CBC", 32, 16, "SHA1", 20, "SHA256"},
    {0xC00A, M_CBC, "AES-256-CBC", 32, 16, "SHA1", 20, "SHA256"},
    {0xC014, M_CBC, "AES-256-CBC", 32, 16, "SHA1", 20, "SHA256"},
    {0x003C, M_CBC, "AES-128-CBC", 16, 16, "SHA256", 32, "SHA256"},
    {0x0067, M_CBC, "AES-128-CBC", 16, 16, "SHA256", 32, "SHA256"},
    {0xC023, M_CBC, "AES-128-CBC", 16, 16, "SHA256", 32, "SHA256"},
    {0xC027, M_CBC, "AES-128-CBC", 16, 16, "SHA256", 32, "SHA256"},
    {0x003D, M_CBC, "AES-256-CBC", 32, 16, "SHA256", 32, "SHA256"},
    {0x006B, M_CBC, "AES-256-CBC", 32, 16, "SHA256", 32, "SHA256"},
    {0xC024, M_CBC, "AES-256-CBC", 32, 16, "SHA384", 48, "SHA384"},
    {0xC028, M_CBC, "AES-256-CBC", 32, 16, "SHA384", 48, "SHA384"},
};

struct side_keys {
	bool active;
	uint64_t seq;
	uint8_t key[32];
	uint8_t iv[16];
	uint8_t mac_key[48];
	uint8_t secret[RDD_KL_SECRET_MAX]; /* TLS 1.3 traffic secret */
	size_t secret_len;
	EVP_CIPHER_CTX *ctx;
	int etm; /* CBC: -1 unknown, 0 MAC-then-encrypt, 1 encrypt-then-MAC */
};

struct rdd_tlsdec {
	const struct suite *s;
	uint16_t version;
	EVP_CIPHER *cipher;
	EVP_MD *md;  /* CBC HMAC */
	EVP_MD *prf; /* TLS 1.3 hash */
	const struct rdd_keylog *kl;
	uint8_t client_random[32];
	struct side_keys k[2];
};

static const struct suite *
find_suite(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (suites[i].id == id)
			return &suites[i];
	return NULL;
}

/* The TLS 1.0-1.2 PRF through OpenSSL's TLS1-PRF KDF. */
static int
prf(const char *digest, const uint8_t *secret, size_t slen, const char *label,
    const uint8_t *seed, size_t seed_len, uint8_t *out, size_t n)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
	EVP_KDF_CTX *kctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[5], *p = params;
	uint8_t full[128];
	size_t ll = strlen(label);
	int r = -1;

	if (kctx != NULL && ll + seed_len <= sizeof(full)) {
		memcpy(full, label, ll);
		memcpy(full + ll, seed, seed_len);
		*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
		                                        (char *)digest, 0);
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
		                                         (void *)secret, slen);
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED,
		                                         full, ll + seed_len);
		*p = OSSL_PARAM_construct_end();
		r = EVP_KDF_derive(kctx, out, n, params) == 1 ? 0 : -1;
	}
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return r;
}

/* HKDF-Expand-Label(SECRET, LABEL, "", N) (RFC 8446 7.1). */
static int
expand_label(const char *digest, const uint8_t *secret, size_t slen,
             const char *label, uint8_t *out, size_t n)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *kctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[5], *p = params;
	uint8_t info[2 + 1 + 255 + 1];
	size_t ll = strlen(label), il = 0;
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY, r = -1;

	if (kctx != NULL && 6 + ll <= 255) {
		info[il++] = (uint8_t)(n >> 8);
		info[il++] = (uint8_t)n;
		info[il++] = (uint8_t)(6 + ll);
		memcpy(info + il, "tls13 ", 6);
		il += 6;
		memcpy(info + il, label, ll);
		il += ll;
		info[il++] = 0; /* empty context */
		*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
		                                        (char *)digest, 0);
		*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
		                                         (void *)secret, slen);
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
		                                         info, il);
		*p = OSSL_PARAM_construct_end();
		r = EVP_KDF_derive(kctx, out, n, params) == 1 ? 0 : -1;
	}
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return r;
}

/* TLS 1.3: key and IV of SIDE from its current secret. */
static int
tls13_keys(struct rdd_tlsdec *d, int side)
{
	struct side_keys *k = &d->k[side];

	if (expand_label(d->s->prf, k->secret, k->secret_len, "key", k->key,
	                 d->s->key_len) != 0 ||
	    expand_label(d->s->prf, k->secret, k->secret_len, "iv", k->iv,
	                 12) != 0)
		return -1;
	k->seq = 0;
	k->active = true;
	return 0;
}

static int
tls13_secret(struct rdd_tlsdec *d, int side, enum rdd_keylog_label label)
{
	struct side_keys *k = &d->k[side];

	if (rdd_keylog_find(d->kl, label, d->client_random, k->secret,
	                    &k->secret_len) != 0 ||
	    k->secret_len != (size_t)EVP_MD_get_size(d->prf))
		return -1;
	return tls13_keys(d, side);
}

void
rdd_tlsdec_free(struct rdd_tlsdec *d)
{
	int i;

	if (d == NULL)
		return;
	for (i = 0; i < 2; i++)
		EVP_CIPHER_CTX_free(d->k[i].ctx);
	EVP_CIPHER_free(d->cipher);
	EVP_MD_free(d->md);
	EVP_MD_free(d->prf);
	OPENSSL_cleanse(d, sizeof(*d));
	free(d);
}

struct rdd_tlsdec *
rdd_tlsdec_new(const struct rdd_keylog *kl, uint16_t version, uint16_t suite,
               const uint8_t client_random[32], const uint8_t server_random[32],
               char *why, size_t cap)
{
	struct rdd_tlsdec *d;
	const struct suite *s = find_suite(suite);
	uint8_t master[RDD_KL_SECRET_MAX], seed[64], block[2 * (48 + 32 + 16)];
	size_t mlen = 0, off = 0, need;
	int i;

	if (s == NULL || version < 0x0301 || version > 0x0304 ||
	    ((version == 0x0304) != (s->id >> 8 == 0x13))) {
		snprintf(
		    why, cap,
		    "the cipher suite 0x%04x is not one rdpdoctor decrypts",
		    (unsigned)suite);
		return NULL;
	}
	if (version < 0x0303 && s->mode != M_CBC) {
		snprintf(why, cap, "suite 0x%04x needs TLS 1.2",
		         (unsigned)suite);
		return NULL;
	}
	if (version < 0x0304 &&
	    rdd_keylog_find(kl, RDD_KL_CLIENT_RANDOM, client_random, master,
	                    &mlen) != 0) {
		snprintf(why, cap,
		         "the key log has no CLIENT_RANDOM line for this "
		         "connection's ClientHello");
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		snprintf(why, cap, "out of memory");
		return NULL;
	}
	d->s = s;
	d->version = version;
	d->kl = kl;
	memcpy(d->client_random, client_random, 32);
	d->cipher = EVP_CIPHER_fetch(NULL, s->cipher, NULL);
	d->md = s->mac != NULL ? EVP_MD_fetch(NULL, s->mac, NULL) : NULL;
	d->prf = EVP_MD_fetch(NULL, s->prf, NULL);
	for (i = 0; i < 2; i++) {
		d->k[i].ctx = EVP_CIPHER_CTX_new();
		d->k[i].etm = -1;
	}
	if (d->cipher == NULL || d->prf == NULL ||
	    (s->mac != NULL && d->md == NULL) || d->k[0].ctx == NULL ||
	    d->k[1].ctx == NULL) {
		snprintf(why, cap, "OpenSSL lacks %s here", s->cipher);
		goto fail;
	}
	if (version == 0x0304) {
		if (tls13_secret(d, 0, RDD_KL_CLIENT_HANDSHAKE) != 0 ||
		    tls13_secret(d, 1, RDD_KL_SERVER_HANDSHAKE) != 0) {
			snprintf(why, cap,
			         "the key log has no handshake traffic secrets "
			         "for this connection's ClientHello");
			goto fail;
		}
		return d;
	}
	memcpy(seed, server_random, 32);
	memcpy(seed + 32, client_random, 32);
	need = 2 * (s->mac_len + s->key_len + s->iv_len);
	if (prf(version == 0x0303 ? s->prf : "MD5-SHA1", master, mlen,
	        "key expansion", seed, sizeof(seed), block, need) != 0) {
		snprintf(why, cap, "the TLS PRF failed");
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		memcpy(d->k[i].mac_key, block + off, s->mac_len);
		off += s->mac_len;
	}
	for (i = 0; i < 2; i++) {
		memcpy(d->k[i].key, block + off, s->key_len);
		off += s->key_len;
	}
	for (i = 0; i < 2; i++) {
		memcpy(d->k[i].iv, block + off, s->iv_len);
		off += s->iv_len;
	}
	OPENSSL_cleanse(master, sizeof(master));
	OPENSSL_cleanse(block, sizeof(block));
	return d;
fail:
	OPENSSL_cleanse(master, sizeof(master));
	rdd_tlsdec_free(d);
	return NULL;
}

void
rdd_tlsdec_ccs(struct rdd_tlsdec *d, int side)
{
	if (d == NULL || d->version == 0x0304)
		return;
	d->k[side].active = true;
	d->k[side].seq = 0;
}

int
rdd_tlsdec_tls13_app(struct rdd_tlsdec *d, int side)
{
	if (d == NULL || d->version != 0x0304)
		return -1;
	if (tls13_secret(d, side,
	                 side == 0 ? RDD_KL_CLIENT_TRAFFIC_0
	                           : RDD_KL_SERVER_TRAFFIC_0) != 0) {
		d->k[side].active = false;
		return -1;
	}
	return 0;
}

int
rdd_tlsdec_tls13_update(struct rdd_tlsdec *d, int side)
{
	struct side_keys *k;
	uint8_t next[RDD_KL_SECRET_MAX];

	if (d == NULL || d->version != 0x0304 || !d->k[side].active)
		return -1;
	k = &d->k[side];
	if (expand_label(d->s->prf, k->secret, k->secret_len, "traffic upd",
	                 next, k->secret_len) != 0)
		return -1;
	memcpy(k->secret, next, k->secret_len);
	OPENSSL_cleanse(next, sizeof(next));
	return tls13_keys(d, side);
}

bool
rdd_tlsdec_active(const struct rdd_tlsdec *d, int side)
{
	return d != NULL && d->k[side].active;
}

static void
put_seq(uint8_t out[8], uint64_t seq)
{
	int i;

	for (i = 7; i >= 0; i--) {
		out[i] = (uint8_t)seq;
		seq >>= 8;
	}
}

/* AEAD open: NONCE (12 bytes), AAD, CT of LEN bytes whose last 16 are the
 * tag. */
static int
aead_open(struct rdd_tlsdec *d, struct side_keys *k, const uint8_t *nonce,
          const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t len,
          uint8_t *out, size_t *out_len)
{
	int n = 0, f = 0;

	if (len < 16 || len - 16 > RDD_TLS_RECORD_MAX)
		return -1;
	if (EVP_DecryptInit_ex2(k->ctx, d->cipher, NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(k->ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) !=
	        1 ||
	    EVP_DecryptInit_ex2(k->ctx, NULL, k->key, nonce, NULL) != 1 ||
	    EVP_DecryptUpdate(k->ctx, NULL, &n, aad, (int)aad_len) != 1 ||
	    EVP_DecryptUpdate(k->ctx, out, &n, ct, (int)(len - 16)) != 1 ||
	    EVP_CIPHER_CTX_ctrl(k->ctx, EVP_CTRL_AEAD_SET_TAG, 16,
	                        (void *)(ct + len - 16)) != 1 ||
	    EVP_DecryptFinal_ex(k->ctx, out + n, &f) != 1)
		return -1;
	*out_len = (size_t)n + (size_t)f;
	return 0;
}

static int
open_tls12_aead(struct rdd_tlsdec *d, struct side_keys *k, uint8_t type,
                uint16_t version, const uint8_t *frag, size_t len, uint8_t *out,
                size_t *out_len)
{
	uint8_t nonce[12], aad[13];
	size_t plen, i;

	if (d->s->mode == M_GCM) {
		if (len < 8 + 16)
			return -1;
		memcpy(nonce, k->iv, 4);
		memcpy(nonce + 4, frag, 8);
		frag += 8;
		len -= 8;
	} else {
		put_seq(nonce + 4, k->seq);
		memset(nonce, 0, 4);
		for (i = 0; i < 12; i++)
			nonce[i] ^= k->iv[i];
		if (len < 16)
			return -1;
	}
	plen = len - 16;
	put_seq(aad, k->seq);
	aad[8] = type;
	aad[9] = (uint8_t)(version >> 8);
	aad[10] = (uint8_t)version;
	aad[11] = (uint8_t)(plen >> 8);
	aad[12] = (uint8_t)plen;
	return aead_open(d, k, nonce, aad, sizeof(aad), frag, len, out,
	                 out_len);
}

/* HMAC over seq, type, version, length and DATA (of DLEN bytes). */
static int
mac_ok(struct rdd_tlsdec *d, struct side_keys *k, uint8_t type,
       uint16_t version, const uint8_t *data, size_t dlen,
       const uint8_t *expect)
{
	uint8_t hdr[13], mac[EVP_MAX_MD_SIZE];
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *mc = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM params[2];
	size_t outl = 0;
	int ok = 0;

	put_seq(hdr, k->seq);
	hdr[8] = type;
	hdr[9] = (uint8_t)(version >> 8);
	hdr[10] = (uint8_t)version;
	hdr[11] = (uint8_t)(dlen >> 8);
	hdr[12] = (uint8_t)dlen;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	                                             (char *)d->s->mac, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (mc != NULL &&
	    EVP_MAC_init(mc, k->mac_key, d->s->mac_len, params) == 1 &&
	    EVP_MAC_update(mc, hdr, sizeof(hdr)) == 1 &&
	    EVP_MAC_update(mc, data, dlen) == 1 &&
	    EVP_MAC_final(mc, mac, &outl, sizeof(mac)) == 1 &&
	    outl == d->s->mac_len)
		ok = CRYPTO_memcmp(mac, expect, outl) == 0;
	EVP_MAC_CTX_free(mc);
	EVP_MAC_free(m);
	return ok;
}

/* Raw CBC decryption of LEN bytes (a multiple of the block) with IV. */
static int
cbc_raw(struct rdd_tlsdec *d, struct side_keys *k, const uint8_t *iv,
        const uint8_t *ct, size_t len, uint8_t *out)
{
	int n = 0, f = 0;

	if (EVP_DecryptInit_ex2(k->ctx, d->cipher, k->key, iv, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(k->ctx, 0) != 1 ||
	    EVP_DecryptUpdate(k->ctx, out, &n, ct, (int)len) != 1 ||
	    EVP_DecryptFinal_ex(k->ctx, out + n, &f) != 1)
		return -1;
	return (size_t)(n + f) == len ? 0 : -1;
}

/* Strip TLS CBC padding from PLAIN (LEN bytes): the length left, or -1. */
static long
unpad(const uint8_t *plain, size_t len)
{
	size_t pad, i;

	if (len == 0)
		return -1;
	pad = plain[len - 1];
	if (pad + 1 > len)
		return -1;
	for (i = 0; i < pad; i++)
		if (plain[len - 2 - i] != pad)
			return -1;
	return (long)(len - pad - 1);
}

static int
open_cbc(struct rdd_tlsdec *d, struct side_keys *k, uint8_t type,
         uint16_t version, const uint8_t *frag, size_t len, uint8_t *out,
         size_t *out_len)
{
	size_t bs = (size_t)EVP_CIPHER_get_block_size(d->cipher);
	size_t ml = d->s->mac_len, ivl = version >= 0x0302 ? bs : 0;
	const uint8_t *iv = version >= 0x0302 ? frag : k->iv;
	uint8_t next_iv[16];
	long pl;

	if (bs == 0 || bs > 16 || len < ivl + bs)
		return -1;
	/* Encrypt-then-MAC: the MAC follows the ciphertext. */
	if (k->etm != 0 && len >= ivl + bs + ml && (len - ml - ivl) % bs == 0 &&
	    mac_ok(d, k, type, version, frag, len - ml, frag + len - ml)) {
		size_t cl = len - ml - ivl;

		memcpy(next_iv, frag + ivl + cl - bs, bs);
		if (cbc_raw(d, k, iv, frag + ivl, cl, out) != 0 ||
		    (pl = unpad(out, cl)) < 0)
			return -1;
		k->etm = 1;
		if (version < 0x0302)
			memcpy(k->iv, next_iv, bs);
		*out_len = (size_t)pl;
		return 0;
	}
	if ((len - ivl) % bs != 0)
		return -1;
	memcpy(next_iv, frag + len - bs, bs);
	if (cbc_raw(d, k, iv, frag + ivl, len - ivl, out) != 0)
		return -1;
	if (version < 0x0302)
		memcpy(k->iv, next_iv, bs);
	pl = unpad(out, len - ivl);
	if (pl < 0 || (size_t)pl < ml ||
	    !mac_ok(d, k, type, version, out, (size_t)pl - ml,
	            out + (size_t)pl - ml))
		return -1;
	k->etm = 0;
	*out_len = (size_t)pl - ml;
	return 0;
}

static int
open_tls13(struct rdd_tlsdec *d, struct side_keys *k, uint8_t type,
           uint16_t version, const uint8_t *frag, size_t len, uint8_t *out,
           size_t *out_len, uint8_t *inner)
{
	uint8_t nonce[12], aad[5];
	size_t n = 0, i;

	memset(nonce, 0, 4);
	put_seq(nonce + 4, k->seq);
	for (i = 0; i < 12; i++)
		nonce[i] ^= k->iv[i];
	aad[0] = type;
	aad[1] = (uint8_t)(version >> 8);
	aad[2] = (uint8_t)version;
	aad[3] = (uint8_t)(len >> 8);
	aad[4] = (uint8_t)len;
	if (aead_open(d, k, nonce, aad, sizeof(aad), frag, len, out, &n) != 0)
		return -1;
	/* TLSInnerPlaintext: content, type, zeros. */
	while (n > 0 && out[n - 1] == 0)
		n--;
	if (n == 0)
		return -1;
	*inner = out[n - 1];
	*out_len = n - 1;
	return 0;
}

int
rdd_tlsdec_open(struct rdd_tlsdec *d, int side, uint8_t type, uint16_t version,
                const uint8_t *frag, size_t len, uint8_t *out, size_t *out_len,
                uint8_t *inner_type)
{
	struct side_keys *k;
	int r;

	if (d == NULL || side < 0 || side > 1 || !d->k[side].active ||
	    len > RDD_TLS_RECORD_MAX)
		return -1;
	k = &d->k[side];
	*inner_type = type;
	if (d->version == 0x0304)
		r = open_tls13(d, k, type, version, frag, len, out, out_len,
		               inner_type);
	else if (d->s->mode == M_CBC)
		r = open_cbc(d, k, type, version, frag, len, out, out_len);
	else
		r = open_tls12_aead(d, k, type, version, frag, len, out,
		                    out_len);
	k->seq++;
	return r;
}
