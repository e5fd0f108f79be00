/*
 * tlsenum.c - the TLS enumeration (tlsenum.h): one connection per
 * ClientHello, and the plan that chooses the ClientHellos.
 *
 * The plan, per version (SSL 3.0 .. TLS 1.3):
 *   1. a hello with every suite that version can carry, in the table's
 *      order: TLS 1.3's first, listing TLS 1.2 to 1.0 too and offering
 *      TLS 1.2's suites after its own, so that it stands for TLS 1.2's
 *      hello unless the server has TLS 1.3 (tls12_from_tls13); each
 *      older one once the version above it is answered. A server
 *      answers with the highest version it has up to the client's (RFC
 *      5246 E.1, RFC 8446 4.2.1), so a TLS 1.2 hello answered with TLS
 *      1.0 is TLS 1.0's first answer and says TLS 1.1 is refused, and a
 *      refused TLS 1.1 hello says TLS 1.0 and SSL 3.0 are too: none of
 *      those is asked again ("implied", release_below). No answer: the
 *      version is refused, and that is all it costs. An answer: a second
 *      hello with the list reversed. The same suite twice: the server
 *      chooses by its own order; two different ones: it follows the
 *      client's.
 *   2. server order: one chain, each hello offering the suites not yet
 *      chosen, so each answer is the next suite in the server's order
 *      (what sslscan does, one version after another). Client order:
 *      each answer is the first suite of the hello's list that the
 *      server accepts, so the list is split into disjoint parts, each
 *      taken by a pair of chains from both its ends, run at once (the
 *      width: 2 chains on a LAN, up to 8 when round trips are long; a
 *      short list is split less).
 *   A chain ends at the first hello that gets no ServerHello of that
 *   version (an alert, a close, or a lower version), and a pair when
 *   either does, or when both ends get the same last suite.
 *   TLS 1.3 in the client's order has no suite chain while its group
 *   hellos run: they offer the suites not yet found first, so each
 *   answer is a new suite or says none is left (suite13_from_group_hello).
 * Groups, once TLS 1.3 is known to be accepted: chains of TLS 1.3 hellos
 * offering the groups not yet seen without a key share (the server
 * answers with a HelloRetryRequest naming one, or a ServerHello for the
 * x25519 share of the first hello). The elliptic curves that TLS 1.3 did
 * not show (all of them when it is refused) then go in chains of hellos
 * of the highest older version the server accepts, offering its ECDHE
 * suites (the ServerKeyExchange names the curve). The suite hellos of the
 * older versions offer the curves not yet named first, and group chains
 * go through the table from its end, so that under the client's order
 * the two find different ones; a group named by any answer is not asked
 * for again.
 * Every connection costs the server a handshake (xrdp: a fork too), and
 * on a LAN their number, not the round trips, sets the time: so nothing
 * is asked whose answer is already implied.
 */
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/observation.h"
#include "rdpdoctor/tlsenum.h"
#include "wire/cursor.h"
#include "wire/tlshello.h"
#include "wire/tpkt.h"
#include "wire/x224.h"

static const uint16_t versions[RDD_TLS_N_VERSIONS] = {
    RDD_TLS_V_SSL3, RDD_TLS_V_TLS10, RDD_TLS_V_TLS11, RDD_TLS_V_TLS12,
    RDD_TLS_V_TLS13};
#define VI_TLS12 3
#define VI_TLS13 4
#define MAX_SUITES13 8 /* TLS 1.3 suites in the table: 5 */

int
rdd_tls_version_index(uint16_t version)
{
	for (int i = 0; i < RDD_TLS_N_VERSIONS; i++)
		if (versions[i] == version)
			return i;
	return -1;
}

const char *
rdd_tlsconn_outcome_name(enum rdd_tlsconn_outcome o)
{
	switch (o) {
	case RDD_TLSCONN_PENDING:
		return "pending";
	case RDD_TLSCONN_HELLO:
		return "hello";
	case RDD_TLSCONN_ALERT:
		return "alert";
	case RDD_TLSCONN_CLOSED:
		return "closed";
	case RDD_TLSCONN_RESET:
		return "reset";
	case RDD_TLSCONN_TIMEOUT:
		return "timeout";
	case RDD_TLSCONN_NOT_TLS:
		return "not_tls";
	case RDD_TLSCONN_MALFORMED:
		return "malformed";
	case RDD_TLSCONN_NO_TLS:
		return "no_tls";
	}
	return "unknown";
}

/* ---- one connection ---------------------------------------------------- */

#define IN_CAP 65536
#define SCRATCH_CAP 65536

enum conn_state { C_IDLE, C_X224, C_TLS, C_DONE };

struct rdd_tlsconn {
	enum conn_state st;
	uint8_t out[RDD_TLS_HELLO_CAP + 256];
	size_t out_len, out_off;
	uint8_t hello[RDD_TLS_HELLO_CAP];
	size_t hello_len;
	char cookie[64];
	bool has_cookie;
	uint8_t *in;
	size_t in_len;
	uint8_t *scratch;
	uint64_t timeout_us;
	uint64_t deadline_us;
	struct rdd_tlsconn_result r;
};

struct rdd_tlsconn *
rdd_tlsconn_new(const char *cookie, const uint8_t *hello, size_t hello_len,
                uint64_t timeout_us)
{
	struct rdd_tlsconn *c;

	if (hello_len > RDD_TLS_HELLO_CAP)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->in = malloc(IN_CAP);
	c->scratch = malloc(SCRATCH_CAP);
	if (c->in == NULL || c->scratch == NULL) {
		rdd_tlsconn_free(c);
		return NULL;
	}
	memcpy(c->hello, hello, hello_len);
	c->hello_len = hello_len;
	if (cookie != NULL && strlen(cookie) < sizeof(c->cookie)) {
		strcpy(c->cookie, cookie);
		c->has_cookie = true;
	}
	c->timeout_us = timeout_us;
	c->deadline_us = UINT64_MAX;
	c->r.outcome = RDD_TLSCONN_PENDING;
	c->r.alert_desc = -1;
	return c;
}

static void
conn_finish(struct rdd_tlsconn *c, enum rdd_tlsconn_outcome o)
{
	c->r.outcome = o;
	c->st = C_DONE;
	c->deadline_us = UINT64_MAX;
	c->out_len = c->out_off = 0;
}

void
rdd_tlsconn_start(struct rdd_tlsconn *c, uint64_t now_us)
{
	struct rdd_x224_cr req;
	struct rdd_buf b;

	if (c == NULL || c->st != C_IDLE)
		return;
	memset(&req, 0, sizeof(req));
	req.cookie = c->has_cookie ? c->cookie : NULL;
	req.neg_req = true;
	/* What mstsc asks: any of them leads to TLS. */
	req.requested_protocols =
	    RDD_PROTO_SSL | RDD_PROTO_HYBRID | RDD_PROTO_HYBRID_EX;
	rdd_buf_init(&b, c->out, sizeof(c->out));
	if (rdd_x224_build_cr(&b, &req) != 0 || b.err) {
		conn_finish(c, RDD_TLSCONN_NO_TLS);
		return;
	}
	c->out_len = b.len;
	c->out_off = 0;
	c->st = C_X224;
	c->deadline_us = now_us + c->timeout_us;
}

static void
conn_flight(struct rdd_tlsconn *c)
{
	struct rdd_tls_flight f;

	switch (rdd_tls_flight_parse(c->in, c->in_len, c->scratch, SCRATCH_CAP,
	                             &f)) {
	case RDD_TLSF_NEED_MORE:
		return;
	case RDD_TLSF_HELLO:
		c->r.hrr = f.hrr;
		c->r.version = f.version;
		c->r.suite = f.suite;
		c->r.group = f.group;
		c->r.dh_bits = f.dh_bits;
		c->r.n_certs = f.n_certs;
		c->r.cert = f.cert;
		c->r.cert_len = f.cert_len;
		conn_finish(c, RDD_TLSCONN_HELLO);
		return;
	case RDD_TLSF_ALERT:
		c->r.alert_desc = f.alert_desc;
		conn_finish(c, RDD_TLSCONN_ALERT);
		return;
	case RDD_TLSF_NOT_TLS:
		conn_finish(c, RDD_TLSCONN_NOT_TLS);
		return;
	case RDD_TLSF_MALFORMED:
		conn_finish(c, RDD_TLSCONN_MALFORMED);
		return;
	}
}

static void
conn_x224(struct rdd_tlsconn *c, uint64_t now_us)
{
	size_t pdu_len;
	struct rdd_cur payload;
	struct rdd_x224_cc cc;

	switch (rdd_tpkt_frame(c->in, c->in_len, &pdu_len, &payload)) {
	case RDD_TPKT_NEED_MORE:
		return;
	case RDD_TPKT_NOT_TPKT:
	case RDD_TPKT_BAD_LENGTH:
		conn_finish(c, RDD_TLSCONN_NO_TLS);
		return;
	case RDD_TPKT_OK:
		break;
	}
	memset(&cc, 0, sizeof(cc));
	if (pdu_len == 0 || pdu_len > c->in_len ||
	    rdd_x224_parse_cc(&payload, &cc) != 0 ||
	    cc.neg != RDD_X224_NEG_RSP ||
	    (cc.selected_protocol &
	     (RDD_PROTO_SSL | RDD_PROTO_HYBRID | RDD_PROTO_HYBRID_EX)) == 0) {
		conn_finish(c, RDD_TLSCONN_NO_TLS);
		return;
	}
	/* TLS bytes cannot arrive before our ClientHello; drop the PDU. */
	memmove(c->in, c->in + pdu_len, c->in_len - pdu_len);
	c->in_len -= pdu_len;
	memcpy(c->out, c->hello, c->hello_len);
	c->out_len = c->hello_len;
	c->out_off = 0;
	c->st = C_TLS;
	c->deadline_us = now_us + c->timeout_us;
	if (c->in_len > 0)
		conn_flight(c);
}

void
rdd_tlsconn_recv(struct rdd_tlsconn *c, const uint8_t *data, size_t len,
                 uint64_t now_us)
{
	if (c == NULL || (c->st != C_X224 && c->st != C_TLS) || len == 0)
		return;
	if (len > IN_CAP - c->in_len) {
		conn_finish(c, c->st == C_X224 ? RDD_TLSCONN_NO_TLS
		                               : RDD_TLSCONN_MALFORMED);
		return;
	}
	memcpy(c->in + c->in_len, data, len);
	c->in_len += len;
	if (c->st == C_X224)
		conn_x224(c, now_us);
	else
		conn_flight(c);
}

void
rdd_tlsconn_peer_closed(struct rdd_tlsconn *c, bool reset, uint64_t now_us)
{
	(void)now_us;
	if (c == NULL || c->st == C_DONE)
		return;
	if (c->st != C_TLS)
		conn_finish(c, RDD_TLSCONN_NO_TLS);
	else
		conn_finish(c, reset ? RDD_TLSCONN_RESET : RDD_TLSCONN_CLOSED);
}

size_t
rdd_tlsconn_pending(struct rdd_tlsconn *c, const uint8_t **data)
{
	if (c == NULL || c->out_off >= c->out_len) {
		*data = NULL;
		return 0;
	}
	*data = c->out + c->out_off;
	return c->out_len - c->out_off;
}

void
rdd_tlsconn_sent(struct rdd_tlsconn *c, size_t n)
{
	if (c == NULL)
		return;
	if (n > c->out_len - c->out_off)
		n = c->out_len - c->out_off;
	c->out_off += n;
}

uint64_t
rdd_tlsconn_deadline(const struct rdd_tlsconn *c)
{
	return c != NULL ? c->deadline_us : UINT64_MAX;
}

void
rdd_tlsconn_tick(struct rdd_tlsconn *c, uint64_t now_us)
{
	if (c == NULL || c->st == C_DONE || now_us < c->deadline_us)
		return;
	conn_finish(c,
	            c->st == C_TLS ? RDD_TLSCONN_TIMEOUT : RDD_TLSCONN_NO_TLS);
}

bool
rdd_tlsconn_done(const struct rdd_tlsconn *c)
{
	return c == NULL || c->st == C_DONE;
}

bool
rdd_tlsconn_past_x224(const struct rdd_tlsconn *c)
{
	return c == NULL || c->st == C_TLS || c->st == C_DONE;
}

const struct rdd_tlsconn_result *
rdd_tlsconn_result(const struct rdd_tlsconn *c)
{
	return &c->r;
}

void
rdd_tlsconn_free(struct rdd_tlsconn *c)
{
	if (c == NULL)
		return;
	free(c->in);
	free(c->scratch);
	free(c);
}

/* ---- the plan ---------------------------------------------------------- */

#define MAX_SUITES 300
#define MAX_JOBS 1024
#define MAX_CHAINS ((RDD_TLS_N_VERSIONS + 1) * RDD_TLSENUM_MAX_WIDTH)

enum job_kind { J_PROBE, J_CHAIN };

/* Hellos one after the other, each offering what the ones before did not
 * get: suites of one version, or (groups) TLS 1.3 groups without a key
 * share, each answer a HelloRetryRequest naming one, or curves with an
 * older version's ECDHE suites, each answer a ServerKeyExchange naming
 * one. The hello that gets a refusal ends the chain. */
struct chain {
	int vi;
	bool groups;
	uint16_t left[MAX_SUITES]; /* still to offer */
	size_t n_left;
	bool busy;  /* a hello is out */
	bool ended; /* no more hellos */
	/* Suites in the client's order: the chain over the same list from
	 * its other end, -1 none (see add_chains). */
	int partner;
};

struct job {
	enum job_kind kind;
	int vi;
	int chain; /* J_CHAIN */
	bool reversed;
	bool answered;
	/* A TLS 1.3 group hello: the suites it offered first, not yet found
	 * when it was built (see suites_by_groups). */
	uint16_t unknown13[MAX_SUITES13];
	size_t n_unknown13;
};

/* Per version. */
struct vstate {
	uint16_t all[MAX_SUITES]; /* what this version can carry */
	size_t n_all;
	int probes_left;      /* first hellos not yet answered */
	int pick_fw, pick_rv; /* suite chosen, -1 none */
	bool probed;          /* the first answers are in */
	bool waiting;         /* for a higher version's answer */
	/* Refused, as the answer to this version's hello says (see
	 * release_below); 0: not implied. */
	uint16_t implied_by;
	/* TLS 1.3, the client's order: the suites not yet found are asked
	 * by the group hellos (suite13_from_group_hello), not by chains of
	 * their own, until settled. */
	bool suites_by_groups, suites_settled;
	uint16_t found[MAX_SUITES]; /* in the order found */
	size_t n_found;
	int server_order;
	/* Suites a curve hello got before the order was known: found, if
	 * it is the client's (see curve_hello_suite). */
	uint16_t by_curves[MAX_SUITES];
	size_t n_by_curves;
};

struct rdd_tlsenum {
	char server_name[256];
	bool has_name;
	int width; /* chains over one list when the order does not matter */
	struct vstate v[RDD_TLS_N_VERSIONS];
	struct chain chains[MAX_CHAINS];
	int n_chains;
	struct job jobs[MAX_JOBS];
	int n_jobs;
	int outstanding;
	/* Jobs not tied to a chain, not yet handed out. */
	int queue[64];
	int n_queue, queue_head;
	uint16_t groups[RDD_MAX_TLS_GROUPS];
	size_t n_groups;
	bool groups13_planned, groups12_planned;
	/* TLS 1.2's hello got a ServerHello: see release_below. */
	bool chooses_down;
	int connections, failed;
	bool saw_certificate;
	uint32_t seed;
};

static bool
contains(const uint16_t *l, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == x)
			return true;
	return false;
}

static void
remove_id(uint16_t *l, size_t *n, uint16_t x)
{
	for (size_t i = 0; i < *n; i++)
		if (l[i] == x) {
			memmove(l + i, l + i + 1, (*n - i - 1) * sizeof(*l));
			(*n)--;
			return;
		}
}

static int
add_job(struct rdd_tlsenum *e, enum job_kind k, int vi)
{
	struct job *j;

	if (e->n_jobs >= MAX_JOBS)
		return -1;
	j = &e->jobs[e->n_jobs];
	memset(j, 0, sizeof(*j));
	j->kind = k;
	j->vi = vi;
	j->chain = -1;
	return e->n_jobs++;
}

static bool
enqueue(struct rdd_tlsenum *e, int id)
{
	if (id < 0 ||
	    e->n_queue >= (int)(sizeof(e->queue) / sizeof(e->queue[0])))
		return false;
	e->queue[e->n_queue++] = id;
	return true;
}

struct rdd_tlsenum *
rdd_tlsenum_new(const char *server_name)
{
	struct rdd_tlsenum *e = calloc(1, sizeof(*e));
	const struct rdd_tls_suite *t;
	size_t n;

	if (e == NULL)
		return NULL;
	if (server_name != NULL &&
	    strlen(server_name) < sizeof(e->server_name)) {
		strcpy(e->server_name, server_name);
		e->has_name = true;
	}
	e->width = RDD_TLSENUM_DEFAULT_WIDTH;
	e->seed = 0x2545f491u;
	t = rdd_tls_suites(&n);
	for (int vi = RDD_TLS_N_VERSIONS - 1; vi >= 0; vi--) {
		struct vstate *v = &e->v[vi];

		v->pick_fw = v->pick_rv = -1;
		v->server_order = -1;
		for (size_t i = 0; i < n && v->n_all < MAX_SUITES; i++) {
			bool t13 = rdd_tls_suite_is_tls13(t[i].id);

			if (versions[vi] == RDD_TLS_V_TLS13
			        ? !t13
			        : t13 || (versions[vi] < RDD_TLS_V_TLS12 &&
			                  rdd_tls_suite_needs_tls12(t[i].id)))
				continue;
			v->all[v->n_all++] = t[i].id;
		}
		/* TLS 1.2 waits for the answer to TLS 1.3's hello, which
		 * offers it too (tls12_from_tls13); the older versions for
		 * TLS 1.2's (release_below). */
		v->waiting = vi <= VI_TLS12;
		v->probes_left =
		    vi <= VI_TLS12 || enqueue(e, add_job(e, J_PROBE, vi)) ? 1
		                                                          : 0;
		v->probed = v->probes_left == 0;
	}
	return e;
}

void
rdd_tlsenum_set_width(struct rdd_tlsenum *e, int width)
{
	if (e == NULL)
		return;
	e->width = width < 1                       ? 1
	           : width > RDD_TLSENUM_MAX_WIDTH ? RDD_TLSENUM_MAX_WIDTH
	                                           : width;
}

#define MIN_EARLY 2
#define MIN_PROC_US 250 /* below this a measured time is noise */

int
rdd_tlsenum_early_limit(uint64_t rtt_us, uint64_t proc_us, int limit)
{
	uint64_t proc = proc_us > MIN_PROC_US ? proc_us : MIN_PROC_US;
	uint64_t cap;

	if (limit < MIN_EARLY)
		return limit < 1 ? 1 : limit;
	if (rtt_us == UINT64_MAX || proc > UINT64_MAX / 4)
		return MIN_EARLY; /* nothing known yet, or nonsense: the floor */
	if (rtt_us > UINT64_MAX / 4)
		return limit;
	cap = (2 * rtt_us + 2 * proc - 1) / proc;
	if (cap < MIN_EARLY)
		cap = MIN_EARLY;
	return cap < (uint64_t)limit ? (int)cap : limit;
}

/* Each chain costs one connection more and saves round trips. Measured
 * against the lab's xrdp on a LAN: 1 chain 41 connections ~210 ms, 2
 * chains 44 ~180 ms, 4 chains 47 ~200 ms. */
int
rdd_tlsenum_chain_width(uint64_t rtt_us, uint64_t proc_us)
{
	uint64_t proc = proc_us > MIN_PROC_US ? proc_us : MIN_PROC_US;
	uint64_t w;

	if (rtt_us == UINT64_MAX)
		return RDD_TLSENUM_DEFAULT_WIDTH;
	if (rtt_us > UINT64_MAX / 4)
		return RDD_TLSENUM_MAX_WIDTH;
	w = 2 + 2 * rtt_us / proc;
	return w < RDD_TLSENUM_MAX_WIDTH ? (int)w : RDD_TLSENUM_MAX_WIDTH;
}

/* Items a chain carries at least, times the width: each chain costs the
 * hello that ends it, so a short list is not split as far as a long one.
 * On a LAN (width 2) a chain carries 16 or more: the TLS 1.3 suites a
 * first hello leaves, the groups and the curves go in one chain each,
 * none longer than the two over TLS 1.2's ~150 suites; with 100 ms of
 * delay (width 8), 4 or more. */
#define CHAIN_ITEMS_BY_WIDTH 32

/*
 * Up to K chains over LIST (minus SKIP). Groups: item i in chain i mod K,
 * disjoint parts. Suites (K > 1 only in the client's order, where each
 * answer is the first suite of the hello's list the server accepts):
 * pairs of chains, each pair over part i mod K/2 of the list, one from
 * its start and one from its end. Where the accepted suites lie in the
 * list then does not matter: the two meet in the middle, where disjoint
 * parts could leave one chain with most of them to find alone, one round
 * trip each (against the lab's xrdp with anonymous suites, 7 and 2).
 */
static void
add_chains(struct rdd_tlsenum *e, int vi, bool groups, const uint16_t *list,
           size_t n, const uint16_t *skip, size_t n_skip, int k)
{
	uint16_t rest[MAX_SUITES];
	size_t n_rest = 0, per;
	int parts;

	for (size_t s = 0; s < n && n_rest < MAX_SUITES; s++)
		if (!contains(skip, n_skip, list[s]))
			rest[n_rest++] = list[s];
	if (n_rest == 0)
		return;
	per = CHAIN_ITEMS_BY_WIDTH / (size_t)e->width;
	if (per < 1)
		per = 1;
	if ((size_t)k > (n_rest + per - 1) / per)
		k = (int)((n_rest + per - 1) / per);
	parts = !groups && k > 1 ? k / 2 : k;
	for (int i = 0; i < k && e->n_chains < MAX_CHAINS; i++) {
		struct chain *c = &e->chains[e->n_chains++];
		int part = i % parts;
		bool from_end = i >= parts;

		memset(c, 0, sizeof(*c));
		c->vi = vi;
		c->groups = groups;
		c->partner = -1;
		for (size_t s = (size_t)part; s < n_rest; s += (size_t)parts)
			c->left[c->n_left++] = rest[s];
		if (from_end) {
			for (size_t a = 0, b = c->n_left; a + 1 < b; a++, b--) {
				uint16_t t = c->left[a];

				c->left[a] = c->left[b - 1];
				c->left[b - 1] = t;
			}
			c->partner = e->n_chains - 1 - parts;
			e->chains[c->partner].partner = e->n_chains - 1;
		}
		c->ended = c->n_left == 0;
	}
}

static void
found(struct vstate *v, uint16_t id)
{
	if (!contains(v->found, v->n_found, id) && v->n_found < MAX_SUITES)
		v->found[v->n_found++] = id;
}

static void
group_found(struct rdd_tlsenum *e, uint16_t g)
{
	size_t ng;
	const uint16_t *gl = rdd_tls_groups(&ng);

	if (g != 0 && contains(gl, ng, g) &&
	    !contains(e->groups, e->n_groups, g) &&
	    e->n_groups < RDD_MAX_TLS_GROUPS)
		e->groups[e->n_groups++] = g;
}

static bool
is_found(const struct vstate *v, uint16_t id)
{
	return contains(v->found, v->n_found, id) || v->pick_fw == id ||
	       v->pick_rv == id;
}

static bool
groups13_running(const struct rdd_tlsenum *e)
{
	for (int i = 0; i < e->n_chains; i++)
		if (e->chains[i].groups && e->chains[i].vi == VI_TLS13 &&
		    !e->chains[i].ended && e->chains[i].n_left > 0)
			return true;
	return false;
}

/* The first answers of a version are in: plan its chains. */
static void
plan_chains(struct rdd_tlsenum *e, int vi)
{
	struct vstate *v = &e->v[vi];

	v->probed = true;
	if (v->pick_fw < 0 && v->pick_rv < 0)
		return; /* refused */
	if (v->pick_fw >= 0)
		found(v, (uint16_t)v->pick_fw);
	if (v->pick_rv >= 0)
		found(v, (uint16_t)v->pick_rv);
	/* The server's order if both hellos got the same suite; else the
	 * client's (each got the first it offered of those accepted). The
	 * server's order is learnt one suite after the other; the client's
	 * means nothing, so the list is split. */
	if (v->pick_fw >= 0 && v->pick_rv >= 0)
		v->server_order = v->pick_fw == v->pick_rv ? 1 : 0;
	if (v->server_order == 0)
		for (size_t i = 0; i < v->n_by_curves; i++)
			found(v, v->by_curves[i]);
	if (vi == VI_TLS13 && v->server_order == 0 && groups13_running(e)) {
		v->suites_by_groups = true;
		return;
	}
	add_chains(e, vi, false, v->all, v->n_all, v->found, v->n_found,
	           v->server_order == 0 ? e->width : 1);
}

/*
 * A TLS 1.3 group hello (J) was answered with SUITE. It offered the
 * suites not yet found first, so under the client's order the server
 * chose one of those if it accepts any: a new suite; or a suite found
 * before, and then every suite still not found is refused. Either way
 * the TLS 1.3 suites cost no hello of their own.
 */
static void
suite13_from_group_hello(struct rdd_tlsenum *e, const struct job *j,
                         uint16_t suite)
{
	struct vstate *v = &e->v[VI_TLS13];

	if (!v->suites_by_groups || v->suites_settled)
		return;
	if (contains(j->unknown13, j->n_unknown13, suite))
		found(v, suite);
	else if (is_found(v, suite))
		v->suites_settled = true;
}

/*
 * A curve hello of an older version was answered with SUITE. It offered
 * the ECDHE suites not yet found first, so under the client's order the
 * server chose a new one if it accepts any (with one of the curves
 * offered): found, and the suite chains do not ask for it again. Under
 * the server's order the suites are found in its order by their own
 * chain, so it is kept only while the order is not known.
 */
static void
curve_hello_suite(struct vstate *v, uint16_t suite)
{
	if (!contains(v->all, v->n_all, suite) || is_found(v, suite))
		return;
	if (v->probed) {
		if (v->server_order == 0)
			found(v, suite);
	} else if (!contains(v->by_curves, v->n_by_curves, suite) &&
	           v->n_by_curves < MAX_SUITES) {
		v->by_curves[v->n_by_curves++] = suite;
	}
}

/* The group hellos ended before the TLS 1.3 suites were settled: a
 * chain of their own for the rest. */
static void
suites13_fallback(struct rdd_tlsenum *e)
{
	struct vstate *v = &e->v[VI_TLS13];

	if (!v->suites_by_groups || v->suites_settled || groups13_running(e))
		return;
	v->suites_by_groups = false;
	add_chains(e, VI_TLS13, false, v->all, v->n_all, v->found, v->n_found,
	           e->width);
}

/* TLS 1.3 is accepted: its groups, those not seen yet. */
static void
plan_groups13(struct rdd_tlsenum *e)
{
	uint16_t rev[RDD_MAX_TLS_GROUPS];
	const uint16_t *gl;
	size_t ng;

	if (e->groups13_planned)
		return;
	e->groups13_planned = true;
	gl = rdd_tls_groups(&ng);
	if (ng > RDD_MAX_TLS_GROUPS)
		ng = RDD_MAX_TLS_GROUPS;
	/* From the table's end: see curves_unknown_first. */
	for (size_t i = 0; i < ng; i++)
		rev[i] = gl[ng - 1 - i];
	add_chains(e, VI_TLS13, true, rev, ng, e->groups, e->n_groups,
	           e->width);
}

/* Once the highest older version the server accepts is known, and TLS
 * 1.3's group chains have ended: the curves TLS 1.3 did not show, with
 * that version. */
static void
plan_groups12(struct rdd_tlsenum *e)
{
	uint16_t curves[RDD_MAX_TLS_GROUPS];
	const uint16_t *gl;
	size_t ng, n = 0;
	int vi;

	if (e->groups12_planned)
		return;
	if (e->v[VI_TLS13].pick_fw < 0 && e->v[VI_TLS13].probes_left > 0)
		return; /* TLS 1.3's first hello is still out */
	for (int i = 0; i < e->n_chains; i++)
		if (e->chains[i].groups && !e->chains[i].ended)
			return;
	/* The highest older version accepted; those above it refused. The
	 * versions below it need not be known. */
	for (vi = VI_TLS12; vi >= 0; vi--) {
		if (e->v[vi].pick_fw >= 0)
			break;
		if (e->v[vi].probes_left > 0)
			return; /* not known yet */
	}
	e->groups12_planned = true;
	if (vi < 0)
		return;
	gl = rdd_tls_groups(&ng);
	for (size_t i = ng; i-- > 0 && n < RDD_MAX_TLS_GROUPS;)
		if (gl[i] < 256) /* an elliptic curve */
			curves[n++] = gl[i];
	add_chains(e, vi, true, curves, n, e->groups, e->n_groups, e->width);
}

static bool
build_hello(struct rdd_tlsenum *e, struct rdd_tlsenum_job *out,
            uint16_t version, bool also_older, const uint16_t *suites, size_t n,
            const uint16_t *groups, size_t ng, bool key_share)
{
	struct rdd_tls_hello_params hp;
	struct rdd_buf b;

	memset(&hp, 0, sizeof(hp));
	hp.version = version;
	hp.also_older = also_older;
	hp.suites = suites;
	hp.n_suites = n;
	hp.groups = groups;
	hp.n_groups = ng;
	hp.key_share = key_share;
	hp.server_name = e->has_name ? e->server_name : NULL;
	/* Not secret: a hello that is never finished. */
	for (size_t i = 0; i < sizeof(hp.random); i++) {
		e->seed = e->seed * 1103515245u + 12345u;
		hp.random[i] = (uint8_t)(e->seed >> 16);
	}
	rdd_buf_init(&b, out->hello, sizeof(out->hello));
	if (rdd_tls_build_client_hello(&b, &hp) != 0)
		return false;
	out->hello_len = b.len;
	return true;
}

static bool
build(struct rdd_tlsenum *e, struct rdd_tlsenum_job *out, uint16_t version,
      const uint16_t *suites, size_t n, const uint16_t *groups, size_t ng,
      bool key_share)
{
	return build_hello(e, out, version, false, suites, n, groups, ng,
	                   key_share);
}

/*
 * supported_groups for a suite chain of TLS 1.2 or older: the curves no
 * answer has named yet first, then the named ones, then what a current
 * client offers besides (ffdhe2048-4096). Any curve the server has keeps
 * its ECDHE suites open, so the suite it chooses is the same; and when
 * that is an ECDHE suite, the ServerKeyExchange names a curve, a new one
 * when the server has one (it picks by the client's order unless it
 * prefers its own). Found that way, a curve is not asked for again.
 */
static size_t
curves_unknown_first(const struct rdd_tlsenum *e, uint16_t *out)
{
	static const uint16_t ffdhe[] = {256, 257, 258};
	const uint16_t *gl;
	size_t ng, n = 0;

	gl = rdd_tls_groups(&ng);
	for (int known = 0; known < 2; known++)
		for (size_t i = 0; i < ng && n < RDD_MAX_TLS_GROUPS; i++)
			if (gl[i] < 256 &&
			    contains(e->groups, e->n_groups, gl[i]) == known)
				out[n++] = gl[i];
	for (size_t i = 0; i < 3 && n < RDD_MAX_TLS_GROUPS; i++)
		out[n++] = ffdhe[i];
	return n;
}

static bool
make_job(struct rdd_tlsenum *e, int id, struct rdd_tlsenum_job *out)
{
	struct job *j = &e->jobs[id];
	struct vstate *v = &e->v[j->vi];
	uint16_t tmp[MAX_SUITES];
	size_t n = 0;

	out->id = id;
	switch (j->kind) {
	case J_PROBE:
		for (size_t i = 0; i < v->n_all; i++)
			tmp[i] =
			    j->reversed ? v->all[v->n_all - 1 - i] : v->all[i];
		if (j->vi == VI_TLS13 && !j->reversed) {
			/* TLS 1.2's first hello too (tls12_from_tls13). */
			const struct vstate *v12 = &e->v[VI_TLS12];

			n = v->n_all;
			for (size_t i = 0;
			     i < v12->n_all && n < sizeof(tmp) / sizeof(tmp[0]);
			     i++)
				tmp[n++] = v12->all[i];
			return build_hello(e, out, RDD_TLS_V_TLS13, true, tmp,
			                   n, NULL, 0, true);
		}
		return build(e, out, versions[j->vi], tmp, v->n_all, NULL, 0,
		             true);
	case J_CHAIN: {
		struct chain *c = &e->chains[j->chain];
		uint16_t groups[RDD_MAX_TLS_GROUPS];
		size_t ng;

		if (!c->groups) {
			/* Suites found meanwhile by curve hellos are not
			 * asked for again (as for groups below). */
			for (size_t i = 0; i < v->n_found; i++)
				remove_id(c->left, &c->n_left, v->found[i]);
			if (c->n_left == 0)
				return false;
		}
		if (!c->groups && versions[j->vi] == RDD_TLS_V_TLS13)
			return build(e, out, versions[j->vi], c->left,
			             c->n_left, NULL, 0, true);
		if (!c->groups) {
			ng = curves_unknown_first(e, groups);
			return build(e, out, versions[j->vi], c->left,
			             c->n_left, groups, ng, true);
		}
		/* Groups found meanwhile by other hellos are not asked for
		 * again (no hello of this chain is out: it is being built). */
		for (size_t i = 0; i < e->n_groups; i++)
			remove_id(c->left, &c->n_left, e->groups[i]);
		if (c->n_left == 0)
			return false; /* nothing left: the chain ends here */
		if (versions[j->vi] == RDD_TLS_V_TLS13) {
			/* The suites not yet found first (see
			 * suite13_from_group_hello). */
			j->n_unknown13 = 0;
			for (size_t i = 0; i < v->n_all; i++)
				if (!is_found(v, v->all[i])) {
					tmp[n++] = v->all[i];
					if (j->n_unknown13 < MAX_SUITES13)
						j->unknown13[j->n_unknown13++] =
						    v->all[i];
				}
			for (size_t i = 0; i < v->n_all; i++)
				if (is_found(v, v->all[i]))
					tmp[n++] = v->all[i];
			return build(e, out, RDD_TLS_V_TLS13, tmp, n, c->left,
			             c->n_left, false);
		}
		/* The ECDHE suites not yet found first (see
		 * curve_hello_suite). */
		for (int known = 0; known < 2; known++)
			for (size_t i = 0; i < v->n_all; i++)
				if (rdd_tls_suite_is_ecdhe(v->all[i]) &&
				    is_found(v, v->all[i]) == known)
					tmp[n++] = v->all[i];
		return build(e, out, versions[j->vi], tmp, n, c->left,
		             c->n_left, false);
	}
	}
	return false;
}

static void job_settled(struct rdd_tlsenum *e, const struct job *j,
                        const struct rdd_tlsconn_result *r);

/* Version VI, which waited for a higher version's answer, is asked. */
static void
ask_version(struct rdd_tlsenum *e, int vi)
{
	struct vstate *v = &e->v[vi];

	v->waiting = false;
	if (!enqueue(e, add_job(e, J_PROBE, vi))) {
		v->probes_left = 0;
		v->probed = true;
	}
}

/* Version VI is refused, as the answer to version BY's hello shows. */
static void
imply_refused(struct rdd_tlsenum *e, int vi, int by)
{
	struct vstate *v = &e->v[vi];

	v->waiting = false;
	v->probes_left = 0;
	v->probed = true;
	v->implied_by = versions[by];
}

/* The version R's ServerHello chose, as an index, if it is one of TOP
 * or below with a suite that version can carry; else -1. */
static int
answered_version(const struct rdd_tlsenum *e,
                 const struct rdd_tlsconn_result *r, int top)
{
	int u = r != NULL && r->outcome == RDD_TLSCONN_HELLO
	            ? rdd_tls_version_index(r->version)
	            : -1;

	if (u < 0 || u > top || !contains(e->v[u].all, e->v[u].n_all, r->suite))
		return -1;
	return u;
}

/* R, the answer to a higher version's hello, stands for the first hello
 * of version VI, which waited for it. */
static void
answer_stands_for(struct rdd_tlsenum *e, int vi,
                  const struct rdd_tlsconn_result *r)
{
	int id = add_job(e, J_PROBE, vi);

	e->v[vi].waiting = false;
	if (id < 0) {
		e->v[vi].probes_left = 0;
		e->v[vi].probed = true;
		return;
	}
	e->jobs[id].answered = true;
	job_settled(e, &e->jobs[id], r);
}

/*
 * The first hello of version TOP (TLS 1.2 or older) is answered (R;
 * NULL: it could not be sent): ask the older versions, but only what the
 * answer leaves open. A server answers with the highest version it has
 * up to the client's (RFC 5246 E.1, RFC 4346 E.1: it "MUST" choose it;
 * RFC 8446 4.2.1 the same with supported_versions). So:
 *  - an answer of a lower version U is U's first answer, and says the
 *    versions between are refused: they are not asked ("implied");
 *  - an answer of TOP itself: the next version down is asked, alone,
 *    and its answer decides in the same way;
 *  - a refusal (an alert, a close) of a hello below TLS 1.2, from a
 *    server that answered TLS 1.2's hello with a ServerHello and so is
 *    seen to choose down: every version below is refused too.
 * TLS 1.2's hello without a ServerHello shows nothing of the kind (a
 * server of TLS 1.3 only, or one that fails on versions it does not
 * have), nor does an answer that cannot be read as above: then every
 * version still waiting is asked at once.
 * Against a server of TLS 1.2 and up this costs one hello where it cost
 * three; against TLS 1.0 to 1.2 the same three, TLS 1.0 a round trip
 * later, which is not the longest chain's.
 */
static void
release_below(struct rdd_tlsenum *e, int top,
              const struct rdd_tlsconn_result *r)
{
	bool refusal = r != NULL && (r->outcome == RDD_TLSCONN_ALERT ||
	                             r->outcome == RDD_TLSCONN_CLOSED ||
	                             r->outcome == RDD_TLSCONN_RESET);
	int u = answered_version(e, r, top);

	if (top == VI_TLS12)
		e->chooses_down = u >= 0;
	if (!e->chooses_down || (u < 0 && !refusal)) {
		for (int vi = top - 1; vi >= 0; vi--)
			if (e->v[vi].waiting)
				ask_version(e, vi);
		return;
	}
	if (u == top) {
		if (top > 0 && e->v[top - 1].waiting)
			ask_version(e, top - 1);
		return;
	}
	for (int vi = top - 1; vi > u; vi--)
		if (e->v[vi].waiting)
			imply_refused(e, vi, top);
	if (u >= 0 && e->v[u].waiting)
		answer_stands_for(e, u, r);
}

/*
 * TLS 1.3's first hello, which lists TLS 1.2 in supported_versions and
 * offers its suites after TLS 1.3's, is answered (R; NULL: it could not
 * be sent). A server without TLS 1.3 answers it as TLS 1.2's first hello
 * (RFC 8446 4.2.1: the highest version both have), so against such a
 * server, the usual RDP server until Windows Server 2022, TLS 1.2 costs
 * no hello of its own. A TLS 1.3 answer, or none, says nothing of TLS
 * 1.2: its own hello is sent then, a round trip later.
 */
static void
tls12_from_tls13(struct rdd_tlsenum *e, const struct rdd_tlsconn_result *r)
{
	if (!e->v[VI_TLS12].waiting)
		return;
	if (answered_version(e, r, VI_TLS12) < 0)
		ask_version(e, VI_TLS12);
	else
		answer_stands_for(e, VI_TLS12, r);
}

static bool
hello_of(const struct rdd_tlsconn_result *r, uint16_t version)
{
	return r != NULL && r->outcome == RDD_TLSCONN_HELLO &&
	       r->version == version;
}

/* A first hello is answered (R), or could not be sent (R NULL): learn,
 * and plan what the answer makes due. */
static void
job_settled(struct rdd_tlsenum *e, const struct job *j,
            const struct rdd_tlsconn_result *r)
{
	struct vstate *v = &e->v[j->vi];
	bool hello = hello_of(r, versions[j->vi]);

	if (hello && contains(v->all, v->n_all, r->suite)) {
		/* TLS 1.3's key share, or an older ECDHE ServerKeyExchange's
		 * curve. */
		group_found(e, r->group);
		if (j->reversed) {
			v->pick_rv = r->suite;
		} else {
			int id = add_job(e, J_PROBE, j->vi);

			v->pick_fw = r->suite;
			if (id >= 0) {
				e->jobs[id].reversed = true;
				if (enqueue(e, id))
					v->probes_left++;
			}
			if (j->vi == RDD_TLS_N_VERSIONS - 1)
				plan_groups13(e);
		}
	}
	if (--v->probes_left == 0)
		plan_chains(e, j->vi);
	if (j->vi <= VI_TLS12 && !j->reversed)
		release_below(e, j->vi, r);
	else if (j->vi == VI_TLS13 && !j->reversed)
		tls12_from_tls13(e, r);
}

bool
rdd_tlsenum_next(struct rdd_tlsenum *e, struct rdd_tlsenum_job *job)
{
	/* Chains first: they are the long path. */
	for (int i = 0; i < e->n_chains; i++) {
		struct chain *c = &e->chains[i];
		int id;

		if (c->busy || c->ended)
			continue;
		if (c->n_left == 0) {
			c->ended = true;
			continue;
		}
		id = add_job(e, J_CHAIN, c->vi);
		if (id >= 0)
			e->jobs[id].chain = i;
		if (id < 0 || !make_job(e, id, job)) {
			if (id >= 0)
				e->jobs[id].answered = true;
			c->ended = true;
			suites13_fallback(e);
			plan_groups12(e);
			continue;
		}
		c->busy = true;
		e->outstanding++;
		e->connections++;
		return true;
	}
	while (e->queue_head < e->n_queue) {
		int id = e->queue[e->queue_head++];

		if (!make_job(e, id, job)) {
			e->jobs[id].answered = true;
			job_settled(e, &e->jobs[id], NULL);
			plan_groups12(e);
			return rdd_tlsenum_next(e, job);
		}
		e->outstanding++;
		e->connections++;
		return true;
	}
	return false;
}

void
rdd_tlsenum_answer(struct rdd_tlsenum *e, int id,
                   const struct rdd_tlsconn_result *r)
{
	struct job *j;

	if (id < 0 || id >= e->n_jobs || e->jobs[id].answered)
		return;
	j = &e->jobs[id];
	j->answered = true;
	e->outstanding--;
	if (r->outcome == RDD_TLSCONN_TIMEOUT ||
	    r->outcome == RDD_TLSCONN_NO_TLS ||
	    r->outcome == RDD_TLSCONN_MALFORMED ||
	    r->outcome == RDD_TLSCONN_NOT_TLS)
		e->failed++;
	if (r->outcome == RDD_TLSCONN_HELLO && r->n_certs > 0)
		e->saw_certificate = true;
	if (j->kind == J_CHAIN) {
		struct chain *c = &e->chains[j->chain];
		struct vstate *v = &e->v[j->vi];
		uint16_t got = c->groups ? r->group : r->suite;

		c->busy = false;
		if (hello_of(r, versions[j->vi]) &&
		    contains(c->left, c->n_left, got)) {
			if (c->groups) {
				group_found(e, got);
				if (j->vi == VI_TLS13)
					suite13_from_group_hello(e, j,
					                         r->suite);
				else
					curve_hello_suite(v, r->suite);
			} else {
				found(v, got);
				group_found(e, r->group);
			}
			remove_id(c->left, &c->n_left, got);
			if (c->partner >= 0)
				remove_id(e->chains[c->partner].left,
				          &e->chains[c->partner].n_left, got);
			c->ended = c->ended || c->n_left == 0;
		} else {
			/* A refusal; or, from a pair, the suite its partner
			 * got from the other end meanwhile: either way no
			 * suite of their list is left. */
			c->ended = true;
			if (c->partner >= 0)
				e->chains[c->partner].ended = true;
		}
	} else {
		job_settled(e, j, r);
	}
	suites13_fallback(e);
	plan_groups12(e);
}

bool
rdd_tlsenum_done(const struct rdd_tlsenum *e)
{
	if (e->outstanding > 0 || e->queue_head < e->n_queue)
		return false;
	for (int i = 0; i < e->n_chains; i++)
		if (!e->chains[i].ended && e->chains[i].n_left > 0)
			return false;
	for (int vi = 0; vi < RDD_TLS_N_VERSIONS; vi++)
		if (!e->v[vi].probed)
			return false;
	return true;
}

void
rdd_tlsenum_result(const struct rdd_tlsenum *e, struct rdd_tls_enum_info *out)
{
	const uint16_t *gl;
	size_t ng;

	memset(out, 0, sizeof(*out));
	out->present = true;
	out->connections = e->connections;
	out->failed = e->failed;
	out->saw_certificate = e->saw_certificate;
	for (int vi = 0; vi < RDD_TLS_N_VERSIONS; vi++) {
		const struct vstate *v = &e->v[vi];

		out->tested[vi] = v->probed;
		out->accepted[vi] = v->n_found > 0;
		out->implied[vi] = v->implied_by != 0;
		out->implied_by[vi] = v->implied_by;
		out->server_order[vi] = v->n_found > 1 ? v->server_order : -1;
		for (size_t i = 0;
		     i < v->n_found && out->n_ciphers < RDD_MAX_TLS_CIPHERS;
		     i++) {
			struct rdd_tls_cipher *c =
			    &out->ciphers[out->n_ciphers++];
			const struct rdd_tls_suite *s =
			    rdd_tls_suite_find(v->found[i]);

			c->version = versions[vi];
			c->id = v->found[i];
			strncpy(c->name, s != NULL ? s->name : "unknown",
			        sizeof(c->name) - 1);
			strncpy(c->strength,
			        rdd_tls_strength_name(
			            s != NULL ? s->strength : RDD_TLS_MEDIUM),
			        sizeof(c->strength) - 1);
			c->rank = v->server_order == 1 ? (int)i + 1 : 0;
		}
	}
	/* Groups in the table's order. */
	gl = rdd_tls_groups(&ng);
	for (size_t i = 0; i < ng; i++)
		if (contains(e->groups, e->n_groups, gl[i]))
			out->groups[out->n_groups++] = gl[i];
	out->groups_tested = true;
}

void
rdd_tlsenum_free(struct rdd_tlsenum *e)
{
	free(e);
}
