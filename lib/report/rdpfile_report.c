/*
 * rdpfile_report.c - `rdpdoctor check FILE.rdp`: the file's target, what
 * mstsc would do with the file, judged against the check's observation,
 * and the file's block of the text and JSON reports (rdpfile_report.h).
 *
 * Setting values: Microsoft Learn "Supported RDP properties" and
 * IMsRdpClientTransportSettings (GatewayUsageMethod TSC_PROXY_MODE_*,
 * GatewayProfileUsageMethod, GatewayCredsSource); shared/reference/
 * gateway.md 3.3 and 6.2. Where the sources do not say what mstsc does,
 * the notes say what the file asks and what the check verified, no more.
 */
#include "report/rdpfile_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rdpdoctor/codes.h"
#include "rdpdoctor/report.h"

/* ---- The target -------------------------------------------------------- */

/* Split "HOST", "HOST:PORT", "[V6]:PORT", "[V6]" or a bare IPv6 address.
 * *PORT is -1 when none was given, 0 when it is not 1..65535. */
static int
split_address(const char *s, char *host, size_t cap, int *port)
{
	const char *colon = strrchr(s, ':'), *end, *p;
	size_t n;
	long v;

	*port = -1;
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (end == NULL || end == s + 1)
			return -1;
		n = (size_t)(end - s - 1);
		if (n >= cap)
			return -1;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (end[1] == '\0')
			return 0;
		if (end[1] != ':')
			return -1;
		p = end + 2;
	} else if (colon == NULL || strchr(s, ':') != colon) {
		/* No port, or a bare IPv6 address. */
		if (strlen(s) >= cap || s[0] == '\0')
			return -1;
		strcpy(host, s);
		return 0;
	} else {
		n = (size_t)(colon - s);
		if (n == 0 || n >= cap)
			return -1;
		memcpy(host, s, n);
		host[n] = '\0';
		p = colon + 1;
	}
	if (*p == '\0' || strlen(p) > 5 || strspn(p, "0123456789") != strlen(p))
		return -1;
	v = strtol(p, NULL, 10);
	*port = v >= 1 && v <= 65535 ? (int)v : 0;
	return 0;
}

int
rdd_rdpfile_target(const struct rdd_rdpfile *f, int cli_port,
                   struct rdd_rdpfile_use *use, char *err, size_t errcap)
{
	const struct rdd_rdpfile_value *fa = &f->v[RDD_RDPK_FULL_ADDRESS];
	const struct rdd_rdpfile_value *sp = &f->v[RDD_RDPK_SERVER_PORT];
	int port;

	if (!fa->set || fa->s[0] == '\0') {
		snprintf(err, errcap,
		         "the file names no computer (no \"full address:s:\" "
		         "line)");
		return -1;
	}
	if (split_address(fa->s, use->host, sizeof(use->host), &port) != 0 ||
	    port == 0 || strpbrk(use->host, " \t/\\") != NULL) {
		snprintf(err, errcap,
		         "line %u: the full address is not HOST, HOST:PORT or "
		         "[IPv6]:PORT",
		         fa->line);
		return -1;
	}
	if (cli_port > 0) {
		use->port = (uint16_t)cli_port;
		use->port_from = "--port";
	} else if (port > 0) {
		use->port = (uint16_t)port;
		use->port_from = "full address";
	} else if (sp->set) {
		use->port = (uint16_t)sp->i;
		use->port_from = "server port";
	} else {
		use->port = 3389;
		use->port_from = "default";
	}
	return 0;
}

/* ---- The notes --------------------------------------------------------- */

const char *
rdd_rdpfile_note_level_name(enum rdd_rdpfile_note_level l)
{
	switch (l) {
	case RDD_NOTE_INFO:
		return "info";
	case RDD_NOTE_WARNING:
		return "warning";
	case RDD_NOTE_CRITICAL:
		return "critical";
	}
	return "?";
}

int
rdd_rdpfile_notes_exit(const struct rdd_rdpfile_note *notes, size_t n)
{
	int rc = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (notes[i].level == RDD_NOTE_CRITICAL)
			rc = 2;
		else if (notes[i].level == RDD_NOTE_WARNING && rc < 1)
			rc = 1;
	}
	return rc;
}

struct notes {
	struct rdd_rdpfile_note *out;
	size_t cap, n;
};

static void
note(struct notes *ns, const char *id, enum rdd_rdpfile_note_level level,
     unsigned line, const char *fmt, ...)
{
	struct rdd_rdpfile_note *x;
	va_list ap;

	if (ns->n == ns->cap)
		return;
	x = &ns->out[ns->n++];
	x->id = id;
	x->level = level;
	x->line = line;
	va_start(ap, fmt);
	vsnprintf(x->text, sizeof(x->text), fmt, ap);
	va_end(ap);
}

static const struct rdd_attempt *
attempt(const struct rdd_observation *obs, const char *label)
{
	size_t i;

	for (i = 0; obs != NULL && i < obs->n_attempts && i < RDD_MAX_ATTEMPTS;
	     i++)
		if (strcmp(obs->attempts[i].label, label) == 0)
			return &obs->attempts[i];
	return NULL;
}

static const char *
neg_name(uint32_t code)
{
	const struct rdd_code *c = rdd_code_find(RDD_TABLE_NEG, code);

	return c != NULL ? c->name : "an unknown failure code";
}

static bool
failed(enum rdd_status s)
{
	return s == RDD_STATUS_FAILED || s == RDD_STATUS_TIMEOUT;
}

/* What the check did, for a note: "went through the RD Gateway G
 * (--gateway) to H:P" or "connected to H:P directly". */
static void
check_path(char *dst, size_t cap, const struct rdd_observation *obs,
           const struct rdd_rdpfile_use *use)
{
	char used[2 * RDD_STR];

	if (obs != NULL && obs->gateway.present) {
		rdd_escape_terminal(used, sizeof(used), obs->gateway.host);
		snprintf(dst, cap,
		         "went through the RD Gateway %s (--gateway) to %s:%u",
		         used, use->host, use->port);
	} else {
		snprintf(dst, cap, "connected to %s:%u directly", use->host,
		         use->port);
	}
}

static void
gateway_notes(struct notes *ns, const struct rdd_rdpfile *f,
              const struct rdd_rdpfile_use *use,
              const struct rdd_observation *obs)
{
	const struct rdd_rdpfile_value *gh = &f->v[RDD_RDPK_GATEWAYHOSTNAME];
	const struct rdd_rdpfile_value *um = &f->v[RDD_RDPK_GATEWAYUSAGEMETHOD];
	const struct rdd_rdpfile_value *pm =
	    &f->v[RDD_RDPK_GATEWAYPROFILEUSAGEMETHOD];
	char gw[2 * RDD_RDPFILE_VALUE_MAX], path[4 * RDD_STR + 64];
	const char *profile = "";
	bool direct_failed, through = obs != NULL && obs->gateway.present;

	check_path(path, sizeof(path), obs, use);
	if (!gh->set || gh->s[0] == '\0') {
		if (um->set && (um->i == 1 || um->i == 2))
			note(ns, "gateway-without-name", RDD_NOTE_INFO,
			     um->line,
			     "The file asks for an RD Gateway "
			     "(gatewayusagemethod:i:%d) but names none "
			     "(no gatewayhostname): mstsc would take the "
			     "gateway from its defaults or policy, which a "
			     "file does not show. The check %s.",
			     (int)um->i, path);
		return;
	}
	rdd_escape_terminal(gw, sizeof(gw), gh->s);
	if (pm->set && pm->i == 0)
		profile = " The file also says gatewayprofileusagemethod:i:0: "
		          "mstsc then uses the gateway settings of the "
		          "default profile (as the administrator set them) "
		          "rather than the file's.";
	direct_failed =
	    obs != NULL && (failed(obs->phases[RDD_PHASE_RESOLVE].status) ||
	                    failed(obs->phases[RDD_PHASE_TCP].status) ||
	                    failed(obs->phases[RDD_PHASE_X224].status));
	if (!um->set) {
		note(ns, "gateway-usage-unknown", RDD_NOTE_INFO, gh->line,
		     "The file names the RD Gateway %s but no "
		     "gatewayusagemethod: whether mstsc goes through it then "
		     "depends on its defaults and policy. The check %s%s.%s",
		     gw, path,
		     through ? "" : "; the file's gateway was not checked",
		     profile);
		return;
	}
	switch (um->i) {
	case 1:
		if (obs != NULL && obs->gateway.present) {
			char used[2 * RDD_STR];

			rdd_escape_terminal(used, sizeof(used),
			                    obs->gateway.host);
			note(ns, "gateway-walked", RDD_NOTE_INFO, um->line,
			     "mstsc connects through the RD Gateway %s "
			     "(gatewayusagemethod:i:1, always), and this check "
			     "went through %s%s: the gateway's phases come "
			     "first, then %s:%u's own through its channel.%s",
			     gw,
			     strncmp(gh->s, obs->gateway.host,
			             strlen(obs->gateway.host)) == 0
			         ? "it"
			         : used,
			     strncmp(gh->s, obs->gateway.host,
			             strlen(obs->gateway.host)) == 0
			         ? ""
			         : " (--gateway)",
			     use->host, use->port, profile);
			break;
		}
		note(ns, "gateway-not-walked", RDD_NOTE_WARNING, um->line,
		     "mstsc connects through the RD Gateway %s "
		     "(gatewayusagemethod:i:1, always), and this check did "
		     "not (its gateway name is not one the check can use: "
		     "give the gateway with --gateway): it connected to %s:%u "
		     "directly from this machine, a path mstsc does not take "
		     "with this file. It verified the target's own phases as "
		     "seen from "
		     "here, and nothing about the gateway: its certificate, "
		     "its sign-in, its connection and resource policies (CAP, "
		     "RAP), or whether it can reach %s:%u.%s",
		     gw, use->host, use->port, use->host, use->port, profile);
		break;
	case 2:
		if (through) {
			note(ns, "gateway-fallback", RDD_NOTE_INFO, um->line,
			     "mstsc tries %s:%u directly first and goes "
			     "through the RD Gateway %s only when that fails "
			     "(gatewayusagemethod:i:2). This check %s: the "
			     "path mstsc takes after a failed direct "
			     "attempt.%s",
			     use->host, use->port, gw, path, profile);
			break;
		}
		note(ns, "gateway-fallback", RDD_NOTE_INFO, um->line,
		     "mstsc tries %s:%u directly first and goes through the "
		     "RD Gateway %s only when that fails "
		     "(gatewayusagemethod:i:2). This check went direct, as "
		     "mstsc first does%s; the gateway was not checked (check "
		     "it with --gateway).%s",
		     use->host, use->port, gw,
		     direct_failed
		         ? ", and it failed: mstsc would then use the gateway"
		         : "",
		     profile);
		break;
	case 3:
		note(ns, "gateway-default", RDD_NOTE_INFO, um->line,
		     "gatewayusagemethod:i:3: mstsc uses its default RD "
		     "Gateway settings (from policy or the user's defaults): "
		     "they decide whether and through which gateway it "
		     "connects, and the file does not say what they are (its "
		     "gateway is %s). The check %s%s.",
		     gw, path,
		     through ? "" : "; check a gateway with --gateway");
		break;
	default: /* 0 and 4: no gateway */
		note(ns, "gateway-unused", RDD_NOTE_INFO, um->line,
		     "The file names the RD Gateway %s but says not to use "
		     "one (gatewayusagemethod:i:%d): mstsc connects directly, "
		     "as this check did.",
		     gw, (int)um->i);
		break;
	}
}

static void
credssp_note(struct notes *ns, const struct rdd_rdpfile *f,
             const struct rdd_observation *obs)
{
	const struct rdd_rdpfile_value *cs =
	    &f->v[RDD_RDPK_ENABLECREDSSPSUPPORT];
	const struct rdd_attempt *b = attempt(obs, "B");

	if (!cs->set || cs->i != 0)
		return;
	if (obs != NULL && obs->nla_required == 1) {
		char why[128] = "";

		if (b != NULL && b->x224 == RDD_X224_FAILURE)
			snprintf(why, sizeof(why), " (it answered %s)",
			         neg_name(b->failure_code));
		note(ns, "credssp-off-nla-required", RDD_NOTE_CRITICAL,
		     cs->line,
		     "enablecredsspsupport:i:0: mstsc does not offer CredSSP "
		     "(NLA), only TLS. The server requires NLA%s, so mstsc "
		     "with this file is refused. Remove the line (or set it "
		     "to 1), or turn NLA off on the server.",
		     why);
	} else if (obs != NULL && obs->nla_required == 0) {
		note(ns, "credssp-off", RDD_NOTE_INFO, cs->line,
		     "enablecredsspsupport:i:0: mstsc does not offer CredSSP "
		     "(NLA). The check's connection B asked the same (TLS "
		     "only) and the server accepted it: this line does not "
		     "stop mstsc, but the user then signs in on the server's "
		     "own logon screen, without NLA.");
	} else {
		note(ns, "credssp-off", RDD_NOTE_WARNING, cs->line,
		     "enablecredsspsupport:i:0: mstsc does not offer CredSSP "
		     "(NLA), only TLS. The check did not learn whether the "
		     "server requires NLA, so whether mstsc with this file is "
		     "refused is unknown.");
	}
}

static void
negotiation_note(struct notes *ns, const struct rdd_rdpfile *f,
                 const struct rdd_observation *obs)
{
	const struct rdd_rdpfile_value *nl =
	    &f->v[RDD_RDPK_NEGOTIATE_SECURITY_LAYER];
	const struct rdd_attempt *c = attempt(obs, "C");
	char seen[160];

	if (!nl->set || nl->i != 0)
		return;
	if (c != NULL && c->x224 == RDD_X224_RSP && c->selected == 0)
		snprintf(seen, sizeof(seen),
		         "the server accepted it (connection C)");
	else if (c != NULL && c->x224 == RDD_X224_FAILURE)
		snprintf(seen, sizeof(seen),
		         "the server refused it with %s (connection C)",
		         neg_name(c->failure_code));
	else
		snprintf(seen, sizeof(seen),
		         "the check did not learn the "
		         "server's answer");
	note(ns, "no-negotiation", RDD_NOTE_INFO, nl->line,
	     "negotiate security layer:i:0: the file turns security-layer "
	     "negotiation off. The check negotiates as mstsc does by "
	     "default; the nearest it verifies is standard RDP security "
	     "alone: %s.",
	     seen);
}

static void
other_notes(struct notes *ns, const struct rdd_rdpfile *f)
{
	const struct rdd_rdpfile_value *al =
	    &f->v[RDD_RDPK_AUTHENTICATION_LEVEL];
	const struct rdd_rdpfile_value *lb = &f->v[RDD_RDPK_LOADBALANCEINFO];
	const struct rdd_rdpfile_value *un = &f->v[RDD_RDPK_USERNAME];
	const struct rdd_rdpfile_value *af =
	    &f->v[RDD_RDPK_ALTERNATE_FULL_ADDRESS];
	static const char *const levels[] = {
	    "connects without warning when the server's identity cannot be "
	    "verified",
	    "does not connect when the server's identity cannot be "
	    "verified: a certificate warning of this report (cert-*) would "
	    "stop it",
	    "warns and lets the user choose when the server's identity "
	    "cannot be verified",
	    "has no server-authentication requirement",
	};
	char esc[2 * RDD_RDPFILE_VALUE_MAX];

	if (al->set && al->i >= 0 && al->i <= 3)
		note(ns, "authentication-level", RDD_NOTE_INFO, al->line,
		     "authentication level:i:%d: mstsc %s.", (int)al->i,
		     levels[al->i]);
	if (lb->set && lb->s[0] != '\0') {
		rdd_escape_terminal(esc, sizeof(esc), lb->s);
		note(ns, "loadbalanceinfo-not-sent", RDD_NOTE_INFO, lb->line,
		     "loadbalanceinfo \"%s\": mstsc sends it first, in the "
		     "connection request, so that a connection broker "
		     "routes the connection ([MS-RDPBCGR] 2.2.1.1 "
		     "routingToken). The check does not send it, so a broker "
		     "that needs it may answer the check differently.",
		     esc);
	}
	if (un->set && un->s[0] != '\0') {
		rdd_escape_terminal(esc, sizeof(esc), un->s);
		note(ns, "username-not-used", RDD_NOTE_INFO, un->line,
		     "The file's user name %s is not used: the check sends no "
		     "credentials unless --user is given.",
		     esc);
	}
	if (af->set && af->s[0] != '\0') {
		rdd_escape_terminal(esc, sizeof(esc), af->s);
		note(ns, "alternate-address-not-checked", RDD_NOTE_INFO,
		     af->line,
		     "alternate full address %s was not checked: the check "
		     "connected to the full address.",
		     esc);
	}
	if (f->v[RDD_RDPK_GATEWAYACCESSTOKEN].set)
		note(ns, "gateway-access-token", RDD_NOTE_INFO,
		     f->v[RDD_RDPK_GATEWAYACCESSTOKEN].line,
		     "The file carries a gateway access token (not shown, "
		     "not used).");
}

size_t
rdd_rdpfile_notes(const struct rdd_rdpfile *f,
                  const struct rdd_rdpfile_use *use,
                  const struct rdd_observation *obs,
                  struct rdd_rdpfile_note *out, size_t cap)
{
	struct notes ns = {out, cap, 0};

	gateway_notes(&ns, f, use, obs);
	credssp_note(&ns, f, obs);
	negotiation_note(&ns, f, obs);
	other_notes(&ns, f);
	return ns.n;
}

/* ---- Text -------------------------------------------------------------- */

static const char *
encoding_words(enum rdd_rdpfile_encoding e)
{
	switch (e) {
	case RDD_RDPFILE_UTF8:
		return "UTF-8";
	case RDD_RDPFILE_UTF8_BOM:
		return "UTF-8 with a byte-order mark";
	case RDD_RDPFILE_UTF16LE_BOM:
		return "UTF-16LE with a byte-order mark";
	case RDD_RDPFILE_UTF16LE_NOBOM:
		return "UTF-16LE without a byte-order mark";
	}
	return "?";
}

/* Print TEXT wrapped at 78 columns, each line after INDENT spaces. */
static void
wrapped(FILE *out, const char *text, int indent)
{
	const int width = 78 - indent;
	const char *p = text;

	while (*p != '\0') {
		size_t n = strlen(p), cut;

		if ((int)n <= width) {
			fprintf(out, "%*s%s\n", indent, "", p);
			return;
		}
		cut = (size_t)width;
		while (cut > 0 && p[cut] != ' ')
			cut--;
		if (cut == 0)
			cut = (size_t)width;
		fprintf(out, "%*s%.*s\n", indent, "", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

void
rdd_report_rdpfile_text(FILE *out, const struct rdd_rdpfile_use *use,
                        const struct rdd_rdpfile *f,
                        const struct rdd_rdpfile_note *notes, size_t n)
{
	char esc[2 * RDD_STR], name[160];
	size_t i;

	rdd_escape_terminal(esc, sizeof(esc), use->path);
	fprintf(out, "Connection file %s (%s, %u lines)\n", esc,
	        encoding_words(f->encoding), f->lines);
	rdd_escape_terminal(esc, sizeof(esc), use->host);
	fprintf(out, "  target   %s:%u (port from %s)\n", esc, use->port,
	        use->port_from);
	for (i = 0; i < n; i++) {
		char head[64];

		snprintf(head, sizeof(head), "  %s %s",
		         notes[i].level == RDD_NOTE_CRITICAL  ? "!!"
		         : notes[i].level == RDD_NOTE_WARNING ? "! "
		                                              : "- ",
		         notes[i].id);
		if (notes[i].line > 0)
			fprintf(out, "%s (line %u)\n", head, notes[i].line);
		else
			fprintf(out, "%s\n", head);
		wrapped(out, notes[i].text, 7);
	}
	if (f->n_problems_total > 0) {
		fprintf(out, "  %zu line%s not used:\n", f->n_problems_total,
		        f->n_problems_total == 1 ? "" : "s");
		for (i = 0; i < f->n_problems; i++) {
			const struct rdd_rdpfile_problem *p = &f->problems[i];

			rdd_escape_terminal(name, sizeof(name), p->name);
			if (name[0] != '\0')
				fprintf(out, "    line %u: %s: %s\n", p->line,
				        name,
				        rdd_rdpfile_problem_text(p->kind));
			else
				fprintf(out, "    line %u: %s\n", p->line,
				        rdd_rdpfile_problem_text(p->kind));
		}
		if (f->n_problems < f->n_problems_total)
			fprintf(out, "    (and %zu more)\n",
			        f->n_problems_total - f->n_problems);
	}
	if (f->truncated)
		fprintf(out,
		        "  only the first %d bytes of the file were read\n",
		        RDD_RDPFILE_MAX_BYTES);
	fputc('\n', out);
}

/* ---- JSON -------------------------------------------------------------- */

static json_t *
jstr(const char *s)
{
	char buf[2 * RDD_RDPFILE_VALUE_MAX];

	return json_string(rdd_sanitize_utf8(buf, sizeof(buf), s));
}

static int
put(json_t *o, const char *k, json_t *v)
{
	return v != NULL ? json_object_set_new(o, k, v) : -1;
}

void *
rdd_report_rdpfile_json(const struct rdd_rdpfile_use *use,
                        const struct rdd_rdpfile *f,
                        const struct rdd_rdpfile_note *notes, size_t n)
{
	json_t *o = json_object(), *t = json_object(), *s = json_object();
	json_t *na = json_array(), *pa = json_array();
	int err = 0;
	size_t i;

	if (o == NULL || t == NULL || s == NULL || na == NULL || pa == NULL)
		goto fail;
	err |= put(o, "path", jstr(use->path));
	err |= put(o, "encoding",
	           json_string(rdd_rdpfile_encoding_name(f->encoding)));
	err |= put(o, "lines", json_integer(f->lines));
	err |= put(o, "truncated", json_boolean(f->truncated));
	err |= put(t, "host", jstr(use->host));
	err |= put(t, "port", json_integer(use->port));
	err |= put(t, "port_from", json_string(use->port_from));
	err |= put(o, "target", t);
	t = NULL;
	for (i = 0; i < RDD_RDPK_COUNT; i++) {
		const struct rdd_rdpfile_value *v = &f->v[i];
		json_t *e;

		if (!v->set)
			continue;
		if ((e = json_object()) == NULL)
			goto fail;
		if (i == RDD_RDPK_GATEWAYACCESSTOKEN ||
		    i == RDD_RDPK_PASSWORD51)
			err |= put(e, "present", json_true());
		else if (rdd_rdpfile_key_type((enum rdd_rdpfile_key)i) == 'i')
			err |= put(e, "value", json_integer(v->i));
		else
			err |= put(e, "value", jstr(v->s));
		err |= put(e, "line", json_integer(v->line));
		err |= put(s, rdd_rdpfile_key_name((enum rdd_rdpfile_key)i), e);
	}
	err |= put(o, "settings", s);
	s = NULL;
	for (i = 0; i < n; i++) {
		json_t *e = json_object();

		if (e == NULL)
			goto fail;
		err |= put(e, "id", json_string(notes[i].id));
		err |= put(
		    e, "level",
		    json_string(rdd_rdpfile_note_level_name(notes[i].level)));
		err |= put(e, "line",
		           notes[i].line > 0 ? json_integer(notes[i].line)
		                             : json_null());
		err |= put(e, "text", jstr(notes[i].text));
		err |= json_array_append_new(na, e);
	}
	err |= put(o, "notes", na);
	err |=
	    put(o, "exit_code", json_integer(rdd_rdpfile_notes_exit(notes, n)));
	na = NULL;
	for (i = 0; i < f->n_problems; i++) {
		const struct rdd_rdpfile_problem *p = &f->problems[i];
		json_t *e = json_object();

		if (e == NULL)
			goto fail;
		err |= put(e, "line", json_integer(p->line));
		err |= put(e, "kind",
		           json_string(rdd_rdpfile_problem_id(p->kind)));
		err |= put(e, "name", jstr(p->name));
		err |= put(e, "text",
		           json_string(rdd_rdpfile_problem_text(p->kind)));
		err |= json_array_append_new(pa, e);
	}
	err |= put(o, "problems", pa);
	pa = NULL;
	err |= put(o, "problems_total",
	           json_integer((json_int_t)f->n_problems_total));
	if (err != 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	json_decref(t);
	json_decref(s);
	json_decref(na);
	json_decref(pa);
	return NULL;
}

int
rdd_report_json_rdpfile(FILE *out, const struct rdd_observation *obs,
                        const struct rdd_diagnosis *diag, void *rdp_file)
{
	json_t *doc = rdd_report_json_doc(obs, diag), *root = NULL, *v;
	json_t *rf = rdp_file;
	const char *k;
	char *text = NULL;
	int rc = -1;

	if (doc == NULL || rf == NULL || (root = json_object()) == NULL)
		goto out;
	/* The same document, with "rdp_file" after "target". */
	json_object_foreach(doc, k, v)
	{
		if (json_object_set(root, k, v) != 0)
			goto out;
		if (strcmp(k, "target") == 0 &&
		    json_object_set(root, "rdp_file", rf) != 0)
			goto out;
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                            JSON_REAL_PRECISION(12));
	if (text == NULL)
		goto out;
	if (fputs(text, out) != EOF && fputc('\n', out) != EOF &&
	    fflush(out) == 0 && !ferror(out))
		rc = 0;
out:
	free(text);
	json_decref(root);
	json_decref(doc);
	json_decref(rf);
	return rc;
}
