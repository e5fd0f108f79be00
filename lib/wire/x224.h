/*
 * x224.h - X.224 Connection Request / Confirm with RDP negotiation
 * ([MS-RDPBCGR] 2.2.1.1, 2.2.1.1.1, 2.2.1.2, 2.2.1.2.1, 2.2.1.2.2).
 */
#ifndef RDD_WIRE_X224_H
#define RDD_WIRE_X224_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_X224_TPDU_CR 0xE0
#define RDD_X224_TPDU_CC 0xD0
#define RDD_X224_TPDU_DR 0x80
#define RDD_X224_TPDU_DT 0xF0
#define RDD_X224_TPDU_ER 0x70

#define RDD_NEG_TYPE_REQ 0x01
#define RDD_NEG_TYPE_RSP 0x02
#define RDD_NEG_TYPE_FAILURE 0x03

/* RDP_NEG_FAILURE failureCode values. */
#define RDD_NEG_SSL_REQUIRED_BY_SERVER 1
#define RDD_NEG_SSL_NOT_ALLOWED_BY_SERVER 2
#define RDD_NEG_SSL_CERT_NOT_ON_SERVER 3
#define RDD_NEG_INCONSISTENT_FLAGS 4
#define RDD_NEG_HYBRID_REQUIRED_BY_SERVER 5
#define RDD_NEG_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER 6

struct rdd_x224_cr {
	const char *cookie; /* "Cookie: mstshash=<cookie>\r\n" if not NULL */
	bool neg_req;       /* append RDP_NEG_REQ */
	uint8_t neg_flags;
	uint32_t requested_protocols;
};

/*
 * Build a whole TPKT + X.224 Connection Request into B. The cookie must be
 * printable ASCII without CR/LF (else -1). Returns 0, or -1 if it does not
 * fit or the cookie is invalid.
 */
int rdd_x224_build_cr(struct rdd_buf *b, const struct rdd_x224_cr *cr);

enum rdd_x224_neg {
	RDD_X224_NEG_NONE, /* CC without rdpNegData (pre-Vista server) */
	RDD_X224_NEG_RSP,
	RDD_X224_NEG_FAILURE
};

struct rdd_x224_cc {
	uint16_t dst_ref;
	uint16_t src_ref;
	uint8_t class_opt;
	enum rdd_x224_neg neg;
	uint8_t flags;              /* RSP flags */
	uint32_t selected_protocol; /* RSP */
	uint32_t failure_code;      /* FAILURE */
};

/*
 * Parse the TPKT payload of a Connection Confirm (the bytes after the TPKT
 * header, one whole PDU). Returns 0, or -1 when it is not a valid CC.
 */
int rdd_x224_parse_cc(struct rdd_cur *in, struct rdd_x224_cc *cc);

/* Parse a CR (TPKT payload) - for captures and the lab's tools. */
struct rdd_x224_cr_parsed {
	char cookie[64]; /* the "Cookie: ..." line without CR LF, "" if none */
	bool has_routing;
	bool neg_req;
	uint8_t neg_flags;
	uint32_t requested_protocols;
};
int rdd_x224_parse_cr(struct rdd_cur *in, struct rdd_x224_cr_parsed *cr);

/* "SSL_REQUIRED_BY_SERVER", ... or NULL for an unknown code. */
const char *rdd_neg_failure_name(uint32_t code);
/* "PROTOCOL_SSL"... for one bit value; NULL if unknown. */
const char *rdd_protocol_name(uint32_t proto);
/* "SSL|HYBRID|HYBRID_EX", "RDP" for 0; always NUL-terminated. */
char *rdd_protocols_str(char *dst, size_t cap, uint32_t protos);

#endif
