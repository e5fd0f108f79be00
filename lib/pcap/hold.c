/*
 * hold.c - segments that wait for the other direction (hold.h).
 */
#include <stdlib.h>
#include <string.h>

#include "pcap/hold.h"

void
rdd_hold_init(struct rdd_hold *h)
{
	memset(h, 0, sizeof(*h));
}

void
rdd_hold_free(struct rdd_hold *h)
{
	struct rdd_hold_seg *s;

	while ((s = rdd_hold_take(h, NULL, NULL)) != NULL)
		free(s);
}

int
rdd_hold_push(struct rdd_hold *h, uint32_t seq, uint32_t ack, uint8_t flags,
              const uint8_t *p, size_t cap, size_t wire,
              const struct rdd_tcp_meta *m)
{
	struct rdd_hold_seg *s, **pp;

	if (h->n >= RDD_HOLD_MAX_SEGS || cap > RDD_HOLD_MAX_BYTES - h->bytes)
		return -1;
	s = malloc(sizeof(*s) + cap);
	if (s == NULL)
		return -1;
	s->next = NULL;
	s->seq = seq;
	s->ack = ack;
	s->flags = flags;
	s->cap = cap;
	s->wire = wire;
	s->meta = *m;
	if (cap > 0)
		memcpy(s->data, p, cap);
	for (pp = &h->head; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = s;
	h->n++;
	h->bytes += cap;
	return 0;
}

struct rdd_hold_seg *
rdd_hold_take(struct rdd_hold *h,
              bool (*ready)(const struct rdd_hold_seg *s, void *ctx), void *ctx)
{
	struct rdd_hold_seg *s, **pp;

	for (pp = &h->head; (s = *pp) != NULL; pp = &s->next)
		if (ready == NULL || ready(s, ctx))
			break;
	if (s == NULL)
		return NULL;
	*pp = s->next;
	h->n--;
	h->bytes -= s->cap;
	if (h->head == NULL)
		h->since = 0;
	return s;
}
