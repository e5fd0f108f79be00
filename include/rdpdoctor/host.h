/*
 * host.h - what a Windows RDP server knows about itself (`rdpdoctor
 * host`): the listener and policy values, the certificate and its key,
 * CredSSP, SCHANNEL, licensing, the service, the listening socket and the
 * firewall; and the pure diagnosis of such a state.
 *
 * The state is read on the server (rdpdoctor-host.exe, lib/host/win/) and
 * saved as JSON (`--dump-state`); rdd_diagnose_host() turns it into the
 * same findings, ids and fixes as `check`, anywhere. Every value can be
 * "not readable here": then no rule guesses from it.
 */
#ifndef RDPDOCTOR_HOST_H
#define RDPDOCTOR_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/observation.h"

/* The version of the state JSON ("rdpdoctor_host_state"). */
#define RDD_HOST_STATE_VERSION 1

/* How a value was read. The zero value is "not readable here". */
enum rdd_host_read {
	RDD_HOST_UNREADABLE = 0, /* the reader could not tell */
	RDD_HOST_ABSENT,         /* read: the value does not exist */
	RDD_HOST_SET             /* read: the value below holds */
};

/* A registry REG_DWORD (or another number the reader found). */
struct rdd_host_dword {
	enum rdd_host_read read;
	uint32_t value;
};

/* A registry string (REG_SZ; REG_MULTI_SZ joined with ","). */
struct rdd_host_str {
	enum rdd_host_read read;
	char value[256];
};

/* A SHA-1 thumbprint (REG_BINARY of 20 bytes) as 40 uppercase hex digits. */
struct rdd_host_thumb {
	enum rdd_host_read read;
	char hex[41];
};

/* A value with a listener (or machine / Server Manager) copy and a Group
 * Policy copy; the policy copy wins when it exists. */
struct rdd_host_setting {
	struct rdd_host_dword local;
	struct rdd_host_dword policy;
};

/* The private key of the certificate. */
enum rdd_host_key {
	RDD_HOST_KEY_UNREADABLE = 0, /* the reader could not tell */
	RDD_HOST_KEY_PRESENT,        /* opened */
	RDD_HOST_KEY_NOT_LINKED,     /* the certificate names no key */
	RDD_HOST_KEY_MISSING         /* named, but it cannot be opened */
};

/* The certificate the listener uses. */
struct rdd_host_cert {
	/* SET: found in STORE; ABSENT: in no store the reader looked in. */
	enum rdd_host_read read;
	char thumbprint[41]; /* the one looked for */
	char store[32];      /* "MY" or "Remote Desktop" */
	char subject[128];   /* CN or simple name, untrusted */
	bool has_not_after;
	int64_t not_after; /* Unix seconds */
	/* Server Authentication (or Remote Desktop Authentication, or no
	 * EKU at all): SET 1 / SET 0, else unreadable. */
	struct rdd_host_dword server_auth;
	enum rdd_host_key key;
	char key_container[128]; /* untrusted */
	char key_error[64];      /* e.g. "0x80090016", when MISSING */
	/* Where the key file is: "MachineKeys" (CAPI, Crypto\RSA), "Keys"
	 * or "SystemKeys" (CNG, Crypto); "" when not found or not read. */
	char key_directory[16];
	/* NETWORK SERVICE may read the key file: SET 1 / SET 0. */
	struct rdd_host_dword key_network_service_read;
};

/* SCHANNEL Protocols\<P>\Server. */
enum rdd_host_tls {
	RDD_HOST_TLS10,
	RDD_HOST_TLS11,
	RDD_HOST_TLS12,
	RDD_HOST_TLS13,
	RDD_HOST_TLS_COUNT
};
struct rdd_host_schannel {
	struct rdd_host_dword enabled;
	struct rdd_host_dword disabled_by_default;
};

/* SCHANNEL\Ciphers\<name> Enabled: the AES ciphers every suite a
 * current RDP client uses with TLS 1.2 needs. */
enum rdd_host_cipher { RDD_HOST_AES128, RDD_HOST_AES256, RDD_HOST_CIPHERS };
/* SCHANNEL\KeyExchangeAlgorithms\<name> Enabled. */
enum rdd_host_kex {
	RDD_HOST_KEX_ECDH,
	RDD_HOST_KEX_DH,
	RDD_HOST_KEX_PKCS, /* RSA key exchange */
	RDD_HOST_KEXES
};

/* The "SSL Cipher Suite Order" policy: SSL\00010002 Functions, a comma
 * list (REG_SZ; REG_MULTI_SZ joined with ","). Up to 1023 characters
 * by the policy; a longer value is left unreadable, not cut. */
struct rdd_host_suites {
	enum rdd_host_read read;
	char value[2048];
};

/* The state of a Windows service. */
enum rdd_host_service {
	RDD_HOST_SVC_UNREADABLE = 0,
	RDD_HOST_SVC_ABSENT,
	RDD_HOST_SVC_STOPPED,
	RDD_HOST_SVC_RUNNING,
	RDD_HOST_SVC_PENDING /* start, stop, pause or continue pending */
};

/* A service TermService depends on (QueryServiceConfigW
 * lpDependencies); a name starting with "+" is a load-order group. */
#define RDD_HOST_DEPS 8
struct rdd_host_dep {
	char name[64];
	enum rdd_host_service state; /* ABSENT: no such service */
	struct rdd_host_dword start; /* 0 boot .. 4 disabled */
};

#define RDD_HOST_FW_RULES 16

struct rdd_host_fw_rule {
	char id[96];    /* the value name, e.g. RemoteDesktop-UserMode-In-TCP */
	char rule[512]; /* "v2.33|Action=Allow|Active=TRUE|..." */
};

struct rdd_host_state {
	int version;          /* RDD_HOST_STATE_VERSION */
	int64_t collected_at; /* Unix seconds, 0 when unknown */
	char computer[64];    /* untrusted */
	char os_version[32];  /* "10.0.20348", untrusted */
	char reader[64];      /* what read it, e.g. "rdpdoctor-host 0.9.0" */

	/* Terminal Server key and policy: fDenyTSConnections. */
	struct rdd_host_setting deny_connections;
	/* RDP-Tcp and policy. */
	struct rdd_host_setting security_layer; /* 0 RDP, 1 Negotiate, 2 TLS */
	struct rdd_host_setting user_authentication; /* 1 = NLA */
	struct rdd_host_setting min_encryption;      /* 1..4 */
	struct rdd_host_dword port;                  /* RDP-Tcp PortNumber */
	struct rdd_host_dword enable_winstation;     /* RDP-Tcp */

	/* RDP-Tcp SSLCertificateSHA1Hash; WinStations SelfSignedCertificate. */
	struct rdd_host_thumb configured_cert;
	struct rdd_host_thumb self_signed_cert;
	struct rdd_host_cert cert;

	/* CredSSP\Parameters AllowEncryptionOracle (0, 1, 2). */
	struct rdd_host_dword credssp_oracle;
	struct rdd_host_schannel schannel[RDD_HOST_TLS_COUNT];
	struct rdd_host_dword schannel_cipher[RDD_HOST_CIPHERS];
	struct rdd_host_dword schannel_kex[RDD_HOST_KEXES];
	struct rdd_host_suites cipher_suite_order;

	/* local = RCM\Licensing Core; 2 per device, 4 per user, 5 not
	 * configured. */
	struct rdd_host_setting licensing_mode;
	struct rdd_host_str license_servers_policy; /* LicenseServers */
	struct rdd_host_str license_servers_local; /* SpecifiedLicenseServers */
	/* RCM\GracePeriod: SET 1 a timebomb value is there (its bytes are
	 * not decoded: the layout is not documented), SET 0 the key has no
	 * value, ABSENT no key; UNREADABLE also when access is denied (the
	 * key is ACL-protected on Windows). */
	struct rdd_host_dword grace_timebomb;
	/* Win32_TerminalServiceSetting (WMI): TerminalServerMode (1 RD
	 * Session Host, 0 remote administration) and GetGracePeriodDays. */
	struct rdd_host_dword terminal_server_mode;
	struct rdd_host_dword grace_days_left;

	enum rdd_host_service termservice;
	struct rdd_host_dword termservice_start; /* 2 auto, 3 manual, 4 off */
	/* Its dependencies: SET when lpDependencies was read. */
	enum rdd_host_read termservice_deps_read;
	size_t n_termservice_deps;
	struct rdd_host_dep termservice_deps[RDD_HOST_DEPS];
	/* A socket listens on the port (TCP, IPv4 or IPv6): SET 1 / SET 0. */
	struct rdd_host_dword listening;

	/* EnableFirewall of the Domain, Private (Standard), Public profiles. */
	struct rdd_host_dword firewall_profile[3];
	/* Inbound rules of the local store that can concern RDP: the
	 * "RemoteDesktop-*" ones and any naming the port. */
	enum rdd_host_read firewall_rules_read;
	size_t n_firewall_rules;
	struct rdd_host_fw_rule firewall_rules[RDD_HOST_FW_RULES];
};

/* "tls1.0" .. "tls1.3". */
const char *rdd_host_tls_name(enum rdd_host_tls t);
/* "AES 128/128", "AES 256/256"; "ECDH", "Diffie-Hellman", "PKCS". */
const char *rdd_host_cipher_name(enum rdd_host_cipher c);
const char *rdd_host_kex_name(enum rdd_host_kex k);
/* "stopped", "running", ...; NULL for UNREADABLE. */
const char *rdd_host_service_name(enum rdd_host_service s);
/* "present", "not-linked", "missing"; NULL for UNREADABLE. */
const char *rdd_host_key_name(enum rdd_host_key k);

/* The effective value of S (policy wins) and where it came from:
 * "policy", "local" or NULL when neither copy could be read or exists. */
const char *rdd_host_effective(const struct rdd_host_setting *s,
                               uint32_t *value);

/*
 * Does the firewall rule string RULE let TCP PORT in? Returns 1 (an
 * active inbound Allow rule for TCP or any protocol whose LPort list
 * holds PORT or is absent), 0 (it does not), -1 (not a rule string).
 */
int rdd_host_fw_rule_allows(const char *rule, unsigned port);

/* Turn ST into findings and a verdict. Pure function of ST. */
void rdd_diagnose_host(const struct rdd_host_state *st,
                       struct rdd_diagnosis *out);

/*
 * The thumbprint the listener should serve: SSLCertificateSHA1Hash
 * (*SOURCE "configured"), or the self-signed certificate when none is
 * configured ("self-signed"); NULL when the state cannot tell.
 */
const char *rdd_host_expected_thumbprint(const struct rdd_host_state *st,
                                         const char **source);

/*
 * `host --check`: rdd_diagnose_host() plus the state against OBS, a check
 * of the host's own listener: the certificate it serves against the
 * configured one, SecurityLayer and UserAuthentication against what it
 * negotiated, the listening socket against the TCP connection. Pure
 * function of ST and OBS.
 */
void rdd_diagnose_host_check(const struct rdd_host_state *st,
                             const struct rdd_observation *obs,
                             struct rdd_diagnosis *out);

/*
 * Read a state from its JSON text (DATA, LEN bytes). Returns 0, or -1
 * with a reason in ERR (cap bytes). Unknown members are ignored; a
 * missing member stays "not readable here".
 */
int rdd_host_state_from_json(const char *data, size_t len,
                             struct rdd_host_state *st, char *err, size_t cap);
/* Write ST as JSON (the format rdd_host_state_from_json reads). */
int rdd_host_state_write_json(FILE *out, const struct rdd_host_state *st);
/* The diagnosis of ST as JSON: {"host": ..., "state": ..., "findings",
 * "verdict"}. */
int rdd_report_host_json(FILE *out, const struct rdd_host_state *st,
                         const struct rdd_diagnosis *d);
/* The diagnosis as text for a terminal; COLOR adds ANSI colors. */
int rdd_report_host_text(FILE *out, const struct rdd_host_state *st,
                         const struct rdd_diagnosis *d, bool color);
/*
 * The same for `host --check`: OBS and CHECK_DIAG are the check of the
 * listener; both views side by side ("listener_check" in JSON, with the
 * check's own document under "check"). OBS NULL: as above.
 */
int rdd_report_host_check_json(FILE *out, const struct rdd_host_state *st,
                               const struct rdd_diagnosis *d,
                               const struct rdd_observation *obs,
                               const struct rdd_diagnosis *check_diag);
int rdd_report_host_check_text(FILE *out, const struct rdd_host_state *st,
                               const struct rdd_diagnosis *d,
                               const struct rdd_observation *obs, bool color);

#endif
