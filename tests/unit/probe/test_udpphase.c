/*
 * test_udpphase.c - the RDP-UDP probe without I/O: the SYNs it sends, what
 * counts as an answer (bytes of rdpeudp-handshake-success.pcap), the
 * retransmission times, and the udp phase.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rdpdoctor/udpphase.h"

/* rdpeudp-handshake-success.pcap, packet 2: the server's SYN+ACK to ISN
 * 0x0b127f15 (first 20 of 1232 bytes; the rest are zero). */
static const uint8_t cap_synack[] = {
    0x0b, 0x12, 0x7f, 0x15, 0x00, 0x40, 0x10, 0x05, 0x0f, 0x94,
    0xea, 0x0b, 0x04, 0xd0, 0x04, 0xd0, 0x00, 0x01, 0x00, 0x02,
};

static void
test_syns(void **state)
{
	uint8_t d[RDD_UDP_SYN_LEN], corr[16];

	(void)state;
	memset(corr, 0x11, sizeof(corr));
	assert_int_equal(rdd_udp_syn(0, 0x01020304, corr, d, sizeof(d)), 1232);
	/* FEC header: snSourceAck -1, window 64, SYN|CORRELATION_ID|SYNEX */
	assert_memory_equal(d, "\xff\xff\xff\xff\x00\x40\x18\x01", 8);
	assert_memory_equal(d + 8, "\x01\x02\x03\x04\x04\xd0\x04\xd0", 8);
	assert_memory_equal(d + 16, corr, 16);
	/* SYNEX: VERSION_INFO_VALID, 0x0101, then the zero cookieHash. */
	assert_memory_equal(d + 48, "\x00\x01\x01\x01", 4);
	assert_int_equal(rdd_udp_syn_version(0), 0x0101);
	/* Retransmissions offer version 2. */
	assert_int_equal(rdd_udp_syn(1, 0x01020304, corr, d, sizeof(d)), 1232);
	assert_memory_equal(d + 48, "\x00\x01\x00\x02", 4);
	assert_int_equal(rdd_udp_syn_version(2), 2);
	assert_int_equal(rdd_udp_syn(0, 1, corr, d, 100), 0);
}

static void
test_resend_times(void **state)
{
	(void)state;
	assert_true(rdd_udp_resend_at_ms(0, 3000) == 0);
	assert_true(rdd_udp_resend_at_ms(1, 3000) == 1000);
	assert_true(rdd_udp_resend_at_ms(2, 3000) == 2000);
	assert_int_equal(RDD_UDP_MAX_SYNS, 3);
}

static void
test_answer(void **state)
{
	struct rdd_udp_info u;
	uint8_t d[1232];

	(void)state;
	memset(d, 0, sizeof(d));
	memcpy(d, cap_synack, sizeof(cap_synack));
	memset(&u, 0, sizeof(u));
	assert_int_equal(rdd_udp_answer(d, sizeof(d), 0x0b127f15, &u), 0);
	assert_int_equal(u.version, 2);
	assert_true(u.has_version);
	assert_int_equal(u.up_mtu, 1232);
	assert_int_equal(u.flags, 0x1005);
	/* Another ISN: not an answer to our SYN. */
	assert_int_equal(rdd_udp_answer(d, sizeof(d), 0x0b127f16, &u), -1);
	/* A SYN (no ACK) is not an answer. */
	d[7] = 0x01;
	assert_int_equal(rdd_udp_answer(d, sizeof(d), 0x0b127f15, &u), -1);
	/* Truncated. */
	d[7] = 0x05;
	assert_int_equal(rdd_udp_answer(d, 19, 0x0b127f15, &u), -1);
}

static void
test_phase(void **state)
{
	struct rdd_observation obs;

	(void)state;
	rdd_observation_init(&obs);
	rdd_udp_conclude(&obs);
	assert_false(obs.phases[RDD_PHASE_UDP].present);
	obs.udp.outcome = RDD_UDP_MALFORMED;
	obs.udp.port = 3389;
	rdd_udp_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_UDP].status, RDD_STATUS_FAILED);
	assert_string_equal(obs.phases[RDD_PHASE_UDP].detail,
	                    "RDP-UDP probe failed");
	obs.udp.outcome = RDD_UDP_NO_ANSWER;
	obs.udp.syns_sent = 3;
	obs.udp.ms = 2000;
	obs.mcs.outcome = RDD_MCS_OK;
	rdd_udp_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_UDP].status, RDD_STATUS_TIMEOUT);
	assert_string_equal(obs.phases[RDD_PHASE_UDP].detail,
	                    "no SYN+ACK to 3 SYNs on UDP 3389 within 2000 ms; "
	                    "MCS: no SC_MULTITRANSPORT (the server offers no "
	                    "UDP transport)");
	assert_string_equal(rdd_udp_outcome_name(RDD_UDP_REFUSED), "refused");
	assert_null(rdd_udp_outcome_name((enum rdd_udp_outcome)42));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syns),
	    cmocka_unit_test(test_resend_times),
	    cmocka_unit_test(test_answer),
	    cmocka_unit_test(test_phase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
