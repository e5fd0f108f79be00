/*
 * injector - a TLS-terminating RDP relay for the rdpdoctor lab that sits in
 * front of a real xrdp (security_layer=tls) and replaces what the server
 * sends at the licensing step with a chosen failure, so that a client sees
 * the refusals Windows gives after TLS ("error 0x904 / extended 0x7",
 * licensing failures) from a server that never gives them.
 *
 *   injector --listen ADDR:PORT --upstream ADDR:PORT --mode MODE
 *            --cert FILE --key FILE [--duration SECONDS] [--max-conns N]
 *            [--error-code N] [--transition N] [--code N] [--no-dpum]
 *            [--dpum-reason N] [--with-alert]
 *            [--info-type 0|1|2] [--session-id N] [--logon-user NAME]
 *            [--logon-domain NAME] [--error-type N] [--error-data N]
 *            [--then-close] [--delay-ms N]
 *            [--nla hybrid|hybrid_ex --user [DOMAIN\]NAME
 *             --password-file FILE [--credssp-version N]]
 *
 * Per client connection: the X.224 Connection Request and Confirm (one
 * TPKT each) are relayed unchanged. If the Confirm selects SSL (0x1) the
 * injector accepts TLS from the client with --cert/--key, connects TLS to
 * the upstream (no verification) and relays whole PDUs (TPKT or fast-path)
 * through both, reading the server's; with any other answer it relays
 * bytes. The server's first licensing PDU (an MCS Send Data Indication
 * whose basic security header has SEC_LICENSE_PKT 0x0080, after the
 * client's Client Info, SEC_INFO_PKT 0x0040; [MS-RDPBCGR] 1.3.1.1, 2.2.8.1.1.2.1)
 * is where the modes act:
 *
 *   pass               relay everything (the reference)
 *   license-error      instead of it, a licensing ERROR_ALERT ([MS-RDPBCGR]
 *                      2.2.1.12.1.3) with --error-code (default 6,
 *                      ERR_NO_LICENSE_SERVER) and --transition (default 1,
 *                      ST_TOTAL_ABORT), an empty BB_ERROR_BLOB; then an MCS
 *                      Disconnect Provider Ultimatum (unless --no-dpum) and
 *                      close_notify + FIN to both sides
 *   error-info         instead of it, a Set Error Info PDU ([MS-RDPBCGR]
 *                      2.2.5.1) with errorInfo --code (default 7,
 *                      ERRINFO_SERVER_DENIED_CONNECTION); with --with-alert
 *                      also the ERROR_ALERT above; then DPUM and close
 *   close              close both sides there, without a word
 *   stall-activation   relay licensing; from the server's Demand Active on,
 *                      drop everything the server sends and hold the
 *                      connection until the client leaves
 *   after-demand-active-error-info
 *                      relay up to and including Demand Active, then Set
 *                      Error Info --code, DPUM and close
 *   after-activation-error-info
 *                      relay up to and including the server's Font Map
 *                      (activation complete), then Set Error Info --code,
 *                      DPUM and close: a session that is refused once up
 *
 * The logon modes relay up to and including the server's Font Map, then
 * send what Windows sends once the logon is decided and xrdp never does:
 * a Save Session Info PDU ([MS-RDPBCGR] 2.2.10.1, injector_logon.h) on
 * the Font Map's channel, with the share headers of the Font Map (xrdp's
 * own: the Demand Active's shareId, its pduSource, streamId, lengths);
 * then they relay everything else as before:
 *
 *   logon-info         the logon notification: --info-type 0
 *                      (INFOTYPE_LOGON), 1 (INFOTYPE_LOGON_LONG, the
 *                      default) or 2 (INFOTYPE_LOGON_PLAINNOTIFY), with
 *                      --session-id (default 7) and --logon-user /
 *                      --logon-domain (default: those of the client's
 *                      Client Info; with --nla and an empty one there, the
 *                      NLA logon's)
 *   logon-info-delay   the same --delay-ms (default 3000) after the Font
 *                      Map: a server slow to log the user on
 *   logon-error        INFOTYPE_LOGON_EXTENDED_INFO with
 *                      LOGON_EX_LOGONERRORS only: --error-type (default
 *                      0xFFFFFFFA LOGON_MSG_NO_PERMISSION) and --error-data
 *                      (default 0 LOGON_FAILED_BAD_PASSWORD); then the
 *                      connection stays up (Windows showing its dialog)
 *                      or, with --then-close, 200 ms later a DPUM and
 *                      close
 *
 * --delay-ms applies to all three (default 0, or 3000 for
 * logon-info-delay). They need no --nla and combine with it: without it,
 * the client's Client Info (INFO_AUTOLOGON and a password, or not) goes to
 * xrdp, which shows its login screen or tries the logon; the injector
 * only relays and injects, the password is skipped unread.
 *
 * With --nla the injector is itself the NLA server in front of xrdp (see
 * injector_nla.h): it answers the client's X.224 Connection Request,
 * selecting HYBRID_EX (--nla hybrid_ex, when the client asks for it) or
 * HYBRID (when asked for; --nla hybrid never selects HYBRID_EX), else
 * RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER; accepts TLS with --cert; plays
 * the CredSSP server with NTLMv2 for the one account --user (the password
 * read from --password-file, hashed, never logged), announcing
 * --credssp-version (default 6); for HYBRID_EX sends the Early User
 * Authorization Result; then connects to the upstream (X.224 asking SSL,
 * TLS) and relays from MCS on as above, so that every mode above also
 * works after a real NLA logon. SC_CORE's clientRequestedProtocols in the
 * upstream's MCS Connect-Response is set back to what the client asked
 * for (xrdp echoes SSL, which it was asked for). A wrong password or an
 * unknown user is refused as Windows does: TSRequest{version, errorCode
 * 0xC000006D STATUS_LOGON_FAILURE}, then close (CredSSP 2 and 5 have no
 * errorCode: close only). CredSSP faults, with --nla:
 *
 *   credssp-error      after msg 3 (AUTHENTICATE), TSRequest{version,
 *                      errorCode --code (default 0xC000006D)} whatever the
 *                      password, then close_notify + FIN
 *   credssp-close      after msg 3, close_notify + FIN without a word
 *   credssp-alert      after msg 3, a TLS 1.3 fatal alert access_denied
 *                      (49), written by hand (OpenSSL has no call for it),
 *                      then FIN
 *   credssp-bad-pubkey a correct logon, but the server's pubKeyAuth binds
 *                      another RSA key (correctly sealed): what a TLS-
 *                      intercepting middlebox looks like
 *   credssp-error-negotiate
 *                      after msg 1 (NEGOTIATE), TSRequest{version,
 *                      errorCode --code (default 0xC00700EA)}, then close
 *   early-auth-denied  a correct logon, then the Early User Authorization
 *                      Result ACCESS_DENIED (5) and close (HYBRID_EX)
 *
 * The DPUM reason is rn-provider-initiated (1, bytes 20 80) by default
 * (--dpum-reason N): [MS-RDPBCGR] 3.3.5.5.x uses rn-user-requested (3,
 * 21 80, what xrdp sends) for disconnects a user asked for (client close,
 * logoff) and rn-provider-initiated for those the server side decides,
 * which a refused connection is.
 *
 * Malformed input from either side (a TPKT shorter than its headers, an
 * MCS PDU whose length runs past the TPKT, a fast-path header with a bad
 * action) closes the connection. Every read of wire bytes goes through
 * lib/wire/cursor.h.
 *
 * Bounded: exits by itself after --duration seconds (default 600) and once
 * --max-conns connections (default 100) are done. poll()-based, one thread;
 * OpenSSL runs on memory BIOs, so all socket I/O is the injector's own.
 * One line on stderr per event.
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

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "injector_logon.h"
#include "injector_nla.h"
#include "wire/credssp.h"
#include "wire/crypto.h"
#include "wire/cursor.h"
#include "wire/x224.h"

#define MAX_CONNS 32
#define PLAIN_MAX 65536         /* a TPKT is at most 65535 bytes */
#define QUEUE_MAX (1024 * 1024) /* backpressure: stop reading above this */
#define DRAIN_MS 3000           /* wait for the peers' FIN after ours */
#define CHUNK 16384

/* [MS-RDPBCGR] 2.2.8.1.1.2.1 */
#define SEC_INFO_PKT 0x0040
#define SEC_LICENSE_PKT 0x0080
/* T.125 DomainMCSPDU choices */
#define MCS_SDRQ 25
#define MCS_SDIN 26
/* [MS-RDPBCGR] 2.2.8.1.1.1.1 share control pduType */
#define PDUTYPE_DEMANDACTIVE 0x1
#define PDUTYPE_DATA 0x7
/* [MS-RDPBCGR] 2.2.8.1.1.1.2 share data pduType2 */
#define PDUTYPE2_SAVE_SESSION_INFO 0x26
#define PDUTYPE2_FONTMAP 0x28

enum mode {
	M_PASS,
	M_LICENSE_ERROR,
	M_ERROR_INFO,
	M_CLOSE,
	M_STALL_ACTIVATION,
	M_AFTER_DA_ERROR_INFO,
	M_AFTER_ACTIVATION_ERROR_INFO,
	M_LOGON_INFO,
	M_LOGON_INFO_DELAY,
	M_LOGON_ERROR,
	M_CREDSSP_ERROR, /* the modes from here on need --nla */
	M_CREDSSP_CLOSE,
	M_CREDSSP_ALERT,
	M_CREDSSP_BAD_PUBKEY,
	M_CREDSSP_ERROR_NEGOTIATE,
	M_EARLY_AUTH_DENIED
};

static const char *const mode_names[] = {
    "pass",
    "license-error",
    "error-info",
    "close",
    "stall-activation",
    "after-demand-active-error-info",
    "after-activation-error-info",
    "logon-info",
    "logon-info-delay",
    "logon-error",
    "credssp-error",
    "credssp-close",
    "credssp-alert",
    "credssp-bad-pubkey",
    "credssp-error-negotiate",
    "early-auth-denied",
};
#define N_MODES (sizeof(mode_names) / sizeof(mode_names[0]))

struct opts {
	enum mode mode;
	struct sockaddr_storage listen, upstream;
	socklen_t listen_len, upstream_len;
	char upstream_str[128];
	const char *cert, *key;
	double duration;
	long max_conns;
	uint32_t error_code, transition, code;
	bool no_dpum, with_alert, have_code;
	unsigned dpum_reason;
	enum { NLA_OFF, NLA_HYBRID, NLA_HYBRID_EX } nla;
	uint32_t credssp_version;
	const char *user, *password_file;
	/* logon-info, logon-info-delay, logon-error */
	uint32_t info_type, session_id, error_type, error_data;
	const char *logon_user, *logon_domain; /* NULL: the client's */
	long delay_ms;                         /* -1: the mode's default */
	bool then_close;
};

/* What every connection needs to know: the options and the TLS contexts. */
struct env {
	struct opts opt;
	SSL_CTX *srv_ctx; /* towards the client */
	SSL_CTX *cli_ctx; /* towards the upstream */
	/* --nla: the account, our certificate's SubjectPublicKey (and another
	 * key's for credssp-bad-pubkey), the CredSSP server's settings. */
	struct inj_account acct;
	uint8_t spk[INJ_SPK_MAX], other_spk[INJ_SPK_MAX];
	struct inj_credssp_cfg cs_cfg;
};

enum state {
	ST_FREE,
	ST_CR,      /* reading the client's X.224 Connection Request */
	ST_CC,      /* CR sent upstream, reading the Connection Confirm */
	ST_PLAIN,   /* no TLS selected: relay bytes */
	ST_NLA,     /* --nla: TLS with the client, CredSSP server */
	ST_UPCONN,  /* --nla: connecting to the upstream after CredSSP */
	ST_TLS,     /* TLS on both sides: relay PDUs, watch the server's */
	ST_CLOSING, /* close_notify and FIN queued; wait for the peers' FIN */
};

struct chunk {
	struct chunk *next;
	size_t len, off;
	unsigned char data[];
};

struct queue {
	struct chunk *head, *tail;
	size_t bytes;
};

struct side {
	const char *name; /* "client" or "upstream" */
	int fd;
	SSL *ssl;
	BIO *rbio, *wbio;  /* memory BIOs, owned by ssl */
	bool tls_up;       /* handshake done */
	bool eof;          /* FIN from this peer */
	bool shut;         /* our FIN to this peer */
	struct queue out;  /* raw bytes for this peer */
	struct queue pend; /* plaintext for this peer, before its handshake */
	unsigned char *in; /* bytes from this peer not yet framed */
	size_t inlen;
	unsigned long frames;
};

struct conn {
	enum state st;
	int id;
	const struct env *env;
	bool connecting; /* upstream connect() in progress */
	struct side cli, up;
	bool info_seen; /* the client's Client Info went by */
	bool lic_seen;  /* the server's first licensing PDU went by */
	bool da_seen;   /* the server's Demand Active went by */
	bool fm_seen;   /* the server's Font Map went by */
	bool stalled;   /* everything from the server is dropped */
	unsigned long dropped;
	int64_t deadline; /* ST_CLOSING */
	/* --nla */
	struct inj_credssp *cs;    /* the CredSSP server (NULL without --nla) */
	uint32_t requested;        /* the client's requestedProtocols */
	uint32_t selected;         /* what we selected */
	uint8_t neg_flags;         /* the client's RDP_NEG_REQ flags */
	char cookie[64];           /* the client's mstshash, for the upstream */
	bool cresp_seen;           /* the upstream's Connect-Response went by */
	unsigned long cli_records; /* TLS records written to the client */
	uint8_t secret[48];        /* server application traffic secret */
	size_t secret_len;         /* (credssp-alert: from the key log) */
	bool no_notify;            /* no close_notify to the client */
	/* the logon modes */
	char ci_user[256], ci_domain[256]; /* the client's Client Info */
	bool has_da_share_id;
	uint32_t da_share_id;     /* the Demand Active's shareId */
	struct inj_share_hdr hdr; /* the headers of the server's Font Map */
	uint16_t io_initiator, io_channel; /* its Send Data Indication */
	int64_t inject_at, close_at;       /* timers (0: none) */
};

static volatile sig_atomic_t stop_flag;

static int64_t
now_ms(void)
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
	char buf[32];
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof buf, "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld injector: ", buf, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
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

/* --- byte queues ---------------------------------------------------------- */

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
queue_push(struct queue *q, const void *p, size_t len)
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

static void
queue_pop(struct queue *q)
{
	struct chunk *c = q->head;

	q->head = c->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->bytes -= c->len - c->off;
	free(c);
}

static void
consume(unsigned char *buf, size_t *len, size_t n)
{
	memmove(buf, buf + n, *len - n);
	*len -= n;
}

/* --- ending ---------------------------------------------------------------- */

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
side_free(struct side *s, bool rst)
{
	if (rst)
		rst_close(s->fd);
	else if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	SSL_free(s->ssl); /* frees the BIOs */
	s->ssl = NULL;
	s->rbio = s->wbio = NULL;
	s->tls_up = false;
	queue_free(&s->out);
	queue_free(&s->pend);
	free(s->in);
	s->in = NULL;
	s->inlen = 0;
}

static void
conn_end(struct conn *c, bool rst_client, bool rst_up, const char *why)
{
	side_free(&c->cli, rst_client);
	side_free(&c->up, rst_up);
	if (c->cs != NULL) {
		inj_credssp_free(c->cs);
		free(c->cs);
		c->cs = NULL;
	}
	rdd_wipe(c->secret, sizeof c->secret);
	logmsg("conn %d: %s%s (frames: %lu from the client, %lu from the "
	       "upstream, %lu dropped)",
	       c->id, rst_client ? "RST to client: " : "", why, c->cli.frames,
	       c->up.frames, c->dropped);
	c->st = ST_FREE;
}

static void
log_ssl_error(struct conn *c, struct side *s, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof buf);
	else
		snprintf(buf, sizeof buf, "%s", strerror(errno));
	logmsg("conn %d: TLS with the %s: %s: %s", c->id, s->name, what, buf);
	ERR_clear_error();
}

/* Move what OpenSSL wrote (records, alerts) to the raw queue. */
static void
drain_wbio(struct side *s)
{
	unsigned char buf[CHUNK];
	int n;

	if (s->wbio == NULL)
		return;
	while ((n = BIO_read(s->wbio, buf, sizeof buf)) > 0)
		queue_push(&s->out, buf, (size_t)n);
}

/*
 * Close both sides: a TLS close_notify where TLS is up, then (once the
 * queues are out) a FIN; the connection ends when both peers have closed
 * too, or after DRAIN_MS.
 */
static void
begin_close(struct conn *c, const char *why)
{
	struct side *sides[2] = {&c->cli, &c->up};
	int i;

	if (c->st == ST_CLOSING || c->st == ST_FREE)
		return;
	logmsg("conn %d: %s; closing both sides", c->id, why);
	for (i = 0; i < 2; i++) {
		struct side *s = sides[i];

		queue_free(&s->pend);
		if (s == &c->cli && c->no_notify)
			continue; /* after a fatal alert: FIN only */
		if (s->ssl != NULL && s->tls_up && s->fd >= 0) {
			ERR_clear_error();
			(void)SSL_shutdown(s->ssl); /* queues close_notify */
			drain_wbio(s);
			ERR_clear_error();
		}
	}
	c->st = ST_CLOSING;
	c->deadline = now_ms() + DRAIN_MS;
}

/* --- TLS plaintext out ------------------------------------------------------ */

static bool
tls_write(struct conn *c, struct side *dst, const unsigned char *p, size_t n)
{
	int w;

	ERR_clear_error();
	w = SSL_write(dst->ssl, p, (int)n);
	drain_wbio(dst);
	if (dst == &c->cli) /* one record per 16 KiB (credssp-alert) */
		c->cli_records += (n + 16383) / 16384;
	if (w <= 0 || (size_t)w != n) {
		log_ssl_error(c, dst, "write failed");
		return false;
	}
	return true;
}

/* Plaintext for DST: written now, or kept until DST's handshake is done. */
static bool
send_plain(struct conn *c, struct side *dst, const unsigned char *p, size_t n)
{
	if (dst->fd < 0)
		return true; /* that peer is gone (stall: upstream closed) */
	if (!dst->tls_up || dst->pend.head != NULL) {
		queue_push(&dst->pend, p, n);
		return true;
	}
	return tls_write(c, dst, p, n);
}

static bool
flush_pend(struct conn *c, struct side *dst)
{
	while (dst->pend.head != NULL) {
		struct chunk *ch = dst->pend.head;

		if (!tls_write(c, dst, ch->data, ch->len))
			return false;
		queue_pop(&dst->pend);
	}
	return true;
}

/* Bytes waiting for S: backpressure stops reading its peer above QUEUE_MAX. */
static size_t
backlog(const struct side *s)
{
	return s->out.bytes + s->pend.bytes;
}

/* --- PDU parsing (bounds-checked, through struct rdd_cur) -------------------- */

/*
 * Length of the whole PDU at P (LEN bytes there): a TPKT (first byte 0x03,
 * length u16be in bytes 2-3) or a fast-path PDU (action bits 0; length in
 * byte 1, or 15 bits in bytes 1-2 when 0x80 is set). 0 if incomplete, -1
 * if malformed.
 */
static long
pdu_len(const unsigned char *p, size_t len)
{
	struct rdd_cur cur;
	uint8_t b0, b1, b2;
	uint16_t n;
	size_t hdr;

	rdd_cur_init(&cur, p, len);
	if (rdd_cur_u8(&cur, &b0) < 0)
		return 0;
	if (b0 == 0x03) {
		if (rdd_cur_skip(&cur, 1) < 0 || rdd_cur_u16be(&cur, &n) < 0)
			return 0;
		if (n < 4 + 3) /* TPKT and an X.224 header at least */
			return -1;
		return n <= len ? (long)n : 0;
	}
	if ((b0 & 0x03) != 0) /* neither TPKT nor FASTPATH_*_ACTION_FASTPATH */
		return -1;
	if (rdd_cur_u8(&cur, &b1) < 0)
		return 0;
	if (b1 & 0x80) {
		if (rdd_cur_u8(&cur, &b2) < 0)
			return 0;
		n = (uint16_t)((b1 & 0x7f) << 8 | b2);
		hdr = 3;
	} else {
		n = b1;
		hdr = 2;
	}
	if (n <= hdr)
		return -1;
	return n <= len ? (long)n : 0;
}

/* An MCS Send Data Request or Indication. */
struct sd {
	uint8_t choice;
	uint16_t initiator, channel;
	struct rdd_cur ud; /* userData */
};

/*
 * Read the TPKT P (N bytes, whole) as X.224 Data + MCS Send Data
 * Request/Indication ([MS-RDPBCGR] 2.2.1.5-9; T.125 ALIGNED PER: choice,
 * initiator u16be, channelId u16be, dataPriority/segmentation byte, PER
 * length of one or two bytes). 1 if it is one (SD filled), 0 if it is some
 * other PDU, -1 if malformed.
 */
static int
parse_sd(const unsigned char *p, size_t n, struct sd *sd)
{
	struct rdd_cur c;
	uint8_t li, code, b, prio, l1, l2;
	uint16_t len;

	rdd_cur_init(&c, p, n);
	if (rdd_cur_u8(&c, &b) < 0)
		return -1;
	if (b != 0x03)
		return 0; /* fast-path */
	if (rdd_cur_skip(&c, 3) < 0 || rdd_cur_u8(&c, &li) < 0 ||
	    rdd_cur_u8(&c, &code) < 0)
		return -1;
	if (code != 0xf0)
		return 0; /* not X.224 Data (a Disconnect Request, say) */
	if (li != 2 || rdd_cur_skip(&c, 1) < 0 || rdd_cur_u8(&c, &b) < 0)
		return -1;
	sd->choice = b >> 2;
	if (sd->choice != MCS_SDRQ && sd->choice != MCS_SDIN)
		return 0;
	if (rdd_cur_u16be(&c, &sd->initiator) < 0 ||
	    rdd_cur_u16be(&c, &sd->channel) < 0 || rdd_cur_u8(&c, &prio) < 0 ||
	    rdd_cur_u8(&c, &l1) < 0)
		return -1;
	if (l1 & 0x80) {
		if ((l1 & 0xc0) != 0x80 || rdd_cur_u8(&c, &l2) < 0)
			return -1; /* fragmented PER lengths are not RDP's */
		len = (uint16_t)((l1 & 0x3f) << 8 | l2);
	} else {
		len = l1;
	}
	if (rdd_cur_sub(&c, len, &sd->ud) < 0)
		return -1;
	return 1;
}

/* The u16le security flags at the start of user data, or -1. */
static long
sec_flags(const struct rdd_cur *ud)
{
	struct rdd_cur c = *ud;
	uint16_t f;

	return rdd_cur_u16le(&c, &f) < 0 ? -1 : (long)f;
}

/*
 * Is UD a licensing PDU: basic security header with SEC_LICENSE_PKT, then
 * a LICENSE_PREAMBLE whose bMsgType is known and whose wMsgSize (preamble
 * included) fits ([MS-RDPBCGR] 2.2.1.12.1.1)? The preamble check keeps a
 * share control header whose totalLength happens to have bit 0x80 set
 * from being taken for one. *TYPE gets bMsgType.
 */
static bool
is_license(const struct rdd_cur *ud, uint8_t *type)
{
	struct rdd_cur c = *ud;
	uint16_t flags, hi, size;
	uint8_t t, ver;

	if (rdd_cur_u16le(&c, &flags) < 0 || rdd_cur_u16le(&c, &hi) < 0 ||
	    rdd_cur_u8(&c, &t) < 0 || rdd_cur_u8(&c, &ver) < 0 ||
	    rdd_cur_u16le(&c, &size) < 0)
		return false;
	if (!(flags & SEC_LICENSE_PKT))
		return false;
	if (t != 0x01 && t != 0x02 && t != 0x03 && t != 0x04 && t != 0xff)
		return false;
	if (size < 4 || (size_t)size - 4 > rdd_cur_left(&c))
		return false;
	if (type != NULL)
		*type = t;
	return true;
}

/* The share control pduType's type (low 4 bits) of UD, or -1. */
static int
share_type(const struct rdd_cur *ud)
{
	struct rdd_cur c = *ud;
	uint16_t total, type;

	if (rdd_cur_u16le(&c, &total) < 0 || rdd_cur_u16le(&c, &type) < 0)
		return -1;
	if (total < 4 || total > rdd_cur_left(ud))
		return -1;
	return type & 0x0f;
}

/*
 * The pduType2 of the data PDU UD (share control header 6 bytes, then
 * shareId 4, pad1 1, streamId 1, uncompressedLength 2, pduType2), or -1.
 */
static int
data_type2(const struct rdd_cur *ud)
{
	struct rdd_cur c = *ud;
	uint8_t t2;

	if (share_type(ud) != PDUTYPE_DATA || rdd_cur_skip(&c, 14) < 0 ||
	    rdd_cur_u8(&c, &t2) < 0)
		return -1;
	return t2;
}

static const char *
license_msg_name(uint8_t t)
{
	switch (t) {
	case 0x01:
		return "LICENSE_REQUEST";
	case 0x02:
		return "PLATFORM_CHALLENGE";
	case 0x03:
		return "NEW_LICENSE";
	case 0x04:
		return "UPGRADE_LICENSE";
	case 0xff:
		return "ERROR_ALERT";
	default:
		return "?";
	}
}

/* --- PDU building (through struct rdd_buf) ------------------------------------ */

/*
 * Send UD (LEN bytes) to the client as an MCS Send Data Indication from
 * INITIATOR on CHANNEL: TPKT, X.224 Data (02 F0 80), 68, initiator u16be,
 * channelId u16be, 70 (high priority, begin|end), PER length.
 */
static bool
send_sdin(struct conn *c, uint16_t initiator, uint16_t channel,
          const uint8_t *ud, size_t len)
{
	uint8_t storage[2048];
	struct rdd_buf b;

	rdd_buf_init(&b, storage, sizeof storage);
	rdd_buf_u8(&b, 0x03);
	rdd_buf_u8(&b, 0x00);
	rdd_buf_u16be(&b, 0); /* length, below */
	rdd_buf_u8(&b, 0x02);
	rdd_buf_u8(&b, 0xf0);
	rdd_buf_u8(&b, 0x80);
	rdd_buf_u8(&b, MCS_SDIN << 2);
	rdd_buf_u16be(&b, initiator);
	rdd_buf_u16be(&b, channel);
	rdd_buf_u8(&b, 0x70);
	if (len < 0x80)
		rdd_buf_u8(&b, (uint8_t)len);
	else
		rdd_buf_u16be(&b, (uint16_t)(0x8000 | len));
	rdd_buf_bytes(&b, ud, len);
	if (b.err)
		return false;
	rdd_buf_put_u16be_at(&b, 2, (uint16_t)b.len);
	return send_plain(c, &c->cli, b.p, b.len);
}

/*
 * Licensing ERROR_ALERT ([MS-RDPBCGR] 2.2.1.12.1.3): basic security header
 * SEC_LICENSE_PKT (flagsHi 0), preamble bMsgType 0xFF, flags 0x03
 * (PREAMBLE_VERSION_3_0), wMsgSize 16; dwErrorCode, dwStateTransition, an
 * empty BB_ERROR_BLOB (type 0x0004, length 0).
 */
static bool
send_license_error(struct conn *c, const struct sd *sd)
{
	const struct opts *o = &c->env->opt;
	uint8_t storage[32];
	struct rdd_buf b;

	rdd_buf_init(&b, storage, sizeof storage);
	rdd_buf_u16le(&b, SEC_LICENSE_PKT);
	rdd_buf_u16le(&b, 0);
	rdd_buf_u8(&b, 0xff);
	rdd_buf_u8(&b, 0x03);
	rdd_buf_u16le(&b, 16);
	rdd_buf_u32le(&b, o->error_code);
	rdd_buf_u32le(&b, o->transition);
	rdd_buf_u16le(&b, 0x0004);
	rdd_buf_u16le(&b, 0);
	if (b.err || !send_sdin(c, sd->initiator, sd->channel, b.p, b.len))
		return false;
	logmsg("conn %d: sent licensing ERROR_ALERT dwErrorCode 0x%x "
	       "dwStateTransition %u (channel %u, initiator %u)",
	       c->id, (unsigned)o->error_code, (unsigned)o->transition,
	       sd->channel, sd->initiator);
	return true;
}

/*
 * Set Error Info PDU ([MS-RDPBCGR] 2.2.5.1, 2.2.5.1.1), no security header
 * (TLS): share control header totalLength 22, pduType 0x17 (DATAPDU |
 * TS_PROTOCOL_VERSION), pduSource 0 (2.2.5.1.1: "MUST be set to zero");
 * share data header shareId 0x000103EA, pad1 0, streamId 1 (STREAM_LOW),
 * uncompressedLength 8 (counted from pduType2, as in the [MS-RDPBCGR] 4.1
 * examples: 4 + the 4-byte payload), pduType2 0x2F, compressedType 0,
 * compressedLength 0; errorInfo u32le.
 */
static bool
send_error_info(struct conn *c, const struct sd *sd)
{
	const struct opts *o = &c->env->opt;
	uint8_t storage[32];
	struct rdd_buf b;

	rdd_buf_init(&b, storage, sizeof storage);
	rdd_buf_u16le(&b, 22);
	rdd_buf_u16le(&b, 0x0017);
	rdd_buf_u16le(&b, 0);
	rdd_buf_u32le(&b, 0x000103ea);
	rdd_buf_u8(&b, 0);
	rdd_buf_u8(&b, 1);
	rdd_buf_u16le(&b, 8);
	rdd_buf_u8(&b, 0x2f);
	rdd_buf_u8(&b, 0);
	rdd_buf_u16le(&b, 0);
	rdd_buf_u32le(&b, o->code);
	if (b.err || !send_sdin(c, sd->initiator, sd->channel, b.p, b.len))
		return false;
	logmsg("conn %d: sent Set Error Info errorInfo 0x%08x (channel %u, "
	       "initiator %u)",
	       c->id, (unsigned)o->code, sd->channel, sd->initiator);
	return true;
}

/* MCS Disconnect Provider Ultimatum: choice 8, 3-bit reason (T.125). */
static bool
send_dpum(struct conn *c)
{
	unsigned r = c->env->opt.dpum_reason;
	uint8_t pdu[9] = {0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0, 0};

	pdu[7] = (uint8_t)(0x20 | r >> 1);
	pdu[8] = (uint8_t)((r & 1) << 7);
	if (!send_plain(c, &c->cli, pdu, sizeof pdu))
		return false;
	logmsg("conn %d: sent Disconnect Provider Ultimatum reason %u (%02x "
	       "%02x)",
	       c->id, r, pdu[7], pdu[8]);
	return true;
}

/* After an injected refusal: DPUM unless --no-dpum, then close. */
static void
refuse_and_close(struct conn *c, bool ok, const char *what)
{
	if (ok && !c->env->opt.no_dpum)
		ok = send_dpum(c);
	if (!ok) {
		conn_end(c, false, false, "could not send the injected PDUs");
		return;
	}
	begin_close(c, what);
}

/* --- the logon modes -------------------------------------------------------------- */

static bool
is_logon_mode(enum mode m)
{
	return m == M_LOGON_INFO || m == M_LOGON_INFO_DELAY ||
	       m == M_LOGON_ERROR;
}

/* The first 32 bytes at P (N) in hex, one line: the Font Map's share
 * headers (what the injected PDU copies) and the injected PDU. */
static void
log_hex(const struct conn *c, const char *what, const uint8_t *p, size_t n)
{
	struct rdd_cur u;
	char hex[3 * 32 + 1];
	size_t i;
	uint8_t v;

	rdd_cur_init(&u, p, n);
	if (n > 32)
		n = 32;
	for (i = 0; i < n && rdd_cur_u8(&u, &v) == 0; i++)
		snprintf(hex + 3 * i, 4, "%02x ", v);
	hex[i > 0 ? 3 * i - 1 : 0] = '\0';
	logmsg("conn %d: %s: %s%s", c->id, what, hex,
	       rdd_cur_left(&u) > 0 ? " ..." : "");
}

/* The user and domain of the client's Client Info, for the logon info;
 * the password is skipped unread. */
static void
note_client_info(struct conn *c, const struct sd *sd)
{
	uint32_t flags = 0;
	bool pw = false;

	if (inj_client_info_names(sd->ud.p, rdd_cur_left(&sd->ud), c->ci_domain,
	                          sizeof c->ci_domain, c->ci_user,
	                          sizeof c->ci_user, &flags, &pw) != 0) {
		logmsg("conn %d: Client Info unreadable (encrypted?); no names "
		       "from it",
		       c->id);
		c->ci_domain[0] = c->ci_user[0] = '\0';
		return;
	}
	logmsg("conn %d: Client Info: user '%s' domain '%s', flags 0x%08x%s, "
	       "%s",
	       c->id, c->ci_user, c->ci_domain, (unsigned)flags,
	       (flags & 0x8) ? " (INFO_AUTOLOGON)" : "",
	       pw ? "a password (not logged)" : "no password");
}

/* The names the logon info carries: the options', else the Client
 * Info's, else (an empty user there) the NLA logon's. */
static void
logon_names(const struct conn *c, const char **user, const char **domain)
{
	const struct opts *o = &c->env->opt;

	*user = c->ci_user;
	*domain = c->ci_domain;
	if (c->ci_user[0] == '\0' && c->cs != NULL) {
		*user = c->cs->ntlm.user;
		*domain = c->cs->ntlm.domain;
	}
	if (o->logon_user != NULL)
		*user = o->logon_user;
	if (o->logon_domain != NULL)
		*domain = o->logon_domain;
}

/*
 * The Save Session Info PDU of the mode ([MS-RDPBCGR] 2.2.10.1), on the
 * Font Map's channel from its initiator, with the Font Map's share
 * headers (shareId, pduSource, streamId, uncompressedLength counted as
 * xrdp counts it), no security header (TLS). False if it could not be
 * sent.
 */
static bool
send_save_session_info(struct conn *c)
{
	const struct opts *o = &c->env->opt;
	struct inj_logon_info li;
	uint8_t pay[1200], pdu[1300];
	struct rdd_buf p, b;
	char what[200];

	rdd_buf_init(&p, pay, sizeof pay);
	if (o->mode == M_LOGON_ERROR) {
		if (inj_build_logon_error(&p, o->error_type, o->error_data) !=
		    0)
			return false;
		snprintf(what, sizeof what,
		         "LOGON_EX_LOGONERRORS ErrorNotificationType 0x%08X "
		         "%s, ErrorNotificationData 0x%08X %s",
		         (unsigned)o->error_type,
		         inj_logon_msg_name(o->error_type),
		         (unsigned)o->error_data,
		         inj_logon_data_name(o->error_data));
	} else {
		li.info_type = o->info_type;
		li.session_id = o->session_id;
		logon_names(c, &li.user, &li.domain);
		if (inj_build_logon_info(&p, &li) != 0) {
			logmsg("conn %d: user '%s' or domain '%s' does not fit "
			       "TS_LOGON_INFO; empty names sent",
			       c->id, li.user, li.domain);
			li.user = li.domain = NULL;
			rdd_buf_init(&p, pay, sizeof pay);
			if (inj_build_logon_info(&p, &li) != 0)
				return false;
		}
		if (li.info_type == INJ_INFOTYPE_LOGON_PLAINNOTIFY)
			snprintf(what, sizeof what, "576 bytes of Pad");
		else
			snprintf(what, sizeof what,
			         "SessionId %u, user '%s' domain '%s'",
			         (unsigned)li.session_id,
			         li.user != NULL ? li.user : "",
			         li.domain != NULL ? li.domain : "");
	}
	rdd_buf_init(&b, pdu, sizeof pdu);
	if (inj_build_share_data(&b, &c->hdr, PDUTYPE2_SAVE_SESSION_INFO, p.p,
	                         p.len) != 0 ||
	    !send_sdin(c, c->io_initiator, c->io_channel, b.p, b.len))
		return false;
	logmsg("conn %d: sent Save Session Info %s (%u): %s; %zu bytes of "
	       "share data (shareId 0x%08x, pduSource %u, streamId %u, "
	       "uncompressedLength %ld, compressedLength %ld), channel %u, "
	       "initiator %u",
	       c->id,
	       inj_info_type_name(o->mode == M_LOGON_ERROR
	                              ? INJ_INFOTYPE_LOGON_EXTENDED_INFO
	                              : o->info_type),
	       (unsigned)(o->mode == M_LOGON_ERROR
	                      ? INJ_INFOTYPE_LOGON_EXTENDED_INFO
	                      : o->info_type),
	       what, b.len, (unsigned)c->hdr.share_id, c->hdr.pdu_source,
	       c->hdr.stream_id, (long)p.len + c->hdr.ulen_extra,
	       c->hdr.clen_zero ? 0L : (long)p.len + c->hdr.clen_extra,
	       c->io_channel, c->io_initiator);
	log_hex(c, "its share data", b.p, b.len);
	return true;
}

/* Now: the notification, then (logon-error --then-close) the close in
 * 200 ms. */
static void
inject_logon(struct conn *c)
{
	if (!send_save_session_info(c)) {
		conn_end(c, false, false, "could not send Save Session Info");
		return;
	}
	if (c->env->opt.mode == M_LOGON_ERROR && c->env->opt.then_close)
		c->close_at = now_ms() + 200;
}

/* The server's Font Map (SD, its user data) was relayed: take its
 * headers, then send now or arm the timer. */
static void
at_font_map_logon(struct conn *c, const struct sd *sd)
{
	const struct opts *o = &c->env->opt;
	long delay = o->delay_ms >= 0
	                 ? o->delay_ms
	                 : (o->mode == M_LOGON_INFO_DELAY ? 3000 : 0);

	if (inj_share_hdr_of(sd->ud.p, rdd_cur_left(&sd->ud), &c->hdr) != 0) {
		begin_close(c, "the Font Map's share headers are unreadable");
		return;
	}
	if (c->has_da_share_id && c->da_share_id != c->hdr.share_id)
		logmsg("conn %d: the Font Map's shareId 0x%08x is not the "
		       "Demand Active's 0x%08x; the Demand Active's is used",
		       c->id, (unsigned)c->hdr.share_id,
		       (unsigned)c->da_share_id);
	if (c->has_da_share_id)
		c->hdr.share_id = c->da_share_id;
	c->io_initiator = sd->initiator;
	c->io_channel = sd->channel;
	if (delay == 0) {
		inject_logon(c);
		return;
	}
	logmsg("conn %d: Save Session Info in %ld ms", c->id, delay);
	c->inject_at = now_ms() + delay;
}

/* The Demand Active's shareId (after the share control header). */
static void
note_share_id(struct conn *c, const struct sd *sd)
{
	struct rdd_cur u = sd->ud;
	uint8_t hdr[6];

	c->has_da_share_id = rdd_cur_copy(&u, hdr, sizeof hdr) == 0 &&
	                     rdd_cur_u32le(&u, &c->da_share_id) == 0;
}

/* The logon modes' timers; before every after_io. */
static void
run_timers(struct conn *c)
{
	int64_t t = now_ms();

	if (c->st != ST_TLS) {
		c->inject_at = c->close_at = 0;
		return;
	}
	if (c->inject_at != 0 && t >= c->inject_at) {
		c->inject_at = 0;
		inject_logon(c);
		if (c->st != ST_TLS)
			return;
	}
	if (c->close_at != 0 && t >= c->close_at) {
		c->close_at = 0;
		refuse_and_close(c, true, "logon error, then close");
	}
}

/* --- the relay ------------------------------------------------------------------ */

static void
on_client_pdu(struct conn *c, const unsigned char *p, size_t n)
{
	struct sd sd;
	int k = parse_sd(p, n, &sd);

	if (k < 0) {
		begin_close(c, "malformed PDU from the client");
		return;
	}
	if (k == 1 && !c->info_seen && sd.choice == MCS_SDRQ &&
	    sec_flags(&sd.ud) >= 0 && (sec_flags(&sd.ud) & SEC_INFO_PKT)) {
		c->info_seen = true;
		logmsg("conn %d: client's Client Info (%zu bytes, channel %u) "
		       "relayed",
		       c->id, n, sd.channel);
		if (is_logon_mode(c->env->opt.mode))
			note_client_info(c, &sd);
	}
	if (!send_plain(c, &c->up, p, n))
		conn_end(c, false, false, "write to the upstream failed");
}

/* The server's first licensing PDU (SD): act by mode. True if replaced. */
static bool
at_first_license(struct conn *c, const struct sd *sd)
{
	const struct opts *o = &c->env->opt;
	bool ok;

	switch (o->mode) {
	case M_LICENSE_ERROR:
		logmsg("conn %d: upstream's licensing PDU dropped, replaced",
		       c->id);
		refuse_and_close(c, send_license_error(c, sd),
		                 "licensing ERROR_ALERT injected");
		return true;
	case M_ERROR_INFO:
		logmsg("conn %d: upstream's licensing PDU dropped, replaced",
		       c->id);
		ok = send_error_info(c, sd);
		if (ok && o->with_alert)
			ok = send_license_error(c, sd);
		refuse_and_close(c, ok, "Set Error Info injected");
		return true;
	case M_CLOSE:
		begin_close(c, "upstream's licensing PDU dropped, no word to "
		               "the client");
		return true;
	default:
		return false;
	}
}

/*
 * If P (N bytes, one TPKT) is the MCS Connect-Response (X.224 Data, then
 * the BER tag 7F 66 of T.125 Connect-Response), set SC_CORE's
 * clientRequestedProtocols ([MS-RDPBCGR] 2.2.1.4.2: offset 8 of the
 * block) to REQ: the server data blocks follow the H.221 key "McDn" of
 * the GCC Conference Create Response and its PER length. 1 if it was
 * set (*OLD gets the value xrdp sent), 0 if P is not a Connect-Response or
 * has no such field, -1 if its blocks are malformed.
 */
static int
set_client_requested(unsigned char *p, size_t n, uint32_t req, uint32_t *old)
{
	static const uint8_t key[4] = {'M', 'c', 'D', 'n'};
	struct rdd_cur c, blocks, at;
	uint8_t b, l1, l2;
	uint16_t type, len;
	size_t off, hit = 0, pos;
	bool found = false;

	rdd_cur_init(&c, p, n);
	if (rdd_cur_skip(&c, 5) != 0 || rdd_cur_u8(&c, &b) != 0 || b != 0xf0 ||
	    rdd_cur_skip(&c, 1) != 0 || rdd_cur_u8(&c, &b) != 0 || b != 0x7f ||
	    rdd_cur_u8(&c, &b) != 0 || b != 0x66)
		return 0;
	for (off = 0; n >= 4 && off <= n - 4; off++)
		if (memcmp(p + off, key, 4) == 0) {
			hit = off + 4;
			found = true;
			break;
		}
	if (!found)
		return 0;
	rdd_cur_init(&c, p + hit, n - hit);
	if (rdd_cur_u8(&c, &l1) != 0)
		return -1;
	len = l1;
	if (l1 & 0x80) {
		if (rdd_cur_u8(&c, &l2) != 0)
			return -1;
		len = (uint16_t)((l1 & 0x3f) << 8 | l2);
	}
	if (rdd_cur_sub(&c, len, &blocks) != 0)
		return -1;
	while (rdd_cur_left(&blocks) > 0) {
		pos = (size_t)(blocks.p - p);
		if (rdd_cur_u16le(&blocks, &type) != 0 ||
		    rdd_cur_u16le(&blocks, &len) != 0 || len < 4 ||
		    rdd_cur_sub(&blocks, (size_t)len - 4, &at) != 0)
			return -1;
		if (type != 0x0c01) /* SC_CORE */
			continue;
		if (len < 12 || rdd_cur_skip(&at, 4) != 0 ||
		    rdd_cur_u32le(&at, old) != 0)
			return 0;
		pos += 8;
		p[pos] = (uint8_t)req;
		p[pos + 1] = (uint8_t)(req >> 8);
		p[pos + 2] = (uint8_t)(req >> 16);
		p[pos + 3] = (uint8_t)(req >> 24);
		return 1;
	}
	return 0;
}

static void
on_server_pdu(struct conn *c, unsigned char *p, size_t n)
{
	const struct opts *o = &c->env->opt;
	struct sd sd;
	uint32_t old = 0;
	uint8_t type;
	int k;

	if (c->stalled) {
		c->dropped++;
		return;
	}
	if (c->cs != NULL && !c->cresp_seen) {
		k = set_client_requested(p, n, c->requested, &old);
		if (k != 0) {
			c->cresp_seen = true;
			if (k > 0)
				logmsg(
				    "conn %d: upstream's MCS Connect-Response: "
				    "SC_CORE clientRequestedProtocols 0x%x "
				    "set to the client's 0x%x",
				    c->id, (unsigned)old,
				    (unsigned)c->requested);
			else
				logmsg(
				    "conn %d: upstream's MCS Connect-Response: "
				    "server data blocks malformed, relayed "
				    "as they are",
				    c->id);
		}
	}
	k = parse_sd(p, n, &sd);
	if (k < 0) {
		begin_close(c, "malformed PDU from the upstream");
		return;
	}
	if (k == 1 && sd.choice == MCS_SDIN && c->info_seen) {
		if (!c->lic_seen && is_license(&sd.ud, &type)) {
			c->lic_seen = true;
			logmsg("conn %d: upstream's first licensing PDU: %s "
			       "(0x%02x), %zu bytes, channel %u, initiator %u",
			       c->id, license_msg_name(type), type, n,
			       sd.channel, sd.initiator);
			if (at_first_license(c, &sd))
				return;
		} else if (c->lic_seen && !c->da_seen &&
		           !is_license(&sd.ud, NULL) &&
		           share_type(&sd.ud) == PDUTYPE_DEMANDACTIVE) {
			c->da_seen = true;
			if (o->mode == M_STALL_ACTIVATION) {
				logmsg("conn %d: upstream's Demand Active (%zu "
				       "bytes) dropped; from now on everything "
				       "the upstream sends is dropped, the "
				       "client is held",
				       c->id, n);
				c->stalled = true;
				c->dropped++;
				return;
			}
			note_share_id(c, &sd);
			logmsg("conn %d: upstream's Demand Active (%zu bytes, "
			       "shareId 0x%08x) relayed",
			       c->id, n, (unsigned)c->da_share_id);
			if (o->mode == M_AFTER_DA_ERROR_INFO) {
				if (!send_plain(c, &c->cli, p, n)) {
					conn_end(c, false, false,
					         "write to the client failed");
					return;
				}
				refuse_and_close(
				    c, send_error_info(c, &sd),
				    "Set Error Info injected after "
				    "Demand Active");
				return;
			}
		} else if (c->da_seen && !c->fm_seen &&
		           data_type2(&sd.ud) == PDUTYPE2_FONTMAP) {
			c->fm_seen = true;
			logmsg(
			    "conn %d: upstream's Font Map relayed (activation "
			    "complete)",
			    c->id);
			if (o->mode == M_AFTER_ACTIVATION_ERROR_INFO) {
				if (!send_plain(c, &c->cli, p, n)) {
					conn_end(c, false, false,
					         "write to the client failed");
					return;
				}
				refuse_and_close(
				    c, send_error_info(c, &sd),
				    "Set Error Info injected after "
				    "activation");
				return;
			}
			if (is_logon_mode(o->mode)) {
				log_hex(c, "the Font Map's user data", sd.ud.p,
				        rdd_cur_left(&sd.ud));
				if (!send_plain(c, &c->cli, p, n)) {
					conn_end(c, false, false,
					         "write to the client failed");
					return;
				}
				at_font_map_logon(c, &sd);
				return;
			}
		}
	}
	if (!send_plain(c, &c->cli, p, n))
		conn_end(c, false, false, "write to the client failed");
}

/* Frame and handle the plaintext S has sent. */
static void
frame(struct conn *c, struct side *s)
{
	size_t off = 0;
	long n;

	while (c->st == ST_TLS && s->in != NULL &&
	       (n = pdu_len(s->in + off, s->inlen - off)) != 0) {
		if (n < 0) {
			logmsg("conn %d: %s sent a malformed PDU header "
			       "(first byte 0x%02x)",
			       c->id, s->name, s->in[off]);
			begin_close(c, "malformed input");
			return;
		}
		s->frames++;
		if (s == &c->cli)
			on_client_pdu(c, s->in + off, (size_t)n);
		else
			on_server_pdu(c, s->in + off, (size_t)n);
		off += (size_t)n;
	}
	if (c->st == ST_TLS && s->in != NULL)
		consume(s->in, &s->inlen, off);
}

static struct side *
other(struct conn *c, struct side *s)
{
	return s == &c->cli ? &c->up : &c->cli;
}

/* A peer left while everything from the upstream is dropped. */
static void
stalled_eof(struct conn *c, struct side *s)
{
	if (s == &c->up) {
		logmsg("conn %d: upstream closed; the client is still held",
		       c->id);
		side_free(&c->up, false);
		return;
	}
	begin_close(c, "client closed while held");
}

/* Run S's TLS: the handshake, then read, frame and relay. */
static void
pump(struct conn *c, struct side *s)
{
	int r, e;

	if (c->st != ST_TLS || s->ssl == NULL)
		return;
	if (!s->tls_up) {
		ERR_clear_error();
		r = SSL_do_handshake(s->ssl);
		drain_wbio(s);
		if (r != 1) {
			e = SSL_get_error(s->ssl, r);
			if (e == SSL_ERROR_WANT_READ ||
			    e == SSL_ERROR_WANT_WRITE) {
				if (s->eof)
					conn_end(c, false, false,
					         "peer closed during the TLS "
					         "handshake");
				return;
			}
			log_ssl_error(c, s, "handshake failed");
			conn_end(c, false, false, "TLS handshake failed");
			return;
		}
		s->tls_up = true;
		logmsg("conn %d: TLS with the %s up: %s %s", c->id, s->name,
		       SSL_get_version(s->ssl), SSL_get_cipher_name(s->ssl));
		if (!flush_pend(c, s)) {
			conn_end(c, false, false, "TLS write failed");
			return;
		}
	}
	while (c->st == ST_TLS && s->ssl != NULL &&
	       backlog(other(c, s)) < QUEUE_MAX) {
		if (s->inlen >= PLAIN_MAX) { /* cannot be: a PDU fits */
			begin_close(c, "PDU longer than the buffer");
			return;
		}
		ERR_clear_error();
		r = SSL_read(s->ssl, s->in + s->inlen,
		             (int)(PLAIN_MAX - s->inlen));
		drain_wbio(s); /* key updates, alerts */
		if (r <= 0) {
			e = SSL_get_error(s->ssl, r);
			if (e == SSL_ERROR_WANT_READ) {
				if (s->eof) {
					if (c->stalled)
						stalled_eof(c, s);
					else
						begin_close(
						    c, s == &c->cli
						           ? "client closed"
						           : "upstream "
						             "closed");
				}
				return;
			}
			if (e == SSL_ERROR_ZERO_RETURN) {
				logmsg("conn %d: close_notify from the %s",
				       c->id, s->name);
				if (c->stalled)
					stalled_eof(c, s);
				else
					begin_close(c, s == &c->cli
					                   ? "client closed"
					                   : "upstream closed");
				return;
			}
			log_ssl_error(c, s, "read failed");
			begin_close(c, "TLS error");
			return;
		}
		s->inlen += (size_t)r;
		frame(c, s);
	}
}

/* --- the NLA front (--nla) ------------------------------------------------------ */

#define PROTOCOL_SSL 0x1
#define PROTOCOL_HYBRID 0x2
#define PROTOCOL_HYBRID_EX 0x8
#define EXTENDED_CLIENT_DATA_SUPPORTED 0x01 /* what xrdp's CC says */
#define CORRELATION_INFO_PRESENT 0x08
#define AD_ACCESS_DENIED 49 /* RFC 8446 6.2 */

/*
 * The key log gives the server's application traffic secret: the one
 * thing needed to write a TLS 1.3 alert record OpenSSL will not send.
 * Only set up for credssp-alert; the secret stays in the connection.
 */
static void
keylog_cb(const SSL *ssl, const char *line)
{
	static const char label[] = "SERVER_TRAFFIC_SECRET_0 ";
	struct conn *c = SSL_get_app_data(ssl);
	const char *p;
	size_t n = 0;
	unsigned v;

	if (c == NULL || strncmp(line, label, sizeof label - 1) != 0)
		return;
	p = strchr(line + sizeof label - 1, ' '); /* after the client random */
	if (p == NULL)
		return;
	for (p++; n < sizeof c->secret && sscanf(p, "%2x", &v) == 1; p += 2)
		c->secret[n++] = (uint8_t)v;
	c->secret_len = n;
}

/* HKDF-Expand-Label(SECRET, LABEL, "", LEN) for LEN <= the hash length
 * (RFC 8446 7.1): one HMAC block over HkdfLabel + 0x01. */
static int
hkdf_expand_label(const EVP_MD *md, const uint8_t *secret, size_t slen,
                  const char *label, uint8_t *out, size_t len)
{
	uint8_t info[64], mac[EVP_MAX_MD_SIZE];
	unsigned int mlen = 0;
	size_t ll = strlen(label), i = 0;

	if (ll > 32 || len > (size_t)EVP_MD_get_size(md))
		return -1;
	info[i++] = (uint8_t)(len >> 8);
	info[i++] = (uint8_t)len;
	info[i++] = (uint8_t)(6 + ll);
	memcpy(info + i, "tls13 ", 6);
	i += 6;
	memcpy(info + i, label, ll);
	i += ll;
	info[i++] = 0; /* empty context */
	info[i++] = 1; /* T(1) */
	if (HMAC(md, secret, (int)slen, info, i, mac, &mlen) == NULL)
		return -1;
	memcpy(out, mac, len);
	return 0;
}

/*
 * Queue a TLS 1.3 fatal alert DESC to the client, encrypted as OpenSSL
 * would have (RFC 8446 5.2): TLSInnerPlaintext 02 DESC 15, AAD 17 03 03
 * 00 13, nonce = iv XOR the record sequence number (the records written
 * since the handshake; no session tickets are sent with --nla). False if
 * that cannot be done (not TLS 1.3, an unknown suite, no secret).
 */
static bool
tls13_alert(struct conn *c, uint8_t desc)
{
	const SSL_CIPHER *ciph = SSL_get_current_cipher(c->cli.ssl);
	const EVP_MD *md;
	const EVP_CIPHER *aead;
	EVP_CIPHER_CTX *ctx;
	uint8_t key[32], iv[12], rec[5 + 3 + 16], inner[3] = {2, desc, 21};
	size_t klen;
	int outl, i, ok = 0;

	if (ciph == NULL || SSL_version(c->cli.ssl) != TLS1_3_VERSION)
		return false;
	switch (SSL_CIPHER_get_id(ciph) & 0xffff) {
	case 0x1301:
		md = EVP_sha256();
		aead = EVP_aes_128_gcm();
		klen = 16;
		break;
	case 0x1302:
		md = EVP_sha384();
		aead = EVP_aes_256_gcm();
		klen = 32;
		break;
	case 0x1303:
		md = EVP_sha256();
		aead = EVP_chacha20_poly1305();
		klen = 32;
		break;
	default:
		return false;
	}
	if (c->secret_len != (size_t)EVP_MD_get_size(md) ||
	    hkdf_expand_label(md, c->secret, c->secret_len, "key", key, klen) !=
	        0 ||
	    hkdf_expand_label(md, c->secret, c->secret_len, "iv", iv, 12) != 0)
		return false;
	for (i = 0; i < 8; i++)
		iv[11 - i] ^= (uint8_t)(c->cli_records >> (8 * i));
	rec[0] = 23; /* application_data, as every TLS 1.3 record */
	rec[1] = 3;
	rec[2] = 3;
	rec[3] = 0;
	rec[4] = sizeof rec - 5;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx != NULL && EVP_EncryptInit_ex(ctx, aead, NULL, key, iv) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &outl, rec, 5) == 1 &&
	    EVP_EncryptUpdate(ctx, rec + 5, &outl, inner, 3) == 1 &&
	    outl == 3 && EVP_EncryptFinal_ex(ctx, rec + 8, &outl) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, rec + 8) == 1)
		ok = 1;
	EVP_CIPHER_CTX_free(ctx);
	rdd_wipe(key, sizeof key);
	if (!ok)
		return false;
	queue_push(&c->cli.out, rec, sizeof rec);
	return true;
}

/* An X.224 Connection Confirm with RDP_NEG_RSP or RDP_NEG_FAILURE
 * ([MS-RDPBCGR] 2.2.1.2): TPKT, LI 14, CC, dst-ref 0, src-ref 0x1234 (as
 * xrdp), class 0, then type, flags, length 8, the value. */
static void
nla_send_cc(struct conn *c, uint8_t type, uint8_t flags, uint32_t value)
{
	uint8_t storage[19];
	struct rdd_buf b;

	rdd_buf_init(&b, storage, sizeof storage);
	rdd_buf_u8(&b, 0x03);
	rdd_buf_u8(&b, 0x00);
	rdd_buf_u16be(&b, sizeof storage);
	rdd_buf_u8(&b, 0x0e);
	rdd_buf_u8(&b, RDD_X224_TPDU_CC);
	rdd_buf_u16be(&b, 0);
	rdd_buf_u16be(&b, 0x1234);
	rdd_buf_u8(&b, 0);
	rdd_buf_u8(&b, type);
	rdd_buf_u8(&b, flags);
	rdd_buf_u16le(&b, 8);
	rdd_buf_u32le(&b, value);
	if (!b.err)
		queue_push(&c->cli.out, b.p, b.len);
}

/* Our CR to the upstream: the client's cookie and flags, asking SSL. */
static void
nla_send_up_cr(struct conn *c)
{
	uint8_t storage[128];
	struct rdd_buf b;
	struct rdd_x224_cr cr;

	memset(&cr, 0, sizeof cr);
	cr.cookie = c->cookie[0] != '\0' ? c->cookie : NULL;
	cr.neg_req = true;
	cr.neg_flags = (uint8_t)(c->neg_flags & ~CORRELATION_INFO_PRESENT);
	cr.requested_protocols = PROTOCOL_SSL;
	rdd_buf_init(&b, storage, sizeof storage);
	if (rdd_x224_build_cr(&b, &cr) != 0) {
		cr.cookie = NULL; /* a cookie the builder refuses */
		rdd_buf_init(&b, storage, sizeof storage);
		if (rdd_x224_build_cr(&b, &cr) != 0) {
			begin_close(c, "cannot build the upstream's CR");
			return;
		}
	}
	queue_push(&c->up.out, b.p, b.len);
	logmsg("conn %d: upstream connected; CR sent (%zu bytes, SSL)", c->id,
	       b.len);
	c->st = ST_CC;
}

/* Open the upstream connection (non-blocking). False if it failed. */
static bool
start_upstream(struct conn *c)
{
	const struct opts *o = &c->env->opt;
	int ufd, one = 1;

	ufd = socket(o->upstream.ss_family, SOCK_STREAM, 0);
	if (ufd < 0 || set_nonblock(ufd) < 0) {
		if (ufd >= 0)
			close(ufd);
		conn_end(c, true, false, "upstream socket failed");
		return false;
	}
	setsockopt(ufd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->up.fd = ufd;
	if (connect(ufd, (const struct sockaddr *)&o->upstream,
	            o->upstream_len) == 0)
		return true;
	if (errno == EINPROGRESS) {
		c->connecting = true;
		return true;
	}
	logmsg("conn %d: upstream %s: %s", c->id, o->upstream_str,
	       strerror(errno));
	conn_end(c, true, false, "upstream connect failed");
	return false;
}

/* CredSSP is over (authInfo read): the Early User Authorization Result
 * for HYBRID_EX ([MS-RDPBCGR] 2.2.10.2), then the upstream. */
static void
nla_done(struct conn *c)
{
	bool deny = c->env->opt.mode == M_EARLY_AUTH_DENIED;
	uint8_t res[4] = {deny ? 5 : 0, 0, 0, 0};

	if (c->selected == PROTOCOL_HYBRID_EX) {
		if (!tls_write(c, &c->cli, res, sizeof res)) {
			conn_end(c, false, false, "TLS write failed");
			return;
		}
		logmsg("conn %d: sent Early User Authorization Result %s",
		       c->id,
		       deny ? "5 ACCESS_DENIED (mode early-auth-denied)"
		            : "0 SUCCESS");
		if (deny) {
			begin_close(c, "early user authorization denied");
			return;
		}
	} else if (deny) {
		logmsg("conn %d: early-auth-denied needs HYBRID_EX; HYBRID was "
		       "selected, so no result can be sent",
		       c->id);
		begin_close(c, "early-auth-denied without HYBRID_EX");
		return;
	}
	logmsg("conn %d: NLA done; connecting to the upstream %s", c->id,
	       c->env->opt.upstream_str);
	c->st = ST_UPCONN;
	if (start_upstream(c) && !c->connecting)
		nla_send_up_cr(c);
}

/* One whole TSRequest from the client. */
static void
nla_handle(struct conn *c, const uint8_t *p, size_t n)
{
	uint8_t storage[16384];
	struct rdd_buf b;

	rdd_buf_init(&b, storage, sizeof storage);
	switch (inj_credssp_input(c->cs, p, n, &b)) {
	case INJ_CS_SEND:
		if (!tls_write(c, &c->cli, b.p, b.len))
			conn_end(c, false, false, "TLS write failed");
		return;
	case INJ_CS_SEND_CLOSE:
		if (!tls_write(c, &c->cli, b.p, b.len)) {
			conn_end(c, false, false, "TLS write failed");
			return;
		}
		begin_close(c, "CredSSP refused with an errorCode");
		return;
	case INJ_CS_CLOSE:
		begin_close(c, "CredSSP ended without a word");
		return;
	case INJ_CS_ALERT:
		if (tls13_alert(c, AD_ACCESS_DENIED)) {
			logmsg("conn %d: CredSSP: after msg 3 (mode "
			       "credssp-alert): TLS 1.3 fatal alert "
			       "access_denied (49), record %lu; FIN without "
			       "close_notify",
			       c->id, c->cli_records);
			c->no_notify = true;
			begin_close(c, "fatal alert sent");
		} else {
			logmsg("conn %d: CredSSP: cannot write the alert (not "
			       "TLS 1.3 with a known suite, or no key log): "
			       "close_notify instead",
			       c->id);
			begin_close(c, "no alert possible");
		}
		return;
	case INJ_CS_DONE:
		nla_done(c);
		return;
	case INJ_CS_FAIL:
		begin_close(c, "CredSSP failed");
		return;
	}
}

/* Frame the TSRequests in the client's plaintext; what follows the last
 * one (the client's MCS Connect-Initial) stays in c->cli.in. */
static void
nla_frame(struct conn *c)
{
	struct side *s = &c->cli;
	size_t n;

	while (c->st == ST_NLA && s->inlen > 0) {
		switch (rdd_tsrequest_frame(s->in, s->inlen, &n)) {
		case RDD_TSREQ_NEED_MORE:
			return;
		case RDD_TSREQ_OK:
			s->frames++;
			nla_handle(c, s->in, n);
			if (c->st != ST_FREE)
				consume(s->in, &s->inlen, n);
			break;
		default:
			logmsg("conn %d: the client's plaintext is not a "
			       "TSRequest (first byte 0x%02x)",
			       c->id, s->in[0]);
			begin_close(c, "not CredSSP");
			return;
		}
	}
}

/* Run the client's TLS during CredSSP: the handshake, then TSRequests. */
static void
nla_pump(struct conn *c)
{
	struct side *s = &c->cli;
	int r, e;

	if (c->st != ST_NLA)
		return;
	if (!s->tls_up) {
		ERR_clear_error();
		r = SSL_do_handshake(s->ssl);
		drain_wbio(s);
		if (r != 1) {
			e = SSL_get_error(s->ssl, r);
			if (e == SSL_ERROR_WANT_READ ||
			    e == SSL_ERROR_WANT_WRITE) {
				if (s->eof)
					conn_end(c, false, false,
					         "client closed during the TLS "
					         "handshake");
				return;
			}
			log_ssl_error(c, s, "handshake failed");
			conn_end(c, false, false, "TLS handshake failed");
			return;
		}
		s->tls_up = true;
		logmsg("conn %d: TLS with the client up: %s %s", c->id,
		       SSL_get_version(s->ssl), SSL_get_cipher_name(s->ssl));
	}
	while (c->st == ST_NLA) {
		if (s->inlen >= PLAIN_MAX) {
			begin_close(c, "TSRequest longer than the buffer");
			return;
		}
		ERR_clear_error();
		r = SSL_read(s->ssl, s->in + s->inlen,
		             (int)(PLAIN_MAX - s->inlen));
		drain_wbio(s);
		if (r <= 0) {
			e = SSL_get_error(s->ssl, r);
			if (e == SSL_ERROR_WANT_READ) {
				if (s->eof)
					begin_close(c, "client closed during "
					               "CredSSP");
				return;
			}
			if (e == SSL_ERROR_ZERO_RETURN) {
				logmsg("conn %d: close_notify from the client",
				       c->id);
				begin_close(c, "client closed during CredSSP");
				return;
			}
			log_ssl_error(c, s, "read failed");
			begin_close(c, "TLS error");
			return;
		}
		s->inlen += (size_t)r;
		nla_frame(c);
	}
}

/*
 * The client's CR is in c->cli.in (whole): answer it ourselves. HYBRID_EX
 * if --nla hybrid_ex and the client asks for it, else HYBRID if it asks
 * for it (what Windows does), else RDP_NEG_FAILURE
 * HYBRID_REQUIRED_BY_SERVER and close.
 */
static void
nla_on_cr(struct conn *c)
{
	const struct env *env = c->env;
	struct rdd_x224_cr_parsed cr;
	struct rdd_cur cur;
	char req[64], sel[32];
	const char *pre = "Cookie: mstshash=";

	rdd_cur_init(&cur, c->cli.in + 4, c->cli.inlen - 4);
	if (rdd_x224_parse_cr(&cur, &cr) != 0) {
		conn_end(c, true, false, "the client's CR does not parse");
		return;
	}
	c->cli.inlen = 0;
	c->requested = cr.neg_req ? cr.requested_protocols : 0;
	c->neg_flags = cr.neg_flags;
	if (!cr.has_routing && strncmp(cr.cookie, pre, strlen(pre)) == 0)
		snprintf(c->cookie, sizeof c->cookie, "%s",
		         cr.cookie + strlen(pre));
	rdd_protocols_str(req, sizeof req, c->requested);
	if (env->opt.nla == NLA_HYBRID_EX &&
	    (c->requested & PROTOCOL_HYBRID_EX))
		c->selected = PROTOCOL_HYBRID_EX;
	else if (c->requested & PROTOCOL_HYBRID)
		c->selected = PROTOCOL_HYBRID;
	if (c->selected == 0) {
		nla_send_cc(c, RDD_NEG_TYPE_FAILURE, 0,
		            RDD_NEG_HYBRID_REQUIRED_BY_SERVER);
		logmsg("conn %d: CR asks for %s: CC sent with RDP_NEG_FAILURE "
		       "HYBRID_REQUIRED_BY_SERVER",
		       c->id, req);
		begin_close(c, "NLA required");
		return;
	}
	nla_send_cc(c, RDD_NEG_TYPE_RSP, EXTENDED_CLIENT_DATA_SUPPORTED,
	            c->selected);
	rdd_protocols_str(sel, sizeof sel, c->selected);
	logmsg("conn %d: CR asks for %s: CC sent, selectedProtocol %s; TLS "
	       "and CredSSP with the client",
	       c->id, req, sel);
	c->cli.ssl = SSL_new(env->srv_ctx);
	c->cli.rbio = BIO_new(BIO_s_mem());
	c->cli.wbio = BIO_new(BIO_s_mem());
	c->cs = malloc(sizeof *c->cs);
	if (c->cli.ssl == NULL || c->cli.rbio == NULL || c->cli.wbio == NULL ||
	    c->cs == NULL) {
		BIO_free(c->cli.rbio);
		BIO_free(c->cli.wbio);
		c->cli.rbio = c->cli.wbio = NULL;
		free(c->cs);
		c->cs = NULL;
		conn_end(c, true, false, "out of memory for TLS");
		return;
	}
	inj_credssp_init(c->cs, &env->cs_cfg, c->id);
	SSL_set_bio(c->cli.ssl, c->cli.rbio, c->cli.wbio);
	SSL_set_accept_state(c->cli.ssl);
	SSL_set_app_data(c->cli.ssl, c);
	c->st = ST_NLA;
}

/* The upstream's CC (in c->up.in, whole) after NLA: TLS to it, relay. */
static void
nla_on_cc(struct conn *c)
{
	struct rdd_x224_cc cc;
	struct rdd_cur cur;

	rdd_cur_init(&cur, c->up.in + 4, c->up.inlen - 4);
	if (rdd_x224_parse_cc(&cur, &cc) != 0 || cc.neg != RDD_X224_NEG_RSP ||
	    cc.selected_protocol != PROTOCOL_SSL) {
		logmsg("conn %d: the upstream's CC does not select SSL", c->id);
		begin_close(c, "upstream refused TLS");
		return;
	}
	c->up.inlen = 0;
	c->up.ssl = SSL_new(c->env->cli_ctx);
	c->up.rbio = BIO_new(BIO_s_mem());
	c->up.wbio = BIO_new(BIO_s_mem());
	if (c->up.ssl == NULL || c->up.rbio == NULL || c->up.wbio == NULL) {
		BIO_free(c->up.rbio);
		BIO_free(c->up.wbio);
		c->up.rbio = c->up.wbio = NULL;
		conn_end(c, false, false, "out of memory for TLS");
		return;
	}
	SSL_set_bio(c->up.ssl, c->up.rbio, c->up.wbio);
	SSL_set_connect_state(c->up.ssl);
	logmsg("conn %d: upstream's CC selects SSL (flags 0x%02x); TLS to the "
	       "upstream, then the relay",
	       c->id, cc.flags);
	c->st = ST_TLS;
	pump(c, &c->up);
	frame(c, &c->cli); /* what the client sent after CredSSP */
}

/* The Connection Confirm is in c->up.in (whole): relay it, pick the path. */
static void
on_cc(struct conn *c)
{
	const struct env *env = c->env;
	struct rdd_cur cur;
	uint8_t li, code, type = 0;
	uint32_t selected = 0;
	size_t n = c->up.inlen;

	if (c->cs != NULL) {
		nla_on_cc(c);
		return;
	}
	queue_push(&c->cli.out, c->up.in, n);
	c->up.inlen = 0;
	/* TPKT (4), X.224 CC: LI, 0xD0, dst-ref, src-ref, class (7),
	 * rdpNegData: type, flags, length u16le, selectedProtocol u32le */
	rdd_cur_init(&cur, c->up.in, n);
	if (rdd_cur_skip(&cur, 4) < 0 || rdd_cur_u8(&cur, &li) < 0 ||
	    rdd_cur_u8(&cur, &code) < 0 || (code & 0xf0) != 0xd0 ||
	    rdd_cur_skip(&cur, 5) < 0) {
		logmsg("conn %d: upstream's answer (%zu bytes) is not an X.224 "
		       "Connection Confirm; relaying bytes",
		       c->id, n);
		c->st = ST_PLAIN;
		return;
	}
	if (rdd_cur_u8(&cur, &type) < 0 || rdd_cur_skip(&cur, 3) < 0 ||
	    rdd_cur_u32le(&cur, &selected) < 0)
		type = 0;
	if (type != 0x02 || selected != 0x1) {
		logmsg("conn %d: CC relayed (%zu bytes, %s 0x%x): not TLS, "
		       "relaying bytes",
		       c->id, n,
		       type == 0x02   ? "selectedProtocol"
		       : type == 0x03 ? "RDP_NEG_FAILURE"
		                      : "no rdpNegData",
		       (unsigned)selected);
		c->st = ST_PLAIN;
		return;
	}
	logmsg("conn %d: CC relayed (%zu bytes, selectedProtocol SSL); TLS "
	       "on both sides",
	       c->id, n);
	c->cli.ssl = SSL_new(env->srv_ctx);
	c->up.ssl = SSL_new(env->cli_ctx);
	c->cli.rbio = BIO_new(BIO_s_mem());
	c->cli.wbio = BIO_new(BIO_s_mem());
	c->up.rbio = BIO_new(BIO_s_mem());
	c->up.wbio = BIO_new(BIO_s_mem());
	if (c->cli.ssl == NULL || c->up.ssl == NULL || c->cli.rbio == NULL ||
	    c->cli.wbio == NULL || c->up.rbio == NULL || c->up.wbio == NULL) {
		BIO_free(c->cli.rbio);
		BIO_free(c->cli.wbio);
		BIO_free(c->up.rbio);
		BIO_free(c->up.wbio);
		c->cli.rbio = c->cli.wbio = c->up.rbio = c->up.wbio = NULL;
		conn_end(c, true, false, "out of memory for TLS");
		return;
	}
	SSL_set_bio(c->cli.ssl, c->cli.rbio, c->cli.wbio);
	SSL_set_bio(c->up.ssl, c->up.rbio, c->up.wbio);
	SSL_set_accept_state(c->cli.ssl);
	SSL_set_connect_state(c->up.ssl);
	c->st = ST_TLS;
	pump(c, &c->up); /* our ClientHello to the upstream */
}

/* The CR is in c->cli.in (whole) and the upstream is connected. */
static void
forward_cr(struct conn *c)
{
	queue_push(&c->up.out, c->cli.in, c->cli.inlen);
	logmsg("conn %d: CR relayed (%zu bytes)", c->id, c->cli.inlen);
	c->cli.inlen = 0;
	c->st = ST_CC;
}

/*
 * The X.224 phase reads exactly one TPKT from S, so that no TLS byte is
 * read as plaintext: how many bytes to ask for next. 0 if the TPKT is
 * complete, -1 if the bytes are not a TPKT.
 */
static long
tpkt_want(const struct side *s)
{
	size_t n;

	if (s->inlen < 4)
		return s->inlen >= 1 && s->in[0] != 0x03 ? -1
		                                         : (long)(4 - s->inlen);
	if (s->in[0] != 0x03)
		return -1;
	n = (size_t)s->in[2] << 8 | s->in[3];
	if (n < 4 + 7) /* TPKT and an X.224 CR/CC header */
		return -1;
	return (long)(n - s->inlen);
}

static void
on_eof(struct conn *c, struct side *s)
{
	s->eof = true;
	switch (c->st) {
	case ST_CR:
	case ST_CC:
		conn_end(c, false, false,
		         s == &c->cli ? "client closed before the X.224 "
		                        "exchange ended"
		                      : "upstream closed before the X.224 "
		                        "exchange ended");
		return;
	case ST_PLAIN:
		begin_close(c,
		            s == &c->cli ? "client closed" : "upstream closed");
		return;
	case ST_NLA:
		nla_pump(c); /* what was buffered, then the close */
		return;
	case ST_TLS:
		pump(c, s); /* what was buffered, then the close */
		return;
	default:
		return;
	}
}

/* Read from one side. */
static void
do_read(struct conn *c, struct side *s)
{
	unsigned char buf[CHUNK];
	unsigned char *dst = buf;
	size_t want = sizeof buf;
	ssize_t n;
	long w;

	if ((c->st == ST_CR && s == &c->cli) ||
	    (c->st == ST_CC && s == &c->up)) {
		w = tpkt_want(s);
		if (w <= 0) {
			conn_end(c, true, false,
			         w < 0 ? "X.224 PDU is not a TPKT"
			               : "X.224 phase: unexpected state");
			return;
		}
		dst = s->in + s->inlen;
		want = (size_t)w;
	}
	n = recv(s->fd, dst, want, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		logmsg("conn %d: %s: %s", c->id, s->name, strerror(errno));
		/* Pass a reset on to the other side. */
		if (s == &c->cli)
			conn_end(c, false, true, "client reset");
		else
			conn_end(c, true, false, "upstream reset, passed on");
		return;
	}
	if (n == 0) {
		on_eof(c, s);
		return;
	}
	switch (c->st) {
	case ST_CR:
	case ST_CC:
		s->inlen += (size_t)n;
		w = tpkt_want(s);
		if (w < 0) {
			conn_end(c, true, false,
			         s == &c->cli ? "client's first bytes are not "
			                        "an X.224 TPKT"
			                      : "upstream's answer is not an "
			                        "X.224 TPKT");
			return;
		}
		if (w > 0)
			return;
		if (c->st == ST_CR && c->cs == NULL &&
		    c->env->opt.nla != NLA_OFF)
			nla_on_cr(c);
		else if (c->st == ST_CR && !c->connecting)
			forward_cr(c);
		else if (c->st == ST_CC)
			on_cc(c);
		return;
	case ST_PLAIN:
		queue_push(&other(c, s)->out, buf, (size_t)n);
		return;
	case ST_NLA:
		if (BIO_write(s->rbio, buf, (int)n) != (int)n) {
			conn_end(c, false, false, "BIO_write failed");
			return;
		}
		nla_pump(c);
		return;
	case ST_TLS:
		if (BIO_write(s->rbio, buf, (int)n) != (int)n) {
			conn_end(c, false, false, "BIO_write failed");
			return;
		}
		pump(c, s);
		return;
	default:
		return; /* ST_CLOSING: discarded */
	}
}

/* Write what is queued for S. Returns false if the connection ended. */
static bool
flush(struct conn *c, struct side *s)
{
	struct chunk *ch;
	ssize_t w;

	while ((ch = s->out.head) != NULL && s->fd >= 0) {
		w = send(s->fd, ch->data + ch->off, ch->len - ch->off,
		         MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return true;
			logmsg("conn %d: send to the %s: %s", c->id, s->name,
			       strerror(errno));
			conn_end(c, false, false, "send failed");
			return false;
		}
		ch->off += (size_t)w;
		s->out.bytes -= (size_t)w;
		if (ch->off == ch->len)
			queue_pop(&s->out); /* counts only what is left: 0 */
	}
	return true;
}

static void
after_io(struct conn *c)
{
	struct side *sides[2] = {&c->cli, &c->up};
	int i;

	if (c->st == ST_TLS) {
		pump(c, &c->cli); /* resumes reads held back by a full queue */
		pump(c, &c->up);
	}
	if (c->st == ST_FREE)
		return;
	if (!flush(c, &c->cli))
		return;
	if (!c->connecting && !flush(c, &c->up))
		return;
	if (c->st != ST_CLOSING)
		return;
	for (i = 0; i < 2; i++) {
		struct side *s = sides[i];

		if (s->fd >= 0 && s->out.head == NULL && !s->shut) {
			shutdown(s->fd, SHUT_WR);
			s->shut = true;
		}
		if (s->fd >= 0 && s->shut && s->eof) {
			close(s->fd); /* FIN both ways: this side is done */
			s->fd = -1;
		}
	}
	if (c->cli.fd < 0 && c->up.fd < 0) {
		conn_end(c, false, false, "closed (FIN both ways)");
		return;
	}
	if (now_ms() >= c->deadline)
		conn_end(c, false, false, "closed (a peer kept its side open)");
}

static void
on_connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof err;

	c->connecting = false;
	if (getsockopt(c->up.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 ||
	    err != 0) {
		logmsg("conn %d: upstream %s: %s", c->id,
		       c->env->opt.upstream_str, strerror(err));
		conn_end(c, true, false, "upstream connect failed");
		return;
	}
	if (c->st == ST_UPCONN)
		nla_send_up_cr(c);
	else if (c->st == ST_CR && c->cli.inlen > 0 && tpkt_want(&c->cli) == 0)
		forward_cr(c);
}

static void
side_init(struct side *s, const char *name)
{
	memset(s, 0, sizeof *s);
	s->name = name;
	s->fd = -1;
}

static void
on_accept(const struct env *env, struct conn *conns, int lfd, int *n_accepted)
{
	const struct opts *o = &env->opt;
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
	c->env = env;
	c->id = ++*n_accepted;
	side_init(&c->cli, "client");
	side_init(&c->up, "upstream");
	c->cli.fd = fd;
	c->st = ST_CR;
	c->cli.in = malloc(PLAIN_MAX);
	c->up.in = malloc(PLAIN_MAX);
	if (c->cli.in == NULL || c->up.in == NULL) {
		conn_end(c, true, false, "out of memory");
		return;
	}
	logmsg("conn %d: accepted (%s%s)", c->id, mode_names[o->mode],
	       o->nla == NLA_OFF ? "" : ", NLA front");
	if (o->nla == NLA_OFF) /* with --nla: once CredSSP is done */
		(void)start_upstream(c);
}

/* --- set-up ------------------------------------------------------------------------ */

static void
usage(void)
{
	size_t i;

	fprintf(stderr,
	        "usage: injector --listen ADDR:PORT --upstream ADDR:PORT "
	        "--mode MODE\n"
	        "       --cert FILE --key FILE [--duration S] [--max-conns "
	        "N]\n"
	        "       [--error-code N] [--transition N] [--code N] "
	        "[--no-dpum]\n"
	        "       [--dpum-reason N] [--with-alert]\n"
	        "       [--info-type 0|1|2] [--session-id N] [--logon-user "
	        "NAME]\n"
	        "       [--logon-domain NAME] [--error-type N] [--error-data "
	        "N]\n"
	        "       [--then-close] [--delay-ms N]\n"
	        "       [--nla hybrid|hybrid_ex --user [DOMAIN\\]NAME "
	        "--password-file FILE\n"
	        "        [--credssp-version N]]\nmodes:");
	for (i = 0; i < N_MODES; i++)
		fprintf(stderr, " %s", mode_names[i]);
	fputc('\n', stderr);
	exit(2);
}

static long long
num(const char *s, long long lo, long long hi)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "injector: bad number '%s' (%lld..%lld)\n", s,
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

/* --logon-user and --logon-domain must fit TS_LOGON_INFO. */
static int
check_logon_names(const struct opts *o)
{
	struct inj_logon_info li = {INJ_INFOTYPE_LOGON, 0, o->logon_domain,
	                            o->logon_user};
	uint8_t storage[1200];
	struct rdd_buf b;

	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_logon_info(&b, &li) == 0)
		return 0;
	fprintf(stderr,
	        "injector: --logon-user (at most %d UTF-16 units) or "
	        "--logon-domain (%d) does not fit TS_LOGON_INFO, or is not "
	        "UTF-8\n",
	        INJ_LOGON_USER_UNITS, INJ_LOGON_DOMAIN_UNITS);
	return -1;
}

static void
parse_args(struct opts *o, int argc, char **argv)
{
	bool have_listen = false, have_up = false, have_mode = false;
	size_t m;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (strcmp(a, "--no-dpum") == 0) {
			o->no_dpum = true;
			continue;
		}
		if (strcmp(a, "--with-alert") == 0) {
			o->with_alert = true;
			continue;
		}
		if (strcmp(a, "--then-close") == 0) {
			o->then_close = true;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		v = argv[++i];
		if (strcmp(a, "--listen") == 0) {
			if (parse_addr(v, &o->listen, &o->listen_len) < 0)
				usage();
			have_listen = true;
		} else if (strcmp(a, "--upstream") == 0) {
			if (parse_addr(v, &o->upstream, &o->upstream_len) < 0)
				usage();
			snprintf(o->upstream_str, sizeof o->upstream_str, "%s",
			         v);
			have_up = true;
		} else if (strcmp(a, "--mode") == 0) {
			for (m = 0; m < N_MODES; m++)
				if (strcmp(v, mode_names[m]) == 0)
					break;
			if (m == N_MODES)
				usage();
			o->mode = (enum mode)m;
			have_mode = true;
		} else if (strcmp(a, "--cert") == 0) {
			o->cert = v;
		} else if (strcmp(a, "--key") == 0) {
			o->key = v;
		} else if (strcmp(a, "--duration") == 0) {
			o->duration = (double)num(v, 1, 86400);
		} else if (strcmp(a, "--max-conns") == 0) {
			o->max_conns = (long)num(v, 1, 1000000);
		} else if (strcmp(a, "--error-code") == 0) {
			o->error_code = (uint32_t)num(v, 0, 0xffffffffLL);
		} else if (strcmp(a, "--transition") == 0) {
			o->transition = (uint32_t)num(v, 0, 0xffffffffLL);
		} else if (strcmp(a, "--code") == 0) {
			o->code = (uint32_t)num(v, 0, 0xffffffffLL);
			o->have_code = true;
		} else if (strcmp(a, "--nla") == 0) {
			if (strcmp(v, "hybrid") == 0)
				o->nla = NLA_HYBRID;
			else if (strcmp(v, "hybrid_ex") == 0)
				o->nla = NLA_HYBRID_EX;
			else
				usage();
		} else if (strcmp(a, "--credssp-version") == 0) {
			o->credssp_version = (uint32_t)num(v, 1, 255);
		} else if (strcmp(a, "--user") == 0) {
			o->user = v;
		} else if (strcmp(a, "--password-file") == 0) {
			o->password_file = v;
		} else if (strcmp(a, "--dpum-reason") == 0) {
			o->dpum_reason = (unsigned)num(v, 0, 7);
		} else if (strcmp(a, "--info-type") == 0) {
			o->info_type = (uint32_t)num(v, 0, 2);
		} else if (strcmp(a, "--session-id") == 0) {
			o->session_id = (uint32_t)num(v, 0, 0xffffffffLL);
		} else if (strcmp(a, "--logon-user") == 0) {
			o->logon_user = v;
		} else if (strcmp(a, "--logon-domain") == 0) {
			o->logon_domain = v;
		} else if (strcmp(a, "--error-type") == 0) {
			o->error_type = (uint32_t)num(v, 0, 0xffffffffLL);
		} else if (strcmp(a, "--error-data") == 0) {
			o->error_data = (uint32_t)num(v, 0, 0xffffffffLL);
		} else if (strcmp(a, "--delay-ms") == 0) {
			o->delay_ms = (long)num(v, 0, 3600000);
		} else {
			usage();
		}
	}
	if (!have_listen || !have_up || !have_mode || o->cert == NULL ||
	    o->key == NULL)
		usage();
	if (o->mode >= M_CREDSSP_ERROR && o->nla == NLA_OFF) {
		fprintf(stderr, "injector: mode %s needs --nla\n",
		        mode_names[o->mode]);
		exit(2);
	}
	if (check_logon_names(o) != 0)
		exit(2);
	if (o->nla != NLA_OFF &&
	    (o->user == NULL || o->password_file == NULL)) {
		fprintf(stderr, "injector: --nla needs --user and "
		                "--password-file\n");
		exit(2);
	}
}

/* --user NAME, DOMAIN\NAME or NAME@DOMAIN into A. */
static int
parse_user(struct inj_account *a, const char *s)
{
	const char *bs = strchr(s, '\\'), *at = strrchr(s, '@');
	int k;

	if (bs != NULL)
		k = snprintf(a->domain, sizeof a->domain, "%.*s", (int)(bs - s),
		             s) < 0 ||
		    snprintf(a->user, sizeof a->user, "%s", bs + 1) < 0;
	else if (at != NULL)
		k = snprintf(a->user, sizeof a->user, "%.*s", (int)(at - s),
		             s) < 0 ||
		    snprintf(a->domain, sizeof a->domain, "%s", at + 1) < 0;
	else
		k = snprintf(a->user, sizeof a->user, "%s", s) < 0;
	if (k || a->user[0] == '\0' || strlen(s) >= sizeof a->user)
		return -1;
	return 0;
}

/*
 * --nla: the account, the SubjectPublicKey of our certificate (and, for
 * credssp-bad-pubkey, of a fresh RSA key: the middlebox's), the CredSSP
 * server's settings; no session tickets (CredSSP does not resume, and
 * credssp-alert counts our records); the key log for credssp-alert.
 */
static int
nla_setup(struct env *env)
{
	const struct opts *o = &env->opt;
	struct inj_credssp_cfg *cfg = &env->cs_cfg;
	X509 *cert;
	EVP_PKEY *other;

	if (parse_user(&env->acct, o->user) != 0) {
		fprintf(stderr, "injector: bad --user '%s'\n", o->user);
		return -1;
	}
	if (inj_account_load_password(&env->acct, o->password_file) != 0)
		return -1;
	cert = SSL_CTX_get0_certificate(env->srv_ctx);
	memset(cfg, 0, sizeof *cfg);
	cfg->spk_len = cert == NULL
	                   ? 0
	                   : inj_spk_of_pkey(X509_get0_pubkey(cert), env->spk,
	                                     sizeof env->spk);
	if (cfg->spk_len == 0) {
		logmsg("no public key in %s", o->cert);
		return -1;
	}
	cfg->spk = env->spk;
	cfg->version = o->credssp_version;
	cfg->acct = &env->acct;
	SSL_CTX_set_num_tickets(env->srv_ctx, 0);
	switch (o->mode) {
	case M_CREDSSP_ERROR:
		cfg->fault = INJ_FAULT_ERROR;
		cfg->code = o->have_code ? o->code : 0xC000006Du;
		break;
	case M_CREDSSP_ERROR_NEGOTIATE:
		cfg->fault = INJ_FAULT_ERROR_NEGOTIATE;
		cfg->code = o->have_code ? o->code : 0xC00700EAu;
		break;
	case M_CREDSSP_CLOSE:
		cfg->fault = INJ_FAULT_CLOSE;
		break;
	case M_CREDSSP_ALERT:
		cfg->fault = INJ_FAULT_ALERT;
		SSL_CTX_set_keylog_callback(env->srv_ctx, keylog_cb);
		break;
	case M_CREDSSP_BAD_PUBKEY:
		cfg->fault = INJ_FAULT_BAD_PUBKEY;
		other = EVP_RSA_gen(2048);
		cfg->other_spk_len =
		    other == NULL ? 0
		                  : inj_spk_of_pkey(other, env->other_spk,
		                                    sizeof env->other_spk);
		EVP_PKEY_free(other);
		if (cfg->other_spk_len == 0) {
			logmsg("cannot make the other RSA key");
			return -1;
		}
		cfg->other_spk = env->other_spk;
		break;
	default:
		cfg->fault = INJ_FAULT_NONE;
		break;
	}
	logmsg("NLA front: %s, CredSSP version %u, account '%s%s%s', our "
	       "SubjectPublicKey %zu bytes",
	       o->nla == NLA_HYBRID_EX ? "HYBRID_EX (or HYBRID)" : "HYBRID",
	       cfg->version, env->acct.domain,
	       env->acct.domain[0] != '\0' ? "\\" : "", env->acct.user,
	       cfg->spk_len);
	return 0;
}

static int
tls_setup(struct env *env)
{
	const struct opts *o = &env->opt;

	env->srv_ctx = SSL_CTX_new(TLS_server_method());
	env->cli_ctx = SSL_CTX_new(TLS_client_method());
	if (env->srv_ctx == NULL || env->cli_ctx == NULL)
		return -1;
	if (SSL_CTX_use_certificate_chain_file(env->srv_ctx, o->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(env->srv_ctx, o->key,
	                                SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(env->srv_ctx) != 1) {
		char buf[256];

		ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
		logmsg("certificate %s / key %s: %s", o->cert, o->key, buf);
		return -1;
	}
	/* The upstream is the lab's own server: no verification. */
	SSL_CTX_set_verify(env->cli_ctx, SSL_VERIFY_NONE, NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	struct env env;
	struct conn conns[MAX_CONNS];
	struct pollfd pfd[1 + 2 * MAX_CONNS];
	struct conn *owner[1 + 2 * MAX_CONNS];
	struct side *oside[1 + 2 * MAX_CONNS];
	const struct opts *o = &env.opt;
	int lfd, one = 1, n_accepted = 0, i, k;
	int64_t end, t;

	if (argc == 2 && strcmp(argv[1], "--self-test") == 0) {
		i = inj_ntlm_self_test() + inj_credssp_self_test() +
		    inj_logon_self_test();
		fprintf(stderr, "injector self-test: %s\n", i ? "FAIL" : "ok");
		return i ? 1 : 0;
	}
	memset(&env, 0, sizeof env);
	memset(conns, 0, sizeof conns);
	env.opt.duration = 600;
	env.opt.max_conns = 100;
	env.opt.error_code = 6;  /* ERR_NO_LICENSE_SERVER */
	env.opt.transition = 1;  /* ST_TOTAL_ABORT */
	env.opt.code = 7;        /* ERRINFO_SERVER_DENIED_CONNECTION */
	env.opt.dpum_reason = 1; /* rn-provider-initiated */
	env.opt.credssp_version = 6;
	env.opt.info_type = INJ_INFOTYPE_LOGON_LONG;
	env.opt.session_id = 7;
	env.opt.error_type = INJ_LOGON_MSG_NO_PERMISSION;
	env.opt.error_data = INJ_LOGON_FAILED_BAD_PASSWORD;
	env.opt.delay_ms = -1;
	parse_args(&env.opt, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (tls_setup(&env) < 0)
		return 1;
	if (env.opt.nla != NLA_OFF && nla_setup(&env) < 0)
		return 1;

	lfd = socket(o->listen.ss_family, SOCK_STREAM, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(lfd, (const struct sockaddr *)&o->listen, o->listen_len) < 0 ||
	    listen(lfd, 64) < 0 || set_nonblock(lfd) < 0) {
		logmsg("listen: %s", strerror(errno));
		return 1;
	}
	end = now_ms() + (int64_t)(o->duration * 1000);
	logmsg("mode %s, upstream %s, %.0f s, at most %ld connections",
	       mode_names[o->mode], o->upstream_str, o->duration, o->max_conns);

	while (!stop_flag) {
		int nfd = 0, busy = 0;
		int64_t wake = end;

		t = now_ms();
		if (t >= end) {
			logmsg("duration over");
			break;
		}
		if (lfd >= 0 && n_accepted >= o->max_conns) {
			close(lfd);
			lfd = -1;
		}
		if (lfd >= 0) {
			pfd[nfd].fd = lfd;
			pfd[nfd].events = POLLIN;
			owner[nfd] = NULL;
			oside[nfd++] = NULL;
		}
		for (i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];
			short ev;

			if (c->st == ST_FREE)
				continue;
			busy++;
			if (c->cli.fd >= 0) {
				ev = 0;
				if (!c->cli.eof &&
				    ((c->st == ST_CR &&
				      tpkt_want(&c->cli) != 0) ||
				     c->st == ST_CLOSING || c->st == ST_NLA ||
				     ((c->st == ST_PLAIN || c->st == ST_TLS) &&
				      backlog(&c->up) < QUEUE_MAX)))
					ev |= POLLIN;
				if (c->cli.out.head != NULL)
					ev |= POLLOUT;
				pfd[nfd].fd = c->cli.fd;
				pfd[nfd].events = ev;
				owner[nfd] = c;
				oside[nfd++] = &c->cli;
			}
			if (c->up.fd >= 0) {
				ev = 0;
				if (c->connecting)
					ev = POLLOUT;
				else {
					if (!c->up.eof &&
					    ((c->st == ST_CC &&
					      tpkt_want(&c->up) != 0) ||
					     c->st == ST_CLOSING ||
					     ((c->st == ST_PLAIN ||
					       c->st == ST_TLS) &&
					      backlog(&c->cli) < QUEUE_MAX)))
						ev |= POLLIN;
					if (c->up.out.head != NULL)
						ev |= POLLOUT;
				}
				pfd[nfd].fd = c->up.fd;
				pfd[nfd].events = ev;
				owner[nfd] = c;
				oside[nfd++] = &c->up;
			}
			if (c->st == ST_CLOSING && c->deadline < wake)
				wake = c->deadline;
			if (c->st == ST_TLS && c->inject_at != 0 &&
			    c->inject_at < wake)
				wake = c->inject_at;
			if (c->st == ST_TLS && c->close_at != 0 &&
			    c->close_at < wake)
				wake = c->close_at;
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
			struct side *s = oside[i];
			short re = pfd[i].revents;

			if (re == 0)
				continue;
			if (c == NULL) {
				on_accept(&env, conns, lfd, &n_accepted);
				continue;
			}
			/* the connection or this side may have ended */
			if (c->st == ST_FREE || s->fd != pfd[i].fd)
				continue;
			if (s == &c->up && c->connecting) {
				on_connected(c);
				continue;
			}
			if (re & POLLIN) {
				do_read(c, s);
			} else if (re & (POLLHUP | POLLERR)) {
				if (s->eof && !(re & POLLERR))
					continue; /* its FIN is known */
				if (pfd[i].events & POLLIN)
					do_read(c, s);
				else
					conn_end(c, false, false,
					         s == &c->cli
					             ? "client went away"
					             : "upstream went "
					               "away");
			}
		}
		for (i = 0; i < MAX_CONNS; i++) {
			if (conns[i].st != ST_FREE)
				run_timers(&conns[i]);
			if (conns[i].st != ST_FREE)
				after_io(&conns[i]);
		}
	}
	for (i = 0; i < MAX_CONNS; i++)
		if (conns[i].st != ST_FREE)
			conn_end(&conns[i], false, false, "injector exiting");
	if (lfd >= 0)
		close(lfd);
	SSL_CTX_free(env.srv_ctx);
	SSL_CTX_free(env.cli_ctx);
	rdd_wipe(&env.acct, sizeof env.acct);
	logmsg("exit after %d connections", n_accepted);
	return 0;
}
