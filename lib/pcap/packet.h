/*
 * packet.h - one captured frame, from its link-layer header down to the
 * TCP or UDP payload (no I/O, no state): Ethernet with 802.1Q and QinQ
 * tags (and PPPoE sessions), Linux cooked captures v1 and v2, raw IP,
 * BSD loopback (NULL and LOOP), IPv4 with options, IPv6 with its
 * extension headers. Fragments are recognised and handed back whole for
 * lib/pcap/ipfrag.c to put together; rdd_pkt_transport() then reads the
 * TCP or UDP header of the reassembled datagram.
 *
 * Lengths come in two kinds: what the frame carried on the wire (from the
 * IP header) and what the capture kept (a snap length cuts frames). A
 * payload of which only a part was kept says so: its missing tail is a
 * gap the TCP reassembler records.
 */
#ifndef RDD_PCAP_PACKET_H
#define RDD_PCAP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Link types, as libpcap's DLT_ values on Linux (pcap/dlt.h); LINKTYPE_RAW
 * (101) arrives as DLT_RAW (12), and OpenBSD's DLT_RAW is 14. */
#define RDD_DLT_NULL 0
#define RDD_DLT_EN10MB 1
#define RDD_DLT_RAW 12
#define RDD_DLT_RAW_BSD 14
#define RDD_DLT_LINKTYPE_RAW 101
#define RDD_DLT_LOOP 108
#define RDD_DLT_LINUX_SLL 113
#define RDD_DLT_IPV4 228
#define RDD_DLT_IPV6 229
#define RDD_DLT_LINUX_SLL2 276

#define RDD_IPPROTO_TCP 6
#define RDD_IPPROTO_UDP 17

/* TCP flags. */
#define RDD_TCP_FIN 0x01
#define RDD_TCP_SYN 0x02
#define RDD_TCP_RST 0x04
#define RDD_TCP_PSH 0x08
#define RDD_TCP_ACK 0x10

/* Most 802.1Q/802.1ad tags read in front of the payload. */
#define RDD_PKT_MAX_VLAN 4
/* Most IPv6 extension headers followed. */
#define RDD_PKT_MAX_EXT 16

enum rdd_pkt_result {
	RDD_PKT_TCP,       /* transport header read: see sport.. payload */
	RDD_PKT_UDP,       /* idem */
	RDD_PKT_FRAGMENT,  /* an IP fragment: see frag_* and l4 */
	RDD_PKT_OTHER,     /* not IP, or another protocol: ignored */
	RDD_PKT_MALFORMED, /* a header that does not fit or contradicts itself */
	RDD_PKT_TRUNCATED  /* the capture cut the frame inside a header */
};

struct rdd_pkt {
	unsigned n_vlan;
	uint16_t vlan[RDD_PKT_MAX_VLAN]; /* VLAN ids, outermost first */

	uint8_t ip_version; /* 4 or 6 */
	uint8_t src[16];    /* IPv4 in the first 4 bytes */
	uint8_t dst[16];
	uint8_t proto; /* the transport protocol (after extension headers) */
	unsigned n_ext;

	/* Fragments (RDD_PKT_FRAGMENT). */
	uint32_t frag_id;
	uint32_t frag_off; /* bytes */
	bool frag_more;

	/* The IP payload: the transport header and its data (of a fragment:
	 * the fragment's bytes). l4_len bytes were captured of l4_wire on
	 * the wire. */
	const uint8_t *l4;
	size_t l4_len;
	size_t l4_wire;

	/* Transport. */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t tcp_flags;
	uint16_t window;
	const uint8_t *payload;
	size_t payload_cap;  /* bytes of payload in the capture */
	size_t payload_wire; /* bytes of payload on the wire */
};

/*
 * Decode the frame at P (CAPLEN bytes captured) of link type DLT down to
 * the transport: fills OUT (zeroed first). A fragment stops at the IP
 * layer (RDD_PKT_FRAGMENT).
 */
enum rdd_pkt_result rdd_pkt_decode(int dlt, const uint8_t *p, size_t caplen,
                                   struct rdd_pkt *out);

/* From the IP header at P on (version from its first nibble); the rest as
 * rdd_pkt_decode. OUT's VLAN fields are kept. */
enum rdd_pkt_result rdd_pkt_ip(const uint8_t *p, size_t caplen,
                               struct rdd_pkt *out);

/* Read the TCP or UDP header of OUT->l4 (OUT->proto says which); sets the
 * transport fields. For a reassembled datagram the caller sets l4, l4_len
 * and l4_wire first. */
enum rdd_pkt_result rdd_pkt_transport(struct rdd_pkt *out);

/* True for the link types rdd_pkt_decode reads. */
bool rdd_pkt_dlt_supported(int dlt);

/* "192.0.2.1" or "2001:db8::1" for the address ADDR of VERSION. */
void rdd_pkt_addr_str(char *dst, size_t cap, uint8_t version,
                      const uint8_t addr[16]);

#endif
