/*
 * fuzz_tlshello.c - libFuzzer target for lib/wire/tlshello.c: the reader
 * of the server's first flight, and the ClientHello builder with
 * fuzz-chosen versions, suites and groups.
 *
 * Checked with abort(): the leaf certificate lies inside the scratch
 * buffer; a flight that reads as a hello still does with a byte appended
 * and reads the same; a built hello is one record whose lengths agree.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/tlshello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static uint8_t scratch[20000];
static uint8_t scratch2[20000];

static void
build(const uint8_t *data, size_t size)
{
	static const uint16_t versions[] = {RDD_TLS_V_SSL3, RDD_TLS_V_TLS10,
	                                    RDD_TLS_V_TLS11, RDD_TLS_V_TLS12,
	                                    RDD_TLS_V_TLS13};
	struct rdd_tls_hello_params hp;
	uint16_t ids[64], gl[16];
	uint8_t out[1024];
	struct rdd_buf b;
	struct rdd_cur c;
	uint8_t sel;

	rdd_cur_init(&c, data, size);
	if (rdd_cur_u8(&c, &sel) != 0)
		return;
	memset(&hp, 0, sizeof(hp));
	hp.version = versions[sel % 5];
	hp.key_share = (sel & 0x80) != 0;
	while (hp.n_suites < 64 && rdd_cur_u16be(&c, &ids[hp.n_suites]) == 0 &&
	       ids[hp.n_suites] != 0)
		hp.n_suites++;
	while (hp.n_groups < 16 && rdd_cur_u16be(&c, &gl[hp.n_groups]) == 0)
		hp.n_groups++;
	hp.suites = ids;
	hp.groups = (sel & 0x40) ? gl : NULL;
	hp.server_name = (sel & 0x20) ? "host.example" : NULL;
	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_tls_build_client_hello(&b, &hp) != 0) {
		CHECK(hp.n_suites == 0 || b.err);
		return;
	}
	CHECK(b.len >= 9 && out[0] == 0x16 && out[5] == 1);
	CHECK((size_t)(out[3] << 8 | out[4]) == b.len - 5);
	CHECK((size_t)(out[6] << 16 | out[7] << 8 | out[8]) == b.len - 9);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_tls_flight f, g;
	enum rdd_tls_flight_status st;

	st = rdd_tls_flight_parse(data, size, scratch, sizeof(scratch), &f);
	if (f.cert != NULL) {
		CHECK(f.cert >= scratch &&
		      f.cert_len <=
		          sizeof(scratch) - (size_t)(f.cert - scratch));
		CHECK(f.n_certs > 0);
	}
	if (st == RDD_TLSF_HELLO && size < 16384) {
		static uint8_t more[16385];

		memcpy(more, data, size);
		more[size] = 0x16;
		CHECK(rdd_tls_flight_parse(more, size + 1, scratch2,
		                           sizeof(scratch2),
		                           &g) == RDD_TLSF_HELLO);
		CHECK(g.suite == f.suite && g.version == f.version &&
		      g.hrr == f.hrr);
	}
	build(data, size);
	return 0;
}
