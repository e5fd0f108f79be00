/*
 * logon.c - messages 3 to 5 of a CredSSP logon with NTLMv2 (logon.h).
 *
 * Choices, each the safe one a current Windows client makes:
 * - Raw NTLMSSP tokens (what mstsc and FreeRDP send when NTLM is the only
 *   mechanism; session.md C.3): no SPNEGO mechListMIC to get wrong.
 * - A server whose CredSSP version is below 5 lacks the CVE-2018-0886 fix;
 *   a client with the default "Mitigated" policy refuses it before
 *   AUTHENTICATE (session.md C.6), and so does rdpdoctor: no password is
 *   tested, no lockout counter moves.
 * - NTLM without extended session security, 128-bit keys, key exchange,
 *   signing or sealing is a downgrade: refused before AUTHENTICATE.
 * - The server's pubKeyAuth must match the TLS certificate's key before
 *   anything else is sent (a mismatch is an interception).
 * - Without --logon the TSCredentials carry three empty strings, as
 *   FreeRDP sends them when delegation is off: the server learns that the
 *   account is valid (NTLM proved it) but gets no password, so it cannot
 *   log the user on. With --logon they carry the password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/logon.h"
#include "wire/credssp.h"
#include "wire/credssp_auth.h"
#include "wire/crypto.h"
#include "wire/cursor.h"
#include "wire/ntlm.h"
#include "wire/ntlm_auth.h"

/* Seconds from 1601-01-01 to 1970-01-01. */
#define FILETIME_UNIX_OFFSET INT64_C(11644473600)
/* TSCredentials with the longest names and password, DER. */
#define CREDS_MAX (3 * 2 * RDD_PASSWORD_MAX + 64)

struct rdd__logon {
	const struct rdd_credentials *creds;
	char spn[8 + RDD_STR];
	uint64_t now_filetime;
	struct rdd__logon_seed seed;
	uint32_t version; /* negotiated */
	struct rdd_ntlm_sec sec;
	bool have_sec;
	uint8_t spk[RDD_CREDSSP_SPK_MAX];
	size_t spk_len;
};

int
rdd__logon_seed_fill(struct rdd__logon_seed *out,
                     const struct rdd__logon_seed *seed)
{
	if (seed != NULL) {
		*out = *seed;
		return 0;
	}
	return rdd_random_bytes((uint8_t *)out, sizeof(*out)) != 0 ? -1 : 0;
}

struct rdd__logon *
rdd__logon_new(const struct rdd_credentials *creds, const char *host,
               int64_t now_unix, const struct rdd__logon_seed *seed)
{
	struct rdd__logon *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->creds = creds;
	snprintf(l->spn, sizeof(l->spn), "TERMSRV/%s", host);
	if (now_unix < 0)
		now_unix = 0;
	l->now_filetime =
	    (uint64_t)(now_unix + FILETIME_UNIX_OFFSET) * UINT64_C(10000000);
	if (rdd__logon_seed_fill(&l->seed, seed) != 0) {
		free(l);
		return NULL;
	}
	return l;
}

void
rdd__logon_free(struct rdd__logon *l)
{
	if (l == NULL)
		return;
	if (l->have_sec)
		rdd_ntlm_sec_free(&l->sec);
	rdd_wipe(l, sizeof(*l));
	free(l);
}

/* The raw NTLM token of a whole TSRequest, or -1. */
static int
ntlm_token(const uint8_t *pdu, size_t len, struct rdd_tsrequest *req,
           struct rdd_cur *token)
{
	struct rdd_cur c;

	rdd_cur_init(&c, pdu, len);
	if (rdd_tsrequest_parse(&c, req) != 0 || req->n_tokens == 0 ||
	    !rdd_ntlm_has_signature(&req->token))
		return -1;
	*token = req->token;
	return 0;
}

static void
fail(struct rdd_logon_info *info, enum rdd_logon_outcome o, const char *what)
{
	info->outcome = o;
	snprintf(info->detail, sizeof(info->detail), "%s", what);
}

static size_t
not_sent_weak(struct rdd_logon_info *info, uint32_t missing)
{
	info->outcome = RDD_LOGON_NOT_SENT;
	info->not_sent = RDD_LOGON_NS_WEAK_NTLM;
	info->missing_flags = missing;
	snprintf(info->detail, sizeof(info->detail),
	         "the server's NTLM CHALLENGE lacks flags 0x%08x (extended "
	         "session security, 128-bit keys, key exchange, signing, "
	         "sealing or Unicode): no AUTHENTICATE was sent",
	         missing);
	return 0;
}

size_t
rdd__logon_msg3(struct rdd__logon *l, const uint8_t *request,
                size_t request_len, const uint8_t *answer, size_t answer_len,
                const uint8_t *cert, size_t cert_len, uint8_t *out, size_t cap,
                struct rdd_logon_info *info)
{
	struct rdd_tsrequest ours, theirs;
	struct rdd_cur neg, chal;
	struct rdd_ntlm_auth_input in;
	struct rdd_tsrequest_out m;
	uint8_t auth[RDD_NTLM_AUTHENTICATE_MAX];
	uint8_t plain[RDD_CREDSSP_SPK_MAX], sealed[RDD_CREDSSP_SPK_MAX + 16];
	struct rdd_buf b;
	enum rdd_ntlm_auth_result r;
	uint32_t missing = 0;
	size_t plen;

	snprintf(info->user, sizeof(info->user), "%s", l->creds->user);
	snprintf(info->domain, sizeof(info->domain), "%s", l->creds->domain);
	info->delegated = l->creds->logon;
	if (ntlm_token(request, request_len, &ours, &neg) != 0) {
		fail(info, RDD_LOGON_ERROR,
		     "the logon needs a raw NTLM NEGOTIATE as message 1");
		return 0;
	}
	if (ntlm_token(answer, answer_len, &theirs, &chal) != 0) {
		fail(info, RDD_LOGON_MALFORMED,
		     "the server's answer carries no raw NTLM CHALLENGE");
		return 0;
	}
	l->version = theirs.version < RDD_CREDSSP_VERSION ? theirs.version
	                                                  : RDD_CREDSSP_VERSION;
	info->version = l->version;
	if (l->version < RDD_CREDSSP_HASH_VERSION) {
		info->outcome = RDD_LOGON_NOT_SENT;
		info->not_sent = RDD_LOGON_NS_ORACLE;
		snprintf(info->detail, sizeof(info->detail),
		         "the server's CredSSP version %u predates the "
		         "CVE-2018-0886 fix (5 and later): a patched client "
		         "refuses it, and no credentials were sent",
		         (unsigned)theirs.version);
		return 0;
	}
	l->spk_len = rdd_credssp_spk(cert, cert_len, l->spk, sizeof(l->spk));
	if (l->spk_len == 0) {
		fail(info, RDD_LOGON_ERROR,
		     "the TLS certificate's public key could not be read for "
		     "the CredSSP binding");
		return 0;
	}

	memset(&in, 0, sizeof(in));
	in.negotiate = neg.p;
	in.negotiate_len = rdd_cur_left(&neg);
	in.challenge = chal.p;
	in.challenge_len = rdd_cur_left(&chal);
	in.user = l->creds->user;
	in.domain = l->creds->domain;
	in.password = l->creds->password != NULL ? l->creds->password : "";
	in.workstation = "";
	in.target_spn = l->spn;
	in.channel_bindings = NULL;
	in.now_filetime = l->now_filetime;
	memcpy(in.client_challenge, l->seed.client_challenge, 8);
	memcpy(in.exported_session_key, l->seed.exported_session_key, 16);
	rdd_buf_init(&b, auth, sizeof(auth));
	r = rdd_ntlm_authenticate(&b, &in, &l->sec, &missing);
	rdd_wipe(&in, sizeof(in));
	switch (r) {
	case RDD_NTLM_AUTH_OK:
		break;
	case RDD_NTLM_AUTH_DOWNGRADE:
		return not_sent_weak(info, missing);
	case RDD_NTLM_AUTH_MALFORMED:
		fail(info, RDD_LOGON_MALFORMED,
		     "the server's NTLM CHALLENGE is malformed");
		return 0;
	case RDD_NTLM_AUTH_TOO_LONG:
		fail(info, RDD_LOGON_ERROR,
		     "the user name, domain or the server's target "
		     "information is too long for an NTLM AUTHENTICATE");
		return 0;
	case RDD_NTLM_AUTH_CRYPTO:
	default:
		fail(info, RDD_LOGON_ERROR,
		     "NTLM needs MD4 and RC4, which this OpenSSL does not "
		     "offer (no legacy provider)");
		return 0;
	}
	l->have_sec = true;
	info->ntlm_flags = l->sec.flags;

	plen = rdd_credssp_client_binding(l->version, l->seed.nonce, l->spk,
	                                  l->spk_len, plain);
	if (plen == 0 || rdd_ntlm_seal(&l->sec, plain, plen, sealed) != 0) {
		fail(info, RDD_LOGON_ERROR, "could not seal the pubKeyAuth");
		return 0;
	}
	memset(&m, 0, sizeof(m));
	m.version = RDD_CREDSSP_VERSION;
	m.token = auth;
	m.token_len = b.len;
	m.pub_key_auth = sealed;
	m.pub_key_auth_len = plen + RDD_NTLM_SIGNATURE_LEN;
	m.client_nonce =
	    l->version >= RDD_CREDSSP_HASH_VERSION ? l->seed.nonce : NULL;
	rdd_buf_init(&b, out, cap);
	if (rdd_tsrequest_build_out(&b, &m) != 0 || b.err) {
		fail(info, RDD_LOGON_ERROR, "could not build message 3");
		return 0;
	}
	return b.len;
}

static enum rdd_logon_outcome
build_msg5(struct rdd__logon *l, uint8_t *out, size_t cap, size_t *out_len,
           struct rdd_logon_info *info)
{
	uint8_t *creds = NULL, *sealed = NULL;
	struct rdd_tsrequest_out m;
	struct rdd_buf b;
	enum rdd_logon_outcome o = RDD_LOGON_ERROR;
	bool delegate = l->creds->logon;
	size_t n;

	creds = malloc(CREDS_MAX);
	sealed = malloc(CREDS_MAX + RDD_NTLM_SIGNATURE_LEN);
	if (creds == NULL || sealed == NULL) {
		fail(info, RDD_LOGON_ERROR, "out of memory");
		goto out;
	}
	rdd_buf_init(&b, creds, CREDS_MAX);
	if (rdd_tscredentials_password(&b, delegate ? l->creds->domain : "",
	                               delegate ? l->creds->user : "",
	                               delegate && l->creds->password != NULL
	                                   ? l->creds->password
	                                   : "") != 0 ||
	    b.err) {
		fail(info, RDD_LOGON_ERROR,
		     "could not build the TSCredentials");
		goto out;
	}
	n = b.len;
	if (rdd_ntlm_seal(&l->sec, creds, n, sealed) != 0) {
		fail(info, RDD_LOGON_ERROR, "could not seal the TSCredentials");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.version = RDD_CREDSSP_VERSION;
	m.auth_info = sealed;
	m.auth_info_len = n + RDD_NTLM_SIGNATURE_LEN;
	rdd_buf_init(&b, out, cap);
	if (rdd_tsrequest_build_out(&b, &m) != 0 || b.err) {
		fail(info, RDD_LOGON_ERROR, "could not build message 5");
		goto out;
	}
	*out_len = b.len;
	o = RDD_LOGON_OK;
out:
	if (creds != NULL)
		rdd_wipe(creds, CREDS_MAX);
	free(creds);
	free(sealed);
	return o;
}

enum rdd_logon_outcome
rdd__logon_msg4(struct rdd__logon *l, const uint8_t *pdu, size_t len,
                uint8_t *out, size_t cap, size_t *out_len,
                struct rdd_logon_info *info)
{
	struct rdd_tsrequest req;
	struct rdd_cur c;
	uint8_t plain[RDD_CREDSSP_SPK_MAX + 16];
	size_t n;

	*out_len = 0;
	rdd_cur_init(&c, pdu, len);
	if (rdd_tsrequest_parse(&c, &req) != 0) {
		fail(info, RDD_LOGON_MALFORMED,
		     "the server's answer to AUTHENTICATE is not a "
		     "TSRequest");
		return RDD_LOGON_MALFORMED;
	}
	if (req.has_error_code) {
		info->has_error_code = true;
		info->error_code = req.error_code;
		snprintf(info->detail, sizeof(info->detail),
		         "the server answered AUTHENTICATE with errorCode "
		         "0x%08x",
		         req.error_code);
		info->outcome = RDD_LOGON_REFUSED;
		return RDD_LOGON_REFUSED;
	}
	n = rdd_cur_left(&req.pub_key_auth);
	if (!req.has_pub_key_auth || n < RDD_NTLM_SIGNATURE_LEN ||
	    n - RDD_NTLM_SIGNATURE_LEN > sizeof(plain)) {
		fail(info, RDD_LOGON_MALFORMED,
		     "the server's answer to AUTHENTICATE has no usable "
		     "pubKeyAuth");
		return RDD_LOGON_MALFORMED;
	}
	if (rdd_ntlm_unseal(&l->sec, req.pub_key_auth.p, n, plain) != 0) {
		fail(info, RDD_LOGON_PUBKEY_MISMATCH,
		     "the server's pubKeyAuth does not verify with the NTLM "
		     "session key: the server that answered is not the one "
		     "that checked the password");
		return RDD_LOGON_PUBKEY_MISMATCH;
	}
	info->pubkey_checked = true;
	if (!rdd_credssp_server_binding_ok(l->version, l->seed.nonce, l->spk,
	                                   l->spk_len, plain,
	                                   n - RDD_NTLM_SIGNATURE_LEN)) {
		rdd_wipe(plain, sizeof(plain));
		fail(info, RDD_LOGON_PUBKEY_MISMATCH,
		     "the server's pubKeyAuth is not for the public key of "
		     "the TLS certificate it presented: something between "
		     "rdpdoctor and the server terminates TLS");
		return RDD_LOGON_PUBKEY_MISMATCH;
	}
	rdd_wipe(plain, sizeof(plain));
	return build_msg5(l, out, cap, out_len, info);
}
