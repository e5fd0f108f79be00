/*
 * session_lic.c - licensing in the session walk ([MS-RDPELE];
 * shared/reference/session.md 5): the answer of a client with an empty
 * licence store.
 *
 *   STATUS_VALID_CLIENT at once ........................ done
 *   LICENSE_REQUEST -> NEW_LICENSE_REQUEST -> STATUS_VALID_CLIENT (xrdp)
 *                                          -> PLATFORM_CHALLENGE: stop,
 *      unless --licensing full: -> CHALLENGE_RESPONSE -> NEW_LICENSE
 *   ERROR_ALERT with ST_TOTAL_ABORT ..................... the end
 *   ERROR_ALERT with ST_NO_TRANSITION ................... go on
 *
 * A check never presents a stored licence and never keeps one: the
 * premaster secret and randoms are fresh, the machine and user name are
 * "rdpdoctor", the hardware id is derived from that name alone.
 */
#include <stdio.h>
#include <string.h>

#include "probe/session_int.h"
#include "wire/crypto.h"

#define CLIENT_NAME "rdpdoctor"

void
rdd__lic_begin(struct rdd__session *s, uint64_t now_us)
{
	s->st = SS_LICENSING;
	rdd__session_wait(s, now_us);
}

void
rdd__lic_done(struct rdd__session *s, uint64_t now_us)
{
	if (s->stop_after == RDD_PHASE_LICENSING) {
		rdd__session_end(s, RDD_SESSION_STOPPED, RDD_PHASE_LICENSING,
		                 now_us,
		                 "stopped after licensing, as asked "
		                 "(--stop-after licensing): activation not "
		                 "verified");
		return;
	}
	s->st = SS_DEMAND;
	s->phase_start_us = now_us;
	rdd__session_wait(s, now_us);
}

/* Send a licensing message (preamble first), and keep it for a resend. */
static int
send_lic(struct rdd__session *s, const struct rdd_buf *b, uint64_t now_us)
{
	if (b->len <= sizeof(s->lic_last)) {
		memcpy(s->lic_last, b->p, b->len);
		s->lic_last_len = b->len;
	}
	return rdd__session_send_io(s, RDD_SEC_LICENSE_PKT, false, b->p, b->len,
	                            now_us);
}

/* The preamble flags of our answers: the server's version, and that we
 * take extended error messages (as FreeRDP's client). */
static uint8_t
our_preamble(const struct rdd__session *s)
{
	uint8_t v = s->info->license_preamble_version;

	if (v < RDD_LIC_PREAMBLE_VERSION_2_0 ||
	    v > RDD_LIC_PREAMBLE_VERSION_3_0)
		v = RDD_LIC_PREAMBLE_VERSION_3_0;
	return (uint8_t)(v | RDD_LIC_EXTENDED_ERROR_MSG_SUPPORTED);
}

static void
license_request(struct rdd__session *s, const struct rdd_lic_request *rq,
                uint64_t now_us)
{
	struct rdd_session_info *in = s->info;
	struct rdd_lic_new_request r;
	const struct rdd_gcc_server_cert *cert;
	uint8_t msg[1024];
	struct rdd_buf b;
	int rc;

	in->has_license_request = true;
	snprintf(in->license_company, sizeof(in->license_company), "%s",
	         rq->company);
	snprintf(in->license_product_id, sizeof(in->license_product_id), "%s",
	         rq->product_id);
	in->license_product_version = rq->product_version;
	in->license_n_scopes = rq->n_scopes;
	snprintf(in->license_scope, sizeof(in->license_scope), "%s",
	         rq->n_scopes > 0 ? rq->scopes[0] : "");
	rdd__session_event(s, RDD_STEP_LICENSE_REQUEST, RDD_PHASE_LICENSING,
	                   now_us, s->wait_since_us, "%.40s, product %.20s",
	                   rq->company, rq->product_id);
	rdd__session_tracef(s,
	                    "<- licensing LICENSE_REQUEST: %.60s, product "
	                    "%.30s, %u scope(s)",
	                    rq->company, rq->product_id,
	                    (unsigned)rq->n_scopes);

	/* The premaster secret goes under the request's certificate, or
	 * SC_SECURITY's when the request has none ([MS-RDPELE] 2.2.2.1). */
	in->license_cert_from_request = rq->has_cert;
	cert = rq->has_cert ? &rq->cert : &s->server.cert;
	if (!cert->has_rsa_key) {
		rdd__session_end(s, RDD_SESSION_MALFORMED, RDD_PHASE_LICENSING,
		                 now_us,
		                 "the licence request has no usable RSA key%s: "
		                 "no client can answer it",
		                 rq->has_cert ? ""
		                              : " (nor has the MCS "
		                                "Connect-Response)");
		return;
	}
	memset(&r, 0, sizeof(r));
	r.preamble_flags = our_preamble(s);
	r.platform_id = RDD_LIC_PLATFORM_ID;
	r.user_name = CLIENT_NAME;
	r.machine_name = CLIENT_NAME;
	if (rdd__session_random(s, r.client_random, sizeof(r.client_random)) !=
	        0 ||
	    rdd__session_random(s, r.premaster, sizeof(r.premaster)) != 0 ||
	    rdd_lic_derive_keys(r.premaster, r.client_random, rq->server_random,
	                        &s->lic_keys) != 0) {
		rdd_wipe(&r, sizeof(r));
		rdd__session_end(s, RDD_SESSION_ERROR, RDD_PHASE_LICENSING,
		                 now_us, "could not derive the licensing keys");
		return;
	}
	s->have_lic_keys = true;
	rdd_buf_init(&b, msg, sizeof(msg));
	rc = rdd_lic_build_new_license_request(&b, &r, cert);
	rdd_wipe(&r, sizeof(r));
	if (rc != 0 || b.err) {
		rdd__session_end(s, RDD_SESSION_ERROR, RDD_PHASE_LICENSING,
		                 now_us,
		                 "could not build the NEW_LICENSE_REQUEST (RSA "
		                 "key of %u bytes)",
		                 (unsigned)cert->key_modulus_len);
		return;
	}
	if (send_lic(s, &b, now_us) != 0)
		return;
	s->answered_request = true;
	rdd__session_event(s, RDD_STEP_NEW_LICENSE_REQUEST, RDD_PHASE_LICENSING,
	                   now_us, 0, "as a client without a licence, name %s",
	                   CLIENT_NAME);
	rdd__session_tracef(s,
	                    "-> licensing NEW_LICENSE_REQUEST (%zu bytes), "
	                    "client and user name " CLIENT_NAME,
	                    b.len);
	rdd__session_wait(s, now_us);
}

static void
platform_challenge(struct rdd__session *s, const struct rdd_lic_challenge *ch,
                   uint64_t now_us)
{
	uint8_t msg[1024], hwid[RDD_LIC_HWID_LEN];
	struct rdd_buf b;
	bool mac_ok = false;

	rdd__session_event(s, RDD_STEP_PLATFORM_CHALLENGE, RDD_PHASE_LICENSING,
	                   now_us, s->wait_since_us, "%zu-byte challenge",
	                   rdd_cur_left(&ch->encrypted));
	rdd__session_tracef(s, "<- licensing PLATFORM_CHALLENGE");
	if (!s->licensing_full || !s->have_lic_keys) {
		s->info->licensing = RDD_LICENSING_CHALLENGE_NOT_TAKEN;
		rdd__session_end(
		    s, RDD_SESSION_STOPPED, RDD_PHASE_LICENSING, now_us,
		    "the server's licence server would issue this client a "
		    "licence (a PLATFORM_CHALLENGE came); a check takes none "
		    "unless asked (--licensing full): activation not "
		    "verified");
		return;
	}
	rdd_lic_hwid(hwid);
	rdd_buf_init(&b, msg, sizeof(msg));
	if (rdd_lic_build_challenge_response(&b, our_preamble(s), &s->lic_keys,
	                                     ch, hwid, &mac_ok) != 0 ||
	    b.err) {
		rdd__session_end(s, RDD_SESSION_ERROR, RDD_PHASE_LICENSING,
		                 now_us,
		                 "could not answer the PLATFORM_CHALLENGE");
		return;
	}
	if (send_lic(s, &b, now_us) != 0)
		return;
	rdd__session_event(s, RDD_STEP_PLATFORM_CHALLENGE_RESPONSE,
	                   RDD_PHASE_LICENSING, now_us, 0,
	                   "the challenge's MAC %s",
	                   mac_ok ? "matched" : "did not match");
	rdd__session_tracef(s,
	                    "-> licensing PLATFORM_CHALLENGE_RESPONSE (the "
	                    "server's MAC %s)",
	                    mac_ok ? "matched" : "did not match");
	rdd__session_wait(s, now_us);
}

static void
new_license(struct rdd__session *s, const struct rdd_lic_pdu *pdu,
            uint64_t now_us)
{
	struct rdd_session_info *in = s->info;
	struct rdd_lic_info li;

	memset(&li, 0, sizeof(li));
	if (s->have_lic_keys)
		(void)rdd_lic_read_new_license(&s->lic_keys, &pdu->license,
		                               &li);
	in->licensing = RDD_LICENSING_ISSUED;
	in->license_issued_has_validity = li.has_validity;
	in->license_not_after = li.not_after;
	rdd__session_event(s, RDD_STEP_LICENSE_ISSUED, RDD_PHASE_LICENSING,
	                   now_us, s->wait_since_us, "%s, %u bytes",
	                   pdu->msg_type == RDD_LIC_UPGRADE_LICENSE
	                       ? "UPGRADE_LICENSE"
	                       : "NEW_LICENSE",
	                   (unsigned)li.license_len);
	rdd__session_tracef(s,
	                    "<- licensing %s: a licence was issued to "
	                    "the client name " CLIENT_NAME " (not kept)",
	                    rdd_lic_msg_name(pdu->msg_type));
	rdd__lic_done(s, now_us);
}

static void
error_alert(struct rdd__session *s, const struct rdd_lic_error *e,
            uint64_t now_us)
{
	struct rdd_session_info *in = s->info;
	const char *code = rdd_lic_error_name(e->code);
	const char *tr = rdd_lic_transition_name(e->transition);

	if (e->code == RDD_LIC_STATUS_VALID_CLIENT) {
		in->licensing = s->answered_request
		                    ? RDD_LICENSING_REQUEST_VALID
		                    : RDD_LICENSING_VALID_CLIENT;
		rdd__session_event(s, RDD_STEP_LICENSE_VALID,
		                   RDD_PHASE_LICENSING, now_us,
		                   s->wait_since_us, "STATUS_VALID_CLIENT");
		rdd__session_tracef(s, "<- licensing STATUS_VALID_CLIENT");
		rdd__lic_done(s, now_us);
		return;
	}
	in->licensing = RDD_LICENSING_ERROR;
	in->has_license_error = true;
	in->license_error_code = e->code;
	in->license_transition = e->transition;
	rdd__session_event(s, RDD_STEP_LICENSE_ERROR, RDD_PHASE_LICENSING,
	                   now_us, s->wait_since_us, "%s (0x%x), %s (%u)",
	                   code != NULL ? code : "unknown", (unsigned)e->code,
	                   tr != NULL ? tr : "unknown",
	                   (unsigned)e->transition);
	rdd__session_tracef(s, "<- licensing ERROR_ALERT %s (0x%x), %s (%u)",
	                    code != NULL ? code : "unknown", (unsigned)e->code,
	                    tr != NULL ? tr : "unknown",
	                    (unsigned)e->transition);
	switch (e->transition) {
	case RDD_LIC_ST_NO_TRANSITION:
		/* The server lets the client in all the same. */
		rdd__lic_done(s, now_us);
		return;
	case RDD_LIC_ST_RESET_PHASE_TO_START:
		if (s->lic_restarts++ < RDD__SESSION_MAX_RESTARTS) {
			s->answered_request = false;
			rdd__session_wait(s, now_us);
			return;
		}
		break;
	case RDD_LIC_ST_RESEND_LAST_MESSAGE:
		if (s->lic_last_len > 0 &&
		    s->lic_restarts++ < RDD__SESSION_MAX_RESTARTS) {
			if (rdd__session_send_io(s, RDD_SEC_LICENSE_PKT, false,
			                         s->lic_last, s->lic_last_len,
			                         now_us) == 0)
				rdd__session_wait(s, now_us);
			return;
		}
		break;
	default:
		break;
	}
	rdd__session_end(s, RDD_SESSION_LICENSE_ERROR, RDD_PHASE_LICENSING,
	                 now_us, "licensing ERROR_ALERT %s (0x%x) with %s (%u)",
	                 code != NULL ? code : "unknown", (unsigned)e->code,
	                 tr != NULL ? tr : "unknown", (unsigned)e->transition);
}

void
rdd__lic_pdu(struct rdd__session *s, struct rdd_cur *msg, uint64_t now_us)
{
	struct rdd_lic_pdu pdu;
	size_t len = rdd_cur_left(msg);

	if (rdd_lic_parse(msg, &pdu) != 0) {
		rdd__session_end(s, RDD_SESSION_MALFORMED, RDD_PHASE_LICENSING,
		                 now_us,
		                 "a licensing PDU of %zu bytes that does not "
		                 "parse",
		                 len);
		return;
	}
	if (s->info->license_preamble_version == 0)
		s->info->license_preamble_version = pdu.flags & 0x0F;
	switch (pdu.msg_type) {
	case RDD_LIC_LICENSE_REQUEST:
		license_request(s, &pdu.request, now_us);
		return;
	case RDD_LIC_PLATFORM_CHALLENGE:
		platform_challenge(s, &pdu.challenge, now_us);
		return;
	case RDD_LIC_NEW_LICENSE:
	case RDD_LIC_UPGRADE_LICENSE:
		new_license(s, &pdu, now_us);
		return;
	case RDD_LIC_ERROR_ALERT:
		error_alert(s, &pdu.error, now_us);
		return;
	default:
		break;
	}
	rdd__session_end(s, RDD_SESSION_MALFORMED, RDD_PHASE_LICENSING, now_us,
	                 "a licensing message of type 0x%02x, which servers "
	                 "do not send",
	                 (unsigned)pdu.msg_type);
}
