/*
 * fuzz_mcs.c - libFuzzer target for the Basic Settings Exchange wire layer:
 * lib/wire/ber.c, per.c, gcc.c and mcs.c.
 *
 * The input is read as a TCP stream cut into TPKT PDUs whose payloads go to
 * the Connect-Response, Connect-Initial and Disconnect Provider Ultimatum
 * parsers; as one bare TPKT payload; as raw server and client data blocks;
 * and as a string of BER and PER primitives. Invariants a crash would not
 * reveal are checked with abort(): a parser consumes only on success and
 * never more than it was given, strings it returns are terminated, and a
 * Connect-Initial built from fuzz-chosen fields parses back to them.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/ber.h"
#include "wire/cursor.h"
#include "wire/gcc.h"
#include "wire/mcs.h"
#include "wire/per.h"
#include "wire/tpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static void
check_server(const struct rdd_gcc_server_data *s)
{
	char str[64];

	(void)rdd_rdp_version_name(s->version);
	(void)rdd_encryption_method_name(s->encryption_method);
	(void)rdd_encryption_method_desc(s->encryption_method);
	(void)rdd_encryption_level_name(s->encryption_level);
	(void)rdd_encryption_level_desc(s->encryption_level);
	rdd_multitransport_str(str, sizeof(str), s->multitransport_flags);
	CHECK(TERMINATED(str));
	rdd_encryption_methods_str(str, 9, s->encryption_method);
	CHECK(memchr(str, '\0', 9) != NULL);
	CHECK(TERMINATED(s->cert.leaf_subject));
	CHECK(TERMINATED(s->cert.leaf_issuer));
	CHECK(TERMINATED(s->cert.leaf_key_type));
	if (s->has_core)
		CHECK(s->core_length >= 8);
	if (s->cert.kind == RDD_GCC_CERT_NONE)
		CHECK(!s->cert.leaf_parsed);
}

static void
check_client(const struct rdd_gcc_client_data *c)
{
	uint32_t i;

	CHECK(TERMINATED(c->core.client_name));
	CHECK(TERMINATED(c->core.dig_product_id));
	for (i = 0; i < c->channel_count && i < RDD_GCC_MAX_CHANNELS; i++)
		CHECK(TERMINATED(c->channels[i].name));
	if (c->has_core)
		CHECK(c->core.length >= 132);
}

static void
parse_payload(const struct rdd_cur *payload)
{
	struct rdd_mcs_connect_response cr;
	struct rdd_mcs_connect_initial ci;
	struct rdd_cur in;
	uint8_t reason;

	in = *payload;
	if (rdd_mcs_parse_connect_response(&in, &cr) == 0) {
		CHECK(rdd_cur_left(&in) < rdd_cur_left(payload));
		(void)rdd_mcs_result_name(cr.result);
		if (cr.result == RDD_MCS_RT_SUCCESSFUL)
			CHECK(cr.has_called_connect_id &&
			      cr.has_domain_params && cr.has_user_data);
		if (!cr.has_user_data)
			CHECK(!cr.server.has_core && !cr.server.has_security);
		check_server(&cr.server);
	} else {
		CHECK(in.p == payload->p && in.len == payload->len);
	}
	in = *payload;
	if (rdd_mcs_parse_connect_initial(&in, &ci) == 0) {
		CHECK(rdd_cur_left(&in) < rdd_cur_left(payload));
		CHECK(TERMINATED(ci.conference_name));
		check_client(&ci.client);
	} else {
		CHECK(in.p == payload->p && in.len == payload->len);
	}
	in = *payload;
	if (rdd_mcs_parse_dpum(&in, &reason) == 0) {
		CHECK(rdd_cur_left(payload) - rdd_cur_left(&in) == 5);
		CHECK(reason < 8);
		(void)rdd_mcs_reason_name(reason);
	} else {
		CHECK(in.p == payload->p && in.len == payload->len);
	}
}

/* The input as a stream of TPKT PDUs, as the probe receives it. */
static void
walk_tpkt(const uint8_t *data, size_t size)
{
	struct rdd_cur stream, payload, skip;
	size_t pdu_len;

	rdd_cur_init(&stream, data, size);
	while (rdd_tpkt_frame(stream.p, stream.len, &pdu_len, &payload) ==
	       RDD_TPKT_OK) {
		parse_payload(&payload);
		CHECK(rdd_cur_sub(&stream, pdu_len, &skip) == 0);
	}
}

/* The input as bare data blocks. */
static void
parse_blocks(const uint8_t *data, size_t size)
{
	struct rdd_gcc_server_data sd;
	struct rdd_gcc_client_data cd;
	struct rdd_cur in;

	rdd_cur_init(&in, data, size);
	if (rdd_gcc_parse_server_blocks(&in, &sd) == 0) {
		CHECK(rdd_cur_left(&in) == 0);
		check_server(&sd);
	} else {
		CHECK(in.p == data && in.len == size);
	}
	rdd_cur_init(&in, data, size);
	if (rdd_gcc_parse_client_blocks(&in, &cd) == 0) {
		CHECK(rdd_cur_left(&in) == 0);
		check_client(&cd);
	} else {
		CHECK(in.p == data && in.len == size);
	}
}

/* The input as BER and PER primitives, the first byte choosing which. */
static void
primitives(const uint8_t *data, size_t size)
{
	struct rdd_cur c, before, sub;
	struct rdd_domain_params dp;
	uint8_t sel, u8, oid[6];
	uint16_t u16;
	uint32_t u32;
	size_t len;
	char s[16];
	bool b;
	int r = -1, steps;

	rdd_cur_init(&c, data, size);
	for (steps = 0; steps < 64; steps++) {
		if (rdd_cur_u8(&c, &sel) != 0)
			return;
		before = c;
		switch (sel % 14) {
		case 0:
			r = rdd_ber_read_length(&c, &len);
			break;
		case 1:
			r = rdd_ber_read_integer(&c, &u32);
			break;
		case 2:
			r = rdd_ber_read_enumerated(&c, &u8);
			break;
		case 3:
			r = rdd_ber_read_boolean(&c, &b);
			break;
		case 4:
			r = rdd_ber_read_octet_string(&c, &sub);
			if (r == 0)
				CHECK(sub.p >= data && sub.len <= size);
			break;
		case 5:
			r = rdd_ber_read_domain_params(&c, &dp);
			break;
		case 6:
			r = rdd_ber_read_application(&c, 101 + (sel & 1), &sub);
			break;
		case 7:
			r = rdd_per_read_length(&c, &u16);
			if (r == 0)
				CHECK(u16 <= RDD_PER_MAX_LENGTH);
			break;
		case 8:
			r = rdd_per_read_object_identifier(&c, oid);
			break;
		case 9:
			r = rdd_per_read_numeric_string(&c, sel >> 7, s,
			                                sizeof(s));
			if (r == 0)
				CHECK(TERMINATED(s));
			break;
		case 10:
			r = rdd_per_read_octet_string(&c, 4, &sub);
			if (r == 0)
				CHECK(sub.len >= 4);
			break;
		case 11:
			r = rdd_per_read_integer16(&c, 1001, &u16);
			if (r == 0)
				CHECK(u16 >= 1001);
			break;
		case 12:
			r = rdd_per_read_integer(&c, &u32);
			break;
		default:
			r = rdd_per_read_enumerated(&c, 16, &u8);
			if (r == 0)
				CHECK(u8 < 16);
			break;
		}
		if (r != 0) {
			CHECK(c.p == before.p && c.len == before.len);
			return;
		}
		CHECK(c.len < before.len);
	}
}

/*
 * Build a Connect-Initial from fields taken from the input (selected
 * protocol, encryption methods, flags, up to 31 channels of 0..7 name
 * characters) and parse it back.
 */
static void
roundtrip_ci(const uint8_t *data, size_t size)
{
	struct rdd_gcc_client_data cd;
	struct rdd_mcs_connect_initial back;
	struct rdd_cur c, payload;
	uint8_t out[2048], sel, n, k, nlen;
	uint32_t selected, methods, i;
	struct rdd_buf b;
	size_t pdu_len;

	rdd_cur_init(&c, data, size);
	if (rdd_cur_u8(&c, &sel) != 0 || rdd_cur_u32le(&c, &selected) != 0 ||
	    rdd_cur_u32le(&c, &methods) != 0 || rdd_cur_u8(&c, &n) != 0)
		return;
	rdd_gcc_client_defaults(&cd, selected, methods);
	cd.has_cluster = (sel & 1) != 0;
	cd.has_security = (sel & 2) != 0;
	cd.has_net = (sel & 4) != 0;
	cd.channel_count = n % 40; /* sometimes too many */
	for (i = 0; i < cd.channel_count && i < RDD_GCC_MAX_CHANNELS; i++) {
		if (rdd_cur_u8(&c, &nlen) != 0)
			nlen = 0;
		nlen %= 8;
		for (k = 0; k < nlen; k++) {
			uint8_t ch = 'a';

			(void)rdd_cur_u8(&c, &ch);
			cd.channels[i].name[k] = (char)(ch ? ch : 'z');
		}
		cd.channels[i].name[nlen] = '\0';
	}
	rdd_buf_init(&b, out, (sel & 8) ? (size_t)sel * 2 : sizeof(out));
	if (rdd_mcs_build_connect_initial(&b, &cd) != 0) {
		CHECK(b.err && b.len == 0);
		return;
	}
	CHECK(!b.err);
	CHECK(rdd_tpkt_frame(out, b.len, &pdu_len, &payload) == RDD_TPKT_OK);
	CHECK(pdu_len == b.len);
	CHECK(rdd_mcs_parse_connect_initial(&payload, &back) == 0);
	CHECK(rdd_cur_left(&payload) == 0);
	CHECK(back.client.core.server_selected_protocol == selected);
	CHECK(back.client.has_security == cd.has_security);
	if (cd.has_security)
		CHECK(back.client.encryption_methods == methods);
	CHECK(back.client.has_net == cd.has_net);
	if (cd.has_net) {
		CHECK(back.client.channel_count == cd.channel_count);
		for (i = 0; i < cd.channel_count; i++) {
			/* Bytes outside printable ASCII come back as '?'. */
			CHECK(strlen(back.client.channels[i].name) ==
			      strlen(cd.channels[i].name));
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_cur whole;

	walk_tpkt(data, size);
	rdd_cur_init(&whole, data, size);
	parse_payload(&whole);
	parse_blocks(data, size);
	primitives(data, size);
	roundtrip_ci(data, size);
	return 0;
}
