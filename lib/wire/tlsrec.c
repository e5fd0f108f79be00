/*
 * tlsrec.c - TLS record header classification: RFC 8446 5.1 (record layer,
 * TLSPlaintext) and RFC 5246 6.2.1 (fragmentation), content types of RFC
 * 5246 6.2.1 / RFC 8446 B.1, alerts of RFC 8446 6 / B.2 and RFC 5246 7.2,
 * plus RFC 6066 5, RFC 7507 2 and RFC 4279 2 for the later alert codes.
 * It tells a TLS handshake, an alert and bytes that are not TLS at all
 * (an X.224 answer, a closed listener's banner) apart before the bytes go
 * to OpenSSL. Framing, so partial input gives "need more".
 */
#include "cursor.h"
#include "tlsrec.h"

/*
 *   0        1        2        3        4        5
 *   +--------+--------+--------+--------+--------+------ ... ------+
 *   | type   | version (major, | length (BE)     | fragment        |
 *   | 20..23 |  minor) 3.x     |                 | (length bytes)  |
 *   +--------+--------+--------+--------+--------+------ ... ------+
 *
 * Alert fragment (RFC 8446 6, RFC 5246 7.2), in clear before a CCS:
 *   +--------+--------+
 *   | level  | desc   |     level 1 warning, 2 fatal
 *   +--------+--------+
 *
 * The type and major version are judged as soon as each byte arrives. The
 * minor version and the length are not judged: classification needs only
 * the header, not the whole record.
 */
enum rdd_tlsrec_kind
rdd_tlsrec_peek(const uint8_t *p, size_t len, struct rdd_tlsrec *rec)
{
	struct rdd_tlsrec r = {0, 0, 0, -1, -1};
	struct rdd_cur c;
	enum rdd_tlsrec_kind kind;
	uint8_t type, major, minor, level, desc;
	uint16_t length;

	rdd_cur_init(&c, p, len);
	if (rdd_cur_u8(&c, &type) != 0) {
		kind = RDD_TLSREC_NEED_MORE;
		goto out;
	}
	switch (type) {
	case RDD_TLS_CT_CHANGE_CIPHER_SPEC:
		kind = RDD_TLSREC_CCS;
		break;
	case RDD_TLS_CT_ALERT:
		kind = RDD_TLSREC_ALERT;
		break;
	case RDD_TLS_CT_HANDSHAKE:
		kind = RDD_TLSREC_HANDSHAKE;
		break;
	case RDD_TLS_CT_APPLICATION_DATA:
		kind = RDD_TLSREC_APPDATA;
		break;
	default:
		kind = RDD_TLSREC_NOT_TLS;
		goto out;
	}
	r.type = type;
	if (rdd_cur_u8(&c, &major) != 0) {
		kind = RDD_TLSREC_NEED_MORE;
		goto out;
	}
	if (major != 3) {
		kind = RDD_TLSREC_NOT_TLS;
		goto out;
	}
	if (rdd_cur_u8(&c, &minor) != 0) {
		kind = RDD_TLSREC_NEED_MORE;
		goto out;
	}
	r.version = (uint16_t)(major << 8 | minor);
	if (rdd_cur_u16be(&c, &length) != 0) {
		kind = RDD_TLSREC_NEED_MORE;
		goto out;
	}
	r.length = length;
	/* The two bytes must belong to this record, not the next one. */
	if (kind == RDD_TLSREC_ALERT && length >= 2 &&
	    rdd_cur_u8(&c, &level) == 0 && rdd_cur_u8(&c, &desc) == 0) {
		r.alert_level = level;
		r.alert_desc = desc;
	}
out:
	if (rec != NULL)
		*rec = r;
	return kind;
}

/*
 * AlertDescription names: RFC 8446 6; for codes TLS 1.3 no longer sends, the
 * names of the RFC that defines them for TLS 1.2 and earlier (RFC 5246 7.2,
 * RFC 6066 5 for 111 and 114), since those are the servers that send them.
 */
const char *
rdd_tls_alert_name(int desc)
{
	switch (desc) {
	case 0:
		return "close_notify";
	case 10:
		return "unexpected_message";
	case 20:
		return "bad_record_mac";
	case 21:
		return "decryption_failed_RESERVED";
	case 22:
		return "record_overflow";
	case 30:
		return "decompression_failure";
	case 40:
		return "handshake_failure";
	case 41:
		return "no_certificate_RESERVED";
	case 42:
		return "bad_certificate";
	case 43:
		return "unsupported_certificate";
	case 44:
		return "certificate_revoked";
	case 45:
		return "certificate_expired";
	case 46:
		return "certificate_unknown";
	case 47:
		return "illegal_parameter";
	case 48:
		return "unknown_ca";
	case 49:
		return "access_denied";
	case 50:
		return "decode_error";
	case 51:
		return "decrypt_error";
	case 60:
		return "export_restriction_RESERVED";
	case 70:
		return "protocol_version";
	case 71:
		return "insufficient_security";
	case 80:
		return "internal_error";
	case 86:
		return "inappropriate_fallback";
	case 90:
		return "user_canceled";
	case 100:
		return "no_renegotiation";
	case 109:
		return "missing_extension";
	case 110:
		return "unsupported_extension";
	case 111:
		return "certificate_unobtainable";
	case 112:
		return "unrecognized_name";
	case 113:
		return "bad_certificate_status_response";
	case 114:
		return "bad_certificate_hash_value";
	case 115:
		return "unknown_psk_identity";
	case 116:
		return "certificate_required";
	case 120:
		return "no_application_protocol";
	default:
		return NULL;
	}
}
