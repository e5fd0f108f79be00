/*
 * history_int.h - what the history's files share (internal to lib/scan):
 * the handle, the error messages, and one result row as extracted from a
 * `check --json` document.
 */
#ifndef RDD_SCAN_HISTORY_INT_H
#define RDD_SCAN_HISTORY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "scan/history.h"

/* One finding of a result: the findings table. */
struct rdd__hfinding {
	char *id, *severity, *phase;
};

/* One result: the results table's columns (NULL: SQL NULL). */
struct rdd__hrow {
	char *target;
	long port;
	char *address, *checked_at, *status, *failed_phase;
	char *cert_sha256, *cert_subject, *cert_issuer, *cert_not_after;
	bool has_days_left;
	long cert_days_left;
	char *tls_version;  /* negotiated */
	char *tls_versions; /* accepted (--tls-full), space-separated */
	bool has_credssp;
	long credssp_version;
	char *document; /* the NDJSON line, without its newline */
	struct rdd__hfinding *findings;
	size_t n_findings;
};

/*
 * Fill *R from DOC (TARGET NULL: the document's target.host). Returns 0,
 * -1 when out of memory, -2 when DOC lacks what a result needs (*WHY says
 * what). *R is zeroed first and must be freed in every case.
 */
int rdd__hrow_from_doc(struct rdd__hrow *r, const char *target,
                       const json_t *doc, const char **why);
void rdd__hrow_free(struct rdd__hrow *r);

struct rdd_history {
	sqlite3 *db;
	char *path;
	bool read_only;
	int busy_ms, batch;
	int64_t scan; /* the scan begun on this handle; 0: none */
	struct rdd__hrow *pending;
	size_t n_pending, cap_pending;
	char err[RDD_HISTORY_ERR_MAX];
};

/* Set H's message (printf-style) and return STATUS. */
enum rdd_history_status rdd__history_msg(struct rdd_history *h,
                                         enum rdd_history_status status,
                                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Turn SQLite's RC while DOING into a status and a message naming the
 * file: busy and locked are RDD_HISTORY_E_LOCKED, NOTADB its own. */
enum rdd_history_status rdd__history_fail(struct rdd_history *h, int rc,
                                          const char *doing);

/* A copy of column COL of STMT's row, NULL for SQL NULL. *OOM is set when
 * the copy failed. */
char *rdd__history_col_text(sqlite3_stmt *st, int col, bool *oom);

#endif
