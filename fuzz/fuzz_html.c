/*
 * fuzz_html.c - libFuzzer target for the renderers of a check document:
 * the HTML pages (lib/report/html_*.c: a check's, a scan's fleet page with
 * the drift of lib/scan, a capture's page), the Nagios line (nagios.c),
 * the Prometheus textfile (prometheus.c) and watch's record (watch.c).
 *
 * `rdpdoctor report FILE.json` reads documents that anyone may have
 * written, so the renderers must take any JSON. The input is read twice:
 * as JSON text (one document, or several one after the other as `report`
 * reads them), and as edits to the first document, each setting a value
 * somewhere in it to a string of raw bytes (possibly ill-formed UTF-8,
 * which jansson's own parser would refuse), a number, a boolean, null, an
 * empty container, or removing it. Each document goes to every renderer,
 * and to watch twice. Invariants a crash would not reveal are checked with
 * abort(): a page holds no "<script" (a scan's page exactly one, its
 * own, after every host) and no raw control byte but line feed and tab,
 * and a Nagios line has no second '|'. A document is also rendered as a
 * capture's (as is, and as the one connection of a capture) and as two
 * hosts of a scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rdpdoctor/report.h"
#include "scan/drift.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

#define MAX_SLOTS 512

enum page_kind { PAGE_CHECK, PAGE_SCAN, PAGE_PCAP };

/* The page of DOC (a check document; a pcap document; the check document
 * twice as a scan) and its invariants. */
static void
check_page(const json_t *doc, enum page_kind kind, const json_t *drift)
{
	char *buf = NULL, *s;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	const void *docs[2] = {doc, doc};
	int rc;

	if (f == NULL)
		return;
	rc = kind == PAGE_CHECK  ? rdd_report_html(f, doc)
	     : kind == PAGE_SCAN ? rdd_report_html_scan(f, docs, 2, drift)
	                         : rdd_report_html_pcap(f, doc);
	if (rc == 0) {
		fflush(f);
		s = strstr(buf, "<script");
		if (kind == PAGE_SCAN) {
			/* One script, ours, after the last host. */
			CHECK(s != NULL && strstr(s + 1, "<script") == NULL);
			CHECK(strncmp(s, "<script>\"use strict\";", 21) == 0);
			CHECK(strstr(s, "</section>") == NULL);
		} else {
			CHECK(s == NULL);
		}
		for (i = 0; i < len; i++)
			CHECK((unsigned char)buf[i] >= 0x20 || buf[i] == '\n' ||
			      buf[i] == '\t');
	}
	fclose(f);
	free(buf);
}

/* DOC on the pages of many hosts: two hosts of a scan, with the drift
 * over them; a capture's page of DOC itself and of DOC as its one
 * connection. */
static void
fleet_pages(const json_t *doc)
{
	struct rdd_drift *d = rdd_drift_new();
	json_t *drift = NULL, *pcap;

	if (d != NULL && rdd_drift_add(d, doc) == 0 &&
	    rdd_drift_add(d, doc) == 0)
		drift = rdd_drift_json(d);
	rdd_drift_free(d);
	check_page(doc, PAGE_SCAN, drift);
	json_decref(drift);
	check_page(doc, PAGE_PCAP, NULL);
	pcap = json_pack("{s:{s:s},s:[O]}", "summary", "line",
	                 "1 RDP "
	                 "connection",
	                 "connections", doc);
	if (pcap != NULL) {
		json_t *s = json_object_get(doc, "summary");

		if (s != NULL)
			json_object_set(pcap, "summary", s);
		check_page(pcap, PAGE_PCAP, NULL);
	}
	json_decref(pcap);
}

static void
check_nagios(const json_t *doc)
{
	char *buf = NULL, *bar;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return;
	if (rdd_report_nagios(f, doc) == 0) {
		fflush(f);
		bar = strchr(buf, '|');
		CHECK(bar != NULL && strchr(bar + 1, '|') == NULL);
	}
	fclose(f);
	free(buf);
}

static void
render_all(const json_t *doc)
{
	FILE *null = fopen("/dev/null", "w");
	struct rdd_watch *w = rdd_watch_new(1);

	check_page(doc, PAGE_CHECK, NULL);
	fleet_pages(doc);
	check_nagios(doc);
	if (null != NULL && w != NULL) {
		const void *docs[2] = {doc, doc};

		rdd_report_prometheus(null, doc, NULL);
		if (rdd_watch_add(w, doc) == 0 && rdd_watch_add(w, doc) == 0) {
			CHECK(rdd_watch_rounds(w) == 2);
			rdd_watch_line(null, w);
			rdd_watch_summary(null, w);
			rdd_report_prometheus(null, doc, w);
		}
		rdd_report_html_many(null, docs, 2);
	}
	rdd_watch_free(w);
	if (null != NULL)
		fclose(null);
}

/* Every value of DOC (object members and array elements), in SLOTS. */
struct slot {
	json_t *parent;
	const char *key; /* object member; NULL: array element INDEX */
	size_t index;
};

static void
collect(json_t *v, struct slot *slots, size_t *n, int depth)
{
	const char *key;
	json_t *e;
	size_t i;

	if (depth > 16)
		return;
	if (json_is_object(v)) {
		json_object_foreach(v, key, e)
		{
			if (*n == MAX_SLOTS)
				return;
			slots[(*n)++] = (struct slot){v, key, 0};
			collect(e, slots, n, depth + 1);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e)
		{
			if (*n == MAX_SLOTS)
				return;
			slots[(*n)++] = (struct slot){v, NULL, i};
			collect(e, slots, n, depth + 1);
		}
	}
}

/* Apply the edits of DATA to DOC: op, slot, length, bytes. */
static void
edit(json_t *doc, const uint8_t *data, size_t size)
{
	struct slot slots[MAX_SLOTS];
	size_t off = 0;

	while (size - off >= 3) {
		uint8_t op = data[off], len = data[off + 2];
		size_t n = 0, k;
		json_t *v = NULL;
		struct slot *s;

		collect(doc, slots, &n, 0);
		if (n == 0)
			return;
		s = &slots[data[off + 1] % n];
		off += 3;
		k = len <= size - off ? len : size - off;
		switch (op % 8) {
		case 0: /* raw bytes, not checked as UTF-8 */
			v = json_stringn_nocheck((const char *)data + off, k);
			break;
		case 1:
			v = json_integer(k > 0 ? (json_int_t)(int8_t)data[off] *
			                             1000003
			                       : 0);
			break;
		case 2:
			v = json_real(k > 0 ? (double)data[off] / 7.0 - 9.0
			                    : 0);
			break;
		case 3:
			v = k % 2 ? json_true() : json_false();
			break;
		case 4:
			v = json_null();
			break;
		case 5:
			v = json_object();
			break;
		case 6:
			v = json_array();
			break;
		default:
			if (s->key != NULL)
				json_object_del(s->parent, s->key);
			else
				json_array_remove(s->parent, s->index);
			break;
		}
		off += k;
		if (v == NULL)
			continue;
		if (s->key != NULL)
			json_object_set_new(s->parent, s->key, v);
		else
			json_array_set_new(s->parent, s->index, v);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *doc, *first = NULL;
	size_t off = 0;

	/* As JSON text: every document, as `report` reads a file. */
	while (off < size) {
		doc = json_loadb((const char *)data + off, size - off,
		                 JSON_DISABLE_EOF_CHECK, &err);
		if (doc == NULL)
			break;
		render_all(doc);
		if (first == NULL)
			first = json_deep_copy(doc);
		json_decref(doc);
		if (err.position <= 0)
			break;
		off += (size_t)err.position;
	}
	/* As edits of that document, or of a small one of our own. */
	if (first == NULL)
		first = json_pack(
		    "{s:s,s:{s:s,s:i},s:[{s:s,s:s,s:f,s:f,s:s}],s:{s:s,s:s,"
		    "s:s},s:[{s:s,s:s,s:s,s:s,s:s,s:[s]}],s:{s:[{s:s,s:i,s:f}]}"
		    "}",
		    "checked_at", "2026-12-06T22:21:39Z", "target", "host",
		    "rdp.example.com", "port", 3389, "phases", "phase", "tcp",
		    "status", "failed", "start_ms", 1.0, "ms", 2.0, "detail",
		    "x", "verdict", "status", "critical", "failed_phase", "tcp",
		    "summary", "s", "findings", "id", "tcp-refused", "severity",
		    "critical", "phase", "tcp", "title", "t", "evidence", "e",
		    "fix", "`cmd`", "network", "samples", "outcome", "ok", "ms",
		    3, "start_ms", 1.5);
	if (first != NULL) {
		edit(first, data, size);
		render_all(first);
		json_decref(first);
	}
	return 0;
}
