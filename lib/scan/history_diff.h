/*
 * history_diff.h - what changed between two scans of the history
 * (history.h): new failures, fixed hosts, other verdict changes, findings
 * that appeared or disappeared, certificates that changed or expire soon,
 * hosts gone and new; and that diff as text and as one JSON document
 * (docs/history.md).
 */
#ifndef RDD_SCAN_HISTORY_DIFF_H
#define RDD_SCAN_HISTORY_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "scan/history.h"

#define RDD_HISTORY_EXPIRE_DAYS 30

/* What changed for one host: bits of rdd_history_change.what. */
enum {
	RDD_HCHG_NEW_FAILURE = 1u << 0, /* ok/warning -> critical/unknown */
	RDD_HCHG_FIXED = 1u << 1,       /* critical/unknown -> ok/warning */
	RDD_HCHG_VERDICT = 1u << 2,     /* any other status or phase change */
	RDD_HCHG_FINDINGS = 1u << 3,    /* finding ids appeared/disappeared */
	RDD_HCHG_CERT = 1u << 4,        /* another certificate than before */
	RDD_HCHG_EXPIRING = 1u << 5,    /* the new certificate expires soon */
	RDD_HCHG_GONE = 1u << 6,        /* in the old scan only */
	RDD_HCHG_NEW = 1u << 7,         /* in the new scan only */
};
#define RDD_HCHG_KINDS 8

/* The TLS certificate: its identity is sha256 (every document with a
 * certificate has it); without one, subject, issuer and not_after. */
struct rdd_history_cert {
	bool present;
	char *sha256, *subject, *issuer, *not_after; /* may be NULL */
	bool has_days_left;
	long days_left; /* from the document: negative once expired */
};

/* One host as one scan saw it. */
struct rdd_history_side {
	char *address, *status, *failed_phase; /* may be NULL */
	char **findings;                       /* finding ids, report order */
	size_t n_findings;
	struct rdd_history_cert cert;
};

struct rdd_history_change {
	char *target;
	long port;
	unsigned what; /* RDD_HCHG_* */
	struct rdd_history_side old,
	    now; /* old unset with NEW, now with GONE */
	/* Finding ids in now but not old (now's order), in old but not now
	 * (old's order); the strings belong to the sides. */
	const char **appeared, **disappeared;
	size_t n_appeared, n_disappeared;
};

struct rdd_history_scan_info {
	int64_t id;
	char *started_at, *ended_at, *tool_version, *arguments;
	long hosts; /* results stored */
	bool complete;
};

struct rdd_history_diff {
	struct rdd_history_scan_info from, to;
	int expire_days;
	size_t unchanged; /* hosts in both scans with nothing to report */
	struct rdd_history_change *c; /* by target, then port */
	size_t n;
	size_t count[RDD_HCHG_KINDS]; /* hosts per bit, in bit order */
};

/*
 * Compare scan FROM with scan TO. TO 0: the last complete scan; FROM 0:
 * the complete scan before TO. EXPIRE_DAYS < 0: RDD_HISTORY_EXPIRE_DAYS.
 * Hosts are matched by target as given and port. Fills *OUT (free it with
 * rdd_history_diff_free, also after a failure).
 */
enum rdd_history_status rdd_history_diff(struct rdd_history *h, int64_t from,
                                         int64_t to, int expire_days,
                                         struct rdd_history_diff *out);

void rdd_history_diff_free(struct rdd_history_diff *d);

/* The diff for a terminal (strings escaped). 0, or -1 on a write error. */
int rdd_history_diff_text(FILE *out, const struct rdd_history_diff *d);

/* The diff as one JSON document (docs/history.md), or NULL when out of
 * memory; the caller owns it. */
json_t *rdd_history_diff_json(const struct rdd_history_diff *d);

/* That document, indented, every non-ASCII character escaped, and a
 * newline. 0 or -1. */
int rdd_history_diff_write_json(FILE *out, const struct rdd_history_diff *d);

#endif
