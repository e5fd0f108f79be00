/*
 * test_session.c - the walk after MCS Connect (lib/probe/session.c,
 * session_lic.c, session_act.c) against a server played by the test:
 * MCS domain answers built from [MS-RDPBCGR] 2.2.1.6-2.2.1.9, and xrdp
 * 0.9.21.1's own licensing, Demand Active and finalization bytes recorded
 * in the lab (tests/unit/wire/capture_vectors.c), with the enhanced
 * security of a TLS connection (no security headers but on Client Info
 * and licensing). Standard RDP security's encryption is checked against
 * the real xrdp in the lab (tests/lab/scenarios, walk-rdp-*).
 *
 * Every test drives the session to a state and then makes the server
 * answer right, wrong, late or not at all: each ends the walk with the
 * outcome, phase and step that say what happened, before the deadline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../wire/capture_vectors.h"
#include "probe/session.h"
#include "wire/clientinfo.h"
#include "wire/domain.h"
#include "wire/license.h"
#include "wire/rdpsec.h"
#include "wire/share.h"
#include "wire/tpkt.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define T0 1000000u
#define TIMEOUT_US 2000000u
#define IO 1003
#define USER 1007

/* What the client sent, as the server saw it. */
enum sent {
	SENT_ERECT,
	SENT_ATTACH,
	SENT_JOIN,
	SENT_CLIENT_INFO,
	SENT_LICENSE,
	SENT_CONFIRM_ACTIVE,
	SENT_SYNC,
	SENT_CONTROL,
	SENT_FONT_LIST,
	SENT_OTHER_DATA,
	SENT_DPUM,
	SENT_MAX
};

struct fake {
	struct rdd__session *s;
	struct rdd_session_info info;
	struct rdd_gcc_server_data sd;
	uint64_t now;
	unsigned sent[SENT_MAX];
	uint16_t joined[4];
	size_t n_joined;
	uint8_t last_license_type;
	/* How the server answers; NULL: it says nothing. */
	uint8_t attach_result;
	int join_channel_offset; /* added to the channel it confirms */
	const uint8_t *after_client_info;
	size_t after_client_info_len;
	const uint8_t *after_license;
	size_t after_license_len;
	const uint8_t *after_font_list;
	size_t after_font_list_len;
	/* The answer to a second Font List, when it differs (NULL: same). */
	const uint8_t *after_font_list2;
	size_t after_font_list2_len;
	/* Room for the answers built below. */
	uint8_t a[8192], b[8192], c[8192];
	/* The Client Info the client sent. */
	uint32_t ci_flags;
	char ci_user[256];
	size_t ci_password_len;
};

static struct fake f;

/* --- building the server's PDUs --------------------------------------- */

/* A Send Data Indication from the server (user 1002) on CHANNEL carrying
 * SEC (a basic security header's 4 bytes, or NULL) and DATA, appended to
 * DST at *OFF. */
static void
sdin(uint8_t *dst, size_t cap, size_t *off, uint16_t channel,
     const uint8_t *sec, const uint8_t *data, size_t n)
{
	size_t body = (sec != NULL ? 4 : 0) + n;
	size_t per = body < 0x80 ? 1 : 2;
	size_t total = 4 + 3 + 6 + per + body;
	struct rdd_buf b;

	assert_true(*off + total <= cap);
	rdd_buf_init(&b, dst + *off, total);
	rdd_tpkt_write_header(&b, total - 4);
	rdd_buf_u8(&b, 0x02);
	rdd_buf_u8(&b, 0xf0);
	rdd_buf_u8(&b, 0x80);
	rdd_buf_u8(&b, 0x68); /* Send Data Indication */
	rdd_buf_u16be(&b, 1002 - 1001);
	rdd_buf_u16be(&b, channel);
	rdd_buf_u8(&b, 0x70);
	if (per == 1)
		rdd_buf_u8(&b, (uint8_t)body);
	else
		rdd_buf_u16be(&b, (uint16_t)(0x8000 | body));
	if (sec != NULL)
		rdd_buf_bytes(&b, sec, 4);
	rdd_buf_bytes(&b, data, n);
	assert_false(b.err);
	assert_int_equal(b.len, total);
	*off += total;
}

static const uint8_t sec_license[4] = {0x80, 0x00, 0x00, 0x00};

/* A share data PDU (pduSource 1002, share 0x000103EA) of type PDUTYPE2. */
static size_t
share_data(uint8_t *dst, size_t cap, uint8_t pdu_type2, const uint8_t *p,
           size_t n)
{
	struct rdd_buf b;

	rdd_buf_init(&b, dst, cap);
	assert_int_equal(
	    rdd_share_build_data(&b, 0x000103EA, 1002, pdu_type2, p, n), 0);
	return b.len;
}

/* xrdp's STATUS_VALID_CLIENT, then its Demand Active. */
static size_t
valid_then_demand(uint8_t *dst, size_t cap)
{
	size_t off = 0;

	sdin(dst, cap, &off, IO, sec_license, xrdp_lic2, sizeof(xrdp_lic2));
	sdin(dst, cap, &off, IO, NULL, xrdp_demand_active,
	     sizeof(xrdp_demand_active));
	return off;
}

/* xrdp's answers to the client's finalization, Font Map last. */
static size_t
finalization(uint8_t *dst, size_t cap)
{
	size_t off = 0;

	sdin(dst, cap, &off, IO, NULL, xrdp_sync, sizeof(xrdp_sync));
	sdin(dst, cap, &off, IO, NULL, xrdp_cooperate, sizeof(xrdp_cooperate));
	sdin(dst, cap, &off, IO, NULL, xrdp_granted, sizeof(xrdp_granted));
	sdin(dst, cap, &off, IO, NULL, xrdp_font_map, sizeof(xrdp_font_map));
	return off;
}

/* --- the server's side -------------------------------------------------- */

static void
to_client(const uint8_t *p, size_t n)
{
	if (p != NULL && n > 0)
		rdd__session_recv(f.s, p, n, f.now);
}

/* One client PDU on the I/O channel (after MCS framing). */
static void
client_data(struct rdd_cur data)
{
	struct rdd_cur c = data;
	struct rdd_share_ctrl ctrl;
	struct rdd_share_data d;
	uint16_t flags = 0, hi = 0;
	uint8_t type = 0;

	/* Client Info and licensing carry a basic header under TLS; a share
	 * PDU's totalLength may have the same bits, so the body decides. */
	if (rdd_sec_read_basic_header(&c, &flags, &hi) == 0) {
		struct rdd_cur body = c;
		struct rdd_client_info_parsed ci;
		uint8_t pflags = 0;
		uint16_t size = 0;

		if ((flags & RDD_SEC_INFO_PKT) &&
		    rdd_client_info_parse(&body, &ci) == 0 &&
		    rdd_cur_left(&body) == 0) {
			f.sent[SENT_CLIENT_INFO]++;
			f.ci_flags = ci.flags;
			snprintf(f.ci_user, sizeof(f.ci_user), "%s", ci.user);
			f.ci_password_len = ci.password_len;
			to_client(f.after_client_info, f.after_client_info_len);
			return;
		}
		body = c;
		if ((flags & RDD_SEC_LICENSE_PKT) &&
		    rdd_lic_parse_client(&body, &type, &pflags, &size) == 0) {
			f.sent[SENT_LICENSE]++;
			f.last_license_type = type;
			to_client(f.after_license, f.after_license_len);
			return;
		}
	}
	c = data;
	assert_int_equal(rdd_share_parse_ctrl(&c, &ctrl), 0);
	if (ctrl.pdu_type == RDD_PDUTYPE_CONFIRMACTIVE) {
		f.sent[SENT_CONFIRM_ACTIVE]++;
		return;
	}
	assert_int_equal(ctrl.pdu_type, RDD_PDUTYPE_DATA);
	assert_int_equal(rdd_share_parse_data(&ctrl.body, &d), 0);
	switch (d.pdu_type2) {
	case RDD_PDUTYPE2_SYNCHRONIZE:
		f.sent[SENT_SYNC]++;
		break;
	case RDD_PDUTYPE2_CONTROL:
		f.sent[SENT_CONTROL]++;
		break;
	case RDD_PDUTYPE2_FONTLIST:
		f.sent[SENT_FONT_LIST]++;
		if (f.sent[SENT_FONT_LIST] > 1 && f.after_font_list2 != NULL)
			to_client(f.after_font_list2, f.after_font_list2_len);
		else
			to_client(f.after_font_list, f.after_font_list_len);
		break;
	default:
		f.sent[SENT_OTHER_DATA]++;
		break;
	}
}

/* Answer what the client sent, as a server does, until it sends no more. */
static void
serve(void)
{
	uint8_t pdu[16];
	struct rdd_mcs_domain_pdu d;
	struct rdd_cur payload, in;
	struct rdd_buf b;
	const uint8_t *p;
	size_t n, len;
	int rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		uint8_t copy[16384];

		n = rdd__session_pending(f.s, &p);
		if (n == 0)
			return;
		assert_true(n <= sizeof(copy));
		memcpy(copy, p, n);
		rdd__session_sent(f.s, n);
		rdd_cur_init(&in, copy, n);
		while (rdd_cur_left(&in) > 0) {
			assert_int_equal(
			    rdd_tpkt_frame(in.p, in.len, &len, &payload),
			    RDD_TPKT_OK);
			assert_int_equal(rdd_cur_skip(&in, len), 0);
			{
				struct rdd_cur t = payload;

				if (rdd_mcs_parse_domain_pdu(&t, &d) == 0 &&
				    d.kind == RDD_MCS_PDU_DPUM) {
					f.sent[SENT_DPUM]++;
					continue;
				}
			}
			assert_int_equal(
			    rdd_mcs_parse_client_domain_pdu(&payload, &d), 0);
			switch (d.choice) {
			case RDD_MCS_ERECT_DOMAIN_REQUEST:
				f.sent[SENT_ERECT]++;
				break;
			case RDD_MCS_ATTACH_USER_REQUEST:
				f.sent[SENT_ATTACH]++;
				/* 2e/2f: result bit 3, initiator present. */
				rdd_buf_init(&b, pdu, sizeof(pdu));
				rdd_tpkt_write_header(&b, 3 + 4);
				rdd_buf_u8(&b, 0x02);
				rdd_buf_u8(&b, 0xf0);
				rdd_buf_u8(&b, 0x80);
				rdd_buf_u8(
				    &b,
				    (uint8_t)(0x2e | (f.attach_result >> 3)));
				rdd_buf_u8(&b, (uint8_t)(f.attach_result << 5));
				rdd_buf_u16be(&b, USER - 1001);
				to_client(pdu, b.len);
				break;
			case RDD_MCS_CHANNEL_JOIN_REQUEST:
				f.sent[SENT_JOIN]++;
				if (f.n_joined < NELEM(f.joined))
					f.joined[f.n_joined++] = d.channel;
				rdd_buf_init(&b, pdu, sizeof(pdu));
				rdd_tpkt_write_header(&b, 3 + 8);
				rdd_buf_u8(&b, 0x02);
				rdd_buf_u8(&b, 0xf0);
				rdd_buf_u8(&b, 0x80);
				rdd_buf_u8(&b, 0x3e);
				rdd_buf_u8(&b, 0x00);
				rdd_buf_u16be(&b, USER - 1001);
				rdd_buf_u16be(&b, d.channel);
				rdd_buf_u16be(
				    &b, (uint16_t)(d.channel +
				                   f.join_channel_offset));
				to_client(pdu, b.len);
				break;
			case RDD_MCS_SEND_DATA_REQUEST:
				assert_int_equal(d.initiator, USER);
				assert_int_equal(d.channel, IO);
				client_data(d.data);
				break;
			default:
				fail_msg("client sent MCS choice %u", d.choice);
			}
		}
	}
	fail_msg("the client kept talking");
}

/* A session against a TLS server with an I/O channel of 1003, answering
 * as xrdp does: a LICENSE_REQUEST after Client Info, STATUS_VALID_CLIENT
 * and the Demand Active after the licence request, the finalization after
 * the Font List. */
static int
setup(void **state)
{
	struct rdd__session_config cfg;
	size_t off = 0;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.now = T0;
	f.sd.has_core = true;
	f.sd.has_security = true;
	f.sd.has_net = true;
	f.sd.io_channel = IO;
	sdin(f.a, sizeof(f.a), &off, IO, sec_license, xrdp_lic1,
	     sizeof(xrdp_lic1));
	f.after_client_info = f.a;
	f.after_client_info_len = off;
	f.after_license = f.b;
	f.after_license_len = valid_then_demand(f.b, sizeof(f.b));
	f.after_font_list = f.c;
	f.after_font_list_len = finalization(f.c, sizeof(f.c));
	memset(&cfg, 0, sizeof(cfg));
	cfg.selected_protocol = RDD_PROTO_SSL;
	cfg.server = &f.sd;
	cfg.stop_after = RDD_PHASE_ACTIVATION;
	cfg.address_family = 2;
	cfg.client_address = "192.0.2.20";
	cfg.timeout_us = TIMEOUT_US;
	cfg.t0_us = 0;
	cfg.label = "A";
	f.s = rdd__session_new(&cfg, &f.info);
	return f.s != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	rdd__session_free(f.s);
	return 0;
}

/* Start and let the server answer everything at once. */
static void
run(void)
{
	rdd__session_start(f.s, f.now);
	serve();
}

static size_t
steps_of(enum rdd_session_step step)
{
	size_t i, n = 0;

	for (i = 0; i < f.info.n_events; i++)
		n += f.info.events[i].step == step;
	return n;
}

/* --- the healthy walk --------------------------------------------------- */

static void
test_walk_xrdp(void **state)
{
	static const enum rdd_session_step order[] = {
	    RDD_STEP_ERECT_DOMAIN,        RDD_STEP_ATTACH_USER,
	    RDD_STEP_JOIN_USER,           RDD_STEP_JOIN_IO,
	    RDD_STEP_CLIENT_INFO,         RDD_STEP_LICENSE_REQUEST,
	    RDD_STEP_NEW_LICENSE_REQUEST, RDD_STEP_LICENSE_VALID,
	    RDD_STEP_DEMAND_ACTIVE,       RDD_STEP_CONFIRM_ACTIVE,
	    RDD_STEP_SYNCHRONIZE,         RDD_STEP_COOPERATE,
	    RDD_STEP_GRANTED_CONTROL,     RDD_STEP_FONT_MAP,
	    RDD_STEP_DISCONNECT,
	};
	size_t i;

	(void)state;
	run();
	assert_true(rdd__session_done(f.s));
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
	assert_int_equal(f.info.phase, RDD_PHASE_ACTIVATION);
	assert_int_equal(f.info.n_events, NELEM(order));
	for (i = 0; i < NELEM(order); i++)
		assert_int_equal(f.info.events[i].step, order[i]);
	/* The user channel, then the I/O channel; no message channel. */
	assert_int_equal(f.n_joined, 2);
	assert_int_equal(f.joined[0], USER);
	assert_int_equal(f.joined[1], IO);
	assert_int_equal(f.info.user_channel, USER);
	/* Licensing as a client without a licence: one NEW_LICENSE_REQUEST. */
	assert_int_equal(f.sent[SENT_LICENSE], 1);
	assert_int_equal(f.last_license_type, RDD_LIC_NEW_LICENSE_REQUEST);
	assert_int_equal(f.info.licensing, RDD_LICENSING_REQUEST_VALID);
	assert_string_equal(f.info.license_company, "Microsoft Corporation");
	assert_string_equal(f.info.license_product_id, "236");
	assert_string_equal(f.info.license_scope, "microsoft.com");
	assert_true(f.info.license_cert_from_request);
	assert_int_equal(f.info.license_preamble_version, 2);
	/* xrdp's Demand Active, decoded. */
	assert_int_equal(f.info.share_id, 0x000103EA);
	assert_int_equal(f.info.n_capsets, 13);
	assert_string_equal(f.info.source_descriptor, "RDP");
	assert_int_equal(f.info.desktop_width, 1024);
	assert_true(f.info.got_synchronize && f.info.got_cooperate &&
	            f.info.got_granted_control && f.info.got_font_map);
	/* One batch: Confirm Active, Synchronize, two Controls, Font List. */
	assert_int_equal(f.sent[SENT_CONFIRM_ACTIVE], 1);
	assert_int_equal(f.sent[SENT_SYNC], 1);
	assert_int_equal(f.sent[SENT_CONTROL], 2);
	assert_int_equal(f.sent[SENT_FONT_LIST], 1);
	/* And it leaves: one Disconnect Provider Ultimatum. */
	assert_int_equal(f.sent[SENT_DPUM], 1);
	assert_true(f.info.sent_disconnect);
	assert_false(f.info.standard_security);
	assert_int_equal(rdd__session_deadline(f.s), UINT64_MAX);
}

/* FreeRDP's shadow server: STATUS_VALID_CLIENT at once. */
static void
test_valid_client_at_once(void **state)
{
	size_t off = 0;

	(void)state;
	sdin(f.a, sizeof(f.a), &off, IO, sec_license, xrdp_lic2,
	     sizeof(xrdp_lic2));
	sdin(f.a, sizeof(f.a), &off, IO, NULL, shadow_demand_active,
	     sizeof(shadow_demand_active));
	f.after_client_info_len = off;
	off = 0;
	sdin(f.c, sizeof(f.c), &off, IO, NULL, shadow_sync,
	     sizeof(shadow_sync));
	sdin(f.c, sizeof(f.c), &off, IO, NULL, shadow_granted,
	     sizeof(shadow_granted));
	sdin(f.c, sizeof(f.c), &off, IO, NULL, shadow_font_map,
	     sizeof(shadow_font_map));
	f.after_font_list_len = off;
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
	assert_int_equal(f.info.licensing, RDD_LICENSING_VALID_CLIENT);
	assert_int_equal(f.sent[SENT_LICENSE], 0);
	/* No Cooperate from this server: activation still completes on the
	 * Font Map, and the detail says what was missing. */
	assert_false(f.info.got_cooperate);
	assert_non_null(strstr(f.info.detail, "without the server's Control "
	                                      "Cooperate"));
}

static void
test_stop_after_mcs(void **state)
{
	struct rdd__session_config cfg;

	(void)state;
	rdd__session_free(f.s);
	memset(&cfg, 0, sizeof(cfg));
	cfg.selected_protocol = RDD_PROTO_SSL;
	cfg.server = &f.sd;
	cfg.stop_after = RDD_PHASE_MCS;
	cfg.timeout_us = TIMEOUT_US;
	f.s = rdd__session_new(&cfg, &f.info);
	assert_non_null(f.s);
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_STOPPED);
	assert_int_equal(f.info.phase, RDD_PHASE_MCS);
	assert_int_equal(f.sent[SENT_JOIN], 2);
	/* Nothing the server keeps a session for was sent. */
	assert_int_equal(f.sent[SENT_CLIENT_INFO], 0);
	assert_int_equal(f.sent[SENT_DPUM], 1);
	assert_int_equal(steps_of(RDD_STEP_CLIENT_INFO), 0);
}

/* --channels: the static channels of SC_NET are joined after the I/O
 * channel, in its order, and only as many as were asked for. */
static void
test_static_channels(void **state)
{
	struct rdd__session_config cfg;

	(void)state;
	rdd__session_free(f.s);
	f.sd.channel_count = 3;
	f.sd.channel_ids[0] = 1004;
	f.sd.channel_ids[1] = 1005;
	f.sd.channel_ids[2] = 1006;
	memset(&cfg, 0, sizeof(cfg));
	cfg.selected_protocol = RDD_PROTO_SSL;
	cfg.server = &f.sd;
	cfg.stop_after = RDD_PHASE_ACTIVATION;
	cfg.timeout_us = TIMEOUT_US;
	cfg.n_channels = 2;
	f.s = rdd__session_new(&cfg, &f.info);
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
	assert_int_equal(f.n_joined, 4);
	assert_int_equal(f.joined[2], 1004);
	assert_int_equal(f.joined[3], 1005);
	assert_int_equal(f.info.static_channels, 2);
	assert_int_equal(steps_of(RDD_STEP_JOIN_STATIC), 2);
}

static void
test_stop_after_licensing(void **state)
{
	struct rdd__session_config cfg;

	(void)state;
	rdd__session_free(f.s);
	memset(&cfg, 0, sizeof(cfg));
	cfg.selected_protocol = RDD_PROTO_SSL;
	cfg.server = &f.sd;
	cfg.stop_after = RDD_PHASE_LICENSING;
	cfg.timeout_us = TIMEOUT_US;
	f.s = rdd__session_new(&cfg, &f.info);
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_STOPPED);
	assert_int_equal(f.info.phase, RDD_PHASE_LICENSING);
	assert_int_equal(f.info.licensing, RDD_LICENSING_REQUEST_VALID);
	assert_int_equal(f.sent[SENT_CONFIRM_ACTIVE], 0);
}

/* --- how a server says no ---------------------------------------------- */

/* Set Error Info 0x7 where the LICENSE_REQUEST would come. */
static void
test_error_info_in_licensing(void **state)
{
	static const uint8_t seven[4] = {7, 0, 0, 0};
	uint8_t pdu[64];
	size_t off = 0, n;

	(void)state;
	n = share_data(pdu, sizeof(pdu), RDD_PDUTYPE2_SET_ERROR_INFO, seven, 4);
	sdin(f.a, sizeof(f.a), &off, IO, NULL, pdu, n);
	f.after_client_info_len = off;
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_ERROR_INFO);
	assert_int_equal(f.info.phase, RDD_PHASE_LICENSING);
	assert_true(f.info.has_error_info);
	assert_int_equal(f.info.error_info, 7);
	assert_int_equal(f.info.error_info_phase, RDD_PHASE_LICENSING);
	assert_int_equal(f.info.licensing, RDD_LICENSING_NOT_REACHED);
	/* ERRINFO_NONE (0) is nothing to report: the walk goes on. */
	teardown(NULL);
	setup(NULL);
	off = 0;
	n = share_data(pdu, sizeof(pdu), RDD_PDUTYPE2_SET_ERROR_INFO,
	               (const uint8_t[4]){0, 0, 0, 0}, 4);
	sdin(f.a, sizeof(f.a), &off, IO, NULL, pdu, n);
	sdin(f.a, sizeof(f.a), &off, IO, sec_license, xrdp_lic1,
	     sizeof(xrdp_lic1));
	f.after_client_info_len = off;
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
	assert_false(f.info.has_error_info);
}

/* A licensing ERROR_ALERT (preamble v3, empty error blob). */
static size_t
alert(uint8_t *dst, size_t cap, uint32_t code, uint32_t transition)
{
	uint8_t msg[16];
	struct rdd_buf b;
	size_t off = 0;

	rdd_buf_init(&b, msg, sizeof(msg));
	rdd_buf_u8(&b, RDD_LIC_ERROR_ALERT);
	rdd_buf_u8(&b, RDD_LIC_PREAMBLE_VERSION_3_0);
	rdd_buf_u16le(&b, 16);
	rdd_buf_u32le(&b, code);
	rdd_buf_u32le(&b, transition);
	rdd_buf_u16le(&b, RDD_LIC_BB_ERROR_BLOB);
	rdd_buf_u16le(&b, 0);
	assert_false(b.err);
	sdin(dst, cap, &off, IO, sec_license, msg, b.len);
	return off;
}

static void
test_license_alert_total_abort(void **state)
{
	(void)state;
	f.after_license_len =
	    alert(f.b, sizeof(f.b), RDD_LIC_ERR_NO_LICENSE_SERVER,
	          RDD_LIC_ST_TOTAL_ABORT);
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_LICENSE_ERROR);
	assert_int_equal(f.info.phase, RDD_PHASE_LICENSING);
	assert_int_equal(f.info.licensing, RDD_LICENSING_ERROR);
	assert_int_equal(f.info.license_error_code,
	                 RDD_LIC_ERR_NO_LICENSE_SERVER);
	assert_int_equal(f.info.license_transition, RDD_LIC_ST_TOTAL_ABORT);
	assert_non_null(strstr(f.info.detail, "ERR_NO_LICENSE_SERVER"));
}

/* ST_NO_TRANSITION: the server lets the client go on to activation. */
static void
test_license_alert_no_transition(void **state)
{
	size_t off;

	(void)state;
	off = alert(f.b, sizeof(f.b), RDD_LIC_ERR_NO_LICENSE_SERVER,
	            RDD_LIC_ST_NO_TRANSITION);
	sdin(f.b, sizeof(f.b), &off, IO, NULL, xrdp_demand_active,
	     sizeof(xrdp_demand_active));
	f.after_license_len = off;
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
	assert_true(f.info.has_license_error);
	assert_int_equal(f.info.licensing, RDD_LICENSING_ERROR);
}

/* ST_RESEND_LAST_MESSAGE: the licence request is sent again, a bounded
 * number of times. */
static void
test_license_resend(void **state)
{
	(void)state;
	f.after_license_len = alert(f.b, sizeof(f.b), RDD_LIC_ERR_INVALID_MAC,
	                            RDD_LIC_ST_RESEND_LAST_MESSAGE);
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_LICENSE_ERROR);
	/* The first request and three resends. */
	assert_int_equal(f.sent[SENT_LICENSE], 4);
}

/* A PLATFORM_CHALLENGE: a licence would be issued; the check takes none. */
static void
test_platform_challenge_not_taken(void **state)
{
	uint8_t msg[64];
	struct rdd_buf b;
	size_t off = 0;

	(void)state;
	rdd_buf_init(&b, msg, sizeof(msg));
	rdd_buf_u8(&b, RDD_LIC_PLATFORM_CHALLENGE);
	rdd_buf_u8(&b, RDD_LIC_PREAMBLE_VERSION_3_0);
	rdd_buf_u16le(&b, 4 + 4 + 4 + 10 + 16);
	rdd_buf_u32le(&b, 0);                              /* ConnectFlags */
	rdd_buf_u16le(&b, RDD_LIC_BB_ENCRYPTED_DATA_BLOB); /* challenge */
	rdd_buf_u16le(&b, 10);
	rdd_buf_zeros(&b, 10 + 16);
	assert_false(b.err);
	sdin(f.b, sizeof(f.b), &off, IO, sec_license, msg, b.len);
	f.after_license_len = off;
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_STOPPED);
	assert_int_equal(f.info.phase, RDD_PHASE_LICENSING);
	assert_int_equal(f.info.licensing, RDD_LICENSING_CHALLENGE_NOT_TAKEN);
	/* No answer went to the challenge; the walk left. */
	assert_int_equal(f.sent[SENT_LICENSE], 1);
	assert_int_equal(f.sent[SENT_DPUM], 1);
}

static void
test_attach_refused(void **state)
{
	(void)state;
	f.attach_result = 13; /* rt-too-many-users */
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_REFUSED);
	assert_int_equal(f.info.phase, RDD_PHASE_MCS);
	assert_int_equal(f.info.mcs_result, 13);
	assert_int_equal(f.sent[SENT_JOIN], 0);
	assert_non_null(strstr(f.info.detail, "rt-too-many-users (13)"));
}

static void
test_join_wrong_channel(void **state)
{
	(void)state;
	f.join_channel_offset = 1;
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_MALFORMED);
	assert_int_equal(f.info.phase, RDD_PHASE_MCS);
	assert_int_equal(f.sent[SENT_JOIN], 1);
}

/* A Disconnect Provider Ultimatum instead of the Demand Active. */
static void
test_dpum_from_server(void **state)
{
	static const uint8_t dpum[9] = {0x03, 0x00, 0x00, 0x09, 0x02,
	                                0xf0, 0x80, 0x20, 0x80};
	size_t off = 0;

	(void)state;
	sdin(f.b, sizeof(f.b), &off, IO, sec_license, xrdp_lic2,
	     sizeof(xrdp_lic2));
	memcpy(f.b + off, dpum, sizeof(dpum));
	f.after_license_len = off + sizeof(dpum);
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_DISCONNECTED);
	assert_int_equal(f.info.phase, RDD_PHASE_ACTIVATION);
	assert_int_equal(f.info.disconnect_reason, 1); /* provider-initiated */
	/* The server left: no ultimatum of ours after its own. */
	assert_int_equal(f.sent[SENT_DPUM], 0);
	assert_false(f.info.sent_disconnect);
}

/* Deactivate All, then a new Demand Active: activation again. */
static void
test_reactivation(void **state)
{
	static const uint8_t deactivate[13] = {0x0d, 0x00, 0x16, 0x00, 0xea,
	                                       0x03, 0xea, 0x03, 0x01, 0x00,
	                                       0x01, 0x00, 0x00};
	uint8_t first[1024];
	size_t off = 0;

	(void)state;
	/* The first Font List gets a Deactivate All and a new Demand Active,
	 * the second the finalization. */
	sdin(first, sizeof(first), &off, IO, NULL, deactivate,
	     sizeof(deactivate));
	sdin(first, sizeof(first), &off, IO, NULL, xrdp_demand_active,
	     sizeof(xrdp_demand_active));
	f.after_font_list2 = f.after_font_list;
	f.after_font_list2_len = f.after_font_list_len;
	f.after_font_list = first;
	f.after_font_list_len = off;
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
	assert_true(f.info.deactivated);
	assert_int_equal(f.info.reactivations, 1);
	assert_int_equal(f.sent[SENT_CONFIRM_ACTIVE], 2);
}

/* --- --logon: the server's logon notification ------------------------- */

/* The walk again, with --logon: USER and PASSWORD in the Client Info with
 * INFO_AUTOLOGON (a server without NLA). */
static void
with_logon(const char *user, const char *password)
{
	struct rdd__session_config cfg;

	rdd__session_free(f.s);
	memset(&cfg, 0, sizeof(cfg));
	cfg.selected_protocol = RDD_PROTO_SSL;
	cfg.server = &f.sd;
	cfg.stop_after = RDD_PHASE_ACTIVATION;
	cfg.address_family = 2;
	cfg.client_address = "192.0.2.20";
	cfg.timeout_us = TIMEOUT_US;
	cfg.label = "A";
	cfg.user = user;
	cfg.domain = "LAB";
	cfg.password = password;
	cfg.autologon = true;
	f.s = rdd__session_new(&cfg, &f.info);
	assert_non_null(f.s);
}

/* A Save Session Info PDU of N payload bytes P, to the client. */
static void
save_session_info_pdu(const uint8_t *p, size_t n)
{
	uint8_t data[1024], pdu[1200];
	size_t len, off = 0;

	len = share_data(data, sizeof(data), RDD_PDUTYPE2_SAVE_SESSION_INFO, p,
	                 n);
	sdin(pdu, sizeof(pdu), &off, IO, NULL, data, len);
	to_client(pdu, off);
	serve();
}

static void
put_le32(uint8_t *m, size_t off, uint32_t v)
{
	m[off] = (uint8_t)v;
	m[off + 1] = (uint8_t)(v >> 8);
	m[off + 2] = (uint8_t)(v >> 16);
	m[off + 3] = (uint8_t)(v >> 24);
}

/* INFOTYPE_LOGON_LONG with SESSION_ID, no names. */
static void
logon_long(uint32_t session_id)
{
	uint8_t m[4 + 576];

	memset(m, 0, sizeof(m));
	put_le32(m, 0, RDD_INFOTYPE_LOGON_LONG);
	m[4] = 1;           /* Version */
	put_le32(m, 6, 18); /* Size */
	put_le32(m, 10, session_id);
	save_session_info_pdu(m, sizeof(m));
}

/* INFOTYPE_LOGON_EXTENDED_INFO with LOGON_EX_LOGONERRORS. */
static void
logon_errors(uint32_t type, uint32_t data)
{
	uint8_t m[4 + 2 + 4 + 4 + 8 + 570];

	memset(m, 0, sizeof(m));
	put_le32(m, 0, RDD_INFOTYPE_LOGON_EXTENDED_INFO);
	m[4] = 18; /* Length */
	put_le32(m, 6, RDD_LOGON_EX_LOGONERRORS);
	put_le32(m, 10, 8); /* cbFieldData */
	put_le32(m, 14, type);
	put_le32(m, 18, data);
	save_session_info_pdu(m, sizeof(m));
}

static void
test_logon_confirmed(void **state)
{
	(void)state;
	with_logon("bob", "Hunter2!");
	run();
	/* Activated, and waiting: nothing sent yet, no end. */
	assert_int_equal(f.info.outcome, RDD_SESSION_NOT_RUN);
	assert_int_equal(f.sent[SENT_DPUM], 0);
	assert_true(f.ci_flags & RDD_INFO_AUTOLOGON);
	assert_string_equal(f.ci_user, "bob");
	assert_int_equal(f.ci_password_len, 2 * 8);
	f.now += 800000;
	logon_long(7);
	assert_int_equal(f.info.outcome, RDD_SESSION_LOGGED_ON);
	assert_int_equal(f.info.logon_notice, RDD_LOGON_NOTICE_LOGGED_ON);
	assert_true(f.info.has_logon_session_id);
	assert_int_equal(f.info.logon_session_id, 7);
	assert_true(f.info.logon_wait_ms >= 800 && f.info.logon_wait_ms < 801);
	assert_int_equal(f.sent[SENT_DPUM], 1);
	assert_int_equal(f.info.phase, RDD_PHASE_ACTIVATION);
}

static void
test_logon_error_notice(void **state)
{
	(void)state;
	with_logon("bob", "wrong");
	run();
	/* A warning dialog, then a session id: the wait goes on. */
	logon_errors(0xFFFFFFFEu, 3);
	assert_int_equal(f.info.outcome, RDD_SESSION_NOT_RUN);
	logon_errors(0xFFFFFFFEu, 12);
	assert_int_equal(f.info.outcome, RDD_SESSION_NOT_RUN);
	assert_int_equal(f.info.logon_session_id, 12);
	/* LOGON_FAILED_BAD_PASSWORD ends it. */
	logon_errors(0xFFFFFFFEu, 0);
	assert_int_equal(f.info.outcome, RDD_SESSION_LOGON_FAILED);
	assert_int_equal(f.info.logon_notice, RDD_LOGON_NOTICE_FAILED);
	assert_int_equal(f.info.logon_error_type, 0xFFFFFFFEu);
	assert_int_equal(f.info.logon_error_data, 0);
	assert_non_null(strstr(f.info.detail, "LOGON_FAILED_BAD_PASSWORD"));
	assert_int_equal(f.sent[SENT_DPUM], 1);
}

static void
test_logon_no_permission(void **state)
{
	(void)state;
	with_logon("bob", "Hunter2!");
	run();
	logon_errors(0xFFFFFFFAu, 0);
	assert_int_equal(f.info.outcome, RDD_SESSION_LOGON_FAILED);
	assert_non_null(strstr(f.info.detail, "LOGON_MSG_NO_PERMISSION"));
	/* A question to the user (another session) is not a failure. */
	with_logon("bob", "Hunter2!");
	memset(f.sent, 0, sizeof(f.sent));
	run();
	logon_errors(0xFFFFFFFBu, 0);
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
	assert_int_equal(f.info.logon_notice, RDD_LOGON_NOTICE_DIALOG);
}

/* No notification: the walk ends, activated, after 10 s (twice the 2 s
 * timeout is less), not a moment before. */
static void
test_logon_no_notice(void **state)
{
	uint64_t activated;

	(void)state;
	with_logon("bob", "Hunter2!");
	run();
	activated = f.now;
	assert_int_equal(rdd__session_deadline(f.s), activated + 10000000u);
	rdd__session_tick(f.s, activated + 9999999u);
	assert_int_equal(f.info.outcome, RDD_SESSION_NOT_RUN);
	rdd__session_tick(f.s, activated + 10000000u);
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
	assert_int_equal(f.info.logon_notice, RDD_LOGON_NOTICE_NONE);
	assert_non_null(strstr(f.info.detail, "no logon notification"));
	serve();
	assert_int_equal(f.sent[SENT_DPUM], 1);
}

/* Windows reactivates when the user's session replaces the logon
 * screen: the walk follows, then takes the notification. */
static void
test_logon_after_reactivation(void **state)
{
	static const uint8_t deactivate[13] = {0x0d, 0x00, 0x16, 0x00, 0xea,
	                                       0x03, 0xea, 0x03, 0x01, 0x00,
	                                       0x01, 0x00, 0x00};
	uint8_t pdus[1024];
	size_t off = 0;

	(void)state;
	with_logon("bob", "Hunter2!");
	run();
	sdin(pdus, sizeof(pdus), &off, IO, NULL, deactivate,
	     sizeof(deactivate));
	sdin(pdus, sizeof(pdus), &off, IO, NULL, xrdp_demand_active,
	     sizeof(xrdp_demand_active));
	to_client(pdus, off);
	serve();
	assert_int_equal(f.sent[SENT_CONFIRM_ACTIVE], 2);
	assert_int_equal(f.info.outcome, RDD_SESSION_NOT_RUN);
	logon_long(3);
	assert_int_equal(f.info.outcome, RDD_SESSION_LOGGED_ON);
	assert_int_equal(f.info.logon_session_id, 3);
	assert_int_equal(f.info.reactivations, 1);
}

/* Without --logon a notification is recorded and changes nothing. */
static void
test_logon_not_awaited(void **state)
{
	(void)state;
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
	assert_int_equal(f.info.logon_notice, RDD_LOGON_NOTICE_NOT_AWAITED);
	assert_false(f.ci_flags & RDD_INFO_AUTOLOGON);
	assert_int_equal(f.ci_password_len, 0);
}

/* --- silence, closes and hostile bytes ---------------------------------- */

/* The server stops answering at each step: the walk times out there,
 * naming what it waited for, and not a moment before the deadline. */
static void
test_timeouts(void **state)
{
	static const struct {
		int cut; /* which answer never comes */
		enum rdd_phase phase;
		const char *awaited;
	} t[] = {
	    {0, RDD_PHASE_LICENSING, "the first licensing PDU"},
	    {1, RDD_PHASE_LICENSING, "the answer to the licence request"},
	    {2, RDD_PHASE_ACTIVATION, "the Font Map PDU"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		teardown(NULL);
		setup(NULL);
		if (t[i].cut == 0)
			f.after_client_info_len = 0;
		else if (t[i].cut == 1)
			f.after_license_len = 0;
		else
			f.after_font_list_len = 0;
		run();
		assert_false(rdd__session_done(f.s));
		assert_int_equal(rdd__session_deadline(f.s),
		                 f.now + TIMEOUT_US);
		rdd__session_tick(f.s, f.now + TIMEOUT_US - 1);
		assert_false(rdd__session_done(f.s));
		rdd__session_tick(f.s, f.now + TIMEOUT_US);
		assert_true(rdd__session_done(f.s));
		assert_int_equal(f.info.outcome, RDD_SESSION_TIMEOUT);
		assert_int_equal(f.info.phase, t[i].phase);
		assert_non_null(strstr(f.info.detail, t[i].awaited));
	}
	/* No Attach User Confirm: the MCS phase. */
	teardown(NULL);
	setup(NULL);
	rdd__session_start(f.s, f.now);
	rdd__session_tick(f.s, f.now + TIMEOUT_US);
	assert_int_equal(f.info.outcome, RDD_SESSION_TIMEOUT);
	assert_int_equal(f.info.phase, RDD_PHASE_MCS);
	assert_non_null(strstr(f.info.detail, "Attach User Confirm"));
}

static void
test_closed_and_reset(void **state)
{
	(void)state;
	f.after_license_len = 0;
	run();
	rdd__session_peer_closed(f.s, false, f.now + 3000);
	assert_int_equal(f.info.outcome, RDD_SESSION_CLOSED);
	assert_int_equal(f.info.phase, RDD_PHASE_LICENSING);
	assert_non_null(strstr(f.info.detail, "server closed the connection "
	                                      "while waiting for the answer "
	                                      "to the licence request"));
	assert_false(f.info.sent_disconnect);

	teardown(NULL);
	setup(NULL);
	f.after_font_list_len = 0;
	run();
	rdd__session_peer_closed(f.s, true, f.now);
	assert_int_equal(f.info.outcome, RDD_SESSION_RESET);
	assert_int_equal(f.info.phase, RDD_PHASE_ACTIVATION);
}

/*
 * Every cut of every server PDU of the walk, with the TPKT length made to
 * match: the walk never crashes, never completes, and says at once that
 * the PDU is malformed.
 */
static void
test_every_truncation(void **state)
{
	const uint8_t *pdus[] = {xrdp_lic1, xrdp_lic2, xrdp_demand_active,
	                         xrdp_font_map};
	const size_t lens[] = {sizeof(xrdp_lic1), sizeof(xrdp_lic2),
	                       sizeof(xrdp_demand_active),
	                       sizeof(xrdp_font_map)};
	uint8_t buf[1024];
	size_t k, cut, off, ended_malformed = 0;

	(void)state;
	for (k = 0; k < NELEM(pdus); k++) {
		for (cut = 0; cut < lens[k]; cut++) {
			teardown(NULL);
			setup(NULL);
			off = 0;
			sdin(buf, sizeof(buf), &off, IO,
			     k < 2 ? sec_license : NULL, pdus[k], cut);
			if (k == 0) {
				f.after_client_info = buf;
				f.after_client_info_len = off;
			} else if (k == 1) {
				f.after_license = buf;
				f.after_license_len = off;
			} else if (k == 2) {
				size_t o2 = 0;

				sdin(f.b, sizeof(f.b), &o2, IO, sec_license,
				     xrdp_lic2, sizeof(xrdp_lic2));
				memcpy(f.b + o2, buf, off);
				f.after_license_len = o2 + off;
			} else {
				f.after_font_list = buf;
				f.after_font_list_len = off;
			}
			run();
			rdd__session_tick(f.s, f.now + TIMEOUT_US);
			assert_true(rdd__session_done(f.s));
			assert_int_not_equal(f.info.outcome,
			                     RDD_SESSION_ACTIVATED);
			ended_malformed +=
			    f.info.outcome == RDD_SESSION_MALFORMED;
		}
	}
	/* Most cuts are told at once, not by waiting. */
	print_message("m %zu\n", ended_malformed);
	assert_true(ended_malformed > 600);
}

/* Bytes that are neither TPKT nor fast-path, a TPKT that claims more than
 * comes, and fast-path output (skipped). */
static void
test_hostile_bytes(void **state)
{
	static const uint8_t garbage[8] = {0xfe, 0xff, 0x12, 0x34,
	                                   0x56, 0x78, 0x9a, 0xbc};
	static const uint8_t huge_tpkt[6] = {0x03, 0x00, 0xff,
	                                     0xff, 0x02, 0xf0};
	static const uint8_t fastpath[6] = {0x00, 0x06, 0x00, 0x00, 0x00, 0x00};

	(void)state;
	f.after_client_info = garbage;
	f.after_client_info_len = sizeof(garbage);
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_MALFORMED);
	assert_non_null(strstr(f.info.detail, "first byte 0xfe"));

	teardown(NULL);
	setup(NULL);
	f.after_client_info = huge_tpkt;
	f.after_client_info_len = sizeof(huge_tpkt);
	run();
	assert_false(rdd__session_done(f.s));
	rdd__session_tick(f.s, f.now + TIMEOUT_US);
	assert_int_equal(f.info.outcome, RDD_SESSION_TIMEOUT);

	/* Fast-path output before the Font Map is read and skipped. */
	teardown(NULL);
	setup(NULL);
	memmove(f.c + sizeof(fastpath), f.c, f.after_font_list_len);
	memcpy(f.c, fastpath, sizeof(fastpath));
	f.after_font_list_len += sizeof(fastpath);
	run();
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
	assert_int_equal(f.info.fastpath_pdus, 1);
}

/* Whole PDUs split into single bytes arrive as well as whole ones. */
static void
test_byte_by_byte(void **state)
{
	uint8_t copy[8192];
	size_t i, n = f.after_license_len;

	(void)state;
	memcpy(copy, f.b, n);
	f.after_license_len = 0;
	run();
	for (i = 0; i < n; i++) {
		rdd__session_recv(f.s, copy + i, 1, f.now);
		serve();
	}
	assert_int_equal(f.info.outcome, RDD_SESSION_ACTIVATED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_walk_xrdp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_valid_client_at_once, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_stop_after_mcs, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_stop_after_licensing, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_static_channels, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_error_info_in_licensing, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_license_alert_total_abort,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_license_alert_no_transition,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_license_resend, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_platform_challenge_not_taken,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_attach_refused, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_join_wrong_channel, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_dpum_from_server, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_reactivation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_logon_confirmed, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_logon_error_notice, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_logon_no_permission, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_logon_no_notice, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_logon_after_reactivation,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_logon_not_awaited, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_timeouts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_closed_and_reset, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_every_truncation, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_bytes, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_byte_by_byte, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
