/*
 * test_credssp_auth.c - lib/wire/credssp_auth.c: the client's TSRequests
 * with every field, the SubjectPublicKey of a certificate, the pubKeyAuth
 * binding of CredSSP versions 2-4 (echo) and 5-6 (hashes with the nonce),
 * and TSCredentials.
 *
 * Vectors: the TSCredentials of shared/reference/session.md C.5 (accepted
 * by the lab's FreeRDP shadow server) and FreeRDP's empty one; the
 * RSA-2048 certificate of a Windows Server 2008 R2 (rdp-to-ssl.pcap frame
 * 9); an EC P-256 certificate made for this test; binding hashes computed
 * independently with Python's hashlib.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "wire/credssp.h"
#include "wire/credssp_auth.h"
#include "wire/crypto.h"
#include "wire/der.h"

#include "capture_vectors.h"

/* session.md C.5: domain "", user "alice", password "Passw0rd!". */
static const uint8_t alice_creds[53] = {
    0x30, 0x33, 0xa0, 0x03, 0x02, 0x01, 0x01, 0xa1, 0x2c, 0x04, 0x2a,
    0x30, 0x28, 0xa0, 0x02, 0x04, 0x00, 0xa1, 0x0c, 0x04, 0x0a, 0x61,
    0x00, 0x6c, 0x00, 0x69, 0x00, 0x63, 0x00, 0x65, 0x00, 0xa2, 0x14,
    0x04, 0x12, 0x50, 0x00, 0x61, 0x00, 0x73, 0x00, 0x73, 0x00, 0x77,
    0x00, 0x30, 0x00, 0x72, 0x00, 0x64, 0x00, 0x21, 0x00};

/* session.md C.5: FreeRDP 2's TSCredentials without delegation, three
 * empty strings. */
static const uint8_t empty_creds[25] = {
    0x30, 0x17, 0xa0, 0x03, 0x02, 0x01, 0x01, 0xa1, 0x10,
    0x04, 0x0e, 0x30, 0x0c, 0xa0, 0x02, 0x04, 0x00, 0xa1,
    0x02, 0x04, 0x00, 0xa2, 0x02, 0x04, 0x00};

/* rdp-to-ssl.pcap frame 9 (rdp_to_ssl_server_flight): the Certificate
 * message's first certificate, CN=WIN2K8R2.awakecoding.ath.cx, RSA-2048,
 * at byte 89, 766 bytes. Its subjectPublicKey BIT STRING is at 177 (head
 * 4 bytes, then the unused-bits octet): SPK = bytes 182..451. */
#define RSA_CERT_AT 89
#define RSA_CERT_LEN 766
#define RSA_SPK_LEN 270
static const uint8_t rsa_spk_head[16] = {0x30, 0x82, 0x01, 0x0a, 0x02, 0x82,
                                         0x01, 0x01, 0x00, 0xfb, 0x55, 0xc6,
                                         0x84, 0xd0, 0xee, 0x3a};
/* SHA-256 of those 270 bytes (Python hashlib over the bytes cut out as
 * above with `openssl asn1parse` giving the offsets). */
static const uint8_t rsa_spk_sha256[32] = {
    0x63, 0xc5, 0x51, 0x0d, 0x71, 0x6e, 0xf0, 0x02, 0xbd, 0x2e, 0x5c,
    0xe2, 0xc4, 0x4f, 0x2e, 0x93, 0x24, 0x73, 0xab, 0x72, 0x21, 0x82,
    0x1a, 0x0e, 0x43, 0x8a, 0x37, 0x79, 0xe3, 0xaf, 0xba, 0x5a};

/*
 * Binding values for the nonce a0 a1 ... bf, computed with Python's
 * hashlib: sha256(magic + nonce + spk), magic being b"CredSSP
 * Client-To-Server Binding Hash\0" or b"CredSSP Server-To-Client Binding
 * Hash\0" (38 bytes), spk the RSA SPK above or the EC one below.
 * ec_cert: `openssl req -x509 -newkey ec -pkeyopt
 * ec_paramgen_curve:prime256v1 -subj /CN=ec.rdpdoctor.test -outform der`
 * (made for this test); want_spk_ec: its subjectPublicKey without the
 * unused-bits octet (the uncompressed point), cut out at 167..231.
 */
static const uint8_t want_c2s_rsa[32] = {
    0xdf, 0xea, 0x26, 0xcb, 0x0a, 0xf1, 0xe3, 0x57, 0x67, 0x46, 0xc2,
    0x56, 0x6e, 0xee, 0x05, 0xdc, 0x23, 0x72, 0x2e, 0xf8, 0xcd, 0x60,
    0xac, 0x11, 0x0d, 0xbc, 0xcf, 0xf3, 0xaa, 0x11, 0x85, 0x95,
};
static const uint8_t want_s2c_rsa[32] = {
    0xaf, 0x33, 0x73, 0x1b, 0x6e, 0x69, 0xde, 0x67, 0x47, 0x02, 0xca,
    0xe8, 0x00, 0x30, 0xb2, 0x69, 0x8d, 0xfb, 0xf6, 0x15, 0x8c, 0x1a,
    0x9e, 0xf5, 0x38, 0x24, 0x25, 0x05, 0x3e, 0xc2, 0xc4, 0x7b,
};
static const uint8_t want_c2s_ec[32] = {
    0x1b, 0x0a, 0x19, 0xde, 0xd2, 0xc8, 0x56, 0x5d, 0x67, 0xfe, 0xae,
    0xbb, 0xe1, 0x2b, 0xa8, 0x3e, 0x3f, 0x3a, 0x02, 0x1d, 0x9c, 0x36,
    0x53, 0x0e, 0x25, 0x4d, 0x9d, 0x5e, 0xb7, 0x11, 0x93, 0x65,
};
static const uint8_t want_spk_ec[65] = {
    0x04, 0x77, 0x8b, 0x2d, 0xf9, 0xab, 0xfb, 0xba, 0xbf, 0x80, 0x5e,
    0xb4, 0x25, 0x32, 0x9e, 0x2f, 0xf3, 0xf4, 0x94, 0xcc, 0xab, 0xf4,
    0x60, 0x46, 0x30, 0xd7, 0x02, 0x9d, 0x37, 0xea, 0x2d, 0x8e, 0x8b,
    0xf3, 0x6d, 0xc5, 0x45, 0x37, 0x15, 0xbe, 0x32, 0x10, 0x47, 0xfd,
    0xdb, 0x46, 0x6c, 0x07, 0x18, 0xba, 0x32, 0xb3, 0x17, 0xe2, 0x29,
    0x15, 0x59, 0x1b, 0x7b, 0xa1, 0xc3, 0x9b, 0xa8, 0xac, 0x79,
};
static const uint8_t ec_cert[403] = {
    0x30, 0x82, 0x01, 0x8f, 0x30, 0x82, 0x01, 0x35, 0xa0, 0x03, 0x02, 0x01,
    0x02, 0x02, 0x14, 0x7a, 0x91, 0x39, 0x65, 0xa8, 0x02, 0x16, 0x5d, 0x11,
    0x34, 0x2b, 0x4d, 0x60, 0x99, 0xc8, 0xbf, 0x16, 0xea, 0x34, 0x98, 0x30,
    0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30,
    0x1c, 0x31, 0x1a, 0x30, 0x18, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x11,
    0x65, 0x63, 0x2e, 0x72, 0x64, 0x70, 0x64, 0x6f, 0x63, 0x74, 0x6f, 0x72,
    0x2e, 0x74, 0x65, 0x73, 0x74, 0x30, 0x20, 0x17, 0x0d, 0x32, 0x36, 0x31,
    0x32, 0x30, 0x36, 0x32, 0x32, 0x34, 0x34, 0x31, 0x38, 0x5a, 0x18, 0x0f,
    0x32, 0x31, 0x32, 0x36, 0x31, 0x31, 0x31, 0x32, 0x32, 0x32, 0x34, 0x34,
    0x31, 0x38, 0x5a, 0x30, 0x1c, 0x31, 0x1a, 0x30, 0x18, 0x06, 0x03, 0x55,
    0x04, 0x03, 0x0c, 0x11, 0x65, 0x63, 0x2e, 0x72, 0x64, 0x70, 0x64, 0x6f,
    0x63, 0x74, 0x6f, 0x72, 0x2e, 0x74, 0x65, 0x73, 0x74, 0x30, 0x59, 0x30,
    0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
    0x77, 0x8b, 0x2d, 0xf9, 0xab, 0xfb, 0xba, 0xbf, 0x80, 0x5e, 0xb4, 0x25,
    0x32, 0x9e, 0x2f, 0xf3, 0xf4, 0x94, 0xcc, 0xab, 0xf4, 0x60, 0x46, 0x30,
    0xd7, 0x02, 0x9d, 0x37, 0xea, 0x2d, 0x8e, 0x8b, 0xf3, 0x6d, 0xc5, 0x45,
    0x37, 0x15, 0xbe, 0x32, 0x10, 0x47, 0xfd, 0xdb, 0x46, 0x6c, 0x07, 0x18,
    0xba, 0x32, 0xb3, 0x17, 0xe2, 0x29, 0x15, 0x59, 0x1b, 0x7b, 0xa1, 0xc3,
    0x9b, 0xa8, 0xac, 0x79, 0xa3, 0x53, 0x30, 0x51, 0x30, 0x1d, 0x06, 0x03,
    0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0xb6, 0xc4, 0xa5, 0xdc, 0x2d,
    0x26, 0x15, 0x53, 0xc0, 0x69, 0xcf, 0x3e, 0x81, 0x89, 0x8e, 0x0f, 0xd8,
    0x03, 0x75, 0x6a, 0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18,
    0x30, 0x16, 0x80, 0x14, 0xb6, 0xc4, 0xa5, 0xdc, 0x2d, 0x26, 0x15, 0x53,
    0xc0, 0x69, 0xcf, 0x3e, 0x81, 0x89, 0x8e, 0x0f, 0xd8, 0x03, 0x75, 0x6a,
    0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05,
    0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
    0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x48, 0x00, 0x30, 0x45, 0x02, 0x20,
    0x50, 0x75, 0x60, 0x66, 0xbc, 0xd1, 0x0e, 0xf9, 0xa8, 0x42, 0xc5, 0x3f,
    0x23, 0x82, 0x33, 0x0f, 0x5f, 0x8b, 0x9a, 0xd8, 0xff, 0xd6, 0xa1, 0x96,
    0x31, 0x5e, 0xeb, 0xae, 0x72, 0xec, 0xfb, 0x56, 0x02, 0x21, 0x00, 0xec,
    0xc9, 0xbd, 0x65, 0xda, 0x80, 0xfb, 0x22, 0xf7, 0xb5, 0xa1, 0xdb, 0x95,
    0xed, 0x5b, 0x14, 0x66, 0x2b, 0xc4, 0xb9, 0xf4, 0xdb, 0xb5, 0x86, 0xc1,
    0x47, 0x06, 0xc8, 0x3f, 0x11, 0xee, 0x4e,
};

static uint8_t rsa_cert[RSA_CERT_LEN];

static int
setup(void **state)
{
	(void)state;
	memcpy(rsa_cert, rdp_to_ssl_server_flight + RSA_CERT_AT,
	       sizeof(rsa_cert));
	return 0;
}

static void
nonce_a0(uint8_t nonce[RDD_CREDSSP_NONCE_LEN])
{
	size_t i;

	for (i = 0; i < RDD_CREDSSP_NONCE_LEN; i++)
		nonce[i] = (uint8_t)(0xa0 + i);
}

/* --- TSCredentials ------------------------------------------------------- */

static void
test_tscredentials(void **state)
{
	uint8_t out[600];
	struct rdd_buf b;
	size_t cap;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_tscredentials_password(&b, "", "alice", "Passw0rd!"), 0);
	assert_int_equal(b.len, sizeof(alice_creds));
	assert_memory_equal(out, alice_creds, sizeof(alice_creds));
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tscredentials_password(&b, "", "", ""), 0);
	assert_int_equal(b.len, sizeof(empty_creds));
	assert_memory_equal(out, empty_creds, sizeof(empty_creds));
	/* Every buffer too small fails with the error flag. */
	for (cap = 0; cap < sizeof(alice_creds); cap++) {
		rdd_buf_init(&b, out, cap);
		assert_int_equal(
		    rdd_tscredentials_password(&b, "", "alice", "Passw0rd!"),
		    -1);
		assert_true(b.err);
	}
	/* Invalid UTF-8, a NULL string. */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tscredentials_password(&b, "\xc0\x80", "u", "p"),
	                 -1);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tscredentials_password(&b, "", "u", NULL), -1);
}

/* A TSCredentials with long strings, read back field by field: long-form
 * DER lengths, the strings in order, non-ASCII as UTF-16LE. */
static void
test_tscredentials_long(void **state)
{
	char pw[201];
	uint8_t out[600];
	struct rdd_buf b;
	struct rdd_cur c, seq, f, o, creds, s;
	int64_t type;

	(void)state;
	memset(pw, 'x', 200);
	pw[200] = '\0';
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tscredentials_password(&b, "LAB", "b\xc3\xb6", pw),
	                 0);
	rdd_cur_init(&c, out, b.len);
	assert_int_equal(rdd_der_get(&c, RDD_DER_SEQUENCE, &seq), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(rdd_der_get(&seq, RDD_DER_CTX(0), &f), 0);
	assert_int_equal(rdd_der_get_int(&f, RDD_DER_INTEGER, &type), 0);
	assert_int_equal(type, 1);
	assert_int_equal(rdd_der_get(&seq, RDD_DER_CTX(1), &f), 0);
	assert_int_equal(rdd_der_get(&f, RDD_DER_OCTET_STRING, &o), 0);
	assert_int_equal(rdd_der_get(&o, RDD_DER_SEQUENCE, &creds), 0);
	assert_int_equal(rdd_der_get(&creds, RDD_DER_CTX(0), &f), 0);
	assert_int_equal(rdd_der_get(&f, RDD_DER_OCTET_STRING, &s), 0);
	assert_int_equal(s.len, 6);
	assert_memory_equal(s.p, "L\0A\0B\0", 6);
	assert_int_equal(rdd_der_get(&creds, RDD_DER_CTX(1), &f), 0);
	assert_int_equal(rdd_der_get(&f, RDD_DER_OCTET_STRING, &s), 0);
	assert_int_equal(s.len, 4);
	assert_memory_equal(s.p, "b\0\xf6\0", 4);
	assert_int_equal(rdd_der_get(&creds, RDD_DER_CTX(2), &f), 0);
	assert_int_equal(rdd_der_get(&f, RDD_DER_OCTET_STRING, &s), 0);
	assert_int_equal(s.len, 400);
	assert_int_equal(s.p[398], 'x');
	assert_int_equal(rdd_cur_left(&creds), 0);
	assert_int_equal(rdd_cur_left(&seq), 0);
}

/* --- TSRequest ------------------------------------------------------------ */

static void
test_tsrequest_bytes(void **state)
{
	/* Hand-encoded: version 6, negoToken "AB", pubKeyAuth "XYZ",
	 * clientNonce a0..bf. */
	static const uint8_t head[] = {
	    0x30, 0x3c, 0xa0, 0x03, 0x02, 0x01, 0x06, 0xa1, 0x0a, 0x30,
	    0x08, 0x30, 0x06, 0xa0, 0x04, 0x04, 0x02, 'A',  'B',  0xa3,
	    0x05, 0x04, 0x03, 'X',  'Y',  'Z',  0xa5, 0x22, 0x04, 0x20};
	uint8_t nonce[32], out[128], out2[128];
	struct rdd_tsrequest_out m;
	struct rdd_buf b, b2;
	size_t cap;

	(void)state;
	nonce_a0(nonce);
	memset(&m, 0, sizeof(m));
	m.version = 6;
	m.token = (const uint8_t *)"AB";
	m.token_len = 2;
	m.pub_key_auth = (const uint8_t *)"XYZ";
	m.pub_key_auth_len = 3;
	m.client_nonce = nonce;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tsrequest_build_out(&b, &m), 0);
	assert_int_equal(b.len, sizeof(head) + 32);
	assert_memory_equal(out, head, sizeof(head));
	assert_memory_equal(out + sizeof(head), nonce, 32);
	for (cap = 0; cap < sizeof(head) + 32; cap++) {
		rdd_buf_init(&b, out, cap);
		assert_int_equal(rdd_tsrequest_build_out(&b, &m), -1);
		assert_true(b.err);
	}
	/* Version and token only: the same bytes as rdd_tsrequest_build(). */
	m.pub_key_auth = NULL;
	m.client_nonce = NULL;
	m.version = 0x60;
	rdd_buf_init(&b, out, sizeof(out));
	rdd_buf_init(&b2, out2, sizeof(out2));
	assert_int_equal(rdd_tsrequest_build_out(&b, &m), 0);
	assert_int_equal(rdd_tsrequest_build(&b2, 0x60, m.token, 2), 0);
	assert_int_equal(b.len, b2.len);
	assert_memory_equal(out, out2, b.len);
	/* A field of more than RDD_TSREQUEST_MAX is refused. */
	m.auth_info = out2;
	m.auth_info_len = RDD_TSREQUEST_MAX + 1;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tsrequest_build_out(&b, &m), -1);
	assert_true(b.err);
}

/* Build M, parse it back and compare every field. */
static void
round_trip(const struct rdd_tsrequest_out *m)
{
	static uint8_t out[4096];
	struct rdd_tsrequest r;
	struct rdd_buf b;
	struct rdd_cur c;
	size_t pdu;

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_tsrequest_build_out(&b, m), 0);
	assert_int_equal(rdd_tsrequest_frame(out, b.len, &pdu), RDD_TSREQ_OK);
	assert_int_equal(pdu, b.len);
	rdd_cur_init(&c, out, b.len);
	assert_int_equal(rdd_tsrequest_parse(&c, &r), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	assert_int_equal(r.version, m->version);
	assert_int_equal(r.n_tokens, m->token != NULL ? 1 : 0);
	assert_int_equal(r.token.len, m->token != NULL ? m->token_len : 0);
	if (m->token_len > 0 && m->token != NULL)
		assert_memory_equal(r.token.p, m->token, m->token_len);
	assert_int_equal(r.has_auth_info, m->auth_info != NULL);
	assert_int_equal(r.has_pub_key_auth, m->pub_key_auth != NULL);
	assert_int_equal(r.pub_key_auth.len,
	                 m->pub_key_auth != NULL ? m->pub_key_auth_len : 0);
	if (m->pub_key_auth != NULL && m->pub_key_auth_len > 0)
		assert_memory_equal(r.pub_key_auth.p, m->pub_key_auth,
		                    m->pub_key_auth_len);
	assert_false(r.has_error_code);
	assert_int_equal(r.has_client_nonce, m->client_nonce != NULL);
	assert_int_equal(r.client_nonce.len,
	                 m->client_nonce != NULL ? RDD_CREDSSP_NONCE_LEN : 0);
	if (m->client_nonce != NULL)
		assert_memory_equal(r.client_nonce.p, m->client_nonce,
		                    RDD_CREDSSP_NONCE_LEN);
}

static void
test_tsrequest_round_trips(void **state)
{
	uint8_t nonce[32], auth[318], pka[48], info[69], big[1000];
	struct rdd_tsrequest_out m;
	size_t i;

	(void)state;
	nonce_a0(nonce);
	for (i = 0; i < sizeof(auth); i++)
		auth[i] = (uint8_t)i;
	memset(pka, 0x3a, sizeof(pka));
	memset(info, 0x69, sizeof(info));
	memset(big, 0xbb, sizeof(big));
	/* The client's messages 1, 3 and 5 (session.md C.1), sizes from the
	 * lab's transcript. */
	memset(&m, 0, sizeof(m));
	m.version = 6;
	m.token = auth;
	m.token_len = 40;
	round_trip(&m);
	m.client_nonce = nonce;
	round_trip(&m);
	m.token_len = sizeof(auth);
	m.pub_key_auth = pka;
	m.pub_key_auth_len = sizeof(pka);
	round_trip(&m);
	memset(&m, 0, sizeof(m));
	m.version = 6;
	m.auth_info = info;
	m.auth_info_len = sizeof(info);
	round_trip(&m);
	/* Version 2, a 286-byte echo (16 + 270), no nonce; long lengths. */
	m.version = 2;
	m.auth_info = NULL;
	m.token = big;
	m.token_len = sizeof(big);
	m.pub_key_auth = big;
	m.pub_key_auth_len = 286;
	round_trip(&m);
	/* Everything at once, and empty fields that are present. */
	m.auth_info = big;
	m.auth_info_len = 0;
	m.token_len = 0;
	m.pub_key_auth_len = 0;
	m.client_nonce = nonce;
	round_trip(&m);
	/* Version alone; a large version number. */
	memset(&m, 0, sizeof(m));
	round_trip(&m);
	m.version = 0x7fffffff;
	round_trip(&m);
}

/* --- SubjectPublicKey ------------------------------------------------------ */

/* What FreeRDP computes: i2d_PublicKey(X509_get0_pubkey(cert)). */
static size_t
openssl_public_key(const uint8_t *cert, size_t len, uint8_t *out, size_t cap)
{
	const unsigned char *p = cert;
	unsigned char *q = NULL;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	EVP_PKEY *k;
	int n;

	assert_non_null(x);
	k = X509_get0_pubkey(x);
	assert_non_null(k);
	n = i2d_PublicKey(k, &q);
	assert_true(n > 0 && (size_t)n <= cap);
	memcpy(out, q, (size_t)n);
	OPENSSL_free(q);
	X509_free(x);
	return (size_t)n;
}

static void
test_spk_rsa(void **state)
{
	uint8_t spk[RDD_CREDSSP_SPK_MAX], ossl[RDD_CREDSSP_SPK_MAX], h[32];
	struct rdd_iov part = {spk, RSA_SPK_LEN};
	size_t n;

	(void)state;
	n = rdd_credssp_spk(rsa_cert, sizeof(rsa_cert), spk, sizeof(spk));
	assert_int_equal(n, RSA_SPK_LEN);
	assert_memory_equal(spk, rsa_spk_head, sizeof(rsa_spk_head));
	assert_memory_equal(spk, rsa_cert + 182, RSA_SPK_LEN);
	assert_int_equal(rdd_sha256(h, &part, 1), 0);
	assert_memory_equal(h, rsa_spk_sha256, 32);
	/* For RSA the BIT STRING's contents are the DER RSAPublicKey, what
	 * i2d_PublicKey() writes. */
	assert_int_equal(
	    openssl_public_key(rsa_cert, sizeof(rsa_cert), ossl, sizeof(ossl)),
	    RSA_SPK_LEN);
	assert_memory_equal(ossl, spk, RSA_SPK_LEN);
	/* Exactly the room it needs, and one byte less. */
	assert_int_equal(
	    rdd_credssp_spk(rsa_cert, sizeof(rsa_cert), spk, RSA_SPK_LEN),
	    RSA_SPK_LEN);
	assert_int_equal(
	    rdd_credssp_spk(rsa_cert, sizeof(rsa_cert), spk, RSA_SPK_LEN - 1),
	    0);
}

static void
test_spk_ec(void **state)
{
	uint8_t spk[RDD_CREDSSP_SPK_MAX], ossl[RDD_CREDSSP_SPK_MAX];
	size_t n;

	(void)state;
	n = rdd_credssp_spk(ec_cert, sizeof(ec_cert), spk, sizeof(spk));
	assert_int_equal(n, sizeof(want_spk_ec));
	assert_memory_equal(spk, want_spk_ec, sizeof(want_spk_ec));
	assert_int_equal(spk[0], 0x04); /* an uncompressed point */
	/* OpenSSL writes the same point for an EC key. */
	assert_int_equal(
	    openssl_public_key(ec_cert, sizeof(ec_cert), ossl, sizeof(ossl)),
	    n);
	assert_memory_equal(ossl, spk, n);
}

static void
test_spk_bad(void **state)
{
	uint8_t spk[RDD_CREDSSP_SPK_MAX];
	uint8_t *longer;
	size_t cut;

	(void)state;
	/* Every truncation of the certificate. */
	for (cut = 0; cut < sizeof(rsa_cert); cut++) {
		uint8_t *p = malloc(cut > 0 ? cut : 1);

		assert_non_null(p);
		memcpy(p, rsa_cert, cut);
		assert_int_equal(rdd_credssp_spk(p, cut, spk, sizeof(spk)), 0);
		free(p);
	}
	/* A byte after it: not one certificate. */
	longer = malloc(sizeof(rsa_cert) + 1);
	assert_non_null(longer);
	memcpy(longer, rsa_cert, sizeof(rsa_cert));
	longer[sizeof(rsa_cert)] = 0;
	assert_int_equal(
	    rdd_credssp_spk(longer, sizeof(rsa_cert) + 1, spk, sizeof(spk)), 0);
	free(longer);
	/* Not a certificate; NULLs. */
	assert_int_equal(
	    rdd_credssp_spk(alice_creds, sizeof(alice_creds), spk, sizeof(spk)),
	    0);
	assert_int_equal(rdd_credssp_spk(NULL, 10, spk, sizeof(spk)), 0);
	assert_int_equal(
	    rdd_credssp_spk(rsa_cert, sizeof(rsa_cert), NULL, sizeof(spk)), 0);
}

/* --- the binding ----------------------------------------------------------- */

static void
test_binding_echo(void **state)
{
	uint8_t spk[RDD_CREDSSP_SPK_MAX], out[RDD_CREDSSP_SPK_MAX], nonce[32];
	uint8_t plus[RDD_CREDSSP_SPK_MAX];
	static const uint8_t carry[3] = {0xff, 0xff, 0x01};
	static const uint8_t carry_plus[3] = {0x00, 0x00, 0x02};
	uint32_t v;
	size_t n;

	(void)state;
	nonce_a0(nonce);
	n = rdd_credssp_spk(rsa_cert, sizeof(rsa_cert), spk, sizeof(spk));
	assert_int_equal(n, RSA_SPK_LEN);
	memcpy(plus, spk, n);
	plus[0]++; /* 0x30 -> 0x31 */
	assert_int_equal(plus[0], 0x31);
	for (v = 2; v <= 4; v++) {
		/* The client sends the SPK itself; the nonce is not used. */
		assert_int_equal(
		    rdd_credssp_client_binding(v, NULL, spk, n, out), n);
		assert_memory_equal(out, spk, n);
		assert_int_equal(
		    rdd_credssp_client_binding(v, nonce, spk, n, out), n);
		assert_true(
		    rdd_credssp_server_binding_ok(v, NULL, spk, n, plus, n));
		/* The SPK unchanged (a mere echo), cut, or a byte off. */
		assert_false(
		    rdd_credssp_server_binding_ok(v, NULL, spk, n, spk, n));
		assert_false(rdd_credssp_server_binding_ok(v, NULL, spk, n,
		                                           plus, n - 1));
		plus[n - 1] ^= 1;
		assert_false(
		    rdd_credssp_server_binding_ok(v, NULL, spk, n, plus, n));
		plus[n - 1] ^= 1;
		/* A version-5 hash is not an echo. */
		assert_false(rdd_credssp_server_binding_ok(
		    v, nonce, spk, n, want_s2c_rsa, sizeof(want_s2c_rsa)));
	}
	/* Plus one as a little-endian number: the carry runs on. */
	assert_true(
	    rdd_credssp_server_binding_ok(3, NULL, carry, 3, carry_plus, 3));
	assert_false(
	    rdd_credssp_server_binding_ok(3, NULL, carry, 3, carry, 3));
	/* No SPK, or one too long. */
	assert_int_equal(rdd_credssp_client_binding(2, NULL, spk, 0, out), 0);
	assert_int_equal(rdd_credssp_client_binding(
	                     2, NULL, spk, RDD_CREDSSP_SPK_MAX + 1, out),
	                 0);
	assert_false(rdd_credssp_server_binding_ok(2, NULL, spk, 0, plus, 0));
}

static void
test_binding_hash(void **state)
{
	uint8_t spk[RDD_CREDSSP_SPK_MAX], out[RDD_CREDSSP_SPK_MAX], nonce[32];
	uint8_t s2c[32];
	uint32_t v;
	size_t n;

	(void)state;
	nonce_a0(nonce);
	n = rdd_credssp_spk(rsa_cert, sizeof(rsa_cert), spk, sizeof(spk));
	assert_int_equal(n, RSA_SPK_LEN);
	for (v = 5; v <= 6; v++) {
		assert_int_equal(
		    rdd_credssp_client_binding(v, nonce, spk, n, out), 32);
		assert_memory_equal(out, want_c2s_rsa, 32);
		assert_true(rdd_credssp_server_binding_ok(
		    v, nonce, spk, n, want_s2c_rsa, sizeof(want_s2c_rsa)));
		/* The client's own hash is not the server's. */
		assert_false(rdd_credssp_server_binding_ok(
		    v, nonce, spk, n, want_c2s_rsa, sizeof(want_c2s_rsa)));
		/* Another nonce, a flipped byte, a cut, an echo, no nonce. */
		memcpy(s2c, want_s2c_rsa, 32);
		nonce[31] ^= 1;
		assert_false(
		    rdd_credssp_server_binding_ok(v, nonce, spk, n, s2c, 32));
		nonce[31] ^= 1;
		s2c[0] ^= 0x80;
		assert_false(
		    rdd_credssp_server_binding_ok(v, nonce, spk, n, s2c, 32));
		assert_false(rdd_credssp_server_binding_ok(v, nonce, spk, n,
		                                           want_s2c_rsa, 31));
		spk[0]++;
		assert_false(
		    rdd_credssp_server_binding_ok(v, nonce, spk, n, spk, n));
		spk[0]--;
		assert_false(rdd_credssp_server_binding_ok(
		    v, NULL, spk, n, want_s2c_rsa, sizeof(want_s2c_rsa)));
		assert_int_equal(
		    rdd_credssp_client_binding(v, NULL, spk, n, out), 0);
	}
	/* Another key, another hash; later versions hash too. */
	assert_int_equal(rdd_credssp_client_binding(6, nonce, want_spk_ec,
	                                            sizeof(want_spk_ec), out),
	                 32);
	assert_memory_equal(out, want_c2s_ec, 32);
	assert_int_equal(rdd_credssp_client_binding(7, nonce, spk, n, out), 32);
	assert_memory_equal(out, want_c2s_rsa, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tscredentials),
	    cmocka_unit_test(test_tscredentials_long),
	    cmocka_unit_test(test_tsrequest_bytes),
	    cmocka_unit_test(test_tsrequest_round_trips),
	    cmocka_unit_test(test_spk_rsa),
	    cmocka_unit_test(test_spk_ec),
	    cmocka_unit_test(test_spk_bad),
	    cmocka_unit_test(test_binding_echo),
	    cmocka_unit_test(test_binding_hash),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
