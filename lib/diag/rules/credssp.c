/*
 * credssp.c - the rules of phase credssp: the first CredSSP round, the
 * server's CredSSP version, and its clock.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

/* Below this the server's CredSSP predates the March 2018 update
 * (shared/reference/protocol.md 4.2): patched clients refuse it. */
#define CREDSSP_UNPATCHED_MAX 3
/* A clock off by this much (seconds) is reported; Kerberos allows 300. */
#define CLOCK_SKEW_WARN 120

int
rdd_clock_skew_s(const struct rdd_observation *obs, int64_t *skew)
{
	const struct rdd_ntlm_info *n = &obs->credssp.ntlm;
	double local;

	if (obs->checked_at <= 0 || !n->present || !n->has_time ||
	    n->time_at_ms < 0 || n->time_at_ms > 1e9)
		return -1;
	/* The local clock when the CHALLENGE arrived, to the second. */
	local = (double)obs->checked_at + n->time_at_ms / 1000.0;
	*skew = n->server_time - (int64_t)(local + 0.5);
	return 0;
}

static const char *
nego_kind(bool spnego)
{
	return spnego ? "SPNEGO-wrapped NTLM NEGOTIATE"
	              : "plain NTLM NEGOTIATE";
}

/* "; SPNEGO-wrapped NTLM NEGOTIATE [attempt A2]: closed: ..." */
static void
other_request(struct draft *d, const struct rdd_credssp_info *ci)
{
	const char *o = rdd_credssp_outcome_name(ci->other_outcome);

	if (d == NULL || ci->other_outcome == RDD_CREDSSP_NOT_RUN)
		return;
	rdd__append(d->f.evidence, sizeof(d->f.evidence),
	            "; the %s [attempt %s]: %s%s%s",
	            nego_kind(ci->other_spnego), ci->other_attempt,
	            o != NULL ? o : "?", ci->other_detail[0] ? ": " : "",
	            ci->other_detail);
}

static void
rule_credssp_exchange(struct ctx *c)
{
	const struct rdd_credssp_info *ci = &c->obs->credssp;
	const struct rdd_code *code;
	struct draft *d = NULL;

	switch (ci->outcome) {
	case RDD_CREDSSP_CLOSED:
	case RDD_CREDSSP_RESET:
		d = rdd__emit(
		    c, RDD_CAUSE_CREDSSP_CLOSED,
		    "%s (%.0f ms; the client's first TSRequest carried a "
		    "%s) [attempt %s]",
		    ci->detail, ci->ms, nego_kind(ci->spnego), ci->attempt);
		other_request(d, ci);
		rdd__set_headline(
		    d,
		    "the server %s the connection after the first "
		    "CredSSP message",
		    ci->outcome == RDD_CREDSSP_RESET ? "resets" : "closes");
		break;
	case RDD_CREDSSP_TIMEOUT:
		d = rdd__emit(c, RDD_CAUSE_CREDSSP_TIMEOUT,
		              "%s, after a %s [attempt %s]", ci->detail,
		              nego_kind(ci->spnego), ci->attempt);
		other_request(d, ci);
		rdd__set_headline(
		    d, "the server does not answer the first CredSSP "
		       "message");
		break;
	case RDD_CREDSSP_ERROR:
		if (ci->has_error_code)
			break; /* below */
		d = rdd__emit(c, RDD_CAUSE_CREDSSP_ERROR,
		              "%s, in answer to a %s [attempt %s]", ci->detail,
		              nego_kind(ci->spnego), ci->attempt);
		other_request(d, ci);
		rdd__set_headline(
		    d, "the server refuses the first CredSSP message");
		break;
	case RDD_CREDSSP_NOT_RUN:
	case RDD_CREDSSP_OK:
	case RDD_CREDSSP_MALFORMED:
		break;
	}
	if (!ci->has_error_code || ci->outcome == RDD_CREDSSP_NOT_RUN)
		return;
	code = rdd_code_find(RDD_TABLE_CREDSSP, ci->error_code);
	d = rdd__emit(
	    c, RDD_CAUSE_CREDSSP_ERROR,
	    "errorCode 0x%08X %s%s%s%s in the server's TSRequest (version "
	    "%u), in answer to a %s [attempt %s]",
	    (unsigned)ci->error_code,
	    code != NULL ? code->name : "(not a known NTSTATUS or SSPI code)",
	    code != NULL ? " (" : "", code != NULL ? code->message : "",
	    code != NULL ? ")" : "", (unsigned)ci->server_version,
	    nego_kind(ci->spnego), ci->attempt);
	if (ci->outcome == RDD_CREDSSP_OK) {
		/* A CHALLENGE came all the same: the exchange goes on. */
		if (d != NULL)
			d->f.severity = RDD_SEV_WARNING;
		return;
	}
	other_request(d, ci);
	rdd__set_headline(d,
	                  "the server answers the first CredSSP message with "
	                  "errorCode 0x%08X %s",
	                  (unsigned)ci->error_code,
	                  code != NULL ? code->name : "");
}

static void
rule_credssp_version(struct ctx *c)
{
	const struct rdd_credssp_info *ci = &c->obs->credssp;
	struct draft *d;

	if (ci->outcome == RDD_CREDSSP_NOT_RUN || !ci->has_version ||
	    ci->server_version >= 6)
		return;
	/* The logon said it already, in the terms of the user's error. */
	if (ci->logon.outcome == RDD_LOGON_NOT_SENT &&
	    ci->logon.not_sent == RDD_LOGON_NS_ORACLE)
		return;
	if (ci->server_version <= CREDSSP_UNPATCHED_MAX) {
		d = rdd__emit(
		    c, RDD_CAUSE_CREDSSP_OUTDATED,
		    "the server's TSRequest says CredSSP version %u: "
		    "versions 2 and 3 predate the March 2018 update "
		    "(CVE-2018-0886), which clients with Encryption Oracle "
		    "Remediation \"Mitigated\" (the default since May "
		    "2018) or \"Force Updated Clients\" refuse; current "
		    "Windows sends 6 [attempt %s]",
		    (unsigned)ci->server_version, ci->attempt);
		rdd__raise_severity(d, RDD_SEV_CRITICAL);
		rdd__set_headline(
		    d,
		    "the server's CredSSP (version %u) predates the "
		    "March 2018 update, so patched clients refuse it",
		    (unsigned)ci->server_version);
		return;
	}
	rdd__emit(
	    c, RDD_CAUSE_CREDSSP_OUTDATED,
	    "the server's TSRequest says CredSSP version %u, below 6, the "
	    "version every Windows with the March 2018 update (CVE-2018-0886) "
	    "and later sends [attempt %s]",
	    (unsigned)ci->server_version, ci->attempt);
}

static void
rule_clock_skew(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_ntlm_info *n = &obs->credssp.ntlm;
	char server[48], local[48], span[48];
	int64_t skew, mag;

	if (rdd_clock_skew_s(obs, &skew) != 0)
		return;
	mag = skew < 0 ? -skew : skew;
	if (mag < CLOCK_SKEW_WARN)
		return;
	rdd__emit(
	    c, RDD_CAUSE_SERVER_CLOCK_SKEW,
	    "NTLM CHALLENGE timestamp %s, local clock %s: the server is %s "
	    "%s (Kerberos allows 5 minutes) [attempt %s]",
	    rdd__fmt_date(n->server_time, true, server, sizeof(server)),
	    rdd__fmt_date(n->server_time - skew, true, local, sizeof(local)),
	    rdd__fmt_span(mag, span, sizeof(span)),
	    skew > 0 ? "ahead" : "behind", obs->credssp.attempt);
}

void
rdd__rules_credssp(struct ctx *c)
{
	rule_credssp_exchange(c);
	rule_credssp_version(c);
	rule_clock_skew(c);
}
