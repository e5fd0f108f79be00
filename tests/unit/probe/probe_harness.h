/*
 * probe_harness.h - what several tests of lib/probe drive a probe with:
 * a log of its trace lines, and an in-memory TLS server (OpenSSL over
 * memory BIOs) with a self-signed certificate, so that the TLS phase and
 * what follows it inside TLS (CredSSP, MCS) run against a real TLS stack.
 */
#ifndef RDD_TEST_PROBE_HARNESS_H
#define RDD_TEST_PROBE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "rdpdoctor/gateway.h"
#include "rdpdoctor/observation.h"
#include "rdpdoctor/probe.h"

#define TRACE_LOG_LINES 64

struct trace_log {
	char lines[TRACE_LOG_LINES][RDD_STR];
	size_t n;
};

/* An rdd_trace_cb: appends LINE to the trace_log at CTX. */
void trace_collect(void *ctx, const char *label, const char *line);
/* A line of T starts with PREFIX. */
bool trace_has(const struct trace_log *t, const char *prefix);

/* A self-signed RSA-2048 certificate for CN with SERIAL, valid from 2024
 * to 2099, and its key. Returns 0, or -1 (for a cmocka group setup). */
int self_signed(const char *cn, long serial, EVP_PKEY **key, X509 **cert);

/* The server side of one TLS connection. */
struct tls_peer {
	SSL_CTX *ctx;
	SSL *ssl;
	BIO *rbio; /* probe to server */
	BIO *wbio; /* server to probe */
};

/* A TLS server with CERT and KEY, up to MAX_VERSION (0: OpenSSL's
 * highest), without session tickets (its flight ends with Finished). */
void tls_peer_init(struct tls_peer *s, X509 *cert, EVP_PKEY *key,
                   int max_version);
void tls_peer_free(struct tls_peer *s);
/* Move what the probe wants sent into the server. */
void tls_peer_from_probe(struct tls_peer *s, struct rdd_probe *p);
/* Move what the server wrote into the probe at NOW, CHUNK bytes at a
 * time (0: at once). */
void tls_peer_to_probe(struct tls_peer *s, struct rdd_probe *p, uint64_t now,
                       size_t chunk);
/*
 * The probe has received the server's X.224 answer and sent its
 * ClientHello: run the handshake, *NOW advancing by STEP for each flight
 * to the probe, until the probe's TLS phase (ATTEMPT->tls) has ended;
 * then let the server finish its side.
 */
void tls_peer_handshake(struct tls_peer *s, struct rdd_probe *p,
                        const struct rdd_attempt *attempt, uint64_t *now,
                        uint64_t step);

/*
 * A gateway walk to rdp.example port 3389 through gw.example.com, its
 * inner probe asking for SSL, HYBRID and HYBRID_EX: CR's credentials (or
 * none), phases of TIMEOUT_US from T0; INFO and ATT take what it finds.
 */
struct rdd_gw *gw_harness_new(const struct rdd_credentials *cr, uint64_t t0,
                              uint64_t timeout_us,
                              struct rdd_gateway_info *info,
                              struct rdd_attempt *att);
/*
 * One round between the gateway walk G and its server S on the OUT
 * connection (IN: the legacy transport's IN channel): what G wants sent
 * written into S, S's handshake pushed on, what S wrote handed to G at
 * NOW. true when bytes moved.
 */
bool gw_peer_round(struct rdd_gw *g, struct tls_peer *s, bool in, uint64_t now);

#endif
