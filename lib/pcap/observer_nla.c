/*
 * observer_nla.c - CredSSP seen from both sides, inside decrypted TLS
 * ([MS-CSSP] 3.1.5, [MS-NLMP] 3.1): the client's NEGOTIATE, the server's
 * CHALLENGE (read by lib/probe/nla.c as `check` reads it: the server's
 * CredSSP version, errorCode and NTLM identity), the client's
 * AUTHENTICATE (the account it logs on with; never a password: NTLM
 * carries none) and pubKeyAuth, the server's answer to it (its own
 * pubKeyAuth, or an errorCode), the client's TSCredentials, and for
 * HYBRID_EX the server's Early User Authorization Result ([MS-RDPBCGR]
 * 2.2.10.2). The logon of the client is recorded as `check --user`
 * records its own.
 */
#include <stdio.h>
#include <string.h>

#include "pcap/observer_int.h"
#include "probe/nla.h"
#include "wire/credssp.h"
#include "wire/ntlm.h"
#include "wire/spnego.h"

#define EARLY_RESULT_LEN 4

/* The first NTLM message inside TOKEN (raw, or in a SPNEGO wrapper). */
static bool
find_ntlm(struct rdd_cur token, struct rdd_cur *out)
{
	while (rdd_cur_left(&token) >= 12) {
		if (rdd_ntlm_has_signature(&token)) {
			*out = token;
			return true;
		}
		(void)rdd_cur_skip(&token, 1);
	}
	return false;
}

/* A payload field of the AUTHENTICATE (Len, MaxLen, Offset) as a string:
 * UTF-16LE, or OEM (ASCII) without NTLMSSP_NEGOTIATE_UNICODE. */
static void
field(const struct rdd_cur *msg, struct rdd_cur *fields, bool unicode,
      char *dst, size_t cap)
{
	struct rdd_cur c = *msg, v;
	uint16_t len, max;
	uint32_t off;
	size_t n;

	dst[0] = '\0';
	if (rdd_cur_u16le(fields, &len) != 0 ||
	    rdd_cur_u16le(fields, &max) != 0 ||
	    rdd_cur_u32le(fields, &off) != 0)
		return;
	if (rdd_cur_skip(&c, off) != 0 || rdd_cur_sub(&c, len, &v) != 0)
		return;
	if (unicode) {
		rdd_utf16le_to_utf8(dst, cap, &v);
		return;
	}
	n = len < cap - 1 ? len : cap - 1;
	if (rdd_cur_copy(&v, dst, n) == 0)
		dst[n] = '\0';
}

/*
 * AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3): signature, type 3, then the
 * fields of LmChallengeResponse, NtChallengeResponse, DomainName,
 * UserName, Workstation, EncryptedRandomSessionKey, and NegotiateFlags.
 */
static bool
authenticate(struct rdd_cur msg, char *user, size_t ucap, char *domain,
             size_t dcap, char *ws, size_t wcap, uint32_t *flags)
{
	struct rdd_cur c = msg, f, dom, usr, wks;
	uint32_t type;

	if (rdd_cur_skip(&c, 8) != 0 || rdd_cur_u32le(&c, &type) != 0 ||
	    type != RDD_NTLM_AUTHENTICATE || rdd_cur_skip(&c, 16) != 0 ||
	    rdd_cur_sub(&c, 8, &dom) != 0 || rdd_cur_sub(&c, 8, &usr) != 0 ||
	    rdd_cur_sub(&c, 8, &wks) != 0 || rdd_cur_sub(&c, 8, &f) != 0 ||
	    rdd_cur_u32le(&c, flags) != 0)
		return false;
	field(&msg, &dom, *flags & RDD_NTLM_NEGOTIATE_UNICODE, domain, dcap);
	field(&msg, &usr, *flags & RDD_NTLM_NEGOTIATE_UNICODE, user, ucap);
	field(&msg, &wks, *flags & RDD_NTLM_NEGOTIATE_UNICODE, ws, wcap);
	return true;
}

static void
to_rdp(struct rdd_observer *o)
{
	o->inner[CLI] = o->inner[SRV] = IN_RDP;
	o->nla_done = true;
	o->stage = ST_MCS;
}

static void
client_tsrequest(struct rdd_observer *o, const struct rdd_tsrequest *r,
                 const struct rdd_tcp_meta *m)
{
	struct rdd_credssp_info *ci = &o->obs->credssp;
	struct rdd_logon_info *li = &ci->logon;
	struct rdd_pcap_client *cl = &o->conn->cli;
	struct rdd_cur ntlm;
	double now = rdd__obs_ms(o, m);
	uint32_t flags = 0;
	int type = -1;

	o->ts_client++;
	if (find_ntlm(r->token, &ntlm))
		type = rdd_ntlm_message_type(&ntlm);
	if (o->ts_client == 1) {
		snprintf(ci->attempt, sizeof(ci->attempt), "A");
		ci->start_ms = now;
		ci->spnego = rdd_cur_left(&r->token) > 0 &&
		             rdd_spnego_looks_like(&r->token);
		rdd__obs_evidence(o, "CredSSP NEGOTIATE", m, true);
		rdd__obs_pdu(o, CLI, "the CredSSP NEGOTIATE", m);
		return;
	}
	if (type == RDD_NTLM_AUTHENTICATE &&
	    authenticate(ntlm, cl->user, sizeof(cl->user), cl->domain,
	                 sizeof(cl->domain), cl->workstation,
	                 sizeof(cl->workstation), &flags)) {
		cl->has_account = true;
		o->obs->credentials.given = true;
		snprintf(o->obs->credentials.user,
		         sizeof(o->obs->credentials.user), "%s", cl->user);
		snprintf(o->obs->credentials.domain,
		         sizeof(o->obs->credentials.domain), "%s", cl->domain);
		snprintf(li->user, sizeof(li->user), "%s", cl->user);
		snprintf(li->domain, sizeof(li->domain), "%s", cl->domain);
		li->ntlm_flags = flags;
		li->version = r->version;
		li->start_ms = now;
		li->outcome = RDD_LOGON_NOT_RUN;
		rdd__obs_evidence(o, "NTLM AUTHENTICATE", m, true);
		rdd__obs_pdu(o, CLI, "the NTLM AUTHENTICATE", m);
		return;
	}
	if (r->has_auth_info && li->start_ms > 0) {
		/* Message 5: the credentials, sealed. */
		li->delegated = true;
		li->ms = now - li->start_ms;
		rdd__obs_evidence(o, "CredSSP TSCredentials", m, true);
		rdd__obs_pdu(o, CLI, "the TSCredentials", m);
		if (o->selected == RDD_PROTO_HYBRID_EX) {
			o->inner[SRV] = IN_EARLY;
			return;
		}
		li->outcome = RDD_LOGON_OK;
		snprintf(li->detail, sizeof(li->detail),
		         "NTLM logon of %.80s%s%.80s: the server proved its "
		         "key and took the credentials",
		         cl->domain, cl->domain[0] ? "\\" : "", cl->user);
		to_rdp(o);
		return;
	}
	rdd__obs_pdu(o, CLI, "a TSRequest", m);
}

static void
server_tsrequest(struct rdd_observer *o, const uint8_t *pdu, size_t len,
                 const struct rdd_tsrequest *r, const struct rdd_tcp_meta *m)
{
	struct rdd_credssp_info *ci = &o->obs->credssp;
	struct rdd_logon_info *li = &ci->logon;
	double now = rdd__obs_ms(o, m);

	o->ts_server++;
	if (ci->outcome == RDD_CREDSSP_NOT_RUN) {
		ci->outcome = rdd__nla_answer(pdu, len, now, ci);
		ci->ms = now - ci->start_ms;
		rdd__obs_evidence(o,
		                  ci->outcome == RDD_CREDSSP_OK
		                      ? "NTLM CHALLENGE"
		                      : "CredSSP answer without a CHALLENGE",
		                  m, false);
		rdd__obs_pdu(o, SRV,
		             ci->outcome == RDD_CREDSSP_OK
		                 ? "the NTLM CHALLENGE"
		                 : "a TSRequest",
		             m);
		return;
	}
	if (li->start_ms <= 0 || li->outcome != RDD_LOGON_NOT_RUN)
		return;
	li->answer_ms = now - li->start_ms;
	if (r->has_error_code) {
		li->has_error_code = true;
		li->error_code = r->error_code;
		li->outcome = RDD_LOGON_REFUSED;
		li->ms = li->answer_ms;
		snprintf(li->detail, sizeof(li->detail),
		         "the server answered AUTHENTICATE with errorCode "
		         "0x%08x",
		         (unsigned)r->error_code);
		rdd__obs_evidence(o, "CredSSP errorCode", m, false);
		rdd__obs_pdu(o, SRV, "a CredSSP errorCode", m);
		return;
	}
	if (r->has_pub_key_auth) {
		rdd__obs_evidence(o, "CredSSP pubKeyAuth", m, false);
		rdd__obs_pdu(o, SRV, "the server's pubKeyAuth", m);
		return;
	}
	rdd__obs_pdu(o, SRV, "a TSRequest", m);
}

static void
early_result(struct rdd_observer *o, const uint8_t *p,
             const struct rdd_tcp_meta *m)
{
	struct rdd_logon_info *li = &o->obs->credssp.logon;
	struct rdd_pcap_client *cl = &o->conn->cli;
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	             (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	li->has_early_result = true;
	li->early_result = v;
	li->ms = rdd__obs_ms(o, m) - li->start_ms;
	rdd__obs_evidence(o, "Early User Authorization Result", m, false);
	rdd__obs_pdu(o, SRV, "the Early User Authorization Result", m);
	if (v == 0) {
		li->outcome = RDD_LOGON_OK;
		snprintf(li->detail, sizeof(li->detail),
		         "NTLM logon of %.80s%s%.80s: the server took the "
		         "credentials and authorized the user "
		         "(HYBRID_EX)",
		         cl->domain, cl->domain[0] ? "\\" : "", cl->user);
		to_rdp(o);
		return;
	}
	li->outcome = RDD_LOGON_DENIED;
	snprintf(li->detail, sizeof(li->detail),
	         "Early User Authorization Result 0x%08x (%s)", (unsigned)v,
	         v == 5 ? "ACCESS_DENIED" : "not success");
	o->inner[CLI] = o->inner[SRV] = IN_OFF;
}

void
rdd__nla_stream(struct rdd_observer *o, int side, const struct rdd_tcp_meta *m)
{
	struct rdd__stream *s = &o->plain[side];
	struct rdd_tsrequest r;
	struct rdd_cur c;
	size_t n;

	while (!s->dead && s->len > 0) {
		if (o->inner[side] == IN_EARLY) {
			if (s->len < EARLY_RESULT_LEN)
				return;
			early_result(o, s->p, m);
			rdd__stream_consume(s, EARLY_RESULT_LEN);
			return; /* the layer changed */
		}
		if (o->inner[side] != IN_CREDSSP)
			return;
		switch (rdd_tsrequest_frame(s->p, s->len, &n)) {
		case RDD_TSREQ_OK:
			break;
		case RDD_TSREQ_NEED_MORE:
			return;
		case RDD_TSREQ_NOT_TSREQ:
		case RDD_TSREQ_TOO_LONG:
		default:
			s->dead = true;
			rdd__obs_stop(
			    o, RDD_PHASE_CREDSSP, RDD_PCAP_INCOMPLETE,
			    "not readable: the %s's decrypted bytes at "
			    "frame %llu are not a TSRequest",
			    side == CLI ? "client" : "server",
			    (unsigned long long)m->frame);
			return;
		}
		rdd_cur_init(&c, s->p, n);
		if (rdd_tsrequest_parse(&c, &r) == 0) {
			if (side == CLI)
				client_tsrequest(o, &r, m);
			else
				server_tsrequest(o, s->p, n, &r, m);
		} else if (side == SRV) {
			server_tsrequest(o, s->p, n, &r, m);
		}
		rdd__stream_consume(s, n);
		if (o->inner[side] != IN_CREDSSP)
			return;
	}
}

void
rdd__nla_end(struct rdd_observer *o)
{
	struct rdd_credssp_info *ci = &o->obs->credssp;
	struct rdd_logon_info *li = &ci->logon;
	struct rdd_pcap_tls *t = &o->conn->tls;
	enum rdd__end_kind k;
	char what[RDD_STR];

	bool rst;

	if (o->stopped || o->nla_done)
		return;
	if (o->ts_client == 0 &&
	    rdd__obs_server_dropped(o, what, sizeof(what), &rst)) {
		ci->outcome = rst ? RDD_CREDSSP_RESET : RDD_CREDSSP_CLOSED;
		snprintf(ci->attempt, sizeof(ci->attempt), "A");
		ci->start_ms = o->last_pdu_ms[SRV];
		ci->ms = o->closed_ms[SRV] - ci->start_ms;
		snprintf(ci->detail, sizeof(ci->detail), "%s", what);
		return;
	}
	if (o->ts_client == 0) {
		rdd__obs_stop(
		    o, RDD_PHASE_CREDSSP,
		    o->closed[CLI] || o->closed[SRV] ? RDD_PCAP_CLIENT_CLOSED
		                                     : RDD_PCAP_INCOMPLETE,
		    "not verified: the client sent no TSRequest after "
		    "the TLS handshake");
		return;
	}
	if (o->waiting_on == CLI && li->outcome != RDD_LOGON_REFUSED &&
	    li->outcome != RDD_LOGON_DENIED && ci->outcome == RDD_CREDSSP_OK) {
		(void)rdd__obs_end_kind(o, o->last_pdu_ms[SRV], what,
		                        sizeof(what));
		rdd__obs_stop(o, RDD_PHASE_CREDSSP,
		              o->closed[CLI] || o->closed[SRV]
		                  ? RDD_PCAP_CLIENT_CLOSED
		                  : RDD_PCAP_INCOMPLETE,
		              "not verified: the client did not go on after %s "
		              "(%s)",
		              o->last_pdu[SRV], what);
		return;
	}
	if (ci->outcome != RDD_CREDSSP_OK && ci->outcome != RDD_CREDSSP_NOT_RUN)
		return; /* the server's first answer says it all */
	if (li->outcome == RDD_LOGON_REFUSED || li->outcome == RDD_LOGON_DENIED)
		return;
	k = rdd__obs_end_kind(o, o->last_pdu_ms[CLI], what, sizeof(what));
	if (k == END_CLIENT || k == END_CAPTURE || k == END_GAP) {
		rdd__obs_stop(o, RDD_PHASE_CREDSSP,
		              k == END_CLIENT ? RDD_PCAP_CLIENT_CLOSED
		                              : RDD_PCAP_INCOMPLETE,
		              "%s: %s",
		              k == END_CLIENT ? "not verified"
		                              : "not in the capture",
		              what);
		return;
	}
	if (t->alert && !t->alert_from_client && t->alert_level >= 0)
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
		         " after a TLS alert %d", t->alert_desc);
	if (ci->outcome == RDD_CREDSSP_NOT_RUN) {
		ci->outcome = k == END_SERVER_FIN   ? RDD_CREDSSP_CLOSED
		              : k == END_SERVER_RST ? RDD_CREDSSP_RESET
		                                    : RDD_CREDSSP_TIMEOUT;
		snprintf(ci->attempt, sizeof(ci->attempt), "A");
		ci->ms = (o->closed[SRV] ? o->closed_ms[SRV] : o->last_ms) -
		         ci->start_ms;
		snprintf(ci->detail, sizeof(ci->detail),
		         "%s after the client's NEGOTIATE", what);
		return;
	}
	/* After the AUTHENTICATE (or the TSCredentials of HYBRID_EX). */
	li->outcome = k == END_TIMEOUT ? RDD_LOGON_TIMEOUT : RDD_LOGON_CLOSED;
	li->ms =
	    (o->closed[SRV] ? o->closed_ms[SRV] : o->last_ms) - li->start_ms;
	snprintf(li->detail, sizeof(li->detail), "%s after %s", what,
	         o->last_pdu[CLI]);
}
