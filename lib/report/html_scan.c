/*
 * html_scan.c - the fleet page of `rdpdoctor scan --html` and `rdpdoctor
 * report scan.ndjson --html` (report.h): counts, the table of hosts, the
 * policy and drift results, then each host's own section.
 *
 * Sorting the table: one small inline script, no library and no request.
 * The page's Content-Security-Policy names its SHA-256 (computed here from
 * the very bytes written), so it is the only script that can run: markup
 * that escaped escaping still could not. Chosen over pre-sorted copies of
 * the table (one per column, switched by :target) because a scan of
 * thousands of hosts would repeat its table as many times. Without the
 * script (printed, or a viewer that runs none) the table stays in its
 * first order: worst first, then by name.
 *
 * Each host's section is the check's page without its tree of every field
 * of the document (half of a section; the NDJSON line has them all), so a
 * fleet's page stays loadable: 1000 hosts make 22 MB.
 *
 * Findings are counted by id, once per host, critical first, then by how
 * many hosts have them; the severity and title shown are the first
 * host's (in the table's order).
 *
 * A host is "unreachable" when no TCP connection was made to it (its tcp
 * phase is not ok and no attempt's tcp is ok), the rule of the drift
 * report (lib/scan/docfield.c); it is counted there and not under its
 * verdict, so the five counts add up to the hosts.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "rdpdoctor/report.h"
#include "report/html_int.h"

/* Kinds of host, in the table's first order (worst first). */
enum kind { K_CRITICAL, K_UNREACHABLE, K_UNKNOWN, K_WARNING, K_OK, K_COUNT };

static const char *const kind_name[K_COUNT] = {"critical", "unreachable",
                                               "unknown", "warning", "ok"};
/* The badge's class (html_page.c): unreachable is red as a failure. */
static const char *const kind_class[K_COUNT] = {"critical", "failed", "unknown",
                                                "warning", "ok"};

/* The order the counts are shown in. */
static const enum kind count_order[K_COUNT] = {K_OK, K_WARNING, K_CRITICAL,
                                               K_UNREACHABLE, K_UNKNOWN};

struct host {
	const json_t *doc;
	enum kind kind;
	const char *name; /* target.host, "" when absent */
	long long port;
	size_t index; /* in the input */
	char *dump;   /* the document as canonical JSON, for ties (lazy) */
};

#define MAX_KEYS 1000 /* distinct phases, findings or rules counted */
#define MAX_LINKS 12  /* hosts named after a count */

struct tally {
	const char *key;
	const json_t *first; /* the first finding or rule with this key */
	size_t count;
	size_t links[MAX_LINKS]; /* the hosts' places in the table (from 0) */
};

struct tallies {
	struct tally *t;
	size_t n, cap;
	size_t others; /* counted past MAX_KEYS */
};

static bool
reached(const json_t *doc)
{
	json_t *ph, *a;
	size_t i;

	json_array_foreach(rdd__h_arr(doc, "phases"), i, ph)
	{
		const char *name = rdd__h_str(ph, "phase");
		const char *st = rdd__h_str(ph, "status");

		if (name != NULL && strcmp(name, "tcp") == 0 && st != NULL &&
		    strcmp(st, "ok") == 0)
			return true;
	}
	json_array_foreach(
	    rdd__h_arr(rdd__h_obj(doc, "negotiation"), "attempts"), i, a)
	{
		const char *tcp = rdd__h_str(a, "tcp");

		if (tcp != NULL && strcmp(tcp, "ok") == 0)
			return true;
	}
	return false;
}

/* The check failed in its RD Gateway's own phases. */
static bool
gateway_failed(const json_t *doc)
{
	const char *fp = rdd__h_str(rdd__h_obj(doc, "verdict"), "failed_phase");

	return rdd__h_obj(doc, "gateway") != NULL && fp != NULL &&
	       (strcmp(fp, "gateway-tls") == 0 ||
	        strcmp(fp, "gateway-http") == 0 ||
	        strcmp(fp, "gateway-tunnel") == 0);
}

/* scan: not checked, its RD Gateway failed for another host. */
static bool
not_reached(const json_t *doc)
{
	return rdd__h_obj(rdd__h_obj(doc, "gateway"), "not_reached") != NULL;
}

static enum kind
kind_of(const json_t *doc)
{
	const char *st = rdd__h_str(rdd__h_obj(doc, "verdict"), "status");

	if (not_reached(doc))
		return K_UNKNOWN;
	/* Through an RD Gateway that failed itself: its verdict (the
	 * target was not tried, not found unreachable). */
	if (!reached(doc) && !gateway_failed(doc))
		return K_UNREACHABLE;
	if (st == NULL)
		return K_UNKNOWN;
	if (strcmp(st, "critical") == 0)
		return K_CRITICAL;
	if (strcmp(st, "warning") == 0)
		return K_WARNING;
	if (strcmp(st, "ok") == 0)
		return K_OK;
	return K_UNKNOWN;
}

/* The document as canonical JSON ("" when out of memory). */
static const char *
dump_of(struct host *h)
{
	if (h->dump == NULL)
		h->dump = json_dumps(h->doc, JSON_COMPACT | JSON_SORT_KEYS |
		                                 JSON_REAL_PRECISION(17));
	return h->dump != NULL ? h->dump : "";
}

/* Worst first, then host and port; hosts checked twice (the same host
 * and port) by their whole documents, so that the order of the input
 * never changes the page; the input's order last (equal documents). */
static int
cmp_host(const void *a_, const void *b_)
{
	struct host *a = (struct host *)a_, *b = (struct host *)b_;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if ((c = strcmp(dump_of(a), dump_of(b))) != 0)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Count KEY once more (for the host at PLACE); FIRST is kept from the
 * first time. Keys are the documents' (they outlive the tallies). */
static void
tally_add(struct tallies *ts, const char *key, const json_t *first,
          size_t place)
{
	struct tally *t = NULL, *nt;
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i].key, key) == 0) {
			t = &ts->t[i];
			break;
		}
	if (t == NULL) {
		if (ts->n == MAX_KEYS) {
			ts->others++;
			return;
		}
		if (ts->n == ts->cap) {
			size_t cap = ts->cap ? 2 * ts->cap : 16;

			if ((nt = realloc(ts->t, cap * sizeof(*nt))) == NULL) {
				ts->others++;
				return;
			}
			ts->t = nt;
			ts->cap = cap;
		}
		t = &ts->t[ts->n++];
		memset(t, 0, sizeof(*t));
		t->key = key;
		t->first = first;
	}
	if (t->count < MAX_LINKS)
		t->links[t->count] = place;
	t->count++;
}

static int
cmp_tally(const void *a_, const void *b_)
{
	const struct tally *a = a_, *b = b_;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->key, b->key);
}

static void
tally_sort(struct tallies *ts)
{
	if (ts->n > 1)
		qsort(ts->t, ts->n, sizeof(*ts->t), cmp_tally);
}

/* Critical first, then warning, info, anything else. */
static int
severity_rank(const json_t *finding)
{
	static const char *const order[] = {"critical", "warning", "info"};
	const char *s = rdd__h_str(finding, "severity");
	int i;

	for (i = 0; s != NULL && i < 3; i++)
		if (strcmp(s, order[i]) == 0)
			return i;
	return 3;
}

static int
cmp_finding(const void *a_, const void *b_)
{
	const struct tally *a = a_, *b = b_;
	int ra = severity_rank(a->first), rb = severity_rank(b->first);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return cmp_tally(a_, b_);
}

/* ---- pieces --------------------------------------------------------------
 */

static void
host_prefix(char *buf, size_t cap, size_t place)
{
	snprintf(buf, cap, "h%zu-", place + 1);
}

/* A link to the host at PLACE, named by its target. */
static void
host_link(struct hw *w, const struct host *hosts, size_t place)
{
	char prefix[32];

	host_prefix(prefix, sizeof(prefix), place);
	rdd__h_raw(w, "<a href=\"#");
	rdd__h_anchor(w, prefix, "host");
	rdd__h_raw(w, "\">");
	rdd__h_target(w, hosts[place].doc);
	rdd__h_raw(w, "</a>");
}

/* The hosts of T as links, "and N more" past MAX_LINKS. */
static void
tally_links(struct hw *w, const struct host *hosts, const struct tally *t)
{
	size_t i;

	for (i = 0; i < t->count && i < MAX_LINKS; i++) {
		if (i > 0)
			rdd__h_raw(w, ", ");
		host_link(w, hosts, t->links[i]);
	}
	if (t->count > MAX_LINKS)
		rdd__h_printf(w, " and %zu more", t->count - MAX_LINKS);
}

static void
others_row(struct hw *w, size_t others, int cols)
{
	if (others > 0)
		rdd__h_printf(w,
		              "<tr><td colspan=\"%d\" class=\"muted\">and %zu "
		              "more, of other kinds, not listed</td></tr>\n",
		              cols, others);
}

static void
counts(struct hw *w, const struct host *hosts, size_t n)
{
	size_t by[K_COUNT] = {0}, i;
	int k;

	for (i = 0; i < n; i++)
		by[hosts[i].kind]++;
	rdd__h_raw(w, "<table class=\"counts\" id=\"counts\">\n<tr>"
	              "<th>hosts</th>");
	for (k = 0; k < K_COUNT; k++)
		rdd__h_printf(w, "<th><span class=\"badge %s\">%s</span></th>",
		              kind_class[count_order[k]],
		              kind_name[count_order[k]]);
	rdd__h_printf(w,
	              "</tr>\n<tr><td class=\"n\" data-kind=\"hosts\" "
	              "data-count=\"%zu\">%zu</td>",
	              n, n);
	for (k = 0; k < K_COUNT; k++)
		rdd__h_printf(w,
		              "<td class=\"n\" data-kind=\"%s\" "
		              "data-count=\"%zu\">%zu</td>",
		              kind_name[count_order[k]], by[count_order[k]],
		              by[count_order[k]]);
	rdd__h_raw(w, "</tr>\n</table>\n<p class=\"muted\">Unreachable: no TCP "
	              "connection was made (counted there, not under its "
	              "verdict); a host whose RD Gateway failed itself keeps "
	              "its verdict.</p>\n");
}

static void
by_phase(struct hw *w, const struct host *hosts, size_t n)
{
	struct tallies ts = {0};
	size_t i;

	for (i = 0; i < n; i++) {
		const char *ph = rdd__h_str(rdd__h_obj(hosts[i].doc, "verdict"),
		                            "failed_phase");

		if (ph != NULL)
			tally_add(&ts, ph, NULL, i);
	}
	tally_sort(&ts);
	rdd__h_raw(w, "<h3>By failing phase</h3>\n");
	if (ts.n == 0 && ts.others == 0) {
		rdd__h_raw(w, "<p id=\"by-phase\" class=\"muted\">No host "
		              "failed in a phase.</p>\n");
		free(ts.t);
		return;
	}
	rdd__h_raw(w, "<table id=\"by-phase\">\n<tr><th>phase</th>"
	              "<th class=\"n\">hosts</th><th>which</th></tr>\n");
	for (i = 0; i < ts.n; i++) {
		rdd__h_raw(w, "<tr data-phase=\"");
		rdd__h_text(w, ts.t[i].key);
		rdd__h_printf(w, "\" data-count=\"%zu\"><td>", ts.t[i].count);
		rdd__h_text(w, ts.t[i].key);
		rdd__h_printf(w, "</td><td class=\"n\">%zu</td><td>",
		              ts.t[i].count);
		tally_links(w, hosts, &ts.t[i]);
		rdd__h_raw(w, "</td></tr>\n");
	}
	others_row(w, ts.others, 3);
	rdd__h_raw(w, "</table>\n");
	free(ts.t);
}

/* Whether DOC's findings before the one at AT have the same id. */
static bool
seen_before(const json_t *findings, size_t at, const char *id)
{
	size_t i;

	for (i = 0; i < at; i++) {
		const char *o = rdd__h_str(json_array_get(findings, i), "id");

		if (o != NULL && strcmp(o, id) == 0)
			return true;
	}
	return false;
}

static void
by_finding(struct hw *w, const struct host *hosts, size_t n)
{
	struct tallies ts = {0};
	size_t i, j;
	json_t *f;

	for (i = 0; i < n; i++) {
		json_t *fs = rdd__h_arr(hosts[i].doc, "findings");

		json_array_foreach(fs, j, f)
		{
			const char *id = rdd__h_str(f, "id");

			if (id != NULL && !seen_before(fs, j, id))
				tally_add(&ts, id, f, i);
		}
	}
	if (ts.n > 1)
		qsort(ts.t, ts.n, sizeof(*ts.t), cmp_finding);
	rdd__h_raw(w, "<h3>By finding</h3>\n");
	if (ts.n == 0 && ts.others == 0) {
		rdd__h_raw(w, "<p id=\"by-finding\" class=\"muted\">No "
		              "findings.</p>\n");
		free(ts.t);
		return;
	}
	rdd__h_raw(w, "<table id=\"by-finding\">\n<tr><th>finding</th>"
	              "<th></th><th>severity</th><th class=\"n\">hosts</th>"
	              "<th>which</th></tr>\n");
	for (i = 0; i < ts.n; i++) {
		const char *sev = rdd__h_str(ts.t[i].first, "severity");

		rdd__h_raw(w, "<tr data-finding=\"");
		rdd__h_text(w, ts.t[i].key);
		rdd__h_printf(w,
		              "\" data-count=\"%zu\"><td class=\"nw\"><code>",
		              ts.t[i].count);
		rdd__h_text(w, ts.t[i].key);
		rdd__h_raw(w, "</code></td><td>");
		rdd__h_text(w, rdd__h_str(ts.t[i].first, "title"));
		rdd__h_raw(w, "</td><td>");
		rdd__h_badge(w, sev, sev != NULL ? sev : "?");
		rdd__h_printf(w, "</td><td class=\"n\">%zu</td><td>",
		              ts.t[i].count);
		tally_links(w, hosts, &ts.t[i]);
		rdd__h_raw(w, "</td></tr>\n");
	}
	others_row(w, ts.others, 4);
	rdd__h_raw(w, "</table>\n");
	free(ts.t);
}

/* ---- policy ------------------------------------------------------------- */

static const char *const policy_states[] = {"pass", "fail", "not_verified",
                                            "unreachable"};
#define N_POLICY_STATES 4

static const char *
policy_class(const char *st)
{
	if (st == NULL)
		return "unknown";
	if (strcmp(st, "pass") == 0)
		return "ok";
	if (strcmp(st, "fail") == 0 || strcmp(st, "unreachable") == 0)
		return "critical";
	if (strcmp(st, "not_verified") == 0)
		return "warning";
	return "unknown";
}

static bool
any_policy(const struct host *hosts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rdd__h_obj(hosts[i].doc, "policy") != NULL)
			return true;
	return false;
}

/* ---- RD Gateways -------------------------------------------------------- */

#define MAX_GATEWAYS 64

static const char *const gw_phases[4] = {"gateway-tls", "gateway-http",
                                         "gateway-tunnel", "gateway-channel"};

struct gwrow {
	char name[300]; /* "host:port" as the documents say */
	size_t hosts, not_reached;
	size_t ok[4], failed[4];
	size_t failed_for; /* place of the host that showed its failure */
	bool has_failed;
};

/* "HOST:PORT" of DOC's gateway into BUF; false without one. */
static bool
gateway_name(const json_t *doc, char *buf, size_t cap)
{
	json_t *g = rdd__h_obj(doc, "gateway");
	const char *h = rdd__h_str(g, "host");
	long long port = 0;

	if (g == NULL || h == NULL)
		return false;
	rdd__h_int_at(g, "port", &port);
	snprintf(buf, cap, "%s:%lld", h, port);
	return true;
}

static bool
any_gateway(const struct host *hosts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rdd__h_obj(hosts[i].doc, "gateway") != NULL)
			return true;
	return false;
}

/* Each RD Gateway: its hosts, its four phases (ok, failed), the hosts not
 * reached through it and the host that showed its own failure. */
static void
by_gateway(struct hw *w, const struct host *hosts, size_t n)
{
	struct gwrow *rows = calloc(MAX_GATEWAYS, sizeof(*rows));
	size_t nr = 0, others = 0, i, k, r;
	char name[300];
	json_t *ph;

	if (rows == NULL) {
		w->err = -1;
		return;
	}
	for (i = 0; i < n; i++) {
		const char *fp = rdd__h_str(rdd__h_obj(hosts[i].doc, "verdict"),
		                            "failed_phase");
		struct gwrow *g = NULL;

		if (!gateway_name(hosts[i].doc, name, sizeof(name)))
			continue;
		for (r = 0; r < nr; r++)
			if (strcmp(rows[r].name, name) == 0)
				g = &rows[r];
		if (g == NULL && nr == MAX_GATEWAYS) {
			others++;
			continue;
		}
		if (g == NULL) {
			g = &rows[nr++];
			snprintf(g->name, sizeof(g->name), "%s", name);
		}
		g->hosts++;
		if (not_reached(hosts[i].doc)) {
			g->not_reached++;
			continue;
		}
		json_array_foreach(rdd__h_arr(hosts[i].doc, "phases"), k, ph)
		{
			const char *pn = rdd__h_str(ph, "phase");
			const char *st = rdd__h_str(ph, "status");

			for (r = 0; r < 4 && pn != NULL && st != NULL; r++) {
				if (strcmp(pn, gw_phases[r]) != 0)
					continue;
				if (strcmp(st, "ok") == 0)
					g->ok[r]++;
				else if (strcmp(st, "failed") == 0 ||
				         strcmp(st, "timeout") == 0)
					g->failed[r]++;
			}
		}
		if (!g->has_failed && fp != NULL &&
		    (strcmp(fp, "gateway-tls") == 0 ||
		     strcmp(fp, "gateway-http") == 0 ||
		     strcmp(fp, "gateway-tunnel") == 0)) {
			g->has_failed = true;
			g->failed_for = i;
		}
	}
	rdd__h_raw(w, "<h3>By RD Gateway</h3>\n<table id=\"by-gateway\">\n"
	              "<tr><th>gateway</th><th class=\"n\">hosts</th>");
	for (r = 0; r < 4; r++)
		rdd__h_printf(w, "<th>%s</th>", gw_phases[r]);
	rdd__h_raw(w, "<th class=\"n\">not reached</th><th>its own failure"
	              "</th></tr>\n");
	for (i = 0; i < nr; i++) {
		const struct gwrow *g = &rows[i];

		rdd__h_raw(w, "<tr data-gateway=\"");
		rdd__h_text(w, g->name);
		rdd__h_printf(w,
		              "\" data-hosts=\"%zu\" data-not-reached=\"%zu\">"
		              "<td class=\"mono\">",
		              g->hosts, g->not_reached);
		rdd__h_text(w, g->name);
		rdd__h_printf(w, "</td><td class=\"n\">%zu</td>", g->hosts);
		for (r = 0; r < 4; r++) {
			rdd__h_printf(
			    w, "<td data-ok=\"%zu\" data-failed=\"%zu\">",
			    g->ok[r], g->failed[r]);
			if (g->ok[r] > 0)
				rdd__h_printf(w, "ok %zu", g->ok[r]);
			if (g->failed[r] > 0) {
				rdd__h_raw(w, g->ok[r] > 0 ? " " : "");
				rdd__h_printf(w,
				              "<span class=\"critical\">"
				              "failed %zu</span>",
				              g->failed[r]);
			}
			rdd__h_raw(w, "</td>");
		}
		rdd__h_printf(w, "<td class=\"n\">%zu</td><td>",
		              g->not_reached);
		if (g->has_failed) {
			const json_t *d = hosts[g->failed_for].doc;

			rdd__h_text(w, rdd__h_str(rdd__h_obj(d, "verdict"),
			                          "failed_phase"));
			rdd__h_raw(w, " for ");
			host_link(w, hosts, g->failed_for);
			rdd__h_raw(w, ": not tried again");
		} else {
			rdd__h_raw(w, "<span class=\"muted\">-</span>");
		}
		rdd__h_raw(w, "</td></tr>\n");
	}
	others_row(w, others, 8);
	rdd__h_raw(w, "</table>\n<p class=\"muted\">Each gateway is tried by "
	              "one check first; once its own phases (gateway-tls, "
	              "-http, -tunnel) fail, the hosts left are not reached "
	              "through it (gateway-not-reached).</p>\n");
	free(rows);
}

static void
policy_section(struct hw *w, const struct host *hosts, size_t n)
{
	size_t by[N_POLICY_STATES + 1] = {0}, i, j, s;
	struct tallies rules = {0};
	const char *name = NULL;
	json_t *r;

	for (i = 0; i < n; i++) {
		json_t *p = rdd__h_obj(hosts[i].doc, "policy");
		const char *st = rdd__h_str(p, "status");

		if (p == NULL)
			continue;
		if (name == NULL)
			name = rdd__h_str(p, "name");
		for (s = 0; s < N_POLICY_STATES; s++)
			if (st != NULL && strcmp(st, policy_states[s]) == 0)
				break;
		by[s]++;
		json_array_foreach(rdd__h_arr(p, "rules"), j, r)
		{
			const char *rst = rdd__h_str(r, "status");
			const char *id = rdd__h_str(r, "id");

			if (id != NULL && rst != NULL &&
			    strcmp(rst, "fail") == 0)
				tally_add(&rules, id, r, i);
		}
	}
	tally_sort(&rules);
	rdd__h_raw(w, "<h2 id=\"policy\">Policy ");
	rdd__h_text(w, name != NULL ? name : "?");
	rdd__h_raw(w, "</h2>\n<table class=\"counts\" id=\"policy-counts\">\n"
	              "<tr>");
	for (s = 0; s <= N_POLICY_STATES; s++) {
		const char *label =
		    s < N_POLICY_STATES ? policy_states[s] : "no result";

		if (s == N_POLICY_STATES && by[s] == 0)
			break;
		rdd__h_raw(w, "<th>");
		rdd__h_badge(
		    w, s < N_POLICY_STATES ? policy_class(label) : "unknown",
		    label);
		rdd__h_raw(w, "</th>");
	}
	rdd__h_raw(w, "</tr>\n<tr>");
	for (s = 0; s <= N_POLICY_STATES; s++) {
		const char *label =
		    s < N_POLICY_STATES ? policy_states[s] : "no result";

		if (s == N_POLICY_STATES && by[s] == 0)
			break;
		rdd__h_printf(w,
		              "<td class=\"n\" data-policy=\"%s\" "
		              "data-count=\"%zu\">%zu</td>",
		              label, by[s], by[s]);
	}
	rdd__h_raw(w, "</tr>\n</table>\n");
	if (rules.n == 0 && rules.others == 0) {
		rdd__h_raw(w, "<p id=\"policy-rules\" class=\"muted\">No rule "
		              "failed.</p>\n");
		free(rules.t);
		return;
	}
	rdd__h_raw(w, "<table id=\"policy-rules\">\n<tr><th>rule failed"
	              "</th><th class=\"n\">hosts</th><th>which</th></tr>\n");
	for (i = 0; i < rules.n; i++) {
		rdd__h_raw(w, "<tr data-rule=\"");
		rdd__h_text(w, rules.t[i].key);
		rdd__h_printf(w, "\" data-count=\"%zu\"><td><code>",
		              rules.t[i].count);
		rdd__h_text(w, rules.t[i].key);
		rdd__h_raw(w, "</code><br>");
		rdd__h_text(w, rdd__h_str(rules.t[i].first, "title"));
		rdd__h_printf(w, "</td><td class=\"n\">%zu</td><td>",
		              rules.t[i].count);
		tally_links(w, hosts, &rules.t[i]);
		rdd__h_raw(w, "</td></tr>\n");
	}
	others_row(w, rules.others, 3);
	rdd__h_raw(w, "</table>\n");
	free(rules.t);
}

/* ---- drift -------------------------------------------------------------- */

static bool
all_strings(const json_t *arr)
{
	json_t *e;
	size_t i;

	json_array_foreach(arr, i, e) if (!json_is_string(e)) return false;
	return json_is_array(arr);
}

static void names(struct hw *w, const json_t *arr, size_t limit);

/* A fingerprint value: strings as text, arrays of strings joined by
 * ", ", anything else as compact JSON. */
static void
drift_value(struct hw *w, const json_t *v)
{
	char *s;

	if (all_strings(v) && json_array_size(v) > 0) {
		rdd__h_raw(w, "<code>");
		names(w, v, 200);
		rdd__h_raw(w, "</code>");
		return;
	}
	if (json_is_string(v)) {
		rdd__h_raw(w, "<code>");
		rdd__h_text_n(w, json_string_value(v), json_string_length(v));
		rdd__h_raw(w, "</code>");
		return;
	}
	if (v == NULL || json_is_null(v)) {
		rdd__h_raw(w, "<span class=\"muted\">(none)</span>");
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	rdd__h_raw(w, "<code>");
	rdd__h_text(w, s != NULL ? s : "?");
	rdd__h_raw(w, "</code>");
	free(s);
}

/* Names of an array of strings, at most LIMIT, "and N more". */
static void
names(struct hw *w, const json_t *arr, size_t limit)
{
	json_t *e;
	size_t i;

	json_array_foreach(arr, i, e)
	{
		if (i == limit) {
			rdd__h_printf(w, " and %zu more",
			              json_array_size(arr) - limit);
			break;
		}
		if (i > 0)
			rdd__h_raw(w, ", ");
		rdd__h_text(w, json_is_string(e) ? json_string_value(e) : "?");
	}
}

static void
drift_section(struct hw *w, const json_t *d)
{
	json_t *fields = rdd__h_arr(d, "fields"), *f, *m;
	json_t *un = rdd__h_arr(d, "unreachable");
	long long reached_n = 0;
	size_t i, j;

	rdd__h_int_at(d, "reached", &reached_n);
	rdd__h_raw(w, "<h2 id=\"drift\">Drift</h2>\n<p>");
	rdd__h_printf(
	    w,
	    "%lld host%s reached, %zu unreachable; %zu "
	    "configuration%s.",
	    reached_n, reached_n == 1 ? "" : "s", json_array_size(un),
	    json_array_size(rdd__h_arr(d, "configurations")),
	    json_array_size(rdd__h_arr(d, "configurations")) == 1 ? "" : "s");
	rdd__h_raw(w, " The configuration most hosts share, and every host "
	              "that differs from it.</p>\n");
	if (json_array_size(fields) == 0) {
		rdd__h_raw(w, "<p id=\"drift-fields\" class=\"muted\">Every "
		              "reached host has the same configuration.</p>\n");
	} else {
		rdd__h_raw(w, "<table id=\"drift-fields\">\n<tr><th>field</th>"
		              "<th>most hosts</th><th>the others</th></tr>\n");
		json_array_foreach(fields, i, f)
		{
			json_t *maj = rdd__h_obj(f, "majority");
			long long c = 0;

			rdd__h_raw(w, "<tr data-field=\"");
			rdd__h_text(w, rdd__h_str(f, "field"));
			rdd__h_raw(w, "\"><td class=\"nw\"><code>");
			rdd__h_text(w, rdd__h_str(f, "field"));
			rdd__h_raw(w, "</code></td><td>");
			drift_value(w, rdd__h_get(maj, "value"));
			rdd__h_int_at(maj, "count", &c);
			rdd__h_printf(w, " (%lld)", c);
			if (rdd__h_bool(maj, "tie") == 1)
				rdd__h_raw(w, " <span class=\"muted\">a tie"
				              "</span>");
			rdd__h_raw(w, "</td><td>");
			json_array_foreach(rdd__h_arr(f, "minorities"), j, m)
			{
				json_t *add = rdd__h_arr(m, "added");
				json_t *rem = rdd__h_arr(m, "removed");

				c = 0;
				rdd__h_int_at(m, "count", &c);
				rdd__h_raw(w, "<div>");
				drift_value(w, rdd__h_get(m, "value"));
				rdd__h_printf(w, " (%lld)", c);
				if (json_array_size(add) > 0) {
					rdd__h_raw(w, " also ");
					names(w, add, 20);
				}
				if (json_array_size(rem) > 0) {
					rdd__h_raw(w, " without ");
					names(w, rem, 20);
				}
				rdd__h_raw(w, ": <span class=\"mono\">");
				names(w, rdd__h_arr(m, "hosts"), 30);
				rdd__h_raw(w, "</span></div>");
			}
			rdd__h_raw(w, "</td></tr>\n");
		}
		rdd__h_raw(w, "</table>\n");
	}
	if (json_array_size(un) > 0) {
		rdd__h_raw(w, "<p>Unreachable, not in the drift: "
		              "<span class=\"mono\">");
		names(w, un, 50);
		rdd__h_raw(w, "</span></p>\n");
	}
}

/* ---- the host table ------------------------------------------------------
 */

/*
 * Sorts the table #hosts by the column whose button is pressed: numbers
 * (th data-type="num") or strings, from each cell's data-v; again to
 * reverse; ties keep the first order (data-i). Reads and moves rows,
 * nothing else. No '<' or '&' in it: it stands in the page as is.
 */
static const char sort_script[] =
    "\"use strict\";(function(){var t=document.getElementById(\"hosts\");"
    "if(!t||!t.tHead||!t.tBodies.length)return;var b=t.tBodies[0],"
    "hs=t.tHead.rows[0].cells;Array.prototype.forEach.call(hs,function(th,"
    "c){var btn=th.querySelector(\"button\");if(!btn)return;"
    "btn.addEventListener(\"click\",function(){var up=th.getAttribute("
    "\"aria-sort\")!==\"ascending\",num=th.getAttribute(\"data-type\")===\""
    "num\",rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y)"
    "{var p=x.cells[c].getAttribute(\"data-v\")||\"\",q=y.cells[c]."
    "getAttribute(\"data-v\")||\"\",r;if(num){r=(parseFloat(p)||0)-("
    "parseFloat(q)||0);}else{r=p===q?0:[p,q].sort()[0]===p?-1:1;}if(!r)"
    "return x.getAttribute(\"data-i\")-y.getAttribute(\"data-i\");"
    "return up?r:-r;});Array.prototype.forEach.call(hs,function(h){"
    "h.removeAttribute(\"aria-sort\");});th.setAttribute(\"aria-sort\","
    "up?\"ascending\":\"descending\");rows.forEach(function(r){"
    "b.appendChild(r);});});});})();";

/* "'sha256-BASE64'" of the script into BUF. */
static int
script_hash(char *buf, size_t cap)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	unsigned char b64[(EVP_MAX_MD_SIZE + 2) / 3 * 4 + 1];

	if (EVP_Digest(sort_script, sizeof(sort_script) - 1, md, &mdlen,
	               EVP_sha256(), NULL) != 1)
		return -1;
	EVP_EncodeBlock(b64, md, (int)mdlen);
	snprintf(buf, cap, "'sha256-%s'", (const char *)b64);
	return 0;
}

struct col {
	const char *label;
	bool num;
};

static void
table_head(struct hw *w, bool policy, bool gateway)
{
	static const struct col cols[] = {
	    {"host", false},     {"address", false},   {"gateway", false},
	    {"verdict", true},   {"failed in", false}, {"findings", true},
	    {"TLS", false},      {"time", true},       {"policy", false},
	    {"given as", false},
	};
	size_t i;

	rdd__h_raw(w, "<table class=\"hosts\" id=\"hosts\">\n<thead><tr>");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		if (!policy && strcmp(cols[i].label, "policy") == 0)
			continue;
		if (!gateway && strcmp(cols[i].label, "gateway") == 0)
			continue;
		rdd__h_printf(w,
		              "<th data-type=\"%s\"%s><button type=\"button\" "
		              "class=\"sort\">%s</button></th>",
		              cols[i].num ? "num" : "str",
		              cols[i].num &&
		                      strcmp(cols[i].label, "findings") != 0
		                  ? " class=\"n\""
		                  : "",
		              cols[i].label);
	}
	rdd__h_raw(w, "</tr></thead>\n<tbody>\n");
}

/* A cell whose sort key is the string S (escaped). */
static void
str_cell(struct hw *w, const char *s)
{
	rdd__h_raw(w, "<td data-v=\"");
	rdd__h_text(w, s);
	rdd__h_raw(w, "\">");
	if (s != NULL)
		rdd__h_text(w, s);
	else
		rdd__h_raw(w, "<span class=\"muted\">-</span>");
	rdd__h_raw(w, "</td>");
}

static void
host_row(struct hw *w, const struct host *hosts, size_t place, bool policy,
         bool gateway)
{
	const json_t *doc = hosts[place].doc;
	json_t *v = rdd__h_obj(doc, "verdict"),
	       *fs = rdd__h_arr(doc, "findings");
	json_t *f, *p = rdd__h_obj(doc, "policy");
	json_t *t = rdd__h_obj(doc, "target");
	enum kind k = hosts[place].kind;
	const char *status = rdd__h_str(v, "status");
	size_t i;
	double ms;

	rdd__h_printf(w, "<tr data-i=\"%zu\" data-kind=\"%s\" data-host=\"",
	              place, kind_name[k]);
	rdd__h_text(w, hosts[place].name);
	rdd__h_raw(w, "\"><td data-v=\"");
	rdd__h_text(w, hosts[place].name);
	rdd__h_printf(w, ":%05lld\">", hosts[place].port);
	host_link(w, hosts, place);
	rdd__h_raw(w, "</td>");
	str_cell(w, rdd__h_str(t, "address"));
	if (gateway) {
		char gw[300];

		if (!gateway_name(doc, gw, sizeof(gw))) {
			str_cell(w, NULL);
		} else {
			rdd__h_raw(w, "<td data-v=\"");
			rdd__h_text(w, gw);
			rdd__h_raw(w, "\">");
			rdd__h_text(w, gw);
			if (not_reached(doc))
				rdd__h_raw(w, " <span class=\"muted\">not "
				              "reached</span>");
			rdd__h_raw(w, "</td>");
		}
	}
	rdd__h_printf(w, "<td class=\"n\" data-v=\"%d\">", (int)k);
	/* The verdict as the document says it; unreachable said apart. */
	rdd__h_badge(w, status, status != NULL ? status : "?");
	if (k == K_UNREACHABLE) {
		rdd__h_raw(w, " ");
		rdd__h_badge(w, "failed", "unreachable");
	}
	rdd__h_raw(w, "</td>");
	str_cell(w, rdd__h_str(v, "failed_phase"));
	rdd__h_printf(w, "<td data-v=\"%zu\"><b>%zu</b>", json_array_size(fs),
	              json_array_size(fs));
	json_array_foreach(fs, i, f)
	{
		char prefix[32];

		host_prefix(prefix, sizeof(prefix), place);
		rdd__h_raw(w, i == 0 ? " " : ", ");
		rdd__h_printf(w, "<a class=\"%s\" href=\"#",
		              rdd__h_class(rdd__h_str(f, "severity")));
		rdd__h_anchor(w, prefix, "finding-");
		rdd__h_text(w, rdd__h_str(f, "id"));
		rdd__h_raw(w, "\">");
		rdd__h_text(w, rdd__h_str(f, "id"));
		rdd__h_raw(w, "</a>");
	}
	rdd__h_raw(w, "</td>");
	str_cell(w, rdd__h_str(rdd__h_obj(doc, "tls"), "version"));
	if (!rdd__h_num_at(doc, "total_ms", &ms) || ms < 0)
		ms = -1;
	rdd__h_raw(w, "<td class=\"n\" data-v=\"");
	rdd__h_num(w, ms);
	rdd__h_raw(w, "\">");
	rdd__h_ms(w, ms);
	rdd__h_raw(w, "</td>");
	if (policy) {
		const char *ps = rdd__h_str(p, "status");

		rdd__h_raw(w, "<td data-v=\"");
		rdd__h_text(w, ps);
		rdd__h_raw(w, "\">");
		if (p != NULL)
			rdd__h_badge(w, policy_class(ps),
			             ps != NULL ? ps : "?");
		rdd__h_raw(w, "</td>");
	}
	str_cell(w, rdd__h_str(doc, "target_given"));
	rdd__h_raw(w, "</tr>\n");
}

/* ---- the page ------------------------------------------------------------
 */

/* The earliest and latest checked_at (ISO 8601 UTC: byte order is time
 * order). */
static void
span(struct hw *w, const struct host *hosts, size_t n)
{
	const char *lo = NULL, *hi = NULL, *s;
	size_t i;

	for (i = 0; i < n; i++) {
		s = rdd__h_str(hosts[i].doc, "checked_at");
		if (s == NULL)
			continue;
		if (lo == NULL || strcmp(s, lo) < 0)
			lo = s;
		if (hi == NULL || strcmp(s, hi) > 0)
			hi = s;
	}
	if (lo == NULL)
		return;
	rdd__h_raw(w, "checked ");
	rdd__h_text(w, lo);
	if (strcmp(lo, hi) != 0) {
		rdd__h_raw(w, " to ");
		rdd__h_text(w, hi);
	}
	rdd__h_raw(w, " &middot; ");
}

int
rdd_report_html_scan(FILE *out, const void *const *docs, size_t n,
                     const void *drift)
{
	struct hw w = {out, 0, true};
	struct host *hosts;
	char title[64], hash[128], prefix[32];
	bool policy, gateway;
	size_t i;

	for (i = 0; i < n; i++)
		if (!rdd__h_is_check(docs[i]))
			return -1;
	if (script_hash(hash, sizeof(hash)) != 0)
		return -1;
	hosts = calloc(n > 0 ? n : 1, sizeof(*hosts)); /* dump NULL */
	if (hosts == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const char *name;

		hosts[i].doc = docs[i];
		hosts[i].kind = kind_of(docs[i]);
		name = rdd__h_str(rdd__h_obj(docs[i], "target"), "host");
		hosts[i].name = name != NULL ? name : "";
		hosts[i].port = 0;
		rdd__h_int_at(rdd__h_obj(docs[i], "target"), "port",
		              &hosts[i].port);
		hosts[i].index = i;
	}
	qsort(hosts, n, sizeof(*hosts), cmp_host);
	policy = any_policy(hosts, n);
	gateway = any_gateway(hosts, n);

	snprintf(title, sizeof(title), "rdpdoctor: scan of %zu host%s", n,
	         n == 1 ? "" : "s");
	rdd__h_page_begin(&w, title, hash);
	rdd__h_printf(&w,
	              "<h1>RDP scan of %zu host%s</h1>\n<p class=\"muted\">", n,
	              n == 1 ? "" : "s");
	span(&w, hosts, n);
	rdd__h_raw(&w, "rdpdoctor " RDD_VERSION "</p>\n");
	rdd__h_raw(&w, "<h2 id=\"summary\">Summary</h2>\n");
	counts(&w, hosts, n);
	by_phase(&w, hosts, n);
	by_finding(&w, hosts, n);
	if (gateway)
		by_gateway(&w, hosts, n);
	rdd__h_raw(&w, "<h2 id=\"hosts-title\">Hosts</h2>\n"
	               "<p class=\"muted\">Worst first, then by name; press a "
	               "column's name to sort by it (again to reverse).</p>\n");
	table_head(&w, policy, gateway);
	for (i = 0; i < n; i++)
		host_row(&w, hosts, i, policy, gateway);
	rdd__h_raw(&w, "</tbody>\n</table>\n");
	if (policy)
		policy_section(&w, hosts, n);
	if (drift != NULL)
		drift_section(&w, drift);
	for (i = 0; i < n; i++) {
		host_prefix(prefix, sizeof(prefix), i);
		rdd__h_raw(&w, "<hr>\n");
		rdd__h_check_section(&w, hosts[i].doc, prefix);
	}
	rdd__h_raw(&w, "<script>");
	rdd__h_raw(&w, sort_script);
	rdd__h_raw(&w, "</script>\n");
	rdd__h_page_end(&w);
	for (i = 0; i < n; i++)
		free(hosts[i].dump);
	free(hosts);
	return w.err != 0 || ferror(out) ? -1 : 0;
}
