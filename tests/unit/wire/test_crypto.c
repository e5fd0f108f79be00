/*
 * test_crypto.c - the hashes and ciphers of lib/wire/crypto.c against the
 * published vectors of their RFCs (RFC 1320 MD4, RFC 1321 MD5, FIPS 180
 * SHA-1, RFC 2104/2202 HMAC, RFC 6229 RC4, FIPS 46 DES), raw RSA on a
 * textbook key, and the legacy provider staying out of the default
 * library context.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "wire/crypto.h"

#define IOV1(s) ((struct rdd_iov[]){{(s), strlen(s)}}), 1

static void
test_digests(void **state)
{
	static const uint8_t md4_abc[16] = {0xa4, 0x48, 0x01, 0x7a, 0xaf, 0x21,
	                                    0xd8, 0x52, 0x5f, 0xc1, 0x0a, 0xe8,
	                                    0x7a, 0xa6, 0x72, 0x9d};
	static const uint8_t md5_abc[16] = {0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2,
	                                    0x4f, 0xb0, 0xd6, 0x96, 0x3f, 0x7d,
	                                    0x28, 0xe1, 0x7f, 0x72};
	static const uint8_t sha1_abc[20] = {
	    0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
	    0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d};
	/* The same message in three parts hashes the same. */
	const struct rdd_iov parts[] = {{"a", 1}, {"", 0}, {"bc", 2}};
	uint8_t out[32];

	(void)state;
	assert_true(rdd_crypto_legacy_available());
	assert_int_equal(rdd_md4(out, IOV1("abc")), 0);
	assert_memory_equal(out, md4_abc, 16);
	assert_int_equal(rdd_md5(out, IOV1("abc")), 0);
	assert_memory_equal(out, md5_abc, 16);
	assert_int_equal(rdd_sha1(out, IOV1("abc")), 0);
	assert_memory_equal(out, sha1_abc, 20);
	assert_int_equal(rdd_sha1(out, parts, 3), 0);
	assert_memory_equal(out, sha1_abc, 20);
	assert_int_equal(rdd_md4(out, parts, 3), 0);
	assert_memory_equal(out, md4_abc, 16);
}

static void
test_hmac(void **state)
{
	/* RFC 2104 appendix test 1 and RFC 2202 test case 1. */
	static const uint8_t hmac_md5[16] = {0x92, 0x94, 0x72, 0x7a, 0x36, 0x38,
	                                     0xbb, 0x1c, 0x13, 0xf4, 0x8e, 0xf8,
	                                     0x15, 0x8b, 0xfc, 0x9d};
	static const uint8_t hmac_sha1[20] = {
	    0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
	    0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00};
	uint8_t key[20], out[20];

	(void)state;
	memset(key, 0x0b, sizeof(key));
	assert_int_equal(rdd_hmac_md5(out, key, 16, IOV1("Hi There")), 0);
	assert_memory_equal(out, hmac_md5, 16);
	assert_int_equal(rdd_hmac_sha1(out, key, 20, IOV1("Hi There")), 0);
	assert_memory_equal(out, hmac_sha1, 20);
}

static void
test_rc4(void **state)
{
	/* RFC 6229, key 0x0102030405 (40 bits): key stream at offsets 0
	 * and 16; the stream continues across calls. */
	static const uint8_t key[5] = {1, 2, 3, 4, 5};
	static const uint8_t ks0[16] = {0xb2, 0x39, 0x63, 0x05, 0xf0, 0x3d,
	                                0xc0, 0x27, 0xcc, 0xc3, 0x52, 0x4a,
	                                0x0a, 0x11, 0x18, 0xa8};
	static const uint8_t ks16[16] = {0x69, 0x82, 0x94, 0x4f, 0x18, 0xfc,
	                                 0x82, 0xd5, 0x89, 0xc4, 0x03, 0xa4,
	                                 0x7a, 0x0d, 0x09, 0x19};
	uint8_t zero[16] = {0}, out[16];
	struct rdd_rc4 *s = rdd_rc4_new(key, sizeof(key));

	(void)state;
	assert_non_null(s);
	assert_int_equal(rdd_rc4(s, zero, out, 16), 0);
	assert_memory_equal(out, ks0, 16);
	assert_int_equal(rdd_rc4(s, zero, out, 16), 0);
	assert_memory_equal(out, ks16, 16);
	/* A new key starts a new stream. */
	assert_int_equal(rdd_rc4_rekey(s, key, sizeof(key)), 0);
	assert_int_equal(rdd_rc4(s, zero, out, 16), 0);
	assert_memory_equal(out, ks0, 16);
	rdd_rc4_free(s);
	assert_int_equal(rdd_rc4_once(key, sizeof(key), zero, out, 16), 0);
	assert_memory_equal(out, ks0, 16);
	assert_null(rdd_rc4_new(key, 0));
}

static void
test_des3(void **state)
{
	/* Three equal keys make single DES: FIPS 46 "Now is t" under
	 * 0123456789abcdef is 3fa40e8a984d4815; with a zero IV the first
	 * CBC block is the ECB one. */
	static const uint8_t k[8] = {0x01, 0x23, 0x45, 0x67,
	                             0x89, 0xab, 0xcd, 0xef};
	static const uint8_t ct[8] = {0x3f, 0xa4, 0x0e, 0x8a,
	                              0x98, 0x4d, 0x48, 0x15};
	uint8_t key[24], iv[8] = {0}, out[16], back[16];
	struct rdd_des3 *e, *d;

	(void)state;
	memcpy(key, k, 8);
	memcpy(key + 8, k, 8);
	memcpy(key + 16, k, 8);
	e = rdd_des3_new(key, iv, true);
	d = rdd_des3_new(key, iv, false);
	assert_non_null(e);
	assert_non_null(d);
	assert_int_equal(rdd_des3(e, (const uint8_t *)"Now is t", out, 8), 0);
	assert_memory_equal(out, ct, 8);
	/* CBC state continues: a second block decrypts back. */
	assert_int_equal(rdd_des3(e, (const uint8_t *)"he time ", out + 8, 8),
	                 0);
	assert_int_equal(rdd_des3(d, out, back, 16), 0);
	assert_memory_equal(back, "Now is the time ", 16);
	assert_int_equal(rdd_des3(e, out, out, 7), -1);
	rdd_des3_free(e);
	rdd_des3_free(d);
}

static void
test_rsa_raw_le(void **state)
{
	/* n = 61 * 53 = 3233, e = 17: 65^17 mod 3233 = 2790. */
	static const uint8_t n[2] = {0xa1, 0x0c};
	static const uint8_t m[2] = {0x41, 0x00};
	static const uint8_t big[2] = {0xa1, 0x0c};
	uint8_t out[2];

	(void)state;
	assert_int_equal(rdd_rsa_raw_le(n, 2, 17, m, 2, out), 0);
	assert_int_equal(out[0] | out[1] << 8, 2790);
	/* A shorter input is the same number. */
	assert_int_equal(rdd_rsa_raw_le(n, 2, 17, m, 1, out), 0);
	assert_int_equal(out[0] | out[1] << 8, 2790);
	/* The message must be smaller than the modulus. */
	assert_int_equal(rdd_rsa_raw_le(n, 2, 17, big, 2, out), -1);
	assert_int_equal(rdd_rsa_raw_le(n, 0, 17, m, 2, out), -1);
}

static void
test_default_context_untouched(void **state)
{
	EVP_CIPHER *rc4;

	(void)state;
	/* Our RC4 works, and the process's default context still has no
	 * legacy algorithms: the provider went into a private context. */
	assert_true(rdd_crypto_legacy_available());
	rc4 = EVP_CIPHER_fetch(NULL, "RC4", NULL);
	assert_null(rc4);
	EVP_CIPHER_free(rc4);
}

static void
test_random_and_wipe(void **state)
{
	uint8_t a[32] = {0}, b[32] = {0}, z[32] = {0};

	(void)state;
	assert_int_equal(rdd_random_bytes(a, sizeof(a)), 0);
	assert_int_equal(rdd_random_bytes(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	rdd_wipe(a, sizeof(a));
	assert_memory_equal(a, z, sizeof(a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_digests),
	    cmocka_unit_test(test_hmac),
	    cmocka_unit_test(test_rc4),
	    cmocka_unit_test(test_des3),
	    cmocka_unit_test(test_rsa_raw_le),
	    cmocka_unit_test(test_default_context_untouched),
	    cmocka_unit_test(test_random_and_wipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
