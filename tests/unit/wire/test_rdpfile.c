/*
 * test_rdpfile.c - lib/wire/rdpfile.c: saved connection files in UTF-16LE
 * (with and without a byte-order mark) and UTF-8 (with and without one),
 * the settings kept, secrets never copied, every kind of broken line named
 * with its line number, the cap on problems, and every truncation of a
 * file in both encodings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/rdpfile.h"

/* A file laid out as mstsc saves one (its property order, CRLF line
 * breaks), with a gateway; written for this test, not a capture. */
static const char mstsc_like[] =
    "screen mode id:i:2\r\n"
    "use multimon:i:0\r\n"
    "desktopwidth:i:1920\r\n"
    "desktopheight:i:1080\r\n"
    "session bpp:i:32\r\n"
    "winposstr:s:0,1,0,0,800,600\r\n"
    "compression:i:1\r\n"
    "full address:s:ts1.corp.example:3390\r\n"
    "audiomode:i:0\r\n"
    "redirectclipboard:i:1\r\n"
    "authentication level:i:2\r\n"
    "prompt for credentials:i:0\r\n"
    "negotiate security layer:i:1\r\n"
    "remoteapplicationmode:i:0\r\n"
    "alternate shell:s:\r\n"
    "shell working directory:s:\r\n"
    "gatewayhostname:s:rdg.corp.example\r\n"
    "gatewayusagemethod:i:1\r\n"
    "gatewaycredentialssource:i:4\r\n"
    "gatewayprofileusagemethod:i:1\r\n"
    "promptcredentialonce:i:1\r\n"
    "gatewaybrokeringtype:i:0\r\n"
    "use redirection server name:i:0\r\n"
    "rdgiskdcproxy:i:0\r\n"
    "kdcproxyname:s:\r\n"
    "username:s:CORP\\alice\r\n"
    "domain:s:CORP\r\n"
    "loadbalanceinfo:s:tsv://MS Terminal Services Plugin.1.Sales\r\n"
    "enablecredsspsupport:i:1\r\n"
    "gatewayaccesstoken:s:SECRET-TOKEN-123\r\n"
    "password 51:b:01000000D08C9DDF0115D1118C7A00C04FC297EB\r\n";

/* UTF-8 text to UTF-16LE (BMP and surrogate pairs), optionally with FF FE.
 * The caller frees. */
static uint8_t *
to_utf16(const char *s, bool bom, size_t *len)
{
	size_t n = strlen(s), i = 0, o = 0;
	uint8_t *out = malloc(4 * n + 2);
	uint32_t cp;

	assert_non_null(out);
	if (bom) {
		out[o++] = 0xFF;
		out[o++] = 0xFE;
	}
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			cp = c;
			i += 1;
		} else if ((c & 0xE0) == 0xC0) {
			cp = ((uint32_t)(c & 0x1F) << 6) | (s[i + 1] & 0x3F);
			i += 2;
		} else if ((c & 0xF0) == 0xE0) {
			cp = ((uint32_t)(c & 0x0F) << 12) |
			     ((uint32_t)(s[i + 1] & 0x3F) << 6) |
			     (s[i + 2] & 0x3F);
			i += 3;
		} else {
			cp = ((uint32_t)(c & 0x07) << 18) |
			     ((uint32_t)(s[i + 1] & 0x3F) << 12) |
			     ((uint32_t)(s[i + 2] & 0x3F) << 6) |
			     (s[i + 3] & 0x3F);
			i += 4;
		}
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xD800 + (v >> 10));
			uint16_t lo = (uint16_t)(0xDC00 + (v & 0x3FF));

			out[o++] = (uint8_t)hi;
			out[o++] = (uint8_t)(hi >> 8);
			out[o++] = (uint8_t)lo;
			out[o++] = (uint8_t)(lo >> 8);
		} else {
			out[o++] = (uint8_t)cp;
			out[o++] = (uint8_t)(cp >> 8);
		}
	}
	*len = o;
	return out;
}

/* Parse an exact-size heap copy, so that ASan sees any read past it. */
static size_t
parse_copy(const uint8_t *p, size_t n, struct rdd_rdpfile *f)
{
	uint8_t *copy = malloc(n > 0 ? n : 1);
	size_t r;

	assert_non_null(copy);
	if (n > 0)
		memcpy(copy, p, n);
	r = rdd_rdpfile_parse(copy, n, f);
	free(copy);
	return r;
}

static struct rdd_rdpfile *
new_file(void)
{
	struct rdd_rdpfile *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	return f;
}

/* True when NEEDLE's bytes occur in the N bytes at HAY. */
static bool
contains(const void *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (memcmp((const char *)hay + i, needle, k) == 0)
			return true;
	return false;
}

static void
assert_mstsc_like(const struct rdd_rdpfile *f)
{
	assert_int_equal(f->n_problems_total, 0);
	assert_int_equal(f->lines, 31);
	assert_int_equal(f->settings, 31);
	assert_true(f->v[RDD_RDPK_FULL_ADDRESS].set);
	assert_string_equal(f->v[RDD_RDPK_FULL_ADDRESS].s,
	                    "ts1.corp.example:3390");
	assert_int_equal(f->v[RDD_RDPK_FULL_ADDRESS].line, 8);
	assert_false(f->v[RDD_RDPK_SERVER_PORT].set);
	assert_string_equal(f->v[RDD_RDPK_GATEWAYHOSTNAME].s,
	                    "rdg.corp.example");
	assert_int_equal(f->v[RDD_RDPK_GATEWAYHOSTNAME].line, 17);
	assert_int_equal(f->v[RDD_RDPK_GATEWAYUSAGEMETHOD].i, 1);
	assert_int_equal(f->v[RDD_RDPK_GATEWAYCREDENTIALSSOURCE].i, 4);
	assert_int_equal(f->v[RDD_RDPK_GATEWAYPROFILEUSAGEMETHOD].i, 1);
	assert_int_equal(f->v[RDD_RDPK_AUTHENTICATION_LEVEL].i, 2);
	assert_int_equal(f->v[RDD_RDPK_NEGOTIATE_SECURITY_LAYER].i, 1);
	assert_int_equal(f->v[RDD_RDPK_PROMPT_FOR_CREDENTIALS].i, 0);
	assert_int_equal(f->v[RDD_RDPK_ENABLECREDSSPSUPPORT].i, 1);
	assert_string_equal(f->v[RDD_RDPK_USERNAME].s, "CORP\\alice");
	assert_string_equal(f->v[RDD_RDPK_DOMAIN].s, "CORP");
	assert_string_equal(f->v[RDD_RDPK_LOADBALANCEINFO].s,
	                    "tsv://MS Terminal Services Plugin.1.Sales");
	/* Secrets: present, never copied. */
	assert_true(f->v[RDD_RDPK_GATEWAYACCESSTOKEN].set);
	assert_string_equal(f->v[RDD_RDPK_GATEWAYACCESSTOKEN].s, "");
	assert_true(f->v[RDD_RDPK_PASSWORD51].set);
	assert_false(contains(f, sizeof(*f), "SECRET-TOKEN"));
	assert_false(contains(f, sizeof(*f), "D08C9DDF"));
}

static void
test_utf16_bom(void **state)
{
	struct rdd_rdpfile *f = new_file();
	size_t n;
	uint8_t *b = to_utf16(mstsc_like, true, &n);

	(void)state;
	assert_int_equal(parse_copy(b, n, f), 0);
	assert_int_equal(f->encoding, RDD_RDPFILE_UTF16LE_BOM);
	assert_string_equal(rdd_rdpfile_encoding_name(f->encoding),
	                    "utf-16le-bom");
	assert_mstsc_like(f);
	free(b);
	free(f);
}

static void
test_utf16_no_bom(void **state)
{
	struct rdd_rdpfile *f = new_file();
	size_t n;
	uint8_t *b = to_utf16(mstsc_like, false, &n);

	(void)state;
	assert_int_equal(parse_copy(b, n, f), 0);
	assert_int_equal(f->encoding, RDD_RDPFILE_UTF16LE_NOBOM);
	assert_mstsc_like(f);
	free(b);
	free(f);
}

static void
test_utf8_both(void **state)
{
	struct rdd_rdpfile *f = new_file();
	size_t n = strlen(mstsc_like);
	uint8_t *b = malloc(n + 3);

	(void)state;
	assert_non_null(b);
	assert_int_equal(parse_copy((const uint8_t *)mstsc_like, n, f), 0);
	assert_int_equal(f->encoding, RDD_RDPFILE_UTF8);
	assert_mstsc_like(f);
	b[0] = 0xEF;
	b[1] = 0xBB;
	b[2] = 0xBF;
	memcpy(b + 3, mstsc_like, n);
	assert_int_equal(parse_copy(b, n + 3, f), 0);
	assert_int_equal(f->encoding, RDD_RDPFILE_UTF8_BOM);
	assert_mstsc_like(f);
	free(b);
	free(f);
}

/* LF-only and CR-LF line breaks, a last line without one, blank lines,
 * names in any case, surrounding blanks. */
static void
test_layout_variants(void **state)
{
	static const char text[] = "\n"
	                           "  Full Address:S:10.0.0.5  \n"
	                           "\r\n"
	                           "SERVER PORT:i:3391\r\n"
	                           "username:s:bob";
	struct rdd_rdpfile *f = new_file();

	(void)state;
	assert_int_equal(parse_copy((const uint8_t *)text, strlen(text), f), 0);
	assert_int_equal(f->lines, 5);
	assert_string_equal(f->v[RDD_RDPK_FULL_ADDRESS].s, "10.0.0.5");
	assert_int_equal(f->v[RDD_RDPK_FULL_ADDRESS].line, 2);
	assert_int_equal(f->v[RDD_RDPK_SERVER_PORT].i, 3391);
	assert_int_equal(f->v[RDD_RDPK_SERVER_PORT].line, 4);
	assert_string_equal(f->v[RDD_RDPK_USERNAME].s, "bob");
	assert_int_equal(f->v[RDD_RDPK_USERNAME].line, 5);
	free(f);
}

/* Non-ASCII in both encodings: a name with U+00E9 and U+1F600 (a
 * surrogate pair in UTF-16) comes out as the same UTF-8. */
static void
test_non_ascii(void **state)
{
	static const char text[] = "username:s:ren\xc3\xa9\xf0\x9f\x98\x80\r\n";
	struct rdd_rdpfile *f = new_file();
	size_t n;
	uint8_t *b = to_utf16(text, true, &n);

	(void)state;
	assert_int_equal(parse_copy(b, n, f), 0);
	assert_string_equal(f->v[RDD_RDPK_USERNAME].s,
	                    "ren\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(parse_copy((const uint8_t *)text, strlen(text), f), 0);
	assert_string_equal(f->v[RDD_RDPK_USERNAME].s,
	                    "ren\xc3\xa9\xf0\x9f\x98\x80");
	free(b);
	free(f);
}

static void
assert_problem(const struct rdd_rdpfile *f, size_t i, unsigned line,
               enum rdd_rdpfile_problem_kind kind, const char *name)
{
	assert_true(i < f->n_problems);
	assert_int_equal(f->problems[i].line, line);
	assert_int_equal(f->problems[i].kind, kind);
	assert_string_equal(f->problems[i].name, name);
}

/* Every kind of broken line, each named with its line number; the good
 * lines around them are still read. */
static void
test_broken_lines(void **state)
{
	static const char text[] =
	    "full address:s:host1\r\n"        /* 1 ok */
	    "this is not a setting\r\n"       /* 2 malformed */
	    "server port:x:3390\r\n"          /* 3 bad type */
	    "server port:i:33a\r\n"           /* 4 bad integer */
	    "frobnicate:i:1\r\n"              /* 5 unknown */
	    "server port:s:3390\r\n"          /* 6 type mismatch */
	    "server port:i:0\r\n"             /* 7 out of range */
	    "full address:s:host2\r\n"        /* 8 duplicate, wins */
	    "password 51:b:0G\r\n"            /* 9 bad hex */
	    ":s:nameless\r\n"                 /* 10 malformed */
	    "gatewayusagemethod:i:7\r\n"      /* 11 out of range */
	    "desktopwidth:i:2147483648\r\n"   /* 12 bad integer */
	    "desktopheight:i:-2147483648\r\n" /* 13 ok */
	    "enablecredsspsupport:i:0\r\n"    /* 14 ok */
	    "server port:i\r\n";              /* 15 malformed */
	struct rdd_rdpfile *f = new_file();

	(void)state;
	assert_int_equal(parse_copy((const uint8_t *)text, strlen(text), f),
	                 12);
	assert_int_equal(f->lines, 15);
	assert_problem(f, 0, 2, RDD_RDPF_MALFORMED, "");
	assert_problem(f, 1, 3, RDD_RDPF_BAD_TYPE, "server port");
	assert_problem(f, 2, 4, RDD_RDPF_BAD_INTEGER, "server port");
	assert_problem(f, 3, 5, RDD_RDPF_UNKNOWN, "frobnicate");
	assert_problem(f, 4, 6, RDD_RDPF_TYPE_MISMATCH, "server port");
	assert_problem(f, 5, 7, RDD_RDPF_BAD_VALUE, "server port");
	assert_problem(f, 6, 8, RDD_RDPF_DUPLICATE, "full address");
	assert_problem(f, 7, 9, RDD_RDPF_BAD_HEX, "password 51");
	assert_problem(f, 8, 10, RDD_RDPF_MALFORMED, "");
	assert_problem(f, 9, 11, RDD_RDPF_BAD_VALUE, "gatewayusagemethod");
	assert_problem(f, 10, 12, RDD_RDPF_BAD_INTEGER, "desktopwidth");
	assert_problem(f, 11, 15, RDD_RDPF_MALFORMED, "server port");
	assert_string_equal(f->v[RDD_RDPK_FULL_ADDRESS].s, "host2");
	assert_int_equal(f->v[RDD_RDPK_FULL_ADDRESS].line, 8);
	assert_false(f->v[RDD_RDPK_SERVER_PORT].set);
	assert_false(f->v[RDD_RDPK_GATEWAYUSAGEMETHOD].set);
	assert_false(f->v[RDD_RDPK_PASSWORD51].set);
	assert_true(f->v[RDD_RDPK_ENABLECREDSSPSUPPORT].set);
	assert_int_equal(f->v[RDD_RDPK_ENABLECREDSSPSUPPORT].i, 0);
	assert_string_equal(rdd_rdpfile_problem_id(RDD_RDPF_UNKNOWN),
	                    "unknown-setting");
	free(f);
}

/* Invalid encodings: a lone surrogate and an odd last byte in UTF-16;
 * a stray continuation byte, an overlong form and a NUL in UTF-8. Each
 * spoils its own line only. */
static void
test_bad_encoding(void **state)
{
	static const uint8_t u16[] = {
	    0xFF, 0xFE, 'a', 0,   ':', 0,    's', 0,   ':', 0,    0x00,
	    0xD8, '\n', 0,   'u', 0,   's',  0,   'e', 0,   'r',  0,
	    'n',  0,    'a', 0,   'm', 0,    'e', 0,   ':', 0,    's',
	    0,    ':',  0,   'x', 0,   '\n', 0,   'z', 0,   0x41,
	};
	static const uint8_t u8[] = "a:s:\x80\n"
	                            "b:s:\xc0\xaf\n"
	                            "username:s:ok\n"
	                            "c:s:x\0y\n";
	struct rdd_rdpfile *f = new_file();

	(void)state;
	assert_int_equal(parse_copy(u16, sizeof(u16), f), 2);
	assert_problem(f, 0, 1, RDD_RDPF_BAD_ENCODING, "");
	assert_problem(f, 1, 3, RDD_RDPF_BAD_ENCODING, "");
	assert_string_equal(f->v[RDD_RDPK_USERNAME].s, "x");
	assert_int_equal(parse_copy(u8, sizeof(u8) - 1, f), 3);
	assert_problem(f, 0, 1, RDD_RDPF_BAD_ENCODING, "");
	assert_problem(f, 1, 2, RDD_RDPF_BAD_ENCODING, "");
	assert_problem(f, 2, 4, RDD_RDPF_BAD_ENCODING, "");
	assert_string_equal(f->v[RDD_RDPK_USERNAME].s, "ok");
	free(f);
}

/* A line longer than the buffer, a value longer than a setting keeps: both
 * named, and the next line is read. */
static void
test_too_long(void **state)
{
	size_t n = 3 * RDD_RDPFILE_LINE_MAX, o = 0;
	char *text = malloc(n + 100);
	struct rdd_rdpfile *f = new_file();

	(void)state;
	assert_non_null(text);
	memcpy(text, "winposstr:s:", 12);
	o = 12;
	memset(text + o, '7', 2 * RDD_RDPFILE_LINE_MAX);
	o += 2 * RDD_RDPFILE_LINE_MAX;
	text[o++] = '\n';
	memcpy(text + o, "username:s:", 11);
	o += 11;
	memset(text + o, 'u', RDD_RDPFILE_VALUE_MAX);
	o += RDD_RDPFILE_VALUE_MAX;
	memcpy(text + o, "\ndomain:s:D\n", 12);
	o += 12;
	assert_int_equal(parse_copy((const uint8_t *)text, o, f), 2);
	assert_problem(f, 0, 1, RDD_RDPF_TOO_LONG, "");
	assert_problem(f, 1, 2, RDD_RDPF_TOO_LONG, "username");
	assert_false(f->v[RDD_RDPK_USERNAME].set);
	assert_string_equal(f->v[RDD_RDPK_DOMAIN].s, "D");
	free(text);
	free(f);
}

/* More problems than kept: the first ones kept, all counted. */
static void
test_problem_cap(void **state)
{
	char *text = malloc(100 * 8 + 32);
	struct rdd_rdpfile *f = new_file();
	size_t o = 0, i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < 100; i++) {
		memcpy(text + o, "garbage\n", 8);
		o += 8;
	}
	memcpy(text + o, "full address:s:h\n", 17);
	o += 17;
	assert_int_equal(parse_copy((const uint8_t *)text, o, f), 100);
	assert_int_equal(f->n_problems, RDD_RDPFILE_MAX_PROBLEMS);
	assert_int_equal(f->problems[RDD_RDPFILE_MAX_PROBLEMS - 1].line,
	                 RDD_RDPFILE_MAX_PROBLEMS);
	assert_string_equal(f->v[RDD_RDPK_FULL_ADDRESS].s, "h");
	free(text);
	free(f);
}

static void
test_empty_and_null(void **state)
{
	struct rdd_rdpfile *f = new_file();
	static const uint8_t bom[] = {0xFF, 0xFE};

	(void)state;
	assert_int_equal(rdd_rdpfile_parse(NULL, 10, f), 0);
	assert_int_equal(f->lines, 0);
	assert_int_equal(parse_copy(bom, 0, f), 0);
	assert_int_equal(parse_copy(bom, 1, f), 1); /* one 0xFF byte */
	assert_int_equal(parse_copy(bom, 2, f), 0);
	assert_int_equal(f->encoding, RDD_RDPFILE_UTF16LE_BOM);
	assert_int_equal(f->lines, 0);
	free(f);
}

/*
 * Every truncation of the file, in UTF-16LE and UTF-8: each prefix parses
 * (under ASan: without reading past it), every setting whose line the
 * prefix holds whole (with its line break) has the full file's value, and
 * nothing is reported past the line the prefix ends in.
 */
static void
every_truncation(const uint8_t *b, size_t len, size_t unit, size_t skip)
{
	struct rdd_rdpfile *full = new_file(), *f = new_file();
	size_t n, k, i;

	(void)rdd_rdpfile_parse(b, len, full);
	for (n = 0; n <= len; n++) {
		unsigned complete = 0;

		(void)parse_copy(b, n, f);
		for (i = skip; i + unit <= n; i += unit)
			if (b[i] == '\n' && (unit == 1 || b[i + 1] == 0))
				complete++;
		assert_true(f->lines <= complete + 1);
		for (k = 0; k < RDD_RDPK_COUNT; k++) {
			const struct rdd_rdpfile_value *a = &full->v[k];
			const struct rdd_rdpfile_value *p = &f->v[k];

			if (a->set && a->line <= complete) {
				assert_true(p->set);
				assert_int_equal(p->line, a->line);
				assert_int_equal(p->i, a->i);
				assert_string_equal(p->s, a->s);
			}
			if (p->set)
				assert_true(p->line <= complete + 1);
		}
		for (i = 0; i < f->n_problems; i++)
			assert_true(f->problems[i].line <= complete + 1);
	}
	free(full);
	free(f);
}

static void
test_every_truncation(void **state)
{
	size_t n;
	uint8_t *b = to_utf16(mstsc_like, true, &n);

	(void)state;
	every_truncation(b, n, 2, 2);
	every_truncation((const uint8_t *)mstsc_like, strlen(mstsc_like), 1, 0);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf16_bom),
	    cmocka_unit_test(test_utf16_no_bom),
	    cmocka_unit_test(test_utf8_both),
	    cmocka_unit_test(test_layout_variants),
	    cmocka_unit_test(test_non_ascii),
	    cmocka_unit_test(test_broken_lines),
	    cmocka_unit_test(test_bad_encoding),
	    cmocka_unit_test(test_too_long),
	    cmocka_unit_test(test_problem_cap),
	    cmocka_unit_test(test_empty_and_null),
	    cmocka_unit_test(test_every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
