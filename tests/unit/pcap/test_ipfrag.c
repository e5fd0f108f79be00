/*
 * test_ipfrag.c - lib/pcap/ipfrag.c: the TCP segment of rdp-to-ssl.pcap
 * frame 4 (67 bytes) sent as three IPv4 fragments (RFC 791 3.2: offsets in
 * units of 8 bytes), and as IPv6 fragments (RFC 8200 4.5), in and out of
 * order, repeated, cut by the capture, timed out, and beyond the table's
 * room.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcap/ipfrag.h"
#include "pcap/packet.h"

/* rdp-to-ssl.pcap, frame 4, client -> server: the IPv4 header (20 bytes)
 * and the TCP segment (20 bytes of header, 47 of the Connection
 * Request). */
static const uint8_t ip4[] = {
    0x45, 0x00, 0x00, 0x57, 0x1d, 0x6e, 0x40, 0x00, 0x80, 0x06, 0x58,
    0x84, 0xc0, 0xa8, 0x01, 0xc8, 0xc0, 0xa8, 0x01, 0x96, 0xc0, 0x36,
    0x0d, 0x3d, 0x55, 0x65, 0xd3, 0xfe, 0x9b, 0x89, 0xa6, 0x6c, 0x50,
    0x18, 0x01, 0x00, 0x47, 0x7d, 0x00, 0x00, 0x03, 0x00, 0x00, 0x2f,
    0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43, 0x6f, 0x6f, 0x6b,
    0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68, 0x61, 0x73,
    0x68, 0x3d, 0x41, 0x57, 0x41, 0x4b, 0x45, 0x43, 0x4f, 0x44, 0x49,
    0x0d, 0x0a, 0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00,
};
static const uint8_t *const seg = ip4 + 20;
#define SEG_LEN (sizeof(ip4) - 20)

/* An IPv4 fragment of SEG: bytes [OFF, OFF+LEN), MORE fragments after. */
static size_t
frag4(uint8_t *out, size_t off, size_t len, bool more, uint16_t id)
{
	uint16_t fo = (uint16_t)(off / 8) | (more ? 0x2000 : 0);

	memcpy(out, ip4, 20);
	out[2] = (uint8_t)((20 + len) >> 8);
	out[3] = (uint8_t)(20 + len);
	out[4] = (uint8_t)(id >> 8);
	out[5] = (uint8_t)id;
	out[6] = (uint8_t)(fo >> 8);
	out[7] = (uint8_t)fo;
	memcpy(out + 20, seg + off, len);
	return 20 + len;
}

/* IPv6 with a fragment header. */
static size_t
frag6(uint8_t *out, size_t off, size_t len, bool more, uint32_t id)
{
	size_t plen = 8 + len;
	uint16_t om = (uint16_t)(off | (more ? 1 : 0));

	memset(out, 0, 48);
	out[0] = 0x60;
	out[4] = (uint8_t)(plen >> 8);
	out[5] = (uint8_t)plen;
	out[6] = 44;
	out[7] = 64;
	out[8] = 0x20, out[9] = 0x01, out[10] = 0x0d, out[11] = 0xb8;
	out[23] = 1;
	out[24] = 0x20, out[25] = 0x01, out[26] = 0x0d, out[27] = 0xb8;
	out[39] = 2;
	out[40] = RDD_IPPROTO_TCP;
	out[42] = (uint8_t)(om >> 8);
	out[43] = (uint8_t)om;
	out[44] = (uint8_t)(id >> 24);
	out[45] = (uint8_t)(id >> 16);
	out[46] = (uint8_t)(id >> 8);
	out[47] = (uint8_t)id;
	memcpy(out + 48, seg + off, len);
	return 48 + len;
}

/* Feed B; return whether it completed a datagram (into OUT). */
static bool
feed(struct rdd_ipfrag *f, const uint8_t *b, size_t n, double ts,
     struct rdd_pkt *out, enum rdd_pkt_result *r)
{
	struct rdd_pkt p;

	assert_int_equal(rdd_pkt_ip(b, n, (memset(&p, 0, sizeof(p)), &p)),
	                 RDD_PKT_FRAGMENT);
	return rdd_ipfrag_add(f, &p, ts, out, r);
}

static void
assert_whole(const struct rdd_pkt *p, enum rdd_pkt_result r)
{
	assert_int_equal(r, RDD_PKT_TCP);
	assert_int_equal(p->sport, 49206);
	assert_int_equal(p->dport, 3389);
	assert_int_equal(p->payload_wire, 47);
	assert_memory_equal(p->payload, seg + 20, 47);
}

static void
test_v4_out_of_order(void **state)
{
	struct rdd_ipfrag *f = rdd_ipfrag_new();
	struct rdd_ipfrag_stats st;
	struct rdd_pkt out;
	enum rdd_pkt_result r;
	uint8_t a[128], b[128], c[128];
	size_t na = frag4(a, 0, 24, true, 7), nb = frag4(b, 24, 24, true, 7),
	       nc = frag4(c, 48, SEG_LEN - 48, false, 7);

	(void)state;
	assert_false(feed(f, c, nc, 1, &out, &r));
	assert_false(feed(f, a, na, 1, &out, &r));
	assert_false(feed(f, a, na, 1, &out, &r)); /* a repeat */
	assert_true(feed(f, b, nb, 1, &out, &r));
	assert_whole(&out, r);
	rdd_ipfrag_stats(f, &st);
	assert_int_equal(st.fragments, 4);
	assert_int_equal(st.reassembled, 1);
	assert_int_equal(st.overlaps, 1);
	assert_int_equal(st.dropped, 0);
	rdd_ipfrag_free(f);
}

static void
test_v6(void **state)
{
	struct rdd_ipfrag *f = rdd_ipfrag_new();
	struct rdd_pkt out;
	enum rdd_pkt_result r;
	uint8_t a[128], b[128];
	size_t na = frag6(a, 0, 32, true, 0x1234),
	       nb = frag6(b, 32, SEG_LEN - 32, false, 0x1234);

	(void)state;
	assert_false(feed(f, b, nb, 1, &out, &r));
	assert_true(feed(f, a, na, 1, &out, &r));
	assert_whole(&out, r);
	assert_int_equal(out.ip_version, 6);
	rdd_ipfrag_free(f);
}

/* A fragment cut by the snap length cannot complete; a fragment whose
 * datagram waited past the timeout is dropped. */
static void
test_cut_and_timeout(void **state)
{
	struct rdd_ipfrag *f = rdd_ipfrag_new();
	struct rdd_ipfrag_stats st;
	struct rdd_pkt p, out;
	enum rdd_pkt_result r;
	uint8_t a[128], b[128];
	size_t na = frag4(a, 0, 32, true, 9),
	       nb = frag4(b, 32, SEG_LEN - 32, false, 9);

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(rdd_pkt_ip(a, na - 5, &p), RDD_PKT_FRAGMENT);
	assert_false(rdd_ipfrag_add(f, &p, 1, &out, &r));
	assert_false(feed(f, b, nb, 1, &out, &r));
	/* The whole first fragment, too late: the old datagram is dropped
	 * and the new one lacks its end. */
	assert_false(feed(f, a, na, 1 + RDD_IPFRAG_TIMEOUT_S + 1, &out, &r));
	rdd_ipfrag_stats(f, &st);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(st.reassembled, 0);
	rdd_ipfrag_free(f);
}

/* More datagrams in progress than the table holds: the oldest go. */
static void
test_room(void **state)
{
	struct rdd_ipfrag *f = rdd_ipfrag_new();
	struct rdd_ipfrag_stats st;
	struct rdd_pkt out;
	enum rdd_pkt_result r;
	uint8_t a[128], b[128];
	uint16_t id;

	(void)state;
	for (id = 0; id < RDD_IPFRAG_MAX + 10; id++) {
		size_t na = frag4(a, 0, 24, true, id);

		assert_false(feed(f, a, na, 1, &out, &r));
	}
	rdd_ipfrag_stats(f, &st);
	assert_int_equal(st.dropped, 10);
	/* The newest still completes. */
	{
		size_t nb = frag4(b, 24, SEG_LEN - 24, false,
		                  (uint16_t)(RDD_IPFRAG_MAX + 9));

		assert_true(feed(f, b, nb, 1, &out, &r));
		assert_whole(&out, r);
	}
	rdd_ipfrag_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v4_out_of_order),
	    cmocka_unit_test(test_v6),
	    cmocka_unit_test(test_cut_and_timeout),
	    cmocka_unit_test(test_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
