/*
 * network.c - the rules of phases udp and network: RDP-UDP blocked, and the
 * path's latency, jitter, loss and MTU black hole.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

/*
 * The RDPEUDP SYN got no SYN+ACK (or an ICMP port unreachable) while TCP
 * works: the client falls back to TCP. A host that answers nothing at all
 * is tcp-timeout's, not this.
 */
void
rdd__rules_udp(struct ctx *c)
{
	const struct rdd_udp_info *u = &c->obs->udp;
	const struct rdd_mcs_info *m = &c->obs->mcs;
	char mt[128] = "";
	struct draft *d;

	if (c->a == NULL || c->a->tcp != RDD_TCP_OK ||
	    (u->outcome != RDD_UDP_NO_ANSWER && u->outcome != RDD_UDP_REFUSED))
		return;
	if (m->outcome == RDD_MCS_OK && m->has_multitransport)
		snprintf(mt, sizeof(mt),
		         "; yet the MCS Connect-Response offers UDP "
		         "(SC_MULTITRANSPORT flags 0x%08x)",
		         (unsigned)m->multitransport_flags);
	else if (m->outcome == RDD_MCS_OK)
		snprintf(mt, sizeof(mt),
		         "; the MCS Connect-Response has no SC_MULTITRANSPORT "
		         "either");
	if (u->outcome == RDD_UDP_REFUSED)
		d = rdd__emit(
		    c, RDD_CAUSE_UDP_BLOCKED,
		    "ICMP port unreachable in answer to an RDP-UDP SYN on "
		    "UDP %u: nothing listens there or a firewall rejects "
		    "it; clients fall back to TCP%s",
		    (unsigned)u->port, mt);
	else
		d = rdd__emit(
		    c, RDD_CAUSE_UDP_BLOCKED,
		    "no SYN+ACK to %u RDP-UDP SYNs on UDP %u within %.0f "
		    "ms while TCP %u answers: dropped on the way, or no "
		    "UDP listener; clients fall back to TCP%s",
		    u->syns_sent, (unsigned)u->port, u->ms,
		    (unsigned)c->obs->port, mt);
	rdd__set_headline(d, "RDP over UDP %u is blocked", (unsigned)u->port);
}

/* --- the path (phase network) ----------------------------------------- */

/* The samples of NET whose outcome is O. */
static size_t
count(const struct rdd_net_info *net, enum rdd_sample_outcome o)
{
	size_t i, k = 0;

	for (i = 0; i < net->n_samples && i < RDD_MAX_SAMPLES; i++)
		if (net->samples[i].outcome == o)
			k++;
	return k;
}

/* "; 3 of them the check's own connections' handshakes" (by default)
 * and "; 2 more cut short by the end of the check, not counted", or "". */
static void
cut_note(const struct rdd_net_info *net, char *dst, size_t cap)
{
	int w = 0;

	dst[0] = '\0';
	if (net->n_own > 0)
		w = snprintf(dst, cap,
		             "; %zu of them the check's own connections' "
		             "handshakes",
		             net->n_own);
	if (w < 0 || (size_t)w >= cap)
		return;
	if (net->n_cut_short > 0)
		snprintf(dst + w, cap - (size_t)w,
		         "; %zu more cut short by the end of the check, not "
		         "counted",
		         net->n_cut_short);
}

/*
 * The samples (repeated TCP handshakes) and the MTU retry; thresholds in
 * netpath.h. Only when some handshake was answered: a path where none is
 * is a blocked port (tcp-timeout), not a lossy one. The evidence names the
 * samples each finding rests on; those cut short count nowhere.
 */
void
rdd__rules_network(struct ctx *c)
{
	const struct rdd_net_info *net = &c->obs->net;
	struct draft *d;
	char cut[160];
	size_t counted = net->n_samples > net->n_cut_short
	                     ? net->n_samples - net->n_cut_short
	                     : 0;

	cut_note(net, cut, sizeof(cut));

	if (net->present && net->n_answered > 0) {
		if (net->rtt_median_ms > RDD_NET_LATENCY_MS) {
			d = rdd__emit(
			    c, RDD_CAUSE_NET_HIGH_LATENCY,
			    "median RTT %.1f ms over %zu TCP handshakes "
			    "(min %.1f, p95 %.1f ms; threshold %.0f ms)%s",
			    net->rtt_median_ms, net->n_answered,
			    net->rtt_min_ms, net->rtt_p95_ms,
			    RDD_NET_LATENCY_MS, cut);
			rdd__set_headline(
			    d, "the round trip to the server is %.0f ms",
			    net->rtt_median_ms);
		}
		if (net->n_clean >= RDD_NET_JITTER_MIN_CLEAN &&
		    net->jitter_ms > RDD_NET_JITTER_MS) {
			d = rdd__emit(
			    c, RDD_CAUSE_NET_JITTER,
			    "RTT varies by %.1f ms between consecutive "
			    "handshakes, over %zu clean samples of %zu (min "
			    "%.1f, median %.1f, max %.1f ms; threshold %.0f "
			    "ms, at least %d clean samples)%s",
			    net->jitter_ms, net->n_clean, counted,
			    net->rtt_min_ms, net->rtt_median_ms,
			    net->rtt_max_ms, RDD_NET_JITTER_MS,
			    RDD_NET_JITTER_MIN_CLEAN, cut);
			rdd__set_headline(d, "round-trip times vary by %.0f ms",
			                  net->jitter_ms);
		}
		if (net->n_lost_syn >= RDD_NET_LOSS_MIN_LOST) {
			size_t late = net->n_answered - net->n_clean;
			size_t never = count(net, RDD_SAMPLE_TIMEOUT);
			size_t failed = count(net, RDD_SAMPLE_FAILED);
			char f[48] = "";

			if (failed > 0)
				snprintf(f, sizeof(f),
				         ", %zu refused or failed", failed);
			d = rdd__emit(
			    c, RDD_CAUSE_NET_PACKET_LOSS,
			    "%zu of %zu SYN exchanges lost (%.1f%%) over "
			    "%zu samples: %zu answered at once, %zu after a "
			    "retransmission, %zu never answered%s%s",
			    net->n_lost_syn, net->n_syn_sent, net->loss_pct,
			    counted, net->n_clean, late, never, f, cut);
			rdd__set_headline(d, "%.0f%% of the packets are lost",
			                  net->loss_pct);
		}
	}
	if (net->mtu == RDD_MTU_OK) {
		d = rdd__emit(
		    c, RDD_CAUSE_NET_MTU_BLACKHOLE,
		    "%s; %s: full-size packets are lost, small ones pass",
		    net->mtu_first_detail, net->mtu_detail);
		rdd__set_headline(d,
		                  "full-size packets are lost on the path (MTU "
		                  "black hole)");
	}
}

const struct draft *
rdd__path_cause(const struct ctx *c)
{
	static const enum rdd_cause order[] = {
	    RDD_CAUSE_NET_MTU_BLACKHOLE,
	    RDD_CAUSE_NET_PACKET_LOSS,
	    RDD_CAUSE_NET_HIGH_LATENCY,
	    RDD_CAUSE_NET_JITTER,
	};
	size_t k, i;

	for (k = 0; k < NELEM(order); k++)
		for (i = 0; i < c->n; i++)
			if (c->d[i].f.cause == order[k])
				return &c->d[i];
	return NULL;
}
