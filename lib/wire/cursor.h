/*
 * cursor.h - bounds-checked reading and writing of wire bytes.
 *
 * Every parser in lib/wire reads through a struct rdd_cur: a borrowed
 * pointer and the number of bytes left. A getter either returns 0 and
 * advances, or returns -1 and leaves the cursor untouched; it never reads
 * past the end. Builders append through a struct rdd_buf (fixed capacity,
 * caller-owned storage); a write that does not fit sets the error flag and
 * writes nothing, so a builder checks once at the end.
 *
 * Design after OpenBSD's CBS/CBB. Length checks are written as
 * "n <= len - off", never "off + n <= len".
 */
#ifndef RDD_WIRE_CURSOR_H
#define RDD_WIRE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rdd_cur {
	const uint8_t *p;
	size_t len;
};

void rdd_cur_init(struct rdd_cur *c, const uint8_t *p, size_t len);
size_t rdd_cur_left(const struct rdd_cur *c);

int rdd_cur_u8(struct rdd_cur *c, uint8_t *v);
int rdd_cur_u16be(struct rdd_cur *c, uint16_t *v);
int rdd_cur_u16le(struct rdd_cur *c, uint16_t *v);
int rdd_cur_u24be(struct rdd_cur *c, uint32_t *v);
int rdd_cur_u32be(struct rdd_cur *c, uint32_t *v);
int rdd_cur_u32le(struct rdd_cur *c, uint32_t *v);
int rdd_cur_u64le(struct rdd_cur *c, uint64_t *v);
/* Copy N bytes out. */
int rdd_cur_copy(struct rdd_cur *c, void *dst, size_t n);
int rdd_cur_skip(struct rdd_cur *c, size_t n);
/* Split off the next N bytes as OUT (borrowed) and advance past them. */
int rdd_cur_sub(struct rdd_cur *c, size_t n, struct rdd_cur *out);
/* Look at the next byte without advancing. */
int rdd_cur_peek_u8(const struct rdd_cur *c, uint8_t *v);

struct rdd_buf {
	uint8_t *p;
	size_t cap;
	size_t len;
	bool err; /* a write did not fit */
};

void rdd_buf_init(struct rdd_buf *b, uint8_t *storage, size_t cap);
void rdd_buf_u8(struct rdd_buf *b, uint8_t v);
void rdd_buf_u16be(struct rdd_buf *b, uint16_t v);
void rdd_buf_u16le(struct rdd_buf *b, uint16_t v);
void rdd_buf_u24be(struct rdd_buf *b, uint32_t v);
void rdd_buf_u32be(struct rdd_buf *b, uint32_t v);
void rdd_buf_u32le(struct rdd_buf *b, uint32_t v);
void rdd_buf_bytes(struct rdd_buf *b, const void *src, size_t n);
void rdd_buf_zeros(struct rdd_buf *b, size_t n);
/* Overwrite a big-endian u16 at OFF (already written); for length fields. */
void rdd_buf_put_u16be_at(struct rdd_buf *b, size_t off, uint16_t v);
void rdd_buf_put_u24be_at(struct rdd_buf *b, size_t off, uint32_t v);
void rdd_buf_put_u8_at(struct rdd_buf *b, size_t off, uint8_t v);

#endif
