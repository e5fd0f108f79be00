/*
 * test_flows.c - who closed a connection first, as lib/pcap/flows.c and
 * the observer read it: a close that acknowledged the other side's FIN
 * came after it, even where the capture shows the two FINs the other way
 * round (a span port or merged captures can swap packets a fraction of a
 * millisecond apart; a lab capture's reordered copy did). Synthetic
 * captures: the client's X.224 Connection Request (rdp-to-ssl.pcap frame
 * 4), then no Confirm: one side closes, the other answers its FIN. And
 * the same reordering of data: a server's Confirm captured before the
 * Request it answers is read after it (lib/pcap/hold.c). And the table
 * itself: hundreds of connections at once, followed as it grows.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcap/capture.h"
#include "pcapgen.h"

#define CS 1000u /* the client's initial sequence number */
#define SS 5000u

struct one {
	int n;
	struct rdd_pcap_conn c;
};

static void
keep(void *ctx, struct rdd_pcap_conn *conn)
{
	struct one *o = ctx;

	o->n++;
	memcpy(&o->c, conn, sizeof(*conn));
	o->c.diag = NULL; /* freed with CONN; these tests do not read it */
}

/* The handshake and the Connection Request, acknowledged. */
static void
opening(struct gen *g)
{
	gen_frame(g, 1, 40000, 2, 3389, CS, 0, GEN_SYN, NULL, 0);
	gen_frame(g, 2, 3389, 1, 40000, SS, CS + 1, GEN_SYN | GEN_ACK, NULL, 0);
	gen_frame(g, 1, 40000, 2, 3389, CS + 1, SS + 1, GEN_ACK | GEN_PSH,
	          ssl_cr, sizeof(ssl_cr));
	gen_frame(g, 2, 3389, 1, 40000, SS + 1, CS + 1 + sizeof(ssl_cr),
	          GEN_ACK, NULL, 0);
}

/* Each side's FIN; ANSWERED_BY_CLIENT: the client's acknowledges the
 * server's (the server closed first), else the other way round.
 * CLIENT_FIN_FIRST: the client's is the earlier in the capture. */
static void
closing(struct gen *g, bool answered_by_client, bool client_fin_first)
{
	uint32_t cfin = CS + 1 + sizeof(ssl_cr), sfin = SS + 1;
	uint32_t cack = answered_by_client ? sfin + 1 : sfin;
	uint32_t sack = answered_by_client ? cfin : cfin + 1;
	int i;

	for (i = 0; i < 2; i++) {
		if ((i == 0) == client_fin_first)
			gen_frame(g, 1, 40000, 2, 3389, cfin, cack,
			          GEN_FIN | GEN_ACK, NULL, 0);
		else
			gen_frame(g, 2, 3389, 1, 40000, sfin, sack,
			          GEN_FIN | GEN_ACK, NULL, 0);
	}
	/* The last ACK, of the FIN that came second. */
	if (answered_by_client)
		gen_frame(g, 2, 3389, 1, 40000, sfin + 1, cfin + 1, GEN_ACK,
		          NULL, 0);
	else
		gen_frame(g, 1, 40000, 2, 3389, cfin + 1, sfin + 1, GEN_ACK,
		          NULL, 0);
}

static void
read_one(bool answered_by_client, bool client_fin_first, struct one *o)
{
	struct rdd_capture_options opt = {.timeout_s = 5};
	struct rdd_capture_stats st;
	struct gen g;
	char err[256];

	gen_open(&g); /* rdd_capture_read closes it */
	opening(&g);
	closing(&g, answered_by_client, client_fin_first);
	rewind(g.f);
	memset(o, 0, sizeof(*o));
	assert_int_equal(
	    rdd_capture_read(g.f, &opt, keep, o, &st, err, sizeof(err)), 0);
	assert_int_equal(o->n, 1);
}

/* The server closed after the Connection Request; the client answered. */
static void
assert_server_closed(const struct one *o)
{
	assert_int_equal(o->c.status, RDD_PCAP_FAILED);
	assert_int_equal(o->c.status_phase, RDD_PHASE_X224);
	assert_non_null(strstr(o->c.ending, "the server closed (FIN)"));
}

static void
assert_client_closed(const struct one *o)
{
	assert_int_equal(o->c.status, RDD_PCAP_CLIENT_CLOSED);
	assert_non_null(strstr(o->c.ending, "the client closed (FIN)"));
}

static void
test_server_first_in_order(void **state)
{
	struct one o;

	(void)state;
	read_one(true, false, &o);
	assert_server_closed(&o);
}

/* What failed in the lab: the client's answer captured first. */
static void
test_server_first_swapped(void **state)
{
	struct one o;

	(void)state;
	read_one(true, true, &o);
	assert_server_closed(&o);
}

static void
test_client_first_in_order(void **state)
{
	struct one o;

	(void)state;
	read_one(false, true, &o);
	assert_client_closed(&o);
}

static void
test_client_first_swapped(void **state)
{
	struct one o;

	(void)state;
	read_one(false, false, &o);
	assert_client_closed(&o);
}

/* The Confirm captured first: it acknowledges the Request, so it waits
 * for it, and the connection is RDP with SSL selected (read in capture
 * order, the server would have spoken first: not RDP at all). */
static void
test_confirm_before_request(void **state)
{
	struct rdd_capture_options opt = {.timeout_s = 5};
	struct rdd_capture_stats st;
	uint32_t cend = CS + 1 + sizeof(ssl_cr),
	         send = SS + 1 + sizeof(gen_x224_cc);
	struct gen g;
	struct one o;
	char err[256];

	(void)state;
	gen_open(&g);
	gen_frame(&g, 1, 40000, 2, 3389, CS, 0, GEN_SYN, NULL, 0);
	gen_frame(&g, 2, 3389, 1, 40000, SS, CS + 1, GEN_SYN | GEN_ACK, NULL,
	          0);
	gen_frame(&g, 1, 40000, 2, 3389, CS + 1, SS + 1, GEN_ACK, NULL, 0);
	gen_frame(&g, 2, 3389, 1, 40000, SS + 1, cend, GEN_ACK | GEN_PSH,
	          gen_x224_cc, sizeof(gen_x224_cc));
	gen_frame(&g, 1, 40000, 2, 3389, CS + 1, SS + 1, GEN_ACK | GEN_PSH,
	          ssl_cr, sizeof(ssl_cr));
	gen_frame(&g, 1, 40000, 2, 3389, cend, send, GEN_FIN | GEN_ACK, NULL,
	          0);
	gen_frame(&g, 2, 3389, 1, 40000, send, cend + 1, GEN_FIN | GEN_ACK,
	          NULL, 0);
	gen_frame(&g, 1, 40000, 2, 3389, cend + 1, send + 1, GEN_ACK, NULL, 0);
	rewind(g.f);
	memset(&o, 0, sizeof(o));
	assert_int_equal(
	    rdd_capture_read(g.f, &opt, keep, &o, &st, err, sizeof(err)), 0);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.c.obs.attempts[0].x224, RDD_X224_RSP);
	assert_int_equal(o.c.obs.attempts[0].selected, RDD_PROTO_SSL);
	assert_string_equal(o.c.cli.cookie, "AWAKECODI");
}

struct many {
	int n, ssl; /* connections reported; of them, SSL selected */
};

static void
count_ssl(void *ctx, struct rdd_pcap_conn *conn)
{
	struct many *m = ctx;

	m->n++;
	if (conn->obs.attempts[0].x224 == RDD_X224_RSP &&
	    conn->obs.attempts[0].selected == RDD_PROTO_SSL &&
	    strcmp(conn->cli.cookie, "AWAKECODI") == 0)
		m->ssl++;
}

/* MANY connections open at once (their SYNs first), so that the flow
 * table grows while they are followed (it starts at 64 buckets): each
 * connection's later packets still find it, and each is read whole. */
#define MANY 600
static void
test_table_grows(void **state)
{
	struct rdd_capture_options opt = {.timeout_s = 5};
	struct rdd_capture_stats st;
	uint32_t cend = CS + 1 + sizeof(ssl_cr),
	         send = SS + 1 + sizeof(gen_x224_cc);
	struct many m = {0, 0};
	struct gen g;
	char err[256];
	int i;

	(void)state;
	gen_open(&g);
	for (i = 0; i < MANY; i++)
		gen_frame(&g, 1, (uint16_t)(20000 + i), 2, 3389, CS, 0, GEN_SYN,
		          NULL, 0);
	for (i = 0; i < MANY; i++) {
		uint16_t p = (uint16_t)(20000 + i);

		gen_frame(&g, 2, 3389, 1, p, SS, CS + 1, GEN_SYN | GEN_ACK,
		          NULL, 0);
		gen_frame(&g, 1, p, 2, 3389, CS + 1, SS + 1, GEN_ACK | GEN_PSH,
		          ssl_cr, sizeof(ssl_cr));
		gen_frame(&g, 2, 3389, 1, p, SS + 1, cend, GEN_ACK | GEN_PSH,
		          gen_x224_cc, sizeof(gen_x224_cc));
	}
	for (i = 0; i < MANY; i++) {
		uint16_t p = (uint16_t)(20000 + i);

		gen_frame(&g, 1, p, 2, 3389, cend, send, GEN_FIN | GEN_ACK,
		          NULL, 0);
		gen_frame(&g, 2, 3389, 1, p, send, cend + 1, GEN_FIN | GEN_ACK,
		          NULL, 0);
		gen_frame(&g, 1, p, 2, 3389, cend + 1, send + 1, GEN_ACK, NULL,
		          0);
	}
	rewind(g.f);
	assert_int_equal(
	    rdd_capture_read(g.f, &opt, count_ssl, &m, &st, err, sizeof(err)),
	    0);
	assert_int_equal(m.n, MANY);
	assert_int_equal(m.ssl, MANY);
	assert_int_equal(st.flows.tcp_flows, MANY);
	assert_int_equal(st.flows.peak_flows, MANY);
	assert_int_equal(st.flows.evicted, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_server_first_in_order),
	    cmocka_unit_test(test_server_first_swapped),
	    cmocka_unit_test(test_client_first_in_order),
	    cmocka_unit_test(test_client_first_swapped),
	    cmocka_unit_test(test_confirm_before_request),
	    cmocka_unit_test(test_table_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
