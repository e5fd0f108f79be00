/*
 * ntlm_auth_int.h - the steps of ntlm_auth.c that the public header does
 * not name, exposed for the unit tests' vectors ([MS-NLMP] 4.2.4,
 * Chromium's MIC vector) and the fuzz targets, and the UTF-16 length that
 * credssp_auth.c needs. Not part of the library's interface.
 */
#ifndef RDD_WIRE_NTLM_AUTH_INT_H
#define RDD_WIRE_NTLM_AUTH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "cursor.h"
#include "ntlm.h"
#include "ntlm_auth.h"

/* Bytes of the fixed part of an AUTHENTICATE_MESSAGE: through VERSION,
 * and through the MIC. */
#define RDD_NTLM_AUTH_HEAD 72
#define RDD_NTLM_AUTH_HEAD_MIC 88
#define RDD_NTLM_MIC_OFFSET 72

/*
 * The UTF-16LE length in bytes of UTF-8 S (no terminator) into *BYTES.
 * Returns 0, or -1 on invalid UTF-8.
 */
int rdd__utf16le_size(const char *s, size_t *bytes);

/*
 * The AV_PAIR list of the NTLMv2 response ([MS-NLMP] 3.1.5.1.2; session.md
 * N.1 step 5), appended to B: the server's pairs of SERVER (its
 * TargetInfo, may be empty) in order, up to its MsvAvEOL, with 0x2 ORed
 * into its first MsvAvFlags and any later MsvAvFlags, MsvAvChannelBindings
 * and MsvAvTargetName left out; then MsvAvFlags (when the server sent
 * none), MsvAvChannelBindings (CB, or 16 zero bytes when NULL),
 * MsvAvTargetName U(TARGET_SPN) and MsvAvEOL. Returns 0, or -1 (a cut
 * list, invalid UTF-8, B's error flag).
 */
int rdd__ntlm_av_list(struct rdd_buf *b, const struct rdd_cur *server,
                      const uint8_t *cb, const char *target_spn);

/* NTProofStr = HMAC_MD5(KEY, SERVER_CHALLENGE + TEMP) and SessionBaseKey
 * = HMAC_MD5(KEY, NTProofStr) ([MS-NLMP] 3.3.2). */
int rdd__ntlm_v2_proof(uint8_t proof[16], uint8_t session_base_key[16],
                       const uint8_t key[16], const uint8_t server_challenge[8],
                       const uint8_t *temp, size_t temp_len);

/* LMv2 = HMAC_MD5(KEY, SERVER_CHALLENGE + CLIENT_CHALLENGE) +
 * CLIENT_CHALLENGE ([MS-NLMP] 3.3.2). */
int rdd__ntlm_lmv2(uint8_t out[24], const uint8_t key[16],
                   const uint8_t server_challenge[8],
                   const uint8_t client_challenge[8]);

/* MIC = HMAC_MD5(ESK, NEGOTIATE + CHALLENGE + AUTHENTICATE), the last one
 * with its MIC field zeroed by the caller ([MS-NLMP] 3.1.5.1.2). */
int rdd__ntlm_mic(uint8_t out[16], const uint8_t esk[16], const uint8_t *neg,
                  size_t neg_len, const uint8_t *chal, size_t chal_len,
                  const uint8_t *auth, size_t auth_len);

/* What an AUTHENTICATE_MESSAGE is laid out from. The NtChallengeResponse
 * is NT_PROOF then NT_TEMP; the payload goes Domain, User, Workstation,
 * Lm, Nt, EncryptedRandomSessionKey (the order of [MS-NLMP] 4.2.4.3). */
struct rdd__ntlm_auth_fields {
	uint32_t flags;
	struct rdd_ntlm_version version;
	bool has_mic; /* false: no MIC field, the payload at 72 */
	uint8_t mic[16];
	struct rdd_iov domain, user, workstation, lm, nt_proof, nt_temp, key;
};

/* Write the AUTHENTICATE_MESSAGE of F. Returns 0, or -1 (a field longer
 * than 16 bits, B's error flag). */
int rdd__ntlm_put_authenticate(struct rdd_buf *b,
                               const struct rdd__ntlm_auth_fields *f);

/*
 * Set up SEC from an exported session key: signing keys and RC4 sealing
 * handles for both directions, sequence numbers 0. SERVER false: the
 * client's view (send client-to-server); true: the server's (send
 * server-to-client). Returns 0, or -1 with SEC zeroed.
 */
int rdd__ntlm_sec_init(struct rdd_ntlm_sec *sec, const uint8_t esk[16],
                       uint32_t flags, bool server);

#endif
