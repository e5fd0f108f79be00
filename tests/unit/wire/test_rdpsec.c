/*
 * test_rdpsec.c - lib/wire/rdpsec.c: the security headers, the Security
 * Exchange PDU, the session keys of the four methods, the MACs (plain,
 * salted, FIPS), encryption and decryption PDU by PDU with the counters,
 * the RC4 key update after 4096 PDUs, every truncation of an encrypted
 * PDU, MAC mismatches, and the proprietary certificate's signature.
 *
 * Where the vectors come from:
 * - The signature check: the certificates of RDP-003.pcap frame 8
 *   (capture_vectors.c r3_mcs_cr; MD5 h 0561553e7f9e034b272ec4070f445451),
 *   of [MS-RDPBCGR] 4.1.4 (spec_mcs_cr; h 406ac06d77a1a7f72e8f81ab4d24a6c5)
 *   and of xrdp v0.9.21.1's built-in licensing request g_lic1
 *   (libxrdp/xrdp_sec.c; h f99ac2cbb5f4c37975b5364d1125128c); all three
 *   verify (session.md 3.1). The signatures with a broken padding were
 *   made with the Terminal Services private exponent, which FreeRDP
 *   publishes (libfreerdp/crypto tssk_privateExponent), in python3.
 * - Keys, MACs and PDUs have no published vectors. They were computed
 *   by a throwaway python3 implementation written from the text of
 *   [MS-RDPBCGR] 5.3.5.1 (non-FIPS keys, 40/56-bit reductions), 5.3.5.2
 *   (FIPS keys; it reproduces the spec's bit-expansion example D1 5E C4 7E
 *   DA -> 51 3D 11 76 27), 5.3.6.1 / 5.3.6.1.1 (MAC, salted MAC), 5.3.6.2
 *   (HMAC-SHA1 over the unpadded data and the count), and session.md 3.5
 *   (the key update), with hashlib, its own RC4 (checked on RFC 6229) and
 *   the cryptography package's TripleDES, none of it shared with
 *   lib/wire. Inputs: client random 01 02 .. 20, server random of
 *   RDP-003.pcap frame 8; plaintext "rdpdoctor standard security" (27
 *   bytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/crypto.h"
#include "wire/rdpsec.h"

#include "capture_vectors.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The proprietary certificates close their Connect-Responses. */
#define CERT_LEN 184
#define R3_CERT (r3_mcs_cr + R3_MCS_CR_LEN - CERT_LEN)
#define SPEC_CERT (spec_mcs_cr + SPEC_MCS_CR_LEN - CERT_LEN)
/* Offsets in a 512-bit proprietary certificate. */
#define CERT_MODULUS_AT 36
#define CERT_SIG_AT 112
#define CERT_SIGNED_LEN 108

static const char plain[] = "rdpdoctor standard security";
#define PLAIN_LEN (sizeof(plain) - 1)

/* RDP-003.pcap frame 8, serverRandom (session.md 3.1). */
static const uint8_t server_random[32] = {
    0x77, 0x8e, 0x84, 0xed, 0x14, 0xed, 0xf1, 0x08, 0x3d, 0x36, 0x12,
    0x84, 0xc2, 0x8d, 0xcd, 0x52, 0xda, 0x72, 0x30, 0x1b, 0xe1, 0xdc,
    0x7f, 0xdf, 0x62, 0xac, 0xcd, 0x22, 0x66, 0x0b, 0x33, 0x72};

static void
client_random(uint8_t cr[32])
{
	int i;

	for (i = 0; i < 32; i++)
		cr[i] = (uint8_t)(i + 1);
}

/*
 * Per method (python3, see the top): the client's encrypt, decrypt and
 * MAC keys; the MAC of the plaintext unsalted, salted with count 0 and
 * with count 42 (FIPS: count 0 and 42); the first two PDUs the client
 * encrypts, whole with their security header: the plaintext with flags
 * 0x0048 (SEC_INFO_PKT | SEC_ENCRYPT), then the plaintext with
 * SEC_SECURE_CHECKSUM (FIPS: the bytes 00 .. 0F with flags 0); and, for
 * RC4, the 4097th PDU (the plaintext, salted) after 4096 PDUs of 8 zero
 * bytes with flags 0: the first under the updated key.
 */
/* 40-bit */
static const uint8_t k40_encrypt[8] = {
    0xd1, 0x26, 0x9e, 0xa3, 0x69, 0x15, 0x9f, 0x13,
};
static const uint8_t k40_decrypt[8] = {
    0xd1, 0x26, 0x9e, 0xc4, 0x14, 0xc2, 0x03, 0xaa,
};
static const uint8_t k40_mac[8] = {
    0xd1, 0x26, 0x9e, 0xaa, 0x48, 0x36, 0x17, 0x9a,
};
static const uint8_t k40_mac_plain[8] = {
    0x14, 0xb9, 0x49, 0x2c, 0x05, 0xae, 0xc1, 0x04,
};
static const uint8_t k40_mac_salted0[8] = {
    0xa9, 0xfa, 0x30, 0x8e, 0x05, 0xb0, 0x0f, 0x03,
};
static const uint8_t k40_mac_salted42[8] = {
    0xe0, 0xd0, 0xde, 0x74, 0x11, 0xbf, 0x09, 0x99,
};
static const uint8_t k40_pdu0[39] = {
    0x48, 0x00, 0x00, 0x00, 0x14, 0xb9, 0x49, 0x2c, 0x05, 0xae,
    0xc1, 0x04, 0xb9, 0x36, 0x98, 0x96, 0xf4, 0xd0, 0x67, 0xa9,
    0xa7, 0x03, 0x8a, 0xa0, 0xe3, 0x34, 0x33, 0x5d, 0xac, 0x85,
    0x4f, 0x4f, 0x90, 0xcb, 0xc5, 0xbe, 0xe0, 0x6f, 0xaf,
};
static const uint8_t k40_pdu1[39] = {
    0x08, 0x08, 0x00, 0x00, 0xe8, 0xd8, 0x37, 0x5f, 0x68, 0x7f,
    0xc0, 0x3a, 0x5d, 0xae, 0x8c, 0xc5, 0xfe, 0xca, 0x2f, 0x39,
    0x32, 0xfd, 0x04, 0x1c, 0x99, 0x54, 0xea, 0xc1, 0x38, 0x26,
    0x6f, 0x23, 0x90, 0xea, 0x50, 0xb3, 0x01, 0x4d, 0x6d,
};
static const uint8_t k40_pdu4096[39] = {
    0x08, 0x08, 0x00, 0x00, 0x1f, 0xe5, 0x07, 0xa1, 0xc3, 0x07,
    0x1c, 0x89, 0x64, 0x86, 0xc6, 0x2b, 0xe6, 0x74, 0x1e, 0xe1,
    0xef, 0xe8, 0xd3, 0x69, 0xb7, 0x83, 0x14, 0xdf, 0xa4, 0x5f,
    0xeb, 0x39, 0x5f, 0x57, 0x8c, 0xb9, 0xf7, 0x6f, 0x6c,
};
/* 56-bit */
static const uint8_t k56_encrypt[8] = {
    0xd1, 0x8a, 0xb5, 0xa3, 0x69, 0x15, 0x9f, 0x13,
};
static const uint8_t k56_decrypt[8] = {
    0xd1, 0xd1, 0x78, 0xc4, 0x14, 0xc2, 0x03, 0xaa,
};
static const uint8_t k56_mac[8] = {
    0xd1, 0xad, 0x3f, 0xaa, 0x48, 0x36, 0x17, 0x9a,
};
static const uint8_t k56_mac_plain[8] = {
    0xd1, 0x60, 0xc4, 0xe0, 0x46, 0x69, 0x20, 0x92,
};
static const uint8_t k56_mac_salted0[8] = {
    0x66, 0x99, 0x64, 0x7a, 0x0e, 0x2b, 0x2d, 0xe7,
};
static const uint8_t k56_mac_salted42[8] = {
    0x49, 0x7c, 0x8f, 0xd7, 0xbf, 0x58, 0x1f, 0x62,
};
static const uint8_t k56_pdu0[39] = {
    0x48, 0x00, 0x00, 0x00, 0xd1, 0x60, 0xc4, 0xe0, 0x46, 0x69,
    0x20, 0x92, 0xd8, 0x3a, 0xd7, 0xd1, 0x6f, 0x92, 0xc1, 0xcf,
    0x64, 0xc4, 0xe4, 0x70, 0x3f, 0xf4, 0x3c, 0xda, 0x6e, 0x9c,
    0x0e, 0x22, 0x33, 0xe7, 0x70, 0x09, 0x46, 0x1f, 0xec,
};
static const uint8_t k56_pdu1[39] = {
    0x08, 0x08, 0x00, 0x00, 0xbd, 0xe7, 0x41, 0xb1, 0xb8, 0x84,
    0xef, 0xe2, 0x1d, 0xac, 0xef, 0x04, 0x16, 0xed, 0x6a, 0x62,
    0xa9, 0xd8, 0xf7, 0x8f, 0x62, 0x7c, 0x24, 0xc8, 0xe6, 0xb1,
    0x90, 0xaa, 0xf9, 0x58, 0x9e, 0xfd, 0xbb, 0xeb, 0x86,
};
static const uint8_t k56_pdu4096[39] = {
    0x08, 0x08, 0x00, 0x00, 0xe1, 0xf7, 0xa5, 0xa8, 0x80, 0x52,
    0x04, 0x98, 0x24, 0xd2, 0x44, 0x92, 0x0e, 0xa1, 0x0b, 0x4e,
    0xcb, 0x77, 0xba, 0xe4, 0x67, 0x04, 0x6d, 0x85, 0x8f, 0x24,
    0x0f, 0xeb, 0xa1, 0xc2, 0x58, 0x64, 0x15, 0x97, 0x41,
};
/* 128-bit */
static const uint8_t k128_encrypt[16] = {
    0xa1, 0x8a, 0xb5, 0xa3, 0x69, 0x15, 0x9f, 0x13,
    0xf3, 0x5d, 0xf0, 0x81, 0x5b, 0x96, 0x77, 0xed,
};
static const uint8_t k128_decrypt[16] = {
    0xa2, 0xd1, 0x78, 0xc4, 0x14, 0xc2, 0x03, 0xaa,
    0xac, 0xaf, 0x8c, 0x10, 0x21, 0x24, 0x9d, 0xb0,
};
static const uint8_t k128_mac[16] = {
    0xca, 0xad, 0x3f, 0xaa, 0x48, 0x36, 0x17, 0x9a,
    0x87, 0x8b, 0x86, 0xd9, 0x6d, 0x49, 0xc0, 0xbb,
};
static const uint8_t k128_mac_plain[8] = {
    0x19, 0x7f, 0x2d, 0xa6, 0xc7, 0xf4, 0x25, 0xef,
};
static const uint8_t k128_mac_salted0[8] = {
    0xa4, 0x4b, 0xd8, 0x40, 0xb1, 0x97, 0x0b, 0x03,
};
static const uint8_t k128_mac_salted42[8] = {
    0x0d, 0x43, 0xd9, 0x02, 0x76, 0x96, 0x1d, 0x95,
};
static const uint8_t k128_pdu0[39] = {
    0x48, 0x00, 0x00, 0x00, 0x19, 0x7f, 0x2d, 0xa6, 0xc7, 0xf4,
    0x25, 0xef, 0x0e, 0x52, 0x9f, 0xac, 0x61, 0x04, 0x9a, 0x46,
    0x98, 0xf9, 0x5c, 0x8d, 0x0f, 0xc9, 0x71, 0xd0, 0x92, 0xc5,
    0x23, 0x86, 0x7c, 0x6c, 0xb8, 0xfd, 0x5d, 0xfa, 0x72,
};
static const uint8_t k128_pdu1[39] = {
    0x08, 0x08, 0x00, 0x00, 0x34, 0x4b, 0xef, 0x71, 0xea, 0xb8,
    0x19, 0xe7, 0x4f, 0x2e, 0x04, 0xda, 0xc7, 0xe8, 0x46, 0x15,
    0xf0, 0x8b, 0x67, 0xc5, 0x7c, 0x6a, 0x08, 0xb6, 0x14, 0xac,
    0x64, 0xf7, 0x54, 0x5a, 0xcc, 0x44, 0x13, 0x54, 0x26,
};
static const uint8_t k128_pdu4096[39] = {
    0x08, 0x08, 0x00, 0x00, 0x5a, 0x26, 0x0d, 0x28, 0x6c, 0x59,
    0x8d, 0x87, 0x7e, 0xe5, 0x8b, 0x4c, 0xd1, 0x38, 0x4c, 0x30,
    0x2f, 0x91, 0x2d, 0x3e, 0x6a, 0x58, 0xfb, 0x63, 0x14, 0xa7,
    0x05, 0x5e, 0x59, 0xf4, 0xa8, 0xc5, 0x35, 0x68, 0x4e,
};
/* FIPS */
static const uint8_t kf_encrypt[24] = {
    0x67, 0x57, 0x16, 0x79, 0x29, 0x3b, 0x4c, 0x5b, 0x1a, 0x68, 0x13, 0x15,
    0x1a, 0x37, 0x70, 0x19, 0x29, 0x19, 0x4f, 0x62, 0x46, 0x3b, 0x40, 0x73,
};
static const uint8_t kf_decrypt[24] = {
    0x16, 0x32, 0x25, 0x4a, 0x5d, 0x2a, 0x46, 0x26, 0x2f, 0x23, 0x13, 0x4f,
    0x10, 0x4c, 0x32, 0x7f, 0x1a, 0x08, 0x4f, 0x6d, 0x5e, 0x13, 0x68, 0x0b,
};
static const uint8_t kf_mac[20] = {
    0x20, 0x2d, 0x3f, 0xee, 0xe4, 0x4b, 0x4c, 0xbd, 0xfe, 0x88,
    0x8c, 0x2f, 0x92, 0x70, 0x97, 0xca, 0x18, 0x9f, 0x40, 0x2b,
};
static const uint8_t kf_mac_count0[8] = {
    0x9b, 0x5f, 0x08, 0xc4, 0x4f, 0x3f, 0x70, 0x80,
};
static const uint8_t kf_mac_count42[8] = {
    0xd9, 0x97, 0xc1, 0xc5, 0x19, 0xb8, 0xd1, 0xd3,
};
static const uint8_t kf_pdu0[48] = {
    0x48, 0x00, 0x00, 0x00, 0x10, 0x00, 0x01, 0x05, 0x9b, 0x5f, 0x08, 0xc4,
    0x4f, 0x3f, 0x70, 0x80, 0x59, 0xbf, 0xdb, 0x34, 0xd0, 0x3b, 0x04, 0x03,
    0x87, 0xa8, 0x7a, 0x7b, 0x88, 0x6d, 0x6e, 0xa9, 0x06, 0x04, 0xf5, 0x9e,
    0x71, 0xad, 0x07, 0xad, 0x5b, 0x87, 0x0b, 0x27, 0x69, 0x13, 0x8c, 0x5d,
};
static const uint8_t kf_pdu1[32] = {
    0x08, 0x00, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x34, 0xcc, 0x33,
    0x4f, 0x91, 0x6f, 0xaf, 0x1d, 0xd3, 0x1c, 0xf7, 0x45, 0x34, 0xd7,
    0x44, 0x53, 0xa4, 0x64, 0xb3, 0xb2, 0xc2, 0x5c, 0xe9, 0xc4,
};

struct method_vec {
	const char *name;
	uint32_t method;
	size_t key_len, mac_key_len;
	const uint8_t *encrypt, *decrypt, *mac;
	const uint8_t *mac_plain, *mac_salted0, *mac_salted42;
	const uint8_t *pdu0, *pdu1, *pdu4096;
	size_t pdu0_len, pdu1_len;
};

#define RC4_VEC(bits, m, kl)                                                   \
	{                                                                      \
#bits "-bit", m, kl, kl, k##bits##_encrypt, k##bits##_decrypt, \
		    k##bits##_mac, k##bits##_mac_plain, k##bits##_mac_salted0, \
		    k##bits##_mac_salted42, k##bits##_pdu0, k##bits##_pdu1,    \
		    k##bits##_pdu4096, sizeof(k##bits##_pdu0),                 \
		    sizeof(k##bits##_pdu1)                                     \
	}

static const struct method_vec vecs[] = {
    RC4_VEC(40, RDD_ENCRYPTION_METHOD_40BIT, 8),
    RC4_VEC(56, RDD_ENCRYPTION_METHOD_56BIT, 8),
    RC4_VEC(128, RDD_ENCRYPTION_METHOD_128BIT, 16),
    {"FIPS", RDD_ENCRYPTION_METHOD_FIPS, 24, 20, kf_encrypt, kf_decrypt, kf_mac,
     kf_mac_count0, kf_mac_count0, kf_mac_count42, kf_pdu0, kf_pdu1, NULL,
     sizeof(kf_pdu0), sizeof(kf_pdu1)},
};

static bool
is_fips(const struct method_vec *v)
{
	return v->method == RDD_ENCRYPTION_METHOD_FIPS;
}

static struct rdd_cur
cur(const uint8_t *p, size_t n)
{
	struct rdd_cur c;

	rdd_cur_init(&c, p, n);
	return c;
}

static void
derive(const struct method_vec *v, struct rdd_sec_keys *k)
{
	uint8_t cr[32];

	client_random(cr);
	assert_int_equal(rdd_sec_derive_keys(v->method, cr, server_random, k),
	                 0);
}

/* The server's view of the same keys: what the client encrypts with, it
 * decrypts with, and the other way round. */
static void
swap_keys(const struct rdd_sec_keys *client, struct rdd_sec_keys *server)
{
	*server = *client;
	memcpy(server->encrypt, client->decrypt, sizeof(server->encrypt));
	memcpy(server->decrypt, client->encrypt, sizeof(server->decrypt));
}

/* A client and a server state for the method of V. */
static void
pair(const struct method_vec *v, struct rdd_sec **client,
     struct rdd_sec **server)
{
	struct rdd_sec_keys k, sk;

	derive(v, &k);
	swap_keys(&k, &sk);
	*client = rdd_sec_new(&k);
	*server = rdd_sec_new(&sk);
	assert_non_null(*client);
	assert_non_null(*server);
}

/*
 * FROM encrypts N bytes of DATA with FLAGS; TO reads the basic header and
 * decrypts. The plaintext comes back and the MAC matches.
 */
static void
send_one(struct rdd_sec *from, struct rdd_sec *to, uint16_t flags,
         const uint8_t *data, size_t n)
{
	static uint8_t wire[2048], back[2048];
	struct rdd_buf b;
	struct rdd_cur in;
	uint16_t f, fh;
	size_t got = 0;
	bool ok = false;
	uint32_t before = rdd_sec_decrypt_count(to);

	rdd_buf_init(&b, wire, sizeof(wire));
	assert_int_equal(rdd_sec_encrypt(from, flags, data, n, &b), 0);
	in = cur(wire, b.len);
	assert_int_equal(rdd_sec_read_basic_header(&in, &f, &fh), 0);
	assert_int_equal(f, flags | RDD_SEC_ENCRYPT);
	assert_int_equal(
	    rdd_sec_decrypt(to, f, &in, back, sizeof(back), &got, &ok), 0);
	assert_true(ok);
	assert_int_equal(got, n);
	if (n > 0)
		assert_memory_equal(back, data, n);
	assert_int_equal(rdd_cur_left(&in), 0);
	assert_int_equal(rdd_sec_decrypt_count(to), before + 1);
}

/* ---- headers ----------------------------------------------------------- */

static void
test_basic_header(void **state)
{
	/* RDP-003.pcap frame 30 (client, Synchronize): flags 0x0028
	 * (SEC_IGNORE_SEQNO | SEC_ENCRYPT), flagsHi as the XP client left
	 * it; and one byte of what follows. */
	static const uint8_t frame30[] = {0x28, 0x00, 0x81, 0xf8, 0x09};
	uint8_t out[8];
	struct rdd_buf b;
	struct rdd_cur in;
	uint16_t f = 0, fh = 0;
	size_t n;

	(void)state;
	in = cur(frame30, sizeof(frame30));
	assert_int_equal(rdd_sec_read_basic_header(&in, &f, &fh), 0);
	assert_int_equal(f, RDD_SEC_IGNORE_SEQNO | RDD_SEC_ENCRYPT);
	assert_int_equal(fh, 0xf881);
	assert_int_equal(rdd_cur_left(&in), 1);
	for (n = 0; n < 4; n++) {
		in = cur(frame30, n);
		f = fh = 0x1234;
		assert_int_equal(rdd_sec_read_basic_header(&in, &f, &fh), -1);
		assert_int_equal(rdd_cur_left(&in), n);
		assert_ptr_equal(in.p, frame30);
		assert_int_equal(f, 0x1234);
	}
	rdd_buf_init(&b, out, sizeof(out));
	rdd_sec_write_basic_header(&b, RDD_SEC_LICENSE_PKT, 0x0010);
	assert_false(b.err);
	assert_int_equal(b.len, 4);
	assert_memory_equal(out, "\x80\x00\x10\x00", 4);
	rdd_buf_init(&b, out, 3);
	rdd_sec_write_basic_header(&b, RDD_SEC_LICENSE_PKT, 0);
	assert_true(b.err);
}

/* ---- Security Exchange ------------------------------------------------- */

/* The client random 01 .. 20 raised to 65537 modulo the RSA key of
 * RDP-003.pcap frame 8's certificate, little-endian (python3 pow()). */
static const uint8_t exchange_r3[64] = {
    0x00, 0x84, 0xd5, 0xb5, 0xea, 0xb9, 0xb7, 0x1e, 0xb0, 0x92, 0x5d,
    0x94, 0xa0, 0x3e, 0xfd, 0x00, 0x6e, 0x94, 0x8a, 0x16, 0x30, 0x66,
    0x1a, 0xba, 0xfd, 0xb4, 0x03, 0xcc, 0xb3, 0xa6, 0x0a, 0xdc, 0x4f,
    0x7f, 0x40, 0xab, 0x8a, 0xf7, 0xdf, 0xa7, 0xe8, 0xe2, 0x48, 0x05,
    0xf3, 0x4a, 0x07, 0xe3, 0xa9, 0xf3, 0x54, 0xf5, 0x9d, 0x8e, 0xcc,
    0x3e, 0x0d, 0xc5, 0xcc, 0x0a, 0x73, 0xbb, 0x7e, 0x40,
};

static void
r3_cert(struct rdd_gcc_server_cert *cert)
{
	struct rdd_cur in = cur(R3_CERT, CERT_LEN);

	assert_int_equal(rdd_gcc_parse_server_certificate(&in, cert), 0);
	assert_true(cert->has_rsa_key);
}

static void
test_build_exchange(void **state)
{
	/* RDP-003.pcap frame 23: the client's Security Exchange after the
	 * Send Data Request header: flags 0x0201, flagsHi 0, length 72. */
	static const uint8_t r3_head[8] = {0x01, 0x02, 0x00, 0x00,
	                                   0x48, 0x00, 0x00, 0x00};
	static const uint8_t zeros[8] = {0};
	struct rdd_gcc_server_cert cert;
	uint8_t cr[32], out[96];
	struct rdd_buf b;

	(void)state;
	client_random(cr);
	r3_cert(&cert);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_sec_build_exchange(&b, &cert, cr), 0);
	assert_false(b.err);
	assert_int_equal(b.len, 8 + 64 + 8);
	assert_memory_equal(out, r3_head, 8);
	assert_memory_equal(out + 8, exchange_r3, 64);
	assert_memory_equal(out + 72, zeros, 8);

	/* Appended after what the buffer holds. */
	rdd_buf_init(&b, out, sizeof(out));
	rdd_buf_u8(&b, 0xee);
	assert_int_equal(rdd_sec_build_exchange(&b, &cert, cr), 0);
	assert_int_equal(b.len, 81);
	assert_int_equal(out[0], 0xee);
	assert_memory_equal(out + 1, r3_head, 8);

	/* One byte short: nothing written, the error flag set. */
	rdd_buf_init(&b, out, 79);
	assert_int_equal(rdd_sec_build_exchange(&b, &cert, cr), -1);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
	/* A buffer already in error. */
	assert_int_equal(rdd_sec_build_exchange(&b, &cert, cr), -1);

	/* No usable key; a modulus not longer than the random. */
	rdd_buf_init(&b, out, sizeof(out));
	cert.has_rsa_key = false;
	assert_int_equal(rdd_sec_build_exchange(&b, &cert, cr), -1);
	cert.has_rsa_key = true;
	cert.key_modulus_len = 32;
	assert_int_equal(rdd_sec_build_exchange(&b, &cert, cr), -1);
	/* A modulus smaller than the random as a number. */
	cert.key_modulus_len = 40;
	memset(cert.key_modulus, 0, 40);
	cert.key_modulus[0] = 7;
	assert_int_equal(rdd_sec_build_exchange(&b, &cert, cr), -1);
	assert_int_equal(b.len, 0);
	assert_false(b.err);
	assert_int_equal(rdd_sec_build_exchange(&b, NULL, cr), -1);
}

/* ---- keys and MACs ----------------------------------------------------- */

static void
test_derive_keys(void **state)
{
	static const uint8_t zeros[24] = {0};
	static const uint32_t bad[] = {
	    RDD_ENCRYPTION_METHOD_NONE,
	    RDD_ENCRYPTION_METHOD_40BIT | RDD_ENCRYPTION_METHOD_128BIT,
	    0x04,
	    RDD_ENCRYPTION_METHOD_FIPS | RDD_ENCRYPTION_METHOD_56BIT,
	    0xffffffffu,
	};
	struct rdd_sec_keys k;
	uint8_t cr[32];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(vecs); i++) {
		const struct method_vec *v = &vecs[i];

		derive(v, &k);
		assert_int_equal(k.method, v->method);
		assert_int_equal(k.key_len, v->key_len);
		assert_int_equal(k.mac_key_len, v->mac_key_len);
		assert_memory_equal(k.encrypt, v->encrypt, v->key_len);
		assert_memory_equal(k.decrypt, v->decrypt, v->key_len);
		assert_memory_equal(k.mac_key, v->mac, v->mac_key_len);
		/* Nothing left past the key lengths. */
		assert_memory_equal(k.encrypt + v->key_len, zeros,
		                    sizeof(k.encrypt) - v->key_len);
		assert_memory_equal(k.decrypt + v->key_len, zeros,
		                    sizeof(k.decrypt) - v->key_len);
		assert_memory_equal(k.mac_key + v->mac_key_len, zeros,
		                    sizeof(k.mac_key) - v->mac_key_len);
	}
	/* The reductions: 40-bit keys start D1 26 9E, 56-bit ones D1, and
	 * otherwise equal the first 8 bytes of the 128-bit keys. */
	assert_memory_equal(k40_encrypt, "\xd1\x26\x9e", 3);
	assert_memory_equal(k40_encrypt + 3, k128_encrypt + 3, 5);
	assert_memory_equal(k56_mac + 1, k128_mac + 1, 7);

	client_random(cr);
	for (i = 0; i < NELEM(bad); i++) {
		memset(&k, 0x5a, sizeof(k));
		assert_int_equal(
		    rdd_sec_derive_keys(bad[i], cr, server_random, &k), -1);
		assert_int_equal(k.key_len, 0);
	}
	assert_int_equal(rdd_sec_derive_keys(RDD_ENCRYPTION_METHOD_128BIT, cr,
	                                     server_random, NULL),
	                 -1);
}

static void
test_mac(void **state)
{
	struct rdd_sec_keys k;
	uint8_t mac[8];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(vecs); i++) {
		const struct method_vec *v = &vecs[i];
		const uint8_t *p = (const uint8_t *)plain;

		derive(v, &k);
		assert_int_equal(rdd_sec_mac(&k, p, PLAIN_LEN, false, 7, mac),
		                 0);
		/* Unsalted, the count does not matter (FIPS: it always
		 * does, salted or not). */
		if (!is_fips(v))
			assert_memory_equal(mac, v->mac_plain, 8);
		assert_int_equal(rdd_sec_mac(&k, p, PLAIN_LEN, false, 0, mac),
		                 0);
		assert_memory_equal(mac, v->mac_plain, 8);
		assert_int_equal(rdd_sec_mac(&k, p, PLAIN_LEN, true, 0, mac),
		                 0);
		assert_memory_equal(mac, v->mac_salted0, 8);
		assert_int_equal(rdd_sec_mac(&k, p, PLAIN_LEN, true, 42, mac),
		                 0);
		assert_memory_equal(mac, v->mac_salted42, 8);
		assert_int_equal(rdd_sec_mac(&k, p, PLAIN_LEN, false, 42, mac),
		                 0);
		assert_memory_equal(
		    mac, is_fips(v) ? v->mac_salted42 : v->mac_plain, 8);
		/* Inconsistent keys. */
		k.mac_key_len = 4;
		assert_int_equal(rdd_sec_mac(&k, p, PLAIN_LEN, false, 0, mac),
		                 -1);
	}
	/* PDU 0 of the vectors carries the unsalted MAC of the plaintext. */
	assert_memory_equal(k128_pdu0 + 4, k128_mac_plain, 8);
}

/* ---- encryption -------------------------------------------------------- */

/* The plaintext of the second vector PDU. */
static const uint8_t *
pdu1_plain(const struct method_vec *v, size_t *n, uint16_t *flags)
{
	static const uint8_t seq16[16] = {0, 1, 2,  3,  4,  5,  6,  7,
	                                  8, 9, 10, 11, 12, 13, 14, 15};

	if (is_fips(v)) {
		*n = sizeof(seq16);
		*flags = 0;
		return seq16;
	}
	*n = PLAIN_LEN;
	*flags = RDD_SEC_SECURE_CHECKSUM;
	return (const uint8_t *)plain;
}

static void
test_encrypt_vectors(void **state)
{
	uint8_t out[128];
	struct rdd_sec_keys k;
	struct rdd_sec *s;
	struct rdd_buf b;
	const uint8_t *p1;
	uint16_t f1;
	size_t i, n1;

	(void)state;
	for (i = 0; i < NELEM(vecs); i++) {
		const struct method_vec *v = &vecs[i];

		derive(v, &k);
		s = rdd_sec_new(&k);
		assert_non_null(s);
		assert_int_equal(rdd_sec_encrypt_count(s), 0);
		rdd_buf_init(&b, out, sizeof(out));
		/* SEC_ENCRYPT is added whether or not the caller has it. */
		assert_int_equal(rdd_sec_encrypt(s, RDD_SEC_INFO_PKT,
		                                 (const uint8_t *)plain,
		                                 PLAIN_LEN, &b),
		                 0);
		assert_int_equal(b.len, v->pdu0_len);
		assert_memory_equal(out, v->pdu0, v->pdu0_len);
		assert_int_equal(rdd_sec_encrypt_count(s), 1);
		rdd_buf_init(&b, out, sizeof(out));
		p1 = pdu1_plain(v, &n1, &f1);
		assert_int_equal(rdd_sec_encrypt(s, f1, p1, n1, &b), 0);
		assert_int_equal(b.len, v->pdu1_len);
		assert_memory_equal(out, v->pdu1, v->pdu1_len);
		assert_int_equal(rdd_sec_encrypt_count(s), 2);
		assert_int_equal(rdd_sec_decrypt_count(s), 0);
		rdd_sec_free(s);
	}
	/* Header layouts: non-FIPS 4 + 8 bytes; FIPS 4 + length 0x0010,
	 * version 1, padlen 5 (27 bytes padded to 32), + 8, and the
	 * ciphertext a multiple of 8. */
	assert_int_equal(sizeof(k128_pdu0), 12 + PLAIN_LEN);
	assert_memory_equal(kf_pdu0 + 4, "\x10\x00\x01\x05", 4);
	assert_int_equal(sizeof(kf_pdu0), 16 + 32);
	assert_memory_equal(kf_pdu1 + 4, "\x10\x00\x01\x00", 4);
}

static void
test_encrypt_no_room(void **state)
{
	uint8_t out[128];
	struct rdd_sec_keys k;
	struct rdd_sec *s;
	struct rdd_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(vecs); i++) {
		const struct method_vec *v = &vecs[i];

		derive(v, &k);
		s = rdd_sec_new(&k);
		assert_non_null(s);
		/* One byte short (FIPS: of the padding): nothing written,
		 * the state unmoved, so the next try is still PDU 0. */
		rdd_buf_init(&b, out, v->pdu0_len - 1);
		assert_int_equal(rdd_sec_encrypt(s, RDD_SEC_INFO_PKT,
		                                 (const uint8_t *)plain,
		                                 PLAIN_LEN, &b),
		                 -1);
		assert_true(b.err);
		assert_int_equal(b.len, 0);
		assert_int_equal(rdd_sec_encrypt_count(s), 0);
		/* A buffer already in error. */
		assert_int_equal(rdd_sec_encrypt(s, RDD_SEC_INFO_PKT,
		                                 (const uint8_t *)plain,
		                                 PLAIN_LEN, &b),
		                 -1);
		rdd_buf_init(&b, out, sizeof(out));
		assert_int_equal(rdd_sec_encrypt(s, RDD_SEC_INFO_PKT,
		                                 (const uint8_t *)plain,
		                                 PLAIN_LEN, &b),
		                 0);
		assert_memory_equal(out, v->pdu0, v->pdu0_len);
		assert_int_equal(rdd_sec_encrypt(s, 0, NULL, 5, &b), -1);
		rdd_sec_free(s);
	}
}

static void
test_new_rejects(void **state)
{
	struct rdd_sec_keys k;

	(void)state;
	derive(&vecs[2], &k);
	k.key_len = 8; /* 128-bit with a 64-bit key */
	assert_null(rdd_sec_new(&k));
	derive(&vecs[3], &k);
	k.mac_key_len = 16;
	assert_null(rdd_sec_new(&k));
	k.mac_key_len = 20;
	k.method = RDD_ENCRYPTION_METHOD_NONE;
	assert_null(rdd_sec_new(&k));
	assert_null(rdd_sec_new(NULL));
	rdd_sec_free(NULL);
	assert_int_equal(rdd_sec_encrypt_count(NULL), 0);
	assert_int_equal(rdd_sec_decrypt_count(NULL), 0);
}

/* ---- round trips ------------------------------------------------------- */

static void
test_roundtrip(void **state)
{
	static const size_t lens[] = {0, 1, 7, 8, 9, 16, 100, 1000, 27};
	static uint8_t data[1000 + NELEM(lens)];
	struct rdd_sec *client, *server;
	size_t i, j;

	(void)state;
	for (j = 0; j < sizeof(data); j++)
		data[j] = (uint8_t)(j * 7 + 3);
	for (i = 0; i < NELEM(vecs); i++) {
		pair(&vecs[i], &client, &server);
		for (j = 0; j < NELEM(lens); j++) {
			uint16_t salt = j % 2 ? RDD_SEC_SECURE_CHECKSUM : 0;

			send_one(client, server, salt, data, lens[j]);
			send_one(server, client, salt | RDD_SEC_LICENSE_PKT,
			         data + j, lens[j]);
			send_one(server, client, salt, data, lens[j]);
		}
		assert_int_equal(rdd_sec_encrypt_count(client), NELEM(lens));
		assert_int_equal(rdd_sec_decrypt_count(server), NELEM(lens));
		assert_int_equal(rdd_sec_encrypt_count(server),
		                 2 * NELEM(lens));
		assert_int_equal(rdd_sec_decrypt_count(client),
		                 2 * NELEM(lens));
		rdd_sec_free(client);
		rdd_sec_free(server);
	}
}

/*
 * 4096 PDUs with the initial keys, then the update: the 4097th PDU the
 * client sends matches the reference (the salted MAC still counting from
 * the first PDU: 4096), the server follows across it, and so does the
 * client across the update of its decryption key.
 */
static void
test_key_update(void **state)
{
	static const uint8_t zero8[8] = {0};
	uint8_t out[64];
	struct rdd_sec *client, *server;
	struct rdd_buf b;
	struct rdd_cur in;
	uint8_t back[64];
	size_t i, j, got;
	uint16_t f, fh;
	bool ok;

	(void)state;
	for (i = 0; i < NELEM(vecs); i++) {
		const struct method_vec *v = &vecs[i];

		if (v->pdu4096 == NULL)
			continue; /* FIPS has no key update */
		pair(v, &client, &server);
		for (j = 0; j < 4096; j++)
			send_one(client, server, 0, zero8, sizeof(zero8));
		rdd_buf_init(&b, out, sizeof(out));
		assert_int_equal(
		    rdd_sec_encrypt(client, RDD_SEC_SECURE_CHECKSUM,
		                    (const uint8_t *)plain, PLAIN_LEN, &b),
		    0);
		assert_int_equal(b.len, v->pdu0_len);
		assert_memory_equal(out, v->pdu4096, b.len);
		assert_int_equal(rdd_sec_encrypt_count(client), 4097);
		in = cur(out, b.len);
		assert_int_equal(rdd_sec_read_basic_header(&in, &f, &fh), 0);
		assert_int_equal(rdd_sec_decrypt(server, f, &in, back,
		                                 sizeof(back), &got, &ok),
		                 0);
		assert_true(ok);
		assert_int_equal(got, PLAIN_LEN);
		assert_memory_equal(back, plain, PLAIN_LEN);
		for (j = 0; j < 5; j++)
			send_one(client, server, RDD_SEC_SECURE_CHECKSUM,
			         (const uint8_t *)plain, j);
		/* The other direction, past 4096 as well. */
		for (j = 0; j < 4100; j++)
			send_one(server, client,
			         j % 3 ? 0 : RDD_SEC_SECURE_CHECKSUM, zero8,
			         j % 9);
		assert_int_equal(rdd_sec_decrypt_count(client), 4100);
		rdd_sec_free(client);
		rdd_sec_free(server);
	}
}

/* FIPS keeps one CBC stream; more than 4096 PDUs change nothing. */
static void
test_fips_long_run(void **state)
{
	static const uint8_t data[13] = "thirteen byte";
	struct rdd_sec *client, *server;
	size_t j;

	(void)state;
	pair(&vecs[3], &client, &server);
	for (j = 0; j < 4100; j++)
		send_one(client, server, 0, data, j % 14);
	assert_int_equal(rdd_sec_encrypt_count(client), 4100);
	rdd_sec_free(client);
	rdd_sec_free(server);
}

/* ---- decryption failures ---------------------------------------------- */

/* The client's first PDU (the plaintext, flags 0x0048) without its
 * basic header, as rdd_sec_decrypt takes it, into BODY. */
static size_t
first_body(const struct method_vec *v, uint8_t *body)
{
	memcpy(body, v->pdu0 + 4, v->pdu0_len - 4);
	return v->pdu0_len - 4;
}

/* Whether a cut of a FIPS body of N bytes (padlen PAD) reads at all. */
static bool
fips_readable(size_t n, uint8_t pad)
{
	return n >= 12 && (n - 12) % 8 == 0 && pad <= n - 12;
}

static void
test_decrypt_every_truncation(void **state)
{
	uint8_t body[64], back[64];
	struct rdd_sec *client, *server, *fresh, *unused;
	struct rdd_cur in;
	size_t i, n, full, got;
	bool ok, readable;

	(void)state;
	for (i = 0; i < NELEM(vecs); i++) {
		const struct method_vec *v = &vecs[i];

		full = first_body(v, body);
		/* SERVER decrypts the client's PDUs: it must not move on
		 * any cut it refuses. */
		pair(v, &client, &server);
		for (n = 0; n < full; n++) {
			readable =
			    is_fips(v) ? fips_readable(n, body[3]) : n >= 8;
			in = cur(body, n);
			got = 999;
			ok = true;
			if (!readable) {
				assert_int_equal(
				    rdd_sec_decrypt(server, 0x0048, &in, back,
				                    sizeof(back), &got, &ok),
				    -1);
				assert_int_equal(rdd_cur_left(&in), n);
				assert_ptr_equal(in.p, body);
				assert_int_equal(got, 999);
				assert_int_equal(rdd_sec_decrypt_count(server),
				                 0);
				continue;
			}
			/* A shorter PDU that still reads: it decrypts, to
			 * a MAC that does not match. On a state of its own. */
			pair(v, &unused, &fresh);
			assert_int_equal(rdd_sec_decrypt(fresh, 0x0048, &in,
			                                 back, sizeof(back),
			                                 &got, &ok),
			                 0);
			assert_false(ok);
			assert_int_equal(rdd_cur_left(&in), 0);
			rdd_sec_free(unused);
			rdd_sec_free(fresh);
		}
		/* The whole PDU, on the state that refused every cut. */
		in = cur(body, full);
		assert_int_equal(rdd_sec_decrypt(server, 0x0048, &in, back,
		                                 sizeof(back), &got, &ok),
		                 0);
		assert_true(ok);
		assert_int_equal(got, PLAIN_LEN);
		assert_memory_equal(back, plain, PLAIN_LEN);
		assert_int_equal(rdd_sec_decrypt_count(server), 1);
		rdd_sec_free(client);
		rdd_sec_free(server);
	}
}

static void
test_decrypt_refusals(void **state)
{
	uint8_t body[64], back[64];
	struct rdd_sec *client, *server;
	struct rdd_cur in;
	size_t i, full, got = 0;
	bool ok = false;

	(void)state;
	for (i = 0; i < NELEM(vecs); i++) {
		const struct method_vec *v = &vecs[i];

		full = first_body(v, body);
		pair(v, &client, &server);
		/* OUT one byte short of the plaintext (FIPS: of the data
		 * without its padding). */
		in = cur(body, full);
		assert_int_equal(rdd_sec_decrypt(server, 0x48, &in, back,
		                                 PLAIN_LEN - 1, &got, &ok),
		                 -1);
		assert_int_equal(rdd_cur_left(&in), full);
		assert_int_equal(
		    rdd_sec_decrypt(server, 0x48, &in, NULL, 0, &got, &ok), -1);
		assert_int_equal(
		    rdd_sec_decrypt(server, 0x48, &in, back, 64, NULL, &ok),
		    -1);
		assert_int_equal(
		    rdd_sec_decrypt(server, 0x48, &in, back, 64, &got, NULL),
		    -1);
		if (is_fips(v)) {
			/* padlen larger than the data; data not a
			 * multiple of 8. */
			body[3] = 33;
			assert_int_equal(rdd_sec_decrypt(server, 0x48, &in,
			                                 back, sizeof(back),
			                                 &got, &ok),
			                 -1);
			body[3] = 5;
			body[full] = 0;
			in = cur(body, full + 1);
			assert_int_equal(rdd_sec_decrypt(server, 0x48, &in,
			                                 back, sizeof(back),
			                                 &got, &ok),
			                 -1);
			assert_int_equal(rdd_cur_left(&in), full + 1);
		}
		assert_int_equal(rdd_sec_decrypt_count(server), 0);
		/* The exact room is enough, and the state had not moved. */
		in = cur(body, full);
		assert_int_equal(rdd_sec_decrypt(server, 0x48, &in, back,
		                                 PLAIN_LEN, &got, &ok),
		                 0);
		assert_true(ok);
		assert_memory_equal(back, plain, PLAIN_LEN);
		rdd_sec_free(client);
		rdd_sec_free(server);
	}
}

static void
test_mac_mismatch(void **state)
{
	static uint8_t wire[128], back[128];
	const uint8_t *p = (const uint8_t *)plain;
	struct rdd_sec *client, *server;
	struct rdd_buf b;
	struct rdd_cur in;
	size_t i, hdr, got;
	uint16_t f, fh;
	bool ok;

	(void)state;
	for (i = 0; i < NELEM(vecs); i++) {
		const struct method_vec *v = &vecs[i];

		hdr = is_fips(v) ? 16 : 12;
		pair(v, &client, &server);

		/* A flipped ciphertext byte: the data decrypts wrong (RC4:
		 * in that byte only), the MAC says so, the stream goes on. */
		rdd_buf_init(&b, wire, sizeof(wire));
		assert_int_equal(rdd_sec_encrypt(client, 0, p, PLAIN_LEN, &b),
		                 0);
		wire[hdr + 2] ^= 0x40;
		in = cur(wire, b.len);
		assert_int_equal(rdd_sec_read_basic_header(&in, &f, &fh), 0);
		assert_int_equal(rdd_sec_decrypt(server, f, &in, back,
		                                 sizeof(back), &got, &ok),
		                 0);
		assert_false(ok);
		assert_int_equal(got, PLAIN_LEN);
		assert_memory_not_equal(back, p, PLAIN_LEN);
		if (!is_fips(v)) {
			assert_int_equal(back[2], p[2] ^ 0x40);
			assert_memory_equal(back + 3, p + 3, PLAIN_LEN - 3);
		}
		send_one(client, server, 0, p, PLAIN_LEN);

		/* A flipped MAC byte: the data is right, the MAC not. */
		rdd_buf_init(&b, wire, sizeof(wire));
		assert_int_equal(rdd_sec_encrypt(client, 0, p, PLAIN_LEN, &b),
		                 0);
		wire[hdr - 1] ^= 0x01;
		in = cur(wire, b.len);
		assert_int_equal(rdd_sec_read_basic_header(&in, &f, &fh), 0);
		assert_int_equal(rdd_sec_decrypt(server, f, &in, back,
		                                 sizeof(back), &got, &ok),
		                 0);
		assert_false(ok);
		assert_memory_equal(back, p, PLAIN_LEN);

		/* Salted by the sender, read as unsalted: a mismatch
		 * (FIPS has one MAC form, so it still matches). */
		rdd_buf_init(&b, wire, sizeof(wire));
		assert_int_equal(rdd_sec_encrypt(client,
		                                 RDD_SEC_SECURE_CHECKSUM, p,
		                                 PLAIN_LEN, &b),
		                 0);
		in = cur(wire, b.len);
		assert_int_equal(rdd_sec_read_basic_header(&in, &f, &fh), 0);
		assert_int_equal(rdd_sec_decrypt(server, 0, &in, back,
		                                 sizeof(back), &got, &ok),
		                 0);
		assert_int_equal(ok, is_fips(v));
		assert_memory_equal(back, p, PLAIN_LEN);
		assert_int_equal(rdd_sec_decrypt_count(server), 4);
		send_one(client, server, RDD_SEC_SECURE_CHECKSUM, p, 3);
		rdd_sec_free(client);
		rdd_sec_free(server);
	}
}

/* ---- proprietary certificate signature -------------------------------- */

/* xrdp v0.9.21.1 libxrdp/xrdp_sec.c g_lic1, bytes 116..299: the
 * SERVER_CERTIFICATE inside its built-in Server License Request. */
static const uint8_t xrdp_lic1_cert[184] = {
    0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x5c, 0x00, 0x52, 0x53, 0x41, 0x31, 0x48, 0x00, 0x00, 0x00,
    0x00, 0x02, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x01, 0xc7, 0xc9, 0xf7, 0x8e, 0x5a, 0x38, 0xe4, 0x29, 0xc3, 0x00, 0x95,
    0x2d, 0xdd, 0x4c, 0x3e, 0x50, 0x45, 0x0b, 0x0d, 0x9e, 0x2a, 0x5d, 0x18,
    0x63, 0x64, 0xc4, 0x2c, 0xf7, 0x8f, 0x29, 0xd5, 0x3f, 0xc5, 0x35, 0x22,
    0x34, 0xff, 0xad, 0x3a, 0xe6, 0xe3, 0x95, 0x06, 0xae, 0x55, 0x82, 0xe3,
    0xc8, 0xc7, 0xb4, 0xa8, 0x47, 0xc8, 0x50, 0x71, 0x74, 0x29, 0x53, 0x89,
    0x6d, 0x9c, 0xed, 0x70, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x48, 0x00, 0xa8, 0xf4, 0x31, 0xb9, 0xab, 0x4b, 0xe6, 0xb4,
    0xf4, 0x39, 0x89, 0xd6, 0xb1, 0xda, 0xf6, 0x1e, 0xec, 0xb1, 0xf0, 0x54,
    0x3b, 0x5e, 0x3e, 0x6a, 0x71, 0xb4, 0xf7, 0x75, 0xc8, 0x16, 0x2f, 0x24,
    0x00, 0xde, 0xe9, 0x82, 0x99, 0x5f, 0x33, 0x0b, 0xa9, 0xa6, 0x94, 0xaf,
    0xcb, 0x11, 0xc3, 0xf2, 0xdb, 0x09, 0x42, 0x68, 0x29, 0x56, 0x58, 0x01,
    0x56, 0xdb, 0x59, 0x03, 0x69, 0xdb, 0x7d, 0x37, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
};

/*
 * Signatures over RDP-003's certificate made with the Terminal Services
 * private key (python3): the right hash with a decrypted padding that is
 * wrong in the 17th byte (01 for 00), the 63rd (02 for 01), the 62nd (FE
 * for FF), the 64th (01 for 00); and a correct signature over the
 * certificate with its first modulus byte changed to 0x7c.
 */
static const uint8_t sig_bad_17th[64] = {
    0x54, 0xb4, 0x5b, 0xc6, 0xbf, 0x0b, 0x0e, 0x0a, 0x26, 0x29, 0x8a,
    0x79, 0xd6, 0x5c, 0xa9, 0xe6, 0x5c, 0xd7, 0x15, 0xfb, 0xb2, 0x94,
    0x79, 0xb9, 0x64, 0xf8, 0x1c, 0x91, 0x14, 0x1e, 0xa6, 0x81, 0x49,
    0xb9, 0x86, 0x59, 0xd7, 0x5f, 0xa3, 0xed, 0x27, 0xef, 0xf1, 0x5d,
    0x23, 0x2f, 0x89, 0xbd, 0x0b, 0xff, 0x08, 0x12, 0x74, 0x95, 0x3b,
    0x26, 0x34, 0x50, 0x2d, 0x15, 0x46, 0x0b, 0xae, 0x7b,
};
static const uint8_t sig_bad_63rd[64] = {
    0x5b, 0x68, 0x9c, 0xa1, 0x85, 0x14, 0x97, 0xd7, 0x61, 0x0c, 0x22,
    0x21, 0x1a, 0x81, 0x54, 0xc2, 0x9c, 0x63, 0x28, 0xcc, 0x61, 0x00,
    0xee, 0xbe, 0x93, 0xe4, 0x45, 0x8c, 0xbf, 0xc9, 0xef, 0x6a, 0xdb,
    0x86, 0x5d, 0xd6, 0x82, 0xd0, 0xb0, 0x8d, 0xfb, 0x07, 0xf1, 0x33,
    0x9b, 0xba, 0x85, 0xd6, 0x84, 0x71, 0xaa, 0xa8, 0x2d, 0x8e, 0xdf,
    0x83, 0x97, 0xb2, 0x2b, 0x81, 0x47, 0xd8, 0xc3, 0x21,
};
static const uint8_t sig_bad_ff[64] = {
    0x24, 0x60, 0x60, 0x54, 0xef, 0x99, 0x3e, 0x3c, 0x88, 0x2b, 0x70,
    0x50, 0xf0, 0x79, 0xfa, 0x09, 0xa0, 0x4f, 0x22, 0x77, 0x5f, 0x7a,
    0x24, 0xa3, 0x42, 0xcf, 0x11, 0x43, 0x81, 0xc0, 0x98, 0x14, 0xa6,
    0x00, 0xbf, 0xbb, 0x04, 0xbc, 0x65, 0x54, 0x91, 0xb7, 0x50, 0x73,
    0x86, 0x3f, 0x9e, 0xbf, 0x07, 0x69, 0xdc, 0x79, 0x00, 0x11, 0x02,
    0x82, 0x8d, 0x9b, 0xfe, 0xb9, 0xba, 0x0f, 0xc1, 0x72,
};
static const uint8_t sig_bad_64th[64] = {
    0x6b, 0xcc, 0xf0, 0x03, 0x89, 0x26, 0x3e, 0x1e, 0x41, 0xa7, 0x0e,
    0xa3, 0x5c, 0xa1, 0xaf, 0xa5, 0x10, 0x64, 0x0a, 0x85, 0xb8, 0xfc,
    0x8d, 0x6a, 0xa3, 0xfb, 0x6d, 0x05, 0x02, 0xfc, 0x43, 0x2c, 0xb3,
    0x72, 0xbb, 0x17, 0xe8, 0x13, 0x25, 0x20, 0xd3, 0xc4, 0xfe, 0xb4,
    0x93, 0xbe, 0xdf, 0x70, 0x22, 0x14, 0xe9, 0xed, 0x06, 0xea, 0x84,
    0x55, 0x76, 0x27, 0xac, 0x23, 0x6d, 0x55, 0x44, 0x73,
};
static const uint8_t sig_resigned_modulus[64] = {
    0x3b, 0x6a, 0x2e, 0x6b, 0xd9, 0xc5, 0xa8, 0x4b, 0x78, 0xa5, 0xbf,
    0x75, 0x76, 0xe6, 0x83, 0x42, 0x81, 0xb1, 0x4b, 0x04, 0xb7, 0xf6,
    0x99, 0x30, 0xe5, 0x25, 0x31, 0xea, 0x2c, 0x41, 0x75, 0x54, 0x32,
    0xdb, 0x65, 0xe3, 0xdf, 0x79, 0xf7, 0x5a, 0x97, 0x96, 0x69, 0x64,
    0x1a, 0xa4, 0x8e, 0x12, 0x44, 0x37, 0x85, 0x96, 0xeb, 0x05, 0x4b,
    0x9d, 0x78, 0xe5, 0xec, 0xb3, 0x2e, 0x78, 0xdd, 0x1a,
};

static int
check_modified(const uint8_t *cert, size_t at, const uint8_t *bytes, size_t n)
{
	uint8_t c[CERT_LEN];

	memcpy(c, cert, CERT_LEN);
	memcpy(c + at, bytes, n);
	return rdd_sec_check_proprietary_signature(c, CERT_LEN);
}

static void
test_signature_vectors(void **state)
{
	uint8_t c[CERT_LEN + 5];

	(void)state;
	assert_int_equal(rdd_sec_check_proprietary_signature(R3_CERT, CERT_LEN),
	                 1);
	assert_int_equal(
	    rdd_sec_check_proprietary_signature(SPEC_CERT, CERT_LEN), 1);
	assert_int_equal(
	    rdd_sec_check_proprietary_signature(xrdp_lic1_cert, CERT_LEN), 1);
	/* Bytes after the signature blob are not looked at. */
	memcpy(c, R3_CERT, CERT_LEN);
	memset(c + CERT_LEN, 0xa5, 5);
	assert_int_equal(rdd_sec_check_proprietary_signature(c, sizeof(c)), 1);
}

static void
test_signature_bad(void **state)
{
	static const uint8_t v2[4] = {0x02, 0, 0, 0};
	static const uint8_t temp[4] = {0x01, 0, 0, 0x80};
	static const uint8_t ff[64] = {
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const uint8_t *certs[] = {R3_CERT, SPEC_CERT, xrdp_lic1_cert};
	uint8_t c[CERT_LEN], one;
	size_t i, at;
	int r;

	(void)state;
	for (i = 0; i < NELEM(certs); i++) {
		/* Every byte of the signed part and of the signature. */
		for (at = 0; at < CERT_SIGNED_LEN + 4 + 64; at++) {
			if (at >= CERT_SIGNED_LEN && at < CERT_SIG_AT)
				continue; /* the signature blob's header */
			memcpy(c, certs[i], CERT_LEN);
			c[at] ^= 0x01;
			r = rdd_sec_check_proprietary_signature(c, CERT_LEN);
			/* dwVersion no longer 1: not proprietary. The blob
			 * length moves the signature: unreadable or bad. */
			if (at < 4                 ? r != -1
			    : at == 14 || at == 15 ? r == 1
			                           : r != 0)
				fail_msg("cert %zu, byte %zu flipped: %d", i,
				         at, r);
		}
		/* The 8 bytes after the signature must stay zero. */
		one = 1;
		assert_int_equal(
		    check_modified(certs[i], CERT_SIG_AT + 64, &one, 1), 0);
		assert_int_equal(
		    check_modified(certs[i], CERT_LEN - 1, &one, 1), 0);
		/* A signature not below the modulus. */
		assert_int_equal(
		    check_modified(certs[i], CERT_SIG_AT, ff, sizeof(ff)), 0);
		/* Temporarily issued: bit 31 of the signed dwVersion. */
		assert_int_equal(
		    check_modified(certs[i], 0, temp, sizeof(temp)), 0);
		/* An X.509 chain's dwVersion: not proprietary. */
		assert_int_equal(check_modified(certs[i], 0, v2, sizeof(v2)),
		                 -1);
	}
	/* Right hash, wrong padding. */
	assert_int_equal(check_modified(R3_CERT, CERT_SIG_AT, sig_bad_17th, 64),
	                 0);
	assert_int_equal(check_modified(R3_CERT, CERT_SIG_AT, sig_bad_63rd, 64),
	                 0);
	assert_int_equal(check_modified(R3_CERT, CERT_SIG_AT, sig_bad_ff, 64),
	                 0);
	assert_int_equal(check_modified(R3_CERT, CERT_SIG_AT, sig_bad_64th, 64),
	                 0);
	/* A certificate changed and signed again verifies: the check
	 * follows the key, not a list of known certificates. */
	memcpy(c, R3_CERT, CERT_LEN);
	c[CERT_MODULUS_AT] = 0x7c;
	assert_int_equal(rdd_sec_check_proprietary_signature(c, CERT_LEN), 0);
	memcpy(c + CERT_SIG_AT, sig_resigned_modulus, 64);
	assert_int_equal(rdd_sec_check_proprietary_signature(c, CERT_LEN), 1);
	/* A signature blob of 63 bytes (its length field says so). */
	memcpy(c, R3_CERT, CERT_LEN);
	c[CERT_SIG_AT - 2] = 63;
	assert_int_equal(rdd_sec_check_proprietary_signature(c, CERT_LEN), 0);
	/* Of 64 bytes, without the 8 zero bytes: still the same number. */
	c[CERT_SIG_AT - 2] = 64;
	assert_int_equal(rdd_sec_check_proprietary_signature(c, CERT_LEN - 8),
	                 1);
	assert_int_equal(rdd_sec_check_proprietary_signature(NULL, 10), -1);
}

static void
test_signature_every_truncation(void **state)
{
	size_t n;

	(void)state;
	for (n = 0; n < CERT_LEN; n++) {
		if (rdd_sec_check_proprietary_signature(R3_CERT, n) != -1)
			fail_msg("accepted %zu bytes", n);
		if (rdd_sec_check_proprietary_signature(xrdp_lic1_cert, n) !=
		    -1)
			fail_msg("accepted %zu bytes of g_lic1", n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic_header),
	    cmocka_unit_test(test_build_exchange),
	    cmocka_unit_test(test_derive_keys),
	    cmocka_unit_test(test_mac),
	    cmocka_unit_test(test_encrypt_vectors),
	    cmocka_unit_test(test_encrypt_no_room),
	    cmocka_unit_test(test_new_rejects),
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_key_update),
	    cmocka_unit_test(test_fips_long_run),
	    cmocka_unit_test(test_decrypt_every_truncation),
	    cmocka_unit_test(test_decrypt_refusals),
	    cmocka_unit_test(test_mac_mismatch),
	    cmocka_unit_test(test_signature_vectors),
	    cmocka_unit_test(test_signature_bad),
	    cmocka_unit_test(test_signature_every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
