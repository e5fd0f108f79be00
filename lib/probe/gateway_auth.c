/*
 * gateway_auth.c - the gateway sign-in (gateway_int.h): what a 401 asks
 * for next on either connection, and the sign-in under Negotiate: NTLM
 * inside SPNEGO, for a gateway whose 401 offers Negotiate and not
 * NTLM (IIS with only the Negotiate provider: it still takes NTLM inside
 * SPNEGO unless NTLM is blocked), and what the sign-in's mechanism was.
 *
 *   C: RDG_OUT_DATA  Authorization: Negotiate <NegTokenInit {NTLM;
 *                    mechToken = NEGOTIATE}>
 *   S: 401  WWW-Authenticate: Negotiate <NegTokenResp {accept-incomplete,
 *           NTLM, CHALLENGE}>       (or no token, or reject: NTLM refused)
 *   C: RDG_OUT_DATA  Authorization: Negotiate <NegTokenResp {AUTHENTICATE,
 *                    mechListMIC}>
 *   S: 101 / 200, maybe WWW-Authenticate: Negotiate <NegTokenResp
 *           {accept-completed, mechListMIC}>     (or 401: refused)
 *
 * The mechListMIC is NTLM's GSS_GetMIC over the MechTypeList as sent,
 * mandatory once the AUTHENTICATE carries a MIC ([MS-SPNG] 3.1.5.1,
 * RFC 4178 5; shared/reference/session.md C.3); the server's is checked
 * with the receive direction's key (its first use, so no RC4 reset is
 * needed: nothing is sealed after the sign-in). The same NEGOTIATE bytes
 * go in the SPNEGO token as in the first, raw request: the AUTHENTICATE's
 * MIC covers them.
 *
 * Each function works on one connection (struct gw_auth_conn): the OUT
 * connection, or the legacy transport's IN channel, which signs in again
 * under the scheme the OUT connection ended with: under Negotiate a fresh
 * NTLM exchange inside SPNEGO, with its own keys and mechListMICs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probe/gateway_int.h"
#include "wire/spnego.h"

#define CHALLENGE_CAP 4096
/* A NegTokenResp around a CHALLENGE: the CHALLENGE and a few heads. */
#define RESP_CAP (CHALLENGE_CAP + 64)

void
rdd__gw_auth_note(struct rdd_gw *g, const char *scheme, const char *mech,
                  const char *fmt, ...)
{
	struct rdd_gateway_info *in = g->info;
	va_list ap;

	snprintf(in->auth_scheme, sizeof(in->auth_scheme), "%s", scheme);
	snprintf(in->auth_mechanism, sizeof(in->auth_mechanism), "%s", mech);
	va_start(ap, fmt);
	vsnprintf(in->auth_reason, sizeof(in->auth_reason), fmt, ap);
	va_end(ap);
}

void
rdd__gw_auth_free(struct rdd_gw *g)
{
	rdd_ntlm_sec_free(&g->nego_sec);
	rdd_ntlm_sec_free(&g->lg.nego_sec);
}

/* " on the IN channel" for C's details, or "". */
static const char *
where(const struct gw_auth_conn *c)
{
	return c->in ? " on the IN channel" : "";
}

/* Answer the CHALLENGE of C's 401 with the AUTHENTICATE (raw NTLM). */
static void
send_authenticate(struct rdd_gw *g, const struct gw_auth_conn *c, uint64_t now)
{
	uint8_t auth[RDD_NTLM_AUTHENTICATE_MAX];
	size_t n;

	n = rdd__gw_ntlm_answer(
	    g, rdd_http_resp_span(c->resp, c->resp->ntlm_token), c->cbt, auth,
	    now);
	if (n == 0)
		return;
	/* gateway.channel_binding is the OUT connection's. */
	if (!c->in)
		g->info->channel_binding = c->cbt != NULL;
	*c->req = GW_REQ_AUTH;
	(void)c->send(g, auth, n, now);
	rdd_wipe(auth, sizeof(auth));
}

/* C's 401 after its NEGOTIATE inside SPNEGO: the CHALLENGE, or NTLM is
 * refused there. */
static bool
nego_401(struct rdd_gw *g, const struct gw_auth_conn *c, const char *sch,
         uint64_t now)
{
	if (c->resp->negotiate_token.len == 0) {
		rdd__gw_fail(
		    g, RDD_GW_AUTH_KERBEROS, now,
		    "401%s offering %s again, without a token, to NTLM "
		    "inside Negotiate (SPNEGO): the gateway refuses "
		    "NTLM%s and requires Kerberos",
		    where(c), sch, c->in ? " there" : "");
		return false;
	}
	if (!rdd__gw_skip_body(c->resp, c->skipping, c->body)) {
		rdd__gw_fail(g, RDD_GW_MALFORMED, now,
		             "401%s with a Negotiate token but no body length: "
		             "the sign-in cannot go on on this connection",
		             where(c));
		return false;
	}
	rdd__gw_nego_challenge(g, c, now);
	return true;
}

bool
rdd__gw_auth_401(struct rdd_gw *g, const struct gw_auth_conn *c, uint64_t now)
{
	const struct rdd_http_resp *r = c->resp;
	char sch[64];

	rdd__gw_schemes_text(r->schemes, sch, sizeof(sch));
	if (*c->req == GW_REQ_AUTH || *c->req == GW_REQ_NEGO_AUTH) {
		rdd__gw_fail(g, RDD_GW_AUTH_FAILED, now,
		             "401%s after the NTLM AUTHENTICATE%s: the gateway "
		             "refused the credentials%s (offers %s)",
		             where(c),
		             *c->req == GW_REQ_NEGO_AUTH ? " inside Negotiate"
		                                         : "",
		             c->in ? " there" : "", sch);
		return false;
	}
	if (*c->req == GW_REQ_NEGO) {
		if (!nego_401(g, c, sch, now))
			return false;
	} else if (g->cfg.credentials == NULL) {
		rdd__gw_fail(g, RDD_GW_AUTH_NO_CREDENTIALS, now,
		             "401%s: the gateway asks for sign-in (offers %s) "
		             "and no credentials were given",
		             where(c), sch);
		return false;
	} else if (r->ntlm_token.len > 0) {
		if (!rdd__gw_skip_body(c->resp, c->skipping, c->body)) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "401%s with an NTLM CHALLENGE but no body "
			             "length: the sign-in cannot go on on this "
			             "connection",
			             where(c));
			return false;
		}
		send_authenticate(g, c, now);
	} else if (!(r->schemes & RDD_HTTP_AUTH_NTLM) &&
	           (r->schemes & RDD_HTTP_AUTH_NEGOTIATE)) {
		/* IIS with the Negotiate provider only: NTLM may still go
		 * inside Negotiate (Kerberos-only is known once that is
		 * refused too). */
		if (!rdd__gw_skip_body(c->resp, c->skipping, c->body)) {
			rdd__gw_fail(
			    g, RDD_GW_MALFORMED, now,
			    "401%s offering %s only, but no body length: "
			    "the sign-in cannot go on on this connection",
			    where(c), sch);
			return false;
		}
		if (c->in)
			rdd__gw_auth_note(
			    g, "Negotiate", "ntlm",
			    "NTLM on the OUT connection; the IN channel offers "
			    "Negotiate and not NTLM: NTLM inside Negotiate "
			    "(SPNEGO) there; Kerberos to the gateway is not "
			    "tried");
		else
			rdd__gw_auth_note(
			    g, "Negotiate", "ntlm",
			    "the gateway offers Negotiate and not NTLM: NTLM "
			    "inside Negotiate (SPNEGO); Kerberos to the "
			    "gateway is not tried");
		rdd__gw_nego_begin(g, c, now);
	} else {
		rdd__gw_fail(g, RDD_GW_AUTH_FAILED, now,
		             "401%s to the NTLM NEGOTIATE without a CHALLENGE "
		             "(offers %s)",
		             where(c), sch);
		return false;
	}
	rdd_http_resp_init(c->resp);
	return true;
}

/* The MechTypeList our NegTokenInit sent. */
static size_t
mech_list(uint8_t *out, size_t cap)
{
	struct rdd_buf b;

	rdd_buf_init(&b, out, cap);
	return rdd_spnego_ntlm_mech_list(&b) == 0 ? b.len : 0;
}

void
rdd__gw_nego_begin(struct rdd_gw *g, const struct gw_auth_conn *c, uint64_t now)
{
	uint8_t tok[RDD_NTLM_NEGOTIATE_LEN + 64];
	struct rdd_buf b;

	rdd_buf_init(&b, tok, sizeof(tok));
	if (g->negotiate_len == 0 ||
	    rdd_spnego_build_init(&b, g->negotiate, g->negotiate_len) != 0) {
		rdd__gw_fail(g, RDD_GW_ERROR, now, "SPNEGO NegTokenInit");
		return;
	}
	*c->req = GW_REQ_NEGO;
	(void)c->send(g, tok, b.len, now);
}

/* The AUTHENTICATE for CHAL into OUT, the session's keys into C's.
 * 0, or -1 with the walk failed. */
static int
authenticate(struct rdd_gw *g, const struct gw_auth_conn *c,
             const uint8_t *chal, size_t chal_len, struct rdd_buf *out,
             uint64_t now)
{
	return rdd__gw_ntlm_build(g, chal, chal_len, c->cbt, true, where(c),
	                          out, c->sec, now);
}

int
rdd__gw_nego_decode(const uint8_t *b64, size_t b64_len, uint8_t *buf,
                    size_t cap, struct rdd_spnego_resp *out)
{
	struct rdd_cur c;
	size_t len = 0;

	if (rdd_b64_decode(buf, cap, &len, b64, b64_len) != 0 || len == 0)
		return -1;
	rdd_cur_init(&c, buf, len);
	if (rdd_spnego_parse_resp(&c, out) != 0 || rdd_cur_left(&c) != 0)
		return -1;
	return 0;
}

void
rdd__gw_nego_challenge(struct rdd_gw *g, const struct gw_auth_conn *c,
                       uint64_t now)
{
	struct rdd_cur tok =
	    rdd_http_resp_span(c->resp, c->resp->negotiate_token);
	uint8_t raw[RESP_CAP], auth[RDD_NTLM_AUTHENTICATE_MAX];
	uint8_t wrapped[RDD_NTLM_AUTHENTICATE_MAX + 64], list[32];
	uint8_t mic[RDD_NTLM_SIGNATURE_LEN];
	struct rdd_spnego_resp r;
	struct rdd_buf b, w;
	size_t list_len;
	const char *st;

	if (rdd__gw_nego_decode(tok.p, rdd_cur_left(&tok), raw, sizeof(raw),
	                        &r) != 0) {
		rdd__gw_fail(g, RDD_GW_MALFORMED, now,
		             "the 401's Negotiate token%s is not a SPNEGO "
		             "NegTokenResp (base64, DER)",
		             where(c));
		return;
	}
	if (r.neg_state == RDD_SPNEGO_REJECT) {
		rdd__gw_fail(g, RDD_GW_AUTH_KERBEROS, now,
		             "401%s with a Negotiate token that rejects NTLM "
		             "inside Negotiate (SPNEGO negState reject): the "
		             "gateway refuses NTLM and requires Kerberos",
		             where(c));
		return;
	}
	if (r.has_mech && !rdd_spnego_mech_is_ntlm(&r)) {
		rdd__gw_fail(g, RDD_GW_AUTH_KERBEROS, now,
		             "401%s with a Negotiate token that picks %s, not "
		             "the NTLM offered inside Negotiate: the gateway "
		             "requires Kerberos",
		             where(c),
		             rdd_spnego_mech_is_krb5(&r) ? "Kerberos"
		                                         : "another mechanism");
		return;
	}
	if (!r.has_token ||
	    (r.neg_state >= 0 && r.neg_state != RDD_SPNEGO_ACCEPT_INCOMPLETE)) {
		st = rdd_spnego_neg_state_name(r.neg_state);
		rdd__gw_fail(g, RDD_GW_MALFORMED, now,
		             "the 401's Negotiate token%s carries no NTLM "
		             "CHALLENGE (negState %s)",
		             where(c),
		             r.neg_state < 0 ? "absent"
		             : st != NULL    ? st
		                             : "unknown");
		return;
	}
	rdd_buf_init(&b, auth, sizeof(auth));
	if (authenticate(g, c, r.token.p, rdd_cur_left(&r.token), &b, now) != 0)
		return;
	list_len = mech_list(list, sizeof(list));
	rdd_buf_init(&w, wrapped, sizeof(wrapped));
	if (list_len == 0 || rdd_ntlm_sign(c->sec, list, list_len, mic) != 0 ||
	    rdd_spnego_build_resp(&w, -1, NULL, 0, auth, b.len, mic,
	                          sizeof(mic)) != 0) {
		rdd_wipe(auth, sizeof(auth));
		rdd__gw_fail(g, RDD_GW_ERROR, now,
		             "the SPNEGO token with the NTLM AUTHENTICATE");
		return;
	}
	rdd_wipe(auth, sizeof(auth));
	g->info->ntlm = true;
	if (!c->in)
		g->info->channel_binding = c->cbt != NULL;
	*c->req = GW_REQ_NEGO_AUTH;
	(void)c->send(g, wrapped, w.len, now);
	rdd_wipe(wrapped, sizeof(wrapped));
}

/* C's mechListMIC result WHAT: the OUT connection's is gateway.auth's;
 * the IN channel's replaces it only when it does not verify. */
static void
set_server_mic(struct rdd_gw *g, const struct gw_auth_conn *c, const char *what)
{
	if (!c->in || strcmp(what, "bad") == 0 ||
	    strcmp(what, "malformed") == 0)
		snprintf(g->info->auth_server_mic,
		         sizeof(g->info->auth_server_mic), "%s", what);
}

void
rdd__gw_nego_final(struct rdd_gw *g, const struct gw_auth_conn *c, uint64_t now)
{
	struct rdd_cur tok =
	    rdd_http_resp_span(c->resp, c->resp->negotiate_token);
	uint8_t raw[RESP_CAP], list[32];
	struct rdd_spnego_resp r;
	const char *mic, *st;
	size_t list_len;

	(void)now;
	if (*c->req != GW_REQ_NEGO_AUTH)
		return;
	if (rdd_cur_left(&tok) == 0) {
		set_server_mic(g, c, "absent");
		return;
	}
	if (rdd__gw_nego_decode(tok.p, rdd_cur_left(&tok), raw, sizeof(raw),
	                        &r) != 0) {
		set_server_mic(g, c, "malformed");
		rdd__gw_tracef(g,
		               "the gateway's last Negotiate token%s is not a "
		               "NegTokenResp",
		               where(c));
		return;
	}
	list_len = mech_list(list, sizeof(list));
	if (!r.has_mic)
		mic = "absent";
	else if (list_len > 0 &&
	         rdd_ntlm_verify(c->sec, list, list_len, r.mic.p,
	                         rdd_cur_left(&r.mic)) == 0)
		mic = "verified";
	else
		mic = "bad";
	set_server_mic(g, c, mic);
	st = rdd_spnego_neg_state_name(r.neg_state);
	rdd__gw_tracef(g, "last Negotiate token%s: negState %s, mechListMIC %s",
	               where(c), st != NULL ? st : "absent", mic);
}
