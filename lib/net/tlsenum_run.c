/*
 * tlsenum_run.c - the event-loop driver of the TLS enumeration (libuv).
 *
 * Runs on a loop of its own against the address the check used, on a
 * thread of its own once the check's connections are connected and one
 * has the server's X.224 answer (check_run.c), or after the check: asks
 * the plan
 * (lib/probe/tlsenum.c) for ClientHellos and opens one
 * connection per hello, at most opt->tls_parallel at once, connects paced
 * CONNECT_PACE_US apart, each bounded by the per-phase timeout. Sockets
 * and time only: every byte is read by the sans-I/O connection machine.
 *
 * The listen queue. A server that accepts slowly (xrdp: listen backlog 2,
 * a fork per connection) drops the SYNs that find its accept queue full,
 * and each drop costs a one-second SYN retransmission: eight connections
 * at once on a zero-latency link made a 0.3 s enumeration take 1.1 s.
 * So the connections that have no X.224 answer yet ("early": the server
 * may not have accepted them) are capped. By Little's law the share of an
 * early connection's life spent queued at the server is about
 * proc / (2 * rtt + proc), rtt the TCP connect time and proc the time the
 * server takes to answer the Connection Request beyond one round trip; a
 * cap of (2 * rtt + proc) / proc keeps about one of them there. On a LAN
 * that is 2 (the floor); with 100 ms of delay it is the --tls-parallel
 * limit, where a cap would only add round trips. proc rises at once with
 * each slower answer (a filling queue) and falls back slowly.
 * The check's own connections that have no X.224 answer yet when the
 * enumeration starts beside it (target.check_early) count against the
 * same cap, less one: the enumeration always has one early connection.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/tlsenum.h"
#include "tlsenum_run.h"
#include "write_copy.h"

#define READ_BUF 65536
#define CONNECT_PACE_US 2000
#define MAX_PARALLEL 64

struct erun;

struct econn {
	struct erun *run;
	uv_tcp_t tcp;
	uv_connect_t connect_req;
	uv_timer_t timer;
	int open_handles;
	bool connected, waiting, finished;
	bool early; /* counted in erun.early */
	uint64_t connect_us, connected_us, answered_us;
	int job_id;
	struct rdd_tlsconn *tc;
	uint8_t rbuf[READ_BUF];
};

struct erun {
	uv_loop_t loop;
	const struct rdd_check_options *opt;
	struct rdd_tlsenum *plan;
	struct sockaddr_storage addr;
	uint64_t timeout_us;
	uint64_t next_connect_us;
	uint64_t t0_us; /* the enumeration's start, for the trace */
	int running, limit;
	int early; /* connections without an X.224 answer yet */
	/* The check's connections without one (see the top). */
	const atomic_int *check_early;
	uint64_t rtt_us;  /* smallest TCP connect time seen */
	uint64_t proc_us; /* the server's X.224 answer time beyond rtt */
	int error;
	struct rdd_tls_enum_info *info;
	struct rdd_tlsenum_job job; /* the next hello, being built */
};

static uint64_t
now_us(void)
{
	return uv_hrtime() / 1000;
}

static void erun_fill(struct erun *r);

/* How many early connections at once (see the top of this file). */
static int
early_limit(const struct erun *r)
{
	int cap = rdd_tlsenum_early_limit(r->rtt_us, r->proc_us, r->limit);

	if (r->check_early != NULL)
		cap -= atomic_load(r->check_early);
	return cap < 1 ? 1 : cap;
}

static void
econn_not_early(struct econn *c)
{
	if (!c->early)
		return;
	c->early = false;
	c->run->early--;
}

/* The X.224 answer came: learn how fast the server answers. */
static void
econn_answered(struct econn *c)
{
	struct erun *r = c->run;
	uint64_t now = now_us(), x224 = now - c->connected_us;
	uint64_t proc = r->rtt_us != UINT64_MAX && x224 > r->rtt_us
	                    ? x224 - r->rtt_us
	                    : x224;

	c->answered_us = now;
	econn_not_early(c);
	/* Up at once, down by a quarter of the difference. */
	r->proc_us =
	    proc >= r->proc_us ? proc : r->proc_us - (r->proc_us - proc) / 4;
}

static void
on_closed(uv_handle_t *h)
{
	struct econn *c = h->data;

	if (--c->open_handles == 0) {
		rdd_tlsconn_free(c->tc);
		free(c);
	}
}

static void
econn_finish(struct econn *c)
{
	struct erun *r = c->run;

	if (c->finished)
		return;
	c->finished = true;
	econn_not_early(c);
	if (!rdd_tlsconn_done(c->tc))
		rdd_tlsconn_peer_closed(c->tc, true, now_us());
	rdd_tlsenum_answer(r->plan, c->job_id, rdd_tlsconn_result(c->tc));
	if (r->opt->trace != NULL) {
		const struct rdd_tlsconn_result *res =
		    rdd_tlsconn_result(c->tc);
		uint64_t now = now_us();
		char line[200];

		snprintf(
		    line, sizeof(line),
		    "TLS hello %d: %s, version 0x%04x, suite 0x%04x, "
		    "group %u; at %.1f ms, %.1f ms (TCP %.1f ms, X.224 "
		    "%.1f ms)",
		    c->job_id, rdd_tlsconn_outcome_name(res->outcome),
		    (unsigned)res->version, (unsigned)res->suite,
		    (unsigned)res->group,
		    c->connect_us ? (double)(c->connect_us - r->t0_us) / 1e3
		                  : 0.0,
		    c->connect_us ? (double)(now - c->connect_us) / 1e3 : 0.0,
		    c->connected_us
		        ? (double)(c->connected_us - c->connect_us) / 1e3
		        : 0.0,
		    c->answered_us
		        ? (double)(c->answered_us - c->connected_us) / 1e3
		        : 0.0);
		r->opt->trace(r->opt->trace_ctx, "T", line);
	}
	r->running--;
	uv_timer_stop(&c->timer);
	uv_close((uv_handle_t *)&c->tcp, on_closed);
	uv_close((uv_handle_t *)&c->timer, on_closed);
	erun_fill(r);
}

static void econn_pump(struct econn *c);
static void on_timer(uv_timer_t *t);

static void
on_write(void *ctx, int status)
{
	struct econn *c = ctx;

	if (status >= 0 || status == UV_ECANCELED || c->finished)
		return;
	rdd_tlsconn_peer_closed(c->tc, true, now_us());
	econn_finish(c);
}

static void
econn_pump(struct econn *c)
{
	const uint8_t *data;
	size_t n;
	uint64_t deadline, now;

	if (c->finished)
		return;
	while ((n = rdd_tlsconn_pending(c->tc, &data)) > 0) {
		int rc = rdd__write_copy((uv_stream_t *)&c->tcp, data, n,
		                         on_write, c);

		if (rc == RDD__WRITE_NOMEM) {
			c->run->error = -1;
			econn_finish(c);
			return;
		}
		rdd_tlsconn_sent(c->tc, n);
		if (rc != 0)
			break;
	}
	if (rdd_tlsconn_done(c->tc)) {
		econn_finish(c);
		return;
	}
	if (c->early && rdd_tlsconn_past_x224(c->tc)) {
		econn_answered(c);
		erun_fill(c->run);
	}
	deadline = rdd_tlsconn_deadline(c->tc);
	if (deadline == UINT64_MAX)
		return;
	now = now_us();
	uv_timer_start(&c->timer, on_timer,
	               deadline > now ? (deadline - now + 999) / 1000 : 0, 0);
}

static void
on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct econn *c = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)c->rbuf, sizeof(c->rbuf));
}

static void
on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct econn *c = s->data;

	if (c->finished)
		return;
	if (nread > 0)
		rdd_tlsconn_recv(c->tc, (const uint8_t *)buf->base,
		                 (size_t)nread, now_us());
	else if (nread < 0)
		rdd_tlsconn_peer_closed(c->tc, nread != UV_EOF, now_us());
	econn_pump(c);
	if (nread < 0 && !c->finished)
		econn_finish(c);
}

static void
on_connect(uv_connect_t *req, int status)
{
	struct econn *c = req->data;

	if (c->finished)
		return;
	if (status != 0) {
		rdd_tlsconn_peer_closed(c->tc, true, now_us());
		econn_finish(c);
		return;
	}
	c->connected = true;
	c->connected_us = now_us();
	if (c->connected_us - c->connect_us < c->run->rtt_us)
		c->run->rtt_us = c->connected_us - c->connect_us;
	uv_tcp_nodelay(&c->tcp, 1);
	uv_timer_stop(&c->timer);
	rdd_tlsconn_start(c->tc, now_us());
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
		rdd_tlsconn_peer_closed(c->tc, true, now_us());
		econn_finish(c);
		return;
	}
	econn_pump(c);
}

static void
econn_connect(struct econn *c)
{
	c->connect_us = now_us();
	if (uv_tcp_connect(&c->connect_req, &c->tcp,
	                   (struct sockaddr *)&c->run->addr, on_connect) != 0) {
		econn_finish(c);
		return;
	}
	uv_timer_start(&c->timer, on_timer, c->run->timeout_us / 1000, 0);
}

static void
on_timer(uv_timer_t *t)
{
	struct econn *c = t->data;

	if (c->finished)
		return;
	if (c->waiting) {
		c->waiting = false;
		econn_connect(c);
		return;
	}
	if (!c->connected) {
		econn_finish(c); /* no SYN-ACK: NO_TLS */
		return;
	}
	rdd_tlsconn_tick(c->tc, now_us());
	econn_pump(c);
}

/* Open connections for the plan's due hellos, up to the limit. */
static void
erun_fill(struct erun *r)
{
	struct rdd_tlsenum_job *job = &r->job;

	while (r->running < r->limit && r->early < early_limit(r) &&
	       r->error == 0 && rdd_tlsenum_next(r->plan, job)) {
		struct econn *c = calloc(1, sizeof(*c));
		uint64_t now = now_us(), at = r->next_connect_us;

		if (c != NULL)
			c->tc = rdd_tlsconn_new(r->opt->cookie, job->hello,
			                        job->hello_len, r->timeout_us);
		if (c == NULL || c->tc == NULL) {
			struct rdd_tlsconn_result none = {0};

			none.outcome = RDD_TLSCONN_NO_TLS;
			none.alert_desc = -1;
			rdd_tlsenum_answer(r->plan, job->id, &none);
			free(c);
			r->error = -1;
			return;
		}
		c->run = r;
		c->job_id = job->id;
		uv_tcp_init(&r->loop, &c->tcp);
		uv_timer_init(&r->loop, &c->timer);
		c->open_handles = 2;
		c->tcp.data = c->timer.data = c->connect_req.data = c;
		r->running++;
		r->early++;
		c->early = true;
		r->next_connect_us = (at > now ? at : now) + CONNECT_PACE_US;
		if (at > now) {
			c->waiting = true;
			uv_timer_start(&c->timer, on_timer,
			               (at - now + 999) / 1000, 0);
		} else {
			econn_connect(c);
		}
	}
}

/* Start from what the check's own connections to this address saw. */
void
rdd__tlsenum_target_from(const struct rdd_observation *obs,
                         struct rdd__tlsenum_target *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->address, sizeof(t->address), "%s", obs->address);
	if (!obs->host_is_address)
		snprintf(t->server_name, sizeof(t->server_name), "%s",
		         obs->host);
	t->rtt_us = UINT64_MAX;
	for (size_t i = 0; i < obs->n_attempts; i++) {
		const struct rdd_attempt *a = &obs->attempts[i];
		uint64_t tcp, x224;

		if (a->tcp != RDD_TCP_OK || strcmp(a->address, obs->address))
			continue;
		tcp = (uint64_t)(a->tcp_ms * 1000.0);
		if (tcp < t->rtt_us)
			t->rtt_us = tcp;
		if (a->x224 == RDD_X224_NOT_RUN)
			continue;
		x224 = (uint64_t)(a->x224_ms * 1000.0);
		if (x224 > tcp && x224 - tcp > t->proc_us)
			t->proc_us = x224 - tcp;
	}
}

int
rdd_tlsenum_run(const struct rdd_check_options *opt,
                struct rdd_observation *obs)
{
	struct rdd__tlsenum_target t;

	rdd__tlsenum_target_from(obs, &t);
	return rdd__tlsenum_run_target(opt, &t, &obs->tls_enum);
}

int
rdd__tlsenum_run_target(const struct rdd_check_options *opt,
                        const struct rdd__tlsenum_target *t,
                        struct rdd_tls_enum_info *out)
{
	struct erun *r;
	uint64_t t0 = now_us();
	int rc;

	memset(out, 0, sizeof(*out));
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -1;
	r->opt = opt;
	r->info = out;
	r->t0_us = t0;
	if (uv_ip4_addr(t->address, opt->port,
	                (struct sockaddr_in *)&r->addr) != 0 &&
	    uv_ip6_addr(t->address, opt->port,
	                (struct sockaddr_in6 *)&r->addr) != 0) {
		free(r);
		snprintf(out->detail, sizeof(out->detail),
		         "no address to enumerate");
		return 0;
	}
	r->timeout_us = (uint64_t)(opt->timeout_s * 1e6);
	if (r->timeout_us < 1000)
		r->timeout_us = 1000;
	r->limit = opt->tls_parallel > 0 ? opt->tls_parallel : 8;
	if (r->limit > MAX_PARALLEL)
		r->limit = MAX_PARALLEL;
	r->rtt_us = t->rtt_us;
	r->proc_us = t->proc_us;
	r->check_early = &t->check_early;
	r->plan = rdd_tlsenum_new(t->server_name[0] ? t->server_name : NULL);
	rdd_tlsenum_set_width(r->plan,
	                      rdd_tlsenum_chain_width(r->rtt_us, r->proc_us));
	if (r->plan == NULL || uv_loop_init(&r->loop) != 0) {
		rdd_tlsenum_free(r->plan);
		free(r);
		return -1;
	}
	erun_fill(r);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	rdd_tlsenum_result(r->plan, out);
	out->ms = (double)(now_us() - t0) / 1000.0;
	rc = r->error;
	rdd_tlsenum_free(r->plan);
	if (uv_loop_close(&r->loop) != 0)
		rc = -1;
	free(r);
	return rc;
}
