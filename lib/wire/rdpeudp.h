/*
 * rdpeudp.h - the RDP-UDP handshake datagrams ([MS-RDPEUDP] 2.2.2; all
 * fields big-endian): the client's SYN and the server's SYN+ACK, which
 * share one layout (RDPUDP_FEC_HEADER, RDPUDP_SYNDATA_PAYLOAD, then
 * RDPUDP_CORRELATION_ID_PAYLOAD when the CORRELATION_ID flag is set and
 * RDPUDP_SYNDATAEX_PAYLOAD when SYNEX is), zero-padded to 1232 bytes.
 * RDPEUDP2 is negotiated inside them with version 0x0101 ([MS-RDPEUDP2]).
 * No I/O.
 */
#ifndef RDD_WIRE_RDPEUDP_H
#define RDD_WIRE_RDPEUDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SYN and SYN+ACK datagrams MUST be this long ([MS-RDPEUDP] 3.1.5.1.1). */
#define RDD_RDPEUDP_SYN_LEN 1232
#define RDD_RDPEUDP_MTU 1232 /* uUpStreamMtu / uDownStreamMtu, 1132..1232 */
#define RDD_RDPEUDP_MTU_MIN 1132

/* uFlags ([MS-RDPEUDP] 2.2.2.1). */
#define RDD_RDPEUDP_SYN 0x0001
#define RDD_RDPEUDP_FIN 0x0002
#define RDD_RDPEUDP_ACK 0x0004
#define RDD_RDPEUDP_DATA 0x0008
#define RDD_RDPEUDP_SYNLOSSY 0x0200
#define RDD_RDPEUDP_CORRELATION_ID 0x0800
#define RDD_RDPEUDP_SYNEX 0x1000

/* RDPUDP_SYNDATAEX_PAYLOAD ([MS-RDPEUDP] 2.2.2.9). */
#define RDD_RDPEUDP_VERSION_INFO_VALID 0x0001
#define RDD_RDPEUDP_VERSION_1 0x0001
#define RDD_RDPEUDP_VERSION_2 0x0002
#define RDD_RDPEUDP_VERSION_3 0x0101 /* RDPEUDP2 */

struct rdd_rdpeudp_syn {
	uint32_t sn_source_ack; /* 0xFFFFFFFF in a SYN; the peer's ISN in a
	                           SYN+ACK */
	uint16_t window;        /* uReceiveWindowSize */
	uint16_t flags;         /* uFlags */
	uint32_t isn;           /* snInitialSequenceNumber */
	uint16_t up_mtu;
	uint16_t down_mtu;
	bool has_correlation_id; /* CORRELATION_ID flag */
	uint8_t correlation_id[16];
	bool has_synex; /* SYNEX flag */
	uint16_t synex_flags;
	uint16_t version; /* uUdpVer */
	/* cookieHash: only in a SYN (no ACK) offering version 0x0101. */
	bool has_cookie_hash;
	uint8_t cookie_hash[32];
};

/*
 * Read a SYN or SYN+ACK from P (LEN bytes, the whole UDP payload). The
 * padding is not checked (a receiver ignores it), but the parts the flags
 * announce must be there. Returns 0, or -1 when the datagram is too short
 * for them or carries no SYN flag.
 */
int rdd_rdpeudp_parse_syn(const uint8_t *p, size_t len,
                          struct rdd_rdpeudp_syn *out);

/*
 * Write S as a datagram of exactly RDD_RDPEUDP_SYN_LEN bytes into OUT
 * (capacity CAP): the flags say which parts are written. Returns the
 * length, or 0 when CAP is too small.
 */
size_t rdd_rdpeudp_build_syn(const struct rdd_rdpeudp_syn *s, uint8_t *out,
                             size_t cap);

/*
 * The SYN a current Windows client sends ([MS-RDPEUDP] 3.1.5.1.1, and the
 * Zeek captures): snSourceAck -1, window 64, SYN|CORRELATION_ID|SYNEX,
 * MTUs 1232, the given ISN and correlation id, SYNEX version VERSION (with
 * a zero cookieHash for 0x0101, as a cold probe has no securityCookie).
 */
void rdd_rdpeudp_client_syn(struct rdd_rdpeudp_syn *s, uint32_t isn,
                            const uint8_t correlation_id[16], uint16_t version);

/*
 * The server's answer to SYN ([MS-RDPEUDP] 3.1.5.1.3), as the responder
 * of the lab builds it: snSourceAck = the client's ISN, window 64,
 * SYN|ACK (|SYNEX when the client sent SYNEX), the server's ISN, MTUs
 * min(client's, 1232), and the highest version both support, the server
 * supporting up to MAX_VERSION (1, 2 or 0x0101). Returns 0, or -1 when SYN
 * is not a client SYN (ACK set, or no SYN flag).
 */
int rdd_rdpeudp_server_synack(const struct rdd_rdpeudp_syn *syn,
                              uint32_t server_isn, uint16_t max_version,
                              struct rdd_rdpeudp_syn *out);

/* "1", "2", "3 (RDPEUDP2)", or NULL for another value. */
const char *rdd_rdpeudp_version_name(uint16_t version);

#endif
