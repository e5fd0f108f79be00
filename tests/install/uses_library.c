/*
 * uses_library.c - a program from outside the tree, compiled and linked
 * against the installed rdpdoctor with nothing but what `pkg-config
 * --cflags --libs rdpdoctor` says (tests/install/run.sh). It calls into
 * each part of the library that pulls in a dependency: the tables
 * (lib/diag), the trust store (OpenSSL), the JSON report (jansson), and it
 * links the check (libuv) without running it. Prints one line per result.
 *
 * usage: uses_library CA_FILE MISSING_FILE
 */
#include <stdio.h>
#include <stdlib.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/codes.h"
#include "rdpdoctor/diag.h"
#include "rdpdoctor/report.h"

int
main(int argc, char **argv)
{
	/* Linked in (libuv, OpenSSL), never called: it would connect. */
	int (*volatile run)(const struct rdd_check_options *,
	                    struct rdd_observation *) = rdd_check_run;
	const struct rdd_cause_info *ci;
	const struct rdd_code *code;
	struct rdd_observation *obs;
	struct rdd_diagnosis *diag;
	char err[256] = "";
	void *store;
	FILE *devnull;
	int c, rc;

	if (argc != 3 || run == NULL)
		return 2;
	c = rdd_cause_from_id("tcp-refused");
	ci = c < 0 ? NULL : rdd_cause_info((enum rdd_cause)c);
	code = rdd_code_find(RDD_TABLE_ERRINFO, 7);
	if (ci == NULL || code == NULL)
		return 1;
	printf("cause %s: phase %s\n", ci->id, rdd_phase_name(ci->phase));
	printf("errinfo 7: %s\n", code->name);

	store = rdd_trust_store_load(argv[1], err, sizeof(err));
	printf("ca file: %s\n", store != NULL ? "loaded" : err);
	rdd_trust_store_free(store);
	store = rdd_trust_store_load(argv[2], err, sizeof(err));
	printf("missing file: %s\n",
	       store == NULL && err[0] != '\0' ? "refused" : "loaded");
	rdd_trust_store_free(store);

	obs = calloc(1, sizeof(*obs));
	diag = calloc(1, sizeof(*diag));
	devnull = fopen("/dev/null", "w");
	if (obs == NULL || diag == NULL || devnull == NULL)
		return 1;
	rdd_diagnose(obs, diag);
	rc = rdd_report_json(devnull, obs, diag);
	printf("json report: %s\n", rc == 0 ? "written" : "failed");
	fclose(devnull);
	free(obs);
	free(diag);
	return 0;
}
