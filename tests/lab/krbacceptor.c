/*
 * krbacceptor.c - a CredSSP server that accepts Kerberos, for the lab
 * (tests/lab/kerberos.bash). No packaged RDP server on Debian 12 speaks
 * Kerberos inside CredSSP (shared/reference/kerberos.md 8.3), so this one
 * is built from [MS-CSSP] 3.1.5 and RFC 4121 on MIT's GSSAPI:
 *
 *   X.224 Connection Request -> Confirm selecting HYBRID_EX when asked,
 *   else HYBRID; TLS (a self-signed RSA certificate made at start);
 *   TSRequest {SPNEGO NegTokenInit} -> gss_accept_sec_context (MIT's
 *   SPNEGO and krb5 with the keytab of TERMSRV/<name>) -> TSRequest
 *   {NegTokenResp} (with the KRB-ERROR token when the ticket is refused:
 *   then close); pubKeyAuth unwrapped and checked against the
 *   certificate's key (v2-4 the key, v5-6 the client-to-server hash), the
 *   server's pubKeyAuth wrapped back (key+1 or the server-to-client
 *   hash); authInfo unwrapped, TSCredentials read: empty names (no
 *   delegation) or the user and the password of $KRBACC_PASSWORD; for
 *   HYBRID_EX the Early User Authorization Result (0 or ACCESS_DENIED).
 *   Then the connection is closed: a logon verdict is all the lab needs.
 *   A raw NTLM token is refused with errorCode STATUS_NOT_SUPPORTED.
 *
 * One verdict line per connection on stderr ("verdict: ..."). The password
 * is never printed. Bounded: at most --max-conns connections, 5 s of
 * silence per read.
 *
 * Usage: krbacceptor --listen ADDR:PORT --keytab FILE [--max-conns N]
 *        (KRBACC_PASSWORD: the password a delegated TSCredentials must
 *        carry; without it any delegated password is refused.
 *        KRBACC_DUMP: a file for the last SPNEGO answer sent.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "wire/credssp.h"
#include "wire/credssp_auth.h"
#include "wire/cursor.h"
#include "wire/der.h"
#include "wire/ntlm.h"
#include "wire/x224.h"

#define STATUS_NOT_SUPPORTED 0xC00000BBu
#define STATUS_LOGON_FAILURE 0xC000006Du
#define PROTO_HYBRID 0x2u
#define PROTO_HYBRID_EX 0x8u

static void
logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "krbacceptor: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

/* --- certificate ------------------------------------------------------- */

static EVP_PKEY *
make_key_cert(X509 **out)
{
	EVP_PKEY *pk = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	X509_NAME *n;

	if (pk == NULL || x == NULL)
		return NULL;
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400L);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400L);
	X509_set_pubkey(x, pk);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	                           (const unsigned char *)"krbacceptor", -1, -1,
	                           0);
	X509_set_issuer_name(x, n);
	if (X509_sign(x, pk, EVP_sha256()) == 0)
		return NULL;
	*out = x;
	return pk;
}

/* --- I/O ---------------------------------------------------------------- */

static int
read_full(int fd, uint8_t *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t r = read(fd, p + off, n - off);

		if (r <= 0)
			return -1;
		off += (size_t)r;
	}
	return 0;
}

/* One TSRequest from TLS into BUF (CAP); its length, or 0. */
static size_t
read_tsreq(SSL *ssl, uint8_t *buf, size_t cap)
{
	size_t len = 0, want = 0;

	for (int i = 0; i < 1000; i++) {
		int r;

		if (len > 0) {
			enum rdd_tsreq_frame f =
			    rdd_tsrequest_frame(buf, len, &want);

			if (f == RDD_TSREQ_OK)
				return want;
			if (f != RDD_TSREQ_NEED_MORE)
				return 0;
		}
		if (len == cap)
			return 0;
		r = SSL_read(ssl, buf + len, (int)(cap - len));
		if (r <= 0)
			return 0;
		len += (size_t)r;
	}
	return 0;
}

static int
send_tsreq(SSL *ssl, const struct rdd_tsrequest_out *m)
{
	uint8_t buf[16384];
	struct rdd_buf b;

	rdd_buf_init(&b, buf, sizeof(buf));
	if (rdd_tsrequest_build_out(&b, m) != 0 || b.err)
		return -1;
	return SSL_write(ssl, buf, (int)b.len) == (int)b.len ? 0 : -1;
}

/* TSRequest { version 6, errorCode } (the builder has no errorCode):
 * the INTEGER in 5 bytes with a leading zero, always positive. */
static void
send_error_code(SSL *ssl, uint32_t code)
{
	uint8_t m[16] = {0x30,
	                 0x0e,
	                 0xa0,
	                 0x03,
	                 0x02,
	                 0x01,
	                 0x06,
	                 0xa4,
	                 0x07,
	                 0x02,
	                 0x05,
	                 0x00,
	                 (uint8_t)(code >> 24),
	                 (uint8_t)(code >> 16),
	                 (uint8_t)(code >> 8),
	                 (uint8_t)code};

	SSL_write(ssl, m, sizeof(m));
}

static void
gss_words(const char *what, OM_uint32 major, OM_uint32 minor)
{
	OM_uint32 m2, more = 0;
	gss_buffer_desc s = GSS_C_EMPTY_BUFFER;

	gss_display_status(&m2, minor != 0 ? minor : major,
	                   minor != 0 ? GSS_C_MECH_CODE : GSS_C_GSS_CODE,
	                   GSS_C_NO_OID, &more, &s);
	logmsg("verdict: refused: %s: %.*s", what, (int)s.length,
	       (const char *)s.value);
	gss_release_buffer(&m2, &s);
}

/* SHA-256(MAGIC || NONCE || SPK). */
static void
binding(uint8_t out[32], const char *magic, const uint8_t *nonce,
        const uint8_t *spk, size_t spk_len)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int n = 32;

	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, magic, strlen(magic) + 1);
	EVP_DigestUpdate(c, nonce, RDD_CREDSSP_NONCE_LEN);
	EVP_DigestUpdate(c, spk, spk_len);
	EVP_DigestFinal_ex(c, out, &n);
	EVP_MD_CTX_free(c);
}

/* TSCredentials: 0 when acceptable (empty, or the expected password). */
static int
check_creds(const uint8_t *p, size_t len, char *user, size_t ucap,
            bool *delegated)
{
	struct rdd_cur in, seq, f, creds, pseq, dom, usr, pw;
	const char *want = getenv("KRBACC_PASSWORD");
	char got[512];
	int64_t type;

	*delegated = false;
	rdd_cur_init(&in, p, len);
	if (rdd_der_get(&in, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_der_get(&seq, RDD_DER_CTX(0), &f) != 0 ||
	    rdd_der_get_int(&f, RDD_DER_INTEGER, &type) != 0 || type != 1 ||
	    rdd_der_get(&seq, RDD_DER_CTX(1), &f) != 0 ||
	    rdd_der_get(&f, RDD_DER_OCTET_STRING, &creds) != 0 ||
	    rdd_der_get(&creds, RDD_DER_SEQUENCE, &pseq) != 0 ||
	    rdd_der_get(&pseq, RDD_DER_CTX(0), &f) != 0 ||
	    rdd_der_get(&f, RDD_DER_OCTET_STRING, &dom) != 0 ||
	    rdd_der_get(&pseq, RDD_DER_CTX(1), &f) != 0 ||
	    rdd_der_get(&f, RDD_DER_OCTET_STRING, &usr) != 0 ||
	    rdd_der_get(&pseq, RDD_DER_CTX(2), &f) != 0 ||
	    rdd_der_get(&f, RDD_DER_OCTET_STRING, &pw) != 0)
		return -1;
	rdd_utf16le_to_utf8(user, ucap, &usr);
	if (usr.len == 0 && pw.len == 0)
		return 0;
	*delegated = true;
	rdd_utf16le_to_utf8(got, sizeof(got), &pw);
	if (want == NULL || strcmp(got, want) != 0) {
		memset(got, 0, sizeof(got));
		return 1;
	}
	memset(got, 0, sizeof(got));
	return 0;
}

/* KRBACC_DUMP=FILE: the last SPNEGO answer's bytes (for the unit tests'
 * lab vectors; tokens hold no secret the lab needs to keep). */
static void
dump_token(const void *p, size_t n)
{
	const char *path = getenv("KRBACC_DUMP");
	FILE *f;

	if (path == NULL || n == 0 || (f = fopen(path, "wb")) == NULL)
		return;
	fwrite(p, 1, n, f);
	fclose(f);
}

/* --- one connection ------------------------------------------------------ */

struct acc {
	SSL_CTX *tls;
	uint8_t spk[RDD_CREDSSP_SPK_MAX];
	size_t spk_len;
};

static void
credssp(const struct acc *acc, SSL *ssl, bool hybrid_ex)
{
	static uint8_t buf[RDD_TSREQUEST_MAX];
	struct rdd_tsrequest req;
	struct rdd_tsrequest_out m;
	struct rdd_cur c;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER, plain;
	gss_name_t src = GSS_C_NO_NAME;
	OM_uint32 major, minor, m2;
	uint8_t expect[RDD_CREDSSP_SPK_MAX], reply[RDD_CREDSSP_SPK_MAX];
	uint8_t nonce[RDD_CREDSSP_NONCE_LEN];
	uint32_t version;
	size_t n, elen;
	char user[256] = "", who[256] = "?";
	bool delegated = false;
	int conf = 0, rc;

	/* Message 1: the SPNEGO token with the AP-REQ. */
	n = read_tsreq(ssl, buf, sizeof(buf));
	rdd_cur_init(&c, buf, n);
	if (n == 0 || rdd_tsrequest_parse(&c, &req) != 0 || req.n_tokens == 0) {
		logmsg("verdict: refused: message 1 is not a TSRequest with a "
		       "token");
		return;
	}
	version = req.version < 6 ? req.version : 6;
	if (rdd_ntlm_has_signature(&req.token)) {
		logmsg("verdict: refused: a raw NTLM token (this server speaks "
		       "Kerberos only)");
		send_error_code(ssl, STATUS_NOT_SUPPORTED);
		return;
	}
	in.value = (void *)req.token.p;
	in.length = req.token.len;
	major = gss_accept_sec_context(&minor, &ctx, GSS_C_NO_CREDENTIAL, &in,
	                               GSS_C_NO_CHANNEL_BINDINGS, &src, NULL,
	                               &out, NULL, NULL, NULL);
	memset(&m, 0, sizeof(m));
	m.version = 6;
	m.token = out.value;
	m.token_len = out.length;
	if (out.length > 0)
		send_tsreq(ssl, &m);
	dump_token(out.value, out.length);
	gss_release_buffer(&m2, &out);
	if (major != GSS_S_COMPLETE) {
		gss_words("the AP-REQ", major, minor);
		goto done;
	}
	if (src != GSS_C_NO_NAME) {
		gss_buffer_desc s;

		if (gss_display_name(&m2, src, &s, NULL) == GSS_S_COMPLETE) {
			snprintf(who, sizeof(who), "%.*s", (int)s.length,
			         (const char *)s.value);
			gss_release_buffer(&m2, &s);
		}
	}

	/* Message 3: pubKeyAuth (and clientNonce from version 5). */
	n = read_tsreq(ssl, buf, sizeof(buf));
	rdd_cur_init(&c, buf, n);
	if (n == 0 || rdd_tsrequest_parse(&c, &req) != 0 ||
	    !req.has_pub_key_auth) {
		logmsg("verdict: refused: message 3 carries no pubKeyAuth");
		goto done;
	}
	if (version >= 5 &&
	    (!req.has_client_nonce || req.client_nonce.len != sizeof(nonce))) {
		logmsg("verdict: refused: CredSSP %u without a clientNonce",
		       (unsigned)version);
		goto done;
	}
	if (version >= 5)
		memcpy(nonce, req.client_nonce.p, sizeof(nonce));
	in.value = (void *)req.pub_key_auth.p;
	in.length = req.pub_key_auth.len;
	major = gss_unwrap(&minor, ctx, &in, &plain, &conf, NULL);
	if (GSS_ERROR(major) || !conf) {
		gss_words("pubKeyAuth", major, minor);
		send_error_code(ssl, STATUS_LOGON_FAILURE);
		goto done;
	}
	if (version >= 5) {
		binding(expect, "CredSSP Client-To-Server Binding Hash", nonce,
		        acc->spk, acc->spk_len);
		elen = 32;
	} else {
		memcpy(expect, acc->spk, acc->spk_len);
		elen = acc->spk_len;
	}
	rc = plain.length == elen && memcmp(plain.value, expect, elen) == 0;
	gss_release_buffer(&m2, &plain);
	if (!rc) {
		logmsg("verdict: refused: the client's pubKeyAuth is not for "
		       "this certificate's key");
		send_error_code(ssl, STATUS_LOGON_FAILURE);
		goto done;
	}
	if (version >= 5) {
		binding(reply, "CredSSP Server-To-Client Binding Hash", nonce,
		        acc->spk, acc->spk_len);
		elen = 32;
	} else {
		memcpy(reply, acc->spk, acc->spk_len);
		reply[0]++; /* [MS-CSSP] 3.1.5: the first byte plus one */
		elen = acc->spk_len;
	}
	in.value = reply;
	in.length = elen;
	if (GSS_ERROR(gss_wrap(&minor, ctx, 1, GSS_C_QOP_DEFAULT, &in, &conf,
	                       &out))) {
		logmsg("verdict: refused: GSS_Wrap failed");
		goto done;
	}
	memset(&m, 0, sizeof(m));
	m.version = 6;
	m.pub_key_auth = out.value;
	m.pub_key_auth_len = out.length;
	send_tsreq(ssl, &m);
	gss_release_buffer(&m2, &out);

	/* Message 5: authInfo. */
	n = read_tsreq(ssl, buf, sizeof(buf));
	rdd_cur_init(&c, buf, n);
	if (n == 0 || rdd_tsrequest_parse(&c, &req) != 0 ||
	    !req.has_auth_info) {
		logmsg("verdict: refused: message 5 carries no authInfo");
		goto done;
	}
	/* The parser keeps no pointer to authInfo: find it again. */
	{
		struct rdd_cur all, seq, f, v;
		uint8_t tag;

		rdd_cur_init(&all, buf, n);
		if (rdd_der_get(&all, RDD_DER_SEQUENCE, &seq) != 0)
			goto done;
		while (rdd_der_get_any(&seq, &tag, &f) == 0)
			if (tag == RDD_DER_CTX(2) &&
			    rdd_der_get(&f, RDD_DER_OCTET_STRING, &v) == 0) {
				in.value = (void *)v.p;
				in.length = v.len;
				break;
			}
	}
	major = gss_unwrap(&minor, ctx, &in, &plain, &conf, NULL);
	if (GSS_ERROR(major)) {
		gss_words("authInfo", major, minor);
		goto done;
	}
	rc = check_creds(plain.value, plain.length, user, sizeof(user),
	                 &delegated);
	memset(plain.value, 0, plain.length);
	gss_release_buffer(&m2, &plain);
	if (hybrid_ex) {
		uint8_t euar[4] = {rc == 0 ? 0 : 5, 0, 0, 0};

		SSL_write(ssl, euar, 4);
	}
	if (rc == 0)
		logmsg("verdict: logon ok: Kerberos client %s, CredSSP %u, "
		       "pubKeyAuth verified, credentials %s",
		       who, (unsigned)version,
		       delegated ? "delegated (password right)"
		                 : "empty (no delegation)");
	else
		logmsg("verdict: refused: Kerberos client %s: %s", who,
		       rc < 0 ? "authInfo is not TSCredentials"
		              : "the delegated password is wrong");
done:
	if (src != GSS_C_NO_NAME)
		gss_release_name(&m2, &src);
	if (ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&m2, &ctx, GSS_C_NO_BUFFER);
}

static void
serve(const struct acc *acc, int fd)
{
	uint8_t hdr[4], body[512];
	uint8_t cc[19] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00,
	                  0x00, 0x12, 0x34, 0x00, 0x02, 0x00, 0x08,
	                  0x00, 0x00, 0x00, 0x00, 0x00};
	struct rdd_x224_cr_parsed cr;
	struct rdd_cur cur;
	size_t len;
	uint32_t sel;
	SSL *ssl;

	if (read_full(fd, hdr, 4) != 0 || hdr[0] != 3)
		return;
	len = ((size_t)hdr[2] << 8) | hdr[3];
	if (len < 4 + 7 || len - 4 > sizeof(body) ||
	    read_full(fd, body, len - 4) != 0)
		return;
	rdd_cur_init(&cur, body, len - 4);
	if (rdd_x224_parse_cr(&cur, &cr) != 0 || !cr.neg_req ||
	    (cr.requested_protocols & PROTO_HYBRID) == 0) {
		logmsg("verdict: refused: the Connection Request does not ask "
		       "for HYBRID");
		return;
	}
	sel = (cr.requested_protocols & PROTO_HYBRID_EX) ? PROTO_HYBRID_EX
	                                                 : PROTO_HYBRID;
	cc[15] = (uint8_t)sel;
	if (write(fd, cc, sizeof(cc)) != (ssize_t)sizeof(cc))
		return;
	ssl = SSL_new(acc->tls);
	if (ssl == NULL)
		return;
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1)
		credssp(acc, ssl, sel == PROTO_HYBRID_EX);
	else
		logmsg("verdict: refused: TLS handshake failed");
	SSL_shutdown(ssl);
	SSL_free(ssl);
}

int
main(int argc, char **argv)
{
	const char *listen_at = NULL, *keytab = NULL;
	long max_conns = 100;
	struct acc acc;
	struct sockaddr_in sa;
	struct timeval tv = {5, 0};
	EVP_PKEY *pk;
	X509 *x = NULL;
	uint8_t *der = NULL;
	int len, one = 1, lfd;
	char host[64], *colon;
	OM_uint32 minor;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--listen") == 0)
			listen_at = argv[i + 1];
		else if (strcmp(argv[i], "--keytab") == 0)
			keytab = argv[i + 1];
		else if (strcmp(argv[i], "--max-conns") == 0)
			max_conns = strtol(argv[i + 1], NULL, 10);
	}
	if (listen_at == NULL || keytab == NULL || max_conns < 1) {
		fprintf(stderr, "usage: krbacceptor --listen ADDR:PORT "
		                "--keytab FILE [--max-conns N]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (krb5_gss_register_acceptor_identity(keytab) != GSS_S_COMPLETE) {
		logmsg("cannot use keytab %s", keytab);
		return 1;
	}
	(void)minor;
	memset(&acc, 0, sizeof(acc));
	pk = make_key_cert(&x);
	len = pk != NULL ? i2d_X509(x, &der) : -1;
	acc.spk_len = len > 0 ? rdd_credssp_spk(der, (size_t)len, acc.spk,
	                                        sizeof(acc.spk))
	                      : 0;
	OPENSSL_free(der);
	acc.tls = SSL_CTX_new(TLS_server_method());
	if (acc.spk_len == 0 || acc.tls == NULL ||
	    SSL_CTX_use_certificate(acc.tls, x) != 1 ||
	    SSL_CTX_use_PrivateKey(acc.tls, pk) != 1) {
		logmsg("cannot make the TLS certificate");
		return 1;
	}
	snprintf(host, sizeof(host), "%s", listen_at);
	colon = strrchr(host, ':');
	if (colon == NULL)
		return 2;
	*colon = '\0';
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return 2;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(lfd, 8) != 0) {
		logmsg("cannot listen on %s: %s", listen_at, strerror(errno));
		return 1;
	}
	logmsg("listening on %s", listen_at);
	for (long i = 0; i < max_conns; i++) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		/* As RDP servers do: no Nagle delay on the small
		 * CredSSP messages. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		serve(&acc, fd);
		close(fd);
	}
	close(lfd);
	SSL_CTX_free(acc.tls);
	X509_free(x);
	EVP_PKEY_free(pk);
	return 0;
}
