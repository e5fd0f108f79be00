/*
 * test_tls.c - lib/probe/tls.c through a whole probe: the TLS phase
 * against an OpenSSL server running in the test over its own memory BIOs,
 * no sockets. Certificates are made here at run time (RSA 2048 and 1024,
 * EC P-256, Ed25519; self-signed with DNS and IP SANs, expired, CA-signed,
 * SHA-1-signed) with fixed validity dates, so that nothing depends on the
 * clock. Scripted servers cover a fatal alert, a reset and a close after
 * the ClientHello, a stall, and answers that are not TLS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "rdpdoctor/probe.h"
#include "probe/tls.h"

#define T0 1000000u
#define TIMEOUT 5000000u
#define STEP 1000u /* each flight takes 1 ms */

/* Connection Confirm, RDP_NEG_RSP selecting SSL, flags 0x1f. */
static const uint8_t cc_ssl[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x1f, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
};

/* 2024-01-01T00:00:00Z .. 2099-12-31T23:59:59Z, and an expired pair. */
#define NB_VALID "20240101000000Z"
#define NA_VALID "20991231235959Z"
#define NB_VALID_UNIX 1704067200
#define NA_VALID_UNIX 4102444799
#define NB_OLD "20200101000000Z"
#define NA_OLD "20210101000000Z"
#define NB_OLD_UNIX 1577836800
#define NA_OLD_UNIX 1609459200

#define SAN_LIST                                                               \
	"DNS:rdp.example.test,DNS:*.wild.example.test,"                        \
	"IP:192.0.2.7,IP:2001:db8::7"

/* --- keys and certificates --------------------------------------------- */

struct keys {
	EVP_PKEY *rsa2048;
	EVP_PKEY *rsa1024;
	EVP_PKEY *ca_key;
	EVP_PKEY *ec;
	EVP_PKEY *ed25519;
	X509 *ca;
};

static X509 *
make_cert(EVP_PKEY *key, const char *org, const char *cn, const char *nb,
          const char *na, const char *san, X509 *issuer, EVP_PKEY *issuer_key,
          const EVP_MD *md)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *name;
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	assert_int_equal(ASN1_TIME_set_string_X509(X509_getm_notBefore(x), nb),
	                 1);
	assert_int_equal(ASN1_TIME_set_string_X509(X509_getm_notAfter(x), na),
	                 1);
	name = X509_get_subject_name(x);
	if (org != NULL)
		X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
		                           (const unsigned char *)org, -1, -1,
		                           0);
	if (cn != NULL)
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
		                           (const unsigned char *)cn, -1, -1,
		                           0);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer)
	                                       : name);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	if (san != NULL) {
		X509V3_set_ctx_nodb(&ctx);
		X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL,
		               0);
		ext =
		    X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
		assert_non_null(ext);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, issuer_key != NULL ? issuer_key : key, md) >
	            0);
	return x;
}

static EVP_PKEY *
rsa_key(unsigned bits)
{
	EVP_PKEY *k = EVP_RSA_gen(bits);

	assert_non_null(k);
	return k;
}

static struct keys K;

static int
group_setup(void **state)
{
	X509_EXTENSION *ext;

	(void)state;
	K.rsa2048 = rsa_key(2048);
	K.rsa1024 = rsa_key(1024);
	K.ca_key = rsa_key(2048);
	K.ec = EVP_EC_gen("P-256");
	K.ed25519 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (K.ec == NULL || K.ed25519 == NULL)
		return -1;
	K.ca = make_cert(K.ca_key, "Example Test CA", "Example Root CA",
	                 NB_VALID, NA_VALID, NULL, NULL, NULL, EVP_sha256());
	/* A CA for path validation (test_trust): basicConstraints CA:TRUE,
	 * signed again. */
	ext = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints,
	                          "critical,CA:TRUE");
	if (ext == NULL || X509_add_ext(K.ca, ext, -1) != 1 ||
	    X509_sign(K.ca, K.ca_key, EVP_sha256()) <= 0)
		return -1;
	X509_EXTENSION_free(ext);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(K.rsa2048);
	EVP_PKEY_free(K.rsa1024);
	EVP_PKEY_free(K.ca_key);
	EVP_PKEY_free(K.ec);
	EVP_PKEY_free(K.ed25519);
	X509_free(K.ca);
	return 0;
}

/* --- the OpenSSL server ------------------------------------------------- */

struct server {
	SSL_CTX *ctx;
	SSL *ssl;
	BIO *rbio; /* probe to server */
	BIO *wbio; /* server to probe */
};

static void
server_init(struct server *s, X509 *cert, EVP_PKEY *key, int min_version,
            int max_version, const char *ciphers)
{
	memset(s, 0, sizeof(*s));
	s->ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(s->ctx);
	SSL_CTX_set_security_level(s->ctx, 0);
	assert_int_equal(SSL_CTX_set_min_proto_version(s->ctx, min_version), 1);
	assert_int_equal(SSL_CTX_set_max_proto_version(s->ctx, max_version), 1);
	if (ciphers != NULL)
		assert_int_equal(SSL_CTX_set_cipher_list(s->ctx, ciphers), 1);
	assert_int_equal(SSL_CTX_use_certificate(s->ctx, cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(s->ctx, key), 1);
	s->ssl = SSL_new(s->ctx);
	s->rbio = BIO_new(BIO_s_mem());
	s->wbio = BIO_new(BIO_s_mem());
	SSL_set_bio(s->ssl, s->rbio, s->wbio);
	SSL_set_accept_state(s->ssl);
}

static void
server_free(struct server *s)
{
	SSL_free(s->ssl);
	SSL_CTX_free(s->ctx);
	ERR_clear_error();
}

/* --- the probe side ----------------------------------------------------- */

struct trace_log {
	char lines[64][RDD_STR];
	size_t n;
};

static void
collect(void *ctx, const char *label, const char *line)
{
	struct trace_log *t = ctx;

	assert_string_equal(label, "A");
	if (t->n < 64)
		snprintf(t->lines[t->n++], RDD_STR, "%s", line);
}

static bool
traced_prefix(const struct trace_log *t, const char *prefix)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strncmp(t->lines[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

struct run {
	struct rdd_probe_config cfg;
	struct rdd_attempt a;
	struct rdd_tls_info info;
	struct trace_log log;
	struct rdd_probe *p;
	uint64_t now;
	uint64_t cc_at;
	uint8_t hello[4096];
	size_t hello_len;
};

/*
 * Start a probe asking 0x0B with TLS, take its Connection Request, answer
 * with a CC selecting SSL, and keep the ClientHello it then has to send.
 */
/* The trust store of the next handshakes (NULL: trust not checked) and
 * the time it is verified at. */
static X509_STORE *trust_store;
static int64_t trust_at;

static void
run_start(struct run *r, const char *server_name, bool with_info)
{
	const uint8_t *d;
	size_t n;

	memset(r, 0, sizeof(*r));
	snprintf(r->a.label, sizeof(r->a.label), "A");
	r->cfg.requested_protocols = 0x0B;
	r->cfg.tls = true;
	r->cfg.server_name = server_name;
	r->cfg.phase_timeout_us = TIMEOUT;
	r->cfg.t0_us = T0;
	r->cfg.trace = collect;
	r->cfg.trace_ctx = &r->log;
	r->cfg.trust_store = trust_store;
	r->cfg.verify_at = trust_at;
	r->info.cert.name_match = -7; /* must be overwritten */
	r->info.cert.trusted = -7;
	r->p = rdd_probe_new(&r->cfg, &r->a, with_info ? &r->info : NULL);
	assert_non_null(r->p);
	r->now = T0 + STEP;
	rdd_probe_start(r->p, r->now);
	n = rdd_probe_pending(r->p, &d);
	assert_int_equal(n, 19);
	rdd_probe_sent(r->p, n);
	r->now += STEP;
	r->cc_at = r->now;
	rdd_probe_recv(r->p, cc_ssl, sizeof(cc_ssl), r->now);
	assert_int_equal(r->a.x224, RDD_X224_RSP);
	assert_int_equal(r->a.selected, RDD_PROTO_SSL);
	assert_false(rdd_probe_done(r->p));
	assert_int_equal(r->a.tls, RDD_TLS_NOT_RUN);
	assert_int_equal(rdd_probe_deadline(r->p), r->now + TIMEOUT);
	n = rdd_probe_pending(r->p, &d);
	assert_true(n > 40 && n <= sizeof(r->hello));
	assert_int_equal(d[0], 0x16);
	memcpy(r->hello, d, n);
	r->hello_len = n;
	rdd_probe_sent(r->p, n);
	assert_true(traced_prefix(&r->log, "-> TLS ClientHello ("));
}

static void
run_free(struct run *r)
{
	rdd_probe_free(r->p);
	r->p = NULL;
}

/*
 * Shuttle bytes between the probe and the server until the probe is done
 * (the ClientHello is already taken). CHUNK 0 delivers each server flight
 * at once, else in pieces of CHUNK bytes.
 */
static void
shuttle(struct run *r, struct server *s, size_t chunk)
{
	uint8_t buf[16384];
	const uint8_t *d;
	size_t n, off, k;
	int got, i;

	assert_int_equal(BIO_write(s->rbio, r->hello, (int)r->hello_len),
	                 (int)r->hello_len);
	for (i = 0; i < 20 && !rdd_probe_done(r->p); i++) {
		ERR_clear_error();
		(void)SSL_do_handshake(s->ssl);
		ERR_clear_error();
		r->now += STEP;
		while ((got = BIO_read(s->wbio, buf, sizeof(buf))) > 0) {
			for (off = 0; off < (size_t)got; off += k) {
				k = chunk == 0 ? (size_t)got - off : chunk;
				if (k > (size_t)got - off)
					k = (size_t)got - off;
				rdd_probe_recv(r->p, buf + off, k, r->now);
			}
		}
		while ((n = rdd_probe_pending(r->p, &d)) > 0) {
			assert_int_equal(BIO_write(s->rbio, d, (int)n), (int)n);
			rdd_probe_sent(r->p, n);
		}
	}
	assert_true(rdd_probe_done(r->p));
	/* Let the server finish too (TLS 1.3: the client's Finished). */
	ERR_clear_error();
	(void)SSL_do_handshake(s->ssl);
	ERR_clear_error();
}

static void
hex_fingerprint(X509 *x, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	assert_int_equal(X509_digest(x, EVP_sha256(), md, &n), 1);
	assert_int_equal(n, 32);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void
assert_san(const struct rdd_cert *c, const char *want)
{
	size_t i;

	for (i = 0; i < c->n_san; i++)
		if (strcmp(c->san[i], want) == 0)
			return;
	fail_msg("SAN %s not reported", want);
}

/* One full handshake against a server with CERT; returns nothing, the
 * facts are in R. */
static void
handshake(struct run *r, const char *server_name, X509 *cert, EVP_PKEY *key,
          int minv, int maxv, const char *ciphers, size_t chunk)
{
	struct server s;

	server_init(&s, cert, key, minv, maxv, ciphers);
	run_start(r, server_name, true);
	shuttle(r, &s, chunk);
	if (r->a.tls == RDD_TLS_OK)
		assert_int_equal(SSL_is_init_finished(s.ssl), 1);
	server_free(&s);
}

/* --- tests: completed handshakes --------------------------------------- */

static void
test_tls13_self_signed(void **state)
{
	X509 *x =
	    make_cert(K.rsa2048, "Example Org", "rdp.example.test", NB_VALID,
	              NA_VALID, SAN_LIST, NULL, NULL, EVP_sha256());
	struct server s;
	struct run r;
	char fp[65];
	const char *sni;

	(void)state;
	server_init(&s, x, K.rsa2048, 0, 0, NULL);
	run_start(&r, "rdp.example.test", true);
	shuttle(&r, &s, 0);
	assert_int_equal(SSL_is_init_finished(s.ssl), 1);
	sni = SSL_get_servername(s.ssl, TLSEXT_NAMETYPE_host_name);
	assert_non_null(sni);
	assert_string_equal(sni, "rdp.example.test");

	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_string_equal(r.a.tls_detail, "TLSv1.3 TLS_AES_256_GCM_SHA384");
	assert_true(r.a.tls_start_ms == (double)(r.cc_at - T0) / 1000.0);
	assert_true(r.a.tls_ms == (double)(r.now - r.cc_at) / 1000.0);
	assert_true(r.a.tls_ms > 0);
	assert_int_equal(rdd_probe_deadline(r.p), UINT64_MAX);

	assert_true(r.info.present);
	assert_string_equal(r.info.attempt, "A");
	assert_string_equal(r.info.version, "TLSv1.3");
	assert_string_equal(r.info.cipher, "TLS_AES_256_GCM_SHA384");
	assert_true(r.info.cert.present);
	assert_string_equal(r.info.cert.subject,
	                    "CN=rdp.example.test,O=Example Org");
	assert_string_equal(r.info.cert.issuer,
	                    "CN=rdp.example.test,O=Example Org");
	assert_string_equal(r.info.cert.common_name, "rdp.example.test");
	assert_int_equal(r.info.cert.n_san, 4);
	assert_string_equal(r.info.cert.san[0], "DNS:rdp.example.test");
	assert_string_equal(r.info.cert.san[1], "DNS:*.wild.example.test");
	assert_string_equal(r.info.cert.san[2], "IP:192.0.2.7");
	assert_string_equal(r.info.cert.san[3], "IP:2001:db8::7");
	assert_int_equal(r.info.cert.not_before, NB_VALID_UNIX);
	assert_int_equal(r.info.cert.not_after, NA_VALID_UNIX);
	assert_true(r.info.cert.self_signed);
	assert_string_equal(r.info.cert.key_type, "RSA");
	assert_int_equal(r.info.cert.key_bits, 2048);
	assert_string_equal(r.info.cert.signature, "sha256WithRSAEncryption");
	hex_fingerprint(x, fp);
	assert_string_equal(r.info.cert.sha256, fp);
	assert_int_equal(r.info.cert.name_match, 1);
	assert_string_equal(r.info.cert.name_checked, "rdp.example.test");

	assert_true(traced_prefix(&r.log, "<- TLS record handshake, "));
	assert_true(traced_prefix(&r.log, "<- TLS handshake complete: TLSv1.3 "
	                                  "TLS_AES_256_GCM_SHA384"));
	assert_int_equal(ERR_peek_error(), 0);
	run_free(&r);
	server_free(&s);
	X509_free(x);
}

/* The name check: DNS SAN, wildcard, IPv4 and IPv6 SANs, and misses. */
static void
test_name_match(void **state)
{
	static const struct {
		const char *name;
		int match;
		bool sni;
	} cases[] = {
	    {"rdp.example.test", 1, true},  {"RDP.Example.Test", 1, true},
	    {"rdp.example.test.", 1, true}, {"host.wild.example.test", 1, true},
	    {"192.0.2.7", 1, false},        {"2001:db8::7", 1, false},
	    {"[2001:db8::7]", 1, false},    {"other.example.test", 0, true},
	    {"192.0.2.8", 0, false},        {"2001:db8::8", 0, false},
	};
	X509 *x =
	    make_cert(K.rsa2048, "Example Org", "rdp.example.test", NB_VALID,
	              NA_VALID, SAN_LIST, NULL, NULL, EVP_sha256());
	struct server s;
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		server_init(&s, x, K.rsa2048, 0, 0, NULL);
		run_start(&r, cases[i].name, true);
		shuttle(&r, &s, 0);
		assert_int_equal(r.a.tls, RDD_TLS_OK);
		if (r.info.cert.name_match != cases[i].match)
			fail_msg("%s: name_match %d, want %d", cases[i].name,
			         r.info.cert.name_match, cases[i].match);
		assert_string_equal(r.info.cert.name_checked, cases[i].name);
		/* SNI only for host names. */
		assert_int_equal(SSL_get_servername(
		                     s.ssl, TLSEXT_NAMETYPE_host_name) != NULL,
		                 cases[i].sni);
		run_free(&r);
		server_free(&s);
	}
	X509_free(x);
}

/* No server name given: no SNI, name not checked. */
static void
test_no_server_name(void **state)
{
	X509 *x = make_cert(K.rsa2048, NULL, "rdp.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, NULL, EVP_sha256());
	struct run r;

	(void)state;
	handshake(&r, NULL, x, K.rsa2048, 0, 0, NULL, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_int_equal(r.info.cert.name_match, -1);
	assert_string_equal(r.info.cert.name_checked, "");
	assert_int_equal(r.info.cert.n_san, 0);
	run_free(&r);
	X509_free(x);
}

/* No SAN: the host name check falls back to the subject CN. */
static void
test_cn_only(void **state)
{
	X509 *x = make_cert(K.rsa2048, NULL, "WIN2K8R2.awakecoding.ath.cx",
	                    NB_VALID, NA_VALID, NULL, NULL, NULL, EVP_sha256());
	struct run r;

	(void)state;
	handshake(&r, "win2k8r2.awakecoding.ath.cx", x, K.rsa2048, 0, 0, NULL,
	          0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_string_equal(r.info.cert.subject,
	                    "CN=WIN2K8R2.awakecoding.ath.cx");
	assert_string_equal(r.info.cert.common_name,
	                    "WIN2K8R2.awakecoding.ath.cx");
	assert_int_equal(r.info.cert.name_match, 1);
	run_free(&r);
	X509_free(x);
}

static void
test_expired(void **state)
{
	X509 *x =
	    make_cert(K.rsa2048, "Example Org", "old.example.test", NB_OLD,
	              NA_OLD, "DNS:old.example.test", NULL, NULL, EVP_sha256());
	struct run r;

	(void)state;
	handshake(&r, "old.example.test", x, K.rsa2048, 0, 0, NULL, 0);
	/* Reported, not refused. */
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_int_equal(r.info.cert.not_before, NB_OLD_UNIX);
	assert_int_equal(r.info.cert.not_after, NA_OLD_UNIX);
	assert_true(r.info.cert.self_signed);
	assert_int_equal(r.info.cert.name_match, 1);
	run_free(&r);
	X509_free(x);
}

static void
test_ca_signed(void **state)
{
	X509 *x = make_cert(K.rsa2048, "Example Org", "rdp.example.test",
	                    NB_VALID, NA_VALID, "DNS:rdp.example.test", K.ca,
	                    K.ca_key, EVP_sha384());
	struct run r;

	(void)state;
	handshake(&r, "rdp.example.test", x, K.rsa2048, 0, 0, NULL, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_string_equal(r.info.cert.subject,
	                    "CN=rdp.example.test,O=Example Org");
	assert_string_equal(r.info.cert.issuer,
	                    "CN=Example Root CA,O=Example Test CA");
	assert_false(r.info.cert.self_signed);
	assert_string_equal(r.info.cert.signature, "sha384WithRSAEncryption");
	assert_int_equal(r.info.cert.n_san, 1);
	assert_san(&r.info.cert, "DNS:rdp.example.test");
	run_free(&r);
	X509_free(x);
}

/* A store holding only the test CA (or nothing). */
static X509_STORE *
store_with(X509 *ca)
{
	X509_STORE *st = X509_STORE_new();

	assert_non_null(st);
	if (ca != NULL)
		assert_int_equal(X509_STORE_add_cert(st, ca), 1);
	return st;
}

/* The chain is verified against the store the config gives, at its time:
 * trusted with the CA in the store, untrusted without it, not checked
 * without a store; dates do not make a chain untrusted. */
static void
test_trust(void **state)
{
	X509 *x = make_cert(K.rsa2048, "Example Org", "rdp.example.test",
	                    NB_VALID, NA_VALID, "DNS:rdp.example.test", K.ca,
	                    K.ca_key, EVP_sha256());
	X509 *old =
	    make_cert(K.rsa2048, "Example Org", "rdp.example.test", NB_OLD,
	              "20200102000000Z", NULL, K.ca, K.ca_key, EVP_sha256());
	X509 *self =
	    make_cert(K.rsa2048, "Example Org", "rdp.example.test", NB_VALID,
	              NA_VALID, NULL, NULL, NULL, EVP_sha256());
	X509_STORE *with = store_with(K.ca), *without = store_with(NULL);
	struct run r;

	(void)state;
	trust_at = NB_VALID_UNIX + 86400;

	trust_store = with;
	handshake(&r, "rdp.example.test", x, K.rsa2048, 0, 0, NULL, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_int_equal(r.info.cert.trusted, 1);
	assert_string_equal(r.info.cert.trust_error, "");
	run_free(&r);

	/* Expired, but the path to the root is there. */
	handshake(&r, "rdp.example.test", old, K.rsa2048, 0, 0, NULL, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_int_equal(r.info.cert.trusted, 1);
	run_free(&r);

	trust_store = without;
	handshake(&r, "rdp.example.test", x, K.rsa2048, 0, 0, NULL, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_int_equal(r.info.cert.trusted, 0);
	assert_string_equal(r.info.cert.trust_error,
	                    "unable to get local issuer certificate");
	run_free(&r);

	handshake(&r, "rdp.example.test", self, K.rsa2048, 0, 0, NULL, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_int_equal(r.info.cert.trusted, 0);
	assert_true(r.info.cert.self_signed);
	assert_string_equal(r.info.cert.trust_error, "self-signed certificate");
	run_free(&r);

	trust_store = NULL;
	trust_at = 0;
	handshake(&r, "rdp.example.test", x, K.rsa2048, 0, 0, NULL, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_int_equal(r.info.cert.trusted, -1);
	assert_string_equal(r.info.cert.trust_error, "");
	run_free(&r);

	X509_STORE_free(with);
	X509_STORE_free(without);
	X509_free(x);
	X509_free(old);
	X509_free(self);
}

/* Subject == issuer, but signed by another key: not self-signed. */
static void
test_same_name_other_key(void **state)
{
	X509 *x = make_cert(K.rsa2048, NULL, "twin.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, K.ca_key, EVP_sha256());
	struct rdd_cert c;

	(void)state;
	rdd__cert_facts(x, "twin.example.test", &c);
	assert_true(c.present);
	assert_string_equal(c.subject, c.issuer);
	assert_false(c.self_signed);
	assert_int_equal(c.name_match, 1);
	assert_int_equal(ERR_peek_error(), 0);
	X509_free(x);
	rdd__cert_facts(NULL, "x", &c);
	assert_false(c.present);
	assert_int_equal(c.name_match, -1);
}

static void
test_rsa1024(void **state)
{
	X509 *x = make_cert(K.rsa1024, NULL, "weak.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, NULL, EVP_sha256());
	struct run r;

	(void)state;
	handshake(&r, "weak.example.test", x, K.rsa1024, 0, 0, NULL, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_string_equal(r.info.cert.key_type, "RSA");
	assert_int_equal(r.info.cert.key_bits, 1024);
	run_free(&r);
	X509_free(x);
}

static void
test_sha1_signature(void **state)
{
	X509 *x = make_cert(K.rsa2048, NULL, "sha1.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, NULL, EVP_sha1());
	struct run r;

	(void)state;
	/* TLS 1.2: TLS 1.3 would refuse a SHA-1 signed certificate chain
	 * only for the handshake signature, not the certificate; keep it
	 * simple and like the servers that still have such certificates. */
	handshake(&r, "sha1.example.test", x, K.rsa2048, 0, TLS1_2_VERSION,
	          NULL, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_string_equal(r.info.cert.signature, "sha1WithRSAEncryption");
	assert_true(r.info.cert.self_signed);
	run_free(&r);
	X509_free(x);
}

static void
test_ec_key(void **state)
{
	X509 *x = make_cert(K.ec, NULL, "ec.example.test", NB_VALID, NA_VALID,
	                    NULL, NULL, NULL, EVP_sha256());
	struct run r;

	(void)state;
	handshake(&r, "ec.example.test", x, K.ec, 0, 0, NULL, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_string_equal(r.info.cert.key_type, "EC");
	assert_int_equal(r.info.cert.key_bits, 256);
	assert_string_equal(r.info.cert.signature, "ecdsa-with-SHA256");
	assert_true(r.info.cert.self_signed);
	run_free(&r);
	X509_free(x);
}

static void
test_ed25519_facts(void **state)
{
	X509 *x = make_cert(K.ed25519, NULL, "ed.example.test", NB_VALID,
	                    NA_VALID, "DNS:ed.example.test", NULL, NULL, NULL);
	struct rdd_cert c;

	(void)state;
	rdd__cert_facts(x, "ed.example.test", &c);
	assert_string_equal(c.key_type, "Ed25519");
	assert_int_equal(c.key_bits, 256);
	assert_string_equal(c.signature, "ED25519");
	assert_true(c.self_signed);
	assert_int_equal(c.name_match, 1);
	X509_free(x);
}

/* TLS 1.2 with a fixed cipher: the IANA name is reported. */
static void
test_tls12_cipher(void **state)
{
	X509 *x = make_cert(K.rsa2048, NULL, "rdp.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, NULL, EVP_sha256());
	struct run r;

	(void)state;
	handshake(&r, "rdp.example.test", x, K.rsa2048, TLS1_2_VERSION,
	          TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256", 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_string_equal(r.info.version, "TLSv1.2");
	assert_string_equal(r.info.cipher,
	                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	assert_string_equal(r.a.tls_detail,
	                    "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	run_free(&r);
	X509_free(x);
}

/* Windows Server 2008 R2 style: TLS 1.0 only, RSA key exchange. */
static void
test_tls10_only(void **state)
{
	X509 *x = make_cert(K.rsa2048, NULL, "old.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, NULL, EVP_sha1());
	struct run r;

	(void)state;
#ifdef OPENSSL_NO_TLS1
	skip();
#endif
	handshake(&r, "old.example.test", x, K.rsa2048, TLS1_VERSION,
	          TLS1_VERSION, "AES128-SHA:@SECLEVEL=0", 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_string_equal(r.info.version, "TLSv1");
	assert_string_equal(r.info.cipher, "TLS_RSA_WITH_AES_128_CBC_SHA");
	run_free(&r);
	X509_free(x);
}

/* Ciphers outside OpenSSL's DEFAULT list (the local build has no 3DES or
 * RC4 to try): Camellia, a NULL cipher and anonymous DH, the last two
 * allowed only at security level 0. */
static void
test_legacy_ciphers(void **state)
{
	static const struct {
		const char *server;
		const char *iana;
		bool cert;
	} cases[] = {
	    {"CAMELLIA128-SHA", "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", true},
	    {"NULL-SHA256:@SECLEVEL=0", "TLS_RSA_WITH_NULL_SHA256", true},
	    {"ADH-AES128-GCM-SHA256:@SECLEVEL=0",
	     "TLS_DH_anon_WITH_AES_128_GCM_SHA256", false},
	};
	X509 *x = make_cert(K.rsa2048, NULL, "rdp.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, NULL, EVP_sha256());
	struct server s;
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		server_init(&s, x, K.rsa2048, TLS1_2_VERSION, TLS1_2_VERSION,
		            cases[i].server);
		SSL_CTX_set_dh_auto(s.ctx, 1);
		SSL_set_dh_auto(s.ssl, 1);
		run_start(&r, "rdp.example.test", true);
		shuttle(&r, &s, 0);
		if (r.a.tls != RDD_TLS_OK)
			fail_msg("%s: %s", cases[i].server, r.a.tls_detail);
		assert_string_equal(r.info.cipher, cases[i].iana);
		assert_int_equal(r.info.cert.present, cases[i].cert);
		if (!cases[i].cert)
			assert_int_equal(r.info.cert.name_match, -1);
		run_free(&r);
		server_free(&s);
	}
	X509_free(x);
}

/* The server's flights one byte at a time: records tracked across
 * chunks, the handshake completes. */
static void
test_trickled_server(void **state)
{
	X509 *x = make_cert(K.rsa2048, NULL, "rdp.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, NULL, EVP_sha256());
	struct run r;

	(void)state;
	handshake(&r, "rdp.example.test", x, K.rsa2048, 0, TLS1_2_VERSION, NULL,
	          1);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_string_equal(r.info.version, "TLSv1.2");
	run_free(&r);
	handshake(&r, "rdp.example.test", x, K.rsa2048, 0, 0, NULL, 7);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_string_equal(r.info.version, "TLSv1.3");
	run_free(&r);
	X509_free(x);
}

/* No rdd_tls_info given: the attempt still says OK. */
static void
test_without_info_record(void **state)
{
	X509 *x = make_cert(K.rsa2048, NULL, "rdp.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, NULL, EVP_sha256());
	struct server s;
	struct run r;

	(void)state;
	server_init(&s, x, K.rsa2048, 0, 0, NULL);
	run_start(&r, "rdp.example.test", false);
	shuttle(&r, &s, 0);
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_false(r.info.present);
	assert_int_equal(r.info.cert.name_match, -7);
	run_free(&r);
	server_free(&s);
	X509_free(x);
}

/* --- tests: failed handshakes ------------------------------------------ */

static void
test_fatal_alert(void **state)
{
	static const uint8_t alert[] = {0x15, 0x03, 0x03, 0x00,
	                                0x02, 0x02, 0x28};
	struct run r;

	(void)state;
	run_start(&r, "rdp.example.test", true);
	r.now += 3000;
	rdd_probe_recv(r.p, alert, sizeof(alert), r.now);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.a.tls, RDD_TLS_ALERT);
	assert_int_equal(r.a.alert_level, 2);
	assert_int_equal(r.a.alert_desc, 40);
	assert_string_equal(r.a.tls_detail,
	                    "fatal alert handshake_failure (40)");
	assert_true(r.a.tls_ms == 3.0);
	assert_false(r.info.present);
	assert_true(
	    traced_prefix(&r.log, "<- TLS alert fatal handshake_failure"));
	assert_int_equal(ERR_peek_error(), 0);
	run_free(&r);
}

/* The same alert one byte at a time. */
static void
test_fatal_alert_trickled(void **state)
{
	static const uint8_t alert[] = {0x15, 0x03, 0x01, 0x00,
	                                0x02, 0x02, 0x46};
	struct run r;
	size_t i;

	(void)state;
	run_start(&r, "rdp.example.test", true);
	for (i = 0; i < sizeof(alert); i++) {
		assert_false(rdd_probe_done(r.p));
		rdd_probe_recv(r.p, alert + i, 1, r.now + i);
	}
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.a.tls, RDD_TLS_ALERT);
	assert_int_equal(r.a.alert_desc, 70);
	assert_string_equal(r.a.tls_detail,
	                    "fatal alert protocol_version (70)");
	run_free(&r);
}

static int
refuse_sni(SSL *ssl, int *al, void *arg)
{
	(void)ssl;
	(void)arg;
	*al = SSL_AD_UNRECOGNIZED_NAME;
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* A real OpenSSL server refusing the handshake with an alert. */
static void
test_server_alert(void **state)
{
	X509 *x = make_cert(K.rsa2048, NULL, "rdp.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, NULL, EVP_sha256());
	struct server s;
	struct run r;

	(void)state;
	server_init(&s, x, K.rsa2048, 0, 0, NULL);
	SSL_CTX_set_tlsext_servername_callback(s.ctx, refuse_sni);
	run_start(&r, "rdp.example.test", true);
	shuttle(&r, &s, 0);
	assert_int_equal(r.a.tls, RDD_TLS_ALERT);
	assert_int_equal(r.a.alert_level, 2);
	assert_int_equal(r.a.alert_desc, 112);
	assert_string_equal(r.a.tls_detail,
	                    "fatal alert unrecognized_name (112)");
	assert_int_equal(ERR_peek_error(), 0);
	run_free(&r);
	server_free(&s);
	X509_free(x);
}

static void
test_reset_after_hello(void **state)
{
	struct run r;

	(void)state;
	run_start(&r, "rdp.example.test", true);
	rdd_probe_peer_closed(r.p, true, r.now + 2500);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.a.tls, RDD_TLS_RESET);
	assert_string_equal(
	    r.a.tls_detail,
	    "connection reset by the server after the ClientHello, before "
	    "any answer");
	assert_true(r.a.tls_ms == 2.5);
	run_free(&r);
}

static void
test_close_after_hello(void **state)
{
	struct run r;

	(void)state;
	run_start(&r, "rdp.example.test", true);
	rdd_probe_peer_closed(r.p, false, r.now + 1000);
	assert_int_equal(r.a.tls, RDD_TLS_CLOSED);
	assert_string_equal(
	    r.a.tls_detail,
	    "server closed the connection after the ClientHello, before any "
	    "answer");
	run_free(&r);
}

/* Part of a real server flight, then close. */
static void
test_close_mid_flight(void **state)
{
	X509 *x = make_cert(K.rsa2048, NULL, "rdp.example.test", NB_VALID,
	                    NA_VALID, NULL, NULL, NULL, EVP_sha256());
	struct server s;
	struct run r;
	uint8_t buf[16384];
	int got;

	(void)state;
	server_init(&s, x, K.rsa2048, 0, 0, NULL);
	run_start(&r, "rdp.example.test", true);
	BIO_write(s.rbio, r.hello, (int)r.hello_len);
	(void)SSL_do_handshake(s.ssl);
	ERR_clear_error();
	got = BIO_read(s.wbio, buf, sizeof(buf));
	assert_true(got > 100);
	rdd_probe_recv(r.p, buf, 100, r.now + 1000);
	assert_false(rdd_probe_done(r.p));
	rdd_probe_peer_closed(r.p, false, r.now + 2000);
	assert_int_equal(r.a.tls, RDD_TLS_CLOSED);
	assert_string_equal(
	    r.a.tls_detail,
	    "server closed the connection during the handshake, after 100 "
	    "bytes from it");
	run_free(&r);
	server_free(&s);
	X509_free(x);
}

static void
test_stall(void **state)
{
	struct run r;
	uint64_t deadline;

	(void)state;
	run_start(&r, "rdp.example.test", true);
	deadline = rdd_probe_deadline(r.p);
	assert_int_equal(deadline, r.cc_at + TIMEOUT);
	rdd_probe_tick(r.p, deadline - 1);
	assert_false(rdd_probe_done(r.p));
	rdd_probe_tick(r.p, deadline);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.a.tls, RDD_TLS_TIMEOUT);
	assert_string_equal(
	    r.a.tls_detail,
	    "TLS handshake not complete within 5.0 s (0 bytes received)");
	assert_true(r.a.tls_ms == 5000.0);
	assert_int_equal(rdd_probe_deadline(r.p), UINT64_MAX);
	run_free(&r);
}

/* A partial ServerHello, then silence: the timeout counts the bytes. */
static void
test_stall_mid_record(void **state)
{
	static const uint8_t part[] = {0x16, 0x03, 0x03, 0x00, 0x40, 0x02};
	struct run r;

	(void)state;
	run_start(&r, "rdp.example.test", true);
	rdd_probe_recv(r.p, part, sizeof(part), r.now + 1000);
	assert_false(rdd_probe_done(r.p));
	rdd_probe_tick(r.p, r.cc_at + TIMEOUT);
	assert_int_equal(r.a.tls, RDD_TLS_TIMEOUT);
	assert_string_equal(
	    r.a.tls_detail,
	    "TLS handshake not complete within 5.0 s (6 bytes received)");
	run_free(&r);
}

static void
test_not_tls(void **state)
{
	static const uint8_t dr[] = {0x03, 0x00, 0x00, 0x0b, 0x06, 0x80,
	                             0x00, 0x00, 0x12, 0x34, 0x00};
	struct run r;

	(void)state;
	run_start(&r, "rdp.example.test", true);
	rdd_probe_recv(r.p, (const uint8_t *)"HTTP/1.1 400 Bad Request\r\n", 26,
	               r.now + 1000);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.a.tls, RDD_TLS_NOT_TLS);
	assert_string_equal(
	    r.a.tls_detail,
	    "server answered the ClientHello with bytes that are not TLS: "
	    "48");
	run_free(&r);

	run_start(&r, "rdp.example.test", true);
	rdd_probe_recv(r.p, dr, sizeof(dr), r.now + 1000);
	assert_int_equal(r.a.tls, RDD_TLS_NOT_TLS);
	run_free(&r);

	/* A record header and its one-byte body, then garbage in the next
	 * header, all in one chunk: the garbage is found where it starts. */
	run_start(&r, "rdp.example.test", true);
	rdd_probe_recv(r.p, (const uint8_t *)"\x16\x03\x03\x00\x01\x02XYZ", 9,
	               r.now + 1000);
	assert_int_equal(r.a.tls, RDD_TLS_NOT_TLS);
	assert_string_equal(
	    r.a.tls_detail,
	    "server answered the ClientHello with bytes that are not TLS: "
	    "58");
	run_free(&r);
	assert_int_equal(ERR_peek_error(), 0);
}

/* A handshake record OpenSSL cannot parse: an error on our side, with
 * OpenSSL's reason, and the error queue left empty. */
static void
test_openssl_error(void **state)
{
	static const uint8_t bad[] = {0x16, 0x03, 0x03, 0x00, 0x04,
	                              0x02, 0xff, 0xff, 0xff};
	struct run r;

	(void)state;
	run_start(&r, "rdp.example.test", true);
	rdd_probe_recv(r.p, bad, sizeof(bad), r.now + 1000);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.a.tls, RDD_TLS_ERROR);
	if (strncmp(r.a.tls_detail, "OpenSSL: ", 9) != 0)
		fail_msg("detail: %s", r.a.tls_detail);
	assert_true(strlen(r.a.tls_detail) > 9);
	assert_int_equal(ERR_peek_error(), 0);
	run_free(&r);
}

/* Server bytes that came right behind the CC go to TLS. */
static void
test_bytes_behind_cc(void **state)
{
	uint8_t b[sizeof(cc_ssl) + 7];
	struct rdd_probe_config cfg;
	struct rdd_attempt a;
	struct rdd_probe *p;

	(void)state;
	memcpy(b, cc_ssl, sizeof(cc_ssl));
	memcpy(b + sizeof(cc_ssl), "\x15\x03\x03\x00\x02\x02\x28", 7);
	memset(&cfg, 0, sizeof(cfg));
	memset(&a, 0, sizeof(a));
	cfg.requested_protocols = 0x0B;
	cfg.tls = true;
	cfg.phase_timeout_us = TIMEOUT;
	p = rdd_probe_new(&cfg, &a, NULL);
	rdd_probe_start(p, 10);
	rdd_probe_recv(p, b, sizeof(b), 20);
	assert_true(rdd_probe_done(p));
	assert_int_equal(a.x224, RDD_X224_RSP);
	assert_int_equal(a.tls, RDD_TLS_ALERT);
	assert_int_equal(a.alert_desc, 40);
	rdd_probe_free(p);
}

static void
test_ip_literal(void **state)
{
	(void)state;
	assert_true(rdd__is_ip_literal("192.0.2.1"));
	assert_true(rdd__is_ip_literal("::1"));
	assert_true(rdd__is_ip_literal("[2001:db8::1]"));
	assert_true(rdd__is_ip_literal("fe80::1%eth0"));
	assert_false(rdd__is_ip_literal("rdp.example.test"));
	assert_false(rdd__is_ip_literal("192.0.2.1.example"));
	assert_false(rdd__is_ip_literal(""));
	assert_false(rdd__is_ip_literal(NULL));
	assert_string_equal(rdd__tls_alert_level_name(2), "fatal");
	assert_string_equal(rdd__tls_alert_level_name(1), "warning");
	assert_null(rdd__tls_alert_level_name(3));
}

/* Extended key usage: server authentication and the Remote Desktop
 * Authentication OID, each read from the extension; none without it. */
static void
test_cert_eku(void **state)
{
	static const char *const usages[] = {
	    NULL, "serverAuth", "1.3.6.1.4.1.311.54.1.2", "clientAuth"};

	(void)state;
	for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		X509 *x = make_cert(K.rsa2048, "Example Org",
		                    "rdp.example.test", NB_VALID, NA_VALID,
		                    SAN_LIST, NULL, NULL, EVP_sha256());
		X509V3_CTX ctx;
		X509_EXTENSION *ext;
		struct server s;
		struct run r;

		if (usages[i] != NULL) {
			X509V3_set_ctx_nodb(&ctx);
			X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
			ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_ext_key_usage,
			                          usages[i]);
			assert_non_null(ext);
			X509_add_ext(x, ext, -1);
			X509_EXTENSION_free(ext);
			assert_true(X509_sign(x, K.rsa2048, EVP_sha256()) > 0);
		}
		server_init(&s, x, K.rsa2048, 0, 0, NULL);
		run_start(&r, "rdp.example.test", true);
		shuttle(&r, &s, 0);
		assert_true(r.info.cert.present);
		assert_int_equal(r.info.cert.has_eku, i > 0);
		assert_int_equal(r.info.cert.eku_server_auth, i == 1);
		assert_int_equal(r.info.cert.eku_rdp_auth, i == 2);
		run_free(&r);
		server_free(&s);
		X509_free(x);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tls13_self_signed),
	    cmocka_unit_test(test_cert_eku),
	    cmocka_unit_test(test_name_match),
	    cmocka_unit_test(test_no_server_name),
	    cmocka_unit_test(test_cn_only),
	    cmocka_unit_test(test_expired),
	    cmocka_unit_test(test_ca_signed),
	    cmocka_unit_test(test_trust),
	    cmocka_unit_test(test_same_name_other_key),
	    cmocka_unit_test(test_rsa1024),
	    cmocka_unit_test(test_sha1_signature),
	    cmocka_unit_test(test_ec_key),
	    cmocka_unit_test(test_ed25519_facts),
	    cmocka_unit_test(test_tls12_cipher),
	    cmocka_unit_test(test_tls10_only),
	    cmocka_unit_test(test_legacy_ciphers),
	    cmocka_unit_test(test_trickled_server),
	    cmocka_unit_test(test_without_info_record),
	    cmocka_unit_test(test_fatal_alert),
	    cmocka_unit_test(test_fatal_alert_trickled),
	    cmocka_unit_test(test_server_alert),
	    cmocka_unit_test(test_reset_after_hello),
	    cmocka_unit_test(test_close_after_hello),
	    cmocka_unit_test(test_close_mid_flight),
	    cmocka_unit_test(test_stall),
	    cmocka_unit_test(test_stall_mid_record),
	    cmocka_unit_test(test_not_tls),
	    cmocka_unit_test(test_openssl_error),
	    cmocka_unit_test(test_bytes_behind_cc),
	    cmocka_unit_test(test_ip_literal),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
