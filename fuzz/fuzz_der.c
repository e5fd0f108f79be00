/*
 * fuzz_der.c - libFuzzer target for lib/wire/der.c: the TLV reader over
 * arbitrary nesting, INTEGER values, the partial-head framing, and the
 * writer read back; and for lib/wire/certname.c, the input read as a
 * certificate whose subject is found.
 *
 * The input is walked as a tree of TLVs (constructed ones are entered, to
 * a bounded depth). Checked with abort(): a getter that fails leaves the
 * cursor alone and one that succeeds consumes at least two bytes; the head
 * of a whole TLV agrees with rdd_der_get_any; every prefix of a complete
 * head asks for more; what the writer makes from fuzz-chosen values reads
 * back to the same values.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wire/certname.h"
#include "wire/der.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

#define MAX_DEPTH 16

static void
walk(struct rdd_cur c, int depth)
{
	struct rdd_cur before, v;
	uint8_t tag;
	size_t head, len;
	int64_t x;

	while (rdd_cur_left(&c) > 0) {
		before = c;
		if (rdd_der_get_any(&c, &tag, &v) != 0) {
			CHECK(c.p == before.p && c.len == before.len);
			/* A head may still be complete: then the contents
			 * are what is missing. */
			if (rdd_der_head(before.p, before.len, NULL, &head,
			                 &len) == RDD_DER_HEAD_OK)
				CHECK(len > before.len - head);
			return;
		}
		CHECK(rdd_cur_left(&before) - rdd_cur_left(&c) >= 2);
		CHECK(rdd_der_head(before.p, before.len, NULL, &head, &len) ==
		      RDD_DER_HEAD_OK);
		CHECK(len == rdd_cur_left(&v));
		CHECK(head + len == rdd_cur_left(&before) - rdd_cur_left(&c));
		for (size_t i = 0; i < head; i++)
			CHECK(rdd_der_head(before.p, i, NULL, NULL, NULL) ==
			      RDD_DER_HEAD_NEED_MORE);
		if (tag == RDD_DER_INTEGER || tag == RDD_DER_ENUMERATED)
			(void)rdd_der_int_value(&v, &x);
		if ((tag & 0x20) != 0 && depth < MAX_DEPTH)
			walk(v, depth + 1);
	}
}

/* Write a value and a blob chosen by the input, read them back. */
static void
roundtrip(const uint8_t *data, size_t size)
{
	static uint8_t out[5000];
	struct rdd_cur c, v, in;
	struct rdd_buf b;
	uint32_t val;
	uint8_t tag;
	int64_t back;
	size_t n;

	rdd_cur_init(&in, data, size);
	if (rdd_cur_u32be(&in, &val) != 0 || rdd_cur_u8(&in, &tag) != 0)
		return;
	tag = (uint8_t)((tag & 0xe0) | (tag % 31));
	if (tag == 0)
		tag = RDD_DER_OCTET_STRING;
	n = rdd_cur_left(&in);
	rdd_buf_init(&b, out, sizeof(out));
	rdd_der_put_uint(&b, val);
	rdd_der_put_bytes(&b, tag, in.p, n);
	if (b.err)
		return;
	CHECK(b.len ==
	      rdd_der_tlv_size(rdd_der_uint_size(val)) + rdd_der_tlv_size(n));
	rdd_cur_init(&c, out, b.len);
	CHECK(rdd_der_get_int(&c, RDD_DER_INTEGER, &back) == 0);
	CHECK(back == (int64_t)val);
	CHECK(rdd_der_get(&c, tag, &v) == 0);
	CHECK(rdd_cur_left(&v) == n);
	CHECK(n == 0 || memcmp(v.p, in.p, n) == 0);
	CHECK(rdd_cur_left(&c) == 0);
}

/* A subject found lies inside the input and is one whole SEQUENCE. */
static void
subject(const uint8_t *data, size_t size)
{
	const uint8_t *name;
	size_t len, head, content;
	uint8_t tag;

	if (rdd_cert_subject(data, size, &name, &len) != 0)
		return;
	CHECK(name >= data && len <= size &&
	      name - data <= (ptrdiff_t)(size - len));
	CHECK(rdd_der_head(name, len, &tag, &head, &content) ==
	      RDD_DER_HEAD_OK);
	CHECK(tag == RDD_DER_SEQUENCE && head + content == len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_cur c;

	rdd_cur_init(&c, data, size);
	walk(c, 0);
	roundtrip(data, size);
	subject(data, size);
	return 0;
}
