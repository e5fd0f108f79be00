/*
 * test_gcc.c - lib/wire/gcc.c: the client data blocks built and parsed,
 * the server data blocks parsed (cores, security with both certificate
 * kinds, network, message channel, multitransport, unknown blocks), and the
 * name tables. Byte vectors: the client and server blocks of [MS-RDPBCGR]
 * 4.1.3 / 4.1.4, and those of RDP-003.pcap (tests/captures/, an XP client
 * and a Windows 2000 server), cut from the PDUs test_mcs.c holds whole.
 * Certificates of real servers are asserted in test_mcs.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wire/gcc.h"

#include "capture_vectors.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* [MS-RDPBCGR] 4.1.3: the client data blocks (CS_CORE 216 bytes,
 * CS_CLUSTER, CS_SECURITY 0x1b, CS_NET rdpdr/cliprdr/rdpsnd), bytes 132 to
 * the end of the Connect-Initial. */
static const uint8_t *const spec_cs = spec_mcs_ci + GCC_CS_OFFSET;
#define SPEC_CS_LEN (SPEC_MCS_CI_LEN - GCC_CS_OFFSET)

/* [MS-RDPBCGR] 4.1.4: the server data blocks (SC_CORE, SC_NET, SC_SECURITY
 * 128-bit / Client Compatible with a proprietary certificate), bytes 73 to
 * the end of the Connect-Response. */
static const uint8_t *const spec_sc = spec_mcs_cr + GCC_SC_OFFSET;
#define SPEC_SC_LEN (SPEC_MCS_CR_LEN - GCC_SC_OFFSET)

/* The client blocks of an XP mstsc (CS_CORE of 212 bytes: no
 * serverSelectedProtocol; CS_SECURITY 0x0b, no FIPS), bytes 132 to the
 * end. */
/* RDP-003.pcap, frame 7, client -> server, bytes 132..411 of 412
 * (10.226.41.226:13178 -> 10.226.29.74:3389). */
static const uint8_t *const r3_cs = r3_mcs_ci + GCC_CS_OFFSET;
#define R3_CS_LEN (R3_MCS_CI_LEN - GCC_CS_OFFSET)

/* The server blocks of Windows 2000 Server (SC_CORE of 8 bytes, SC_NET,
 * SC_SECURITY 56-bit / Client Compatible), bytes 73 to the end. */
/* RDP-003.pcap, frame 8, server -> client, bytes 73..332 of 333
 * (10.226.29.74:3389 -> 10.226.41.226:13178). */
static const uint8_t *const r3_sc = r3_mcs_cr + GCC_SC_OFFSET;
#define R3_SC_LEN (R3_MCS_CR_LEN - GCC_SC_OFFSET)

static struct rdd_cur
cur(const uint8_t *p, size_t n)
{
	struct rdd_cur c;

	rdd_cur_init(&c, p, n);
	return c;
}

/* ---- client blocks ----------------------------------------------------- */

static void
test_write_client_spec_example(void **state)
{
	struct rdd_gcc_client_data cd;
	uint8_t out[1024];
	struct rdd_buf b;

	(void)state;
	spec_mcs_client(&cd);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), 0);
	assert_false(b.err);
	assert_int_equal(b.len, SPEC_CS_LEN);
	assert_memory_equal(out, spec_cs, SPEC_CS_LEN);
}

static void
test_parse_client_spec_example(void **state)
{
	struct rdd_gcc_client_data cd, want;
	struct rdd_cur in = cur(spec_cs, SPEC_CS_LEN);

	(void)state;
	assert_int_equal(rdd_gcc_parse_client_blocks(&in, &cd), 0);
	assert_int_equal(rdd_cur_left(&in), 0);
	spec_mcs_client(&want);
	assert_true(cd.has_core);
	assert_int_equal(cd.core.length, 216);
	assert_int_equal(cd.core.version, want.core.version);
	assert_int_equal(cd.core.desktop_width, 1280);
	assert_int_equal(cd.core.desktop_height, 1024);
	assert_int_equal(cd.core.color_depth, 0xca01);
	assert_int_equal(cd.core.sas_sequence, 0xaa03);
	assert_int_equal(cd.core.keyboard_layout, 0x409);
	assert_int_equal(cd.core.client_build, 3790);
	assert_string_equal(cd.core.client_name, "ELTONS-DEV2");
	assert_int_equal(cd.core.keyboard_type, 4);
	assert_int_equal(cd.core.keyboard_function_key, 12);
	assert_int_equal(cd.core.post_beta2_color_depth, 0xca01);
	assert_int_equal(cd.core.client_product_id, 1);
	assert_int_equal(cd.core.high_color_depth, 24);
	assert_int_equal(cd.core.supported_color_depths, 7);
	assert_true(cd.core.has_early_capability_flags);
	assert_int_equal(cd.core.early_capability_flags, 1);
	assert_true(cd.core.has_dig_product_id);
	assert_string_equal(cd.core.dig_product_id, "69712-783-0357974-42714");
	assert_true(cd.core.has_server_selected_protocol);
	assert_int_equal(cd.core.server_selected_protocol, 0);
	assert_true(cd.has_cluster);
	assert_int_equal(cd.cluster_flags, 0x0d);
	assert_true(cd.has_security);
	assert_int_equal(cd.encryption_methods, 0x1b);
	assert_int_equal(cd.ext_encryption_methods, 0);
	assert_true(cd.has_net);
	assert_int_equal(cd.channel_count, 3);
	assert_string_equal(cd.channels[0].name, "rdpdr");
	assert_int_equal(cd.channels[0].options, 0x80800000);
	assert_string_equal(cd.channels[1].name, "cliprdr");
	assert_int_equal(cd.channels[1].options, 0xc0a00000);
	assert_string_equal(cd.channels[2].name, "rdpsnd");
	assert_int_equal(cd.channels[2].options, 0xc0000000);
	assert_int_equal(cd.n_other_blocks, 0);
}

/* suricata-verify's test.yaml for RDP-003: client version v5, build
 * "Windows XP" (2600), desktop height 864, client name ISD2-KM84178,
 * capability support_errinfo_pdu, id 55274-OEM-0011903-00107, channels
 * rdpdr, cliprdr, rdpsnd. */
static void
test_parse_client_capture(void **state)
{
	struct rdd_gcc_client_data cd;
	struct rdd_cur in = cur(r3_cs, R3_CS_LEN);

	(void)state;
	assert_int_equal(rdd_gcc_parse_client_blocks(&in, &cd), 0);
	assert_int_equal(rdd_cur_left(&in), 0);
	assert_int_equal(cd.core.length, 212);
	assert_int_equal(cd.core.version, RDD_RDP_VERSION_5_PLUS);
	assert_int_equal(cd.core.client_build, 2600);
	assert_int_equal(cd.core.desktop_width, 1152);
	assert_int_equal(cd.core.desktop_height, 864);
	assert_string_equal(cd.core.client_name, "ISD2-KM84178");
	assert_true(cd.core.has_early_capability_flags);
	assert_int_equal(cd.core.early_capability_flags,
	                 RDD_RNS_UD_CS_SUPPORT_ERRINFO_PDU);
	assert_string_equal(cd.core.dig_product_id, "55274-OEM-0011903-00107");
	assert_false(cd.core.has_server_selected_protocol);
	assert_int_equal(cd.cluster_flags, 0x09);
	assert_int_equal(cd.encryption_methods,
	                 RDD_ENCRYPTION_METHOD_40BIT |
	                     RDD_ENCRYPTION_METHOD_56BIT |
	                     RDD_ENCRYPTION_METHOD_128BIT);
	assert_int_equal(cd.channel_count, 3);
	assert_string_equal(cd.channels[0].name, "rdpdr");
	assert_string_equal(cd.channels[1].name, "cliprdr");
	assert_string_equal(cd.channels[2].name, "rdpsnd");
}

/* What rdpdoctor sends: built, then read back. */
static void
test_defaults_roundtrip(void **state)
{
	static const uint32_t selected[] = {0, 1, 2, 8};
	struct rdd_gcc_client_data cd, back;
	uint8_t out[1024];
	struct rdd_buf b;
	struct rdd_cur in;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(selected); i++) {
		rdd_gcc_client_defaults(&cd, selected[i],
		                        RDD_ENCRYPTION_METHOD_56BIT);
		rdd_buf_init(&b, out, sizeof(out));
		assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), 0);
		assert_int_equal(b.len, 216 + 12 + 12);
		in = cur(out, b.len);
		assert_int_equal(rdd_gcc_parse_client_blocks(&in, &back), 0);
		assert_int_equal(back.core.length, RDD_CS_CORE_LEN);
		assert_string_equal(back.core.client_name, "rdpdoctor");
		assert_true(back.core.has_early_capability_flags);
		assert_true(back.core.early_capability_flags &
		            RDD_RNS_UD_CS_SUPPORT_ERRINFO_PDU);
		assert_true(back.core.has_server_selected_protocol);
		assert_int_equal(back.core.server_selected_protocol,
		                 selected[i]);
		assert_true(back.has_security);
		assert_int_equal(back.encryption_methods,
		                 RDD_ENCRYPTION_METHOD_56BIT);
		assert_true(back.has_cluster);
		assert_false(back.has_net);
	}
	/* With a channel list. */
	cd.has_net = true;
	cd.channel_count = RDD_GCC_MAX_CHANNELS;
	for (i = 0; i < RDD_GCC_MAX_CHANNELS; i++) {
		snprintf(cd.channels[i].name, sizeof(cd.channels[i].name),
		         "ch%zu", i);
		cd.channels[i].options = 0x80000000u | (uint32_t)i;
	}
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), 0);
	assert_int_equal(b.len, 240 + 8 + 12 * RDD_GCC_MAX_CHANNELS);
	in = cur(out, b.len);
	assert_int_equal(rdd_gcc_parse_client_blocks(&in, &back), 0);
	assert_int_equal(back.channel_count, RDD_GCC_MAX_CHANNELS);
	assert_string_equal(back.channels[30].name, "ch30");
	assert_int_equal(back.channels[30].options, 0x8000001e);
}

static void
test_write_client_refused(void **state)
{
	struct rdd_gcc_client_data cd;
	uint8_t out[1024];
	struct rdd_buf b;

	(void)state;
	rdd_gcc_client_defaults(&cd, 0, 0x1b);
	cd.has_core = false;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), -1);

	rdd_gcc_client_defaults(&cd, 0, 0x1b);
	memset(cd.core.client_name, 'x', sizeof(cd.core.client_name));
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), -1);
	assert_true(b.err);
	assert_int_equal(b.len, 0);

	rdd_gcc_client_defaults(&cd, 0, 0x1b);
	strcpy(cd.core.client_name, "caf\xc3\xa9"); /* not ASCII */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), -1);

	rdd_gcc_client_defaults(&cd, 0, 0x1b);
	memset(cd.core.dig_product_id, '7', 32);
	cd.core.dig_product_id[32] = '\0'; /* 32 characters: no room for NUL */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), -1);

	rdd_gcc_client_defaults(&cd, 0, 0x1b);
	cd.has_net = true;
	cd.channel_count = RDD_GCC_MAX_CHANNELS + 1;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), -1);

	rdd_gcc_client_defaults(&cd, 0, 0x1b);
	cd.has_net = true;
	cd.channel_count = 1;
	memcpy(cd.channels[0].name, "12345678", 8); /* no NUL */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), -1);

	/* Too small a buffer: nothing left behind, error flag set. */
	rdd_gcc_client_defaults(&cd, 0, 0x1b);
	rdd_buf_init(&b, out, 239);
	assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), -1);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
	/* A buffer already in error. */
	rdd_buf_init(&b, out, sizeof(out));
	b.err = true;
	assert_int_equal(rdd_gcc_write_client_blocks(&b, &cd), -1);
}

static void
test_parse_client_variants(void **state)
{
	/* The smallest CS_CORE (132 bytes), an unknown block, CS_NET with no
	 * channels. */
	uint8_t v[132 + 8 + 8];
	struct rdd_gcc_client_data cd;
	struct rdd_cur in;

	(void)state;
	memset(v, 0, sizeof(v));
	v[0] = 0x01;
	v[1] = 0xc0;
	v[2] = 132;
	v[24] = 'A';
	v[26] = 0xe9; /* not ASCII */
	v[132] = 0x06;
	v[133] = 0xc0;
	v[134] = 8;
	v[140] = 0x03;
	v[141] = 0xc0;
	v[142] = 8;
	in = cur(v, sizeof(v));
	assert_int_equal(rdd_gcc_parse_client_blocks(&in, &cd), 0);
	assert_int_equal(cd.core.length, 132);
	assert_string_equal(cd.core.client_name, "A?");
	assert_false(cd.core.has_early_capability_flags);
	assert_false(cd.core.has_dig_product_id);
	assert_false(cd.core.has_server_selected_protocol);
	assert_int_equal(cd.n_other_blocks, 1);
	assert_true(cd.has_net);
	assert_int_equal(cd.channel_count, 0);
	assert_false(cd.has_security);
	/* CS_CORE of 131 bytes. */
	v[2] = 131;
	in = cur(v, 131);
	assert_int_equal(rdd_gcc_parse_client_blocks(&in, &cd), -1);
}

static void
test_parse_client_malformed(void **state)
{
	uint8_t v[SPEC_CS_LEN];
	struct rdd_gcc_client_data cd, before;
	struct rdd_cur in;
	/* Offsets of the block lengths: CS_CLUSTER at 216, CS_SECURITY at
	 * 228, CS_NET at 240. */
	static const struct {
		size_t off;
		uint8_t val;
	} t[] = {
	    {2, 0x03},   /* CS_CORE length 3 */
	    {218, 0x0b}, /* CS_CLUSTER too short for its fields */
	    {230, 0x08}, /* CS_SECURITY too short */
	    {242, 0x2d}, /* CS_NET past the end */
	    {244, 0x04}, /* four CHANNEL_DEFs in 36 bytes */
	};
	size_t i;

	(void)state;
	memset(&before, 0x5a, sizeof(before));
	for (i = 0; i < NELEM(t); i++) {
		memcpy(v, spec_cs, sizeof(v));
		v[t[i].off] = t[i].val;
		in = cur(v, sizeof(v));
		cd = before;
		assert_int_equal(rdd_gcc_parse_client_blocks(&in, &cd), -1);
		assert_ptr_equal(in.p, v);
		assert_int_equal(rdd_cur_left(&in), sizeof(v));
		assert_memory_equal(&cd, &before, sizeof(cd));
	}
}

/* Cut anywhere: fails, except exactly between two blocks. */
static void
test_client_every_truncation(void **state)
{
	static const size_t bounds[] = {0, 216, 228, 240};
	struct rdd_gcc_client_data cd;
	struct rdd_cur in;
	size_t n, k;
	bool boundary;

	(void)state;
	for (n = 0; n < SPEC_CS_LEN; n++) {
		boundary = false;
		for (k = 0; k < NELEM(bounds); k++)
			boundary = boundary || n == bounds[k];
		in = cur(spec_cs, n);
		assert_int_equal(rdd_gcc_parse_client_blocks(&in, &cd),
		                 boundary ? 0 : -1);
		assert_int_equal(rdd_cur_left(&in), boundary ? 0 : n);
	}
}

/* ---- server blocks ----------------------------------------------------- */

static void
test_parse_server_spec_example(void **state)
{
	struct rdd_gcc_server_data sd;
	struct rdd_cur in = cur(spec_sc, SPEC_SC_LEN);

	(void)state;
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_int_equal(rdd_cur_left(&in), 0);
	assert_true(sd.has_core);
	assert_int_equal(sd.core_length, 12);
	assert_int_equal(sd.version, RDD_RDP_VERSION_5_PLUS);
	assert_true(sd.has_client_requested_protocols);
	assert_int_equal(sd.client_requested_protocols, 0);
	assert_false(sd.has_early_capability_flags);
	assert_true(sd.has_net);
	assert_int_equal(sd.io_channel, 1003);
	assert_int_equal(sd.channel_count, 3);
	assert_int_equal(sd.channel_ids[0], 1004);
	assert_int_equal(sd.channel_ids[1], 1005);
	assert_int_equal(sd.channel_ids[2], 1006);
	assert_true(sd.has_security);
	assert_int_equal(sd.encryption_method, RDD_ENCRYPTION_METHOD_128BIT);
	assert_int_equal(sd.encryption_level,
	                 RDD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE);
	assert_int_equal(sd.server_random_len, 32);
	assert_int_equal(sd.server_cert_len, 184);
	assert_int_equal(sd.cert.kind, RDD_GCC_CERT_PROPRIETARY);
	assert_true(sd.cert.valid);
	assert_false(sd.cert.temporary);
	assert_int_equal(sd.cert.sig_alg_id, 1);
	assert_int_equal(sd.cert.key_alg_id, 1);
	assert_int_equal(sd.cert.rsa_keylen, 72);
	assert_int_equal(sd.cert.rsa_bitlen, 512);
	assert_int_equal(sd.cert.rsa_exponent, 65537);
	assert_int_equal(sd.cert.signature_len, 72);
	/* Signed with the Terminal Services key (session.md 3.1). */
	assert_int_equal(sd.cert.signature_ok, 1);
	assert_int_equal(sd.cert.n_certs, 1);
	assert_false(sd.has_msgchannel);
	assert_false(sd.has_multitransport);
	assert_int_equal(sd.n_other_blocks, 0);
}

/* RDP-003.pcap frame 8, serverRandom (shared/reference/session.md 3.1). */
static const uint8_t r3_server_random[32] = {
    0x77, 0x8e, 0x84, 0xed, 0x14, 0xed, 0xf1, 0x08, 0x3d, 0x36, 0x12,
    0x84, 0xc2, 0x8d, 0xcd, 0x52, 0xda, 0x72, 0x30, 0x1b, 0xe1, 0xdc,
    0x7f, 0xdf, 0x62, 0xac, 0xcd, 0x22, 0x66, 0x0b, 0x33, 0x72};

static void
test_parse_server_capture(void **state)
{
	const uint8_t *magic;
	struct rdd_gcc_server_data sd;
	struct rdd_cur in = cur(r3_sc, R3_SC_LEN);

	(void)state;
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_int_equal(rdd_cur_left(&in), 0);
	/* Windows 2000: SC_CORE holds the version only. */
	assert_int_equal(sd.core_length, 8);
	assert_int_equal(sd.version, RDD_RDP_VERSION_5_PLUS);
	assert_false(sd.has_client_requested_protocols);
	assert_int_equal(sd.io_channel, 1003);
	assert_int_equal(sd.channel_count, 3);
	assert_int_equal(sd.channel_ids[2], 1006);
	assert_int_equal(sd.encryption_method, RDD_ENCRYPTION_METHOD_56BIT);
	assert_int_equal(sd.encryption_level,
	                 RDD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE);
	assert_int_equal(sd.cert.kind, RDD_GCC_CERT_PROPRIETARY);
	assert_true(sd.cert.valid);
	assert_int_equal(sd.cert.rsa_bitlen, 512);
	/* session.md 3.1: the signature verifies (MD5 h 0561553e...). */
	assert_int_equal(sd.cert.signature_ok, 1);
	/* session.md 3.1: the server random of frame 8. */
	assert_int_equal(sd.server_random_len, 32);
	assert_memory_equal(sd.server_random, r3_server_random, 32);
	/* The key the client random is encrypted with: the 64 modulus
	 * bytes 20 bytes after the "RSA1" magic (keylen, bitlen, datalen,
	 * pubExp between), little-endian as sent, without the padding. */
	for (magic = r3_sc;
	     magic + 4 <= r3_sc + R3_SC_LEN && memcmp(magic, "RSA1", 4) != 0;
	     magic++)
		;
	assert_true(magic + 4 + 20 + 64 <= r3_sc + R3_SC_LEN);
	assert_true(sd.cert.has_rsa_key);
	assert_int_equal(sd.cert.key_exponent, 0x10001);
	assert_int_equal(sd.cert.key_modulus_len, 64);
	assert_memory_equal(sd.cert.key_modulus, magic + 20, 64);
}

/* Blocks built by hand: newest SC_CORE, message channel, multitransport,
 * an unknown block, Enhanced security, an odd channel count without pad. */
static void
test_parse_server_variants(void **state)
{
	static const uint8_t v[] = {
	    /* SC_CORE, 16 bytes: 10.7, requested 0x0b, flags 0x0f */
	    0x01,
	    0x0c,
	    0x10,
	    0x00,
	    0x0c,
	    0x00,
	    0x08,
	    0x00,
	    0x0b,
	    0x00,
	    0x00,
	    0x00,
	    0x0f,
	    0x00,
	    0x00,
	    0x00,
	    /* SC_SECURITY, Enhanced: 0 / 0 */
	    0x02,
	    0x0c,
	    0x0c,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    /* SC_NET: 1003, one channel 1004, no pad */
	    0x03,
	    0x0c,
	    0x0a,
	    0x00,
	    0xeb,
	    0x03,
	    0x01,
	    0x00,
	    0xec,
	    0x03,
	    /* unknown 0x0c99, 6 bytes */
	    0x99,
	    0x0c,
	    0x06,
	    0x00,
	    0xaa,
	    0xbb,
	    /* SC_MCS_MSGCHANNEL 1005 */
	    0x04,
	    0x0c,
	    0x06,
	    0x00,
	    0xed,
	    0x03,
	    /* SC_MULTITRANSPORT UDPFECR|UDP_PREFERRED|SOFTSYNC */
	    0x08,
	    0x0c,
	    0x08,
	    0x00,
	    0x01,
	    0x03,
	    0x00,
	    0x00,
	};
	struct rdd_gcc_server_data sd;
	struct rdd_cur in = cur(v, sizeof(v));
	char s[64];

	(void)state;
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_int_equal(sd.core_length, 16);
	assert_int_equal(sd.version, 0x0008000c);
	assert_string_equal(rdd_rdp_version_name(sd.version), "RDP 10.7");
	assert_true(sd.has_client_requested_protocols);
	assert_int_equal(sd.client_requested_protocols, 0x0b);
	assert_true(sd.has_early_capability_flags);
	assert_int_equal(sd.early_capability_flags, 0x0f);
	assert_true(sd.has_security);
	assert_int_equal(sd.encryption_method, 0);
	assert_int_equal(sd.encryption_level, 0);
	assert_int_equal(sd.cert.kind, RDD_GCC_CERT_NONE);
	assert_int_equal(sd.server_cert_len, 0);
	assert_int_equal(sd.channel_count, 1);
	assert_int_equal(sd.channel_ids[0], 1004);
	assert_int_equal(sd.n_other_blocks, 1);
	assert_true(sd.has_msgchannel);
	assert_int_equal(sd.msg_channel, 1005);
	assert_true(sd.has_multitransport);
	assert_int_equal(sd.multitransport_flags, 0x301);
	assert_string_equal(
	    rdd_multitransport_str(s, sizeof(s), sd.multitransport_flags),
	    "UDPFECR|UDP_PREFERRED|SOFTSYNC_TCP_TO_UDP");
}

/* SC_SECURITY with certificates that are not what they say. */
static void
test_parse_server_certificates(void **state)
{
	/* SC_SECURITY: 128-bit, High, random 4 bytes, certificate N bytes. */
	uint8_t v[128];
	struct rdd_gcc_server_data sd;
	struct rdd_cur in;
	size_t n;

	(void)state;
#define HEAD(certlen)                                                          \
	do {                                                                   \
		memset(v, 0, sizeof(v));                                       \
		v[0] = 0x02;                                                   \
		v[1] = 0x0c;                                                   \
		v[2] = (uint8_t)(4 + 8 + 8 + 4 + (certlen));                   \
		v[4] = 0x02;                                                   \
		v[8] = 0x03;                                                   \
		v[12] = 4;                                                     \
		v[16] = (uint8_t)(certlen);                                    \
		n = 24 + (certlen);                                            \
	} while (0)

	/* X.509 chain of one blob that is not DER: the chain parses, the
	 * leaf does not. Temporary (bit 31). */
	HEAD(4 + 4 + 4 + 3);
	v[24] = 0x02;
	v[27] = 0x80;
	v[28] = 1;
	v[32] = 3;
	v[36] = 0x30;
	v[37] = 0x05;
	in = cur(v, n);
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_int_equal(sd.server_random_len, 4);
	assert_int_equal(sd.cert.kind, RDD_GCC_CERT_X509);
	assert_true(sd.cert.temporary);
	assert_int_equal(sd.cert.version_raw, 0x80000002);
	assert_true(sd.cert.valid);
	assert_int_equal(sd.cert.n_certs, 1);
	assert_int_equal(sd.cert.cert_len[0], 3);
	assert_false(sd.cert.leaf_parsed);

	/* X.509 chain claiming two blobs, holding one: invalid. */
	v[28] = 2;
	in = cur(v, n);
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_int_equal(sd.cert.kind, RDD_GCC_CERT_X509);
	assert_false(sd.cert.valid);

	/* X.509 chain of zero blobs: invalid. */
	v[28] = 0;
	in = cur(v, n);
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_false(sd.cert.valid);

	/* Proprietary certificate without the RSA1 magic. */
	HEAD(4 + 4 + 4 + 2 + 2 + 20 + 2 + 2);
	v[24] = 0x01;
	v[28] = 1;
	v[32] = 1;
	v[36] = 6;
	v[38] = 20;
	memcpy(v + 40, "RSA2", 4);
	v[60] = 8;
	in = cur(v, n);
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_int_equal(sd.cert.kind, RDD_GCC_CERT_PROPRIETARY);
	assert_false(sd.cert.valid);
	/* With it, and a modulus length past the blob. */
	memcpy(v + 40, "RSA1", 4);
	in = cur(v, n);
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_true(sd.cert.valid);
	assert_int_equal(sd.cert.signature_len, 0);
	v[44] = 1; /* keylen 1, no modulus byte left */
	in = cur(v, n);
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_false(sd.cert.valid);

	/* Another dwVersion. */
	v[24] = 0x03;
	in = cur(v, n);
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_int_equal(sd.cert.kind, RDD_GCC_CERT_UNKNOWN);
	assert_int_equal(sd.cert.version_raw, 3);

	/* Level set, but nothing after it. */
	HEAD(0);
	v[2] = 12;
	in = cur(v, 12);
	assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
	assert_int_equal(sd.encryption_level, RDD_ENCRYPTION_LEVEL_HIGH);
	assert_int_equal(sd.cert.kind, RDD_GCC_CERT_NONE);
#undef HEAD
}

/*
 * The proprietary certificate's signature, checked when its structure
 * parses: RDP-003.pcap frame 8's is good; with one signature byte flipped
 * it is bad; not checked for X.509, another dwVersion or a broken
 * structure.
 */
static void
test_server_certificate_signature(void **state)
{
	/* The certificate closes the Connect-Response: 184 bytes, the
	 * signature at offset 112 in it. */
	const size_t at = R3_MCS_CR_LEN - 184;
	uint8_t v[184];
	struct rdd_gcc_server_cert cert;
	struct rdd_gcc_server_data sd;
	struct rdd_cur in;

	(void)state;
	memcpy(v, r3_mcs_cr + at, sizeof(v));
	in = cur(v, sizeof(v));
	assert_int_equal(rdd_gcc_parse_server_certificate(&in, &cert), 0);
	assert_int_equal(cert.kind, RDD_GCC_CERT_PROPRIETARY);
	assert_int_equal(cert.signature_ok, 1);
	assert_int_equal(rdd_cur_left(&in), 0);

	v[112 + 20] ^= 0x01;
	in = cur(v, sizeof(v));
	assert_int_equal(rdd_gcc_parse_server_certificate(&in, &cert), 0);
	assert_true(cert.valid);
	assert_int_equal(cert.signature_ok, 0);
	/* The same in the server blocks. */
	{
		uint8_t blocks[R3_SC_LEN];

		memcpy(blocks, r3_sc, sizeof(blocks));
		blocks[sizeof(blocks) - 184 + 112 + 20] ^= 0x01;
		in = cur(blocks, sizeof(blocks));
		assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), 0);
		assert_true(sd.cert.valid);
		assert_int_equal(sd.cert.signature_ok, 0);
	}
	/* A key byte flipped: the hash no longer matches. */
	memcpy(v, r3_mcs_cr + at, sizeof(v));
	v[40] ^= 0x80;
	in = cur(v, sizeof(v));
	assert_int_equal(rdd_gcc_parse_server_certificate(&in, &cert), 0);
	assert_int_equal(cert.signature_ok, 0);

	/* A structure cut short: not checked. */
	memcpy(v, r3_mcs_cr + at, sizeof(v));
	in = cur(v, 150);
	assert_int_equal(rdd_gcc_parse_server_certificate(&in, &cert), -1);
	assert_false(cert.valid);
	assert_int_equal(cert.signature_ok, -1);
	/* Another dwVersion: not checked. */
	v[0] = 0x03;
	in = cur(v, sizeof(v));
	(void)rdd_gcc_parse_server_certificate(&in, &cert);
	assert_int_equal(cert.kind, RDD_GCC_CERT_UNKNOWN);
	assert_int_equal(cert.signature_ok, -1);
	/* An X.509 chain (of one blob that is not DER): not checked. */
	{
		static const uint8_t x509[] = {0x02, 0, 0, 0, 1, 0,    0,
		                               0,    2, 0, 0, 0, 0x30, 0x00};

		in = cur(x509, sizeof(x509));
		assert_int_equal(rdd_gcc_parse_server_certificate(&in, &cert),
		                 0);
		assert_int_equal(cert.kind, RDD_GCC_CERT_X509);
		assert_int_equal(cert.signature_ok, -1);
	}
}

static void
test_parse_server_malformed(void **state)
{
	/* Offsets in spec_sc: SC_CORE length 2, SC_NET at 12 (length 14,
	 * count 18), SC_SECURITY at 28 (length 30, random length 40, cert
	 * length 44). */
	static const struct {
		const char *why;
		size_t off;
		uint8_t val;
	} t[] = {
	    {"SC_CORE length 3", 2, 0x03},
	    {"SC_CORE length 6, no version", 2, 0x06},
	    {"SC_NET past the data", 14, 0xff},
	    {"SC_NET count past the block", 18, 0x05},
	    {"SC_NET 7 bytes", 14, 0x07},
	    {"SC_SECURITY length past the data", 30, 0xed},
	    {"SC_SECURITY 11 bytes", 30, 0x0b},
	    {"serverRandom past the block", 40, 0xd9},
	    {"certificate past the block", 44, 0xb9},
	};
	uint8_t v[SPEC_SC_LEN];
	struct rdd_gcc_server_data sd, before;
	struct rdd_cur in;
	size_t i;

	(void)state;
	memset(&before, 0x5a, sizeof(before));
	for (i = 0; i < NELEM(t); i++) {
		memcpy(v, spec_sc, sizeof(v));
		v[t[i].off] = t[i].val;
		in = cur(v, sizeof(v));
		sd = before;
		if (rdd_gcc_parse_server_blocks(&in, &sd) != -1)
			fail_msg("accepted: %s", t[i].why);
		assert_ptr_equal(in.p, v);
		assert_int_equal(rdd_cur_left(&in), sizeof(v));
		assert_memory_equal(&sd, &before, sizeof(sd));
	}
	/* Short blocks of the small types. */
	{
		static const uint8_t msg5[] = {0x04, 0x0c, 0x05, 0x00, 0xed};
		static const uint8_t mt7[] = {0x08, 0x0c, 0x07, 0x00, 1, 0, 0};
		static const uint8_t half[] = {0x01, 0x0c};

		in = cur(msg5, sizeof(msg5));
		assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), -1);
		in = cur(mt7, sizeof(mt7));
		assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), -1);
		in = cur(half, sizeof(half));
		assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd), -1);
	}
}

static void
test_server_every_truncation(void **state)
{
	/* Block boundaries of the two vectors. */
	static const size_t spec_bounds[] = {0, 12, 28, 264};
	static const size_t r3_bounds[] = {0, 8, 24, 260};
	const uint8_t *v[] = {spec_sc, r3_sc};
	size_t len[] = {SPEC_SC_LEN, R3_SC_LEN};
	const size_t *bounds[] = {spec_bounds, r3_bounds};
	struct rdd_gcc_server_data sd;
	struct rdd_cur in;
	size_t i, n, k;
	bool boundary;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		for (n = 0; n < len[i]; n++) {
			boundary = false;
			for (k = 0; k < 4; k++)
				boundary = boundary || n == bounds[i][k];
			in = cur(v[i], n);
			assert_int_equal(rdd_gcc_parse_server_blocks(&in, &sd),
			                 boundary ? 0 : -1);
			assert_int_equal(rdd_cur_left(&in), boundary ? 0 : n);
		}
	}
}

/* ---- names ------------------------------------------------------------- */

static void
test_rdp_version_names(void **state)
{
	(void)state;
	assert_string_equal(rdd_rdp_version_name(0x00080001), "RDP 4.0");
	assert_string_equal(rdd_rdp_version_name(0x00080004), "RDP 5.0-8.1");
	assert_string_equal(rdd_rdp_version_name(0x00080005), "RDP 10.0");
	assert_string_equal(rdd_rdp_version_name(0x0008000a), "RDP 10.5");
	assert_string_equal(rdd_rdp_version_name(0x00080011), "RDP 10.12");
	assert_null(rdd_rdp_version_name(0x00080002));
	assert_null(rdd_rdp_version_name(0x00080012));
	assert_null(rdd_rdp_version_name(0));
	assert_null(rdd_rdp_version_name(0x00090004));
}

static void
test_encryption_names(void **state)
{
	char s[64];

	(void)state;
	assert_string_equal(rdd_encryption_method_name(0),
	                    "ENCRYPTION_METHOD_NONE");
	assert_string_equal(rdd_encryption_method_name(1),
	                    "ENCRYPTION_METHOD_40BIT");
	assert_string_equal(rdd_encryption_method_name(2),
	                    "ENCRYPTION_METHOD_128BIT");
	assert_string_equal(rdd_encryption_method_name(8),
	                    "ENCRYPTION_METHOD_56BIT");
	assert_string_equal(rdd_encryption_method_name(0x10),
	                    "ENCRYPTION_METHOD_FIPS");
	assert_null(rdd_encryption_method_name(3));
	assert_null(rdd_encryption_method_name(10)); /* Zeek's FIPS typo */
	assert_string_equal(rdd_encryption_method_desc(0), "none");
	assert_string_equal(rdd_encryption_method_desc(1), "40-bit RC4");
	assert_string_equal(rdd_encryption_method_desc(8), "56-bit RC4");
	assert_string_equal(rdd_encryption_method_desc(2), "128-bit RC4");
	assert_string_equal(rdd_encryption_method_desc(0x10), "FIPS 140-1");
	assert_null(rdd_encryption_method_desc(4));
	assert_string_equal(rdd_encryption_level_name(0),
	                    "ENCRYPTION_LEVEL_NONE");
	assert_string_equal(rdd_encryption_level_name(2),
	                    "ENCRYPTION_LEVEL_CLIENT_COMPATIBLE");
	assert_string_equal(rdd_encryption_level_name(4),
	                    "ENCRYPTION_LEVEL_FIPS");
	assert_null(rdd_encryption_level_name(5));
	assert_string_equal(rdd_encryption_level_desc(1), "Low");
	assert_string_equal(rdd_encryption_level_desc(2), "Client Compatible");
	assert_string_equal(rdd_encryption_level_desc(3), "High");
	assert_string_equal(rdd_encryption_level_desc(4), "FIPS Compliant");
	assert_null(rdd_encryption_level_desc(0xffffffff));
	assert_string_equal(rdd_encryption_methods_str(s, sizeof(s), 0x1b),
	                    "40BIT|56BIT|128BIT|FIPS");
	assert_string_equal(rdd_encryption_methods_str(s, sizeof(s), 0),
	                    "NONE");
	assert_string_equal(rdd_encryption_methods_str(s, sizeof(s), 0x104),
	                    "0x104");
	assert_string_equal(
	    rdd_encryption_methods_str(s, sizeof(s), 0x80000002),
	    "128BIT|0x80000000");
	assert_string_equal(rdd_multitransport_str(s, sizeof(s), 0), "none");
	assert_string_equal(rdd_multitransport_str(s, sizeof(s), 0x05),
	                    "UDPFECR|UDPFECL");
}

static void
test_flags_str_truncates(void **state)
{
	const char *full = "40BIT|56BIT|128BIT|FIPS";
	char s[32];
	size_t cap;

	(void)state;
	for (cap = 1; cap <= 24; cap++) {
		memset(s, 'Z', sizeof(s));
		rdd_encryption_methods_str(s, cap, 0x1b);
		assert_int_equal(strlen(s), cap - 1);
		assert_memory_equal(s, full, cap - 1);
		assert_int_equal(s[cap], 'Z');
	}
	s[0] = 'Z';
	assert_ptr_equal(rdd_encryption_methods_str(s, 0, 1), s);
	assert_int_equal(s[0], 'Z');
	assert_null(rdd_multitransport_str(NULL, 0, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_client_spec_example),
	    cmocka_unit_test(test_parse_client_spec_example),
	    cmocka_unit_test(test_parse_client_capture),
	    cmocka_unit_test(test_defaults_roundtrip),
	    cmocka_unit_test(test_write_client_refused),
	    cmocka_unit_test(test_parse_client_variants),
	    cmocka_unit_test(test_parse_client_malformed),
	    cmocka_unit_test(test_client_every_truncation),
	    cmocka_unit_test(test_parse_server_spec_example),
	    cmocka_unit_test(test_parse_server_capture),
	    cmocka_unit_test(test_parse_server_variants),
	    cmocka_unit_test(test_parse_server_certificates),
	    cmocka_unit_test(test_server_certificate_signature),
	    cmocka_unit_test(test_parse_server_malformed),
	    cmocka_unit_test(test_server_every_truncation),
	    cmocka_unit_test(test_rdp_version_names),
	    cmocka_unit_test(test_encryption_names),
	    cmocka_unit_test(test_flags_str_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
