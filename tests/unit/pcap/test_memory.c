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

#define CONNS 2000
#define RECORDS 244 /* per direction and connection */

/* rdp-to-ssl.pcap frame 4 (the client's Connection Request) and frame 6
 * (the server's Confirm, selected HYBRID) as TCP payloads; here the
 * Confirm selects SSL (byte 15: 0x01). */
static const uint8_t cr[] = {
    0x03, 0x00, 0x00, 0x2f, 0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43,
    0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68,
    0x61, 0x73, 0x68, 0x3d, 0x41, 0x57, 0x41, 0x4b, 0x45, 0x43, 0x4f, 0x44,
    0x49, 0x0d, 0x0a, 0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00,
};
static const uint8_t cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x01, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
};

struct gen {
	FILE *f;
	uint32_t sec;
	uint32_t usec;
	uint64_t packets;
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One Ethernet/IPv4/TCP frame from HOST_A:PA (10.0.0.A) to HOST_B:PB. */
static void
frame(struct gen *g, uint8_t a, uint16_t pa, uint8_t b, uint16_t pb,
      uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *data, size_t n)
{
	uint8_t hdr[16], pkt[14 + 20 + 20 + 64];
	size_t len = 14 + 20 + 20 + n;

	assert_true(n <= 64);
	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08;
	pkt[14] = 0x45;
	put16(pkt + 16, (uint16_t)(20 + 20 + n));
	pkt[22] = 64;
	pkt[23] = 6;
	pkt[26] = 10, pkt[29] = a;
	pkt[30] = 10, pkt[33] = b;
	put16(pkt + 34, pa);
	put16(pkt + 36, pb);
	put32(pkt + 38, seq);
	put32(pkt + 42, ack);
	pkt[46] = 0x50;
	pkt[47] = flags;
	put16(pkt + 48, 65535);
	if (n > 0)
		memcpy(pkt + 54, data, n);
	g->usec += 100;
	if (g->usec >= 1000000) {
		g->usec -= 1000000;
		g->sec++;
	}
	le32(hdr, g->sec);
	le32(hdr + 4, g->usec);
	le32(hdr + 8, (uint32_t)len);
	le32(hdr + 12, (uint32_t)len);
	assert_int_equal(fwrite(hdr, 16, 1, g->f), 1);
	assert_int_equal(fwrite(pkt, len, 1, g->f), 1);
	g->packets++;
}

/* A TLS application data record of 32 bytes. */
static const uint8_t record[5 + 32] = {0x17, 0x03, 0x03, 0x00, 0x20};

static void
rdp_connection(struct gen *g, uint16_t port, bool close)
{
	uint32_t cs = 1000, ss = 5000;
	int i;

	frame(g, 1, port, 2, 3389, cs, 0, 0x02, NULL, 0);
	frame(g, 2, 3389, 1, port, ss, cs + 1, 0x12, NULL, 0);
	cs++, ss++;
	frame(g, 1, port, 2, 3389, cs, ss, 0x18, cr, sizeof(cr));
	cs += sizeof(cr);
	frame(g, 2, 3389, 1, port, ss, cs, 0x18, cc, sizeof(cc));
	ss += sizeof(cc);
	for (i = 0; i < RECORDS; i++) {
		frame(g, 1, port, 2, 3389, cs, ss, 0x18, record,
		      sizeof(record));
		cs += sizeof(record);
		frame(g, 2, 3389, 1, port, ss, cs, 0x18, record,
		      sizeof(record));
		ss += sizeof(record);
	}
	if (!close)
		return;
	frame(g, 1, port, 2, 3389, cs, ss, 0x11, NULL, 0);
	frame(g, 2, 3389, 1, port, ss, cs + 1, 0x11, NULL, 0);
	frame(g, 1, port, 2, 3389, cs + 1, ss + 1, 0x10, NULL, 0);
	frame(g, 2, 3389, 1, port, ss + 1, cs + 1, 0x10, NULL, 0);
	frame(g, 1, port, 2, 3389, cs + 1, ss + 1, 0x10, NULL, 0);
	frame(g, 2, 3389, 1, port, ss + 1, cs + 1, 0x10, NULL, 0);
	frame(g, 1, port, 2, 3389, cs + 1, ss + 1, 0x10, NULL, 0);
	frame(g, 2, 3389, 1, port, ss + 1, cs + 1, 0x10, NULL, 0);
	frame(g, 1, port, 2, 3389, cs + 1, ss + 1, 0x10, NULL, 0);
	frame(g, 2, 3389, 1, port, ss + 1, cs + 1, 0x10, NULL, 0);
	frame(g, 1, port, 2, 3389, cs + 1, ss + 1, 0x10, NULL, 0);
	frame(g, 2, 3389, 1, port, ss + 1, cs + 1, 0x10, NULL, 0);
	frame(g, 1, port, 2, 3389, cs + 1, ss + 1, 0x10, NULL, 0);
	frame(g, 2, 3389, 1, port, ss + 1, cs + 1, 0x10, NULL, 0);
}

/* A plain HTTP request: a connection that is not RDP. */
static void
other_connection(struct gen *g, uint16_t port)
{
	static const uint8_t get[] = "GET / HTTP/1.1\r\n\r\n";

	frame(g, 3, port, 4, 80, 1, 0, 0x02, NULL, 0);
	frame(g, 4, 80, 3, port, 9, 2, 0x12, NULL, 0);
	frame(g, 3, port, 4, 80, 2, 10, 0x18, get, sizeof(get) - 1);
	frame(g, 3, port, 4, 80, 2 + sizeof(get) - 1, 10, 0x04, NULL, 0);
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
	static const uint8_t head[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0,
	                                 0,    0,    0,    0,    0, 0, 0, 0,
	                                 0xff, 0xff, 0,    0,    1, 0, 0, 0};
	struct rdd_capture_options opt = {.timeout_s = 5};
	struct rdd_capture_stats st;
	struct count k = {0};
	struct gen g = {0};
	char err[256];
	long before;
	int i;

	(void)state;
	g.f = tmpfile();
	assert_non_null(g.f);
	g.sec = 1700000000;
	assert_int_equal(fwrite(head, sizeof(head), 1, g.f), 1);
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
