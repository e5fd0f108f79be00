/*
 * netpath.c - the path to the server from repeated TCP handshakes
 * (netpath.h). Pure functions: no I/O, no clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/netpath.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* When Linux sends the SYNs of one connect: at 0 s, then after an RTO of
 * 1 s doubling each time (tcp_syn_retries 6). */
static const double syn_at_ms[] = {0, 1000, 3000, 7000, 15000, 31000, 63000};

const char *
rdd_mtu_retry_name(enum rdd_mtu_retry m)
{
	switch (m) {
	case RDD_MTU_NOT_RUN:
		return "not_run";
	case RDD_MTU_OK:
		return "ok";
	case RDD_MTU_FAILED:
		return "failed";
	case RDD_MTU_NO_MSS:
		return "no_mss";
	}
	return NULL;
}

size_t
rdd_net_syns_within(double timeout_ms)
{
	size_t k;

	for (k = 1; k < NELEM(syn_at_ms) && syn_at_ms[k] < timeout_ms; k++)
		;
	return k;
}

/*
 * Retransmission steps in an answered connect of RTT_MS, on a path whose
 * fastest answered connect took BASE_MS: step K is taken when the RTT
 * reaches the K-th SYN's send time plus half the base, so a path slower
 * than a second is not all mistaken for loss (as long as one sample got
 * through on its first SYN).
 */
static size_t
steps(double rtt_ms, double base_ms)
{
	size_t k = 0;

	while (k + 1 < NELEM(syn_at_ms) &&
	       rtt_ms >= syn_at_ms[k + 1] + base_ms / 2)
		k++;
	return k;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* Nearest-rank percentile P (0..100) of the sorted V[0..N-1], N > 0. */
static double
percentile(const double *v, size_t n, double p)
{
	size_t rank = (size_t)((p / 100.0) * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

void
rdd_net_plan(struct rdd_net_info *net, size_t samples)
{
	if (net == NULL)
		return;
	net->n_samples = net->n_own = 0;
	net->present = samples > 0;
	if (samples == 0) {
		net->mode = RDD_NET_MODE_NONE;
		net->n_requested = net->n_min = 0;
	} else if (samples == RDD_NET_SAMPLES_ALONGSIDE) {
		net->mode = RDD_NET_MODE_ALONGSIDE;
		net->n_requested = RDD_NET_ALONGSIDE_MAX;
		net->n_min = RDD_NET_ALONGSIDE_MIN;
	} else {
		net->mode = RDD_NET_MODE_SPREAD;
		net->n_requested = samples;
		net->n_min =
		    samples < RDD_MAX_SAMPLES ? samples : RDD_MAX_SAMPLES;
	}
}

struct rdd_net_sample *
rdd_net_own_sample(struct rdd_net_info *net, const char *label, double start_ms)
{
	struct rdd_net_sample *s;

	if (net == NULL || net->mode != RDD_NET_MODE_ALONGSIDE ||
	    net->n_samples >= net->n_requested ||
	    net->n_samples >= RDD_MAX_SAMPLES)
		return NULL;
	s = &net->samples[net->n_samples++];
	memset(s, 0, sizeof(*s));
	s->outcome = RDD_SAMPLE_NOT_RUN;
	s->start_ms = start_ms;
	snprintf(s->conn, sizeof(s->conn), "%s",
	         label != NULL && label[0] != '\0' ? label : "?");
	net->n_own++;
	return s;
}

double
rdd_net_grace_ms(double rtt_ms)
{
	double g = RDD_NET_GRACE_RTTS * rtt_ms;

	if (rtt_ms < 0 || g > RDD_NET_GRACE_MAX_MS)
		return RDD_NET_GRACE_MAX_MS;
	return g < RDD_NET_GRACE_MIN_MS ? RDD_NET_GRACE_MIN_MS : g;
}

static struct rdd_net_step
step(enum rdd_net_action action, double at_ms)
{
	struct rdd_net_step st;

	st.action = action;
	st.at_ms = at_ms;
	return st;
}

/* Beside the check: the start of sample N, RDD_NET_ALONGSIDE_INTERVAL_MS
 * after the one before (so that a wait does not turn into a burst). */
static double
alongside_at(const struct rdd_net_info *net, size_t n)
{
	return n == 0 ? 0
	              : net->samples[n - 1].start_ms +
	                    RDD_NET_ALONGSIDE_INTERVAL_MS;
}

struct rdd_net_step
rdd_net_next_step(const struct rdd_net_info *net, double phases_end_ms,
                  double check_rtt_ms, bool busy)
{
	size_t i, n, most, min, in_flight = 0, min_in_flight = 0;
	bool running = phases_end_ms < 0, path = check_rtt_ms >= 0;
	bool alongside;
	double min_end = phases_end_ms, rtt = -1;

	if (net == NULL || net->mode == RDD_NET_MODE_NONE)
		return step(RDD_NET_DONE, 0);
	alongside = net->mode == RDD_NET_MODE_ALONGSIDE;
	n = net->n_samples < RDD_MAX_SAMPLES ? net->n_samples : RDD_MAX_SAMPLES;
	most = net->n_requested < RDD_MAX_SAMPLES ? net->n_requested
	                                          : RDD_MAX_SAMPLES;
	/* Without an answer to the check's own connects there is no path
	 * to measure: nothing is started after the end for a minimum. */
	min = !alongside || path ? net->n_min : 0;
	for (i = 0; i < n; i++) {
		const struct rdd_net_sample *s = &net->samples[i];

		if (s->outcome == RDD_SAMPLE_NOT_RUN) {
			in_flight++;
			if (i < min)
				min_in_flight++;
		} else if (i < min && s->start_ms + s->rtt_ms > min_end) {
			min_end = s->start_ms + s->rtt_ms;
		}
		/* The grace's round trip: the slowest without a lost SYN. */
		if (s->outcome == RDD_SAMPLE_OK && s->rtt_ms < syn_at_ms[1] &&
		    s->rtt_ms > rtt)
			rtt = s->rtt_ms;
	}
	if (n < most) {
		/* --samples N: 100 ms apart from 10 ms on, each as far
		 * after the one before however late that one came (while
		 * BUSY the server's accept queue may be full). */
		if (!alongside && busy)
			return step(RDD_NET_IDLE, 0); /* asked again later */
		if (!alongside)
			return step(RDD_NET_START,
			            n == 0 ? RDD_NET_SAMPLE_FIRST_MS
			                   : net->samples[n - 1].start_ms +
			                         RDD_NET_SAMPLE_INTERVAL_MS);
		if ((running || n < min) && busy)
			return step(RDD_NET_IDLE, 0); /* asked again later */
		if (running)
			return step(RDD_NET_START, alongside_at(net, n));
		/* After the end the minimum's rest (when the check's own
		 * handshakes did not give it), at once: the check's own
		 * connections are done, the accept queue holds the three, and
		 * every millisecond here is wall time the check did not
		 * spend (beside a running TLS enumeration BUSY keeps them one
		 * at a time). */
		if (n < min)
			return step(RDD_NET_START, phases_end_ms);
	}
	if (running)
		return step(RDD_NET_IDLE, 0);
	if (in_flight == 0)
		return step(RDD_NET_DONE, 0);
	/* Spread, the minimum, or no path: they end by themselves (each
	 * bounded by the phase timeout). */
	if (!alongside || !path || min_in_flight > 0)
		return step(RDD_NET_IDLE, 0);
	return step(RDD_NET_CUT,
	            min_end + rdd_net_grace_ms(rtt >= 0 ? rtt : check_rtt_ms));
}

size_t
rdd_net_cut_short(struct rdd_net_info *net, double now_ms)
{
	size_t i, n, cut = 0;

	if (net == NULL)
		return 0;
	n = net->n_samples < RDD_MAX_SAMPLES ? net->n_samples : RDD_MAX_SAMPLES;
	for (i = 0; i < n; i++) {
		struct rdd_net_sample *s = &net->samples[i];

		if (s->outcome != RDD_SAMPLE_NOT_RUN)
			continue;
		s->outcome = RDD_SAMPLE_CUT_SHORT;
		s->rtt_ms = now_ms > s->start_ms ? now_ms - s->start_ms : 0;
		cut++;
	}
	return cut;
}

void
rdd_net_summarize(struct rdd_net_info *net, double timeout_ms)
{
	double rtt[RDD_MAX_SAMPLES], prev = 0, sum_diff = 0;
	size_t i, n = 0, k, n_diff = 0;
	bool have_prev = false, have_base = false;
	double base = 0;

	if (net == NULL)
		return;
	net->n_answered = net->n_clean = net->n_cut_short = 0;
	/* Beside the check, as many were asked for as it took. */
	if (net->mode == RDD_NET_MODE_ALONGSIDE)
		net->n_requested = net->n_samples;
	net->n_own = 0;
	for (i = 0; i < net->n_samples && i < RDD_MAX_SAMPLES; i++) {
		if (net->samples[i].outcome == RDD_SAMPLE_OK)
			have_base = true;
		if (net->samples[i].conn[0] != '\0')
			net->n_own++;
	}
	/* Beside the check, the check's own connects alone and none
	 * answered: they measure no path, and the phase tcp says what
	 * happened to them ("no sample taken"). */
	if (net->mode == RDD_NET_MODE_ALONGSIDE && !have_base &&
	    net->n_own == net->n_samples)
		net->n_samples = net->n_own = net->n_requested = 0;
	have_base = false;
	net->n_lost_syn = net->n_syn_sent = 0;
	net->loss_pct = net->rtt_min_ms = net->rtt_median_ms = 0;
	net->rtt_p95_ms = net->rtt_max_ms = net->jitter_ms = 0;
	for (i = 0; i < net->n_samples && i < RDD_MAX_SAMPLES; i++)
		if (net->samples[i].outcome == RDD_SAMPLE_OK &&
		    (!have_base || net->samples[i].rtt_ms < base)) {
			base = net->samples[i].rtt_ms;
			have_base = true;
		}
	for (i = 0; i < net->n_samples && i < RDD_MAX_SAMPLES; i++) {
		const struct rdd_net_sample *s = &net->samples[i];
		double r;

		switch (s->outcome) {
		case RDD_SAMPLE_OK:
			k = steps(s->rtt_ms, base);
			r = s->rtt_ms - syn_at_ms[k];
			rtt[n++] = r;
			net->n_answered++;
			net->n_lost_syn += k;
			net->n_syn_sent += k + 1;
			if (k == 0) {
				net->n_clean++;
				if (have_prev) {
					sum_diff +=
					    r > prev ? r - prev : prev - r;
					n_diff++;
				}
				prev = r;
				have_prev = true;
			}
			break;
		case RDD_SAMPLE_TIMEOUT:
			k = rdd_net_syns_within(timeout_ms);
			net->n_lost_syn += k;
			net->n_syn_sent += k;
			break;
		case RDD_SAMPLE_CUT_SHORT:
			net->n_cut_short++;
			break;
		case RDD_SAMPLE_NOT_RUN:
		case RDD_SAMPLE_FAILED:
		default:
			break;
		}
	}
	if (net->n_syn_sent > 0)
		net->loss_pct =
		    100.0 * (double)net->n_lost_syn / (double)net->n_syn_sent;
	if (n_diff > 0)
		net->jitter_ms = sum_diff / (double)n_diff;
	if (n == 0)
		return;
	qsort(rtt, n, sizeof(rtt[0]), cmp_double);
	net->rtt_min_ms = rtt[0];
	net->rtt_max_ms = rtt[n - 1];
	net->rtt_median_ms =
	    n % 2 ? rtt[n / 2] : (rtt[n / 2 - 1] + rtt[n / 2]) / 2.0;
	net->rtt_p95_ms = percentile(rtt, n, 95.0);
}

/* The labels of the check's own connections among the samples: "A, B
 * and C". */
static void
own_labels(const struct rdd_net_info *net, char *dst, size_t cap)
{
	size_t i, k = 0,
	          n = net->n_samples < RDD_MAX_SAMPLES ? net->n_samples
	                                               : RDD_MAX_SAMPLES;
	size_t w = 0;

	dst[0] = '\0';
	for (i = 0; i < n && w < cap; i++) {
		const char *sep;
		int m;

		if (net->samples[i].conn[0] == '\0')
			continue;
		k++;
		sep = k == 1 ? "" : k == net->n_own ? " and " : ", ";
		m = snprintf(dst + w, cap - w, "%s%.7s", sep,
		             net->samples[i].conn);
		if (m < 0)
			return;
		w += (size_t)m;
	}
}

/* How the samples were taken, after the figures: "; the check's own
 * connections A, B and C[, 2 more beside the check]" or "; --samples N,
 * 100 ms apart: the check waited W ms for them". */
static int
mode_note(const struct rdd_net_info *net, char *dst, size_t cap)
{
	char own[48], cut[64] = "";
	size_t extra;

	if (net->mode == RDD_NET_MODE_SPREAD)
		return snprintf(
		    dst, cap,
		    "; --samples %zu, %d ms apart: the check waited "
		    "%.0f ms for them",
		    net->n_requested, RDD_NET_SAMPLE_INTERVAL_MS, net->wait_ms);
	if (net->mode != RDD_NET_MODE_ALONGSIDE)
		return 0;
	extra = net->n_samples > net->n_own ? net->n_samples - net->n_own : 0;
	if (net->n_cut_short > 0)
		snprintf(cut, sizeof(cut), ", %zu cut short by its end",
		         net->n_cut_short);
	own_labels(net, own, sizeof(own));
	if (net->n_own == 0)
		return snprintf(dst, cap, "; beside the check%s", cut);
	if (extra == 0)
		return snprintf(dst, cap, "; the check's own connection%s %s%s",
		                net->n_own == 1 ? "" : "s", own, cut);
	return snprintf(dst, cap,
	                "; the check's own connection%s %s, %zu more beside "
	                "the check%s",
	                net->n_own == 1 ? "" : "s", own, extra, cut);
}

void
rdd_net_conclude(struct rdd_observation *obs)
{
	struct rdd_phase_result *ph;
	const struct rdd_net_info *net;
	double first = 0, last = 0;
	size_t i, n, counted;
	int w;

	if (obs == NULL)
		return;
	net = &obs->net;
	ph = &obs->phases[RDD_PHASE_NETWORK];
	if (!net->present && net->mtu == RDD_MTU_NOT_RUN)
		return;
	ph->present = true;
	ph->detail[0] = '\0';
	n = net->n_samples < RDD_MAX_SAMPLES ? net->n_samples : RDD_MAX_SAMPLES;
	for (i = 0; i < n; i++) {
		const struct rdd_net_sample *s = &net->samples[i];
		double end = s->start_ms + s->rtt_ms;

		if (i == 0 || s->start_ms < first)
			first = s->start_ms;
		if (end > last)
			last = end;
	}
	ph->start_ms = first;
	ph->ms = last > first ? last - first : 0;
	/* Those cut short by the end of the check count nowhere. */
	counted = n > net->n_cut_short ? n - net->n_cut_short : 0;
	if (n == 0 && net->mode == RDD_NET_MODE_ALONGSIDE) {
		/* Beside the check the minimum always starts, unless the
		 * check's own connects got no answer (rdd_net_next_step). */
		ph->status = RDD_STATUS_SKIPPED;
		w = snprintf(ph->detail, sizeof(ph->detail),
		             "no sample taken: the check's own TCP connects "
		             "failed");
	} else if (n == 0) {
		ph->status = RDD_STATUS_OK;
		w = 0;
	} else if (net->n_answered > 0) {
		ph->status = RDD_STATUS_OK;
		w = snprintf(
		    ph->detail, sizeof(ph->detail),
		    "%zu of %zu handshakes answered: RTT min/median/p95 "
		    "%.1f/%.1f/%.1f ms, jitter %.1f ms, loss %.1f%% "
		    "(%zu of %zu SYNs)",
		    net->n_answered, counted, net->rtt_min_ms,
		    net->rtt_median_ms, net->rtt_p95_ms, net->jitter_ms,
		    net->loss_pct, net->n_lost_syn, net->n_syn_sent);
	} else if (counted == 0) {
		ph->status = RDD_STATUS_SKIPPED;
		w = snprintf(ph->detail, sizeof(ph->detail),
		             "no handshake ended before the check did");
	} else {
		bool timeout = net->n_lost_syn > 0;

		ph->status = timeout ? RDD_STATUS_TIMEOUT : RDD_STATUS_FAILED;
		w = snprintf(ph->detail, sizeof(ph->detail),
		             "none of %zu handshakes answered", counted);
	}
	if (w < 0)
		w = 0;
	if (n > 0 && (size_t)w < sizeof(ph->detail)) {
		int m = mode_note(net, ph->detail + w,
		                  sizeof(ph->detail) - (size_t)w);

		if (m > 0)
			w += m;
	}
	if (net->mtu != RDD_MTU_NOT_RUN && (size_t)w < sizeof(ph->detail))
		snprintf(ph->detail + w, sizeof(ph->detail) - (size_t)w,
		         "%sMTU retry (MSS %d): %s", w > 0 ? "; " : "",
		         net->mtu_mss,
		         net->mtu == RDD_MTU_OK       ? "TLS completed"
		         : net->mtu == RDD_MTU_NO_MSS ? "MSS not settable"
		                                      : "TLS failed again");
}

static bool
selects_tls(const struct rdd_attempt *a)
{
	return a->x224 == RDD_X224_RSP && (a->selected == RDD_PROTO_SSL ||
	                                   a->selected == RDD_PROTO_HYBRID ||
	                                   a->selected == RDD_PROTO_HYBRID_EX);
}

bool
rdd_plan_mtu_retry(const struct rdd_observation *obs,
                   struct rdd_plan_entry *out)
{
	static const struct rdd_plan_entry m = {
	    "M",   RDD_PROTO_SSL | RDD_PROTO_HYBRID | RDD_PROTO_HYBRID_EX,
	    true,  false,
	    false, false,
	    0,     false};
	size_t i;

	if (obs == NULL || obs->net.mtu != RDD_MTU_NOT_RUN)
		return false;
	for (i = 0; i < obs->n_attempts && i < RDD_MAX_ATTEMPTS; i++) {
		const struct rdd_attempt *a = &obs->attempts[i];

		if (strcmp(a->label, "A") != 0)
			continue;
		if (!selects_tls(a) || a->tls != RDD_TLS_TIMEOUT)
			return false;
		if (out != NULL)
			*out = m;
		return true;
	}
	return false;
}
