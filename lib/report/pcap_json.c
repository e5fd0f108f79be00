/*
 * pcap_json.c - `rdpdoctor pcap` as JSON (pcap_report.h): each connection
 * is the check's document of its observation (docs/json.md) with a
 * "capture" object; the summary counts the connections by status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report/json_int.h"
#include "report/pcap_report.h"
#include "wire/tlshello.h"
#include "wire/x224.h"

static json_t *
endpoint(struct jb *b, const struct rdd_pcap_endpoint *e)
{
	json_t *o = json_object();

	rdd__j_put(b, o, "address", json_string(e->addr));
	rdd__j_put(b, o, "port", json_integer(e->port));
	return o;
}

static json_t *
frame_or_null(bool seen, uint64_t frame)
{
	return seen ? json_integer((json_int_t)frame) : json_null();
}

static json_t *
side(struct jb *b, const struct rdd_pcap_side *s)
{
	json_t *o = json_object();

	rdd__j_put(b, o, "packets", json_integer((json_int_t)s->packets));
	rdd__j_put(b, o, "payload_bytes", json_integer((json_int_t)s->bytes));
	rdd__j_put(b, o, "syn_frame", frame_or_null(s->syn, s->syn_frame));
	rdd__j_put(b, o, "syns", json_integer(s->syns));
	rdd__j_put(b, o, "fin_frame", frame_or_null(s->fin, s->fin_frame));
	rdd__j_put(b, o, "fin_ms",
	           s->fin ? rdd__j_ms_value(s->fin_ms) : json_null());
	rdd__j_put(b, o, "rst_frame", frame_or_null(s->rst, s->rst_frame));
	rdd__j_put(b, o, "rst_ms",
	           s->rst ? rdd__j_ms_value(s->rst_ms) : json_null());
	rdd__j_put(b, o, "seen_again",
	           json_integer((json_int_t)(s->retrans + s->overlaps)));
	rdd__j_put(b, o, "holes", json_integer((json_int_t)s->gaps));
	rdd__j_put(b, o, "hole_bytes", json_integer((json_int_t)s->gap_bytes));
	rdd__j_put(b, o, "first_hole_frame",
	           frame_or_null(s->gaps > 0, s->first_gap_frame));
	rdd__j_put(b, o, "snap_cut", json_boolean(s->cut));
	return o;
}

static json_t *
client(struct jb *b, const struct rdd_pcap_client *cl)
{
	json_t *o = json_object(), *ch = json_array();
	char protos[96];
	uint32_t i;

	rdd_protocols_str(protos, sizeof(protos), cl->requested);
	rdd__j_put(b, o, "cookie",
	           cl->has_cr ? UNTRUSTED_OR_NULL(cl->cookie) : json_null());
	rdd__j_put(b, o, "neg_req", json_boolean(cl->neg_req));
	rdd__j_put(b, o, "requested_protocols",
	           cl->has_cr ? json_integer(cl->requested) : json_null());
	rdd__j_put(b, o, "requested",
	           cl->has_cr ? json_string(protos) : json_null());
	rdd__j_put(b, o, "client_build",
	           cl->has_core ? json_integer(cl->client_build) : json_null());
	rdd__j_put(b, o, "client_name",
	           cl->has_core ? UNTRUSTED(cl->client_name) : json_null());
	rdd__j_put(b, o, "keyboard_layout",
	           cl->has_core ? json_integer(cl->keyboard_layout)
	                        : json_null());
	rdd__j_put(b, o, "desktop_width",
	           cl->has_core ? json_integer(cl->desktop_width)
	                        : json_null());
	rdd__j_put(b, o, "desktop_height",
	           cl->has_core ? json_integer(cl->desktop_height)
	                        : json_null());
	rdd__j_put(b, o, "color_depth",
	           cl->has_core && cl->color_depth != 0
	               ? json_integer(cl->color_depth)
	               : json_null());
	rdd__j_put(b, o, "dig_product_id",
	           cl->has_core ? UNTRUSTED_OR_NULL(cl->dig_product_id)
	                        : json_null());
	rdd__j_put(b, o, "encryption_methods",
	           cl->has_security ? json_integer(cl->encryption_methods)
	                            : json_null());
	for (i = 0; i < cl->n_channels; i++)
		rdd__j_push(b, ch, UNTRUSTED(cl->channels[i]));
	rdd__j_put(b, o, "channels", ch);
	rdd__j_put(b, o, "sni", cl->has_sni ? UNTRUSTED(cl->sni) : json_null());
	rdd__j_put(b, o, "user",
	           cl->has_account ? UNTRUSTED(cl->user) : json_null());
	rdd__j_put(b, o, "domain",
	           cl->has_account ? UNTRUSTED(cl->domain) : json_null());
	rdd__j_put(b, o, "client_info_flags",
	           cl->has_client_info ? json_integer(cl->info_flags)
	                               : json_null());
	return o;
}

static json_t *
tls(struct jb *b, const struct rdd_pcap_tls *t)
{
	json_t *o;
	const struct rdd_tls_suite *s;
	const char *v;

	if (!t->seen)
		return json_null();
	o = json_object();
	s = rdd_tls_suite_find(t->suite);
	v = rdd_tls_version_name(t->version);
	rdd__j_put(b, o, "version", v != NULL ? json_string(v) : json_null());
	rdd__j_put(b, o, "suite", json_integer(t->suite));
	rdd__j_put(b, o, "suite_name",
	           s != NULL ? json_string(s->name) : json_null());
	rdd__j_put(b, o, "client_records",
	           json_integer((json_int_t)t->records[0]));
	rdd__j_put(b, o, "client_bytes",
	           json_integer((json_int_t)t->app_bytes[0]));
	rdd__j_put(b, o, "server_records",
	           json_integer((json_int_t)t->records[1]));
	rdd__j_put(b, o, "server_bytes",
	           json_integer((json_int_t)t->app_bytes[1]));
	rdd__j_put(b, o, "keys_found", json_boolean(t->keys));
	rdd__j_put(b, o, "decrypted", json_boolean(t->decrypted));
	rdd__j_put(b, o, "key_detail", UNTRUSTED_OR_NULL(t->key_detail));
	if (t->alert) {
		json_t *a = json_object();

		rdd__j_put(
		    b, a, "from",
		    json_string(t->alert_from_client ? "client" : "server"));
		rdd__j_put(b, a, "encrypted", json_boolean(t->alert_encrypted));
		rdd__j_put(b, a, "level",
		           t->alert_level >= 0 ? json_integer(t->alert_level)
		                               : json_null());
		rdd__j_put(b, a, "description",
		           t->alert_desc >= 0 ? json_integer(t->alert_desc)
		                              : json_null());
		rdd__j_put(b, a, "frame",
		           json_integer((json_int_t)t->alert_frame));
		rdd__j_put(b, a, "at_ms", rdd__j_ms_value(t->alert_ms));
		rdd__j_put(b, o, "alert", a);
	} else {
		rdd__j_put(b, o, "alert", json_null());
	}
	return o;
}

static json_t *
evidence(struct jb *b, const struct rdd_pcap_conn *c)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < c->n_evidence; i++) {
		const struct rdd_pcap_evidence *e = &c->evidence[i];
		json_t *o = json_object();

		rdd__j_put(b, o, "frame", json_integer((json_int_t)e->frame));
		rdd__j_put(b, o, "at_ms", rdd__j_ms_value(e->at_ms));
		rdd__j_put(b, o, "from",
		           json_string(e->from_client ? "client" : "server"));
		rdd__j_put(b, o, "what", json_string(e->what));
		rdd__j_push(b, arr, o);
	}
	return arr;
}

static json_t *
capture(struct jb *b, const struct rdd_pcap_conn *c)
{
	json_t *o = json_object(), *s;
	char words[64];

	rdd_pcap_status_words(words, sizeof(words), c);
	rdd__j_put(b, o, "index", json_integer(c->index));
	rdd__j_put(b, o, "transport",
	           json_string(c->kind == RDD_PCAP_KIND_UDP ? "udp" : "tcp"));
	rdd__j_put(b, o, "client", endpoint(b, &c->client));
	rdd__j_put(b, o, "server", endpoint(b, &c->server));
	rdd__j_put(b, o, "ip_version", json_integer(c->ip_version));
	rdd__j_put(b, o, "vlan",
	           c->vlan != 0 ? json_integer(c->vlan) : json_null());
	rdd__j_put(b, o, "start", json_real(c->start));
	rdd__j_put(b, o, "duration_ms",
	           rdd__j_ms_value((c->end - c->start) * 1000.0));
	rdd__j_put(b, o, "first_frame",
	           json_integer((json_int_t)c->first_frame));
	rdd__j_put(b, o, "last_frame", json_integer((json_int_t)c->last_frame));
	rdd__j_put(b, o, "midstream", json_boolean(c->midstream));
	rdd__j_put(b, o, "status",
	           json_string(rdd_pcap_status_name(c->status)));
	rdd__j_put(b, o, "status_phase",
	           c->status_phase >= 0 ? json_string(rdd_phase_name(
	                                      (enum rdd_phase)c->status_phase))
	                                : json_null());
	rdd__j_put(b, o, "status_words", json_string(words));
	rdd__j_put(b, o, "not_visible", UNTRUSTED_OR_NULL(c->not_visible));
	rdd__j_put(b, o, "ending", UNTRUSTED_OR_NULL(c->ending));
	rdd__j_put(b, o, "session_ms",
	           c->session_ms > 0 ? rdd__j_ms_value(c->session_ms)
	                             : json_null());
	rdd__j_put(b, o, "end_error_info",
	           c->has_end_error_info ? json_integer(c->end_error_info)
	                                 : json_null());
	if (c->has_end_dpum) {
		s = json_object();
		rdd__j_put(
		    b, s, "from",
		    json_string(c->end_dpum_from_client ? "client" : "server"));
		rdd__j_put(b, s, "reason",
		           c->end_dpum_reason >= 0
		               ? json_integer(c->end_dpum_reason)
		               : json_null());
		rdd__j_put(b, o, "end_disconnect", s);
	} else {
		rdd__j_put(b, o, "end_disconnect", json_null());
	}
	if (c->kind == RDD_PCAP_KIND_TCP) {
		rdd__j_put(b, o, "client_sent", side(b, &c->side[0]));
		rdd__j_put(b, o, "server_sent", side(b, &c->side[1]));
		rdd__j_put(b, o, "client_facts", client(b, &c->cli));
		rdd__j_put(b, o, "tls_stream", tls(b, &c->tls));
	}
	rdd__j_put(b, o, "evidence", evidence(b, c));
	return o;
}

void *
rdd_report_pcap_json_doc(const struct rdd_pcap_conn *c)
{
	struct jb b = {0};
	json_t *doc = rdd_report_json_doc(&c->obs, c->diag);

	if (doc == NULL)
		return NULL;
	rdd__j_put(&b, doc, "capture", capture(&b, c));
	if (b.err != 0) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

void *
rdd_report_pcap_json_summary(const struct rdd_pcap_tally *t, void *cap)
{
	static const enum rdd_pcap_status all[] = {
	    RDD_PCAP_OK,          RDD_PCAP_FAILED,
	    RDD_PCAP_NOT_VISIBLE, RDD_PCAP_CLIENT_CLOSED,
	    RDD_PCAP_INCOMPLETE,  RDD_PCAP_FELL_BACK};
	struct jb b = {0};
	json_t *o = json_object(), *by = json_object();
	char text[512];
	size_t i, n;
	int ph;

	rdd_pcap_summary_line(text, sizeof(text), t);
	rdd__j_put(&b, o, "line", json_string(text));
	rdd__j_put(&b, o, "tcp_connections", json_integer((json_int_t)t->tcp));
	rdd__j_put(&b, o, "udp_handshakes", json_integer((json_int_t)t->udp));
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		for (n = 0, ph = 0; ph <= RDD_PHASE_COUNT; ph++)
			n += t->n[all[i]][ph];
		rdd__j_put(&b, by, rdd_pcap_status_name(all[i]),
		           json_integer((json_int_t)n));
	}
	rdd__j_put(&b, o, "by_status", by);
	if (cap != NULL)
		rdd__j_put(&b, o, "capture", (json_t *)cap);
	if (b.err != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
rdd_report_pcap_json_write(FILE *out, const void *doc)
{
	char *text;
	int rc = -1;

	if (doc == NULL)
		return -1;
	/* ASCII only: every string from the network reaches a terminal
	 * escaped (\uXXXX), C1 controls included. */
	text = json_dumps((const json_t *)doc,
	                  JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                      JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15));
	if (text == NULL)
		return -1;
	if (fputs(text, out) != EOF && fputc('\n', out) != EOF && !ferror(out))
		rc = 0;
	free(text);
	return rc;
}
