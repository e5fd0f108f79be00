/*
 * test_store.c - lib/pcap/store.c: a connection and its diagnosis come
 * back from the temporary file as they went in, in the order of their
 * first packet, a replaced one as replaced; a record that does not decode
 * to exactly the two structs is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pcap/store.h"

/* A record with something in it everywhere the store could lose it:
 * the first and last bytes of both structs, strings, a finding. */
static struct rdd_pcap_conn *
filled(double start, const char *summary)
{
	struct rdd_pcap_conn *c = rdd_pcap_conn_new();

	assert_non_null(c);
	c->start = start;
	c->first_frame = (uint64_t)start;
	c->kind = RDD_PCAP_KIND_TCP;
	c->status = RDD_PCAP_FAILED;
	c->status_phase = RDD_PHASE_TLS;
	snprintf(c->ending, sizeof(c->ending), "the server closed (FIN)");
	snprintf(c->obs.host, sizeof(c->obs.host), "10.0.0.%d", (int)start);
	c->obs.gateway.present = true; /* in its last member */
	rdd_pcap_evidence_add(c, "x224 connection confirm", 4, 1.5, false);
	c->diag->n_findings = 1;
	c->diag->findings[0].severity = RDD_SEV_CRITICAL;
	snprintf(c->diag->findings[0].evidence,
	         sizeof(c->diag->findings[0].evidence), "alert 40");
	c->diag->status = RDD_VERDICT_CRITICAL;
	c->diag->failed_phase = RDD_PHASE_TLS;
	snprintf(c->diag->summary, sizeof(c->diag->summary), "%s", summary);
	c->diag->client_error.present = true; /* in its last member */
	return c;
}

/* A and B hold the same record and diagnosis (the index aside). */
static void
assert_same(const struct rdd_pcap_conn *a, const struct rdd_pcap_conn *b)
{
	assert_memory_equal(&a->obs, &b->obs, sizeof(a->obs));
	assert_memory_equal(a->evidence, b->evidence, sizeof(a->evidence));
	assert_int_equal(a->n_evidence, b->n_evidence);
	assert_string_equal(a->ending, b->ending);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->status_phase, b->status_phase);
	assert_true(a->start == b->start);
	assert_memory_equal(a->diag, b->diag, sizeof(*a->diag));
}

static void
test_round_trip(void **state)
{
	struct rdd_pcap_store *s = rdd_pcap_store_new();
	struct rdd_pcap_conn *late = filled(20, "late"),
	                     *early = filled(10, "early"),
	                     *back = rdd_pcap_conn_new();
	struct rdd_diagnosis *own;

	(void)state;
	assert_non_null(s);
	assert_non_null(back);
	own = back->diag;
	assert_int_equal(rdd_pcap_store_add(s, late), 0);
	assert_int_equal(rdd_pcap_store_add(s, early), 0);
	assert_int_equal(rdd_pcap_store_count(s), 2);
	rdd_pcap_store_sort(s);

	assert_int_equal(rdd_pcap_store_get(s, 0, back), 0);
	assert_ptr_equal(back->diag, own); /* not the writer's pointer */
	assert_int_equal(back->index, 1);
	assert_same(back, early);
	assert_string_equal(back->diag->summary, "early");
	assert_int_equal(rdd_pcap_store_get(s, 1, back), 0);
	assert_int_equal(back->index, 2);
	assert_same(back, late);

	/* A replaced record reads back as the replacement. */
	snprintf(back->diag->summary, sizeof(back->diag->summary), "put");
	back->diag->findings[0].evidence[0] = 'A';
	assert_int_equal(rdd_pcap_store_put(s, 1, back), 0);
	assert_int_equal(rdd_pcap_store_get(s, 1, early), 0);
	assert_same(early, back);
	assert_string_equal(early->diag->summary, "put");
	assert_int_equal(rdd_pcap_store_get(s, 2, back), -1);

	rdd_pcap_conn_free(late);
	rdd_pcap_conn_free(early);
	rdd_pcap_conn_free(back);
	rdd_pcap_store_free(s);
}

/* An all-zero record is the smallest: one chunk per struct. */
static void
test_empty_record(void **state)
{
	struct rdd_pcap_store *s = rdd_pcap_store_new();
	struct rdd_pcap_conn *c = rdd_pcap_conn_new(), *back = filled(1, "x");

	(void)state;
	assert_non_null(s);
	assert_non_null(c);
	c->obs.gateway.present = false;
	assert_int_equal(rdd_pcap_store_add(s, c), 0);
	assert_int_equal(rdd_pcap_store_get(s, 0, back), 0);
	assert_same(back, c);
	rdd_pcap_conn_free(c);
	rdd_pcap_conn_free(back);
	rdd_pcap_store_free(s);
}

static void
test_copy(void **state)
{
	struct rdd_pcap_conn *a = filled(5, "copied"), *b = rdd_pcap_conn_new();
	struct rdd_diagnosis *own;

	(void)state;
	assert_non_null(b);
	own = b->diag;
	rdd_pcap_conn_copy(b, a);
	assert_ptr_equal(b->diag, own);
	assert_same(b, a);
	rdd_pcap_conn_free(a); /* B's diagnosis is its own */
	assert_string_equal(b->diag->summary, "copied");
	rdd_pcap_conn_free(b);
	rdd_pcap_conn_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_empty_record),
	    cmocka_unit_test(test_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
