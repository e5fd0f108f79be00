/*
 * history.c - the scan history in one SQLite file (history.h): opening it
 * (and creating its schema on first use), scans, their results, and the
 * errors a user can act on.
 *
 * Nothing is written to a file before it is known to be an empty database
 * or a history of a schema this code reads, so a text file, someone
 * else's database or a newer history are refused untouched. Results are
 * queued and written in batches, each batch in one short transaction
 * (BEGIN IMMEDIATE: the write lock is taken at once, or the busy timeout
 * runs out and the lock is reported), so a long scan does not keep other
 * writers out. The scan's complete flag is set in the transaction of its
 * last batch, never before.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "scan/history.h"
#include "scan/history_int.h"

/* Stored as PRAGMA application_id too, so file(1) can tell a history. */
#define HISTORY_APPLICATION "rdpdoctor history"
#define HISTORY_APPLICATION_ID 0x52444448 /* "RDDH" */

/* Schema 1. Constant SQL: values are only ever bound. */
static const char schema_sql[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE scans ("
    " id INTEGER PRIMARY KEY,"
    " started_at TEXT NOT NULL,"
    " ended_at TEXT,"
    " tool_version TEXT NOT NULL,"
    " arguments TEXT NOT NULL DEFAULT '',"
    " host_count INTEGER NOT NULL DEFAULT 0,"
    " complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)));"
    "CREATE TABLE results ("
    " id INTEGER PRIMARY KEY,"
    " scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,"
    " target TEXT NOT NULL,"
    " port INTEGER NOT NULL,"
    " address TEXT,"
    " checked_at TEXT,"
    " status TEXT NOT NULL,"
    " failed_phase TEXT,"
    " cert_sha256 TEXT,"
    " cert_subject TEXT,"
    " cert_issuer TEXT,"
    " cert_not_after TEXT,"
    " cert_days_left INTEGER,"
    " tls_version TEXT,"
    " tls_versions TEXT,"
    " credssp_version INTEGER,"
    " document TEXT NOT NULL,"
    " UNIQUE (scan_id, target, port));"
    "CREATE INDEX results_host ON results (target, port);"
    "CREATE INDEX results_cert ON results (cert_sha256);"
    "CREATE INDEX results_not_after ON results (cert_not_after);"
    "CREATE TABLE findings ("
    " result_id INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,"
    " ord INTEGER NOT NULL,"
    " finding TEXT NOT NULL,"
    " severity TEXT,"
    " phase TEXT,"
    " PRIMARY KEY (result_id, ord)) WITHOUT ROWID;"
    "CREATE INDEX findings_finding ON findings (finding);"
    /* For the sqlite3 CLI: the hosts of the last complete scan. */
    "CREATE VIEW latest_results AS SELECT * FROM results WHERE scan_id = "
    "(SELECT max(id) FROM scans WHERE complete = 1);"
    "PRAGMA application_id = 1380205640;"; /* HISTORY_APPLICATION_ID */

enum db_kind { KIND_EMPTY, KIND_HISTORY, KIND_FOREIGN };

enum rdd_history_status
rdd__history_msg(struct rdd_history *h, enum rdd_history_status status,
                 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	return status;
}

enum rdd_history_status
rdd__history_fail(struct rdd_history *h, int rc, const char *doing)
{
	const char *why =
	    h->db != NULL ? sqlite3_errmsg(h->db) : sqlite3_errstr(rc);

	switch (rc & 0xFF) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return rdd__history_msg(
		    h, RDD_HISTORY_E_LOCKED,
		    "%s: locked by another process (still locked after %d ms "
		    "while %s)",
		    h->path, h->busy_ms, doing);
	case SQLITE_NOTADB:
		return rdd__history_msg(h, RDD_HISTORY_E_NOTADB,
		                        "%s: not an SQLite database", h->path);
	case SQLITE_CANTOPEN:
		return rdd__history_msg(h, RDD_HISTORY_E_OPEN,
		                        "%s: cannot open: %s", h->path, why);
	case SQLITE_READONLY:
		return rdd__history_msg(h, RDD_HISTORY_E_READONLY,
		                        "%s: cannot write (%s) while %s",
		                        h->path, why, doing);
	case SQLITE_NOMEM:
		return rdd__history_msg(h, RDD_HISTORY_E_NOMEM,
		                        "%s: out of memory while %s", h->path,
		                        doing);
	default:
		return rdd__history_msg(h, RDD_HISTORY_E_DB, "%s: %s while %s",
		                        h->path, why, doing);
	}
}

char *
rdd__history_col_text(sqlite3_stmt *st, int col, bool *oom)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup((const char *)s);
	if (d == NULL)
		*oom = true;
	return d;
}

const char *
rdd_history_errmsg(const struct rdd_history *h)
{
	return h != NULL ? h->err : "";
}

static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Run constant SQL with no result rows. */
static int
exec(struct rdd_history *h, const char *sql)
{
	return sqlite3_exec(h->db, sql, NULL, NULL, NULL);
}

/* ROLLBACK when a transaction is open; the first error is what counts. */
static void
rollback(struct rdd_history *h)
{
	if (!sqlite3_get_autocommit(h->db))
		exec(h, "ROLLBACK");
}

static void
iso8601(char buf[32], time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "%lld", (long long)t);
}

/* ---- Opening ------------------------------------------------------------ */

/* What the file holds: nothing yet, a history (*VERSION), or else. The
 * first read is where SQLite finds a file that is not a database. */
static int
db_kind(struct rdd_history *h, enum db_kind *kind, long *version)
{
	sqlite3_stmt *st = NULL;
	int rc, n_tables = 0, has_meta = 0;
	const char *app = NULL;

	*kind = KIND_FOREIGN;
	*version = 0;
	rc =
	    sqlite3_prepare_v2(h->db,
	                       "SELECT count(*), count(CASE WHEN name = 'meta' "
	                       "AND type = 'table' THEN 1 END) "
	                       "FROM sqlite_master",
	                       -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		n_tables = sqlite3_column_int(st, 0);
		has_meta = sqlite3_column_int(st, 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return rc;
	if (n_tables == 0) {
		*kind = KIND_EMPTY;
		return SQLITE_OK;
	}
	if (!has_meta)
		return SQLITE_OK;
	rc =
	    sqlite3_prepare_v2(h->db,
	                       "SELECT (SELECT value FROM meta WHERE key = "
	                       "'application'), (SELECT CAST(value AS INTEGER) "
	                       "FROM meta WHERE key = 'schema_version')",
	                       -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		app = (const char *)sqlite3_column_text(st, 0);
		if (app != NULL && strcmp(app, HISTORY_APPLICATION) == 0 &&
		    sqlite3_column_type(st, 1) == SQLITE_INTEGER) {
			*kind = KIND_HISTORY;
			*version = (long)sqlite3_column_int64(st, 1);
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static int
create_schema(struct rdd_history *h)
{
	static const char *const keys[] = {"application", "schema_version",
	                                   "created_at", "created_by"};
	char version[16], now[32];
	const char *values[4];
	sqlite3_stmt *st = NULL;
	int rc;
	size_t i;

	snprintf(version, sizeof(version), "%d", RDD_HISTORY_SCHEMA);
	iso8601(now, time(NULL));
	values[0] = HISTORY_APPLICATION;
	values[1] = version;
	values[2] = now;
	values[3] = "rdpdoctor " RDD_VERSION;
	rc = exec(h, schema_sql);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_prepare_v2(h->db,
	                        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
	                        -1, &st, NULL);
	for (i = 0; rc == SQLITE_OK && i < 4; i++) {
		bind_text(st, 1, keys[i]);
		bind_text(st, 2, values[i]);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? sqlite3_reset(st) : rc;
	}
	sqlite3_finalize(st);
	return rc;
}

/* A refusal that needs no SQLite error: foreign, or a newer schema. */
static enum rdd_history_status
check_kind(struct rdd_history *h, enum db_kind kind, long version)
{
	if (kind == KIND_FOREIGN)
		return rdd__history_msg(h, RDD_HISTORY_E_FOREIGN,
		                        "%s: an SQLite database, but not an "
		                        "rdpdoctor history (left unchanged)",
		                        h->path);
	if (kind == KIND_EMPTY && h->read_only)
		return rdd__history_msg(h, RDD_HISTORY_E_FOREIGN,
		                        "%s: an empty database, not an "
		                        "rdpdoctor history yet",
		                        h->path);
	if (kind == KIND_HISTORY && version > RDD_HISTORY_SCHEMA)
		return rdd__history_msg(
		    h, RDD_HISTORY_E_SCHEMA,
		    "%s: history schema %ld was written by a newer rdpdoctor; "
		    "this one reads schema %d at most (left unchanged)",
		    h->path, version, RDD_HISTORY_SCHEMA);
	if (kind == KIND_HISTORY && version < 1)
		return rdd__history_msg(h, RDD_HISTORY_E_FOREIGN,
		                        "%s: history schema %ld is not valid",
		                        h->path, version);
	return RDD_HISTORY_OK;
}

/* Settings, then the schema on first use, in one write transaction: the
 * lock is taken here, so a locked file is reported before any scan. */
static enum rdd_history_status
prepare_for_writing(struct rdd_history *h)
{
	enum rdd_history_status s;
	enum db_kind kind;
	long version;
	int rc;

	/* WAL: readers (a diff, the sqlite3 CLI) never wait for a scan.
	 * NORMAL is durable across a crash of the process, and keeps the
	 * database intact across a power loss. */
	rc = exec(h, "PRAGMA journal_mode = WAL");
	if (rc == SQLITE_OK)
		rc = exec(h, "PRAGMA synchronous = NORMAL");
	if (rc == SQLITE_OK)
		rc = exec(h, "PRAGMA foreign_keys = ON");
	if (rc == SQLITE_OK)
		rc = exec(h, "BEGIN IMMEDIATE");
	if (rc != SQLITE_OK)
		return rdd__history_fail(h, rc, "opening it for writing");
	/* Again under the lock: another process may have created it. */
	rc = db_kind(h, &kind, &version);
	if (rc != SQLITE_OK) {
		s = rdd__history_fail(h, rc, "reading its schema");
		rollback(h);
		return s;
	}
	s = check_kind(h, kind, version);
	if (s == RDD_HISTORY_OK && kind == KIND_EMPTY) {
		rc = create_schema(h);
		if (rc != SQLITE_OK)
			s = rdd__history_fail(h, rc, "creating the schema");
	}
	if (s == RDD_HISTORY_OK) {
		rc = exec(h, "COMMIT");
		if (rc != SQLITE_OK)
			s = rdd__history_fail(h, rc, "creating the schema");
	}
	if (s != RDD_HISTORY_OK)
		rollback(h);
	return s;
}

/* Create PATH if it is missing; *CREATED says whether this call did. */
static enum rdd_history_status
create_file(struct rdd_history *h, bool *created)
{
	struct stat sb;
	int fd;

	*created = false;
	if (stat(h->path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return rdd__history_msg(h, RDD_HISTORY_E_OPEN,
			                        "%s: is a directory", h->path);
		return RDD_HISTORY_OK;
	}
	if (errno != ENOENT || h->read_only)
		return rdd__history_msg(h, RDD_HISTORY_E_OPEN,
		                        "%s: cannot open: %s", h->path,
		                        strerror(errno));
	/* O_EXCL: a file someone else made meanwhile is never removed. */
	fd = open(h->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST)
		return RDD_HISTORY_OK;
	if (fd < 0)
		return rdd__history_msg(h, RDD_HISTORY_E_OPEN,
		                        "%s: cannot create: %s", h->path,
		                        strerror(errno));
	close(fd);
	*created = true;
	return RDD_HISTORY_OK;
}

/* Remove a file this open created, with SQLite's side files. */
static void
remove_created(const char *path)
{
	static const char *const sfx[] = {"-wal", "-shm", "-journal"};
	size_t i, len = strlen(path);
	char *side = malloc(len + 9);

	unlink(path);
	for (i = 0; side != NULL && i < 3; i++) {
		memcpy(side, path, len);
		strcpy(side + len, sfx[i]);
		unlink(side);
	}
	free(side);
}

static void
free_handle(struct rdd_history *h)
{
	size_t i;

	for (i = 0; i < h->n_pending; i++)
		rdd__hrow_free(&h->pending[i]);
	free(h->pending);
	free(h->path);
	free(h);
}

enum rdd_history_status
rdd_history_open(const char *path, const struct rdd_history_opts *opt,
                 struct rdd_history **out, char *err, size_t errlen)
{
	struct rdd_history *h;
	enum rdd_history_status s;
	enum db_kind kind;
	long version;
	bool created = false;
	int rc, flags;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	h = calloc(1, sizeof(*h));
	if (h == NULL || (h->path = strdup(path)) == NULL) {
		free(h);
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: out of memory", path);
		return RDD_HISTORY_E_NOMEM;
	}
	h->read_only = opt != NULL && opt->read_only;
	h->busy_ms = opt != NULL && opt->busy_ms > 0 ? opt->busy_ms
	                                             : RDD_HISTORY_BUSY_MS;
	h->batch =
	    opt != NULL && opt->batch > 0 ? opt->batch : RDD_HISTORY_BATCH;

	s = create_file(h, &created);
	if (s != RDD_HISTORY_OK)
		goto fail;
	flags = h->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	rc = sqlite3_open_v2(path, &h->db, flags, NULL);
	if (rc != SQLITE_OK) {
		s = rdd__history_fail(h, rc, "opening");
		goto fail;
	}
	sqlite3_extended_result_codes(h->db, 1);
	sqlite3_busy_timeout(h->db, h->busy_ms);

	/* Read before writing anything: refuse what is not ours. */
	rc = db_kind(h, &kind, &version);
	if (rc != SQLITE_OK) {
		s = rdd__history_fail(h, rc, "reading it");
		goto fail;
	}
	s = check_kind(h, kind, version);
	if (s == RDD_HISTORY_OK && !h->read_only)
		s = prepare_for_writing(h);
	if (s != RDD_HISTORY_OK)
		goto fail;
	h->err[0] = '\0';
	*out = h;
	return RDD_HISTORY_OK;
fail:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", h->err);
	sqlite3_close(h->db);
	if (created)
		remove_created(path);
	free_handle(h);
	return s;
}

/* ---- Scans and results -------------------------------------------------- */

enum rdd_history_status
rdd_history_scan_begin(struct rdd_history *h, time_t started_at,
                       const char *args, int64_t *scan_id)
{
	sqlite3_stmt *st = NULL;
	char when[32];
	int rc;

	*scan_id = 0;
	h->err[0] = '\0';
	if (h->read_only)
		return rdd__history_msg(h, RDD_HISTORY_E_READONLY,
		                        "%s: opened read-only", h->path);
	if (h->scan != 0)
		return rdd__history_msg(h, RDD_HISTORY_E_STATE,
		                        "%s: scan %lld is still open", h->path,
		                        (long long)h->scan);
	iso8601(when, started_at);
	rc = sqlite3_prepare_v2(h->db,
	                        "INSERT INTO scans (started_at, tool_version, "
	                        "arguments) VALUES (?1, ?2, ?3)",
	                        -1, &st, NULL);
	if (rc == SQLITE_OK) {
		bind_text(st, 1, when);
		bind_text(st, 2, RDD_VERSION);
		bind_text(st, 3, args != NULL ? args : "");
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rdd__history_fail(h, rc, "beginning a scan");
	h->scan = (int64_t)sqlite3_last_insert_rowid(h->db);
	*scan_id = h->scan;
	return RDD_HISTORY_OK;
}

/* The statements of a batch, prepared once per batch. */
struct batch_stmts {
	sqlite3_stmt *del_f, *del_r, *ins, *fin;
};

static int
write_row(struct rdd_history *h, struct batch_stmts *b,
          const struct rdd__hrow *r)
{
	sqlite3_int64 result_id;
	size_t i;
	int rc;

	/* Again in the same scan: the new result replaces the old one. */
	for (i = 0; i < 2; i++) {
		sqlite3_stmt *del = i == 0 ? b->del_f : b->del_r;

		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, h->scan);
		bind_text(del, 2, r->target);
		sqlite3_bind_int64(del, 3, r->port);
		rc = sqlite3_step(del);
		if (rc != SQLITE_DONE)
			return rc;
	}

	sqlite3_reset(b->ins);
	sqlite3_clear_bindings(b->ins);
	sqlite3_bind_int64(b->ins, 1, h->scan);
	bind_text(b->ins, 2, r->target);
	sqlite3_bind_int64(b->ins, 3, r->port);
	bind_text(b->ins, 4, r->address);
	bind_text(b->ins, 5, r->checked_at);
	bind_text(b->ins, 6, r->status);
	bind_text(b->ins, 7, r->failed_phase);
	bind_text(b->ins, 8, r->cert_sha256);
	bind_text(b->ins, 9, r->cert_subject);
	bind_text(b->ins, 10, r->cert_issuer);
	bind_text(b->ins, 11, r->cert_not_after);
	if (r->has_days_left)
		sqlite3_bind_int64(b->ins, 12, r->cert_days_left);
	bind_text(b->ins, 13, r->tls_version);
	bind_text(b->ins, 14, r->tls_versions);
	if (r->has_credssp)
		sqlite3_bind_int64(b->ins, 15, r->credssp_version);
	bind_text(b->ins, 16, r->document);
	rc = sqlite3_step(b->ins);
	if (rc != SQLITE_DONE)
		return rc;
	result_id = sqlite3_last_insert_rowid(h->db);

	for (i = 0; i < r->n_findings; i++) {
		const struct rdd__hfinding *f = &r->findings[i];

		sqlite3_reset(b->fin);
		sqlite3_bind_int64(b->fin, 1, result_id);
		sqlite3_bind_int64(b->fin, 2, (sqlite3_int64)i);
		bind_text(b->fin, 3, f->id);
		bind_text(b->fin, 4, f->severity);
		bind_text(b->fin, 5, f->phase);
		rc = sqlite3_step(b->fin);
		if (rc != SQLITE_DONE)
			return rc;
	}
	return SQLITE_OK;
}

static int
prepare_batch(struct rdd_history *h, struct batch_stmts *b)
{
	int rc;

	/* The foreign key's cascade would do the first; saying it keeps
	 * the findings right whatever the connection's settings. */
	rc = sqlite3_prepare_v2(
	    h->db,
	    "DELETE FROM findings WHERE result_id IN (SELECT id FROM results "
	    "WHERE scan_id = ?1 AND target = ?2 AND port = ?3)",
	    -1, &b->del_f, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_prepare_v2(h->db,
	                        "DELETE FROM results WHERE scan_id = ?1 AND "
	                        "target = ?2 AND port = ?3",
	                        -1, &b->del_r, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_prepare_v2(
	    h->db,
	    "INSERT INTO results (scan_id, target, port, address, checked_at, "
	    "status, failed_phase, cert_sha256, cert_subject, cert_issuer, "
	    "cert_not_after, cert_days_left, tls_version, tls_versions, "
	    "credssp_version, document) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	    -1, &b->ins, NULL);
	if (rc != SQLITE_OK)
		return rc;
	return sqlite3_prepare_v2(h->db,
	                          "INSERT INTO findings (result_id, ord, "
	                          "finding, severity, phase) VALUES (?1, ?2, "
	                          "?3, ?4, ?5)",
	                          -1, &b->fin, NULL);
}

/*
 * Write the queued rows in one transaction; with END, mark the scan
 * complete in the same one. On failure nothing is written and the rows
 * stay queued.
 */
static enum rdd_history_status
write_batch(struct rdd_history *h, bool end, time_t ended_at)
{
	struct batch_stmts b = {0};
	sqlite3_stmt *up = NULL;
	const char *doing = end ? "ending the scan" : "writing results";
	enum rdd_history_status s = RDD_HISTORY_OK;
	char when[32];
	size_t i;
	int rc;

	if (h->n_pending == 0 && !end)
		return RDD_HISTORY_OK;
	rc = exec(h, "BEGIN IMMEDIATE");
	if (rc == SQLITE_OK)
		rc = prepare_batch(h, &b);
	for (i = 0; rc == SQLITE_OK && i < h->n_pending; i++)
		rc = write_row(h, &b, &h->pending[i]);
	if (rc == SQLITE_OK && end) {
		iso8601(when, ended_at);
		rc = sqlite3_prepare_v2(
		    h->db,
		    "UPDATE scans SET ended_at = ?1, complete = 1, host_count "
		    "= (SELECT count(*) FROM results WHERE scan_id = ?2) "
		    "WHERE id = ?2 AND complete = 0",
		    -1, &up, NULL);
		if (rc == SQLITE_OK) {
			bind_text(up, 1, when);
			sqlite3_bind_int64(up, 2, h->scan);
			rc = sqlite3_step(up);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
		if (rc == SQLITE_OK && sqlite3_changes(h->db) != 1)
			s = rdd__history_msg(h, RDD_HISTORY_E_STATE,
			                     "%s: scan %lld is gone or already "
			                     "complete",
			                     h->path, (long long)h->scan);
	}
	if (rc == SQLITE_OK && s == RDD_HISTORY_OK)
		rc = exec(h, "COMMIT");
	if (rc != SQLITE_OK)
		s = rdd__history_fail(h, rc, doing);
	sqlite3_finalize(b.del_f);
	sqlite3_finalize(b.del_r);
	sqlite3_finalize(b.ins);
	sqlite3_finalize(b.fin);
	sqlite3_finalize(up);
	if (s != RDD_HISTORY_OK) {
		rollback(h);
		return s;
	}
	for (i = 0; i < h->n_pending; i++)
		rdd__hrow_free(&h->pending[i]);
	h->n_pending = 0;
	return RDD_HISTORY_OK;
}

enum rdd_history_status
rdd_history_add(struct rdd_history *h, int64_t scan_id, const char *target,
                const json_t *doc)
{
	struct rdd__hrow row;
	const char *why;
	int rc;

	h->err[0] = '\0';
	if (h->read_only)
		return rdd__history_msg(h, RDD_HISTORY_E_READONLY,
		                        "%s: opened read-only", h->path);
	if (h->scan == 0 || scan_id != h->scan)
		return rdd__history_msg(h, RDD_HISTORY_E_STATE,
		                        "%s: scan %lld is not open on this "
		                        "handle",
		                        h->path, (long long)scan_id);
	if (h->n_pending == h->cap_pending) {
		size_t cap = h->cap_pending ? 2 * h->cap_pending : 16;
		struct rdd__hrow *p =
		    realloc(h->pending, cap * sizeof(*h->pending));

		if (p == NULL)
			return rdd__history_msg(h, RDD_HISTORY_E_NOMEM,
			                        "%s: out of memory", h->path);
		h->pending = p;
		h->cap_pending = cap;
	}
	rc = rdd__hrow_from_doc(&row, target, doc, &why);
	if (rc != 0) {
		rdd__hrow_free(&row);
		if (rc == -2)
			return rdd__history_msg(
			    h, RDD_HISTORY_E_DOC,
			    "result not stored: not a check "
			    "document (%s)",
			    why);
		return rdd__history_msg(h, RDD_HISTORY_E_NOMEM,
		                        "%s: out of memory", h->path);
	}
	h->pending[h->n_pending++] = row;
	if (h->n_pending >= (size_t)h->batch)
		return write_batch(h, false, 0);
	return RDD_HISTORY_OK;
}

enum rdd_history_status
rdd_history_flush(struct rdd_history *h)
{
	h->err[0] = '\0';
	return write_batch(h, false, 0);
}

/* Whether scan ID exists (*EXISTS) and is complete. */
static int
scan_state(struct rdd_history *h, int64_t id, bool *exists, bool *complete)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*exists = *complete = false;
	rc = sqlite3_prepare_v2(
	    h->db, "SELECT complete FROM scans WHERE id = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*exists = true;
			*complete = sqlite3_column_int(st, 0) == 1;
		}
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	return rc;
}

enum rdd_history_status
rdd_history_scan_end(struct rdd_history *h, int64_t scan_id, time_t ended_at)
{
	enum rdd_history_status s;
	bool exists, complete;
	int rc;

	h->err[0] = '\0';
	if (h->scan == 0 || scan_id != h->scan) {
		rc = scan_state(h, scan_id, &exists, &complete);
		if (rc != SQLITE_OK)
			return rdd__history_fail(h, rc, "ending the scan");
		if (complete)
			return RDD_HISTORY_OK; /* ended before: nothing to do */
		if (!exists)
			return rdd__history_msg(h, RDD_HISTORY_E_STATE,
			                        "%s: no scan %lld", h->path,
			                        (long long)scan_id);
		return rdd__history_msg(h, RDD_HISTORY_E_STATE,
		                        "%s: scan %lld was not begun on this "
		                        "handle; an interrupted scan stays "
		                        "incomplete",
		                        h->path, (long long)scan_id);
	}
	s = write_batch(h, true, ended_at);
	if (s == RDD_HISTORY_OK)
		h->scan = 0;
	return s;
}

enum rdd_history_status
rdd_history_close(struct rdd_history *h)
{
	enum rdd_history_status s = RDD_HISTORY_OK;

	if (h == NULL)
		return RDD_HISTORY_OK;
	if (h->n_pending > 0)
		s = write_batch(h, false, 0);
	sqlite3_close(h->db);
	free_handle(h);
	return s;
}
