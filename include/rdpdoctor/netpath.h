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
#include <stdint.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/observation.h"

/*
 * When the samples are taken (docs/json.md "network"):
 *
 * By default (RDD_NET_SAMPLES_ALONGSIDE) they cost neither wall time nor
 * connections: the TCP handshakes of the check's own opening connections
 * (the plan's A, B and C, rdd_plan_entries) are the samples, as many as
 * the minimum RDD_NET_ALONGSIDE_MIN (the least net-jitter judges). Each
 * connection of its own would be one more the server accepts and sets up
 * (xrdp forks for it, ~4 ms of CPU; FreeRDP's shadow server spends ~50
 * ms), beside the check's own work: on a server short of CPU that was
 * wall time (1.37x against xrdp TLS in the lab). The opening connections
 * start together into an idle server, and the smallest accept queue seen
 * (xrdp's, 3) holds the three; the later ones (the encryption probes,
 * retries, the MTU retry with its small MSS) are not samples: they come
 * in bursts while the server is busy with the check's others, and a SYN
 * a full accept queue drops (a 1 s retransmission, seen on 1 in 8 checks
 * of xrdp with --samples 0) would be taken for loss on the path.
 *
 * More, connections of their own, only when they cost the check nothing:
 * while its phases still run but none of its TCP connections is open
 * (the RDP-UDP probe or Kerberos still waits), one every
 * RDD_NET_ALONGSIDE_INTERVAL_MS, never while the server has not closed
 * the last one (the client half-closes each sample once connected and
 * waits for the server's close, at most RDD_NET_ACCEPT_WAIT_MS) or while
 * the --tls-full enumeration runs (rdd_net_next_step's BUSY), at most
 * RDD_NET_ALONGSIDE_MAX samples in all, the check's own included.
 *
 * After the end none is started, except the minimum's rest when the
 * check's own opening connections did not give it (a plan of fewer): those
 * start at once, together, unpaced (the check's own connections are done,
 * and the accept queue holds the three; beside a TLS enumeration still
 * running, one at a time, whenever the server is no longer BUSY), and the
 * check waits for the minimum's end (answer, failure or timeout: a lost
 * SYN there is seen). The others still in flight get a grace of
 * RDD_NET_GRACE_RTTS round trips (RDD_NET_GRACE_MIN_MS to _MAX_MS) after
 * the later of the two ends and are then cut short: neither answered nor
 * lost. Where the check's own connects got no answer there is no path to
 * measure: no sample is started after its end, and those in flight run
 * to their own end.
 *
 * With --samples N (RDD_NET_MODE_SPREAD), N samples, connections of
 * their own, from RDD_NET_SAMPLE_FIRST_MS on, RDD_NET_SAMPLE_INTERVAL_MS
 * apart, a longer measurement: the check waits for them all. The check's
 * own handshakes are not among them. None starts while one of the
 * check's connections has no X.224 answer yet (it may still wait in the
 * accept queue: against xrdp on a loaded machine a sample at 10 ms lost
 * its SYN there and showed as loss) or the server has not closed the
 * last sample; the next comes 100 ms after a late one.
 */
#define RDD_NET_SAMPLES_ALONGSIDE SIZE_MAX
#define RDD_NET_DEFAULT_SAMPLES RDD_NET_SAMPLES_ALONGSIDE
#define RDD_NET_SAMPLE_FIRST_MS 10
#define RDD_NET_SAMPLE_INTERVAL_MS 100
#define RDD_NET_ALONGSIDE_MIN 3
#define RDD_NET_ALONGSIDE_MAX 8
#define RDD_NET_ALONGSIDE_INTERVAL_MS 20
#define RDD_NET_ACCEPT_WAIT_MS 20
#define RDD_NET_GRACE_RTTS 3
#define RDD_NET_GRACE_MIN_MS 5.0
#define RDD_NET_GRACE_MAX_MS 100.0

/*
 * Thresholds of the net-* findings (docs/DIAGNOSES.md repeats them):
 *   net-high-latency  median RTT above 150 ms (Microsoft's guidance for a
 *                     usable session; beyond it typing lags visibly)
 *   net-jitter        mean difference of consecutive clean RTTs above
 *                     30 ms, with at least 3 clean samples
 *   net-packet-loss   at least one SYN exchange lost (a retransmission
 *                     step or a sample never answered), some sample
 *                     answered: TCP hides loss from the user only as
 *                     delay, and a handful of samples seeing any is
 *                     already a lot. Samples cut short never count.
 * Their evidence names the samples they rest on.
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
 * Set up NET for a check whose --samples option is SAMPLES (RDD_NET_
 * SAMPLES_ALONGSIDE: the default; 0: none): mode, n_requested (the most
 * it may start), n_min, present.
 */
void rdd_net_plan(struct rdd_net_info *net, size_t samples);

/* What the driver does next with the samples (rdd_net_next_step). */
enum rdd_net_action {
	RDD_NET_IDLE,  /* nothing until a sample or the check's phases end */
	RDD_NET_START, /* start sample net->n_samples at AT_MS */
	RDD_NET_CUT,   /* at AT_MS, cut short the samples still in flight */
	RDD_NET_DONE   /* none in flight, none to start */
};

struct rdd_net_step {
	enum rdd_net_action action;
	double at_ms; /* since the start of the check */
};

/*
 * The next step of NET's schedule (above). A sample i < n_samples whose
 * outcome is still RDD_SAMPLE_NOT_RUN is in flight. PHASES_END_MS is when
 * the check's last phase ended, < 0 while one runs; CHECK_RTT_MS the
 * check's own TCP connect time, < 0 when none was answered. BUSY: one
 * of the check's own TCP connections is open, or the server may still be
 * busy with one of our connections (above): then no sample starts (with
 * --samples N the driver's BUSY is the narrower rule above).
 * Pure: the driver asks again whenever a sample ends or the server closes
 * one, a connection of the check gets its X.224 answer or ends, the
 * phases end, or AT_MS comes.
 */
struct rdd_net_step rdd_net_next_step(const struct rdd_net_info *net,
                                      double phases_end_ms, double check_rtt_ms,
                                      bool busy);

/*
 * By default (RDD_NET_MODE_ALONGSIDE) the handshake of the check's opening
 * connection LABEL, started at START_MS, is the next sample: returns it,
 * in flight (RDD_SAMPLE_NOT_RUN, conn set to LABEL), or NULL in another
 * mode or when the check has taken its RDD_NET_ALONGSIDE_MAX.
 */
struct rdd_net_sample *rdd_net_own_sample(struct rdd_net_info *net,
                                          const char *label, double start_ms);

/* The grace of the samples in flight at the end, from RTT_MS (< 0: none
 * measured: the most). */
double rdd_net_grace_ms(double rtt_ms);

/* Mark the samples of NET still in flight at NOW_MS as cut short (their
 * rtt_ms: the time they waited). Returns how many. */
size_t rdd_net_cut_short(struct rdd_net_info *net, double now_ms);

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
