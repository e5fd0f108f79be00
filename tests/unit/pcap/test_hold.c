/*
 * test_hold.c - lib/pcap/hold.c: segments that wait for the other
 * direction. What is pushed comes out whole and once, the oldest first
 * that the caller's test accepts, within the bounds.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcap/hold.h"

static const struct rdd_tcp_meta meta = {7, 1.5};

static bool
ack_at_most(const struct rdd_hold_seg *s, void *ctx)
{
	return s->ack <= *(const uint32_t *)ctx;
}

static void
test_order_and_pick(void **state)
{
	static const uint8_t a[] = "first", b[] = "second", c[] = "third";
	struct rdd_hold h;
	struct rdd_hold_seg *s;
	uint32_t limit = 150;

	(void)state;
	rdd_hold_init(&h);
	assert_int_equal(rdd_hold_push(&h, 10, 300, 0x18, a, 5, 5, &meta), 0);
	assert_int_equal(rdd_hold_push(&h, 15, 100, 0x18, b, 6, 9, &meta), 0);
	assert_int_equal(rdd_hold_push(&h, 24, 200, 0x19, c, 5, 5, &meta), 0);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.bytes, 16);
	/* Not the oldest: the oldest that may go. */
	s = rdd_hold_take(&h, ack_at_most, &limit);
	assert_non_null(s);
	assert_int_equal(s->seq, 15);
	assert_int_equal(s->cap, 6);
	assert_int_equal(s->wire, 9);
	assert_memory_equal(s->data, "second", 6);
	assert_int_equal(s->meta.frame, 7);
	free(s);
	assert_null(rdd_hold_take(&h, ack_at_most, &limit));
	limit = 300;
	s = rdd_hold_take(&h, ack_at_most, &limit);
	assert_non_null(s);
	assert_int_equal(s->seq, 10);
	free(s);
	h.since = 5;
	s = rdd_hold_take(&h, NULL, NULL);
	assert_non_null(s);
	assert_int_equal(s->seq, 24);
	assert_int_equal(s->flags, 0x19);
	free(s);
	assert_int_equal(h.n, 0);
	assert_int_equal(h.bytes, 0);
	assert_int_equal(h.since, 0); /* empty: the count starts again */
	assert_null(rdd_hold_take(&h, NULL, NULL));
}

static void
test_bounds(void **state)
{
	static uint8_t big[RDD_HOLD_MAX_BYTES];
	struct rdd_hold h;
	int i;

	(void)state;
	rdd_hold_init(&h);
	for (i = 0; i < RDD_HOLD_MAX_SEGS; i++)
		assert_int_equal(
		    rdd_hold_push(&h, (uint32_t)i, 0, 0x10, NULL, 0, 0, &meta),
		    0);
	assert_int_equal(rdd_hold_push(&h, 99, 0, 0x10, NULL, 0, 0, &meta), -1);
	rdd_hold_free(&h);
	assert_int_equal(h.n, 0);
	assert_null(h.head);

	assert_int_equal(
	    rdd_hold_push(&h, 1, 0, 0x18, big, sizeof(big) - 1, 0, &meta), 0);
	assert_int_equal(rdd_hold_push(&h, 2, 0, 0x18, big, 2, 2, &meta), -1);
	assert_int_equal(rdd_hold_push(&h, 2, 0, 0x18, big, 1, 1, &meta), 0);
	assert_int_equal(h.bytes, sizeof(big));
	rdd_hold_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_pick),
	    cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
