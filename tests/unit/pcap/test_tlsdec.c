/*
 * test_tlsdec.c - lib/pcap/tlsdec.c and keylog.c: real TLS connections
 * made in memory with OpenSSL (a client and a server over BIO pairs), for
 * TLS 1.3 (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305, with a KeyUpdate)
 * and TLS 1.2 (AES-GCM, ChaCha20-Poly1305, CBC with SHA-1, SHA-256 and
 * SHA-384, with and without encrypt-then-MAC) and TLS 1.0 (CBC, the IV
 * chained from record to record); OpenSSL's key log callback writes the
 * NSS key log a browser would, and every record each side wrote is
 * decrypted from it: the handshake's Finished and the application data
 * must come out as sent. Then what must fail: no key for the connection,
 * a record changed by one bit, a key log line that is cut or wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "pcap/keylog.h"
#include "pcap/tlsdec.h"

#define TRANSCRIPT_MAX (256 * 1024)

struct transcript {
	uint8_t b[2][TRANSCRIPT_MAX]; /* [0] what the client wrote */
	size_t n[2];
	char keys[8192];
	size_t nkeys;
};

static struct transcript *tr_now; /* for the key log callback */

static void
keylog_cb(const SSL *ssl, const char *line)
{
	size_t n = strlen(line);

	(void)ssl;
	if (tr_now != NULL && n + 1 < sizeof(tr_now->keys) - tr_now->nkeys) {
		memcpy(tr_now->keys + tr_now->nkeys, line, n);
		tr_now->nkeys += n;
		tr_now->keys[tr_now->nkeys++] = '\n';
		tr_now->keys[tr_now->nkeys] = '\0';
	}
}

/* A self-signed P-256 certificate and its key. */
static void
make_cert(EVP_PKEY **key, X509 **cert)
{
	X509_NAME *name;

	*key = EVP_EC_gen("P-256");
	assert_non_null(*key);
	*cert = X509_new();
	assert_non_null(*cert);
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(*cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(*cert), 3600);
	X509_set_pubkey(*cert, *key);
	name = X509_get_subject_name(*cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	                           (const unsigned char *)"tlsdec.test", -1, -1,
	                           0);
	X509_set_issuer_name(*cert, name);
	assert_true(X509_sign(*cert, *key, EVP_sha256()) > 0);
}

/* Move what SRC wrote to DST's input, keeping a copy in T->b[SIDE]. */
static void
move(BIO *src_out, BIO *dst_in, struct transcript *t, int side)
{
	uint8_t buf[16384];
	int n;

	while ((n = BIO_read(src_out, buf, sizeof(buf))) > 0) {
		assert_true((size_t)n <= TRANSCRIPT_MAX - t->n[side]);
		memcpy(t->b[side] + t->n[side], buf, (size_t)n);
		t->n[side] += (size_t)n;
		assert_int_equal(BIO_write(dst_in, buf, n), n);
	}
}

struct pair {
	SSL_CTX *cctx, *sctx;
	SSL *c, *s;
	BIO *c_in, *c_out, *s_in, *s_out;
};

static void
pump(struct pair *p, struct transcript *t)
{
	move(p->c_out, p->s_in, t, 0);
	move(p->s_out, p->c_in, t, 1);
}

/* Connect a client and a server with VERSION (both ends) and CIPHERS
 * (TLS 1.2 list, or TLS 1.3 suites when VERSION is 1.3); ETM false turns
 * encrypt-then-MAC off. */
static void
connect_pair(struct pair *p, struct transcript *t, int version,
             const char *ciphers, bool etm)
{
	EVP_PKEY *key;
	X509 *cert;
	int i, rc, rs;

	memset(p, 0, sizeof(*p));
	make_cert(&key, &cert);
	p->cctx = SSL_CTX_new(TLS_client_method());
	p->sctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(p->cctx);
	assert_non_null(p->sctx);
	SSL_CTX_set_security_level(p->cctx, 0);
	SSL_CTX_set_security_level(p->sctx, 0);
	SSL_CTX_set_min_proto_version(p->cctx, version);
	SSL_CTX_set_max_proto_version(p->cctx, version);
	SSL_CTX_set_min_proto_version(p->sctx, version);
	SSL_CTX_set_max_proto_version(p->sctx, version);
	if (version == TLS1_3_VERSION) {
		assert_int_equal(SSL_CTX_set_ciphersuites(p->cctx, ciphers), 1);
		assert_int_equal(SSL_CTX_set_ciphersuites(p->sctx, ciphers), 1);
	} else {
		assert_int_equal(SSL_CTX_set_cipher_list(p->cctx, ciphers), 1);
		assert_int_equal(SSL_CTX_set_cipher_list(p->sctx, ciphers), 1);
	}
	if (!etm)
		SSL_CTX_set_options(p->cctx, SSL_OP_NO_ENCRYPT_THEN_MAC);
	SSL_CTX_set_options(p->sctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_keylog_callback(p->cctx, keylog_cb);
	assert_int_equal(SSL_CTX_use_certificate(p->sctx, cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(p->sctx, key), 1);
	X509_free(cert);
	EVP_PKEY_free(key);
	p->c = SSL_new(p->cctx);
	p->s = SSL_new(p->sctx);
	p->c_in = BIO_new(BIO_s_mem());
	p->c_out = BIO_new(BIO_s_mem());
	p->s_in = BIO_new(BIO_s_mem());
	p->s_out = BIO_new(BIO_s_mem());
	SSL_set_bio(p->c, p->c_in, p->c_out);
	SSL_set_bio(p->s, p->s_in, p->s_out);
	SSL_set_connect_state(p->c);
	SSL_set_accept_state(p->s);
	tr_now = t;
	for (i = 0; i < 20; i++) {
		rc = SSL_do_handshake(p->c);
		rs = SSL_do_handshake(p->s);
		pump(p, t);
		if (rc == 1 && rs == 1)
			break;
	}
	assert_int_equal(rc, 1);
	assert_int_equal(rs, 1);
}

static void
send_both(struct pair *p, struct transcript *t, const char *c, const char *s)
{
	uint8_t buf[256];

	assert_int_equal(SSL_write(p->c, c, (int)strlen(c)), (int)strlen(c));
	assert_int_equal(SSL_write(p->s, s, (int)strlen(s)), (int)strlen(s));
	pump(p, t);
	assert_int_equal(SSL_read(p->s, buf, sizeof(buf)), (int)strlen(c));
	assert_int_equal(SSL_read(p->c, buf, sizeof(buf)), (int)strlen(s));
	pump(p, t);
}

static void
free_pair(struct pair *p)
{
	SSL_free(p->c);
	SSL_free(p->s);
	SSL_CTX_free(p->cctx);
	SSL_CTX_free(p->sctx);
	tr_now = NULL;
}

/* What decrypting one side's records gave. */
struct seen {
	char app[1024];
	size_t napp;
	unsigned finished;
	unsigned key_updates;
	unsigned errors;
};

/* The handshake messages of a decrypted record: Finished (20) moves TLS
 * 1.3 to the application keys, KeyUpdate (24) to the next ones. */
static void
messages(struct rdd_tlsdec *d, int side, bool tls13, const uint8_t *p, size_t n,
         struct seen *s)
{
	size_t off = 0, len;

	while (n - off >= 4) {
		len = (size_t)p[off + 1] << 16 | (size_t)p[off + 2] << 8 |
		      p[off + 3];
		if (len > n - off - 4)
			break;
		if (p[off] == 20) {
			s->finished++;
			if (tls13)
				assert_int_equal(rdd_tlsdec_tls13_app(d, side),
				                 0);
		} else if (p[off] == 24 && tls13) {
			s->key_updates++;
			assert_int_equal(rdd_tlsdec_tls13_update(d, side), 0);
		}
		off += 4 + len;
	}
}

/* Decrypt every record of SIDE from the transcript. */
static void
decrypt_side(struct rdd_tlsdec *d, const struct transcript *t, int side,
             bool tls13, struct seen *s)
{
	const uint8_t *b = t->b[side];
	uint8_t *plain = malloc(RDD_TLS_RECORD_MAX);
	size_t off = 0, len, n;
	uint8_t inner;

	assert_non_null(plain);
	memset(s, 0, sizeof(*s));
	while (t->n[side] - off >= 5) {
		uint8_t type = b[off];
		uint16_t ver = (uint16_t)(b[off + 1] << 8 | b[off + 2]);

		len = (size_t)b[off + 3] << 8 | b[off + 4];
		assert_true(len <= t->n[side] - off - 5);
		if (type == 20) {
			rdd_tlsdec_ccs(d, side);
		} else if (rdd_tlsdec_active(d, side) &&
		           !(tls13 &&
		             type == 22)) { /* 1.3's hellos are clear */
			if (rdd_tlsdec_open(d, side, type, ver, b + off + 5,
			                    len, plain, &n, &inner) != 0) {
				s->errors++;
			} else if (inner == 23) {
				assert_true(n <= sizeof(s->app) - s->napp);
				memcpy(s->app + s->napp, plain, n);
				s->napp += n;
			} else if (inner == 22) {
				messages(d, side, tls13, plain, n, s);
			}
		}
		off += 5 + len;
	}
	free(plain);
}

static struct rdd_keylog *
keylog_of(const struct transcript *t)
{
	FILE *f = fmemopen((void *)t->keys, t->nkeys, "r");
	struct rdd_keylog *kl;
	char err[128];

	assert_non_null(f);
	kl = rdd_keylog_read(f, NULL, err, sizeof(err));
	fclose(f);
	assert_non_null(kl);
	return kl;
}

/* One connection: VERSION, CIPHERS, ETM; the suite OpenSSL picked must
 * be SUITE; then both sides' records decrypt. */
static void
round_trip(int version, const char *ciphers, bool etm, uint16_t suite)
{
	struct transcript *t = calloc(1, sizeof(*t));
	struct pair p;
	struct rdd_keylog *kl;
	struct rdd_tlsdec *d;
	struct seen cs, ss;
	uint8_t cr[32], sr[32];
	char why[256];
	bool tls13 = version == TLS1_3_VERSION;

	assert_non_null(t);
	connect_pair(&p, t, version, ciphers, etm);
	assert_int_equal(
	    SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(p.c)), suite);
	send_both(&p, t, "the client's first words", "the server's answer");
	if (tls13) {
		assert_int_equal(SSL_key_update(p.c, SSL_KEY_UPDATE_REQUESTED),
		                 1);
		send_both(&p, t, " and after a key update",
		          " and the server's after it");
	} else {
		send_both(&p, t, " and more", " and more from the server");
	}
	SSL_get_client_random(p.c, cr, sizeof(cr));
	SSL_get_server_random(p.c, sr, sizeof(sr));
	kl = keylog_of(t);
	d = rdd_tlsdec_new(kl, (uint16_t)version, suite, cr, sr, why,
	                   sizeof(why));
	assert_non_null(d);
	decrypt_side(d, t, 0, tls13, &cs);
	decrypt_side(d, t, 1, tls13, &ss);
	assert_int_equal(cs.errors, 0);
	assert_int_equal(ss.errors, 0);
	assert_int_equal(cs.finished, 1);
	assert_int_equal(ss.finished, 1);
	if (tls13) {
		assert_int_equal(cs.key_updates, 1);
		/* The server answers a requested update with its own, on
		 * its next write (if any). */
		assert_true(ss.key_updates <= 1);
		assert_int_equal(cs.napp, strlen("the client's first words and "
		                                 "after a key update"));
		assert_memory_equal(cs.app,
		                    "the client's first words and after a key "
		                    "update",
		                    cs.napp);
		assert_memory_equal(
		    ss.app,
		    "the server's answer and the server's after "
		    "it",
		    ss.napp);
	} else {
		assert_int_equal(cs.napp,
		                 strlen("the client's first words and more"));
		assert_memory_equal(cs.app, "the client's first words and more",
		                    cs.napp);
		assert_memory_equal(ss.app,
		                    "the server's answer and more from the "
		                    "server",
		                    ss.napp);
	}
	rdd_tlsdec_free(d);
	rdd_keylog_free(kl);
	free_pair(&p);
	free(t);
}

static void
test_tls13(void **state)
{
	(void)state;
	round_trip(TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", true, 0x1301);
	round_trip(TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384", true, 0x1302);
	round_trip(TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256", true,
	           0x1303);
}

static void
test_tls12_aead(void **state)
{
	(void)state;
	round_trip(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256", true,
	           0xC02B);
	round_trip(TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384", true,
	           0xC02C);
	round_trip(TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305", true,
	           0xCCA9);
}

static void
test_tls12_cbc(void **state)
{
	(void)state;
	/* OpenSSL negotiates encrypt-then-MAC (RFC 7366) when both ask. */
	round_trip(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA", true, 0xC009);
	round_trip(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA", false, 0xC009);
	round_trip(TLS1_2_VERSION, "ECDHE-ECDSA-AES256-SHA", false, 0xC00A);
	round_trip(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA256", false, 0xC023);
	round_trip(TLS1_2_VERSION, "ECDHE-ECDSA-AES256-SHA384", true, 0xC024);
}

/* TLS 1.0: the PRF of MD5 and SHA-1, the IV of each record the last
 * ciphertext block of the one before. */
static void
test_tls10_cbc(void **state)
{
	(void)state;
	round_trip(TLS1_VERSION, "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0", false,
	           0xC009);
	round_trip(TLS1_1_VERSION, "ECDHE-ECDSA-AES256-SHA:@SECLEVEL=0", true,
	           0xC00A);
}

/* No key for the connection, a suite not decrypted, a flipped bit. */
static void
test_failures(void **state)
{
	struct transcript *t = calloc(1, sizeof(*t));
	struct pair p;
	struct rdd_keylog *kl;
	struct rdd_tlsdec *d;
	struct seen s;
	uint8_t cr[32], sr[32], other[32] = {1};
	char why[256];
	size_t i;

	(void)state;
	assert_non_null(t);
	connect_pair(&p, t, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256",
	             true);
	send_both(&p, t, "hello", "world");
	SSL_get_client_random(p.c, cr, sizeof(cr));
	SSL_get_server_random(p.c, sr, sizeof(sr));
	kl = keylog_of(t);
	assert_null(
	    rdd_tlsdec_new(kl, 0x0303, 0xC02B, other, sr, why, sizeof(why)));
	assert_non_null(strstr(why, "no CLIENT_RANDOM"));
	assert_null(rdd_tlsdec_new(kl, 0x0303, 0x0005, cr, sr, why,
	                           sizeof(why))); /* RC4-SHA */
	assert_non_null(strstr(why, "0x0005"));
	assert_null(
	    rdd_tlsdec_new(kl, 0x0304, 0x1301, cr, sr, why, sizeof(why)));
	/* One bit of the client's last record flipped: its tag fails. */
	t->b[0][t->n[0] - 1] ^= 1;
	d = rdd_tlsdec_new(kl, 0x0303, 0xC02B, cr, sr, why, sizeof(why));
	assert_non_null(d);
	decrypt_side(d, t, 0, false, &s);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.finished, 1);
	rdd_tlsdec_free(d);
	/* A record shorter than a tag, one too long. */
	d = rdd_tlsdec_new(kl, 0x0303, 0xC02B, cr, sr, why, sizeof(why));
	rdd_tlsdec_ccs(d, 0);
	for (i = 0; i < 24; i++) {
		uint8_t out[RDD_TLS_RECORD_MAX], inner;
		size_t n;

		assert_int_equal(rdd_tlsdec_open(d, 0, 23, 0x0303, t->b[0], i,
		                                 out, &n, &inner),
		                 -1);
	}
	rdd_tlsdec_free(d);
	rdd_keylog_free(kl);
	free_pair(&p);
	free(t);
}

/* The key log: labels, comments, lines that are wrong in each part; a
 * line cut anywhere is skipped, never misread. */
static void
test_keylog(void **state)
{
	static const char good[] =
	    "# SSL/TLS secrets log file, generated by NSS\n"
	    "CLIENT_RANDOM "
	    "0101010101010101010101010101010101010101010101010101010101010101 "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	    "CLIENT_TRAFFIC_SECRET_0 "
	    "0202020202020202020202020202020202020202020202020202020202020202 "
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
	    "EXPORTER_SECRET "
	    "0202020202020202020202020202020202020202020202020202020202020202 "
	    "cccc\n"
	    "CLIENT_RANDOM 0303 dddd\n"
	    "CLIENT_RANDOM "
	    "0404040404040404040404040404040404040404040404040404040404040404 "
	    "ee\n";
	uint8_t r1[32], r2[32], r4[32], secret[RDD_KL_SECRET_MAX];
	struct rdd_keylog *kl;
	size_t len, skipped, cut;
	char err[128];
	FILE *f;

	(void)state;
	memset(r1, 1, 32);
	memset(r2, 2, 32);
	memset(r4, 4, 32);
	f = fmemopen((void *)good, strlen(good), "r");
	kl = rdd_keylog_read(f, &skipped, err, sizeof(err));
	fclose(f);
	assert_non_null(kl);
	assert_int_equal(rdd_keylog_count(kl), 2);
	assert_int_equal(skipped, 3); /* exporter, short random, short
	                                 master secret */
	assert_int_equal(
	    rdd_keylog_find(kl, RDD_KL_CLIENT_RANDOM, r1, secret, &len), 0);
	assert_int_equal(len, 48);
	assert_int_equal(secret[0], 0xaa);
	assert_int_equal(
	    rdd_keylog_find(kl, RDD_KL_CLIENT_TRAFFIC_0, r2, secret, &len), 0);
	assert_int_equal(len, 32);
	assert_int_equal(secret[31], 0xbb);
	assert_int_equal(
	    rdd_keylog_find(kl, RDD_KL_SERVER_TRAFFIC_0, r2, secret, &len), -1);
	assert_int_equal(
	    rdd_keylog_find(kl, RDD_KL_CLIENT_RANDOM, r4, secret, &len), -1);
	rdd_keylog_free(kl);
	/* The first secret line cut at every length short of whole (its
	 * 175 characters): never read as a secret. */
	for (cut = 0; cut < 175; cut++) {
		char buf[512];
		size_t start = strlen("# SSL/TLS secrets log file, generated "
		                      "by NSS\n");

		memcpy(buf, good + start, cut);
		buf[cut] = '\0';
		f = fmemopen(buf, cut + 1, "r");
		kl = rdd_keylog_read(f, NULL, err, sizeof(err));
		fclose(f);
		if (kl == NULL)
			continue;
		assert_int_not_equal(
		    rdd_keylog_find(kl, RDD_KL_CLIENT_RANDOM, r1, secret, &len),
		    0);
		rdd_keylog_free(kl);
	}
	f = fmemopen((void *)"# only a comment\n", 17, "r");
	assert_null(rdd_keylog_read(f, NULL, err, sizeof(err)));
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tls13),     cmocka_unit_test(test_tls12_aead),
	    cmocka_unit_test(test_tls12_cbc), cmocka_unit_test(test_tls10_cbc),
	    cmocka_unit_test(test_failures),  cmocka_unit_test(test_keylog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
