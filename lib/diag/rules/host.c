/*
 * host.c - the server's own self-check (rdpdoctor/host.h): from a state
 * read on the Windows server to findings and a verdict.
 *
 * Effective values follow Windows: a Group Policy value wins over the
 * listener (or machine, or Server Manager) value; a value that was not
 * readable is never guessed from, so no finding comes from it.
 */
#include <string.h>
#include <strings.h>

#include "diag/rules/rules.h"
#include "rdpdoctor/host.h"

const char *
rdd_host_tls_name(enum rdd_host_tls t)
{
	static const char *const names[RDD_HOST_TLS_COUNT] = {
	    "tls1.0", "tls1.1", "tls1.2", "tls1.3"};

	return (unsigned)t < RDD_HOST_TLS_COUNT ? names[t] : NULL;
}

const char *
rdd_host_cipher_name(enum rdd_host_cipher c)
{
	static const char *const names[RDD_HOST_CIPHERS] = {"AES 128/128",
	                                                    "AES 256/256"};

	return (unsigned)c < RDD_HOST_CIPHERS ? names[c] : NULL;
}

const char *
rdd_host_kex_name(enum rdd_host_kex k)
{
	static const char *const names[RDD_HOST_KEXES] = {
	    "ECDH", "Diffie-Hellman", "PKCS"};

	return (unsigned)k < RDD_HOST_KEXES ? names[k] : NULL;
}

const char *
rdd_host_service_name(enum rdd_host_service s)
{
	switch (s) {
	case RDD_HOST_SVC_ABSENT:
		return "absent";
	case RDD_HOST_SVC_STOPPED:
		return "stopped";
	case RDD_HOST_SVC_RUNNING:
		return "running";
	case RDD_HOST_SVC_PENDING:
		return "pending";
	case RDD_HOST_SVC_UNREADABLE:
		break;
	}
	return NULL;
}

const char *
rdd_host_key_name(enum rdd_host_key k)
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

const char *
rdd_host_effective(const struct rdd_host_setting *s, uint32_t *value)
{
	if (s->policy.read == RDD_HOST_SET) {
		*value = s->policy.value;
		return "policy";
	}
	/* The policy copy must be known to be absent: an unreadable policy
	 * key could hold a value that wins. */
	if (s->policy.read == RDD_HOST_ABSENT &&
	    s->local.read == RDD_HOST_SET) {
		*value = s->local.value;
		return "local";
	}
	return NULL;
}

/* "Group Policy" or "the listener" etc., for evidence. */
static const char *
source_words(const char *src, const char *local_words)
{
	return strcmp(src, "policy") == 0 ? "Group Policy" : local_words;
}

static bool
is_set(const struct rdd_host_dword *d, uint32_t v)
{
	return d->read == RDD_HOST_SET && d->value == v;
}

static void
rules_connections(struct ctx *c, const struct rdd_host_state *st)
{
	uint32_t v;
	const char *src = rdd_host_effective(&st->deny_connections, &v);

	if (src != NULL && v != 0)
		rdd__emit(c, RDD_CAUSE_HOST_RDP_DISABLED,
		          "fDenyTSConnections = %u (from %s)", (unsigned)v,
		          source_words(src, "the Terminal Server key"));
}

static unsigned
rdp_port(const struct rdd_host_state *st)
{
	if (st->port.read == RDD_HOST_SET && st->port.value > 0 &&
	    st->port.value <= 65535)
		return st->port.value;
	return 3389; /* the default when the value is absent */
}

static bool
port_known(const struct rdd_host_state *st)
{
	return st->port.read == RDD_HOST_SET ||
	       st->port.read == RDD_HOST_ABSENT;
}

static const char *
start_words(uint32_t v)
{
	switch (v) {
	case 0:
		return "Boot";
	case 1:
		return "System";
	case 2:
		return "Automatic";
	case 3:
		return "Manual";
	case 4:
		return "Disabled";
	}
	return "other";
}

/*
 * TermService's dependencies. The service manager starts a stopped
 * dependency along with TermService, so a stopped one is only evidence
 * on host-termservice-stopped (STOPPED, when emitted); one that is
 * Disabled or not installed keeps TermService from starting at all
 * (error 1068 or 1075): its own finding, critical while TermService is
 * not running, a warning (the next start fails) while it runs.
 */
static void
rules_dependencies(struct ctx *c, const struct rdd_host_state *st,
                   struct draft *stopped)
{
	size_t i, n = st->n_termservice_deps;
	struct draft *d = NULL;

	if (st->termservice_deps_read != RDD_HOST_SET)
		return;
	if (n > RDD_HOST_DEPS)
		n = RDD_HOST_DEPS;
	for (i = 0; i < n; i++) {
		const struct rdd_host_dep *dp = &st->termservice_deps[i];

		if (dp->name[0] == '+') /* a load-order group */
			continue;
		if (dp->state == RDD_HOST_SVC_ABSENT)
			d = rdd__emit(c, RDD_CAUSE_HOST_TERMSERVICE_DEPENDENCY,
			              "TermService depends on %s, which is not "
			              "installed",
			              dp->name);
		else if (is_set(&dp->start, 4))
			d = rdd__emit(c, RDD_CAUSE_HOST_TERMSERVICE_DEPENDENCY,
			              "TermService depends on %s, whose start "
			              "type is Disabled%s",
			              dp->name,
			              dp->state == RDD_HOST_SVC_RUNNING
			                  ? " (running now)"
			                  : "");
		else if (stopped != NULL && dp->state == RDD_HOST_SVC_STOPPED)
			rdd__append(stopped->f.evidence,
			            sizeof(stopped->f.evidence),
			            "; its dependency %s is stopped too (start "
			            "type %s)",
			            dp->name,
			            dp->start.read == RDD_HOST_SET
			                ? start_words(dp->start.value)
			                : "not read");
	}
	if (d != NULL && st->termservice != RDD_HOST_SVC_RUNNING &&
	    st->termservice != RDD_HOST_SVC_PENDING)
		rdd__raise_severity(d, RDD_SEV_CRITICAL);
}

static void
rules_service(struct ctx *c, const struct rdd_host_state *st)
{
	char start[48] = "";
	struct draft *stopped = NULL;

	if (st->termservice_start.read == RDD_HOST_SET)
		rdd__append(start, sizeof(start), ", start type %s",
		            st->termservice_start.value >= 2
		                ? start_words(st->termservice_start.value)
		                : "other");
	if (st->termservice == RDD_HOST_SVC_STOPPED ||
	    st->termservice == RDD_HOST_SVC_ABSENT)
		stopped =
		    rdd__emit(c, RDD_CAUSE_HOST_TERMSERVICE_STOPPED,
		              "TermService is %s%s",
		              rdd_host_service_name(st->termservice), start);
	rules_dependencies(c, st, stopped);
	/* A stopped service explains a missing listener already. */
	if (is_set(&st->listening, 0) && port_known(st) &&
	    st->termservice != RDD_HOST_SVC_STOPPED &&
	    st->termservice != RDD_HOST_SVC_ABSENT) {
		struct draft *d = rdd__emit(
		    c, RDD_CAUSE_HOST_LISTENER_MISSING,
		    "no TCP socket listens on port %u (PortNumber%s)",
		    rdp_port(st),
		    st->port.read == RDD_HOST_ABSENT ? " absent, default" : "");

		if (d != NULL && is_set(&st->enable_winstation, 0))
			rdd__append(d->f.evidence, sizeof(d->f.evidence),
			            "; RDP-Tcp fEnableWinStation = 0");
	}
}

static void
rules_firewall(struct ctx *c, const struct rdd_host_state *st)
{
	static const char *const profile[3] = {"Domain", "Private", "Public"};
	char on[40] = "";
	size_t i, n;
	unsigned port = rdp_port(st);
	bool any_on = false;

	/* A profile that is on is enough: the server's network may be in
	 * it. Profiles that could not be read are not assumed on. */
	for (i = 0; i < 3; i++) {
		if (is_set(&st->firewall_profile[i], 1)) {
			any_on = true;
			rdd__append(on, sizeof(on), "%s%s", on[0] ? ", " : "",
			            profile[i]);
		}
	}
	if (!any_on || st->firewall_rules_read != RDD_HOST_SET ||
	    !port_known(st))
		return;
	n = st->n_firewall_rules;
	if (n > RDD_HOST_FW_RULES)
		n = RDD_HOST_FW_RULES;
	for (i = 0; i < n; i++)
		if (rdd_host_fw_rule_allows(st->firewall_rules[i].rule, port) ==
		    1)
			return;
	rdd__emit(c, RDD_CAUSE_HOST_FIREWALL_CLOSED,
	          "firewall on (%s profile%s); none of the %zu inbound "
	          "rules read allows TCP port %u",
	          on, strchr(on, ',') != NULL ? "s" : "", n, port);
}

static void
rules_security(struct ctx *c, const struct rdd_host_state *st)
{
	uint32_t layer = 0, nla = 0;
	const char *lsrc = rdd_host_effective(&st->security_layer, &layer);
	const char *nsrc = rdd_host_effective(&st->user_authentication, &nla);

	if (lsrc != NULL && layer == 0) {
		struct draft *d =
		    rdd__emit(c, RDD_CAUSE_HOST_SECURITY_LAYER_RDP,
		              "SecurityLayer = 0 (from %s)",
		              source_words(lsrc, "the RDP-Tcp listener"));

		if (d != NULL && strcmp(lsrc, "policy") == 0 &&
		    st->security_layer.local.read == RDD_HOST_SET)
			rdd__append(d->f.evidence, sizeof(d->f.evidence),
			            "; the listener's own value %u is "
			            "overridden",
			            (unsigned)st->security_layer.local.value);
		if (d != NULL && nsrc != NULL && nla != 0)
			rdd__append(d->f.evidence, sizeof(d->f.evidence),
			            "; UserAuthentication = %u contradicts it",
			            (unsigned)nla);
	}
	if (nsrc != NULL && nla == 0)
		rdd__emit(c, RDD_CAUSE_HOST_NLA_OFF,
		          "UserAuthentication = 0 (from %s)",
		          source_words(nsrc, "the RDP-Tcp listener"));
	if (is_set(&st->credssp_oracle, 2))
		rdd__emit(c, RDD_CAUSE_HOST_CREDSSP_ORACLE_VULNERABLE,
		          "AllowEncryptionOracle = 2 (Vulnerable)");
}

/* 1 off, 0 on (explicitly or by default), -1 unknown. */
static int
tls_off(const struct rdd_host_schannel *p)
{
	if (p->enabled.read == RDD_HOST_UNREADABLE ||
	    p->disabled_by_default.read == RDD_HOST_UNREADABLE)
		return -1;
	if (is_set(&p->enabled, 0))
		return 1;
	if (p->disabled_by_default.read == RDD_HOST_SET &&
	    p->disabled_by_default.value != 0)
		return 1;
	return 0;
}

static void
rules_schannel(struct ctx *c, const struct rdd_host_state *st)
{
	const struct rdd_host_schannel *s = st->schannel;
	int t10 = tls_off(&s[RDD_HOST_TLS10]),
	    t11 = tls_off(&s[RDD_HOST_TLS11]);
	int t12 = tls_off(&s[RDD_HOST_TLS12]);
	/* TLS 1.3 is on by default only from Server 2022: count it only
	 * when it is turned on explicitly. */
	bool t13_on =
	    s[RDD_HOST_TLS13].enabled.read == RDD_HOST_SET &&
	    s[RDD_HOST_TLS13].enabled.value != 0 &&
	    !(s[RDD_HOST_TLS13].disabled_by_default.read == RDD_HOST_SET &&
	      s[RDD_HOST_TLS13].disabled_by_default.value != 0);

	if (t10 == 1 && t11 == 1 && t12 == 1 && !t13_on)
		rdd__emit(c, RDD_CAUSE_HOST_SCHANNEL_NO_TLS,
		          "SCHANNEL Server: TLS 1.0, 1.1 and 1.2 disabled, "
		          "TLS 1.3 not enabled");
	else if (t12 == 1)
		rdd__emit(
		    c, RDD_CAUSE_HOST_SCHANNEL_TLS12_DISABLED,
		    "SCHANNEL TLS 1.2 Server: Enabled %s, "
		    "DisabledByDefault %s",
		    s[RDD_HOST_TLS12].enabled.read == RDD_HOST_SET
		        ? (s[RDD_HOST_TLS12].enabled.value ? "1" : "0")
		        : "absent",
		    s[RDD_HOST_TLS12].disabled_by_default.read == RDD_HOST_SET
		        ? (s[RDD_HOST_TLS12].disabled_by_default.value ? "1"
		                                                       : "0")
		        : "absent");
}

/* Where the key file is, for evidence: CAPI or CNG. */
static const char *
key_where(const struct rdd_host_cert *ct)
{
	if (strcmp(ct->key_directory, "MachineKeys") == 0)
		return " (Crypto\\RSA\\MachineKeys, a CAPI key)";
	if (strcmp(ct->key_directory, "Keys") == 0)
		return " (Crypto\\Keys, a CNG key)";
	if (strcmp(ct->key_directory, "SystemKeys") == 0)
		return " (Crypto\\SystemKeys, a CNG key)";
	return "";
}

/*
 * One suite name of the cipher suite order (Windows spelling, perhaps
 * with a curve suffix such as _P256 on old versions): can a current RDP
 * client (mstsc, FreeRDP) use it with TLS 1.2? Then 1, with the AES
 * cipher (*CIPHER, -1 for ChaCha20) and the key exchange (*KEX) it
 * needs; else 0 (3DES, RC4, NULL, DSS, PSK, TLS 1.3-only suites...).
 */
static int
suite_tls12(const char *s, size_t n, int *cipher, int *kex)
{
	static const struct {
		const char *prefix;
		int kex;
	} kx[] = {
	    {"TLS_ECDHE_RSA_WITH_", RDD_HOST_KEX_ECDH},
	    {"TLS_ECDHE_ECDSA_WITH_", RDD_HOST_KEX_ECDH},
	    {"TLS_DHE_RSA_WITH_", RDD_HOST_KEX_DH},
	    {"TLS_RSA_WITH_", RDD_HOST_KEX_PKCS},
	};
	static const struct {
		const char *name;
		int cipher;
	} ci[] = {
	    {"AES_128_GCM_", RDD_HOST_AES128},
	    {"AES_256_GCM_", RDD_HOST_AES256},
	    {"AES_128_CBC_", RDD_HOST_AES128},
	    {"AES_256_CBC_", RDD_HOST_AES256},
	    {"CHACHA20_POLY1305_", -1},
	};
	char buf[96];
	size_t i, k, l;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (i = 0; i < NELEM(kx); i++) {
		l = strlen(kx[i].prefix);
		if (strncasecmp(buf, kx[i].prefix, l) != 0)
			continue;
		for (k = 0; k < NELEM(ci); k++)
			if (strncasecmp(buf + l, ci[k].name,
			                strlen(ci[k].name)) == 0) {
				*cipher = ci[k].cipher;
				*kex = kx[i].kex;
				return 1;
			}
		return 0;
	}
	return 0;
}

/* "AES 128/128 Enabled 0" when ST's SCHANNEL switch turns it off. */
static bool
cipher_off(const struct rdd_host_state *st, int cipher)
{
	return cipher >= 0 && is_set(&st->schannel_cipher[cipher], 0);
}

static bool
kex_off(const struct rdd_host_state *st, int kex)
{
	return is_set(&st->schannel_kex[kex], 0);
}

/* The SCHANNEL switches that are off, as evidence. */
static void
switches_off(const struct rdd_host_state *st, char *buf, size_t cap)
{
	size_t i;

	for (i = 0; i < RDD_HOST_CIPHERS; i++)
		if (is_set(&st->schannel_cipher[i], 0))
			rdd__append(
			    buf, cap, "%sCiphers\\%s", buf[0] ? ", " : "",
			    rdd_host_cipher_name((enum rdd_host_cipher)i));
	for (i = 0; i < RDD_HOST_KEXES; i++)
		if (is_set(&st->schannel_kex[i], 0))
			rdd__append(buf, cap, "%sKeyExchangeAlgorithms\\%s",
			            buf[0] ? ", " : "",
			            rdd_host_kex_name((enum rdd_host_kex)i));
}

/*
 * The SSL Cipher Suite Order policy and the SCHANNEL cipher and key
 * exchange switches: is any suite left that a current RDP client can
 * use with TLS 1.2? Without the policy the built-in list holds such
 * suites unless the switches remove AES or every key exchange.
 */
static void
rules_suites(struct ctx *c, const struct rdd_host_state *st)
{
	const char *p, *e;
	size_t listed = 0, tls12 = 0, usable = 0, n;
	int cipher, kex;
	char off[160] = "", names[160] = "";

	switches_off(st, off, sizeof(off));
	if (st->cipher_suite_order.read != RDD_HOST_SET) {
		if (st->cipher_suite_order.read != RDD_HOST_ABSENT)
			return; /* a policy list could be there */
		if ((cipher_off(st, RDD_HOST_AES128) &&
		     cipher_off(st, RDD_HOST_AES256)) ||
		    (kex_off(st, RDD_HOST_KEX_ECDH) &&
		     kex_off(st, RDD_HOST_KEX_DH) &&
		     kex_off(st, RDD_HOST_KEX_PKCS)))
			rdd__emit(
			    c, RDD_CAUSE_HOST_SCHANNEL_NO_USABLE_SUITE,
			    "no SSL Cipher Suite Order policy, but SCHANNEL "
			    "disables %s: no TLS 1.2 suite with AES is left",
			    off);
		return;
	}
	for (p = st->cipher_suite_order.value; *p != '\0'; p = e) {
		while (*p == ',' || *p == ' ')
			p++;
		e = p + strcspn(p, ", ");
		if ((n = (size_t)(e - p)) == 0)
			continue;
		listed++;
		if (listed <= 3)
			rdd__append(names, sizeof(names), "%s%.*s",
			            names[0] ? ", " : "", (int)n, p);
		if (!suite_tls12(p, n, &cipher, &kex))
			continue;
		tls12++;
		if (!cipher_off(st, cipher) && !kex_off(st, kex))
			usable++;
	}
	if (listed == 0 || usable > 0)
		return; /* an empty value: what Windows does is not known */
	if (tls12 == 0)
		rdd__emit(
		    c, RDD_CAUSE_HOST_SCHANNEL_NO_USABLE_SUITE,
		    "the SSL Cipher Suite Order policy lists %zu suite%s "
		    "(%s%s), none with ECDHE, DHE or RSA key exchange and "
		    "AES for TLS 1.2",
		    listed, listed == 1 ? "" : "s", names,
		    listed > 3 ? ", ..." : "");
	else
		rdd__emit(c, RDD_CAUSE_HOST_SCHANNEL_NO_USABLE_SUITE,
		          "the SSL Cipher Suite Order policy lists %zu TLS 1.2 "
		          "suite%s a client could use, and SCHANNEL disables "
		          "what each needs (%s)",
		          tls12, tls12 == 1 ? "" : "s", off);
}

static void
rules_cert(struct ctx *c, const struct rdd_host_state *st)
{
	const struct rdd_host_cert *ct = &st->cert;
	char date[40];

	if (st->configured_cert.read == RDD_HOST_SET &&
	    ct->read == RDD_HOST_ABSENT &&
	    strcmp(ct->thumbprint, st->configured_cert.hex) == 0)
		rdd__emit(c, RDD_CAUSE_HOST_CERT_THUMBPRINT_UNKNOWN,
		          "SSLCertificateSHA1Hash = %s, in neither "
		          "LocalMachine\\My nor \"Remote Desktop\"",
		          st->configured_cert.hex);
	if (ct->read != RDD_HOST_SET)
		return;
	if (ct->has_not_after && st->collected_at > 0 &&
	    ct->not_after < st->collected_at)
		rdd__emit(
		    c, RDD_CAUSE_HOST_CERT_EXPIRED,
		    "certificate %s in \"%s\" expired on %s", ct->thumbprint,
		    ct->store,
		    rdd__fmt_date(ct->not_after, true, date, sizeof(date)));
	if (is_set(&ct->server_auth, 0))
		rdd__emit(c, RDD_CAUSE_HOST_CERT_NO_SERVER_AUTH,
		          "certificate %s in \"%s\": no Server Authentication "
		          "or Remote Desktop Authentication EKU",
		          ct->thumbprint, ct->store);
	if (ct->key == RDD_HOST_KEY_NOT_LINKED)
		rdd__emit(c, RDD_CAUSE_HOST_CERT_KEY_MISSING,
		          "certificate %s in \"%s\" names no private key",
		          ct->thumbprint, ct->store);
	else if (ct->key == RDD_HOST_KEY_MISSING)
		rdd__emit(c, RDD_CAUSE_HOST_CERT_KEY_MISSING,
		          "certificate %s: key container \"%s\" cannot be "
		          "opened%s%s",
		          ct->thumbprint, ct->key_container,
		          ct->key_error[0] ? ", error " : "", ct->key_error);
	else if (is_set(&ct->key_network_service_read, 0))
		rdd__emit(c, RDD_CAUSE_HOST_CERT_KEY_ACL,
		          "certificate %s: the key file of container \"%s\"%s "
		          "grants NETWORK SERVICE no read access",
		          ct->thumbprint, ct->key_container, key_where(ct));
}

static bool
names_a_server(const struct rdd_host_str *s)
{
	const char *p;

	if (s->read != RDD_HOST_SET)
		return false;
	for (p = s->value; *p != '\0'; p++)
		if (*p != ',' && *p != ' ')
			return true;
	return false;
}

/* "; 12 days of grace left" when the state knows it on a Session Host. */
static void
grace_evidence(const struct rdd_host_state *st, struct draft *d)
{
	if (d != NULL && is_set(&st->terminal_server_mode, 1) &&
	    st->grace_days_left.read == RDD_HOST_SET)
		rdd__append(d->f.evidence, sizeof(d->f.evidence),
		            "; %u day%s of grace left",
		            (unsigned)st->grace_days_left.value,
		            st->grace_days_left.value == 1 ? "" : "s");
}

static void
rules_licensing(struct ctx *c, const struct rdd_host_state *st)
{
	uint32_t mode;
	const char *src = rdd_host_effective(&st->licensing_mode, &mode);
	/* Only when both lists were read and neither names a server. */
	bool no_server =
	    st->license_servers_policy.read != RDD_HOST_UNREADABLE &&
	    st->license_servers_local.read != RDD_HOST_UNREADABLE &&
	    !names_a_server(&st->license_servers_policy) &&
	    !names_a_server(&st->license_servers_local);

	if (src == NULL)
		return;
	/* The grace period counts on an RD Session Host only. */
	if ((mode == 2 || mode == 4 || mode == 5) && no_server &&
	    is_set(&st->terminal_server_mode, 1) &&
	    is_set(&st->grace_days_left, 0)) {
		rdd__emit(c, RDD_CAUSE_HOST_LICENSING_GRACE_EXPIRED,
		          "RD Session Host (TerminalServerMode 1), "
		          "GetGracePeriodDays 0; LicensingMode = %u (%s, from "
		          "%s); no LicenseServers policy, no "
		          "SpecifiedLicenseServers",
		          (unsigned)mode,
		          mode == 4   ? "per user"
		          : mode == 2 ? "per device"
		                      : "not configured",
		          source_words(src, "RCM\\Licensing Core"));
		return;
	}
	if (mode == 5) {
		grace_evidence(
		    st, rdd__emit(c, RDD_CAUSE_HOST_LICENSING_NOT_CONFIGURED,
		                  "LicensingMode = 5 (from %s)",
		                  source_words(src, "RCM\\Licensing Core")));
		return;
	}
	if ((mode != 2 && mode != 4) || !no_server)
		return;
	grace_evidence(
	    st, rdd__emit(c, RDD_CAUSE_HOST_LICENSE_SERVER_MISSING,
	                  "LicensingMode = %u (per %s, from %s); no "
	                  "LicenseServers policy, no SpecifiedLicenseServers",
	                  (unsigned)mode, mode == 4 ? "user" : "device",
	                  source_words(src, "RCM\\Licensing Core")));
}

const char *
rdd_host_expected_thumbprint(const struct rdd_host_state *st,
                             const char **source)
{
	if (st->configured_cert.read == RDD_HOST_SET) {
		*source = "configured";
		return st->configured_cert.hex;
	}
	/* Without SSLCertificateSHA1Hash the listener uses the self-signed
	 * certificate of the "Remote Desktop" store. */
	if (st->configured_cert.read == RDD_HOST_ABSENT &&
	    st->self_signed_cert.read == RDD_HOST_SET) {
		*source = "self-signed";
		return st->self_signed_cert.hex;
	}
	*source = NULL;
	return NULL;
}

static bool
tcp_failed(const struct rdd_observation *obs)
{
	const struct rdd_phase_result *p = &obs->phases[RDD_PHASE_TCP];

	return p->present && (p->status == RDD_STATUS_FAILED ||
	                      p->status == RDD_STATUS_TIMEOUT);
}

/* The state against what the check of the listener saw (host --check). */
static void
rules_listener(struct ctx *c, const struct rdd_host_state *st,
               const struct rdd_observation *obs)
{
	const struct rdd_phase_result *tcp = &obs->phases[RDD_PHASE_TCP];
	const struct rdd_cert *served = &obs->tls.cert;
	const char *exp_src, *exp;
	uint32_t layer = 0, nla = 0;
	const char *lsrc = rdd_host_effective(&st->security_layer, &layer);
	const char *nsrc = rdd_host_effective(&st->user_authentication, &nla);
	enum rdd_security_layer got = obs->security_layer;

	if (tcp_failed(obs)) {
		if (is_set(&st->listening, 1))
			rdd__emit(c, RDD_CAUSE_HOST_LISTENER_NOT_ANSWERING,
			          "the state shows a socket listening on port "
			          "%u; the check's TCP connection to %s port "
			          "%u: %s",
			          rdp_port(st), obs->host, (unsigned)obs->port,
			          tcp->detail[0] ? tcp->detail
			          : tcp->status == RDD_STATUS_TIMEOUT
			              ? "timed out"
			              : "failed");
		return;
	}
	exp = rdd_host_expected_thumbprint(st, &exp_src);
	if (obs->tls.present && served->present && served->sha1[0] != '\0' &&
	    exp != NULL && strcasecmp(served->sha1, exp) != 0)
		rdd__emit(c, RDD_CAUSE_HOST_LISTENER_CERT_MISMATCH,
		          "the listener serves %s; the %s is %s", served->sha1,
		          strcmp(exp_src, "configured") == 0
		              ? "configured SSLCertificateSHA1Hash"
		              : "self-signed certificate (no "
		                "SSLCertificateSHA1Hash)",
		          exp);
	if (nsrc != NULL && nla != 0 && obs->nla_required == 0)
		rdd__emit(c, RDD_CAUSE_HOST_POLICY_NOT_EFFECTIVE,
		          "UserAuthentication = %u (from %s) requires NLA, "
		          "but the listener accepted a connection without it",
		          (unsigned)nla,
		          source_words(nsrc, "the RDP-Tcp listener"));
	if (nsrc != NULL && nla == 0 && obs->nla_required == 1)
		rdd__emit(c, RDD_CAUSE_HOST_POLICY_NOT_EFFECTIVE,
		          "UserAuthentication = 0 (from %s), but the listener "
		          "requires NLA",
		          source_words(nsrc, "the RDP-Tcp listener"));
	if (lsrc != NULL && layer == 2 &&
	    (got == RDD_SECLAYER_RDP || got == RDD_SECLAYER_NEGOTIATE))
		rdd__emit(c, RDD_CAUSE_HOST_POLICY_NOT_EFFECTIVE,
		          "SecurityLayer = 2 (TLS, from %s), but the listener "
		          "accepted standard RDP security",
		          source_words(lsrc, "the RDP-Tcp listener"));
	/* Negotiate: TLS for a client that asks for it, standard RDP
	 * security for one that asks for nothing else unless NLA is
	 * required (then the listener refuses it, as it should). */
	if (lsrc != NULL && layer == 1 && got == RDD_SECLAYER_RDP)
		rdd__emit(c, RDD_CAUSE_HOST_POLICY_NOT_EFFECTIVE,
		          "SecurityLayer = 1 (Negotiate, from %s), but the "
		          "listener refused TLS and accepted standard RDP "
		          "security only, as it does when it cannot use its "
		          "certificate",
		          source_words(lsrc, "the RDP-Tcp listener"));
	if (lsrc != NULL && layer == 1 && got == RDD_SECLAYER_TLS &&
	    nsrc != NULL && nla == 0)
		rdd__emit(c, RDD_CAUSE_HOST_POLICY_NOT_EFFECTIVE,
		          "SecurityLayer = 1 (Negotiate, from %s) and "
		          "UserAuthentication = 0, but the listener refused "
		          "standard RDP security",
		          source_words(lsrc, "the RDP-Tcp listener"));
	if (lsrc != NULL && layer == 0 &&
	    (got == RDD_SECLAYER_TLS || got == RDD_SECLAYER_NEGOTIATE))
		rdd__emit(c, RDD_CAUSE_HOST_POLICY_NOT_EFFECTIVE,
		          "SecurityLayer = 0 (RDP, from %s), but the listener "
		          "negotiated TLS",
		          source_words(lsrc, "the RDP-Tcp listener"));
}

static void
diagnose(const struct rdd_host_state *st, const struct rdd_observation *obs,
         struct rdd_diagnosis *out)
{
	struct ctx local;
	struct ctx *c = &local;
	size_t i, n_crit = 0, n_warn = 0;

	memset(c, 0, sizeof(*c));
	rules_connections(c, st);
	rules_service(c, st);
	rules_firewall(c, st);
	rules_security(c, st);
	rules_schannel(c, st);
	rules_suites(c, st);
	rules_cert(c, st);
	rules_licensing(c, st);
	if (obs != NULL)
		rules_listener(c, st, obs);
	rdd__sort_drafts(c);

	memset(out, 0, sizeof(*out));
	out->failed_phase = -1;
	for (i = 0; i < c->n && i < RDD_MAX_FINDINGS; i++) {
		out->findings[i] = c->d[i].f;
		if (c->d[i].f.severity == RDD_SEV_CRITICAL) {
			if (n_crit++ == 0)
				out->failed_phase = (int)c->d[i].f.phase;
		} else if (c->d[i].f.severity == RDD_SEV_WARNING) {
			n_warn++;
		}
	}
	out->n_findings = i;
	if (n_crit > 0) {
		const struct rdd_cause_info *ci =
		    rdd_cause_info(out->findings[0].cause);

		out->status = RDD_VERDICT_CRITICAL;
		rdd__append(out->summary, sizeof(out->summary),
		            "RDP connections to this server fail: %s",
		            ci != NULL ? ci->title : "?");
	} else if (n_warn > 0) {
		out->status = RDD_VERDICT_WARNING;
		rdd__append(out->summary, sizeof(out->summary),
		            "RDP works but %zu setting%s need%s attention",
		            n_warn, n_warn == 1 ? "" : "s",
		            n_warn == 1 ? "s" : "");
	} else if (st->termservice == RDD_HOST_SVC_UNREADABLE &&
	           st->security_layer.local.read == RDD_HOST_UNREADABLE &&
	           st->deny_connections.local.read == RDD_HOST_UNREADABLE) {
		out->status = RDD_VERDICT_UNKNOWN;
		rdd__append(out->summary, sizeof(out->summary),
		            "Nothing about RDP could be read on this host");
	} else {
		out->status = RDD_VERDICT_OK;
		rdd__append(out->summary, sizeof(out->summary),
		            "No problem found in what could be read");
	}
}

void
rdd_diagnose_host(const struct rdd_host_state *st, struct rdd_diagnosis *out)
{
	diagnose(st, NULL, out);
}

void
rdd_diagnose_host_check(const struct rdd_host_state *st,
                        const struct rdd_observation *obs,
                        struct rdd_diagnosis *out)
{
	diagnose(st, obs, out);
}
