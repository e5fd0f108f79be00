/*
 * gateway_tsgu.c - the gateway walk over WebSocket (gateway_int.h): the
 * server's frames (one MS-TSGU packet per binary frame, or split over
 * continuation frames), the MS-TSGU steps (handshake, tunnel create,
 * tunnel authorize, channel create; reference 2.2, 2.3: any non-zero
 * code is a refusal) and, once the channel is open, the target's walk:
 * the inner probe's bytes out as DATA packets, the DATA received into
 * it, KEEPALIVE echoed, CLOSE_CHANNEL answered and recorded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probe/gateway_int.h"

/* FreeRDP's capabilities (reference 2.2: QUAR_SOH, consent, service
 * messages): what Windows gateways are known to accept from a client. */
#define GW_CAPS                                                                \
	(RDD_TSGU_CAP_QUAR_SOH | RDD_TSGU_CAP_MESSAGING_CONSENT_SIGN |         \
	 RDD_TSGU_CAP_MESSAGING_SERVICE_MSG)

static const char *
pkt_name(uint16_t type)
{
	const char *n = rdd_tsgu_type_name(type);

	return n != NULL ? n : "an unknown packet";
}

/* Build with FN into g->pkt and send it. */
#define SEND_PKT(g, now, call)                                                 \
	do {                                                                   \
		struct rdd_buf b_;                                             \
		if (!rdd__gw_build_in((g), &(g)->pkt, GW_PKT_CAP, &b_, (now))) \
			return;                                                \
		if ((call) != 0 || b_.err) {                                   \
			rdd__gw_fail((g), RDD_GW_ERROR, (now),                 \
			             "could not build an MS-TSGU packet");     \
			return;                                                \
		}                                                              \
		if (rdd__gw_send_packet((g), (g)->pkt.p, b_.len, (now)) != 0)  \
			return;                                                \
	} while (0)

static void
refused(struct rdd_gw *g, uint32_t code, uint64_t now, const char *what)
{
	const char *name = rdd_tsgu_code_name(code);

	g->info->has_code = true;
	g->info->code = code;
	rdd__gw_fail(g, RDD_GW_REFUSED, now, "%s: 0x%08X %s", what,
	             (unsigned)code, name != NULL ? name : "(unknown code)");
}

void
rdd__gw_ws_begin(struct rdd_gw *g, const uint8_t *rest, size_t n, uint64_t now)
{
	rdd__gw_step(g, RDD_GW_STEP_HANDSHAKE, now);
	rdd__gw_tracef(g, "-> HANDSHAKE_REQUEST 1.0");
	SEND_PKT(g, now, rdd_tsgu_build_handshake(&b_, RDD_TSGU_EXT_AUTH_NONE));
	if (n > 0)
		rdd__gw_ws_recv(g, rest, n, now);
}

static void
channel_open(struct rdd_gw *g, uint64_t now)
{
	struct rdd_gateway_info *in = g->info;

	rdd__gw_step(g, RDD_GW_STEP_DATA, now);
	in->outcome = RDD_GW_OK;
	snprintf(in->detail, sizeof(in->detail),
	         "channel %u to %.120s port %u open", (unsigned)in->channel_id,
	         in->resource, (unsigned)in->resource_port);
	if (g->attempt != NULL) {
		g->attempt->tcp = RDD_TCP_OK;
		g->attempt->tcp_start_ms = in->channel_start_ms;
		g->attempt->tcp_ms = in->channel_ms;
	}
	g->state = GW_DATA;
	rdd_probe_start(g->inner, now);
	rdd__gw_pump_inner(g, now);
}

/* The answer the current step waits for. */
static void
step_answer(struct rdd_gw *g, const struct rdd_tsgu_pkt *pk, uint64_t now)
{
	struct rdd_gateway_info *in = g->info;
	const char *names[1];
	int rc;

	switch (in->step) {
	case RDD_GW_STEP_HANDSHAKE: {
		struct rdd_tsgu_handshake_rsp r;

		if (pk->type != RDD_TSGU_HANDSHAKE_RESPONSE)
			break;
		if (rdd_tsgu_parse_handshake_rsp(pk->body, &r) != 0) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "HANDSHAKE_RESPONSE too short");
			return;
		}
		rdd__gw_tracef(g, "<- HANDSHAKE_RESPONSE 0x%08X",
		               (unsigned)r.error);
		if (r.error != 0) {
			refused(g, r.error, now, "HANDSHAKE_RESPONSE");
			return;
		}
		in->server_version = r.server_version;
		in->ext_auth = r.ext_auth;
		rdd__gw_step(g, RDD_GW_STEP_TUNNEL_CREATE, now);
		rdd__gw_tracef(g, "-> TUNNEL_CREATE caps 0x%02X",
		               (unsigned)GW_CAPS);
		SEND_PKT(g, now,
		         rdd_tsgu_build_tunnel_create(&b_, GW_CAPS, NULL, 0));
		return;
	}
	case RDD_GW_STEP_TUNNEL_CREATE: {
		struct rdd_tsgu_tunnel_rsp r;

		if (pk->type != RDD_TSGU_TUNNEL_RESPONSE)
			break;
		memset(&r, 0, sizeof(r));
		rc = rdd_tsgu_parse_tunnel_rsp(pk->body, &r);
		if (rc == -1) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "TUNNEL_RESPONSE too short");
			return;
		}
		rdd__gw_tracef(g, "<- TUNNEL_RESPONSE 0x%08X",
		               (unsigned)r.status);
		if (r.status != 0) {
			refused(g, r.status, now, "TUNNEL_RESPONSE");
			return;
		}
		if (rc != 0) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "TUNNEL_RESPONSE: its optional fields run "
			             "past the packet");
			return;
		}
		in->has_tunnel_id = r.has_tunnel_id;
		in->tunnel_id = r.tunnel_id;
		in->has_caps = r.has_caps;
		in->caps = r.caps;
		if (r.has_consent) {
			in->has_consent = true;
			rdd_utf16le_to_utf8(in->consent, sizeof(in->consent),
			                    &r.consent);
		}
		rdd__gw_step(g, RDD_GW_STEP_TUNNEL_AUTH, now);
		rdd__gw_tracef(g, "-> TUNNEL_AUTH client name %s",
		               g->cfg.client_name);
		SEND_PKT(g, now,
		         rdd_tsgu_build_tunnel_auth(&b_, g->cfg.client_name));
		return;
	}
	case RDD_GW_STEP_TUNNEL_AUTH: {
		struct rdd_tsgu_tunnel_auth_rsp r;

		if (pk->type != RDD_TSGU_TUNNEL_AUTH_RESPONSE)
			break;
		memset(&r, 0, sizeof(r));
		rc = rdd_tsgu_parse_tunnel_auth_rsp(pk->body, &r);
		if (rc == -1) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "TUNNEL_AUTH_RESPONSE too short");
			return;
		}
		rdd__gw_tracef(g, "<- TUNNEL_AUTH_RESPONSE 0x%08X",
		               (unsigned)r.error);
		if (r.error != 0) {
			refused(g, r.error, now, "TUNNEL_AUTH_RESPONSE");
			return;
		}
		in->has_redir = r.has_redir;
		in->redir_flags = r.redir_flags;
		in->has_idle = r.has_idle;
		in->idle_timeout = r.idle_timeout;
		rdd__gw_step(g, RDD_GW_STEP_CHANNEL, now);
		snprintf(in->resource, sizeof(in->resource), "%s",
		         g->cfg.target_host);
		in->resource_port = g->cfg.target_port;
		names[0] = g->cfg.target_host;
		rdd__gw_tracef(g, "-> CHANNEL_CREATE %s port %u",
		               g->cfg.target_host,
		               (unsigned)g->cfg.target_port);
		SEND_PKT(g, now,
		         rdd_tsgu_build_channel_create(&b_, names, 1,
		                                       g->cfg.target_port));
		return;
	}
	case RDD_GW_STEP_CHANNEL: {
		struct rdd_tsgu_channel_rsp r;

		if (pk->type != RDD_TSGU_CHANNEL_RESPONSE)
			break;
		memset(&r, 0, sizeof(r));
		rc = rdd_tsgu_parse_channel_rsp(pk->body, &r);
		if (rc == -1) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "CHANNEL_RESPONSE too short");
			return;
		}
		rdd__gw_tracef(g, "<- CHANNEL_RESPONSE 0x%08X",
		               (unsigned)r.error);
		if (r.error != 0) {
			refused(g, r.error, now, "CHANNEL_RESPONSE");
			return;
		}
		in->has_channel_id = r.has_channel_id;
		in->channel_id = r.channel_id;
		channel_open(g, now);
		return;
	}
	default:
		break;
	}
	rdd__gw_fail(g, RDD_GW_MALFORMED, now, "%s in answer to %s",
	             pkt_name(pk->type),
	             in->step == RDD_GW_STEP_HANDSHAKE ? "HANDSHAKE_REQUEST"
	             : in->step == RDD_GW_STEP_TUNNEL_CREATE ? "TUNNEL_CREATE"
	             : in->step == RDD_GW_STEP_TUNNEL_AUTH   ? "TUNNEL_AUTH"
	                                                   : "CHANNEL_CREATE");
}

static void
on_packet(struct rdd_gw *g, const struct rdd_tsgu_pkt *pk, uint64_t now)
{
	struct rdd_gateway_info *in = g->info;
	struct rdd_cur c;
	uint32_t status;

	switch (pk->type) {
	case RDD_TSGU_KEEPALIVE:
		in->keepalives++;
		SEND_PKT(g, now, rdd_tsgu_build_keepalive(&b_));
		return;
	case RDD_TSGU_SERVICE_MESSAGE:
		if (rdd_tsgu_parse_service_message(pk->body, &c) == 0) {
			in->has_service_message = true;
			rdd_utf16le_to_utf8(in->service_message,
			                    sizeof(in->service_message), &c);
		}
		return;
	case RDD_TSGU_REAUTH_MESSAGE:
		rdd__gw_tracef(g, "<- REAUTH_MESSAGE (not answered)");
		return;
	case RDD_TSGU_CLOSE_CHANNEL:
		if (rdd_tsgu_parse_close(pk->body, &status) != 0) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "CLOSE_CHANNEL too short");
			return;
		}
		in->close_channel = true;
		in->close_status = status;
		in->has_code = true;
		in->code = status;
		in->close_at_ms = rdd__gw_ms(g, now);
		rdd__gw_tracef(g, "<- CLOSE_CHANNEL 0x%08X", (unsigned)status);
		SEND_PKT(g, now, rdd_tsgu_build_close(&b_, true, 0));
		if (g->state == GW_DATA) {
			rdd__gw_inner_closed(g, false, now);
			return;
		}
		refused(g, status, now, "CLOSE_CHANNEL");
		return;
	case RDD_TSGU_DATA:
		if (g->state != GW_DATA) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "DATA before the channel was open");
			return;
		}
		if (rdd_tsgu_parse_data(pk->body, &c) != 0) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "DATA packet shorter than its length");
			return;
		}
		in->bytes_received += rdd_cur_left(&c);
		if (rdd_cur_left(&c) > 0)
			rdd_probe_recv(g->inner, c.p, rdd_cur_left(&c), now);
		rdd__gw_pump_inner(g, now);
		return;
	default:
		if (g->state == GW_DATA) {
			rdd__gw_tracef(g, "<- %s ignored", pkt_name(pk->type));
			return;
		}
		step_answer(g, pk, now);
		return;
	}
}

/* P (N) onto B, which holds at most MAX bytes of a WHAT not yet whole:
 * false (the walk failed) when that is more than a WHAT can be, or out
 * of memory. */
static bool
take(struct rdd_gw *g, struct gw_bytes *b, const uint8_t *p, size_t n,
     size_t max, const char *what, uint64_t now)
{
	int rc = rdd__gw_bytes_add(b, p, n, max);

	if (rc == -1)
		rdd__gw_fail(g, RDD_GW_MALFORMED, now, "%s over %u bytes", what,
		             (unsigned)RDD_TSGU_MAX_PACKET);
	else if (rc != 0)
		rdd__gw_fail(g, RDD_GW_ERROR, now, "out of memory");
	return rc == 0;
}

/* Whole MS-TSGU packets from g->tin. */
void
rdd__gw_tsgu_bytes(struct rdd_gw *g, const uint8_t *p, size_t n, uint64_t now)
{
	struct rdd_cur c;
	struct rdd_tsgu_pkt pk;
	int rc, guard;

	if (!take(g, &g->tin, p, n, GW_TIN_CAP, "MS-TSGU packet", now))
		return;
	rdd_cur_init(&c, g->tin.p, g->tin.len);
	for (guard = 0; guard < 4096 && g->state != GW_DONE; guard++) {
		rc = rdd_tsgu_next(&c, &pk);
		if (rc == 0)
			break;
		if (rc < 0) {
			rdd__gw_fail(
			    g, RDD_GW_MALFORMED, now,
			    "not an MS-TSGU packet (packetLength below 8 "
			    "or over %u)",
			    (unsigned)RDD_TSGU_MAX_PACKET);
			return;
		}
		on_packet(g, &pk, now);
	}
	if (g->state == GW_DONE)
		return;
	rdd__gw_bytes_drop(&g->tin, g->tin.len - rdd_cur_left(&c));
}

static void
ws_closed(struct rdd_gw *g, const struct rdd_ws_frame *f, uint64_t now)
{
	const char *nm;

	g->info->ws_close = true;
	g->info->ws_close_code = f->has_code ? f->close_code : 0;
	if (g->state == GW_DATA) {
		rdd__gw_inner_closed(g, false, now);
		return;
	}
	nm = f->has_code ? rdd_ws_close_name(f->close_code) : NULL;
	rdd__gw_fail(g, RDD_GW_CLOSED, now,
	             "the gateway closed the WebSocket (code %u%s%s)",
	             (unsigned)g->info->ws_close_code, nm != NULL ? " " : "",
	             nm != NULL ? nm : "");
}

void
rdd__gw_ws_recv(struct rdd_gw *g, const uint8_t *p, size_t n, uint64_t now)
{
	struct rdd_cur c;
	struct rdd_ws_frame f;
	uint8_t ctl[RDD_WS_MAX_CONTROL];
	/* A pong: 6 bytes of header and mask, the ping's payload. */
	uint8_t pong[6 + RDD_WS_MAX_CONTROL];
	uint8_t mask[4];
	struct rdd_buf b;
	int rc, guard;

	if (!take(g, &g->win, p, n, GW_WIN_CAP, "WebSocket frame", now))
		return;
	rdd_cur_init(&c, g->win.p, g->win.len);
	for (guard = 0; guard < 4096 && g->state != GW_DONE; guard++) {
		rc = rdd_ws_parse_frame(&c, false, RDD_TSGU_MAX_PACKET, &f);
		if (rc == 0)
			break;
		if (rc < 0) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "not a valid WebSocket frame from the "
			             "gateway");
			return;
		}
		switch (f.opcode) {
		case RDD_WS_OP_BINARY:
		case RDD_WS_OP_TEXT:
		case RDD_WS_OP_CONT:
			rdd__gw_tsgu_bytes(g, f.payload.p,
			                   rdd_cur_left(&f.payload), now);
			break;
		case RDD_WS_OP_PING:
			memcpy(ctl, f.payload.p, rdd_cur_left(&f.payload));
			rdd__gw_random(g, mask, sizeof(mask));
			rdd_buf_init(&b, pong, sizeof(pong));
			if (rdd_ws_build_frame(&b, RDD_WS_OP_PONG, true, mask,
			                       ctl,
			                       rdd_cur_left(&f.payload)) == 0 &&
			    !b.err)
				(void)rdd__gw_write(g, pong, b.len, now);
			break;
		case RDD_WS_OP_CLOSE:
			ws_closed(g, &f, now);
			break;
		default:
			break;
		}
	}
	if (g->state == GW_DONE)
		return;
	rdd__gw_bytes_drop(&g->win, g->win.len - rdd_cur_left(&c));
}

void
rdd__gw_pump_inner(struct rdd_gw *g, uint64_t now)
{
	const uint8_t *d;
	size_t n;
	int guard;

	for (guard = 0; guard < 1024 && g->state == GW_DATA; guard++) {
		n = rdd_probe_pending(g->inner, &d);
		if (n == 0)
			break;
		if (n > RDD_TSGU_MAX_DATA)
			n = RDD_TSGU_MAX_DATA;
		{
			struct rdd_buf b;

			if (!rdd__gw_build_in(g, &g->pkt, GW_PKT_CAP, &b, now))
				return;
			if (rdd_tsgu_build_data(&b, d, n) != 0 || b.err) {
				rdd__gw_fail(g, RDD_GW_ERROR, now,
				             "could not build a DATA packet");
				return;
			}
			if (rdd__gw_send_packet(g, g->pkt.p, b.len, now) != 0)
				return;
		}
		g->info->bytes_sent += n;
		rdd_probe_sent(g->inner, n);
	}
	if (g->state == GW_DATA && rdd_probe_done(g->inner)) {
		rdd__gw_tracef(g,
		               "the target's walk is over: closing the tunnel");
		rdd__tls_close_notify(g->tls);
		if (g->lg.tls != NULL && g->lg.in == GW_IN_OPEN)
			rdd__tls_close_notify(g->lg.tls);
		g->state = GW_DONE;
	}
}

void
rdd__gw_inner_closed(struct rdd_gw *g, bool reset, uint64_t now)
{
	if (g->state != GW_DATA)
		return;
	rdd_probe_peer_closed(g->inner, reset, now);
	rdd__gw_pump_inner(g, now);
	g->state = GW_DONE;
}
