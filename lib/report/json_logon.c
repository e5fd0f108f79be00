/*
 * json_logon.c - the "logon" object of the JSON report (docs/json.md):
 * the account tried over NLA and the server's answer; null without
 * --user. The password is never in the observation, so never here.
 */
#include <jansson.h>

#include "rdpdoctor/codes.h"
#include "report/json_int.h"
#include "wire/krb.h"

json_t *
rdd__json_logon(struct jb *b, const struct rdd_observation *obs)
{
	const struct rdd_logon_info *li = &obs->credssp.logon;
	const struct rdd_code *code = NULL;
	json_t *o;

	if (!obs->credentials.given)
		return json_null();
	if ((o = json_object()) == NULL)
		return NULL;
	if (li->has_error_code)
		code = rdd_code_find(RDD_TABLE_CREDSSP, li->error_code);
	rdd__j_put(b, o, "user", UNTRUSTED(obs->credentials.user));
	rdd__j_put(b, o, "domain", UNTRUSTED(obs->credentials.domain));
	rdd__j_put(b, o, "full_logon", json_boolean(obs->credentials.logon));
	rdd__j_put(b, o, "outcome",
	           rdd__j_name_or_null(rdd_logon_outcome_name(li->outcome)));
	rdd__j_put(b, o, "detail", UNTRUSTED(li->detail));
	rdd__j_put(b, o, "mechanism",
	           li->outcome != RDD_LOGON_NOT_RUN ||
	                   li->mech_reason[0] != '\0'
	               ? rdd__j_name_or_null(rdd_logon_mech_name(li->mech))
	               : json_null());
	rdd__j_put(b, o, "mechanism_reason",
	           li->mech_reason[0] != '\0' ? UNTRUSTED(li->mech_reason)
	                                      : json_null());
	rdd__j_put(b, o, "kerberos_error",
	           li->has_krb_error ? json_integer(li->krb_error)
	                             : json_null());
	rdd__j_put(b, o, "kerberos_error_name",
	           rdd__j_name_or_null(li->has_krb_error
	                                   ? rdd_krb_error_name(li->krb_error)
	                                   : NULL));
	rdd__j_put(b, o, "server_clock_skew_s",
	           li->has_server_skew ? json_integer(li->server_skew_s)
	                               : json_null());
	rdd__j_put(b, o, "not_sent_reason",
	           li->outcome != RDD_LOGON_NOT_SENT ? json_null()
	           : li->not_sent == RDD_LOGON_NS_ORACLE
	               ? json_string("credssp_unpatched")
	               : json_string("weak_ntlm"));
	rdd__j_put(b, o, "credssp_version",
	           li->version != 0 ? json_integer(li->version) : json_null());
	rdd__j_put(b, o, "ntlm_flags",
	           li->ntlm_flags != 0 ? json_integer(li->ntlm_flags)
	                               : json_null());
	rdd__j_put(b, o, "error_code",
	           li->has_error_code ? json_integer(li->error_code)
	                              : json_null());
	rdd__j_put(b, o, "error_name",
	           rdd__j_name_or_null(code != NULL ? code->name : NULL));
	rdd__j_put(b, o, "server_key_verified",
	           json_boolean(li->pubkey_checked));
	rdd__j_put(b, o, "early_user_authorization",
	           li->has_early_result ? json_integer(li->early_result)
	                                : json_null());
	rdd__j_put(b, o, "password_delegated",
	           json_boolean(li->outcome == RDD_LOGON_OK && li->delegated));
	rdd__j_put(b, o, "start_ms",
	           li->outcome != RDD_LOGON_NOT_RUN
	               ? rdd__j_ms_value(li->start_ms)
	               : json_null());
	rdd__j_put(b, o, "answer_ms",
	           li->answer_ms > 0 ? rdd__j_ms_value(li->answer_ms)
	                             : json_null());
	rdd__j_put(b, o, "ms",
	           li->outcome != RDD_LOGON_NOT_RUN ? rdd__j_ms_value(li->ms)
	                                            : json_null());
	return o;
}
