/*
 * test_tlsrec.c - lib/wire/tlsrec.c: classification of TLS record headers
 * (whole, partial, foreign), alert fields and alert names. Real records are
 * cut from captures in tests/captures/ (see its README.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/ssl.h>
#include <openssl/tls1.h>

#include "wire/tlsrec.h"

#include "capture_vectors.h"

/* The server's ChangeCipherSpec record, then its encrypted Finished in a
 * handshake record (two records in one segment). */
/* rdp-to-ssl.pcap, frame 11, server -> client, 59 bytes
 * (192.168.1.150:3389 -> 192.168.1.200:49206). */
static const uint8_t ssl_srv_ccs[] = {
    0x14, 0x03, 0x01, 0x00, 0x01, 0x01, 0x16, 0x03, 0x01, 0x00, 0x30, 0x8f,
    0xaf, 0xed, 0x54, 0x50, 0xe4, 0x2e, 0xa4, 0x6d, 0xb0, 0xf3, 0x5b, 0xa2,
    0x41, 0x78, 0xca, 0x1d, 0x30, 0x39, 0x1d, 0x69, 0x6e, 0x9d, 0x90, 0xd7,
    0x65, 0xe5, 0xfa, 0xe4, 0x4c, 0x54, 0xcb, 0x1e, 0x05, 0xd6, 0x79, 0x34,
    0x31, 0x46, 0x8c, 0x92, 0x91, 0x0f, 0x30, 0x98, 0x20, 0x2e, 0xb8,
};

/* The client's first application data record (CredSSP inside TLS 1.0). */
/* rdp-to-ssl.pcap, frame 12, client -> server, 85 bytes
 * (192.168.1.200:49206 -> 192.168.1.150:3389). */
static const uint8_t ssl_cli_app[] = {
    0x17, 0x03, 0x01, 0x00, 0x50, 0xd4, 0xc7, 0x28, 0x08, 0x7d, 0x9a,
    0x44, 0x68, 0x9d, 0xfb, 0x3a, 0x01, 0x28, 0xec, 0xe7, 0x95, 0xae,
    0x18, 0x85, 0xa0, 0x2f, 0x19, 0x6c, 0x2b, 0xd8, 0xa2, 0x05, 0x21,
    0x5d, 0x12, 0x49, 0xdd, 0xd2, 0xfa, 0xed, 0x9d, 0x9e, 0x13, 0x98,
    0x61, 0xb4, 0x3a, 0x8c, 0x8b, 0x17, 0xc0, 0x7b, 0xd7, 0x1e, 0x54,
    0xec, 0x3c, 0xb8, 0xe1, 0xcc, 0x60, 0xd4, 0x2a, 0x9e, 0x0f, 0x77,
    0xc5, 0xe4, 0x84, 0x17, 0x2c, 0xd2, 0x63, 0xac, 0x0a, 0x48, 0x1b,
    0x65, 0x68, 0x41, 0x78, 0xa5, 0xaa, 0xb5, 0x9b,
};

/* TLS 1.2: ChangeCipherSpec then the encrypted Finished. */
/* rdp-no-cookie-mstshash.pcap, frame 17, server -> client, 51 bytes
 * (10.132.153.76:3389 -> 10.128.36.245:50204). */
static const uint8_t nc_srv_ccs[] = {
    0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x16, 0x03, 0x03, 0x00, 0x28,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x56, 0xf4, 0x83,
    0x6c, 0xd2, 0xa5, 0x69, 0x43, 0x27, 0x98, 0x0f, 0xde, 0x0f, 0x77,
    0xa1, 0xe6, 0xfe, 0x4f, 0x8a, 0x8e, 0x5e, 0x79, 0xab, 0x3d, 0x20,
    0xc1, 0x11, 0xef, 0x48, 0x59, 0x28, 0x2b,
};

/* [MS-RDPBCGR] 4.1.2 Connection Confirm: what a server sends when the
 * client expected TLS but the server answers X.224. */
static const uint8_t spec_cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void
test_real_server_handshake(void **state)
{
	struct rdd_tlsrec rec;

	(void)state;
	memset(&rec, 0xee, sizeof(rec));
	assert_int_equal(rdd_tlsrec_peek(rdp_to_ssl_server_flight,
	                                 sizeof(rdp_to_ssl_server_flight),
	                                 &rec),
	                 RDD_TLSREC_HANDSHAKE);
	assert_int_equal(rec.type, RDD_TLS_CT_HANDSHAKE);
	assert_int_equal(rec.version, 0x0301);
	assert_int_equal(rec.length, 854);
	/* The record is the whole segment. */
	assert_int_equal(5 + rec.length, sizeof(rdp_to_ssl_server_flight));
	assert_int_equal(rec.alert_level, -1);
	assert_int_equal(rec.alert_desc, -1);
}

/* Walk records through a segment by their lengths. */
static void
test_real_record_walks(void **state)
{
	struct rdd_tlsrec rec;
	size_t off;

	(void)state;
	/* TLS 1.0: CCS (1 byte), then a 48-byte encrypted handshake. */
	assert_int_equal(
	    rdd_tlsrec_peek(ssl_srv_ccs, sizeof(ssl_srv_ccs), &rec),
	    RDD_TLSREC_CCS);
	assert_int_equal(rec.type, RDD_TLS_CT_CHANGE_CIPHER_SPEC);
	assert_int_equal(rec.version, 0x0301);
	assert_int_equal(rec.length, 1);
	off = 5 + rec.length;
	assert_int_equal(
	    rdd_tlsrec_peek(ssl_srv_ccs + off, sizeof(ssl_srv_ccs) - off, &rec),
	    RDD_TLSREC_HANDSHAKE);
	assert_int_equal(rec.length, 0x30);
	off += 5 + rec.length;
	assert_int_equal(off, sizeof(ssl_srv_ccs));
	assert_int_equal(rdd_tlsrec_peek(ssl_srv_ccs + off, 0, &rec),
	                 RDD_TLSREC_NEED_MORE);

	/* TLS 1.2: the same shape, 40-byte Finished. */
	assert_int_equal(rdd_tlsrec_peek(nc_srv_ccs, sizeof(nc_srv_ccs), &rec),
	                 RDD_TLSREC_CCS);
	assert_int_equal(rec.version, 0x0303);
	off = 5 + rec.length;
	assert_int_equal(
	    rdd_tlsrec_peek(nc_srv_ccs + off, sizeof(nc_srv_ccs) - off, &rec),
	    RDD_TLSREC_HANDSHAKE);
	assert_int_equal(rec.length, 0x28);
	assert_int_equal(off + 5 + rec.length, sizeof(nc_srv_ccs));

	/* Application data, 80 bytes. */
	assert_int_equal(
	    rdd_tlsrec_peek(ssl_cli_app, sizeof(ssl_cli_app), &rec),
	    RDD_TLSREC_APPDATA);
	assert_int_equal(rec.type, RDD_TLS_CT_APPLICATION_DATA);
	assert_int_equal(rec.length, 80);
	assert_int_equal(5 + rec.length, sizeof(ssl_cli_app));
}

/* Fewer than 5 bytes of a real record: NEED_MORE, no alert fields; from 5
 * bytes on, the kind of the whole record (the header is enough). */
static void
test_every_prefix(void **state)
{
	static const struct {
		const uint8_t *p;
		size_t len;
		enum rdd_tlsrec_kind kind;
	} t[] = {
	    {rdp_to_ssl_server_flight, sizeof(rdp_to_ssl_server_flight),
	     RDD_TLSREC_HANDSHAKE},
	    {ssl_srv_ccs, sizeof(ssl_srv_ccs), RDD_TLSREC_CCS},
	    {ssl_cli_app, sizeof(ssl_cli_app), RDD_TLSREC_APPDATA},
	    {nc_srv_ccs, sizeof(nc_srv_ccs), RDD_TLSREC_CCS},
	};
	struct rdd_tlsrec rec;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (n = 0; n < 5; n++) {
			memset(&rec, 0xee, sizeof(rec));
			assert_int_equal(rdd_tlsrec_peek(t[i].p, n, &rec),
			                 RDD_TLSREC_NEED_MORE);
			assert_int_equal(rec.length, 0);
			assert_int_equal(rec.alert_level, -1);
			assert_int_equal(rec.alert_desc, -1);
		}
		for (n = 5; n <= t[i].len; n++)
			assert_int_equal(rdd_tlsrec_peek(t[i].p, n, &rec),
			                 t[i].kind);
	}
	assert_int_equal(rdd_tlsrec_peek(NULL, 0, &rec), RDD_TLSREC_NEED_MORE);
}

/* Alerts: level and description when the record's first two bytes are
 * there and belong to it. */
static void
test_alerts(void **state)
{
	static const uint8_t fatal[] = {0x15, 0x03, 0x03, 0x00,
	                                0x02, 0x02, 0x28};
	static const uint8_t close[] = {0x15, 0x03, 0x01, 0x00,
	                                0x02, 0x01, 0x00};
	static const uint8_t short1[] = {0x15, 0x03, 0x03, 0x00, 0x01,
	                                 0x02, 0x16, 0x03, 0x03};
	static const uint8_t empty[] = {0x15, 0x03, 0x03, 0x00, 0x00,
	                                0x15, 0x03, 0x03, 0x00};
	struct rdd_tlsrec rec;
	size_t n;

	(void)state;
	assert_int_equal(rdd_tlsrec_peek(fatal, sizeof(fatal), &rec),
	                 RDD_TLSREC_ALERT);
	assert_int_equal(rec.type, RDD_TLS_CT_ALERT);
	assert_int_equal(rec.version, 0x0303);
	assert_int_equal(rec.length, 2);
	assert_int_equal(rec.alert_level, 2);
	assert_int_equal(rec.alert_desc, 40);
	assert_string_equal(rdd_tls_alert_name(rec.alert_desc),
	                    "handshake_failure");
	assert_int_equal(rdd_tlsrec_peek(close, sizeof(close), &rec),
	                 RDD_TLSREC_ALERT);
	assert_int_equal(rec.alert_level, 1);
	assert_int_equal(rec.alert_desc, 0);
	assert_string_equal(rdd_tls_alert_name(rec.alert_desc), "close_notify");
	/* Header only, or header and level: an alert, fields unknown. */
	for (n = 5; n < sizeof(fatal); n++) {
		assert_int_equal(rdd_tlsrec_peek(fatal, n, &rec),
		                 RDD_TLSREC_ALERT);
		assert_int_equal(rec.alert_level, -1);
		assert_int_equal(rec.alert_desc, -1);
	}
	/* Records too short for both fields: the bytes after them belong to
	 * the next record and are not read as the alert. */
	assert_int_equal(rdd_tlsrec_peek(short1, sizeof(short1), &rec),
	                 RDD_TLSREC_ALERT);
	assert_int_equal(rec.length, 1);
	assert_int_equal(rec.alert_level, -1);
	assert_int_equal(rec.alert_desc, -1);
	assert_int_equal(rdd_tlsrec_peek(empty, sizeof(empty), &rec),
	                 RDD_TLSREC_ALERT);
	assert_int_equal(rec.alert_desc, -1);
	/* Non-alert records never fill the alert fields. */
	assert_int_equal(
	    rdd_tlsrec_peek(ssl_srv_ccs, sizeof(ssl_srv_ccs), &rec),
	    RDD_TLSREC_CCS);
	assert_int_equal(rec.alert_level, -1);
	assert_int_equal(rec.alert_desc, -1);
}

/* Every content type byte, alone and in a full header. */
static void
test_all_content_types(void **state)
{
	uint8_t h[5] = {0, 0x03, 0x03, 0x00, 0x05};
	struct rdd_tlsrec rec;
	enum rdd_tlsrec_kind want;
	unsigned t;

	(void)state;
	for (t = 0; t < 256; t++) {
		h[0] = (uint8_t)t;
		switch (t) {
		case 20:
			want = RDD_TLSREC_CCS;
			break;
		case 21:
			want = RDD_TLSREC_ALERT;
			break;
		case 22:
			want = RDD_TLSREC_HANDSHAKE;
			break;
		case 23:
			want = RDD_TLSREC_APPDATA;
			break;
		default:
			want = RDD_TLSREC_NOT_TLS;
		}
		assert_int_equal(rdd_tlsrec_peek(h, 5, &rec), want);
		if (want == RDD_TLSREC_NOT_TLS) {
			/* Known from the first byte. */
			assert_int_equal(rdd_tlsrec_peek(h, 1, &rec),
			                 RDD_TLSREC_NOT_TLS);
		} else {
			assert_int_equal(rec.type, t);
			assert_int_equal(rec.length, 5);
			assert_int_equal(rdd_tlsrec_peek(h, 1, &rec),
			                 RDD_TLSREC_NEED_MORE);
		}
	}
}

/* Major version 3 only (SSL 3.0 .. TLS 1.3 legacy_version); any minor. */
static void
test_versions(void **state)
{
	uint8_t h[5] = {0x16, 0, 0, 0x00, 0x10};
	struct rdd_tlsrec rec;
	unsigned v;

	(void)state;
	for (v = 0; v < 256; v++) {
		h[1] = (uint8_t)v;
		h[2] = 0x01;
		if (v == 3) {
			assert_int_equal(rdd_tlsrec_peek(h, 2, &rec),
			                 RDD_TLSREC_NEED_MORE);
			assert_int_equal(rdd_tlsrec_peek(h, 5, &rec),
			                 RDD_TLSREC_HANDSHAKE);
		} else {
			assert_int_equal(rdd_tlsrec_peek(h, 2, &rec),
			                 RDD_TLSREC_NOT_TLS);
			assert_int_equal(rdd_tlsrec_peek(h, 5, &rec),
			                 RDD_TLSREC_NOT_TLS);
		}
	}
	h[1] = 3;
	for (v = 0; v < 256; v++) {
		h[2] = (uint8_t)v;
		assert_int_equal(rdd_tlsrec_peek(h, 5, &rec),
		                 RDD_TLSREC_HANDSHAKE);
		assert_int_equal(rec.version, 0x0300 | v);
	}
}

/* Bytes that are not TLS, including the first bytes of each. */
static void
test_not_tls(void **state)
{
	static const uint8_t sslv2[] = {0x80, 0x2e, 0x01, 0x00, 0x02};
	static const char http[] = "HTTP/1.1 400 Bad Request\r\n";
	static const uint8_t tpkt_like[] = {0x16, 0x00, 0x00, 0x13};
	struct rdd_tlsrec rec;
	size_t n;

	(void)state;
	/* An X.224 answer where a TLS record was expected. */
	for (n = 1; n <= sizeof(spec_cc); n++)
		assert_int_equal(rdd_tlsrec_peek(spec_cc, n, &rec),
		                 RDD_TLSREC_NOT_TLS);
	assert_int_equal(rdd_tlsrec_peek(sslv2, sizeof(sslv2), &rec),
	                 RDD_TLSREC_NOT_TLS);
	assert_int_equal(
	    rdd_tlsrec_peek((const uint8_t *)http, sizeof(http) - 1, &rec),
	    RDD_TLSREC_NOT_TLS);
	assert_int_equal(rdd_tlsrec_peek(tpkt_like, sizeof(tpkt_like), &rec),
	                 RDD_TLSREC_NOT_TLS);
	assert_int_equal(rec.alert_level, -1);
	assert_int_equal(rec.alert_desc, -1);
}

/* REC may be NULL when only the kind is wanted. */
static void
test_null_rec(void **state)
{
	(void)state;
	assert_int_equal(rdd_tlsrec_peek(rdp_to_ssl_server_flight, 5, NULL),
	                 RDD_TLSREC_HANDSHAKE);
	assert_int_equal(rdd_tlsrec_peek(rdp_to_ssl_server_flight, 3, NULL),
	                 RDD_TLSREC_NEED_MORE);
	assert_int_equal(rdd_tlsrec_peek(spec_cc, 1, NULL), RDD_TLSREC_NOT_TLS);
}

/* Names against OpenSSL's own numbering of the codes. */
static void
test_alert_names(void **state)
{
	static const struct {
		int code;
		const char *name;
	} t[] = {
	    {SSL3_AD_CLOSE_NOTIFY, "close_notify"},
	    {SSL3_AD_UNEXPECTED_MESSAGE, "unexpected_message"},
	    {SSL3_AD_BAD_RECORD_MAC, "bad_record_mac"},
	    {TLS1_AD_DECRYPTION_FAILED, "decryption_failed_RESERVED"},
	    {TLS1_AD_RECORD_OVERFLOW, "record_overflow"},
	    {SSL3_AD_DECOMPRESSION_FAILURE, "decompression_failure"},
	    {SSL3_AD_HANDSHAKE_FAILURE, "handshake_failure"},
	    {SSL3_AD_NO_CERTIFICATE, "no_certificate_RESERVED"},
	    {SSL3_AD_BAD_CERTIFICATE, "bad_certificate"},
	    {SSL3_AD_UNSUPPORTED_CERTIFICATE, "unsupported_certificate"},
	    {SSL3_AD_CERTIFICATE_REVOKED, "certificate_revoked"},
	    {SSL3_AD_CERTIFICATE_EXPIRED, "certificate_expired"},
	    {SSL3_AD_CERTIFICATE_UNKNOWN, "certificate_unknown"},
	    {SSL3_AD_ILLEGAL_PARAMETER, "illegal_parameter"},
	    {TLS1_AD_UNKNOWN_CA, "unknown_ca"},
	    {TLS1_AD_ACCESS_DENIED, "access_denied"},
	    {TLS1_AD_DECODE_ERROR, "decode_error"},
	    {TLS1_AD_DECRYPT_ERROR, "decrypt_error"},
	    {TLS1_AD_EXPORT_RESTRICTION, "export_restriction_RESERVED"},
	    {TLS1_AD_PROTOCOL_VERSION, "protocol_version"},
	    {TLS1_AD_INSUFFICIENT_SECURITY, "insufficient_security"},
	    {TLS1_AD_INTERNAL_ERROR, "internal_error"},
	    {TLS1_AD_INAPPROPRIATE_FALLBACK, "inappropriate_fallback"},
	    {TLS1_AD_USER_CANCELLED, "user_canceled"},
	    {TLS1_AD_NO_RENEGOTIATION, "no_renegotiation"},
	    {TLS13_AD_MISSING_EXTENSION, "missing_extension"},
	    {TLS1_AD_UNSUPPORTED_EXTENSION, "unsupported_extension"},
	    {TLS1_AD_CERTIFICATE_UNOBTAINABLE, "certificate_unobtainable"},
	    {TLS1_AD_UNRECOGNIZED_NAME, "unrecognized_name"},
	    {TLS1_AD_BAD_CERTIFICATE_STATUS_RESPONSE,
	     "bad_certificate_status_response"},
	    {TLS1_AD_BAD_CERTIFICATE_HASH_VALUE, "bad_certificate_hash_value"},
	    {TLS1_AD_UNKNOWN_PSK_IDENTITY, "unknown_psk_identity"},
	    {TLS13_AD_CERTIFICATE_REQUIRED, "certificate_required"},
	    {TLS1_AD_NO_APPLICATION_PROTOCOL, "no_application_protocol"},
	};
	static const int unknown[] = {-1,  1,   9,   11,  23,
	                              52,  81,  101, 108, 117,
	                              119, 121, 255, 256, 0x10000 + 40};
	size_t i;
	int d, named = 0;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_non_null(rdd_tls_alert_name(t[i].code));
		assert_string_equal(rdd_tls_alert_name(t[i].code), t[i].name);
	}
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_null(rdd_tls_alert_name(unknown[i]));
	/* Nothing named beyond the table above. */
	for (d = 0; d < 256; d++)
		if (rdd_tls_alert_name(d) != NULL)
			named++;
	assert_int_equal(named, sizeof(t) / sizeof(t[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_server_handshake),
	    cmocka_unit_test(test_real_record_walks),
	    cmocka_unit_test(test_every_prefix),
	    cmocka_unit_test(test_alerts),
	    cmocka_unit_test(test_all_content_types),
	    cmocka_unit_test(test_versions),
	    cmocka_unit_test(test_not_tls),
	    cmocka_unit_test(test_null_rec),
	    cmocka_unit_test(test_alert_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
