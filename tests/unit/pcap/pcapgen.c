/*
 * pcapgen.c - synthetic pcap files for the unit tests (pcapgen.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pcapgen.h"

const uint8_t gen_x224_cc[19] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x01, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void
gen_open(struct gen *g)
{
	static const uint8_t head[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0,
	                                 0,    0,    0,    0,    0, 0, 0, 0,
	                                 0xff, 0xff, 0,    0,    1, 0, 0, 0};

	memset(g, 0, sizeof(*g));
	g->f = tmpfile();
	assert_non_null(g->f);
	g->sec = 1700000000;
	assert_int_equal(fwrite(head, sizeof(head), 1, g->f), 1);
}

void
gen_frame(struct gen *g, uint8_t a, uint16_t pa, uint8_t b, uint16_t pb,
          uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *data,
          size_t n)
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
