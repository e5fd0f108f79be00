/*
 * conn.h - what a capture showed of one RDP connection: the observation
 * `check` would have made (struct rdd_observation, attempt "A" being this
 * connection) with its diagnosis, and what only a capture has: both
 * endpoints, frame numbers and times as evidence, TCP's own story (who
 * opened, who closed, retransmissions and holes), what the client sent
 * (its cookie, build, name, keyboard, channels, the account it logged on
 * with) and what could not be seen.
 *
 * Strings that came from the network are untrusted, as in observation.h.
 */
#ifndef RDD_PCAP_CONN_H
#define RDD_PCAP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/observation.h"

/* How a connection is counted in the one-line summary. */
enum rdd_pcap_status {
	RDD_PCAP_OK,            /* activation seen (warnings allowed) */
	RDD_PCAP_FAILED,        /* the diagnosis names a failed phase */
	RDD_PCAP_NOT_VISIBLE,   /* encrypted beyond some phase, no fault
	                           seen before it */
	RDD_PCAP_CLIENT_CLOSED, /* the client ended it while the server had
	                           answered everything asked */
	RDD_PCAP_INCOMPLETE,    /* the capture ends or has a hole before the
	                           connection's end */
	RDD_PCAP_FELL_BACK      /* refused standard TLS with SSL_NOT_ALLOWED_
	                           BY_SERVER, and the client connected again
	                           with standard RDP security (fallback) */
};
#define RDD_PCAP_STATUS_COUNT (RDD_PCAP_FELL_BACK + 1)

/* "ok", "failed", "not_visible", "client_closed", "incomplete",
 * "fell_back". */
const char *rdd_pcap_status_name(enum rdd_pcap_status s);

enum rdd_pcap_kind {
	RDD_PCAP_KIND_TCP, /* an RDP connection over TCP */
	RDD_PCAP_KIND_UDP  /* an RDP-UDP handshake (MS-RDPEUDP) */
};

struct rdd_pcap_endpoint {
	char addr[RDD_ADDR_STR];
	uint16_t port;
};

/* One side of the TCP connection (what it sent). */
struct rdd_pcap_side {
	uint64_t packets;
	uint64_t bytes;   /* payload bytes on the wire */
	uint64_t retrans; /* segments seen twice (a capture that shows every
	                     packet twice counts them all) */
	uint64_t overlaps;
	uint64_t gaps; /* holes in what the capture shows */
	uint64_t gap_bytes;
	uint64_t first_gap_frame;
	bool syn;
	uint64_t syn_frame;
	double syn_ms;
	unsigned syns; /* SYNs sent (retransmissions included) */
	bool fin;
	uint64_t fin_frame;
	double fin_ms;
	bool rst;
	uint64_t rst_frame;
	double rst_ms;
	bool cut; /* the snap length cut some of its segments */
};

#define RDD_PCAP_MAX_CHANNELS 31

/* What the client said of itself. */
struct rdd_pcap_client {
	bool has_cr;
	char cookie[64]; /* "Cookie: mstshash=..." value, or the routing
	                    token, as sent */
	bool neg_req;
	uint8_t neg_flags;
	uint32_t requested; /* requestedProtocols */
	bool has_core;      /* CS_CORE of the Connect-Initial */
	uint32_t version;
	uint32_t client_build;
	char client_name[16];
	uint32_t keyboard_layout;
	uint32_t keyboard_type;
	uint16_t desktop_width;
	uint16_t desktop_height;
	uint16_t color_depth; /* highColorDepth, else postBeta2, else
	                              colorDepth as bits per pixel */
	char dig_product_id[33];
	bool has_security;
	uint32_t encryption_methods;
	uint32_t n_channels;
	char channels[RDD_PCAP_MAX_CHANNELS][8];
	bool has_sni;
	char sni[RDD_STR];
	uint16_t hello_version; /* ClientHello's highest offered version */
	/* The account of the NTLM AUTHENTICATE (with keys) or of the Client
	 * Info (TLS, or with keys). */
	bool has_account;
	char user[256];
	char domain[256];
	char workstation[64];
	bool has_client_info;
	uint32_t info_flags;
	bool info_autologon;
};

/* The TLS record stream, whether or not it could be read. */
struct rdd_pcap_tls {
	bool seen;
	uint16_t version; /* negotiated */
	uint16_t suite;
	uint64_t records[2]; /* [0] client, [1] server, after the handshake */
	uint64_t app_bytes[2];
	bool keys;      /* a key log entry matched the ClientHello random */
	bool decrypted; /* and records decrypted with it */
	uint64_t decrypt_errors;
	char key_detail[RDD_STR]; /* why not, when keys were given */
	/* The last alert, when one was seen. */
	bool alert;
	bool alert_from_client;
	bool alert_encrypted; /* a TLS 1.2 record of type alert, unreadable */
	int alert_level;      /* -1 unknown */
	int alert_desc;
	uint64_t alert_frame;
	double alert_ms;
	bool close_notify[2];
};

/* Frame numbers of what the verdict rests on. */
#define RDD_PCAP_MAX_EVIDENCE 32
struct rdd_pcap_evidence {
	char what[48]; /* "x224 connection confirm", ... */
	uint64_t frame;
	double at_ms;
	bool from_client;
};

struct rdd_pcap_conn {
	unsigned index; /* 1-based, in order of the first packet */
	enum rdd_pcap_kind kind;
	struct rdd_pcap_endpoint client;
	struct rdd_pcap_endpoint server;
	uint8_t ip_version;
	uint16_t vlan; /* the outermost VLAN id, 0 none */
	double start;  /* capture time of the first packet, Unix seconds */
	double end;
	uint64_t first_frame;
	uint64_t last_frame;
	bool midstream; /* the capture starts after the TCP handshake */

	struct rdd_pcap_side side[2]; /* [0] client, [1] server */
	struct rdd_pcap_client cli;
	struct rdd_pcap_tls tls;
	struct rdd_pcap_evidence evidence[RDD_PCAP_MAX_EVIDENCE];
	size_t n_evidence;

	/* What the capture could not show, in words ("" when everything
	 * up to the end was read), and where it stopped being readable. */
	char not_visible[2 * RDD_STR];
	/* How the connection ended, in words. */
	char ending[RDD_STR];
	/* After activation (or past what could be read): how long the
	 * session ran and how it ended. */
	double session_ms;
	bool has_end_error_info; /* a Set Error Info after activation */
	uint32_t end_error_info;
	bool has_end_dpum;
	int end_dpum_reason;
	bool end_dpum_from_client;

	enum rdd_pcap_status status;
	int status_phase;     /* enum rdd_phase, or -1 */
	unsigned fallback_to; /* FELL_BACK: the index of the connection the
	                         client fell back to */

	struct rdd_observation obs;
	/* Its own block (rdd_pcap_conn_new): with it inside, the record was
	 * 160 KB, over the 128 KB above which ASan maps, faults in and
	 * unmaps fresh pages for every block, which was most of what a
	 * connection cost under the sanitizers (fuzz/README.md, Speed). */
	struct rdd_diagnosis *diag;
};

/* A zeroed record with a zeroed diagnosis; NULL when out of memory. */
struct rdd_pcap_conn *rdd_pcap_conn_new(void);
/* Free C and its diagnosis (NULL is fine). */
void rdd_pcap_conn_free(struct rdd_pcap_conn *c);
/* Copy SRC into DST, both from rdd_pcap_conn_new, the diagnosis into
 * DST's own. */
void rdd_pcap_conn_copy(struct rdd_pcap_conn *dst,
                        const struct rdd_pcap_conn *src);

/* Add an evidence row to C (silently dropped when full). */
void rdd_pcap_evidence_add(struct rdd_pcap_conn *c, const char *what,
                           uint64_t frame, double at_ms, bool from_client);

#endif
