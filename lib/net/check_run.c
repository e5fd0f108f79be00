/*
 * check_run.c - the event-loop driver of a check (libuv).
 *
 * The only file in lib/ that makes network system calls. It resolves the
 * target (every A/AAAA record), opens the plan's connections (check.h)
 * concurrently to the chosen address, and pumps bytes and time between
 * each socket and its sans-I/O probe (probe.h). Other addresses of the
 * name get a TCP-only connect, so that a name whose addresses answer
 * differently can be told. Every wait is bounded by the per-phase timeout.
 *
 * Lifetime: a check lives on a uv_loop it is given (rdd_check_start,
 * many at once for scan) or one of its own (rdd_check_run). It counts its
 * open handles and requests; when the last one is closed it concludes the
 * observation and calls its done callback, and everything it opened is
 * closed by then. Reads land in one buffer per loop (the environment's):
 * a probe copies what it keeps, so no connection needs its own.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/gateway.h"
#include "rdpdoctor/netpath.h"
#include "rdpdoctor/udpphase.h"
#include "rdpdoctor/krbphase.h"
#include "krb_run.h"
#include "krb_user.h"
#include "tlsenum_run.h"
#include "eof_reset.h"
#include "tcp_rtt.h"
#include "write_copy.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A libuv handle's socket, for setsockopt and shutdown: a descriptor on
 * POSIX, a SOCKET behind the HANDLE libuv gives on Windows. */
#ifdef _WIN32
#define OS_SOCKET(fd) ((SOCKET)(fd))
#else
#define OS_SOCKET(fd) (fd)
#endif

struct run;

/* One TCP connection: a plan entry driven by a probe, or a TCP-only probe
 * of an alternate address (probe == NULL). */
struct conn {
	struct run *run;
	uv_tcp_t tcp;
	uv_connect_t connect_req;
	uv_timer_t timer;
	int open_handles;
	bool connected;
	bool waiting; /* paced: the connect has not been started yet */
	struct sockaddr_storage addr;
	bool finished;
	struct rdd_probe *probe;
	/* Through a gateway (--gateway): the machine that drives PROBE
	 * (owns it); NULL for a direct connection. */
	struct rdd_gw *gw;
	/* ... and, for the gateway's legacy HTTP transport, its second
	 * connection to the same address (the IN channel; gw_in_pump). */
	uv_tcp_t in_tcp;
	uv_connect_t in_req;
	bool in_open, in_connected, in_done;
	struct rdd_attempt *attempt;   /* plan connections */
	struct rdd_alt_address *alt;   /* TCP-only connections */
	struct rdd_net_sample *sample; /* path samples (TCP-only) */
	/* One of the check's opening connections (A, B, C): by default its
	 * handshake is a path sample too (rdd_net_own_sample). */
	bool opening;
	struct rdd_net_sample *own;
	/* Held back (not paced yet): the server's accept queue may be full
	 * of the check's connections (ACCEPT_QUEUE_HOLDS, release_held). */
	bool held;
	int mss;       /* > 0: TCP_MAXSEG before connect */
	bool en_early; /* counted in en.target.check_early */
	uint64_t connect_start_us;
	char label[8];
};

struct run {
	uv_loop_t *loop;
	uint8_t *rbuf; /* the loop's read buffer (rdd_check_env) */
	size_t rbuf_len;
	/* Handles and requests still open; at 0 (once started) the check
	 * is complete. */
	int refs;
	bool completing;
	rdd_check_done_cb done;
	void *done_ctx;
	bool free_when_gai_done; /* rdd_check_free with an orphaned lookup */
	bool gai_pending;
	const struct rdd_check_options *opt;
	struct rdd_observation *obs;
	uint64_t t0_us;
	uint64_t timeout_us;
	uv_getaddrinfo_t gai;
	uv_timer_t resolve_timer;
	bool resolve_timer_open;
	bool resolve_done;
	bool gai_orphaned; /* a lookup that outlived its timeout */
	struct sockaddr_storage addrs[RDD_MAX_ADDRESSES];
	size_t n_addrs;
	struct conn
	    *conns[RDD_MAX_ATTEMPTS + RDD_MAX_ADDRESSES + RDD_MAX_SAMPLES + 1];
	size_t n_conns;
	int error;
	/* The SPNEGO retry of CredSSP (rdd_plan_spnego_retry): made once,
	 * with A's plain result kept aside for rdd_plan_credssp_merge. */
	bool retried;
	struct rdd_credssp_info *plain; /* allocated by the retry */
	/* Each attempt's MCS record (rdd_plan_mcs_merge picks one),
	 * allocated for the first connection that needs one (a quick scan
	 * needs none), and the record of each walk after MCS
	 * (rdd_plan_session_merge picks), allocated per walking attempt:
	 * only A (and A2) walk, so a check in flight holds one or two of
	 * these 5 KB records, not one per possible attempt. */
	struct rdd_mcs_info *mcs; /* [RDD_MAX_ATTEMPTS] */
	struct rdd_session_info *session[RDD_MAX_ATTEMPTS];
	bool c_walks; /* C's walk was switched on (rdd_plan_c_walks) */
	/* Connections to the target's address are started CONNECT_PACE_US
	 * apart: a burst of SYNs overflows small listen queues (xrdp's
	 * backlog is 2), and each dropped SYN costs a one-second retransmit. */
	uint64_t next_connect_us;
	bool opening; /* the plan's opening connections are being opened */
	/* The MTU black-hole retry (rdd_plan_mtu_retry): its own attempt,
	 * kept out of obs->attempts. */
	bool mtu_started;
	struct rdd_attempt mtu_attempt;
	/* The path samples, scheduled by rdd_net_next_step (netpath.h):
	 * one timer for the next start or cut, and when the check's last
	 * phase ended (< 0 before). */
	struct {
		bool open;
		bool stepping, again; /* samples_step is not re-entered */
		uv_timer_t timer;
		double phases_end_ms;
	} smp;
	/* The RDP-UDP probe: one connected UDP socket, the SYN sent up to
	 * RDD_UDP_MAX_SYNS times within the phase timeout. */
	struct {
		bool open;
		bool done;
		int handles;
		uv_udp_t udp;
		uv_timer_t timer;
		uv_udp_send_t send_req;
		bool sending;
		uint32_t isn;
		uint8_t correlation[16];
		uint8_t *syn; /* RDD_UDP_SYN_LEN, allocated by the first send */
		uint64_t first_us, last_us;
		bool got_other; /* a datagram that was not our SYN+ACK */
	} u;
	/* --tls-full: the enumeration, on a thread of its own from the
	 * moment the plan's connections are connected and one has its X.224
	 * answer (maybe_start_tls_full), or after the check when no answer
	 * came; it writes obs->tls_enum alone, which nothing here touches
	 * until the join. The thread's end wakes the loop (async). */
	struct {
		bool started;
		uv_thread_t thread;
		uv_async_t async;
		struct rdd__tlsenum_target target;
		int rc;
	} en;
	size_t excluded; /* resolved addresses refused by address_ok */
	/* 0 running, 1 concluded (the enumeration may still run), 2 done. */
	int stage;
	uv_timer_t kick; /* holds the check open until the loop runs it */
	/* The Kerberos phase (krb_run.c): started once, when its realm is
	 * known (maybe_kerberos). */
	bool krb_started;
	/* A's logon waits for the phase's ticket (krb_logon_waits); the
	 * MEMORY cache that holds it, destroyed when the check ends. */
	bool krb_await, krb_over;
	char krb_ccache[RDD_STR];
	/* --gateway: the name resolved and connected to is the gateway's
	 * (on gw_port); attempt A is walked through it, alone. */
	const char *gw_host;
	uint16_t gw_port;
};

#define CONNECT_PACE_US 2000

/*
 * The check's connections that may wait in the server's accept queue at
 * once: xrdp's (listen backlog 2) holds 3, and a SYN that finds it full
 * is dropped and retransmitted a second later. The opening three fit;
 * the four encryption probes of standard RDP security did not: against
 * xrdp negotiate on the loaded lab machine 4 to 5 checks in 20 lost
 * EFIPS's SYN (1.2 s instead of 0.2 s), with or without path samples.
 */
#define ACCEPT_QUEUE_HOLDS 3

static uint64_t
now_us(void)
{
	return uv_hrtime() / 1000;
}

static double
ms_since(const struct run *r, uint64_t t_us)
{
	return (double)(t_us - r->t0_us) / 1000.0;
}

static void trace(struct run *r, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
trace(struct run *r, const char *label, const char *fmt, ...)
{
	char line[RDD_STR];
	va_list ap;

	if (r->opt->trace == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->opt->trace(r->opt->trace_ctx, label, line);
}

static void
addr_to_str(const struct sockaddr *sa, char *dst, size_t cap)
{
	if (sa->sa_family == AF_INET6)
		uv_ip6_name((const struct sockaddr_in6 *)sa, dst, cap);
	else
		uv_ip4_name((const struct sockaddr_in *)sa, dst, cap);
}

/* --- the check's open handles and requests ---------------------------- */

static void complete(struct run *r);
static void free_run(struct run *r);

static void
ref(struct run *r, int n)
{
	r->refs += n;
}

/* One handle or request less; the last one completes the check. R may be
 * freed when this returns (by the done callback): callers return at once. */
static void
unref(struct run *r)
{
	if (--r->refs == 0)
		complete(r);
}

/* --- connection teardown -------------------------------------------- */

static void
on_handle_closed(uv_handle_t *h)
{
	struct conn *c = h->data;
	struct run *r = c->run;

	if (--c->open_handles == 0) {
		if (c->gw != NULL)
			rdd_gw_free(c->gw); /* and its inner probe */
		else
			rdd_probe_free(c->probe);
		c->gw = NULL;
		c->probe = NULL;
	}
	unref(r);
}

static void maybe_retry(struct run *r);
static void maybe_kerberos(struct run *r, bool final);
static bool krb_logon_waits(struct run *r, char *why, size_t cap);
static void maybe_enumerate(struct run *r);
static void maybe_start_tls_full(struct run *r);
static void maybe_c_walks(struct run *r);
static void en_early_done(struct conn *c);
static void maybe_mtu_retry(struct run *r);
static void mtu_retry_done(struct run *r);
static void samples_step(struct run *r);
static void sample_connected(struct conn *c);
static void conn_paced(struct conn *c);
static int unaccepted(const struct run *r);
static void release_held(struct run *r);

/* The handshake of C, one of the check's opening connections, has ended
 * with O after MS: so has its path sample, if it is one. */
static void
own_end(struct conn *c, enum rdd_sample_outcome o, double ms)
{
	if (c->own == NULL || c->own->outcome != RDD_SAMPLE_NOT_RUN)
		return;
	c->own->outcome = o;
	c->own->rtt_ms = ms;
}

static void
conn_finish(struct conn *c)
{
	if (c->finished)
		return;
	c->finished = true;
	/* Ended before its handshake did (an error of ours): neither
	 * answered nor lost. */
	own_end(c, RDD_SAMPLE_CUT_SHORT,
	        c->connect_start_us != 0
	            ? (double)(now_us() - c->connect_start_us) / 1000.0
	            : 0);
	en_early_done(c);
	if (c->attempt == &c->run->mtu_attempt)
		mtu_retry_done(c->run);
	if (c->attempt != NULL && c->attempt != &c->run->mtu_attempt) {
		/* A is over: its NTLM CHALLENGE, if any, has come. */
		maybe_kerberos(c->run, strcmp(c->attempt->label, "A") == 0);
		maybe_retry(c->run);
		maybe_enumerate(c->run);
		maybe_mtu_retry(c->run);
		maybe_start_tls_full(c->run);
	}
	uv_timer_stop(&c->timer);
	release_held(c->run);
	if (c->in_open && !uv_is_closing((uv_handle_t *)&c->in_tcp))
		uv_close((uv_handle_t *)&c->in_tcp, on_handle_closed);
	if (!uv_is_closing((uv_handle_t *)&c->tcp))
		uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
	if (!uv_is_closing((uv_handle_t *)&c->timer))
		uv_close((uv_handle_t *)&c->timer, on_handle_closed);
	samples_step(c->run);
}

/* --- the probe, direct or through the gateway's machine ------------- */

static void
cp_start(struct conn *c, uint64_t now)
{
	if (c->gw != NULL)
		rdd_gw_start(c->gw, now);
	else
		rdd_probe_start(c->probe, now);
}

static void
cp_recv(struct conn *c, const uint8_t *p, size_t n, uint64_t now)
{
	if (c->gw != NULL)
		rdd_gw_recv(c->gw, p, n, now);
	else
		rdd_probe_recv(c->probe, p, n, now);
}

static void
cp_closed(struct conn *c, bool reset, uint64_t now)
{
	if (c->gw != NULL)
		rdd_gw_peer_closed(c->gw, reset, now);
	else
		rdd_probe_peer_closed(c->probe, reset, now);
}

static size_t
cp_pending(struct conn *c, const uint8_t **data)
{
	return c->gw != NULL ? rdd_gw_pending(c->gw, data)
	                     : rdd_probe_pending(c->probe, data);
}

static void
cp_sent(struct conn *c, size_t n)
{
	if (c->gw != NULL)
		rdd_gw_sent(c->gw, n);
	else
		rdd_probe_sent(c->probe, n);
}

static bool
cp_done(const struct conn *c)
{
	return c->gw != NULL ? rdd_gw_done(c->gw) : rdd_probe_done(c->probe);
}

static uint64_t
cp_deadline(const struct conn *c)
{
	return c->gw != NULL ? rdd_gw_deadline(c->gw)
	                     : rdd_probe_deadline(c->probe);
}

static void
cp_tick(struct conn *c, uint64_t now)
{
	if (c->gw != NULL)
		rdd_gw_tick(c->gw, now);
	else
		rdd_probe_tick(c->probe, now);
}

/* The TCP connection to the gateway failed (O, ERR; STATUS 0: timeout). */
static void
gw_tcp_failed(struct conn *c, enum rdd_tcp_outcome o, int status, double ms,
              const char *err)
{
	struct rdd_gateway_info *g = &c->run->obs->gateway;

	g->step = RDD_GW_STEP_TCP;
	g->outcome = RDD_GW_TCP_FAILED;
	g->tcp = o;
	g->tls_ms = ms;
	snprintf(g->tcp_error, sizeof(g->tcp_error), "%s", err);
	if (status != 0) {
		snprintf(g->tcp_errname, sizeof(g->tcp_errname), "%s",
		         uv_err_name(status));
#ifndef _WIN32
		g->tcp_errno = -status;
#endif
	}
	snprintf(g->detail, sizeof(g->detail),
	         "TCP to the gateway %.100s: %.120s", g->address, err);
}

/* --- probe pumping ---------------------------------------------------- */

static void on_timer(uv_timer_t *t);
static void conn_connect(struct conn *c);

/* A write in flight, with the bytes it owns. */
static void conn_pump(struct conn *c);

/*
 * A reset often lands on a write rather than a read (on a fast link the
 * RST answers the very bytes being sent), so a failed write ends the
 * probe's connection as a reset, not as a silent stall.
 */
static void
on_write(void *ctx, int status)
{
	struct conn *c = ctx;

	if (status >= 0 || status == UV_ECANCELED || c->finished)
		return;
	trace(c->run, c->label, "<- connection %s (on send)",
	      status == UV_ECONNRESET || status == UV_EPIPE
	          ? "reset by the server"
	          : uv_strerror(status));
	cp_closed(c, true, now_us());
	conn_pump(c);
	conn_finish(c);
}

static enum rdd_tcp_outcome tcp_outcome(int status);
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);

/* The gateway's IN channel (legacy transport): its end, its bytes. */
static void
in_end(struct conn *c, bool reset)
{
	if (c->in_done)
		return;
	c->in_done = true;
	if (c->in_connected)
		uv_read_stop((uv_stream_t *)&c->in_tcp);
	rdd_gw_in_peer_closed(c->gw, reset, now_us());
}

static void
on_in_write(void *ctx, int status)
{
	struct conn *c = ctx;

	if (status >= 0 || status == UV_ECANCELED || c->finished)
		return;
	trace(c->run, c->label, "<- IN channel %s (on send)",
	      uv_strerror(status));
	in_end(c, true);
	conn_pump(c);
}

static void
on_in_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	if (c->finished || c->in_done)
		return;
	if (nread > 0) {
		rdd_gw_in_recv(c->gw, (const uint8_t *)buf->base, (size_t)nread,
		               now_us());
	} else if (nread < 0) {
		bool reset = nread != UV_EOF || rdd__eof_was_reset(&c->in_tcp);

		trace(c->run, c->label, "<- IN channel %s",
		      reset ? "reset by the gateway" : "closed by the gateway");
		in_end(c, reset);
	}
	conn_pump(c);
}

static void
in_connect_failed(struct conn *c, int status)
{
	c->in_done = true;
	rdd_gw_in_failed(c->gw, tcp_outcome(status), uv_err_name(status),
#ifndef _WIN32
	                 -status,
#else
	                 0,
#endif
	                 uv_strerror(status), now_us());
}

static void
on_in_connect(uv_connect_t *req, int status)
{
	struct conn *c = req->data;

	if (status == UV_ECANCELED || c->finished)
		return;
	if (status < 0) {
		trace(c->run, c->label, "IN channel: TCP connect failed: %s",
		      uv_strerror(status));
		in_connect_failed(c, status);
		conn_pump(c);
		return;
	}
	c->in_connected = true;
	/* Small chunks back to back: no Nagle wait on the delayed ACK. */
	uv_tcp_nodelay(&c->in_tcp, 1);
	trace(c->run, c->label, "IN channel: TCP connected");
	uv_read_start((uv_stream_t *)&c->in_tcp, on_alloc, on_in_read);
	rdd_gw_in_connected(c->gw, now_us());
	conn_pump(c);
}

/* Open the IN channel when the machine asks, send what it has for it. */
static void
gw_in_pump(struct conn *c)
{
	const uint8_t *data;
	size_t n;
	int rc;

	if (!c->in_open && rdd_gw_in_wanted(c->gw)) {
		c->in_open = true;
		uv_tcp_init(c->run->loop, &c->in_tcp);
		c->in_tcp.data = c;
		c->in_req.data = c;
		c->open_handles++;
		ref(c->run, 1);
		trace(c->run, c->label,
		      "-> second TCP connection to the gateway (the legacy "
		      "transport's IN channel)");
		rc = uv_tcp_connect(&c->in_req, &c->in_tcp,
		                    (const struct sockaddr *)&c->addr,
		                    on_in_connect);
		if (rc != 0)
			in_connect_failed(c, rc);
		return;
	}
	if (!c->in_connected || c->in_done)
		return;
	while ((n = rdd_gw_in_pending(c->gw, &data)) > 0) {
		rc = rdd__write_copy((uv_stream_t *)&c->in_tcp, data, n,
		                     on_in_write, c);
		if (rc == RDD__WRITE_NOMEM) {
			c->run->error = -1;
			return;
		}
		rdd_gw_in_sent(c->gw, n);
		if (rc != 0)
			break;
	}
}

/* Send what the probe wants sent, re-arm the timer, finish when done. */
static void
conn_pump(struct conn *c)
{
	const uint8_t *data;
	size_t n;
	uint64_t deadline, now;

	if (c->finished)
		return;
	while ((n = cp_pending(c, &data)) > 0) {
		int rc = rdd__write_copy((uv_stream_t *)&c->tcp, data, n,
		                         on_write, c);

		if (rc == RDD__WRITE_NOMEM) {
			c->run->error = -1;
			conn_finish(c);
			return;
		}
		cp_sent(c, n);
		if (rc != 0)
			break; /* the read side will see the error */
	}
	if (c->gw != NULL)
		gw_in_pump(c);
	if (cp_done(c)) {
		conn_finish(c);
		return;
	}
	if (c->attempt != NULL && c->attempt->x224 != RDD_X224_NOT_RUN) {
		en_early_done(c);
		release_held(c->run);
	}
	if (c->attempt != NULL) {
		maybe_start_tls_full(c->run);
		maybe_c_walks(c->run);
		samples_step(c->run); /* an X.224 answer may free the way */
	}
	deadline = cp_deadline(c);
	if (deadline == UINT64_MAX) {
		uv_timer_stop(&c->timer);
		return;
	}
	now = now_us();
	uv_timer_start(&c->timer, on_timer,
	               deadline > now ? (deadline - now + 999) / 1000 : 0, 0);
}

static void
on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)c->run->rbuf, (unsigned)c->run->rbuf_len);
}

static void
on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	if (c->finished)
		return;
	if (nread > 0) {
		cp_recv(c, (const uint8_t *)buf->base, (size_t)nread, now_us());
	} else if (nread == UV_EOF) {
		bool reset = rdd__eof_was_reset(&c->tcp);

		trace(c->run, c->label, "<- connection %s",
		      reset ? "reset by the server (seen by the send)"
		            : "closed by the server");
		cp_closed(c, reset, now_us());
	} else if (nread < 0) {
		trace(c->run, c->label, "<- connection %s",
		      nread == UV_ECONNRESET ? "reset by the server"
		                             : uv_strerror((int)nread));
		cp_closed(c, true, now_us());
	}
	conn_pump(c);
	if (c->probe != NULL)
		maybe_kerberos(c->run, false);
	if (nread < 0 && !c->finished)
		conn_finish(c); /* nothing more can arrive */
}

static void
on_timer(uv_timer_t *t)
{
	struct conn *c = t->data;

	if (c->finished)
		return;
	if (c->waiting) {
		c->waiting = false;
		conn_connect(c);
		return;
	}
	if (!c->connected) {
		/* The SYN went unanswered: give up on the connect. */
		if (c->gw != NULL) {
			char e[RDD_STR];

			snprintf(e, sizeof(e), "no answer to SYN within %.1f s",
			         c->run->opt->timeout_s);
			gw_tcp_failed(c, RDD_TCP_TIMEOUT, 0,
			              (double)(now_us() - c->connect_start_us) /
			                  1000.0,
			              e);
		} else if (c->attempt != NULL) {
			c->attempt->tcp = RDD_TCP_TIMEOUT;
			c->attempt->tcp_ms =
			    (double)(now_us() - c->connect_start_us) / 1000.0;
			own_end(c, RDD_SAMPLE_TIMEOUT, c->attempt->tcp_ms);
			snprintf(c->attempt->tcp_error,
			         sizeof(c->attempt->tcp_error),
			         "no answer to SYN within %.1f s",
			         c->run->opt->timeout_s);
		} else if (c->sample != NULL) {
			c->sample->outcome = RDD_SAMPLE_TIMEOUT;
			c->sample->rtt_ms =
			    (double)(now_us() - c->connect_start_us) / 1000.0;
		} else {
			c->alt->tcp = RDD_TCP_TIMEOUT;
			c->alt->ms =
			    (double)(now_us() - c->connect_start_us) / 1000.0;
		}
		trace(c->run, c->label, "TCP connect timed out");
		conn_finish(c);
		return;
	}
	cp_tick(c, now_us());
	conn_pump(c);
}

static enum rdd_tcp_outcome
tcp_outcome(int status)
{
	switch (status) {
	case UV_ECONNREFUSED:
		return RDD_TCP_REFUSED;
	case UV_ETIMEDOUT:
		return RDD_TCP_TIMEOUT;
	case UV_EHOSTUNREACH:
	case UV_ENETUNREACH:
	case UV_EHOSTDOWN:
	case UV_EADDRNOTAVAIL:
		return RDD_TCP_UNREACHABLE;
	default:
		return RDD_TCP_ERROR;
	}
}

/* Our end of the connection, for the Client Info PDU. */
/* A failed connect's error, as the phase's native code (docs/json.md
 * phases[].error): libuv's name, and on Unix the errno it stands for. */
static void
tcp_native_error(struct rdd_attempt *a, int status)
{
	snprintf(a->tcp_errname, sizeof(a->tcp_errname), "%s",
	         uv_err_name(status));
#ifndef _WIN32
	a->tcp_errno = -status;
#endif
}

/* A failed lookup's getaddrinfo() error. */
static void
gai_native_error(struct rdd_observation *obs, int status)
{
	static const struct {
		int uv, eai;
	} map[] = {
	    {UV_EAI_AGAIN, EAI_AGAIN},     {UV_EAI_BADFLAGS, EAI_BADFLAGS},
	    {UV_EAI_FAIL, EAI_FAIL},       {UV_EAI_FAMILY, EAI_FAMILY},
	    {UV_EAI_MEMORY, EAI_MEMORY},   {UV_EAI_NONAME, EAI_NONAME},
	    {UV_EAI_SERVICE, EAI_SERVICE}, {UV_EAI_SOCKTYPE, EAI_SOCKTYPE},
	};
	size_t i;

	snprintf(obs->resolve_errname, sizeof(obs->resolve_errname), "%s",
	         uv_err_name(status));
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].uv == status)
			obs->resolve_gai = map[i].eai;
}

static void
client_address(struct conn *c)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	char addr[INET6_ADDRSTRLEN];

	if (uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&ss, &len) != 0)
		return;
	addr_to_str((const struct sockaddr *)&ss, addr, sizeof(addr));
	rdd_probe_set_client_address(c->probe, ss.ss_family == AF_INET6 ? 6 : 4,
	                             addr);
}

/* A was refused with SSL_NOT_ALLOWED_BY_SERVER: C is mstsc's fallback
 * path, so C walks the rest of the connection sequence. */
static void
maybe_c_walks(struct run *r)
{
	size_t i;

	if (r->c_walks || !rdd_plan_c_walks(r->obs))
		return;
	r->c_walks = true;
	for (i = 0; i < r->n_conns; i++)
		if (r->conns[i]->probe != NULL &&
		    strcmp(r->conns[i]->label, "C") == 0) {
			rdd_probe_set_session(r->conns[i]->probe, true);
			rdd_probe_set_credentials(r->conns[i]->probe,
			                          r->opt->credentials);
		}
}

/*
 * A path sample's RTT: the kernel's (tcp_rtt.h), not MS, the time the loop
 * took to see the connect complete (for connection A that held the setup
 * of the check's other connections), unless MS shows a retransmission
 * (its step is what rdd_net_summarize counts as a lost SYN) or the kernel
 * does not say.
 */
static double
sample_rtt_ms(const struct conn *c, double ms)
{
	double k = rdd__tcp_rtt_ms(&c->tcp);

	if (k < 0 || k > ms || ms >= 900)
		return ms;
	if (k < ms - 0.05)
		trace(c->run, c->label,
		      "path sample: %.3f ms by the kernel's clock", k);
	return k;
}

static void
on_connect(uv_connect_t *req, int status)
{
	struct conn *c = req->data;
	uint64_t now = now_us();
	double ms = (double)(now - c->connect_start_us) / 1000.0;

	if (c->finished)
		return; /* timed out and closed: status is UV_ECANCELED */
	if (status != 0) {
		enum rdd_tcp_outcome o = tcp_outcome(status);

		if (c->gw != NULL) {
			char e[RDD_STR];

			snprintf(e, sizeof(e), "%s (%s)", uv_strerror(status),
			         uv_err_name(status));
			gw_tcp_failed(c, o, status, ms, e);
		} else if (c->attempt != NULL) {
			c->attempt->tcp = o;
			c->attempt->tcp_ms = ms;
			/* A SYN unanswered to the end is lost (as a sample's
			 * timeout); refused or unreachable is no path. */
			own_end(c,
			        o == RDD_TCP_TIMEOUT ? RDD_SAMPLE_TIMEOUT
			                             : RDD_SAMPLE_FAILED,
			        ms);
			snprintf(c->attempt->tcp_error,
			         sizeof(c->attempt->tcp_error), "%s (%s)",
			         uv_strerror(status), uv_err_name(status));
			tcp_native_error(c->attempt, status);
		} else if (c->sample != NULL) {
			c->sample->outcome = RDD_SAMPLE_FAILED;
			c->sample->rtt_ms = ms;
		} else {
			c->alt->tcp = o;
			c->alt->ms = ms;
		}
		trace(c->run, c->label, "TCP connect failed: %s",
		      uv_strerror(status));
		conn_finish(c);
		return;
	}
	c->connected = true;
	trace(c->run, c->label, "TCP connected in %.3f ms", ms);
	if (c->sample != NULL) {
		c->sample->outcome = RDD_SAMPLE_OK;
		c->sample->rtt_ms = sample_rtt_ms(c, ms);
		sample_connected(c);
		return;
	}
	if (c->attempt == NULL) {
		c->alt->tcp = RDD_TCP_OK;
		c->alt->ms = ms;
		conn_finish(c);
		return;
	}
	if (c->gw != NULL) {
		/* The target's TCP fields come from the channel's answer. */
		c->run->obs->gateway.tcp = RDD_TCP_OK;
		c->run->obs->gateway.tcp_ms = ms;
	} else {
		c->attempt->tcp = RDD_TCP_OK;
		c->attempt->tcp_ms = ms;
	}
	if (c->own != NULL)
		own_end(c, RDD_SAMPLE_OK, sample_rtt_ms(c, ms));
	client_address(c);
	uv_tcp_nodelay(&c->tcp, 1);
	uv_timer_stop(&c->timer);
	cp_start(c, now);
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
		cp_closed(c, true, now);
		conn_finish(c);
		return;
	}
	conn_pump(c);
}

/* The per-attempt MCS records, once. */
static int
records(struct run *r)
{
	if (r->mcs == NULL)
		r->mcs = calloc(RDD_MAX_ATTEMPTS, sizeof(*r->mcs));
	return r->mcs != NULL ? 0 : -1;
}

/* Open one connection to ADDR. ATTEMPT or ALT says what kind. */
static int
conn_open(struct run *r, const struct sockaddr *addr, const char *label,
          struct rdd_attempt *attempt, struct rdd_alt_address *alt,
          const struct rdd_probe_config *pcfg)
{
	struct conn *c;

	if (r->n_conns >= NELEM(r->conns))
		return -1;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	r->conns[r->n_conns++] = c;
	c->run = r;
	c->attempt = attempt;
	c->alt = alt;
	c->opening = r->opening && attempt != NULL;
	snprintf(c->label, sizeof(c->label), "%s", label);
	if (attempt != NULL) {
		/* The first completed handshake keeps the TLS record. */
		c->probe = rdd_probe_new(pcfg, attempt,
		                         r->obs->tls.present ||
		                                 attempt == &r->mtu_attempt
		                             ? NULL
		                             : &r->obs->tls);
		if (c->probe == NULL)
			return -1;
		if (pcfg->credssp)
			rdd_probe_set_credssp_record(c->probe,
			                             &r->obs->credssp);
		if ((pcfg->mcs || pcfg->session) && records(r) != 0)
			return -1;
		if (pcfg->mcs)
			rdd_probe_set_mcs_record(
			    c->probe, &r->mcs[attempt - r->obs->attempts]);
		if (pcfg->session && attempt != &r->mtu_attempt) {
			size_t k = (size_t)(attempt - r->obs->attempts);

			if (r->session[k] == NULL &&
			    (r->session[k] =
			         calloc(1, sizeof(*r->session[k]))) == NULL)
				return -1;
			rdd_probe_set_session_record(c->probe, r->session[k]);
		}
		if (r->gw_host != NULL) {
			struct rdd_gateway_config g;

			memset(&g, 0, sizeof(g));
			g.gateway_host = r->gw_host;
			g.target_host = r->opt->host;
			g.target_port = r->opt->port;
			g.credentials = r->opt->gateway_credentials;
			g.trust_store = r->opt->trust_store;
			g.verify_at = r->obs->checked_at;
			g.phase_timeout_us = r->timeout_us;
			g.t0_us = r->t0_us;
			g.trace = r->opt->trace;
			g.trace_ctx = r->opt->trace_ctx;
			c->gw =
			    rdd_gw_new(&g, &r->obs->gateway, c->probe, attempt);
			if (c->gw == NULL) {
				c->probe = NULL;
				return -1;
			}
		}
	}
	memcpy(&c->addr, addr,
	       addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                   : sizeof(struct sockaddr_in));
	if (pcfg != NULL && attempt == &r->mtu_attempt)
		c->mss = addr->sa_family == AF_INET6 ? RDD_NET_MTU_MSS6
		                                     : RDD_NET_MTU_MSS4;
	if (c->mss > 0) {
		/* The socket must exist before connect to carry the MSS in
		 * the SYN: create it now (uv_tcp_init_ex) and set it. */
		uv_os_fd_t fd;
		int mss = c->mss;

		uv_tcp_init_ex(r->loop, &c->tcp, addr->sa_family);
		if (uv_fileno((uv_handle_t *)&c->tcp, &fd) != 0 ||
		    setsockopt(OS_SOCKET(fd), IPPROTO_TCP, TCP_MAXSEG,
		               (const void *)&mss, sizeof(mss)) != 0) {
			r->obs->net.mtu = RDD_MTU_NO_MSS;
			c->mss = 0;
		}
	} else {
		uv_tcp_init(r->loop, &c->tcp);
	}
	uv_timer_init(r->loop, &c->timer);
	c->open_handles = 2;
	ref(r, 2);
	c->tcp.data = c;
	c->timer.data = c;
	c->connect_req.data = c;
	if (attempt == NULL && alt == NULL) {
		/* A path sample: sample_start connects it. */
		c->waiting = true;
		return 0;
	}
	c->held = true; /* not counted by unaccepted while it decides */
	if (attempt != NULL && !r->opening &&
	    unaccepted(r) >= ACCEPT_QUEUE_HOLDS) {
		trace(r, c->label,
		      "held back: %d of the check's connections may still "
		      "wait in the server's accept queue",
		      ACCEPT_QUEUE_HOLDS);
		c->waiting = true;
		return 0;
	}
	c->held = false;
	if (attempt != NULL) {
		conn_paced(c);
		return 0;
	}
	conn_connect(c);
	return 0;
}

/* Connect C (a plan connection) now or, paced, CONNECT_PACE_US after the
 * last. */
static void
conn_paced(struct conn *c)
{
	struct run *r = c->run;
	uint64_t now = now_us(), at = r->next_connect_us;

	r->next_connect_us = (at > now ? at : now) + CONNECT_PACE_US;
	if (at > now) {
		c->waiting = true;
		uv_timer_start(&c->timer, on_timer, (at - now + 999) / 1000, 0);
		return;
	}
	c->waiting = false;
	conn_connect(c);
}

/* The check's connections that may be in the server's accept queue: plan
 * connections (the MTU retry included) not held back, not ended, without
 * their X.224 answer. */
static int
unaccepted(const struct run *r)
{
	int k = 0;
	size_t i;

	for (i = 0; i < r->n_conns; i++) {
		const struct conn *c = r->conns[i];

		if (c->attempt != NULL && !c->held && !c->finished &&
		    c->attempt->x224 == RDD_X224_NOT_RUN)
			k++;
	}
	return k;
}

/* Let the connections held back go, as the accept queue has room. */
static void
release_held(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_conns; i++) {
		struct conn *c = r->conns[i];

		if (!c->held || c->finished)
			continue;
		if (unaccepted(r) >= ACCEPT_QUEUE_HOLDS)
			return;
		c->held = false;
		trace(r, c->label, "released: room in the accept queue");
		conn_paced(c);
	}
}

/* Start C's TCP connect now, bounded by the phase timeout. */
static void
conn_connect(struct conn *c)
{
	struct run *r = c->run;
	char a[RDD_ADDR_STR];
	int rc;

	addr_to_str((struct sockaddr *)&c->addr, a, sizeof(a));
	c->connect_start_us = now_us();
	if (c->gw != NULL)
		r->obs->gateway.tls_start_ms = ms_since(r, c->connect_start_us);
	else if (c->attempt != NULL)
		c->attempt->tcp_start_ms = ms_since(r, c->connect_start_us);
	if (c->sample != NULL)
		c->sample->start_ms = ms_since(r, c->connect_start_us);
	if (c->opening && c->own == NULL)
		c->own = rdd_net_own_sample(&r->obs->net, c->label,
		                            ms_since(r, c->connect_start_us));
	trace(r, c->label, "connecting to %s%s port %u", a,
	      c->gw != NULL ? " (the gateway)" : "",
	      c->gw != NULL ? r->gw_port : r->opt->port);
	rc = uv_tcp_connect(&c->connect_req, &c->tcp,
	                    (struct sockaddr *)&c->addr, on_connect);
	if (rc != 0) {
		/* Synchronous failure (e.g. no route for this family). */
		if (c->gw != NULL) {
			char e[RDD_STR];

			snprintf(e, sizeof(e), "%s (%s)", uv_strerror(rc),
			         uv_err_name(rc));
			gw_tcp_failed(c, tcp_outcome(rc), rc, 0, e);
		} else if (c->attempt != NULL) {
			c->attempt->tcp = tcp_outcome(rc);
			snprintf(c->attempt->tcp_error,
			         sizeof(c->attempt->tcp_error), "%s (%s)",
			         uv_strerror(rc), uv_err_name(rc));
			tcp_native_error(c->attempt, rc);
			own_end(c, RDD_SAMPLE_FAILED, 0);
		} else if (c->sample != NULL) {
			c->sample->outcome = RDD_SAMPLE_FAILED;
		} else {
			c->alt->tcp = tcp_outcome(rc);
		}
		conn_finish(c);
		return;
	}
	uv_timer_start(&c->timer, on_timer, r->timeout_us / 1000, 0);
}

static void
set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

/* Open plan entry E to the first address, as a new attempt. */
static void
open_entry(struct run *r, const struct rdd_plan_entry *e)
{
	struct rdd_observation *obs = r->obs;
	struct rdd_probe_config pcfg;
	struct rdd_attempt *a;
	char why[RDD_STR] = "";

	if (obs->n_attempts >= NELEM(obs->attempts)) {
		r->error = -1;
		return;
	}
	a = &obs->attempts[obs->n_attempts++];
	snprintf(a->label, sizeof(a->label), "%s", e->label);
	a->requested = e->requested;
	a->tls_wanted = e->tls;
	snprintf(a->address, sizeof(a->address), "%s", obs->address);
	memset(&pcfg, 0, sizeof(pcfg));
	pcfg.requested_protocols = e->requested;
	pcfg.cookie = r->opt->cookie;
	pcfg.tls = e->tls;
	pcfg.credssp = e->credssp;
	pcfg.credssp_spnego = e->spnego;
	pcfg.server_name = r->opt->host;
	pcfg.phase_timeout_us = r->timeout_us;
	pcfg.t0_us = r->t0_us;
	pcfg.trace = r->opt->trace;
	pcfg.trace_ctx = r->opt->trace_ctx;
	pcfg.trust_store = r->opt->trust_store;
	pcfg.verify_at = obs->checked_at;
	pcfg.mcs = e->mcs;
	pcfg.encryption_methods = e->encryption_methods;
	pcfg.session = e->session;
	pcfg.stop_after =
	    r->opt->stop_after != 0 ? r->opt->stop_after : RDD_PHASE_ACTIVATION;
	pcfg.licensing_full = r->opt->licensing_full;
	if (e->session) {
		pcfg.channels = r->opt->channels;
		pcfg.n_channels = r->opt->n_channels;
	}
	/* One logon per check, on the default client's connection: a wrong
	 * password must cost the account one failed attempt, not two. */
	if (strcmp(e->label, "A") == 0 && !e->spnego) {
		pcfg.credentials = r->opt->credentials;
		pcfg.await_kerberos = r->opt->credentials != NULL &&
		                      !r->krb_over &&
		                      krb_logon_waits(r, why, sizeof(why));
		r->krb_await = pcfg.await_kerberos;
	}
	if (conn_open(r, (struct sockaddr *)&r->addrs[0], a->label, a, NULL,
	              &pcfg) != 0) {
		r->error = -1;
		return;
	}
	if (pcfg.credentials != NULL && !pcfg.await_kerberos)
		rdd_probe_set_kerberos(r->conns[r->n_conns - 1]->probe, NULL,
		                       NULL, why, now_us());
}

/* A's plain NTLM NEGOTIATE was refused: repeat A with SPNEGO, once. */
static void
maybe_retry(struct run *r)
{
	struct rdd_plan_entry e;

	if (r->retried || r->n_addrs == 0 || r->gw_host != NULL ||
	    !rdd_plan_spnego_retry(r->obs, &e))
		return;
	r->plain = malloc(sizeof(*r->plain));
	if (r->plain == NULL) {
		r->error = -1;
		return;
	}
	r->retried = true;
	*r->plain = r->obs->credssp;
	trace(r, e.label,
	      "CredSSP: plain NTLM refused on A; retrying with SPNEGO");
	open_entry(r, &e);
}

/* Standard RDP security works: one connection per encryption method. */
static void
maybe_enumerate(struct run *r)
{
	struct rdd_plan_entry e[RDD_MAX_ATTEMPTS];
	size_t i, n;

	if (r->n_addrs == 0 || r->gw_host != NULL)
		return;
	n = rdd_plan_encryption_probes(r->obs, e, NELEM(e));
	if (n > 0)
		trace(r, "-",
		      "standard RDP security works: one connection per "
		      "encryption method (%zu)",
		      n);
	for (i = 0; i < n; i++)
		open_entry(r, &e[i]);
}

static void
tls_full_thread(void *arg)
{
	struct run *r = arg;

	r->en.rc =
	    rdd__tlsenum_run_target(r->opt, &r->en.target, &r->obs->tls_enum);
	uv_async_send(&r->en.async);
}

/* The enumeration when no X.224 answer came during the check. */
static void
tls_after_thread(void *arg)
{
	struct run *r = arg;

	r->en.rc = rdd_tlsenum_run(r->opt, r->obs);
	uv_async_send(&r->en.async);
}

static void
en_closed(uv_handle_t *h)
{
	struct run *r = h->data;

	uv_thread_join(&r->en.thread);
	if (r->en.rc != 0)
		r->error = -1;
	unref(r);
}

static void
en_ended(uv_async_t *a)
{
	uv_close((uv_handle_t *)a, en_closed);
}

/* Run FN on the enumeration's thread; its end is an event of the loop. */
static int
en_start(struct run *r, void (*fn)(void *))
{
	if (uv_async_init(r->loop, &r->en.async, en_ended) != 0)
		return -1;
	r->en.async.data = r;
	ref(r, 1);
	if (uv_thread_create(&r->en.thread, fn, r) != 0) {
		/* Not started: the handle closes with nothing to join. */
		r->en.rc = 0;
		uv_close((uv_handle_t *)&r->en.async, NULL);
		r->refs--;
		return -1;
	}
	r->en.started = true;
	return 0;
}

/* C is one of the plan's connections and has no X.224 answer yet. */
static bool
awaits_x224(const struct run *r, const struct conn *c)
{
	return c->attempt != NULL && c->attempt != &r->mtu_attempt &&
	       !c->finished && c->attempt->x224 == RDD_X224_NOT_RUN;
}

/* C, counted among the check's connections that the enumeration takes
 * as early, has its X.224 answer or has ended. */
static void
en_early_done(struct conn *c)
{
	if (!c->en_early)
		return;
	c->en_early = false;
	atomic_fetch_sub(&c->run->en.target.check_early, 1);
}

/*
 * --tls-full: start the enumeration once every connection of the plan
 * is connected and one has the server's X.224 answer (or has ended). By
 * then the address is known and so are the connect and answer times that
 * pace it; the rest of the check (TLS, CredSSP, MCS, the path samples,
 * RDP-UDP) runs beside it. The plan's connections still waiting for
 * their answer may still be in the server's accept queue (xrdp's holds
 * 3): they count against the enumeration's early connections until they
 * have it (tlsenum_run.c), so that the queue holds no more than the
 * enumeration alone puts in it. Starting only once all had answered cost
 * .27 (xrdp, anonymous suites) ~20 ms, waiting for C's answer while the
 * server was busy with A's TLS handshake.
 */
static void
maybe_start_tls_full(struct run *r)
{
	size_t i;
	int pending = 0;
	bool answered = false;

	if (!r->opt->tls_full || r->en.started || r->n_addrs == 0 ||
	    r->gw_host != NULL)
		return;
	for (i = 0; i < r->n_conns; i++) {
		const struct conn *c = r->conns[i];

		if (awaits_x224(r, c) && !c->connected)
			return;
		if (awaits_x224(r, c))
			pending++;
		else if (c->attempt != NULL && c->attempt != &r->mtu_attempt &&
		         c->attempt->x224 != RDD_X224_NOT_RUN)
			answered = true;
	}
	if (!answered)
		return;
	rdd__tlsenum_target_from(r->obs, &r->en.target);
	atomic_store(&r->en.target.check_early, pending);
	if (en_start(r, tls_full_thread) != 0)
		return;
	/* Only this thread reads en_early (en_early_done). */
	for (i = 0; i < r->n_conns; i++)
		r->conns[i]->en_early = awaits_x224(r, r->conns[i]);
	trace(r, "T",
	      "TLS enumeration started beside the check (%d of its "
	      "connections without an X.224 answer yet)",
	      pending);
}

/*
 * A's TLS server flight never arrived: repeat A's handshake, TLS only, on
 * a socket whose MSS is small enough for any tunnel (RDD_NET_MTU_MSS4/6).
 * If that completes, full-size packets are lost on the path.
 */
static void
maybe_mtu_retry(struct run *r)
{
	struct rdd_plan_entry e;
	struct rdd_attempt *a = &r->mtu_attempt;
	struct rdd_probe_config pcfg;
	size_t i;

	if (r->mtu_started || r->n_addrs == 0 || r->gw_host != NULL ||
	    !rdd_plan_mtu_retry(r->obs, &e))
		return;
	r->mtu_started = true;
	for (i = 0; i < r->obs->n_attempts && i < NELEM(r->obs->attempts); i++)
		if (strcmp(r->obs->attempts[i].label, "A") == 0)
			snprintf(r->obs->net.mtu_first_detail,
			         sizeof(r->obs->net.mtu_first_detail),
			         "connection A: X.224 answered in %.1f ms, TLS "
			         "%s after %.1f ms%s%.120s",
			         r->obs->attempts[i].x224_ms,
			         rdd_tls_outcome_name(r->obs->attempts[i].tls),
			         r->obs->attempts[i].tls_ms,
			         r->obs->attempts[i].tls_detail[0] ? ": " : "",
			         r->obs->attempts[i].tls_detail);
	memset(a, 0, sizeof(*a));
	snprintf(a->label, sizeof(a->label), "%s", e.label);
	a->requested = e.requested;
	a->tls_wanted = e.tls;
	a->mcs_result = -1;
	snprintf(a->address, sizeof(a->address), "%s", r->obs->address);
	memset(&pcfg, 0, sizeof(pcfg));
	pcfg.requested_protocols = e.requested;
	pcfg.cookie = r->opt->cookie;
	pcfg.tls = true;
	pcfg.server_name = r->opt->host;
	pcfg.phase_timeout_us = r->timeout_us;
	pcfg.t0_us = r->t0_us;
	pcfg.trace = r->opt->trace;
	pcfg.trace_ctx = r->opt->trace_ctx;
	pcfg.trust_store = r->opt->trust_store;
	pcfg.verify_at = r->obs->checked_at;
	trace(r, e.label,
	      "TLS server flight lost on A: retrying with a small MSS");
	if (conn_open(r, (struct sockaddr *)&r->addrs[0], a->label, a, NULL,
	              &pcfg) != 0)
		r->error = -1;
}

/* The MTU retry has ended: record what it got. */
static void
mtu_retry_done(struct run *r)
{
	struct rdd_net_info *net = &r->obs->net;
	const struct rdd_attempt *a = &r->mtu_attempt;

	net->mtu_mss = r->addrs[0].ss_family == AF_INET6 ? RDD_NET_MTU_MSS6
	                                                 : RDD_NET_MTU_MSS4;
	net->mtu_ms = a->tls_ms;
	if (net->mtu == RDD_MTU_NO_MSS) {
		snprintf(net->mtu_detail, sizeof(net->mtu_detail),
		         "TCP_MAXSEG could not be set");
		return;
	}
	net->mtu = a->tls == RDD_TLS_OK ? RDD_MTU_OK : RDD_MTU_FAILED;
	snprintf(net->mtu_detail, sizeof(net->mtu_detail),
	         "connection M (MSS %d): TCP %s, X.224 %s, TLS %s after %.1f "
	         "ms%s%.150s",
	         net->mtu_mss, rdd_tcp_outcome_name(a->tcp),
	         rdd_x224_outcome_name(a->x224), rdd_tls_outcome_name(a->tls),
	         a->tls_ms, a->tls_detail[0] ? ": " : "", a->tls_detail);
	trace(r, a->label, "MTU retry: TLS %s", rdd_tls_outcome_name(a->tls));
}

/* --- the path samples (phase network) --------------------------------- */

/* The check's own work still runs: a connection of the plan, of another
 * address or the MTU retry, or the RDP-UDP probe. */
static bool
phases_running(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_conns; i++)
		if (r->conns[i]->sample == NULL && !r->conns[i]->finished)
			return true;
	return r->u.open && !r->u.done;
}

/*
 * No sample may start now. While the phases run: the encryption probes
 * are still to come, or the TLS enumeration runs (it keeps as many
 * connections waiting in the accept queue as it dares), or the server has
 * not closed the last sample yet (sample_connected, bounded by a timer of
 * its own), or, by default, one of the check's own TCP connections is
 * open (a plan connection, another address's, the MTU retry: a sample
 * beside them is one more connection the server accepts and sets up while
 * it works for the check), with --samples N one of them is connected
 * but has no X.224 answer yet (it may still wait in the accept queue,
 * where a sample's SYN could find no room: a 1 s retransmission taken for
 * loss; one not even connected is not there, and a port that drops SYNs
 * must not hold the samples back to the check's end). After the end
 * only a sample not yet closed beside a running enumeration: then the
 * minimum's rest comes one by one.
 */
static bool
server_busy(const struct run *r)
{
	bool running = r->smp.phases_end_ms < 0;
	bool alongside = r->obs->net.mode == RDD_NET_MODE_ALONGSIDE;
	size_t i;

	if (running &&
	    (r->en.started || rdd_plan_encryption_probes_coming(r->obs)))
		return true;
	if (!running && !r->en.started)
		return false;
	for (i = 0; i < r->n_conns; i++) {
		const struct conn *c = r->conns[i];

		if (c->finished)
			continue;
		if (running && c->sample == NULL &&
		    (alongside || (c->connected && c->attempt != NULL &&
		                   c->attempt->x224 == RDD_X224_NOT_RUN)))
			return true;
		if (c->sample != NULL && c->connected)
			return true;
	}
	return false;
}

static void
sample_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	(void)buf;
	if (nread != 0) /* the server closed it (or spoke): it is done */
		conn_finish(s->data);
}

static void
sample_wait_over(uv_timer_t *t)
{
	conn_finish(t->data);
}

/*
 * A sample connected (its outcome is set): half-close it and wait for the
 * server to close it too, at most RDD_NET_ACCEPT_WAIT_MS. Until then the
 * server may not even have accepted it (xrdp accepts and forks one at a
 * time), and another sample would crowd its accept queue.
 */
static void
sample_connected(struct conn *c)
{
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)&c->tcp, &fd) != 0 ||
	    shutdown(OS_SOCKET(fd), SHUT_WR) != 0 ||
	    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, sample_read) != 0) {
		conn_finish(c);
		return;
	}
	uv_timer_start(&c->timer, sample_wait_over, RDD_NET_ACCEPT_WAIT_MS, 0);
	samples_step(c->run);
}

/* The check's own TCP connect time (its fastest), -1 before an answer. */
static double
check_rtt_ms(const struct run *r)
{
	const struct rdd_observation *obs = r->obs;
	double best = -1;
	size_t i;

	for (i = 0; i < obs->n_attempts && i < NELEM(obs->attempts); i++)
		if (obs->attempts[i].tcp == RDD_TCP_OK &&
		    (best < 0 || obs->attempts[i].tcp_ms < best))
			best = obs->attempts[i].tcp_ms;
	return best;
}

/* Start the next sample: a TCP-only connect, paced like the plan's
 * connections (CONNECT_PACE_US), bounded by the phase timeout. */
static void
sample_start(struct run *r)
{
	struct rdd_net_info *net = &r->obs->net;
	size_t i = net->n_samples;
	uint64_t now = now_us(), at = r->next_connect_us;
	struct conn *c;
	char label[8];

	snprintf(label, sizeof(label), "S%zu", i + 1);
	if (i >= RDD_MAX_SAMPLES ||
	    conn_open(r, (struct sockaddr *)&r->addrs[0], label, NULL, NULL,
	              NULL) != 0) {
		/* Start no more; wait for none that was not started. */
		r->error = -1;
		net->n_requested = i;
		if (net->n_min > i)
			net->n_min = i;
		return;
	}
	c = r->conns[r->n_conns - 1];
	c->sample = &net->samples[i];
	net->n_samples = i + 1;
	if (r->en.started) {
		/* The minimum after the end, beside the TLS enumeration: it
		 * leaves room in the accept queue for the sample as for the
		 * check's own connections (en_early_done at the end). */
		c->en_early = true;
		atomic_fetch_add(&r->en.target.check_early, 1);
	}
	if (r->smp.phases_end_ms >= 0 && !r->en.started)
		at = now; /* the minimum after the end: at once (netpath.h) */
	r->next_connect_us = (at > now ? at : now) + CONNECT_PACE_US;
	if (at > now) {
		/* conn_connect sets the real start. */
		c->sample->start_ms = ms_since(r, at);
		uv_timer_start(&c->timer, on_timer, (at - now + 999) / 1000, 0);
		return;
	}
	c->waiting = false;
	conn_connect(c);
}

/* The samples still in flight have had their grace: end them, counted
 * neither as answered nor as lost. */
static void
samples_cut(struct run *r, double now_ms)
{
	size_t i, n = rdd_net_cut_short(&r->obs->net, now_ms);

	trace(r, "S",
	      "%zu path sample%s cut short by the end of the check (not "
	      "counted)",
	      n, n == 1 ? "" : "s");
	for (i = 0; i < r->n_conns; i++) {
		struct conn *c = r->conns[i];

		if (c->sample != NULL && !c->finished &&
		    c->sample->outcome == RDD_SAMPLE_CUT_SHORT)
			conn_finish(c);
	}
}

static void
samples_timer(uv_timer_t *t)
{
	samples_step(t->data);
}

static void
samples_timer_closed(uv_handle_t *h)
{
	unref(h->data);
}

/* Note the end of the check's last phase, once. */
static void
samples_phases_ended(struct run *r, double now_ms)
{
	const struct rdd_net_info *net = &r->obs->net;
	size_t i, in_flight = 0;

	r->smp.phases_end_ms = now_ms;
	for (i = 0; i < net->n_samples && i < RDD_MAX_SAMPLES; i++)
		if (net->samples[i].outcome == RDD_SAMPLE_NOT_RUN)
			in_flight++;
	if (net->mode == RDD_NET_MODE_SPREAD &&
	    (in_flight > 0 || net->n_samples < net->n_min))
		trace(
		    r, "S",
		    "the check's phases ended at %.1f ms; waiting for the "
		    "path samples (--samples %zu: %zu started, %zu in flight)",
		    now_ms, net->n_requested, net->n_samples, in_flight);
	else
		trace(r, "S",
		      "the check's phases ended at %.1f ms: %zu path samples "
		      "started, %zu in flight",
		      now_ms, net->n_samples, in_flight);
}

/* The samples are done: close those whose close by the server we still
 * wait for (sample_connected). */
static void
samples_close(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_conns; i++)
		if (r->conns[i]->sample != NULL && !r->conns[i]->finished)
			conn_finish(r->conns[i]);
}

/* Do what the schedule says now; arm the timer for what comes later. */
static void
samples_step(struct run *r)
{
	struct rdd_net_info *net = &r->obs->net;
	struct rdd_net_step st;
	double now;

	if (!r->smp.open)
		return;
	if (r->smp.stepping) {
		r->smp.again = true;
		return;
	}
	r->smp.stepping = true;
	do {
		r->smp.again = false;
		now = ms_since(r, now_us());
		if (r->smp.phases_end_ms < 0 && !phases_running(r))
			samples_phases_ended(r, now);
		st = rdd_net_next_step(net, r->smp.phases_end_ms,
		                       check_rtt_ms(r), server_busy(r));
		if ((st.action == RDD_NET_START || st.action == RDD_NET_CUT) &&
		    st.at_ms > now) {
			uv_timer_start(&r->smp.timer, samples_timer,
			               (uint64_t)(st.at_ms - now + 0.999), 0);
		} else if (st.action == RDD_NET_START) {
			sample_start(r);
			r->smp.again = true;
		} else if (st.action == RDD_NET_CUT) {
			samples_cut(r, now);
			r->smp.again = true;
		} else if (st.action == RDD_NET_IDLE) {
			uv_timer_stop(&r->smp.timer);
		} else {
			net->wait_ms = now > r->smp.phases_end_ms
			                   ? now - r->smp.phases_end_ms
			                   : 0;
			if (net->wait_ms > 0.05)
				trace(r, "S",
				      "path samples done %.1f ms after the "
				      "check's last phase",
				      net->wait_ms);
			r->smp.open = false;
			uv_close((uv_handle_t *)&r->smp.timer,
			         samples_timer_closed);
			samples_close(r);
		}
	} while (r->smp.again && r->smp.open);
	r->smp.stepping = false;
}

/* The path samples (netpath.h): by default beside the check, with
 * --samples N spread over time and waited for. */
static void
samples_begin(struct run *r)
{
	struct rdd_net_info *net = &r->obs->net;

	if (r->gw_host != NULL)
		return; /* the path to the target is the gateway's */
	/* rdd_net_plan ran before the opening connections
	 * (start_connections). */
	if (!net->present)
		return;
	uv_timer_init(r->loop, &r->smp.timer);
	ref(r, 1);
	r->smp.timer.data = r;
	r->smp.open = true;
	r->smp.phases_end_ms = -1;
	if (net->mode == RDD_NET_MODE_SPREAD)
		trace(r, "S",
		      "path samples: --samples %zu, %d ms apart; the check "
		      "waits for them (about %.1f s)",
		      net->n_requested, RDD_NET_SAMPLE_INTERVAL_MS,
		      (RDD_NET_SAMPLE_FIRST_MS +
		       (double)(net->n_min - 1) * RDD_NET_SAMPLE_INTERVAL_MS) /
		          1000.0);
	else
		trace(r, "S",
		      "path samples: the handshakes of the check's opening "
		      "connections, then, while none of its TCP connections "
		      "is open, one every %d ms until its last phase ends "
		      "(at most %d in all)",
		      RDD_NET_ALONGSIDE_INTERVAL_MS, RDD_NET_ALONGSIDE_MAX);
	samples_step(r);
}

/* --- RDP-UDP ------------------------------------------------------------ */

static void
udp_closed(uv_handle_t *h)
{
	struct run *r = h->data;

	r->u.handles--;
	unref(r);
}

static void
udp_finish(struct run *r, enum rdd_udp_outcome o, const char *detail)
{
	struct rdd_udp_info *ui = &r->obs->udp;
	uint64_t now = now_us();

	if (r->u.done)
		return;
	r->u.done = true;
	if (o == RDD_UDP_NO_ANSWER && r->u.got_other)
		o = RDD_UDP_MALFORMED;
	ui->outcome = o;
	ui->ms = (double)(now - r->u.first_us) / 1000.0;
	if (detail != NULL)
		snprintf(ui->detail, sizeof(ui->detail), "%s", detail);
	else if (o == RDD_UDP_MALFORMED)
		snprintf(ui->detail, sizeof(ui->detail),
		         "datagrams came back on UDP %u, none a SYN+ACK to "
		         "our SYN",
		         (unsigned)ui->port);
	trace(r, "U", "RDP-UDP: %s", rdd_udp_outcome_name(o));
	uv_udp_recv_stop(&r->u.udp);
	uv_timer_stop(&r->u.timer);
	uv_close((uv_handle_t *)&r->u.udp, udp_closed);
	uv_close((uv_handle_t *)&r->u.timer, udp_closed);
	samples_step(r);
}

static void
udp_sent(uv_udp_send_t *req, int status)
{
	struct run *r = req->data;

	r->u.sending = false;
	if (r->u.done || status == 0 || status == UV_ECANCELED)
		return;
	if (status == UV_ECONNREFUSED)
		udp_finish(r, RDD_UDP_REFUSED, NULL);
}

static void udp_timer(uv_timer_t *t);

/* Send SYN number N and arm the timer for the next one (or the end). */
static void
udp_send_syn(struct run *r, unsigned n)
{
	struct rdd_udp_info *ui = &r->obs->udp;
	double timeout_ms = (double)r->timeout_us / 1000.0, next;
	uv_buf_t buf;
	size_t len;
	int rc;

	if (r->u.syn == NULL)
		r->u.syn = malloc(RDD_UDP_SYN_LEN);
	len = r->u.syn == NULL ? 0
	                       : rdd_udp_syn(n, r->u.isn, r->u.correlation,
	                                     r->u.syn, RDD_UDP_SYN_LEN);
	if (len == 0 || r->u.sending) {
		udp_finish(r, RDD_UDP_ERROR, "could not build the SYN");
		return;
	}
	buf = uv_buf_init((char *)r->u.syn, (unsigned)len);
	r->u.send_req.data = r;
	rc = uv_udp_send(&r->u.send_req, &r->u.udp, &buf, 1, NULL, udp_sent);
	if (rc == UV_ECONNREFUSED) {
		udp_finish(r, RDD_UDP_REFUSED, NULL);
		return;
	}
	if (rc != 0) {
		char d[RDD_STR];

		snprintf(d, sizeof(d), "send: %s", uv_strerror(rc));
		udp_finish(r, RDD_UDP_ERROR, d);
		return;
	}
	r->u.sending = true;
	r->u.last_us = now_us();
	ui->syns_sent = n + 1;
	trace(r, "U", "-> RDP-UDP SYN %u (%zu bytes, version 0x%04x)", n + 1,
	      len, (unsigned)rdd_udp_syn_version(n));
	next = n + 1 < RDD_UDP_MAX_SYNS
	           ? rdd_udp_resend_at_ms(n + 1, timeout_ms)
	           : timeout_ms;
	next -= (double)(r->u.last_us - r->u.first_us) / 1000.0;
	uv_timer_start(&r->u.timer, udp_timer,
	               next > 0 ? (uint64_t)(next + 0.999) : 0, 0);
}

static void
udp_timer(uv_timer_t *t)
{
	struct run *r = t->data;
	unsigned sent = r->obs->udp.syns_sent;

	if (r->u.done)
		return;
	if (r->u.sending) /* the last send has not completed: wait */
		uv_timer_start(&r->u.timer, udp_timer, 10, 0);
	else if (sent < RDD_UDP_MAX_SYNS)
		udp_send_syn(r, sent);
	else
		udp_finish(r, RDD_UDP_NO_ANSWER, NULL);
}

static void
udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct run *r = h->data;

	(void)suggested;
	/* The loop's read buffer, as for TCP: udp_recv is done with it
	 * before it returns. */
	*buf = uv_buf_init((char *)r->rbuf, (unsigned)r->rbuf_len);
}

static void
udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
         const struct sockaddr *from, unsigned flags)
{
	struct run *r = h->data;
	struct rdd_udp_info *ui = &r->obs->udp;
	uint64_t now = now_us();

	(void)from;
	(void)flags;
	if (r->u.done)
		return;
	if (nread < 0) {
		if (nread == UV_ECONNREFUSED)
			udp_finish(r, RDD_UDP_REFUSED, NULL);
		return; /* other errors: keep waiting until the timeout */
	}
	if (nread == 0)
		return;
	if (rdd_udp_answer((const uint8_t *)buf->base, (size_t)nread, r->u.isn,
	                   ui) != 0) {
		r->u.got_other = true;
		trace(r, "U", "<- %zd bytes that are not a SYN+ACK to our SYN",
		      nread);
		return;
	}
	ui->rtt_ms = (double)(now - r->u.last_us) / 1000.0;
	trace(r, "U", "<- RDP-UDP SYN+ACK, version 0x%04x",
	      (unsigned)ui->version);
	udp_finish(r, RDD_UDP_ANSWERED, NULL);
}

/* Start the RDP-UDP probe to the first address. */
static void
start_udp(struct run *r)
{
	struct rdd_udp_info *ui = &r->obs->udp;
	struct sockaddr_storage ss = r->addrs[0];
	uint16_t port = r->opt->udp_port ? r->opt->udp_port : r->opt->port;
	char d[RDD_STR];
	int rc;
	size_t i;

	if (r->opt->no_udp || r->n_addrs == 0 || r->gw_host != NULL)
		return;
	ui->port = port;
	ui->version_offered = rdd_udp_syn_version(0);
	set_port(&ss, port);
	/* The ISN and correlation id need to be unpredictable, not secret. */
	if (uv_random(NULL, NULL, &r->u.isn, sizeof(r->u.isn), 0, NULL) != 0 ||
	    uv_random(NULL, NULL, r->u.correlation, sizeof(r->u.correlation), 0,
	              NULL) != 0) {
		uint64_t t = uv_hrtime();

		r->u.isn = (uint32_t)(t ^ (t >> 32));
		for (i = 0; i < sizeof(r->u.correlation); i++)
			r->u.correlation[i] = (uint8_t)(t >> (i % 8 * 8));
	}
	/* [MS-RDPBCGR] correlation id rules: the first byte neither 0x00 nor
	 * 0xF4, no byte 0x0D. */
	for (i = 0; i < sizeof(r->u.correlation); i++)
		if (r->u.correlation[i] == 0x0d)
			r->u.correlation[i] = 0x0e;
	if (r->u.correlation[0] == 0x00 || r->u.correlation[0] == 0xf4)
		r->u.correlation[0] = 0x01;
	uv_udp_init(r->loop, &r->u.udp);
	uv_timer_init(r->loop, &r->u.timer);
	ref(r, 2);
	r->u.udp.data = r;
	r->u.timer.data = r;
	r->u.handles = 2;
	r->u.open = true;
	r->u.first_us = now_us();
	ui->start_ms = ms_since(r, r->u.first_us);
	rc = uv_udp_connect(&r->u.udp, (struct sockaddr *)&ss);
	if (rc == 0)
		rc = uv_udp_recv_start(&r->u.udp, udp_alloc, udp_recv);
	if (rc != 0) {
		snprintf(d, sizeof(d), "UDP socket: %s", uv_strerror(rc));
		udp_finish(r, RDD_UDP_ERROR, d);
		return;
	}
	udp_send_syn(r, 0);
}

/* Start the plan's connections to the first address and TCP-only
 * connects to the others. */
static void
start_connections(struct run *r)
{
	struct rdd_plan_entry plan[RDD_MAX_ATTEMPTS];
	size_t n, i;
	struct rdd_observation *obs = r->obs;

	for (i = 0; i < r->n_addrs; i++)
		set_port(&r->addrs[i],
		         r->gw_host != NULL ? r->gw_port : r->opt->port);
	maybe_kerberos(r, r->n_addrs == 0);
	if (r->n_addrs == 0)
		return;
	if (r->gw_host != NULL) {
		/* One connection, the default client's, through the
		 * gateway: its address is the gateway's. */
		snprintf(obs->gateway.address, sizeof(obs->gateway.address),
		         "%s", obs->addresses[0]);
		n = rdd_plan_entries(plan, NELEM(plan));
		for (i = 0; i < n; i++)
			if (strcmp(plan[i].label, "A") == 0) {
				open_entry(r, &plan[i]);
				snprintf(
				    obs->attempts[obs->n_attempts - 1].address,
				    sizeof(obs->attempts[0].address), "%s",
				    "via the gateway");
				break;
			}
		return;
	}
	snprintf(obs->address, sizeof(obs->address), "%s", obs->addresses[0]);

	/* The samples' plan first: by default the opening connections'
	 * handshakes are samples (rdd_net_own_sample). */
	rdd_net_plan(&obs->net, r->opt->samples);
	n = rdd_plan_entries(plan, NELEM(plan));
	r->opening = true;
	for (i = 0; i < n; i++) {
		/* --depth quick: X.224 and A's TLS handshake only. */
		if (r->opt->quick) {
			plan[i].credssp = false;
			plan[i].mcs = false;
			plan[i].session = false;
		}
		open_entry(r, &plan[i]);
	}
	r->opening = false;
	start_udp(r);
	for (i = 1; i < r->n_addrs && obs->n_alt < NELEM(obs->alt); i++) {
		struct rdd_alt_address *alt = &obs->alt[obs->n_alt++];
		char label[8];

		snprintf(alt->address, sizeof(alt->address), "%s",
		         obs->addresses[i]);
		snprintf(label, sizeof(label), "alt%u", (unsigned)(i % 100));
		if (conn_open(r, (struct sockaddr *)&r->addrs[i], label, NULL,
		              alt, NULL) != 0)
			r->error = -1;
	}
	samples_begin(r);
}

/* --- Kerberos ----------------------------------------------------------- */

/*
 * Whether A's logon can be Kerberos, as a Windows client chooses (reference
 * 1.1): a password, a realm known before any answer (--realm, user@REALM,
 * DOMAIN\user) and the target typed as a name. Else WHY says why NTLM.
 */
static bool
krb_logon_waits(struct run *r, char *why, size_t cap)
{
	const struct rdd_check_options *opt = r->opt;
	const struct rdd_credentials *cr = opt->credentials;
	struct rdd_krb_realm_inputs in;
	char realm[RDD_STR];
	enum rdd_krb_realm_source src;

	memset(&in, 0, sizeof(in));
	in.option = opt->realm;
	in.user = cr->user;
	in.user_domain = cr->domain;
	in.host = opt->host;
	in.host_is_address = r->obs->host_is_address;
	src = rdd_krb_choose_realm(&in, realm, sizeof(realm));
	if (r->obs->host_is_address)
		snprintf(why, cap,
		         "the target was typed as an address: Windows does "
		         "not use Kerberos for an address and logs on with "
		         "NTLM");
	else if (!opt->kerberos)
		snprintf(why, cap, "the Kerberos phase is not run here");
	else if (cr->password == NULL || cr->user[0] == '\0')
		snprintf(why, cap, "no password for a Kerberos ticket");
	else if (src != RDD_KRB_REALM_OPTION && src != RDD_KRB_REALM_USER)
		snprintf(why, cap,
		         "no Kerberos realm was known before the connection "
		         "(--realm, user@REALM or dns.domain\\user; a NetBIOS "
		         "DOMAIN is no realm): NTLM");
	else
		return true;
	return false;
}

/* The phase is over: tell A's waiting logon which mechanism to use. */
static void
krb_decide(struct run *r)
{
	const struct rdd_krb_info *k = &r->obs->krb;
	const struct rdd_krb_user *u = &k->user;
	char why[RDD_STR];
	size_t i;

	r->krb_over = true;
	if (!r->krb_await)
		return;
	r->krb_await = false;
	if (r->krb_ccache[0] != '\0')
		snprintf(why, sizeof(why),
		         "the KDC issued a ticket for %.120s, as a Windows "
		         "client logs on to a domain server by name",
		         u->spn);
	else if (u->outcome == RDD_KRB_USER_TGS_FAILED)
		snprintf(why, sizeof(why),
		         "no ticket for %.120s (KDC error %lld): Windows falls "
		         "back to NTLM",
		         u->spn, (long long)u->tgs_code);
	else if (u->outcome == RDD_KRB_USER_AS_FAILED)
		snprintf(why, sizeof(why),
		         "the KDC refused the user (KDC error %lld): Windows "
		         "falls back to NTLM",
		         (long long)u->as_code);
	else if (u->outcome == RDD_KRB_USER_NOT_RUN)
		snprintf(why, sizeof(why),
		         "no KDC of realm %.200s answered: Windows falls back "
		         "to NTLM",
		         k->realm);
	else
		snprintf(why, sizeof(why),
		         "the Kerberos exchange with the KDC did not end (%s): "
		         "Windows falls back to NTLM",
		         rdd_krb_user_outcome_name(u->outcome));
	for (i = 0; i < r->n_conns; i++)
		if (r->conns[i]->probe != NULL &&
		    strcmp(r->conns[i]->label, "A") == 0)
			rdd_probe_set_kerberos(
			    r->conns[i]->probe,
			    r->krb_ccache[0] != '\0' ? r->krb_ccache : NULL,
			    k->realm, why, now_us());
	for (i = 0; i < r->n_conns; i++)
		if (r->conns[i]->probe != NULL &&
		    strcmp(r->conns[i]->label, "A") == 0)
			conn_pump(r->conns[i]);
}

static void
krb_done(void *ctx)
{
	struct run *r = ctx;

	trace(r, "K", "Kerberos: done after %.1f ms", r->obs->krb.ms);
	krb_decide(r);
	unref(r);
}

/*
 * Start the Kerberos phase once its realm is known: --realm or the user's
 * at once; the server's NTLM domain when A's CHALLENGE has come; the DNS
 * suffix of the target (only with --kdc) when A is over (FINAL) without
 * one. Never without a realm: most servers are in no domain, and a
 * "no KDC" finding for them would be noise.
 */
static void
maybe_kerberos(struct run *r, bool final)
{
	const struct rdd_check_options *opt = r->opt;
	const struct rdd_ntlm_info *ntlm = &r->obs->credssp.ntlm;
	struct rdd_krb_realm_inputs in;
	struct rdd__krb_params p;
	enum rdd_krb_realm_source src;
	char realm[RDD_STR], cname[RDD_STR];
	char *at;

	if (r->krb_started || !opt->kerberos || r->gw_host != NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.option = opt->realm;
	if (opt->credentials != NULL) {
		in.user = opt->credentials->user;
		in.user_domain = opt->credentials->domain;
	}
	if (ntlm->present) {
		in.ntlm_domain = ntlm->dns_domain;
		in.ntlm_computer = ntlm->dns_computer;
	}
	in.host = opt->host;
	in.host_is_address = r->obs->host_is_address;
	in.allow_dns_suffix = opt->kdc != NULL;
	src = rdd_krb_choose_realm(&in, realm, sizeof(realm));
	if (src == RDD_KRB_REALM_NONE ||
	    (src == RDD_KRB_REALM_DNS_SUFFIX && !final))
		return;
	/* The AS-REQ names the user when there is one (a KDC then says
	 * whether the account exists and its etypes), else a made-up name
	 * whose answer still carries the KDC's clock. */
	snprintf(cname, sizeof(cname), "%s",
	         opt->credentials != NULL && opt->credentials->user[0] != '\0'
	             ? opt->credentials->user
	             : "rdpdoctor");
	if ((at = strchr(cname, '@')) != NULL)
		*at = '\0';
	r->krb_started = true;
	memset(&p, 0, sizeof(p));
	p.realm = realm;
	p.realm_source = src;
	p.cname = cname;
	p.kdc = opt->kdc;
	if (opt->credentials != NULL && opt->credentials->password != NULL &&
	    opt->credentials->user[0] != '\0') {
		p.password = opt->credentials->password;
		p.host = opt->host;
	}
	p.timeout_ms = opt->timeout_s * 1000.0;
	p.t0_us = r->t0_us;
	p.trace = opt->trace;
	p.trace_ctx = opt->trace_ctx;
	if (p.password != NULL) {
		p.ccache_out = r->krb_ccache;
		p.ccache_cap = sizeof(r->krb_ccache);
	}
	if (rdd__krb_start(r->loop, &p, &r->obs->krb, krb_done, r) == 0)
		ref(r, 1);
	else
		krb_decide(r);
}

/* --- resolution -------------------------------------------------------- */

static void
add_address(struct run *r, const struct sockaddr *sa, socklen_t len)
{
	char s[RDD_ADDR_STR];

	if (r->opt->address_ok != NULL) {
		struct sockaddr_storage ss;

		memcpy(&ss, sa, len);
		set_port(&ss, r->opt->port);
		if (!r->opt->address_ok(r->opt->address_ok_ctx, &ss)) {
			addr_to_str(sa, s, sizeof(s));
			trace(r, "-", "%s is excluded: not connected to", s);
			r->excluded++;
			return;
		}
	}
	size_t i;

	if (r->n_addrs >= RDD_MAX_ADDRESSES ||
	    (size_t)len > sizeof(r->addrs[0]))
		return;
	addr_to_str(sa, s, sizeof(s));
	for (i = 0; i < r->n_addrs; i++)
		if (strcmp(r->obs->addresses[i], s) == 0)
			return;
	memcpy(&r->addrs[r->n_addrs], sa, len);
	snprintf(r->obs->addresses[r->n_addrs], RDD_ADDR_STR, "%s", s);
	r->n_addrs++;
	r->obs->n_addresses = r->n_addrs;
}

static void
on_resolve_timer_closed(uv_handle_t *h)
{
	unref(h->data);
}

static void
resolve_finish(struct run *r, uint64_t now)
{
	struct rdd_phase_result *ph = &r->obs->phases[RDD_PHASE_RESOLVE];
	char list[RDD_STR] = "";
	size_t i, off = 0;

	r->resolve_done = true;
	if (r->resolve_timer_open) {
		uv_timer_stop(&r->resolve_timer);
		uv_close((uv_handle_t *)&r->resolve_timer,
		         on_resolve_timer_closed);
		r->resolve_timer_open = false;
	}
	ph->present = true;
	ph->start_ms = 0;
	ph->ms = ms_since(r, now);
	if (r->gw_host != NULL) {
		struct rdd_gateway_info *g = &r->obs->gateway;

		/* The gateway's name, not the target's: its record. */
		g->step = RDD_GW_STEP_RESOLVE;
		g->tls_start_ms = 0;
		g->tls_ms = ph->ms;
		if (r->n_addrs == 0) {
			g->outcome = RDD_GW_DNS_FAILED;
			snprintf(g->resolve_error, sizeof(g->resolve_error),
			         "%s", r->obs->resolve_error);
			snprintf(g->resolve_errname, sizeof(g->resolve_errname),
			         "%s", r->obs->resolve_errname);
			g->resolve_gai = r->obs->resolve_gai;
			snprintf(g->detail, sizeof(g->detail),
			         "the gateway's name %.100s: %.120s",
			         r->gw_host, r->obs->resolve_error);
			r->obs->resolve_error[0] = '\0';
			r->obs->resolve_errname[0] = '\0';
			r->obs->resolve_gai = 0;
			if (ph->status == RDD_STATUS_TIMEOUT)
				g->outcome = RDD_GW_TIMEOUT;
			ph->status = RDD_STATUS_SKIPPED;
			return;
		}
		ph->status = RDD_STATUS_SKIPPED;
		trace(r, "-", "resolved the gateway %s to %s", r->gw_host,
		      r->obs->addresses[0]);
		start_connections(r);
		return;
	}
	if (r->n_addrs == 0) {
		if (ph->status != RDD_STATUS_TIMEOUT)
			ph->status = RDD_STATUS_FAILED;
		snprintf(ph->detail, sizeof(ph->detail), "%.120s: %.120s",
		         r->opt->host, r->obs->resolve_error);
		return;
	}
	for (i = 0; i < r->n_addrs && off < sizeof(list); i++) {
		int w = snprintf(list + off, sizeof(list) - off, "%s%s",
		                 i ? ", " : "", r->obs->addresses[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	ph->status = RDD_STATUS_OK;
	if (r->obs->host_is_address)
		snprintf(ph->detail, sizeof(ph->detail),
		         "literal address, no lookup");
	else
		snprintf(ph->detail, sizeof(ph->detail), "%.100s -> %.140s",
		         r->opt->host, list);
	trace(r, "-", "resolved %s to %s", r->opt->host, list);
	start_connections(r);
}

static void
on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct run *r = req->data;
	struct addrinfo *ai;

	r->gai_pending = false;
	if (r->gai_orphaned) {
		/* Its timeout released the check long ago. */
		uv_freeaddrinfo(res);
		if (r->free_when_gai_done)
			free_run(r);
		return;
	}
	if (r->resolve_done) { /* timed out already, the lookup canceled */
		uv_freeaddrinfo(res);
		unref(r);
		return;
	}
	if (status != 0) {
		snprintf(r->obs->resolve_error, sizeof(r->obs->resolve_error),
		         "%s (%s)", uv_strerror(status), uv_err_name(status));
		gai_native_error(r->obs, status);
	} else {
		/* Preferred family first when none was forced: keep the
		 * resolver's order, which follows RFC 6724. */
		for (ai = res; ai != NULL; ai = ai->ai_next)
			if (ai->ai_family == AF_INET ||
			    ai->ai_family == AF_INET6)
				add_address(r, ai->ai_addr, ai->ai_addrlen);
		if (r->n_addrs == 0)
			snprintf(
			    r->obs->resolve_error,
			    sizeof(r->obs->resolve_error), "%s",
			    r->excluded > 0
			        ? "every address it resolved to is excluded"
			        : "no address of the requested family");
	}
	uv_freeaddrinfo(res);
	resolve_finish(r, now_us());
	unref(r);
}

static void
on_resolve_timeout(uv_timer_t *t)
{
	struct run *r = t->data;

	if (r->resolve_done)
		return;
	r->obs->phases[RDD_PHASE_RESOLVE].status = RDD_STATUS_TIMEOUT;
	snprintf(r->obs->resolve_error, sizeof(r->obs->resolve_error),
	         "no answer within %.1f s", r->opt->timeout_s);
	/* Cancel the lookup if it has not started; if it has, its
	 * callback sees resolve_done and only frees the result. */
	if (uv_cancel((uv_req_t *)&r->gai) != 0) {
		/* getaddrinfo() is running in a worker thread and cannot be
		 * interrupted: the check goes on without it (its callback
		 * only frees the result, and R when asked to). */
		r->gai_orphaned = true;
		ref(r, 1); /* for resolve_finish below */
		unref(r);  /* the lookup's */
		resolve_finish(r, now_us());
		unref(r);
		return;
	}
	resolve_finish(r, now_us());
}

/* A literal address needs no lookup. Returns true if HOST was one. */
static bool
literal_address(struct run *r, const char *host)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (r->opt->family != 6 && uv_ip4_addr(host, 0, &sin) == 0) {
		add_address(r, (struct sockaddr *)&sin, sizeof(sin));
		return true;
	}
	if (r->opt->family != 4 && uv_ip6_addr(host, 0, &sin6) == 0) {
		add_address(r, (struct sockaddr *)&sin6, sizeof(sin6));
		return true;
	}
	return false;
}

static void
start_resolve(struct run *r)
{
	struct addrinfo hints;
	int rc;

	const char *host = r->gw_host != NULL ? r->gw_host : r->opt->host;

	if (literal_address(r, host)) {
		if (r->gw_host == NULL)
			r->obs->host_is_address = true;
		resolve_finish(r, now_us());
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = r->opt->family == 4   ? AF_INET
	                  : r->opt->family == 6 ? AF_INET6
	                                        : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	r->gai.data = r;
	uv_timer_init(r->loop, &r->resolve_timer);
	ref(r, 1);
	r->resolve_timer.data = r;
	r->resolve_timer_open = true;
	uv_timer_start(&r->resolve_timer, on_resolve_timeout,
	               r->timeout_us / 1000, 0);
	trace(r, "-", "resolving %s", host);
	rc = uv_getaddrinfo(r->loop, &r->gai, on_resolved, host, NULL, &hints);
	if (rc == 0) {
		ref(r, 1);
		r->gai_pending = true;
	} else {
		snprintf(r->obs->resolve_error, sizeof(r->obs->resolve_error),
		         "%s", uv_strerror(rc));
		resolve_finish(r, now_us());
	}
}

/* --- the check's start, end and lifetime ------------------------------- */

/* rdd_plan_session_merge over the walks' records, laid out by attempt
 * for it for a moment (attempts that did not walk: not run). */
static void
session_merge(struct run *r)
{
	struct rdd_session_info *all;
	size_t i, n = 0;

	for (i = 0; i < NELEM(r->session); i++)
		n += r->session[i] != NULL;
	if (n == 0)
		return;
	all = calloc(NELEM(r->session), sizeof(*all));
	if (all == NULL) {
		r->error = -1;
		return;
	}
	for (i = 0; i < NELEM(r->session); i++)
		if (r->session[i] != NULL)
			all[i] = *r->session[i];
	rdd_plan_session_merge(r->obs, all);
	free(all);
}

/* Conclude the observation once every handle is closed; a --tls-full
 * enumeration that could not start beside the check runs now, and the
 * check ends when it does. Then the done callback (which may free R). */
static void
complete(struct run *r)
{
	struct rdd_observation *obs = r->obs;
	const struct rdd_check_options *opt = r->opt;

	if (r->stage == 0) {
		r->stage = 1;
		obs->total_ms = ms_since(r, now_us());
		if (r->retried)
			rdd_plan_credssp_merge(obs, r->plain);
		if (r->mcs != NULL)
			rdd_plan_mcs_merge(obs, r->mcs);
		session_merge(r);
		rdd_plan_conclude(obs);
		rdd_gw_conclude(obs);
		/* Not started beside the check (no X.224 answer came):
		 * after it. */
		if (opt->tls_full && !r->en.started &&
		    obs->address[0] != '\0') {
			if (en_start(r, tls_after_thread) == 0)
				return; /* en_closed completes again */
			r->error = -1;
		}
	}
	if (r->stage == 2)
		return;
	r->stage = 2;
	rdd_net_summarize(&obs->net, opt->timeout_s * 1000.0);
	rdd_net_conclude(obs);
	rdd_udp_conclude(obs);
	rdd_krb_conclude(obs);
	if (r->done != NULL)
		r->done((struct rdd_check *)r, r->done_ctx);
}

static void
kick_closed(uv_handle_t *h)
{
	unref(h->data);
}

static void
kick(uv_timer_t *t)
{
	uv_close((uv_handle_t *)t, kick_closed);
}

static void
free_run(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_conns; i++)
		free(r->conns[i]);
	rdd__krb_ccache_destroy(r->krb_ccache);
	free(r->mcs);
	for (i = 0; i < NELEM(r->session); i++)
		free(r->session[i]);
	free(r->plain);
	free(r->u.syn);
	free(r);
}

/* A new check of OPT into OBS on LOOP, started: resolution (or the
 * connections to a literal address) begins now. */
static struct run *
start(uv_loop_t *loop, uint8_t *rbuf, size_t rbuf_len,
      const struct rdd_check_options *opt, struct rdd_observation *obs,
      rdd_check_done_cb done, void *ctx, struct run *r)
{
	rdd_observation_init(obs);
	r->loop = loop;
	r->rbuf = rbuf;
	r->rbuf_len = rbuf_len;
	r->done = done;
	r->done_ctx = ctx;
	r->opt = opt;
	r->obs = obs;
	snprintf(obs->host, sizeof(obs->host), "%s", opt->host);
	obs->port = opt->port;
	if (opt->gateway != NULL && opt->gateway[0] != '\0') {
		r->gw_host = opt->gateway;
		r->gw_port = opt->gateway_port != 0 ? opt->gateway_port : 443;
		obs->gateway.present = true;
		snprintf(obs->gateway.host, sizeof(obs->gateway.host), "%s",
		         opt->gateway);
		obs->gateway.port = r->gw_port;
		if (opt->gateway_credentials != NULL) {
			obs->gateway.credentials = true;
			snprintf(obs->gateway.user, sizeof(obs->gateway.user),
			         "%s", opt->gateway_credentials->user);
			snprintf(obs->gateway.domain,
			         sizeof(obs->gateway.domain), "%s",
			         opt->gateway_credentials->domain);
		}
	}
	obs->timeout_s = opt->timeout_s;
	obs->checked_at = (int64_t)time(NULL);
	if (opt->credentials != NULL) {
		obs->credentials.given = true;
		obs->credentials.logon = opt->credentials->logon;
		snprintf(obs->credentials.user, sizeof(obs->credentials.user),
		         "%s", opt->credentials->user);
		snprintf(obs->credentials.domain,
		         sizeof(obs->credentials.domain), "%s",
		         opt->credentials->domain);
	}
	r->timeout_us = (uint64_t)(opt->timeout_s * 1e6);
	if (r->timeout_us < 1000)
		r->timeout_us = 1000;
	r->t0_us = now_us();
	/* The kick holds the check open until the loop runs, so that it
	 * never ends (and calls DONE) inside its own start. */
	uv_timer_init(loop, &r->kick);
	r->kick.data = r;
	ref(r, 1);
	uv_timer_start(&r->kick, kick, 0, 0);
	start_resolve(r);
	return r;
}

struct rdd_check *
rdd_check_start(const struct rdd_check_env *env,
                const struct rdd_check_options *opt,
                struct rdd_observation *obs, rdd_check_done_cb done, void *ctx)
{
	struct run *r;

	if (env == NULL || env->loop == NULL || env->read_buf == NULL ||
	    env->read_buf_len == 0 || opt == NULL || obs == NULL)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	return (struct rdd_check *)start(env->loop, env->read_buf,
	                                 env->read_buf_len, opt, obs, done, ctx,
	                                 r);
}

int
rdd_check_result(const struct rdd_check *c)
{
	const struct run *r = (const struct run *)c;

	return r->stage == 2 ? r->error : -1;
}

void
rdd_check_free(struct rdd_check *c)
{
	struct run *r = (struct run *)c;

	if (r == NULL)
		return;
	if (r->gai_pending && r->gai_orphaned) {
		/* The resolver's thread still owns r->gai: on_resolved
		 * frees R when it is done. */
		r->free_when_gai_done = true;
		return;
	}
	free_run(r);
}

int
rdd_check_run(const struct rdd_check_options *opt, struct rdd_observation *obs)
{
	struct run *r;
	uv_loop_t *loop;
	uint8_t *rbuf;
	int rc;

	r = calloc(1, sizeof(*r));
	loop = malloc(sizeof(*loop));
	rbuf = malloc(RDD_CHECK_READ_BUF);
	if (r == NULL || loop == NULL || rbuf == NULL ||
	    uv_loop_init(loop) != 0) {
		free(r);
		free(loop);
		free(rbuf);
		return -1;
	}
	start(loop, rbuf, RDD_CHECK_READ_BUF, opt, obs, NULL, NULL, r);
	/* Until the check ends: a lookup that outlived its timeout keeps
	 * the loop alive, and is not waited for. */
	while (r->stage != 2 && uv_run(loop, UV_RUN_ONCE) != 0)
		;
	rc = r->stage == 2 ? r->error : -1;
	if (r->gai_pending) {
		/* The worker thread still owns r->gai and will post to the
		 * loop when the resolver gives up: keep them allocated. A
		 * bounded check is worth this small, rare leak. */
		return rc;
	}
	if (uv_loop_close(loop) != 0)
		rc = -1;
	free(loop);
	free(rbuf);
	free_run(r);
	return rc;
}
