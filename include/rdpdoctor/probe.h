/*
 * probe.h - the per-connection state machine (sans-I/O).
 *
 * A probe walks one TCP connection through X.224 negotiation and, when the
 * server selects SSL, HYBRID or HYBRID_EX and the config asks for it, the
 * TLS handshake (OpenSSL through memory BIOs); then, when the server
 * selected HYBRID or HYBRID_EX and the config asks for it, the first round
 * of CredSSP: one TSRequest carrying an NTLM NEGOTIATE and the server's
 * answer (no credentials, no AUTHENTICATE). When the server selected
 * standard RDP security, or SSL (after TLS), and the config asks for it,
 * the Basic Settings Exchange: the MCS Connect-Initial and the server's
 * Connect-Response, and then, when asked, the rest of the connection
 * sequence up to activation (lib/probe/session.h). It never touches a
 * socket or a clock: the driver tells it that the TCP connection is up,
 * feeds it the bytes received and the time, sends what it hands out, and
 * calls tick() when the deadline passes. When done() is true the attempt record (and the TLS record, if
 * one was given) holds everything the connection showed.
 *
 * Time is a monotonic count of microseconds chosen by the caller.
 */
#ifndef RDPDOCTOR_PROBE_H
#define RDPDOCTOR_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/observation.h"

struct rdd_credentials; /* rdpdoctor/check.h */

/* One line of "-v" trace: what was sent or received, in plain words. */
typedef void (*rdd_trace_cb)(void *ctx, const char *label, const char *line);

struct rdd_probe_config {
	uint32_t requested_protocols; /* RDP_NEG_REQ requestedProtocols */
	const char *cookie;           /* "mstshash=NAME" value or NULL */
	bool tls;                     /* do the TLS upgrade when selected */
	bool credssp;        /* then CredSSP, when HYBRID(_EX) is selected */
	bool credssp_spnego; /* wrap the NTLM NEGOTIATE in SPNEGO */
	const char *server_name;   /* name or address for the cert check */
	uint64_t phase_timeout_us; /* per phase */
	uint64_t t0_us;            /* start of the check: times are relative */
	rdd_trace_cb trace;        /* may be NULL */
	void *trace_ctx;
	/* MCS Connect-Initial when RDP (or SSL, after TLS) is selected, with
	 * these CS_SECURITY encryptionMethods. */
	bool mcs;
	uint32_t encryption_methods;
	/* After an rt-successful Connect-Response, walk the rest of the
	 * connection sequence (channel joins, Client Info, licensing,
	 * capability exchange and finalization) up to STOP_AFTER
	 * (RDD_PHASE_MCS, _LICENSING or _ACTIVATION), then leave with a
	 * Disconnect Provider Ultimatum. LICENSING_FULL: answer a licence
	 * challenge instead of stopping there (a licence may be issued). */
	bool session;
	enum rdd_phase stop_after;
	bool licensing_full;
	/* Static virtual channels to ask for in the Connect-Initial and to
	 * join in the walk (names of up to 7 characters); none by default,
	 * so that the server sends nothing on them. */
	const char *const *channels;
	size_t n_channels;
	/* X509_STORE * to verify the server's chain against (the probe only
	 * reads it); NULL: trust not checked. verify_at: Unix seconds the
	 * verification is done at (the check's start). */
	void *trust_store;
	int64_t verify_at;
	/* Log on over CredSSP with these (read until the probe is freed;
	 * rdd_credentials in check.h) after a raw NTLM CHALLENGE, then go on
	 * to MCS and the walk; NULL: stop after the CHALLENGE, no
	 * credentials. verify_at is also the logon's wall clock. */
	const struct rdd_credentials *credentials;
	/* With credentials: after TLS, wait (at most the phase timeout)
	 * for rdd_probe_set_kerberos to say which mechanism logs on. */
	bool await_kerberos;
};

struct rdd_probe;

/*
 * Create a probe that will fill ATTEMPT (and TLS, if not NULL, when a
 * handshake completes). Both must outlive the probe. ATTEMPT's label,
 * address and tcp fields belong to the driver and are left alone.
 * Returns NULL when out of memory.
 */
struct rdd_probe *rdd_probe_new(const struct rdd_probe_config *cfg,
                                struct rdd_attempt *attempt,
                                struct rdd_tls_info *tls);

/*
 * Where the CredSSP phase writes its facts (must outlive the probe). The
 * probe fills every field but the other_* ones, which belong to the
 * driver. Without a record the phase still runs when the config asks for
 * it, and its facts are dropped.
 */
void rdd_probe_set_credssp_record(struct rdd_probe *p,
                                  struct rdd_credssp_info *info);

/*
 * Where the MCS phase writes its facts (must outlive the probe). Without
 * a record the phase still runs when the config asks for it; the attempt
 * record keeps its outcome, result and encryption method and level.
 */
void rdd_probe_set_mcs_record(struct rdd_probe *p, struct rdd_mcs_info *info);

/*
 * Where the walk after MCS Connect writes its facts (must outlive the
 * probe). Without a record the walk still runs when the config asks for
 * it, and its facts are dropped.
 */
void rdd_probe_set_session_record(struct rdd_probe *p,
                                  struct rdd_session_info *info);

/* Switch the walk after MCS Connect on or off, while the probe has not
 * reached it; later calls change nothing. */
void rdd_probe_set_session(struct rdd_probe *p, bool on);

/* The credentials of cfg->credentials, given later (the fallback
 * connection that turns out to be the client's path); later than the
 * CredSSP phase or the walk, changes nothing. */
void rdd_probe_set_credentials(struct rdd_probe *p,
                               const struct rdd_credentials *creds);

/*
 * The Kerberos phase's decision for a probe with await_kerberos: CCACHE
 * ("MEMORY:...", read until the probe is freed) holds a service ticket
 * for TERMSRV/<server_name>@REALM, and the logon goes over Kerberos;
 * CCACHE NULL: NTLM. WHY says why, in users' words (in the logon record).
 * The first call counts; a probe waiting after TLS goes on at once.
 */
void rdd_probe_set_kerberos(struct rdd_probe *p, const char *ccache,
                            const char *realm, const char *why,
                            uint64_t now_us);

/* The client's own address, for the Client Info PDU (FAMILY 4 or 6).
 * Without it the Client Info names 0.0.0.0. */
void rdd_probe_set_client_address(struct rdd_probe *p, int family,
                                  const char *address);

/* The TCP connection is up: queue the Connection Request. */
void rdd_probe_start(struct rdd_probe *p, uint64_t now_us);

/* Bytes arrived from the server. */
void rdd_probe_recv(struct rdd_probe *p, const uint8_t *data, size_t len,
                    uint64_t now_us);

/* The server closed (reset = false) or reset (reset = true) the connection. */
void rdd_probe_peer_closed(struct rdd_probe *p, bool reset, uint64_t now_us);

/* Bytes waiting to be sent; *data stays valid until rdd_probe_sent(). */
size_t rdd_probe_pending(struct rdd_probe *p, const uint8_t **data);

/* N of the pending bytes were handed to the network. */
void rdd_probe_sent(struct rdd_probe *p, size_t n);

/* The next deadline, or UINT64_MAX when none. */
uint64_t rdd_probe_deadline(const struct rdd_probe *p);

/* Time passed: handles an expired deadline. */
void rdd_probe_tick(struct rdd_probe *p, uint64_t now_us);

/* Finished: the driver closes the connection and frees the probe. */
bool rdd_probe_done(const struct rdd_probe *p);

void rdd_probe_free(struct rdd_probe *p);

#endif
