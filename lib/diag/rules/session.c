/*
 * session.c - the rules of the session after MCS (phases licensing and
 * activation; session.md 1, 6, 7): a Set Error Info named (0x7 the
 * denied connection of "0x904 / extended 0x7", 0x9 the missing logon
 * right, ERRINFO_LICENSE_* the licensing causes, any other code from the
 * codes table), a close without a word, and a capability exchange that
 * does not complete. Each finding takes the phase the server said no in.
 */
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

/* The ERRINFO code's cause. */
static enum rdd_cause
error_info_cause(uint32_t code)
{
	switch (code) {
	case 0x7:
		return RDD_CAUSE_SERVER_DENIED_CONNECTION;
	case 0x9:
		return RDD_CAUSE_SERVER_INSUFFICIENT_PRIVILEGES;
	case 0x101:
		return RDD_CAUSE_LICENSING_NO_LICENSE_SERVER;
	case 0x102:
		return RDD_CAUSE_LICENSING_NO_LICENSE;
	case 0x104:
	case 0x105:
		return RDD_CAUSE_LICENSING_INVALID_CLIENT;
	default:
		if (code >= 0x100 && code <= 0x10A)
			return RDD_CAUSE_LICENSING_ERROR;
		return RDD_CAUSE_SESSION_ERROR_INFO;
	}
}

/* "after the Client Info", "after the Confirm Active", ... */
static const char *
step_before(const struct rdd_session_info *s)
{
	size_t i = s->n_events;
	const char *name;

	while (i-- > 0) {
		if (s->events[i].step == RDD_STEP_DISCONNECT)
			continue;
		name = rdd_session_step_name(s->events[i].step);
		return name != NULL ? name : "?";
	}
	return "the Connect-Response";
}

static void
rule_error_info(struct ctx *c)
{
	const struct rdd_session_info *s = &c->obs->session;
	const struct rdd_code *code;
	enum rdd_cause cause;
	struct draft *d;

	if (!s->has_error_info)
		return;
	code = rdd_code_find(RDD_TABLE_ERRINFO, s->error_info);
	cause = error_info_cause(s->error_info);
	d = rdd__emit_in(c, cause, s->error_info_phase,
	                 "Set Error Info %s (0x%08x)%s%s at %.0f ms, in phase "
	                 "%s after %s; the server then %s [attempt %s]",
	                 code != NULL ? code->name : "unknown code",
	                 (unsigned)s->error_info, code != NULL ? ": " : "",
	                 code != NULL ? code->message : "", s->error_info_at_ms,
	                 rdd_phase_name(s->error_info_phase), step_before(s),
	                 s->sent_disconnect ? "was left by rdpdoctor"
	                                    : "disconnected",
	                 s->attempt);
	if (cause == RDD_CAUSE_SESSION_ERROR_INFO)
		rdd__set_headline(d, "the server ends the connection with %s",
		                  code != NULL ? code->name : "an error code");
	else if (cause == RDD_CAUSE_SERVER_DENIED_CONNECTION)
		rdd__set_headline(d,
		                  "the server denied the connection "
		                  "(ERRINFO_SERVER_DENIED_CONNECTION, extended "
		                  "error 0x7)");
}

/* Closed, reset or disconnected after MCS without an error PDU. */
static void
rule_closed(struct ctx *c)
{
	const struct rdd_session_info *s = &c->obs->session;
	const char *reason;
	struct draft *d;

	if (s->phase == RDD_PHASE_MCS ||
	    (s->outcome != RDD_SESSION_CLOSED &&
	     s->outcome != RDD_SESSION_RESET &&
	     s->outcome != RDD_SESSION_DISCONNECTED))
		return;
	reason = s->disconnect_reason >= 0
	             ? rdd_mcs_reason_name((unsigned)s->disconnect_reason)
	             : NULL;
	d = rdd__emit_in(c, RDD_CAUSE_SESSION_CLOSED, s->phase,
	                 "%s in phase %s after %s, without a Set Error Info "
	                 "or licensing error%s%s%s [attempt %s]",
	                 s->detail, rdd_phase_name(s->phase), step_before(s),
	                 reason != NULL ? " (reason " : "",
	                 reason != NULL ? reason : "",
	                 reason != NULL ? ")" : "", s->attempt);
	rdd__set_headline(d,
	                  "the server closes the connection in phase %s "
	                  "without saying why",
	                  rdd_phase_name(s->phase));
}

/* The Demand Active or the Font Map never came, or did not parse. */
static void
rule_activation(struct ctx *c)
{
	const struct rdd_session_info *s = &c->obs->session;
	struct draft *d;

	if (s->phase != RDD_PHASE_ACTIVATION ||
	    (s->outcome != RDD_SESSION_TIMEOUT &&
	     s->outcome != RDD_SESSION_MALFORMED))
		return;
	d = rdd__emit(c, RDD_CAUSE_ACTIVATION_FAILED,
	              "%s, after %s%s [attempt %s]", s->detail, step_before(s),
	              s->has_demand_active ? "" : " (no Demand Active came)",
	              s->attempt);
	rdd__set_headline(d, "%s",
	                  s->has_demand_active
	                      ? "the connection finalization does not complete"
	                      : "the server's Demand Active never comes");
}

/* "LAB\bob", "alice". */
static const char *
account(const struct rdd_observation *obs, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s", obs->credentials.domain,
	         obs->credentials.domain[0] != '\0' ? "\\" : "",
	         obs->credentials.user);
	return buf;
}

/* --logon: what the server said about the logon after activation. */
static void
rule_logon_notice(struct ctx *c)
{
	const struct rdd_session_info *s = &c->obs->session;
	char who[2 * 256 + 2];
	enum rdd_cause cause = RDD_CAUSE_LOGON_FAILED;
	struct draft *d;

	account(c->obs, who, sizeof(who));
	switch (s->logon_notice) {
	case RDD_LOGON_NOTICE_FAILED:
		if (s->logon_error_type == 0xFFFFFFFAu) /* NO_PERMISSION */
			cause = RDD_CAUSE_LOGON_NOT_PERMITTED;
		else if (s->logon_error_data == 1) /* UPDATE_PASSWORD */
			cause = RDD_CAUSE_LOGON_PASSWORD_EXPIRED;
		d = rdd__emit_in(c, cause, RDD_PHASE_ACTIVATION,
		                 "%s, %.0f ms after activation (logon of %s, "
		                 "--logon) [attempt %s]",
		                 s->detail, s->logon_wait_ms, who, s->attempt);
		rdd__raise_severity(d, RDD_SEV_CRITICAL);
		rdd__set_headline(
		    d, "%s",
		    cause == RDD_CAUSE_LOGON_NOT_PERMITTED
		        ? "the server does not let the user log on here "
		          "(LOGON_MSG_NO_PERMISSION)"
		    : cause == RDD_CAUSE_LOGON_PASSWORD_EXPIRED
		        ? "the server asks for a new password at logon"
		        : "the server refuses the logon (logon error "
		          "notification)");
		return;
	case RDD_LOGON_NOTICE_NONE:
		rdd__emit(c, RDD_CAUSE_LOGON_UNVERIFIED,
		          "--logon for %s: %s (some servers, xrdp among them, "
		          "never send one) [attempt %s]",
		          who, s->detail, s->attempt);
		return;
	case RDD_LOGON_NOTICE_DIALOG:
		rdd__emit(c, RDD_CAUSE_LOGON_UNVERIFIED,
		          "--logon for %s: %s; the logon waits for the user's "
		          "answer [attempt %s]",
		          who, s->detail, s->attempt);
		return;
	case RDD_LOGON_NOTICE_LOGGED_ON:
	case RDD_LOGON_NOTICE_NOT_AWAITED:
		return;
	}
}

void
rdd__rules_session(struct ctx *c)
{
	rule_error_info(c);
	rule_closed(c);
	rule_activation(c);
	rule_logon_notice(c);
}
