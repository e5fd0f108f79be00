/*
 * test_memory.c - a capture of a million packets is read in bounded
 * memory (issue 18): a synthetic pcap file of 2,000 RDP connections one
 * after the other (each the X.224 exchange of rdp-to-ssl.pcap frames 4
 * and 6, SSL selected, then 240 TLS records each way and the two FINs),
 * 500 packets each, with one more RDP connection that stays open from
 * the first packet to the last and a non-RDP connection beside every
 * tenth; read through lib/pcap/capture.c. Every connection must come out,
 * and the process's peak resident size may grow by no more than 64 MB
 * (reading keeps the connections open at once, not the capture).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "pcap/capture.h"
#include "pcapgen.h"

#define CONNS 2000
#define RECORDS 244 /* per direction and connection */

/* A TLS application data record of 32 bytes. */
static const uint8_t record[5 + 32] = {0x17, 0x03, 0x03, 0x00, 0x20};

static void
rdp_connection(struct gen *g, uint16_t port, bool close)
{
	uint32_t cs = 1000, ss = 5000;
	int i;

	gen_frame(g, 1, port, 2, 3389, cs, 0, 0x02, NULL, 0);
	gen_frame(g, 2, 3389, 1, port, ss, cs + 1, 0x12, NULL, 0);
	cs++, ss++;
	gen_frame(g, 1, port, 2, 3389, cs, ss, 0x18, ssl_cr, sizeof(ssl_cr));
	cs += sizeof(ssl_cr);
	gen_frame(g, 2, 3389, 1, port, ss, cs, 0x18, gen_x224_cc,
	          sizeof(gen_x224_cc));
	ss += sizeof(gen_x224_cc);
	for (i = 0; i < RECORDS; i++) {
		gen_frame(g, 1, port, 2, 3389, cs, ss, 0x18, record,
		          sizeof(record));
		cs += sizeof(record);
		gen_frame(g, 2, 3389, 1, port, ss, cs, 0x18, record,
		          sizeof(record));
		ss += sizeof(record);
	}
	if (!close)
		return;
	gen_frame(g, 1, port, 2, 3389, cs, ss, 0x11, NULL, 0);
	gen_frame(g, 2, 3389, 1, port, ss, cs + 1, 0x11, NULL, 0);
	/* The last ACKs, six each way. */
	for (i = 0; i < 6; i++) {
		gen_frame(g, 1, port, 2, 3389, cs + 1, ss + 1, 0x10, NULL, 0);
		gen_frame(g, 2, 3389, 1, port, ss + 1, cs + 1, 0x10, NULL, 0);
	}
}

/* A plain HTTP request: a connection that is not RDP. */
static void
other_connection(struct gen *g, uint16_t port)
{
	static const uint8_t get[] = "GET / HTTP/1.1\r\n\r\n";

	gen_frame(g, 3, port, 4, 80, 1, 0, 0x02, NULL, 0);
	gen_frame(g, 4, 80, 3, port, 9, 2, 0x12, NULL, 0);
	gen_frame(g, 3, port, 4, 80, 2, 10, 0x18, get, sizeof(get) - 1);
	gen_frame(g, 3, port, 4, 80, 2 + sizeof(get) - 1, 10, 0x04, NULL, 0);
}

struct count {
	size_t rdp;
	size_t open;
};

static void
counted(void *ctx, struct rdd_pcap_conn *c)
{
	struct count *k = ctx;

	k->rdp++;
	if (c->side[0].fin == false)
		k->open++;
}

/*
 * Under ASan, freed memory waits in a quarantine (256 MB by default) that
 * counts in the resident size. The bound is about rdpdoctor's own memory,
 * so this test keeps the quarantine small; ASan still checks every access.
 */
#if defined(__SANITIZE_ADDRESS__)
#define RDD_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RDD_TEST_ASAN 1
#endif
#endif
#ifdef RDD_TEST_ASAN
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}
#endif

static long
peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
test_million(void **state)
{
	struct rdd_capture_options opt = {.timeout_s = 5};
	struct rdd_capture_stats st;
	struct count k = {0};
	struct gen g;
	char err[256];
	long before;
	int i;

	(void)state;
	gen_open(&g);
	/* The one that stays open: its first packets now, and never a FIN. */
	rdp_connection(&g, 40000, false);
	for (i = 0; i < CONNS; i++) {
		rdp_connection(&g, (uint16_t)(41000 + i), true);
		if (i % 10 == 0)
			other_connection(&g, (uint16_t)(50000 + i));
	}
	assert_true(g.packets >= 1000000);
	rewind(g.f);
	before = peak_kb();
	assert_int_equal(
	    rdd_capture_read(g.f, &opt, counted, &k, &st, err, sizeof(err)), 0);
	assert_int_equal(st.packets, g.packets);
	assert_int_equal(k.rdp, CONNS + 1);
	assert_int_equal(k.open, 1);
	assert_int_equal(st.flows.tcp_flows, CONNS + 1 + CONNS / 10);
	assert_true(peak_kb() - before < 64 * 1024);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_million),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
