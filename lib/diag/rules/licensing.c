/*
 * licensing.c - the rules of phase licensing ([MS-RDPELE]; session.md 5):
 * the server's licensing alert or ERRINFO_LICENSE_* code named
 * (no license server, no licence left, the client's licence rejected,
 * any other error), a licensing step that stalls or does not parse, and
 * licensing not reached because NLA needs a logon first.
 */
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"
#include "wire/license.h"

/* The cause a licensing alert's dwErrorCode stands for. */
static enum rdd_cause
alert_cause(uint32_t code)
{
	switch (code) {
	case RDD_LIC_ERR_NO_LICENSE_SERVER:
		return RDD_CAUSE_LICENSING_NO_LICENSE_SERVER;
	case RDD_LIC_ERR_NO_LICENSE:
		return RDD_CAUSE_LICENSING_NO_LICENSE;
	case RDD_LIC_ERR_INVALID_CLIENT:
		return RDD_CAUSE_LICENSING_INVALID_CLIENT;
	default:
		return RDD_CAUSE_LICENSING_ERROR;
	}
}

/* A licensing alert (ERROR_ALERT other than STATUS_VALID_CLIENT). */
static void
rule_alert(struct ctx *c)
{
	const struct rdd_session_info *s = &c->obs->session;
	const char *code = rdd_lic_error_name(s->license_error_code);
	const char *tr = rdd_lic_transition_name(s->license_transition);
	bool ended = s->outcome == RDD_SESSION_LICENSE_ERROR;
	struct draft *d;

	if (!s->has_license_error)
		return;
	d = rdd__emit(c, alert_cause(s->license_error_code),
	              "licensing ERROR_ALERT %s (0x%x) with %s (%u) in answer "
	              "to %s%s [attempt %s]",
	              code != NULL ? code : "unknown",
	              (unsigned)s->license_error_code,
	              tr != NULL ? tr : "an unknown state transition",
	              (unsigned)s->license_transition,
	              s->has_license_request ? "the client's licence request"
	                                     : "the Client Info",
	              ended ? "; the server ended the connection"
	                    : "; the server let the client go on",
	              s->attempt);
	if (d == NULL)
		return;
	if (!ended)
		d->f.severity = RDD_SEV_WARNING;
	rdd__set_headline(d, "the licensing step fails with %s",
	                  code != NULL ? code : "an error");
}

/* The walk stalled or read garbage in licensing. */
static void
rule_stall(struct ctx *c)
{
	const struct rdd_session_info *s = &c->obs->session;
	struct draft *d;

	if (s->phase != RDD_PHASE_LICENSING ||
	    (s->outcome != RDD_SESSION_TIMEOUT &&
	     s->outcome != RDD_SESSION_MALFORMED))
		return;
	d = rdd__emit(c, RDD_CAUSE_LICENSING_ERROR, "%s [attempt %s]",
	              s->detail, s->attempt);
	rdd__set_headline(d, "%s",
	                  s->outcome == RDD_SESSION_TIMEOUT
	                      ? "licensing stalls"
	                      : "the server's licensing PDU is malformed");
}

/* NLA without credentials: licensing comes after the logon. */
static void
rule_unverified(struct ctx *c)
{
	const struct rdd_phase_result *lic =
	    &c->obs->phases[RDD_PHASE_LICENSING];

	if (!lic->present || lic->status != RDD_STATUS_SKIPPED ||
	    c->obs->nla_required != 1 || c->obs->credentials.given ||
	    c->obs->phases[RDD_PHASE_CREDSSP].status != RDD_STATUS_OK)
		return;
	rdd__emit(c, RDD_CAUSE_LICENSING_UNVERIFIED,
	          "the server requires NLA (CredSSP answered), and no "
	          "credentials were given: licensing and activation come "
	          "after the logon and were not verified");
}

void
rdd__rules_licensing(struct ctx *c)
{
	rule_alert(c);
	rule_stall(c);
	rule_unverified(c);
}
