/*
 * flows.h - the connections of a capture: every TCP connection put back
 * in order in each direction (tcpdir.c), told RDP by its first bytes (a
 * TPKT carrying an X.224 Connection Request, on any port) and then read
 * by a passive observer (observer.h); every RDP-UDP handshake told by its
 * SYN datagram ([MS-RDPEUDP] 2.2.2, on any port). Fed decoded packets
 * (packet.h) in capture order; hands each RDP connection to a callback
 * once it is over (closed, idle, or the capture ended), so that memory
 * stays bounded by the connections open at once, not by the capture.
 *
 * A TCP connection that never carried a byte is reported when one of its
 * ports is 3389 (a refused or unanswered SYN), since nothing else can
 * tell it was meant for RDP.
 */
#ifndef RDD_PCAP_FLOWS_H
#define RDD_PCAP_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap/conn.h"
#include "pcap/observer.h"
#include "pcap/packet.h"

/* Connections followed at once: beyond, the least recently active is
 * given up (counted). */
#define RDD_FLOWS_MAX 262144
#define RDD_FLOWS_MAX_RDP 1024
/* Seconds of capture time without a packet before a connection is
 * considered over. */
#define RDD_FLOWS_IDLE_S 3600.0
#define RDD_FLOWS_IDLE_OTHER_S 300.0
/* Seconds after a RST, or after both FINs, before it is reported (late
 * retransmissions still count). */
#define RDD_FLOWS_LINGER_S 2.0

/* A finished connection; CONN is valid only during the call. */
typedef void (*rdd_flows_cb)(void *ctx, struct rdd_pcap_conn *conn);

struct rdd_flows_stats {
	uint64_t tcp_flows;    /* TCP connections seen */
	uint64_t rdp;          /* of them, RDP */
	uint64_t udp_rdp;      /* RDP-UDP handshakes */
	uint64_t evicted;      /* given up for room */
	uint64_t port_not_rdp; /* on port 3389 with data, but not an X.224
	                          Connection Request first */
	size_t peak_flows;     /* most followed at once */
	size_t peak_rdp;
};

struct rdd_flows;

struct rdd_flows *rdd_flows_new(const struct rdd_observer_config *cfg,
                                rdd_flows_cb cb, void *ctx);
void rdd_flows_free(struct rdd_flows *f);

/* One packet (RDD_PKT_TCP or RDD_PKT_UDP from packet.c or ipfrag.c), the
 * FRAME-th of the capture (from 1), at capture time TS (seconds). */
void rdd_flows_packet(struct rdd_flows *f, const struct rdd_pkt *pkt,
                      uint64_t frame, double ts);

/* The capture ended at END: report every connection still open. */
void rdd_flows_finish(struct rdd_flows *f, double end);

void rdd_flows_stats(const struct rdd_flows *f, struct rdd_flows_stats *s);

#endif
