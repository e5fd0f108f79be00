/*
 * krb_run.c - the Kerberos phase's I/O: the KDCs of a realm from --kdc or
 * DNS SRV (_kerberos._udp and _kerberos._tcp), then to every KDC one
 * AS-REQ without pre-authentication over UDP and over TCP at the same
 * time, each timed and bounded by the phase timeout.
 *
 * The DNS is asked with glibc's libresolv (res_nquery) on libuv's thread
 * pool: libuv's getaddrinfo cannot ask for SRV records. The resolver is
 * set to one try of one second per server, and the lookups stop when the
 * first one gets no answer at all, so a dead DNS server costs a second per
 * server in /etc/resolv.conf, not MIT's sixty (reference 3.2). The KDC's
 * own name is resolved the same way (A records; an address is used as
 * is).
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "krb_run.h"
#include "krb_user.h"
#include "rdpdoctor/krbphase.h"
#include "wire/krb.h"

/* etypes asked for: AES256, AES128, RC4 (reference 3.7). */
static const int32_t req_etypes[] = {18, 17, 23};

/* snprintf whose cut (a long name) is fine. */
#define SAY(buf, cap, ...)                                                     \
	do {                                                                   \
		if (snprintf(buf, cap, __VA_ARGS__) < 0)                       \
			(buf)[0] = '\0';                                       \
	} while (0)

/* MIT resends over UDP after one second (reference 3.2). */
#define UDP_RESEND_MS 1000

struct krun;

struct kprobe {
	struct krun *k;
	struct rdd_krb_kdc *kdc;
	struct sockaddr_storage addr;
	uv_udp_t udp;
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_connect_t creq;
	uv_write_t wreq;
	bool udp_done, tcp_done, udp_open, tcp_open, timer_open;
	unsigned udp_sends;
	uint64_t udp_t0, tcp_t0;    /* monotonic, us */
	int64_t udp_wall, tcp_wall; /* wall clock at the send, us */
	uint8_t req[RDD_KRB_MAX_NAME * 3 + 256]; /* TCP length + AS-REQ */
	size_t req_len;
	uint8_t *tbuf; /* the TCP answer */
	size_t tlen;
};

struct krun {
	uv_loop_t *loop;
	struct rdd_krb_info *out;
	void (*done)(void *);
	void *ctx;
	rdd_trace_cb trace;
	void *trace_ctx;
	char realm[RDD_STR];
	char cname[RDD_STR];
	char kdc_opt[RDD_STR];
	bool has_kdc_opt;
	double timeout_ms;
	uint64_t t0_us, start_us;
	uv_work_t work;
	int refs;
	/* With a password: the AS and TGS exchanges (krb_user.c) after
	 * the probes, on the thread pool. */
	const char *password;
	char host[RDD_STR];
	bool user_started;
	uv_work_t user_work;
	struct rdd__krb_user_params up;
	struct rdd_krb_user user;
	char *ccache_out; /* the caller's */
	size_t ccache_cap;
	char ccache[RDD_STR]; /* written by the worker */
	/* Filled by the lookup thread, read on the loop after it. */
	size_t n;
	struct sockaddr_storage addrs[RDD_KRB_MAX_KDCS];
	struct kprobe probes[RDD_KRB_MAX_KDCS];
	uint8_t ubuf[4096];
};

static uint64_t
mono_us(void)
{
	return uv_hrtime() / 1000;
}

static int64_t
wall_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void ktrace(struct krun *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ktrace(struct krun *k, const char *fmt, ...)
{
	char line[RDD_STR];
	va_list ap;

	if (k->trace == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	k->trace(k->trace_ctx, "K", line);
}

static void
user_work(uv_work_t *w)
{
	struct krun *k = w->data;

	rdd__krb_user_run(&k->up, &k->user);
}

static void kunref(struct krun *k);

static void
user_done(uv_work_t *w, int status)
{
	struct krun *k = w->data;

	(void)status;
	k->out->user = k->user;
	if (k->ccache_out != NULL && k->ccache[0] != '\0')
		snprintf(k->ccache_out, k->ccache_cap, "%s", k->ccache);
	ktrace(k, "Kerberos: with the password: %s after %.0f ms",
	       rdd_krb_user_outcome_name(k->user.outcome),
	       k->user.as_ms + k->user.tgs_ms);
	kunref(k);
}

/* The probes are over: with a password and a KDC that answered, walk
 * the AS and TGS exchanges with it (never when none answered: MIT and
 * its waits are not started for a KDC that does not answer). Returns
 * true when started. */
static bool
maybe_user(struct krun *k)
{
	struct rdd_krb_info *o = k->out;
	size_t i;

	if (k->user_started || k->password == NULL || k->host[0] == '\0')
		return false;
	k->user_started = true;
	for (i = 0; i < o->n_kdcs; i++)
		if (o->kdcs[i].answered &&
		    (o->kdcs[i].tcp.outcome == RDD_KRB_ANSWERED ||
		     o->kdcs[i].udp.outcome == RDD_KRB_ANSWERED))
			break;
	if (i == o->n_kdcs) {
		ktrace(k, "Kerberos: no KDC answered: no AS exchange with "
		          "the password");
		return false;
	}
	memset(&k->up, 0, sizeof(k->up));
	k->up.realm = k->realm;
	k->up.cname = k->cname;
	k->up.password = k->password;
	k->up.host = k->host;
	k->up.kdc = k->probes[i].addr;
	k->up.tcp = o->kdcs[i].tcp.outcome == RDD_KRB_ANSWERED;
	k->up.timeout_ms = k->timeout_ms;
	k->up.trace = k->trace;
	k->up.trace_ctx = k->trace_ctx;
	if (k->ccache_out != NULL) {
		k->up.ccache_out = k->ccache;
		k->up.ccache_cap = sizeof(k->ccache);
	}
	k->user_work.data = k;
	if (uv_queue_work(k->loop, &k->user_work, user_work, user_done) != 0)
		return false;
	k->refs = 1;
	return true;
}

static void
kunref(struct krun *k)
{
	if (--k->refs > 0)
		return;
	if (maybe_user(k))
		return;
	k->out->ms = (double)(mono_us() - k->start_us) / 1000.0;
	for (size_t i = 0; i < RDD_KRB_MAX_KDCS; i++)
		free(k->probes[i].tbuf);
	{
		void (*done)(void *) = k->done;
		void *ctx = k->ctx;

		free(k);
		done(ctx);
	}
}

/* --- the lookup (thread pool) ------------------------------------------ */

struct target {
	char name[NS_MAXDNAME];
	uint16_t port;
	uint16_t priority;
};

static int
literal(const char *host, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return 0;
	}
	return -1;
}

/* res_nquery's failure in words; *SILENT when no server answered. */
static void
query_failed(res_state rs, const char *name, char *detail, size_t cap,
             enum rdd_krb_lookup *l)
{
	switch (rs->res_h_errno) {
	case HOST_NOT_FOUND:
	case NO_DATA:
		*l = RDD_KRB_LOOKUP_NONE;
		SAY(detail, cap, "no %s records", name);
		break;
	case TRY_AGAIN:
		*l = RDD_KRB_LOOKUP_NO_ANSWER;
		SAY(detail, cap, "the DNS servers did not answer for %s", name);
		break;
	default:
		*l = RDD_KRB_LOOKUP_ERROR;
		SAY(detail, cap, "the DNS refused %s", name);
		break;
	}
}

/* SRV records of NAME added to T (deduplicated). Returns 0, or -1 with
 * *L and DETAIL set. */
static int
srv(res_state rs, const char *name, struct target *t, size_t *n,
    enum rdd_krb_lookup *l, char *detail, size_t cap)
{
	unsigned char ans[4096];
	ns_msg msg;
	ns_rr rr;
	int len, count;

	len = res_nquery(rs, name, ns_c_in, ns_t_srv, ans, sizeof(ans));
	if (len < 0) {
		query_failed(rs, name, detail, cap, l);
		return -1;
	}
	if (ns_initparse(ans, len, &msg) != 0) {
		*l = RDD_KRB_LOOKUP_ERROR;
		SAY(detail, cap, "an answer for %s that does not parse", name);
		return -1;
	}
	count = ns_msg_count(msg, ns_s_an);
	for (int i = 0; i < count && *n < RDD_KRB_MAX_KDCS; i++) {
		const unsigned char *rd;
		char host[NS_MAXDNAME];
		uint16_t prio, port;
		bool dup = false;

		if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 ||
		    ns_rr_type(rr) != ns_t_srv || ns_rr_rdlen(rr) < 7)
			continue;
		rd = ns_rr_rdata(rr);
		prio = (uint16_t)(rd[0] << 8 | rd[1]);
		port = (uint16_t)(rd[4] << 8 | rd[5]);
		if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 6, host,
		              sizeof(host)) < 0 ||
		    strcmp(host, ".") == 0 || host[0] == '\0' || port == 0)
			continue;
		for (size_t j = 0; j < *n; j++)
			if (strcasecmp(t[j].name, host) == 0 &&
			    t[j].port == port)
				dup = true;
		if (dup)
			continue;
		SAY(t[*n].name, sizeof(t[*n].name), "%s", host);
		t[*n].port = port;
		t[*n].priority = prio;
		(*n)++;
	}
	return 0;
}

/* The first A record of HOST. */
static int
address_of(res_state rs, const char *host, uint16_t port,
           struct sockaddr_storage *ss, enum rdd_krb_lookup *l, char *detail,
           size_t cap)
{
	unsigned char ans[2048];
	ns_msg msg;
	ns_rr rr;
	int len, count;

	if (literal(host, port, ss) == 0)
		return 0;
	len = res_nquery(rs, host, ns_c_in, ns_t_a, ans, sizeof(ans));
	if (len < 0) {
		query_failed(rs, host, detail, cap, l);
		if (*l == RDD_KRB_LOOKUP_NONE)
			*l = RDD_KRB_LOOKUP_ERROR;
		SAY(detail, cap, "the KDC name %s has no address", host);
		return -1;
	}
	if (ns_initparse(ans, len, &msg) == 0) {
		count = ns_msg_count(msg, ns_s_an);
		for (int i = 0; i < count; i++) {
			struct sockaddr_in *in4 = (struct sockaddr_in *)ss;

			if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 ||
			    ns_rr_type(rr) != ns_t_a || ns_rr_rdlen(rr) != 4)
				continue;
			memset(ss, 0, sizeof(*ss));
			in4->sin_family = AF_INET;
			in4->sin_port = htons(port);
			memcpy(&in4->sin_addr, ns_rr_rdata(rr), 4);
			return 0;
		}
	}
	*l = RDD_KRB_LOOKUP_ERROR;
	SAY(detail, cap, "the KDC name %s has no IPv4 address", host);
	return -1;
}

static void
lookup_work(uv_work_t *w)
{
	struct krun *k = w->data;
	struct rdd_krb_info *o = k->out;
	struct __res_state rs;
	struct target t[RDD_KRB_MAX_KDCS];
	size_t n = 0;
	char name[NS_MAXDNAME];

	memset(&rs, 0, sizeof(rs));
	memset(t, 0, sizeof(t));
	if (res_ninit(&rs) != 0) {
		o->lookup = RDD_KRB_LOOKUP_ERROR;
		SAY(o->lookup_detail, sizeof(o->lookup_detail),
		    "the resolver could not be set up");
		return;
	}
	/* One try of one second per server: bounded, not MIT's minute. */
	rs.retrans = 1;
	rs.retry = 1;
	if (k->has_kdc_opt) {
		char *colon = strrchr(k->kdc_opt, ':');
		long port = RDD_KRB_PORT;

		/* HOST:PORT, [V6]:PORT, or V6 without a port. */
		if (k->kdc_opt[0] == '[') {
			char *end = strchr(k->kdc_opt, ']');

			if (end != NULL) {
				if (end[1] == ':')
					port = strtol(end + 2, NULL, 10);
				*end = '\0';
				memmove(k->kdc_opt, k->kdc_opt + 1,
				        strlen(k->kdc_opt));
			}
		} else if (colon != NULL && strchr(k->kdc_opt, ':') == colon) {
			port = strtol(colon + 1, NULL, 10);
			*colon = '\0';
		}
		if (port <= 0 || port > 65535)
			port = RDD_KRB_PORT;
		SAY(t[0].name, sizeof(t[0].name), "%s", k->kdc_opt);
		t[0].port = (uint16_t)port;
		n = 1;
	} else {
		enum rdd_krb_lookup l1 = RDD_KRB_LOOKUP_FOUND, l2 = l1;
		char d1[RDD_STR] = "", d2[RDD_STR] = "";
		int r1, r2 = -1;

		SAY(name, sizeof(name), "_kerberos._udp.%s", k->realm);
		r1 = srv(&rs, name, t, &n, &l1, d1, sizeof(d1));
		/* No server answered: asking again costs as much. */
		if (!(r1 != 0 && l1 == RDD_KRB_LOOKUP_NO_ANSWER)) {
			SAY(name, sizeof(name), "_kerberos._tcp.%s", k->realm);
			r2 = srv(&rs, name, t, &n, &l2, d2, sizeof(d2));
		}
		if (n == 0) {
			o->lookup = r1 != 0 ? l1 : RDD_KRB_LOOKUP_NONE;
			if (r1 != 0 && l1 == RDD_KRB_LOOKUP_NONE && r2 != 0)
				o->lookup = l2;
			if (r1 != 0 && r2 != 0 && l1 == RDD_KRB_LOOKUP_NONE &&
			    l2 == RDD_KRB_LOOKUP_NONE)
				SAY(o->lookup_detail, sizeof(o->lookup_detail),
				    "no SRV records _kerberos._udp or "
				    "_kerberos._tcp for %s",
				    k->realm);
			else
				SAY(o->lookup_detail, sizeof(o->lookup_detail),
				    "%s",
				    r1 != 0 && l1 != RDD_KRB_LOOKUP_NONE
				        ? d1
				        : (d2[0] ? d2 : d1));
			res_nclose(&rs);
			return;
		}
		o->lookup = RDD_KRB_LOOKUP_FOUND;
		/* Lowest priority first (RFC 2782). */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i;
			     j > 0 && t[j].priority < t[j - 1].priority; j--) {
				struct target x = t[j];

				t[j] = t[j - 1];
				t[j - 1] = x;
			}
	}
	for (size_t i = 0; i < n; i++) {
		struct rdd_krb_kdc *kd = &o->kdcs[k->n];
		enum rdd_krb_lookup l = RDD_KRB_LOOKUP_ERROR;
		char d[RDD_STR];

		if (address_of(&rs, t[i].name, t[i].port, &k->addrs[k->n], &l,
		               d, sizeof(d)) != 0) {
			if (o->lookup_detail[0] == '\0')
				SAY(o->lookup_detail, sizeof(o->lookup_detail),
				    "%s", d);
			if (l == RDD_KRB_LOOKUP_NO_ANSWER)
				break;
			continue;
		}
		SAY(kd->name, sizeof(kd->name), "%s", t[i].name);
		kd->port = t[i].port;
		kd->error_code = -1;
		if (k->addrs[k->n].ss_family == AF_INET6)
			inet_ntop(AF_INET6,
			          &((struct sockaddr_in6 *)&k->addrs[k->n])
			               ->sin6_addr,
			          kd->address, sizeof(kd->address));
		else
			inet_ntop(
			    AF_INET,
			    &((struct sockaddr_in *)&k->addrs[k->n])->sin_addr,
			    kd->address, sizeof(kd->address));
		k->n++;
	}
	if (k->n == 0 && !k->has_kdc_opt)
		o->lookup = RDD_KRB_LOOKUP_ERROR;
	res_nclose(&rs);
}

/* --- the probes (loop) -------------------------------------------------- */

static void
probe_closed(uv_handle_t *h)
{
	kunref(h->data);
}

static void
close_handle(struct krun *k, uv_handle_t *h, bool *open)
{
	if (!*open)
		return;
	*open = false;
	h->data = k;
	uv_close(h, probe_closed);
}

static void
maybe_close_timer(struct kprobe *p)
{
	if (p->udp_done && p->tcp_done) {
		uv_timer_stop(&p->timer);
		close_handle(p->k, (uv_handle_t *)&p->timer, &p->timer_open);
	}
}

/* An answer of LEN bytes at B over UDP or TCP. */
static enum rdd_krb_outcome
answer(struct kprobe *p, const uint8_t *b, size_t len, int64_t send_wall,
       uint64_t t0, const char *via)
{
	struct rdd_krb_kdc *kd = p->kdc;
	struct rdd_krb_error e;
	struct rdd_cur c;
	int64_t recv_wall = wall_us();
	int type;

	rdd_cur_init(&c, b, len);
	type = rdd_krb_msg_type(&c);
	if (type == RDD_KRB_ERROR) {
		if (rdd_krb_parse_error(&c, &e) != 0) {
			ktrace(p->k,
			       "<- %s %zu bytes: a KRB-ERROR that does not "
			       "parse",
			       via, len);
			return RDD_KRB_MALFORMED;
		}
		ktrace(p->k, "<- %s KRB-ERROR %lld from %s, %zu bytes", via,
		       (long long)e.error_code, kd->address, len);
		if (kd->answered)
			return RDD_KRB_ANSWERED;
		kd->answered = true;
		kd->msg_type = type;
		kd->error_code = e.error_code;
		kd->has_skew = true;
		kd->skew_s =
		    rdd_krb_skew_s(e.stime, e.susec, send_wall, recv_wall);
		kd->rtt_ms = (double)(mono_us() - t0) / 1000.0;
		if (e.has_etext) {
			size_t n = rdd_cur_left(&e.etext);

			if (n >= sizeof(kd->etext))
				n = sizeof(kd->etext) - 1;
			memcpy(kd->etext, e.etext.p, n);
			kd->etext[n] = '\0';
		}
		kd->n_etypes = e.n_etypes < RDD_KRB_KDC_ETYPES
		                   ? e.n_etypes
		                   : RDD_KRB_KDC_ETYPES;
		memcpy(kd->etypes, e.etypes, kd->n_etypes * sizeof(int32_t));
		return RDD_KRB_ANSWERED;
	}
	if (type == RDD_KRB_AS_REP) {
		ktrace(p->k,
		       "<- %s AS-REP from %s (no pre-authentication "
		       "required)",
		       via, kd->address);
		if (!kd->answered) {
			kd->answered = true;
			kd->msg_type = type;
			kd->rtt_ms = (double)(mono_us() - t0) / 1000.0;
		}
		return RDD_KRB_ANSWERED;
	}
	ktrace(p->k, "<- %s %zu bytes that are not a KDC answer", via, len);
	return RDD_KRB_MALFORMED;
}

static void
udp_finish(struct kprobe *p, enum rdd_krb_outcome o)
{
	if (p->udp_done)
		return;
	p->udp_done = true;
	p->kdc->udp.outcome = o;
	p->kdc->udp.ms = (double)(mono_us() - p->udp_t0) / 1000.0;
	uv_udp_recv_stop(&p->udp);
	close_handle(p->k, (uv_handle_t *)&p->udp, &p->udp_open);
	maybe_close_timer(p);
}

static void
tcp_finish(struct kprobe *p, enum rdd_krb_outcome o)
{
	if (p->tcp_done)
		return;
	p->tcp_done = true;
	p->kdc->tcp.outcome = o;
	p->kdc->tcp.ms = (double)(mono_us() - p->tcp_t0) / 1000.0;
	close_handle(p->k, (uv_handle_t *)&p->tcp, &p->tcp_open);
	maybe_close_timer(p);
}

static void
udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct kprobe *p = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)p->k->ubuf, sizeof(p->k->ubuf));
}

static void
udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
         const struct sockaddr *from, unsigned flags)
{
	struct kprobe *p = h->data;
	enum rdd_krb_outcome o;

	(void)from;
	(void)flags;
	if (p->udp_done)
		return;
	if (nread < 0) {
		if (nread == UV_ECONNREFUSED)
			udp_finish(p, RDD_KRB_REFUSED);
		return;
	}
	if (nread == 0)
		return;
	o = answer(p, (const uint8_t *)buf->base, (size_t)nread, p->udp_wall,
	           p->udp_t0, "88/udp");
	if (o == RDD_KRB_ANSWERED)
		udp_finish(p, o);
}

static void
udp_send(struct kprobe *p)
{
	uv_buf_t b =
	    uv_buf_init((char *)p->req + 4, (unsigned)(p->req_len - 4));
	int rc;

	p->udp_wall = wall_us();
	if (p->udp_sends == 0)
		p->udp_t0 = mono_us();
	rc = uv_udp_try_send(&p->udp, &b, 1, NULL);
	p->udp_sends++;
	if (rc == UV_ECONNREFUSED) {
		udp_finish(p, RDD_KRB_REFUSED);
		return;
	}
	if (rc < 0) {
		ktrace(p->k, "88/udp send to %s: %s", p->kdc->address,
		       uv_strerror(rc));
		udp_finish(p, RDD_KRB_ERROR);
		return;
	}
	ktrace(p->k, "-> 88/udp AS-REQ %u to %s (%zu bytes)", p->udp_sends,
	       p->kdc->address, p->req_len - 4);
}

static void
tcp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct kprobe *p = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)p->tbuf + p->tlen,
	                   (unsigned)(RDD_KRB_MAX_MSG + 4 - p->tlen));
}

static void
tcp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct kprobe *p = s->data;
	struct rdd_cur c, msg;
	int r;

	(void)buf;
	if (p->tcp_done)
		return;
	if (nread < 0) {
		ktrace(p->k, "<- 88/tcp %s after %zu bytes",
		       uv_strerror((int)nread), p->tlen);
		tcp_finish(p, nread == UV_ECONNRESET ? RDD_KRB_REFUSED
		                                     : RDD_KRB_MALFORMED);
		return;
	}
	p->tlen += (size_t)nread;
	rdd_cur_init(&c, p->tbuf, p->tlen);
	r = rdd_krb_tcp_record(&c, &msg);
	if (r == 0 && p->tlen < RDD_KRB_MAX_MSG + 4)
		return;
	if (r != 1) {
		tcp_finish(p, RDD_KRB_MALFORMED);
		return;
	}
	tcp_finish(p, answer(p, msg.p, rdd_cur_left(&msg), p->tcp_wall,
	                     p->tcp_t0, "88/tcp"));
}

static void
tcp_written(uv_write_t *w, int status)
{
	struct kprobe *p = w->data;

	if (status != 0 && status != UV_ECANCELED && !p->tcp_done)
		tcp_finish(p, status == UV_ECONNRESET || status == UV_EPIPE
		                  ? RDD_KRB_REFUSED
		                  : RDD_KRB_ERROR);
	kunref(p->k);
}

static void
tcp_connected(uv_connect_t *req, int status)
{
	struct kprobe *p = req->data;
	uv_buf_t b;

	if (status == UV_ECANCELED || p->tcp_done) {
		kunref(p->k);
		return;
	}
	if (status != 0) {
		ktrace(p->k, "88/tcp to %s: %s", p->kdc->address,
		       uv_strerror(status));
		tcp_finish(p, status == UV_ECONNREFUSED ? RDD_KRB_REFUSED
		              : status == UV_ETIMEDOUT  ? RDD_KRB_NO_ANSWER
		                                        : RDD_KRB_ERROR);
		kunref(p->k);
		return;
	}
	p->tbuf = malloc(RDD_KRB_MAX_MSG + 4);
	if (p->tbuf == NULL) {
		tcp_finish(p, RDD_KRB_ERROR);
		kunref(p->k);
		return;
	}
	b = uv_buf_init((char *)p->req, (unsigned)p->req_len);
	p->tcp_wall = wall_us();
	p->wreq.data = p;
	p->tcp.data = p;
	if (uv_write(&p->wreq, (uv_stream_t *)&p->tcp, &b, 1, tcp_written) !=
	    0) {
		tcp_finish(p, RDD_KRB_ERROR);
		kunref(p->k);
		return;
	}
	p->k->refs++; /* the write */
	ktrace(p->k, "-> 88/tcp AS-REQ to %s (%zu bytes)", p->kdc->address,
	       p->req_len);
	if (uv_read_start((uv_stream_t *)&p->tcp, tcp_alloc, tcp_read) != 0)
		tcp_finish(p, RDD_KRB_ERROR);
	kunref(p->k); /* the connect */
}

static void
probe_timer(uv_timer_t *t)
{
	struct kprobe *p = t->data;
	double el = (double)(mono_us() - p->udp_t0) / 1000.0;

	if (el + 1 < p->k->timeout_ms) {
		if (!p->udp_done && p->udp_sends < 2)
			udp_send(p);
		uv_timer_start(&p->timer, probe_timer,
		               (uint64_t)(p->k->timeout_ms - el), 0);
		return;
	}
	udp_finish(p, RDD_KRB_NO_ANSWER);
	tcp_finish(p, RDD_KRB_NO_ANSWER);
}

static void
probe_start(struct krun *k, struct kprobe *p)
{
	struct rdd_buf b;
	uint32_t nonce = 0;
	int rc;

	(void)uv_random(NULL, NULL, &nonce, sizeof(nonce), 0, NULL);
	rdd_buf_init(&b, p->req, sizeof(p->req));
	if (rdd_krb_build_as_req(&b, k->cname, k->realm, nonce, req_etypes,
	                         sizeof(req_etypes) / sizeof(req_etypes[0]),
	                         true) != 0) {
		p->kdc->udp.outcome = RDD_KRB_ERROR;
		p->kdc->tcp.outcome = RDD_KRB_ERROR;
		p->udp_done = p->tcp_done = true;
		return;
	}
	p->req_len = b.len;
	p->udp_t0 = p->tcp_t0 = mono_us();

	uv_timer_init(k->loop, &p->timer);
	p->timer.data = p;
	p->timer_open = true;
	k->refs++;
	uv_udp_init(k->loop, &p->udp);
	p->udp.data = p;
	p->udp_open = true;
	k->refs++;
	uv_tcp_init(k->loop, &p->tcp);
	p->tcp.data = p;
	p->tcp_open = true;
	k->refs++;

	/* TCP first: the connect is asynchronous, so both go out now. */
	p->creq.data = p;
	rc = uv_tcp_connect(&p->creq, &p->tcp, (struct sockaddr *)&p->addr,
	                    tcp_connected);
	if (rc == 0)
		k->refs++;
	else
		tcp_finish(p, RDD_KRB_ERROR);
	rc = uv_udp_connect(&p->udp, (struct sockaddr *)&p->addr);
	if (rc == 0)
		rc = uv_udp_recv_start(&p->udp, udp_alloc, udp_recv);
	if (rc != 0)
		udp_finish(p, RDD_KRB_ERROR);
	else
		udp_send(p);
	uv_timer_start(&p->timer, probe_timer,
	               p->udp_done ? (uint64_t)k->timeout_ms : UDP_RESEND_MS,
	               0);
	maybe_close_timer(p);
}

static void
lookup_done(uv_work_t *w, int status)
{
	struct krun *k = w->data;
	struct rdd_krb_info *o = k->out;

	(void)status;
	if (k->has_kdc_opt)
		o->lookup = RDD_KRB_LOOKUP_NOT_RUN;
	o->n_kdcs = k->n;
	ktrace(k, "realm %s: %zu KDC%s (%s)%s%s", k->realm, k->n,
	       k->n == 1 ? "" : "s", k->has_kdc_opt ? "--kdc" : "DNS SRV",
	       o->lookup_detail[0] ? ": " : "", o->lookup_detail);
	for (size_t i = 0; i < k->n; i++) {
		k->probes[i].k = k;
		k->probes[i].kdc = &o->kdcs[i];
		k->probes[i].addr = k->addrs[i];
		probe_start(k, &k->probes[i]);
	}
	kunref(k); /* the lookup */
}

int
rdd__krb_start(uv_loop_t *loop, const struct rdd__krb_params *p,
               struct rdd_krb_info *out, void (*done)(void *ctx), void *ctx)
{
	struct krun *k;

	memset(out, 0, sizeof(*out));
	out->run = true;
	SAY(out->realm, sizeof(out->realm), "%s", p->realm);
	SAY(out->cname, sizeof(out->cname), "%s", p->cname);
	out->realm_source = p->realm_source;
	out->kdc_from_option = p->kdc != NULL;
	out->start_ms = (double)(mono_us() - p->t0_us) / 1000.0;
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		out->lookup = RDD_KRB_LOOKUP_ERROR;
		SAY(out->lookup_detail, sizeof(out->lookup_detail),
		    "out of memory");
		return -1;
	}
	k->loop = loop;
	k->out = out;
	k->done = done;
	k->ctx = ctx;
	k->trace = p->trace;
	k->trace_ctx = p->trace_ctx;
	SAY(k->realm, sizeof(k->realm), "%s", p->realm);
	SAY(k->cname, sizeof(k->cname), "%s", p->cname);
	if (p->kdc != NULL) {
		k->has_kdc_opt = true;
		SAY(k->kdc_opt, sizeof(k->kdc_opt), "%s", p->kdc);
	}
	k->timeout_ms = p->timeout_ms;
	k->password = p->password;
	if (p->host != NULL)
		SAY(k->host, sizeof(k->host), "%s", p->host);
	k->ccache_out = p->ccache_out;
	k->ccache_cap = p->ccache_cap;
	k->t0_us = p->t0_us;
	k->start_us = mono_us();
	k->work.data = k;
	k->refs = 1;
	ktrace(k, "Kerberos: realm %s (from %s), asking for %s", k->realm,
	       rdd_krb_realm_source_name(p->realm_source),
	       k->has_kdc_opt ? k->kdc_opt : "DNS SRV records");
	if (uv_queue_work(loop, &k->work, lookup_work, lookup_done) != 0) {
		out->lookup = RDD_KRB_LOOKUP_ERROR;
		SAY(out->lookup_detail, sizeof(out->lookup_detail),
		    "the lookup could not be started");
		free(k);
		return -1;
	}
	return 0;
}
