/*
 * fuzz_rdpfile.c - libFuzzer target for lib/wire/rdpfile.c, the reader of
 * saved connection files (.rdp).
 *
 * The input is read as a file as it is (its first bytes pick the
 * encoding), then again as UTF-16LE behind a byte-order mark and as UTF-8
 * behind one, so that both decoders see every input. Invariants a crash
 * would not reveal are checked with abort(): the kept problems never
 * exceed the cap or the count, every line number is within the lines
 * read, every kept string is terminated within its field, and the secret
 * settings keep no value. Each parsed file is also given to the gateway
 * choice of `scan` (lib/scan/gateway_pick.c): a gateway it picks fits its
 * buffer, is not empty and has a port, and the file's choice only ever
 * comes with gatewayusagemethod:i:1.
 */
#include <stdlib.h>
#include <string.h>

#include "scan/gateway_pick.h"
#include "wire/rdpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static struct rdd_rdpfile f;

static void
check_gateway(void)
{
	char host[64], err[128];
	uint16_t port = 0;
	int src;

	memset(host, 'X', sizeof(host));
	src = rdd_scan_gateway_pick(NULL, 0, &f, host, sizeof(host), &port, err,
	                            sizeof(err));
	CHECK(src == -1 || src == RDD_SCAN_GW_NONE || src == RDD_SCAN_GW_FILE);
	if (src == RDD_SCAN_GW_FILE) {
		CHECK(f.v[RDD_RDPK_GATEWAYUSAGEMETHOD].i == 1);
		CHECK(memchr(host, '\0', sizeof(host)) != NULL);
		CHECK(host[0] != '\0' && port != 0);
	}
	if (src == -1)
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
}

static void
check_file(const uint8_t *p, size_t n)
{
	size_t total = rdd_rdpfile_parse(p, n, &f), i;

	CHECK(total == f.n_problems_total);
	CHECK(f.n_problems <= RDD_RDPFILE_MAX_PROBLEMS);
	CHECK(f.n_problems <= f.n_problems_total);
	CHECK(f.settings <= f.lines);
	for (i = 0; i < f.n_problems; i++) {
		CHECK(f.problems[i].line >= 1 && f.problems[i].line <= f.lines);
		CHECK(memchr(f.problems[i].name, '\0',
		             sizeof(f.problems[i].name)) != NULL);
		CHECK(rdd_rdpfile_problem_id(f.problems[i].kind)[0] != '?');
	}
	for (i = 0; i < RDD_RDPK_COUNT; i++) {
		if (!f.v[i].set)
			continue;
		CHECK(f.v[i].line >= 1 && f.v[i].line <= f.lines);
		CHECK(memchr(f.v[i].s, '\0', sizeof(f.v[i].s)) != NULL);
	}
	CHECK(f.v[RDD_RDPK_GATEWAYACCESSTOKEN].s[0] == '\0');
	CHECK(f.v[RDD_RDPK_PASSWORD51].s[0] == '\0');
	check_gateway();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;

	check_file(data, size);
	if (size > 4096)
		return 0;
	buf = malloc(size + 3);
	if (buf == NULL)
		return 0;
	buf[0] = 0xFF;
	buf[1] = 0xFE;
	memcpy(buf + 2, data, size);
	check_file(buf, size + 2);
	buf[0] = 0xEF;
	buf[1] = 0xBB;
	buf[2] = 0xBF;
	memcpy(buf + 3, data, size);
	check_file(buf, size + 3);
	free(buf);
	return 0;
}
