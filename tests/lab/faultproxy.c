/*
 * faultproxy - a TCP proxy for the rdpdoctor lab that breaks an RDP
 * connection at a chosen point of the conversation.
 *
 *   faultproxy --listen ADDR:PORT [--upstream ADDR:PORT] --mode MODE
 *              [--duration SECONDS] [--max-conns N] [--delay MS]
 *              [--interval MS] [--trickle-bytes N] [--records N]
 *              [--code N] [--requested N] [--seed N]
 *
 * Modes (CR = the client's X.224 Connection Request, CC = the server's
 * Connection Confirm, both read whole by their 4-byte TPKT header):
 *   pass                     relay both ways
 *   close-after-cc           relay CR/CC, then FIN to the client
 *   reset-after-cc           relay CR/CC, then RST (SO_LINGER 0)
 *   reset-on-clienthello     relay CR/CC, RST when the client's next bytes
 *                            (the TLS ClientHello) arrive
 *   stall-after-cc           relay CR/CC, then hold the connection silently
 *   stall-on-connect         accept, never answer the CR
 *   reset-on-cr              RST when the CR arrives
 *   close-after-tls          relay CR/CC and the TLS handshake until the
 *                            server's flight has passed, then close: with
 *                            --records N after N server TLS records, else
 *                            when the client's second flight arrives (it is
 *                            not forwarded)
 *   close-after-first-credssp relay until the client's first TLS
 *                            application-data record after the handshake
 *                            (the first CredSSP TSRequest), then close
 *   stall-after-first-credssp the same, but silence instead of the FIN
 *   trickle                  relay, server bytes one byte every --interval
 *                            ms (default 1); with --trickle-bytes N only the
 *                            first N server bytes of each connection
 *   delay                    relay, every chunk held --delay ms (default
 *                            200) in each direction
 *   garbage                  answer the CR with random non-TPKT bytes, then
 *                            hold
 *   http                     answer the CR with an HTTP/1.1 400, then close
 *   bad-tpkt                 answer the CR with a TPKT header of length
 *                            0xFFFF and a few bytes, then hold
   *   neg-failure              answer the CR with an X.224 CC carrying
 *                            RDP_NEG_FAILURE --code N (default 2,
 *                            SSL_NOT_ALLOWED_BY_SERVER), then FIN
 *   legacy-cc                a pre-Vista server: with --upstream, relay with
 *                            the RDP_NEG_REQ removed from the CR (and any
 *                            rdpNegData from the CC); without, answer the
 *                            CR with a CC without rdpNegData, then hold
 *   close-on-cr              FIN when the CR arrives
 *   starttls                 lab helper, not a fault: send our own CR
 *                            (requestedProtocols --requested, default 3) to
 *                            the upstream, swallow its CC, then relay, so
 *                            that plain TLS clients (openssl s_client) can
 *                            talk to an RDP server
 *
 * Bounded: exits by itself after --duration seconds (default 600) and after
 * --max-conns connections (default 100) are done. poll()-based, one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 128
#define PARSE_MAX 20000         /* one TPKT or TLS record, with slack */
#define QUEUE_MAX (1024 * 1024) /* backpressure: stop reading above this */
#define DRAIN_MS 3000           /* wait for the client's FIN after ours */
#define RESET_DELAY_MS 50       /* reset-after-cc: let the CC arrive first */

enum mode {
	M_PASS,
	M_CLOSE_AFTER_CC,
	M_RESET_AFTER_CC,
	M_RESET_ON_CLIENTHELLO,
	M_STALL_AFTER_CC,
	M_STALL_ON_CONNECT,
	M_RESET_ON_CR,
	M_CLOSE_AFTER_TLS,
	M_CLOSE_AFTER_FIRST_CREDSSP,
	M_STALL_AFTER_FIRST_CREDSSP,
	M_TRICKLE,
	M_DELAY,
	M_GARBAGE,
	M_HTTP,
	M_BAD_TPKT,
	M_NEG_FAILURE,
	M_LEGACY_CC,
	M_CLOSE_ON_CR,
	M_STARTTLS
};

static const char *const mode_names[] = {
    "pass",
    "close-after-cc",
    "reset-after-cc",
    "reset-on-clienthello",
    "stall-after-cc",
    "stall-on-connect",
    "reset-on-cr",
    "close-after-tls",
    "close-after-first-credssp",
    "stall-after-first-credssp",
    "trickle",
    "delay",
    "garbage",
    "http",
    "bad-tpkt",
    "neg-failure",
    "legacy-cc",
    "close-on-cr",
    "starttls",
};
#define N_MODES (sizeof(mode_names) / sizeof(mode_names[0]))

enum state {
	ST_FREE,
	ST_CR,       /* waiting for the client's CR */
	ST_CC,       /* CR sent upstream, waiting for the CC */
	ST_WAIT,     /* reset-on-clienthello: CC sent, waiting for the client */
	ST_RELAY,    /* plain relay (with delay/trickle shaping) */
	ST_TLS,      /* relay whole TLS records, watching them */
	ST_HOLD,     /* read and discard the client's bytes, send nothing */
	ST_DRAIN,    /* our FIN is out (or queued); wait for the client's */
	ST_RESETTING /* reset-after-cc: RST at the deadline */
};

struct chunk {
	struct chunk *next;
	int64_t due; /* monotonic ms when it may be sent */
	size_t len, off;
	unsigned char data[];
};

struct queue {
	struct chunk *head, *tail;
	size_t bytes;
};

struct conn {
	enum state st;
	int id;
	int cfd, ufd;
	bool connecting; /* upstream connect() in progress */
	bool c_eof, u_eof;
	bool u_shut, c_shut;  /* we sent FIN to upstream / client */
	bool fin_after_flush; /* FIN the client once s2c is empty */
	int64_t deadline;     /* ST_DRAIN, ST_RESETTING */
	unsigned char cbuf[PARSE_MAX];
	size_t clen;
	unsigned char sbuf[PARSE_MAX];
	size_t slen;
	struct queue c2s, s2c;
	int srv_records;
	int cli_appdata;
	size_t trickled; /* server bytes sent one by one */
	bool tls13;
};

static struct {
	enum mode mode;
	struct sockaddr_storage listen, upstream;
	socklen_t listen_len, upstream_len;
	bool have_upstream;
	char upstream_str[128];
	double duration;
	long max_conns;
	long delay_ms, interval_ms, records, requested;
	long trickle_bytes;
	long code;
	uint64_t seed;
} opt = {
    .duration = 600,
    .max_conns = 100,
    .delay_ms = 200,
    .interval_ms = 1,
    .requested = 3,
    .code = 2,
    .seed = 0x5eed1234abcdULL,
};

static struct conn conns[MAX_CONNS];
static volatile sig_atomic_t stop_flag;

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
logmsg(const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char buf[32];
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof buf, "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld faultproxy: ", buf, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static uint64_t
rnd(void)
{
	/* xorshift64*: reproducible garbage for a given --seed */
	opt.seed ^= opt.seed >> 12;
	opt.seed ^= opt.seed << 25;
	opt.seed ^= opt.seed >> 27;
	return opt.seed * 2685821657736338717ULL;
}

static int
parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *port;
	struct addrinfo hints, *res;
	size_t n;

	port = strrchr(s, ':');
	if (port == NULL || port == s)
		return -1;
	n = (size_t)(port - s);
	if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n >= sizeof host)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	port++;
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void
queue_free(struct queue *q)
{
	struct chunk *c, *n;

	for (c = q->head; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	q->head = q->tail = NULL;
	q->bytes = 0;
}

static void
queue_push(struct queue *q, const void *p, size_t len, int64_t due)
{
	struct chunk *c;

	if (len == 0)
		return;
	c = malloc(sizeof *c + len);
	if (c == NULL) {
		logmsg("out of memory");
		exit(1);
	}
	c->next = NULL;
	c->due = due;
	c->len = len;
	c->off = 0;
	memcpy(c->data, p, len);
	if (q->tail != NULL)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	q->bytes += len;
}

/* Close a socket with an RST instead of a FIN. */
static void
rst_close(int fd)
{
	struct linger lg = {1, 0};

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

static void
conn_end(struct conn *c, bool rst_client, const char *why)
{
	if (rst_client)
		rst_close(c->cfd);
	else if (c->cfd >= 0)
		close(c->cfd);
	if (c->ufd >= 0)
		close(c->ufd);
	queue_free(&c->c2s);
	queue_free(&c->s2c);
	logmsg("conn %d: %s%s", c->id, rst_client ? "RST to client: " : "",
	       why);
	c->st = ST_FREE;
	c->cfd = c->ufd = -1;
}

static void
close_upstream(struct conn *c)
{
	if (c->ufd >= 0)
		close(c->ufd);
	c->ufd = -1;
	queue_free(&c->c2s);
}

/* Our FIN to the client once everything queued for it is out, then drain. */
static void
fin_client(struct conn *c)
{
	close_upstream(c);
	c->fin_after_flush = true;
	c->st = ST_DRAIN;
	c->deadline = now_ms() + DRAIN_MS;
}

/* Length of the whole TPKT at P (LEN bytes available), 0 if incomplete,
 * -1 if P does not start with a TPKT header. */
static long
tpkt_len(const unsigned char *p, size_t len)
{
	size_t n;

	if (len < 1)
		return 0;
	if (p[0] != 0x03)
		return -1;
	if (len < 4)
		return 0;
	n = (size_t)p[2] << 8 | p[3];
	if (n < 4)
		return -1;
	return n <= len ? (long)n : 0;
}

/* Length of the whole TLS record at P, 0 if incomplete, -1 if not TLS. */
static long
tlsrec_len(const unsigned char *p, size_t len)
{
	size_t n;

	if (len < 5)
		return 0;
	if (p[0] < 0x14 || p[0] > 0x18 || p[1] != 0x03)
		return -1;
	n = 5 + ((size_t)p[3] << 8 | p[4]);
	return n <= len ? (long)n : 0;
}

static void
consume(unsigned char *buf, size_t *len, size_t n)
{
	memmove(buf, buf + n, *len - n);
	*len -= n;
}

/* Does this ServerHello record select TLS 1.3 (supported_versions)? */
static bool
serverhello_is_tls13(const unsigned char *r, size_t len)
{
	size_t off = 5, end, elen;

	if (len < 5 + 4 + 2 + 32 + 1 || r[0] != 0x16 || r[5] != 0x02)
		return false;
	off = 5 + 4 + 2 + 32;      /* type+len, version, random */
	off += 1 + (size_t)r[off]; /* session id */
	off += 2 + 1;              /* cipher suite, compression */
	if (off > len || 2 > len - off)
		return false;
	elen = (size_t)r[off] << 8 | r[off + 1];
	off += 2;
	end = off + elen <= len ? off + elen : len;
	while (off <= end && 4 <= end - off) {
		unsigned type = (unsigned)r[off] << 8 | r[off + 1];
		size_t n = (size_t)r[off + 2] << 8 | r[off + 3];
		off += 4;
		if (n > end - off)
			return false;
		if (type == 0x002b && n == 2 && r[off] == 0x03 &&
		    r[off + 1] == 0x04)
			return true;
		off += n;
	}
	return false;
}

static void
start_upstream(struct conn *c)
{
	int fd, one = 1;

	fd = socket(opt.upstream.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || set_nonblock(fd) < 0) {
		if (fd >= 0)
			close(fd);
		conn_end(c, true, "upstream socket failed");
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->ufd = fd;
	if (connect(fd, (struct sockaddr *)&opt.upstream, opt.upstream_len) ==
	    0)
		return;
	if (errno == EINPROGRESS) {
		c->connecting = true;
		return;
	}
	logmsg("conn %d: upstream %s: %s", c->id, opt.upstream_str,
	       strerror(errno));
	conn_end(c, true, "upstream connect failed");
}

static const unsigned char http_400[] = "HTTP/1.1 400 Bad Request\r\n"
                                        "Server: faultproxy\r\n"
                                        "Content-Type: text/plain\r\n"
                                        "Content-Length: 12\r\n"
                                        "Connection: close\r\n"
                                        "\r\n"
                                        "Bad Request\n";

/*
 * Remove a trailing 8-byte RDP_NEG_REQ (TYPE 0x01) or RDP_NEG_RSP/FAILURE
 * (0x02/0x03) from the whole TPKT at P (N bytes), fixing the TPKT length
 * and the X.224 length indicator. Returns the new length.
 */
static size_t
strip_neg(unsigned char *p, size_t n, unsigned char type)
{
	unsigned char *neg;

	if (n < 4 + 7 + 8 || p[0] != 0x03 || (size_t)(p[2] << 8 | p[3]) != n)
		return n;
	neg = p + n - 8;
	if ((neg[0] != type && !(type == 0x02 && neg[0] == 0x03)) ||
	    neg[2] != 0x08 || neg[3] != 0x00 || p[4] < 8)
		return n;
	n -= 8;
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	p[4] = (unsigned char)(p[4] - 8);
	return n;
}

/* The CR (or the first bytes, if they are not a TPKT) is complete. */
static void
on_cr(struct conn *c, size_t n)
{
	int64_t t = now_ms();
	unsigned char g[64];
	size_t i;

	switch (opt.mode) {
	case M_GARBAGE:
		for (i = 0; i < sizeof g; i++)
			g[i] = (unsigned char)(rnd() >> 56);
		if (g[0] == 0x03)
			g[0] = 0x83;
		queue_push(&c->s2c, g, sizeof g, t);
		logmsg("conn %d: CR (%zu bytes) answered with %zu random bytes",
		       c->id, n, sizeof g);
		c->clen = 0;
		c->st = ST_HOLD;
		return;
	case M_HTTP:
		queue_push(&c->s2c, http_400, sizeof http_400 - 1, t);
		logmsg("conn %d: CR answered with HTTP/1.1 400", c->id);
		c->clen = 0;
		fin_client(c);
		return;
	case M_BAD_TPKT: {
		static const unsigned char bad[] = {0x03, 0x00, 0xff, 0xff,
		                                    0x0e, 0xd0, 0x00, 0x00,
		                                    0x12, 0x34, 0x00};
		queue_push(&c->s2c, bad, sizeof bad, t);
		logmsg("conn %d: CR answered with TPKT length 0xFFFF", c->id);
		c->clen = 0;
		c->st = ST_HOLD;
		return;
	}
	case M_NEG_FAILURE: {
		/* X.224 CC with RDP_NEG_FAILURE, then FIN, as Windows does */
		unsigned char f[19] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00,
		                       0x00, 0x12, 0x34, 0x00, 0x03, 0x00, 0x08,
		                       0x00, 0x00, 0x00, 0x00, 0x00};
		f[15] = (unsigned char)opt.code;
		queue_push(&c->s2c, f, sizeof f, t);
		logmsg("conn %d: CR answered with RDP_NEG_FAILURE code %ld",
		       c->id, opt.code);
		c->clen = 0;
		fin_client(c);
		return;
	}
	case M_LEGACY_CC: {
		/* With an upstream: strip the RDP_NEG_REQ, so that the server
		 * answers as to a pre-Vista client, and relay. */
		if (opt.have_upstream) {
			size_t m = strip_neg(c->cbuf, n, 0x01);

			queue_push(&c->c2s, c->cbuf, m, t);
			consume(c->cbuf, &c->clen, n);
			c->st = ST_CC;
			logmsg("conn %d: CR relayed without its RDP_NEG_REQ "
			       "(%zu of %zu bytes)",
			       c->id, m, n);
			return;
		}
		/* Without: a CC without rdpNegData, then silence. */
		static const unsigned char cc[] = {0x03, 0x00, 0x00, 0x0b,
		                                   0x06, 0xd0, 0x00, 0x00,
		                                   0x12, 0x34, 0x00};
		queue_push(&c->s2c, cc, sizeof cc, t);
		logmsg("conn %d: CR answered with a CC without rdpNegData",
		       c->id);
		c->clen = 0;
		c->st = ST_HOLD;
		return;
	}
	case M_CLOSE_ON_CR:
		logmsg("conn %d: CR arrived, FIN", c->id);
		c->clen = 0;
		fin_client(c);
		return;
	default:
		break;
	}
	/* Relay the CR, wait for the CC. */
	queue_push(&c->c2s, c->cbuf, n, t);
	consume(c->cbuf, &c->clen, n);
	c->st = ST_CC;
	logmsg("conn %d: CR %zu bytes relayed", c->id, n);
}

static void
send_cr(struct conn *c)
{
	static const char cookie[] = "Cookie: mstshash=lab\r\n";
	unsigned char b[64];
	size_t ck = sizeof cookie - 1, n = 4 + 7 + ck + 8;
	uint32_t r = (uint32_t)opt.requested;

	b[0] = 3;
	b[1] = 0;
	b[2] = (unsigned char)(n >> 8);
	b[3] = (unsigned char)n;
	b[4] = (unsigned char)(n - 5); /* LI */
	b[5] = 0xe0;
	memset(b + 6, 0, 5);
	memcpy(b + 11, cookie, ck);
	b[11 + ck] = 1; /* RDP_NEG_REQ */
	b[12 + ck] = 0;
	b[13 + ck] = 8;
	b[14 + ck] = 0;
	b[15 + ck] = (unsigned char)r;
	b[16 + ck] = (unsigned char)(r >> 8);
	b[17 + ck] = (unsigned char)(r >> 16);
	b[18 + ck] = (unsigned char)(r >> 24);
	queue_push(&c->c2s, b, n, now_ms());
}

/* The CC is complete in sbuf (N bytes). */
static void
on_cc(struct conn *c, size_t n)
{
	int64_t t = now_ms();

	if (opt.mode == M_STARTTLS) {
		/* TPKT(4) X.224 CC(7) RDP_NEG_RSP type 2 / FAILURE type 3 */
		if (n < 19 || c->sbuf[11] != 0x02) {
			logmsg("conn %d: upstream refused the negotiation "
			       "(%zu bytes, type %d)",
			       c->id, n, n > 11 ? c->sbuf[11] : -1);
			conn_end(c, false, "closed");
			return;
		}
		logmsg("conn %d: upstream selected protocol %u, relaying TLS",
		       c->id, c->sbuf[15]);
		consume(c->sbuf, &c->slen, n);
		queue_push(&c->c2s, c->cbuf, c->clen, t);
		c->clen = 0;
		queue_push(&c->s2c, c->sbuf, c->slen, t);
		c->slen = 0;
		c->st = ST_RELAY;
		return;
	}
	if (opt.mode == M_LEGACY_CC) {
		size_t m = strip_neg(c->sbuf, n, 0x02);

		if (m != n)
			logmsg("conn %d: rdpNegData removed from the CC",
			       c->id);
		queue_push(&c->s2c, c->sbuf, m, t);
	} else {
		queue_push(&c->s2c, c->sbuf, n, t);
	}
	consume(c->sbuf, &c->slen, n);
	logmsg("conn %d: CC %zu bytes relayed, now %s", c->id, n,
	       mode_names[opt.mode]);
	switch (opt.mode) {
	case M_CLOSE_AFTER_CC:
		fin_client(c);
		break;
	case M_RESET_AFTER_CC:
		close_upstream(c);
		c->st = ST_RESETTING;
		c->deadline = t + RESET_DELAY_MS;
		break;
	case M_RESET_ON_CLIENTHELLO:
		close_upstream(c);
		c->st = ST_WAIT;
		if (c->clen > 0)
			conn_end(c, true, "client bytes after CC");
		break;
	case M_STALL_AFTER_CC:
		close_upstream(c);
		c->clen = 0;
		c->st = ST_HOLD;
		break;
	case M_CLOSE_AFTER_TLS:
	case M_CLOSE_AFTER_FIRST_CREDSSP:
	case M_STALL_AFTER_FIRST_CREDSSP:
		c->st = ST_TLS;
		break;
	default:
		c->st = ST_RELAY;
		queue_push(&c->c2s, c->cbuf, c->clen, t);
		c->clen = 0;
		queue_push(&c->s2c, c->sbuf, c->slen, t);
		c->slen = 0;
		break;
	}
}

/* ST_TLS: forward whole records, watching for the trigger. */
static void
tls_watch(struct conn *c)
{
	int64_t t = now_ms();
	long n;

	while (c->st == ST_TLS && (n = tlsrec_len(c->sbuf, c->slen)) != 0) {
		if (n < 0) {
			logmsg("conn %d: server sent non-TLS bytes, relaying",
			       c->id);
			goto plain;
		}
		if (c->srv_records == 0)
			c->tls13 = serverhello_is_tls13(c->sbuf, (size_t)n);
		c->srv_records++;
		queue_push(&c->s2c, c->sbuf, (size_t)n, t);
		consume(c->sbuf, &c->slen, (size_t)n);
		if (opt.mode == M_CLOSE_AFTER_TLS && opt.records > 0 &&
		    c->srv_records >= opt.records) {
			logmsg("conn %d: %d server TLS records relayed, FIN",
			       c->id, c->srv_records);
			fin_client(c);
			return;
		}
	}
	while (c->st == ST_TLS && (n = tlsrec_len(c->cbuf, c->clen)) != 0) {
		if (n < 0) {
			logmsg("conn %d: client sent non-TLS bytes, relaying",
			       c->id);
			goto plain;
		}
		if (opt.mode == M_CLOSE_AFTER_TLS && opt.records <= 0 &&
		    c->srv_records > 0) {
			logmsg("conn %d: server flight (%d records, %s) "
			       "passed, client's next flight dropped, FIN",
			       c->id, c->srv_records,
			       c->tls13 ? "TLS 1.3" : "TLS <= 1.2");
			c->clen = 0;
			fin_client(c);
			return;
		}
		if ((opt.mode == M_CLOSE_AFTER_FIRST_CREDSSP ||
		     opt.mode == M_STALL_AFTER_FIRST_CREDSSP) &&
		    c->cbuf[0] == 0x17 &&
		    ++c->cli_appdata >= (c->tls13 ? 2 : 1)) {
			bool stall = opt.mode == M_STALL_AFTER_FIRST_CREDSSP;

			logmsg(
			    "conn %d: first client application-data record "
			    "after the handshake (%ld bytes, %s) dropped, %s",
			    c->id, n, c->tls13 ? "TLS 1.3" : "TLS <= 1.2",
			    stall ? "silence" : "FIN");
			c->clen = 0;
			if (stall) {
				close_upstream(c);
				c->st = ST_HOLD;
			} else {
				fin_client(c);
			}
			return;
		}
		queue_push(&c->c2s, c->cbuf, (size_t)n, t);
		consume(c->cbuf, &c->clen, (size_t)n);
	}
	return;
plain:
	queue_push(&c->c2s, c->cbuf, c->clen, t);
	c->clen = 0;
	queue_push(&c->s2c, c->sbuf, c->slen, t);
	c->slen = 0;
	c->st = ST_RELAY;
}

static void
on_client_data(struct conn *c, const unsigned char *p, size_t n)
{
	long l;

	switch (c->st) {
	case ST_CR:
		if (opt.mode == M_RESET_ON_CR) {
			conn_end(c, true, "CR arrived");
			return;
		}
		if (opt.mode == M_STALL_ON_CONNECT)
			return; /* never answered */
		if (opt.mode == M_STARTTLS) {
			/* our own CR goes first; keep the ClientHello */
			if (n > sizeof c->cbuf - c->clen) {
				conn_end(c, true, "client buffer overflow");
				return;
			}
			memcpy(c->cbuf + c->clen, p, n);
			c->clen += n;
			return;
		}
		if (opt.mode == M_PASS || opt.mode == M_TRICKLE ||
		    opt.mode == M_DELAY) {
			c->st = ST_RELAY;
			break;
		}
		if (n > sizeof c->cbuf - c->clen) {
			conn_end(c, true, "CR too long");
			return;
		}
		memcpy(c->cbuf + c->clen, p, n);
		c->clen += n;
		l = tpkt_len(c->cbuf, c->clen);
		if (l < 0) {
			logmsg("conn %d: client's first bytes are not TPKT",
			       c->id);
			l = (long)c->clen;
		}
		if (l > 0 && !c->connecting)
			on_cr(c, (size_t)l);
		return;
	case ST_CC:
	case ST_TLS:
		if (n > sizeof c->cbuf - c->clen) {
			conn_end(c, true, "client buffer overflow");
			return;
		}
		memcpy(c->cbuf + c->clen, p, n);
		c->clen += n;
		if (c->st == ST_TLS)
			tls_watch(c);
		return;
	case ST_WAIT:
		logmsg("conn %d: client sent %zu bytes (first 0x%02x) after "
		       "the CC",
		       c->id, n, p[0]);
		conn_end(c, true, "client's next bytes after the CC");
		return;
	case ST_HOLD:
	case ST_DRAIN:
	case ST_RESETTING:
		return; /* discarded */
	default:
		break;
	}
	if (c->st == ST_RELAY)
		queue_push(&c->c2s, p, n,
		           now_ms() + (opt.mode == M_DELAY ? opt.delay_ms : 0));
}

static void
on_server_data(struct conn *c, const unsigned char *p, size_t n)
{
	long l;

	switch (c->st) {
	case ST_CC:
	case ST_TLS:
		if (n > sizeof c->sbuf - c->slen) {
			conn_end(c, true, "server buffer overflow");
			return;
		}
		memcpy(c->sbuf + c->slen, p, n);
		c->slen += n;
		if (c->st == ST_TLS) {
			tls_watch(c);
			return;
		}
		l = tpkt_len(c->sbuf, c->slen);
		if (l < 0) {
			logmsg("conn %d: server's answer is not TPKT", c->id);
			l = (long)c->slen;
		}
		if (l > 0)
			on_cc(c, (size_t)l);
		return;
	case ST_RELAY:
		queue_push(&c->s2c, p, n,
		           now_ms() + (opt.mode == M_DELAY ? opt.delay_ms : 0));
		return;
	default:
		return; /* upstream is gone in every other state */
	}
}

/* Write what is due. Returns false if the connection ended. */
static bool
flush(struct conn *c, struct queue *q, int fd, bool trickle)
{
	int64_t t = now_ms();
	struct chunk *ch;
	ssize_t w;
	size_t n;

	while ((ch = q->head) != NULL && ch->due <= t && fd >= 0) {
		bool one = trickle && (opt.trickle_bytes == 0 ||
		                       c->trickled < (size_t)opt.trickle_bytes);

		n = one ? 1 : ch->len - ch->off;
		w = send(fd, ch->data + ch->off, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return true;
			logmsg("conn %d: send: %s", c->id, strerror(errno));
			conn_end(c, fd == c->ufd, "send failed");
			return false;
		}
		ch->off += (size_t)w;
		q->bytes -= (size_t)w;
		if (one) {
			c->trickled++;
			ch->due = t + opt.interval_ms;
		}
		if (ch->off == ch->len) {
			q->head = ch->next;
			if (q->head == NULL)
				q->tail = NULL;
			free(ch);
		}
	}
	return true;
}

static void
after_io(struct conn *c)
{
	int64_t t = now_ms();

	if (c->st == ST_FREE)
		return;
	if (!c->connecting && !flush(c, &c->c2s, c->ufd, false))
		return;
	if (!flush(c, &c->s2c, c->cfd, opt.mode == M_TRICKLE))
		return;
	/* Half-closes in relay. */
	if (c->st == ST_RELAY) {
		if (c->u_eof && c->u_shut && c->ufd >= 0) {
			close(c->ufd); /* both directions done */
			c->ufd = -1;
		}
		if (c->c_eof && c->c2s.head == NULL && !c->u_shut &&
		    c->ufd >= 0) {
			shutdown(c->ufd, SHUT_WR);
			c->u_shut = true;
		}
		if (c->u_eof && c->s2c.head == NULL && !c->c_shut) {
			shutdown(c->cfd, SHUT_WR);
			c->c_shut = true;
		}
		if (c->c_eof && c->u_eof && c->c2s.head == NULL &&
		    c->s2c.head == NULL) {
			conn_end(c, false, "both sides closed");
			return;
		}
	}
	if (c->fin_after_flush && c->s2c.head == NULL && !c->c_shut) {
		shutdown(c->cfd, SHUT_WR);
		c->c_shut = true;
		c->deadline = t + DRAIN_MS;
	}
	if (c->st == ST_DRAIN && c->c_shut && (c->c_eof || t >= c->deadline)) {
		conn_end(c, false,
		         c->c_eof ? "closed (FIN both ways)"
		                  : "closed (client kept open)");
		return;
	}
	if (c->st == ST_RESETTING && c->s2c.head == NULL && t >= c->deadline)
		conn_end(c, true, "after the CC");
}

/* Read from one side. */
static void
do_read(struct conn *c, bool client)
{
	unsigned char buf[16384];
	int fd = client ? c->cfd : c->ufd;
	ssize_t n;

	n = recv(fd, buf, sizeof buf, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		logmsg("conn %d: %s: %s", c->id, client ? "client" : "upstream",
		       strerror(errno));
		/* Pass a reset on to the other side. */
		if (client) {
			if (c->ufd >= 0)
				rst_close(c->ufd);
			c->ufd = -1;
			conn_end(c, false, "client reset");
		} else {
			conn_end(c, true, "upstream reset, passed on");
		}
		return;
	}
	if (n == 0) {
		if (client) {
			c->c_eof = true;
			if (c->st != ST_RELAY && c->st != ST_DRAIN)
				conn_end(c, false, "client closed");
		} else {
			c->u_eof = true;
			if (c->st != ST_RELAY) {
				logmsg("conn %d: upstream closed", c->id);
				fin_client(c);
			}
		}
		return;
	}
	if (client)
		on_client_data(c, buf, (size_t)n);
	else
		on_server_data(c, buf, (size_t)n);
}

static void
on_connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof err;
	long l;

	c->connecting = false;
	if (getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 ||
	    err != 0) {
		logmsg("conn %d: upstream %s: %s", c->id, opt.upstream_str,
		       strerror(err));
		conn_end(c, true, "upstream connect failed");
		return;
	}
	if (opt.mode == M_STARTTLS) {
		send_cr(c);
		c->st = ST_CC;
		return;
	}
	if (c->st == ST_CR && c->clen > 0 &&
	    (l = tpkt_len(c->cbuf, c->clen)) != 0)
		on_cr(c, l < 0 ? c->clen : (size_t)l);
}

static bool
needs_upstream(void)
{
	return !(opt.mode == M_STALL_ON_CONNECT || opt.mode == M_RESET_ON_CR ||
	         opt.mode == M_GARBAGE || opt.mode == M_HTTP ||
	         opt.mode == M_BAD_TPKT || opt.mode == M_NEG_FAILURE ||
	         (opt.mode == M_LEGACY_CC && !opt.have_upstream) ||
	         opt.mode == M_CLOSE_ON_CR);
}

static void
on_accept(int lfd, int *n_accepted)
{
	struct conn *c = NULL;
	int fd, i, one = 1;

	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return;
	for (i = 0; i < MAX_CONNS; i++)
		if (conns[i].st == ST_FREE) {
			c = &conns[i];
			break;
		}
	if (c == NULL) {
		logmsg("too many connections, RST");
		rst_close(fd);
		return;
	}
	set_nonblock(fd);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	memset(c, 0, sizeof *c);
	c->id = ++*n_accepted;
	c->cfd = fd;
	c->ufd = -1;
	c->st = ST_CR;
	logmsg("conn %d: accepted (%s)", c->id, mode_names[opt.mode]);
	if (needs_upstream())
		start_upstream(c);
}

static void
usage(void)
{
	size_t i;

	fprintf(
	    stderr,
	    "usage: faultproxy --listen ADDR:PORT [--upstream ADDR:PORT] "
	    "--mode MODE\n"
	    "       [--duration S] [--max-conns N] [--delay MS] [--interval "
	    "MS]\n"
	    "       [--trickle-bytes N] [--records N] [--code N] [--requested "
	    "N]\n"
	    "       [--seed N]\nmodes:");
	for (i = 0; i < N_MODES; i++)
		fprintf(stderr, " %s", mode_names[i]);
	fputc('\n', stderr);
	exit(2);
}

static long
num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "faultproxy: bad number '%s' (%ld..%ld)\n", s,
		        lo, hi);
		exit(2);
	}
	return v;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void
parse_args(int argc, char **argv)
{
	bool have_listen = false, have_mode = false;
	size_t m;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "--listen") == 0) {
			if (parse_addr(v, &opt.listen, &opt.listen_len) < 0)
				usage();
			have_listen = true;
		} else if (strcmp(a, "--upstream") == 0) {
			if (parse_addr(v, &opt.upstream, &opt.upstream_len) < 0)
				usage();
			snprintf(opt.upstream_str, sizeof opt.upstream_str,
			         "%s", v);
			opt.have_upstream = true;
		} else if (strcmp(a, "--mode") == 0) {
			for (m = 0; m < N_MODES; m++)
				if (strcmp(v, mode_names[m]) == 0)
					break;
			if (m == N_MODES)
				usage();
			opt.mode = (enum mode)m;
			have_mode = true;
		} else if (strcmp(a, "--duration") == 0) {
			opt.duration = (double)num(v, 1, 86400);
		} else if (strcmp(a, "--max-conns") == 0) {
			opt.max_conns = num(v, 1, 1000000);
		} else if (strcmp(a, "--delay") == 0) {
			opt.delay_ms = num(v, 0, 60000);
		} else if (strcmp(a, "--interval") == 0) {
			opt.interval_ms = num(v, 0, 10000);
		} else if (strcmp(a, "--trickle-bytes") == 0) {
			opt.trickle_bytes = num(v, 0, 1000000000);
		} else if (strcmp(a, "--code") == 0) {
			opt.code = num(v, 0, 255);
		} else if (strcmp(a, "--records") == 0) {
			opt.records = num(v, 0, 1000);
		} else if (strcmp(a, "--requested") == 0) {
			opt.requested = num(v, 0, 0xffff);
		} else if (strcmp(a, "--seed") == 0) {
			opt.seed = (uint64_t)num(v, 1, 0x7fffffffffffffffL);
		} else {
			usage();
		}
	}
	if (!have_listen || !have_mode)
		usage();
	if (needs_upstream() && !opt.have_upstream) {
		fprintf(stderr, "faultproxy: mode %s needs --upstream\n",
		        mode_names[opt.mode]);
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	struct pollfd pfd[1 + 2 * MAX_CONNS];
	struct conn *owner[1 + 2 * MAX_CONNS];
	int lfd, one = 1, n_accepted = 0, i, k;
	int64_t end, t;

	parse_args(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (i = 0; i < MAX_CONNS; i++)
		conns[i].st = ST_FREE;

	lfd = socket(opt.listen.ss_family, SOCK_STREAM, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(lfd, (struct sockaddr *)&opt.listen, opt.listen_len) < 0 ||
	    listen(lfd, 64) < 0 || set_nonblock(lfd) < 0) {
		logmsg("listen: %s", strerror(errno));
		return 1;
	}
	end = now_ms() + (int64_t)(opt.duration * 1000);
	logmsg("mode %s, upstream %s, %.0f s, at most %ld connections",
	       mode_names[opt.mode], opt.have_upstream ? opt.upstream_str : "-",
	       opt.duration, opt.max_conns);

	while (!stop_flag) {
		int nfd = 0, busy = 0;
		int64_t wake = end;

		t = now_ms();
		if (t >= end) {
			logmsg("duration over");
			break;
		}
		if (lfd >= 0 && n_accepted >= opt.max_conns) {
			close(lfd);
			lfd = -1;
		}
		if (lfd >= 0) {
			pfd[nfd].fd = lfd;
			pfd[nfd].events = POLLIN;
			owner[nfd++] = NULL;
		}
		for (i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];
			short ev;

			if (c->st == ST_FREE)
				continue;
			busy++;
			ev = 0;
			if (c->c2s.bytes < QUEUE_MAX && !c->c_eof)
				ev |= POLLIN;
			if (c->s2c.head != NULL && c->s2c.head->due <= t)
				ev |= POLLOUT;
			if (c->s2c.head != NULL && c->s2c.head->due > t &&
			    c->s2c.head->due < wake)
				wake = c->s2c.head->due;
			pfd[nfd].fd = c->cfd;
			pfd[nfd].events = ev;
			owner[nfd++] = c;
			if (c->ufd >= 0) {
				ev = 0;
				if (c->connecting)
					ev = POLLOUT;
				else {
					if (c->s2c.bytes < QUEUE_MAX &&
					    !c->u_eof)
						ev |= POLLIN;
					if (c->c2s.head != NULL &&
					    c->c2s.head->due <= t)
						ev |= POLLOUT;
				}
				if (c->c2s.head != NULL &&
				    c->c2s.head->due > t &&
				    c->c2s.head->due < wake)
					wake = c->c2s.head->due;
				pfd[nfd].fd = c->ufd;
				pfd[nfd].events = ev;
				owner[nfd++] = c;
			}
			if ((c->st == ST_DRAIN || c->st == ST_RESETTING) &&
			    c->deadline < wake)
				wake = c->deadline;
		}
		if (lfd < 0 && busy == 0) {
			logmsg("%d connections done", n_accepted);
			break;
		}
		k = poll(pfd, (nfds_t)nfd, (int)(wake > t ? wake - t : 0));
		if (k < 0 && errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			break;
		}
		for (i = 0; k > 0 && i < nfd; i++) {
			struct conn *c = owner[i];
			short re = pfd[i].revents;

			if (re == 0)
				continue;
			if (c == NULL) {
				on_accept(lfd, &n_accepted);
				continue;
			}
			if (c->st == ST_FREE)
				continue;
			if (pfd[i].fd == c->ufd && c->connecting) {
				on_connected(c);
				continue;
			}
			if (re & (POLLIN | POLLHUP | POLLERR)) {
				if (pfd[i].fd == c->cfd)
					do_read(c, true);
				else if (pfd[i].fd == c->ufd)
					do_read(c, false);
			}
		}
		for (i = 0; i < MAX_CONNS; i++)
			after_io(&conns[i]);
	}
	for (i = 0; i < MAX_CONNS; i++)
		if (conns[i].st != ST_FREE)
			conn_end(&conns[i], false, "proxy exiting");
	if (lfd >= 0)
		close(lfd);
	logmsg("exit after %d connections", n_accepted);
	return 0;
}
