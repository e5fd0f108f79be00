/*
 * watch.c - what repeated checks of one target showed (report.h,
 * `rdpdoctor watch`): per round its time, verdict, each phase's time and
 * its findings; per phase min, median, p95 and max over the rounds; per
 * finding how often it came, and when it came and went ("credssp-timeout:
 * 4 of 120 rounds, all between 08:55:01 and 09:05:12").
 *
 * Rounds are read from their check documents (as the HTML report is), so
 * a test can feed documents without a server. Memory is bounded: the
 * percentiles are over the last WINDOW rounds (a ring), the counts over
 * all of them, and each finding keeps its first spell and its last
 * SPELLS - 1 spells (a spell: consecutive rounds with the finding).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/report.h"
#include "report/html_int.h"
#include "report/watch_int.h"

#define WINDOW 20000 /* rounds kept for the percentiles */
#define SPELLS 6     /* spells kept per finding: the first and the last 5 */
#define N_TIMES (RDD_PHASE_COUNT + 1) /* the phases, then the total */
#define CAUSE_WORDS ((RDD_CAUSE_COUNT + 63) / 64)

struct round {
	int64_t t; /* checked_at, Unix seconds */
	uint8_t verdict;
	float ms[N_TIMES]; /* NAN: not timed in this round */
	uint8_t failed[RDD_PHASE_COUNT];
	uint64_t causes[CAUSE_WORDS];
};

struct spell {
	int64_t from, to; /* first and last round with it */
	int64_t went;     /* the first round without it; 0: still there */
	size_t rounds;
};

struct finding_stats {
	size_t rounds;
	int severity; /* the highest seen */
	int phase;
	struct spell spells[SPELLS]; /* [0] the first, then a ring */
	size_t n_spells;             /* all spells, not only those kept */
};

struct rdd_watch {
	double interval_s;
	char target[300];
	size_t total;
	size_t verdicts[4];
	int64_t first_t, last_t;
	struct round *ring;
	size_t cap, n, start; /* allocated, kept, the oldest kept */
	struct finding_stats f[RDD_CAUSE_COUNT];
};

struct rdd_watch *
rdd_watch_new(double interval_s)
{
	struct rdd_watch *w = calloc(1, sizeof(*w));

	if (w != NULL)
		w->interval_s = interval_s;
	return w;
}

void
rdd_watch_free(struct rdd_watch *w)
{
	if (w == NULL)
		return;
	free(w->ring);
	free(w);
}

size_t
rdd_watch_rounds(const struct rdd_watch *w)
{
	return w->total;
}

static bool
has_cause(const struct round *r, int c)
{
	return (r->causes[c / 64] >> (c % 64)) & 1;
}

/* "2026-12-06T22:21:39Z" as Unix seconds; 0 when it is not that. */
static int64_t
parse_time(const char *s)
{
	struct tm tm;
	char z = 0;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 ||
	    z != 'Z')
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

static int
verdict_of(const char *s)
{
	static const char *const names[] = {"ok", "warning", "critical"};
	int i;

	for (i = 0; s != NULL && i < 3; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return RDD_VERDICT_UNKNOWN;
}

/* The phase named S, or -1 (also for NULL). */
static int
phase_of(const char *s)
{
	return s != NULL ? rdd_phase_from_name(s) : -1;
}

static int
severity_of(const char *s)
{
	if (s != NULL && strcmp(s, "critical") == 0)
		return RDD_SEV_CRITICAL;
	if (s != NULL && strcmp(s, "warning") == 0)
		return RDD_SEV_WARNING;
	return RDD_SEV_INFO;
}

/* The round K rounds before the last one added (0: the last), or NULL. */
static const struct round *
back(const struct rdd_watch *w, size_t k)
{
	if (k >= w->n)
		return NULL;
	return &w->ring[(w->start + w->n - 1 - k) % w->cap];
}

static void
read_round(struct round *r, const json_t *doc)
{
	json_t *e;
	size_t i;
	double v;

	memset(r, 0, sizeof(*r));
	r->t = parse_time(rdd__h_str(doc, "checked_at"));
	r->verdict = (uint8_t)verdict_of(
	    rdd__h_str(rdd__h_obj(doc, "verdict"), "status"));
	for (i = 0; i < N_TIMES; i++)
		r->ms[i] = NAN;
	json_array_foreach(rdd__h_arr(doc, "phases"), i, e)
	{
		int p = phase_of(rdd__h_str(e, "phase"));
		const char *st = rdd__h_str(e, "status");

		if (p < 0 || st == NULL || strcmp(st, "skipped") == 0)
			continue;
		if (rdd__h_num_at(e, "ms", &v) && v >= 0)
			r->ms[p] = (float)v;
		r->failed[p] =
		    strcmp(st, "failed") == 0 || strcmp(st, "timeout") == 0;
	}
	if (rdd__h_num_at(doc, "total_ms", &v) && v >= 0)
		r->ms[RDD_PHASE_COUNT] = (float)v;
	json_array_foreach(rdd__h_arr(doc, "findings"), i, e)
	{
		int c = rdd_cause_from_id(rdd__h_str(e, "id"));

		if (c >= 0)
			r->causes[c / 64] |= UINT64_C(1) << (c % 64);
	}
}

/* Make room for one more round. -1 when out of memory. */
static int
grow(struct rdd_watch *w)
{
	struct round *ring;
	size_t cap;

	if (w->n < w->cap || w->cap == WINDOW)
		return 0;
	cap = w->cap == 0 ? 64 : w->cap * 2;
	if (cap > WINDOW)
		cap = WINDOW;
	/* Until it holds WINDOW rounds nothing is overwritten, so the
	 * rounds sit at 0..n-1 in order (start is 0) and stay so. */
	ring = realloc(w->ring, cap * sizeof(*ring));
	if (ring == NULL)
		return -1;
	w->ring = ring;
	w->cap = cap;
	return 0;
}

static void
note_findings(struct rdd_watch *w, const json_t *doc, const struct round *r,
              const struct round *prev)
{
	json_t *e;
	size_t i;
	int c;

	json_array_foreach(rdd__h_arr(doc, "findings"), i, e)
	{
		struct finding_stats *fs;

		c = rdd_cause_from_id(rdd__h_str(e, "id"));
		if (c < 0)
			continue;
		fs = &w->f[c];
		if (severity_of(rdd__h_str(e, "severity")) > fs->severity ||
		    fs->rounds == 0)
			fs->severity = severity_of(rdd__h_str(e, "severity"));
		fs->phase = phase_of(rdd__h_str(e, "phase"));
	}
	for (c = 0; c < RDD_CAUSE_COUNT; c++) {
		struct finding_stats *fs = &w->f[c];
		bool now = has_cause(r, c);
		bool before = prev != NULL && has_cause(prev, c);
		struct spell *sp;

		if (now && !before) {
			/* A new spell: [0] keeps the first; the others
			 * rotate through [1..SPELLS-1]. */
			size_t k = fs->n_spells == 0
			               ? 0
			               : 1 + (fs->n_spells - 1) % (SPELLS - 1);

			sp = &fs->spells[k];
			memset(sp, 0, sizeof(*sp));
			sp->from = r->t;
			fs->n_spells++;
		}
		if (fs->n_spells == 0)
			continue;
		sp = &fs->spells[fs->n_spells == 1
		                     ? 0
		                     : 1 + (fs->n_spells - 2) % (SPELLS - 1)];
		if (now) {
			sp->to = r->t;
			sp->rounds++;
			fs->rounds++;
		} else if (before) {
			sp->went = r->t;
		}
	}
}

int
rdd_watch_add(struct rdd_watch *w, const void *doc_)
{
	const json_t *doc = doc_;
	const struct round *prev;
	struct round r;
	json_t *t;

	if (!rdd__h_is_check(doc) || grow(w) != 0)
		return -1;
	read_round(&r, doc);
	prev = back(w, 0);
	note_findings(w, doc, &r, prev);
	if (w->n < w->cap) {
		w->ring[(w->start + w->n) % w->cap] = r;
		w->n++;
	} else { /* full: the oldest goes */
		w->ring[w->start] = r;
		w->start = (w->start + 1) % w->cap;
	}
	if (w->total == 0) {
		long long port = 0;

		t = rdd__h_obj(doc, "target");
		rdd__h_int_at(t, "port", &port);
		snprintf(w->target, sizeof(w->target), "%.256s:%lld",
		         rdd__h_str(t, "host") ? rdd__h_str(t, "host") : "?",
		         port);
		w->first_t = r.t;
	}
	w->last_t = r.t;
	w->total++;
	w->verdicts[r.verdict]++;
	return 0;
}

/* ---- the live line ----------------------------------------------------- */

static const char *
clock_of(char *buf, size_t cap, int64_t t, bool date)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, cap, date ? "%Y-%m-%d %H:%M:%S %z" : "%H:%M:%S",
	             &tm) == 0)
		snprintf(buf, cap, "?");
	return buf;
}

int
rdd_watch_line(FILE *out, const struct rdd_watch *w)
{
	const struct round *r = back(w, 0), *prev = back(w, 1);
	char when[64], safe[2 * sizeof(w->target)];
	int p, c;

	if (r == NULL)
		return -1;
	rdd_escape_terminal(safe, sizeof(safe), w->target);
	fprintf(out, "%s #%zu %-8s", clock_of(when, sizeof(when), r->t, false),
	        w->total, rdd_verdict_name((enum rdd_verdict)r->verdict));
	for (p = 0; p < RDD_PHASE_COUNT; p++) {
		if (isnan(r->ms[p]))
			continue;
		fprintf(out, " %s=%.1f%s", rdd_phase_name((enum rdd_phase)p),
		        (double)r->ms[p], r->failed[p] ? "(failed)" : "");
	}
	if (!isnan(r->ms[RDD_PHASE_COUNT]))
		fprintf(out, " total=%.1fms", (double)r->ms[RDD_PHASE_COUNT]);
	for (c = 0; c < RDD_CAUSE_COUNT; c++) {
		bool now = has_cause(r, c), before = prev && has_cause(prev, c);

		if (now != before && (prev != NULL || now))
			fprintf(out, " %c%s", now ? '+' : '-',
			        rdd_cause_info((enum rdd_cause)c)->id);
	}
	fputc('\n', out);
	return ferror(out) ? -1 : 0;
}

/* ---- the summary ------------------------------------------------------- */

static int
cmp_float(const void *x, const void *y)
{
	float a = *(const float *)x, b = *(const float *)y;

	return (a > b) - (a < b);
}

/* Nearest-rank percentile P of the sorted V[0..N-1], N > 0 (as the path
 * samples' p95, lib/probe/netpath.c). */
static double
percentile(const float *v, size_t n, double p)
{
	size_t rank = (size_t)((p / 100.0) * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1];
}

static void
phase_stats(FILE *out, const struct rdd_watch *w, float *v, int p)
{
	size_t i, n = 0, failed = 0;
	double med;

	for (i = 0; i < w->n; i++) {
		const struct round *r = &w->ring[i];

		if (isnan(r->ms[p]))
			continue;
		v[n++] = r->ms[p];
		if (p < RDD_PHASE_COUNT && r->failed[p])
			failed++;
	}
	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp_float);
	med = n % 2 ? (double)v[n / 2]
	            : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
	fprintf(out, "  %-11s %6zu %6zu %9.1f %9.1f %9.1f %9.1f\n",
	        p < RDD_PHASE_COUNT ? rdd_phase_name((enum rdd_phase)p)
	                            : "total",
	        n, failed, (double)v[0], med, percentile(v, n, 95),
	        (double)v[n - 1]);
}

static void
spell_words(FILE *out, const struct spell *s, bool span_days)
{
	char a[64], b[64];

	clock_of(a, sizeof(a), s->from, span_days);
	if (s->went != 0)
		fprintf(out, "came %s, went %s", a,
		        clock_of(b, sizeof(b), s->went, span_days));
	else
		fprintf(out, "came %s, still there at the end", a);
	fprintf(out, " (%zu round%s)", s->rounds, s->rounds == 1 ? "" : "s");
}

static void
finding_summary(FILE *out, const struct rdd_watch *w, int c, bool span_days)
{
	const struct finding_stats *fs = &w->f[c];
	const struct rdd_cause_info *ci = rdd_cause_info((enum rdd_cause)c);
	char a[64], b[64];
	size_t k, shown, first_ring;

	fprintf(out, "  %s (%s, %s): %zu of %zu rounds", ci->id,
	        rdd_severity_name((enum rdd_severity)fs->severity),
	        fs->phase >= 0 ? rdd_phase_name((enum rdd_phase)fs->phase)
	                       : "?",
	        fs->rounds, w->total);
	clock_of(a, sizeof(a), fs->spells[0].from, span_days);
	if (fs->n_spells == 1) {
		fprintf(out, ", all between %s and %s\n", a,
		        clock_of(b, sizeof(b), fs->spells[0].to, span_days));
	} else {
		const struct spell *last =
		    &fs->spells[1 + (fs->n_spells - 2) % (SPELLS - 1)];

		fprintf(out, " in %zu spells, between %s and %s\n",
		        fs->n_spells, a,
		        clock_of(b, sizeof(b), last->to, span_days));
	}
	/* The first spell, then the kept ones in order. */
	fprintf(out, "      ");
	spell_words(out, &fs->spells[0], span_days);
	fputc('\n', out);
	shown = fs->n_spells - 1 < SPELLS - 1 ? fs->n_spells - 1 : SPELLS - 1;
	if (fs->n_spells - 1 > shown)
		fprintf(out, "      ... %zu more spells ...\n",
		        fs->n_spells - 1 - shown);
	first_ring = fs->n_spells - 1 - shown; /* index among spells 1.. */
	for (k = 0; k < shown; k++) {
		size_t idx = first_ring + k; /* 0-based among spells 1.. */

		fprintf(out, "      ");
		spell_words(out, &fs->spells[1 + idx % (SPELLS - 1)],
		            span_days);
		fputc('\n', out);
	}
}

int
rdd_watch_summary(FILE *out, const struct rdd_watch *w)
{
	char a[64], b[64], safe[2 * sizeof(w->target)];
	bool span_days = w->last_t - w->first_t >= 86400, any = false;
	size_t failed;
	float *v;
	int p, c;

	if (w->total == 0) {
		fprintf(out, "watch: no round completed\n");
		return ferror(out) ? -1 : 0;
	}
	v = malloc(w->n * sizeof(*v));
	if (v == NULL)
		return -1;
	rdd_escape_terminal(safe, sizeof(safe), w->target);
	failed = w->verdicts[RDD_VERDICT_CRITICAL] +
	         w->verdicts[RDD_VERDICT_UNKNOWN];
	fprintf(out, "\nwatch of %s: %zu round%s from %s to %s", safe, w->total,
	        w->total == 1 ? "" : "s",
	        clock_of(a, sizeof(a), w->first_t, true),
	        clock_of(b, sizeof(b), w->last_t, !span_days ? false : true));
	if (w->interval_s > 0)
		fprintf(out, ", every %g s", w->interval_s);
	fprintf(out,
	        "\nverdicts: ok %zu, warning %zu, critical %zu, unknown %zu; "
	        "failed %zu of %zu rounds (%.1f%%)\n",
	        w->verdicts[0], w->verdicts[1], w->verdicts[2], w->verdicts[3],
	        failed, w->total, 100.0 * (double)failed / (double)w->total);
	if (w->n < w->total)
		fprintf(out, "times over the last %zu rounds\n", w->n);
	fprintf(out, "  %-11s %6s %6s %9s %9s %9s %9s  (ms)\n", "phase",
	        "rounds", "failed", "min", "median", "p95", "max");
	for (p = 0; p <= RDD_PHASE_COUNT; p++)
		phase_stats(out, w, v, p);
	free(v);
	for (c = 0; c < RDD_CAUSE_COUNT; c++) {
		if (w->f[c].rounds == 0 || w->f[c].rounds == w->total)
			continue;
		if (!any)
			fprintf(out, "findings that came and went:\n");
		any = true;
		finding_summary(out, w, c, span_days);
	}
	any = false;
	for (c = 0; c < RDD_CAUSE_COUNT; c++) {
		if (w->f[c].rounds != w->total)
			continue;
		fprintf(out, "%s%s", any ? ", " : "findings in every round: ",
		        rdd_cause_info((enum rdd_cause)c)->id);
		any = true;
	}
	if (any)
		fputc('\n', out);
	return ferror(out) ? -1 : 0;
}

/* ---- for the Prometheus file ------------------------------------------ */

size_t
rdd__watch_failed(const struct rdd_watch *w)
{
	return w->verdicts[RDD_VERDICT_CRITICAL] +
	       w->verdicts[RDD_VERDICT_UNKNOWN];
}

size_t
rdd__watch_finding_rounds(const struct rdd_watch *w, int cause)
{
	return cause >= 0 && cause < RDD_CAUSE_COUNT ? w->f[cause].rounds : 0;
}
