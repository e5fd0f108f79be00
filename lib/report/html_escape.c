/*
 * html_escape.c - untrusted bytes made safe for HTML text and for
 * double-quoted attribute values (report.h, html_int.h).
 *
 * What a server chose (certificate names, NTLM names, error texts) and
 * everything in a document read from a file reaches a page only through
 * here. The five characters that end text or an attribute become entities
 * (& < > " '); characters a reader cannot see or that reorder the line
 * become visible escapes: C0 controls but tab and line feed, and DEL, as
 * \xNN; the C1 controls (U+0080-U+009F) and the bidirectional embedding,
 * override and isolate controls (U+202A-U+202E, U+2066-U+2069) as \uNNNN.
 * Ill-formed UTF-8 becomes U+FFFD, one per byte. A backslash stays single
 * (the fixes hold registry paths to copy), so "\x1b" on a page may be
 * either; the JSON document is the exact record.
 *
 * UTF-8 is decoded by the well-formed byte sequences of The Unicode
 * Standard, table 3-7 (as escape.c does; its decoder is private to it).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rdpdoctor/report.h"
#include "report/html_int.h"

/* Length (1-4) of the well-formed character at S (N > 0 bytes left) into
 * *CP, or 0 when the first byte does not start one. */
static size_t
decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t len, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return len;
}

static const char hexdigits[] = "0123456789abcdef";

/*
 * The piece that stands for the character at S (N > 0 bytes left): into
 * BUF (at least 8 bytes) or a constant, its length in *LEN. Returns how
 * many bytes of S it consumes.
 */
static size_t
piece_of(const unsigned char *s, size_t n, char *buf, const char **piece,
         size_t *len)
{
	uint32_t cp = 0;
	size_t k = decode(s, n, &cp);

	if (k == 0) {
		*piece = "\xEF\xBF\xBD"; /* U+FFFD */
		*len = 3;
		return 1;
	}
	switch (cp) {
	case '&':
		*piece = "&amp;";
		break;
	case '<':
		*piece = "&lt;";
		break;
	case '>':
		*piece = "&gt;";
		break;
	case '"':
		*piece = "&quot;";
		break;
	case '\'':
		*piece = "&#39;";
		break;
	default:
		if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F) {
			buf[0] = '\\';
			buf[1] = 'x';
			buf[2] = hexdigits[cp >> 4];
			buf[3] = hexdigits[cp & 0x0F];
			*piece = buf;
			*len = 4;
			return k;
		}
		if ((cp >= 0x80 && cp <= 0x9F) ||
		    (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069)) {
			buf[0] = '\\';
			buf[1] = 'u';
			buf[2] = hexdigits[(cp >> 12) & 0x0F];
			buf[3] = hexdigits[(cp >> 8) & 0x0F];
			buf[4] = hexdigits[(cp >> 4) & 0x0F];
			buf[5] = hexdigits[cp & 0x0F];
			*piece = buf;
			*len = 6;
			return k;
		}
		*piece = (const char *)s;
		*len = k;
		return k;
	}
	*len = strlen(*piece);
	return k;
}

char *
rdd_escape_html(char *dst, size_t cap, const char *src)
{
	const unsigned char *s = (const unsigned char *)(src ? src : "");
	size_t used = 0, n;

	if (cap == 0)
		return dst;
	n = strlen((const char *)s);
	while (n > 0) {
		char buf[8];
		const char *piece;
		size_t len, k = piece_of(s, n, buf, &piece, &len);

		if (len > cap - 1 - used)
			break;
		memcpy(dst + used, piece, len);
		used += len;
		s += k;
		n -= k;
	}
	dst[used] = '\0';
	return dst;
}

void
rdd__h_text_n(struct hw *w, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)(src ? src : "");
	const unsigned char *run = s;

	if (src == NULL)
		n = 0;
	/* Runs of characters that stand for themselves go out in one
	 * write. */
	while (n > 0) {
		char buf[8];
		const char *piece;
		size_t len, k = piece_of(s, n, buf, &piece, &len);

		if (piece != (const char *)s) {
			if (s > run && fwrite(run, 1, (size_t)(s - run),
			                      w->out) != (size_t)(s - run))
				w->err = -1;
			if (fwrite(piece, 1, len, w->out) != len)
				w->err = -1;
			run = s + k;
		}
		s += k;
		n -= k;
	}
	if (s > run &&
	    fwrite(run, 1, (size_t)(s - run), w->out) != (size_t)(s - run))
		w->err = -1;
}

void
rdd__h_text(struct hw *w, const char *s)
{
	rdd__h_text_n(w, s, s != NULL ? strlen(s) : 0);
}

void
rdd__h_text_code(struct hw *w, const char *s)
{
	const char *p = s != NULL ? s : "";

	while (*p != '\0') {
		const char *tick = strchr(p, '`'), *end;
		bool block;

		if (tick == NULL || (end = strchr(tick + 1, '`')) == NULL) {
			rdd__h_text(w, p);
			return;
		}
		rdd__h_text_n(w, p, (size_t)(tick - p));
		/* A long command gets a line of its own. */
		block = end - tick - 1 > 48;
		rdd__h_raw(w, block ? "<code class=\"cmd blk\">"
		                    : "<code class=\"cmd\">");
		rdd__h_text_n(w, tick + 1, (size_t)(end - tick - 1));
		rdd__h_raw(w, "</code>");
		p = end + 1;
		/* The sentence's last stop would sit alone under the block. */
		if (block && p[strspn(p, ".,;) ")] == '\0')
			return;
	}
}
