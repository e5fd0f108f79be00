/*
 * fuzz_spnego.c - libFuzzer target for lib/wire/spnego.c: the
 * NegTokenResp parser and the NegTokenInit builder.
 *
 * Checked with abort(): a failed parse leaves the cursor alone; a
 * successful one hands out cursors inside the input and a negState in
 * 0..255; a NegTokenInit built around the input (as mechToken) has the
 * size its layout gives and holds the input at its end.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/der.h"
#include "wire/spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static bool
inside(const struct rdd_cur *part, const uint8_t *data, size_t size)
{
	return part->len == 0 || (part->p >= data && part->len <= size &&
	                          (size_t)(part->p - data) <= size - part->len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[8192];
	struct rdd_spnego_resp r;
	struct rdd_cur c;
	struct rdd_buf b;

	rdd_cur_init(&c, data, size);
	(void)rdd_spnego_looks_like(&c);
	if (rdd_spnego_parse_resp(&c, &r) == 0) {
		CHECK(rdd_cur_left(&c) < size);
		CHECK(inside(&r.mech, data, size));
		CHECK(inside(&r.token, data, size));
		CHECK(r.neg_state >= -1 && r.neg_state <= 255);
		(void)rdd_spnego_neg_state_name(r.neg_state);
		(void)rdd_spnego_mech_is_ntlm(&r);
	} else {
		CHECK(c.p == data && c.len == size);
	}

	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_spnego_build_init(&b, data, size) == 0) {
		CHECK(!b.err);
		CHECK(b.len >= size + 34);
		CHECK(size == 0 || memcmp(out + b.len - size, data, size) == 0);
	} else {
		CHECK(b.err);
	}
	return 0;
}
