/*
 * netpath.h - the path to the server (phase "network"): what repeated TCP
 * handshakes and the MTU black-hole retry say. Pure functions (no I/O, no
 * clock) over struct rdd_net_info (observation.h); lib/net/check_run.c
 * takes the samples and runs the retry.
 */
#ifndef RDPDOCTOR_NETPATH_H
#define RDPDOCTOR_NETPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/observation.h"

/* Samples a check takes by default (--samples), and how far apart their
 * connects start: spread over time, not a burst (a burst overflows small
 * listen queues and would measure the server, not the path). */
#define RDD_NET_DEFAULT_SAMPLES 5
#define RDD_NET_SAMPLE_INTERVAL_MS 100
#define RDD_NET_SAMPLE_FIRST_MS 10

/*
 * Thresholds of the net-* findings (docs/DIAGNOSES.md repeats them):
 *   net-high-latency  median RTT above 150 ms (Microsoft's guidance for a
 *                     usable session; beyond it typing lags visibly)
 *   net-jitter        mean difference of consecutive clean RTTs above
 *                     30 ms, with at least 3 clean samples
 *   net-packet-loss   at least one SYN exchange lost (a retransmission
 *                     step or a sample never answered): TCP hides loss
 *                     from the user only as delay, and a handful of
 *                     samples seeing any is already a lot
 *   net-mtu-blackhole the small-MSS retry completed the TLS handshake
 *                     that the full-size one could not
 */
#define RDD_NET_LATENCY_MS 150.0
#define RDD_NET_JITTER_MS 30.0
#define RDD_NET_JITTER_MIN_CLEAN 3
#define RDD_NET_LOSS_MIN_LOST 1

/* The MSS of the MTU retry: 536 (IPv4, RFC 879: 576-byte packets) and
 * 1220 (IPv6, 1280-byte packets). */
#define RDD_NET_MTU_MSS4 536
#define RDD_NET_MTU_MSS6 1220

/*
 * Fill the summary fields of NET from its samples. TIMEOUT_MS is the
 * per-sample timeout: a sample unanswered by then lost every SYN sent
 * before it (at 0, 1, 3, 7, ... s, Linux's SYN retransmission schedule).
 * An answered sample whose RTT is at least 1 s (3 s, 7 s) more than half
 * the fastest sample's lost 1 (2, 3) SYN exchanges, and its RTT with those
 * steps taken off is the path's. This assumes the fastest sample got
 * through on its first SYN.
 */
void rdd_net_summarize(struct rdd_net_info *net, double timeout_ms);

/* Set obs->phases[RDD_PHASE_NETWORK] from obs->net (present when samples
 * were taken or the MTU retry ran). */
void rdd_net_conclude(struct rdd_observation *obs);

/*
 * The MTU retry is due: attempt A got a Connection Confirm selecting TLS
 * (SSL, HYBRID or HYBRID_EX) but its TLS server flight never arrived
 * (tls timeout), and the retry has not run. Fills OUT with the retry's
 * plan entry "M": A's request, TLS only (no CredSSP, no MCS).
 */
bool rdd_plan_mtu_retry(const struct rdd_observation *obs,
                        struct rdd_plan_entry *out);

/* How many SYNs a connect unanswered after TIMEOUT_MS has sent. */
size_t rdd_net_syns_within(double timeout_ms);

#endif
