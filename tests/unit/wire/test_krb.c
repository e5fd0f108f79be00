/*
 * test_krb.c - lib/wire/krb.c: the credential-free AS-REQ byte for byte
 * against the 138-byte request of shared/reference/kerberos.md 3.3 (sent
 * to the lab's MIT KDC), and the KRB-ERROR of 3.4 (the KDC's 233-byte
 * PREAUTH_REQUIRED answer with ETYPE-INFO2), a CLIENT_NOT_FOUND with ctime
 * and no e-data, a Windows-style KERB-ERROR-DATA e-data; every truncation;
 * the TCP record framing and KerberosTime.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/krb.h"

/* Reference 3.3: cname alice, realm RDPLAB.TEST, nonce 0x57d92504,
 * etypes {18, 17, 23}. */
static const uint8_t as_req[] = {
    0x6a, 0x81, 0x87, 0x30, 0x81, 0x84, 0xa1, 0x03, 0x02, 0x01, 0x05, 0xa2,
    0x03, 0x02, 0x01, 0x0a, 0xa4, 0x78, 0x30, 0x76, 0xa0, 0x07, 0x03, 0x05,
    0x00, 0x40, 0x81, 0x00, 0x10, 0xa1, 0x12, 0x30, 0x10, 0xa0, 0x03, 0x02,
    0x01, 0x01, 0xa1, 0x09, 0x30, 0x07, 0x1b, 0x05, 0x61, 0x6c, 0x69, 0x63,
    0x65, 0xa2, 0x0d, 0x1b, 0x0b, 0x52, 0x44, 0x50, 0x4c, 0x41, 0x42, 0x2e,
    0x54, 0x45, 0x53, 0x54, 0xa3, 0x20, 0x30, 0x1e, 0xa0, 0x03, 0x02, 0x01,
    0x02, 0xa1, 0x17, 0x30, 0x15, 0x1b, 0x06, 0x6b, 0x72, 0x62, 0x74, 0x67,
    0x74, 0x1b, 0x0b, 0x52, 0x44, 0x50, 0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45,
    0x53, 0x54, 0xa5, 0x11, 0x18, 0x0f, 0x32, 0x30, 0x33, 0x37, 0x30, 0x39,
    0x31, 0x33, 0x30, 0x32, 0x34, 0x38, 0x30, 0x35, 0x5a, 0xa7, 0x06, 0x02,
    0x04, 0x57, 0xd9, 0x25, 0x04, 0xa8, 0x0b, 0x30, 0x09, 0x02, 0x01, 0x12,
    0x02, 0x01, 0x11, 0x02, 0x01, 0x17,
};
static const uint8_t krb_error[] = {
    0x7e, 0x81, 0xe6, 0x30, 0x81, 0xe3, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1,
    0x03, 0x02, 0x01, 0x1e, 0xa4, 0x11, 0x18, 0x0f, 0x32, 0x30, 0x32, 0x36,
    0x31, 0x32, 0x30, 0x36, 0x32, 0x30, 0x35, 0x38, 0x35, 0x39, 0x5a, 0xa5,
    0x05, 0x02, 0x03, 0x0d, 0x00, 0x5f, 0xa6, 0x03, 0x02, 0x01, 0x19, 0xa7,
    0x0d, 0x1b, 0x0b, 0x52, 0x44, 0x50, 0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45,
    0x53, 0x54, 0xa8, 0x12, 0x30, 0x10, 0xa0, 0x03, 0x02, 0x01, 0x01, 0xa1,
    0x09, 0x30, 0x07, 0x1b, 0x05, 0x61, 0x6c, 0x69, 0x63, 0x65, 0xa9, 0x0d,
    0x1b, 0x0b, 0x52, 0x44, 0x50, 0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45, 0x53,
    0x54, 0xaa, 0x20, 0x30, 0x1e, 0xa0, 0x03, 0x02, 0x01, 0x02, 0xa1, 0x17,
    0x30, 0x15, 0x1b, 0x06, 0x6b, 0x72, 0x62, 0x74, 0x67, 0x74, 0x1b, 0x0b,
    0x52, 0x44, 0x50, 0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45, 0x53, 0x54, 0xab,
    0x10, 0x1b, 0x0e, 0x4e, 0x45, 0x45, 0x44, 0x45, 0x44, 0x5f, 0x50, 0x52,
    0x45, 0x41, 0x55, 0x54, 0x48, 0xac, 0x52, 0x04, 0x50, 0x30, 0x4e, 0x30,
    0x0a, 0xa1, 0x04, 0x02, 0x02, 0x00, 0x88, 0xa2, 0x02, 0x04, 0x00, 0x30,
    0x26, 0xa1, 0x03, 0x02, 0x01, 0x13, 0xa2, 0x1f, 0x04, 0x1d, 0x30, 0x1b,
    0x30, 0x19, 0xa0, 0x03, 0x02, 0x01, 0x12, 0xa1, 0x12, 0x1b, 0x10, 0x52,
    0x44, 0x50, 0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45, 0x53, 0x54, 0x61, 0x6c,
    0x69, 0x63, 0x65, 0x30, 0x09, 0xa1, 0x03, 0x02, 0x01, 0x02, 0xa2, 0x02,
    0x04, 0x00, 0x30, 0x0d, 0xa1, 0x04, 0x02, 0x02, 0x00, 0x85, 0xa2, 0x05,
    0x04, 0x03, 0x4d, 0x49, 0x54,
};
/* Reference 3.4 continued: error 6 with ctime/cusec, e-text, no e-data;
 * error 18 whose e-data is a KERB-ERROR-DATA (type 3, NTSTATUS
 * 0xc0000234), not a METHOD-DATA. Both stime 20261206205859Z. */
static const uint8_t err_not_found[] = {
    0x7e, 0x81, 0x87, 0x30, 0x81, 0x84, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1,
    0x03, 0x02, 0x01, 0x1e, 0xa2, 0x11, 0x18, 0x0f, 0x32, 0x30, 0x32, 0x36,
    0x31, 0x32, 0x30, 0x36, 0x32, 0x30, 0x35, 0x38, 0x35, 0x38, 0x5a, 0xa3,
    0x03, 0x02, 0x01, 0x0c, 0xa4, 0x11, 0x18, 0x0f, 0x32, 0x30, 0x32, 0x36,
    0x31, 0x32, 0x30, 0x36, 0x32, 0x30, 0x35, 0x38, 0x35, 0x39, 0x5a, 0xa5,
    0x03, 0x02, 0x01, 0x00, 0xa6, 0x03, 0x02, 0x01, 0x06, 0xa9, 0x0d, 0x1b,
    0x0b, 0x52, 0x44, 0x50, 0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45, 0x53, 0x54,
    0xaa, 0x20, 0x30, 0x1e, 0xa0, 0x03, 0x02, 0x01, 0x02, 0xa1, 0x17, 0x30,
    0x15, 0x1b, 0x06, 0x6b, 0x72, 0x62, 0x74, 0x67, 0x74, 0x1b, 0x0b, 0x52,
    0x44, 0x50, 0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45, 0x53, 0x54, 0xab, 0x12,
    0x1b, 0x10, 0x43, 0x4c, 0x49, 0x45, 0x4e, 0x54, 0x5f, 0x4e, 0x4f, 0x54,
    0x5f, 0x46, 0x4f, 0x55, 0x4e, 0x44,
};
static const uint8_t err_kerb_error_data[] = {
    0x7e, 0x75, 0x30, 0x73, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03, 0x02,
    0x01, 0x1e, 0xa4, 0x11, 0x18, 0x0f, 0x32, 0x30, 0x32, 0x36, 0x31, 0x32,
    0x30, 0x36, 0x32, 0x30, 0x35, 0x38, 0x35, 0x39, 0x5a, 0xa5, 0x03, 0x02,
    0x01, 0x00, 0xa6, 0x03, 0x02, 0x01, 0x12, 0xa9, 0x0d, 0x1b, 0x0b, 0x52,
    0x44, 0x50, 0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45, 0x53, 0x54, 0xaa, 0x20,
    0x30, 0x1e, 0xa0, 0x03, 0x02, 0x01, 0x02, 0xa1, 0x17, 0x30, 0x15, 0x1b,
    0x06, 0x6b, 0x72, 0x62, 0x74, 0x67, 0x74, 0x1b, 0x0b, 0x52, 0x44, 0x50,
    0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45, 0x53, 0x54, 0xac, 0x19, 0x04, 0x17,
    0x30, 0x15, 0xa1, 0x03, 0x02, 0x01, 0x03, 0xa2, 0x0e, 0x04, 0x0c, 0x34,
    0x02, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
};

static const int32_t etypes[] = {18, 17, 23};

static void
test_build_as_req(void **state)
{
	uint8_t out[256];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_krb_build_as_req(&b, "alice", "RDPLAB.TEST",
	                                      0x57d92504, etypes, 3, false),
	                 0);
	assert_int_equal(b.len, sizeof(as_req));
	assert_memory_equal(out, as_req, sizeof(as_req));

	/* TCP: the length first; the top bit of the nonce is cleared. */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_krb_build_as_req(&b, "alice", "RDPLAB.TEST",
	                                      0xd7d92504, etypes, 3, true),
	                 0);
	assert_int_equal(b.len, sizeof(as_req) + 4);
	assert_memory_equal(out, "\x00\x00\x00\x8a", 4);
	assert_memory_equal(out + 4, as_req, sizeof(as_req));
}

static void
test_build_refuses(void **state)
{
	uint8_t out[256];
	char longname[RDD_KRB_MAX_NAME + 2];
	static const int32_t neg[] = {18, -128};
	struct rdd_buf b;
	size_t n;

	(void)state;
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_krb_build_as_req(&b, "", "R", 1, etypes, 3, false),
	                 -1);
	assert_int_equal(
	    rdd_krb_build_as_req(&b, "a b", "R", 1, etypes, 3, false), -1);
	assert_int_equal(
	    rdd_krb_build_as_req(&b, "a", "R\x1b", 1, etypes, 3, false), -1);
	assert_int_equal(
	    rdd_krb_build_as_req(&b, NULL, "R", 1, etypes, 3, false), -1);
	assert_int_equal(
	    rdd_krb_build_as_req(&b, "a", longname, 1, etypes, 3, false), -1);
	assert_int_equal(
	    rdd_krb_build_as_req(&b, "a", "R", 1, etypes, 0, false), -1);
	assert_int_equal(rdd_krb_build_as_req(&b, "a", "R", 1, neg, 2, false),
	                 -1);
	assert_int_equal(b.len, 0);
	/* A buffer one byte short of every size fails. */
	for (n = 0; n < sizeof(as_req); n++) {
		rdd_buf_init(&b, out, n);
		assert_int_equal(rdd_krb_build_as_req(&b, "alice",
		                                      "RDPLAB.TEST", 0x57d92504,
		                                      etypes, 3, false),
		                 -1);
	}
	/* The longest names fit and read back as one TLV. */
	longname[RDD_KRB_MAX_NAME] = '\0';
	{
		uint8_t big[1200];

		rdd_buf_init(&b, big, sizeof(big));
		assert_int_equal(rdd_krb_build_as_req(&b, longname, longname, 1,
		                                      etypes, 3, true),
		                 0);
		assert_int_equal(big[4], 0x6a);
		assert_int_equal(((size_t)big[2] << 8 | big[3]) + 4, b.len);
	}
}

static void
test_parse_preauth_required(void **state)
{
	struct rdd_krb_error e;
	struct rdd_cur c;

	(void)state;
	rdd_cur_init(&c, krb_error, sizeof(krb_error));
	assert_int_equal(rdd_krb_msg_type(&c), RDD_KRB_ERROR);
	assert_int_equal(rdd_krb_parse_error(&c, &e), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(e.error_code, RDD_KRB_ERR_PREAUTH_REQUIRED);
	assert_int_equal(e.stime, 1796590739); /* 2026-12-06 20:58:59 UTC */
	assert_int_equal(e.susec, 852063);
	assert_int_equal(rdd_cur_left(&e.realm), 11);
	assert_memory_equal(e.realm.p, "RDPLAB.TEST", 11);
	assert_true(e.has_etext);
	assert_int_equal(rdd_cur_left(&e.etext), 14);
	assert_memory_equal(e.etext.p, "NEEDED_PREAUTH", 14);
	assert_true(e.has_edata);
	assert_int_equal(rdd_cur_left(&e.edata), 0x50);
	assert_true(e.has_etype_info2);
	assert_int_equal(e.n_etypes, 1);
	assert_int_equal(e.etypes[0], 18);
	assert_string_equal(rdd_krb_error_name(e.error_code),
	                    "KDC_ERR_PREAUTH_REQUIRED");
	assert_string_equal(rdd_krb_etype_name(e.etypes[0]),
	                    "aes256-cts-hmac-sha1-96");
}

static void
test_parse_other_errors(void **state)
{
	struct rdd_krb_error e;
	struct rdd_cur c;

	(void)state;
	rdd_cur_init(&c, err_not_found, sizeof(err_not_found));
	assert_int_equal(rdd_krb_parse_error(&c, &e), 0);
	assert_int_equal(e.error_code, RDD_KRB_ERR_C_PRINCIPAL_UNKNOWN);
	assert_int_equal(e.stime, 1796590739);
	assert_int_equal(e.susec, 0);
	assert_true(e.has_etext);
	assert_false(e.has_edata);
	assert_false(e.has_etype_info2);

	rdd_cur_init(&c, err_kerb_error_data, sizeof(err_kerb_error_data));
	assert_int_equal(rdd_krb_parse_error(&c, &e), 0);
	assert_int_equal(e.error_code, RDD_KRB_ERR_CLIENT_REVOKED);
	assert_false(e.has_etext);
	assert_true(e.has_edata);
	assert_false(e.has_etype_info2);
	assert_int_equal(e.n_etypes, 0);

	/* An AS-REQ is not a KRB-ERROR. */
	rdd_cur_init(&c, as_req, sizeof(as_req));
	assert_int_equal(rdd_krb_msg_type(&c), RDD_KRB_AS_REQ);
	assert_int_equal(rdd_krb_parse_error(&c, &e), -1);
	assert_int_equal(rdd_cur_left(&c), sizeof(as_req));
}

static void
test_parse_refuses(void **state)
{
	uint8_t bad[sizeof(krb_error)];
	struct rdd_krb_error e;
	struct rdd_cur c;

	(void)state;
	/* pvno 4. */
	memcpy(bad, krb_error, sizeof(bad));
	assert_int_equal(bad[10], 5);
	bad[10] = 4;
	rdd_cur_init(&c, bad, sizeof(bad));
	assert_int_equal(rdd_krb_parse_error(&c, &e), -1);
	/* stime month 13. */
	memcpy(bad, krb_error, sizeof(bad));
	assert_int_equal(bad[24], '1');
	assert_int_equal(bad[25], '2');
	bad[24] = '3'; /* "202632..." */
	rdd_cur_init(&c, bad, sizeof(bad));
	assert_int_equal(rdd_krb_parse_error(&c, &e), -1);
	/* A trailing byte inside the SEQUENCE is refused; one after the
	 * message is left for the caller. */
	{
		uint8_t more[sizeof(krb_error) + 1];

		memcpy(more, krb_error, sizeof(krb_error));
		more[sizeof(krb_error)] = 0;
		rdd_cur_init(&c, more, sizeof(more));
		assert_int_equal(rdd_krb_parse_error(&c, &e), 0);
		assert_int_equal(rdd_cur_left(&c), 1);
	}
}

static void
test_every_truncation(void **state)
{
	struct rdd_krb_error e;
	struct rdd_cur c;
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(krb_error); n++) {
		rdd_cur_init(&c, krb_error, n);
		assert_int_equal(rdd_krb_parse_error(&c, &e), -1);
		assert_int_equal(rdd_cur_left(&c), n);
	}
	for (n = 0; n < sizeof(err_not_found); n++) {
		rdd_cur_init(&c, err_not_found, n);
		assert_int_equal(rdd_krb_parse_error(&c, &e), -1);
	}
	for (n = 0; n < sizeof(err_kerb_error_data); n++) {
		rdd_cur_init(&c, err_kerb_error_data, n);
		assert_int_equal(rdd_krb_parse_error(&c, &e), -1);
	}
}

static void
test_etype_info2(void **state)
{
	/* Two entries, the second with salt and s2kparams. */
	static const uint8_t two[] = {
	    0x30, 0x1c, 0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x17, 0x30,
	    0x13, 0xa0, 0x03, 0x02, 0x01, 0x12, 0xa1, 0x04, 0x1b, 0x02,
	    0x41, 0x42, 0xa2, 0x06, 0x04, 0x04, 0x00, 0x00, 0x10, 0x00,
	};
	int32_t out[4];
	struct rdd_cur v;
	size_t n, i;

	(void)state;
	rdd_cur_init(&v, two, sizeof(two));
	assert_int_equal(rdd_krb_parse_etype_info2(&v, out, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 23);
	assert_int_equal(out[1], 18);
	/* Kept up to MAX. */
	assert_int_equal(rdd_krb_parse_etype_info2(&v, out, 1, &n), 0);
	assert_int_equal(n, 1);
	for (i = 0; i < sizeof(two); i++) {
		rdd_cur_init(&v, two, i);
		assert_int_equal(rdd_krb_parse_etype_info2(&v, out, 4, &n), -1);
	}
}

static void
test_tcp_record(void **state)
{
	uint8_t rec[sizeof(krb_error) + 4];
	struct rdd_cur c, msg;
	size_t n;

	(void)state;
	rec[0] = 0;
	rec[1] = 0;
	rec[2] = 0;
	rec[3] = (uint8_t)sizeof(krb_error);
	memcpy(rec + 4, krb_error, sizeof(krb_error));
	for (n = 0; n < sizeof(rec); n++) {
		rdd_cur_init(&c, rec, n);
		assert_int_equal(rdd_krb_tcp_record(&c, &msg), 0);
		assert_int_equal(rdd_cur_left(&c), n);
	}
	rdd_cur_init(&c, rec, sizeof(rec));
	assert_int_equal(rdd_krb_tcp_record(&c, &msg), 1);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(rdd_cur_left(&msg), sizeof(krb_error));
	rec[0] = 0x80; /* the reserved bit */
	rdd_cur_init(&c, rec, sizeof(rec));
	assert_int_equal(rdd_krb_tcp_record(&c, &msg), -1);
}

static void
test_time(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(
	    rdd_krb_time((const uint8_t *)"19700101000000Z", 15, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(
	    rdd_krb_time((const uint8_t *)"20000229235959Z", 15, &t), 0);
	assert_int_equal(t, 951868799);
	assert_int_equal(
	    rdd_krb_time((const uint8_t *)"20370913024805Z", 15, &t), 0);
	assert_int_equal(t, 2136422885);
	assert_int_equal(
	    rdd_krb_time((const uint8_t *)"20000230000000Z", 15, &t), -1);
	assert_int_equal(
	    rdd_krb_time((const uint8_t *)"20001301000000Z", 15, &t), -1);
	assert_int_equal(
	    rdd_krb_time((const uint8_t *)"20000101240000Z", 15, &t), -1);
	assert_int_equal(
	    rdd_krb_time((const uint8_t *)"20000101000000+", 15, &t), -1);
	assert_int_equal(
	    rdd_krb_time((const uint8_t *)"2000010100000Z", 14, &t), -1);
	assert_int_equal(
	    rdd_krb_time((const uint8_t *)"2000-101000000Z", 15, &t), -1);
	assert_null(rdd_krb_error_name(99));
	assert_null(rdd_krb_etype_name(1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_as_req),
	    cmocka_unit_test(test_build_refuses),
	    cmocka_unit_test(test_parse_preauth_required),
	    cmocka_unit_test(test_parse_other_errors),
	    cmocka_unit_test(test_parse_refuses),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_etype_info2),
	    cmocka_unit_test(test_tcp_record),
	    cmocka_unit_test(test_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
