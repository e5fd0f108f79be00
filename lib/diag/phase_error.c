/*
 * phase_error.c - the native error of a failed phase (diag.h,
 * rdd_phase_error): the number and name the failing layer itself gave,
 * for tools that embed the verdict and need the code, not only prose.
 *
 * Which record speaks for which phase follows lib/probe/plan.c: resolve
 * is the lookup's; tcp, x224 and tls are the default client's connection
 * A (else the first one); credssp is the CredSSP exchange the check kept
 * (the logon's answer first, with --user); licensing and the rest are
 * the session walk's.
 */
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/codes.h"
#include "rdpdoctor/diag.h"
#include "wire/tlsrec.h"
#include "wire/tsgu.h"

static const struct rdd_attempt *
default_attempt(const struct rdd_observation *obs)
{
	size_t i;

	for (i = 0; i < obs->n_attempts && i < RDD_MAX_ATTEMPTS; i++)
		if (strcmp(obs->attempts[i].label, "A") == 0)
			return &obs->attempts[i];
	return obs->n_attempts > 0 ? &obs->attempts[0] : NULL;
}

static void
set(struct rdd_phase_error *out, const char *layer, bool has_code, int64_t code,
    const char *name)
{
	out->layer = layer;
	out->has_code = has_code;
	out->code = has_code ? code : 0;
	snprintf(out->name, sizeof(out->name), "%s", name != NULL ? name : "");
}

static const char *
table_name(enum rdd_code_table t, uint32_t v)
{
	const struct rdd_code *c = rdd_code_find(t, v);

	return c != NULL ? c->name : NULL;
}

/* A CredSSP errorCode: an NTSTATUS (severity bits 11, 0xC...) or an SSPI
 * HRESULT (0x8...). */
static void
credssp_code(struct rdd_phase_error *out, uint32_t v)
{
	set(out, (v >> 30) == 3 ? "ntstatus" : "hresult", true, v,
	    table_name(RDD_TABLE_CREDSSP, v));
}

/* The standard reason phrase of the statuses a gateway gives. */
static const char *
http_reason(unsigned st)
{
	switch (st) {
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "";
	}
}

/* The gateway's name, TCP connection or TLS handshake. */
static int
gateway_tls_error(const struct rdd_gateway_info *g, struct rdd_phase_error *out)
{
	if (g->resolve_errname[0] != '\0') {
		set(out, "dns", g->resolve_gai != 0, g->resolve_gai,
		    g->resolve_errname);
		return 0;
	}
	if (g->tcp_errname[0] != '\0') {
		set(out, "socket", g->tcp_errno > 0, g->tcp_errno,
		    g->tcp_errname);
		return 0;
	}
	if (g->tls_outcome == RDD_TLS_ALERT) {
		set(out, "tls-alert", true, g->alert_desc,
		    rdd_tls_alert_name(g->alert_desc));
		return 0;
	}
	return -1;
}

int
rdd_phase_error(const struct rdd_observation *obs, enum rdd_phase p,
                struct rdd_phase_error *out)
{
	const struct rdd_attempt *a;
	const struct rdd_session_info *s;
	const struct rdd_credssp_info *ci;

	if (obs == NULL || out == NULL || (unsigned)p >= RDD_PHASE_COUNT)
		return -1;
	memset(out, 0, sizeof(*out));
	if (obs->phases[p].status != RDD_STATUS_FAILED &&
	    obs->phases[p].status != RDD_STATUS_TIMEOUT)
		return -1;
	a = default_attempt(obs);
	s = &obs->session;
	ci = &obs->credssp;
	switch (p) {
	case RDD_PHASE_RESOLVE:
		if (obs->resolve_errname[0] == '\0')
			return -1;
		set(out, "dns", obs->resolve_gai != 0, obs->resolve_gai,
		    obs->resolve_errname);
		return 0;
	case RDD_PHASE_TCP:
		if (a == NULL || a->tcp_errname[0] == '\0')
			return -1;
		set(out, "socket", a->tcp_errno > 0, a->tcp_errno,
		    a->tcp_errname);
		return 0;
	case RDD_PHASE_X224:
		if (a == NULL || a->x224 != RDD_X224_FAILURE)
			return -1;
		set(out, "x224-failure", true, a->failure_code,
		    table_name(RDD_TABLE_NEG, a->failure_code));
		return 0;
	case RDD_PHASE_TLS:
		if (a == NULL || a->tls != RDD_TLS_ALERT)
			return -1;
		set(out, "tls-alert", true, a->alert_desc,
		    rdd_tls_alert_name(a->alert_desc));
		return 0;
	case RDD_PHASE_GATEWAY_TLS:
		return gateway_tls_error(&obs->gateway, out);
	case RDD_PHASE_GATEWAY_HTTP:
		/* Legacy transport: the IN channel's own connection. */
		if (obs->gateway.step == RDD_GW_STEP_HTTP_IN &&
		    obs->gateway.in_tcp_errname[0] != '\0') {
			set(out, "socket", obs->gateway.in_tcp_errno > 0,
			    obs->gateway.in_tcp_errno,
			    obs->gateway.in_tcp_errname);
			return 0;
		}
		if (obs->gateway.step == RDD_GW_STEP_HTTP_IN &&
		    obs->gateway.in_tls_outcome == RDD_TLS_ALERT) {
			set(out, "tls-alert", true, obs->gateway.in_alert_desc,
			    rdd_tls_alert_name(obs->gateway.in_alert_desc));
			return 0;
		}
		if (obs->gateway.status == 0)
			return -1;
		set(out, "http", true, obs->gateway.status,
		    obs->gateway.reason[0] != '\0'
		        ? obs->gateway.reason
		        : http_reason(obs->gateway.status));
		return 0;
	case RDD_PHASE_GATEWAY_TUNNEL:
	case RDD_PHASE_GATEWAY_CHANNEL:
		if (!obs->gateway.has_code)
			return -1;
		set(out, "hresult", true, obs->gateway.code,
		    rdd_tsgu_code_name(obs->gateway.code));
		return 0;
	case RDD_PHASE_CREDSSP:
		if (ci->logon.outcome != RDD_LOGON_NOT_RUN &&
		    ci->logon.has_error_code) {
			credssp_code(out, ci->logon.error_code);
			return 0;
		}
		if (!ci->has_error_code)
			return -1;
		credssp_code(out, ci->error_code);
		return 0;
	default:
		break;
	}
	if (p == RDD_PHASE_LICENSING && s->has_license_error) {
		set(out, "licensing", true, s->license_error_code,
		    table_name(RDD_TABLE_LICENSE, s->license_error_code));
		return 0;
	}
	if (s->has_error_info && s->error_info_phase == p) {
		set(out, "errinfo", true, s->error_info,
		    table_name(RDD_TABLE_ERRINFO, s->error_info));
		return 0;
	}
	return -1;
}
