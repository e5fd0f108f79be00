/*
 * host_json.c - the host state as JSON, both ways, and the diagnosis of
 * a host as JSON (rdpdoctor/host.h, docs/json.md "host").
 *
 * In the state a number or string is a value that was read, null is a
 * value read as absent, and a member left out was not readable here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "rdpdoctor/host.h"
#include "rdpdoctor/report.h"
#include "report/json_int.h"

static const char *const profile_names[3] = {"Domain", "Private", "Public"};

/* ---- reading -------------------------------------------------------- */

struct rd {
	char *err;
	size_t cap;
	int failed;
};

static void
bad(struct rd *r, const char *what, const char *name)
{
	if (r->failed++ == 0)
		snprintf(r->err, r->cap, "%s: %s", name, what);
}

static void
get_dword(struct rd *r, json_t *obj, const char *name, struct rdd_host_dword *d)
{
	json_t *v = obj != NULL ? json_object_get(obj, name) : NULL;
	json_int_t n;

	if (v == NULL)
		return; /* not readable here */
	if (json_is_null(v)) {
		d->read = RDD_HOST_ABSENT;
		return;
	}
	if (json_is_true(v) || json_is_false(v)) {
		d->read = RDD_HOST_SET;
		d->value = json_is_true(v);
		return;
	}
	if (!json_is_integer(v) || (n = json_integer_value(v)) < 0 ||
	    n > 0xFFFFFFFFLL) {
		bad(r, "not a number from 0 to 4294967295", name);
		return;
	}
	d->read = RDD_HOST_SET;
	d->value = (uint32_t)n;
}

static void
get_setting(struct rd *r, json_t *obj, const char *name,
            struct rdd_host_setting *s)
{
	json_t *v = obj != NULL ? json_object_get(obj, name) : NULL;

	if (v == NULL)
		return;
	if (!json_is_object(v)) {
		bad(r, "not an object with \"local\" and \"policy\"", name);
		return;
	}
	get_dword(r, v, "local", &s->local);
	get_dword(r, v, "policy", &s->policy);
}

/* Copy SRC (valid UTF-8) into BUF, cut if needed at a character
 * boundary, so that what is kept stays valid UTF-8. */
static void
cut_utf8(char *buf, size_t cap, const char *src)
{
	size_t n = strlen(src), i, need;
	unsigned char c;

	if (n < cap) {
		memcpy(buf, src, n + 1);
		return;
	}
	n = cap - 1;
	memcpy(buf, src, n);
	/* Back to the start of the last character; drop it if cut. */
	i = n;
	while (i > 0 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0) {
		c = (unsigned char)buf[i - 1];
		need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		if ((i - 1) + need > n)
			n = i - 1;
	}
	memset(buf + n, 0, cap - n);
}

/* A string member into BUF; returns its read state (UNREADABLE when left
 * out). Longer strings are cut. */
static enum rdd_host_read
get_str(struct rd *r, json_t *obj, const char *name, char *buf, size_t cap)
{
	json_t *v = obj != NULL ? json_object_get(obj, name) : NULL;

	buf[0] = '\0';
	if (v == NULL)
		return RDD_HOST_UNREADABLE;
	if (json_is_null(v))
		return RDD_HOST_ABSENT;
	if (!json_is_string(v)) {
		bad(r, "not a string", name);
		return RDD_HOST_UNREADABLE;
	}
	cut_utf8(buf, cap, json_string_value(v));
	return RDD_HOST_SET;
}

static bool
is_thumb(const char *s)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return s[40] == '\0';
}

static void
get_thumb(struct rd *r, json_t *obj, const char *name, struct rdd_host_thumb *t)
{
	t->read = get_str(r, obj, name, t->hex, sizeof(t->hex));
	if (t->read == RDD_HOST_SET && !is_thumb(t->hex)) {
		bad(r, "not 40 uppercase hex digits", name);
		t->read = RDD_HOST_UNREADABLE;
		t->hex[0] = '\0';
	}
}

static int
get_bool(struct rd *r, json_t *obj, const char *name)
{
	json_t *v = obj != NULL ? json_object_get(obj, name) : NULL;

	if (v == NULL)
		return -1;
	if (!json_is_boolean(v)) {
		bad(r, "not true or false", name);
		return -1;
	}
	return json_is_true(v);
}

static json_t *
get_obj(struct rd *r, json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);

	if (v != NULL && !json_is_object(v)) {
		bad(r, "not an object", name);
		return NULL;
	}
	return v;
}

static void
read_cert(struct rd *r, json_t *c, struct rdd_host_cert *ct)
{
	char key[16];
	json_t *v;
	int b;

	if (c == NULL)
		return;
	b = get_bool(r, c, "found");
	ct->read =
	    b < 0 ? RDD_HOST_UNREADABLE : (b ? RDD_HOST_SET : RDD_HOST_ABSENT);
	if (get_str(r, c, "thumbprint", ct->thumbprint,
	            sizeof(ct->thumbprint)) == RDD_HOST_SET &&
	    !is_thumb(ct->thumbprint)) {
		bad(r, "not 40 uppercase hex digits", "certificate.thumbprint");
		ct->thumbprint[0] = '\0';
	}
	get_str(r, c, "store", ct->store, sizeof(ct->store));
	get_str(r, c, "subject", ct->subject, sizeof(ct->subject));
	if ((v = json_object_get(c, "not_after")) != NULL) {
		if (!json_is_integer(v))
			bad(r, "not a number", "certificate.not_after");
		else {
			ct->has_not_after = true;
			ct->not_after = (int64_t)json_integer_value(v);
		}
	}
	if ((b = get_bool(r, c, "server_auth")) >= 0) {
		ct->server_auth.read = RDD_HOST_SET;
		ct->server_auth.value = (uint32_t)b;
	}
	if (get_str(r, c, "key", key, sizeof(key)) == RDD_HOST_SET) {
		if (strcmp(key, "present") == 0)
			ct->key = RDD_HOST_KEY_PRESENT;
		else if (strcmp(key, "not-linked") == 0)
			ct->key = RDD_HOST_KEY_NOT_LINKED;
		else if (strcmp(key, "missing") == 0)
			ct->key = RDD_HOST_KEY_MISSING;
		else
			bad(r, "not present, not-linked or missing",
			    "certificate.key");
	}
	get_str(r, c, "key_container", ct->key_container,
	        sizeof(ct->key_container));
	get_str(r, c, "key_error", ct->key_error, sizeof(ct->key_error));
	get_str(r, c, "key_directory", ct->key_directory,
	        sizeof(ct->key_directory));
	if ((b = get_bool(r, c, "key_network_service_read")) >= 0) {
		ct->key_network_service_read.read = RDD_HOST_SET;
		ct->key_network_service_read.value = (uint32_t)b;
	}
}

/* "running" etc. into *SVC; null is ABSENT. */
static void
get_service(struct rd *r, json_t *o, const char *name, const char *label,
            enum rdd_host_service *svc)
{
	char v[16];

	switch (get_str(r, o, name, v, sizeof(v))) {
	case RDD_HOST_ABSENT:
		*svc = RDD_HOST_SVC_ABSENT;
		break;
	case RDD_HOST_SET:
		if (strcmp(v, "stopped") == 0)
			*svc = RDD_HOST_SVC_STOPPED;
		else if (strcmp(v, "running") == 0)
			*svc = RDD_HOST_SVC_RUNNING;
		else if (strcmp(v, "pending") == 0)
			*svc = RDD_HOST_SVC_PENDING;
		else
			bad(r, "not stopped, running or pending", label);
		break;
	case RDD_HOST_UNREADABLE:
		break;
	}
}

static void
read_deps(struct rd *r, json_t *svc, struct rdd_host_state *st)
{
	json_t *deps =
	           svc != NULL ? json_object_get(svc, "dependencies") : NULL,
	       *e;
	size_t i;

	if (deps == NULL)
		return;
	if (!json_is_array(deps)) {
		bad(r, "not an array", "service.dependencies");
		return;
	}
	st->termservice_deps_read = RDD_HOST_SET;
	json_array_foreach(deps, i, e)
	{
		struct rdd_host_dep *dp;

		if (!json_is_object(e)) {
			bad(r, "not an object", "service.dependencies[]");
			return;
		}
		if (st->n_termservice_deps >= RDD_HOST_DEPS)
			break; /* more than the reader writes: keep the first */
		dp = &st->termservice_deps[st->n_termservice_deps++];
		if (get_str(r, e, "name", dp->name, sizeof(dp->name)) !=
		    RDD_HOST_SET)
			bad(r, "missing", "service.dependencies[].name");
		get_service(r, e, "state", "service.dependencies[].state",
		            &dp->state);
		get_dword(r, e, "start_type", &dp->start);
	}
}

static void
read_firewall(struct rd *r, json_t *fw, struct rdd_host_state *st)
{
	json_t *profiles, *rules, *e;
	size_t i;

	if (fw == NULL)
		return;
	profiles = get_obj(r, fw, "profiles");
	for (i = 0; i < 3; i++)
		get_dword(r, profiles, profile_names[i],
		          &st->firewall_profile[i]);
	if ((rules = json_object_get(fw, "rules")) == NULL)
		return;
	if (!json_is_array(rules)) {
		bad(r, "not an array", "firewall.rules");
		return;
	}
	st->firewall_rules_read = RDD_HOST_SET;
	json_array_foreach(rules, i, e)
	{
		struct rdd_host_fw_rule *fr;

		if (!json_is_object(e)) {
			bad(r, "not an object", "firewall.rules[]");
			return;
		}
		if (st->n_firewall_rules >= RDD_HOST_FW_RULES)
			break; /* more than the reader writes: keep the first */
		fr = &st->firewall_rules[st->n_firewall_rules++];
		get_str(r, e, "id", fr->id, sizeof(fr->id));
		if (get_str(r, e, "rule", fr->rule, sizeof(fr->rule)) !=
		    RDD_HOST_SET)
			bad(r, "missing", "firewall.rules[].rule");
	}
}

int
rdd_host_state_from_json(const char *data, size_t len,
                         struct rdd_host_state *st, char *err, size_t cap)
{
	struct rd r = {err, cap, 0};
	json_error_t je;
	json_t *top, *o, *v;
	int b;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (cap > 0)
		err[0] = '\0';
	top = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (top == NULL) {
		snprintf(err, cap, "not JSON: line %d: %s", je.line, je.text);
		return -1;
	}
	if (!json_is_object(top) ||
	    !json_is_integer(
	        v = json_object_get(top, "rdpdoctor_host_state"))) {
		snprintf(err, cap,
		         "not a host state: no "
		         "\"rdpdoctor_host_state\" version");
		json_decref(top);
		return -1;
	}
	if (json_integer_value(v) != RDD_HOST_STATE_VERSION) {
		snprintf(err, cap,
		         "host state version %lld, this rdpdoctor "
		         "reads version %d",
		         (long long)json_integer_value(v),
		         RDD_HOST_STATE_VERSION);
		json_decref(top);
		return -1;
	}
	st->version = RDD_HOST_STATE_VERSION;
	if ((v = json_object_get(top, "collected_at")) != NULL) {
		if (json_is_integer(v))
			st->collected_at = (int64_t)json_integer_value(v);
		else
			bad(&r, "not a number", "collected_at");
	}
	get_str(&r, top, "computer", st->computer, sizeof(st->computer));
	get_str(&r, top, "os_version", st->os_version, sizeof(st->os_version));
	get_str(&r, top, "reader", st->reader, sizeof(st->reader));

	o = get_obj(&r, top, "listener");
	get_setting(&r, o, "fDenyTSConnections", &st->deny_connections);
	get_setting(&r, o, "SecurityLayer", &st->security_layer);
	get_setting(&r, o, "UserAuthentication", &st->user_authentication);
	get_setting(&r, o, "MinEncryptionLevel", &st->min_encryption);
	get_dword(&r, o, "PortNumber", &st->port);
	get_dword(&r, o, "fEnableWinStation", &st->enable_winstation);
	get_thumb(&r, o, "SSLCertificateSHA1Hash", &st->configured_cert);
	get_thumb(&r, o, "SelfSignedCertificate", &st->self_signed_cert);

	read_cert(&r, get_obj(&r, top, "certificate"), &st->cert);

	o = get_obj(&r, top, "credssp");
	get_dword(&r, o, "AllowEncryptionOracle", &st->credssp_oracle);

	if ((o = get_obj(&r, top, "schannel")) != NULL)
		for (i = 0; i < RDD_HOST_TLS_COUNT; i++) {
			json_t *p = get_obj(
			    &r, o, rdd_host_tls_name((enum rdd_host_tls)i));

			get_dword(&r, p, "Enabled", &st->schannel[i].enabled);
			get_dword(&r, p, "DisabledByDefault",
			          &st->schannel[i].disabled_by_default);
		}
	if (o != NULL) {
		json_t *p = get_obj(&r, o, "ciphers"),
		       *sv = json_object_get(o, "cipher_suite_order");

		for (i = 0; i < RDD_HOST_CIPHERS; i++)
			get_dword(&r, p,
			          rdd_host_cipher_name((enum rdd_host_cipher)i),
			          &st->schannel_cipher[i]);
		p = get_obj(&r, o, "key_exchange");
		for (i = 0; i < RDD_HOST_KEXES; i++)
			get_dword(&r, p,
			          rdd_host_kex_name((enum rdd_host_kex)i),
			          &st->schannel_kex[i]);
		/* Cut, the list could lose the one usable suite. */
		if (json_is_string(sv) &&
		    json_string_length(sv) >=
		        sizeof(st->cipher_suite_order.value))
			bad(&r, "longer than 2047 bytes", "cipher_suite_order");
		else
			st->cipher_suite_order.read =
			    get_str(&r, o, "cipher_suite_order",
			            st->cipher_suite_order.value,
			            sizeof(st->cipher_suite_order.value));
	}

	o = get_obj(&r, top, "licensing");
	get_setting(&r, o, "LicensingMode", &st->licensing_mode);
	st->license_servers_policy.read =
	    get_str(&r, o, "LicenseServers", st->license_servers_policy.value,
	            sizeof(st->license_servers_policy.value));
	st->license_servers_local.read = get_str(
	    &r, o, "SpecifiedLicenseServers", st->license_servers_local.value,
	    sizeof(st->license_servers_local.value));
	/* true, false or null; a number would not write back the same. */
	if (o != NULL &&
	    (v = json_object_get(o, "grace_period_timebomb")) != NULL &&
	    !json_is_boolean(v) && !json_is_null(v))
		bad(&r, "not true, false or null", "grace_period_timebomb");
	else
		get_dword(&r, o, "grace_period_timebomb", &st->grace_timebomb);
	get_dword(&r, o, "TerminalServerMode", &st->terminal_server_mode);
	get_dword(&r, o, "grace_period_days_left", &st->grace_days_left);

	o = get_obj(&r, top, "service");
	get_service(&r, o, "TermService", "service.TermService",
	            &st->termservice);
	get_dword(&r, o, "start_type", &st->termservice_start);
	read_deps(&r, o, st);
	if ((b = get_bool(&r, top, "listening")) >= 0) {
		st->listening.read = RDD_HOST_SET;
		st->listening.value = (uint32_t)b;
	}
	read_firewall(&r, get_obj(&r, top, "firewall"), st);
	json_decref(top);
	return r.failed ? -1 : 0;
}

/* ---- writing -------------------------------------------------------- */

static json_t *
dword_v(const struct rdd_host_dword *d)
{
	return d->read == RDD_HOST_SET ? json_integer(d->value) : json_null();
}

/* Put D under NAME unless it was not readable. */
static void
put_dword(struct jb *b, json_t *o, const char *name,
          const struct rdd_host_dword *d)
{
	if (d->read != RDD_HOST_UNREADABLE)
		rdd__j_put(b, o, name, dword_v(d));
}

static void
put_bool(struct jb *b, json_t *o, const char *name,
         const struct rdd_host_dword *d)
{
	if (d->read == RDD_HOST_SET)
		rdd__j_put(b, o, name, json_boolean(d->value != 0));
}

static void
put_setting(struct jb *b, json_t *o, const char *name,
            const struct rdd_host_setting *s)
{
	json_t *x;

	if (s->local.read == RDD_HOST_UNREADABLE &&
	    s->policy.read == RDD_HOST_UNREADABLE)
		return;
	x = json_object();
	if (x == NULL) {
		b->err = 1;
		return;
	}
	put_dword(b, x, "local", &s->local);
	put_dword(b, x, "policy", &s->policy);
	rdd__j_put(b, o, name, x);
}

static void
put_str(struct jb *b, json_t *o, const char *name, enum rdd_host_read rd,
        const char *s, size_t cap)
{
	if (rd == RDD_HOST_SET)
		rdd__j_put(b, o, name, rdd__j_untrusted(s, cap));
	else if (rd == RDD_HOST_ABSENT)
		rdd__j_put(b, o, name, json_null());
}

static json_t *
obj_or_fail(struct jb *b)
{
	json_t *o = json_object();

	if (o == NULL)
		b->err = 1;
	return o;
}

static json_t *
build_cert(struct jb *b, const struct rdd_host_cert *ct)
{
	json_t *o = obj_or_fail(b);

	if (o == NULL)
		return NULL;
	if (ct->read != RDD_HOST_UNREADABLE)
		rdd__j_put(b, o, "found",
		           json_boolean(ct->read == RDD_HOST_SET));
	put_str(b, o, "thumbprint", ct->thumbprint[0] ? RDD_HOST_SET : 0,
	        ct->thumbprint, sizeof(ct->thumbprint));
	put_str(b, o, "store", ct->store[0] ? RDD_HOST_SET : 0, ct->store,
	        sizeof(ct->store));
	put_str(b, o, "subject", ct->subject[0] ? RDD_HOST_SET : 0, ct->subject,
	        sizeof(ct->subject));
	if (ct->has_not_after)
		rdd__j_put(b, o, "not_after", json_integer(ct->not_after));
	put_bool(b, o, "server_auth", &ct->server_auth);
	if (rdd_host_key_name(ct->key) != NULL)
		rdd__j_put(b, o, "key",
		           json_string(rdd_host_key_name(ct->key)));
	put_str(b, o, "key_container", ct->key_container[0] ? RDD_HOST_SET : 0,
	        ct->key_container, sizeof(ct->key_container));
	put_str(b, o, "key_error", ct->key_error[0] ? RDD_HOST_SET : 0,
	        ct->key_error, sizeof(ct->key_error));
	put_str(b, o, "key_directory", ct->key_directory[0] ? RDD_HOST_SET : 0,
	        ct->key_directory, sizeof(ct->key_directory));
	put_bool(b, o, "key_network_service_read",
	         &ct->key_network_service_read);
	return o;
}

static json_t *
build_deps(struct jb *b, const struct rdd_host_state *st)
{
	json_t *arr = json_array(), *p;
	size_t i;

	if (arr == NULL) {
		b->err = 1;
		return NULL;
	}
	for (i = 0; i < st->n_termservice_deps && i < RDD_HOST_DEPS; i++) {
		const struct rdd_host_dep *dp = &st->termservice_deps[i];

		if ((p = obj_or_fail(b)) == NULL)
			break;
		rdd__j_put(b, p, "name", UNTRUSTED(dp->name));
		if (dp->state == RDD_HOST_SVC_ABSENT)
			rdd__j_put(b, p, "state", json_null());
		else if (rdd_host_service_name(dp->state) != NULL)
			rdd__j_put(
			    b, p, "state",
			    json_string(rdd_host_service_name(dp->state)));
		put_dword(b, p, "start_type", &dp->start);
		rdd__j_push(b, arr, p);
	}
	return arr;
}

static json_t *
build_state(struct jb *b, const struct rdd_host_state *st)
{
	json_t *top = obj_or_fail(b), *o, *p, *arr;
	size_t i;

	if (top == NULL)
		return NULL;
	rdd__j_put(b, top, "rdpdoctor_host_state",
	           json_integer(RDD_HOST_STATE_VERSION));
	if (st->collected_at != 0)
		rdd__j_put(b, top, "collected_at",
		           json_integer(st->collected_at));
	put_str(b, top, "computer", st->computer[0] ? RDD_HOST_SET : 0,
	        st->computer, sizeof(st->computer));
	put_str(b, top, "os_version", st->os_version[0] ? RDD_HOST_SET : 0,
	        st->os_version, sizeof(st->os_version));
	put_str(b, top, "reader", st->reader[0] ? RDD_HOST_SET : 0, st->reader,
	        sizeof(st->reader));

	if ((o = obj_or_fail(b)) != NULL) {
		put_setting(b, o, "fDenyTSConnections", &st->deny_connections);
		put_setting(b, o, "SecurityLayer", &st->security_layer);
		put_setting(b, o, "UserAuthentication",
		            &st->user_authentication);
		put_setting(b, o, "MinEncryptionLevel", &st->min_encryption);
		put_dword(b, o, "PortNumber", &st->port);
		put_dword(b, o, "fEnableWinStation", &st->enable_winstation);
		put_str(b, o, "SSLCertificateSHA1Hash",
		        st->configured_cert.read, st->configured_cert.hex,
		        sizeof(st->configured_cert.hex));
		put_str(b, o, "SelfSignedCertificate",
		        st->self_signed_cert.read, st->self_signed_cert.hex,
		        sizeof(st->self_signed_cert.hex));
		rdd__j_put(b, top, "listener", o);
	}
	rdd__j_put(b, top, "certificate", build_cert(b, &st->cert));
	if ((o = obj_or_fail(b)) != NULL) {
		put_dword(b, o, "AllowEncryptionOracle", &st->credssp_oracle);
		rdd__j_put(b, top, "credssp", o);
	}
	if ((o = obj_or_fail(b)) != NULL) {
		for (i = 0; i < RDD_HOST_TLS_COUNT; i++) {
			if ((p = obj_or_fail(b)) == NULL)
				break;
			put_dword(b, p, "Enabled", &st->schannel[i].enabled);
			put_dword(b, p, "DisabledByDefault",
			          &st->schannel[i].disabled_by_default);
			rdd__j_put(b, o,
			           rdd_host_tls_name((enum rdd_host_tls)i), p);
		}
		if ((p = obj_or_fail(b)) != NULL) {
			for (i = 0; i < RDD_HOST_CIPHERS; i++)
				put_dword(b, p,
				          rdd_host_cipher_name(
				              (enum rdd_host_cipher)i),
				          &st->schannel_cipher[i]);
			rdd__j_put(b, o, "ciphers", p);
		}
		if ((p = obj_or_fail(b)) != NULL) {
			for (i = 0; i < RDD_HOST_KEXES; i++)
				put_dword(
				    b, p,
				    rdd_host_kex_name((enum rdd_host_kex)i),
				    &st->schannel_kex[i]);
			rdd__j_put(b, o, "key_exchange", p);
		}
		put_str(b, o, "cipher_suite_order", st->cipher_suite_order.read,
		        st->cipher_suite_order.value,
		        sizeof(st->cipher_suite_order.value));
		rdd__j_put(b, top, "schannel", o);
	}
	if ((o = obj_or_fail(b)) != NULL) {
		put_setting(b, o, "LicensingMode", &st->licensing_mode);
		put_str(b, o, "LicenseServers", st->license_servers_policy.read,
		        st->license_servers_policy.value,
		        sizeof(st->license_servers_policy.value));
		put_str(b, o, "SpecifiedLicenseServers",
		        st->license_servers_local.read,
		        st->license_servers_local.value,
		        sizeof(st->license_servers_local.value));
		if (st->grace_timebomb.read == RDD_HOST_SET)
			put_bool(b, o, "grace_period_timebomb",
			         &st->grace_timebomb);
		else
			put_dword(b, o, "grace_period_timebomb",
			          &st->grace_timebomb);
		put_dword(b, o, "TerminalServerMode",
		          &st->terminal_server_mode);
		put_dword(b, o, "grace_period_days_left", &st->grace_days_left);
		rdd__j_put(b, top, "licensing", o);
	}
	if ((o = obj_or_fail(b)) != NULL) {
		if (st->termservice == RDD_HOST_SVC_ABSENT)
			rdd__j_put(b, o, "TermService", json_null());
		else if (rdd_host_service_name(st->termservice) != NULL)
			rdd__j_put(b, o, "TermService",
			           json_string(
			               rdd_host_service_name(st->termservice)));
		put_dword(b, o, "start_type", &st->termservice_start);
		if (st->termservice_deps_read == RDD_HOST_SET)
			rdd__j_put(b, o, "dependencies", build_deps(b, st));
		rdd__j_put(b, top, "service", o);
	}
	put_bool(b, top, "listening", &st->listening);
	if ((o = obj_or_fail(b)) != NULL) {
		if ((p = obj_or_fail(b)) != NULL) {
			for (i = 0; i < 3; i++)
				put_dword(b, p, profile_names[i],
				          &st->firewall_profile[i]);
			rdd__j_put(b, o, "profiles", p);
		}
		if (st->firewall_rules_read == RDD_HOST_SET &&
		    (arr = json_array()) != NULL) {
			for (i = 0;
			     i < st->n_firewall_rules && i < RDD_HOST_FW_RULES;
			     i++) {
				const struct rdd_host_fw_rule *fr =
				    &st->firewall_rules[i];

				if ((p = obj_or_fail(b)) == NULL)
					break;
				rdd__j_put(b, p, "id", UNTRUSTED(fr->id));
				rdd__j_put(b, p, "rule", UNTRUSTED(fr->rule));
				rdd__j_push(b, arr, p);
			}
			rdd__j_put(b, o, "rules", arr);
		}
		rdd__j_put(b, top, "firewall", o);
	}
	return top;
}

static int
dump(FILE *out, struct jb *b, json_t *doc)
{
	int rc = -1;

	if (doc != NULL && b->err == 0 &&
	    json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
	    fputc('\n', out) != EOF)
		rc = 0;
	json_decref(doc);
	return rc;
}

int
rdd_host_state_write_json(FILE *out, const struct rdd_host_state *st)
{
	struct jb b = {0};

	return dump(out, &b, build_state(&b, st));
}

static json_t *
steps(struct jb *b, const char *s)
{
	json_t *arr = json_array();
	const char *p = s;

	if (arr == NULL) {
		b->err = 1;
		return NULL;
	}
	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, "\n");

		if (n > 0)
			rdd__j_push(b, arr, json_stringn(p, n));
		p += n;
		if (*p == '\n')
			p++;
	}
	return arr;
}

static json_t *
build_findings(struct jb *b, const struct rdd_diagnosis *d)
{
	json_t *arr = json_array(), *o;
	size_t i;

	if (arr == NULL) {
		b->err = 1;
		return NULL;
	}
	for (i = 0; i < d->n_findings && i < RDD_MAX_FINDINGS; i++) {
		const struct rdd_finding *f = &d->findings[i];
		const struct rdd_cause_info *ci = rdd_cause_info(f->cause);

		if (ci == NULL || (o = obj_or_fail(b)) == NULL)
			continue;
		rdd__j_put(b, o, "id", json_string(ci->id));
		rdd__j_put(b, o, "severity",
		           rdd__j_name_or_null(rdd_severity_name(f->severity)));
		rdd__j_put(b, o, "phase",
		           rdd__j_name_or_null(rdd_phase_name(f->phase)));
		rdd__j_put(b, o, "title", json_string(ci->title));
		rdd__j_put(b, o, "explanation", json_string(ci->explanation));
		rdd__j_put(b, o, "evidence", UNTRUSTED(f->evidence));
		rdd__j_put(b, o, "fix", steps(b, ci->fix_host));
		rdd__j_put(b, o, "client_fix", steps(b, ci->fix_client));
		rdd__j_put(b, o, "lowers_security",
		           ci->lowers_security[0] != '\0'
		               ? json_string(ci->lowers_security)
		               : json_null());
		rdd__j_push(b, arr, o);
	}
	return arr;
}

static json_t *
tristate(int v)
{
	return v < 0 ? json_null() : json_boolean(v != 0);
}

/* "listener_check": the state and the check of its listener, side by
 * side, then the check's own document. */
static json_t *
build_listener_check(struct jb *b, const struct rdd_host_state *st,
                     const struct rdd_observation *obs,
                     const struct rdd_diagnosis *check_diag)
{
	json_t *o = obj_or_fail(b), *v;
	const struct rdd_phase_result *tcp = &obs->phases[RDD_PHASE_TCP];
	const struct rdd_cert *served = &obs->tls.cert;
	const char *exp_src, *exp = rdd_host_expected_thumbprint(st, &exp_src);
	const char *src;
	uint32_t x;

	if (o == NULL)
		return NULL;
	rdd__j_put(b, o, "target", UNTRUSTED(obs->host));
	rdd__j_put(b, o, "port", json_integer(obs->port));
	if ((v = obj_or_fail(b)) != NULL) {
		rdd__j_put(b, v, "state",
		           st->listening.read == RDD_HOST_SET
		               ? json_boolean(st->listening.value != 0)
		               : json_null());
		rdd__j_put(b, v, "check",
		           tcp->present
		               ? json_string(rdd_status_name(tcp->status))
		               : json_null());
		rdd__j_put(b, o, "listening", v);
	}
	if ((v = obj_or_fail(b)) != NULL) {
		rdd__j_put(b, v, "state",
		           exp != NULL ? json_string(exp) : json_null());
		rdd__j_put(b, v, "state_source",
		           exp != NULL ? json_string(exp_src) : json_null());
		rdd__j_put(b, v, "served",
		           obs->tls.present && served->present &&
		                   served->sha1[0] != '\0'
		               ? json_string(served->sha1)
		               : json_null());
		rdd__j_put(
		    b, v, "match",
		    exp == NULL || !obs->tls.present || !served->present ||
		            served->sha1[0] == '\0'
		        ? json_null()
		        : json_boolean(strcasecmp(served->sha1, exp) == 0));
		rdd__j_put(b, o, "certificate", v);
	}
	if ((v = obj_or_fail(b)) != NULL) {
		src = rdd_host_effective(&st->security_layer, &x);
		rdd__j_put(b, v, "state", src ? json_integer(x) : json_null());
		rdd__j_put(b, v, "check",
		           obs->security_layer != RDD_SECLAYER_UNKNOWN
		               ? json_string(rdd_security_layer_name(
		                     obs->security_layer))
		               : json_null());
		rdd__j_put(b, o, "security_layer", v);
	}
	if ((v = obj_or_fail(b)) != NULL) {
		src = rdd_host_effective(&st->user_authentication, &x);
		rdd__j_put(b, v, "state",
		           src ? json_boolean(x != 0) : json_null());
		rdd__j_put(b, v, "check", tristate(obs->nla_required));
		rdd__j_put(b, o, "nla", v);
	}
	rdd__j_put(b, o, "check", rdd_report_json_doc(obs, check_diag));
	return o;
}

int
rdd_report_host_json(FILE *out, const struct rdd_host_state *st,
                     const struct rdd_diagnosis *d)
{
	return rdd_report_host_check_json(out, st, d, NULL, NULL);
}

int
rdd_report_host_check_json(FILE *out, const struct rdd_host_state *st,
                           const struct rdd_diagnosis *d,
                           const struct rdd_observation *obs,
                           const struct rdd_diagnosis *check_diag)
{
	struct jb b = {0};
	json_t *top = obj_or_fail(&b), *v;
	uint32_t x;
	const char *src;

	if (top == NULL)
		return -1;
	if ((v = obj_or_fail(&b)) != NULL) {
		put_str(&b, v, "computer", st->computer[0] ? RDD_HOST_SET : 0,
		        st->computer, sizeof(st->computer));
		rdd__j_put(&b, v, "collected_at",
		           st->collected_at != 0
		               ? rdd__j_iso8601(st->collected_at)
		               : json_null());
		src = rdd_host_effective(&st->security_layer, &x);
		rdd__j_put(&b, v, "security_layer",
		           src ? json_integer(x) : json_null());
		rdd__j_put(&b, v, "security_layer_source",
		           src ? json_string(src) : json_null());
		src = rdd_host_effective(&st->user_authentication, &x);
		rdd__j_put(&b, v, "nla",
		           src ? json_boolean(x != 0) : json_null());
		rdd__j_put(&b, v, "nla_source",
		           src ? json_string(src) : json_null());
		rdd__j_put(&b, top, "host", v);
	}
	rdd__j_put(&b, top, "state", build_state(&b, st));
	if (obs != NULL && check_diag != NULL)
		rdd__j_put(&b, top, "listener_check",
		           build_listener_check(&b, st, obs, check_diag));
	rdd__j_put(&b, top, "findings", build_findings(&b, d));
	if ((v = obj_or_fail(&b)) != NULL) {
		rdd__j_put(&b, v, "status",
		           json_string(rdd_verdict_name(d->status)));
		rdd__j_put(&b, v, "failed_phase",
		           d->failed_phase >= 0
		               ? rdd__j_name_or_null(rdd_phase_name(
		                     (enum rdd_phase)d->failed_phase))
		               : json_null());
		rdd__j_put(&b, v, "summary", json_string(d->summary));
		rdd__j_put(&b, top, "verdict", v);
	}
	return dump(out, &b, top);
}
