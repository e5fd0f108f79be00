/*
 * credssp.c - TSRequest framing, parsing and building (credssp.h), after
 * [MS-CSSP] 2.2.1 (TSRequest, NegoData), 2.2.1.1 and 3.1.5 (version
 * negotiation and errorCode), over lib/wire/der.
 *
 * The parser is strict about structure (a SEQUENCE whose fields come in
 * increasing tag order, each with its declared type, nothing left over
 * inside) and lenient about what a later version may add: a context tag
 * above [5] is skipped. errorCode is an INTEGER that servers encode either
 * as a positive 5-byte value (00 c0 00 00 6d) or as a negative 4-byte one
 * (c0 00 00 6d); both are the same 32 bits.
 */
#include <string.h>

#include "credssp.h"
#include "der.h"

enum rdd_tsreq_frame
rdd_tsrequest_frame(const uint8_t *p, size_t len, size_t *pdu_len)
{
	struct rdd_cur c;
	uint8_t tag = 0, first;
	size_t head = 0, body = 0;

	if (pdu_len != NULL)
		*pdu_len = 0;
	switch (rdd_der_head(p, len, &tag, &head, &body)) {
	case RDD_DER_HEAD_NEED_MORE:
		/* The first byte alone already tells a SEQUENCE. */
		rdd_cur_init(&c, p, len);
		if (rdd_cur_peek_u8(&c, &first) == 0 &&
		    first != RDD_DER_SEQUENCE)
			return RDD_TSREQ_NOT_TSREQ;
		return RDD_TSREQ_NEED_MORE;
	case RDD_DER_HEAD_BAD:
		return RDD_TSREQ_NOT_TSREQ;
	case RDD_DER_HEAD_OK:
		break;
	}
	if (tag != RDD_DER_SEQUENCE)
		return RDD_TSREQ_NOT_TSREQ;
	if (head > RDD_TSREQUEST_MAX || body > RDD_TSREQUEST_MAX - head)
		return RDD_TSREQ_TOO_LONG;
	if (body > len - head) {
		/* The head is whole: say how long the PDU will be. */
		if (pdu_len != NULL)
			*pdu_len = head + body;
		return RDD_TSREQ_NEED_MORE;
	}
	if (pdu_len != NULL)
		*pdu_len = head + body;
	return RDD_TSREQ_OK;
}

/* [n] { INTEGER } holding a value that fits 32 bits (signed or not). */
static int
explicit_u32(struct rdd_cur *field, uint32_t *v)
{
	int64_t x;

	if (rdd_der_get_int(field, RDD_DER_INTEGER, &x) != 0 ||
	    rdd_cur_left(field) != 0)
		return -1;
	if (x < INT64_C(-2147483648) || x > INT64_C(4294967295))
		return -1;
	/* Two's complement: -1073741715 is 0xc000006d. */
	*v = x < 0 ? (uint32_t)(x + INT64_C(4294967296)) : (uint32_t)x;
	return 0;
}

/* [n] { OCTET STRING }, nothing else inside. */
static int
explicit_octets(struct rdd_cur *field, struct rdd_cur *out)
{
	if (rdd_der_get(field, RDD_DER_OCTET_STRING, out) != 0 ||
	    rdd_cur_left(field) != 0)
		return -1;
	return 0;
}

/* NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }. */
static int
nego_data(struct rdd_cur *field, struct rdd_tsrequest *out)
{
	struct rdd_cur list, item, tok, octets;

	if (rdd_der_get(field, RDD_DER_SEQUENCE, &list) != 0 ||
	    rdd_cur_left(field) != 0)
		return -1;
	while (rdd_cur_left(&list) > 0) {
		if (rdd_der_get(&list, RDD_DER_SEQUENCE, &item) != 0 ||
		    rdd_der_get(&item, RDD_DER_CTX(0), &tok) != 0 ||
		    rdd_cur_left(&item) != 0 ||
		    explicit_octets(&tok, &octets) != 0)
			return -1;
		if (out->n_tokens == 0)
			out->token = octets;
		out->n_tokens++;
	}
	return 0;
}

int
rdd_tsrequest_parse(struct rdd_cur *c, struct rdd_tsrequest *out)
{
	struct rdd_cur in = *c, seq, field, unused;
	struct rdd_tsrequest r;
	uint8_t tag, last = RDD_DER_CTX(0);

	memset(&r, 0, sizeof(r));
	rdd_cur_init(&r.token, NULL, 0);
	rdd_cur_init(&r.pub_key_auth, NULL, 0);
	rdd_cur_init(&r.client_nonce, NULL, 0);
	if (rdd_der_get(&in, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_der_get(&seq, RDD_DER_CTX(0), &field) != 0 ||
	    explicit_u32(&field, &r.version) != 0)
		return -1;
	/* A version does not come with a sign: refuse a negative one. */
	if (r.version > INT32_MAX)
		return -1;
	while (rdd_cur_left(&seq) > 0) {
		if (rdd_der_get_any(&seq, &tag, &field) != 0)
			return -1;
		/* Context-specific, constructed, in increasing order. */
		if ((tag & 0xe0) != 0xa0 || tag <= last)
			return -1;
		last = tag;
		switch (tag) {
		case RDD_DER_CTX(1):
			if (nego_data(&field, &r) != 0)
				return -1;
			break;
		case RDD_DER_CTX(2):
			if (explicit_octets(&field, &unused) != 0)
				return -1;
			r.has_auth_info = true;
			break;
		case RDD_DER_CTX(3):
			if (explicit_octets(&field, &r.pub_key_auth) != 0)
				return -1;
			r.has_pub_key_auth = true;
			break;
		case RDD_DER_CTX(4):
			if (explicit_u32(&field, &r.error_code) != 0)
				return -1;
			r.has_error_code = true;
			break;
		case RDD_DER_CTX(5):
			if (explicit_octets(&field, &r.client_nonce) != 0)
				return -1;
			r.has_client_nonce = true;
			break;
		default:
			break; /* a field of a later version */
		}
	}
	*c = in;
	*out = r;
	return 0;
}

/*
 *   30 L  A0 03 02 01 <ver>
 *         A1 L 30 L 30 L A0 L 04 L <token>
 */
int
rdd_tsrequest_build(struct rdd_buf *b, uint32_t version, const uint8_t *token,
                    size_t len)
{
	size_t ver, oct, ctx0, item, list, ctx1, body;
	size_t start = b->len;

	if (len > 0 && token == NULL)
		return -1;
	ver = rdd_der_tlv_size(rdd_der_tlv_size(rdd_der_uint_size(version)));
	oct = rdd_der_tlv_size(len);
	ctx0 = rdd_der_tlv_size(oct);
	item = rdd_der_tlv_size(ctx0);
	list = rdd_der_tlv_size(item);
	ctx1 = len > 0 ? rdd_der_tlv_size(list) : 0;
	body = ver + ctx1;

	rdd_der_put_head(b, RDD_DER_SEQUENCE, body);
	rdd_der_put_head(b, RDD_DER_CTX(0),
	                 rdd_der_tlv_size(rdd_der_uint_size(version)));
	rdd_der_put_uint(b, version);
	if (len > 0) {
		rdd_der_put_head(b, RDD_DER_CTX(1), list);
		rdd_der_put_head(b, RDD_DER_SEQUENCE, item);
		rdd_der_put_head(b, RDD_DER_SEQUENCE, ctx0);
		rdd_der_put_head(b, RDD_DER_CTX(0), oct);
		rdd_der_put_bytes(b, RDD_DER_OCTET_STRING, token, len);
	}
	if (b->err || b->len - start != rdd_der_tlv_size(body))
		return -1;
	return 0;
}
