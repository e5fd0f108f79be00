/*
 * observation.h - what rdpdoctor saw of one target, phase by phase.
 *
 * One observation record per target. Live checks (lib/net) and, later,
 * capture replay (lib/pcap) fill it; the diagnosis engine (lib/diag) reads
 * it and the renderers (lib/report) print it. It holds facts only: no
 * verdicts, no findings. Every string in it that came from the network
 * (certificate names, the first bytes of a non-RDP answer) is untrusted and
 * must be escaped by whoever prints it.
 *
 * Times are milliseconds relative to the start of the check.
 */
#ifndef RDPDOCTOR_OBSERVATION_H
#define RDPDOCTOR_OBSERVATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/tlsenum.h"

#define RDD_STR 256
#define RDD_ADDR_STR 64
#define RDD_MAX_ADDRESSES 16
#define RDD_MAX_ATTEMPTS 12 /* A, B, C, A2 and the encryption probes */
#define RDD_MAX_SAN 32
#define RDD_FIRST_BYTES 16

/* Stable phase names: part of the JSON contract (add, never rename). */
enum rdd_phase {
	RDD_PHASE_RESOLVE,
	RDD_PHASE_TCP,
	RDD_PHASE_X224,
	RDD_PHASE_TLS,
	RDD_PHASE_CREDSSP,
	RDD_PHASE_MCS,
	RDD_PHASE_LICENSING,
	RDD_PHASE_ACTIVATION,
	RDD_PHASE_UDP,
	RDD_PHASE_NETWORK,
	RDD_PHASE_KERBEROS,
	/* Through an RD Gateway (check --gateway): TCP and TLS to the
	 * gateway, its HTTP sign-in and transport, the MS-TSGU handshake,
	 * tunnel and tunnel authorization, and the channel to the target. */
	RDD_PHASE_GATEWAY_TLS,
	RDD_PHASE_GATEWAY_HTTP,
	RDD_PHASE_GATEWAY_TUNNEL,
	RDD_PHASE_GATEWAY_CHANNEL,
	RDD_PHASE_COUNT
};

/* "resolve", "tcp", ...; NULL for an out-of-range value. */
const char *rdd_phase_name(enum rdd_phase phase);
/* The phase whose name is NAME, or -1. */
int rdd_phase_from_name(const char *name);

enum rdd_status {
	RDD_STATUS_SKIPPED, /* not run: an earlier phase failed, or n/a */
	RDD_STATUS_OK,
	RDD_STATUS_FAILED,
	RDD_STATUS_TIMEOUT
};

/* "skipped", "ok", "failed", "timeout". */
const char *rdd_status_name(enum rdd_status status);

struct rdd_phase_result {
	bool present; /* false: this phase is not part of this kind of check */
	enum rdd_status status;
	double start_ms;
	double ms;
	char detail[RDD_STR];
};

/* [MS-RDPBCGR] 2.2.1.1.1 requestedProtocols / selectedProtocol bits. */
#define RDD_PROTO_RDP 0x00000000u
#define RDD_PROTO_SSL 0x00000001u
#define RDD_PROTO_HYBRID 0x00000002u
#define RDD_PROTO_RDSTLS 0x00000004u
#define RDD_PROTO_HYBRID_EX 0x00000008u
#define RDD_PROTO_RDSAAD 0x00000010u

enum rdd_tcp_outcome {
	RDD_TCP_NOT_RUN,
	RDD_TCP_OK,
	RDD_TCP_REFUSED,     /* RST to SYN */
	RDD_TCP_TIMEOUT,     /* no answer to SYN */
	RDD_TCP_UNREACHABLE, /* ICMP unreachable, no route */
	RDD_TCP_ERROR        /* anything else; see tcp_error */
};

enum rdd_x224_outcome {
	RDD_X224_NOT_RUN,
	RDD_X224_RSP,         /* Connection Confirm with RDP_NEG_RSP */
	RDD_X224_FAILURE,     /* Connection Confirm with RDP_NEG_FAILURE */
	RDD_X224_NO_NEG_DATA, /* Connection Confirm without rdpNegData (legacy) */
	RDD_X224_TIMEOUT,     /* connected, no Connection Confirm in time */
	RDD_X224_CLOSED,   /* orderly close (FIN) before a Connection Confirm */
	RDD_X224_RESET,    /* reset before a Connection Confirm */
	RDD_X224_NOT_RDP,  /* the answer is not TPKT/X.224 */
	RDD_X224_MALFORMED /* TPKT/X.224, but not a valid Connection Confirm */
};

enum rdd_tls_outcome {
	RDD_TLS_NOT_RUN,
	RDD_TLS_OK,
	RDD_TLS_ALERT,   /* server sent an alert; alert_level/alert_desc */
	RDD_TLS_CLOSED,  /* orderly close during the handshake, no alert */
	RDD_TLS_RESET,   /* reset during the handshake */
	RDD_TLS_TIMEOUT, /* no (complete) server flight in time */
	RDD_TLS_NOT_TLS, /* the server answered with bytes that are not TLS */
	RDD_TLS_ERROR    /* handshake failed on our side; see tls_detail */
};

/* The CredSSP exchange: one TSRequest with an NTLM NEGOTIATE (no
 * credentials) and the server's answer. */
enum rdd_credssp_outcome {
	RDD_CREDSSP_NOT_RUN,
	RDD_CREDSSP_OK,       /* a TSRequest carrying an NTLM CHALLENGE */
	RDD_CREDSSP_CLOSED,   /* orderly close (FIN, close_notify, a TLS alert)
	                        before an answer */
	RDD_CREDSSP_RESET,    /* reset before an answer */
	RDD_CREDSSP_TIMEOUT,  /* no (complete) answer in time */
	RDD_CREDSSP_ERROR,    /* an answer with an errorCode or a SPNEGO
	                        reject, and no CHALLENGE */
	RDD_CREDSSP_MALFORMED /* the answer is not a TSRequest, or carries
	                         nothing readable */
};

const char *rdd_tcp_outcome_name(enum rdd_tcp_outcome o);
const char *rdd_x224_outcome_name(enum rdd_x224_outcome o);
const char *rdd_tls_outcome_name(enum rdd_tls_outcome o);
/* "not_run", "ok", "closed", "reset", "timeout", "error", "malformed". */
const char *rdd_credssp_outcome_name(enum rdd_credssp_outcome o);

/* The Basic Settings Exchange: the client's MCS Connect-Initial (with the
 * GCC client data) and the server's answer. */
enum rdd_mcs_outcome {
	RDD_MCS_NOT_RUN,
	RDD_MCS_OK,           /* a Connect-Response arrived (see its result) */
	RDD_MCS_DISCONNECTED, /* an MCS Disconnect Provider Ultimatum or an
	                         X.224 Disconnect Request instead */
	RDD_MCS_CLOSED,       /* orderly close before a Connect-Response */
	RDD_MCS_RESET,        /* reset before a Connect-Response */
	RDD_MCS_TIMEOUT,      /* no (complete) answer in time */
	RDD_MCS_MALFORMED,    /* an answer that is not a Connect-Response */
	RDD_MCS_ERROR         /* the Connect-Initial could not be sent */
};

/* "not_run", "ok", "disconnected", "closed", "reset", "timeout",
 * "malformed", "error". */
const char *rdd_mcs_outcome_name(enum rdd_mcs_outcome o);

/* One TCP connection of the check plan, with what it asked and got. */
struct rdd_attempt {
	char label[8];      /* "A", "B", "C": role in the plan */
	uint32_t requested; /* requestedProtocols sent */
	bool tls_wanted;    /* upgrade to TLS if the server selects it */
	char address[RDD_ADDR_STR];

	enum rdd_tcp_outcome tcp;
	char tcp_error[RDD_STR];
	/* A connect that failed with an error: its name ("ECONNREFUSED"),
	 * "" otherwise (a timeout, or not known); and its errno, 0 when not
	 * known. */
	char tcp_errname[32];
	int tcp_errno;
	double tcp_start_ms;
	double tcp_ms;

	enum rdd_x224_outcome x224;
	uint32_t selected;     /* valid when x224 == RDD_X224_RSP */
	uint8_t flags;         /* RDP_NEG_RSP flags */
	uint32_t failure_code; /* valid when x224 == RDD_X224_FAILURE */
	double x224_start_ms;
	double x224_ms;
	char x224_detail[RDD_STR];
	/* The first bytes the server sent (for "not RDP" evidence). */
	uint8_t first_bytes[RDD_FIRST_BYTES];
	size_t n_first_bytes;

	enum rdd_tls_outcome tls;
	uint8_t alert_level;
	uint8_t alert_desc;
	double tls_start_ms;
	double tls_ms;
	char tls_detail[RDD_STR];

	/* The MCS Connect-Initial of this connection, sent when the plan
	 * asks for it and the server selected standard RDP security, or SSL
	 * (then after TLS). */
	bool mcs_wanted;
	uint32_t encryption_methods; /* CS_SECURITY encryptionMethods sent */
	enum rdd_mcs_outcome mcs;
	int mcs_result; /* T.125 Result; -1 without a Connect-Response */
	/* SC_SECURITY of the Connect-Response (0 when absent). */
	uint32_t mcs_encryption_method;
	uint32_t mcs_encryption_level;
	double mcs_start_ms;
	double mcs_ms;
	char mcs_detail[RDD_STR];
};

/* Certificate facts as received; validity is judged in lib/diag. */
struct rdd_cert {
	bool present;
	char subject[RDD_STR];
	char issuer[RDD_STR];
	char common_name[RDD_STR];
	char san[RDD_MAX_SAN][RDD_STR]; /* "DNS:name" or "IP:addr" */
	size_t n_san;
	int64_t not_before; /* Unix seconds */
	int64_t not_after;
	bool self_signed;  /* issuer == subject and its own key verifies it */
	char key_type[16]; /* "RSA", "EC", "Ed25519", ... */
	int key_bits;
	char signature[64]; /* e.g. "sha256WithRSAEncryption" */
	char sha256[65];    /* hex fingerprint of the DER */
	/* SHA-1 of the DER, 40 uppercase hex digits: the thumbprint Windows
	 * shows and stores (SSLCertificateSHA1Hash); "" when unknown. */
	char sha1[41];
	/* Name check against the host or address the user gave:
	 * -1 not checked, 0 mismatch, 1 match. */
	int name_match;
	char name_checked[RDD_STR];
	/* Extended key usage; has_eku false: no extension (any use). */
	bool has_eku;
	bool eku_server_auth; /* 1.3.6.1.5.5.7.3.1 */
	bool
	    eku_rdp_auth; /* Remote Desktop Authentication, 1.3.6.1.4.1.311.54.1.2 */
	/* The chain the server sent, verified against the trust store (the
	 * system's or --ca-file) at the check's time: -1 not checked, 0 no
	 * path to a trusted root, 1 trusted. trust_error: OpenSSL's reason. */
	int trusted;
	char trust_error[RDD_STR];
};

struct rdd_tls_info {
	bool present;     /* a handshake completed */
	char attempt[8];  /* label of the attempt it came from */
	char version[16]; /* "TLSv1.2" */
	char cipher[64];  /* IANA-style or OpenSSL name */
	struct rdd_cert cert;
};

/*
 * What the server's NTLM CHALLENGE says about it ([MS-NLMP] 2.2.1.2): its
 * names (UTF-8 converted from UTF-16LE, untrusted), its VERSION and its
 * clock. Whether the clock is off is judged in lib/diag.
 */
struct rdd_ntlm_info {
	bool present; /* a CHALLENGE was parsed */
	char target_name[RDD_STR];
	char netbios_computer[RDD_STR];
	char netbios_domain[RDD_STR];
	char dns_computer[RDD_STR];
	char dns_domain[RDD_STR];
	char dns_tree[RDD_STR];
	uint32_t flags; /* NegotiateFlags of the CHALLENGE */
	bool has_version;
	uint8_t os_major;
	uint8_t os_minor;
	uint16_t os_build;
	uint8_t ntlm_revision;
	bool has_time;
	int64_t server_time; /* MsvAvTimestamp as Unix seconds */
	double time_at_ms;   /* when the CHALLENGE arrived */
};

/*
 * A logon over CredSSP with the user's credentials (check --user): the
 * NTLM AUTHENTICATE and the client's pubKeyAuth (message 3), the server's
 * pubKeyAuth (message 4), the TSCredentials (message 5) and, for
 * HYBRID_EX, the Early User Authorization Result ([MS-CSSP] 3.1.5,
 * [MS-RDPBCGR] 2.2.10.2).
 */
enum rdd_logon_outcome {
	RDD_LOGON_NOT_RUN, /* no credentials, or no CHALLENGE came */
	RDD_LOGON_OK,      /* the server proved its key and took the
	                           credentials (and, for HYBRID_EX, said
	                           the user may connect) */
	RDD_LOGON_REFUSED, /* a TSRequest errorCode after AUTHENTICATE */
	RDD_LOGON_CLOSED,  /* closed, reset or a TLS alert after
	                           AUTHENTICATE, without an errorCode */
	RDD_LOGON_PUBKEY_MISMATCH, /* the server's pubKeyAuth is not for the
	                              key of the TLS certificate */
	RDD_LOGON_NOT_SENT,        /* refused before AUTHENTICATE: the server's
	                           CredSSP lacks the CVE-2018-0886 fix, or
	                           its NTLM offers weak session security */
	RDD_LOGON_DENIED,          /* HYBRID_EX: the Early User Authorization
	                           Result is ACCESS_DENIED (or not 0) */
	RDD_LOGON_TIMEOUT,         /* no answer in time */
	RDD_LOGON_MALFORMED,       /* an answer that does not parse, or a
	                           pubKeyAuth that does not unseal */
	RDD_LOGON_ERROR            /* nothing sent: rdpdoctor could not build
	                           the message (e.g. no MD4/RC4 here) */
};

/* "not_run", "ok", "refused", "closed", "pubkey_mismatch", "not_sent",
 * "denied", "timeout", "malformed", "error". */
const char *rdd_logon_outcome_name(enum rdd_logon_outcome o);

/* Why a logon was not sent (RDD_LOGON_NOT_SENT). */
enum rdd_logon_not_sent {
	RDD_LOGON_NS_NONE,
	RDD_LOGON_NS_ORACLE,   /* server's CredSSP version below 5 */
	RDD_LOGON_NS_WEAK_NTLM /* the CHALLENGE lacks required flags */
};

/* The mechanism that carried the logon: NTLM (raw NTLMSSP), or Kerberos
 * inside SPNEGO with the Kerberos phase's service ticket. */
enum rdd_logon_mech { RDD_LOGON_MECH_NTLM, RDD_LOGON_MECH_KERBEROS };

/* "ntlm", "kerberos". */
const char *rdd_logon_mech_name(enum rdd_logon_mech m);

struct rdd_logon_info {
	enum rdd_logon_outcome outcome;
	enum rdd_logon_not_sent not_sent;
	/* The account as the user gave it (user names are shown; the
	 * password never is). */
	char user[256];
	char domain[256];
	bool delegated;      /* the password went in TSCredentials (--logon) */
	uint32_t version;    /* negotiated CredSSP version */
	uint32_t ntlm_flags; /* the AUTHENTICATE's NegotiateFlags */
	uint32_t missing_flags; /* NS_WEAK_NTLM: what the CHALLENGE lacked */
	bool has_error_code;
	uint32_t error_code; /* NTSTATUS or HRESULT */
	bool pubkey_checked; /* the server's pubKeyAuth was verified */
	bool has_early_result;
	uint32_t early_result; /* 0 success, 5 ACCESS_DENIED */
	double start_ms;       /* AUTHENTICATE sent */
	double answer_ms;      /* until the server's answer to it */
	double ms;             /* until the logon step ended */
	char detail[RDD_STR];
	/* Which mechanism logged on, and why that one (in users' words). */
	enum rdd_logon_mech mech;
	char mech_reason[RDD_STR];
	/* Kerberos: the KRB-ERROR the server sent inside CredSSP (in its
	 * SPNEGO answer), RFC 4120 7.5.9 code, and its clock (stime) as the
	 * server's minus ours, whole seconds. */
	bool has_krb_error;
	int32_t krb_error;
	bool has_server_skew;
	int64_t server_skew_s;
};

struct rdd_credssp_info {
	enum rdd_credssp_outcome outcome;
	char attempt[8]; /* label of the attempt it came from */
	bool spnego;     /* the NEGOTIATE was SPNEGO-wrapped */
	double start_ms;
	double ms;
	char detail[RDD_STR];
	bool has_version; /* the server answered with a TSRequest */
	uint32_t server_version;
	bool has_error_code;
	uint32_t error_code; /* NTSTATUS or HRESULT */
	struct rdd_ntlm_info ntlm;
	/* When the plain NTLM request was refused and a SPNEGO-wrapped one
	 * was tried on another connection, the exchange above is the one
	 * that got a CHALLENGE (else the plain one) and this is the other:
	 * RDD_CREDSSP_NOT_RUN when there was no second request. */
	enum rdd_credssp_outcome other_outcome;
	bool other_spnego;
	char other_attempt[8];
	char other_detail[RDD_STR];
	/* The logon with the user's credentials, on this exchange's
	 * connection (outcome NOT_RUN without --user). */
	struct rdd_logon_info logon;
};

/* The server certificate of SC_SECURITY (standard RDP security only). */
enum rdd_server_cert_kind {
	RDD_SERVER_CERT_NONE,        /* none sent (TLS: encryption 0/0) */
	RDD_SERVER_CERT_PROPRIETARY, /* RSA key signed with Microsoft's key */
	RDD_SERVER_CERT_X509,        /* an X.509 chain */
	RDD_SERVER_CERT_UNKNOWN      /* another dwVersion */
};

/* "none", "proprietary", "x509", "unknown". */
const char *rdd_server_cert_kind_name(enum rdd_server_cert_kind k);

#define RDD_MAX_CERT_CHAIN 8

struct rdd_server_certificate {
	enum rdd_server_cert_kind kind;
	uint32_t version_raw; /* dwVersion as sent */
	bool temporary;       /* CERT_TEMPORARILY_ISSUED: not permanent */
	bool valid;           /* its own structure is consistent */
	/* Proprietary: the server's RSA key and the signature over it. */
	uint32_t sig_alg_id;
	uint32_t key_alg_id;
	uint32_t rsa_bits;
	uint32_t rsa_exponent;
	uint32_t signature_len;
	/* X.509: the blob lengths (root first) and the server's own (last)
	 * certificate, read with OpenSSL; names are untrusted. */
	uint32_t n_certs; /* 1 for a proprietary certificate */
	uint32_t cert_len[RDD_MAX_CERT_CHAIN];
	bool leaf_parsed;
	char leaf_subject[RDD_STR];
	char leaf_issuer[RDD_STR];
	char leaf_key_type[16];
	int leaf_key_bits;
	uint32_t leaf_rsa_exponent;
};

#define RDD_MAX_ENCRYPTION_METHODS 4

/*
 * What the MCS Connect-Response said ([MS-RDPBCGR] 2.2.1.4): the server's
 * RDP version and, for standard RDP security, its encryption method and
 * level and certificate. From attempt A when it got that far (TLS without
 * NLA, or standard RDP security), else from C (standard RDP security).
 * The accepted methods come from one connection per method, each offering
 * that method only (as nmap's rdp-enum-encryption does).
 */
struct rdd_mcs_info {
	enum rdd_mcs_outcome outcome; /* RDD_MCS_NOT_RUN: no MCS at all */
	char attempt[8];              /* label of the attempt it came from */
	double start_ms;
	double ms;
	char detail[RDD_STR];
	uint32_t selected_protocol;  /* serverSelectedProtocol sent */
	uint32_t encryption_methods; /* CS_SECURITY encryptionMethods sent */
	int result;                  /* T.125 Result; -1 none */
	int disconnect_reason;       /* DPUM reason; -1 none */
	/* SC_CORE */
	bool has_core;
	uint32_t server_version_raw;
	char rdp_version[16]; /* "RDP 10.7"; "" when the value is unknown */
	uint16_t core_length; /* 8, 12 or 16: how new the server is */
	bool has_client_requested_protocols;
	uint32_t client_requested_protocols;
	bool has_early_capability_flags;
	uint32_t early_capability_flags;
	/* SC_SECURITY */
	bool has_security;
	uint32_t encryption_method;
	uint32_t encryption_level;
	uint32_t server_random_len;
	struct rdd_server_certificate server_certificate;
	/* SC_NET, SC_MCS_MSGCHANNEL, SC_MULTITRANSPORT */
	bool has_net;
	uint16_t io_channel;
	uint16_t channel_count;
	bool has_msgchannel;
	uint16_t msg_channel;
	bool has_multitransport;
	uint32_t multitransport_flags;
	/* Standard RDP security methods: those probed to an answer, and
	 * those the server chose when offered alone. */
	uint32_t tested_encryption_methods; /* bit set */
	uint32_t accepted_encryption_methods[RDD_MAX_ENCRYPTION_METHODS];
	size_t n_accepted_encryption_methods;
};

enum rdd_security_layer {
	RDD_SECLAYER_UNKNOWN,
	RDD_SECLAYER_RDP,       /* Standard RDP Security only */
	RDD_SECLAYER_NEGOTIATE, /* Standard RDP Security and TLS/CredSSP */
	RDD_SECLAYER_TLS        /* TLS or CredSSP required */
};

/* "unknown", "rdp", "negotiate", "tls". */
const char *rdd_security_layer_name(enum rdd_security_layer l);

/* A TCP-only probe of another address the name resolved to. */
struct rdd_alt_address {
	char address[RDD_ADDR_STR];
	enum rdd_tcp_outcome tcp;
	double ms;
};

/*
 * The path (phase "network"): repeated TCP handshakes to the port (by
 * default the check's own opening connections', and more beside the
 * check's phases when they cost nothing; or spread over time, --samples
 * N), and the MTU black-hole retry. Each sample is the time from connect()
 * to the SYN-ACK; a lost SYN or SYN-ACK shows as a retransmission step of
 * about one second (Linux's initial RTO: 1 s, then 2 s more), a sample
 * still unanswered at the phase timeout as lost. A sample the end of the
 * check cut short is neither answered nor lost. Summaries are filled by
 * rdd_net_summarize (lib/probe/netpath.c).
 */
#define RDD_MAX_SAMPLES 32

enum rdd_sample_outcome {
	RDD_SAMPLE_NOT_RUN,
	RDD_SAMPLE_OK,      /* connected; rtt_ms is set */
	RDD_SAMPLE_TIMEOUT, /* no SYN-ACK within the phase timeout */
	RDD_SAMPLE_FAILED,  /* refused, unreachable, or another error */
	/* Still unanswered when the check ended (its last phase, the
	 * samples it waits for, and a grace): not counted, not lost. */
	RDD_SAMPLE_CUT_SHORT
};

/* How the samples were scheduled (netpath.h). */
enum rdd_net_mode {
	RDD_NET_MODE_NONE,      /* --samples 0 */
	RDD_NET_MODE_ALONGSIDE, /* the default: beside the check's phases */
	RDD_NET_MODE_SPREAD     /* --samples N: spread, the check waits */
};

struct rdd_net_sample {
	enum rdd_sample_outcome outcome;
	double start_ms; /* when the connect started */
	double rtt_ms;   /* connect() to SYN-ACK, as measured */
	/* By default the handshakes of the check's opening connections
	 * (A, B, C) are samples too: the connection's label; "" for a
	 * sample that is a connection of its own. */
	char conn[8];
};

/* The MTU black-hole retry: attempt A's X.224 exchange worked but its TLS
 * server flight never arrived, so the TLS handshake was repeated with a
 * small MSS (TCP_MAXSEG before connect). */
enum rdd_mtu_retry {
	RDD_MTU_NOT_RUN,
	RDD_MTU_OK,     /* the small-MSS handshake completed: a black hole */
	RDD_MTU_FAILED, /* it did not complete either: not (only) the MTU */
	RDD_MTU_NO_MSS  /* the MSS could not be set on the socket */
};

struct rdd_net_info {
	bool present; /* samples were taken */
	enum rdd_net_mode mode;
	/* --samples N; alongside: the samples the check took. */
	size_t n_requested;
	size_t n_min; /* samples the check waits for to the end */
	size_t n_own; /* of the samples, the check's own handshakes */
	struct rdd_net_sample samples[RDD_MAX_SAMPLES];
	size_t n_samples; /* started */
	/* Wall time the samples added after the check's last phase ended. */
	double wait_ms;
	/* rdd_net_summarize: over answered samples, with each
	 * retransmission step taken off (rtt_ms minus 1000 ms per lost
	 * SYN), so the figures are the path's own round trip. */
	size_t n_answered;
	size_t n_lost_syn; /* SYNs (or SYN-ACKs) lost: steps + timeouts */
	size_t n_syn_sent; /* SYN exchanges the samples needed in all */
	double loss_pct;   /* 100 * n_lost_syn / n_syn_sent */
	double rtt_min_ms;
	double rtt_median_ms;
	double rtt_p95_ms;
	double rtt_max_ms;
	double jitter_ms;   /* mean |difference| of consecutive clean RTTs */
	size_t n_clean;     /* answered without a retransmission */
	size_t n_cut_short; /* RDD_SAMPLE_CUT_SHORT: counted nowhere */
	/* The MTU retry. */
	enum rdd_mtu_retry mtu;
	int mtu_mss;   /* the MSS used */
	double mtu_ms; /* the retry's TLS handshake time */
	char mtu_detail[RDD_STR];
	char mtu_first_detail[RDD_STR]; /* attempt A's TLS result */
};

/* "not_run", "ok", "failed", "no_mss". */
const char *rdd_mtu_retry_name(enum rdd_mtu_retry m);

/*
 * RDP-UDP (phase "udp"): an RDPEUDP SYN to the server's UDP port and its
 * SYN+ACK ([MS-RDPEUDP] 3.1.5.1). Filled by lib/net/check_run.c with the
 * sans-I/O helpers of lib/probe/udpphase.c.
 */
enum rdd_udp_outcome {
	RDD_UDP_NOT_RUN,
	RDD_UDP_ANSWERED,  /* a SYN+ACK acknowledging our SYN */
	RDD_UDP_NO_ANSWER, /* nothing within the phase timeout */
	RDD_UDP_REFUSED,   /* ICMP port unreachable */
	RDD_UDP_MALFORMED, /* datagrams came back, none a valid SYN+ACK */
	RDD_UDP_ERROR      /* the socket could not be used; see detail */
};

/* "not_run", "answered", "no_answer", "refused", "malformed", "error". */
const char *rdd_udp_outcome_name(enum rdd_udp_outcome o);

struct rdd_udp_info {
	enum rdd_udp_outcome outcome;
	uint16_t port;
	uint16_t version_offered; /* uUdpVer of our SYN */
	unsigned syns_sent;       /* the SYN and its retransmissions */
	double start_ms;
	double ms;     /* first SYN to the answer (or to giving up) */
	double rtt_ms; /* the SYN+ACK after the last SYN sent before it */
	/* The SYN+ACK. */
	uint16_t flags;
	uint16_t window;
	uint16_t up_mtu;
	uint16_t down_mtu;
	bool has_version;
	uint16_t version; /* the version the server chose */
	char detail[RDD_STR];
};

/*
 * Kerberos without credentials (phase "kerberos"): the realm, its KDCs
 * (--kdc, or DNS SRV _kerberos._udp/_tcp.<realm>), each KDC's answer on
 * 88/udp and 88/tcp to one AS-REQ without pre-authentication, the KDC's
 * clock from the KRB-ERROR and the encryption types of ETYPE-INFO2
 * (shared/reference/kerberos.md 3). Filled by lib/net/krb_run.c; the
 * phase result by lib/probe/krbphase.c. Strings from the KDC are
 * untrusted.
 */
enum rdd_krb_realm_source {
	RDD_KRB_REALM_NONE,
	RDD_KRB_REALM_OPTION,    /* --realm */
	RDD_KRB_REALM_USER,      /* --user user@REALM or DOMAIN\user */
	RDD_KRB_REALM_NTLM,      /* the CHALLENGE's MsvAvDnsDomainName */
	RDD_KRB_REALM_DNS_SUFFIX /* the target's name without its host */
};
/* "none", "option", "user", "ntlm", "dns_suffix". */
const char *rdd_krb_realm_source_name(enum rdd_krb_realm_source s);

enum rdd_krb_lookup {
	RDD_KRB_LOOKUP_NOT_RUN,   /* --kdc given: no SRV lookup */
	RDD_KRB_LOOKUP_FOUND,     /* SRV records named the KDCs */
	RDD_KRB_LOOKUP_NONE,      /* the DNS answered: no SRV records */
	RDD_KRB_LOOKUP_NO_ANSWER, /* the DNS servers did not answer */
	RDD_KRB_LOOKUP_ERROR      /* no resolver, or the KDC's name failed */
};
/* "not_run", "found", "none", "no_answer", "error". */
const char *rdd_krb_lookup_name(enum rdd_krb_lookup l);

enum rdd_krb_outcome {
	RDD_KRB_NOT_RUN,
	RDD_KRB_ANSWERED,  /* a Kerberos message came back */
	RDD_KRB_NO_ANSWER, /* nothing within the phase timeout */
	RDD_KRB_REFUSED,   /* ICMP port unreachable, or a TCP reset */
	RDD_KRB_MALFORMED, /* bytes came back that are not a KDC answer */
	RDD_KRB_ERROR      /* the socket could not be used */
};
/* "not_run", "answered", "no_answer", "refused", "malformed", "error". */
const char *rdd_krb_outcome_name(enum rdd_krb_outcome o);

#define RDD_KRB_MAX_KDCS 4
#define RDD_KRB_KDC_ETYPES 8

struct rdd_krb_transport {
	enum rdd_krb_outcome outcome;
	double ms; /* the request sent to the answer (or to giving up) */
};

struct rdd_krb_kdc {
	char name[RDD_STR]; /* as --kdc or the SRV record gave it */
	char address[RDD_ADDR_STR];
	uint16_t port;
	struct rdd_krb_transport udp, tcp;
	/* The first answer (UDP's, else TCP's). */
	bool answered;
	int msg_type;       /* 30 KRB-ERROR, 11 AS-REP */
	int64_t error_code; /* -1: not a KRB-ERROR */
	char etext[RDD_STR];
	/* Clock skew: KDC time minus ours, corrected by half the round
	 * trip, in whole seconds (reference 3.6). */
	bool has_skew;
	int64_t skew_s;
	double rtt_ms;
	size_t n_etypes; /* from ETYPE-INFO2 */
	int32_t etypes[RDD_KRB_KDC_ETYPES];
};

/*
 * With --user and a password (after a KDC answered the credential-free
 * AS-REQ): the AS exchange with pre-authentication and a TGS request for
 * TERMSRV/<target as typed>, through MIT krb5 (lib/net/krb_user.c) on a
 * private configuration naming that KDC, a memory credential cache and
 * rdpdoctor's own transport bounded by the phase timeout
 * (shared/reference/kerberos.md 4).
 */
enum rdd_krb_user_outcome {
	RDD_KRB_USER_NOT_RUN,
	RDD_KRB_USER_TICKET,     /* a TGT and the TERMSRV ticket */
	RDD_KRB_USER_AS_FAILED,  /* the AS exchange failed (as_code, detail) */
	RDD_KRB_USER_TGS_FAILED, /* a TGT, no TERMSRV ticket (tgs_code) */
	RDD_KRB_USER_TIMEOUT,    /* the KDC stopped answering in time */
	RDD_KRB_USER_ERROR       /* our side could not go on (detail) */
};
/* "not_run", "ticket", "as_failed", "tgs_failed", "timeout", "error". */
const char *rdd_krb_user_outcome_name(enum rdd_krb_user_outcome o);

struct rdd_krb_user {
	enum rdd_krb_user_outcome outcome;
	char principal[RDD_STR]; /* user@REALM */
	char spn[RDD_STR];       /* TERMSRV/<host>@REALM */
	/* The KDC's error codes (RFC 4120 7.5.9); -1: none. */
	int64_t as_code, tgs_code;
	char etext[RDD_STR];  /* e-text of the KRB-ERROR that ended it */
	char detail[RDD_STR]; /* MIT's message, or what went wrong */
	bool has_ntstatus;    /* Windows e-data (reference 4.3) */
	uint32_t ntstatus;
	/* 25 came back without ETYPE-INFO2: no etype in common. */
	bool no_common_etype;
	/* krb5_get_time_offsets after the TGT: the KDC's clock minus
	 * ours as MIT adopted it (kdc_timesync), whole seconds. */
	bool has_offset;
	int64_t offset_s;
	char transport[4]; /* "tcp" or "udp" */
	double as_ms, tgs_ms;
};

struct rdd_krb_info {
	bool run;
	char realm[RDD_STR];
	enum rdd_krb_realm_source realm_source;
	char cname[RDD_STR];  /* the client name the AS-REQ asked for */
	bool kdc_from_option; /* --kdc */
	enum rdd_krb_lookup lookup;
	char lookup_detail[RDD_STR];
	struct rdd_krb_kdc kdcs[RDD_KRB_MAX_KDCS];
	size_t n_kdcs;
	double start_ms, ms;
	struct rdd_krb_user user; /* --user with a password */
};

/*
 * The rest of the connection sequence after an rt-successful MCS
 * Connect-Response ([MS-RDPBCGR] 1.3.1.1; shared/reference/session.md),
 * walked by the attempt a default client connects with: the MCS domain
 * (Erect Domain, Attach User, Channel Joins), standard RDP security's
 * Security Exchange when the server chose it, the Client Info PDU,
 * licensing, and the capability exchange and finalization up to the
 * server's Font Map. Filled by lib/probe/session.c. Strings from the
 * server are untrusted.
 */
enum rdd_session_outcome {
	RDD_SESSION_NOT_RUN,
	RDD_SESSION_ACTIVATED,     /* Font Map received: activation complete */
	RDD_SESSION_STOPPED,       /* stopped where asked (--stop-after), or at
	                             a licence challenge it does not answer */
	RDD_SESSION_REFUSED,       /* an Attach User or Channel Join refused */
	RDD_SESSION_ERROR_INFO,    /* a Set Error Info PDU (then the end) */
	RDD_SESSION_LICENSE_ERROR, /* a licensing ERROR_ALERT ended it */
	RDD_SESSION_DISCONNECTED,  /* a Disconnect Provider Ultimatum or an
	                             X.224 Disconnect Request, no error PDU */
	RDD_SESSION_REDIRECTED,    /* a Server Redirection PDU */
	RDD_SESSION_CLOSED,        /* orderly close without either */
	RDD_SESSION_RESET,
	RDD_SESSION_TIMEOUT,     /* the awaited PDU did not come in time */
	RDD_SESSION_MALFORMED,   /* a PDU that does not parse */
	RDD_SESSION_ERROR,       /* our side could not go on (see detail) */
	RDD_SESSION_LOGGED_ON,   /* --logon: activation complete and the
	                          server's logon notification came */
	RDD_SESSION_LOGON_FAILED /* --logon: the server's logon error
	                            notification came (Save Session Info) */
};

/* "not_run", "activated", "stopped", "refused", "error_info",
 * "license_error", "disconnected", "redirected", "closed", "reset",
 * "timeout", "malformed", "error", "logged_on", "logon_failed". */
const char *rdd_session_outcome_name(enum rdd_session_outcome o);

/* The steps of the walk, in order; each recorded when it happens. */
enum rdd_session_step {
	RDD_STEP_ERECT_DOMAIN,        /* sent */
	RDD_STEP_ATTACH_USER,         /* Attach User Confirm received */
	RDD_STEP_JOIN_USER,           /* Channel Join Confirm, user channel */
	RDD_STEP_JOIN_IO,             /* ... the I/O channel */
	RDD_STEP_JOIN_MESSAGE,        /* ... the message channel */
	RDD_STEP_JOIN_STATIC,         /* ... a static channel (--channels) */
	RDD_STEP_SECURITY_EXCHANGE,   /* sent (standard RDP security) */
	RDD_STEP_CLIENT_INFO,         /* sent */
	RDD_STEP_LICENSE_REQUEST,     /* received */
	RDD_STEP_NEW_LICENSE_REQUEST, /* sent */
	RDD_STEP_PLATFORM_CHALLENGE,  /* received */
	RDD_STEP_PLATFORM_CHALLENGE_RESPONSE, /* sent */
	RDD_STEP_LICENSE_ISSUED, /* NEW_LICENSE or UPGRADE_LICENSE received */
	RDD_STEP_LICENSE_VALID,  /* STATUS_VALID_CLIENT received */
	RDD_STEP_LICENSE_ERROR,  /* another ERROR_ALERT received */
	RDD_STEP_DEMAND_ACTIVE,  /* received */
	RDD_STEP_CONFIRM_ACTIVE, /* sent, with the client's finalization */
	RDD_STEP_SYNCHRONIZE,    /* the server's, received */
	RDD_STEP_COOPERATE,
	RDD_STEP_GRANTED_CONTROL,
	RDD_STEP_FONT_MAP,   /* received: activation complete */
	RDD_STEP_DISCONNECT, /* our Disconnect Provider Ultimatum sent */
	RDD_STEP_COUNT
};

/* "erect_domain", "attach_user", ...; NULL out of range. */
const char *rdd_session_step_name(enum rdd_session_step s);

#define RDD_MAX_SESSION_STEPS 32
#define RDD_MAX_SESSION_CAPSETS 40

struct rdd_session_event {
	enum rdd_session_step step;
	enum rdd_phase phase; /* mcs, licensing or activation */
	double at_ms;         /* when it happened */
	double wait_ms;       /* since the request it answers, or since the
	                         previous step for what the server sends on
	                         its own; -1 for what we send */
	char detail[96];
};

/* How licensing went ([MS-RDPELE] 1.3.3; session.md 5.2). */
enum rdd_licensing_path {
	RDD_LICENSING_NOT_REACHED,
	RDD_LICENSING_VALID_CLIENT,        /* STATUS_VALID_CLIENT at once */
	RDD_LICENSING_REQUEST_VALID,       /* LICENSE_REQUEST answered, then
	                                 STATUS_VALID_CLIENT (xrdp) */
	RDD_LICENSING_CHALLENGE_NOT_TAKEN, /* a PLATFORM_CHALLENGE: the server
	                                      would issue a licence; stopped */
	RDD_LICENSING_ISSUED,              /* NEW_LICENSE or UPGRADE_LICENSE
	                                 (only with --licensing full) */
	RDD_LICENSING_ERROR,               /* an ERROR_ALERT other than valid */
	RDD_LICENSING_SKIPPED /* the server went on to Demand Active
	                                 without a licensing PDU */
};

/* "not_reached", "valid_client", "request_valid", "challenge_not_taken",
 * "issued", "error", "skipped". */
const char *rdd_licensing_path_name(enum rdd_licensing_path p);

struct rdd_capset_info {
	uint16_t type;
	uint16_t length;
};

/* What a --logon walk heard of the logon after activation. */
enum rdd_logon_notice {
	RDD_LOGON_NOTICE_NOT_AWAITED, /* no --logon, or activation not reached */
	RDD_LOGON_NOTICE_LOGGED_ON,   /* logon info (INFOTYPE_LOGON, _LONG or
	                                 _PLAINNOTIFY): a user is logged on */
	RDD_LOGON_NOTICE_FAILED,      /* a logon error (LOGON_FAILED_*, or
	                                 LOGON_MSG_NO_PERMISSION) */
	RDD_LOGON_NOTICE_DIALOG,      /* the server asks the user something
	                                 (another session, reconnect, ...) */
	RDD_LOGON_NOTICE_NONE         /* nothing came in time */
};

/* "not_awaited", "logged_on", "failed", "dialog", "none". */
const char *rdd_logon_notice_name(enum rdd_logon_notice n);

struct rdd_session_info {
	enum rdd_session_outcome outcome;
	char attempt[8];
	enum rdd_phase phase; /* where it ended: mcs, licensing, activation */
	double start_ms;      /* the Erect Domain Request */
	double end_ms;        /* the end of the walk */
	char detail[RDD_STR];
	enum rdd_phase stop_after; /* what was asked (--stop-after) */

	struct rdd_session_event events[RDD_MAX_SESSION_STEPS];
	size_t n_events;

	/* MCS domain. */
	uint16_t user_channel;
	uint16_t io_channel;
	uint16_t msg_channel;     /* 0: none */
	uint16_t static_channels; /* static channels joined (--channels) */
	int mcs_result;           /* the refused confirm's T.125 Result; -1 */

	/* Standard RDP security (security exchange done). */
	bool standard_security;
	uint32_t encryption_method;
	uint32_t encryption_level;
	/* The server's encrypted PDUs: checked, and with a wrong MAC. */
	unsigned server_pdus_checked;
	unsigned server_mac_errors;
	int cert_signature; /* proprietary certificate: 1, 0, -1 unknown */

	/* Licensing. */
	enum rdd_licensing_path licensing;
	uint8_t license_preamble_version; /* of the server's first message */
	bool has_license_request;
	char license_company[128];
	char license_product_id[128];
	uint32_t license_product_version;
	char license_scope[128]; /* the first scope */
	uint32_t license_n_scopes;
	bool license_cert_from_request; /* else SC_SECURITY's was used */
	bool has_license_error;
	uint32_t license_error_code;
	uint32_t license_transition;
	bool license_issued_has_validity;
	int64_t license_not_after;

	/* Capability exchange and finalization. */
	bool has_demand_active;
	uint32_t share_id;
	uint16_t server_channel; /* the Demand Active's pduSource */
	char source_descriptor[48];
	bool has_server_session_id;
	uint32_t server_session_id;
	struct rdd_capset_info capsets[RDD_MAX_SESSION_CAPSETS];
	size_t n_capsets;
	bool has_general;
	uint16_t os_major;
	uint16_t os_minor;
	uint16_t general_extra_flags;
	bool has_bitmap;
	uint16_t desktop_width;
	uint16_t desktop_height;
	uint16_t bpp;
	bool has_vc;
	uint32_t vc_flags;
	uint32_t vc_chunk_size; /* 0: not sent */
	unsigned reactivations; /* Deactivate All followed by a new Demand
	                           Active */
	bool got_synchronize;
	bool got_cooperate;
	bool got_granted_control;
	bool got_font_map;
	bool has_monitor_layout;
	uint32_t monitors;
	uint32_t status_info; /* the last Status Info code; 0 none */
	bool has_logon_info;  /* Save Session Info: a user logged on */
	uint32_t logon_info_type;
	bool has_logon_error;
	uint32_t logon_error_type;
	uint32_t logon_error_data;
	/* --logon: what the server said about the user's logon after
	 * activation (Save Session Info, [MS-RDPBCGR] 2.2.10.1). */
	enum rdd_logon_notice logon_notice;
	bool has_logon_session_id;
	uint32_t logon_session_id;
	double logon_wait_ms;   /* from the Font Map to the notice or the end */
	unsigned fastpath_pdus; /* fast-path output read (and skipped) */

	/* How the server said no. */
	bool has_error_info;
	uint32_t error_info;
	enum rdd_phase error_info_phase;
	double error_info_at_ms;
	int disconnect_reason; /* a DPUM's T.125 reason; -1 none */
	enum rdd_phase disconnect_phase;
	double disconnect_at_ms;
	bool deactivated; /* a Deactivate All came */
	bool redirected;
	char redirect_target[256];
	uint32_t redirect_session_id;

	/* What the walk left on the server. */
	bool sent_disconnect; /* our Disconnect Provider Ultimatum */
};

/*
 * The RD Gateway in front of the target (check --gateway GW[:PORT];
 * shared/reference/gateway.md): the walk of lib/probe/gateway.c, step by
 * step, and what the gateway said. Strings from the gateway (HTTP reason
 * and Server, consent and service messages) are untrusted.
 */
enum rdd_gw_step {
	RDD_GW_STEP_NONE,
	RDD_GW_STEP_RESOLVE,       /* the gateway's name */
	RDD_GW_STEP_TCP,           /* TCP to the gateway */
	RDD_GW_STEP_TLS,           /* TLS to the gateway */
	RDD_GW_STEP_HTTP,          /* RDG_OUT_DATA, sign-in, transport */
	RDD_GW_STEP_HTTP_IN,       /* legacy transport: the IN channel's
	                              TCP, TLS, RDG_IN_DATA and sign-in */
	RDD_GW_STEP_HANDSHAKE,     /* HANDSHAKE_REQUEST / RESPONSE */
	RDD_GW_STEP_TUNNEL_CREATE, /* TUNNEL_CREATE / RESPONSE */
	RDD_GW_STEP_TUNNEL_AUTH,   /* TUNNEL_AUTH / RESPONSE (CAP) */
	RDD_GW_STEP_CHANNEL,       /* CHANNEL_CREATE / RESPONSE (RAP) */
	RDD_GW_STEP_DATA           /* the target's walk through the channel */
};
/* "none", "resolve", "tcp", "tls", "http", "http_in", "handshake",
 * "tunnel_create", "tunnel_auth", "channel", "data". */
const char *rdd_gw_step_name(enum rdd_gw_step s);

enum rdd_gw_outcome {
	RDD_GW_NOT_RUN,
	RDD_GW_OK,            /* the channel is open (step DATA) */
	RDD_GW_DNS_FAILED,    /* the gateway's name did not resolve */
	RDD_GW_TCP_FAILED,    /* see tcp */
	RDD_GW_TLS_FAILED,    /* see tls_outcome */
	RDD_GW_HTTP_STATUS,   /* an HTTP status that ends the walk */
	RDD_GW_AUTH_FAILED,   /* 401 after our NTLM AUTHENTICATE, or to our
	                           NEGOTIATE without a CHALLENGE */
	RDD_GW_AUTH_KERBEROS, /* 401 offering Negotiate only (no NTLM) */
	RDD_GW_AUTH_NO_CREDENTIALS, /* 401, and no credentials were given */
	RDD_GW_RPC_ONLY,            /* 404 to RDG_OUT_DATA, 401 on /rpc */
	RDD_GW_LEGACY_ONLY,         /* (no longer set: the legacy transport is
	                       walked; kept for the names' order) */
	RDD_GW_BAD_UPGRADE,         /* 101 with a wrong Sec-WebSocket-Accept */
	RDD_GW_REFUSED,             /* an MS-TSGU error code (see code) */
	RDD_GW_CLOSED,              /* closed (or a WebSocket close) mid-step */
	RDD_GW_RESET,
	RDD_GW_TIMEOUT,   /* no (complete) answer within the timeout */
	RDD_GW_MALFORMED, /* an answer that does not parse */
	RDD_GW_ERROR      /* our side could not go on (see detail) */
};
/* "not_run", "ok", "dns_failed", "tcp_failed", "tls_failed",
 * "http_status", "auth_failed", "auth_kerberos", "auth_no_credentials",
 * "rpc_only", "legacy_only", "bad_upgrade", "refused", "closed", "reset",
 * "timeout", "malformed", "error". */
const char *rdd_gw_outcome_name(enum rdd_gw_outcome o);

struct rdd_gateway_info {
	bool present; /* check --gateway */
	/* scan: this target was not checked: the gateway's own phases
	 * (gateway-tls, -http, -tunnel) failed for an earlier target of
	 * the same scan (NOT_REACHED_BY, "HOST:PORT", at that step with
	 * that outcome), and the scan stopped using the gateway (scan.h). */
	bool not_reached;
	char not_reached_by[RDD_STR];
	enum rdd_gw_step not_reached_step;
	enum rdd_gw_outcome not_reached_outcome;
	char host[RDD_STR];
	uint16_t port;
	char address[RDD_ADDR_STR];
	enum rdd_gw_step step; /* the last step begun */
	enum rdd_gw_outcome outcome;
	char detail[RDD_STR];
	/* The gateway's name and its TCP connection. */
	char resolve_error[RDD_STR];
	char resolve_errname[32];
	int resolve_gai;
	enum rdd_tcp_outcome tcp;
	char tcp_error[RDD_STR];
	char tcp_errname[32];
	int tcp_errno;
	/* TLS: the outcome, the alert, and the gateway's certificate
	 * (judged like the target's, as its own subject). */
	enum rdd_tls_outcome tls_outcome;
	uint8_t alert_level;
	uint8_t alert_desc;
	struct rdd_tls_info tls;
	/* HTTP. */
	unsigned requests;    /* HTTP requests sent */
	uint16_t status;      /* the last status; 0 none */
	char reason[64];      /* its reason phrase (untrusted) */
	char server[64];      /* Server header (untrusted) */
	unsigned schemes;     /* WWW-Authenticate schemes offered (1 NTLM,
	                       2 Negotiate, 4 Basic, 8 other) */
	bool ntlm;            /* we signed in with NTLM */
	bool channel_binding; /* ... with the TLS channel binding */
	uint16_t rpc_status;  /* the /rpc probe after a 404; 0 none */
	char transport[16];   /* "websocket", "legacy", "rpc" or "" */
	bool credentials;     /* gateway credentials were given */
	char user[256];       /* the account as given (no password) */
	char domain[256];
	/* The sign-in: the Authorization scheme ("NTLM", "Negotiate"; ""
	 * none sent), the mechanism ("ntlm"), why, and under Negotiate the
	 * gateway's mechListMIC in its last token ("verified", "bad",
	 * "absent", "malformed"; "" otherwise). */
	char auth_scheme[12];
	char auth_mechanism[12];
	char auth_reason[RDD_STR];
	char auth_server_mic[12];
	/* MS-TSGU: the refusal's code and the step that gave it. */
	bool has_code;
	uint32_t code;
	uint16_t server_version;
	uint16_t ext_auth; /* HANDSHAKE_RESPONSE */
	bool has_tunnel_id;
	uint32_t tunnel_id;
	bool has_caps;
	uint32_t caps; /* negotiated */
	bool has_consent;
	char consent[RDD_STR]; /* UTF-8 of the consent message (untrusted) */
	bool has_redir;
	uint32_t redir_flags;
	bool has_idle;
	uint32_t idle_timeout; /* minutes */
	/* The channel: what was asked for and what came back. */
	char resource[RDD_STR];
	uint16_t resource_port;
	bool has_channel_id;
	uint32_t channel_id;
	/* Through the channel. */
	uint64_t bytes_sent;     /* DATA payload bytes to the target */
	uint64_t bytes_received; /* ... from it */
	unsigned keepalives;
	bool close_channel; /* the gateway sent CLOSE_CHANNEL */
	uint32_t close_status;
	double close_at_ms;
	bool has_service_message;
	char service_message[RDD_STR]; /* untrusted */
	bool ws_close;                 /* a WebSocket close frame came */
	uint16_t ws_close_code;        /* 0: none in it */
	/* When each step began and how long it took (the phases). */
	double tls_start_ms, tls_ms; /* TCP connect to TLS done */
	double http_start_ms, http_ms;
	double tunnel_start_ms, tunnel_ms;
	double channel_start_ms, channel_ms;
	double tcp_ms; /* connect() to connected */
	/* The legacy HTTP transport's second connection, the IN channel
	 * (transport "legacy"; connections 2): its TCP connect, TLS
	 * handshake and RDG_IN_DATA requests, timed from its connect; its
	 * certificate is judged too when it is not the OUT channel's. */
	unsigned connections; /* TLS connections to the gateway: 1 or 2 */
	enum rdd_tcp_outcome in_tcp;
	char in_tcp_errname[32];
	int in_tcp_errno;
	enum rdd_tls_outcome in_tls_outcome;
	uint8_t in_alert_desc;
	unsigned in_requests;       /* of requests: those on the IN channel */
	uint16_t in_status;         /* the IN channel's last HTTP status */
	bool in_cert_differs;       /* its certificate is not the OUT's */
	struct rdd_tls_info in_tls; /* ... then this one, judged */
	unsigned filler_bytes;      /* the OUT 200's seed, skipped */
	double in_start_ms, in_tcp_ms, in_tls_ms, in_http_ms;
};

struct rdd_observation {
	/* Target as the user gave it, and what it resolved to. */
	char host[RDD_STR];
	uint16_t port;
	char addresses[RDD_MAX_ADDRESSES][RDD_ADDR_STR];
	size_t n_addresses;
	char address[RDD_ADDR_STR]; /* the one the check used */
	bool host_is_address;       /* the user gave a literal address */
	char resolve_error[RDD_STR];
	/* A failed lookup: the getaddrinfo() error's name ("EAI_NONAME"),
	 * "" when none; and its EAI_* value, 0 when not known. */
	char resolve_errname[32];
	int resolve_gai;

	int64_t checked_at; /* Unix seconds at the start of the check */
	double timeout_s;   /* per-phase timeout used */
	double total_ms;

	struct rdd_phase_result phases[RDD_PHASE_COUNT];

	struct rdd_attempt attempts[RDD_MAX_ATTEMPTS];
	size_t n_attempts;

	struct rdd_alt_address alt[RDD_MAX_ADDRESSES];
	size_t n_alt;

	enum rdd_security_layer security_layer;
	int nla_required; /* -1 unknown, 0 no, 1 yes */

	struct rdd_tls_info tls;

	/* The CredSSP exchange of attempt A (or of its SPNEGO retry). */
	struct rdd_credssp_info credssp;

	/* check --user: credentials were given (the account's name; the
	 * password is never recorded), and --logon. */
	struct {
		bool given;
		bool logon;
		char user[256];
		char domain[256];
	} credentials;

	/* The MCS Connect-Response (see struct rdd_mcs_info). */
	struct rdd_mcs_info mcs;

	/* The walk after it (see struct rdd_session_info). */
	struct rdd_session_info session;

	/* check --tls-full: the TLS enumeration (see tlsenum.h). */
	struct rdd_tls_enum_info tls_enum;

	/* The path: samples and the MTU retry (phase network). */
	struct rdd_net_info net;

	/* RDP-UDP (phase udp). */
	struct rdd_udp_info udp;

	/* Kerberos without credentials (phase kerberos). */
	struct rdd_krb_info krb;
	/* The RD Gateway (check --gateway; phases gateway-*). */
	struct rdd_gateway_info gateway;
};

/* Zero a session record and set its "unknown" markers. */
void rdd_session_info_init(struct rdd_session_info *s);

/* Zero the record and set every "unknown" marker. */
void rdd_observation_init(struct rdd_observation *obs);

#endif
