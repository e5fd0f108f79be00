/*
 * logon_krb.c - messages 1 to 5 of a CredSSP logon over Kerberos
 * (logon_krb.h), on MIT's GSSAPI.
 *
 * Choices:
 * - rdpdoctor owns the SPNEGO framing (reference 6.3): it lists Kerberos,
 *   the MS Kerberos OID and NTLM, sends the AP-REQ optimistically for the
 *   first, and reads a KRB-ERROR inside a reject itself, to name it.
 * - Flags: mutual authentication, replay and sequence detection,
 *   confidentiality and integrity, as Windows and FreeRDP ask.
 * - A server whose CredSSP version is below 5 lacks the CVE-2018-0886
 *   fix: the AP-REQ proved the user, but nothing more is sent to it.
 * - The server's pubKeyAuth must match the TLS certificate's key before
 *   the TSCredentials are sent (logon.c's rule).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "probe/logon_krb.h"
#include "wire/credssp.h"
#include "wire/credssp_auth.h"
#include "wire/crypto.h"
#include "wire/gsstoken.h"
#include "wire/krb.h"
#include "wire/spnego.h"

/* TSCredentials with the longest names and password, DER. */
#define CREDS_MAX (3 * 2 * RDD_PASSWORD_MAX + 64)
/* MIT's com_err base of the krb5 error table (krb5_err.et). */
#define KRB5_ERR_BASE (-1765328384L)

struct rdd__logon_krb {
	const struct rdd_credentials *creds;
	char principal[8 + 2 * RDD_STR];
	char ccache[RDD_STR];
	int64_t now_unix;
	struct rdd__logon_seed seed;
	uint32_t version; /* negotiated */
	gss_cred_id_t cred;
	gss_name_t target;
	gss_ctx_id_t ctx;
	uint8_t spk[RDD_CREDSSP_SPK_MAX];
	size_t spk_len;
};

static void
fail(struct rdd_logon_info *info, enum rdd_logon_outcome o, const char *what)
{
	info->outcome = o;
	snprintf(info->detail, sizeof(info->detail), "%s", what);
}

/* "WHAT: MIT's words for MINOR" into INFO's detail. */
static void
gss_fail(struct rdd_logon_info *info, enum rdd_logon_outcome o,
         const char *what, OM_uint32 major, OM_uint32 minor)
{
	OM_uint32 m2, more = 0;
	gss_buffer_desc s = GSS_C_EMPTY_BUFFER;
	char words[160] = "";

	if (GSS_ERROR(major) && minor != 0 &&
	    gss_display_status(&m2, minor, GSS_C_MECH_CODE,
	                       (gss_OID)gss_mech_krb5, &more,
	                       &s) == GSS_S_COMPLETE)
		snprintf(words, sizeof(words), "%.*s", (int)s.length,
		         (const char *)s.value);
	else if (gss_display_status(&m2, major, GSS_C_GSS_CODE, GSS_C_NO_OID,
	                            &more, &s) == GSS_S_COMPLETE)
		snprintf(words, sizeof(words), "%.*s", (int)s.length,
		         (const char *)s.value);
	gss_release_buffer(&m2, &s);
	info->outcome = o;
	snprintf(info->detail, sizeof(info->detail), "%s: %s", what,
	         words[0] != '\0' ? words : "GSSAPI failed");
}

struct rdd__logon_krb *
rdd__logon_krb_new(const struct rdd_credentials *creds, const char *host,
                   const char *realm, const char *ccache, int64_t now_unix,
                   const struct rdd__logon_seed *seed)
{
	struct rdd__logon_krb *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->creds = creds;
	l->cred = GSS_C_NO_CREDENTIAL;
	l->target = GSS_C_NO_NAME;
	l->ctx = GSS_C_NO_CONTEXT;
	l->now_unix = now_unix;
	snprintf(l->principal, sizeof(l->principal), "TERMSRV/%s@%s", host,
	         realm);
	snprintf(l->ccache, sizeof(l->ccache), "%s", ccache);
	if (rdd__logon_seed_fill(&l->seed, seed) != 0) {
		free(l);
		return NULL;
	}
	return l;
}

void
rdd__logon_krb_free(struct rdd__logon_krb *l)
{
	OM_uint32 minor;

	if (l == NULL)
		return;
	if (l->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &l->ctx, GSS_C_NO_BUFFER);
	if (l->cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&minor, &l->cred);
	if (l->target != GSS_C_NO_NAME)
		gss_release_name(&minor, &l->target);
	rdd_wipe(l, sizeof(*l));
	free(l);
}

static const OM_uint32 want_flags = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG |
                                    GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG |
                                    GSS_C_INTEG_FLAG;

size_t
rdd__logon_krb_msg1(struct rdd__logon_krb *l, uint8_t *out, size_t cap,
                    struct rdd_logon_info *info)
{
	OM_uint32 major, minor;
	gss_key_value_element_desc el = {"ccache", l->ccache};
	gss_key_value_set_desc store = {1, &el};
	gss_OID_set_desc mechs = {1, (gss_OID)gss_mech_krb5};
	gss_buffer_desc name, tok = GSS_C_EMPTY_BUFFER;
	uint8_t *spnego = NULL;
	struct rdd_tsrequest_out m;
	struct rdd_buf b;
	size_t n = 0;

	snprintf(info->user, sizeof(info->user), "%s", l->creds->user);
	snprintf(info->domain, sizeof(info->domain), "%s", l->creds->domain);
	info->delegated = l->creds->logon;
	major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE,
	                              &mechs, GSS_C_INITIATE, &store, &l->cred,
	                              NULL, NULL);
	if (GSS_ERROR(major)) {
		gss_fail(info, RDD_LOGON_ERROR,
		         "the Kerberos phase's tickets could not be used",
		         major, minor);
		return 0;
	}
	name.value = l->principal;
	name.length = strlen(l->principal);
	major = gss_import_name(
	    &minor, &name, (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME, &l->target);
	if (GSS_ERROR(major)) {
		gss_fail(info, RDD_LOGON_ERROR, "the server's name", major,
		         minor);
		return 0;
	}
	major = gss_init_sec_context(&minor, l->cred, &l->ctx, l->target,
	                             (gss_OID)gss_mech_krb5, want_flags, 0,
	                             GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER,
	                             NULL, &tok, NULL, NULL);
	if (major != GSS_S_CONTINUE_NEEDED || tok.length == 0) {
		gss_fail(info, RDD_LOGON_ERROR, "no AP-REQ could be made",
		         major, minor);
		goto out;
	}
	spnego = malloc(tok.length + 128);
	if (spnego == NULL) {
		fail(info, RDD_LOGON_ERROR, "out of memory");
		goto out;
	}
	rdd_buf_init(&b, spnego, tok.length + 128);
	if (rdd_spnego_build_init_krb(&b, tok.value, tok.length) != 0) {
		fail(info, RDD_LOGON_ERROR, "could not build the NegTokenInit");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.version = RDD_CREDSSP_VERSION;
	m.token = spnego;
	m.token_len = b.len;
	rdd_buf_init(&b, out, cap);
	if (rdd_tsrequest_build_out(&b, &m) != 0 || b.err) {
		fail(info, RDD_LOGON_ERROR, "could not build message 1");
		goto out;
	}
	n = b.len;
out:
	gss_release_buffer(&minor, &tok);
	free(spnego);
	return n;
}

/* The server's KRB-ERROR inside a SPNEGO reject: named in INFO. */
static enum rdd_logon_outcome
krb_error(struct rdd__logon_krb *l, const struct rdd_krb_error *e,
          struct rdd_logon_info *info)
{
	const char *name = rdd_krb_error_name(e->error_code);
	char etext[64] = "";
	size_t i, n;

	info->has_krb_error = true;
	info->krb_error = (int32_t)e->error_code;
	if (e->stime > 0) {
		info->has_server_skew = true;
		info->server_skew_s = e->stime - l->now_unix;
	}
	if (e->has_etext) {
		n = rdd_cur_left(&e->etext);
		if (n > sizeof(etext) - 1)
			n = sizeof(etext) - 1;
		for (i = 0; i < n; i++)
			etext[i] =
			    (e->etext.p[i] >= 0x20 && e->etext.p[i] < 0x7f)
			        ? (char)e->etext.p[i]
			        : '?';
		etext[n] = '\0';
	}
	info->outcome = RDD_LOGON_REFUSED;
	snprintf(info->detail, sizeof(info->detail),
	         "the server refused the Kerberos ticket with KRB-ERROR %lld "
	         "%s%s%s%s",
	         (long long)e->error_code, name != NULL ? name : "(unknown)",
	         etext[0] != '\0' ? " (\"" : "", etext,
	         etext[0] != '\0' ? "\")" : "");
	return RDD_LOGON_REFUSED;
}

/* Wrap PLAIN into a TSRequest of VERSION with pubKeyAuth or authInfo. */
static enum rdd_logon_outcome
wrap_msg(struct rdd__logon_krb *l, const uint8_t *plain, size_t plen,
         bool pub_key_auth, uint8_t *out, size_t cap, size_t *out_len,
         struct rdd_logon_info *info)
{
	OM_uint32 major, minor;
	gss_buffer_desc in, w = GSS_C_EMPTY_BUFFER;
	struct rdd_tsrequest_out m;
	struct rdd_buf b;
	int conf = 0;

	in.value = (void *)plain;
	in.length = plen;
	major = gss_wrap(&minor, l->ctx, 1, GSS_C_QOP_DEFAULT, &in, &conf, &w);
	if (GSS_ERROR(major) || conf == 0) {
		gss_fail(info, RDD_LOGON_ERROR, "GSS_Wrap failed", major,
		         minor);
		gss_release_buffer(&minor, &w);
		return RDD_LOGON_ERROR;
	}
	memset(&m, 0, sizeof(m));
	m.version = RDD_CREDSSP_VERSION;
	if (pub_key_auth) {
		m.pub_key_auth = w.value;
		m.pub_key_auth_len = w.length;
		m.client_nonce = l->version >= RDD_CREDSSP_HASH_VERSION
		                     ? l->seed.nonce
		                     : NULL;
	} else {
		m.auth_info = w.value;
		m.auth_info_len = w.length;
	}
	rdd_buf_init(&b, out, cap);
	if (rdd_tsrequest_build_out(&b, &m) != 0 || b.err) {
		gss_release_buffer(&minor, &w);
		fail(info, RDD_LOGON_ERROR, "could not build the TSRequest");
		return RDD_LOGON_ERROR;
	}
	gss_release_buffer(&minor, &w);
	*out_len = b.len;
	return RDD_LOGON_OK;
}

/* mechListMIC of the server, when sent: over our mechTypes. */
static int
check_mic(struct rdd__logon_krb *l, const struct rdd_spnego_resp *r)
{
	uint8_t list[64];
	struct rdd_buf b;
	gss_buffer_desc msg, mic;
	OM_uint32 minor;

	rdd_buf_init(&b, list, sizeof(list));
	if (rdd_spnego_krb_mech_list(&b) != 0)
		return -1;
	msg.value = list;
	msg.length = b.len;
	mic.value = (void *)r->mic.p;
	mic.length = rdd_cur_left(&r->mic);
	return gss_verify_mic(&minor, l->ctx, &msg, &mic, NULL) ==
	               GSS_S_COMPLETE
	           ? 0
	           : -1;
}

enum rdd_logon_outcome
rdd__logon_krb_msg2(struct rdd__logon_krb *l, const uint8_t *pdu, size_t len,
                    const uint8_t *cert, size_t cert_len, uint8_t *out,
                    size_t cap, size_t *out_len, struct rdd_logon_info *info)
{
	struct rdd_tsrequest req;
	struct rdd_spnego_resp r;
	struct rdd_krb_error e;
	struct rdd_cur c, tok;
	OM_uint32 major, minor;
	gss_buffer_desc in, tout = GSS_C_EMPTY_BUFFER;
	uint8_t plain[RDD_CREDSSP_SPK_MAX];
	size_t plen;

	*out_len = 0;
	rdd_cur_init(&c, pdu, len);
	if (rdd_tsrequest_parse(&c, &req) != 0) {
		fail(info, RDD_LOGON_MALFORMED,
		     "the server's answer to the AP-REQ is not a TSRequest");
		return info->outcome;
	}
	l->version = req.version < RDD_CREDSSP_VERSION ? req.version
	                                               : RDD_CREDSSP_VERSION;
	info->version = l->version;
	if (req.n_tokens > 0) {
		tok = req.token;
		if (rdd_spnego_parse_resp(&tok, &r) != 0 ||
		    rdd_cur_left(&tok) != 0) {
			fail(info, RDD_LOGON_MALFORMED,
			     "the server's negoToken is not a SPNEGO "
			     "NegTokenResp");
			return info->outcome;
		}
		if (r.has_token && rdd_gss_token_krb_error(&r.token, &e) == 0)
			return krb_error(l, &e, info);
	}
	if (req.has_error_code) {
		info->has_error_code = true;
		info->error_code = req.error_code;
		info->outcome = RDD_LOGON_REFUSED;
		snprintf(info->detail, sizeof(info->detail),
		         "the server answered the Kerberos AP-REQ with "
		         "errorCode 0x%08x",
		         req.error_code);
		return RDD_LOGON_REFUSED;
	}
	if (req.n_tokens == 0) {
		fail(info, RDD_LOGON_MALFORMED,
		     "the server's answer to the AP-REQ carries no token");
		return info->outcome;
	}
	if (r.neg_state == RDD_SPNEGO_REJECT) {
		fail(info, RDD_LOGON_REFUSED,
		     "the server rejected Kerberos (SPNEGO reject) without a "
		     "KRB-ERROR");
		return info->outcome;
	}
	if (!r.has_token || (r.has_mech && !rdd_spnego_mech_is_krb5(&r))) {
		fail(info, RDD_LOGON_MALFORMED,
		     "the server's NegTokenResp carries no Kerberos AP-REP");
		return info->outcome;
	}
	in.value = (void *)r.token.p;
	in.length = rdd_cur_left(&r.token);
	major = gss_init_sec_context(&minor, l->cred, &l->ctx, l->target,
	                             (gss_OID)gss_mech_krb5, want_flags, 0,
	                             GSS_C_NO_CHANNEL_BINDINGS, &in, NULL,
	                             &tout, NULL, NULL);
	gss_release_buffer(&minor, &tout);
	if (major != GSS_S_COMPLETE) {
		gss_fail(info, RDD_LOGON_MALFORMED,
		         "the server's AP-REP does not complete mutual "
		         "authentication",
		         major, minor);
		return info->outcome;
	}
	if (r.has_mic && check_mic(l, &r) != 0) {
		fail(info, RDD_LOGON_MALFORMED,
		     "the server's SPNEGO mechListMIC does not verify");
		return info->outcome;
	}
	if (l->version < RDD_CREDSSP_HASH_VERSION) {
		info->outcome = RDD_LOGON_NOT_SENT;
		info->not_sent = RDD_LOGON_NS_ORACLE;
		snprintf(info->detail, sizeof(info->detail),
		         "the server's CredSSP version %u predates the "
		         "CVE-2018-0886 fix (5 and later): a patched client "
		         "stops here, and nothing more was sent",
		         (unsigned)req.version);
		return RDD_LOGON_NOT_SENT;
	}
	l->spk_len = rdd_credssp_spk(cert, cert_len, l->spk, sizeof(l->spk));
	plen = l->spk_len == 0
	           ? 0
	           : rdd_credssp_client_binding(l->version, l->seed.nonce,
	                                        l->spk, l->spk_len, plain);
	if (plen == 0) {
		fail(info, RDD_LOGON_ERROR,
		     "the TLS certificate's public key could not be read for "
		     "the CredSSP binding");
		return info->outcome;
	}
	return wrap_msg(l, plain, plen, true, out, cap, out_len, info);
}

static enum rdd_logon_outcome
build_msg5(struct rdd__logon_krb *l, uint8_t *out, size_t cap, size_t *out_len,
           struct rdd_logon_info *info)
{
	uint8_t *creds = malloc(CREDS_MAX);
	bool delegate = l->creds->logon;
	enum rdd_logon_outcome o = RDD_LOGON_ERROR;
	struct rdd_buf b;

	if (creds == NULL) {
		fail(info, RDD_LOGON_ERROR, "out of memory");
		return o;
	}
	rdd_buf_init(&b, creds, CREDS_MAX);
	if (rdd_tscredentials_password(&b, delegate ? l->creds->domain : "",
	                               delegate ? l->creds->user : "",
	                               delegate && l->creds->password != NULL
	                                   ? l->creds->password
	                                   : "") != 0 ||
	    b.err)
		fail(info, RDD_LOGON_ERROR,
		     "could not build the TSCredentials");
	else
		o = wrap_msg(l, creds, b.len, false, out, cap, out_len, info);
	rdd_wipe(creds, CREDS_MAX);
	free(creds);
	return o;
}

enum rdd_logon_outcome
rdd__logon_krb_msg4(struct rdd__logon_krb *l, const uint8_t *pdu, size_t len,
                    uint8_t *out, size_t cap, size_t *out_len,
                    struct rdd_logon_info *info)
{
	struct rdd_tsrequest req;
	struct rdd_cur c;
	OM_uint32 major, minor;
	gss_buffer_desc in, plain = GSS_C_EMPTY_BUFFER;
	int conf = 0;
	bool ok;

	*out_len = 0;
	rdd_cur_init(&c, pdu, len);
	if (rdd_tsrequest_parse(&c, &req) != 0) {
		fail(info, RDD_LOGON_MALFORMED,
		     "the server's answer to pubKeyAuth is not a TSRequest");
		return info->outcome;
	}
	if (req.has_error_code) {
		info->has_error_code = true;
		info->error_code = req.error_code;
		info->outcome = RDD_LOGON_REFUSED;
		snprintf(info->detail, sizeof(info->detail),
		         "the server answered pubKeyAuth with errorCode 0x%08x",
		         req.error_code);
		return RDD_LOGON_REFUSED;
	}
	if (!req.has_pub_key_auth || rdd_cur_left(&req.pub_key_auth) == 0) {
		fail(info, RDD_LOGON_MALFORMED,
		     "the server's answer has no pubKeyAuth");
		return info->outcome;
	}
	in.value = (void *)req.pub_key_auth.p;
	in.length = rdd_cur_left(&req.pub_key_auth);
	major = gss_unwrap(&minor, l->ctx, &in, &plain, &conf, NULL);
	if (GSS_ERROR(major)) {
		gss_fail(info, RDD_LOGON_PUBKEY_MISMATCH,
		         "the server's pubKeyAuth does not unwrap with the "
		         "Kerberos session key",
		         major, minor);
		return info->outcome;
	}
	info->pubkey_checked = true;
	ok = rdd_credssp_server_binding_ok(l->version, l->seed.nonce, l->spk,
	                                   l->spk_len, plain.value,
	                                   plain.length);
	gss_release_buffer(&minor, &plain);
	if (!ok) {
		fail(info, RDD_LOGON_PUBKEY_MISMATCH,
		     "the server's pubKeyAuth is not for the public key of "
		     "the TLS certificate it presented: something between "
		     "rdpdoctor and the server terminates TLS");
		return info->outcome;
	}
	return build_msg5(l, out, cap, out_len, info);
}
