/*
 * test_network.c - lib/diag/rules/network.c: phases udp and network: RDP-
 * UDP blocked, and the path's latency, jitter, loss and MTU black hole.
 */
#include "rules_harness.h"

/* Synthetic samples (RTTs in ms; <0: no answer within the timeout), then
 * the summary and phase as the runner makes them. */
static void
net_samples(struct rdd_observation *o, const double *rtt, size_t n)
{
	size_t i;

	o->net.present = true;
	o->net.n_requested = n;
	o->net.n_samples = n;
	for (i = 0; i < n; i++) {
		o->net.samples[i].start_ms = 10 + 100.0 * (double)i;
		o->net.samples[i].outcome =
		    rtt[i] < 0 ? RDD_SAMPLE_TIMEOUT : RDD_SAMPLE_OK;
		o->net.samples[i].rtt_ms = rtt[i] < 0 ? 5000 : rtt[i];
	}
	rdd_net_summarize(&o->net, 5000);
	rdd_net_conclude(o);
}

static void
test_net_clean_path(void **state)
{
	static const double rtt[] = {1.2, 0.9, 1.1, 1.0, 1.3};

	(void)state;
	healthy(&obs);
	net_samples(&obs, rtt, 5);
	diagnose(&obs, &diag);
	expect_none(&diag, "net-high-latency");
	expect_none(&diag, "net-jitter");
	expect_none(&diag, "net-packet-loss");
	expect_none(&diag, "net-mtu-blackhole");
	assert_int_equal(obs.phases[RDD_PHASE_NETWORK].status, RDD_STATUS_OK);
	assert_has(obs.phases[RDD_PHASE_NETWORK].detail,
	           "5 of 5 handshakes answered");
}

static void
test_net_latency_loss(void **state)
{
	/* 150 ms added, one SYN lost (a 1 s step), one sample lost twice. */
	static const double rtt[] = {151, 152, 1153, 150.5, -1, 151.5};
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	net_samples(&obs, rtt, 6);
	diagnose(&obs, &diag);
	f = expect(&diag, "net-high-latency", RDD_SEV_WARNING);
	assert_has(f->evidence, "median RTT 151.5 ms over 5 TCP handshakes "
	                        "(min 150.5, p95 153.0 ms; threshold 150 ms)");
	f = expect(&diag, "net-packet-loss", RDD_SEV_WARNING);
	/* 1 lost of 2 (the step), 3 of 3 (the timeout: SYNs at 0, 1, 3 s
	 * before 5 s), 0 of 1 for the four others: 4 of 9. */
	assert_has(f->evidence,
	           "4 of 9 SYN exchanges lost (44.4%) over 6 samples: 4 "
	           "answered at once, 1 after a retransmission, 1 never "
	           "answered");
	assert_null(strstr(f->evidence, "cut short"));
	expect_none(&diag, "net-jitter");
	/* Nothing failed: a warning, not a failure. */
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);
}

static void
test_net_jitter(void **state)
{
	static const double rtt[] = {20, 120, 25, 140, 30};
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	net_samples(&obs, rtt, 5);
	diagnose(&obs, &diag);
	f = expect(&diag, "net-jitter", RDD_SEV_WARNING);
	/* |100| |95| |115| |110| / 4 = 105 */
	assert_has(f->evidence, "RTT varies by 105.0 ms between consecutive "
	                        "handshakes, over 5 clean samples of 5");
	assert_has(f->evidence, "at least 3 clean samples)");
	expect_none(&diag, "net-packet-loss");
	expect_none(&diag, "net-high-latency");
}

/* Samples the end of the check cut short (default mode, beside the
 * check) are neither answered nor lost: no loss, and the jitter rule
 * counts only the clean ones it has. */
static void
test_net_cut_short(void **state)
{
	static const double rtt[] = {20, 120, 25, -1, -1};
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	obs.net.present = true;
	obs.net.mode = RDD_NET_MODE_ALONGSIDE;
	obs.net.n_samples = 5;
	for (size_t i = 0; i < 5; i++) {
		obs.net.samples[i].start_ms = 10 + 20.0 * (double)i;
		obs.net.samples[i].outcome =
		    rtt[i] < 0 ? RDD_SAMPLE_CUT_SHORT : RDD_SAMPLE_OK;
		obs.net.samples[i].rtt_ms = rtt[i] < 0 ? 8 : rtt[i];
	}
	rdd_net_summarize(&obs.net, 5000);
	rdd_net_conclude(&obs);
	diagnose(&obs, &diag);
	expect_none(&diag, "net-packet-loss");
	f = expect(&diag, "net-jitter", RDD_SEV_WARNING);
	/* |100| |95| / 2 over the 3 counted. */
	assert_has(f->evidence, "RTT varies by 97.5 ms between consecutive "
	                        "handshakes, over 3 clean samples of 3");
	assert_has(f->evidence, "; 2 more cut short by the end of the check, "
	                        "not counted");
	assert_has(obs.phases[RDD_PHASE_NETWORK].detail,
	           "3 of 3 handshakes answered");
	assert_has(obs.phases[RDD_PHASE_NETWORK].detail,
	           "beside the check, 2 cut short by its end");

	/* Two clean: too few for jitter, whatever they say. */
	obs.net.samples[2].outcome = RDD_SAMPLE_CUT_SHORT;
	rdd_net_summarize(&obs.net, 5000);
	diagnose(&obs, &diag);
	expect_none(&diag, "net-jitter");
	expect_none(&diag, "net-packet-loss");

	/* A lost SYN among the counted ones is loss, with the counts. */
	obs.net.samples[2].outcome = RDD_SAMPLE_OK;
	obs.net.samples[2].rtt_ms = 1025;
	rdd_net_summarize(&obs.net, 5000);
	diagnose(&obs, &diag);
	f = expect(&diag, "net-packet-loss", RDD_SEV_WARNING);
	assert_has(f->evidence, "1 of 4 SYN exchanges lost (25.0%) over 3 "
	                        "samples: 2 answered at once, 1 after a "
	                        "retransmission, 0 never answered; 2 more cut "
	                        "short by the end of the check, not counted");
	/* Two clean now: no jitter claim. */
	expect_none(&diag, "net-jitter");
}

/* By default the samples are the handshakes of the check's own A, B
 * and C: the findings say how many of their samples those are. */
static void
test_net_own_handshakes(void **state)
{
	static const char *own[] = {"A", "B", "C"};
	static const double rtt[] = {20, 1020, 120, 25};
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	rdd_net_plan(&obs.net, RDD_NET_SAMPLES_ALONGSIDE);
	for (size_t i = 0; i < 4; i++) {
		struct rdd_net_sample *sm =
		    i < 3 ? rdd_net_own_sample(&obs.net, own[i], 2.0 * i)
		          : &obs.net.samples[obs.net.n_samples++];

		assert_non_null(sm);
		sm->outcome = RDD_SAMPLE_OK;
		sm->rtt_ms = rtt[i];
		if (i == 3)
			sm->start_ms = 1100;
	}
	rdd_net_summarize(&obs.net, 5000);
	rdd_net_conclude(&obs);
	diagnose(&obs, &diag);
	f = expect(&diag, "net-packet-loss", RDD_SEV_WARNING);
	assert_has(f->evidence, "1 of 5 SYN exchanges lost (20.0%) over 4 "
	                        "samples: 3 answered at once, 1 after a "
	                        "retransmission, 0 never answered; 3 of them "
	                        "the check's own connections' handshakes");
	f = expect(&diag, "net-jitter", RDD_SEV_WARNING);
	assert_has(f->evidence, "over 3 clean samples of 4");
	assert_has(f->evidence, "; 3 of them the check's own connections' "
	                        "handshakes");
	assert_has(obs.phases[RDD_PHASE_NETWORK].detail,
	           "; the check's own connections A, B and C, 1 more beside "
	           "the check");
}

static void
test_net_all_lost_is_not_loss(void **state)
{
	static const double rtt[] = {-1, -1, -1};

	(void)state;
	healthy(&obs);
	net_samples(&obs, rtt, 3);
	diagnose(&obs, &diag);
	expect_none(&diag, "net-packet-loss");
	assert_int_equal(obs.phases[RDD_PHASE_NETWORK].status,
	                 RDD_STATUS_TIMEOUT);
}

/* Security negotiation times out on a lossy VPN, the most common case. */
static void
test_net_path_names_cause_of_timeout(void **state)
{
	static const double rtt[] = {310, 1320, 305, 1290, 300};

	(void)state;
	credssp_fails(RDD_CREDSSP_TIMEOUT, RDD_STATUS_TIMEOUT,
	              "no TSRequest answer within 5.0 s");
	net_samples(&obs, rtt, 5);
	diagnose(&obs, &diag);
	expect(&diag, "credssp-timeout", RDD_SEV_CRITICAL);
	expect(&diag, "net-packet-loss", RDD_SEV_WARNING);
	expect(&diag, "net-high-latency", RDD_SEV_WARNING);
	assert_has(diag.summary, "(credssp-timeout); the path is the likely "
	                         "cause: 29% of the packets are lost "
	                         "(net-packet-loss)");

	/* A clean path: the summary does not blame it. */
	credssp_fails(RDD_CREDSSP_TIMEOUT, RDD_STATUS_TIMEOUT, "x");
	net_samples(&obs, (const double[]){1, 1, 1}, 3);
	diagnose(&obs, &diag);
	assert_null(strstr(diag.summary, "the path"));
}

static void
test_net_mtu_blackhole(void **state)
{
	const struct rdd_finding *f;
	struct rdd_plan_entry e;

	(void)state;
	tls_fails(RDD_TLS_TIMEOUT);
	assert_true(rdd_plan_mtu_retry(&obs, &e));
	assert_string_equal(e.label, "M");
	assert_true(e.tls);
	assert_false(e.credssp);
	obs.net.mtu = RDD_MTU_OK;
	obs.net.mtu_mss = 536;
	snprintf(obs.net.mtu_first_detail, sizeof(obs.net.mtu_first_detail),
	         "connection A: X.224 answered in 1.0 ms, TLS timeout after "
	         "5000.0 ms");
	snprintf(obs.net.mtu_detail, sizeof(obs.net.mtu_detail),
	         "connection M (MSS 536): TCP ok, X.224 response, TLS ok after "
	         "4.0 ms");
	rdd_net_conclude(&obs);
	assert_false(rdd_plan_mtu_retry(&obs, NULL)); /* once */
	diagnose(&obs, &diag);
	f = expect(&diag, "net-mtu-blackhole", RDD_SEV_WARNING);
	assert_has(f->evidence, "TLS timeout after 5000.0 ms; connection M "
	                        "(MSS 536)");
	expect(&diag, "tls-timeout", RDD_SEV_CRITICAL);
	assert_has(diag.summary, "the path is the likely cause: full-size "
	                         "packets are lost on the path (MTU black "
	                         "hole) (net-mtu-blackhole)");
	assert_has(obs.phases[RDD_PHASE_NETWORK].detail,
	           "MTU retry (MSS 536): TLS completed");

	/* The retry failed too: no black hole. */
	obs.net.mtu = RDD_MTU_FAILED;
	diagnose(&obs, &diag);
	expect_none(&diag, "net-mtu-blackhole");
	/* Not due when TLS did not time out. */
	tls_fails(RDD_TLS_RESET);
	assert_false(rdd_plan_mtu_retry(&obs, NULL));
}

static void
test_udp(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	/* Answered: nothing to say. */
	healthy(&obs);
	obs.udp.outcome = RDD_UDP_ANSWERED;
	obs.udp.port = 3389;
	obs.udp.syns_sent = 1;
	obs.udp.has_version = true;
	obs.udp.version = 0x0101;
	obs.udp.rtt_ms = 0.5;
	rdd_udp_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_UDP].status, RDD_STATUS_OK);
	assert_has(obs.phases[RDD_PHASE_UDP].detail,
	           "SYN+ACK on UDP 3389 after 0.5 ms (SYN 1 of 3): RDPEUDP "
	           "version 3 (RDPEUDP2)");
	diagnose(&obs, &diag);
	expect_none(&diag, "udp-blocked");

	/* Dropped: three SYNs, no answer. */
	healthy(&obs);
	obs.udp.outcome = RDD_UDP_NO_ANSWER;
	obs.udp.port = 3389;
	obs.udp.syns_sent = 3;
	obs.udp.ms = 5000;
	rdd_udp_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_UDP].status, RDD_STATUS_TIMEOUT);
	diagnose(&obs, &diag);
	f = expect(&diag, "udp-blocked", RDD_SEV_WARNING);
	assert_has(f->evidence, "no SYN+ACK to 3 RDP-UDP SYNs on UDP 3389 "
	                        "within 5000 ms while TCP 3389 answers");
	/* A warning: the client falls back to TCP. */
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);
	assert_int_equal(diag.failed_phase, -1);
	/* Fix: both ways, with the exact policy and registry value. */
	assert_has(rdd_cause_info(f->cause)->fix_host, "UDP-In");
	assert_has(rdd_cause_info(f->cause)->fix_client,
	           "fClientDisableUDP /t REG_DWORD /d 1");

	/* Refused, with what MCS said. */
	obs.udp.outcome = RDD_UDP_REFUSED;
	obs.mcs.outcome = RDD_MCS_OK;
	obs.mcs.has_multitransport = true;
	obs.mcs.multitransport_flags = 0x101;
	rdd_udp_conclude(&obs);
	assert_has(obs.phases[RDD_PHASE_UDP].detail,
	           "ICMP port unreachable: nothing listens on UDP 3389; MCS: "
	           "SC_MULTITRANSPORT flags 0x00000101");
	diagnose(&obs, &diag);
	f = expect(&diag, "udp-blocked", RDD_SEV_WARNING);
	assert_has(f->evidence, "ICMP port unreachable in answer to an "
	                        "RDP-UDP SYN on UDP 3389");
	assert_has(f->evidence, "(SC_MULTITRANSPORT flags 0x00000101)");

	/* TCP down too: that is tcp-timeout's, not this. */
	healthy(&obs);
	obs.udp.outcome = RDD_UDP_NO_ANSWER;
	att(&obs, "A")->tcp = RDD_TCP_TIMEOUT;
	diagnose(&obs, &diag);
	expect_none(&diag, "udp-blocked");
}

const struct CMUnitTest rules_network_tests[] = {
    cmocka_unit_test(test_net_clean_path),
    cmocka_unit_test(test_net_latency_loss),
    cmocka_unit_test(test_net_jitter),
    cmocka_unit_test(test_net_cut_short),
    cmocka_unit_test(test_net_own_handshakes),
    cmocka_unit_test(test_net_all_lost_is_not_loss),
    cmocka_unit_test(test_net_path_names_cause_of_timeout),
    cmocka_unit_test(test_net_mtu_blackhole),
    cmocka_unit_test(test_udp),
};
const size_t rules_network_n_tests = NELEM(rules_network_tests);
