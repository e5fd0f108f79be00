/*
 * per.c - ALIGNED PER pieces for T.124 GCC (per.h). X.691 section 10.9
 * (length determinants), 12 (INTEGER), 13 (ENUMERATED), 17 (OCTET STRING),
 * 22 (CHOICE), 24 (OBJECT IDENTIFIER), 27 (known-multiplier character
 * strings), as T.124 section 8.7 and [MS-RDPBCGR] 2.2.1.3 / 2.2.1.4 use
 * them. Every field GCC sends here starts on an octet boundary, so each
 * reader takes whole bytes.
 */
#include <stdbool.h>
#include <string.h>

#include "per.h"

/* Room for N more bytes in B; if not, set the error flag. Composite
 * writers check first, so that they write all of their bytes or none. */
static bool
room(struct rdd_buf *b, size_t n)
{
	if (b->err || n > b->cap - b->len) {
		b->err = true;
		return false;
	}
	return true;
}

static size_t
length_size(size_t len)
{
	return len < 0x80 ? 1 : 2;
}

int
rdd_per_read_length(struct rdd_cur *c, uint16_t *len)
{
	struct rdd_cur t = *c;
	uint8_t b0, b1;

	if (rdd_cur_u8(&t, &b0) != 0)
		return -1;
	if ((b0 & 0x80) == 0) {
		*c = t;
		*len = b0;
		return 0;
	}
	if ((b0 & 0xc0) == 0xc0) /* fragmented: not used by GCC */
		return -1;
	if (rdd_cur_u8(&t, &b1) != 0)
		return -1;
	*c = t;
	*len = (uint16_t)(((b0 & 0x3f) << 8) | b1);
	return 0;
}

void
rdd_per_write_length(struct rdd_buf *b, size_t len)
{
	if (len > RDD_PER_MAX_LENGTH) {
		b->err = true;
		return;
	}
	if (len < 0x80) {
		rdd_buf_u8(b, (uint8_t)len);
		return;
	}
	rdd_buf_u16be(b, (uint16_t)(0x8000 | len));
}

int
rdd_per_read_u8(struct rdd_cur *c, uint8_t *v)
{
	return rdd_cur_u8(c, v);
}

void
rdd_per_write_u8(struct rdd_buf *b, uint8_t v)
{
	rdd_buf_u8(b, v);
}

int
rdd_per_read_object_identifier(struct rdd_cur *c, uint8_t oid[6])
{
	struct rdd_cur t = *c;
	uint8_t len, b[5];
	int i;

	if (rdd_cur_u8(&t, &len) != 0 || len != 5)
		return -1;
	if (rdd_cur_copy(&t, b, sizeof(b)) != 0)
		return -1;
	/* A set top bit would continue a multi-byte arc. */
	for (i = 0; i < 5; i++)
		if (b[i] & 0x80)
			return -1;
	*c = t;
	oid[0] = b[0] / 40;
	oid[1] = b[0] % 40;
	for (i = 1; i < 5; i++)
		oid[i + 1] = b[i];
	return 0;
}

void
rdd_per_write_object_identifier(struct rdd_buf *b, const uint8_t oid[6])
{
	int i;

	if (oid[0] > 2 || oid[1] >= 40 || oid[0] * 40 + oid[1] > 127) {
		b->err = true;
		return;
	}
	for (i = 2; i < 6; i++) {
		if (oid[i] > 127) {
			b->err = true;
			return;
		}
	}
	if (!room(b, 6))
		return;
	rdd_buf_u8(b, 5);
	rdd_buf_u8(b, (uint8_t)(oid[0] * 40 + oid[1]));
	for (i = 2; i < 6; i++)
		rdd_buf_u8(b, oid[i]);
}

int
rdd_per_read_numeric_string(struct rdd_cur *c, size_t min, char *out,
                            size_t cap)
{
	struct rdd_cur t = *c;
	uint16_t len;
	size_t n, i;
	uint8_t b, d;

	if (rdd_per_read_length(&t, &len) != 0)
		return -1;
	if (min > (size_t)RDD_PER_MAX_LENGTH)
		return -1;
	n = (size_t)len + min;
	if (cap == 0 || n > cap - 1)
		return -1;
	/* (n + 1) / 2 bytes of nibbles; n is at most 0x3fff + 0x3fff. */
	if ((n + 1) / 2 > rdd_cur_left(&t))
		return -1;
	for (i = 0; i < n; i++) {
		if (i % 2 == 0) {
			if (rdd_cur_u8(&t, &b) != 0)
				return -1;
			d = b >> 4;
		} else {
			d = b & 0x0f;
		}
		if (d > 9)
			return -1;
		out[i] = (char)('0' + d);
	}
	out[n] = '\0';
	*c = t;
	return 0;
}

void
rdd_per_write_numeric_string(struct rdd_buf *b, const char *s, size_t min)
{
	size_t n = strlen(s), i;
	uint8_t v = 0, d;

	if (n < min) {
		b->err = true;
		return;
	}
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			b->err = true;
			return;
		}
	}
	if (n - min > RDD_PER_MAX_LENGTH) {
		b->err = true;
		return;
	}
	if (!room(b, length_size(n - min) + (n + 1) / 2))
		return;
	rdd_per_write_length(b, n - min);
	for (i = 0; i < n; i++) {
		d = (uint8_t)(s[i] - '0');
		if (i % 2 == 0) {
			v = (uint8_t)(d << 4);
		} else {
			rdd_buf_u8(b, (uint8_t)(v | d));
			v = 0;
		}
	}
	if (n % 2 == 1)
		rdd_buf_u8(b, v);
}

int
rdd_per_read_octet_string(struct rdd_cur *c, size_t min, struct rdd_cur *out)
{
	struct rdd_cur t = *c, body;
	uint16_t len;

	if (rdd_per_read_length(&t, &len) != 0)
		return -1;
	if (min > (size_t)RDD_PER_MAX_LENGTH)
		return -1;
	if (rdd_cur_sub(&t, (size_t)len + min, &body) != 0)
		return -1;
	*c = t;
	*out = body;
	return 0;
}

void
rdd_per_write_octet_string(struct rdd_buf *b, const void *p, size_t n,
                           size_t min)
{
	if (n < min || n - min > RDD_PER_MAX_LENGTH) {
		b->err = true;
		return;
	}
	if (!room(b, length_size(n - min) + n))
		return;
	rdd_per_write_length(b, n - min);
	rdd_buf_bytes(b, p, n);
}

int
rdd_per_read_integer16(struct rdd_cur *c, uint16_t min, uint16_t *v)
{
	struct rdd_cur t = *c;
	uint16_t off;

	if (rdd_cur_u16be(&t, &off) != 0)
		return -1;
	if (off > 0xffff - min)
		return -1;
	*c = t;
	*v = (uint16_t)(off + min);
	return 0;
}

void
rdd_per_write_integer16(struct rdd_buf *b, uint16_t v, uint16_t min)
{
	if (v < min) {
		b->err = true;
		return;
	}
	rdd_buf_u16be(b, (uint16_t)(v - min));
}

int
rdd_per_read_integer(struct rdd_cur *c, uint32_t *v)
{
	struct rdd_cur t = *c;
	uint16_t len;
	uint32_t r = 0;
	uint8_t b;

	if (rdd_per_read_length(&t, &len) != 0)
		return -1;
	if (len == 0 || len > 4)
		return -1;
	while (len-- > 0) {
		if (rdd_cur_u8(&t, &b) != 0)
			return -1;
		r = (r << 8) | b;
	}
	*c = t;
	*v = r;
	return 0;
}

void
rdd_per_write_integer(struct rdd_buf *b, uint32_t v)
{
	uint8_t n = 1;

	if (v > 0xffffff)
		n = 4;
	else if (v > 0xffff)
		n = 3;
	else if (v > 0xff)
		n = 2;
	if (!room(b, 1 + (size_t)n))
		return;
	rdd_per_write_length(b, n);
	while (n > 0) {
		n--;
		rdd_buf_u8(b, (uint8_t)(v >> (8 * n)));
	}
}

int
rdd_per_read_enumerated(struct rdd_cur *c, uint8_t count, uint8_t *v)
{
	struct rdd_cur t = *c;
	uint8_t b;

	if (rdd_cur_u8(&t, &b) != 0 || b >= count)
		return -1;
	*c = t;
	*v = b;
	return 0;
}

void
rdd_per_write_enumerated(struct rdd_buf *b, uint8_t v)
{
	rdd_buf_u8(b, v);
}
