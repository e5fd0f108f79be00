/*
 * check.h - the check of one target: the plan (sans-I/O) and its runner.
 *
 * The plan says which connections a check opens and how their answers
 * become phases, a security layer and an NLA verdict (lib/probe/plan.c, no
 * I/O, unit-tested). The runner (lib/net/check_run.c) resolves the name,
 * opens the plan's connections concurrently in one libuv loop, drives a
 * probe on each, and fills the observation.
 */
#ifndef RDPDOCTOR_CHECK_H
#define RDPDOCTOR_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "rdpdoctor/observation.h"
#include "rdpdoctor/probe.h"

/* One connection of the plan. */
struct rdd_plan_entry {
	const char *label;  /* "A", "B", "C" */
	uint32_t requested; /* requestedProtocols */
	bool tls;           /* upgrade to TLS when selected */
	bool credssp;       /* then CredSSP when HYBRID(_EX) is selected */
	bool spnego;        /* CredSSP's NTLM NEGOTIATE wrapped in SPNEGO */
	/* MCS Connect-Initial when standard RDP security (or SSL, after
	 * TLS) is selected, with these CS_SECURITY encryptionMethods. */
	bool mcs;
	uint32_t encryption_methods;
	/* After an rt-successful Connect-Response, walk the rest of the
	 * connection sequence (the check's own path to the server). */
	bool session;
};

/*
 * The connections of a check:
 *   A  0x0B (SSL|HYBRID|HYBRID_EX, what mstsc sends), then TLS, then the
 *      first round of CredSSP (a TSRequest with a plain NTLM NEGOTIATE)
 *      when the server selects HYBRID or HYBRID_EX;
 *   B  0x01 (TLS only): does the server require NLA?
 *   C  0x00 (standard RDP security only): is native RDP security allowed?
 * A and C go on to the MCS Connect-Initial (offering every encryption
 * method, as mstsc does) when the server selects standard RDP security,
 * and A also after TLS when it selects SSL.
 * Returns the number of entries written to OUT (at most MAX).
 */
size_t rdd_plan_entries(struct rdd_plan_entry *out, size_t max);

/*
 * Derive the phases (resolve is the runner's), the security layer and
 * nla_required from obs->attempts, as shared/reference/protocol.md 1.9 says.
 * Pure function of the attempts; called by the runner, and by tests.
 */
void rdd_plan_conclude(struct rdd_observation *obs);

/*
 * The follow-up connection after A, when A's plain NTLM NEGOTIATE was
 * refused (the server closed or reset the connection, or answered with
 * an errorCode or a SPNEGO reject and no CHALLENGE): "A2", the same
 * request as A with the NEGOTIATE wrapped in SPNEGO, as mstsc sends it.
 * Returns true and fills OUT when it is due. Pure function of obs.
 */
bool rdd_plan_spnego_retry(const struct rdd_observation *obs,
                           struct rdd_plan_entry *out);

/*
 * After the SPNEGO retry: keep in OBS->credssp the exchange that got a
 * CHALLENGE (the retry's, if it did; else the plain one, PLAIN), and
 * describe the other one in its other_* fields.
 */
void rdd_plan_credssp_merge(struct rdd_observation *obs,
                            const struct rdd_credssp_info *plain);

/*
 * The follow-up connections once standard RDP security is known to work
 * (an attempt that selected it, or got a Connection Confirm without
 * negotiation data, received an rt-successful Connect-Response): one per
 * standard RDP security encryption method, "E40", "E56", "E128" and
 * "EFIPS", each requesting 0x00 and offering that method alone in
 * CS_SECURITY, as nmap's rdp-enum-encryption does. Returns how many were
 * written to OUT (at most MAX): 4, or 0 when not due or already opened.
 * Pure function of obs.
 */
size_t rdd_plan_encryption_probes(const struct rdd_observation *obs,
                                  struct rdd_plan_entry *out, size_t max);

/* True when LABEL names one of those connections. */
bool rdd_plan_is_encryption_probe(const char *label);

/*
 * The encryption probes may still come: none is opened yet, and an
 * attempt got standard RDP security from its X.224 exchange with its MCS
 * Connect still to come or answered rt-successful (the probes open when
 * it ends). The path samples keep out of their way: four connections at
 * once fill a small accept queue (xrdp's holds 3) by themselves. Pure
 * function of obs.
 */
bool rdd_plan_encryption_probes_coming(const struct rdd_observation *obs);

/*
 * After the check: from the MCS records of the attempts (BY_ATTEMPT[i]
 * belongs to obs->attempts[i]), keep in OBS->mcs the most telling one:
 * C's when it got an rt-successful Connect-Response (standard RDP
 * security, with its encryption and certificate), else A's, else A2's,
 * else C's. rdd_plan_conclude() then adds the accepted encryption methods.
 */
void rdd_plan_mcs_merge(struct rdd_observation *obs,
                        const struct rdd_mcs_info *by_attempt);

/*
 * After the check: from the session records of the attempts (BY_ATTEMPT[i]
 * belongs to obs->attempts[i]), keep in OBS->session the walk of the
 * default client's path: A's, or C's when mstsc falls back to standard RDP
 * security (rdd_plan_rdp_fallback). rdd_plan_conclude() then derives the
 * mcs, licensing and activation phases from it.
 */
void rdd_plan_session_merge(struct rdd_observation *obs,
                            const struct rdd_session_info *by_attempt);

/*
 * True when connection C (standard RDP security only) should walk the
 * session too: A was refused with SSL_NOT_ALLOWED_BY_SERVER, so C is the
 * path mstsc falls back to. Pure function of obs.
 */
bool rdd_plan_c_walks(const struct rdd_observation *obs);

/*
 * True when the server refuses TLS/NLA with SSL_NOT_ALLOWED_BY_SERVER to the
 * mstsc-style request but accepts standard RDP security: mstsc then
 * reconnects asking for standard RDP security only (as the Zeek capture
 * rdp-proprietary-encryption.pcap shows), so the client does connect.
 */
bool rdd_plan_rdp_fallback(const struct rdd_observation *obs);

/* Longest user or domain name accepted, in bytes of UTF-8 (NTLM and the
 * Client Info carry at most 256 UTF-16 units; the Client Info's domain
 * is shorter, and a longer one is refused there). */
#define RDD_CRED_NAME_MAX 256
/* Longest password accepted, in bytes (a Windows password is at most 256
 * characters). */
#define RDD_PASSWORD_MAX 1024

/*
 * Credentials for a logon. USER and DOMAIN come from "DOMAIN\user"
 * (split) or "user@domain" (kept whole in USER with DOMAIN empty, as
 * Windows clients send a UPN) or a bare "user". PASSWORD points at the
 * caller's buffer (NUL-terminated), which the caller wipes after the
 * check. LOGON (--logon): delegate the password to the server and let it
 * log the user on (a user session is created); without it the password
 * only proves the account over NTLM and the server is given empty
 * credentials, so it cannot log anyone on.
 */
struct rdd_credentials {
	char user[RDD_CRED_NAME_MAX];
	char domain[RDD_CRED_NAME_MAX];
	const char *password;
	bool logon;
};

struct rdd_check_options {
	const char *host;
	uint16_t port;      /* default 3389 */
	int family;         /* 0 any, 4, 6 */
	double timeout_s;   /* per phase, default 5 */
	const char *cookie; /* NULL: no cookie */
	size_t samples;     /* path samples (--samples); 0: none */
	uint16_t udp_port;  /* RDP-UDP probe (--udp-port); 0: the TCP port */
	bool no_udp;        /* --no-udp: no RDP-UDP probe */
	/* -v; may be NULL. With tls_full it is also called from the
	 * enumeration's thread, possibly at the same time. */
	rdd_trace_cb trace;
	void *trace_ctx;
	/* --tls-full: the TLS enumeration beside the check, with at most
	 * tls_parallel connections at once (0: 8). */
	bool tls_full;
	int tls_parallel;
	/* The store the server's certificate chain is verified against
	 * (rdd_trust_store_load); NULL: trust not checked. */
	void *trust_store;
	/* --stop-after: the last phase the walk goes through
	 * (RDD_PHASE_MCS, _LICENSING; 0 or _ACTIVATION: to the end). */
	enum rdd_phase stop_after;
	/* --licensing full: answer a licence challenge (a licence may then
	 * be issued to the client name "rdpdoctor"). */
	bool licensing_full;
	/* --channels: static virtual channels connection A asks for and
	 * joins (names of up to 7 characters); none by default. */
	const char *const *channels;
	size_t n_channels;
	/* --user: log on over CredSSP (NLA) with these credentials on the
	 * default client's connection, once; NULL: no credentials are ever
	 * sent. The library reads the password, never copies it but into
	 * the hashes and the sealed messages, and never writes it out. */
	const struct rdd_credentials *credentials;
	/* scan --depth quick: TCP, X.224 (the three requests) and A's TLS
	 * handshake with its certificate; no CredSSP, MCS or walk. */
	bool quick;
	/* scan --exclude: a resolved address ADDRESS_OK refuses is never
	 * connected to (dropped, as if the name did not have it). NULL:
	 * every address. SA is a struct sockaddr * with the port set. */
	bool (*address_ok)(void *ctx, const void *sa);
	void *address_ok_ctx;
	/* The Kerberos phase (shared/reference/kerberos.md 3): --realm and
	 * --kdc HOST[:PORT]; NULL: the realm from the user's name or the
	 * server's NTLM CHALLENGE, the KDCs from DNS SRV. The phase runs
	 * when a realm is known (or --kdc is given), never for a scan. */
	const char *realm;
	const char *kdc;
	bool kerberos; /* check: run the phase when a realm is known */
	/* --gateway GW[:PORT]: reach the target through this RD Gateway
	 * (one connection, the default client's, walked through the
	 * gateway's channel; no other connection to the target, no path
	 * samples, RDP-UDP or Kerberos). NULL: direct. gateway_port 0: 443.
	 * gateway_credentials (NULL: none) sign in to the gateway. */
	const char *gateway;
	uint16_t gateway_port;
	const struct rdd_credentials *gateway_credentials;
};

/*
 * Load the certificates of CA_FILE (PEM), or with CA_FILE NULL the
 * system's (OpenSSL's default paths), into a new X509_STORE. Returns it,
 * or NULL with the reason in ERR. Free with rdd_trust_store_free.
 */
void *rdd_trust_store_load(const char *ca_file, char *err, size_t errcap);
void rdd_trust_store_free(void *store);

/*
 * Run a full check of one target. Fills OBS (initialised here). Returns 0,
 * or -1 on an internal error (out of memory, event loop failure) with
 * obs->phases[RDD_PHASE_RESOLVE].detail saying what.
 */
int rdd_check_run(const struct rdd_check_options *opt,
                  struct rdd_observation *obs);

/* ---- Many checks on one event loop (scan) ------------------------------ */

/* Size of a loop's read buffer: a TLS record or a TPKT fits. */
#define RDD_CHECK_READ_BUF 65536

/* Where checks run: a libuv loop (uv_loop_t *, void * so that this header
 * needs no libuv) and one read buffer for all the checks on it. */
struct rdd_check_env {
	void *loop;
	uint8_t *read_buf;
	size_t read_buf_len; /* at least RDD_CHECK_READ_BUF is best */
};

struct rdd_check;
typedef void (*rdd_check_done_cb)(struct rdd_check *c, void *ctx);

/*
 * Start a check of OPT into OBS (initialised here) on ENV's loop; OPT,
 * the strings it points to and OBS must outlive the check. DONE is called
 * from the loop once the check is over and OBS concluded (never from
 * within rdd_check_start); it may free the check. Returns NULL when out
 * of memory or ENV is incomplete.
 */
struct rdd_check *rdd_check_start(const struct rdd_check_env *env,
                                  const struct rdd_check_options *opt,
                                  struct rdd_observation *obs,
                                  rdd_check_done_cb done, void *ctx);

/* After DONE: 0, or -1 on an internal error (as rdd_check_run). */
int rdd_check_result(const struct rdd_check *c);

/* After DONE (or never started): free C. A lookup that outlived its
 * timeout is left to finish first; C is freed then. */
void rdd_check_free(struct rdd_check *c);

/*
 * The TLS enumeration (lib/net/tlsenum_run.c, plan in tlsenum.h) against
 * obs->address, filling obs->tls_enum. When opt->tls_full is set,
 * rdd_check_run runs it on a thread of its own as soon as the check's
 * connections have the server's X.224 answers, beside the rest of the
 * check (or after the check, when no answer came). Returns 0, or -1 on an
 * internal error.
 */
int rdd_tlsenum_run(const struct rdd_check_options *opt,
                    struct rdd_observation *obs);

#endif
