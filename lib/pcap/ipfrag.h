/*
 * ipfrag.h - IPv4 and IPv6 fragment reassembly (RFC 791 3.2, RFC 8200
 * 4.5), in bounded memory: at most RDD_IPFRAG_MAX datagrams in progress
 * and RDD_IPFRAG_BYTES bytes held in all; the oldest datagram is dropped
 * to make room, and one unfinished after RDD_IPFRAG_TIMEOUT_S seconds of
 * capture time is dropped too (a dropped datagram is counted: its TCP
 * bytes become a gap in the stream).
 *
 * Overlapping fragments: the bytes that came first are kept (RFC 5722
 * makes overlaps an error for IPv6; counting them is what matters here).
 */
#ifndef RDD_PCAP_IPFRAG_H
#define RDD_PCAP_IPFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap/packet.h"

#define RDD_IPFRAG_MAX 64
#define RDD_IPFRAG_BYTES (1024 * 1024)
#define RDD_IPFRAG_TIMEOUT_S 60.0
#define RDD_IPFRAG_DATAGRAM_MAX 65535

struct rdd_ipfrag;

struct rdd_ipfrag_stats {
	uint64_t fragments;   /* fragments seen */
	uint64_t reassembled; /* datagrams put together */
	uint64_t dropped;     /* datagrams dropped unfinished */
	uint64_t overlaps;    /* fragments that overlapped another */
};

struct rdd_ipfrag *rdd_ipfrag_new(void);
void rdd_ipfrag_free(struct rdd_ipfrag *f);

/*
 * Add the fragment PKT (RDD_PKT_FRAGMENT from packet.c) seen at TS
 * (seconds). When it completes its datagram, returns true and sets
 * OUT to the whole datagram (OUT's l4, l4_len, l4_wire point into storage
 * that stays valid until the next call) with its transport header read:
 * *RESULT is RDD_PKT_TCP, RDD_PKT_UDP, RDD_PKT_OTHER or an error.
 */
bool rdd_ipfrag_add(struct rdd_ipfrag *f, const struct rdd_pkt *pkt, double ts,
                    struct rdd_pkt *out, enum rdd_pkt_result *result);

void rdd_ipfrag_stats(const struct rdd_ipfrag *f, struct rdd_ipfrag_stats *s);

#endif
