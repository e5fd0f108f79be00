/*
 * gateway.c - the rules of the RD Gateway in front of the target (phases
 * gateway-tls, gateway-http, gateway-tunnel, gateway-channel), after
 * shared/reference/gateway.md 9: the gateway's certificate judged as its
 * own subject; the HTTP answer (sign-in, 403, 404 and RPC-only, 5xx);
 * the MS-TSGU refusal by its code (either form: 0x800759DA or 0x000059DA)
 * at the step that gave it; CLOSE_CHANNEL with its reason.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"
#include "wire/tsgu.h"

static enum rdd_phase
step_phase(enum rdd_gw_step s)
{
	switch (s) {
	case RDD_GW_STEP_HTTP:
	case RDD_GW_STEP_HTTP_IN:
		return RDD_PHASE_GATEWAY_HTTP;
	case RDD_GW_STEP_HANDSHAKE:
	case RDD_GW_STEP_TUNNEL_CREATE:
	case RDD_GW_STEP_TUNNEL_AUTH:
		return RDD_PHASE_GATEWAY_TUNNEL;
	case RDD_GW_STEP_CHANNEL:
	case RDD_GW_STEP_DATA:
		return RDD_PHASE_GATEWAY_CHANNEL;
	default:
		return RDD_PHASE_GATEWAY_TLS;
	}
}

/* The HRESULT of a code in either form (reference 2.3). */
static uint32_t
hresult(uint32_t code)
{
	return (code & 0xffff0000u) == 0 && code != 0 ? 0x80070000u | code
	                                              : code;
}

static const char *
code_name(uint32_t code)
{
	const char *n = rdd_tsgu_code_name(code);

	return n != NULL ? n : "an unknown code";
}

/* CERT: the gateway's (or, legacy transport, the IN channel's when it is
 * another one: CHAN names it). */
static void
rule_cert(struct ctx *c, const struct rdd_gateway_info *g,
          const struct rdd_cert *cert, const char *chan)
{
	int64_t now = c->obs->checked_at;
	char date[48], span[48];
	struct draft *d;

	if (!cert->present)
		return;
	if (now > 0 && cert->not_after != 0 && cert->not_after < now) {
		d = rdd__emit(
		    c, RDD_CAUSE_GATEWAY_CERT_EXPIRED,
		    "gateway %s%s: notAfter %s, %s ago; subject %s", g->host,
		    chan,
		    rdd__fmt_date(cert->not_after, true, date, sizeof(date)),
		    rdd__fmt_span(now - cert->not_after, span, sizeof(span)),
		    cert->subject);
		rdd__set_headline(
		    d, "the RD Gateway's certificate expired %s",
		    rdd__fmt_date(cert->not_after, false, date, sizeof(date)));
	} else if (now > 0 && cert->not_before > now) {
		d = rdd__emit(
		    c, RDD_CAUSE_GATEWAY_CERT_EXPIRED,
		    "gateway %s%s: notBefore %s, %s in the future; subject %s",
		    g->host, chan,
		    rdd__fmt_date(cert->not_before, true, date, sizeof(date)),
		    rdd__fmt_span(cert->not_before - now, span, sizeof(span)),
		    cert->subject);
		rdd__set_headline(
		    d, "the RD Gateway's certificate is not valid yet");
	}
	if (cert->name_match == 0) {
		size_t i;

		d = rdd__emit(
		    c, RDD_CAUSE_GATEWAY_CERT_NAME_MISMATCH,
		    "gateway name %s%s; certificate %s%s",
		    cert->name_checked[0] ? cert->name_checked : g->host, chan,
		    cert->common_name[0] ? "CN=" : "no CN", cert->common_name);
		for (i = 0; d != NULL && i < cert->n_san && i < RDD_MAX_SAN;
		     i++)
			rdd__append(d->f.evidence, sizeof(d->f.evidence),
			            "%s%s", i == 0 ? ", SAN " : ", ",
			            cert->san[i]);
		rdd__set_headline(d,
		                  "the RD Gateway's certificate is not for "
		                  "the name %s",
		                  g->host);
	}
	if (cert->self_signed) {
		d = rdd__emit(
		    c, RDD_CAUSE_GATEWAY_CERT_UNTRUSTED,
		    "gateway %s%s: self-signed (issuer = subject: %s)", g->host,
		    chan, cert->issuer);
		rdd__set_headline(
		    d, "the RD Gateway's certificate is self-signed");
	} else if (cert->trusted == 0) {
		d = rdd__emit(
		    c, RDD_CAUSE_GATEWAY_CERT_UNTRUSTED,
		    "gateway %s%s: issuer %s: %s", g->host, chan, cert->issuer,
		    cert->trust_error[0] ? cert->trust_error : "not trusted");
		rdd__set_headline(d, "the RD Gateway's certificate does not "
		                     "chain to a trusted root");
	}
}

/* The other forms of the target's name a resource policy may list. */
static void
name_forms(const char *host, char *dst, size_t cap)
{
	bool ip = strspn(host, "0123456789.") == strlen(host) ||
	          strchr(host, ':') != NULL;
	const char *dot = strchr(host, '.');

	if (ip)
		snprintf(dst, cap,
		         "%.100s is an IP address: the policy may list the "
		         "computer's FQDN or NetBIOS name instead",
		         host);
	else if (dot != NULL)
		snprintf(
		    dst, cap,
		    "%.100s is an FQDN: the policy may list the NetBIOS name "
		    "%.*s or the IP address instead",
		    host, (int)(dot - host > 63 ? 63 : dot - host), host);
	else
		snprintf(
		    dst, cap,
		    "%.100s is a NetBIOS name: the policy may list the FQDN "
		    "or the IP address instead",
		    host);
}

static void
rule_refused(struct ctx *c, const struct rdd_gateway_info *g)
{
	uint32_t h = hresult(g->code);
	enum rdd_phase ph = step_phase(g->step);
	char forms[RDD_STR];
	struct draft *d;

	if (g->close_channel && g->step != RDD_GW_STEP_DATA) {
		d = rdd__emit_in(c, RDD_CAUSE_GATEWAY_CLOSED, ph,
		                 "CLOSE_CHANNEL 0x%08X %s during %s", g->code,
		                 code_name(g->code), rdd_gw_step_name(g->step));
		rdd__set_headline(d, "the RD Gateway closed the channel (%s)",
		                  code_name(g->code));
		return;
	}
	switch (h) {
	case 0x800759E9u: /* E_PROXY_CAPABILITYMISMATCH */
	case 0x800759F9u: /* E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD */
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_CAPABILITY_MISMATCH, "%s",
		              g->detail);
		rdd__set_headline(d, "the RD Gateway refused the %s (%s)",
		                  rdd_gw_step_name(g->step),
		                  code_name(g->code));
		return;
	case 0x800759DBu: /* E_PROXY_NAP_ACCESSDENIED */
	case 0x800759EDu: /* E_PROXY_QUARANTINE_ACCESSDENIED */
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_CONNECTION_POLICY_DENIED,
		              "%s (signed in as %s%s%s)", g->detail, g->domain,
		              g->domain[0] ? "\\" : "",
		              g->user[0] ? g->user : "nobody");
		rdd__set_headline(d, "the RD Gateway's connection policy (CAP) "
		                     "refuses the user");
		return;
	case 0x800759DAu: /* E_PROXY_RAP_ACCESSDENIED */
		name_forms(g->resource, forms, sizeof(forms));
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_RESOURCE_POLICY_DENIED,
		              "%s for %s port %u; %s", g->detail, g->resource,
		              (unsigned)g->resource_port, forms);
		rdd__set_headline(d,
		                  "the RD Gateway's resource policy (RAP) does "
		                  "not allow %s port %u by this name",
		                  g->resource, (unsigned)g->resource_port);
		return;
	case 0x800759DDu: /* E_PROXY_TS_CONNECTFAILED */
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_TARGET_UNREACHABLE,
		              "%s: the gateway could not connect to %s port %u",
		              g->detail, g->resource,
		              (unsigned)g->resource_port);
		rdd__set_headline(d, "the RD Gateway cannot reach %s port %u",
		                  g->resource, (unsigned)g->resource_port);
		return;
	case 0x800759E6u: /* E_PROXY_MAXCONNECTIONSREACHED */
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_MAX_CONNECTIONS, "%s",
		              g->detail);
		rdd__set_headline(d,
		                  "the RD Gateway has reached its connection "
		                  "limit");
		return;
	default:
		d = rdd__emit_in(c, RDD_CAUSE_GATEWAY_ERROR, ph, "%s at %s",
		                 g->detail, rdd_gw_step_name(g->step));
		rdd__set_headline(d, "the RD Gateway refused the %s (%s)",
		                  rdd_gw_step_name(g->step),
		                  code_name(g->code));
		return;
	}
}

static void
rule_http(struct ctx *c, const struct rdd_gateway_info *g)
{
	struct draft *d;
	unsigned st = g->status;

	if (st == 404 || st == 410) {
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_NOT_FOUND, "%s%s%s",
		              g->detail, g->server[0] ? "; Server: " : "",
		              g->server);
		rdd__set_headline(d,
		                  "%s is not an RD Gateway with the HTTP "
		                  "transport (HTTP %u)",
		                  g->host, st);
	} else if (st == 403 || st == 405 || st == 501 ||
	           (st >= 300 && st < 400)) {
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_FORBIDDEN, "%s (%s)%s%s",
		              g->detail, g->reason,
		              g->server[0] ? "; Server: " : "", g->server);
		rdd__set_headline(d,
		                  "the gateway's web server refuses the "
		                  "request (HTTP %u)",
		                  st);
	} else if (st >= 500) {
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_UNAVAILABLE, "%s (%s)%s%s",
		              g->detail, g->reason,
		              g->server[0] ? "; Server: " : "", g->server);
		rdd__set_headline(d, "the RD Gateway is unavailable (HTTP %u)",
		                  st);
	} else {
		d = rdd__emit_in(c, RDD_CAUSE_GATEWAY_ERROR,
		                 RDD_PHASE_GATEWAY_HTTP, "%s (%s)", g->detail,
		                 g->reason);
		rdd__set_headline(d, "the RD Gateway answered HTTP %u", st);
	}
}

void
rdd__rules_gateway(struct ctx *c)
{
	const struct rdd_gateway_info *g = &c->obs->gateway;
	enum rdd_phase ph;
	struct draft *d;

	if (!g->present)
		return;
	if (g->not_reached) {
		/* scan: not checked, the gateway failed for another host. */
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_NOT_REACHED,
		              "gateway %s:%u failed for %s at %s (%s); no "
		              "connection made for this host",
		              g->host, (unsigned)g->port, g->not_reached_by,
		              rdd_gw_step_name(g->not_reached_step),
		              rdd_gw_outcome_name(g->not_reached_outcome));
		rdd__set_headline(d,
		                  "not checked: the RD Gateway %s failed for "
		                  "%s",
		                  g->host, g->not_reached_by);
		return;
	}
	rule_cert(c, g, &g->tls.cert, "");
	if (g->in_cert_differs)
		rule_cert(c, g, &g->in_tls.cert,
		          " (IN channel, another certificate)");
	ph = step_phase(g->step);
	switch (g->outcome) {
	case RDD_GW_NOT_RUN:
		return;
	case RDD_GW_OK:
		if (g->close_channel) {
			d = rdd__emit(
			    c, RDD_CAUSE_GATEWAY_CLOSED,
			    "CLOSE_CHANNEL 0x%08X %s at %.0f ms, after "
			    "%llu bytes from the computer",
			    g->close_status, code_name(g->close_status),
			    g->close_at_ms,
			    (unsigned long long)g->bytes_received);
			rdd__set_headline(
			    d, "the RD Gateway closed the channel (%s)",
			    code_name(g->close_status));
		}
		return;
	case RDD_GW_DNS_FAILED:
	case RDD_GW_TCP_FAILED:
		if (g->step == RDD_GW_STEP_HTTP_IN) {
			/* The first connection worked: not unreachable, a
			 * second one refused (legacy transport, gateway-http). */
			d = rdd__emit_in(c, RDD_CAUSE_GATEWAY_ERROR, ph, "%s",
			                 g->detail);
			rdd__set_headline(
			    d, "the RD Gateway refuses the second "
			       "connection its legacy HTTP transport "
			       "needs");
			return;
		}
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_UNREACHABLE, "%s",
		              g->detail);
		rdd__set_headline(d, "the RD Gateway %s cannot be reached",
		                  g->host);
		return;
	case RDD_GW_TLS_FAILED:
		d = rdd__emit_in(
		    c, RDD_CAUSE_GATEWAY_ERROR,
		    g->step == RDD_GW_STEP_HTTP_IN ? ph : RDD_PHASE_GATEWAY_TLS,
		    "TLS with the gateway %s failed: %s", g->host, g->detail);
		rdd__set_headline(d, "TLS with the RD Gateway fails");
		return;
	case RDD_GW_HTTP_STATUS:
		rule_http(c, g);
		return;
	case RDD_GW_AUTH_FAILED:
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_AUTH_FAILED,
		              "%s; account %s%s%s", g->detail, g->domain,
		              g->domain[0] ? "\\" : "", g->user);
		rdd__set_headline(d, "the RD Gateway refuses the sign-in of %s",
		                  g->user);
		return;
	case RDD_GW_AUTH_NO_CREDENTIALS:
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_AUTH_FAILED,
		              "%s (give --gateway-user, or --user for both)",
		              g->detail);
		rdd__set_headline(d, "the RD Gateway needs a sign-in and no "
		                     "credentials were given");
		return;
	case RDD_GW_AUTH_KERBEROS:
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_AUTH_KERBEROS_ONLY, "%s",
		              g->detail);
		rdd__set_headline(d, "the RD Gateway accepts Kerberos only");
		return;
	case RDD_GW_RPC_ONLY:
		d = rdd__emit(c, RDD_CAUSE_GATEWAY_NOT_FOUND, "%s", g->detail);
		rdd__set_headline(d, "the RD Gateway speaks only RPC over HTTP "
		                     "(not walked)");
		return;
	case RDD_GW_REFUSED:
		rule_refused(c, g);
		return;
	case RDD_GW_CLOSED:
	case RDD_GW_RESET:
		if (g->step == RDD_GW_STEP_TLS) {
			d = rdd__emit_in(c, RDD_CAUSE_GATEWAY_ERROR,
			                 RDD_PHASE_GATEWAY_TLS, "%s",
			                 g->detail);
			rdd__set_headline(d, "TLS with the RD Gateway fails");
			return;
		}
		d = rdd__emit_in(c, RDD_CAUSE_GATEWAY_CLOSED, ph, "%s at %s",
		                 g->detail, rdd_gw_step_name(g->step));
		rdd__set_headline(d,
		                  "the RD Gateway closed the connection at %s",
		                  rdd_gw_step_name(g->step));
		return;
	case RDD_GW_TIMEOUT:
		if (g->step <= RDD_GW_STEP_TCP) {
			d = rdd__emit(c, RDD_CAUSE_GATEWAY_UNREACHABLE, "%s",
			              g->detail);
			rdd__set_headline(
			    d, "the RD Gateway %s does not answer", g->host);
			return;
		}
		if (g->step == RDD_GW_STEP_CHANNEL) {
			/* The gateway answers CHANNEL_CREATE once its own
			 * connect to the target ends: a dropped port keeps
			 * it trying longer than the check waits. */
			d = rdd__emit(
			    c, RDD_CAUSE_GATEWAY_TARGET_UNREACHABLE,
			    "no CHANNEL_RESPONSE for %s port %u: %s; "
			    "the gateway is most likely still "
			    "trying to connect to it (a dropped port)",
			    g->resource, (unsigned)g->resource_port, g->detail);
			rdd__set_headline(
			    d,
			    "the RD Gateway gets no answer from %s "
			    "port %u",
			    g->resource, (unsigned)g->resource_port);
			return;
		}
		d = rdd__emit_in(c, RDD_CAUSE_GATEWAY_ERROR, ph, "%s at %s",
		                 g->detail, rdd_gw_step_name(g->step));
		rdd__set_headline(d, "the RD Gateway does not answer at %s",
		                  rdd_gw_step_name(g->step));
		return;
	case RDD_GW_LEGACY_ONLY:
	case RDD_GW_BAD_UPGRADE:
	case RDD_GW_MALFORMED:
	case RDD_GW_ERROR:
	default:
		d = rdd__emit_in(c, RDD_CAUSE_GATEWAY_ERROR, ph, "%s at %s",
		                 g->detail, rdd_gw_step_name(g->step));
		rdd__set_headline(d, "the RD Gateway walk failed at %s",
		                  rdd_gw_step_name(g->step));
		return;
	}
}
