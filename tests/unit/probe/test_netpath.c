/*
 * test_netpath.c - the path summary from synthetic samples (no timing:
 * every RTT here is made up), the network phase and the MTU retry plan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rdpdoctor/netpath.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* RTT < 0: no answer within the timeout; 0: failed (refused). */
static void
fill(struct rdd_net_info *n, const double *rtt, size_t count)
{
	size_t i;

	memset(n, 0, sizeof(*n));
	n->present = true;
	n->n_requested = count;
	n->n_samples = count;
	for (i = 0; i < count; i++) {
		n->samples[i].start_ms = 10 + 100.0 * (double)i;
		n->samples[i].outcome = rtt[i] < 0    ? RDD_SAMPLE_TIMEOUT
		                        : rtt[i] == 0 ? RDD_SAMPLE_FAILED
		                                      : RDD_SAMPLE_OK;
		n->samples[i].rtt_ms = rtt[i] < 0 ? 2000 : rtt[i];
	}
}

static void
test_clean(void **state)
{
	static const double rtt[] = {10, 12, 11, 13, 14};
	struct rdd_net_info n;

	(void)state;
	fill(&n, rtt, NELEM(rtt));
	rdd_net_summarize(&n, 2000);
	assert_int_equal(n.n_answered, 5);
	assert_int_equal(n.n_clean, 5);
	assert_int_equal(n.n_lost_syn, 0);
	assert_int_equal(n.n_syn_sent, 5);
	assert_true(n.loss_pct == 0);
	assert_true(n.rtt_min_ms == 10);
	assert_true(n.rtt_median_ms == 12);
	assert_true(n.rtt_p95_ms == 14);
	assert_true(n.rtt_max_ms == 14);
	/* |2| |1| |2| |1| / 4 */
	assert_true(n.jitter_ms == 1.5);
}

static void
test_even_median_and_p95(void **state)
{
	static const double rtt[] = {40, 10, 30, 20};
	struct rdd_net_info n;

	(void)state;
	fill(&n, rtt, NELEM(rtt));
	rdd_net_summarize(&n, 2000);
	assert_true(n.rtt_median_ms == 25);
	assert_true(n.rtt_p95_ms == 40);
}

/* The 1 s and 3 s steps of Linux's SYN retransmission are loss, and the
 * path's RTT is what remains. */
static void
test_retransmission_steps(void **state)
{
	static const double rtt[] = {150, 1150, 3151, 152, -1};
	struct rdd_net_info n;

	(void)state;
	fill(&n, rtt, NELEM(rtt));
	rdd_net_summarize(&n, 2000);
	assert_int_equal(n.n_answered, 4);
	assert_int_equal(n.n_clean, 2);
	/* 0+1+2+0 lost from the answered ones, 2 (0 s and 1 s) from the
	 * timeout of 2 s. */
	assert_int_equal(n.n_lost_syn, 5);
	assert_int_equal(n.n_syn_sent, 1 + 2 + 3 + 1 + 2);
	assert_true(n.rtt_min_ms == 150);
	assert_true(n.rtt_max_ms == 152);
	assert_true(n.rtt_median_ms == 150.5);
	/* Only clean samples count for jitter: 150 then 152. */
	assert_true(n.jitter_ms == 2);
}

/* A path slower than a second is not mistaken for loss. */
static void
test_slow_path_is_not_loss(void **state)
{
	static const double rtt[] = {1100, 1102, 2101, 1101};
	struct rdd_net_info n;

	(void)state;
	fill(&n, rtt, NELEM(rtt));
	rdd_net_summarize(&n, 5000);
	assert_int_equal(n.n_lost_syn, 1); /* 2101 = 1101 + one step */
	assert_true(n.rtt_median_ms == 1101);
}

static void
test_failed_samples_do_not_count(void **state)
{
	static const double rtt[] = {0, 0, 5};
	struct rdd_net_info n;

	(void)state;
	fill(&n, rtt, NELEM(rtt));
	rdd_net_summarize(&n, 2000);
	assert_int_equal(n.n_answered, 1);
	assert_int_equal(n.n_syn_sent, 1);
	assert_true(n.jitter_ms == 0);
}

static void
test_syns_within(void **state)
{
	(void)state;
	assert_int_equal(rdd_net_syns_within(500), 1);
	assert_int_equal(rdd_net_syns_within(1000), 1);
	assert_int_equal(rdd_net_syns_within(2000), 2);
	assert_int_equal(rdd_net_syns_within(5000), 3);
	assert_int_equal(rdd_net_syns_within(1e9), 7);
}

static void
test_phase(void **state)
{
	static const double rtt[] = {-1, -1};
	struct rdd_observation obs;

	(void)state;
	rdd_observation_init(&obs);
	rdd_net_conclude(&obs);
	assert_false(obs.phases[RDD_PHASE_NETWORK].present);

	fill(&obs.net, rtt, NELEM(rtt));
	rdd_net_summarize(&obs.net, 2000);
	rdd_net_conclude(&obs);
	assert_true(obs.phases[RDD_PHASE_NETWORK].present);
	assert_int_equal(obs.phases[RDD_PHASE_NETWORK].status,
	                 RDD_STATUS_TIMEOUT);
	assert_string_equal(obs.phases[RDD_PHASE_NETWORK].detail,
	                    "none of 2 handshakes answered");
}

static void
test_mtu_retry_plan(void **state)
{
	struct rdd_observation obs;
	struct rdd_attempt *a;
	struct rdd_plan_entry e;

	(void)state;
	rdd_observation_init(&obs);
	assert_false(rdd_plan_mtu_retry(&obs, &e));
	assert_false(rdd_plan_mtu_retry(NULL, &e));
	a = &obs.attempts[obs.n_attempts++];
	snprintf(a->label, sizeof(a->label), "A");
	a->x224 = RDD_X224_RSP;
	a->selected = RDD_PROTO_HYBRID;
	a->tls = RDD_TLS_TIMEOUT;
	assert_true(rdd_plan_mtu_retry(&obs, &e));
	assert_string_equal(e.label, "M");
	assert_int_equal(e.requested, 0x0b);
	assert_true(e.tls);
	assert_false(e.credssp || e.mcs);
	/* Standard RDP security: no TLS flight to lose. */
	a->selected = RDD_PROTO_RDP;
	assert_false(rdd_plan_mtu_retry(&obs, &e));
	a->selected = RDD_PROTO_SSL;
	a->tls = RDD_TLS_OK;
	assert_false(rdd_plan_mtu_retry(&obs, &e));
	a->tls = RDD_TLS_TIMEOUT;
	obs.net.mtu = RDD_MTU_FAILED; /* ran already */
	assert_false(rdd_plan_mtu_retry(&obs, &e));
	assert_string_equal(rdd_mtu_retry_name(RDD_MTU_OK), "ok");
	assert_string_equal(rdd_mtu_retry_name(RDD_MTU_NO_MSS), "no_mss");
	assert_null(rdd_mtu_retry_name((enum rdd_mtu_retry)99));
}

/* --- the schedule (rdd_net_next_step): times are made up, no clock --- */

/* The next sample of N, started at START_MS and in flight. */
static void
started(struct rdd_net_info *n, double start_ms)
{
	struct rdd_net_sample *s = &n->samples[n->n_samples++];

	s->outcome = RDD_SAMPLE_NOT_RUN;
	s->start_ms = start_ms;
	s->rtt_ms = 0;
}

/* Sample I ended with O after RTT_MS. */
static void
ended(struct rdd_net_info *n, size_t i, enum rdd_sample_outcome o,
      double rtt_ms)
{
	n->samples[i].outcome = o;
	n->samples[i].rtt_ms = rtt_ms;
}

static void
expect_step(struct rdd_net_step st, enum rdd_net_action action, double at_ms)
{
	assert_int_equal(st.action, action);
	if (action == RDD_NET_START || action == RDD_NET_CUT)
		assert_float_equal(st.at_ms, at_ms, 1e-9);
}

static void
test_plan(void **state)
{
	struct rdd_net_info n;

	(void)state;
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, 0);
	assert_false(n.present);
	assert_int_equal(n.mode, RDD_NET_MODE_NONE);
	expect_step(rdd_net_next_step(&n, -1, -1, false), RDD_NET_DONE, 0);

	rdd_net_plan(&n, RDD_NET_DEFAULT_SAMPLES);
	assert_true(n.present);
	assert_int_equal(n.mode, RDD_NET_MODE_ALONGSIDE);
	assert_int_equal(n.n_requested, RDD_NET_ALONGSIDE_MAX);
	assert_int_equal(n.n_min, RDD_NET_ALONGSIDE_MIN);
	/* The least the jitter rule judges. */
	assert_int_equal(RDD_NET_ALONGSIDE_MIN, RDD_NET_JITTER_MIN_CLEAN);

	rdd_net_plan(&n, 5);
	assert_int_equal(n.mode, RDD_NET_MODE_SPREAD);
	assert_int_equal(n.n_requested, 5);
	assert_int_equal(n.n_min, 5);
	rdd_net_plan(&n, 40);
	assert_int_equal(n.n_min, RDD_MAX_SAMPLES);
	rdd_net_plan(NULL, 3); /* must not crash */
}

/* While the check runs, when the driver lets them (not BUSY): the first
 * at once, then one every 20 ms, at most 8. */
static void
test_alongside_while_running(void **state)
{
	static const double at[] = {0, 20, 40, 60, 80, 100, 120, 140};
	struct rdd_net_info n;
	size_t i;

	(void)state;
	assert_int_equal(NELEM(at), RDD_NET_ALONGSIDE_MAX);
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, RDD_NET_SAMPLES_ALONGSIDE);
	for (i = 0; i < RDD_NET_ALONGSIDE_MAX; i++) {
		expect_step(rdd_net_next_step(&n, -1, 0.2, false),
		            RDD_NET_START, at[i]);
		started(&n, at[i]);
		/* Half of them still in flight. */
		if (i % 2 == 0)
			ended(&n, i, RDD_SAMPLE_OK, 0.3);
	}
	/* All started: nothing until the phases end. */
	expect_step(rdd_net_next_step(&n, -1, 0.2, false), RDD_NET_IDLE, 0);
	/* The second (of the minimum) is still in flight: waited for. */
	expect_step(rdd_net_next_step(&n, 200, 0.2, false), RDD_NET_IDLE, 0);
	for (i = 1; i < RDD_NET_ALONGSIDE_MAX; i += 2)
		ended(&n, i, RDD_SAMPLE_OK, 0.3);
	expect_step(rdd_net_next_step(&n, 200, 0.2, false), RDD_NET_DONE, 0);
}

/* While the server may be busy with one of our connections (one of the
 * check's has no X.224 answer yet, or it has not closed the last sample),
 * no sample starts beside the check; then each comes as far after the
 * last as the schedule spaces them (no burst to catch up). After the
 * end only the minimum's rest starts. */
static void
test_alongside_busy(void **state)
{
	struct rdd_net_info n;

	(void)state;
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, RDD_NET_SAMPLES_ALONGSIDE);
	expect_step(rdd_net_next_step(&n, -1, -1, true), RDD_NET_IDLE, 0);
	/* Free at 14 ms: the first is due at once. */
	expect_step(rdd_net_next_step(&n, -1, 0.3, false), RDD_NET_START, 0);
	started(&n, 14);
	/* The second 20 ms after the first. */
	expect_step(rdd_net_next_step(&n, -1, 0.3, false), RDD_NET_START, 34);
	expect_step(rdd_net_next_step(&n, -1, 0.3, true), RDD_NET_IDLE, 0);
	started(&n, 30);
	ended(&n, 0, RDD_SAMPLE_OK, 0.3);
	ended(&n, 1, RDD_SAMPLE_OK, 0.3);
	expect_step(rdd_net_next_step(&n, -1, 0.3, false), RDD_NET_START, 50);
	/* After the end the minimum's third waits while the server is still
	 * busy (the driver says so only beside a TLS enumeration), then
	 * comes at once, with no gap after the second. */
	expect_step(rdd_net_next_step(&n, 31, 0.3, true), RDD_NET_IDLE, 0);
	expect_step(rdd_net_next_step(&n, 31, 0.3, false), RDD_NET_START, 31);
	expect_step(rdd_net_next_step(&n, 36, 0.3, false), RDD_NET_START, 36);
	/* Running, the fourth: 20 ms after the third, however late that
	 * came. */
	started(&n, 40);
	ended(&n, 2, RDD_SAMPLE_OK, 0.3);
	expect_step(rdd_net_next_step(&n, -1, 0.3, false), RDD_NET_START, 60);
	/* After the end, beyond the minimum, nothing starts, busy or not;
	 * a sample in flight is cut after the grace. */
	started(&n, 60);
	expect_step(rdd_net_next_step(&n, 62, 0.3, true), RDD_NET_CUT, 67);
	expect_step(rdd_net_next_step(&n, 62, 0.3, false), RDD_NET_CUT, 67);
	/* --samples N: 100 ms apart, none while busy (the driver's busy
	 * is narrower there: a connection of the check without its X.224
	 * answer), the next 100 ms after a late one. */
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, 4);
	expect_step(rdd_net_next_step(&n, -1, 0.3, true), RDD_NET_IDLE, 0);
	expect_step(rdd_net_next_step(&n, -1, 0.3, false), RDD_NET_START, 10);
	started(&n, 10);
	started(&n, 125);
	expect_step(rdd_net_next_step(&n, 50, 0.3, false), RDD_NET_START, 225);
}

/* The phases end: no new sample; the one in flight gets a grace of 3
 * round trips (at least 5 ms) and is then cut short, not lost. */
static void
test_alongside_end_cuts_short(void **state)
{
	struct rdd_net_info n;

	(void)state;
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, RDD_NET_SAMPLES_ALONGSIDE);
	started(&n, 5);
	started(&n, 8);
	started(&n, 11);
	started(&n, 31);
	ended(&n, 0, RDD_SAMPLE_OK, 2.0);
	ended(&n, 1, RDD_SAMPLE_OK, 3.0);
	ended(&n, 2, RDD_SAMPLE_OK, 2.5);
	/* Running: the fifth is due at 51. */
	expect_step(rdd_net_next_step(&n, -1, 1.0, false), RDD_NET_START, 51);
	/* Ended at 40: not started; the fourth cut at 40 + 3 * 3.0 (the
	 * slowest clean sample, not the check's own 1.0). */
	expect_step(rdd_net_next_step(&n, 40, 1.0, false), RDD_NET_CUT, 49);
	assert_int_equal(rdd_net_cut_short(&n, 49), 1);
	assert_int_equal(n.samples[3].outcome, RDD_SAMPLE_CUT_SHORT);
	assert_float_equal(n.samples[3].rtt_ms, 18, 1e-9);
	assert_int_equal(rdd_net_cut_short(&n, 60), 0); /* once */
	expect_step(rdd_net_next_step(&n, 40, 1.0, false), RDD_NET_DONE, 0);

	/* Cut short counts nowhere: no SYN lost, not answered. */
	rdd_net_summarize(&n, 5000);
	assert_int_equal(n.n_answered, 3);
	assert_int_equal(n.n_cut_short, 1);
	assert_int_equal(n.n_lost_syn, 0);
	assert_int_equal(n.n_syn_sent, 3);
	assert_true(n.loss_pct == 0);
	/* Beside the check, as many were asked for as were started. */
	assert_int_equal(n.n_requested, 4);
}

/* The check ended before the minimum was started: the rest start at
 * once, together, and are waited for; nothing is cut. */
static void
test_alongside_minimum_after_end(void **state)
{
	struct rdd_net_info n;

	(void)state;
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, RDD_NET_SAMPLES_ALONGSIDE);
	started(&n, 6);
	ended(&n, 0, RDD_SAMPLE_OK, 0.4);
	/* Phases ended at 7: the second and the third at 7, not 3 ms
	 * after the one before (that would be wall time the check did not
	 * spend). */
	expect_step(rdd_net_next_step(&n, 7, 0.3, false), RDD_NET_START, 7);
	started(&n, 7);
	expect_step(rdd_net_next_step(&n, 7, 0.3, false), RDD_NET_START, 7);
	started(&n, 7);
	/* The minimum is started; the fourth is not. */
	expect_step(rdd_net_next_step(&n, 7, 0.3, false), RDD_NET_IDLE, 0);
	ended(&n, 1, RDD_SAMPLE_OK, 0.4);
	expect_step(rdd_net_next_step(&n, 7, 0.3, false), RDD_NET_IDLE, 0);
	ended(&n, 2, RDD_SAMPLE_OK, 0.5);
	expect_step(rdd_net_next_step(&n, 7, 0.3, false), RDD_NET_DONE, 0);
	assert_int_equal(n.n_samples, RDD_NET_ALONGSIDE_MIN);

	/* Ended long after the last start: the next starts at the end. */
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, RDD_NET_SAMPLES_ALONGSIDE);
	started(&n, 6);
	ended(&n, 0, RDD_SAMPLE_OK, 0.4);
	expect_step(rdd_net_next_step(&n, 27.5, 0.3, false), RDD_NET_START,
	            27.5);
	/* None started before the end: the first at the end. */
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, RDD_NET_SAMPLES_ALONGSIDE);
	expect_step(rdd_net_next_step(&n, 3, 0.3, false), RDD_NET_START, 3);
}

/* A sample of the minimum that lost its SYN is waited for (its loss is
 * what the samples are for); the others in flight are cut a grace after
 * it ends, not after the phases. */
static void
test_alongside_minimum_lost_syn(void **state)
{
	struct rdd_net_info n;

	(void)state;
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, RDD_NET_SAMPLES_ALONGSIDE);
	started(&n, 10);
	started(&n, 30);
	started(&n, 50);
	started(&n, 70);
	started(&n, 90);
	ended(&n, 0, RDD_SAMPLE_OK, 1.0);
	ended(&n, 2, RDD_SAMPLE_OK, 1.2);
	ended(&n, 3, RDD_SAMPLE_OK, 1.1);
	/* The second (of the minimum) and the fifth are in flight. */
	expect_step(rdd_net_next_step(&n, 100, 0.8, false), RDD_NET_IDLE, 0);
	ended(&n, 1, RDD_SAMPLE_OK, 1001.0); /* after one retransmission */
	/* Cut at 30 + 1001 + 5 (3 * 1.2 is under the 5 ms floor). */
	expect_step(rdd_net_next_step(&n, 100, 0.8, false), RDD_NET_CUT, 1036);
	rdd_net_cut_short(&n, 1036);
	rdd_net_summarize(&n, 5000);
	assert_int_equal(n.n_lost_syn, 1);
	assert_int_equal(n.n_syn_sent, 5);
	assert_int_equal(n.n_answered, 4);
	assert_int_equal(n.n_cut_short, 1);
	assert_float_equal(n.samples[4].rtt_ms, 946, 1e-9);

	/* A sample beyond the minimum that lost its SYN: cut short at the
	 * end, so not loss. */
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, RDD_NET_SAMPLES_ALONGSIDE);
	started(&n, 10);
	started(&n, 30);
	started(&n, 50);
	started(&n, 70);
	ended(&n, 0, RDD_SAMPLE_OK, 1.0);
	ended(&n, 1, RDD_SAMPLE_OK, 1.0);
	ended(&n, 2, RDD_SAMPLE_OK, 1.0);
	expect_step(rdd_net_next_step(&n, 80, 0.9, false), RDD_NET_CUT, 85);
	rdd_net_cut_short(&n, 85);
	rdd_net_summarize(&n, 5000);
	assert_int_equal(n.n_lost_syn, 0);
	assert_int_equal(n.n_cut_short, 1);
}

/* The check's own connects got no answer: no path to measure. Nothing
 * starts after the end, and nothing is cut: those in flight end by
 * their own timeout (a timeout there is the same evidence as the
 * check's). */
static void
test_alongside_no_path(void **state)
{
	struct rdd_net_info n;

	(void)state;
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, RDD_NET_SAMPLES_ALONGSIDE);
	expect_step(rdd_net_next_step(&n, 1.5, -1, false), RDD_NET_DONE, 0);
	started(&n, 10);
	started(&n, 30);
	expect_step(rdd_net_next_step(&n, 2000, -1, false), RDD_NET_IDLE, 0);
	ended(&n, 0, RDD_SAMPLE_TIMEOUT, 2000);
	ended(&n, 1, RDD_SAMPLE_TIMEOUT, 2000);
	expect_step(rdd_net_next_step(&n, 2000, -1, false), RDD_NET_DONE, 0);
}

/* --samples N: 100 ms apart whatever the phases do, all waited for,
 * none cut short. */
static void
test_spread(void **state)
{
	struct rdd_net_info n;

	(void)state;
	memset(&n, 0, sizeof(n));
	rdd_net_plan(&n, 3);
	expect_step(rdd_net_next_step(&n, -1, 0.5, false), RDD_NET_START, 10);
	started(&n, 10);
	ended(&n, 0, RDD_SAMPLE_OK, 0.5);
	/* The phases ended at 40: the next still at 110. */
	expect_step(rdd_net_next_step(&n, 40, 0.5, false), RDD_NET_START, 110);
	started(&n, 110);
	expect_step(rdd_net_next_step(&n, 40, 0.5, false), RDD_NET_START, 210);
	started(&n, 210);
	expect_step(rdd_net_next_step(&n, 40, 0.5, false), RDD_NET_IDLE, 0);
	ended(&n, 1, RDD_SAMPLE_OK, 0.5);
	ended(&n, 2, RDD_SAMPLE_OK, 1000.5);
	expect_step(rdd_net_next_step(&n, 40, 0.5, false), RDD_NET_DONE, 0);
	rdd_net_summarize(&n, 5000);
	assert_int_equal(n.n_requested, 3);
	assert_int_equal(n.n_lost_syn, 1);
	assert_int_equal(n.n_cut_short, 0);
}

static void
test_grace(void **state)
{
	(void)state;
	assert_true(rdd_net_grace_ms(-1) == RDD_NET_GRACE_MAX_MS);
	assert_true(rdd_net_grace_ms(0.1) == RDD_NET_GRACE_MIN_MS);
	assert_true(rdd_net_grace_ms(10) == 30);
	assert_true(rdd_net_grace_ms(50) == RDD_NET_GRACE_MAX_MS);
	/* No clean sample: the check's own RTT (20 ms: 60 ms). */
	{
		struct rdd_net_info n;

		memset(&n, 0, sizeof(n));
		rdd_net_plan(&n, RDD_NET_SAMPLES_ALONGSIDE);
		started(&n, 10);
		started(&n, 30);
		started(&n, 50);
		started(&n, 70);
		ended(&n, 0, RDD_SAMPLE_FAILED, 0.1);
		ended(&n, 1, RDD_SAMPLE_OK, 1020);
		ended(&n, 2, RDD_SAMPLE_FAILED, 0.1);
		/* The minimum's end: 30 + 1020. */
		expect_step(rdd_net_next_step(&n, 100, 20, false), RDD_NET_CUT,
		            1050 + 60);
	}
}

/* The phase line: counted samples, and how they were taken. */
static void
test_phase_modes(void **state)
{
	struct rdd_observation obs;
	struct rdd_net_info *n = &obs.net;

	(void)state;
	rdd_observation_init(&obs);
	rdd_net_plan(n, RDD_NET_SAMPLES_ALONGSIDE);
	started(n, 10);
	started(n, 30);
	started(n, 50);
	started(n, 70);
	ended(n, 0, RDD_SAMPLE_OK, 1.0);
	ended(n, 1, RDD_SAMPLE_OK, 2.0);
	ended(n, 2, RDD_SAMPLE_OK, 3.0);
	rdd_net_cut_short(n, 80);
	rdd_net_summarize(n, 5000);
	rdd_net_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_NETWORK].status, RDD_STATUS_OK);
	assert_string_equal(obs.phases[RDD_PHASE_NETWORK].detail,
	                    "3 of 3 handshakes answered: RTT min/median/p95 "
	                    "1.0/2.0/3.0 ms, jitter 1.0 ms, loss 0.0% (0 of "
	                    "3 SYNs); beside the check, 1 cut short by its "
	                    "end");

	/* All cut short (a degenerate end): no status to claim. */
	rdd_observation_init(&obs);
	rdd_net_plan(n, RDD_NET_SAMPLES_ALONGSIDE);
	started(n, 10);
	rdd_net_cut_short(n, 20);
	rdd_net_summarize(n, 5000);
	rdd_net_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_NETWORK].status,
	                 RDD_STATUS_SKIPPED);
	assert_string_equal(obs.phases[RDD_PHASE_NETWORK].detail,
	                    "no handshake ended before the check did; beside "
	                    "the check, 1 cut short by its end");

	/* None taken beside the check: its own TCP connects failed. */
	rdd_observation_init(&obs);
	rdd_net_plan(n, RDD_NET_SAMPLES_ALONGSIDE);
	rdd_net_summarize(n, 5000);
	rdd_net_conclude(&obs);
	assert_true(obs.phases[RDD_PHASE_NETWORK].present);
	assert_int_equal(obs.phases[RDD_PHASE_NETWORK].status,
	                 RDD_STATUS_SKIPPED);
	assert_string_equal(obs.phases[RDD_PHASE_NETWORK].detail,
	                    "no sample taken: the check's own TCP connects "
	                    "failed");

	/* Spread: the wait is said. */
	rdd_observation_init(&obs);
	rdd_net_plan(n, 2);
	started(n, 10);
	started(n, 110);
	ended(n, 0, RDD_SAMPLE_OK, 1.0);
	ended(n, 1, RDD_SAMPLE_OK, 1.0);
	n->wait_ms = 71.4;
	rdd_net_summarize(n, 5000);
	rdd_net_conclude(&obs);
	assert_non_null(strstr(obs.phases[RDD_PHASE_NETWORK].detail,
	                       "2 of 2 handshakes answered"));
	assert_non_null(strstr(obs.phases[RDD_PHASE_NETWORK].detail,
	                       "; --samples 2, 100 ms apart: the check "
	                       "waited 71 ms for them"));
}

/* By default the handshakes of the check's opening connections are the
 * samples: the minimum comes with them, nothing more starts after the
 * end, and the phase says whose handshakes they were. */
static void
test_own_samples(void **state)
{
	struct rdd_observation obs;
	struct rdd_net_info *n = &obs.net;
	struct rdd_net_sample *a, *b, *c;
	size_t i;

	(void)state;
	rdd_observation_init(&obs);
	rdd_net_plan(n, RDD_NET_SAMPLES_ALONGSIDE);
	a = rdd_net_own_sample(n, "A", 0.1);
	b = rdd_net_own_sample(n, "B", 2.1);
	c = rdd_net_own_sample(n, "C", 4.2);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_ptr_equal(a, &n->samples[0]);
	assert_string_equal(c->conn, "C");
	assert_int_equal(c->outcome, RDD_SAMPLE_NOT_RUN);
	assert_float_equal(b->start_ms, 2.1, 1e-9);
	assert_int_equal(n->n_samples, 3);
	assert_int_equal(n->n_own, 3);
	/* In flight while the check runs (the driver says BUSY while its
	 * connections are open). */
	expect_step(rdd_net_next_step(n, -1, -1, true), RDD_NET_IDLE, 0);
	a->outcome = b->outcome = c->outcome = RDD_SAMPLE_OK;
	a->rtt_ms = 3.0;
	b->rtt_ms = 0.5;
	c->rtt_ms = 0.4;
	/* The check ends: the minimum is there, nothing to start or wait
	 * for, so no wall time. */
	expect_step(rdd_net_next_step(n, 40, 0.4, false), RDD_NET_DONE, 0);
	/* Had it waited on (RDP-UDP) with no TCP connection open: more
	 * samples, 20 ms apart. */
	expect_step(rdd_net_next_step(n, -1, 0.4, false), RDD_NET_START, 24.2);
	rdd_net_summarize(n, 5000);
	assert_int_equal(n->n_answered, 3);
	assert_int_equal(n->n_clean, 3);
	assert_int_equal(n->n_own, 3);
	assert_int_equal(n->n_requested, 3);
	assert_true(n->rtt_median_ms == 0.5);
	rdd_net_conclude(&obs);
	assert_string_equal(obs.phases[RDD_PHASE_NETWORK].detail,
	                    "3 of 3 handshakes answered: RTT min/median/p95 "
	                    "0.4/0.5/3.0 ms, jitter 1.3 ms, loss 0.0% (0 of "
	                    "3 SYNs); the check's own connections A, B and "
	                    "C");

	/* With one of those. */
	started(n, 30);
	ended(n, 3, RDD_SAMPLE_OK, 0.6);
	rdd_net_summarize(n, 5000);
	rdd_net_conclude(&obs);
	assert_non_null(strstr(obs.phases[RDD_PHASE_NETWORK].detail,
	                       "4 of 4 handshakes answered"));
	assert_non_null(strstr(obs.phases[RDD_PHASE_NETWORK].detail,
	                       "; the check's own connections A, B and C, 1 "
	                       "more beside the check"));
	/* None beyond the most, the check's own counted. */
	rdd_net_plan(n, RDD_NET_SAMPLES_ALONGSIDE);
	for (i = 0; i < RDD_NET_ALONGSIDE_MAX; i++)
		assert_non_null(rdd_net_own_sample(n, "X", (double)i));
	assert_null(rdd_net_own_sample(n, "X", 9));
	expect_step(rdd_net_next_step(n, -1, 0.4, false), RDD_NET_IDLE, 0);

	/* A lost SYN on one of them is loss on the path. */
	rdd_net_plan(n, RDD_NET_SAMPLES_ALONGSIDE);
	a = rdd_net_own_sample(n, "A", 0);
	b = rdd_net_own_sample(n, "B", 2);
	c = rdd_net_own_sample(n, "C", 4);
	a->outcome = b->outcome = c->outcome = RDD_SAMPLE_OK;
	a->rtt_ms = 1000.6;
	b->rtt_ms = 0.5;
	c->rtt_ms = 0.7;
	rdd_net_summarize(n, 5000);
	assert_int_equal(n->n_lost_syn, 1);
	assert_int_equal(n->n_syn_sent, 4);
	assert_int_equal(n->n_clean, 2);

	/* None answered (refused, or no answer): no path to measure, the
	 * phase tcp says why; nothing is taken. */
	rdd_observation_init(&obs);
	rdd_net_plan(n, RDD_NET_SAMPLES_ALONGSIDE);
	rdd_net_own_sample(n, "A", 0)->outcome = RDD_SAMPLE_FAILED;
	rdd_net_own_sample(n, "B", 2)->outcome = RDD_SAMPLE_TIMEOUT;
	expect_step(rdd_net_next_step(n, 5000, -1, false), RDD_NET_DONE, 0);
	rdd_net_summarize(n, 5000);
	assert_int_equal(n->n_samples, 0);
	assert_int_equal(n->n_lost_syn, 0);
	rdd_net_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_NETWORK].status,
	                 RDD_STATUS_SKIPPED);
	assert_string_equal(obs.phases[RDD_PHASE_NETWORK].detail,
	                    "no sample taken: the check's own TCP connects "
	                    "failed");

	/* --samples N and --samples 0: the check's handshakes are not
	 * samples. */
	rdd_net_plan(n, 4);
	assert_null(rdd_net_own_sample(n, "A", 0));
	rdd_net_plan(n, 0);
	assert_null(rdd_net_own_sample(n, "A", 0));
	assert_null(rdd_net_own_sample(NULL, "A", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test(test_even_median_and_p95),
	    cmocka_unit_test(test_retransmission_steps),
	    cmocka_unit_test(test_slow_path_is_not_loss),
	    cmocka_unit_test(test_failed_samples_do_not_count),
	    cmocka_unit_test(test_syns_within),
	    cmocka_unit_test(test_phase),
	    cmocka_unit_test(test_mtu_retry_plan),
	    cmocka_unit_test(test_plan),
	    cmocka_unit_test(test_alongside_while_running),
	    cmocka_unit_test(test_alongside_busy),
	    cmocka_unit_test(test_alongside_end_cuts_short),
	    cmocka_unit_test(test_alongside_minimum_after_end),
	    cmocka_unit_test(test_alongside_minimum_lost_syn),
	    cmocka_unit_test(test_alongside_no_path),
	    cmocka_unit_test(test_spread),
	    cmocka_unit_test(test_grace),
	    cmocka_unit_test(test_phase_modes),
	    cmocka_unit_test(test_own_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
