/*
 * html_check.c - a check document as an HTML page (report.h): the verdict
 * at the top, the phase waterfall, the findings with their fixes, then the
 * details. rdd__h_check_section() draws one host and is what a page of many
 * hosts (rdd_report_html_many, and later scan and pcap pages) repeats,
 * each host's ids under a prefix of its own.
 */
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/report.h"
#include "report/html_int.h"

void
rdd__h_target(struct hw *w, const json_t *doc)
{
	json_t *t = rdd__h_obj(doc, "target");
	const char *host = rdd__h_str(t, "host");
	long long port;
	bool v6 = host != NULL && strchr(host, ':') != NULL;

	if (v6)
		rdd__h_raw(w, "[");
	rdd__h_text(w, host != NULL ? host : "?");
	if (v6)
		rdd__h_raw(w, "]");
	if (rdd__h_int_at(t, "port", &port))
		rdd__h_printf(w, ":%lld", port);
}

static void
header(struct hw *w, const json_t *doc)
{
	json_t *t = rdd__h_obj(doc, "target");
	json_t *tool = rdd__h_obj(doc, "tool");
	const char *addr = rdd__h_str(t, "address");
	const char *when = rdd__h_str(doc, "checked_at");
	double v;

	rdd__h_raw(w, "<h1>RDP check of ");
	rdd__h_target(w, doc);
	rdd__h_raw(w, "</h1>\n<p class=\"muted\">");
	if (addr != NULL) {
		rdd__h_raw(w, "address <span class=\"mono\">");
		rdd__h_text(w, addr);
		rdd__h_raw(w, "</span> &middot; ");
	}
	if (when != NULL) {
		rdd__h_raw(w, "checked ");
		rdd__h_text(w, when);
		rdd__h_raw(w, " &middot; ");
	}
	if (rdd__h_num_at(doc, "total_ms", &v)) {
		rdd__h_raw(w, "took ");
		rdd__h_ms(w, v);
		rdd__h_raw(w, " &middot; ");
	}
	if (rdd__h_num_at(doc, "timeout_s", &v)) {
		rdd__h_raw(w, "timeout ");
		rdd__h_num(w, v);
		rdd__h_raw(w, " s per phase &middot; ");
	}
	rdd__h_text(w, rdd__h_str(tool, "name"));
	rdd__h_raw(w, " ");
	rdd__h_text(w, rdd__h_str(tool, "version"));
	rdd__h_raw(w, "</p>\n");
}

/* The first finding of the failed phase, the one the waterfall names. */
static const json_t *
explaining(const json_t *doc, const char *phase)
{
	json_t *f;
	size_t i;

	if (phase == NULL)
		return NULL;
	json_array_foreach(rdd__h_arr(doc, "findings"), i, f)
	{
		const char *p = rdd__h_str(f, "phase");
		const char *sev = rdd__h_str(f, "severity");

		if (p != NULL && strcmp(p, phase) == 0 && sev != NULL &&
		    strcmp(sev, "critical") == 0)
			return f;
	}
	return NULL;
}

static void
verdict(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *v = rdd__h_obj(doc, "verdict");
	const char *status = rdd__h_str(v, "status");
	const char *failed = rdd__h_str(v, "failed_phase");
	const json_t *f = explaining(doc, failed);
	long long code;

	rdd__h_printf(w, "<div class=\"verdict %s\" id=\"",
	              rdd__h_class(status));
	rdd__h_anchor(w, prefix, "verdict");
	rdd__h_raw(w, "\" data-status=\"");
	rdd__h_text(w, status);
	rdd__h_raw(w, "\"><span class=\"status\">");
	rdd__h_text(w, status != NULL ? status : "unknown");
	rdd__h_raw(w, "</span>");
	if (failed != NULL) {
		rdd__h_raw(w, "<b>failed in ");
		rdd__h_text(w, failed);
		rdd__h_raw(w, "</b>");
		if (f != NULL) {
			rdd__h_raw(w, ": <a href=\"#");
			rdd__h_anchor(w, prefix, "finding-");
			rdd__h_text(w, rdd__h_str(f, "id"));
			rdd__h_raw(w, "\">");
			rdd__h_text(w, rdd__h_str(f, "title"));
			rdd__h_raw(w, "</a>");
		}
	}
	rdd__h_raw(w, "\n<p>");
	rdd__h_text(w, rdd__h_str(v, "summary"));
	rdd__h_raw(w, "</p>");
	if (rdd__h_int_at(v, "exit_code", &code))
		rdd__h_printf(w, "<p class=\"muted\">exit status %lld</p>",
		              code);
	rdd__h_raw(w, "</div>\n");
}

static void
phase_table(struct hw *w, const json_t *doc)
{
	json_t *ph;
	size_t i;

	rdd__h_raw(w, "<table class=\"phases\">\n<tr><th>phase</th>"
	              "<th>status</th><th class=\"n\">start</th>"
	              "<th class=\"n\">time</th><th>detail</th></tr>\n");
	json_array_foreach(rdd__h_arr(doc, "phases"), i, ph)
	{
		const char *status = rdd__h_str(ph, "status");
		bool skipped;
		double v;

		rdd__h_raw(w, "<tr data-phase=\"");
		rdd__h_text(w, rdd__h_str(ph, "phase"));
		rdd__h_raw(w, "\"><td>");
		rdd__h_text(w, rdd__h_str(ph, "phase"));
		rdd__h_raw(w, "</td><td>");
		rdd__h_badge(w, status, status != NULL ? status : "?");
		/* A skipped phase's times say nothing. */
		skipped = status != NULL && strcmp(status, "skipped") == 0;
		rdd__h_raw(w, "</td><td class=\"n\">");
		rdd__h_ms(
		    w, !skipped && rdd__h_num_at(ph, "start_ms", &v) ? v : -1);
		rdd__h_raw(w, "</td><td class=\"n\">");
		rdd__h_ms(w, !skipped && rdd__h_num_at(ph, "ms", &v) ? v : -1);
		rdd__h_raw(w, "</td><td>");
		rdd__h_text(w, rdd__h_str(ph, "detail"));
		rdd__h_raw(w, "</td></tr>\n");
	}
	rdd__h_raw(w, "</table>\n");
}

int
rdd__h_check_section(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *v = rdd__h_obj(doc, "verdict");

	rdd__h_raw(w, "<section class=\"host\" id=\"");
	rdd__h_anchor(w, prefix, "host");
	rdd__h_raw(w, "\" data-status=\"");
	rdd__h_text(w, rdd__h_str(v, "status"));
	rdd__h_raw(w, "\">\n");
	header(w, doc);
	verdict(w, doc, prefix);
	rdd__h_client_error(w, doc, prefix);
	rdd__h_raw(w, "<h2 id=\"");
	rdd__h_anchor(w, prefix, "phases");
	rdd__h_raw(w, "\">Phases</h2>\n");
	rdd__h_waterfall(w, doc, prefix);
	phase_table(w, doc);
	rdd__h_findings(w, doc, prefix);
	rdd__h_details(w, doc, prefix);
	if (!w->no_raw)
		rdd__h_raw_tree(w, doc);
	rdd__h_raw(w, "</section>\n");
	return w->err;
}

/* "rdpdoctor: host:port - status" into BUF (unescaped: the caller's
 * rdd__h_page_begin escapes it). */
static void
page_title(char *buf, size_t cap, const json_t *doc)
{
	json_t *t = rdd__h_obj(doc, "target");
	const char *host = rdd__h_str(t, "host");
	const char *status = rdd__h_str(rdd__h_obj(doc, "verdict"), "status");
	long long port = 0;

	rdd__h_int_at(t, "port", &port);
	snprintf(buf, cap, "rdpdoctor: %.200s:%lld - %.40s",
	         host != NULL ? host : "?", port,
	         status != NULL ? status : "?");
}

int
rdd_report_html(FILE *out, const void *doc_)
{
	const json_t *doc = doc_;
	struct hw w = {out, 0, false};
	char title[320];

	if (!rdd__h_is_check(doc))
		return -1;
	page_title(title, sizeof(title), doc);
	rdd__h_page_begin(&w, title, NULL);
	rdd__h_check_section(&w, doc, "");
	rdd__h_page_end(&w);
	return w.err != 0 || ferror(out) ? -1 : 0;
}

int
rdd_report_html_many(FILE *out, const void *const *docs, size_t n)
{
	struct hw w = {out, 0, false};
	char title[64], prefix[32];
	size_t i;

	for (i = 0; i < n; i++)
		if (!rdd__h_is_check(docs[i]))
			return -1;
	if (n == 1)
		return rdd_report_html(out, docs[0]);
	snprintf(title, sizeof(title), "rdpdoctor: %zu checks", n);
	rdd__h_page_begin(&w, title, NULL);
	rdd__h_printf(&w,
	              "<h1>%zu RDP checks</h1>\n<table class=\"index\">\n"
	              "<tr><th>target</th><th>checked</th><th>verdict</th>"
	              "<th>failed in</th><th>summary</th></tr>\n",
	              n);
	for (i = 0; i < n; i++) {
		const json_t *doc = docs[i];
		json_t *v = rdd__h_obj(doc, "verdict");
		const char *status = rdd__h_str(v, "status");

		snprintf(prefix, sizeof(prefix), "h%zu-", i + 1);
		rdd__h_raw(&w, "<tr><td><a href=\"#");
		rdd__h_anchor(&w, prefix, "host");
		rdd__h_raw(&w, "\">");
		rdd__h_target(&w, doc);
		rdd__h_raw(&w, "</a></td><td>");
		rdd__h_text(&w, rdd__h_str(doc, "checked_at"));
		rdd__h_raw(&w, "</td><td>");
		rdd__h_badge(&w, status, status != NULL ? status : "?");
		rdd__h_raw(&w, "</td><td>");
		rdd__h_value(&w, rdd__h_get(v, "failed_phase"));
		rdd__h_raw(&w, "</td><td>");
		rdd__h_text(&w, rdd__h_str(v, "summary"));
		rdd__h_raw(&w, "</td></tr>\n");
	}
	rdd__h_raw(&w, "</table>\n");
	for (i = 0; i < n; i++) {
		snprintf(prefix, sizeof(prefix), "h%zu-", i + 1);
		rdd__h_raw(&w, "<hr>\n");
		rdd__h_check_section(&w, docs[i], prefix);
	}
	rdd__h_page_end(&w);
	return w.err != 0 || ferror(out) ? -1 : 0;
}
