/*
 * tcp_rtt.h - the round trip of a connected socket's handshake as the
 * kernel measured it (SYN sent to SYN-ACK received), free of the time the
 * event loop took to see the connect complete.
 */
#ifndef RDPDOCTOR_NET_TCP_RTT_H
#define RDPDOCTOR_NET_TCP_RTT_H

#include <uv.h>

/* The kernel's RTT of T's connection in ms (Linux TCP_INFO tcpi_rtt, its
 * first sample: the handshake's), or -1 where it is not known (another
 * system, no sample yet). */
double rdd__tcp_rtt_ms(const uv_tcp_t *t);

#endif
