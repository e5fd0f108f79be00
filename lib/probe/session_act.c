/*
 * session_act.c - capability exchange, connection finalization and the
 * server's session PDUs in the walk ([MS-RDPBCGR] 1.3.1.1 steps 10-13,
 * 2.2.1.13 - 2.2.1.22, 2.2.5.1, 2.2.10.1, 2.2.13; shared/reference/
 * session.md 6 and 7).
 *
 * On the Demand Active the client answers with its Confirm Active and its
 * finalization PDUs in one batch (Synchronize, Control Cooperate, Control
 * Request Control, Font List: they depend on nothing the server sends);
 * the server's Synchronize, Cooperate, Granted Control and Font Map are
 * recorded as they come, and the Font Map completes activation. A Set
 * Error Info ends the walk where it arrives; a Deactivate All sends it
 * back to waiting for a Demand Active (a bounded number of times).
 */
#include <stdio.h>
#include <string.h>

#include "probe/session_int.h"
#include "wire/share.h"

/* The desktop the Confirm Active describes: CS_CORE's (gcc.c). */
#define DESKTOP_WIDTH 1024
#define DESKTOP_HEIGHT 768
#define DESKTOP_BPP 24
#define VC_CHUNK 1600

/* The walk and pcap's observer record a Demand Active alike. */
void
rdd__session_record_demand_active(struct rdd_session_info *in,
                                  const struct rdd_demand_active *da)
{
	size_t i;

	in->has_demand_active = true;
	in->share_id = da->share_id;
	in->server_channel = da->pdu_source;
	snprintf(in->source_descriptor, sizeof(in->source_descriptor), "%s",
	         da->source_descriptor);
	in->has_server_session_id = da->has_session_id;
	in->server_session_id = da->session_id;
	in->n_capsets = 0;
	for (i = 0; i < da->n_caps_kept && i < RDD_MAX_SESSION_CAPSETS; i++) {
		in->capsets[i].type = da->caps[i].type;
		in->capsets[i].length = da->caps[i].length;
		in->n_capsets++;
	}
	in->has_general = da->general.present;
	in->os_major = da->general.os_major;
	in->os_minor = da->general.os_minor;
	in->general_extra_flags = da->general.extra_flags;
	in->has_bitmap = da->bitmap.present;
	in->desktop_width = da->bitmap.width;
	in->desktop_height = da->bitmap.height;
	in->bpp = da->bitmap.bpp;
	in->has_vc = da->virtual_channel.present;
	in->vc_flags = da->virtual_channel.flags;
	in->vc_chunk_size = da->virtual_channel.has_chunk_size
	                        ? da->virtual_channel.chunk_size
	                        : 0;
}

/* Confirm Active and the client's finalization, in one batch. */
static int
confirm(struct rdd__session *s, uint64_t now_us)
{
	struct rdd_confirm_params cp;
	uint8_t pdu[2048];
	struct rdd_buf b;
	uint16_t user = s->info->user_channel;
	uint16_t target = s->server_channel != 0 ? s->server_channel : 1002;
	int step;

	memset(&cp, 0, sizeof(cp));
	cp.share_id = s->share_id;
	cp.user_id = user;
	cp.width = DESKTOP_WIDTH;
	cp.height = DESKTOP_HEIGHT;
	cp.bpp = DESKTOP_BPP;
	cp.vc_chunk = VC_CHUNK;
	cp.salted_mac = false;
	for (step = 0; step < 5; step++) {
		int rc;

		rdd_buf_init(&b, pdu, sizeof(pdu));
		switch (step) {
		case 0:
			rc = rdd_share_build_confirm_active(&b, &cp);
			break;
		case 1:
			rc = rdd_share_build_synchronize(&b, s->share_id, user,
			                                 target);
			break;
		case 2:
			rc = rdd_share_build_control(&b, s->share_id, user,
			                             RDD_CTRLACTION_COOPERATE);
			break;
		case 3:
			rc = rdd_share_build_control(
			    &b, s->share_id, user,
			    RDD_CTRLACTION_REQUEST_CONTROL);
			break;
		default:
			rc = rdd_share_build_font_list(&b, s->share_id, user);
			break;
		}
		if (rc != 0 || b.err) {
			rdd__session_end(s, RDD_SESSION_ERROR,
			                 RDD_PHASE_ACTIVATION, now_us,
			                 "could not build the client's "
			                 "finalization PDUs");
			return -1;
		}
		if (rdd__session_send_io(s, 0, true, b.p, b.len, now_us) != 0)
			return -1;
	}
	return 0;
}

static void
demand_active(struct rdd__session *s, const struct rdd_share_ctrl *ctrl,
              uint64_t now_us)
{
	struct rdd_session_info *in = s->info;
	struct rdd_demand_active da;

	if (s->st == SS_LICENSING) {
		/* No licensing PDU at all: the server skipped it. */
		in->licensing = RDD_LICENSING_SKIPPED;
		s->phase_start_us = now_us;
	} else if (s->st == SS_FINALIZING) {
		/* A new Demand Active without a Deactivate All first. */
		s->st = SS_DEMAND;
	}
	if (s->st != SS_DEMAND && s->st != SS_LICENSING) {
		rdd__session_end(s, RDD_SESSION_MALFORMED,
		                 rdd__session_phase(s), now_us,
		                 "a Demand Active before Client Info");
		return;
	}
	if (rdd_share_parse_demand_active(ctrl, &da) != 0) {
		rdd__session_end(s, RDD_SESSION_MALFORMED, RDD_PHASE_ACTIVATION,
		                 now_us,
		                 "a Demand Active of %u bytes that does not "
		                 "parse",
		                 (unsigned)ctrl->total_length);
		return;
	}
	if (in->has_demand_active &&
	    in->reactivations++ >= RDD__SESSION_MAX_RESTARTS) {
		rdd__session_end(s, RDD_SESSION_MALFORMED, RDD_PHASE_ACTIVATION,
		                 now_us,
		                 "the server reactivated the session %u times",
		                 in->reactivations);
		return;
	}
	rdd__session_record_demand_active(s->info, &da);
	s->share_id = da.share_id;
	s->server_channel = da.pdu_source;
	rdd__session_event(s, RDD_STEP_DEMAND_ACTIVE, RDD_PHASE_ACTIVATION,
	                   now_us, s->wait_since_us,
	                   "share 0x%08x, %u capability sets",
	                   (unsigned)da.share_id, (unsigned)da.n_caps);
	rdd__session_tracef(s,
	                    "<- Demand Active: share 0x%08x, %u capability "
	                    "sets, source \"%.20s\"",
	                    (unsigned)da.share_id, (unsigned)da.n_caps,
	                    da.source_descriptor);
	in->got_synchronize = in->got_cooperate = false;
	in->got_granted_control = in->got_font_map = false;
	if (confirm(s, now_us) != 0)
		return;
	rdd__session_event(s, RDD_STEP_CONFIRM_ACTIVE, RDD_PHASE_ACTIVATION,
	                   now_us, 0,
	                   "Confirm Active, Synchronize, Control (cooperate, "
	                   "request control), Font List");
	rdd__session_tracef(s, "-> Confirm Active, Synchronize, Control "
	                       "Cooperate, Control Request Control, Font List");
	s->st = SS_FINALIZING;
	rdd__session_wait(s, now_us);
}

/* "; without the server's Synchronize, Granted Control" */
static void
missing_finalization(const struct rdd_session_info *in, char *dst, size_t cap)
{
	const char *miss[3];
	size_t n = 0, i, off;

	if (!in->got_synchronize)
		miss[n++] = "Synchronize";
	if (!in->got_cooperate)
		miss[n++] = "Control Cooperate";
	if (!in->got_granted_control)
		miss[n++] = "Granted Control";
	dst[0] = '\0';
	if (n == 0)
		return;
	snprintf(dst, cap, "; without the server's ");
	for (i = 0; i < n; i++) {
		off = strlen(dst);
		snprintf(dst + off, cap - off, "%s%s", i ? ", " : "", miss[i]);
	}
}

static void
error_info(struct rdd__session *s, uint32_t code, uint64_t now_us)
{
	struct rdd_session_info *in = s->info;
	enum rdd_phase ph = rdd__session_phase(s);

	if (code == 0) /* ERRINFO_NONE: nothing to report */
		return;
	in->has_error_info = true;
	in->error_info = code;
	in->error_info_phase = ph;
	in->error_info_at_ms = rdd__session_rel_ms(s, now_us);
	rdd__session_tracef(s, "<- Set Error Info 0x%08x", (unsigned)code);
	/* The server disconnects after it ([MS-RDPBCGR] 3.3.5.7.1). */
	rdd__session_end(s, RDD_SESSION_ERROR_INFO, ph, now_us,
	                 "Set Error Info 0x%08x while waiting for %s",
	                 (unsigned)code,
	                 s->st == SS_LICENSING ? "licensing"
	                 : s->st == SS_DEMAND  ? "the Demand Active"
	                                       : "the Font Map");
}

/* ErrorNotificationType and ErrorNotificationData ([MS-RDPBCGR]
 * 2.2.10.1.1.4.1.1; session.md 6.9). */
#define LOGON_MSG_NO_PERMISSION 0xFFFFFFFAu
#define LOGON_MSG_SESSION_CONTINUE 0xFFFFFFFEu
#define LOGON_ACCESS_DENIED 0xFFFFFFFFu
#define LOGON_FAILED_OTHER 2u
#define LOGON_WARNING 3u

/* The walk is over with the logon's answer (--logon). */
static void
logon_end(struct rdd__session *s, enum rdd_logon_notice n,
          enum rdd_session_outcome o, uint64_t now_us, const char *what)
{
	struct rdd_session_info *in = s->info;

	in->logon_notice = n;
	in->logon_wait_ms = s->activated_us != 0 && now_us > s->activated_us
	                        ? (double)(now_us - s->activated_us) / 1000.0
	                        : 0;
	rdd__session_end(s, o, RDD_PHASE_ACTIVATION, now_us, "%s", what);
}

/* A logon error notification: the end of the wait, or (a warning, a
 * session id) a fact on the way. */
static void
logon_error(struct rdd__session *s, uint32_t type, uint32_t data,
            uint64_t now_us)
{
	struct rdd_session_info *in = s->info;
	char what[RDD_STR];

	if (type == LOGON_MSG_SESSION_CONTINUE || type == LOGON_ACCESS_DENIED) {
		if (data > LOGON_WARNING) {
			/* Any other value is the session's id. */
			in->has_logon_session_id = true;
			in->logon_session_id = data;
			return;
		}
		if (data == LOGON_WARNING)
			return; /* a dialog the user may close: go on */
		snprintf(what, sizeof(what),
		         "the server's logon error notification: type 0x%08x, "
		         "data %u (%s)",
		         (unsigned)type, (unsigned)data,
		         data == 0   ? "LOGON_FAILED_BAD_PASSWORD"
		         : data == 1 ? "LOGON_FAILED_UPDATE_PASSWORD"
		                     : "LOGON_FAILED_OTHER");
		if (s->autologon)
			logon_end(s, RDD_LOGON_NOTICE_FAILED,
			          RDD_SESSION_LOGON_FAILED, now_us, what);
		return;
	}
	snprintf(what, sizeof(what),
	         "the server's logon notification: type 0x%08x (%s), data "
	         "0x%08x",
	         (unsigned)type,
	         type == LOGON_MSG_NO_PERMISSION
	             ? "LOGON_MSG_NO_PERMISSION: the user may not log on "
	               "here"
	             : "a question to the user: another session, a "
	               "reconnection or a refused disconnection",
	         (unsigned)data);
	if (!s->autologon)
		return;
	if (type == LOGON_MSG_NO_PERMISSION)
		logon_end(s, RDD_LOGON_NOTICE_FAILED, RDD_SESSION_LOGON_FAILED,
		          now_us, what);
	else if (s->st == SS_LOGON)
		logon_end(s, RDD_LOGON_NOTICE_DIALOG, RDD_SESSION_ACTIVATED,
		          now_us, what);
	else
		in->logon_notice =
		    RDD_LOGON_NOTICE_DIALOG; /* ends at Font Map */
}

static void
save_session_info(struct rdd__session *s, struct rdd_cur *p, uint64_t now_us)
{
	struct rdd_session_info *in = s->info;
	struct rdd_save_session_info si;
	char what[RDD_STR];

	if (rdd_share_parse_save_session_info(p, &si) != 0) {
		rdd__session_tracef(s, "<- Save Session Info that does not "
		                       "parse: skipped");
		return;
	}
	rdd__session_tracef(s, "<- Save Session Info, type %u",
	                    (unsigned)si.info_type);
	if (si.info_type == RDD_INFOTYPE_LOGON_EXTENDED_INFO) {
		if (si.has_logon_error) {
			in->has_logon_error = true;
			in->logon_error_type = si.error_type;
			in->logon_error_data = si.error_data;
			logon_error(s, si.error_type, si.error_data, now_us);
		}
		return;
	}
	in->has_logon_info = true;
	in->logon_info_type = si.info_type;
	if (si.has_session_id) {
		in->has_logon_session_id = true;
		in->logon_session_id = si.session_id;
	}
	if (!s->autologon)
		return;
	if (in->has_logon_session_id)
		snprintf(what, sizeof(what),
		         "the server logged the user on: session id %u",
		         (unsigned)in->logon_session_id);
	else
		snprintf(what, sizeof(what),
		         "the server logged the user on (no session id in its "
		         "notification)");
	if (s->st == SS_LOGON)
		logon_end(s, RDD_LOGON_NOTICE_LOGGED_ON, RDD_SESSION_LOGGED_ON,
		          now_us, what);
	/* Before the Font Map: noted; the Font Map then ends the walk. */
}

void
rdd__act_logon_timeout(struct rdd__session *s, uint64_t now_us)
{
	char what[RDD_STR];

	snprintf(what, sizeof(what),
	         "activation complete; no logon notification within %.0f s "
	         "(Save Session Info): the logon was not confirmed by the "
	         "server",
	         (double)s->logon_wait_us / 1e6);
	logon_end(s, RDD_LOGON_NOTICE_NONE, RDD_SESSION_ACTIVATED, now_us,
	          what);
}

static void
data_pdu(struct rdd__session *s, const struct rdd_share_ctrl *ctrl,
         uint64_t now_us)
{
	struct rdd_session_info *in = s->info;
	struct rdd_share_data d;
	struct rdd_share_control c;
	uint32_t v = 0;
	uint16_t target = 0, n = 0, flags = 0;
	char miss[96];
	struct rdd_cur body;

	body = ctrl->body;
	if (rdd_share_parse_data(&body, &d) != 0) {
		rdd__session_end(s, RDD_SESSION_MALFORMED,
		                 rdd__session_phase(s), now_us,
		                 "a data PDU of %u bytes that does not "
		                 "parse",
		                 (unsigned)ctrl->total_length);
		return;
	}
	switch (d.pdu_type2) {
	case RDD_PDUTYPE2_SET_ERROR_INFO:
		if (rdd_share_parse_error_info(&d.payload, &v) == 0)
			error_info(s, v, now_us);
		return;
	case RDD_PDUTYPE2_SAVE_SESSION_INFO:
		save_session_info(s, &d.payload, now_us);
		return;
	case RDD_PDUTYPE2_MONITOR_LAYOUT:
		if (rdd_share_parse_monitor_layout(&d.payload, &v) == 0) {
			in->has_monitor_layout = true;
			in->monitors = v;
		}
		return;
	case RDD_PDUTYPE2_STATUS_INFO:
		if (rdd_share_parse_status_info(&d.payload, &v) == 0)
			in->status_info = v;
		return;
	default:
		break;
	}
	if (s->st != SS_FINALIZING)
		return; /* anything else before our Confirm Active: skipped */
	switch (d.pdu_type2) {
	case RDD_PDUTYPE2_SYNCHRONIZE:
		if (rdd_share_parse_synchronize(&d.payload, &target) != 0)
			break;
		in->got_synchronize = true;
		rdd__session_event(
		    s, RDD_STEP_SYNCHRONIZE, RDD_PHASE_ACTIVATION, now_us,
		    s->wait_since_us, "target user %u", (unsigned)target);
		return;
	case RDD_PDUTYPE2_CONTROL:
		if (rdd_share_parse_control(&d.payload, &c) != 0)
			break;
		if (c.action == RDD_CTRLACTION_COOPERATE) {
			in->got_cooperate = true;
			rdd__session_event(s, RDD_STEP_COOPERATE,
			                   RDD_PHASE_ACTIVATION, now_us,
			                   s->wait_since_us, "cooperate");
		} else if (c.action == RDD_CTRLACTION_GRANTED_CONTROL) {
			in->got_granted_control = true;
			rdd__session_event(s, RDD_STEP_GRANTED_CONTROL,
			                   RDD_PHASE_ACTIVATION, now_us,
			                   s->wait_since_us,
			                   "granted control, id 0x%08x",
			                   (unsigned)c.control_id);
		}
		return;
	case RDD_PDUTYPE2_FONTMAP:
		if (rdd_share_parse_font_map(&d.payload, &n, &flags) != 0)
			break;
		in->got_font_map = true;
		rdd__session_event(s, RDD_STEP_FONT_MAP, RDD_PHASE_ACTIVATION,
		                   now_us, s->wait_since_us,
		                   "activation complete");
		rdd__session_tracef(s, "<- Font Map: activation complete");
		missing_finalization(in, miss, sizeof(miss));
		if (s->autologon) {
			/* --logon: wait for the server to say how the logon
			 * went (a notification may have come already). */
			s->activated_us = now_us;
			if (in->has_logon_info) {
				logon_end(
				    s, RDD_LOGON_NOTICE_LOGGED_ON,
				    RDD_SESSION_LOGGED_ON, now_us,
				    "the server logged the user on before "
				    "its Font Map");
				return;
			}
			if (in->logon_notice == RDD_LOGON_NOTICE_DIALOG) {
				logon_end(
				    s, RDD_LOGON_NOTICE_DIALOG,
				    RDD_SESSION_ACTIVATED, now_us,
				    "activation complete; the server asks "
				    "the user a question before the logon");
				return;
			}
			s->st = SS_LOGON;
			s->wait_since_us = now_us;
			s->deadline_us = now_us + s->logon_wait_us;
			rdd__session_tracef(
			    s,
			    "waiting up to %.0f s for the logon "
			    "notification",
			    (double)s->logon_wait_us / 1e6);
			return;
		}
		rdd__session_end(s, RDD_SESSION_ACTIVATED, RDD_PHASE_ACTIVATION,
		                 now_us,
		                 "activation complete: the server sent its "
		                 "Font Map%s",
		                 miss);
		return;
	default:
		return; /* updates, pointers, ...: skipped */
	}
	rdd__session_end(s, RDD_SESSION_MALFORMED, RDD_PHASE_ACTIVATION, now_us,
	                 "a finalization PDU (type 0x%02x) that does not parse",
	                 (unsigned)d.pdu_type2);
}

void
rdd__act_redirection(struct rdd__session *s, struct rdd_cur *body,
                     uint64_t now_us)
{
	struct rdd_session_info *in = s->info;
	struct rdd_redirection r;

	if (rdd_share_parse_redirection(body, &r) != 0) {
		rdd__session_end(
		    s, RDD_SESSION_MALFORMED, rdd__session_phase(s), now_us,
		    "a Server Redirection PDU that does not parse");
		return;
	}
	in->redirected = true;
	in->redirect_session_id = r.session_id;
	snprintf(in->redirect_target, sizeof(in->redirect_target), "%s",
	         r.target);
	rdd__session_end(s, RDD_SESSION_REDIRECTED, rdd__session_phase(s),
	                 now_us,
	                 "a Connection Broker redirects the client to "
	                 "another server (session id %u)",
	                 (unsigned)r.session_id);
}

void
rdd__act_share_pdu(struct rdd__session *s, struct rdd_cur *pdu, uint64_t now_us)
{
	struct rdd_share_ctrl ctrl;
	struct rdd_cur body;
	uint16_t len = 0;

	body = *pdu;
	if (rdd_cur_u16le(&body, &len) == 0 && len == 0x8000)
		return; /* a T.128 flow PDU: nothing to do */
	/* Every share control header has TS_PROTOCOL_VERSION in pduType. */
	if (rdd_share_parse_ctrl(pdu, &ctrl) != 0 ||
	    !(ctrl.pdu_type_raw & RDD_PDUTYPE_VERSION)) {
		rdd__session_end(
		    s, RDD_SESSION_MALFORMED, rdd__session_phase(s), now_us,
		    "a PDU of %zu bytes on the I/O channel that is "
		    "neither licensing nor a share PDU",
		    rdd_cur_left(pdu));
		return;
	}
	switch (ctrl.pdu_type) {
	case RDD_PDUTYPE_DEMANDACTIVE:
		demand_active(s, &ctrl, now_us);
		return;
	case RDD_PDUTYPE_DEACTIVATEALL:
		s->info->deactivated = true;
		rdd__session_tracef(s, "<- Deactivate All");
		/* Also after activation with --logon: Windows reactivates
		 * when the logon screen gives way to the user's session. */
		if (s->st == SS_FINALIZING || s->st == SS_LOGON)
			s->st = SS_DEMAND;
		rdd__session_wait(s, now_us);
		return;
	case RDD_PDUTYPE_DATA:
		data_pdu(s, &ctrl, now_us);
		return;
	case RDD_PDUTYPE_SERVER_REDIR:
		/* Under TLS: pad2Octets, then the redirection packet. */
		body = ctrl.body;
		if (rdd_cur_skip(&body, 2) != 0) {
			rdd__session_end(s, RDD_SESSION_MALFORMED,
			                 rdd__session_phase(s), now_us,
			                 "a Server Redirection PDU cut short");
			return;
		}
		rdd__act_redirection(s, &body, now_us);
		return;
	default:
		rdd__session_tracef(s, "<- share PDU type 0x%x: skipped",
		                    (unsigned)ctrl.pdu_type);
		return;
	}
}
