/*
 * scan_hooks.c - the history of `rdpdoctor scan --db FILE` (scan_hooks.h):
 * every host's document stored as the scan goes, the scan marked complete
 * only when it was not interrupted, and --diff against the previous one.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "scan/history_diff.h"
#include "scan_hooks.h"

int
scan_hooks_db_open(struct scan_hooks *h, const char *path, const char *args)
{
	char err[RDD_HISTORY_ERR_MAX];

	if (rdd_history_open(path, NULL, &h->db, err, sizeof(err)) !=
	    RDD_HISTORY_OK) {
		fprintf(stderr, "rdpdoctor: --db: %s\n", err);
		return -1;
	}
	if (rdd_history_scan_begin(h->db, time(NULL), args, &h->scan_id) !=
	    RDD_HISTORY_OK) {
		fprintf(stderr, "rdpdoctor: --db: %s\n",
		        rdd_history_errmsg(h->db));
		rdd_history_close(h->db);
		h->db = NULL;
		return -1;
	}
	return 0;
}

int
scan_hooks_policy(struct scan_hooks *h, const char *spec)
{
	char err[RDD_POLICY_ERR_MAX];

	h->policy = strcmp(spec, "baseline") == 0
	                ? rdd_policy_builtin()
	                : rdd_policy_load_file(spec, err, sizeof(err));
	if (h->policy == NULL) {
		fprintf(stderr, "rdpdoctor: --policy: %s\n",
		        strcmp(spec, "baseline") == 0 ? "out of memory" : err);
		return -1;
	}
	return 0;
}

int
scan_hooks_drift(struct scan_hooks *h)
{
	h->drift = rdd_drift_new();
	return h->drift != NULL ? 0 : -1;
}

void
scan_hooks_drift_report(struct scan_hooks *h, FILE *out)
{
	if (h->drift == NULL || out == NULL)
		return;
	fputs("\nDrift:\n", out);
	rdd_drift_text(out, h->drift);
	fflush(out);
}

void
scan_hooks_free(struct scan_hooks *h)
{
	rdd_policy_free(h->policy);
	rdd_drift_free(h->drift);
	h->policy = NULL;
	h->drift = NULL;
}

void
scan_hooks_on_doc(void *ctx, size_t index, void *doc)
{
	struct scan_hooks *h = ctx;

	(void)index;
	if (h->policy != NULL &&
	    rdd_policy_evaluate(h->policy, doc, &h->result) == 0) {
		rdd_policy_tally_add(&h->tally, &h->result);
		json_object_set_new(
		    doc, "policy",
		    rdd_policy_result_json(h->policy, &h->result));
	}
	if (h->drift != NULL)
		(void)rdd_drift_add(h->drift, doc);
	if (h->db == NULL)
		return;
	/* The host as checked (a CIDR's every address is its own host). */
	if (rdd_history_add(h->db, h->scan_id, NULL, doc) != RDD_HISTORY_OK) {
		if (h->db_errors++ == 0)
			snprintf(h->db_error, sizeof(h->db_error), "%s",
			         rdd_history_errmsg(h->db));
	}
}

int
scan_hooks_db_close(struct scan_hooks *h, bool interrupted, bool diff,
                    FILE *out)
{
	struct rdd_history_diff d;
	int rc = 0;

	if (h->db == NULL)
		return 0;
	if (h->db_errors > 0) {
		fprintf(
		    stderr, "rdpdoctor: --db: %zu result%s not stored: %s\n",
		    h->db_errors, h->db_errors == 1 ? "" : "s", h->db_error);
		rc = -1;
	}
	/* An interrupted scan stays incomplete: diffs skip it. */
	if (!interrupted &&
	    rdd_history_scan_end(h->db, h->scan_id, time(NULL)) !=
	        RDD_HISTORY_OK) {
		fprintf(stderr, "rdpdoctor: --db: %s\n",
		        rdd_history_errmsg(h->db));
		rc = -1;
	}
	if (diff && rc == 0 && !interrupted) {
		memset(&d, 0, sizeof(d));
		if (rdd_history_diff(h->db, 0, 0, -1, &d) == RDD_HISTORY_OK)
			rdd_history_diff_text(out, &d);
		else
			fprintf(out, "No diff: %s\n",
			        rdd_history_errmsg(h->db));
		rdd_history_diff_free(&d);
	}
	if (rdd_history_close(h->db) != RDD_HISTORY_OK && rc == 0) {
		fprintf(stderr, "rdpdoctor: --db: could not write the last "
		                "results\n");
		rc = -1;
	}
	h->db = NULL;
	return rc;
}
