/*
 * credssp.h - the CredSSP TSRequest ([MS-CSSP] 2.2.1), DER-encoded, as it
 * travels inside the TLS channel after an X.224 negotiation that selected
 * HYBRID or HYBRID_EX.
 *
 *   TSRequest ::= SEQUENCE {
 *       version     [0] INTEGER,
 *       negoTokens  [1] NegoData     OPTIONAL,
 *       authInfo    [2] OCTET STRING OPTIONAL,
 *       pubKeyAuth  [3] OCTET STRING OPTIONAL,
 *       errorCode   [4] INTEGER      OPTIONAL,  -- version 3, 4, 6
 *       clientNonce [5] OCTET STRING OPTIONAL   -- version 5 and later
 *   }
 *   NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
 *
 * Each side sends its own highest version, so the version of the
 * server's first TSRequest is the server's CredSSP level: below 6 means
 * the March 2018 CredSSP update (CVE-2018-0886) is missing.
 *
 * TLS records do not delimit TSRequests: rdd_tsrequest_frame() finds the
 * end of one from its DER outer length, the one CredSSP-side parser that
 * deals with partial input. rdd_tsrequest_parse() gets one whole PDU.
 */
#ifndef RDD_WIRE_CREDSSP_H
#define RDD_WIRE_CREDSSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* The version rdpdoctor sends: the current one (March 2018 and later). */
#define RDD_CREDSSP_VERSION 6
/* Largest TSRequest accepted. A server's answer with an NTLM CHALLENGE is
 * a few hundred bytes; Kerberos tickets are larger but stay below this. */
#define RDD_TSREQUEST_MAX 65536

struct rdd_tsrequest {
	uint32_t version;
	size_t n_tokens;      /* entries of negoTokens (0 when absent) */
	struct rdd_cur token; /* the first negoToken, borrowed; len 0 if none */
	bool has_auth_info;
	bool has_pub_key_auth;
	bool has_error_code;
	uint32_t error_code; /* NTSTATUS or HRESULT, as 32 bits */
	bool has_client_nonce;
	/* Borrowed contents of pubKeyAuth and clientNonce; len 0 when
	 * absent (an empty OCTET STRING also has len 0: see has_). */
	struct rdd_cur pub_key_auth;
	struct rdd_cur client_nonce;
};

enum rdd_tsreq_frame {
	RDD_TSREQ_OK,        /* a whole TSRequest of *pdu_len bytes */
	RDD_TSREQ_NEED_MORE, /* a valid prefix; wait for more bytes */
	RDD_TSREQ_NOT_TSREQ, /* does not start like a DER SEQUENCE */
	RDD_TSREQ_TOO_LONG   /* longer than RDD_TSREQUEST_MAX */
};

/*
 * Find the end of the TSRequest that starts at P (LEN bytes so far). On
 * OK, *PDU_LEN is its length; on NEED_MORE, its length once the head
 * (tag and length) is complete, else 0; otherwise 0.
 */
enum rdd_tsreq_frame rdd_tsrequest_frame(const uint8_t *p, size_t len,
                                         size_t *pdu_len);

/*
 * Parse the TSRequest at the start of C and advance past it (bytes after
 * it stay in C). Returns 0, or -1 with C untouched. OUT->token borrows
 * from C's bytes.
 */
int rdd_tsrequest_parse(struct rdd_cur *c, struct rdd_tsrequest *out);

/*
 * Write a TSRequest with VERSION and one negoToken (TOKEN, LEN bytes; no
 * negoTokens when LEN is 0). Sets the buffer's error flag if it does not
 * fit. Returns 0, or -1 when nothing valid was written.
 */
int rdd_tsrequest_build(struct rdd_buf *b, uint32_t version,
                        const uint8_t *token, size_t len);

#endif
