/*
 * packet.c - a captured frame down to its TCP or UDP payload (packet.h).
 *
 * Layouts: Ethernet II (IEEE 802.3), 802.1Q / 802.1ad tags (TPID 0x8100,
 * 0x88a8, and the pre-standard 0x9100), PPPoE session (RFC 2516, PPP
 * protocol 0x0021 / 0x0057), Linux cooked capture v1 (16 bytes, protocol
 * at offset 14) and v2 (20 bytes, protocol at offset 0; tcpdump's
 * pcap-linktype(7)), BSD loopback (a 4-byte address family, host order
 * for NULL, network order for LOOP), IPv4 (RFC 791), IPv6 (RFC 8200) with
 * hop-by-hop, routing, destination options, fragment, AH (RFC 4302),
 * mobility (RFC 6275), HIP and shim6 headers; TCP (RFC 9293), UDP (RFC 768).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "pcap/packet.h"
#include "wire/cursor.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86DD
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88A8
#define ETH_QINQ_OLD 0x9100
#define ETH_PPPOE_SESSION 0x8864

/* BSD address families seen in loopback captures: AF_INET everywhere,
 * AF_INET6 as NetBSD/OpenBSD (24), FreeBSD (28) and Darwin (30) number it. */
#define BSD_AF_INET 2
#define BSD_AF_INET6_BSD 24
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN 30

/* IPv6 next-header values that are extension headers. */
#define IP6_HOPOPTS 0
#define IP6_ROUTING 43
#define IP6_FRAGMENT 44
#define IP6_ESP 50
#define IP6_AH 51
#define IP6_NONE 59
#define IP6_DSTOPTS 60
#define IP6_MOBILITY 135
#define IP6_HIP 139
#define IP6_SHIM6 140

bool
rdd_pkt_dlt_supported(int dlt)
{
	switch (dlt) {
	case RDD_DLT_NULL:
	case RDD_DLT_EN10MB:
	case RDD_DLT_RAW:
	case RDD_DLT_RAW_BSD:
	case RDD_DLT_LINKTYPE_RAW:
	case RDD_DLT_LOOP:
	case RDD_DLT_LINUX_SLL:
	case RDD_DLT_IPV4:
	case RDD_DLT_IPV6:
	case RDD_DLT_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

void
rdd_pkt_addr_str(char *dst, size_t cap, uint8_t version, const uint8_t addr[16])
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(version == 6 ? AF_INET6 : AF_INET, addr, buf,
	              sizeof(buf)) == NULL)
		snprintf(buf, sizeof(buf), "?");
	snprintf(dst, cap, "%s", buf);
}

/* An IP version by ethertype, or 0. */
static int
ethertype_ip(uint16_t type)
{
	return type == ETH_IPV4 ? 4 : type == ETH_IPV6 ? 6 : 0;
}

/*
 * The ethertype at C and what follows: VLAN tags (each 2 bytes of TCI and
 * the next type) and a PPPoE session header are stepped over.
 */
static enum rdd_pkt_result
after_ethertype(struct rdd_cur *c, uint16_t type, struct rdd_pkt *out)
{
	uint16_t tci, ppp;

	while (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
		if (out->n_vlan == RDD_PKT_MAX_VLAN)
			return RDD_PKT_OTHER;
		if (rdd_cur_u16be(c, &tci) != 0 || rdd_cur_u16be(c, &type) != 0)
			return RDD_PKT_TRUNCATED;
		out->vlan[out->n_vlan++] = tci & 0x0FFF;
	}
	if (type == ETH_PPPOE_SESSION) {
		/* ver/type, code, session id, length, then the PPP protocol. */
		if (rdd_cur_skip(c, 6) != 0 || rdd_cur_u16be(c, &ppp) != 0)
			return RDD_PKT_TRUNCATED;
		type = ppp == 0x0021 ? ETH_IPV4 : ppp == 0x0057 ? ETH_IPV6 : 0;
	}
	if (ethertype_ip(type) == 0)
		return RDD_PKT_OTHER;
	return rdd_pkt_ip(c->p, rdd_cur_left(c), out);
}

static enum rdd_pkt_result
bsd_loopback(struct rdd_cur *c, bool network_order, struct rdd_pkt *out)
{
	uint8_t b[4];
	uint32_t fam;

	if (rdd_cur_copy(c, b, sizeof(b)) != 0)
		return RDD_PKT_TRUNCATED;
	if (network_order)
		fam = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		      (uint32_t)b[2] << 8 | b[3];
	else /* the capturing host's order: either one */
		fam = b[0] != 0 ? (uint32_t)b[0] | (uint32_t)b[1] << 8
		                : (uint32_t)b[2] << 8 | b[3];
	switch (fam) {
	case BSD_AF_INET:
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return rdd_pkt_ip(c->p, rdd_cur_left(c), out);
	default:
		return RDD_PKT_OTHER;
	}
}

enum rdd_pkt_result
rdd_pkt_decode(int dlt, const uint8_t *p, size_t caplen, struct rdd_pkt *out)
{
	struct rdd_cur c;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	rdd_cur_init(&c, p, caplen);
	switch (dlt) {
	case RDD_DLT_EN10MB:
		if (rdd_cur_skip(&c, 12) != 0 || rdd_cur_u16be(&c, &type) != 0)
			return RDD_PKT_TRUNCATED;
		return after_ethertype(&c, type, out);
	case RDD_DLT_LINUX_SLL:
		if (rdd_cur_skip(&c, 14) != 0 || rdd_cur_u16be(&c, &type) != 0)
			return RDD_PKT_TRUNCATED;
		return after_ethertype(&c, type, out);
	case RDD_DLT_LINUX_SLL2:
		if (rdd_cur_u16be(&c, &type) != 0 || rdd_cur_skip(&c, 18) != 0)
			return RDD_PKT_TRUNCATED;
		return after_ethertype(&c, type, out);
	case RDD_DLT_NULL:
		return bsd_loopback(&c, false, out);
	case RDD_DLT_LOOP:
		return bsd_loopback(&c, true, out);
	case RDD_DLT_RAW:
	case RDD_DLT_RAW_BSD:
	case RDD_DLT_LINKTYPE_RAW:
	case RDD_DLT_IPV4:
	case RDD_DLT_IPV6:
		return rdd_pkt_ip(p, caplen, out);
	default:
		return RDD_PKT_OTHER;
	}
}

/*
 * IPv4: version/IHL, TOS, total length, id, flags/fragment offset, TTL,
 * protocol, checksum, source, destination, options.
 */
static enum rdd_pkt_result
ipv4(struct rdd_cur *c, size_t caplen, struct rdd_pkt *out)
{
	uint8_t vihl, tos, ttl, proto;
	uint16_t total, id, frag, csum;
	size_t hlen, wire;

	if (rdd_cur_u8(c, &vihl) != 0 || rdd_cur_u8(c, &tos) != 0 ||
	    rdd_cur_u16be(c, &total) != 0 || rdd_cur_u16be(c, &id) != 0 ||
	    rdd_cur_u16be(c, &frag) != 0 || rdd_cur_u8(c, &ttl) != 0 ||
	    rdd_cur_u8(c, &proto) != 0 || rdd_cur_u16be(c, &csum) != 0 ||
	    rdd_cur_copy(c, out->src, 4) != 0 ||
	    rdd_cur_copy(c, out->dst, 4) != 0)
		return RDD_PKT_TRUNCATED;
	hlen = (size_t)(vihl & 0x0F) * 4;
	/* TSO captures show a total length of 0: take the frame's. */
	wire = total != 0 ? total : caplen;
	if (hlen < 20 || wire < hlen)
		return RDD_PKT_MALFORMED;
	if (rdd_cur_skip(c, hlen - 20) != 0)
		return RDD_PKT_TRUNCATED;
	out->ip_version = 4;
	out->proto = proto;
	out->l4 = c->p;
	out->l4_wire = wire - hlen;
	/* Ethernet pads short frames: what lies past the IP length is not
	 * payload. */
	out->l4_len =
	    rdd_cur_left(c) < out->l4_wire ? rdd_cur_left(c) : out->l4_wire;
	if ((frag & 0x3FFF) != 0) {
		out->frag_id = id;
		out->frag_off = (uint32_t)(frag & 0x1FFF) * 8;
		out->frag_more = (frag & 0x2000) != 0;
		return RDD_PKT_FRAGMENT;
	}
	return rdd_pkt_transport(out);
}

/* The length of the extension header NH at C (whose first two bytes are
 * next header and length), or 0 when NH is not one that can be skipped. */
static size_t
ext_len(uint8_t nh, const struct rdd_cur *c)
{
	struct rdd_cur k = *c;
	uint8_t next, len;

	if (rdd_cur_u8(&k, &next) != 0 || rdd_cur_u8(&k, &len) != 0)
		return 0;
	switch (nh) {
	case IP6_HOPOPTS:
	case IP6_ROUTING:
	case IP6_DSTOPTS:
	case IP6_MOBILITY:
	case IP6_HIP:
	case IP6_SHIM6:
		return ((size_t)len + 1) * 8;
	case IP6_AH:
		return ((size_t)len + 2) * 4;
	default:
		return 0;
	}
}

/*
 * IPv6: version/class/flow (4), payload length, next header, hop limit,
 * source, destination; then extension headers until the transport (or a
 * fragment header: the rest is the fragment).
 */
static enum rdd_pkt_result
ipv6(struct rdd_cur *c, size_t caplen, struct rdd_pkt *out)
{
	uint32_t vcf, id;
	uint16_t plen, offm;
	uint8_t nh, hop, fnext, res;
	size_t wire, used = 0, n;

	if (rdd_cur_u32be(c, &vcf) != 0 || rdd_cur_u16be(c, &plen) != 0 ||
	    rdd_cur_u8(c, &nh) != 0 || rdd_cur_u8(c, &hop) != 0 ||
	    rdd_cur_copy(c, out->src, 16) != 0 ||
	    rdd_cur_copy(c, out->dst, 16) != 0)
		return RDD_PKT_TRUNCATED;
	out->ip_version = 6;
	/* A payload length of 0 is a jumbogram or TSO: the frame's. */
	wire = plen != 0 ? plen : caplen - 40;
	for (;;) {
		if (nh == IP6_FRAGMENT) {
			if (rdd_cur_u8(c, &fnext) != 0 ||
			    rdd_cur_u8(c, &res) != 0 ||
			    rdd_cur_u16be(c, &offm) != 0 ||
			    rdd_cur_u32be(c, &id) != 0)
				return RDD_PKT_TRUNCATED;
			used += 8;
			if (used > wire)
				return RDD_PKT_MALFORMED;
			out->proto = fnext;
			out->frag_id = id;
			out->frag_off = (uint32_t)(offm & 0xFFF8);
			out->frag_more = (offm & 1) != 0;
			out->l4 = c->p;
			out->l4_wire = wire - used;
			out->l4_len = rdd_cur_left(c) < out->l4_wire
			                  ? rdd_cur_left(c)
			                  : out->l4_wire;
			/* An atomic fragment (offset 0, no more) is whole. */
			if (out->frag_off == 0 && !out->frag_more)
				return rdd_pkt_transport(out);
			return RDD_PKT_FRAGMENT;
		}
		n = ext_len(nh, c);
		if (n == 0)
			break;
		if (out->n_ext == RDD_PKT_MAX_EXT)
			return RDD_PKT_OTHER;
		if (rdd_cur_peek_u8(c, &fnext) != 0 || rdd_cur_skip(c, n) != 0)
			return RDD_PKT_TRUNCATED;
		out->n_ext++;
		used += n;
		if (used > wire)
			return RDD_PKT_MALFORMED;
		nh = fnext;
	}
	if (nh == IP6_NONE || nh == IP6_ESP)
		return RDD_PKT_OTHER;
	out->proto = nh;
	out->l4 = c->p;
	out->l4_wire = wire - used;
	out->l4_len =
	    rdd_cur_left(c) < out->l4_wire ? rdd_cur_left(c) : out->l4_wire;
	return rdd_pkt_transport(out);
}

enum rdd_pkt_result
rdd_pkt_ip(const uint8_t *p, size_t caplen, struct rdd_pkt *out)
{
	struct rdd_cur c;
	uint8_t v;

	rdd_cur_init(&c, p, caplen);
	if (rdd_cur_peek_u8(&c, &v) != 0)
		return RDD_PKT_TRUNCATED;
	switch (v >> 4) {
	case 4:
		return ipv4(&c, caplen, out);
	case 6:
		if (caplen < 40)
			return RDD_PKT_TRUNCATED;
		return ipv6(&c, caplen, out);
	default:
		return RDD_PKT_OTHER;
	}
}

enum rdd_pkt_result
rdd_pkt_transport(struct rdd_pkt *out)
{
	struct rdd_cur c;
	uint16_t off_flags, len, csum, urg;
	size_t hlen;

	rdd_cur_init(&c, out->l4, out->l4_len);
	if (out->proto == RDD_IPPROTO_TCP) {
		if (rdd_cur_u16be(&c, &out->sport) != 0 ||
		    rdd_cur_u16be(&c, &out->dport) != 0 ||
		    rdd_cur_u32be(&c, &out->seq) != 0 ||
		    rdd_cur_u32be(&c, &out->ack) != 0 ||
		    rdd_cur_u16be(&c, &off_flags) != 0 ||
		    rdd_cur_u16be(&c, &out->window) != 0 ||
		    rdd_cur_u16be(&c, &csum) != 0 ||
		    rdd_cur_u16be(&c, &urg) != 0)
			return RDD_PKT_TRUNCATED;
		hlen = (size_t)(off_flags >> 12) * 4;
		if (hlen < 20 || hlen > out->l4_wire)
			return RDD_PKT_MALFORMED;
		if (rdd_cur_skip(&c, hlen - 20) != 0)
			return RDD_PKT_TRUNCATED;
		out->tcp_flags = (uint8_t)(off_flags & 0xFF);
		out->payload = c.p;
		out->payload_cap = rdd_cur_left(&c);
		out->payload_wire = out->l4_wire - hlen;
		return RDD_PKT_TCP;
	}
	if (out->proto == RDD_IPPROTO_UDP) {
		if (rdd_cur_u16be(&c, &out->sport) != 0 ||
		    rdd_cur_u16be(&c, &out->dport) != 0 ||
		    rdd_cur_u16be(&c, &len) != 0 ||
		    rdd_cur_u16be(&c, &csum) != 0)
			return RDD_PKT_TRUNCATED;
		/* The UDP length, where it is sane, else the IP payload's. */
		if (len < 8 || len > out->l4_wire)
			len = (uint16_t)(out->l4_wire > 0xFFFF ? 0xFFFF
			                                       : out->l4_wire);
		if (len < 8)
			return RDD_PKT_MALFORMED;
		out->payload = c.p;
		out->payload_wire = (size_t)len - 8;
		out->payload_cap = rdd_cur_left(&c) < out->payload_wire
		                       ? rdd_cur_left(&c)
		                       : out->payload_wire;
		return RDD_PKT_UDP;
	}
	return RDD_PKT_OTHER;
}
