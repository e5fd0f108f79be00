/*
 * ntlm.c - NTLM NEGOTIATE builder, CHALLENGE parser with its AV_PAIRs,
 * and the VERSION to Windows release table (ntlm.h), after [MS-NLMP]
 * 2.2.1.1 (NEGOTIATE_MESSAGE), 2.2.1.2 (CHALLENGE_MESSAGE), 2.2.2.1
 * (AV_PAIR), 2.2.2.5 (NegotiateFlags), 2.2.2.10 (VERSION) and 2.2.2.9
 * (FILETIME in MsvAvTimestamp).
 *
 * The parser takes a field's payload only from inside the message and
 * after the fixed header; it reads VERSION only when NEGOTIATE_VERSION is
 * set and no payload starts before byte 56 (older servers put the payload
 * right after TargetInfoFields).
 */
#include <string.h>

#include "ntlm.h"

static const uint8_t signature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

#define HEADER_NO_VERSION 48
#define HEADER_VERSION 56

bool
rdd_ntlm_has_signature(const struct rdd_cur *c)
{
	struct rdd_cur in = *c;
	uint8_t sig[8];

	return rdd_cur_copy(&in, sig, sizeof(sig)) == 0 &&
	       memcmp(sig, signature, sizeof(sig)) == 0;
}

int
rdd_ntlm_message_type(const struct rdd_cur *c)
{
	struct rdd_cur in = *c;
	uint32_t type;

	if (!rdd_ntlm_has_signature(c) || rdd_cur_skip(&in, 8) != 0 ||
	    rdd_cur_u32le(&in, &type) != 0 || type > 0x7fffffff)
		return -1;
	return (int)type;
}

static void
put_version(struct rdd_buf *b, const struct rdd_ntlm_version *v)
{
	if (v == NULL) {
		rdd_buf_zeros(b, 8);
		return;
	}
	rdd_buf_u8(b, v->major);
	rdd_buf_u8(b, v->minor);
	rdd_buf_u16le(b, v->build);
	rdd_buf_zeros(b, 3);
	rdd_buf_u8(b, v->revision);
}

int
rdd_ntlm_build_negotiate(struct rdd_buf *b, uint32_t flags,
                         const struct rdd_ntlm_version *version)
{
	size_t start = b->len;

	rdd_buf_bytes(b, signature, sizeof(signature));
	rdd_buf_u32le(b, RDD_NTLM_NEGOTIATE);
	rdd_buf_u32le(b, flags);
	rdd_buf_zeros(b, 8); /* DomainNameFields */
	rdd_buf_zeros(b, 8); /* WorkstationFields */
	put_version(b, (flags & RDD_NTLM_NEGOTIATE_VERSION) ? version : NULL);
	if (b->err || b->len - start != RDD_NTLM_NEGOTIATE_LEN)
		return -1;
	return 0;
}

/* Len (LE16), MaxLen (LE16), BufferOffset (LE32). */
static int
get_fields(struct rdd_cur *c, uint16_t *len, uint32_t *off)
{
	uint16_t max;

	if (rdd_cur_u16le(c, len) != 0 || rdd_cur_u16le(c, &max) != 0 ||
	    rdd_cur_u32le(c, off) != 0)
		return -1;
	return 0;
}

/* The LEN bytes at OFF of MSG, which must lie after the first HEADER. */
static int
payload(const struct rdd_cur *msg, uint32_t off, uint16_t len, size_t header,
        struct rdd_cur *out)
{
	struct rdd_cur in = *msg;

	rdd_cur_init(out, NULL, 0);
	if (len == 0)
		return 0;
	if (off < header || rdd_cur_skip(&in, off) != 0 ||
	    rdd_cur_sub(&in, len, out) != 0)
		return -1;
	return 0;
}

int
rdd_ntlm_av_next(struct rdd_cur *list, uint16_t *id, struct rdd_cur *value)
{
	struct rdd_cur in = *list, v;
	uint16_t i, n;

	if (rdd_cur_u16le(&in, &i) != 0 || rdd_cur_u16le(&in, &n) != 0 ||
	    rdd_cur_sub(&in, n, &v) != 0)
		return -1;
	*list = in;
	*id = i;
	*value = v;
	return 0;
}

/* A name pair: even length; the first one of its id is kept. */
static int
take_name(const struct rdd_cur *v, bool *has, struct rdd_cur *dst)
{
	if (rdd_cur_left(v) % 2 != 0)
		return -1;
	if (!*has) {
		*has = true;
		*dst = *v;
	}
	return 0;
}

static int
parse_target_info(struct rdd_ntlm_challenge *ch)
{
	struct rdd_cur list = ch->target_info, v, tmp;
	uint16_t id;

	for (;;) {
		if (rdd_ntlm_av_next(&list, &id, &v) != 0)
			return -1; /* cut, or no MsvAvEOL */
		switch (id) {
		case RDD_MSV_AV_EOL:
			return 0; /* anything after it is padding */
		case RDD_MSV_AV_NB_COMPUTER_NAME:
			if (take_name(&v, &ch->has_nb_computer,
			              &ch->nb_computer) != 0)
				return -1;
			break;
		case RDD_MSV_AV_NB_DOMAIN_NAME:
			if (take_name(&v, &ch->has_nb_domain, &ch->nb_domain) !=
			    0)
				return -1;
			break;
		case RDD_MSV_AV_DNS_COMPUTER_NAME:
			if (take_name(&v, &ch->has_dns_computer,
			              &ch->dns_computer) != 0)
				return -1;
			break;
		case RDD_MSV_AV_DNS_DOMAIN_NAME:
			if (take_name(&v, &ch->has_dns_domain,
			              &ch->dns_domain) != 0)
				return -1;
			break;
		case RDD_MSV_AV_DNS_TREE_NAME:
			if (take_name(&v, &ch->has_dns_tree, &ch->dns_tree) !=
			    0)
				return -1;
			break;
		case RDD_MSV_AV_TARGET_NAME:
			if (take_name(&v, &ch->has_av_target_name,
			              &ch->av_target_name) != 0)
				return -1;
			break;
		case RDD_MSV_AV_FLAGS:
			tmp = v;
			if (rdd_cur_left(&v) != 4)
				return -1;
			if (!ch->has_av_flags &&
			    rdd_cur_u32le(&tmp, &ch->av_flags) == 0)
				ch->has_av_flags = true;
			break;
		case RDD_MSV_AV_TIMESTAMP:
			tmp = v;
			if (rdd_cur_left(&v) != 8)
				return -1;
			if (!ch->has_timestamp &&
			    rdd_cur_u64le(&tmp, &ch->timestamp) == 0)
				ch->has_timestamp = true;
			break;
		default:
			break; /* single host, channel bindings, later ids */
		}
		ch->n_av_pairs++;
	}
}

int
rdd_ntlm_parse_challenge(const struct rdd_cur *msg,
                         struct rdd_ntlm_challenge *out)
{
	struct rdd_cur c = *msg, ver;
	struct rdd_ntlm_challenge ch;
	uint16_t tn_len, ti_len;
	uint32_t tn_off, ti_off, type, first = UINT32_MAX;
	size_t header = HEADER_NO_VERSION;

	memset(&ch, 0, sizeof(ch));
	if (!rdd_ntlm_has_signature(&c) || rdd_cur_skip(&c, 8) != 0 ||
	    rdd_cur_u32le(&c, &type) != 0 || type != RDD_NTLM_CHALLENGE ||
	    get_fields(&c, &tn_len, &tn_off) != 0 ||
	    rdd_cur_u32le(&c, &ch.flags) != 0 ||
	    rdd_cur_copy(&c, ch.server_challenge, 8) != 0 ||
	    rdd_cur_skip(&c, 8) != 0 || get_fields(&c, &ti_len, &ti_off) != 0)
		return -1;
	/* Where the payload starts: the lowest offset of a non-empty field. */
	if (tn_len > 0)
		first = tn_off;
	if (ti_len > 0 && ti_off < first)
		first = ti_off;
	if ((ch.flags & RDD_NTLM_NEGOTIATE_VERSION) &&
	    first >= HEADER_VERSION) {
		if (rdd_cur_sub(&c, 8, &ver) != 0 ||
		    rdd_cur_u8(&ver, &ch.version.major) != 0 ||
		    rdd_cur_u8(&ver, &ch.version.minor) != 0 ||
		    rdd_cur_u16le(&ver, &ch.version.build) != 0 ||
		    rdd_cur_skip(&ver, 3) != 0 ||
		    rdd_cur_u8(&ver, &ch.version.revision) != 0)
			return -1;
		ch.has_version = true;
		header = HEADER_VERSION;
	}
	if (payload(msg, tn_off, tn_len, header, &ch.target_name) != 0 ||
	    payload(msg, ti_off, ti_len, header, &ch.target_info) != 0)
		return -1;
	if (ti_len > 0 && parse_target_info(&ch) != 0)
		return -1;
	*out = ch;
	return 0;
}

/* --- text ------------------------------------------------------------ */

/* Append code point CP as UTF-8 if it fits whole (and the NUL after it). */
static bool
put_utf8(char *dst, size_t cap, size_t *used, uint32_t cp)
{
	char b[4];
	size_t n, i;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (n >= cap - *used)
		return false;
	for (i = 0; i < n; i++)
		dst[(*used)++] = b[i];
	return true;
}

size_t
rdd_utf16le_to_utf8(char *dst, size_t cap, const struct rdd_cur *src)
{
	struct rdd_cur c = *src, peek;
	uint16_t u, lo;
	uint32_t cp;
	size_t used = 0;

	if (cap == 0)
		return 0;
	while (rdd_cur_left(&c) > 0) {
		if (rdd_cur_u16le(&c, &u) != 0) {
			(void)rdd_cur_skip(&c, 1); /* odd last byte */
			cp = 0xfffd;
		} else if (u >= 0xd800 && u <= 0xdbff) {
			peek = c;
			if (rdd_cur_u16le(&peek, &lo) == 0 && lo >= 0xdc00 &&
			    lo <= 0xdfff) {
				c = peek;
				cp = 0x10000 + (((uint32_t)u - 0xd800) << 10) +
				     ((uint32_t)lo - 0xdc00);
			} else {
				cp = 0xfffd;
			}
		} else if ((u >= 0xdc00 && u <= 0xdfff) || u == 0) {
			cp = 0xfffd;
		} else {
			cp = u;
		}
		if (!put_utf8(dst, cap, &used, cp))
			break;
	}
	dst[used] = '\0';
	return used;
}

int64_t
rdd_filetime_to_unix(uint64_t ft)
{
	/* 11644473600 s from 1601-01-01 to 1970-01-01. */
	return (int64_t)(ft / 10000000u) - INT64_C(11644473600);
}

/* --- Windows releases -------------------------------------------------- */

/*
 * Build numbers of Windows releases: Microsoft's release information
 * pages for Windows 10, Windows 11 and Windows Server; the older ones
 * from the service pack build numbers (6.1.7601 = 7 SP1, ...), as
 * shared/reference/protocol.md 4.5 lists them.
 */
static const struct {
	uint8_t major, minor;
	uint16_t build;
	const char *name;
} releases[] = {
    {5, 0, 2195, "Windows 2000"},
    {5, 1, 2600, "Windows XP"},
    {5, 2, 3790, "Windows Server 2003 / XP x64"},
    {6, 0, 6000, "Windows Vista"},
    {6, 0, 6001, "Windows Server 2008 / Vista SP1"},
    {6, 0, 6002, "Windows Server 2008 SP2 / Vista SP2"},
    {6, 0, 6003, "Windows Server 2008 SP2"},
    {6, 1, 7600, "Windows 7 / Server 2008 R2"},
    {6, 1, 7601, "Windows 7 SP1 / Server 2008 R2 SP1"},
    {6, 2, 9200, "Windows 8 / Server 2012"},
    {6, 3, 9600, "Windows 8.1 / Server 2012 R2"},
    {10, 0, 10240, "Windows 10 1507"},
    {10, 0, 10586, "Windows 10 1511"},
    {10, 0, 14393, "Windows Server 2016 / Windows 10 1607"},
    {10, 0, 15063, "Windows 10 1703"},
    {10, 0, 16299, "Windows 10 1709 / Server 1709"},
    {10, 0, 17134, "Windows 10 1803 / Server 1803"},
    {10, 0, 17763, "Windows Server 2019 / Windows 10 1809"},
    {10, 0, 18362, "Windows 10 1903"},
    {10, 0, 18363, "Windows 10 1909 / Server 1909"},
    {10, 0, 19041, "Windows 10 2004 / Server 2004"},
    {10, 0, 19042, "Windows 10 20H2 / Server 20H2"},
    {10, 0, 19043, "Windows 10 21H1"},
    {10, 0, 19044, "Windows 10 21H2"},
    {10, 0, 19045, "Windows 10 22H2"},
    {10, 0, 20348, "Windows Server 2022"},
    {10, 0, 22000, "Windows 11 21H2"},
    {10, 0, 22621, "Windows 11 22H2"},
    {10, 0, 22631, "Windows 11 23H2"},
    {10, 0, 25398, "Windows Server 23H2"},
    {10, 0, 26100, "Windows Server 2025 / Windows 11 24H2"},
};

static const struct {
	uint8_t major, minor;
	const char *name;
} families[] = {
    {5, 0, "Windows 2000"},
    {5, 1, "Windows XP"},
    {5, 2, "Windows Server 2003"},
    {6, 0, "Windows Vista / Server 2008"},
    {6, 1, "Windows 7 / Server 2008 R2"},
    {6, 2, "Windows 8 / Server 2012"},
    {6, 3, "Windows 8.1 / Server 2012 R2"},
    {10, 0, "Windows 10 / 11 / Server 2016 or later"},
};

const char *
rdd_ntlm_os_name(uint8_t major, uint8_t minor, uint16_t build, bool *exact)
{
	size_t i;

	if (exact != NULL)
		*exact = false;
	for (i = 0; i < sizeof(releases) / sizeof(releases[0]); i++)
		if (releases[i].major == major && releases[i].minor == minor &&
		    releases[i].build == build) {
			if (exact != NULL)
				*exact = true;
			return releases[i].name;
		}
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].major == major && families[i].minor == minor)
			return families[i].name;
	return NULL;
}
