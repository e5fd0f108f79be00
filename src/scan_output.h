/*
 * scan_output.h - what `rdpdoctor scan` does with each host's result: the
 * NDJSON line (the check's document plus the target as given), the counts
 * for the closing summary, the progress line.
 */
#ifndef RDD_SRC_SCAN_OUTPUT_H
#define RDD_SRC_SCAN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/scan.h"

#define SCAN_SLOWEST 5
#define SCAN_UNRESOLVED 5
#define SCAN_GATEWAYS 16

/* The hosts checked through one RD Gateway, for the summary. */
struct scan_gateway {
	char name[300]; /* "host:port" */
	size_t hosts;
	size_t not_reached;
	/* gateway-tls, -http, -tunnel, -channel: how many ok, failed
	 * (or timed out), and the time of the ok ones. */
	size_t ok[4], failed[4];
	double ms_sum[4], ms_max[4];
	/* The first host whose check showed the gateway's own failure. */
	char failed_host[262];
	char failed_phase[32];
	char failed_id[64];
};

struct scan_out {
	FILE *out;                /* NDJSON */
	FILE *summary;            /* the closing summary (NULL: none) */
	bool progress;            /* a progress line on stderr */
	bool merged;              /* --merge: results read, not checked */
	const char *const *given; /* per target: the spec it came from */
	/* Hooks of policy, drift and history: called with each host's
	 * document (a json_t *) before it is written; may add keys. */
	void (*on_doc)(void *ctx, size_t index, void *doc);
	void *on_doc_ctx;
	/* --html: every document kept (a reference each) for the page. */
	bool keep;
	void **kept; /* json_t * */
	size_t n_kept, cap_kept;
	bool keep_failed; /* out of memory: the page would lack hosts */
	/* Counts. */
	size_t by_status[4]; /* ok, warning, critical, unknown */
	size_t by_cause[RDD_CAUSE_COUNT];
	size_t written;
	size_t write_errors;
	size_t unresolved;
	char unresolved_hosts[SCAN_UNRESOLVED][256];
	struct {
		double ms;
		char host[262];
	} slowest[SCAN_SLOWEST];
	size_t n_slowest;
	struct scan_gateway gateways[SCAN_GATEWAYS];
	size_t n_gateways;
	size_t more_gateways; /* hosts through gateways past the table */
	size_t gateway_cap;   /* checks through one gateway at once (0: -) */
	struct rdd_diagnosis diag; /* scratch, one host at a time */
};

/* rdd_scan_result_cb: diagnose, write, count. CTX is a struct scan_out. */
void scan_out_result(void *ctx, size_t index, const struct rdd_observation *obs,
                     int rc);
/* Count one host's document (a json_t *) for the summary. */
void scan_out_count(struct scan_out *o, const void *doc);
/* on_doc, count, write DOC (a json_t *) as one line. */
void scan_out_doc(struct scan_out *o, size_t index, void *doc);
/* rdd_scan_progress_cb: "\r" line on stderr. */
void scan_out_progress(void *ctx, const struct rdd_scan_stats *st);
/* Drop the documents kept for --html. */
void scan_out_free_kept(struct scan_out *o);
/* The closing summary to o->summary. */
void scan_out_summary(struct scan_out *o, const struct rdd_scan_stats *st);
/* The exit status from the verdicts (0 all ok, 1 a warning, 2 a critical
 * host, 3 an unknown one or none checked). */
int scan_out_exit_code(const struct scan_out *o);

#endif
