/*
 * session_int.h - the insides of the session walk (session.h), shared by
 * session.c (framing, security layer, MCS domain, Client Info, the end),
 * session_lic.c (licensing) and session_act.c (capability exchange and
 * finalization). Internal to lib/probe.
 */
#ifndef RDD_PROBE_SESSION_INT_H
#define RDD_PROBE_SESSION_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/session.h"
#include "wire/cursor.h"
#include "wire/license.h"
#include "wire/rdpsec.h"

/* Largest PDU read: a TPKT (65535) or a fast-path PDU (32767). */
#define RDD__SESSION_PDU_MAX 65535
/* Bounded retries: a licensing restart or resend, a reactivation. */
#define RDD__SESSION_MAX_RESTARTS 3

enum rdd__session_state {
	SS_IDLE,
	SS_ATTACH,     /* waiting for the Attach User Confirm */
	SS_JOIN,       /* waiting for a Channel Join Confirm */
	SS_LICENSING,  /* Client Info sent: licensing PDUs */
	SS_DEMAND,     /* waiting for the Demand Active */
	SS_FINALIZING, /* Confirm Active sent: waiting for the Font Map */
	SS_LOGON,      /* --logon: activated, waiting for the server's
	                  logon notification (Save Session Info) */
	SS_DONE
};

struct rdd__session {
	struct rdd_session_info *info;
	enum rdd__session_state st;
	uint32_t selected;
	struct rdd_gcc_server_data server;
	enum rdd_phase stop_after;
	bool licensing_full;
	uint16_t address_family;
	char client_address[64];
	uint64_t timeout_us;
	uint64_t t0_us;
	rdd_trace_cb trace;
	void *trace_ctx;
	char label[8];
	rdd__random_cb random;
	void *random_ctx;
	const char *user; /* the Client Info's credentials (session.h) */
	const char *domain;
	const char *password;
	bool autologon;
	bool after_nla;
	uint64_t logon_wait_us; /* how long SS_LOGON waits */
	uint64_t activated_us;  /* when the Font Map came */

	uint64_t deadline_us;
	uint64_t wait_since_us; /* when the awaited request was sent */
	uint64_t phase_start_us;
	bool peer_gone; /* the server closed or disconnected: send nothing */

	/* MCS domain. */
	uint16_t joins[3 + RDD_GCC_MAX_CHANNELS]; /* to join, in order */
	size_t n_static; /* static channels asked for */
	size_t n_joins;
	size_t join_next; /* the one whose confirm is awaited */

	/* Standard RDP security: keys and ciphers (NULL under TLS). */
	bool encrypting;
	struct rdd_sec *sec;

	/* Licensing. */
	struct rdd_lic_keys lic_keys;
	bool have_lic_keys;
	uint8_t lic_last[1024]; /* the last licensing message sent */
	size_t lic_last_len;
	unsigned lic_restarts;
	bool answered_request;

	/* Activation. */
	uint32_t share_id;
	uint16_t server_channel;

	/* Received bytes not yet a whole PDU. */
	uint8_t *in;
	size_t in_len;
	size_t in_cap;

	/* Whole PDUs to send. */
	uint8_t *out;
	size_t out_len;
	size_t out_cap;
};

/* --- session.c -------------------------------------------------------- */

void rdd__session_tracef(const struct rdd__session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
double rdd__session_rel_ms(const struct rdd__session *s, uint64_t now_us);
/* Record STEP of PHASE at NOW (waited since WAIT_FROM, 0: none). */
void rdd__session_event(struct rdd__session *s, enum rdd_session_step step,
                        enum rdd_phase phase, uint64_t now_us,
                        uint64_t wait_from_us, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Wait for the server from NOW on (re-arms the deadline). */
void rdd__session_wait(struct rdd__session *s, uint64_t now_us);
/* Send PAYLOAD (N bytes) on the I/O channel with security header FLAGS
 * (0: none unless encrypting; with ENCRYPT under standard RDP security
 * the PDU is encrypted and signed). Returns 0, or -1 after ending the
 * session with an error. */
int rdd__session_send_io(struct rdd__session *s, uint16_t flags, bool encrypt,
                         const uint8_t *payload, size_t n, uint64_t now_us);
/* End the walk with OUTCOME in PHASE; DETAIL says why. Sends our
 * Disconnect Provider Ultimatum unless the server is gone. */
void rdd__session_end(struct rdd__session *s, enum rdd_session_outcome o,
                      enum rdd_phase phase, uint64_t now_us, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6)));
/* The phase the walk is in now. */
enum rdd_phase rdd__session_phase(const struct rdd__session *s);
/* N random bytes (the config's source or OpenSSL's); -1 ends nothing. */
int rdd__session_random(struct rdd__session *s, uint8_t *out, size_t n);

/* --- session_lic.c ---------------------------------------------------- */

/* Client Info was sent: licensing starts. */
void rdd__lic_begin(struct rdd__session *s, uint64_t now_us);
/* A licensing message (preamble first) arrived. */
void rdd__lic_pdu(struct rdd__session *s, struct rdd_cur *msg, uint64_t now_us);
/* Licensing is over (valid client, licence issued, skipped, or an
 * error that lets the connection go on): on to activation, or stop. */
void rdd__lic_done(struct rdd__session *s, uint64_t now_us);

/* --- session_act.c ---------------------------------------------------- */

/* A slow-path PDU that is not licensing (share control header first),
 * on the I/O channel, in any state from Client Info on. */
void rdd__act_share_pdu(struct rdd__session *s, struct rdd_cur *pdu,
                        uint64_t now_us);
/* SS_LOGON waited in vain: the walk ends, activated, unconfirmed. */
void rdd__act_logon_timeout(struct rdd__session *s, uint64_t now_us);
/* A Server Redirection PDU of standard RDP security (no share header). */
void rdd__act_redirection(struct rdd__session *s, struct rdd_cur *body,
                          uint64_t now_us);

#endif
