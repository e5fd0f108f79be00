/*
 * credssp_auth.h - the parts of CredSSP ([MS-CSSP] 2.2.1, 3.1.5) that
 * only a logon needs: the client's TSRequests with every field, the
 * public-key binding (pubKeyAuth) for versions 2-4 and 5-6, and the
 * TSCredentials carrying the password.
 *
 * Sealing is NTLM's (ntlm_auth.h): on the wire pubKeyAuth and authInfo are
 * SIGNATURE (16) + sealed plaintext. This file builds and checks the
 * plaintexts. Facts: shared/reference/session.md C.1-C.5.
 */
#ifndef RDD_WIRE_CREDSSP_AUTH_H
#define RDD_WIRE_CREDSSP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_CREDSSP_NONCE_LEN 32
/* The first version with the hash binding and the nonce (the March 2018
 * update, CVE-2018-0886). */
#define RDD_CREDSSP_HASH_VERSION 5
/* Longest SubjectPublicKey handled (an RSA-16384 key is ~2 KiB). */
#define RDD_CREDSSP_SPK_MAX 4096

/* A client TSRequest: each field absent when its pointer is NULL. */
struct rdd_tsrequest_out {
	uint32_t version;
	const uint8_t *token; /* negoTokens[0].negoToken */
	size_t token_len;
	const uint8_t *auth_info;
	size_t auth_info_len;
	const uint8_t *pub_key_auth;
	size_t pub_key_auth_len;
	const uint8_t *client_nonce; /* RDD_CREDSSP_NONCE_LEN bytes */
};

/* Write M as DER. Returns 0, or -1 with B's error flag set. */
int rdd_tsrequest_build_out(struct rdd_buf *b,
                            const struct rdd_tsrequest_out *m);

/*
 * The SubjectPublicKey the binding covers ([MS-CSSP] 3.1.5): the
 * subjectPublicKey BIT STRING of the certificate's SubjectPublicKeyInfo
 * without its unused-bits octet (for RSA, the DER RSAPublicKey). CERT is
 * the certificate's DER. Returns its length written to OUT (CAP bytes),
 * or 0 when the certificate does not parse or the key does not fit.
 */
size_t rdd_credssp_spk(const uint8_t *cert, size_t cert_len, uint8_t *out,
                       size_t cap);

/*
 * The plaintext the client seals as pubKeyAuth for negotiated VERSION:
 * below 5 the SPK itself; from 5 on SHA-256("CredSSP Client-To-Server
 * Binding Hash\0" + NONCE + SPK). OUT holds at least max(SPK_LEN, 32)
 * bytes. Returns the length, or 0 on failure.
 */
size_t rdd_credssp_client_binding(uint32_t version,
                                  const uint8_t nonce[RDD_CREDSSP_NONCE_LEN],
                                  const uint8_t *spk, size_t spk_len,
                                  uint8_t *out);

/*
 * Whether the server's unsealed pubKeyAuth PLAIN (LEN bytes) is what a
 * server holding SPK sends for VERSION: below 5 the SPK with its first
 * byte plus one (little-endian carry); from 5 on SHA-256("CredSSP
 * Server-To-Client Binding Hash\0" + NONCE + SPK).
 */
bool rdd_credssp_server_binding_ok(uint32_t version,
                                   const uint8_t nonce[RDD_CREDSSP_NONCE_LEN],
                                   const uint8_t *spk, size_t spk_len,
                                   const uint8_t *plain, size_t len);

/*
 * TSCredentials { credType 1, TSPasswordCreds { domainName, userName,
 * password } } with the three strings UTF-16LE (UTF-8 in), into B.
 * Returns 0, or -1 (invalid UTF-8, or B too small).
 */
int rdd_tscredentials_password(struct rdd_buf *b, const char *domain,
                               const char *user, const char *password);

#endif
