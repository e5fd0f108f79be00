/*
 * cmd_explain.c - `rdpdoctor explain CODE [EXTENDED]`: what an RDP error
 * code means, in which phases of a connection it arises, its causes from
 * most to least likely, the `rdpdoctor check` findings that confirm each
 * cause, and the fixes.
 *
 * CODE is a number as clients print it (0x904, 2308, -2146893054) or a
 * name (ERRINFO_SERVER_DENIED_CONNECTION, SSL_NOT_ALLOWED_BY_SERVER,
 * STATUS_LOGON_FAILURE, ...). A number is looked up in every table of
 * lib/diag/codes.def and every match is shown, mstsc's discReason first.
 * EXTENDED is the extended disconnect reason mstsc shows beside it.
 *
 * The tables are ours (constant, ASCII); the only untrusted text is what
 * the user typed, which is escaped before it is echoed. Text is wrapped at
 * 80 columns; colour only on a terminal, never with NO_COLOR or
 * --no-color. Exit status: 0 known, 1 unknown, 3 usage error.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "rdpdoctor/codes.h"
#include "rdpdoctor/report.h"

/* Lines end before this column, so a terminal of 80 never wraps them. */
#define WIDTH 80
#define MAX_MATCHES 16
#define MAX_SUGGEST 10
#define INPUT_MAX 128

#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_DIM "\033[2m"
#define SGR_GREEN "\033[32m"
#define SGR_CYAN "\033[36m"

/* What one argument (CODE or EXTENDED) turned out to be. */
struct lookup {
	const char *input;
	bool numeric;  /* parsed as a number (possibly as bare hex) */
	bool bare_hex; /* "80090302" read as hex after decimal found none */
	uint32_t value;
	struct rdd_code_match m[MAX_MATCHES];
	size_t n; /* matches kept (<= MAX_MATCHES) */
	const struct rdd_code *suggest[MAX_SUGGEST];
	size_t n_suggest;
};

struct out {
	FILE *f;
	bool color;
	bool verbose; /* the source of each row too */
};

static void
explain_usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor explain [options] CODE [EXTENDED]\n"
	    "\n"
	    "Say what a Remote Desktop error code means, in which phases of a\n"
	    "connection it arises, its causes from most to least likely, the\n"
	    "`rdpdoctor check` findings that confirm each, and the fixes.\n"
	    "\n"
	    "CODE      a number as the client shows it (0x904, 2308) or a "
	    "name\n"
	    "          (ERRINFO_SERVER_DENIED_CONNECTION, "
	    "SSL_NOT_ALLOWED_BY_SERVER,\n"
	    "          STATUS_LOGON_FAILURE, ERRCONNECT_TLS_CONNECT_FAILED)\n"
	    "EXTENDED  the extended error code shown beside it (0x7)\n"
	    "\n"
	    "options:\n"
	    "  -j, --json       one JSON document (docs/json.md)\n"
	    "      --no-color   no colour (also: NO_COLOR set, not a TTY)\n"
	    "  -v, --verbose    show where each code's meaning comes from\n"
	    "  -h, --help       this text\n"
	    "\n"
	    "example: rdpdoctor explain 0x904 0x7\n"
	    "exit status: 0 known code, 1 unknown code, 3 usage error\n",
	    f);
}

/* ---- Lookups --------------------------------------------------------- */

static bool
all_hex(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!((s[n] >= '0' && s[n] <= '9') ||
		      (s[n] >= 'a' && s[n] <= 'f') ||
		      (s[n] >= 'A' && s[n] <= 'F')))
			return false;
	return n > 0 && n <= 8;
}

static void
keep(struct lookup *l, size_t total)
{
	l->n = total < MAX_MATCHES ? total : MAX_MATCHES;
}

/* CODE: a number in every table, else a name, else bare hex digits
 * ("80090302", "C000006D" as copied from a log), else unknown. */
static void
lookup_code(struct lookup *l, const char *arg)
{
	const struct rdd_code *byname[MAX_MATCHES];
	uint32_t v;
	size_t i, n;

	memset(l, 0, sizeof(*l));
	l->input = arg;
	if (rdd_code_parse_number(arg, &v) == 0) {
		l->numeric = true;
		l->value = v;
		keep(l, rdd_code_find_value(v, l->m, MAX_MATCHES));
		if (l->n > 0 || !all_hex(arg))
			return;
	}
	n = rdd_code_find_name(arg, RDD_TABLE_COUNT, byname, MAX_MATCHES);
	if (n > 0) {
		l->numeric = false;
		keep(l, n);
		for (i = 0; i < l->n; i++) {
			l->m[i].code = byname[i];
			l->m[i].via = RDD_VIA_VALUE;
		}
		return;
	}
	if (all_hex(arg)) {
		v = (uint32_t)strtoul(arg, NULL, 16);
		n = rdd_code_find_value(v, l->m, MAX_MATCHES);
		if (n > 0 || !l->numeric) {
			l->numeric = true;
			l->bare_hex = n > 0;
			l->value = v;
			keep(l, n);
		}
		if (n > 0)
			return;
	}
	if (!l->numeric) {
		n = rdd_code_suggest(arg, l->suggest, MAX_SUGGEST);
		l->n_suggest = n < MAX_SUGGEST ? n : MAX_SUGGEST;
	}
}

/* EXTENDED: an extended disconnect reason (or, in the protocol range, the
 * server's ERRINFO code), by number or by name. */
static void
lookup_extended(struct lookup *l, const char *arg)
{
	const struct rdd_code *byname[MAX_MATCHES];
	uint32_t v;
	size_t n, i;

	memset(l, 0, sizeof(*l));
	l->input = arg;
	if (rdd_code_parse_number(arg, &v) == 0) {
		l->numeric = true;
		l->value = v;
		if (rdd_code_find_extended(v, &l->m[0]) == 0)
			l->n = 1;
		return;
	}
	n = rdd_code_find_name(arg, RDD_TABLE_EXT, byname, MAX_MATCHES);
	if (n == 0) {
		n = rdd_code_find_name(arg, RDD_TABLE_ERRINFO, byname,
		                       MAX_MATCHES);
		for (i = 0; i < n && i < MAX_MATCHES; i++)
			if (byname[i]->value > 4096 && byname[i]->value < 32767)
				break;
		if (i < n && i < MAX_MATCHES) {
			l->m[0].code = byname[i];
			l->m[0].via = RDD_VIA_EXT_RANGE;
			l->n = 1;
		}
		return;
	}
	l->m[0].code = byname[0];
	l->m[0].via = RDD_VIA_VALUE;
	l->n = 1;
}

/* A number with an extended reason beside it is the pair mstsc shows,
 * "error code 0x904, extended error code 0x7": the number is then its
 * discReason, when it has one. */
static void
only_disc_reason(struct lookup *l)
{
	size_t i;

	if (!l->numeric)
		return;
	for (i = 0; i < l->n; i++)
		if (l->m[i].code->table == RDD_TABLE_DISC &&
		    l->m[i].via == RDD_VIA_VALUE) {
			l->m[0] = l->m[i];
			l->n = 1;
			return;
		}
}

/* The distinct stories of the matches, the extended reason's first: it is
 * the more specific of the two. */
static size_t
collect_stories(const struct lookup *code, const struct lookup *ext,
                enum rdd_story *out, size_t cap)
{
	const struct lookup *order[2] = {ext, code};
	size_t n = 0, i, j, k;

	for (k = 0; k < 2; k++) {
		if (order[k] == NULL)
			continue;
		for (i = 0; i < order[k]->n; i++) {
			enum rdd_story s = order[k]->m[i].code->story;

			if (s == RDD_STORY_NONE)
				continue;
			for (j = 0; j < n && out[j] != s; j++)
				;
			if (j == n && n < cap)
				out[n++] = s;
		}
	}
	return n;
}

/* ---- Text ------------------------------------------------------------ */

static const char *
sgr(const struct out *o, const char *code)
{
	return o->color ? code : "";
}

static const char *
sgr_reset(const struct out *o)
{
	return o->color ? SGR_RESET : "";
}

/*
 * Write TEXT wrapped at WIDTH. The cursor is at column COL (something was
 * already written on the line); continuation lines start with INDENT
 * spaces. Words longer than a line are written whole. Ends the line.
 */
static void
wrap(const struct out *o, size_t col, size_t indent, const char *text)
{
	const char *p = text;
	bool first = true;
	size_t len;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (len = 0; p[len] != '\0' && p[len] != ' '; len++)
			;
		if (!first && col + 1 + len >= WIDTH) {
			fprintf(o->f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', o->f);
			col++;
		}
		fwrite(p, 1, len, o->f);
		col += len;
		p += len;
		first = false;
	}
	fputc('\n', o->f);
}

static const char *
phase_label(enum rdd_phase p)
{
	switch (p) {
	case RDD_PHASE_RESOLVE:
		return "name resolution";
	case RDD_PHASE_TCP:
		return "TCP connection";
	case RDD_PHASE_X224:
		return "security negotiation";
	case RDD_PHASE_TLS:
		return "TLS and certificate";
	case RDD_PHASE_CREDSSP:
		return "CredSSP/NLA";
	case RDD_PHASE_MCS:
		return "MCS basic settings";
	case RDD_PHASE_LICENSING:
		return "licensing";
	case RDD_PHASE_ACTIVATION:
		return "capability exchange and activation";
	case RDD_PHASE_UDP:
		return "UDP transport";
	case RDD_PHASE_NETWORK:
		return "network path";
	case RDD_PHASE_COUNT:
		break;
	}
	return "?";
}

/* "0x904 (2308)" for the hex tables, "143 (0x8F)" for the others. */
static void
format_value(char *buf, size_t cap, const struct rdd_code *c)
{
	const struct rdd_code_table_info *ti = rdd_code_table_info(c->table);

	if (ti->hex)
		snprintf(buf, cap, "0x%" PRIX32 " (%" PRIu32 ")", c->value,
		         c->value);
	else
		snprintf(buf, cap, "%" PRIu32 " (0x%" PRIX32 ")", c->value,
		         c->value);
}

static void
text_match(const struct out *o, const struct rdd_code_match *m)
{
	const struct rdd_code *c = m->code;
	const struct rdd_code_table_info *ti = rdd_code_table_info(c->table);
	char v[48];

	format_value(v, sizeof(v), c);
	fprintf(o->f, "%s%s %s%s", sgr(o, SGR_BOLD), v, c->name, sgr_reset(o));
	/* The table's title beside the name when it fits, else below. */
	if (strlen(v) + 1 + strlen(c->name) + 2 + strlen(ti->title) < WIDTH)
		fprintf(o->f, "  %s\n", ti->title);
	else
		fprintf(o->f, "\n  %s\n", ti->title);
	if (m->via == RDD_VIA_FREERDP)
		fprintf(o->f,
		        "  read as a FreeRDP last error: class %s (%u) << 16 | "
		        "0x%" PRIX32 "\n",
		        c->table == RDD_TABLE_ERRINFO ? "ERRINFO" : "CONNECT",
		        c->table == RDD_TABLE_ERRINFO ? 1u : 2u, c->value);
	else if (m->via == RDD_VIA_EXT_RANGE)
		fputs("  (extended reasons 4096-32767 are the server's error "
		      "info codes)\n",
		      o->f);
	fputs("  ", o->f);
	wrap(o, 2, 2, c->message);
	if (o->verbose) {
		fprintf(o->f, "%s  source: ", sgr(o, SGR_DIM));
		wrap(o, 10, 10, c->source);
		fputs(sgr_reset(o), o->f);
	}
}

static void
text_phases(const struct out *o, unsigned phases)
{
	char line[512];
	size_t len = 0;
	int p;

	line[0] = '\0';
	for (p = 0; p < RDD_PHASE_COUNT; p++) {
		const char *label = phase_label((enum rdd_phase)p);
		const char *id = rdd_phase_name((enum rdd_phase)p);
		int w;

		if (!(phases & RDD_PHASE_BIT(p)))
			continue;
		if (strcmp(label, id) == 0)
			w = snprintf(line + len, sizeof(line) - len, "%s%s",
			             len > 0 ? ", " : "", label);
		else
			w = snprintf(line + len, sizeof(line) - len,
			             "%s%s (%s)", len > 0 ? ", " : "", label,
			             id);
		if (w < 0 || (size_t)w >= sizeof(line) - len)
			break;
		len += (size_t)w;
	}
	fputs("  Phases: ", o->f);
	wrap(o, 10, 10, line);
}

/* "cert-expired tls-reset" -> "cert-expired, tls-reset" */
static void
comma_list(char *dst, size_t cap, const char *ids)
{
	size_t n = 0;

	for (; *ids != '\0' && n + 3 < cap; ids++) {
		if (*ids == ' ') {
			dst[n++] = ',';
			dst[n++] = ' ';
		} else
			dst[n++] = *ids;
	}
	dst[n] = '\0';
}

static void
text_story(const struct out *o, enum rdd_story s, bool several)
{
	const struct rdd_story_info *si = rdd_story_info(s);
	const struct rdd_story_cause *c;
	char ids[256];
	size_t r;

	if (several)
		fprintf(o->f, "%sWhat happened%s (%s)\n", sgr(o, SGR_BOLD),
		        sgr_reset(o), si->id);
	else
		fprintf(o->f, "%sWhat happened%s\n", sgr(o, SGR_BOLD),
		        sgr_reset(o));
	fputs("  ", o->f);
	wrap(o, 2, 2, si->summary);
	text_phases(o, si->phases);
	fprintf(
	    o->f,
	    "%sCauses, most likely first%s (check: the findings that confirm "
	    "each)\n",
	    sgr(o, SGR_BOLD), sgr_reset(o));
	for (r = 0; (c = rdd_story_cause(s, r)) != NULL; r++) {
		fprintf(o->f, "%2zu. ", r + 1);
		wrap(o, 4, 4, c->title);
		comma_list(ids, sizeof(ids), c->findings);
		fprintf(o->f, "    check: %s", sgr(o, SGR_CYAN));
		/* Colour codes are zero-width: the column is still 11. */
		wrap(o, 11, 11, ids);
		fputs(sgr_reset(o), o->f);
		fputs("    fix:   ", o->f);
		wrap(o, 11, 11, c->fix);
	}
}

/* "0x1307" for the hex tables, "4096" for the others. */
static void
short_value(char *buf, size_t cap, const struct rdd_code *c)
{
	if (rdd_code_table_info(c->table)->hex)
		snprintf(buf, cap, "0x%" PRIX32, c->value);
	else
		snprintf(buf, cap, "%" PRIu32, c->value);
}

static void
text_neighbour(const struct out *o, const char *label, const char *dir,
               const struct rdd_code *c)
{
	char v[16];

	short_value(v, sizeof(v), c);
	fprintf(o->f, "  %-13s %s %s %s\n", label, dir, v, c->name);
}

static void
text_unknown(const struct out *o, const struct lookup *l, bool extended)
{
	const char *what = extended ? "extended reason" : "code";
	char esc[4 * INPUT_MAX + 1];
	char in[INPUT_MAX + 1];
	size_t i;
	int t;

	snprintf(in, sizeof(in), "%s", l->input);
	rdd_escape_terminal(esc, sizeof(esc), in);
	if (!l->numeric) {
		fprintf(o->f, "%sUnknown %s: no code is named \"%s\".%s\n",
		        sgr(o, SGR_BOLD), what, esc, sgr_reset(o));
		if (l->n_suggest > 0)
			fputs("Names that contain it:\n", o->f);
		for (i = 0; i < l->n_suggest; i++) {
			char v[16];

			short_value(v, sizeof(v), l->suggest[i]);
			fprintf(o->f, "  %s  (%s %s)\n", l->suggest[i]->name,
			        rdd_code_table_info(l->suggest[i]->table)->id,
			        v);
		}
		fputs("A number works too, e.g. 0x904 or 2308.\n", o->f);
		return;
	}
	fprintf(o->f,
	        "%sUnknown %s: 0x%" PRIX32 " (%" PRIu32 ") is in no table.%s\n",
	        sgr(o, SGR_BOLD), what, l->value, l->value, sgr_reset(o));
	fputs("No source documents this value, so no meaning is given. Nearest "
	      "known codes:\n",
	      o->f);
	for (t = 0; t < RDD_TABLE_COUNT; t++) {
		const char *id =
		    rdd_code_table_info((enum rdd_code_table)t)->id;
		const struct rdd_code *b, *a;

		/* An extended reason is an extended reason, or in the
		 * protocol range the server's error info. */
		if (extended && t != RDD_TABLE_EXT && t != RDD_TABLE_ERRINFO)
			continue;
		rdd_code_neighbours((enum rdd_code_table)t, l->value, &b, &a);
		if (b != NULL)
			text_neighbour(o, id, "below", b);
		if (a != NULL)
			text_neighbour(o, b != NULL ? "" : id, "above", a);
	}
}

static void
text_lookup(const struct out *o, const struct lookup *l, bool extended)
{
	size_t i;

	if (l->n == 0) {
		text_unknown(o, l, extended);
		return;
	}
	if (l->bare_hex)
		fprintf(o->f, "(read as hexadecimal 0x%" PRIX32 ")\n",
		        l->value);
	if (l->n > 1)
		fprintf(o->f, "%zu tables have this code:\n", l->n);
	for (i = 0; i < l->n; i++)
		text_match(o, &l->m[i]);
}

static void
render_text(const struct out *o, const struct lookup *code,
            const struct lookup *ext)
{
	enum rdd_story st[RDD_STORY_COUNT];
	size_t n, i;

	text_lookup(o, code, false);
	if (ext != NULL) {
		fputc('\n', o->f);
		text_lookup(o, ext, true);
	}
	n = collect_stories(code, ext, st, RDD_STORY_COUNT);
	for (i = 0; i < n; i++) {
		fputc('\n', o->f);
		text_story(o, st[i], n > 1);
	}
	if (n > 0) {
		fprintf(o->f, "\n%sNext:%s %srdpdoctor check HOST%s\n",
		        sgr(o, SGR_BOLD), sgr_reset(o), sgr(o, SGR_GREEN),
		        sgr_reset(o));
		fputs("  ", o->f);
		wrap(
		    o, 2, 2,
		    "It walks every phase to activation, licensing included: a "
		    "finding named above confirms its cause and gives the full "
		    "fix; a phase that passes without it rules the cause out.");
	}
}

/* ---- JSON ------------------------------------------------------------ */

/* json_object_set_new that remembers a failure instead of returning it. */
static void
put(bool *ok, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		*ok = false;
}

static void
append(bool *ok, json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) != 0)
		*ok = false;
}

static json_t *
json_hex(uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%" PRIX32, v);
	return json_string(buf);
}

static json_t *
json_code_ref(bool *ok, const struct rdd_code *c)
{
	json_t *o;

	if (c == NULL)
		return json_null();
	o = json_object();
	if (o == NULL)
		return NULL;
	put(ok, o, "table", json_string(rdd_code_table_info(c->table)->id));
	put(ok, o, "value", json_integer(c->value));
	put(ok, o, "hex", json_hex(c->value));
	put(ok, o, "name", json_string(c->name));
	return o;
}

static const char *
via_name(enum rdd_code_via v)
{
	switch (v) {
	case RDD_VIA_VALUE:
		return "value";
	case RDD_VIA_FREERDP:
		return "freerdp-last-error";
	case RDD_VIA_EXT_RANGE:
		return "extended-protocol-range";
	}
	return "value";
}

static json_t *
json_match(bool *ok, const struct rdd_code_match *m)
{
	const struct rdd_code *c = m->code;
	const struct rdd_story_info *si = rdd_story_info(c->story);
	json_t *o = json_code_ref(ok, c);

	if (o == NULL)
		return NULL;
	put(ok, o, "table_title",
	    json_string(rdd_code_table_info(c->table)->title));
	put(ok, o, "message", json_string(c->message));
	put(ok, o, "source", json_string(c->source));
	put(ok, o, "via", json_string(via_name(m->via)));
	put(ok, o, "story", si != NULL ? json_string(si->id) : json_null());
	return o;
}

static json_t *
json_lookup(bool *ok, const struct lookup *l, bool extended)
{
	json_t *o = json_object(), *arr = json_array();
	char in[INPUT_MAX + 1], clean[3 * INPUT_MAX + 4];
	size_t i;
	int t;

	if (o == NULL || arr == NULL) {
		json_decref(o);
		json_decref(arr);
		return NULL;
	}
	snprintf(in, sizeof(in), "%s", l->input);
	rdd_sanitize_utf8(clean, sizeof(clean), in);
	put(ok, o, "input", json_string(clean));
	put(ok, o, "known", json_boolean(l->n > 0));
	put(ok, o, "value", l->numeric ? json_integer(l->value) : json_null());
	for (i = 0; i < l->n; i++)
		append(ok, arr, json_match(ok, &l->m[i]));
	put(ok, o, "matches", arr);
	arr = json_array();
	if (arr == NULL)
		*ok = false;
	else if (l->n == 0 && l->numeric) {
		for (t = 0; t < RDD_TABLE_COUNT; t++) {
			const struct rdd_code *b, *a;
			json_t *nb;

			if (extended && t != RDD_TABLE_EXT &&
			    t != RDD_TABLE_ERRINFO)
				continue;
			rdd_code_neighbours((enum rdd_code_table)t, l->value,
			                    &b, &a);
			nb = json_object();
			if (nb == NULL) {
				*ok = false;
				continue;
			}
			put(ok, nb, "table",
			    json_string(
			        rdd_code_table_info((enum rdd_code_table)t)
			            ->id));
			put(ok, nb, "below", json_code_ref(ok, b));
			put(ok, nb, "above", json_code_ref(ok, a));
			append(ok, arr, nb);
		}
	}
	put(ok, o, "neighbours", arr);
	arr = json_array();
	if (arr == NULL)
		*ok = false;
	else
		for (i = 0; i < l->n_suggest; i++)
			append(ok, arr, json_code_ref(ok, l->suggest[i]));
	put(ok, o, "suggestions", arr);
	return o;
}

static json_t *
json_story(bool *ok, enum rdd_story s)
{
	const struct rdd_story_info *si = rdd_story_info(s);
	const struct rdd_story_cause *c;
	json_t *o = json_object(), *phases = json_array(),
	       *causes = json_array();
	size_t r;
	int p;

	if (o == NULL || phases == NULL || causes == NULL) {
		json_decref(o);
		json_decref(phases);
		json_decref(causes);
		return NULL;
	}
	put(ok, o, "id", json_string(si->id));
	put(ok, o, "summary", json_string(si->summary));
	for (p = 0; p < RDD_PHASE_COUNT; p++)
		if (si->phases & RDD_PHASE_BIT(p))
			append(ok, phases,
			       json_string(rdd_phase_name((enum rdd_phase)p)));
	put(ok, o, "phases", phases);
	for (r = 0; (c = rdd_story_cause(s, r)) != NULL; r++) {
		json_t *jc = json_object(), *ids = json_array();
		char buf[256], *tok, *save;

		if (jc == NULL || ids == NULL) {
			json_decref(jc);
			json_decref(ids);
			*ok = false;
			continue;
		}
		put(ok, jc, "rank", json_integer((json_int_t)r + 1));
		put(ok, jc, "title", json_string(c->title));
		snprintf(buf, sizeof(buf), "%s", c->findings);
		for (tok = strtok_r(buf, " ", &save); tok != NULL;
		     tok = strtok_r(NULL, " ", &save))
			append(ok, ids, json_string(tok));
		put(ok, jc, "findings", ids);
		put(ok, jc, "fix", json_string(c->fix));
		append(ok, causes, jc);
	}
	put(ok, o, "causes", causes);
	return o;
}

/* Write TEXT with DEL as \u007F: jansson leaves it raw, and it can only
 * occur inside a string (the echoed input). */
static int
write_document(FILE *f, const char *text)
{
	for (; *text != '\0'; text++) {
		if (*text == 0x7F) {
			if (fputs("\\u007F", f) < 0)
				return -1;
		} else if (fputc(*text, f) == EOF)
			return -1;
	}
	return 0;
}

static int
render_json(FILE *f, const struct lookup *code, const struct lookup *ext,
            bool known)
{
	enum rdd_story st[RDD_STORY_COUNT];
	json_t *root = json_object(), *tool = json_object(),
	       *stories = json_array();
	bool ok = root != NULL && tool != NULL && stories != NULL;
	size_t n, i;
	char *text;
	int rc = -1;

	if (!ok) {
		json_decref(root);
		json_decref(tool);
		json_decref(stories);
		return -1;
	}
	put(&ok, root, "schema", json_integer(RDD_JSON_SCHEMA_VERSION));
	put(&ok, tool, "name", json_string("rdpdoctor"));
	put(&ok, tool, "version", json_string(RDD_VERSION));
	put(&ok, root, "tool", tool);
	put(&ok, root, "command", json_string("explain"));
	put(&ok, root, "known", json_boolean(known));
	put(&ok, root, "code", json_lookup(&ok, code, false));
	put(&ok, root, "extended",
	    ext != NULL ? json_lookup(&ok, ext, true) : json_null());
	n = collect_stories(code, ext, st, RDD_STORY_COUNT);
	for (i = 0; i < n; i++)
		append(&ok, stories, json_story(&ok, st[i]));
	put(&ok, root, "stories", stories);
	put(&ok, root, "next",
	    n > 0 ? json_string("rdpdoctor check HOST") : json_null());
	if (ok) {
		/* Our strings are ASCII; ENSURE_ASCII keeps the echoed input
		 * free of raw C1 controls as well. */
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		                            JSON_ENSURE_ASCII);
		if (text != NULL) {
			if (write_document(f, text) == 0 &&
			    fputc('\n', f) != EOF)
				rc = 0;
			free(text);
		}
	}
	json_decref(root);
	return rc;
}

/* ---- Arguments ------------------------------------------------------- */

/* "-2146893054" is a code (a negative HRESULT), not an option. */
static bool
negative_number(const char *s)
{
	if (s[0] != '-' || s[1] == '\0')
		return false;
	for (s++; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

enum { OPT_NO_COLOR = 256 };

int
cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"no-color", no_argument, NULL, OPT_NO_COLOR},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct lookup *code = NULL, *ext = NULL;
	struct out o = {stdout, false, false};
	char **av = NULL, **pos;
	bool json = false, no_color = false, known;
	int ch, i, ac = 0, npos = 0, rc = RDD_EXIT_UNKNOWN;

	/* Options first, then "--", then the operands: negative numbers
	 * are operands, and getopt must not see them. */
	av = calloc((size_t)argc + 2, sizeof(*av));
	pos = calloc((size_t)argc + 1, sizeof(*pos));
	if (av == NULL || pos == NULL) {
		fprintf(stderr, "rdpdoctor: out of memory\n");
		goto out;
	}
	av[ac++] = argv[0];
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			for (i++; i < argc; i++)
				pos[npos++] = argv[i];
			break;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0' &&
		    !negative_number(argv[i]))
			av[ac++] = argv[i];
		else
			pos[npos++] = argv[i];
	}
	av[ac] = NULL;

	optind = 1;
	while ((ch = getopt_long(ac, av, "jvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case OPT_NO_COLOR:
			no_color = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			explain_usage(stdout);
			rc = 0;
			goto out;
		default:
			explain_usage(stderr);
			goto out;
		}
	}
	if (optind != ac || npos < 1 || npos > 2) {
		explain_usage(stderr);
		goto out;
	}
	for (i = 0; i < npos; i++)
		if (strlen(pos[i]) > INPUT_MAX || pos[i][0] == '\0') {
			fprintf(stderr,
			        "rdpdoctor: a code is 1 to %d "
			        "characters\n",
			        INPUT_MAX);
			goto out;
		}

	code = calloc(1, sizeof(*code));
	ext = npos == 2 ? calloc(1, sizeof(*ext)) : NULL;
	if (code == NULL || (npos == 2 && ext == NULL)) {
		fprintf(stderr, "rdpdoctor: out of memory\n");
		goto out;
	}
	lookup_code(code, pos[0]);
	if (ext != NULL) {
		lookup_extended(ext, pos[1]);
		only_disc_reason(code);
	}
	known = code->n > 0 && (ext == NULL || ext->n > 0);

	if (json) {
		if (render_json(stdout, code, ext, known) != 0) {
			fprintf(stderr, "rdpdoctor: cannot write JSON\n");
			goto out;
		}
	} else {
		o.color = !no_color && getenv("NO_COLOR") == NULL &&
		          isatty(STDOUT_FILENO);
		render_text(&o, code, ext);
	}
	rc = known ? 0 : 1;
out:
	if (fflush(stdout) != 0)
		rc = RDD_EXIT_UNKNOWN;
	free(code);
	free(ext);
	free(av);
	free(pos);
	return rc;
}
