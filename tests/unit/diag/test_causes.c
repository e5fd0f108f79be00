/*
 * test_causes.c - the causes table (lib/diag/causes.def, causes.c).
 *
 * Every row is checked for shape (id format, non-empty text, valid phase
 * and severity, balanced `code` spans), the table is checked against the
 * ids of shared/field-guide.md (embedded below: tests may not read
 * ../shared), and the fix text is checked for the steps the field guide
 * requires, among them the common fixes for error 0x904 (extended 0x7).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rdpdoctor/diag.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Every id of shared/field-guide.md, with its phase, the default severity
 * and whether a rule emits it today. Adding a row to causes.def means
 * adding it here; renaming one breaks the JSON contract and this test.
 */
static const struct {
	const char *id;
	enum rdd_phase phase;
	enum rdd_severity sev;
	bool detectable;
} guide[] = {
    {"dns-failure", RDD_PHASE_RESOLVE, RDD_SEV_CRITICAL, true},
    {"dns-multiple-addresses", RDD_PHASE_RESOLVE, RDD_SEV_WARNING, true},
    {"tcp-refused", RDD_PHASE_TCP, RDD_SEV_CRITICAL, true},
    {"tcp-timeout", RDD_PHASE_TCP, RDD_SEV_CRITICAL, true},
    {"tcp-unreachable", RDD_PHASE_TCP, RDD_SEV_CRITICAL, true},
    {"x224-timeout", RDD_PHASE_X224, RDD_SEV_CRITICAL, true},
    {"x224-reset", RDD_PHASE_X224, RDD_SEV_CRITICAL, true},
    {"x224-not-rdp", RDD_PHASE_X224, RDD_SEV_CRITICAL, true},
    {"nego-ssl-required", RDD_PHASE_X224, RDD_SEV_INFO, true},
    {"nego-ssl-not-allowed", RDD_PHASE_X224, RDD_SEV_WARNING, true},
    {"nego-cert-not-on-server", RDD_PHASE_X224, RDD_SEV_CRITICAL, true},
    {"nego-inconsistent-flags", RDD_PHASE_X224, RDD_SEV_CRITICAL, true},
    {"nego-hybrid-required", RDD_PHASE_X224, RDD_SEV_INFO, true},
    {"nego-ssl-with-user-auth-required", RDD_PHASE_X224, RDD_SEV_CRITICAL,
     true},
    {"tls-reset", RDD_PHASE_TLS, RDD_SEV_CRITICAL, true},
    {"tls-alert", RDD_PHASE_TLS, RDD_SEV_CRITICAL, true},
    {"tls-timeout", RDD_PHASE_TLS, RDD_SEV_CRITICAL, true},
    {"tls-legacy-only", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"tls-no-common-cipher", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"tls-weak-cipher", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"cert-expired", RDD_PHASE_TLS, RDD_SEV_CRITICAL, true},
    {"cert-not-yet-valid", RDD_PHASE_TLS, RDD_SEV_CRITICAL, true},
    {"cert-expiring-soon", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"cert-self-signed", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"cert-name-mismatch", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"cert-weak", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"cert-wrong-usage", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"cert-untrusted", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"credssp-closed", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"credssp-timeout", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"credssp-error", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"credssp-outdated", RDD_PHASE_CREDSSP, RDD_SEV_WARNING, true},
    {"logon-failed", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"logon-password-expired", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"logon-account-locked", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"logon-account-disabled", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"logon-not-permitted", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"credssp-oracle-mismatch", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"credssp-pubkey-mismatch", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"logon-unverified", RDD_PHASE_CREDSSP, RDD_SEV_INFO, true},
    {"server-clock-skew", RDD_PHASE_CREDSSP, RDD_SEV_WARNING, true},
    {"nla-not-required", RDD_PHASE_X224, RDD_SEV_WARNING, true},
    {"mcs-rejected", RDD_PHASE_MCS, RDD_SEV_CRITICAL, true},
    {"rdp-security-allowed", RDD_PHASE_MCS, RDD_SEV_WARNING, true},
    {"rdp-encryption-weak", RDD_PHASE_MCS, RDD_SEV_WARNING, true},
    {"licensing-unverified", RDD_PHASE_LICENSING, RDD_SEV_INFO, true},
    {"licensing-no-license-server", RDD_PHASE_LICENSING, RDD_SEV_CRITICAL,
     true},
    {"licensing-no-license", RDD_PHASE_LICENSING, RDD_SEV_CRITICAL, true},
    {"licensing-invalid-client", RDD_PHASE_LICENSING, RDD_SEV_CRITICAL, true},
    {"licensing-error", RDD_PHASE_LICENSING, RDD_SEV_CRITICAL, true},
    {"server-denied-connection", RDD_PHASE_ACTIVATION, RDD_SEV_CRITICAL, true},
    {"server-insufficient-privileges", RDD_PHASE_ACTIVATION, RDD_SEV_CRITICAL,
     true},
    {"session-error-info", RDD_PHASE_ACTIVATION, RDD_SEV_CRITICAL, true},
    {"session-closed", RDD_PHASE_ACTIVATION, RDD_SEV_CRITICAL, true},
    {"activation-failed", RDD_PHASE_ACTIVATION, RDD_SEV_CRITICAL, true},
    {"udp-blocked", RDD_PHASE_UDP, RDD_SEV_WARNING, true},
    {"net-high-latency", RDD_PHASE_NETWORK, RDD_SEV_WARNING, true},
    {"net-jitter", RDD_PHASE_NETWORK, RDD_SEV_WARNING, true},
    {"net-packet-loss", RDD_PHASE_NETWORK, RDD_SEV_WARNING, true},
    {"net-mtu-blackhole", RDD_PHASE_NETWORK, RDD_SEV_WARNING, true},
    {"client-side-suspect", RDD_PHASE_NETWORK, RDD_SEV_INFO, true},
    {"kerberos-realm", RDD_PHASE_KERBEROS, RDD_SEV_INFO, true},
    {"kerberos-kdc-not-found", RDD_PHASE_KERBEROS, RDD_SEV_WARNING, true},
    {"kerberos-kdc-unreachable", RDD_PHASE_KERBEROS, RDD_SEV_WARNING, true},
    {"kerberos-kdc-udp-blocked", RDD_PHASE_KERBEROS, RDD_SEV_WARNING, true},
    {"kerberos-clock-skew", RDD_PHASE_KERBEROS, RDD_SEV_WARNING, true},
    {"kerberos-by-ip", RDD_PHASE_KERBEROS, RDD_SEV_WARNING, true},
    {"kerberos-spn-missing", RDD_PHASE_KERBEROS, RDD_SEV_WARNING, true},
    {"kerberos-spn-duplicate", RDD_PHASE_KERBEROS, RDD_SEV_CRITICAL, true},
    {"kerberos-user-unknown", RDD_PHASE_KERBEROS, RDD_SEV_CRITICAL, true},
    {"kerberos-preauth-failed", RDD_PHASE_KERBEROS, RDD_SEV_CRITICAL, true},
    {"kerberos-account-revoked", RDD_PHASE_KERBEROS, RDD_SEV_CRITICAL, true},
    {"kerberos-password-expired", RDD_PHASE_KERBEROS, RDD_SEV_CRITICAL, true},
    {"kerberos-account-restricted", RDD_PHASE_KERBEROS, RDD_SEV_CRITICAL, true},
    {"kerberos-wrong-realm", RDD_PHASE_KERBEROS, RDD_SEV_WARNING, true},
    {"kerberos-etype-unsupported", RDD_PHASE_KERBEROS, RDD_SEV_WARNING, true},
    {"kerberos-server-key-stale", RDD_PHASE_CREDSSP, RDD_SEV_CRITICAL, true},
    {"kerberos-ntlm-blocked", RDD_PHASE_KERBEROS, RDD_SEV_CRITICAL, true},
    {"host-rdp-disabled", RDD_PHASE_TCP, RDD_SEV_CRITICAL, true},
    {"host-termservice-stopped", RDD_PHASE_TCP, RDD_SEV_CRITICAL, true},
    {"host-termservice-dependency", RDD_PHASE_TCP, RDD_SEV_WARNING, true},
    {"host-listener-missing", RDD_PHASE_TCP, RDD_SEV_CRITICAL, true},
    {"host-firewall-closed", RDD_PHASE_TCP, RDD_SEV_CRITICAL, true},
    {"host-security-layer-rdp", RDD_PHASE_X224, RDD_SEV_WARNING, true},
    {"host-nla-off", RDD_PHASE_CREDSSP, RDD_SEV_WARNING, true},
    {"host-credssp-oracle-vulnerable", RDD_PHASE_CREDSSP, RDD_SEV_WARNING,
     true},
    {"host-schannel-tls12-disabled", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"host-schannel-no-tls", RDD_PHASE_TLS, RDD_SEV_CRITICAL, true},
    {"host-schannel-no-usable-suite", RDD_PHASE_TLS, RDD_SEV_CRITICAL, true},
    {"host-cert-thumbprint-unknown", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"host-cert-expired", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"host-cert-no-server-auth", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"host-cert-key-missing", RDD_PHASE_TLS, RDD_SEV_CRITICAL, true},
    {"host-cert-key-acl", RDD_PHASE_TLS, RDD_SEV_CRITICAL, true},
    {"host-licensing-not-configured", RDD_PHASE_LICENSING, RDD_SEV_WARNING,
     true},
    {"host-license-server-missing", RDD_PHASE_LICENSING, RDD_SEV_WARNING, true},
    {"host-licensing-grace-expired", RDD_PHASE_LICENSING, RDD_SEV_CRITICAL,
     true},
    {"host-listener-cert-mismatch", RDD_PHASE_TLS, RDD_SEV_WARNING, true},
    {"host-policy-not-effective", RDD_PHASE_X224, RDD_SEV_WARNING, true},
    {"host-listener-not-answering", RDD_PHASE_TCP, RDD_SEV_CRITICAL, true},
    {"gateway-unreachable", RDD_PHASE_GATEWAY_TLS, RDD_SEV_CRITICAL, true},
    {"gateway-cert-expired", RDD_PHASE_GATEWAY_TLS, RDD_SEV_CRITICAL, true},
    {"gateway-cert-name-mismatch", RDD_PHASE_GATEWAY_TLS, RDD_SEV_CRITICAL,
     true},
    {"gateway-cert-untrusted", RDD_PHASE_GATEWAY_TLS, RDD_SEV_CRITICAL, true},
    {"gateway-auth-failed", RDD_PHASE_GATEWAY_HTTP, RDD_SEV_CRITICAL, true},
    {"gateway-auth-kerberos-only", RDD_PHASE_GATEWAY_HTTP, RDD_SEV_CRITICAL,
     true},
    {"gateway-forbidden", RDD_PHASE_GATEWAY_HTTP, RDD_SEV_CRITICAL, true},
    {"gateway-not-found", RDD_PHASE_GATEWAY_HTTP, RDD_SEV_CRITICAL, true},
    {"gateway-unavailable", RDD_PHASE_GATEWAY_HTTP, RDD_SEV_CRITICAL, true},
    {"gateway-capability-mismatch", RDD_PHASE_GATEWAY_TUNNEL, RDD_SEV_CRITICAL,
     true},
    {"gateway-connection-policy-denied", RDD_PHASE_GATEWAY_TUNNEL,
     RDD_SEV_CRITICAL, true},
    {"gateway-resource-policy-denied", RDD_PHASE_GATEWAY_CHANNEL,
     RDD_SEV_CRITICAL, true},
    {"gateway-target-unreachable", RDD_PHASE_GATEWAY_CHANNEL, RDD_SEV_CRITICAL,
     true},
    {"gateway-max-connections", RDD_PHASE_GATEWAY_TUNNEL, RDD_SEV_CRITICAL,
     true},
    {"gateway-closed", RDD_PHASE_GATEWAY_CHANNEL, RDD_SEV_CRITICAL, true},
    {"gateway-error", RDD_PHASE_GATEWAY_TUNNEL, RDD_SEV_CRITICAL, true},
    {"gateway-not-reached", RDD_PHASE_GATEWAY_TLS, RDD_SEV_INFO, true},
};

static const struct rdd_cause_info *
row(int i)
{
	const struct rdd_cause_info *ci = rdd_cause_info((enum rdd_cause)i);

	assert_non_null(ci);
	return ci;
}

static const struct rdd_cause_info *
by_id(const char *id)
{
	int c = rdd_cause_from_id(id);

	if (c < 0)
		fail_msg("id %s is not in causes.def", id);
	return row(c);
}

static bool
has(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

static void
test_ids_well_formed_and_unique(void **state)
{
	int i, j;
	const char *p;

	(void)state;
	for (i = 0; i < RDD_CAUSE_COUNT; i++) {
		const char *id = row(i)->id;

		assert_non_null(id);
		assert_true(id[0] != '\0');
		assert_true(id[0] != '-' && id[strlen(id) - 1] != '-');
		for (p = id; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			      (*p >= '0' && *p <= '9') || *p == '-'))
				fail_msg("id \"%s\": bad character '%c'", id,
				         *p);
		for (j = 0; j < i; j++)
			if (strcmp(row(j)->id, id) == 0)
				fail_msg("id %s appears twice", id);
	}
}

static void
test_rows_complete(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < RDD_CAUSE_COUNT; i++) {
		const struct rdd_cause_info *ci = row(i);

		if (ci->title == NULL || ci->title[0] == '\0')
			fail_msg("%s: empty title", ci->id);
		if (ci->explanation == NULL || ci->explanation[0] == '\0')
			fail_msg("%s: empty explanation", ci->id);
		if (ci->fix_host == NULL || ci->fix_host[0] == '\0')
			fail_msg("%s: empty fix_host", ci->id);
		if (ci->refs == NULL || ci->refs[0] == '\0')
			fail_msg("%s: empty refs", ci->id);
		assert_non_null(ci->fix_client);
		assert_non_null(ci->lowers_security);
		/* A title is one line, not a sentence. */
		assert_null(strchr(ci->title, '\n'));
		assert_true(ci->title[strlen(ci->title) - 1] != '.');
		assert_null(strchr(ci->explanation, '\n'));
		if (ci->not_detectable != NULL && ci->not_detectable[0] == '\0')
			fail_msg("%s: empty not-detectable reason", ci->id);
	}
}

static void
test_phase_and_severity_valid(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < RDD_CAUSE_COUNT; i++) {
		const struct rdd_cause_info *ci = row(i);

		assert_true((unsigned)ci->phase < RDD_PHASE_COUNT);
		assert_non_null(rdd_phase_name(ci->phase));
		assert_true(ci->severity == RDD_SEV_INFO ||
		            ci->severity == RDD_SEV_WARNING ||
		            ci->severity == RDD_SEV_CRITICAL);
		assert_non_null(rdd_severity_name(ci->severity));
	}
}

static void
test_from_id_round_trip(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < RDD_CAUSE_COUNT; i++)
		assert_int_equal(rdd_cause_from_id(row(i)->id), i);
	assert_int_equal(rdd_cause_from_id("no-such-id"), -1);
	assert_int_equal(rdd_cause_from_id(""), -1);
	assert_int_equal(rdd_cause_from_id("TCP-REFUSED"), -1);
	assert_int_equal(rdd_cause_from_id(NULL), -1);
	assert_null(rdd_cause_info(RDD_CAUSE_COUNT));
	assert_null(rdd_cause_info((enum rdd_cause) - 1));
	assert_int_equal(rdd_cause_from_id("tcp-refused"),
	                 RDD_CAUSE_TCP_REFUSED);
	assert_int_equal(rdd_cause_from_id("nego-ssl-with-user-auth-required"),
	                 RDD_CAUSE_NEGO_SSL_WITH_USER_AUTH_REQUIRED);
}

static void
test_field_guide_ids_present(void **state)
{
	size_t g;

	(void)state;
	for (g = 0; g < NELEM(guide); g++)
		if (rdd_cause_from_id(guide[g].id) < 0)
			fail_msg("field-guide id %s missing from causes.def",
			         guide[g].id);
	/* And nothing else: a new row must be added to the guide list. */
	assert_int_equal(RDD_CAUSE_COUNT, NELEM(guide));
}

static void
test_field_guide_phase_severity(void **state)
{
	size_t g;

	(void)state;
	for (g = 0; g < NELEM(guide); g++) {
		const struct rdd_cause_info *ci = by_id(guide[g].id);

		if (ci->phase != guide[g].phase)
			fail_msg("%s: phase %s, want %s", ci->id,
			         rdd_phase_name(ci->phase),
			         rdd_phase_name(guide[g].phase));
		if (ci->severity != guide[g].sev)
			fail_msg("%s: severity %s, want %s", ci->id,
			         rdd_severity_name(ci->severity),
			         rdd_severity_name(guide[g].sev));
	}
}

/*
 * A row is either emitted by a rule (not_detectable NULL; test_rules
 * checks each of those is really emitted) or says why it is not.
 */
static void
test_detectable_marking(void **state)
{
	size_t g;
	int n = 0;

	(void)state;
	for (g = 0; g < NELEM(guide); g++) {
		const struct rdd_cause_info *ci = by_id(guide[g].id);

		if (guide[g].detectable && ci->not_detectable != NULL)
			fail_msg("%s: a rule emits it, but it is marked not "
			         "detectable (%s)",
			         ci->id, ci->not_detectable);
		if (!guide[g].detectable && ci->not_detectable == NULL)
			fail_msg("%s: no rule emits it; give a reason", ci->id);
		n += ci->not_detectable == NULL;
	}
	assert_int_equal(n, 117);
}

static void
check_spans(const char *id, const char *field, const char *s)
{
	size_t ticks = 0;
	const char *p;

	for (p = s; *p != '\0'; p++)
		ticks += *p == '`';
	if (ticks % 2 != 0)
		fail_msg("%s: unbalanced ` in %s", id, field);
}

static void
check_steps(const char *id, const char *field, const char *s)
{
	if (s[0] == '\0')
		return;
	if (s[0] == '\n' || s[strlen(s) - 1] == '\n' || has(s, "\n\n"))
		fail_msg("%s: empty step in %s", id, field);
}

static void
test_text_format(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < RDD_CAUSE_COUNT; i++) {
		const struct rdd_cause_info *ci = row(i);

		check_spans(ci->id, "title", ci->title);
		check_spans(ci->id, "explanation", ci->explanation);
		check_spans(ci->id, "fix_host", ci->fix_host);
		check_spans(ci->id, "fix_client", ci->fix_client);
		check_spans(ci->id, "lowers_security", ci->lowers_security);
		check_steps(ci->id, "fix_host", ci->fix_host);
		check_steps(ci->id, "fix_client", ci->fix_client);
		/* Each step of a multi-step fix is a sentence or command. */
		assert_null(strstr(ci->fix_host, "TODO"));
		assert_null(strstr(ci->fix_client, "TODO"));
	}
}

/* Fix text must hold the exact steps the field guide names. */
static void
test_fix_steps_exact(void **state)
{
	static const char *const gpo_security =
	    "Computer Configuration > Administrative Templates > Windows "
	    "Components > Remote Desktop Services > Remote Desktop Session "
	    "Host > Security > ";
	static const struct {
		const char *id;
		const char *needle;
	} want[] = {
	    {"dns-failure", "ipconfig /flushdns"},
	    {"tcp-refused", "Get-Service TermService"},
	    {"tcp-refused", "fDenyTSConnections /t REG_DWORD /d 0"},
	    {"tcp-refused", "PortNumber"},
	    {"tcp-timeout",
	     "Enable-NetFirewallRule -DisplayGroup \"Remote Desktop\""},
	    {"tcp-timeout", "az network nsg rule create"},
	    {"tcp-timeout", "aws ec2 authorize-security-group-ingress"},
	    {"x224-timeout", "Get-NetTCPConnection -LocalPort 3389"},
	    {"x224-reset", "Bitdefender"},
	    {"nego-ssl-not-allowed", "SecurityLayer /t REG_DWORD /d 2"},
	    {"nego-cert-not-on-server", "certlm.msc"},
	    {"nego-cert-not-on-server", "MachineKeys"},
	    {"nego-hybrid-required", "UserAuthentication /t REG_DWORD /d 0"},
	    {"tls-reset",
	     "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys"},
	    {"tls-reset", "Restart-Service TermService"},
	    {"tls-alert", "SCHANNEL\\Protocols\\TLS 1.2\\Server"},
	    {"cert-expired", "certlm.msc"},
	    {"cert-expired", "Remote Desktop > Certificates"},
	    {"cert-expired", "Restart-Service TermService"},
	    {"cert-not-yet-valid", "w32tm /resync"},
	    {"server-clock-skew", "w32tm /resync"},
	    {"nla-not-required", "UserAuthentication /t REG_DWORD /d 1"},
	    {"credssp-outdated", "AllowEncryptionOracle /t REG_DWORD"},
	    {"credssp-outdated", "Encryption Oracle Remediation"},
	    {"udp-blocked", "fClientDisableUDP /t REG_DWORD /d 1"},
	    {"rdp-encryption-weak", "MinEncryptionLevel /t REG_DWORD /d 3"},
	    {"client-side-suspect", "Microsoft Store"},
	    {"client-side-suspect", "Terminal Server Client\\Cache"},
	};
	static const char *const gpo_rows[] = {
	    "nego-ssl-required",    "nego-ssl-not-allowed",
	    "nego-hybrid-required", "nla-not-required",
	    "cert-self-signed",     "rdp-security-allowed",
	    "rdp-encryption-weak",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(want); i++) {
		const struct rdd_cause_info *ci = by_id(want[i].id);

		if (!has(ci->fix_host, want[i].needle) &&
		    !has(ci->fix_client, want[i].needle))
			fail_msg("%s: fix lacks \"%s\"", ci->id,
			         want[i].needle);
	}
	for (i = 0; i < NELEM(gpo_rows); i++) {
		const struct rdd_cause_info *ci = by_id(gpo_rows[i]);

		if (!has(ci->fix_host, gpo_security) &&
		    !has(ci->fix_client, gpo_security))
			fail_msg("%s: fix lacks the Group Policy path", ci->id);
	}
}

/*
 * The five fixes commonly given for error 0x904 (extended 0x7) appear,
 * named by what they do, as fix steps where they apply: disable the NLA
 * requirement for one test, rebuild the MachineKeys folder, the Group
 * Policy security layer and Encryption Oracle Remediation, the network
 * (VPN, bandwidth, UDP, connect by IP address), and the firewall on both
 * machines.
 */
static void
test_common_fixes(void **state)
{
	static const struct {
		const char *id;
		const char *step;
	} want[] = {
	    {"nego-hybrid-required",
	     "disable the NLA requirement for one test"},
	    {"nego-hybrid-required", "UserAuthentication /t REG_DWORD /d 0"},
	    {"credssp-closed", "disable the NLA requirement for one test"},
	    {"credssp-closed", "UserAuthentication /t REG_DWORD /d 0"},
	    {"nego-cert-not-on-server", "rebuild the MachineKeys folder"},
	    {"nego-cert-not-on-server",
	     "Rename-Item C:\\ProgramData\\Microsoft\\Crypto\\RSA\\"
	     "MachineKeys MachineKeys.old"},
	    {"tls-reset", "rebuild the MachineKeys folder"},
	    {"tls-reset",
	     "Rename-Item C:\\ProgramData\\Microsoft\\Crypto\\RSA\\"
	     "MachineKeys MachineKeys.old"},
	    {"nego-ssl-not-allowed",
	     "\"Require use of specific security layer for remote (RDP) "
	     "connections\" = Enabled, Security Layer: SSL"},
	    {"credssp-outdated", "\"Encryption Oracle Remediation\" = Enabled, "
	                         "Protection Level: Vulnerable"},
	    {"dns-failure", "Connect by IP address instead of the name to rule "
	                    "out DNS: `mstsc /v:<address>`"},
	    {"tls-timeout", "Test from a network without the VPN"},
	    {"credssp-timeout", "check the VPN and the bandwidth"},
	    {"udp-blocked", "fClientDisableUDP /t REG_DWORD /d 1"},
	    {"net-high-latency",
	     "use a closer VPN gateway or split tunnelling"},
	    {"net-packet-loss", "Reconnect or change the VPN"},
	    {"tcp-timeout", "Verify the firewall on the client too"},
	    {"client-side-suspect", "Verify the firewall on the client too"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(want); i++) {
		const struct rdd_cause_info *ci = by_id(want[i].id);

		if (!has(ci->fix_host, want[i].step) &&
		    !has(ci->fix_client, want[i].step))
			fail_msg("%s: fix lacks the step \"%s\"", ci->id,
			         want[i].step);
	}
}

/* Fixes that lower security say so, call it temporary, and undo it. */
static void
test_lowers_security(void **state)
{
	static const struct {
		const char *id;
		const char *undo;
	} want[] = {
	    {"nego-hybrid-required", "UserAuthentication /t REG_DWORD /d 1"},
	    {"credssp-closed", "UserAuthentication /t REG_DWORD /d 1"},
	    {"credssp-timeout", "UserAuthentication /t REG_DWORD /d 1"},
	    {"credssp-outdated", "AllowEncryptionOracle /t REG_DWORD /d 1"},
	    {"nego-ssl-required", "SecurityLayer /t REG_DWORD /d 2"},
	};
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < NELEM(want); i++) {
		const struct rdd_cause_info *ci = by_id(want[i].id);

		if (!has(ci->lowers_security, "temporary"))
			fail_msg("%s: lowers_security must say temporary",
			         ci->id);
		if (!has(ci->lowers_security, want[i].undo))
			fail_msg("%s: lowers_security lacks the undo step",
			         ci->id);
	}
	/* Every non-empty lowers_security frames it as a test. */
	for (r = 0; r < RDD_CAUSE_COUNT; r++) {
		const struct rdd_cause_info *ci = row(r);

		if (ci->lowers_security[0] != '\0' &&
		    !has(ci->lowers_security, "test"))
			fail_msg("%s: lowers_security does not say it is a "
			         "test",
			         ci->id);
	}
	/* The "Vulnerable" and NLA-off steps are never presented bare. */
	for (r = 0; r < RDD_CAUSE_COUNT; r++) {
		const struct rdd_cause_info *ci = row(r);

		if ((has(ci->fix_host, "Vulnerable") ||
		     has(ci->fix_client, "Vulnerable") ||
		     has(ci->fix_host,
		         "UserAuthentication /t REG_DWORD /d 0") ||
		     has(ci->fix_client,
		         "UserAuthentication /t REG_DWORD /d 0")) &&
		    ci->lowers_security[0] == '\0')
			fail_msg("%s: a fix lowers security but "
			         "lowers_security is empty",
			         ci->id);
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(rdd_severity_name(RDD_SEV_INFO), "info");
	assert_string_equal(rdd_severity_name(RDD_SEV_WARNING), "warning");
	assert_string_equal(rdd_severity_name(RDD_SEV_CRITICAL), "critical");
	assert_null(rdd_severity_name((enum rdd_severity)3));
	assert_string_equal(rdd_verdict_name(RDD_VERDICT_OK), "ok");
	assert_string_equal(rdd_verdict_name(RDD_VERDICT_WARNING), "warning");
	assert_string_equal(rdd_verdict_name(RDD_VERDICT_CRITICAL), "critical");
	assert_string_equal(rdd_verdict_name(RDD_VERDICT_UNKNOWN), "unknown");
	assert_null(rdd_verdict_name((enum rdd_verdict)4));
	assert_int_equal(rdd_verdict_exit_code(RDD_VERDICT_OK), 0);
	assert_int_equal(rdd_verdict_exit_code(RDD_VERDICT_WARNING), 1);
	assert_int_equal(rdd_verdict_exit_code(RDD_VERDICT_CRITICAL), 2);
	assert_int_equal(rdd_verdict_exit_code(RDD_VERDICT_UNKNOWN), 3);
	assert_int_equal(rdd_verdict_exit_code((enum rdd_verdict)9), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ids_well_formed_and_unique),
	    cmocka_unit_test(test_rows_complete),
	    cmocka_unit_test(test_phase_and_severity_valid),
	    cmocka_unit_test(test_from_id_round_trip),
	    cmocka_unit_test(test_field_guide_ids_present),
	    cmocka_unit_test(test_field_guide_phase_severity),
	    cmocka_unit_test(test_detectable_marking),
	    cmocka_unit_test(test_text_format),
	    cmocka_unit_test(test_fix_steps_exact),
	    cmocka_unit_test(test_common_fixes),
	    cmocka_unit_test(test_lowers_security),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
