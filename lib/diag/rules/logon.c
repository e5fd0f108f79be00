/*
 * logon.c - the rules of the logon in phase credssp (check --user): the
 * server's answer to the credentials, read as precisely as it allows
 * (shared/reference/session.md C.2, C.6).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

/* The NTSTATUS or SSPI codes a refused logon carries, and the finding
 * each one means; the others stay credssp-error with their name. */
static const struct {
	uint32_t code;
	enum rdd_cause cause;
} status_causes[] = {
    {0xC000006Du, RDD_CAUSE_LOGON_FAILED}, /* STATUS_LOGON_FAILURE */
    {0xC000006Au, RDD_CAUSE_LOGON_FAILED}, /* STATUS_WRONG_PASSWORD */
    {0xC0000064u, RDD_CAUSE_LOGON_FAILED}, /* STATUS_NO_SUCH_USER */
    {0x8009030Cu, RDD_CAUSE_LOGON_FAILED}, /* SEC_E_LOGON_DENIED */
    {0xC0000071u, RDD_CAUSE_LOGON_PASSWORD_EXPIRED},
    {0xC0000224u, RDD_CAUSE_LOGON_PASSWORD_EXPIRED},
    {0xC0000234u, RDD_CAUSE_LOGON_ACCOUNT_LOCKED},
    {0xC0000072u, RDD_CAUSE_LOGON_ACCOUNT_DISABLED},
    {0xC0000193u, RDD_CAUSE_LOGON_ACCOUNT_DISABLED}, /* expired */
    {0xC000015Bu, RDD_CAUSE_LOGON_NOT_PERMITTED},
    {0xC000006Eu, RDD_CAUSE_LOGON_NOT_PERMITTED},
    {0xC000006Fu, RDD_CAUSE_LOGON_NOT_PERMITTED}, /* logon hours */
    {0xC0000070u, RDD_CAUSE_LOGON_NOT_PERMITTED}, /* workstation */
    {0xC0000413u, RDD_CAUSE_LOGON_NOT_PERMITTED}, /* trust firewall */
    {0x80090302u, RDD_CAUSE_CREDSSP_ORACLE_MISMATCH},
};

static enum rdd_cause
cause_of(uint32_t code)
{
	size_t i;

	for (i = 0; i < NELEM(status_causes); i++)
		if (status_causes[i].code == code)
			return status_causes[i].cause;
	return RDD_CAUSE_CREDSSP_ERROR;
}

/* "LAB\bob", "alice@lab.test", "alice". */
static const char *
account(const struct rdd_observation *obs, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s", obs->credentials.domain,
	         obs->credentials.domain[0] != '\0' ? "\\" : "",
	         obs->credentials.user);
	return buf;
}

static void
refused(struct ctx *c, const struct rdd_logon_info *li, const char *who)
{
	const struct rdd_code *code =
	    rdd_code_find(RDD_TABLE_CREDSSP, li->error_code);
	enum rdd_cause cause = cause_of(li->error_code);
	struct draft *d;

	if (li->has_krb_error) {
		/* A KRB-ERROR inside CredSSP: kerberos_logon.c names the
		 * ones it knows; the others are said here. */
		if (rdd__krb_logon_named(li->krb_error))
			return;
		d = rdd__emit(c, RDD_CAUSE_CREDSSP_ERROR, "%s (user %s)",
		              li->detail, who);
		rdd__raise_severity(d, RDD_SEV_CRITICAL);
		rdd__set_headline(d,
		                  "the server refuses the Kerberos ticket of "
		                  "%s (KRB-ERROR %d)",
		                  who, (int)li->krb_error);
		return;
	}
	d = rdd__emit(
	    c, cause,
	    "the server answered the logon of %s (%s, CredSSP %u) with "
	    "errorCode 0x%08X %s%s%s%s after %.0f ms",
	    who,
	    li->mech == RDD_LOGON_MECH_KERBEROS ? "Kerberos AP-REQ"
	                                        : "NTLM AUTHENTICATE",
	    (unsigned)li->version, (unsigned)li->error_code,
	    code != NULL ? code->name : "(not a known NTSTATUS)",
	    code != NULL ? " (" : "", code != NULL ? code->message : "",
	    code != NULL ? ")" : "", li->answer_ms);
	rdd__raise_severity(d, RDD_SEV_CRITICAL);
	switch (cause) {
	case RDD_CAUSE_LOGON_FAILED:
		rdd__set_headline(d,
		                  "the server refuses the user name or "
		                  "password of %s",
		                  who);
		break;
	case RDD_CAUSE_LOGON_PASSWORD_EXPIRED:
		rdd__set_headline(d,
		                  "the password of %s has expired or must be "
		                  "changed",
		                  who);
		break;
	case RDD_CAUSE_LOGON_ACCOUNT_LOCKED:
		rdd__set_headline(d, "the account %s is locked out", who);
		break;
	case RDD_CAUSE_LOGON_ACCOUNT_DISABLED:
		rdd__set_headline(d, "the account %s is disabled or expired",
		                  who);
		break;
	case RDD_CAUSE_LOGON_NOT_PERMITTED:
		rdd__set_headline(d,
		                  "%s may not log on through Remote Desktop "
		                  "(%s)",
		                  who, code != NULL ? code->name : "refused");
		break;
	case RDD_CAUSE_CREDSSP_ORACLE_MISMATCH:
		rdd__set_headline(d, "the server refuses rdpdoctor's CredSSP "
		                     "(encryption oracle remediation)");
		break;
	default:
		rdd__set_headline(d,
		                  "the server refuses the logon of %s with "
		                  "errorCode 0x%08X %s",
		                  who, (unsigned)li->error_code,
		                  code != NULL ? code->name : "");
		break;
	}
}

static void
rule_logon(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_logon_info *li = &obs->credssp.logon;
	char who[2 * 256 + 2];
	struct draft *d;

	if (!obs->credentials.given)
		return;
	account(obs, who, sizeof(who));
	switch (li->outcome) {
	case RDD_LOGON_REFUSED:
		refused(c, li, who);
		return;
	case RDD_LOGON_CLOSED:
		d = rdd__emit(c, RDD_CAUSE_LOGON_FAILED,
		              "%s, %.0f ms after the logon of %s (CredSSP %u): "
		              "the server gives no reason; with this server a "
		              "wrong password, an unknown user and a refused "
		              "account look the same",
		              li->detail, li->ms, who, (unsigned)li->version);
		rdd__set_headline(d,
		                  "the server ends the connection after the "
		                  "logon of %s without a reason (most often a "
		                  "wrong user name or password)",
		                  who);
		return;
	case RDD_LOGON_DENIED:
		d = rdd__emit(c, RDD_CAUSE_LOGON_NOT_PERMITTED, "%s (user %s)",
		              li->detail, who);
		rdd__set_headline(d,
		                  "the server accepts the password of %s but "
		                  "denies the connection (Early User "
		                  "Authorization)",
		                  who);
		return;
	case RDD_LOGON_PUBKEY_MISMATCH:
		d = rdd__emit(c, RDD_CAUSE_CREDSSP_PUBKEY_MISMATCH,
		              "%s; no credentials were delegated", li->detail);
		rdd__set_headline(d,
		                  "the server's CredSSP proof does not match "
		                  "its TLS certificate (TLS interception?)");
		return;
	case RDD_LOGON_NOT_SENT:
		if (li->not_sent == RDD_LOGON_NS_ORACLE) {
			d = rdd__emit(c, RDD_CAUSE_CREDSSP_ORACLE_MISMATCH,
			              "%s", li->detail);
			rdd__set_headline(
			    d,
			    "the server's CredSSP (version %u) lacks the "
			    "CVE-2018-0886 fix, so patched clients refuse to "
			    "log on",
			    (unsigned)obs->credssp.server_version);
			return;
		}
		d = rdd__emit(c, RDD_CAUSE_CREDSSP_ERROR, "%s", li->detail);
		rdd__set_headline(d,
		                  "the server's NTLM offers only weak session "
		                  "security: no credentials sent");
		return;
	case RDD_LOGON_TIMEOUT:
		d = rdd__emit(c, RDD_CAUSE_CREDSSP_TIMEOUT, "%s (logon of %s)",
		              li->detail, who);
		rdd__set_headline(d, "the server does not answer the logon");
		return;
	case RDD_LOGON_MALFORMED:
		d = rdd__emit(c, RDD_CAUSE_CREDSSP_ERROR, "%s (logon of %s)",
		              li->detail, who);
		rdd__raise_severity(d, RDD_SEV_CRITICAL);
		rdd__set_headline(d, "the server's answer to the logon is "
		                     "malformed");
		return;
	case RDD_LOGON_ERROR:
		rdd__emit(c, RDD_CAUSE_LOGON_UNVERIFIED, "%s", li->detail);
		return;
	case RDD_LOGON_NOT_RUN:
		if (obs->nla_required == 1 &&
		    obs->credssp.outcome == RDD_CREDSSP_OK)
			rdd__emit(
			    c, RDD_CAUSE_LOGON_UNVERIFIED,
			    "the server answered only a SPNEGO-wrapped "
			    "NTLM NEGOTIATE; rdpdoctor logs on with plain "
			    "NTLM only, so the credentials of %s were not "
			    "tried",
			    who);
		else if (obs->nla_required == 0 && !obs->credentials.logon)
			rdd__emit(
			    c, RDD_CAUSE_LOGON_UNVERIFIED,
			    "the server does not require NLA: without "
			    "--logon the password of %s was not tried "
			    "(the Client Info carried the user name only)",
			    who);
		return;
	case RDD_LOGON_OK:
		return;
	}
}

void
rdd__rules_logon(struct ctx *c)
{
	rule_logon(c);
}
