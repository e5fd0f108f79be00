/*
 * tcpdir.h - one direction of a TCP connection put back in order
 * (RFC 9293 3.4, 3.10.7.4), for a passive observer.
 *
 * Segments come in capture order; the bytes go out in sequence order,
 * each run with the frame number and time of the segment that carried it.
 * Retransmissions are dropped (and counted); overlaps keep the bytes that
 * came first; segments that arrive early wait, in bounded memory, for the
 * hole before them. A hole is never silently joined: when it is known to
 * be lost to the capture (the peer acknowledged past it, later segments
 * piled up beyond the limits, the connection or the capture ended) the
 * sink is told "N bytes missing" and the stream goes on after it. A
 * segment the snap length cut is its captured bytes and a gap.
 */
#ifndef RDD_PCAP_TCPDIR_H
#define RDD_PCAP_TCPDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on what waits for a hole, per direction. */
#define RDD_TCPDIR_OOO_BYTES (256 * 1024)
#define RDD_TCPDIR_OOO_SEGS 512
/* Packets of the connection after the first early segment before a hole
 * the peer has acknowledged is declared lost (captures merged from two
 * interfaces may show an ACK before the data it acknowledges). */
#define RDD_TCPDIR_ACK_GRACE 8

struct rdd_tcp_meta {
	uint64_t frame; /* 1-based, as Wireshark counts */
	double ts;      /* capture time, seconds */
};

struct rdd_tcpdir_sink {
	/* In-order bytes. */
	void (*data)(void *ctx, const uint8_t *p, size_t n,
	             const struct rdd_tcp_meta *m);
	/* N bytes the capture does not have, where the stream would have
	 * carried them; M is the segment after the hole (or the packet that
	 * proved it). */
	void (*gap)(void *ctx, size_t n, const struct rdd_tcp_meta *m);
	void *ctx;
};

struct rdd_tcpdir_stats {
	uint64_t segments;  /* with payload */
	uint64_t bytes;     /* delivered */
	uint64_t retrans;   /* segments wholly seen before */
	uint64_t overlaps;  /* segments partly seen before */
	uint64_t gaps;      /* holes declared */
	uint64_t gap_bytes; /* bytes in them */
	uint64_t first_gap_frame;
	uint64_t ooo; /* segments that arrived early */
};

struct rdd_tcpdir_seg;

struct rdd_tcpdir {
	bool started;   /* next is known */
	bool syn;       /* a SYN set it */
	bool midstream; /* started without a SYN */
	uint32_t isn;
	uint32_t next; /* next sequence number expected */
	bool fin;
	uint32_t fin_seq;
	struct rdd_tcpdir_seg *ooo; /* sorted by sequence number */
	size_t ooo_bytes;
	size_t n_ooo;
	unsigned since_ooo; /* packets seen since the first early segment */
	struct rdd_tcpdir_stats stats;
};

void rdd_tcpdir_init(struct rdd_tcpdir *d);
/* Free what waits, delivering nothing. */
void rdd_tcpdir_free(struct rdd_tcpdir *d);

/*
 * A segment of this direction: sequence number SEQ, TCP FLAGS, CAP bytes
 * at P captured of WIRE bytes of payload.
 */
void rdd_tcpdir_segment(struct rdd_tcpdir *d, uint32_t seq, uint8_t flags,
                        const uint8_t *p, size_t cap, size_t wire,
                        const struct rdd_tcp_meta *m,
                        const struct rdd_tcpdir_sink *sink);

/* The other direction acknowledged ACK (a packet with the ACK flag). */
void rdd_tcpdir_peer_ack(struct rdd_tcpdir *d, uint32_t ack,
                         const struct rdd_tcp_meta *m,
                         const struct rdd_tcpdir_sink *sink);

/* The connection or the capture ended: deliver what waits, holes as
 * gaps, and a hole before the FIN. */
void rdd_tcpdir_flush(struct rdd_tcpdir *d, const struct rdd_tcp_meta *m,
                      const struct rdd_tcpdir_sink *sink);

/* All bytes up to the FIN were delivered. */
bool rdd_tcpdir_fin_reached(const struct rdd_tcpdir *d);

#endif
