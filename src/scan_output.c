/*
 * scan_output.c - each host's result of `rdpdoctor scan` (scan_output.h):
 * diagnosed as `check` diagnoses, written as one NDJSON line the moment it
 * ends (so that an interrupted scan keeps what finished), and counted for
 * the summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rdpdoctor/report.h"
#include "scan_output.h"

static void
count_slowest(struct scan_out *o, double ms, const char *host, long port)
{
	size_t i, at;

	for (at = 0; at < o->n_slowest; at++)
		if (ms > o->slowest[at].ms)
			break;
	if (at >= SCAN_SLOWEST)
		return;
	if (o->n_slowest < SCAN_SLOWEST)
		o->n_slowest++;
	for (i = o->n_slowest - 1; i > at; i--)
		o->slowest[i] = o->slowest[i - 1];
	o->slowest[at].ms = ms;
	snprintf(o->slowest[at].host, sizeof(o->slowest[at].host), "%s:%ld",
	         host, port);
}

static int
status_index(const char *s)
{
	static const char *const names[] = {"ok", "warning", "critical",
	                                    "unknown"};
	int i;

	for (i = 0; s != NULL && i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return 3;
}

static const char *const gw_phases[4] = {"gateway-tls", "gateway-http",
                                         "gateway-tunnel", "gateway-channel"};

/* DOC went through an RD Gateway: count it under its gateway. */
static void
count_gateway(struct scan_out *o, const json_t *doc, const json_t *gw)
{
	const char *host = json_string_value(json_object_get(gw, "host"));
	const json_t *v = json_object_get(doc, "verdict"), *ph, *f, *tgt;
	const char *th;
	const char *fp = json_string_value(json_object_get(v, "failed_phase"));
	struct scan_gateway *g = NULL;
	char name[300];
	size_t i, k;

	snprintf(name, sizeof(name), "%s:%lld", host != NULL ? host : "?",
	         (long long)json_integer_value(json_object_get(gw, "port")));
	for (i = 0; i < o->n_gateways; i++)
		if (strcmp(o->gateways[i].name, name) == 0)
			g = &o->gateways[i];
	if (g == NULL) {
		if (o->n_gateways == SCAN_GATEWAYS) {
			o->more_gateways++;
			return;
		}
		g = &o->gateways[o->n_gateways++];
		memset(g, 0, sizeof(*g));
		snprintf(g->name, sizeof(g->name), "%s", name);
	}
	g->hosts++;
	if (json_is_object(json_object_get(gw, "not_reached"))) {
		g->not_reached++;
		return;
	}
	json_array_foreach(json_object_get(doc, "phases"), i, ph)
	{
		const char *n = json_string_value(json_object_get(ph, "phase"));
		const char *st =
		    json_string_value(json_object_get(ph, "status"));
		double ms = json_number_value(json_object_get(ph, "ms"));

		for (k = 0; k < 4 && n != NULL; k++) {
			if (strcmp(n, gw_phases[k]) != 0 || st == NULL)
				continue;
			if (strcmp(st, "ok") == 0) {
				g->ok[k]++;
				g->ms_sum[k] += ms;
				if (ms > g->ms_max[k])
					g->ms_max[k] = ms;
			} else if (strcmp(st, "failed") == 0 ||
			           strcmp(st, "timeout") == 0) {
				g->failed[k]++;
			}
		}
	}
	/* The gateway's own failure (not the channel's: the target's). */
	if (g->failed_host[0] != '\0' || fp == NULL ||
	    (strcmp(fp, "gateway-tls") != 0 &&
	     strcmp(fp, "gateway-http") != 0 &&
	     strcmp(fp, "gateway-tunnel") != 0))
		return;
	tgt = json_object_get(doc, "target");
	th = json_string_value(json_object_get(tgt, "host"));
	snprintf(g->failed_host, sizeof(g->failed_host), "%s:%lld",
	         th != NULL ? th : "?",
	         (long long)json_integer_value(json_object_get(tgt, "port")));
	snprintf(g->failed_phase, sizeof(g->failed_phase), "%s", fp);
	json_array_foreach(json_object_get(doc, "findings"), i, f)
	{
		const char *fph =
		    json_string_value(json_object_get(f, "phase"));

		const char *id = json_string_value(json_object_get(f, "id"));

		if (fph != NULL && id != NULL && strcmp(fph, fp) == 0) {
			snprintf(g->failed_id, sizeof(g->failed_id), "%s", id);
			break;
		}
	}
}

void
scan_out_count(struct scan_out *o, const void *doc_)
{
	const json_t *doc = doc_, *target = json_object_get(doc, "target");
	const json_t *findings = json_object_get(doc, "findings"), *f;
	const json_t *gw = json_object_get(doc, "gateway");
	const char *host = json_string_value(json_object_get(target, "host"));
	size_t i;
	int c;

	o->by_status[status_index(json_string_value(
	    json_object_get(json_object_get(doc, "verdict"), "status")))]++;
	json_array_foreach(findings, i, f)
	{
		c = rdd_cause_from_id(
		    json_string_value(json_object_get(f, "id")));
		if (c >= 0)
			o->by_cause[c]++;
	}
	if (host == NULL)
		host = "?";
	if (json_is_object(gw))
		count_gateway(o, doc, gw);
	/* A host not reached through its gateway: no address, no time. */
	if (json_is_object(json_object_get(gw, "not_reached")))
		return;
	if (json_array_size(json_object_get(target, "addresses")) == 0 &&
	    !json_is_object(gw)) {
		if (o->unresolved < SCAN_UNRESOLVED)
			snprintf(o->unresolved_hosts[o->unresolved],
			         sizeof(o->unresolved_hosts[0]), "%s", host);
		o->unresolved++;
	}
	count_slowest(
	    o, json_number_value(json_object_get(doc, "total_ms")), host,
	    (long)json_integer_value(json_object_get(target, "port")));
}

/* Keep DOC for the page (--html). */
static void
keep(struct scan_out *o, json_t *doc)
{
	if (o->n_kept == o->cap_kept) {
		size_t cap = o->cap_kept ? 2 * o->cap_kept : 64;
		void **k = realloc(o->kept, cap * sizeof(*k));

		if (k == NULL) {
			o->keep_failed = true;
			return;
		}
		o->kept = k;
		o->cap_kept = cap;
	}
	o->kept[o->n_kept++] = json_incref(doc);
}

void
scan_out_free_kept(struct scan_out *o)
{
	size_t i;

	for (i = 0; i < o->n_kept; i++)
		json_decref(o->kept[i]);
	free(o->kept);
	o->kept = NULL;
	o->n_kept = o->cap_kept = 0;
}

/* Write DOC as one line; count it. */
void
scan_out_doc(struct scan_out *o, size_t index, void *doc)
{
	if (o->on_doc != NULL)
		o->on_doc(o->on_doc_ctx, index, doc);
	scan_out_count(o, doc);
	if (o->keep)
		keep(o, doc);
	if (rdd_report_json_line(o->out, doc) != 0 || fflush(o->out) != 0)
		o->write_errors++;
	else
		o->written++;
}

void
scan_out_result(void *ctx, size_t index, const struct rdd_observation *obs,
                int rc)
{
	struct scan_out *o = ctx;
	struct rdd_diagnosis *d = &o->diag;
	json_t *doc;

	rdd_diagnose(obs, d);
	if (rc != 0)
		d->status = RDD_VERDICT_UNKNOWN;
	doc = rdd_report_json_doc(obs, d);
	if (doc == NULL) {
		o->write_errors++;
		return;
	}
	/* The spec the host came from ("10.0.0.0/24"), so that a line can
	 * be traced back to the input. */
	json_object_set_new(doc, "target_given",
	                    json_string(o->given != NULL && o->given[index]
	                                    ? o->given[index]
	                                    : obs->host));
	scan_out_doc(o, index, doc);
	json_decref(doc);
}

void
scan_out_progress(void *ctx, const struct rdd_scan_stats *st)
{
	struct scan_out *o = ctx;
	double rate = st->elapsed_s > 0 ? (double)st->done / st->elapsed_s : 0;
	double eta = rate > 0 ? (double)(st->total - st->done) / rate : 0;

	if (!o->progress)
		return;
	fprintf(stderr,
	        "\r\033[K%zu/%zu done, %zu in flight, %.0f hosts/s, ETA "
	        "%.0f:%02.0f - ok %zu, warning %zu, critical %zu, unknown %zu",
	        st->done, st->total, st->in_flight, rate, eta / 60,
	        eta - 60 * (double)(long)(eta / 60), o->by_status[0],
	        o->by_status[1], o->by_status[2], o->by_status[3]);
	fflush(stderr);
}

int
scan_out_exit_code(const struct scan_out *o)
{
	if (o->by_status[RDD_VERDICT_UNKNOWN] > 0)
		return 3;
	if (o->by_status[RDD_VERDICT_CRITICAL] > 0)
		return 2;
	if (o->by_status[RDD_VERDICT_WARNING] > 0)
		return 1;
	return o->written > 0 ? 0 : 3;
}

/* Each RD Gateway: its hosts, its phases (ok, failed, mean time), and
 * when its own phases failed, the host that showed it and the hosts not
 * reached. */
static void
gateways_summary(const struct scan_out *o, FILE *f)
{
	char name[3 * 300];
	size_t i, k;

	for (i = 0; i < o->n_gateways; i++) {
		const struct scan_gateway *g = &o->gateways[i];

		rdd_escape_terminal(name, sizeof(name), g->name);
		fprintf(f, "  %-10s %s: %zu host%s", i ? "" : "gateway", name,
		        g->hosts, g->hosts == 1 ? "" : "s");
		if (o->gateway_cap > 0)
			fprintf(f, ", at most %zu at once through it",
			        o->gateway_cap);
		fputc('\n', f);
		for (k = 0; k < 4; k++) {
			if (g->ok[k] + g->failed[k] == 0)
				continue;
			fprintf(f, "  %-10s   %-16s ok %zu", "", gw_phases[k],
			        g->ok[k]);
			if (g->ok[k] > 0)
				fprintf(f, " (mean %.1f ms, max %.1f ms)",
				        g->ms_sum[k] / (double)g->ok[k],
				        g->ms_max[k]);
			if (g->failed[k] > 0)
				fprintf(f, ", failed %zu", g->failed[k]);
			fputc('\n', f);
		}
		if (g->failed_host[0] != '\0') {
			char host[3 * 262];

			rdd_escape_terminal(host, sizeof(host), g->failed_host);
			fprintf(
			    f,
			    "  %-10s   failed in %s for %s (%s); %zu host%s "
			    "not reached through it: not tried again\n",
			    "", g->failed_phase, host,
			    g->failed_id[0] ? g->failed_id : "see its line",
			    g->not_reached, g->not_reached == 1 ? "" : "s");
		} else if (g->not_reached > 0) {
			fprintf(
			    f, "  %-10s   %zu host%s not reached through it\n",
			    "", g->not_reached, g->not_reached == 1 ? "" : "s");
		}
	}
	if (o->more_gateways > 0)
		fprintf(f, "  %-10s %zu more host%s through other gateways\n",
		        o->n_gateways ? "" : "gateway", o->more_gateways,
		        o->more_gateways == 1 ? "" : "s");
}

void
scan_out_summary(struct scan_out *o, const struct rdd_scan_stats *st)
{
	FILE *f = o->summary;
	size_t i, n = 0;

	if (f == NULL)
		return;
	if (o->progress)
		fputs("\r\033[K", stderr);
	if (o->merged)
		fprintf(f, "Merged: %zu hosts\n", st->done);
	else
		fprintf(f,
		        "Scan: %zu of %zu hosts checked in %.1f s (%.0f "
		        "hosts/s, at "
		        "most %zu at once)%s\n",
		        st->done, st->total, st->elapsed_s,
		        st->elapsed_s > 0 ? (double)st->done / st->elapsed_s
		                          : 0,
		        st->peak_in_flight,
		        st->interrupted
		            ? "; interrupted: the hosts not checked are "
		              "not in the output"
		            : "");
	if (!o->merged && st->not_reached > 0)
		fprintf(f,
		        "  %zu of them not reached: their RD Gateway failed "
		        "for another host (gateway-not-reached)\n",
		        st->not_reached);
	fprintf(
	    f, "  verdicts   ok %zu, warning %zu, critical %zu, unknown %zu\n",
	    o->by_status[0], o->by_status[1], o->by_status[2], o->by_status[3]);
	for (i = 0; i < RDD_CAUSE_COUNT; i++) {
		const struct rdd_cause_info *ci;

		if (o->by_cause[i] == 0)
			continue;
		ci = rdd_cause_info((enum rdd_cause)i);
		fprintf(f, "  %-10s %-34s %zu host%s\n", n++ ? "" : "findings",
		        ci->id, o->by_cause[i], o->by_cause[i] == 1 ? "" : "s");
	}
	gateways_summary(o, f);
	for (i = 0; i < o->n_slowest; i++)
		fprintf(f, "  %-10s %-34s %.1f ms\n", i ? "" : "slowest",
		        o->slowest[i].host, o->slowest[i].ms);
	if (o->unresolved > 0) {
		fprintf(f, "  unresolved %zu host%s:", o->unresolved,
		        o->unresolved == 1 ? "" : "s");
		for (i = 0; i < o->unresolved && i < SCAN_UNRESOLVED; i++)
			fprintf(f, " %s", o->unresolved_hosts[i]);
		fprintf(f, "%s\n",
		        o->unresolved > SCAN_UNRESOLVED ? " ..." : "");
	}
	if (o->write_errors > 0)
		fprintf(f, "  %zu result%s could not be written\n",
		        o->write_errors, o->write_errors == 1 ? "" : "s");
	fflush(f);
}
