/*
 * history_diff.c - what changed between two scans of the history
 * (history_diff.h).
 *
 * Both scans' results are read in the same order (target, then port: the
 * results table's unique index) and merged in one pass, inside one read
 * transaction so that a scan written meanwhile cannot show half of
 * itself. Only the hosts with something to report are kept.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "scan/history_diff.h"
#include "scan/history_int.h"

/* Columns of the result query, in order. */
enum {
	COL_ID,
	COL_TARGET,
	COL_PORT,
	COL_ADDRESS,
	COL_STATUS,
	COL_FAILED_PHASE,
	COL_SHA256,
	COL_SUBJECT,
	COL_ISSUER,
	COL_NOT_AFTER,
	COL_DAYS_LEFT,
};

static const char results_sql[] =
    "SELECT id, target, port, address, status, failed_phase, cert_sha256, "
    "cert_subject, cert_issuer, cert_not_after, cert_days_left "
    "FROM results WHERE scan_id = ?1 ORDER BY target, port";

/* One scan's results, one row at a time. */
struct cursor {
	sqlite3_stmt *rows, *findings;
	bool done;
};

struct diff_state {
	struct rdd_history *h;
	struct rdd_history_diff *d;
	size_t cap;
	bool oom;
};

/* Critical, unknown, or a status this code does not know (docs/json.md:
 * treat it as unknown). */
static bool
is_failure(const char *status)
{
	return status == NULL ||
	       (strcmp(status, "ok") != 0 && strcmp(status, "warning") != 0);
}

static bool
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
same_cert(const struct rdd_history_cert *a, const struct rdd_history_cert *b)
{
	if (a->sha256 != NULL && b->sha256 != NULL)
		return strcmp(a->sha256, b->sha256) == 0;
	return same_str(a->subject, b->subject) &&
	       same_str(a->issuer, b->issuer) &&
	       same_str(a->not_after, b->not_after);
}

static void
free_side(struct rdd_history_side *s)
{
	size_t i;

	for (i = 0; i < s->n_findings; i++)
		free(s->findings[i]);
	free(s->findings);
	free(s->address);
	free(s->status);
	free(s->failed_phase);
	free(s->cert.sha256);
	free(s->cert.subject);
	free(s->cert.issuer);
	free(s->cert.not_after);
	memset(s, 0, sizeof(*s));
}

static void
free_change(struct rdd_history_change *c)
{
	free(c->target);
	free_side(&c->old);
	free_side(&c->now);
	free(c->appeared);
	free(c->disappeared);
	memset(c, 0, sizeof(*c));
}

static void
free_info(struct rdd_history_scan_info *i)
{
	free(i->started_at);
	free(i->ended_at);
	free(i->tool_version);
	free(i->arguments);
	memset(i, 0, sizeof(*i));
}

void
rdd_history_diff_free(struct rdd_history_diff *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free_change(&d->c[i]);
	free(d->c);
	free_info(&d->from);
	free_info(&d->to);
	memset(d, 0, sizeof(*d));
}

/* The finding ids of result ID, in report order. */
static int
load_findings(struct diff_state *ds, struct cursor *cur, int64_t id,
              struct rdd_history_side *s)
{
	size_t cap = 0;
	int rc;

	sqlite3_reset(cur->findings);
	sqlite3_bind_int64(cur->findings, 1, id);
	while ((rc = sqlite3_step(cur->findings)) == SQLITE_ROW) {
		char *f = rdd__history_col_text(cur->findings, 0, &ds->oom);

		if (f == NULL)
			continue;
		if (s->n_findings == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			char **p = realloc(s->findings, ncap * sizeof(*p));

			if (p == NULL) {
				free(f);
				ds->oom = true;
				break;
			}
			s->findings = p;
			cap = ncap;
		}
		s->findings[s->n_findings++] = f;
	}
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The cursor's current row as one side of a host. */
static int
load_side(struct diff_state *ds, struct cursor *cur, struct rdd_history_side *s)
{
	sqlite3_stmt *st = cur->rows;
	bool *oom = &ds->oom;

	s->address = rdd__history_col_text(st, COL_ADDRESS, oom);
	s->status = rdd__history_col_text(st, COL_STATUS, oom);
	s->failed_phase = rdd__history_col_text(st, COL_FAILED_PHASE, oom);
	s->cert.sha256 = rdd__history_col_text(st, COL_SHA256, oom);
	s->cert.subject = rdd__history_col_text(st, COL_SUBJECT, oom);
	s->cert.issuer = rdd__history_col_text(st, COL_ISSUER, oom);
	s->cert.not_after = rdd__history_col_text(st, COL_NOT_AFTER, oom);
	s->cert.present = s->cert.sha256 != NULL || s->cert.subject != NULL;
	if (sqlite3_column_type(st, COL_DAYS_LEFT) == SQLITE_INTEGER) {
		s->cert.has_days_left = true;
		s->cert.days_left =
		    (long)sqlite3_column_int64(st, COL_DAYS_LEFT);
	}
	return load_findings(ds, cur, sqlite3_column_int64(st, COL_ID), s);
}

static bool
has_id(char *const *ids, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

/* The ids of A that B lacks, in A's order; *N gets their number. */
static const char **
minus(const struct rdd_history_side *a, const struct rdd_history_side *b,
      size_t *n, bool *oom)
{
	const char **out = NULL;
	size_t i;

	*n = 0;
	for (i = 0; i < a->n_findings; i++) {
		if (has_id(b->findings, b->n_findings, a->findings[i]) ||
		    has_id(a->findings, i, a->findings[i]))
			continue;
		if (out == NULL) {
			out = calloc(a->n_findings, sizeof(*out));
			if (out == NULL) {
				*oom = true;
				return NULL;
			}
		}
		out[(*n)++] = a->findings[i];
	}
	return out;
}

static bool
expiring(const struct rdd_history_side *s, int days)
{
	return s->cert.present && s->cert.has_days_left &&
	       s->cert.days_left <= days;
}

/* What changed for a host in both scans. */
static void
classify(struct diff_state *ds, struct rdd_history_change *c)
{
	bool was_bad = is_failure(c->old.status);
	bool is_bad = is_failure(c->now.status);

	if (!was_bad && is_bad)
		c->what |= RDD_HCHG_NEW_FAILURE;
	else if (was_bad && !is_bad)
		c->what |= RDD_HCHG_FIXED;
	else if (!same_str(c->old.status, c->now.status) ||
	         !same_str(c->old.failed_phase, c->now.failed_phase))
		c->what |= RDD_HCHG_VERDICT;
	c->appeared = minus(&c->now, &c->old, &c->n_appeared, &ds->oom);
	c->disappeared = minus(&c->old, &c->now, &c->n_disappeared, &ds->oom);
	if (c->n_appeared > 0 || c->n_disappeared > 0)
		c->what |= RDD_HCHG_FINDINGS;
	if (c->old.cert.present && c->now.cert.present &&
	    !same_cert(&c->old.cert, &c->now.cert))
		c->what |= RDD_HCHG_CERT;
	if (expiring(&c->now, ds->d->expire_days))
		c->what |= RDD_HCHG_EXPIRING;
}

static void
keep(struct diff_state *ds, struct rdd_history_change *c)
{
	struct rdd_history_diff *d = ds->d;
	unsigned bit;

	if (c->what == 0) {
		d->unchanged++;
		free_change(c);
		return;
	}
	if (d->n == ds->cap) {
		size_t cap = ds->cap ? 2 * ds->cap : 64;
		struct rdd_history_change *p = realloc(d->c, cap * sizeof(*p));

		if (p == NULL) {
			ds->oom = true;
			free_change(c);
			return;
		}
		d->c = p;
		ds->cap = cap;
	}
	for (bit = 0; bit < RDD_HCHG_KINDS; bit++)
		if (c->what & (1u << bit))
			d->count[bit]++;
	d->c[d->n++] = *c;
}

static int
step(struct cursor *cur)
{
	int rc = sqlite3_step(cur->rows);

	cur->done = rc != SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Column COL as a string, "" for NULL. */
static const char *
col_str(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s != NULL ? (const char *)s : "";
}

/* Order of the two cursors' rows: the query's ORDER BY target, port
 * (BINARY collation compares bytes, as strcmp does). */
static int
key_cmp(struct cursor *a, struct cursor *b)
{
	int c =
	    strcmp(col_str(a->rows, COL_TARGET), col_str(b->rows, COL_TARGET));
	sqlite3_int64 pa = sqlite3_column_int64(a->rows, COL_PORT);
	sqlite3_int64 pb = sqlite3_column_int64(b->rows, COL_PORT);

	if (c != 0)
		return c;
	return pa < pb ? -1 : pa > pb;
}

static int
open_cursor(struct rdd_history *h, struct cursor *cur, int64_t scan)
{
	int rc = sqlite3_prepare_v2(h->db, results_sql, -1, &cur->rows, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(h->db,
		                        "SELECT finding FROM findings WHERE "
		                        "result_id = ?1 ORDER BY ord",
		                        -1, &cur->findings, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(cur->rows, 1, scan);
	return step(cur);
}

/* The merge: one change per host of either scan. */
static int
merge(struct diff_state *ds, int64_t from, int64_t to)
{
	struct cursor a = {0}, b = {0};
	int rc;

	rc = open_cursor(ds->h, &a, from);
	if (rc == SQLITE_OK)
		rc = open_cursor(ds->h, &b, to);
	while (rc == SQLITE_OK && !ds->oom && (!a.done || !b.done)) {
		struct rdd_history_change c = {0};
		int cmp = a.done ? 1 : b.done ? -1 : key_cmp(&a, &b);
		struct cursor *any = cmp > 0 ? &b : &a;

		c.target = strdup(col_str(any->rows, COL_TARGET));
		if (c.target == NULL)
			ds->oom = true;
		c.port = (long)sqlite3_column_int64(any->rows, COL_PORT);
		if (cmp <= 0)
			rc = load_side(ds, &a, &c.old);
		if (rc == SQLITE_OK && cmp >= 0)
			rc = load_side(ds, &b, &c.now);
		if (cmp < 0) {
			c.what = RDD_HCHG_GONE;
		} else if (cmp > 0) {
			c.what = RDD_HCHG_NEW;
			if (expiring(&c.now, ds->d->expire_days))
				c.what |= RDD_HCHG_EXPIRING;
		} else {
			classify(ds, &c);
		}
		keep(ds, &c);
		if (rc == SQLITE_OK && cmp <= 0)
			rc = step(&a);
		if (rc == SQLITE_OK && cmp >= 0)
			rc = step(&b);
	}
	sqlite3_finalize(a.rows);
	sqlite3_finalize(a.findings);
	sqlite3_finalize(b.rows);
	sqlite3_finalize(b.findings);
	return rc;
}

/* *ID: the newest complete scan with an id below BELOW (0: any); 0 when
 * there is none. */
static int
last_complete(struct rdd_history *h, int64_t below, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*id = 0;
	rc = sqlite3_prepare_v2(h->db,
	                        "SELECT max(id) FROM scans WHERE complete = 1 "
	                        "AND (?1 = 0 OR id < ?1)",
	                        -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, below);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0); /* NULL reads 0 */
		rc = rc == SQLITE_ROW ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Scan ID's row into *I; *FOUND says whether there is one. */
static int
load_info(struct diff_state *ds, int64_t id, struct rdd_history_scan_info *i,
          bool *found)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*found = false;
	rc = sqlite3_prepare_v2(ds->h->db,
	                        "SELECT started_at, ended_at, tool_version, "
	                        "arguments, complete, (SELECT count(*) FROM "
	                        "results WHERE scan_id = scans.id) FROM scans "
	                        "WHERE id = ?1",
	                        -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*found = true;
			i->id = id;
			i->started_at = rdd__history_col_text(st, 0, &ds->oom);
			i->ended_at = rdd__history_col_text(st, 1, &ds->oom);
			i->tool_version =
			    rdd__history_col_text(st, 2, &ds->oom);
			i->arguments = rdd__history_col_text(st, 3, &ds->oom);
			i->complete = sqlite3_column_int(st, 4) == 1;
			i->hosts = (long)sqlite3_column_int64(st, 5);
		}
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Which two scans: the defaults resolved, both present. */
static enum rdd_history_status
pick_scans(struct diff_state *ds, int64_t from, int64_t to)
{
	struct rdd_history *h = ds->h;
	bool found;
	int rc;

	if (to == 0) {
		rc = last_complete(h, 0, &to);
		if (rc != SQLITE_OK)
			return rdd__history_fail(h, rc,
			                         "finding the last scan");
		if (to == 0)
			return rdd__history_msg(h, RDD_HISTORY_E_NOSCAN,
			                        "%s: no complete scan yet",
			                        h->path);
	}
	if (from == 0) {
		rc = last_complete(h, to, &from);
		if (rc != SQLITE_OK)
			return rdd__history_fail(h, rc,
			                         "finding the last scan");
		if (from == 0)
			return rdd__history_msg(
			    h, RDD_HISTORY_E_NOSCAN,
			    "%s: no complete scan before scan %lld: nothing "
			    "to compare it with",
			    h->path, (long long)to);
	}
	rc = load_info(ds, from, &ds->d->from, &found);
	if (rc == SQLITE_OK && !found)
		return rdd__history_msg(h, RDD_HISTORY_E_NOSCAN,
		                        "%s: no scan %lld", h->path,
		                        (long long)from);
	if (rc == SQLITE_OK)
		rc = load_info(ds, to, &ds->d->to, &found);
	if (rc == SQLITE_OK && !found)
		return rdd__history_msg(h, RDD_HISTORY_E_NOSCAN,
		                        "%s: no scan %lld", h->path,
		                        (long long)to);
	if (rc != SQLITE_OK)
		return rdd__history_fail(h, rc, "reading the scans");
	return RDD_HISTORY_OK;
}

enum rdd_history_status
rdd_history_diff(struct rdd_history *h, int64_t from, int64_t to,
                 int expire_days, struct rdd_history_diff *out)
{
	struct diff_state ds = {.h = h, .d = out};
	enum rdd_history_status s;
	int rc;

	memset(out, 0, sizeof(*out));
	out->expire_days =
	    expire_days < 0 ? RDD_HISTORY_EXPIRE_DAYS : expire_days;
	h->err[0] = '\0';
	if (from < 0 || to < 0)
		return rdd__history_msg(h, RDD_HISTORY_E_NOSCAN,
		                        "%s: no scan %lld", h->path,
		                        (long long)(from < 0 ? from : to));
	/* One snapshot for every read below. */
	rc = sqlite3_exec(h->db, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rdd__history_fail(h, rc, "reading the scans");
	s = pick_scans(&ds, from, to);
	if (s == RDD_HISTORY_OK) {
		rc = merge(&ds, out->from.id, out->to.id);
		if (rc != SQLITE_OK)
			s = rdd__history_fail(h, rc, "reading the results");
	}
	if (s == RDD_HISTORY_OK && ds.oom)
		s = rdd__history_msg(h, RDD_HISTORY_E_NOMEM,
		                     "%s: out of memory", h->path);
	sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
	if (s != RDD_HISTORY_OK)
		rdd_history_diff_free(out);
	return s;
}
