/*
 * spnego.h - the two SPNEGO tokens (RFC 4178 4.2) a CredSSP client needs
 * to offer NTLM the way mstsc does: the client's NegTokenInit carrying an
 * NTLM NEGOTIATE, and the server's NegTokenResp carrying the CHALLENGE.
 *
 *   60 L  06 06 2b 06 01 05 05 02            InitialContextToken, SPNEGO OID
 *         a0 L 30 L                          negTokenInit
 *              a0 L 30 L 06 0a <NTLM OID>      mechTypes
 *              a2 L 04 L <NTLM NEGOTIATE>      mechToken
 *
 *   a1 L 30 L                                negTokenResp
 *        a0 03 0a 01 <negState>              OPTIONAL
 *        a1 L 06 L <mech OID>                supportedMech OPTIONAL
 *        a2 L 04 L <response token>          responseToken OPTIONAL
 *        a3 L 04 L <MIC>                     mechListMIC OPTIONAL
 *
 * OIDs (contents bytes): SPNEGO 1.3.6.1.5.5.2, NTLM 1.3.6.1.4.1.311.2.2.10.
 */
#ifndef RDD_WIRE_SPNEGO_H
#define RDD_WIRE_SPNEGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* negState values. */
#define RDD_SPNEGO_ACCEPT_COMPLETED 0
#define RDD_SPNEGO_ACCEPT_INCOMPLETE 1
#define RDD_SPNEGO_REJECT 2
#define RDD_SPNEGO_REQUEST_MIC 3

extern const uint8_t rdd_oid_spnego[6];
extern const uint8_t rdd_oid_ntlm[10];
/* Kerberos 5, 1.2.840.113554.1.2.2 (RFC 4121), and the legacy
 * mis-encoding Windows also lists, 1.2.840.48018.1.2.2 ([MS-SPNG]
 * 3.1.5.2). */
extern const uint8_t rdd_oid_krb5[9];
extern const uint8_t rdd_oid_ms_krb5[9];

struct rdd_spnego_resp {
	int neg_state; /* -1 when absent */
	bool has_mech;
	struct rdd_cur mech; /* supportedMech OID contents, borrowed */
	bool has_token;
	struct rdd_cur token; /* responseToken, borrowed */
	bool has_mic;
	struct rdd_cur mic; /* mechListMIC, borrowed */
};

/*
 * Write a NegTokenInit offering NTLM only, with MECH_TOKEN (LEN bytes, the
 * NTLM NEGOTIATE) as the optimistic token. Returns 0, or -1 (and the
 * buffer's error flag when it did not fit).
 */
int rdd_spnego_build_init(struct rdd_buf *b, const uint8_t *mech_token,
                          size_t len);

/*
 * The mechTypes a Kerberos logon offers, as the DER SEQUENCE OF MechType
 * that a mechListMIC covers (RFC 4178 5): Kerberos 5, the MS Kerberos
 * OID, NTLM. Returns 0, or -1 with B's error flag set.
 */
int rdd_spnego_krb_mech_list(struct rdd_buf *b);

/*
 * Write a NegTokenInit offering rdd_spnego_krb_mech_list()'s mechanisms
 * with MECH_TOKEN (LEN bytes: the Kerberos InitialContextToken carrying
 * the AP-REQ) as the optimistic token for the first. Returns 0, or -1.
 */
int rdd_spnego_build_init_krb(struct rdd_buf *b, const uint8_t *mech_token,
                              size_t len);

/*
 * The DER MechTypeList {NTLM} that rdd_spnego_build_init() sends, which
 * the mechListMIC of NTLM in SPNEGO covers ([MS-SPNG] 3.1.5.1; session.md
 * C.3: 30 0c 06 0a <NTLM OID>). Returns 0, or -1 with B's error flag.
 */
int rdd_spnego_ntlm_mech_list(struct rdd_buf *b);

/*
 * Write a NegTokenResp: negState when NEG_STATE >= 0, supportedMech when
 * MECH (MECH_LEN bytes of OID contents) is given, responseToken when
 * TOKEN is given, mechListMIC when MIC is given. Returns 0, or -1.
 */
int rdd_spnego_build_resp(struct rdd_buf *b, int neg_state, const uint8_t *mech,
                          size_t mech_len, const uint8_t *token, size_t len,
                          const uint8_t *mic, size_t mic_len);

/* A client's NegTokenInit (RFC 4178 4.2.1), as read by an acceptor (the
 * lab gateway). */
struct rdd_spnego_init {
	struct rdd_cur mech_list; /* the MechTypeList TLV, whole (MIC input) */
	unsigned n_mechs;
	bool first_ntlm; /* NTLM is the first (the optimistic token's) mech */
	bool has_ntlm;   /* NTLM is listed */
	bool has_token;
	struct rdd_cur token; /* mechToken, borrowed */
	bool has_mic;
	struct rdd_cur mic; /* mechListMIC, borrowed */
};

/*
 * Parse the InitialContextToken carrying a NegTokenInit at the start of C
 * (one whole token; reqFlags is skipped) and advance past it. Returns 0,
 * or -1 with C untouched.
 */
int rdd_spnego_parse_init(struct rdd_cur *c, struct rdd_spnego_init *out);

/* True when the response names Kerberos (either OID) as the mechanism. */
bool rdd_spnego_mech_is_krb5(const struct rdd_spnego_resp *r);

/*
 * Parse the NegTokenResp at the start of C (one whole token) and advance
 * past it. Returns 0, or -1 with C untouched.
 */
int rdd_spnego_parse_resp(struct rdd_cur *c, struct rdd_spnego_resp *out);

/* True when the first byte of TOKEN says it is a SPNEGO token (an
 * InitialContextToken 0x60 or a negTokenResp 0xa1). */
bool rdd_spnego_looks_like(const struct rdd_cur *token);

/* True when the response names NTLM as the mechanism. */
bool rdd_spnego_mech_is_ntlm(const struct rdd_spnego_resp *r);

/* "accept-completed", "accept-incomplete", "reject", "request-mic", or
 * NULL. */
const char *rdd_spnego_neg_state_name(int state);

#endif
