/*
 * json.c - the observation and its diagnosis as one JSON document
 * (report.h). docs/json.md is the contract: field names, types, null rules
 * and key order. Add fields, never rename or retype one.
 *
 * The whole tree is built first (jansson) and written only when every
 * value was made, so a failure writes nothing. Every string that came from
 * the observation or the diagnosis goes through rdd_sanitize_utf8 first:
 * jansson refuses invalid UTF-8 (json_string returns NULL) and escapes
 * control characters itself. Names of enumerations come from the name
 * tables (lib/probe/names.c, lib/diag/causes.c).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "rdpdoctor/codes.h"
#include "rdpdoctor/report.h"
#include "report/json_int.h"
#include "wire/tsgu.h"
#include "rdpdoctor/krbphase.h"
#include "rdpdoctor/tlscompat.h"
#include "wire/krb.h"
#include "wire/tlshello.h"
#include "wire/ntlm.h"
#include "wire/gcc.h"
#include "wire/mcs.h"
#include "wire/x224.h"

/* Put V (a new reference, possibly NULL after a failed constructor) into
 * OBJ under KEY. */
void
rdd__j_put(struct jb *b, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL) {
		b->err = -1;
		return;
	}
	if (json_object_set_new(obj, key, v) != 0)
		b->err = -1;
}

void
rdd__j_push(struct jb *b, json_t *arr, json_t *v)
{
	if (v == NULL) {
		b->err = -1;
		return;
	}
	if (json_array_append_new(arr, v) != 0)
		b->err = -1;
}

/*
 * A JSON string of at most MAX bytes of S (a field of a fixed-size array
 * need not trust its NUL), made valid UTF-8.
 */
json_t *
rdd__j_untrusted(const char *s, size_t max)
{
	size_t len = strnlen(s, max);
	char *tmp, *clean;
	json_t *v = NULL;

	tmp = malloc(len + 1);
	clean = malloc(3 * len + 1); /* each bad byte may become U+FFFD */
	if (tmp != NULL && clean != NULL) {
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		rdd_sanitize_utf8(clean, 3 * len + 1, tmp);
		v = json_string(clean);
	}
	free(tmp);
	free(clean);
	return v;
}

/* As UNTRUSTED, but null for an empty string. */
json_t *
rdd__j_untrusted_or_null(const char *s, size_t max)
{
	if (max == 0 || s[0] == '\0')
		return json_null();
	return rdd__j_untrusted(s, max);
}

/* A name from a table, or null when the value has no name. */
json_t *
rdd__j_name_or_null(const char *name)
{
	return name != NULL ? json_string(name) : json_null();
}

/* Milliseconds rounded to 0.001, or null when not finite. Rounded without
 * libm: durations of a check are far below 2^53 / 1000. */
json_t *
rdd__j_ms_value(double ms)
{
	long long micro;

	if (!isfinite(ms) || ms > 9e12 || ms < -9e12)
		return json_null();
	micro = (long long)(ms * 1000.0 + (ms >= 0 ? 0.5 : -0.5));
	return json_real((double)micro / 1000.0);
}

/* Unix seconds as "YYYY-MM-DDTHH:MM:SSZ", or null if gmtime cannot. */
json_t *
rdd__j_iso8601(int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[64];

	if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL)
		return json_null();
	if (strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

/* Whole days from NOW to T, rounded down: negative once T has passed;
 * null for times no certificate or clock can hold. */
json_t *
rdd__j_days_between(int64_t now, int64_t t)
{
	const int64_t lim = INT64_C(1) << 60;
	int64_t d, q;

	if (now < -lim || now > lim || t < -lim || t > lim)
		return json_null();
	d = t - now;
	q = d / 86400;
	if (d % 86400 != 0 && d < 0)
		q--;
	return json_integer(q);
}

/* Steps separated by '\n' as an array of strings, empty steps dropped. */
static json_t *
steps(struct jb *b, const char *s)
{
	json_t *arr = json_array();
	const char *p = s != NULL ? s : "";

	if (arr == NULL)
		return NULL;
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		if (n > 0)
			rdd__j_push(b, arr, rdd__j_untrusted(p, n));
		p += n;
		if (*p == '\n')
			p++;
	}
	return arr;
}

static json_t *
build_target(struct jb *b, const struct rdd_observation *obs)
{
	json_t *t = json_object(), *addrs = json_array();
	size_t i, n = obs->n_addresses;

	if (t == NULL || addrs == NULL) {
		json_decref(t);
		json_decref(addrs);
		return NULL;
	}
	if (n > RDD_MAX_ADDRESSES)
		n = RDD_MAX_ADDRESSES;
	for (i = 0; i < n; i++)
		rdd__j_push(b, addrs, UNTRUSTED(obs->addresses[i]));
	rdd__j_put(b, t, "host", UNTRUSTED(obs->host));
	rdd__j_put(b, t, "port", json_integer(obs->port));
	rdd__j_put(b, t, "addresses", addrs);
	rdd__j_put(b, t, "address", UNTRUSTED_OR_NULL(obs->address));
	return t;
}

/* A failed phase's native error, {layer, code, name}, or null. */
static json_t *
build_phase_error(struct jb *b, const struct rdd_observation *obs,
                  enum rdd_phase p)
{
	struct rdd_phase_error e;
	json_t *o;

	if (rdd_phase_error(obs, p, &e) != 0)
		return json_null();
	if ((o = json_object()) == NULL)
		return NULL;
	rdd__j_put(b, o, "layer", json_string(e.layer));
	rdd__j_put(b, o, "code",
	           e.has_code ? json_integer((json_int_t)e.code) : json_null());
	rdd__j_put(b, o, "name",
	           e.name[0] != '\0' ? UNTRUSTED(e.name) : json_null());
	return o;
}

static json_t *
build_phases(struct jb *b, const struct rdd_observation *obs)
{
	json_t *arr = json_array();
	int i;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < RDD_PHASE_COUNT; i++) {
		const struct rdd_phase_result *p = &obs->phases[i];
		json_t *o;

		if (!p->present)
			continue;
		if ((o = json_object()) == NULL) {
			b->err = -1;
			break;
		}
		rdd__j_put(b, o, "phase", json_string(rdd_phase_name(i)));
		rdd__j_put(b, o, "status",
		           rdd__j_name_or_null(rdd_status_name(p->status)));
		rdd__j_put(b, o, "start_ms", rdd__j_ms_value(p->start_ms));
		rdd__j_put(b, o, "ms", rdd__j_ms_value(p->ms));
		rdd__j_put(b, o, "detail", UNTRUSTED(p->detail));
		if (p->status == RDD_STATUS_FAILED ||
		    p->status == RDD_STATUS_TIMEOUT)
			rdd__j_put(
			    b, o, "error",
			    build_phase_error(b, obs, (enum rdd_phase)i));
		rdd__j_push(b, arr, o);
	}
	return arr;
}

static json_t *
hex_bytes(const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char buf[2 * RDD_FIRST_BYTES + 1];
	size_t i;

	if (n > RDD_FIRST_BYTES)
		n = RDD_FIRST_BYTES;
	for (i = 0; i < n; i++) {
		buf[2 * i] = hex[p[i] >> 4];
		buf[2 * i + 1] = hex[p[i] & 0x0F];
	}
	buf[2 * n] = '\0';
	return json_string(buf);
}

static json_t *
build_attempt(struct jb *b, const struct rdd_attempt *a)
{
	json_t *o = json_object(), *alert;
	char protos[128];
	bool rsp = a->x224 == RDD_X224_RSP;
	bool fail = a->x224 == RDD_X224_FAILURE;

	if (o == NULL)
		return NULL;
	rdd__j_put(b, o, "label", UNTRUSTED(a->label));
	rdd__j_put(b, o, "requested", json_integer(a->requested));
	rdd_protocols_str(protos, sizeof(protos), a->requested);
	rdd__j_put(b, o, "requested_names", json_string(protos));
	rdd__j_put(b, o, "tls_wanted", json_boolean(a->tls_wanted));
	rdd__j_put(b, o, "address", UNTRUSTED_OR_NULL(a->address));

	rdd__j_put(b, o, "tcp",
	           rdd__j_name_or_null(rdd_tcp_outcome_name(a->tcp)));
	rdd__j_put(b, o, "tcp_error", UNTRUSTED_OR_NULL(a->tcp_error));

	rdd__j_put(b, o, "x224",
	           rdd__j_name_or_null(rdd_x224_outcome_name(a->x224)));
	rdd__j_put(b, o, "selected",
	           rsp ? json_integer(a->selected) : json_null());
	if (rsp) {
		rdd_protocols_str(protos, sizeof(protos), a->selected);
		rdd__j_put(b, o, "selected_name", json_string(protos));
	} else {
		rdd__j_put(b, o, "selected_name", json_null());
	}
	rdd__j_put(b, o, "flags", rsp ? json_integer(a->flags) : json_null());
	rdd__j_put(b, o, "failure_code",
	           fail ? json_integer(a->failure_code) : json_null());
	rdd__j_put(
	    b, o, "failure_name",
	    fail ? rdd__j_name_or_null(rdd_neg_failure_name(a->failure_code))
	         : json_null());
	rdd__j_put(b, o, "first_bytes",
	           a->n_first_bytes > 0
	               ? hex_bytes(a->first_bytes, a->n_first_bytes)
	               : json_null());

	rdd__j_put(b, o, "tls",
	           rdd__j_name_or_null(rdd_tls_outcome_name(a->tls)));
	if (a->tls == RDD_TLS_ALERT) {
		if ((alert = json_object()) != NULL) {
			rdd__j_put(b, alert, "level",
			           json_integer(a->alert_level));
			rdd__j_put(b, alert, "description",
			           json_integer(a->alert_desc));
		}
		rdd__j_put(b, o, "tls_alert", alert);
	} else {
		rdd__j_put(b, o, "tls_alert", json_null());
	}

	rdd__j_put(b, o, "tcp_start_ms",
	           a->tcp != RDD_TCP_NOT_RUN ? rdd__j_ms_value(a->tcp_start_ms)
	                                     : json_null());
	rdd__j_put(b, o, "tcp_ms",
	           a->tcp != RDD_TCP_NOT_RUN ? rdd__j_ms_value(a->tcp_ms)
	                                     : json_null());
	rdd__j_put(b, o, "x224_start_ms",
	           a->x224 != RDD_X224_NOT_RUN
	               ? rdd__j_ms_value(a->x224_start_ms)
	               : json_null());
	rdd__j_put(b, o, "ms",
	           a->x224 != RDD_X224_NOT_RUN ? rdd__j_ms_value(a->x224_ms)
	                                       : json_null());
	rdd__j_put(b, o, "tls_start_ms",
	           a->tls != RDD_TLS_NOT_RUN ? rdd__j_ms_value(a->tls_start_ms)
	                                     : json_null());
	rdd__j_put(b, o, "tls_ms",
	           a->tls != RDD_TLS_NOT_RUN ? rdd__j_ms_value(a->tls_ms)
	                                     : json_null());
	rdd__j_put(b, o, "detail", UNTRUSTED(a->x224_detail));
	rdd__j_put(b, o, "tls_detail", UNTRUSTED(a->tls_detail));
	rdd__j_put(b, o, "mcs_wanted", json_boolean(a->mcs_wanted));
	rdd__j_put(b, o, "encryption_methods",
	           a->mcs_wanted ? json_integer(a->encryption_methods)
	                         : json_null());
	rdd__j_put(b, o, "mcs",
	           rdd__j_name_or_null(rdd_mcs_outcome_name(a->mcs)));
	rdd__j_put(b, o, "mcs_result",
	           a->mcs != RDD_MCS_NOT_RUN && a->mcs_result >= 0
	               ? json_integer(a->mcs_result)
	               : json_null());
	rdd__j_put(b, o, "mcs_encryption_method",
	           a->mcs == RDD_MCS_OK && a->mcs_result == 0
	               ? json_integer(a->mcs_encryption_method)
	               : json_null());
	rdd__j_put(b, o, "mcs_encryption_level",
	           a->mcs == RDD_MCS_OK && a->mcs_result == 0
	               ? json_integer(a->mcs_encryption_level)
	               : json_null());
	rdd__j_put(b, o, "mcs_start_ms",
	           a->mcs != RDD_MCS_NOT_RUN ? rdd__j_ms_value(a->mcs_start_ms)
	                                     : json_null());
	rdd__j_put(b, o, "mcs_ms",
	           a->mcs != RDD_MCS_NOT_RUN ? rdd__j_ms_value(a->mcs_ms)
	                                     : json_null());
	rdd__j_put(b, o, "mcs_detail", UNTRUSTED(a->mcs_detail));
	return o;
}

static json_t *
build_negotiation(struct jb *b, const struct rdd_observation *obs)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i, n = obs->n_attempts;

	if (o == NULL || arr == NULL) {
		json_decref(o);
		json_decref(arr);
		return NULL;
	}
	if (n > RDD_MAX_ATTEMPTS)
		n = RDD_MAX_ATTEMPTS;
	for (i = 0; i < n; i++)
		rdd__j_push(b, arr, build_attempt(b, &obs->attempts[i]));
	rdd__j_put(b, o, "attempts", arr);
	rdd__j_put(
	    b, o, "security_layer",
	    rdd__j_name_or_null(rdd_security_layer_name(obs->security_layer)));
	rdd__j_put(b, o, "nla_required",
	           obs->nla_required < 0 ? json_null()
	                                 : json_boolean(obs->nla_required > 0));
	return o;
}

static json_t *
build_cert(struct jb *b, const struct rdd_cert *c, int64_t now)
{
	json_t *o, *san;
	size_t i, n = c->n_san;

	if (!c->present)
		return json_null();
	o = json_object();
	san = json_array();
	if (o == NULL || san == NULL) {
		json_decref(o);
		json_decref(san);
		return NULL;
	}
	if (n > RDD_MAX_SAN)
		n = RDD_MAX_SAN;
	for (i = 0; i < n; i++)
		rdd__j_push(b, san, UNTRUSTED(c->san[i]));
	rdd__j_put(b, o, "subject", UNTRUSTED(c->subject));
	rdd__j_put(b, o, "issuer", UNTRUSTED(c->issuer));
	rdd__j_put(b, o, "common_name", UNTRUSTED_OR_NULL(c->common_name));
	rdd__j_put(b, o, "san", san);
	rdd__j_put(b, o, "not_before", rdd__j_iso8601(c->not_before));
	rdd__j_put(b, o, "not_after", rdd__j_iso8601(c->not_after));
	rdd__j_put(b, o, "days_left", rdd__j_days_between(now, c->not_after));
	rdd__j_put(b, o, "self_signed", json_boolean(c->self_signed));
	rdd__j_put(b, o, "key_type", UNTRUSTED_OR_NULL(c->key_type));
	rdd__j_put(b, o, "key_bits",
	           c->key_bits > 0 ? json_integer(c->key_bits) : json_null());
	rdd__j_put(b, o, "signature", UNTRUSTED_OR_NULL(c->signature));
	rdd__j_put(b, o, "sha256", UNTRUSTED(c->sha256));
	rdd__j_put(b, o, "sha1", UNTRUSTED_OR_NULL(c->sha1));
	if (c->name_match < 0) {
		rdd__j_put(b, o, "name_checked", json_null());
		rdd__j_put(b, o, "name_match", json_null());
	} else {
		rdd__j_put(b, o, "name_checked", UNTRUSTED(c->name_checked));
		rdd__j_put(b, o, "name_match", json_boolean(c->name_match > 0));
	}
	if (c->has_eku) {
		json_t *eku = json_object();

		if (eku != NULL) {
			rdd__j_put(b, eku, "server_auth",
			           json_boolean(c->eku_server_auth));
			rdd__j_put(b, eku, "remote_desktop_auth",
			           json_boolean(c->eku_rdp_auth));
		}
		rdd__j_put(b, o, "eku", eku);
	} else {
		rdd__j_put(b, o, "eku", json_null());
	}
	rdd__j_put(b, o, "trusted",
	           c->trusted < 0 ? json_null() : json_boolean(c->trusted > 0));
	rdd__j_put(b, o, "trust_error",
	           c->trusted == 0 && c->trust_error[0] != '\0'
	               ? json_string(c->trust_error)
	               : json_null());
	return o;
}

/* check --tls-full: versions, ciphers, groups, compat (docs/json.md). */
static void
build_tls_enum(struct jb *b, json_t *o, const struct rdd_tls_enum_info *e)
{
	struct rdd_tls_compat compat[RDD_TLS_N_CLIENTS];
	size_t n;
	json_t *a, *x;

	if ((a = json_array()) == NULL) {
		b->err = -1;
		return;
	}
	for (int vi = 0; vi < RDD_TLS_N_VERSIONS; vi++) {
		const char *vn =
		    rdd_tls_version_name((uint16_t)(RDD_TLS_V_SSL3 + vi));

		if ((x = json_object()) == NULL) {
			b->err = -1;
			break;
		}
		rdd__j_put(b, x, "version", json_string(vn));
		rdd__j_put(b, x, "accepted", json_boolean(e->accepted[vi]));
		rdd__j_put(b, x, "implied", json_boolean(e->implied[vi]));
		rdd__j_put(
		    b, x, "implied_by",
		    e->implied_by[vi] != 0
		        ? json_string(rdd_tls_version_name(e->implied_by[vi]))
		        : json_null());
		rdd__j_put(b, x, "order",
		           e->server_order[vi] < 0
		               ? json_null()
		               : json_string(e->server_order[vi] ? "server"
		                                                 : "client"));
		rdd__j_push(b, a, x);
	}
	rdd__j_put(b, o, "versions", a);
	if ((a = json_array()) == NULL) {
		b->err = -1;
		return;
	}
	for (size_t i = 0; i < e->n_ciphers; i++) {
		const struct rdd_tls_cipher *c = &e->ciphers[i];
		char id[8];

		if ((x = json_object()) == NULL) {
			b->err = -1;
			break;
		}
		snprintf(id, sizeof(id), "0x%04X", (unsigned)c->id);
		rdd__j_put(b, x, "version",
		           json_string(rdd_tls_version_name(c->version)));
		rdd__j_put(b, x, "id", json_string(id));
		rdd__j_put(b, x, "name", json_string(c->name));
		rdd__j_put(b, x, "strength", json_string(c->strength));
		rdd__j_put(b, x, "rank",
		           c->rank > 0 ? json_integer(c->rank) : json_null());
		rdd__j_push(b, a, x);
	}
	rdd__j_put(b, o, "ciphers", a);
	if ((a = json_array()) == NULL) {
		b->err = -1;
		return;
	}
	for (size_t i = 0; i < e->n_groups; i++) {
		const char *g = rdd_tls_group_name(e->groups[i]);

		rdd__j_push(b, a,
		            g != NULL ? json_string(g)
		                      : json_integer(e->groups[i]));
	}
	rdd__j_put(b, o, "groups", a);
	if ((a = json_array()) == NULL) {
		b->err = -1;
		return;
	}
	n = rdd_tls_compat(e, compat, RDD_TLS_N_CLIENTS);
	for (size_t i = 0; i < n; i++) {
		if ((x = json_object()) == NULL) {
			b->err = -1;
			break;
		}
		rdd__j_put(b, x, "client", json_string(compat[i].client));
		rdd__j_put(b, x, "id", json_string(compat[i].id));
		rdd__j_put(b, x, "ok", json_boolean(compat[i].ok));
		rdd__j_put(b, x, "reason", json_string(compat[i].reason));
		rdd__j_push(b, a, x);
	}
	rdd__j_put(b, o, "compat", a);
	if ((x = json_object()) == NULL) {
		b->err = -1;
		return;
	}
	rdd__j_put(b, x, "connections", json_integer(e->connections));
	rdd__j_put(b, x, "failed", json_integer(e->failed));
	rdd__j_put(b, x, "ms", json_real(e->ms));
	rdd__j_put(b, x, "certificate_seen", json_boolean(e->saw_certificate));
	rdd__j_put(b, o, "enumeration", x);
}

static json_t *
build_tls(struct jb *b, const struct rdd_observation *obs)
{
	const struct rdd_tls_info *t = &obs->tls;
	json_t *o;

	if (!t->present && !obs->tls_enum.present)
		return json_null();
	if ((o = json_object()) == NULL)
		return NULL;
	rdd__j_put(b, o, "version",
	           t->present ? UNTRUSTED_OR_NULL(t->version) : json_null());
	rdd__j_put(b, o, "cipher",
	           t->present ? UNTRUSTED_OR_NULL(t->cipher) : json_null());
	rdd__j_put(b, o, "from_attempt",
	           t->present ? UNTRUSTED_OR_NULL(t->attempt) : json_null());
	rdd__j_put(b, o, "certificate",
	           t->present ? build_cert(b, &t->cert, obs->checked_at)
	                      : json_null());
	if (obs->tls_enum.present)
		build_tls_enum(b, o, &obs->tls_enum);
	return o;
}

static json_t *
build_ntlm(struct jb *b, const struct rdd_observation *obs)
{
	const struct rdd_ntlm_info *n = &obs->credssp.ntlm;
	const char *os = NULL;
	char ver[32];
	int64_t skew;
	json_t *o;

	if (!n->present)
		return json_null();
	if ((o = json_object()) == NULL)
		return NULL;
	rdd__j_put(b, o, "target_name", UNTRUSTED_OR_NULL(n->target_name));
	rdd__j_put(b, o, "netbios_computer",
	           UNTRUSTED_OR_NULL(n->netbios_computer));
	rdd__j_put(b, o, "netbios_domain",
	           UNTRUSTED_OR_NULL(n->netbios_domain));
	rdd__j_put(b, o, "dns_computer", UNTRUSTED_OR_NULL(n->dns_computer));
	rdd__j_put(b, o, "dns_domain", UNTRUSTED_OR_NULL(n->dns_domain));
	rdd__j_put(b, o, "dns_tree", UNTRUSTED_OR_NULL(n->dns_tree));
	if (n->has_version) {
		snprintf(ver, sizeof(ver), "%u.%u.%u", (unsigned)n->os_major,
		         (unsigned)n->os_minor, (unsigned)n->os_build);
		os = rdd_ntlm_os_name(n->os_major, n->os_minor, n->os_build,
		                      NULL);
		rdd__j_put(b, o, "os_version", json_string(ver));
		rdd__j_put(b, o, "os_build", json_integer(n->os_build));
	} else {
		rdd__j_put(b, o, "os_version", json_null());
		rdd__j_put(b, o, "os_build", json_null());
	}
	rdd__j_put(b, o, "os_name", rdd__j_name_or_null(os));
	rdd__j_put(b, o, "server_time",
	           n->has_time ? rdd__j_iso8601(n->server_time) : json_null());
	rdd__j_put(b, o, "clock_skew_s",
	           rdd_clock_skew_s(obs, &skew) == 0 ? json_integer(skew)
	                                             : json_null());
	return o;
}

static json_t *
build_other_request(struct jb *b, const struct rdd_credssp_info *ci)
{
	json_t *o;

	if (ci->other_outcome == RDD_CREDSSP_NOT_RUN)
		return json_null();
	if ((o = json_object()) == NULL)
		return NULL;
	rdd__j_put(b, o, "from_attempt", UNTRUSTED_OR_NULL(ci->other_attempt));
	rdd__j_put(b, o, "token",
	           json_string(ci->other_spnego ? "spnego" : "ntlm"));
	rdd__j_put(
	    b, o, "outcome",
	    rdd__j_name_or_null(rdd_credssp_outcome_name(ci->other_outcome)));
	rdd__j_put(b, o, "detail", UNTRUSTED(ci->other_detail));
	return o;
}

static json_t *
build_credssp(struct jb *b, const struct rdd_observation *obs)
{
	const struct rdd_credssp_info *ci = &obs->credssp;
	const struct rdd_code *code = NULL;
	json_t *o;

	if (ci->outcome == RDD_CREDSSP_NOT_RUN)
		return json_null();
	if ((o = json_object()) == NULL)
		return NULL;
	if (ci->has_error_code)
		code = rdd_code_find(RDD_TABLE_CREDSSP, ci->error_code);
	rdd__j_put(b, o, "from_attempt", UNTRUSTED_OR_NULL(ci->attempt));
	rdd__j_put(b, o, "outcome",
	           rdd__j_name_or_null(rdd_credssp_outcome_name(ci->outcome)));
	rdd__j_put(b, o, "token", json_string(ci->spnego ? "spnego" : "ntlm"));
	rdd__j_put(b, o, "start_ms", rdd__j_ms_value(ci->start_ms));
	rdd__j_put(b, o, "ms", rdd__j_ms_value(ci->ms));
	rdd__j_put(b, o, "detail", UNTRUSTED(ci->detail));
	rdd__j_put(b, o, "server_version",
	           ci->has_version ? json_integer(ci->server_version)
	                           : json_null());
	rdd__j_put(b, o, "patch_status",
	           !ci->has_version          ? json_null()
	           : ci->server_version >= 6 ? json_string("current")
	           : ci->server_version >= 4 ? json_string("outdated")
	                                     : json_string("unpatched"));
	rdd__j_put(b, o, "error_code",
	           ci->has_error_code ? json_integer(ci->error_code)
	                              : json_null());
	rdd__j_put(b, o, "error_name",
	           rdd__j_name_or_null(code != NULL ? code->name : NULL));
	rdd__j_put(b, o, "ntlm", build_ntlm(b, obs));
	rdd__j_put(b, o, "other_request", build_other_request(b, ci));
	return o;
}

static const char *
sample_outcome_name(enum rdd_sample_outcome o)
{
	switch (o) {
	case RDD_SAMPLE_NOT_RUN:
		return "not_run";
	case RDD_SAMPLE_OK:
		return "ok";
	case RDD_SAMPLE_TIMEOUT:
		return "timeout";
	case RDD_SAMPLE_FAILED:
		return "failed";
	case RDD_SAMPLE_CUT_SHORT:
		return "cut_short";
	}
	return NULL;
}

static const char *
net_mode_name(enum rdd_net_mode m)
{
	switch (m) {
	case RDD_NET_MODE_NONE:
		return "none";
	case RDD_NET_MODE_ALONGSIDE:
		return "alongside";
	case RDD_NET_MODE_SPREAD:
		return "spread";
	}
	return NULL;
}

/* The path (docs/json.md "network"): null when it was not measured. */
static json_t *
build_network(struct jb *b, const struct rdd_observation *obs)
{
	const struct rdd_net_info *n = &obs->net;
	json_t *o, *arr, *mtu;
	size_t i, ns = n->n_samples;
	bool rtt = n->n_answered > 0;

	if (!n->present && n->mtu == RDD_MTU_NOT_RUN)
		return json_null();
	o = json_object();
	arr = json_array();
	mtu = json_object();
	if (o == NULL || arr == NULL || mtu == NULL) {
		json_decref(o);
		json_decref(arr);
		json_decref(mtu);
		b->err = -1;
		return NULL;
	}
	if (ns > RDD_MAX_SAMPLES)
		ns = RDD_MAX_SAMPLES;
	rdd__j_put(b, o, "samples_requested",
	           json_integer((json_int_t)n->n_requested));
	rdd__j_put(b, o, "samples_answered",
	           json_integer((json_int_t)n->n_answered));
	rdd__j_put(b, o, "samples_mode",
	           rdd__j_name_or_null(net_mode_name(n->mode)));
	rdd__j_put(b, o, "samples_min", json_integer((json_int_t)n->n_min));
	rdd__j_put(b, o, "samples_own", json_integer((json_int_t)n->n_own));
	rdd__j_put(b, o, "samples_clean", json_integer((json_int_t)n->n_clean));
	rdd__j_put(b, o, "samples_cut_short",
	           json_integer((json_int_t)n->n_cut_short));
	rdd__j_put(b, o, "samples_wait_ms", rdd__j_ms_value(n->wait_ms));
	rdd__j_put(b, o, "rtt_min_ms",
	           rtt ? rdd__j_ms_value(n->rtt_min_ms) : json_null());
	rdd__j_put(b, o, "rtt_median_ms",
	           rtt ? rdd__j_ms_value(n->rtt_median_ms) : json_null());
	rdd__j_put(b, o, "rtt_p95_ms",
	           rtt ? rdd__j_ms_value(n->rtt_p95_ms) : json_null());
	rdd__j_put(b, o, "rtt_max_ms",
	           rtt ? rdd__j_ms_value(n->rtt_max_ms) : json_null());
	rdd__j_put(b, o, "jitter_ms",
	           n->n_clean >= 2 ? rdd__j_ms_value(n->jitter_ms)
	                           : json_null());
	rdd__j_put(b, o, "syns_sent", json_integer((json_int_t)n->n_syn_sent));
	rdd__j_put(b, o, "syns_lost", json_integer((json_int_t)n->n_lost_syn));
	rdd__j_put(b, o, "loss_pct",
	           n->n_syn_sent > 0 ? rdd__j_ms_value(n->loss_pct)
	                             : json_null());
	for (i = 0; i < ns; i++) {
		const struct rdd_net_sample *sm = &n->samples[i];
		json_t *e = json_object();

		if (e == NULL) {
			b->err = -1;
			break;
		}
		rdd__j_put(b, e, "start_ms", rdd__j_ms_value(sm->start_ms));
		rdd__j_put(
		    b, e, "outcome",
		    rdd__j_name_or_null(sample_outcome_name(sm->outcome)));
		rdd__j_put(b, e, "ms",
		           sm->outcome != RDD_SAMPLE_NOT_RUN
		               ? rdd__j_ms_value(sm->rtt_ms)
		               : json_null());
		rdd__j_put(b, e, "connection",
		           sm->conn[0] != '\0' ? json_string(sm->conn)
		                               : json_null());
		rdd__j_push(b, arr, e);
	}
	rdd__j_put(b, o, "samples", arr);
	rdd__j_put(b, mtu, "outcome",
	           rdd__j_name_or_null(rdd_mtu_retry_name(n->mtu)));
	rdd__j_put(b, mtu, "mss",
	           n->mtu != RDD_MTU_NOT_RUN ? json_integer(n->mtu_mss)
	                                     : json_null());
	rdd__j_put(b, mtu, "tls_ms",
	           n->mtu == RDD_MTU_OK || n->mtu == RDD_MTU_FAILED
	               ? rdd__j_ms_value(n->mtu_ms)
	               : json_null());
	rdd__j_put(b, mtu, "first",
	           rdd__j_untrusted_or_null(n->mtu_first_detail, RDD_STR));
	rdd__j_put(b, mtu, "retry",
	           rdd__j_untrusted_or_null(n->mtu_detail, RDD_STR));
	rdd__j_put(b, o, "mtu_retry", mtu);
	return o;
}

/* One transport of a KDC: {outcome, ms}. */
static json_t *
build_krb_transport(struct jb *b, const struct rdd_krb_transport *t)
{
	json_t *o = json_object();

	if (o == NULL) {
		b->err = -1;
		return NULL;
	}
	rdd__j_put(b, o, "outcome",
	           rdd__j_name_or_null(rdd_krb_outcome_name(t->outcome)));
	rdd__j_put(b, o, "ms",
	           t->outcome == RDD_KRB_NOT_RUN ? json_null()
	                                         : rdd__j_ms_value(t->ms));
	return o;
}

/* kerberos.user (docs/json.md): null when no password was walked. */
static json_t *
build_krb_user(struct jb *b, const struct rdd_krb_user *u)
{
	const char *n;
	char st[16];
	json_t *o;

	if (u->outcome == RDD_KRB_USER_NOT_RUN)
		return json_null();
	o = json_object();
	if (o == NULL) {
		b->err = -1;
		return NULL;
	}
	rdd__j_put(b, o, "outcome",
	           rdd__j_name_or_null(rdd_krb_user_outcome_name(u->outcome)));
	rdd__j_put(b, o, "principal", UNTRUSTED(u->principal));
	rdd__j_put(b, o, "spn", UNTRUSTED(u->spn));
	rdd__j_put(b, o, "transport", json_string(u->transport));
	rdd__j_put(b, o, "as_code",
	           u->as_code >= 0 ? json_integer(u->as_code) : json_null());
	n = u->as_code >= 0 ? rdd_krb_error_name(u->as_code) : NULL;
	rdd__j_put(b, o, "as_error", n != NULL ? json_string(n) : json_null());
	rdd__j_put(b, o, "tgs_code",
	           u->tgs_code >= 0 ? json_integer(u->tgs_code) : json_null());
	n = u->tgs_code >= 0 ? rdd_krb_error_name(u->tgs_code) : NULL;
	rdd__j_put(b, o, "tgs_error", n != NULL ? json_string(n) : json_null());
	snprintf(st, sizeof(st), "0x%08X", (unsigned)u->ntstatus);
	rdd__j_put(b, o, "ntstatus",
	           u->has_ntstatus ? json_string(st) : json_null());
	n = u->has_ntstatus ? rdd_krb_ntstatus_name(u->ntstatus) : NULL;
	rdd__j_put(b, o, "ntstatus_name",
	           n != NULL ? json_string(n) : json_null());
	rdd__j_put(b, o, "no_common_etype", json_boolean(u->no_common_etype));
	rdd__j_put(b, o, "etext",
	           rdd__j_untrusted_or_null(u->etext, sizeof(u->etext)));
	rdd__j_put(b, o, "detail",
	           rdd__j_untrusted_or_null(u->detail, sizeof(u->detail)));
	rdd__j_put(b, o, "time_offset_s",
	           u->has_offset ? json_integer(u->offset_s) : json_null());
	rdd__j_put(b, o, "as_ms", rdd__j_ms_value(u->as_ms));
	rdd__j_put(b, o, "tgs_ms",
	           u->outcome == RDD_KRB_USER_TICKET ||
	                   u->outcome == RDD_KRB_USER_TGS_FAILED
	               ? rdd__j_ms_value(u->tgs_ms)
	               : json_null());
	return o;
}

/* Kerberos (docs/json.md "kerberos"): null when the phase did not run. */
static json_t *
build_kerberos(struct jb *b, const struct rdd_observation *obs)
{
	const struct rdd_krb_info *k = &obs->krb;
	json_t *o, *arr;

	if (!k->run)
		return json_null();
	o = json_object();
	arr = json_array();
	if (o == NULL || arr == NULL) {
		json_decref(o);
		json_decref(arr);
		b->err = -1;
		return NULL;
	}
	rdd__j_put(b, o, "realm", UNTRUSTED(k->realm));
	rdd__j_put(
	    b, o, "realm_source",
	    rdd__j_name_or_null(rdd_krb_realm_source_name(k->realm_source)));
	rdd__j_put(b, o, "cname", UNTRUSTED(k->cname));
	rdd__j_put(b, o, "kdc_source",
	           json_string(k->kdc_from_option ? "option" : "srv"));
	rdd__j_put(b, o, "lookup",
	           rdd__j_name_or_null(rdd_krb_lookup_name(k->lookup)));
	rdd__j_put(b, o, "lookup_detail",
	           rdd__j_untrusted_or_null(k->lookup_detail,
	                                    sizeof(k->lookup_detail)));
	for (size_t i = 0; i < k->n_kdcs && i < RDD_KRB_MAX_KDCS; i++) {
		const struct rdd_krb_kdc *x = &k->kdcs[i];
		json_t *e = json_object(), *et = json_array();
		const char *en;

		if (e == NULL || et == NULL) {
			json_decref(e);
			json_decref(et);
			b->err = -1;
			break;
		}
		rdd__j_put(b, e, "name", UNTRUSTED(x->name));
		rdd__j_put(b, e, "address", json_string(x->address));
		rdd__j_put(b, e, "port", json_integer(x->port));
		rdd__j_put(b, e, "udp", build_krb_transport(b, &x->udp));
		rdd__j_put(b, e, "tcp", build_krb_transport(b, &x->tcp));
		rdd__j_put(b, e, "answered", json_boolean(x->answered));
		rdd__j_put(b, e, "error_code",
		           x->answered && x->error_code >= 0
		               ? json_integer(x->error_code)
		               : json_null());
		en = x->answered && x->error_code >= 0
		         ? rdd_krb_error_name(x->error_code)
		         : NULL;
		rdd__j_put(b, e, "error_name",
		           en != NULL ? json_string(en) : json_null());
		rdd__j_put(
		    b, e, "etext",
		    rdd__j_untrusted_or_null(x->etext, sizeof(x->etext)));
		rdd__j_put(b, e, "skew_s",
		           x->has_skew ? json_integer(x->skew_s) : json_null());
		rdd__j_put(b, e, "rtt_ms",
		           x->answered ? rdd__j_ms_value(x->rtt_ms)
		                       : json_null());
		for (size_t j = 0; j < x->n_etypes && j < RDD_KRB_KDC_ETYPES;
		     j++)
			rdd__j_push(b, et, json_integer(x->etypes[j]));
		rdd__j_put(b, e, "etypes", et);
		rdd__j_push(b, arr, e);
	}
	rdd__j_put(b, o, "kdcs", arr);
	rdd__j_put(b, o, "user", build_krb_user(b, &k->user));
	rdd__j_put(b, o, "ms", rdd__j_ms_value(k->ms));
	return o;
}

/* RDP-UDP (docs/json.md "udp"): null when not probed. */
static json_t *
build_udp(struct jb *b, const struct rdd_observation *obs)
{
	const struct rdd_udp_info *u = &obs->udp;
	bool ans = u->outcome == RDD_UDP_ANSWERED;
	json_t *o;
	char v[8];

	if (u->outcome == RDD_UDP_NOT_RUN)
		return json_null();
	o = json_object();
	if (o == NULL) {
		b->err = -1;
		return NULL;
	}
	rdd__j_put(b, o, "outcome",
	           rdd__j_name_or_null(rdd_udp_outcome_name(u->outcome)));
	rdd__j_put(b, o, "port", json_integer(u->port));
	snprintf(v, sizeof(v), "0x%04x", (unsigned)u->version_offered);
	rdd__j_put(b, o, "version_offered", json_string(v));
	rdd__j_put(b, o, "syns_sent", json_integer(u->syns_sent));
	rdd__j_put(b, o, "ms", rdd__j_ms_value(u->ms));
	rdd__j_put(b, o, "rtt_ms",
	           ans ? rdd__j_ms_value(u->rtt_ms) : json_null());
	snprintf(v, sizeof(v), "0x%04x", (unsigned)u->version);
	rdd__j_put(b, o, "version", ans ? json_string(v) : json_null());
	rdd__j_put(b, o, "rdpeudp2",
	           ans ? json_boolean(u->version == 0x0101) : json_null());
	rdd__j_put(b, o, "mtu",
	           ans ? json_integer(u->up_mtu < u->down_mtu ? u->up_mtu
	                                                      : u->down_mtu)
	               : json_null());
	rdd__j_put(b, o, "multitransport",
	           obs->mcs.outcome == RDD_MCS_OK && obs->mcs.has_multitransport
	               ? json_integer(obs->mcs.multitransport_flags)
	               : json_null());
	rdd__j_put(b, o, "detail",
	           rdd__j_untrusted_or_null(u->detail, sizeof(u->detail)));
	return o;
}

static json_t *
build_alternates(struct jb *b, const struct rdd_observation *obs)
{
	json_t *arr = json_array();
	size_t i, n = obs->n_alt;

	if (arr == NULL)
		return NULL;
	if (n > RDD_MAX_ADDRESSES)
		n = RDD_MAX_ADDRESSES;
	for (i = 0; i < n; i++) {
		const struct rdd_alt_address *a = &obs->alt[i];
		json_t *o = json_object();

		if (o == NULL) {
			b->err = -1;
			break;
		}
		rdd__j_put(b, o, "address", UNTRUSTED(a->address));
		rdd__j_put(b, o, "tcp",
		           rdd__j_name_or_null(rdd_tcp_outcome_name(a->tcp)));
		rdd__j_put(b, o, "ms",
		           a->tcp != RDD_TCP_NOT_RUN ? rdd__j_ms_value(a->ms)
		                                     : json_null());
		rdd__j_push(b, arr, o);
	}
	return arr;
}

static json_t *
build_finding(struct jb *b, const struct rdd_finding *f)
{
	const struct rdd_cause_info *ci = rdd_cause_info(f->cause);
	json_t *o;

	if (ci == NULL) /* a finding without a row is a bug of the rules */
		return NULL;
	if ((o = json_object()) == NULL)
		return NULL;
	rdd__j_put(b, o, "id", json_string(ci->id));
	rdd__j_put(b, o, "severity",
	           rdd__j_name_or_null(rdd_severity_name(f->severity)));
	rdd__j_put(b, o, "phase",
	           rdd__j_name_or_null(rdd_phase_name(f->phase)));
	rdd__j_put(b, o, "title", rdd__j_untrusted(ci->title, SIZE_MAX));
	rdd__j_put(b, o, "explanation",
	           rdd__j_untrusted(ci->explanation, SIZE_MAX));
	rdd__j_put(b, o, "evidence", UNTRUSTED(f->evidence));
	rdd__j_put(b, o, "fix", steps(b, ci->fix_host));
	rdd__j_put(b, o, "client_fix", steps(b, ci->fix_client));
	rdd__j_put(b, o, "lowers_security",
	           ci->lowers_security != NULL && ci->lowers_security[0] != '\0'
	               ? rdd__j_untrusted(ci->lowers_security, SIZE_MAX)
	               : json_null());
	return o;
}

static json_t *
build_findings(struct jb *b, const struct rdd_diagnosis *diag)
{
	json_t *arr = json_array();
	size_t i, n = diag->n_findings;

	if (arr == NULL)
		return NULL;
	if (n > RDD_MAX_FINDINGS)
		n = RDD_MAX_FINDINGS;
	for (i = 0; i < n; i++)
		rdd__j_push(b, arr, build_finding(b, &diag->findings[i]));
	return arr;
}

static json_t *
build_verdict(struct jb *b, const struct rdd_diagnosis *diag)
{
	json_t *o = json_object();
	const char *phase =
	    diag->failed_phase >= 0
	        ? rdd_phase_name((enum rdd_phase)diag->failed_phase)
	        : NULL;

	if (o == NULL)
		return NULL;
	rdd__j_put(b, o, "status",
	           rdd__j_name_or_null(rdd_verdict_name(diag->status)));
	rdd__j_put(b, o, "failed_phase", rdd__j_name_or_null(phase));
	rdd__j_put(b, o, "summary", UNTRUSTED(diag->summary));
	rdd__j_put(b, o, "exit_code",
	           json_integer(rdd_verdict_exit_code(diag->status)));
	return o;
}

/* `--client-error`: null when not given. */
static json_t *
build_client_error(struct jb *b, const struct rdd_diagnosis *diag)
{
	const struct rdd_client_error *ce = &diag->client_error;
	json_t *o, *arr;
	size_t i;

	if (!ce->present)
		return json_null();
	o = json_object();
	arr = json_array();
	if (o == NULL || arr == NULL) {
		json_decref(o);
		json_decref(arr);
		return NULL;
	}
	rdd__j_put(b, o, "code", json_integer(ce->code));
	rdd__j_put(b, o, "name", rdd__j_name_or_null(ce->code_name));
	rdd__j_put(b, o, "extended",
	           ce->has_extended ? json_integer(ce->extended) : json_null());
	rdd__j_put(b, o, "extended_name",
	           rdd__j_name_or_null(ce->extended_name));
	rdd__j_put(b, o, "story", rdd__j_name_or_null(ce->story_id));
	for (i = 0; i < ce->n_explaining && i < RDD_MAX_EXPLAINING; i++) {
		json_t *e = json_object();

		if (e == NULL) {
			b->err = 1;
			break;
		}
		rdd__j_put(b, e, "id",
		           json_string(rdd_cause_info(ce->explaining[i])->id));
		rdd__j_put(b, e, "cause_rank", json_integer(ce->cause_rank[i]));
		rdd__j_put(b, e, "cause", json_string(ce->cause_title[i]));
		rdd__j_push(b, arr, e);
	}
	rdd__j_put(b, o, "explained_by", arr);
	rdd__j_put(b, o, "summary", UNTRUSTED(ce->summary));
	return o;
}

static json_t *
build_server_cert(struct jb *b, const struct rdd_server_certificate *sc)
{
	json_t *o, *lens;
	bool prop = sc->kind == RDD_SERVER_CERT_PROPRIETARY;
	bool x509 = sc->kind == RDD_SERVER_CERT_X509;
	uint32_t i;

	if (sc->kind == RDD_SERVER_CERT_NONE)
		return json_null();
	o = json_object();
	lens = json_array();
	if (o == NULL || lens == NULL) {
		json_decref(o);
		json_decref(lens);
		return NULL;
	}
	for (i = 0; x509 && i < sc->n_certs && i < RDD_MAX_CERT_CHAIN; i++)
		rdd__j_push(b, lens, json_integer(sc->cert_len[i]));
	rdd__j_put(b, o, "type",
	           rdd__j_name_or_null(rdd_server_cert_kind_name(sc->kind)));
	rdd__j_put(b, o, "version_raw", json_integer(sc->version_raw));
	rdd__j_put(b, o, "permanent", json_boolean(!sc->temporary));
	rdd__j_put(b, o, "valid", json_boolean(sc->valid));
	rdd__j_put(b, o, "rsa_bits",
	           prop ? json_integer(sc->rsa_bits) : json_null());
	rdd__j_put(b, o, "rsa_exponent",
	           prop ? json_integer(sc->rsa_exponent) : json_null());
	rdd__j_put(b, o, "signature_len",
	           prop ? json_integer(sc->signature_len) : json_null());
	rdd__j_put(b, o, "count",
	           prop || x509 ? json_integer(sc->n_certs) : json_null());
	rdd__j_put(b, o, "cert_lengths", lens);
	x509 = x509 && sc->leaf_parsed;
	rdd__j_put(b, o, "leaf_subject",
	           x509 ? UNTRUSTED(sc->leaf_subject) : json_null());
	rdd__j_put(b, o, "leaf_issuer",
	           x509 ? UNTRUSTED(sc->leaf_issuer) : json_null());
	rdd__j_put(b, o, "leaf_key_type",
	           x509 ? UNTRUSTED_OR_NULL(sc->leaf_key_type) : json_null());
	rdd__j_put(b, o, "leaf_key_bits",
	           x509 && sc->leaf_key_bits > 0
	               ? json_integer(sc->leaf_key_bits)
	               : json_null());
	return o;
}

static json_t *
build_mcs(struct jb *b, const struct rdd_observation *obs)
{
	const struct rdd_mcs_info *m = &obs->mcs;
	json_t *o, *acc, *names;
	char protos[96], mt[96];
	size_t i;
	bool result = m->result >= 0, reason = m->disconnect_reason >= 0;

	if (m->outcome == RDD_MCS_NOT_RUN)
		return json_null();
	o = json_object();
	acc = json_array();
	names = json_array();
	if (o == NULL || acc == NULL || names == NULL) {
		json_decref(o);
		json_decref(acc);
		json_decref(names);
		return NULL;
	}
	for (i = 0; i < m->n_accepted_encryption_methods &&
	            i < RDD_MAX_ENCRYPTION_METHODS;
	     i++) {
		uint32_t v = m->accepted_encryption_methods[i];

		rdd__j_push(b, acc, json_integer(v));
		rdd__j_push(b, names,
		            rdd__j_name_or_null(rdd_encryption_method_name(v)));
	}
	rdd_protocols_str(protos, sizeof(protos), m->selected_protocol);
	rdd__j_put(b, o, "from_attempt", UNTRUSTED_OR_NULL(m->attempt));
	rdd__j_put(b, o, "outcome",
	           rdd__j_name_or_null(rdd_mcs_outcome_name(m->outcome)));
	rdd__j_put(b, o, "start_ms", rdd__j_ms_value(m->start_ms));
	rdd__j_put(b, o, "ms", rdd__j_ms_value(m->ms));
	rdd__j_put(b, o, "detail", UNTRUSTED(m->detail));
	rdd__j_put(b, o, "server_selected_protocol",
	           json_integer(m->selected_protocol));
	rdd__j_put(b, o, "server_selected_protocol_name", json_string(protos));
	rdd__j_put(b, o, "encryption_methods_offered",
	           json_integer(m->encryption_methods));
	rdd__j_put(b, o, "result",
	           result ? json_integer(m->result) : json_null());
	rdd__j_put(b, o, "result_name",
	           result ? rdd__j_name_or_null(
	                        rdd_mcs_result_name((unsigned)m->result))
	                  : json_null());
	rdd__j_put(b, o, "disconnect_reason",
	           reason ? json_integer(m->disconnect_reason) : json_null());
	rdd__j_put(b, o, "disconnect_reason_name",
	           reason ? rdd__j_name_or_null(rdd_mcs_reason_name(
	                        (unsigned)m->disconnect_reason))
	                  : json_null());
	rdd__j_put(b, o, "rdp_version",
	           m->has_core ? UNTRUSTED_OR_NULL(m->rdp_version)
	                       : json_null());
	rdd__j_put(b, o, "server_version_raw",
	           m->has_core ? json_integer(m->server_version_raw)
	                       : json_null());
	rdd__j_put(b, o, "core_length",
	           m->has_core ? json_integer(m->core_length) : json_null());
	rdd__j_put(b, o, "client_requested_protocols",
	           m->has_client_requested_protocols
	               ? json_integer(m->client_requested_protocols)
	               : json_null());
	rdd__j_put(b, o, "early_capability_flags",
	           m->has_early_capability_flags
	               ? json_integer(m->early_capability_flags)
	               : json_null());
	rdd__j_put(b, o, "encryption_method",
	           m->has_security ? json_integer(m->encryption_method)
	                           : json_null());
	rdd__j_put(b, o, "encryption_method_name",
	           m->has_security
	               ? rdd__j_name_or_null(
	                     rdd_encryption_method_name(m->encryption_method))
	               : json_null());
	rdd__j_put(b, o, "encryption_level",
	           m->has_security ? json_integer(m->encryption_level)
	                           : json_null());
	rdd__j_put(b, o, "encryption_level_name",
	           m->has_security
	               ? rdd__j_name_or_null(
	                     rdd_encryption_level_name(m->encryption_level))
	               : json_null());
	rdd__j_put(b, o, "server_certificate",
	           m->has_security
	               ? build_server_cert(b, &m->server_certificate)
	               : json_null());
	if (m->has_multitransport) {
		rdd_multitransport_str(mt, sizeof(mt), m->multitransport_flags);
		rdd__j_put(b, o, "multitransport_flags",
		           json_integer(m->multitransport_flags));
		rdd__j_put(b, o, "multitransport_names", json_string(mt));
	} else {
		rdd__j_put(b, o, "multitransport_flags", json_null());
		rdd__j_put(b, o, "multitransport_names", json_null());
	}
	rdd__j_put(b, o, "io_channel",
	           m->has_net ? json_integer(m->io_channel) : json_null());
	rdd__j_put(b, o, "channel_count",
	           m->has_net ? json_integer(m->channel_count) : json_null());
	rdd__j_put(b, o, "tested_encryption_methods",
	           json_integer(m->tested_encryption_methods));
	rdd__j_put(b, o, "accepted_encryption_methods", acc);
	rdd__j_put(b, o, "accepted_encryption_method_names", names);
	return o;
}

/* scan: the gateway failed for another host, this one was not checked:
 * {by, step, outcome}; null otherwise. */
static json_t *
build_not_reached(struct jb *b, const struct rdd_gateway_info *g)
{
	json_t *o;

	if (!g->not_reached)
		return json_null();
	if ((o = json_object()) == NULL) {
		b->err = -1;
		return NULL;
	}
	rdd__j_put(b, o, "by", UNTRUSTED(g->not_reached_by));
	rdd__j_put(b, o, "step",
	           rdd__j_name_or_null(rdd_gw_step_name(g->not_reached_step)));
	rdd__j_put(
	    b, o, "outcome",
	    rdd__j_name_or_null(rdd_gw_outcome_name(g->not_reached_outcome)));
	return o;
}

/* The RD Gateway (docs/json.md "gateway"): null without --gateway. */
/* The legacy transport's IN channel (null for WebSocket). */
static json_t *
build_gateway_in(struct jb *b, const struct rdd_gateway_info *g, int64_t now)
{
	json_t *o;
	bool tcp_ok = g->in_tcp == RDD_TCP_OK;
	bool tls_ok = g->in_tls_outcome == RDD_TLS_OK;

	if (strcmp(g->transport, "legacy") != 0)
		return json_null();
	if ((o = json_object()) == NULL) {
		b->err = -1;
		return NULL;
	}
	rdd__j_put(b, o, "tcp",
	           rdd__j_name_or_null(rdd_tcp_outcome_name(g->in_tcp)));
	rdd__j_put(b, o, "tcp_ms",
	           g->in_tcp != RDD_TCP_NOT_RUN ? rdd__j_ms_value(g->in_tcp_ms)
	                                        : json_null());
	rdd__j_put(
	    b, o, "tls",
	    rdd__j_name_or_null(rdd_tls_outcome_name(g->in_tls_outcome)));
	rdd__j_put(b, o, "tls_ms",
	           tcp_ok && tls_ok ? rdd__j_ms_value(g->in_tls_ms)
	                            : json_null());
	rdd__j_put(b, o, "requests", json_integer(g->in_requests));
	rdd__j_put(b, o, "http_status",
	           g->in_status != 0 ? json_integer(g->in_status)
	                             : json_null());
	rdd__j_put(b, o, "http_ms",
	           g->step > RDD_GW_STEP_HTTP_IN
	               ? rdd__j_ms_value(g->in_http_ms)
	               : json_null());
	rdd__j_put(b, o, "same_certificate",
	           tls_ok ? json_boolean(!g->in_cert_differs) : json_null());
	rdd__j_put(b, o, "certificate",
	           g->in_cert_differs ? build_cert(b, &g->in_tls.cert, now)
	                              : json_null());
	rdd__j_put(b, o, "filler_bytes", json_integer(g->filler_bytes));
	return o;
}

static json_t *
build_gateway(struct jb *b, const struct rdd_observation *obs)
{
	const struct rdd_gateway_info *g = &obs->gateway;
	json_t *o, *t;

	if (!g->present)
		return json_null();
	if ((o = json_object()) == NULL) {
		b->err = -1;
		return NULL;
	}
	rdd__j_put(b, o, "host", UNTRUSTED(g->host));
	rdd__j_put(b, o, "port", json_integer(g->port));
	rdd__j_put(b, o, "address", UNTRUSTED_OR_NULL(g->address));
	rdd__j_put(b, o, "outcome",
	           rdd__j_name_or_null(rdd_gw_outcome_name(g->outcome)));
	rdd__j_put(b, o, "step",
	           rdd__j_name_or_null(rdd_gw_step_name(g->step)));
	rdd__j_put(b, o, "detail", UNTRUSTED_OR_NULL(g->detail));
	rdd__j_put(b, o, "not_reached", build_not_reached(b, g));
	rdd__j_put(b, o, "tcp",
	           rdd__j_name_or_null(rdd_tcp_outcome_name(g->tcp)));
	rdd__j_put(b, o, "tcp_ms",
	           g->tcp == RDD_TCP_OK ? rdd__j_ms_value(g->tcp_ms)
	                                : json_null());
	if (g->tls.present) {
		if ((t = json_object()) == NULL) {
			b->err = -1;
			json_decref(o);
			return NULL;
		}
		rdd__j_put(b, t, "version", UNTRUSTED_OR_NULL(g->tls.version));
		rdd__j_put(b, t, "cipher", UNTRUSTED_OR_NULL(g->tls.cipher));
		rdd__j_put(b, t, "certificate",
		           build_cert(b, &g->tls.cert, obs->checked_at));
		rdd__j_put(b, o, "tls", t);
	} else {
		rdd__j_put(b, o, "tls", json_null());
	}
	rdd__j_put(b, o, "tls_outcome",
	           rdd__j_name_or_null(rdd_tls_outcome_name(g->tls_outcome)));
	rdd__j_put(b, o, "requests", json_integer(g->requests));
	rdd__j_put(b, o, "http_status",
	           g->status != 0 ? json_integer(g->status) : json_null());
	rdd__j_put(b, o, "http_reason", UNTRUSTED_OR_NULL(g->reason));
	rdd__j_put(b, o, "server", UNTRUSTED_OR_NULL(g->server));
	if ((t = json_array()) == NULL) {
		b->err = -1;
		json_decref(o);
		return NULL;
	}
	if (g->schemes & 0x01u)
		rdd__j_push(b, t, json_string("NTLM"));
	if (g->schemes & 0x02u)
		rdd__j_push(b, t, json_string("Negotiate"));
	if (g->schemes & 0x04u)
		rdd__j_push(b, t, json_string("Basic"));
	if (g->schemes & 0x08u)
		rdd__j_push(b, t, json_string("other"));
	rdd__j_put(b, o, "auth_schemes", t);
	rdd__j_put(b, o, "user",
	           g->credentials ? UNTRUSTED(g->user) : json_null());
	rdd__j_put(b, o, "domain",
	           g->credentials ? UNTRUSTED(g->domain) : json_null());
	rdd__j_put(b, o, "ntlm", json_boolean(g->ntlm));
	rdd__j_put(b, o, "channel_binding", json_boolean(g->channel_binding));
	if (g->auth_scheme[0] != '\0') {
		json_t *a = json_object();

		if (a == NULL) {
			b->err = -1;
			json_decref(o);
			return NULL;
		}
		rdd__j_put(b, a, "scheme", json_string(g->auth_scheme));
		rdd__j_put(b, a, "mechanism",
		           UNTRUSTED_OR_NULL(g->auth_mechanism));
		rdd__j_put(b, a, "mechanism_reason",
		           UNTRUSTED_OR_NULL(g->auth_reason));
		rdd__j_put(b, a, "server_mic",
		           UNTRUSTED_OR_NULL(g->auth_server_mic));
		rdd__j_put(b, o, "auth", a);
	} else {
		rdd__j_put(b, o, "auth", json_null());
	}
	rdd__j_put(b, o, "rpc_status",
	           g->rpc_status != 0 ? json_integer(g->rpc_status)
	                              : json_null());
	rdd__j_put(b, o, "transport", UNTRUSTED_OR_NULL(g->transport));
	rdd__j_put(b, o, "code",
	           g->has_code ? json_integer(g->code) : json_null());
	rdd__j_put(b, o, "code_name",
	           g->has_code
	               ? rdd__j_name_or_null(rdd_tsgu_code_name(g->code))
	               : json_null());
	rdd__j_put(b, o, "tunnel_id",
	           g->has_tunnel_id ? json_integer(g->tunnel_id) : json_null());
	rdd__j_put(b, o, "caps",
	           g->has_caps ? json_integer(g->caps) : json_null());
	rdd__j_put(b, o, "consent_message",
	           g->has_consent ? UNTRUSTED(g->consent) : json_null());
	rdd__j_put(b, o, "redirection_flags",
	           g->has_redir ? json_integer(g->redir_flags) : json_null());
	rdd__j_put(b, o, "idle_timeout_min",
	           g->has_idle ? json_integer(g->idle_timeout) : json_null());
	rdd__j_put(b, o, "resource", UNTRUSTED_OR_NULL(g->resource));
	rdd__j_put(b, o, "resource_port",
	           g->resource_port != 0 ? json_integer(g->resource_port)
	                                 : json_null());
	rdd__j_put(b, o, "channel_id",
	           g->has_channel_id ? json_integer(g->channel_id)
	                             : json_null());
	rdd__j_put(b, o, "bytes_sent", json_integer((json_int_t)g->bytes_sent));
	rdd__j_put(b, o, "bytes_received",
	           json_integer((json_int_t)g->bytes_received));
	rdd__j_put(b, o, "keepalives", json_integer(g->keepalives));
	rdd__j_put(b, o, "close_status",
	           g->close_channel ? json_integer(g->close_status)
	                            : json_null());
	rdd__j_put(b, o, "service_message",
	           g->has_service_message ? UNTRUSTED(g->service_message)
	                                  : json_null());
	rdd__j_put(b, o, "websocket_close_code",
	           g->ws_close ? json_integer(g->ws_close_code) : json_null());
	rdd__j_put(b, o, "connections", json_integer(g->connections));
	rdd__j_put(b, o, "in_channel", build_gateway_in(b, g, obs->checked_at));
	return o;
}

static json_t *
build_document(struct jb *b, const struct rdd_observation *obs,
               const struct rdd_diagnosis *diag)
{
	json_t *root = json_object(), *tool = json_object();

	if (root == NULL || tool == NULL) {
		json_decref(root);
		json_decref(tool);
		return NULL;
	}
	rdd__j_put(b, root, "schema", json_integer(RDD_JSON_SCHEMA_VERSION));
	rdd__j_put(b, tool, "name", json_string("rdpdoctor"));
	rdd__j_put(b, tool, "version", json_string(RDD_VERSION));
	rdd__j_put(b, root, "tool", tool);
	rdd__j_put(b, root, "checked_at", rdd__j_iso8601(obs->checked_at));
	rdd__j_put(b, root, "timeout_s",
	           isfinite(obs->timeout_s) ? json_real(obs->timeout_s)
	                                    : json_null());
	rdd__j_put(b, root, "total_ms", rdd__j_ms_value(obs->total_ms));
	rdd__j_put(b, root, "target", build_target(b, obs));
	rdd__j_put(b, root, "client_error", build_client_error(b, diag));
	rdd__j_put(b, root, "phases", build_phases(b, obs));
	rdd__j_put(b, root, "negotiation", build_negotiation(b, obs));
	rdd__j_put(b, root, "tls", build_tls(b, obs));
	rdd__j_put(b, root, "credssp", build_credssp(b, obs));
	rdd__j_put(b, root, "logon", rdd__json_logon(b, obs));
	rdd__j_put(b, root, "mcs", build_mcs(b, obs));
	rdd__j_put(b, root, "session", rdd__json_session(b, obs));
	rdd__j_put(b, root, "network", build_network(b, obs));
	rdd__j_put(b, root, "udp", build_udp(b, obs));
	rdd__j_put(b, root, "kerberos", build_kerberos(b, obs));
	rdd__j_put(b, root, "gateway", build_gateway(b, obs));
	rdd__j_put(b, root, "alternate_addresses", build_alternates(b, obs));
	rdd__j_put(b, root, "findings", build_findings(b, diag));
	rdd__j_put(b, root, "verdict", build_verdict(b, diag));
	return root;
}

/*
 * Write the document TEXT (jansson's output, valid UTF-8) with DEL and the
 * C1 controls U+0080-U+009F as \u escapes. jansson escapes only C0; these
 * would otherwise reach a terminal that shows the JSON raw (some honour
 * U+009B as CSI). In valid UTF-8 the byte 0xC2 is only ever a lead byte,
 * and such characters only occur inside strings, so the result is the same
 * JSON value.
 */
static int
write_document(FILE *out, const char *text)
{
	const char *p = text, *run = text;

	for (; *p != '\0'; p++) {
		unsigned char c0 = (unsigned char)p[0];
		unsigned char c1 = (unsigned char)p[1];
		unsigned cp;

		if (c0 == 0x7F)
			cp = 0x7F;
		else if (c0 == 0xC2 && c1 >= 0x80 && c1 <= 0x9F)
			cp = c1;
		else
			continue;
		if (fwrite(run, 1, (size_t)(p - run), out) !=
		        (size_t)(p - run) ||
		    fprintf(out, "\\u%04X", cp) < 0)
			return -1;
		if (cp != 0x7F)
			p++;
		run = p + 1;
	}
	if (fwrite(run, 1, (size_t)(p - run), out) != (size_t)(p - run))
		return -1;
	return 0;
}

void *
rdd_report_json_doc(const struct rdd_observation *obs,
                    const struct rdd_diagnosis *diag)
{
	struct jb b = {0};
	json_t *root = build_document(&b, obs, diag);

	if (root != NULL && b.err != 0) {
		json_decref(root);
		return NULL;
	}
	return root;
}

int
rdd_report_json_line(FILE *out, const void *doc)
{
	char *text;
	int rc = -1;

	if (doc == NULL)
		return -1;
	/* One line: compact, keys in the document's order. */
	text =
	    json_dumps((const json_t *)doc, JSON_COMPACT | JSON_PRESERVE_ORDER |
	                                        JSON_REAL_PRECISION(12));
	if (text == NULL)
		return -1;
	if (write_document(out, text) == 0 && fputc('\n', out) != EOF &&
	    !ferror(out))
		rc = 0;
	free(text);
	return rc;
}

int
rdd_report_json(FILE *out, const struct rdd_observation *obs,
                const struct rdd_diagnosis *diag)
{
	struct jb b = {0};
	json_t *root;
	char *text = NULL;
	int rc = -1;

	root = build_document(&b, obs, diag);
	if (root == NULL || b.err != 0)
		goto out;
	/* 12 significant digits print times rounded to 0.001 ms exactly
	 * ("1.2", not "1.2000000000000002"). */
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                            JSON_REAL_PRECISION(12));
	if (text == NULL)
		goto out;
	if (write_document(out, text) != 0 || fputc('\n', out) == EOF ||
	    fflush(out) != 0 || ferror(out))
		goto out;
	rc = 0;
out:
	free(text);
	json_decref(root);
	return rc;
}
