/*
 * fuzz_host.c - libFuzzer target for the host state JSON reader
 * (lib/report/host_json.c) and the host diagnosis (lib/diag/rules/host.c).
 *
 * A state that reads is diagnosed, rendered as JSON and text, written
 * and read back with both writers (jansson's, and rdpdoctor-host.exe's
 * by hand): each read must succeed and give the same state.
 * A state that does not read leaves a terminated message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/state_write.h"
#include "rdpdoctor/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rdd_host_state st, again;
	static struct rdd_diagnosis d;
	char err[256], *buf = NULL;
	size_t len = 0, i;
	FILE *out;

	memset(err, 'x', sizeof(err));
	if (rdd_host_state_from_json((const char *)data, size, &st, err,
	                             sizeof(err)) != 0) {
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		return 0;
	}
	rdd_diagnose_host(&st, &d);
	CHECK(d.n_findings <= RDD_MAX_FINDINGS);
	for (i = 0; i < d.n_findings; i++)
		CHECK(memchr(d.findings[i].evidence, '\0',
		             sizeof(d.findings[i].evidence)) != NULL);
	out = open_memstream(&buf, &len);
	CHECK(out != NULL);
	CHECK(rdd_host_state_write_json(out, &st) == 0);
	fclose(out);
	CHECK(rdd_host_state_from_json(buf, len, &again, err, sizeof(err)) ==
	      0);
	CHECK(memcmp(&st, &again, sizeof(st)) == 0);
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &len);
	CHECK(out != NULL);
	CHECK(rdd_host_state_write_plain(out, &st) == 0);
	fclose(out);
	CHECK(rdd_host_state_from_json(buf, len, &again, err, sizeof(err)) ==
	      0);
	CHECK(memcmp(&st, &again, sizeof(st)) == 0);
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &len);
	CHECK(out != NULL);
	CHECK(rdd_report_host_json(out, &st, &d) == 0);
	CHECK(rdd_report_host_text(out, &st, &d, true) == 0);
	fclose(out);
	free(buf);
	return 0;
}
