/*
 * gateway_conclude.c - the gateway phases of a check from its gateway
 * record (gateway.h, rdd_gw_conclude): gateway-tls (the gateway's name,
 * TCP and TLS), gateway-http (request, sign-in, transport),
 * gateway-tunnel (handshake, tunnel create, tunnel authorize),
 * gateway-channel (channel create). Through a gateway, the target's
 * resolve and tcp are the gateway's job: resolve is not part of the
 * check, and tcp is the channel's answer.
 */
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/gateway.h"

static void
set(struct rdd_phase_result *ph, enum rdd_status st, double start, double ms,
    const char *detail)
{
	ph->present = true;
	ph->status = st;
	ph->start_ms = start;
	ph->ms = ms > 0 ? ms : 0;
	snprintf(ph->detail, sizeof(ph->detail), "%s", detail);
}

/* The phase that steps FIRST..LAST make up: ok when the walk went past
 * LAST, failed (or timeout) when it ended within, else skipped. */
static void
phase(const struct rdd_gateway_info *g, struct rdd_phase_result *ph,
      enum rdd_gw_step first, enum rdd_gw_step last, double start, double ms,
      const char *ok_detail)
{
	if (g->step > last) {
		set(ph, RDD_STATUS_OK, start, ms, ok_detail);
		return;
	}
	if (g->step >= first && g->outcome != RDD_GW_NOT_RUN &&
	    g->outcome != RDD_GW_OK) {
		set(ph,
		    g->outcome == RDD_GW_TIMEOUT ? RDD_STATUS_TIMEOUT
		                                 : RDD_STATUS_FAILED,
		    start, ms, g->detail);
		return;
	}
	set(ph, RDD_STATUS_SKIPPED, 0, 0, "");
}

void
rdd_gw_conclude(struct rdd_observation *obs)
{
	const struct rdd_gateway_info *g = &obs->gateway;
	struct rdd_phase_result *ph = obs->phases;
	char d[RDD_STR];

	if (!g->present)
		return;
	snprintf(d, sizeof(d), "%s %s with %.60s (%s port %u)", g->tls.version,
	         g->tls.cipher, g->host, g->address, (unsigned)g->port);
	phase(g, &ph[RDD_PHASE_GATEWAY_TLS], RDD_GW_STEP_RESOLVE,
	      RDD_GW_STEP_TLS, g->tls_start_ms, g->tls_ms, d);
	snprintf(d, sizeof(d), "%s transport after %u request%s%s%s%s",
	         strcmp(g->transport, "websocket") == 0 ? "WebSocket"
	         : strcmp(g->transport, "legacy") == 0  ? "legacy HTTP"
	                                                : g->transport,
	         g->requests, g->requests == 1 ? "" : "s",
	         g->connections == 2 ? " on 2 connections (OUT, IN)" : "",
	         !g->ntlm ? ", no sign-in asked"
	         : strcmp(g->auth_scheme, "Negotiate") == 0
	             ? ", NTLM sign-in inside Negotiate"
	             : ", NTLM sign-in",
	         g->ntlm && g->channel_binding ? " with channel binding" : "");
	phase(g, &ph[RDD_PHASE_GATEWAY_HTTP], RDD_GW_STEP_HTTP,
	      RDD_GW_STEP_HTTP_IN, g->http_start_ms, g->http_ms, d);
	snprintf(d, sizeof(d), "handshake, tunnel %u created and authorized",
	         (unsigned)g->tunnel_id);
	phase(g, &ph[RDD_PHASE_GATEWAY_TUNNEL], RDD_GW_STEP_HANDSHAKE,
	      RDD_GW_STEP_TUNNEL_AUTH, g->tunnel_start_ms, g->tunnel_ms, d);
	snprintf(d, sizeof(d), "channel %u to %.120s port %u",
	         (unsigned)g->channel_id, g->resource,
	         (unsigned)g->resource_port);
	phase(g, &ph[RDD_PHASE_GATEWAY_CHANNEL], RDD_GW_STEP_CHANNEL,
	      RDD_GW_STEP_CHANNEL, g->channel_start_ms, g->channel_ms, d);
	if (g->step == RDD_GW_STEP_DATA && g->close_channel) {
		/* Open, then closed by the gateway during the target's walk. */
		snprintf(d, sizeof(d),
		         "channel %u to %.120s port %u closed by the gateway "
		         "(CLOSE_CHANNEL 0x%08X) at %.0f ms",
		         (unsigned)g->channel_id, g->resource,
		         (unsigned)g->resource_port, (unsigned)g->close_status,
		         g->close_at_ms);
		set(&ph[RDD_PHASE_GATEWAY_CHANNEL], RDD_STATUS_FAILED,
		    g->channel_start_ms, g->channel_ms, d);
	}

	/* The target's name and TCP connection are the gateway's. */
	ph[RDD_PHASE_RESOLVE].present = false;
	if (g->step == RDD_GW_STEP_DATA) {
		snprintf(d, sizeof(d),
		         "through the gateway: channel to %.120s port %u",
		         g->resource, (unsigned)g->resource_port);
		set(&ph[RDD_PHASE_TCP], RDD_STATUS_OK, g->channel_start_ms,
		    g->channel_ms, d);
	} else {
		int p;

		ph[RDD_PHASE_TCP].present = false;
		/* Not "TCP connection failed": the gateway stopped first. */
		for (p = RDD_PHASE_X224; p <= RDD_PHASE_ACTIVATION; p++)
			if (ph[p].present && ph[p].status == RDD_STATUS_SKIPPED)
				snprintf(
				    ph[p].detail, sizeof(ph[p].detail),
				    "not reached: the gateway's channel to "
				    "the target did not open");
	}
}
