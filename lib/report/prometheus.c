/*
 * prometheus.c - a check document as a node_exporter textfile-collector
 * file (report.h): the Prometheus text exposition format 0.0.4, every
 * metric with its HELP and TYPE lines, names in blackbox_exporter's style
 * (probe_success, probe_duration_seconds) under the prefix rdpdoctor_,
 * each series labelled with the target ("host:port", as `check` was
 * given it), so several watches can write files side by side.
 *
 * Label values are escaped as the format says (backslash, double quote,
 * line feed); the document's strings are valid UTF-8 (jansson holds no
 * other), which is all the format asks of them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/report.h"
#include "report/html_int.h"
#include "report/watch_int.h"

struct pw {
	FILE *out;
	char target[600]; /* escaped for a label value */
};

static void
label_escape(char *dst, size_t cap, const char *s)
{
	size_t used = 0;

	for (; s != NULL && *s != '\0' && used + 3 < cap; s++) {
		if (*s == '\\' || *s == '"') {
			dst[used++] = '\\';
			dst[used++] = *s;
		} else if (*s == '\n') {
			dst[used++] = '\\';
			dst[used++] = 'n';
		} else {
			dst[used++] = *s;
		}
	}
	dst[used] = '\0';
}

static void
help(struct pw *p, const char *name, const char *type, const char *text)
{
	fprintf(p->out, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* NAME{target="..."[,EXTRA]} VALUE, EXTRA already escaped. */
static void
sample(struct pw *p, const char *name, const char *extra, double v)
{
	fprintf(p->out, "%s{target=\"%s\"%s%s} ", name, p->target,
	        extra[0] != '\0' ? "," : "", extra);
	/* Whole numbers (times in seconds, counts) in full: %g would round
	 * a Unix time to 9 digits. */
	if (v > -9e15 && v < 9e15 && (double)(long long)v == v)
		fprintf(p->out, "%lld\n", (long long)v);
	else
		fprintf(p->out, "%.9g\n", v);
}

/* "2026-12-06T22:08:09Z" as Unix seconds; false when it is not that. */
static bool
unix_time(const char *s, double *out)
{
	struct tm tm;
	char z = 0;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 ||
	    z != 'Z')
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (double)timegm(&tm);
	return true;
}

static void
phases(struct pw *p, const json_t *doc)
{
	json_t *arr = rdd__h_arr(doc, "phases"), *e;
	char extra[128], name[64];
	size_t i;
	double ms;

	help(p, "rdpdoctor_phase_duration_seconds", "gauge",
	     "Time of each phase of the check that ran (resolve, tcp, x224, "
	     "tls, credssp, mcs, licensing, activation, udp, network, "
	     "kerberos); "
	     "skipped phases have no series.");
	json_array_foreach(arr, i, e)
	{
		const char *st = rdd__h_str(e, "status");

		if (st == NULL || strcmp(st, "skipped") == 0 ||
		    !rdd__h_num_at(e, "ms", &ms))
			continue;
		label_escape(name, sizeof(name), rdd__h_str(e, "phase"));
		snprintf(extra, sizeof(extra), "phase=\"%s\"", name);
		sample(p, "rdpdoctor_phase_duration_seconds", extra,
		       ms / 1000.0);
	}
	help(p, "rdpdoctor_phase_success", "gauge",
	     "1 when the phase completed, 0 when it failed or timed out; "
	     "skipped phases have no series.");
	json_array_foreach(arr, i, e)
	{
		const char *st = rdd__h_str(e, "status");

		if (st == NULL || strcmp(st, "skipped") == 0)
			continue;
		label_escape(name, sizeof(name), rdd__h_str(e, "phase"));
		snprintf(extra, sizeof(extra), "phase=\"%s\"", name);
		sample(p, "rdpdoctor_phase_success", extra,
		       strcmp(st, "ok") == 0 ? 1 : 0);
	}
}

static void
findings(struct pw *p, const json_t *doc, const struct rdd_watch *w)
{
	json_t *arr = rdd__h_arr(doc, "findings"), *e;
	char id[160], sev[32], ph[32], extra[300];
	size_t i;
	int c;

	help(p, "rdpdoctor_finding", "gauge",
	     "One series per finding of the last check (ids: rdpdoctor "
	     "docs/DIAGNOSES.md), always 1; a finding that went away has no "
	     "series.");
	json_array_foreach(arr, i, e)
	{
		label_escape(id, sizeof(id), rdd__h_str(e, "id"));
		label_escape(sev, sizeof(sev), rdd__h_str(e, "severity"));
		label_escape(ph, sizeof(ph), rdd__h_str(e, "phase"));
		snprintf(extra, sizeof(extra),
		         "id=\"%s\",severity=\"%s\",phase=\"%s\"", id, sev, ph);
		sample(p, "rdpdoctor_finding", extra, 1);
	}
	if (w == NULL)
		return;
	help(p, "rdpdoctor_watch_finding_rounds_total", "counter",
	     "Rounds of this watch in which each finding came.");
	for (c = 0; c < RDD_CAUSE_COUNT; c++) {
		size_t n = rdd__watch_finding_rounds(w, c);

		if (n == 0)
			continue;
		snprintf(extra, sizeof(extra), "id=\"%s\"",
		         rdd_cause_info((enum rdd_cause)c)->id);
		sample(p, "rdpdoctor_watch_finding_rounds_total", extra,
		       (double)n);
	}
}

static void
network(struct pw *p, const json_t *doc)
{
	json_t *net = rdd__h_obj(doc, "network");
	static const char *const stats[][2] = {{"min", "rtt_min_ms"},
	                                       {"median", "rtt_median_ms"},
	                                       {"p95", "rtt_p95_ms"},
	                                       {"max", "rtt_max_ms"}};
	char extra[32];
	size_t i;
	double v;
	bool any = false;

	for (i = 0; i < 4; i++) {
		if (!rdd__h_num_at(net, stats[i][1], &v))
			continue;
		if (!any)
			help(p, "rdpdoctor_network_rtt_seconds", "gauge",
			     "Round-trip time of the TCP handshakes that "
			     "measured the path (--samples), retransmission "
			     "steps taken off.");
		any = true;
		snprintf(extra, sizeof(extra), "stat=\"%s\"", stats[i][0]);
		sample(p, "rdpdoctor_network_rtt_seconds", extra, v / 1000.0);
	}
	if (rdd__h_num_at(net, "jitter_ms", &v)) {
		help(p, "rdpdoctor_network_jitter_seconds", "gauge",
		     "Mean difference of consecutive round-trip times.");
		sample(p, "rdpdoctor_network_jitter_seconds", "", v / 1000.0);
	}
	if (rdd__h_num_at(net, "loss_pct", &v)) {
		help(p, "rdpdoctor_network_loss_ratio", "gauge",
		     "SYNs lost by the path samples, 0 to 1.");
		sample(p, "rdpdoctor_network_loss_ratio", "", v / 100.0);
	}
}

static int
write_all(FILE *out, const json_t *doc, const struct rdd_watch *w)
{
	struct pw p = {out, ""};
	json_t *t = rdd__h_obj(doc, "target"), *v = rdd__h_obj(doc, "verdict");
	json_t *cert = rdd__h_obj(rdd__h_obj(doc, "tls"), "certificate");
	static const char *const verdicts[] = {"ok", "warning", "critical",
	                                       "unknown"};
	const char *status = rdd__h_str(v, "status");
	char host[512], extra[64];
	long long port = 0;
	double d;
	size_t i;

	rdd__h_int_at(t, "port", &port);
	snprintf(host, sizeof(host), "%.256s:%lld",
	         rdd__h_str(t, "host") != NULL ? rdd__h_str(t, "host") : "?",
	         port);
	label_escape(p.target, sizeof(p.target), host);

	help(&p, "rdpdoctor_probe_success", "gauge",
	     "1 when a default Windows client would connect (verdict ok or "
	     "warning), else 0.");
	sample(&p, "rdpdoctor_probe_success", "",
	       status != NULL && (strcmp(status, "ok") == 0 ||
	                          strcmp(status, "warning") == 0));
	if (rdd__h_num_at(doc, "total_ms", &d)) {
		help(&p, "rdpdoctor_probe_duration_seconds", "gauge",
		     "How long the whole check took.");
		sample(&p, "rdpdoctor_probe_duration_seconds", "", d / 1000.0);
	}
	if (unix_time(rdd__h_str(doc, "checked_at"), &d)) {
		help(&p, "rdpdoctor_probe_timestamp_seconds", "gauge",
		     "When the last check started (Unix time).");
		sample(&p, "rdpdoctor_probe_timestamp_seconds", "", d);
	}
	help(&p, "rdpdoctor_verdict", "gauge",
	     "The verdict of the last check: 1 for its status, 0 for the "
	     "others.");
	for (i = 0; i < 4; i++) {
		snprintf(extra, sizeof(extra), "status=\"%s\"", verdicts[i]);
		sample(&p, "rdpdoctor_verdict", extra,
		       status != NULL && strcmp(status, verdicts[i]) == 0);
	}
	phases(&p, doc);
	if (unix_time(rdd__h_str(cert, "not_after"), &d)) {
		help(&p, "rdpdoctor_cert_expiry_timestamp_seconds", "gauge",
		     "notAfter of the server's TLS certificate (Unix time).");
		sample(&p, "rdpdoctor_cert_expiry_timestamp_seconds", "", d);
	}
	if (rdd__h_num_at(rdd__h_obj(doc, "credssp"), "server_version", &d)) {
		help(
		    &p, "rdpdoctor_credssp_version", "gauge",
		    "The server's highest CredSSP version (6 or later: patched "
		    "for CVE-2018-0886).");
		sample(&p, "rdpdoctor_credssp_version", "", d);
	}
	network(&p, doc);
	findings(&p, doc, w);
	if (w != NULL) {
		help(&p, "rdpdoctor_watch_rounds_total", "counter",
		     "Checks made by this watch.");
		sample(&p, "rdpdoctor_watch_rounds_total", "",
		       (double)rdd_watch_rounds(w));
		help(&p, "rdpdoctor_watch_failed_rounds_total", "counter",
		     "Checks of this watch whose verdict was critical or "
		     "unknown.");
		sample(&p, "rdpdoctor_watch_failed_rounds_total", "",
		       (double)rdd__watch_failed(w));
	}
	return ferror(out) ? -1 : 0;
}

int
rdd_report_prometheus(FILE *out, const void *doc, const struct rdd_watch *w)
{
	if (!rdd__h_is_check(doc))
		return -1;
	return write_all(out, doc, w);
}
