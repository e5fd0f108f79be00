/*
 * tls.c - the rules of phase tls: the handshake, and with --tls-full the
 * versions and cipher suites the server accepts.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

/* RFC 8446 6 and RFC 5246 7.2 AlertDescription names. */
static const char *
alert_name(uint8_t desc)
{
	static const struct {
		uint8_t code;
		const char *name;
	} alerts[] = {
	    {0, "close_notify"},
	    {10, "unexpected_message"},
	    {20, "bad_record_mac"},
	    {21, "decryption_failed"},
	    {22, "record_overflow"},
	    {30, "decompression_failure"},
	    {40, "handshake_failure"},
	    {41, "no_certificate"},
	    {42, "bad_certificate"},
	    {43, "unsupported_certificate"},
	    {44, "certificate_revoked"},
	    {45, "certificate_expired"},
	    {46, "certificate_unknown"},
	    {47, "illegal_parameter"},
	    {48, "unknown_ca"},
	    {49, "access_denied"},
	    {50, "decode_error"},
	    {51, "decrypt_error"},
	    {60, "export_restriction"},
	    {70, "protocol_version"},
	    {71, "insufficient_security"},
	    {80, "internal_error"},
	    {86, "inappropriate_fallback"},
	    {90, "user_canceled"},
	    {100, "no_renegotiation"},
	    {109, "missing_extension"},
	    {110, "unsupported_extension"},
	    {111, "certificate_unobtainable"},
	    {112, "unrecognized_name"},
	    {113, "bad_certificate_status_response"},
	    {114, "bad_certificate_hash_value"},
	    {115, "unknown_psk_identity"},
	    {116, "certificate_required"},
	    {120, "no_application_protocol"},
	};
	size_t i;

	for (i = 0; i < NELEM(alerts); i++)
		if (alerts[i].code == desc)
			return alerts[i].name;
	return "unknown";
}

/* --- the handshake ---------------------------------------------------- */

static void
rule_tls(struct ctx *c)
{
	const struct rdd_attempt *a = c->a;
	const char *det;
	struct draft *d;

	if (a == NULL)
		return;
	det = a->tls_detail;
	switch (a->tls) {
	case RDD_TLS_RESET:
	case RDD_TLS_CLOSED:
		d = rdd__emit(
		    c, RDD_CAUSE_TLS_RESET,
		    "connection %s right after the ClientHello, no alert "
		    "(%.0f ms into the handshake)%s%s",
		    a->tls == RDD_TLS_RESET ? "reset (RST)" : "closed (FIN)",
		    a->tls_ms, det[0] ? ": " : "", det);
		rdd__set_headline(d,
		                  "the server drops the TLS handshake without "
		                  "an alert");
		break;
	case RDD_TLS_NOT_TLS:
		d = rdd__emit(
		    c, RDD_CAUSE_TLS_RESET,
		    "the server selected TLS but answered the ClientHello with "
		    "bytes that are not TLS, no alert (%.0f ms)%s%s",
		    a->tls_ms, det[0] ? ": " : "", det);
		rdd__set_headline(d, "the server breaks off the TLS handshake");
		break;
	case RDD_TLS_ALERT:
		d = rdd__emit(c, RDD_CAUSE_TLS_ALERT,
		              "%s alert %s (%u) after %.0f ms%s%s",
		              a->alert_level == 1 ? "warning" : "fatal",
		              alert_name(a->alert_desc),
		              (unsigned)a->alert_desc, a->tls_ms,
		              det[0] ? ": " : "", det);
		rdd__set_headline(
		    d,
		    "the server ends the TLS handshake with alert "
		    "%s (%u)",
		    alert_name(a->alert_desc), (unsigned)a->alert_desc);
		break;
	case RDD_TLS_ERROR:
		d = rdd__emit(
		    c, RDD_CAUSE_TLS_ALERT,
		    "the TLS handshake failed on the client side after %.0f "
		    "ms: %s",
		    a->tls_ms, det[0] ? det : "no detail");
		rdd__set_headline(d, "the TLS handshake fails");
		break;
	case RDD_TLS_TIMEOUT:
		d = rdd__emit(
		    c, RDD_CAUSE_TLS_TIMEOUT,
		    "no complete ServerHello/Certificate flight within %.0f "
		    "ms after the ClientHello%s%s",
		    a->tls_ms, det[0] ? ": " : "", det);
		rdd__set_headline(d, "the TLS handshake stalls");
		break;
	case RDD_TLS_NOT_RUN:
	case RDD_TLS_OK:
		break;
	}
}

/* --- TLS versions and cipher suites ------------------------------------ */

static bool
legacy_version(const char *v)
{
	return strcmp(v, "SSLv3") == 0 || strcmp(v, "TLSv1") == 0 ||
	       strcmp(v, "TLSv1.0") == 0 || strcmp(v, "TLSv1.1") == 0;
}

/* An anonymous suite: IANA (TLS_DH_anon_...) or OpenSSL (ADH-, AECDH-). */
static bool
anon_suite(const char *name)
{
	return rdd__contains(name, "_anon_") || rdd__starts_with(name, "ADH") ||
	       rdd__starts_with(name, "AECDH");
}

static bool
weak_suite_name(const char *name)
{
	return anon_suite(name) || rdd__contains(name, "RC4") ||
	       rdd__contains(name, "3DES") || rdd__contains(name, "DES-CBC") ||
	       rdd__contains(name, "_DES_") || rdd__contains(name, "EXPORT") ||
	       rdd__contains(name, "NULL");
}

static const char *const version_names[RDD_TLS_N_VERSIONS] = {
    "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"};

/* From the enumeration (--tls-full). */
static void
rule_tls_enum(struct ctx *c, const struct rdd_tls_enum_info *e)
{
	struct rdd_tls_compat compat[RDD_TLS_N_CLIENTS];
	char list[RDD_EVIDENCE / 2] = "", fails[RDD_EVIDENCE / 2] = "";
	size_t n, n_weak = 0, n_cbc10 = 0, n_10 = 0;
	bool win_fails = false;
	struct draft *d;
	int vi, top = -1;

	for (vi = 0; vi < RDD_TLS_N_VERSIONS; vi++) {
		if (!e->accepted[vi])
			continue;
		top = vi;
		rdd__append(list, sizeof(list), "%s%s", list[0] ? ", " : "",
		            version_names[vi]);
	}
	if (top < 0)
		return;
	if (top <= 2) {
		d = rdd__emit(
		    c, RDD_CAUSE_TLS_LEGACY_ONLY,
		    "the server accepts %s and refuses TLS 1.2 and 1.3 "
		    "(hand-built ClientHellos, one version each)",
		    list);
		rdd__set_headline(d, "the server speaks nothing newer than %s",
		                  version_names[top]);
	}
	n = rdd_tls_compat(e, compat, RDD_TLS_N_CLIENTS);
	for (size_t i = 0; i < n; i++) {
		if (compat[i].ok || !rdd__contains(compat[i].reason, "cipher"))
			continue;
		rdd__append(fails, sizeof(fails), "%s%s", fails[0] ? ", " : "",
		            compat[i].client);
		if (strcmp(compat[i].id, "win10") == 0)
			win_fails = true;
	}
	if (fails[0] != '\0') {
		d = rdd__emit(c, RDD_CAUSE_TLS_NO_COMMON_CIPHER,
		              "no cipher suite in common with: %s (from their "
		              "default suites and the %zu suites the server "
		              "accepts)",
		              fails, e->n_ciphers);
		rdd__set_headline(d,
		                  "the server's cipher suites match no default "
		                  "client");
		if (win_fails)
			rdd__raise_severity(d, RDD_SEV_CRITICAL);
	}
	list[0] = '\0';
	for (size_t i = 0; i < e->n_ciphers; i++) {
		const struct rdd_tls_cipher *s = &e->ciphers[i];

		if (s->version == 0x0301) {
			n_10++;
			n_cbc10 += rdd__contains(s->name, "_CBC_");
		}
		if (strcmp(s->strength, "insecure") != 0 &&
		    strcmp(s->strength, "weak") != 0)
			continue;
		if (n_weak++ < 4)
			rdd__append(
			    list, sizeof(list), "%s%s (%s)",
			    list[0] ? ", " : "", s->name,
			    version_names[rdd_tls_version_index(s->version)]);
	}
	if (n_weak > 0) {
		d = rdd__emit(c, RDD_CAUSE_TLS_WEAK_CIPHER,
		              "%zu weak suite%s accepted: %s%s", n_weak,
		              n_weak == 1 ? "" : "s", list,
		              n_weak > 4 ? ", ..." : "");
		rdd__set_headline(d, "the server accepts weak cipher suites");
	}
	if (top == 1 && n_10 > 0 && n_cbc10 == n_10) {
		d = rdd__emit(
		    c, RDD_CAUSE_TLS_WEAK_CIPHER,
		    "TLS 1.0 is the newest version and every suite it "
		    "accepts is CBC (BEAST, Lucky Thirteen)");
		rdd__set_headline(d, "the server accepts weak cipher suites");
	}
}

static void
rule_tls_suites(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_tls_info *t = &obs->tls;
	struct draft *d;

	if (obs->tls_enum.present) {
		rule_tls_enum(c, &obs->tls_enum);
	} else if (t->present && legacy_version(t->version)) {
		d = rdd__emit(
		    c, RDD_CAUSE_TLS_LEGACY_ONLY,
		    "offered TLS 1.0 to 1.3, the server chose %s [attempt "
		    "%s]",
		    t->version, t->attempt);
		rdd__set_headline(d, "the server speaks nothing newer than %s",
		                  t->version);
	}
	if (!t->present)
		return;
	if (!t->cert.present && anon_suite(t->cipher)) {
		/* The plain check offers anonymous suites (OpenSSL at
		 * security level 0); mstsc does not, so it gets an alert. */
		d = rdd__emit(
		    c, RDD_CAUSE_TLS_NO_COMMON_CIPHER,
		    "the handshake completed only with %s, an anonymous "
		    "suite, and no certificate [attempt %s]: a default "
		    "Windows client offers no anonymous suite and gets a "
		    "handshake_failure alert",
		    t->cipher, t->attempt);
		rdd__set_headline(d, "the server accepts only anonymous cipher "
		                     "suites, which no default client offers");
		rdd__raise_severity(d, RDD_SEV_CRITICAL);
	}
	if (!obs->tls_enum.present && weak_suite_name(t->cipher)) {
		d = rdd__emit(c, RDD_CAUSE_TLS_WEAK_CIPHER,
		              "the server chose %s [attempt %s]", t->cipher,
		              t->attempt);
		rdd__set_headline(d, "the server accepts weak cipher suites");
	}
}

void
rdd__rules_tls(struct ctx *c)
{
	rule_tls(c);
	rule_tls_suites(c);
}
