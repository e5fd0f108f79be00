/*
 * der.c - ASN.1 DER/BER TLV reader and DER writer (der.h): ITU-T X.690
 * 8.1.2 (identifier octets), 8.1.3 (length octets), 8.3 (INTEGER) and
 * 10.1 (DER: definite length, minimal form). The TSRequest of [MS-CSSP]
 * 2.2.1 and the SPNEGO tokens of RFC 4178 4.2 use only what is here.
 *
 * Length octets are read and written by lib/wire/ber.c, which MCS uses
 * too (same rules: definite form, one to four length bytes, minimal when
 * written). What is added here: a head that tells "cut" from "bad" for
 * framing, any-tag and optional getters, and signed INTEGERs.
 */
#include <string.h>

#include "ber.h"
#include "der.h"

#define TAG_NUMBER_MASK 0x1f /* 0x1f: high tag number form */
#define LEN_LONG 0x80        /* long form: 0x80 | number of length bytes */

/*
 * The head of the TLV at the start of C: identifier, then the length.
 * NEED_MORE when C ends inside the head.
 */
static enum rdd_der_head_result
read_head(struct rdd_cur *c, uint8_t *tag, size_t *content_len)
{
	uint8_t id, first;
	size_t len;

	if (rdd_cur_u8(c, &id) != 0)
		return RDD_DER_HEAD_NEED_MORE;
	if ((id & TAG_NUMBER_MASK) == TAG_NUMBER_MASK || id == 0x00)
		return RDD_DER_HEAD_BAD; /* high tag number, or EOC */
	if (rdd_cur_peek_u8(c, &first) != 0)
		return RDD_DER_HEAD_NEED_MORE;
	if (first == LEN_LONG || first > (LEN_LONG | RDD_DER_MAX_LEN_BYTES))
		return RDD_DER_HEAD_BAD; /* indefinite, or too long */
	/* Any other failure is a length cut short. */
	if (rdd_ber_read_length(c, &len) != 0)
		return RDD_DER_HEAD_NEED_MORE;
	*tag = id;
	*content_len = len;
	return RDD_DER_HEAD_OK;
}

enum rdd_der_head_result
rdd_der_head(const uint8_t *p, size_t len, uint8_t *tag, size_t *head_len,
             size_t *content_len)
{
	struct rdd_cur c;
	enum rdd_der_head_result r;
	uint8_t t = 0;
	size_t cl = 0;

	rdd_cur_init(&c, p, len);
	r = read_head(&c, &t, &cl);
	if (r != RDD_DER_HEAD_OK)
		return r;
	if (tag != NULL)
		*tag = t;
	if (head_len != NULL)
		*head_len = len - rdd_cur_left(&c);
	if (content_len != NULL)
		*content_len = cl;
	return RDD_DER_HEAD_OK;
}

int
rdd_der_peek_tag(const struct rdd_cur *c, uint8_t *tag)
{
	return rdd_cur_peek_u8(c, tag);
}

int
rdd_der_get_any(struct rdd_cur *c, uint8_t *tag, struct rdd_cur *contents)
{
	struct rdd_cur in = *c, body;
	uint8_t t;
	size_t len;

	if (read_head(&in, &t, &len) != RDD_DER_HEAD_OK)
		return -1;
	/* len <= rdd_cur_left(&in), checked by the cursor. */
	if (rdd_cur_sub(&in, len, &body) != 0)
		return -1;
	*c = in;
	if (tag != NULL)
		*tag = t;
	if (contents != NULL)
		*contents = body;
	return 0;
}

int
rdd_der_get(struct rdd_cur *c, uint8_t tag, struct rdd_cur *contents)
{
	struct rdd_cur in = *c;
	uint8_t t;

	if (rdd_der_get_any(&in, &t, contents) != 0 || t != tag)
		return -1;
	*c = in;
	return 0;
}

int
rdd_der_get_optional(struct rdd_cur *c, uint8_t tag, struct rdd_cur *contents,
                     bool *present)
{
	uint8_t t;

	*present = false;
	if (rdd_der_peek_tag(c, &t) != 0 || t != tag)
		return 0;
	if (rdd_der_get(c, tag, contents) != 0)
		return -1;
	*present = true;
	return 0;
}

int
rdd_der_int_value(const struct rdd_cur *contents, int64_t *v)
{
	struct rdd_cur c = *contents;
	uint64_t u;
	uint8_t b;
	size_t n = rdd_cur_left(&c);

	if (n == 0)
		return -1;
	/* Drop redundant sign bytes (BER allows them) down to 8 bytes. */
	while (n > 8) {
		uint8_t next;
		struct rdd_cur peek = c;

		if (rdd_cur_u8(&peek, &b) != 0 ||
		    rdd_cur_peek_u8(&peek, &next) != 0)
			return -1;
		if (!((b == 0x00 && (next & 0x80) == 0) ||
		      (b == 0xff && (next & 0x80) != 0)))
			return -1; /* does not fit in 64 bits */
		c = peek;
		n--;
	}
	if (rdd_cur_u8(&c, &b) != 0)
		return -1;
	/* Sign-extend the first byte, then shift the rest in. */
	u = (b & 0x80) ? UINT64_MAX << 8 | b : b;
	while (rdd_cur_u8(&c, &b) == 0)
		u = u << 8 | b;
	/* Two's complement to signed without implementation-defined casts. */
	if (u > (uint64_t)INT64_MAX)
		*v = -(int64_t)(~u) - 1;
	else
		*v = (int64_t)u;
	return 0;
}

int
rdd_der_get_int(struct rdd_cur *c, uint8_t tag, int64_t *v)
{
	struct rdd_cur in = *c, body;
	int64_t x;

	if (rdd_der_get(&in, tag, &body) != 0 ||
	    rdd_der_int_value(&body, &x) != 0)
		return -1;
	*c = in;
	*v = x;
	return 0;
}

bool
rdd_der_equal(const struct rdd_cur *contents, const uint8_t *b, size_t n)
{
	struct rdd_cur c = *contents;
	uint8_t x;
	size_t i;

	if (rdd_cur_left(&c) != n)
		return false;
	for (i = 0; i < n; i++)
		if (rdd_cur_u8(&c, &x) != 0 || x != b[i])
			return false;
	return true;
}

size_t
rdd_der_len_size(size_t content_len)
{
	return rdd_ber_length_size(content_len);
}

size_t
rdd_der_tlv_size(size_t content_len)
{
	return 1 + rdd_der_len_size(content_len) + content_len;
}

void
rdd_der_put_head(struct rdd_buf *b, uint8_t tag, size_t content_len)
{
	size_t n = rdd_der_len_size(content_len);

	/* All or nothing: the identifier only with its whole length. */
	if (content_len > 0xffffffffu || b->err || 1 + n > b->cap - b->len) {
		b->err = true;
		return;
	}
	rdd_buf_u8(b, tag);
	rdd_ber_write_length(b, content_len);
}

size_t
rdd_der_uint_size(uint32_t v)
{
	size_t n = 1;

	/* A leading zero byte keeps a set top bit from reading as a sign. */
	while (n < 4 && (v >> (8 * n)) != 0)
		n++;
	if ((v >> (8 * n - 1)) & 1)
		n++;
	return n;
}

void
rdd_der_put_uint(struct rdd_buf *b, uint32_t v)
{
	size_t n = rdd_der_uint_size(v), i;

	rdd_der_put_head(b, RDD_DER_INTEGER, n);
	for (i = n; i > 0; i--)
		rdd_buf_u8(b, i - 1 >= 4 ? 0 : (uint8_t)(v >> (8 * (i - 1))));
}

void
rdd_der_put_bytes(struct rdd_buf *b, uint8_t tag, const void *p, size_t n)
{
	rdd_der_put_head(b, tag, n);
	rdd_buf_bytes(b, p, n);
}
