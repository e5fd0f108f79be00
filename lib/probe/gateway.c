/*
 * gateway.c - the walk through an RD Gateway (include/rdpdoctor/gateway.h):
 * TLS, HTTP sign-in and WebSocket upgrade, the MS-TSGU steps, then the
 * target's walk through the channel.
 *
 * Layers, from the socket up: TLS (probe/tls.c over memory BIOs), the
 * HTTP answers (wire/http_resp.c) until the 101, then WebSocket frames
 * (wire/websocket.c) whose binary payloads form the MS-TSGU packet stream
 * (wire/tsgu.c). Bytes received go up through every layer in one call;
 * bytes to send go down into the TLS write side, which pending() hands
 * out. The refusal of each step is named in lib/diag/rules/gateway.c;
 * this file records facts only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/gateway_int.h"
#include "probe/growbuf.h"

/* One line of -v trace, labelled GW (for every gateway_*.c). */
void
rdd__gw_tracef(struct rdd_gw *g, const char *fmt, ...)
{
	char line[RDD_STR];
	va_list ap;

	if (g->cfg.trace == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	g->cfg.trace(g->cfg.trace_ctx, "GW", line);
}

double
rdd__gw_ms(const struct rdd_gw *g, uint64_t now_us)
{
	return now_us >= g->cfg.t0_us ? (double)(now_us - g->cfg.t0_us) / 1000.0
	                              : 0.0;
}

/* The randomness of the walk: the system's, or the tests' fixed bytes. */
void
rdd__gw_random(struct rdd_gw *g, uint8_t *out, size_t n)
{
	size_t i;

	if (g->cfg.fixed_random != NULL) {
		for (i = 0; i < n; i++)
			out[i] = g->cfg.fixed_random[(g->rnd_used + i) % 64];
		g->rnd_used += n;
		return;
	}
	if (rdd_random_bytes(out, n) != 0)
		for (i = 0; i < n; i++)
			out[i] = (uint8_t)(i * 37u + g->rnd_used++);
}

/* The current step's time, from its start, into its phase record. */
static void
step_end(struct rdd_gw *g, uint64_t now)
{
	struct rdd_gateway_info *in = g->info;
	double ms = rdd__gw_ms(g, now);

	switch (in->step) {
	case RDD_GW_STEP_TCP:
	case RDD_GW_STEP_TLS:
		in->tls_ms = ms - in->tls_start_ms;
		break;
	case RDD_GW_STEP_HTTP:
	case RDD_GW_STEP_HTTP_IN:
		in->http_ms = ms - in->http_start_ms;
		break;
	case RDD_GW_STEP_HANDSHAKE:
	case RDD_GW_STEP_TUNNEL_CREATE:
	case RDD_GW_STEP_TUNNEL_AUTH:
		in->tunnel_ms = ms - in->tunnel_start_ms;
		break;
	case RDD_GW_STEP_CHANNEL:
		in->channel_ms = ms - in->channel_start_ms;
		break;
	default:
		break;
	}
}

void
rdd__gw_fail(struct rdd_gw *g, enum rdd_gw_outcome o, uint64_t now,
             const char *fmt, ...)
{
	va_list ap;

	if (g->state == GW_DONE)
		return;
	step_end(g, now);
	g->info->outcome = o;
	va_start(ap, fmt);
	vsnprintf(g->info->detail, sizeof(g->info->detail), fmt, ap);
	va_end(ap);
	rdd__gw_tracef(g, "gateway %s at %s: %s", rdd_gw_outcome_name(o),
	               rdd_gw_step_name(g->info->step), g->info->detail);
	if (g->tls != NULL && g->state > GW_TLS)
		rdd__tls_close_notify(g->tls);
	if (g->lg.tls != NULL && g->lg.in > GW_IN_TLS &&
	    g->lg.in < GW_IN_CLOSED)
		rdd__tls_close_notify(g->lg.tls);
	g->state = GW_DONE;
}

/* Begin step S at NOW, timed and bounded. */
void
rdd__gw_step(struct rdd_gw *g, enum rdd_gw_step s, uint64_t now)
{
	struct rdd_gateway_info *in = g->info;
	double ms = rdd__gw_ms(g, now);

	if (in->step != s)
		step_end(g, now);
	in->step = s;
	g->step_deadline = now + g->cfg.phase_timeout_us;
	switch (s) {
	case RDD_GW_STEP_HTTP:
		in->http_start_ms = ms;
		break;
	case RDD_GW_STEP_HANDSHAKE:
		in->tunnel_start_ms = ms;
		break;
	case RDD_GW_STEP_CHANNEL:
		in->channel_start_ms = ms;
		break;
	default:
		break;
	}
}

/* --- sending ---------------------------------------------------------- */

int
rdd__gw_write(struct rdd_gw *g, const uint8_t *p, size_t n, uint64_t now)
{
	char err[RDD_STR];

	if (g->sink)
		return 0;
	if (rdd__tls_write(g->tls, p, n, err, sizeof(err)) != 0) {
		rdd__gw_fail(g, RDD_GW_ERROR, now, "TLS write: %s", err);
		return -1;
	}
	return 0;
}

/* --- Buffers ----------------------------------------------------------- */

int
rdd__gw_bytes_add(struct gw_bytes *b, const uint8_t *p, size_t n, size_t max)
{
	if (n > max || b->len > max - n)
		return -1;
	if (!rdd__reserve(&b->p, &b->cap, b->len, n, max))
		return -2;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

void
rdd__gw_bytes_drop(struct gw_bytes *b, size_t used)
{
	if (used >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->p, b->p + used, b->len - used);
	b->len -= used;
}

uint8_t *
rdd__gw_bytes_room(struct gw_bytes *b, size_t cap)
{
	b->len = 0;
	return rdd__reserve(&b->p, &b->cap, 0, cap, cap) ? b->p : NULL;
}

void
rdd__gw_bytes_free(struct gw_bytes *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

bool
rdd__gw_build_in(struct rdd_gw *g, struct gw_bytes *b, size_t cap,
                 struct rdd_buf *out, uint64_t now)
{
	if (rdd__gw_bytes_room(b, cap) == NULL) {
		rdd__gw_fail(g, RDD_GW_ERROR, now, "out of memory");
		return false;
	}
	rdd_buf_init(out, b->p, cap);
	return true;
}

size_t
rdd__gw_outq_pending(struct gw_outq *q, struct rdd__tls *tls,
                     const uint8_t **data)
{
	size_t n;

	if (tls == NULL)
		return 0;
	if (q->off >= q->len && (n = rdd__tls_out_pending(tls)) > 0) {
		/* Everything handed out was sent: safe to refill. */
		q->len = q->off = 0;
		if (n > GW_OUT_CAP)
			n = GW_OUT_CAP;
		if (rdd__reserve(&q->p, &q->cap, 0, n, GW_OUT_CAP))
			q->len = rdd__tls_out_read(tls, q->p, n);
	}
	if (q->off >= q->len)
		return 0;
	*data = q->p + q->off;
	return q->len - q->off;
}

void
rdd__gw_outq_sent(struct gw_outq *q, size_t n)
{
	q->off += n;
	if (q->off > q->len)
		q->off = q->len;
}

void
rdd__gw_outq_free(struct gw_outq *q)
{
	free(q->p);
	memset(q, 0, sizeof(*q));
}

/* One MS-TSGU packet in one masked binary frame (legacy: one chunk of
 * the IN channel's body). */
int
rdd__gw_send_packet(struct rdd_gw *g, const uint8_t *pkt, size_t n,
                    uint64_t now)
{
	struct rdd_buf b;
	uint8_t mask[4];

	if (g->lg.on)
		return rdd__gw_legacy_send(g, pkt, n, now);
	rdd__gw_random(g, mask, sizeof(mask));
	if (!rdd__gw_build_in(g, &g->frame, GW_FRAME_CAP, &b, now))
		return -1;
	if (rdd_ws_build_frame(&b, RDD_WS_OP_BINARY, true, mask, pkt, n) != 0 ||
	    b.err) {
		rdd__gw_fail(g, RDD_GW_ERROR, now,
		             "could not frame a %zu-byte packet", n);
		return -1;
	}
	return rdd__gw_write(g, g->frame.p, b.len, now);
}

/* --- TLS --------------------------------------------------------------- */

void
rdd_gw_start(struct rdd_gw *g, uint64_t now)
{
	struct rdd__tls_trace tt = {g->cfg.trace, g->cfg.trace_ctx, "GW"};
	char err[RDD_STR];

	if (g->state != GW_IDLE)
		return;
	g->info->tcp = RDD_TCP_OK;
	g->info->step = RDD_GW_STEP_TLS;
	g->step_deadline = now + g->cfg.phase_timeout_us;
	g->tls = rdd__tls_new(g->cfg.gateway_host, &tt, err, sizeof(err));
	if (g->tls == NULL) {
		g->info->tls_outcome = RDD_TLS_ERROR;
		rdd__gw_fail(g, RDD_GW_TLS_FAILED, now, "%s", err);
		return;
	}
	g->state = GW_TLS;
	rdd__gw_tracef(g, "-> TLS ClientHello to the gateway %s",
	               g->cfg.gateway_host);
	if (rdd__tls_start(g->tls) == RDD__TLS_FAILED)
		rdd__gw_tls_failed(g, now);
}

void
rdd__gw_tls_failed(struct rdd_gw *g, uint64_t now)
{
	const char *detail = NULL;
	uint8_t lvl = 0, desc = 0;

	g->info->tls_outcome = rdd__tls_result(g->tls, &lvl, &desc, &detail);
	g->info->alert_level = lvl;
	g->info->alert_desc = desc;
	rdd__gw_fail(g, RDD_GW_TLS_FAILED, now, "%s",
	             detail != NULL ? detail : "TLS handshake failed");
}

static void
tls_done(struct rdd_gw *g, uint64_t now)
{
	struct rdd_gateway_info *in = g->info;

	in->tls_outcome = RDD_TLS_OK;
	rdd__tls_fill_info(g->tls, &in->tls, "", g->cfg.gateway_host);
	rdd__tls_verify_chain(g->tls, g->cfg.trust_store, g->cfg.verify_at,
	                      &in->tls.cert);
	rdd__gw_tracef(g, "TLS to the gateway: %s %s", in->tls.version,
	               in->tls.cipher);
	in->connections = 1;
	rdd__gw_step(g, RDD_GW_STEP_HTTP, now);
	g->state = GW_HTTP;
	rdd__gw_http_begin(g, now);
}

/* Decrypted bytes: to HTTP, to the WebSocket reader. */
static void
app_bytes(struct rdd_gw *g, const uint8_t *p, size_t n, uint64_t now)
{
	if (g->state == GW_HTTP)
		rdd__gw_http_recv(g, p, n, now);
	else if (g->lg.on)
		rdd__gw_legacy_out_recv(g, p, n, now);
	else if (g->state == GW_WS || g->state == GW_DATA)
		rdd__gw_ws_recv(g, p, n, now);
}

static void
read_app(struct rdd_gw *g, const uint8_t *data, size_t len, uint64_t now)
{
	uint8_t buf[16384];
	char detail[RDD_STR];
	size_t n;
	int guard;

	if (len > 0 && rdd__tls_push(g->tls, data, len) != 0) {
		rdd__gw_fail(g, RDD_GW_ERROR, now, "TLS: could not take bytes");
		return;
	}
	for (guard = 0; guard < 4096 && g->state != GW_DONE; guard++) {
		switch (rdd__tls_read(g->tls, buf, sizeof(buf), &n, detail,
		                      sizeof(detail))) {
		case RDD__TLS_IO_DATA:
			app_bytes(g, buf, n, now);
			continue;
		case RDD__TLS_IO_AGAIN:
			return;
		case RDD__TLS_IO_CLOSED:
			rdd__gw_tracef(g,
			               "<- TLS close_notify from the gateway");
			rdd_gw_peer_closed(g, false, now);
			return;
		case RDD__TLS_IO_ALERT:
		case RDD__TLS_IO_ERROR:
		default:
			rdd__gw_tracef(g, "<- TLS: %s", detail);
			if (g->state == GW_DATA) {
				rdd__gw_inner_closed(g, false, now);
				return;
			}
			rdd__gw_fail(g, RDD_GW_CLOSED, now, "TLS: %s", detail);
			return;
		}
	}
}

void
rdd_gw_recv(struct rdd_gw *g, const uint8_t *data, size_t len, uint64_t now)
{
	if (g == NULL || len == 0)
		return;
	switch (g->state) {
	case GW_TLS:
		switch (rdd__tls_feed(g->tls, data, len)) {
		case RDD__TLS_AGAIN:
			return;
		case RDD__TLS_FAILED:
			rdd__gw_tls_failed(g, now);
			return;
		case RDD__TLS_DONE:
			tls_done(g, now);
			read_app(g, NULL, 0,
			         now); /* records after the flight */
			return;
		}
		return;
	case GW_HTTP:
	case GW_LEGACY_IN:
	case GW_WS:
	case GW_DATA:
		read_app(g, data, len, now);
		return;
	default:
		return;
	}
}

void
rdd_gw_peer_closed(struct rdd_gw *g, bool reset, uint64_t now)
{
	if (g == NULL)
		return;
	switch (g->state) {
	case GW_IDLE:
	case GW_DONE:
		return;
	case GW_TLS:
		rdd__tls_peer_closed(g->tls, reset);
		rdd__gw_tls_failed(g, now);
		return;
	case GW_DATA:
		rdd__gw_inner_closed(g, reset, now);
		return;
	case GW_HTTP:
		if (rdd__gw_http_closed(g, now))
			return;
		break;
	default:
		break;
	}
	rdd__gw_fail(g, reset ? RDD_GW_RESET : RDD_GW_CLOSED, now,
	             "the gateway %s the %s %s", reset ? "reset" : "closed",
	             g->lg.on ? "OUT channel" : "connection",
	             g->state == GW_HTTP ? "before answering the HTTP "
	                                   "request"
	             : g->state == GW_LEGACY_IN
	                 ? "while the IN channel was set up"
	                 : "without an answer");
}

size_t
rdd_gw_pending(struct rdd_gw *g, const uint8_t **data)
{
	if (g == NULL)
		return 0;
	return rdd__gw_outq_pending(&g->out, g->tls, data);
}

void
rdd_gw_sent(struct rdd_gw *g, size_t n)
{
	if (g != NULL)
		rdd__gw_outq_sent(&g->out, n);
}

uint64_t
rdd_gw_deadline(const struct rdd_gw *g)
{
	if (g == NULL || g->state == GW_DONE || g->state == GW_IDLE)
		return UINT64_MAX;
	if (g->state == GW_DATA)
		return rdd_probe_deadline(g->inner);
	return g->step_deadline;
}

void
rdd_gw_tick(struct rdd_gw *g, uint64_t now)
{
	if (g == NULL || g->state == GW_DONE || g->state == GW_IDLE)
		return;
	if (g->state == GW_DATA) {
		rdd_probe_tick(g->inner, now);
		rdd__gw_pump_inner(g, now);
		return;
	}
	if (now < g->step_deadline)
		return;
	if (g->state == GW_TLS)
		g->info->tls_outcome = RDD_TLS_TIMEOUT;
	if (g->state == GW_LEGACY_IN && g->lg.in == GW_IN_WANT) {
		g->info->in_tcp = RDD_TCP_TIMEOUT;
		rdd__gw_fail(g, RDD_GW_TIMEOUT, now,
		             "no TCP connection to the gateway for the IN "
		             "channel within %.1f s",
		             (double)g->cfg.phase_timeout_us / 1e6);
		return;
	}
	if (g->state == GW_LEGACY_IN && g->lg.in == GW_IN_TLS)
		g->info->in_tls_outcome = RDD_TLS_TIMEOUT;
	rdd__gw_fail(g, RDD_GW_TIMEOUT, now,
	             "no (complete) answer from the gateway%s within %.1f s",
	             g->state == GW_LEGACY_IN ? " on the IN channel" : "",
	             (double)g->cfg.phase_timeout_us / 1e6);
}

bool
rdd_gw_done(const struct rdd_gw *g)
{
	return g == NULL || g->state == GW_DONE;
}

struct rdd_probe *
rdd_gw_inner(struct rdd_gw *g)
{
	return g != NULL ? g->inner : NULL;
}

struct rdd_gw *
rdd_gw_new(const struct rdd_gateway_config *cfg, struct rdd_gateway_info *info,
           struct rdd_probe *inner, struct rdd_attempt *attempt)
{
	struct rdd_gw *g = calloc(1, sizeof(*g));

	if (g == NULL) {
		rdd_probe_free(inner);
		return NULL;
	}
	g->cfg = *cfg;
	if (g->cfg.client_name == NULL)
		g->cfg.client_name = "rdpdoctor";
	g->info = info;
	g->inner = inner;
	g->attempt = attempt;
	info->present = true;
	if (cfg->credentials != NULL) {
		info->credentials = true;
		snprintf(info->user, sizeof(info->user), "%s",
		         cfg->credentials->user);
		snprintf(info->domain, sizeof(info->domain), "%s",
		         cfg->credentials->domain);
	}
	rdd_http_resp_init(&g->resp);
	return g;
}

void
rdd_gw_free(struct rdd_gw *g)
{
	if (g == NULL)
		return;
	rdd__tls_free(g->tls);
	rdd__gw_outq_free(&g->out);
	rdd__gw_bytes_free(&g->win);
	rdd__gw_bytes_free(&g->tin);
	rdd__gw_bytes_free(&g->frame);
	rdd__gw_bytes_free(&g->pkt);
	rdd__gw_legacy_free(g);
	rdd_probe_free(g->inner);
	rdd_wipe(g->negotiate, sizeof(g->negotiate));
	rdd__gw_auth_free(g);
	free(g);
}
