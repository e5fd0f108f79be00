/*
 * test_packet.c - lib/pcap/packet.c: one real frame (rdp-to-ssl.pcap,
 * frame 4: the client's X.224 Connection Request) decoded from every link
 * type the reader takes, behind VLAN tags, PPPoE, IPv4 options and IPv6
 * extension headers; a snap length that cuts the payload; Ethernet
 * padding; what is not TCP or UDP; and every truncation of every frame.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcap/packet.h"

/* rdp-to-ssl.pcap, frame 4, client -> server, 101 bytes
 * (192.168.1.200:49206 -> 192.168.1.150:3389): Ethernet, IPv4, TCP, and
 * the TPKT with the X.224 Connection Request (cookie mstshash=AWAKECODI,
 * requestedProtocols SSL|HYBRID). */
static const uint8_t frame4[] = {
    0x08, 0x00, 0x27, 0x12, 0x6d, 0x89, 0x08, 0x00, 0x27, 0x4a, 0x2a, 0x0c,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x57, 0x1d, 0x6e, 0x40, 0x00, 0x80, 0x06,
    0x58, 0x84, 0xc0, 0xa8, 0x01, 0xc8, 0xc0, 0xa8, 0x01, 0x96, 0xc0, 0x36,
    0x0d, 0x3d, 0x55, 0x65, 0xd3, 0xfe, 0x9b, 0x89, 0xa6, 0x6c, 0x50, 0x18,
    0x01, 0x00, 0x47, 0x7d, 0x00, 0x00, 0x03, 0x00, 0x00, 0x2f, 0x2a, 0xe0,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x43, 0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x3a,
    0x20, 0x6d, 0x73, 0x74, 0x73, 0x68, 0x61, 0x73, 0x68, 0x3d, 0x41, 0x57,
    0x41, 0x4b, 0x45, 0x43, 0x4f, 0x44, 0x49, 0x0d, 0x0a, 0x01, 0x00, 0x08,
    0x00, 0x03, 0x00, 0x00, 0x00,
};

#define ETH_HDR 14
#define IP4_HDR 20
#define TCP_HDR 20
#define PAYLOAD_LEN 47
#define IP4_LEN (sizeof(frame4) - ETH_HDR)          /* 87 */
#define TCP_LEN (IP4_LEN - IP4_HDR)                 /* 67 */
static const uint8_t *const ip4 = frame4 + ETH_HDR; /* the IPv4 packet */
static const uint8_t *const tcp = frame4 + ETH_HDR + IP4_HDR;

struct frame {
	uint8_t b[512];
	size_t n;
};

static void
put(struct frame *f, const void *p, size_t n)
{
	assert_true(n <= sizeof(f->b) - f->n);
	if (n > 0)
		memcpy(f->b + f->n, p, n);
	f->n += n;
}

/* The decoded segment is frame 4's. */
static void
assert_frame4(const struct rdd_pkt *p, uint8_t version)
{
	assert_int_equal(p->ip_version, version);
	assert_int_equal(p->proto, RDD_IPPROTO_TCP);
	assert_int_equal(p->sport, 49206);
	assert_int_equal(p->dport, 3389);
	assert_int_equal(p->seq, 0x5565d3feu);
	assert_int_equal(p->ack, 0x9b89a66cu);
	assert_int_equal(p->tcp_flags, RDD_TCP_PSH | RDD_TCP_ACK);
	assert_int_equal(p->payload_wire, PAYLOAD_LEN);
	assert_int_equal(p->payload_cap, PAYLOAD_LEN);
	assert_memory_equal(p->payload, tcp + TCP_HDR, PAYLOAD_LEN);
	if (version == 4) {
		assert_memory_equal(p->src, ip4 + 12, 4);
		assert_memory_equal(p->dst, ip4 + 16, 4);
	}
}

/* Every cut of F decodes to an error, or to a segment that holds no more
 * than it has; never a read past the end (ASan). */
static void
assert_truncations(int dlt, const uint8_t *b, size_t n)
{
	struct rdd_pkt p;
	enum rdd_pkt_result r;
	size_t cut;

	for (cut = 0; cut < n; cut++) {
		uint8_t *copy = malloc(cut + 1);

		assert_non_null(copy);
		memcpy(copy, b, cut);
		r = rdd_pkt_decode(dlt, copy, cut, &p);
		if (r == RDD_PKT_TCP || r == RDD_PKT_UDP) {
			assert_true(p.payload_cap <= p.payload_wire);
			assert_true(p.payload_cap <= cut);
			assert_true(p.payload + p.payload_cap <= copy + cut);
		}
		free(copy);
	}
}

static void
test_ethernet(void **state)
{
	struct rdd_pkt p;
	char a[64];

	(void)state;
	assert_int_equal(
	    rdd_pkt_decode(RDD_DLT_EN10MB, frame4, sizeof(frame4), &p),
	    RDD_PKT_TCP);
	assert_frame4(&p, 4);
	assert_int_equal(p.n_vlan, 0);
	rdd_pkt_addr_str(a, sizeof(a), 4, p.src);
	assert_string_equal(a, "192.168.1.200");
	rdd_pkt_addr_str(a, sizeof(a), 4, p.dst);
	assert_string_equal(a, "192.168.1.150");
	assert_truncations(RDD_DLT_EN10MB, frame4, sizeof(frame4));
}

/* 802.1Q inside 802.1ad (QinQ): VLAN 100 outside, 7 inside. */
static void
test_vlan(void **state)
{
	static const uint8_t tags[] = {0x88, 0xa8, 0x00, 0x64,
	                               0x81, 0x00, 0x20, 0x07};
	struct frame f = {0};
	struct rdd_pkt p;

	(void)state;
	put(&f, frame4, 12);
	put(&f, tags, sizeof(tags));
	put(&f, frame4 + 12, sizeof(frame4) - 12);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_EN10MB, f.b, f.n, &p),
	                 RDD_PKT_TCP);
	assert_frame4(&p, 4);
	assert_int_equal(p.n_vlan, 2);
	assert_int_equal(p.vlan[0], 100);
	assert_int_equal(p.vlan[1], 7);
	assert_truncations(RDD_DLT_EN10MB, f.b, f.n);
}

/* PPPoE session (RFC 2516): ver/type 0x11, code 0, session, length, then
 * PPP protocol 0x0021 (IPv4). */
static void
test_pppoe(void **state)
{
	static const uint8_t hdr[] = {0x88, 0x64, 0x11, 0x00, 0x00,
	                              0x01, 0x00, 0x59, 0x00, 0x21};
	struct frame f = {0};
	struct rdd_pkt p;

	(void)state;
	put(&f, frame4, 12);
	put(&f, hdr, sizeof(hdr));
	put(&f, ip4, IP4_LEN);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_EN10MB, f.b, f.n, &p),
	                 RDD_PKT_TCP);
	assert_frame4(&p, 4);
}

/* Linux cooked v1: packet type, ARPHRD, address length, 8 address bytes,
 * protocol. v2: protocol, reserved, ifindex, ARPHRD, type, length,
 * address. */
static void
test_sll(void **state)
{
	static const uint8_t v1[] = {0x00, 0x04, 0x00, 0x01, 0x00, 0x06,
	                             0x08, 0x00, 0x27, 0x4a, 0x2a, 0x0c,
	                             0x00, 0x00, 0x08, 0x00};
	static const uint8_t v2[] = {0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	                             0x02, 0x00, 0x01, 0x04, 0x06, 0x08, 0x00,
	                             0x27, 0x4a, 0x2a, 0x0c, 0x00, 0x00};
	struct frame f1 = {0}, f2 = {0};
	struct rdd_pkt p;

	(void)state;
	put(&f1, v1, sizeof(v1));
	put(&f1, ip4, IP4_LEN);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_LINUX_SLL, f1.b, f1.n, &p),
	                 RDD_PKT_TCP);
	assert_frame4(&p, 4);
	assert_truncations(RDD_DLT_LINUX_SLL, f1.b, f1.n);
	put(&f2, v2, sizeof(v2));
	put(&f2, ip4, IP4_LEN);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_LINUX_SLL2, f2.b, f2.n, &p),
	                 RDD_PKT_TCP);
	assert_frame4(&p, 4);
	assert_truncations(RDD_DLT_LINUX_SLL2, f2.b, f2.n);
}

static void
test_raw(void **state)
{
	static const int dlts[] = {RDD_DLT_RAW, RDD_DLT_RAW_BSD,
	                           RDD_DLT_LINKTYPE_RAW, RDD_DLT_IPV4};
	struct rdd_pkt p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		assert_true(rdd_pkt_dlt_supported(dlts[i]));
		assert_int_equal(rdd_pkt_decode(dlts[i], ip4, IP4_LEN, &p),
		                 RDD_PKT_TCP);
		assert_frame4(&p, 4);
	}
	assert_truncations(RDD_DLT_RAW, ip4, IP4_LEN);
	assert_false(rdd_pkt_dlt_supported(105)); /* 802.11 */
	assert_int_equal(rdd_pkt_decode(105, ip4, IP4_LEN, &p), RDD_PKT_OTHER);
}

/* BSD loopback: AF_INET as the capturing host wrote it (NULL: either
 * order) or in network order (LOOP). */
static void
test_loopback(void **state)
{
	static const uint8_t le[] = {0x02, 0x00, 0x00, 0x00};
	static const uint8_t be[] = {0x00, 0x00, 0x00, 0x02};
	static const uint8_t unix_af[] = {0x01, 0x00, 0x00, 0x00};
	struct frame a = {0}, b = {0}, c = {0}, d = {0};
	struct rdd_pkt p;

	(void)state;
	put(&a, le, 4);
	put(&a, ip4, IP4_LEN);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_NULL, a.b, a.n, &p),
	                 RDD_PKT_TCP);
	assert_frame4(&p, 4);
	put(&b, be, 4);
	put(&b, ip4, IP4_LEN);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_NULL, b.b, b.n, &p),
	                 RDD_PKT_TCP);
	put(&c, be, 4);
	put(&c, ip4, IP4_LEN);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_LOOP, c.b, c.n, &p),
	                 RDD_PKT_TCP);
	assert_frame4(&p, 4);
	put(&d, unix_af, 4);
	put(&d, ip4, IP4_LEN);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_NULL, d.b, d.n, &p),
	                 RDD_PKT_OTHER);
	assert_truncations(RDD_DLT_NULL, a.b, a.n);
}

/* IPv4 with a 4-byte option (NOP NOP NOP EOL): IHL 6. */
static void
test_ipv4_options(void **state)
{
	struct frame f = {0};
	struct rdd_pkt p;
	uint8_t h[24];

	(void)state;
	memcpy(h, ip4, IP4_HDR);
	h[0] = 0x46;
	h[2] = 0x00;
	h[3] = (uint8_t)(IP4_LEN + 4);
	h[20] = 1;
	h[21] = 1;
	h[22] = 1;
	h[23] = 0;
	put(&f, h, sizeof(h));
	put(&f, tcp, TCP_LEN);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_RAW, f.b, f.n, &p),
	                 RDD_PKT_TCP);
	assert_frame4(&p, 4);
	/* An IHL below 5 is not a header. */
	f.b[0] = 0x44;
	assert_int_equal(rdd_pkt_decode(RDD_DLT_RAW, f.b, f.n, &p),
	                 RDD_PKT_MALFORMED);
}

/* IPv6: hop-by-hop options (8 bytes), destination options (8 bytes),
 * a routing header (8 bytes), then TCP; documentation addresses. */
static void
build_ipv6(struct frame *f, const uint8_t *ext, size_t n_ext, uint8_t first)
{
	uint8_t h[40] = {0x60, 0, 0, 0, 0, 0, 0, 0x40};
	size_t plen = n_ext + TCP_LEN;

	h[4] = (uint8_t)(plen >> 8);
	h[5] = (uint8_t)plen;
	h[6] = first;
	h[8] = 0x20, h[9] = 0x01, h[10] = 0x0d, h[11] = 0xb8, h[23] = 0x01;
	h[24] = 0x20, h[25] = 0x01, h[26] = 0x0d, h[27] = 0xb8, h[39] = 0x02;
	put(f, h, sizeof(h));
	put(f, ext, n_ext);
	put(f, tcp, TCP_LEN);
}

static void
test_ipv6_extensions(void **state)
{
	/* HBH -> DSTOPTS (60), PadN; DSTOPTS -> ROUTING (43); ROUTING
	 * (type 4, segments left 0) -> TCP. */
	static const uint8_t ext[] = {60, 0, 1, 4, 0, 0, 0, 0, 43, 0, 1, 4,
	                              0,  0, 0, 0, 6, 0, 4, 0, 0,  0, 0, 0};
	struct frame f = {0}, e = {0};
	struct rdd_pkt p;
	char a[64];

	(void)state;
	build_ipv6(&f, ext, sizeof(ext), 0);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_RAW, f.b, f.n, &p),
	                 RDD_PKT_TCP);
	assert_frame4(&p, 6);
	assert_int_equal(p.n_ext, 3);
	rdd_pkt_addr_str(a, sizeof(a), 6, p.src);
	assert_string_equal(a, "2001:db8::1");
	assert_truncations(RDD_DLT_RAW, f.b, f.n);
	/* Through Ethernet and LINKTYPE_IPV6 too. */
	put(&e, frame4, 12);
	put(&e, "\x86\xdd", 2);
	put(&e, f.b, f.n);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_EN10MB, e.b, e.n, &p),
	                 RDD_PKT_TCP);
	assert_frame4(&p, 6);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_IPV6, f.b, f.n, &p),
	                 RDD_PKT_TCP);
}

/* A fragment header: offset 0 without more is whole (atomic); offset 0
 * with more is a fragment for ipfrag.c. ESP is not read. */
static void
test_ipv6_fragment_header(void **state)
{
	static const uint8_t atomic[] = {6,    0,    0x00, 0x00,
	                                 0xde, 0xad, 0xbe, 0xef};
	static const uint8_t first[] = {6,    0,    0x00, 0x01,
	                                0xde, 0xad, 0xbe, 0xef};
	struct frame f = {0}, g = {0}, h = {0};
	struct rdd_pkt p;

	(void)state;
	build_ipv6(&f, atomic, sizeof(atomic), 44);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_RAW, f.b, f.n, &p),
	                 RDD_PKT_TCP);
	assert_frame4(&p, 6);
	build_ipv6(&g, first, sizeof(first), 44);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_RAW, g.b, g.n, &p),
	                 RDD_PKT_FRAGMENT);
	assert_int_equal(p.frag_id, 0xdeadbeefu);
	assert_int_equal(p.frag_off, 0);
	assert_true(p.frag_more);
	assert_int_equal(p.proto, RDD_IPPROTO_TCP);
	build_ipv6(&h, NULL, 0, 50);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_RAW, h.b, h.n, &p),
	                 RDD_PKT_OTHER);
}

/* A snap length of 80 keeps 26 of the 47 payload bytes; Ethernet padding
 * after a short packet is not payload. */
static void
test_snaplen_and_padding(void **state)
{
	struct frame f = {0};
	struct rdd_pkt p;
	static const uint8_t pad[6] = {0};

	(void)state;
	assert_int_equal(rdd_pkt_decode(RDD_DLT_EN10MB, frame4, 80, &p),
	                 RDD_PKT_TCP);
	assert_int_equal(p.payload_wire, PAYLOAD_LEN);
	assert_int_equal(p.payload_cap, 80 - ETH_HDR - IP4_HDR - TCP_HDR);
	put(&f, frame4, sizeof(frame4));
	put(&f, pad, sizeof(pad));
	assert_int_equal(rdd_pkt_decode(RDD_DLT_EN10MB, f.b, f.n, &p),
	                 RDD_PKT_TCP);
	assert_int_equal(p.payload_cap, PAYLOAD_LEN);
}

/* UDP: ports, length; a UDP length beyond the IP payload falls back to
 * the IP length. Not IP (ARP) and not TCP/UDP (ICMP) are OTHER. */
static void
test_udp_and_other(void **state)
{
	uint8_t b[IP4_HDR + 8 + 4];
	struct frame arp = {0};
	struct rdd_pkt p;

	(void)state;
	memcpy(b, ip4, IP4_HDR);
	b[2] = 0;
	b[3] = sizeof(b);
	b[9] = RDD_IPPROTO_UDP;
	memcpy(b + IP4_HDR,
	       "\xfe\x50\x0d\x3d\x00\x0c\x00\x00"
	       "abcd",
	       12);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_RAW, b, sizeof(b), &p),
	                 RDD_PKT_UDP);
	assert_int_equal(p.sport, 65104);
	assert_int_equal(p.dport, 3389);
	assert_int_equal(p.payload_wire, 4);
	assert_memory_equal(p.payload, "abcd", 4);
	b[IP4_HDR + 5] = 0xff; /* UDP length 255: more than there is */
	assert_int_equal(rdd_pkt_decode(RDD_DLT_RAW, b, sizeof(b), &p),
	                 RDD_PKT_UDP);
	assert_int_equal(p.payload_wire, 4);
	b[9] = 1; /* ICMP */
	assert_int_equal(rdd_pkt_decode(RDD_DLT_RAW, b, sizeof(b), &p),
	                 RDD_PKT_OTHER);
	put(&arp, frame4, 12);
	put(&arp, "\x08\x06", 2);
	put(&arp, ip4, 28);
	assert_int_equal(rdd_pkt_decode(RDD_DLT_EN10MB, arp.b, arp.n, &p),
	                 RDD_PKT_OTHER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ethernet),
	    cmocka_unit_test(test_vlan),
	    cmocka_unit_test(test_pppoe),
	    cmocka_unit_test(test_sll),
	    cmocka_unit_test(test_raw),
	    cmocka_unit_test(test_loopback),
	    cmocka_unit_test(test_ipv4_options),
	    cmocka_unit_test(test_ipv6_extensions),
	    cmocka_unit_test(test_ipv6_fragment_header),
	    cmocka_unit_test(test_snaplen_and_padding),
	    cmocka_unit_test(test_udp_and_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
