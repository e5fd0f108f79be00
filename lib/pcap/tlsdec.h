/*
 * tlsdec.h - decryption of the TLS records of one connection with the
 * secrets of a key log (keylog.h), for a passive observer: TLS 1.0 to 1.2
 * from the master secret (RFC 2246 / 4346 / 5246: the PRF, the key block,
 * CBC with HMAC-SHA1/SHA-256/SHA-384, AES-GCM, ChaCha20-Poly1305) and
 * TLS 1.3 from the traffic secrets (RFC 8446 7.1-7.3, 5.2-5.3: HKDF-
 * Expand-Label, the per-record nonce, key updates). OpenSSL EVP does the
 * cryptography.
 *
 * Sides are 0 (client) and 1 (server). Each side keeps its own record
 * sequence number from the moment its keys apply.
 */
#ifndef RDD_PCAP_TLSDEC_H
#define RDD_PCAP_TLSDEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rdd_keylog;
struct rdd_tlsdec;

/* Largest plaintext of one record (RFC 8446 5.1, RFC 5246 6.2.3 with
 * compression off) and the largest record accepted. */
#define RDD_TLS_PLAIN_MAX 16384
#define RDD_TLS_RECORD_MAX (16384 + 2048)

/*
 * A decryptor for the connection whose hellos carried CLIENT_RANDOM and
 * SERVER_RANDOM and chose VERSION (0x0301..0x0304) and SUITE. NULL when
 * the key log has no secret for that client random, or the suite is one
 * this does not decrypt: WHY (CAP bytes) says which.
 */
struct rdd_tlsdec *rdd_tlsdec_new(const struct rdd_keylog *kl, uint16_t version,
                                  uint16_t suite,
                                  const uint8_t client_random[32],
                                  const uint8_t server_random[32], char *why,
                                  size_t cap);
void rdd_tlsdec_free(struct rdd_tlsdec *d);

/* TLS <= 1.2: SIDE sent ChangeCipherSpec; its next records are
 * encrypted. */
void rdd_tlsdec_ccs(struct rdd_tlsdec *d, int side);

/* TLS 1.3: SIDE sent its Finished: its records from now on are under
 * the application traffic secret. Returns 0, or -1 when the key log has
 * no such secret. */
int rdd_tlsdec_tls13_app(struct rdd_tlsdec *d, int side);

/* TLS 1.3: SIDE sent a KeyUpdate: the next generation of its secret. */
int rdd_tlsdec_tls13_update(struct rdd_tlsdec *d, int side);

/* The records of SIDE are encrypted under keys this knows. */
bool rdd_tlsdec_active(const struct rdd_tlsdec *d, int side);

/*
 * Decrypt one record of SIDE: its header's TYPE and VERSION and the LEN
 * bytes of its fragment. OUT (at least RDD_TLS_RECORD_MAX bytes) gets the
 * plaintext, *OUT_LEN its length and *INNER_TYPE its content type (the
 * record's, or TLS 1.3's inner one). Returns 0, or -1 when the record
 * does not decrypt (bad tag or MAC, bad padding, too short); the sequence
 * number moves on either way.
 */
int rdd_tlsdec_open(struct rdd_tlsdec *d, int side, uint8_t type,
                    uint16_t version, const uint8_t *frag, size_t len,
                    uint8_t *out, size_t *out_len, uint8_t *inner_type);

#endif
