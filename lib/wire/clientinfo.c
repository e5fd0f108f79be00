/*
 * clientinfo.c - the Client Info PDU's TS_INFO_PACKET and
 * TS_EXTENDED_INFO_PACKET (clientinfo.h): [MS-RDPBCGR] 2.2.1.11.1.1,
 * 2.2.1.11.1.1.1 and 2.2.1.11.1.1.1.1 (TS_TIME_ZONE_INFORMATION), with the
 * example of 4.1.10; what FreeRDP 2.11 (libfreerdp/core/info.c) sends and
 * what xrdp 0.9.21 and FreeRDP's server require (session.md 4). All
 * integers are little-endian; strings are UTF-16LE when the flags carry
 * INFO_UNICODE, as every current client sends them, else ANSI bytes.
 *
 * The builder takes UTF-8 and writes each string straight into the
 * caller's buffer, so no copy of the password is made on the way; it
 * checks every string and the room for the whole packet before writing
 * anything, so that a refusal leaves no password byte behind in B either.
 */
#include <string.h>

#include "clientinfo.h"
#include "crypto.h"

#define INFO_FIXED_LEN 18  /* CodePage, flags, five cb* fields */
#define INFO_FIELD_MAX 512 /* a string with its terminator (xrdp, FreeRDP) */
#define TIME_ZONE_LEN 172  /* TS_TIME_ZONE_INFORMATION */
#define TIME_ZONE_BIAS_LEN 4
#define UTF16_NUL_LEN 2
#define REPLACEMENT_CHAR 0xfffdu

/* FreeRDP's clientDir (libfreerdp/core/settings.c, client_dll). */
static const char client_dir_freerdp[] = "C:\\Windows\\System32\\mstscax.dll";

void
rdd_client_info_defaults(struct rdd_client_info *ci, uint16_t family,
                         const char *address)
{
	memset(ci, 0, sizeof(*ci));
	/* FreeRDP writes its KeyboardCodePage setting here, 0 unless set on
	 * the command line; with INFO_UNICODE the field is a language id
	 * that servers may ignore. */
	ci->code_page = 0;
	ci->flags = RDD_INFO_FLAGS_DEFAULT;
	ci->domain = "";
	ci->user = "";
	ci->password = "";
	ci->alternate_shell = "";
	ci->working_dir = "";
	ci->address_family = family;
	ci->client_address = address;
	ci->client_dir = client_dir_freerdp;
	ci->tz_bias = 0;
	ci->session_id = 0;
	/* PERF_DISABLE_WALLPAPER | FULLWINDOWDRAG | MENUANIMATIONS | THEMING */
	ci->performance_flags = 0x0000000f;
}

/* ---- UTF-8 to UTF-16LE -------------------------------------------------- */

/*
 * One code point of the NUL-terminated UTF-8 at *S: 0 and advance, or -1
 * when the bytes are not UTF-8 (RFC 3629: no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF). The terminator is no continuation
 * byte, so a sequence cut short by it fails without reading past it.
 */
static int
utf8_next(const unsigned char **s, uint32_t *cp)
{
	const unsigned char *p = *s;
	uint32_t c = p[0], min;
	int n, i;

	if (c < 0x80) {
		n = 0;
		min = 0;
	} else if ((c & 0xe0) == 0xc0) {
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
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*s = p + n + 1;
	*cp = c;
	return 0;
}

/* Bytes of UTF-16 for S (NULL is empty), terminator excluded; -1 when S
 * is not UTF-8 or needs more than RDD_INFO_MAX_CB bytes. */
static int
utf16_size(const char *s, size_t *cb)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	uint32_t cp = 0;
	size_t n = 0;
	int rc = 0;

	while (*p != '\0') {
		if (utf8_next(&p, &cp) != 0) {
			rc = -1;
			break;
		}
		n += cp >= 0x10000 ? 4 : 2; /* a surrogate pair */
		if (n > RDD_INFO_MAX_CB) {
			rc = -1;
			break;
		}
	}
	rdd_wipe(&cp, sizeof(cp)); /* it may be the password's */
	*cb = n;
	return rc;
}

/* Append S (checked by utf16_size) as UTF-16LE, then a NUL unit. */
static void
put_utf16z(struct rdd_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	uint32_t cp = 0;

	while (*p != '\0' && utf8_next(&p, &cp) == 0) {
		if (cp >= 0x10000) {
			cp -= 0x10000;
			rdd_buf_u16le(b, (uint16_t)(0xd800 | cp >> 10));
			rdd_buf_u16le(b, (uint16_t)(0xdc00 | (cp & 0x3ff)));
		} else {
			rdd_buf_u16le(b, (uint16_t)cp);
		}
	}
	rdd_wipe(&cp, sizeof(cp));
	rdd_buf_u16le(b, 0);
}

/* ---- build -------------------------------------------------------------- */

/*
 * TS_INFO_PACKET ([MS-RDPBCGR] 2.2.1.11.1.1):
 *
 *   0        4        8      10      12      14      16      18
 *   +--------+--------+-------+-------+-------+-------+-------+
 *   |CodePage| flags  |cbDom. |cbUser |cbPass.|cbShell|cbDir  |
 *   +--------+--------+-------+-------+-------+-------+-------+---- ...
 *   | Domain 00 00 | UserName 00 00 | Password 00 00 | AlternateShell
 *   | 00 00 | WorkingDir 00 00 | extraInfo ...
 *
 * The cb* fields count the string without its terminator, which is there
 * even for an empty string.
 *
 * TS_EXTENDED_INFO_PACKET (2.2.1.11.1.1.1), as far as rdpdoctor sends it:
 *
 *   clientAddressFamily (2) | cbClientAddress (2) | clientAddress 00 00 |
 *   cbClientDir (2) | clientDir 00 00 | clientTimeZone (172) |
 *   clientSessionId (4) | performanceFlags (4) | cbAutoReconnectCookie (2)
 *
 * Here the cb* fields include the terminator. The time zone is the bias
 * and zeros (no names, no daylight rules). Nothing follows the zero
 * cbAutoReconnectCookie: the reserved fields and the dynamic time zone
 * are optional, and xrdp needs everything up to performanceFlags.
 *
 * The strings are always written as UTF-16: the caller keeps
 * RDD_INFO_UNICODE in CI's flags.
 */
int
rdd_client_info_build(struct rdd_buf *b, const struct rdd_client_info *ci)
{
	const char *strings[5] = {ci->domain, ci->user, ci->password,
	                          ci->alternate_shell, ci->working_dir};
	size_t cb[5], cb_address, cb_dir, total, start = b->len;
	int i;

	if (b->err)
		return -1;
	total = INFO_FIXED_LEN;
	for (i = 0; i < 5; i++) {
		if (utf16_size(strings[i], &cb[i]) != 0)
			goto fail;
		total += cb[i] + UTF16_NUL_LEN;
	}
	if (utf16_size(ci->client_address, &cb_address) != 0 ||
	    utf16_size(ci->client_dir, &cb_dir) != 0)
		goto fail;
	cb_address += UTF16_NUL_LEN;
	cb_dir += UTF16_NUL_LEN;
	total += 2 + 2 + cb_address + 2 + cb_dir + TIME_ZONE_LEN + 4 + 4 + 2;
	/* All or nothing: past this check no write can fail. */
	if (total > b->cap - b->len)
		goto fail;

	rdd_buf_u32le(b, ci->code_page);
	rdd_buf_u32le(b, ci->flags);
	for (i = 0; i < 5; i++)
		rdd_buf_u16le(b, (uint16_t)cb[i]);
	for (i = 0; i < 5; i++)
		put_utf16z(b, strings[i]);

	rdd_buf_u16le(b, ci->address_family);
	rdd_buf_u16le(b, (uint16_t)cb_address);
	put_utf16z(b, ci->client_address);
	rdd_buf_u16le(b, (uint16_t)cb_dir);
	put_utf16z(b, ci->client_dir);
	rdd_buf_u32le(b, (uint32_t)ci->tz_bias);
	rdd_buf_zeros(b, TIME_ZONE_LEN - TIME_ZONE_BIAS_LEN);
	rdd_buf_u32le(b, ci->session_id);
	rdd_buf_u32le(b, ci->performance_flags);
	rdd_buf_u16le(b, 0); /* cbAutoReconnectCookie */
	if (!b->err)
		return 0;
	/* Not reached when the room check holds; wipe what was written. */
	rdd_wipe(b->p + start, b->len - start);
	b->len = start;
fail:
	b->err = true;
	return -1;
}

/* ---- parse -------------------------------------------------------------- */

/* Append CP as UTF-8 to DST (CAP bytes with room for a NUL) at *N; once
 * one character does not fit, *FULL stops every later one. */
static void
put_utf8(char *dst, size_t cap, size_t *n, uint32_t cp, bool *full)
{
	uint8_t u[4];
	size_t k;

	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (*full || k > cap - 1 - *n) {
		*full = true;
		return;
	}
	memcpy(dst + *n, u, k);
	*n += k;
}

/*
 * Fold the UTF-16LE in S (an even number of bytes) into DST as UTF-8: up
 * to the first NUL unit, a lone surrogate becoming U+FFFD, cut at a
 * character boundary when DST is too small. Always NUL-terminated.
 */
static void
utf16_to_utf8(struct rdd_cur s, char *dst, size_t cap)
{
	struct rdd_cur next;
	uint16_t u, lo;
	uint32_t cp;
	size_t n = 0;
	bool full = false;

	while (!full && rdd_cur_u16le(&s, &u) == 0 && u != 0) {
		cp = u;
		if (u >= 0xd800 && u <= 0xdbff) {
			next = s;
			if (rdd_cur_u16le(&next, &lo) == 0 && lo >= 0xdc00 &&
			    lo <= 0xdfff) {
				cp = 0x10000 + ((uint32_t)(u - 0xd800) << 10 |
				                (uint32_t)(lo - 0xdc00));
				s = next;
			} else {
				cp = REPLACEMENT_CHAR;
			}
		} else if (u >= 0xdc00 && u <= 0xdfff) {
			cp = REPLACEMENT_CHAR;
		}
		put_utf8(dst, cap, &n, cp, &full);
	}
	dst[n] = '\0';
}

/* ANSI text (no INFO_UNICODE): the raw bytes up to the first NUL, cut to
 * fit; the report layer escapes what it prints. */
static void
ansi_copy(struct rdd_cur s, char *dst, size_t cap)
{
	size_t n = 0;
	uint8_t ch;

	while (n < cap - 1 && rdd_cur_u8(&s, &ch) == 0 && ch != 0)
		dst[n++] = (char)ch;
	dst[n] = '\0';
}

static void
fold(struct rdd_cur s, bool unicode, char *dst, size_t cap)
{
	if (unicode)
		utf16_to_utf8(s, dst, cap);
	else
		ansi_copy(s, dst, cap);
}

/*
 * A TS_INFO_PACKET string: CB bytes (even for UTF-16; with the terminator
 * at most 512) and its terminator, which must be zero. DST NULL skips the
 * text (the password).
 */
static int
read_info_string(struct rdd_cur *c, uint16_t cb, bool unicode, char *dst,
                 size_t cap)
{
	struct rdd_cur text;
	size_t nul_len = unicode ? UTF16_NUL_LEN : 1;
	uint16_t nul16;
	uint8_t nul8;

	if (cb > INFO_FIELD_MAX - nul_len || (unicode && cb % 2 != 0))
		return -1;
	if (rdd_cur_sub(c, cb, &text) != 0)
		return -1;
	if (unicode) {
		if (rdd_cur_u16le(c, &nul16) != 0 || nul16 != 0)
			return -1;
	} else if (rdd_cur_u8(c, &nul8) != 0 || nul8 != 0) {
		return -1;
	}
	if (dst != NULL)
		fold(text, unicode, dst, cap);
	return 0;
}

/*
 * An extended-info string: its cb (terminator included, at most 512; 0
 * for the empty string some clients send without a terminator) and its
 * bytes. The text ends at the first NUL; a missing terminator is
 * tolerated, as FreeRDP's server does.
 */
static int
read_ext_string(struct rdd_cur *c, bool unicode, char *dst, size_t cap)
{
	struct rdd_cur t = *c, text;
	uint16_t cb;

	if (rdd_cur_u16le(&t, &cb) != 0 || cb > INFO_FIELD_MAX ||
	    (unicode && cb % 2 != 0) || rdd_cur_sub(&t, cb, &text) != 0)
		return -1;
	fold(text, unicode, dst, cap);
	*c = t;
	return 0;
}

static int32_t
to_int32(uint32_t v)
{
	return v <= INT32_MAX ? (int32_t)v : -(int32_t)(~v) - 1;
}

/*
 * The optional tail of the extended info, each field taken only when all
 * of its bytes are there; the first that is not ends the walk (a field
 * cut short is absent, not an error: the fields before it stay valid).
 */
static void
read_optional(struct rdd_cur *c, struct rdd_client_info_parsed *r)
{
	struct rdd_cur tz;
	uint32_t bias, session_id;

	if (rdd_cur_sub(c, TIME_ZONE_LEN, &tz) != 0 ||
	    rdd_cur_u32le(&tz, &bias) != 0)
		return;
	r->has_time_zone = true;
	r->tz_bias = to_int32(bias);
	if (rdd_cur_u32le(c, &session_id) != 0 ||
	    rdd_cur_u32le(c, &r->performance_flags) != 0)
		return;
	r->has_performance_flags = true;
}

int
rdd_client_info_parse(struct rdd_cur *in, struct rdd_client_info_parsed *out)
{
	struct rdd_client_info_parsed r;
	struct rdd_cur t = *in;
	uint16_t cb_domain, cb_user, cb_shell, cb_dir;
	bool unicode;

	memset(&r, 0, sizeof(r));
	if (rdd_cur_u32le(&t, &r.code_page) != 0 ||
	    rdd_cur_u32le(&t, &r.flags) != 0 ||
	    rdd_cur_u16le(&t, &cb_domain) != 0 ||
	    rdd_cur_u16le(&t, &cb_user) != 0 ||
	    rdd_cur_u16le(&t, &r.password_len) != 0 ||
	    rdd_cur_u16le(&t, &cb_shell) != 0 ||
	    rdd_cur_u16le(&t, &cb_dir) != 0)
		return -1;
	unicode = (r.flags & RDD_INFO_UNICODE) != 0;
	if (read_info_string(&t, cb_domain, unicode, r.domain,
	                     sizeof(r.domain)) != 0 ||
	    read_info_string(&t, cb_user, unicode, r.user, sizeof(r.user)) !=
	        0 ||
	    read_info_string(&t, r.password_len, unicode, NULL, 0) != 0 ||
	    read_info_string(&t, cb_shell, unicode, r.alternate_shell,
	                     sizeof(r.alternate_shell)) != 0 ||
	    read_info_string(&t, cb_dir, unicode, r.working_dir,
	                     sizeof(r.working_dir)) != 0)
		return -1;
	/* RDP 4.0 clients end here; from 5.0 on the extended info follows,
	 * and once it starts, its address and directory must be whole. */
	if (rdd_cur_left(&t) > 0) {
		if (rdd_cur_u16le(&t, &r.address_family) != 0 ||
		    read_ext_string(&t, unicode, r.client_address,
		                    sizeof(r.client_address)) != 0 ||
		    read_ext_string(&t, unicode, r.client_dir,
		                    sizeof(r.client_dir)) != 0)
			return -1;
		r.has_extended = true;
		read_optional(&t, &r);
	}
	/* The packet is the rest of the PDU: what follows (auto-reconnect
	 * cookie, dynamic time zone) is not looked at. */
	(void)rdd_cur_skip(&t, rdd_cur_left(&t));
	*in = t;
	*out = r;
	return 0;
}
