/*
 * tlshello.h - hand-built TLS ClientHellos and the server's first flight
 * read from raw bytes, for the TLS enumeration (RFC 8446 4.1.2-4.1.4,
 * 4.2, 4.4.2; RFC 5246 7.4.1-7.4.5; RFC 6101 5.6 for SSL 3.0).
 *
 * Nothing here calls OpenSSL: which versions and cipher suites can be
 * offered does not depend on how the local library was built.
 */
#ifndef RDD_WIRE_TLSHELLO_H
#define RDD_WIRE_TLSHELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_TLS_V_SSL3 0x0300
#define RDD_TLS_V_TLS10 0x0301
#define RDD_TLS_V_TLS11 0x0302
#define RDD_TLS_V_TLS12 0x0303
#define RDD_TLS_V_TLS13 0x0304

/* "SSLv3", "TLSv1.0", ..., "TLSv1.3"; NULL for another value. */
const char *rdd_tls_version_name(uint16_t v);

enum rdd_tls_strength {
	RDD_TLS_INSECURE, /* NULL, export, anonymous, RC4, DES, RC2 */
	RDD_TLS_WEAK,     /* 3DES, IDEA */
	RDD_TLS_MEDIUM,   /* no forward secrecy or no AEAD */
	RDD_TLS_STRONG    /* (EC)DHE with AEAD, or TLS 1.3 */
};

/* "insecure", "weak", "medium", "strong". */
const char *rdd_tls_strength_name(enum rdd_tls_strength s);

struct rdd_tls_suite {
	uint16_t id;
	enum rdd_tls_strength strength;
	const char *name; /* IANA name */
};

/* The whole table, sorted by id (TLS 1.3 suites 0x13xx included). */
const struct rdd_tls_suite *rdd_tls_suites(size_t *n);
/* The entry for ID, or NULL. */
const struct rdd_tls_suite *rdd_tls_suite_find(uint16_t id);
/* A TLS 1.3 suite (0x1301-0x13ff). */
bool rdd_tls_suite_is_tls13(uint16_t id);
/* Key exchange by ephemeral ECDH (name starts TLS_ECDHE_ or ECDH_anon). */
bool rdd_tls_suite_is_ecdhe(uint16_t id);
/* Needs TLS 1.2 (SHA-256/384 MAC or AEAD). */
bool rdd_tls_suite_needs_tls12(uint16_t id);

/* Named groups (RFC 8446 4.2.7, RFC 8422 5.1.1, RFC 7919). */
#define RDD_TLS_GROUP_SECP256R1 23
#define RDD_TLS_GROUP_SECP384R1 24
#define RDD_TLS_GROUP_SECP521R1 25
#define RDD_TLS_GROUP_X25519 29
#define RDD_TLS_GROUP_X448 30

/* Every group the enumeration asks about, and its name ("x25519"). */
const uint16_t *rdd_tls_groups(size_t *n);
const char *rdd_tls_group_name(uint16_t g);

struct rdd_tls_hello_params {
	uint16_t version; /* RDD_TLS_V_*: what to offer */
	const uint16_t *suites;
	size_t n_suites;
	const uint16_t *groups; /* supported_groups; NULL: the default list */
	size_t n_groups;
	/* TLS 1.3: send an X25519 key_share (with the bytes of RANDOM as
	 * the public value) when x25519 is among the groups; without it the
	 * server answers a supported group with a HelloRetryRequest. */
	bool key_share;
	/* TLS 1.3: list TLS 1.2, 1.1 and 1.0 in supported_versions too, so
	 * that a server without TLS 1.3 answers with the highest of those
	 * it has, as it would a TLS 1.2 hello, instead of an alert (RFC
	 * 8446 4.2.1: a server that reads the extension chooses only from
	 * its list). */
	bool also_older;
	uint8_t random[32];
	const char *server_name; /* SNI host name; NULL or an IP: none */
};

/*
 * Append one TLS record holding the ClientHello to B. SSL 3.0 hellos
 * carry no extensions; TLS 1.3 is offered with legacy_version 1.2 and
 * supported_versions. Returns 0, or -1 when B overflowed or the
 * parameters are impossible (no suites, unknown version).
 */
int rdd_tls_build_client_hello(struct rdd_buf *b,
                               const struct rdd_tls_hello_params *p);

enum rdd_tls_flight_status {
	RDD_TLSF_NEED_MORE, /* what arrived is a prefix of a valid flight */
	RDD_TLSF_HELLO,     /* ServerHello (and for TLS <= 1.2 the flight to
	                       ServerHelloDone) or a HelloRetryRequest */
	RDD_TLSF_ALERT,     /* an alert before the ServerHello */
	RDD_TLSF_NOT_TLS,   /* the bytes are not TLS records */
	RDD_TLSF_MALFORMED  /* TLS records, but not a readable flight */
};

struct rdd_tls_flight {
	uint16_t record_version; /* of the first record */
	bool hrr;                /* the ServerHello is a HelloRetryRequest */
	uint16_t legacy_version; /* ServerHello.(legacy_)version */
	uint16_t version;        /* supported_versions, else legacy_version */
	uint16_t suite;
	uint8_t compression;
	uint16_t group; /* key_share (or HRR selected_group), or the
	                   ServerKeyExchange named curve; 0 none */
	int dh_bits;    /* DHE ServerKeyExchange: bits of p; 0 none */
	/* Certificate (TLS <= 1.2): the entries, and the first one (the
	 * server's own), borrowed from the scratch buffer. */
	uint32_t n_certs;
	const uint8_t *cert;
	size_t cert_len;
	bool server_hello_done;
	int alert_level; /* -1 none */
	int alert_desc;
};

/*
 * Read the server's answer to a ClientHello: the TLS records in P,
 * LEN bytes from the first. Handshake fragments are joined in SCRATCH
 * (SCRATCH_CAP bytes; a flight that does not fit is MALFORMED), which
 * must outlive OUT's cert pointer. Returns the status and fills OUT.
 */
enum rdd_tls_flight_status rdd_tls_flight_parse(const uint8_t *p, size_t len,
                                                uint8_t *scratch,
                                                size_t scratch_cap,
                                                struct rdd_tls_flight *out);

#endif
