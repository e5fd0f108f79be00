/*
 * injector_credssp.c - the CredSSP server of the injector's NLA front
 * (injector_nla.h), after [MS-CSSP] 3.1.5 and shared/reference/session.md
 * C.1-C.5:
 *
 *   msg 1  C->S  TSRequest{version, negoTokens[NEGOTIATE]}
 *   msg 2  S->C  TSRequest{our version, negoTokens[CHALLENGE]}
 *   msg 3  C->S  TSRequest{version, negoTokens[AUTHENTICATE], pubKeyAuth,
 *                clientNonce (negotiated >= 5)}
 *   msg 4  S->C  TSRequest{our version, pubKeyAuth}   (or a refusal)
 *   msg 5  C->S  TSRequest{version, authInfo}
 *
 * pubKeyAuth ([MS-CSSP] 3.1.5; session.md C.4), sealed with NTLM: below
 * negotiated version 5 the client sends the SubjectPublicKey (SPK) of our
 * certificate and we answer it with its first byte plus one; from 5 on
 * SHA-256("CredSSP Client-To-Server Binding Hash\0" + nonce + SPK) and we
 * answer SHA-256("CredSSP Server-To-Client Binding Hash\0" + nonce + SPK).
 * The negotiated version is the lower of ours and the client's.
 *
 * A refused logon is answered as Windows does with CredSSP 3, 4 and 6:
 * TSRequest{version, errorCode}, then the caller closes; versions 2 and 5
 * have no errorCode, so there the connection just closes. The password in
 * authInfo is never logged: only the user and domain names are.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "injector_nla.h"
#include "wire/credssp.h"
#include "wire/crypto.h"
#include "wire/der.h"
#include "wire/ntlm.h"

#define STATUS_LOGON_FAILURE 0xC000006Du
#define SEC_E_MESSAGE_ALTERED 0x8009030Fu
#define SEC_E_INVALID_TOKEN 0x80090308u
#define EARLIEST_HASH_VERSION 5
#define PKA_MAX (16 + INJ_SPK_MAX)

static const char c2s_magic[] = "CredSSP Client-To-Server Binding Hash";
static const char s2c_magic[] = "CredSSP Server-To-Client Binding Hash";

const char *
inj_status_name(uint32_t code)
{
	static const struct {
		uint32_t code;
		const char *name;
	} t[] = {
	    {0xC000006D, "STATUS_LOGON_FAILURE"},
	    {0xC000006A, "STATUS_WRONG_PASSWORD"},
	    {0xC0000064, "STATUS_NO_SUCH_USER"},
	    {0xC0000071, "STATUS_PASSWORD_EXPIRED"},
	    {0xC0000224, "STATUS_PASSWORD_MUST_CHANGE"},
	    {0xC0000234, "STATUS_ACCOUNT_LOCKED_OUT"},
	    {0xC0000072, "STATUS_ACCOUNT_DISABLED"},
	    {0xC0000193, "STATUS_ACCOUNT_EXPIRED"},
	    {0xC000006E, "STATUS_ACCOUNT_RESTRICTION"},
	    {0xC000006F, "STATUS_INVALID_LOGON_HOURS"},
	    {0xC0000070, "STATUS_INVALID_WORKSTATION"},
	    {0xC000015B, "STATUS_LOGON_TYPE_NOT_GRANTED"},
	    {0xC0000022, "STATUS_ACCESS_DENIED"},
	    {0xC00700EA, "NTSTATUS_FROM_WIN32(ERROR_MORE_DATA)"},
	    {0x8009030C, "SEC_E_LOGON_DENIED"},
	    {0x8009030F, "SEC_E_MESSAGE_ALTERED"},
	    {0x80090302, "SEC_E_UNSUPPORTED_FUNCTION"},
	    {0x80090308, "SEC_E_INVALID_TOKEN"},
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

size_t
inj_spk_of_pkey(const void *pkey, uint8_t *out, size_t cap)
{
	unsigned char *der = NULL;
	int n = i2d_PublicKey((EVP_PKEY *)pkey, &der);

	if (n <= 0 || (size_t)n > cap) {
		OPENSSL_free(der);
		return 0;
	}
	memcpy(out, der, (size_t)n);
	OPENSSL_free(der);
	return (size_t)n;
}

/* --- TSRequest ------------------------------------------------------------- */

/* A client TSRequest with every field (borrowed from the input). */
struct tsreq {
	uint32_t version;
	bool has_token, has_auth, has_pka, has_error, has_nonce;
	struct rdd_cur token, auth, pka, nonce;
	uint32_t error;
};

static int
octets(struct rdd_cur *f, struct rdd_cur *out)
{
	return rdd_der_get(f, RDD_DER_OCTET_STRING, out) == 0 &&
	               rdd_cur_left(f) == 0
	           ? 0
	           : -1;
}

static int
tsreq_parse(const uint8_t *p, size_t len, struct tsreq *r)
{
	struct rdd_cur in, seq, f, list, item, tok;
	uint8_t tag, last = RDD_DER_CTX(0);
	int64_t v;

	memset(r, 0, sizeof *r);
	rdd_cur_init(&in, p, len);
	if (rdd_der_get(&in, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_der_get(&seq, RDD_DER_CTX(0), &f) != 0 ||
	    rdd_der_get_int(&f, RDD_DER_INTEGER, &v) != 0 || v < 0 ||
	    v > 0xffff)
		return -1;
	r->version = (uint32_t)v;
	while (rdd_cur_left(&seq) > 0) {
		if (rdd_der_get_any(&seq, &tag, &f) != 0 ||
		    (tag & 0xe0) != 0xa0 || tag <= last)
			return -1;
		last = tag;
		switch (tag) {
		case RDD_DER_CTX(1): /* NegoData: the first token */
			if (rdd_der_get(&f, RDD_DER_SEQUENCE, &list) != 0 ||
			    rdd_der_get(&list, RDD_DER_SEQUENCE, &item) != 0 ||
			    rdd_der_get(&item, RDD_DER_CTX(0), &tok) != 0 ||
			    octets(&tok, &r->token) != 0)
				return -1;
			r->has_token = true;
			break;
		case RDD_DER_CTX(2):
			if (octets(&f, &r->auth) != 0)
				return -1;
			r->has_auth = true;
			break;
		case RDD_DER_CTX(3):
			if (octets(&f, &r->pka) != 0)
				return -1;
			r->has_pka = true;
			break;
		case RDD_DER_CTX(4):
			if (rdd_der_get_int(&f, RDD_DER_INTEGER, &v) != 0)
				return -1;
			r->error = (uint32_t)v;
			r->has_error = true;
			break;
		case RDD_DER_CTX(5):
			if (octets(&f, &r->nonce) != 0)
				return -1;
			r->has_nonce = true;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Bytes of the minimal two's complement of V (1 to 4). */
static size_t
sint_size(uint32_t v)
{
	int64_t x = (int32_t)v;
	size_t n = 4;

	while (n > 1 && x >= -(INT64_C(1) << (8 * (n - 1) - 1)) &&
	       x < (INT64_C(1) << (8 * (n - 1) - 1)))
		n--;
	return n;
}

/*
 * The server's TSRequest: version, then negoTokens[TOKEN] and pubKeyAuth
 * when given, errorCode when HAS_ERROR (a signed 32-bit INTEGER, as
 * Windows and FreeRDP write NTSTATUS: 02 04 c0 00 00 6d).
 */
static int
tsreq_build(struct rdd_buf *b, uint32_t version, const uint8_t *token,
            size_t tlen, const uint8_t *pka, size_t plen, bool has_error,
            uint32_t error)
{
	size_t ver, tok = 0, pk = 0, err = 0, en = sint_size(error), i;
	size_t start = b->len;

	ver = rdd_der_tlv_size(rdd_der_tlv_size(rdd_der_uint_size(version)));
	if (token != NULL)
		tok = rdd_der_tlv_size(rdd_der_tlv_size(rdd_der_tlv_size(
		    rdd_der_tlv_size(rdd_der_tlv_size(tlen)))));
	if (pka != NULL)
		pk = rdd_der_tlv_size(rdd_der_tlv_size(plen));
	if (has_error)
		err = rdd_der_tlv_size(rdd_der_tlv_size(en));
	rdd_der_put_head(b, RDD_DER_SEQUENCE, ver + tok + pk + err);
	rdd_der_put_head(b, RDD_DER_CTX(0),
	                 rdd_der_tlv_size(rdd_der_uint_size(version)));
	rdd_der_put_uint(b, version);
	if (token != NULL) {
		rdd_der_put_head(
		    b, RDD_DER_CTX(1),
		    rdd_der_tlv_size(rdd_der_tlv_size(
		        rdd_der_tlv_size(rdd_der_tlv_size(tlen)))));
		rdd_der_put_head(
		    b, RDD_DER_SEQUENCE,
		    rdd_der_tlv_size(rdd_der_tlv_size(rdd_der_tlv_size(tlen))));
		rdd_der_put_head(b, RDD_DER_SEQUENCE,
		                 rdd_der_tlv_size(rdd_der_tlv_size(tlen)));
		rdd_der_put_head(b, RDD_DER_CTX(0), rdd_der_tlv_size(tlen));
		rdd_der_put_bytes(b, RDD_DER_OCTET_STRING, token, tlen);
	}
	if (pka != NULL) {
		rdd_der_put_head(b, RDD_DER_CTX(3), rdd_der_tlv_size(plen));
		rdd_der_put_bytes(b, RDD_DER_OCTET_STRING, pka, plen);
	}
	if (has_error) {
		rdd_der_put_head(b, RDD_DER_CTX(4), rdd_der_tlv_size(en));
		rdd_der_put_head(b, RDD_DER_INTEGER, en);
		for (i = en; i > 0; i--)
			rdd_buf_u8(b, (uint8_t)(error >> (8 * (i - 1))));
	}
	return b->err ||
	               b->len - start != rdd_der_tlv_size(ver + tok + pk + err)
	           ? -1
	           : 0;
}

/* --- the server's steps ------------------------------------------------------ */

void
inj_credssp_init(struct inj_credssp *cs, const struct inj_credssp_cfg *cfg,
                 int conn)
{
	memset(cs, 0, sizeof *cs);
	cs->cfg = cfg;
	cs->conn = conn;
}

void
inj_credssp_free(struct inj_credssp *cs)
{
	inj_ntlm_free(&cs->ntlm);
	rdd_wipe(cs, sizeof *cs);
}

/* Client strings in our log: printable ASCII and UTF-8 kept, control
 * characters replaced. */
static const char *
clean(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

static const char *
status_str(uint32_t code)
{
	const char *n = inj_status_name(code);

	return n != NULL ? n : "unknown code";
}

/* Does negotiated version V carry an errorCode ([MS-CSSP] 2.2.1)? */
static bool
has_error_code(uint32_t v)
{
	return v >= 3 && v != 5;
}

static enum inj_credssp_action
refuse(struct inj_credssp *cs, struct rdd_buf *out, uint32_t code,
       const char *why)
{
	if (tsreq_build(out, cs->cfg->version, NULL, 0, NULL, 0, true, code) !=
	    0)
		return INJ_CS_FAIL;
	logmsg("conn %d: CredSSP: %s: TSRequest{version %u, errorCode 0x%08X "
	       "%s}, then close",
	       cs->conn, why, cs->cfg->version, code, status_str(code));
	return INJ_CS_SEND_CLOSE;
}

/* A refused logon the way the negotiated version allows. */
static enum inj_credssp_action
logon_refused(struct inj_credssp *cs, struct rdd_buf *out, uint32_t code,
              const char *why)
{
	if (has_error_code(cs->negotiated))
		return refuse(cs, out, code, why);
	logmsg("conn %d: CredSSP: %s: negotiated version %u has no errorCode: "
	       "close without a word",
	       cs->conn, why, cs->negotiated);
	return INJ_CS_CLOSE;
}

static uint64_t
now_filetime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + UINT64_C(11644473600)) * 10000000u +
	       (uint64_t)ts.tv_nsec / 100;
}

static enum inj_credssp_action
msg1(struct inj_credssp *cs, const struct tsreq *r, struct rdd_buf *out)
{
	const struct inj_credssp_cfg *cfg = cs->cfg;
	uint8_t chal[INJ_TOKEN_MAX];
	struct rdd_buf cb;

	cs->client_version = r->version;
	cs->negotiated = r->version < cfg->version ? r->version : cfg->version;
	logmsg("conn %d: CredSSP msg 1: client version %u (negotiated %u), "
	       "token %zu bytes",
	       cs->conn, r->version, cs->negotiated,
	       r->has_token ? r->token.len : (size_t)0);
	if (cfg->fault == INJ_FAULT_ERROR_NEGOTIATE)
		return refuse(cs, out, cfg->code,
		              "after msg 1 (mode "
		              "credssp-error-negotiate)");
	if (!r->has_token)
		return INJ_CS_FAIL;
	if (!rdd_ntlm_has_signature(&r->token))
		return refuse(cs, out, SEC_E_INVALID_TOKEN,
		              "the first token is not raw NTLMSSP (SPNEGO "
		              "is not spoken here)");
	rdd_buf_init(&cb, chal, sizeof chal);
	if (inj_ntlm_challenge(&cs->ntlm, r->token.p, r->token.len,
	                       now_filetime(), &cb) != 0)
		return refuse(cs, out, SEC_E_INVALID_TOKEN,
		              "the first token is not an NTLM NEGOTIATE");
	if (tsreq_build(out, cfg->version, cb.p, cb.len, NULL, 0, false, 0) !=
	    0)
		return INJ_CS_FAIL;
	logmsg("conn %d: CredSSP msg 2: TSRequest{version %u, CHALLENGE %zu "
	       "bytes}",
	       cs->conn, cfg->version, cb.len);
	cs->step = 1;
	return INJ_CS_SEND;
}

static int
binding_hash(uint8_t out[32], const char *magic, size_t magic_len,
             const uint8_t nonce[32], const uint8_t *spk, size_t spk_len)
{
	struct rdd_iov iov[3] = {
	    {magic, magic_len}, {nonce, 32}, {spk, spk_len}};

	return rdd_sha256(out, iov, 3);
}

/* The client's pubKeyAuth, unsealed: is it our SPK's binding? */
static bool
client_binding_ok(struct inj_credssp *cs, const uint8_t *plain, size_t len)
{
	const struct inj_credssp_cfg *cfg = cs->cfg;
	uint8_t h[32];

	if (cs->negotiated < EARLIEST_HASH_VERSION)
		return len == cfg->spk_len && memcmp(plain, cfg->spk, len) == 0;
	return cs->has_nonce &&
	       binding_hash(h, c2s_magic, sizeof c2s_magic, cs->nonce, cfg->spk,
	                    cfg->spk_len) == 0 &&
	       len == 32 && memcmp(plain, h, 32) == 0;
}

/* Our pubKeyAuth plaintext for KEY: SPK + 1 (little-endian carry) or the
 * server-to-client hash. Returns its length, 0 on failure. */
static size_t
server_binding(struct inj_credssp *cs, const uint8_t *key, size_t key_len,
               uint8_t *out)
{
	size_t i;

	if (cs->negotiated >= EARLIEST_HASH_VERSION)
		return binding_hash(out, s2c_magic, sizeof s2c_magic, cs->nonce,
		                    key, key_len) == 0
		           ? 32
		           : 0;
	memcpy(out, key, key_len);
	for (i = 0; i < key_len; i++)
		if (++out[i] != 0)
			break;
	return key_len;
}

static enum inj_credssp_action
msg3(struct inj_credssp *cs, const struct tsreq *r, struct rdd_buf *out)
{
	const struct inj_credssp_cfg *cfg = cs->cfg;
	uint8_t plain[PKA_MAX], mine[INJ_SPK_MAX], sealed[PKA_MAX];
	enum inj_ntlm_result res;
	const uint8_t *key = cfg->spk;
	size_t key_len = cfg->spk_len, n;

	if (r->version != cs->client_version)
		logmsg("conn %d: CredSSP msg 3: the client changed its version "
		       "from %u to %u",
		       cs->conn, cs->client_version, r->version);
	if (r->has_nonce && r->nonce.len == 32) {
		memcpy(cs->nonce, r->nonce.p, 32);
		cs->has_nonce = true;
	}
	if (!r->has_token) {
		logmsg("conn %d: CredSSP msg 3 without a token", cs->conn);
		return INJ_CS_FAIL;
	}
	res = inj_ntlm_authenticate(&cs->ntlm, cfg->acct, r->token.p,
	                            r->token.len);
	logmsg("conn %d: CredSSP msg 3: AUTHENTICATE %zu bytes, user '%s' "
	       "domain '%s' workstation '%s'%s: %s; pubKeyAuth %zu bytes, "
	       "clientNonce %s",
	       cs->conn, r->token.len, clean(cs->ntlm.user),
	       clean(cs->ntlm.domain), clean(cs->ntlm.workstation),
	       cs->ntlm.has_mic ? ", MIC" : "", inj_ntlm_result_name(res),
	       r->has_pka ? r->pka.len : (size_t)0,
	       cs->has_nonce ? "yes" : "no");
	switch (cfg->fault) {
	case INJ_FAULT_ERROR:
		return refuse(cs, out, cfg->code,
		              "after msg 3 (mode credssp-error)");
	case INJ_FAULT_CLOSE:
		logmsg("conn %d: CredSSP: after msg 3 (mode credssp-close): "
		       "close without a word",
		       cs->conn);
		return INJ_CS_CLOSE;
	case INJ_FAULT_ALERT:
		return INJ_CS_ALERT;
	default:
		break;
	}
	if (res == INJ_NTLM_CRYPTO)
		return INJ_CS_FAIL;
	if (res != INJ_NTLM_OK)
		return logon_refused(cs, out, STATUS_LOGON_FAILURE,
		                     inj_ntlm_result_name(res));

	if (!r->has_pka || r->pka.len < 16 || r->pka.len > sizeof plain ||
	    inj_ntlm_unseal(&cs->ntlm, r->pka.p, r->pka.len, plain) != 0 ||
	    !client_binding_ok(cs, plain, r->pka.len - 16))
		return logon_refused(cs, out, SEC_E_MESSAGE_ALTERED,
		                     "the client's pubKeyAuth is missing, "
		                     "does not unseal, or binds another key");

	if (cfg->fault == INJ_FAULT_BAD_PUBKEY) {
		key = cfg->other_spk;
		key_len = cfg->other_spk_len;
	}
	n = server_binding(cs, key, key_len, mine);
	if (n == 0 || inj_ntlm_seal(&cs->ntlm, mine, n, sealed) != 0 ||
	    tsreq_build(out, cfg->version, NULL, 0, sealed, 16 + n, false, 0) !=
	        0)
		return INJ_CS_FAIL;
	logmsg("conn %d: CredSSP msg 4: logon accepted, client's pubKeyAuth "
	       "binds our key (%s); TSRequest{version %u, pubKeyAuth %zu "
	       "bytes}%s",
	       cs->conn,
	       cs->negotiated >= EARLIEST_HASH_VERSION ? "v5+ hash"
	                                               : "v2-4 echo",
	       cfg->version, 16 + n,
	       cfg->fault == INJ_FAULT_BAD_PUBKEY
	           ? " over ANOTHER key (mode credssp-bad-pubkey)"
	           : "");
	rdd_wipe(plain, sizeof plain);
	cs->step = 2;
	return INJ_CS_SEND;
}

/* TSCredentials { [0] credType, [1] OCTET STRING creds }; for credType 1
 * TSPasswordCreds { [0] domainName, [1] userName, [2] password }: log the
 * names; of the password only whether it is there. */
static void
log_credentials(struct inj_credssp *cs, const uint8_t *p, size_t len)
{
	struct rdd_cur in, seq, f, creds, pseq, dom, user, pw;
	char u[INJ_NAME_MAX], d[INJ_NAME_MAX];
	int64_t type;

	rdd_cur_init(&in, p, len);
	if (rdd_der_get(&in, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_der_get(&seq, RDD_DER_CTX(0), &f) != 0 ||
	    rdd_der_get_int(&f, RDD_DER_INTEGER, &type) != 0 ||
	    rdd_der_get(&seq, RDD_DER_CTX(1), &f) != 0 ||
	    octets(&f, &creds) != 0) {
		logmsg("conn %d: CredSSP msg 5: authInfo is not TSCredentials",
		       cs->conn);
		return;
	}
	if (type != 1) {
		logmsg("conn %d: CredSSP msg 5: TSCredentials credType %lld "
		       "(not a password)",
		       cs->conn, (long long)type);
		return;
	}
	if (rdd_der_get(&creds, RDD_DER_SEQUENCE, &pseq) != 0 ||
	    rdd_der_get(&pseq, RDD_DER_CTX(0), &f) != 0 ||
	    octets(&f, &dom) != 0 ||
	    rdd_der_get(&pseq, RDD_DER_CTX(1), &f) != 0 ||
	    octets(&f, &user) != 0 ||
	    rdd_der_get(&pseq, RDD_DER_CTX(2), &f) != 0 ||
	    octets(&f, &pw) != 0) {
		logmsg("conn %d: CredSSP msg 5: TSPasswordCreds does not parse",
		       cs->conn);
		return;
	}
	rdd_utf16le_to_utf8(u, sizeof u, &user);
	rdd_utf16le_to_utf8(d, sizeof d, &dom);
	logmsg("conn %d: CredSSP msg 5: TSCredentials password creds, user "
	       "'%s' domain '%s', password %s",
	       cs->conn, clean(u), clean(d),
	       pw.len > 0 ? "given (not logged)" : "empty (not delegated)");
}

static enum inj_credssp_action
msg5(struct inj_credssp *cs, const struct tsreq *r)
{
	uint8_t plain[8192];

	if (!r->has_auth || r->auth.len < 16 || r->auth.len > sizeof plain) {
		logmsg("conn %d: CredSSP msg 5 without a usable authInfo",
		       cs->conn);
		return INJ_CS_FAIL;
	}
	if (inj_ntlm_unseal(&cs->ntlm, r->auth.p, r->auth.len, plain) != 0) {
		logmsg("conn %d: CredSSP msg 5: authInfo does not unseal",
		       cs->conn);
		rdd_wipe(plain, sizeof plain);
		return INJ_CS_FAIL;
	}
	log_credentials(cs, plain, r->auth.len - 16);
	rdd_wipe(plain, sizeof plain);
	cs->step = 3;
	return INJ_CS_DONE;
}

enum inj_credssp_action
inj_credssp_input(struct inj_credssp *cs, const uint8_t *req, size_t len,
                  struct rdd_buf *out)
{
	struct tsreq r;

	if (tsreq_parse(req, len, &r) != 0) {
		logmsg("conn %d: CredSSP: the client's TSRequest (%zu bytes) "
		       "does not parse",
		       cs->conn, len);
		return INJ_CS_FAIL;
	}
	if (r.has_error)
		logmsg("conn %d: CredSSP: the client sent errorCode 0x%08X",
		       cs->conn, r.error);
	switch (cs->step) {
	case 0:
		return msg1(cs, &r, out);
	case 1:
		return msg3(cs, &r, out);
	case 2:
		return msg5(cs, &r);
	default:
		logmsg("conn %d: CredSSP: a TSRequest after the end", cs->conn);
		return INJ_CS_FAIL;
	}
}

/* --- self-test ----------------------------------------------------------------- */

static int
fail(const char *what)
{
	fprintf(stderr, "injector self-test: FAIL: %s\n", what);
	return 1;
}

int
inj_credssp_self_test(void)
{
	/* TSRequest{6, errorCode STATUS_LOGON_FAILURE}: 4 bytes of two's
	 * complement, as Windows and FreeRDP write it (session.md C.2). */
	static const uint8_t v_err[] = {0x30, 0x0d, 0xa0, 0x03, 0x02,
	                                0x01, 0x06, 0xa4, 0x06, 0x02,
	                                0x04, 0xc0, 0x00, 0x00, 0x6d};
	static const uint8_t tok[3] = {1, 2, 3}, pka[20] = {9};
	uint8_t storage[256], key[2], out[32];
	struct rdd_buf b;
	struct rdd_cur c;
	struct rdd_tsrequest lib;
	struct tsreq r;
	struct inj_credssp cs;
	size_t len;
	int bad = 0;

	rdd_buf_init(&b, storage, sizeof storage);
	if (tsreq_build(&b, 6, NULL, 0, NULL, 0, true, 0xC000006Du) != 0 ||
	    b.len != sizeof v_err || memcmp(b.p, v_err, b.len) != 0)
		bad += fail("errorCode 0xC000006D encoding");
	/* rdpdoctor's own parser reads the same value. */
	rdd_cur_init(&c, b.p, b.len);
	if (rdd_tsrequest_parse(&c, &lib) != 0 || !lib.has_error_code ||
	    lib.error_code != 0xC000006Du || lib.version != 6)
		bad += fail("lib/wire/credssp.c does not read our errorCode");
	rdd_buf_init(&b, storage, sizeof storage);
	if (tsreq_build(&b, 3, NULL, 0, NULL, 0, true, 0x80) != 0 ||
	    b.len < 4 || memcmp(b.p + b.len - 4, "\x02\x02\x00\x80", 4) != 0)
		bad += fail("errorCode 0x80 needs a leading zero");
	rdd_buf_init(&b, storage, sizeof storage);
	if (tsreq_build(&b, 6, tok, sizeof tok, pka, sizeof pka, true, 7) != 0)
		bad += fail("build with every field");
	if (tsreq_parse(b.p, b.len, &r) != 0 || r.version != 6 ||
	    !r.has_token || r.token.len != 3 || r.token.p[2] != 3 ||
	    !r.has_pka || r.pka.len != 20 || r.pka.p[0] != 9 || !r.has_error ||
	    r.error != 7 || r.has_auth || r.has_nonce)
		bad += fail("parse of what was built");
	for (len = 0; len < b.len; len++)
		if (tsreq_parse(b.p, len, &r) == 0)
			bad += fail("a truncated TSRequest parsed");

	/* v2-4: the SubjectPublicKey plus one, little-endian carry. */
	memset(&cs, 0, sizeof cs);
	cs.negotiated = 3;
	key[0] = 0x30;
	key[1] = 0x82;
	if (server_binding(&cs, key, 2, out) != 2 || out[0] != 0x31 ||
	    out[1] != 0x82)
		bad += fail("v3 echo");
	key[0] = 0xff;
	if (server_binding(&cs, key, 2, out) != 2 || out[0] != 0x00 ||
	    out[1] != 0x83)
		bad += fail("v3 echo carry");
	return bad;
}
