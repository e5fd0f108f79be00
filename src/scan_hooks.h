/*
 * scan_hooks.h - what `rdpdoctor scan` does with each host's document
 * besides writing it: store it in the history (--db), judge it against a
 * policy (--policy), add it to the drift report.
 */
#ifndef RDD_SRC_SCAN_HOOKS_H
#define RDD_SRC_SCAN_HOOKS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "scan/drift.h"
#include "scan/history.h"
#include "scan/policy.h"

struct scan_hooks {
	struct rdd_policy *policy; /* --policy: each host judged */
	struct rdd_policy_tally tally;
	struct rdd_policy_result result; /* scratch */
	struct rdd_drift *drift;         /* --drift */
	struct rdd_history *db;
	int64_t scan_id;
	size_t db_errors;
	char db_error[RDD_HISTORY_ERR_MAX];
};

/* Open --db PATH and begin a scan with ARGS. 0, or -1 after saying why. */
int scan_hooks_db_open(struct scan_hooks *h, const char *path,
                       const char *args);
/* --policy SPEC: a file, or "baseline" for the built-in one. 0, or -1
 * after saying why. */
int scan_hooks_policy(struct scan_hooks *h, const char *spec);
/* --drift: collect the fingerprints. 0 or -1. */
int scan_hooks_drift(struct scan_hooks *h);
/* At the end: the drift report (text) to OUT. */
void scan_hooks_drift_report(struct scan_hooks *h, FILE *out);
/* Free the policy and the drift. */
void scan_hooks_free(struct scan_hooks *h);

/* scan_out's on_doc: each host's document (a json_t *). */
void scan_hooks_on_doc(void *ctx, size_t index, void *doc);
/* End the scan in the history (complete unless INTERRUPTED) and close.
 * With DIFF, print what changed since the previous scan to OUT. Returns
 * 0, or -1 after saying why. */
int scan_hooks_db_close(struct scan_hooks *h, bool interrupted, bool diff,
                        FILE *out);

#endif
