/*
 * injector_nla.h - the injector's NLA front (internal to tests/lab): the
 * SERVER side of NTLMv2 ([MS-NLMP] 3.2.5) inside CredSSP ([MS-CSSP] 3.1.5),
 * so that the injector can accept a real NLA logon before it relays to
 * xrdp, and refuse one with any CredSSP errorCode.
 *
 * injector_ntlm.c: the CHALLENGE, the check of an AUTHENTICATE (NTOWFv2
 * from the account's NT hash with the user and domain the client sent,
 * NTProofStr, MIC), the session keys and sealing in the server's
 * directions (session.md N.1-N.4 with client and server swapped).
 * injector_credssp.c: TSRequests, the public-key binding, TSCredentials,
 * and the CredSSP server's steps; no I/O: it gets a client TSRequest and
 * says what to send and what to do next.
 *
 * The password is read once at start, turned into its NT hash and wiped;
 * nothing here logs more than user and domain names.
 */
#ifndef INJECTOR_NLA_H
#define INJECTOR_NLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/cursor.h"

/* One line on stderr (injector.c). */
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define INJ_NAME_MAX 128   /* user and domain names, UTF-8 */
#define INJ_TOKEN_MAX 4096 /* NEGOTIATE and CHALLENGE kept for the MIC */
#define INJ_SPK_MAX 4096

/* The one account the NLA front knows. */
struct inj_account {
	char user[INJ_NAME_MAX];   /* ASCII case-insensitive match */
	char domain[INJ_NAME_MAX]; /* "": any domain is accepted */
	uint8_t nt_hash[16];       /* MD4(UTF-16LE(password)) */
};

/* Read FILE (first line, a trailing CR LF or LF dropped) and hash it into
 * A->nt_hash; the password itself is wiped. Returns 0 or -1. */
int inj_account_load_password(struct inj_account *a, const char *file);

/* --- NTLM, server side (injector_ntlm.c) --------------------------------- */

struct rdd_rc4;
struct inj_ntlm_dir {
	uint8_t sign_key[16];
	struct rdd_rc4 *seal;
	uint32_t seq;
};

struct inj_ntlm {
	uint8_t negotiate[INJ_TOKEN_MAX];
	size_t negotiate_len;
	uint8_t challenge[INJ_TOKEN_MAX];
	size_t challenge_len;
	uint8_t server_challenge[8];
	uint32_t flags;            /* the AUTHENTICATE's */
	char user[INJ_NAME_MAX];   /* from the AUTHENTICATE (UTF-8) */
	char domain[INJ_NAME_MAX]; /* for logs and checks only */
	char workstation[INJ_NAME_MAX];
	bool has_mic;
	uint8_t exported_session_key[16];
	struct inj_ntlm_dir c2s; /* what the client seals: unsealed here */
	struct inj_ntlm_dir s2c; /* what the server seals */
};

enum inj_ntlm_result {
	INJ_NTLM_OK,
	INJ_NTLM_MALFORMED,   /* not a well-formed message */
	INJ_NTLM_UNSUPPORTED, /* NTLMv1, no extended session security */
	INJ_NTLM_NO_SUCH_USER,
	INJ_NTLM_WRONG_PASSWORD, /* NTProofStr does not verify */
	INJ_NTLM_BAD_MIC,
	INJ_NTLM_CRYPTO
};

const char *inj_ntlm_result_name(enum inj_ntlm_result r);

/* The NetBIOS and DNS names the CHALLENGE carries (static strings, ASCII,
 * NB <= 15 characters); default INJECT / inject.rdpsrv.lab. Call before
 * any CHALLENGE is built. */
void inj_ntlm_set_names(const char *nb, const char *dns);

/*
 * Read the client's NEGOTIATE (kept for the MIC) and write the CHALLENGE
 * into OUT: flags = the client's | TARGET_INFO, a random server challenge,
 * TargetName and AV pairs NbDomainName/NbComputerName "INJECT",
 * DnsDomainName/DnsComputerName "inject.rdpsrv.lab", MsvAvTimestamp
 * NOW_FT, EOL, VERSION 10.0.17763. Returns 0, or -1 (not a NEGOTIATE).
 */
int inj_ntlm_challenge(struct inj_ntlm *n, const uint8_t *neg, size_t len,
                       uint64_t now_ft, struct rdd_buf *out);

/*
 * Check the client's AUTHENTICATE against ACCT: on OK the session keys
 * are set up (inj_ntlm_free releases them). N->user/domain are filled as
 * far as the message was read, whatever the result.
 */
enum inj_ntlm_result inj_ntlm_authenticate(struct inj_ntlm *n,
                                           const struct inj_account *acct,
                                           const uint8_t *msg, size_t len);

/* Unseal a token the client sealed (SIGNATURE 16 + message, LEN >= 16)
 * into OUT (LEN - 16 bytes). 0, or -1 if the signature does not verify. */
int inj_ntlm_unseal(struct inj_ntlm *n, const uint8_t *in, size_t len,
                    uint8_t *out);

/* Seal LEN bytes for the client: OUT gets 16 + LEN bytes. 0 or -1. */
int inj_ntlm_seal(struct inj_ntlm *n, const uint8_t *msg, size_t len,
                  uint8_t *out);

/* SPNEGO's mechListMIC ([MS-SPNG] 3.1.5.1): check the client's GSS_GetMIC
 * SIG (SIG_LEN bytes) over MSG (0 or -1), and make the server's (16
 * bytes into OUT; 0 or -1). Each advances its direction's sequence. */
int inj_ntlm_verify_mic(struct inj_ntlm *n, const uint8_t *msg, size_t len,
                        const uint8_t *sig, size_t sig_len);
int inj_ntlm_get_mic(struct inj_ntlm *n, const uint8_t *msg, size_t len,
                     uint8_t out[16]);

void inj_ntlm_free(struct inj_ntlm *n);

/* Check the above against [MS-NLMP] 4.2.4 (session.md N.5): the
 * AUTHENTICATE verifies and yields the exported key, the GSS_WrapEx
 * vectors seal and unseal both ways, wrong passwords, users and domains
 * and every truncation are refused. Returns the number of failures. */
int inj_ntlm_self_test(void);

/* --- CredSSP, server side (injector_credssp.c) ---------------------------- */

/* What the server does wrong, on purpose. */
enum inj_credssp_fault {
	INJ_FAULT_NONE,
	INJ_FAULT_ERROR,           /* errorCode CODE after msg 3 */
	INJ_FAULT_CLOSE,           /* close without a word after msg 3 */
	INJ_FAULT_ALERT,           /* TLS fatal alert after msg 3 */
	INJ_FAULT_BAD_PUBKEY,      /* server pubKeyAuth over another key */
	INJ_FAULT_ERROR_NEGOTIATE, /* errorCode CODE after msg 1 */
};

struct inj_credssp_cfg {
	uint32_t version; /* announced in every TSRequest */
	enum inj_credssp_fault fault;
	uint32_t code;
	const struct inj_account *acct;
	const uint8_t *spk; /* the SubjectPublicKey of our certificate */
	size_t spk_len;
	const uint8_t *other_spk; /* INJ_FAULT_BAD_PUBKEY: another key's */
	size_t other_spk_len;
};

enum inj_credssp_action {
	INJ_CS_SEND,       /* send OUT, wait for the next TSRequest */
	INJ_CS_SEND_CLOSE, /* send OUT, then close_notify and FIN */
	INJ_CS_CLOSE,      /* close_notify and FIN, nothing else */
	INJ_CS_ALERT,      /* a fatal access_denied alert, then FIN */
	INJ_CS_DONE,       /* authInfo read: CredSSP is over */
	INJ_CS_FAIL        /* the client broke the protocol: close */
};

struct inj_credssp {
	const struct inj_credssp_cfg *cfg;
	int conn; /* for logs */
	int step; /* 0: expect msg 1, 1: msg 3, 2: msg 5, 3: done */
	uint32_t client_version;
	uint32_t negotiated; /* min(ours, the client's) */
	uint8_t nonce[32];
	bool has_nonce;
	struct inj_ntlm ntlm;
};

void inj_credssp_init(struct inj_credssp *cs, const struct inj_credssp_cfg *cfg,
                      int conn);
void inj_credssp_free(struct inj_credssp *cs);

/*
 * One whole TSRequest from the client (REQ, LEN bytes): what to do, with
 * the bytes to send written to OUT (a TSRequest, or nothing).
 */
enum inj_credssp_action inj_credssp_input(struct inj_credssp *cs,
                                          const uint8_t *req, size_t len,
                                          struct rdd_buf *out);

/* Check the TSRequest encodings (errorCode as Windows writes it, parsing
 * what is built, every truncation refused) and the v2-4 echo. Returns the
 * number of failures. */
int inj_credssp_self_test(void);

/* "STATUS_LOGON_FAILURE" and friends, NULL if unknown. */
const char *inj_status_name(uint32_t code);

/* The SubjectPublicKey of a certificate (DER) or public key: the DER
 * RSAPublicKey for RSA ([MS-CSSP] 3.1.5). Returns its length, 0 if it
 * does not fit CAP. Takes an EVP_PKEY * (void * keeps OpenSSL out). */
size_t inj_spk_of_pkey(const void *pkey, uint8_t *out, size_t cap);

#endif
