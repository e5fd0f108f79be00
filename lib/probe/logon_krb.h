/*
 * logon_krb.h - a CredSSP logon over Kerberos (internal to lib/probe),
 * the way mstsc logs on to a domain server by name: SPNEGO with the
 * Kerberos mechanisms, the AP exchange with mutual authentication, then
 * pubKeyAuth and authInfo sealed with GSS_Wrap ([MS-CSSP] 3.1.5,
 * RFC 4121, shared/reference/kerberos.md 5). Pure over MIT's GSSAPI and
 * lib/wire: probe.c moves the bytes.
 *
 *   msg 1  C->S  TSRequest { negoTokens [SPNEGO NegTokenInit {krb5,
 *                            MS krb5, NTLM; mechToken = AP-REQ}] }
 *   msg 2  S->C  TSRequest { negoTokens [NegTokenResp {AP-REP}] }
 *                 or a reject carrying a KRB-ERROR, or errorCode
 *   msg 3  C->S  TSRequest { pubKeyAuth = Wrap(binding), clientNonce }
 *   msg 4  S->C  TSRequest { pubKeyAuth }        or errorCode, or a close
 *   msg 5  C->S  TSRequest { authInfo = Wrap(TSCredentials) }
 *
 * No I/O: the service ticket for TERMSRV/<host>@REALM is already in the
 * MEMORY ccache the Kerberos phase filled, and the target is imported as
 * that exact principal, so GSSAPI neither asks a KDC nor the DNS.
 */
#ifndef RDD_PROBE_LOGON_KRB_H
#define RDD_PROBE_LOGON_KRB_H

#include <stddef.h>
#include <stdint.h>

#include "probe/logon.h"
#include "rdpdoctor/check.h"
#include "rdpdoctor/observation.h"

struct rdd__logon_krb;

/*
 * Start a Kerberos logon for CREDS (read until freed; the password goes
 * only into the TSCredentials, with --logon) to TERMSRV/HOST@REALM with
 * the tickets of CCACHE ("MEMORY:..."). NOW_UNIX: the wall clock, for the
 * skew of a server's KRB-ERROR. SEED: the nonce (NULL: random).
 */
struct rdd__logon_krb *rdd__logon_krb_new(const struct rdd_credentials *creds,
                                          const char *host, const char *realm,
                                          const char *ccache, int64_t now_unix,
                                          const struct rdd__logon_seed *seed);

/* Message 1 into OUT (CAP bytes); its length, or 0 with INFO set. */
size_t rdd__logon_krb_msg1(struct rdd__logon_krb *l, uint8_t *out, size_t cap,
                           struct rdd_logon_info *info);

/*
 * Message 2 (PDU, the server's whole TSRequest) and the server's TLS
 * certificate (CERT): on an AP-REP that completes the context, writes
 * message 3 to OUT, sets *OUT_LEN and returns OK; else the outcome
 * (REFUSED for a KRB-ERROR or an errorCode, NOT_SENT for a server
 * without the CVE-2018-0886 fix, MALFORMED, ERROR) with INFO set.
 */
enum rdd_logon_outcome
rdd__logon_krb_msg2(struct rdd__logon_krb *l, const uint8_t *pdu, size_t len,
                    const uint8_t *cert, size_t cert_len, uint8_t *out,
                    size_t cap, size_t *out_len, struct rdd_logon_info *info);

/* Message 4: as rdd__logon_msg4 (logon.h), with GSS_Unwrap and Wrap. */
enum rdd_logon_outcome rdd__logon_krb_msg4(struct rdd__logon_krb *l,
                                           const uint8_t *pdu, size_t len,
                                           uint8_t *out, size_t cap,
                                           size_t *out_len,
                                           struct rdd_logon_info *info);

/* Release the GSS context and credentials, wipe, free. Safe on NULL. */
void rdd__logon_krb_free(struct rdd__logon_krb *l);

#endif
