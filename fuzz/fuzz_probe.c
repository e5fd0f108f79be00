/*
 * fuzz_probe.c - libFuzzer target for a whole probe (lib/probe/probe.c and
 * tls.c over lib/wire): the X.224 negotiation, the TLS handshake and the
 * MCS Connect-Initial / Connect-Response with the server played by the
 * fuzzer.
 *
 * Input:
 *   byte 0   options: bits 0-1 pick requestedProtocols (0x0B, 0x01, 0x00,
 *            0x03); bit 2 TLS upgrade; bit 3 cookie; bit 4 IP literal as
 *            server name; bit 5 end with a reset rather than a close;
 *            bit 6 partial sends; bit 7 MCS Connect-Initial when RDP
 *            (or SSL, after TLS) is selected
 *   byte 1   chunking: 0 delivers the server bytes at once; otherwise
 *            seeds the sizes (1..64 bytes) and the time between chunks
 *   rest     the server's bytes
 * Pending output is drained after every step, time only moves forward,
 * and the run ends with a tick past the deadline, a close, and free.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rdpdoctor/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0 1000000u
#define TIMEOUT 2000000u

static const uint32_t requested[] = {0x0B, 0x01, 0x00, 0x03};

static uint32_t
next_rand(uint32_t *s)
{
	/* xorshift32: deterministic chunking from one seed byte. */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Send what the probe has, as a driver would; returns a checksum of the
 * bytes so that every one of them is read (ASan checks they are valid). */
static uint8_t
drain(struct rdd_probe *p, bool partial)
{
	const uint8_t *d;
	uint8_t sum = 0;
	size_t n, i;
	int rounds = 0;

	while ((n = rdd_probe_pending(p, &d)) > 0 && rounds++ < 1000) {
		if (d == NULL)
			__builtin_trap();
		for (i = 0; i < n; i++)
			sum ^= d[i];
		rdd_probe_sent(p, partial && n > 1 ? n / 2 : n);
	}
	return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_probe_config cfg;
	struct rdd_attempt attempt;
	struct rdd_tls_info tls;
	struct rdd_probe *p;
	uint8_t opt, chunking;
	uint32_t seed;
	uint64_t now = T0 + 1000;
	size_t off = 0, n;
	bool partial;

	if (size < 2)
		return 0;
	opt = data[0];
	chunking = data[1];
	data += 2;
	size -= 2;
	partial = (opt & 0x40) != 0;

	memset(&cfg, 0, sizeof(cfg));
	memset(&attempt, 0, sizeof(attempt));
	memset(&tls, 0, sizeof(tls));
	memcpy(attempt.label, "F", 2);
	cfg.requested_protocols = requested[opt & 3];
	cfg.tls = (opt & 0x04) != 0;
	cfg.cookie = (opt & 0x08) != 0 ? "fuzzer" : NULL;
	cfg.server_name = (opt & 0x10) != 0 ? "192.0.2.7" : "rdp.example.test";
	cfg.phase_timeout_us = TIMEOUT;
	cfg.t0_us = T0;
	cfg.mcs = (opt & 0x80) != 0;
	cfg.encryption_methods = 0x1b;

	p = rdd_probe_new(&cfg, &attempt, &tls);
	if (p == NULL)
		return 0;
	rdd_probe_start(p, now);
	(void)drain(p, partial);
	seed = 0x9e3779b9u ^ chunking;
	while (off < size && !rdd_probe_done(p)) {
		if (chunking == 0) {
			n = size - off;
		} else {
			n = 1 + next_rand(&seed) % 64;
			if (n > size - off)
				n = size - off;
			now += next_rand(&seed) % 50000; /* up to 50 ms */
		}
		rdd_probe_recv(p, data + off, n, now);
		off += n;
		(void)drain(p, partial);
		rdd_probe_tick(p, now);
		(void)drain(p, partial);
	}
	if (!rdd_probe_done(p)) {
		uint64_t dl = rdd_probe_deadline(p);

		rdd_probe_tick(p, dl != UINT64_MAX ? dl : now + TIMEOUT);
		(void)drain(p, partial);
	}
	rdd_probe_peer_closed(p, (opt & 0x20) != 0, now + TIMEOUT + 1);
	(void)drain(p, partial);
	if (!rdd_probe_done(p))
		__builtin_trap(); /* every path must end */
	if (attempt.n_first_bytes > sizeof(attempt.first_bytes))
		__builtin_trap();
	rdd_probe_free(p);
	return 0;
}
