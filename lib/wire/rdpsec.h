/*
 * rdpsec.h - Standard RDP Security ([MS-RDPBCGR] 5.3; shared/reference/
 * session.md 3): the security headers every slow-path PDU after the MCS
 * channel joins may carry, the Security Exchange PDU, the session keys
 * (non-FIPS 40/56/128-bit RC4, and FIPS 3DES), encryption with the MAC
 * (plain and salted), the RC4 key update every 4096 PDUs, and the check
 * of a proprietary certificate's signature with the Terminal Services
 * signing key.
 *
 * Crypto comes from lib/wire/crypto.h (RC4 from OpenSSL's legacy
 * provider in a private library context).
 */
#ifndef RDD_WIRE_RDPSEC_H
#define RDD_WIRE_RDPSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "gcc.h"

/* Security header flags ([MS-RDPBCGR] 2.2.8.1.1.2.1). */
#define RDD_SEC_EXCHANGE_PKT 0x0001
#define RDD_SEC_TRANSPORT_REQ 0x0002
#define RDD_SEC_TRANSPORT_RSP 0x0004
#define RDD_SEC_ENCRYPT 0x0008
#define RDD_SEC_RESET_SEQNO 0x0010
#define RDD_SEC_IGNORE_SEQNO 0x0020
#define RDD_SEC_INFO_PKT 0x0040
#define RDD_SEC_LICENSE_PKT 0x0080
#define RDD_SEC_LICENSE_ENCRYPT 0x0200 /* _CS from the server, _SC from us */
#define RDD_SEC_REDIRECTION_PKT 0x0400
#define RDD_SEC_SECURE_CHECKSUM 0x0800
#define RDD_SEC_AUTODETECT_REQ 0x1000
#define RDD_SEC_AUTODETECT_RSP 0x2000
#define RDD_SEC_HEARTBEAT 0x4000
#define RDD_SEC_FLAGSHI_VALID 0x8000

#define RDD_CLIENT_RANDOM_LEN 32

/* The basic security header: flags and flagsHi, little-endian u16 each.
 * flagsHi is whatever the sender left there; never check it. */
int rdd_sec_read_basic_header(struct rdd_cur *in, uint16_t *flags,
                              uint16_t *flags_hi);
void rdd_sec_write_basic_header(struct rdd_buf *b, uint16_t flags,
                                uint16_t flags_hi);

/*
 * The Security Exchange PDU's body (what goes in the Send Data Request):
 * basic header SEC_EXCHANGE_PKT | SEC_LICENSE_ENCRYPT_SC, length = the
 * modulus length + 8, the 32-byte CLIENT_RANDOM encrypted with raw RSA
 * under KEY (little-endian), then 8 zero bytes ([MS-RDPBCGR] 2.2.1.10,
 * 5.3.4.1). Fails when CERT has no usable RSA key or the modulus is not
 * longer than the random.
 */
int rdd_sec_build_exchange(struct rdd_buf *b,
                           const struct rdd_gcc_server_cert *cert,
                           const uint8_t client_random[RDD_CLIENT_RANDOM_LEN]);

/* The keys of one connection, client side. */
struct rdd_sec_keys {
	uint32_t method;     /* RDD_ENCRYPTION_METHOD_40BIT, _56BIT, _128BIT
	                         or _FIPS: what the server chose */
	size_t key_len;      /* RC4: 8 or 16; FIPS: 24 */
	uint8_t encrypt[24]; /* client to server */
	uint8_t decrypt[24]; /* server to client */
	size_t mac_key_len;  /* 8 or 16; FIPS: 20 */
	uint8_t mac_key[20];
};

/*
 * Derive the session keys from the two randoms ([MS-RDPBCGR] 5.3.5.1
 * non-FIPS with the 40/56-bit reductions, 5.3.5.2 FIPS). Returns -1 for a
 * method that is not exactly one of the four, or when a hash fails.
 */
int rdd_sec_derive_keys(uint32_t method,
                        const uint8_t client_random[RDD_CLIENT_RANDOM_LEN],
                        const uint8_t server_random[RDD_SERVER_RANDOM_LEN],
                        struct rdd_sec_keys *k);

/*
 * The 8-byte MAC of the plaintext DATA ([MS-RDPBCGR] 5.3.6.1; with SALTED
 * the salted form of 5.3.6.1.1 with COUNT, the PDUs this side encrypted or
 * decrypted before this one; FIPS: 5.3.6.2, HMAC-SHA1 with COUNT).
 */
int rdd_sec_mac(const struct rdd_sec_keys *k, const uint8_t *data, size_t n,
                bool salted, uint32_t count, uint8_t out[8]);

/* The running encryption state of one connection: a cipher per
 * direction, the PDU counters, the key updates. */
struct rdd_sec;

/* NULL when out of memory or when the ciphers cannot be made (RC4
 * missing: see rdd_crypto_legacy_available()). Copies K. */
struct rdd_sec *rdd_sec_new(const struct rdd_sec_keys *k);
void rdd_sec_free(struct rdd_sec *s);

/*
 * Write the security header for FLAGS | SEC_ENCRYPT (the non-FIPS
 * header, 12 bytes, or the FIPS one, 16 bytes: [MS-RDPBCGR] 2.2.8.1.1.2.2,
 * 2.2.8.1.1.2.3) with the MAC of PLAIN (salted when FLAGS has
 * SEC_SECURE_CHECKSUM), then PLAIN encrypted (FIPS: padded to 8 bytes).
 * Advances the encryption counter and applies the key update after every
 * 4096 PDUs (non-FIPS).
 */
int rdd_sec_encrypt(struct rdd_sec *s, uint16_t flags, const uint8_t *plain,
                    size_t n, struct rdd_buf *out);

/*
 * IN holds what follows a basic header whose FLAGS had SEC_ENCRYPT: the
 * dataSignature (non-FIPS) or length, version, padlen and dataSignature
 * (FIPS), then the encrypted data. Decrypts into OUT (CAP bytes; FIPS
 * drops the padding), sets *OUT_LEN, and *MAC_OK to whether the MAC
 * matches (salted when FLAGS has SEC_SECURE_CHECKSUM). Returns -1 when IN
 * is too short, the data does not fit OUT, or a FIPS length is not a
 * multiple of 8; the decryption state has then not moved.
 */
int rdd_sec_decrypt(struct rdd_sec *s, uint16_t flags, struct rdd_cur *in,
                    uint8_t *out, size_t cap, size_t *out_len, bool *mac_ok);

/* PDUs encrypted and decrypted so far. */
uint32_t rdd_sec_encrypt_count(const struct rdd_sec *s);
uint32_t rdd_sec_decrypt_count(const struct rdd_sec *s);

/*
 * Check a proprietary certificate's signature ([MS-RDPBCGR] 5.3.3.1.2):
 * MD5 over dwVersion .. the end of the public key blob, against the
 * signature raised to the public Terminal Services signing key. CERT is
 * the whole SERVER_CERTIFICATE. Returns 1 good, 0 bad (the padding or the
 * hash does not match), -1 not a readable proprietary certificate. The
 * signing key's private half is public, so a good signature authenticates
 * nothing; a bad one says the certificate was tampered with or broken.
 */
int rdd_sec_check_proprietary_signature(const uint8_t *cert, size_t len);

#endif
