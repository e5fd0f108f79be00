/*
 * test_certname.c - lib/wire/certname.c: the subject Name of the server
 * certificate in a real capture (rdp-to-ssl.pcap), checked against
 * OpenSSL's decoding; a version 1 certificate (no [0] version); every
 * truncation; wrong shapes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/x509.h>

#include "wire/certname.h"
#include "wire/tlshello.h"

#include "capture_vectors.h"

static uint8_t scratch[8192];

/* The certificate in the capture's server flight (borrowed from
 * scratch). */
static const uint8_t *
capture_cert(size_t *len)
{
	struct rdd_tls_flight f;

	assert_int_equal(rdd_tls_flight_parse(rdp_to_ssl_server_flight,
	                                      sizeof(rdp_to_ssl_server_flight),
	                                      scratch, sizeof(scratch), &f),
	                 RDD_TLSF_HELLO);
	assert_int_equal(f.n_certs, 1);
	*len = f.cert_len;
	return f.cert;
}

static void
test_capture(void **state)
{
	const uint8_t *der, *name, *p;
	unsigned char *want = NULL;
	size_t len, name_len;
	X509 *x;
	int want_len;

	(void)state;
	der = capture_cert(&len);
	assert_int_equal(rdd_cert_subject(der, len, &name, &name_len), 0);
	assert_true(name > der && name + name_len <= der + len);
	p = der;
	x = d2i_X509(NULL, &p, (long)len);
	assert_non_null(x);
	want_len = i2d_X509_NAME(X509_get_subject_name(x), &want);
	assert_true(want_len > 0);
	assert_int_equal(name_len, (size_t)want_len);
	assert_memory_equal(name, want, name_len);
	OPENSSL_free(want);
	X509_free(x);
}

/* Bytes after the certificate (OpenSSL's trust settings in a TRUSTED
 * CERTIFICATE block) do not matter. */
static void
test_trailing_bytes(void **state)
{
	static uint8_t buf[4096];
	const uint8_t *der, *name;
	size_t len, name_len, want_len;

	(void)state;
	der = capture_cert(&len);
	assert_true(len + 16 <= sizeof(buf));
	assert_int_equal(rdd_cert_subject(der, len, &name, &want_len), 0);
	memcpy(buf, der, len);
	memset(buf + len, 0x30, 16);
	assert_int_equal(rdd_cert_subject(buf, len + 16, &name, &name_len), 0);
	assert_int_equal(name_len, want_len);
}

/* A version 1 certificate has no [0] version: the serial comes first. */
static void
test_version1(void **state)
{
	static const uint8_t v1[] = {
	    0x30, 0x19,                               /* Certificate */
	    0x30, 0x12,                               /*  tbsCertificate */
	    0x02, 0x01, 0x07,                         /*   serialNumber 7 */
	    0x30, 0x00,                               /*   signature */
	    0x30, 0x00,                               /*   issuer */
	    0x30, 0x00,                               /*   validity */
	    0x30, 0x07,                               /*   subject */
	    0x31, 0x05, 0x30, 0x03, 0x06, 0x01, 0x00, /*   { { OID } } */
	    0x30, 0x00,                               /*  signatureAlgorithm */
	    0x03, 0x01, 0x00,                         /*  signature */
	};
	const uint8_t *name;
	size_t name_len;

	(void)state;
	assert_int_equal(rdd_cert_subject(v1, sizeof(v1), &name, &name_len), 0);
	assert_ptr_equal(name, v1 + 13);
	assert_int_equal(name_len, 9);
}

static void
test_every_truncation(void **state)
{
	const uint8_t *der, *name;
	size_t len, name_len;

	(void)state;
	der = capture_cert(&len);
	for (size_t n = 0; n < len; n++)
		assert_int_equal(rdd_cert_subject(der, n, &name, &name_len),
		                 -1);
	assert_int_equal(rdd_cert_subject(der, len, &name, &name_len), 0);
}

/* Not a certificate: a field of the wrong type where one is required. */
static void
test_wrong_shapes(void **state)
{
	static const uint8_t no_serial[] = {0x30, 0x0c, 0x30, 0x0a, 0x30,
	                                    0x00, 0x30, 0x00, 0x30, 0x00,
	                                    0x30, 0x00, 0x30, 0x00};
	static const uint8_t no_subject[] = {0x30, 0x0d, 0x30, 0x0b, 0x02,
	                                     0x01, 0x01, 0x30, 0x00, 0x30,
	                                     0x00, 0x30, 0x00, 0x04, 0x00};
	static const uint8_t not_seq[] = {0x04, 0x00};
	const uint8_t *name;
	size_t name_len;

	(void)state;
	assert_int_equal(
	    rdd_cert_subject(no_serial, sizeof(no_serial), &name, &name_len),
	    -1);
	assert_int_equal(
	    rdd_cert_subject(no_subject, sizeof(no_subject), &name, &name_len),
	    -1);
	assert_int_equal(
	    rdd_cert_subject(not_seq, sizeof(not_seq), &name, &name_len), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capture),
	    cmocka_unit_test(test_trailing_bytes),
	    cmocka_unit_test(test_version1),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_wrong_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
