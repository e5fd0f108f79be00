/*
 * logon.h - the logon half of the CredSSP phase (internal to lib/probe):
 * what the client sends after the server's CHALLENGE and how it reads the
 * server's answers, when the user gave credentials (check --user). Pure
 * functions over lib/wire/{ntlm_auth,credssp_auth,credssp}.c: probe.c
 * moves the bytes.
 *
 *   msg 3  C->S  TSRequest { version 6, negoTokens [AUTHENTICATE],
 *                            pubKeyAuth, clientNonce (negotiated >= 5) }
 *   msg 4  S->C  TSRequest { pubKeyAuth }        or errorCode, or a close
 *   msg 5  C->S  TSRequest { authInfo = sealed TSCredentials }
 *   (HYBRID_EX) S->C  Early User Authorization Result, 4 bytes
 *
 * Facts: shared/reference/session.md C.1-C.6.
 */
#ifndef RDD_PROBE_LOGON_H
#define RDD_PROBE_LOGON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/observation.h"

/* Longest message 3 or 5 (AUTHENTICATE, pubKeyAuth of a large key, DER). */
#define RDD_LOGON_MSG_MAX 16384

struct rdd__logon;

/* The caller's randomness and clock, fixed by the tests; else NULL. */
struct rdd__logon_seed {
	uint8_t client_challenge[8];
	uint8_t exported_session_key[16];
	uint8_t nonce[32];
};

/* OUT = *SEED, or random bytes when SEED is NULL (NTLM and Kerberos
 * logons alike). Returns 0, or -1 when no random bytes could be had. */
int rdd__logon_seed_fill(struct rdd__logon_seed *out,
                         const struct rdd__logon_seed *seed);

/*
 * Start a logon for CREDS (read until rdd__logon_free; the password is
 * never copied). HOST names the server in the SPN "TERMSRV/HOST".
 * NOW_UNIX is the wall-clock time for an NTLM response when the server's
 * CHALLENGE carries none. SEED: NULL for fresh random values.
 */
struct rdd__logon *rdd__logon_new(const struct rdd_credentials *creds,
                                  const char *host, int64_t now_unix,
                                  const struct rdd__logon_seed *seed);

/*
 * Message 3. REQUEST is our message 1 as sent (a whole TSRequest with
 * a raw NTLM NEGOTIATE), ANSWER the server's message 2 (a whole TSRequest
 * with a raw NTLM CHALLENGE), CERT the DER of the server's TLS
 * certificate. Writes the TSRequest to OUT (CAP >= RDD_LOGON_MSG_MAX) and
 * returns its length; 0 when nothing is to be sent, with INFO's outcome
 * (NOT_SENT for a server without the CVE-2018-0886 fix or with weak
 * NTLM, MALFORMED, ERROR) and detail set. Fills INFO's user, domain,
 * version and ntlm_flags.
 */
size_t rdd__logon_msg3(struct rdd__logon *l, const uint8_t *request,
                       size_t request_len, const uint8_t *answer,
                       size_t answer_len, const uint8_t *cert, size_t cert_len,
                       uint8_t *out, size_t cap, struct rdd_logon_info *info);

/*
 * Message 4: PDU is the server's whole TSRequest. On a good pubKeyAuth,
 * writes message 5 to OUT (CAP >= RDD_LOGON_MSG_MAX), sets *OUT_LEN and
 * returns RDD_LOGON_OK; else returns the outcome (REFUSED with the
 * errorCode, PUBKEY_MISMATCH, MALFORMED, ERROR) with INFO's detail set.
 */
enum rdd_logon_outcome rdd__logon_msg4(struct rdd__logon *l, const uint8_t *pdu,
                                       size_t len, uint8_t *out, size_t cap,
                                       size_t *out_len,
                                       struct rdd_logon_info *info);

/* Wipe every key and free. Safe on NULL. */
void rdd__logon_free(struct rdd__logon *l);

#endif
