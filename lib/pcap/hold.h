/*
 * hold.h - segments of one TCP direction that wait for the other
 * direction's bytes they acknowledge.
 *
 * A capture shows packets in the order the tap saw them. A span port, or
 * captures merged from two taps, can show a segment before the other
 * side's segment it answers (its ACK covers bytes not captured yet): read
 * in that order, the client's AUTHENTICATE would come before the
 * server's CHALLENGE it answers. Such a segment is held here (copied, in
 * bounded memory) until the other direction's bytes have been delivered,
 * or the caller gives up waiting (they may be lost to the capture). The
 * segments of a direction need not leave in the order they came: the
 * tcpdir puts them back in sequence order.
 */
#ifndef RDD_PCAP_HOLD_H
#define RDD_PCAP_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap/tcpdir.h"

/* Bounds per direction: beyond them, everything held is let go. */
#define RDD_HOLD_MAX_SEGS 64
#define RDD_HOLD_MAX_BYTES (256 * 1024)
/* Packets of the connection after the first held segment before what is
 * held is let go. Bytes that are lost to the capture end a hold sooner:
 * once the tcpdir declares their hole (RDD_TCPDIR_ACK_GRACE). */
#define RDD_HOLD_GRACE 32

struct rdd_hold_seg {
	struct rdd_hold_seg *next;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;
	size_t cap;  /* bytes of payload kept */
	size_t wire; /* bytes of payload on the wire */
	struct rdd_tcp_meta meta;
	uint8_t data[]; /* CAP bytes */
};

struct rdd_hold {
	struct rdd_hold_seg *head; /* oldest first */
	size_t n;
	size_t bytes;
	unsigned since; /* packets of the connection since the first held */
};

void rdd_hold_init(struct rdd_hold *h);
/* Drop everything held. */
void rdd_hold_free(struct rdd_hold *h);
/* Keep a copy of the segment (SEQ, ACK, FLAGS, CAP bytes at P of WIRE,
 * seen as M): 0, or -1 when the bounds or memory do not allow it. */
int rdd_hold_push(struct rdd_hold *h, uint32_t seq, uint32_t ack, uint8_t flags,
                  const uint8_t *p, size_t cap, size_t wire,
                  const struct rdd_tcp_meta *m);
/* Take out the oldest held segment that READY(segment, CTX) accepts
 * (READY NULL: the oldest); the caller frees it with free(). NULL when
 * none does. */
struct rdd_hold_seg *rdd_hold_take(struct rdd_hold *h,
                                   bool (*ready)(const struct rdd_hold_seg *s,
                                                 void *ctx),
                                   void *ctx);

#endif
