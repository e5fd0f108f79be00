/*
 * gwsrv - the rdpdoctor lab's RD Gateway, built from [MS-TSGU] (HTTP
 * transport) as shared/reference/gateway.md 7 describes, so that xfreerdp
 * and rdpdoctor can both be walked through a gateway and through each
 * refusal a gateway gives.
 *
 *   gwsrv --listen ADDR:PORT --cert FILE --key FILE --hosts FILE
 *         [--user DOMAIN\NAME --password-file FILE | --no-auth]
 *         [--transport both|ws|http] [--auth both|negotiate]
 *         [--fault NAME] [--code N]
 *         [--connect-failed-code N] [--after-bytes N] [--delay-ms N]
 *         [--keepalive S] [--rap NAME,...] [--stall-max S] [--message T]
 *         [--connect-timeout-ms N] [--duration S] [--max-conns N]
 *         [--pid-file FILE]
 *   gwsrv --self-test
 *
 * Per connection: TLS with --cert; HTTP/1.1 requests RDG_OUT_DATA and
 * RDG_IN_DATA on /remoteDesktopGateway/; NTLM over HTTP (401 with
 * WWW-Authenticate NTLM and Negotiate, the CHALLENGE, the AUTHENTICATE
 * checked as NTLMv2 against the one account: NTProofStr from the NT hash
 * of the password read from --password-file, and the MIC; code shared with
 * the injector, injector_ntlm.c), raw or inside SPNEGO under Negotiate
 * (with the mechListMIC checked and answered); --auth negotiate offers
 * only Negotiate (IIS with the Negotiate provider alone); then WebSocket (101) or the legacy
 * two-request transport (OUT 200 + 10 seed bytes, IN 200, IN chunked);
 * then the MS-TSGU packets: handshake, tunnel create, tunnel authorize,
 * channel create (a TCP connection to the named target, names resolved
 * only through --hosts, before the answer), DATA relayed both ways,
 * keepalives echoed, CLOSE_CHANNEL answered.
 *
 * --fault NAME breaks one step (GATEWAY_LAB.md and tests/lab/README.md
 * list them): 401-forever, 401-after-auth, negotiate-only, http-NNN,
 * close-after-headers, stall-before-status, bad-ws-accept,
 * handshake-capability-mismatch, tunnel-create-error, max-connections,
 * tunnel-auth-denied, channel-rap-denied, close-channel, stall-relay,
 * rpc-only, consent, service-message, reauth, abort-relay,
 * no-affinity, negotiate-no-ntlm (Negotiate only, NTLM inside it
 * refused: the true Kerberos-only gateway);
 * cert-expired / cert-wrong-name / cert-self-signed are the lab's choice
 * of --cert (gwsrv itself behaves).
 *
 * Bounded: every read and write has a timeout (30 s), a stall at most
 * --stall-max seconds (60), the process ends by itself after --duration
 * seconds (600) or once --max-conns connections (100) are done. One line
 * on stderr per event; no password, hash or NTLM token is ever printed,
 * names from the wire are escaped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "gwsrv.h"
#include "wire/crypto.h"

struct gw_opts gw_opt;

static SSL_CTX *srv_ctx;
static pthread_mutex_t count_mu = PTHREAD_MUTEX_INITIALIZER;
static int active;

int64_t
gw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
logmsg(const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char line[1024];
	size_t n;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof line, "%H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof line - n,
	                      ".%03ld gwsrv: ", ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	if (n < sizeof line)
		vsnprintf(line + n, sizeof line - n, fmt, ap);
	va_end(ap);
	/* One write per line: threads do not interleave. */
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

void
gw_step_delay(void)
{
	struct timespec ts;

	if (gw_opt.delay_ms <= 0)
		return;
	ts.tv_sec = gw_opt.delay_ms / 1000;
	ts.tv_nsec = (long)(gw_opt.delay_ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
}

int
gw_read_more(struct gw_conn *c, int ms)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN};
	int n, e;

	if (c->eof)
		return 0;
	if (c->len >= GW_BUF)
		return -1;
	if (SSL_pending(c->ssl) == 0) {
		n = poll(&p, 1, ms);
		if (n == 0)
			return -2;
		if (n < 0)
			return -1;
	}
	ERR_clear_error();
	n = SSL_read(c->ssl, c->buf + c->len, (int)(GW_BUF - c->len));
	if (n > 0) {
		c->len += (size_t)n;
		return n;
	}
	e = SSL_get_error(c->ssl, n);
	if (e == SSL_ERROR_ZERO_RETURN ||
	    (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) ||
	    (e == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) ==
	                               SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
		c->eof = true;
		return 0;
	}
	if (e == SSL_ERROR_WANT_READ)
		return -2; /* a non-application record: nothing yet */
	return -1;
}

void
gw_consume(struct gw_conn *c, size_t n)
{
	if (n >= c->len) {
		c->len = 0;
		return;
	}
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

int
gw_write(struct gw_conn *c, const void *p, size_t n)
{
	const uint8_t *q = p;
	int w;

	while (n > 0) {
		ERR_clear_error();
		w = SSL_write(c->ssl, q, n > 65536 ? 65536 : (int)n);
		if (w <= 0)
			return -1;
		q += w;
		n -= (size_t)w;
	}
	return 0;
}

void
gw_shutdown(struct gw_conn *c)
{
	if (c->aborted)
		return;
	ERR_clear_error();
	if (c->ssl != NULL && !c->eof)
		SSL_shutdown(c->ssl);
	shutdown(c->fd, SHUT_WR);
}

void
gw_stall(struct gw_conn *c, const char *why)
{
	int64_t end = gw_now_ms() + (int64_t)gw_opt.stall_max_s * 1000;
	int64_t left;
	int r;

	logmsg("conn %d: %s: stalling (at most %d s)", c->id, why,
	       gw_opt.stall_max_s);
	while ((left = end - gw_now_ms()) > 0) {
		r = gw_read_more(c, left > 1000 ? 1000 : (int)left);
		if (r == 0 || r == -1)
			break;
		if (r > 0)
			c->len = 0; /* read and ignored */
	}
	logmsg("conn %d: stall over (%s)", c->id,
	       left > 0 ? "client left" : "--stall-max");
}

/* --- name resolution: the lab's hosts file only, never DNS ------------- */

int
gw_resolve(const char *name, uint32_t *addr)
{
	struct in_addr a;
	char line[512], *tok, *save;
	FILE *f;
	int rc = -1;

	if (inet_pton(AF_INET, name, &a) == 1) {
		*addr = a.s_addr;
		return 0;
	}
	if (gw_opt.hosts == NULL || (f = fopen(gw_opt.hosts, "r")) == NULL)
		return -1;
	while (rc != 0 && fgets(line, sizeof line, f) != NULL) {
		char *hash = strchr(line, '#');

		if (hash != NULL)
			*hash = '\0';
		tok = strtok_r(line, " \t\r\n", &save);
		if (tok == NULL || inet_pton(AF_INET, tok, &a) != 1)
			continue;
		while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL)
			if (strcasecmp(tok, name) == 0) {
				*addr = a.s_addr;
				rc = 0; /* the first line wins, as glibc */
				break;
			}
	}
	fclose(f);
	return rc;
}

/* --- connections ------------------------------------------------------------ */

struct conn_arg {
	int fd;
	int id;
	char peer[64];
};

static void
set_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = GW_IO_MS / 1000};
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void *
conn_thread(void *p)
{
	struct conn_arg *a = p;
	struct gw_conn c;
	int r;

	memset(&c, 0, sizeof c);
	c.id = a->id;
	c.fd = a->fd;
	c.buf = malloc(GW_BUF);
	c.ssl = SSL_new(srv_ctx);
	if (c.buf == NULL || c.ssl == NULL || SSL_set_fd(c.ssl, c.fd) != 1) {
		logmsg("conn %d: out of memory", c.id);
		goto out;
	}
	logmsg("conn %d: from %s", c.id, a->peer);
	ERR_clear_error();
	r = SSL_accept(c.ssl);
	if (r != 1) {
		char buf[256];

		ERR_error_string_n(ERR_peek_error(), buf, sizeof buf);
		logmsg("conn %d: TLS handshake failed (%d, %s)", c.id,
		       SSL_get_error(c.ssl, r), buf);
		goto out;
	}
	logmsg("conn %d: TLS %s %s", c.id, SSL_get_version(c.ssl),
	       SSL_get_cipher_name(c.ssl));
	gw_http_serve(&c);
out:
	if (c.ssl != NULL)
		SSL_free(c.ssl);
	close(c.fd);
	free(c.buf);
	logmsg("conn %d: closed", a->id);
	free(a);
	pthread_mutex_lock(&count_mu);
	active--;
	pthread_mutex_unlock(&count_mu);
	return NULL;
}

/* --- options -------------------------------------------------------------------- */

static const struct {
	const char *name;
	enum gw_fault fault;
} faults[] = {
    {"none", GW_F_NONE},
    {"cert-expired", GW_F_CERT},
    {"cert-wrong-name", GW_F_CERT},
    {"cert-self-signed", GW_F_CERT},
    {"401-forever", GW_F_401_FOREVER},
    {"401-after-auth", GW_F_401_AFTER_AUTH},
    {"negotiate-only", GW_F_NEGOTIATE_ONLY},
    {"close-after-headers", GW_F_CLOSE_AFTER_HEADERS},
    {"stall-before-status", GW_F_STALL_BEFORE_STATUS},
    {"bad-ws-accept", GW_F_BAD_WS_ACCEPT},
    {"handshake-capability-mismatch", GW_F_HANDSHAKE_ERROR},
    {"tunnel-create-error", GW_F_TUNNEL_ERROR},
    {"max-connections", GW_F_MAX_CONNECTIONS},
    {"tunnel-auth-denied", GW_F_TUNNEL_AUTH_DENIED},
    {"channel-rap-denied", GW_F_CHANNEL_RAP_DENIED},
    {"close-channel", GW_F_CLOSE_CHANNEL},
    {"stall-relay", GW_F_STALL_RELAY},
    {"rpc-only", GW_F_RPC_ONLY},
    {"consent", GW_F_CONSENT},
    {"service-message", GW_F_SERVICE_MESSAGE},
    {"reauth", GW_F_REAUTH},
    {"abort-relay", GW_F_ABORT_RELAY},
    {"no-affinity", GW_F_NO_AFFINITY},
    {"negotiate-no-ntlm", GW_F_NEGOTIATE_NO_NTLM},
};

static int
parse_fault(const char *s)
{
	size_t i;
	char *end;
	long st;

	if (strncmp(s, "http-", 5) == 0) {
		st = strtol(s + 5, &end, 10);
		if (*end != '\0' || st < 200 || st > 599 || st == 401)
			return -1;
		gw_opt.fault = GW_F_HTTP_STATUS;
		gw_opt.http_status = (int)st;
		gw_opt.fault_name = s;
		return 0;
	}
	for (i = 0; i < sizeof faults / sizeof faults[0]; i++)
		if (strcmp(s, faults[i].name) == 0) {
			gw_opt.fault = faults[i].fault;
			gw_opt.fault_name = s;
			return 0;
		}
	return -1;
}

static int
parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || end == s || x > 0xffffffffull)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int
parse_int(const char *s, long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' || end == s || *v < lo || *v > hi ? -1
	                                                                    : 0;
}

/* DOMAIN\NAME or NAME into the account. */
static int
parse_user(const char *s)
{
	const char *bs = strchr(s, '\\');
	size_t dl = bs == NULL ? 0 : (size_t)(bs - s);
	const char *u = bs == NULL ? s : bs + 1;

	if (dl >= sizeof gw_opt.acct.domain ||
	    strlen(u) >= sizeof gw_opt.acct.user || *u == '\0')
		return -1;
	memcpy(gw_opt.acct.domain, s, dl);
	gw_opt.acct.domain[dl] = '\0';
	strcpy(gw_opt.acct.user, u);
	return 0;
}

static void
usage(void)
{
	fprintf(
	    stderr,
	    "usage: gwsrv --listen ADDR:PORT --cert FILE --key FILE "
	    "--hosts FILE\n"
	    "       [--user DOMAIN\\NAME --password-file FILE | --no-auth]\n"
	    "       [--transport both|ws|http] [--auth both|negotiate]\n"
	    "       [--fault NAME] [--code N]\n"
	    "       [--connect-failed-code N] [--after-bytes N] "
	    "[--delay-ms N]\n"
	    "       [--keepalive S] [--rap NAME,...] [--stall-max S]\n"
	    "       [--message TEXT]\n"
	    "       [--connect-timeout-ms N] [--duration S] [--max-conns N]"
	    "\n       [--pid-file FILE]\n"
	    "       gwsrv --self-test\n");
}

static int
parse_args(int argc, char **argv)
{
	const char *user = NULL, *pwfile = NULL;
	long v;
	int i;

	gw_opt.transport = GW_T_BOTH;
	gw_opt.connect_failed_code = 0x800759DDu;
	gw_opt.after_bytes = 1;
	gw_opt.stall_max_s = 60;
	gw_opt.duration_s = 600;
	gw_opt.max_conns = 100;
	gw_opt.connect_ms = 5000;
	gw_opt.fault_name = "none";
	gw_opt.message = "rdpdoctor lab gateway: authorized use only.";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i],
		           *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;

		if (strcmp(a, "--no-auth") == 0) {
			gw_opt.no_auth = true;
			takes = false;
		} else if (val == NULL) {
			fprintf(stderr, "gwsrv: %s needs a value\n", a);
			return -1;
		} else if (strcmp(a, "--listen") == 0) {
			gw_opt.listen = val;
		} else if (strcmp(a, "--cert") == 0) {
			gw_opt.cert = val;
		} else if (strcmp(a, "--key") == 0) {
			gw_opt.key = val;
		} else if (strcmp(a, "--hosts") == 0) {
			gw_opt.hosts = val;
		} else if (strcmp(a, "--pid-file") == 0) {
			gw_opt.pid_file = val;
		} else if (strcmp(a, "--user") == 0) {
			user = val;
		} else if (strcmp(a, "--password-file") == 0) {
			pwfile = val;
		} else if (strcmp(a, "--transport") == 0) {
			if (strcmp(val, "both") == 0)
				gw_opt.transport = GW_T_BOTH;
			else if (strcmp(val, "ws") == 0)
				gw_opt.transport = GW_T_WS;
			else if (strcmp(val, "http") == 0)
				gw_opt.transport = GW_T_HTTP;
			else
				return -1;
		} else if (strcmp(a, "--auth") == 0) {
			if (strcmp(val, "both") == 0)
				gw_opt.auth = GW_A_BOTH;
			else if (strcmp(val, "negotiate") == 0)
				gw_opt.auth = GW_A_NEGOTIATE;
			else
				return -1;
		} else if (strcmp(a, "--fault") == 0) {
			if (parse_fault(val) != 0) {
				fprintf(stderr, "gwsrv: unknown fault '%s'\n",
				        val);
				return -1;
			}
		} else if (strcmp(a, "--code") == 0) {
			if (parse_u32(val, &gw_opt.code) != 0)
				return -1;
			gw_opt.have_code = true;
		} else if (strcmp(a, "--connect-failed-code") == 0) {
			if (parse_u32(val, &gw_opt.connect_failed_code) != 0)
				return -1;
		} else if (strcmp(a, "--after-bytes") == 0) {
			if (parse_int(val, 0, 1L << 30, &v) != 0)
				return -1;
			gw_opt.after_bytes = v;
		} else if (strcmp(a, "--delay-ms") == 0) {
			if (parse_int(val, 0, 60000, &v) != 0)
				return -1;
			gw_opt.delay_ms = (int)v;
		} else if (strcmp(a, "--keepalive") == 0) {
			if (parse_int(val, 0, 3600, &v) != 0)
				return -1;
			gw_opt.keepalive_s = (int)v;
		} else if (strcmp(a, "--rap") == 0) {
			if (strlen(val) >= sizeof gw_opt.rap)
				return -1;
			strcpy(gw_opt.rap, val);
		} else if (strcmp(a, "--message") == 0) {
			if (strlen(val) > 1000)
				return -1;
			gw_opt.message = val;
		} else if (strcmp(a, "--stall-max") == 0) {
			if (parse_int(val, 1, 3600, &v) != 0)
				return -1;
			gw_opt.stall_max_s = (int)v;
		} else if (strcmp(a, "--connect-timeout-ms") == 0) {
			if (parse_int(val, 1, 60000, &v) != 0)
				return -1;
			gw_opt.connect_ms = (int)v;
		} else if (strcmp(a, "--duration") == 0) {
			if (parse_int(val, 1, 86400, &v) != 0)
				return -1;
			gw_opt.duration_s = (int)v;
		} else if (strcmp(a, "--max-conns") == 0) {
			if (parse_int(val, 1, 100000, &v) != 0)
				return -1;
			gw_opt.max_conns = (int)v;
		} else {
			fprintf(stderr, "gwsrv: unknown option %s\n", a);
			return -1;
		}
		if (takes)
			i++;
	}
	if (gw_opt.listen == NULL || gw_opt.cert == NULL ||
	    gw_opt.key == NULL || gw_opt.hosts == NULL)
		return -1;
	if (!gw_opt.no_auth) {
		if (user == NULL || pwfile == NULL || parse_user(user) != 0) {
			fprintf(stderr, "gwsrv: --user DOMAIN\\NAME and "
			                "--password-file FILE, or --no-auth\n");
			return -1;
		}
		if (inj_account_load_password(&gw_opt.acct, pwfile) != 0)
			return -1;
	}
	return 0;
}

static int
listen_on(const char *spec)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	struct sockaddr_in sa;
	long port;
	int fd, one = 1;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof host ||
	    parse_int(colon + 1, 1, 65535, &port) != 0)
		return -1;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(fd, 64) != 0) {
		logmsg("listen %s: %s", spec, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
tls_setup(void)
{
	srv_ctx = SSL_CTX_new(TLS_server_method());
	if (srv_ctx == NULL)
		return -1;
	if (SSL_CTX_use_certificate_chain_file(srv_ctx, gw_opt.cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(srv_ctx, gw_opt.key,
	                                SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(srv_ctx) != 1) {
		char buf[256];

		ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
		logmsg("certificate %s / key %s: %s", gw_opt.cert, gw_opt.key,
		       buf);
		return -1;
	}
	SSL_CTX_set_num_tickets(srv_ctx, 0);
	return 0;
}

int
main(int argc, char **argv)
{
	int64_t end;
	int lfd, id = 0, fails;
	FILE *pf;

	if (argc == 2 && strcmp(argv[1], "--self-test") == 0) {
		fails = gw_tsgu_self_test() + gw_http_self_test() +
		        inj_ntlm_self_test();
		printf("gwsrv self-test: %d failure(s)\n", fails);
		return fails == 0 ? 0 : 1;
	}
	if (parse_args(argc, argv) != 0) {
		usage();
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	inj_ntlm_set_names("GATEWAY", "gateway.rdpsrv.lab");
	if (tls_setup() != 0)
		return 1;
	lfd = listen_on(gw_opt.listen);
	if (lfd < 0) {
		logmsg("cannot listen on %s", gw_opt.listen);
		return 1;
	}
	if (gw_opt.pid_file != NULL && (pf = fopen(gw_opt.pid_file, "w"))) {
		fprintf(pf, "%ld\n", (long)getpid());
		fclose(pf);
	}
	logmsg("listening on %s, fault %s, transport %s, auth %s%s%s%s, "
	       "for %d s",
	       gw_opt.listen, gw_opt.fault_name,
	       gw_opt.transport == GW_T_WS     ? "ws"
	       : gw_opt.transport == GW_T_HTTP ? "http"
	                                       : "both",
	       gw_opt.no_auth ? "none"
	       : gw_opt.fault == GW_F_NEGOTIATE_NO_NTLM
	           ? "Negotiate (NTLM inside refused) "
	       : gw_opt.auth == GW_A_NEGOTIATE ? "Negotiate (NTLM inside) "
	                                       : "NTLM or Negotiate ",
	       gw_opt.acct.domain, gw_opt.acct.domain[0] != '\0' ? "\\" : "",
	       gw_opt.acct.user, gw_opt.duration_s);
	end = gw_now_ms() + (int64_t)gw_opt.duration_s * 1000;
	for (;;) {
		struct pollfd p = {.fd = lfd, .events = POLLIN};
		int64_t left = end - gw_now_ms();
		int n, fd, busy;

		pthread_mutex_lock(&count_mu);
		busy = active;
		pthread_mutex_unlock(&count_mu);
		if (left <= 0) {
			logmsg("--duration over, exiting (%d connections open)",
			       busy);
			break;
		}
		if (id >= gw_opt.max_conns) {
			if (busy == 0) {
				logmsg("--max-conns %d done, exiting",
				       gw_opt.max_conns);
				break;
			}
			usleep(50000);
			continue;
		}
		n = poll(&p, 1, left > 500 ? 500 : (int)left);
		if (n <= 0)
			continue;
		struct sockaddr_in peer;
		socklen_t pl = sizeof peer;

		fd = accept(lfd, (struct sockaddr *)&peer, &pl);
		if (fd < 0)
			continue;
		if (busy >= GW_MAX_THREADS) {
			logmsg("too many connections, closing one");
			close(fd);
			continue;
		}
		set_timeouts(fd);
		struct conn_arg *a = calloc(1, sizeof *a);
		pthread_t t;

		if (a == NULL) {
			close(fd);
			continue;
		}
		a->fd = fd;
		a->id = ++id;
		inet_ntop(AF_INET, &peer.sin_addr, a->peer, sizeof a->peer);
		snprintf(a->peer + strlen(a->peer),
		         sizeof a->peer - strlen(a->peer), ":%u",
		         ntohs(peer.sin_port));
		pthread_mutex_lock(&count_mu);
		active++;
		pthread_mutex_unlock(&count_mu);
		if (pthread_create(&t, NULL, conn_thread, a) != 0) {
			pthread_mutex_lock(&count_mu);
			active--;
			pthread_mutex_unlock(&count_mu);
			close(fd);
			free(a);
			continue;
		}
		pthread_detach(t);
	}
	close(lfd);
	if (gw_opt.pid_file != NULL)
		unlink(gw_opt.pid_file);
	rdd_wipe(gw_opt.acct.nt_hash, sizeof gw_opt.acct.nt_hash);
	/* Threads still running end with the process. */
	_exit(0);
}
