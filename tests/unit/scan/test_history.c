/*
 * test_history.c - the scan history (lib/scan/history*.c) on real SQLite
 * files in a temporary directory: the schema and the columns taken from
 * real `check --json` documents (fixtures/history/, from the lab), two
 * scans with known changes and their exact diff (as a struct, as text and
 * as JSON, both against golden files), idempotence, a newer schema, a
 * foreign database, a locked database, a file that is not a database, an
 * interrupted scan, and 10,000 results written and diffed (timed).
 *
 * The documents of the scans are copies of the lab's documents with a
 * few fields changed (host, verdict, findings, certificate), so every
 * change the diff must report is known here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "scan/history.h"
#include "scan/history_diff.h"

#ifndef RDD_HISTORY_FIXTURES
#error "RDD_HISTORY_FIXTURES must name tests/unit/scan/fixtures/history"
#endif

#define DAY1 ((time_t)1796083200) /* 2026-12-01T00:00:00Z */
#define DAY2 ((time_t)1796169600) /* 2026-12-02T00:00:00Z */

/* The fixtures' certificates (tls.certificate.sha256). */
#define SHA_TLS                                                                \
	"913b431fab7c2c5f00c673839c6b31aa48e9e5f52436ce257428f4a7270024c1"
#define SHA_EXPIRED                                                            \
	"53797561c6c30a2529277a3cb2bde7741cd7d38d22e8bbdf3f88ba902a272e2b"
#define SHA_SHADOW                                                             \
	"a161a3c8686ed8f1557e304c61e0f1c1ad92d8f006ef5e3c332f514064b05cb2"
#define SHA_NEW                                                                \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

struct ctx {
	char dir[64];
	char db[96];
};

/* ---- Files and fixtures ------------------------------------------------- */

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	snprintf(c->dir, sizeof(c->dir), "/tmp/rdd-history-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->db, sizeof(c->db), "%s/h.db", c->dir);
	*state = c;
	return 0;
}

/* Remove DIR and what it holds (one level of subdirectories). */
static void
remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) != 0 && errno == EISDIR)
			remove_tree(path);
	}
	closedir(d);
	rmdir(dir);
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	remove_tree(c->dir);
	free(c);
	return 0;
}

static json_t *
fixture(const char *name)
{
	char path[512];
	json_error_t err;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/%s.json", RDD_HISTORY_FIXTURES, name);
	doc = json_load_file(path, JSON_PRESERVE_ORDER, &err);
	if (doc == NULL)
		fail_msg("%s: %s", path, err.text);
	return doc;
}

/* A copy of fixture NAME checked as HOST:PORT. */
static json_t *
doc_as(const char *name, const char *host, long port)
{
	json_t *base = fixture(name);
	json_t *doc = json_deep_copy(base);
	json_t *tgt = json_object_get(doc, "target");

	json_decref(base);
	assert_int_equal(json_object_set_new(tgt, "host", json_string(host)),
	                 0);
	assert_int_equal(json_object_set_new(tgt, "port", json_integer(port)),
	                 0);
	return doc;
}

static void
set_verdict(json_t *doc, const char *status, const char *phase)
{
	json_t *v = json_object_get(doc, "verdict");

	json_object_set_new(v, "status", json_string(status));
	json_object_set_new(v, "failed_phase",
	                    phase != NULL ? json_string(phase) : json_null());
}

static void
drop_finding(json_t *doc, const char *id)
{
	json_t *arr = json_object_get(doc, "findings");
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		const char *fid = json_string_value(
		    json_object_get(json_array_get(arr, i), "id"));

		if (fid != NULL && strcmp(fid, id) == 0) {
			json_array_remove(arr, i);
			return;
		}
	}
	fail_msg("no finding %s", id);
}

static void
set_cert(json_t *doc, const char *sha, const char *not_after, long days)
{
	json_t *c = json_object_get(json_object_get(doc, "tls"), "certificate");

	assert_true(json_is_object(c));
	json_object_set_new(c, "sha256", json_string(sha));
	json_object_set_new(c, "not_after", json_string(not_after));
	json_object_set_new(c, "days_left", json_integer(days));
}

/* The whole of a file (NUL-terminated; *LEN its size), or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

static bool
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* ---- Direct SQL: what the file really holds ----------------------------- */

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	return db;
}

/* The first column of the first row of SQL (with ?1 = ARG when ARG is
 * not NULL) as an integer. */
static int64_t
sql_int(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The same as text (a copy; NULL for SQL NULL). */
static char *
sql_text(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *s;
	char *v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	s = sqlite3_column_text(st, 0);
	v = s != NULL ? strdup((const char *)s) : NULL;
	sqlite3_finalize(st);
	return v;
}

static void
assert_sql_text(sqlite3 *db, const char *sql, const char *arg, const char *want)
{
	char *got = sql_text(db, sql, arg);

	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

static struct rdd_history *
open_rw(const char *path, int batch)
{
	struct rdd_history_opts opt = {.batch = batch};
	struct rdd_history *h = NULL;
	char err[RDD_HISTORY_ERR_MAX];

	if (rdd_history_open(path, &opt, &h, err, sizeof(err)) !=
	    RDD_HISTORY_OK)
		fail_msg("open: %s", err);
	return h;
}

static void
add_ok(struct rdd_history *h, int64_t scan, const char *target, json_t *doc)
{
	if (rdd_history_add(h, scan, target, doc) != RDD_HISTORY_OK)
		fail_msg("add: %s", rdd_history_errmsg(h));
	json_decref(doc);
}

/* ---- Schema and columns ------------------------------------------------- */

static void
test_schema_on_first_use(void **state)
{
	struct ctx *c = *state;
	struct rdd_history *h = open_rw(c->db, 0);
	sqlite3 *db;
	char *created;

	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
	db = raw_open(c->db);
	assert_sql_text(db, "SELECT value FROM meta WHERE key = ?1",
	                "schema_version", "1");
	assert_sql_text(db, "SELECT value FROM meta WHERE key = ?1",
	                "application", "rdpdoctor history");
	assert_sql_text(db, "PRAGMA journal_mode", NULL, "wal");
	assert_int_equal(sql_int(db, "PRAGMA application_id", NULL),
	                 0x52444448);
	assert_int_equal(sql_int(db,
	                         "SELECT count(*) FROM sqlite_master WHERE "
	                         "type = 'table' AND name IN ('meta', "
	                         "'scans', 'results', 'findings')",
	                         NULL),
	                 4);
	created =
	    sql_text(db, "SELECT value FROM meta WHERE key = ?1", "created_at");
	sqlite3_close(db);

	/* Opening again changes nothing. */
	h = open_rw(c->db, 0);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
	db = raw_open(c->db);
	assert_sql_text(db, "SELECT value FROM meta WHERE key = ?1",
	                "created_at", created);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM meta", NULL), 4);
	sqlite3_close(db);
	free(created);
}

static void
test_columns_from_real_documents(void **state)
{
	struct ctx *c = *state;
	struct rdd_history *h = open_rw(c->db, 0);
	json_t *tls = doc_as("tls", "tls.rdpsrv.lab", 3389);
	json_t *orig, *back;
	int64_t scan;
	sqlite3 *db;
	char *text;
	json_error_t jerr;

	assert_int_equal(
	    rdd_history_scan_begin(h, DAY1, "scan -f hosts", &scan),
	    RDD_HISTORY_OK);
	assert_true(scan > 0);
	orig = json_deep_copy(tls);
	add_ok(h, scan, "tls-given", tls);
	add_ok(h, scan, NULL, fixture("shadow")); /* target.host */
	add_ok(h, scan, "refused.rdpsrv.lab", fixture("refused"));
	assert_int_equal(rdd_history_scan_end(h, scan, DAY1 + 60),
	                 RDD_HISTORY_OK);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);

	db = raw_open(c->db);
	assert_sql_text(db, "SELECT started_at FROM scans", NULL,
	                "2026-12-01T00:00:00Z");
	assert_sql_text(db, "SELECT ended_at FROM scans", NULL,
	                "2026-12-01T00:01:00Z");
	assert_sql_text(db, "SELECT arguments FROM scans", NULL,
	                "scan -f hosts");
	assert_sql_text(db, "SELECT tool_version FROM scans", NULL,
	                RDD_VERSION);
	assert_int_equal(sql_int(db, "SELECT host_count FROM scans", NULL), 3);
	assert_int_equal(sql_int(db, "SELECT complete FROM scans", NULL), 1);

	/* tls.rdpsrv.lab: warning, TLS 1.3, a certificate, no CredSSP. */
	assert_sql_text(db, "SELECT status FROM results WHERE target = ?1",
	                "tls-given", "warning");
	assert_int_equal(sql_int(db,
	                         "SELECT port FROM results WHERE target = ?1",
	                         "tls-given"),
	                 3389);
	assert_sql_text(db, "SELECT address FROM results WHERE target = ?1",
	                "tls-given", "10.201.0.12");
	assert_sql_text(db,
	                "SELECT failed_phase FROM results WHERE target = ?1",
	                "tls-given", NULL);
	assert_sql_text(db, "SELECT cert_sha256 FROM results WHERE target = ?1",
	                "tls-given", SHA_TLS);
	assert_sql_text(db,
	                "SELECT cert_subject FROM results WHERE target = ?1",
	                "tls-given", "CN=tls.rdpsrv.lab");
	assert_sql_text(db,
	                "SELECT cert_not_after FROM results WHERE target = ?1",
	                "tls-given", "2027-12-06T23:27:53Z");
	assert_int_equal(
	    sql_int(db, "SELECT cert_days_left FROM results WHERE target = ?1",
	            "tls-given"),
	    364);
	assert_sql_text(db, "SELECT tls_version FROM results WHERE target = ?1",
	                "tls-given", "TLSv1.3");
	assert_sql_text(db,
	                "SELECT tls_versions FROM results WHERE target = ?1",
	                "tls-given", NULL);
	assert_sql_text(db,
	                "SELECT credssp_version FROM results WHERE target = ?1",
	                "tls-given", NULL);
	assert_sql_text(db,
	                "SELECT group_concat(finding, ' ') FROM (SELECT "
	                "f.finding FROM findings f JOIN results r ON r.id = "
	                "f.result_id WHERE r.target = ?1 ORDER BY f.ord)",
	                "tls-given",
	                "nla-not-required cert-untrusted nego-ssl-required "
	                "client-side-suspect");
	assert_sql_text(db,
	                "SELECT f.severity || ' ' || f.phase FROM findings f "
	                "JOIN results r ON r.id = f.result_id WHERE r.target "
	                "= ?1 AND f.ord = 0",
	                "tls-given", "warning x224");

	/* The document is stored whole, on one line, and reads back equal. */
	text = sql_text(db, "SELECT document FROM results WHERE target = ?1",
	                "tls-given");
	assert_null(strchr(text, '\n'));
	back = json_loads(text, 0, &jerr);
	assert_non_null(back);
	assert_true(json_equal(back, orig));
	json_decref(back);
	json_decref(orig);
	free(text);

	/* shadow: named by its document; CredSSP 6. */
	assert_int_equal(
	    sql_int(db, "SELECT credssp_version FROM results WHERE target = ?1",
	            "shadow.rdpsrv.lab"),
	    6);
	assert_sql_text(db, "SELECT cert_sha256 FROM results WHERE target = ?1",
	                "shadow.rdpsrv.lab", SHA_SHADOW);
	/* refused: critical in tcp, no TLS, no certificate. */
	assert_sql_text(
	    db,
	    "SELECT status || ' ' || failed_phase FROM results WHERE "
	    "target = ?1",
	    "refused.rdpsrv.lab", "critical tcp");
	assert_sql_text(db, "SELECT cert_sha256 FROM results WHERE target = ?1",
	                "refused.rdpsrv.lab", NULL);
	assert_sql_text(db, "SELECT tls_version FROM results WHERE target = ?1",
	                "refused.rdpsrv.lab", NULL);
	sqlite3_close(db);
}

/* --tls-full's accepted versions become tls_versions. */
static void
test_tls_versions_column(void **state)
{
	struct ctx *c = *state;
	struct rdd_history *h = open_rw(c->db, 0);
	json_t *doc = doc_as("tls", "full", 3389);
	json_t *tls = json_object_get(doc, "tls");
	json_t *v =
	    json_pack("[{ss sb}, {ss sb}, {ss sb}]", "version", "TLSv1.1",
	              "accepted", 0, "version", "TLSv1.2", "accepted", 1,
	              "version", "TLSv1.3", "accepted", 1);
	int64_t scan;
	sqlite3 *db;

	json_object_set_new(tls, "versions", v);
	assert_int_equal(rdd_history_scan_begin(h, DAY1, NULL, &scan),
	                 RDD_HISTORY_OK);
	add_ok(h, scan, NULL, doc);
	assert_int_equal(rdd_history_scan_end(h, scan, DAY1), RDD_HISTORY_OK);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
	db = raw_open(c->db);
	assert_sql_text(db, "SELECT tls_versions FROM results", NULL,
	                "TLSv1.2 TLSv1.3");
	assert_sql_text(db, "SELECT arguments FROM scans", NULL, "");
	sqlite3_close(db);
}

/* ---- Two scans with known changes --------------------------------------- */

/*
 * Scan 1 and scan 2 (see the top of the file). alpha fails now (its
 * certificate expired and changed), alpha:3390 is new, bravo is fixed,
 * charlie went from warning to ok and lost a finding, delta's
 * certificate changed, echo is gone, foxtrot is new (and fails), golf's
 * certificate expires in 9 days, hotel did not change.
 */
static void
write_two_scans(const char *path, int64_t *s1, int64_t *s2)
{
	struct rdd_history *h = open_rw(path, 3);
	json_t *d;

	assert_int_equal(rdd_history_scan_begin(h, DAY1, "scan hosts.txt", s1),
	                 RDD_HISTORY_OK);
	add_ok(h, *s1, "alpha.lab", doc_as("tls", "alpha.lab", 3389));
	add_ok(h, *s1, "bravo.lab", doc_as("refused", "bravo.lab", 3389));
	add_ok(h, *s1, "charlie.lab", doc_as("tls", "charlie.lab", 3389));
	add_ok(h, *s1, "delta.lab", doc_as("shadow", "delta.lab", 3389));
	add_ok(h, *s1, "echo.lab", doc_as("tls", "echo.lab", 3389));
	add_ok(h, *s1, "golf.lab", doc_as("expiring", "golf.lab", 3389));
	add_ok(h, *s1, "hotel.lab", doc_as("shadow", "hotel.lab", 3389));
	assert_int_equal(rdd_history_scan_end(h, *s1, DAY1 + 300),
	                 RDD_HISTORY_OK);

	assert_int_equal(rdd_history_scan_begin(h, DAY2, "scan hosts.txt", s2),
	                 RDD_HISTORY_OK);
	/* In another order than scan 1: the diff sorts. */
	add_ok(h, *s2, "hotel.lab", doc_as("shadow", "hotel.lab", 3389));
	add_ok(h, *s2, "golf.lab", doc_as("expiring", "golf.lab", 3389));
	add_ok(h, *s2, "foxtrot.lab", doc_as("refused", "foxtrot.lab", 3389));
	d = doc_as("shadow", "delta.lab", 3389);
	set_cert(d, SHA_NEW, "2032-01-01T00:00:00Z", 1851);
	add_ok(h, *s2, "delta.lab", d);
	d = doc_as("tls", "charlie.lab", 3389);
	set_verdict(d, "ok", NULL);
	drop_finding(d, "client-side-suspect");
	add_ok(h, *s2, "charlie.lab", d);
	add_ok(h, *s2, "bravo.lab", doc_as("tls", "bravo.lab", 3389));
	add_ok(h, *s2, "alpha.lab", doc_as("tls", "alpha.lab", 3390));
	add_ok(h, *s2, "alpha.lab", doc_as("expired", "alpha.lab", 3389));
	assert_int_equal(rdd_history_scan_end(h, *s2, DAY2 + 300),
	                 RDD_HISTORY_OK);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
}

static void
assert_ids(const char *const *got, size_t n, const char *want)
{
	char buf[512] = "";
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(buf, " ");
		strcat(buf, got[i]);
	}
	assert_string_equal(buf, want);
}

static const struct rdd_history_change *
host(const struct rdd_history_diff *d, size_t i, const char *target, long port,
     unsigned what)
{
	assert_true(i < d->n);
	assert_string_equal(d->c[i].target, target);
	assert_int_equal(d->c[i].port, port);
	assert_int_equal(d->c[i].what, what);
	return &d->c[i];
}

static void
assert_known_diff(const struct rdd_history_diff *d, int64_t s1, int64_t s2)
{
	const struct rdd_history_change *c;

	assert_int_equal(d->from.id, s1);
	assert_int_equal(d->to.id, s2);
	assert_true(d->from.complete && d->to.complete);
	assert_int_equal(d->from.hosts, 7);
	assert_int_equal(d->to.hosts, 8);
	assert_string_equal(d->from.started_at, "2026-12-01T00:00:00Z");
	assert_string_equal(d->to.ended_at, "2026-12-02T00:05:00Z");
	assert_string_equal(d->to.arguments, "scan hosts.txt");
	assert_int_equal(d->expire_days, 30);
	assert_int_equal(d->n, 8);
	assert_int_equal(d->unchanged, 1);
	assert_int_equal(d->count[0], 1); /* new failures */
	assert_int_equal(d->count[1], 1); /* fixed */
	assert_int_equal(d->count[2], 1); /* other verdict changes */
	assert_int_equal(d->count[3], 3); /* findings */
	assert_int_equal(d->count[4], 2); /* certificates changed */
	assert_int_equal(d->count[5], 2); /* expiring */
	assert_int_equal(d->count[6], 1); /* gone */
	assert_int_equal(d->count[7], 2); /* new */

	c = host(d, 0, "alpha.lab", 3389,
	         RDD_HCHG_NEW_FAILURE | RDD_HCHG_FINDINGS | RDD_HCHG_CERT |
	             RDD_HCHG_EXPIRING);
	assert_string_equal(c->old.status, "warning");
	assert_null(c->old.failed_phase);
	assert_string_equal(c->now.status, "critical");
	assert_string_equal(c->now.failed_phase, "tls");
	assert_ids(c->appeared, c->n_appeared, "cert-expired udp-blocked");
	assert_ids(c->disappeared, c->n_disappeared, "client-side-suspect");
	assert_string_equal(c->old.cert.sha256, SHA_TLS);
	assert_string_equal(c->now.cert.sha256, SHA_EXPIRED);
	assert_int_equal(c->now.cert.days_left, -2531);
	assert_string_equal(c->now.cert.not_after, "2020-01-02T00:00:00Z");

	c = host(d, 1, "alpha.lab", 3390, RDD_HCHG_NEW);
	assert_string_equal(c->now.status, "warning");
	assert_null(c->old.status);

	c = host(d, 2, "bravo.lab", 3389, RDD_HCHG_FIXED | RDD_HCHG_FINDINGS);
	assert_string_equal(c->old.status, "critical");
	assert_string_equal(c->old.failed_phase, "tcp");
	assert_string_equal(c->now.status, "warning");
	assert_false(c->old.cert.present);
	assert_true(c->now.cert.present);
	assert_ids(c->appeared, c->n_appeared,
	           "nla-not-required cert-untrusted nego-ssl-required "
	           "client-side-suspect");
	assert_ids(c->disappeared, c->n_disappeared, "tcp-refused");

	c = host(d, 3, "charlie.lab", 3389,
	         RDD_HCHG_VERDICT | RDD_HCHG_FINDINGS);
	assert_string_equal(c->old.status, "warning");
	assert_string_equal(c->now.status, "ok");
	assert_int_equal(c->n_appeared, 0);
	assert_ids(c->disappeared, c->n_disappeared, "client-side-suspect");

	c = host(d, 4, "delta.lab", 3389, RDD_HCHG_CERT);
	assert_string_equal(c->old.cert.sha256, SHA_SHADOW);
	assert_string_equal(c->now.cert.sha256, SHA_NEW);
	assert_string_equal(c->now.cert.subject, "CN=RDPLAB-SHADOW");

	c = host(d, 5, "echo.lab", 3389, RDD_HCHG_GONE);
	assert_string_equal(c->old.status, "warning");
	assert_string_equal(c->old.address, "10.201.0.12");
	assert_null(c->now.status);

	c = host(d, 6, "foxtrot.lab", 3389, RDD_HCHG_NEW);
	assert_string_equal(c->now.status, "critical");
	assert_string_equal(c->now.failed_phase, "tcp");
	assert_ids((const char *const *)c->now.findings, c->now.n_findings,
	           "tcp-refused");

	c = host(d, 7, "golf.lab", 3389, RDD_HCHG_EXPIRING);
	assert_int_equal(c->now.cert.days_left, 9);
	assert_string_equal(c->now.cert.subject, "CN=expiring.rdpsrv.lab");
}

/*
 * Write TEXT to golden file NAME with the tool's version as @RDD_VERSION@
 * (as tests/unit/report/golden.h does): run the test with
 * RDD_HISTORY_GOLDEN_WRITE=1 after a deliberate change of the format,
 * then read the diff of the golden files before committing them.
 */
static void
write_golden(const char *path, const char *text, size_t len)
{
	const char *v = "\"" RDD_VERSION "\"";
	size_t vl = strlen(v);
	FILE *f = fopen(path, "wb");
	size_t i;

	assert_non_null(f);
	for (i = 0; i < len; i++) {
		if (len - i >= vl && memcmp(text + i, v, vl) == 0) {
			fputs("\"@RDD_VERSION@\"", f);
			i += vl - 1;
		} else {
			fputc(text[i], f);
		}
	}
	assert_int_equal(fclose(f), 0);
}

/* TEXT (LEN bytes) against golden file NAME, @RDD_VERSION@ replaced. */
static void
assert_golden(const char *name, const char *text, size_t len)
{
	static const char token[] = "@RDD_VERSION@";
	size_t tl = sizeof(token) - 1, vl = strlen(RDD_VERSION), wlen;
	char path[512], *want, *at;

	snprintf(path, sizeof(path), "%s/%s", RDD_HISTORY_FIXTURES, name);
	if (getenv("RDD_HISTORY_GOLDEN_WRITE") != NULL)
		write_golden(path, text, len);
	want = slurp(path, &wlen);
	assert_non_null(want);
	assert_true(vl <= tl);
	while ((at = strstr(want, token)) != NULL) {
		memcpy(at, RDD_VERSION, vl);
		memmove(at + vl, at + tl, strlen(at + tl) + 1);
		wlen -= tl - vl;
	}
	if (len != wlen || memcmp(text, want, len) != 0) {
		fprintf(stderr, "%s differs; got:\n%.*s", name, (int)len, text);
		fail();
	}
	free(want);
}

static char *
render(const struct rdd_history_diff *d, bool json, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	if (json)
		assert_int_equal(rdd_history_diff_write_json(f, d), 0);
	else
		assert_int_equal(rdd_history_diff_text(f, d), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
test_diff_known_changes(void **state)
{
	struct ctx *c = *state;
	struct rdd_history_diff d;
	struct rdd_history *h;
	int64_t s1, s2;
	size_t len;
	sqlite3 *db;
	char *out;

	write_two_scans(c->db, &s1, &s2);
	h = open_rw(c->db, 0);
	assert_int_equal(rdd_history_diff(h, 0, 0, -1, &d), RDD_HISTORY_OK);
	assert_known_diff(&d, s1, s2);
	db = raw_open(c->db);
	assert_int_equal(sql_int(db,
	                         "SELECT count(*) FROM latest_results WHERE "
	                         "scan_id = 2",
	                         NULL),
	                 8);
	sqlite3_close(db);
	out = render(&d, false, &len);
	assert_golden("diff.txt", out, len);
	free(out);
	out = render(&d, true, &len);
	assert_golden("diff.json", out, len);
	free(out);
	rdd_history_diff_free(&d);

	/* The same scans named: the same diff. */
	assert_int_equal(rdd_history_diff(h, s1, s2, 30, &d), RDD_HISTORY_OK);
	assert_known_diff(&d, s1, s2);
	rdd_history_diff_free(&d);

	/* Backwards, with a 0-day window: alpha is fixed, bravo fails,
	 * alpha:3390 and foxtrot are gone, echo is new, and golf's 9 days
	 * are outside the window, so golf did not change. */
	assert_int_equal(rdd_history_diff(h, s2, s1, 0, &d), RDD_HISTORY_OK);
	assert_int_equal(d.n, 7);
	assert_int_equal(d.unchanged, 2);
	host(&d, 0, "alpha.lab", 3389,
	     RDD_HCHG_FIXED | RDD_HCHG_FINDINGS | RDD_HCHG_CERT);
	host(&d, 1, "alpha.lab", 3390, RDD_HCHG_GONE);
	host(&d, 2, "bravo.lab", 3389,
	     RDD_HCHG_NEW_FAILURE | RDD_HCHG_FINDINGS);
	host(&d, 3, "charlie.lab", 3389, RDD_HCHG_VERDICT | RDD_HCHG_FINDINGS);
	host(&d, 4, "delta.lab", 3389, RDD_HCHG_CERT);
	host(&d, 5, "echo.lab", 3389, RDD_HCHG_NEW);
	host(&d, 6, "foxtrot.lab", 3389, RDD_HCHG_GONE);
	assert_int_equal(d.count[5], 0);
	rdd_history_diff_free(&d);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
}

/* A host is its target as given plus its port. */
static void
test_diff_matches_target_and_port(void **state)
{
	struct ctx *c = *state;
	struct rdd_history *h = open_rw(c->db, 0);
	struct rdd_history_diff d;
	int64_t s1, s2;

	assert_int_equal(rdd_history_scan_begin(h, DAY1, NULL, &s1), 0);
	add_ok(h, s1, "10.0.0.1", doc_as("tls", "10.0.0.1", 3389));
	add_ok(h, s1, "srv", doc_as("tls", "srv", 3389));
	assert_int_equal(rdd_history_scan_end(h, s1, DAY1), 0);
	assert_int_equal(rdd_history_scan_begin(h, DAY2, NULL, &s2), 0);
	/* The same address under another name, and another port. */
	add_ok(h, s2, "srv.example", doc_as("tls", "10.0.0.1", 3389));
	add_ok(h, s2, "srv", doc_as("tls", "srv", 3390));
	assert_int_equal(rdd_history_scan_end(h, s2, DAY2), 0);
	assert_int_equal(rdd_history_diff(h, 0, 0, -1, &d), RDD_HISTORY_OK);
	assert_int_equal(d.n, 4);
	assert_int_equal(d.unchanged, 0);
	host(&d, 0, "10.0.0.1", 3389, RDD_HCHG_GONE);
	host(&d, 1, "srv", 3389, RDD_HCHG_GONE);
	host(&d, 2, "srv", 3390, RDD_HCHG_NEW);
	host(&d, 3, "srv.example", 3389, RDD_HCHG_NEW);
	rdd_history_diff_free(&d);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
}

static void
test_idempotence(void **state)
{
	struct ctx *c = *state;
	struct rdd_history_diff d;
	struct rdd_history *h;
	int64_t s1, s2, s3;
	char *a, *b;
	size_t la, lb;
	sqlite3 *db;

	write_two_scans(c->db, &s1, &s2);
	h = open_rw(c->db, 0);

	/* The same diff twice renders the same bytes. */
	assert_int_equal(rdd_history_diff(h, 0, 0, -1, &d), RDD_HISTORY_OK);
	a = render(&d, true, &la);
	rdd_history_diff_free(&d);
	assert_int_equal(rdd_history_diff(h, 0, 0, -1, &d), RDD_HISTORY_OK);
	b = render(&d, true, &lb);
	rdd_history_diff_free(&d);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);

	/* A scan compared with itself: nothing changed but the clock; the
	 * expiring certificates are still listed (they are a state). */
	assert_int_equal(rdd_history_diff(h, s2, s2, -1, &d), RDD_HISTORY_OK);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.unchanged, 6);
	host(&d, 0, "alpha.lab", 3389, RDD_HCHG_EXPIRING);
	host(&d, 1, "golf.lab", 3389, RDD_HCHG_EXPIRING);
	rdd_history_diff_free(&d);

	/* A host added twice is stored once, the second document winning;
	 * ending twice is harmless. */
	assert_int_equal(rdd_history_scan_begin(h, DAY2 + 3600, NULL, &s3),
	                 RDD_HISTORY_OK);
	add_ok(h, s3, "alpha.lab", doc_as("tls", "alpha.lab", 3389));
	assert_int_equal(rdd_history_flush(h), RDD_HISTORY_OK);
	add_ok(h, s3, "alpha.lab", doc_as("expired", "alpha.lab", 3389));
	add_ok(h, s3, "alpha.lab", doc_as("expired", "alpha.lab", 3389));
	assert_int_equal(rdd_history_scan_end(h, s3, DAY2 + 3700),
	                 RDD_HISTORY_OK);
	assert_int_equal(rdd_history_scan_end(h, s3, DAY2 + 9999),
	                 RDD_HISTORY_OK);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
	db = raw_open(c->db);
	assert_int_equal(sql_int(db,
	                         "SELECT count(*) FROM results WHERE scan_id = "
	                         "(SELECT max(id) FROM scans)",
	                         NULL),
	                 1);
	assert_sql_text(db,
	                "SELECT status FROM results WHERE scan_id = (SELECT "
	                "max(id) FROM scans)",
	                NULL, "critical");
	assert_int_equal(sql_int(db,
	                         "SELECT count(*) FROM findings WHERE "
	                         "result_id = (SELECT max(id) FROM results)",
	                         NULL),
	                 5);
	/* Orphans: the replaced result's findings went with it. */
	assert_int_equal(sql_int(db,
	                         "SELECT count(*) FROM findings WHERE "
	                         "result_id NOT IN (SELECT id FROM results)",
	                         NULL),
	                 0);
	assert_sql_text(db, "SELECT ended_at FROM scans WHERE id = ?1", "3",
	                "2026-12-02T01:01:40Z");
	assert_int_equal(
	    sql_int(db, "SELECT host_count FROM scans WHERE id = 3", NULL), 1);
	sqlite3_close(db);
}

/* Certificate names come from servers and targets from lists: the text
 * escapes control bytes, the JSON writes them (and DEL, and anything not
 * ASCII) as \u escapes. */
static void
test_untrusted_strings_escaped(void **state)
{
	struct ctx *c = *state;
	struct rdd_history *h = open_rw(c->db, 0);
	static const char evil[] = "CN=\x1b[31mred\x7f\xc3\xa9";
	struct rdd_history_diff d;
	int64_t s1, s2;
	json_t *doc;
	size_t len;
	char *out;

	assert_int_equal(rdd_history_scan_begin(h, DAY1, NULL, &s1), 0);
	add_ok(h, s1, "t\x1b]0;x\x07", doc_as("tls", "t", 3389));
	assert_int_equal(rdd_history_scan_end(h, s1, DAY1), 0);
	assert_int_equal(rdd_history_scan_begin(h, DAY2, NULL, &s2), 0);
	doc = doc_as("tls", "t", 3389);
	set_cert(doc, SHA_NEW, "2027-01-01T00:00:00Z", 30);
	json_object_set_new(
	    json_object_get(json_object_get(doc, "tls"), "certificate"),
	    "subject", json_string(evil));
	add_ok(h, s2, "t\x1b]0;x\x07", doc);
	assert_int_equal(rdd_history_scan_end(h, s2, DAY2), 0);
	assert_int_equal(rdd_history_diff(h, 0, 0, -1, &d), RDD_HISTORY_OK);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.c[0].what, RDD_HCHG_CERT | RDD_HCHG_EXPIRING);
	assert_string_equal(d.c[0].now.cert.subject, evil);

	out = render(&d, false, &len);
	assert_null(memchr(out, 0x1b, len));
	assert_null(memchr(out, 0x07, len));
	assert_null(memchr(out, 0x7f, len));
	assert_non_null(strstr(out, "  t\\x1b]0;x\\x07:3389  CN=\\x1b[31mred"
	                            "\\x7f\xc3\xa9: 30 days left"));
	free(out);
	out = render(&d, true, &len);
	assert_non_null(strstr(out, "\"target\": \"t\\u001B]0;x\\u0007\""));
	assert_non_null(
	    strstr(out, "\"subject\": \"CN=\\u001B[31mred\\u007F\\u00E9\""));
	for (size_t i = 0; i < len; i++)
		assert_true((unsigned char)out[i] < 0x7f);
	free(out);
	rdd_history_diff_free(&d);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
}

/* ---- Refusals ----------------------------------------------------------- */

static enum rdd_history_status
try_open(const char *path, bool read_only, int busy_ms, char *err,
         size_t errlen)
{
	struct rdd_history_opts opt = {.read_only = read_only,
	                               .busy_ms = busy_ms};
	/* Not NULL before: a failed open must set it to NULL. */
	struct rdd_history *h = (struct rdd_history *)&opt;
	enum rdd_history_status s;

	s = rdd_history_open(path, &opt, &h, err, errlen);
	if (s != RDD_HISTORY_OK)
		assert_null(h);
	else
		rdd_history_close(h);
	return s;
}

static void
test_newer_schema_refused(void **state)
{
	struct ctx *c = *state;
	char err[RDD_HISTORY_ERR_MAX], want[256], *before, *after;
	size_t lb, la;
	sqlite3 *db;

	rdd_history_close(open_rw(c->db, 0));
	db = raw_open(c->db);
	assert_int_equal(sqlite3_exec(db,
	                              "UPDATE meta SET value = '2' WHERE key "
	                              "= 'schema_version'",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	before = slurp(c->db, &lb);
	assert_non_null(before);

	assert_int_equal(try_open(c->db, false, 0, err, sizeof(err)),
	                 RDD_HISTORY_E_SCHEMA);
	snprintf(want, sizeof(want),
	         "%s: history schema 2 was written by a newer rdpdoctor; this "
	         "one reads schema 1 at most (left unchanged)",
	         c->db);
	assert_string_equal(err, want);
	assert_int_equal(try_open(c->db, true, 0, err, sizeof(err)),
	                 RDD_HISTORY_E_SCHEMA);
	after = slurp(c->db, &la);
	assert_int_equal(la, lb);
	assert_memory_equal(before, after, la);
	free(before);
	free(after);
}

/* Someone else's database is not touched, not even switched to WAL. */
static void
test_foreign_database_refused(void **state)
{
	struct ctx *c = *state;
	char err[RDD_HISTORY_ERR_MAX], want[256], *before, *after;
	sqlite3 *db = NULL;
	size_t lb, la;

	assert_int_equal(sqlite3_open(c->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TABLE t (x); INSERT INTO t "
	                              "VALUES (1)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	before = slurp(c->db, &lb);
	assert_int_equal(try_open(c->db, false, 0, err, sizeof(err)),
	                 RDD_HISTORY_E_FOREIGN);
	snprintf(want, sizeof(want),
	         "%s: an SQLite database, but not an rdpdoctor history (left "
	         "unchanged)",
	         c->db);
	assert_string_equal(err, want);
	after = slurp(c->db, &la);
	assert_int_equal(la, lb);
	assert_memory_equal(before, after, la);
	db = raw_open(c->db);
	assert_sql_text(db, "PRAGMA journal_mode", NULL, "delete");
	sqlite3_close(db);
	free(before);
	free(after);
}

static void
test_not_a_database(void **state)
{
	struct ctx *c = *state;
	static const char text[] =
	    "alpha.lab\nbravo.lab:3390\n# a target list, given as --db by "
	    "mistake\n10.0.0.0/30\n";
	char err[RDD_HISTORY_ERR_MAX], want[256], path[160], *after;
	size_t la;
	FILE *f;

	f = fopen(c->db, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	fclose(f);
	assert_int_equal(try_open(c->db, false, 0, err, sizeof(err)),
	                 RDD_HISTORY_E_NOTADB);
	snprintf(want, sizeof(want), "%s: not an SQLite database", c->db);
	assert_string_equal(err, want);
	assert_int_equal(try_open(c->db, true, 0, err, sizeof(err)),
	                 RDD_HISTORY_E_NOTADB);
	after = slurp(c->db, &la);
	assert_int_equal(la, strlen(text));
	assert_memory_equal(after, text, la);
	free(after);
	snprintf(path, sizeof(path), "%s-wal", c->db);
	assert_false(exists(path));
	snprintf(path, sizeof(path), "%s-shm", c->db);
	assert_false(exists(path));

	/* A directory; a missing file read-only; a missing directory. */
	assert_int_equal(try_open(c->dir, false, 0, err, sizeof(err)),
	                 RDD_HISTORY_E_OPEN);
	snprintf(want, sizeof(want), "%s: is a directory", c->dir);
	assert_string_equal(err, want);
	snprintf(path, sizeof(path), "%s/none.db", c->dir);
	assert_int_equal(try_open(path, true, 0, err, sizeof(err)),
	                 RDD_HISTORY_E_OPEN);
	snprintf(want, sizeof(want),
	         "%s: cannot open: No such file or directory", path);
	assert_string_equal(err, want);
	assert_false(exists(path));
	snprintf(path, sizeof(path), "%s/no/such/dir.db", c->dir);
	assert_int_equal(try_open(path, false, 0, err, sizeof(err)),
	                 RDD_HISTORY_E_OPEN);
	snprintf(want, sizeof(want),
	         "%s: cannot create: No such file or directory", path);
	assert_string_equal(err, want);
}

/* A file this open created is removed when the open fails after all:
 * here a directory stands where SQLite looks for the WAL file, and its
 * first read fails with an I/O error. */
static void
test_failed_create_leaves_nothing(void **state)
{
	struct ctx *c = *state;
	char err[RDD_HISTORY_ERR_MAX], wal[160];
	enum rdd_history_status s;

	snprintf(wal, sizeof(wal), "%s-wal", c->db);
	assert_int_equal(mkdir(wal, 0700), 0);
	s = try_open(c->db, false, 0, err, sizeof(err));
	assert_int_equal(s, RDD_HISTORY_E_DB);
	assert_non_null(strstr(err, "disk I/O error"));
	assert_false(exists(c->db));
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A second connection holds the write lock: the open waits busy_ms and
 * says the file is locked; once the lock is gone the open works. */
static void
test_locked_database(void **state)
{
	struct ctx *c = *state;
	char err[RDD_HISTORY_ERR_MAX], want[256];
	sqlite3 *other;
	double t0, waited;

	rdd_history_close(open_rw(c->db, 0));
	other = raw_open(c->db);
	assert_int_equal(sqlite3_exec(other,
	                              "BEGIN IMMEDIATE; INSERT INTO meta "
	                              "VALUES ('lock', 'held')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	t0 = now_ms();
	assert_int_equal(try_open(c->db, false, 200, err, sizeof(err)),
	                 RDD_HISTORY_E_LOCKED);
	waited = now_ms() - t0;
	snprintf(want, sizeof(want),
	         "%s: locked by another process (still locked after 200 ms "
	         "while opening it for writing)",
	         c->db);
	assert_string_equal(err, want);
	assert_true(waited >= 190.0);
	/* WAL: a reader (a diff) is not kept out by the writer. */
	assert_int_equal(try_open(c->db, true, 200, err, sizeof(err)),
	                 RDD_HISTORY_OK);
	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(try_open(c->db, false, 200, err, sizeof(err)),
	                 RDD_HISTORY_OK);
}

/* A database in rollback-journal mode under an exclusive lock cannot even
 * be read: the first read already reports the lock. */
static void
test_locked_exclusive_empty(void **state)
{
	struct ctx *c = *state;
	char err[RDD_HISTORY_ERR_MAX];
	sqlite3 *other;

	assert_int_equal(sqlite3_open(c->db, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other,
	                              "CREATE TABLE t (x); BEGIN EXCLUSIVE; "
	                              "INSERT INTO t VALUES (1)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(try_open(c->db, false, 100, err, sizeof(err)),
	                 RDD_HISTORY_E_LOCKED);
	assert_non_null(strstr(err, "locked by another process"));
	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(other);
}

/* The lock taken in the middle of a scan: the batch that cannot be
 * written stays queued, the scan stays incomplete, and ending it after
 * the lock is gone writes everything. */
static void
test_locked_during_scan(void **state)
{
	struct ctx *c = *state;
	struct rdd_history_opts opt = {.busy_ms = 100, .batch = 2};
	struct rdd_history *h = NULL;
	char err[RDD_HISTORY_ERR_MAX];
	int64_t scan;
	sqlite3 *other;
	json_t *d;

	assert_int_equal(rdd_history_open(c->db, &opt, &h, err, sizeof(err)),
	                 RDD_HISTORY_OK);
	assert_int_equal(rdd_history_scan_begin(h, DAY1, NULL, &scan), 0);
	add_ok(h, scan, "a", doc_as("tls", "a", 3389));
	other = raw_open(c->db);
	assert_int_equal(
	    sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	d = doc_as("tls", "b", 3389);
	assert_int_equal(rdd_history_add(h, scan, "b", d),
	                 RDD_HISTORY_E_LOCKED);
	json_decref(d);
	assert_non_null(strstr(rdd_history_errmsg(h), "while writing results"));
	assert_int_equal(rdd_history_scan_end(h, scan, DAY1 + 1),
	                 RDD_HISTORY_E_LOCKED);
	assert_int_equal(sql_int(other, "SELECT count(*) FROM results", NULL),
	                 0);
	assert_int_equal(sql_int(other, "SELECT complete FROM scans", NULL), 0);
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(rdd_history_scan_end(h, scan, DAY1 + 2),
	                 RDD_HISTORY_OK);
	assert_int_equal(sql_int(other, "SELECT count(*) FROM results", NULL),
	                 2);
	assert_int_equal(sql_int(other, "SELECT complete FROM scans", NULL), 1);
	assert_int_equal(sql_int(other, "SELECT host_count FROM scans", NULL),
	                 2);
	sqlite3_close(other);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
}

static void
test_bad_calls(void **state)
{
	struct ctx *c = *state;
	struct rdd_history_opts ro = {.read_only = true};
	struct rdd_history *h = open_rw(c->db, 0), *r = NULL;
	char err[RDD_HISTORY_ERR_MAX];
	struct rdd_history_diff d;
	int64_t scan, other;
	json_t *doc;

	/* No complete scan yet; then only one. */
	assert_int_equal(rdd_history_diff(h, 0, 0, -1, &d),
	                 RDD_HISTORY_E_NOSCAN);
	assert_non_null(strstr(rdd_history_errmsg(h), "no complete scan yet"));
	rdd_history_diff_free(&d);
	assert_int_equal(rdd_history_scan_begin(h, DAY1, NULL, &scan), 0);
	assert_int_equal(rdd_history_scan_begin(h, DAY1, NULL, &other),
	                 RDD_HISTORY_E_STATE);
	doc = doc_as("tls", "x", 3389);
	assert_int_equal(rdd_history_add(h, scan + 1, NULL, doc),
	                 RDD_HISTORY_E_STATE);
	json_object_del(doc, "verdict");
	assert_int_equal(rdd_history_add(h, scan, NULL, doc),
	                 RDD_HISTORY_E_DOC);
	assert_string_equal(rdd_history_errmsg(h),
	                    "result not stored: not a check document (no "
	                    "verdict.status)");
	json_object_set_new(json_object_get(doc, "target"), "port",
	                    json_integer(0));
	assert_int_equal(rdd_history_add(h, scan, NULL, doc),
	                 RDD_HISTORY_E_DOC);
	json_decref(doc);
	doc = json_string("not a document");
	assert_int_equal(rdd_history_add(h, scan, "x", doc), RDD_HISTORY_E_DOC);
	json_decref(doc);
	assert_int_equal(rdd_history_scan_end(h, scan, DAY1), RDD_HISTORY_OK);
	assert_int_equal(rdd_history_diff(h, 0, 0, -1, &d),
	                 RDD_HISTORY_E_NOSCAN);
	assert_non_null(
	    strstr(rdd_history_errmsg(h), "no complete scan before scan 1"));
	rdd_history_diff_free(&d);
	assert_int_equal(rdd_history_diff(h, 7, 1, -1, &d),
	                 RDD_HISTORY_E_NOSCAN);
	assert_non_null(strstr(rdd_history_errmsg(h), "no scan 7"));
	rdd_history_diff_free(&d);
	assert_int_equal(rdd_history_scan_end(h, 42, DAY1),
	                 RDD_HISTORY_E_STATE);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);

	/* Read-only: diff yes, scans no. */
	assert_int_equal(rdd_history_open(c->db, &ro, &r, err, sizeof(err)),
	                 RDD_HISTORY_OK);
	assert_int_equal(rdd_history_scan_begin(r, DAY2, NULL, &scan),
	                 RDD_HISTORY_E_READONLY);
	assert_int_equal(rdd_history_diff(r, 1, 1, -1, &d), RDD_HISTORY_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.unchanged, 0);
	rdd_history_diff_free(&d);
	assert_int_equal(rdd_history_close(r), RDD_HISTORY_OK);
}

/* ---- An interrupted scan ----------------------------------------------- */

/* The child writes scan 3 in batches of 2 and dies after 3 hosts, without
 * ending the scan or closing the handle: the third host was queued only. */
static void
crash_in_scan(const char *path)
{
	struct rdd_history_opts opt = {.batch = 2};
	struct rdd_history *h = NULL;
	const char *const hosts[] = {"alpha.lab", "bravo.lab", "charlie.lab"};
	int64_t scan;
	size_t i;
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (rdd_history_open(path, &opt, &h, NULL, 0) != 0 ||
		    rdd_history_scan_begin(h, DAY2 + 86400, "crash", &scan) !=
		        0)
			_exit(2);
		for (i = 0; i < 3; i++) {
			json_t *d = doc_as("refused", hosts[i], 3389);

			if (rdd_history_add(h, scan, hosts[i], d) != 0)
				_exit(3);
		}
		_exit(0); /* no end, no close: as if killed */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_interrupted_scan(void **state)
{
	struct ctx *c = *state;
	struct rdd_history_diff d;
	struct rdd_history *h;
	int64_t s1, s2;
	sqlite3 *db;

	write_two_scans(c->db, &s1, &s2);
	crash_in_scan(c->db);

	db = raw_open(c->db);
	assert_int_equal(
	    sql_int(db, "SELECT complete FROM scans WHERE id = 3", NULL), 0);
	assert_sql_text(db, "SELECT ended_at FROM scans WHERE id = ?1", "3",
	                NULL);
	assert_int_equal(sql_int(db,
	                         "SELECT count(*) FROM results WHERE scan_id "
	                         "= 3",
	                         NULL),
	                 2);
	sqlite3_close(db);

	/* The default diff is still scan 1 -> 2. */
	h = open_rw(c->db, 0);
	assert_int_equal(rdd_history_diff(h, 0, 0, -1, &d), RDD_HISTORY_OK);
	assert_known_diff(&d, s1, s2);
	rdd_history_diff_free(&d);
	/* Named, it can be looked at, and says it is incomplete. */
	assert_int_equal(rdd_history_diff(h, 0, 3, -1, &d), RDD_HISTORY_OK);
	assert_int_equal(d.from.id, s2);
	assert_int_equal(d.to.id, 3);
	assert_false(d.to.complete);
	assert_int_equal(d.to.hosts, 2);
	assert_null(d.to.ended_at);
	rdd_history_diff_free(&d);
	/* No other handle can make it look complete. */
	assert_int_equal(rdd_history_scan_end(h, 3, DAY2 + 90000),
	                 RDD_HISTORY_E_STATE);
	assert_non_null(strstr(rdd_history_errmsg(h), "stays incomplete"));

	/* A scan closed before its end keeps what was added, incomplete. */
	assert_int_equal(rdd_history_scan_begin(h, DAY2 + 99999, NULL, &s1),
	                 RDD_HISTORY_OK);
	add_ok(h, s1, "zulu.lab", doc_as("tls", "zulu.lab", 3389));
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
	db = raw_open(c->db);
	assert_int_equal(
	    sql_int(db, "SELECT complete FROM scans WHERE id = 4", NULL), 0);
	assert_int_equal(sql_int(db,
	                         "SELECT count(*) FROM results WHERE scan_id "
	                         "= 4",
	                         NULL),
	                 1);
	sqlite3_close(db);
}

/* ---- 10,000 results ----------------------------------------------------- */

#define PERF_HOSTS 5000 /* per scan: two scans, 10,000 results */

static void
test_ten_thousand_results(void **state)
{
	struct ctx *c = *state;
	json_t *base = fixture("tls");
	struct rdd_history_diff d;
	struct rdd_history *h = open_rw(c->db, 0);
	double t0, t_write, t_diff;
	char *one = json_dumps(base, JSON_COMPACT);
	size_t doc_len = strlen(one);
	int64_t s1, s2;
	char name[32];
	int i;

	free(one);

	t0 = now_ms();
	assert_int_equal(rdd_history_scan_begin(h, DAY1, NULL, &s1), 0);
	for (i = 0; i < PERF_HOSTS; i++) {
		json_t *doc = json_deep_copy(base);

		snprintf(name, sizeof(name), "h%05d.lab", i);
		add_ok(h, s1, name, doc);
	}
	assert_int_equal(rdd_history_scan_end(h, s1, DAY1 + 600), 0);
	/* Scan 2: every 25th host gone, every 10th other one failing, every
	 * 7th other one with another certificate, 200 new hosts. */
	assert_int_equal(rdd_history_scan_begin(h, DAY2, NULL, &s2), 0);
	for (i = 0; i < PERF_HOSTS; i++) {
		json_t *doc;

		if (i % 25 == 0)
			continue;
		doc = json_deep_copy(base);
		if (i % 10 == 0)
			set_verdict(doc, "critical", "tls");
		if (i % 7 == 0)
			set_cert(doc, SHA_NEW, "2030-01-01T00:00:00Z", 1000);
		snprintf(name, sizeof(name), "h%05d.lab", i);
		add_ok(h, s2, name, doc);
	}
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "n%03d.lab", i);
		add_ok(h, s2, name, json_deep_copy(base));
	}
	assert_int_equal(rdd_history_scan_end(h, s2, DAY2 + 600), 0);
	t_write = now_ms() - t0;

	t0 = now_ms();
	assert_int_equal(rdd_history_diff(h, 0, 0, -1, &d), RDD_HISTORY_OK);
	t_diff = now_ms() - t0;
	assert_int_equal(d.from.hosts + d.to.hosts, 10000);
	assert_int_equal(d.count[6], 200);                 /* gone */
	assert_int_equal(d.count[7], 200);                 /* new */
	assert_int_equal(d.count[0], 500 - 100);           /* 10th, not 50th */
	assert_int_equal(d.count[4], 715 - 29);            /* 7th, not 175th */
	assert_int_equal(d.n, 200 + 200 + 400 + 686 - 57); /* 70th, not 350th */
	assert_int_equal(d.unchanged, 4800 - 1029);
	assert_int_equal(d.count[1] + d.count[2] + d.count[3] + d.count[5], 0);
	rdd_history_diff_free(&d);
	assert_int_equal(rdd_history_close(h), RDD_HISTORY_OK);
	json_decref(base);
	print_message("[ PERF     ] 10000 results (%zu-byte documents): "
	              "written in %.0f ms, diffed in %.0f ms\n",
	              doc_len, t_write, t_diff);
	/* Generous: an ASan build on a shared machine. */
	assert_true(t_write < 120000.0);
	assert_true(t_diff < 30000.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_schema_on_first_use, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_columns_from_real_documents,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tls_versions_column, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_diff_known_changes, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_diff_matches_target_and_port,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idempotence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_untrusted_strings_escaped,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_foreign_database_refused,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_database, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_failed_create_leaves_nothing,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_locked_database, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_locked_exclusive_empty, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_locked_during_scan, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_bad_calls, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_interrupted_scan, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_ten_thousand_results, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
