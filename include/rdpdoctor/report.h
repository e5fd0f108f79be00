/*
 * report.h - renderers of an observation and its diagnosis.
 *
 * Text for a terminal, and one JSON document (schema: docs/json.md). Every
 * string that came from the server is escaped here: control characters
 * never reach a terminal, and JSON strings are valid UTF-8.
 */
#ifndef RDPDOCTOR_REPORT_H
#define RDPDOCTOR_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rdpdoctor/codes.h"
#include "rdpdoctor/diag.h"
#include "rdpdoctor/observation.h"

#define RDD_JSON_SCHEMA_VERSION 1

struct rdd_text_options {
	bool color;
	bool verbose; /* every attempt, not only the ones that matter */
};

int rdd_report_text(FILE *out, const struct rdd_observation *obs,
                    const struct rdd_diagnosis *diag,
                    const struct rdd_text_options *opt);

/* One JSON document followed by a newline. Returns 0 or -1. */
int rdd_report_json(FILE *out, const struct rdd_observation *obs,
                    const struct rdd_diagnosis *diag);

/*
 * The same document as a jansson json_t * (declared void * so that this
 * header needs no jansson): the caller owns it (json_decref). NULL when
 * out of memory. scan, its policy, drift and history work on it.
 */
void *rdd_report_json_doc(const struct rdd_observation *obs,
                          const struct rdd_diagnosis *diag);

/* DOC (a json_t *) on one line, then a newline (NDJSON). 0 or -1. */
int rdd_report_json_line(FILE *out, const void *doc);

/* ---- HTML: one self-contained page (inline CSS and SVG, no script) ------ */

/*
 * The check document DOC (a json_t *: rdd_report_json_doc's, or one read
 * back from `check --json`) as one HTML page: the verdict, the phase
 * waterfall, the findings with their fixes, the certificate, TLS, CredSSP,
 * MCS and session details, the path with an RTT chart. Every string of DOC
 * is escaped (a saved document is untrusted as a whole). Returns 0, or -1
 * when DOC is not a check document (no "phases" array or no "verdict"
 * object) or OUT has an error (OUT is not flushed).
 */
int rdd_report_html(FILE *out, const void *doc);

/* N check documents on one page: a table of them, then each as above
 * (its ids prefixed "hN-"). One document: as rdd_report_html. */
int rdd_report_html_many(FILE *out, const void *const *docs, size_t n);

/*
 * The fleet page of a scan: the N documents of `rdpdoctor scan` (its
 * NDJSON lines, json_t *) with counts (ok, warning, critical, unreachable,
 * unknown; by failing phase; by finding; by policy result and rule when
 * the documents have "policy"), a table of the hosts (worst first, then by
 * name; sortable by any column with the page's one inline script, which
 * the page's Content-Security-Policy allows by its hash and which reads
 * nothing but the table), DRIFT (rdd_drift_json's object, or NULL: no
 * drift section), then each host's section as rdd_report_html's (ids
 * prefixed "hN-", N its place in the table's first order). The order of
 * the documents does not change the page. Returns 0, or -1 when a document is not a check document or
 * OUT has an error.
 */
int rdd_report_html_scan(FILE *out, const void *const *docs, size_t n,
                         const void *drift);

/*
 * The page of a capture: DOC is `rdpdoctor pcap --json`'s document
 * ({"summary", "connections"}): the summary line and the capture's facts,
 * a table of the connections, then per connection its capture facts (the
 * endpoints, status, what was not visible, how it ended, the evidence
 * frames) and its check section (ids prefixed "cN-", N its index). No
 * script. Returns 0, or -1 when DOC has no "connections" array, a
 * connection is not a check document, or OUT has an error.
 */
int rdd_report_html_pcap(FILE *out, const void *doc);

/*
 * Escape untrusted bytes for HTML text or a double-quoted attribute:
 * & < > " ' become entities; control characters (but tab and line feed)
 * and DEL become \xNN, the C1 and bidirectional controls \uNNNN, each byte
 * of ill-formed UTF-8 U+FFFD. Never splits a character or an entity;
 * always NUL-terminates DST (cap > 0), truncating if needed. Returns DST.
 */
char *rdd_escape_html(char *dst, size_t cap, const char *src);

/* ---- monitoring: Nagios/Icinga, Prometheus, rdpdoctor watch ------------ */

/*
 * The check document DOC as a Nagios plugin's output (Nagios plugin
 * guidelines): "RDP STATUS - summary | perfdata" on the first line (the
 * phases' times in seconds, with the timeout as maximum; the RTT, loss
 * and certificate days with the findings' thresholds), then one line per
 * finding. The exit status to go with it is verdict.exit_code. Returns 0
 * or -1.
 */
int rdd_report_nagios(FILE *out, const void *doc);

/* Repeated checks of one target (rdpdoctor watch): what each round showed,
 * kept for percentiles and for when each finding came and went. */
struct rdd_watch;

/* A new record, empty; NULL when out of memory. INTERVAL_S is only shown. */
struct rdd_watch *rdd_watch_new(double interval_s);
void rdd_watch_free(struct rdd_watch *w);
/* Add a round: DOC is its check document. Returns 0, or -1 when DOC is not
 * a check document or memory ran out (the round is then not counted). */
int rdd_watch_add(struct rdd_watch *w, const void *doc);
/* Rounds added. */
size_t rdd_watch_rounds(const struct rdd_watch *w);
/* One line for the last round: its time, number, verdict, each phase's
 * time and the findings that came (+id) and went (-id) since the round
 * before. 0 or -1. */
int rdd_watch_line(FILE *out, const struct rdd_watch *w);
/* The summary: per phase min, median, p95 and max over the rounds, the
 * verdicts and failure rate, and each finding that did not come in every
 * round with how often and when it came and went. 0 or -1. */
int rdd_watch_summary(FILE *out, const struct rdd_watch *w);

/*
 * DOC (the last check) as a node_exporter textfile-collector file, names
 * in blackbox_exporter's style (rdpdoctor_probe_success,
 * rdpdoctor_phase_duration_seconds{phase="tls"}, ...), with HELP and TYPE
 * lines; with W (may be NULL) also the watch's counters. 0 or -1.
 */
int rdd_report_prometheus(FILE *out, const void *doc,
                          const struct rdd_watch *w);

/*
 * Write PATH whole or not at all: WRITE(out, CTX) into a temporary file
 * beside PATH, flushed and synced, then renamed over it (mode 0644), so a
 * reader (node_exporter, a browser) sees the old file or the new one,
 * never half. PATH "-" writes to standard output instead. Returns 0, or
 * -1 with errno set (the temporary file is removed).
 */
int rdd_report_write_file(const char *path, int (*write)(FILE *out, void *ctx),
                          void *ctx);

/* ---- rdpdoctor explain: what an error code means ----------------------- */

#define RDD_EXPLAIN_INPUT_MAX 128 /* longest CODE or EXTENDED, in bytes */
#define RDD_EXPLAIN_MAX_MATCHES 16
#define RDD_EXPLAIN_MAX_SUGGEST 10

/* The nearest known codes of one table below and above an unknown number
 * (each NULL when the table has none on that side). */
struct rdd_explain_near {
	enum rdd_code_table table;
	const struct rdd_code *below, *above;
};

/* What one argument of explain (CODE or EXTENDED) turned out to be. */
struct rdd_explain_lookup {
	char input[RDD_EXPLAIN_INPUT_MAX + 1]; /* as typed: untrusted */
	bool numeric;   /* read as a number (possibly as bare hex) */
	bool bare_hex;  /* "80090302": hex, after decimal found nothing */
	uint32_t value; /* when numeric */
	struct rdd_code_match m[RDD_EXPLAIN_MAX_MATCHES];
	size_t n; /* matches; 0: unknown */
	/* An unknown name: the names that contain it, for "did you mean". */
	const struct rdd_code *suggest[RDD_EXPLAIN_MAX_SUGGEST];
	size_t n_suggest;
	/* An unknown number: every table it could come from, in table
	 * order, with its nearest codes. */
	struct rdd_explain_near near[RDD_TABLE_COUNT];
	size_t n_near;
};

/* What `rdpdoctor explain CODE [EXTENDED]` found. */
struct rdd_explain {
	struct rdd_explain_lookup code;
	bool has_extended;
	struct rdd_explain_lookup extended; /* when has_extended */
	bool known; /* CODE, and EXTENDED if given, have matches */
	/* The distinct stories of the matches, the extended reason's first:
	 * it is the more specific of the two. */
	enum rdd_story stories[RDD_STORY_COUNT];
	size_t n_stories;
};

/*
 * Look CODE (a number as clients print it, or a name) and EXTENDED (the
 * extended disconnect reason beside it, or NULL) up in every code table
 * (codes.h) and fill *E. Returns 0, or -1 when an argument is empty or
 * longer than RDD_EXPLAIN_INPUT_MAX bytes.
 */
int rdd_explain_codes(struct rdd_explain *e, const char *code,
                      const char *extended);

/* The explanation for a terminal, wrapped at 80 columns; opt->verbose adds
 * where each code's meaning comes from. Returns 0, or -1 if OUT has an
 * error (OUT is not flushed). */
int rdd_report_explain_text(FILE *out, const struct rdd_explain *e,
                            const struct rdd_text_options *opt);

/* The explanation as one JSON document followed by a newline. Returns 0
 * or -1; OUT is not flushed. */
int rdd_report_explain_json(FILE *out, const struct rdd_explain *e);

/*
 * Escape untrusted bytes for a terminal: printable ASCII and valid UTF-8
 * pass, everything else (control characters, ESC, invalid UTF-8) becomes
 * \xNN. Always NUL-terminates DST (when cap > 0), truncating if needed.
 * Returns DST.
 */
char *rdd_escape_terminal(char *dst, size_t cap, const char *src);

/*
 * Make untrusted bytes valid UTF-8 for JSON: invalid sequences become
 * U+FFFD. The JSON library escapes control characters itself.
 */
char *rdd_sanitize_utf8(char *dst, size_t cap, const char *src);

#endif
