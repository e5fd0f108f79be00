/*
 * ber.h - the BER subset of T.125 MCS (X.690 basic encoding rules): the
 * Connect-Initial [APPLICATION 101] and Connect-Response [APPLICATION 102]
 * PDUs of [MS-RDPBCGR] 2.2.1.3 / 2.2.1.4, with their INTEGER, ENUMERATED,
 * OCTET STRING, BOOLEAN, SEQUENCE and DomainParameters.
 *
 * Readers take a cursor and either return 0 and advance past what they
 * read, or return -1 and leave the cursor untouched. Writers append to an
 * rdd_buf; a write that does not fit sets its error flag.
 */
#ifndef RDD_WIRE_BER_H
#define RDD_WIRE_BER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* Universal tags (class universal, primitive unless noted). */
#define RDD_BER_TAG_BOOLEAN 0x01
#define RDD_BER_TAG_INTEGER 0x02
#define RDD_BER_TAG_OCTET_STRING 0x04
#define RDD_BER_TAG_ENUMERATED 0x0A
#define RDD_BER_TAG_SEQUENCE 0x30 /* constructed */

/* T.125 7, part 2: the MCS connect PDUs are [APPLICATION n] IMPLICIT. */
#define RDD_MCS_CONNECT_INITIAL 101
#define RDD_MCS_CONNECT_RESPONSE 102

/* T.125 DomainParameters: a SEQUENCE of eight INTEGER (0..MAX). */
struct rdd_domain_params {
	uint32_t max_channel_ids;
	uint32_t max_user_ids;
	uint32_t max_token_ids;
	uint32_t num_priorities;
	uint32_t min_throughput;
	uint32_t max_height;
	uint32_t max_mcs_pdu_size;
	uint32_t protocol_version;
};

/*
 * A definite length: short form (< 0x80) or long form with 1 to 4 length
 * bytes. The indefinite form (0x80) is refused. The value is not checked
 * against the bytes left; rdd_ber_read_tlv() does that.
 */
int rdd_ber_read_length(struct rdd_cur *c, size_t *len);

/*
 * One TLV whose identifier is the single byte TAG; CONTENTS borrows its
 * value bytes. Fails if the tag differs or the length exceeds the input.
 */
int rdd_ber_read_tlv(struct rdd_cur *c, uint8_t tag, struct rdd_cur *contents);

/* A constructed [APPLICATION TAGNUM] (TAGNUM 31..127: 0x7F then TAGNUM). */
int rdd_ber_read_application(struct rdd_cur *c, unsigned tagnum,
                             struct rdd_cur *contents);

/*
 * INTEGER read as an unsigned magnitude of 1 to 4 bytes (5 with a leading
 * zero byte). MCS peers write INTEGER (0..MAX) values this way: Windows
 * sends maxMCSPDUsize 65535 as 02 02 ff ff.
 */
int rdd_ber_read_integer(struct rdd_cur *c, uint32_t *v);
/* ENUMERATED with a one-byte value. */
int rdd_ber_read_enumerated(struct rdd_cur *c, uint8_t *v);
/* BOOLEAN: one byte, zero is FALSE. */
int rdd_ber_read_boolean(struct rdd_cur *c, bool *v);
int rdd_ber_read_octet_string(struct rdd_cur *c, struct rdd_cur *contents);
int rdd_ber_read_sequence(struct rdd_cur *c, struct rdd_cur *contents);
/* SEQUENCE of exactly eight INTEGERs, nothing after them inside it. */
int rdd_ber_read_domain_params(struct rdd_cur *c, struct rdd_domain_params *dp);

/* Bytes rdd_ber_write_length() writes for LEN (1 to 5). */
size_t rdd_ber_length_size(size_t len);
/* Minimal definite length. */
void rdd_ber_write_length(struct rdd_buf *b, size_t len);
/* Identifier and length of a constructed [APPLICATION TAGNUM], 31..127. */
void rdd_ber_write_application_header(struct rdd_buf *b, unsigned tagnum,
                                      size_t len);
/* Unsigned magnitude in the fewest bytes (1 to 4), as Windows writes it. */
void rdd_ber_write_integer(struct rdd_buf *b, uint32_t v);
void rdd_ber_write_enumerated(struct rdd_buf *b, uint8_t v);
/* TRUE is written 0xFF. */
void rdd_ber_write_boolean(struct rdd_buf *b, bool v);
void rdd_ber_write_octet_string(struct rdd_buf *b, const void *p, size_t n);
void rdd_ber_write_sequence_header(struct rdd_buf *b, size_t len);
void rdd_ber_write_domain_params(struct rdd_buf *b,
                                 const struct rdd_domain_params *dp);

#endif
