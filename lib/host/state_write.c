/*
 * state_write.c - the host state as JSON, written by hand: the same
 * format as rdd_host_state_write_json() (lib/report/host_json.c, which
 * reads it back), without jansson, so that rdpdoctor-host.exe (lib/host/
 * win/, built with mingw-w64 where jansson is not packaged) can use it.
 * Only ISO C and stdio. Strings are escaped for JSON; the reader on
 * Windows produces them as UTF-8 from UTF-16.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "host/state_write.h"

struct w {
	FILE *f;
	int depth;
	int first; /* no member written yet at this depth */
};

static void
indent(struct w *w)
{
	int i;

	fputc('\n', w->f);
	for (i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

static void
str(struct w *w, const char *s, size_t cap)
{
	size_t i;

	fputc('"', w->f);
	for (i = 0; i < cap && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(w->f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(w->f, "\\u%04x", c);
		else
			fputc(c, w->f);
	}
	fputc('"', w->f);
}

static void
key(struct w *w, const char *k)
{
	if (!w->first)
		fputc(',', w->f);
	w->first = 0;
	indent(w);
	str(w, k, strlen(k));
	fputs(": ", w->f);
}

static void
open_obj(struct w *w, const char *k)
{
	if (k != NULL)
		key(w, k);
	fputc('{', w->f);
	w->depth++;
	w->first = 1;
}

static void
close_obj(struct w *w)
{
	int empty = w->first;

	w->depth--;
	if (!empty)
		indent(w);
	fputc('}', w->f);
	w->first = 0;
}

static void
dword(struct w *w, const char *k, const struct rdd_host_dword *d)
{
	if (d->read == RDD_HOST_UNREADABLE)
		return;
	key(w, k);
	if (d->read == RDD_HOST_SET)
		fprintf(w->f, "%" PRIu32, d->value);
	else
		fputs("null", w->f);
}

static void
boolean(struct w *w, const char *k, const struct rdd_host_dword *d)
{
	if (d->read != RDD_HOST_SET)
		return;
	key(w, k);
	fputs(d->value ? "true" : "false", w->f);
}

static void
setting(struct w *w, const char *k, const struct rdd_host_setting *s)
{
	if (s->local.read == RDD_HOST_UNREADABLE &&
	    s->policy.read == RDD_HOST_UNREADABLE)
		return;
	open_obj(w, k);
	dword(w, "local", &s->local);
	dword(w, "policy", &s->policy);
	close_obj(w);
}

static void
string(struct w *w, const char *k, enum rdd_host_read rd, const char *s,
       size_t cap)
{
	if (rd == RDD_HOST_UNREADABLE)
		return;
	key(w, k);
	if (rd == RDD_HOST_SET)
		str(w, s, cap);
	else
		fputs("null", w->f);
}

/* A text field that is either set (non-empty) or left out. */
static void
text(struct w *w, const char *k, const char *s, size_t cap)
{
	if (s[0] != '\0')
		string(w, k, RDD_HOST_SET, s, cap);
}

static const char *
key_name(enum rdd_host_key k)
{
	switch (k) {
	case RDD_HOST_KEY_PRESENT:
		return "present";
	case RDD_HOST_KEY_NOT_LINKED:
		return "not-linked";
	case RDD_HOST_KEY_MISSING:
		return "missing";
	case RDD_HOST_KEY_UNREADABLE:
		break;
	}
	return NULL;
}

static const char *
service_name(enum rdd_host_service s)
{
	switch (s) {
	case RDD_HOST_SVC_STOPPED:
		return "stopped";
	case RDD_HOST_SVC_RUNNING:
		return "running";
	case RDD_HOST_SVC_PENDING:
		return "pending";
	case RDD_HOST_SVC_ABSENT:
	case RDD_HOST_SVC_UNREADABLE:
		break;
	}
	return NULL;
}

/* "dependencies": [{"name", "state", "start_type"}, ...] */
static void
dependencies(struct w *w, const struct rdd_host_state *st)
{
	size_t i;

	key(w, "dependencies");
	fputc('[', w->f);
	w->depth++;
	for (i = 0; i < st->n_termservice_deps && i < RDD_HOST_DEPS; i++) {
		const struct rdd_host_dep *dp = &st->termservice_deps[i];

		if (i > 0)
			fputc(',', w->f);
		indent(w);
		fputc('{', w->f);
		w->depth++;
		w->first = 1;
		string(w, "name", RDD_HOST_SET, dp->name, sizeof(dp->name));
		if (dp->state == RDD_HOST_SVC_ABSENT)
			string(w, "state", RDD_HOST_ABSENT, "", 1);
		else if (service_name(dp->state) != NULL)
			string(w, "state", RDD_HOST_SET,
			       service_name(dp->state), 16);
		dword(w, "start_type", &dp->start);
		close_obj(w);
	}
	w->depth--;
	if (i > 0)
		indent(w);
	fputc(']', w->f);
	w->first = 0;
}

int
rdd_host_state_write_plain(FILE *f, const struct rdd_host_state *st)
{
	static const char *const tls[RDD_HOST_TLS_COUNT] = {"tls1.0", "tls1.1",
	                                                    "tls1.2", "tls1.3"};
	static const char *const profiles[3] = {"Domain", "Private", "Public"};
	static const char *const ciphers[RDD_HOST_CIPHERS] = {"AES 128/128",
	                                                      "AES 256/256"};
	static const char *const kexes[RDD_HOST_KEXES] = {
	    "ECDH", "Diffie-Hellman", "PKCS"};
	const struct rdd_host_cert *ct = &st->cert;
	struct w w = {f, 0, 1};
	size_t i;

	open_obj(&w, NULL);
	key(&w, "rdpdoctor_host_state");
	fprintf(f, "%d", RDD_HOST_STATE_VERSION);
	if (st->collected_at != 0) {
		key(&w, "collected_at");
		fprintf(f, "%" PRId64, st->collected_at);
	}
	text(&w, "computer", st->computer, sizeof(st->computer));
	text(&w, "os_version", st->os_version, sizeof(st->os_version));
	text(&w, "reader", st->reader, sizeof(st->reader));

	open_obj(&w, "listener");
	setting(&w, "fDenyTSConnections", &st->deny_connections);
	setting(&w, "SecurityLayer", &st->security_layer);
	setting(&w, "UserAuthentication", &st->user_authentication);
	setting(&w, "MinEncryptionLevel", &st->min_encryption);
	dword(&w, "PortNumber", &st->port);
	dword(&w, "fEnableWinStation", &st->enable_winstation);
	string(&w, "SSLCertificateSHA1Hash", st->configured_cert.read,
	       st->configured_cert.hex, sizeof(st->configured_cert.hex));
	string(&w, "SelfSignedCertificate", st->self_signed_cert.read,
	       st->self_signed_cert.hex, sizeof(st->self_signed_cert.hex));
	close_obj(&w);

	open_obj(&w, "certificate");
	if (ct->read != RDD_HOST_UNREADABLE) {
		key(&w, "found");
		fputs(ct->read == RDD_HOST_SET ? "true" : "false", f);
	}
	text(&w, "thumbprint", ct->thumbprint, sizeof(ct->thumbprint));
	text(&w, "store", ct->store, sizeof(ct->store));
	text(&w, "subject", ct->subject, sizeof(ct->subject));
	if (ct->has_not_after) {
		key(&w, "not_after");
		fprintf(f, "%" PRId64, ct->not_after);
	}
	boolean(&w, "server_auth", &ct->server_auth);
	if (key_name(ct->key) != NULL)
		string(&w, "key", RDD_HOST_SET, key_name(ct->key), 16);
	text(&w, "key_container", ct->key_container, sizeof(ct->key_container));
	text(&w, "key_error", ct->key_error, sizeof(ct->key_error));
	text(&w, "key_directory", ct->key_directory, sizeof(ct->key_directory));
	boolean(&w, "key_network_service_read", &ct->key_network_service_read);
	close_obj(&w);

	open_obj(&w, "credssp");
	dword(&w, "AllowEncryptionOracle", &st->credssp_oracle);
	close_obj(&w);

	open_obj(&w, "schannel");
	for (i = 0; i < RDD_HOST_TLS_COUNT; i++) {
		open_obj(&w, tls[i]);
		dword(&w, "Enabled", &st->schannel[i].enabled);
		dword(&w, "DisabledByDefault",
		      &st->schannel[i].disabled_by_default);
		close_obj(&w);
	}
	open_obj(&w, "ciphers");
	for (i = 0; i < RDD_HOST_CIPHERS; i++)
		dword(&w, ciphers[i], &st->schannel_cipher[i]);
	close_obj(&w);
	open_obj(&w, "key_exchange");
	for (i = 0; i < RDD_HOST_KEXES; i++)
		dword(&w, kexes[i], &st->schannel_kex[i]);
	close_obj(&w);
	string(&w, "cipher_suite_order", st->cipher_suite_order.read,
	       st->cipher_suite_order.value,
	       sizeof(st->cipher_suite_order.value));
	close_obj(&w);

	open_obj(&w, "licensing");
	setting(&w, "LicensingMode", &st->licensing_mode);
	string(&w, "LicenseServers", st->license_servers_policy.read,
	       st->license_servers_policy.value,
	       sizeof(st->license_servers_policy.value));
	string(&w, "SpecifiedLicenseServers", st->license_servers_local.read,
	       st->license_servers_local.value,
	       sizeof(st->license_servers_local.value));
	if (st->grace_timebomb.read == RDD_HOST_SET)
		boolean(&w, "grace_period_timebomb", &st->grace_timebomb);
	else
		dword(&w, "grace_period_timebomb", &st->grace_timebomb);
	dword(&w, "TerminalServerMode", &st->terminal_server_mode);
	dword(&w, "grace_period_days_left", &st->grace_days_left);
	close_obj(&w);

	open_obj(&w, "service");
	if (st->termservice == RDD_HOST_SVC_ABSENT)
		string(&w, "TermService", RDD_HOST_ABSENT, "", 1);
	else if (service_name(st->termservice) != NULL)
		string(&w, "TermService", RDD_HOST_SET,
		       service_name(st->termservice), 16);
	dword(&w, "start_type", &st->termservice_start);
	if (st->termservice_deps_read == RDD_HOST_SET)
		dependencies(&w, st);
	close_obj(&w);

	boolean(&w, "listening", &st->listening);

	open_obj(&w, "firewall");
	open_obj(&w, "profiles");
	for (i = 0; i < 3; i++)
		dword(&w, profiles[i], &st->firewall_profile[i]);
	close_obj(&w);
	if (st->firewall_rules_read == RDD_HOST_SET) {
		key(&w, "rules");
		fputc('[', f);
		w.depth++;
		for (i = 0; i < st->n_firewall_rules && i < RDD_HOST_FW_RULES;
		     i++) {
			if (i > 0)
				fputc(',', f);
			indent(&w);
			fputc('{', f);
			w.depth++;
			w.first = 1;
			text(&w, "id", st->firewall_rules[i].id,
			     sizeof(st->firewall_rules[i].id));
			string(&w, "rule", RDD_HOST_SET,
			       st->firewall_rules[i].rule,
			       sizeof(st->firewall_rules[i].rule));
			close_obj(&w);
		}
		w.depth--;
		if (i > 0)
			indent(&w);
		fputc(']', f);
		w.first = 0;
	}
	close_obj(&w);
	close_obj(&w);
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}
