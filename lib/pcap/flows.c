/*
 * flows.c - the connection table of a capture (flows.h).
 *
 * A hash table of flows keyed by the address and port pair (either
 * direction), with every flow also on a list by last activity (for the
 * idle timeout and for eviction) and, once closing, on a list by closing
 * time (for the linger). A flow's orientation is fixed by its first
 * packet ("a" sent it); which side is the client is the sender of a bare
 * SYN, else the side whose first bytes are the Connection Request.
 * Segments captured before the other side's bytes they acknowledge wait
 * for them (hold.h), so that each side's bytes reach the observer in the
 * order the two sides exchanged them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/flows.h"
#include "pcap/hold.h"
#include "pcap/tcpdir.h"
#include "wire/rdpeudp.h"
#include "wire/x224.h"

/* The table starts small and doubles while the flows outnumber its
 * buckets, up to one bucket per flow at RDD_FLOWS_MAX: a capture of one
 * connection does not pay for the table of a quarter million. */
#define HASH_BITS_MIN 6
#define HASH_BITS_MAX 18
#define RDP_PORT 3389

enum flow_state {
	F_PENDING, /* not told yet */
	F_RDP,
	F_IGNORED /* not RDP: packets are counted and dropped */
};

struct flow;

/* The sink of one direction: the flow and the direction. */
struct dirsink {
	struct flow *fl;
	int dir;
};

/* The first FIN or RST of a direction: where its FIN sits in the sequence
 * space, and what it acknowledged of the other direction. */
struct close_seen {
	bool seen;
	bool fin;
	uint32_t fin_seq;
	bool acks;
	uint32_t ack;
};

struct flow {
	struct flow *hnext;
	struct flow *prev, *next;   /* activity list */
	struct flow *cprev, *cnext; /* closing list */
	bool closing_listed;
	double closing_since;

	bool udp;
	uint8_t ver;
	uint8_t addr[2][16]; /* [0] the first packet's source */
	uint16_t port[2];
	uint16_t vlan;
	int client; /* 0 or 1; -1 unknown */
	enum flow_state state;

	double first_ts, last_ts;
	uint64_t first_frame, last_frame;
	struct rdd_pcap_side side[2]; /* by direction */
	unsigned syn_ack_seen;        /* SYN+ACKs, by direction bit */
	double synack_ts;
	uint64_t synack_frame;
	bool fin[2], rst[2];
	struct close_seen close[2]; /* by direction */

	struct rdd_tcpdir dir[2];
	struct rdd_hold hold[2]; /* by direction (hold.h) */
	struct rdd_tcpdir_sink sink[2];
	struct dirsink ds[2];
	struct rdd_flows *owner;
	uint8_t pend[6]; /* the first bytes, while they cannot tell yet */
	size_t pend_len;
	int pend_dir;
	bool data_seen;

	struct rdd_pcap_conn *conn;
	struct rdd_observer *obs;

	/* RDP-UDP. */
	bool udp_answered;
	unsigned udp_syns;
	double udp_first_syn_ts, udp_last_syn_ts, udp_answer_ts;
	uint64_t udp_syn_frame, udp_answer_frame;
	struct rdd_rdpeudp_syn udp_syn, udp_synack;
};

struct rdd_flows {
	struct rdd_observer_config cfg;
	rdd_flows_cb cb;
	void *ctx;
	struct flow **table; /* 1 << bits buckets, NULL until the first flow */
	unsigned bits;
	struct flow *head, *tail;   /* activity: head most recent */
	struct flow *chead, *ctail; /* closing: head oldest */
	size_t n, n_rdp;
	double now;
	struct rdd_flows_stats stats;
};

struct rdd_flows *
rdd_flows_new(const struct rdd_observer_config *cfg, rdd_flows_cb cb, void *ctx)
{
	struct rdd_flows *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->cfg = *cfg;
	f->cb = cb;
	f->ctx = ctx;
	return f;
}

void
rdd_flows_stats(const struct rdd_flows *f, struct rdd_flows_stats *s)
{
	*s = f->stats;
}

static unsigned
hash(bool udp, uint8_t ver, const uint8_t *a, uint16_t pa, const uint8_t *b,
     uint16_t pb)
{
	size_t n = ver == 6 ? 16 : 4, i;
	uint32_t h = 2166136261u, x = 0, y = 0;

	/* Symmetric: the same for both directions. */
	for (i = 0; i < n; i++) {
		x = x * 31 + a[i];
		y = y * 31 + b[i];
	}
	x ^= pa;
	y ^= pb;
	h ^= (x ^ y) + (x < y ? x : y) * 7 + (udp ? 1 : 0);
	h *= 16777619u;
	h ^= h >> 15;
	return h;
}

static unsigned
bucket(const struct rdd_flows *f, const struct flow *fl)
{
	return hash(fl->udp, fl->ver, fl->addr[0], fl->port[0], fl->addr[1],
	            fl->port[1]) &
	       ((1u << f->bits) - 1);
}

/* A table of 1 << BITS buckets holding F's flows: false when out of
 * memory (F keeps the table it had). */
static bool
rehash(struct rdd_flows *f, unsigned bits)
{
	struct flow **old = f->table, *fl, *next;
	size_t i, n_old = f->table != NULL ? (size_t)1 << f->bits : 0;
	struct flow **t = calloc((size_t)1 << bits, sizeof(*t));

	if (t == NULL)
		return false;
	f->table = t;
	f->bits = bits;
	for (i = 0; i < n_old; i++)
		for (fl = old[i]; fl != NULL; fl = next) {
			unsigned h = bucket(f, fl);

			next = fl->hnext;
			fl->hnext = t[h];
			t[h] = fl;
		}
	free(old);
	return true;
}

/* The direction of PKT in FL (0: from addr[0]), or -1 if not FL's. */
static int
direction(const struct flow *fl, const struct rdd_pkt *pkt, bool udp)
{
	size_t n = pkt->ip_version == 6 ? 16 : 4;

	if (fl->udp != udp || fl->ver != pkt->ip_version)
		return -1;
	if (fl->port[0] == pkt->sport && fl->port[1] == pkt->dport &&
	    memcmp(fl->addr[0], pkt->src, n) == 0 &&
	    memcmp(fl->addr[1], pkt->dst, n) == 0)
		return 0;
	if (fl->port[1] == pkt->sport && fl->port[0] == pkt->dport &&
	    memcmp(fl->addr[1], pkt->src, n) == 0 &&
	    memcmp(fl->addr[0], pkt->dst, n) == 0)
		return 1;
	return -1;
}

/* --- lists ------------------------------------------------------------- */

static void
unlink_activity(struct rdd_flows *f, struct flow *fl)
{
	if (fl->prev != NULL)
		fl->prev->next = fl->next;
	else
		f->head = fl->next;
	if (fl->next != NULL)
		fl->next->prev = fl->prev;
	else
		f->tail = fl->prev;
	fl->prev = fl->next = NULL;
}

static void
touch(struct rdd_flows *f, struct flow *fl)
{
	if (f->head == fl)
		return;
	if (fl->prev != NULL || fl->next != NULL || f->tail == fl)
		unlink_activity(f, fl);
	fl->next = f->head;
	if (f->head != NULL)
		f->head->prev = fl;
	f->head = fl;
	if (f->tail == NULL)
		f->tail = fl;
}

static void
unlink_closing(struct rdd_flows *f, struct flow *fl)
{
	if (!fl->closing_listed)
		return;
	if (fl->cprev != NULL)
		fl->cprev->cnext = fl->cnext;
	else
		f->chead = fl->cnext;
	if (fl->cnext != NULL)
		fl->cnext->cprev = fl->cprev;
	else
		f->ctail = fl->cprev;
	fl->cprev = fl->cnext = NULL;
	fl->closing_listed = false;
}

static void
mark_closing(struct rdd_flows *f, struct flow *fl, double ts)
{
	if (fl->closing_listed)
		return;
	fl->closing_listed = true;
	fl->closing_since = ts;
	fl->cprev = f->ctail;
	fl->cnext = NULL;
	if (f->ctail != NULL)
		f->ctail->cnext = fl;
	else
		f->chead = fl;
	f->ctail = fl;
}

/* --- the end of a flow -------------------------------------------------- */

/* The TCP phase of the observation, from what the capture showed. */
static void
tcp_facts(struct flow *fl)
{
	struct rdd_pcap_conn *c = fl->conn;
	struct rdd_attempt *a = &c->obs.attempts[0];
	int cl = fl->client, sv = !fl->client;
	const struct rdd_pcap_side *cs = &fl->side[cl], *ss = &fl->side[sv];

	if (!cs->syn) {
		c->midstream = true;
		a->tcp = RDD_TCP_OK;
		snprintf(a->tcp_error, sizeof(a->tcp_error),
		         "the capture starts after the TCP handshake");
		return;
	}
	a->tcp_start_ms = (cs->syn_ms);
	if (fl->syn_ack_seen & (1u << sv)) {
		a->tcp = RDD_TCP_OK;
		a->tcp_ms =
		    (fl->synack_ts - fl->first_ts) * 1000.0 - cs->syn_ms;
		return;
	}
	if (fl->data_seen) {
		/* The SYN-ACK is not in the capture, the data is. */
		a->tcp = RDD_TCP_OK;
		return;
	}
	if (ss->rst) {
		a->tcp = RDD_TCP_REFUSED;
		a->tcp_ms = ss->rst_ms - cs->syn_ms;
		snprintf(
		    a->tcp_error, sizeof(a->tcp_error),
		    "RST from the server in answer to the SYN (frame %llu)",
		    (unsigned long long)ss->rst_frame);
		return;
	}
	a->tcp = RDD_TCP_TIMEOUT;
	a->tcp_ms = (fl->last_ts - fl->first_ts) * 1000.0 - cs->syn_ms;
	snprintf(a->tcp_error, sizeof(a->tcp_error),
	         "no SYN-ACK to %u SYN%s in the %.1f s the capture shows",
	         cs->syns, cs->syns == 1 ? "" : "s", a->tcp_ms / 1000.0);
}

static void
endpoint(struct rdd_pcap_endpoint *e, uint8_t ver, const uint8_t *addr,
         uint16_t port)
{
	rdd_pkt_addr_str(e->addr, sizeof(e->addr), ver, addr);
	e->port = port;
}

/* Make the connection record and its observer. */
static int
make_conn(struct rdd_flows *f, struct flow *fl)
{
	int cl = fl->client;

	fl->conn = rdd_pcap_conn_new();
	if (fl->conn == NULL)
		return -1;
	fl->conn->kind = fl->udp ? RDD_PCAP_KIND_UDP : RDD_PCAP_KIND_TCP;
	endpoint(&fl->conn->client, fl->ver, fl->addr[cl], fl->port[cl]);
	endpoint(&fl->conn->server, fl->ver, fl->addr[!cl], fl->port[!cl]);
	fl->conn->ip_version = fl->ver;
	fl->conn->vlan = fl->vlan;
	fl->conn->start = fl->first_ts;
	fl->conn->first_frame = fl->first_frame;
	if (fl->udp)
		return 0;
	fl->obs = rdd_observer_new(&f->cfg, fl->conn, fl->first_ts);
	if (fl->obs == NULL) {
		rdd_pcap_conn_free(fl->conn);
		fl->conn = NULL;
		return -1;
	}
	return 0;
}

static void
udp_result(struct flow *fl)
{
	struct rdd_pcap_conn *c = fl->conn;
	struct rdd_observation *obs = &c->obs;
	struct rdd_udp_info *u = &obs->udp;
	struct rdd_phase_result *ph = &obs->phases[RDD_PHASE_UDP];
	const char *vn;

	rdd_observation_init(obs);
	snprintf(obs->host, sizeof(obs->host), "%s", c->server.addr);
	snprintf(obs->address, sizeof(obs->address), "%s", c->server.addr);
	obs->port = c->server.port;
	obs->host_is_address = true;
	obs->checked_at = (int64_t)c->start;
	u->port = c->server.port;
	u->syns_sent = fl->udp_syns;
	u->version_offered = fl->udp_syn.has_synex ? fl->udp_syn.version : 1;
	u->start_ms = (fl->udp_first_syn_ts - fl->first_ts) * 1000.0;
	ph->present = true;
	c->status_phase = RDD_PHASE_UDP;
	rdd_pcap_evidence_add(c, "RDP-UDP SYN", fl->udp_syn_frame, u->start_ms,
	                      true);
	if (fl->udp_answered) {
		u->outcome = RDD_UDP_ANSWERED;
		u->ms = (fl->udp_answer_ts - fl->udp_first_syn_ts) * 1000.0;
		u->rtt_ms = (fl->udp_answer_ts - fl->udp_last_syn_ts) * 1000.0;
		u->flags = fl->udp_synack.flags;
		u->window = fl->udp_synack.window;
		u->up_mtu = fl->udp_synack.up_mtu;
		u->down_mtu = fl->udp_synack.down_mtu;
		u->has_version = fl->udp_synack.has_synex;
		u->version =
		    fl->udp_synack.has_synex ? fl->udp_synack.version : 1;
		vn = rdd_rdpeudp_version_name(u->version);
		snprintf(u->detail, sizeof(u->detail),
		         "SYN+ACK after %.1f ms: version %s, MTU %u/%u", u->ms,
		         vn != NULL ? vn : "unknown", (unsigned)u->up_mtu,
		         (unsigned)u->down_mtu);
		rdd_pcap_evidence_add(
		    c, "RDP-UDP SYN+ACK", fl->udp_answer_frame,
		    (fl->udp_answer_ts - fl->first_ts) * 1000.0, false);
		ph->status = RDD_STATUS_OK;
		c->status = RDD_PCAP_OK;
		snprintf(c->diag->summary, sizeof(c->diag->summary),
		         "The server answered the RDP-UDP SYN (version %s): "
		         "UDP transport is available.",
		         vn != NULL ? vn : "unknown");
	} else {
		u->outcome = RDD_UDP_NO_ANSWER;
		u->ms = (fl->last_ts - fl->udp_first_syn_ts) * 1000.0;
		snprintf(u->detail, sizeof(u->detail),
		         "no SYN+ACK to %u SYN%s in %.1f s", fl->udp_syns,
		         fl->udp_syns == 1 ? "" : "s", u->ms / 1000.0);
		ph->status = RDD_STATUS_TIMEOUT;
		c->status = RDD_PCAP_FAILED;
		snprintf(c->diag->summary, sizeof(c->diag->summary),
		         "The server did not answer %u RDP-UDP SYN%s: clients "
		         "fall back to TCP.",
		         fl->udp_syns, fl->udp_syns == 1 ? "" : "s");
	}
	ph->start_ms = u->start_ms;
	ph->ms = u->ms;
	snprintf(ph->detail, sizeof(ph->detail), "%s", u->detail);
	c->diag->status =
	    fl->udp_answered ? RDD_VERDICT_OK : RDD_VERDICT_WARNING;
	c->diag->failed_phase = -1;
	snprintf(c->ending, sizeof(c->ending), "%s", u->detail);
	obs->total_ms = (fl->last_ts - fl->first_ts) * 1000.0;
}

static void
free_flow(struct flow *fl)
{
	int i;

	for (i = 0; i < 2; i++) {
		rdd_tcpdir_free(&fl->dir[i]);
		rdd_hold_free(&fl->hold[i]);
	}
	rdd_observer_free(fl->obs);
	rdd_pcap_conn_free(fl->conn);
	free(fl);
}

static void
remove_flow(struct rdd_flows *f, struct flow *fl)
{
	struct flow **pp;
	unsigned h = bucket(f, fl);

	for (pp = &f->table[h]; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == fl) {
			*pp = fl->hnext;
			break;
		}
	unlink_activity(f, fl);
	unlink_closing(f, fl);
	f->n--;
	if (fl->state == F_RDP && !fl->udp)
		f->n_rdp--;
	free_flow(fl);
}

static void flush_dirs(struct flow *fl, double end);
static void release(struct flow *fl, bool all);

/* Report FL (if it is RDP, or an RDP-port connection without data) and
 * forget it. */
static void
finish_flow(struct rdd_flows *f, struct flow *fl, double end)
{
	int i;

	if (fl->udp) {
		if (fl->conn != NULL) {
			fl->conn->end = fl->last_ts;
			fl->conn->last_frame = fl->last_frame;
			udp_result(fl);
			f->cb(f->ctx, fl->conn);
		}
		remove_flow(f, fl);
		return;
	}
	if (fl->state == F_PENDING && !fl->data_seen && fl->client >= 0 &&
	    (fl->port[!fl->client] == RDP_PORT) && make_conn(f, fl) == 0) {
		fl->state = F_RDP;
		f->n_rdp++;
		f->stats.rdp++;
	}
	if (fl->state == F_IGNORED && fl->data_seen &&
	    (fl->port[0] == RDP_PORT || fl->port[1] == RDP_PORT))
		f->stats.port_not_rdp++;
	if (fl->state != F_IGNORED)
		release(fl, true);
	if (fl->state == F_RDP && fl->conn != NULL) {
		flush_dirs(fl, end);
		for (i = 0; i < 2; i++) {
			const struct rdd_tcpdir_stats *ds = &fl->dir[i].stats;

			fl->side[i].retrans = ds->retrans;
			fl->side[i].overlaps = ds->overlaps;
			fl->side[i].gaps = ds->gaps;
			fl->side[i].gap_bytes = ds->gap_bytes;
			fl->side[i].first_gap_frame = ds->first_gap_frame;
		}
		fl->conn->side[0] = fl->side[fl->client];
		fl->conn->side[1] = fl->side[!fl->client];
		fl->conn->end = fl->last_ts;
		fl->conn->last_frame = fl->last_frame;
		tcp_facts(fl);
		rdd_observer_finish(fl->obs, end);
		f->cb(f->ctx, fl->conn);
	}
	remove_flow(f, fl);
}

/* --- telling RDP ---------------------------------------------------------- */

/* The bytes start with a TPKT carrying an X.224 Connection Request. */
static bool
looks_like_cr(const uint8_t *p, size_t n)
{
	return n >= 6 && p[0] == 0x03 && p[1] == 0x00 &&
	       ((size_t)p[2] << 8 | p[3]) >= 11 &&
	       (p[5] & 0xF0) == RDD_X224_TPDU_CR;
}

static void
become_rdp(struct rdd_flows *f, struct flow *fl, int client,
           const struct rdd_tcp_meta *m)
{
	fl->client = client;
	if (f->n_rdp >= RDD_FLOWS_MAX_RDP) {
		/* Room for one more: the least recently active RDP flow. */
		struct flow *o;

		for (o = f->tail; o != NULL; o = o->prev)
			if (o->state == F_RDP && !o->udp && o != fl)
				break;
		if (o != NULL) {
			f->stats.evicted++;
			finish_flow(f, o, f->now);
		}
	}
	if (make_conn(f, fl) != 0) {
		fl->state = F_IGNORED;
		return;
	}
	fl->state = F_RDP;
	f->n_rdp++;
	f->stats.rdp++;
	if (f->n_rdp > f->stats.peak_rdp)
		f->stats.peak_rdp = f->n_rdp;
	/* What was held while telling goes to the observer. */
	if (fl->pend_len > 0)
		rdd_observer_data(fl->obs, true, fl->pend, fl->pend_len, m);
	fl->pend_len = 0;
}

static void
ignore(struct flow *fl)
{
	int i;

	fl->state = F_IGNORED;
	fl->pend_len = 0;
	for (i = 0; i < 2; i++) {
		rdd_tcpdir_free(&fl->dir[i]);
		rdd_hold_free(&fl->hold[i]);
	}
}

static void
on_data(void *ctx, const uint8_t *p, size_t n, const struct rdd_tcp_meta *m)
{
	struct dirsink *ds = ctx;
	struct flow *fl = ds->fl;
	uint8_t head[6];
	size_t have = fl->pend_len, k;
	int d = ds->dir;

	fl->data_seen = true;
	if (fl->state == F_RDP) {
		rdd_observer_data(fl->obs, d == fl->client, p, n, m);
		return;
	}
	if (fl->state != F_PENDING)
		return;
	/* The first bytes decide: the side that speaks first must be the
	 * client, and speak a TPKT with an X.224 Connection Request. */
	if ((fl->client >= 0 && d != fl->client) ||
	    (have > 0 && d != fl->pend_dir)) {
		ignore(fl);
		return;
	}
	memcpy(head, fl->pend, have);
	k = n < sizeof(head) - have ? n : sizeof(head) - have;
	memcpy(head + have, p, k);
	if (have + k < sizeof(head) && head[0] == 0x03 &&
	    (have + k < 2 || head[1] == 0x00)) {
		memcpy(fl->pend + have, p, k);
		fl->pend_len = have + k;
		fl->pend_dir = d;
		return; /* not enough to tell yet */
	}
	if (!looks_like_cr(head, have + k)) {
		ignore(fl);
		return;
	}
	become_rdp(fl->owner, fl, d, m);
	if (fl->state == F_RDP)
		rdd_observer_data(fl->obs, true, p, n, m);
}

static void
on_gap(void *ctx, size_t n, const struct rdd_tcp_meta *m)
{
	struct dirsink *ds = ctx;
	struct flow *fl = ds->fl;

	if (fl->state == F_RDP && fl->obs != NULL)
		rdd_observer_gap(fl->obs, ds->dir == fl->client, n, m);
	else if (fl->state == F_PENDING)
		ignore(fl);
}

static void
flush_dirs(struct flow *fl, double end)
{
	struct rdd_tcp_meta m = {fl->last_frame, end};
	int i;

	for (i = 0; i < 2; i++)
		rdd_tcpdir_flush(&fl->dir[i], &m, &fl->sink[i]);
}

/* --- packets ------------------------------------------------------------- */

static struct flow *
new_flow(struct rdd_flows *f, const struct rdd_pkt *pkt, bool udp,
         uint64_t frame, double ts)
{
	struct flow *fl;
	unsigned h;
	int i;

	if (f->n >= RDD_FLOWS_MAX && f->tail != NULL) {
		f->stats.evicted++;
		finish_flow(f, f->tail, ts);
	}
	if (f->table == NULL && !rehash(f, HASH_BITS_MIN))
		return NULL;
	/* Grow when full; if that fails the chains only get longer. */
	if (f->n >= (size_t)1 << f->bits && f->bits < HASH_BITS_MAX)
		(void)rehash(f, f->bits + 1);
	fl = calloc(1, sizeof(*fl));
	if (fl == NULL)
		return NULL;
	fl->udp = udp;
	fl->ver = pkt->ip_version;
	memcpy(fl->addr[0], pkt->src, 16);
	memcpy(fl->addr[1], pkt->dst, 16);
	fl->port[0] = pkt->sport;
	fl->port[1] = pkt->dport;
	fl->vlan = pkt->n_vlan > 0 ? pkt->vlan[0] : 0;
	fl->client = -1;
	fl->owner = f;
	fl->first_ts = ts;
	fl->first_frame = frame;
	for (i = 0; i < 2; i++) {
		rdd_tcpdir_init(&fl->dir[i]);
		rdd_hold_init(&fl->hold[i]);
		fl->ds[i].fl = fl;
		fl->ds[i].dir = i;
		fl->sink[i].data = on_data;
		fl->sink[i].gap = on_gap;
		fl->sink[i].ctx = &fl->ds[i];
	}
	h = bucket(f, fl);
	fl->hnext = f->table[h];
	f->table[h] = fl;
	f->n++;
	if (f->n > f->stats.peak_flows)
		f->stats.peak_flows = f->n;
	if (!udp)
		f->stats.tcp_flows++;
	return fl;
}

static struct flow *
lookup(struct rdd_flows *f, const struct rdd_pkt *pkt, bool udp, int *dir)
{
	struct flow *fl;
	unsigned h;

	if (f->table == NULL)
		return NULL;
	h = hash(udp, pkt->ip_version, pkt->src, pkt->sport, pkt->dst,
	         pkt->dport) &
	    ((1u << f->bits) - 1);
	for (fl = f->table[h]; fl != NULL; fl = fl->hnext)
		if ((*dir = direction(fl, pkt, udp)) >= 0)
			return fl;
	return NULL;
}

/* Connections whose time is up: lingering after their close, or idle. */
static void
expire(struct rdd_flows *f, double now)
{
	struct flow *fl;

	while ((fl = f->chead) != NULL &&
	       now - fl->closing_since > RDD_FLOWS_LINGER_S)
		finish_flow(f, fl, fl->last_ts);
	while ((fl = f->tail) != NULL &&
	       now - fl->last_ts > (fl->state == F_RDP
	                                ? RDD_FLOWS_IDLE_S
	                                : RDD_FLOWS_IDLE_OTHER_S))
		finish_flow(f, fl, fl->last_ts);
}

static void
side_stats(struct flow *fl, int d, const struct rdd_pkt *pkt, uint64_t frame,
           double ts)
{
	struct rdd_pcap_side *s = &fl->side[d];
	double ms = (ts - fl->first_ts) * 1000.0;
	uint8_t fl_ = pkt->tcp_flags;

	s->packets++;
	s->bytes += pkt->payload_wire;
	if (pkt->payload_cap < pkt->payload_wire)
		s->cut = true;
	if ((fl_ & RDD_TCP_SYN) && !(fl_ & RDD_TCP_ACK)) {
		if (!s->syn) {
			s->syn = true;
			s->syn_frame = frame;
			s->syn_ms = ms;
		}
		s->syns++;
	}
	if ((fl_ & RDD_TCP_SYN) && (fl_ & RDD_TCP_ACK) &&
	    !(fl->syn_ack_seen & (1u << d))) {
		fl->syn_ack_seen |= 1u << d;
		fl->synack_ts = ts;
		fl->synack_frame = frame;
	}
	if ((fl_ & RDD_TCP_FIN) && !s->fin) {
		s->fin = true;
		s->fin_frame = frame;
		s->fin_ms = ms;
	}
	if ((fl_ & RDD_TCP_RST) && !s->rst) {
		s->rst = true;
		s->rst_frame = frame;
		s->rst_ms = ms;
	}
}

/* A close of direction D that acknowledged the other direction's FIN came
 * after it: tell the observer, which otherwise goes by the capture's
 * order (two closes a fraction of a millisecond apart can be swapped). */
static void
note_close(struct flow *fl, int d, const struct rdd_pkt *pkt)
{
	struct close_seen *c = &fl->close[d];
	int e;

	if (c->seen)
		return;
	c->seen = true;
	c->fin = (pkt->tcp_flags & RDD_TCP_FIN) != 0;
	c->fin_seq = pkt->seq + (uint32_t)pkt->payload_wire;
	c->acks = (pkt->tcp_flags & RDD_TCP_ACK) != 0;
	c->ack = pkt->ack;
	for (e = 0; e < 2; e++) {
		const struct close_seen *me = &fl->close[e],
		                        *peer = &fl->close[!e];

		if (me->seen && me->acks && peer->seen && peer->fin &&
		    (int32_t)(me->ack - (peer->fin_seq + 1u)) >= 0)
			rdd_observer_close_answered(fl->obs, e == fl->client);
	}
}

/* The segment to its direction, its ACK to the other. */
static void
deliver(struct flow *fl, int d, uint32_t seq, uint32_t ack, uint8_t flags,
        const uint8_t *p, size_t cap, size_t wire, const struct rdd_tcp_meta *m)
{
	rdd_tcpdir_segment(&fl->dir[d], seq, flags, p, cap, wire, m,
	                   &fl->sink[d]);
	if (fl->state != F_IGNORED && (flags & RDD_TCP_ACK))
		rdd_tcpdir_peer_ack(&fl->dir[!d], ack, m, &fl->sink[!d]);
}

/* ACK covers bytes of direction E that have not been delivered yet (and
 * not so far ahead that it is another connection's number). */
static bool
acks_ahead(const struct flow *fl, int e, uint32_t ack)
{
	const struct rdd_tcpdir *t = &fl->dir[e];
	uint32_t end = t->next + (rdd_tcpdir_fin_reached(t) ? 1u : 0u);
	int32_t ahead = (int32_t)(ack - end);

	return t->started && ahead > 0 && ahead < (1 << 30);
}

struct ready_ctx {
	const struct flow *fl;
	int d; /* the held segments' direction */
};

/* A held segment may go: what it acknowledges has been delivered. */
static bool
ready(const struct rdd_hold_seg *s, void *ctx)
{
	const struct ready_ctx *r = ctx;

	return !(s->flags & RDD_TCP_ACK) || !acks_ahead(r->fl, !r->d, s->ack);
}

/* Deliver what is held and may go now (ALL: everything), both ways:
 * each delivery can let the other direction's held segments go. Ends:
 * every round that goes on takes a segment out. */
static void
release(struct flow *fl, bool all)
{
	struct rdd_hold_seg *s;
	struct ready_ctx r = {fl, 0};
	bool moved = true;

	while (moved && fl->state != F_IGNORED) {
		moved = false;
		for (r.d = 0; r.d < 2 && fl->state != F_IGNORED; r.d++) {
			s = rdd_hold_take(&fl->hold[r.d], all ? NULL : ready,
			                  &r);
			if (s == NULL)
				continue;
			deliver(fl, r.d, s->seq, s->ack, s->flags, s->data,
			        s->cap, s->wire, &s->meta);
			free(s);
			moved = true;
		}
	}
}

/* A TCP segment of direction D: delivered, or held while it acknowledges
 * bytes of the other direction the capture has not shown yet. A hold
 * ends when those bytes are delivered, or after RDD_HOLD_GRACE more
 * packets. */
static void
segment(struct flow *fl, int d, const struct rdd_pkt *pkt,
        const struct rdd_tcp_meta *m)
{
	int e;

	if (pkt->payload_wire > 0 && (pkt->tcp_flags & RDD_TCP_ACK) &&
	    acks_ahead(fl, !d, pkt->ack)) {
		if (rdd_hold_push(&fl->hold[d], pkt->seq, pkt->ack,
		                  pkt->tcp_flags, pkt->payload,
		                  pkt->payload_cap, pkt->payload_wire,
		                  m) != 0) {
			release(fl, true);
			if (fl->state != F_IGNORED)
				deliver(fl, d, pkt->seq, pkt->ack,
				        pkt->tcp_flags, pkt->payload,
				        pkt->payload_cap, pkt->payload_wire, m);
			return;
		}
	} else {
		deliver(fl, d, pkt->seq, pkt->ack, pkt->tcp_flags, pkt->payload,
		        pkt->payload_cap, pkt->payload_wire, m);
	}
	for (e = 0; e < 2; e++)
		if (fl->hold[e].n > 0 && ++fl->hold[e].since > RDD_HOLD_GRACE) {
			release(fl, true);
			return;
		}
	release(fl, false);
}

static void
tcp_packet(struct rdd_flows *f, const struct rdd_pkt *pkt, uint64_t frame,
           double ts)
{
	struct rdd_tcp_meta m = {frame, ts};
	struct flow *fl;
	int d = 0;
	bool bare_syn =
	    (pkt->tcp_flags & RDD_TCP_SYN) && !(pkt->tcp_flags & RDD_TCP_ACK);

	fl = lookup(f, pkt, false, &d);
	/* A new SYN on a finished 5-tuple starts a new connection (one that
	 * began with a SYN of its own: a reset seen before its SYN, as a
	 * reordered capture may show, belongs to the one that follows). */
	if (fl != NULL && bare_syn && (fl->side[0].syn || fl->side[1].syn) &&
	    (fl->rst[0] || fl->rst[1] || (fl->fin[0] && fl->fin[1]))) {
		finish_flow(f, fl, fl->last_ts);
		fl = NULL;
	}
	if (fl == NULL) {
		fl = new_flow(f, pkt, false, frame, ts);
		if (fl == NULL)
			return;
		d = 0;
	}
	fl->last_ts = ts;
	fl->last_frame = frame;
	touch(f, fl);
	side_stats(fl, d, pkt, frame, ts);
	if (bare_syn && fl->client < 0)
		fl->client = d;
	if (fl->state != F_IGNORED)
		segment(fl, d, pkt, &m);
	if (pkt->tcp_flags & RDD_TCP_FIN)
		fl->fin[d] = true;
	if (pkt->tcp_flags & RDD_TCP_RST)
		fl->rst[d] = true;
	if (fl->state == F_RDP && fl->obs != NULL) {
		rdd_observer_packet(fl->obs, &m);
		if (pkt->tcp_flags & (RDD_TCP_FIN | RDD_TCP_RST)) {
			rdd_observer_closed(fl->obs, d == fl->client,
			                    (pkt->tcp_flags & RDD_TCP_RST) != 0,
			                    &m);
			note_close(fl, d, pkt);
		}
	}
	if (fl->rst[d] || (fl->fin[0] && fl->fin[1]))
		mark_closing(f, fl, ts);
}

static void
udp_packet(struct rdd_flows *f, const struct rdd_pkt *pkt, uint64_t frame,
           double ts)
{
	struct rdd_rdpeudp_syn syn;
	struct flow *fl;
	int d = 0;
	bool is_syn = false, is_synack = false;

	if (rdd_rdpeudp_parse_syn(pkt->payload, pkt->payload_cap, &syn) == 0) {
		is_syn = !(syn.flags & RDD_RDPEUDP_ACK) &&
		         syn.sn_source_ack == 0xFFFFFFFFu;
		is_synack = (syn.flags & RDD_RDPEUDP_ACK) != 0;
	}
	fl = lookup(f, pkt, true, &d);
	if (fl == NULL) {
		if (!is_syn)
			return;
		fl = new_flow(f, pkt, true, frame, ts);
		if (fl == NULL)
			return;
		d = 0;
		fl->client = 0;
		fl->state = F_RDP;
		f->stats.udp_rdp++;
		fl->conn = rdd_pcap_conn_new();
		if (fl->conn == NULL) {
			remove_flow(f, fl);
			return;
		}
		fl->conn->kind = RDD_PCAP_KIND_UDP;
		endpoint(&fl->conn->client, fl->ver, fl->addr[0], fl->port[0]);
		endpoint(&fl->conn->server, fl->ver, fl->addr[1], fl->port[1]);
		fl->conn->ip_version = fl->ver;
		fl->conn->vlan = fl->vlan;
		fl->conn->start = ts;
		fl->conn->first_frame = frame;
	}
	fl->last_ts = ts;
	fl->last_frame = frame;
	touch(f, fl);
	fl->side[d].packets++;
	fl->side[d].bytes += pkt->payload_wire;
	if (d == fl->client && is_syn) {
		if (fl->udp_syns++ == 0) {
			fl->udp_syn = syn;
			fl->udp_first_syn_ts = ts;
			fl->udp_syn_frame = frame;
		}
		fl->udp_last_syn_ts = ts;
	} else if (d != fl->client && is_synack && !fl->udp_answered) {
		fl->udp_answered = true;
		fl->udp_synack = syn;
		fl->udp_answer_ts = ts;
		fl->udp_answer_frame = frame;
	}
}

void
rdd_flows_packet(struct rdd_flows *f, const struct rdd_pkt *pkt, uint64_t frame,
                 double ts)
{
	if (ts > f->now)
		f->now = ts;
	expire(f, f->now);
	if (pkt->proto == RDD_IPPROTO_TCP)
		tcp_packet(f, pkt, frame, ts);
	else if (pkt->proto == RDD_IPPROTO_UDP)
		udp_packet(f, pkt, frame, ts);
}

void
rdd_flows_finish(struct rdd_flows *f, double end)
{
	while (f->head != NULL)
		finish_flow(f, f->head, end);
}

void
rdd_flows_free(struct rdd_flows *f)
{
	struct flow *fl, *next;

	if (f == NULL)
		return;
	for (fl = f->head; fl != NULL; fl = next) {
		next = fl->next;
		free_flow(fl);
	}
	free(f->table);
	free(f);
}
