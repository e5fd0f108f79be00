/*
 * mcs.c - MCS Connect-Initial / Connect-Response (mcs.h): [MS-RDPBCGR]
 * 2.2.1.3 and 2.2.1.4, T.125 section 7 part 2 (BER), T.124 section 8.7 and
 * annex A (GCC ConnectData / ConferenceCreateRequest / Response, ALIGNED
 * PER), T.125 section 7 part 10 for the Disconnect Provider Ultimatum.
 *
 *   TPKT (4) | X.224 DT 02 F0 80 | 7F 65 <len> Connect-Initial
 *     callingDomainSelector OCTET STRING, calledDomainSelector OCTET
 *     STRING, upwardFlag BOOLEAN, target/minimum/maximumParameters
 *     DomainParameters, userData OCTET STRING =
 *       ConnectData (PER): key CHOICE object 00, OID 05 00 14 7c 00 01,
 *       connectPDU length, ConnectGCCPDU conferenceCreateRequest:
 *         00 08 | 00 10 ("1") | 00 | 01 c0 | 00 "Duca" | len | blocks
 *
 *   7F 66 <len> Connect-Response: result ENUMERATED, calledConnectId
 *     INTEGER, domainParameters, userData OCTET STRING =
 *       00 | 05 00 14 7c 00 01 | len | 14 conferenceCreateResponse:
 *         nodeID (integer16 from 1001) | tag INTEGER | result ENUMERATED |
 *         01 c0 | 00 "McDn" | len | blocks
 *
 * Windows writes 0x2a as the connectPDU length of the response whatever
 * its real size, so that length is read and ignored, as every client does.
 */
#include <string.h>

#include "mcs.h"
#include "per.h"
#include "tpkt.h"
#include "x224.h"

static const uint8_t t124_02_98_oid[6] = {0, 0, 20, 124, 0, 1};
static const uint8_t h221_cs_key[4] = {'D', 'u', 'c', 'a'};
static const uint8_t h221_sc_key[4] = {'M', 'c', 'D', 'n'};

/* ConnectGCCPDU CHOICE bytes (index in the top bits, extension bit 0). */
#define GCC_CONFERENCE_CREATE_REQUEST 0x00
#define GCC_CONFERENCE_CREATE_RESPONSE 0x14
/* ConferenceCreateRequest preamble: only userData of the optional fields. */
#define GCC_CCRQ_SELECTION 0x08
/* UserData: one set, whose value is present and an h221NonStandard key. */
#define GCC_USERDATA_SETS 0x01
#define GCC_USERDATA_H221 0xc0

/* The [MS-RDPBCGR] 4.1.3 domain parameters, as mstsc sends them. */
static const struct rdd_domain_params target_params = {
    34, 2, 0, 1, 0, 1, 65535, 2,
};
static const struct rdd_domain_params minimum_params = {
    1, 1, 1, 1, 0, 1, 1056, 2,
};
static const struct rdd_domain_params maximum_params = {
    65535, 64535, 65535, 1, 0, 1, 65535, 2,
};

/* Capacities of the staging buffers of the builder. */
#define BLOCKS_CAP 1024
#define GCC_CAP (BLOCKS_CAP + 32)
#define CI_CAP (GCC_CAP + 160)

/* X.224 Data TPDU header: LI 2, DT, EOT with TPDU-NR 0. */
static int
read_dt(struct rdd_cur *c)
{
	uint8_t li, code, eot;

	if (rdd_cur_u8(c, &li) != 0 || li != 2 || rdd_cur_u8(c, &code) != 0 ||
	    code != RDD_X224_TPDU_DT || rdd_cur_u8(c, &eot) != 0 || eot != 0x80)
		return -1;
	return 0;
}

/* ---- Connect-Initial: build ------------------------------------------- */

int
rdd_mcs_build_connect_initial(struct rdd_buf *b,
                              const struct rdd_gcc_client_data *cd)
{
	uint8_t blocks_st[BLOCKS_CAP], gcc_st[GCC_CAP], ci_st[CI_CAP];
	uint8_t pdu_st[24];
	struct rdd_buf blocks, pdu, gcc, ci;
	static const uint8_t selector = 0x01;
	size_t start = b->len, mcs_len;

	if (b->err)
		return -1;
	rdd_buf_init(&blocks, blocks_st, sizeof(blocks_st));
	if (rdd_gcc_write_client_blocks(&blocks, cd) != 0)
		goto fail;

	/* ConferenceCreateRequest up to its user data blocks. */
	rdd_buf_init(&pdu, pdu_st, sizeof(pdu_st));
	rdd_per_write_u8(&pdu, GCC_CONFERENCE_CREATE_REQUEST);
	rdd_per_write_u8(&pdu, GCC_CCRQ_SELECTION);
	rdd_per_write_numeric_string(&pdu, "1", 1); /* conferenceName */
	/* lockedConference, listedConference, conductibleConference FALSE,
	 * terminationMethod automatic: all zero bits, one byte. */
	rdd_per_write_u8(&pdu, 0x00);
	rdd_per_write_u8(&pdu, GCC_USERDATA_SETS);
	rdd_per_write_u8(&pdu, GCC_USERDATA_H221);
	rdd_per_write_octet_string(&pdu, h221_cs_key, sizeof(h221_cs_key), 4);
	rdd_per_write_length(&pdu, blocks.len);

	/* ConnectData around it. */
	rdd_buf_init(&gcc, gcc_st, sizeof(gcc_st));
	rdd_per_write_u8(&gcc, 0); /* Key: object */
	rdd_per_write_object_identifier(&gcc, t124_02_98_oid);
	rdd_per_write_length(&gcc, pdu.len + blocks.len);
	rdd_buf_bytes(&gcc, pdu_st, pdu.len);
	rdd_buf_bytes(&gcc, blocks_st, blocks.len);
	if (pdu.err || gcc.err)
		goto fail;

	/* The Connect-Initial contents. */
	rdd_buf_init(&ci, ci_st, sizeof(ci_st));
	rdd_ber_write_octet_string(&ci, &selector, 1); /* calling */
	rdd_ber_write_octet_string(&ci, &selector, 1); /* called */
	rdd_ber_write_boolean(&ci, true);              /* upwardFlag */
	rdd_ber_write_domain_params(&ci, &target_params);
	rdd_ber_write_domain_params(&ci, &minimum_params);
	rdd_ber_write_domain_params(&ci, &maximum_params);
	rdd_ber_write_octet_string(&ci, gcc_st, gcc.len);
	if (ci.err)
		goto fail;

	mcs_len = 2 + rdd_ber_length_size(ci.len) + ci.len;
	rdd_tpkt_write_header(b, 3 + mcs_len);
	rdd_buf_u8(b, 2);
	rdd_buf_u8(b, RDD_X224_TPDU_DT);
	rdd_buf_u8(b, 0x80);
	rdd_ber_write_application_header(b, RDD_MCS_CONNECT_INITIAL, ci.len);
	rdd_buf_bytes(b, ci_st, ci.len);
	if (b->err)
		goto fail;
	return 0;
fail:
	b->len = start;
	b->err = true;
	return -1;
}

/* ---- Connect-Initial: parse ------------------------------------------- */

/* ConnectData with a ConferenceCreateRequest; the client blocks into CI. */
static int
parse_ccrq(struct rdd_cur *c, struct rdd_mcs_connect_initial *ci)
{
	struct rdd_cur key, blocks;
	uint8_t b, oid[6];
	uint16_t len;

	if (rdd_per_read_u8(c, &b) != 0 || b != 0 ||
	    rdd_per_read_object_identifier(c, oid) != 0 ||
	    memcmp(oid, t124_02_98_oid, sizeof(oid)) != 0 ||
	    rdd_per_read_length(c, &len) != 0)
		return -1;
	if (rdd_per_read_u8(c, &b) != 0 || b != GCC_CONFERENCE_CREATE_REQUEST ||
	    rdd_per_read_u8(c, &b) != 0 || b != GCC_CCRQ_SELECTION ||
	    rdd_per_read_numeric_string(c, 1, ci->conference_name,
	                                sizeof(ci->conference_name)) != 0 ||
	    rdd_per_read_u8(c, &b) != 0 || /* the flags byte */
	    rdd_per_read_u8(c, &b) != 0 || b != GCC_USERDATA_SETS ||
	    rdd_per_read_u8(c, &b) != 0 || b != GCC_USERDATA_H221 ||
	    rdd_per_read_octet_string(c, 4, &key) != 0 ||
	    key.len != sizeof(h221_cs_key) ||
	    memcmp(key.p, h221_cs_key, sizeof(h221_cs_key)) != 0 ||
	    rdd_per_read_length(c, &len) != 0 ||
	    rdd_cur_sub(c, len, &blocks) != 0)
		return -1;
	return rdd_gcc_parse_client_blocks(&blocks, &ci->client);
}

int
rdd_mcs_parse_connect_initial(struct rdd_cur *in,
                              struct rdd_mcs_connect_initial *ci)
{
	struct rdd_mcs_connect_initial r;
	struct rdd_cur t = *in, body, sel, ud;

	memset(&r, 0, sizeof(r));
	if (read_dt(&t) != 0 ||
	    rdd_ber_read_application(&t, RDD_MCS_CONNECT_INITIAL, &body) != 0)
		return -1;
	if (rdd_ber_read_octet_string(&body, &sel) != 0 ||
	    rdd_ber_read_octet_string(&body, &sel) != 0 ||
	    rdd_ber_read_boolean(&body, &r.upward_flag) != 0 ||
	    rdd_ber_read_domain_params(&body, &r.target) != 0 ||
	    rdd_ber_read_domain_params(&body, &r.minimum) != 0 ||
	    rdd_ber_read_domain_params(&body, &r.maximum) != 0 ||
	    rdd_ber_read_octet_string(&body, &ud) != 0)
		return -1;
	if (parse_ccrq(&ud, &r) != 0)
		return -1;
	*in = t;
	*ci = r;
	return 0;
}

/* ---- Connect-Response ------------------------------------------------- */

/* ConnectData with a ConferenceCreateResponse; the server blocks into CR. */
static int
parse_ccrsp(struct rdd_cur *c, struct rdd_mcs_connect_response *cr)
{
	struct rdd_cur key, blocks;
	uint8_t b, oid[6];
	uint16_t len;

	if (rdd_per_read_u8(c, &b) != 0 || b != 0 ||
	    rdd_per_read_object_identifier(c, oid) != 0 ||
	    memcmp(oid, t124_02_98_oid, sizeof(oid)) != 0 ||
	    rdd_per_read_length(c, &len) != 0) /* ignored: see above */
		return -1;
	if (rdd_per_read_u8(c, &b) != 0 ||
	    b != GCC_CONFERENCE_CREATE_RESPONSE ||
	    rdd_per_read_integer16(c, 1001, &cr->gcc_node_id) != 0 ||
	    rdd_per_read_integer(c, &cr->gcc_tag) != 0 ||
	    rdd_per_read_enumerated(c, RDD_MCS_RESULT_COUNT, &cr->gcc_result) !=
	        0 ||
	    rdd_per_read_u8(c, &b) != 0 || b != GCC_USERDATA_SETS ||
	    rdd_per_read_u8(c, &b) != 0 || b != GCC_USERDATA_H221 ||
	    rdd_per_read_octet_string(c, 4, &key) != 0 ||
	    key.len != sizeof(h221_sc_key) ||
	    memcmp(key.p, h221_sc_key, sizeof(h221_sc_key)) != 0 ||
	    rdd_per_read_length(c, &len) != 0 ||
	    rdd_cur_sub(c, len, &blocks) != 0)
		return -1;
	return rdd_gcc_parse_server_blocks(&blocks, &cr->server);
}

int
rdd_mcs_parse_connect_response(struct rdd_cur *in,
                               struct rdd_mcs_connect_response *cr)
{
	struct rdd_mcs_connect_response r;
	struct rdd_cur t = *in, body, ud;
	bool ok = true;

	memset(&r, 0, sizeof(r));
	if (read_dt(&t) != 0 ||
	    rdd_ber_read_application(&t, RDD_MCS_CONNECT_RESPONSE, &body) !=
	        0 ||
	    rdd_ber_read_enumerated(&body, &r.result) != 0)
		return -1;
	/* Each field in turn; after a refusal, stop quietly at the first
	 * one that is missing or does not parse. */
	if (ok && rdd_ber_read_integer(&body, &r.called_connect_id) == 0)
		r.has_called_connect_id = true;
	else
		ok = false;
	if (ok && rdd_ber_read_domain_params(&body, &r.domain_params) == 0)
		r.has_domain_params = true;
	else
		ok = false;
	if (ok && rdd_ber_read_octet_string(&body, &ud) == 0 &&
	    parse_ccrsp(&ud, &r) == 0)
		r.has_user_data = true;
	else
		ok = false;
	if (!ok && r.result == RDD_MCS_RT_SUCCESSFUL)
		return -1;
	if (!r.has_user_data) {
		r.gcc_node_id = 0;
		r.gcc_tag = 0;
		r.gcc_result = 0;
		memset(&r.server, 0, sizeof(r.server));
	}
	*in = t;
	*cr = r;
	return 0;
}

/* ---- Disconnect Provider Ultimatum ------------------------------------ */

/*
 *   byte 0: CHOICE index (6 bits) | reason bits 2..1
 *   byte 1: reason bit 0 | 7 padding bits
 */
int
rdd_mcs_parse_dpum(struct rdd_cur *in, uint8_t *reason)
{
	struct rdd_cur t = *in;
	uint8_t b0, b1;

	if (read_dt(&t) != 0 || rdd_cur_u8(&t, &b0) != 0 ||
	    (b0 >> 2) != RDD_MCS_DPUM || rdd_cur_u8(&t, &b1) != 0)
		return -1;
	*in = t;
	*reason = (uint8_t)(((b0 & 0x03) << 1) | (b1 >> 7));
	return 0;
}

/* ---- names ------------------------------------------------------------ */

const char *
rdd_mcs_result_name(unsigned result)
{
	static const char *const names[] = {
	    "rt-successful",
	    "rt-domain-merging",
	    "rt-domain-not-hierarchical",
	    "rt-no-such-channel",
	    "rt-no-such-domain",
	    "rt-no-such-user",
	    "rt-not-admitted",
	    "rt-other-user-id",
	    "rt-parameters-unacceptable",
	    "rt-token-not-available",
	    "rt-token-not-possessed",
	    "rt-too-many-channels",
	    "rt-too-many-tokens",
	    "rt-too-many-users",
	    "rt-unspecified-failure",
	    "rt-user-rejected",
	};

	return result < sizeof(names) / sizeof(names[0]) ? names[result] : NULL;
}

const char *
rdd_mcs_reason_name(unsigned reason)
{
	static const char *const names[] = {
	    "rn-domain-disconnected", "rn-provider-initiated",
	    "rn-token-purged",        "rn-user-requested",
	    "rn-channel-purged",
	};

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : NULL;
}
