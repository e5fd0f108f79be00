/*
 * text.c - the observation and its diagnosis for a person at a terminal
 * (report.h), laid out like curl's timing output: one timed line per
 * phase, the negotiation attempts, the certificate, the server's identity,
 * its RDP version and encryption, the findings with their evidence and
 * fixes, and the verdict.
 *
 * Every string taken from the observation or the diagnosis passes through
 * rdd_escape_terminal before it is written, so no byte the server chose can
 * move the cursor, retitle the window or write the clipboard. Colour (SGR
 * codes) is used only when the caller asks for it; the caller decides from
 * isatty, NO_COLOR and --no-color. Long lines are wrapped at spaces to
 * stay within 80 columns where the words allow it.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/codes.h"
#include "rdpdoctor/report.h"
#include "report/text_int.h"
#include "wire/tsgu.h"
#include "rdpdoctor/tlscompat.h"
#include "wire/tlshello.h"
#include "wire/gcc.h"
#include "wire/ntlm.h"
#include "wire/x224.h"

const char *
rdd__t_sgr(const struct ctx *c, const char *code)
{
	return c->color ? code : "";
}

const char *
rdd__t_sgr_reset(const struct ctx *c)
{
	return c->color ? SGR_RESET : "";
}

/*
 * Escape at most MAX bytes of S into DST (CAP bytes). Fields of the
 * observation are fixed-size arrays; one without its NUL is cut at its
 * size instead of being read past.
 */
const char *
rdd__t_esc(struct ctx *c, char *dst, size_t cap, const char *s, size_t max)
{
	size_t len;

	if (s == NULL)
		s = "";
	if (max > TEXT_MAX)
		max = TEXT_MAX;
	len = strnlen(s, max);
	memcpy(c->tmp, s, len);
	c->tmp[len] = '\0';
	return rdd_escape_terminal(dst, cap, c->tmp);
}

/*
 * Our own text from the causes table (titles, fixes): not untrusted, but
 * still kept free of control characters. Backslashes stay single, since
 * the fixes hold registry paths and commands to copy.
 */
static const char *
table_text(struct ctx *c, const char *s, size_t max)
{
	size_t used = 0;
	const char *p;

	if (s == NULL)
		s = "";
	rdd__t_esc(c, c->big, sizeof(c->big), s, max);
	/* Undo the doubling of backslashes: "\\" -> "\". Every other
	 * escape starts with a single backslash followed by 'x'. */
	for (p = c->big; *p != '\0'; p++) {
		c->big[used++] = *p;
		if (p[0] == '\\' && p[1] == '\\')
			p++;
	}
	c->big[used] = '\0';
	return c->big;
}

/* Columns S takes on a terminal: UTF-8 continuation bytes take none. East
 * Asian wide characters are counted as one; the wrap is a courtesy. */
static size_t
columns(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	return w;
}

void
rdd__t_pad(struct ctx *c, size_t n)
{
	while (n-- > 0)
		fputc(' ', c->out);
}

/*
 * Write S, which starts at column COL, breaking lines at spaces so they
 * end before WIDTH; continuation lines start at column INDENT. Ends the
 * line.
 */
void
rdd__t_wrap(struct ctx *c, const char *s, size_t col, size_t indent)
{
	bool need_space = false;

	while (*s != '\0') {
		size_t n, w;

		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		n = strcspn(s, " ");
		w = columns(s, n);
		if (need_space) {
			if (col > indent && col + 1 + w >= WIDTH) {
				fputc('\n', c->out);
				rdd__t_pad(c, indent);
				col = indent;
			} else {
				fputc(' ', c->out);
				col++;
			}
		}
		fwrite(s, 1, n, c->out);
		col += w;
		need_space = true;
		s += n;
	}
	fputc('\n', c->out);
}

/* "2026-11-22 06:40:01 UTC", or "?" for a time gmtime cannot hold. */
static const char *
utc(char *buf, size_t cap, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, cap, "?");
	return buf;
}

void
rdd__t_heading(struct ctx *c, const char *title)
{
	fprintf(c->out, "\n%s%s%s\n", rdd__t_sgr(c, SGR_BOLD), title,
	        rdd__t_sgr_reset(c));
}

const char *
rdd__t_status_color(enum rdd_status s)
{
	switch (s) {
	case RDD_STATUS_OK:
		return SGR_GREEN;
	case RDD_STATUS_FAILED:
	case RDD_STATUS_TIMEOUT:
		return SGR_RED;
	case RDD_STATUS_SKIPPED:
		return SGR_DIM;
	}
	return "";
}

/* NAME padded to WIDTH columns, in CODE's colour when colour is on; the
 * padding stays outside the colour so columns line up either way. */
void
rdd__t_colored_field(struct ctx *c, const char *code, const char *name,
                     int width)
{
	int n = (int)strlen(name);

	fprintf(c->out, "%s%s%s", rdd__t_sgr(c, code), name,
	        rdd__t_sgr_reset(c));
	if (n < width)
		rdd__t_pad(c, (size_t)(width - n));
}

/* "   12.3 ms" (10 columns), or "      -" when not timed; rdd__t_rest() pads the
 * latter when more follows on the line. */
void
rdd__t_duration(struct ctx *c, bool timed, double ms)
{
	if (timed)
		fprintf(c->out, "%7.1f ms", ms);
	else
		fprintf(c->out, "%7s", "-");
}

/*
 * The end of a line that began with a duration: NOTE (ours) and DETAIL
 * (escaped), either may be empty, wrapped with continuation lines at
 * INDENT, which is also the column they start at. No trailing blanks.
 */
void
rdd__t_rest(struct ctx *c, bool timed, const char *note, const char *detail,
            size_t indent)
{
	if (note[0] == '\0' && detail[0] == '\0') {
		fputc('\n', c->out);
		return;
	}
	fputs(timed ? "  " : "     ", c->out);
	if (note[0] != '\0') {
		fputs(note, c->out);
		if (detail[0] == '\0') {
			fputc('\n', c->out);
			return;
		}
		fputs("  ", c->out);
		rdd__t_wrap(c, detail, indent + strlen(note) + 2, indent);
		return;
	}
	rdd__t_wrap(c, detail, indent, indent);
}

static void
print_header(struct ctx *c, const struct rdd_observation *obs)
{
	char host[ESC_CAP(RDD_STR)], addr[ESC_CAP(RDD_ADDR_STR)], when[64];
	bool v6 = strchr(obs->host, ':') != NULL;

	ESC(c, host, obs->host);
	ESC(c, addr, obs->address);
	fprintf(c->out, "%srdpdoctor %s%s  check of %s%s%s:%u",
	        rdd__t_sgr(c, SGR_BOLD), RDD_VERSION, rdd__t_sgr_reset(c),
	        v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)obs->port);
	if (addr[0] != '\0' && strcmp(addr, host) != 0)
		fprintf(c->out, " (%s)", addr);
	if (obs->gateway.present) {
		char gw[ESC_CAP(RDD_STR)];

		ESC(c, gw, obs->gateway.host);
		fprintf(c->out, " via the RD Gateway %s:%u", gw,
		        (unsigned)obs->gateway.port);
	}
	fprintf(c->out, "  %s\n", utc(when, sizeof(when), obs->checked_at));
}

/* The phases in the order they happen: through a gateway, its own
 * phases come first. */
static int
phase_at(const struct rdd_observation *obs, int k)
{
	static const int gw_first[] = {
	    RDD_PHASE_GATEWAY_TLS,
	    RDD_PHASE_GATEWAY_HTTP,
	    RDD_PHASE_GATEWAY_TUNNEL,
	    RDD_PHASE_GATEWAY_CHANNEL,
	};
	int n = (int)(sizeof(gw_first) / sizeof(gw_first[0]));

	if (!obs->gateway.present)
		return k;
	if (k < n)
		return gw_first[k];
	return k - n; /* the phases before the gateway's in the enum */
}

static void
print_phases(struct ctx *c, const struct rdd_observation *obs)
{
	char detail[ESC_CAP(RDD_STR)];
	int k, w = obs->gateway.present ? 16 : 11;

	rdd__t_heading(c, "Phases");
	for (k = 0; k < RDD_PHASE_COUNT; k++) {
		int i = phase_at(obs, k);
		const struct rdd_phase_result *p = &obs->phases[i];
		const char *st = rdd_status_name(p->status);

		if (!p->present)
			continue;
		fprintf(c->out, "  %-*s", w, rdd_phase_name(i));
		rdd__t_colored_field(c, rdd__t_status_color(p->status),
		                     st ? st : "?", 8);
		rdd__t_duration(c, p->status != RDD_STATUS_SKIPPED, p->ms);
		ESC(c, detail, p->detail);
		rdd__t_rest(c, p->status != RDD_STATUS_SKIPPED, "", detail,
		            2 + w + 8 + 10 + 2);
	}
	fprintf(c->out, "  %-*s", w + 8, "total");
	rdd__t_duration(c, true, obs->total_ms);
	fputc('\n', c->out);
}

/* What an attempt got, in a few words, and the time that goes with it. */
static void
attempt_outcome(const struct rdd_attempt *a, char *buf, size_t cap, bool *timed,
                double *ms)
{
	char protos[128];
	const char *name;

	*timed = true;
	*ms = a->x224_ms;
	switch (a->x224) {
	case RDD_X224_RSP:
		rdd_protocols_str(protos, sizeof(protos), a->selected);
		snprintf(buf, cap, "selected %s", protos);
		return;
	case RDD_X224_FAILURE:
		name = rdd_neg_failure_name(a->failure_code);
		snprintf(buf, cap, "RDP_NEG_FAILURE %s (%" PRIu32 ")",
		         name != NULL ? name : "unknown code", a->failure_code);
		return;
	case RDD_X224_NO_NEG_DATA:
		snprintf(buf, cap, "confirm without negotiation (legacy)");
		return;
	case RDD_X224_TIMEOUT:
		snprintf(buf, cap, "no confirm (timeout)");
		return;
	case RDD_X224_CLOSED:
		snprintf(buf, cap, "closed before a confirm");
		return;
	case RDD_X224_RESET:
		snprintf(buf, cap, "reset before a confirm");
		return;
	case RDD_X224_NOT_RDP:
		snprintf(buf, cap, "answer is not RDP");
		return;
	case RDD_X224_MALFORMED:
		snprintf(buf, cap, "malformed confirm");
		return;
	case RDD_X224_NOT_RUN:
		break;
	}
	*ms = a->tcp_ms;
	name = rdd_tcp_outcome_name(a->tcp);
	if (a->tcp == RDD_TCP_NOT_RUN || a->tcp == RDD_TCP_OK) {
		*timed = false;
		snprintf(buf, cap, "not run");
	} else {
		snprintf(buf, cap, "TCP %s", name != NULL ? name : "?");
	}
}

/* The first bytes of a non-RDP answer: printable ASCII as is, the rest
 * as \xNN, between quotes. */
static void
first_bytes(const struct rdd_attempt *a, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = a->n_first_bytes, used = 0;

	if (n > RDD_FIRST_BYTES)
		n = RDD_FIRST_BYTES;
	if (cap < 3) {
		if (cap > 0)
			buf[0] = '\0';
		return;
	}
	buf[used++] = '"';
	for (i = 0; i < n && used + 5 < cap; i++) {
		uint8_t b = a->first_bytes[i];

		if (b >= 0x20 && b <= 0x7E && b != '"' && b != '\\') {
			buf[used++] = (char)b;
		} else {
			buf[used++] = '\\';
			buf[used++] = 'x';
			buf[used++] = hex[b >> 4];
			buf[used++] = hex[b & 0x0F];
		}
	}
	buf[used++] = '"';
	buf[used] = '\0';
}

static void
print_attempt_verbose(struct ctx *c, const struct rdd_attempt *a)
{
	char addr[ESC_CAP(RDD_ADDR_STR)], detail[ESC_CAP(RDD_STR)];
	char bytes[4 * RDD_FIRST_BYTES + 3], note[32];
	const char *name;
	const size_t indent = 7 + 6 + 14 + 10 + 2;

	ESC(c, addr, a->address);
	if (addr[0] != '\0')
		fprintf(c->out, "       address %s\n", addr);

	name = rdd_tcp_outcome_name(a->tcp);
	fprintf(c->out, "       %-6s%-14s", "tcp", name != NULL ? name : "?");
	rdd__t_duration(c, a->tcp != RDD_TCP_NOT_RUN, a->tcp_ms);
	ESC(c, detail, a->tcp_error);
	rdd__t_rest(c, a->tcp != RDD_TCP_NOT_RUN, "", detail, indent);

	name = rdd_x224_outcome_name(a->x224);
	fprintf(c->out, "       %-6s%-14s", "x224", name != NULL ? name : "?");
	rdd__t_duration(c, a->x224 != RDD_X224_NOT_RUN, a->x224_ms);
	note[0] = '\0';
	if (a->x224 == RDD_X224_RSP)
		snprintf(note, sizeof(note), "flags 0x%02x", a->flags);
	ESC(c, detail, a->x224_detail);
	rdd__t_rest(c, a->x224 != RDD_X224_NOT_RUN, note, detail, indent);
	if (a->n_first_bytes > 0) {
		first_bytes(a, bytes, sizeof(bytes));
		fprintf(c->out, "       first bytes %s\n", bytes);
	}

	if (a->tls_wanted || a->tls != RDD_TLS_NOT_RUN) {
		name = rdd_tls_outcome_name(a->tls);
		fprintf(c->out, "       %-6s%-14s", "tls",
		        name != NULL ? name : "?");
		rdd__t_duration(c, a->tls != RDD_TLS_NOT_RUN, a->tls_ms);
		note[0] = '\0';
		if (a->tls == RDD_TLS_ALERT)
			snprintf(note, sizeof(note), "alert %u/%u",
			         a->alert_level, a->alert_desc);
		ESC(c, detail, a->tls_detail);
		rdd__t_rest(c, a->tls != RDD_TLS_NOT_RUN, note, detail, indent);
	}

	if (!a->mcs_wanted && a->mcs == RDD_MCS_NOT_RUN)
		return;
	name = rdd_mcs_outcome_name(a->mcs);
	fprintf(c->out, "       %-6s%-14s", "mcs", name != NULL ? name : "?");
	rdd__t_duration(c, a->mcs != RDD_MCS_NOT_RUN, a->mcs_ms);
	snprintf(note, sizeof(note), "offered 0x%02" PRIx32,
	         a->encryption_methods);
	ESC(c, detail, a->mcs_detail);
	rdd__t_rest(c, a->mcs != RDD_MCS_NOT_RUN, note, detail, indent);
}

static void
print_negotiation(struct ctx *c, const struct rdd_observation *obs)
{
	size_t i, n = obs->n_attempts, lw = 2;
	const char *layer = rdd_security_layer_name(obs->security_layer);

	if (n > RDD_MAX_ATTEMPTS)
		n = RDD_MAX_ATTEMPTS;
	/* The encryption probes are summed up under "RDP version and
	 * encryption"; listed one by one with -v, their longer labels
	 * widening the column. */
	for (i = 0; c->verbose && i < n; i++) {
		size_t k = strnlen(obs->attempts[i].label,
		                   sizeof(obs->attempts[i].label));

		if (k > lw)
			lw = k;
	}
	rdd__t_heading(c, "Negotiation");
	for (i = 0; i < n; i++) {
		const struct rdd_attempt *a = &obs->attempts[i];
		char label[ESC_CAP(sizeof(a->label))], protos[128], what[192];
		bool timed;
		double ms;
		size_t w;

		if (!c->verbose && rdd_plan_is_encryption_probe(a->label))
			continue;
		ESC(c, label, a->label);
		rdd_protocols_str(protos, sizeof(protos), a->requested);
		attempt_outcome(a, what, sizeof(what), &timed, &ms);
		fprintf(c->out, "  %-*s %-21s -> %s", (int)lw, label, protos,
		        what);
		w = strlen(what);
		if (timed) {
			rdd__t_pad(c, w < 30 ? 30 - w : 0);
			rdd__t_duration(c, true, ms);
		}
		fputc('\n', c->out);
		if (c->verbose)
			print_attempt_verbose(c, a);
	}
	if (n == 0)
		fprintf(c->out, "  no attempt\n");
	fprintf(c->out, "  security layer: %s   NLA required: %s\n",
	        layer != NULL ? layer : "?",
	        obs->nla_required < 0 ? "unknown"
	                              : (obs->nla_required > 0 ? "yes" : "no"));
}

static void
print_alternates(struct ctx *c, const struct rdd_observation *obs)
{
	char addr[ESC_CAP(RDD_ADDR_STR)];
	size_t i, n = obs->n_alt;

	if (n > RDD_MAX_ADDRESSES)
		n = RDD_MAX_ADDRESSES;
	if (n == 0)
		return;
	rdd__t_heading(c, "Other addresses");
	for (i = 0; i < n; i++) {
		const struct rdd_alt_address *a = &obs->alt[i];
		const char *name = rdd_tcp_outcome_name(a->tcp);

		ESC(c, addr, a->address);
		fprintf(c->out, "  %-39s ", addr);
		rdd__t_colored_field(
		    c,
		    a->tcp == RDD_TCP_OK
		        ? SGR_GREEN
		        : (a->tcp == RDD_TCP_NOT_RUN ? SGR_DIM : SGR_RED),
		    name != NULL ? name : "?", 12);
		rdd__t_duration(c, a->tcp != RDD_TCP_NOT_RUN, a->ms);
		fputc('\n', c->out);
	}
}

/* A labelled certificate line: "  label        value", value wrapped. */
void
rdd__t_cert_line(struct ctx *c, const char *label, const char *value)
{
	fprintf(c->out, "  %-13s", label);
	rdd__t_wrap(c, value, 15, 15);
}

static void
print_validity(struct ctx *c, const struct rdd_cert *cert, int64_t now)
{
	char when[64], line[128];
	const int64_t lim = INT64_C(1) << 60;

	rdd__t_cert_line(c, "not before",
	                 utc(when, sizeof(when), cert->not_before));
	utc(when, sizeof(when), cert->not_after);
	if (now < -lim || now > lim || cert->not_after < -lim ||
	    cert->not_after > lim || cert->not_before < -lim ||
	    cert->not_before > lim) {
		rdd__t_cert_line(c, "not after", when);
		return;
	}
	if (cert->not_after < now) {
		int64_t ago = (now - cert->not_after) / 86400;

		if (ago == 0)
			snprintf(line, sizeof(line),
			         "%s  (%sexpired less than a day ago%s)", when,
			         rdd__t_sgr(c, SGR_RED), rdd__t_sgr_reset(c));
		else
			snprintf(line, sizeof(line),
			         "%s  (%sexpired %" PRId64 " day%s ago%s)",
			         when, rdd__t_sgr(c, SGR_RED), ago,
			         ago == 1 ? "" : "s", rdd__t_sgr_reset(c));
	} else if (cert->not_before > now) {
		snprintf(line, sizeof(line), "%s  (%snot yet valid%s)", when,
		         rdd__t_sgr(c, SGR_RED), rdd__t_sgr_reset(c));
	} else {
		int64_t left = (cert->not_after - now) / 86400;

		snprintf(line, sizeof(line), "%s  (%" PRId64 " day%s left)",
		         when, left, left == 1 ? "" : "s");
	}
	rdd__t_cert_line(c, "not after", line);
}

static void
print_san(struct ctx *c, const struct rdd_cert *cert)
{
	char san[ESC_CAP(RDD_STR)];
	size_t i, n = cert->n_san, col = 15;

	if (n > RDD_MAX_SAN)
		n = RDD_MAX_SAN;
	fprintf(c->out, "  %-13s", "SAN");
	if (n == 0) {
		fputs("none\n", c->out);
		return;
	}
	for (i = 0; i < n; i++) {
		size_t w;

		ESC(c, san, cert->san[i]);
		w = columns(san, strlen(san));
		if (i > 0) {
			fputc(',', c->out);
			col++;
			if (col + 1 + w >= WIDTH) {
				fputc('\n', c->out);
				rdd__t_pad(c, 15);
				col = 15;
			} else {
				fputc(' ', c->out);
				col++;
			}
		}
		fputs(san, c->out);
		col += w;
	}
	fputc('\n', c->out);
}

static void
print_cert_block(struct ctx *c, const char *heading,
                 const struct rdd_tls_info *t, int64_t now)
{
	const struct rdd_cert *cert = &t->cert;
	char ver[ESC_CAP(sizeof(t->version))],
	    cipher[ESC_CAP(sizeof(t->cipher))];
	char att[ESC_CAP(sizeof(t->attempt))],
	    key[ESC_CAP(sizeof(cert->key_type))];
	char buf[ESC_CAP(RDD_STR)], line[ESC_CAP(RDD_STR) + 64];

	if (!t->present)
		return;
	rdd__t_heading(c, heading);
	ESC(c, ver, t->version);
	ESC(c, cipher, t->cipher);
	ESC(c, att, t->attempt);
	snprintf(line, sizeof(line), "%s %s%s%s%s", ver[0] ? ver : "?", cipher,
	         att[0] ? " (attempt " : "", att, att[0] ? ")" : "");
	rdd__t_cert_line(c, "tls", line);
	if (!cert->present) {
		rdd__t_cert_line(c, "certificate", "none received");
		return;
	}
	rdd__t_cert_line(c, "subject", ESC(c, buf, cert->subject));
	rdd__t_cert_line(c, "issuer", ESC(c, buf, cert->issuer));
	print_san(c, cert);
	print_validity(c, cert, now);
	ESC(c, key, cert->key_type);
	if (cert->key_bits > 0)
		snprintf(line, sizeof(line), "%s %d bits", key[0] ? key : "?",
		         cert->key_bits);
	else
		snprintf(line, sizeof(line), "%s", key[0] ? key : "?");
	rdd__t_cert_line(c, "key", line);
	rdd__t_cert_line(c, "signature", ESC(c, buf, cert->signature));
	rdd__t_cert_line(c, "sha256", ESC(c, buf, cert->sha256));
	rdd__t_cert_line(c, "self-signed", cert->self_signed ? "yes" : "no");
	if (cert->has_eku)
		rdd__t_cert_line(
		    c, "key usage",
		    cert->eku_server_auth && cert->eku_rdp_auth
		        ? "server authentication, Remote Desktop "
		          "Authentication"
		    : cert->eku_server_auth ? "server authentication"
		    : cert->eku_rdp_auth
		        ? "Remote Desktop Authentication"
		        : "neither server authentication nor Remote "
		          "Desktop Authentication");
	if (cert->name_match < 0) {
		rdd__t_cert_line(c, "name check", "not checked");
	} else {
		ESC(c, buf, cert->name_checked);
		snprintf(line, sizeof(line), "%s %s%s%s", buf,
		         rdd__t_sgr(c, cert->name_match ? SGR_GREEN : SGR_RED),
		         cert->name_match ? "matches" : "does not match",
		         rdd__t_sgr_reset(c));
		rdd__t_cert_line(c, "name check", line);
	}
	if (cert->trusted < 0) {
		rdd__t_cert_line(c, "trust", "not checked");
	} else {
		snprintf(line, sizeof(line), "%s%s%s%s%s",
		         rdd__t_sgr(c, cert->trusted ? SGR_GREEN : SGR_RED),
		         cert->trusted ? "chains to a trusted root"
		                       : "no path to a trusted root",
		         rdd__t_sgr_reset(c), cert->trusted ? "" : ": ",
		         cert->trusted ? "" : ESC(c, buf, cert->trust_error));
		rdd__t_cert_line(c, "trust", line);
	}
}

static void
print_certificate(struct ctx *c, const struct rdd_observation *obs)
{
	print_cert_block(c, "Certificate", &obs->tls, obs->checked_at);
}

/* check --gateway: what the gateway said at each step, and its own
 * certificate. */
static void
print_gateway(struct ctx *c, const struct rdd_observation *obs)
{
	const struct rdd_gateway_info *g = &obs->gateway;
	char a[ESC_CAP(RDD_STR)], b[ESC_CAP(RDD_STR)];
	char line[2 * ESC_CAP(RDD_STR) + 128];
	const char *n;

	if (!g->present)
		return;
	rdd__t_heading(c, "RD Gateway");
	ESC(c, a, g->host);
	ESC(c, b, g->address);
	snprintf(line, sizeof(line), "%s port %u%s%s%s", a, (unsigned)g->port,
	         b[0] ? " (" : "", b, b[0] ? ")" : "");
	rdd__t_cert_line(c, "gateway", line);
	snprintf(line, sizeof(line), "%s at %s",
	         rdd_gw_outcome_name(g->outcome), rdd_gw_step_name(g->step));
	rdd__t_cert_line(c, "outcome", line);
	if (g->status != 0) {
		ESC(c, a, g->reason);
		ESC(c, b, g->server);
		snprintf(line, sizeof(line), "%u %s, %u request%s%s%s",
		         (unsigned)g->status, a, g->requests,
		         g->requests == 1 ? "" : "s", b[0] ? ", Server: " : "",
		         b);
		rdd__t_cert_line(c, "http", line);
	}
	if (g->credentials) {
		ESC(c, a, g->domain);
		ESC(c, b, g->user);
		snprintf(line, sizeof(line), "%s%s%s%s%s%s", a,
		         a[0] ? "\\" : "", b,
		         !g->ntlm ? ""
		         : strcmp(g->auth_scheme, "Negotiate") == 0
		             ? ", NTLM inside Negotiate"
		             : ", NTLM",
		         g->channel_binding ? " with channel binding" : "",
		         strcmp(g->auth_server_mic, "verified") == 0
		             ? ", the gateway's mechListMIC verified"
		             : "");
		rdd__t_cert_line(c, "sign-in", line);
	}
	if (strcmp(g->transport, "legacy") == 0) {
		/* Two connections: OUT (above) and IN. */
		snprintf(line, sizeof(line),
		         "legacy HTTP, OUT and IN connections (IN: TCP %s "
		         "%.1f ms, TLS %s, %u request%s%s)",
		         rdd_tcp_outcome_name(g->in_tcp), g->in_tcp_ms,
		         rdd_tls_outcome_name(g->in_tls_outcome),
		         g->in_requests, g->in_requests == 1 ? "" : "s",
		         g->in_cert_differs ? ", another certificate" : "");
		rdd__t_cert_line(c, "transport", line);
	} else if (g->transport[0] != '\0') {
		rdd__t_cert_line(c, "transport", g->transport);
	}
	if (g->has_tunnel_id) {
		snprintf(line, sizeof(line), "id %u, capabilities 0x%02X",
		         (unsigned)g->tunnel_id, (unsigned)g->caps);
		rdd__t_cert_line(c, "tunnel", line);
	}
	if (g->has_redir || g->has_idle) {
		snprintf(line, sizeof(line),
		         "redirection flags 0x%08X, idle time limit %u min",
		         (unsigned)g->redir_flags, (unsigned)g->idle_timeout);
		rdd__t_cert_line(c, "policy", line);
	}
	if (g->resource[0] != '\0') {
		ESC(c, a, g->resource);
		snprintf(line, sizeof(line), "%s port %u%s", a,
		         (unsigned)g->resource_port,
		         g->has_channel_id ? ", channel open" : "");
		rdd__t_cert_line(c, "resource", line);
	}
	if (g->has_code) {
		n = rdd_tsgu_code_name(g->code);
		snprintf(line, sizeof(line), "0x%08X %s", (unsigned)g->code,
		         n != NULL ? n : "(unknown code)");
		rdd__t_cert_line(c, "code", line);
	}
	if (g->has_consent)
		rdd__t_cert_line(c, "consent", ESC(c, a, g->consent));
	if (g->has_service_message)
		rdd__t_cert_line(c, "message", ESC(c, a, g->service_message));
	print_cert_block(c, "Gateway certificate", &g->tls, obs->checked_at);
	if (g->in_cert_differs)
		print_cert_block(c, "Gateway certificate (IN channel)",
		                 &g->in_tls, obs->checked_at);
}

/* check --tls-full: versions, suites (with their strength and the
 * server's rank), groups and the clients that can connect. Every name
 * here comes from rdpdoctor's own tables, none from the server. */
static void
print_tls_enum(struct ctx *c, const struct rdd_observation *obs)
{
	const struct rdd_tls_enum_info *e = &obs->tls_enum;
	struct rdd_tls_compat compat[RDD_TLS_N_CLIENTS];
	size_t n;

	if (!e->present)
		return;
	rdd__t_heading(c, "TLS versions and cipher suites (--tls-full)");
	for (int vi = 0; vi < RDD_TLS_N_VERSIONS; vi++) {
		uint16_t v = (uint16_t)(RDD_TLS_V_SSL3 + vi);
		char why[96] = "";

		if (e->implied[vi])
			snprintf(why, sizeof(why),
			         " (not asked: %s's hello got a lower version "
			         "or none)",
			         e->implied_by[vi] != 0
			             ? rdd_tls_version_name(e->implied_by[vi])
			             : "a higher version");
		fprintf(c->out, "  %-9s %s%s%s%s%s\n", rdd_tls_version_name(v),
		        rdd__t_sgr(c, e->accepted[vi] ? SGR_GREEN : ""),
		        e->accepted[vi] ? "accepted" : "refused",
		        rdd__t_sgr_reset(c), why,
		        e->server_order[vi] < 0 ? ""
		        : e->server_order[vi]   ? ", the server's order"
		                                : ", the client's order");
		for (size_t i = 0; i < e->n_ciphers; i++) {
			const struct rdd_tls_cipher *s = &e->ciphers[i];
			bool bad = strcmp(s->strength, "insecure") == 0 ||
			           strcmp(s->strength, "weak") == 0;

			if (s->version != v)
				continue;
			if (s->rank > 0)
				fprintf(c->out, "    %2d ", s->rank);
			else
				fprintf(c->out, "     - ");
			fprintf(c->out, "0x%04X %-48s %s%s%s\n",
			        (unsigned)s->id, s->name,
			        rdd__t_sgr(c, bad ? SGR_RED : ""), s->strength,
			        rdd__t_sgr_reset(c));
		}
	}
	fprintf(c->out, "  groups    ");
	for (size_t i = 0; i < e->n_groups; i++) {
		const char *g = rdd_tls_group_name(e->groups[i]);

		fprintf(c->out, "%s%s", i ? ", " : "", g != NULL ? g : "?");
	}
	fprintf(c->out, "%s\n", e->n_groups == 0 ? "none found" : "");
	fprintf(c->out, "  clients\n");
	n = rdd_tls_compat(e, compat, RDD_TLS_N_CLIENTS);
	for (size_t i = 0; i < n; i++)
		fprintf(c->out, "    %s%-4s%s %-50s %s\n",
		        rdd__t_sgr(c, compat[i].ok ? SGR_GREEN : SGR_RED),
		        compat[i].ok ? "ok" : "FAIL", rdd__t_sgr_reset(c),
		        compat[i].client, compat[i].reason);
	fprintf(c->out,
	        "  %d connections in %.0f ms, %d without an answer; "
	        "certificate %s\n",
	        e->connections, e->ms, e->failed,
	        e->saw_certificate ? "seen" : "never sent");
}

/* "NAME" or "NAME (NetBIOS OTHER)" from a DNS and a NetBIOS name, either
 * possibly empty; escaped. */
static void
name_pair(struct ctx *c, char *dst, size_t cap, const char *dns,
          const char *netbios)
{
	char a[ESC_CAP(RDD_STR)], b[ESC_CAP(RDD_STR)];

	rdd__t_esc(c, a, sizeof(a), dns, RDD_STR);
	rdd__t_esc(c, b, sizeof(b), netbios, RDD_STR);
	if (a[0] == '\0')
		snprintf(dst, cap, "%s", b);
	else if (b[0] == '\0' || strcmp(a, b) == 0)
		snprintf(dst, cap, "%s", a);
	else
		snprintf(dst, cap, "%s (NetBIOS %s)", a, b);
}

/* "3 minutes", "1 hour", "40 seconds". */
static void
span_words(char *dst, size_t cap, int64_t s)
{
	if (s >= 2 * 86400)
		snprintf(dst, cap, "%" PRId64 " days", s / 86400);
	else if (s >= 2 * 3600)
		snprintf(dst, cap, "%" PRId64 " hours", s / 3600);
	else if (s >= 120)
		snprintf(dst, cap, "%" PRId64 " minutes", s / 60);
	else
		snprintf(dst, cap, "%" PRId64 " second%s", s,
		         s == 1 ? "" : "s");
}

/*
 * What the server's CredSSP answer says about it: the names, Windows
 * release and clock of its NTLM CHALLENGE, and its CredSSP version with
 * what that means for the March 2018 update. Shown when CredSSP ran.
 */
static void
print_server_identity(struct ctx *c, const struct rdd_observation *obs)
{
	const struct rdd_credssp_info *ci = &obs->credssp;
	const struct rdd_ntlm_info *n = &ci->ntlm;
	const struct rdd_code *code;
	char buf[2 * ESC_CAP(RDD_STR) + 32], when[64], span[48];
	const char *os, *o;
	int64_t skew;

	if (ci->outcome == RDD_CREDSSP_NOT_RUN)
		return;
	rdd__t_heading(c, "Server identity");
	if (n->present) {
		name_pair(c, buf, sizeof(buf), n->dns_computer,
		          n->netbios_computer);
		if (buf[0] == '\0')
			rdd__t_esc(c, buf, sizeof(buf), n->target_name,
			           RDD_STR);
		rdd__t_cert_line(c, "name", buf[0] != '\0' ? buf : "not given");
		name_pair(c, buf, sizeof(buf), n->dns_domain,
		          n->netbios_domain);
		rdd__t_cert_line(c, "domain",
		                 buf[0] != '\0' ? buf : "not given");
		if (n->dns_tree[0] != '\0' &&
		    strcmp(n->dns_tree, n->dns_domain) != 0)
			rdd__t_cert_line(c, "forest", ESC(c, buf, n->dns_tree));
		if (n->has_version) {
			os = rdd_ntlm_os_name(n->os_major, n->os_minor,
			                      n->os_build, NULL);
			snprintf(buf, sizeof(buf), "%s%s%u.%u.%u%s",
			         os != NULL ? os : "", os != NULL ? " (" : "",
			         (unsigned)n->os_major, (unsigned)n->os_minor,
			         (unsigned)n->os_build, os != NULL ? ")" : "");
			rdd__t_cert_line(c, "windows", buf);
		}
		if (n->has_time) {
			utc(when, sizeof(when), n->server_time);
			if (rdd_clock_skew_s(obs, &skew) != 0) {
				snprintf(buf, sizeof(buf), "%s", when);
			} else if (skew > -2 && skew < 2) {
				snprintf(buf, sizeof(buf),
				         "%s, in step with this machine", when);
			} else {
				span_words(span, sizeof(span),
				           skew < 0 ? -skew : skew);
				snprintf(buf, sizeof(buf),
				         "%s, %s%s %s this machine%s", when,
				         rdd__t_sgr(c, SGR_YELLOW), span,
				         skew > 0 ? "ahead of" : "behind",
				         rdd__t_sgr_reset(c));
			}
			rdd__t_cert_line(c, "clock", buf);
		}
	}
	if (!ci->has_version) {
		o = rdd_credssp_outcome_name(ci->outcome);
		snprintf(buf, sizeof(buf), "no TSRequest answer (%s)",
		         o != NULL ? o : "?");
	} else if (ci->server_version >= 6) {
		snprintf(buf, sizeof(buf),
		         "version %u: current (the March 2018 CredSSP update "
		         "for CVE-2018-0886, or later)",
		         (unsigned)ci->server_version);
	} else if (ci->server_version >= 4) {
		snprintf(buf, sizeof(buf),
		         "version %u: %soutdated%s (current Windows sends 6)",
		         (unsigned)ci->server_version,
		         rdd__t_sgr(c, SGR_YELLOW), rdd__t_sgr_reset(c));
	} else {
		snprintf(buf, sizeof(buf),
		         "version %u: %spredates the March 2018 CredSSP update "
		         "(CVE-2018-0886)%s; patched clients refuse it",
		         (unsigned)ci->server_version, rdd__t_sgr(c, SGR_RED),
		         rdd__t_sgr_reset(c));
	}
	rdd__t_cert_line(c, "credssp", buf);
	if (ci->has_error_code) {
		code = rdd_code_find(RDD_TABLE_CREDSSP, ci->error_code);
		snprintf(buf, sizeof(buf), "0x%08X %s",
		         (unsigned)ci->error_code,
		         code != NULL ? code->name : "(unknown code)");
		rdd__t_cert_line(c, "error code", buf);
	}
	if (ci->other_outcome != RDD_CREDSSP_NOT_RUN) {
		char a1[ESC_CAP(sizeof(ci->attempt))],
		    a2[ESC_CAP(sizeof(ci->other_attempt))];
		const char *mine = rdd_credssp_outcome_name(ci->outcome);

		o = rdd_credssp_outcome_name(ci->other_outcome);
		ESC(c, a1, ci->attempt);
		ESC(c, a2, ci->other_attempt);
		snprintf(buf, sizeof(buf), "%s NEGOTIATE (%s): %s; %s (%s): %s",
		         ci->spnego ? "SPNEGO-wrapped" : "plain NTLM", a1,
		         mine != NULL ? mine : "?",
		         ci->other_spnego ? "SPNEGO-wrapped" : "plain NTLM", a2,
		         o != NULL ? o : "?");
		rdd__t_cert_line(c, "requests", buf);
	}
}

/* "128-bit RC4", or the number for a method without a name. */
static const char *
method_words(uint32_t m, char *buf, size_t cap)
{
	const char *d = rdd_encryption_method_desc(m);

	if (d != NULL)
		return d;
	snprintf(buf, cap, "method 0x%" PRIx32, m);
	return buf;
}

/* The server certificate of standard RDP security, in one line. */
static void
server_cert_words(struct ctx *c, const struct rdd_server_certificate *sc,
                  char *dst, size_t cap)
{
	char subj[ESC_CAP(RDD_STR)], key[ESC_CAP(sizeof(sc->leaf_key_type))];

	switch (sc->kind) {
	case RDD_SERVER_CERT_PROPRIETARY:
		snprintf(dst, cap, "proprietary, RSA %" PRIu32 " bits, %s%s",
		         sc->rsa_bits,
		         sc->temporary ? "temporary" : "permanent",
		         sc->valid ? "" : ", malformed");
		return;
	case RDD_SERVER_CERT_X509:
		if (!sc->leaf_parsed) {
			snprintf(dst, cap,
			         "X.509 chain of %" PRIu32 ", server "
			         "certificate unreadable, %s%s",
			         sc->n_certs,
			         sc->temporary ? "temporary" : "permanent",
			         sc->valid ? "" : ", malformed");
			return;
		}
		ESC(c, subj, sc->leaf_subject);
		ESC(c, key, sc->leaf_key_type);
		snprintf(dst, cap,
		         "X.509 chain of %" PRIu32 ", server certificate %s, "
		         "%s %d bits, %s%s",
		         sc->n_certs, subj, key, sc->leaf_key_bits,
		         sc->temporary ? "temporary" : "permanent",
		         sc->valid ? "" : ", malformed");
		return;
	case RDD_SERVER_CERT_UNKNOWN:
		snprintf(dst, cap, "unknown kind (dwVersion 0x%08" PRIx32 ")",
		         sc->version_raw);
		return;
	case RDD_SERVER_CERT_NONE:
	default:
		snprintf(dst, cap, "none");
		return;
	}
}

/*
 * What the MCS Connect-Response said: the server's RDP version and, for
 * standard RDP security, its encryption level, method and certificate,
 * and the methods it accepts alone. Shown when MCS ran.
 */
static void
print_mcs(struct ctx *c, const struct rdd_observation *obs)
{
	const struct rdd_mcs_info *m = &obs->mcs;
	char buf[ESC_CAP(RDD_STR) + 160], att[ESC_CAP(sizeof(m->attempt))];
	char det[ESC_CAP(RDD_STR)], w[32], protos[96];
	const char *name, *level;
	static const uint32_t weakest[] = {
	    RDD_ENCRYPTION_METHOD_40BIT, RDD_ENCRYPTION_METHOD_56BIT,
	    RDD_ENCRYPTION_METHOD_128BIT, RDD_ENCRYPTION_METHOD_FIPS};
	size_t i, j, off;
	uint32_t bit;

	if (m->outcome == RDD_MCS_NOT_RUN)
		return;
	rdd__t_heading(c, "RDP version and encryption");
	ESC(c, att, m->attempt);
	if (m->has_core)
		snprintf(buf, sizeof(buf), "%s (0x%08" PRIx32 ")",
		         m->rdp_version[0] ? m->rdp_version : "unknown",
		         m->server_version_raw);
	else
		snprintf(buf, sizeof(buf), "not known");
	rdd__t_cert_line(c, "rdp version", buf);

	rdd_protocols_str(protos, sizeof(protos), m->selected_protocol);
	if (m->outcome == RDD_MCS_OK && m->result == 0) {
		snprintf(
		    buf, sizeof(buf),
		    "rt-successful (attempt %s, serverSelectedProtocol %s)",
		    att, protos);
	} else {
		name = rdd_mcs_outcome_name(m->outcome);
		ESC(c, det, m->detail);
		snprintf(buf, sizeof(buf), "%s%s%s: %s (attempt %s)",
		         rdd__t_sgr(c, SGR_RED), name != NULL ? name : "?",
		         rdd__t_sgr_reset(c), det, att);
	}
	rdd__t_cert_line(c, "mcs", buf);
	if (!m->has_security)
		return;

	level = rdd_encryption_level_desc(m->encryption_level);
	if (m->selected_protocol != RDD_PROTO_RDP)
		snprintf(buf, sizeof(buf),
		         "Enhanced RDP Security (%s): no RDP encryption",
		         protos);
	else if (m->encryption_level == 0 && m->encryption_method == 0)
		snprintf(
		    buf, sizeof(buf),
		    "standard RDP security: %sno encryption (level None)%s",
		    rdd__t_sgr(c, SGR_RED), rdd__t_sgr_reset(c));
	else
		snprintf(buf, sizeof(buf),
		         "standard RDP security: %s, level %s",
		         method_words(m->encryption_method, w, sizeof(w)),
		         level != NULL ? level : "unknown");
	rdd__t_cert_line(c, "security", buf);
	if (m->server_certificate.kind != RDD_SERVER_CERT_NONE) {
		server_cert_words(c, &m->server_certificate, buf, sizeof(buf));
		rdd__t_cert_line(c, "certificate", buf);
	}

	if (m->tested_encryption_methods != 0) {
		buf[0] = '\0';
		off = 0;
		for (i = 0; i < m->n_accepted_encryption_methods &&
		            i < RDD_MAX_ENCRYPTION_METHODS;
		     i++) {
			snprintf(buf + off, sizeof(buf) - off, "%s%s",
			         i ? ", " : "accepted alone: ",
			         method_words(m->accepted_encryption_methods[i],
			                      w, sizeof(w)));
			off = strlen(buf);
		}
		if (off == 0) {
			snprintf(buf, sizeof(buf), "none accepted alone");
			off = strlen(buf);
		}
		for (i = 0, j = 0; j < sizeof(weakest) / sizeof(weakest[0]);
		     j++) {
			size_t k;
			bool accepted = false;

			bit = weakest[j];

			if (!(m->tested_encryption_methods & bit))
				continue;
			for (k = 0; k < m->n_accepted_encryption_methods &&
			            k < RDD_MAX_ENCRYPTION_METHODS;
			     k++)
				accepted =
				    accepted ||
				    m->accepted_encryption_methods[k] == bit;
			if (accepted)
				continue;
			snprintf(buf + off, sizeof(buf) - off, "%s%s",
			         i++ ? ", " : "; refused: ",
			         method_words(bit, w, sizeof(w)));
			off = strlen(buf);
		}
		rdd__t_cert_line(c, "methods", buf);
	}
	if (m->has_multitransport) {
		rdd_multitransport_str(protos, sizeof(protos),
		                       m->multitransport_flags);
		snprintf(buf, sizeof(buf), "multitransport %s (0x%" PRIx32 ")",
		         protos, m->multitransport_flags);
		rdd__t_cert_line(c, "transport", buf);
	}
}

static const char *
severity_color(enum rdd_severity s)
{
	switch (s) {
	case RDD_SEV_CRITICAL:
		return SGR_RED;
	case RDD_SEV_WARNING:
		return SGR_YELLOW;
	case RDD_SEV_INFO:
		return SGR_CYAN;
	}
	return "";
}

static const char *
severity_label(enum rdd_severity s)
{
	switch (s) {
	case RDD_SEV_CRITICAL:
		return "CRITICAL";
	case RDD_SEV_WARNING:
		return "WARNING";
	case RDD_SEV_INFO:
		return "INFO";
	}
	return "?";
}

/* "fix (server):" and one numbered step per line. STEPS are separated by
 * '\n'; empty steps are skipped. */
static void
print_steps(struct ctx *c, const char *label, const char *steps)
{
	const char *p = steps;
	int k = 0;

	if (p == NULL || *p == '\0')
		return;
	fprintf(c->out, "    %s\n", label);
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		if (n > 0) {
			table_text(c, p, n);
			fprintf(c->out, "      %d. ", ++k);
			rdd__t_wrap(c, c->big, k < 10 ? 9 : 10, 9);
		}
		p += n;
		if (*p == '\n')
			p++;
	}
}

static void
print_findings(struct ctx *c, const struct rdd_diagnosis *diag)
{
	char buf[ESC_CAP(RDD_EVIDENCE)];
	size_t i, n = diag->n_findings;

	if (n > RDD_MAX_FINDINGS)
		n = RDD_MAX_FINDINGS;
	rdd__t_heading(c, "Findings");
	if (n == 0)
		fprintf(c->out, "  none\n");
	for (i = 0; i < n; i++) {
		const struct rdd_finding *f = &diag->findings[i];
		const struct rdd_cause_info *ci = rdd_cause_info(f->cause);
		const char *phase = rdd_phase_name(f->phase);
		int col;

		fputs("  ", c->out);
		rdd__t_colored_field(c, severity_color(f->severity),
		                     severity_label(f->severity), 9);
		col = fprintf(c->out, " %s  [%s]  ", ci != NULL ? ci->id : "?",
		              phase != NULL ? phase : "?");
		table_text(c, ci != NULL ? ci->title : "", TEXT_MAX);
		rdd__t_wrap(c, c->big, 11 + (size_t)(col > 0 ? col : 0), 12);
		if (c->verbose && ci != NULL && ci->explanation != NULL &&
		    ci->explanation[0] != '\0') {
			table_text(c, ci->explanation, TEXT_MAX);
			fputs("    why: ", c->out);
			rdd__t_wrap(c, c->big, 9, 9);
		}
		ESC(c, buf, f->evidence);
		if (buf[0] != '\0') {
			fputs("    evidence: ", c->out);
			rdd__t_wrap(c, buf, 14, 14);
		}
		if (ci == NULL)
			continue;
		print_steps(c, "fix (server):", ci->fix_host);
		print_steps(c, "fix (client):", ci->fix_client);
		if (ci->lowers_security != NULL &&
		    ci->lowers_security[0] != '\0') {
			table_text(c, ci->lowers_security, TEXT_MAX);
			fprintf(c->out, "    %snote:%s ",
			        rdd__t_sgr(c, SGR_YELLOW), rdd__t_sgr_reset(c));
			rdd__t_wrap(c, c->big, 10, 10);
		}
	}
}

static const char *
verdict_color(enum rdd_verdict v)
{
	switch (v) {
	case RDD_VERDICT_OK:
		return SGR_GREEN;
	case RDD_VERDICT_WARNING:
		return SGR_YELLOW;
	case RDD_VERDICT_CRITICAL:
		return SGR_RED;
	case RDD_VERDICT_UNKNOWN:
		return SGR_DIM;
	}
	return "";
}

static void
print_verdict(struct ctx *c, const struct rdd_diagnosis *diag)
{
	char summary[ESC_CAP(RDD_EVIDENCE)], word[16];
	const char *name = rdd_verdict_name(diag->status);
	size_t i;

	snprintf(word, sizeof(word), "%s", name != NULL ? name : "unknown");
	for (i = 0; word[i] != '\0'; i++)
		if (word[i] >= 'a' && word[i] <= 'z')
			word[i] = (char)(word[i] - 'a' + 'A');
	fprintf(c->out, "\n%sVerdict:%s %s%s%s", rdd__t_sgr(c, SGR_BOLD),
	        rdd__t_sgr_reset(c), rdd__t_sgr(c, verdict_color(diag->status)),
	        word, rdd__t_sgr_reset(c));
	ESC(c, summary, diag->summary);
	if (summary[0] == '\0') {
		fputc('\n', c->out);
		return;
	}
	fputs(" - ", c->out);
	rdd__t_wrap(c, summary, 9 + strlen(word) + 3, 2);
}

/* `--client-error`: what the user saw, and which findings explain it. */
static void
print_client_error(struct ctx *c, const struct rdd_diagnosis *diag)
{
	char summary[ESC_CAP(RDD_EVIDENCE)];

	if (!diag->client_error.present)
		return;
	fprintf(c->out, "\n%sYour error%s\n  ", rdd__t_sgr(c, SGR_BOLD),
	        rdd__t_sgr_reset(c));
	ESC(c, summary, diag->client_error.summary);
	rdd__t_wrap(c, summary, 2, 2);
}

int
rdd_report_text(FILE *out, const struct rdd_observation *obs,
                const struct rdd_diagnosis *diag,
                const struct rdd_text_options *opt)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	c.out = out;
	c.color = opt != NULL && opt->color;
	c.verbose = opt != NULL && opt->verbose;

	print_header(&c, obs);
	print_client_error(&c, diag);
	print_phases(&c, obs);
	print_negotiation(&c, obs);
	if (c.verbose)
		print_alternates(&c, obs);
	print_gateway(&c, obs);
	print_certificate(&c, obs);
	print_tls_enum(&c, obs);
	print_server_identity(&c, obs);
	rdd__text_logon(&c, obs);
	print_mcs(&c, obs);
	rdd__text_session(&c, obs);
	print_findings(&c, diag);
	print_verdict(&c, diag);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
