/*
 * ntlm_auth.h - the client side of an NTLMv2 logon ([MS-NLMP] 3.1.5.1.2,
 * 3.3.2, 3.4): the AUTHENTICATE_MESSAGE answering a server's CHALLENGE,
 * with the MIC over the three messages, and the session's signing and
 * sealing (GSS_WrapEx / GSS_UnwrapEx with extended session security and
 * key exchange) that CredSSP uses for pubKeyAuth and authInfo.
 *
 * Used only when the user gave credentials (check --user). The password
 * is read from the caller's buffer and never copied anywhere but into
 * the hashes; every key this file derives lives in struct rdd_ntlm_sec,
 * wiped by rdd_ntlm_sec_free().
 *
 * Formulas and vectors: shared/reference/session.md "NTLM" (N.1-N.6);
 * [MS-NLMP] 4.2.4 are the unit tests' vectors.
 */
#ifndef RDD_WIRE_NTLM_AUTH_H
#define RDD_WIRE_NTLM_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_NTLM_SIGNATURE_LEN 16
/* Longest AUTHENTICATE built: fixed part, names (each capped at
 * RDD_NTLM_NAME_MAX UTF-16 units), LMv2, NTLMv2 response with the
 * server's AV pairs (capped), key. */
#define RDD_NTLM_NAME_MAX 256
#define RDD_NTLM_AUTHENTICATE_MAX 8192

/* Flags the CHALLENGE must grant, or the logon is refused as a downgrade
 * ([MS-NLMP] 2.2.2.5; session.md N.2, N.7): UNICODE, EXTENDED_SESSION-
 * SECURITY, SIGN, SEAL, 128, KEY_EXCH. */
#define RDD_NTLM_REQUIRED_FLAGS 0x60080031u

enum rdd_ntlm_auth_result {
	RDD_NTLM_AUTH_OK,
	RDD_NTLM_AUTH_MALFORMED, /* the CHALLENGE is not well formed */
	RDD_NTLM_AUTH_DOWNGRADE, /* it lacks a required flag (*missing) */
	RDD_NTLM_AUTH_TOO_LONG,  /* a name or the AV list exceeds the caps */
	RDD_NTLM_AUTH_CRYPTO     /* a hash or cipher failed (no legacy
	                            provider: MD4/RC4 missing) */
};

/* What the AUTHENTICATE is built from. Strings are UTF-8, NUL-ended. */
struct rdd_ntlm_auth_input {
	/* The NEGOTIATE as sent and the CHALLENGE as received, whole and
	 * byte for byte: the MIC covers them. */
	const uint8_t *negotiate;
	size_t negotiate_len;
	const uint8_t *challenge;
	size_t challenge_len;
	const char *user;        /* as typed, not uppercased */
	const char *domain;      /* "" when none */
	const char *password;    /* the secret; only hashed */
	const char *workstation; /* "" or the client's name */
	const char *target_spn;  /* MsvAvTargetName: "TERMSRV/host" */
	/* MsvAvChannelBindings; NULL: 16 zero bytes (what FreeRDP and,
	 * in CredSSP, Windows servers accept: session.md N.3). */
	const uint8_t *channel_bindings;
	/* FILETIME to use when the CHALLENGE carries no MsvAvTimestamp. */
	uint64_t now_filetime;
	/* The caller's randomness, so that tests are reproducible. */
	uint8_t client_challenge[8];
	uint8_t exported_session_key[16];
};

/* One direction's signing key, RC4 sealing handle and sequence number. */
struct rdd_rc4;
struct rdd_ntlm_dir {
	uint8_t sign_key[16];
	struct rdd_rc4 *seal;
	uint32_t seq;
};

/* The security context after AUTHENTICATE: client-to-server (send) and
 * server-to-client (receive). */
struct rdd_ntlm_sec {
	uint32_t flags; /* the AUTHENTICATE's NegotiateFlags */
	uint8_t exported_session_key[16];
	struct rdd_ntlm_dir send;
	struct rdd_ntlm_dir recv;
};

/*
 * Build the AUTHENTICATE_MESSAGE for IN into OUT (a buffer of at least
 * RDD_NTLM_AUTHENTICATE_MAX bytes is always enough) and set up SEC. The
 * AUTHENTICATE's flags are the CHALLENGE's ANDed with the NEGOTIATE's,
 * plus VERSION; the MIC is set and MsvAvFlags carries 0x2. On DOWNGRADE
 * *MISSING (may be NULL) gets the required flags the CHALLENGE lacks. On
 * any result but OK, SEC holds nothing to free and OUT is unspecified.
 */
enum rdd_ntlm_auth_result
rdd_ntlm_authenticate(struct rdd_buf *out, const struct rdd_ntlm_auth_input *in,
                      struct rdd_ntlm_sec *sec, uint32_t *missing);

/*
 * Seal LEN bytes of MSG for the server: OUT gets the 16-byte SIGNATURE
 * then the RC4-sealed message (16 + LEN bytes; OUT may not overlap MSG).
 * The send sequence number advances. Returns 0 or -1.
 */
int rdd_ntlm_seal(struct rdd_ntlm_sec *sec, const uint8_t *msg, size_t len,
                  uint8_t *out);

/*
 * Unseal a token from the server: IN is SIGNATURE (16) + sealed message
 * (LEN >= 16); OUT gets the LEN - 16 plaintext bytes. Returns 0, or -1
 * when the token is short or its signature does not verify (then OUT is
 * unspecified). The receive sequence number advances either way.
 */
int rdd_ntlm_unseal(struct rdd_ntlm_sec *sec, const uint8_t *in, size_t len,
                    uint8_t *out);

/*
 * GSS_GetMIC ([MS-NLMP] 3.4.4.2, extended session security and key
 * exchange): the 16-byte SIGNATURE of LEN bytes of MSG in the send
 * direction, the message itself not sealed (what SPNEGO's mechListMIC is,
 * [MS-SPNG] 3.1.5.1; session.md C.3). The send sequence number advances.
 * Returns 0 or -1.
 */
int rdd_ntlm_sign(struct rdd_ntlm_sec *sec, const uint8_t *msg, size_t len,
                  uint8_t sig[RDD_NTLM_SIGNATURE_LEN]);

/*
 * GSS_VerifyMIC: SIG (LEN_SIG bytes) is the server's SIGNATURE of MSG in
 * the receive direction. Returns 0 when it verifies, -1 otherwise (a
 * signature that is not 16 bytes included). The receive sequence number
 * advances either way.
 */
int rdd_ntlm_verify(struct rdd_ntlm_sec *sec, const uint8_t *msg, size_t len,
                    const uint8_t *sig, size_t sig_len);

/* Free the RC4 handles and wipe every key. Safe on a zeroed struct. */
void rdd_ntlm_sec_free(struct rdd_ntlm_sec *sec);

/*
 * The steps, exposed for the [MS-NLMP] 4.2.4 vectors:
 * NTOWFv2(password, user, domain) = HMAC_MD5(MD4(U(password)),
 * U(upper(user) + domain)); ASCII-only uppercasing (non-ASCII letters stay
 * as they are: session.md N.1 step 2).
 */
int rdd_ntlm_ntowfv2(uint8_t out[16], const char *password, const char *user,
                     const char *domain);

/* SIGNKEY and SEALKEY (128-bit) of a direction from the exported session
 * key ([MS-NLMP] 3.4.5.2, 3.4.5.3; the magic constants with their NUL). */
int rdd_ntlm_sign_key(uint8_t out[16], const uint8_t esk[16],
                      bool client_to_server);
int rdd_ntlm_seal_key(uint8_t out[16], const uint8_t esk[16],
                      bool client_to_server);

/* UTF-8 to UTF-16LE, no terminator, into B; -1 on invalid UTF-8. */
int rdd_utf8_to_utf16le(struct rdd_buf *b, const char *s);

#endif
