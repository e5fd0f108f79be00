/*
 * history_text.c - what changed between two scans, for a terminal
 * (history_diff.h): a header naming the scans, then one section per kind
 * of change that has hosts, one host per line. The format is shown in
 * docs/history.md.
 *
 * Targets come from the user's list and certificate names from servers:
 * both go through rdd_escape_terminal before they are printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/report.h"
#include "scan/history_diff.h"

/* S escaped for a terminal ("-" for NULL). */
static void
put(FILE *out, const char *s)
{
	size_t cap;
	char *buf;

	if (s == NULL) {
		fputs("-", out);
		return;
	}
	cap = 4 * strlen(s) + 1; /* each byte may become \xNN */
	buf = malloc(cap);
	if (buf == NULL) {
		fputs("?", out);
		return;
	}
	fputs(rdd_escape_terminal(buf, cap, s), out);
	free(buf);
}

/* "target:port", or the target alone when it already ends in ":port";
 * a bare IPv6 address gets brackets. */
static void
put_host(FILE *out, const struct rdd_history_change *c)
{
	char sfx[16];
	size_t n = (size_t)snprintf(sfx, sizeof(sfx), ":%ld", c->port);
	size_t len = strlen(c->target);
	bool v6 = strchr(c->target, ':') != NULL;

	fputs("  ", out);
	if (len > n && strcmp(c->target + len - n, sfx) == 0) {
		put(out, c->target);
		return;
	}
	if (v6 && c->target[0] != '[')
		fputs("[", out);
	put(out, c->target);
	if (v6 && c->target[0] != '[')
		fputs("]", out);
	fputs(sfx, out);
}

/* "critical (tls)", "ok". */
static void
put_verdict(FILE *out, const struct rdd_history_side *s)
{
	put(out, s->status);
	if (s->failed_phase != NULL) {
		fputs(" (", out);
		put(out, s->failed_phase);
		fputs(")", out);
	}
}

/* " PREFIXid" for each id. */
static void
put_ids(FILE *out, const char *prefix, const char *const *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fputs(" ", out);
		fputs(prefix, out);
		put(out, ids[i]);
	}
}

static void
put_cert(FILE *out, const char *label, const struct rdd_history_cert *c)
{
	fprintf(out, "    %s ", label);
	put(out, c->subject);
	fputs(", sha256 ", out);
	put(out, c->sha256);
	fputs(", until ", out);
	put(out, c->not_after);
	fputs("\n", out);
}

static void
put_scan(FILE *out, const struct rdd_history_scan_info *i)
{
	fprintf(out, "scan %lld (", (long long)i->id);
	put(out, i->started_at);
	fprintf(out, ", %ld host%s%s)", i->hosts, i->hosts == 1 ? "" : "s",
	        i->complete ? "" : ", incomplete");
}

/* One line per host of kind BIT. */
static void
section(FILE *out, const struct rdd_history_diff *d, unsigned bit,
        const char *title)
{
	size_t i, k = 0;

	while ((1u << k) != bit)
		k++;
	if (d->count[k] == 0)
		return;
	fprintf(out, "\n%s (%zu):\n", title, d->count[k]);
	for (i = 0; i < d->n; i++) {
		const struct rdd_history_change *c = &d->c[i];

		if (!(c->what & bit))
			continue;
		put_host(out, c);
		switch (bit) {
		case RDD_HCHG_NEW_FAILURE:
		case RDD_HCHG_FIXED:
		case RDD_HCHG_VERDICT:
			fputs("  ", out);
			put_verdict(out, &c->old);
			fputs(" -> ", out);
			put_verdict(out, &c->now);
			if (bit == RDD_HCHG_NEW_FAILURE &&
			    c->now.n_findings > 0) {
				fputs(":", out);
				put_ids(out, "",
				        (const char *const *)c->now.findings,
				        c->now.n_findings);
			}
			break;
		case RDD_HCHG_FINDINGS:
			fputs(" ", out);
			put_ids(out, "+", c->appeared, c->n_appeared);
			put_ids(out, "-", c->disappeared, c->n_disappeared);
			break;
		case RDD_HCHG_CERT:
			fputs("\n", out);
			put_cert(out, "was", &c->old.cert);
			put_cert(out, "now", &c->now.cert);
			continue;
		case RDD_HCHG_EXPIRING:
			fputs("  ", out);
			put(out, c->now.cert.subject);
			if (c->now.cert.days_left < 0)
				fputs(": expired on ", out);
			else
				fprintf(out, ": %ld day%s left, until ",
				        c->now.cert.days_left,
				        c->now.cert.days_left == 1 ? "" : "s");
			put(out, c->now.cert.not_after);
			break;
		case RDD_HCHG_GONE:
			fputs("  was ", out);
			put_verdict(out, &c->old);
			break;
		case RDD_HCHG_NEW:
			fputs("  ", out);
			put_verdict(out, &c->now);
			break;
		}
		fputs("\n", out);
	}
}

int
rdd_history_diff_text(FILE *out, const struct rdd_history_diff *d)
{
	char title[64];

	fputs("From ", out);
	put_scan(out, &d->from);
	fputs(" to ", out);
	put_scan(out, &d->to);
	fprintf(out, ":\n%zu host%s changed, %zu unchanged.\n", d->n,
	        d->n == 1 ? "" : "s", d->unchanged);
	snprintf(title, sizeof(title), "Certificates expiring within %d days",
	         d->expire_days);
	section(out, d, RDD_HCHG_NEW_FAILURE, "New failures");
	section(out, d, RDD_HCHG_FIXED, "Fixed");
	section(out, d, RDD_HCHG_VERDICT, "Other verdict changes");
	section(out, d, RDD_HCHG_FINDINGS, "Findings changed");
	section(out, d, RDD_HCHG_CERT, "Certificates changed");
	section(out, d, RDD_HCHG_EXPIRING, title);
	section(out, d, RDD_HCHG_GONE, "Hosts gone");
	section(out, d, RDD_HCHG_NEW, "New hosts");
	return ferror(out) ? -1 : 0;
}
