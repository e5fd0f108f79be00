/*
 * fuzz_credssp.c - libFuzzer target for the server's side of the CredSSP
 * exchange as the probe reads it: lib/wire/credssp.c (framing by the DER
 * outer length, TSRequest parsing), spnego.c (NegTokenResp) and ntlm.c
 * (the CHALLENGE inside), in that order; and lib/probe/nla.c, which reads
 * the answer for the probe.
 *
 * The input is a stream of TSRequests. Checked with abort(): framing never
 * claims more bytes than it was given and agrees with itself on every
 * prefix; a TSRequest that parses was framed whole and the parser consumed
 * exactly the framed length; a borrowed token lies inside the input; a
 * TSRequest built from the parsed version and token parses back to them;
 * the probe's reading of an answer is OK exactly when a CHALLENGE was
 * found, and its detail line is terminated.
 */
#include <stdlib.h>
#include <string.h>

#include "probe/nla.h"
#include "wire/credssp.h"
#include "wire/ntlm.h"
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
names(const struct rdd_ntlm_challenge *ch)
{
	char buf[64];

	(void)rdd_utf16le_to_utf8(buf, sizeof(buf), &ch->target_name);
	CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
	(void)rdd_utf16le_to_utf8(buf, sizeof(buf), &ch->nb_computer);
	(void)rdd_utf16le_to_utf8(buf, 7, &ch->dns_computer);
	CHECK(memchr(buf, '\0', 7) != NULL);
	(void)rdd_utf16le_to_utf8(buf, sizeof(buf), &ch->dns_tree);
	if (ch->has_version)
		(void)rdd_ntlm_os_name(ch->version.major, ch->version.minor,
		                       ch->version.build, NULL);
	if (ch->has_timestamp)
		(void)rdd_filetime_to_unix(ch->timestamp);
}

static void
token(const struct rdd_cur *tok, const uint8_t *data, size_t size)
{
	struct rdd_spnego_resp resp;
	struct rdd_ntlm_challenge ch;
	struct rdd_cur c = *tok;

	if (rdd_spnego_looks_like(&c) &&
	    rdd_spnego_parse_resp(&c, &resp) == 0) {
		CHECK(inside(&resp.token, data, size));
		CHECK(inside(&resp.mech, data, size));
		(void)rdd_spnego_mech_is_ntlm(&resp);
		(void)rdd_spnego_neg_state_name(resp.neg_state);
		c = resp.token;
	}
	if (rdd_ntlm_parse_challenge(&c, &ch) == 0) {
		CHECK(rdd_ntlm_message_type(&c) == RDD_NTLM_CHALLENGE);
		CHECK(inside(&ch.target_name, data, size));
		CHECK(inside(&ch.target_info, data, size));
		CHECK(inside(&ch.dns_computer, data, size));
		names(&ch);
	}
}

static void
probe_reading(const uint8_t *pdu, size_t len)
{
	struct rdd_credssp_info ci;
	enum rdd_credssp_outcome o;

	memset(&ci, 0, sizeof(ci));
	o = rdd__nla_answer(pdu, len, 1.0, &ci);
	CHECK(o == RDD_CREDSSP_OK || o == RDD_CREDSSP_ERROR ||
	      o == RDD_CREDSSP_MALFORMED);
	CHECK((o == RDD_CREDSSP_OK) == ci.ntlm.present);
	CHECK(o != RDD_CREDSSP_ERROR || ci.has_error_code ||
	      strstr(ci.detail, "SPNEGO reject") != NULL);
	CHECK(memchr(ci.detail, '\0', sizeof(ci.detail)) != NULL);
	CHECK(memchr(ci.ntlm.dns_computer, '\0',
	             sizeof(ci.ntlm.dns_computer)) != NULL);
	CHECK(memchr(ci.ntlm.target_name, '\0', sizeof(ci.ntlm.target_name)) !=
	      NULL);
}

static void
rebuild(const struct rdd_tsrequest *r)
{
	static uint8_t out[RDD_TSREQUEST_MAX + 64];
	struct rdd_tsrequest back;
	struct rdd_buf b;
	struct rdd_cur c;

	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_tsrequest_build(&b, r->version, r->token.p, r->token.len) != 0)
		return;
	rdd_cur_init(&c, out, b.len);
	CHECK(rdd_tsrequest_parse(&c, &back) == 0);
	CHECK(back.version == r->version);
	CHECK(back.token.len == r->token.len);
	CHECK(r->token.len == 0 ||
	      memcmp(back.token.p, r->token.p, r->token.len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_cur stream, c;
	struct rdd_tsrequest r;
	size_t pdu, sub;
	int rounds = 0;

	rdd_cur_init(&stream, data, size);
	while (rdd_cur_left(&stream) > 0 && rounds++ < 64) {
		enum rdd_tsreq_frame f =
		    rdd_tsrequest_frame(stream.p, stream.len, &pdu);

		c = stream;
		if (f != RDD_TSREQ_OK) {
			/* NEED_MORE may know the length: more than is here. */
			CHECK(pdu == 0 ||
			      (f == RDD_TSREQ_NEED_MORE && pdu > stream.len &&
			       pdu <= RDD_TSREQUEST_MAX));
			/* Not whole: no parse may succeed beyond it. */
			if (f == RDD_TSREQ_NEED_MORE)
				CHECK(rdd_tsrequest_parse(&c, &r) != 0);
			probe_reading(stream.p, stream.len);
			return 0;
		}
		CHECK(pdu >= 2 && pdu <= stream.len);
		CHECK(pdu <= RDD_TSREQUEST_MAX);
		/* Every shorter prefix is incomplete. */
		for (sub = 0; sub < pdu && sub < 64; sub++)
			CHECK(rdd_tsrequest_frame(stream.p, sub, NULL) !=
			      RDD_TSREQ_OK);
		if (rdd_tsrequest_parse(&c, &r) == 0) {
			CHECK(rdd_cur_left(&stream) - rdd_cur_left(&c) == pdu);
			CHECK(inside(&r.token, data, size));
			token(&r.token, data, size);
			probe_reading(stream.p, pdu);
			rebuild(&r);
		} else {
			CHECK(c.p == stream.p && c.len == stream.len);
		}
		CHECK(rdd_cur_skip(&stream, pdu) == 0);
	}
	return 0;
}
