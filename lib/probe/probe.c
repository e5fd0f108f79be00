/*
 * probe.c - the per-connection state machine (probe.h), sans I/O.
 *
 *   IDLE --start--> X224 --Connection Confirm--> TLS --handshake--> DONE
 *                     |  (RSP selecting SSL, HYBRID or HYBRID_EX,    ^ ^
 *                     |   and cfg->tls)        | (HYBRID or          | |
 *                     |                        |  HYBRID_EX selected, | |
 *                     |                        |  cfg->credssp)       | |
 *                     |                        +--> CREDSSP --answer--+ |
 *                     +-- any other answer, close, reset, deadline -----+
 *
 * X224 sends the Connection Request ([MS-RDPBCGR] 2.2.1.1) and waits for a
 * whole TPKT (lib/wire/tpkt) holding the Connection Confirm (2.2.1.2,
 * lib/wire/x224). An answer that is not TPKT at all is named after what it
 * looks like (a TLS record, an HTTP response, an SSH banner, text, binary),
 * once enough of it has arrived to tell. TLS hands the connection to
 * tls.c (OpenSSL over memory BIOs) and fills the rdd_tls_info record.
 * CREDSSP sends one TSRequest with an NTLM NEGOTIATE as TLS application
 * data (lib/probe/nla.c), collects the server's answer until its DER
 * outer length is complete (lib/wire/credssp.c frames it across TLS
 * records), records what it says in the rdd_credssp_info record, and
 * stops: no AUTHENTICATE, no credentials.
 *
 * MCS follows the Connection Confirm when the server selected standard RDP
 * security (or answered without negotiation data), and the TLS handshake
 * when it selected SSL: it sends the Connect-Initial (lib/probe/mcsphase,
 * in TLS application data after TLS), waits for one whole TPKT, and
 * records the Connect-Response, or the Disconnect Provider Ultimatum that
 * came instead, in the attempt and the rdd_mcs_info record. Then it stops:
 * no Erect Domain, no security exchange.
 *
 * The probe never reads a clock: every entry point gets the time from the
 * caller, and every time in the attempt record is milliseconds since
 * cfg->t0_us. Each phase has its own deadline, phase_timeout_us after it
 * started. Received bytes are buffered only until a TPKT (or, in CREDSSP,
 * a TSRequest) is whole, and at most RDD_TPKT_MAX (RDD_TSREQUEST_MAX) of
 * them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/probe.h"
#include "probe/growbuf.h"
#include "probe/logon.h"
#include "probe/logon_krb.h"
#include "probe/mcsphase.h"
#include "probe/nla.h"
#include "probe/session.h"
#include "probe/tls.h"
#include "wire/credssp.h"
#include "wire/crypto.h"
#include "wire/cursor.h"
#include "wire/tpkt.h"
#include "wire/gcc.h"
#include "wire/mcs.h"
#include "wire/x224.h"

#define CR_CAP 512                /* TPKT + X.224 CR + cookie + RDP_NEG_REQ */
#define IN_CAP RDD_TPKT_MAX       /* a TPKT is at most this long */
#define SNIFF_LEN RDD_FIRST_BYTES /* enough to name binary bytes */
#define SNIFF_TEXT_MAX 128        /* longest text line waited for */

enum state {
	ST_IDLE,
	ST_X224,
	ST_TLS,
	ST_CREDSSP,
	ST_MCS,
	ST_SESSION,
	ST_DONE
};

struct rdd_probe {
	struct rdd_attempt *a;
	struct rdd_tls_info *tls_info;
	uint32_t requested;
	bool want_tls;
	bool want_credssp;
	bool credssp_spnego;
	/* The records of the phases after TLS: the driver's, or the
	 * probe's own (own_records), allocated only for a phase it wants:
	 * a probe that stops after X.224 or TLS (scan --depth quick) holds
	 * none of their ~9 KB. NULL while the phase is not wanted. */
	struct rdd_credssp_info *cinfo;
	struct rdd_credssp_info *own;
	/* The logon after the CHALLENGE (check --user). */
	const struct rdd_credentials *creds;
	struct rdd__logon *logon;
	enum {
		LS_NONE,
		LS_KRB_MSG2, /* Kerberos: the AP-REQ sent, the AP-REP awaited */
		LS_MSG4,
		LS_EARLY,
		LS_DONE
	} logon_step;
	/* Kerberos (logon_krb.h): with krb_await, CredSSP waits after TLS
	 * for the driver's rdd_probe_set_kerberos (krb_decided); krb_ccache
	 * set: log on with Kerberos, else NTLM for krb_why. */
	struct rdd__logon_krb *klogon;
	bool krb_await, krb_decided, krb_held;
	char *krb_ccache;
	char *krb_realm;
	char krb_why[RDD_STR];
	uint64_t logon_start_us;
	uint8_t nla_req[RDD_NLA_REQUEST_MAX]; /* message 1 as sent */
	size_t nla_req_len;
	bool want_mcs;
	uint32_t encryption_methods;
	struct rdd_mcs_info *minfo;
	struct rdd_mcs_info *own_mcs;
	bool want_session;
	enum rdd_phase stop_after;
	bool licensing_full;
	struct rdd_session_info *sinfo;
	struct rdd_session_info *own_session;
	struct rdd__session *sess;
	int client_family;
	char client_address[64];
	char channels[RDD_GCC_MAX_CHANNELS][8];
	const char *channel_names[RDD_GCC_MAX_CHANNELS];
	size_t n_channels;
	uint64_t timeout_us;
	uint64_t t0_us;
	rdd_trace_cb trace;
	void *trace_ctx;
	char *cookie; /* copies of the config's strings */
	char *server_name;
	void *trust_store; /* X509_STORE *, not owned; may be NULL */
	int64_t verify_at;

	enum state st;
	uint64_t phase_start_us;
	uint64_t deadline_us;

	/* Received X.224-phase bytes not yet a whole TPKT; in CREDSSP, the
	 * decrypted bytes of the answer not yet a whole TSRequest. */
	uint8_t *in;
	size_t in_len;
	size_t in_cap;
	size_t rx; /* bytes received in the X.224 phase */

	/* Bytes to send; refilled from TLS only when all were sent, so that
	 * the pointer pending() hands out stays valid until sent(). */
	uint8_t *out;
	size_t out_len;
	size_t out_off;
	size_t out_cap;

	struct rdd__tls *tls;
};

static void tracef(const struct rdd_probe *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tracef(const struct rdd_probe *p, const char *fmt, ...)
{
	char line[RDD_STR];
	va_list ap;

	if (p->trace == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->trace(p->trace_ctx, p->a->label, line);
}

static double
rel_ms(const struct rdd_probe *p, uint64_t now_us)
{
	return (double)(int64_t)(now_us - p->t0_us) / 1000.0;
}

static double
span_ms(uint64_t from_us, uint64_t to_us)
{
	return to_us >= from_us ? (double)(to_us - from_us) / 1000.0 : 0.0;
}

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

static char *
dup_str(const char *s, bool *oom)
{
	char *d;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	d = malloc(n);
	if (d == NULL)
		*oom = true;
	else
		memcpy(d, s, n);
	return d;
}

/*
 * Point each wanted phase that has no record at one of the probe's own.
 * False when out of memory.
 */
static bool
own_records(struct rdd_probe *p)
{
	if (p->want_credssp && p->cinfo == NULL)
		p->cinfo = p->own = calloc(1, sizeof(*p->own));
	if (p->want_mcs && p->minfo == NULL)
		p->minfo = p->own_mcs = calloc(1, sizeof(*p->own_mcs));
	if (p->want_session && p->sinfo == NULL)
		p->sinfo = p->own_session = calloc(1, sizeof(*p->own_session));
	return !(p->want_credssp && p->cinfo == NULL) &&
	       !(p->want_mcs && p->minfo == NULL) &&
	       !(p->want_session && p->sinfo == NULL);
}

struct rdd_probe *
rdd_probe_new(const struct rdd_probe_config *cfg, struct rdd_attempt *attempt,
              struct rdd_tls_info *tls)
{
	struct rdd_probe *p;
	bool oom = false;
	size_t i;

	if (cfg == NULL || attempt == NULL)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->a = attempt;
	p->tls_info = tls;
	p->requested = cfg->requested_protocols;
	p->want_tls = cfg->tls;
	p->want_credssp = cfg->credssp;
	p->credssp_spnego = cfg->credssp_spnego;
	p->want_mcs = cfg->mcs;
	p->encryption_methods = cfg->encryption_methods;
	p->want_session = cfg->session;
	p->stop_after = cfg->stop_after;
	p->licensing_full = cfg->licensing_full;
	for (i = 0; i < cfg->n_channels && i < RDD_GCC_MAX_CHANNELS; i++) {
		snprintf(p->channels[i], sizeof(p->channels[i]), "%s",
		         cfg->channels[i] != NULL ? cfg->channels[i] : "");
		p->channel_names[i] = p->channels[i];
	}
	p->n_channels = i;
	p->timeout_us = cfg->phase_timeout_us;
	p->t0_us = cfg->t0_us;
	p->trace = cfg->trace;
	p->trace_ctx = cfg->trace_ctx;
	p->cookie = dup_str(cfg->cookie, &oom);
	p->server_name = dup_str(cfg->server_name, &oom);
	p->trust_store = cfg->trust_store;
	p->verify_at = cfg->verify_at;
	p->creds = cfg->credentials;
	p->krb_await = cfg->await_kerberos && cfg->credentials != NULL;
	p->deadline_us = UINT64_MAX;
	if (!own_records(p))
		oom = true;
	if (oom) {
		rdd_probe_free(p);
		return NULL;
	}

	/* The probe's part of the attempt record. */
	attempt->requested = cfg->requested_protocols;
	attempt->tls_wanted = cfg->tls;
	attempt->x224 = RDD_X224_NOT_RUN;
	attempt->selected = 0;
	attempt->flags = 0;
	attempt->failure_code = 0;
	attempt->x224_start_ms = 0;
	attempt->x224_ms = 0;
	attempt->x224_detail[0] = '\0';
	memset(attempt->first_bytes, 0, sizeof(attempt->first_bytes));
	attempt->n_first_bytes = 0;
	attempt->tls = RDD_TLS_NOT_RUN;
	attempt->alert_level = 0;
	attempt->alert_desc = 0;
	attempt->tls_start_ms = 0;
	attempt->tls_ms = 0;
	attempt->tls_detail[0] = '\0';
	attempt->mcs_wanted = cfg->mcs;
	attempt->encryption_methods = cfg->mcs ? cfg->encryption_methods : 0;
	attempt->mcs = RDD_MCS_NOT_RUN;
	attempt->mcs_result = -1;
	attempt->mcs_encryption_method = 0;
	attempt->mcs_encryption_level = 0;
	attempt->mcs_start_ms = 0;
	attempt->mcs_ms = 0;
	attempt->mcs_detail[0] = '\0';
	return p;
}

void
rdd_probe_set_credssp_record(struct rdd_probe *p, struct rdd_credssp_info *info)
{
	if (p == NULL || p->st != ST_IDLE)
		return;
	free(p->own);
	p->own = NULL;
	p->cinfo = info;
	if (!own_records(p))
		p->want_credssp = false; /* out of memory: no CredSSP */
}

void
rdd_probe_set_mcs_record(struct rdd_probe *p, struct rdd_mcs_info *info)
{
	if (p == NULL || p->st != ST_IDLE)
		return;
	free(p->own_mcs);
	p->own_mcs = NULL;
	p->minfo = info;
	if (!own_records(p))
		p->want_mcs = false; /* out of memory: no MCS */
}

void
rdd_probe_set_session_record(struct rdd_probe *p, struct rdd_session_info *info)
{
	if (p == NULL || p->st != ST_IDLE)
		return;
	free(p->own_session);
	p->own_session = NULL;
	p->sinfo = info;
	if (!own_records(p))
		p->want_session = false; /* out of memory: no walk */
}

void
rdd_probe_set_session(struct rdd_probe *p, bool on)
{
	if (p == NULL || p->st == ST_SESSION || p->st == ST_DONE)
		return;
	p->want_session = on;
	if (!own_records(p))
		p->want_session = false; /* out of memory: no walk */
}

void
rdd_probe_set_credentials(struct rdd_probe *p,
                          const struct rdd_credentials *creds)
{
	if (p == NULL || p->st == ST_CREDSSP || p->st == ST_SESSION ||
	    p->st == ST_DONE)
		return;
	p->creds = creds;
}

static void credssp_begin(struct rdd_probe *p, uint64_t now_us);

void
rdd_probe_set_kerberos(struct rdd_probe *p, const char *ccache,
                       const char *realm, const char *why, uint64_t now_us)
{
	if (p == NULL || p->krb_decided)
		return;
	p->krb_decided = true;
	snprintf(p->krb_why, sizeof(p->krb_why), "%s", why != NULL ? why : "");
	if (ccache != NULL && realm != NULL) {
		p->krb_ccache = strdup(ccache);
		p->krb_realm = strdup(realm);
		if (p->krb_ccache == NULL || p->krb_realm == NULL) {
			free(p->krb_ccache);
			free(p->krb_realm);
			p->krb_ccache = p->krb_realm = NULL;
			snprintf(p->krb_why, sizeof(p->krb_why),
			         "out of memory for the Kerberos ticket");
		}
	}
	if (p->krb_held && p->st == ST_CREDSSP)
		credssp_begin(p, now_us);
}

void
rdd_probe_set_client_address(struct rdd_probe *p, int family,
                             const char *address)
{
	if (p == NULL || address == NULL)
		return;
	p->client_family = family;
	snprintf(p->client_address, sizeof(p->client_address), "%s", address);
}

void
rdd_probe_free(struct rdd_probe *p)
{
	if (p == NULL)
		return;
	rdd__session_free(p->sess);
	rdd__logon_free(p->logon);
	rdd__logon_krb_free(p->klogon);
	free(p->krb_ccache);
	free(p->krb_realm);
	rdd__tls_free(p->tls);
	free(p->own);
	free(p->own_mcs);
	free(p->own_session);
	free(p->in);
	free(p->out);
	free(p->cookie);
	free(p->server_name);
	free(p);
}

static void
finish(struct rdd_probe *p)
{
	p->st = ST_DONE;
	p->deadline_us = UINT64_MAX;
	rdd__logon_free(p->logon);
	p->logon = NULL;
	rdd__logon_krb_free(p->klogon);
	p->klogon = NULL;
	free(p->in);
	p->in = NULL;
	p->in_len = p->in_cap = 0;
}

void
rdd_probe_start(struct rdd_probe *p, uint64_t now_us)
{
	uint8_t cr[CR_CAP];
	struct rdd_buf b;
	struct rdd_x224_cr req;
	char protos[96];

	if (p == NULL || p->st != ST_IDLE)
		return;
	memset(&req, 0, sizeof(req));
	req.cookie = p->cookie;
	req.neg_req = true;
	req.requested_protocols = p->requested;
	rdd_buf_init(&b, cr, sizeof(cr));
	p->a->x224_start_ms = rel_ms(p, now_us);
	if (rdd_x224_build_cr(&b, &req) != 0 || b.err || b.len == 0 ||
	    !rdd__reserve(&p->out, &p->out_cap, 0, b.len, CR_CAP)) {
		/* Only a cookie the caller should have refused gets here
		 * (or memory ran out): the server is not to blame. */
		snprintf(p->a->x224_detail, sizeof(p->a->x224_detail),
		         "Connection Request not sent: %s",
		         p->cookie != NULL
		             ? "the cookie is not printable ASCII "
		               "or too long"
		             : "out of memory");
		finish(p);
		return;
	}
	memcpy(p->out, cr, b.len);
	p->out_len = b.len;
	p->out_off = 0;
	p->st = ST_X224;
	p->phase_start_us = now_us;
	p->deadline_us = add_sat(now_us, p->timeout_us);
	rdd_protocols_str(protos, sizeof(protos), p->requested);
	tracef(p,
	       "-> X.224 Connection Request, requestedProtocols %s (0x%08x), "
	       "%zu bytes",
	       protos, (unsigned)p->requested, b.len);
}

/* --- naming an answer that is not TPKT -------------------------------- */

static bool
is_text_byte(uint8_t c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t';
}

/* Copy the first line of the buffer (up to CR/LF, at most MAX bytes). */
static void
first_line(const uint8_t *b, size_t n, char *dst, size_t cap, size_t max)
{
	struct rdd_cur c;
	size_t i = 0;
	uint8_t ch;

	rdd_cur_init(&c, b, n);
	while (i < max && i + 1 < cap && rdd_cur_u8(&c, &ch) == 0) {
		if (ch == '\r' || ch == '\n')
			break;
		dst[i++] = ch != '\0' ? (char)ch : '?';
	}
	dst[i] = '\0';
}

/* True when the line starts with a printable prefix up to CR/LF or end. */
static bool
looks_like_text(const uint8_t *b, size_t n)
{
	struct rdd_cur c;
	uint8_t ch;
	size_t k = 0;

	rdd_cur_init(&c, b, n);
	while (rdd_cur_u8(&c, &ch) == 0) {
		if (ch == '\r' || ch == '\n')
			return k > 0;
		if (!is_text_byte(ch))
			return false;
		k++;
	}
	return k > 0;
}

static bool
has_prefix(const uint8_t *b, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && memcmp(b, s, k) == 0;
}

/* Name what a non-RDP answer looks like (x224_detail). */
static void
describe_not_rdp(const uint8_t *b, size_t n, char *dst, size_t cap)
{
	struct rdd_cur c;
	uint8_t b0 = 0, b1 = 0;
	char line[128];
	size_t off, i;
	int w;

	rdd_cur_init(&c, b, n);
	(void)rdd_cur_u8(&c, &b0);
	(void)rdd_cur_u8(&c, &b1);
	if (n >= 2 && (b0 == 0x15 || b0 == 0x16) && b1 == 0x03) {
		snprintf(dst, cap,
		         "TLS record (server expected a TLS "
		         "ClientHello first)");
		return;
	}
	if (has_prefix(b, n, "HTTP/")) {
		first_line(b, n, line, sizeof(line), 100);
		snprintf(dst, cap, "HTTP response: %s", line);
		return;
	}
	if (has_prefix(b, n, "SSH-")) {
		first_line(b, n, line, sizeof(line), 100);
		snprintf(dst, cap, "SSH banner: %s", line);
		return;
	}
	if (looks_like_text(b, n)) {
		first_line(b, n, line, sizeof(line), 100);
		snprintf(dst, cap, "text: %s", line);
		return;
	}
	w = snprintf(dst, cap, "binary:");
	off = w > 0 ? (size_t)w : 0;
	rdd_cur_init(&c, b, n);
	for (i = 0; i < SNIFF_LEN && off < cap && rdd_cur_u8(&c, &b0) == 0;
	     i++) {
		w = snprintf(dst + off, cap - off, " %02x", b0);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

/* Enough of a non-TPKT answer to name it: a whole line of text (or 128
 * bytes of it), 16 bytes of anything else, or a TLS record header. */
static bool
sniff_complete(const uint8_t *b, size_t n)
{
	struct rdd_cur c;
	uint8_t b0, b1;

	if (n >= SNIFF_TEXT_MAX || memchr(b, '\n', n) != NULL)
		return true;
	if (n >= SNIFF_LEN && !looks_like_text(b, n))
		return true;
	rdd_cur_init(&c, b, n);
	return rdd_cur_u8(&c, &b0) == 0 && rdd_cur_u8(&c, &b1) == 0 &&
	       (b0 == 0x15 || b0 == 0x16) && b1 == 0x03;
}

/* The buffered bytes are not (the start of) a TPKT. */
static bool
buffered_not_tpkt(const struct rdd_probe *p)
{
	size_t pdu_len;
	struct rdd_cur payload;

	return p->in_len > 0 && rdd_tpkt_frame(p->in, p->in_len, &pdu_len,
	                                       &payload) == RDD_TPKT_NOT_TPKT;
}

static void
x224_not_rdp(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_attempt *a = p->a;

	a->x224 = RDD_X224_NOT_RDP;
	a->x224_ms = span_ms(p->phase_start_us, now_us);
	describe_not_rdp(p->in, p->in_len, a->x224_detail,
	                 sizeof(a->x224_detail));
	tracef(p, "<- not RDP: %s", a->x224_detail);
	finish(p);
}

/* --- the X.224 phase --------------------------------------------------- */

static void tls_begin(struct rdd_probe *p, uint64_t now_us);
static void tls_input(struct rdd_probe *p, const uint8_t *data, size_t len,
                      uint64_t now_us);
static void mcs_begin(struct rdd_probe *p, uint64_t now_us);
static void mcs_input(struct rdd_probe *p, const uint8_t *data, size_t len,
                      uint64_t now_us);
static void session_begin(struct rdd_probe *p, struct rdd_cur payload,
                          size_t pdu_len, uint64_t now_us);
static void session_input(struct rdd_probe *p, const uint8_t *data, size_t len,
                          uint64_t now_us);

static void
x224_malformed(struct rdd_probe *p, uint64_t now_us, const char *what)
{
	struct rdd_attempt *a = p->a;

	a->x224 = RDD_X224_MALFORMED;
	a->x224_ms = span_ms(p->phase_start_us, now_us);
	snprintf(a->x224_detail, sizeof(a->x224_detail), "%s", what);
	tracef(p, "<- %s", what);
	finish(p);
}

/* A whole TPKT that did not parse as a Connection Confirm: say what. */
static void
x224_not_cc(struct rdd_probe *p, uint64_t now_us, struct rdd_cur payload,
            size_t pdu_len)
{
	char what[RDD_STR];
	uint8_t li = 0, code = 0;
	int have =
	    rdd_cur_u8(&payload, &li) == 0 && rdd_cur_u8(&payload, &code) == 0;

	if (!have)
		snprintf(what, sizeof(what),
		         "TPKT of %zu bytes too short for an X.224 TPDU",
		         pdu_len);
	else if ((code & 0xf0) == RDD_X224_TPDU_DR)
		snprintf(
		    what, sizeof(what),
		    "X.224 Disconnect Request instead of a Connection Confirm "
		    "(TPKT of %zu bytes)",
		    pdu_len);
	else if ((code & 0xf0) == RDD_X224_TPDU_ER)
		snprintf(what, sizeof(what),
		         "X.224 Error TPDU instead of a Connection Confirm "
		         "(TPKT of %zu bytes)",
		         pdu_len);
	else if ((code & 0xf0) == RDD_X224_TPDU_CC)
		snprintf(what, sizeof(what),
		         "invalid X.224 Connection Confirm (TPKT of %zu bytes, "
		         "length indicator %u)",
		         pdu_len, li);
	else if (code == RDD_X224_TPDU_DT)
		snprintf(what, sizeof(what),
		         "X.224 Data TPDU instead of a Connection Confirm "
		         "(TPKT of %zu bytes)",
		         pdu_len);
	else
		snprintf(what, sizeof(what),
		         "unexpected X.224 TPDU code 0x%02x instead of a "
		         "Connection Confirm (TPKT of %zu bytes)",
		         code, pdu_len);
	x224_malformed(p, now_us, what);
}

/* A Connection Confirm arrived. */
static void
x224_confirmed(struct rdd_probe *p, const struct rdd_x224_cc *cc,
               uint64_t now_us)
{
	struct rdd_attempt *a = p->a;
	char protos[96];
	const char *name;

	a->x224_ms = span_ms(p->phase_start_us, now_us);
	switch (cc->neg) {
	case RDD_X224_NEG_RSP:
		a->x224 = RDD_X224_RSP;
		a->selected = cc->selected_protocol;
		a->flags = cc->flags;
		rdd_protocols_str(protos, sizeof(protos), a->selected);
		snprintf(a->x224_detail, sizeof(a->x224_detail),
		         "RDP_NEG_RSP selected %s, flags 0x%02x", protos,
		         (unsigned)a->flags);
		tracef(p, "<- X.224 Connection Confirm: %s", a->x224_detail);
		break;
	case RDD_X224_NEG_FAILURE:
		a->x224 = RDD_X224_FAILURE;
		a->failure_code = cc->failure_code;
		name = rdd_neg_failure_name(cc->failure_code);
		snprintf(a->x224_detail, sizeof(a->x224_detail),
		         "RDP_NEG_FAILURE %s (%u)",
		         name != NULL ? name : "unknown",
		         (unsigned)cc->failure_code);
		tracef(p, "<- %s", a->x224_detail);
		break;
	case RDD_X224_NEG_NONE:
	default:
		a->x224 = RDD_X224_NO_NEG_DATA;
		snprintf(a->x224_detail, sizeof(a->x224_detail),
		         "Connection Confirm without negotiation data");
		tracef(p, "<- X.224 %s", a->x224_detail);
		break;
	}
}

/* Standard RDP security: selected, or a pre-Vista Connection Confirm. */
static bool
selects_rdp(const struct rdd_attempt *a)
{
	return (a->x224 == RDD_X224_RSP && a->selected == RDD_PROTO_RDP) ||
	       a->x224 == RDD_X224_NO_NEG_DATA;
}

static bool
selects_tls(const struct rdd_attempt *a)
{
	return a->x224 == RDD_X224_RSP && (a->selected == RDD_PROTO_SSL ||
	                                   a->selected == RDD_PROTO_HYBRID ||
	                                   a->selected == RDD_PROTO_HYBRID_EX);
}

/*
 * Look at the buffered bytes. REST is input beyond the buffer (only when
 * the buffer is full); after a Connection Confirm that leads to TLS, it
 * and whatever followed the TPKT go to the TLS phase.
 */
static void
x224_process(struct rdd_probe *p, const uint8_t *rest, size_t rest_len,
             uint64_t now_us)
{
	struct rdd_cur payload, hdr;
	struct rdd_x224_cc cc;
	size_t pdu_len = 0;
	uint16_t len_field = 0;
	char what[RDD_STR];
	enum rdd_tpkt_result r;
	uint8_t *in;
	size_t in_len;

	if (p->in_len == 0)
		return;
	r = rdd_tpkt_frame(p->in, p->in_len, &pdu_len, &payload);
	switch (r) {
	case RDD_TPKT_NEED_MORE:
		return;
	case RDD_TPKT_NOT_TPKT:
		if (sniff_complete(p->in, p->in_len))
			x224_not_rdp(p, now_us);
		return;
	case RDD_TPKT_BAD_LENGTH:
		rdd_cur_init(&hdr, p->in, p->in_len);
		(void)rdd_cur_skip(&hdr, 2);
		(void)rdd_cur_u16be(&hdr, &len_field);
		snprintf(what, sizeof(what),
		         "TPKT header with an impossible length of %u bytes",
		         (unsigned)len_field);
		x224_malformed(p, now_us, what);
		return;
	case RDD_TPKT_OK:
		break;
	}
	if (pdu_len == 0 || pdu_len > p->in_len) {
		x224_malformed(p, now_us, "TPKT framing error");
		return;
	}
	memset(&cc, 0, sizeof(cc));
	if (rdd_x224_parse_cc(&payload, &cc) != 0) {
		rdd_cur_init(&payload, p->in, pdu_len);
		(void)rdd_cur_skip(&payload, RDD_TPKT_HEADER);
		x224_not_cc(p, now_us, payload, pdu_len);
		return;
	}
	x224_confirmed(p, &cc, now_us);
	if (p->want_mcs && selects_rdp(p->a)) {
		/* Whatever followed the Connection Confirm is MCS input. */
		in = p->in;
		in_len = p->in_len;
		p->in = NULL;
		p->in_len = p->in_cap = 0;
		mcs_begin(p, now_us);
		if (p->st == ST_MCS && in_len > pdu_len)
			mcs_input(p, in + pdu_len, in_len - pdu_len, now_us);
		if (p->st == ST_MCS && rest_len > 0)
			mcs_input(p, rest, rest_len, now_us);
		free(in);
		return;
	}
	if (!p->want_tls || !selects_tls(p->a)) {
		finish(p);
		return;
	}
	/* Keep the buffer while TLS starts: it holds early TLS bytes. */
	in = p->in;
	in_len = p->in_len;
	p->in = NULL;
	p->in_len = p->in_cap = 0;
	tls_begin(p, now_us);
	if (p->st == ST_TLS && in_len > pdu_len)
		tls_input(p, in + pdu_len, in_len - pdu_len, now_us);
	if (p->st == ST_TLS && rest_len > 0)
		tls_input(p, rest, rest_len, now_us);
	free(in);
}

static void
x224_input(struct rdd_probe *p, const uint8_t *data, size_t len,
           uint64_t now_us)
{
	struct rdd_attempt *a = p->a;
	size_t n;

	if (a->n_first_bytes < RDD_FIRST_BYTES) {
		n = RDD_FIRST_BYTES - a->n_first_bytes;
		if (n > len)
			n = len;
		memcpy(a->first_bytes + a->n_first_bytes, data, n);
		a->n_first_bytes += n;
	}
	p->rx += len;
	n = len;
	if (n > IN_CAP - p->in_len)
		n = IN_CAP - p->in_len;
	if (n > 0) {
		if (!rdd__reserve(&p->in, &p->in_cap, p->in_len, n, IN_CAP)) {
			x224_malformed(p, now_us,
			               "out of memory buffering the answer");
			return;
		}
		memcpy(p->in + p->in_len, data, n);
		p->in_len += n;
	}
	x224_process(p, data + n, len - n, now_us);
}

/* What had arrived when the X.224 phase ended without an answer. */
static void
x224_partial(const struct rdd_probe *p, char *dst, size_t cap)
{
	struct rdd_cur c;
	uint16_t want = 0;

	if (p->in_len == 0) {
		snprintf(dst, cap, "no bytes received");
		return;
	}
	rdd_cur_init(&c, p->in, p->in_len);
	if (rdd_cur_skip(&c, 2) == 0 && rdd_cur_u16be(&c, &want) == 0)
		snprintf(dst, cap,
		         "%zu bytes received: an incomplete TPKT "
		         "of %u bytes",
		         p->rx, (unsigned)want);
	else
		snprintf(dst, cap,
		         "%zu bytes received: an incomplete TPKT "
		         "header",
		         p->rx);
}

/* --- the TLS phase ----------------------------------------------------- */

static void credssp_begin(struct rdd_probe *p, uint64_t now_us);
static void credssp_input(struct rdd_probe *p, const uint8_t *data, size_t len,
                          uint64_t now_us);

static bool
selects_hybrid(const struct rdd_attempt *a)
{
	return a->x224 == RDD_X224_RSP && (a->selected == RDD_PROTO_HYBRID ||
	                                   a->selected == RDD_PROTO_HYBRID_EX);
}

static void
tls_failed(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_attempt *a = p->a;
	const char *detail = "";

	a->tls =
	    rdd__tls_result(p->tls, &a->alert_level, &a->alert_desc, &detail);
	a->tls_ms = span_ms(p->phase_start_us, now_us);
	snprintf(a->tls_detail, sizeof(a->tls_detail), "%s", detail);
	finish(p);
}

static void
tls_done(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_attempt *a = p->a;
	struct rdd_tls_info info;

	a->tls = RDD_TLS_OK;
	a->tls_ms = span_ms(p->phase_start_us, now_us);
	rdd__tls_fill_info(p->tls, &info, a->label, p->server_name);
	rdd__tls_verify_chain(p->tls, p->trust_store, p->verify_at, &info.cert);
	snprintf(a->tls_detail, sizeof(a->tls_detail), "%s %s", info.version,
	         info.cipher);
	tracef(p, "<- TLS handshake complete: %s %s", info.version,
	       info.cipher);
	if (p->tls_info != NULL)
		*p->tls_info = info;
	if (p->want_credssp && selects_hybrid(a) && p->creds != NULL &&
	    p->krb_await && !p->krb_decided) {
		/* The Kerberos phase decides the mechanism (its ticket). */
		p->st = ST_CREDSSP;
		p->krb_held = true;
		p->phase_start_us = now_us;
		p->deadline_us = add_sat(now_us, p->timeout_us);
		tracef(p, "CredSSP waits for the Kerberos phase's ticket");
		return;
	}
	if (p->want_credssp && selects_hybrid(a)) {
		credssp_begin(p, now_us);
		return;
	}
	if (p->want_mcs && a->x224 == RDD_X224_RSP &&
	    a->selected == RDD_PROTO_SSL) {
		mcs_begin(p, now_us);
		return;
	}
	finish(p);
}

static void
tls_step(struct rdd_probe *p, enum rdd__tls_step step, uint64_t now_us)
{
	if (step == RDD__TLS_DONE)
		tls_done(p, now_us);
	else if (step == RDD__TLS_FAILED)
		tls_failed(p, now_us);
}

static void
tls_begin(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_attempt *a = p->a;
	struct rdd__tls_trace tr = {p->trace, p->trace_ctx, a->label};
	char err[RDD_STR];

	p->st = ST_TLS;
	p->phase_start_us = now_us;
	p->deadline_us = add_sat(now_us, p->timeout_us);
	a->tls_start_ms = rel_ms(p, now_us);
	p->tls = rdd__tls_new(p->server_name, &tr, err, sizeof(err));
	if (p->tls == NULL) {
		a->tls = RDD_TLS_ERROR;
		snprintf(a->tls_detail, sizeof(a->tls_detail), "%s", err);
		finish(p);
		return;
	}
	tls_step(p, rdd__tls_start(p->tls), now_us);
}

static void
tls_input(struct rdd_probe *p, const uint8_t *data, size_t len, uint64_t now_us)
{
	tls_step(p, rdd__tls_feed(p->tls, data, len), now_us);
}

/* --- the CredSSP phase -------------------------------------------------- */

static void
credssp_record(struct rdd_probe *p, enum rdd_credssp_outcome o, uint64_t now_us)
{
	struct rdd_credssp_info *ci = p->cinfo;
	const char *name = rdd_credssp_outcome_name(o);

	ci->outcome = o;
	ci->ms = span_ms(p->phase_start_us, now_us);
	tracef(p, "<- CredSSP %s: %s", name != NULL ? name : "?", ci->detail);
}

static void
credssp_end(struct rdd_probe *p, enum rdd_credssp_outcome o, uint64_t now_us)
{
	credssp_record(p, o, now_us);
	finish(p);
}

static void logon_begin(struct rdd_probe *p, size_t pdu, uint64_t now_us);
static void krb_msg2(struct rdd_probe *p, size_t pdu, uint8_t *msg,
                     uint64_t now_us);
static void logon_process(struct rdd_probe *p, uint64_t now_us);
static void logon_lost(struct rdd_probe *p, enum rdd_logon_outcome o,
                       const char *what, uint64_t now_us);

static void krb_begin(struct rdd_probe *p, uint64_t now_us);

/* The logon goes over NTLM: say why (the driver's reason). */
static void
ntlm_reason(const struct rdd_probe *p, struct rdd_logon_info *li)
{
	li->mech = RDD_LOGON_MECH_NTLM;
	snprintf(li->mech_reason, sizeof(li->mech_reason), "%s",
	         p->krb_why[0] != '\0' ? p->krb_why
	                               : "no Kerberos ticket was asked for");
}

static void
credssp_begin(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_credssp_info *ci = p->cinfo;
	uint8_t req[RDD_NLA_REQUEST_MAX];
	char err[RDD_STR];
	size_t n;

	/* The driver's other_* fields stay as they are. */
	ci->outcome = RDD_CREDSSP_NOT_RUN;
	snprintf(ci->attempt, sizeof(ci->attempt), "%s", p->a->label);
	ci->spnego = p->credssp_spnego;
	ci->start_ms = rel_ms(p, now_us);
	ci->ms = 0;
	ci->detail[0] = '\0';
	ci->has_version = false;
	ci->server_version = 0;
	ci->has_error_code = false;
	ci->error_code = 0;
	memset(&ci->ntlm, 0, sizeof(ci->ntlm));
	memset(&ci->logon, 0, sizeof(ci->logon));
	p->logon_step = LS_NONE;

	p->st = ST_CREDSSP;
	p->krb_held = false;
	p->phase_start_us = now_us;
	p->deadline_us = add_sat(now_us, p->timeout_us);
	p->rx = 0;
	if (p->creds != NULL && p->krb_ccache != NULL) {
		krb_begin(p, now_us);
		return;
	}
	if (p->creds != NULL)
		ntlm_reason(p, &ci->logon);
	n = rdd__nla_request(req, sizeof(req), p->credssp_spnego);
	memcpy(p->nla_req, req, n);
	p->nla_req_len = n;
	if (n == 0 || rdd__tls_write(p->tls, req, n, err, sizeof(err)) != 0) {
		snprintf(ci->detail, sizeof(ci->detail),
		         "TSRequest not sent: %.200s",
		         n == 0 ? "could not build it" : err);
		credssp_end(p, RDD_CREDSSP_ERROR, now_us);
		return;
	}
	tracef(p,
	       "-> CredSSP TSRequest version %d, NTLM NEGOTIATE%s (%zu bytes)",
	       RDD_CREDSSP_VERSION, p->credssp_spnego ? " in SPNEGO" : "", n);
	/* Bytes behind the handshake may already hold the answer. */
	credssp_input(p, NULL, 0, now_us);
}

/* "after 12 of 278 bytes of the answer", "before any answer". */
static void
credssp_partial(const struct rdd_probe *p, char *dst, size_t cap)
{
	size_t want = 0;

	if (p->in_len == 0) {
		snprintf(dst, cap, "before any answer");
		return;
	}
	if (rdd_tsrequest_frame(p->in, p->in_len, &want) !=
	        RDD_TSREQ_NEED_MORE ||
	    want == 0)
		snprintf(dst, cap, "after %zu bytes of the answer", p->in_len);
	else
		snprintf(dst, cap, "after %zu of %zu bytes of the answer",
		         p->in_len, want);
}

/* Look at the buffered answer: decode it once it is whole. */
static void
credssp_process(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_credssp_info *ci = p->cinfo;
	enum rdd_credssp_outcome o;
	size_t pdu = 0;

	if (p->logon_step != LS_NONE) {
		logon_process(p, now_us);
		return;
	}
	switch (rdd_tsrequest_frame(p->in, p->in_len, &pdu)) {
	case RDD_TSREQ_NEED_MORE:
		return;
	case RDD_TSREQ_NOT_TSREQ:
		o = rdd__nla_answer(p->in, p->in_len, rel_ms(p, now_us), ci);
		if (o == RDD_CREDSSP_OK) /* cannot be: not a SEQUENCE */
			o = RDD_CREDSSP_MALFORMED;
		credssp_end(p, o, now_us);
		return;
	case RDD_TSREQ_TOO_LONG:
		snprintf(ci->detail, sizeof(ci->detail),
		         "the answer claims more than %d bytes",
		         RDD_TSREQUEST_MAX);
		credssp_end(p, RDD_CREDSSP_MALFORMED, now_us);
		return;
	case RDD_TSREQ_OK:
		break;
	}
	tracef(p, "<- CredSSP TSRequest (%zu bytes)", pdu);
	o = rdd__nla_answer(p->in, pdu, rel_ms(p, now_us), ci);
	if (o == RDD_CREDSSP_OK && p->creds != NULL && !p->credssp_spnego) {
		credssp_record(p, o, now_us);
		logon_begin(p, pdu, now_us);
		return;
	}
	credssp_end(p, o, now_us);
}

static void
credssp_input(struct rdd_probe *p, const uint8_t *data, size_t len,
              uint64_t now_us)
{
	struct rdd_credssp_info *ci = p->cinfo;
	uint8_t buf[4096];
	char detail[RDD_STR], part[96];
	enum rdd__tls_io io;
	size_t n;

	p->rx += len;
	if (len > 0 && rdd__tls_push(p->tls, data, len) != 0) {
		snprintf(ci->detail, sizeof(ci->detail),
		         "could not hand the answer to OpenSSL");
		credssp_end(p, RDD_CREDSSP_ERROR, now_us);
		return;
	}
	if (p->krb_held)
		return; /* read once CredSSP has begun */
	while (p->st == ST_CREDSSP) {
		io = rdd__tls_read(p->tls, buf, sizeof(buf), &n, detail,
		                   sizeof(detail));
		switch (io) {
		case RDD__TLS_IO_DATA:
			if (n > RDD_TSREQUEST_MAX - p->in_len)
				n = RDD_TSREQUEST_MAX - p->in_len;
			if (!rdd__reserve(&p->in, &p->in_cap, p->in_len, n,
			                  RDD_TSREQUEST_MAX)) {
				snprintf(ci->detail, sizeof(ci->detail),
				         "out of memory buffering the answer");
				credssp_end(p, RDD_CREDSSP_ERROR, now_us);
				return;
			}
			memcpy(p->in + p->in_len, buf, n);
			p->in_len += n;
			credssp_process(p, now_us);
			break;
		case RDD__TLS_IO_AGAIN:
			return;
		case RDD__TLS_IO_CLOSED:
		case RDD__TLS_IO_ALERT:
			if (p->logon_step != LS_NONE) {
				logon_lost(p, RDD_LOGON_CLOSED, detail, now_us);
				return;
			}
			credssp_partial(p, part, sizeof(part));
			snprintf(ci->detail, sizeof(ci->detail),
			         "%.120s after the TSRequest, %s", detail,
			         part);
			credssp_end(p, RDD_CREDSSP_CLOSED, now_us);
			return;
		case RDD__TLS_IO_ERROR:
			if (p->logon_step != LS_NONE) {
				logon_lost(p, RDD_LOGON_MALFORMED, detail,
				           now_us);
				return;
			}
			credssp_partial(p, part, sizeof(part));
			snprintf(ci->detail, sizeof(ci->detail),
			         "the answer is not valid TLS (%.120s), %s",
			         detail, part);
			credssp_end(p, RDD_CREDSSP_MALFORMED, now_us);
			return;
		}
	}
}

static void
credssp_closed(struct rdd_probe *p, bool reset, uint64_t now_us)
{
	char part[96];

	p->krb_held = false;
	if (p->logon_step != LS_NONE) {
		logon_lost(p, RDD_LOGON_CLOSED,
		           reset ? "connection reset by the server"
		                 : "server closed the connection",
		           now_us);
		return;
	}
	credssp_partial(p, part, sizeof(part));
	snprintf(p->cinfo->detail, sizeof(p->cinfo->detail),
	         "%s after the TSRequest, %s",
	         reset ? "connection reset by the server"
	               : "server closed the connection",
	         part);
	credssp_end(p, reset ? RDD_CREDSSP_RESET : RDD_CREDSSP_CLOSED, now_us);
}

static void
credssp_timeout(struct rdd_probe *p, uint64_t now_us)
{
	char part[96];

	if (p->krb_held) {
		/* No ticket in time: NTLM, as Windows falls back. */
		p->krb_decided = true;
		snprintf(p->krb_why, sizeof(p->krb_why),
		         "the Kerberos phase had no ticket for TERMSRV/%.160s "
		         "within %.1f s",
		         p->server_name, (double)p->timeout_us / 1e6);
		credssp_begin(p, now_us);
		return;
	}
	if (p->logon_step != LS_NONE) {
		logon_lost(p, RDD_LOGON_TIMEOUT, NULL, now_us);
		return;
	}
	credssp_partial(p, part, sizeof(part));
	snprintf(p->cinfo->detail, sizeof(p->cinfo->detail),
	         "no TSRequest answer within %.1f s (%s; %zu bytes of TLS "
	         "records)",
	         (double)p->timeout_us / 1e6, part, p->rx);
	credssp_end(p, RDD_CREDSSP_TIMEOUT, now_us);
}

/* --- the logon (check --user; logon.h) -------------------------------- */

static void mcs_begin(struct rdd_probe *p, uint64_t now_us);

/* Drop the first N bytes of the input buffer. */
static void
consume(struct rdd_probe *p, size_t n)
{
	if (n >= p->in_len) {
		p->in_len = 0;
		return;
	}
	memmove(p->in, p->in + n, p->in_len - n);
	p->in_len -= n;
}

static void
logon_end(struct rdd_probe *p, enum rdd_logon_outcome o, uint64_t now_us)
{
	struct rdd_logon_info *li = &p->cinfo->logon;
	const char *name = rdd_logon_outcome_name(o);

	li->outcome = o;
	li->ms = span_ms(p->logon_start_us, now_us);
	tracef(p, "<- logon %s: %s", name != NULL ? name : "?", li->detail);
	p->logon_step = LS_DONE;
	rdd__logon_free(p->logon);
	p->logon = NULL;
	rdd__logon_krb_free(p->klogon);
	p->klogon = NULL;
	finish(p);
}

/* The connection ended, or went silent, during the logon. */
static void
logon_lost(struct rdd_probe *p, enum rdd_logon_outcome o, const char *what,
           uint64_t now_us)
{
	struct rdd_logon_info *li = &p->cinfo->logon;
	const char *after =
	    p->logon_step == LS_KRB_MSG2
	        ? "after the Kerberos AP-REQ (message 1), without an answer"
	    : p->logon_step == LS_MSG4
	        ? (p->klogon != NULL ? "after pubKeyAuth (message 3), without "
	                               "an errorCode"
	                             : "after AUTHENTICATE (message 3), "
	                               "without an errorCode")
	        : "before the Early User Authorization Result";

	if (o == RDD_LOGON_TIMEOUT)
		snprintf(li->detail, sizeof(li->detail),
		         "no answer within %.1f s %s",
		         (double)p->timeout_us / 1e6,
		         p->logon_step == LS_KRB_MSG2 ? "to the Kerberos AP-REQ"
		         : p->logon_step == LS_MSG4
		             ? "to message 3"
		             : "to the credentials (message 5)");
	else
		snprintf(li->detail, sizeof(li->detail), "%.120s %s",
		         what != NULL ? what : "the connection ended", after);
	logon_end(p, o, now_us);
}

/* Hand a CredSSP message to TLS; -1 after ending the logon. */
static int
logon_send(struct rdd_probe *p, const uint8_t *msg, size_t n, uint64_t now_us)
{
	char err[RDD_STR];

	if (rdd__tls_write(p->tls, msg, n, err, sizeof(err)) == 0)
		return 0;
	snprintf(p->cinfo->logon.detail, sizeof(p->cinfo->logon.detail),
	         "could not send: %.200s", err);
	logon_end(p, RDD_LOGON_ERROR, now_us);
	return -1;
}

/* The server took the credentials: on to MCS, or stop there. */
static void
logon_ok(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_logon_info *li = &p->cinfo->logon;

	li->outcome = RDD_LOGON_OK;
	li->ms = span_ms(p->logon_start_us, now_us);
	snprintf(
	    li->detail, sizeof(li->detail),
	    "the server %s and proved its key "
	    "(CredSSP %u)%s",
	    li->mech == RDD_LOGON_MECH_KERBEROS ? "accepted the Kerberos ticket"
	                                        : "verified the password",
	    (unsigned)li->version,
	    li->has_early_result ? "; Early User Authorization: success" : "");
	tracef(p, "<- logon ok: %s", li->detail);
	p->logon_step = LS_DONE;
	rdd__logon_free(p->logon);
	p->logon = NULL;
	rdd__logon_krb_free(p->klogon);
	p->klogon = NULL;
	if (p->want_mcs) {
		mcs_begin(p, now_us);
		return;
	}
	finish(p);
}

/* Message 3 after the server's CHALLENGE (the first PDU bytes of p->in). */
static void
logon_begin(struct rdd_probe *p, size_t pdu, uint64_t now_us)
{
	struct rdd_logon_info *li = &p->cinfo->logon;
	uint8_t *cert = malloc(RDD_TSREQUEST_MAX);
	uint8_t *msg = malloc(RDD_LOGON_MSG_MAX);
	size_t cert_len = 0, n = 0;

	memset(li, 0, sizeof(*li));
	ntlm_reason(p, li);
	p->logon_start_us = now_us;
	li->start_ms = rel_ms(p, now_us);
	p->logon_step = LS_MSG4;
	p->logon = rdd__logon_new(p->creds, p->server_name, p->verify_at, NULL);
	if (cert == NULL || msg == NULL || p->logon == NULL) {
		snprintf(li->detail, sizeof(li->detail), "out of memory");
		li->outcome = RDD_LOGON_ERROR;
	} else {
		cert_len =
		    rdd__tls_peer_cert_der(p->tls, cert, RDD_TSREQUEST_MAX);
		n = rdd__logon_msg3(p->logon, p->nla_req, p->nla_req_len, p->in,
		                    pdu, cert, cert_len, msg, RDD_LOGON_MSG_MAX,
		                    li);
	}
	free(cert);
	if (n == 0) {
		free(msg);
		logon_end(p, li->outcome, now_us);
		return;
	}
	if (logon_send(p, msg, n, now_us) != 0) {
		free(msg);
		return;
	}
	free(msg);
	tracef(p,
	       "-> CredSSP TSRequest: NTLM AUTHENTICATE as %s%s%s, "
	       "pubKeyAuth (CredSSP %u), %zu bytes",
	       li->domain, li->domain[0] != '\0' ? "\\" : "", li->user,
	       (unsigned)li->version, n);
	consume(p, pdu);
	p->deadline_us = add_sat(now_us, p->timeout_us);
	if (p->in_len > 0)
		logon_process(p, now_us);
}

/* --- the logon over Kerberos (logon_krb.h) ------------------------------ */

/* Message 1: the AP-REQ in SPNEGO; CredSSP's phase record stays open
 * until the server's answer. */
static void
krb_begin(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_credssp_info *ci = p->cinfo;
	struct rdd_logon_info *li = &ci->logon;
	uint8_t *msg = malloc(RDD_LOGON_MSG_MAX);
	int64_t now_unix =
	    p->verify_at + (int64_t)((now_us - p->t0_us) / 1000000);
	size_t n = 0;

	ci->spnego = true; /* Kerberos always goes in SPNEGO */
	memset(li, 0, sizeof(*li));
	li->mech = RDD_LOGON_MECH_KERBEROS;
	snprintf(li->mech_reason, sizeof(li->mech_reason), "%s", p->krb_why);
	p->logon_start_us = now_us;
	li->start_ms = rel_ms(p, now_us);
	p->logon_step = LS_KRB_MSG2;
	p->klogon = rdd__logon_krb_new(p->creds, p->server_name, p->krb_realm,
	                               p->krb_ccache, now_unix, NULL);
	if (msg == NULL || p->klogon == NULL) {
		snprintf(li->detail, sizeof(li->detail), "out of memory");
		li->outcome = RDD_LOGON_ERROR;
	} else
		n = rdd__logon_krb_msg1(p->klogon, msg, RDD_LOGON_MSG_MAX, li);
	if (n == 0) {
		free(msg);
		snprintf(ci->detail, sizeof(ci->detail),
		         "no Kerberos AP-REQ was sent: %.200s", li->detail);
		credssp_record(p, RDD_CREDSSP_ERROR, now_us);
		logon_end(p, li->outcome, now_us);
		return;
	}
	if (logon_send(p, msg, n, now_us) != 0) {
		free(msg);
		return;
	}
	free(msg);
	tracef(p,
	       "-> CredSSP TSRequest version %d, Kerberos AP-REQ for "
	       "TERMSRV/%s@%s in SPNEGO (%zu bytes)",
	       RDD_CREDSSP_VERSION, p->server_name, p->krb_realm, n);
	credssp_input(p, NULL, 0, now_us);
}

/* Message 2 (the first PDU bytes of p->in); then message 3. MSG is a
 * buffer of RDD_LOGON_MSG_MAX, freed here. */
static void
krb_msg2(struct rdd_probe *p, size_t pdu, uint8_t *msg, uint64_t now_us)
{
	struct rdd_credssp_info *ci = p->cinfo;
	struct rdd_logon_info *li = &ci->logon;
	uint8_t *cert = malloc(RDD_TSREQUEST_MAX);
	struct rdd_tsrequest req;
	struct rdd_cur c;
	enum rdd_logon_outcome o = RDD_LOGON_ERROR;
	size_t cert_len = 0, n = 0;

	rdd_cur_init(&c, p->in, pdu);
	if (rdd_tsrequest_parse(&c, &req) == 0) {
		ci->has_version = true;
		ci->server_version = req.version;
		ci->has_error_code = req.has_error_code;
		ci->error_code = req.error_code;
		snprintf(ci->detail, sizeof(ci->detail),
		         "the server answered the Kerberos AP-REQ (CredSSP "
		         "%u)",
		         (unsigned)req.version);
		credssp_record(
		    p, req.has_error_code ? RDD_CREDSSP_ERROR : RDD_CREDSSP_OK,
		    now_us);
	} else {
		snprintf(ci->detail, sizeof(ci->detail),
		         "the server's answer to the Kerberos AP-REQ is not a "
		         "TSRequest");
		credssp_record(p, RDD_CREDSSP_MALFORMED, now_us);
	}
	if (cert == NULL) {
		snprintf(li->detail, sizeof(li->detail), "out of memory");
		li->outcome = RDD_LOGON_ERROR;
	} else {
		cert_len =
		    rdd__tls_peer_cert_der(p->tls, cert, RDD_TSREQUEST_MAX);
		o = rdd__logon_krb_msg2(p->klogon, p->in, pdu, cert, cert_len,
		                        msg, RDD_LOGON_MSG_MAX, &n, li);
	}
	free(cert);
	li->answer_ms = span_ms(p->logon_start_us, now_us);
	if (o != RDD_LOGON_OK) {
		free(msg);
		logon_end(p, o, now_us);
		return;
	}
	if (logon_send(p, msg, n, now_us) != 0) {
		free(msg);
		return;
	}
	free(msg);
	tracef(p,
	       "-> CredSSP TSRequest: pubKeyAuth (GSS_Wrap, CredSSP %u), %zu "
	       "bytes",
	       (unsigned)li->version, n);
	consume(p, pdu);
	p->logon_step = LS_MSG4;
	p->deadline_us = add_sat(now_us, p->timeout_us);
	if (p->in_len > 0)
		logon_process(p, now_us);
}

/* Message 4 (then message 5), or the Early User Authorization Result. */
static void
logon_process(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_logon_info *li = &p->cinfo->logon;
	enum rdd_logon_outcome o;
	struct rdd_cur c;
	uint8_t *msg;
	size_t pdu = 0, n = 0;
	uint32_t v = 0;

	if (p->logon_step == LS_EARLY) {
		if (p->in_len < 4)
			return;
		rdd_cur_init(&c, p->in, 4);
		(void)rdd_cur_u32le(&c, &v);
		consume(p, 4);
		li->has_early_result = true;
		li->early_result = v;
		tracef(p, "<- Early User Authorization Result 0x%08x",
		       (unsigned)v);
		if (v != 0) {
			snprintf(
			    li->detail, sizeof(li->detail),
			    "the server accepted the password but its Early "
			    "User Authorization Result is 0x%08x%s",
			    (unsigned)v,
			    v == 5 ? " (ACCESS_DENIED): this user may "
			             "not connect"
			           : "");
			logon_end(p, RDD_LOGON_DENIED, now_us);
			return;
		}
		logon_ok(p, now_us);
		return;
	}
	if (p->logon_step != LS_MSG4 && p->logon_step != LS_KRB_MSG2)
		return;
	switch (rdd_tsrequest_frame(p->in, p->in_len, &pdu)) {
	case RDD_TSREQ_NEED_MORE:
		return;
	case RDD_TSREQ_NOT_TSREQ:
	case RDD_TSREQ_TOO_LONG:
		snprintf(li->detail, sizeof(li->detail),
		         "the server's answer to AUTHENTICATE is not a "
		         "TSRequest (%zu bytes)",
		         p->in_len);
		logon_end(p, RDD_LOGON_MALFORMED, now_us);
		return;
	case RDD_TSREQ_OK:
		break;
	}
	tracef(p, "<- CredSSP TSRequest (%zu bytes)", pdu);
	li->answer_ms = span_ms(p->logon_start_us, now_us);
	msg = malloc(RDD_LOGON_MSG_MAX);
	if (msg == NULL) {
		snprintf(li->detail, sizeof(li->detail), "out of memory");
		logon_end(p, RDD_LOGON_ERROR, now_us);
		return;
	}
	if (p->logon_step == LS_KRB_MSG2) {
		krb_msg2(p, pdu, msg, now_us);
		return;
	}
	o = p->klogon != NULL ? rdd__logon_krb_msg4(p->klogon, p->in, pdu, msg,
	                                            RDD_LOGON_MSG_MAX, &n, li)
	                      : rdd__logon_msg4(p->logon, p->in, pdu, msg,
	                                        RDD_LOGON_MSG_MAX, &n, li);
	if (o != RDD_LOGON_OK) {
		free(msg);
		logon_end(p, o, now_us);
		return;
	}
	if (logon_send(p, msg, n, now_us) != 0) {
		free(msg);
		return;
	}
	rdd_wipe(msg, n);
	free(msg);
	tracef(p, "-> CredSSP TSRequest: credentials (%s), %zu bytes",
	       li->delegated ? "the password, for the logon (--logon)"
	                     : "empty: no password delegated",
	       n);
	consume(p, pdu);
	if (p->a->selected == RDD_PROTO_HYBRID_EX) {
		p->logon_step = LS_EARLY;
		p->deadline_us = add_sat(now_us, p->timeout_us);
		if (p->in_len > 0)
			logon_process(p, now_us);
		return;
	}
	logon_ok(p, now_us);
}

/* --- the MCS phase ------------------------------------------------------ */

/* MCS runs inside TLS when the handshake completed on this connection. */
static bool
mcs_over_tls(const struct rdd_probe *p)
{
	return p->tls != NULL && p->a->tls == RDD_TLS_OK;
}

static void
mcs_record(struct rdd_probe *p, enum rdd_mcs_outcome o, uint64_t now_us)
{
	struct rdd_mcs_info *mi = p->minfo;
	struct rdd_attempt *a = p->a;
	const char *name = rdd_mcs_outcome_name(o);

	mi->outcome = o;
	mi->ms = span_ms(p->phase_start_us, now_us);
	a->mcs = o;
	a->mcs_result = mi->result;
	a->mcs_encryption_method = mi->encryption_method;
	a->mcs_encryption_level = mi->encryption_level;
	a->mcs_ms = mi->ms;
	snprintf(a->mcs_detail, sizeof(a->mcs_detail), "%s", mi->detail);
	tracef(p, "<- MCS %s: %s", name != NULL ? name : "?", mi->detail);
}

static void
mcs_end(struct rdd_probe *p, enum rdd_mcs_outcome o, uint64_t now_us)
{
	mcs_record(p, o, now_us);
	finish(p);
}

static void
mcs_begin(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_mcs_info *mi = p->minfo;
	struct rdd_attempt *a = p->a;
	uint8_t req[RDD_MCS_REQUEST_MAX];
	char err[RDD_STR], protos[32], methods[48];
	uint32_t selected =
	    a->x224 == RDD_X224_RSP ? a->selected : RDD_PROTO_RDP;
	size_t n;

	memset(mi, 0, sizeof(*mi));
	mi->result = -1;
	mi->disconnect_reason = -1;
	snprintf(mi->attempt, sizeof(mi->attempt), "%s", a->label);
	mi->selected_protocol = selected;
	mi->encryption_methods = p->encryption_methods;
	mi->start_ms = rel_ms(p, now_us);
	a->mcs_start_ms = mi->start_ms;

	p->st = ST_MCS;
	p->phase_start_us = now_us;
	p->deadline_us = add_sat(now_us, p->timeout_us);
	p->rx = 0;
	n = rdd__mcs_request_channels(req, sizeof(req), selected,
	                              p->encryption_methods, p->channel_names,
	                              p->n_channels);
	if (n == 0) {
		snprintf(mi->detail, sizeof(mi->detail),
		         "Connect-Initial not sent: could not build it");
		mcs_end(p, RDD_MCS_ERROR, now_us);
		return;
	}
	if (mcs_over_tls(p)) {
		if (rdd__tls_write(p->tls, req, n, err, sizeof(err)) != 0) {
			snprintf(mi->detail, sizeof(mi->detail),
			         "Connect-Initial not sent: %.200s", err);
			mcs_end(p, RDD_MCS_ERROR, now_us);
			return;
		}
	} else {
		if (p->out_off == p->out_len)
			p->out_off = p->out_len = 0;
		if (!rdd__reserve(&p->out, &p->out_cap, p->out_len, n,
		                  SIZE_MAX / 2)) {
			snprintf(mi->detail, sizeof(mi->detail),
			         "Connect-Initial not sent: out of memory");
			mcs_end(p, RDD_MCS_ERROR, now_us);
			return;
		}
		memcpy(p->out + p->out_len, req, n);
		p->out_len += n;
	}
	rdd_protocols_str(protos, sizeof(protos), selected);
	rdd_encryption_methods_str(methods, sizeof(methods),
	                           p->encryption_methods);
	tracef(p,
	       "-> MCS Connect-Initial, serverSelectedProtocol %s, "
	       "encryptionMethods %s (0x%02x), %zu bytes%s",
	       protos, methods, (unsigned)p->encryption_methods, n,
	       mcs_over_tls(p) ? " in TLS" : "");
	/* Bytes behind the handshake may already hold the answer. */
	if (mcs_over_tls(p))
		mcs_input(p, NULL, 0, now_us);
}

/* Look at the buffered answer: read it once a TPKT is whole. */
static void
mcs_process(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_mcs_info *mi = p->minfo;
	struct rdd_cur payload;
	size_t pdu_len = 0;
	enum rdd_mcs_outcome o;
	char what[RDD_STR / 2];

	switch (rdd_tpkt_frame(p->in, p->in_len, &pdu_len, &payload)) {
	case RDD_TPKT_NEED_MORE:
		return;
	case RDD_TPKT_NOT_TPKT:
	case RDD_TPKT_BAD_LENGTH:
		describe_not_rdp(p->in, p->in_len, what, sizeof(what));
		snprintf(mi->detail, sizeof(mi->detail),
		         "the answer to the Connect-Initial is not a TPKT "
		         "(%s)",
		         what);
		mcs_end(p, RDD_MCS_MALFORMED, now_us);
		return;
	case RDD_TPKT_OK:
		break;
	}
	tracef(p, "<- TPKT of %zu bytes", pdu_len);
	o = rdd__mcs_answer(payload.p, payload.len, mi);
	mcs_record(p, o, now_us);
	if (o == RDD_MCS_OK && mi->result == RDD_MCS_RT_SUCCESSFUL &&
	    p->want_session) {
		session_begin(p, payload, pdu_len, now_us);
		return;
	}
	finish(p);
}

/* Add N received (plaintext) bytes to the answer and look at it. */
static void
mcs_buffer(struct rdd_probe *p, const uint8_t *data, size_t n, uint64_t now_us)
{
	if (n > IN_CAP - p->in_len)
		n = IN_CAP - p->in_len;
	if (n == 0)
		return;
	if (!rdd__reserve(&p->in, &p->in_cap, p->in_len, n, IN_CAP)) {
		snprintf(p->minfo->detail, sizeof(p->minfo->detail),
		         "out of memory buffering the answer");
		mcs_end(p, RDD_MCS_ERROR, now_us);
		return;
	}
	memcpy(p->in + p->in_len, data, n);
	p->in_len += n;
	mcs_process(p, now_us);
}

static void
mcs_input(struct rdd_probe *p, const uint8_t *data, size_t len, uint64_t now_us)
{
	struct rdd_mcs_info *mi = p->minfo;
	uint8_t buf[4096];
	char detail[RDD_STR];
	enum rdd__tls_io io;
	size_t n;

	p->rx += len;
	if (!mcs_over_tls(p)) {
		mcs_buffer(p, data, len, now_us);
		return;
	}
	if (len > 0 && rdd__tls_push(p->tls, data, len) != 0) {
		snprintf(mi->detail, sizeof(mi->detail),
		         "could not hand the answer to OpenSSL");
		mcs_end(p, RDD_MCS_ERROR, now_us);
		return;
	}
	while (p->st == ST_MCS) {
		io = rdd__tls_read(p->tls, buf, sizeof(buf), &n, detail,
		                   sizeof(detail));
		switch (io) {
		case RDD__TLS_IO_DATA:
			mcs_buffer(p, buf, n, now_us);
			break;
		case RDD__TLS_IO_AGAIN:
			return;
		case RDD__TLS_IO_CLOSED:
		case RDD__TLS_IO_ALERT:
			snprintf(mi->detail, sizeof(mi->detail),
			         "%.120s after the Connect-Initial (%zu bytes "
			         "of an answer)",
			         detail, p->in_len);
			mcs_end(p, RDD_MCS_CLOSED, now_us);
			return;
		case RDD__TLS_IO_ERROR:
			snprintf(mi->detail, sizeof(mi->detail),
			         "the answer is not valid TLS (%.120s)",
			         detail);
			mcs_end(p, RDD_MCS_MALFORMED, now_us);
			return;
		}
	}
}

static void
mcs_closed(struct rdd_probe *p, bool reset, uint64_t now_us)
{
	snprintf(p->minfo->detail, sizeof(p->minfo->detail),
	         "%s after the Connect-Initial (%zu bytes of an answer)",
	         reset ? "connection reset by the server"
	               : "server closed the connection",
	         p->in_len);
	mcs_end(p, reset ? RDD_MCS_RESET : RDD_MCS_CLOSED, now_us);
}

static void
mcs_timeout(struct rdd_probe *p, uint64_t now_us)
{
	snprintf(p->minfo->detail, sizeof(p->minfo->detail),
	         "no Connect-Response within %.1f s (%zu bytes of an answer)",
	         (double)p->timeout_us / 1e6, p->in_len);
	mcs_end(p, RDD_MCS_TIMEOUT, now_us);
}

/* --- the walk after MCS Connect (session.h) ---------------------------- */

/* Move what the walk wants sent into TLS or onto the wire; finish with
 * it. */
static void
session_pump(struct rdd_probe *p, uint64_t now_us)
{
	const uint8_t *d;
	char err[RDD_STR];
	size_t n = rdd__session_pending(p->sess, &d);

	if (n > 0) {
		if (mcs_over_tls(p)) {
			if (rdd__tls_write(p->tls, d, n, err, sizeof(err)) != 0)
				rdd__session_abort(p->sess, now_us, err);
		} else {
			if (p->out_off == p->out_len)
				p->out_off = p->out_len = 0;
			if (rdd__reserve(&p->out, &p->out_cap, p->out_len, n,
			                 SIZE_MAX / 2)) {
				memcpy(p->out + p->out_len, d, n);
				p->out_len += n;
			} else {
				rdd__session_abort(p->sess, now_us,
				                   "out of memory");
			}
		}
		rdd__session_sent(p->sess, n);
	}
	if (!rdd__session_done(p->sess)) {
		p->deadline_us = rdd__session_deadline(p->sess);
		return;
	}
	if (mcs_over_tls(p) && p->sinfo != NULL && p->sinfo->sent_disconnect)
		rdd__tls_close_notify(p->tls);
	finish(p);
}

/*
 * The Connect-Response in PAYLOAD (a whole TPKT of PDU_LEN bytes at the
 * front of the buffer) was rt-successful: walk on. What followed it in
 * the buffer is the walk's.
 */
static void
session_begin(struct rdd_probe *p, struct rdd_cur payload, size_t pdu_len,
              uint64_t now_us)
{
	struct rdd_mcs_connect_response cr;
	struct rdd__session_config sc;
	struct rdd_attempt *a = p->a;
	uint8_t *rest;
	size_t rest_len;
	bool v6 = p->client_family == 6;

	if (rdd_mcs_parse_connect_response(&payload, &cr) != 0) {
		finish(p); /* it parsed a moment ago: cannot happen */
		return;
	}
	memset(&sc, 0, sizeof(sc));
	sc.selected_protocol =
	    a->x224 == RDD_X224_RSP ? a->selected : RDD_PROTO_RDP;
	sc.server = &cr.server;
	sc.stop_after = p->stop_after;
	sc.licensing_full = p->licensing_full;
	sc.address_family = v6 ? 0x0017 : 0x0002;
	sc.client_address = p->client_address[0] != '\0' ? p->client_address
	                    : v6                         ? "::"
	                                                 : "0.0.0.0";
	sc.timeout_us = p->timeout_us;
	sc.t0_us = p->t0_us;
	sc.trace = p->trace;
	sc.trace_ctx = p->trace_ctx;
	sc.label = a->label;
	sc.n_channels = p->n_channels;
	if (p->creds != NULL) {
		/* The user's name goes in the Client Info; the password only
		 * with --logon on a server without NLA (with NLA the server
		 * has it from the CredSSP credentials). */
		bool nla =
		    p->cinfo != NULL && p->cinfo->logon.outcome == RDD_LOGON_OK;

		sc.user = p->creds->user;
		sc.domain = p->creds->domain;
		sc.autologon = p->creds->logon;
		sc.password =
		    p->creds->logon && !nla ? p->creds->password : NULL;
		sc.after_nla = nla;
	}
	p->sess = rdd__session_new(&sc, p->sinfo);
	if (p->sess == NULL) {
		snprintf(p->sinfo->detail, sizeof(p->sinfo->detail),
		         "out of memory");
		p->sinfo->outcome = RDD_SESSION_ERROR;
		finish(p);
		return;
	}
	p->st = ST_SESSION;
	rest = p->in;
	rest_len = p->in_len;
	p->in = NULL;
	p->in_len = p->in_cap = 0;
	rdd__session_start(p->sess, now_us);
	if (rest_len > pdu_len)
		rdd__session_recv(p->sess, rest + pdu_len, rest_len - pdu_len,
		                  now_us);
	free(rest);
	session_pump(p, now_us);
}

static void
session_input(struct rdd_probe *p, const uint8_t *data, size_t len,
              uint64_t now_us)
{
	uint8_t buf[4096];
	char detail[RDD_STR];
	size_t n;
	bool more = true;

	p->rx += len;
	if (!mcs_over_tls(p)) {
		rdd__session_recv(p->sess, data, len, now_us);
		session_pump(p, now_us);
		return;
	}
	if (len > 0 && rdd__tls_push(p->tls, data, len) != 0) {
		rdd__session_abort(p->sess, now_us,
		                   "could not hand the bytes to OpenSSL");
		more = false;
	}
	while (more && !rdd__session_done(p->sess)) {
		switch (rdd__tls_read(p->tls, buf, sizeof(buf), &n, detail,
		                      sizeof(detail))) {
		case RDD__TLS_IO_DATA:
			rdd__session_recv(p->sess, buf, n, now_us);
			break;
		case RDD__TLS_IO_AGAIN:
			more = false;
			break;
		case RDD__TLS_IO_CLOSED:
		case RDD__TLS_IO_ALERT:
			rdd__session_peer_closed(p->sess, false, now_us);
			more = false;
			break;
		case RDD__TLS_IO_ERROR:
			rdd__session_abort(p->sess, now_us, detail);
			more = false;
			break;
		}
	}
	session_pump(p, now_us);
}

/* --- driver entry points ----------------------------------------------- */

void
rdd_probe_recv(struct rdd_probe *p, const uint8_t *data, size_t len,
               uint64_t now_us)
{
	if (p == NULL || data == NULL || len == 0)
		return;
	if (p->st == ST_X224)
		x224_input(p, data, len, now_us);
	else if (p->st == ST_TLS)
		tls_input(p, data, len, now_us);
	else if (p->st == ST_CREDSSP)
		credssp_input(p, data, len, now_us);
	else if (p->st == ST_MCS)
		mcs_input(p, data, len, now_us);
	else if (p->st == ST_SESSION)
		session_input(p, data, len, now_us);
}

void
rdd_probe_peer_closed(struct rdd_probe *p, bool reset, uint64_t now_us)
{
	struct rdd_attempt *a;
	char part[96];

	if (p == NULL)
		return;
	a = p->a;
	switch (p->st) {
	case ST_IDLE:
		a->x224 = reset ? RDD_X224_RESET : RDD_X224_CLOSED;
		snprintf(a->x224_detail, sizeof(a->x224_detail),
		         "connection %s before the Connection Request was sent",
		         reset ? "reset" : "closed");
		finish(p);
		break;
	case ST_X224:
		if (buffered_not_tpkt(p)) {
			x224_not_rdp(p, now_us);
			break;
		}
		x224_partial(p, part, sizeof(part));
		a->x224 = reset ? RDD_X224_RESET : RDD_X224_CLOSED;
		a->x224_ms = span_ms(p->phase_start_us, now_us);
		snprintf(a->x224_detail, sizeof(a->x224_detail),
		         "%s before a Connection Confirm (%s)",
		         reset ? "connection reset by the server"
		               : "server closed the connection",
		         part);
		finish(p);
		break;
	case ST_TLS:
		tls_step(p, rdd__tls_peer_closed(p->tls, reset), now_us);
		break;
	case ST_CREDSSP:
		credssp_closed(p, reset, now_us);
		break;
	case ST_MCS:
		mcs_closed(p, reset, now_us);
		break;
	case ST_SESSION:
		rdd__session_peer_closed(p->sess, reset, now_us);
		session_pump(p, now_us);
		break;
	case ST_DONE:
		break;
	}
}

void
rdd_probe_tick(struct rdd_probe *p, uint64_t now_us)
{
	struct rdd_attempt *a;
	char part[96];
	double secs;

	if (p != NULL && p->st == ST_SESSION) {
		rdd__session_tick(p->sess, now_us);
		session_pump(p, now_us);
		return;
	}
	if (p == NULL ||
	    (p->st != ST_X224 && p->st != ST_TLS && p->st != ST_CREDSSP &&
	     p->st != ST_MCS) ||
	    now_us < p->deadline_us)
		return;
	a = p->a;
	secs = (double)p->timeout_us / 1e6;
	if (p->st == ST_X224) {
		if (buffered_not_tpkt(p)) {
			x224_not_rdp(p, now_us);
			return;
		}
		x224_partial(p, part, sizeof(part));
		a->x224 = RDD_X224_TIMEOUT;
		a->x224_ms = span_ms(p->phase_start_us, now_us);
		snprintf(a->x224_detail, sizeof(a->x224_detail),
		         "no Connection Confirm within %.1f s (%s)", secs,
		         part);
		tracef(p, "timeout: %s", a->x224_detail);
	} else if (p->st == ST_CREDSSP) {
		credssp_timeout(p, now_us);
		return;
	} else if (p->st == ST_MCS) {
		mcs_timeout(p, now_us);
		return;
	} else {
		a->tls = RDD_TLS_TIMEOUT;
		a->tls_ms = span_ms(p->phase_start_us, now_us);
		snprintf(a->tls_detail, sizeof(a->tls_detail),
		         "TLS handshake not complete within %.1f s (%zu bytes "
		         "received)",
		         secs, rdd__tls_bytes_in(p->tls));
		tracef(p, "timeout: %s", a->tls_detail);
	}
	finish(p);
}

size_t
rdd_probe_pending(struct rdd_probe *p, const uint8_t **data)
{
	size_t n;

	if (data != NULL)
		*data = NULL;
	if (p == NULL)
		return 0;
	if (p->out_off == p->out_len && p->tls != NULL &&
	    (n = rdd__tls_out_pending(p->tls)) > 0) {
		/* Everything handed out was sent: safe to refill. */
		p->out_len = p->out_off = 0;
		if (rdd__reserve(&p->out, &p->out_cap, 0, n, SIZE_MAX / 2))
			p->out_len = rdd__tls_out_read(p->tls, p->out, n);
	}
	if (p->out_off == p->out_len)
		return 0;
	if (data != NULL)
		*data = p->out + p->out_off;
	return p->out_len - p->out_off;
}

void
rdd_probe_sent(struct rdd_probe *p, size_t n)
{
	if (p == NULL)
		return;
	if (n > p->out_len - p->out_off)
		n = p->out_len - p->out_off;
	p->out_off += n;
	if (p->out_off == p->out_len)
		p->out_off = p->out_len = 0;
}

uint64_t
rdd_probe_deadline(const struct rdd_probe *p)
{
	if (p == NULL ||
	    (p->st != ST_X224 && p->st != ST_TLS && p->st != ST_CREDSSP &&
	     p->st != ST_MCS && p->st != ST_SESSION))
		return UINT64_MAX;
	return p->deadline_us;
}

bool
rdd_probe_done(const struct rdd_probe *p)
{
	return p == NULL || p->st == ST_DONE;
}
