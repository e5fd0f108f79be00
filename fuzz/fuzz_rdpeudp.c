/*
 * fuzz_rdpeudp.c - libFuzzer target for lib/wire/rdpeudp.c.
 *
 * The input is read as a SYN or SYN+ACK. Invariants checked with abort():
 * a datagram that parses builds back to 1232 bytes that parse to the same
 * fields, and the responder's answer to a client SYN builds and parses as
 * a SYN+ACK acknowledging the client's ISN.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/rdpeudp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_rdpeudp_syn s, back, r;
	uint8_t out[RDD_RDPEUDP_SYN_LEN];

	if (rdd_rdpeudp_parse_syn(data, size, &s) != 0)
		return 0;
	CHECK(rdd_rdpeudp_build_syn(&s, out, sizeof(out)) ==
	      RDD_RDPEUDP_SYN_LEN);
	CHECK(rdd_rdpeudp_parse_syn(out, sizeof(out), &back) == 0);
	CHECK(memcmp(&s, &back, sizeof(s)) == 0);
	(void)rdd_rdpeudp_version_name(s.version);
	if (rdd_rdpeudp_server_synack(&s, 7, RDD_RDPEUDP_VERSION_3, &r) == 0) {
		CHECK(rdd_rdpeudp_build_syn(&r, out, sizeof(out)) ==
		      RDD_RDPEUDP_SYN_LEN);
		CHECK(rdd_rdpeudp_parse_syn(out, sizeof(out), &back) == 0);
		CHECK(back.sn_source_ack == s.isn);
		CHECK(back.flags & RDD_RDPEUDP_ACK);
	}
	return 0;
}
