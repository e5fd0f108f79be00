/*
 * fleetsrv.c - a minimal, fast RDP responder for bench/scan-ceiling.sh:
 * it answers each X.224 Connection Request with a Connection Confirm and
 * nothing more, so that a scan of thousands of its addresses measures the
 * scanner, not the servers.
 *
 *   fleetsrv [--proto rdp|ssl] [--cert PEM --key PEM] [--port PORT]
 *            [--seconds N] [--ready FILE]
 *
 * One epoll loop, one listening socket on the wildcard address: in a
 * network namespace whose addresses are a whole prefix (an AnyIP route,
 * `ip route add local 10.203.0.0/20 dev lo`), every address of the prefix
 * answers. The Connection Confirm ([MS-RDPBCGR] 2.2.1.2) carries an RDP
 * Negotiation Response (2.2.1.2.1) selecting PROTOCOL_RDP (--proto rdp:
 * standard RDP security, the default) or PROTOCOL_SSL (--proto ssl); to a
 * request without PROTOCOL_SSL, --proto ssl answers an RDP Negotiation
 * Failure SSL_REQUIRED_BY_SERVER (2.2.1.2.2), as Windows does. A request
 * without negotiation data gets a Confirm without it. Whatever the client
 * sends next (an MCS Connect-Initial, a TLS ClientHello) or its close ends
 * the connection: the server speaks no further than X.224. With --cert and
 * --key (and --proto ssl), it completes the TLS handshake first (OpenSSL,
 * that certificate), then ends the connection at the first data or close.
 *
 * It exits after --seconds (default 600) or on SIGTERM/SIGINT, and prints
 * how many connections it accepted and answered. Lab tool only.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define REQ_MAX 512 /* a Connection Request with a cookie fits */
#define EVENTS 256

enum { ST_REQUEST, ST_ANSWERED, ST_TLS };

struct conn {
	int fd;
	int state;
	SSL *ssl; /* ST_TLS */
	size_t len;
	uint8_t buf[REQ_MAX];
};

static volatile sig_atomic_t stop;
static unsigned long accepted, answered, bad, handshakes;
static SSL_CTX *tls_ctx; /* --cert/--key */

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(FILE *f)
{
	fputs("usage: fleetsrv [--proto rdp|ssl] [--cert PEM --key PEM] "
	      "[--port PORT] [--seconds N] [--ready FILE]\n",
	      f);
}

static void
conn_close(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	SSL_free(c->ssl);
	close(c->fd);
	free(c);
}

/*
 * The answer to the Connection Request in REQ (LEN bytes, a whole TPKT)
 * into OUT (at least 19 bytes); returns its length, 0 when REQ is not a
 * Connection Request.
 */
static size_t
answer(const uint8_t *req, size_t len, bool ssl, uint8_t *out)
{
	const uint8_t *neg;
	uint32_t requested;
	bool has_neg;

	/* TPKT (4) + X.224 CR: LI, 0xE0, DST-REF, SRC-REF, class (7). */
	if (len < 11 || req[0] != 3 || req[4] + 5u != len ||
	    (req[5] & 0xf0) != 0xe0)
		return 0;
	/* The RDP Negotiation Request, when present, ends the PDU. */
	neg = req + len - 8;
	has_neg = len >= 19 && neg[0] == 0x01 && neg[2] == 8 && neg[3] == 0;
	requested = has_neg
	                ? (uint32_t)neg[4] | (uint32_t)neg[5] << 8 |
	                      (uint32_t)neg[6] << 16 | (uint32_t)neg[7] << 24
	                : 0;
	/* TPKT, then the X.224 CC: LI, 0xD0, DST-REF 0, SRC-REF, class 0. */
	memcpy(out, "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00", 11);
	if (!has_neg) {
		if (ssl)
			return 0; /* no standard RDP security here */
		out[3] = 11;
		out[4] = 6;
		return 11;
	}
	if (ssl && !(requested & 1)) {
		/* RDP_NEG_FAILURE, SSL_REQUIRED_BY_SERVER. */
		memcpy(out + 11, "\x03\x00\x08\x00\x01\x00\x00\x00", 8);
		return 19;
	}
	/* RDP_NEG_RSP, flags EXTENDED_CLIENT_DATA_SUPPORTED, the protocol. */
	memcpy(out + 11, "\x02\x01\x08\x00\x00\x00\x00\x00", 8);
	out[15] = ssl ? 1 : 0;
	return 19;
}

/* The TLS handshake, then the first data or close ends the connection. */
static void
conn_tls(int ep, struct conn *c)
{
	struct epoll_event ev;
	uint8_t sink[256];
	int rc, e;

	if (!SSL_is_init_finished(c->ssl)) {
		rc = SSL_do_handshake(c->ssl);
		if (rc == 1) {
			handshakes++;
			ev.events = EPOLLIN;
			ev.data.ptr = c;
			epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
		} else {
			e = SSL_get_error(c->ssl, rc);
			if (e != SSL_ERROR_WANT_READ &&
			    e != SSL_ERROR_WANT_WRITE) {
				ERR_clear_error();
				conn_close(ep, c);
				return;
			}
			ev.events = e == SSL_ERROR_WANT_WRITE
			                ? EPOLLIN | EPOLLOUT
			                : EPOLLIN;
			ev.data.ptr = c;
			epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
			return;
		}
	}
	rc = SSL_read(c->ssl, sink, sizeof(sink));
	if (rc <= 0 && SSL_get_error(c->ssl, rc) == SSL_ERROR_WANT_READ)
		return;
	ERR_clear_error();
	conn_close(ep, c);
}

/* Read what the client sent; answer a whole Connection Request once;
 * anything after it, or EOF, ends the connection. */
static void
conn_readable(int ep, struct conn *c, bool ssl)
{
	uint8_t out[19];
	ssize_t n;
	size_t need, alen;

	for (;;) {
		if (c->state == ST_TLS) {
			conn_tls(ep, c);
			return;
		}
		if (c->state == ST_ANSWERED) {
			uint8_t sink[256];

			n = read(c->fd, sink, sizeof(sink));
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
			conn_close(ep, c);
			return;
		}
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			conn_close(ep, c);
			return;
		}
		c->len += (size_t)n;
		if (c->len < 4)
			continue;
		need = (size_t)c->buf[2] << 8 | c->buf[3];
		if (need < 11 || need > sizeof(c->buf)) {
			bad++;
			conn_close(ep, c);
			return;
		}
		if (c->len < need)
			continue;
		alen = answer(c->buf, need, ssl, out);
		if (alen == 0 || write(c->fd, out, alen) != (ssize_t)alen) {
			bad++;
			conn_close(ep, c);
			return;
		}
		answered++;
		c->state = ST_ANSWERED;
		if (tls_ctx != NULL && out[11] == 0x02 && out[15] == 1 &&
		    c->len == need) {
			/* PROTOCOL_SSL selected: TLS from the next byte. */
			c->ssl = SSL_new(tls_ctx);
			if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
				conn_close(ep, c);
				return;
			}
			SSL_set_accept_state(c->ssl);
			c->state = ST_TLS;
			continue;
		}
		if (c->len > need) {
			/* Pipelined data after the request: done. */
			conn_close(ep, c);
			return;
		}
	}
}

static void
accept_all(int ep, int lfd)
{
	struct epoll_event ev;
	struct conn *c;
	int fd, one = 1;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or out of descriptors: later */
		accepted++;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			free(c);
		}
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"proto", required_argument, NULL, 'P'},
	    {"port", required_argument, NULL, 'p'},
	    {"seconds", required_argument, NULL, 's'},
	    {"ready", required_argument, NULL, 'r'},
	    {"cert", required_argument, NULL, 'c'},
	    {"key", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct sockaddr_in sin;
	struct epoll_event ev, evs[EVENTS];
	struct sigaction sa;
	const char *ready = NULL, *cert = NULL, *key = NULL;
	long port = 3389, seconds = 600;
	bool ssl = false;
	int lfd, ep, opt, i, n, one = 1;
	time_t end;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'P':
			if (strcmp(optarg, "ssl") == 0)
				ssl = true;
			else if (strcmp(optarg, "rdp") != 0) {
				usage(stderr);
				return 2;
			}
			break;
		case 'p':
			port = strtol(optarg, NULL, 10);
			break;
		case 's':
			seconds = strtol(optarg, NULL, 10);
			break;
		case 'r':
			ready = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || port < 1 || port > 65535 || seconds < 1 ||
	    seconds > 86400 || (cert == NULL) != (key == NULL) ||
	    (cert != NULL && !ssl)) {
		usage(stderr);
		return 2;
	}
	if (cert != NULL) {
		tls_ctx = SSL_CTX_new(TLS_server_method());
		if (tls_ctx == NULL ||
		    SSL_CTX_use_certificate_chain_file(tls_ctx, cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(tls_ctx, key,
		                                SSL_FILETYPE_PEM) != 1) {
			fprintf(stderr, "fleetsrv: cannot load %s and %s\n",
			        cert, key);
			return 1;
		}
		SSL_CTX_set_mode(tls_ctx, SSL_MODE_RELEASE_BUFFERS);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		perror("fleetsrv: socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(lfd, 4096) != 0) {
		perror("fleetsrv: bind/listen");
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		perror("fleetsrv: epoll");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.ptr = NULL; /* the listening socket */
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	if (ready != NULL) {
		FILE *f = fopen(ready, "w");

		if (f != NULL)
			fclose(f);
	}
	end = time(NULL) + seconds;
	while (!stop && time(NULL) < end) {
		n = epoll_wait(ep, evs, EVENTS, 1000);
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL)
				accept_all(ep, lfd);
			else
				conn_readable(ep, evs[i].data.ptr, ssl);
		}
	}
	printf("fleetsrv: %lu connections accepted, %lu answered, %lu not "
	       "a Connection Request, %lu TLS handshakes\n",
	       accepted, answered, bad, handshakes);
	return 0;
}
