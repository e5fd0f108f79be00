/*
 * cursor.c - bounds-checked reader and fixed-capacity writer (cursor.h).
 * The only file in lib/ that indexes wire bytes directly.
 */
#include <string.h>

#include "cursor.h"

void
rdd_cur_init(struct rdd_cur *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = p != NULL ? len : 0;
}

size_t
rdd_cur_left(const struct rdd_cur *c)
{
	return c->len;
}

static int
take(struct rdd_cur *c, size_t n, const uint8_t **out)
{
	if (n > c->len)
		return -1;
	*out = c->p;
	if (n > 0) { /* an empty cursor may hold NULL: NULL + 0 is undefined */
		c->p += n;
		c->len -= n;
	}
	return 0;
}

int
rdd_cur_u8(struct rdd_cur *c, uint8_t *v)
{
	const uint8_t *b;

	if (take(c, 1, &b) != 0)
		return -1;
	*v = b[0];
	return 0;
}

int
rdd_cur_peek_u8(const struct rdd_cur *c, uint8_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	return 0;
}

int
rdd_cur_u16be(struct rdd_cur *c, uint16_t *v)
{
	const uint8_t *b;

	if (take(c, 2, &b) != 0)
		return -1;
	*v = (uint16_t)((b[0] << 8) | b[1]);
	return 0;
}

int
rdd_cur_u16le(struct rdd_cur *c, uint16_t *v)
{
	const uint8_t *b;

	if (take(c, 2, &b) != 0)
		return -1;
	*v = (uint16_t)((b[1] << 8) | b[0]);
	return 0;
}

int
rdd_cur_u24be(struct rdd_cur *c, uint32_t *v)
{
	const uint8_t *b;

	if (take(c, 3, &b) != 0)
		return -1;
	*v = ((uint32_t)b[0] << 16) | ((uint32_t)b[1] << 8) | b[2];
	return 0;
}

int
rdd_cur_u32be(struct rdd_cur *c, uint32_t *v)
{
	const uint8_t *b;

	if (take(c, 4, &b) != 0)
		return -1;
	*v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	     ((uint32_t)b[2] << 8) | b[3];
	return 0;
}

int
rdd_cur_u32le(struct rdd_cur *c, uint32_t *v)
{
	const uint8_t *b;

	if (take(c, 4, &b) != 0)
		return -1;
	*v = ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) |
	     ((uint32_t)b[1] << 8) | b[0];
	return 0;
}

int
rdd_cur_u64le(struct rdd_cur *c, uint64_t *v)
{
	const uint8_t *b;
	uint64_t r = 0;
	int i;

	if (take(c, 8, &b) != 0)
		return -1;
	for (i = 7; i >= 0; i--)
		r = (r << 8) | b[i];
	*v = r;
	return 0;
}

int
rdd_cur_copy(struct rdd_cur *c, void *dst, size_t n)
{
	const uint8_t *b;

	if (take(c, n, &b) != 0)
		return -1;
	if (n > 0)
		memcpy(dst, b, n);
	return 0;
}

int
rdd_cur_skip(struct rdd_cur *c, size_t n)
{
	const uint8_t *b;

	return take(c, n, &b);
}

int
rdd_cur_sub(struct rdd_cur *c, size_t n, struct rdd_cur *out)
{
	const uint8_t *b;

	if (take(c, n, &b) != 0)
		return -1;
	out->p = b;
	out->len = n;
	return 0;
}

void
rdd_buf_init(struct rdd_buf *b, uint8_t *storage, size_t cap)
{
	b->p = storage;
	b->cap = storage != NULL ? cap : 0;
	b->len = 0;
	b->err = false;
}

/* Reserve N bytes at the end; NULL (and the error flag) if they do not fit. */
static uint8_t *
reserve(struct rdd_buf *b, size_t n)
{
	uint8_t *at;

	if (b->err || n > b->cap - b->len) {
		b->err = true;
		return NULL;
	}
	at = b->p + b->len;
	b->len += n;
	return at;
}

void
rdd_buf_u8(struct rdd_buf *b, uint8_t v)
{
	uint8_t *at = reserve(b, 1);

	if (at != NULL)
		at[0] = v;
}

void
rdd_buf_u16be(struct rdd_buf *b, uint16_t v)
{
	uint8_t *at = reserve(b, 2);

	if (at != NULL) {
		at[0] = (uint8_t)(v >> 8);
		at[1] = (uint8_t)v;
	}
}

void
rdd_buf_u16le(struct rdd_buf *b, uint16_t v)
{
	uint8_t *at = reserve(b, 2);

	if (at != NULL) {
		at[0] = (uint8_t)v;
		at[1] = (uint8_t)(v >> 8);
	}
}

void
rdd_buf_u24be(struct rdd_buf *b, uint32_t v)
{
	uint8_t *at = reserve(b, 3);

	if (at != NULL) {
		at[0] = (uint8_t)(v >> 16);
		at[1] = (uint8_t)(v >> 8);
		at[2] = (uint8_t)v;
	}
}

void
rdd_buf_u32be(struct rdd_buf *b, uint32_t v)
{
	uint8_t *at = reserve(b, 4);

	if (at != NULL) {
		at[0] = (uint8_t)(v >> 24);
		at[1] = (uint8_t)(v >> 16);
		at[2] = (uint8_t)(v >> 8);
		at[3] = (uint8_t)v;
	}
}

void
rdd_buf_u32le(struct rdd_buf *b, uint32_t v)
{
	uint8_t *at = reserve(b, 4);

	if (at != NULL) {
		at[0] = (uint8_t)v;
		at[1] = (uint8_t)(v >> 8);
		at[2] = (uint8_t)(v >> 16);
		at[3] = (uint8_t)(v >> 24);
	}
}

void
rdd_buf_bytes(struct rdd_buf *b, const void *src, size_t n)
{
	uint8_t *at = reserve(b, n);

	if (at != NULL && n > 0)
		memcpy(at, src, n);
}

void
rdd_buf_zeros(struct rdd_buf *b, size_t n)
{
	uint8_t *at = reserve(b, n);

	if (at != NULL && n > 0)
		memset(at, 0, n);
}

void
rdd_buf_put_u16be_at(struct rdd_buf *b, size_t off, uint16_t v)
{
	if (b->err || off > b->len || 2 > b->len - off) {
		b->err = true;
		return;
	}
	b->p[off] = (uint8_t)(v >> 8);
	b->p[off + 1] = (uint8_t)v;
}

void
rdd_buf_put_u24be_at(struct rdd_buf *b, size_t off, uint32_t v)
{
	if (b->err || off > b->len || 3 > b->len - off) {
		b->err = true;
		return;
	}
	b->p[off] = (uint8_t)(v >> 16);
	b->p[off + 1] = (uint8_t)(v >> 8);
	b->p[off + 2] = (uint8_t)v;
}

void
rdd_buf_put_u8_at(struct rdd_buf *b, size_t off, uint8_t v)
{
	if (b->err || off >= b->len) {
		b->err = true;
		return;
	}
	b->p[off] = v;
}
