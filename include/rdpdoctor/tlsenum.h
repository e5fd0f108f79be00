/*
 * tlsenum.h - the TLS enumeration of "check --tls-full" (sans-I/O).
 *
 * Which protocol versions (SSL 3.0 to TLS 1.3), which cipher suites per
 * version and in what order, and which key-exchange groups the server
 * accepts, each learnt from a hand-built ClientHello (lib/wire/tlshello.c)
 * sent on its own connection after an X.224 exchange that selected TLS.
 *
 * Two pieces, neither touching a socket or a clock:
 *   rdd_tlsconn   one connection: X.224 Connection Request and Confirm,
 *                 then one ClientHello and the server's answer;
 *   rdd_tlsenum   the plan: hands out the next ClientHello to send
 *                 (rdd_tlsenum_next) and learns from each answer
 *                 (rdd_tlsenum_answer). Jobs that do not depend on each
 *                 other are all available at once, so the driver runs as
 *                 many connections concurrently as its per-host limit
 *                 allows (--tls-parallel).
 */
#ifndef RDPDOCTOR_TLSENUM_H
#define RDPDOCTOR_TLSENUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RDD_TLS_N_VERSIONS 5 /* SSL 3.0, TLS 1.0, 1.1, 1.2, 1.3 */
#define RDD_MAX_TLS_CIPHERS 160
#define RDD_MAX_TLS_GROUPS 16

struct rdd_tls_cipher {
	uint16_t version; /* 0x0300 .. 0x0304 */
	uint16_t id;      /* IANA value */
	char name[64];
	char strength[12]; /* "insecure", "weak", "medium", "strong" */
	int rank; /* server preference, from 1; 0 when the server follows the
	             client's order */
};

/* What the enumeration found: facts only, judged in lib/diag. */
struct rdd_tls_enum_info {
	bool present; /* the enumeration ran */
	double ms;
	int connections; /* opened */
	int failed;      /* ended without an answer (timeout, X.224, ...) */
	/* Per version, index 0 = SSL 3.0 .. 4 = TLS 1.3. */
	bool tested[RDD_TLS_N_VERSIONS];
	bool accepted[RDD_TLS_N_VERSIONS];
	/* Refused without a hello of its own. A server answers with the
	 * highest version it has up to the client's (RFC 5246 E.1), so this
	 * follows when a higher version's hello got a lower version than
	 * this one, or was refused by a server that answered TLS 1.2's hello
	 * with a ServerHello. implied_by: that higher version (0: none). */
	bool implied[RDD_TLS_N_VERSIONS];
	uint16_t implied_by[RDD_TLS_N_VERSIONS];
	/* The server picks the suite by its own order (1), by the
	 * client's (0), or unknown (-1: fewer than two suites). */
	int server_order[RDD_TLS_N_VERSIONS];
	struct rdd_tls_cipher ciphers[RDD_MAX_TLS_CIPHERS];
	size_t n_ciphers;
	uint16_t groups[RDD_MAX_TLS_GROUPS]; /* accepted, in asked order */
	size_t n_groups;
	bool groups_tested;
	/* The first answer: did the server send a certificate at all? */
	bool saw_certificate;
	char detail[256];
};

/* Index 0..4 for a version, -1 for another value. */
int rdd_tls_version_index(uint16_t version);

/* One connection. */
enum rdd_tlsconn_outcome {
	RDD_TLSCONN_PENDING,
	RDD_TLSCONN_HELLO,     /* a ServerHello (or HRR) */
	RDD_TLSCONN_ALERT,     /* an alert instead */
	RDD_TLSCONN_CLOSED,    /* closed after the ClientHello, no answer */
	RDD_TLSCONN_RESET,     /* reset after the ClientHello */
	RDD_TLSCONN_TIMEOUT,   /* no (complete) answer in time */
	RDD_TLSCONN_NOT_TLS,   /* the answer is not TLS */
	RDD_TLSCONN_MALFORMED, /* TLS, but not a readable answer */
	RDD_TLSCONN_NO_TLS     /* the X.224 exchange did not select TLS */
};

/* "pending", "hello", "alert", "closed", "reset", "timeout", "not_tls",
 * "malformed", "no_tls". */
const char *rdd_tlsconn_outcome_name(enum rdd_tlsconn_outcome o);

struct rdd_tlsconn_result {
	enum rdd_tlsconn_outcome outcome;
	bool hrr;
	uint16_t version;
	uint16_t suite;
	uint16_t group;
	int dh_bits;
	uint32_t n_certs;
	const uint8_t *cert; /* the server's certificate (DER), valid until
	                        the connection is freed; NULL none */
	size_t cert_len;
	int alert_desc; /* -1 none */
};

struct rdd_tlsconn;

/* HELLO: the ClientHello record(s) to send once TLS is selected (copied). */
struct rdd_tlsconn *rdd_tlsconn_new(const char *cookie, const uint8_t *hello,
                                    size_t hello_len, uint64_t timeout_us);
void rdd_tlsconn_start(struct rdd_tlsconn *c, uint64_t now_us);
void rdd_tlsconn_recv(struct rdd_tlsconn *c, const uint8_t *data, size_t len,
                      uint64_t now_us);
void rdd_tlsconn_peer_closed(struct rdd_tlsconn *c, bool reset,
                             uint64_t now_us);
size_t rdd_tlsconn_pending(struct rdd_tlsconn *c, const uint8_t **data);
void rdd_tlsconn_sent(struct rdd_tlsconn *c, size_t n);
uint64_t rdd_tlsconn_deadline(const struct rdd_tlsconn *c);
void rdd_tlsconn_tick(struct rdd_tlsconn *c, uint64_t now_us);
bool rdd_tlsconn_done(const struct rdd_tlsconn *c);
/* The X.224 exchange is over: TLS selected, or the connection is done. */
bool rdd_tlsconn_past_x224(const struct rdd_tlsconn *c);
const struct rdd_tlsconn_result *
rdd_tlsconn_result(const struct rdd_tlsconn *c);
void rdd_tlsconn_free(struct rdd_tlsconn *c);

/* The plan. */
struct rdd_tlsenum;

#define RDD_TLS_HELLO_CAP 2048

struct rdd_tlsenum_job {
	int id; /* give it back with the answer */
	uint8_t hello[RDD_TLS_HELLO_CAP];
	size_t hello_len;
};

/* SERVER_NAME goes into SNI when it is a host name; may be NULL. */
struct rdd_tlsenum *rdd_tlsenum_new(const char *server_name);
/* Into how many chains at once a list whose order means nothing is split
 * (the client-ordered suites of a version, the TLS 1.3 groups): each
 * chain costs one more connection, and saves round trips. Before the
 * first rdd_tlsenum_next; 1 to RDD_TLSENUM_MAX_WIDTH. */
#define RDD_TLSENUM_DEFAULT_WIDTH 4
#define RDD_TLSENUM_MAX_WIDTH 8
void rdd_tlsenum_set_width(struct rdd_tlsenum *e, int width);

/* Pacing, from two times measured on the path (microseconds): RTT the
 * TCP connect time, PROC how long the server takes to answer the X.224
 * Connection Request beyond one round trip; RTT UINT64_MAX when nothing
 * is known yet.
 * rdd_tlsenum_early_limit: how many connections may wait at once for the
 * server's first answer (the rest of LIMIT may be further on), so that a
 * server with a short listen queue drops no SYN: (2 rtt + proc) / proc,
 * by Little's law about one of them queued at the server; 2 at least.
 * rdd_tlsenum_chain_width: the width for rdd_tlsenum_set_width: 2 where
 * the server's time per connection dominates, more as round trips do. */
int rdd_tlsenum_early_limit(uint64_t rtt_us, uint64_t proc_us, int limit);
int rdd_tlsenum_chain_width(uint64_t rtt_us, uint64_t proc_us);
/* The next ClientHello to send, if one is due now: true and fills JOB. */
bool rdd_tlsenum_next(struct rdd_tlsenum *e, struct rdd_tlsenum_job *job);
/* The answer to job ID. */
void rdd_tlsenum_answer(struct rdd_tlsenum *e, int id,
                        const struct rdd_tlsconn_result *r);
/* No job left to hand out and none outstanding. */
bool rdd_tlsenum_done(const struct rdd_tlsenum *e);
/* Write the findings (call when done; may be called earlier). */
void rdd_tlsenum_result(const struct rdd_tlsenum *e,
                        struct rdd_tls_enum_info *out);
void rdd_tlsenum_free(struct rdd_tlsenum *e);

#endif
