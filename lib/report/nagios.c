/*
 * nagios.c - a check document as a Nagios/Icinga plugin's output
 * (report.h), as the Monitoring Plugins Development Guidelines say:
 *
 *   RDP CRITICAL - failed in licensing: TITLE (id) | tcp=0.000226s;;;0;5 ...
 *   critical licensing-no-license-server (licensing): evidence
 *   ...
 *
 * The first line is the status and a summary, then performance data
 * 'label'=value[UOM];[warn];[crit];[min];[max]; the lines after it are the
 * long output, one per finding. Text is terminal-escaped and '|' (which
 * would start the performance data) becomes '/'.
 */
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/report.h"
#include "report/html_int.h"

#define LINE_MAX_TEXT 1024

/* S escaped for one line of plugin output into BUF. */
static const char *
plain(char *buf, size_t cap, const char *s)
{
	char *p;

	rdd_escape_terminal(buf, cap, s != NULL ? s : "");
	for (p = buf; *p != '\0'; p++)
		if (*p == '|')
			*p = '/';
	return buf;
}

/* A number for performance data: at most 6 decimals, no trailing zeros. */
static void
perfnum(FILE *out, double v)
{
	char buf[64];
	size_t n;

	snprintf(buf, sizeof(buf), "%.6f", v);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	fputs(buf, out);
}

static const json_t *
first_critical(const json_t *doc, const char *phase)
{
	json_t *f;
	size_t i;

	json_array_foreach(rdd__h_arr(doc, "findings"), i, f)
	{
		const char *sev = rdd__h_str(f, "severity");
		const char *p = rdd__h_str(f, "phase");

		if (sev != NULL && strcmp(sev, "critical") == 0 &&
		    (phase == NULL || (p != NULL && strcmp(p, phase) == 0)))
			return f;
	}
	return NULL;
}

static void
perfdata(FILE *out, const json_t *doc)
{
	json_t *e, *net = rdd__h_obj(doc, "network");
	json_t *cert = rdd__h_obj(rdd__h_obj(doc, "tls"), "certificate");
	double timeout = 0, v;
	long long days;
	size_t i, crit = 0, warn = 0;
	bool has_timeout = rdd__h_num_at(doc, "timeout_s", &timeout);

	json_array_foreach(rdd__h_arr(doc, "phases"), i, e)
	{
		const char *name = rdd__h_str(e, "phase");
		const char *st = rdd__h_str(e, "status");

		/* Labels are the phase names: letters and digits only. */
		if (name == NULL || st == NULL || strcmp(st, "skipped") == 0 ||
		    !rdd__h_num_at(e, "ms", &v) || v < 0 ||
		    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789") !=
		        strlen(name))
			continue;
		fprintf(out, " %s=", name);
		perfnum(out, v / 1000.0);
		fputs("s;;;0;", out);
		if (has_timeout && strcmp(name, "network") != 0)
			perfnum(out, timeout);
	}
	if (rdd__h_num_at(doc, "total_ms", &v) && v >= 0) {
		fputs(" total=", out);
		perfnum(out, v / 1000.0);
		fputs("s;;;0;", out);
	}
	/* The thresholds of net-high-latency (150 ms), cert-expiring-soon
	 * (30 days) and cert-expired (0). */
	if (rdd__h_num_at(net, "rtt_median_ms", &v)) {
		fputs(" rtt=", out);
		perfnum(out, v / 1000.0);
		fputs("s;0.15;;0;", out);
	}
	if (rdd__h_num_at(net, "loss_pct", &v)) {
		fputs(" loss=", out);
		perfnum(out, v);
		fputs("%;0;;0;100", out);
	}
	if (rdd__h_int_at(cert, "days_left", &days))
		fprintf(out, " cert_days_left=%lld;30:;0:;;", days);
	json_array_foreach(rdd__h_arr(doc, "findings"), i, e)
	{
		const char *sev = rdd__h_str(e, "severity");

		if (sev != NULL && strcmp(sev, "critical") == 0)
			crit++;
		else if (sev != NULL && strcmp(sev, "warning") == 0)
			warn++;
	}
	fprintf(out, " critical_findings=%zu;;;0; warning_findings=%zu;;;0;",
	        crit, warn);
}

int
rdd_report_nagios(FILE *out, const void *doc_)
{
	const json_t *doc = doc_, *v = rdd__h_obj(doc_, "verdict"), *f;
	const char *status = rdd__h_str(v, "status");
	const char *failed = rdd__h_str(v, "failed_phase");
	static const char *const words[][2] = {
	    {"ok", "OK"}, {"warning", "WARNING"}, {"critical", "CRITICAL"}};
	const char *word = "UNKNOWN";
	char a[LINE_MAX_TEXT], b[LINE_MAX_TEXT], c[LINE_MAX_TEXT];
	json_t *e;
	size_t i;

	if (!rdd__h_is_check(doc))
		return -1;
	for (i = 0; i < 3; i++)
		if (status != NULL && strcmp(status, words[i][0]) == 0)
			word = words[i][1];
	fprintf(out, "RDP %s - ", word);
	if (failed != NULL && ((f = first_critical(doc, failed)) != NULL ||
	                       (f = first_critical(doc, NULL)) != NULL))
		fprintf(out, "failed in %s: %s (%s)",
		        plain(a, sizeof(a), failed),
		        plain(b, sizeof(b), rdd__h_str(f, "title")),
		        plain(c, sizeof(c), rdd__h_str(f, "id")));
	else
		fputs(plain(a, sizeof(a), rdd__h_str(v, "summary")), out);
	fputs(" |", out);
	perfdata(out, doc);
	fputc('\n', out);
	json_array_foreach(rdd__h_arr(doc, "findings"), i, e)
	{
		fprintf(out, "%s %s (%s): ",
		        plain(a, sizeof(a), rdd__h_str(e, "severity")),
		        plain(b, sizeof(b), rdd__h_str(e, "id")),
		        plain(c, sizeof(c), rdd__h_str(e, "phase")));
		fprintf(out, "%s: %s\n",
		        plain(a, sizeof(a), rdd__h_str(e, "title")),
		        plain(b, sizeof(b), rdd__h_str(e, "evidence")));
	}
	return ferror(out) ? -1 : 0;
}
