/*
 * text_session.c - the "Connection sequence" section of the text report:
 * the walk after MCS Connect, one timed line per step (what the server
 * sent is timed from the request it answers), then licensing, the
 * server's capabilities, how the server said no, and what the walk left
 * on the server.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/codes.h"
#include "report/text_int.h"
#include "wire/license.h"
#include "wire/mcs.h"
#include "wire/share.h"

/* Step lines: "  phase       step                  12.3 ms  detail". */
#define PHASE_COL 12
#define STEP_COL 24

static void
print_steps(struct ctx *c, const struct rdd_session_info *s)
{
	char det[ESC_CAP(sizeof(s->events[0].detail))];
	int last_phase = -1;
	size_t i;

	for (i = 0; i < s->n_events && i < RDD_MAX_SESSION_STEPS; i++) {
		const struct rdd_session_event *e = &s->events[i];
		const char *step = rdd_session_step_name(e->step);
		bool timed = e->wait_ms >= 0;

		fprintf(c->out, "  %-*s", PHASE_COL,
		        (int)e->phase != last_phase ? rdd_phase_name(e->phase)
		                                    : "");
		last_phase = (int)e->phase;
		fprintf(c->out, "%-*s", STEP_COL, step != NULL ? step : "?");
		rdd__t_duration(c, timed, e->wait_ms);
		ESC(c, det, e->detail);
		rdd__t_rest(c, timed, "", det,
		            2 + PHASE_COL + STEP_COL + 10 + 2);
	}
}

/* "request_valid: LICENSE_REQUEST from Microsoft Corporation ..." */
static void
print_licensing(struct ctx *c, const struct rdd_session_info *s)
{
	char buf[ESC_CAP(128) * 3 + 256], co[ESC_CAP(128)], pr[ESC_CAP(128)];
	char sc[ESC_CAP(128)];
	const char *path = rdd_licensing_path_name(s->licensing);
	const char *code, *tr;
	size_t off;

	if (s->licensing == RDD_LICENSING_NOT_REACHED && !s->has_license_error)
		return;
	snprintf(buf, sizeof(buf), "%s", path != NULL ? path : "?");
	off = strlen(buf);
	if (s->has_license_request) {
		ESC(c, co, s->license_company);
		ESC(c, pr, s->license_product_id);
		ESC(c, sc, s->license_scope);
		snprintf(
		    buf + off, sizeof(buf) - off,
		    "; LICENSE_REQUEST (version %u) from %s, product %s%s%s, "
		    "answered as a client without a licence, name "
		    "rdpdoctor",
		    (unsigned)s->license_preamble_version, co[0] ? co : "?",
		    pr[0] ? pr : "?", sc[0] ? ", scope " : "", sc);
		off = strlen(buf);
	}
	if (s->has_license_error) {
		code = rdd_lic_error_name(s->license_error_code);
		tr = rdd_lic_transition_name(s->license_transition);
		snprintf(buf + off, sizeof(buf) - off,
		         "; ERROR_ALERT %s (0x%" PRIx32 ") with %s",
		         code != NULL ? code : "unknown", s->license_error_code,
		         tr != NULL ? tr : "an unknown transition");
	}
	rdd__t_cert_line(c, "licensing", buf);
}

/* The server's capabilities, from its Demand Active. */
static void
print_capabilities(struct ctx *c, const struct rdd_session_info *s)
{
	char buf[1024], src[ESC_CAP(sizeof(s->source_descriptor))];
	const char *name;
	size_t i, off;

	if (!s->has_demand_active)
		return;
	ESC(c, src, s->source_descriptor);
	snprintf(buf, sizeof(buf), "share 0x%08" PRIx32 ", source \"%s\"",
	         s->share_id, src);
	off = strlen(buf);
	if (s->has_bitmap) {
		snprintf(buf + off, sizeof(buf) - off,
		         ", desktop %ux%u at %u bpp",
		         (unsigned)s->desktop_width,
		         (unsigned)s->desktop_height, (unsigned)s->bpp);
		off = strlen(buf);
	}
	if (s->has_server_session_id) {
		snprintf(buf + off, sizeof(buf) - off, ", session id %" PRIu32,
		         s->server_session_id);
		off = strlen(buf);
	}
	snprintf(buf + off, sizeof(buf) - off,
	         "; %zu capability sets:", s->n_capsets);
	for (i = 0; i < s->n_capsets && i < RDD_MAX_SESSION_CAPSETS; i++) {
		off = strlen(buf);
		name = rdd_capset_name(s->capsets[i].type);
		if (name != NULL)
			snprintf(buf + off, sizeof(buf) - off, "%s %s",
			         i ? "," : "", name);
		else
			snprintf(buf + off, sizeof(buf) - off, "%s 0x%02x",
			         i ? "," : "", (unsigned)s->capsets[i].type);
	}
	rdd__t_cert_line(c, "server caps", buf);
}

/* How the server said no: Set Error Info, a disconnect, a redirection. */
static void
print_refusal(struct ctx *c, const struct rdd_session_info *s)
{
	char buf[ESC_CAP(sizeof(s->redirect_target)) + 512];
	char tgt[ESC_CAP(sizeof(s->redirect_target))];
	const struct rdd_code *code;
	const char *r;

	if (s->has_error_info) {
		code = rdd_code_find(RDD_TABLE_ERRINFO, s->error_info);
		snprintf(
		    buf, sizeof(buf),
		    "%sSet Error Info %s (0x%08" PRIx32 ")%s in phase %s at "
		    "%.1f ms%s%s",
		    rdd__t_sgr(c, SGR_RED),
		    code != NULL ? code->name : "unknown", s->error_info,
		    rdd__t_sgr_reset(c), rdd_phase_name(s->error_info_phase),
		    s->error_info_at_ms, code != NULL ? ": " : "",
		    code != NULL ? code->message : "");
		rdd__t_cert_line(c, "error", buf);
	}
	if (s->outcome == RDD_SESSION_DISCONNECTED) {
		r = s->disconnect_reason >= 0
		        ? rdd_mcs_reason_name((unsigned)s->disconnect_reason)
		        : NULL;
		snprintf(buf, sizeof(buf), "%s in phase %s at %.1f ms%s",
		         s->disconnect_reason >= 0
		             ? "Disconnect Provider Ultimatum"
		             : "X.224 Disconnect Request",
		         rdd_phase_name(s->disconnect_phase),
		         s->disconnect_at_ms, r != NULL ? "" : "");
		if (r != NULL) {
			size_t off = strlen(buf);

			snprintf(buf + off, sizeof(buf) - off, ", %s", r);
		}
		rdd__t_cert_line(c, "disconnect", buf);
	}
	if (s->redirected) {
		ESC(c, tgt, s->redirect_target);
		snprintf(buf, sizeof(buf),
		         "to %s (session id %" PRIu32 "); not followed",
		         tgt[0] ? tgt : "an unnamed target",
		         s->redirect_session_id);
		rdd__t_cert_line(c, "redirected", buf);
	}
}

void
rdd__text_session(struct ctx *c, const struct rdd_observation *obs)
{
	const struct rdd_session_info *s = &obs->session;
	char title[64], att[ESC_CAP(sizeof(s->attempt))];
	char det[ESC_CAP(RDD_STR)], buf[ESC_CAP(RDD_STR) + 64];
	const char *o = rdd_session_outcome_name(s->outcome);

	if (s->outcome == RDD_SESSION_NOT_RUN)
		return;
	ESC(c, att, s->attempt);
	snprintf(title, sizeof(title), "Connection sequence (attempt %s)", att);
	rdd__t_heading(c, title);
	print_steps(c, s);
	print_licensing(c, s);
	print_capabilities(c, s);
	print_refusal(c, s);
	if (s->standard_security) {
		snprintf(buf, sizeof(buf),
		         "standard RDP security: %u server PDUs decrypted, %u "
		         "with a wrong MAC",
		         s->server_pdus_checked, s->server_mac_errors);
		rdd__t_cert_line(c, "encryption", buf);
	}
	if (s->logon_notice != RDD_LOGON_NOTICE_NOT_AWAITED) {
		if (s->has_logon_session_id)
			snprintf(buf, sizeof(buf),
			         "%s after %.0f ms; session id %" PRIu32,
			         rdd_logon_notice_name(s->logon_notice),
			         s->logon_wait_ms, s->logon_session_id);
		else
			snprintf(buf, sizeof(buf), "%s after %.0f ms",
			         rdd_logon_notice_name(s->logon_notice),
			         s->logon_wait_ms);
		rdd__t_cert_line(c, "logon", buf);
	}
	ESC(c, det, s->detail);
	snprintf(buf, sizeof(buf), "%s%s%s: %s",
	         rdd__t_sgr(c, s->outcome == RDD_SESSION_ACTIVATED ||
	                               s->outcome == RDD_SESSION_LOGGED_ON
	                           ? SGR_GREEN
	                       : s->outcome == RDD_SESSION_STOPPED ? ""
	                                                           : SGR_RED),
	         o != NULL ? o : "?", rdd__t_sgr_reset(c), det);
	rdd__t_cert_line(c, "end", buf);
	rdd__t_cert_line(
	    c, "left",
	    s->logon_notice == RDD_LOGON_NOTICE_LOGGED_ON
	        ? "a user session (--logon), disconnected: it stays on the "
	          "server until the server's limit for disconnected "
	          "sessions ends it"
	    : s->logon_notice == RDD_LOGON_NOTICE_NONE ||
	            s->logon_notice == RDD_LOGON_NOTICE_DIALOG
	        ? "possibly a user session (--logon; the server did not say "
	          "whether the logon succeeded), disconnected until the "
	          "server's limit for disconnected sessions"
	    : s->sent_disconnect
	        ? "a Disconnect Provider Ultimatum (rn-user-requested): no "
	          "session stays on the server"
	        : "the server ended the connection itself");
}
