/*
 * escape.c - untrusted bytes made safe for a terminal and for JSON
 * (report.h).
 *
 * Certificate names, the first bytes of a non-RDP answer and anything else
 * the server chose can hold terminal escape sequences (ESC [ 2 J clears the
 * screen, OSC 52 writes the clipboard) or invalid UTF-8 (jansson refuses
 * it: json_string() returns NULL). Both functions below read a NUL-terminated
 * string, decode it as UTF-8 by the well-formed byte sequences of The
 * Unicode Standard, table 3-7, and write at most CAP bytes including the
 * terminating NUL. Neither ever splits a character or an escape: when the
 * next piece does not fit, the output stops before it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rdpdoctor/report.h"

/*
 * Decode one UTF-8 character at S. Returns its length (1-4) and sets *CP,
 * or, for an ill-formed sequence, minus the length of its maximal subpart
 * (the longest prefix that could start a well-formed sequence, at least 1),
 * as Unicode's "U+FFFD substitution of maximal subparts" counts it. S must
 * not point at the terminating NUL. A NUL inside a sequence ends the
 * subpart, so the decoder never reads past the end of the string.
 */
static int
utf8_decode(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	int n, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong below U+0800 */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates U+D800-U+DFFF */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		/* 0x80-0xC1 (continuation, overlong 2-byte lead), 0xF5-0xFF. */
		return -1;
	}
	for (i = 1; i < n; i++) {
		unsigned char b = s[i];

		if (b < lo || b > hi)
			return -i;
		v = (v << 6) | (b & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return n;
}

/*
 * Characters that pass to a terminal unchanged: printable ASCII, and every
 * other valid character except the C1 controls (U+0080-U+009F, which some
 * terminals honour as 8-bit CSI/OSC) and the bidirectional embedding,
 * override and isolate controls (U+202A-U+202E, U+2066-U+2069), which
 * reorder what follows them on the line and so let a certificate name
 * disguise the text after it.
 */
static int
terminal_safe(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 0x20 && cp <= 0x7E;
	if (cp <= 0x9F)
		return 0;
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return 1;
}

static const char hexdigits[] = "0123456789abcdef";

char *
rdd_escape_terminal(char *dst, size_t cap, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t used = 0;

	if (cap == 0)
		return dst;
	if (s == NULL)
		s = (const unsigned char *)"";
	while (*s != '\0') {
		uint32_t cp = 0;
		int n = utf8_decode(s, &cp);
		char esc[4];
		const char *piece;
		size_t len;

		if (n > 0 && terminal_safe(cp) && cp != '\\') {
			piece = (const char *)s;
			len = (size_t)n;
		} else if (n == 1 && cp == '\\') {
			piece = "\\\\";
			len = 2;
		} else {
			/* One byte at a time: an unsafe character or the first
			 * byte of an ill-formed sequence. */
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hexdigits[*s >> 4];
			esc[3] = hexdigits[*s & 0x0F];
			piece = esc;
			len = 4;
			n = 1;
		}
		if (len > cap - 1 - used)
			break;
		memcpy(dst + used, piece, len);
		used += len;
		s += n;
	}
	dst[used] = '\0';
	return dst;
}

char *
rdd_sanitize_utf8(char *dst, size_t cap, const char *src)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	const unsigned char *s = (const unsigned char *)src;
	size_t used = 0;

	if (cap == 0)
		return dst;
	if (s == NULL)
		s = (const unsigned char *)"";
	while (*s != '\0') {
		uint32_t cp;
		int n = utf8_decode(s, &cp);
		const char *piece;
		size_t len;

		if (n > 0) {
			piece = (const char *)s;
			len = (size_t)n;
		} else {
			piece = replacement;
			len = sizeof(replacement) - 1;
			n = -n;
		}
		if (len > cap - 1 - used)
			break;
		memcpy(dst + used, piece, len);
		used += len;
		s += n;
	}
	dst[used] = '\0';
	return dst;
}
