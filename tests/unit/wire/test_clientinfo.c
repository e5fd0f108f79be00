/*
 * test_clientinfo.c - lib/wire/clientinfo.c: the TS_INFO_PACKET and
 * TS_EXTENDED_INFO_PACKET rdpdoctor sends (exact bytes of the defaults),
 * the [MS-RDPBCGR] 4.1.10 example parsed and its fixed part rebuilt, round
 * trips with non-ASCII strings, the length limit, UTF-8 checking, the
 * all-or-nothing write, and the parser on cut-short and malformed input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/clientinfo.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * [MS-RDPBCGR] 4.1.10 (Client Info PDU): the TS_INFO_PACKET as the
 * section annotates it once decrypted, 398 bytes, the size of the PDU's
 * user data (0x19c) less its 12-byte non-FIPS security header. Bytes as
 * transcribed in IronRDP's test suite (ironrdp-testsuite-core
 * client_info.rs, CLIENT_INFO_BUFFER_UNICODE) and laid out again here
 * field by field. No mstsc or FreeRDP capture has it in clear: RDP-003
 * frame 24 is encrypted.
 */
static const uint8_t spec_info[398] = {
    /* CodePage 0x04090409 */
    0x09,
    0x04,
    0x09,
    0x04,
    /* flags 0x000043b3 */
    0xb3,
    0x43,
    0x00,
    0x00,
    /* cbDomain 10, cbUserName 12, cbPassword, cbAlternateShell, cbWorkingDir 0 */
    0x0a,
    0x00,
    0x0c,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    /* Domain "NTDEV" */
    0x4e,
    0x00,
    0x54,
    0x00,
    0x44,
    0x00,
    0x45,
    0x00,
    0x56,
    0x00,
    0x00,
    0x00,
    /* UserName "eltons" */
    0x65,
    0x00,
    0x6c,
    0x00,
    0x74,
    0x00,
    0x6f,
    0x00,
    0x6e,
    0x00,
    0x73,
    0x00,
    0x00,
    0x00,
    /* Password, AlternateShell, WorkingDir: empty */
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    /* clientAddressFamily AF_INET, cbClientAddress 30 */
    0x02,
    0x00,
    0x1e,
    0x00,
    /* clientAddress "157.59.242.156" */
    0x31,
    0x00,
    0x35,
    0x00,
    0x37,
    0x00,
    0x2e,
    0x00,
    0x35,
    0x00,
    0x39,
    0x00,
    0x2e,
    0x00,
    0x32,
    0x00,
    0x34,
    0x00,
    0x32,
    0x00,
    0x2e,
    0x00,
    0x31,
    0x00,
    0x35,
    0x00,
    0x36,
    0x00,
    0x00,
    0x00,
    /* cbClientDir 132 */
    0x84,
    0x00,
    /* clientDir "C:\\depots\\w2k3_1\\termsrv\\newclient\\lib\\win32\\obj\\i386\\mstscax.dll" */
    0x43,
    0x00,
    0x3a,
    0x00,
    0x5c,
    0x00,
    0x64,
    0x00,
    0x65,
    0x00,
    0x70,
    0x00,
    0x6f,
    0x00,
    0x74,
    0x00,
    0x73,
    0x00,
    0x5c,
    0x00,
    0x77,
    0x00,
    0x32,
    0x00,
    0x6b,
    0x00,
    0x33,
    0x00,
    0x5f,
    0x00,
    0x31,
    0x00,
    0x5c,
    0x00,
    0x74,
    0x00,
    0x65,
    0x00,
    0x72,
    0x00,
    0x6d,
    0x00,
    0x73,
    0x00,
    0x72,
    0x00,
    0x76,
    0x00,
    0x5c,
    0x00,
    0x6e,
    0x00,
    0x65,
    0x00,
    0x77,
    0x00,
    0x63,
    0x00,
    0x6c,
    0x00,
    0x69,
    0x00,
    0x65,
    0x00,
    0x6e,
    0x00,
    0x74,
    0x00,
    0x5c,
    0x00,
    0x6c,
    0x00,
    0x69,
    0x00,
    0x62,
    0x00,
    0x5c,
    0x00,
    0x77,
    0x00,
    0x69,
    0x00,
    0x6e,
    0x00,
    0x33,
    0x00,
    0x32,
    0x00,
    0x5c,
    0x00,
    0x6f,
    0x00,
    0x62,
    0x00,
    0x6a,
    0x00,
    0x5c,
    0x00,
    0x69,
    0x00,
    0x33,
    0x00,
    0x38,
    0x00,
    0x36,
    0x00,
    0x5c,
    0x00,
    0x6d,
    0x00,
    0x73,
    0x00,
    0x74,
    0x00,
    0x73,
    0x00,
    0x63,
    0x00,
    0x61,
    0x00,
    0x78,
    0x00,
    0x2e,
    0x00,
    0x64,
    0x00,
    0x6c,
    0x00,
    0x6c,
    0x00,
    0x00,
    0x00,
    /* clientTimeZone: Bias 480 */
    0xe0,
    0x01,
    0x00,
    0x00,
    /* StandardName "Pacific Standard Time" */
    0x50,
    0x00,
    0x61,
    0x00,
    0x63,
    0x00,
    0x69,
    0x00,
    0x66,
    0x00,
    0x69,
    0x00,
    0x63,
    0x00,
    0x20,
    0x00,
    0x53,
    0x00,
    0x74,
    0x00,
    0x61,
    0x00,
    0x6e,
    0x00,
    0x64,
    0x00,
    0x61,
    0x00,
    0x72,
    0x00,
    0x64,
    0x00,
    0x20,
    0x00,
    0x54,
    0x00,
    0x69,
    0x00,
    0x6d,
    0x00,
    0x65,
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
    0x00,
    /* StandardDate: October, Sunday, last, 02:00 */
    0x00,
    0x00,
    0x0a,
    0x00,
    0x00,
    0x00,
    0x05,
    0x00,
    0x02,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    /* StandardBias 0 */
    0x00,
    0x00,
    0x00,
    0x00,
    /* DaylightName "Pacific Daylight Time" */
    0x50,
    0x00,
    0x61,
    0x00,
    0x63,
    0x00,
    0x69,
    0x00,
    0x66,
    0x00,
    0x69,
    0x00,
    0x63,
    0x00,
    0x20,
    0x00,
    0x44,
    0x00,
    0x61,
    0x00,
    0x79,
    0x00,
    0x6c,
    0x00,
    0x69,
    0x00,
    0x67,
    0x00,
    0x68,
    0x00,
    0x74,
    0x00,
    0x20,
    0x00,
    0x54,
    0x00,
    0x69,
    0x00,
    0x6d,
    0x00,
    0x65,
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
    0x00,
    /* DaylightDate: April, Sunday, first, 02:00 */
    0x00,
    0x00,
    0x04,
    0x00,
    0x00,
    0x00,
    0x01,
    0x00,
    0x02,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    /* DaylightBias -60 */
    0xc4,
    0xff,
    0xff,
    0xff,
    /* clientSessionId 0 */
    0x00,
    0x00,
    0x00,
    0x00,
    /* performanceFlags PERF_DISABLE_WALLPAPER */
    0x01,
    0x00,
    0x00,
    0x00,
};
#define SPEC_INFO_FIXED_END 218 /* the end of clientDir */

#define FREERDP_CLIENT_DIR "C:\\Windows\\System32\\mstscax.dll"

/* "C:\Windows\System32\mstscax.dll" as UTF-16LE with its terminator. */
static const uint8_t freerdp_dir_utf16[64] = {
    'C', 0, ':', 0, '\\', 0, 'W',  0, 'i', 0, 'n', 0, 'd', 0, 'o', 0,
    'w', 0, 's', 0, '\\', 0, 'S',  0, 'y', 0, 's', 0, 't', 0, 'e', 0,
    'm', 0, '3', 0, '2',  0, '\\', 0, 'm', 0, 's', 0, 't', 0, 's', 0,
    'c', 0, 'a', 0, 'x',  0, '.',  0, 'd', 0, 'l', 0, 'l', 0, 0,   0,
};

static void
build_ok(const struct rdd_client_info *ci, uint8_t *out, size_t cap,
         size_t *len)
{
	struct rdd_buf b;

	rdd_buf_init(&b, out, cap);
	assert_int_equal(rdd_client_info_build(&b, ci), 0);
	assert_false(b.err);
	*len = b.len;
}

static void
parse_ok(const uint8_t *p, size_t len, struct rdd_client_info_parsed *out)
{
	struct rdd_cur in;

	rdd_cur_init(&in, p, len);
	assert_int_equal(rdd_client_info_parse(&in, out), 0);
	assert_int_equal(rdd_cur_left(&in), 0);
}

static void
parse_refused(const uint8_t *p, size_t len)
{
	struct rdd_client_info_parsed out, before;
	struct rdd_cur in;

	memset(&before, 0x5a, sizeof(before));
	out = before;
	rdd_cur_init(&in, p, len);
	if (rdd_client_info_parse(&in, &out) != -1)
		fail_msg("%zu bytes accepted", len);
	assert_ptr_equal(in.p, p);
	assert_int_equal(in.len, len);
	assert_memory_equal(&out, &before, sizeof(out));
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ---- the defaults ------------------------------------------------------- */

static void
test_defaults_fields(void **state)
{
	struct rdd_client_info ci;

	(void)state;
	memset(&ci, 0xa5, sizeof(ci));
	rdd_client_info_defaults(&ci, 0x0017, "2001:db8::7");
	assert_int_equal(ci.code_page, 0);
	assert_int_equal(ci.flags, RDD_INFO_FLAGS_DEFAULT);
	/* What the name promises: FreeRDP's fixed flags, logon notify, no
	 * audio, no compression, no autologon. */
	assert_int_equal(ci.flags,
	                 RDD_INFO_MOUSE | RDD_INFO_DISABLECTRLALTDEL |
	                     RDD_INFO_UNICODE | RDD_INFO_MAXIMIZESHELL |
	                     RDD_INFO_LOGONNOTIFY | RDD_INFO_ENABLEWINDOWSKEY |
	                     RDD_INFO_FORCE_ENCRYPTED_CS_PDU |
	                     RDD_INFO_LOGONERRORS | RDD_INFO_MOUSE_HAS_WHEEL |
	                     RDD_INFO_NOAUDIOPLAYBACK);
	assert_string_equal(ci.domain, "");
	assert_string_equal(ci.user, "");
	assert_string_equal(ci.password, "");
	assert_string_equal(ci.alternate_shell, "");
	assert_string_equal(ci.working_dir, "");
	assert_int_equal(ci.address_family, 0x0017);
	assert_string_equal(ci.client_address, "2001:db8::7");
	assert_string_equal(ci.client_dir, FREERDP_CLIENT_DIR);
	assert_int_equal(ci.tz_bias, 0);
	assert_int_equal(ci.session_id, 0);
	assert_int_equal(ci.performance_flags, 0x0f);
}

/*
 * The defaults with address 192.168.1.10, byte by byte:
 *
 *   0   CodePage 0            4   flags 73 41 0b 00
 *   8   five cb fields 0      18  five empty strings: 00 00 x 5
 *   28  AF_INET 02 00         30  cbClientAddress 26 (12 chars + NUL)
 *   32  "192.168.1.10" 00 00  58  cbClientDir 64 (31 chars + NUL)
 *   60  clientDir 00 00       124 clientTimeZone: 172 zero bytes
 *   296 clientSessionId 0     300 performanceFlags 0f 00 00 00
 *   304 cbAutoReconnectCookie 0                      306 end
 */
static void
test_defaults_bytes(void **state)
{
	static const uint8_t head[32] = {
	    0x00, 0x00, 0x00, 0x00, 0x73, 0x41, 0x0b, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x1a, 0x00,
	};
	static const uint8_t address[26] = {
	    '1', 0,   '9', 0,   '2', 0,   '.', 0,   '1', 0,   '6', 0, '8',
	    0,   '.', 0,   '1', 0,   '.', 0,   '1', 0,   '0', 0,   0, 0,
	};
	static const uint8_t tail[10] = {0x00, 0x00, 0x00, 0x00, 0x0f,
	                                 0x00, 0x00, 0x00, 0x00, 0x00};
	struct rdd_client_info ci;
	uint8_t out[512], zeros[172];
	size_t len;

	(void)state;
	rdd_client_info_defaults(&ci, 0x0002, "192.168.1.10");
	build_ok(&ci, out, sizeof(out), &len);
	assert_int_equal(len, 306);
	assert_memory_equal(out, head, sizeof(head));
	assert_int_equal(le32(out + 4), RDD_INFO_FLAGS_DEFAULT);
	assert_int_equal(le16(out + 30), 26); /* the terminator counted */
	assert_memory_equal(out + 32, address, sizeof(address));
	assert_int_equal(le16(out + 58), 64);
	assert_memory_equal(out + 60, freerdp_dir_utf16, 64);
	memset(zeros, 0, sizeof(zeros));
	assert_memory_equal(out + 124, zeros, sizeof(zeros));
	assert_memory_equal(out + 296, tail, sizeof(tail));
}

/* A time zone west of UTC: the bias is signed minutes, the rest zero. */
static void
test_time_zone_bias(void **state)
{
	struct rdd_client_info_parsed back;
	struct rdd_client_info ci;
	uint8_t out[512];
	size_t len;

	(void)state;
	rdd_client_info_defaults(&ci, 0x0002, "10.0.0.1");
	ci.tz_bias = -120;
	build_ok(&ci, out, sizeof(out), &len);
	/* 28 + 4 + 18 + 2 + 64: the time zone starts at 116. */
	assert_memory_equal(out + 116, "\x88\xff\xff\xff\x00\x00", 6);
	parse_ok(out, len, &back);
	assert_true(back.has_time_zone);
	assert_int_equal(back.tz_bias, -120);
	ci.tz_bias = 480;
	build_ok(&ci, out, sizeof(out), &len);
	parse_ok(out, len, &back);
	assert_int_equal(back.tz_bias, 480);
}

/* ---- [MS-RDPBCGR] 4.1.10 ------------------------------------------------ */

static void
test_parse_spec_example(void **state)
{
	struct rdd_client_info_parsed p;

	(void)state;
	parse_ok(spec_info, sizeof(spec_info), &p);
	assert_int_equal(p.code_page, 0x04090409);
	assert_int_equal(p.flags, 0x000043b3);
	assert_string_equal(p.domain, "NTDEV");
	assert_string_equal(p.user, "eltons");
	assert_int_equal(p.password_len, 0);
	assert_string_equal(p.alternate_shell, "");
	assert_string_equal(p.working_dir, "");
	assert_true(p.has_extended);
	assert_int_equal(p.address_family, 0x0002);
	assert_string_equal(p.client_address, "157.59.242.156");
	assert_string_equal(
	    p.client_dir,
	    "C:\\depots\\w2k3_1\\termsrv\\newclient\\lib\\win32\\obj\\i386\\"
	    "mstscax.dll");
	assert_true(p.has_time_zone);
	assert_int_equal(p.tz_bias, 480);
	assert_true(p.has_performance_flags);
	assert_int_equal(p.performance_flags, 0x00000001);
}

/* The builder writes the example's fields as the example does, up to the
 * time zone's names (which it leaves zero) and again from the session id,
 * and adds the zero cbAutoReconnectCookie. */
static void
test_build_spec_example(void **state)
{
	struct rdd_client_info ci;
	uint8_t out[512];
	size_t len;

	(void)state;
	memset(&ci, 0, sizeof(ci));
	ci.code_page = 0x04090409;
	ci.flags = 0x000043b3;
	ci.domain = "NTDEV";
	ci.user = "eltons";
	ci.address_family = 0x0002;
	ci.client_address = "157.59.242.156";
	ci.client_dir = "C:\\depots\\w2k3_1\\termsrv\\newclient\\lib\\win32\\"
	                "obj\\i386\\mstscax.dll";
	ci.tz_bias = 480;
	ci.performance_flags = 1;
	build_ok(&ci, out, sizeof(out), &len);
	assert_int_equal(len, sizeof(spec_info) + 2);
	assert_memory_equal(out, spec_info, SPEC_INFO_FIXED_END + 4);
	assert_memory_equal(out + 390, spec_info + 390, 8);
	assert_memory_equal(out + 398, "\x00\x00", 2);
}

/* ---- round trips, limits, UTF-8 ----------------------------------------- */

static void
test_roundtrip_non_ascii(void **state)
{
	/* U+1F600 is a surrogate pair: 3d d8 00 de. */
	static const uint8_t password_utf16[] = {
	    'p', 0, 0xe4, 0, 's', 0, 's', 0, 0x3d, 0xd8, 0x00, 0xde,
	};
	struct rdd_client_info_parsed back;
	struct rdd_client_info ci;
	uint8_t out[1024];
	size_t len;

	(void)state;
	rdd_client_info_defaults(&ci, 0x0017, "fe80::1");
	ci.domain = "\xc3\x89QUIPE";                         /* ÉQUIPE */
	ci.user = "J\xc3\xbcrgen";                           /* Jürgen */
	ci.password = "p\xc3\xa4ss\xf0\x9f\x98\x80";         /* päss😀 */
	ci.alternate_shell = "\xe6\x97\xa5\xe6\x9c\xac.exe"; /* 日本.exe */
	ci.working_dir = "C:\\\xf0\x9f\x93\x81";             /* C:\📁 */
	ci.flags |= RDD_INFO_AUTOLOGON;
	build_ok(&ci, out, sizeof(out), &len);
	/* cb fields: UTF-16 bytes without the terminator. */
	assert_int_equal(le16(out + 8), 12);  /* 6 units */
	assert_int_equal(le16(out + 10), 12); /* 6 units */
	assert_int_equal(le16(out + 12), 12); /* 4 units and a pair */
	assert_int_equal(le16(out + 14), 12); /* 6 units */
	assert_int_equal(le16(out + 16), 10); /* 3 units and a pair */
	/* "Jürgen" after "ÉQUIPE" and its terminator. */
	assert_memory_equal(out + 18 + 14, "J\0\xfc\0r\0g\0e\0n\0\0\0", 14);
	assert_memory_equal(out + 18 + 14 + 14, password_utf16,
	                    sizeof(password_utf16));

	parse_ok(out, len, &back);
	assert_int_equal(back.flags,
	                 RDD_INFO_FLAGS_DEFAULT | RDD_INFO_AUTOLOGON);
	assert_string_equal(back.domain, ci.domain);
	assert_string_equal(back.user, ci.user);
	assert_int_equal(back.password_len, 12);
	assert_string_equal(back.alternate_shell, ci.alternate_shell);
	assert_string_equal(back.working_dir, ci.working_dir);
	assert_true(back.has_extended);
	assert_int_equal(back.address_family, 0x0017);
	assert_string_equal(back.client_address, "fe80::1");
	assert_string_equal(back.client_dir, FREERDP_CLIENT_DIR);
	assert_true(back.has_time_zone);
	assert_true(back.has_performance_flags);
	assert_int_equal(back.performance_flags, 0x0f);
}

/* RDD_INFO_MAX_CB (510) bytes of UTF-16 pass, 512 do not, in any string:
 * 255 and 256 ASCII characters, 127 and 128 surrogate pairs. */
static void
test_length_limit(void **state)
{
	static char s255[256], s256[257], pairs127[127 * 4 + 1],
	    pairs128[128 * 4 + 1];
	static uint8_t out[4096];
	const char **field[7];
	struct rdd_client_info_parsed back;
	struct rdd_client_info ci;
	struct rdd_buf b;
	size_t i, len;

	(void)state;
	memset(s255, 'u', 255);
	memset(s256, 'u', 256);
	for (i = 0; i < 128; i++) {
		memcpy(pairs128 + 4 * i, "\xf0\x9f\x98\x80", 4);
		if (i < 127)
			memcpy(pairs127 + 4 * i, "\xf0\x9f\x98\x80", 4);
	}
	field[0] = &ci.domain;
	field[1] = &ci.user;
	field[2] = &ci.password;
	field[3] = &ci.alternate_shell;
	field[4] = &ci.working_dir;
	field[5] = &ci.client_address;
	field[6] = &ci.client_dir;
	for (i = 0; i < NELEM(field); i++) {
		rdd_client_info_defaults(&ci, 0x0002, "10.0.0.1");
		*field[i] = s255;
		build_ok(&ci, out, sizeof(out), &len);
		*field[i] = pairs127;
		build_ok(&ci, out, sizeof(out), &len);

		*field[i] = s256;
		rdd_buf_init(&b, out, sizeof(out));
		assert_int_equal(rdd_client_info_build(&b, &ci), -1);
		assert_true(b.err);
		assert_int_equal(b.len, 0);
		*field[i] = pairs128;
		rdd_buf_init(&b, out, sizeof(out));
		assert_int_equal(rdd_client_info_build(&b, &ci), -1);
		assert_int_equal(b.len, 0);
	}
	/* A 255-character user name, as written and read back. */
	rdd_client_info_defaults(&ci, 0x0002, "10.0.0.1");
	ci.user = s255;
	build_ok(&ci, out, sizeof(out), &len);
	assert_int_equal(le16(out + 10), 510);
	parse_ok(out, len, &back);
	assert_string_equal(back.user, s255);
	/* The extended strings count their terminator: 512 at most. */
	ci.client_dir = s255;
	build_ok(&ci, out, sizeof(out), &len);
	parse_ok(out, len, &back);
	assert_string_equal(back.client_dir, s255);
}

static void
test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
	    "\xc3",             /* cut short */
	    "a\xe6\x97",        /* cut short */
	    "\x80",             /* a lone continuation byte */
	    "\xc0\xaf",         /* overlong '/' */
	    "\xe0\x80\xaf",     /* overlong '/' */
	    "\xf0\x80\x80\xaf", /* overlong '/' */
	    "\xed\xa0\x80",     /* U+D800, a surrogate */
	    "\xed\xbf\xbf",     /* U+DFFF */
	    "\xf4\x90\x80\x80", /* U+110000 */
	    "\xf8\x88\x80\x80\x80",
	    "\xfe",
	    "\xff",
	    "ok\xc3\x28", /* a continuation byte missing */
	};
	static const char *const good[] = {
	    "\xc2\x80",
	    "\xef\xbf\xbf",
	    "\xf4\x8f\xbf\xbf",
	    "\xee\x80\x80",
	};
	struct rdd_client_info_parsed back;
	struct rdd_client_info ci;
	uint8_t out[1024];
	struct rdd_buf b;
	size_t i, len;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		rdd_client_info_defaults(&ci, 0x0002, "10.0.0.1");
		ci.password = bad[i];
		memset(out, 0x5a, sizeof(out));
		rdd_buf_init(&b, out, sizeof(out));
		if (rdd_client_info_build(&b, &ci) != -1)
			fail_msg("bad UTF-8 %zu accepted", i);
		assert_true(b.err);
		assert_int_equal(b.len, 0);
		assert_int_equal(out[0], 0x5a);
		rdd_client_info_defaults(&ci, 0x0002, bad[i]);
		rdd_buf_init(&b, out, sizeof(out));
		assert_int_equal(rdd_client_info_build(&b, &ci), -1);
	}
	for (i = 0; i < NELEM(good); i++) {
		rdd_client_info_defaults(&ci, 0x0002, "10.0.0.1");
		ci.user = good[i];
		build_ok(&ci, out, sizeof(out), &len);
		parse_ok(out, len, &back);
		assert_string_equal(back.user, good[i]);
	}
}

/* NULL strings are empty. */
static void
test_null_strings(void **state)
{
	struct rdd_client_info_parsed back;
	struct rdd_client_info ci;
	uint8_t out[512];
	size_t len;

	(void)state;
	memset(&ci, 0, sizeof(ci));
	ci.flags = RDD_INFO_FLAGS_DEFAULT;
	build_ok(&ci, out, sizeof(out), &len);
	/* 28 + family, cb 2, 00 00, cb 2, 00 00, 172, 4, 4, 2. */
	assert_int_equal(len, 28 + 2 + 2 + 2 + 2 + 2 + 172 + 10);
	assert_memory_equal(out + 30, "\x02\x00\x00\x00\x02\x00\x00\x00", 8);
	parse_ok(out, len, &back);
	assert_string_equal(back.client_address, "");
	assert_string_equal(back.client_dir, "");
}

/*
 * Too small a buffer: -1 and not one byte written, so that no part of the
 * password lands in the caller's storage; exactly the room: 0.
 */
static void
test_no_room(void **state)
{
	struct rdd_client_info ci;
	uint8_t out[512], full[512];
	struct rdd_buf b;
	size_t cap, len, i;

	(void)state;
	rdd_client_info_defaults(&ci, 0x0002, "10.0.0.1");
	ci.user = "alice";
	ci.password = "secret-S3cr3t";
	build_ok(&ci, full, sizeof(full), &len);
	for (cap = 0; cap < 2 + len; cap++) {
		memset(out, 0x5a, sizeof(out));
		rdd_buf_init(&b, out, cap);
		rdd_buf_bytes(&b, "ab", cap < 2 ? 0 : 2);
		if (cap < 2) {
			b.len = 0;
			b.err = false;
		}
		assert_int_equal(rdd_client_info_build(&b, &ci), -1);
		assert_true(b.err);
		for (i = cap < 2 ? 0 : 2; i < sizeof(out); i++)
			assert_int_equal(out[i], 0x5a);
	}
	rdd_buf_init(&b, out, 2 + len);
	rdd_buf_bytes(&b, "ab", 2);
	assert_int_equal(rdd_client_info_build(&b, &ci), 0);
	assert_int_equal(b.len, 2 + len);
	assert_memory_equal(out + 2, full, len);
	/* A buffer already in error. */
	rdd_buf_init(&b, out, sizeof(out));
	b.err = true;
	assert_int_equal(rdd_client_info_build(&b, &ci), -1);
	assert_int_equal(b.len, 0);
}

/* ---- the parser on cut-short and malformed input ----------------------- */

/*
 * Every prefix of a packet. Up to the end of WorkingDir: -1, except the
 * whole TS_INFO_PACKET alone (an RDP 4.0 client's). The extended info's
 * address and directory: -1 when cut. After them each optional field
 * (clientTimeZone, clientSessionId with performanceFlags) counts only
 * when whole; a cut one is absent and the packet parses.
 */
static void
check_every_prefix(const uint8_t *p, size_t len, size_t basic_end,
                   size_t fixed_end)
{
	struct rdd_client_info_parsed out;
	size_t n;

	for (n = 0; n < len; n++) {
		if (n < basic_end || (n > basic_end && n < fixed_end)) {
			parse_refused(p, n);
			continue;
		}
		parse_ok(p, n, &out);
		assert_int_equal(out.has_extended, n >= fixed_end);
		assert_int_equal(out.has_time_zone, n >= fixed_end + 172);
		assert_int_equal(out.has_performance_flags,
		                 n >= fixed_end + 180);
	}
}

static void
test_every_truncation(void **state)
{
	struct rdd_client_info ci;
	uint8_t out[1024];
	size_t len;

	(void)state;
	check_every_prefix(spec_info, sizeof(spec_info), 50,
	                   SPEC_INFO_FIXED_END);
	rdd_client_info_defaults(&ci, 0x0002, "192.168.1.10");
	ci.domain = "D";
	ci.user = "J\xc3\xbcrgen";
	ci.password = "pw\xf0\x9f\x98\x80";
	build_ok(&ci, out, sizeof(out), &len);
	/* 18 + (2 + 2) + (12 + 2) + (8 + 2) + 2 + 2 = 50; extended fixed
	 * part 4 + 26 + 2 + 64 = 96. */
	check_every_prefix(out, len, 50, 146);
}

static void
test_parse_malformed(void **state)
{
	uint8_t p[sizeof(spec_info) + 8];
	struct rdd_client_info_parsed out;

	(void)state;
	/* An odd cbDomain under INFO_UNICODE. */
	memcpy(p, spec_info, sizeof(spec_info));
	p[8] = 0x09;
	parse_refused(p, sizeof(spec_info));
	/* cbUserName 512: with the terminator more than 512. */
	memcpy(p, spec_info, sizeof(spec_info));
	p[10] = 0x00;
	p[11] = 0x02;
	parse_refused(p, sizeof(spec_info));
	/* A Domain whose terminator is not zero. */
	memcpy(p, spec_info, sizeof(spec_info));
	p[28] = 0x41;
	parse_refused(p, sizeof(spec_info));
	/* An odd cbClientAddress; one above 512. */
	memcpy(p, spec_info, sizeof(spec_info));
	p[52] = 0x1d;
	parse_refused(p, sizeof(spec_info));
	p[52] = 0x02;
	p[53] = 0x02;
	parse_refused(p, sizeof(spec_info));
	/* cbClientDir beyond the bytes there are. */
	memcpy(p, spec_info, sizeof(spec_info));
	p[84] = 0xfe;
	p[85] = 0x01;
	parse_refused(p, SPEC_INFO_FIXED_END);
	/* Bytes after the performance flags (a cbAutoReconnectCookie, the
	 * reserved fields) are consumed without a look. */
	memcpy(p, spec_info, sizeof(spec_info));
	memset(p + sizeof(spec_info), 0, 8);
	parse_ok(p, sizeof(p), &out);
	assert_int_equal(out.performance_flags, 1);
}

/* A clientAddress without a terminator and an empty clientDir of cb 0
 * (what FreeRDP notes of the Android client) are taken as they are. */
static void
test_parse_lenient_extended(void **state)
{
	static const uint8_t p[] = {
	    0x00, 0x00, 0x00, 0x00, 0x33, 0x01, 0x00, 0x00, /* flags 0x133 */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x02, 0x00, 0x04, 0x00, '1',  0x00, '2',  0x00, /* "12" */
	    0x00, 0x00,                                     /* cbClientDir */
	};
	struct rdd_client_info_parsed out;

	(void)state;
	parse_ok(p, sizeof(p), &out);
	assert_true(out.has_extended);
	assert_string_equal(out.client_address, "12");
	assert_string_equal(out.client_dir, "");
	assert_false(out.has_time_zone);
}

/* Without INFO_UNICODE every string is ANSI with a one-byte terminator,
 * copied as it is. */
static void
test_parse_ansi(void **state)
{
	static const uint8_t p[] = {
	    0x09, 0x04, 0x00, 0x00, 0x23, 0x01, 0x00, 0x00, /* no UNICODE */
	    0x05, 0x00, 0x06, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	    'N',  'T',  'D',  'E',  'V',  0x00, 'e',  'l',  't',  'o',
	    'n',  's',  0x00, 'p',  'w',  0x00, 0x00, 0x00, 0x02, 0x00,
	    0x09, 0x00, '1',  '0',  '.',  '0',  '.',  '0',  '.',  '1',
	    0x00, 0x05, 0x00, 'C',  ':',  '\\', 0xe9, 0x00,
	};
	struct rdd_client_info_parsed out;

	(void)state;
	parse_ok(p, sizeof(p), &out);
	assert_int_equal(out.code_page, 0x0409);
	assert_string_equal(out.domain, "NTDEV");
	assert_string_equal(out.user, "eltons");
	assert_int_equal(out.password_len, 2);
	assert_string_equal(out.client_address, "10.0.0.1");
	/* Raw bytes: 0xe9 is not UTF-8, the report layer escapes it. */
	assert_string_equal(out.client_dir, "C:\\\xe9");
	/* An RDP 4.0 packet: no extended info. */
	parse_ok(p, 36, &out);
	assert_false(out.has_extended);
	assert_string_equal(out.client_address, "");
}

/* UTF-16 that is not text: a lone surrogate becomes U+FFFD, a NUL inside
 * ends the string; and text too long for the output is cut at a character
 * boundary. */
static void
test_parse_utf16_folding(void **state)
{
	static uint8_t p[18 + 512 + 8];
	struct rdd_client_info_parsed out;
	size_t i;

	(void)state;
	memset(p, 0, sizeof(p));
	p[4] = 0x10; /* INFO_UNICODE */
	/* UserName: 'a', U+D800 alone, 'b', U+DC00 alone, NUL, 'c'. */
	p[10] = 12;
	memcpy(p + 20,
	       "a\0\x00\xd8"
	       "b\0\x00\xdc\0\0c\0",
	       12);
	parse_ok(p, 18 + 2 + 14 + 6, &out);
	assert_string_equal(out.user, "a\xef\xbf\xbd"
	                              "b\xef\xbf\xbd");
	/* UserName: 255 x U+00E9, 510 bytes of UTF-8 for 255 of room:
	 * 127 whole characters. */
	memset(p, 0, sizeof(p));
	p[4] = 0x10;
	p[10] = 0xfe;
	p[11] = 0x01;
	for (i = 0; i < 255; i++) {
		p[20 + 2 * i] = 0xe9;
		p[21 + 2 * i] = 0x00;
	}
	parse_ok(p, 18 + 2 + 512 + 6, &out);
	assert_int_equal(strlen(out.user), 254);
	for (i = 0; i < 254; i += 2)
		assert_memory_equal(out.user + i, "\xc3\xa9", 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_fields),
	    cmocka_unit_test(test_defaults_bytes),
	    cmocka_unit_test(test_time_zone_bias),
	    cmocka_unit_test(test_parse_spec_example),
	    cmocka_unit_test(test_build_spec_example),
	    cmocka_unit_test(test_roundtrip_non_ascii),
	    cmocka_unit_test(test_length_limit),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_null_strings),
	    cmocka_unit_test(test_no_room),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_parse_malformed),
	    cmocka_unit_test(test_parse_lenient_extended),
	    cmocka_unit_test(test_parse_ansi),
	    cmocka_unit_test(test_parse_utf16_folding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
