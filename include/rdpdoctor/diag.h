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
#include <stdint.h>

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

#define RDD_MAX_FINDINGS 128
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

/*
 * The error the user saw (`check --client-error 0x904/0x7`) and which of
 * the findings explain it: the ranked causes of the code's story (see
 * rdpdoctor/codes.h) matched against the findings.
 */
#define RDD_MAX_EXPLAINING 16
struct rdd_client_error {
	bool present;
	uint32_t code;
	bool has_extended;
	uint32_t extended;
	const char *code_name;     /* NULL when the code is unknown */
	const char *extended_name; /* NULL when absent or unknown */
	const char *story_id;      /* NULL when the code carries no story */
	/* Findings (by cause) that explain it, in the story's rank order,
	 * each with the title of the story cause it confirms. */
	enum rdd_cause explaining[RDD_MAX_EXPLAINING];
	const char *cause_title[RDD_MAX_EXPLAINING];
	unsigned cause_rank[RDD_MAX_EXPLAINING]; /* 1 = most likely */
	size_t n_explaining;
	char summary[RDD_EVIDENCE]; /* one sentence for the report */
};

struct rdd_diagnosis {
	struct rdd_finding findings[RDD_MAX_FINDINGS];
	size_t n_findings; /* sorted: critical first, then by phase */
	enum rdd_verdict status;
	int failed_phase; /* enum rdd_phase a default client fails in, or -1 */
	char summary[RDD_EVIDENCE];
	struct rdd_client_error client_error;
};

/* Apply every rule to OBS. Pure function. */
void rdd_diagnose(const struct rdd_observation *obs, struct rdd_diagnosis *out);

/*
 * Parse "0x904", "2308", "0x904/0x7" or "0x904,7" into CODE and EXTENDED.
 * Returns 0, or -1 when the text is not one or two numbers.
 */
int rdd_client_error_parse(const char *text, uint32_t *code, bool *has_extended,
                           uint32_t *extended);

/*
 * Record the error the user saw in D->client_error and move the findings
 * that explain it to the front of D's list (in the story's rank order;
 * the verdict is unchanged). Pure function of D and the code tables.
 */
void rdd_diagnose_client_error(struct rdd_diagnosis *d, uint32_t code,
                               bool has_extended, uint32_t extended);

/*
 * How far the server's clock (the MsvAvTimestamp of its NTLM CHALLENGE)
 * is ahead of the local one (obs->checked_at plus the time the CHALLENGE
 * arrived), in whole seconds; negative when behind. Returns 0, or -1 when
 * there is no timestamp or no time of the check.
 */
int rdd_clock_skew_s(const struct rdd_observation *obs, int64_t *skew);

/*
 * The native error of a failed phase: the code its own layer gave, as the
 * client's software would see it (docs/json.md phases[].error).
 *   layer  "dns" (getaddrinfo EAI_*), "socket" (errno), "x224-failure"
 *          (RDP_NEG_FAILURE failureCode), "tls-alert" (the server's alert
 *          description), "ntstatus" or "hresult" (CredSSP errorCode, or the
 *          logon's), "licensing" (LICENSE_ERROR_MESSAGE dwErrorCode),
 *          "errinfo" (Set Error Info errorInfo)
 *   code   has_code false when the layer gave only a name (a DNS error
 *          libuv does not map, a socket error on Windows)
 *   name   the code's name ("ECONNREFUSED", "HYBRID_REQUIRED_BY_SERVER",
 *          "STATUS_LOGON_FAILURE"), "" when no table names it
 * Returns 0 and fills *OUT when phase P of OBS failed (or timed out) with
 * such a code, -1 otherwise. Pure function of OBS and the code tables.
 */
struct rdd_phase_error {
	const char *layer;
	bool has_code;
	int64_t code;
	char name[64];
};
int rdd_phase_error(const struct rdd_observation *obs, enum rdd_phase p,
                    struct rdd_phase_error *out);

/* Exit status of `check` for a verdict: 0 ok, 1 warning, 2 critical, 3. */
int rdd_verdict_exit_code(enum rdd_verdict v);

#endif
