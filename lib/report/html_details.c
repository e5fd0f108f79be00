/*
 * html_details.c - the facts of a check document below its findings
 * (html_int.h): the certificate and TLS, the connections, CredSSP and the
 * server's NTLM identity, the logon, the RDP version and encryption, the
 * session walk, the TLS enumeration, the path; then the whole document
 * as nested tables (collapsed) for anything not shown above. The names
 * and their meaning are those of docs/json.md.
 */
#include <string.h>

#include "report/html_int.h"

#define TREE_DEPTH 12

static void
heading(struct hw *w, const char *prefix, const char *id, const char *title)
{
	rdd__h_raw(w, "<h2 id=\"");
	rdd__h_anchor(w, prefix, id);
	rdd__h_raw(w, "\">");
	rdd__h_text(w, title);
	rdd__h_raw(w, "</h2>\n");
}

/* A row with a duration in milliseconds at KEY; none when absent. */
static void
kv_ms(struct hw *w, const char *label, const json_t *o, const char *key)
{
	double ms;

	if (rdd__h_get(o, key) == NULL)
		return;
	rdd__h_kv_row_begin(w, label);
	if (rdd__h_num_at(o, key, &ms))
		rdd__h_ms(w, ms);
	else
		rdd__h_value(w, rdd__h_get(o, key));
	rdd__h_kv_row_end(w);
}

/* A row with an integer as 0xHEX (and the name at NAME_KEY, if any). */
static void
kv_hex(struct hw *w, const char *label, const json_t *o, const char *key,
       const char *name_key)
{
	long long v;
	const char *name = name_key ? rdd__h_str(o, name_key) : NULL;

	if (rdd__h_get(o, key) == NULL)
		return;
	rdd__h_kv_row_begin(w, label);
	if (rdd__h_int_at(o, key, &v))
		rdd__h_printf(w, "<code>0x%llX</code>", v);
	else
		rdd__h_value(w, rdd__h_get(o, key));
	if (name != NULL) {
		rdd__h_raw(w, " <code>");
		rdd__h_text(w, name);
		rdd__h_raw(w, "</code>");
	}
	rdd__h_kv_row_end(w);
}

/* A yes/no row in colour: GOOD is the answer that is not a problem. */
static void
kv_flag(struct hw *w, const char *label, const json_t *o, const char *key,
        bool good)
{
	int b = rdd__h_bool(o, key);

	if (rdd__h_get(o, key) == NULL)
		return;
	rdd__h_kv_row_begin(w, label);
	if (b < 0)
		rdd__h_raw(w, "<span class=\"muted\">not checked</span>");
	else
		rdd__h_printf(w, "<span class=\"%s\">%s</span>",
		              (b == 1) == good ? "ok" : "critical",
		              b ? "yes" : "no");
	rdd__h_kv_row_end(w);
}

static void
certificate(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *tls = rdd__h_obj(doc, "tls");
	json_t *cert = rdd__h_obj(tls, "certificate"), *eku;
	long long days;

	if (tls == NULL)
		return;
	heading(w, prefix, "certificate", "TLS and certificate");
	rdd__h_kv_begin(w);
	rdd__h_kv_val(w, "TLS version", tls, "version");
	rdd__h_kv_val(w, "cipher suite", tls, "cipher");
	rdd__h_kv_val(w, "from connection", tls, "from_attempt");
	if (cert == NULL) {
		rdd__h_kv_row_begin(w, "certificate");
		rdd__h_raw(w, "none received");
		rdd__h_kv_row_end(w);
		rdd__h_kv_end(w);
		return;
	}
	rdd__h_kv_str(w, "subject", cert, "subject");
	rdd__h_kv_str(w, "issuer", cert, "issuer");
	rdd__h_kv_val(w, "common name", cert, "common_name");
	rdd__h_kv_val(w, "subject alternative names", cert, "san");
	rdd__h_kv_val(w, "valid from", cert, "not_before");
	rdd__h_kv_row_begin(w, "valid until");
	rdd__h_value(w, rdd__h_get(cert, "not_after"));
	if (rdd__h_int_at(cert, "days_left", &days)) {
		if (days < 0)
			rdd__h_printf(w,
			              " <span class=\"critical\">(expired %lld "
			              "day%s ago)</span>",
			              -days, days == -1 ? "" : "s");
		else
			rdd__h_printf(w,
			              " <span class=\"%s\">(%lld day%s "
			              "left)</span>",
			              days < 30 ? "warning" : "muted", days,
			              days == 1 ? "" : "s");
	}
	rdd__h_kv_row_end(w);
	rdd__h_kv_val(w, "key type", cert, "key_type");
	rdd__h_kv_val(w, "key bits", cert, "key_bits");
	rdd__h_kv_val(w, "signature", cert, "signature");
	rdd__h_kv_row_begin(w, "SHA-256");
	rdd__h_raw(w, "<code>");
	rdd__h_text(w, rdd__h_str(cert, "sha256"));
	rdd__h_raw(w, "</code>");
	rdd__h_kv_row_end(w);
	kv_flag(w, "self-signed", cert, "self_signed", false);
	rdd__h_kv_val(w, "name checked", cert, "name_checked");
	kv_flag(w, "name matches", cert, "name_match", true);
	if ((eku = rdd__h_obj(cert, "eku")) != NULL) {
		kv_flag(w, "EKU server authentication", eku, "server_auth",
		        true);
		kv_flag(w, "EKU Remote Desktop Authentication", eku,
		        "remote_desktop_auth", true);
	}
	kv_flag(w, "chains to a trusted root", cert, "trusted", true);
	rdd__h_kv_val(w, "trust error", cert, "trust_error");
	rdd__h_kv_end(w);
}

static void
attempts(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *neg = rdd__h_obj(doc, "negotiation");
	json_t *arr = rdd__h_arr(neg, "attempts"), *a;
	size_t i;

	if (neg == NULL)
		return;
	heading(w, prefix, "negotiation", "Negotiation");
	rdd__h_kv_begin(w);
	rdd__h_kv_val(w, "security layer", neg, "security_layer");
	kv_flag(w, "NLA required", neg, "nla_required", true);
	rdd__h_kv_end(w);
	if (json_array_size(arr) == 0)
		return;
	rdd__h_raw(w, "<table class=\"attempts\">\n<tr><th>connection</th>"
	              "<th>requested</th><th>address</th><th>TCP</th>"
	              "<th>X.224</th><th>TLS</th><th>MCS</th>"
	              "<th>what it showed</th></tr>\n");
	json_array_foreach(arr, i, a)
	{
		const char *sel = rdd__h_str(a, "selected_name");
		const char *fail = rdd__h_str(a, "failure_name");
		const char *x224 = rdd__h_str(a, "x224");
		const char *tls_detail = rdd__h_str(a, "tls_detail");
		const char *mcs_detail = rdd__h_str(a, "mcs_detail");
		double ms;

		rdd__h_raw(w, "<tr><td><b>");
		rdd__h_text(w, rdd__h_str(a, "label"));
		rdd__h_raw(w, "</b></td><td class=\"mono\">");
		rdd__h_text(w, rdd__h_str(a, "requested_names"));
		rdd__h_raw(w, "</td><td class=\"mono nw\">");
		rdd__h_value(w, rdd__h_get(a, "address"));
		rdd__h_raw(w, "</td><td>");
		rdd__h_text(w, rdd__h_str(a, "tcp"));
		if (rdd__h_num_at(a, "tcp_ms", &ms)) {
			rdd__h_raw(w, " ");
			rdd__h_ms(w, ms);
		}
		rdd__h_raw(w, "</td><td>");
		if (sel != NULL) {
			rdd__h_raw(w, "selected ");
			rdd__h_text(w, sel);
		} else if (fail != NULL) {
			rdd__h_text(w, fail);
		} else {
			rdd__h_text(w, x224);
		}
		if (rdd__h_num_at(a, "ms", &ms)) {
			rdd__h_raw(w, " ");
			rdd__h_ms(w, ms);
		}
		rdd__h_raw(w, "</td><td>");
		rdd__h_text(w, rdd__h_str(a, "tls"));
		if (rdd__h_num_at(a, "tls_ms", &ms)) {
			rdd__h_raw(w, " ");
			rdd__h_ms(w, ms);
		}
		rdd__h_raw(w, "</td><td>");
		rdd__h_text(w, rdd__h_str(a, "mcs"));
		if (rdd__h_num_at(a, "mcs_ms", &ms)) {
			rdd__h_raw(w, " ");
			rdd__h_ms(w, ms);
		}
		rdd__h_raw(w, "</td><td>");
		rdd__h_text(w, rdd__h_str(a, "detail"));
		if (tls_detail != NULL && tls_detail[0] != '\0') {
			rdd__h_raw(w, "<br>TLS: ");
			rdd__h_text(w, tls_detail);
		}
		if (mcs_detail != NULL && mcs_detail[0] != '\0') {
			rdd__h_raw(w, "<br>MCS: ");
			rdd__h_text(w, mcs_detail);
		}
		rdd__h_raw(w, "</td></tr>\n");
	}
	rdd__h_raw(w, "</table>\n");
}

static void
credssp(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *cs = rdd__h_obj(doc, "credssp"), *ntlm, *other;
	json_t *logon = rdd__h_obj(doc, "logon");

	if (cs != NULL) {
		heading(w, prefix, "credssp", "CredSSP (NLA) and NTLM");
		rdd__h_kv_begin(w);
		rdd__h_kv_val(w, "outcome", cs, "outcome");
		rdd__h_kv_val(w, "from connection", cs, "from_attempt");
		rdd__h_kv_val(w, "token sent", cs, "token");
		kv_ms(w, "time", cs, "ms");
		rdd__h_kv_str(w, "what it showed", cs, "detail");
		rdd__h_kv_val(w, "server's CredSSP version", cs,
		              "server_version");
		rdd__h_kv_val(w, "patch status", cs, "patch_status");
		kv_hex(w, "errorCode", cs, "error_code", "error_name");
		if ((ntlm = rdd__h_obj(cs, "ntlm")) != NULL) {
			rdd__h_kv_str(w, "NTLM target name", ntlm,
			              "target_name");
			rdd__h_kv_str(w, "NetBIOS computer", ntlm,
			              "netbios_computer");
			rdd__h_kv_str(w, "NetBIOS domain", ntlm,
			              "netbios_domain");
			rdd__h_kv_str(w, "DNS computer", ntlm, "dns_computer");
			rdd__h_kv_str(w, "DNS domain", ntlm, "dns_domain");
			rdd__h_kv_str(w, "DNS tree", ntlm, "dns_tree");
			rdd__h_kv_val(w, "OS version", ntlm, "os_version");
			rdd__h_kv_val(w, "OS", ntlm, "os_name");
			rdd__h_kv_val(w, "server time", ntlm, "server_time");
			rdd__h_kv_val(w, "clock skew (s)", ntlm,
			              "clock_skew_s");
		}
		if ((other = rdd__h_obj(cs, "other_request")) != NULL) {
			rdd__h_kv_row_begin(w, "the other request");
			rdd__h_text(w, rdd__h_str(other, "from_attempt"));
			rdd__h_raw(w, " ");
			rdd__h_text(w, rdd__h_str(other, "token"));
			rdd__h_raw(w, ": ");
			rdd__h_text(w, rdd__h_str(other, "outcome"));
			rdd__h_raw(w, " - ");
			rdd__h_text(w, rdd__h_str(other, "detail"));
			rdd__h_kv_row_end(w);
		}
		rdd__h_kv_end(w);
	}
	if (logon == NULL)
		return;
	heading(w, prefix, "logon", "Logon (--user)");
	rdd__h_kv_begin(w);
	rdd__h_kv_str(w, "user", logon, "user");
	rdd__h_kv_str(w, "domain", logon, "domain");
	rdd__h_kv_val(w, "full logon (--logon)", logon, "full_logon");
	rdd__h_kv_val(w, "outcome", logon, "outcome");
	rdd__h_kv_str(w, "what happened", logon, "detail");
	rdd__h_kv_val(w, "not sent because", logon, "not_sent_reason");
	rdd__h_kv_val(w, "CredSSP version", logon, "credssp_version");
	kv_hex(w, "NTLM flags", logon, "ntlm_flags", NULL);
	kv_hex(w, "errorCode", logon, "error_code", "error_name");
	rdd__h_kv_val(w, "server key verified", logon, "server_key_verified");
	rdd__h_kv_val(w, "Early User Authorization", logon,
	              "early_user_authorization");
	rdd__h_kv_val(w, "password delegated", logon, "password_delegated");
	kv_ms(w, "answer after", logon, "answer_ms");
	kv_ms(w, "time", logon, "ms");
	rdd__h_kv_end(w);
}

static void
mcs(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *m = rdd__h_obj(doc, "mcs"), *sc;

	if (m == NULL)
		return;
	heading(w, prefix, "mcs", "RDP version and encryption (MCS)");
	rdd__h_kv_begin(w);
	rdd__h_kv_val(w, "outcome", m, "outcome");
	rdd__h_kv_val(w, "from connection", m, "from_attempt");
	kv_ms(w, "time", m, "ms");
	rdd__h_kv_str(w, "what it showed", m, "detail");
	rdd__h_kv_val(w, "result", m, "result_name");
	rdd__h_kv_val(w, "disconnect reason", m, "disconnect_reason_name");
	rdd__h_kv_val(w, "RDP version", m, "rdp_version");
	kv_hex(w, "version as sent", m, "server_version_raw", NULL);
	rdd__h_kv_val(w, "encryption method", m, "encryption_method_name");
	rdd__h_kv_val(w, "encryption level", m, "encryption_level_name");
	rdd__h_kv_val(w, "methods accepted", m,
	              "accepted_encryption_method_names");
	rdd__h_kv_val(w, "multitransport", m, "multitransport_names");
	rdd__h_kv_val(w, "I/O channel", m, "io_channel");
	if ((sc = rdd__h_obj(m, "server_certificate")) != NULL) {
		rdd__h_kv_val(w, "server certificate", sc, "type");
		rdd__h_kv_val(w, "RSA bits", sc, "rsa_bits");
		rdd__h_kv_str(w, "X.509 subject", sc, "leaf_subject");
		rdd__h_kv_str(w, "X.509 issuer", sc, "leaf_issuer");
	}
	rdd__h_kv_end(w);
}

static void
session(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *s = rdd__h_obj(doc, "session"), *lic, *act, *e, *o;
	size_t i;

	if (s == NULL)
		return;
	heading(w, prefix, "session", "Session: licensing and activation");
	rdd__h_kv_begin(w);
	rdd__h_kv_val(w, "outcome", s, "outcome");
	rdd__h_kv_val(w, "ended in phase", s, "phase");
	rdd__h_kv_str(w, "what ended it", s, "detail");
	rdd__h_kv_val(w, "from connection", s, "from_attempt");
	rdd__h_kv_val(w, "stop after", s, "stop_after");
	if ((lic = rdd__h_obj(s, "licensing")) != NULL) {
		rdd__h_kv_val(w, "licensing", lic, "path");
		if ((o = rdd__h_obj(lic, "error")) != NULL) {
			rdd__h_kv_val(w, "licensing error", o, "name");
			rdd__h_kv_val(w, "licensing transition", o,
			              "transition_name");
		}
		if ((o = rdd__h_obj(lic, "request")) != NULL) {
			rdd__h_kv_str(w, "licence issuer", o, "company");
			rdd__h_kv_str(w, "licence scope", o, "scope");
		}
	}
	if ((o = rdd__h_obj(s, "error_info")) != NULL) {
		kv_hex(w, "Set Error Info", o, "code", "name");
		rdd__h_kv_val(w, "its meaning", o, "message");
	}
	if ((o = rdd__h_obj(s, "disconnect")) != NULL)
		rdd__h_kv_val(w, "disconnected by the server", o,
		              "reason_name");
	if ((o = rdd__h_obj(s, "redirect")) != NULL)
		rdd__h_kv_str(w, "redirected to", o, "target");
	if ((act = rdd__h_obj(s, "activation")) != NULL) {
		json_t *d = rdd__h_obj(act, "desktop");
		long long wd, ht, bpp;

		if (rdd__h_int_at(d, "width", &wd) &&
		    rdd__h_int_at(d, "height", &ht) &&
		    rdd__h_int_at(d, "bpp", &bpp)) {
			rdd__h_kv_row_begin(w, "desktop");
			rdd__h_printf(w, "%lld &times; %lld, %lld bits", wd, ht,
			              bpp);
			rdd__h_kv_row_end(w);
		}
		rdd__h_kv_val(w, "server session id", act, "server_session_id");
		rdd__h_kv_val(w, "Font Map received", act, "font_map");
	}
	if ((o = rdd__h_obj(s, "logon")) != NULL) {
		rdd__h_kv_val(w, "logon notification", o, "outcome");
		rdd__h_kv_val(w, "session id", o, "session_id");
	}
	rdd__h_kv_val(w, "left with a disconnect", s, "left_with_disconnect");
	rdd__h_kv_end(w);
	if (json_array_size(rdd__h_arr(s, "steps")) == 0)
		return;
	rdd__h_raw(w, "<table class=\"steps\">\n<tr><th>step</th><th>phase</th>"
	              "<th class=\"n\">at</th><th class=\"n\">waited</th>"
	              "<th>detail</th></tr>\n");
	json_array_foreach(rdd__h_arr(s, "steps"), i, e)
	{
		double ms;

		rdd__h_raw(w, "<tr><td class=\"mono\">");
		rdd__h_text(w, rdd__h_str(e, "step"));
		rdd__h_raw(w, "</td><td>");
		rdd__h_text(w, rdd__h_str(e, "phase"));
		rdd__h_raw(w, "</td><td class=\"n\">");
		rdd__h_ms(w, rdd__h_num_at(e, "at_ms", &ms) ? ms : -1);
		rdd__h_raw(w, "</td><td class=\"n\">");
		rdd__h_ms(w, rdd__h_num_at(e, "wait_ms", &ms) ? ms : -1);
		rdd__h_raw(w, "</td><td>");
		rdd__h_text(w, rdd__h_str(e, "detail"));
		rdd__h_raw(w, "</td></tr>\n");
	}
	rdd__h_raw(w, "</table>\n");
}

static void
tls_enum(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *tls = rdd__h_obj(doc, "tls"), *e;
	json_t *versions = rdd__h_arr(tls, "versions");
	size_t i;

	if (versions == NULL)
		return;
	heading(w, prefix, "tls-full", "TLS versions and cipher suites");
	rdd__h_raw(w, "<table>\n<tr><th>version</th><th>accepted</th>"
	              "<th>order</th></tr>\n");
	json_array_foreach(versions, i, e)
	{
		int acc = rdd__h_bool(e, "accepted");

		rdd__h_raw(w, "<tr><td>");
		rdd__h_text(w, rdd__h_str(e, "version"));
		rdd__h_printf(w, "</td><td class=\"%s\">%s",
		              acc == 1 ? "ok" : "muted",
		              acc == 1 ? "accepted" : "refused");
		if (rdd__h_bool(e, "implied") == 1) {
			rdd__h_raw(w, " (implied by ");
			rdd__h_text(w, rdd__h_str(e, "implied_by"));
			rdd__h_raw(w, ")");
		}
		rdd__h_raw(w, "</td><td>");
		rdd__h_value(w, rdd__h_get(e, "order"));
		rdd__h_raw(w, "</td></tr>\n");
	}
	rdd__h_raw(w, "</table>\n<table>\n<tr><th>version</th><th>id</th>"
	              "<th>suite</th><th>strength</th><th class=\"n\">"
	              "rank</th></tr>\n");
	json_array_foreach(rdd__h_arr(tls, "ciphers"), i, e)
	{
		const char *st = rdd__h_str(e, "strength");
		bool bad = st != NULL && (strcmp(st, "insecure") == 0 ||
		                          strcmp(st, "weak") == 0);

		rdd__h_raw(w, "<tr><td>");
		rdd__h_text(w, rdd__h_str(e, "version"));
		rdd__h_raw(w, "</td><td class=\"mono\">");
		rdd__h_text(w, rdd__h_str(e, "id"));
		rdd__h_raw(w, "</td><td class=\"mono\">");
		rdd__h_text(w, rdd__h_str(e, "name"));
		rdd__h_printf(w, "</td><td class=\"%s\">",
		              bad ? "critical" : "muted");
		rdd__h_text(w, st);
		rdd__h_raw(w, "</td><td class=\"n\">");
		rdd__h_value(w, rdd__h_get(e, "rank"));
		rdd__h_raw(w, "</td></tr>\n");
	}
	rdd__h_raw(w, "</table>\n");
	rdd__h_kv_begin(w);
	rdd__h_kv_val(w, "groups", tls, "groups");
	json_array_foreach(rdd__h_arr(tls, "compat"), i, e)
	{
		int ok = rdd__h_bool(e, "ok");

		rdd__h_kv_row_begin(w, rdd__h_str(e, "client"));
		rdd__h_printf(w, "<span class=\"%s\">%s</span> ",
		              ok == 1 ? "ok" : "critical",
		              ok == 1 ? "connects" : "cannot connect");
		rdd__h_text(w, rdd__h_str(e, "reason"));
		rdd__h_kv_row_end(w);
	}
	rdd__h_kv_end(w);
}

static void
path(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *net = rdd__h_obj(doc, "network"), *udp = rdd__h_obj(doc, "udp");
	json_t *alt = rdd__h_arr(doc, "alternate_addresses"), *e, *mtu;
	size_t i;

	if (net == NULL && udp == NULL && json_array_size(alt) == 0)
		return;
	heading(w, prefix, "path", "The path");
	if (net != NULL) {
		rdd__h_rtt_chart(w, net);
		rdd__h_kv_begin(w);
		rdd__h_kv_row_begin(w, "handshakes answered");
		rdd__h_value(w, rdd__h_get(net, "samples_answered"));
		rdd__h_raw(w, " of ");
		rdd__h_value(w, rdd__h_get(net, "samples_requested"));
		rdd__h_kv_row_end(w);
		kv_ms(w, "RTT min", net, "rtt_min_ms");
		kv_ms(w, "RTT median", net, "rtt_median_ms");
		kv_ms(w, "RTT p95", net, "rtt_p95_ms");
		kv_ms(w, "RTT max", net, "rtt_max_ms");
		kv_ms(w, "jitter", net, "jitter_ms");
		rdd__h_kv_row_begin(w, "SYNs lost");
		rdd__h_value(w, rdd__h_get(net, "syns_lost"));
		rdd__h_raw(w, " of ");
		rdd__h_value(w, rdd__h_get(net, "syns_sent"));
		rdd__h_kv_row_end(w);
		rdd__h_kv_val(w, "loss (%)", net, "loss_pct");
		if ((mtu = rdd__h_obj(net, "mtu_retry")) != NULL) {
			rdd__h_kv_val(w, "MTU retry", mtu, "outcome");
			rdd__h_kv_val(w, "MTU retry MSS", mtu, "mss");
		}
		rdd__h_kv_end(w);
	}
	if (udp != NULL) {
		rdd__h_raw(w, "<h3>RDP-UDP</h3>\n");
		rdd__h_kv_begin(w);
		rdd__h_kv_val(w, "outcome", udp, "outcome");
		rdd__h_kv_val(w, "port", udp, "port");
		rdd__h_kv_val(w, "SYNs sent", udp, "syns_sent");
		kv_ms(w, "RTT", udp, "rtt_ms");
		rdd__h_kv_val(w, "version chosen", udp, "version");
		rdd__h_kv_val(w, "MTU", udp, "mtu");
		rdd__h_kv_str(w, "detail", udp, "detail");
		rdd__h_kv_end(w);
	}
	if (json_array_size(alt) > 0) {
		rdd__h_raw(w, "<h3>Other addresses</h3>\n");
		rdd__h_kv_begin(w);
		json_array_foreach(alt, i, e)
		{
			double ms;

			rdd__h_kv_row_begin(w, rdd__h_str(e, "address"));
			rdd__h_text(w, rdd__h_str(e, "tcp"));
			if (rdd__h_num_at(e, "ms", &ms)) {
				rdd__h_raw(w, " ");
				rdd__h_ms(w, ms);
			}
			rdd__h_kv_row_end(w);
		}
		rdd__h_kv_end(w);
	}
}

void
rdd__h_details(struct hw *w, const json_t *doc, const char *prefix)
{
	certificate(w, doc, prefix);
	attempts(w, doc, prefix);
	credssp(w, doc, prefix);
	mcs(w, doc, prefix);
	session(w, doc, prefix);
	tls_enum(w, doc, prefix);
	path(w, doc, prefix);
}

/* ---- the whole document ------------------------------------------------ */

static void
tree(struct hw *w, const json_t *v, int depth)
{
	const char *key;
	json_t *e;
	size_t i;

	if (depth >= TREE_DEPTH) {
		rdd__h_raw(w, "&hellip;");
		return;
	}
	if (json_is_object(v) && json_object_size(v) > 0) {
		rdd__h_raw(w, "<dl class=\"tree\">");
		json_object_foreach((json_t *)v, key, e)
		{
			rdd__h_raw(w, "<dt>");
			rdd__h_text(w, key);
			rdd__h_raw(w, "</dt><dd>");
			tree(w, e, depth + 1);
			rdd__h_raw(w, "</dd>");
		}
		rdd__h_raw(w, "</dl>\n");
	} else if (json_is_array(v) && json_array_size(v) > 0) {
		bool nested = false;

		json_array_foreach(v, i, e) nested |=
		    json_is_object(e) || json_is_array(e);
		if (!nested) {
			rdd__h_value(w, v);
			return;
		}
		rdd__h_raw(w, "<dl class=\"tree\">");
		json_array_foreach(v, i, e)
		{
			rdd__h_printf(w, "<dt>[%zu]</dt><dd>", i);
			tree(w, e, depth + 1);
			rdd__h_raw(w, "</dd>");
		}
		rdd__h_raw(w, "</dl>\n");
	} else {
		rdd__h_value(w, v);
	}
}

void
rdd__h_raw_tree(struct hw *w, const json_t *doc)
{
	rdd__h_raw(w, "<details class=\"raw\"><summary>Every field of the "
	              "check's JSON document (docs/json.md)</summary>\n");
	tree(w, doc, 0);
	rdd__h_raw(w, "</details>\n");
}
