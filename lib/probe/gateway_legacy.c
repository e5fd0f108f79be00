/*
 * gateway_legacy.c - the gateway walk over the legacy HTTP transport
 * (gateway_int.h; reference 1.3): the gateway answered the RDG_OUT_DATA
 * request with 200 instead of 101, so the OUT channel's body (no length,
 * a huge one, or chunked) carries every MS-TSGU packet from the gateway
 * after a seed, and a second TLS connection, the IN channel, carries
 * ours: RDG_IN_DATA with the same RDG-Connection-Id and its own sign-in
 * (as FreeRDP and mstsc do: OUT first, then IN) under the scheme the OUT
 * connection ended with (raw NTLM, or NTLM inside Negotiate through
 * gateway_auth.c; a Negotiate-only 401 to raw NTLM moves it to
 * Negotiate, as on the OUT connection), 200, then the
 * same request again with Transfer-Encoding: chunked, each packet one
 * chunk. The MS-TSGU steps are gateway_tsgu.c's, as over WebSocket.
 *
 * The seed: [MS-TSGU] 3.3.5.1 says 100 bytes, FreeRDP, IronRDP and
 * Windows Server 2019 send or skip 10. The gateway sends nothing of its
 * own before our HANDSHAKE_REQUEST, so every byte of the OUT body before
 * the IN channel is open is seed, whatever its length; if fewer than 10
 * came by then, the rest of the first 10 is skipped (FreeRDP's rule).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/gateway_int.h"

#define SEED_LEN 10 /* what FreeRDP skips */
#define IN_REQ_CAP 16384
#define CERT_CAP 16384

/* --- the OUT channel's body ------------------------------------------- */

void
rdd__gw_legacy_begin(struct rdd_gw *g, const uint8_t *rest, size_t n,
                     uint64_t now)
{
	struct rdd_gateway_info *in = g->info;
	enum rdd_http_framing f = rdd_http_resp_framing(&g->resp);

	snprintf(in->transport, sizeof(in->transport), "legacy");
	if (f == RDD_HTTP_BODY_NONE) {
		rdd__gw_fail(g, RDD_GW_MALFORMED, now,
		             "200 to RDG_OUT_DATA with an empty body "
		             "(Content-Length: 0): no OUT channel for the "
		             "legacy HTTP transport");
		return;
	}
	g->lg.on = true;
	rdd_http_body_init(&g->lg.out_body, f, g->resp.length);
	g->lg.seed_left = SEED_LEN;
	g->state = GW_LEGACY_IN;
	rdd__gw_tracef(g,
	               "200 to the upgrade: legacy HTTP transport (OUT body "
	               "%s); opening the IN channel",
	               f == RDD_HTTP_BODY_CHUNKED  ? "chunked"
	               : f == RDD_HTTP_BODY_LENGTH ? "with a length"
	                                           : "until the close");
	rdd__gw_step(g, RDD_GW_STEP_HTTP_IN, now);
	g->lg.in = GW_IN_WANT;
	g->lg.in_t0 = now;
	in->in_start_ms = rdd__gw_ms(g, now);
	if (n > 0)
		rdd__gw_legacy_out_recv(g, rest, n, now);
}

/* Body bytes of the OUT channel: the seed, then MS-TSGU packets. */
static void
out_data(struct rdd_gw *g, const uint8_t *p, size_t n, uint64_t now)
{
	size_t k;

	if (g->lg.in != GW_IN_OPEN) {
		/* Nothing but the seed can come before our first packet. */
		g->info->filler_bytes += (unsigned)(n > 0xffffu ? 0xffffu : n);
		g->lg.seed_left =
		    n >= g->lg.seed_left ? 0 : g->lg.seed_left - (unsigned)n;
		return;
	}
	k = n < g->lg.seed_left ? n : g->lg.seed_left;
	g->lg.seed_left -= (unsigned)k;
	g->info->filler_bytes += (unsigned)k;
	if (n > k)
		rdd__gw_tsgu_bytes(g, p + k, n - k, now);
}

void
rdd__gw_legacy_out_recv(struct rdd_gw *g, const uint8_t *p, size_t n,
                        uint64_t now)
{
	struct rdd_cur c, data;
	int rc, guard;

	rdd_cur_init(&c, p, n);
	for (guard = 0; guard < 4096 && g->state != GW_DONE; guard++) {
		rc = rdd_http_body_next(&g->lg.out_body, &c, &data);
		if (rc < 0) {
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "the OUT channel's body (the 200's) is "
			             "not framed as its head says");
			return;
		}
		if (rdd_cur_left(&data) > 0)
			out_data(g, data.p, rdd_cur_left(&data), now);
		if (rc == 1) {
			/* The body ended: as if the OUT channel closed. */
			rdd__gw_tracef(g, "<- the OUT channel's body ended");
			if (g->state != GW_DONE)
				rdd_gw_peer_closed(g, false, now);
			return;
		}
		if (rdd_cur_left(&c) == 0)
			return;
	}
	if (g->state != GW_DONE)
		rdd__gw_fail(g, RDD_GW_MALFORMED, now,
		             "the OUT channel's body comes in chunks too small "
		             "to read");
}

/* --- the IN channel: requests ----------------------------------------- */

static int
in_write(struct rdd_gw *g, const uint8_t *p, size_t n, uint64_t now)
{
	char err[RDD_STR];

	if (g->sink)
		return 0;
	if (rdd__tls_write(g->lg.tls, p, n, err, sizeof(err)) != 0) {
		rdd__gw_fail(g, RDD_GW_ERROR, now, "TLS write (IN channel): %s",
		             err);
		return -1;
	}
	return 0;
}

/* RDG_IN_DATA: with TOKEN (NTLM, or SPNEGO under Negotiate as lg.req
 * says), or the chunked one that stays open. */
static int
send_in(struct rdd_gw *g, const uint8_t *token, size_t token_len, bool chunked,
        uint64_t now)
{
	uint8_t buf[IN_REQ_CAP];
	struct rdd_buf b;
	struct rdd_rdg_req q;

	rdd__gw_req_init(g, &q, RDD_RDG_IN_DATA, g->lg.req, token, token_len);
	q.chunked = chunked;
	rdd_buf_init(&b, buf, sizeof(buf));
	if (rdd_rdg_build_request(&b, &q) != 0 || b.err) {
		rdd__gw_fail(g, RDD_GW_ERROR, now,
		             "could not build the RDG_IN_DATA request");
		return -1;
	}
	g->info->requests++;
	g->info->in_requests++;
	rdd__gw_tracef(
	    g, "-> RDG_IN_DATA /remoteDesktopGateway/ (IN channel%s)",
	    chunked                     ? ", chunked body"
	    : token == NULL             ? ", no sign-in"
	    : g->lg.req == GW_REQ_FIRST ? ", NTLM NEGOTIATE"
	    : g->lg.req == GW_REQ_NEGO ? ", Negotiate: NTLM NEGOTIATE in SPNEGO"
	    : g->lg.req == GW_REQ_NEGO_AUTH
	        ? ", Negotiate: NTLM AUTHENTICATE in SPNEGO with "
	          "mechListMIC"
	        : ", NTLM AUTHENTICATE");
	return in_write(g, buf, b.len, now);
}

static int
send_in_auth(struct rdd_gw *g, const uint8_t *token, size_t len, uint64_t now)
{
	return send_in(g, token, len, false, now);
}

struct gw_auth_conn
rdd__gw_auth_in(struct rdd_gw *g)
{
	struct gw_auth_conn c = {.resp = &g->lg.resp,
	                         .req = &g->lg.req,
	                         .sec = &g->lg.nego_sec,
	                         .cbt = g->lg.have_cbt ? g->lg.cbt : NULL,
	                         .send = send_in_auth,
	                         .skipping = &g->lg.skipping,
	                         .body = &g->lg.body,
	                         .in = true};

	return c;
}

int
rdd__gw_legacy_send(struct rdd_gw *g, const uint8_t *pkt, size_t n,
                    uint64_t now)
{
	struct rdd_buf b;

	if (g->lg.in != GW_IN_OPEN) {
		rdd__gw_fail(g, RDD_GW_ERROR, now,
		             "a packet to send and no IN channel");
		return -1;
	}
	if (!rdd__gw_build_in(g, &g->lg.chunk, GW_FRAME_CAP, &b, now))
		return -1;
	if (rdd_http_build_chunk(&b, pkt, n) != 0 || b.err) {
		rdd__gw_fail(g, RDD_GW_ERROR, now,
		             "could not make a %zu-byte chunk", n);
		return -1;
	}
	return in_write(g, g->lg.chunk.p, b.len, now);
}

/* The IN channel is signed in: the chunked request, then the handshake. */
static void
in_open(struct rdd_gw *g, uint64_t now)
{
	struct rdd_gateway_info *in = g->info;

	in->in_http_ms = rdd__gw_ms(g, now) - in->in_start_ms - in->in_tcp_ms -
	                 in->in_tls_ms;
	if (send_in(g, NULL, 0, true, now) != 0)
		return;
	g->lg.in = GW_IN_OPEN;
	g->state = GW_WS;
	rdd__gw_ws_begin(g, NULL, 0, now);
}

/* A whole head on the IN channel. */
static void
in_on_head(struct rdd_gw *g, uint64_t now)
{
	struct rdd_gateway_info *in = g->info;
	const struct rdd_http_resp *r = &g->lg.resp;
	uint16_t st = r->status;
	struct gw_auth_conn ac;

	rdd__gw_tracef(g, "<- HTTP %u (IN channel)", (unsigned)st);
	if (st >= 100 && st < 200) {
		rdd_http_resp_init(&g->lg.resp);
		return;
	}
	in->status = st;
	in->in_status = st;
	rdd__gw_copy_span(r, r->reason, in->reason, sizeof(in->reason));
	in->schemes |= r->schemes;
	if (g->lg.in == GW_IN_OPEN) {
		rdd__gw_fail(g, RDD_GW_HTTP_STATUS, now,
		             "HTTP %u on the IN channel to the chunked "
		             "RDG_IN_DATA",
		             (unsigned)st);
		return;
	}
	switch (st) {
	case 200:
		ac = rdd__gw_auth_in(g);
		rdd__gw_nego_final(g, &ac, now);
		if (!rdd__gw_skip_body(&g->lg.resp, &g->lg.skipping,
		                       &g->lg.body)) {
			rdd__gw_fail(
			    g, RDD_GW_MALFORMED, now,
			    "200 to RDG_IN_DATA without a body length: "
			    "the IN channel cannot go on");
			return;
		}
		rdd_http_resp_init(&g->lg.resp);
		if (!g->lg.skipping)
			in_open(g, now);
		return;
	case 401:
		ac = rdd__gw_auth_in(g);
		(void)rdd__gw_auth_401(g, &ac, now);
		return;
	default:
		rdd__gw_fail(g, RDD_GW_HTTP_STATUS, now,
		             "HTTP %u to RDG_IN_DATA on /remoteDesktopGateway/ "
		             "(the IN channel), after 200 to RDG_OUT_DATA",
		             (unsigned)st);
		return;
	}
}

/* Decrypted bytes of the IN channel: HTTP answers. */
void
rdd__gw_legacy_in_bytes(struct rdd_gw *g, const uint8_t *p, size_t n,
                        uint64_t now)
{
	int guard;

	for (guard = 0; n > 0 && g->state != GW_DONE && guard < 64; guard++) {
		if (g->lg.skipping) {
			struct rdd_cur c, data;
			int rc;

			rdd_cur_init(&c, p, n);
			do {
				rc = rdd_http_body_next(&g->lg.body, &c, &data);
			} while (rc == 0 && rdd_cur_left(&c) > 0);
			if (rc < 0) {
				rdd__gw_fail(
				    g, RDD_GW_MALFORMED, now,
				    "the body of HTTP %u on the IN "
				    "channel is not framed as its head "
				    "says",
				    (unsigned)g->info->in_status);
				return;
			}
			p += n - rdd_cur_left(&c);
			n = rdd_cur_left(&c);
			if (rc == 1) {
				g->lg.skipping = false;
				/* The 200's body is over: open. */
				if (g->info->in_status == 200 &&
				    g->lg.in == GW_IN_HTTP)
					in_open(g, now);
			}
			continue;
		} else {
			size_t used = 0;
			int rc = rdd_http_resp_feed(&g->lg.resp, p, n, &used);

			if (rc < 0) {
				rdd__gw_fail(
				    g, RDD_GW_MALFORMED, now,
				    "the gateway's answer on the IN "
				    "channel is not HTTP/1.1 (or its "
				    "head is over %u bytes or %u lines)",
				    (unsigned)RDD_HTTP_MAX_HEAD,
				    (unsigned)RDD_HTTP_MAX_HEADERS);
				return;
			}
			p += used;
			n -= used;
			if (rc == 0)
				return;
			in_on_head(g, now);
		}
	}
}

/* --- the IN channel: TLS ---------------------------------------------- */

static void
in_tls_failed(struct rdd_gw *g, uint64_t now)
{
	const char *detail = NULL;
	uint8_t lvl = 0, desc = 0;
	struct rdd_gateway_info *in = g->info;

	in->in_tls_outcome = rdd__tls_result(g->lg.tls, &lvl, &desc, &detail);
	in->in_alert_desc = desc;
	rdd__gw_fail(g, RDD_GW_TLS_FAILED, now, "TLS on the IN channel: %s",
	             detail != NULL ? detail : "TLS handshake failed");
}

/* The IN channel's certificate: the OUT's, or judged on its own. */
static void
in_cert(struct rdd_gw *g)
{
	uint8_t *a = malloc(2 * CERT_CAP);
	size_t na, nb;

	if (a == NULL)
		return;
	na = rdd__tls_peer_cert_der(g->tls, a, CERT_CAP);
	nb = rdd__tls_peer_cert_der(g->lg.tls, a + CERT_CAP, CERT_CAP);
	g->lg.have_cbt =
	    nb > 0 && rdd__gw_cbt(a + CERT_CAP, nb, g->lg.cbt) == 0;
	if (na != nb || memcmp(a, a + CERT_CAP, na) != 0) {
		struct rdd_tls_info *ti = &g->info->in_tls;

		g->info->in_cert_differs = true;
		rdd__gw_tracef(g, "the IN channel's certificate is not the "
		                  "OUT channel's");
		rdd__tls_fill_info(g->lg.tls, ti, "", g->cfg.gateway_host);
		rdd__tls_verify_chain(g->lg.tls, g->cfg.trust_store,
		                      g->cfg.verify_at, &ti->cert);
	}
	free(a);
}

static void
in_tls_done(struct rdd_gw *g, uint64_t now)
{
	struct rdd_gateway_info *in = g->info;

	in->in_tls_outcome = RDD_TLS_OK;
	in->in_tls_ms = rdd__gw_ms(g, now) - in->in_start_ms - in->in_tcp_ms;
	in_cert(g);
	rdd__gw_tracef(g, "TLS on the IN channel done");
	g->lg.in = GW_IN_HTTP;
	g->lg.req = GW_REQ_FIRST;
	rdd_http_resp_init(&g->lg.resp);
	if (g->cfg.credentials == NULL || g->negotiate_len == 0) {
		(void)send_in(g, NULL, 0, false, now);
	} else if (g->req == GW_REQ_NEGO_AUTH) {
		/* The OUT connection signed in under Negotiate: so does
		 * this one, with a fresh NTLM exchange in SPNEGO. */
		struct gw_auth_conn ac = rdd__gw_auth_in(g);

		rdd__gw_nego_begin(g, &ac, now);
	} else {
		(void)send_in(g, g->negotiate, g->negotiate_len, false, now);
	}
}

static void
in_read(struct rdd_gw *g, const uint8_t *data, size_t len, uint64_t now)
{
	uint8_t buf[16384];
	char detail[RDD_STR];
	size_t n;
	int guard;

	if (len > 0 && rdd__tls_push(g->lg.tls, data, len) != 0) {
		rdd__gw_fail(g, RDD_GW_ERROR, now,
		             "TLS (IN channel): could not take bytes");
		return;
	}
	for (guard = 0; guard < 4096 && g->state != GW_DONE; guard++) {
		switch (rdd__tls_read(g->lg.tls, buf, sizeof(buf), &n, detail,
		                      sizeof(detail))) {
		case RDD__TLS_IO_DATA:
			rdd__gw_legacy_in_bytes(g, buf, n, now);
			continue;
		case RDD__TLS_IO_AGAIN:
			return;
		case RDD__TLS_IO_CLOSED:
			rdd__gw_tracef(g, "<- TLS close_notify on the IN "
			                  "channel");
			rdd_gw_in_peer_closed(g, false, now);
			return;
		case RDD__TLS_IO_ALERT:
		case RDD__TLS_IO_ERROR:
		default:
			rdd__gw_tracef(g, "<- TLS (IN channel): %s", detail);
			if (g->state == GW_DATA) {
				rdd__gw_inner_closed(g, false, now);
				return;
			}
			rdd__gw_fail(g, RDD_GW_CLOSED, now,
			             "TLS on the IN channel: %s", detail);
			return;
		}
	}
}

void
rdd__gw_legacy_in_fake(struct rdd_gw *g)
{
	g->lg.in = GW_IN_HTTP;
	g->lg.req = GW_REQ_FIRST;
	g->info->connections = 2;
	rdd_http_resp_init(&g->lg.resp);
}

/* --- the IN channel: the driver's side -------------------------------- */

bool
rdd_gw_in_wanted(const struct rdd_gw *g)
{
	return g != NULL && g->state != GW_DONE && g->lg.in == GW_IN_WANT;
}

void
rdd_gw_in_connected(struct rdd_gw *g, uint64_t now)
{
	struct rdd__tls_trace tt;
	struct rdd_gateway_info *in;
	char err[RDD_STR];

	if (g == NULL || g->state == GW_DONE || g->lg.in != GW_IN_WANT)
		return;
	in = g->info;
	in->in_tcp = RDD_TCP_OK;
	in->in_tcp_ms = rdd__gw_ms(g, now) - in->in_start_ms;
	in->connections = 2;
	tt = (struct rdd__tls_trace){g->cfg.trace, g->cfg.trace_ctx, "GW"};
	g->lg.tls = rdd__tls_new(g->cfg.gateway_host, &tt, err, sizeof(err));
	if (g->lg.tls == NULL) {
		in->in_tls_outcome = RDD_TLS_ERROR;
		rdd__gw_fail(g, RDD_GW_TLS_FAILED, now,
		             "TLS on the IN channel: %s", err);
		return;
	}
	g->lg.in = GW_IN_TLS;
	rdd__gw_tracef(g, "-> TLS ClientHello on the IN channel");
	if (rdd__tls_start(g->lg.tls) == RDD__TLS_FAILED)
		in_tls_failed(g, now);
}

void
rdd_gw_in_failed(struct rdd_gw *g, enum rdd_tcp_outcome o, const char *errname,
                 int err_no, const char *err, uint64_t now)
{
	struct rdd_gateway_info *in;

	if (g == NULL || g->state == GW_DONE || g->lg.in != GW_IN_WANT)
		return;
	in = g->info;
	g->lg.in = GW_IN_CLOSED;
	in->in_tcp = o;
	in->in_tcp_ms = rdd__gw_ms(g, now) - in->in_start_ms;
	snprintf(in->in_tcp_errname, sizeof(in->in_tcp_errname), "%s",
	         errname != NULL ? errname : "");
	in->in_tcp_errno = err_no;
	rdd__gw_fail(g, RDD_GW_TCP_FAILED, now,
	             "TCP to the gateway %.100s for the IN channel (after 200 "
	             "to RDG_OUT_DATA): %.120s",
	             in->address, err != NULL ? err : "failed");
}

void
rdd_gw_in_recv(struct rdd_gw *g, const uint8_t *data, size_t len, uint64_t now)
{
	if (g == NULL || len == 0 || g->state == GW_DONE)
		return;
	switch (g->lg.in) {
	case GW_IN_TLS:
		switch (rdd__tls_feed(g->lg.tls, data, len)) {
		case RDD__TLS_AGAIN:
			return;
		case RDD__TLS_FAILED:
			in_tls_failed(g, now);
			return;
		case RDD__TLS_DONE:
			in_tls_done(g, now);
			in_read(g, NULL, 0, now);
			return;
		}
		return;
	case GW_IN_HTTP:
	case GW_IN_OPEN:
		in_read(g, data, len, now);
		return;
	default:
		return;
	}
}

void
rdd_gw_in_peer_closed(struct rdd_gw *g, bool reset, uint64_t now)
{
	enum gw_in_state was;

	if (g == NULL || g->lg.in == GW_IN_NONE || g->lg.in == GW_IN_CLOSED)
		return;
	was = g->lg.in;
	g->lg.in = GW_IN_CLOSED;
	if (g->state == GW_DONE)
		return;
	if (was == GW_IN_TLS) {
		rdd__tls_peer_closed(g->lg.tls, reset);
		in_tls_failed(g, now);
		return;
	}
	if (g->state == GW_DATA) {
		rdd__gw_inner_closed(g, reset, now);
		return;
	}
	if (was == GW_IN_OPEN && g->info->step == RDD_GW_STEP_HANDSHAKE)
		rdd__gw_fail(g, reset ? RDD_GW_RESET : RDD_GW_CLOSED, now,
		             "the gateway %s the IN channel after the chunked "
		             "RDG_IN_DATA and the HANDSHAKE_REQUEST, with no "
		             "answer on the OUT channel: the IN channel found "
		             "no OUT channel (gateway event 210; a load "
		             "balancer without affinity?)",
		             reset ? "reset" : "closed");
	else
		rdd__gw_fail(g, reset ? RDD_GW_RESET : RDD_GW_CLOSED, now,
		             "the gateway %s the IN channel %s",
		             reset ? "reset" : "closed",
		             was == GW_IN_HTTP ? "before answering RDG_IN_DATA"
		                               : "mid-step");
}

size_t
rdd_gw_in_pending(struct rdd_gw *g, const uint8_t **data)
{
	if (g == NULL)
		return 0;
	return rdd__gw_outq_pending(&g->lg.out, g->lg.tls, data);
}

void
rdd_gw_in_sent(struct rdd_gw *g, size_t n)
{
	if (g != NULL)
		rdd__gw_outq_sent(&g->lg.out, n);
}

void
rdd__gw_legacy_free(struct rdd_gw *g)
{
	rdd__tls_free(g->lg.tls);
	g->lg.tls = NULL;
	rdd__gw_outq_free(&g->lg.out);
	rdd__gw_bytes_free(&g->lg.chunk);
}
