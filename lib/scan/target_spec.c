/*
 * target_spec.c - parse one target spec into a range of addresses or a
 * host name, with a port (targets.h states the syntax and why leading
 * zeros and inet_aton's other forms are refused rather than guessed).
 *
 * Addresses are 16 bytes, IPv4 as ::ffff:a.b.c.d, so the list, the
 * excludes and the dedupe handle one kind of range.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scan/target_spec.h"
#include "scan/targets.h"

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0,    0,
                                             0, 0, 0, 0, 0xff, 0xff};

int
rdd_addr_cmp(const uint8_t a[16], const uint8_t b[16])
{
	return memcmp(a, b, 16);
}

bool
rdd_addr_inc(uint8_t a[16])
{
	int i;

	for (i = 15; i >= 0; i--) {
		if (++a[i] != 0)
			return true;
	}
	return false;
}

uint64_t
rdd_addr_span(const uint8_t lo[16], const uint8_t hi[16], uint64_t limit)
{
	uint8_t d[16];
	unsigned borrow = 0;
	uint64_t low = 0;
	int i;

	/* d = hi - lo (hi >= lo, so no final borrow). */
	for (i = 15; i >= 0; i--) {
		unsigned x = (unsigned)hi[i] - lo[i] - borrow;

		d[i] = (uint8_t)x;
		borrow = (x >> 8) & 1;
	}
	for (i = 0; i < 8; i++) {
		if (d[i] != 0)
			return limit + 1;
	}
	for (i = 8; i < 16; i++)
		low = (low << 8) | d[i];
	if (low >= limit)
		return limit + 1;
	return low + 1;
}

bool
rdd_addr_is_v4(const uint8_t a[16])
{
	return memcmp(a, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0;
}

void
rdd_target_quote(char *buf, size_t size, const char *s, size_t len)
{
	char q[80];
	size_t i, o = 0;

	q[o++] = '\'';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = c >= 0x20 && c < 0x7f;

		if (o + (plain ? 1 : 4) > 61)
			break;
		if (plain)
			q[o++] = (char)c;
		else
			o += (size_t)snprintf(q + o, 5, "\\x%02x", c);
	}
	if (i < len) {
		memcpy(q + o, "...", 3);
		o += 3;
	}
	q[o++] = '\'';
	q[o] = '\0';
	if (size > 0)
		snprintf(buf, size, "%s", q);
}

static int fail(char *err, size_t errsize, const char *s, size_t len,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
fail(char *err, size_t errsize, const char *s, size_t len, const char *fmt, ...)
{
	char q[80], what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	rdd_target_quote(q, sizeof(q), s, len);
	if (errsize > 0)
		snprintf(err, errsize, "%s: %s", q, what);
	return -1;
}

/* What a parse step reports back: the message, without the quoted spec. */
struct why {
	char msg[160];
};

static int why(struct why *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
why(struct why *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static bool
all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return len > 0;
}

/*
 * A decimal number of 1..MAXDIGITS digits, no leading zero (a port takes
 * leading zeros: nothing reads it as octal). WHAT names it in messages.
 */
static int
number(const char *s, size_t len, unsigned long max, bool zeros_ok,
       const char *what, unsigned long *v, struct why *w)
{
	unsigned long x = 0;
	size_t i;

	if (len == 0)
		return why(w, "empty %s", what);
	if (!all_digits(s, len))
		return why(w, "the %s is not a number", what);
	if (len > 1 && s[0] == '0' && !zeros_ok)
		return why(w,
		           "leading zero in %s %.*s (refused: some tools read "
		           "it as octal)",
		           what, (int)(len > 10 ? 10 : len), s);
	for (i = 0; i < len; i++) {
		x = x * 10 + (unsigned long)(s[i] - '0');
		if (x > max) {
			if (len <= 10)
				return why(w, "%s %.*s is more than %lu", what,
				           (int)len, s, max);
			return why(w, "the %s is more than %lu", what, max);
		}
	}
	*v = x;
	return 0;
}

/* Strict dotted decimal into ::ffff:a.b.c.d. */
static int
parse_v4(const char *s, size_t len, uint8_t out[16], struct why *w)
{
	size_t i = 0, part;

	memset(out, 0, 16);
	out[10] = out[11] = 0xff;
	for (part = 0; part < 4; part++) {
		size_t start = i;
		unsigned long v;

		while (i < len && s[i] != '.')
			i++;
		if (i == start || (part < 3 && i == len))
			return why(w, "an IPv4 address is four numbers "
			              "separated by dots");
		if (number(s + start, i - start, 255, false, "octet", &v, w) !=
		    0)
			return -1;
		out[12 + part] = (uint8_t)v;
		if (part < 3)
			i++; /* the dot */
	}
	if (i != len)
		return why(w, "an IPv4 address is four numbers separated by "
		              "dots");
	return 0;
}

static int
parse_v6(const char *s, size_t len, uint8_t out[16], struct why *w)
{
	char tmp[64];

	if (memchr(s, '%', len) != NULL)
		return why(w, "a zone index (%%...) is not supported");
	if (len >= sizeof(tmp))
		return why(w, "not an IPv6 address");
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET6, tmp, out) != 1)
		return why(w, "not an IPv6 address");
	return 0;
}

/* An address of either family: IPv6 if it has a ':'. */
static int
parse_addr(const char *s, size_t len, uint8_t out[16], bool *v6, struct why *w)
{
	*v6 = memchr(s, ':', len) != NULL;
	return *v6 ? parse_v6(s, len, out, w) : parse_v4(s, len, out, w);
}

/* Text that can only be meant as an address: a ':' or only digits, dots. */
static bool
address_text(const char *s, size_t len, bool dash_ok)
{
	size_t i;

	if (memchr(s, ':', len) != NULL)
		return true;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      (dash_ok && s[i] == '-')))
			return false;
	}
	return true;
}

static int
parse_cidr(const char *s, size_t len, const char *slash,
           struct rdd_target_spec *out, struct why *w)
{
	size_t alen = (size_t)(slash - s), i;
	unsigned long plen;
	bool v6;

	if (alen == 0)
		return why(w, "no address before '/'");
	if (!address_text(s, alen, false))
		return why(w, "a prefix length follows an IPv4 or IPv6 "
		              "address, not a name");
	if (parse_addr(s, alen, out->lo, &v6, w) != 0)
		return -1;
	if (number(slash + 1, len - alen - 1, v6 ? 128 : 32, true,
	           "prefix length", &plen, w) != 0)
		return -1;
	if (!v6)
		plen += 96;
	memcpy(out->hi, out->lo, 16);
	for (i = 0; i < 16; i++) {
		unsigned long bits = plen > 8 * i ? plen - 8 * i : 0;
		uint8_t mask = (uint8_t)(0xff00u >> (bits > 8 ? 8 : bits));

		out->lo[i] &= mask;
		out->hi[i] |= (uint8_t)~mask;
	}
	return 0;
}

/* FIRST-LAST, or a.b.c.d-e (the last octet only). */
static int
parse_range(const char *s, size_t len, const char *dash,
            struct rdd_target_spec *out, struct why *w)
{
	const char *r = dash + 1;
	size_t llen = (size_t)(dash - s), rlen = len - llen - 1;
	bool v6, v6r;

	if (llen == 0)
		return why(w, "no address before '-'");
	if (rlen == 0)
		return why(w, "no address after '-'");
	if (memchr(r, '-', rlen) != NULL)
		return why(w, "more than one '-'");
	if (parse_addr(s, llen, out->lo, &v6, w) != 0)
		return -1;
	memcpy(out->hi, out->lo, 16);
	if (!v6 && memchr(r, '.', rlen) == NULL &&
	    memchr(r, ':', rlen) == NULL) {
		unsigned long v;

		if (number(r, rlen, 255, false, "octet", &v, w) != 0)
			return -1;
		out->hi[15] = (uint8_t)v;
	} else {
		if (v6 && memchr(r, ':', rlen) == NULL)
			return why(w, "an IPv6 range ends with a whole IPv6 "
			              "address");
		if (parse_addr(r, rlen, out->hi, &v6r, w) != 0)
			return -1;
		if (v6r != v6)
			return why(w,
			           "the two ends of the range are not of the "
			           "same family");
	}
	if (rdd_addr_cmp(out->hi, out->lo) < 0)
		return why(w, "the range is reversed (its first address is "
		              "after its last)");
	return 0;
}

/*
 * Well-formed UTF-8 of characters from U+00A0 (no overlong forms, no
 * surrogates, no C1 controls).
 */
static bool
utf8_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, need;
	uint32_t cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] < 0xc2 || s[i] > 0xf4)
			return false;
		need = s[i] < 0xe0 ? 1 : s[i] < 0xf0 ? 2 : 3;
		cp = s[i] & (0x3fu >> need);
		if (need > n - i - 1)
			return false;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3fu);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp < 0xa0)
			return false;
		i += need + 1;
	}
	return true;
}

/* A label inet_aton reads as a number: decimal, 0-octal or 0x-hex. */
static bool
c_number(const char *s, size_t len)
{
	size_t i = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < len; i++) {
			char c = s[i];

			if (!((c >= '0' && c <= '9') ||
			      (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
				return false;
		}
		return true;
	}
	return all_digits(s, len);
}

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int
check_name(const char *s, size_t len, struct why *w)
{
	size_t n = len, a = 0, b, labels = 0, numeric = 0;
	size_t last_a = 0, last_len = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n > 253)
		return why(w, "a host name is at most 253 characters");
	if (!utf8_ok(s, n))
		return why(w, "not valid UTF-8");
	while (a <= n) {
		bool ascii = true;

		for (b = a; b < n && s[b] != '.'; b++) {
			if ((unsigned char)s[b] >= 0x80)
				ascii = false;
			else if (!name_char(s[b]))
				return why(w,
				           "'%c' is not allowed in a host name",
				           s[b]);
		}
		if (b == a)
			return why(w, "empty label in the host name");
		if (s[a] == '-')
			return why(w, "a label starts with '-'");
		if (s[b - 1] == '-')
			return why(w, "a label ends with '-'");
		if (ascii && b - a > 63)
			return why(w, "a label is longer than 63 characters");
		labels++;
		numeric += c_number(s + a, b - a);
		last_a = a;
		last_len = b - a;
		a = b + 1;
	}
	if (labels <= 4 && numeric == labels)
		return why(w, "inet_aton would read this as an IPv4 address "
		              "(octal or hexadecimal); write it as a.b.c.d");
	if (all_digits(s + last_a, last_len))
		return why(w, "the last label of a host name cannot be all "
		              "digits");
	return 0;
}

int
rdd_target_spec_parse(const char *s, size_t len, struct rdd_target_spec *out,
                      char *err, size_t errsize)
{
	const char *host = s, *port = NULL, *p;
	size_t hlen = len, plen = 0, i;
	unsigned long v;
	struct why w;

	memset(out, 0, sizeof(*out));
	if (len == 0) {
		if (errsize > 0)
			snprintf(err, errsize, "empty target");
		return -1;
	}
	if (len > RDD_TARGET_SPEC_MAX)
		return fail(err, errsize, s, len, "longer than %u characters",
		            RDD_TARGET_SPEC_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t')
			return fail(err, errsize, s, len,
			            "a blank inside the target");
		if (c < 0x20 || c == 0x7f)
			return fail(err, errsize, s, len,
			            "a control character");
	}
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);
		size_t rest;

		if (close == NULL)
			return fail(err, errsize, s, len, "no ']' after '['");
		host = s + 1;
		hlen = (size_t)(close - host);
		rest = len - (size_t)(close + 1 - s);
		if (rest > 0 && close[1] != ':')
			return fail(err, errsize, s, len,
			            "unexpected text after ']'");
		if (rest > 0) {
			port = close + 2;
			plen = rest - 1;
		}
		if (hlen > 0 && memchr(host, ':', hlen) == NULL)
			return fail(err, errsize, s, len,
			            "brackets hold an IPv6 address");
	} else if ((p = memchr(s, ':', len)) != NULL &&
	           memchr(p + 1, ':', len - (size_t)(p + 1 - s)) == NULL) {
		/* One ':' is a port; more are an IPv6 address. */
		hlen = (size_t)(p - s);
		port = p + 1;
		plen = len - hlen - 1;
	}
	if (hlen == 0)
		return fail(err, errsize, s, len, "empty host");
	if ((p = memchr(host, '/', hlen)) != NULL) {
		if (parse_cidr(host, hlen, p, out, &w) != 0)
			return fail(err, errsize, s, len, "%s", w.msg);
	} else if (address_text(host, hlen, true)) {
		bool v6;

		if ((p = memchr(host, '-', hlen)) != NULL) {
			if (parse_range(host, hlen, p, out, &w) != 0)
				return fail(err, errsize, s, len, "%s", w.msg);
		} else {
			if (parse_addr(host, hlen, out->lo, &v6, &w) != 0)
				return fail(err, errsize, s, len, "%s", w.msg);
			memcpy(out->hi, out->lo, 16);
		}
	} else {
		if (check_name(host, hlen, &w) != 0)
			return fail(err, errsize, s, len, "%s", w.msg);
		out->is_name = true;
		out->name = host;
		out->name_len = hlen;
	}
	if (port != NULL) {
		if (number(port, plen, 65535, true, "port", &v, &w) != 0)
			return fail(err, errsize, s, len, "%s", w.msg);
		if (v == 0)
			return fail(err, errsize, s, len,
			            "port 0 is not allowed");
		out->port = (uint16_t)v;
	}
	return 0;
}
