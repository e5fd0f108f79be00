/*
 * ntlm_auth.c - the client side of an NTLMv2 logon (ntlm_auth.h), after
 * [MS-NLMP] 3.1.5.1.2 (the client answers the CHALLENGE), 3.3.2 (NTLMv2
 * responses), 3.4.4.2 and 3.4.5 (SIGNKEY, SEALKEY, sealing with extended
 * session security and key exchange), 2.2.1.3 (AUTHENTICATE_MESSAGE);
 * the formulas in the order of shared/reference/session.md N.1.
 *
 * Choices where the specification leaves room:
 * - LmChallengeResponse is Z(24) when the CHALLENGE carries
 *   MsvAvTimestamp ([MS-NLMP] 3.1.5.1.2: SHOULD send Z(24) then; what
 *   pyspnego and the lab's client send), and the classic LMv2 response
 *   otherwise (older servers without a timestamp may still check it).
 * - The server's AV pairs are copied in order, unknown ids included; its
 *   MsvAvChannelBindings and MsvAvTargetName are replaced by ours and a
 *   second MsvAvFlags is dropped, so that no id appears twice.
 * - temp ends with Z(4), as impacket's and Chromium's do.
 * - Every secret derived here lives on the stack only while it is used
 *   and is wiped before return; the password is read, never copied but
 *   into the hash input, which is wiped too.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "crypto.h"
#include "ntlm.h"
#include "ntlm_auth.h"
#include "ntlm_auth_int.h"

/* The VERSION rdpdoctor puts in its AUTHENTICATE: the same 10.0.17763
 * revision 15 as its NEGOTIATE (RDD_NLA_CLIENT_* in lib/probe/nla.h;
 * lib/wire does not include lib/probe). */
#define CLIENT_MAJOR 10
#define CLIENT_MINOR 0
#define CLIENT_BUILD 17763

#define MSV_AV_FLAG_MIC 0x00000002u

static const uint8_t ntlmssp[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

/* [MS-NLMP] 3.4.5.2 and 3.4.5.3: ASCII with the terminating NUL, so
 * sizeof (59) is the length hashed. */
static const char sign_c2s[] =
    "session key to client-to-server signing key magic constant";
static const char sign_s2c[] =
    "session key to server-to-client signing key magic constant";
static const char seal_c2s[] =
    "session key to client-to-server sealing key magic constant";
static const char seal_s2c[] =
    "session key to server-to-client sealing key magic constant";

/* --- UTF-8 to UTF-16LE ------------------------------------------------- */

/*
 * The code point of UTF-8 S at *I, advancing *I; -1 on anything that is
 * not shortest-form UTF-8 of a scalar value (overlong forms, surrogates,
 * values above U+10FFFF, cut sequences).
 */
static int
utf8_next(const unsigned char *s, size_t *i, uint32_t *cp)
{
	uint32_t c = s[*i], min;
	size_t n, k;

	if (c < 0x80) {
		*cp = c;
		(*i)++;
		return 0;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 1;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3;
		c &= 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	for (k = 1; k <= n; k++) {
		/* The NUL at the end is not a continuation byte: no overrun. */
		if ((s[*i + k] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[*i + k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*i += n + 1;
	*cp = c;
	return 0;
}

/*
 * Encode S as UTF-16LE into B (NULL: only count), with ASCII letters
 * uppercased when UPPER. *BYTES (may be NULL) gets the length. Returns 0,
 * or -1 on invalid UTF-8 or B's error flag.
 */
static int
utf16_encode(struct rdd_buf *b, const char *s, bool upper, size_t *bytes)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n = 0;
	uint32_t cp;

	if (s == NULL)
		return -1;
	while (u[i] != 0) {
		if (utf8_next(u, &i, &cp) != 0)
			return -1;
		if (upper && cp >= 'a' && cp <= 'z')
			cp -= 'a' - 'A';
		if (cp >= 0x10000) {
			cp -= 0x10000;
			if (b != NULL) {
				rdd_buf_u16le(b,
				              (uint16_t)(0xd800 | (cp >> 10)));
				rdd_buf_u16le(
				    b, (uint16_t)(0xdc00 | (cp & 0x3ff)));
			}
			n += 4;
		} else {
			if (b != NULL)
				rdd_buf_u16le(b, (uint16_t)cp);
			n += 2;
		}
	}
	if (bytes != NULL)
		*bytes = n;
	return b != NULL && b->err ? -1 : 0;
}

int
rdd_utf8_to_utf16le(struct rdd_buf *b, const char *s)
{
	if (b == NULL)
		return -1;
	return utf16_encode(b, s, false, NULL);
}

int
rdd__utf16le_size(const char *s, size_t *bytes)
{
	return utf16_encode(NULL, s, false, bytes);
}

/* --- keys -------------------------------------------------------------- */

int
rdd_ntlm_ntowfv2(uint8_t out[16], const char *password, const char *user,
                 const char *domain)
{
	uint8_t pw[2 * RDD_NTLM_NAME_MAX], ud[4 * RDD_NTLM_NAME_MAX];
	uint8_t nt[RDD_MD4_LEN];
	struct rdd_buf b;
	struct rdd_iov part;
	int rc = -1;

	rdd_buf_init(&b, pw, sizeof(pw));
	if (utf16_encode(&b, password, false, NULL) != 0)
		goto out;
	part.p = pw;
	part.len = b.len;
	if (rdd_md4(nt, &part, 1) != 0)
		goto out;
	/* U(Uppercase(User) + UserDom): the domain as given. */
	rdd_buf_init(&b, ud, sizeof(ud));
	if (utf16_encode(&b, user, true, NULL) != 0 ||
	    utf16_encode(&b, domain, false, NULL) != 0)
		goto out;
	part.p = ud;
	part.len = b.len;
	rc = rdd_hmac_md5(out, nt, sizeof(nt), &part, 1);
out:
	rdd_wipe(pw, sizeof(pw));
	rdd_wipe(nt, sizeof(nt));
	return rc;
}

static int
md5_magic(uint8_t out[16], const uint8_t esk[16], const char *magic,
          size_t magic_len)
{
	struct rdd_iov parts[2] = {{esk, 16}, {magic, magic_len}};

	return rdd_md5(out, parts, 2);
}

int
rdd_ntlm_sign_key(uint8_t out[16], const uint8_t esk[16], bool client_to_server)
{
	return client_to_server
	           ? md5_magic(out, esk, sign_c2s, sizeof(sign_c2s))
	           : md5_magic(out, esk, sign_s2c, sizeof(sign_s2c));
}

int
rdd_ntlm_seal_key(uint8_t out[16], const uint8_t esk[16], bool client_to_server)
{
	/* NEGOTIATE_128 is required: the whole exported key is used. */
	return client_to_server
	           ? md5_magic(out, esk, seal_c2s, sizeof(seal_c2s))
	           : md5_magic(out, esk, seal_s2c, sizeof(seal_s2c));
}

static int
dir_init(struct rdd_ntlm_dir *d, const uint8_t esk[16], bool c2s)
{
	uint8_t seal[16];
	int rc = -1;

	if (rdd_ntlm_sign_key(d->sign_key, esk, c2s) == 0 &&
	    rdd_ntlm_seal_key(seal, esk, c2s) == 0 &&
	    (d->seal = rdd_rc4_new(seal, sizeof(seal))) != NULL)
		rc = 0;
	d->seq = 0;
	rdd_wipe(seal, sizeof(seal));
	return rc;
}

void
rdd_ntlm_sec_free(struct rdd_ntlm_sec *sec)
{
	if (sec == NULL)
		return;
	rdd_rc4_free(sec->send.seal);
	rdd_rc4_free(sec->recv.seal);
	rdd_wipe(sec, sizeof(*sec));
	sec->send.seal = NULL;
	sec->recv.seal = NULL;
}

int
rdd__ntlm_sec_init(struct rdd_ntlm_sec *sec, const uint8_t esk[16],
                   uint32_t flags, bool server)
{
	memset(sec, 0, sizeof(*sec));
	sec->flags = flags;
	memcpy(sec->exported_session_key, esk, 16);
	if (dir_init(&sec->send, esk, !server) != 0 ||
	    dir_init(&sec->recv, esk, server) != 0) {
		rdd_ntlm_sec_free(sec);
		return -1;
	}
	return 0;
}

/* --- sealing ----------------------------------------------------------- */

/*
 * The SIGNATURE of plaintext MSG for direction D ([MS-NLMP] 3.4.4.2 with
 * extended session security and key exchange): the checksum is RC4'd with
 * the same handle, continuing after the message's bytes.
 */
static int
signature(struct rdd_ntlm_dir *d, const uint8_t *msg, size_t len,
          uint8_t sig[RDD_NTLM_SIGNATURE_LEN])
{
	uint8_t seq[4], mac[16];
	struct rdd_buf b;
	struct rdd_iov parts[2];
	int rc = -1;

	rdd_buf_init(&b, seq, sizeof(seq));
	rdd_buf_u32le(&b, d->seq);
	parts[0].p = seq;
	parts[0].len = sizeof(seq);
	parts[1].p = msg;
	parts[1].len = len;
	if (rdd_hmac_md5(mac, d->sign_key, sizeof(d->sign_key), parts, 2) !=
	        0 ||
	    rdd_rc4(d->seal, mac, mac, 8) != 0)
		goto out;
	rdd_buf_init(&b, sig, RDD_NTLM_SIGNATURE_LEN);
	rdd_buf_u32le(&b, 1); /* NTLMSSP_MESSAGE_SIGNATURE Version */
	rdd_buf_bytes(&b, mac, 8);
	rdd_buf_u32le(&b, d->seq);
	rc = b.err ? -1 : 0;
out:
	rdd_wipe(mac, sizeof(mac));
	return rc;
}

int
rdd_ntlm_seal(struct rdd_ntlm_sec *sec, const uint8_t *msg, size_t len,
              uint8_t *out)
{
	int rc;

	if (sec == NULL || sec->send.seal == NULL || out == NULL ||
	    (len > 0 && msg == NULL))
		return -1;
	/* Encrypt first, then sign: the checksum's RC4 follows the message's
	 * key stream (session.md N.4). */
	rc = rdd_rc4(sec->send.seal, msg, out + RDD_NTLM_SIGNATURE_LEN, len);
	if (rc == 0)
		rc = signature(&sec->send, msg, len, out);
	sec->send.seq++;
	return rc;
}

int
rdd_ntlm_unseal(struct rdd_ntlm_sec *sec, const uint8_t *in, size_t len,
                uint8_t *out)
{
	uint8_t got[RDD_NTLM_SIGNATURE_LEN], want[RDD_NTLM_SIGNATURE_LEN];
	struct rdd_cur c, sealed;
	int rc = -1;

	if (sec == NULL || sec->recv.seal == NULL)
		return -1;
	rdd_cur_init(&c, in, len);
	if (rdd_cur_copy(&c, got, sizeof(got)) == 0 &&
	    rdd_cur_sub(&c, rdd_cur_left(&c), &sealed) == 0 &&
	    (sealed.len == 0 || out != NULL) &&
	    rdd_rc4(sec->recv.seal, sealed.p, out, sealed.len) == 0 &&
	    signature(&sec->recv, out, sealed.len, want) == 0 &&
	    CRYPTO_memcmp(got, want, sizeof(got)) == 0)
		rc = 0;
	sec->recv.seq++;
	return rc;
}

int
rdd_ntlm_sign(struct rdd_ntlm_sec *sec, const uint8_t *msg, size_t len,
              uint8_t sig[RDD_NTLM_SIGNATURE_LEN])
{
	int rc;

	if (sec == NULL || sec->send.seal == NULL || sig == NULL ||
	    (len > 0 && msg == NULL))
		return -1;
	rc = signature(&sec->send, msg, len, sig);
	sec->send.seq++;
	return rc;
}

int
rdd_ntlm_verify(struct rdd_ntlm_sec *sec, const uint8_t *msg, size_t len,
                const uint8_t *sig, size_t sig_len)
{
	uint8_t want[RDD_NTLM_SIGNATURE_LEN];
	int rc = -1;

	if (sec == NULL || sec->recv.seal == NULL || (len > 0 && msg == NULL))
		return -1;
	if (signature(&sec->recv, msg, len, want) == 0 && sig != NULL &&
	    sig_len == sizeof(want) &&
	    CRYPTO_memcmp(sig, want, sizeof(want)) == 0)
		rc = 0;
	sec->recv.seq++;
	return rc;
}

/* --- the AUTHENTICATE_MESSAGE ------------------------------------------ */

int
rdd__ntlm_av_list(struct rdd_buf *b, const struct rdd_cur *server,
                  const uint8_t *cb, const char *target_spn)
{
	static const uint8_t zeros[16];
	struct rdd_cur list = *server, v;
	uint16_t id;
	uint32_t av_flags;
	bool have_flags = false;
	size_t spn_len;

	while (rdd_cur_left(&list) > 0) {
		if (rdd_ntlm_av_next(&list, &id, &v) != 0)
			return -1;
		if (id == RDD_MSV_AV_EOL)
			break;
		if (id == RDD_MSV_AV_CHANNEL_BINDINGS ||
		    id == RDD_MSV_AV_TARGET_NAME)
			continue; /* ours follow */
		if (id == RDD_MSV_AV_FLAGS) {
			if (have_flags)
				continue;
			if (rdd_cur_u32le(&v, &av_flags) != 0 ||
			    rdd_cur_left(&v) != 0)
				return -1;
			have_flags = true;
			rdd_buf_u16le(b, id);
			rdd_buf_u16le(b, 4);
			rdd_buf_u32le(b, av_flags | MSV_AV_FLAG_MIC);
			continue;
		}
		rdd_buf_u16le(b, id);
		rdd_buf_u16le(b, (uint16_t)v.len);
		rdd_buf_bytes(b, v.p, v.len);
	}
	if (!have_flags) {
		rdd_buf_u16le(b, RDD_MSV_AV_FLAGS);
		rdd_buf_u16le(b, 4);
		rdd_buf_u32le(b, MSV_AV_FLAG_MIC);
	}
	rdd_buf_u16le(b, RDD_MSV_AV_CHANNEL_BINDINGS);
	rdd_buf_u16le(b, 16);
	rdd_buf_bytes(b, cb != NULL ? cb : zeros, 16);
	if (rdd__utf16le_size(target_spn, &spn_len) != 0 || spn_len > 0xffff)
		return -1;
	rdd_buf_u16le(b, RDD_MSV_AV_TARGET_NAME);
	rdd_buf_u16le(b, (uint16_t)spn_len);
	if (utf16_encode(b, target_spn, false, NULL) != 0)
		return -1;
	rdd_buf_u16le(b, RDD_MSV_AV_EOL);
	rdd_buf_u16le(b, 0);
	return b->err ? -1 : 0;
}

int
rdd__ntlm_v2_proof(uint8_t proof[16], uint8_t session_base_key[16],
                   const uint8_t key[16], const uint8_t server_challenge[8],
                   const uint8_t *temp, size_t temp_len)
{
	struct rdd_iov parts[2] = {{server_challenge, 8}, {temp, temp_len}};
	struct rdd_iov p = {proof, 16};

	if (rdd_hmac_md5(proof, key, 16, parts, 2) != 0)
		return -1;
	return rdd_hmac_md5(session_base_key, key, 16, &p, 1);
}

int
rdd__ntlm_lmv2(uint8_t out[24], const uint8_t key[16],
               const uint8_t server_challenge[8],
               const uint8_t client_challenge[8])
{
	struct rdd_iov parts[2] = {{server_challenge, 8},
	                           {client_challenge, 8}};

	if (rdd_hmac_md5(out, key, 16, parts, 2) != 0)
		return -1;
	memcpy(out + 16, client_challenge, 8);
	return 0;
}

int
rdd__ntlm_mic(uint8_t out[16], const uint8_t esk[16], const uint8_t *neg,
              size_t neg_len, const uint8_t *chal, size_t chal_len,
              const uint8_t *auth, size_t auth_len)
{
	struct rdd_iov parts[3] = {
	    {neg, neg_len}, {chal, chal_len}, {auth, auth_len}};

	return rdd_hmac_md5(out, esk, 16, parts, 3);
}

/* Len, MaxLen, BufferOffset of a payload field. */
static void
put_fields(struct rdd_buf *b, size_t len, size_t *off)
{
	rdd_buf_u16le(b, (uint16_t)len);
	rdd_buf_u16le(b, (uint16_t)len);
	rdd_buf_u32le(b, (uint32_t)*off);
	*off += len;
}

/* The AUTHENTICATE up to and with VERSION (72 bytes). */
static int
put_head(struct rdd_buf *b, const struct rdd__ntlm_auth_fields *f)
{
	size_t nt = f->nt_proof.len + f->nt_temp.len;
	size_t off = f->has_mic ? RDD_NTLM_AUTH_HEAD_MIC : RDD_NTLM_AUTH_HEAD;
	size_t domain, user, ws, lm, key;

	if (f->lm.len > 0xffff || nt > 0xffff || f->domain.len > 0xffff ||
	    f->user.len > 0xffff || f->workstation.len > 0xffff ||
	    f->key.len > 0xffff) {
		b->err = true;
		return -1;
	}
	/* Offsets in payload order: Domain, User, Workstation, Lm, Nt, key.
	 * Each length is at most 0xffff, so none reaches 32 bits. */
	domain = off;
	user = domain + f->domain.len;
	ws = user + f->user.len;
	lm = ws + f->workstation.len;
	key = lm + f->lm.len + nt;
	rdd_buf_bytes(b, ntlmssp, sizeof(ntlmssp));
	rdd_buf_u32le(b, RDD_NTLM_AUTHENTICATE);
	off = lm;
	put_fields(b, f->lm.len, &off);
	put_fields(b, nt, &off);
	put_fields(b, f->domain.len, &domain);
	put_fields(b, f->user.len, &user);
	put_fields(b, f->workstation.len, &ws);
	put_fields(b, f->key.len, &key);
	rdd_buf_u32le(b, f->flags);
	rdd_buf_u8(b, f->version.major);
	rdd_buf_u8(b, f->version.minor);
	rdd_buf_u16le(b, f->version.build);
	rdd_buf_zeros(b, 3);
	rdd_buf_u8(b, f->version.revision);
	return b->err ? -1 : 0;
}

static void
put_iov(struct rdd_buf *b, const struct rdd_iov *v)
{
	rdd_buf_bytes(b, v->p, v->len);
}

int
rdd__ntlm_put_authenticate(struct rdd_buf *b,
                           const struct rdd__ntlm_auth_fields *f)
{
	size_t start = b->len;

	if (put_head(b, f) != 0)
		return -1;
	if (f->has_mic)
		rdd_buf_bytes(b, f->mic, sizeof(f->mic));
	put_iov(b, &f->domain);
	put_iov(b, &f->user);
	put_iov(b, &f->workstation);
	put_iov(b, &f->lm);
	put_iov(b, &f->nt_proof);
	put_iov(b, &f->nt_temp);
	put_iov(b, &f->key);
	if (b->err || b->len - start > 0xffffffffu)
		return -1;
	return 0;
}

/* The NegotiateFlags of the NEGOTIATE as sent. */
static int
negotiate_flags(const struct rdd_ntlm_auth_input *in, uint32_t *flags)
{
	struct rdd_cur c;

	rdd_cur_init(&c, in->negotiate, in->negotiate_len);
	if (in->negotiate == NULL ||
	    rdd_ntlm_message_type(&c) != RDD_NTLM_NEGOTIATE ||
	    rdd_cur_skip(&c, 12) != 0 || rdd_cur_u32le(&c, flags) != 0)
		return -1;
	return 0;
}

/* A caller's string as UTF-16LE of at most RDD_NTLM_NAME_MAX units. */
static bool
name_ok(const char *s)
{
	size_t n;

	return rdd__utf16le_size(s, &n) == 0 && n <= 2 * RDD_NTLM_NAME_MAX;
}

/* Everything rdd_ntlm_authenticate() derives, wiped on the way out. */
struct auth_work {
	uint8_t domain[2 * RDD_NTLM_NAME_MAX];
	uint8_t user[2 * RDD_NTLM_NAME_MAX];
	uint8_t ws[2 * RDD_NTLM_NAME_MAX];
	uint8_t temp[RDD_NTLM_AUTHENTICATE_MAX];
	uint8_t head[RDD_NTLM_AUTH_HEAD];
	uint8_t key[16]; /* ResponseKeyNT = ResponseKeyLM */
	uint8_t proof[16], sbk[16], enc_key[16], lm[24];
	struct rdd__ntlm_auth_fields f;
};

/* The temp of [MS-NLMP] 3.3.2 into W->temp; its length, or 0 when it
 * does not fit. */
static size_t
build_temp(struct auth_work *w, const struct rdd_ntlm_auth_input *in,
           const struct rdd_ntlm_challenge *ch, uint64_t time)
{
	struct rdd_buf b;

	rdd_buf_init(&b, w->temp, sizeof(w->temp));
	rdd_buf_u8(&b, 1); /* RespType */
	rdd_buf_u8(&b, 1); /* HiRespType */
	rdd_buf_zeros(&b, 6);
	rdd_buf_u32le(&b, (uint32_t)time);
	rdd_buf_u32le(&b, (uint32_t)(time >> 32));
	rdd_buf_bytes(&b, in->client_challenge, 8);
	rdd_buf_zeros(&b, 4);
	if (rdd__ntlm_av_list(&b, &ch->target_info, in->channel_bindings,
	                      in->target_spn) != 0)
		return 0;
	rdd_buf_zeros(&b, 4);
	return b.err ? 0 : b.len;
}

static enum rdd_ntlm_auth_result
compute(struct rdd_buf *out, const struct rdd_ntlm_auth_input *in,
        const struct rdd_ntlm_challenge *ch, uint32_t flags,
        struct rdd_ntlm_sec *sec, struct auth_work *w)
{
	struct rdd__ntlm_auth_fields *f = &w->f;
	struct rdd_buf b;
	struct rdd_iov parts[11];
	size_t temp_len, total;

	memset(f, 0, sizeof(*f));
	temp_len = build_temp(
	    w, in, ch, ch->has_timestamp ? ch->timestamp : in->now_filetime);
	/* NtChallengeResponseFields.Len is 16 bits; the whole message must
	 * fit the promised RDD_NTLM_AUTHENTICATE_MAX. */
	if (temp_len == 0 || temp_len > 0xffff - 16)
		return RDD_NTLM_AUTH_TOO_LONG;

	rdd_buf_init(&b, w->domain, sizeof(w->domain));
	(void)utf16_encode(&b, in->domain, false, &f->domain.len);
	rdd_buf_init(&b, w->user, sizeof(w->user));
	(void)utf16_encode(&b, in->user, false, &f->user.len);
	rdd_buf_init(&b, w->ws, sizeof(w->ws));
	(void)utf16_encode(&b, in->workstation, false, &f->workstation.len);
	total = RDD_NTLM_AUTH_HEAD_MIC + f->domain.len + f->user.len +
	        f->workstation.len + sizeof(w->lm) + 16 + temp_len +
	        sizeof(w->enc_key);
	if (total > RDD_NTLM_AUTHENTICATE_MAX)
		return RDD_NTLM_AUTH_TOO_LONG;

	if (!rdd_crypto_legacy_available() ||
	    rdd_ntlm_ntowfv2(w->key, in->password, in->user, in->domain) != 0 ||
	    rdd__ntlm_v2_proof(w->proof, w->sbk, w->key, ch->server_challenge,
	                       w->temp, temp_len) != 0)
		return RDD_NTLM_AUTH_CRYPTO;
	if (ch->has_timestamp)
		memset(w->lm, 0, sizeof(w->lm));
	else if (rdd__ntlm_lmv2(w->lm, w->key, ch->server_challenge,
	                        in->client_challenge) != 0)
		return RDD_NTLM_AUTH_CRYPTO;
	/* KeyExchangeKey = SessionBaseKey for NTLMv2 ([MS-NLMP] 3.4.5.1). */
	if (rdd_rc4_once(w->sbk, sizeof(w->sbk), in->exported_session_key,
	                 w->enc_key, sizeof(w->enc_key)) != 0)
		return RDD_NTLM_AUTH_CRYPTO;

	f->flags = flags;
	f->version.major = CLIENT_MAJOR;
	f->version.minor = CLIENT_MINOR;
	f->version.build = CLIENT_BUILD;
	f->version.revision = RDD_NTLM_REVISION_W2K3;
	f->has_mic = true;
	f->domain.p = w->domain;
	f->user.p = w->user;
	f->workstation.p = w->ws;
	f->lm.p = w->lm;
	f->lm.len = sizeof(w->lm);
	f->nt_proof.p = w->proof;
	f->nt_proof.len = sizeof(w->proof);
	f->nt_temp.p = w->temp;
	f->nt_temp.len = temp_len;
	f->key.p = w->enc_key;
	f->key.len = sizeof(w->enc_key);

	/* The MIC over NEGOTIATE, CHALLENGE and this message with a zero
	 * MIC, hashed in pieces as the message will be laid out. */
	rdd_buf_init(&b, w->head, sizeof(w->head));
	if (put_head(&b, f) != 0 || b.len != sizeof(w->head))
		return RDD_NTLM_AUTH_TOO_LONG;
	parts[0] = (struct rdd_iov){in->negotiate, in->negotiate_len};
	parts[1] = (struct rdd_iov){in->challenge, in->challenge_len};
	parts[2] = (struct rdd_iov){w->head, sizeof(w->head)};
	parts[3] = (struct rdd_iov){f->mic, sizeof(f->mic)}; /* zeros */
	parts[4] = f->domain;
	parts[5] = f->user;
	parts[6] = f->workstation;
	parts[7] = f->lm;
	parts[8] = f->nt_proof;
	parts[9] = f->nt_temp;
	parts[10] = f->key;
	if (rdd_hmac_md5(f->mic, in->exported_session_key, 16, parts, 11) != 0)
		return RDD_NTLM_AUTH_CRYPTO;

	if (rdd__ntlm_put_authenticate(out, f) != 0)
		return RDD_NTLM_AUTH_TOO_LONG; /* OUT too small */
	if (rdd__ntlm_sec_init(sec, in->exported_session_key, flags, false) !=
	    0)
		return RDD_NTLM_AUTH_CRYPTO;
	return RDD_NTLM_AUTH_OK;
}

enum rdd_ntlm_auth_result
rdd_ntlm_authenticate(struct rdd_buf *out, const struct rdd_ntlm_auth_input *in,
                      struct rdd_ntlm_sec *sec, uint32_t *missing)
{
	struct rdd_ntlm_challenge ch;
	struct auth_work w;
	struct rdd_cur c;
	uint32_t neg_flags, flags, lack;
	enum rdd_ntlm_auth_result r;

	if (missing != NULL)
		*missing = 0;
	if (sec != NULL)
		memset(sec, 0, sizeof(*sec));
	if (out == NULL || in == NULL || sec == NULL)
		return RDD_NTLM_AUTH_MALFORMED;
	rdd_cur_init(&c, in->challenge, in->challenge_len);
	if (in->challenge == NULL || rdd_ntlm_parse_challenge(&c, &ch) != 0 ||
	    negotiate_flags(in, &neg_flags) != 0)
		return RDD_NTLM_AUTH_MALFORMED;
	flags = (ch.flags & neg_flags) | RDD_NTLM_NEGOTIATE_VERSION;
	lack = RDD_NTLM_REQUIRED_FLAGS & ~flags;
	if (lack != 0) {
		if (missing != NULL)
			*missing = lack;
		return RDD_NTLM_AUTH_DOWNGRADE;
	}
	/* Invalid UTF-8 cannot be sent either: told as too long. */
	if (!name_ok(in->user) || !name_ok(in->domain) ||
	    !name_ok(in->password) || !name_ok(in->workstation) ||
	    !name_ok(in->target_spn))
		return RDD_NTLM_AUTH_TOO_LONG;

	r = compute(out, in, &ch, flags, sec, &w);
	rdd_wipe(&w, sizeof(w));
	if (r != RDD_NTLM_AUTH_OK)
		rdd_ntlm_sec_free(sec);
	return r;
}
