/*
 * test_rdpeudp.c - the RDP-UDP SYN and SYN+ACK: the specification's layout,
 * the Zeek captures (tests/captures/zeek/Traces/rdp/rdpeudp*.pcap), every
 * truncation, and the lab responder's reply builder checked byte for byte
 * against the real servers' SYN+ACKs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "wire/rdpeudp.h"

#define L RDD_RDPEUDP_SYN_LEN

/* rdpeudp-handshake-success.pcap, packet 1, client SYN: the first 52 of 1232 bytes; the rest are zero. */
static const uint8_t cap_v1_syn[] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x40, 0x18, 0x01, 0x0b, 0x12, 0x7f,
    0x15, 0x04, 0xd0, 0x04, 0xd0, 0x78, 0x55, 0xd0, 0x64, 0xfb, 0xaf,
    0x43, 0xf0, 0xb6, 0xe8, 0xf8, 0xaa, 0xdf, 0xad, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x03,
};

/* rdpeudp-handshake-success.pcap, packet 2, server SYN+ACK: the first 20 of 1232 bytes; the rest are zero. */
static const uint8_t cap_v1_synack[] = {
    0x0b, 0x12, 0x7f, 0x15, 0x00, 0x40, 0x10, 0x05, 0x0f, 0x94,
    0xea, 0x0b, 0x04, 0xd0, 0x04, 0xd0, 0x00, 0x01, 0x00, 0x02,
};

/* rdpeudp2-handshake-success.pcap, packet 1, client SYN (cookieHash zero): the first 84 of 1232 bytes; the rest are zero. */
static const uint8_t cap_v2_syn[] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x40, 0x18, 0x01, 0xa7, 0xeb, 0x5d, 0xa4,
    0x04, 0xd0, 0x04, 0xd0, 0xa2, 0xe2, 0xc8, 0x18, 0x6d, 0xe3, 0x4f, 0x1e,
    0x8d, 0x0f, 0x91, 0x75, 0xe4, 0xcd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* rdpeudp2-handshake-success.pcap, packet 2, server SYN+ACK: the first 20 of 1232 bytes; the rest are zero. */
static const uint8_t cap_v2_synack[] = {
    0xa7, 0xeb, 0x5d, 0xa4, 0x00, 0x40, 0x10, 0x05, 0x05, 0x47,
    0xd7, 0x2b, 0x04, 0xd0, 0x04, 0xd0, 0x00, 0x01, 0x01, 0x01,
};

/* rdpeudp-handshake-fail.pcap, packet 1, client SYN (sent 3 times, no answer): the first 52 of 1232 bytes; the rest are zero. */
static const uint8_t cap_fail_syn[] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x40, 0x18, 0x01, 0xee, 0x40, 0x71,
    0xdc, 0x04, 0xd0, 0x04, 0xd0, 0xf8, 0x53, 0x03, 0x60, 0xca, 0x7f,
    0x42, 0x41, 0xa6, 0x73, 0x74, 0xe5, 0x20, 0x1a, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02,
};

/* A capture's datagram in full: PREFIX, then zeros to 1232 bytes. */
static void
full(uint8_t out[L], const uint8_t *prefix, size_t n)
{
	memset(out, 0, L);
	memcpy(out, prefix, n);
}

static void
test_parse_capture_v1(void **state)
{
	struct rdd_rdpeudp_syn s;
	uint8_t d[L];

	(void)state;
	full(d, cap_v1_syn, sizeof(cap_v1_syn));
	assert_int_equal(rdd_rdpeudp_parse_syn(d, L, &s), 0);
	assert_true(s.sn_source_ack == 0xFFFFFFFFu);
	assert_int_equal(s.window, 64);
	assert_int_equal(s.flags, 0x1801); /* SYN|CORRELATION_ID|SYNEX */
	assert_true(s.isn == 0x0b127f15u);
	assert_int_equal(s.up_mtu, 1232);
	assert_int_equal(s.down_mtu, 1232);
	assert_true(s.has_correlation_id);
	assert_int_equal(s.correlation_id[0], 0x78);
	assert_int_equal(s.correlation_id[13], 0xad);
	assert_true(s.has_synex);
	assert_int_equal(s.synex_flags, 1);
	assert_int_equal(s.version, 3);
	assert_false(s.has_cookie_hash);

	full(d, cap_v1_synack, sizeof(cap_v1_synack));
	assert_int_equal(rdd_rdpeudp_parse_syn(d, L, &s), 0);
	assert_true(s.sn_source_ack == 0x0b127f15u);
	assert_int_equal(s.flags, 0x1005); /* SYN|ACK|SYNEX */
	assert_true(s.isn == 0x0f94ea0bu);
	assert_false(s.has_correlation_id);
	assert_int_equal(s.version, RDD_RDPEUDP_VERSION_2);
	assert_string_equal(rdd_rdpeudp_version_name(s.version), "2");
}

static void
test_parse_capture_v2(void **state)
{
	struct rdd_rdpeudp_syn s;
	uint8_t d[L];

	(void)state;
	full(d, cap_v2_syn, sizeof(cap_v2_syn));
	assert_int_equal(rdd_rdpeudp_parse_syn(d, L, &s), 0);
	assert_int_equal(s.version, RDD_RDPEUDP_VERSION_3);
	assert_true(s.has_cookie_hash);
	full(d, cap_v2_synack, sizeof(cap_v2_synack));
	assert_int_equal(rdd_rdpeudp_parse_syn(d, L, &s), 0);
	assert_int_equal(s.version, RDD_RDPEUDP_VERSION_3);
	assert_false(s.has_cookie_hash); /* not in a SYN+ACK */
	assert_string_equal(rdd_rdpeudp_version_name(s.version),
	                    "3 (RDPEUDP2)");
	assert_null(rdd_rdpeudp_version_name(3));
}

/* The client SYN this tool sends is the capture's, but for the ISN, the
 * correlation id and the version it offers. */
static void
test_build_client_syn_like_capture(void **state)
{
	struct rdd_rdpeudp_syn s;
	uint8_t d[L], want[L], corr[16];

	(void)state;
	memcpy(corr, cap_fail_syn + 16, 16);
	rdd_rdpeudp_client_syn(&s, 0xee4071dcu, corr, RDD_RDPEUDP_VERSION_2);
	assert_int_equal(rdd_rdpeudp_build_syn(&s, d, sizeof(d)), L);
	full(want, cap_fail_syn, sizeof(cap_fail_syn));
	assert_memory_equal(d, want, L);

	/* Version 0x0101: the zero cookieHash follows, as in the capture. */
	memcpy(corr, cap_v2_syn + 16, 16);
	rdd_rdpeudp_client_syn(&s, 0xa7eb5da4u, corr, RDD_RDPEUDP_VERSION_3);
	assert_int_equal(rdd_rdpeudp_build_syn(&s, d, sizeof(d)), L);
	full(want, cap_v2_syn, sizeof(cap_v2_syn));
	assert_memory_equal(d, want, L);
	assert_int_equal(rdd_rdpeudp_build_syn(&s, d, L - 1), 0);
}

/* Specification layout ([MS-RDPEUDP] 2.2.2.1, 2.2.2.5): a bare SYN. */
static void
test_spec_bare_syn(void **state)
{
	static const uint8_t spec[] = {
	    0xff, 0xff, 0xff, 0xff, /* snSourceAck -1 */
	    0x00, 0x40,             /* uReceiveWindowSize 64 */
	    0x00, 0x01,             /* uFlags SYN */
	    0x12, 0x34, 0x56, 0x78, /* snInitialSequenceNumber */
	    0x04, 0xd0, 0x04, 0xd0, /* MTUs 1232 */
	};
	struct rdd_rdpeudp_syn s;
	uint8_t d[L];

	(void)state;
	assert_int_equal(rdd_rdpeudp_parse_syn(spec, sizeof(spec), &s), 0);
	assert_false(s.has_synex || s.has_correlation_id);
	assert_true(s.isn == 0x12345678u);
	assert_int_equal(rdd_rdpeudp_build_syn(&s, d, sizeof(d)), L);
	assert_memory_equal(d, spec, sizeof(spec));
	assert_int_equal(d[L - 1], 0);
	/* Not a SYN. */
	memcpy(d, spec, sizeof(spec));
	d[7] = 0x04;
	assert_int_equal(rdd_rdpeudp_parse_syn(d, sizeof(spec), &s), -1);
}

/* Every truncation of every part a datagram's flags announce fails. */
static void
test_every_truncation(void **state)
{
	static const struct {
		const uint8_t *p;
		size_t n;
	} caps[] = {
	    {cap_v1_syn, sizeof(cap_v1_syn)},
	    {cap_v1_synack, sizeof(cap_v1_synack)},
	    {cap_v2_syn, sizeof(cap_v2_syn)},
	    {cap_v2_synack, sizeof(cap_v2_synack)},
	};
	struct rdd_rdpeudp_syn s;
	size_t k, n;

	(void)state;
	for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		for (n = 0; n < caps[k].n; n++)
			assert_int_equal(
			    rdd_rdpeudp_parse_syn(caps[k].p, n, &s), -1);
		assert_int_equal(rdd_rdpeudp_parse_syn(caps[k].p, n, &s), 0);
	}
	assert_int_equal(rdd_rdpeudp_parse_syn(NULL, 0, &s), -1);
}

/*
 * The lab responder's reply builder against the real servers: the captured
 * client SYN in, the captured SYN+ACK out, byte for byte over all 1232
 * bytes. Only the server's ISN (bytes 8..11) is the server's own choice:
 * given the captured one, nothing may differ; given another, only those
 * four bytes do.
 */
static void
replay(const uint8_t *syn, size_t syn_n, const uint8_t *synack, size_t synack_n)
{
	struct rdd_rdpeudp_syn c, r, cap;
	uint8_t in[L], want[L], got[L];
	size_t i;

	full(in, syn, syn_n);
	full(want, synack, synack_n);
	assert_int_equal(rdd_rdpeudp_parse_syn(in, L, &c), 0);
	assert_int_equal(rdd_rdpeudp_parse_syn(want, L, &cap), 0);
	assert_int_equal(
	    rdd_rdpeudp_server_synack(&c, cap.isn, RDD_RDPEUDP_VERSION_3, &r),
	    0);
	assert_int_equal(rdd_rdpeudp_build_syn(&r, got, sizeof(got)), L);
	assert_memory_equal(got, want, L);

	assert_int_equal(
	    rdd_rdpeudp_server_synack(&c, ~cap.isn, RDD_RDPEUDP_VERSION_3, &r),
	    0);
	assert_int_equal(rdd_rdpeudp_build_syn(&r, got, sizeof(got)), L);
	for (i = 0; i < L; i++)
		if (i < 8 || i > 11)
			assert_int_equal(got[i], want[i]);
		else
			assert_int_not_equal(got[i], want[i]);
}

static void
test_responder_matches_capture_v1(void **state)
{
	(void)state;
	replay(cap_v1_syn, sizeof(cap_v1_syn), cap_v1_synack,
	       sizeof(cap_v1_synack));
}

static void
test_responder_matches_capture_v2(void **state)
{
	(void)state;
	replay(cap_v2_syn, sizeof(cap_v2_syn), cap_v2_synack,
	       sizeof(cap_v2_synack));
}

static void
test_responder_versions(void **state)
{
	struct rdd_rdpeudp_syn c, r;

	(void)state;
	rdd_rdpeudp_client_syn(&c, 1, NULL, RDD_RDPEUDP_VERSION_3);
	assert_int_equal(
	    rdd_rdpeudp_server_synack(&c, 2, RDD_RDPEUDP_VERSION_1, &r), 0);
	assert_int_equal(r.version, RDD_RDPEUDP_VERSION_1);
	assert_int_equal(
	    rdd_rdpeudp_server_synack(&c, 2, RDD_RDPEUDP_VERSION_2, &r), 0);
	assert_int_equal(r.version, RDD_RDPEUDP_VERSION_2);
	/* No SYNEX: a version 1 answer without SYNEX. */
	c.flags = RDD_RDPEUDP_SYN;
	c.has_synex = false;
	assert_int_equal(
	    rdd_rdpeudp_server_synack(&c, 2, RDD_RDPEUDP_VERSION_3, &r), 0);
	assert_int_equal(r.flags, RDD_RDPEUDP_SYN | RDD_RDPEUDP_ACK);
	/* A SYN+ACK is not answered. */
	c.flags |= RDD_RDPEUDP_ACK;
	assert_int_equal(
	    rdd_rdpeudp_server_synack(&c, 2, RDD_RDPEUDP_VERSION_3, &r), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_capture_v1),
	    cmocka_unit_test(test_parse_capture_v2),
	    cmocka_unit_test(test_build_client_syn_like_capture),
	    cmocka_unit_test(test_spec_bare_syn),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_responder_matches_capture_v1),
	    cmocka_unit_test(test_responder_matches_capture_v2),
	    cmocka_unit_test(test_responder_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
