/*
 * text.c - the small text helpers the rules share: appending with a cut
 * marked "...", case-insensitive matching, protocol names, endpoints,
 * dates and durations.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

/* Append to BUF (capacity CAP); a cut text ends in "...". */
void
rdd__append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	int r;

	if (len + 1 >= cap)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
	if (r >= 0 && (size_t)r >= cap - len && cap >= 4)
		memcpy(buf + cap - 4, "...", 4);
}

int
rdd__lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive: does S contain NEEDLE? */
bool
rdd__contains(const char *s, const char *needle)
{
	size_t i, j;

	for (i = 0; s[i] != '\0'; i++) {
		for (j = 0; needle[j] != '\0' && s[i + j] != '\0'; j++)
			if (rdd__lower((unsigned char)s[i + j]) !=
			    rdd__lower((unsigned char)needle[j]))
				break;
		if (needle[j] == '\0')
			return true;
	}
	return false;
}

bool
rdd__starts_with(const char *s, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i] != '\0'; i++)
		if (rdd__lower((unsigned char)s[i]) !=
		    rdd__lower((unsigned char)prefix[i]))
			return false;
	return true;
}

/* "RDP", "SSL", "SSL|HYBRID|HYBRID_EX", with unknown bits in hex. */
const char *
rdd__proto_names(uint32_t p, char *buf, size_t cap)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
	    {RDD_PROTO_SSL, "SSL"},       {RDD_PROTO_HYBRID, "HYBRID"},
	    {RDD_PROTO_RDSTLS, "RDSTLS"}, {RDD_PROTO_HYBRID_EX, "HYBRID_EX"},
	    {RDD_PROTO_RDSAAD, "RDSAAD"},
	};
	uint32_t rest = p;
	size_t i;

	buf[0] = '\0';
	if (p == RDD_PROTO_RDP) {
		rdd__append(buf, cap, "RDP");
		return buf;
	}
	for (i = 0; i < NELEM(bits); i++) {
		if (p & bits[i].bit) {
			rdd__append(buf, cap, "%s%s", buf[0] ? "|" : "",
			            bits[i].name);
			rest &= ~bits[i].bit;
		}
	}
	if (rest != 0)
		rdd__append(buf, cap, "%s0x%x", buf[0] ? "|" : "",
		            (unsigned)rest);
	return buf;
}

/* "10.0.0.5:3389" or "[2001:db8::5]:3389". */
const char *
rdd__endpoint(const struct rdd_observation *obs, const struct rdd_attempt *a,
              char *buf, size_t cap)
{
	const char *addr = a->address[0] ? a->address : obs->address;

	if (addr[0] == '\0')
		addr = obs->host;
	buf[0] = '\0';
	if (strchr(addr, ':') != NULL)
		rdd__append(buf, cap, "[%s]:%u", addr, (unsigned)obs->port);
	else
		rdd__append(buf, cap, "%s:%u", addr, (unsigned)obs->port);
	return buf;
}

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant). */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* "2020-01-02" and, with TIME, " 00:00:00 UTC". */
const char *
rdd__fmt_date(int64_t t, bool time, char *buf, size_t cap)
{
	int64_t days = floor_div(t, 86400), secs = t - days * 86400, y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	buf[0] = '\0';
	rdd__append(buf, cap, "%04lld-%02u-%02u", (long long)y, m, d);
	if (time)
		rdd__append(buf, cap, " %02u:%02u:%02u UTC",
		            (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
		            (unsigned)(secs % 60));
	return buf;
}

/* A positive duration as "2516 days", "1 day", "5 hours", "3 minutes". */
const char *
rdd__fmt_span(int64_t s, char *buf, size_t cap)
{
	static const struct {
		int64_t secs;
		const char *one;
		const char *many;
	} u[] = {
	    {86400, "day", "days"},
	    {3600, "hour", "hours"},
	    {60, "minute", "minutes"},
	    {1, "second", "seconds"},
	};
	size_t i;
	int64_t n = 0;

	for (i = 0; i < NELEM(u); i++) {
		n = s / u[i].secs;
		if (n >= 1 || i + 1 == NELEM(u))
			break;
	}
	buf[0] = '\0';
	rdd__append(buf, cap, "%lld %s", (long long)n,
	            n == 1 ? u[i].one : u[i].many);
	return buf;
}
