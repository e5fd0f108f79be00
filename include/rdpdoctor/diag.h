/*
 * diag.h - from an observation to findings and a verdict.
 *
 * The causes table (lib/diag/causes.def, an X-macro) holds one row per
 * stable finding id of shared/field-guide.md: its phase, default severity,
 * title, explanation and fix. Rules (lib/diag/rules.c) read an observation
 * and emit findings with evidence; the verdict answers "would the default
 * Windows client connect, and if not, where does it fail and why".
 */
#ifndef RDPDOCTOR_DIAG_H
#define RDPDOCTOR_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "rdpdoctor/observation.h"

enum rdd_severity { RDD_SEV_INFO, RDD_SEV_WARNING, RDD_SEV_CRITICAL };

/* "info", "warning", "critical". */
const char *rdd_severity_name(enum rdd_severity s);

enum rdd_cause {
#define RDD_CAUSE(sym, id, phase, sev, title, explanation, fix_host,           \
                  fix_client, lowers_security, refs, detectable)               \
	RDD_CAUSE_##sym,
#include "../../lib/diag/causes.def"
#undef RDD_CAUSE
	RDD_CAUSE_COUNT
};

struct rdd_cause_info {
	const char *id; /* stable, e.g. "tcp-refused" */
	enum rdd_phase phase;
	enum rdd_severity severity; /* default */
	const char *title;
	const char *explanation;
	const char *fix_host;        /* steps separated by '\n' */
	const char *fix_client;      /* steps separated by '\n'; may be "" */
	const char *lowers_security; /* "" or how a fix lowers it, and undo */
	const char *refs;
	/* NULL when a rule can emit it; else why it is not detectable yet. */
	const char *not_detectable;
};

/* Row of the causes table; NULL for an out-of-range value. */
const struct rdd_cause_info *rdd_cause_info(enum rdd_cause c);
/* The cause whose id is ID, or -1. */
int rdd_cause_from_id(const char *id);

#define RDD_MAX_FINDINGS 64
#define RDD_EVIDENCE 512

struct rdd_finding {
	enum rdd_cause cause;
	enum rdd_severity severity; /* may differ from the table's default */
	enum rdd_phase phase;
	char evidence[RDD_EVIDENCE];
};

enum rdd_verdict {
	RDD_VERDICT_OK,
	RDD_VERDICT_WARNING,
	RDD_VERDICT_CRITICAL,
	RDD_VERDICT_UNKNOWN
};

/* "ok", "warning", "critical", "unknown". */
const char *rdd_verdict_name(enum rdd_verdict v);

struct rdd_diagnosis {
	struct rdd_finding findings[RDD_MAX_FINDINGS];
	size_t n_findings; /* sorted: critical first, then by phase */
	enum rdd_verdict status;
	int failed_phase; /* enum rdd_phase a default client fails in, or -1 */
	char summary[RDD_EVIDENCE];
};

/* Apply every rule to OBS. Pure function. */
void rdd_diagnose(const struct rdd_observation *obs, struct rdd_diagnosis *out);

/* Exit status of `check` for a verdict: 0 ok, 1 warning, 2 critical, 3. */
int rdd_verdict_exit_code(enum rdd_verdict v);

#endif
