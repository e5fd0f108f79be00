/*
 * history.h - the scan history: every scan's documents in one SQLite file
 * (`rdpdoctor scan --db FILE`), and what changed between two scans.
 *
 * A scan is begun, gets one result per host (the JSON document of
 * `check --json`, docs/json.md) and is ended. Results are written in
 * batches, each in a transaction of its own, so the write lock is held
 * for milliseconds, not for the whole scan; the scan is marked complete
 * only in the transaction that writes its last batch. A scan that is never
 * ended (the process died, or closed the handle first) stays incomplete,
 * and the default diff leaves it out. The schema and how to query it:
 * docs/history.md.
 *
 * Every function returns RDD_HISTORY_OK or another status, and leaves a
 * message naming the file in rdd_history_errmsg(). SQL is prepared once
 * with placeholders; no value is ever pasted into SQL text.
 */
#ifndef RDD_SCAN_HISTORY_H
#define RDD_SCAN_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

/* The schema this code writes, and the newest it reads (meta table). */
#define RDD_HISTORY_SCHEMA 1
#define RDD_HISTORY_ERR_MAX 512
#define RDD_HISTORY_BUSY_MS 5000 /* default wait for another writer */
#define RDD_HISTORY_BATCH 256    /* default results per transaction */

enum rdd_history_status {
	RDD_HISTORY_OK = 0,
	RDD_HISTORY_E_OPEN,     /* cannot open or create the file */
	RDD_HISTORY_E_NOTADB,   /* the file is not an SQLite database */
	RDD_HISTORY_E_FOREIGN,  /* an SQLite database, but not a history */
	RDD_HISTORY_E_SCHEMA,   /* written by a newer rdpdoctor */
	RDD_HISTORY_E_LOCKED,   /* another connection kept the lock */
	RDD_HISTORY_E_READONLY, /* the file or the handle is read-only */
	RDD_HISTORY_E_DOC,      /* the document has no target or verdict */
	RDD_HISTORY_E_STATE,    /* no such open scan on this handle */
	RDD_HISTORY_E_NOSCAN,   /* the scans to compare are not there */
	RDD_HISTORY_E_NOMEM,
	RDD_HISTORY_E_DB, /* any other SQLite error: I/O, disk full, damage */
};

struct rdd_history;

struct rdd_history_opts {
	bool read_only; /* diff only: never create or write the file */
	int busy_ms;    /* wait for a lock; 0: RDD_HISTORY_BUSY_MS */
	int batch;      /* results per transaction; 0: RDD_HISTORY_BATCH */
};

/*
 * Open the history in PATH (OPT may be NULL: read-write, defaults),
 * creating the file and the schema on first use, in WAL mode. A file that
 * is not an SQLite database, a database that is not a history, a newer
 * schema or a lock that outlasts busy_ms are refused without changing the
 * file; a file this call created is removed again when it fails. On
 * failure *OUT is NULL and ERR (ERRLEN bytes, may be NULL) holds why.
 */
enum rdd_history_status rdd_history_open(const char *path,
                                         const struct rdd_history_opts *opt,
                                         struct rdd_history **out, char *err,
                                         size_t errlen);

/*
 * Write what is pending and close. A scan still open stays incomplete.
 * Returns the status of that last write (the handle is freed anyway).
 */
enum rdd_history_status rdd_history_close(struct rdd_history *h);

/* Why the last call on H failed ("" after a success). */
const char *rdd_history_errmsg(const struct rdd_history *h);

/*
 * Begin a scan: STARTED_AT (UTC), ARGS (a summary of the command line,
 * may be NULL). One scan at a time per handle. *SCAN_ID gets its id.
 */
enum rdd_history_status rdd_history_scan_begin(struct rdd_history *h,
                                               time_t started_at,
                                               const char *args,
                                               int64_t *scan_id);

/*
 * One host's result: DOC is its `check --json` document (not kept; the
 * caller still owns it), TARGET as the user gave it (NULL: the document's
 * target.host). A host is TARGET and the document's target.port; adding
 * it again to the same scan replaces it. The row is queued and written
 * with its batch, so a status may come from earlier rows of the batch;
 * rows of a batch that failed stay queued for the next write.
 */
enum rdd_history_status rdd_history_add(struct rdd_history *h, int64_t scan_id,
                                        const char *target, const json_t *doc);

/* Write the queued rows now (their scan stays incomplete). */
enum rdd_history_status rdd_history_flush(struct rdd_history *h);

/*
 * End the scan begun on this handle: write the queued rows and mark it
 * complete with ENDED_AT and its host count, in one transaction. Ending a
 * scan that is already complete does nothing; a scan that this handle did
 * not begin (an interrupted one) cannot be ended.
 */
enum rdd_history_status rdd_history_scan_end(struct rdd_history *h,
                                             int64_t scan_id, time_t ended_at);

#endif
