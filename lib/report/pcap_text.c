/*
 * pcap_text.c - `rdpdoctor pcap` as text (pcap_report.h): the summary
 * line, and per connection a header, what the capture showed of it (TCP,
 * the client, the TLS stream, the end, what was not visible, the frames
 * the verdict rests on), then the check's own text report of the same
 * observation (its first line, "check of ...", replaced by the header).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/pcap_report.h"
#include "report/text_int.h"
#include "wire/tlshello.h"
#include "wire/x224.h"

void
rdd_pcap_tally_put(struct rdd_pcap_tally *t, enum rdd_pcap_kind kind,
                   enum rdd_pcap_status status, int phase)
{
	int ph = phase >= 0 && phase < RDD_PHASE_COUNT ? phase + 1 : 0;

	if (kind == RDD_PCAP_KIND_UDP)
		t->udp++;
	else
		t->tcp++;
	if (status < RDD_PCAP_STATUS_COUNT)
		t->n[status][ph]++;
}

void
rdd_pcap_tally_add(struct rdd_pcap_tally *t, const struct rdd_pcap_conn *c)
{
	rdd_pcap_tally_put(t, c->kind, c->status, c->status_phase);
}

static const char *
status_verb(enum rdd_pcap_status s)
{
	switch (s) {
	case RDD_PCAP_OK:
		return "ok";
	case RDD_PCAP_FAILED:
		return "failed in";
	case RDD_PCAP_NOT_VISIBLE:
		return "not visible from";
	case RDD_PCAP_CLIENT_CLOSED:
		return "left by the client in";
	case RDD_PCAP_INCOMPLETE:
		return "incomplete in";
	case RDD_PCAP_FELL_BACK:
		return "fell back to standard RDP security";
	}
	return "?";
}

void
rdd_pcap_status_words(char *dst, size_t cap, const struct rdd_pcap_conn *c)
{
	if (c->status == RDD_PCAP_FELL_BACK)
		snprintf(dst, cap,
		         "fell back to standard RDP security (connection #%u)",
		         c->fallback_to);
	else if (c->status == RDD_PCAP_OK || c->status_phase < 0)
		snprintf(dst, cap, "%s",
		         c->status == RDD_PCAP_OK
		             ? "ok"
		             : rdd_pcap_status_name(c->status));
	else
		snprintf(dst, cap, "%s %s", status_verb(c->status),
		         rdd_phase_name((enum rdd_phase)c->status_phase));
}

static void append(char *dst, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
append(char *dst, size_t cap, const char *fmt, ...)
{
	size_t off = strlen(dst);
	va_list ap;

	if (off >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(dst + off, cap - off, fmt, ap);
	va_end(ap);
}

void
rdd_pcap_summary_line(char *dst, size_t cap, const struct rdd_pcap_tally *t)
{
	static const enum rdd_pcap_status order[] = {
	    RDD_PCAP_OK,          RDD_PCAP_FAILED,
	    RDD_PCAP_NOT_VISIBLE, RDD_PCAP_CLIENT_CLOSED,
	    RDD_PCAP_INCOMPLETE,  RDD_PCAP_FELL_BACK};
	size_t i, total = t->tcp + t->udp;
	int ph;
	bool first = true;

	dst[0] = '\0';
	if (total == 0) {
		snprintf(dst, cap, "no RDP connection");
		return;
	}
	if (t->tcp > 0)
		append(dst, cap, "%zu RDP connection%s", t->tcp,
		       t->tcp == 1 ? "" : "s");
	if (t->udp > 0)
		append(dst, cap, "%s%zu RDP-UDP handshake%s",
		       t->tcp > 0 ? " and " : "", t->udp,
		       t->udp == 1 ? "" : "s");
	append(dst, cap, ": ");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		for (ph = 0; ph <= RDD_PHASE_COUNT; ph++) {
			size_t n = t->n[order[i]][ph];

			if (n == 0)
				continue;
			append(dst, cap, "%s%zu ", first ? "" : ", ", n);
			first = false;
			if (order[i] == RDD_PCAP_FELL_BACK)
				append(dst, cap,
				       "fell back to standard RDP "
				       "security");
			else if (order[i] == RDD_PCAP_OK || ph == 0)
				append(dst, cap, "%s",
				       order[i] == RDD_PCAP_OK
				           ? "ok"
				           : rdd_pcap_status_name(order[i]));
			else
				append(
				    dst, cap, "%s %s", status_verb(order[i]),
				    rdd_phase_name((enum rdd_phase)(ph - 1)));
		}
}

/* --- one connection ------------------------------------------------------ */

static const char *
utc_ms(char *buf, size_t cap, double t)
{
	time_t s = (time_t)t;
	struct tm tm;
	char date[32];

	if (gmtime_r(&s, &tm) == NULL ||
	    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, cap, "?");
	else
		snprintf(buf, cap, "%s.%03d UTC", date,
		         (int)((t - (double)s) * 1000.0));
	return buf;
}

static void
endpoint(char *dst, size_t cap, const struct rdd_pcap_endpoint *e)
{
	bool v6 = strchr(e->addr, ':') != NULL;

	snprintf(dst, cap, "%s%s%s:%u", v6 ? "[" : "", e->addr, v6 ? "]" : "",
	         (unsigned)e->port);
}

static void
line(struct ctx *c, const char *label, const char *value)
{
	fprintf(c->out, "  %-12s ", label);
	rdd__t_wrap(c, value, 15, 15);
}

static void
side_words(char *dst, size_t cap, const struct rdd_pcap_side *s,
           const char *who)
{
	snprintf(dst, cap, "%" PRIu64 " packets, %" PRIu64 " bytes of payload",
	         s->packets, s->bytes);
	if (s->syn)
		append(dst, cap, "; SYN frame %" PRIu64 " (%u sent)",
		       s->syn_frame, s->syns);
	if (s->fin)
		append(dst, cap, "; FIN frame %" PRIu64 " at %.1f ms",
		       s->fin_frame, s->fin_ms);
	if (s->rst)
		append(dst, cap, "; RST frame %" PRIu64 " at %.1f ms",
		       s->rst_frame, s->rst_ms);
	if (s->retrans > 0 || s->overlaps > 0)
		append(dst, cap, "; %" PRIu64 " segments seen again",
		       s->retrans + s->overlaps);
	if (s->gaps > 0)
		append(dst, cap,
		       "; %" PRIu64 " hole%s in the capture (%" PRIu64
		       " bytes, first at frame %" PRIu64 ")",
		       s->gaps, s->gaps == 1 ? "" : "s", s->gap_bytes,
		       s->first_gap_frame);
	if (s->cut)
		append(dst, cap, "; segments cut by the snap length");
	(void)who;
}

static void
client_words(struct ctx *c, char *dst, size_t cap,
             const struct rdd_pcap_conn *conn)
{
	const struct rdd_pcap_client *cl = &conn->cli;
	char protos[96], esc[ESC_CAP(256)];
	uint32_t i;

	dst[0] = '\0';
	if (cl->has_cr) {
		if (cl->cookie[0] != '\0') {
			ESC(c, esc, cl->cookie);
			append(dst, cap, "cookie \"%s\"; ", esc);
		}
		rdd_protocols_str(protos, sizeof(protos), cl->requested);
		append(dst, cap, "requests %s%s", protos,
		       cl->neg_req ? ""
		                   : " (no RDP_NEG_REQ: a pre-Vista client)");
	}
	if (cl->has_core) {
		ESC(c, esc, cl->client_name);
		append(dst, cap,
		       "; build %u, name \"%s\", keyboard 0x%08x, desktop "
		       "%ux%u",
		       (unsigned)cl->client_build, esc,
		       (unsigned)cl->keyboard_layout,
		       (unsigned)cl->desktop_width,
		       (unsigned)cl->desktop_height);
		if (cl->color_depth != 0)
			append(dst, cap, " at %u bpp",
			       (unsigned)cl->color_depth);
	}
	if (cl->n_channels > 0) {
		append(dst, cap, "; channels ");
		for (i = 0; i < cl->n_channels; i++) {
			ESC(c, esc, cl->channels[i]);
			append(dst, cap, "%s%s", i ? "," : "", esc);
		}
	}
	if (cl->has_sni) {
		ESC(c, esc, cl->sni);
		append(dst, cap, "; TLS SNI \"%s\"", esc);
	}
	if (cl->has_account) {
		char dom[ESC_CAP(256)];

		ESC(c, esc, cl->user);
		ESC(c, dom, cl->domain);
		append(dst, cap, "; account %s%s%s", dom, dom[0] ? "\\" : "",
		       esc);
	}
}

static void
tls_words(char *dst, size_t cap, const struct rdd_pcap_tls *t)
{
	const struct rdd_tls_suite *s = rdd_tls_suite_find(t->suite);
	const char *v = rdd_tls_version_name(t->version);

	snprintf(dst, cap, "%s, %s", v != NULL ? v : "TLS",
	         s != NULL ? s->name : "unknown suite");
	append(dst, cap,
	       "; after the handshake %" PRIu64 " records (%" PRIu64
	       " bytes) from the client, %" PRIu64 " (%" PRIu64
	       " bytes) from the server",
	       t->records[0], t->app_bytes[0], t->records[1], t->app_bytes[1]);
	if (t->decrypted)
		append(dst, cap, "; decrypted with the key log%s",
		       t->decrypt_errors > 0 ? " (some records did not)" : "");
	else if (t->key_detail[0] != '\0')
		append(dst, cap, "; not decrypted: %.150s", t->key_detail);
	if (t->alert)
		append(dst, cap,
		       "; %s alert from the %s at %.1f ms (frame %" PRIu64 ")",
		       t->alert_encrypted    ? "an encrypted"
		       : t->alert_level == 1 ? "a warning"
		                             : "a fatal",
		       t->alert_from_client ? "client" : "server", t->alert_ms,
		       t->alert_frame);
}

static void
session_words(char *dst, size_t cap, const struct rdd_pcap_conn *c)
{
	dst[0] = '\0';
	if (c->session_ms > 0)
		append(dst, cap, "ran %.1f s after the last phase read",
		       c->session_ms / 1000.0);
	if (c->has_end_error_info)
		append(dst, cap, "%sthen Set Error Info 0x%08x",
		       dst[0] ? "; " : "", (unsigned)c->end_error_info);
	if (c->has_end_dpum)
		append(dst, cap,
		       "%sthen a Disconnect Provider Ultimatum from "
		       "the %s",
		       dst[0] ? "; " : "",
		       c->end_dpum_from_client ? "client" : "server");
}

static void
print_capture(struct ctx *c, const struct rdd_pcap_conn *conn)
{
	char buf[1024], esc[ESC_CAP(RDD_STR)];
	size_t i;

	rdd__t_heading(c, "Capture");
	snprintf(buf, sizeof(buf), "%" PRIu64 "-%" PRIu64 ", %.1f ms",
	         conn->first_frame, conn->last_frame,
	         (conn->end - conn->start) * 1000.0);
	if (conn->vlan != 0)
		append(buf, sizeof(buf), "; VLAN %u", (unsigned)conn->vlan);
	if (conn->midstream)
		append(buf, sizeof(buf),
		       "; the capture starts after the TCP handshake");
	line(c, "frames", buf);
	if (conn->kind == RDD_PCAP_KIND_TCP) {
		side_words(buf, sizeof(buf), &conn->side[0], "client");
		line(c, "client sent", buf);
		side_words(buf, sizeof(buf), &conn->side[1], "server");
		line(c, "server sent", buf);
		client_words(c, buf, sizeof(buf), conn);
		if (buf[0] != '\0')
			line(c, "client", buf);
		if (conn->tls.seen) {
			tls_words(buf, sizeof(buf), &conn->tls);
			line(c, "tls stream", buf);
		}
	}
	ESC(c, esc, conn->ending);
	if (esc[0] != '\0')
		line(c, "end", esc);
	session_words(buf, sizeof(buf), conn);
	if (buf[0] != '\0')
		line(c, "session", buf);
	ESC(c, esc, conn->not_visible);
	if (esc[0] != '\0')
		line(c, "not seen", esc);
	if (conn->n_evidence == 0)
		return;
	rdd__t_heading(c, "Evidence (frame, time, sender)");
	for (i = 0; i < conn->n_evidence; i++) {
		const struct rdd_pcap_evidence *e = &conn->evidence[i];

		fprintf(c->out, "  %8" PRIu64 " %10.1f ms  %-6s  %s\n",
		        e->frame, e->at_ms,
		        e->from_client ? "client" : "server", e->what);
	}
}

/*
 * Two sentences of the check's report speak of rdpdoctor's own client (a
 * walk that answers licensing as "a client without a licence, name
 * rdpdoctor"; what its walk "left" on the server). In a capture the
 * client is someone else's: they are taken out of the rendered text.
 * The phrase may be wrapped anywhere between its words.
 */
static size_t
drop_phrase(char *buf, size_t len, const char *phrase)
{
	size_t i, j, k;

	for (i = 0; i < len; i++) {
		for (j = i, k = 0; phrase[k] != '\0' && j < len;) {
			if (phrase[k] == ' ' &&
			    (buf[j] == ' ' || buf[j] == '\n')) {
				while (j < len &&
				       (buf[j] == ' ' || buf[j] == '\n'))
					j++;
				k++;
			} else if (buf[j] == phrase[k]) {
				j++;
				k++;
			} else {
				break;
			}
		}
		if (phrase[k] == '\0') {
			memmove(buf + i, buf + j, len - j);
			return len - (j - i);
		}
	}
	return len;
}

/* Drop the line that starts with PREFIX and the indented lines that
 * continue it. */
static size_t
drop_block(char *buf, size_t len, const char *prefix)
{
	size_t n = strlen(prefix), i, j;

	for (i = 0; i + n <= len; i++) {
		if ((i > 0 && buf[i - 1] != '\n') ||
		    memcmp(buf + i, prefix, n) != 0)
			continue;
		j = i;
		do {
			while (j < len && buf[j] != '\n')
				j++;
			if (j < len)
				j++;
		} while (j + 4 < len && memcmp(buf + j, "    ", 4) == 0);
		memmove(buf + i, buf + j, len - j);
		return len - (j - i);
	}
	return len;
}

/* The check's report of the same observation, less its first line. */
static int
check_report(FILE *out, const struct rdd_pcap_conn *conn,
             const struct rdd_text_options *opt)
{
	char *buf = NULL, *nl;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int rc = -1;

	if (mem == NULL)
		return -1;
	if (rdd_report_text(mem, &conn->obs, conn->diag, opt) == 0 &&
	    fclose(mem) == 0) {
		mem = NULL;
		len = drop_phrase(buf, len,
		                  ", answered as a client without a licence, "
		                  "name rdpdoctor");
		len = drop_block(buf, len, "  left ");
		nl = memchr(buf, '\n', len);
		if (nl != NULL &&
		    fwrite(nl + 1, 1, len - (size_t)(nl + 1 - buf), out) ==
		        len - (size_t)(nl + 1 - buf))
			rc = 0;
	}
	if (mem != NULL)
		fclose(mem);
	free(buf);
	return rc;
}

static void
print_udp(struct ctx *c, const struct rdd_pcap_conn *conn)
{
	const struct rdd_udp_info *u = &conn->obs.udp;
	char buf[RDD_STR + 64];

	rdd__t_heading(c, "RDP-UDP");
	snprintf(buf, sizeof(buf), "%u SYN%s offering version %u; %s",
	         u->syns_sent, u->syns_sent == 1 ? "" : "s",
	         (unsigned)u->version_offered, u->detail);
	line(c, "handshake", buf);
	fprintf(c->out, "\n%sVerdict:%s %s\n", rdd__t_sgr(c, SGR_BOLD),
	        rdd__t_sgr_reset(c), conn->diag->summary);
}

int
rdd_report_pcap_text(FILE *out, const struct rdd_pcap_conn *conn,
                     const struct rdd_text_options *opt)
{
	struct ctx *c = calloc(1, sizeof(*c));
	char cl[RDD_ADDR_STR + 16], sv[RDD_ADDR_STR + 16], when[48], st[64];
	int rc = 0;

	if (c == NULL)
		return -1;
	c->out = out;
	c->color = opt != NULL && opt->color;
	c->verbose = opt != NULL && opt->verbose;
	endpoint(cl, sizeof(cl), &conn->client);
	endpoint(sv, sizeof(sv), &conn->server);
	rdd_pcap_status_words(st, sizeof(st), conn);
	fprintf(out, "%s#%u  %s %s -> %s  %s%s\n", rdd__t_sgr(c, SGR_BOLD),
	        conn->index, conn->kind == RDD_PCAP_KIND_UDP ? "UDP" : "TCP",
	        cl, sv, utc_ms(when, sizeof(when), conn->start),
	        rdd__t_sgr_reset(c));
	fprintf(out, "  status: ");
	rdd__t_colored_field(c,
	                     conn->status == RDD_PCAP_OK       ? SGR_GREEN
	                     : conn->status == RDD_PCAP_FAILED ? SGR_RED
	                                                       : SGR_YELLOW,
	                     st, 0);
	fputc('\n', out);
	print_capture(c, conn);
	if (conn->kind == RDD_PCAP_KIND_UDP)
		print_udp(c, conn);
	else
		rc = check_report(out, conn, opt);
	free(c);
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	return rc;
}
