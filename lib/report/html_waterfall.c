/*
 * html_waterfall.c - the charts of the HTML report, as inline SVG
 * (html_int.h): the phases as a waterfall like a browser's network panel
 * (one bar per phase, to scale from start_ms and ms, the failed phase red
 * with the finding that explains it), the check's connections beneath it
 * on the same scale (TCP, X.224, TLS, CredSSP, MCS and the session walk of
 * each), and the path samples as a small RTT chart.
 *
 * Every bar carries its numbers as data-* attributes, and each chart its
 * scale (data-span-ms, data-x0, data-width), so a test can read a page's
 * DOM and check each bar against the document's timings. Colours are CSS
 * classes (html_page.c), so dark mode and print apply to the charts too.
 */
#include <string.h>

#include "report/html_int.h"

#define ROW 24.0
#define TOP 26.0
#define VIEW_W 1000.0
#define RIGHT_X (RDD_H_WF_X0 + RDD_H_WF_WIDTH + 16.0)
#define CHAR_W 6.5 /* a generous width of one character of a label */

struct scale {
	double span; /* ms at the right end of the bars */
};

/* The right end of the bar area, where a clipped bar stops. */
#define X_END (RDD_H_WF_X0 + RDD_H_WF_WIDTH)

static double
x_of(const struct scale *s, double ms)
{
	if (!(ms > 0))
		ms = 0;
	return RDD_H_WF_X0 + ms / s->span * RDD_H_WF_WIDTH;
}

/* The width of a bar of MS from X: to scale, at least RDD_H_MIN_BAR,
 * and clipped at X_END (*CLIPPED then says so). */
static double
w_of(const struct scale *s, double x, double ms, bool *clipped)
{
	double v = (ms > 0 ? ms : 0) / s->span * RDD_H_WF_WIDTH;

	if (v < RDD_H_MIN_BAR)
		v = RDD_H_MIN_BAR;
	*clipped = x + v > X_END + 0.001;
	if (*clipped)
		v = X_END - x > RDD_H_MIN_BAR ? X_END - x : RDD_H_MIN_BAR;
	return v;
}

/* Marks a clipped bar: a break at the right edge. */
static void
clip_mark(struct hw *w, double y)
{
	rdd__h_raw(w, "<text class=\"tick\" x=\"");
	rdd__h_num(w, X_END + 1);
	rdd__h_raw(w, "\" y=\"");
	rdd__h_num(w, y + 15);
	rdd__h_raw(w, "\">&#8811;</text>\n");
}

static void
extend(double *span, const json_t *o, const char *start_key, const char *ms_key)
{
	double st, ms;

	if (rdd__h_num_at(o, start_key, &st) && rdd__h_num_at(o, ms_key, &ms) &&
	    st >= 0 && ms >= 0 && st + ms > *span)
		*span = st + ms;
}

/*
 * The right end of the time axis: the end of the connection's own path
 * (the phases resolve to activation, the connections, CredSSP, the
 * session), unless the path samples and the RDP-UDP probe, which run
 * beside it, end less than half as late again: then theirs. A longer
 * side measurement (--samples 32 takes seconds) is clipped at the right
 * edge rather than squeeze the phases that matter into a few pixels.
 */
static double
span_of(const json_t *doc)
{
	json_t *arr, *e, *cs, *sess;
	double span = 0, side = 0, side_start = 0, v;
	size_t i;

	json_array_foreach(rdd__h_arr(doc, "phases"), i, e)
	{
		const char *name = rdd__h_str(e, "phase");

		if (name != NULL &&
		    (strcmp(name, "udp") == 0 || strcmp(name, "network") == 0 ||
		     strcmp(name, "kerberos") == 0)) {
			extend(&side, e, "start_ms", "ms");
			if (rdd__h_num_at(e, "start_ms", &v) && v > side_start)
				side_start = v;
		} else
			extend(&span, e, "start_ms", "ms");
	}
	arr = rdd__h_arr(rdd__h_obj(doc, "negotiation"), "attempts");
	json_array_foreach(arr, i, e)
	{
		extend(&span, e, "tcp_start_ms", "tcp_ms");
		extend(&span, e, "x224_start_ms", "ms");
		extend(&span, e, "tls_start_ms", "tls_ms");
		extend(&span, e, "mcs_start_ms", "mcs_ms");
	}
	if ((cs = rdd__h_obj(doc, "credssp")) != NULL)
		extend(&span, cs, "start_ms", "ms");
	if ((sess = rdd__h_obj(doc, "session")) != NULL &&
	    rdd__h_num_at(sess, "end_ms", &v) && v > span)
		span = v;
	/* Every bar starts inside the chart. */
	if (side_start > span)
		span = side_start;
	if (side > span && (side <= 1.5 * span || span <= 0))
		span = side;
	else if (side > span)
		span *= 1.15; /* room for the clipped bars' marks */
	return span > 0 ? span : 1;
}

/* A step of 1, 2 or 5 times a power of ten giving 4 to 10 ticks. */
static double
tick_step(double span)
{
	double raw = span / 6, p = 1, m;

	/* The power of ten at or below RAW, without libm. */
	while (p > raw && p > 1e-6)
		p /= 10;
	while (p * 10 <= raw && p < 1e12)
		p *= 10;
	m = raw / p;

	if (m < 1.5)
		return p;
	if (m < 3.5)
		return 2 * p;
	if (m < 7.5)
		return 5 * p;
	return 10 * p;
}

static void
axis(struct hw *w, const struct scale *s, double height)
{
	double step = tick_step(s->span), t;
	int n = 0;

	for (t = 0; t <= s->span * 1.0001 && n < 50; t += step, n++) {
		double x = x_of(s, t);

		rdd__h_raw(w, "<line class=\"axis\" x1=\"");
		rdd__h_num(w, x);
		rdd__h_raw(w, "\" x2=\"");
		rdd__h_num(w, x);
		rdd__h_printf(w, "\" y1=\"%g\" y2=\"", TOP - 6);
		rdd__h_num(w, height - 4);
		rdd__h_raw(w, "\"/><text class=\"tick\" text-anchor=\"middle\" "
		              "x=\"");
		rdd__h_num(w, x);
		rdd__h_printf(w, "\" y=\"%g\">", TOP - 10);
		if (step >= 1000)
			rdd__h_printf(w, "%g s", t / 1000);
		else
			rdd__h_printf(w, "%g ms", t);
		rdd__h_raw(w, "</text>\n");
	}
}

static void
svg_begin(struct hw *w, const char *cls, const char *prefix, const char *id,
          const struct scale *s, double height, const char *label)
{
	rdd__h_printf(w, "<svg class=\"%s\" id=\"", cls);
	rdd__h_anchor(w, prefix, id);
	rdd__h_printf(w,
	              "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
	              "%g ",
	              VIEW_W);
	rdd__h_num(w, height);
	rdd__h_printf(w, "\" width=\"%g\" height=\"", VIEW_W);
	rdd__h_num(w, height);
	rdd__h_raw(w, "\" role=\"img\" aria-label=\"");
	rdd__h_text(w, label);
	/* Full precision: a test recomputes each bar from it. */
	rdd__h_printf(w, "\" data-span-ms=\"%.9g", s->span);
	rdd__h_printf(w, "\" data-x0=\"%g\" data-width=\"%g\">\n", RDD_H_WF_X0,
	              RDD_H_WF_WIDTH);
}

/* The first LIMIT bytes of S without cutting a UTF-8 character. */
static size_t
cut_utf8(const char *s, size_t limit)
{
	size_t n = strlen(s);

	if (n <= limit)
		return n;
	n = limit;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* The title of the finding that explains the failed phase: the first
 * critical finding of that phase, else the first of that phase. */
static const json_t *
failing_finding(const json_t *doc, const char *phase)
{
	json_t *f, *any = NULL;
	size_t i;

	if (phase == NULL)
		return NULL;
	json_array_foreach(rdd__h_arr(doc, "findings"), i, f)
	{
		const char *p = rdd__h_str(f, "phase");
		const char *sev = rdd__h_str(f, "severity");

		if (p == NULL || strcmp(p, phase) != 0)
			continue;
		if (sev != NULL && strcmp(sev, "critical") == 0)
			return f;
		if (any == NULL)
			any = f;
	}
	return any;
}

/*
 * One phase's row. *END is where the last bar of the connection's own
 * phases ended (a phase that did not run is written there: it was not
 * reached at that point); the side measurements (udp, network) leave it.
 */
static void
phase_row(struct hw *w, const json_t *doc, const json_t *ph, size_t row,
          const struct scale *s, const char *prefix, double *end_ms)
{
	const char *name = rdd__h_str(ph, "phase");
	const char *status = rdd__h_str(ph, "status");
	const char *cls = rdd__h_class(status);
	const char *detail = rdd__h_str(ph, "detail");
	double y = TOP + (double)row * ROW, st = 0, ms = 0;
	bool has_st = rdd__h_num_at(ph, "start_ms", &st);
	bool has_ms = rdd__h_num_at(ph, "ms", &ms);
	bool skipped = strcmp(cls, "skipped") == 0;
	bool bad = strcmp(cls, "failed") == 0 || strcmp(cls, "timeout") == 0;
	double bx, bw;

	rdd__h_raw(w, "<g class=\"phase\"><title>");
	rdd__h_text(w, name);
	rdd__h_raw(w, ": ");
	rdd__h_text(w, status);
	if (has_ms && !skipped) {
		rdd__h_printf(w, ", %.3f ms", ms);
		if (has_st)
			rdd__h_printf(w, " from %.3f ms", st);
	}
	if (detail != NULL && detail[0] != '\0') {
		rdd__h_raw(w, " - ");
		rdd__h_text(w, detail);
	}
	rdd__h_raw(w, "</title>\n");
	rdd__h_printf(w, "<text class=\"lbl-%s\" x=\"8\" y=\"", cls);
	rdd__h_num(w, y + 15);
	rdd__h_raw(w, "\">");
	rdd__h_text(w, name);
	rdd__h_raw(w, "</text>\n");
	if (!has_st)
		st = 0;
	if (!has_ms)
		ms = 0;
	bx = x_of(s, st);
	if (!skipped && name != NULL && strcmp(name, "udp") != 0 &&
	    strcmp(name, "network") != 0 && strcmp(name, "kerberos") != 0 &&
	    st + ms > *end_ms)
		*end_ms = st + ms;
	if (skipped) {
		double tx = x_of(s, *end_ms) + 4;

		/* Room for the words before the right-hand column. */
		if (tx > X_END - 80)
			tx = X_END - 80;
		rdd__h_raw(w, "<text class=\"lbl-skipped\" x=\"");
		rdd__h_num(w, tx);
		rdd__h_raw(w, "\" y=\"");
		rdd__h_num(w, y + 15);
		rdd__h_raw(w, "\">");
		rdd__h_raw(w, detail != NULL &&
		                      strncmp(detail, "not verified", 12) == 0
		                  ? "not verified"
		                  : "skipped");
		rdd__h_raw(w, "</text>\n");
	} else {
		bool clipped;

		bw = w_of(s, bx, ms, &clipped);
		rdd__h_printf(w, "<rect class=\"bar bar-%s\" data-phase=\"",
		              cls);
		rdd__h_text(w, name);
		rdd__h_raw(w, "\" data-status=\"");
		rdd__h_text(w, status);
		rdd__h_raw(w, "\" data-start-ms=\"");
		rdd__h_num(w, st);
		rdd__h_raw(w, "\" data-ms=\"");
		rdd__h_num(w, ms);
		rdd__h_raw(w, "\" x=\"");
		rdd__h_num(w, bx);
		rdd__h_raw(w, "\" y=\"");
		rdd__h_num(w, y + 4);
		rdd__h_raw(w, "\" width=\"");
		rdd__h_num(w, bw);
		rdd__h_printf(w, "\" height=\"14\" rx=\"2\"%s/>\n",
		              clipped ? " data-clipped=\"1\"" : "");
		if (clipped)
			clip_mark(w, y);
	}
	rdd__h_printf(w, "<text class=\"lbl-%s\" x=\"%g\" y=\"", cls, RIGHT_X);
	rdd__h_num(w, y + 15);
	rdd__h_raw(w, "\">");
	if (skipped || !has_ms)
		rdd__h_text(w, status);
	else
		rdd__h_ms(w, ms);
	if (bad) {
		rdd__h_raw(w, " ");
		rdd__h_text(w, status);
	}
	rdd__h_raw(w, "</text>\n");
	if (bad) {
		const json_t *f = failing_finding(doc, name);
		const char *title = rdd__h_str(f, "title");
		bool clipped;
		double end = bx + w_of(s, bx, ms, &clipped);

		if (title != NULL) {
			/* Beside the bar, on the side with more room, cut
			 * to fit (the findings below have it whole). */
			bool left = bx - RDD_H_WF_X0 > X_END - end;
			double room = left ? bx - RDD_H_WF_X0 : X_END - end;
			size_t max = room > 12 * CHAR_W
			                 ? (size_t)((room - 6) / CHAR_W)
			                 : 12;

			rdd__h_raw(w, "<a href=\"#");
			rdd__h_anchor(w, prefix, "finding-");
			rdd__h_text(w, rdd__h_str(f, "id"));
			rdd__h_printf(w,
			              "\"><text class=\"lbl-failed fail-note\" "
			              "text-anchor=\"%s\" x=\"",
			              left ? "end" : "start");
			rdd__h_num(w, left ? bx - 6 : end + 6);
			rdd__h_raw(w, "\" y=\"");
			rdd__h_num(w, y + 15);
			rdd__h_raw(w, "\">");
			rdd__h_text_n(w, title, cut_utf8(title, max - 1));
			if (strlen(title) > max - 1)
				rdd__h_raw(w, "&hellip;");
			rdd__h_raw(w, "</text></a>\n");
		}
	}
	rdd__h_raw(w, "</g>\n");
}

/* One segment of a connection's row: ST to ST + MS. */
static void
segment_at(struct hw *w, const struct scale *s, double y, const char *kind,
           const char *attempt, double st, double ms, const char *outcome)
{
	bool clipped;

	rdd__h_printf(w, "<rect class=\"seg seg-%s\" data-attempt=\"", kind);
	rdd__h_text(w, attempt);
	rdd__h_printf(w, "\" data-kind=\"%s\" data-start-ms=\"", kind);
	rdd__h_num(w, st);
	rdd__h_raw(w, "\" data-ms=\"");
	rdd__h_num(w, ms);
	rdd__h_raw(w, "\" x=\"");
	rdd__h_num(w, x_of(s, st));
	rdd__h_raw(w, "\" y=\"");
	rdd__h_num(w, y + 5);
	rdd__h_raw(w, "\" width=\"");
	rdd__h_num(w, w_of(s, x_of(s, st), ms, &clipped));
	rdd__h_printf(w, "\" height=\"12\"%s><title>",
	              clipped ? " data-clipped=\"1\"" : "");
	rdd__h_text(w, attempt);
	rdd__h_printf(w, " %s", kind);
	if (outcome != NULL) {
		rdd__h_raw(w, " ");
		rdd__h_text(w, outcome);
	}
	rdd__h_printf(w, ": %.3f ms from %.3f ms</title></rect>\n", ms, st);
	if (clipped)
		clip_mark(w, y - 2);
}

/* The segment whose start and duration are at START_KEY and MS_KEY of O. */
static void
segment(struct hw *w, const struct scale *s, double y, const char *kind,
        const char *attempt, const json_t *o, const char *start_key,
        const char *ms_key, const char *outcome)
{
	double st, ms;

	if (rdd__h_num_at(o, start_key, &st) && rdd__h_num_at(o, ms_key, &ms))
		segment_at(w, s, y, kind, attempt, st, ms, outcome);
}

/* What a connection came to, in a word or two: its last step's outcome. */
static void
attempt_end(struct hw *w, const json_t *a)
{
	static const char *const keys[][2] = {
	    {"mcs", "mcs"}, {"tls", "tls"}, {"x224", "x224"}, {"tcp", "tcp"}};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = rdd__h_str(a, keys[i][1]);

		if (v == NULL || strcmp(v, "not_run") == 0)
			continue;
		rdd__h_printf(w, "%s ", keys[i][0]);
		rdd__h_text(w, v);
		return;
	}
	rdd__h_raw(w, "not run");
}

static void
connections(struct hw *w, const json_t *doc, const struct scale *s,
            const char *prefix)
{
	json_t *attempts =
	    rdd__h_arr(rdd__h_obj(doc, "negotiation"), "attempts");
	json_t *cs = rdd__h_obj(doc, "credssp");
	json_t *sess = rdd__h_obj(doc, "session");
	size_t i, n = json_array_size(attempts);
	double height = TOP + (double)n * ROW + 6;
	json_t *a;

	if (n == 0)
		return;
	rdd__h_raw(w, "<h3>Connections</h3>\n<p class=\"legend muted\">"
	              "<span style=\"background:var(--tcp)\"></span>TCP"
	              "<span style=\"background:var(--x224)\"></span>X.224"
	              "<span style=\"background:var(--tls)\"></span>TLS"
	              "<span style=\"background:var(--credssp)\"></span>CredSSP"
	              "<span style=\"background:var(--mcs)\"></span>MCS"
	              "<span style=\"background:var(--session)\"></span>"
	              "session walk</p>\n");
	svg_begin(w, "connections", prefix, "connections", s, height,
	          "the check's connections on the same time scale");
	axis(w, s, height);
	json_array_foreach(attempts, i, a)
	{
		const char *label = rdd__h_str(a, "label");
		double y = TOP + (double)i * ROW;

		rdd__h_raw(w, "<g class=\"attempt\"><title>");
		rdd__h_text(w, label);
		rdd__h_raw(w, ": requested ");
		rdd__h_text(w, rdd__h_str(a, "requested_names"));
		rdd__h_raw(w, "</title>\n<text x=\"8\" y=\"");
		rdd__h_num(w, y + 15);
		rdd__h_raw(w, "\">");
		rdd__h_text(w, label);
		rdd__h_raw(w, " <tspan class=\"tick\" font-size=\"10\">");
		rdd__h_text(w, rdd__h_str(a, "requested_names"));
		rdd__h_raw(w, "</tspan></text>\n");
		segment(w, s, y, "tcp", label, a, "tcp_start_ms", "tcp_ms",
		        rdd__h_str(a, "tcp"));
		segment(w, s, y, "x224", label, a, "x224_start_ms", "ms",
		        rdd__h_str(a, "x224"));
		segment(w, s, y, "tls", label, a, "tls_start_ms", "tls_ms",
		        rdd__h_str(a, "tls"));
		if (label != NULL && cs != NULL &&
		    rdd__h_str(cs, "from_attempt") != NULL &&
		    strcmp(rdd__h_str(cs, "from_attempt"), label) == 0)
			segment(w, s, y, "credssp", label, cs, "start_ms", "ms",
			        rdd__h_str(cs, "outcome"));
		segment(w, s, y, "mcs", label, a, "mcs_start_ms", "mcs_ms",
		        rdd__h_str(a, "mcs"));
		if (label != NULL && sess != NULL &&
		    rdd__h_str(sess, "from_attempt") != NULL &&
		    strcmp(rdd__h_str(sess, "from_attempt"), label) == 0) {
			double st, end;

			if (rdd__h_num_at(sess, "start_ms", &st) &&
			    rdd__h_num_at(sess, "end_ms", &end) && end >= st)
				segment_at(w, s, y, "session", label, st,
				           end - st,
				           rdd__h_str(sess, "outcome"));
		}
		rdd__h_printf(w, "<text class=\"tick\" x=\"%g\" y=\"", RIGHT_X);
		rdd__h_num(w, y + 15);
		rdd__h_raw(w, "\">");
		attempt_end(w, a);
		rdd__h_raw(w, "</text></g>\n");
	}
	rdd__h_raw(w, "</svg>\n");
}

static bool
is_gateway_phase(const json_t *ph)
{
	const char *name = rdd__h_str(ph, "phase");

	return name != NULL && strncmp(name, "gateway-", 8) == 0;
}

void
rdd__h_waterfall(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *phases = rdd__h_arr(doc, "phases"), *ph;
	struct scale s = {span_of(doc)};
	size_t i, row = 0, n = json_array_size(phases);
	double height = TOP + (double)n * ROW + 6, end_ms = 0;

	if (n == 0)
		return;
	svg_begin(w, "waterfall", prefix, "waterfall", &s, height,
	          "the phases of the check as a waterfall");
	axis(w, &s, height);
	/* In the order of the walk: through an RD Gateway its phases
	 * (gateway-tls, -http, -tunnel, -channel) come first, then the
	 * target's (x224 ...) through its channel; the document lists
	 * phases in the fixed order of docs/json.md, the gateway's last. */
	json_array_foreach(phases, i, ph) if (is_gateway_phase(ph))
	    phase_row(w, doc, ph, row++, &s, prefix, &end_ms);
	json_array_foreach(phases, i, ph) if (!is_gateway_phase(ph))
	    phase_row(w, doc, ph, row++, &s, prefix, &end_ms);
	rdd__h_raw(w, "</svg>\n");
	connections(w, doc, &s, prefix);
}

void
rdd__h_rtt_chart(struct hw *w, const json_t *network)
{
	json_t *samples = rdd__h_arr(network, "samples"), *e;
	size_t i, n = json_array_size(samples);
	double max = 0, ms, med, base = 120, left = 50, cw;

	if (n == 0)
		return;
	json_array_foreach(samples, i, e)
	{
		if (rdd__h_num_at(e, "ms", &ms) && ms > max)
			max = ms;
	}
	if (max <= 0)
		max = 1;
	cw = (500.0 - left) / (double)n;
	rdd__h_raw(w, "<svg class=\"rtt\" xmlns=\"http://www.w3.org/2000/svg\" "
	              "viewBox=\"0 0 520 150\" width=\"520\" height=\"150\" "
	              "role=\"img\" aria-label=\"round-trip time of each TCP "
	              "handshake\" data-max-ms=\"");
	rdd__h_num(w, max);
	rdd__h_raw(w, "\">\n");
	rdd__h_printf(w,
	              "<line class=\"axis\" x1=\"%g\" x2=\"510\" y1=\"%g\" "
	              "y2=\"%g\"/>\n<text class=\"tick\" x=\"4\" y=\"24\">",
	              left, base, base);
	rdd__h_ms(w, max);
	rdd__h_raw(w, "</text>\n");
	json_array_foreach(samples, i, e)
	{
		const char *out = rdd__h_str(e, "outcome");
		bool ok = out != NULL && strcmp(out, "ok") == 0;
		double bh, x = left + (double)i * cw + cw * 0.15;

		if (!rdd__h_num_at(e, "ms", &ms) || ms < 0)
			ms = 0;
		bh = ok ? ms / max * (base - 30) : base - 30;
		if (bh < 1)
			bh = 1;
		rdd__h_printf(w, "<rect class=\"%s\" data-ms=\"",
		              ok ? "bar-ok" : "bar-failed");
		rdd__h_num(w, ms);
		rdd__h_raw(w, "\" data-outcome=\"");
		rdd__h_text(w, out);
		rdd__h_raw(w, "\" x=\"");
		rdd__h_num(w, x);
		rdd__h_raw(w, "\" y=\"");
		rdd__h_num(w, base - bh);
		rdd__h_raw(w, "\" width=\"");
		rdd__h_num(w, cw * 0.7);
		rdd__h_raw(w, "\" height=\"");
		rdd__h_num(w, bh);
		rdd__h_printf(w, "\"><title>sample %zu", i + 1);
		if (rdd__h_str(e, "connection") != NULL) {
			/* The handshake of one of the check's connections. */
			rdd__h_raw(w, " (connection ");
			rdd__h_text(w, rdd__h_str(e, "connection"));
			rdd__h_raw(w, ")");
		}
		rdd__h_raw(w, ": ");
		rdd__h_text(w, out);
		rdd__h_printf(w, ", %.3f ms</title></rect>\n", ms);
		if (n <= 16) {
			rdd__h_raw(
			    w, "<text class=\"tick\" text-anchor=\"middle\" "
			       "x=\"");
			rdd__h_num(w, x + cw * 0.35);
			rdd__h_printf(w, "\" y=\"%g\">", base + 16);
			if (ok)
				rdd__h_printf(w, "%.1f", ms);
			else
				rdd__h_text(w, out);
			rdd__h_raw(w, "</text>\n");
		}
	}
	if (rdd__h_num_at(network, "rtt_median_ms", &med) && med >= 0) {
		double y = base - med / max * (base - 30);

		rdd__h_printf(w,
		              "<line class=\"axis\" stroke-dasharray=\"4 3\" "
		              "x1=\"%g\" x2=\"510\" y1=\"",
		              left);
		rdd__h_num(w, y);
		rdd__h_raw(w, "\" y2=\"");
		rdd__h_num(w, y);
		rdd__h_raw(w, "\"/><text class=\"tick\" x=\"4\" y=\"");
		rdd__h_num(w, y + 4);
		rdd__h_raw(w, "\">median</text>\n");
	}
	rdd__h_raw(w, "</svg>\n");
}
