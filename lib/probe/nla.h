/*
 * nla.h - the CredSSP (NLA) phase of a probe, without the state machine
 * (internal to lib/probe; used by probe.c, the unit tests and the fuzz
 * target): the request rdpdoctor sends and what the server's answer
 * says. Pure functions over lib/wire/{credssp,spnego,ntlm}.c.
 */
#ifndef RDD_PROBE_NLA_H
#define RDD_PROBE_NLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/observation.h"

/* The VERSION rdpdoctor puts in its NEGOTIATE: 10.0.17763, revision 15,
 * as nmap's rdp-ntlm-info does (shared/reference/protocol.md 4.6). */
#define RDD_NLA_CLIENT_MAJOR 10
#define RDD_NLA_CLIENT_MINOR 0
#define RDD_NLA_CLIENT_BUILD 17763

/* Longest request: TSRequest, SPNEGO and the 40-byte NEGOTIATE. */
#define RDD_NLA_REQUEST_MAX 128

/*
 * Write the TSRequest (version 6) carrying an NTLM NEGOTIATE, wrapped in a
 * SPNEGO NegTokenInit when SPNEGO is true, to DST (CAP bytes). Returns its
 * length, or 0 if it does not fit.
 */
size_t rdd__nla_request(uint8_t *dst, size_t cap, bool spnego);

/*
 * Read the server's answer: one whole TSRequest of LEN bytes at PDU (as
 * framed by rdd_tsrequest_frame). Fills INFO's server_version,
 * error_code, ntlm (with ntlm.time_at_ms = NOW_MS) and detail, and returns
 * the outcome: OK for a CHALLENGE (raw NTLM or inside a SPNEGO
 * NegTokenResp), ERROR for an errorCode or a SPNEGO reject without one,
 * MALFORMED for anything else. Leaves the other fields alone.
 */
enum rdd_credssp_outcome rdd__nla_answer(const uint8_t *pdu, size_t len,
                                         double now_ms,
                                         struct rdd_credssp_info *info);

/*
 * Fill NTLM from a parsed CHALLENGE's raw fields. Exposed for the tests.
 */
struct rdd_ntlm_challenge;
void rdd__nla_ntlm_facts(const struct rdd_ntlm_challenge *ch, double now_ms,
                         struct rdd_ntlm_info *ntlm);

#endif
