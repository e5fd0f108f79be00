/*
 * fuzz_host.c - libFuzzer target for the host state JSON reader
 * (lib/report/host_json.c) and the host diagnosis (lib/diag/rules/host.c).
 *
 * A state that reads is diagnosed, rendered as JSON and text, written
 * and read back with both writers (jansson's, and rdpdoctor-host.exe's
 * by hand): each read must succeed and give the same state.
 * The same state is also diagnosed and rendered against a fixed check of
 * its listener (host --check). A state that does not read leaves a
 * terminated message.
 */
#include <stdbool.h>
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
	static struct rdd_diagnosis d, cd;
	static struct rdd_observation obs;
	static bool obs_ready;
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
	buf = NULL;
	/* host --check: the state against a check of its listener that
	 * served another certificate, without NLA, allowing RDP security. */
	if (!obs_ready) {
		rdd_observation_init(&obs);
		snprintf(obs.host, sizeof(obs.host), "127.0.0.1");
		obs.port = 3389;
		obs.phases[RDD_PHASE_TCP].present = true;
		obs.phases[RDD_PHASE_TCP].status = RDD_STATUS_OK;
		obs.security_layer = RDD_SECLAYER_NEGOTIATE;
		obs.nla_required = 0;
		obs.tls.present = true;
		obs.tls.cert.present = true;
		snprintf(obs.tls.cert.sha1, sizeof(obs.tls.cert.sha1), "%s",
		         "0123456789ABCDEF0123456789ABCDEF01234567");
		rdd_diagnose(&obs, &cd);
		obs_ready = true;
	}
	rdd_diagnose_host_check(&st, &obs, &d);
	CHECK(d.n_findings <= RDD_MAX_FINDINGS);
	out = open_memstream(&buf, &len);
	CHECK(out != NULL);
	CHECK(rdd_report_host_check_json(out, &st, &d, &obs, &cd) == 0);
	CHECK(rdd_report_host_check_text(out, &st, &d, &obs, true) == 0);
	fclose(out);
	free(buf);
	return 0;
}
