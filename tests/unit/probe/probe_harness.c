/*
 * probe_harness.c - the trace log and the in-memory TLS server that
 * several tests of lib/probe share (probe_harness.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/err.h>

#include "probe_harness.h"

void
trace_collect(void *ctx, const char *label, const char *line)
{
	struct trace_log *t = ctx;

	(void)label;
	if (t->n < TRACE_LOG_LINES)
		snprintf(t->lines[t->n++], RDD_STR, "%s", line);
}

bool
trace_has(const struct trace_log *t, const char *prefix)
{
	for (size_t i = 0; i < t->n; i++)
		if (strncmp(t->lines[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

int
self_signed(const char *cn, long serial, EVP_PKEY **key, X509 **cert)
{
	X509_NAME *name;

	*key = EVP_RSA_gen(2048);
	*cert = X509_new();
	if (*key == NULL || *cert == NULL)
		return -1;
	X509_set_version(*cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), serial);
	ASN1_TIME_set_string_X509(X509_getm_notBefore(*cert),
	                          "20240101000000Z");
	ASN1_TIME_set_string_X509(X509_getm_notAfter(*cert), "20991231235959Z");
	name = X509_get_subject_name(*cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	                           (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(*cert, name);
	X509_set_pubkey(*cert, *key);
	return X509_sign(*cert, *key, EVP_sha256()) > 0 ? 0 : -1;
}

void
tls_peer_init(struct tls_peer *s, X509 *cert, EVP_PKEY *key, int max_version)
{
	memset(s, 0, sizeof(*s));
	s->ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(s->ctx);
	if (max_version != 0)
		assert_int_equal(
		    SSL_CTX_set_max_proto_version(s->ctx, max_version), 1);
	assert_int_equal(SSL_CTX_use_certificate(s->ctx, cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(s->ctx, key), 1);
	SSL_CTX_set_num_tickets(s->ctx, 0);
	s->ssl = SSL_new(s->ctx);
	s->rbio = BIO_new(BIO_s_mem());
	s->wbio = BIO_new(BIO_s_mem());
	assert_non_null(s->ssl);
	assert_non_null(s->rbio);
	assert_non_null(s->wbio);
	SSL_set_bio(s->ssl, s->rbio, s->wbio);
	SSL_set_accept_state(s->ssl);
}

void
tls_peer_free(struct tls_peer *s)
{
	SSL_free(s->ssl);
	SSL_CTX_free(s->ctx);
	ERR_clear_error();
}

void
tls_peer_from_probe(struct tls_peer *s, struct rdd_probe *p)
{
	const uint8_t *d;
	size_t n;

	while ((n = rdd_probe_pending(p, &d)) > 0) {
		assert_int_equal(BIO_write(s->rbio, d, (int)n), (int)n);
		rdd_probe_sent(p, n);
	}
}

void
tls_peer_to_probe(struct tls_peer *s, struct rdd_probe *p, uint64_t now,
                  size_t chunk)
{
	static uint8_t buf[20000];
	size_t off, k;
	int got;

	while ((got = BIO_read(s->wbio, buf, sizeof(buf))) > 0) {
		for (off = 0; off < (size_t)got; off += k) {
			k = chunk == 0 ? (size_t)got - off : chunk;
			if (k > (size_t)got - off)
				k = (size_t)got - off;
			rdd_probe_recv(p, buf + off, k, now);
		}
	}
}

void
tls_peer_handshake(struct tls_peer *s, struct rdd_probe *p,
                   const struct rdd_attempt *attempt, uint64_t *now,
                   uint64_t step)
{
	tls_peer_from_probe(s, p); /* the ClientHello */
	for (int i = 0; i < 10 && attempt->tls == RDD_TLS_NOT_RUN; i++) {
		ERR_clear_error();
		(void)SSL_do_handshake(s->ssl);
		ERR_clear_error();
		*now += step;
		tls_peer_to_probe(s, p, *now, 0);
		tls_peer_from_probe(s, p);
	}
	ERR_clear_error();
	(void)SSL_do_handshake(s->ssl);
	ERR_clear_error();
}

struct rdd_gw *
gw_harness_new(const struct rdd_credentials *cr, uint64_t t0,
               uint64_t timeout_us, struct rdd_gateway_info *info,
               struct rdd_attempt *att)
{
	struct rdd_gateway_config c;
	struct rdd_probe_config pc;
	struct rdd_probe *inner;
	struct rdd_gw *g;

	memset(&pc, 0, sizeof(pc));
	pc.requested_protocols =
	    RDD_PROTO_SSL | RDD_PROTO_HYBRID | RDD_PROTO_HYBRID_EX;
	pc.server_name = "rdp.example";
	pc.phase_timeout_us = timeout_us;
	pc.t0_us = t0;
	inner = rdd_probe_new(&pc, att, NULL);
	assert_non_null(inner);
	memset(&c, 0, sizeof(c));
	c.gateway_host = "gw.example.com";
	c.target_host = "rdp.example";
	c.target_port = 3389;
	c.phase_timeout_us = timeout_us;
	c.t0_us = t0;
	c.credentials = cr;
	g = rdd_gw_new(&c, info, inner, att);
	assert_non_null(g);
	return g;
}

bool
gw_peer_round(struct rdd_gw *g, struct tls_peer *s, bool in, uint64_t now)
{
	static uint8_t buf[70000];
	const uint8_t *d;
	bool moved = false;
	size_t n;
	int got;

	while ((n = in ? rdd_gw_in_pending(g, &d) : rdd_gw_pending(g, &d)) >
	       0) {
		assert_int_equal(BIO_write(s->rbio, d, (int)n), (int)n);
		if (in)
			rdd_gw_in_sent(g, n);
		else
			rdd_gw_sent(g, n);
		moved = true;
	}
	if (!SSL_is_init_finished(s->ssl))
		(void)SSL_do_handshake(s->ssl);
	while ((got = BIO_read(s->wbio, buf, sizeof(buf))) > 0) {
		if (in)
			rdd_gw_in_recv(g, buf, (size_t)got, now);
		else
			rdd_gw_recv(g, buf, (size_t)got, now);
		moved = true;
	}
	return moved;
}
