/*
 * crypto.c - RDP's legacy hashes and ciphers over OpenSSL 3 EVP
 * (crypto.h). The private library context holds the default and the
 * legacy provider; it is made once, on first use, and lives as long as
 * the process (it is reachable from a static pointer, so leak checkers
 * do not count it). So do the algorithms fetched from it: a fetch takes
 * the provider store's lock and matches names, which cost more than
 * hashing the few dozen bytes RDP hashes at a time, so each algorithm is
 * fetched once, with the context, and not per call.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "wire/crypto.h"

static OSSL_LIB_CTX *libctx;
static bool have_legacy;
static pthread_once_t libctx_once = PTHREAD_ONCE_INIT;

/* The algorithms, NULL where the providers have none (MD4 and RC4 live
 * in the legacy provider, which may be missing). */
static EVP_MD *md4_alg, *md5_alg, *sha1_alg, *sha256_alg;
static EVP_MAC *hmac_alg;
static EVP_CIPHER *rc4_alg, *des3_alg;

static void
libctx_init(void)
{
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();

	if (ctx == NULL)
		return;
	if (OSSL_PROVIDER_load(ctx, "default") == NULL) {
		OSSL_LIB_CTX_free(ctx);
		return;
	}
	have_legacy = OSSL_PROVIDER_load(ctx, "legacy") != NULL;
	md4_alg = EVP_MD_fetch(ctx, "MD4", NULL);
	md5_alg = EVP_MD_fetch(ctx, "MD5", NULL);
	sha1_alg = EVP_MD_fetch(ctx, "SHA1", NULL);
	sha256_alg = EVP_MD_fetch(ctx, "SHA256", NULL);
	hmac_alg = EVP_MAC_fetch(ctx, "HMAC", NULL);
	rc4_alg = EVP_CIPHER_fetch(ctx, "RC4", NULL);
	des3_alg = EVP_CIPHER_fetch(ctx, "DES-EDE3-CBC", NULL);
	libctx = ctx;
}

static OSSL_LIB_CTX *
ctx(void)
{
	pthread_once(&libctx_once, libctx_init);
	return libctx;
}

bool
rdd_crypto_legacy_available(void)
{
	return ctx() != NULL && have_legacy;
}

/* ALG, once the context is made; NULL if it could not be. */
#define ALG(alg) (ctx() != NULL ? (alg) : NULL)

static int
digest(const EVP_MD *md, uint8_t *out, size_t out_len,
       const struct rdd_iov *parts, size_t n)
{
	EVP_MD_CTX *mctx;
	unsigned int len = 0;
	size_t i;
	int ok;

	if (md == NULL)
		return -1;
	mctx = EVP_MD_CTX_new();
	ok = mctx != NULL && EVP_DigestInit_ex(mctx, md, NULL) == 1;
	for (i = 0; ok && i < n; i++)
		if (parts[i].len > 0)
			ok = EVP_DigestUpdate(mctx, parts[i].p, parts[i].len) ==
			     1;
	ok = ok && EVP_DigestFinal_ex(mctx, out, &len) == 1 && len == out_len;
	EVP_MD_CTX_free(mctx);
	return ok ? 0 : -1;
}

int
rdd_md4(uint8_t out[RDD_MD4_LEN], const struct rdd_iov *parts, size_t n)
{
	return digest(ALG(md4_alg), out, RDD_MD4_LEN, parts, n);
}

int
rdd_md5(uint8_t out[RDD_MD5_LEN], const struct rdd_iov *parts, size_t n)
{
	return digest(ALG(md5_alg), out, RDD_MD5_LEN, parts, n);
}

int
rdd_sha1(uint8_t out[RDD_SHA1_LEN], const struct rdd_iov *parts, size_t n)
{
	return digest(ALG(sha1_alg), out, RDD_SHA1_LEN, parts, n);
}

int
rdd_sha256(uint8_t out[RDD_SHA256_LEN], const struct rdd_iov *parts, size_t n)
{
	return digest(ALG(sha256_alg), out, RDD_SHA256_LEN, parts, n);
}

static int
hmac(const char *md_name, uint8_t *out, size_t out_len, const uint8_t *key,
     size_t keylen, const struct rdd_iov *parts, size_t n)
{
	EVP_MAC *mac = ALG(hmac_alg);
	EVP_MAC_CTX *mctx;
	OSSL_PARAM params[2];
	size_t i, len = 0;
	int ok;

	if (mac == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	                                             (char *)md_name, 0);
	params[1] = OSSL_PARAM_construct_end();
	mctx = EVP_MAC_CTX_new(mac);
	ok = mctx != NULL && EVP_MAC_init(mctx, key, keylen, params) == 1;
	for (i = 0; ok && i < n; i++)
		if (parts[i].len > 0)
			ok =
			    EVP_MAC_update(mctx, parts[i].p, parts[i].len) == 1;
	ok = ok && EVP_MAC_final(mctx, out, &len, out_len) == 1 &&
	     len == out_len;
	EVP_MAC_CTX_free(mctx);
	return ok ? 0 : -1;
}

int
rdd_hmac_md5(uint8_t out[RDD_MD5_LEN], const uint8_t *key, size_t keylen,
             const struct rdd_iov *parts, size_t n)
{
	return hmac("MD5", out, RDD_MD5_LEN, key, keylen, parts, n);
}

int
rdd_hmac_sha1(uint8_t out[RDD_SHA1_LEN], const uint8_t *key, size_t keylen,
              const struct rdd_iov *parts, size_t n)
{
	return hmac("SHA1", out, RDD_SHA1_LEN, key, keylen, parts, n);
}

/* --- stream and block ciphers ------------------------------------------ */

struct rdd_rc4 {
	EVP_CIPHER_CTX *c;
};

/* A cipher context for CIPHER with KEY (of any length RC4 allows). */
static EVP_CIPHER_CTX *
cipher_new(const EVP_CIPHER *cipher, const uint8_t *key, size_t keylen,
           const uint8_t *iv, bool encrypt)
{
	EVP_CIPHER_CTX *c;
	OSSL_PARAM params[2];
	int ok;

	if (cipher == NULL)
		return NULL;
	c = EVP_CIPHER_CTX_new();
	params[0] =
	    OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_KEYLEN, &keylen);
	params[1] = OSSL_PARAM_construct_end();
	/* The key length first (RC4 takes 1 to 256 bytes), then the key. */
	ok = c != NULL &&
	     EVP_CipherInit_ex2(c, cipher, NULL, NULL, encrypt ? 1 : 0, NULL) ==
	         1 &&
	     EVP_CIPHER_CTX_set_params(c, params) == 1 &&
	     EVP_CipherInit_ex2(c, NULL, key, iv, encrypt ? 1 : 0, NULL) == 1 &&
	     EVP_CIPHER_CTX_set_padding(c, 0) == 1;
	if (!ok) {
		EVP_CIPHER_CTX_free(c);
		return NULL;
	}
	return c;
}

static int
cipher_update(EVP_CIPHER_CTX *c, const uint8_t *in, uint8_t *out, size_t n)
{
	int len = 0;

	while (n > 0) {
		/* EVP takes an int length. */
		int chunk = n > 1u << 30 ? 1 << 30 : (int)n;

		if (EVP_CipherUpdate(c, out, &len, in, chunk) != 1 ||
		    len != chunk)
			return -1;
		in += chunk;
		out += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

struct rdd_rc4 *
rdd_rc4_new(const uint8_t *key, size_t keylen)
{
	struct rdd_rc4 *s;

	if (key == NULL || keylen == 0 || keylen > 256)
		return NULL;
	s = OPENSSL_zalloc(sizeof(*s));
	if (s == NULL)
		return NULL;
	s->c = cipher_new(ALG(rc4_alg), key, keylen, NULL, true);
	if (s->c == NULL) {
		OPENSSL_free(s);
		return NULL;
	}
	return s;
}

int
rdd_rc4_rekey(struct rdd_rc4 *s, const uint8_t *key, size_t keylen)
{
	EVP_CIPHER_CTX *c;

	if (s == NULL || key == NULL || keylen == 0 || keylen > 256)
		return -1;
	c = cipher_new(ALG(rc4_alg), key, keylen, NULL, true);
	if (c == NULL)
		return -1;
	EVP_CIPHER_CTX_free(s->c);
	s->c = c;
	return 0;
}

int
rdd_rc4(struct rdd_rc4 *s, const uint8_t *in, uint8_t *out, size_t n)
{
	if (s == NULL || (n > 0 && (in == NULL || out == NULL)))
		return -1;
	return cipher_update(s->c, in, out, n);
}

void
rdd_rc4_free(struct rdd_rc4 *s)
{
	if (s == NULL)
		return;
	EVP_CIPHER_CTX_free(s->c);
	OPENSSL_free(s);
}

int
rdd_rc4_once(const uint8_t *key, size_t keylen, const uint8_t *in, uint8_t *out,
             size_t n)
{
	struct rdd_rc4 *s = rdd_rc4_new(key, keylen);
	int r;

	if (s == NULL)
		return -1;
	r = rdd_rc4(s, in, out, n);
	rdd_rc4_free(s);
	return r;
}

struct rdd_des3 {
	EVP_CIPHER_CTX *c;
};

struct rdd_des3 *
rdd_des3_new(const uint8_t key[24], const uint8_t iv[8], bool encrypt)
{
	struct rdd_des3 *s;

	if (key == NULL || iv == NULL)
		return NULL;
	s = OPENSSL_zalloc(sizeof(*s));
	if (s == NULL)
		return NULL;
	s->c = cipher_new(ALG(des3_alg), key, 24, iv, encrypt);
	if (s->c == NULL) {
		OPENSSL_free(s);
		return NULL;
	}
	return s;
}

int
rdd_des3(struct rdd_des3 *s, const uint8_t *in, uint8_t *out, size_t n)
{
	if (s == NULL || n % 8 != 0 || (n > 0 && (in == NULL || out == NULL)))
		return -1;
	return cipher_update(s->c, in, out, n);
}

void
rdd_des3_free(struct rdd_des3 *s)
{
	if (s == NULL)
		return;
	EVP_CIPHER_CTX_free(s->c);
	OPENSSL_free(s);
}

/* --- RSA on little-endian numbers ------------------------------------ */

static void
reverse(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[n - 1 - i];
}

int
rdd_rsa_raw_le(const uint8_t *modulus, size_t mod_len, uint32_t exponent,
               const uint8_t *in, size_t in_len, uint8_t *out)
{
	uint8_t tmp[1024];
	BIGNUM *n = NULL, *e = NULL, *m = NULL, *r = NULL;
	BN_CTX *bctx = NULL;
	int ok = 0;

	if (modulus == NULL || in == NULL || out == NULL || mod_len == 0 ||
	    mod_len > sizeof(tmp) || in_len > sizeof(tmp) || exponent == 0)
		return -1;
	bctx = BN_CTX_new();
	e = BN_new();
	r = BN_new();
	reverse(tmp, modulus, mod_len);
	n = BN_bin2bn(tmp, (int)mod_len, NULL);
	reverse(tmp, in, in_len);
	m = BN_bin2bn(tmp, (int)in_len, NULL);
	if (bctx != NULL && e != NULL && r != NULL && n != NULL && m != NULL &&
	    !BN_is_zero(n) && BN_cmp(m, n) < 0 &&
	    BN_set_word(e, exponent) == 1 &&
	    BN_mod_exp(r, m, e, n, bctx) == 1 &&
	    BN_bn2binpad(r, tmp, (int)mod_len) == (int)mod_len) {
		reverse(out, tmp, mod_len);
		ok = 1;
	}
	rdd_wipe(tmp, sizeof(tmp));
	BN_clear_free(m);
	BN_free(n);
	BN_free(e);
	BN_clear_free(r);
	BN_CTX_free(bctx);
	return ok ? 0 : -1;
}

int
rdd_random_bytes(uint8_t *out, size_t n)
{
	if (n == 0)
		return 0;
	if (out == NULL || n > (size_t)1 << 30)
		return -1;
	return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}

void
rdd_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}
