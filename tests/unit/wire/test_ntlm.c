/*
 * test_ntlm.c - lib/wire/ntlm.c: the NEGOTIATE builder (nmap's bytes,
 * shared/reference/protocol.md 4.6), the CHALLENGE parser on the
 * [MS-NLMP] 4.2.2.3 and 4.2.4.3 examples and on the real CHALLENGE of the
 * lab's FreeRDP 2.11.7 shadow server (tests/captures/lab/), every
 * truncation, malformed fields, AV pairs, UTF-16 to UTF-8, FILETIME and
 * the Windows release table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/ntlm.h"

#include "capture_vectors.h"

/* protocol.md 4.6: nmap's NEGOTIATE, flags 0xe20882b7, VERSION 10.0.17763
 * revision 15. */
static const uint8_t nmap_negotiate[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x01, 0x00,
    0x00, 0x00, 0xb7, 0x82, 0x08, 0xe2, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x0a, 0x00, 0x63, 0x45, 0x00, 0x00, 0x00, 0x0f,
};

/* [MS-NLMP] 4.2.4.3: CHALLENGE_MESSAGE of the NTLMv2 example: target name
 * "Server", MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server",
 * VERSION 6.0.6000 revision 15. */
static const uint8_t nlmp_v2[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x0c, 0x00, 0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x8a, 0xe2,
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x24, 0x00, 0x44, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f, 0x53, 0x00, 0x65, 0x00,
    0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00, 0x02, 0x00, 0x0c, 0x00,
    0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00,
    0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* [MS-NLMP] 4.2.2.3: CHALLENGE_MESSAGE of the NTLMv1 example: no target
 * information, target name "Server". */
static const uint8_t nlmp_v1[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x0c, 0x00, 0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x02, 0xe2,
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f, 0x53, 0x00, 0x65, 0x00,
    0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00,
};

/* tests/captures/lab/shadow-tsrequest-challenge.bin, bytes 24..241: the
 * CHALLENGE of FreeRDP 2.11.7's shadow server, hostname RDPLAB-SHADOW,
 * 218 bytes; MsvAvTimestamp 2026-11-22 06:23:15 UTC. Copied out of
 * shadow_challenge (capture_vectors.c) into an array of its own size, so
 * that a read past its end lands in ASan's redzone (once, before all
 * tests: copy_shadow is the group's setup). */
#define SHADOW_AT 24
static uint8_t shadow[218];

static int
copy_shadow(void **state)
{
	(void)state;
	memcpy(shadow, shadow_challenge + SHADOW_AT, sizeof(shadow));
	return 0;
}

static int
parse(const uint8_t *p, size_t n, struct rdd_ntlm_challenge *ch)
{
	struct rdd_cur c;

	rdd_cur_init(&c, p, n);
	memset(ch, 0xa5, sizeof(*ch));
	return rdd_ntlm_parse_challenge(&c, ch);
}

static void
assert_name(const struct rdd_cur *c, const char *want)
{
	char buf[128];

	rdd_utf16le_to_utf8(buf, sizeof(buf), c);
	assert_string_equal(buf, want);
}

static void
test_build_negotiate(void **state)
{
	static const struct rdd_ntlm_version v = {10, 0, 17763,
	                                          RDD_NTLM_REVISION_W2K3};
	uint8_t out[64];
	struct rdd_buf b;
	struct rdd_cur c;

	(void)state;
	assert_int_equal(RDD_NTLM_PROBE_FLAGS, 0xe20882b7);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_ntlm_build_negotiate(&b, RDD_NTLM_PROBE_FLAGS, &v),
	                 0);
	assert_int_equal(b.len, sizeof(nmap_negotiate));
	assert_memory_equal(out, nmap_negotiate, sizeof(nmap_negotiate));
	rdd_cur_init(&c, out, b.len);
	assert_int_equal(rdd_ntlm_message_type(&c), RDD_NTLM_NEGOTIATE);

	/* Without NEGOTIATE_VERSION the VERSION bytes are zero. */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_ntlm_build_negotiate(&b, RDD_NTLM_NEGOTIATE_UNICODE, &v), 0);
	assert_int_equal(b.len, 40);
	assert_memory_equal(out + 32, "\0\0\0\0\0\0\0\0", 8);
	rdd_buf_init(&b, out, 39);
	assert_int_equal(rdd_ntlm_build_negotiate(&b, 0, NULL), -1);
	assert_true(b.err);
}

static void
test_nlmp_v2(void **state)
{
	struct rdd_ntlm_challenge ch;
	static const uint8_t sc[] = {0x01, 0x23, 0x45, 0x67,
	                             0x89, 0xab, 0xcd, 0xef};

	(void)state;
	assert_int_equal(parse(nlmp_v2, sizeof(nlmp_v2), &ch), 0);
	assert_int_equal(ch.flags, 0xe28a8233);
	assert_memory_equal(ch.server_challenge, sc, 8);
	assert_true(ch.has_version);
	assert_int_equal(ch.version.major, 6);
	assert_int_equal(ch.version.minor, 0);
	assert_int_equal(ch.version.build, 6000);
	assert_int_equal(ch.version.revision, 15);
	assert_name(&ch.target_name, "Server");
	assert_int_equal(rdd_cur_left(&ch.target_info), 36);
	assert_int_equal(ch.n_av_pairs, 2);
	assert_true(ch.has_nb_domain);
	assert_name(&ch.nb_domain, "Domain");
	assert_true(ch.has_nb_computer);
	assert_name(&ch.nb_computer, "Server");
	assert_false(ch.has_dns_computer);
	assert_false(ch.has_dns_domain);
	assert_false(ch.has_dns_tree);
	assert_false(ch.has_av_target_name);
	assert_false(ch.has_timestamp);
	assert_false(ch.has_av_flags);
}

static void
test_nlmp_v1(void **state)
{
	struct rdd_ntlm_challenge ch;

	(void)state;
	assert_int_equal(parse(nlmp_v1, sizeof(nlmp_v1), &ch), 0);
	assert_int_equal(ch.flags, 0xe2028233);
	assert_true(ch.has_version);
	assert_int_equal(ch.version.build, 6000);
	assert_name(&ch.target_name, "Server");
	assert_int_equal(rdd_cur_left(&ch.target_info), 0);
	assert_int_equal(ch.n_av_pairs, 0);
	assert_false(ch.has_nb_computer);
}

static void
test_shadow(void **state)
{
	struct rdd_ntlm_challenge ch;
	bool exact = false;

	(void)state;
	assert_int_equal(parse(shadow, sizeof(shadow), &ch), 0);
	assert_int_equal(ch.flags, 0xe28882b7);
	assert_true(ch.flags & RDD_NTLM_NEGOTIATE_TARGET_INFO);
	assert_true(ch.has_version);
	assert_int_equal(ch.version.major, 6);
	assert_int_equal(ch.version.minor, 1);
	assert_int_equal(ch.version.build, 7601);
	assert_int_equal(ch.version.revision, RDD_NTLM_REVISION_W2K3);
	assert_string_equal(rdd_ntlm_os_name(6, 1, 7601, &exact),
	                    "Windows 7 SP1 / Server 2008 R2 SP1");
	assert_true(exact);
	assert_name(&ch.target_name, "RDPLAB-SHADOW");
	assert_int_equal(ch.n_av_pairs, 5);
	assert_name(&ch.nb_domain, "RDPLAB-SHADOW");
	assert_name(&ch.nb_computer, "RDPLAB-SHADOW");
	assert_name(&ch.dns_domain, "RDPLAB-SHADOW");
	assert_name(&ch.dns_computer, "RDPLAB-SHADOW");
	assert_false(ch.has_dns_tree);
	assert_true(ch.has_timestamp);
	assert_true(ch.timestamp == UINT64_C(0x01dd7a49f4d84b80));
	assert_int_equal(rdd_filetime_to_unix(ch.timestamp), 1795328595);
}

static void
test_every_truncation(void **state)
{
	struct rdd_ntlm_challenge ch;
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(shadow); n++)
		assert_int_equal(parse(shadow, n, &ch), -1);
	for (n = 0; n < sizeof(nlmp_v2); n++)
		assert_int_equal(parse(nlmp_v2, n, &ch), -1);
	for (n = 0; n < sizeof(nlmp_v1); n++)
		assert_int_equal(parse(nlmp_v1, n, &ch), -1);
}

/* Copy VEC and poke one byte at OFF. */
static int
parse_poked(const uint8_t *vec, size_t n, size_t off, uint8_t v)
{
	uint8_t buf[256];
	struct rdd_ntlm_challenge ch;

	assert_true(n <= sizeof(buf) && off < n);
	memcpy(buf, vec, n);
	buf[off] = v;
	return parse(buf, n, &ch);
}

static void
test_malformed(void **state)
{
	(void)state;
	/* Signature and type. */
	assert_int_equal(parse_poked(nlmp_v2, sizeof(nlmp_v2), 0, 'n'), -1);
	assert_int_equal(parse_poked(nlmp_v2, sizeof(nlmp_v2), 7, '!'), -1);
	assert_int_equal(parse_poked(nlmp_v2, sizeof(nlmp_v2), 8, 3), -1);
	/* Target name offset past the end, and into the header. */
	assert_int_equal(parse_poked(nlmp_v2, sizeof(nlmp_v2), 16, 0x70), -1);
	assert_int_equal(parse_poked(nlmp_v2, sizeof(nlmp_v2), 19, 0x01), -1);
	assert_int_equal(parse_poked(nlmp_v2, sizeof(nlmp_v2), 16, 0x20), -1);
	/* Target info longer than the message. */
	assert_int_equal(parse_poked(nlmp_v2, sizeof(nlmp_v2), 40, 0x26), -1);
	/* An AV pair whose length runs past the list. */
	assert_int_equal(parse_poked(nlmp_v2, sizeof(nlmp_v2), 70, 0x40), -1);
	/* A name of odd length (MsvAvNbDomainName 11 bytes). */
	assert_int_equal(parse_poked(nlmp_v2, sizeof(nlmp_v2), 70, 0x0b), -1);
	/* No MsvAvEOL: the last pair's id becomes MsvAvSingleHost with a
	 * zero length, and the list ends. */
	assert_int_equal(parse_poked(nlmp_v2, sizeof(nlmp_v2), 100, 0x08), -1);
	/* Timestamp of the wrong size (shadow: AvLen 8 -> 7). */
	assert_int_equal(parse_poked(shadow, sizeof(shadow), 204, 0x07), -1);
}

static void
test_av_pairs(void **state)
{
	/* A handmade list: flags, timestamp, DNS tree, a duplicate DNS
	 * computer name (the first wins), target name, an unknown id, EOL,
	 * padding. Offsets: header 56, target info at 56. */
	static const uint8_t msg[] = {
	    'N',
	    'T',
	    'L',
	    'M',
	    'S',
	    'S',
	    'P',
	    0,
	    0x02,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x01,
	    0x00,
	    0x80,
	    0x02,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    /* 40: TargetInfoFields: len 56, offset 56 */
	    0x38,
	    0x00,
	    0x38,
	    0x00,
	    0x38,
	    0x00,
	    0x00,
	    0x00,
	    /* 48: VERSION 10.0.20348 */
	    0x0a,
	    0x00,
	    0x7c,
	    0x4f,
	    0x00,
	    0x00,
	    0x00,
	    0x0f,
	    /* 56: MsvAvFlags = 2 */
	    0x06,
	    0x00,
	    0x04,
	    0x00,
	    0x02,
	    0x00,
	    0x00,
	    0x00,
	    /* MsvAvTimestamp = 0 */
	    0x07,
	    0x00,
	    0x08,
	    0x00,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    /* MsvAvDnsTreeName "ad" */
	    0x05,
	    0x00,
	    0x04,
	    0x00,
	    'a',
	    0,
	    'd',
	    0,
	    /* MsvAvDnsComputerName "x", then "y" */
	    0x03,
	    0x00,
	    0x02,
	    0x00,
	    'x',
	    0,
	    0x03,
	    0x00,
	    0x02,
	    0x00,
	    'y',
	    0,
	    /* MsvAvTargetName "t" */
	    0x09,
	    0x00,
	    0x02,
	    0x00,
	    't',
	    0,
	    /* id 0x42, 1 byte */
	    0x42,
	    0x00,
	    0x01,
	    0x00,
	    0xff,
	    /* EOL, then padding */
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0xee,
	};
	struct rdd_ntlm_challenge ch;
	struct rdd_cur list, v;
	uint16_t id;
	size_t n = 0;
	bool exact = true;

	(void)state;
	assert_int_equal(parse(msg, sizeof(msg), &ch), 0);
	assert_int_equal(ch.version.build, 20348);
	assert_string_equal(rdd_ntlm_os_name(10, 0, 20348, &exact),
	                    "Windows Server 2022");
	assert_true(ch.has_av_flags);
	assert_int_equal(ch.av_flags, 2);
	assert_true(ch.has_timestamp);
	assert_true(ch.timestamp == 0);
	assert_name(&ch.dns_tree, "ad");
	assert_name(&ch.dns_computer, "x");
	assert_name(&ch.av_target_name, "t");
	assert_int_equal(rdd_cur_left(&ch.target_name), 0);
	assert_int_equal(ch.n_av_pairs, 7);

	list = ch.target_info;
	while (rdd_ntlm_av_next(&list, &id, &v) == 0 && id != RDD_MSV_AV_EOL)
		n++;
	assert_int_equal(n, 7);
	assert_int_equal(rdd_cur_left(&list), 1);
	assert_int_equal(rdd_ntlm_av_next(&list, &id, &v), -1);
}

/* VERSION is read only when the flag says so and the payload leaves room. */
static void
test_version_presence(void **state)
{
	uint8_t buf[sizeof(nlmp_v2)];
	struct rdd_ntlm_challenge ch;

	(void)state;
	/* NEGOTIATE_VERSION off: not read. */
	memcpy(buf, nlmp_v2, sizeof(buf));
	buf[23] = 0xe0;
	assert_int_equal(parse(buf, sizeof(buf), &ch), 0);
	assert_false(ch.has_version);
	assert_name(&ch.target_name, "Server");
	/* A 48-byte header: the target name starts at 48; no VERSION. */
	memcpy(buf, nlmp_v2, sizeof(buf));
	buf[16] = 0x30;
	assert_int_equal(parse(buf, sizeof(buf), &ch), 0);
	assert_false(ch.has_version);
	assert_int_equal(rdd_cur_left(&ch.target_name), 12);
	assert_ptr_equal(ch.target_name.p, buf + 48);
}

static void
test_message_type(void **state)
{
	struct rdd_cur c;

	(void)state;
	rdd_cur_init(&c, nlmp_v2, sizeof(nlmp_v2));
	assert_true(rdd_ntlm_has_signature(&c));
	assert_int_equal(rdd_ntlm_message_type(&c), 2);
	rdd_cur_init(&c, nlmp_v2, 11);
	assert_int_equal(rdd_ntlm_message_type(&c), -1);
	rdd_cur_init(&c, nlmp_v2, 7);
	assert_false(rdd_ntlm_has_signature(&c));
	rdd_cur_init(&c, (const uint8_t *)"NTLMSSQ\0\1\0\0\0", 12);
	assert_false(rdd_ntlm_has_signature(&c));
}

static void
check_utf8(const uint8_t *u16, size_t n, size_t cap, const char *want)
{
	char out[64];
	struct rdd_cur c;
	size_t w;

	assert_true(cap <= sizeof(out));
	memset(out, 'Z', sizeof(out));
	rdd_cur_init(&c, u16, n);
	w = rdd_utf16le_to_utf8(out, cap, &c);
	assert_string_equal(out, want);
	assert_int_equal(w, strlen(want));
}

static void
test_utf16(void **state)
{
	static const uint8_t ascii[] = {'A', 0, 'b', 0, '-', 0, '1', 0};
	/* "é" U+00E9, "日" U+65E5, "😀" U+1F600 (d83d de00). */
	static const uint8_t mixed[] = {0xe9, 0x00, 0xe5, 0x65,
	                                0x3d, 0xd8, 0x00, 0xde};
	static const uint8_t lone_hi[] = {0x3d, 0xd8, 'x', 0};
	static const uint8_t lone_lo[] = {0x00, 0xde, 'x', 0};
	static const uint8_t hi_end[] = {'x', 0, 0x3d, 0xd8};
	static const uint8_t odd[] = {'x', 0, 'y'};
	static const uint8_t nul[] = {'a', 0, 0, 0, 'b', 0};
	static const uint8_t esc[] = {0x1b, 0, '[', 0, '2', 0, 'J', 0};

	(void)state;
	check_utf8(ascii, sizeof(ascii), 64, "Ab-1");
	check_utf8(mixed, sizeof(mixed), 64,
	           "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80");
	check_utf8(lone_hi, sizeof(lone_hi), 64, "\xef\xbf\xbdx");
	check_utf8(lone_lo, sizeof(lone_lo), 64, "\xef\xbf\xbdx");
	check_utf8(hi_end, sizeof(hi_end), 64, "x\xef\xbf\xbd");
	check_utf8(odd, sizeof(odd), 64, "x\xef\xbf\xbd");
	check_utf8(nul, sizeof(nul), 64,
	           "a\xef\xbf\xbd"
	           "b");
	/* Control characters are kept: the report layer escapes them. */
	check_utf8(esc, sizeof(esc), 64, "\x1b[2J");
	/* Cut at a character boundary: room for "é" (2) but not "日" (3). */
	check_utf8(mixed, sizeof(mixed), 5, "\xc3\xa9");
	check_utf8(mixed, sizeof(mixed), 6, "\xc3\xa9\xe6\x97\xa5");
	check_utf8(ascii, sizeof(ascii), 1, "");
	check_utf8(ascii, sizeof(ascii), 3, "Ab");
	check_utf8(ascii, 0, 8, "");
}

static void
test_filetime(void **state)
{
	(void)state;
	assert_int_equal(rdd_filetime_to_unix(UINT64_C(116444736000000000)), 0);
	assert_int_equal(rdd_filetime_to_unix(UINT64_C(116444736009999999)), 0);
	assert_int_equal(rdd_filetime_to_unix(0), INT64_C(-11644473600));
	assert_true(rdd_filetime_to_unix(UINT64_MAX) > 0);
}

static void
test_os_names(void **state)
{
	bool exact = true;

	(void)state;
	assert_string_equal(rdd_ntlm_os_name(10, 0, 17763, &exact),
	                    "Windows Server 2019 / Windows 10 1809");
	assert_true(exact);
	assert_string_equal(rdd_ntlm_os_name(10, 0, 14393, NULL),
	                    "Windows Server 2016 / Windows 10 1607");
	assert_string_equal(rdd_ntlm_os_name(6, 3, 9600, NULL),
	                    "Windows 8.1 / Server 2012 R2");
	assert_string_equal(rdd_ntlm_os_name(10, 0, 26100, NULL),
	                    "Windows Server 2025 / Windows 11 24H2");
	assert_string_equal(rdd_ntlm_os_name(10, 0, 12345, &exact),
	                    "Windows 10 / 11 / Server 2016 or later");
	assert_false(exact);
	assert_string_equal(rdd_ntlm_os_name(6, 1, 7602, &exact),
	                    "Windows 7 / Server 2008 R2");
	assert_false(exact);
	assert_null(rdd_ntlm_os_name(4, 0, 1381, &exact));
	assert_false(exact);
	assert_null(rdd_ntlm_os_name(0, 0, 0, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_negotiate),
	    cmocka_unit_test(test_nlmp_v2),
	    cmocka_unit_test(test_nlmp_v1),
	    cmocka_unit_test(test_shadow),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_av_pairs),
	    cmocka_unit_test(test_version_presence),
	    cmocka_unit_test(test_message_type),
	    cmocka_unit_test(test_utf16),
	    cmocka_unit_test(test_filetime),
	    cmocka_unit_test(test_os_names),
	};

	return cmocka_run_group_tests(tests, copy_shadow, NULL);
}
