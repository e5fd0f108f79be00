/*
 * fuzz_spnego.c - libFuzzer target for lib/wire/spnego.c: the
 * NegTokenResp and NegTokenInit parsers and the NegTokenInit and
 * NegTokenResp builders.
 *
 * Checked with abort(): a failed parse leaves the cursor alone; a
 * successful one hands out cursors inside the input and a negState in
 * 0..255; a NegTokenInit built around the input (as mechToken) has the
 * size its layout gives and holds the input at its end, and parses back;
 * a NegTokenResp built around it parses back to the same fields.
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
	struct rdd_spnego_init in;
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

	rdd_cur_init(&c, data, size);
	if (rdd_spnego_parse_init(&c, &in) == 0) {
		CHECK(rdd_cur_left(&c) < size);
		CHECK(inside(&in.mech_list, data, size));
		CHECK(inside(&in.token, data, size));
		CHECK(inside(&in.mic, data, size));
		CHECK(in.n_mechs > 0);
		CHECK(!in.first_ntlm || in.has_ntlm);
	} else {
		CHECK(c.p == data && c.len == size);
	}

	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_spnego_build_init(&b, data, size) == 0) {
		CHECK(!b.err);
		CHECK(b.len >= size + 34);
		CHECK(size == 0 || memcmp(out + b.len - size, data, size) == 0);
		rdd_cur_init(&c, out, b.len);
		CHECK(rdd_spnego_parse_init(&c, &in) == 0);
		CHECK(rdd_cur_left(&c) == 0 && in.first_ntlm &&
		      in.n_mechs == 1);
		CHECK(in.token.len == size);
	} else {
		CHECK(b.err);
	}

	/* A NegTokenResp around the input: token and, from its first 16
	 * bytes, a MIC. */
	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_spnego_build_resp(&b, size > 0 ? data[0] & 3 : -1, NULL, 0,
	                          data, size, data,
	                          size < 16 ? size : 16) == 0) {
		rdd_cur_init(&c, out, b.len);
		CHECK(rdd_spnego_parse_resp(&c, &r) == 0);
		CHECK(rdd_cur_left(&c) == 0 && r.has_token && r.has_mic);
		CHECK(r.token.len == size &&
		      r.mic.len == (size < 16 ? size : 16));
		CHECK(size == 0 || memcmp(r.token.p, data, size) == 0);
	}
	return 0;
}
