/*
 * text_logon.c - the "Logon" section of the text report (check --user):
 * the account tried, what the server answered and what the logon left on
 * the server. The password is never in the observation, so never here.
 */
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/codes.h"
#include "report/text_int.h"
#include "wire/krb.h"

static const char *
outcome_words(const struct rdd_logon_info *li)
{
	switch (li->outcome) {
	case RDD_LOGON_OK:
		return "accepted";
	case RDD_LOGON_REFUSED:
		return "refused with an error code";
	case RDD_LOGON_CLOSED:
		return "refused: the server closed without a reason";
	case RDD_LOGON_PUBKEY_MISMATCH:
		return "stopped: the server's proof of its key is wrong";
	case RDD_LOGON_NOT_SENT:
		return "not sent: rdpdoctor refused, as a patched client does";
	case RDD_LOGON_DENIED:
		return "password accepted, connection denied";
	case RDD_LOGON_TIMEOUT:
		return "no answer in time";
	case RDD_LOGON_MALFORMED:
		return "the server's answer is malformed";
	case RDD_LOGON_ERROR:
		return "not tried: rdpdoctor could not build it";
	case RDD_LOGON_NOT_RUN:
	default:
		return "not tried";
	}
}

void
rdd__text_logon(struct ctx *c, const struct rdd_observation *obs)
{
	const struct rdd_logon_info *li = &obs->credssp.logon;
	char buf[2 * ESC_CAP(256) + 64], u[ESC_CAP(256)], d[ESC_CAP(256)];
	char det[ESC_CAP(RDD_STR)];
	const struct rdd_code *code;

	if (!obs->credentials.given)
		return;
	rdd__t_heading(c, "Logon");
	ESC(c, u, obs->credentials.user);
	ESC(c, d, obs->credentials.domain);
	snprintf(buf, sizeof(buf), "%s%s%s (password not shown)", d,
	         d[0] != '\0' ? "\\" : "", u);
	rdd__t_cert_line(c, "account", buf);
	if (li->outcome == RDD_LOGON_NOT_RUN) {
		rdd__t_cert_line(
		    c, "result",
		    obs->nla_required != 0
		        ? "not tried: no NLA logon was possible on this path"
		    : obs->credentials.logon
		        ? "no NLA: the password went in the Client Info with "
		          "auto-logon (see the connection sequence's logon "
		          "line)"
		        : "not tried: the server has no NLA; only --logon "
		          "tests a password there");
		return;
	}
	snprintf(buf, sizeof(buf), "%s (%.1f ms)", outcome_words(li), li->ms);
	rdd__t_cert_line(c, "result", buf);
	ESC(c, det, li->mech_reason);
	snprintf(buf, sizeof(buf) - 1, "%s%s%.*s",
	         li->mech == RDD_LOGON_MECH_KERBEROS ? "Kerberos" : "NTLM",
	         det[0] != '\0' ? ": " : "", (int)(sizeof(buf) / 2), det);
	rdd__t_cert_line(c, "mechanism", buf);
	if (li->has_krb_error) {
		const char *kn = rdd_krb_error_name(li->krb_error);

		snprintf(buf, sizeof(buf),
		         "%d %s (from the server, inside "
		         "CredSSP)",
		         (int)li->krb_error,
		         kn != NULL ? kn : "(unknown code)");
		rdd__t_cert_line(c, "krb error", buf);
	}
	if (li->has_server_skew) {
		snprintf(buf, sizeof(buf),
		         "%+lld s (the server's clock minus "
		         "this machine's)",
		         (long long)li->server_skew_s);
		rdd__t_cert_line(c, "server clock", buf);
	}
	if (li->version != 0 && li->mech == RDD_LOGON_MECH_KERBEROS) {
		snprintf(buf, sizeof(buf), "CredSSP %u, Kerberos in SPNEGO%s",
		         (unsigned)li->version,
		         li->pubkey_checked ? "; the server proved its TLS key"
		                            : "");
		rdd__t_cert_line(c, "protocol", buf);
	} else if (li->version != 0) {
		snprintf(buf, sizeof(buf),
		         "CredSSP %u, NTLMv2 with flags 0x%08X%s",
		         (unsigned)li->version, (unsigned)li->ntlm_flags,
		         li->pubkey_checked ? "; the server proved its TLS key"
		                            : "");
		rdd__t_cert_line(c, "protocol", buf);
	}
	if (li->has_error_code) {
		code = rdd_code_find(RDD_TABLE_CREDSSP, li->error_code);
		snprintf(buf, sizeof(buf), "0x%08X %s%s%s%s",
		         (unsigned)li->error_code,
		         code != NULL ? code->name : "(unknown code)",
		         code != NULL ? " (" : "",
		         code != NULL ? code->message : "",
		         code != NULL ? ")" : "");
		rdd__t_cert_line(c, "error code", buf);
	}
	if (li->has_early_result) {
		snprintf(buf, sizeof(buf), "0x%08X (%s)",
		         (unsigned)li->early_result,
		         li->early_result == 0   ? "success"
		         : li->early_result == 5 ? "ACCESS_DENIED"
		                                 : "not success");
		rdd__t_cert_line(c, "early auth", buf);
	}
	ESC(c, det, li->detail);
	rdd__t_cert_line(c, "detail", det);
	if (li->outcome == RDD_LOGON_OK)
		rdd__t_cert_line(
		    c, "delegated",
		    li->delegated
		        ? "the password (--logon): the server logs the user on"
		        : "nothing: the server got empty credentials and "
		          "cannot log the user on");
}
