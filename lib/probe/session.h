/*
 * session.h - the walk after an rt-successful MCS Connect-Response
 * (internal to lib/probe; used by probe.c, the unit tests and the fuzz
 * target), sans I/O: the MCS domain (Erect Domain, Attach User, Channel
 * Joins of the user and I/O channels, and the message channel when the
 * server has one), standard RDP security's Security Exchange when the
 * server chose it, the Client Info PDU, licensing, and capability
 * exchange and finalization up to the server's Font Map; then a Disconnect
 * Provider Ultimatum. It fills a struct rdd_session_info.
 *
 * It is fed the plaintext byte stream from the server (after TLS when the
 * connection has it) and hands out whole PDUs to send (the caller puts
 * them into TLS, or on the wire). It frames TPKT and fast-path PDUs
 * itself. Time is a monotonic count of microseconds chosen by the caller;
 * every wait for the server has a deadline of the phase timeout.
 */
#ifndef RDD_PROBE_SESSION_H
#define RDD_PROBE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/observation.h"
#include "rdpdoctor/probe.h"
#include "wire/gcc.h"
#include "wire/share.h"

/* Fill OUT with N random bytes; 0 or -1. */
typedef int (*rdd__random_cb)(void *ctx, uint8_t *out, size_t n);

struct rdd__session_config {
	uint32_t selected_protocol; /* the RDP_NEG_RSP's (RDP when none) */
	/* The Connect-Response's server blocks (copied). */
	const struct rdd_gcc_server_data *server;
	/* RDD_PHASE_MCS, _LICENSING or _ACTIVATION: where to stop. */
	enum rdd_phase stop_after;
	/* Answer a licence challenge (a licence may then be issued to the
	 * client name "rdpdoctor"); false: stop there. */
	bool licensing_full;
	/* The Client Info's client address: family 2 (AF_INET) or 0x17. */
	uint16_t address_family;
	const char *client_address;
	uint64_t timeout_us; /* per awaited answer */
	uint64_t t0_us;      /* start of the check: times are relative */
	rdd_trace_cb trace;  /* may be NULL */
	void *trace_ctx;
	const char *label; /* the attempt's, for the trace */
	/* Randomness (client random, licensing randoms); NULL: OpenSSL's
	 * CSPRNG. The tests pass a fixed one. */
	rdd__random_cb random;
	void *random_ctx;
	/* Static virtual channels asked for in the Connect-Initial: the
	 * first N of SC_NET's channel ids are joined after the I/O and
	 * message channels. */
	size_t n_channels;
	/* The Client Info's credentials (check --user): USER and DOMAIN
	 * (NULL: none); PASSWORD (NULL: none; read, never copied but into
	 * the PDU, which is wiped); AUTOLOGON: INFO_AUTOLOGON, and after
	 * activation wait for the server's logon notification (--logon).
	 * AFTER_NLA: the user logged on over CredSSP already. */
	const char *user;
	const char *domain;
	const char *password;
	bool autologon;
	bool after_nla;
};

struct rdd__session;

/* NULL when out of memory. INFO must outlive the session; it is reset. */
struct rdd__session *rdd__session_new(const struct rdd__session_config *cfg,
                                      struct rdd_session_info *info);
void rdd__session_free(struct rdd__session *s);

/* Queue the first PDUs (Erect Domain, Attach User Request). */
void rdd__session_start(struct rdd__session *s, uint64_t now_us);

/* Plaintext bytes from the server. */
void rdd__session_recv(struct rdd__session *s, const uint8_t *data, size_t len,
                       uint64_t now_us);

/* The server closed (RESET false) or reset the connection. */
void rdd__session_peer_closed(struct rdd__session *s, bool reset,
                              uint64_t now_us);

/* Our side cannot go on (the TLS layer failed): end with an error. */
void rdd__session_abort(struct rdd__session *s, uint64_t now_us,
                        const char *why);

/* Time passed: handles an expired deadline. */
void rdd__session_tick(struct rdd__session *s, uint64_t now_us);
uint64_t rdd__session_deadline(const struct rdd__session *s);

/* PDUs to send (whole TPKTs); *DATA stays valid until the next call of
 * any function here. rdd__session_sent() drops the first N bytes. */
size_t rdd__session_pending(const struct rdd__session *s, const uint8_t **data);
void rdd__session_sent(struct rdd__session *s, size_t n);

/* Finished (the record is complete; send what is pending, then close). */
bool rdd__session_done(const struct rdd__session *s);

/* Copy what a server's Demand Active says into IN (the walk, and pcap's
 * observer reading a capture). */
void rdd__session_record_demand_active(struct rdd_session_info *in,
                                       const struct rdd_demand_active *da);

#endif
