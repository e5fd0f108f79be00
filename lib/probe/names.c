/*
 * names.c - stable names of the observation's enumerations. These strings
 * are part of the JSON contract (docs/json.md): add, never rename.
 */
#include <string.h>

#include "rdpdoctor/observation.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const phase_names[RDD_PHASE_COUNT] = {
    [RDD_PHASE_RESOLVE] = "resolve",
    [RDD_PHASE_TCP] = "tcp",
    [RDD_PHASE_X224] = "x224",
    [RDD_PHASE_TLS] = "tls",
    [RDD_PHASE_CREDSSP] = "credssp",
    [RDD_PHASE_MCS] = "mcs",
    [RDD_PHASE_LICENSING] = "licensing",
    [RDD_PHASE_ACTIVATION] = "activation",
    [RDD_PHASE_UDP] = "udp",
    [RDD_PHASE_NETWORK] = "network",
    [RDD_PHASE_KERBEROS] = "kerberos",
    [RDD_PHASE_GATEWAY_TLS] = "gateway-tls",
    [RDD_PHASE_GATEWAY_HTTP] = "gateway-http",
    [RDD_PHASE_GATEWAY_TUNNEL] = "gateway-tunnel",
    [RDD_PHASE_GATEWAY_CHANNEL] = "gateway-channel",
};

static const char *const gw_step_names[] = {
    "none",      "resolve",       "tcp",         "tls",     "http", "http_in",
    "handshake", "tunnel_create", "tunnel_auth", "channel", "data",
};

const char *
rdd_gw_step_name(enum rdd_gw_step s)
{
	return (unsigned)s < NELEM(gw_step_names) ? gw_step_names[s] : NULL;
}

static const char *const gw_outcome_names[] = {
    "not_run",
    "ok",
    "dns_failed",
    "tcp_failed",
    "tls_failed",
    "http_status",
    "auth_failed",
    "auth_kerberos",
    "auth_no_credentials",
    "rpc_only",
    "legacy_only",
    "bad_upgrade",
    "refused",
    "closed",
    "reset",
    "timeout",
    "malformed",
    "error",
};

const char *
rdd_gw_outcome_name(enum rdd_gw_outcome o)
{
	return (unsigned)o < NELEM(gw_outcome_names) ? gw_outcome_names[o]
	                                             : NULL;
}

const char *
rdd_phase_name(enum rdd_phase phase)
{
	if ((unsigned)phase >= RDD_PHASE_COUNT)
		return NULL;
	return phase_names[phase];
}

int
rdd_phase_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(phase_names); i++)
		if (strcmp(phase_names[i], name) == 0)
			return (int)i;
	return -1;
}

static const char *
lookup(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : NULL;
}

const char *
rdd_status_name(enum rdd_status s)
{
	static const char *const n[] = {"skipped", "ok", "failed", "timeout"};

	return lookup(n, NELEM(n), (unsigned)s);
}

const char *
rdd_tcp_outcome_name(enum rdd_tcp_outcome o)
{
	static const char *const n[] = {"not_run", "ok",          "refused",
	                                "timeout", "unreachable", "error"};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_x224_outcome_name(enum rdd_x224_outcome o)
{
	static const char *const n[] = {
	    "not_run",  "response", "failure", "no_negotiation_data",
	    "timeout",  "closed",   "reset",   "not_rdp",
	    "malformed"};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_tls_outcome_name(enum rdd_tls_outcome o)
{
	static const char *const n[] = {"not_run", "ok",    "alert",
	                                "closed",  "reset", "timeout",
	                                "not_tls", "error"};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_credssp_outcome_name(enum rdd_credssp_outcome o)
{
	static const char *const n[] = {"not_run", "ok",    "closed",   "reset",
	                                "timeout", "error", "malformed"};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_logon_outcome_name(enum rdd_logon_outcome o)
{
	static const char *const n[] = {
	    "not_run",  "ok",     "refused", "closed",    "pubkey_mismatch",
	    "not_sent", "denied", "timeout", "malformed", "error"};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_logon_mech_name(enum rdd_logon_mech m)
{
	static const char *const n[] = {"ntlm", "kerberos"};

	return lookup(n, NELEM(n), (unsigned)m);
}

const char *
rdd_security_layer_name(enum rdd_security_layer l)
{
	static const char *const n[] = {"unknown", "rdp", "negotiate", "tls"};

	return lookup(n, NELEM(n), (unsigned)l);
}

const char *
rdd_mcs_outcome_name(enum rdd_mcs_outcome o)
{
	static const char *const n[] = {
	    "not_run", "ok",      "disconnected", "closed",
	    "reset",   "timeout", "malformed",    "error",
	};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_server_cert_kind_name(enum rdd_server_cert_kind k)
{
	static const char *const n[] = {"none", "proprietary", "x509",
	                                "unknown"};

	return lookup(n, NELEM(n), (unsigned)k);
}

const char *
rdd_session_outcome_name(enum rdd_session_outcome o)
{
	static const char *const n[] = {
	    "not_run",    "activated",     "stopped",      "refused",
	    "error_info", "license_error", "disconnected", "redirected",
	    "closed",     "reset",         "timeout",      "malformed",
	    "error",      "logged_on",     "logon_failed"};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_logon_notice_name(enum rdd_logon_notice n)
{
	static const char *const names[] = {"not_awaited", "logged_on",
	                                    "failed", "dialog", "none"};

	return lookup(names, NELEM(names), (unsigned)n);
}

const char *
rdd_session_step_name(enum rdd_session_step s)
{
	static const char *const n[RDD_STEP_COUNT] = {
	    [RDD_STEP_ERECT_DOMAIN] = "erect_domain",
	    [RDD_STEP_ATTACH_USER] = "attach_user",
	    [RDD_STEP_JOIN_USER] = "join_user_channel",
	    [RDD_STEP_JOIN_IO] = "join_io_channel",
	    [RDD_STEP_JOIN_MESSAGE] = "join_message_channel",
	    [RDD_STEP_JOIN_STATIC] = "join_static_channel",
	    [RDD_STEP_SECURITY_EXCHANGE] = "security_exchange",
	    [RDD_STEP_CLIENT_INFO] = "client_info",
	    [RDD_STEP_LICENSE_REQUEST] = "license_request",
	    [RDD_STEP_NEW_LICENSE_REQUEST] = "new_license_request",
	    [RDD_STEP_PLATFORM_CHALLENGE] = "platform_challenge",
	    [RDD_STEP_PLATFORM_CHALLENGE_RESPONSE] =
	        "platform_challenge_response",
	    [RDD_STEP_LICENSE_ISSUED] = "license_issued",
	    [RDD_STEP_LICENSE_VALID] = "license_valid_client",
	    [RDD_STEP_LICENSE_ERROR] = "license_error",
	    [RDD_STEP_DEMAND_ACTIVE] = "demand_active",
	    [RDD_STEP_CONFIRM_ACTIVE] = "confirm_active",
	    [RDD_STEP_SYNCHRONIZE] = "synchronize",
	    [RDD_STEP_COOPERATE] = "control_cooperate",
	    [RDD_STEP_GRANTED_CONTROL] = "control_granted",
	    [RDD_STEP_FONT_MAP] = "font_map",
	    [RDD_STEP_DISCONNECT] = "disconnect",
	};

	return lookup(n, NELEM(n), (unsigned)s);
}

const char *
rdd_licensing_path_name(enum rdd_licensing_path p)
{
	static const char *const n[] = {"not_reached",   "valid_client",
	                                "request_valid", "challenge_not_taken",
	                                "issued",        "error",
	                                "skipped"};

	return lookup(n, NELEM(n), (unsigned)p);
}

void
rdd_session_info_init(struct rdd_session_info *s)
{
	memset(s, 0, sizeof(*s));
	s->mcs_result = -1;
	s->cert_signature = -1;
	s->disconnect_reason = -1;
	s->phase = RDD_PHASE_MCS;
	s->stop_after = RDD_PHASE_ACTIVATION;
}

void
rdd_observation_init(struct rdd_observation *obs)
{
	size_t i;

	memset(obs, 0, sizeof(*obs));
	obs->nla_required = -1;
	obs->tls.cert.name_match = -1;
	obs->tls.cert.trusted = -1;
	obs->mcs.result = -1;
	obs->mcs.disconnect_reason = -1;
	rdd_session_info_init(&obs->session);
	for (i = 0; i < RDD_PHASE_COUNT; i++)
		obs->phases[i].status = RDD_STATUS_SKIPPED;
}
