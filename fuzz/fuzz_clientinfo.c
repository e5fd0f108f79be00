/*
 * fuzz_clientinfo.c - libFuzzer target for lib/wire/clientinfo.c.
 *
 * The input is parsed as a TS_INFO_PACKET with its extended info, and
 * read as the strings of one to build and parse back. Invariants a crash
 * would not reveal are checked with abort(): the parser consumes all on
 * success and nothing on failure, its strings are terminated and, from
 * UTF-16, valid UTF-8, optional fields come in order; the builder refuses
 * what is not UTF-8 or too long, and what it writes parses back to the
 * same strings.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/clientinfo.h"
#include "wire/cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

/* Whether the NUL-terminated S is UTF-8 (RFC 3629); the number of UTF-16
 * units it makes in *UNITS. */
static int
is_utf8(const char *str, size_t *units)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	int n, i;

	*units = 0;
	while (*s != '\0') {
		c = *s;
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
			return 0;
		}
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		*units += c >= 0x10000 ? 2 : 1;
		s += n + 1;
	}
	return 1;
}

static void
check_parsed(const struct rdd_client_info_parsed *p)
{
	size_t units;

	CHECK(TERMINATED(p->domain) && TERMINATED(p->user) &&
	      TERMINATED(p->alternate_shell) && TERMINATED(p->working_dir) &&
	      TERMINATED(p->client_address) && TERMINATED(p->client_dir));
	if (p->flags & RDD_INFO_UNICODE) {
		CHECK(is_utf8(p->domain, &units) && is_utf8(p->user, &units));
		CHECK(is_utf8(p->alternate_shell, &units) &&
		      is_utf8(p->working_dir, &units));
		CHECK(is_utf8(p->client_address, &units) &&
		      is_utf8(p->client_dir, &units));
		CHECK(p->password_len % 2 == 0);
	}
	CHECK(p->password_len <= 511);
	if (p->has_time_zone)
		CHECK(p->has_extended);
	if (p->has_performance_flags)
		CHECK(p->has_time_zone);
	if (!p->has_extended)
		CHECK(p->client_address[0] == '\0' && p->client_dir[0] == '\0');
}

static void
parse(const uint8_t *data, size_t size)
{
	struct rdd_client_info_parsed p;
	struct rdd_cur in;

	rdd_cur_init(&in, data, size);
	if (rdd_client_info_parse(&in, &p) == 0) {
		CHECK(rdd_cur_left(&in) == 0);
		check_parsed(&p);
	} else {
		CHECK(in.p == data && in.len == size);
	}
}

/* The parsed string BACK (CAP bytes) of the built S: the same, or when
 * S did not fit, a prefix of it. */
static void
check_back(const char *s, const char *back, size_t cap)
{
	size_t n = strlen(back);

	if (strlen(s) < cap)
		CHECK(strcmp(s, back) == 0);
	else
		CHECK(n < cap && strncmp(s, back, n) == 0);
}

/*
 * The input after its first byte, split at 0x00 bytes, gives up to seven
 * strings (domain, user, password, shell, directory, address, client
 * directory); the first byte sets the flags' and time zone's variations.
 */
static void
roundtrip(const uint8_t *data, size_t size)
{
	static char text[4096 + 1];
	static uint8_t out[8192];
	const char *s[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
	struct rdd_client_info_parsed back;
	struct rdd_client_info ci;
	struct rdd_buf b;
	struct rdd_cur in;
	size_t n, i, k, units;
	int valid = 1, rc;

	if (size < 1)
		return;
	n = size - 1 < sizeof(text) - 1 ? size - 1 : sizeof(text) - 1;
	memcpy(text, data + 1, n);
	text[n] = '\0';
	for (i = 0, k = 0; k < 7 && i <= n; k++) {
		s[k] = text + i;
		i += strlen(text + i) + 1;
	}
	rdd_client_info_defaults(&ci, data[0] & 1 ? 0x0017 : 0x0002, s[5]);
	ci.domain = s[0];
	ci.user = s[1];
	ci.password = s[2];
	ci.alternate_shell = s[3];
	ci.working_dir = s[4];
	if (s[6] != NULL)
		ci.client_dir = s[6];
	ci.tz_bias = (int32_t)(data[0] * 15) - 1920;
	ci.flags |= data[0] & 2 ? RDD_INFO_AUTOLOGON : 0;
	for (k = 0; k < 7; k++) {
		const char *str = k == 6 ? ci.client_dir : s[k];

		if (str != NULL &&
		    (!is_utf8(str, &units) || units * 2 > RDD_INFO_MAX_CB))
			valid = 0;
	}
	rdd_buf_init(&b, out, data[0] & 4 ? (size_t)data[0] * 3 : sizeof(out));
	rc = rdd_client_info_build(&b, &ci);
	if (b.cap == sizeof(out))
		CHECK((rc == 0) == valid);
	if (rc != 0) {
		CHECK(b.err && b.len == 0);
		return;
	}
	rdd_cur_init(&in, out, b.len);
	CHECK(rdd_client_info_parse(&in, &back) == 0);
	CHECK(rdd_cur_left(&in) == 0);
	CHECK(back.flags == ci.flags && back.code_page == 0);
	check_back(ci.domain != NULL ? ci.domain : "", back.domain,
	           sizeof(back.domain));
	check_back(ci.user != NULL ? ci.user : "", back.user,
	           sizeof(back.user));
	check_back(ci.alternate_shell != NULL ? ci.alternate_shell : "",
	           back.alternate_shell, sizeof(back.alternate_shell));
	check_back(ci.working_dir != NULL ? ci.working_dir : "",
	           back.working_dir, sizeof(back.working_dir));
	check_back(ci.client_address != NULL ? ci.client_address : "",
	           back.client_address, sizeof(back.client_address));
	check_back(ci.client_dir, back.client_dir, sizeof(back.client_dir));
	if (ci.password != NULL && is_utf8(ci.password, &units))
		CHECK(back.password_len == units * 2);
	CHECK(back.has_extended && back.has_time_zone &&
	      back.has_performance_flags);
	CHECK(back.tz_bias == ci.tz_bias);
	CHECK(back.address_family == ci.address_family);
	CHECK(back.performance_flags == 0x0f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(data, size);
	roundtrip(data, size);
	return 0;
}
