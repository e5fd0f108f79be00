/*
 * gwsrv_http.c - the lab gateway's HTTP side: the client's RDG_OUT_DATA /
 * RDG_IN_DATA requests ([MS-TSGU] 2.2.3, 3.3.5.1; reference 1.2-1.4),
 * NTLM over HTTP (reference 5.2: NEGOTIATE in the first request's
 * Authorization, 401 with the CHALLENGE, AUTHENTICATE on the same
 * connection), the WebSocket upgrade (101, Sec-WebSocket-Accept over the
 * literal key) and the legacy transport (OUT 200 without a length and 10
 * seed bytes; IN 200 with Content-Length 0, then the chunked re-request,
 * paired with its OUT by RDG-Connection-Id), and the HTTP-level faults.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "gwsrv.h"
#include "wire/crypto.h"
#include "wire/http_resp.h"
#include "wire/ntlm.h"
#include "wire/spnego.h"

#define HEAD_MAX 8192
/* First bytes of a SPNEGO NegTokenInit / NegTokenResp. */
#define RDD_DER_APP0 0x60
#define RDD_DER_CTX1 0xa1
#define HEADERS_MAX 64

struct gw_req {
	char method[24];
	char path[128];
	char conn_id[80];
	char ws_key[80];
	char auth_scheme[16];
	char auth_token[6144]; /* base64 */
	bool has_auth;
	bool conn_upgrade, upgrade_ws, chunked;
	long content_length;
};

/* Printable ASCII of S (at most N bytes) into DST, others as '?'. */
static void
esc(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && s[i] != '\0' && o + 1 < cap; i++)
		dst[o++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	dst[o] = '\0';
}

static bool
token_in(const char *list, const char *tok)
{
	size_t tl = strlen(tok);
	const char *p = list;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (strncasecmp(p, tok, tl) == 0 &&
		    (p[tl] == '\0' || p[tl] == ',' || p[tl] == ' ' ||
		     p[tl] == '\t'))
			return true;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return false;
}

static int
copy_val(char *dst, size_t cap, const char *v, size_t n)
{
	size_t i;

	if (n >= cap)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return -1;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

/*
 * Parse a request head from P (N bytes read so far). Returns the head's
 * length (with its blank line) when whole and valid, 0 when more bytes
 * are needed, -1 when malformed or over HEAD_MAX / HEADERS_MAX.
 */
static int
gw_req_parse(const uint8_t *p, size_t n, struct gw_req *q)
{
	const char *s = (const char *)p, *line, *eol, *end = NULL, *sp1, *sp2;
	size_t i, lim = n < HEAD_MAX ? n : HEAD_MAX, len;
	unsigned headers = 0;
	char val[8192];

	for (i = 0; i + 3 < lim; i++)
		if (memcmp(s + i, "\r\n\r\n", 4) == 0) {
			end = s + i + 2; /* the blank line's CR */
			break;
		}
	if (end == NULL)
		return n >= HEAD_MAX ? -1 : 0;
	memset(q, 0, sizeof *q);
	q->content_length = -1;

	/* Request line: METHOD SP TARGET SP HTTP/1.x */
	eol = memchr(s, '\r', (size_t)(end - s));
	if (eol == NULL)
		return -1;
	sp1 = memchr(s, ' ', (size_t)(eol - s));
	if (sp1 == NULL)
		return -1;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (sp2 == NULL || eol - sp2 - 1 != 8 ||
	    strncmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    copy_val(q->method, sizeof q->method, s, (size_t)(sp1 - s)) != 0 ||
	    copy_val(q->path, sizeof q->path, sp1 + 1,
	             (size_t)(sp2 - sp1 - 1)) != 0 ||
	    q->method[0] == '\0')
		return -1;

	for (line = eol + 2; line < end; line = eol + 2) {
		const char *colon, *v, *ve;

		eol = memchr(line, '\r', (size_t)(end - line) + 1);
		if (eol == NULL || eol[1] != '\n' || ++headers > HEADERS_MAX)
			return -1;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon == NULL || colon == line)
			return -1;
		v = colon + 1;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		ve = eol;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		len = (size_t)(ve - v);
		if (copy_val(val, sizeof val, v, len) != 0)
			return -1;
#define IS(name)                                                               \
	((size_t)(colon - line) == sizeof(name) - 1 &&                         \
	 strncasecmp(line, name, sizeof(name) - 1) == 0)
		if (IS("Connection")) {
			q->conn_upgrade = token_in(val, "upgrade");
		} else if (IS("Upgrade")) {
			q->upgrade_ws = token_in(val, "websocket");
		} else if (IS("Transfer-Encoding")) {
			q->chunked = token_in(val, "chunked");
		} else if (IS("Content-Length")) {
			char *e;

			q->content_length = strtol(val, &e, 10);
			if (*e != '\0' || q->content_length < 0)
				return -1;
		} else if (IS("Sec-WebSocket-Key")) {
			if (copy_val(q->ws_key, sizeof q->ws_key, val, len) !=
			    0)
				return -1;
		} else if (IS("RDG-Connection-Id")) {
			if (copy_val(q->conn_id, sizeof q->conn_id, val, len) !=
			    0)
				return -1;
		} else if (IS("Authorization")) {
			const char *sp = memchr(val, ' ', len);
			size_t sl = sp == NULL ? len : (size_t)(sp - val);

			if (copy_val(q->auth_scheme, sizeof q->auth_scheme, val,
			             sl) != 0)
				return -1;
			if (sp != NULL) {
				while (*sp == ' ')
					sp++;
				if (copy_val(q->auth_token,
				             sizeof q->auth_token, sp,
				             strlen(sp)) != 0)
					return -1;
			}
			q->has_auth = true;
		}
#undef IS
	}
	return (int)(end - s + 2);
}

/* Read one request head into Q (bounded by GW_IO_MS). 1, 0 (EOF before a
 * byte), -1 (malformed, timeout, error). */
static int
read_head(struct gw_conn *c, struct gw_req *q)
{
	int64_t end = gw_now_ms() + GW_IO_MS;
	int r;

	for (;;) {
		r = gw_req_parse(c->buf, c->len, q);
		if (r > 0) {
			gw_consume(c, (size_t)r);
			return 1;
		}
		if (r < 0) {
			static const char bad[] =
			    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
			    "Connection: close\r\n\r\n";

			logmsg("conn %d: malformed request head: 400", c->id);
			gw_write(c, bad, sizeof bad - 1);
			return -1;
		}
		if (gw_now_ms() >= end) {
			logmsg("conn %d: no whole request head in %d ms", c->id,
			       GW_IO_MS);
			return -1;
		}
		r = gw_read_more(c, (int)(end - gw_now_ms()));
		if (r == 0)
			return c->len == 0 ? 0 : -1;
		if (r == -1)
			return -1;
	}
}

static const char *
reason_of(int st)
{
	switch (st) {
	case 101:
		return "Switching Protocols";
	case 200:
		return "OK";
	case 302:
		return "Found";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 410:
		return "Gone";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	}
	return "Status";
}

/* Status line, HEADERS (each ending CRLF, may be ""), and with LEN0 a
 * Content-Length: 0; the blank line. */
static int
respond(struct gw_conn *c, int st, const char *headers, bool len0)
{
	char head[8192];
	int n;

	gw_step_delay();
	n = snprintf(head, sizeof head,
	             "HTTP/1.1 %d %s\r\nServer: rdpdoctor-lab-gateway\r\n%s%s%s"
	             "\r\n",
	             st, reason_of(st), headers,
	             st == 101 || st == 200 ? c->auth_final : "",
	             len0 ? "Content-Length: 0\r\n" : "");
	if (st == 101 || st == 200)
		c->auth_final[0] = '\0';
	if (n < 0 || (size_t)n >= sizeof head)
		return -1;
	logmsg("conn %d: -> %d %s", c->id, st, reason_of(st));
	return gw_write(c, head, (size_t)n);
}

static const char offer_both[] = "WWW-Authenticate: Negotiate\r\n"
                                 "WWW-Authenticate: NTLM\r\n";

/* FILETIME now (100 ns since 1601). */
static uint64_t
now_ft(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + 11644473600ull) * 10000000ull +
	       (uint64_t)ts.tv_nsec / 100;
}

static const char offer_negotiate[] = "WWW-Authenticate: Negotiate\r\n";

/* Negotiate only: --auth negotiate, or NTLM refused inside it. */
static bool
negotiate_only(void)
{
	return gw_opt.auth == GW_A_NEGOTIATE ||
	       gw_opt.fault == GW_F_NEGOTIATE_NO_NTLM;
}

/* 401 offering the schemes again (0), or -1 if it cannot be sent. */
static int
again(struct gw_conn *c)
{
	return respond(c, 401, negotiate_only() ? offer_negotiate : offer_both,
	               true) == 0
	           ? 0
	           : -1;
}

/* 401 with "WWW-Authenticate: Negotiate <base64 of TOK>" (0), or -1. */
static int
negotiate_401(struct gw_conn *c, const uint8_t *tok, size_t len)
{
	char b64[6000], hdr[6100];

	if (rdd_b64_encode(b64, sizeof b64, tok, len) < 0)
		return -1;
	snprintf(hdr, sizeof hdr, "WWW-Authenticate: Negotiate %s\r\n", b64);
	return respond(c, 401, hdr, true) == 0 ? 0 : -1;
}

/* SPNEGO under Negotiate: the MechTypeList of the client's NegTokenInit
 * (the mechListMICs cover it), kept per connection. */
struct gw_spnego {
	bool on;
	uint8_t mech_list[256];
	size_t mech_list_len;
};

/* negState reject, nothing else (RFC 4178 4.2.2). */
static int
reject_401(struct gw_conn *c)
{
	uint8_t tok[16];
	struct rdd_buf b;

	rdd_buf_init(&b, tok, sizeof tok);
	if (rdd_spnego_build_resp(&b, RDD_SPNEGO_REJECT, NULL, 0, NULL, 0, NULL,
	                          0) != 0)
		return -1;
	return negotiate_401(c, tok, b.len);
}

/* The NEGOTIATE: 401 with the CHALLENGE, under the client's scheme. */
static int
challenge_leg(struct gw_conn *c, struct inj_ntlm *n, const uint8_t *msg,
              size_t len, bool neg, bool spnego)
{
	uint8_t out[4096], wrapped[4200];
	char b64[6000], hdr[6100];
	struct rdd_buf ob, wb;

	inj_ntlm_free(n);
	memset(n, 0, sizeof *n);
	rdd_buf_init(&ob, out, sizeof out);
	if (inj_ntlm_challenge(n, msg, len, now_ft(), &ob) != 0) {
		logmsg("conn %d: bad NTLM NEGOTIATE", c->id);
		return again(c);
	}
	if (spnego) {
		/* NegTokenResp {accept-incomplete, NTLM, CHALLENGE}. */
		rdd_buf_init(&wb, wrapped, sizeof wrapped);
		if (rdd_spnego_build_resp(&wb, RDD_SPNEGO_ACCEPT_INCOMPLETE,
		                          rdd_oid_ntlm, sizeof rdd_oid_ntlm,
		                          ob.p, ob.len, NULL, 0) != 0)
			return -1;
		logmsg("conn %d: SPNEGO NTLM NEGOTIATE: 401 with the "
		       "CHALLENGE in a NegTokenResp",
		       c->id);
		return negotiate_401(c, wb.p, wb.len);
	}
	if (rdd_b64_encode(b64, sizeof b64, ob.p, ob.len) < 0) {
		logmsg("conn %d: bad NTLM NEGOTIATE", c->id);
		return again(c);
	}
	snprintf(hdr, sizeof hdr, "WWW-Authenticate: %s %s\r\n",
	         neg ? "Negotiate" : "NTLM", b64);
	logmsg("conn %d: NTLM NEGOTIATE: 401 with the CHALLENGE", c->id);
	return respond(c, 401, hdr, true) == 0 ? 0 : -1;
}

/* The mechListMIC of the client's last SPNEGO token (MIC, MIC_LEN; MIC
 * NULL: absent), required once the AUTHENTICATE carries an NTLM MIC
 * ([MS-SPNG] 3.1.5.1); then the server's, in C->auth_final. 0 or -1. */
static int
spnego_mics(struct gw_conn *c, struct inj_ntlm *n, const struct gw_spnego *sp,
            const uint8_t *mic, size_t mic_len)
{
	uint8_t mine[16], tok[64];
	char b64[128];
	struct rdd_buf b;

	if (mic == NULL && n->has_mic) {
		logmsg("conn %d: SPNEGO: no mechListMIC with an NTLM MIC",
		       c->id);
		return -1;
	}
	if (mic != NULL &&
	    inj_ntlm_verify_mic(n, sp->mech_list, sp->mech_list_len, mic,
	                        mic_len) != 0) {
		logmsg("conn %d: SPNEGO: the client's mechListMIC does not "
		       "verify",
		       c->id);
		return -1;
	}
	rdd_buf_init(&b, tok, sizeof tok);
	if (inj_ntlm_get_mic(n, sp->mech_list, sp->mech_list_len, mine) != 0 ||
	    rdd_spnego_build_resp(&b, RDD_SPNEGO_ACCEPT_COMPLETED, NULL, 0,
	                          NULL, 0, mine, sizeof mine) != 0 ||
	    rdd_b64_encode(b64, sizeof b64, b.p, b.len) < 0)
		return -1;
	snprintf(c->auth_final, sizeof c->auth_final,
	         "WWW-Authenticate: Negotiate %s\r\n", b64);
	logmsg("conn %d: SPNEGO: mechListMIC %s, ours in the last token", c->id,
	       mic != NULL ? "verified" : "absent (no NTLM MIC)");
	return 0;
}

/* The AUTHENTICATE: 1 signed in, else a 401 (0) or -1. SP: it came in
 * a SPNEGO NegTokenResp with the mechListMIC MIC (or NULL). */
static int
authenticate_leg(struct gw_conn *c, struct inj_ntlm *n, const uint8_t *msg,
                 size_t len, const struct gw_spnego *sp, const uint8_t *mic,
                 size_t mic_len)
{
	char u[INJ_NAME_MAX], d[INJ_NAME_MAX];
	enum inj_ntlm_result r;

	r = inj_ntlm_authenticate(n, &gw_opt.acct, msg, len);
	esc(u, sizeof u, n->user, sizeof n->user);
	esc(d, sizeof d, n->domain, sizeof n->domain);
	if (r == INJ_NTLM_OK && sp != NULL &&
	    spnego_mics(c, n, sp, mic, mic_len) != 0)
		return again(c);
	if (r == INJ_NTLM_OK && gw_opt.fault != GW_F_401_AFTER_AUTH) {
		logmsg("conn %d: NTLM AUTHENTICATE%s: signed in as '%s\\%s'",
		       c->id, sp != NULL ? " in SPNEGO" : "", d, u);
		return 1;
	}
	logmsg("conn %d: NTLM AUTHENTICATE from '%s\\%s': %s%s", c->id, d, u,
	       inj_ntlm_result_name(r),
	       r == INJ_NTLM_OK ? " (fault 401-after-auth)" : "");
	return again(c);
}

/*
 * One authentication leg of NTLM over HTTP (reference 5.2): no token, a
 * NEGOTIATE, or the AUTHENTICATE after our CHALLENGE on this connection.
 * An NTLM token is taken under "NTLM" or "Negotiate" (raw, not SPNEGO).
 * 1: signed in (the caller answers this request); 0: a 401 was sent (next
 * request); -1: close.
 */
/* A SPNEGO token under Negotiate (MSG, LEN): the NegTokenInit with the
 * NEGOTIATE, or the NegTokenResp with the AUTHENTICATE after our
 * CHALLENGE (WAS). As auth_leg. */
static int
spnego_leg(struct gw_conn *c, struct inj_ntlm *n, struct gw_spnego *sp,
           const uint8_t *msg, size_t len, bool was, bool *challenged)
{
	struct rdd_spnego_init in;
	struct rdd_spnego_resp rs;
	struct rdd_cur cur;

	rdd_cur_init(&cur, msg, len);
	if (msg[0] == RDD_DER_APP0) {
		int r;

		sp->on = false;
		if (rdd_spnego_parse_init(&cur, &in) != 0 ||
		    rdd_cur_left(&cur) != 0) {
			logmsg("conn %d: Negotiate token is not a SPNEGO "
			       "NegTokenInit",
			       c->id);
			return again(c);
		}
		if (gw_opt.fault == GW_F_NEGOTIATE_NO_NTLM) {
			logmsg("conn %d: SPNEGO offering %sNTLM: reject "
			       "(fault negotiate-no-ntlm: NTLM is blocked)",
			       c->id, in.has_ntlm ? "" : "no ");
			return reject_401(c);
		}
		if (!in.first_ntlm || !in.has_token ||
		    in.mech_list.len > sizeof sp->mech_list) {
			logmsg("conn %d: SPNEGO without NTLM first with its "
			       "token (%u mechanisms): reject (this gateway "
			       "knows NTLM only)",
			       c->id, in.n_mechs);
			return reject_401(c);
		}
		memcpy(sp->mech_list, in.mech_list.p, in.mech_list.len);
		sp->mech_list_len = in.mech_list.len;
		rdd_cur_init(&cur, in.token.p, in.token.len);
		if (!rdd_ntlm_has_signature(&cur) ||
		    rdd_ntlm_message_type(&cur) != RDD_NTLM_NEGOTIATE) {
			logmsg("conn %d: SPNEGO NTLM token is not a "
			       "NEGOTIATE",
			       c->id);
			return again(c);
		}
		r = challenge_leg(c, n, in.token.p, in.token.len, true, true);
		*challenged = n->challenge_len > 0;
		sp->on = *challenged;
		return r;
	}
	if (!was || !sp->on || rdd_spnego_parse_resp(&cur, &rs) != 0 ||
	    rdd_cur_left(&cur) != 0 || !rs.has_token) {
		logmsg("conn %d: Negotiate token is not the AUTHENTICATE's "
		       "NegTokenResp in turn",
		       c->id);
		return again(c);
	}
	rdd_cur_init(&cur, rs.token.p, rs.token.len);
	if (!rdd_ntlm_has_signature(&cur) ||
	    rdd_ntlm_message_type(&cur) != RDD_NTLM_AUTHENTICATE) {
		logmsg("conn %d: SPNEGO token is not an NTLM AUTHENTICATE",
		       c->id);
		return again(c);
	}
	return authenticate_leg(c, n, rs.token.p, rs.token.len, sp,
	                        rs.has_mic ? rs.mic.p : NULL,
	                        rs.has_mic ? rs.mic.len : 0);
}

static int
auth_leg(struct gw_conn *c, const struct gw_req *q, struct inj_ntlm *n,
         struct gw_spnego *sp, bool *challenged)
{
	uint8_t msg[sizeof q->auth_token * 3 / 4];
	struct rdd_cur cur;
	size_t len;
	int type;
	bool neg, was = *challenged;

	*challenged = false;
	if (!q->has_auth || q->auth_token[0] == '\0') {
		logmsg("conn %d: no Authorization: 401 offering %s", c->id,
		       negotiate_only() ? "Negotiate" : "Negotiate, NTLM");
		return again(c);
	}
	neg = strcasecmp(q->auth_scheme, "Negotiate") == 0;
	if (!neg &&
	    (strcasecmp(q->auth_scheme, "NTLM") != 0 || negotiate_only())) {
		logmsg("conn %d: Authorization scheme %s not offered", c->id,
		       strcasecmp(q->auth_scheme, "NTLM") == 0 ? "NTLM"
		                                               : "other");
		return again(c);
	}
	if (rdd_b64_decode(msg, sizeof msg, &len,
	                   (const uint8_t *)q->auth_token,
	                   strlen(q->auth_token)) != 0 ||
	    len == 0) {
		logmsg("conn %d: Authorization token is not base64", c->id);
		return again(c);
	}
	if (neg && (msg[0] == RDD_DER_APP0 || msg[0] == RDD_DER_CTX1))
		return spnego_leg(c, n, sp, msg, len, was, challenged);
	if (gw_opt.fault == GW_F_NEGOTIATE_NO_NTLM) {
		logmsg("conn %d: raw NTLM under Negotiate: refused (fault "
		       "negotiate-no-ntlm)",
		       c->id);
		return again(c);
	}
	sp->on = false;
	rdd_cur_init(&cur, msg, len);
	type = rdd_ntlm_has_signature(&cur) ? rdd_ntlm_message_type(&cur) : -1;
	if (type == RDD_NTLM_NEGOTIATE) {
		int r = challenge_leg(c, n, msg, len, neg, false);

		*challenged = n->challenge_len > 0;
		return r;
	}
	if (type == RDD_NTLM_AUTHENTICATE && was)
		return authenticate_leg(c, n, msg, len, NULL, NULL, 0);
	logmsg("conn %d: not an NTLM message in turn (type %d)", c->id, type);
	return again(c);
}

/* --- legacy pairing: OUT waits for its IN ------------------------------------ */

#define PAIRS 16

static struct pair {
	bool used;
	char id[80];
	struct gw_conn *in;
	bool done;
} pairs[PAIRS];
static pthread_mutex_t pair_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pair_cv = PTHREAD_COND_INITIALIZER;

static void
deadline_ts(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void
legacy_out(struct gw_conn *c, const struct gw_req *q)
{
	static const uint8_t seed[10] = {0xab, 0xcd, 0xab, 0xcd, 0xab,
	                                 0xcd, 0xab, 0xcd, 0xab, 0xcd};
	struct pair *p = NULL;
	struct gw_conn *in = NULL;
	struct timespec ts;
	int i, rc = 0;

	/* 200 without a length: the body is every server packet. */
	if (respond(c, 200, "Content-Type: application/octet-stream\r\n",
	            false) != 0 ||
	    gw_write(c, seed, sizeof seed) != 0)
		return;
	pthread_mutex_lock(&pair_mu);
	for (i = 0; i < PAIRS && p == NULL; i++)
		if (!pairs[i].used)
			p = &pairs[i];
	if (p != NULL) {
		memset(p, 0, sizeof *p);
		p->used = true;
		strcpy(p->id, q->conn_id);
	}
	deadline_ts(&ts, GW_PAIR_MS);
	while (p != NULL && p->in == NULL && rc == 0)
		rc = pthread_cond_timedwait(&pair_cv, &pair_mu, &ts);
	if (p != NULL) {
		in = p->in;
		if (in == NULL)
			p->used = false;
	}
	pthread_mutex_unlock(&pair_mu);
	if (in == NULL) {
		logmsg("conn %d: legacy OUT: no IN channel came in %d ms",
		       c->id, GW_PAIR_MS);
		return;
	}
	logmsg("conn %d: legacy OUT paired with IN conn %d", c->id, in->id);
	gw_tunnel_run(c, in, false);
	gw_shutdown(c);
	pthread_mutex_lock(&pair_mu);
	p->done = true;
	pthread_cond_broadcast(&pair_cv);
	pthread_mutex_unlock(&pair_mu);
}

static void
legacy_in(struct gw_conn *c, const struct gw_req *q)
{
	struct pair *p = NULL;
	struct timespec ts;
	int i;

	pthread_mutex_lock(&pair_mu);
	for (i = 0; i < PAIRS && p == NULL && gw_opt.fault != GW_F_NO_AFFINITY;
	     i++)
		if (pairs[i].used && pairs[i].in == NULL &&
		    strcmp(pairs[i].id, q->conn_id) == 0)
			p = &pairs[i];
	if (p != NULL) {
		p->in = c;
		pthread_cond_broadcast(&pair_cv);
		/* The OUT's thread owns C until it says done. */
		deadline_ts(&ts, (gw_opt.duration_s + 5) * 1000);
		while (!p->done &&
		       pthread_cond_timedwait(&pair_cv, &pair_mu, &ts) == 0)
			;
		p->used = false;
	}
	pthread_mutex_unlock(&pair_mu);
	if (p == NULL)
		logmsg("conn %d: IN channel could not find a corresponding "
		       "OUT channel (Windows event 210)",
		       c->id);
}

void
gw_http_serve(struct gw_conn *c)
{
	struct gw_req *q = malloc(sizeof *q);
	struct inj_ntlm *ntlm = calloc(1, sizeof *ntlm);
	struct gw_spnego *sp = calloc(1, sizeof *sp);
	bool authed = gw_opt.no_auth, challenged = false;
	char m[32], path[140], cid[90];
	int nreq, r;

	if (q == NULL || ntlm == NULL || sp == NULL)
		goto out;
	for (nreq = 0; nreq < GW_MAX_REQUESTS; nreq++) {
		bool in, out_;

		r = read_head(c, q);
		if (r <= 0)
			break;
		esc(m, sizeof m, q->method, sizeof q->method);
		esc(path, sizeof path, q->path, sizeof q->path);
		esc(cid, sizeof cid, q->conn_id, sizeof q->conn_id);
		logmsg("conn %d: %s %s%s%s%s%s%s", c->id, m, path,
		       q->upgrade_ws ? " (websocket upgrade)" : "",
		       q->chunked ? " (chunked)" : "",
		       q->has_auth ? " (Authorization)" : "",
		       cid[0] != '\0' ? " id " : "", cid);
		if (gw_opt.fault == GW_F_CLOSE_AFTER_HEADERS) {
			logmsg("conn %d: fault close-after-headers", c->id);
			gw_step_delay();
			gw_shutdown(c);
			break;
		}
		if (gw_opt.fault == GW_F_STALL_BEFORE_STATUS) {
			gw_stall(c, "fault stall-before-status");
			break;
		}
		if (gw_opt.fault == GW_F_RPC_ONLY &&
		    strncmp(q->method, "RPC_", 4) == 0 &&
		    strncasecmp(q->path, "/rpc/rpcproxy.dll", 17) == 0) {
			/* A 2008 R2 gateway: RPC over HTTP only, which wants
			 * its own NTLM legs; this one never lets them in. */
			if (respond(c, 401, offer_both, true) != 0)
				break;
			continue;
		}
		in = strcmp(q->method, "RDG_IN_DATA") == 0;
		out_ = strcmp(q->method, "RDG_OUT_DATA") == 0;
		if ((!in && !out_) || gw_opt.fault == GW_F_RPC_ONLY ||
		    strncasecmp(q->path, "/remoteDesktopGateway/", 22) != 0) {
			/* RPC over HTTP (/rpc/rpcproxy.dll) and anything
			 * else: not here. */
			if (respond(c, 404, "", true) != 0)
				break;
			continue;
		}
		if (gw_opt.fault == GW_F_HTTP_STATUS) {
			char hdr[128] = "";

			if (gw_opt.http_status >= 300 &&
			    gw_opt.http_status < 400)
				snprintf(hdr, sizeof hdr,
				         "Location: https://gateway2.rdpsrv.lab"
				         "/remoteDesktopGateway/\r\n");
			if (respond(c, gw_opt.http_status, hdr, true) != 0)
				break;
			continue;
		}
		if (gw_opt.fault == GW_F_401_FOREVER) {
			if (respond(c, 401, offer_both, true) != 0)
				break;
			continue;
		}
		if (gw_opt.fault == GW_F_NEGOTIATE_ONLY) {
			if (respond(c, 401, "WWW-Authenticate: Negotiate\r\n",
			            true) != 0)
				break;
			continue;
		}
		if (!authed) {
			r = auth_leg(c, q, ntlm, sp, &challenged);
			if (r < 0)
				break;
			if (r == 0)
				continue;
			authed = true;
		}
		if (in) {
			if (gw_opt.transport == GW_T_WS) {
				if (respond(c, 404, "", true) != 0)
					break;
				continue;
			}
			if (q->chunked) {
				legacy_in(c, q);
				break;
			}
			if (respond(c, 200, "", true) != 0)
				break;
			continue;
		}
		if (q->upgrade_ws && gw_opt.transport != GW_T_HTTP) {
			char acc[29], hdr[256];

			if (rdd_ws_accept(q->ws_key, acc) != 0) {
				logmsg("conn %d: unusable Sec-WebSocket-Key",
				       c->id);
				if (respond(c, 400, "", true) != 0)
					break;
				continue;
			}
			if (gw_opt.fault == GW_F_BAD_WS_ACCEPT)
				memcpy(acc, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", 29);
			snprintf(hdr, sizeof hdr,
			         "Upgrade: websocket\r\nConnection: Upgrade\r\n"
			         "Sec-WebSocket-Accept: %s\r\n",
			         acc);
			if (respond(c, 101, hdr, false) != 0)
				break;
			if (gw_opt.fault == GW_F_BAD_WS_ACCEPT) {
				gw_stall(c, "fault bad-ws-accept");
				break;
			}
			gw_tunnel_run(c, c, true);
			gw_shutdown(c);
			break;
		}
		if (gw_opt.transport == GW_T_WS) {
			if (respond(c, 404, "", true) != 0)
				break;
			continue;
		}
		legacy_out(c, q);
		break;
	}
out:
	if (ntlm != NULL)
		inj_ntlm_free(ntlm);
	free(ntlm);
	free(sp);
	free(q);
}

/* --- self-test ----------------------------------------------------------------------- */

int
gw_http_self_test(void)
{
	static const char req[] =
	    "RDG_OUT_DATA /remoteDesktopGateway/ HTTP/1.1\r\n"
	    "Host: gateway.rdpsrv.lab\r\nConnection: Upgrade\r\n"
	    "Upgrade: websocket\r\nSec-Websocket-Version: 13\r\n"
	    "Sec-Websocket-Key: ABCDEFGHIJKLMNO\r\n"
	    "RDG-Connection-Id: {11111111-2222-3333-4444-555555555555}\r\n"
	    "Authorization: NTLM TlRMTVNTUAABAAAAt4II4gAAAAAAAAAAAAAAAAAAAAAG"
	    "AbEdAAAADw==\r\nContent-Length: 0\r\n\r\nXYZ";
	struct gw_req q;
	size_t whole = sizeof req - 1 - 3, n;
	int fails = 0, r;

	r = gw_req_parse((const uint8_t *)req, sizeof req - 1, &q);
	if (r != (int)whole || strcmp(q.method, "RDG_OUT_DATA") != 0 ||
	    !q.upgrade_ws || !q.conn_upgrade ||
	    strcmp(q.ws_key, "ABCDEFGHIJKLMNO") != 0 ||
	    strcmp(q.auth_scheme, "NTLM") != 0 || q.content_length != 0 ||
	    strncmp(q.auth_token, "TlRMTVNT", 8) != 0 ||
	    strcmp(q.conn_id, "{11111111-2222-3333-4444-555555555555}") != 0) {
		printf("FAIL http: the example request (r=%d)\n", r);
		fails++;
	}
	for (n = 0; n < whole; n++)
		if (gw_req_parse((const uint8_t *)req, n, &q) != 0) {
			printf("FAIL http: truncation at %zu not 'need more'\n",
			       n);
			fails++;
		}
	if (gw_req_parse((const uint8_t *)"GET\r\n\r\n", 7, &q) != -1 ||
	    gw_req_parse((const uint8_t *)"A B HTTP/1.1\r\nNoColon\r\n\r\n", 26,
	                 &q) != -1) {
		printf("FAIL http: malformed heads accepted\n");
		fails++;
	}
	return fails;
}
