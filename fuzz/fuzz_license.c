/*
 * fuzz_license.c - libFuzzer target for lib/wire/license.c.
 *
 * The input is read as a stream of server licensing messages (each one
 * parsed, then answered as a client would: a PLATFORM_CHALLENGE with a
 * PLATFORM_CHALLENGE_RESPONSE, a NEW_LICENSE or UPGRADE_LICENSE read with
 * fixed keys, a LICENSE_REQUEST that carries an RSA key with a
 * NEW_LICENSE_REQUEST), as one client message, and as the plain text of a
 * NEW_LICENSE_INFO (encrypted with the fixed keys first, so that the
 * reader's parser and the CAL's PKCS#7 see the input itself). Invariants a
 * crash would not reveal are checked with abort(): a parser consumes
 * exactly wMsgSize on success and nothing on failure, strings are
 * terminated, and what the builders write parses back as a client
 * message of the length they say.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/crypto.h"
#include "wire/cursor.h"
#include "wire/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static const struct rdd_lic_keys fixed_keys = {
    {0x30, 0xd5, 0x2b, 0xc5, 0x8b, 0xe7, 0x52, 0xe5, 0x80, 0xe6, 0xb7, 0xcf,
     0xc5, 0xa0, 0x04, 0xac},
    {0x84, 0xa2, 0x48, 0xfc, 0xbe, 0x21, 0x5d, 0x25, 0x7e, 0x3d, 0x8c, 0xd5,
     0xee, 0x7d, 0x28, 0x1b}};

/* A client message in OUT (LEN bytes) parses whole, of type TYPE. */
static void
check_client_message(const uint8_t *out, size_t len, uint8_t type)
{
	struct rdd_cur c;
	uint8_t t, flags;
	uint16_t size;

	rdd_cur_init(&c, out, len);
	CHECK(rdd_lic_parse_client(&c, &t, &flags, &size) == 0);
	CHECK(t == type && size == len && rdd_cur_left(&c) == 0);
}

static void
check_info(const struct rdd_lic_info *info)
{
	CHECK(TERMINATED(info->scope));
	CHECK(TERMINATED(info->company));
	CHECK(TERMINATED(info->product_id));
}

static void
answer_request(const struct rdd_lic_request *r)
{
	static const char user[] = "rdpdoctor", machine[] = "RDPDOCTOR";
	struct rdd_lic_new_request req;
	uint8_t out[1024];
	struct rdd_buf b;

	memset(&req, 0, sizeof(req));
	req.preamble_flags = 0x83;
	req.platform_id = RDD_LIC_PLATFORM_ID;
	memset(req.client_random, 0x11, sizeof(req.client_random));
	memset(req.premaster, 0x22, sizeof(req.premaster));
	req.user_name = user;
	req.machine_name = machine;
	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_lic_build_new_license_request(&b, &req, &r->cert) != 0) {
		CHECK(b.err && b.len == 0);
		return;
	}
	CHECK(r->cert.has_rsa_key && !b.err);
	check_client_message(out, b.len, RDD_LIC_NEW_LICENSE_REQUEST);
}

static void
check_server(const struct rdd_lic_pdu *p)
{
	static uint8_t out[70000];
	struct rdd_lic_info info;
	uint8_t hwid[RDD_LIC_HWID_LEN];
	struct rdd_buf b;
	uint32_t i;
	bool ok = true;

	CHECK(p->msg_size >= 4);
	(void)rdd_lic_msg_name(p->msg_type);
	switch (p->msg_type) {
	case RDD_LIC_LICENSE_REQUEST:
		CHECK(TERMINATED(p->request.company));
		CHECK(TERMINATED(p->request.product_id));
		for (i = 0; i < RDD_LIC_MAX_SCOPES; i++)
			CHECK(TERMINATED(p->request.scopes[i]));
		if (!p->request.has_cert)
			CHECK(!p->request.cert.has_rsa_key);
		answer_request(&p->request);
		break;
	case RDD_LIC_PLATFORM_CHALLENGE:
		CHECK(rdd_cur_left(&p->challenge.encrypted) <= p->msg_size);
		rdd_lic_hwid(hwid);
		rdd_buf_init(&b, out, sizeof(out));
		if (rdd_lic_build_challenge_response(
		        &b, 0x83, &fixed_keys, &p->challenge, hwid, &ok) == 0)
			check_client_message(
			    out, b.len, RDD_LIC_PLATFORM_CHALLENGE_RESPONSE);
		else
			CHECK(b.err && b.len == 0 && !ok);
		break;
	case RDD_LIC_NEW_LICENSE:
	case RDD_LIC_UPGRADE_LICENSE:
		(void)rdd_lic_read_new_license(&fixed_keys, &p->license, &info);
		check_info(&info);
		break;
	case RDD_LIC_ERROR_ALERT:
		(void)rdd_lic_error_name(p->error.code);
		(void)rdd_lic_transition_name(p->error.transition);
		break;
	default:
		abort(); /* the parser accepts no other type */
	}
}

/* The input as a stream of server messages. */
static void
walk_server(const uint8_t *data, size_t size)
{
	static struct rdd_lic_pdu pdu;
	struct rdd_cur c, before;
	int n;

	rdd_cur_init(&c, data, size);
	for (n = 0; n < 16; n++) {
		before = c;
		if (rdd_lic_parse(&c, &pdu) != 0) {
			CHECK(c.p == before.p && c.len == before.len);
			return;
		}
		CHECK(rdd_cur_left(&before) - rdd_cur_left(&c) == pdu.msg_size);
		check_server(&pdu);
	}
}

static void
parse_client(const uint8_t *data, size_t size)
{
	struct rdd_cur c;
	uint8_t type, flags;
	uint16_t msg_size;

	rdd_cur_init(&c, data, size);
	if (rdd_lic_parse_client(&c, &type, &flags, &msg_size) == 0) {
		CHECK(size - rdd_cur_left(&c) == msg_size);
		(void)rdd_lic_msg_name(type);
	} else {
		CHECK(c.p == data && c.len == size);
	}
}

/* The input as a NEW_LICENSE_INFO, encrypted and MACed as a server would. */
static void
read_license_info(const uint8_t *data, size_t size)
{
	static uint8_t enc[65535];
	struct rdd_lic_new_license nl;
	struct rdd_lic_info info;

	if (size == 0 || size > sizeof(enc))
		return;
	if (rdd_rc4_once(fixed_keys.enc_key, sizeof(fixed_keys.enc_key), data,
	                 enc, size) != 0 ||
	    rdd_lic_mac(&fixed_keys, data, size, nl.mac) != 0)
		return;
	rdd_cur_init(&nl.encrypted, enc, size);
	(void)rdd_lic_read_new_license(&fixed_keys, &nl, &info);
	CHECK(info.mac_ok);
	check_info(&info);
	if (info.has_validity)
		CHECK(info.license_len > 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk_server(data, size);
	parse_client(data, size);
	read_license_info(data, size);
	return 0;
}
