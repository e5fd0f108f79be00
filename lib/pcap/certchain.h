/*
 * certchain.h - the certificate chain a TLS server sent, as a capture
 * shows it: the facts of its first certificate (lib/probe/tls.c's
 * rdd__cert_facts, the same as `check` records) and whether the chain
 * leads to a trusted root at the capture's time.
 */
#ifndef RDD_PCAP_CERTCHAIN_H
#define RDD_PCAP_CERTCHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/observation.h"

#define RDD_PCAP_MAX_CHAIN 10

struct rdd_pcap_chain {
	const uint8_t *der[RDD_PCAP_MAX_CHAIN]; /* borrowed; [0] the server's */
	size_t len[RDD_PCAP_MAX_CHAIN];
	size_t n;
};

/*
 * Fill OUT from CHAIN: the facts of its first certificate, the name
 * check against SERVER_NAME (NULL: not checked) and, with STORE (an
 * X509_STORE *, only read; NULL: not checked), the verification of the
 * chain at Unix time AT. OUT->present stays false when the first
 * certificate is not DER OpenSSL can read.
 */
void rdd_pcap_chain_facts(const struct rdd_pcap_chain *chain,
                          const char *server_name, void *store, int64_t at,
                          struct rdd_cert *out);

#endif
