/*
 * session.c - the walk after MCS Connect (session.h): framing of the
 * server's byte stream, the security layer in both directions, the MCS
 * domain (Erect Domain, Attach User, Channel Joins), the Security Exchange
 * and the Client Info PDU, and the end of the walk. Licensing is in
 * session_lic.c, capability exchange and finalization in session_act.c.
 *
 *   ATTACH --confirm--> JOIN (user, I/O[, message]) --last confirm-->
 *   [Security Exchange] Client Info --> LICENSING --valid client-->
 *   DEMAND --Demand Active / Confirm Active + finalization--> FINALIZING
 *   --Font Map--> DONE (our Disconnect Provider Ultimatum queued)
 *
 * Any state from Client Info on also takes a Set Error Info, a Save
 * Session Info, a Deactivate All, a Server Redirection, a Disconnect
 * Provider Ultimatum or an X.224 Disconnect Request (session.md 1.1: out
 * of order PDUs are normal). What arrives on other channels than the I/O
 * channel, and fast-path output, is read and skipped (under standard RDP
 * security an encrypted PDU is still decrypted, to keep the RC4 stream in
 * step).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/growbuf.h"
#include "probe/session_int.h"
#include "wire/clientinfo.h"
#include "wire/crypto.h"
#include "wire/domain.h"
#include "wire/mcs.h"
#include "wire/tpkt.h"
#include "wire/x224.h"

/* Room for one PDU we build before MCS framing (Confirm Active: ~500). */
#define BUILD_CAP 4096

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

double
rdd__session_rel_ms(const struct rdd__session *s, uint64_t now_us)
{
	return (double)(int64_t)(now_us - s->t0_us) / 1000.0;
}

static double
span_ms(uint64_t from_us, uint64_t to_us)
{
	return to_us >= from_us ? (double)(to_us - from_us) / 1000.0 : 0.0;
}

void
rdd__session_tracef(const struct rdd__session *s, const char *fmt, ...)
{
	char line[RDD_STR];
	va_list ap;

	if (s->trace == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->trace(s->trace_ctx, s->label, line);
}

void
rdd__session_event(struct rdd__session *s, enum rdd_session_step step,
                   enum rdd_phase phase, uint64_t now_us, uint64_t wait_from_us,
                   const char *fmt, ...)
{
	struct rdd_session_info *in = s->info;
	struct rdd_session_event *e;
	va_list ap;

	if (in->n_events >= RDD_MAX_SESSION_STEPS)
		return;
	e = &in->events[in->n_events++];
	e->step = step;
	e->phase = phase;
	e->at_ms = rdd__session_rel_ms(s, now_us);
	e->wait_ms = wait_from_us != 0 ? span_ms(wait_from_us, now_us) : -1;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}

void
rdd__session_wait(struct rdd__session *s, uint64_t now_us)
{
	s->wait_since_us = now_us;
	s->deadline_us = add_sat(now_us, s->timeout_us);
}

int
rdd__session_random(struct rdd__session *s, uint8_t *out, size_t n)
{
	if (s->random != NULL)
		return s->random(s->random_ctx, out, n);
	return rdd_random_bytes(out, n);
}

enum rdd_phase
rdd__session_phase(const struct rdd__session *s)
{
	switch (s->st) {
	case SS_IDLE:
	case SS_ATTACH:
	case SS_JOIN:
		return RDD_PHASE_MCS;
	case SS_LICENSING:
		return RDD_PHASE_LICENSING;
	case SS_DEMAND:
	case SS_FINALIZING:
	case SS_LOGON:
		return RDD_PHASE_ACTIVATION;
	case SS_DONE:
		break;
	}
	return s->info->phase;
}

/* Queue a whole PDU built in B. */
static int
queue(struct rdd__session *s, const struct rdd_buf *b)
{
	if (b->err || !rdd__reserve(&s->out, &s->out_cap, s->out_len, b->len,
	                            (size_t)1 << 20))
		return -1;
	memcpy(s->out + s->out_len, b->p, b->len);
	s->out_len += b->len;
	return 0;
}

/* --- lifecycle ---------------------------------------------------------- */

struct rdd__session *
rdd__session_new(const struct rdd__session_config *cfg,
                 struct rdd_session_info *info)
{
	struct rdd__session *s;

	if (cfg == NULL || info == NULL || cfg->server == NULL)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->info = info;
	s->selected = cfg->selected_protocol;
	s->server = *cfg->server;
	s->stop_after = cfg->stop_after;
	s->licensing_full = cfg->licensing_full;
	s->address_family = cfg->address_family;
	snprintf(s->client_address, sizeof(s->client_address), "%s",
	         cfg->client_address != NULL ? cfg->client_address : "");
	s->timeout_us = cfg->timeout_us;
	s->t0_us = cfg->t0_us;
	s->trace = cfg->trace;
	s->trace_ctx = cfg->trace_ctx;
	snprintf(s->label, sizeof(s->label), "%s",
	         cfg->label != NULL ? cfg->label : "");
	s->random = cfg->random;
	s->random_ctx = cfg->random_ctx;
	s->n_static = cfg->n_channels;
	s->user = cfg->user;
	s->domain = cfg->domain;
	s->password = cfg->password;
	s->autologon = cfg->autologon;
	s->after_nla = cfg->after_nla;
	/* A logon (profile, logon scripts) takes seconds: twice the phase
	 * timeout, and at least 10 s. */
	s->logon_wait_us = 2 * cfg->timeout_us;
	if (s->logon_wait_us < 10000000u)
		s->logon_wait_us = 10000000u;
	s->deadline_us = UINT64_MAX;
	/* Standard RDP security encrypts when the server chose a method;
	 * with TLS (or level NONE) there are no security headers but on the
	 * Client Info and licensing PDUs ([MS-RDPBCGR] 5.3.8). */
	s->encrypting = s->selected == RDD_PROTO_RDP &&
	                s->server.has_security &&
	                s->server.encryption_method != 0;

	rdd_session_info_init(info);
	snprintf(info->attempt, sizeof(info->attempt), "%s", s->label);
	info->stop_after = s->stop_after;
	info->io_channel = s->server.has_net && s->server.io_channel != 0
	                       ? s->server.io_channel
	                       : 1003;
	info->msg_channel =
	    s->server.has_msgchannel ? s->server.msg_channel : 0;
	info->encryption_method = s->server.encryption_method;
	info->encryption_level = s->server.encryption_level;
	info->cert_signature = s->server.cert.signature_ok;
	return s;
}

void
rdd__session_free(struct rdd__session *s)
{
	if (s == NULL)
		return;
	rdd_sec_free(s->sec);
	rdd_wipe(&s->lic_keys, sizeof(s->lic_keys));
	rdd_wipe(s->lic_last, sizeof(s->lic_last));
	free(s->in);
	free(s->out);
	free(s);
}

size_t
rdd__session_pending(const struct rdd__session *s, const uint8_t **data)
{
	if (data != NULL)
		*data = s != NULL ? s->out : NULL;
	return s != NULL ? s->out_len : 0;
}

void
rdd__session_sent(struct rdd__session *s, size_t n)
{
	if (s == NULL)
		return;
	/* What was sent is wiped: a Client Info may carry a password. */
	if (n >= s->out_len) {
		rdd_wipe(s->out, s->out_len);
		s->out_len = 0;
		return;
	}
	memmove(s->out, s->out + n, s->out_len - n);
	rdd_wipe(s->out + s->out_len - n, n);
	s->out_len -= n;
}

bool
rdd__session_done(const struct rdd__session *s)
{
	return s == NULL || s->st == SS_DONE;
}

uint64_t
rdd__session_deadline(const struct rdd__session *s)
{
	if (s == NULL || s->st == SS_DONE || s->st == SS_IDLE)
		return UINT64_MAX;
	return s->deadline_us;
}

/* --- the end ------------------------------------------------------------ */

void
rdd__session_end(struct rdd__session *s, enum rdd_session_outcome o,
                 enum rdd_phase phase, uint64_t now_us, const char *fmt, ...)
{
	struct rdd_session_info *in = s->info;
	uint8_t pdu[16];
	struct rdd_buf b;
	const char *name;
	va_list ap;

	if (s->st == SS_DONE)
		return;
	in->outcome = o;
	in->phase = phase;
	in->end_ms = rdd__session_rel_ms(s, now_us);
	va_start(ap, fmt);
	vsnprintf(in->detail, sizeof(in->detail), fmt, ap);
	va_end(ap);
	name = rdd_session_outcome_name(o);
	rdd__session_tracef(s, "session %s in phase %s: %s",
	                    name != NULL ? name : "?", rdd_phase_name(phase),
	                    in->detail);
	s->st = SS_DONE;
	s->deadline_us = UINT64_MAX;
	free(s->in);
	s->in = NULL;
	s->in_len = s->in_cap = 0;
	/* Leave as a client does: Disconnect Provider Ultimatum,
	 * rn-user-requested ([MS-RDPBCGR] 3.2.5.x; session.md 7.2). */
	if (s->peer_gone)
		return;
	rdd_buf_init(&b, pdu, sizeof(pdu));
	if (rdd_mcs_build_dpum(&b, RDD_MCS_RN_USER_REQUESTED) == 0 &&
	    queue(s, &b) == 0) {
		in->sent_disconnect = true;
		rdd__session_event(s, RDD_STEP_DISCONNECT, phase, now_us, 0,
		                   "Disconnect Provider Ultimatum, "
		                   "rn-user-requested");
		rdd__session_tracef(s, "-> MCS Disconnect Provider "
		                       "Ultimatum (rn-user-requested)");
	}
}

/* --- sending ------------------------------------------------------------ */

int
rdd__session_send_io(struct rdd__session *s, uint16_t flags, bool encrypt,
                     const uint8_t *payload, size_t n, uint64_t now_us)
{
	uint8_t body[BUILD_CAP], *pdu;
	struct rdd_buf b, p;
	size_t cap;
	int rc;

	rdd_buf_init(&b, body, sizeof(body));
	if (encrypt && s->encrypting) {
		if (rdd_sec_encrypt(s->sec, flags, payload, n, &b) != 0)
			b.err = true;
	} else {
		if (flags != 0)
			rdd_sec_write_basic_header(&b, flags, 0);
		rdd_buf_bytes(&b, payload, n);
	}
	if (b.err) {
		rdd__session_end(s, RDD_SESSION_ERROR, rdd__session_phase(s),
		                 now_us,
		                 "could not build a PDU of %zu bytes (%s)", n,
		                 encrypt && s->encrypting ? "encryption failed"
		                                          : "too long");
		return -1;
	}
	cap = b.len + 32;
	pdu = malloc(cap);
	if (pdu == NULL) {
		rdd__session_end(s, RDD_SESSION_ERROR, rdd__session_phase(s),
		                 now_us, "out of memory");
		return -1;
	}
	rdd_buf_init(&p, pdu, cap);
	rc = rdd_mcs_build_send_data(&p, s->info->user_channel,
	                             s->info->io_channel, b.p, b.len);
	if (rc == 0)
		rc = queue(s, &p);
	rdd_wipe(body, b.len);
	free(pdu);
	if (rc != 0) {
		rdd__session_end(s, RDD_SESSION_ERROR, rdd__session_phase(s),
		                 now_us, "could not queue a PDU of %zu bytes",
		                 b.len);
		return -1;
	}
	return 0;
}

/* --- the MCS domain ----------------------------------------------------- */

static void after_joins(struct rdd__session *s, uint64_t now_us);

void
rdd__session_start(struct rdd__session *s, uint64_t now_us)
{
	uint8_t pdu[32];
	struct rdd_buf b;

	if (s == NULL || s->st != SS_IDLE)
		return;
	s->phase_start_us = now_us;
	s->info->start_ms = rdd__session_rel_ms(s, now_us);
	rdd_buf_init(&b, pdu, sizeof(pdu));
	if (rdd_mcs_build_erect_domain(&b) != 0 ||
	    rdd_mcs_build_attach_user_request(&b) != 0 || queue(s, &b) != 0) {
		s->st = SS_ATTACH;
		rdd__session_end(s, RDD_SESSION_ERROR, RDD_PHASE_MCS, now_us,
		                 "could not queue the Erect Domain Request");
		return;
	}
	rdd__session_event(s, RDD_STEP_ERECT_DOMAIN, RDD_PHASE_MCS, now_us, 0,
	                   "Erect Domain Request");
	rdd__session_tracef(s, "-> MCS Erect Domain Request, Attach User "
	                       "Request");
	s->st = SS_ATTACH;
	rdd__session_wait(s, now_us);
}

static void
join_next(struct rdd__session *s, uint64_t now_us)
{
	uint8_t pdu[32];
	struct rdd_buf b;
	uint16_t ch = s->joins[s->join_next];

	rdd_buf_init(&b, pdu, sizeof(pdu));
	if (rdd_mcs_build_channel_join_request(&b, s->info->user_channel, ch) !=
	        0 ||
	    queue(s, &b) != 0) {
		rdd__session_end(s, RDD_SESSION_ERROR, RDD_PHASE_MCS, now_us,
		                 "could not queue a Channel Join Request");
		return;
	}
	rdd__session_tracef(s, "-> MCS Channel Join Request, channel %u",
	                    (unsigned)ch);
	s->st = SS_JOIN;
	rdd__session_wait(s, now_us);
}

static void
attach_confirm(struct rdd__session *s, const struct rdd_mcs_domain_pdu *d,
               uint64_t now_us)
{
	const char *r = rdd_mcs_result_name(d->result);
	size_t i;

	if (d->result != RDD_MCS_RT_SUCCESSFUL || !d->has_initiator) {
		s->info->mcs_result = d->result;
		rdd__session_end(s, RDD_SESSION_REFUSED, RDD_PHASE_MCS, now_us,
		                 "Attach User Confirm %s (%u)%s",
		                 r != NULL ? r : "unknown", (unsigned)d->result,
		                 d->has_initiator ? "" : " without a user id");
		return;
	}
	s->info->user_channel = d->initiator;
	rdd__session_event(s, RDD_STEP_ATTACH_USER, RDD_PHASE_MCS, now_us,
	                   s->wait_since_us, "user channel %u",
	                   (unsigned)d->initiator);
	rdd__session_tracef(s, "<- MCS Attach User Confirm: user channel %u",
	                    (unsigned)d->initiator);
	/* The user channel, the I/O channel, then the message channel
	 * ([MS-RDPBCGR] 3.2.5.3.8); no static channels were asked for. */
	s->n_joins = 0;
	s->joins[s->n_joins++] = s->info->user_channel;
	s->joins[s->n_joins++] = s->info->io_channel;
	if (s->info->msg_channel != 0)
		s->joins[s->n_joins++] = s->info->msg_channel;
	/* Then each static channel asked for, in SC_NET's order. */
	for (i = 0; i < s->n_static && s->server.has_net &&
	            i < s->server.channel_count && i < RDD_GCC_MAX_CHANNELS;
	     i++)
		s->joins[s->n_joins++] = s->server.channel_ids[i];
	s->join_next = 0;
	join_next(s, now_us);
}

static void
join_confirm(struct rdd__session *s, const struct rdd_mcs_domain_pdu *d,
             uint64_t now_us)
{
	uint16_t want = s->joins[s->join_next];
	enum rdd_session_step step = RDD_STEP_JOIN_STATIC;
	const char *r = rdd_mcs_result_name(d->result);

	if (d->result != RDD_MCS_RT_SUCCESSFUL) {
		s->info->mcs_result = d->result;
		rdd__session_end(s, RDD_SESSION_REFUSED, RDD_PHASE_MCS, now_us,
		                 "Channel Join Confirm for channel %u: %s (%u)",
		                 (unsigned)want, r != NULL ? r : "unknown",
		                 (unsigned)d->result);
		return;
	}
	if (d->requested != want || !d->has_channel || d->channel != want) {
		rdd__session_end(
		    s, RDD_SESSION_MALFORMED, RDD_PHASE_MCS, now_us,
		    "Channel Join Confirm for channel %u (joined "
		    "%u) when channel %u was asked for",
		    (unsigned)d->requested,
		    d->has_channel ? (unsigned)d->channel : 0u, (unsigned)want);
		return;
	}
	if (s->join_next == 0)
		step = RDD_STEP_JOIN_USER;
	else if (s->join_next == 1)
		step = RDD_STEP_JOIN_IO;
	else if (s->join_next == 2 && s->info->msg_channel != 0)
		step = RDD_STEP_JOIN_MESSAGE;
	if (step == RDD_STEP_JOIN_STATIC)
		s->info->static_channels++;
	rdd__session_event(s, step, RDD_PHASE_MCS, now_us, s->wait_since_us,
	                   "channel %u", (unsigned)want);
	rdd__session_tracef(s, "<- MCS Channel Join Confirm: channel %u",
	                    (unsigned)want);
	if (++s->join_next < s->n_joins) {
		join_next(s, now_us);
		return;
	}
	after_joins(s, now_us);
}

/* --- Security Exchange and Client Info ----------------------------------- */

static int
security_exchange(struct rdd__session *s, uint64_t now_us)
{
	uint8_t client_random[RDD_CLIENT_RANDOM_LEN], body[BUILD_CAP];
	struct rdd_sec_keys keys;
	struct rdd_buf b;
	const struct rdd_gcc_server_cert *cert = &s->server.cert;
	int rc;

	if (!cert->has_rsa_key ||
	    s->server.server_random_len < RDD_SERVER_RANDOM_LEN) {
		rdd__session_end(
		    s, RDD_SESSION_MALFORMED, RDD_PHASE_LICENSING, now_us,
		    "standard RDP security without %s in the "
		    "Connect-Response: no Security Exchange is "
		    "possible",
		    cert->has_rsa_key ? "a server random" : "a usable RSA key");
		return -1;
	}
	if (!rdd_crypto_legacy_available()) {
		rdd__session_end(
		    s, RDD_SESSION_ERROR, RDD_PHASE_LICENSING, now_us,
		    "standard RDP security cannot be checked here: "
		    "this OpenSSL has no RC4 (its legacy provider "
		    "is missing)");
		return -1;
	}
	if (rdd__session_random(s, client_random, sizeof(client_random)) != 0 ||
	    rdd_sec_derive_keys(s->server.encryption_method, client_random,
	                        s->server.server_random, &keys) != 0 ||
	    (s->sec = rdd_sec_new(&keys)) == NULL) {
		rdd_wipe(client_random, sizeof(client_random));
		rdd_wipe(&keys, sizeof(keys));
		rdd__session_end(s, RDD_SESSION_ERROR, RDD_PHASE_LICENSING,
		                 now_us,
		                 "could not set up standard RDP security with "
		                 "encryption method 0x%08x",
		                 (unsigned)s->server.encryption_method);
		return -1;
	}
	rdd_wipe(&keys, sizeof(keys));
	rdd_buf_init(&b, body, sizeof(body));
	rc = rdd_sec_build_exchange(&b, cert, client_random);
	rdd_wipe(client_random, sizeof(client_random));
	if (rc != 0 || b.err) {
		rdd__session_end(s, RDD_SESSION_ERROR, RDD_PHASE_LICENSING,
		                 now_us,
		                 "could not build the Security Exchange PDU "
		                 "(RSA key of %u bytes)",
		                 (unsigned)cert->key_modulus_len);
		return -1;
	}
	if (rdd__session_send_io(s, 0, false, b.p, b.len, now_us) != 0)
		return -1;
	s->info->standard_security = true;
	rdd__session_event(s, RDD_STEP_SECURITY_EXCHANGE, RDD_PHASE_LICENSING,
	                   now_us, 0, "client random under a %u-bit RSA key",
	                   (unsigned)cert->key_modulus_len * 8);
	rdd__session_tracef(
	    s,
	    "-> Security Exchange PDU (%zu bytes), keys for "
	    "%s",
	    b.len,
	    rdd_encryption_method_desc(s->server.encryption_method) != NULL
	        ? rdd_encryption_method_desc(s->server.encryption_method)
	        : "an unknown method");
	return 0;
}

static int
client_info(struct rdd__session *s, uint64_t now_us)
{
	struct rdd_client_info ci;
	uint8_t body[BUILD_CAP];
	struct rdd_buf b;

	char what[64];
	int rc;

	rdd_client_info_defaults(&ci, s->address_family, s->client_address);
	if (s->user != NULL) {
		ci.user = s->user;
		ci.domain = s->domain;
		ci.password = s->password;
		if (s->autologon)
			ci.flags |= RDD_INFO_AUTOLOGON;
	}
	rdd_buf_init(&b, body, sizeof(body));
	rc = rdd_client_info_build(&b, &ci) != 0 || b.err ? -1 : 0;
	if (rc == 0)
		rc = rdd__session_send_io(s, RDD_SEC_INFO_PKT, true, b.p, b.len,
		                          now_us);
	else
		rdd__session_end(s, RDD_SESSION_ERROR, RDD_PHASE_LICENSING,
		                 now_us,
		                 "could not build the Client Info PDU (a user "
		                 "or domain name too long for it?)");
	/* The PDU held the password (--logon without NLA). */
	rdd_wipe(body, sizeof(body));
	if (rc != 0)
		return -1;
	snprintf(what, sizeof(what), "%s",
	         s->user == NULL       ? "no credentials"
	         : s->password != NULL ? "user name and password, auto-logon"
	         : s->autologon        ? "user name, auto-logon after NLA"
	                               : "user name, no password");
	rdd__session_event(s, RDD_STEP_CLIENT_INFO, RDD_PHASE_LICENSING, now_us,
	                   0, "flags 0x%08x, %s", (unsigned)ci.flags, what);
	rdd__session_tracef(
	    s, "-> Client Info PDU, flags 0x%08x, %s (%zu bytes%s)",
	    (unsigned)ci.flags, what, b.len,
	    s->encrypting ? ", encrypted" : "");
	return 0;
}

static void
after_joins(struct rdd__session *s, uint64_t now_us)
{
	if (s->stop_after == RDD_PHASE_MCS) {
		rdd__session_end(
		    s, RDD_SESSION_STOPPED, RDD_PHASE_MCS, now_us,
		    "stopped after the MCS channel joins, as asked "
		    "(--stop-after mcs): Client Info, licensing "
		    "and activation not verified");
		return;
	}
	s->phase_start_us = now_us;
	s->st = SS_LICENSING;
	if (s->encrypting && security_exchange(s, now_us) != 0)
		return;
	if (client_info(s, now_us) != 0)
		return;
	rdd__lic_begin(s, now_us);
}

/* --- receiving ----------------------------------------------------------- */

/*
 * A licensing message under TLS (no encryption): its basic security
 * header has SEC_LICENSE_PKT and a preamble follows with a type a server
 * sends and version 2 or 3. A share control header in the same place
 * (totalLength, pduType) may have the 0x80 bit in its length, but its
 * pduSource (1002: EA 03) is no such preamble; FreeRDP looks at the flag
 * alone.
 */
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

/* User data of a Send Data Indication on the I/O channel. */
static void
io_data(struct rdd__session *s, struct rdd_cur data, uint64_t now_us)
{
	uint8_t plain[RDD__SESSION_PDU_MAX];
	struct rdd_cur body = data, msg;
	uint16_t flags = 0, hi = 0;
	size_t n = 0;
	bool mac_ok = true;

	if (s->encrypting) {
		if (rdd_sec_read_basic_header(&body, &flags, &hi) != 0) {
			rdd__session_end(s, RDD_SESSION_MALFORMED,
			                 rdd__session_phase(s), now_us,
			                 "a PDU of %zu bytes without its "
			                 "security header",
			                 rdd_cur_left(&data));
			return;
		}
		if (flags & RDD_SEC_ENCRYPT) {
			if (rdd_sec_decrypt(s->sec, flags, &body, plain,
			                    sizeof(plain), &n, &mac_ok) != 0) {
				rdd__session_end(
				    s, RDD_SESSION_MALFORMED,
				    rdd__session_phase(s), now_us,
				    "an encrypted PDU of %zu bytes that "
				    "cannot be decrypted (cut short)",
				    rdd_cur_left(&data));
				return;
			}
			s->info->server_pdus_checked++;
			if (!mac_ok)
				s->info->server_mac_errors++;
			rdd_cur_init(&body, plain, n);
		}
	} else if (looks_like_licensing(body)) {
		(void)rdd_sec_read_basic_header(&body, &flags, &hi);
	}
	if (flags & RDD_SEC_LICENSE_PKT) {
		msg = body;
		if (s->st == SS_LICENSING)
			rdd__lic_pdu(s, &msg, now_us);
		else
			rdd__session_tracef(s, "<- licensing PDU after "
			                       "licensing: skipped");
		rdd_wipe(plain, n);
		return;
	}
	if (flags & RDD_SEC_REDIRECTION_PKT) {
		rdd__act_redirection(s, &body, now_us);
		rdd_wipe(plain, n);
		return;
	}
	rdd__act_share_pdu(s, &body, now_us);
	rdd_wipe(plain, n);
}

static void
domain_pdu(struct rdd__session *s, struct rdd_cur payload, uint64_t now_us)
{
	struct rdd_mcs_domain_pdu d;
	const char *r;

	if (rdd_mcs_parse_domain_pdu(&payload, &d) != 0) {
		rdd__session_end(
		    s, RDD_SESSION_MALFORMED, rdd__session_phase(s), now_us,
		    "a TPKT of %zu bytes that is not an MCS domain "
		    "PDU",
		    rdd_cur_left(&payload) + RDD_TPKT_HEADER);
		return;
	}
	switch (d.kind) {
	case RDD_MCS_PDU_ATTACH_USER_CONFIRM:
		if (s->st == SS_ATTACH) {
			attach_confirm(s, &d, now_us);
			return;
		}
		break;
	case RDD_MCS_PDU_CHANNEL_JOIN_CONFIRM:
		if (s->st == SS_JOIN) {
			join_confirm(s, &d, now_us);
			return;
		}
		break;
	case RDD_MCS_PDU_SEND_DATA_INDICATION:
		if (s->st == SS_ATTACH || s->st == SS_JOIN)
			break;
		if (d.channel == s->info->io_channel)
			io_data(s, d.data, now_us);
		else
			rdd__session_tracef(
			    s, "<- %zu bytes on channel %u: skipped",
			    rdd_cur_left(&d.data), (unsigned)d.channel);
		return;
	case RDD_MCS_PDU_DPUM:
		s->peer_gone = true;
		s->info->disconnect_reason = d.reason;
		s->info->disconnect_phase = rdd__session_phase(s);
		s->info->disconnect_at_ms = rdd__session_rel_ms(s, now_us);
		r = rdd_mcs_reason_name(d.reason);
		rdd__session_end(
		    s, RDD_SESSION_DISCONNECTED, rdd__session_phase(s), now_us,
		    "MCS Disconnect Provider Ultimatum %s (%u)%s",
		    r != NULL ? r : "unknown", (unsigned)d.reason,
		    s->info->deactivated ? " after a Deactivate All" : "");
		return;
	case RDD_MCS_PDU_X224_DISCONNECT:
		s->peer_gone = true;
		s->info->disconnect_phase = rdd__session_phase(s);
		s->info->disconnect_at_ms = rdd__session_rel_ms(s, now_us);
		rdd__session_end(s, RDD_SESSION_DISCONNECTED,
		                 rdd__session_phase(s), now_us,
		                 "X.224 Disconnect Request");
		return;
	case RDD_MCS_PDU_OTHER:
		break;
	}
	rdd__session_end(s, RDD_SESSION_MALFORMED, rdd__session_phase(s),
	                 now_us, "unexpected MCS PDU (choice %u) while %s",
	                 (unsigned)d.choice,
	                 s->st == SS_ATTACH ? "waiting for the Attach User "
	                                      "Confirm"
	                 : s->st == SS_JOIN ? "waiting for a Channel Join "
	                                      "Confirm"
	                                    : "the session was set up");
}

/* A fast-path output PDU: skipped, but decrypted under standard RDP
 * security so that the server's RC4 stream stays in step. */
static void
fastpath_pdu(struct rdd__session *s, const uint8_t *p, size_t len,
             uint64_t now_us)
{
	uint8_t plain[RDD__SESSION_PDU_MAX], b0 = 0, b1 = 0;
	struct rdd_cur c;
	uint16_t flags = RDD_SEC_ENCRYPT;
	size_t n = 0;
	bool mac_ok = true;

	s->info->fastpath_pdus++;
	rdd_cur_init(&c, p, len);
	if (rdd_cur_u8(&c, &b0) != 0 || rdd_cur_u8(&c, &b1) != 0 ||
	    ((b1 & 0x80) && rdd_cur_skip(&c, 1) != 0))
		return;
	/* FASTPATH_OUTPUT_ENCRYPTED 0x2, _SECURE_CHECKSUM 0x1 in bits 6-7. */
	if (!s->encrypting || !(b0 & 0x80))
		return;
	if (b0 & 0x40)
		flags |= RDD_SEC_SECURE_CHECKSUM;
	if (rdd_sec_decrypt(s->sec, flags, &c, plain, sizeof(plain), &n,
	                    &mac_ok) != 0) {
		rdd__session_end(s, RDD_SESSION_MALFORMED,
		                 rdd__session_phase(s), now_us,
		                 "an encrypted fast-path PDU of %zu bytes that "
		                 "cannot be decrypted",
		                 len);
		return;
	}
	s->info->server_pdus_checked++;
	if (!mac_ok)
		s->info->server_mac_errors++;
	rdd_wipe(plain, n);
}

/* Take whole PDUs off the front of the buffer. */
static void
process(struct rdd__session *s, uint64_t now_us)
{
	struct rdd_cur payload;
	size_t pdu_len = 0, used = 0;

	while (s->st != SS_DONE && used < s->in_len) {
		const uint8_t *p = s->in + used;
		size_t left = s->in_len - used;

		if (p[0] == 0x03) {
			switch (rdd_tpkt_frame(p, left, &pdu_len, &payload)) {
			case RDD_TPKT_NEED_MORE:
				goto out;
			case RDD_TPKT_OK:
				domain_pdu(s, payload, now_us);
				used += pdu_len;
				continue;
			case RDD_TPKT_NOT_TPKT:
			case RDD_TPKT_BAD_LENGTH:
				break;
			}
			rdd__session_end(s, RDD_SESSION_MALFORMED,
			                 rdd__session_phase(s), now_us,
			                 "a TPKT header with an impossible "
			                 "length");
			break;
		}
		switch (rdd_fastpath_frame(p, left, &pdu_len)) {
		case RDD_FASTPATH_NEED_MORE:
			goto out;
		case RDD_FASTPATH_OK:
			fastpath_pdu(s, p, pdu_len, now_us);
			used += pdu_len;
			continue;
		case RDD_FASTPATH_BAD:
			break;
		}
		rdd__session_end(
		    s, RDD_SESSION_MALFORMED, rdd__session_phase(s), now_us,
		    "bytes that are neither a TPKT nor a fast-path "
		    "PDU (first byte 0x%02x)",
		    p[0]);
		break;
	}
out:
	if (s->st == SS_DONE || s->in == NULL)
		return;
	if (used > 0) {
		memmove(s->in, s->in + used, s->in_len - used);
		s->in_len -= used;
	}
}

void
rdd__session_recv(struct rdd__session *s, const uint8_t *data, size_t len,
                  uint64_t now_us)
{
	if (s == NULL || data == NULL || len == 0 || s->st == SS_DONE ||
	    s->st == SS_IDLE)
		return;
	if (!rdd__reserve(&s->in, &s->in_cap, s->in_len, len,
	                  2 * (size_t)RDD__SESSION_PDU_MAX)) {
		rdd__session_end(s, RDD_SESSION_MALFORMED,
		                 rdd__session_phase(s), now_us,
		                 "more than %u bytes without a whole PDU",
		                 2u * RDD__SESSION_PDU_MAX);
		return;
	}
	memcpy(s->in + s->in_len, data, len);
	s->in_len += len;
	process(s, now_us);
}

/* What the walk was waiting for, for a close or a timeout. */
static const char *
awaited(const struct rdd__session *s)
{
	switch (s->st) {
	case SS_ATTACH:
		return "the Attach User Confirm";
	case SS_JOIN:
		return "a Channel Join Confirm";
	case SS_LICENSING:
		return s->answered_request ? "the answer to the licence request"
		                           : "the first licensing PDU";
	case SS_DEMAND:
		return "the Demand Active PDU";
	case SS_FINALIZING:
		return "the Font Map PDU";
	case SS_LOGON:
		return "the logon notification";
	case SS_IDLE:
	case SS_DONE:
		break;
	}
	return "nothing";
}

void
rdd__session_peer_closed(struct rdd__session *s, bool reset, uint64_t now_us)
{
	if (s == NULL || s->st == SS_DONE)
		return;
	s->peer_gone = true;
	rdd__session_end(s, reset ? RDD_SESSION_RESET : RDD_SESSION_CLOSED,
	                 rdd__session_phase(s), now_us,
	                 "%s while waiting for %s, %.0f ms after the request",
	                 reset ? "connection reset by the server"
	                       : "server closed the connection",
	                 awaited(s), span_ms(s->wait_since_us, now_us));
}

void
rdd__session_tick(struct rdd__session *s, uint64_t now_us)
{
	if (s == NULL || s->st == SS_DONE || s->st == SS_IDLE ||
	    now_us < s->deadline_us)
		return;
	if (s->st == SS_LOGON) {
		rdd__act_logon_timeout(s, now_us);
		return;
	}
	rdd__session_end(s, RDD_SESSION_TIMEOUT, rdd__session_phase(s), now_us,
	                 "no answer within %.1f s while waiting for %s",
	                 (double)s->timeout_us / 1e6, awaited(s));
}

void
rdd__session_abort(struct rdd__session *s, uint64_t now_us, const char *why)
{
	if (s == NULL || s->st == SS_DONE)
		return;
	s->peer_gone = true; /* nothing more can be sent */
	rdd__session_end(s, RDD_SESSION_ERROR, rdd__session_phase(s), now_us,
	                 "%.200s", why);
}
