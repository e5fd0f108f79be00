/*
 * html_pcap.c - the page of `rdpdoctor pcap --html` and `rdpdoctor report
 * capture.json --html` (report.h): the capture's one-line summary and
 * facts, a table of its RDP connections, then each connection: what the
 * capture showed of it (endpoints, status, what was not visible, how it
 * ended, the frames the verdict rests on) and the same section a check's
 * page has (verdict, waterfall from the capture's timings, findings,
 * details). Rendered from pcap's JSON document (docs/json.md), never from
 * the capture, so a saved document gives the same page. No script.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "rdpdoctor/report.h"
#include "report/html_int.h"

/* The class of a capture status (html_page.c's names). */
static const char *
status_class(const char *st)
{
	if (st == NULL)
		return "unknown";
	if (strcmp(st, "ok") == 0)
		return "ok";
	if (strcmp(st, "failed") == 0)
		return "critical";
	return "warning";
}

/* Unix seconds T as "2026-12-06 22:21:39.123 UTC" (to the nearest
 * millisecond). */
static void
unix_time(struct hw *w, double t)
{
	struct tm tm;
	long long ms;
	time_t s;
	char buf[64];

	if (!isfinite(t) || t < 0 || t > 253402300799.0) {
		rdd__h_raw(w, "-");
		return;
	}
	ms = (long long)(t * 1000.0 + 0.5);
	s = (time_t)(ms / 1000);
	if (gmtime_r(&s, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0) {
		rdd__h_raw(w, "-");
		return;
	}
	rdd__h_text(w, buf);
	rdd__h_printf(w, ".%03lld UTC", ms % 1000);
}

static void
kv_time(struct hw *w, const char *label, const json_t *obj, const char *key)
{
	double t;

	if (!rdd__h_num_at(obj, key, &t))
		return;
	rdd__h_kv_row_begin(w, label);
	unix_time(w, t);
	rdd__h_kv_row_end(w);
}

static void
kv_ms(struct hw *w, const char *label, const json_t *obj, const char *key)
{
	double v;

	if (!rdd__h_num_at(obj, key, &v))
		return;
	rdd__h_kv_row_begin(w, label);
	rdd__h_ms(w, v);
	rdd__h_kv_row_end(w);
}

/* "address:port" of an endpoint ("[v6]:port"). */
static void
endpoint(struct hw *w, const json_t *ep)
{
	const char *a = rdd__h_str(ep, "address");
	long long port;
	bool v6 = a != NULL && strchr(a, ':') != NULL;

	if (v6)
		rdd__h_raw(w, "[");
	rdd__h_text(w, a != NULL ? a : "?");
	if (v6)
		rdd__h_raw(w, "]");
	if (rdd__h_int_at(ep, "port", &port))
		rdd__h_printf(w, ":%lld", port);
}

static void
capture_facts(struct hw *w, const json_t *summary)
{
	json_t *c = rdd__h_obj(summary, "capture");

	rdd__h_kv_begin(w);
	rdd__h_kv_str(w, "file", c, "file");
	rdd__h_kv_str(w, "link type", c, "link_type");
	rdd__h_kv_val(w, "packets", c, "packets");
	if (rdd__h_str(c, "filter") != NULL) {
		rdd__h_kv_str(w, "filter", c, "filter");
		rdd__h_kv_val(w, "packets selected", c, "selected");
	}
	kv_time(w, "first packet", c, "first_packet");
	kv_time(w, "last packet", c, "last_packet");
	rdd__h_kv_val(w, "TCP connections (all)", c, "tcp_connections");
	rdd__h_kv_val(w, "RDP over TCP", summary, "tcp_connections");
	rdd__h_kv_val(w, "RDP-UDP handshakes", summary, "udp_handshakes");
	rdd__h_kv_val(w, "port 3389, not RDP", c, "port_3389_not_rdp");
	rdd__h_kv_val(w, "IP fragments", c, "ip_fragments");
	rdd__h_kv_val(w, "fragments reassembled", c, "fragments_reassembled");
	rdd__h_kv_val(w, "cut short", c, "cut_short");
	if (rdd__h_str(c, "read_error") != NULL)
		rdd__h_kv_str(w, "read error", c, "read_error");
	rdd__h_kv_val(w, "TLS secrets in the key log", c, "keylog_secrets");
	rdd__h_kv_end(w);
}

static void
by_status(struct hw *w, const json_t *summary)
{
	json_t *bs = rdd__h_obj(summary, "by_status"), *v;
	const char *key;

	if (bs == NULL)
		return;
	rdd__h_raw(w, "<table class=\"counts\" id=\"by-status\">\n<tr>");
	json_object_foreach(bs, key, v)
	{
		rdd__h_raw(w, "<th>");
		rdd__h_badge(w, status_class(key), key);
		rdd__h_raw(w, "</th>");
	}
	rdd__h_raw(w, "</tr>\n<tr>");
	json_object_foreach(bs, key, v)
	{
		long long n = 0;

		rdd__h_int_at(bs, key, &n);
		rdd__h_raw(w, "<td class=\"n\" data-status=\"");
		rdd__h_text(w, key);
		rdd__h_printf(w, "\" data-count=\"%lld\">%lld</td>", n, n);
	}
	rdd__h_raw(w, "</tr>\n</table>\n");
}

static void
conn_prefix(char *buf, size_t cap, size_t place)
{
	snprintf(buf, cap, "c%zu-", place + 1);
}

static void
conn_table(struct hw *w, const json_t *conns)
{
	json_t *doc;
	size_t i;

	rdd__h_raw(w, "<table id=\"connections\">\n<tr><th class=\"n\">#</th>"
	              "<th>client</th><th>server</th><th>status</th>"
	              "<th>verdict</th><th class=\"n\">frames</th>"
	              "<th class=\"n\">duration</th><th>summary</th></tr>\n");
	json_array_foreach(conns, i, doc)
	{
		json_t *c = rdd__h_obj(doc, "capture");
		json_t *v = rdd__h_obj(doc, "verdict");
		const char *st = rdd__h_str(c, "status");
		const char *vs = rdd__h_str(v, "status");
		long long idx = (long long)i + 1, a, b;
		double ms;
		char prefix[32];

		rdd__h_int_at(c, "index", &idx);
		conn_prefix(prefix, sizeof(prefix), i);
		rdd__h_printf(w, "<tr data-index=\"%lld\" data-status=\"", idx);
		rdd__h_text(w, st);
		rdd__h_raw(w, "\" data-verdict=\"");
		rdd__h_text(w, vs);
		rdd__h_printf(w, "\"><td class=\"n\"><a href=\"#");
		rdd__h_anchor(w, prefix, "conn");
		rdd__h_printf(w, "\">%lld</a></td><td class=\"mono nw\">", idx);
		endpoint(w, rdd__h_obj(c, "client"));
		rdd__h_raw(w, "</td><td class=\"mono nw\">");
		endpoint(w, rdd__h_obj(c, "server"));
		rdd__h_raw(w, "</td><td>");
		rdd__h_badge(w, status_class(st),
		             rdd__h_str(c, "status_words") != NULL
		                 ? rdd__h_str(c, "status_words")
		                 : (st != NULL ? st : "?"));
		rdd__h_raw(w, "</td><td>");
		rdd__h_badge(w, vs, vs != NULL ? vs : "?");
		rdd__h_raw(w, "</td><td class=\"n\">");
		if (rdd__h_int_at(c, "first_frame", &a) &&
		    rdd__h_int_at(c, "last_frame", &b))
			rdd__h_printf(w, "%lld&ndash;%lld", a, b);
		rdd__h_raw(w, "</td><td class=\"n\">");
		rdd__h_ms(w, rdd__h_num_at(c, "duration_ms", &ms) ? ms : -1);
		rdd__h_raw(w, "</td><td>");
		rdd__h_text(w, rdd__h_str(v, "summary"));
		rdd__h_raw(w, "</td></tr>\n");
	}
	rdd__h_raw(w, "</table>\n");
}

/* An object of facts (client_facts, tls_stream, client_sent) as a table
 * of its members, under LABEL. */
static void
kv_object(struct hw *w, const char *label, const json_t *obj)
{
	json_t *v;
	const char *key;

	if (obj == NULL || json_object_size(obj) == 0)
		return;
	rdd__h_raw(w, "<h3>");
	rdd__h_text(w, label);
	rdd__h_raw(w, "</h3>\n");
	rdd__h_kv_begin(w);
	json_object_foreach((json_t *)obj, key, v)
	{
		rdd__h_kv_row_begin(w, key);
		rdd__h_value(w, v);
		rdd__h_kv_row_end(w);
	}
	rdd__h_kv_end(w);
}

static void
evidence(struct hw *w, const json_t *c, const char *prefix)
{
	json_t *ev = rdd__h_arr(c, "evidence"), *e;
	size_t i;

	if (ev == NULL)
		return;
	rdd__h_raw(w, "<h3>Frames the verdict rests on</h3>\n<table "
	              "class=\"evidence-frames\" id=\"");
	rdd__h_anchor(w, prefix, "evidence");
	rdd__h_raw(w, "\">\n<tr><th class=\"n\">frame</th><th class=\"n\">at"
	              "</th><th>from</th><th>what</th></tr>\n");
	json_array_foreach(ev, i, e)
	{
		double ms;

		rdd__h_raw(w, "<tr><td class=\"n\">");
		rdd__h_value(w, rdd__h_get(e, "frame"));
		rdd__h_raw(w, "</td><td class=\"n\">");
		rdd__h_ms(w, rdd__h_num_at(e, "at_ms", &ms) ? ms : -1);
		rdd__h_raw(w, "</td><td>");
		rdd__h_text(w, rdd__h_str(e, "from"));
		rdd__h_raw(w, "</td><td>");
		rdd__h_text(w, rdd__h_str(e, "what"));
		rdd__h_raw(w, "</td></tr>\n");
	}
	if (json_array_size(ev) == 0)
		rdd__h_raw(w, "<tr><td colspan=\"4\" class=\"muted\">none"
		              "</td></tr>\n");
	rdd__h_raw(w, "</table>\n");
}

static void
conn_section(struct hw *w, const json_t *doc, size_t place)
{
	json_t *c = rdd__h_obj(doc, "capture");
	const char *st = rdd__h_str(c, "status");
	long long idx = (long long)place + 1;
	char prefix[32];

	rdd__h_int_at(c, "index", &idx);
	conn_prefix(prefix, sizeof(prefix), place);
	rdd__h_raw(w, "<hr>\n<section class=\"conn\" id=\"");
	rdd__h_anchor(w, prefix, "conn");
	rdd__h_printf(w, "\" data-index=\"%lld\">\n<h2>Connection %lld: ", idx,
	              idx);
	rdd__h_raw(w, "<span class=\"mono\">");
	endpoint(w, rdd__h_obj(c, "client"));
	rdd__h_raw(w, " &rarr; ");
	endpoint(w, rdd__h_obj(c, "server"));
	rdd__h_raw(w, "</span> ");
	rdd__h_text(w, rdd__h_str(c, "transport"));
	rdd__h_raw(w, " ");
	rdd__h_badge(w, status_class(st),
	             rdd__h_str(c, "status_words") != NULL
	                 ? rdd__h_str(c, "status_words")
	                 : (st != NULL ? st : "?"));
	rdd__h_raw(w, "</h2>\n");
	rdd__h_kv_begin(w);
	rdd__h_kv_str(w, "status", c, "status");
	rdd__h_kv_str(w, "about the phase", c, "status_phase");
	if (rdd__h_str(c, "not_visible") != NULL)
		rdd__h_kv_str(w, "not visible", c, "not_visible");
	if (rdd__h_str(c, "ending") != NULL)
		rdd__h_kv_str(w, "how it ended", c, "ending");
	kv_time(w, "first packet", c, "start");
	kv_ms(w, "duration", c, "duration_ms");
	kv_ms(w, "session after the last readable phase", c, "session_ms");
	rdd__h_kv_val(w, "first frame", c, "first_frame");
	rdd__h_kv_val(w, "last frame", c, "last_frame");
	rdd__h_kv_val(w, "IP version", c, "ip_version");
	if (rdd__h_get(c, "vlan") != NULL &&
	    !json_is_null(rdd__h_get(c, "vlan")))
		rdd__h_kv_val(w, "VLAN", c, "vlan");
	rdd__h_kv_val(w, "started before the capture", c, "midstream");
	if (rdd__h_get(c, "end_error_info") != NULL &&
	    !json_is_null(rdd__h_get(c, "end_error_info")))
		rdd__h_kv_val(w, "Set Error Info after activation", c,
		              "end_error_info");
	rdd__h_kv_end(w);
	evidence(w, c, prefix);
	kv_object(w, "What the client sent", rdd__h_obj(c, "client_facts"));
	kv_object(w, "The TLS stream", rdd__h_obj(c, "tls_stream"));
	kv_object(w, "Client's packets", rdd__h_obj(c, "client_sent"));
	kv_object(w, "Server's packets", rdd__h_obj(c, "server_sent"));
	rdd__h_check_section(w, doc, prefix);
	rdd__h_raw(w, "</section>\n");
}

int
rdd_report_html_pcap(FILE *out, const void *doc_)
{
	const json_t *doc = doc_;
	json_t *summary = rdd__h_obj(doc, "summary");
	json_t *conns = rdd__h_arr(doc, "connections"), *c;
	const char *file = rdd__h_str(rdd__h_obj(summary, "capture"), "file");
	struct hw w = {out, 0, false};
	char title[320];
	size_t i;

	if (conns == NULL)
		return -1;
	json_array_foreach(conns, i, c) if (!rdd__h_is_check(c)) return -1;
	snprintf(title, sizeof(title), "rdpdoctor: capture %.280s",
	         file != NULL ? file : "?");
	rdd__h_page_begin(&w, title, NULL);
	rdd__h_raw(&w, "<h1>RDP connections in <span class=\"mono\">");
	rdd__h_text(&w, file != NULL ? file : "?");
	rdd__h_raw(&w, "</span></h1>\n<p class=\"summary-line\" "
	               "id=\"summary-line\"><b>");
	rdd__h_text(&w, rdd__h_str(summary, "line"));
	rdd__h_raw(&w, "</b></p>\n<h2 id=\"capture\">The capture</h2>\n");
	capture_facts(&w, summary);
	by_status(&w, summary);
	rdd__h_printf(
	    &w, "<h2 id=\"connections-title\">%zu connection%s</h2>\n",
	    json_array_size(conns), json_array_size(conns) == 1 ? "" : "s");
	conn_table(&w, conns);
	json_array_foreach(conns, i, c) conn_section(&w, c, i);
	rdd__h_page_end(&w);
	return w.err != 0 || ferror(out) ? -1 : 0;
}
