/*
 * ber.c - BER for T.125 MCS (ber.h): ITU-T X.690 section 8 as T.125
 * section 7 uses it for the Connect-Initial and Connect-Response PDUs.
 *
 *   identifier | length | contents
 *   0x02       | 0x01   | 0x22             INTEGER 34
 *   0x7F 0x65  | 0x82 0x01 0x94 | ...      [APPLICATION 101], 404 bytes
 *
 * Every reader works on a copy of the cursor and commits it only on
 * success, so a failed read leaves the caller's cursor where it was.
 */
#include "ber.h"

int
rdd_ber_read_length(struct rdd_cur *c, size_t *len)
{
	struct rdd_cur t = *c;
	uint8_t b, n, i;
	size_t v = 0;

	if (rdd_cur_u8(&t, &b) != 0)
		return -1;
	if (b < 0x80) {
		v = b;
	} else {
		n = b & 0x7f;
		/* 0x80 is the indefinite form; more than 4 bytes is absurd
		 * for a PDU of at most 65535 bytes. */
		if (n == 0 || n > 4)
			return -1;
		for (i = 0; i < n; i++) {
			if (rdd_cur_u8(&t, &b) != 0)
				return -1;
			v = (v << 8) | b;
		}
	}
	*c = t;
	*len = v;
	return 0;
}

int
rdd_ber_read_tlv(struct rdd_cur *c, uint8_t tag, struct rdd_cur *contents)
{
	struct rdd_cur t = *c, body;
	uint8_t got;
	size_t len;

	if (rdd_cur_u8(&t, &got) != 0 || got != tag)
		return -1;
	if (rdd_ber_read_length(&t, &len) != 0)
		return -1;
	if (rdd_cur_sub(&t, len, &body) != 0)
		return -1;
	*c = t;
	*contents = body;
	return 0;
}

/*
 * [APPLICATION n] constructed with n >= 31 uses the high-tag-number form:
 * 0x7F (class 01, constructed, 11111), then n in base 128; T.125 numbers
 * stay below 128, so one byte.
 */
int
rdd_ber_read_application(struct rdd_cur *c, unsigned tagnum,
                         struct rdd_cur *contents)
{
	struct rdd_cur t = *c, body;
	uint8_t b;
	size_t len;

	if (tagnum < 31 || tagnum > 127)
		return -1;
	if (rdd_cur_u8(&t, &b) != 0 || b != 0x7f)
		return -1;
	if (rdd_cur_u8(&t, &b) != 0 || b != tagnum)
		return -1;
	if (rdd_ber_read_length(&t, &len) != 0)
		return -1;
	if (rdd_cur_sub(&t, len, &body) != 0)
		return -1;
	*c = t;
	*contents = body;
	return 0;
}

int
rdd_ber_read_integer(struct rdd_cur *c, uint32_t *v)
{
	struct rdd_cur t = *c, body;
	uint32_t r = 0;
	uint8_t b;

	if (rdd_ber_read_tlv(&t, RDD_BER_TAG_INTEGER, &body) != 0)
		return -1;
	if (body.len == 0 || body.len > 5)
		return -1;
	if (body.len == 5) {
		if (rdd_cur_u8(&body, &b) != 0 || b != 0)
			return -1;
	}
	while (rdd_cur_u8(&body, &b) == 0)
		r = (r << 8) | b;
	*c = t;
	*v = r;
	return 0;
}

int
rdd_ber_read_enumerated(struct rdd_cur *c, uint8_t *v)
{
	struct rdd_cur t = *c, body;
	uint8_t b;

	if (rdd_ber_read_tlv(&t, RDD_BER_TAG_ENUMERATED, &body) != 0)
		return -1;
	if (body.len != 1 || rdd_cur_u8(&body, &b) != 0)
		return -1;
	*c = t;
	*v = b;
	return 0;
}

int
rdd_ber_read_boolean(struct rdd_cur *c, bool *v)
{
	struct rdd_cur t = *c, body;
	uint8_t b;

	if (rdd_ber_read_tlv(&t, RDD_BER_TAG_BOOLEAN, &body) != 0)
		return -1;
	if (body.len != 1 || rdd_cur_u8(&body, &b) != 0)
		return -1;
	*c = t;
	*v = b != 0;
	return 0;
}

int
rdd_ber_read_octet_string(struct rdd_cur *c, struct rdd_cur *contents)
{
	return rdd_ber_read_tlv(c, RDD_BER_TAG_OCTET_STRING, contents);
}

int
rdd_ber_read_sequence(struct rdd_cur *c, struct rdd_cur *contents)
{
	return rdd_ber_read_tlv(c, RDD_BER_TAG_SEQUENCE, contents);
}

/*
 * DomainParameters ::= SEQUENCE {
 *   maxChannelIds, maxUserIds, maxTokenIds, numPriorities,
 *   minThroughput, maxHeight, maxMCSPDUsize, protocolVersion
 *   -- each INTEGER (0..MAX)
 * }
 */
int
rdd_ber_read_domain_params(struct rdd_cur *c, struct rdd_domain_params *dp)
{
	struct rdd_cur t = *c, seq;
	struct rdd_domain_params d;

	if (rdd_ber_read_sequence(&t, &seq) != 0)
		return -1;
	if (rdd_ber_read_integer(&seq, &d.max_channel_ids) != 0 ||
	    rdd_ber_read_integer(&seq, &d.max_user_ids) != 0 ||
	    rdd_ber_read_integer(&seq, &d.max_token_ids) != 0 ||
	    rdd_ber_read_integer(&seq, &d.num_priorities) != 0 ||
	    rdd_ber_read_integer(&seq, &d.min_throughput) != 0 ||
	    rdd_ber_read_integer(&seq, &d.max_height) != 0 ||
	    rdd_ber_read_integer(&seq, &d.max_mcs_pdu_size) != 0 ||
	    rdd_ber_read_integer(&seq, &d.protocol_version) != 0)
		return -1;
	if (rdd_cur_left(&seq) != 0)
		return -1;
	*c = t;
	*dp = d;
	return 0;
}

size_t
rdd_ber_length_size(size_t len)
{
	if (len < 0x80)
		return 1;
	if (len <= 0xff)
		return 2;
	if (len <= 0xffff)
		return 3;
	if (len <= 0xffffff)
		return 4;
	return 5;
}

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

void
rdd_ber_write_length(struct rdd_buf *b, size_t len)
{
	size_t n = rdd_ber_length_size(len), i;

	if (len > 0xffffffffu) {
		b->err = true;
		return;
	}
	if (!room(b, n))
		return;
	if (n == 1) {
		rdd_buf_u8(b, (uint8_t)len);
		return;
	}
	rdd_buf_u8(b, (uint8_t)(0x80 | (n - 1)));
	for (i = n - 1; i > 0; i--)
		rdd_buf_u8(b, (uint8_t)(len >> (8 * (i - 1))));
}

void
rdd_ber_write_application_header(struct rdd_buf *b, unsigned tagnum, size_t len)
{
	if (tagnum < 31 || tagnum > 127) {
		b->err = true;
		return;
	}
	if (!room(b, 2 + rdd_ber_length_size(len)))
		return;
	rdd_buf_u8(b, 0x7f);
	rdd_buf_u8(b, (uint8_t)tagnum);
	rdd_ber_write_length(b, len);
}

void
rdd_ber_write_integer(struct rdd_buf *b, uint32_t v)
{
	uint8_t n = 1;

	if (v > 0xffffff)
		n = 4;
	else if (v > 0xffff)
		n = 3;
	else if (v > 0xff)
		n = 2;
	if (!room(b, 2 + (size_t)n))
		return;
	rdd_buf_u8(b, RDD_BER_TAG_INTEGER);
	rdd_buf_u8(b, n);
	while (n > 0) {
		n--;
		rdd_buf_u8(b, (uint8_t)(v >> (8 * n)));
	}
}

void
rdd_ber_write_enumerated(struct rdd_buf *b, uint8_t v)
{
	if (!room(b, 3))
		return;
	rdd_buf_u8(b, RDD_BER_TAG_ENUMERATED);
	rdd_buf_u8(b, 1);
	rdd_buf_u8(b, v);
}

void
rdd_ber_write_boolean(struct rdd_buf *b, bool v)
{
	if (!room(b, 3))
		return;
	rdd_buf_u8(b, RDD_BER_TAG_BOOLEAN);
	rdd_buf_u8(b, 1);
	rdd_buf_u8(b, v ? 0xff : 0x00);
}

void
rdd_ber_write_octet_string(struct rdd_buf *b, const void *p, size_t n)
{
	if (n > b->cap || !room(b, 1 + rdd_ber_length_size(n) + n))
		return;
	rdd_buf_u8(b, RDD_BER_TAG_OCTET_STRING);
	rdd_ber_write_length(b, n);
	rdd_buf_bytes(b, p, n);
}

void
rdd_ber_write_sequence_header(struct rdd_buf *b, size_t len)
{
	if (!room(b, 1 + rdd_ber_length_size(len)))
		return;
	rdd_buf_u8(b, RDD_BER_TAG_SEQUENCE);
	rdd_ber_write_length(b, len);
}

void
rdd_ber_write_domain_params(struct rdd_buf *b,
                            const struct rdd_domain_params *dp)
{
	uint8_t tmp[64];
	struct rdd_buf s;

	rdd_buf_init(&s, tmp, sizeof(tmp));
	rdd_ber_write_integer(&s, dp->max_channel_ids);
	rdd_ber_write_integer(&s, dp->max_user_ids);
	rdd_ber_write_integer(&s, dp->max_token_ids);
	rdd_ber_write_integer(&s, dp->num_priorities);
	rdd_ber_write_integer(&s, dp->min_throughput);
	rdd_ber_write_integer(&s, dp->max_height);
	rdd_ber_write_integer(&s, dp->max_mcs_pdu_size);
	rdd_ber_write_integer(&s, dp->protocol_version);
	if (s.err) { /* cannot happen: 8 * 6 bytes at most */
		b->err = true;
		return;
	}
	if (!room(b, 2 + s.len))
		return;
	rdd_ber_write_sequence_header(b, s.len);
	rdd_buf_bytes(b, tmp, s.len);
}
