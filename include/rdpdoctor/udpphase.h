/*
 * udpphase.h - the RDP-UDP probe without I/O: the SYN it sends, what an
 * answer means, when to retransmit, and the udp phase (observation.h
 * struct rdd_udp_info). lib/net/check_run.c does the sending.
 */
#ifndef RDPDOCTOR_UDPPHASE_H
#define RDPDOCTOR_UDPPHASE_H

#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/observation.h"

/* SYNs per probe: the Zeek capture rdpeudp-handshake-fail.pcap shows a
 * Windows client sending its SYN three times before giving up. */
#define RDD_UDP_MAX_SYNS 3

/*
 * The SYN number N (0-based) into OUT (RDD_UDP_SYN_LEN bytes): a current
 * client's SYN (SYN|CORRELATION_ID|SYNEX, window 64, MTUs 1232, 1232
 * bytes) with ISN and CORRELATION_ID (16 bytes). The first offers version
 * 0x0101 (RDPEUDP2, zero cookieHash as a cold probe has no cookie), the
 * retransmissions 0x0002, in case a server drops a SYN whose cookieHash it
 * cannot check. Returns the length, or 0.
 */
#define RDD_UDP_SYN_LEN 1232
size_t rdd_udp_syn(unsigned n, uint32_t isn, const uint8_t correlation[16],
                   uint8_t *out, size_t cap);

/* The uUdpVer SYN number N offers. */
uint16_t rdd_udp_syn_version(unsigned n);

/* When SYN number N (1-based retransmissions) is due, in ms after the
 * first, within a phase timeout of TIMEOUT_MS: at a third and two thirds
 * of it. */
double rdd_udp_resend_at_ms(unsigned n, double timeout_ms);

/*
 * A datagram P (LEN bytes) from the server: 0 and the SYN+ACK's fields in
 * U when it is a SYN+ACK acknowledging ISN, else -1.
 */
int rdd_udp_answer(const uint8_t *p, size_t len, uint32_t isn,
                   struct rdd_udp_info *u);

/* obs->phases[RDD_PHASE_UDP] from obs->udp (and obs->mcs's
 * SC_MULTITRANSPORT, when the Connect-Response had one). */
void rdd_udp_conclude(struct rdd_observation *obs);

#endif
