/*
 * rdpsec.c - Standard RDP Security (rdpsec.h): [MS-RDPBCGR] 2.2.1.10 (the
 * Security Exchange PDU), 2.2.8.1.1.2.1 - 2.2.8.1.1.2.3 (security
 * headers), 5.3.3.1 (the proprietary certificate's signature), 5.3.4
 * (the client random), 5.3.5 (session keys), 5.3.6 (encryption and MAC),
 * 5.3.7 (key updates). All integers little-endian.
 *
 *   basic:    flags(2) flagsHi(2)
 *   non-FIPS: flags(2) flagsHi(2) dataSignature(8) | RC4(data)
 *   FIPS:     flags(2) flagsHi(2) length(2)=0x10 version(1)=1 padlen(1)
 *             dataSignature(8) | 3DES-CBC(data + padlen zero bytes)
 *
 * What the specification text says where session.md marked a formula as
 * unverified (pages read through the search tool):
 * - 5.3.6.1.1 Salted MAC: SHAComponent = SHA(MACKeyN + Pad1 + DataLength +
 *   Data + EncryptionCount), EncryptionCount "the cumulative encryption
 *   count, indicating how many encryptions have been carried out" as a
 *   little-endian u32: "assume that 42 packets have already been
 *   encrypted. When the next packet is encrypted the value 42 is added".
 *   So the count is the PDUs before this one; FreeRDP uses the same (its
 *   decrypt side subtracts the one it has just counted).
 * - 5.3.5.2 FIPS: ClientEncryptKeyT = SHA(Last128Bits(ClientRandom) +
 *   Last128Bits(ServerRandom)), ClientDecryptKeyT = SHA(First128Bits(CR) +
 *   First128Bits(SR)); each gets its own first byte appended (168 bits),
 *   then "reverse every byte, insert a zero-bit after every seventh bit,
 *   reverse every byte" (192 bits) and odd parity set in the least
 *   significant bit. The spec's worked example (D1 5E C4 7E DA -> 51 3D
 *   11 76 27 before parity) checks the reference the test vectors came
 *   from. The MAC key SHA(ClientDecryptKeyT + ClientEncryptKeyT) is past
 *   the part of the page retrieved: it rests on FreeRDP and xrdp agreeing.
 * - 5.3.6.2 FIPS MAC: MACSignature = First64Bits(HMAC(HMACKey, Data +
 *   EncryptionCount)), HMAC-SHA1, "Data is the same as in section
 *   5.3.6.1" (the information to be encrypted), and the padding is added
 *   afterwards, only for the block cipher ("the data to be encrypted is
 *   padded ... to ensure that upon decryption these bytes are not
 *   included as part of the data"). So the MAC covers the plaintext
 *   WITHOUT the padding, as FreeRDP computes it. IV 12 34 56 78 90 AB CD EF.
 * - 5.3.7 key update: only a Microsoft forum quote of 5.3.7.1 was found:
 *   keys are updated "after 4096 packets have been sent or received", the
 *   two directions counted separately, from the initial and the current
 *   key with Pad1 and Pad2. The formula below (session.md 3.5) is the one
 *   FreeRDP, xrdp and rdesktop agree on; none of them resets the salted
 *   MAC's count at an update.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "rdpsec.h"

#define MAC_LEN 8
#define BASIC_HEADER_LEN 4
#define NONFIPS_HEADER_LEN (BASIC_HEADER_LEN + MAC_LEN)
#define FIPS_HEADER_LEN (BASIC_HEADER_LEN + 4 + MAC_LEN)
#define FIPS_BLOCK 8
#define TSFIPS_VERSION1 1
/* RC4 keys are updated before the 4097th PDU of a key (5.3.7). */
#define KEY_UPDATE_EVERY 4096

#define RC4_KEY_MAX 16
#define FIPS_KEY_LEN 24
#define FIPS_KEY_T_LEN RDD_SHA1_LEN

#define PAD1_LEN 40
#define PAD2_LEN 48

static const uint8_t fips_iv[8] = {0x12, 0x34, 0x56, 0x78,
                                   0x90, 0xab, 0xcd, 0xef};

/* The 40-bit and 56-bit reductions overwrite the first 3 or 1 bytes of a
 * 64-bit key with these (5.3.5.1). */
static const uint8_t reduce_salt[3] = {0xd1, 0x26, 0x9e};

/*
 * The public half of the Terminal Services signing key ([MS-RDPBCGR]
 * 5.3.3.1.1; session.md 3.1): the 64-byte modulus little-endian, and the
 * exponent 5B 7B 88 C0 read little-endian.
 */
static const uint8_t tssk_modulus[64] = {
    0x3d, 0x3a, 0x5e, 0xbd, 0x72, 0x43, 0x3e, 0xc9, 0x4d, 0xbb, 0xc1,
    0x1e, 0x4a, 0xba, 0x5f, 0xcb, 0x3e, 0x88, 0x20, 0x87, 0xef, 0xf5,
    0xc1, 0xe2, 0xd7, 0xb7, 0x6b, 0x9a, 0xf2, 0x52, 0x45, 0x95, 0xce,
    0x63, 0x65, 0x6b, 0x58, 0x3a, 0xfe, 0xef, 0x7c, 0xe7, 0xbf, 0xfe,
    0x3d, 0xf6, 0x5c, 0x7d, 0x6c, 0x5e, 0x06, 0x09, 0x1a, 0xf5, 0x61,
    0xbb, 0x20, 0x93, 0x09, 0x5f, 0x05, 0x6d, 0xea, 0x87};
#define TSSK_EXPONENT 0xc0887b5bu
#define TSSK_LEN 64
/* The decrypted signature: MD5 hash, 0x00, 45 x 0xFF, 0x01, 0x00. */
#define TSSK_FF_FROM (RDD_MD5_LEN + 1)
#define TSSK_ONE_AT 62

/* One direction of the running state. */
struct rdd_sec_dir {
	struct rdd_rc4 *rc4;          /* non-FIPS */
	struct rdd_des3 *des3;        /* FIPS */
	uint8_t initial[RC4_KEY_MAX]; /* the key of 5.3.5, for updates */
	uint8_t *current;             /* points into the copied keys */
	uint32_t count;               /* PDUs so far (the salted MAC's count) */
	uint32_t use;                 /* PDUs since the current RC4 key */
};

struct rdd_sec {
	struct rdd_sec_keys k;
	struct rdd_sec_dir enc;
	struct rdd_sec_dir dec;
};

/* ---- headers ----------------------------------------------------------- */

int
rdd_sec_read_basic_header(struct rdd_cur *in, uint16_t *flags,
                          uint16_t *flags_hi)
{
	struct rdd_cur c = *in;
	uint16_t f, fh;

	if (rdd_cur_u16le(&c, &f) != 0 || rdd_cur_u16le(&c, &fh) != 0)
		return -1;
	*flags = f;
	*flags_hi = fh;
	*in = c;
	return 0;
}

void
rdd_sec_write_basic_header(struct rdd_buf *b, uint16_t flags, uint16_t flags_hi)
{
	rdd_buf_u16le(b, flags);
	rdd_buf_u16le(b, flags_hi);
}

/* ---- Security Exchange ------------------------------------------------- */

int
rdd_sec_build_exchange(struct rdd_buf *b,
                       const struct rdd_gcc_server_cert *cert,
                       const uint8_t client_random[RDD_CLIENT_RANDOM_LEN])
{
	uint8_t enc[RDD_GCC_MAX_MODULUS];
	size_t start, mod_len;

	if (b == NULL || cert == NULL || client_random == NULL || b->err)
		return -1;
	mod_len = cert->key_modulus_len;
	if (!cert->has_rsa_key || mod_len <= RDD_CLIENT_RANDOM_LEN ||
	    mod_len > RDD_GCC_MAX_MODULUS)
		return -1;
	/* Raw RSA, no padding, little-endian in and out (5.3.4.1). */
	if (rdd_rsa_raw_le(cert->key_modulus, mod_len, cert->key_exponent,
	                   client_random, RDD_CLIENT_RANDOM_LEN, enc) != 0)
		return -1;
	start = b->len;
	rdd_sec_write_basic_header(
	    b, RDD_SEC_EXCHANGE_PKT | RDD_SEC_LICENSE_ENCRYPT, 0);
	rdd_buf_u32le(b, (uint32_t)mod_len + 8);
	rdd_buf_bytes(b, enc, mod_len);
	rdd_buf_zeros(b, 8);
	if (b->err) {
		b->len = start;
		return -1;
	}
	return 0;
}

/* ---- key derivation ---------------------------------------------------- */

static bool
method_known(uint32_t method)
{
	return method == RDD_ENCRYPTION_METHOD_40BIT ||
	       method == RDD_ENCRYPTION_METHOD_56BIT ||
	       method == RDD_ENCRYPTION_METHOD_128BIT ||
	       method == RDD_ENCRYPTION_METHOD_FIPS;
}

/* The cipher key and MAC key lengths of METHOD. */
static size_t
method_key_len(uint32_t method)
{
	switch (method) {
	case RDD_ENCRYPTION_METHOD_40BIT:
	case RDD_ENCRYPTION_METHOD_56BIT:
		return 8;
	case RDD_ENCRYPTION_METHOD_128BIT:
		return 16;
	case RDD_ENCRYPTION_METHOD_FIPS:
		return FIPS_KEY_LEN;
	default:
		return 0;
	}
}

static size_t
method_mac_key_len(uint32_t method)
{
	return method == RDD_ENCRYPTION_METHOD_FIPS ? RDD_SHA1_LEN
	                                            : method_key_len(method);
}

/* SaltedHash(S, I) = MD5(S + SHA(I + S + ClientRandom + ServerRandom)),
 * S the 48-byte secret, I the 1-3 byte label (5.3.5.1). */
static int
salted_hash(uint8_t out[RDD_MD5_LEN], const uint8_t s[48], const char *label,
            const uint8_t *cr, const uint8_t *sr)
{
	uint8_t sha[RDD_SHA1_LEN];
	const struct rdd_iov inner[] = {
	    {label, strlen(label)},
	    {s, 48},
	    {cr, RDD_CLIENT_RANDOM_LEN},
	    {sr, RDD_SERVER_RANDOM_LEN},
	};
	const struct rdd_iov outer[] = {{s, 48}, {sha, sizeof(sha)}};
	int r;

	r = rdd_sha1(sha, inner, 4) == 0 && rdd_md5(out, outer, 2) == 0 ? 0
	                                                                : -1;
	rdd_wipe(sha, sizeof(sha));
	return r;
}

/* 48 bytes: SaltedHash(S, L0) + SaltedHash(S, L1) + SaltedHash(S, L2). */
static int
salted_hash3(uint8_t out[48], const uint8_t s[48], const char *const l[3],
             const uint8_t *cr, const uint8_t *sr)
{
	int i;

	for (i = 0; i < 3; i++)
		if (salted_hash(out + 16 * i, s, l[i], cr, sr) != 0)
			return -1;
	return 0;
}

/* FinalHash(K) = MD5(K + ClientRandom + ServerRandom). */
static int
final_hash(uint8_t out[RDD_MD5_LEN], const uint8_t k[16], const uint8_t *cr,
           const uint8_t *sr)
{
	const struct rdd_iov p[] = {
	    {k, 16},
	    {cr, RDD_CLIENT_RANDOM_LEN},
	    {sr, RDD_SERVER_RANDOM_LEN},
	};

	return rdd_md5(out, p, 3);
}

/* The 40-bit and 56-bit keys: the first 64 bits with the first 24 or 8
 * bits replaced by D1 26 9E (5.3.5.1); the key update uses it too. */
static void
reduce_key(uint8_t *key, uint32_t method)
{
	if (method == RDD_ENCRYPTION_METHOD_40BIT)
		memcpy(key, reduce_salt, 3);
	else if (method == RDD_ENCRYPTION_METHOD_56BIT)
		memcpy(key, reduce_salt, 1);
}

static int
derive_non_fips(uint32_t method, const uint8_t *cr, const uint8_t *sr,
                struct rdd_sec_keys *k)
{
	static const char *const abc[3] = {"A", "BB", "CCC"};
	static const char *const xyz[3] = {"X", "YY", "ZZZ"};
	uint8_t pms[48], ms[48], blob[48], dec[16], enc[16];
	int r = -1;

	memcpy(pms, cr, 24);
	memcpy(pms + 24, sr, 24);
	if (salted_hash3(ms, pms, abc, cr, sr) == 0 &&
	    salted_hash3(blob, ms, xyz, cr, sr) == 0 &&
	    final_hash(dec, blob + 16, cr, sr) == 0 &&
	    final_hash(enc, blob + 32, cr, sr) == 0) {
		/* MACKey128 = First128Bits(SessionKeyBlob); the client decrypts
		 * with the server's encryption key (the second 128 bits) and
		 * encrypts with its decryption key (the third). */
		k->key_len = k->mac_key_len = method_key_len(method);
		memcpy(k->mac_key, blob, k->mac_key_len);
		memcpy(k->decrypt, dec, k->key_len);
		memcpy(k->encrypt, enc, k->key_len);
		reduce_key(k->mac_key, method);
		reduce_key(k->decrypt, method);
		reduce_key(k->encrypt, method);
		r = 0;
	}
	rdd_wipe(pms, sizeof(pms));
	rdd_wipe(ms, sizeof(ms));
	rdd_wipe(blob, sizeof(blob));
	rdd_wipe(dec, sizeof(dec));
	rdd_wipe(enc, sizeof(enc));
	return r;
}

/* Bit I of the 168-bit key K, counting from bit 0 of K[0] upwards. */
static unsigned
key_bit(const uint8_t k[21], unsigned i)
{
	return (k[i / 8] >> (i % 8)) & 1u;
}

/*
 * A 20-byte SHA-1 value to a 3DES key (5.3.5.2): its first byte appended
 * (168 bits), a zero bit inserted after every seven, odd parity in the
 * least significant bit. The spec's "reverse every byte, insert a zero
 * bit after every seventh bit, reverse every byte" takes the bits least
 * significant first: out byte I holds key bits 7I .. 7I+6 in its bits
 * 0 .. 6, and bit 7 is the inserted zero; then bit 0 is set for parity.
 */
static void
fips_expand(const uint8_t t[FIPS_KEY_T_LEN], uint8_t out[FIPS_KEY_LEN])
{
	uint8_t k[FIPS_KEY_T_LEN + 1];
	unsigned i, j, ones;

	memcpy(k, t, FIPS_KEY_T_LEN);
	k[FIPS_KEY_T_LEN] = t[0];
	for (i = 0; i < FIPS_KEY_LEN; i++) {
		uint8_t v = 0;

		for (j = 0; j < 7; j++)
			v |= (uint8_t)(key_bit(k, 7 * i + j) << j);
		v &= 0xfe;
		for (ones = 0, j = 1; j < 8; j++)
			ones += (v >> j) & 1u;
		out[i] = (uint8_t)(v | (ones % 2 == 0 ? 1 : 0));
	}
	rdd_wipe(k, sizeof(k));
}

static int
derive_fips(const uint8_t *cr, const uint8_t *sr, struct rdd_sec_keys *k)
{
	uint8_t enc_t[RDD_SHA1_LEN], dec_t[RDD_SHA1_LEN];
	const struct rdd_iov enc_in[] = {{cr + 16, 16}, {sr + 16, 16}};
	const struct rdd_iov dec_in[] = {{cr, 16}, {sr, 16}};
	const struct rdd_iov mac_in[] = {{dec_t, sizeof(dec_t)},
	                                 {enc_t, sizeof(enc_t)}};
	int r = -1;

	if (rdd_sha1(enc_t, enc_in, 2) == 0 &&
	    rdd_sha1(dec_t, dec_in, 2) == 0 &&
	    rdd_sha1(k->mac_key, mac_in, 2) == 0) {
		fips_expand(enc_t, k->encrypt);
		fips_expand(dec_t, k->decrypt);
		k->key_len = FIPS_KEY_LEN;
		k->mac_key_len = RDD_SHA1_LEN;
		r = 0;
	}
	rdd_wipe(enc_t, sizeof(enc_t));
	rdd_wipe(dec_t, sizeof(dec_t));
	return r;
}

int
rdd_sec_derive_keys(uint32_t method,
                    const uint8_t client_random[RDD_CLIENT_RANDOM_LEN],
                    const uint8_t server_random[RDD_SERVER_RANDOM_LEN],
                    struct rdd_sec_keys *k)
{
	int r;

	if (k == NULL)
		return -1;
	memset(k, 0, sizeof(*k));
	if (!method_known(method) || client_random == NULL ||
	    server_random == NULL)
		return -1;
	k->method = method;
	if (method == RDD_ENCRYPTION_METHOD_FIPS)
		r = derive_fips(client_random, server_random, k);
	else
		r = derive_non_fips(method, client_random, server_random, k);
	if (r != 0)
		rdd_wipe(k, sizeof(*k));
	return r;
}

/* ---- MAC --------------------------------------------------------------- */

static void
le32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)v;
	out[1] = (uint8_t)(v >> 8);
	out[2] = (uint8_t)(v >> 16);
	out[3] = (uint8_t)(v >> 24);
}

static bool
keys_consistent(const struct rdd_sec_keys *k)
{
	return k != NULL && method_known(k->method) &&
	       k->key_len == method_key_len(k->method) &&
	       k->mac_key_len == method_mac_key_len(k->method);
}

int
rdd_sec_mac(const struct rdd_sec_keys *k, const uint8_t *data, size_t n,
            bool salted, uint32_t count, uint8_t out[8])
{
	static const uint8_t empty[1] = {0};
	uint8_t pad1[PAD1_LEN], pad2[PAD2_LEN], len_le[4], count_le[4];
	uint8_t sha[RDD_SHA1_LEN], md5[RDD_MD5_LEN];
	int r = -1;

	if (!keys_consistent(k) || out == NULL || (n > 0 && data == NULL) ||
	    n > UINT32_MAX)
		return -1;
	if (data == NULL)
		data = empty;
	le32(count_le, count);
	if (k->method == RDD_ENCRYPTION_METHOD_FIPS) {
		/* 5.3.6.2: HMAC-SHA1(MACKey, Data + EncryptionCount). */
		const struct rdd_iov p[] = {{data, n}, {count_le, 4}};

		if (rdd_hmac_sha1(sha, k->mac_key, k->mac_key_len, p, 2) != 0)
			return -1;
		memcpy(out, sha, MAC_LEN);
		rdd_wipe(sha, sizeof(sha));
		return 0;
	}
	/* 5.3.6.1, salted 5.3.6.1.1. */
	memset(pad1, 0x36, sizeof(pad1));
	memset(pad2, 0x5c, sizeof(pad2));
	le32(len_le, (uint32_t)n);
	{
		const struct rdd_iov inner[] = {
		    {k->mac_key, k->mac_key_len},
		    {pad1, sizeof(pad1)},
		    {len_le, 4},
		    {data, n},
		    {count_le, 4},
		};
		const struct rdd_iov outer[] = {
		    {k->mac_key, k->mac_key_len},
		    {pad2, sizeof(pad2)},
		    {sha, sizeof(sha)},
		};

		if (rdd_sha1(sha, inner, salted ? 5 : 4) == 0 &&
		    rdd_md5(md5, outer, 3) == 0) {
			memcpy(out, md5, MAC_LEN);
			r = 0;
		}
	}
	rdd_wipe(sha, sizeof(sha));
	rdd_wipe(md5, sizeof(md5));
	return r;
}

/* ---- running state ----------------------------------------------------- */

static int
dir_init(struct rdd_sec_dir *d, const struct rdd_sec_keys *k, uint8_t *key,
         bool encrypt)
{
	d->current = key;
	if (k->method == RDD_ENCRYPTION_METHOD_FIPS) {
		d->des3 = rdd_des3_new(key, fips_iv, encrypt);
		return d->des3 != NULL ? 0 : -1;
	}
	memcpy(d->initial, key, k->key_len);
	d->rc4 = rdd_rc4_new(key, k->key_len);
	return d->rc4 != NULL ? 0 : -1;
}

static void
dir_free(struct rdd_sec_dir *d)
{
	rdd_rc4_free(d->rc4);
	rdd_des3_free(d->des3);
}

struct rdd_sec *
rdd_sec_new(const struct rdd_sec_keys *k)
{
	struct rdd_sec *s;

	if (!keys_consistent(k))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->k = *k;
	if (dir_init(&s->enc, &s->k, s->k.encrypt, true) != 0 ||
	    dir_init(&s->dec, &s->k, s->k.decrypt, false) != 0) {
		rdd_sec_free(s);
		return NULL;
	}
	return s;
}

void
rdd_sec_free(struct rdd_sec *s)
{
	if (s == NULL)
		return;
	dir_free(&s->enc);
	dir_free(&s->dec);
	rdd_wipe(s, sizeof(*s));
	free(s);
}

uint32_t
rdd_sec_encrypt_count(const struct rdd_sec *s)
{
	return s != NULL ? s->enc.count : 0;
}

uint32_t
rdd_sec_decrypt_count(const struct rdd_sec *s)
{
	return s != NULL ? s->dec.count : 0;
}

/*
 * The RC4 key update of 5.3.7, due before the 4097th PDU of a key:
 *   S = SHA1(Initial + Pad1 + Current), T = First(keylen, MD5(Initial +
 *   Pad2 + S)), New = RC4(T) applied to T, then the 40/56-bit reduction.
 * The RC4 stream restarts with New. Nothing changes if a step fails.
 */
static int
update_key_if_due(const struct rdd_sec_keys *k, struct rdd_sec_dir *d)
{
	uint8_t pad1[PAD1_LEN], pad2[PAD2_LEN];
	uint8_t sha[RDD_SHA1_LEN], md5[RDD_MD5_LEN], t[RC4_KEY_MAX];
	const size_t n = k->key_len;
	const struct rdd_iov inner[] = {
	    {d->initial, n}, {pad1, sizeof(pad1)}, {d->current, n}};
	const struct rdd_iov outer[] = {
	    {d->initial, n}, {pad2, sizeof(pad2)}, {sha, sizeof(sha)}};
	int r = -1;

	if (k->method == RDD_ENCRYPTION_METHOD_FIPS ||
	    d->use < KEY_UPDATE_EVERY)
		return 0;
	memset(pad1, 0x36, sizeof(pad1));
	memset(pad2, 0x5c, sizeof(pad2));
	if (rdd_sha1(sha, inner, 3) == 0 && rdd_md5(md5, outer, 3) == 0 &&
	    rdd_rc4_once(md5, n, md5, t, n) == 0) {
		reduce_key(t, k->method);
		if (rdd_rc4_rekey(d->rc4, t, n) == 0) {
			memcpy(d->current, t, n);
			d->use = 0;
			r = 0;
		}
	}
	rdd_wipe(sha, sizeof(sha));
	rdd_wipe(md5, sizeof(md5));
	rdd_wipe(t, sizeof(t));
	return r;
}

int
rdd_sec_encrypt(struct rdd_sec *s, uint16_t flags, const uint8_t *plain,
                size_t n, struct rdd_buf *out)
{
	bool fips;
	size_t hdr, pad, room, start, data_at;
	uint8_t mac[MAC_LEN];
	int r;

	if (s == NULL || out == NULL || (n > 0 && plain == NULL) ||
	    n > UINT32_MAX - FIPS_BLOCK)
		return -1;
	fips = s->k.method == RDD_ENCRYPTION_METHOD_FIPS;
	hdr = fips ? FIPS_HEADER_LEN : NONFIPS_HEADER_LEN;
	pad = fips ? (FIPS_BLOCK - n % FIPS_BLOCK) % FIPS_BLOCK : 0;
	/* Everything must fit before the cipher state moves. */
	room = out->err ? 0 : out->cap - out->len;
	if (out->err || hdr > room || pad > room - hdr ||
	    n > room - hdr - pad) {
		out->err = true;
		return -1;
	}
	if (update_key_if_due(&s->k, &s->enc) != 0)
		return -1;
	/* The MAC of the plaintext without any padding (5.3.6.1, 5.3.6.2). */
	if (rdd_sec_mac(&s->k, plain, n, (flags & RDD_SEC_SECURE_CHECKSUM) != 0,
	                s->enc.count, mac) != 0)
		return -1;
	start = out->len;
	rdd_sec_write_basic_header(out, flags | RDD_SEC_ENCRYPT, 0);
	if (fips) {
		rdd_buf_u16le(out, 0x0010);
		rdd_buf_u8(out, TSFIPS_VERSION1);
		rdd_buf_u8(out, (uint8_t)pad);
	}
	rdd_buf_bytes(out, mac, MAC_LEN);
	data_at = out->len;
	rdd_buf_bytes(out, plain, n);
	rdd_buf_zeros(out, pad);
	if (out->err)
		r = -1;
	else if (fips)
		r = rdd_des3(s->enc.des3, out->p + data_at, out->p + data_at,
		             n + pad);
	else
		r = rdd_rc4(s->enc.rc4, out->p + data_at, out->p + data_at, n);
	if (r != 0) {
		/* Leave no plaintext behind. */
		rdd_wipe(out->p + start, out->len - start);
		out->len = start;
		out->err = true;
		return -1;
	}
	s->enc.count++;
	s->enc.use++;
	return 0;
}

/* Compare two MACs in time independent of where they differ. */
static bool
mac_equal(const uint8_t a[MAC_LEN], const uint8_t b[MAC_LEN])
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < MAC_LEN; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

/* 3DES-CBC N bytes of IN (a multiple of 8) into OUT, keeping only the
 * first KEEP bytes (the rest is padding; OUT holds KEEP). */
static int
des3_decrypt_keep(struct rdd_des3 *d, const uint8_t *in, size_t n, uint8_t *out,
                  size_t keep)
{
	uint8_t block[FIPS_BLOCK];
	size_t whole = keep - keep % FIPS_BLOCK, off;
	int r = 0;

	if (whole > 0 && rdd_des3(d, in, out, whole) != 0)
		return -1;
	for (off = whole; off < n && r == 0; off += FIPS_BLOCK) {
		r = rdd_des3(d, in + off, block, FIPS_BLOCK);
		if (r == 0 && off < keep)
			memcpy(out + off, block, keep - off);
	}
	rdd_wipe(block, sizeof(block));
	return r;
}

int
rdd_sec_decrypt(struct rdd_sec *s, uint16_t flags, struct rdd_cur *in,
                uint8_t *out, size_t cap, size_t *out_len, bool *mac_ok)
{
	struct rdd_cur c;
	uint8_t sig[MAC_LEN], mac[MAC_LEN], version, padlen = 0;
	uint16_t fips_len;
	size_t n, plain_n;
	bool fips;
	int r;

	if (s == NULL || in == NULL || out_len == NULL || mac_ok == NULL)
		return -1;
	fips = s->k.method == RDD_ENCRYPTION_METHOD_FIPS;
	c = *in;
	/* FIPS: length (always 0x10) and version (1) are read, not judged. */
	if (fips &&
	    (rdd_cur_u16le(&c, &fips_len) != 0 ||
	     rdd_cur_u8(&c, &version) != 0 || rdd_cur_u8(&c, &padlen) != 0))
		return -1;
	if (rdd_cur_copy(&c, sig, MAC_LEN) != 0)
		return -1;
	n = rdd_cur_left(&c);
	plain_n = n;
	if (fips) {
		/* Padding is 0..7 bytes as 5.3.6.2 describes it; a larger
		 * padlen is taken as long as the data holds it. */
		if (n % FIPS_BLOCK != 0 || padlen > n)
			return -1;
		plain_n = n - padlen;
	}
	if (plain_n > cap || (plain_n > 0 && out == NULL) || n > UINT32_MAX)
		return -1;
	/* From here on the state moves. */
	if (fips) {
		r = des3_decrypt_keep(s->dec.des3, c.p, n, out, plain_n);
	} else {
		r = update_key_if_due(&s->k, &s->dec);
		if (r == 0)
			r = rdd_rc4(s->dec.rc4, c.p, out, n);
	}
	if (r != 0 || rdd_sec_mac(&s->k, out, plain_n,
	                          (flags & RDD_SEC_SECURE_CHECKSUM) != 0,
	                          s->dec.count, mac) != 0)
		return -1;
	s->dec.count++;
	s->dec.use++;
	*mac_ok = mac_equal(sig, mac);
	*out_len = plain_n;
	(void)rdd_cur_skip(&c, n);
	*in = c;
	return 0;
}

/* ---- proprietary certificate signature -------------------------------- */

/* A < B, both LEN-byte little-endian numbers. */
static bool
less_le(const uint8_t *a, const uint8_t *b, size_t len)
{
	while (len-- > 0)
		if (a[len] != b[len])
			return a[len] < b[len];
	return false;
}

/*
 * [MS-RDPBCGR] 5.3.3.1.3 (validating; 5.3.3.1.2 signs): hash = MD5 of
 * dwVersion .. the end of PublicKeyBlob; the signature read little-endian
 * and raised to the public signing key gives, little-endian, the hash,
 * 0x00 (17th byte), 0xFF (18th to 62nd), 0x01 (63rd), and the 64th byte
 * is zero as the value is below 2^504. The signature blob is the 64
 * signature bytes then 8 zero bytes (2.2.1.4.3.1.1); longer blobs are
 * accepted if every byte past the 64th is zero (the same number).
 */
int
rdd_sec_check_proprietary_signature(const uint8_t *cert, size_t len)
{
	struct rdd_cur c, sig;
	uint32_t version, alg_ids[2];
	uint16_t blob_type, blob_len, sig_type, sig_len;
	uint8_t hash[RDD_MD5_LEN], m[TSSK_LEN];
	struct rdd_iov signed_part;
	size_t i;
	bool good;

	if (cert == NULL)
		return -1;
	rdd_cur_init(&c, cert, len);
	if (rdd_cur_u32le(&c, &version) != 0 ||
	    (version & ~RDD_CERT_TEMPORARILY_ISSUED) !=
	        RDD_CERT_CHAIN_VERSION_1 ||
	    rdd_cur_u32le(&c, &alg_ids[0]) != 0 ||
	    rdd_cur_u32le(&c, &alg_ids[1]) != 0 ||
	    rdd_cur_u16le(&c, &blob_type) != 0 ||
	    rdd_cur_u16le(&c, &blob_len) != 0 ||
	    rdd_cur_skip(&c, blob_len) != 0 ||
	    rdd_cur_u16le(&c, &sig_type) != 0 ||
	    rdd_cur_u16le(&c, &sig_len) != 0 ||
	    rdd_cur_sub(&c, sig_len, &sig) != 0)
		return -1;
	if (sig_len < TSSK_LEN)
		return 0;
	for (i = TSSK_LEN; i < sig_len; i++)
		if (sig.p[i] != 0)
			return 0;
	/* Not a number the key can have produced. */
	if (!less_le(sig.p, tssk_modulus, TSSK_LEN))
		return 0;
	signed_part.p = cert;
	signed_part.len = 16 + (size_t)blob_len;
	if (rdd_md5(hash, &signed_part, 1) != 0 ||
	    rdd_rsa_raw_le(tssk_modulus, TSSK_LEN, TSSK_EXPONENT, sig.p,
	                   TSSK_LEN, m) != 0)
		return -1;
	good = memcmp(m, hash, RDD_MD5_LEN) == 0 && m[RDD_MD5_LEN] == 0x00 &&
	       m[TSSK_ONE_AT] == 0x01 && m[TSSK_LEN - 1] == 0x00;
	for (i = TSSK_FF_FROM; i < TSSK_ONE_AT; i++)
		good = good && m[i] == 0xff;
	return good ? 1 : 0;
}
