/*
 * test_tlsenum.c - lib/probe/tlsenum.c: one enumeration connection fed
 * bytes (the X.224 exchange, then the answer to its ClientHello), and the
 * plan run against simulated servers (which versions, suites in which
 * order, which groups) that read the plan's ClientHellos and answer them
 * as a TLS server would, with a bounded number of hellos in flight.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rdpdoctor/observation.h"
#include "rdpdoctor/tlsenum.h"
#include "wire/cursor.h"
#include "wire/tlshello.h"

/* rdp-no-cookie-mstshash.pcap, frame 9: Connection Confirm selecting
 * HYBRID_EX. */
static const uint8_t cc_hybrid_ex[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00,
                                       0x00, 0x12, 0x34, 0x00, 0x02, 0x1f, 0x08,
                                       0x00, 0x08, 0x00, 0x00, 0x00};
/* The same with RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER. */
static const uint8_t cc_failure[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00,
                                     0x00, 0x12, 0x34, 0x00, 0x03, 0x00, 0x08,
                                     0x00, 0x05, 0x00, 0x00, 0x00};
static const uint8_t alert40[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};

static const uint8_t dummy_hello[] = {0x16, 0x03, 0x01, 0x00, 0x01, 0x01};

static struct rdd_tlsconn *
conn_after_cc(void)
{
	struct rdd_tlsconn *c =
	    rdd_tlsconn_new("user", dummy_hello, sizeof(dummy_hello), 1000);
	const uint8_t *d;
	size_t n;

	assert_non_null(c);
	rdd_tlsconn_start(c, 0);
	n = rdd_tlsconn_pending(c, &d);
	assert_true(n > 11);
	assert_int_equal(d[0], 3); /* TPKT */
	rdd_tlsconn_sent(c, n);
	assert_int_equal(rdd_tlsconn_pending(c, &d), 0);
	rdd_tlsconn_recv(c, cc_hybrid_ex, sizeof(cc_hybrid_ex), 10);
	n = rdd_tlsconn_pending(c, &d);
	assert_int_equal(n, sizeof(dummy_hello));
	assert_memory_equal(d, dummy_hello, n);
	rdd_tlsconn_sent(c, n);
	assert_false(rdd_tlsconn_done(c));
	return c;
}

static void
test_conn_outcomes(void **state)
{
	struct rdd_tlsconn *c;

	(void)state;
	c = conn_after_cc();
	/* The alert a byte at a time. */
	for (size_t i = 0; i < sizeof(alert40); i++) {
		assert_false(rdd_tlsconn_done(c));
		rdd_tlsconn_recv(c, alert40 + i, 1, 20);
	}
	assert_true(rdd_tlsconn_done(c));
	assert_int_equal(rdd_tlsconn_result(c)->outcome, RDD_TLSCONN_ALERT);
	assert_int_equal(rdd_tlsconn_result(c)->alert_desc, 40);
	rdd_tlsconn_free(c);

	c = conn_after_cc();
	rdd_tlsconn_peer_closed(c, true, 20);
	assert_int_equal(rdd_tlsconn_result(c)->outcome, RDD_TLSCONN_RESET);
	rdd_tlsconn_free(c);

	c = conn_after_cc();
	rdd_tlsconn_peer_closed(c, false, 20);
	assert_int_equal(rdd_tlsconn_result(c)->outcome, RDD_TLSCONN_CLOSED);
	rdd_tlsconn_free(c);

	c = conn_after_cc();
	assert_int_equal(rdd_tlsconn_deadline(c), 1010);
	rdd_tlsconn_tick(c, 1009);
	assert_false(rdd_tlsconn_done(c));
	rdd_tlsconn_tick(c, 1010);
	assert_int_equal(rdd_tlsconn_result(c)->outcome, RDD_TLSCONN_TIMEOUT);
	rdd_tlsconn_free(c);

	c = rdd_tlsconn_new(NULL, dummy_hello, sizeof(dummy_hello), 1000);
	rdd_tlsconn_start(c, 0);
	rdd_tlsconn_recv(c, cc_failure, sizeof(cc_failure), 5);
	assert_int_equal(rdd_tlsconn_result(c)->outcome, RDD_TLSCONN_NO_TLS);
	rdd_tlsconn_free(c);

	assert_string_equal(rdd_tlsconn_outcome_name(RDD_TLSCONN_NO_TLS),
	                    "no_tls");
	assert_int_equal(rdd_tls_version_index(RDD_TLS_V_TLS13), 4);
	assert_int_equal(rdd_tls_version_index(0x0200), -1);
}

/* ---- a simulated server ------------------------------------------------ */

struct sim {
	bool version_ok[RDD_TLS_N_VERSIONS];
	const uint16_t *pref[RDD_TLS_N_VERSIONS]; /* accepted, best first */
	size_t n_pref[RDD_TLS_N_VERSIONS];
	bool client_order;
	bool groups_client_order; /* groups by the client's order too */
	const uint16_t *groups;   /* best first */
	size_t n_groups;
	int hellos;
	/* Answers that named no suite and no group not named before. */
	int nothing_new;
	uint16_t named_suites[64], named_groups[32];
	size_t n_named_suites, n_named_groups;
};

struct ch {
	uint16_t version;
	bool v13;             /* supported_versions present */
	uint16_t versions[8]; /* its list */
	size_t n_versions;
	uint16_t suites[512];
	size_t n_suites;
	uint16_t groups[32];
	size_t n_groups;
	uint16_t share; /* key_share group, 0 none */
};

static void
read_client_hello(const uint8_t *p, size_t n, struct ch *h)
{
	struct rdd_cur c, ex;
	uint8_t u8;
	uint16_t u16, len;
	uint32_t u24;

	memset(h, 0, sizeof(*h));
	rdd_cur_init(&c, p, n);
	assert_int_equal(rdd_cur_skip(&c, 5), 0);
	assert_int_equal(rdd_cur_u8(&c, &u8), 0);
	assert_int_equal(u8, 1);
	assert_int_equal(rdd_cur_u24be(&c, &u24), 0);
	assert_int_equal(u24, rdd_cur_left(&c));
	assert_int_equal(rdd_cur_u16be(&c, &h->version), 0);
	assert_int_equal(rdd_cur_skip(&c, 32), 0);
	assert_int_equal(rdd_cur_u8(&c, &u8), 0);
	assert_int_equal(rdd_cur_skip(&c, u8), 0);
	assert_int_equal(rdd_cur_u16be(&c, &len), 0);
	for (size_t i = 0; i < len / 2u; i++)
		assert_int_equal(rdd_cur_u16be(&c, &h->suites[h->n_suites++]),
		                 0);
	assert_int_equal(rdd_cur_u8(&c, &u8), 0);
	assert_int_equal(rdd_cur_skip(&c, u8), 0);
	if (rdd_cur_left(&c) == 0)
		return;
	assert_int_equal(rdd_cur_u16be(&c, &len), 0);
	assert_int_equal(len, rdd_cur_left(&c));
	while (rdd_cur_left(&c) > 0) {
		uint16_t type;

		assert_int_equal(rdd_cur_u16be(&c, &type), 0);
		assert_int_equal(rdd_cur_u16be(&c, &len), 0);
		assert_int_equal(rdd_cur_sub(&c, len, &ex), 0);
		if (type == 43) {
			h->v13 = true;
			assert_int_equal(rdd_cur_u8(&ex, &u8), 0);
			for (size_t i = 0; i < u8 / 2u && i < 8; i++)
				assert_int_equal(
				    rdd_cur_u16be(
				        &ex, &h->versions[h->n_versions++]),
				    0);
		}
		if (type == 10) {
			assert_int_equal(rdd_cur_u16be(&ex, &len), 0);
			for (size_t i = 0; i < len / 2u; i++)
				assert_int_equal(
				    rdd_cur_u16be(&ex,
				                  &h->groups[h->n_groups++]),
				    0);
		}
		if (type == 51) {
			assert_int_equal(rdd_cur_u16be(&ex, &len), 0);
			if (len > 0 && rdd_cur_u16be(&ex, &u16) == 0)
				h->share = u16;
		}
	}
}

static bool
has(const uint16_t *l, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == x)
			return true;
	return false;
}

static uint16_t
sim_group(const struct sim *s, const struct ch *h)
{
	if (s->groups_client_order) {
		for (size_t i = 0; i < h->n_groups; i++)
			if (has(s->groups, s->n_groups, h->groups[i]))
				return h->groups[i];
		return 0;
	}
	for (size_t i = 0; i < s->n_groups; i++)
		if (has(h->groups, h->n_groups, s->groups[i]))
			return s->groups[i];
	return 0;
}

/* The answer to the hello: a ServerHello (with ServerKeyExchange for
 * ECDHE and ServerHelloDone below TLS 1.3) or an alert. */
static struct rdd_tlsconn_result
sim_answer(struct sim *s, const uint8_t *p, size_t n)
{
	struct rdd_tlsconn_result r;
	struct ch h;
	int vi = -1;
	uint16_t pick = 0, group = 0;

	memset(&r, 0, sizeof(r));
	r.alert_desc = -1;
	s->hellos++;
	read_client_hello(p, n, &h);
	/* The highest version both have: from supported_versions when the
	 * hello has it (RFC 8446 4.2.1), else up to legacy_version. */
	for (int i = 4; i >= 0 && vi < 0; i--)
		if (s->version_ok[i] &&
		    (h.v13 ? has(h.versions, h.n_versions,
		                 (uint16_t)(RDD_TLS_V_SSL3 + i))
		           : rdd_tls_version_index(h.version) >= i))
			vi = i;
	if (vi < 0)
		goto alert;
	if (vi == 4) {
		group = sim_group(s, &h);
		if (group == 0)
			goto alert;
	}
	if (s->client_order) {
		for (size_t i = 0; i < h.n_suites && pick == 0; i++)
			if (has(s->pref[vi], s->n_pref[vi], h.suites[i]) &&
			    (vi == 4 || !rdd_tls_suite_is_ecdhe(h.suites[i]) ||
			     sim_group(s, &h) != 0))
				pick = h.suites[i];
	} else {
		for (size_t i = 0; i < s->n_pref[vi] && pick == 0; i++)
			if (has(h.suites, h.n_suites, s->pref[vi][i]) &&
			    (vi == 4 ||
			     !rdd_tls_suite_is_ecdhe(s->pref[vi][i]) ||
			     sim_group(s, &h) != 0))
				pick = s->pref[vi][i];
	}
	if (pick == 0)
		goto alert;
	if (vi < 4 && rdd_tls_suite_is_ecdhe(pick))
		group = sim_group(s, &h);
	if (has(s->named_suites, s->n_named_suites, pick) &&
	    (group == 0 || has(s->named_groups, s->n_named_groups, group)))
		s->nothing_new++;
	if (!has(s->named_suites, s->n_named_suites, pick) &&
	    s->n_named_suites < 64)
		s->named_suites[s->n_named_suites++] = pick;
	if (group != 0 && !has(s->named_groups, s->n_named_groups, group) &&
	    s->n_named_groups < 32)
		s->named_groups[s->n_named_groups++] = group;
	r.outcome = RDD_TLSCONN_HELLO;
	r.version = rdd_tls_version_index(RDD_TLS_V_SSL3 + (uint16_t)vi) >= 0
	                ? (uint16_t)(RDD_TLS_V_SSL3 + vi)
	                : 0;
	r.suite = pick;
	r.group = group;
	r.hrr = vi == 4 && h.share != group;
	r.n_certs = 1;
	return r;
alert:
	r.outcome = RDD_TLSCONN_ALERT;
	r.alert_desc = 40;
	return r;
}

/* Run the plan against S with at most PAR hellos in flight, lists split
 * into WIDTH chains (0: the plan's default). */
static void
run_width(struct sim *s, int par, int width, struct rdd_tls_enum_info *info,
          int *rounds)
{
	struct rdd_tlsenum *e = rdd_tlsenum_new("server.example");
	static struct rdd_tlsenum_job jobs[64];
	int n;

	assert_non_null(e);
	if (width > 0)
		rdd_tlsenum_set_width(e, width);
	*rounds = 0;
	while (!rdd_tlsenum_done(e)) {
		n = 0;
		while (n < par && rdd_tlsenum_next(e, &jobs[n]))
			n++;
		assert_true(n > 0);
		(*rounds)++;
		assert_true(*rounds < 1000);
		for (int i = 0; i < n; i++) {
			struct rdd_tlsconn_result r =
			    sim_answer(s, jobs[i].hello, jobs[i].hello_len);

			rdd_tlsenum_answer(e, jobs[i].id, &r);
		}
	}
	rdd_tlsenum_result(e, info);
	assert_int_equal(info->connections, s->hellos);
	rdd_tlsenum_free(e);
}

static void
run(struct sim *s, int par, struct rdd_tls_enum_info *info, int *rounds)
{
	run_width(s, par, 0, info, rounds);
}

static void
expect_ciphers(const struct rdd_tls_enum_info *info, uint16_t version,
               const uint16_t *ids, size_t n, bool ordered)
{
	size_t k = 0;

	for (size_t i = 0; i < info->n_ciphers; i++) {
		const struct rdd_tls_cipher *c = &info->ciphers[i];

		if (c->version != version)
			continue;
		assert_true(has(ids, n, c->id));
		if (ordered) {
			assert_int_equal(c->id, ids[k]);
			assert_int_equal(c->rank, (int)k + 1);
		}
		k++;
	}
	assert_int_equal(k, n);
}

static const uint16_t xrdp12[] = {0xc030, 0xc02f, 0x009f, 0x009e, 0xc028,
                                  0xc027, 0xc014, 0xc013, 0x009d, 0x009c,
                                  0x003d, 0x003c, 0x0035, 0x002f};
static const uint16_t xrdp13[] = {0x1302, 0x1303, 0x1301};
static const uint16_t groups_default[] = {
    RDD_TLS_GROUP_X25519, RDD_TLS_GROUP_SECP256R1, RDD_TLS_GROUP_X448,
    RDD_TLS_GROUP_SECP521R1, RDD_TLS_GROUP_SECP384R1};

/* S accepts version VI too, with PREF (best first). */
static void
sim_also(struct sim *s, int vi, const uint16_t *pref, size_t n)
{
	s->version_ok[vi] = true;
	s->pref[vi] = pref;
	s->n_pref[vi] = n;
}

/* A server of one version (index VI) accepting PREF (best first), by
 * the client's order or its own, with GROUPS (best first) or none. */
static void
sim_one(struct sim *s, int vi, const uint16_t *pref, size_t n,
        bool client_order, const uint16_t *groups, size_t n_groups)
{
	memset(s, 0, sizeof(*s));
	sim_also(s, vi, pref, n);
	s->client_order = client_order;
	s->groups = groups;
	s->n_groups = n_groups;
}

/* TLS 1.2 and 1.3 with xrdp's suites and OpenSSL's default groups. */
static void
sim_xrdp(struct sim *s, bool client_order)
{
	sim_one(s, 3, xrdp12, sizeof(xrdp12) / 2, client_order, groups_default,
	        5);
	sim_also(s, 4, xrdp13, 3);
}

static void
test_server_order(void **state)
{
	struct sim s;
	struct rdd_tls_enum_info info;
	int rounds;

	(void)state;
	sim_xrdp(&s, false);
	run(&s, 8, &info, &rounds);
	assert_true(info.present);
	assert_false(info.accepted[0] || info.accepted[1] || info.accepted[2]);
	assert_true(info.accepted[3] && info.accepted[4]);
	assert_int_equal(info.server_order[3], 1);
	assert_int_equal(info.server_order[4], 1);
	expect_ciphers(&info, RDD_TLS_V_TLS12, xrdp12, s.n_pref[3], true);
	expect_ciphers(&info, RDD_TLS_V_TLS13, xrdp13, 3, true);
	assert_int_equal(info.n_groups, 5);
	assert_int_equal(info.groups[0], RDD_TLS_GROUP_X25519);
	assert_true(info.saw_certificate);
	assert_int_equal(info.failed, 0);
	/* The chain of TLS 1.2: TLS 1.3's hello (a TLS 1.3 answer says
	 * nothing of TLS 1.2), 2 probes, then one hello per suite left and
	 * the refused one; the rest fits beside it. */
	assert_true(rounds <= (int)s.n_pref[3] + 3);
}

static const uint16_t legacy10[] = {0x002f, 0x0035, 0x000a, 0x0005, 0x0004};

static void
test_client_order_legacy(void **state)
{
	struct sim s;
	struct rdd_tls_enum_info info;
	int rounds, one_at_a_time;

	(void)state;
	sim_one(&s, 1, legacy10, 5, true, NULL, 0);
	run(&s, 8, &info, &rounds);
	assert_true(info.accepted[1]);
	assert_false(info.accepted[0] || info.accepted[2] || info.accepted[3] ||
	             info.accepted[4]);
	assert_int_equal(info.server_order[1], 0);
	expect_ciphers(&info, RDD_TLS_V_TLS10, legacy10, 5, false);
	assert_int_equal(info.n_groups, 0);
	/* TLS 1.3's hello, which lists TLS 1.2 to 1.0 too and stands for
	 * TLS 1.2's, got TLS 1.0: that is TLS 1.0's first answer, and TLS
	 * 1.1 is refused without a hello (RFC 5246 E.1). So: TLS 1.3 (and
	 * 1.2) and SSL 3.0 asked; TLS 1.0 reversed; the three suites left
	 * found by 2 pairs of chains (the default width, 4): one pair gets
	 * two, one from each end, and ends with two refusals; the other
	 * gets its one suite from both ends at once, which ends it; the
	 * curves refused by one hello (at width 4 a chain carries 8 or
	 * more). */
	for (int i = 0; i < RDD_TLS_N_VERSIONS; i++) {
		assert_true(info.tested[i]);
		assert_int_equal(info.implied[i], i == 2);
	}
	assert_int_equal(info.connections, 2 + 1 + (2 + 2 + 2) + 1);
	/* Parallel: fewer rounds than hellos at one at a time. */
	sim_one(&s, 1, legacy10, 5, true, NULL, 0);
	run(&s, 1, &info, &one_at_a_time);
	assert_true(rounds * 2 < one_at_a_time);
}

/* TLS 1.0 and 1.1: TLS 1.3's hello (TLS 1.2's too) gets TLS 1.1, which
 * stands for TLS 1.1's first hello; TLS 1.0 is still asked (nothing
 * implies it). */
static void
test_downgrade(void **state)
{
	struct sim s;
	struct rdd_tls_enum_info info;
	int rounds;

	(void)state;
	sim_one(&s, 1, legacy10, 5, true, NULL, 0);
	sim_also(&s, 2, legacy10, 5);
	run(&s, 8, &info, &rounds);
	assert_false(info.accepted[0] || info.accepted[3] || info.accepted[4]);
	assert_true(info.accepted[1] && info.accepted[2]);
	for (int i = 0; i < RDD_TLS_N_VERSIONS; i++)
		assert_false(info.implied[i]);
	expect_ciphers(&info, RDD_TLS_V_TLS10, legacy10, 5, false);
	expect_ciphers(&info, RDD_TLS_V_TLS11, legacy10, 5, false);
	/* TLS 1.3 (and 1.2), 1.0 and SSL 3.0 asked; TLS 1.1 and 1.0
	 * reversed; for each, the three suites left by two pairs of chains
	 * as in test_client_order_legacy (6 hellos); the curves, with TLS
	 * 1.1, refused by one hello. */
	assert_int_equal(info.connections, 3 + 2 + 2 * 6 + 1);
}

/* Versions below TLS 1.2 are asked one after the other, each answer
 * deciding what the next asks (release_below). */
static void
test_versions_below_tls12(void **state)
{
	static const uint16_t ssl3[] = {0x000a, 0x0005};
	struct sim s;
	struct rdd_tls_enum_info info;
	int rounds;

	(void)state;
	/* TLS 1.2 and 1.3: the TLS 1.1 hello is refused, and so are TLS
	 * 1.0 and SSL 3.0 without a hello of their own. */
	sim_xrdp(&s, false);
	run(&s, 8, &info, &rounds);
	for (int i = 0; i < RDD_TLS_N_VERSIONS; i++)
		assert_true(info.tested[i]);
	assert_false(info.accepted[0] || info.accepted[1] || info.accepted[2]);
	assert_true(info.implied[0] && info.implied[1]);
	assert_false(info.implied[2] || info.implied[3] || info.implied[4]);
	assert_int_equal(info.implied_by[0], RDD_TLS_V_TLS11);
	assert_int_equal(info.implied_by[1], RDD_TLS_V_TLS11);
	assert_int_equal(info.implied_by[2], 0);

	/* TLS 1.0 and 1.2, not 1.1: the TLS 1.1 hello gets TLS 1.0, so it
	 * is refused by its own hello, and that answer is TLS 1.0's first;
	 * SSL 3.0 is still asked. */
	sim_one(&s, 1, legacy10, 5, true, groups_default, 5);
	sim_also(&s, 3, xrdp12, sizeof(xrdp12) / 2);
	run(&s, 8, &info, &rounds);
	assert_true(info.accepted[1] && info.accepted[3]);
	assert_false(info.accepted[0] || info.accepted[2] || info.accepted[4]);
	for (int i = 0; i < RDD_TLS_N_VERSIONS; i++)
		assert_false(info.implied[i]);
	expect_ciphers(&info, RDD_TLS_V_TLS10, legacy10, 5, false);
	expect_ciphers(&info, RDD_TLS_V_TLS12, xrdp12, s.n_pref[3], false);

	/* SSL 3.0 and TLS 1.2 (no real server should, but one may): the
	 * TLS 1.1 hello gets SSL 3.0, which says TLS 1.0 is refused. */
	sim_one(&s, 0, ssl3, 2, false, groups_default, 5);
	sim_also(&s, 3, xrdp12, sizeof(xrdp12) / 2);
	run(&s, 8, &info, &rounds);
	assert_true(info.accepted[0] && info.accepted[3]);
	assert_false(info.accepted[1] || info.accepted[2]);
	assert_true(info.implied[1]);
	assert_int_equal(info.implied_by[1], RDD_TLS_V_TLS11);
	assert_false(info.implied[0] || info.implied[2]);
	expect_ciphers(&info, RDD_TLS_V_SSL3, ssl3, 2, true);

	/* TLS 1.0 to 1.2: each asked, nothing implied. */
	sim_one(&s, 1, legacy10, 5, false, NULL, 0);
	sim_also(&s, 2, legacy10, 5);
	sim_also(&s, 3, legacy10, 5);
	run(&s, 8, &info, &rounds);
	for (int vi = 1; vi <= 3; vi++) {
		assert_true(info.accepted[vi]);
		expect_ciphers(&info, (uint16_t)(RDD_TLS_V_SSL3 + vi), legacy10,
		               5, true);
	}
	for (int i = 0; i < RDD_TLS_N_VERSIONS; i++)
		assert_false(info.implied[i]);
}

static void
test_nothing(void **state)
{
	struct sim s;
	struct rdd_tls_enum_info info;
	int rounds;

	(void)state;
	memset(&s, 0, sizeof(s));
	run(&s, 8, &info, &rounds);
	assert_true(info.present);
	assert_int_equal(info.n_ciphers, 0);
	for (int i = 0; i < RDD_TLS_N_VERSIONS; i++) {
		assert_true(info.tested[i]);
		assert_false(info.accepted[i]);
	}
	assert_false(info.saw_certificate);
	/* A refused version costs one hello, and nothing follows it. TLS
	 * 1.2 is asked once TLS 1.3's refusal is in (it does not say
	 * whether TLS 1.2 would do), and the older versions once TLS 1.2's
	 * is in: all at once, as a server that answers no ServerHello at
	 * all is not seen to choose down. */
	assert_int_equal(info.connections, RDD_TLS_N_VERSIONS);
	assert_int_equal(rounds, 3);
	for (int i = 0; i < RDD_TLS_N_VERSIONS; i++)
		assert_false(info.implied[i]);
}

/* A client-ordered list split into more chains: the same suites and
 * groups, more hellos, fewer rounds. */
static void
test_width(void **state)
{
	struct sim s;
	struct rdd_tls_enum_info narrow, wide;
	int rounds_narrow, rounds_wide, hellos_narrow;

	(void)state;
	sim_xrdp(&s, true);
	run_width(&s, 8, 1, &narrow, &rounds_narrow);
	hellos_narrow = s.hellos;
	s.hellos = 0;
	run_width(&s, 8, RDD_TLSENUM_MAX_WIDTH, &wide, &rounds_wide);
	assert_int_equal(narrow.server_order[3], 0);
	expect_ciphers(&narrow, RDD_TLS_V_TLS12, xrdp12, s.n_pref[3], false);
	expect_ciphers(&wide, RDD_TLS_V_TLS12, xrdp12, s.n_pref[3], false);
	expect_ciphers(&narrow, RDD_TLS_V_TLS13, xrdp13, 3, false);
	expect_ciphers(&wide, RDD_TLS_V_TLS13, xrdp13, 3, false);
	assert_int_equal(narrow.n_groups, 5);
	assert_int_equal(wide.n_groups, 5);
	assert_true(s.hellos > hellos_narrow);
	assert_true(rounds_wide < rounds_narrow);
	/* One chain: a hello per TLS 1.2 suite not found by the first two,
	 * and the one that ends it; the groups the same way (x25519 is
	 * known from the first TLS 1.3 hello), their hellos finding the
	 * third TLS 1.3 suite on the way (the client's order: each offers
	 * the suites not yet found first); three first hellos (TLS 1.3,
	 * 1.2, and 1.1, whose refusal says TLS 1.0 and SSL 3.0 are refused
	 * too), two reversed; and one TLS 1.2 hello that offers the curves
	 * TLS 1.3 did not show (the three brainpool curves, which TLS 1.3
	 * does not carry) and is refused. */
	assert_int_equal(hellos_narrow, 3 + 2 + (14 - 2 + 1) + (5 - 1 + 1) + 1);
}

/* A server with ECDHE suites alone that picks curves by the client's
 * order too: the TLS 1.2 suite hellos name the curves not yet found, and
 * the curve chain, going from the table's end, meets them: the same
 * curves for fewer hellos than when the server names its own favourite
 * every time. */
static void
test_curves_client_order(void **state)
{
	static const uint16_t four[] = {
	    RDD_TLS_GROUP_SECP384R1, RDD_TLS_GROUP_X25519,
	    RDD_TLS_GROUP_SECP521R1, RDD_TLS_GROUP_SECP256R1};
	static const uint16_t ecdhe[] = {0xc030, 0xc02f, 0xc028,
	                                 0xc027, 0xc014, 0xc013};
	struct sim s;
	struct rdd_tls_enum_info info;
	int rounds, server_pref;

	(void)state;
	sim_one(&s, 3, ecdhe, 6, true, four, 4);
	run_width(&s, 8, 2, &info, &rounds);
	server_pref = s.hellos;
	assert_int_equal(info.n_groups, 4);
	expect_ciphers(&info, RDD_TLS_V_TLS12, ecdhe, 6, false);
	s.hellos = 0;
	s.groups_client_order = true;
	run_width(&s, 8, 2, &info, &rounds);
	assert_int_equal(info.n_groups, 4);
	expect_ciphers(&info, RDD_TLS_V_TLS12, ecdhe, 6, false);
	assert_true(s.hellos < server_pref);
}

/* TLS 1.2 alone, the client's order, ECDHE suites and others: the curve
 * hellos offer the ECDHE suites not yet found first, so each of their
 * answers names a new suite while one is left, and the suite chains do
 * not ask for it again, also when the curve hello was answered before
 * the order was known. So no hello is answered with only what earlier
 * ones named (before, a suite chain asked again for the suite the first
 * curve hello had got). */
static void
test_curves_find_suites(void **state)
{
	static const uint16_t mixed[] = {0x002f, 0xc013, 0x0035,
	                                 0xc014, 0x009c, 0xc02f};
	static const uint16_t four[] = {
	    RDD_TLS_GROUP_X25519, RDD_TLS_GROUP_SECP256R1,
	    RDD_TLS_GROUP_SECP384R1, RDD_TLS_GROUP_SECP521R1};
	struct sim s;
	struct rdd_tls_enum_info info;
	int rounds;

	(void)state;
	sim_one(&s, 3, mixed, 6, true, four, 4);
	s.groups_client_order = true;
	/* One suite chain: two from both ends of a list may meet at its
	 * last suite (test_pairs_meet). */
	run_width(&s, 8, 1, &info, &rounds);
	expect_ciphers(&info, RDD_TLS_V_TLS12, mixed, 6, false);
	assert_int_equal(info.server_order[3], 0);
	assert_int_equal(info.n_groups, 4);
	assert_int_equal(s.nothing_new, 0);
}

/* TLS 1.2 alone, the client's order, twelve suites at every other place
 * of the list the chains share out: split into disjoint parts (item i to
 * chain i mod 2) one chain would get all twelve, one round trip each. A
 * pair of chains over one list from both ends meets in the middle. */
static void
test_pairs_meet(void **state)
{
	static uint16_t every_other[12];
	const struct rdd_tls_suite *t;
	struct sim s;
	struct rdd_tls_enum_info info;
	size_t n, k = 0, seen = 0;
	int rounds;

	(void)state;
	t = rdd_tls_suites(&n);
	for (size_t i = 0; i < n && k < 12; i++) {
		if (rdd_tls_suite_is_tls13(t[i].id))
			continue; /* not in TLS 1.2's list */
		if (seen++ % 2 == 0 && seen > 40 &&
		    !rdd_tls_suite_is_ecdhe(t[i].id))
			every_other[k++] = t[i].id;
	}
	assert_int_equal(k, 12);
	sim_one(&s, 3, every_other, 12, true, NULL, 0);
	run_width(&s, 8, 2, &info, &rounds);
	expect_ciphers(&info, RDD_TLS_V_TLS12, every_other, 12, false);
	assert_int_equal(info.server_order[3], 0);
	/* TLS 1.3's hello (answered as TLS 1.2's), then TLS 1.2 reversed
	 * and TLS 1.1, then the pair: ten suites left, five rounds, and the
	 * round that ends it (two refusals, or both ends getting the last
	 * suite), the curve hello beside it: 8 rounds, where disjoint parts
	 * took 13. */
	assert_true(rounds <= 1 + 1 + 5 + 1);
	/* Those 3 first hellos, one per suite left, the two that end the
	 * pair and the curve hello: no more than two disjoint chains. */
	assert_true(info.connections <= 3 + 10 + 2 + 1);
}

/* TLS 1.3 alone, the client's order, two groups: the group hellos end
 * (the second is refused) before the TLS 1.3 suites are settled, so the
 * suites the first two hellos left get a chain of their own after all.
 * (The first group hello is answered before the order is known: its
 * suite is not counted.) */
static void
test_tls13_suites_fallback(void **state)
{
	static const uint16_t two[] = {RDD_TLS_GROUP_X25519,
	                               RDD_TLS_GROUP_SECP256R1};
	struct sim s;
	struct rdd_tls_enum_info info;
	int rounds;

	(void)state;
	sim_one(&s, 4, xrdp13, 3, true, two, 2);
	run_width(&s, 8, 2, &info, &rounds);
	assert_true(info.accepted[4]);
	assert_int_equal(info.server_order[4], 0);
	expect_ciphers(&info, RDD_TLS_V_TLS13, xrdp13, 3, false);
	assert_int_equal(info.n_groups, 2);
	/* Five first hellos (the older ones after TLS 1.2's), the reversed
	 * one, two group hellos, the third suite and the end of its chain. */
	assert_int_equal(info.connections, 5 + 1 + 2 + 2);
}

/* No TLS 1.3: the curves are asked with TLS 1.2 ECDHE hellos, in one
 * chain on a LAN (width 2): a hello per curve found, and the refused
 * one. */
static void
test_curves_without_tls13(void **state)
{
	static const uint16_t two[] = {RDD_TLS_GROUP_SECP384R1,
	                               RDD_TLS_GROUP_SECP256R1};
	struct sim s;
	struct rdd_tls_enum_info info;
	int rounds;

	(void)state;
	sim_one(&s, 3, xrdp12, sizeof(xrdp12) / 2, false, two, 2);
	run_width(&s, 8, 2, &info, &rounds);
	assert_false(info.accepted[4]);
	assert_int_equal(info.n_groups, 2);
	/* In the table's order. */
	assert_int_equal(info.groups[0], RDD_TLS_GROUP_SECP256R1);
	assert_int_equal(info.groups[1], RDD_TLS_GROUP_SECP384R1);
	/* Two first hellos (TLS 1.3's, answered as TLS 1.2's, and TLS
	 * 1.1's; TLS 1.0 and SSL 3.0 implied), the reversed one (server
	 * order: one chain of the 13 suites left and its end), and the
	 * curves: the first (ECDHE) answer named one, the chain finds the
	 * other and ends. */
	assert_int_equal(info.connections, 2 + 1 + (14 - 1 + 1) + (1 + 1));
	/* Wider, the curves are split: each chain ends with a refusal. */
	s.hellos = 0;
	run_width(&s, 8, RDD_TLSENUM_MAX_WIDTH, &info, &rounds);
	assert_int_equal(info.n_groups, 2);
	assert_true(info.connections > 2 + 1 + (14 - 1 + 1) + (1 + 1));
}

/* The pacing from measured times: the lab's xrdp on its LAN (connect
 * 0.2 ms, X.224 answer 1.3 ms beyond it) and with 100 ms of delay. */
static void
test_pacing(void **state)
{
	(void)state;
	assert_int_equal(rdd_tlsenum_early_limit(200, 1300, 8), 2);
	assert_int_equal(rdd_tlsenum_chain_width(200, 1300), 2);
	assert_int_equal(rdd_tlsenum_early_limit(100000, 3000, 8), 8);
	assert_int_equal(rdd_tlsenum_chain_width(100000, 3000), 8);
	/* 10 ms, 5 ms: (20 + 5) / 5 = 5 waiting; 2 + 20 / 5 = 6 chains. */
	assert_int_equal(rdd_tlsenum_early_limit(10000, 5000, 8), 5);
	assert_int_equal(rdd_tlsenum_chain_width(10000, 5000), 6);
	/* A server slow to answer (FreeRDP's shadow: ~100 ms) on a LAN. */
	assert_int_equal(rdd_tlsenum_early_limit(250, 100000, 8), 2);
	/* Nothing measured yet; the limit below the floor; absurd times. */
	assert_int_equal(rdd_tlsenum_early_limit(UINT64_MAX, 0, 8), 2);
	assert_int_equal(rdd_tlsenum_chain_width(UINT64_MAX, 0),
	                 RDD_TLSENUM_DEFAULT_WIDTH);
	assert_int_equal(rdd_tlsenum_early_limit(200, 1300, 1), 1);
	assert_int_equal(rdd_tlsenum_early_limit(0, 0, 8), 2);
	assert_int_equal(rdd_tlsenum_early_limit(UINT64_MAX - 1, 0, 8), 8);
	assert_int_equal(rdd_tlsenum_early_limit(200, UINT64_MAX - 1, 8), 2);
	assert_int_equal(rdd_tlsenum_chain_width(UINT64_MAX - 1, 0),
	                 RDD_TLSENUM_MAX_WIDTH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conn_outcomes),
	    cmocka_unit_test(test_server_order),
	    cmocka_unit_test(test_client_order_legacy),
	    cmocka_unit_test(test_downgrade),
	    cmocka_unit_test(test_versions_below_tls12),
	    cmocka_unit_test(test_nothing),
	    cmocka_unit_test(test_width),
	    cmocka_unit_test(test_curves_client_order),
	    cmocka_unit_test(test_curves_find_suites),
	    cmocka_unit_test(test_pairs_meet),
	    cmocka_unit_test(test_tls13_suites_fallback),
	    cmocka_unit_test(test_curves_without_tls13),
	    cmocka_unit_test(test_pacing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
