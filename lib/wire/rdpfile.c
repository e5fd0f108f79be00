/*
 * rdpfile.c - saved Remote Desktop connection files (.rdp), see rdpfile.h.
 *
 * The input is decoded one code unit at a time (UTF-16LE through the
 * cursor, UTF-8 byte by byte) into a fixed line buffer of UTF-8; a line is
 * then split at its first two colons. Nothing is allocated, and nothing
 * past the input is read: a line that does not fit the buffer is a
 * problem, and its remainder is skipped to the next line break.
 *
 * The setting names and their meanings: Microsoft Learn "Supported RDP
 * properties" and IMsRdpClientTransportSettings (the gateway values);
 * shared/reference/gateway.md 3.3.
 */
#include "wire/rdpfile.h"

#include <stdio.h>
#include <string.h>

#include "wire/cursor.h"

struct key_row {
	const char *name;
	char type;
};

static const struct key_row keys[RDD_RDPK_COUNT] = {
    [RDD_RDPK_FULL_ADDRESS] = {"full address", 's'},
    [RDD_RDPK_SERVER_PORT] = {"server port", 'i'},
    [RDD_RDPK_ALTERNATE_FULL_ADDRESS] = {"alternate full address", 's'},
    [RDD_RDPK_USERNAME] = {"username", 's'},
    [RDD_RDPK_DOMAIN] = {"domain", 's'},
    [RDD_RDPK_LOADBALANCEINFO] = {"loadbalanceinfo", 's'},
    [RDD_RDPK_AUTHENTICATION_LEVEL] = {"authentication level", 'i'},
    [RDD_RDPK_ENABLECREDSSPSUPPORT] = {"enablecredsspsupport", 'i'},
    [RDD_RDPK_NEGOTIATE_SECURITY_LAYER] = {"negotiate security layer", 'i'},
    [RDD_RDPK_PROMPT_FOR_CREDENTIALS] = {"prompt for credentials", 'i'},
    [RDD_RDPK_GATEWAYHOSTNAME] = {"gatewayhostname", 's'},
    [RDD_RDPK_GATEWAYUSAGEMETHOD] = {"gatewayusagemethod", 'i'},
    [RDD_RDPK_GATEWAYCREDENTIALSSOURCE] = {"gatewaycredentialssource", 'i'},
    [RDD_RDPK_GATEWAYPROFILEUSAGEMETHOD] = {"gatewayprofileusagemethod", 'i'},
    [RDD_RDPK_GATEWAYACCESSTOKEN] = {"gatewayaccesstoken", 's'},
    [RDD_RDPK_PASSWORD51] = {"password 51", 'b'},
};

/* Settings mstsc knows that the check has no use for: read, not kept,
 * not reported as unknown. */
static const char *const known_unused[] = {
    "screen mode id",
    "use multimon",
    "desktopwidth",
    "desktopheight",
    "session bpp",
    "winposstr",
    "compression",
    "keyboardhook",
    "audiocapturemode",
    "videoplaybackmode",
    "connection type",
    "networkautodetect",
    "bandwidthautodetect",
    "displayconnectionbar",
    "enableworkspacereconnect",
    "disable wallpaper",
    "allow font smoothing",
    "allow desktop composition",
    "disable full window drag",
    "disable menu anims",
    "disable themes",
    "disable cursor setting",
    "bitmapcachepersistenable",
    "audiomode",
    "redirectprinters",
    "redirectcomports",
    "redirectsmartcards",
    "redirectwebauthn",
    "redirectclipboard",
    "redirectposdevices",
    "redirectdrives",
    "redirectlocation",
    "redirectdirectx",
    "drivestoredirect",
    "devicestoredirect",
    "camerastoredirect",
    "usbdevicestoredirect",
    "autoreconnection enabled",
    "autoreconnect max retries",
    "remoteapplicationmode",
    "remoteapplicationname",
    "remoteapplicationprogram",
    "remoteapplicationcmdline",
    "remoteapplicationexpandcmdline",
    "remoteapplicationexpandworkingdir",
    "remoteapplicationfile",
    "remoteapplicationicon",
    "remoteapplicationguid",
    "alternate shell",
    "shell working directory",
    "gatewaybrokeringtype",
    "use redirection server name",
    "rdgiskdcproxy",
    "kdcproxyname",
    "promptcredentialonce",
    "signscope",
    "signature",
    "smart sizing",
    "dynamic resolution",
    "desktopscalefactor",
    "desktop size id",
    "encode redirected video capture",
    "redirected video capture encoding quality",
    "maximizetocurrentdisplays",
    "singlemoninwindowedmode",
    "selectedmonitors",
    "span monitors",
    "disableconnectionsharing",
    "disableremoteappcapscheck",
    "enablerdsaadauth",
    "targetisaadjoined",
    "resourceprovider",
    "workspace id",
    "remoteappmousemoveinject",
    "pinconnectionbar",
    "administrative session",
    "audioqualitymode",
    "enablesuperpan",
    "superpanaccelerationfactor",
    "public mode",
    "disable ctrl+alt+del",
    "prompt for credentials on client",
    "keyboard layout",
    "connect to console",
    "disable auto reconnect",
    "allow server side scripting",
    "authoring tool",
};

static const char *const problem_ids[RDD_RDPF_KIND_COUNT] = {
    [RDD_RDPF_MALFORMED] = "malformed",
    [RDD_RDPF_BAD_TYPE] = "bad-type",
    [RDD_RDPF_BAD_INTEGER] = "bad-integer",
    [RDD_RDPF_BAD_HEX] = "bad-hex",
    [RDD_RDPF_TYPE_MISMATCH] = "type-mismatch",
    [RDD_RDPF_UNKNOWN] = "unknown-setting",
    [RDD_RDPF_DUPLICATE] = "duplicate",
    [RDD_RDPF_BAD_VALUE] = "bad-value",
    [RDD_RDPF_TOO_LONG] = "too-long",
    [RDD_RDPF_BAD_ENCODING] = "bad-encoding",
};

static const char *const problem_texts[RDD_RDPF_KIND_COUNT] = {
    [RDD_RDPF_MALFORMED] = "not a setting (name:type:value); ignored",
    [RDD_RDPF_BAD_TYPE] = "the type is not s, i or b; ignored",
    [RDD_RDPF_BAD_INTEGER] =
        "an integer setting (i) whose value is not a 32-bit integer; "
        "ignored",
    [RDD_RDPF_BAD_HEX] = "a binary setting (b) whose value is not hex "
                         "digits; ignored",
    [RDD_RDPF_TYPE_MISMATCH] =
        "this setting has another type (s or i); ignored",
    [RDD_RDPF_UNKNOWN] = "a setting rdpdoctor does not know; not used",
    [RDD_RDPF_DUPLICATE] = "given again; the value of this later line is "
                           "used",
    [RDD_RDPF_BAD_VALUE] = "a value out of the setting's range; ignored",
    [RDD_RDPF_TOO_LONG] = "the line or its value is too long; ignored",
    [RDD_RDPF_BAD_ENCODING] =
        "invalid characters (UTF-16 or UTF-8) or a NUL; ignored",
};

const char *
rdd_rdpfile_key_name(enum rdd_rdpfile_key k)
{
	return (unsigned)k < RDD_RDPK_COUNT ? keys[k].name : "?";
}

char
rdd_rdpfile_key_type(enum rdd_rdpfile_key k)
{
	return (unsigned)k < RDD_RDPK_COUNT ? keys[k].type : '?';
}

const char *
rdd_rdpfile_problem_id(enum rdd_rdpfile_problem_kind k)
{
	return (unsigned)k < RDD_RDPF_KIND_COUNT ? problem_ids[k] : "?";
}

const char *
rdd_rdpfile_problem_text(enum rdd_rdpfile_problem_kind k)
{
	return (unsigned)k < RDD_RDPF_KIND_COUNT ? problem_texts[k] : "?";
}

const char *
rdd_rdpfile_encoding_name(enum rdd_rdpfile_encoding e)
{
	switch (e) {
	case RDD_RDPFILE_UTF8:
		return "utf-8";
	case RDD_RDPFILE_UTF8_BOM:
		return "utf-8-bom";
	case RDD_RDPFILE_UTF16LE_BOM:
		return "utf-16le-bom";
	case RDD_RDPFILE_UTF16LE_NOBOM:
		return "utf-16le";
	}
	return "?";
}

/* ---- Problems ---------------------------------------------------------- */

static void
problem(struct rdd_rdpfile *f, unsigned line,
        enum rdd_rdpfile_problem_kind kind, const char *name, size_t nlen)
{
	struct rdd_rdpfile_problem *p;

	f->n_problems_total++;
	if (f->n_problems == RDD_RDPFILE_MAX_PROBLEMS)
		return;
	p = &f->problems[f->n_problems++];
	p->line = line;
	p->kind = kind;
	if (nlen > sizeof(p->name) - 1)
		nlen = sizeof(p->name) - 1;
	if (name != NULL && nlen > 0)
		memcpy(p->name, name, nlen);
	p->name[name != NULL ? nlen : 0] = '\0';
}

/* ---- One line ---------------------------------------------------------- */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* NAME (N bytes) equals KEY, ignoring ASCII case. */
static bool
name_is(const char *name, size_t n, const char *key)
{
	size_t i;

	if (strlen(key) != n)
		return false;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)name[i]) != (unsigned char)key[i])
			return false;
	return true;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A decimal 32-bit integer, optionally signed, nothing else. */
static int
parse_i32(const char *s, size_t n, int32_t *out)
{
	int64_t v = 0;
	size_t i = 0;
	bool neg = false;

	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > (int64_t)INT32_MAX + 1)
			return -1;
	}
	if (neg)
		v = -v;
	if (v > INT32_MAX || v < INT32_MIN)
		return -1;
	*out = (int32_t)v;
	return 0;
}

static bool
all_hex(const char *s, size_t n)
{
	size_t i;

	if (n % 2 != 0)
		return false;
	for (i = 0; i < n; i++) {
		char c = (char)lower((unsigned char)s[i]);

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* Integer settings with a range: port 1..65535, the modes 0..4. */
static bool
in_range(enum rdd_rdpfile_key k, int32_t v)
{
	switch (k) {
	case RDD_RDPK_SERVER_PORT:
		return v >= 1 && v <= 65535;
	case RDD_RDPK_AUTHENTICATION_LEVEL:
		return v >= 0 && v <= 3;
	case RDD_RDPK_ENABLECREDSSPSUPPORT:
	case RDD_RDPK_NEGOTIATE_SECURITY_LAYER:
	case RDD_RDPK_PROMPT_FOR_CREDENTIALS:
	case RDD_RDPK_GATEWAYPROFILEUSAGEMETHOD:
		return v == 0 || v == 1;
	case RDD_RDPK_GATEWAYUSAGEMETHOD:
		return v >= 0 && v <= 4;
	case RDD_RDPK_GATEWAYCREDENTIALSSOURCE:
		return v >= 0 && v <= 5;
	default:
		return true;
	}
}

static void
one_line(struct rdd_rdpfile *f, unsigned lineno, const char *line, size_t n)
{
	const char *c1, *name, *val;
	size_t nlen, vlen, k, i;
	char type;

	/* Surrounding blanks and an empty line are not problems. */
	while (n > 0 && (is_space(line[n - 1]) || line[n - 1] == '\r'))
		n--;
	while (n > 0 && is_space(line[0])) {
		line++;
		n--;
	}
	if (n == 0)
		return;
	c1 = memchr(line, ':', n);
	/* "name:t:" at least: a name, one type letter, a second colon. */
	if (c1 == NULL || c1 == line || n - (size_t)(c1 - line) < 3 ||
	    c1[2] != ':') {
		problem(f, lineno, RDD_RDPF_MALFORMED, c1 != NULL ? line : NULL,
		        c1 != NULL ? (size_t)(c1 - line) : 0);
		return;
	}
	name = line;
	nlen = (size_t)(c1 - line);
	type = (char)lower((unsigned char)c1[1]);
	val = c1 + 3;
	vlen = n - nlen - 3;
	if (type != 's' && type != 'i' && type != 'b') {
		problem(f, lineno, RDD_RDPF_BAD_TYPE, name, nlen);
		return;
	}
	if (type == 'i') {
		int32_t tmp;

		if (parse_i32(val, vlen, &tmp) != 0) {
			problem(f, lineno, RDD_RDPF_BAD_INTEGER, name, nlen);
			return;
		}
	}
	if (type == 'b' && !all_hex(val, vlen)) {
		problem(f, lineno, RDD_RDPF_BAD_HEX, name, nlen);
		return;
	}
	f->settings++;
	for (k = 0; k < RDD_RDPK_COUNT; k++)
		if (name_is(name, nlen, keys[k].name))
			break;
	if (k == RDD_RDPK_COUNT) {
		for (i = 0; i < sizeof(known_unused) / sizeof(known_unused[0]);
		     i++)
			if (name_is(name, nlen, known_unused[i]))
				return;
		problem(f, lineno, RDD_RDPF_UNKNOWN, name, nlen);
		return;
	}
	if (keys[k].type != type) {
		problem(f, lineno, RDD_RDPF_TYPE_MISMATCH, name, nlen);
		return;
	}
	{
		struct rdd_rdpfile_value *v = &f->v[k];
		struct rdd_rdpfile_value nv;

		memset(&nv, 0, sizeof(nv));
		nv.set = true;
		nv.line = lineno;
		if (type == 'i') {
			(void)parse_i32(val, vlen, &nv.i);
			if (!in_range((enum rdd_rdpfile_key)k, nv.i)) {
				problem(f, lineno, RDD_RDPF_BAD_VALUE, name,
				        nlen);
				return;
			}
		} else if (type == 's') {
			if (vlen > sizeof(nv.s) - 1) {
				problem(f, lineno, RDD_RDPF_TOO_LONG, name,
				        nlen);
				return;
			}
			/* Secrets: presence only. */
			if (k != RDD_RDPK_GATEWAYACCESSTOKEN)
				memcpy(nv.s, val, vlen);
			nv.s[k != RDD_RDPK_GATEWAYACCESSTOKEN ? vlen : 0] =
			    '\0';
		}
		if (v->set)
			problem(f, lineno, RDD_RDPF_DUPLICATE, name, nlen);
		*v = nv;
	}
}

/* ---- Decoding ---------------------------------------------------------- */

struct linebuf {
	char b[RDD_RDPFILE_LINE_MAX];
	size_t n;
	bool overflow; /* the line did not fit */
	bool bad;      /* invalid encoding or a NUL in the line */
};

static void
put_utf8(struct linebuf *lb, uint32_t cp)
{
	uint8_t tmp[4];
	size_t n;

	if (cp == 0) {
		lb->bad = true;
		return;
	}
	if (cp < 0x80) {
		tmp[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		tmp[0] = (uint8_t)(0xC0 | (cp >> 6));
		tmp[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (uint8_t)(0xE0 | (cp >> 12));
		tmp[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		tmp[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		tmp[0] = (uint8_t)(0xF0 | (cp >> 18));
		tmp[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		tmp[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		tmp[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	if (lb->overflow || n > sizeof(lb->b) - lb->n) {
		lb->overflow = true;
		return;
	}
	memcpy(lb->b + lb->n, tmp, n);
	lb->n += n;
}

static void
end_line(struct rdd_rdpfile *f, struct linebuf *lb)
{
	f->lines++;
	if (lb->overflow)
		problem(f, f->lines, RDD_RDPF_TOO_LONG, NULL, 0);
	else if (lb->bad)
		problem(f, f->lines, RDD_RDPF_BAD_ENCODING, NULL, 0);
	else
		one_line(f, f->lines, lb->b, lb->n);
	lb->n = 0;
	lb->overflow = false;
	lb->bad = false;
}

/* One code point; a line ends at LF, or at a CR not followed by LF (the
 * caller passes CR through and one_line() strips a CR before LF). */
static void
code_point(struct rdd_rdpfile *f, struct linebuf *lb, uint32_t cp)
{
	if (cp == '\n')
		end_line(f, lb);
	else
		put_utf8(lb, cp);
}

static void
decode_utf16le(struct rdd_rdpfile *f, struct linebuf *lb, struct rdd_cur *c)
{
	uint16_t u, u2;

	while (rdd_cur_u16le(c, &u) == 0) {
		if (u >= 0xD800 && u <= 0xDBFF) {
			struct rdd_cur save = *c;

			if (rdd_cur_u16le(c, &u2) == 0 && u2 >= 0xDC00 &&
			    u2 <= 0xDFFF) {
				code_point(f, lb,
				           0x10000 +
				               (((uint32_t)u - 0xD800) << 10) +
				               ((uint32_t)u2 - 0xDC00));
				continue;
			}
			*c = save;
			lb->bad = true;
			continue;
		}
		if (u >= 0xDC00 && u <= 0xDFFF) {
			lb->bad = true;
			continue;
		}
		code_point(f, lb, u);
	}
	if (rdd_cur_left(c) != 0) /* an odd byte at the end */
		lb->bad = true;
}

static void
decode_utf8(struct rdd_rdpfile *f, struct linebuf *lb, struct rdd_cur *c)
{
	uint8_t b, cont;
	uint32_t cp, min;
	int extra, i;

	while (rdd_cur_u8(c, &b) == 0) {
		if (b < 0x80) {
			code_point(f, lb, b);
			continue;
		}
		if ((b & 0xE0) == 0xC0) {
			cp = b & 0x1F;
			extra = 1;
			min = 0x80;
		} else if ((b & 0xF0) == 0xE0) {
			cp = b & 0x0F;
			extra = 2;
			min = 0x800;
		} else if ((b & 0xF8) == 0xF0) {
			cp = b & 0x07;
			extra = 3;
			min = 0x10000;
		} else {
			lb->bad = true;
			continue;
		}
		for (i = 0; i < extra; i++) {
			if (rdd_cur_peek_u8(c, &cont) != 0 ||
			    (cont & 0xC0) != 0x80)
				break;
			(void)rdd_cur_u8(c, &cont);
			cp = (cp << 6) | (cont & 0x3F);
		}
		if (i < extra || cp < min || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF)) {
			lb->bad = true;
			continue;
		}
		code_point(f, lb, cp);
	}
}

size_t
rdd_rdpfile_parse(const uint8_t *data, size_t len, struct rdd_rdpfile *f)
{
	struct linebuf lb;
	struct rdd_cur c;

	memset(f, 0, sizeof(*f));
	memset(&lb, 0, sizeof(lb));
	if (data == NULL)
		len = 0;
	if (len > RDD_RDPFILE_MAX_BYTES) {
		len = RDD_RDPFILE_MAX_BYTES;
		f->truncated = true;
	}
	rdd_cur_init(&c, data, len);
	if (len >= 2 && data[0] == 0xFF && data[1] == 0xFE) {
		f->encoding = RDD_RDPFILE_UTF16LE_BOM;
		(void)rdd_cur_skip(&c, 2);
	} else if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB &&
	           data[2] == 0xBF) {
		f->encoding = RDD_RDPFILE_UTF8_BOM;
		(void)rdd_cur_skip(&c, 3);
	} else if (len >= 2 && data[0] != 0 && data[1] == 0) {
		f->encoding = RDD_RDPFILE_UTF16LE_NOBOM;
	} else {
		f->encoding = RDD_RDPFILE_UTF8;
	}
	if (f->encoding == RDD_RDPFILE_UTF16LE_BOM ||
	    f->encoding == RDD_RDPFILE_UTF16LE_NOBOM)
		decode_utf16le(f, &lb, &c);
	else
		decode_utf8(f, &lb, &c);
	/* The last line, without a line break. */
	if (lb.n > 0 || lb.overflow || lb.bad)
		end_line(f, &lb);
	return f->n_problems_total;
}
