/*
 * fallback.h - mstsc's fallback across two connections of a capture: a
 * server that refuses TLS with RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER
 * gets a second connection from the same client asking for standard RDP
 * security only ([MS-RDPBCGR] 3.2.5.3.2; the Zeek capture
 * rdp-proprietary-encryption.pcap shows it). `check` sees the same with
 * its connections A and C (rdd_plan_rdp_fallback); here the later
 * connection becomes the refused one's attempt "C", and the diagnosis of
 * the refused one is made again with it.
 */
#ifndef RDD_PCAP_FALLBACK_H
#define RDD_PCAP_FALLBACK_H

#include <stdbool.h>

#include "pcap/conn.h"

/* Seconds within which the second connection must start. */
#define RDD_PCAP_FALLBACK_S 60.0

/* LATER is REFUSED's fallback: the same client address to the same
 * server and port, starting within RDD_PCAP_FALLBACK_S after REFUSED
 * ended, asking for standard RDP security and getting it. */
bool rdd_pcap_is_fallback(const struct rdd_pcap_conn *refused,
                          const struct rdd_pcap_conn *later);

/* Make LATER's attempt REFUSED's attempt "C", conclude and diagnose
 * again, and set REFUSED's status to RDD_PCAP_FELL_BACK with LATER's
 * index (a fault found still makes it FAILED). */
void rdd_pcap_link_fallback(struct rdd_pcap_conn *refused,
                            const struct rdd_pcap_conn *later);

#endif
