/*
 * tcpdir.c - one direction of a TCP connection put back in order
 * (tcpdir.h). Sequence numbers compare modulo 2^32 (RFC 9293 3.4).
 */
#include <stdlib.h>
#include <string.h>

#include "pcap/packet.h"
#include "pcap/tcpdir.h"

struct rdd_tcpdir_seg {
	struct rdd_tcpdir_seg *next;
	uint32_t seq;
	size_t wire; /* bytes on the wire */
	size_t cap;  /* bytes held: the first CAP of WIRE */
	struct rdd_tcp_meta meta;
	uint8_t data[];
};

/* a - b as a signed distance. */
static int32_t
sdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

void
rdd_tcpdir_init(struct rdd_tcpdir *d)
{
	memset(d, 0, sizeof(*d));
}

void
rdd_tcpdir_free(struct rdd_tcpdir *d)
{
	struct rdd_tcpdir_seg *s, *n;

	for (s = d->ooo; s != NULL; s = n) {
		n = s->next;
		free(s);
	}
	d->ooo = NULL;
	d->ooo_bytes = 0;
	d->n_ooo = 0;
}

static void
emit_gap(struct rdd_tcpdir *d, size_t n, const struct rdd_tcp_meta *m,
         const struct rdd_tcpdir_sink *sink)
{
	if (n == 0)
		return;
	d->stats.gaps++;
	d->stats.gap_bytes += n;
	if (d->stats.first_gap_frame == 0)
		d->stats.first_gap_frame = m->frame;
	if (sink->gap != NULL)
		sink->gap(sink->ctx, n, m);
}

static void
emit_data(struct rdd_tcpdir *d, const uint8_t *p, size_t n,
          const struct rdd_tcp_meta *m, const struct rdd_tcpdir_sink *sink)
{
	if (n == 0)
		return;
	d->stats.bytes += n;
	if (sink->data != NULL)
		sink->data(sink->ctx, p, n, m);
}

/*
 * Deliver the segment that starts at or before next: what is new of it
 * (captured bytes, then the part the snap length cut as a gap).
 */
static void
deliver(struct rdd_tcpdir *d, uint32_t seq, const uint8_t *p, size_t cap,
        size_t wire, const struct rdd_tcp_meta *m,
        const struct rdd_tcpdir_sink *sink)
{
	size_t skip = (size_t)(uint32_t)(d->next - seq);

	if (skip >= wire)
		return;
	if (skip > 0)
		d->stats.overlaps++;
	if (skip < cap)
		emit_data(d, p + skip, cap - skip, m, sink);
	emit_gap(d, wire - (skip > cap ? skip : cap), m, sink);
	d->next = seq + (uint32_t)wire;
}

/* Deliver the early segments the stream has reached. */
static void
drain(struct rdd_tcpdir *d, const struct rdd_tcpdir_sink *sink)
{
	struct rdd_tcpdir_seg *s;

	while ((s = d->ooo) != NULL && sdiff(s->seq, d->next) <= 0) {
		d->ooo = s->next;
		d->ooo_bytes -= s->cap;
		d->n_ooo--;
		if (sdiff(s->seq + (uint32_t)s->wire, d->next) <= 0)
			d->stats.retrans++;
		else
			deliver(d, s->seq, s->data, s->cap, s->wire, &s->meta,
			        sink);
		free(s);
	}
	if (d->ooo == NULL)
		d->since_ooo = 0;
}

/* Declare the hole before the first early segment lost, up to UPTO at
 * most, and go on. */
static void
skip_hole(struct rdd_tcpdir *d, uint32_t upto, const struct rdd_tcp_meta *m,
          const struct rdd_tcpdir_sink *sink)
{
	struct rdd_tcpdir_seg *s = d->ooo;
	uint32_t to = upto;

	if (s != NULL && sdiff(s->seq, to) < 0)
		to = s->seq;
	/* No hole when the first early segment is due already (a SYN seen
	 * late moved the stream's start past it). Drain either way, so that
	 * the callers' loops, which end when nothing waits, always move on. */
	if (sdiff(to, d->next) > 0) {
		emit_gap(d, (size_t)(uint32_t)(to - d->next),
		         s != NULL ? &s->meta : m, sink);
		d->next = to;
	}
	drain(d, sink);
}

static void
hold(struct rdd_tcpdir *d, uint32_t seq, const uint8_t *p, size_t cap,
     size_t wire, const struct rdd_tcp_meta *m,
     const struct rdd_tcpdir_sink *sink)
{
	struct rdd_tcpdir_seg **pp = &d->ooo, *s;

	while (*pp != NULL && sdiff((*pp)->seq, seq) < 0)
		pp = &(*pp)->next;
	if (*pp != NULL && (*pp)->seq == seq && (*pp)->wire >= wire) {
		d->stats.retrans++; /* the same early segment again */
		return;
	}
	s = malloc(sizeof(*s) + cap);
	if (s == NULL) {
		/* No memory to wait: the hole is lost now. */
		skip_hole(d, seq, m, sink);
		deliver(d, seq, p, cap, wire, m, sink);
		drain(d, sink);
		return;
	}
	s->seq = seq;
	s->wire = wire;
	s->cap = cap;
	s->meta = *m;
	memcpy(s->data, p, cap);
	s->next = *pp;
	*pp = s;
	if (d->n_ooo == 0)
		d->since_ooo = 0;
	d->n_ooo++;
	d->ooo_bytes += cap;
	d->stats.ooo++;
	while (d->ooo != NULL && (d->ooo_bytes > RDD_TCPDIR_OOO_BYTES ||
	                          d->n_ooo > RDD_TCPDIR_OOO_SEGS))
		skip_hole(d, d->ooo->seq, m, sink);
}

void
rdd_tcpdir_segment(struct rdd_tcpdir *d, uint32_t seq, uint8_t flags,
                   const uint8_t *p, size_t cap, size_t wire,
                   const struct rdd_tcp_meta *m,
                   const struct rdd_tcpdir_sink *sink)
{
	uint32_t end;

	if (cap > wire)
		cap = wire;
	if (flags & RDD_TCP_SYN) {
		if (!d->syn && (!d->started || d->stats.bytes == 0)) {
			d->syn = true;
			d->isn = seq;
			d->next = seq + 1;
			d->started = true;
			d->midstream = false;
		}
		seq++; /* the SYN occupies one sequence number */
	}
	if (!d->started) {
		if (flags & RDD_TCP_RST)
			return; /* a reset says nothing about the stream */
		d->started = true;
		d->midstream = true;
		d->next = seq;
	}
	if (d->ooo != NULL)
		d->since_ooo++;
	end = seq + (uint32_t)wire;
	if ((flags & RDD_TCP_FIN) && !d->fin) {
		d->fin = true;
		d->fin_seq = end;
	}
	if (wire == 0)
		return;
	d->stats.segments++;
	if (sdiff(end, d->next) <= 0) {
		d->stats.retrans++;
		return;
	}
	if (sdiff(seq, d->next) <= 0) {
		deliver(d, seq, p, cap, wire, m, sink);
		drain(d, sink);
		return;
	}
	hold(d, seq, p, cap, wire, m, sink);
}

void
rdd_tcpdir_peer_ack(struct rdd_tcpdir *d, uint32_t ack,
                    const struct rdd_tcp_meta *m,
                    const struct rdd_tcpdir_sink *sink)
{
	if (!d->started || d->ooo == NULL)
		return;
	d->since_ooo++;
	/* The peer has bytes the capture never showed; after a grace for
	 * captures that put the ACK before the data, they are lost. */
	if (sdiff(ack, d->next) > 0 && sdiff(ack, d->next) < (1 << 30) &&
	    d->since_ooo >= RDD_TCPDIR_ACK_GRACE)
		skip_hole(d, ack, m, sink);
}

void
rdd_tcpdir_flush(struct rdd_tcpdir *d, const struct rdd_tcp_meta *m,
                 const struct rdd_tcpdir_sink *sink)
{
	if (!d->started)
		return;
	while (d->ooo != NULL)
		skip_hole(d, d->ooo->seq, m, sink);
	/* Bytes before the FIN that never showed. */
	if (d->fin && sdiff(d->fin_seq, d->next) > 0 &&
	    sdiff(d->fin_seq, d->next) < (1 << 30)) {
		emit_gap(d, (size_t)(uint32_t)(d->fin_seq - d->next), m, sink);
		d->next = d->fin_seq;
	}
}

bool
rdd_tcpdir_fin_reached(const struct rdd_tcpdir *d)
{
	return d->fin && d->ooo == NULL && sdiff(d->next, d->fin_seq) >= 0;
}
