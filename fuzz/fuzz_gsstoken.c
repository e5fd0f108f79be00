/*
 * fuzz_gsstoken.c - libFuzzer target for lib/wire/gsstoken.c and the
 * Kerberos parts of lib/wire/spnego.c: a server's SPNEGO answer to the
 * Kerberos AP-REQ (a NegTokenResp whose responseToken is an AP-REP or an
 * error token with a KRB-ERROR), as lib/probe/logon_krb.c reads it.
 *
 * Checked with abort(): a failed parse leaves the cursor alone; a
 * successful one hands out cursors inside the input; the NegTokenInit
 * built around the input (as the AP-REQ) holds it at its end.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/gsstoken.h"
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

static void
token(const struct rdd_cur *tok, const uint8_t *data, size_t size)
{
	struct rdd_cur c = *tok;
	struct rdd_gss_token t;
	struct rdd_krb_error e;

	if (rdd_gss_token_parse(&c, &t) == 0) {
		CHECK(inside(&t.mech, data, size));
		CHECK(inside(&t.inner, data, size));
		CHECK(t.mech.len > 0);
	} else
		CHECK(c.p == tok->p && c.len == tok->len);
	if (rdd_gss_token_krb_error(tok, &e) == 0) {
		CHECK(inside(&e.realm, data, size));
		CHECK(!e.has_etext || inside(&e.etext, data, size));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[8192];
	struct rdd_spnego_resp r;
	struct rdd_cur c;
	struct rdd_buf b;

	rdd_cur_init(&c, data, size);
	token(&c, data, size);
	if (rdd_spnego_parse_resp(&c, &r) == 0) {
		(void)rdd_spnego_mech_is_krb5(&r);
		CHECK(inside(&r.mic, data, size));
		if (r.has_token) {
			CHECK(inside(&r.token, data, size));
			token(&r.token, data, size);
		}
	}
	rdd_buf_init(&b, out, sizeof(out));
	if (size > 0 && rdd_spnego_build_init_krb(&b, data, size) == 0) {
		CHECK(b.len >= size);
		CHECK(memcmp(out + b.len - size, data, size) == 0);
	}
	return 0;
}
