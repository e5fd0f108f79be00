/*
 * tls.h - the TLS client of a probe, driven through OpenSSL memory BIOs
 * (internal to lib/probe; used by probe.c and the unit tests).
 *
 * A session owns one SSL_CTX and one SSL whose read and write BIOs are
 * BIO_s_mem buffers: the probe writes what the server sent into the read
 * side and takes what OpenSSL wants sent from the write side. No socket,
 * no clock. Before received bytes reach OpenSSL their record headers are
 * read with rdd_tlsrec_peek (record boundaries are tracked across chunks),
 * so that a plaintext alert and bytes that are not TLS at all are named as
 * such rather than as whatever OpenSSL makes of them.
 *
 * The client accepts anything a server may choose (every protocol version
 * and cipher the library has, security level 0, legacy renegotiation) and
 * does not verify the certificate: rdpdoctor reports what it saw and
 * lib/diag judges it.
 *
 * Every function leaves the OpenSSL error queue of the calling thread empty.
 */
#ifndef RDD_PROBE_TLS_H
#define RDD_PROBE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "rdpdoctor/observation.h"
#include "rdpdoctor/probe.h"

struct rdd__tls;

enum rdd__tls_step {
	RDD__TLS_AGAIN, /* waiting for more bytes from the server */
	RDD__TLS_DONE,  /* handshake complete */
	RDD__TLS_FAILED /* see rdd__tls_result() */
};

/* Where trace lines go: CB may be NULL. LABEL is borrowed. */
struct rdd__tls_trace {
	rdd_trace_cb cb;
	void *ctx;
	const char *label;
};

/*
 * Create a session. SNI is sent only when SERVER_NAME is a host name (not
 * NULL, not empty, not an IP literal). Returns NULL when OpenSSL could not
 * set it up, with the reason in ERR (ERRCAP bytes, always terminated).
 */
struct rdd__tls *rdd__tls_new(const char *server_name,
                              const struct rdd__tls_trace *trace, char *err,
                              size_t errcap);

/* Produce the ClientHello (now pending on the write side). */
enum rdd__tls_step rdd__tls_start(struct rdd__tls *t);

/* Bytes from the server. After FAILED, further calls return FAILED. */
enum rdd__tls_step rdd__tls_feed(struct rdd__tls *t, const uint8_t *data,
                                 size_t len);

/*
 * The server closed (RESET false) or reset the connection before the
 * handshake completed: sets the result (ALERT if an alert came first,
 * else CLOSED or RESET). Returns FAILED, or DONE if it already was.
 */
enum rdd__tls_step rdd__tls_peer_closed(struct rdd__tls *t, bool reset);

/*
 * Application data, after DONE (the CredSSP phase). rdd__tls_write()
 * encrypts LEN bytes into records now pending on the write side; returns
 * 0, or -1 with the reason in ERR. rdd__tls_push() hands received bytes
 * to OpenSSL without reading them; rdd__tls_read() then takes up to CAP
 * decrypted bytes.
 */
enum rdd__tls_io {
	RDD__TLS_IO_DATA,   /* *N > 0 bytes in DST */
	RDD__TLS_IO_AGAIN,  /* no whole record yet */
	RDD__TLS_IO_CLOSED, /* the server sent close_notify */
	RDD__TLS_IO_ALERT,  /* the server sent a fatal alert; see DETAIL */
	RDD__TLS_IO_ERROR   /* bad records (decryption failed...); DETAIL */
};

int rdd__tls_write(struct rdd__tls *t, const uint8_t *data, size_t len,
                   char *err, size_t errcap);
/* Queue our TLS close_notify (after the last application data). */
void rdd__tls_close_notify(struct rdd__tls *t);
int rdd__tls_push(struct rdd__tls *t, const uint8_t *data, size_t len);
enum rdd__tls_io rdd__tls_read(struct rdd__tls *t, uint8_t *dst, size_t cap,
                               size_t *n, char *detail, size_t dcap);

/* Bytes OpenSSL wants sent. */
size_t rdd__tls_out_pending(const struct rdd__tls *t);
/* Move up to CAP pending bytes to DST; returns how many. */
size_t rdd__tls_out_read(struct rdd__tls *t, uint8_t *dst, size_t cap);

/* Bytes received from the server so far. */
size_t rdd__tls_bytes_in(const struct rdd__tls *t);

/*
 * After FAILED: the outcome (RDD_TLS_ALERT, _CLOSED, _RESET, _NOT_TLS or
 * _ERROR), the alert (level and description, when OUTCOME is ALERT) and a
 * detail line for the attempt record. Pointers may be NULL.
 */
enum rdd_tls_outcome rdd__tls_result(const struct rdd__tls *t,
                                     uint8_t *alert_level, uint8_t *alert_desc,
                                     const char **detail);

/*
 * After DONE: fill INFO (version, cipher, certificate). ATTEMPT is the
 * label to record; SERVER_NAME (may be NULL) is what the certificate name
 * is checked against.
 */
void rdd__tls_fill_info(const struct rdd__tls *t, struct rdd_tls_info *info,
                        const char *attempt, const char *server_name);

/*
 * After DONE: verify the chain the server sent against STORE (an
 * X509_STORE, only read) at Unix time AT, for any purpose: whether it
 * leads to a trusted root, not whether it is in date (the dates are
 * judged in lib/diag). Sets OUT->trusted (0 or 1) and OUT->trust_error;
 * leaves them alone (-1) when STORE is NULL or there is no certificate.
 */
void rdd__tls_verify_chain(const struct rdd__tls *t, X509_STORE *store,
                           int64_t at, struct rdd_cert *out);

/*
 * After DONE: the DER of the server's certificate, written to OUT (CAP
 * bytes). Returns its length, or 0 when there is none or it does not fit.
 */
size_t rdd__tls_peer_cert_der(const struct rdd__tls *t, uint8_t *out,
                              size_t cap);

void rdd__tls_free(struct rdd__tls *t);

/*
 * The facts of certificate X (may be NULL: OUT->present stays false),
 * with the name check against SERVER_NAME (NULL: not checked).
 */
void rdd__cert_facts(X509 *x, const char *server_name, struct rdd_cert *out);

/* True when S is an IPv4 or IPv6 literal (IPv6 optionally in brackets). */
bool rdd__is_ip_literal(const char *s);

/* "warning", "fatal" or NULL. */
const char *rdd__tls_alert_level_name(int level);

#endif
