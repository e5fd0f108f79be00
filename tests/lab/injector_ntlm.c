/*
 * injector_ntlm.c - the server side of NTLMv2 for the injector's NLA front
 * (injector_nla.h): what a Windows server's NTLM package does with a
 * NEGOTIATE and an AUTHENTICATE ([MS-NLMP] 3.2.5.1), written from the
 * formulas of shared/reference/session.md N.1-N.4 with the roles swapped:
 *
 *   ResponseKeyNT  = HMAC_MD5(NT hash, U(upper(User) + Domain)), User and
 *                    Domain as the AUTHENTICATE carries them
 *   NTProofStr     = HMAC_MD5(ResponseKeyNT, ServerChallenge + temp)
 *   SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr) = KeyExchangeKey
 *   ExportedSessionKey = RC4K(KeyExchangeKey, EncryptedRandomSessionKey)
 *   MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE + CHALLENGE +
 *                  AUTHENTICATE with the MIC zeroed), when MsvAvFlags
 *                  has 0x2
 *
 * Only NTLMv2 with extended session security is accepted (what every
 * current client sends). Every read goes through lib/wire/cursor.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "injector_nla.h"
#include "wire/crypto.h"
#include "wire/ntlm.h"

#define AUTH_FIXED 64 /* up to and with NegotiateFlags */
#define MIC_OFF 72
#define MIC_END 88
#define BLOB_HDR 28 /* NTLMv2_CLIENT_CHALLENGE up to its AV pairs */

static const char sign_c2s[] =
    "session key to client-to-server signing key magic constant";
static const char sign_s2c[] =
    "session key to server-to-client signing key magic constant";
static const char seal_c2s[] =
    "session key to client-to-server sealing key magic constant";
static const char seal_s2c[] =
    "session key to server-to-client sealing key magic constant";

/* The names the CHALLENGE gives; also what rdpdoctor's probe reads. The
 * lab gateway sets its own (inj_ntlm_set_names) before any thread runs. */
static const char *nb_name = "INJECT";
static const char *dns_name = "inject.rdpsrv.lab";

void
inj_ntlm_set_names(const char *nb, const char *dns)
{
	nb_name = nb;
	dns_name = dns;
}

const char *
inj_ntlm_result_name(enum inj_ntlm_result r)
{
	switch (r) {
	case INJ_NTLM_OK:
		return "ok";
	case INJ_NTLM_MALFORMED:
		return "malformed AUTHENTICATE";
	case INJ_NTLM_UNSUPPORTED:
		return "not NTLMv2 with extended session security";
	case INJ_NTLM_NO_SUCH_USER:
		return "unknown user";
	case INJ_NTLM_WRONG_PASSWORD:
		return "wrong password (NTProofStr does not verify)";
	case INJ_NTLM_BAD_MIC:
		return "MIC does not verify";
	case INJ_NTLM_CRYPTO:
		return "crypto failure (legacy provider missing?)";
	}
	return "?";
}

/* UTF-8 to UTF-16LE, no terminator. -1 on invalid UTF-8. */
static int
utf8_to_utf16le(struct rdd_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	int more;

	while (*p != 0) {
		if (*p < 0x80) {
			cp = *p++;
			more = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p++ & 0x1f;
			more = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p++ & 0x0f;
			more = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p++ & 0x07;
			more = 3;
		} else {
			return -1;
		}
		for (; more > 0; more--) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (*p++ & 0x3f);
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			rdd_buf_u16le(b, (uint16_t)(0xd800 | cp >> 10));
			rdd_buf_u16le(b, (uint16_t)(0xdc00 | (cp & 0x3ff)));
		} else {
			rdd_buf_u16le(b, (uint16_t)cp);
		}
	}
	return b->err ? -1 : 0;
}

int
inj_account_load_password(struct inj_account *a, const char *file)
{
	char pw[1024];
	uint8_t u16[2048];
	struct rdd_buf b;
	struct rdd_iov iov;
	FILE *f;
	size_t n;
	int rc = -1;

	f = fopen(file, "r");
	if (f == NULL) {
		fprintf(stderr, "injector: %s: %s\n", file, strerror(errno));
		return -1;
	}
	if (fgets(pw, sizeof pw, f) == NULL)
		pw[0] = '\0';
	fclose(f);
	n = strlen(pw);
	if (n > 0 && pw[n - 1] == '\n')
		pw[--n] = '\0';
	if (n > 0 && pw[n - 1] == '\r')
		pw[--n] = '\0';
	rdd_buf_init(&b, u16, sizeof u16);
	if (utf8_to_utf16le(&b, pw) == 0) {
		iov.p = b.p;
		iov.len = b.len;
		rc = rdd_md4(a->nt_hash, &iov, 1);
	}
	rdd_wipe(pw, sizeof pw);
	rdd_wipe(u16, sizeof u16);
	if (rc != 0)
		fprintf(stderr,
		        "injector: %s: cannot hash the password (not "
		        "UTF-8, or MD4 missing)\n",
		        file);
	return rc;
}

static void
av_name(struct rdd_buf *b, uint16_t id, const char *name)
{
	size_t n = strlen(name), i;

	rdd_buf_u16le(b, id);
	rdd_buf_u16le(b, (uint16_t)(2 * n));
	for (i = 0; i < n; i++)
		rdd_buf_u16le(b, (uint8_t)name[i]);
}

int
inj_ntlm_challenge(struct inj_ntlm *n, const uint8_t *neg, size_t len,
                   uint64_t now_ft, struct rdd_buf *out)
{
	struct rdd_cur c;
	uint8_t info[256];
	struct rdd_buf ib;
	uint32_t flags;
	size_t start = out->len, name_len = 2 * strlen(nb_name);
	int i;

	rdd_cur_init(&c, neg, len);
	if (!rdd_ntlm_has_signature(&c) ||
	    rdd_ntlm_message_type(&c) != RDD_NTLM_NEGOTIATE ||
	    rdd_cur_skip(&c, 12) != 0 || rdd_cur_u32le(&c, &flags) != 0 ||
	    len > sizeof n->negotiate)
		return -1;
	memcpy(n->negotiate, neg, len);
	n->negotiate_len = len;
	if (rdd_random_bytes(n->server_challenge, 8) != 0)
		return -1;
	flags |= RDD_NTLM_NEGOTIATE_TARGET_INFO;

	rdd_buf_init(&ib, info, sizeof info);
	av_name(&ib, RDD_MSV_AV_NB_DOMAIN_NAME, nb_name);
	av_name(&ib, RDD_MSV_AV_NB_COMPUTER_NAME, nb_name);
	av_name(&ib, RDD_MSV_AV_DNS_DOMAIN_NAME, dns_name);
	av_name(&ib, RDD_MSV_AV_DNS_COMPUTER_NAME, dns_name);
	rdd_buf_u16le(&ib, RDD_MSV_AV_TIMESTAMP);
	rdd_buf_u16le(&ib, 8);
	rdd_buf_u32le(&ib, (uint32_t)now_ft);
	rdd_buf_u32le(&ib, (uint32_t)(now_ft >> 32));
	rdd_buf_u16le(&ib, RDD_MSV_AV_EOL);
	rdd_buf_u16le(&ib, 0);
	if (ib.err)
		return -1;

	/* Header (56), then TargetName, then TargetInfo. */
	rdd_buf_bytes(out, "NTLMSSP", 8);
	rdd_buf_u32le(out, RDD_NTLM_CHALLENGE);
	rdd_buf_u16le(out, (uint16_t)name_len);
	rdd_buf_u16le(out, (uint16_t)name_len);
	rdd_buf_u32le(out, 56);
	rdd_buf_u32le(out, flags);
	rdd_buf_bytes(out, n->server_challenge, 8);
	rdd_buf_zeros(out, 8);
	rdd_buf_u16le(out, (uint16_t)ib.len);
	rdd_buf_u16le(out, (uint16_t)ib.len);
	rdd_buf_u32le(out, (uint32_t)(56 + name_len));
	/* VERSION 10.0.17763 (Windows Server 2019), NTLM revision 15. */
	rdd_buf_u8(out, 10);
	rdd_buf_u8(out, 0);
	rdd_buf_u16le(out, 17763);
	rdd_buf_zeros(out, 3);
	rdd_buf_u8(out, RDD_NTLM_REVISION_W2K3);
	for (i = 0; nb_name[i] != '\0'; i++)
		rdd_buf_u16le(out, (uint8_t)nb_name[i]);
	rdd_buf_bytes(out, ib.p, ib.len);
	if (out->err || out->len - start > sizeof n->challenge)
		return -1;
	memcpy(n->challenge, out->p + start, out->len - start);
	n->challenge_len = out->len - start;
	return 0;
}

/* A security buffer's fields at OFF: its bytes within MSG as *FIELD. */
static int
field(const uint8_t *msg, size_t len, size_t off, struct rdd_cur *f)
{
	struct rdd_cur c;
	uint16_t flen, fmax;
	uint32_t foff;

	rdd_cur_init(&c, msg, len);
	if (rdd_cur_skip(&c, off) != 0 || rdd_cur_u16le(&c, &flen) != 0 ||
	    rdd_cur_u16le(&c, &fmax) != 0 || rdd_cur_u32le(&c, &foff) != 0)
		return -1;
	if (flen > len || foff > len - flen)
		return -1;
	rdd_cur_init(f, msg + foff, flen);
	return 0;
}

static char
upper(char x)
{
	return x >= 'a' && x <= 'z' ? (char)(x - 'a' + 'A') : x;
}

/* ASCII case-insensitive equality of A's first N bytes and B (whole). */
static bool
same_name_n(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] == '\0' || b[i] == '\0' || upper(a[i]) != upper(b[i]))
			return false;
	return b[n] == '\0';
}

static bool
same_name(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && same_name_n(a, strlen(a), b);
}

/*
 * Does the AUTHENTICATE's user (and domain) name ACCT? The user with any
 * domain when ACCT has none; with a domain, that domain and the user, or
 * the UPN "user@domain" with an empty domain.
 */
static bool
account_matches(const struct inj_account *acct, const char *user,
                const char *domain)
{
	size_t ul = strlen(acct->user);

	if (acct->domain[0] == '\0')
		return same_name(user, acct->user);
	if (same_name(user, acct->user) && same_name(domain, acct->domain))
		return true;
	return domain[0] == '\0' && strlen(user) > ul && user[ul] == '@' &&
	       same_name_n(user, ul, acct->user) &&
	       same_name(user + ul + 1, acct->domain);
}

/* The AV pair list of an NTLMv2 response's blob: MsvAvFlags has 0x2? */
static int
blob_has_mic_flag(const struct rdd_cur *blob, bool *mic)
{
	struct rdd_cur c = *blob, list, value;
	uint16_t id;
	uint32_t f;

	*mic = false;
	if (rdd_cur_skip(&c, BLOB_HDR) != 0)
		return -1;
	list = c;
	for (;;) {
		if (rdd_ntlm_av_next(&list, &id, &value) != 0)
			return -1;
		if (id == RDD_MSV_AV_EOL)
			return 0;
		if (id == RDD_MSV_AV_FLAGS) {
			if (rdd_cur_u32le(&value, &f) != 0)
				return -1;
			*mic = (f & 0x2) != 0;
		}
	}
}

static void
le32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)v;
	out[1] = (uint8_t)(v >> 8);
	out[2] = (uint8_t)(v >> 16);
	out[3] = (uint8_t)(v >> 24);
}

static int
derive(uint8_t out[16], const uint8_t *key, size_t keylen, const char *magic,
       size_t magic_len)
{
	struct rdd_iov iov[2] = {{key, keylen}, {magic, magic_len}};

	return rdd_md5(out, iov, 2);
}

/* SIGNKEY and SEALKEY both ways and the two RC4 handles ([MS-NLMP]
 * 3.4.5.2, 3.4.5.3: the magic constants with their NUL). */
static int
session_keys(struct inj_ntlm *n)
{
	const uint8_t *esk = n->exported_session_key;
	size_t klen = (n->flags & RDD_NTLM_NEGOTIATE_128)  ? 16
	              : (n->flags & RDD_NTLM_NEGOTIATE_56) ? 7
	                                                   : 5;
	uint8_t k_c2s[16], k_s2c[16];
	int rc = -1;

	if (derive(n->c2s.sign_key, esk, 16, sign_c2s, sizeof sign_c2s) == 0 &&
	    derive(n->s2c.sign_key, esk, 16, sign_s2c, sizeof sign_s2c) == 0 &&
	    derive(k_c2s, esk, klen, seal_c2s, sizeof seal_c2s) == 0 &&
	    derive(k_s2c, esk, klen, seal_s2c, sizeof seal_s2c) == 0) {
		n->c2s.seal = rdd_rc4_new(k_c2s, 16);
		n->s2c.seal = rdd_rc4_new(k_s2c, 16);
		rc = n->c2s.seal != NULL && n->s2c.seal != NULL ? 0 : -1;
	}
	n->c2s.seq = n->s2c.seq = 0;
	rdd_wipe(k_c2s, sizeof k_c2s);
	rdd_wipe(k_s2c, sizeof k_s2c);
	return rc;
}

enum inj_ntlm_result
inj_ntlm_authenticate(struct inj_ntlm *n, const struct inj_account *acct,
                      const uint8_t *msg, size_t len)
{
	struct rdd_cur c, lm, nt, dom, user, ws, ekey, blob;
	uint8_t name[2 * INJ_NAME_MAX * 2], rkey[16], proof[16], sbk[16];
	uint8_t mic[16], want[16], copy[INJ_TOKEN_MAX];
	struct rdd_iov iov[3];
	enum inj_ntlm_result r = INJ_NTLM_CRYPTO;
	size_t i;

	n->user[0] = n->domain[0] = n->workstation[0] = '\0';
	rdd_cur_init(&c, msg, len);
	if (!rdd_ntlm_has_signature(&c) ||
	    rdd_ntlm_message_type(&c) != RDD_NTLM_AUTHENTICATE ||
	    len < AUTH_FIXED || field(msg, len, 12, &lm) != 0 ||
	    field(msg, len, 20, &nt) != 0 || field(msg, len, 28, &dom) != 0 ||
	    field(msg, len, 36, &user) != 0 || field(msg, len, 44, &ws) != 0 ||
	    field(msg, len, 52, &ekey) != 0 || rdd_cur_skip(&c, 60) != 0 ||
	    rdd_cur_u32le(&c, &n->flags) != 0)
		return INJ_NTLM_MALFORMED;
	(void)lm;
	if (!(n->flags & RDD_NTLM_NEGOTIATE_UNICODE) ||
	    !(n->flags & RDD_NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY))
		return INJ_NTLM_UNSUPPORTED;
	rdd_utf16le_to_utf8(n->user, sizeof n->user, &user);
	rdd_utf16le_to_utf8(n->domain, sizeof n->domain, &dom);
	rdd_utf16le_to_utf8(n->workstation, sizeof n->workstation, &ws);
	if (!account_matches(acct, n->user, n->domain))
		return INJ_NTLM_NO_SUCH_USER;
	if (rdd_cur_left(&nt) < 16 + BLOB_HDR)
		return INJ_NTLM_UNSUPPORTED; /* NTLMv1: 24 bytes */
	if (rdd_cur_left(&user) > sizeof name / 2)
		return INJ_NTLM_MALFORMED;

	/* NTOWFv2: the user's UTF-16 upper-cased (ASCII), the domain as
	 * sent; then NTProofStr over ServerChallenge + the blob. */
	blob = user; /* a copy: USER stays whole for the length */
	if (rdd_cur_copy(&blob, name, user.len) != 0)
		goto out;
	for (i = 0; i + 1 < user.len; i += 2)
		if (name[i + 1] == 0 && name[i] >= 'a' && name[i] <= 'z')
			name[i] = (uint8_t)(name[i] - 'a' + 'A');
	iov[0].p = name;
	iov[0].len = user.len;
	iov[1].p = dom.p;
	iov[1].len = dom.len;
	if (rdd_hmac_md5(rkey, acct->nt_hash, 16, iov, 2) != 0)
		goto out;
	blob = nt;
	if (rdd_cur_skip(&blob, 16) != 0)
		goto out;
	iov[0].p = n->server_challenge;
	iov[0].len = 8;
	iov[1].p = blob.p;
	iov[1].len = blob.len;
	if (rdd_hmac_md5(proof, rkey, 16, iov, 2) != 0)
		goto out;
	if (memcmp(proof, nt.p, 16) != 0) {
		r = INJ_NTLM_WRONG_PASSWORD;
		goto out;
	}
	iov[0].p = proof;
	iov[0].len = 16;
	if (rdd_hmac_md5(sbk, rkey, 16, iov, 1) != 0)
		goto out;
	if ((n->flags & RDD_NTLM_NEGOTIATE_KEY_EXCH) && ekey.len == 16) {
		if (rdd_rc4_once(sbk, 16, ekey.p, n->exported_session_key,
		                 16) != 0)
			goto out;
	} else {
		memcpy(n->exported_session_key, sbk, 16);
	}

	/* The MIC, when the client says it sent one. */
	if (blob_has_mic_flag(&blob, &n->has_mic) != 0) {
		r = INJ_NTLM_MALFORMED;
		goto out;
	}
	if (n->has_mic) {
		if (len < MIC_END || len > sizeof copy) {
			r = INJ_NTLM_MALFORMED;
			goto out;
		}
		memcpy(mic, msg + MIC_OFF, 16);
		memcpy(copy, msg, len);
		memset(copy + MIC_OFF, 0, 16);
		iov[0].p = n->negotiate;
		iov[0].len = n->negotiate_len;
		iov[1].p = n->challenge;
		iov[1].len = n->challenge_len;
		iov[2].p = copy;
		iov[2].len = len;
		if (rdd_hmac_md5(want, n->exported_session_key, 16, iov, 3) !=
		    0)
			goto out;
		if (memcmp(want, mic, 16) != 0) {
			r = INJ_NTLM_BAD_MIC;
			goto out;
		}
	}
	r = session_keys(n) == 0 ? INJ_NTLM_OK : INJ_NTLM_CRYPTO;
out:
	rdd_wipe(rkey, sizeof rkey);
	rdd_wipe(sbk, sizeof sbk);
	return r;
}

/* HMAC_MD5(SignKey, LE32(seq) + M)[0..7], RC4'd with the handle under
 * KEY_EXCH ([MS-NLMP] 3.4.4.2). */
static int
checksum(struct inj_ntlm *n, struct inj_ntlm_dir *d, const uint8_t *plain,
         size_t len, uint8_t out[8])
{
	uint8_t seq[4], mac[16];
	struct rdd_iov iov[2] = {{seq, 4}, {plain, len}};

	le32(seq, d->seq);
	if (rdd_hmac_md5(mac, d->sign_key, 16, iov, 2) != 0)
		return -1;
	memcpy(out, mac, 8);
	if ((n->flags & RDD_NTLM_NEGOTIATE_KEY_EXCH) &&
	    rdd_rc4(d->seal, out, out, 8) != 0)
		return -1;
	return 0;
}

int
inj_ntlm_unseal(struct inj_ntlm *n, const uint8_t *in, size_t len, uint8_t *out)
{
	struct inj_ntlm_dir *d = &n->c2s;
	struct rdd_cur c;
	uint32_t ver, seq;
	uint8_t got[8], want[8];
	int ok;

	if (d->seal == NULL || len < 16)
		return -1;
	rdd_cur_init(&c, in, 16);
	if (rdd_cur_u32le(&c, &ver) != 0 || rdd_cur_copy(&c, got, 8) != 0 ||
	    rdd_cur_u32le(&c, &seq) != 0)
		return -1;
	if (rdd_rc4(d->seal, in + 16, out, len - 16) != 0 ||
	    checksum(n, d, out, len - 16, want) != 0)
		return -1;
	ok = ver == 1 && seq == d->seq && memcmp(got, want, 8) == 0;
	d->seq++;
	return ok ? 0 : -1;
}

int
inj_ntlm_seal(struct inj_ntlm *n, const uint8_t *msg, size_t len, uint8_t *out)
{
	struct inj_ntlm_dir *d = &n->s2c;

	if (d->seal == NULL || rdd_rc4(d->seal, msg, out + 16, len) != 0 ||
	    checksum(n, d, msg, len, out + 4) != 0)
		return -1;
	le32(out, 1);
	le32(out + 12, d->seq);
	d->seq++;
	return 0;
}

int
inj_ntlm_verify_mic(struct inj_ntlm *n, const uint8_t *msg, size_t len,
                    const uint8_t *sig, size_t sig_len)
{
	struct inj_ntlm_dir *d = &n->c2s;
	struct rdd_cur c;
	uint32_t ver, seq;
	uint8_t got[8], want[8];
	int ok;

	if (d->seal == NULL || sig == NULL || sig_len != 16)
		return -1;
	rdd_cur_init(&c, sig, 16);
	if (rdd_cur_u32le(&c, &ver) != 0 || rdd_cur_copy(&c, got, 8) != 0 ||
	    rdd_cur_u32le(&c, &seq) != 0 || checksum(n, d, msg, len, want) != 0)
		return -1;
	ok = ver == 1 && seq == d->seq && memcmp(got, want, 8) == 0;
	d->seq++;
	return ok ? 0 : -1;
}

int
inj_ntlm_get_mic(struct inj_ntlm *n, const uint8_t *msg, size_t len,
                 uint8_t out[16])
{
	struct inj_ntlm_dir *d = &n->s2c;

	if (d->seal == NULL || checksum(n, d, msg, len, out + 4) != 0)
		return -1;
	le32(out, 1);
	le32(out + 12, d->seq);
	d->seq++;
	return 0;
}

void
inj_ntlm_free(struct inj_ntlm *n)
{
	rdd_rc4_free(n->c2s.seal);
	rdd_rc4_free(n->s2c.seal);
	rdd_wipe(n, sizeof *n);
}

/* --- self-test: [MS-NLMP] 4.2.4 (shared/reference/session.md N.5) ---------- */

/* The AUTHENTICATE_MESSAGE of [MS-NLMP] 4.2.4.3 (232 bytes): user "User",
 * domain "Domain", password "Password", flags 0xE2888235, no MIC. */
static const uint8_t v_auth[232] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x03, 0x00, 0x00, 0x00,
    0x18, 0x00, 0x18, 0x00, 0x6c, 0x00, 0x00, 0x00, 0x54, 0x00, 0x54, 0x00,
    0x84, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00, 0x48, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x08, 0x00, 0x54, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00,
    0x5c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0xd8, 0x00, 0x00, 0x00,
    0x35, 0x82, 0x88, 0xe2, 0x05, 0x01, 0x28, 0x0a, 0x00, 0x00, 0x00, 0x0f,
    0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00,
    0x55, 0x00, 0x73, 0x00, 0x65, 0x00, 0x72, 0x00, 0x43, 0x00, 0x4f, 0x00,
    0x4d, 0x00, 0x50, 0x00, 0x55, 0x00, 0x54, 0x00, 0x45, 0x00, 0x52, 0x00,
    0x86, 0xc3, 0x50, 0x97, 0xac, 0x9c, 0xec, 0x10, 0x25, 0x54, 0x76, 0x4a,
    0x57, 0xcc, 0xcc, 0x19, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    0x68, 0xcd, 0x0a, 0xb8, 0x51, 0xe5, 0x1c, 0x96, 0xaa, 0xbc, 0x92, 0x7b,
    0xeb, 0xef, 0x6a, 0x1c, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xaa, 0xaa, 0xaa, 0xaa,
    0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x0c, 0x00,
    0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00,
    0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xc5, 0xda, 0xd2, 0x54, 0x4f, 0xc9, 0x79, 0x90, 0x94, 0xce, 0x1c, 0xe9,
    0x0b, 0xc9, 0xd0, 0x3e};
static const uint8_t v_server_challenge[8] = {0x01, 0x23, 0x45, 0x67,
                                              0x89, 0xab, 0xcd, 0xef};
/* NTOWFv1("Password") [4.2.2.1.2] */
static const uint8_t v_nt_hash[16] = {0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10,
                                      0xbd, 0xca, 0xb6, 0x82, 0x4e, 0xe7,
                                      0xc3, 0x0f, 0xd8, 0x52};
/* U("Plaintext") */
static const uint8_t v_plain[18] = {0x50, 0x00, 0x6c, 0x00, 0x61, 0x00,
                                    0x69, 0x00, 0x6e, 0x00, 0x74, 0x00,
                                    0x65, 0x00, 0x78, 0x00, 0x74, 0x00};
/* GSS_WrapEx [4.2.4.4], client to server: signature then sealed data. */
static const uint8_t v_c2s[34] = {
    0x01, 0x00, 0x00, 0x00, 0x7f, 0xb3, 0x8e, 0xc5, 0xc5, 0x5d, 0x49, 0x76,
    0x00, 0x00, 0x00, 0x00, 0x54, 0xe5, 0x01, 0x65, 0xbf, 0x19, 0x36, 0xdc,
    0x99, 0x60, 0x20, 0xc1, 0x81, 0x1b, 0x0f, 0x06, 0xfb, 0x5f};
/* The same, server to client (session.md N.5, "Server direction"). */
static const uint8_t v_s2c[34] = {
    0x01, 0x00, 0x00, 0x00, 0xb2, 0x98, 0xb8, 0x47, 0xce, 0x7c, 0x58, 0x07,
    0x00, 0x00, 0x00, 0x00, 0x16, 0x08, 0x71, 0xb7, 0x30, 0xba, 0x74, 0xe9,
    0x46, 0xc4, 0x53, 0xd7, 0x46, 0x5b, 0x54, 0x27, 0x8d, 0xd0};

static int
fail(const char *what)
{
	fprintf(stderr, "injector self-test: FAIL: %s\n", what);
	return 1;
}

int
inj_ntlm_self_test(void)
{
	static struct inj_ntlm n; /* 8 KiB: not on the stack */
	struct inj_account acct;
	uint8_t out[64], esk[16];
	enum inj_ntlm_result r;
	size_t len;
	uint32_t seed;
	int bad = 0;

	memset(&acct, 0, sizeof acct);
	snprintf(acct.user, sizeof acct.user, "user"); /* any case */
	memcpy(acct.nt_hash, v_nt_hash, 16);
	memset(esk, 0x55, sizeof esk); /* RandomSessionKey */

	memset(&n, 0, sizeof n);
	memcpy(n.server_challenge, v_server_challenge, 8);
	r = inj_ntlm_authenticate(&n, &acct, v_auth, sizeof v_auth);
	if (r != INJ_NTLM_OK)
		bad += fail(inj_ntlm_result_name(r));
	else {
		if (memcmp(n.exported_session_key, esk, 16) != 0)
			bad += fail("ExportedSessionKey is not 55 x 16");
		if (strcmp(n.user, "User") != 0 ||
		    strcmp(n.domain, "Domain") != 0 ||
		    strcmp(n.workstation, "COMPUTER") != 0)
			bad += fail("names");
		if (inj_ntlm_unseal(&n, v_c2s, sizeof v_c2s, out) != 0 ||
		    memcmp(out, v_plain, sizeof v_plain) != 0)
			bad += fail("unseal of the client's GSS_WrapEx vector");
		if (inj_ntlm_seal(&n, v_plain, sizeof v_plain, out) != 0 ||
		    memcmp(out, v_s2c, sizeof v_s2c) != 0)
			bad += fail("seal of the server's GSS_WrapEx vector");
		/* A replay: sequence number 0 again must not verify. */
		if (inj_ntlm_unseal(&n, v_c2s, sizeof v_c2s, out) == 0)
			bad += fail("a replayed token verified");
	}
	inj_ntlm_free(&n);

	/* A wrong password, another user, a domain that does not match. */
	acct.nt_hash[0] ^= 1;
	memcpy(n.server_challenge, v_server_challenge, 8);
	if (inj_ntlm_authenticate(&n, &acct, v_auth, sizeof v_auth) !=
	    INJ_NTLM_WRONG_PASSWORD)
		bad += fail("a wrong NT hash was not refused");
	acct.nt_hash[0] ^= 1;
	snprintf(acct.user, sizeof acct.user, "Usr");
	if (inj_ntlm_authenticate(&n, &acct, v_auth, sizeof v_auth) !=
	    INJ_NTLM_NO_SUCH_USER)
		bad += fail("another user was not refused");
	snprintf(acct.user, sizeof acct.user, "User");
	snprintf(acct.domain, sizeof acct.domain, "OTHER");
	if (inj_ntlm_authenticate(&n, &acct, v_auth, sizeof v_auth) !=
	    INJ_NTLM_NO_SUCH_USER)
		bad += fail("another domain was not refused");
	snprintf(acct.domain, sizeof acct.domain, "DOMAIN");
	if (inj_ntlm_authenticate(&n, &acct, v_auth, sizeof v_auth) !=
	    INJ_NTLM_OK)
		bad += fail("the domain is not matched without case");
	inj_ntlm_free(&n);

	/* 20000 mutations (1 to 3 bytes, a fixed LCG): under ASan, no read
	 * out of bounds whatever the offsets and lengths say. */
	for (len = 0, seed = 1; len < 20000; len++) {
		uint8_t m[sizeof v_auth];
		int k, flips = 1 + (int)(len % 3);

		memcpy(m, v_auth, sizeof m);
		for (k = 0; k < flips; k++) {
			seed = seed * 1103515245u + 12345u;
			m[(seed >> 8) % sizeof m] ^= (uint8_t)(seed >> 24 | 1);
		}
		memset(&n, 0, sizeof n);
		memcpy(n.server_challenge, v_server_challenge, 8);
		(void)inj_ntlm_authenticate(&n, &acct, m, sizeof m);
		inj_ntlm_free(&n);
	}

	/* Every truncation is refused, never read past. */
	for (len = 0; len < sizeof v_auth; len++) {
		memset(&n, 0, sizeof n);
		memcpy(n.server_challenge, v_server_challenge, 8);
		if (inj_ntlm_authenticate(&n, &acct, v_auth, len) ==
		    INJ_NTLM_OK)
			bad += fail("a truncated AUTHENTICATE verified");
		inj_ntlm_free(&n);
	}
	return bad;
}
