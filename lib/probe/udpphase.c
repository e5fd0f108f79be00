/*
 * udpphase.c - the RDP-UDP probe without I/O (udpphase.h).
 */
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/udpphase.h"
#include "wire/rdpeudp.h"

const char *
rdd_udp_outcome_name(enum rdd_udp_outcome o)
{
	switch (o) {
	case RDD_UDP_NOT_RUN:
		return "not_run";
	case RDD_UDP_ANSWERED:
		return "answered";
	case RDD_UDP_NO_ANSWER:
		return "no_answer";
	case RDD_UDP_REFUSED:
		return "refused";
	case RDD_UDP_MALFORMED:
		return "malformed";
	case RDD_UDP_ERROR:
		return "error";
	}
	return NULL;
}

uint16_t
rdd_udp_syn_version(unsigned n)
{
	return n == 0 ? RDD_RDPEUDP_VERSION_3 : RDD_RDPEUDP_VERSION_2;
}

size_t
rdd_udp_syn(unsigned n, uint32_t isn, const uint8_t correlation[16],
            uint8_t *out, size_t cap)
{
	struct rdd_rdpeudp_syn s;

	rdd_rdpeudp_client_syn(&s, isn, correlation, rdd_udp_syn_version(n));
	return rdd_rdpeudp_build_syn(&s, out, cap);
}

double
rdd_udp_resend_at_ms(unsigned n, double timeout_ms)
{
	return timeout_ms * (double)n / (double)RDD_UDP_MAX_SYNS;
}

int
rdd_udp_answer(const uint8_t *p, size_t len, uint32_t isn,
               struct rdd_udp_info *u)
{
	struct rdd_rdpeudp_syn s;
	const uint16_t want = RDD_RDPEUDP_SYN | RDD_RDPEUDP_ACK;

	if (rdd_rdpeudp_parse_syn(p, len, &s) != 0 ||
	    (s.flags & want) != want || s.sn_source_ack != isn)
		return -1;
	if (u != NULL) {
		u->flags = s.flags;
		u->window = s.window;
		u->up_mtu = s.up_mtu;
		u->down_mtu = s.down_mtu;
		u->has_version = s.has_synex;
		u->version = s.has_synex ? s.version : RDD_RDPEUDP_VERSION_1;
	}
	return 0;
}

/* What SC_MULTITRANSPORT said, for the detail: "" when unknown. */
static void
multitransport(const struct rdd_observation *obs, char *buf, size_t cap)
{
	const struct rdd_mcs_info *m = &obs->mcs;

	buf[0] = '\0';
	if (m->outcome != RDD_MCS_OK)
		return;
	if (!m->has_multitransport)
		snprintf(buf, cap,
		         "; MCS: no SC_MULTITRANSPORT (the server "
		         "offers no UDP transport)");
	else
		snprintf(buf, cap, "; MCS: SC_MULTITRANSPORT flags 0x%08x",
		         (unsigned)m->multitransport_flags);
}

void
rdd_udp_conclude(struct rdd_observation *obs)
{
	struct rdd_phase_result *ph;
	const struct rdd_udp_info *u;
	char mt[96];
	const char *v;

	if (obs == NULL || obs->udp.outcome == RDD_UDP_NOT_RUN)
		return;
	u = &obs->udp;
	ph = &obs->phases[RDD_PHASE_UDP];
	ph->present = true;
	ph->start_ms = u->start_ms;
	ph->ms = u->ms;
	multitransport(obs, mt, sizeof(mt));
	switch (u->outcome) {
	case RDD_UDP_ANSWERED:
		ph->status = RDD_STATUS_OK;
		v = rdd_rdpeudp_version_name(u->version);
		snprintf(ph->detail, sizeof(ph->detail),
		         "SYN+ACK on UDP %u after %.1f ms (SYN %u of %u): "
		         "RDPEUDP version %s%s, MTU %u/%u%s",
		         (unsigned)u->port, u->rtt_ms, u->syns_sent,
		         (unsigned)RDD_UDP_MAX_SYNS, v != NULL ? v : "unknown",
		         u->has_version ? "" : " (no SYNEX)",
		         (unsigned)u->up_mtu, (unsigned)u->down_mtu, mt);
		break;
	case RDD_UDP_NO_ANSWER:
		ph->status = RDD_STATUS_TIMEOUT;
		snprintf(ph->detail, sizeof(ph->detail),
		         "no SYN+ACK to %u SYNs on UDP %u within %.0f ms%s",
		         u->syns_sent, (unsigned)u->port, u->ms, mt);
		break;
	case RDD_UDP_REFUSED:
		ph->status = RDD_STATUS_FAILED;
		snprintf(ph->detail, sizeof(ph->detail),
		         "ICMP port unreachable: nothing listens on UDP %u%s",
		         (unsigned)u->port, mt);
		break;
	case RDD_UDP_MALFORMED:
	case RDD_UDP_ERROR:
	case RDD_UDP_NOT_RUN:
	default:
		ph->status = RDD_STATUS_FAILED;
		snprintf(ph->detail, sizeof(ph->detail), "%s%s",
		         u->detail[0] ? u->detail : "RDP-UDP probe failed", mt);
		break;
	}
}
