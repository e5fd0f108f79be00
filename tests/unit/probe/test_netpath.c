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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
