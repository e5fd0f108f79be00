/*
 * tlsrec.h - TLS record header reader (RFC 8446 5.1, RFC 5246 6.2.1).
 *
 *   type(1) legacy_version(2) length(2, BE) fragment(length)
 *
 * Enough to tell a TLS alert, a handshake record and non-TLS bytes apart,
 * before the bytes go to OpenSSL. Handles partial input (framing).
 */
#ifndef RDD_WIRE_TLSREC_H
#define RDD_WIRE_TLSREC_H

#include <stddef.h>
#include <stdint.h>

#define RDD_TLS_CT_CHANGE_CIPHER_SPEC 20
#define RDD_TLS_CT_ALERT 21
#define RDD_TLS_CT_HANDSHAKE 22
#define RDD_TLS_CT_APPLICATION_DATA 23

enum rdd_tlsrec_kind {
	RDD_TLSREC_NEED_MORE, /* fewer than 5 bytes, and they look like TLS */
	RDD_TLSREC_HANDSHAKE,
	RDD_TLSREC_ALERT, /* alert level/description filled if present */
	RDD_TLSREC_CCS,
	RDD_TLSREC_APPDATA,
	RDD_TLSREC_NOT_TLS /* unknown type, or major version != 3 */
};

struct rdd_tlsrec {
	uint8_t type;
	uint16_t version;
	uint16_t length;
	/* For alerts whose first two fragment bytes arrived (unencrypted). */
	int alert_level; /* -1 unknown */
	int alert_desc;  /* -1 unknown */
};

/* Classify the record that starts at P. */
enum rdd_tlsrec_kind rdd_tlsrec_peek(const uint8_t *p, size_t len,
                                     struct rdd_tlsrec *rec);

/* "handshake_failure", ... or NULL. */
const char *rdd_tls_alert_name(int desc);

#endif
