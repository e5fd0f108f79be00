/*
 * test_share.c - lib/wire/share.c: the share control and data headers,
 * Demand Active with its capability sets, the Confirm Active and the
 * finalization PDUs built byte for byte, the server's finalization,
 * error and logon PDUs, Deactivate All, Server Redirection and the name
 * tables.
 *
 * Byte vectors: [MS-RDPBCGR] 4.1.12 to 4.1.15 (the decrypted contents the
 * annotated dumps give, from the share control header on); a Windows
 * server's Synchronize, Cooperate and Deactivate All (a TLS-decrypted
 * Network Monitor capture reproduced in Apache CloudStack's rdpconsole,
 * services/console-proxy/rdpconsole/src/main/java/rdpclient/rdp/
 * Server{Synchronize,ControlPDUCooperate}PDU.java and
 * ServerIOChannelRouter.java); and what two lab servers sent rdpdoctor's
 * own Confirm Active and finalization PDUs (xrdp 0.9.21.1 and
 * freerdp-shadow-cli 2.11.7, Debian 12 packages, each over TLS on
 * loopback in a private network namespace, recorded after TLS by the
 * client that sent them). Save Session Info and Server Redirection are made here
 * from the layouts of [MS-RDPBCGR] 2.2.10.1 and 2.2.13.1: no real or
 * specification bytes of them were found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture_vectors.h"

#include "wire/share.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct rdd_cur
cur(const uint8_t *p, size_t n)
{
	struct rdd_cur c;

	rdd_cur_init(&c, p, n);
	return c;
}

/* ---- vectors ----------------------------------------------------------- */

/* [MS-RDPBCGR] 4.1.12 Server Demand Active PDU (a Windows server):
 * 13 sets; the Font set is 4 bytes long (the specification's annotation
 * calls it a server bug) and several fields hold uninitialised memory.
 * The decrypted bytes after the security header. */
static const uint8_t spec_demand_active[359] = {
    0x67, 0x01, 0x11, 0x00, 0xea, 0x03, 0xea, 0x03, 0x01, 0x00, 0x04, 0x00,
    0x51, 0x01, 0x52, 0x44, 0x50, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x09, 0x00,
    0x08, 0x00, 0xea, 0x03, 0xdc, 0xe2, 0x01, 0x00, 0x18, 0x00, 0x01, 0x00,
    0x03, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x1d, 0x04, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x14, 0x00, 0x08, 0x00, 0x02, 0x00,
    0x00, 0x00, 0x16, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x70, 0xf6,
    0x13, 0xf3, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x18, 0x00,
    0x00, 0x00, 0x9c, 0xf6, 0x13, 0xf3, 0x61, 0xa6, 0x82, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x50, 0x91, 0xbf, 0x0e, 0x00, 0x04, 0x00, 0x02, 0x00,
    0x1c, 0x00, 0x18, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x05,
    0x00, 0x04, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x03, 0x00, 0x58, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x42,
    0x0f, 0x00, 0x01, 0x00, 0x14, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x22, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x00, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0xa1, 0x06,
    0x00, 0x00, 0x40, 0x42, 0x0f, 0x00, 0x40, 0x42, 0x0f, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00,
    0x00, 0x00, 0x12, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00,
    0x0a, 0x00, 0x01, 0x00, 0x19, 0x00, 0x19, 0x00, 0x0d, 0x00, 0x58, 0x00,
    0x35, 0x00, 0x00, 0x00, 0xa1, 0x06, 0x00, 0x00, 0x40, 0x42, 0x0f, 0x00,
    0x0c, 0xf6, 0x13, 0xf3, 0x93, 0x5a, 0x37, 0xf3, 0x00, 0x90, 0x30, 0xe1,
    0x34, 0x1c, 0x38, 0xf3, 0x40, 0xf6, 0x13, 0xf3, 0x04, 0x00, 0x00, 0x00,
    0x4c, 0x54, 0xdc, 0xe2, 0x08, 0x50, 0xdc, 0xe2, 0x01, 0x00, 0x00, 0x00,
    0x08, 0x50, 0xdc, 0xe2, 0x00, 0x00, 0x00, 0x00, 0x38, 0xf6, 0x13, 0xf3,
    0x2e, 0x05, 0x38, 0xf3, 0x08, 0x50, 0xdc, 0xe2, 0x2c, 0xf6, 0x13, 0xf3,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0a, 0x00, 0x01, 0x00, 0x19, 0x00,
    0x17, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x00, 0x0b, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* [MS-RDPBCGR] 4.1.13 Client Confirm Active PDU (mstsc, user channel
 * 1007): 18 sets. The decrypted bytes after the security header. */
static const uint8_t spec_confirm_active[492] = {
    0xec, 0x01, 0x13, 0x00, 0xef, 0x03, 0xea, 0x03, 0x01, 0x00, 0xea, 0x03,
    0x06, 0x00, 0xd6, 0x01, 0x4d, 0x53, 0x54, 0x53, 0x43, 0x00, 0x12, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x18, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x1d, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x02, 0x00, 0x1c, 0x00, 0x18, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x01, 0x00, 0x00, 0x05, 0x00, 0x04, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x58, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x14, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00,
    0x00, 0x01, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xa1, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x84,
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe4, 0x04, 0x00, 0x00, 0x13, 0x00,
    0x28, 0x00, 0x03, 0x00, 0x00, 0x03, 0x78, 0x00, 0x00, 0x00, 0x78, 0x00,
    0x00, 0x00, 0xfb, 0x09, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x00, 0x00, 0x07, 0x00,
    0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00,
    0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x02, 0x00, 0x08, 0x00,
    0x0a, 0x00, 0x01, 0x00, 0x14, 0x00, 0x15, 0x00, 0x09, 0x00, 0x08, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x58, 0x00, 0x15, 0x00, 0x20, 0x00,
    0x09, 0x04, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x08, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x10, 0x00, 0x34, 0x00, 0xfe, 0x00, 0x04, 0x00, 0xfe, 0x00, 0x04, 0x00,
    0xfe, 0x00, 0x08, 0x00, 0xfe, 0x00, 0x08, 0x00, 0xfe, 0x00, 0x10, 0x00,
    0xfe, 0x00, 0x20, 0x00, 0xfe, 0x00, 0x40, 0x00, 0xfe, 0x00, 0x80, 0x00,
    0xfe, 0x00, 0x00, 0x01, 0x40, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00, 0x01,
    0x03, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x11, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x1e, 0x64, 0x00,
    0x14, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x15, 0x00, 0x0c, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x01, 0x16, 0x00, 0x28, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* [MS-RDPBCGR] 4.1.14 Client Synchronize PDU and 4.1.15 Client Control
 * PDU - Cooperate (user channel 1007, shareId 0x000103EA). */
static const uint8_t spec_sync[22] = {
    0x16, 0x00, 0x17, 0x00, 0xef, 0x03, 0xea, 0x03, 0x01, 0x00, 0x00,
    0x01, 0x08, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x01, 0x00, 0xea, 0x03,
};
static const uint8_t spec_cooperate[26] = {
    0x1a, 0x00, 0x17, 0x00, 0xef, 0x03, 0xea, 0x03, 0x01,
    0x00, 0x00, 0x01, 0x0c, 0x00, 0x14, 0x00, 0x00, 0x00,
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Windows server, TLS-decrypted (CloudStack rdpconsole, see above): the
 * server Synchronize (frame 36: pad1 8, streamId 0, uncompressedLength
 * the whole PDU's, targetUser garbage) and Control Cooperate (frame 38:
 * pad1 0x9A, streamId 2); the Deactivate All is the example packet of
 * ServerIOChannelRouter.java (no frame named). */
static const uint8_t win_sync[22] = {
    0x16, 0x00, 0x17, 0x00, 0xea, 0x03, 0xea, 0x03, 0x01, 0x00, 0x08,
    0x00, 0x16, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x01, 0x00, 0x86, 0xa4,
};
static const uint8_t win_cooperate[26] = {
    0x1a, 0x00, 0x17, 0x00, 0xea, 0x03, 0xea, 0x03, 0x01,
    0x00, 0x9a, 0x02, 0x1a, 0x00, 0x14, 0x00, 0x00, 0x00,
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t win_deactivate[13] = {
    0x0d, 0x00, 0x16, 0x00, 0xea, 0x03, 0xea,
    0x03, 0x01, 0x00, 0x01, 0x00, 0x00,
};

/* ---- helpers ----------------------------------------------------------- */

static void
put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)(v & 0xFF);
	p[off + 1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, size_t off, uint32_t v)
{
	put16(p, off, (uint16_t)(v & 0xFFFF));
	put16(p, off + 2, (uint16_t)(v >> 16));
}

/* The whole share PDU at P through parse_ctrl and parse_demand_active. */
static int
parse_da(const uint8_t *p, size_t n, struct rdd_demand_active *da)
{
	struct rdd_share_ctrl ctrl;
	struct rdd_cur in = cur(p, n);

	if (rdd_share_parse_ctrl(&in, &ctrl) != 0)
		return -1;
	return rdd_share_parse_demand_active(&ctrl, da);
}

/* The payload of the data PDU at P (share control and data headers
 * checked on the way). */
static struct rdd_cur
data_payload(const uint8_t *p, size_t n, uint8_t pdu_type2)
{
	struct rdd_share_ctrl ctrl;
	struct rdd_share_data data;
	struct rdd_cur in = cur(p, n);

	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	assert_int_equal(rdd_cur_left(&in), 0);
	assert_int_equal(ctrl.pdu_type, RDD_PDUTYPE_DATA);
	assert_int_equal(rdd_share_parse_data(&ctrl.body, &data), 0);
	assert_int_equal(data.pdu_type2, pdu_type2);
	assert_int_equal(data.compressed_type, 0);
	return data.payload;
}

/* A payload parser under one signature, for the truncation tests. */
typedef int (*payload_fn)(struct rdd_cur *p);

/* PARSE accepts the N bytes at P, consuming all of them, and refuses
 * every shorter prefix without moving its cursor. */
static void
assert_every_truncation_fails(payload_fn parse, const uint8_t *p, size_t n)
{
	struct rdd_cur c;
	size_t k;

	c = cur(p, n);
	assert_int_equal(parse(&c), 0);
	assert_int_equal(rdd_cur_left(&c), 0);
	for (k = 0; k < n; k++) {
		c = cur(p, k);
		assert_int_equal(parse(&c), -1);
		assert_ptr_equal(c.p, p);
		assert_int_equal(rdd_cur_left(&c), k);
	}
}

static int
fn_sync(struct rdd_cur *p)
{
	uint16_t t;

	return rdd_share_parse_synchronize(p, &t);
}

static int
fn_control(struct rdd_cur *p)
{
	struct rdd_share_control c;

	return rdd_share_parse_control(p, &c);
}

static int
fn_font_map(struct rdd_cur *p)
{
	uint16_t n, f;

	return rdd_share_parse_font_map(p, &n, &f);
}

static int
fn_error_info(struct rdd_cur *p)
{
	uint32_t v;

	return rdd_share_parse_error_info(p, &v);
}

static int
fn_status_info(struct rdd_cur *p)
{
	uint32_t v;

	return rdd_share_parse_status_info(p, &v);
}

static int
fn_monitor_layout(struct rdd_cur *p)
{
	uint32_t n;

	return rdd_share_parse_monitor_layout(p, &n);
}

static int
fn_save_session_info(struct rdd_cur *p)
{
	struct rdd_save_session_info s;

	return rdd_share_parse_save_session_info(p, &s);
}

static int
fn_redirection(struct rdd_cur *p)
{
	struct rdd_redirection r;

	return rdd_share_parse_redirection(p, &r);
}

/* ---- share control header ---------------------------------------------- */

static void
test_ctrl_spec_demand_active(void **state)
{
	struct rdd_share_ctrl ctrl;
	struct rdd_cur in = cur(spec_demand_active, sizeof(spec_demand_active));

	(void)state;
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	assert_int_equal(ctrl.total_length, 359);
	assert_int_equal(ctrl.pdu_type_raw, 0x0011);
	assert_int_equal(ctrl.pdu_type, RDD_PDUTYPE_DEMANDACTIVE);
	assert_true(ctrl.has_source);
	assert_int_equal(ctrl.pdu_source, 1002);
	assert_ptr_equal(ctrl.body.p, spec_demand_active + 6);
	assert_int_equal(rdd_cur_left(&ctrl.body), 353);
	assert_int_equal(rdd_cur_left(&in), 0);
}

/* Bytes after totalLength stay in IN: the next PDU of a stream. */
static void
test_ctrl_leaves_the_rest(void **state)
{
	uint8_t two[sizeof(win_sync) + sizeof(xrdp_sync)];
	struct rdd_share_ctrl ctrl;
	struct rdd_cur in;

	(void)state;
	memcpy(two, win_sync, sizeof(win_sync));
	memcpy(two + sizeof(win_sync), xrdp_sync, sizeof(xrdp_sync));
	in = cur(two, sizeof(two));
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	assert_int_equal(rdd_cur_left(&ctrl.body), 16);
	assert_ptr_equal(in.p, two + sizeof(win_sync));
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	assert_int_equal(ctrl.pdu_source, 1002);
	assert_int_equal(rdd_cur_left(&in), 0);
}

/* XP's Deactivate All: a 4-byte header without pduSource. */
static void
test_ctrl_short_header(void **state)
{
	static const uint8_t pdu[] = {0x04, 0x00, 0x16, 0x00};
	struct rdd_share_ctrl ctrl;
	struct rdd_cur in = cur(pdu, sizeof(pdu));
	bool has_id = true;
	uint32_t id = 0;

	(void)state;
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	assert_int_equal(ctrl.pdu_type, RDD_PDUTYPE_DEACTIVATEALL);
	assert_false(ctrl.has_source);
	assert_int_equal(rdd_cur_left(&ctrl.body), 0);
	assert_int_equal(rdd_share_parse_deactivate_all(&ctrl, &has_id, &id),
	                 0);
	assert_false(has_id);
}

static void
test_ctrl_refused(void **state)
{
	/* flow PDU marker; totalLength 0..3; 5 (half a pduSource); more
	 * than there is */
	static const uint8_t flow[] = {0x00, 0x80, 0x17, 0x00,
	                               0x00, 0x00, 0x00, 0x00};
	static const uint8_t five[] = {0x05, 0x00, 0x17, 0x00, 0xea, 0x03};
	static const uint8_t over[] = {0x07, 0x00, 0x17, 0x00, 0xea, 0x03};
	uint8_t small[6] = {0x00, 0x00, 0x17, 0x00, 0xea, 0x03};
	struct rdd_share_ctrl ctrl;
	struct rdd_cur in;
	uint16_t t;

	(void)state;
	in = cur(flow, sizeof(flow));
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), -1);
	assert_ptr_equal(in.p, flow);
	for (t = 0; t < 4; t++) {
		put16(small, 0, t);
		in = cur(small, sizeof(small));
		assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), -1);
		assert_int_equal(rdd_cur_left(&in), sizeof(small));
	}
	in = cur(five, sizeof(five));
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), -1);
	in = cur(over, sizeof(over));
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), -1);
	assert_int_equal(rdd_cur_left(&in), sizeof(over));
}

/* ---- share data header -------------------------------------------------- */

static void
test_data_headers(void **state)
{
	struct rdd_share_ctrl ctrl;
	struct rdd_share_data d;
	struct rdd_cur in, body;
	size_t k;

	(void)state;
	/* Windows: pad1 8, streamId 0, uncompressedLength the PDU's */
	in = cur(win_sync, sizeof(win_sync));
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	body = ctrl.body;
	assert_int_equal(rdd_share_parse_data(&body, &d), 0);
	assert_int_equal(d.share_id, 0x000103EA);
	assert_int_equal(d.stream_id, 0);
	assert_int_equal(d.uncompressed_length, 22);
	assert_int_equal(d.pdu_type2, RDD_PDUTYPE2_SYNCHRONIZE);
	assert_int_equal(d.compressed_type, 0);
	assert_int_equal(d.compressed_length, 0);
	assert_ptr_equal(d.payload.p, win_sync + 18);
	assert_int_equal(rdd_cur_left(&d.payload), 4);
	assert_int_equal(rdd_cur_left(&body), 0);
	/* FreeRDP's server: streamId LOW, uncompressedLength the payload's */
	in = cur(shadow_granted, sizeof(shadow_granted));
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	assert_int_equal(rdd_share_parse_data(&ctrl.body, &d), 0);
	assert_int_equal(d.share_id, 0x000103EC);
	assert_int_equal(d.stream_id, 1);
	assert_int_equal(d.uncompressed_length, 8);
	assert_int_equal(d.pdu_type2, RDD_PDUTYPE2_CONTROL);
	/* a header cut short */
	for (k = 0; k < 12; k++) {
		body = cur(xrdp_sync + 6, k);
		assert_int_equal(rdd_share_parse_data(&body, &d), -1);
		assert_int_equal(rdd_cur_left(&body), k);
	}
	body = cur(xrdp_shutdown_denied + 6, 12);
	assert_int_equal(rdd_share_parse_data(&body, &d), 0);
	assert_int_equal(d.pdu_type2, RDD_PDUTYPE2_SHUTDOWN_DENIED);
	assert_int_equal(rdd_cur_left(&d.payload), 0);
}

/* ---- Demand Active ----------------------------------------------------- */

static void
assert_caps(const struct rdd_demand_active *da, const uint16_t *types,
            const uint16_t *lens, size_t n)
{
	size_t i;

	assert_int_equal(da->n_caps, n);
	assert_int_equal(da->n_caps_kept, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(da->caps[i].type, types[i]);
		assert_int_equal(da->caps[i].length, lens[i]);
	}
}

static void
test_demand_active_spec(void **state)
{
	static const uint16_t types[] = {0x09, 0x01, 0x14, 0x16, 0x0E,
	                                 0x02, 0x03, 0x0A, 0x12, 0x08,
	                                 0x0D, 0x17, 0x18};
	static const uint16_t lens[] = {8, 24, 8,  40, 4, 28, 88,
	                                8, 8,  10, 88, 8, 11};
	static const uint8_t support[32] = {1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1,
	                                    1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1,
	                                    1, 0, 1, 1, 1, 1, 0, 0, 0, 0};
	struct rdd_demand_active da;

	(void)state;
	assert_int_equal(
	    parse_da(spec_demand_active, sizeof(spec_demand_active), &da), 0);
	assert_int_equal(da.share_id, 0x000103EA);
	assert_int_equal(da.pdu_source, 1002);
	assert_string_equal(da.source_descriptor, "RDP");
	assert_caps(&da, types, lens, NELEM(types));
	assert_true(da.general.present);
	assert_int_equal(da.general.os_major, 1);
	assert_int_equal(da.general.os_minor, 3);
	assert_int_equal(da.general.protocol_version, 0x0200);
	assert_int_equal(da.general.extra_flags, 0x041D);
	assert_true(da.general.refresh_rect);
	assert_true(da.general.suppress_output);
	assert_true(da.bitmap.present);
	assert_int_equal(da.bitmap.bpp, 24);
	assert_int_equal(da.bitmap.width, 1280);
	assert_int_equal(da.bitmap.height, 1024);
	assert_true(da.bitmap.resize);
	assert_int_equal(da.bitmap.drawing_flags, 0);
	assert_true(da.order.present);
	assert_int_equal(da.order.flags, 0x0022);
	assert_memory_equal(da.order.support, support, sizeof(support));
	assert_int_equal(da.order.n_supported, 22);
	assert_true(da.virtual_channel.present);
	assert_int_equal(da.virtual_channel.flags, 0x00000002);
	assert_false(da.virtual_channel.has_chunk_size);
	assert_true(da.has_session_id);
	assert_int_equal(da.session_id, 0);
}

static void
test_demand_active_xrdp(void **state)
{
	static const uint16_t types[] = {0x09, 0x01, 0x02, 0x0E, 0x03,
	                                 0x1D, 0x0A, 0x08, 0x0D, 0x06,
	                                 0x1A, 0x1E, 0x1C};
	static const uint16_t lens[] = {8,  24, 28, 4, 88, 93, 8,
	                                10, 88, 5,  8, 8,  12};
	static const uint8_t support[32] = {1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1,
	                                    0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	                                    0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
	struct rdd_demand_active da;

	(void)state;
	assert_int_equal(
	    parse_da(xrdp_demand_active, sizeof(xrdp_demand_active), &da), 0);
	assert_int_equal(da.share_id, 0x000103EA);
	assert_int_equal(da.pdu_source, 1002);
	assert_string_equal(da.source_descriptor, "RDP");
	assert_caps(&da, types, lens, NELEM(types));
	assert_int_equal(da.general.os_major, 1);
	assert_int_equal(da.general.os_minor, 3);
	/* NO_BITMAP_COMPRESSION_HDR | FASTPATH_OUTPUT_SUPPORTED */
	assert_int_equal(da.general.extra_flags, 0x0401);
	assert_true(da.general.refresh_rect && da.general.suppress_output);
	assert_int_equal(da.bitmap.bpp, 24);
	assert_int_equal(da.bitmap.width, 1024);
	assert_int_equal(da.bitmap.height, 768);
	assert_true(da.bitmap.resize);
	assert_int_equal(da.order.flags, 0x0022);
	assert_memory_equal(da.order.support, support, sizeof(support));
	assert_int_equal(da.order.n_supported, 8);
	assert_false(da.virtual_channel.present);
	assert_true(da.has_session_id);
	assert_int_equal(da.session_id, 0);
}

static void
test_demand_active_freerdp(void **state)
{
	static const uint16_t types[] = {0x01, 0x02, 0x03, 0x08, 0x0D,
	                                 0x14, 0x09, 0x0E, 0x1A, 0x1B,
	                                 0x19, 0x1C, 0x1D, 0x1E};
	static const uint16_t lens[] = {24, 28, 88, 10, 88, 12, 8,
	                                8,  8,  6,  6,  12, 51, 8};
	struct rdd_demand_active da;

	(void)state;
	assert_int_equal(
	    parse_da(shadow_demand_active, sizeof(shadow_demand_active), &da),
	    0);
	assert_int_equal(da.share_id, 0x000103EC);
	assert_int_equal(da.pdu_source, 1004);
	assert_caps(&da, types, lens, NELEM(types));
	assert_int_equal(da.general.os_major, 0);
	assert_int_equal(da.general.os_minor, 0);
	assert_int_equal(da.general.extra_flags, 0x0415);
	assert_int_equal(da.bitmap.drawing_flags, 0x0E);
	assert_int_equal(da.order.flags, 0x00AA);
	assert_int_equal(da.order.n_supported, 7);
	assert_true(da.virtual_channel.present);
	assert_int_equal(da.virtual_channel.flags, 0);
	assert_true(da.virtual_channel.has_chunk_size);
	assert_int_equal(da.virtual_channel.chunk_size, 1600);
	assert_true(da.has_session_id);
}

/*
 * Every cut of the whole PDU fails at the share control header; every cut
 * of the body fails too, except the one that drops exactly the optional
 * sessionId.
 */
static void
test_demand_active_every_truncation(void **state)
{
	const uint8_t *v[] = {spec_demand_active, xrdp_demand_active,
	                      shadow_demand_active};
	size_t len[] = {sizeof(spec_demand_active), sizeof(xrdp_demand_active),
	                sizeof(shadow_demand_active)};
	struct rdd_demand_active da;
	struct rdd_share_ctrl ctrl, cut;
	struct rdd_cur in;
	size_t i, k, body;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		for (k = 0; k < len[i]; k++)
			assert_int_equal(parse_da(v[i], k, &da), -1);
		in = cur(v[i], len[i]);
		assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
		body = rdd_cur_left(&ctrl.body);
		for (k = 0; k < body; k++) {
			cut = ctrl;
			cut.body = cur(ctrl.body.p, k);
			if (k == body - 4) {
				assert_int_equal(
				    rdd_share_parse_demand_active(&cut, &da),
				    0);
				assert_false(da.has_session_id);
			} else {
				assert_int_equal(
				    rdd_share_parse_demand_active(&cut, &da),
				    -1);
			}
		}
	}
}

/* Offsets in spec_demand_active. */
#define DA_LEN_COMB 12  /* lengthCombinedCapabilities */
#define DA_LEN_DESC 10  /* lengthSourceDescriptor */
#define DA_N_CAPS 18    /* numberCapabilities */
#define DA_FIRST_SET 22 /* Share, 8 bytes */
#define DA_GENERAL 30   /* General, 24 bytes */

static int
parse_patched(size_t off, uint16_t v)
{
	uint8_t pdu[sizeof(spec_demand_active)];
	struct rdd_demand_active da;

	memcpy(pdu, spec_demand_active, sizeof(pdu));
	put16(pdu, off, v);
	return parse_da(pdu, sizeof(pdu), &da);
}

static void
test_demand_active_absurd_lengths(void **state)
{
	(void)state;
	assert_int_equal(parse_patched(DA_N_CAPS, 13), 0);
	/* lengthCapability 0, 3: below its own header */
	assert_int_equal(parse_patched(DA_FIRST_SET + 2, 0), -1);
	assert_int_equal(parse_patched(DA_FIRST_SET + 2, 3), -1);
	/* past the end of the combined capabilities, and far past */
	assert_int_equal(parse_patched(DA_FIRST_SET + 2, 338), -1);
	assert_int_equal(parse_patched(DA_FIRST_SET + 2, 0xFFFF), -1);
	/* numberCapabilities beyond the sets there are */
	assert_int_equal(parse_patched(DA_N_CAPS, 14), -1);
	assert_int_equal(parse_patched(DA_N_CAPS, 0xFFFF), -1);
	/* lengthCombinedCapabilities beyond the PDU; too short for the
	 * sets; too short for numberCapabilities */
	assert_int_equal(parse_patched(DA_LEN_COMB, 342), -1);
	assert_int_equal(parse_patched(DA_LEN_COMB, 300), -1);
	assert_int_equal(parse_patched(DA_LEN_COMB, 2), -1);
	/* lengthSourceDescriptor beyond the PDU */
	assert_int_equal(parse_patched(DA_LEN_DESC, 0x1000), -1);
	/* a General set too short for the fields decoded: its length 8,
	 * its 16 remaining bytes read as a broken next set */
	assert_int_equal(parse_patched(DA_GENERAL + 2, 8), -1);
}

/* A decoded set shorter than its fields fails; an undecoded one of any
 * length >= 4 is listed. Each test PDU: header, one set, sessionId. */
static int
parse_one_set(uint16_t type, uint16_t len)
{
	uint8_t pdu[6 + 4 + 4 + 4 + 4 + 100 + 4];
	struct rdd_demand_active da;
	size_t n = 22 + len + 4;

	memset(pdu, 0, sizeof(pdu));
	put16(pdu, 0, (uint16_t)n);
	put16(pdu, 2, 0x0011);
	put16(pdu, 4, 1002);
	put32(pdu, 6, 0x000103EA);
	put16(pdu, 10, 4);
	put16(pdu, 12, (uint16_t)(4 + len));
	memcpy(pdu + 14, "RDP", 4);
	put16(pdu, 18, 1);
	put16(pdu, 22, type);
	put16(pdu, 24, len);
	return parse_da(pdu, n, &da);
}

static void
test_demand_active_short_sets(void **state)
{
	(void)state;
	assert_int_equal(parse_one_set(RDD_CAPSET_GENERAL, 24), 0);
	assert_int_equal(parse_one_set(RDD_CAPSET_GENERAL, 23), -1);
	assert_int_equal(parse_one_set(RDD_CAPSET_BITMAP, 24), 0);
	assert_int_equal(parse_one_set(RDD_CAPSET_BITMAP, 23), -1);
	assert_int_equal(parse_one_set(RDD_CAPSET_ORDER, 68), 0);
	assert_int_equal(parse_one_set(RDD_CAPSET_ORDER, 67), -1);
	assert_int_equal(parse_one_set(RDD_CAPSET_VIRTUALCHANNEL, 8), 0);
	assert_int_equal(parse_one_set(RDD_CAPSET_VIRTUALCHANNEL, 7), -1);
	assert_int_equal(parse_one_set(RDD_CAPSET_FONT, 4), 0);
	assert_int_equal(parse_one_set(0x0B, 4), 0);
	assert_int_equal(parse_one_set(0xFFFF, 100), 0);
}

/* 45 sets: all checked, the first 40 listed; a descriptor with bytes
 * outside printable ASCII. */
static void
test_demand_active_many_sets(void **state)
{
	uint8_t pdu[24 + 45 * 4 + 4];
	struct rdd_demand_active da;
	size_t i;

	(void)state;
	memset(pdu, 0, sizeof(pdu));
	put16(pdu, 0, sizeof(pdu));
	put16(pdu, 2, 0x0011);
	put16(pdu, 4, 1002);
	put16(pdu, 10, 6);
	put16(pdu, 12, 4 + 45 * 4);
	memcpy(pdu + 14,
	       "A\x01\x7f"
	       "b\0c",
	       6);
	put16(pdu, 20, 45);
	for (i = 0; i < 45; i++) {
		put16(pdu, 24 + 4 * i, (uint16_t)(0x100 + i));
		put16(pdu, 24 + 4 * i + 2, 4);
	}
	assert_int_equal(parse_da(pdu, sizeof(pdu), &da), 0);
	assert_string_equal(da.source_descriptor, "A??b");
	assert_int_equal(da.n_caps, 45);
	assert_int_equal(da.n_caps_kept, RDD_MAX_CAPSETS);
	assert_int_equal(da.caps[39].type, 0x100 + 39);
	assert_false(da.general.present);
	assert_true(da.has_session_id);
	/* the 45th set cut: fails though it is beyond the kept ones */
	put16(pdu, 24 + 4 * 44 + 2, 8);
	assert_int_equal(parse_da(pdu, sizeof(pdu), &da), -1);
}

static void
test_demand_active_wrong_type(void **state)
{
	struct rdd_demand_active da;
	struct rdd_share_ctrl ctrl;
	struct rdd_cur in = cur(spec_demand_active, sizeof(spec_demand_active));

	(void)state;
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	ctrl.pdu_type = RDD_PDUTYPE_DATA;
	assert_int_equal(rdd_share_parse_demand_active(&ctrl, &da), -1);
}

/* ---- Confirm Active ---------------------------------------------------- */

static const struct rdd_confirm_params spec_like = {
    .share_id = 0x000103EA,
    .user_id = 1007,
    .width = 1280,
    .height = 1024,
    .bpp = 24,
    .vc_chunk = 1600,
    .salted_mac = true,
};

#define CONFIRM_LEN 432

/* The Confirm Active at P read by the Demand Active parser: the same
 * layout once originatorId is taken out. */
static void
parse_confirm(const uint8_t *p, size_t n, struct rdd_demand_active *da)
{
	uint8_t as_demand[CONFIRM_LEN];

	assert_int_equal(n, CONFIRM_LEN);
	memcpy(as_demand, p, 10);
	memcpy(as_demand + 10, p + 12, n - 12);
	put16(as_demand, 0, (uint16_t)(n - 2));
	put16(as_demand, 2, 0x0011);
	assert_int_equal(parse_da(as_demand, n - 2, da), 0);
}

/* Where a set starts in the capability sets at P (N sets). */
static const uint8_t *
find_set(const uint8_t *sets, size_t n, uint16_t type)
{
	size_t i;
	uint16_t len;

	for (i = 0; i < n; i++) {
		if ((sets[0] | sets[1] << 8) == type)
			return sets;
		len = (uint16_t)(sets[2] | sets[3] << 8);
		sets += len;
	}
	return NULL;
}

static void
test_confirm_active_header(void **state)
{
	static const uint8_t head[] = {
	    0xb0, 0x01, 0x13, 0x00, 0xef, 0x03, 0xea, 0x03, 0x01,
	    0x00, 0xea, 0x03, 0x06, 0x00, 0x9a, 0x01, 'M',  'S',
	    'T',  'S',  'C',  0x00, 0x0f, 0x00, 0x00, 0x00,
	};
	uint8_t out[512];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_share_build_confirm_active(&b, &spec_like), 0);
	assert_false(b.err);
	assert_int_equal(b.len, CONFIRM_LEN);
	/* totalLength 432, 0x13, user 1007, shareId, originatorId 0x03EA,
	 * lengthSourceDescriptor 6, lengthCombinedCapabilities 410,
	 * "MSTSC\0", 15 sets */
	assert_memory_equal(out, head, sizeof(head));
	/* the same fields as mstsc's in [MS-RDPBCGR] 4.1.13, but for the
	 * lengths and the number of sets */
	assert_memory_equal(out + 2, spec_confirm_active + 2, 12);
	assert_memory_equal(out + 16, spec_confirm_active + 16, 6);
}

static void
test_confirm_active_sets(void **state)
{
	static const uint16_t types[] = {0x01, 0x02, 0x03, 0x13, 0x08,
	                                 0x0D, 0x0F, 0x10, 0x14, 0x0C,
	                                 0x09, 0x0E, 0x05, 0x0A, 0x07};
	/* FreeRDP's minimum lengths (session.md 6.3) */
	static const uint16_t lens[] = {24, 28, 88, 40, 10, 88, 8, 52,
	                                12, 8,  8,  8,  12, 8,  12};
	struct rdd_demand_active da;
	uint8_t out[512];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_share_build_confirm_active(&b, &spec_like), 0);
	parse_confirm(out, b.len, &da);
	assert_int_equal(da.share_id, 0x000103EA);
	assert_int_equal(da.pdu_source, 1007);
	assert_string_equal(da.source_descriptor, "MSTSC");
	assert_caps(&da, types, lens, NELEM(types));
	assert_false(da.has_session_id);
	assert_int_equal(da.general.os_major, 1);
	assert_int_equal(da.general.os_minor, 3);
	assert_int_equal(da.general.protocol_version, 0x0200);
	assert_int_equal(da.general.extra_flags, 0x041D);
	assert_false(da.general.refresh_rect || da.general.suppress_output);
	assert_int_equal(da.bitmap.bpp, 24);
	assert_int_equal(da.bitmap.width, 1280);
	assert_int_equal(da.bitmap.height, 1024);
	assert_true(da.bitmap.resize);
	/* NEGOTIATEORDERSUPPORT | ZEROBOUNDSDELTASSUPPORT, no orders */
	assert_int_equal(da.order.flags, 0x000A);
	assert_int_equal(da.order.n_supported, 0);
	assert_int_equal(da.virtual_channel.flags, 0);
	assert_true(da.virtual_channel.has_chunk_size);
	assert_int_equal(da.virtual_channel.chunk_size, 1600);
}

/*
 * Set by set against mstsc's Confirm Active ([MS-RDPBCGR] 4.1.13) for the
 * same desktop: identical where rdpdoctor asks for the same, and the
 * differences are the ones chosen.
 */
static void
test_confirm_active_vs_mstsc(void **state)
{
	static const uint16_t same[] = {
	    RDD_CAPSET_GENERAL,    RDD_CAPSET_BITMAP,     RDD_CAPSET_POINTER,
	    RDD_CAPSET_SHARE,      RDD_CAPSET_FONT,       RDD_CAPSET_CONTROL,
	    RDD_CAPSET_COLORCACHE, RDD_CAPSET_ACTIVATION,
	};
	const uint8_t *ours, *theirs;
	uint8_t out[512];
	struct rdd_buf b;
	size_t i;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_share_build_confirm_active(&b, &spec_like), 0);
	for (i = 0; i < NELEM(same); i++) {
		ours = find_set(out + 26, 15, same[i]);
		theirs = find_set(spec_confirm_active + 26, 18, same[i]);
		assert_non_null(ours);
		assert_non_null(theirs);
		assert_memory_equal(ours, theirs, ours[2]);
	}
	/* Input: mstsc's pad2octetsA is 0x0020; the rest is the same */
	ours = find_set(out + 26, 15, RDD_CAPSET_INPUT);
	theirs = find_set(spec_confirm_active + 26, 18, RDD_CAPSET_INPUT);
	assert_memory_equal(ours, theirs, 6);
	assert_memory_equal(ours + 8, theirs + 8, 80);
	/* Glyph cache: the same caches, glyphSupportLevel NONE (mstsc 3) */
	ours = find_set(out + 26, 15, RDD_CAPSET_GLYPHCACHE);
	theirs = find_set(spec_confirm_active + 26, 18, RDD_CAPSET_GLYPHCACHE);
	assert_memory_equal(ours, theirs, 48);
	assert_int_equal(ours[48], 0);
	assert_int_equal(theirs[48], 3);
	/* Bitmap cache rev 2: mstsc's three caches, nothing persistent */
	ours = find_set(out + 26, 15, RDD_CAPSET_BITMAPCACHE_REV2);
	theirs =
	    find_set(spec_confirm_active + 26, 18, RDD_CAPSET_BITMAPCACHE_REV2);
	assert_int_equal(ours[4] | ours[5] << 8, 0);
	assert_int_equal(theirs[4] | theirs[5] << 8, 3);
	assert_memory_equal(ours + 7, theirs + 7, 9);
	assert_int_equal(ours[19], 0x00);
	assert_int_equal(theirs[19], 0x80);
	/* Virtual channel: with VCChunkSize (mstsc sends 8 bytes) */
	ours = find_set(out + 26, 15, RDD_CAPSET_VIRTUALCHANNEL);
	assert_int_equal(ours[2], 12);
	assert_int_equal(ours[8] | ours[9] << 8, 1600);
}

static void
test_confirm_active_params(void **state)
{
	struct rdd_confirm_params p = spec_like;
	struct rdd_demand_active da;
	uint8_t out[512];
	struct rdd_buf b;

	(void)state;
	p.salted_mac = false;
	p.width = 800;
	p.height = 600;
	p.bpp = 16;
	p.vc_chunk = 0x12345678;
	p.share_id = 0x000103EC;
	p.user_id = 1004;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_share_build_confirm_active(&b, &p), 0);
	parse_confirm(out, b.len, &da);
	assert_int_equal(da.share_id, 0x000103EC);
	assert_int_equal(da.pdu_source, 1004);
	assert_int_equal(da.general.extra_flags, 0x040D);
	assert_int_equal(da.bitmap.bpp, 16);
	assert_int_equal(da.bitmap.width, 800);
	assert_int_equal(da.bitmap.height, 600);
	assert_int_equal(da.virtual_channel.chunk_size, 0x12345678);
}

/* A buffer too small for it: nothing written, the error flag set; an
 * errored buffer stays errored. */
static void
test_confirm_active_no_room(void **state)
{
	uint8_t out[CONFIRM_LEN + 8];
	struct rdd_buf b;
	size_t cap;

	(void)state;
	for (cap = 0; cap < CONFIRM_LEN; cap++) {
		rdd_buf_init(&b, out, cap);
		assert_int_equal(rdd_share_build_confirm_active(&b, &spec_like),
		                 -1);
		assert_true(b.err);
		assert_int_equal(b.len, 0);
	}
	rdd_buf_init(&b, out, CONFIRM_LEN);
	assert_int_equal(rdd_share_build_confirm_active(&b, &spec_like), 0);
	assert_int_equal(b.len, CONFIRM_LEN);
	assert_int_equal(rdd_share_build_confirm_active(&b, &spec_like), -1);
	assert_int_equal(b.len, CONFIRM_LEN);
	assert_int_equal(rdd_share_build_synchronize(&b, 1, 1007, 1002), -1);
	assert_int_equal(b.len, CONFIRM_LEN);
}

/* ---- the client's data PDUs --------------------------------------------- */

static void
test_build_synchronize_spec(void **state)
{
	uint8_t out[64];
	struct rdd_buf b;
	struct rdd_cur p;
	uint16_t target;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_share_build_synchronize(&b, 0x000103EA, 1007, 1002), 0);
	assert_int_equal(b.len, 22);
	assert_memory_equal(out, spec_sync, sizeof(spec_sync));
	p = data_payload(out, b.len, RDD_PDUTYPE2_SYNCHRONIZE);
	assert_int_equal(rdd_share_parse_synchronize(&p, &target), 0);
	assert_int_equal(target, 1002);
}

static void
test_build_control_spec(void **state)
{
	static const uint8_t request[26] = {
	    0x1a, 0x00, 0x17, 0x00, 0xef, 0x03, 0xea, 0x03, 0x01,
	    0x00, 0x00, 0x01, 0x0c, 0x00, 0x14, 0x00, 0x00, 0x00,
	    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct rdd_share_control c;
	uint8_t out[64];
	struct rdd_buf b;
	struct rdd_cur p;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_share_build_control(&b, 0x000103EA, 1007,
	                                         RDD_CTRLACTION_COOPERATE),
	                 0);
	assert_int_equal(b.len, 26);
	assert_memory_equal(out, spec_cooperate, sizeof(spec_cooperate));
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_share_build_control(&b, 0x000103EA, 1007,
	                            RDD_CTRLACTION_REQUEST_CONTROL),
	    0);
	assert_memory_equal(out, request, sizeof(request));
	p = data_payload(out, b.len, RDD_PDUTYPE2_CONTROL);
	assert_int_equal(rdd_share_parse_control(&p, &c), 0);
	assert_int_equal(c.action, RDD_CTRLACTION_REQUEST_CONTROL);
	assert_int_equal(c.grant_id, 0);
	assert_int_equal(c.control_id, 0);
}

static void
test_build_font_list_and_shutdown(void **state)
{
	static const uint8_t font_list[26] = {
	    0x1a, 0x00, 0x17, 0x00, 0xec, 0x03, 0xec, 0x03, 0x01,
	    0x00, 0x00, 0x01, 0x0c, 0x00, 0x27, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x32, 0x00,
	};
	static const uint8_t shutdown[18] = {
	    0x12, 0x00, 0x17, 0x00, 0xec, 0x03, 0xec, 0x03, 0x01,
	    0x00, 0x00, 0x01, 0x04, 0x00, 0x24, 0x00, 0x00, 0x00,
	};
	uint8_t out[64];
	struct rdd_buf b;
	struct rdd_cur p;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_share_build_font_list(&b, 0x000103EC, 1004), 0);
	assert_int_equal(b.len, 26);
	assert_memory_equal(out, font_list, sizeof(font_list));
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_share_build_shutdown_request(&b, 0x000103EC, 1004),
	                 0);
	assert_int_equal(b.len, 18);
	assert_memory_equal(out, shutdown, sizeof(shutdown));
	p = data_payload(out, b.len, RDD_PDUTYPE2_SHUTDOWN_REQUEST);
	assert_int_equal(rdd_cur_left(&p), 0);
}

static void
test_build_data_limits(void **state)
{
	static uint8_t big[0x10000];
	static uint8_t out[0x10000 + 32];
	struct rdd_share_ctrl ctrl;
	struct rdd_share_data d;
	struct rdd_buf b;
	struct rdd_cur in;
	size_t k;

	(void)state;
	/* the largest payload a 16-bit totalLength holds */
	memset(big, 0x5A, sizeof(big));
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_share_build_data(&b, 7, 1007, 0x99, big, 0xFFFF - 18), 0);
	assert_int_equal(b.len, 0xFFFF);
	in = cur(out, b.len);
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	assert_int_equal(rdd_share_parse_data(&ctrl.body, &d), 0);
	assert_int_equal(d.share_id, 7);
	assert_int_equal(d.stream_id, 1);
	assert_int_equal(d.pdu_type2, 0x99);
	assert_int_equal(d.uncompressed_length, 0xFFFF - 18 + 4);
	assert_int_equal(rdd_cur_left(&d.payload), 0xFFFF - 18);
	assert_memory_equal(d.payload.p, big, 0xFFFF - 18);
	/* one more byte does not fit */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_share_build_data(&b, 7, 1007, 0x99, big, 0xFFFF - 17), -1);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
	/* a payload without bytes */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_share_build_data(&b, 7, 1007, 0x99, NULL, 1), -1);
	/* no room: nothing written */
	for (k = 0; k < 22; k++) {
		rdd_buf_init(&b, out, k);
		assert_int_equal(rdd_share_build_synchronize(&b, 1, 2, 3), -1);
		assert_true(b.err);
		assert_int_equal(b.len, 0);
	}
}

/* ---- the server's finalization ------------------------------------------ */

static void
test_server_synchronize(void **state)
{
	struct rdd_cur p;
	uint16_t target = 0;

	(void)state;
	p = data_payload(xrdp_sync, sizeof(xrdp_sync),
	                 RDD_PDUTYPE2_SYNCHRONIZE);
	assert_int_equal(rdd_share_parse_synchronize(&p, &target), 0);
	assert_int_equal(target, 1002);
	assert_int_equal(rdd_cur_left(&p), 0);
	p = data_payload(shadow_sync, sizeof(shadow_sync),
	                 RDD_PDUTYPE2_SYNCHRONIZE);
	assert_int_equal(rdd_share_parse_synchronize(&p, &target), 0);
	assert_int_equal(target, 1004);
	p = data_payload(win_sync, sizeof(win_sync), RDD_PDUTYPE2_SYNCHRONIZE);
	assert_int_equal(rdd_share_parse_synchronize(&p, &target), 0);
	assert_int_equal(target, 0xA486);
	assert_every_truncation_fails(fn_sync, xrdp_sync + 18, 4);
}

static void
test_server_control(void **state)
{
	const uint8_t *v[] = {xrdp_cooperate, xrdp_granted, shadow_granted,
	                      win_cooperate};
	static const struct rdd_share_control want[] = {
	    {RDD_CTRLACTION_COOPERATE, 0, 0x03EA},
	    {RDD_CTRLACTION_GRANTED_CONTROL, 0, 0x03EA},
	    {RDD_CTRLACTION_GRANTED_CONTROL, 1004, 0x03EA},
	    {RDD_CTRLACTION_COOPERATE, 0, 0},
	};
	struct rdd_share_control c;
	struct rdd_cur p;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		p = data_payload(v[i], 26, RDD_PDUTYPE2_CONTROL);
		assert_int_equal(rdd_share_parse_control(&p, &c), 0);
		assert_int_equal(c.action, want[i].action);
		assert_int_equal(c.grant_id, want[i].grant_id);
		assert_int_equal(c.control_id, want[i].control_id);
		assert_int_equal(rdd_cur_left(&p), 0);
		assert_every_truncation_fails(fn_control, v[i] + 18, 8);
	}
}

static void
test_server_font_map(void **state)
{
	const uint8_t *v[] = {xrdp_font_map, shadow_font_map};
	uint16_t n, flags;
	struct rdd_cur p;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		p = data_payload(v[i], 26, RDD_PDUTYPE2_FONTMAP);
		n = flags = 0xFFFF;
		assert_int_equal(rdd_share_parse_font_map(&p, &n, &flags), 0);
		assert_int_equal(n, 0);
		assert_int_equal(flags, 0x0003);
		assert_every_truncation_fails(fn_font_map, v[i] + 18, 8);
	}
}

/* Set Error Info ([MS-RDPBCGR] 2.2.5.1.1: pduSource 0) and Status Info
 * (2.2.5.2), laid out here. */
static void
test_error_and_status_info(void **state)
{
	static const uint8_t error_info[22] = {
	    0x16, 0x00, 0x17, 0x00, 0x00, 0x00, 0xea, 0x03, 0x01, 0x00, 0x00,
	    0x01, 0x08, 0x00, 0x2f, 0x00, 0x00, 0x00, 0xe9, 0x10, 0x00, 0x00,
	};
	static const uint8_t status_info[22] = {
	    0x16, 0x00, 0x17, 0x00, 0xea, 0x03, 0xea, 0x03, 0x01, 0x00, 0x00,
	    0x01, 0x08, 0x00, 0x36, 0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00,
	};
	struct rdd_cur p;
	uint32_t v = 0;

	(void)state;
	p = data_payload(error_info, sizeof(error_info),
	                 RDD_PDUTYPE2_SET_ERROR_INFO);
	assert_int_equal(rdd_share_parse_error_info(&p, &v), 0);
	assert_int_equal(v, 0x10E9); /* ERRINFO_..._NO_CURSOR_CACHE */
	p = data_payload(status_info, sizeof(status_info),
	                 RDD_PDUTYPE2_STATUS_INFO);
	assert_int_equal(rdd_share_parse_status_info(&p, &v), 0);
	assert_int_equal(v, 0x401); /* FINDING_DESTINATION */
	assert_every_truncation_fails(fn_error_info, error_info + 18, 4);
	assert_every_truncation_fails(fn_status_info, status_info + 18, 4);
}

static void
test_monitor_layout(void **state)
{
	uint8_t m[4 + 2 * 20];
	struct rdd_cur p;
	uint32_t n = 0;

	(void)state;
	memset(m, 0, sizeof(m));
	put32(m, 0, 2);
	put32(m, 4 + 8, 1919);  /* right */
	put32(m, 4 + 12, 1079); /* bottom */
	put32(m, 4 + 16, 1);    /* TS_MONITOR_PRIMARY */
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_monitor_layout(&p, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rdd_cur_left(&p), 0);
	assert_every_truncation_fails(fn_monitor_layout, m, sizeof(m));
	/* counts the bytes cannot hold, up to one that overflows 32 bits
	 * when multiplied by 20 */
	put32(m, 0, 3);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_monitor_layout(&p, &n), -1);
	put32(m, 0, 0xFFFFFFFF);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_monitor_layout(&p, &n), -1);
	put32(m, 0, 0x0CCCCCCD); /* * 20 = 2^32 + 4 */
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_monitor_layout(&p, &n), -1);
	put32(m, 0, 0);
	p = cur(m, 4);
	assert_int_equal(rdd_share_parse_monitor_layout(&p, &n), 0);
	assert_int_equal(n, 0);
}

/* ---- Save Session Info --------------------------------------------------- */

/* ASCII S as UTF-16LE at P. */
static size_t
put_utf16(uint8_t *p, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		put16(p, 2 * i, (uint8_t)s[i]);
	return 2 * i;
}

/* INFOTYPE_LOGON: TS_LOGON_INFO, 4 + 576 bytes. */
#define LOGON_V1_LEN 580

static void
make_logon_v1(uint8_t *m)
{
	memset(m, 0, LOGON_V1_LEN);
	put32(m, 0, RDD_INFOTYPE_LOGON);
	put32(m, 4, 12); /* "NTDEV" + NUL */
	put_utf16(m + 8, "NTDEV");
	put32(m, 60, 14); /* "J\u00fcrgen" + NUL */
	put_utf16(m + 64, "Jxrgen");
	put16(m, 64 + 2, 0x00FC);
	put32(m, 576, 2); /* SessionId */
}

static void
test_save_session_info_logon(void **state)
{
	uint8_t m[LOGON_V1_LEN];
	struct rdd_save_session_info s;
	struct rdd_cur p;

	(void)state;
	make_logon_v1(m);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), 0);
	assert_int_equal(rdd_cur_left(&p), 0);
	assert_int_equal(s.info_type, RDD_INFOTYPE_LOGON);
	assert_true(s.has_session_id);
	assert_int_equal(s.session_id, 2);
	assert_string_equal(s.domain, "NTDEV");
	assert_string_equal(s.user, "J\xc3\xbcrgen");
	assert_false(s.has_logon_error);
	assert_every_truncation_fails(fn_save_session_info, m, sizeof(m));
	/* cb beyond its field, or odd */
	put32(m, 4, 54);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), -1);
	put32(m, 4, 11);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), -1);
	put32(m, 4, 12);
	put32(m, 60, 514);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), -1);
	/* a user name without its NUL: all of cbUserName is the name */
	put32(m, 60, 4);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), 0);
	assert_string_equal(s.user, "J\xc3\xbc");
	/* cbDomain 0: empty */
	put32(m, 4, 0);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), 0);
	assert_string_equal(s.domain, "");
}

static void
test_save_session_info_logon_long(void **state)
{
	uint8_t m[4 + 576 + 12 + 18];
	struct rdd_save_session_info s;
	struct rdd_cur p;

	(void)state;
	memset(m, 0, sizeof(m));
	put32(m, 0, RDD_INFOTYPE_LOGON_LONG);
	put16(m, 4, 1);             /* Version */
	put32(m, 6, 18);            /* Size */
	put32(m, 10, 7);            /* SessionId */
	put32(m, 14, 12);           /* cbDomain */
	put32(m, 18, 18);           /* cbUserName */
	put_utf16(m + 580, "CORP"); /* and two NUL units */
	put_utf16(m + 592, "operator");
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), 0);
	assert_int_equal(rdd_cur_left(&p), 0);
	assert_int_equal(s.session_id, 7);
	assert_string_equal(s.domain, "CORP");
	assert_string_equal(s.user, "operator");
	assert_every_truncation_fails(fn_save_session_info, m, sizeof(m));
	put32(m, 14, 13);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), -1);
}

static void
test_save_session_info_plain_notify(void **state)
{
	uint8_t m[4 + 576];
	struct rdd_save_session_info s;
	struct rdd_cur p;

	(void)state;
	memset(m, 0, sizeof(m));
	put32(m, 0, RDD_INFOTYPE_LOGON_PLAINNOTIFY);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), 0);
	assert_int_equal(s.info_type, RDD_INFOTYPE_LOGON_PLAINNOTIFY);
	assert_false(s.has_session_id);
	assert_every_truncation_fails(fn_save_session_info, m, sizeof(m));
	/* an infoType it does not know */
	put32(m, 0, 4);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), -1);
	assert_int_equal(rdd_cur_left(&p), sizeof(m));
}

/* A byte pattern does not appear in the N bytes at P. */
static bool
absent(const void *p, size_t n, const uint8_t *pat, size_t k)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(b + i, pat, k) == 0)
			return false;
	return true;
}

/* INFOTYPE_LOGON_EXTENDED_INFO with an auto-reconnect cookie and a
 * logon error (LOGON_MSG_SESSION_CONTINUE, LOGON_FAILED_OTHER). */
static void
test_save_session_info_extended(void **state)
{
	static const uint8_t secret[4] = {0xA5, 0xA5, 0xA5, 0xA5};
	uint8_t m[4 + 6 + 4 + 28 + 4 + 8 + 570];
	struct rdd_save_session_info s;
	struct rdd_cur p;

	(void)state;
	memset(m, 0, sizeof(m));
	put32(m, 0, RDD_INFOTYPE_LOGON_EXTENDED_INFO);
	put16(m, 4, 6 + 32 + 12 + 570); /* Length */
	put32(m, 6,
	      RDD_LOGON_EX_AUTORECONNECTCOOKIE | RDD_LOGON_EX_LOGONERRORS);
	put32(m, 10, 28); /* cbFieldData */
	put32(m, 14, 28); /* ARC_SC_PRIVATE_PACKET cbLen, Version, LogonId */
	put32(m, 18, 1);
	put32(m, 22, 9);
	memset(m + 26, 0xA5, 16); /* ArcRandomBits */
	put32(m, 42, 8);
	put32(m, 46, 0xFFFFFFFE);
	put32(m, 50, 2);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), 0);
	assert_int_equal(rdd_cur_left(&p), 0);
	assert_int_equal(s.fields_present, 3);
	assert_true(s.has_logon_error);
	assert_int_equal(s.error_type, 0xFFFFFFFE);
	assert_int_equal(s.error_data, 2);
	assert_false(s.has_session_id);
	assert_true(absent(&s, sizeof(s), secret, sizeof(secret)));
	assert_every_truncation_fails(fn_save_session_info, m, sizeof(m));
	/* a logon error field too short for its two values */
	put32(m, 42, 7);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), -1);
	/* a cookie longer than the PDU */
	put32(m, 42, 8);
	put32(m, 10, 0xFFFFFFF0);
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), -1);
}

/* The logon error alone (LOGON_MSG_SESSION_TERMINATE with
 * LOGON_FAILED_BAD_PASSWORD). */
static void
test_save_session_info_logon_error_only(void **state)
{
	uint8_t m[4 + 6 + 4 + 8 + 570];
	struct rdd_save_session_info s;
	struct rdd_cur p;

	(void)state;
	memset(m, 0, sizeof(m));
	put32(m, 0, RDD_INFOTYPE_LOGON_EXTENDED_INFO);
	put16(m, 4, 18);
	put32(m, 6, RDD_LOGON_EX_LOGONERRORS);
	put32(m, 10, 8);
	put32(m, 14, 0xFFFFFFFD); /* LOGON_MSG_SESSION_TERMINATE */
	put32(m, 18, 0);          /* LOGON_FAILED_BAD_PASSWORD */
	p = cur(m, sizeof(m));
	assert_int_equal(rdd_share_parse_save_session_info(&p, &s), 0);
	assert_int_equal(s.fields_present, RDD_LOGON_EX_LOGONERRORS);
	assert_true(s.has_logon_error);
	assert_int_equal(s.error_type, 0xFFFFFFFD);
	assert_int_equal(s.error_data, 0);
	assert_every_truncation_fails(fn_save_session_info, m, sizeof(m));
}

/* ---- Deactivate All ------------------------------------------------------ */

static void
test_deactivate_all(void **state)
{
	struct rdd_share_ctrl ctrl, cut;
	struct rdd_cur in;
	bool has_id = false;
	uint32_t id = 0;
	size_t k;

	(void)state;
	in = cur(win_deactivate, sizeof(win_deactivate));
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	assert_int_equal(ctrl.pdu_type, RDD_PDUTYPE_DEACTIVATEALL);
	assert_int_equal(rdd_share_parse_deactivate_all(&ctrl, &has_id, &id),
	                 0);
	assert_true(has_id);
	assert_int_equal(id, 0x000103EA);
	for (k = 0; k < sizeof(win_deactivate); k++) {
		in = cur(win_deactivate, k);
		assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), -1);
	}
	/* its body cut: only none of it or just the shareId pass */
	in = cur(win_deactivate, sizeof(win_deactivate));
	assert_int_equal(rdd_share_parse_ctrl(&in, &ctrl), 0);
	for (k = 0; k < 7; k++) {
		cut = ctrl;
		cut.body = cur(ctrl.body.p, k);
		assert_int_equal(
		    rdd_share_parse_deactivate_all(&cut, &has_id, &id),
		    (k == 0 || k == 4) ? 0 : -1);
	}
	ctrl.pdu_type = RDD_PDUTYPE_DEMANDACTIVE;
	assert_int_equal(rdd_share_parse_deactivate_all(&ctrl, &has_id, &id),
	                 -1);
}

/* ---- Server Redirection --------------------------------------------------- */

/* RDP_SERVER_REDIRECTION_PACKET with TargetNetAddress "10.0.0.5",
 * LoadBalanceInfo, UserName, Domain, a Password cookie, TargetFQDN
 * "rdsh2.corp.example" and TargetNetBiosName "RDSH2"; written into M,
 * its length returned (without the optional 8-byte pad). */
static const uint8_t cookie[6] = {0x5C, 0x5C, 0x5C, 0x5C, 0x5C, 0x5C};

static size_t
make_redirection(uint8_t *m, uint32_t flags, const char *net_address)
{
	size_t off = 12, n;

	memset(m, 0, 512);
	put16(m, 0, 0x0400);
	put32(m, 4, 0x00000005);
	put32(m, 8, flags);
	if (flags & 0x1) {
		n = put_utf16(m + off + 4, net_address) + 2;
		put32(m, off, (uint32_t)n);
		off += 4 + n;
	}
	if (flags & 0x2) { /* LoadBalanceInfo */
		put32(m, off, 8);
		memcpy(m + off + 4, "Cookie: ", 8);
		off += 12;
	}
	if (flags & 0x4) { /* UserName */
		put32(m, off, 8);
		put_utf16(m + off + 4, "bob");
		off += 12;
	}
	if (flags & 0x8) { /* Domain */
		put32(m, off, 10);
		put_utf16(m + off + 4, "CORP");
		off += 14;
	}
	if (flags & 0x10) { /* Password: an opaque cookie */
		put32(m, off, sizeof(cookie));
		memcpy(m + off + 4, cookie, sizeof(cookie));
		off += 4 + sizeof(cookie);
	}
	if (flags & 0x100) {
		n = put_utf16(m + off + 4, "rdsh2.corp.example") + 2;
		put32(m, off, (uint32_t)n);
		off += 4 + n;
	}
	if (flags & 0x200) {
		n = put_utf16(m + off + 4, "RDSH2") + 2;
		put32(m, off, (uint32_t)n);
		off += 4 + n;
	}
	put16(m, 2, (uint16_t)off);
	return off;
}

static void
test_redirection(void **state)
{
	uint8_t m[512];
	struct rdd_redirection r;
	struct rdd_cur p;
	size_t n;

	(void)state;
	n = make_redirection(m, 0x31F, "10.0.0.5");
	p = cur(m, n);
	assert_int_equal(rdd_share_parse_redirection(&p, &r), 0);
	assert_int_equal(rdd_cur_left(&p), 0);
	assert_int_equal(r.session_id, 5);
	assert_int_equal(r.redir_flags, 0x31F);
	assert_string_equal(r.target, "10.0.0.5");
	assert_true(r.has_load_balance_info);
	assert_true(absent(&r, sizeof(r), cookie, sizeof(cookie)));
	assert_every_truncation_fails(fn_redirection, m, n);
	/* with the 8-byte pad: consumed */
	p = cur(m, n + 8);
	assert_int_equal(rdd_share_parse_redirection(&p, &r), 0);
	assert_int_equal(rdd_cur_left(&p), 0);
	/* an empty TargetNetAddress: the FQDN */
	n = make_redirection(m, 0x31F, "");
	p = cur(m, n);
	assert_int_equal(rdd_share_parse_redirection(&p, &r), 0);
	assert_string_equal(r.target, "rdsh2.corp.example");
	/* NetBIOS name only, no load balance info */
	n = make_redirection(m, 0x200, "");
	p = cur(m, n);
	assert_int_equal(rdd_share_parse_redirection(&p, &r), 0);
	assert_string_equal(r.target, "RDSH2");
	assert_false(r.has_load_balance_info);
	/* no target at all */
	n = make_redirection(m, 0x80, ""); /* LB_NOREDIRECT */
	p = cur(m, n);
	assert_int_equal(rdd_share_parse_redirection(&p, &r), 0);
	assert_string_equal(r.target, "");
	/* a field length beyond the packet */
	n = make_redirection(m, 0x1, "10.0.0.5");
	put32(m, 12, 0xFFFFFFFF);
	p = cur(m, n);
	assert_int_equal(rdd_share_parse_redirection(&p, &r), -1);
	assert_int_equal(rdd_cur_left(&p), n);
}

/* ---- names ----------------------------------------------------------------- */

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(rdd_pdutype_name(RDD_PDUTYPE_DEMANDACTIVE),
	                    "DEMANDACTIVE");
	assert_string_equal(rdd_pdutype_name(RDD_PDUTYPE_DATA), "DATA");
	assert_string_equal(rdd_pdutype_name(RDD_PDUTYPE_SERVER_REDIR),
	                    "SERVER_REDIR");
	assert_null(rdd_pdutype_name(0x2));
	assert_null(rdd_pdutype_name(0x17));
	assert_string_equal(rdd_pdutype2_name(RDD_PDUTYPE2_SYNCHRONIZE),
	                    "SYNCHRONIZE");
	assert_string_equal(rdd_pdutype2_name(RDD_PDUTYPE2_SET_ERROR_INFO),
	                    "SET_ERROR_INFO");
	assert_string_equal(rdd_pdutype2_name(RDD_PDUTYPE2_MONITOR_LAYOUT),
	                    "MONITOR_LAYOUT");
	assert_string_equal(rdd_pdutype2_name(0x38), "FRAME_ACKNOWLEDGE");
	assert_null(rdd_pdutype2_name(0x00));
	assert_null(rdd_pdutype2_name(0x39));
	assert_string_equal(rdd_capset_name(RDD_CAPSET_GENERAL), "GENERAL");
	assert_string_equal(rdd_capset_name(RDD_CAPSET_BITMAPCACHE_REV2),
	                    "BITMAPCACHE_REV2");
	assert_string_equal(rdd_capset_name(RDD_CAPSET_FRAME_ACKNOWLEDGE),
	                    "FRAME_ACKNOWLEDGE");
	assert_null(rdd_capset_name(0x0B));
	assert_null(rdd_capset_name(0x1F));
	assert_null(rdd_capset_name(0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctrl_spec_demand_active),
	    cmocka_unit_test(test_ctrl_leaves_the_rest),
	    cmocka_unit_test(test_ctrl_short_header),
	    cmocka_unit_test(test_ctrl_refused),
	    cmocka_unit_test(test_data_headers),
	    cmocka_unit_test(test_demand_active_spec),
	    cmocka_unit_test(test_demand_active_xrdp),
	    cmocka_unit_test(test_demand_active_freerdp),
	    cmocka_unit_test(test_demand_active_every_truncation),
	    cmocka_unit_test(test_demand_active_absurd_lengths),
	    cmocka_unit_test(test_demand_active_short_sets),
	    cmocka_unit_test(test_demand_active_many_sets),
	    cmocka_unit_test(test_demand_active_wrong_type),
	    cmocka_unit_test(test_confirm_active_header),
	    cmocka_unit_test(test_confirm_active_sets),
	    cmocka_unit_test(test_confirm_active_vs_mstsc),
	    cmocka_unit_test(test_confirm_active_params),
	    cmocka_unit_test(test_confirm_active_no_room),
	    cmocka_unit_test(test_build_synchronize_spec),
	    cmocka_unit_test(test_build_control_spec),
	    cmocka_unit_test(test_build_font_list_and_shutdown),
	    cmocka_unit_test(test_build_data_limits),
	    cmocka_unit_test(test_server_synchronize),
	    cmocka_unit_test(test_server_control),
	    cmocka_unit_test(test_server_font_map),
	    cmocka_unit_test(test_error_and_status_info),
	    cmocka_unit_test(test_monitor_layout),
	    cmocka_unit_test(test_save_session_info_logon),
	    cmocka_unit_test(test_save_session_info_logon_long),
	    cmocka_unit_test(test_save_session_info_plain_notify),
	    cmocka_unit_test(test_save_session_info_extended),
	    cmocka_unit_test(test_save_session_info_logon_error_only),
	    cmocka_unit_test(test_deactivate_all),
	    cmocka_unit_test(test_redirection),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
