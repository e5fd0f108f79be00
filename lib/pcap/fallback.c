/*
 * fallback.c - mstsc's fallback to standard RDP security across two
 * connections of a capture (fallback.h).
 */
#include <stdio.h>
#include <string.h>

#include "pcap/fallback.h"
#include "rdpdoctor/check.h"
#include "wire/x224.h"

bool
rdd_pcap_is_fallback(const struct rdd_pcap_conn *refused,
                     const struct rdd_pcap_conn *later)
{
	const struct rdd_attempt *a = &refused->obs.attempts[0];
	const struct rdd_attempt *c = &later->obs.attempts[0];

	if (refused->kind != RDD_PCAP_KIND_TCP ||
	    later->kind != RDD_PCAP_KIND_TCP || refused->obs.n_attempts != 1 ||
	    later->obs.n_attempts < 1)
		return false;
	if (a->x224 != RDD_X224_FAILURE ||
	    a->failure_code != RDD_NEG_SSL_NOT_ALLOWED_BY_SERVER)
		return false;
	if (strcmp(refused->client.addr, later->client.addr) != 0 ||
	    strcmp(refused->server.addr, later->server.addr) != 0 ||
	    refused->server.port != later->server.port)
		return false;
	if (later->start < refused->start ||
	    later->start - refused->end > RDD_PCAP_FALLBACK_S)
		return false;
	return c->requested == RDD_PROTO_RDP &&
	       ((c->x224 == RDD_X224_RSP && c->selected == RDD_PROTO_RDP) ||
	        c->x224 == RDD_X224_NO_NEG_DATA);
}

void
rdd_pcap_link_fallback(struct rdd_pcap_conn *refused,
                       const struct rdd_pcap_conn *later)
{
	struct rdd_observation *obs = &refused->obs;
	struct rdd_attempt *c = &obs->attempts[1];
	double shift = (later->start - refused->start) * 1000.0;
	int p;

	*c = later->obs.attempts[0];
	snprintf(c->label, sizeof(c->label), "C");
	/* Its times, from the refused connection's start. */
	c->tcp_start_ms += shift;
	c->x224_start_ms += shift;
	c->mcs_start_ms += shift;
	obs->n_attempts = 2;
	if (later->obs.mcs.outcome != RDD_MCS_NOT_RUN) {
		obs->mcs = later->obs.mcs;
		snprintf(obs->mcs.attempt, sizeof(obs->mcs.attempt), "C");
		obs->mcs.start_ms += shift;
	}
	rdd_plan_conclude(obs);
	obs->phases[RDD_PHASE_RESOLVE].present = false;
	rdd_diagnose(obs, refused->diag);
	if (refused->diag->status == RDD_VERDICT_CRITICAL &&
	    refused->diag->failed_phase >= 0) {
		refused->status = RDD_PCAP_FAILED;
		refused->status_phase = refused->diag->failed_phase;
		return;
	}
	for (p = RDD_PHASE_LICENSING; p <= RDD_PHASE_ACTIVATION; p++)
		if (obs->phases[p].status == RDD_STATUS_SKIPPED)
			snprintf(obs->phases[p].detail,
			         sizeof(obs->phases[p].detail),
			         "in connection #%u, the client's fallback to "
			         "standard RDP security",
			         later->index);
	rdd_diagnose(obs, refused->diag);
	refused->status = RDD_PCAP_FELL_BACK;
	refused->status_phase = RDD_PHASE_X224;
	refused->fallback_to = later->index;
}
