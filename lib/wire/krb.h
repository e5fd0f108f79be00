/*
 * krb.h - the credential-free Kerberos probe (RFC 4120): an AS-REQ without
 * pre-authentication, and the KRB-ERROR a KDC answers with, whose stime
 * gives the KDC's clock and whose e-data (METHOD-DATA with PA-ETYPE-INFO2)
 * names the encryption types the KDC holds for the principal.
 *
 *   AS-REQ ::= [APPLICATION 10] KDC-REQ        (6a L 30 L ...)
 *   KDC-REQ ::= SEQUENCE { pvno [1] 5, msg-type [2] 10, padata [3] OPT,
 *                          req-body [4] KDC-REQ-BODY }
 *   KDC-REQ-BODY ::= SEQUENCE { kdc-options [0] BIT STRING, cname [1],
 *                   realm [2], sname [3] krbtgt/REALM, till [5],
 *                   nonce [7] UInt32, etype [8] SEQUENCE OF Int32 }
 *
 *   KRB-ERROR ::= [APPLICATION 30] SEQUENCE {   (7e L 30 L ...)
 *     pvno [0], msg-type [1] 30, ctime [2] OPT, cusec [3] OPT,
 *     stime [4] GeneralizedTime, susec [5], error-code [6],
 *     crealm [7] OPT, cname [8] OPT, realm [9], sname [10],
 *     e-text [11] GeneralString OPT, e-data [12] OCTET STRING OPT }
 *
 *   METHOD-DATA ::= SEQUENCE OF PA-DATA { padata-type [1], padata-value [2] }
 *   ETYPE-INFO2 ::= SEQUENCE OF SEQUENCE { etype [0], salt [1] OPT,
 *                                          s2kparams [2] OPT }
 *
 * Over TCP every message is preceded by its length, 4 bytes big-endian
 * (RFC 4120 7.2.2); UDP carries the bare message. Layouts and lab bytes:
 * shared/reference/kerberos.md 3.3, 3.4. No cryptography is involved.
 */
#ifndef RDD_WIRE_KRB_H
#define RDD_WIRE_KRB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_KRB_PORT 88

/* Message types (RFC 4120 7.5.7), also the APPLICATION tag numbers. */
#define RDD_KRB_AS_REQ 10
#define RDD_KRB_AS_REP 11
#define RDD_KRB_ERROR 30

/* Error codes the probe tells apart (RFC 4120 7.5.9). */
#define RDD_KRB_ERR_NAME_EXP 1
#define RDD_KRB_ERR_C_PRINCIPAL_UNKNOWN 6
#define RDD_KRB_ERR_S_PRINCIPAL_UNKNOWN 7
#define RDD_KRB_ERR_PRINCIPAL_NOT_UNIQUE 8
#define RDD_KRB_ERR_POLICY 12
#define RDD_KRB_ERR_ETYPE_NOSUPP 14
#define RDD_KRB_ERR_CLIENT_REVOKED 18
#define RDD_KRB_ERR_KEY_EXPIRED 23
#define RDD_KRB_ERR_PREAUTH_FAILED 24
#define RDD_KRB_ERR_PREAUTH_REQUIRED 25
#define RDD_KRB_ERR_SKEW 37
#define RDD_KRB_ERR_WRONG_REALM 68

/* PA-DATA types. */
#define RDD_KRB_PA_PW_SALT 3
#define RDD_KRB_PA_ETYPE_INFO2 19

/* Longest realm and principal name the builder writes. */
#define RDD_KRB_MAX_NAME 255
/* Most etypes kept from ETYPE-INFO2. */
#define RDD_KRB_MAX_ETYPES 8
/* Largest KDC answer the probe accepts (UDP datagram or TCP record). */
#define RDD_KRB_MAX_MSG 65535

/*
 * Write the AS-REQ for CNAME@REALM asking for krbtgt/REALM, no padata,
 * kdc-options 0x40810010 (forwardable, renewable, canonicalize,
 * renewable-ok), till 20370913024805Z, NONCE (the top bit is cleared, as
 * MIT and Windows keep nonces below 2^31), and the N ETYPES in order. With
 * TCP true the 4-byte length comes first. CNAME and REALM are 1 to
 * RDD_KRB_MAX_NAME printable ASCII characters (GeneralString). Returns 0,
 * or -1 (bad arguments, or the buffer's error flag when it did not fit).
 */
int rdd_krb_build_as_req(struct rdd_buf *b, const char *cname,
                         const char *realm, uint32_t nonce,
                         const int32_t *etypes, size_t n, bool tcp);

struct rdd_krb_error {
	int64_t error_code;
	int64_t stime;        /* KDC time, seconds since 1970-01-01 UTC */
	uint32_t susec;       /* microseconds, 0..999999 */
	struct rdd_cur realm; /* borrowed, GeneralString contents */
	bool has_etext;
	struct rdd_cur etext; /* borrowed */
	bool has_edata;
	struct rdd_cur edata; /* borrowed, OCTET STRING contents */
	/* From PA-ETYPE-INFO2 when e-data is a METHOD-DATA holding one. */
	bool has_etype_info2;
	size_t n_etypes; /* kept, at most RDD_KRB_MAX_ETYPES */
	int32_t etypes[RDD_KRB_MAX_ETYPES];
};

/*
 * Parse the KRB-ERROR at the start of C (one whole message, no TCP length)
 * and advance past it. e-data that is not a METHOD-DATA (a Windows
 * KERB-ERROR-DATA, say) is kept as bytes and does not fail the parse; a
 * METHOD-DATA whose ETYPE-INFO2 is malformed leaves has_etype_info2 false.
 * Returns 0, or -1 with C untouched.
 */
int rdd_krb_parse_error(struct rdd_cur *c, struct rdd_krb_error *out);

/*
 * The etypes of an ETYPE-INFO2 (the padata-value bytes V): up to MAX kept
 * in OUT, *N the number kept. Returns 0, or -1 when V is not one.
 */
int rdd_krb_parse_etype_info2(const struct rdd_cur *v, int32_t *out, size_t max,
                              size_t *n);

/*
 * The message type of a KDC answer from its first byte: RDD_KRB_ERROR,
 * RDD_KRB_AS_REP, another APPLICATION number, or -1 when it is not an
 * APPLICATION tag or C is empty.
 */
int rdd_krb_msg_type(const struct rdd_cur *c);

/*
 * The TCP record at the start of C: a 4-byte length (the top bit, reserved
 * by RFC 4120 7.2.2, must be clear) and the message. Returns 1 and sets
 * MSG (borrowed) and advances C when whole, 0 when more bytes are needed
 * (C untouched), -1 when the length is refused (above RDD_KRB_MAX_MSG).
 */
int rdd_krb_tcp_record(struct rdd_cur *c, struct rdd_cur *msg);

/* A KerberosTime "YYYYMMDDHHMMSSZ" (15 bytes at P) as seconds since the
 * epoch. Returns 0, or -1 when it is not one. */
int rdd_krb_time(const uint8_t *p, size_t len, int64_t *t);

/*
 * The NTSTATUS a Windows KDC puts in a KRB-ERROR's e-data (the bytes of
 * the OCTET STRING, EDATA), shared/reference/kerberos.md 4.3:
 *
 *   KERB-ERROR-DATA ::= SEQUENCE { data-type [1] INTEGER,
 *                                  data-value [2] OCTET STRING OPTIONAL }
 *   with data-type 3 (KERB_ERR_TYPE_EXTENDED; 1 in older headers) and
 *   data-value a KERB-EXT-ERROR: status, reserved, flags (12 bytes, LE);
 *
 * or a METHOD-DATA holding PA-PW-SALT (3) of exactly 12 bytes whose first
 * four are the status (a real salt of another length is no status).
 * Returns 0 with *STATUS set, or -1 when there is none.
 */
int rdd_krb_edata_ntstatus(const struct rdd_cur *edata, uint32_t *status);

/* "STATUS_ACCOUNT_LOCKED_OUT" and the like for the NTSTATUS values a KDC
 * gives (reference 4.3), or NULL. */
const char *rdd_krb_ntstatus_name(uint32_t status);

/* "KDC_ERR_PREAUTH_REQUIRED" and the like, or NULL for a code not known. */
const char *rdd_krb_error_name(int64_t code);

/* "aes256-cts-hmac-sha1-96" and the like, or NULL. */
const char *rdd_krb_etype_name(int32_t etype);

#endif
