/*
 * fuzz_session.c - libFuzzer target for the walk after MCS Connect
 * (lib/probe/session.c, session_lic.c, session_act.c over lib/wire's
 * domain, rdpsec, license, share and clientinfo), with the server played
 * by the fuzzer.
 *
 * Input:
 *   byte 0   options: bits 0-1 where to stop (mcs, licensing, activation,
 *            activation); bit 2 answer a licence challenge; bit 3
 *            standard RDP security (128-bit RC4, or FIPS with bit 4)
 *            against a small built-in RSA key, else TLS; bit 5 end with a
 *            reset rather than a close
 *   byte 1   chunking: 0 delivers the server bytes at once; otherwise
 *            seeds the sizes (1..64 bytes) and the time between chunks
 *   rest     the server's bytes, from the Attach User Confirm on
 * The walk must end, by the deadline at the latest, whatever comes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "probe/session.h"
#include "wire/gcc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0 1000000u
#define TIMEOUT 2000000u

/* A 512-bit modulus (little-endian) with exponent 65537: the Security
 * Exchange and the licence request need some RSA key; which one does not
 * matter to the fuzzer. */
static const uint8_t modulus[64] = {
    0x81, 0x9f, 0x3d, 0x72, 0x11, 0xc4, 0x5e, 0x2a, 0x99, 0x0b, 0xe7,
    0x43, 0x6d, 0xa1, 0x5c, 0x38, 0xf2, 0x8e, 0x17, 0x64, 0xbb, 0x20,
    0xd9, 0x4f, 0x35, 0x7a, 0xc6, 0x01, 0x9e, 0x53, 0x28, 0xe4, 0x7c,
    0x16, 0xab, 0x92, 0x3f, 0xd0, 0x68, 0x05, 0xfe, 0x41, 0xb7, 0x2c,
    0x89, 0x56, 0xe0, 0x1d, 0x73, 0xca, 0x3b, 0x94, 0x0f, 0x62, 0xdf,
    0x48, 0xa5, 0x1a, 0x7e, 0xc3, 0x30, 0x6b, 0x97, 0xd5};

static uint32_t
next_rand(uint32_t *s)
{
	/* xorshift32: deterministic chunking from one seed byte. */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Randomness that is the same on every run, so a finding replays. */
static int
fixed_random(void *ctx, uint8_t *out, size_t n)
{
	uint32_t *s = ctx;
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)next_rand(s);
	return 0;
}

/* Take what the walk sends; every byte is read (ASan checks them). */
static void
drain(struct rdd__session *s)
{
	const uint8_t *d;
	uint8_t sum = 0;
	size_t n, i;
	int rounds = 0;

	while ((n = rdd__session_pending(s, &d)) > 0 && rounds++ < 1000) {
		for (i = 0; i < n; i++)
			sum ^= d[i];
		rdd__session_sent(s, n);
	}
	(void)sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum rdd_phase stop[] = {
	    RDD_PHASE_MCS, RDD_PHASE_LICENSING, RDD_PHASE_ACTIVATION,
	    RDD_PHASE_ACTIVATION};
	struct rdd__session_config cfg;
	struct rdd_gcc_server_data sd;
	struct rdd_session_info info;
	struct rdd__session *s;
	uint8_t opt, chunking;
	uint32_t seed, rnd = 0x12345678;
	uint64_t now = T0;
	size_t off = 0, n;

	if (size < 2)
		return 0;
	opt = data[0];
	chunking = data[1];
	data += 2;
	size -= 2;

	memset(&sd, 0, sizeof(sd));
	sd.has_core = true;
	sd.has_net = true;
	sd.io_channel = 1003;
	sd.has_security = true;
	if (opt & 0x08) {
		sd.encryption_method = (opt & 0x10) ? 0x10 : 0x02;
		sd.encryption_level = 3;
		sd.server_random_len = 32;
		memset(sd.server_random, 0x5a, sizeof(sd.server_random));
		sd.cert.kind = RDD_GCC_CERT_PROPRIETARY;
		sd.cert.valid = true;
		sd.cert.has_rsa_key = true;
		sd.cert.key_exponent = 65537;
		sd.cert.key_modulus_len = sizeof(modulus);
		memcpy(sd.cert.key_modulus, modulus, sizeof(modulus));
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.selected_protocol = (opt & 0x08) ? 0x00 : 0x01;
	cfg.server = &sd;
	cfg.stop_after = stop[opt & 0x03];
	cfg.licensing_full = (opt & 0x04) != 0;
	cfg.address_family = 2;
	cfg.client_address = "192.0.2.20";
	cfg.timeout_us = TIMEOUT;
	cfg.label = "A";
	cfg.random = fixed_random;
	cfg.random_ctx = &rnd;
	s = rdd__session_new(&cfg, &info);
	if (s == NULL)
		return 0;
	rdd__session_start(s, now);
	drain(s);
	seed = 0x9e3779b9u ^ chunking;
	while (off < size && !rdd__session_done(s)) {
		n = chunking == 0 ? size - off : 1 + next_rand(&seed) % 64;
		if (n > size - off)
			n = size - off;
		rdd__session_recv(s, data + off, n, now);
		drain(s);
		off += n;
		if (chunking != 0)
			now += next_rand(&seed) % 1000;
	}
	/* Past the deadline, or the peer gone: either ends the walk. */
	if (!rdd__session_done(s)) {
		if (rdd__session_deadline(s) != UINT64_MAX)
			rdd__session_tick(s, rdd__session_deadline(s));
		else
			rdd__session_peer_closed(s, (opt & 0x20) != 0, now);
	}
	drain(s);
	if (!rdd__session_done(s))
		__builtin_trap(); /* a walk that does not end */
	rdd__session_free(s);
	return 0;
}
