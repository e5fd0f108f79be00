/*
 * tls.c - the TLS client of a probe over OpenSSL memory BIOs, and the
 * certificate facts it reports (tls.h).
 *
 * Depends on OpenSSL 3 (libssl, libcrypto) and lib/wire/tlsrec (record
 * headers). Settings follow shared/reference/protocol.md section 8: RDP
 * listeners range from TLS 1.0-only Windows Server 2008 R2 with
 * TLS_RSA_WITH_AES_128_CBC_SHA to TLS 1.3 on Server 2022, so the client
 * offers every version and cipher the library has, at security level 0,
 * and verifies nothing; the certificate is described, not judged.
 *
 * The handshake state lives in OpenSSL; this file adds the record-level
 * view of what the server sent (record headers tracked across chunks) so
 * that a plaintext alert or a non-TLS answer gets its own outcome.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "probe/tls.h"
#include "wire/cursor.h"
#include "wire/tlsrec.h"

#define TLS_HEADER 5
#define ALERT_LEN 2
#define CIPHER_LIST "ALL:COMPLEMENTOFALL:@SECLEVEL=0"

struct rdd__tls {
	SSL *ssl;
	BIO *rbio; /* server to us; owned by ssl */
	BIO *wbio; /* us to server; owned by ssl */
	struct rdd__tls_trace trace;

	enum rdd__tls_step step;
	enum rdd_tls_outcome outcome;
	char detail[RDD_STR];
	size_t bytes_in;

	bool alert_seen; /* the last alert the server sent */
	int alert_level;
	int alert_desc;

	/* Record tracking: the header being collected (plus the two bytes of
	 * a plaintext alert), and how much of the current body is left. */
	uint8_t hdr[TLS_HEADER + ALERT_LEN];
	size_t hdr_len;
	size_t body_left;
	bool not_tls;
};

static void tracef(const struct rdd__tls *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tracef(const struct rdd__tls *t, const char *fmt, ...)
{
	char line[RDD_STR];
	va_list ap;

	if (t->trace.cb == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	t->trace.cb(t->trace.ctx, t->trace.label, line);
}

const char *
rdd__tls_alert_level_name(int level)
{
	switch (level) {
	case 1:
		return "warning";
	case 2:
		return "fatal";
	default:
		return NULL;
	}
}

/* "fatal alert handshake_failure (40)" */
static void
alert_text(char *dst, size_t cap, int level, int desc)
{
	const char *ln = rdd__tls_alert_level_name(level);
	const char *dn = rdd_tls_alert_name(desc);
	char lbuf[24];

	if (ln == NULL) {
		snprintf(lbuf, sizeof(lbuf), "level %d", level);
		ln = lbuf;
	}
	snprintf(dst, cap, "%s alert %s (%d)", ln, dn != NULL ? dn : "unknown",
	         desc);
}

/* Record an alert from the server, traced once. */
static void
saw_alert(struct rdd__tls *t, int level, int desc)
{
	const char *ln, *dn;

	if (t->alert_seen && t->alert_level == level && t->alert_desc == desc)
		return;
	t->alert_seen = true;
	t->alert_level = level;
	t->alert_desc = desc;
	ln = rdd__tls_alert_level_name(level);
	dn = rdd_tls_alert_name(desc);
	if (ln != NULL && dn != NULL)
		tracef(t, "<- TLS alert %s %s", ln, dn);
	else
		tracef(t, "<- TLS alert level %d description %d", level, desc);
}

/* OpenSSL's view: catches alerts it decrypted (TLS 1.3, or after CCS). */
static void
info_cb(const SSL *ssl, int where, int ret)
{
	struct rdd__tls *t;

	/* SSL_CB_READ_ALERT is two bits; alerts we send share one of them. */
	if ((where & SSL_CB_ALERT) == 0 || (where & SSL_CB_READ) == 0)
		return;
	t = SSL_get_app_data(ssl);
	if (t != NULL)
		saw_alert(t, (ret >> 8) & 0xff, ret & 0xff);
}

static void
fail(struct rdd__tls *t, enum rdd_tls_outcome o, const char *detail)
{
	t->step = RDD__TLS_FAILED;
	t->outcome = o;
	snprintf(t->detail, sizeof(t->detail), "%s", detail);
}

static void
fail_alert(struct rdd__tls *t)
{
	char d[RDD_STR];

	alert_text(d, sizeof(d), t->alert_level, t->alert_desc);
	fail(t, RDD_TLS_ALERT, d);
}

/* The first error in the queue as "OpenSSL: reason"; clears the queue. */
static void
openssl_reason(char *dst, size_t cap, const char *fallback)
{
	unsigned long e = ERR_peek_error();
	const char *r;
	char buf[160];

	if (e == 0) {
		snprintf(dst, cap, "OpenSSL: %s", fallback);
	} else {
		r = ERR_reason_error_string(e);
		if (r == NULL) {
			ERR_error_string_n(e, buf, sizeof(buf));
			r = buf;
		}
		snprintf(dst, cap, "OpenSSL: %s", r);
	}
	ERR_clear_error();
}

bool
rdd__is_ip_literal(const char *s)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned char addr[sizeof(struct in6_addr)];
	size_t n;
	char *pct;

	if (s == NULL || *s == '\0')
		return false;
	if (inet_pton(AF_INET, s, addr) == 1)
		return true;
	n = strlen(s);
	if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	pct = strchr(buf, '%'); /* zone: fe80::1%eth0 */
	if (pct != NULL)
		*pct = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1;
}

/*
 * The client context every connection's SSL is made from: its settings
 * are the same for all, and a context of its own per connection cost
 * each one the context's memory and the algorithm fetches of its
 * creation (a scan of thousands of hosts makes thousands). Made once;
 * OpenSSL's contexts are safe to share between threads (the --tls-full
 * enumeration runs on its own).
 */
static SSL_CTX *shared_ctx;
static pthread_once_t shared_ctx_once = PTHREAD_ONCE_INIT;

static void
shared_ctx_make(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return;
	SSL_CTX_set_security_level(ctx, 0);
	if (SSL_CTX_set_min_proto_version(ctx, 0) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, 0) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, CIPHER_LIST) != 1) {
		SSL_CTX_free(ctx);
		return;
	}
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	shared_ctx = ctx;
}

struct rdd__tls *
rdd__tls_new(const char *server_name, const struct rdd__tls_trace *trace,
             char *err, size_t errcap)
{
	struct rdd__tls *t;
	BIO *rbio = NULL, *wbio = NULL;

	if (errcap > 0)
		err[0] = '\0';
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	if (trace != NULL)
		t->trace = *trace;
	ERR_clear_error();
	if (pthread_once(&shared_ctx_once, shared_ctx_make) != 0 ||
	    shared_ctx == NULL)
		goto fail;
	t->ssl = SSL_new(shared_ctx);
	if (t->ssl == NULL)
		goto fail;
	rbio = BIO_new(BIO_s_mem());
	wbio = BIO_new(BIO_s_mem());
	if (rbio == NULL || wbio == NULL) {
		BIO_free(rbio);
		BIO_free(wbio);
		goto fail;
	}
	SSL_set_bio(t->ssl, rbio, wbio); /* ssl owns both now */
	t->rbio = rbio;
	t->wbio = wbio;
	SSL_set_connect_state(t->ssl);
	SSL_set_app_data(t->ssl, t);
	SSL_set_info_callback(t->ssl, info_cb);
	if (server_name != NULL && *server_name != '\0' &&
	    !rdd__is_ip_literal(server_name) && strlen(server_name) <= 255) {
		/* A name OpenSSL refuses goes without SNI. */
		(void)SSL_set_tlsext_host_name(t->ssl, server_name);
	}
	ERR_clear_error();
	t->step = RDD__TLS_AGAIN;
	return t;
fail:
	openssl_reason(err, errcap, "could not set up the TLS client");
	rdd__tls_free(t);
	return NULL;
}

size_t
rdd__tls_peer_cert_der(const struct rdd__tls *t, uint8_t *out, size_t cap)
{
	X509 *x = SSL_get0_peer_certificate(t->ssl);
	unsigned char *p = out;
	int n;

	if (x == NULL || (n = i2d_X509(x, NULL)) <= 0 || (size_t)n > cap)
		return 0;
	if (i2d_X509(x, &p) != n)
		return 0;
	return (size_t)n;
}

void
rdd__tls_free(struct rdd__tls *t)
{
	if (t == NULL)
		return;
	SSL_free(t->ssl); /* frees the BIOs */
	free(t);
	ERR_clear_error();
}

size_t
rdd__tls_out_pending(const struct rdd__tls *t)
{
	return t != NULL && t->wbio != NULL ? BIO_ctrl_pending(t->wbio) : 0;
}

size_t
rdd__tls_out_read(struct rdd__tls *t, uint8_t *dst, size_t cap)
{
	int n;

	if (t == NULL || t->wbio == NULL || cap == 0)
		return 0;
	n = BIO_read(t->wbio, dst, cap > INT_MAX ? INT_MAX : (int)cap);
	ERR_clear_error();
	return n > 0 ? (size_t)n : 0;
}

size_t
rdd__tls_bytes_in(const struct rdd__tls *t)
{
	return t != NULL ? t->bytes_in : 0;
}

/* One SSL_do_handshake step. */
static enum rdd__tls_step
drive(struct rdd__tls *t)
{
	size_t before = BIO_ctrl_pending(t->wbio), after;
	char d[RDD_STR];
	int rc, e;

	ERR_clear_error();
	rc = SSL_do_handshake(t->ssl);
	after = BIO_ctrl_pending(t->wbio);
	if (rc == 1) {
		if (after > before)
			tracef(t, "-> TLS handshake (%zu bytes)",
			       after - before);
		ERR_clear_error();
		t->step = RDD__TLS_DONE;
		return t->step;
	}
	e = SSL_get_error(t->ssl, rc);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		if (after > before)
			tracef(t, "-> TLS handshake (%zu bytes)",
			       after - before);
		ERR_clear_error();
		return RDD__TLS_AGAIN;
	}
	if (t->alert_seen) {
		ERR_clear_error();
		fail_alert(t);
	} else if (e == SSL_ERROR_ZERO_RETURN) {
		ERR_clear_error();
		fail(t, RDD_TLS_CLOSED,
		     "server sent close_notify during the "
		     "handshake");
	} else {
		openssl_reason(d, sizeof(d), "handshake failed");
		fail(t, RDD_TLS_ERROR, d);
	}
	tracef(t, "TLS handshake failed: %s", t->detail);
	return t->step;
}

enum rdd__tls_step
rdd__tls_start(struct rdd__tls *t)
{
	size_t n;
	int rc;

	if (t == NULL)
		return RDD__TLS_FAILED;
	if (t->step != RDD__TLS_AGAIN || BIO_ctrl_pending(t->wbio) > 0)
		return t->step;
	ERR_clear_error();
	rc = SSL_do_handshake(t->ssl);
	if (rc != 1 && SSL_get_error(t->ssl, rc) != SSL_ERROR_WANT_READ) {
		char d[RDD_STR];

		openssl_reason(d, sizeof(d), "could not build a ClientHello");
		fail(t, RDD_TLS_ERROR, d);
		return t->step;
	}
	ERR_clear_error();
	n = BIO_ctrl_pending(t->wbio);
	if (n == 0) {
		fail(t, RDD_TLS_ERROR, "OpenSSL produced no ClientHello");
		return t->step;
	}
	tracef(t, "-> TLS ClientHello (%zu bytes)", n);
	return t->step;
}

static const char *
record_type_name(uint8_t type)
{
	switch (type) {
	case RDD_TLS_CT_CHANGE_CIPHER_SPEC:
		return "change_cipher_spec";
	case RDD_TLS_CT_ALERT:
		return "alert";
	case RDD_TLS_CT_HANDSHAKE:
		return "handshake";
	case RDD_TLS_CT_APPLICATION_DATA:
		return "application_data";
	default:
		return "unknown";
	}
}

/*
 * Walk the record headers in DATA, continuing the record that the last
 * chunk left open. Returns how many bytes may go to OpenSSL: all of them,
 * or the bytes up to and including a fatal plaintext alert, or the bytes
 * before the one that showed the stream is not TLS (t->not_tls).
 */
static size_t
scan_records(struct rdd__tls *t, const uint8_t *data, size_t len)
{
	struct rdd_cur c;
	struct rdd_tlsrec rec;
	enum rdd_tlsrec_kind kind;
	uint8_t b;

	rdd_cur_init(&c, data, len);
	while (rdd_cur_left(&c) > 0) {
		if (t->body_left > 0) {
			size_t n = rdd_cur_left(&c);

			if (n > t->body_left)
				n = t->body_left;
			(void)rdd_cur_skip(&c, n);
			t->body_left -= n;
			continue;
		}
		if (rdd_cur_u8(&c, &b) != 0)
			break;
		t->hdr[t->hdr_len++] = b;
		memset(&rec, 0, sizeof(rec));
		kind = rdd_tlsrec_peek(t->hdr, t->hdr_len, &rec);
		if (kind == RDD_TLSREC_NEED_MORE && t->hdr_len < TLS_HEADER)
			continue;
		if (kind == RDD_TLSREC_NOT_TLS ||
		    kind == RDD_TLSREC_NEED_MORE) {
			t->not_tls = true;
			return len - rdd_cur_left(&c) - 1;
		}
		if (t->hdr_len == TLS_HEADER)
			tracef(t, "<- TLS record %s, %u bytes",
			       record_type_name(rec.type),
			       (unsigned)rec.length);
		if (rec.type == RDD_TLS_CT_ALERT && rec.length == ALERT_LEN) {
			/* A plaintext alert: read level and description. */
			struct rdd_cur a;
			uint8_t level, desc;

			if (t->hdr_len < TLS_HEADER + ALERT_LEN)
				continue;
			rdd_cur_init(&a, t->hdr, t->hdr_len);
			if (rdd_cur_skip(&a, TLS_HEADER) != 0 ||
			    rdd_cur_u8(&a, &level) != 0 ||
			    rdd_cur_u8(&a, &desc) != 0)
				break;
			t->hdr_len = 0;
			saw_alert(t, level, desc);
			if (level == 2)
				return len - rdd_cur_left(&c);
			continue;
		}
		t->body_left = rec.length;
		t->hdr_len = 0;
	}
	return len;
}

/* Hand N bytes to OpenSSL's read side. */
static bool
push(struct rdd__tls *t, const uint8_t *data, size_t n)
{
	while (n > 0) {
		int chunk = n > INT_MAX ? INT_MAX : (int)n;
		int w = BIO_write(t->rbio, data, chunk);

		if (w <= 0) {
			char d[RDD_STR];

			openssl_reason(d, sizeof(d), "BIO_write failed");
			fail(t, RDD_TLS_ERROR, d);
			return false;
		}
		data += w;
		n -= (size_t)w;
	}
	return true;
}

/* "not TLS: 48 54 54 50 2f" from the bytes of the bad header. */
static void
fail_not_tls(struct rdd__tls *t)
{
	char d[RDD_STR];
	size_t off, i;
	int w;

	off = (size_t)snprintf(
	    d, sizeof(d),
	    "server answered the ClientHello with bytes that are not TLS:");
	for (i = 0; i < t->hdr_len && off < sizeof(d); i++) {
		w = snprintf(d + off, sizeof(d) - off, " %02x", t->hdr[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	fail(t, RDD_TLS_NOT_TLS, d);
	tracef(t, "<- %s", d);
}

enum rdd__tls_step
rdd__tls_feed(struct rdd__tls *t, const uint8_t *data, size_t len)
{
	size_t ok;
	enum rdd__tls_step step;

	if (t == NULL)
		return RDD__TLS_FAILED;
	if (t->step != RDD__TLS_AGAIN || data == NULL || len == 0)
		return t->step;
	t->bytes_in += len;
	ok = scan_records(t, data, len);
	if (!push(t, data, ok))
		return t->step;
	step = drive(t);
	if (step != RDD__TLS_AGAIN)
		return step;
	if (t->alert_seen && t->alert_level == 2) {
		fail_alert(t);
		tracef(t, "TLS handshake failed: %s", t->detail);
	} else if (t->not_tls) {
		fail_not_tls(t);
	}
	return t->step;
}

/* --- application data ------------------------------------------------ */

int
rdd__tls_write(struct rdd__tls *t, const uint8_t *data, size_t len, char *err,
               size_t errcap)
{
	int w;

	if (errcap > 0)
		err[0] = '\0';
	if (t == NULL || t->step != RDD__TLS_DONE || len == 0 ||
	    len > INT_MAX) {
		snprintf(err, errcap, "TLS channel not ready");
		return -1;
	}
	ERR_clear_error();
	w = SSL_write(t->ssl, data, (int)len);
	if (w <= 0 || (size_t)w != len) {
		openssl_reason(err, errcap, "SSL_write failed");
		return -1;
	}
	ERR_clear_error();
	return 0;
}

void
rdd__tls_close_notify(struct rdd__tls *t)
{
	if (t == NULL || t->step != RDD__TLS_DONE)
		return;
	ERR_clear_error();
	/* One call queues our close_notify; the peer's is not waited for. */
	(void)SSL_shutdown(t->ssl);
	ERR_clear_error();
}

int
rdd__tls_push(struct rdd__tls *t, const uint8_t *data, size_t len)
{
	if (t == NULL || t->step != RDD__TLS_DONE)
		return -1;
	if (data == NULL || len == 0)
		return 0;
	t->bytes_in += len;
	return push(t, data, len) ? 0 : -1;
}

enum rdd__tls_io
rdd__tls_read(struct rdd__tls *t, uint8_t *dst, size_t cap, size_t *n,
              char *detail, size_t dcap)
{
	int r, e;

	*n = 0;
	if (dcap > 0)
		detail[0] = '\0';
	if (t == NULL || t->step != RDD__TLS_DONE) {
		snprintf(detail, dcap, "TLS channel not ready");
		return RDD__TLS_IO_ERROR;
	}
	if (cap == 0)
		return RDD__TLS_IO_AGAIN;
	ERR_clear_error();
	r = SSL_read(t->ssl, dst, cap > INT_MAX ? INT_MAX : (int)cap);
	if (r > 0) {
		ERR_clear_error();
		*n = (size_t)r;
		return RDD__TLS_IO_DATA;
	}
	e = SSL_get_error(t->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		ERR_clear_error();
		return RDD__TLS_IO_AGAIN;
	}
	if (e == SSL_ERROR_ZERO_RETURN) {
		ERR_clear_error();
		snprintf(detail, dcap, "server sent close_notify");
		return RDD__TLS_IO_CLOSED;
	}
	if (t->alert_seen && t->alert_level == 2) {
		ERR_clear_error();
		alert_text(detail, dcap, t->alert_level, t->alert_desc);
		return RDD__TLS_IO_ALERT;
	}
	openssl_reason(detail, dcap, "SSL_read failed");
	return RDD__TLS_IO_ERROR;
}

enum rdd__tls_step
rdd__tls_peer_closed(struct rdd__tls *t, bool reset)
{
	char d[RDD_STR];

	if (t == NULL)
		return RDD__TLS_FAILED;
	if (t->step != RDD__TLS_AGAIN)
		return t->step;
	if (t->alert_seen) {
		fail_alert(t);
		return t->step;
	}
	if (t->bytes_in == 0)
		snprintf(d, sizeof(d),
		         "%s after the ClientHello, before any answer",
		         reset ? "connection reset by the server"
		               : "server closed the connection");
	else
		snprintf(d, sizeof(d),
		         "%s during the handshake, after %zu bytes from it",
		         reset ? "connection reset by the server"
		               : "server closed the connection",
		         t->bytes_in);
	fail(t, reset ? RDD_TLS_RESET : RDD_TLS_CLOSED, d);
	return t->step;
}

enum rdd_tls_outcome
rdd__tls_result(const struct rdd__tls *t, uint8_t *alert_level,
                uint8_t *alert_desc, const char **detail)
{
	if (t == NULL)
		return RDD_TLS_ERROR;
	if (alert_level != NULL)
		*alert_level = t->alert_seen ? (uint8_t)t->alert_level : 0;
	if (alert_desc != NULL)
		*alert_desc = t->alert_seen ? (uint8_t)t->alert_desc : 0;
	if (detail != NULL)
		*detail = t->detail;
	if (t->step == RDD__TLS_DONE)
		return RDD_TLS_OK;
	return t->step == RDD__TLS_FAILED ? t->outcome : RDD_TLS_NOT_RUN;
}

void
rdd__tls_fill_info(const struct rdd__tls *t, struct rdd_tls_info *info,
                   const char *attempt, const char *server_name)
{
	const SSL_CIPHER *c;
	const char *name = NULL;

	memset(info, 0, sizeof(*info));
	info->cert.name_match = -1;
	info->cert.trusted = -1;
	if (t == NULL || t->step != RDD__TLS_DONE)
		return;
	info->present = true;
	snprintf(info->attempt, sizeof(info->attempt), "%s",
	         attempt != NULL ? attempt : "");
	snprintf(info->version, sizeof(info->version), "%s",
	         SSL_get_version(t->ssl));
	c = SSL_get_current_cipher(t->ssl);
	if (c != NULL) {
		name = SSL_CIPHER_standard_name(c);
		if (name == NULL)
			name = SSL_CIPHER_get_name(c);
	}
	snprintf(info->cipher, sizeof(info->cipher), "%s",
	         name != NULL ? name : "");
	rdd__cert_facts(SSL_get0_peer_certificate(t->ssl), server_name,
	                &info->cert);
	ERR_clear_error();
}

void
rdd__tls_verify_chain(const struct rdd__tls *t, X509_STORE *store, int64_t at,
                      struct rdd_cert *out)
{
	X509 *leaf;
	STACK_OF(X509) * chain;
	X509_STORE_CTX *vc;
	X509_VERIFY_PARAM *vp;
	int ok, err;

	if (t == NULL || t->step != RDD__TLS_DONE || store == NULL ||
	    !out->present)
		return;
	leaf = SSL_get0_peer_certificate(t->ssl);
	chain = SSL_get_peer_cert_chain(t->ssl); /* the client side: with the
	                                          * leaf, as the server sent */
	if (leaf == NULL)
		return;
	ERR_clear_error();
	vc = X509_STORE_CTX_new();
	if (vc == NULL || X509_STORE_CTX_init(vc, store, leaf, chain) != 1) {
		X509_STORE_CTX_free(vc);
		ERR_clear_error();
		return;
	}
	vp = X509_STORE_CTX_get0_param(vc);
	if (at > 0)
		X509_VERIFY_PARAM_set_time(vp, (time_t)at);
	ok = X509_verify_cert(vc);
	err = X509_STORE_CTX_get_error(vc);
	/* The dates are judged by their own findings: a chain whose only
	 * fault is time is a path to a trusted root. */
	if (ok != 1 && (err == X509_V_ERR_CERT_HAS_EXPIRED ||
	                err == X509_V_ERR_CERT_NOT_YET_VALID)) {
		X509_STORE_CTX_cleanup(vc);
		if (X509_STORE_CTX_init(vc, store, leaf, chain) == 1) {
			X509_VERIFY_PARAM_set_flags(
			    X509_STORE_CTX_get0_param(vc),
			    X509_V_FLAG_NO_CHECK_TIME);
			ok = X509_verify_cert(vc);
			err = X509_STORE_CTX_get_error(vc);
		}
	}
	out->trusted = ok == 1 ? 1 : 0;
	if (ok != 1)
		snprintf(out->trust_error, sizeof(out->trust_error), "%s",
		         X509_verify_cert_error_string(err));
	X509_STORE_CTX_free(vc);
	ERR_clear_error();
}

/* --- certificate facts ------------------------------------------------- */

/* Copy N bytes of a name into DST; a NUL inside becomes '?', so that
 * "evil.example\0.good.example" cannot pass for its first half. */
static void
copy_bytes(char *dst, size_t cap, const unsigned char *s, size_t n)
{
	size_t i;

	if (cap == 0)
		return;
	if (n > cap - 1)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = s[i] != '\0' ? (char)s[i] : '?';
	dst[n] = '\0';
}

static void
name_rfc2253(const X509_NAME *name, char *dst, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	dst[0] = '\0';
	if (b == NULL)
		return;
	if (name != NULL &&
	    X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0)
		n = BIO_read(b, dst, (int)cap - 1);
	dst[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

static void
common_name(const X509_NAME *name, char *dst, size_t cap)
{
	int i = -1, last = -1;
	X509_NAME_ENTRY *e;
	unsigned char *utf8 = NULL;
	int n;

	dst[0] = '\0';
	if (name == NULL)
		return;
	/* The last CN is the most specific one. */
	while ((i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0)
		last = i;
	if (last < 0)
		return;
	e = X509_NAME_get_entry(name, last);
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
	if (n >= 0 && utf8 != NULL)
		copy_bytes(dst, cap, utf8, (size_t)n);
	OPENSSL_free(utf8);
}

static void
subject_alt_names(X509 *x, struct rdd_cert *out)
{
	GENERAL_NAMES *gens;
	int i, n;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (gens == NULL)
		return;
	n = sk_GENERAL_NAME_num(gens);
	for (i = 0; i < n && out->n_san < RDD_MAX_SAN; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char *dst = out->san[out->n_san];
		char ip[INET6_ADDRSTRLEN];
		const unsigned char *d;
		int len;

		if (g->type == GEN_DNS) {
			d = ASN1_STRING_get0_data(g->d.dNSName);
			len = ASN1_STRING_length(g->d.dNSName);
			memcpy(dst, "DNS:", 4);
			copy_bytes(dst + 4, RDD_STR - 4, d,
			           len > 0 ? (size_t)len : 0);
		} else if (g->type == GEN_IPADD) {
			d = ASN1_STRING_get0_data(g->d.iPAddress);
			len = ASN1_STRING_length(g->d.iPAddress);
			if (len == 4 &&
			    inet_ntop(AF_INET, d, ip, sizeof(ip)) != NULL)
				snprintf(dst, RDD_STR, "IP:%s", ip);
			else if (len == 16 &&
			         inet_ntop(AF_INET6, d, ip, sizeof(ip)) != NULL)
				snprintf(dst, RDD_STR, "IP:%s", ip);
			else
				snprintf(dst, RDD_STR, "IP:(invalid, %d bytes)",
				         len);
		} else {
			continue;
		}
		out->n_san++;
	}
	GENERAL_NAMES_free(gens);
}

static int64_t
unix_time(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

static void
key_facts(X509 *x, struct rdd_cert *out)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	const char *type = NULL;

	if (pk == NULL) {
		/* A key OpenSSL cannot decode: name its algorithm. */
		X509_PUBKEY *xpk = X509_get_X509_PUBKEY(x);
		ASN1_OBJECT *obj = NULL;

		if (xpk != NULL &&
		    X509_PUBKEY_get0_param(&obj, NULL, NULL, NULL, xpk) == 1 &&
		    obj != NULL)
			OBJ_obj2txt(out->key_type, sizeof(out->key_type), obj,
			            0);
		else
			snprintf(out->key_type, sizeof(out->key_type),
			         "unknown");
		return;
	}
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		type = "RSA";
		break;
	case EVP_PKEY_RSA_PSS:
		type = "RSA-PSS";
		break;
	case EVP_PKEY_EC:
		type = "EC";
		break;
	case EVP_PKEY_DSA:
		type = "DSA";
		break;
	case EVP_PKEY_ED25519:
		type = "Ed25519";
		break;
	case EVP_PKEY_ED448:
		type = "Ed448";
		break;
	default:
		type = EVP_PKEY_get0_type_name(pk);
		break;
	}
	snprintf(out->key_type, sizeof(out->key_type), "%s",
	         type != NULL ? type : "unknown");
	out->key_bits = EVP_PKEY_get_bits(pk);
}

/* Extended key usage: server authentication (1.3.6.1.5.5.7.3.1) and
 * Remote Desktop Authentication (1.3.6.1.4.1.311.54.1.2), either of which
 * an RDP listener's certificate needs when the extension is present. */
static void
eku_facts(X509 *x, struct rdd_cert *out)
{
	EXTENDED_KEY_USAGE *eku =
	    X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	ASN1_OBJECT *rdp;

	if (eku == NULL)
		return;
	out->has_eku = true;
	rdp = OBJ_txt2obj("1.3.6.1.4.1.311.54.1.2", 1);
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);

		if (OBJ_obj2nid(o) == NID_server_auth)
			out->eku_server_auth = true;
		if (rdp != NULL && OBJ_cmp(o, rdp) == 0)
			out->eku_rdp_auth = true;
	}
	ASN1_OBJECT_free(rdp);
	EXTENDED_KEY_USAGE_free(eku);
}

static void
signature_name(X509 *x, struct rdd_cert *out)
{
	int nid = X509_get_signature_nid(x);
	const X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj = NULL;
	const char *ln;

	out->signature[0] = '\0';
	if (nid != NID_undef && (ln = OBJ_nid2ln(nid)) != NULL) {
		snprintf(out->signature, sizeof(out->signature), "%s", ln);
		return;
	}
	X509_get0_signature(NULL, &alg, x);
	if (alg != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (obj != NULL)
		OBJ_obj2txt(out->signature, sizeof(out->signature), obj, 1);
}

static void
fingerprint(X509 *x, struct rdd_cert *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	static const char hex[] = "0123456789abcdef";

	out->sha256[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &n) != 1 || n != 32)
		return;
	for (i = 0; i < n; i++) {
		out->sha256[2 * i] = hex[md[i] >> 4];
		out->sha256[2 * i + 1] = hex[md[i] & 0xf];
	}
	out->sha256[2 * n] = '\0';
	out->sha1[0] = '\0';
	if (X509_digest(x, EVP_sha1(), md, &n) != 1 || n != 20)
		return;
	for (i = 0; i < n; i++) {
		out->sha1[2 * i] = "0123456789ABCDEF"[md[i] >> 4];
		out->sha1[2 * i + 1] = "0123456789ABCDEF"[md[i] & 0xf];
	}
	out->sha1[2 * n] = '\0';
}

static void
check_name(X509 *x, const char *name, struct rdd_cert *out)
{
	char buf[RDD_STR];
	size_t n;
	int rc;

	snprintf(out->name_checked, sizeof(out->name_checked), "%s", name);
	n = strlen(name);
	if (n == 0 || n >= sizeof(buf))
		return;
	memcpy(buf, name, n + 1);
	if (rdd__is_ip_literal(buf)) {
		char *pct;

		if (buf[0] == '[' && buf[n - 1] == ']') {
			memmove(buf, buf + 1, n - 2);
			buf[n - 2] = '\0';
		}
		pct = strchr(buf, '%');
		if (pct != NULL)
			*pct = '\0';
		rc = X509_check_ip_asc(x, buf, 0);
	} else {
		if (n > 1 && buf[n - 1] == '.') /* absolute name */
			buf[--n] = '\0';
		rc = X509_check_host(x, buf, n, 0, NULL);
	}
	out->name_match = rc == 1 ? 1 : rc == 0 ? 0 : -1;
}

void
rdd__cert_facts(X509 *x, const char *server_name, struct rdd_cert *out)
{
	EVP_PKEY *pk;

	memset(out, 0, sizeof(*out));
	out->name_match = -1;
	out->trusted = -1;
	if (x == NULL)
		return;
	out->present = true;
	name_rfc2253(X509_get_subject_name(x), out->subject,
	             sizeof(out->subject));
	name_rfc2253(X509_get_issuer_name(x), out->issuer, sizeof(out->issuer));
	common_name(X509_get_subject_name(x), out->common_name,
	            sizeof(out->common_name));
	subject_alt_names(x, out);
	out->not_before = unix_time(X509_get0_notBefore(x));
	out->not_after = unix_time(X509_get0_notAfter(x));
	pk = X509_get0_pubkey(x);
	out->self_signed = X509_NAME_cmp(X509_get_subject_name(x),
	                                 X509_get_issuer_name(x)) == 0 &&
	                   pk != NULL && X509_verify(x, pk) == 1;
	key_facts(x, out);
	eku_facts(x, out);
	signature_name(x, out);
	fingerprint(x, out);
	if (server_name != NULL)
		check_name(x, server_name, out);
	ERR_clear_error();
}
