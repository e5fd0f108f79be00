/*
 * store.h - the finished connections of a capture, kept in a temporary
 * file until the report (which orders them by their first packet and
 * numbers them), so that memory holds only a small entry per connection
 * however long the capture. A connection record is large and mostly
 * zeros (the observation has room for what a live check fills); it is
 * written with its runs of zeros squeezed out.
 */
#ifndef RDD_PCAP_STORE_H
#define RDD_PCAP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap/conn.h"

/* What the report needs of a connection without reading it back. */
struct rdd_pcap_store_entry {
	double start;
	uint64_t first_frame;
	long offset;
	enum rdd_pcap_kind kind;
	enum rdd_pcap_status status;
	int status_phase;
	bool refused_tls; /* RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER */
};

struct rdd_pcap_store;

/* NULL when no temporary file can be made or out of memory. */
struct rdd_pcap_store *rdd_pcap_store_new(void);
void rdd_pcap_store_free(struct rdd_pcap_store *s);

/* Keep C. Returns 0 or -1 (the file or memory failed). */
int rdd_pcap_store_add(struct rdd_pcap_store *s, const struct rdd_pcap_conn *c);

size_t rdd_pcap_store_count(const struct rdd_pcap_store *s);

/* Order the connections by first packet (time, then frame). */
void rdd_pcap_store_sort(struct rdd_pcap_store *s);

const struct rdd_pcap_store_entry *
rdd_pcap_store_entry(const struct rdd_pcap_store *s, size_t i);

/* Read connection I (0-based, in the order) into C and set its index to
 * I + 1. Returns 0 or -1. */
int rdd_pcap_store_get(struct rdd_pcap_store *s, size_t i,
                       struct rdd_pcap_conn *c);

/* Replace connection I with C. Returns 0 or -1. */
int rdd_pcap_store_put(struct rdd_pcap_store *s, size_t i,
                       const struct rdd_pcap_conn *c);

#endif
