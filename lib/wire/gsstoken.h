/*
 * gsstoken.h - the framing of a Kerberos GSS-API context token (RFC 2743
 * 3.1, RFC 4121 4.1), the one thing rdpdoctor reads itself inside the
 * tokens MIT's GSSAPI makes and takes: a server's error token, to name
 * the KRB-ERROR (clock skew, a stale key) with its evidence.
 *
 *   60 L  06 L <mech OID>  <TOK_ID, 2 bytes>  <inner token>
 *   TOK_ID 01 00 AP-REQ, 02 00 AP-REP, 03 00 KRB-ERROR
 */
#ifndef RDD_WIRE_GSSTOKEN_H
#define RDD_WIRE_GSSTOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "krb.h"

#define RDD_GSS_TOK_AP_REQ 0x0100
#define RDD_GSS_TOK_AP_REP 0x0200
#define RDD_GSS_TOK_ERROR 0x0300

struct rdd_gss_token {
	struct rdd_cur mech; /* the OID's contents, borrowed */
	uint16_t tok_id;
	struct rdd_cur inner; /* what follows TOK_ID, borrowed */
};

/*
 * Parse the token at the start of C (one whole token) and advance past
 * it. Returns 0, or -1 with C untouched.
 */
int rdd_gss_token_parse(struct rdd_cur *c, struct rdd_gss_token *out);

/*
 * The KRB-ERROR of TOKEN when it is a Kerberos error token (either
 * Kerberos OID, TOK_ID 03 00). Returns 0, or -1.
 */
int rdd_gss_token_krb_error(const struct rdd_cur *token,
                            struct rdd_krb_error *out);

#endif
