/*
 * tlsenum.c - the TLS enumeration (tlsenum.h): one connection per
 * ClientHello, and the plan that chooses the ClientHellos.
 *
 * The plan, per version (SSL 3.0 .. TLS 1.3), all versions at once:
 *   1. two hellos with every suite that version can carry, in the table's
 *      order and reversed. No answer: the version is refused. The same
 *      suite twice: the server chooses by its own order; two different
 *      ones: it follows the client's.
 *   2. server order: one chain, each hello offering the suites not yet
 *      chosen, so each answer is the next suite in the server's order
 *      (what sslscan does, one version after another). Client order: the
 *      order means nothing, so the suites are found by eight chains over
 *      disjoint parts of the list at once.
 *   A chain ends at the first hello that gets no ServerHello of that
 *   version (an alert, a close, or a lower version).
 * Groups, independent of the above and so all at once from the start:
 * one TLS 1.3 hello per group, offering that group alone without a key
 * share (a supported group gets a HelloRetryRequest naming it, x25519 a
 * ServerHello), and for the elliptic curves one TLS 1.2 hello offering
 * the ECDHE suites and that curve alone (the ServerKeyExchange names it).
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
#define N_CHUNKS 8

enum job_kind { J_PROBE, J_CHAIN, J_GROUP13, J_GROUP12 };

struct chain {
	int vi;
	uint16_t left[MAX_SUITES]; /* suites still to offer */
	size_t n_left;
	bool busy;  /* a hello is out */
	bool ended; /* no more hellos */
};

struct job {
	enum job_kind kind;
	int vi;    /* J_PROBE, J_CHAIN */
	int chain; /* J_CHAIN */
	bool reversed;
	uint16_t group;
	bool answered;
};

/* Per version. */
struct vstate {
	uint16_t all[MAX_SUITES]; /* what this version can carry */
	size_t n_all;
	int probes_left;      /* of the two first hellos */
	int pick_fw, pick_rv; /* suite chosen, -1 none */
	bool probed;          /* both first answers in */
	int first_chain, n_chains;
	uint16_t found[MAX_SUITES]; /* in the order found */
	size_t n_found;
	int server_order;
};

struct rdd_tlsenum {
	char server_name[256];
	bool has_name;
	struct vstate v[RDD_TLS_N_VERSIONS];
	struct chain chains[RDD_TLS_N_VERSIONS * N_CHUNKS];
	int n_chains;
	struct job jobs[MAX_JOBS];
	int n_jobs;
	int outstanding;
	/* Jobs not tied to a chain, not yet handed out. */
	int queue[64];
	int n_queue, queue_head;
	uint16_t groups[RDD_MAX_TLS_GROUPS];
	size_t n_groups;
	uint16_t ecdhe[MAX_SUITES];
	size_t n_ecdhe;
	int connections, failed;
	bool saw_certificate;
	uint32_t seed;
};

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

static void
enqueue(struct rdd_tlsenum *e, int id)
{
	if (id >= 0 &&
	    e->n_queue < (int)(sizeof(e->queue) / sizeof(e->queue[0])))
		e->queue[e->n_queue++] = id;
}

struct rdd_tlsenum *
rdd_tlsenum_new(const char *server_name)
{
	struct rdd_tlsenum *e = calloc(1, sizeof(*e));
	const struct rdd_tls_suite *t;
	const uint16_t *gl;
	size_t n, ng;

	if (e == NULL)
		return NULL;
	if (server_name != NULL &&
	    strlen(server_name) < sizeof(e->server_name)) {
		strcpy(e->server_name, server_name);
		e->has_name = true;
	}
	e->seed = 0x2545f491u;
	t = rdd_tls_suites(&n);
	for (int vi = 0; vi < RDD_TLS_N_VERSIONS; vi++) {
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
		v->probes_left = 2;
		for (int r = 0; r < 2; r++) {
			int id = add_job(e, J_PROBE, vi);

			if (id >= 0)
				e->jobs[id].reversed = r == 1;
			enqueue(e, id);
		}
	}
	for (size_t i = 0; i < n && e->n_ecdhe < MAX_SUITES; i++)
		if (rdd_tls_suite_is_ecdhe(t[i].id))
			e->ecdhe[e->n_ecdhe++] = t[i].id;
	gl = rdd_tls_groups(&ng);
	for (size_t i = 0; i < ng; i++) {
		int id = add_job(e, J_GROUP13, RDD_TLS_N_VERSIONS - 1);

		if (id >= 0)
			e->jobs[id].group = gl[i];
		enqueue(e, id);
		if (gl[i] < 256) { /* an elliptic curve: also TLS 1.2 ECDHE */
			id = add_job(e, J_GROUP12, 3);
			if (id >= 0)
				e->jobs[id].group = gl[i];
			enqueue(e, id);
		}
	}
	return e;
}

static bool
build(struct rdd_tlsenum *e, struct rdd_tlsenum_job *out, uint16_t version,
      const uint16_t *suites, size_t n, const uint16_t *groups, size_t ng,
      bool key_share)
{
	struct rdd_tls_hello_params hp;
	struct rdd_buf b;

	memset(&hp, 0, sizeof(hp));
	hp.version = version;
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
make_job(struct rdd_tlsenum *e, int id, struct rdd_tlsenum_job *out)
{
	struct job *j = &e->jobs[id];
	struct vstate *v = &e->v[j->vi];
	uint16_t tmp[MAX_SUITES];

	out->id = id;
	switch (j->kind) {
	case J_PROBE:
		for (size_t i = 0; i < v->n_all; i++)
			tmp[i] =
			    j->reversed ? v->all[v->n_all - 1 - i] : v->all[i];
		return build(e, out, versions[j->vi], tmp, v->n_all, NULL, 0,
		             true);
	case J_CHAIN: {
		struct chain *c = &e->chains[j->chain];

		return build(e, out, versions[j->vi], c->left, c->n_left, NULL,
		             0, true);
	}
	case J_GROUP13:
		return build(e, out, RDD_TLS_V_TLS13, e->v[4].all,
		             e->v[4].n_all, &j->group, 1,
		             j->group == RDD_TLS_GROUP_X25519);
	case J_GROUP12:
		return build(e, out, RDD_TLS_V_TLS12, e->ecdhe, e->n_ecdhe,
		             &j->group, 1, false);
	}
	return false;
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
		if (id < 0) {
			c->ended = true;
			continue;
		}
		e->jobs[id].chain = i;
		if (!make_job(e, id, job)) {
			e->jobs[id].answered = true;
			c->ended = true;
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
			if (e->jobs[id].kind == J_PROBE)
				e->v[e->jobs[id].vi].probes_left--;
			continue;
		}
		e->outstanding++;
		e->connections++;
		return true;
	}
	return false;
}

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

static void
found(struct vstate *v, uint16_t id)
{
	if (!contains(v->found, v->n_found, id) && v->n_found < MAX_SUITES)
		v->found[v->n_found++] = id;
}

/* Both first hellos of a version answered: plan its chains. */
static void
plan_chains(struct rdd_tlsenum *e, int vi)
{
	struct vstate *v = &e->v[vi];
	int k;

	v->probed = true;
	if (v->pick_fw < 0 && v->pick_rv < 0)
		return; /* refused */
	if (v->pick_fw >= 0)
		found(v, (uint16_t)v->pick_fw);
	if (v->pick_rv >= 0)
		found(v, (uint16_t)v->pick_rv);
	/* The server's order if both hellos got the same suite; else the
	 * client's (each got the first it offered of those accepted). */
	if (v->pick_fw >= 0 && v->pick_rv >= 0)
		v->server_order = v->pick_fw == v->pick_rv ? 1 : 0;
	k = v->server_order == 0 ? N_CHUNKS : 1;
	v->first_chain = e->n_chains;
	for (int i = 0; i < k && e->n_chains < (int)(sizeof(e->chains) /
	                                             sizeof(e->chains[0]));
	     i++) {
		struct chain *c = &e->chains[e->n_chains];

		memset(c, 0, sizeof(*c));
		c->vi = vi;
		for (size_t s = (size_t)i; s < v->n_all; s += (size_t)k)
			if (!contains(v->found, v->n_found, v->all[s]))
				c->left[c->n_left++] = v->all[s];
		e->n_chains++;
		v->n_chains++;
	}
}

static bool
hello_of(const struct rdd_tlsconn_result *r, uint16_t version)
{
	return r->outcome == RDD_TLSCONN_HELLO && r->version == version;
}

void
rdd_tlsenum_answer(struct rdd_tlsenum *e, int id,
                   const struct rdd_tlsconn_result *r)
{
	struct job *j;
	struct vstate *v;

	if (id < 0 || id >= e->n_jobs || e->jobs[id].answered)
		return;
	j = &e->jobs[id];
	j->answered = true;
	e->outstanding--;
	v = &e->v[j->vi];
	if (r->outcome == RDD_TLSCONN_TIMEOUT ||
	    r->outcome == RDD_TLSCONN_NO_TLS ||
	    r->outcome == RDD_TLSCONN_MALFORMED ||
	    r->outcome == RDD_TLSCONN_NOT_TLS)
		e->failed++;
	if (r->outcome == RDD_TLSCONN_HELLO && r->n_certs > 0)
		e->saw_certificate = true;
	switch (j->kind) {
	case J_PROBE:
		if (hello_of(r, versions[j->vi]) &&
		    contains(v->all, v->n_all, r->suite)) {
			if (j->reversed)
				v->pick_rv = r->suite;
			else
				v->pick_fw = r->suite;
		}
		if (--v->probes_left == 0)
			plan_chains(e, j->vi);
		break;
	case J_CHAIN: {
		struct chain *c = &e->chains[j->chain];

		c->busy = false;
		if (hello_of(r, versions[j->vi]) &&
		    contains(c->left, c->n_left, r->suite)) {
			found(v, r->suite);
			remove_id(c->left, &c->n_left, r->suite);
		} else {
			c->ended = true;
		}
		break;
	}
	case J_GROUP13:
		if (r->outcome == RDD_TLSCONN_HELLO &&
		    r->version == RDD_TLS_V_TLS13 && r->group == j->group)
			goto group_ok;
		break;
	case J_GROUP12:
		if (r->outcome == RDD_TLSCONN_HELLO && r->group == j->group)
			goto group_ok;
		break;
	}
	return;
group_ok:
	if (!contains(e->groups, e->n_groups, j->group) &&
	    e->n_groups < RDD_MAX_TLS_GROUPS)
		e->groups[e->n_groups++] = j->group;
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
