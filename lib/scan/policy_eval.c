/*
 * policy_eval.c - one rule against one check document.
 *
 * Each check kind reads the fields docs/json.md defines and says what it
 * saw in the detail. Missing data is not_verified, never pass: a field
 * that is absent or null, --tls-full not given, or an enumeration whose
 * connections went unanswered (a version or suite not seen there may
 * still be accepted).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/diag.h"
#include "scan/docfield.h"
#include "scan/policy_int.h"

static void set(struct rdd_policy_rule_result *out, enum rdd_policy_status st,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set(struct rdd_policy_rule_result *out, enum rdd_policy_status st,
    const char *fmt, ...)
{
	va_list ap;

	out->status = st;
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof(out->detail), fmt, ap);
	va_end(ap);
	/* Pieces cut to their buffers may sit inside it, not only at its
	 * end. */
	rdd_doc_utf8_clean(out->detail);
}

/* Append ", S" (or S first) to the list in BUF; when S does not fit
 * whole, ", ..." once instead, and nothing after it. */
static void
list_add(char *buf, size_t cap, const char *s)
{
	size_t len = strlen(buf), need = strlen(s) + (len > 0 ? 2 : 0);

	if (len >= 3 && strcmp(buf + len - 3, "...") == 0)
		return;
	if (len + need + 6 <= cap)
		snprintf(buf + len, cap - len, "%s%s", len > 0 ? ", " : "", s);
	else if (len + 6 <= cap)
		snprintf(buf + len, cap - len, "%s...", len > 0 ? ", " : "");
}

/* Connections of the --tls-full enumeration that got no answer (0 when
 * the document does not say). */
static long long
enum_unanswered(const json_t *doc, long long *total)
{
	json_t *f = rdd_doc_get(doc, "tls.enumeration.failed");
	json_t *c = rdd_doc_get(doc, "tls.enumeration.connections");

	*total = json_is_integer(c) ? json_integer_value(c) : 0;
	return json_is_integer(f) ? json_integer_value(f) : 0;
}

static void
nla_required(const json_t *doc, struct rdd_policy_rule_result *out)
{
	json_t *v = rdd_doc_get(doc, "negotiation.nla_required");

	if (json_is_true(v))
		set(out, RDD_POLICY_PASS, "negotiation.nla_required = true");
	else if (json_is_false(v))
		set(out, RDD_POLICY_FAIL, "negotiation.nla_required = false");
	else
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "negotiation.nla_required is null or absent: the "
		    "attempts do not show it");
}

static void
security_layer_in(const struct rdd_policy_rule *r, const json_t *doc,
                  struct rdd_policy_rule_result *out)
{
	const char *s = rdd_doc_string(doc, "negotiation.security_layer");
	int k = s != NULL ? rdd_policy_lookup(rdd_policy_layers, s) : -1;
	char allowed[64] = "";

	for (int i = 0; rdd_policy_layers[i] != NULL; i++)
		if (r->set & (1u << i))
			list_add(allowed, sizeof(allowed),
			         rdd_policy_layers[i]);
	if (k < 0)
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "negotiation.security_layer = %s",
		    s != NULL ? s : "absent");
	else if (r->set & (1u << k))
		set(out, RDD_POLICY_PASS, "negotiation.security_layer = %s", s);
	else
		set(out, RDD_POLICY_FAIL,
		    "negotiation.security_layer = %s (allowed: %s)", s,
		    allowed);
}

static void
min_tls_version(const struct rdd_policy_rule *r, const json_t *doc,
                struct rdd_policy_rule_result *out)
{
	json_t *versions = rdd_doc_get(doc, "tls.versions"), *v;
	char below[96] = "", accepted[96] = "";
	int seen = 0; /* bits: versions below the minimum that are listed */
	long long total, unanswered = enum_unanswered(doc, &total);
	size_t i;

	if (!json_is_array(versions)) {
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "tls.versions absent: the check ran without --tls-full");
		return;
	}
	json_array_foreach(versions, i, v)
	{
		const char *name =
		    json_string_value(json_object_get(v, "version"));
		int k = name != NULL
		            ? rdd_policy_lookup(rdd_policy_tls_versions, name)
		            : -1;

		if (k < 0)
			continue;
		if (k < r->number)
			seen |= 1 << k;
		if (!json_is_true(json_object_get(v, "accepted")))
			continue;
		list_add(accepted, sizeof(accepted), name);
		if (k < r->number)
			list_add(below, sizeof(below), name);
	}
	if (below[0] != '\0')
		set(out, RDD_POLICY_FAIL, "accepted %s (below %s)", below,
		    rdd_policy_tls_versions[r->number]);
	else if (seen != (1 << r->number) - 1)
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "tls.versions does not list every version below %s",
		    rdd_policy_tls_versions[r->number]);
	else if (unanswered > 0)
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "none below %s seen, but %lld of %lld enumeration "
		    "connections got no answer",
		    rdd_policy_tls_versions[r->number], unanswered, total);
	else
		set(out, RDD_POLICY_PASS, "accepted %s",
		    accepted[0] != '\0' ? accepted : "no version");
}

static int
cipher_matches(const struct rdd_policy_rule *r, const char *name,
               const char *strength)
{
	int k = strength != NULL
	            ? rdd_policy_lookup(rdd_policy_strengths, strength)
	            : -1;

	if (k >= 0 && (r->set & (1u << k)))
		return 1;
	for (size_t i = 0; name != NULL && i < r->n_names; i++)
		if (strstr(name, r->names[i]) != NULL)
			return 1;
	return 0;
}

static void
no_cipher_matching(const struct rdd_policy_rule *r, const json_t *doc,
                   struct rdd_policy_rule_result *out)
{
	json_t *ciphers = rdd_doc_get(doc, "tls.ciphers"), *c;
	char hits[RDD_POLICY_DETAIL_MAX] = "", one[128];
	long long total, unanswered = enum_unanswered(doc, &total);
	size_t i, n = 0;

	if (!json_is_array(ciphers)) {
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "tls.ciphers absent: the check ran without --tls-full");
		return;
	}
	json_array_foreach(ciphers, i, c)
	{
		const char *name =
		    json_string_value(json_object_get(c, "name"));
		const char *ver =
		    json_string_value(json_object_get(c, "version"));
		const char *st =
		    json_string_value(json_object_get(c, "strength"));

		if (!cipher_matches(r, name, st))
			continue;
		snprintf(one, sizeof(one), "%s %s", ver != NULL ? ver : "?",
		         name != NULL ? name : "?");
		list_add(hits, sizeof(hits) - 24, one);
		n++;
	}
	if (n > 0)
		set(out, RDD_POLICY_FAIL, "%zu accepted: %s", n, hits);
	else if (unanswered > 0 && json_array_size(ciphers) == 0)
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "no suite seen: %lld of %lld enumeration connections got "
		    "no answer",
		    unanswered, total);
	else if (unanswered > 0)
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "none of the %zu suites seen matches, but %lld of %lld "
		    "enumeration connections got no answer",
		    json_array_size(ciphers), unanswered, total);
	else
		set(out, RDD_POLICY_PASS,
		    "none of the %zu accepted suites matches",
		    json_array_size(ciphers));
}

/* The certificate, or NULL with OUT set: not_verified without a
 * handshake, fail when a handshake completed without one (anonymous
 * suites: nothing authenticates the server). */
static json_t *
certificate(const json_t *doc, struct rdd_policy_rule_result *out)
{
	json_t *cert = rdd_doc_get(doc, "tls.certificate");

	if (json_is_object(cert))
		return cert;
	if (rdd_doc_string(doc, "tls.version") != NULL)
		set(out, RDD_POLICY_FAIL,
		    "tls.certificate is null: the handshake (%s %s) completed "
		    "without a certificate",
		    rdd_doc_string(doc, "tls.version"),
		    rdd_doc_string(doc, "tls.cipher") != NULL
		        ? rdd_doc_string(doc, "tls.cipher")
		        : "?");
	else
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "tls.certificate is null or absent: no TLS handshake "
		    "completed");
	return NULL;
}

static void
cert_trusted(const json_t *doc, struct rdd_policy_rule_result *out)
{
	json_t *cert = certificate(doc, out), *t;
	const char *err, *issuer;

	if (cert == NULL)
		return;
	t = json_object_get(cert, "trusted");
	err = json_string_value(json_object_get(cert, "trust_error"));
	issuer = json_string_value(json_object_get(cert, "issuer"));
	if (json_is_true(t))
		set(out, RDD_POLICY_PASS,
		    "tls.certificate.trusted = true (issuer %s)",
		    issuer != NULL ? issuer : "?");
	else if (json_is_false(t))
		set(out, RDD_POLICY_FAIL,
		    "tls.certificate.trusted = false (%s)",
		    err != NULL ? err : "no reason given");
	else
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "tls.certificate.trusted is null: the chain was not "
		    "checked");
}

static void
cert_min_days_left(const struct rdd_policy_rule *r, const json_t *doc,
                   struct rdd_policy_rule_result *out)
{
	json_t *cert = certificate(doc, out), *d;
	long long days;

	if (cert == NULL)
		return;
	d = json_object_get(cert, "days_left");
	if (!json_is_integer(d)) {
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "tls.certificate.days_left is null or absent");
		return;
	}
	days = json_integer_value(d);
	if (days > r->number)
		set(out, RDD_POLICY_PASS, "tls.certificate.days_left = %lld",
		    days);
	else
		set(out, RDD_POLICY_FAIL,
		    "tls.certificate.days_left = %lld (%s; more than %ld "
		    "needed)",
		    days, days < 0 ? "expired" : "too few", r->number);
}

static void
credssp_min_version(const struct rdd_policy_rule *r, const json_t *doc,
                    struct rdd_policy_rule_result *out)
{
	json_t *cs = rdd_doc_get(doc, "credssp");
	json_t *v = json_object_get(cs, "server_version");

	if (!json_is_object(cs))
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "credssp is null or absent: CredSSP did not run");
	else if (!json_is_integer(v))
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "credssp.server_version is null: no TSRequest answer");
	else if (json_integer_value(v) >= r->number)
		set(out, RDD_POLICY_PASS, "credssp.server_version = %lld",
		    (long long)json_integer_value(v));
	else
		set(out, RDD_POLICY_FAIL,
		    "credssp.server_version = %lld (%ld or later needed)",
		    (long long)json_integer_value(v), r->number);
}

/*
 * Standard RDP security from the attempts: FAIL (offered) when a server
 * selected it (selected 0) or answered without negotiation data (a
 * pre-Vista server: it has nothing else); PASS (refused) when an attempt
 * that asked for it alone got something else; else NOT_VERIFIED.
 */
static enum rdd_policy_status
rdp_security(const json_t *doc, char *why, size_t cap)
{
	json_t *attempts = rdd_doc_get(doc, "negotiation.attempts"), *a;
	enum rdd_policy_status st = RDD_POLICY_NOT_VERIFIED;
	size_t i;

	snprintf(why, cap,
	         "no attempt that asked for standard RDP security "
	         "alone got an answer");
	json_array_foreach(attempts, i, a)
	{
		const char *label =
		    json_string_value(json_object_get(a, "label"));
		const char *x224 =
		    json_string_value(json_object_get(a, "x224"));
		json_t *req = json_object_get(a, "requested");
		json_t *sel = json_object_get(a, "selected");
		const char *fail =
		    json_string_value(json_object_get(a, "failure_name"));

		label = label != NULL ? label : "?";
		if (x224 == NULL)
			continue;
		if ((strcmp(x224, "response") == 0 && json_is_integer(sel) &&
		     json_integer_value(sel) == 0) ||
		    strcmp(x224, "no_negotiation_data") == 0) {
			snprintf(why, cap, "attempt %s: %s", label,
			         x224[0] == 'n'
			             ? "no negotiation data "
			               "(standard RDP security only)"
			             : "selected standard RDP security");
			return RDD_POLICY_FAIL;
		}
		if (!json_is_integer(req) || json_integer_value(req) != 0 ||
		    st == RDD_POLICY_PASS)
			continue;
		if (strcmp(x224, "failure") == 0 ||
		    strcmp(x224, "response") == 0) {
			snprintf(why, cap, "attempt %s asked for it alone: %s",
			         label,
			         fail != NULL ? fail
			                      : "the server chose another");
			st = RDD_POLICY_PASS;
		}
	}
	return st;
}

static void
rdp_security_not_offered(const json_t *doc, struct rdd_policy_rule_result *out)
{
	char why[160];
	enum rdd_policy_status st = rdp_security(doc, why, sizeof(why));

	set(out, st, "%s%s", st == RDD_POLICY_PASS ? "refused: " : "", why);
}

/* The level applies to standard RDP security only (the Group Policy
 * text): refused, nothing can connect at a lower level. */
static void
min_encryption_level(const struct rdd_policy_rule *r, const json_t *doc,
                     struct rdd_policy_rule_result *out)
{
	json_t *mcs = rdd_doc_get(doc, "mcs");
	json_t *proto = json_object_get(mcs, "server_selected_protocol");
	json_t *result = json_object_get(mcs, "result");
	json_t *level = json_object_get(mcs, "encryption_level");
	char why[160];
	long long lv;

	if (rdp_security(doc, why, sizeof(why)) == RDD_POLICY_PASS) {
		set(out, RDD_POLICY_PASS,
		    "standard RDP security refused (%s): the level applies "
		    "to it only",
		    why);
		return;
	}
	if (!json_is_integer(proto) || json_integer_value(proto) != 0 ||
	    !json_is_integer(result) || json_integer_value(result) != 0 ||
	    !json_is_integer(level)) {
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "no rt-successful Connect-Response under standard RDP "
		    "security in mcs");
		return;
	}
	lv = json_integer_value(level);
	if (lv >= r->number && lv <= 4)
		set(out, RDD_POLICY_PASS, "mcs.encryption_level = %lld (%s)",
		    lv, rdd_policy_levels[lv]);
	else
		set(out, RDD_POLICY_FAIL,
		    "mcs.encryption_level = %lld (%s; %s or higher needed)", lv,
		    lv >= 1 && lv <= 4 ? rdd_policy_levels[lv]
		                       : (lv == 0 ? "none" : "unknown"),
		    rdd_policy_levels[r->number]);
}

static void
no_finding_of_severity(const struct rdd_policy_rule *r, const json_t *doc,
                       struct rdd_policy_rule_result *out)
{
	json_t *findings = rdd_doc_get(doc, "findings"), *f;
	char hits[RDD_POLICY_DETAIL_MAX] = "", one[96];
	size_t i, n = 0;

	if (!json_is_array(findings)) {
		set(out, RDD_POLICY_NOT_VERIFIED, "findings absent");
		return;
	}
	json_array_foreach(findings, i, f)
	{
		const char *id = json_string_value(json_object_get(f, "id"));
		const char *sev =
		    json_string_value(json_object_get(f, "severity"));
		int k = -1;

		for (int s = RDD_SEV_INFO; s <= RDD_SEV_CRITICAL; s++)
			if (sev != NULL &&
			    strcmp(sev, rdd_severity_name(
			                    (enum rdd_severity)s)) == 0)
				k = s;
		if (k < r->number)
			continue;
		snprintf(one, sizeof(one), "%s (%s)", id != NULL ? id : "?",
		         sev);
		list_add(hits, sizeof(hits) - 24, one);
		n++;
	}
	if (n > 0)
		set(out, RDD_POLICY_FAIL, "%zu found: %s", n, hits);
	else
		set(out, RDD_POLICY_PASS,
		    "none of severity %s or higher among %zu findings",
		    rdd_severity_name((enum rdd_severity)r->number),
		    json_array_size(findings));
}

static void
finding_absent(const struct rdd_policy_rule *r, const json_t *doc,
               struct rdd_policy_rule_result *out)
{
	json_t *findings = rdd_doc_get(doc, "findings"), *f, *phase;
	const struct rdd_cause_info *ci =
	    rdd_cause_info((enum rdd_cause)rdd_cause_from_id(r->names[0]));
	const char *pname, *st;
	size_t i;

	if (!json_is_array(findings) || ci == NULL) {
		set(out, RDD_POLICY_NOT_VERIFIED, "findings absent");
		return;
	}
	json_array_foreach(findings, i, f)
	{
		const char *id = json_string_value(json_object_get(f, "id"));
		const char *ev =
		    json_string_value(json_object_get(f, "evidence"));

		if (id != NULL && strcmp(id, r->names[0]) == 0) {
			set(out, RDD_POLICY_FAIL, "%s: %s", id,
			    ev != NULL ? ev : "");
			return;
		}
	}
	pname = rdd_phase_name(ci->phase);
	phase = rdd_doc_phase(doc, pname != NULL ? pname : "");
	st = json_string_value(json_object_get(phase, "status"));
	if (st == NULL)
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "%s absent, but phase %s is not in the check", r->names[0],
		    pname != NULL ? pname : "?");
	else if (strcmp(st, "ok") != 0)
		set(out, RDD_POLICY_NOT_VERIFIED,
		    "%s absent, but phase %s was not ok (%s)", r->names[0],
		    pname, st);
	else
		set(out, RDD_POLICY_PASS, "%s absent; phase %s: ok",
		    r->names[0], pname);
}

void
rdd_policy_eval_rule(const struct rdd_policy_rule *r, const json_t *doc,
                     struct rdd_policy_rule_result *out)
{
	out->id = r->id;
	out->title = r->title;
	switch (r->check) {
	case RDD_CHECK_NLA_REQUIRED:
		nla_required(doc, out);
		break;
	case RDD_CHECK_SECURITY_LAYER_IN:
		security_layer_in(r, doc, out);
		break;
	case RDD_CHECK_MIN_TLS_VERSION:
		min_tls_version(r, doc, out);
		break;
	case RDD_CHECK_NO_CIPHER_MATCHING:
		no_cipher_matching(r, doc, out);
		break;
	case RDD_CHECK_CERT_TRUSTED:
		cert_trusted(doc, out);
		break;
	case RDD_CHECK_CERT_MIN_DAYS_LEFT:
		cert_min_days_left(r, doc, out);
		break;
	case RDD_CHECK_CREDSSP_MIN_VERSION:
		credssp_min_version(r, doc, out);
		break;
	case RDD_CHECK_RDP_SECURITY_NOT_OFFERED:
		rdp_security_not_offered(doc, out);
		break;
	case RDD_CHECK_MIN_ENCRYPTION_LEVEL:
		min_encryption_level(r, doc, out);
		break;
	case RDD_CHECK_NO_FINDING_OF_SEVERITY:
		no_finding_of_severity(r, doc, out);
		break;
	case RDD_CHECK_FINDING_ABSENT:
		finding_absent(r, doc, out);
		break;
	default:
		set(out, RDD_POLICY_NOT_VERIFIED, "unknown check");
		break;
	}
}
