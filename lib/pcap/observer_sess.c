/*
 * observer_sess.c - the connection sequence after the Connect-Response,
 * watched from both sides ([MS-RDPBCGR] 1.3.1.1; shared/reference/
 * session.md): the MCS domain (Erect Domain, Attach User, Channel Joins),
 * the Security Exchange and Client Info, licensing ([MS-RDPELE]), the
 * capability exchange and finalization up to the server's Font Map, and
 * how the server may say no on the way (Set Error Info, a licensing error,
 * a Disconnect Provider Ultimatum, a redirection). It fills the same
 * struct rdd_session_info the active walk (lib/probe/session.c) fills,
 * with the steps the client took in place of rdpdoctor's.
 *
 * Under standard RDP security the Client Info, the capability exchange
 * and Set Error Info travel RC4-encrypted under keys made from a client
 * random the client sent RSA-encrypted: they cannot be read from a
 * capture. Licensing and the MCS PDUs around them travel in the clear.
 */
#include <stdio.h>
#include <string.h>

#include "pcap/observer_int.h"
#include "probe/session.h"
#include "wire/clientinfo.h"
#include "wire/domain.h"
#include "wire/license.h"
#include "wire/mcs.h"
#include "wire/rdpsec.h"
#include "wire/share.h"

static struct rdd_session_info *
S(struct rdd_observer *o)
{
	return &o->obs->session;
}

enum rdd_phase
rdd__sess_phase(const struct rdd_observer *o)
{
	if (!o->walk_started) {
		switch (o->stage) {
		case ST_TCP:
			return RDD_PHASE_TCP;
		case ST_X224:
			return RDD_PHASE_X224;
		case ST_TLS:
			return RDD_PHASE_TLS;
		case ST_CREDSSP:
			return RDD_PHASE_CREDSSP;
		default:
			return RDD_PHASE_MCS;
		}
	}
	switch (o->walk) {
	case W_DOMAIN:
		return RDD_PHASE_MCS;
	case W_LICENSING:
		return RDD_PHASE_LICENSING;
	case W_DEMAND: /* licensing is over: as check, activation */
	case W_FINALIZE:
	case W_ACTIVE:
	default:
		return RDD_PHASE_ACTIVATION;
	}
}

static void event(struct rdd_observer *o, enum rdd_session_step step,
                  const struct rdd_tcp_meta *m, bool from_client,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Record STEP: a client step has no wait; a server step waited since the
 * client's last PDU of the walk. */
static void
event(struct rdd_observer *o, enum rdd_session_step step,
      const struct rdd_tcp_meta *m, bool from_client, const char *fmt, ...)
{
	struct rdd_session_info *s = S(o);
	struct rdd_session_event *e;
	double now = rdd__obs_ms(o, m);
	va_list ap;

	if (from_client)
		o->walk_last_client_ms = now;
	if (s->n_events >= RDD_MAX_SESSION_STEPS)
		return;
	e = &s->events[s->n_events++];
	e->step = step;
	e->phase = rdd__sess_phase(o);
	e->at_ms = now;
	e->wait_ms = from_client ? -1 : now - o->walk_last_client_ms;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}

/* The walk ended (before activation) with OUTCOME. */
static void end(struct rdd_observer *o, enum rdd_session_outcome outcome,
                const struct rdd_tcp_meta *m, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
end(struct rdd_observer *o, enum rdd_session_outcome outcome,
    const struct rdd_tcp_meta *m, const char *fmt, ...)
{
	struct rdd_session_info *s = S(o);
	va_list ap;

	if (s->outcome != RDD_SESSION_NOT_RUN)
		return;
	s->outcome = outcome;
	s->phase = rdd__sess_phase(o);
	s->end_ms = m != NULL ? rdd__obs_ms(o, m) : o->last_ms;
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
}

static bool
over(struct rdd_observer *o)
{
	return S(o)->outcome != RDD_SESSION_NOT_RUN;
}

/* The server spoke and owes the next PDU itself (the Demand Active after
 * licensing, the rest of the finalization). */
static void
server_goes_on(struct rdd_observer *o, const struct rdd_tcp_meta *m)
{
	o->waiting_on = SRV;
	o->turn_ms = rdd__obs_ms(o, m);
}

void
rdd__sess_begin(struct rdd_observer *o, const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);
	const struct rdd_mcs_info *mi = &o->obs->mcs;

	o->walk_started = true;
	o->stage = ST_SESSION;
	o->walk = W_DOMAIN;
	rdd_session_info_init(s);
	snprintf(s->attempt, sizeof(s->attempt), "A");
	s->stop_after = RDD_PHASE_ACTIVATION;
	s->start_ms = rdd__obs_ms(o, m);
	s->io_channel = mi->has_net ? mi->io_channel : 1003;
	s->msg_channel = mi->has_msgchannel ? mi->msg_channel : 0;
	o->enc_method = mi->has_security ? mi->encryption_method : 0;
	o->standard_security =
	    (o->selected == RDD_PROTO_RDP) && mi->has_security &&
	    (mi->encryption_method != 0 || mi->encryption_level != 0);
	s->standard_security = o->standard_security;
	s->encryption_method = mi->encryption_method;
	s->encryption_level = mi->encryption_level;
	s->cert_signature = -1;
	o->walk_last_client_ms = s->start_ms;
}

/* --- the MCS domain --------------------------------------------------------- */

static void
join_confirm(struct rdd_observer *o, const struct rdd_mcs_domain_pdu *d,
             const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);
	uint16_t ch = d->has_channel ? d->channel : d->requested;
	enum rdd_session_step step;

	if (d->result != RDD_MCS_RT_SUCCESSFUL) {
		s->mcs_result = d->result;
		end(o, RDD_SESSION_REFUSED, m,
		    "Channel Join Confirm for channel %u: %s (%u)",
		    (unsigned)d->requested,
		    rdd_mcs_result_name(d->result)
		        ? rdd_mcs_result_name(d->result)
		        : "unknown",
		    (unsigned)d->result);
		return;
	}
	if (ch == s->user_channel && s->user_channel != 0)
		step = RDD_STEP_JOIN_USER;
	else if (ch == s->io_channel)
		step = RDD_STEP_JOIN_IO;
	else if (ch == s->msg_channel && s->msg_channel != 0)
		step = RDD_STEP_JOIN_MESSAGE;
	else {
		step = RDD_STEP_JOIN_STATIC;
		s->static_channels++;
	}
	/* Static channels are many: one event for the first. */
	if (step != RDD_STEP_JOIN_STATIC || s->static_channels == 1)
		event(o, step, m, false, "channel %u", (unsigned)ch);
	rdd__obs_pdu(o, SRV, "a Channel Join Confirm", m);
}

static void server_io(struct rdd_observer *o, struct rdd_cur data,
                      const struct rdd_tcp_meta *m);
static void client_io(struct rdd_observer *o, struct rdd_cur data,
                      const struct rdd_tcp_meta *m);

static void
disconnect(struct rdd_observer *o, bool from_client, int reason,
           const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);
	struct rdd_pcap_conn *c = o->conn;
	const char *r =
	    reason >= 0 ? rdd_mcs_reason_name((unsigned)reason) : NULL;

	rdd__obs_evidence(o,
	                  reason >= 0 ? "Disconnect Provider Ultimatum"
	                              : "X.224 Disconnect Request",
	                  m, from_client);
	rdd__obs_pdu(o, from_client ? CLI : SRV,
	             reason >= 0 ? "a Disconnect Provider Ultimatum"
	                         : "an X.224 Disconnect Request",
	             m);
	if (over(o) || o->walk == W_ACTIVE || o->stopped) {
		if (!c->has_end_dpum) {
			c->has_end_dpum = true;
			c->end_dpum_reason = reason;
			c->end_dpum_from_client = from_client;
		}
		return;
	}
	if (from_client) {
		event(o, RDD_STEP_DISCONNECT, m, true,
		      "the client's Disconnect Provider Ultimatum%s%s",
		      r != NULL ? ", " : "", r != NULL ? r : "");
		rdd__obs_stop(o, rdd__sess_phase(o), RDD_PCAP_CLIENT_CLOSED,
		              "not verified: the client left with a "
		              "Disconnect Provider Ultimatum%s%s at %.0f ms",
		              r != NULL ? " " : "", r != NULL ? r : "",
		              rdd__obs_ms(o, m));
		end(o, RDD_SESSION_ERROR, m, "%s", o->stop_detail);
		return;
	}
	s->disconnect_reason = reason;
	s->disconnect_phase = rdd__sess_phase(o);
	s->disconnect_at_ms = rdd__obs_ms(o, m);
	if (reason >= 0)
		end(o, RDD_SESSION_DISCONNECTED, m,
		    "MCS Disconnect Provider Ultimatum %s (%u)%s",
		    r != NULL ? r : "unknown", (unsigned)reason,
		    s->deactivated ? " after a Deactivate All" : "");
	else
		end(o, RDD_SESSION_DISCONNECTED, m, "X.224 Disconnect Request");
}

void
rdd__sess_domain(struct rdd_observer *o, int side, const uint8_t *payload,
                 size_t n, const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);
	struct rdd_mcs_domain_pdu d;
	struct rdd_cur in;

	rdd_cur_init(&in, payload, n);
	if (side == CLI) {
		if (rdd_mcs_parse_client_domain_pdu(&in, &d) != 0)
			return;
		switch (d.kind == RDD_MCS_PDU_OTHER ? d.choice : 0xFF) {
		case RDD_MCS_ERECT_DOMAIN_REQUEST:
			if (!over(o))
				event(o, RDD_STEP_ERECT_DOMAIN, m, true,
				      "Erect Domain Request");
			rdd__obs_pdu(o, CLI, "the Erect Domain Request", m);
			return;
		case RDD_MCS_ATTACH_USER_REQUEST:
			o->walk_last_client_ms = rdd__obs_ms(o, m);
			rdd__obs_pdu(o, CLI, "the Attach User Request", m);
			return;
		case RDD_MCS_CHANNEL_JOIN_REQUEST:
			o->walk_last_client_ms = rdd__obs_ms(o, m);
			rdd__obs_pdu(o, CLI, "a Channel Join Request", m);
			return;
		case RDD_MCS_SEND_DATA_REQUEST:
			if (d.channel == s->io_channel)
				client_io(o, d.data, m);
			return;
		default:
			break;
		}
		if (d.kind == RDD_MCS_PDU_DPUM)
			disconnect(o, true, d.reason, m);
		else if (d.kind == RDD_MCS_PDU_X224_DISCONNECT)
			disconnect(o, true, -1, m);
		return;
	}
	if (rdd_mcs_parse_domain_pdu(&in, &d) != 0) {
		if (!over(o) && !o->stopped)
			end(o, RDD_SESSION_MALFORMED, m,
			    "a TPKT of %zu bytes from the server that is not "
			    "an "
			    "MCS domain PDU (frame %llu)",
			    n + 4, (unsigned long long)m->frame);
		return;
	}
	switch (d.kind) {
	case RDD_MCS_PDU_ATTACH_USER_CONFIRM:
		if (over(o))
			return;
		if (d.result != RDD_MCS_RT_SUCCESSFUL) {
			s->mcs_result = d.result;
			end(o, RDD_SESSION_REFUSED, m,
			    "Attach User Confirm: %s (%u)",
			    rdd_mcs_result_name(d.result)
			        ? rdd_mcs_result_name(d.result)
			        : "unknown",
			    (unsigned)d.result);
			return;
		}
		s->user_channel = d.has_initiator ? d.initiator : 0;
		event(o, RDD_STEP_ATTACH_USER, m, false, "user channel %u",
		      (unsigned)s->user_channel);
		rdd__obs_pdu(o, SRV, "the Attach User Confirm", m);
		return;
	case RDD_MCS_PDU_CHANNEL_JOIN_CONFIRM:
		if (!over(o))
			join_confirm(o, &d, m);
		return;
	case RDD_MCS_PDU_SEND_DATA_INDICATION:
		if (d.channel == s->io_channel ||
		    (s->user_channel != 0 && d.channel == s->user_channel))
			server_io(o, d.data, m);
		return;
	case RDD_MCS_PDU_DPUM:
		disconnect(o, false, d.reason, m);
		return;
	case RDD_MCS_PDU_X224_DISCONNECT:
		disconnect(o, false, -1, m);
		return;
	case RDD_MCS_PDU_OTHER:
	default:
		return;
	}
}

void
rdd__sess_fastpath(struct rdd_observer *o, int side,
                   const struct rdd_tcp_meta *m)
{
	if (side == SRV) {
		S(o)->fastpath_pdus++;
		if (!over(o) && o->walk != W_ACTIVE && o->standard_security)
			o->hidden_server_pdus++;
	}
	rdd__obs_pdu(o, side,
	             side == CLI ? "fast-path input"
	                         : "fast-path "
	                           "output",
	             m);
}

/* --- what cannot be read under standard RDP security -------------------- */

static void
hidden(struct rdd_observer *o, bool from_client, bool licensing,
       const struct rdd_tcp_meta *m)
{
	enum rdd_phase ph;

	if (from_client) {
		o->hidden_client_pdus++;
		return;
	}
	o->hidden_server_pdus++;
	if (over(o) || o->walk == W_ACTIVE || o->stopped)
		return;
	/* Licensing mostly travels in the clear (its flag says when it does
	 * not): an encrypted PDU after it is the capability exchange, or an
	 * error about it. */
	ph = licensing || o->walk == W_DOMAIN ||
	             (o->walk == W_LICENSING &&
	              S(o)->licensing == RDD_LICENSING_NOT_REACHED)
	         ? RDD_PHASE_LICENSING
	         : RDD_PHASE_ACTIVATION;
	if (ph == RDD_PHASE_ACTIVATION)
		o->walk = W_FINALIZE;
	rdd__obs_stop(o, ph, RDD_PCAP_NOT_VISIBLE,
	              "not visible in the capture: standard RDP security "
	              "encrypts the server's %s from frame %llu on (its keys "
	              "come from a client random sent RSA-encrypted)",
	              licensing ? "licensing PDUs" : "PDUs",
	              (unsigned long long)m->frame);
	end(o, RDD_SESSION_ERROR, m, "%s", o->stop_detail);
	S(o)->phase = ph;
}

/* --- the client's PDUs on the I/O channel -------------------------------- */

static void
client_info(struct rdd_observer *o, struct rdd_cur body, bool encrypted,
            const struct rdd_tcp_meta *m)
{
	struct rdd_pcap_client *cl = &o->conn->cli;
	struct rdd_client_info_parsed ci;

	o->client_info = true;
	o->client_info_ms = rdd__obs_ms(o, m);
	if (o->walk == W_DOMAIN)
		o->walk = W_LICENSING;
	if (!encrypted && rdd_client_info_parse(&body, &ci) == 0) {
		cl->has_client_info = true;
		cl->info_flags = ci.flags;
		cl->info_autologon = (ci.flags & RDD_INFO_AUTOLOGON) != 0;
		if (!cl->has_account) {
			snprintf(cl->user, sizeof(cl->user), "%s", ci.user);
			snprintf(cl->domain, sizeof(cl->domain), "%s",
			         ci.domain);
			cl->has_account = ci.user[0] != '\0';
		}
		if (!over(o))
			event(o, RDD_STEP_CLIENT_INFO, m, true,
			      "flags 0x%08x%s", (unsigned)ci.flags,
			      ci.password_len > 2 ? ", with a password" : "");
	} else if (!over(o))
		event(o, RDD_STEP_CLIENT_INFO, m, true, "%s",
		      encrypted ? "encrypted" : "does not parse");
	rdd__obs_evidence(o, "Client Info", m, true);
	rdd__obs_pdu(o, CLI, "the Client Info", m);
}

static void
client_licensing(struct rdd_observer *o, struct rdd_cur body,
                 const struct rdd_tcp_meta *m)
{
	uint8_t type, flags;
	uint16_t size;

	if (rdd_lic_parse_client(&body, &type, &flags, &size) != 0)
		return;
	rdd__obs_pdu(o, CLI, "a licensing message", m);
	if (over(o))
		return;
	if (type == RDD_LIC_NEW_LICENSE_REQUEST)
		event(o, RDD_STEP_NEW_LICENSE_REQUEST, m, true,
		      "NEW_LICENSE_REQUEST (a client without a licence)");
	else if (type == RDD_LIC_PLATFORM_CHALLENGE_RESPONSE)
		event(o, RDD_STEP_PLATFORM_CHALLENGE_RESPONSE, m, true,
		      "PLATFORM_CHALLENGE_RESPONSE");
	else if (type == RDD_LIC_LICENSE_INFO)
		event(o, RDD_STEP_NEW_LICENSE_REQUEST, m, true,
		      "LICENSE_INFO (the client presents a stored licence)");
}

/* A client licensing preamble: a type a client sends, version 2 or 3. */
static bool
client_lic_preamble(struct rdd_cur c)
{
	uint8_t type, pflags;

	if (rdd_cur_u8(&c, &type) != 0 || rdd_cur_u8(&c, &pflags) != 0)
		return false;
	if ((pflags & 0x0F) != RDD_LIC_PREAMBLE_VERSION_2_0 &&
	    (pflags & 0x0F) != RDD_LIC_PREAMBLE_VERSION_3_0)
		return false;
	return type == RDD_LIC_LICENSE_INFO ||
	       type == RDD_LIC_NEW_LICENSE_REQUEST ||
	       type == RDD_LIC_PLATFORM_CHALLENGE_RESPONSE ||
	       type == RDD_LIC_ERROR_ALERT;
}

static void
client_share(struct rdd_observer *o, struct rdd_cur body,
             const struct rdd_tcp_meta *m)
{
	struct rdd_share_ctrl ctrl;

	if (rdd_share_parse_ctrl(&body, &ctrl) != 0)
		return;
	if (ctrl.pdu_type == RDD_PDUTYPE_CONFIRMACTIVE) {
		if (!over(o) && o->walk != W_ACTIVE)
			event(o, RDD_STEP_CONFIRM_ACTIVE, m, true,
			      "Confirm Active");
		rdd__obs_pdu(o, CLI, "the Confirm Active", m);
	}
}

static void
client_io(struct rdd_observer *o, struct rdd_cur data,
          const struct rdd_tcp_meta *m)
{
	struct rdd_cur body = data;
	uint16_t flags = 0, hi = 0;

	if (o->standard_security) {
		if (rdd_sec_read_basic_header(&body, &flags, &hi) != 0)
			return;
		if (flags & RDD_SEC_EXCHANGE_PKT) {
			o->security_exchange = true;
			if (!over(o))
				event(o, RDD_STEP_SECURITY_EXCHANGE, m, true,
				      "client random, RSA-encrypted");
			rdd__obs_pdu(o, CLI, "the Security Exchange", m);
			return;
		}
		if (flags & RDD_SEC_INFO_PKT) {
			client_info(o, body, (flags & RDD_SEC_ENCRYPT) != 0, m);
			return;
		}
		if ((flags & RDD_SEC_LICENSE_PKT) &&
		    !(flags & RDD_SEC_ENCRYPT)) {
			client_licensing(o, body, m);
			return;
		}
		if (flags & RDD_SEC_ENCRYPT) {
			hidden(o, true, false, m);
			/* The Confirm Active comes after the Demand Active:
			 * the first encrypted PDU after licensing is it. */
			rdd__obs_pdu(o, CLI, "an encrypted PDU", m);
		}
		return;
	}
	if (rdd_sec_read_basic_header(&body, &flags, &hi) == 0) {
		if (!o->client_info && (flags & RDD_SEC_INFO_PKT)) {
			client_info(o, body, false, m);
			return;
		}
		if ((flags & RDD_SEC_LICENSE_PKT) &&
		    client_lic_preamble(body)) {
			client_licensing(o, body, m);
			return;
		}
	}
	client_share(o, data, m);
}

/* --- the server's PDUs on the I/O channel -------------------------------- */

/* As lib/probe/session.c: under TLS a licensing PDU still has a basic
 * security header with SEC_LICENSE_PKT, then a server's preamble. */
static bool
looks_like_licensing(struct rdd_cur c)
{
	uint16_t flags, hi;
	uint8_t type, pflags;

	if (rdd_sec_read_basic_header(&c, &flags, &hi) != 0 ||
	    !(flags & RDD_SEC_LICENSE_PKT) || rdd_cur_u8(&c, &type) != 0 ||
	    rdd_cur_u8(&c, &pflags) != 0)
		return false;
	if ((pflags & 0x0F) != RDD_LIC_PREAMBLE_VERSION_2_0 &&
	    (pflags & 0x0F) != RDD_LIC_PREAMBLE_VERSION_3_0)
		return false;
	return type == RDD_LIC_LICENSE_REQUEST ||
	       type == RDD_LIC_PLATFORM_CHALLENGE ||
	       type == RDD_LIC_NEW_LICENSE || type == RDD_LIC_UPGRADE_LICENSE ||
	       type == RDD_LIC_ERROR_ALERT;
}

static void
license_error(struct rdd_observer *o, const struct rdd_lic_error *e,
              const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);
	const char *name = rdd_lic_error_name(e->code);
	const char *tr = rdd_lic_transition_name(e->transition);

	if (e->code == RDD_LIC_STATUS_VALID_CLIENT) {
		s->licensing = o->lic_request || o->lic_challenge
		                   ? RDD_LICENSING_REQUEST_VALID
		                   : RDD_LICENSING_VALID_CLIENT;
		event(o, RDD_STEP_LICENSE_VALID, m, false,
		      "STATUS_VALID_CLIENT");
		rdd__obs_evidence(o, "licensing STATUS_VALID_CLIENT", m, false);
		o->walk = W_DEMAND;
		server_goes_on(o, m);
		return;
	}
	s->licensing = RDD_LICENSING_ERROR;
	s->has_license_error = true;
	s->license_error_code = e->code;
	s->license_transition = e->transition;
	event(o, RDD_STEP_LICENSE_ERROR, m, false, "%s (0x%x), %s",
	      name != NULL ? name : "unknown", (unsigned)e->code,
	      tr != NULL ? tr : "unknown transition");
	rdd__obs_evidence(o, "licensing ERROR_ALERT", m, false);
	/* As lib/probe/session_lic.c: no transition lets the client in, a
	 * restart or a resend goes on with licensing, anything else ends
	 * it. */
	switch (e->transition) {
	case RDD_LIC_ST_NO_TRANSITION:
		o->walk = W_DEMAND;
		server_goes_on(o, m);
		return;
	case RDD_LIC_ST_RESET_PHASE_TO_START:
	case RDD_LIC_ST_RESEND_LAST_MESSAGE:
		return;
	default:
		end(o, RDD_SESSION_LICENSE_ERROR, m,
		    "licensing ERROR_ALERT %s (0x%x) with %s (%u)",
		    name != NULL ? name : "unknown", (unsigned)e->code,
		    tr != NULL ? tr : "unknown", (unsigned)e->transition);
	}
}

static void
server_licensing(struct rdd_observer *o, struct rdd_cur body,
                 const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);
	struct rdd_lic_pdu pdu;
	const struct rdd_lic_request *rq = &pdu.request;

	if (o->walk == W_DOMAIN)
		o->walk = W_LICENSING;
	if (rdd_lic_parse(&body, &pdu) != 0) {
		end(o, RDD_SESSION_MALFORMED, m,
		    "a licensing PDU that does not parse (frame %llu)",
		    (unsigned long long)m->frame);
		return;
	}
	rdd__obs_pdu(o, SRV,
	             rdd_lic_msg_name(pdu.msg_type) != NULL
	                 ? rdd_lic_msg_name(pdu.msg_type)
	                 : "a licensing message",
	             m);
	if (s->license_preamble_version == 0)
		s->license_preamble_version = pdu.flags & 0x0F;
	switch (pdu.msg_type) {
	case RDD_LIC_LICENSE_REQUEST:
		o->lic_request = true;
		s->has_license_request = true;
		snprintf(s->license_company, sizeof(s->license_company), "%s",
		         rq->company);
		snprintf(s->license_product_id, sizeof(s->license_product_id),
		         "%s", rq->product_id);
		s->license_product_version = rq->product_version;
		s->license_n_scopes = rq->n_scopes;
		snprintf(s->license_scope, sizeof(s->license_scope), "%s",
		         rq->n_scopes > 0 ? rq->scopes[0] : "");
		s->license_cert_from_request = rq->has_cert;
		event(o, RDD_STEP_LICENSE_REQUEST, m, false,
		      "%.40s, product %.20s", rq->company, rq->product_id);
		rdd__obs_evidence(o, "licensing LICENSE_REQUEST", m, false);
		return;
	case RDD_LIC_PLATFORM_CHALLENGE:
		o->lic_challenge = true;
		event(o, RDD_STEP_PLATFORM_CHALLENGE, m, false,
		      "the server would issue a licence");
		rdd__obs_evidence(o, "licensing PLATFORM_CHALLENGE", m, false);
		return;
	case RDD_LIC_NEW_LICENSE:
	case RDD_LIC_UPGRADE_LICENSE:
		s->licensing = RDD_LICENSING_ISSUED;
		event(o, RDD_STEP_LICENSE_ISSUED, m, false, "%s",
		      pdu.msg_type == RDD_LIC_NEW_LICENSE ? "NEW_LICENSE"
		                                          : "UPGRADE_LICENSE");
		rdd__obs_evidence(o, "licensing licence issued", m, false);
		o->walk = W_DEMAND;
		server_goes_on(o, m);
		return;
	case RDD_LIC_ERROR_ALERT:
		license_error(o, &pdu.error, m);
		return;
	default:
		return;
	}
}

static void
demand_active(struct rdd_observer *o, const struct rdd_share_ctrl *ctrl,
              const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);
	struct rdd_demand_active da;

	if (rdd_share_parse_demand_active(ctrl, &da) != 0) {
		end(o, RDD_SESSION_MALFORMED, m,
		    "a Demand Active of %u bytes that does not parse",
		    (unsigned)ctrl->total_length);
		return;
	}
	if (s->licensing == RDD_LICENSING_NOT_REACHED)
		s->licensing = RDD_LICENSING_SKIPPED;
	if (s->has_demand_active)
		s->reactivations++;
	o->walk = W_FINALIZE;
	rdd__session_record_demand_active(s, &da);
	s->got_synchronize = s->got_cooperate = false;
	s->got_granted_control = s->got_font_map = false;
	event(o, RDD_STEP_DEMAND_ACTIVE, m, false,
	      "share 0x%08x, %u capability sets", (unsigned)da.share_id,
	      (unsigned)da.n_caps);
	rdd__obs_evidence(o, "Demand Active", m, false);
	rdd__obs_pdu(o, SRV, "the Demand Active", m);
}

static void
error_info(struct rdd_observer *o, uint32_t code, const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);

	if (code == 0)
		return; /* ERRINFO_NONE */
	rdd__obs_evidence(o, "Set Error Info", m, false);
	rdd__obs_pdu(o, SRV, "Set Error Info", m);
	if (o->walk == W_ACTIVE || over(o)) {
		if (!o->conn->has_end_error_info) {
			o->conn->has_end_error_info = true;
			o->conn->end_error_info = code;
		}
		return;
	}
	s->has_error_info = true;
	s->error_info = code;
	s->error_info_phase = rdd__sess_phase(o);
	s->error_info_at_ms = rdd__obs_ms(o, m);
	end(o, RDD_SESSION_ERROR_INFO, m, "Set Error Info 0x%08x while %s",
	    (unsigned)code,
	    o->walk == W_FINALIZE ? "finalizing the activation"
	    : o->walk == W_DEMAND ? "waiting for the Demand Active"
	    : o->walk == W_DOMAIN ? "joining channels"
	                          : "licensing");
}

static void
save_session_info(struct rdd_observer *o, struct rdd_cur *p)
{
	struct rdd_session_info *s = S(o);
	struct rdd_save_session_info si;

	if (rdd_share_parse_save_session_info(p, &si) != 0)
		return;
	if (si.info_type == RDD_INFOTYPE_LOGON_EXTENDED_INFO) {
		if (si.has_logon_error) {
			s->has_logon_error = true;
			s->logon_error_type = si.error_type;
			s->logon_error_data = si.error_data;
		}
		return;
	}
	s->has_logon_info = true;
	s->logon_info_type = si.info_type;
	if (si.has_session_id) {
		s->has_logon_session_id = true;
		s->logon_session_id = si.session_id;
	}
}

static void
activated(struct rdd_observer *o, const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);

	s->got_font_map = true;
	event(o, RDD_STEP_FONT_MAP, m, false, "activation complete");
	rdd__obs_evidence(o, "Font Map (activation complete)", m, false);
	rdd__obs_pdu(o, SRV, "the Font Map", m);
	o->walk = W_ACTIVE;
	o->stage = ST_ACTIVE;
	end(o, RDD_SESSION_ACTIVATED, m,
	    "activation complete: the server sent its Font Map");
}

static void
data_pdu(struct rdd_observer *o, const struct rdd_share_ctrl *ctrl,
         const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);
	struct rdd_share_data d;
	struct rdd_share_control c;
	struct rdd_cur body = ctrl->body;
	uint32_t v = 0;
	uint16_t target = 0, n = 0, flags = 0;

	if (rdd_share_parse_data(&body, &d) != 0)
		return;
	switch (d.pdu_type2) {
	case RDD_PDUTYPE2_SET_ERROR_INFO:
		if (rdd_share_parse_error_info(&d.payload, &v) == 0)
			error_info(o, v, m);
		return;
	case RDD_PDUTYPE2_SAVE_SESSION_INFO:
		save_session_info(o, &d.payload);
		return;
	case RDD_PDUTYPE2_MONITOR_LAYOUT:
		if (rdd_share_parse_monitor_layout(&d.payload, &v) == 0) {
			s->has_monitor_layout = true;
			s->monitors = v;
		}
		return;
	case RDD_PDUTYPE2_STATUS_INFO:
		if (rdd_share_parse_status_info(&d.payload, &v) == 0)
			s->status_info = v;
		return;
	default:
		break;
	}
	if (o->walk != W_FINALIZE || over(o))
		return;
	switch (d.pdu_type2) {
	case RDD_PDUTYPE2_SYNCHRONIZE:
		if (rdd_share_parse_synchronize(&d.payload, &target) != 0)
			return;
		s->got_synchronize = true;
		event(o, RDD_STEP_SYNCHRONIZE, m, false, "target user %u",
		      (unsigned)target);
		server_goes_on(o, m);
		return;
	case RDD_PDUTYPE2_CONTROL:
		if (rdd_share_parse_control(&d.payload, &c) != 0)
			return;
		server_goes_on(o, m);
		if (c.action == RDD_CTRLACTION_COOPERATE) {
			s->got_cooperate = true;
			event(o, RDD_STEP_COOPERATE, m, false, "cooperate");
		} else if (c.action == RDD_CTRLACTION_GRANTED_CONTROL) {
			s->got_granted_control = true;
			event(o, RDD_STEP_GRANTED_CONTROL, m, false,
			      "granted control, id 0x%08x",
			      (unsigned)c.control_id);
		}
		return;
	case RDD_PDUTYPE2_FONTMAP:
		if (rdd_share_parse_font_map(&d.payload, &n, &flags) == 0)
			activated(o, m);
		return;
	default:
		return;
	}
}

static void
redirection(struct rdd_observer *o, struct rdd_cur *body,
            const struct rdd_tcp_meta *m)
{
	struct rdd_session_info *s = S(o);
	struct rdd_redirection r;

	if (rdd_share_parse_redirection(body, &r) != 0 || over(o))
		return;
	s->redirected = true;
	s->redirect_session_id = r.session_id;
	snprintf(s->redirect_target, sizeof(s->redirect_target), "%s",
	         r.target);
	rdd__obs_evidence(o, "Server Redirection", m, false);
	end(o, RDD_SESSION_REDIRECTED, m,
	    "a Connection Broker redirects the client to another server "
	    "(session id %u)",
	    (unsigned)r.session_id);
}

static void
server_share(struct rdd_observer *o, struct rdd_cur pdu,
             const struct rdd_tcp_meta *m)
{
	struct rdd_share_ctrl ctrl;
	struct rdd_cur body = pdu;
	uint16_t len = 0;

	if (rdd_cur_u16le(&body, &len) == 0 && len == 0x8000)
		return; /* a T.128 flow PDU */
	if (rdd_share_parse_ctrl(&pdu, &ctrl) != 0)
		return;
	switch (ctrl.pdu_type) {
	case RDD_PDUTYPE_DEMANDACTIVE:
		if (!over(o))
			demand_active(o, &ctrl, m);
		return;
	case RDD_PDUTYPE_DEACTIVATEALL:
		S(o)->deactivated = true;
		if (o->walk == W_FINALIZE)
			o->walk = W_DEMAND;
		return;
	case RDD_PDUTYPE_DATA:
		data_pdu(o, &ctrl, m);
		return;
	case RDD_PDUTYPE_SERVER_REDIR:
		body = ctrl.body;
		if (rdd_cur_skip(&body, 2) == 0)
			redirection(o, &body, m);
		return;
	default:
		return;
	}
}

static void
server_io(struct rdd_observer *o, struct rdd_cur data,
          const struct rdd_tcp_meta *m)
{
	struct rdd_cur body = data;
	uint16_t flags = 0, hi = 0;

	if (o->standard_security) {
		if (rdd_sec_read_basic_header(&body, &flags, &hi) != 0)
			return;
		if (flags & RDD_SEC_ENCRYPT) {
			hidden(o, false, (flags & RDD_SEC_LICENSE_PKT) != 0, m);
			return;
		}
		if (flags & RDD_SEC_LICENSE_PKT) {
			server_licensing(o, body, m);
			return;
		}
		if (flags & RDD_SEC_REDIRECTION_PKT) {
			redirection(o, &body, m);
			return;
		}
		server_share(o, body, m);
		return;
	}
	if (looks_like_licensing(body)) {
		(void)rdd_sec_read_basic_header(&body, &flags, &hi);
		server_licensing(o, body, m);
		return;
	}
	server_share(o, data, m);
}

/* --- the end ------------------------------------------------------------ */

void
rdd__sess_end(struct rdd_observer *o)
{
	struct rdd_session_info *s = S(o);
	struct rdd_pcap_conn *c = o->conn;
	double since = o->walk_last_client_ms > o->turn_ms
	                   ? o->walk_last_client_ms
	                   : o->turn_ms;
	enum rdd_phase ph = rdd__sess_phase(o);
	char what[RDD_STR];

	if (o->walk == W_ACTIVE || o->stopped) {
		/* The session ran on past what could be read. */
		if (!over(o))
			end(o, RDD_SESSION_ERROR, NULL, "%s", o->stop_detail);
		c->session_ms = o->last_ms - s->end_ms;
		return;
	}
	if (over(o))
		return;
	/* Nothing of the walk in the capture: as a check that did not walk
	 * (the Connect-Response stands), with the reason. */
	if (s->n_events == 0 && !o->closed[SRV] &&
	    (o->waiting_on == CLI || !o->closed[CLI])) {
		(void)rdd__obs_end_kind(o, o->last_pdu_ms[SRV], what,
		                        sizeof(what));
		rdd__obs_stop(o, RDD_PHASE_MCS,
		              o->closed[CLI] ? RDD_PCAP_CLIENT_CLOSED
		                             : RDD_PCAP_INCOMPLETE,
		              "not verified: the client sent nothing after the "
		              "MCS Connect-Response (%s)",
		              what);
		s->outcome = RDD_SESSION_NOT_RUN;
		return;
	}
	if (o->waiting_on == CLI) {
		bool rst;

		if (rdd__obs_server_dropped(o, what, sizeof(what), &rst)) {
			end(o, rst ? RDD_SESSION_RESET : RDD_SESSION_CLOSED,
			    NULL, "%s", what);
			s->phase = ph;
			return;
		}
		/* The server answered everything: the client did not go on. */
		(void)rdd__obs_end_kind(o, o->last_pdu_ms[SRV], what,
		                        sizeof(what));
		rdd__obs_stop(o, ph,
		              o->closed[CLI] || o->closed[SRV]
		                  ? RDD_PCAP_CLIENT_CLOSED
		                  : RDD_PCAP_INCOMPLETE,
		              "not verified: the client sent nothing after %s "
		              "(%s)",
		              o->last_pdu[SRV][0] ? o->last_pdu[SRV]
		                                  : "the server's last PDU",
		              what);
		end(o, RDD_SESSION_ERROR, NULL, "%s", o->stop_detail);
		s->phase = ph;
		return;
	}
	switch (rdd__obs_end_kind(o, since, what, sizeof(what))) {
	case END_SERVER_FIN:
		end(o, RDD_SESSION_CLOSED, NULL, "%s", what);
		break;
	case END_SERVER_RST:
		end(o, RDD_SESSION_RESET, NULL, "%s", what);
		break;
	case END_TIMEOUT:
		end(o, RDD_SESSION_TIMEOUT, NULL, "%s", what);
		break;
	case END_CLIENT:
		rdd__obs_stop(o, ph, RDD_PCAP_CLIENT_CLOSED, "not verified: %s",
		              what);
		end(o, RDD_SESSION_ERROR, NULL, "%s", o->stop_detail);
		break;
	case END_CAPTURE:
	case END_GAP:
	default:
		rdd__obs_stop(o, ph, RDD_PCAP_INCOMPLETE,
		              "not in the capture: %s", what);
		end(o, RDD_SESSION_ERROR, NULL, "%s", o->stop_detail);
		break;
	}
	s->phase = ph;
}
