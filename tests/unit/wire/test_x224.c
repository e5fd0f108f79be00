/*
 * test_x224.c - lib/wire/x224.c: the Connection Request builder, the CR and
 * CC parsers and the name helpers. Byte vectors from [MS-RDPBCGR] 4.1.1 /
 * 4.1.2 and from real captures (tests/captures/, see its README.md), cut as
 * whole TPKT PDUs from the TCP payload of the frame named above each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wire/tpkt.h"
#include "wire/x224.h"

#include "capture_vectors.h"

/* x224_spec_cr: tests/unit/wire/capture_vectors.c */

/* [MS-RDPBCGR] 4.1.2: Server X.224 Connection Confirm, RDP_NEG_RSP flags 0
 * selecting PROTOCOL_RDP. */
static const uint8_t spec_cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Connection 1 of an XP client to Windows Server 2003: CR with cookie
 * mstshash=FTBCO\A70 requesting PROTOCOL_SSL (0x01) ... */
/* rdp-proprietary-encryption.pcap, frame 4, client -> server, 47 bytes
 * (172.21.128.16:1311 -> 10.226.24.52:3389). */
static const uint8_t pe_cr1[] = {
    0x03, 0x00, 0x00, 0x2f, 0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43,
    0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68,
    0x61, 0x73, 0x68, 0x3d, 0x46, 0x54, 0x42, 0x43, 0x4f, 0x5c, 0x41, 0x37,
    0x30, 0x0d, 0x0a, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
};
/* ... answered by RDP_NEG_FAILURE code 2, SSL_NOT_ALLOWED_BY_SERVER. */
/* rdp-proprietary-encryption.pcap, frame 5, server -> client, 19 bytes
 * (10.226.24.52:3389 -> 172.21.128.16:1311). */
static const uint8_t pe_cc1[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x03, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00,
};
/* Connection 2: the client retries requesting PROTOCOL_RDP (0x00) ... */
/* rdp-proprietary-encryption.pcap, frame 12, client -> server, 47 bytes
 * (172.21.128.16:1312 -> 10.226.24.52:3389). */
static const uint8_t pe_cr2[] = {
    0x03, 0x00, 0x00, 0x2f, 0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43,
    0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68,
    0x61, 0x73, 0x68, 0x3d, 0x46, 0x54, 0x42, 0x43, 0x4f, 0x5c, 0x41, 0x37,
    0x30, 0x0d, 0x0a, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* ... and the server selects PROTOCOL_RDP (RDP_NEG_RSP, flags 0). */
/* rdp-proprietary-encryption.pcap, frame 13, server -> client, 19 bytes
 * (10.226.24.52:3389 -> 172.21.128.16:1312). */
static const uint8_t pe_cc2[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ssl_cr: tests/unit/wire/capture_vectors.c */
/* ... selected PROTOCOL_HYBRID, flags EXTENDED_CLIENT_DATA_SUPPORTED. */
/* rdp-to-ssl.pcap, frame 6, server -> client, 19 bytes
 * (192.168.1.150:3389 -> 192.168.1.200:49206). */
static const uint8_t ssl_cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x01, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00,
};

/* No cookie at all, requested SSL|HYBRID|HYBRID_EX (0x0b) ... (each packet
 * of this capture appears twice; the first copy is used) */
/* rdp-no-cookie-mstshash.pcap, frame 7, client -> server, 19 bytes
 * (10.128.36.245:50204 -> 10.132.153.76:3389). */
static const uint8_t nc_cr[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x00, 0x08, 0x00, 0x0b, 0x00, 0x00, 0x00,
};
/* ... selected PROTOCOL_HYBRID_EX with flags 0x1f. */
/* rdp-no-cookie-mstshash.pcap, frame 9, server -> client, 19 bytes
 * (10.132.153.76:3389 -> 10.128.36.245:50204). */
static const uint8_t nc_cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x1f, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00,
};

/* XP mstsc to Windows 2000 Server: legacy CR, cookie mstshash=A70067 and
 * no RDP_NEG_REQ ... */
/* RDP-003.pcap, frame 4, client -> server, 36 bytes
 * (10.226.41.226:13178 -> 10.226.29.74:3389). */
static const uint8_t r3_cr[] = {
    0x03, 0x00, 0x00, 0x24, 0x1f, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43,
    0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68,
    0x61, 0x73, 0x68, 0x3d, 0x41, 0x37, 0x30, 0x30, 0x36, 0x37, 0x0d, 0x0a,
};
/* ... and a CC without rdpNegData (Standard RDP Security). */
/* RDP-003.pcap, frame 6, server -> client, 11 bytes
 * (10.226.29.74:3389 -> 10.226.41.226:13178). */
static const uint8_t r3_cc[] = {
    0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
};

/* Windows 8.1 client: cookie "JOHN-PC  " (two trailing blanks), requested
 * PROTOCOL_RDP; the server selects PROTOCOL_RDP. */
/* rdp-x509.pcap, frame 6, client -> server, 47 bytes
 * (192.168.1.1:54990 -> 192.168.1.2:3389). */
static const uint8_t x509_cr[] = {
    0x03, 0x00, 0x00, 0x2f, 0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43,
    0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68,
    0x61, 0x73, 0x68, 0x3d, 0x4a, 0x4f, 0x48, 0x4e, 0x2d, 0x50, 0x43, 0x20,
    0x20, 0x0d, 0x0a, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* rdp-x509.pcap, frame 7, server -> client, 19 bytes
 * (192.168.1.2:3389 -> 192.168.1.1:54990). */
static const uint8_t x509_cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Zeek's robustness trace rdp-invalid-length.pcap. Frame 5: a CC whose
 * RDP_NEG_RSP has length 0 (Zeek: "&enforce violation :
 * RDP_Negotiation_Response:length"), then 12 stray bytes. */
/* rdp-invalid-length.pcap, frame 5, server -> client, 31 bytes
 * (10.0.0.2:3389 -> 10.0.0.1:45257). */
static const uint8_t il_p5[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
    0x02, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x12, 0x32,
    0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* il_p7: tests/unit/wire/capture_vectors.c */

struct vec {
	const char *name;
	const uint8_t *p; /* a whole TPKT PDU */
	size_t len;
};

#define VEC(a)                                                                 \
	{                                                                      \
#a, a, sizeof(a)                                               \
	}

static const struct vec valid_cc[] = {
    VEC(spec_cc), VEC(pe_cc1), VEC(pe_cc2),  VEC(ssl_cc),
    VEC(nc_cc),   VEC(r3_cc),  VEC(x509_cc),
};
static const struct vec valid_cr[] = {
    VEC(x224_spec_cr), VEC(pe_cr1), VEC(pe_cr2),  VEC(ssl_cr),
    VEC(nc_cr),        VEC(r3_cr),  VEC(x509_cr),
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The TPKT payload of a whole PDU (framed by tpkt.c, which must agree). */
static struct rdd_cur
payload_of(const uint8_t *pdu, size_t len)
{
	struct rdd_cur payload;
	size_t pdu_len = 0;

	assert_int_equal(rdd_tpkt_frame(pdu, len, &pdu_len, &payload),
	                 RDD_TPKT_OK);
	assert_int_equal(pdu_len, len);
	return payload;
}

/* Parse a whole PDU as a CC; on success the TPDU must fill the payload. */
static int
cc_of(const uint8_t *pdu, size_t len, struct rdd_x224_cc *cc)
{
	struct rdd_cur in = payload_of(pdu, len);
	int r = rdd_x224_parse_cc(&in, cc);

	if (r == 0)
		assert_int_equal(rdd_cur_left(&in), 0);
	return r;
}

static int
cr_of(const uint8_t *pdu, size_t len, struct rdd_x224_cr_parsed *cr)
{
	struct rdd_cur in = payload_of(pdu, len);
	int r = rdd_x224_parse_cr(&in, cr);

	if (r == 0)
		assert_int_equal(rdd_cur_left(&in), 0);
	return r;
}

/* Parse raw bytes (a TPKT payload given directly) as a CC / CR. */
static int
cc_raw(const void *p, size_t len, struct rdd_x224_cc *cc)
{
	struct rdd_cur in;

	rdd_cur_init(&in, p, len);
	return rdd_x224_parse_cc(&in, cc);
}

static int
cr_raw(const void *p, size_t len, struct rdd_x224_cr_parsed *cr)
{
	struct rdd_cur in;

	rdd_cur_init(&in, p, len);
	return rdd_x224_parse_cr(&in, cr);
}

/* ---- builder ---------------------------------------------------------- */

/* [MS-RDPBCGR] 4.1.1, byte for byte, in a buffer of exactly 44 bytes. */
static void
test_build_cr_spec_example(void **state)
{
	const struct rdd_x224_cr cr = {"eltons", true, 0, 0};
	uint8_t st[44];
	struct rdd_buf b;

	(void)state;
	memset(st, 0xee, sizeof(st));
	rdd_buf_init(&b, st, sizeof(st));
	assert_int_equal(rdd_x224_build_cr(&b, &cr), 0);
	assert_false(b.err);
	assert_int_equal(b.len, sizeof(x224_spec_cr));
	assert_memory_equal(st, x224_spec_cr, sizeof(x224_spec_cr));
}

/* What real clients sent, rebuilt from the same inputs. */
static void
test_build_cr_matches_captures(void **state)
{
	static const struct {
		const char *name;
		struct rdd_x224_cr cr;
		const uint8_t *want;
		size_t len;
	} t[] = {
	    {"pe_cr1", {"FTBCO\\A70", true, 0, 0x01}, pe_cr1, sizeof(pe_cr1)},
	    {"pe_cr2", {"FTBCO\\A70", true, 0, 0x00}, pe_cr2, sizeof(pe_cr2)},
	    {"ssl_cr", {"AWAKECODI", true, 0, 0x03}, ssl_cr, sizeof(ssl_cr)},
	    {"nc_cr", {NULL, true, 0, 0x0b}, nc_cr, sizeof(nc_cr)},
	    {"r3_cr", {"A70067", false, 0, 0}, r3_cr, sizeof(r3_cr)},
	    {"x509_cr", {"JOHN-PC  ", true, 0, 0}, x509_cr, sizeof(x509_cr)},
	};
	uint8_t st[128];
	struct rdd_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		rdd_buf_init(&b, st, sizeof(st));
		assert_int_equal(rdd_x224_build_cr(&b, &t[i].cr), 0);
		assert_int_equal(b.len, t[i].len);
		assert_memory_equal(st, t[i].want, t[i].len);
	}
}

/* Neither cookie nor RDP_NEG_REQ: the bare 11-byte CR, LI 6. */
static void
test_build_cr_minimal(void **state)
{
	static const uint8_t want[] = {0x03, 0x00, 0x00, 0x0b, 0x06, 0xe0,
	                               0x00, 0x00, 0x00, 0x00, 0x00};
	const struct rdd_x224_cr cr = {NULL, false, 0, 0};
	uint8_t st[16];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, st, sizeof(st));
	assert_int_equal(rdd_x224_build_cr(&b, &cr), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(st, want, sizeof(want));
}

/* Flags and all 32 bits of requestedProtocols land little-endian. */
static void
test_build_cr_neg_fields(void **state)
{
	static const uint8_t tail[] = {0x01, 0x0a, 0x08, 0x00,
	                               0x0b, 0x00, 0x00, 0x80};
	const struct rdd_x224_cr cr = {NULL, true, 0x0a, 0x8000000b};
	uint8_t st[32];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, st, sizeof(st));
	assert_int_equal(rdd_x224_build_cr(&b, &cr), 0);
	assert_int_equal(b.len, 19);
	assert_int_equal(st[4], 19 - 5);
	assert_memory_equal(st + 11, tail, sizeof(tail));
}

/* Too little room, for every capacity short of 44: -1, err, and not one
 * byte written; a buffer already in error stays so. */
static void
test_build_cr_no_room(void **state)
{
	const struct rdd_x224_cr cr = {"eltons", true, 0, 0};
	uint8_t st[44];
	struct rdd_buf b;
	size_t cap;

	(void)state;
	for (cap = 0; cap < sizeof(x224_spec_cr); cap++) {
		memset(st, 0xee, sizeof(st));
		rdd_buf_init(&b, st, cap);
		assert_int_equal(rdd_x224_build_cr(&b, &cr), -1);
		assert_true(b.err);
		assert_int_equal(b.len, 0);
		assert_int_equal(st[0], 0xee);
	}
	/* After something else was written: only the rest counts. */
	rdd_buf_init(&b, st, sizeof(st));
	rdd_buf_u8(&b, 0);
	assert_int_equal(rdd_x224_build_cr(&b, &cr), -1);
	assert_int_equal(b.len, 1);
	rdd_buf_init(&b, st, sizeof(st));
	b.err = true;
	assert_int_equal(rdd_x224_build_cr(&b, &cr), -1);
	assert_int_equal(b.len, 0);
}

/* Cookies with CR, LF, other controls or non-ASCII bytes, or longer than
 * 64 bytes, are refused and nothing is written. */
static void
test_build_cr_rejects_cookies(void **state)
{
	static const char *const bad[] = {
	    "\r",
	    "\n",
	    "user\r\n",
	    "us\ner",
	    "a\rb",
	    "\t",
	    "\x01",
	    "\x1f",
	    "\x7f",
	    "\x80",
	    "caf\xc3\xa9",
	    "trailing\r",
	    /* 65 bytes */
	    "12345678901234567890123456789012345678901234567890123456789012345",
	};
	uint8_t st[256];
	struct rdd_buf b;
	struct rdd_x224_cr cr = {NULL, true, 0, 0};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		memset(st, 0xee, sizeof(st));
		rdd_buf_init(&b, st, sizeof(st));
		cr.cookie = bad[i];
		assert_int_equal(rdd_x224_build_cr(&b, &cr), -1);
		assert_int_equal(b.len, 0);
		assert_int_equal(st[0], 0xee);
	}
	assert_int_equal(rdd_x224_build_cr(&b, NULL), -1);
}

/* Every cookie length 0..64: LI = total - 5, the TPKT length = total, and
 * the parser reads back the same line (up to its 63 characters). */
static void
test_build_cr_lengths_roundtrip(void **state)
{
	char cookie[65], line[128];
	uint8_t st[256];
	struct rdd_buf b;
	struct rdd_x224_cr cr = {cookie, true, 0, 0x0b};
	struct rdd_x224_cr_parsed p;
	struct rdd_cur in;
	size_t n, total, want;

	(void)state;
	for (n = 0; n <= 64; n++) {
		memset(cookie, 'a' + (int)(n % 26), n);
		cookie[n] = '\0';
		rdd_buf_init(&b, st, sizeof(st));
		assert_int_equal(rdd_x224_build_cr(&b, &cr), 0);
		total = 4 + 7 + 17 + n + 2 + 8;
		assert_int_equal(b.len, total);
		assert_int_equal(st[2] << 8 | st[3], total);
		assert_int_equal(st[4], total - 5);
		in = payload_of(st, b.len);
		assert_int_equal(rdd_x224_parse_cr(&in, &p), 0);
		assert_int_equal(rdd_cur_left(&in), 0);
		snprintf(line, sizeof(line), "Cookie: mstshash=%s", cookie);
		want = strlen(line) < 63 ? strlen(line) : 63;
		assert_int_equal(strlen(p.cookie), want);
		assert_memory_equal(p.cookie, line, want);
		assert_false(p.has_routing);
		assert_true(p.neg_req);
		assert_int_equal(p.requested_protocols, 0x0b);
	}
}

/* ---- Connection Confirm ----------------------------------------------- */

static void
test_parse_cc_spec_example(void **state)
{
	struct rdd_x224_cc cc;

	(void)state;
	memset(&cc, 0xee, sizeof(cc));
	assert_int_equal(cc_of(spec_cc, sizeof(spec_cc), &cc), 0);
	assert_int_equal(cc.dst_ref, 0);
	assert_int_equal(cc.src_ref, 0x1234);
	assert_int_equal(cc.class_opt, 0);
	assert_int_equal(cc.neg, RDD_X224_NEG_RSP);
	assert_int_equal(cc.flags, 0);
	assert_int_equal(cc.selected_protocol, 0);
	assert_int_equal(cc.failure_code, 0);
}

static void
test_parse_cc_captures(void **state)
{
	struct rdd_x224_cc cc;

	(void)state;
	/* rdp-proprietary-encryption.pcap, connection 1: refused TLS. */
	assert_int_equal(cc_of(pe_cc1, sizeof(pe_cc1), &cc), 0);
	assert_int_equal(cc.neg, RDD_X224_NEG_FAILURE);
	assert_int_equal(cc.failure_code, RDD_NEG_SSL_NOT_ALLOWED_BY_SERVER);
	assert_string_equal(rdd_neg_failure_name(cc.failure_code),
	                    "SSL_NOT_ALLOWED_BY_SERVER");
	assert_int_equal(cc.src_ref, 0x1234);
	/* Connection 2: Standard RDP Security. */
	assert_int_equal(cc_of(pe_cc2, sizeof(pe_cc2), &cc), 0);
	assert_int_equal(cc.neg, RDD_X224_NEG_RSP);
	assert_int_equal(cc.selected_protocol, 0);
	assert_int_equal(cc.flags, 0);
	/* rdp-to-ssl.pcap: HYBRID with EXTENDED_CLIENT_DATA_SUPPORTED. */
	assert_int_equal(cc_of(ssl_cc, sizeof(ssl_cc), &cc), 0);
	assert_int_equal(cc.neg, RDD_X224_NEG_RSP);
	assert_int_equal(cc.flags, 0x01);
	assert_int_equal(cc.selected_protocol, 0x02);
	assert_string_equal(rdd_protocol_name(cc.selected_protocol),
	                    "PROTOCOL_HYBRID");
	/* rdp-no-cookie-mstshash.pcap: HYBRID_EX, flags 0x1f. */
	assert_int_equal(cc_of(nc_cc, sizeof(nc_cc), &cc), 0);
	assert_int_equal(cc.neg, RDD_X224_NEG_RSP);
	assert_int_equal(cc.flags, 0x1f);
	assert_int_equal(cc.selected_protocol, 0x08);
	/* RDP-003.pcap: no rdpNegData at all (LI 6). */
	memset(&cc, 0xee, sizeof(cc));
	assert_int_equal(cc_of(r3_cc, sizeof(r3_cc), &cc), 0);
	assert_int_equal(cc.neg, RDD_X224_NEG_NONE);
	assert_int_equal(cc.dst_ref, 0);
	assert_int_equal(cc.src_ref, 0x1234);
	assert_int_equal(cc.flags, 0);
	assert_int_equal(cc.selected_protocol, 0);
	assert_int_equal(cc.failure_code, 0);
	/* rdp-x509.pcap: PROTOCOL_RDP. */
	assert_int_equal(cc_of(x509_cc, sizeof(x509_cc), &cc), 0);
	assert_int_equal(cc.neg, RDD_X224_NEG_RSP);
	assert_int_equal(cc.selected_protocol, 0);
}

/*
 * rdp-invalid-length.pcap: the documented result is -1 for both CCs Zeek
 * flags, with no read out of bounds (the ASan build checks that), and the
 * cursor left where it was.
 */
static void
test_parse_cc_invalid_length_capture(void **state)
{
	struct rdd_x224_cc cc;
	struct rdd_cur in;

	(void)state;
	/* Frame 5: framed as 19 bytes, RDP_NEG_RSP length 0. */
	assert_int_equal(cc_of(il_p5, 19, &cc), -1);
	/* Its 12 stray bytes as a payload: LI 0. */
	assert_int_equal(cc_raw(il_p5 + 19, sizeof(il_p5) - 19, &cc), -1);
	/* Frame 6 read after its (invalid) 4-byte header, as Zeek does:
	 * LI 14, code 0xd0, then rdpNegData type 0x31. */
	rdd_cur_init(&in, il_p6 + 4, sizeof(il_p6) - 4);
	assert_int_equal(rdd_x224_parse_cc(&in, &cc), -1);
	assert_ptr_equal(in.p, il_p6 + 4);
	assert_int_equal(rdd_cur_left(&in), sizeof(il_p6) - 4);
	/* And each whole segment given as if it were a payload. */
	assert_int_equal(cc_raw(il_p4, sizeof(il_p4), &cc), -1);
	assert_int_equal(cc_raw(il_p5, sizeof(il_p5), &cc), -1);
	assert_int_equal(cc_raw(il_p6, sizeof(il_p6), &cc), -1);
	assert_int_equal(cc_raw(il_p7, sizeof(il_p7), &cc), -1);
}

/* Every proper prefix of every valid CC payload: -1, cursor and result
 * untouched. */
static void
test_parse_cc_every_truncation_fails(void **state)
{
	struct rdd_x224_cc cc, before;
	struct rdd_cur full, in;
	size_t i, n;

	(void)state;
	memset(&before, 0x5a, sizeof(before));
	for (i = 0; i < NELEM(valid_cc); i++) {
		full = payload_of(valid_cc[i].p, valid_cc[i].len);
		for (n = 0; n < full.len; n++) {
			rdd_cur_init(&in, full.p, n);
			cc = before;
			assert_int_equal(rdd_x224_parse_cc(&in, &cc), -1);
			assert_ptr_equal(in.p, full.p);
			assert_int_equal(rdd_cur_left(&in), n);
			assert_memory_equal(&cc, &before, sizeof(cc));
		}
	}
}

/* Malformed Connection Confirms (TPKT payloads). */
static void
test_parse_cc_malformed(void **state)
{
	static const struct {
		const char *why;
		uint8_t b[24];
		size_t len;
	} t[] = {
	    {"LI 5", {0x05, 0xd0, 0, 0, 0x12, 0x34}, 6},
	    {"LI 0", {0x00, 0xd0, 0, 0, 0x12, 0x34, 0}, 7},
	    {"LI past the end", {0x07, 0xd0, 0, 0, 0x12, 0x34, 0, 0}, 7},
	    {"LI 14 of 13",
	     {0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 0, 0, 0},
	     14},
	    {"code CR", {0x06, 0xe0, 0, 0, 0, 0, 0}, 7},
	    {"code DR", {0x06, 0x80, 0, 0, 0x12, 0x34, 0}, 7},
	    {"code DT", {0x06, 0xf0, 0, 0, 0, 0, 0}, 7},
	    {"code ER", {0x06, 0x70, 0, 0, 0, 0, 0}, 7},
	    {"code 0", {0x06, 0x00, 0, 0, 0, 0, 0}, 7},
	    {"LI 2 (a DT TPDU)", {0x02, 0xf0, 0x80}, 3},
	    {"neg 1 byte", {0x07, 0xd0, 0, 0, 0x12, 0x34, 0, 2}, 8},
	    {"neg 4 bytes", {0x0a, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0}, 11},
	    {"neg 7 bytes",
	     {0x0d, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 0, 0, 0},
	     14},
	    {"neg 9 bytes",
	     {0x0f, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 0, 0, 0, 0, 0},
	     16},
	    {"neg length 0",
	     {0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 0, 0, 0, 0, 0, 0},
	     15},
	    {"neg length 7",
	     {0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 7, 0, 0, 0, 0, 0},
	     15},
	    {"neg length 9",
	     {0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 9, 0, 0, 0, 0, 0},
	     15},
	    {"neg length big-endian",
	     {0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 0, 8, 0, 0, 0, 0},
	     15},
	    {"failure length 0",
	     {0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 3, 0, 0, 0, 2, 0, 0, 0},
	     15},
	    {"neg type 0",
	     {0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 0, 0, 8, 0, 0, 0, 0, 0},
	     15},
	    {"neg type REQ",
	     {0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 1, 0, 8, 0, 0, 0, 0, 0},
	     15},
	    {"neg type 4",
	     {0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 4, 0, 8, 0, 0, 0, 0, 0},
	     15},
	    {"neg type 0xff",
	     {0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 0xff, 0, 8, 0, 0, 0, 0, 0},
	     15},
	};
	struct rdd_x224_cc cc;
	struct rdd_cur in;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		/* Only the "LI" cases may fail on LI itself. */
		if (strncmp(t[i].why, "LI", 2) != 0)
			assert_int_equal(t[i].b[0] + 1, t[i].len);
		rdd_cur_init(&in, t[i].b, t[i].len);
		if (rdd_x224_parse_cc(&in, &cc) != -1)
			fail_msg("accepted: %s", t[i].why);
		assert_int_equal(rdd_cur_left(&in), t[i].len);
	}
	/* The spec CR is not a CC. */
	in = payload_of(x224_spec_cr, sizeof(x224_spec_cr));
	assert_int_equal(rdd_x224_parse_cc(&in, &cc), -1);
}

/* What the parser tolerates: a CDT nibble, a non-zero class, any flags and
 * any selectedProtocol / failureCode value, bytes after the TPDU. */
static void
test_parse_cc_tolerated(void **state)
{
	static const uint8_t cdt[] = {0x06, 0xd3, 0xab, 0xcd, 0x12, 0x34, 0x02};
	static const uint8_t odd[] = {0x0e, 0xd0, 0,    0,    0x12,
	                              0x34, 0,    0x02, 0xff, 0x08,
	                              0x00, 0x78, 0x56, 0x34, 0x12};
	static const uint8_t fail7[] = {0x0e, 0xd0, 0,    0,    0x12,
	                                0x34, 0,    0x03, 0x00, 0x08,
	                                0x00, 0x07, 0x00, 0x00, 0x00};
	static const uint8_t trailing[] = {0x06, 0xd0, 0,    0,   0x12,
	                                   0x34, 0,    0xaa, 0xbb};
	struct rdd_x224_cc cc;
	struct rdd_cur in;

	(void)state;
	assert_int_equal(cc_raw(cdt, sizeof(cdt), &cc), 0);
	assert_int_equal(cc.dst_ref, 0xabcd);
	assert_int_equal(cc.class_opt, 0x02);
	assert_int_equal(cc.neg, RDD_X224_NEG_NONE);
	assert_int_equal(cc_raw(odd, sizeof(odd), &cc), 0);
	assert_int_equal(cc.neg, RDD_X224_NEG_RSP);
	assert_int_equal(cc.flags, 0xff);
	assert_int_equal(cc.selected_protocol, 0x12345678);
	assert_int_equal(cc_raw(fail7, sizeof(fail7), &cc), 0);
	assert_int_equal(cc.neg, RDD_X224_NEG_FAILURE);
	assert_int_equal(cc.failure_code, 7);
	assert_null(rdd_neg_failure_name(cc.failure_code));
	/* The cursor stops after LI + 1 bytes. */
	rdd_cur_init(&in, trailing, sizeof(trailing));
	assert_int_equal(rdd_x224_parse_cc(&in, &cc), 0);
	assert_int_equal(rdd_cur_left(&in), 2);
	assert_ptr_equal(in.p, trailing + 7);
}

/* ---- Connection Request ----------------------------------------------- */

static void
test_parse_cr_spec_example(void **state)
{
	struct rdd_x224_cr_parsed cr;

	(void)state;
	memset(&cr, 0xee, sizeof(cr));
	assert_int_equal(cr_of(x224_spec_cr, sizeof(x224_spec_cr), &cr), 0);
	assert_string_equal(cr.cookie, "Cookie: mstshash=eltons");
	assert_false(cr.has_routing);
	assert_true(cr.neg_req);
	assert_int_equal(cr.neg_flags, 0);
	assert_int_equal(cr.requested_protocols, 0);
}

static void
test_parse_cr_captures(void **state)
{
	static const struct {
		const uint8_t *p;
		size_t len;
		const char *cookie;
		bool neg_req;
		uint32_t requested;
	} t[] = {
	    {pe_cr1, sizeof(pe_cr1), "Cookie: mstshash=FTBCO\\A70", true, 1},
	    {pe_cr2, sizeof(pe_cr2), "Cookie: mstshash=FTBCO\\A70", true, 0},
	    {ssl_cr, sizeof(ssl_cr), "Cookie: mstshash=AWAKECODI", true, 3},
	    {nc_cr, sizeof(nc_cr), "", true, 0x0b},
	    {r3_cr, sizeof(r3_cr), "Cookie: mstshash=A70067", false, 0},
	    {x509_cr, sizeof(x509_cr), "Cookie: mstshash=JOHN-PC  ", true, 0},
	};
	struct rdd_x224_cr_parsed cr;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		memset(&cr, 0xee, sizeof(cr));
		assert_int_equal(cr_of(t[i].p, t[i].len, &cr), 0);
		assert_string_equal(cr.cookie, t[i].cookie);
		assert_false(cr.has_routing);
		assert_true(cr.neg_req == t[i].neg_req);
		assert_int_equal(cr.neg_flags, 0);
		assert_int_equal(cr.requested_protocols, t[i].requested);
	}
}

/* The cursor stops after the LI + 1 bytes of the TPDU. */
static void
test_parse_cr_cursor_stops_after_tpdu(void **state)
{
	struct rdd_x224_cr_parsed cr;
	struct rdd_cur full, in;
	uint8_t buf[64];

	(void)state;
	full = payload_of(ssl_cr, sizeof(ssl_cr));
	memcpy(buf, full.p, full.len);
	memcpy(buf + full.len, "\x03\x00", 2);
	rdd_cur_init(&in, buf, full.len + 2);
	assert_int_equal(rdd_x224_parse_cr(&in, &cr), 0);
	assert_ptr_equal(in.p, buf + full.len);
	assert_int_equal(rdd_cur_left(&in), 2);
	assert_int_equal(cr.requested_protocols, 3);
}

/* A routing token (Connection Broker form) is not a cookie. */
static void
test_parse_cr_routing_token(void **state)
{
	static const char tok[] = "Cookie: msts=3640205228.15629.0000\r\n";
	uint8_t pdu[64];
	struct rdd_x224_cr_parsed cr;
	size_t n = 0;

	(void)state;
	pdu[n++] = 0; /* LI, below */
	memcpy(pdu + n, "\xe0\x00\x00\x00\x00\x00", 6);
	n += 6;
	memcpy(pdu + n, tok, sizeof(tok) - 1);
	n += sizeof(tok) - 1;
	memcpy(pdu + n, "\x01\x00\x08\x00\x03\x00\x00\x00", 8);
	n += 8;
	pdu[0] = (uint8_t)(n - 1);
	assert_int_equal(cr_raw(pdu, n, &cr), 0);
	assert_true(cr.has_routing);
	assert_string_equal(cr.cookie, "Cookie: msts=3640205228.15629.0000");
	assert_true(cr.neg_req);
	assert_int_equal(cr.requested_protocols, 3);
	/* Without RDP_NEG_REQ. */
	pdu[0] = (uint8_t)(n - 1 - 8);
	assert_int_equal(cr_raw(pdu, n - 8, &cr), 0);
	assert_true(cr.has_routing);
	assert_false(cr.neg_req);
}

/* RDP_NEG_REQ directly after the fixed part; with RDP_NEG_CORRELATION_INFO
 * when flag CORRELATION_INFO_PRESENT (0x08) says so. */
static void
test_parse_cr_correlation_info(void **state)
{
	uint8_t pdu[64];
	struct rdd_x224_cr_parsed cr;
	struct rdd_cur in;
	const size_t n = 7 + 8 + 36;

	(void)state;
	memset(pdu, 0, sizeof(pdu));
	pdu[0] = (uint8_t)(n - 1);
	pdu[1] = 0xe0;
	memcpy(pdu + 7, "\x01\x08\x08\x00\x0b\x00\x00\x00", 8);
	memcpy(pdu + 15, "\x06\x00\x24\x00", 4);
	memset(pdu + 19, 0x42, 16); /* correlationId */
	rdd_cur_init(&in, pdu, n);
	assert_int_equal(rdd_x224_parse_cr(&in, &cr), 0);
	assert_int_equal(rdd_cur_left(&in), 0);
	assert_string_equal(cr.cookie, "");
	assert_true(cr.neg_req);
	assert_int_equal(cr.neg_flags, 0x08);
	assert_int_equal(cr.requested_protocols, 0x0b);
	/* Without the flag, the 36 bytes are junk. */
	pdu[8] = 0x00;
	assert_int_equal(cr_raw(pdu, n, &cr), -1);
	pdu[8] = 0x08;
	/* Wrong type, wrong length, one byte short. */
	pdu[15] = 0x07;
	assert_int_equal(cr_raw(pdu, n, &cr), -1);
	pdu[15] = 0x06;
	pdu[17] = 0x23;
	assert_int_equal(cr_raw(pdu, n, &cr), -1);
	pdu[17] = 0x24;
	pdu[0] = (uint8_t)(n - 2);
	assert_int_equal(cr_raw(pdu, n - 1, &cr), -1);
	/* One byte more than the block inside the TPDU. */
	pdu[0] = (uint8_t)n;
	assert_int_equal(cr_raw(pdu, n + 1, &cr), -1);
	/* The flag alone, without the block, is accepted. */
	pdu[0] = 14;
	assert_int_equal(cr_raw(pdu, 15, &cr), 0);
	assert_int_equal(cr.neg_flags, 0x08);
}

/* Malformed Connection Requests (TPKT payloads). */
static void
test_parse_cr_malformed(void **state)
{
	static const struct {
		const char *why;
		const char *b;
		size_t len;
	} t[] = {
	    {"LI 5", "\x05\xe0\x00\x00\x00\x00", 6},
	    {"LI past the end", "\x07\xe0\x00\x00\x00\x00\x00", 7},
	    {"code CC", "\x06\xd0\x00\x00\x00\x00\x00", 7},
	    {"code DT", "\x06\xf0\x00\x00\x00\x00\x00", 7},
	    {"no CR LF",
	     "\x09\xe0\x00\x00\x00\x00\x00"
	     "Coo",
	     10},
	    {"CR only",
	     "\x0a\xe0\x00\x00\x00\x00\x00"
	     "Coo\r",
	     11},
	    {"LF only",
	     "\x0a\xe0\x00\x00\x00\x00\x00"
	     "Coo\n",
	     11},
	    {"LF CR",
	     "\x0a\xe0\x00\x00\x00\x00\x00"
	     "Co\n\r",
	     11},
	    {"CR x LF",
	     "\x0a\xe0\x00\x00\x00\x00\x00"
	     "C\rx\n",
	     11},
	    {"CR x at end",
	     "\x09\xe0\x00\x00\x00\x00\x00"
	     "A\rB",
	     10},
	    {"NUL in line",
	     "\x0a\xe0\x00\x00\x00\x00\x00"
	     "C\0\r\n",
	     11},
	    {"TAB in line",
	     "\x0a\xe0\x00\x00\x00\x00\x00"
	     "C\t\r\n",
	     11},
	    {"DEL in line",
	     "\x0a\xe0\x00\x00\x00\x00\x00"
	     "C\x7f\r\n",
	     11},
	    {"neg 1 byte", "\x07\xe0\x00\x00\x00\x00\x00\x01", 8},
	    {"neg 7 bytes",
	     "\x0d\xe0\x00\x00\x00\x00\x00"
	     "\x01\x00\x08\x00\x00\x00\x00",
	     14},
	    {"neg length 0",
	     "\x0e\xe0\x00\x00\x00\x00\x00"
	     "\x01\x00\x00\x00\x00\x00\x00\x00",
	     15},
	    {"neg length 9",
	     "\x0e\xe0\x00\x00\x00\x00\x00"
	     "\x01\x00\x09\x00\x00\x00\x00\x00",
	     15},
	    {"neg after line not REQ",
	     "\x11\xe0\x00\x00\x00\x00\x00"
	     "A\r\n\x02\x00\x08\x00\x00\x00\x00\x00",
	     18},
	    {"junk after REQ",
	     "\x0f\xe0\x00\x00\x00\x00\x00"
	     "\x01\x00\x08\x00\x00\x00\x00\x00\x00",
	     16},
	    {"two lines",
	     "\x0c\xe0\x00\x00\x00\x00\x00"
	     "A\r\nB\r\n",
	     13},
	};
	struct rdd_x224_cr_parsed cr, before;
	struct rdd_cur in;
	size_t i;

	(void)state;
	memset(&before, 0x5a, sizeof(before));
	for (i = 0; i < NELEM(t); i++) {
		if (strncmp(t[i].why, "LI", 2) != 0)
			assert_int_equal((uint8_t)t[i].b[0] + 1, t[i].len);
		rdd_cur_init(&in, (const uint8_t *)t[i].b, t[i].len);
		cr = before;
		if (rdd_x224_parse_cr(&in, &cr) != -1)
			fail_msg("accepted: %s", t[i].why);
		assert_int_equal(rdd_cur_left(&in), t[i].len);
		assert_memory_equal(&cr, &before, sizeof(cr));
	}
	/* A CC is not a CR. */
	in = payload_of(spec_cc, sizeof(spec_cc));
	assert_int_equal(rdd_x224_parse_cr(&in, &cr), -1);
}

/* Every proper prefix of every valid CR payload: -1, cursor untouched. */
static void
test_parse_cr_every_truncation_fails(void **state)
{
	struct rdd_x224_cr_parsed cr;
	struct rdd_cur full, in;
	size_t i, n;

	(void)state;
	for (i = 0; i < NELEM(valid_cr); i++) {
		full = payload_of(valid_cr[i].p, valid_cr[i].len);
		for (n = 0; n < full.len; n++) {
			rdd_cur_init(&in, full.p, n);
			assert_int_equal(rdd_x224_parse_cr(&in, &cr), -1);
			assert_ptr_equal(in.p, full.p);
			assert_int_equal(rdd_cur_left(&in), n);
		}
	}
}

/* A line longer than the 63 characters kept is truncated, not refused;
 * bytes >= 0x80 are kept as they are. */
static void
test_parse_cr_long_line(void **state)
{
	uint8_t pdu[160];
	struct rdd_x224_cr_parsed cr;
	const size_t line = 100;

	(void)state;
	memset(pdu, 0, sizeof(pdu));
	pdu[0] = (uint8_t)(6 + line + 2);
	pdu[1] = 0xe0;
	memset(pdu + 7, 'x', line);
	pdu[7 + 70] = 0xe9; /* past what is kept */
	pdu[7 + 10] = 0xe9;
	memcpy(pdu + 7 + line, "\r\n", 2);
	assert_int_equal(cr_raw(pdu, 7 + line + 2, &cr), 0);
	assert_int_equal(strlen(cr.cookie), 63);
	assert_int_equal((uint8_t)cr.cookie[10], 0xe9);
	assert_int_equal(cr.cookie[62], 'x');
	assert_true(cr.has_routing);
	assert_false(cr.neg_req);
}

/* rdp-invalid-length.pcap's client bytes: rejected, whichever way read. */
static void
test_parse_cr_invalid_length_capture(void **state)
{
	struct rdd_x224_cr_parsed cr;

	(void)state;
	assert_int_equal(cr_raw(il_p4, sizeof(il_p4), &cr), -1);
	assert_int_equal(cr_raw(il_p4 + 4, sizeof(il_p4) - 4, &cr), -1);
	assert_int_equal(cr_raw(il_p7, sizeof(il_p7), &cr), -1);
	assert_int_equal(cr_raw(il_p7 + 4, sizeof(il_p7) - 4, &cr), -1);
}

/* ---- names ------------------------------------------------------------ */

static void
test_neg_failure_names(void **state)
{
	(void)state;
	assert_string_equal(rdd_neg_failure_name(1), "SSL_REQUIRED_BY_SERVER");
	assert_string_equal(rdd_neg_failure_name(2),
	                    "SSL_NOT_ALLOWED_BY_SERVER");
	assert_string_equal(rdd_neg_failure_name(3), "SSL_CERT_NOT_ON_SERVER");
	assert_string_equal(rdd_neg_failure_name(4), "INCONSISTENT_FLAGS");
	assert_string_equal(rdd_neg_failure_name(5),
	                    "HYBRID_REQUIRED_BY_SERVER");
	assert_string_equal(rdd_neg_failure_name(6),
	                    "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER");
	assert_null(rdd_neg_failure_name(0));
	assert_null(rdd_neg_failure_name(7));
	assert_null(rdd_neg_failure_name(0x01000000));
	assert_null(rdd_neg_failure_name(UINT32_MAX));
}

static void
test_protocol_names(void **state)
{
	(void)state;
	assert_string_equal(rdd_protocol_name(0), "PROTOCOL_RDP");
	assert_string_equal(rdd_protocol_name(1), "PROTOCOL_SSL");
	assert_string_equal(rdd_protocol_name(2), "PROTOCOL_HYBRID");
	assert_string_equal(rdd_protocol_name(4), "PROTOCOL_RDSTLS");
	assert_string_equal(rdd_protocol_name(8), "PROTOCOL_HYBRID_EX");
	assert_string_equal(rdd_protocol_name(0x10), "PROTOCOL_RDSAAD");
	assert_null(rdd_protocol_name(3));
	assert_null(rdd_protocol_name(0x20));
	assert_null(rdd_protocol_name(0x80000000));
}

static void
test_protocols_str(void **state)
{
	char s[64];

	(void)state;
	assert_string_equal(rdd_protocols_str(s, sizeof(s), 0), "RDP");
	assert_string_equal(rdd_protocols_str(s, sizeof(s), 1), "SSL");
	assert_string_equal(rdd_protocols_str(s, sizeof(s), 3), "SSL|HYBRID");
	assert_string_equal(rdd_protocols_str(s, sizeof(s), 0x0b),
	                    "SSL|HYBRID|HYBRID_EX");
	assert_string_equal(rdd_protocols_str(s, sizeof(s), 0x1f),
	                    "SSL|HYBRID|RDSTLS|HYBRID_EX|RDSAAD");
	assert_string_equal(rdd_protocols_str(s, sizeof(s), 0x10), "RDSAAD");
	assert_string_equal(rdd_protocols_str(s, sizeof(s), 0x21), "SSL|0x20");
	assert_string_equal(rdd_protocols_str(s, sizeof(s), 0x80000000),
	                    "0x80000000");
	assert_string_equal(rdd_protocols_str(s, sizeof(s), 0xffffffff),
	                    "SSL|HYBRID|RDSTLS|HYBRID_EX|RDSAAD|0xffffffe0");
	assert_string_equal(rdd_protocols_str(s, sizeof(s), 0x100), "0x100");
	assert_ptr_equal(rdd_protocols_str(s, sizeof(s), 2), s);
}

/* Short buffers: truncated, always terminated, never written past CAP. */
static void
test_protocols_str_truncates(void **state)
{
	char s[16];
	size_t cap;
	const char *full = "SSL|HYBRID|HYBRID_EX";

	(void)state;
	for (cap = 1; cap <= sizeof(s); cap++) {
		memset(s, 'Z', sizeof(s));
		rdd_protocols_str(s, cap, 0x0b);
		assert_int_equal(strlen(s), cap - 1);
		assert_memory_equal(s, full, cap - 1);
		if (cap < sizeof(s))
			assert_int_equal(s[cap], 'Z');
	}
	memset(s, 'Z', sizeof(s));
	rdd_protocols_str(s, 3, 0x80000000);
	assert_string_equal(s, "0x");
	s[0] = 'Z';
	assert_ptr_equal(rdd_protocols_str(s, 0, 1), s);
	assert_int_equal(s[0], 'Z');
	assert_null(rdd_protocols_str(NULL, 0, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_cr_spec_example),
	    cmocka_unit_test(test_build_cr_matches_captures),
	    cmocka_unit_test(test_build_cr_minimal),
	    cmocka_unit_test(test_build_cr_neg_fields),
	    cmocka_unit_test(test_build_cr_no_room),
	    cmocka_unit_test(test_build_cr_rejects_cookies),
	    cmocka_unit_test(test_build_cr_lengths_roundtrip),
	    cmocka_unit_test(test_parse_cc_spec_example),
	    cmocka_unit_test(test_parse_cc_captures),
	    cmocka_unit_test(test_parse_cc_invalid_length_capture),
	    cmocka_unit_test(test_parse_cc_every_truncation_fails),
	    cmocka_unit_test(test_parse_cc_malformed),
	    cmocka_unit_test(test_parse_cc_tolerated),
	    cmocka_unit_test(test_parse_cr_spec_example),
	    cmocka_unit_test(test_parse_cr_captures),
	    cmocka_unit_test(test_parse_cr_cursor_stops_after_tpdu),
	    cmocka_unit_test(test_parse_cr_routing_token),
	    cmocka_unit_test(test_parse_cr_correlation_info),
	    cmocka_unit_test(test_parse_cr_malformed),
	    cmocka_unit_test(test_parse_cr_every_truncation_fails),
	    cmocka_unit_test(test_parse_cr_long_line),
	    cmocka_unit_test(test_parse_cr_invalid_length_capture),
	    cmocka_unit_test(test_neg_failure_names),
	    cmocka_unit_test(test_protocol_names),
	    cmocka_unit_test(test_protocols_str),
	    cmocka_unit_test(test_protocols_str_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
