/*
 * der.h - ASN.1 DER/BER tag-length-value reading and writing, for CredSSP
 * (the TSRequest, [MS-CSSP] 2.2.1) and SPNEGO (RFC 4178).
 *
 *   +------------+------------------------+--------- ... ---------+
 *   | identifier | length                 | contents              |
 *   | 1 byte     | 1 byte (< 0x80), or    | length bytes          |
 *   |            | 0x8N + N bytes BE, N<=4 |                       |
 *   +------------+------------------------+--------- ... ---------+
 *
 * Only single-byte identifiers (tag numbers 0..30) are read: every tag in
 * TSRequest and SPNEGO is one. The reader is lenient where BER allows and
 * nothing is lost (a long-form length that could have been short, leading
 * zero length bytes); it refuses the indefinite form (0x80) and lengths of
 * more than four bytes. A getter either succeeds and advances the cursor
 * past the whole TLV, or fails and leaves it untouched.
 *
 * The writer emits DER: minimal lengths and minimal INTEGERs. Builders
 * compute sizes inside out with rdd_der_tlv_size() and write heads with
 * rdd_der_put_head(); a write that does not fit sets the buffer's error
 * flag (cursor.h).
 */
#ifndef RDD_WIRE_DER_H
#define RDD_WIRE_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* Universal tags. */
#define RDD_DER_INTEGER 0x02
#define RDD_DER_BIT_STRING 0x03
#define RDD_DER_OCTET_STRING 0x04
#define RDD_DER_NULL 0x05
#define RDD_DER_OID 0x06
#define RDD_DER_ENUMERATED 0x0a
#define RDD_DER_SEQUENCE 0x30 /* constructed */
/* [n], context-specific, constructed (explicit tagging). */
#define RDD_DER_CTX(n) ((uint8_t)(0xa0 | (n)))
/* [APPLICATION n], constructed. */
#define RDD_DER_APP(n) ((uint8_t)(0x60 | (n)))

/* Longest length field read or written: 0x84 and four bytes. */
#define RDD_DER_MAX_LEN_BYTES 4

enum rdd_der_head_result {
	RDD_DER_HEAD_OK,        /* identifier and length are complete */
	RDD_DER_HEAD_NEED_MORE, /* a valid prefix of a head */
	RDD_DER_HEAD_BAD        /* not a head this reader accepts */
};

/*
 * Read the head (identifier and length) of the TLV at P without needing
 * its contents: for framing a TLV that arrives in pieces. On OK, *TAG is
 * the identifier, *HEAD_LEN the bytes of the head and *CONTENT_LEN the
 * length of the contents. Pointers may be NULL.
 */
enum rdd_der_head_result rdd_der_head(const uint8_t *p, size_t len,
                                      uint8_t *tag, size_t *head_len,
                                      size_t *content_len);

/* Look at the next identifier without advancing. */
int rdd_der_peek_tag(const struct rdd_cur *c, uint8_t *tag);

/* The next TLV, whatever its tag: *TAG and its CONTENTS (borrowed). */
int rdd_der_get_any(struct rdd_cur *c, uint8_t *tag, struct rdd_cur *contents);

/* The next TLV, which must have identifier TAG. */
int rdd_der_get(struct rdd_cur *c, uint8_t tag, struct rdd_cur *contents);

/*
 * The next TLV if its identifier is TAG: *PRESENT true and CONTENTS set;
 * a different tag or the end of C leaves C alone with *PRESENT false and
 * returns 0. Returns -1 only when the tag matches but the TLV is bad.
 */
int rdd_der_get_optional(struct rdd_cur *c, uint8_t tag,
                         struct rdd_cur *contents, bool *present);

/*
 * The contents of an INTEGER (or ENUMERATED) as a signed value: 1 to 8
 * bytes of two's complement, big-endian (redundant leading bytes are
 * accepted).
 */
int rdd_der_int_value(const struct rdd_cur *contents, int64_t *v);

/* An INTEGER TLV with identifier TAG (RDD_DER_INTEGER, or
 * RDD_DER_ENUMERATED). */
int rdd_der_get_int(struct rdd_cur *c, uint8_t tag, int64_t *v);

/* True when CONTENTS holds exactly the N bytes at B (for OIDs). */
bool rdd_der_equal(const struct rdd_cur *contents, const uint8_t *b, size_t n);

/* Bytes of the length field for CONTENT_LEN (1 to 5). */
size_t rdd_der_len_size(size_t content_len);
/* Bytes of a whole TLV with one-byte identifier: 1 + length + contents. */
size_t rdd_der_tlv_size(size_t content_len);
/* Write identifier TAG and the DER length of CONTENT_LEN; the caller
 * writes the contents. Lengths above 0xffffffff set the error flag. */
void rdd_der_put_head(struct rdd_buf *b, uint8_t tag, size_t content_len);
/* Bytes of the contents of a minimal INTEGER holding V. */
size_t rdd_der_uint_size(uint32_t v);
/* A whole INTEGER TLV holding V. */
void rdd_der_put_uint(struct rdd_buf *b, uint32_t v);
/* A whole TLV: identifier TAG and the N bytes at P as contents. */
void rdd_der_put_bytes(struct rdd_buf *b, uint8_t tag, const void *p, size_t n);

#endif
