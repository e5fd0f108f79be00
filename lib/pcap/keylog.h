/*
 * keylog.h - a TLS key log in the NSS format (SSLKEYLOGFILE, as written
 * by browsers, OpenSSL's SSL_CTX_set_keylog_callback, curl and FreeRDP 3's
 * /tls:secrets-file): one line per secret,
 *
 *   LABEL <client random, 64 hex digits> <secret, hex>
 *
 * with CLIENT_RANDOM (TLS <= 1.2: the 48-byte master secret) and the TLS
 * 1.3 labels CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_
 * SECRET, CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0. Comments (#)
 * and other labels are skipped. The secrets are kept in memory for the
 * run and wiped when it is freed.
 */
#ifndef RDD_PCAP_KEYLOG_H
#define RDD_PCAP_KEYLOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum rdd_keylog_label {
	RDD_KL_CLIENT_RANDOM,
	RDD_KL_CLIENT_HANDSHAKE,
	RDD_KL_SERVER_HANDSHAKE,
	RDD_KL_CLIENT_TRAFFIC_0,
	RDD_KL_SERVER_TRAFFIC_0,
	RDD_KL_COUNT
};

#define RDD_KL_SECRET_MAX 64

struct rdd_keylog;

/* Read the key log from F. NULL with the reason in ERR when it cannot be
 * read or holds no secret at all. LINES_SKIPPED (may be NULL) counts
 * lines that are neither comments nor known secrets. */
struct rdd_keylog *rdd_keylog_read(FILE *f, size_t *lines_skipped, char *err,
                                   size_t errcap);
/* The same from the file PATH. */
struct rdd_keylog *rdd_keylog_load(const char *path, size_t *lines_skipped,
                                   char *err, size_t errcap);
void rdd_keylog_free(struct rdd_keylog *kl);

/* Secrets held. */
size_t rdd_keylog_count(const struct rdd_keylog *kl);

/* The secret LABEL of the connection whose ClientHello had CLIENT_RANDOM:
 * 0 with it in SECRET (RDD_KL_SECRET_MAX bytes) and its length in *LEN,
 * or -1. */
int rdd_keylog_find(const struct rdd_keylog *kl, enum rdd_keylog_label label,
                    const uint8_t client_random[32], uint8_t *secret,
                    size_t *len);

#endif
