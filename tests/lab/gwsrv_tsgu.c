/*
 * gwsrv_tsgu.c - the lab gateway's tunnel: the client's MS-TSGU packets
 * read ([MS-TSGU] 2.2.10; reference 2.2), the server's answers built
 * (reference 7.1: HANDSHAKE_RESPONSE code 0, 1.0, serverVersion 0;
 * TUNNEL_RESPONSE with TUNNEL_ID|CAPS; TUNNEL_AUTH_RESPONSE with
 * REDIR|IDLE; CHANNEL_RESPONSE with CHANNELID), the TCP connection to the
 * target opened before CHANNEL_RESPONSE so that reachability is the
 * answer, and DATA relayed both ways (at most 65 535 bytes a packet).
 * The faults of the tunnel steps act here. Every read of the client's
 * bytes goes through lib/wire/cursor.h, frames through lib/wire/websocket.c,
 * chunks through lib/wire/http_resp.c's body decoder.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gwsrv.h"
#include "wire/http_resp.h"
#include "wire/tsgu.h"
#include "wire/websocket.h"

#define PK_CAP (RDD_TSGU_MAX_PACKET + 16)
#define RELAY_CHUNK 16000
#define NAME_MAX_BYTES 513 /* client and resource names (reference 2.2) */
#define LINGER_MS 3000

/* --- the client's packets (pure, self-tested) ------------------------------ */

struct hs_req {
	uint8_t major, minor;
	uint16_t client_version, ext_auth;
};

static int
parse_handshake_req(struct rdd_cur b, struct hs_req *r)
{
	return rdd_cur_u8(&b, &r->major) != 0 ||
	               rdd_cur_u8(&b, &r->minor) != 0 ||
	               rdd_cur_u16le(&b, &r->client_version) != 0 ||
	               rdd_cur_u16le(&b, &r->ext_auth) != 0
	           ? -1
	           : 0;
}

static int
parse_tunnel_create(struct rdd_cur b, uint32_t *caps, uint16_t *fields)
{
	uint16_t reserved;

	return rdd_cur_u32le(&b, caps) != 0 || rdd_cur_u16le(&b, fields) != 0 ||
	               rdd_cur_u16le(&b, &reserved) != 0
	           ? -1
	           : 0;
}

/* UTF-16LE (CB bytes at B) to printable ASCII, NUL dropped; others '?'. */
static void
u16_ascii(struct rdd_cur s, char *out, size_t cap)
{
	size_t o = 0;
	uint16_t ch;

	while (o + 1 < cap && rdd_cur_u16le(&s, &ch) == 0) {
		if (ch == 0)
			break;
		out[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[o] = '\0';
}

static int
parse_tunnel_auth(struct rdd_cur b, char *name, size_t cap)
{
	uint16_t fields, cb;
	struct rdd_cur s;

	if (rdd_cur_u16le(&b, &fields) != 0 || rdd_cur_u16le(&b, &cb) != 0 ||
	    cb > NAME_MAX_BYTES || rdd_cur_sub(&b, cb, &s) != 0)
		return -1;
	u16_ascii(s, name, cap);
	return 0;
}

#define CH_NAMES_MAX 53 /* 50 resources + 3 alternates */

struct ch_req {
	uint8_t n_res, n_alt;
	uint16_t port, protocol;
	unsigned n;
	char names[CH_NAMES_MAX][256];
};

static int
parse_channel_create(struct rdd_cur b, struct ch_req *r)
{
	unsigned i;
	uint16_t cb;
	struct rdd_cur s;

	if (rdd_cur_u8(&b, &r->n_res) != 0 || rdd_cur_u8(&b, &r->n_alt) != 0 ||
	    rdd_cur_u16le(&b, &r->port) != 0 ||
	    rdd_cur_u16le(&b, &r->protocol) != 0 || r->n_res < 1 ||
	    r->n_res > 50 || r->n_alt > 3)
		return -1;
	r->n = (unsigned)r->n_res + r->n_alt;
	for (i = 0; i < r->n; i++) {
		if (rdd_cur_u16le(&b, &cb) != 0 || cb > NAME_MAX_BYTES ||
		    rdd_cur_sub(&b, cb, &s) != 0)
			return -1;
		u16_ascii(s, r->names[i], sizeof r->names[i]);
	}
	return 0;
}

/* --- the server's packets ---------------------------------------------------- */

static void
hdr(struct rdd_buf *b, uint16_t type, uint32_t len)
{
	rdd_buf_u16le(b, type);
	rdd_buf_u16le(b, 0);
	rdd_buf_u32le(b, len);
}

/* --- the tunnel -------------------------------------------------------------------- */

enum { S_HANDSHAKE, S_TUNNEL, S_TUNNEL_AUTH, S_CHANNEL, S_DATA };

struct tun {
	struct gw_conn *out, *in;
	bool ws;
	int id;
	uint8_t *pk; /* the client's packet stream, reassembled */
	size_t pk_len;
	struct rdd_http_body body;
	int state;
	int target;
	long s2c;     /* target bytes relayed to the client */
	bool stalled; /* stall-relay */
	bool closing; /* we sent CLOSE_CHANNEL */
	bool end;
	bool injected; /* service-message, reauth, abort-relay: done */
	unsigned ka_sent, ka_recv; /* KEEPALIVEs */
	bool linger; /* after a refusal: let the client close first */
	int64_t close_deadline;
	int64_t last;
};

static unsigned tunnel_ids;

/* Send one packet: a binary frame (WebSocket, server frames unmasked) or
 * raw bytes of the OUT response's body. */
static int
send_pkt(struct tun *t, const uint8_t *p, size_t n)
{
	uint8_t h[10];
	size_t hl;
	int rc;

	if (!t->ws)
		return gw_write(t->out, p, n);
	h[0] = 0x80 | RDD_WS_OP_BINARY;
	if (n < 126) {
		h[1] = (uint8_t)n;
		hl = 2;
	} else if (n < 65536) {
		h[1] = 126;
		h[2] = (uint8_t)(n >> 8);
		h[3] = (uint8_t)n;
		hl = 4;
	} else {
		int i;

		h[1] = 127;
		for (i = 0; i < 8; i++)
			h[2 + i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
		hl = 10;
	}
	/* One TLS record per packet when small. */
	if (n <= 2048) {
		uint8_t f[2048 + 10];

		memcpy(f, h, hl);
		memcpy(f + hl, p, n);
		return gw_write(t->out, f, hl + n);
	}
	rc = gw_write(t->out, h, hl);
	return rc == 0 ? gw_write(t->out, p, n) : rc;
}

static int
send_buf(struct tun *t, struct rdd_buf *b)
{
	if (b->err)
		return -1;
	return send_pkt(t, b->p, b->len);
}

static int
ws_control(struct tun *t, uint8_t op, const uint8_t *p, size_t n)
{
	uint8_t f[2 + RDD_WS_MAX_CONTROL];

	if (n > RDD_WS_MAX_CONTROL)
		return -1;
	f[0] = 0x80 | op;
	f[1] = (uint8_t)n;
	memcpy(f + 2, p, n);
	return gw_write(t->out, f, 2 + n);
}

/* Move what the IN connection read into the packet stream. 0, 1 (the
 * client ended the stream), -1 (protocol error). */
static int
decode_input(struct tun *t)
{
	struct gw_conn *c = t->in;

	for (;;) {
		struct rdd_cur cur;
		size_t used;
		int r;

		rdd_cur_init(&cur, c->buf, c->len);
		if (t->ws) {
			struct rdd_ws_frame f;
			size_t n;

			r = rdd_ws_parse_frame(&cur, true, RDD_TSGU_MAX_PACKET,
			                       &f);
			if (r == 0)
				return 0;
			if (r < 0) {
				logmsg("conn %d: bad WebSocket frame", t->id);
				return -1;
			}
			n = f.payload.len;
			switch (f.opcode) {
			case RDD_WS_OP_BINARY:
			case RDD_WS_OP_CONT:
			case RDD_WS_OP_TEXT:
				if (t->pk_len + n > PK_CAP)
					return -1;
				rdd_ws_unmask(t->pk + t->pk_len, f.payload.p, n,
				              f.mask);
				t->pk_len += n;
				break;
			case RDD_WS_OP_PING: {
				uint8_t pl[RDD_WS_MAX_CONTROL];

				rdd_ws_unmask(pl, f.payload.p, n, f.mask);
				if (ws_control(t, RDD_WS_OP_PONG, pl, n) != 0)
					return -1;
				break;
			}
			case RDD_WS_OP_CLOSE:
				logmsg(
				    "conn %d: WebSocket close from the client",
				    t->id);
				gw_consume(c, c->len - rdd_cur_left(&cur));
				return 1;
			default:
				break; /* pong */
			}
			gw_consume(c, c->len - rdd_cur_left(&cur));
			continue;
		} else {
			struct rdd_cur data;

			r = rdd_http_body_next(&t->body, &cur, &data);
			if (r < 0) {
				logmsg("conn %d: bad chunked body on IN",
				       t->id);
				return -1;
			}
			if (t->pk_len + data.len > PK_CAP)
				return -1;
			memcpy(t->pk + t->pk_len, data.p, data.len);
			t->pk_len += data.len;
			used = c->len - rdd_cur_left(&cur);
			gw_consume(c, used);
			if (r == 1) {
				logmsg("conn %d: IN body ended", t->id);
				return 1;
			}
			if (used == 0 && data.len == 0)
				return 0;
		}
	}
}

static const char *
code_text(uint32_t code, char *buf, size_t cap)
{
	const char *n = rdd_tsgu_code_name(code);

	snprintf(buf, cap, "0x%08X%s%s", code, n != NULL ? " " : "",
	         n != NULL ? n : "");
	return buf;
}

static uint32_t
fault_code(uint32_t dflt)
{
	return gw_opt.have_code ? gw_opt.code : dflt;
}

/* Is NAME in --rap (comma list, case-insensitive)? Any with no --rap. */
static bool
rap_allows(const char *name)
{
	const char *p = gw_opt.rap;
	size_t nl = strlen(name);

	if (*p == '\0')
		return true;
	while (*p != '\0') {
		const char *e = strchr(p, ',');
		size_t l = e == NULL ? strlen(p) : (size_t)(e - p);

		if (l == nl && strncasecmp(p, name, l) == 0)
			return true;
		p += l;
		if (*p == ',')
			p++;
	}
	return false;
}

/* Connect to ADDR:PORT within --connect-timeout-ms. fd or -1 (errno). */
static int
connect_target(uint32_t addr, uint16_t port, int *err)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct pollfd p;
	struct timeval tv = {.tv_sec = GW_IO_MS / 1000};
	socklen_t el = sizeof *err;
	int fd, fl, one = 1;

	sa.sin_addr.s_addr = addr;
	sa.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	*err = 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		if (errno != EINPROGRESS) {
			*err = errno;
			close(fd);
			return -1;
		}
		p.fd = fd;
		p.events = POLLOUT;
		if (poll(&p, 1, gw_opt.connect_ms) != 1) {
			*err = ETIMEDOUT;
			close(fd);
			return -1;
		}
		getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &el);
		if (*err != 0) {
			close(fd);
			return -1;
		}
	}
	fcntl(fd, F_SETFL, fl);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static int
on_channel_create(struct tun *t, struct rdd_cur body)
{
	struct ch_req *r = calloc(1, sizeof *r);
	uint8_t o[32];
	struct rdd_buf b;
	uint32_t code = 0, addr;
	char ct[96];
	unsigned i;
	bool any_allowed = false;
	int err = 0, rc;

	if (r == NULL)
		return -1;
	if (parse_channel_create(body, r) != 0) {
		logmsg("conn %d: malformed CHANNEL_CREATE", t->id);
		free(r);
		return -1;
	}
	for (i = 0; i < r->n; i++)
		logmsg(
		    "conn %d: CHANNEL_CREATE %s %u: '%s' port %u protocol %u",
		    t->id, i < r->n_res ? "resource" : "alternate",
		    i < r->n_res ? i : i - r->n_res, r->names[i], r->port,
		    r->protocol);
	if (gw_opt.fault == GW_F_CHANNEL_RAP_DENIED) {
		code = fault_code(0x800759DAu);
	} else {
		for (i = 0; i < r->n; i++)
			if (rap_allows(r->names[i]))
				any_allowed = true;
		if (!any_allowed) {
			logmsg("conn %d: no name is in --rap", t->id);
			code = 0x800759DAu;
		}
	}
	for (i = 0; code == 0 && i < r->n && t->target < 0; i++) {
		if (!rap_allows(r->names[i]))
			continue;
		if (gw_resolve(r->names[i], &addr) != 0) {
			logmsg(
			    "conn %d: '%s' does not resolve (lab hosts file)",
			    t->id, r->names[i]);
			continue;
		}
		t->target = connect_target(addr, r->port, &err);
		logmsg("conn %d: target %s:%u: %s", t->id, r->names[i], r->port,
		       t->target >= 0 ? "connected" : strerror(err));
	}
	if (code == 0 && t->target < 0)
		code = gw_opt.connect_failed_code;
	free(r);
	gw_step_delay();
	rdd_buf_init(&b, o, sizeof o);
	hdr(&b, RDD_TSGU_CHANNEL_RESPONSE, code == 0 ? 20 : 16);
	rdd_buf_u32le(&b, code);
	rdd_buf_u16le(&b, code == 0 ? RDD_TSGU_CHANNEL_RSP_CHANNELID : 0);
	rdd_buf_u16le(&b, 0);
	if (code == 0)
		rdd_buf_u32le(&b, 1);
	logmsg("conn %d: -> CHANNEL_RESPONSE %s", t->id,
	       code_text(code, ct, sizeof ct));
	rc = send_buf(t, &b);
	if (code != 0)
		t->linger = true;
	else
		t->state = S_DATA;
	return rc;
}

static int
send_close(struct tun *t, bool response, uint32_t code)
{
	uint8_t o[16];
	struct rdd_buf b;
	char ct[96];

	rdd_buf_init(&b, o, sizeof o);
	if (rdd_tsgu_build_close(&b, response, code) != 0)
		return -1;
	logmsg("conn %d: -> CLOSE_CHANNEL%s %s", t->id,
	       response ? "_RESPONSE" : "", code_text(code, ct, sizeof ct));
	return send_buf(t, &b);
}

/* HTTP_UNICODE_STRING of ASCII S, its NUL sent and counted. */
static void
put_ustring(struct rdd_buf *b, const char *s)
{
	size_t i, n = strlen(s);

	rdd_buf_u16le(b, (uint16_t)(2 * (n + 1)));
	for (i = 0; i < n; i++)
		rdd_buf_u16le(b, (uint8_t)s[i]);
	rdd_buf_u16le(b, 0);
}

/* packetLength of the packet in B, once built. */
static void
set_length(struct rdd_buf *b)
{
	if (!b->err && b->len >= RDD_TSGU_HEADER) {
		b->p[4] = (uint8_t)b->len;
		b->p[5] = (uint8_t)(b->len >> 8);
		b->p[6] = (uint8_t)(b->len >> 16);
		b->p[7] = (uint8_t)(b->len >> 24);
	}
}

static int
handle(struct tun *t, const struct rdd_tsgu_pkt *p)
{
	uint8_t o[2200];
	struct rdd_buf b;
	char ct[96], name[300];
	uint32_t code = 0, caps;
	uint16_t fields;
	struct hs_req hs;
	struct rdd_cur data;

	t->last = gw_now_ms();
	rdd_buf_init(&b, o, sizeof o);
	switch (p->type) {
	case RDD_TSGU_HANDSHAKE_REQUEST:
		if (t->state != S_HANDSHAKE ||
		    parse_handshake_req(p->body, &hs) != 0)
			break;
		logmsg("conn %d: HANDSHAKE_REQUEST %u.%u clientVersion %u "
		       "ExtendedAuth 0x%x",
		       t->id, hs.major, hs.minor, hs.client_version,
		       hs.ext_auth);
		if (gw_opt.fault == GW_F_HANDSHAKE_ERROR)
			code = fault_code(0x800759E9u);
		gw_step_delay();
		hdr(&b, RDD_TSGU_HANDSHAKE_RESPONSE, 18);
		rdd_buf_u32le(&b, code);
		rdd_buf_u8(&b, 1);
		rdd_buf_u8(&b, 0);
		rdd_buf_u16le(&b, 0);
		rdd_buf_u16le(&b, 0); /* no extended auth (NTLM was HTTP's) */
		logmsg("conn %d: -> HANDSHAKE_RESPONSE %s", t->id,
		       code_text(code, ct, sizeof ct));
		t->state = S_TUNNEL;
		t->linger = (code & 0x80000000u) != 0;
		return send_buf(t, &b);
	case RDD_TSGU_TUNNEL_CREATE:
		if (t->state != S_TUNNEL ||
		    parse_tunnel_create(p->body, &caps, &fields) != 0)
			break;
		logmsg("conn %d: TUNNEL_CREATE caps 0x%x fieldsPresent 0x%x",
		       t->id, caps, fields);
		if (gw_opt.fault == GW_F_TUNNEL_ERROR)
			code = fault_code(0x800759F8u);
		else if (gw_opt.fault == GW_F_MAX_CONNECTIONS)
			code = fault_code(0x800759E6u);
		gw_step_delay();
		hdr(&b, RDD_TSGU_TUNNEL_RESPONSE, 0); /* set_length */
		rdd_buf_u16le(&b, 0);                 /* serverVersion */
		rdd_buf_u32le(&b, code);
		fields = code == 0 ? RDD_TSGU_TUNNEL_RSP_TUNNEL_ID |
		                         RDD_TSGU_TUNNEL_RSP_CAPS
		                   : 0;
		if (code == 0 && gw_opt.fault == GW_F_CONSENT)
			fields |= RDD_TSGU_TUNNEL_RSP_CONSENT_MSG;
		rdd_buf_u16le(&b, fields);
		rdd_buf_u16le(&b, 0);
		if (code == 0) {
			rdd_buf_u32le(&b, __atomic_add_fetch(&tunnel_ids, 1,
			                                     __ATOMIC_RELAXED));
			rdd_buf_u32le(
			    &b, caps & (RDD_TSGU_CAP_IDLE_TIMEOUT |
			                RDD_TSGU_CAP_MESSAGING_CONSENT_SIGN |
			                RDD_TSGU_CAP_MESSAGING_SERVICE_MSG));
		}
		if (fields & RDD_TSGU_TUNNEL_RSP_CONSENT_MSG) {
			put_ustring(&b, gw_opt.message);
			logmsg("conn %d: consent message '%s'", t->id,
			       gw_opt.message);
		}
		set_length(&b);
		logmsg("conn %d: -> TUNNEL_RESPONSE %s", t->id,
		       code_text(code, ct, sizeof ct));
		/* A DWORD code (positive) is no refusal for FreeRDP: go on
		 * as it does, so the lab shows what it does. */
		t->state = S_TUNNEL_AUTH;
		t->linger = (code & 0x80000000u) != 0;
		return send_buf(t, &b);
	case RDD_TSGU_TUNNEL_AUTH:
		if (t->state != S_TUNNEL_AUTH ||
		    parse_tunnel_auth(p->body, name, sizeof name) != 0)
			break;
		logmsg("conn %d: TUNNEL_AUTH client name '%s'", t->id, name);
		if (gw_opt.fault == GW_F_TUNNEL_AUTH_DENIED)
			code = fault_code(0x800759DBu);
		gw_step_delay();
		hdr(&b, RDD_TSGU_TUNNEL_AUTH_RESPONSE, code == 0 ? 24 : 16);
		rdd_buf_u32le(&b, code);
		rdd_buf_u16le(&b, code == 0 ? RDD_TSGU_AUTH_RSP_REDIR_FLAGS |
		                                  RDD_TSGU_AUTH_RSP_IDLE_TIMEOUT
		                            : 0);
		rdd_buf_u16le(&b, 0);
		if (code == 0) {
			rdd_buf_u32le(&b, 0); /* redirFlags: none */
			rdd_buf_u32le(&b, 0); /* idleTimeout: none */
		}
		logmsg("conn %d: -> TUNNEL_AUTH_RESPONSE %s", t->id,
		       code_text(code, ct, sizeof ct));
		t->state = S_CHANNEL;
		t->linger = (code & 0x80000000u) != 0;
		return send_buf(t, &b);
	case RDD_TSGU_CHANNEL_CREATE:
		if (t->state != S_CHANNEL)
			break;
		return on_channel_create(t, p->body);
	case RDD_TSGU_DATA:
		if (t->state != S_DATA ||
		    rdd_tsgu_parse_data(p->body, &data) != 0)
			break;
		if (t->stalled || t->closing)
			return 0; /* dropped */
		{
			const uint8_t *q = data.p;
			size_t left = data.len;

			while (left > 0) {
				ssize_t w =
				    send(t->target, q, left, MSG_NOSIGNAL);

				if (w <= 0) {
					logmsg("conn %d: target write failed",
					       t->id);
					t->end = true;
					return 0;
				}
				q += w;
				left -= (size_t)w;
			}
		}
		return 0;
	case RDD_TSGU_KEEPALIVE:
		/* The client's answer to ours, or its own: echo its own. */
		t->ka_recv++;
		if (t->ka_recv <= t->ka_sent)
			return 0;
		hdr(&b, RDD_TSGU_KEEPALIVE, 8);
		return send_buf(t, &b);
	case RDD_TSGU_CLOSE_CHANNEL:
		if (rdd_tsgu_parse_close(p->body, &code) != 0)
			break;
		logmsg("conn %d: CLOSE_CHANNEL from the client %s", t->id,
		       code_text(code, ct, sizeof ct));
		t->end = true;
		return send_close(t, true, 0);
	case RDD_TSGU_CLOSE_CHANNEL_RESPONSE:
		if (rdd_tsgu_parse_close(p->body, &code) != 0)
			break;
		logmsg("conn %d: CLOSE_CHANNEL_RESPONSE %s", t->id,
		       code_text(code, ct, sizeof ct));
		if (t->closing)
			t->end = true;
		return 0;
	default:
		break;
	}
	logmsg("conn %d: unexpected or malformed %s (type 0x%x, %u bytes) in "
	       "state %d: closing",
	       t->id,
	       rdd_tsgu_type_name(p->type) != NULL ? rdd_tsgu_type_name(p->type)
	                                           : "packet",
	       p->type, p->length, t->state);
	return -1;
}

/* Packets whole in the stream: handled, then dropped from it. */
static int
handle_all(struct tun *t)
{
	struct rdd_cur cur;
	struct rdd_tsgu_pkt p;
	int r;

	rdd_cur_init(&cur, t->pk, t->pk_len);
	while (!t->end && !t->linger && (r = rdd_tsgu_next(&cur, &p)) == 1)
		if (handle(t, &p) != 0)
			return -1;
	if (!t->end && !t->linger && r < 0) {
		logmsg("conn %d: bad packetLength", t->id);
		return -1;
	}
	memmove(t->pk, cur.p, cur.len);
	t->pk_len = cur.len;
	return 0;
}

static int
relay_target(struct tun *t)
{
	uint8_t buf[RELAY_CHUNK], o[RELAY_CHUNK + 16];
	struct rdd_buf b;
	ssize_t n;

	n = recv(t->target, buf, sizeof buf, 0);
	if (n <= 0) {
		logmsg("conn %d: target closed (%ld bytes relayed to the "
		       "client)",
		       t->id, t->s2c);
		t->end = true;
		return 0;
	}
	rdd_buf_init(&b, o, sizeof o);
	if (rdd_tsgu_build_data(&b, buf, (size_t)n) != 0 ||
	    send_buf(t, &b) != 0)
		return -1;
	t->s2c += n;
	t->last = gw_now_ms();
	if (t->s2c >= gw_opt.after_bytes && !t->injected) {
		uint8_t m[2100];
		struct rdd_buf mb;

		rdd_buf_init(&mb, m, sizeof m);
		switch (gw_opt.fault) {
		case GW_F_SERVICE_MESSAGE:
			t->injected = true;
			hdr(&mb, RDD_TSGU_SERVICE_MESSAGE, 0);
			put_ustring(&mb, gw_opt.message);
			set_length(&mb);
			logmsg("conn %d: fault service-message after %ld bytes",
			       t->id, t->s2c);
			return send_buf(t, &mb);
		case GW_F_REAUTH:
			t->injected = true;
			hdr(&mb, RDD_TSGU_REAUTH_MESSAGE, 16);
			rdd_buf_u32le(&mb, 0x123456);
			rdd_buf_u32le(&mb, 0);
			logmsg("conn %d: fault reauth after %ld bytes: "
			       "REAUTH_MESSAGE 0x123456",
			       t->id, t->s2c);
			return send_buf(t, &mb);
		case GW_F_ABORT_RELAY: {
			struct linger l = {.l_onoff = 1, .l_linger = 0};

			t->injected = true;
			logmsg(
			    "conn %d: fault abort-relay after %ld bytes: RST",
			    t->id, t->s2c);
			setsockopt(t->out->fd, SOL_SOCKET, SO_LINGER, &l,
			           sizeof l);
			t->out->aborted = true;
			t->end = true;
			return 0;
		}
		default:
			break;
		}
	}
	if (t->s2c >= gw_opt.after_bytes) {
		if (gw_opt.fault == GW_F_CLOSE_CHANNEL) {
			t->closing = true;
			t->close_deadline = gw_now_ms() + 5000;
			logmsg("conn %d: fault close-channel after %ld bytes",
			       t->id, t->s2c);
			return send_close(t, false, fault_code(0x000004D4u));
		}
		if (gw_opt.fault == GW_F_STALL_RELAY && !t->stalled) {
			t->stalled = true;
			t->close_deadline =
			    gw_now_ms() + (int64_t)gw_opt.stall_max_s * 1000;
			logmsg("conn %d: fault stall-relay after %ld bytes: "
			       "relaying nothing more (at most %d s)",
			       t->id, t->s2c, gw_opt.stall_max_s);
		}
	}
	return 0;
}

void
gw_tunnel_run(struct gw_conn *out, struct gw_conn *in, bool ws)
{
	struct tun t;
	int64_t next_ka, linger_end = 0, now;
	const char *why = "?";

	memset(&t, 0, sizeof t);
	t.out = out;
	t.in = in;
	t.ws = ws;
	t.id = out->id;
	t.target = -1;
	t.pk = malloc(PK_CAP);
	if (t.pk == NULL)
		return;
	rdd_http_body_init(&t.body, RDD_HTTP_BODY_CHUNKED, 0);
	t.last = gw_now_ms();
	next_ka = gw_opt.keepalive_s > 0
	              ? t.last + (int64_t)gw_opt.keepalive_s * 1000
	              : INT64_MAX;
	logmsg("conn %d: tunnel over %s", t.id,
	       ws ? "WebSocket" : "legacy HTTP (OUT + IN)");
	for (;;) {
		struct pollfd p[2];
		int np = 0, timeout, r;
		int64_t wake;
		bool pending;

		r = decode_input(&t);
		if (r < 0) {
			why = "client protocol error";
			break;
		}
		if (handle_all(&t) != 0) {
			why = "protocol error or write failure";
			break;
		}
		if (r == 1) {
			why = "client ended the stream";
			break;
		}
		if (t.end) {
			why = "channel closed";
			break;
		}
		now = gw_now_ms();
		if (t.linger && linger_end == 0)
			linger_end = now + LINGER_MS;
		if (linger_end != 0 && now >= linger_end) {
			why = "refusal sent, client did not close";
			break;
		}
		if ((t.closing || t.stalled) && now >= t.close_deadline) {
			why = t.closing ? "no CLOSE_CHANNEL_RESPONSE"
			                : "--stall-max over";
			break;
		}
		if (!t.stalled && now - t.last >= GW_IDLE_MS) {
			why = "idle";
			break;
		}
		if (t.state == S_DATA && !t.closing && !t.stalled &&
		    now >= next_ka) {
			uint8_t k[8];
			struct rdd_buf b;

			rdd_buf_init(&b, k, sizeof k);
			hdr(&b, RDD_TSGU_KEEPALIVE, 8);
			if (send_buf(&t, &b) != 0) {
				why = "write failed";
				break;
			}
			t.ka_sent++;
			next_ka = now + (int64_t)gw_opt.keepalive_s * 1000;
		}
		wake = t.last + GW_IDLE_MS;
		if (linger_end != 0 && linger_end < wake)
			wake = linger_end;
		if ((t.closing || t.stalled) && t.close_deadline < wake)
			wake = t.close_deadline;
		if (next_ka < wake && t.state == S_DATA)
			wake = next_ka;
		timeout = wake - now > 1000 ? 1000 : (int)(wake - now);
		if (timeout < 0)
			timeout = 0;
		pending = SSL_pending(in->ssl) > 0;
		p[np].fd = in->fd;
		p[np].events = POLLIN;
		p[np++].revents = 0;
		if (t.state == S_DATA && t.target >= 0 && !t.stalled &&
		    !t.closing && !t.linger) {
			p[np].fd = t.target;
			p[np].events = POLLIN;
			p[np++].revents = 0;
		}
		r = poll(p, (nfds_t)np, pending ? 0 : timeout);
		if (r < 0 && errno != EINTR) {
			why = "poll failed";
			break;
		}
		if (pending || (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			r = gw_read_more(in, 0);
			if (r == 0) {
				why = "client closed the connection";
				break;
			}
			if (r == -1) {
				why = "client read failed";
				break;
			}
			if (t.stalled)
				in->len = 0; /* read and ignored */
		}
		if (np > 1 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (relay_target(&t) != 0) {
				why = "client write failed";
				break;
			}
		}
	}
	logmsg("conn %d: tunnel ends: %s (%ld bytes to the client; "
	       "keepalives: %u sent, %u received)",
	       t.id, why, t.s2c, t.ka_sent, t.ka_recv);
	if (t.target >= 0)
		close(t.target);
	free(t.pk);
}

/* --- self-test ------------------------------------------------------------------------ */

int
gw_tsgu_self_test(void)
{
	/* Reference 8.2: what xfreerdp 2.11.7 sends. */
	static const uint8_t hs[] = {0x01, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00,
	                             0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t ta[] = {0x06, 0x00, 0x00, 0x00, 0x12, 0x00,
	                             0x00, 0x00, 0x00, 0x00, 0x06, 0x00,
	                             0x76, 0x00, 0x6d, 0x00, 0x00, 0x00};
	static const uint8_t cc[] = {
	    0x08, 0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x01,
	    0x00, 0x62, 0x84, 0x03, 0x00, 0x14, 0x00, '1',  0,
	    '2',  0,    '7',  0,    '.',  0,    '0',  0,    '.',
	    0,    '0',  0,    '.',  0,    '1',  0,    0,    0};
	struct rdd_cur c, b;
	struct rdd_tsgu_pkt p;
	struct hs_req h;
	struct ch_req *r = calloc(1, sizeof *r);
	char name[64];
	size_t n;
	int fails = 0;

	if (r == NULL)
		return 1;
	rdd_cur_init(&c, hs, sizeof hs);
	if (rdd_tsgu_next(&c, &p) != 1 ||
	    parse_handshake_req(p.body, &h) != 0 || h.major != 1 ||
	    h.minor != 0 || h.ext_auth != 0) {
		printf("FAIL tsgu: HANDSHAKE_REQUEST\n");
		fails++;
	}
	rdd_cur_init(&c, ta, sizeof ta);
	if (rdd_tsgu_next(&c, &p) != 1 ||
	    parse_tunnel_auth(p.body, name, sizeof name) != 0 ||
	    strcmp(name, "vm") != 0) {
		printf("FAIL tsgu: TUNNEL_AUTH\n");
		fails++;
	}
	rdd_cur_init(&c, cc, sizeof cc);
	if (rdd_tsgu_next(&c, &p) != 1 ||
	    parse_channel_create(p.body, r) != 0 || r->n != 1 ||
	    r->port != 33890 || r->protocol != 3 ||
	    strcmp(r->names[0], "127.0.0.1") != 0) {
		printf("FAIL tsgu: CHANNEL_CREATE\n");
		fails++;
	}
	/* Every truncation of each body is refused. */
	for (n = 0; n < sizeof hs - 8; n++) {
		rdd_cur_init(&b, hs + 8, n);
		if (parse_handshake_req(b, &h) == 0) {
			printf("FAIL tsgu: handshake truncated at %zu\n", n);
			fails++;
		}
	}
	for (n = 0; n < sizeof ta - 8; n++) {
		rdd_cur_init(&b, ta + 8, n);
		if (parse_tunnel_auth(b, name, sizeof name) == 0) {
			printf("FAIL tsgu: tunnel auth truncated at %zu\n", n);
			fails++;
		}
	}
	for (n = 0; n < sizeof cc - 8; n++) {
		rdd_cur_init(&b, cc + 8, n);
		if (parse_channel_create(b, r) == 0) {
			printf("FAIL tsgu: channel create truncated at %zu\n",
			       n);
			fails++;
		}
	}
	free(r);
	return fails;
}
