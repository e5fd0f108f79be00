/*
 * fuzz_share.c - libFuzzer target for lib/wire/share.c.
 *
 * The input is read as a string of share PDUs, each through
 * rdd_share_parse_ctrl and then the parser its type calls for: Demand
 * Active, data PDUs (share data header, then the payload parser of their
 * pduType2), Server Redirection, Deactivate All. The whole input also goes
 * to each payload parser on its own, and the first bytes choose the
 * parameters of a Confirm Active and of a data PDU that must parse back.
 * Invariants a crash would not reveal are checked with abort(): a parser
 * consumes only on success and never more than it was given, the strings
 * it returns are terminated, the lists it keeps stay within bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/cursor.h"
#include "wire/share.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

/* R from a parser that took BEFORE and left AFTER. */
static void
check_consumed(int r, const struct rdd_cur *before, const struct rdd_cur *after)
{
	if (r == 0) {
		CHECK(after->len <= before->len);
		CHECK(after->p == before->p + (before->len - after->len) ||
		      after->len == 0);
	} else {
		CHECK(r == -1);
		CHECK(after->p == before->p && after->len == before->len);
	}
}

static void
check_demand_active(const struct rdd_demand_active *da)
{
	size_t i, n = 0;

	CHECK(TERMINATED(da->source_descriptor));
	for (i = 0; da->source_descriptor[i] != '\0'; i++)
		CHECK(da->source_descriptor[i] >= 0x20 &&
		      da->source_descriptor[i] < 0x7F);
	CHECK(da->n_caps_kept <= RDD_MAX_CAPSETS);
	CHECK(da->n_caps_kept ==
	      (da->n_caps < RDD_MAX_CAPSETS ? da->n_caps : RDD_MAX_CAPSETS));
	for (i = 0; i < da->n_caps_kept; i++) {
		CHECK(da->caps[i].length >= 4);
		(void)rdd_capset_name(da->caps[i].type);
	}
	for (i = 0; i < sizeof(da->order.support); i++)
		n += da->order.support[i] != 0;
	if (da->order.present)
		CHECK(da->order.n_supported == n);
	if (!da->virtual_channel.has_chunk_size)
		CHECK(da->virtual_channel.chunk_size == 0);
}

/* The payload parser of PDU_TYPE2 (all of them when it has none). */
static void
parse_payload(uint8_t pdu_type2, const struct rdd_cur *payload)
{
	struct rdd_save_session_info ssi;
	struct rdd_share_control ctl;
	struct rdd_cur c;
	uint16_t u16a, u16b;
	uint32_t u32;
	int r;

	(void)rdd_pdutype2_name(pdu_type2);
	if (pdu_type2 == 0 || pdu_type2 == RDD_PDUTYPE2_SYNCHRONIZE) {
		c = *payload;
		r = rdd_share_parse_synchronize(&c, &u16a);
		check_consumed(r, payload, &c);
	}
	if (pdu_type2 == 0 || pdu_type2 == RDD_PDUTYPE2_CONTROL) {
		c = *payload;
		r = rdd_share_parse_control(&c, &ctl);
		check_consumed(r, payload, &c);
	}
	if (pdu_type2 == 0 || pdu_type2 == RDD_PDUTYPE2_FONTMAP) {
		c = *payload;
		r = rdd_share_parse_font_map(&c, &u16a, &u16b);
		check_consumed(r, payload, &c);
	}
	if (pdu_type2 == 0 || pdu_type2 == RDD_PDUTYPE2_SET_ERROR_INFO) {
		c = *payload;
		r = rdd_share_parse_error_info(&c, &u32);
		check_consumed(r, payload, &c);
	}
	if (pdu_type2 == 0 || pdu_type2 == RDD_PDUTYPE2_STATUS_INFO) {
		c = *payload;
		r = rdd_share_parse_status_info(&c, &u32);
		check_consumed(r, payload, &c);
	}
	if (pdu_type2 == 0 || pdu_type2 == RDD_PDUTYPE2_MONITOR_LAYOUT) {
		c = *payload;
		r = rdd_share_parse_monitor_layout(&c, &u32);
		check_consumed(r, payload, &c);
		if (r == 0)
			CHECK(rdd_cur_left(payload) - rdd_cur_left(&c) ==
			      4 + (size_t)u32 * 20);
	}
	if (pdu_type2 == 0 || pdu_type2 == RDD_PDUTYPE2_SAVE_SESSION_INFO) {
		c = *payload;
		r = rdd_share_parse_save_session_info(&c, &ssi);
		check_consumed(r, payload, &c);
		if (r == 0) {
			CHECK(ssi.info_type <=
			      RDD_INFOTYPE_LOGON_EXTENDED_INFO);
			CHECK(TERMINATED(ssi.domain));
			CHECK(TERMINATED(ssi.user));
			if (ssi.has_logon_error)
				CHECK(ssi.fields_present &
				      RDD_LOGON_EX_LOGONERRORS);
		}
	}
}

static void
parse_redirection(const struct rdd_cur *body)
{
	struct rdd_redirection rd;
	struct rdd_cur c = *body;
	int r;

	r = rdd_share_parse_redirection(&c, &rd);
	check_consumed(r, body, &c);
	if (r == 0)
		CHECK(TERMINATED(rd.target));
}

static void
parse_one(const struct rdd_share_ctrl *ctrl)
{
	struct rdd_demand_active da;
	struct rdd_share_data d;
	struct rdd_cur c;
	uint32_t share_id;
	bool has_id;
	int r;

	(void)rdd_pdutype_name(ctrl->pdu_type);
	CHECK(ctrl->total_length >= 4 && ctrl->total_length != 0x8000);
	CHECK(ctrl->has_source == (ctrl->total_length > 4));
	CHECK(rdd_cur_left(&ctrl->body) ==
	      ctrl->total_length - (ctrl->has_source ? 6u : 4u));
	switch (ctrl->pdu_type) {
	case RDD_PDUTYPE_DEMANDACTIVE:
		if (rdd_share_parse_demand_active(ctrl, &da) == 0)
			check_demand_active(&da);
		break;
	case RDD_PDUTYPE_DATA:
		c = ctrl->body;
		r = rdd_share_parse_data(&c, &d);
		check_consumed(r, &ctrl->body, &c);
		if (r == 0) {
			CHECK(rdd_cur_left(&c) == 0);
			CHECK(rdd_cur_left(&d.payload) + 12 ==
			      rdd_cur_left(&ctrl->body));
			parse_payload(d.pdu_type2, &d.payload);
		}
		break;
	case RDD_PDUTYPE_SERVER_REDIR:
		c = ctrl->body; /* pad2Octets first, under TLS */
		if (rdd_cur_skip(&c, 2) == 0)
			parse_redirection(&c);
		break;
	case RDD_PDUTYPE_DEACTIVATEALL:
		(void)rdd_share_parse_deactivate_all(ctrl, &has_id, &share_id);
		break;
	default:
		break;
	}
}

/* The input as a stream of share PDUs. */
static void
walk(const uint8_t *data, size_t size)
{
	struct rdd_share_ctrl ctrl;
	struct rdd_cur in, before;
	int r;

	rdd_cur_init(&in, data, size);
	for (;;) {
		before = in;
		r = rdd_share_parse_ctrl(&in, &ctrl);
		check_consumed(r, &before, &in);
		if (r != 0)
			break;
		CHECK(rdd_cur_left(&before) - rdd_cur_left(&in) ==
		      ctrl.total_length);
		parse_one(&ctrl);
	}
}

/*
 * A Confirm Active and a data PDU built from the first input bytes, read
 * back: the Confirm Active's header fields, the data PDU's headers and
 * its payload (the rest of the input, cut to fit).
 */
static void
roundtrip(const uint8_t *data, size_t size)
{
	struct rdd_confirm_params p;
	struct rdd_share_ctrl ctrl;
	struct rdd_share_data d;
	static uint8_t out[0x10000 + 64];
	struct rdd_cur c, in;
	struct rdd_buf b;
	uint16_t cap, u16;
	uint8_t type2;
	size_t n;

	rdd_cur_init(&c, data, size);
	if (rdd_cur_u32le(&c, &p.share_id) != 0 ||
	    rdd_cur_u16le(&c, &p.user_id) != 0 ||
	    rdd_cur_u16le(&c, &p.width) != 0 ||
	    rdd_cur_u16le(&c, &p.height) != 0 ||
	    rdd_cur_u16le(&c, &p.bpp) != 0 ||
	    rdd_cur_u32le(&c, &p.vc_chunk) != 0 ||
	    rdd_cur_u16le(&c, &cap) != 0 || rdd_cur_u8(&c, &type2) != 0)
		return;
	p.salted_mac = (type2 & 1) != 0;
	/* sometimes too small */
	rdd_buf_init(&b, out, (cap & 1) ? (size_t)(cap >> 7) : sizeof(out));
	if (rdd_share_build_confirm_active(&b, &p) != 0) {
		CHECK(b.err && b.len == 0);
	} else {
		CHECK(b.len == 432);
		rdd_cur_init(&in, out, b.len);
		CHECK(rdd_share_parse_ctrl(&in, &ctrl) == 0);
		CHECK(ctrl.pdu_type_raw == 0x13 &&
		      ctrl.pdu_source == p.user_id);
		CHECK(rdd_cur_u32le(&ctrl.body, &d.share_id) == 0 &&
		      d.share_id == p.share_id);
		CHECK(rdd_cur_u16le(&ctrl.body, &u16) == 0 && u16 == 0x03EA);
	}
	n = rdd_cur_left(&c);
	if (n > 0xFFFF - 18)
		n = 0xFFFF - 18;
	rdd_buf_init(&b, out, (cap & 2) ? (size_t)(cap >> 6) : sizeof(out));
	if (rdd_share_build_data(&b, p.share_id, p.user_id, type2, c.p, n) !=
	    0) {
		CHECK(b.err && b.len == 0);
		return;
	}
	CHECK(b.len == n + 18);
	rdd_cur_init(&in, out, b.len);
	CHECK(rdd_share_parse_ctrl(&in, &ctrl) == 0);
	CHECK(rdd_cur_left(&in) == 0);
	CHECK(ctrl.pdu_type == RDD_PDUTYPE_DATA);
	CHECK(rdd_share_parse_data(&ctrl.body, &d) == 0);
	CHECK(d.share_id == p.share_id && d.pdu_type2 == type2);
	CHECK(d.stream_id == 1 && d.compressed_type == 0);
	CHECK(rdd_cur_left(&d.payload) == n);
	CHECK(n == 0 || memcmp(d.payload.p, c.p, n) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_cur whole;

	walk(data, size);
	rdd_cur_init(&whole, data, size);
	parse_payload(0, &whole);
	parse_redirection(&whole);
	roundtrip(data, size);
	return 0;
}
