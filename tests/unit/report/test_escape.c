/*
 * test_escape.c - rdd_escape_terminal and rdd_sanitize_utf8 (escape.c):
 * terminal control sequences, CR/LF/TAB/DEL, invalid UTF-8 (stray
 * continuation bytes, truncated sequences, overlongs, surrogates, code
 * points above U+10FFFF), C1 controls, truncation at character and escape
 * boundaries, and valid multi-byte characters that must pass unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rdpdoctor/report.h"

/* Escape SRC into a roomy buffer and compare with WANT. */
static void
check_term(const char *src, const char *want)
{
	char out[512];

	memset(out, 'Z', sizeof(out));
	assert_ptr_equal(rdd_escape_terminal(out, sizeof(out), src), out);
	assert_string_equal(out, want);
}

static void
check_utf8(const char *src, const char *want)
{
	char out[512];

	memset(out, 'Z', sizeof(out));
	assert_ptr_equal(rdd_sanitize_utf8(out, sizeof(out), src), out);
	assert_string_equal(out, want);
}

/* Is S well-formed UTF-8 by table 3-7? An independent check for tests. */
static int
valid_utf8(const unsigned char *s)
{
	while (*s != '\0') {
		unsigned char c = *s;
		int n;
		unsigned char lo = 0x80, hi = 0xBF;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 4;
		else
			return 0;
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
		if (s[1] < lo || s[1] > hi)
			return 0;
		for (int i = 2; i < n; i++)
			if (s[i] < 0x80 || s[i] > 0xBF)
				return 0;
		s += n;
	}
	return 1;
}

/* Does S hold a byte below 0x20, DEL, or a C1 control encoded in UTF-8? */
static int
has_control(const unsigned char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s == 0x7F)
			return 1;
		if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
			return 1;
	}
	return 0;
}

static void
test_term_printable_ascii_passes(void **state)
{
	(void)state;
	check_term("", "");
	check_term("CN=host.example.com, O=Acme Inc.",
	           "CN=host.example.com, O=Acme Inc.");
	check_term(" !\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~",
	           " !\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~");
}

static void
test_term_backslash_doubled(void **state)
{
	(void)state;
	/* Else "\x1b" typed by the server would read as an escape of ours. */
	check_term("a\\b", "a\\\\b");
	check_term("\\x1b", "\\\\x1b");
}

static void
test_term_escape_sequences(void **state)
{
	(void)state;
	check_term("\x1b[2J", "\\x1b[2J");
	check_term("CN=\x1b[31mred\x1b[0m", "CN=\\x1b[31mred\\x1b[0m");
	/* OSC 52 (clipboard write) terminated by BEL. */
	check_term("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07");
}

static void
test_term_controls(void **state)
{
	(void)state;
	check_term("a\r\nb", "a\\x0d\\x0ab");
	check_term("a\tb", "a\\x09b");
	check_term("\x7f", "\\x7f");
	check_term("\x01\x1f", "\\x01\\x1f");
	/* C1 controls U+0080-U+009F, including the 8-bit CSI U+009B. */
	check_term("\xc2\x9b"
	           "2J",
	           "\\xc2\\x9b"
	           "2J");
	check_term("\xc2\x80\xc2\x9f", "\\xc2\\x80\\xc2\\x9f");
	/* U+00A0 is the first character past C1: it passes. */
	check_term("\xc2\xa0", "\xc2\xa0");
}

static void
test_term_valid_multibyte_passes(void **state)
{
	(void)state;
	check_term("Z\xc3\xbcrich", "Z\xc3\xbcrich"); /* U+00FC */
	check_term("\xe6\x9d\xb1\xe4\xba\xac", "\xe6\x9d\xb1\xe4\xba\xac");
	check_term("\xf0\x9f\x94\x92", "\xf0\x9f\x94\x92"); /* U+1F512 */
	check_term("\xed\x9f\xbf", "\xed\x9f\xbf");         /* U+D7FF */
	check_term("\xee\x80\x80", "\xee\x80\x80");         /* U+E000 */
	check_term("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
	check_term("\xe0\xa0\x80", "\xe0\xa0\x80");         /* U+0800 */
	check_term("\xf0\x90\x80\x80", "\xf0\x90\x80\x80"); /* U+10000 */
}

static void
test_term_bidi_controls(void **state)
{
	(void)state;
	/* U+202E RIGHT-TO-LEFT OVERRIDE and U+2066 LEFT-TO-RIGHT ISOLATE. */
	check_term("a\xe2\x80\xae"
	           "b",
	           "a\\xe2\\x80\\xae"
	           "b");
	check_term("\xe2\x81\xa6", "\\xe2\\x81\\xa6");
	/* U+2010 HYPHEN is an ordinary character. */
	check_term("\xe2\x80\x90", "\xe2\x80\x90");
}

static void
test_term_invalid_utf8(void **state)
{
	(void)state;
	check_term("\x80", "\\x80"); /* stray */
	check_term("a\xbf"
	           "b",
	           "a\\xbf"
	           "b");
	check_term("\xc3", "\\xc3"); /* truncated */
	check_term("\xc3"
	           "A",
	           "\\xc3"
	           "A");
	check_term("\xe6\x9d", "\\xe6\\x9d");
	check_term("\xf0\x9f\x94", "\\xf0\\x9f\\x94");
	check_term("\xff\xfe", "\\xff\\xfe");
	check_term("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
}

static void
test_term_overlongs_surrogates_range(void **state)
{
	(void)state;
	/* Overlong '/' and NUL, the classic filter bypasses. */
	check_term("\xc0\xaf", "\\xc0\\xaf");
	check_term("\xc1\xbf", "\\xc1\\xbf");
	check_term("\xc0\x80", "\\xc0\\x80");
	check_term("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	check_term("\xe0\x9f\xbf", "\\xe0\\x9f\\xbf");
	check_term("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");
	check_term("\xf0\x8f\xbf\xbf", "\\xf0\\x8f\\xbf\\xbf");
	/* Overlong ESC must not become ESC. */
	check_term("\xc0\x9b", "\\xc0\\x9b");
	/* Surrogates U+D800 and U+DFFF (CESU-8). */
	check_term("\xed\xa0\x80", "\\xed\\xa0\\x80");
	check_term("\xed\xbf\xbf", "\\xed\\xbf\\xbf");
	/* U+110000 and beyond. */
	check_term("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
}

static void
test_term_truncation(void **state)
{
	char out[16];

	(void)state;
	/* cap 0 writes nothing at all. */
	memset(out, 'Z', sizeof(out));
	rdd_escape_terminal(out, 0, "abc");
	assert_int_equal(out[0], 'Z');

	rdd_escape_terminal(out, 1, "abc");
	assert_string_equal(out, "");

	rdd_escape_terminal(out, 3, "abc");
	assert_string_equal(out, "ab");

	/* An escape is never split: "\x1b" needs 4 bytes. */
	rdd_escape_terminal(out, 4, "a\x1b");
	assert_string_equal(out, "a");
	rdd_escape_terminal(out, 6, "a\x1b");
	assert_string_equal(out, "a\\x1b");
	rdd_escape_terminal(out, 2, "\\");
	assert_string_equal(out, "");
	rdd_escape_terminal(out, 3, "\\");
	assert_string_equal(out, "\\\\");

	/* A multi-byte character is never split. */
	rdd_escape_terminal(out, 4, "a\xf0\x9f\x94\x92");
	assert_string_equal(out, "a");
	rdd_escape_terminal(out, 6, "a\xf0\x9f\x94\x92");
	assert_string_equal(out, "a\xf0\x9f\x94\x92");
	rdd_escape_terminal(out, 3, "\xc3\xbc\xc3\xbc");
	assert_string_equal(out, "\xc3\xbc");
}

/* Every truncation of a hostile string is NUL-terminated, stays inside
 * CAP, never holds a raw control byte and is a prefix of the full output. */
static void
test_term_every_cap(void **state)
{
	static const char src[] = "CN=\x1b[2J\xc3\xbc\xff\r\n\\\xe2\x80\xae"
	                          "\xf0\x9f\x94\x92\xed\xa0\x80"
	                          "end";
	char full[256], out[256];
	size_t cap;

	(void)state;
	rdd_escape_terminal(full, sizeof(full), src);
	assert_true(valid_utf8((const unsigned char *)full));
	assert_false(has_control((const unsigned char *)full));
	for (cap = 1; cap <= strlen(full) + 1; cap++) {
		memset(out, 'Z', sizeof(out));
		rdd_escape_terminal(out, cap, src);
		assert_true(strlen(out) < cap);
		assert_int_equal(out[cap], 'Z');
		assert_memory_equal(out, full, strlen(out));
		assert_true(valid_utf8((const unsigned char *)out));
		assert_false(has_control((const unsigned char *)out));
	}
	assert_string_equal(out, full);
}

static void
test_term_null_src(void **state)
{
	char out[4] = "xyz";

	(void)state;
	rdd_escape_terminal(out, sizeof(out), NULL);
	assert_string_equal(out, "");
}

static void
test_utf8_valid_passes(void **state)
{
	(void)state;
	check_utf8("", "");
	check_utf8("plain", "plain");
	/* Control characters are JSON's business, not this function's. */
	check_utf8("a\x1b[2J\r\n\t", "a\x1b[2J\r\n\t");
	check_utf8(
	    "Z\xc3\xbcrich \xe6\x9d\xb1 \xf0\x9f\x94\x92 \xf4\x8f\xbf\xbf",
	    "Z\xc3\xbcrich \xe6\x9d\xb1 \xf0\x9f\x94\x92 \xf4\x8f\xbf\xbf");
	check_utf8("\xc2\x80", "\xc2\x80");
}

#define FFFD "\xef\xbf\xbd"

static void
test_utf8_invalid_replaced(void **state)
{
	(void)state;
	check_utf8("\x80", FFFD);
	check_utf8("a\xff"
	           "b",
	           "a" FFFD "b");
	check_utf8("\xc3"
	           "A",
	           FFFD "A");
	/* A truncated sequence is one maximal subpart: one U+FFFD. */
	check_utf8("\xe6\x9d"
	           "A",
	           FFFD "A");
	check_utf8("\xf0\x9f\x94", FFFD);
	/* Overlongs: the lead byte cannot start a valid sequence with the
	 * next byte, so each byte is its own subpart. */
	check_utf8("\xc0\xaf", FFFD FFFD);
	check_utf8("\xe0\x80\xaf", FFFD FFFD FFFD);
	check_utf8("\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD);
	/* Surrogate and beyond U+10FFFF. */
	check_utf8("\xed\xa0\x80", FFFD FFFD FFFD);
	check_utf8("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
	/* The Unicode Standard's example, section 3.9 (U+FFFD substitution). */
	check_utf8("\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64",
	           "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d");
}

static void
test_utf8_truncation(void **state)
{
	char out[16];

	(void)state;
	memset(out, 'Z', sizeof(out));
	rdd_sanitize_utf8(out, 0, "abc");
	assert_int_equal(out[0], 'Z');
	rdd_sanitize_utf8(out, 1, "abc");
	assert_string_equal(out, "");
	rdd_sanitize_utf8(out, 3, "a\xc3\xbc");
	assert_string_equal(out, "a");
	rdd_sanitize_utf8(out, 4, "a\xc3\xbc");
	assert_string_equal(out, "a\xc3\xbc");
	rdd_sanitize_utf8(out, 4, "a\xff");
	assert_string_equal(out, "a");
	rdd_sanitize_utf8(out, 5, "a\xff");
	assert_string_equal(out, "a" FFFD);
	rdd_sanitize_utf8(out, 5, "abc\xf0\x9f\x94\x92");
	assert_string_equal(out, "abc");
}

/* Every byte value at every position of a short string: the output is
 * always well-formed UTF-8, and the terminal escape never holds a control. */
static void
test_all_bytes_fuzzish(void **state)
{
	char src[5], term[64], utf[64];
	unsigned a, b;

	(void)state;
	for (a = 1; a < 256; a++) {
		for (b = 1; b < 256; b++) {
			src[0] = (char)a;
			src[1] = (char)b;
			src[2] = (char)0x80;
			src[3] = 'x';
			src[4] = '\0';
			rdd_escape_terminal(term, sizeof(term), src);
			rdd_sanitize_utf8(utf, sizeof(utf), src);
			assert_true(valid_utf8((const unsigned char *)term));
			assert_false(has_control((const unsigned char *)term));
			assert_true(valid_utf8((const unsigned char *)utf));
			assert_int_equal(term[strlen(term) - 1], 'x');
			assert_int_equal(utf[strlen(utf) - 1], 'x');
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_term_printable_ascii_passes),
	    cmocka_unit_test(test_term_backslash_doubled),
	    cmocka_unit_test(test_term_escape_sequences),
	    cmocka_unit_test(test_term_controls),
	    cmocka_unit_test(test_term_valid_multibyte_passes),
	    cmocka_unit_test(test_term_bidi_controls),
	    cmocka_unit_test(test_term_invalid_utf8),
	    cmocka_unit_test(test_term_overlongs_surrogates_range),
	    cmocka_unit_test(test_term_truncation),
	    cmocka_unit_test(test_term_every_cap),
	    cmocka_unit_test(test_term_null_src),
	    cmocka_unit_test(test_utf8_valid_passes),
	    cmocka_unit_test(test_utf8_invalid_replaced),
	    cmocka_unit_test(test_utf8_truncation),
	    cmocka_unit_test(test_all_bytes_fuzzish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
