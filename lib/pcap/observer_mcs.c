/*
 * observer_mcs.c - the X.224 negotiation and the Basic Settings Exchange
 * seen from both sides ([MS-RDPBCGR] 2.2.1.1-2.2.1.4): the client's
 * Connection Request and Connect-Initial (what the client is: cookie,
 * requested protocols, build, name, keyboard, desktop, channels), the
 * server's Connection Confirm and Connect-Response, read by the same
 * functions `check` uses (lib/wire/x224.c, lib/wire/mcs.c,
 * lib/probe/mcsphase.c).
 */
#include <stdio.h>
#include <string.h>

#include "pcap/observer_int.h"
#include "probe/mcsphase.h"
#include "wire/mcs.h"
#include "wire/tpkt.h"
#include "wire/x224.h"

/* [MS-RDPBCGR] 2.2.1.3.2: highColorDepth values, and the flag that asks
 * for 32 bits per pixel. */
#define RNS_UD_CS_WANT_32BPP_SESSION 0x0002
#define RNS_UD_COLOR_8BPP 0xCA01

static uint16_t
color_depth(const struct rdd_gcc_client_core *c)
{
	static const uint16_t post_beta2[] = {4, 8, 15, 16, 24};

	if (c->has_early_capability_flags &&
	    (c->early_capability_flags & RNS_UD_CS_WANT_32BPP_SESSION))
		return 32;
	if (c->high_color_depth != 0)
		return c->high_color_depth;
	if (c->post_beta2_color_depth >= RNS_UD_COLOR_8BPP - 1 &&
	    c->post_beta2_color_depth < RNS_UD_COLOR_8BPP + 4)
		return post_beta2[c->post_beta2_color_depth -
		                  (RNS_UD_COLOR_8BPP - 1)];
	return 0;
}

static void
client_facts(struct rdd_observer *o, const struct rdd_mcs_connect_initial *ci)
{
	struct rdd_pcap_client *cl = &o->conn->cli;
	const struct rdd_gcc_client_data *cd = &ci->client;
	size_t i;

	cl->has_core = cd->has_core;
	if (cd->has_core) {
		cl->version = cd->core.version;
		cl->client_build = cd->core.client_build;
		snprintf(cl->client_name, sizeof(cl->client_name), "%s",
		         cd->core.client_name);
		cl->keyboard_layout = cd->core.keyboard_layout;
		cl->keyboard_type = cd->core.keyboard_type;
		cl->desktop_width = cd->core.desktop_width;
		cl->desktop_height = cd->core.desktop_height;
		cl->color_depth = color_depth(&cd->core);
		if (cd->core.has_dig_product_id)
			snprintf(cl->dig_product_id, sizeof(cl->dig_product_id),
			         "%s", cd->core.dig_product_id);
	}
	cl->has_security = cd->has_security;
	cl->encryption_methods = cd->encryption_methods;
	cl->n_channels = 0;
	for (i = 0; cd->has_net && i < cd->channel_count &&
	            i < RDD_GCC_MAX_CHANNELS && i < RDD_PCAP_MAX_CHANNELS;
	     i++) {
		snprintf(cl->channels[i], sizeof(cl->channels[i]), "%s",
		         cd->channels[i].name);
		cl->n_channels++;
	}
}

static void
connection_request(struct rdd_observer *o, const uint8_t *p, size_t n,
                   const struct rdd_tcp_meta *m)
{
	struct rdd_x224_cr_parsed cr;
	struct rdd_pcap_client *cl = &o->conn->cli;
	struct rdd_cur in;

	rdd_cur_init(&in, p + RDD_TPKT_HEADER, n - RDD_TPKT_HEADER);
	if (rdd_x224_parse_cr(&in, &cr) != 0) {
		o->raw[CLI].dead = true;
		return;
	}
	o->cr = true;
	o->stage = ST_X224;
	cl->has_cr = true;
	/* The cookie's value, as Zeek and Suricata log it; a routing token
	 * or anything else is kept whole. */
	if (strncmp(cr.cookie, "Cookie: mstshash=", 17) == 0)
		snprintf(cl->cookie, sizeof(cl->cookie), "%s", cr.cookie + 17);
	else
		snprintf(cl->cookie, sizeof(cl->cookie), "%s", cr.cookie);
	cl->neg_req = cr.neg_req;
	cl->neg_flags = cr.neg_flags;
	cl->requested = cr.neg_req ? cr.requested_protocols : RDD_PROTO_RDP;
	o->a->requested = cl->requested;
	o->a->x224_start_ms = rdd__obs_ms(o, m);
	rdd__obs_evidence(o, "X.224 Connection Request", m, true);
	rdd__obs_pdu(o, CLI, "the X.224 Connection Request", m);
}

/* The protocol the server selected runs over TLS. */
static bool
over_tls(uint32_t selected)
{
	return selected == RDD_PROTO_SSL || selected == RDD_PROTO_HYBRID ||
	       selected == RDD_PROTO_HYBRID_EX ||
	       selected == RDD_PROTO_RDSTLS || selected == RDD_PROTO_RDSAAD;
}

static void
connection_confirm(struct rdd_observer *o, const uint8_t *p, size_t n,
                   const struct rdd_tcp_meta *m)
{
	struct rdd_attempt *a = o->a;
	struct rdd_x224_cc cc;
	struct rdd_cur in;
	char protos[96];
	const char *name;
	size_t k;

	a->x224_ms = rdd__obs_ms(o, m) - a->x224_start_ms;
	k = n < RDD_FIRST_BYTES ? n : RDD_FIRST_BYTES;
	memcpy(a->first_bytes, p, k);
	a->n_first_bytes = k;
	rdd_cur_init(&in, p + RDD_TPKT_HEADER, n - RDD_TPKT_HEADER);
	if (rdd_x224_parse_cc(&in, &cc) != 0) {
		a->x224 = RDD_X224_MALFORMED;
		snprintf(a->x224_detail, sizeof(a->x224_detail),
		         "a TPKT of %zu bytes that is not a valid X.224 "
		         "Connection Confirm (frame %llu)",
		         n, (unsigned long long)m->frame);
		rdd__obs_evidence(o, "malformed Connection Confirm", m, false);
		o->raw_mode[CLI] = o->raw_mode[SRV] = RAW_OFF;
		return;
	}
	o->cc = true;
	rdd__obs_evidence(o, "X.224 Connection Confirm", m, false);
	switch (cc.neg) {
	case RDD_X224_NEG_FAILURE:
		a->x224 = RDD_X224_FAILURE;
		a->failure_code = cc.failure_code;
		name = rdd_neg_failure_name(cc.failure_code);
		snprintf(a->x224_detail, sizeof(a->x224_detail),
		         "RDP_NEG_FAILURE %s (%u)", name ? name : "unknown",
		         (unsigned)cc.failure_code);
		rdd__obs_pdu(o, SRV, "RDP_NEG_FAILURE", m);
		o->raw_mode[CLI] = o->raw_mode[SRV] = RAW_OFF;
		o->waiting_on = -1;
		return;
	case RDD_X224_NEG_NONE:
		a->x224 = RDD_X224_NO_NEG_DATA;
		o->selected = RDD_PROTO_RDP;
		break;
	case RDD_X224_NEG_RSP:
	default:
		a->x224 = RDD_X224_RSP;
		a->selected = cc.selected_protocol;
		a->flags = cc.flags;
		o->selected = cc.selected_protocol;
		rdd_protocols_str(protos, sizeof(protos), cc.selected_protocol);
		snprintf(a->x224_detail, sizeof(a->x224_detail),
		         "selected %s (flags 0x%02x)", protos,
		         (unsigned)cc.flags);
		break;
	}
	rdd__obs_pdu(o, SRV, "the X.224 Connection Confirm", m);
	if (over_tls(o->selected)) {
		o->tls_selected = true;
		o->raw_mode[CLI] = o->raw_mode[SRV] = RAW_TLS;
		o->stage = ST_TLS;
		if (o->selected == RDD_PROTO_HYBRID ||
		    o->selected == RDD_PROTO_HYBRID_EX)
			o->inner[CLI] = o->inner[SRV] = IN_CREDSSP;
		else if (o->selected == RDD_PROTO_SSL)
			o->inner[CLI] = o->inner[SRV] = IN_RDP;
		else
			o->inner[CLI] = o->inner[SRV] = IN_OFF;
	} else {
		o->raw_mode[CLI] = o->raw_mode[SRV] = RAW_RDP;
		o->stage = ST_MCS;
	}
}

void
rdd__x224_pdu(struct rdd_observer *o, int side, const uint8_t *p, size_t n,
              const struct rdd_tcp_meta *m)
{
	if (side == CLI) {
		if (!o->cr)
			connection_request(o, p, n, m);
		return;
	}
	if (!o->cr || o->a->x224 != RDD_X224_NOT_RUN)
		return;
	connection_confirm(o, p, n, m);
}

void
rdd__x224_not_rdp(struct rdd_observer *o, const uint8_t *p, size_t n,
                  const struct rdd_tcp_meta *m, bool malformed)
{
	struct rdd_attempt *a = o->a;
	size_t k = n < RDD_FIRST_BYTES ? n : RDD_FIRST_BYTES;

	if (!o->cr || a->x224 != RDD_X224_NOT_RUN)
		return;
	memcpy(a->first_bytes, p, k);
	a->n_first_bytes = k;
	a->x224 = malformed ? RDD_X224_MALFORMED : RDD_X224_NOT_RDP;
	a->x224_ms = rdd__obs_ms(o, m) - a->x224_start_ms;
	snprintf(a->x224_detail, sizeof(a->x224_detail), "%s (frame %llu)",
	         malformed ? "a TPKT whose length is invalid"
	                   : "the server's answer is not TPKT",
	         (unsigned long long)m->frame);
	rdd__obs_evidence(o, "answer that is not RDP", m, false);
	o->raw_mode[CLI] = o->raw_mode[SRV] = RAW_OFF;
}

void
rdd__x224_end(struct rdd_observer *o)
{
	struct rdd_attempt *a = o->a;
	char what[RDD_STR];

	if (a->tcp != RDD_TCP_OK || a->x224 != RDD_X224_NOT_RUN)
		return;
	if (!o->cr) {
		rdd__obs_stop(o, RDD_PHASE_X224, RDD_PCAP_INCOMPLETE,
		              "not in the capture: no X.224 Connection Request "
		              "was seen");
		return;
	}
	switch (rdd__obs_end_kind(o, a->x224_start_ms, what, sizeof(what))) {
	case END_SERVER_FIN:
		a->x224 = RDD_X224_CLOSED;
		break;
	case END_SERVER_RST:
		a->x224 = RDD_X224_RESET;
		break;
	case END_TIMEOUT:
		a->x224 = RDD_X224_TIMEOUT;
		break;
	case END_CLIENT:
		rdd__obs_stop(o, RDD_PHASE_X224, RDD_PCAP_CLIENT_CLOSED,
		              "not verified: %s", what);
		return;
	case END_CAPTURE:
	case END_GAP:
	default:
		rdd__obs_stop(o, RDD_PHASE_X224, RDD_PCAP_INCOMPLETE,
		              "not in the capture: %s", what);
		return;
	}
	a->x224_ms = (a->x224 == RDD_X224_TIMEOUT ? o->last_ms
	              : o->closed[SRV]            ? o->closed_ms[SRV]
	                                          : o->last_ms) -
	             a->x224_start_ms;
	if (a->x224 == RDD_X224_TIMEOUT && o->closed[CLI])
		a->x224_ms = o->closed_ms[CLI] - a->x224_start_ms;
	snprintf(a->x224_detail, sizeof(a->x224_detail), "%s", what);
}

/* --- MCS ------------------------------------------------------------------ */

/* The BER tag of the MCS PDU in an X.224 Data TPDU's payload: Connect-
 * Initial 7F 65, Connect-Response 7F 66. */
static bool
is_connect(const uint8_t *payload, size_t n, uint8_t second)
{
	return n >= 5 && payload[1] == RDD_X224_TPDU_DT && payload[3] == 0x7F &&
	       payload[4] == second;
}

static void
connect_initial(struct rdd_observer *o, const uint8_t *payload, size_t n,
                const struct rdd_tcp_meta *m)
{
	struct rdd_mcs_connect_initial ci;
	struct rdd_attempt *a = o->a;
	struct rdd_cur in;

	rdd_cur_init(&in, payload, n);
	if (o->ci || rdd_mcs_parse_connect_initial(&in, &ci) != 0)
		return;
	o->ci = true;
	o->ci_ms = rdd__obs_ms(o, m);
	o->stage = ST_MCS;
	client_facts(o, &ci);
	a->mcs_wanted = true;
	a->encryption_methods =
	    ci.client.has_security ? ci.client.encryption_methods : 0;
	a->mcs_start_ms = o->ci_ms;
	o->obs->mcs.encryption_methods = a->encryption_methods;
	o->obs->mcs.selected_protocol =
	    ci.client.core.has_server_selected_protocol
	        ? ci.client.core.server_selected_protocol
	        : o->selected;
	rdd__obs_evidence(o, "MCS Connect-Initial", m, true);
	rdd__obs_pdu(o, CLI, "the MCS Connect-Initial", m);
}

static void
connect_answer(struct rdd_observer *o, const uint8_t *payload, size_t n,
               const struct rdd_tcp_meta *m)
{
	struct rdd_attempt *a = o->a;
	struct rdd_mcs_info *mi = &o->obs->mcs;
	enum rdd_mcs_outcome out;

	out = rdd__mcs_answer(payload, n, mi);
	a->mcs = out;
	mi->outcome = out;
	snprintf(mi->attempt, sizeof(mi->attempt), "A");
	a->mcs_ms = rdd__obs_ms(o, m) - a->mcs_start_ms;
	mi->start_ms = a->mcs_start_ms;
	mi->ms = a->mcs_ms;
	snprintf(a->mcs_detail, sizeof(a->mcs_detail), "%s", mi->detail);
	if (out == RDD_MCS_OK) {
		a->mcs_result = mi->result;
		a->mcs_encryption_method = mi->encryption_method;
		a->mcs_encryption_level = mi->encryption_level;
	}
	rdd__obs_evidence(o,
	                  out == RDD_MCS_OK ? "MCS Connect-Response"
	                                    : "answer to the Connect-Initial",
	                  m, false);
	rdd__obs_pdu(o, SRV, "the MCS Connect-Response", m);
	if (out == RDD_MCS_OK && mi->result == RDD_MCS_RT_SUCCESSFUL)
		rdd__sess_begin(o, m);
}

void
rdd__mcs_tpkt(struct rdd_observer *o, int side, const uint8_t *payload,
              size_t n, const struct rdd_tcp_meta *m)
{
	if (o->walk_started) {
		rdd__sess_domain(o, side, payload, n, m);
		return;
	}
	if (side == CLI) {
		if (is_connect(payload, n, 0x65))
			connect_initial(o, payload, n, m);
		return;
	}
	if (!o->ci || o->a->mcs != RDD_MCS_NOT_RUN)
		return;
	connect_answer(o, payload, n, m);
}

void
rdd__mcs_end(struct rdd_observer *o)
{
	struct rdd_attempt *a = o->a;
	char what[RDD_STR];

	bool rst;

	if (o->stopped || a->mcs != RDD_MCS_NOT_RUN)
		return;
	if (!o->ci && rdd__obs_server_dropped(o, what, sizeof(what), &rst)) {
		a->mcs_wanted = true;
		a->mcs = rst ? RDD_MCS_RESET : RDD_MCS_CLOSED;
		a->mcs_start_ms = o->last_pdu_ms[SRV];
		a->mcs_ms = o->closed_ms[SRV] - a->mcs_start_ms;
		snprintf(a->mcs_detail, sizeof(a->mcs_detail), "%s", what);
		o->obs->mcs.outcome = a->mcs;
		snprintf(o->obs->mcs.attempt, sizeof(o->obs->mcs.attempt), "A");
		o->obs->mcs.start_ms = a->mcs_start_ms;
		o->obs->mcs.ms = a->mcs_ms;
		snprintf(o->obs->mcs.detail, sizeof(o->obs->mcs.detail), "%s",
		         what);
		return;
	}
	if (!o->ci) {
		if (o->gap[CLI] || o->gap[SRV])
			(void)rdd__obs_end_kind(o, o->last_pdu_ms[SRV], what,
			                        sizeof(what));
		else if (o->closed[CLI] || o->closed[SRV])
			snprintf(
			    what, sizeof(what),
			    "the client sent no Connect-Initial before the "
			    "%s closed the connection",
			    rdd__obs_first_closer(o) == CLI ? "client"
			                                    : "server");
		else
			snprintf(what, sizeof(what),
			         "the capture ends before the client's "
			         "Connect-Initial");
		rdd__obs_stop(o, RDD_PHASE_MCS,
		              o->closed[CLI] || o->closed[SRV]
		                  ? RDD_PCAP_CLIENT_CLOSED
		                  : RDD_PCAP_INCOMPLETE,
		              "not verified: %s", what);
		return;
	}
	switch (rdd__obs_end_kind(o, o->ci_ms, what, sizeof(what))) {
	case END_SERVER_FIN:
		a->mcs = RDD_MCS_CLOSED;
		break;
	case END_SERVER_RST:
		a->mcs = RDD_MCS_RESET;
		break;
	case END_TIMEOUT:
		a->mcs = RDD_MCS_TIMEOUT;
		break;
	case END_CLIENT:
		rdd__obs_stop(o, RDD_PHASE_MCS, RDD_PCAP_CLIENT_CLOSED,
		              "not verified: %s", what);
		return;
	case END_CAPTURE:
	case END_GAP:
	default:
		rdd__obs_stop(o, RDD_PHASE_MCS, RDD_PCAP_INCOMPLETE,
		              "not in the capture: %s", what);
		return;
	}
	a->mcs_ms =
	    (o->closed[SRV] ? o->closed_ms[SRV] : o->last_ms) - o->ci_ms;
	snprintf(a->mcs_detail, sizeof(a->mcs_detail),
	         "%.200s after the Connect-Initial", what);
	o->obs->mcs.outcome = a->mcs;
	snprintf(o->obs->mcs.attempt, sizeof(o->obs->mcs.attempt), "A");
	o->obs->mcs.start_ms = o->ci_ms;
	o->obs->mcs.ms = a->mcs_ms;
	snprintf(o->obs->mcs.detail, sizeof(o->obs->mcs.detail), "%s",
	         a->mcs_detail);
}
