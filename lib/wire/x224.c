/*
 * x224.c - the X.224 connection exchange that opens every RDP connection:
 * [MS-RDPBCGR] 2.2.1.1 (Client X.224 Connection Request PDU), 2.2.1.1.1
 * (RDP_NEG_REQ), 2.2.1.1.2 (RDP_NEG_CORRELATION_INFO), 2.2.1.2 (Server X.224
 * Connection Confirm PDU), 2.2.1.2.1 (RDP_NEG_RSP), 2.2.1.2.2
 * (RDP_NEG_FAILURE), with the example PDUs of 4.1.1 and 4.1.2; the TPDU
 * headers are ITU-T X.224 (ISO 8073) 13.3 (CR) and 13.4 (CC), class 0.
 * X.224 fields are big-endian, the RDP_NEG_* fields little-endian. The
 * parsers take the TPKT payload of one whole PDU (tpkt.c does the framing).
 */
#include <string.h>

#include "tpkt.h"
#include "x224.h"

#define COOKIE_PREFIX "Cookie: mstshash="
#define COOKIE_PREFIX_LEN (sizeof(COOKIE_PREFIX) - 1)
#define COOKIE_MAX 64 /* longest identifier rdd_x224_build_cr accepts */

#define X224_FIXED_LEN 7 /* LI, code, DST-REF, SRC-REF, class */
#define X224_LI_MIN 6    /* the fixed part after the LI byte */
#define NEG_LEN 8        /* RDP_NEG_REQ / RSP / FAILURE */
#define NEG_CORRELATION_INFO_PRESENT 0x08
#define NEG_TYPE_CORRELATION_INFO 0x06
#define NEG_CORRELATION_INFO_LEN 36

/* A cookie is at most 64 printable ASCII bytes (no CR, LF or controls). */
static int
cookie_len(const char *cookie, size_t *len)
{
	size_t n;
	unsigned char ch;

	for (n = 0; cookie[n] != '\0'; n++) {
		if (n == COOKIE_MAX)
			return -1;
		ch = (unsigned char)cookie[n];
		if (ch < 0x20 || ch > 0x7e)
			return -1;
	}
	*len = n;
	return 0;
}

/*
 * Client X.224 Connection Request PDU ([MS-RDPBCGR] 2.2.1.1):
 *
 *    0     1     2     3     4     5     6     7     8     9    10
 *   +-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+
 *   |0x03 |0x00 |  length   | LI  |0xE0 | DST-REF=0 | SRC-REF=0 |class|
 *   +-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+
 *   | "Cookie: mstshash=" <cookie> CR LF                  (optional)  |
 *   +-----+-----+-----+-----+-----+-----+-----+-----+-----------------+
 *   |0x01 |flags|0x08  0x00 | requestedProtocols LE | RDP_NEG_REQ
 *   +-----+-----+-----+-----+-----+-----+-----+-----+ (optional)
 *
 * LI counts the bytes after itself: total length - 5.
 */
int
rdd_x224_build_cr(struct rdd_buf *b, const struct rdd_x224_cr *cr)
{
	size_t clen = 0, payload, total;

	if (cr == NULL)
		return -1;
	if (cr->cookie != NULL && cookie_len(cr->cookie, &clen) != 0)
		return -1;
	payload = X224_FIXED_LEN;
	if (cr->cookie != NULL)
		payload += COOKIE_PREFIX_LEN + clen + 2;
	if (cr->neg_req)
		payload += NEG_LEN;
	total = RDD_TPKT_HEADER + payload;
	/* Check once, so that a PDU that does not fit writes nothing. */
	if (b->err || total > b->cap - b->len) {
		b->err = true;
		return -1;
	}
	rdd_tpkt_write_header(b, payload);
	rdd_buf_u8(b, (uint8_t)(total - 5)); /* LI; total <= 102 */
	rdd_buf_u8(b, RDD_X224_TPDU_CR);
	rdd_buf_u16be(b, 0); /* DST-REF */
	rdd_buf_u16be(b, 0); /* SRC-REF */
	rdd_buf_u8(b, 0);    /* class 0, no options */
	if (cr->cookie != NULL) {
		rdd_buf_bytes(b, COOKIE_PREFIX, COOKIE_PREFIX_LEN);
		rdd_buf_bytes(b, cr->cookie, clen);
		rdd_buf_bytes(b, "\r\n", 2);
	}
	if (cr->neg_req) {
		rdd_buf_u8(b, RDD_NEG_TYPE_REQ);
		rdd_buf_u8(b, cr->neg_flags);
		rdd_buf_u16le(b, NEG_LEN);
		rdd_buf_u32le(b, cr->requested_protocols);
	}
	return b->err ? -1 : 0;
}

/*
 * The fixed part of a class 0 CR or CC TPDU (X.224 13.3.1 / 13.4.1):
 *
 *   0      1      2      3      4      5      6      7
 *   +------+------+------+------+------+------+------+---- ... ----+
 *   |  LI  | code |   DST-REF   |   SRC-REF   |class | variable    |
 *   +------+------+------+------+------+------+------+---- ... ----+
 *          <-------------------- LI bytes ------------------------>
 *
 * Only the upper nibble of the code names the TPDU (the lower one is CDT).
 * LI must cover the fixed part (>= 6) and stay within IN. On success, IN is
 * advanced past the LI + 1 bytes of the TPDU and VAR holds the variable
 * part; bytes after the TPDU are not looked at.
 */
static int
parse_fixed(struct rdd_cur *in, uint8_t code_want, struct rdd_cur *var,
            uint16_t *dst_ref, uint16_t *src_ref, uint8_t *class_opt)
{
	struct rdd_cur tpdu;
	uint8_t li, code;

	if (rdd_cur_u8(in, &li) != 0 || li < X224_LI_MIN)
		return -1;
	if (rdd_cur_sub(in, li, &tpdu) != 0)
		return -1;
	if (rdd_cur_u8(&tpdu, &code) != 0 || (code & 0xF0) != code_want)
		return -1;
	if (rdd_cur_u16be(&tpdu, dst_ref) != 0 ||
	    rdd_cur_u16be(&tpdu, src_ref) != 0 ||
	    rdd_cur_u8(&tpdu, class_opt) != 0)
		return -1;
	*var = tpdu;
	return 0;
}

/*
 * Server X.224 Connection Confirm PDU ([MS-RDPBCGR] 2.2.1.2), TPKT payload:
 *
 *   0      1      2      3      4      5      6
 *   +------+------+------+------+------+------+------+
 *   |  LI  | 0xD0 |   DST-REF   |   SRC-REF   |class |
 *   +------+------+------+------+------+------+------+------+
 *   | type |flags |  length=8   | selectedProtocol (LE32)   |  type 2: RSP
 *   +------+------+------+------+------+------+------+------+
 *   | type |flags |  length=8   | failureCode (LE32)        |  type 3: FAILURE
 *   +------+------+------+------+------+------+------+------+
 *
 * rdpNegData is optional (pre-Vista servers omit it); when present it is the
 * whole variable part (LI == 14). A variable part of any other size, an
 * unknown type or a length other than 8 make the CC invalid. On failure
 * neither IN nor CC is changed.
 */
int
rdd_x224_parse_cc(struct rdd_cur *in, struct rdd_x224_cc *cc)
{
	struct rdd_cur c = *in, var;
	struct rdd_x224_cc r;
	uint8_t type, flags;
	uint16_t length;
	uint32_t value;

	memset(&r, 0, sizeof(r));
	if (parse_fixed(&c, RDD_X224_TPDU_CC, &var, &r.dst_ref, &r.src_ref,
	                &r.class_opt) != 0)
		return -1;
	if (rdd_cur_left(&var) == 0) {
		r.neg = RDD_X224_NEG_NONE;
	} else {
		if (rdd_cur_u8(&var, &type) != 0 ||
		    rdd_cur_u8(&var, &flags) != 0 ||
		    rdd_cur_u16le(&var, &length) != 0 ||
		    rdd_cur_u32le(&var, &value) != 0)
			return -1;
		if (length != NEG_LEN || rdd_cur_left(&var) != 0)
			return -1;
		switch (type) {
		case RDD_NEG_TYPE_RSP:
			r.neg = RDD_X224_NEG_RSP;
			r.flags = flags;
			r.selected_protocol = value;
			break;
		case RDD_NEG_TYPE_FAILURE:
			r.neg = RDD_X224_NEG_FAILURE;
			r.failure_code = value;
			break;
		default:
			return -1;
		}
	}
	*cc = r;
	*in = c;
	return 0;
}

/*
 * The cookie or routing token line: bytes up to CR LF. Controls (including
 * a lone CR or LF, or NUL) make it invalid; bytes >= 0x80 are kept (the
 * identifier is ANSI text, and the report escapes what it prints). The line
 * is copied into DST (DST_CAP >= 1) truncated and NUL-terminated.
 */
static int
parse_line(struct rdd_cur *var, char *dst, size_t dst_cap)
{
	struct rdd_cur scan = *var;
	size_t n = 0, keep;
	uint8_t ch;

	for (;;) {
		if (rdd_cur_u8(&scan, &ch) != 0)
			return -1; /* no CR LF */
		if (ch == '\r')
			break;
		if (ch < 0x20 || ch == 0x7f)
			return -1;
		n++;
	}
	if (rdd_cur_u8(&scan, &ch) != 0 || ch != '\n')
		return -1;
	keep = n < dst_cap - 1 ? n : dst_cap - 1;
	if (rdd_cur_copy(var, dst, keep) != 0)
		return -1;
	dst[keep] = '\0';
	*var = scan;
	return 0;
}

/*
 * Client X.224 Connection Request PDU ([MS-RDPBCGR] 2.2.1.1), TPKT payload:
 *
 *   0      1      2      3      4      5      6
 *   +------+------+------+------+------+------+------+
 *   |  LI  | 0xE0 |   DST-REF   |   SRC-REF   |class |
 *   +------+------+------+------+------+------+------+-------------+
 *   | routingToken or cookie, text up to CR LF         (optional)  |
 *   +------+------+------+------+------+------+------+------+------+
 *   | 0x01 |flags |  length=8   | requestedProtocols (LE32) |  RDP_NEG_REQ
 *   +------+------+------+------+------+------+------+------+  (optional)
 *   | 0x06 |flags |  0x24 0x00  | correlationId(16) reserved(16)   |
 *   +------+------+------+------+------------------------------------+
 *     RDP_NEG_CORRELATION_INFO: only with flag CORRELATION_INFO_PRESENT
 *
 * The line is a cookie when it starts with "Cookie: mstshash=", else a
 * routing token. The TPDU must end exactly after the last element. On
 * failure neither IN nor CR is changed.
 */
int
rdd_x224_parse_cr(struct rdd_cur *in, struct rdd_x224_cr_parsed *cr)
{
	struct rdd_cur c = *in, var;
	struct rdd_x224_cr_parsed r;
	uint16_t dst_ref, src_ref, length;
	uint8_t class_opt, type, flags;

	memset(&r, 0, sizeof(r));
	if (parse_fixed(&c, RDD_X224_TPDU_CR, &var, &dst_ref, &src_ref,
	                &class_opt) != 0)
		return -1;
	if (rdd_cur_peek_u8(&var, &type) == 0 && type != RDD_NEG_TYPE_REQ) {
		if (parse_line(&var, r.cookie, sizeof(r.cookie)) != 0)
			return -1;
		r.has_routing =
		    strncmp(r.cookie, COOKIE_PREFIX, COOKIE_PREFIX_LEN) != 0;
	}
	if (rdd_cur_left(&var) > 0) {
		if (rdd_cur_u8(&var, &type) != 0 ||
		    rdd_cur_u8(&var, &r.neg_flags) != 0 ||
		    rdd_cur_u16le(&var, &length) != 0 ||
		    rdd_cur_u32le(&var, &r.requested_protocols) != 0)
			return -1;
		if (type != RDD_NEG_TYPE_REQ || length != NEG_LEN)
			return -1;
		r.neg_req = true;
	}
	if (rdd_cur_left(&var) > 0) {
		if (!(r.neg_flags & NEG_CORRELATION_INFO_PRESENT))
			return -1;
		if (rdd_cur_u8(&var, &type) != 0 ||
		    rdd_cur_u8(&var, &flags) != 0 ||
		    rdd_cur_u16le(&var, &length) != 0)
			return -1;
		if (type != NEG_TYPE_CORRELATION_INFO ||
		    length != NEG_CORRELATION_INFO_LEN ||
		    rdd_cur_left(&var) != NEG_CORRELATION_INFO_LEN - 4)
			return -1;
	}
	*cr = r;
	*in = c;
	return 0;
}

const char *
rdd_neg_failure_name(uint32_t code)
{
	switch (code) {
	case RDD_NEG_SSL_REQUIRED_BY_SERVER:
		return "SSL_REQUIRED_BY_SERVER";
	case RDD_NEG_SSL_NOT_ALLOWED_BY_SERVER:
		return "SSL_NOT_ALLOWED_BY_SERVER";
	case RDD_NEG_SSL_CERT_NOT_ON_SERVER:
		return "SSL_CERT_NOT_ON_SERVER";
	case RDD_NEG_INCONSISTENT_FLAGS:
		return "INCONSISTENT_FLAGS";
	case RDD_NEG_HYBRID_REQUIRED_BY_SERVER:
		return "HYBRID_REQUIRED_BY_SERVER";
	case RDD_NEG_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER:
		return "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER";
	default:
		return NULL;
	}
}

/* requestedProtocols / selectedProtocol bits ([MS-RDPBCGR] 2.2.1.1.1). */
static const struct {
	uint32_t bit;
	const char *name; /* "PROTOCOL_" + short name */
} protocols[] = {
    {0x00000001, "PROTOCOL_SSL"},    {0x00000002, "PROTOCOL_HYBRID"},
    {0x00000004, "PROTOCOL_RDSTLS"}, {0x00000008, "PROTOCOL_HYBRID_EX"},
    {0x00000010, "PROTOCOL_RDSAAD"},
};

#define PROTOCOL_PREFIX_LEN (sizeof("PROTOCOL_") - 1)

const char *
rdd_protocol_name(uint32_t proto)
{
	size_t i;

	if (proto == 0)
		return "PROTOCOL_RDP";
	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (protocols[i].bit == proto)
			return protocols[i].name;
	return NULL;
}

/* Append S to DST (capacity CAP, *LEN used), truncating; keeps the NUL. */
static void
append(char *dst, size_t cap, size_t *len, const char *s)
{
	while (*s != '\0' && *len < cap - 1)
		dst[(*len)++] = *s++;
	dst[*len] = '\0';
}

char *
rdd_protocols_str(char *dst, size_t cap, uint32_t protos)
{
	static const char hex[] = "0123456789abcdef";
	char num[2 + 8 + 1];
	size_t len = 0, i, n;
	uint32_t unknown = protos;
	int shift;

	if (dst == NULL || cap == 0)
		return dst;
	dst[0] = '\0';
	if (protos == 0) {
		append(dst, cap, &len, "RDP");
		return dst;
	}
	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++) {
		if (!(protos & protocols[i].bit))
			continue;
		if (len > 0)
			append(dst, cap, &len, "|");
		append(dst, cap, &len, protocols[i].name + PROTOCOL_PREFIX_LEN);
		unknown &= ~protocols[i].bit;
	}
	if (unknown != 0) {
		/* All unknown bits as one lower-case hex number. */
		n = 0;
		num[n++] = '0';
		num[n++] = 'x';
		for (shift = 28; shift > 0 && (unknown >> shift) == 0;
		     shift -= 4)
			;
		for (; shift >= 0; shift -= 4)
			num[n++] = hex[(unknown >> shift) & 0xf];
		num[n] = '\0';
		if (len > 0)
			append(dst, cap, &len, "|");
		append(dst, cap, &len, num);
	}
	return dst;
}
