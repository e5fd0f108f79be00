/*
 * per.h - the pieces of ALIGNED PER (ITU-T X.691) that the T.124 GCC
 * Conference Create Request / Response of [MS-RDPBCGR] 2.2.1.3 / 2.2.1.4
 * use: length determinants, CHOICE and selection bytes, the T.124 object
 * identifier, NumericString, OCTET STRING, constrained INTEGER (16 bits and
 * length-prefixed) and ENUMERATED. Also the first byte of an MCS domain PDU.
 *
 * Readers return 0 and advance, or -1 and leave the cursor untouched.
 * Writers append to an rdd_buf and set its error flag when a value cannot
 * be encoded or does not fit.
 */
#ifndef RDD_WIRE_PER_H
#define RDD_WIRE_PER_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* The largest length a two-byte determinant carries (X.691 10.9.3.7). */
#define RDD_PER_MAX_LENGTH 0x3fff

/*
 * Unconstrained length determinant: one byte for 0..127, two bytes (10xxxxxx
 * xxxxxxxx) for 128..16383. Fragmented lengths (11xxxxxx) are refused. Not
 * checked against the bytes left.
 */
int rdd_per_read_length(struct rdd_cur *c, uint16_t *len);
void rdd_per_write_length(struct rdd_buf *b, size_t len);

/* A CHOICE index, selection bitmap or number-of-sets: one whole byte. */
int rdd_per_read_u8(struct rdd_cur *c, uint8_t *v);
void rdd_per_write_u8(struct rdd_buf *b, uint8_t v);

/*
 * OBJECT IDENTIFIER of six arcs whose encoding fits one byte each: length 5,
 * then arc0 * 40 + arc1, then arcs 2..5 (each below 128). T.124's
 * t124_02_98 identifier {0 0 20 124 0 1} is 05 00 14 7c 00 01.
 */
int rdd_per_read_object_identifier(struct rdd_cur *c, uint8_t oid[6]);
void rdd_per_write_object_identifier(struct rdd_buf *b, const uint8_t oid[6]);

/*
 * NumericString (SIZE (MIN..MAX)) over "0".."9": length - MIN as a
 * determinant, then the digits packed two per byte, high nibble first.
 * The reader NUL-terminates into OUT (fails if CAP is too small).
 */
int rdd_per_read_numeric_string(struct rdd_cur *c, size_t min, char *out,
                                size_t cap);
void rdd_per_write_numeric_string(struct rdd_buf *b, const char *s, size_t min);

/* OCTET STRING (SIZE (MIN..MAX)): length - MIN, then the bytes. */
int rdd_per_read_octet_string(struct rdd_cur *c, size_t min,
                              struct rdd_cur *out);
void rdd_per_write_octet_string(struct rdd_buf *b, const void *p, size_t n,
                                size_t min);

/* INTEGER (MIN..MIN+65535): the offset from MIN as two bytes BE. */
int rdd_per_read_integer16(struct rdd_cur *c, uint16_t min, uint16_t *v);
void rdd_per_write_integer16(struct rdd_buf *b, uint16_t v, uint16_t min);

/* Unconstrained INTEGER (0..MAX): a length determinant (1..4), the bytes. */
int rdd_per_read_integer(struct rdd_cur *c, uint32_t *v);
void rdd_per_write_integer(struct rdd_buf *b, uint32_t v);

/* ENUMERATED with COUNT values: one byte, below COUNT. */
int rdd_per_read_enumerated(struct rdd_cur *c, uint8_t count, uint8_t *v);
void rdd_per_write_enumerated(struct rdd_buf *b, uint8_t v);

#endif
