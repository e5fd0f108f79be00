/*
 * license.c - the licensing PDUs of a client (license.h): [MS-RDPBCGR]
 * 2.2.1.12, [MS-RDPELE] 2.2.2 and 5.1; shared/reference/session.md 5.
 *
 *   LICENSE_PREAMBLE  bMsgType(1) flags(1) wMsgSize(2, preamble included)
 *   LICENSE_BINARY_BLOB  wBlobType(2) wBlobLen(2) blobData(wBlobLen)
 *
 * Every message is read within its wMsgSize; bytes left over after the
 * last field are ignored. Blob types are not checked (FreeRDP only logs a
 * mismatch, and servers fill the type of an empty blob with anything:
 * session.md 5.1), only their lengths.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "wire/crypto.h"
#include "wire/license.h"
#include "wire/ntlm.h" /* rdd_utf16le_to_utf8 */

#define PREAMBLE_LEN 4
#define BLOB_HEADER_LEN 4
#define KEY_EXCHANGE_ALG_RSA 1u
/* PLATFORM_CHALLENGE_RESPONSE_DATA ([MS-RDPELE] 2.2.2.5.1). */
#define CHALLENGE_RESPONSE_VERSION 0x0100
#define OTHER_PLATFORMCHALLENGE_TYPE 0xFF00
#define LICENSE_DETAIL_DETAIL 0x0003
#define CHALLENGE_RESPONSE_HEADER_LEN 8

/* ---- reading ----------------------------------------------------------- */

/* The preamble, and the rest of the message (wMsgSize - 4 bytes) as MSG. */
static int
read_preamble(struct rdd_cur *c, uint8_t *type, uint8_t *flags, uint16_t *size,
              struct rdd_cur *msg)
{
	if (rdd_cur_u8(c, type) != 0 || rdd_cur_u8(c, flags) != 0 ||
	    rdd_cur_u16le(c, size) != 0 || *size < PREAMBLE_LEN ||
	    rdd_cur_sub(c, (size_t)*size - PREAMBLE_LEN, msg) != 0)
		return -1;
	return 0;
}

/* A LICENSE_BINARY_BLOB: its type (TYPE may be NULL) and data. */
static int
read_blob(struct rdd_cur *c, uint16_t *type, struct rdd_cur *data)
{
	struct rdd_cur t = *c;
	uint16_t ty, len;

	if (rdd_cur_u16le(&t, &ty) != 0 || rdd_cur_u16le(&t, &len) != 0 ||
	    rdd_cur_sub(&t, len, data) != 0)
		return -1;
	if (type != NULL)
		*type = ty;
	*c = t;
	return 0;
}

/* An ANSI string up to its first NUL (or the end of S), copied raw. */
static void
copy_ansi(char *out, size_t cap, const struct rdd_cur *s)
{
	struct rdd_cur t = *s;
	size_t n = 0;
	uint8_t ch;

	while (n + 1 < cap && rdd_cur_u8(&t, &ch) == 0 && ch != 0)
		out[n++] = (char)ch;
	out[n] = '\0';
}

/*
 * cbX(4) then X, a NUL-terminated UTF-16LE string of cbX bytes: converted
 * to UTF-8 up to its first NUL (invalid UTF-16 becomes U+FFFD; cut at a
 * character boundary to fit RDD_LIC_STR).
 */
static int
read_utf16_field(struct rdd_cur *c, char out[RDD_LIC_STR])
{
	struct rdd_cur s, t, text;
	uint32_t cb;
	uint16_t u;
	size_t n = 0;

	if (rdd_cur_u32le(c, &cb) != 0 || rdd_cur_sub(c, cb, &s) != 0)
		return -1;
	/* N: the bytes before the first U+0000, or all of them. */
	t = s;
	while (rdd_cur_u16le(&t, &u) == 0 && u != 0)
		n += 2;
	if (n + 1 == rdd_cur_left(&s)) /* an odd last byte, no NUL */
		n++;
	t = s;
	(void)rdd_cur_sub(&t, n, &text);
	(void)rdd_utf16le_to_utf8(out, RDD_LIC_STR, &text);
	return 0;
}

/*
 * SERVER_LICENSE_REQUEST ([MS-RDPELE] 2.2.2.1): ServerRandom(32),
 * ProductInfo {dwVersion, cbCompanyName, pbCompanyName, cbProductId,
 * pbProductId}, KeyExchangeList blob (LE32 ids), ServerCertificate blob
 * (a SERVER_CERTIFICATE, or empty), ScopeList {ScopeCount, scope blobs}.
 */
static int
parse_request(struct rdd_cur *c, struct rdd_lic_request *r)
{
	struct rdd_cur blob;
	uint32_t id, count, i;

	r->cert.signature_ok = -1;
	if (rdd_cur_copy(c, r->server_random, RDD_LIC_RANDOM_LEN) != 0 ||
	    rdd_cur_u32le(c, &r->product_version) != 0 ||
	    read_utf16_field(c, r->company) != 0 ||
	    read_utf16_field(c, r->product_id) != 0)
		return -1;
	if (read_blob(c, NULL, &blob) != 0 || rdd_cur_left(&blob) % 4 != 0)
		return -1;
	r->n_key_exchange = (uint32_t)(rdd_cur_left(&blob) / 4);
	for (i = 0; rdd_cur_u32le(&blob, &id) == 0; i++)
		if (i < sizeof(r->key_exchange) / sizeof(r->key_exchange[0]))
			r->key_exchange[i] = id;
	if (read_blob(c, NULL, &blob) != 0)
		return -1;
	if (rdd_cur_left(&blob) > 0) {
		if (rdd_gcc_parse_server_certificate(&blob, &r->cert) != 0)
			return -1;
		r->has_cert = true;
	}
	/* Each scope blob takes at least its 4-byte header. */
	if (rdd_cur_u32le(c, &count) != 0 ||
	    count > rdd_cur_left(c) / BLOB_HEADER_LEN)
		return -1;
	r->n_scopes = count;
	for (i = 0; i < count; i++) {
		if (read_blob(c, NULL, &blob) != 0)
			return -1;
		if (i < RDD_LIC_MAX_SCOPES)
			copy_ansi(r->scopes[i], RDD_LIC_STR, &blob);
	}
	return 0;
}

int
rdd_lic_parse(struct rdd_cur *in, struct rdd_lic_pdu *pdu)
{
	struct rdd_cur t = *in, msg;
	struct rdd_lic_pdu p;
	uint8_t type, flags;
	uint16_t size;
	int rc = -1;

	if (read_preamble(&t, &type, &flags, &size, &msg) != 0)
		return -1;
	memset(&p, 0, sizeof(p));
	p.msg_type = type;
	p.flags = flags;
	p.msg_size = size;
	switch (type) {
	case RDD_LIC_LICENSE_REQUEST:
		rc = parse_request(&msg, &p.request);
		break;
	case RDD_LIC_PLATFORM_CHALLENGE:
		/* ConnectFlags, EncryptedPlatformChallenge, MACData. */
		if (rdd_cur_u32le(&msg, &p.challenge.connect_flags) == 0 &&
		    read_blob(&msg, &p.challenge.blob_type,
		              &p.challenge.encrypted) == 0 &&
		    rdd_cur_copy(&msg, p.challenge.mac, RDD_LIC_MAC_LEN) == 0)
			rc = 0;
		break;
	case RDD_LIC_NEW_LICENSE:
	case RDD_LIC_UPGRADE_LICENSE:
		/* EncryptedLicenseInfo, MACData. */
		if (read_blob(&msg, NULL, &p.license.encrypted) == 0 &&
		    rdd_cur_copy(&msg, p.license.mac, RDD_LIC_MAC_LEN) == 0)
			rc = 0;
		break;
	case RDD_LIC_ERROR_ALERT:
		/* dwErrorCode, dwStateTransition, bbErrorInfo. */
		if (rdd_cur_u32le(&msg, &p.error.code) == 0 &&
		    rdd_cur_u32le(&msg, &p.error.transition) == 0 &&
		    rdd_cur_u16le(&msg, &p.error.blob_type) == 0 &&
		    rdd_cur_u16le(&msg, &p.error.blob_len) == 0 &&
		    rdd_cur_skip(&msg, p.error.blob_len) == 0)
			rc = 0;
		break;
	default: /* a client's message, or none at all */
		break;
	}
	if (rc != 0)
		return -1;
	*pdu = p;
	*in = t;
	return 0;
}

/* PreferredKeyExchangeAlg, PlatformId, ClientRandom, premaster blob. */
static int
skip_client_keys(struct rdd_cur *c)
{
	struct rdd_cur blob;
	uint32_t v;

	if (rdd_cur_u32le(c, &v) != 0 || rdd_cur_u32le(c, &v) != 0 ||
	    rdd_cur_skip(c, RDD_LIC_RANDOM_LEN) != 0 ||
	    read_blob(c, NULL, &blob) != 0)
		return -1;
	return 0;
}

int
rdd_lic_parse_client(struct rdd_cur *in, uint8_t *msg_type, uint8_t *flags,
                     uint16_t *msg_size)
{
	struct rdd_cur t = *in, msg, blob;
	uint8_t type, fl;
	uint16_t size;
	uint32_t v;
	int rc = -1;

	if (read_preamble(&t, &type, &fl, &size, &msg) != 0)
		return -1;
	switch (type) {
	case RDD_LIC_NEW_LICENSE_REQUEST:
		/* ... ClientUserName, ClientMachineName. */
		if (skip_client_keys(&msg) == 0 &&
		    read_blob(&msg, NULL, &blob) == 0 &&
		    read_blob(&msg, NULL, &blob) == 0)
			rc = 0;
		break;
	case RDD_LIC_LICENSE_INFO:
		/* ... LicenseInfo, EncryptedHWID, MACData. */
		if (skip_client_keys(&msg) == 0 &&
		    read_blob(&msg, NULL, &blob) == 0 &&
		    read_blob(&msg, NULL, &blob) == 0 &&
		    rdd_cur_skip(&msg, RDD_LIC_MAC_LEN) == 0)
			rc = 0;
		break;
	case RDD_LIC_PLATFORM_CHALLENGE_RESPONSE:
		/* EncryptedPlatformChallengeResponse, EncryptedHWID, MACData. */
		if (read_blob(&msg, NULL, &blob) == 0 &&
		    read_blob(&msg, NULL, &blob) == 0 &&
		    rdd_cur_skip(&msg, RDD_LIC_MAC_LEN) == 0)
			rc = 0;
		break;
	case RDD_LIC_ERROR_ALERT:
		if (rdd_cur_u32le(&msg, &v) == 0 &&
		    rdd_cur_u32le(&msg, &v) == 0 &&
		    read_blob(&msg, NULL, &blob) == 0)
			rc = 0;
		break;
	default:
		break;
	}
	if (rc != 0)
		return -1;
	*msg_type = type;
	*flags = fl;
	*msg_size = size;
	*in = t;
	return 0;
}

/* ---- keys and MAC ([MS-RDPELE] 5.1.2, 5.1.5) --------------------------- */

/* MD5(S + SHA-1(I + S + R1 + R2)), I being "A", "BB" or "CCC". */
static int
salted_hash(uint8_t out[RDD_MD5_LEN], const uint8_t s[48], unsigned which,
            const uint8_t r1[RDD_LIC_RANDOM_LEN],
            const uint8_t r2[RDD_LIC_RANDOM_LEN])
{
	static const char salts[3][4] = {"A", "BB", "CCC"};
	uint8_t sha[RDD_SHA1_LEN];
	struct rdd_iov inner[4] = {{salts[which], which + 1},
	                           {s, 48},
	                           {r1, RDD_LIC_RANDOM_LEN},
	                           {r2, RDD_LIC_RANDOM_LEN}};
	struct rdd_iov outer[2] = {{s, 48}, {sha, sizeof(sha)}};
	int rc = -1;

	if (rdd_sha1(sha, inner, 4) == 0 && rdd_md5(out, outer, 2) == 0)
		rc = 0;
	rdd_wipe(sha, sizeof(sha));
	return rc;
}

/* The 48 bytes Hash('A') + Hash('BB') + Hash('CCC'). */
static int
salted_hash48(uint8_t out[48], const uint8_t s[48],
              const uint8_t r1[RDD_LIC_RANDOM_LEN],
              const uint8_t r2[RDD_LIC_RANDOM_LEN])
{
	unsigned i;

	for (i = 0; i < 3; i++)
		if (salted_hash(out + 16 * i, s, i, r1, r2) != 0)
			return -1;
	return 0;
}

int
rdd_lic_derive_keys(const uint8_t premaster[RDD_LIC_PREMASTER_LEN],
                    const uint8_t client_random[RDD_LIC_RANDOM_LEN],
                    const uint8_t server_random[RDD_LIC_RANDOM_LEN],
                    struct rdd_lic_keys *k)
{
	uint8_t master[48], blob[48];
	struct rdd_iov enc[3] = {{blob + 16, 16},
	                         {client_random, RDD_LIC_RANDOM_LEN},
	                         {server_random, RDD_LIC_RANDOM_LEN}};
	int rc = -1;

	/* MasterSecret = SaltedHash(PreMasterSecret, ...) with
	 * ClientRandom + ServerRandom; SessionKeyBlob = SaltedHash2(
	 * MasterSecret, ...), the randoms swapped. */
	if (salted_hash48(master, premaster, client_random, server_random) ==
	        0 &&
	    salted_hash48(blob, master, server_random, client_random) == 0 &&
	    rdd_md5(k->enc_key, enc, 3) == 0) {
		memcpy(k->mac_salt, blob, sizeof(k->mac_salt));
		rc = 0;
	}
	rdd_wipe(master, sizeof(master));
	rdd_wipe(blob, sizeof(blob));
	return rc;
}

/*
 * MACData = MD5(MACSaltKey + pad2 + SHA-1(MACSaltKey + pad1 + LE32(len) +
 * data)), pad1 = 40 x 0x36, pad2 = 48 x 0x5C, over the concatenation of
 * N (at most 2) pieces.
 */
static int
mac_parts(const struct rdd_lic_keys *k, const struct rdd_iov *data, size_t n,
          uint8_t out[RDD_LIC_MAC_LEN])
{
	uint8_t pad1[40], pad2[48], len_le[4], sha[RDD_SHA1_LEN];
	struct rdd_iov inner[5], outer[3];
	size_t total = 0, i;
	int rc = -1;

	if (n > 2)
		return -1;
	for (i = 0; i < n; i++) {
		if (data[i].len > UINT32_MAX - total)
			return -1;
		total += data[i].len;
	}
	memset(pad1, 0x36, sizeof(pad1));
	memset(pad2, 0x5c, sizeof(pad2));
	len_le[0] = (uint8_t)total;
	len_le[1] = (uint8_t)(total >> 8);
	len_le[2] = (uint8_t)(total >> 16);
	len_le[3] = (uint8_t)(total >> 24);
	inner[0] = (struct rdd_iov){k->mac_salt, sizeof(k->mac_salt)};
	inner[1] = (struct rdd_iov){pad1, sizeof(pad1)};
	inner[2] = (struct rdd_iov){len_le, sizeof(len_le)};
	for (i = 0; i < n; i++)
		inner[3 + i] = data[i];
	outer[0] = (struct rdd_iov){k->mac_salt, sizeof(k->mac_salt)};
	outer[1] = (struct rdd_iov){pad2, sizeof(pad2)};
	outer[2] = (struct rdd_iov){sha, sizeof(sha)};
	if (rdd_sha1(sha, inner, 3 + n) == 0 && rdd_md5(out, outer, 3) == 0)
		rc = 0;
	rdd_wipe(sha, sizeof(sha));
	return rc;
}

int
rdd_lic_mac(const struct rdd_lic_keys *k, const uint8_t *data, size_t n,
            uint8_t out[RDD_LIC_MAC_LEN])
{
	struct rdd_iov part = {data, n};

	return mac_parts(k, &part, 1, out);
}

/* RC4 with the licensing encryption key, a fresh key stream per blob. */
static int
lic_rc4(const struct rdd_lic_keys *k, const uint8_t *in, uint8_t *out, size_t n)
{
	if (n == 0)
		return 0;
	return rdd_rc4_once(k->enc_key, sizeof(k->enc_key), in, out, n);
}

/* ---- building ---------------------------------------------------------- */

/* A name as ASCII with its NUL: bytes outside 0x01-0x7F become '?'. */
static void
put_ascii_blob(struct rdd_buf *b, uint16_t type, const char *s, size_t len)
{
	size_t i;

	rdd_buf_u16le(b, type);
	rdd_buf_u16le(b, (uint16_t)(len + 1));
	for (i = 0; i < len; i++) {
		uint8_t ch = (uint8_t)s[i];

		rdd_buf_u8(b, ch < 0x80 ? ch : (uint8_t)'?');
	}
	rdd_buf_u8(b, 0);
}

int
rdd_lic_build_new_license_request(struct rdd_buf *b,
                                  const struct rdd_lic_new_request *r,
                                  const struct rdd_gcc_server_cert *cert)
{
	uint8_t enc[RDD_GCC_MAX_MODULUS];
	size_t start = b->len, mod_len, user_len, machine_len, size;

	if (b->err)
		return -1;
	if (cert == NULL || !cert->has_rsa_key || r->user_name == NULL ||
	    r->machine_name == NULL)
		goto fail;
	mod_len = cert->key_modulus_len;
	user_len = strlen(r->user_name);
	machine_len = strlen(r->machine_name);
	if (mod_len == 0 || mod_len > RDD_GCC_MAX_MODULUS ||
	    user_len >= UINT16_MAX || machine_len >= UINT16_MAX)
		goto fail;
	size = PREAMBLE_LEN + 4 + 4 + RDD_LIC_RANDOM_LEN + BLOB_HEADER_LEN +
	       mod_len + 8 + BLOB_HEADER_LEN + user_len + 1 + BLOB_HEADER_LEN +
	       machine_len + 1;
	if (size > UINT16_MAX)
		goto fail;
	/* Raw RSA of the little-endian premaster under the certificate's
	 * key, as the Security Exchange encrypts its client random. */
	if (rdd_rsa_raw_le(cert->key_modulus, mod_len, cert->key_exponent,
	                   r->premaster, RDD_LIC_PREMASTER_LEN, enc) != 0)
		goto fail;
	rdd_buf_u8(b, RDD_LIC_NEW_LICENSE_REQUEST);
	rdd_buf_u8(b, r->preamble_flags);
	rdd_buf_u16le(b, (uint16_t)size);
	rdd_buf_u32le(b, KEY_EXCHANGE_ALG_RSA);
	rdd_buf_u32le(b, r->platform_id);
	rdd_buf_bytes(b, r->client_random, RDD_LIC_RANDOM_LEN);
	/* EncryptedPreMasterSecret: modulus length + 8 bytes of padding. */
	rdd_buf_u16le(b, RDD_LIC_BB_RANDOM_BLOB);
	rdd_buf_u16le(b, (uint16_t)(mod_len + 8));
	rdd_buf_bytes(b, enc, mod_len);
	rdd_buf_zeros(b, 8);
	put_ascii_blob(b, RDD_LIC_BB_CLIENT_USER_NAME_BLOB, r->user_name,
	               user_len);
	put_ascii_blob(b, RDD_LIC_BB_CLIENT_MACHINE_NAME_BLOB, r->machine_name,
	               machine_len);
	if (b->err)
		goto fail;
	return 0;
fail:
	/* Leave nothing half-written behind. */
	b->len = start;
	b->err = true;
	return -1;
}

int
rdd_lic_build_challenge_response(struct rdd_buf *b, uint8_t preamble_flags,
                                 const struct rdd_lic_keys *k,
                                 const struct rdd_lic_challenge *ch,
                                 const uint8_t hwid[RDD_LIC_HWID_LEN],
                                 bool *challenge_mac_ok)
{
	struct rdd_cur enc = ch->encrypted;
	size_t start = b->len, n = rdd_cur_left(&enc), data_len, size;
	uint8_t mac[RDD_LIC_MAC_LEN], hwid_enc[RDD_LIC_HWID_LEN];
	uint8_t *plain = NULL, *cipher;
	struct rdd_buf pb;
	struct rdd_iov both[2];
	bool mac_ok;
	int rc = -1;

	if (challenge_mac_ok != NULL)
		*challenge_mac_ok = false;
	if (b->err)
		return -1;
	data_len = CHALLENGE_RESPONSE_HEADER_LEN + n;
	size = PREAMBLE_LEN + BLOB_HEADER_LEN + data_len + BLOB_HEADER_LEN +
	       RDD_LIC_HWID_LEN + RDD_LIC_MAC_LEN;
	if (size > UINT16_MAX)
		goto done;
	/* PLATFORM_CHALLENGE_RESPONSE_DATA in plain text, then encrypted. */
	plain = malloc(2 * data_len);
	if (plain == NULL)
		goto done;
	cipher = plain + data_len;
	rdd_buf_init(&pb, plain, data_len);
	rdd_buf_u16le(&pb, CHALLENGE_RESPONSE_VERSION);
	rdd_buf_u16le(&pb, OTHER_PLATFORMCHALLENGE_TYPE);
	rdd_buf_u16le(&pb, LICENSE_DETAIL_DETAIL);
	rdd_buf_u16le(&pb, (uint16_t)n);
	/* The challenge, decrypted where it goes; the server's MAC is over
	 * its plain text. */
	if (pb.err || rdd_cur_copy(&enc, cipher, n) != 0 ||
	    lic_rc4(k, cipher, plain + CHALLENGE_RESPONSE_HEADER_LEN, n) != 0 ||
	    rdd_lic_mac(k, plain + CHALLENGE_RESPONSE_HEADER_LEN, n, mac) != 0)
		goto done;
	mac_ok = CRYPTO_memcmp(mac, ch->mac, sizeof(mac)) == 0;
	/* Our MAC covers both plain texts; each is encrypted on its own. */
	both[0] = (struct rdd_iov){plain, data_len};
	both[1] = (struct rdd_iov){hwid, RDD_LIC_HWID_LEN};
	if (mac_parts(k, both, 2, mac) != 0 ||
	    lic_rc4(k, plain, cipher, data_len) != 0 ||
	    lic_rc4(k, hwid, hwid_enc, RDD_LIC_HWID_LEN) != 0)
		goto done;
	rdd_buf_u8(b, RDD_LIC_PLATFORM_CHALLENGE_RESPONSE);
	rdd_buf_u8(b, preamble_flags);
	rdd_buf_u16le(b, (uint16_t)size);
	rdd_buf_u16le(b, RDD_LIC_BB_ENCRYPTED_DATA_BLOB);
	rdd_buf_u16le(b, (uint16_t)data_len);
	rdd_buf_bytes(b, cipher, data_len);
	rdd_buf_u16le(b, RDD_LIC_BB_ENCRYPTED_DATA_BLOB);
	rdd_buf_u16le(b, RDD_LIC_HWID_LEN);
	rdd_buf_bytes(b, hwid_enc, RDD_LIC_HWID_LEN);
	rdd_buf_bytes(b, mac, RDD_LIC_MAC_LEN);
	if (!b->err) {
		rc = 0;
		if (challenge_mac_ok != NULL)
			*challenge_mac_ok = mac_ok;
	}
done:
	if (plain != NULL) {
		rdd_wipe(plain, 2 * data_len);
		free(plain);
	}
	if (rc != 0) {
		b->len = start;
		b->err = true;
	}
	return rc;
}

/* ---- NEW_LICENSE / UPGRADE_LICENSE -------------------------------------- */

static int
unix_time(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

/* True when C issued another certificate of CERTS. */
static bool
issues_another(const STACK_OF(X509) * certs, const X509 *c)
{
	int i;

	for (i = 0; i < sk_X509_num(certs); i++) {
		const X509 *o = sk_X509_value(certs, i);

		if (o != c && X509_NAME_cmp(X509_get_subject_name(c),
		                            X509_get_issuer_name(o)) == 0)
			return true;
	}
	return false;
}

/*
 * What pbLicenseInfo holds: [MS-RDPELE] 2.2.2.9 says a client's license
 * store keeps "the certificates and the associated certificate chain
 * generated by a license server", each license a leaf, and 3.2.5.3 that
 * a server checks the license's expiration date. In the two real
 * NEW_LICENSE messages test_license.c holds, pbLicenseInfo is a PKCS#7
 * SignedData without signers whose certificate set is that chain (license
 * server chain first), the CAL last: subject the client machine, its
 * user and HWID, valid for the license's lifetime (90 days for those
 * temporary CALs). So the CAL is the last certificate that issued none of
 * the others, and its validity is the license's.
 */
static void
read_cal_validity(const struct rdd_cur *lic, struct rdd_lic_info *info)
{
	const unsigned char *p = lic->p;
	STACK_OF(X509) *certs = NULL;
	const X509 *cal = NULL;
	int64_t nb, na;
	PKCS7 *p7;
	int i;

	if (rdd_cur_left(lic) == 0 || rdd_cur_left(lic) > LONG_MAX)
		return;
	p7 = d2i_PKCS7(NULL, &p, (long)rdd_cur_left(lic));
	if (p7 == NULL)
		return;
	if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL)
		certs = p7->d.sign->cert;
	for (i = sk_X509_num(certs) - 1; i >= 0 && cal == NULL; i--) {
		const X509 *c = sk_X509_value(certs, i);

		if (!issues_another(certs, c))
			cal = c;
	}
	if (cal != NULL && unix_time(X509_get0_notBefore(cal), &nb) == 0 &&
	    unix_time(X509_get0_notAfter(cal), &na) == 0) {
		info->has_validity = true;
		info->not_before = nb;
		info->not_after = na;
	}
	PKCS7_free(p7);
}

/*
 * NEW_LICENSE_INFO ([MS-RDPELE] 2.2.2.6.1): dwVersion, cbScope + pbScope
 * (ANSI), cbCompanyName + pbCompanyName, cbProductId + pbProductId (both
 * UTF-16LE), cbLicenseInfo + pbLicenseInfo.
 */
static int
parse_license_info(struct rdd_cur *c, struct rdd_lic_info *info)
{
	struct rdd_cur s;
	uint32_t cb;

	if (rdd_cur_u32le(c, &info->version) != 0 ||
	    rdd_cur_u32le(c, &cb) != 0 || rdd_cur_sub(c, cb, &s) != 0)
		return -1;
	copy_ansi(info->scope, sizeof(info->scope), &s);
	if (read_utf16_field(c, info->company) != 0 ||
	    read_utf16_field(c, info->product_id) != 0 ||
	    rdd_cur_u32le(c, &info->license_len) != 0 ||
	    rdd_cur_sub(c, info->license_len, &s) != 0)
		return -1;
	read_cal_validity(&s, info);
	return 0;
}

int
rdd_lic_read_new_license(const struct rdd_lic_keys *k,
                         const struct rdd_lic_new_license *nl,
                         struct rdd_lic_info *info)
{
	struct rdd_cur enc = nl->encrypted, c;
	size_t n = rdd_cur_left(&enc);
	uint8_t mac[RDD_LIC_MAC_LEN], *buf;
	int rc = -1;

	memset(info, 0, sizeof(*info));
	/* Two halves: the cipher text copied out, the plain text. */
	buf = malloc(n > 0 ? 2 * n : 1);
	if (buf == NULL)
		return -1;
	if (rdd_cur_copy(&enc, buf, n) == 0 &&
	    lic_rc4(k, buf, buf + n, n) == 0 &&
	    rdd_lic_mac(k, buf + n, n, mac) == 0) {
		info->mac_ok = CRYPTO_memcmp(mac, nl->mac, sizeof(mac)) == 0;
		rdd_cur_init(&c, buf + n, n);
		rc = parse_license_info(&c, info);
	}
	rdd_wipe(buf, n > 0 ? 2 * n : 1);
	free(buf);
	return rc;
}

/* ---- hardware id and names ---------------------------------------------- */

void
rdd_lic_hwid(uint8_t out[RDD_LIC_HWID_LEN])
{
	/* MD5("rdpdoctor"): the same on every machine (license.h). */
	static const uint8_t data[16] = {0x29, 0x92, 0x35, 0xe5, 0x2d, 0x59,
	                                 0xf5, 0xdb, 0x00, 0x5d, 0xd4, 0x79,
	                                 0xac, 0x46, 0x40, 0x19};
	uint32_t id = RDD_LIC_PLATFORM_ID;

	out[0] = (uint8_t)id;
	out[1] = (uint8_t)(id >> 8);
	out[2] = (uint8_t)(id >> 16);
	out[3] = (uint8_t)(id >> 24);
	memcpy(out + 4, data, sizeof(data));
}

struct name {
	uint32_t value;
	const char *name;
};

static const char *
lookup(const struct name *t, size_t n, uint32_t value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return NULL;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct name msg_names[] = {
    {RDD_LIC_LICENSE_REQUEST, "LICENSE_REQUEST"},
    {RDD_LIC_PLATFORM_CHALLENGE, "PLATFORM_CHALLENGE"},
    {RDD_LIC_NEW_LICENSE, "NEW_LICENSE"},
    {RDD_LIC_UPGRADE_LICENSE, "UPGRADE_LICENSE"},
    {RDD_LIC_LICENSE_INFO, "LICENSE_INFO"},
    {RDD_LIC_NEW_LICENSE_REQUEST, "NEW_LICENSE_REQUEST"},
    {RDD_LIC_PLATFORM_CHALLENGE_RESPONSE, "PLATFORM_CHALLENGE_RESPONSE"},
    {RDD_LIC_ERROR_ALERT, "ERROR_ALERT"},
};

static const struct name error_names[] = {
    {RDD_LIC_ERR_INVALID_SERVER_CERTIFICATE, "ERR_INVALID_SERVER_CERTIFICATE"},
    {RDD_LIC_ERR_NO_LICENSE, "ERR_NO_LICENSE"},
    {RDD_LIC_ERR_INVALID_MAC, "ERR_INVALID_MAC"},
    {RDD_LIC_ERR_INVALID_SCOPE, "ERR_INVALID_SCOPE"},
    {RDD_LIC_ERR_NO_LICENSE_SERVER, "ERR_NO_LICENSE_SERVER"},
    {RDD_LIC_STATUS_VALID_CLIENT, "STATUS_VALID_CLIENT"},
    {RDD_LIC_ERR_INVALID_CLIENT, "ERR_INVALID_CLIENT"},
    {RDD_LIC_ERR_INVALID_PRODUCTID, "ERR_INVALID_PRODUCTID"},
    {RDD_LIC_ERR_INVALID_MESSAGE_LEN, "ERR_INVALID_MESSAGE_LEN"},
};

static const struct name transition_names[] = {
    {RDD_LIC_ST_TOTAL_ABORT, "ST_TOTAL_ABORT"},
    {RDD_LIC_ST_NO_TRANSITION, "ST_NO_TRANSITION"},
    {RDD_LIC_ST_RESET_PHASE_TO_START, "ST_RESET_PHASE_TO_START"},
    {RDD_LIC_ST_RESEND_LAST_MESSAGE, "ST_RESEND_LAST_MESSAGE"},
};

const char *
rdd_lic_msg_name(uint8_t msg_type)
{
	return lookup(msg_names, NELEM(msg_names), msg_type);
}

const char *
rdd_lic_error_name(uint32_t code)
{
	return lookup(error_names, NELEM(error_names), code);
}

const char *
rdd_lic_transition_name(uint32_t transition)
{
	return lookup(transition_names, NELEM(transition_names), transition);
}
