/*
 * html_int.h - the pieces of the HTML report (internal to lib/report).
 *
 * Every page is rendered from check documents (json_t, the schema of
 * docs/json.md), never from an observation: a live `check --html`, a saved
 * document (`rdpdoctor report FILE.json --html`) and any page that shows
 * many hosts (scan, pcap) go through the same functions, so they show the
 * same facts. A document read from a file is untrusted as a whole, so
 * every string taken from it, enumeration names included, is escaped, and
 * a field of the wrong type reads as absent.
 *
 * A page is:
 *
 *     rdd__h_page_begin(&w, title, NULL);   doctype, <head> with the CSS
 *                                           and a Content-Security-Policy
 *                                           that allows no script and no
 *                                           network; <body>
 *     rdd__h_check_section(&w, doc, "h1-"); one host: verdict, waterfall,
 *                                           findings, details; every id
 *                                           and anchor prefixed with
 *                                           "h1-" so many hosts can share
 *                                           a page
 *     rdd__h_page_end(&w);
 *
 * A scan or pcap page adds its own sections (summary, host table) between
 * the same begin and end, links to each host's section by its prefix
 * (rdd__h_anchor), and may use the smaller pieces below (waterfall, kv
 * tables, badges). A page that needs a small inline script passes its
 * hash to rdd__h_page_begin as SCRIPT_SRC ("'sha256-...'").
 */
#ifndef RDD_REPORT_HTML_INT_H
#define RDD_REPORT_HTML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* The writer: the first failure sticks. */
struct hw {
	FILE *out;
	int err;
	/* A page of many hosts leaves out each host's tree of every field
	 * (rdd__h_raw_tree): half the page, and in the NDJSON anyway. */
	bool no_raw;
};

/* ---- writing ------------------------------------------------------------ */

/* Our own markup, written as is (never a string from a document). */
void rdd__h_raw(struct hw *w, const char *s);
/* printf of our own markup; every %s argument must be ours or escaped. */
void rdd__h_printf(struct hw *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* S (untrusted, NULL for "") escaped for text or a double-quoted
 * attribute: & < > " ' as entities, control characters, DEL, the C1
 * controls and the bidirectional controls as visible \xNN or \uNNNN, each
 * byte of ill-formed UTF-8 as U+FFFD. */
void rdd__h_text(struct hw *w, const char *s);
/* The same for the first N bytes of S. */
void rdd__h_text_n(struct hw *w, const char *s, size_t n);
/* S with `backtick` spans as <code class="cmd"> (selected whole with one
 * click, for commands to copy); the rest as rdd__h_text. */
void rdd__h_text_code(struct hw *w, const char *s);
/* "12.3 ms", "1.24 s", or "-" for a negative or not finite MS. */
void rdd__h_ms(struct hw *w, double ms);
/* A number for an attribute or SVG coordinate: "%.3f" without trailing
 * zeros, "0" for anything not finite. */
void rdd__h_num(struct hw *w, double v);
/* PREFIX and NAME, escaped, as an id or the part of a link after '#'. */
void rdd__h_anchor(struct hw *w, const char *prefix, const char *name);

/* ---- reading a document (NULL or false when absent or another type) ---- */

json_t *rdd__h_get(const json_t *obj, const char *key);
const char *rdd__h_str(const json_t *obj, const char *key);
/* A number (integer or real) at KEY into *V. */
bool rdd__h_num_at(const json_t *obj, const char *key, double *v);
bool rdd__h_int_at(const json_t *obj, const char *key, long long *v);
/* 1 true, 0 false, -1 null, absent or another type. */
int rdd__h_bool(const json_t *obj, const char *key);
json_t *rdd__h_obj(const json_t *obj, const char *key);
json_t *rdd__h_arr(const json_t *obj, const char *key);
/* True when DOC looks like a check document: an object with a "phases"
 * array and a "verdict" object. */
bool rdd__h_is_check(const json_t *doc);

/* ---- page --------------------------------------------------------------- */

/* TITLE is untrusted (escaped). SCRIPT_SRC: NULL (no script may run), or
 * the CSP script-src sources of the page's own inline script. */
void rdd__h_page_begin(struct hw *w, const char *title, const char *script_src);
void rdd__h_page_end(struct hw *w);

/* ---- small pieces ------------------------------------------------------- */

/* A coloured label: CLASS is ours ("ok", "warning", "critical", "info",
 * "skipped", "failed", "timeout", "unknown"): any other value gets the
 * neutral style. TEXT is escaped. */
void rdd__h_badge(struct hw *w, const char *cls, const char *text);
/* The CSS class for a status or severity name from a document (one of the
 * names above, else "unknown"); never returns the untrusted string. */
const char *rdd__h_class(const char *name);

/* A two-column table of facts: begin, rows, end. LABEL is ours. */
void rdd__h_kv_begin(struct hw *w);
void rdd__h_kv_end(struct hw *w);
/* A row with the string at KEY of OBJ (escaped); "-" when null; no row
 * when the key is absent. */
void rdd__h_kv_str(struct hw *w, const char *label, const json_t *obj,
                   const char *key);
/* Any JSON value at KEY, in words: null "-", booleans yes/no, numbers,
 * strings escaped, arrays of strings joined by ", ". */
void rdd__h_kv_val(struct hw *w, const char *label, const json_t *obj,
                   const char *key);
/* A row whose value the caller writes: begin, value, end. */
void rdd__h_kv_row_begin(struct hw *w, const char *label);
void rdd__h_kv_row_end(struct hw *w);
/* VALUE of any type in words (as rdd__h_kv_val). */
void rdd__h_value(struct hw *w, const json_t *value);

/* The document's target as "host:port", "[v6]:port" (escaped). */
void rdd__h_target(struct hw *w, const json_t *doc);

/* ---- sections of a check document (html_check.c and its files) ------- */

/* One host: everything a check document holds, ids prefixed by PREFIX
 * (ours, e.g. "h3-"; "" on a page of one check). Returns w->err. */
int rdd__h_check_section(struct hw *w, const json_t *doc, const char *prefix);

/* The phase waterfall (SVG, bars to scale from the phases' start_ms and
 * ms, the failed phase red with its finding) and the connections beneath
 * it on the same time scale (html_waterfall.c). */
void rdd__h_waterfall(struct hw *w, const json_t *doc, const char *prefix);
/* The path samples as a small RTT chart (SVG; html_waterfall.c). */
void rdd__h_rtt_chart(struct hw *w, const json_t *network);

/* Geometry of the waterfall, shared with its tests through the data-*
 * attributes: x of a bar = X0 + start_ms / span_ms * WIDTH, its width
 * ms / span_ms * WIDTH, at least RDD_H_MIN_BAR; a bar that would pass
 * X0 + WIDTH stops there and has data-clipped="1". */
#define RDD_H_WF_X0 180.0
#define RDD_H_WF_WIDTH 680.0
#define RDD_H_MIN_BAR 1.5

/* The findings with evidence and fixes (html_findings.c). */
void rdd__h_findings(struct hw *w, const json_t *doc, const char *prefix);
/* The error the user gave (--client-error) and what explains it. */
void rdd__h_client_error(struct hw *w, const json_t *doc, const char *prefix);

/* The details (html_details.c): certificate and TLS, the connections,
 * CredSSP/NTLM and the logon, MCS and the session, --tls-full, the path. */
void rdd__h_details(struct hw *w, const json_t *doc, const char *prefix);
/* The whole document as nested tables, for what no section above shows
 * (collapsed). */
void rdd__h_raw_tree(struct hw *w, const json_t *doc);

#endif
