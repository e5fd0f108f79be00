/*
 * test_tcpdir.c - lib/pcap/tcpdir.c: one direction of a TCP connection put
 * back in order: in order, out of order, retransmitted, overlapping,
 * holes the peer acknowledged (after the grace), holes at the end, before
 * a FIN, snap-length cuts, sequence numbers that wrap, a capture that
 * starts mid-stream, and the limits on what waits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcap/packet.h"
#include "pcap/tcpdir.h"

/* What the sink saw: bytes (a hole as '#'s), and each hole's size and
 * frame. */
struct rec {
	char out[4096];
	size_t n;
	size_t gaps;
	size_t gap_bytes;
	uint64_t gap_frame[16];
	uint64_t last_frame;
};

static void
on_data(void *ctx, const uint8_t *p, size_t n, const struct rdd_tcp_meta *m)
{
	struct rec *r = ctx;

	assert_true(n <= sizeof(r->out) - r->n);
	memcpy(r->out + r->n, p, n);
	r->n += n;
	r->last_frame = m->frame;
}

static void
on_gap(void *ctx, size_t n, const struct rdd_tcp_meta *m)
{
	struct rec *r = ctx;

	if (r->gaps < 16)
		r->gap_frame[r->gaps] = m->frame;
	r->gaps++;
	r->gap_bytes += n;
	if (n <= sizeof(r->out) - r->n) {
		memset(r->out + r->n, '#', n);
		r->n += n;
	}
}

struct t {
	struct rdd_tcpdir d;
	struct rec r;
	struct rdd_tcpdir_sink sink;
	uint64_t frame;
};

static void
start(struct t *t)
{
	memset(t, 0, sizeof(*t));
	rdd_tcpdir_init(&t->d);
	t->sink.data = on_data;
	t->sink.gap = on_gap;
	t->sink.ctx = &t->r;
}

static void
seg(struct t *t, uint32_t seq, uint8_t flags, const char *s)
{
	struct rdd_tcp_meta m = {++t->frame, (double)t->frame};
	size_t n = strlen(s);

	rdd_tcpdir_segment(&t->d, seq, flags, (const uint8_t *)s, n, n, &m,
	                   &t->sink);
}

static void
ack(struct t *t, uint32_t a)
{
	struct rdd_tcp_meta m = {++t->frame, (double)t->frame};

	rdd_tcpdir_peer_ack(&t->d, a, &m, &t->sink);
}

static void
flush(struct t *t)
{
	struct rdd_tcp_meta m = {++t->frame, (double)t->frame};

	rdd_tcpdir_flush(&t->d, &m, &t->sink);
}

static void
expect(struct t *t, const char *s)
{
	assert_int_equal(t->r.n, strlen(s));
	assert_memory_equal(t->r.out, s, t->r.n);
}

static void
test_in_order(void **state)
{
	struct t t;

	(void)state;
	start(&t);
	seg(&t, 1000, RDD_TCP_SYN, "");
	seg(&t, 1001, RDD_TCP_ACK, "abc");
	seg(&t, 1004, RDD_TCP_ACK | RDD_TCP_PSH, "def");
	seg(&t, 1007, RDD_TCP_ACK | RDD_TCP_FIN, "");
	flush(&t);
	expect(&t, "abcdef");
	assert_true(t.d.syn);
	assert_false(t.d.midstream);
	assert_true(rdd_tcpdir_fin_reached(&t.d));
	assert_int_equal(t.d.stats.bytes, 6);
	assert_int_equal(t.d.stats.gaps, 0);
	rdd_tcpdir_free(&t.d);
}

static void
test_out_of_order_and_repeats(void **state)
{
	struct t t;

	(void)state;
	start(&t);
	seg(&t, 1000, RDD_TCP_SYN, "");
	seg(&t, 1004, RDD_TCP_ACK, "def");
	seg(&t, 1004, RDD_TCP_ACK, "def"); /* the early one again */
	expect(&t, "");
	seg(&t, 1001, RDD_TCP_ACK, "abc");
	expect(&t, "abcdef");
	assert_int_equal(t.r.last_frame,
	                 2);                /* the first "def" kept its frame */
	seg(&t, 1001, RDD_TCP_ACK, "abc");  /* a retransmission */
	seg(&t, 1005, RDD_TCP_ACK, "efgh"); /* overlaps "ef" */
	expect(&t, "abcdefgh");
	assert_int_equal(t.d.stats.ooo, 1);
	assert_int_equal(t.d.stats.retrans, 2);
	assert_int_equal(t.d.stats.overlaps, 1);
	rdd_tcpdir_free(&t.d);
}

/* A hole the peer acknowledged: declared once the grace has passed, and
 * what came after it is delivered. */
static void
test_hole_acknowledged(void **state)
{
	struct t t;
	int i;

	(void)state;
	start(&t);
	seg(&t, 1000, RDD_TCP_SYN, "");
	seg(&t, 1001, RDD_TCP_ACK, "abc");
	seg(&t, 1007, RDD_TCP_ACK, "ghi"); /* "def" is never captured */
	ack(&t, 1010);                     /* within the grace: wait */
	expect(&t, "abc");
	for (i = 0; i < RDD_TCPDIR_ACK_GRACE; i++)
		ack(&t, 1010);
	expect(&t, "abc###ghi");
	assert_int_equal(t.r.gaps, 1);
	assert_int_equal(t.r.gap_bytes, 3);
	assert_int_equal(t.r.gap_frame[0], 3); /* the segment after it */
	assert_int_equal(t.d.stats.first_gap_frame, 3);
	rdd_tcpdir_free(&t.d);
}

/* The end of the connection: what waits goes out after its hole, and a
 * hole before the FIN is one too. */
static void
test_flush(void **state)
{
	struct t t;

	(void)state;
	start(&t);
	seg(&t, 1000, RDD_TCP_SYN, "");
	seg(&t, 1001, RDD_TCP_ACK, "abc");
	seg(&t, 1007, RDD_TCP_ACK, "ghi");
	seg(&t, 1013, RDD_TCP_ACK | RDD_TCP_FIN, "");
	flush(&t);
	expect(&t, "abc###ghi###");
	assert_int_equal(t.r.gaps, 2);
	assert_true(rdd_tcpdir_fin_reached(&t.d));
	rdd_tcpdir_free(&t.d);
}

/* A segment of 10 bytes of which the capture kept 4. */
static void
test_snap_cut(void **state)
{
	struct rdd_tcp_meta m = {2, 2};
	struct t t;

	(void)state;
	start(&t);
	seg(&t, 1000, RDD_TCP_SYN, "");
	rdd_tcpdir_segment(&t.d, 1001, RDD_TCP_ACK,
	                   (const uint8_t *)"abcdefghij", 4, 10, &m, &t.sink);
	seg(&t, 1011, RDD_TCP_ACK, "k");
	expect(&t, "abcd######k");
	assert_int_equal(t.r.gap_bytes, 6);
	rdd_tcpdir_free(&t.d);
}

/* Sequence numbers that wrap past 2^32. */
static void
test_wrap(void **state)
{
	struct t t;

	(void)state;
	start(&t);
	seg(&t, 0xFFFFFFFDu, RDD_TCP_SYN, "");
	seg(&t, 0x00000001u, RDD_TCP_ACK, "de"); /* early */
	seg(&t, 0xFFFFFFFEu, RDD_TCP_ACK, "abc");
	expect(&t, "abcde");
	rdd_tcpdir_free(&t.d);
}

/* No SYN: the first segment sets where the stream starts; a stray RST
 * before it does not. */
static void
test_midstream(void **state)
{
	struct t t;

	(void)state;
	start(&t);
	seg(&t, 77, RDD_TCP_RST, "");
	assert_false(t.d.started);
	seg(&t, 5000, RDD_TCP_ACK, "xyz");
	seg(&t, 5003, RDD_TCP_ACK, "!");
	expect(&t, "xyz!");
	assert_true(t.d.midstream);
	rdd_tcpdir_free(&t.d);
}

/* A SYN seen after an early segment moves the stream's start past it:
 * the segment is stale, and the end of the capture must not wait on a
 * hole before it forever (a hang found by fuzz_pcap). */
static void
test_syn_after_early_segment(void **state)
{
	struct t t;

	(void)state;
	start(&t);
	seg(&t, 5000, RDD_TCP_ACK, "");    /* starts the stream, no byte */
	seg(&t, 5010, RDD_TCP_ACK, "xyz"); /* early: waits for 5000-5009 */
	seg(&t, 6000, RDD_TCP_SYN, "");    /* no byte yet: restarts at 6001 */
	assert_int_equal(t.d.next, 6001);
	flush(&t);
	expect(&t, "");
	assert_null(t.d.ooo);
	seg(&t, 6001, RDD_TCP_ACK, "ok");
	expect(&t, "ok");
	rdd_tcpdir_free(&t.d);
}

/* More early segments than may wait: holes are declared to make room,
 * no byte is delivered twice, nothing leaks (ASan). */
static void
test_limits(void **state)
{
	struct t t;
	char one[2] = "x";
	uint32_t i;

	(void)state;
	start(&t);
	seg(&t, 0, RDD_TCP_SYN, "");
	/* Every other byte, never the first: 600 segments waiting. */
	for (i = 0; i < RDD_TCPDIR_OOO_SEGS + 88; i++)
		seg(&t, 3 + 2 * i, RDD_TCP_ACK, one);
	assert_true(t.d.n_ooo <= RDD_TCPDIR_OOO_SEGS);
	assert_true(t.r.gaps > 0);
	flush(&t);
	assert_int_equal(t.d.stats.bytes, RDD_TCPDIR_OOO_SEGS + 88);
	/* Bytes 1 to 2n+1: n of them seen, the others holes. */
	assert_int_equal(t.d.stats.bytes + t.d.stats.gap_bytes,
	                 2 * (RDD_TCPDIR_OOO_SEGS + 88) + 1);
	rdd_tcpdir_free(&t.d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_order),
	    cmocka_unit_test(test_out_of_order_and_repeats),
	    cmocka_unit_test(test_hole_acknowledged),
	    cmocka_unit_test(test_flush),
	    cmocka_unit_test(test_snap_cut),
	    cmocka_unit_test(test_wrap),
	    cmocka_unit_test(test_midstream),
	    cmocka_unit_test(test_syn_after_early_segment),
	    cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
