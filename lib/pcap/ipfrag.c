/*
 * ipfrag.c - fragment reassembly (ipfrag.h).
 *
 * Each datagram in progress has a 64 KiB buffer (allocated when its first
 * fragment arrives) and a bitmap of the 8-byte blocks filled: every
 * fragment but the last covers a multiple of 8 bytes, so a block is
 * either filled whole or not at all, except the last one, which is judged
 * by the total length the last fragment gives.
 */
#include <stdlib.h>
#include <string.h>

#include "pcap/ipfrag.h"

#define BLOCKS (RDD_IPFRAG_DATAGRAM_MAX / 8 + 1)

struct datagram {
	bool used;
	uint8_t version;
	uint8_t proto;
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t id;
	double first_ts;
	uint64_t order; /* arrival order, for eviction */
	size_t total;   /* 0 until the last fragment came */
	size_t held;    /* bytes copied in */
	/* The transport-less part is rebuilt from the first fragment. */
	struct rdd_pkt head;
	bool have_head;
	uint8_t filled[BLOCKS / 8 + 1];
	uint8_t *buf; /* RDD_IPFRAG_DATAGRAM_MAX bytes */
};

struct rdd_ipfrag {
	struct datagram d[RDD_IPFRAG_MAX];
	size_t bytes;
	uint64_t order;
	uint8_t *out; /* the last datagram handed out */
	struct rdd_ipfrag_stats stats;
};

struct rdd_ipfrag *
rdd_ipfrag_new(void)
{
	return calloc(1, sizeof(struct rdd_ipfrag));
}

static void
drop(struct rdd_ipfrag *f, struct datagram *d, bool unfinished)
{
	if (!d->used)
		return;
	if (unfinished)
		f->stats.dropped++;
	f->bytes -= d->held < f->bytes ? d->held : f->bytes;
	free(d->buf);
	memset(d, 0, sizeof(*d));
}

void
rdd_ipfrag_free(struct rdd_ipfrag *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < RDD_IPFRAG_MAX; i++)
		drop(f, &f->d[i], false);
	free(f->out);
	free(f);
}

void
rdd_ipfrag_stats(const struct rdd_ipfrag *f, struct rdd_ipfrag_stats *s)
{
	*s = f->stats;
}

static bool
same(const struct datagram *d, const struct rdd_pkt *p)
{
	size_t n = p->ip_version == 6 ? 16 : 4;

	return d->used && d->version == p->ip_version && d->id == p->frag_id &&
	       d->proto == p->proto && memcmp(d->src, p->src, n) == 0 &&
	       memcmp(d->dst, p->dst, n) == 0;
}

/* Drop what timed out; return a free slot (evicting the oldest). */
static struct datagram *
slot(struct rdd_ipfrag *f, double ts)
{
	struct datagram *oldest = NULL, *free_slot = NULL;
	size_t i;

	for (i = 0; i < RDD_IPFRAG_MAX; i++) {
		struct datagram *d = &f->d[i];

		if (d->used && ts - d->first_ts > RDD_IPFRAG_TIMEOUT_S)
			drop(f, d, true);
		if (!d->used) {
			if (free_slot == NULL)
				free_slot = d;
		} else if (oldest == NULL || d->order < oldest->order)
			oldest = d;
	}
	if (free_slot != NULL)
		return free_slot;
	drop(f, oldest, true);
	return oldest;
}

static bool
block_set(const struct datagram *d, size_t b)
{
	return (d->filled[b / 8] >> (b % 8)) & 1;
}

static bool
complete(const struct datagram *d)
{
	size_t b, nb;

	if (d->total == 0 || !d->have_head)
		return false;
	nb = (d->total + 7) / 8;
	for (b = 0; b < nb; b++)
		if (!block_set(d, b))
			return false;
	return true;
}

bool
rdd_ipfrag_add(struct rdd_ipfrag *f, const struct rdd_pkt *pkt, double ts,
               struct rdd_pkt *out, enum rdd_pkt_result *result)
{
	struct datagram *d = NULL;
	size_t i, off = pkt->frag_off, len = pkt->l4_len, b, b0, b1;
	bool overlap = false;

	f->stats.fragments++;
	/* A fragment the capture cut short cannot complete its datagram. */
	if (pkt->l4_len < pkt->l4_wire || off > RDD_IPFRAG_DATAGRAM_MAX ||
	    len > RDD_IPFRAG_DATAGRAM_MAX - off ||
	    (pkt->frag_more && len % 8 != 0))
		return false;
	for (i = 0; i < RDD_IPFRAG_MAX && d == NULL; i++)
		if (same(&f->d[i], pkt))
			d = &f->d[i];
	/* Too old to be finished now: what comes is a new datagram. */
	if (d != NULL && ts - d->first_ts > RDD_IPFRAG_TIMEOUT_S) {
		drop(f, d, true);
		d = NULL;
	}
	if (d == NULL) {
		while (f->bytes > RDD_IPFRAG_BYTES - RDD_IPFRAG_DATAGRAM_MAX) {
			struct datagram *oldest = NULL;

			for (i = 0; i < RDD_IPFRAG_MAX; i++)
				if (f->d[i].used &&
				    (oldest == NULL ||
				     f->d[i].order < oldest->order))
					oldest = &f->d[i];
			if (oldest == NULL)
				break;
			drop(f, oldest, true);
		}
		d = slot(f, ts);
		d->buf = malloc(RDD_IPFRAG_DATAGRAM_MAX);
		if (d->buf == NULL)
			return false;
		d->used = true;
		d->version = pkt->ip_version;
		d->proto = pkt->proto;
		memcpy(d->src, pkt->src, sizeof(d->src));
		memcpy(d->dst, pkt->dst, sizeof(d->dst));
		d->id = pkt->frag_id;
		d->first_ts = ts;
		d->order = f->order++;
	}
	if (!pkt->frag_more) {
		if (d->total != 0 && d->total != off + len) {
			drop(f, d, true); /* two different ends */
			return false;
		}
		d->total = off + len;
	}
	if (off == 0) {
		d->head = *pkt;
		d->have_head = true;
	}
	if (len > 0) {
		b0 = off / 8;
		b1 = (off + len + 7) / 8;
		for (b = b0; b < b1; b++) {
			if (block_set(d, b)) {
				overlap = true;
				continue;
			}
			/* Fill this block's bytes from the fragment. */
			size_t s = b * 8, e = s + 8;

			if (e > off + len)
				e = off + len;
			memcpy(d->buf + s, pkt->l4 + (s - off), e - s);
			d->filled[b / 8] |= (uint8_t)(1u << (b % 8));
			d->held += e - s;
			f->bytes += e - s;
		}
	}
	if (overlap)
		f->stats.overlaps++;
	if (!complete(d))
		return false;
	free(f->out);
	f->out = d->buf;
	d->buf = NULL;
	*out = d->head;
	out->frag_off = 0;
	out->frag_more = false;
	out->l4 = f->out;
	out->l4_len = d->total;
	out->l4_wire = d->total;
	f->stats.reassembled++;
	drop(f, d, false);
	*result = rdd_pkt_transport(out);
	return true;
}
