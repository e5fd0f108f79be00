/*
 * conn.c - the small helpers of a connection record (conn.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "pcap/conn.h"

struct rdd_pcap_conn *
rdd_pcap_conn_new(void)
{
	struct rdd_pcap_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->diag = calloc(1, sizeof(*c->diag));
	if (c->diag == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
rdd_pcap_conn_free(struct rdd_pcap_conn *c)
{
	if (c == NULL)
		return;
	free(c->diag);
	free(c);
}

void
rdd_pcap_conn_copy(struct rdd_pcap_conn *dst, const struct rdd_pcap_conn *src)
{
	struct rdd_diagnosis *d = dst->diag;

	*dst = *src;
	*d = *src->diag;
	dst->diag = d;
}

const char *
rdd_pcap_status_name(enum rdd_pcap_status s)
{
	switch (s) {
	case RDD_PCAP_OK:
		return "ok";
	case RDD_PCAP_FAILED:
		return "failed";
	case RDD_PCAP_NOT_VISIBLE:
		return "not_visible";
	case RDD_PCAP_CLIENT_CLOSED:
		return "client_closed";
	case RDD_PCAP_INCOMPLETE:
		return "incomplete";
	case RDD_PCAP_FELL_BACK:
		return "fell_back";
	}
	return "unknown";
}

void
rdd_pcap_evidence_add(struct rdd_pcap_conn *c, const char *what, uint64_t frame,
                      double at_ms, bool from_client)
{
	struct rdd_pcap_evidence *e;

	if (c->n_evidence >= RDD_PCAP_MAX_EVIDENCE)
		return;
	e = &c->evidence[c->n_evidence++];
	snprintf(e->what, sizeof(e->what), "%s", what);
	e->frame = frame;
	e->at_ms = at_ms;
	e->from_client = from_client;
}
