/*
 * explain_text.c - what `rdpdoctor explain` found, for a person at a
 * terminal (report.h): each code with its table and meaning, or the
 * nearest known codes when it is unknown; then each story, with its
 * phases and its causes from most to least likely, the check findings
 * that confirm each and the fix; then the check to run.
 *
 * The tables are ours (constant, ASCII); the only untrusted text is what
 * the user typed, escaped before it is echoed. Lines are wrapped at 80
 * columns with text.c's helpers; colour only when the caller asks.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/codes.h"
#include "rdpdoctor/diag.h"
#include "rdpdoctor/report.h"
#include "report/text_int.h"

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
	case RDD_PHASE_KERBEROS:
		return "Kerberos (KDC)";
	case RDD_PHASE_GATEWAY_TLS:
		return "RD Gateway: connection and certificate";
	case RDD_PHASE_GATEWAY_HTTP:
		return "RD Gateway: HTTP sign-in and transport";
	case RDD_PHASE_GATEWAY_TUNNEL:
		return "RD Gateway: tunnel (connection policy)";
	case RDD_PHASE_GATEWAY_CHANNEL:
		return "RD Gateway: channel (resource policy, target)";
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

/* "0x1307" for the hex tables, "4096" for the others. */
static void
short_value(char *buf, size_t cap, const struct rdd_code *c)
{
	if (rdd_code_table_info(c->table)->hex)
		snprintf(buf, cap, "0x%" PRIX32, c->value);
	else
		snprintf(buf, cap, "%" PRIu32, c->value);
}

/* "301 GatewayRapNotMet, 304 AAG_EVENT_CHANNEL_CONNECT_FAILED" from
 * "301 304". */
static void
event_list(char *dst, size_t cap, const char *ids)
{
	size_t n = 0;
	char *end;
	unsigned long id;
	int w;

	dst[0] = '\0';
	while (*ids != '\0') {
		const struct rdd_code *ev;

		id = strtoul(ids, &end, 10);
		if (end == ids)
			break;
		ev = rdd_code_find(RDD_TABLE_GW_EVENT, (uint32_t)id);
		w = snprintf(dst + n, cap - n, "%s%lu%s%s", n > 0 ? ", " : "",
		             id, ev != NULL ? " " : "",
		             ev != NULL ? ev->name : "");
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
		ids = end;
		while (*ids == ' ')
			ids++;
	}
}

/* An RD Gateway code: the fix on the gateway host, its events, and what
 * will confirm it. */
static void
text_gateway(struct ctx *c, const struct rdd_gateway_hint *h)
{
	char line[512];

	if (h == NULL)
		return;
	fputs("  On the RD Gateway: ", c->out);
	rdd__t_wrap(c, h->fix, 22, 4);
	if (h->events[0] != '\0') {
		event_list(line, sizeof(line), h->events);
		fputs("  Gateway events: ", c->out);
		rdd__t_wrap(c, line, 18, 4);
	}
	if (rdd_cause_from_id(h->finding) >= 0)
		snprintf(line, sizeof(line), "the check finding %s (step %s)",
		         h->finding, h->step);
	else
		snprintf(line, sizeof(line),
		         "the %s step of a check through the gateway (check "
		         "--gateway), which has no finding of its own for "
		         "this code",
		         h->step);
	fputs("  Confirmed by: ", c->out);
	rdd__t_wrap(c, line, 16, 4);
}

static void
text_match(struct ctx *c, const struct rdd_code_match *m)
{
	const struct rdd_code *code = m->code;
	const struct rdd_code_table_info *ti = rdd_code_table_info(code->table);
	char v[48];

	format_value(v, sizeof(v), code);
	fprintf(c->out, "%s%s %s%s", rdd__t_sgr(c, SGR_BOLD), v, code->name,
	        rdd__t_sgr_reset(c));
	/* The table's title beside the name when it fits, else below. */
	if (strlen(v) + 1 + strlen(code->name) + 2 + strlen(ti->title) < WIDTH)
		fprintf(c->out, "  %s\n", ti->title);
	else
		fprintf(c->out, "\n  %s\n", ti->title);
	if (m->via == RDD_VIA_FREERDP)
		fprintf(
		    c->out,
		    "  read as a FreeRDP last error: class %s (%u) << 16 | "
		    "0x%" PRIX32 "\n",
		    code->table == RDD_TABLE_ERRINFO ? "ERRINFO" : "CONNECT",
		    code->table == RDD_TABLE_ERRINFO ? 1u : 2u, code->value);
	else if (m->via == RDD_VIA_MIT_KRB5)
		fprintf(c->out,
		        "  read as an MIT krb5 code: -1765328384 + %" PRIu32
		        "\n",
		        code->value);
	else if (m->via == RDD_VIA_EXT_RANGE)
		fputs("  (extended reasons 4096-32767 are the server's error "
		      "info codes)\n",
		      c->out);
	else if (m->via == RDD_VIA_WIN32)
		fprintf(c->out,
		        "  read as 0x%08" PRIX32 ", the Win32 form a gateway "
		        "sends (HRESULT_FROM_WIN32)\n",
		        code->value & 0xFFFF);
	fputs("  ", c->out);
	rdd__t_wrap(c, code->message, 2, 2);
	text_gateway(c, rdd_code_gateway_hint(code));
	if (c->verbose) {
		fprintf(c->out, "%s  source: ", rdd__t_sgr(c, SGR_DIM));
		rdd__t_wrap(c, code->source, 10, 10);
		fputs(rdd__t_sgr_reset(c), c->out);
	}
}

static void
text_phases(struct ctx *c, unsigned phases)
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
	fputs("  Phases: ", c->out);
	rdd__t_wrap(c, line, 10, 10);
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
text_story(struct ctx *c, enum rdd_story s, bool several)
{
	const struct rdd_story_info *si = rdd_story_info(s);
	const struct rdd_story_cause *cause;
	char ids[256];
	size_t r;

	if (several)
		fprintf(c->out, "%sWhat happened%s (%s)\n",
		        rdd__t_sgr(c, SGR_BOLD), rdd__t_sgr_reset(c), si->id);
	else
		fprintf(c->out, "%sWhat happened%s\n", rdd__t_sgr(c, SGR_BOLD),
		        rdd__t_sgr_reset(c));
	fputs("  ", c->out);
	rdd__t_wrap(c, si->summary, 2, 2);
	text_phases(c, si->phases);
	fprintf(c->out,
	        "%sCauses, most likely first%s (check: the findings that "
	        "confirm each)\n",
	        rdd__t_sgr(c, SGR_BOLD), rdd__t_sgr_reset(c));
	for (r = 0; (cause = rdd_story_cause(s, r)) != NULL; r++) {
		fprintf(c->out, "%2zu. ", r + 1);
		rdd__t_wrap(c, cause->title, 4, 4);
		comma_list(ids, sizeof(ids), cause->findings);
		fprintf(c->out, "    check: %s", rdd__t_sgr(c, SGR_CYAN));
		/* Colour codes are zero-width: the column is still 11. */
		rdd__t_wrap(c, ids, 11, 11);
		fputs(rdd__t_sgr_reset(c), c->out);
		fputs("    fix:   ", c->out);
		rdd__t_wrap(c, cause->fix, 11, 11);
	}
}

static void
text_neighbour(struct ctx *c, const char *label, const char *dir,
               const struct rdd_code *code)
{
	char v[16];

	short_value(v, sizeof(v), code);
	fprintf(c->out, "  %-14s %s %s %s\n", label, dir, v, code->name);
}

static void
text_unknown(struct ctx *c, const struct rdd_explain_lookup *l, bool extended)
{
	const char *what = extended ? "extended reason" : "code";
	char esc[ESC_CAP(RDD_EXPLAIN_INPUT_MAX)];
	size_t i;

	if (!l->numeric) {
		fprintf(c->out, "%sUnknown %s: no code is named \"%s\".%s\n",
		        rdd__t_sgr(c, SGR_BOLD), what, ESC(c, esc, l->input),
		        rdd__t_sgr_reset(c));
		if (l->n_suggest > 0)
			fputs("Names that contain it:\n", c->out);
		for (i = 0; i < l->n_suggest; i++) {
			char v[16];

			short_value(v, sizeof(v), l->suggest[i]);
			fprintf(c->out, "  %s  (%s %s)\n", l->suggest[i]->name,
			        rdd_code_table_info(l->suggest[i]->table)->id,
			        v);
		}
		fputs("A number works too, e.g. 0x904 or 2308.\n", c->out);
		return;
	}
	fprintf(c->out,
	        "%sUnknown %s: 0x%" PRIX32 " (%" PRIu32 ") is in no table.%s\n",
	        rdd__t_sgr(c, SGR_BOLD), what, l->value, l->value,
	        rdd__t_sgr_reset(c));
	fputs("No source documents this value, so no meaning is given. Nearest "
	      "known codes:\n",
	      c->out);
	for (i = 0; i < l->n_near; i++) {
		const struct rdd_explain_near *nb = &l->near[i];
		const char *id = rdd_code_table_info(nb->table)->id;

		if (nb->below != NULL)
			text_neighbour(c, id, "below", nb->below);
		if (nb->above != NULL)
			text_neighbour(c, nb->below != NULL ? "" : id, "above",
			               nb->above);
	}
}

static void
text_lookup(struct ctx *c, const struct rdd_explain_lookup *l, bool extended)
{
	size_t i;

	if (l->n == 0) {
		text_unknown(c, l, extended);
		return;
	}
	if (l->bare_hex)
		fprintf(c->out, "(read as hexadecimal 0x%" PRIX32 ")\n",
		        l->value);
	if (l->n > 1)
		fprintf(c->out, "%zu tables have this code:\n", l->n);
	for (i = 0; i < l->n; i++)
		text_match(c, &l->m[i]);
}

int
rdd_report_explain_text(FILE *out, const struct rdd_explain *e,
                        const struct rdd_text_options *opt)
{
	struct ctx c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.out = out;
	c.color = opt != NULL && opt->color;
	c.verbose = opt != NULL && opt->verbose;

	text_lookup(&c, &e->code, false);
	if (e->has_extended) {
		fputc('\n', out);
		text_lookup(&c, &e->extended, true);
	}
	for (i = 0; i < e->n_stories; i++) {
		fputc('\n', out);
		text_story(&c, e->stories[i], e->n_stories > 1);
	}
	if (e->n_stories > 0) {
		fprintf(out, "\n%sNext:%s %srdpdoctor check HOST%s\n",
		        rdd__t_sgr(&c, SGR_BOLD), rdd__t_sgr_reset(&c),
		        rdd__t_sgr(&c, SGR_GREEN), rdd__t_sgr_reset(&c));
		fputs("  ", out);
		rdd__t_wrap(
		    &c,
		    "It walks every phase to activation, licensing included: a "
		    "finding named above confirms its cause and gives the full "
		    "fix; a phase that passes without it rules the cause out.",
		    2, 2);
	}
	return ferror(out) ? -1 : 0;
}
