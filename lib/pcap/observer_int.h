/*
 * observer_int.h - the insides of the passive observer (observer.h),
 * shared by observer.c (streams, framing, the end), observer_tls.c (the
 * TLS record layer), observer_nla.c (CredSSP), observer_mcs.c (X.224 and
 * MCS) and observer_sess.c (the MCS domain, licensing, activation).
 * Internal to lib/pcap.
 */
#ifndef RDD_PCAP_OBSERVER_INT_H
#define RDD_PCAP_OBSERVER_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap/observer.h"
#include "wire/cursor.h"
#include "wire/gcc.h"

/* Largest unit a stream holds while it waits for the rest: a TPKT
 * (65535), a TSRequest (65536) or a TLS record (16 KiB + 2 KiB), with
 * room for what follows it. */
#define RDD__OBS_STREAM_MAX (2 * 65536 + 4096)

/* Sides. */
#define CLI 0
#define SRV 1

/* Bytes of one direction not yet read: P and LEN are the unread ones,
 * inside MEM (CAP bytes); what was read is only moved away when room is
 * needed, so that reading many small units costs no copy each. */
struct rdd__stream {
	uint8_t *mem;
	size_t cap;
	uint8_t *p;
	size_t len;
	bool dead; /* a hole or unreadable bytes: nothing more is read */
};

/* What the bytes of a direction are, below TLS. */
enum rdd__raw_mode {
	RAW_X224, /* the Connection Request / Confirm */
	RAW_TLS,  /* TLS records */
	RAW_RDP,  /* TPKT and fast-path PDUs (standard RDP security) */
	RAW_OFF   /* not read any more */
};

/* What the plaintext of a direction is, inside TLS. */
enum rdd__inner_mode {
	IN_CREDSSP, /* TSRequests */
	IN_EARLY,   /* HYBRID_EX: the server's 4-byte Early User
	               Authorization Result */
	IN_RDP,     /* TPKT and fast-path PDUs */
	IN_OFF
};

/* Where the connection is, for deciding how it ended. */
enum rdd__stage {
	ST_TCP,     /* no Connection Request yet */
	ST_X224,    /* Connection Request sent, no Confirm */
	ST_TLS,     /* the handshake */
	ST_CREDSSP, /* NLA */
	ST_MCS,     /* Connect-Initial and -Response */
	ST_SESSION, /* the walk after the Connect-Response */
	ST_ACTIVE,  /* activation complete: the session runs */
	ST_DONE     /* ended and recorded */
};

/* The passive walk after the Connect-Response. */
enum rdd__walk {
	W_DOMAIN,    /* channel joins */
	W_LICENSING, /* Client Info sent */
	W_DEMAND,    /* waiting for the Demand Active (after licensing) */
	W_FINALIZE,  /* Demand Active seen */
	W_ACTIVE     /* Font Map seen */
};

struct rdd__tls_hs {
	/* Handshake messages are joined across records per side. */
	struct rdd__stream msgs[2];
	bool ccs[2];       /* ChangeCipherSpec sent (TLS <= 1.2) */
	bool finished[2];  /* that side's Finished went by */
	bool encrypted[2]; /* that side's records are no longer readable
	                      without keys */
	uint8_t client_random[32];
	uint8_t server_random[32];
	bool have_client_hello;
	bool have_server_hello;
	bool hrr;
	uint16_t version;
	uint16_t suite;
	bool done;
	double start_ms;
	uint64_t start_frame;
	bool cert_seen;
};

struct rdd_observer {
	struct rdd_observer_config cfg;
	struct rdd_pcap_conn *conn;
	struct rdd_observation *obs; /* &conn->obs */
	struct rdd_attempt *a;       /* obs->attempts[0] */
	double start;                /* capture time of the first packet */
	double last_ms;              /* the last packet */

	struct rdd__stream raw[2];
	struct rdd_tcp_meta raw_meta[2]; /* of the last bytes appended */
	struct rdd__stream plain[2];
	enum rdd__raw_mode raw_mode[2];
	enum rdd__inner_mode inner[2];
	enum rdd__stage stage;

	/* The first close of each side; answered: it acknowledged the
	 * other side's FIN, so it came after it (rdd__obs_first_closer). */
	bool closed[2];
	bool answered[2];
	bool reset[2];
	double closed_ms[2];
	uint64_t closed_frame[2];
	/* A hole in a direction. */
	bool gap[2];
	double gap_ms[2];
	uint64_t gap_frame[2];
	size_t gap_bytes[2];

	/* The last PDU each side sent, and what it was. */
	double last_pdu_ms[2];
	char last_pdu[2][64];
	int waiting_on; /* CLI or SRV: who must speak next; -1 nobody */
	double turn_ms; /* since when the server owes the next PDU, when a
	                   server PDU handed the turn back to the server */

	/* X.224. */
	bool cr;
	bool cc;
	uint32_t selected;
	bool tls_selected;

	/* TLS. */
	struct rdd__tls_hs *hs;
	struct rdd_tlsdec *dec; /* NULL without keys */

	/* CredSSP. */
	unsigned ts_client; /* TSRequests from the client */
	unsigned ts_server;
	bool nla_done;

	/* MCS and the walk. */
	bool ci;
	double ci_ms;
	bool walk_started;
	enum rdd__walk walk;
	bool client_info;
	double client_info_ms;
	bool security_exchange;
	bool standard_security; /* standard RDP security encrypts */
	uint32_t enc_method;
	uint16_t join_asked[40]; /* channel ids in Channel Join Requests */
	size_t n_join_asked;
	uint16_t static_ids[RDD_GCC_MAX_CHANNELS];
	size_t n_static_ids;
	bool lic_request;
	bool lic_challenge;
	double walk_last_client_ms;
	/* Server PDUs under standard RDP security that could not be read. */
	uint64_t hidden_server_pdus;
	uint64_t hidden_client_pdus;

	/* Reading stopped short of the end for a reason that is no fault:
	 * the phase it stopped in, what kind of reason, and why in words. */
	bool stopped;
	enum rdd_phase stop_phase;
	enum rdd_pcap_status stop_status; /* NOT_VISIBLE, CLIENT_CLOSED or
	                                     INCOMPLETE */
	char stop_detail[RDD_STR];
	char stop_more[RDD_STR]; /* more of it, for the capture section */
};

struct rdd_tlsdec;

/* --- observer.c --------------------------------------------------------- */

double rdd__obs_ms(const struct rdd_observer *o, const struct rdd_tcp_meta *m);
void rdd__obs_evidence(struct rdd_observer *o, const char *what,
                       const struct rdd_tcp_meta *m, bool from_client);
/* Note the PDU SIDE sent (for the end: who was waiting for whom). */
void rdd__obs_pdu(struct rdd_observer *o, int side, const char *what,
                  const struct rdd_tcp_meta *m);
/* Stop reading at PHASE (no fault: STATUS says what kind), with why in
 * words; the first call wins. */
void rdd__obs_stop(struct rdd_observer *o, enum rdd_phase phase,
                   enum rdd_pcap_status status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The side that closed the connection first (CLI or SRV), or -1. */
int rdd__obs_first_closer(const struct rdd_observer *o);
/* How the connection ended, from the point of view of a phase that was
 * waiting for SIDE's answer since SINCE_MS: fills WHAT (words) and
 * returns the kind of end. */
enum rdd__end_kind {
	END_SERVER_FIN,
	END_SERVER_RST,
	END_TIMEOUT, /* the server did not answer within the timeout
	                      (the client then gave up, or the capture ran
	                      on) */
	END_CLIENT,  /* the client closed first, before the timeout */
	END_CAPTURE, /* the capture ends before the timeout */
	END_GAP      /* a hole in the capture */
};
enum rdd__end_kind rdd__obs_end_kind(const struct rdd_observer *o,
                                     double since_ms, char *what, size_t cap);
/* While the client had to speak next: did the server close or reset the
 * connection first, within the timeout of its own last PDU (so that it,
 * not a stalled client, ended it)? Fills WHAT and *RESET. */
bool rdd__obs_server_dropped(const struct rdd_observer *o, char *what,
                             size_t cap, bool *reset);
/* Plaintext of SIDE (after TLS) to the inner layers. */
void rdd__obs_plain(struct rdd_observer *o, int side, const uint8_t *p,
                    size_t n, const struct rdd_tcp_meta *m);
/* Frame and hand out the RDP PDUs in stream S of SIDE. */
void rdd__obs_rdp_stream(struct rdd_observer *o, int side,
                         struct rdd__stream *s, const struct rdd_tcp_meta *m);
int rdd__stream_append(struct rdd__stream *s, const uint8_t *p, size_t n);
void rdd__stream_consume(struct rdd__stream *s, size_t n);

/* --- observer_tls.c ----------------------------------------------------- */

/* Records from SIDE in the raw stream. */
void rdd__tls_records(struct rdd_observer *o, int side,
                      const struct rdd_tcp_meta *m);
/* The connection ended in the handshake: set the attempt's outcome. */
void rdd__tls_end(struct rdd_observer *o);
void rdd__tls_free_state(struct rdd_observer *o);
/* The handshake completed and nothing after it could be read: stop,
 * saying why and what the record stream showed. */
void rdd__tls_opaque(struct rdd_observer *o);

/* --- observer_nla.c ----------------------------------------------------- */

void rdd__nla_stream(struct rdd_observer *o, int side,
                     const struct rdd_tcp_meta *m);
/* The connection ended during CredSSP. */
void rdd__nla_end(struct rdd_observer *o);

/* --- observer_mcs.c ----------------------------------------------------- */

/* A whole PDU in X.224 mode. */
void rdd__x224_pdu(struct rdd_observer *o, int side, const uint8_t *p, size_t n,
                   const struct rdd_tcp_meta *m);
/* Server bytes that are not TPKT where the Connection Confirm belongs. */
void rdd__x224_not_rdp(struct rdd_observer *o, const uint8_t *p, size_t n,
                       const struct rdd_tcp_meta *m, bool malformed);
void rdd__x224_end(struct rdd_observer *o);
/* A whole TPKT payload (after the 4-byte header) of SIDE, after X.224. */
void rdd__mcs_tpkt(struct rdd_observer *o, int side, const uint8_t *payload,
                   size_t n, const struct rdd_tcp_meta *m);
void rdd__mcs_end(struct rdd_observer *o);

/* --- observer_sess.c ---------------------------------------------------- */

/* A domain PDU of SIDE (after the Connect-Response). */
void rdd__sess_domain(struct rdd_observer *o, int side, const uint8_t *payload,
                      size_t n, const struct rdd_tcp_meta *m);
/* A fast-path PDU of SIDE. */
void rdd__sess_fastpath(struct rdd_observer *o, int side,
                        const struct rdd_tcp_meta *m);
/* Start the walk (an rt-successful Connect-Response). */
void rdd__sess_begin(struct rdd_observer *o, const struct rdd_tcp_meta *m);
/* The connection ended during the walk. */
void rdd__sess_end(struct rdd_observer *o);
/* The current phase of the walk. */
enum rdd_phase rdd__sess_phase(const struct rdd_observer *o);

#endif
