/*
 * crypto.h - the hashes and ciphers RDP's own security layers use, over
 * OpenSSL 3 EVP: MD4, MD5, SHA-1, HMAC, RC4, DES-EDE3-CBC, and raw RSA on
 * little-endian numbers ([MS-RDPBCGR] 5.3, [MS-RDPELE] 5.1, [MS-NLMP] 3.3).
 *
 * RC4 and MD4 exist only in OpenSSL's legacy provider. It is loaded into a
 * private library context (OSSL_LIB_CTX) the first time one of them is
 * asked for, never into the default context: loading it globally would
 * make every other user of OpenSSL in the process (the TLS handshakes,
 * an application that links librdpdoctor) able to pick legacy algorithms
 * by accident. Everything else comes from the default provider of that
 * same private context. With a FIPS-only OpenSSL the legacy algorithms
 * are missing: the functions that need them fail, and
 * rdd_crypto_legacy_available() says so, so that a caller can report
 * "standard RDP security cannot be checked here" instead of a server
 * fault.
 *
 * Every function returns 0 on success and -1 on failure (an algorithm
 * missing, memory); outputs are unspecified after a failure.
 */
#ifndef RDD_WIRE_CRYPTO_H
#define RDD_WIRE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RDD_MD4_LEN 16
#define RDD_MD5_LEN 16
#define RDD_SHA1_LEN 20
#define RDD_SHA256_LEN 32

/* One piece of a message hashed in parts. */
struct rdd_iov {
	const void *p;
	size_t len;
};

/* True when RC4 and MD4 can be used (the legacy provider loaded). */
bool rdd_crypto_legacy_available(void);

/* Hash the concatenation of N pieces. */
int rdd_md4(uint8_t out[RDD_MD4_LEN], const struct rdd_iov *parts, size_t n);
int rdd_md5(uint8_t out[RDD_MD5_LEN], const struct rdd_iov *parts, size_t n);
int rdd_sha1(uint8_t out[RDD_SHA1_LEN], const struct rdd_iov *parts, size_t n);
int rdd_sha256(uint8_t out[RDD_SHA256_LEN], const struct rdd_iov *parts,
               size_t n);

/* HMAC-MD5 and HMAC-SHA1 of the concatenation of N pieces. */
int rdd_hmac_md5(uint8_t out[RDD_MD5_LEN], const uint8_t *key, size_t keylen,
                 const struct rdd_iov *parts, size_t n);
int rdd_hmac_sha1(uint8_t out[RDD_SHA1_LEN], const uint8_t *key, size_t keylen,
                  const struct rdd_iov *parts, size_t n);

/* An RC4 stream: the key stream continues across calls. */
struct rdd_rc4;

struct rdd_rc4 *rdd_rc4_new(const uint8_t *key, size_t keylen);
/* Start over with a new key (the key update of [MS-RDPBCGR] 5.3.7). */
int rdd_rc4_rekey(struct rdd_rc4 *s, const uint8_t *key, size_t keylen);
/* XOR N bytes of key stream into IN, writing OUT (may equal IN). */
int rdd_rc4(struct rdd_rc4 *s, const uint8_t *in, uint8_t *out, size_t n);
void rdd_rc4_free(struct rdd_rc4 *s);

/* One-shot RC4 with a fresh key stream (licensing blobs, NTLM keys). */
int rdd_rc4_once(const uint8_t *key, size_t keylen, const uint8_t *in,
                 uint8_t *out, size_t n);

/*
 * DES-EDE3-CBC without padding (FIPS standard RDP security): the CBC
 * state continues across calls. N must be a multiple of 8.
 */
struct rdd_des3;

struct rdd_des3 *rdd_des3_new(const uint8_t key[24], const uint8_t iv[8],
                              bool encrypt);
int rdd_des3(struct rdd_des3 *s, const uint8_t *in, uint8_t *out, size_t n);
void rdd_des3_free(struct rdd_des3 *s);

/*
 * Raw RSA (no padding) as RDP uses it: IN (IN_LEN bytes, little-endian)
 * raised to EXPONENT modulo MODULUS (MOD_LEN bytes, little-endian), the
 * result written little-endian to OUT, exactly MOD_LEN bytes. Fails when
 * the modulus is zero or IN is not smaller than it.
 */
int rdd_rsa_raw_le(const uint8_t *modulus, size_t mod_len, uint32_t exponent,
                   const uint8_t *in, size_t in_len, uint8_t *out);

/* N bytes from OpenSSL's CSPRNG. */
int rdd_random_bytes(uint8_t *out, size_t n);

/* Overwrite N bytes with zeros in a way the compiler keeps. */
void rdd_wipe(void *p, size_t n);

#endif
