/*
 * test_mcsphase.c - lib/probe/mcsphase.c and the MCS phase of
 * lib/probe/probe.c.
 *
 * mcsphase.c: the Connect-Initial rdpdoctor sends (read back with the
 * wire parser) and what answers say: the Connect-Response of Windows
 * Server 2003 (rdp-proprietary-encryption.pcap, frame 15), one of a TLS
 * server (Enhanced RDP Security, RDP 10.7), a refusal, a Disconnect
 * Provider Ultimatum ([MS-RDPBCGR] 2.2.2.3), an X.224 Disconnect Request,
 * and a PDU that is none of these.
 *
 * probe.c: whole probes with scripted server bytes after a Connection
 * Confirm selecting standard RDP security ([MS-RDPBCGR] 4.1.2) or none
 * (pre-Vista), and against an OpenSSL server running in the test over
 * memory BIOs after one selecting SSL: answers at once, byte by byte,
 * together with the Connection Confirm; refusals, close, reset, timeout,
 * answers that are not TPKT; and the connections that must not do MCS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "probe/mcsphase.h"
#include "rdpdoctor/probe.h"
#include "wire/tpkt.h"

#include "../wire/capture_vectors.h"
#include "probe_harness.h"

#define T0 1000000u
#define TIMEOUT 5000000u
#define STEP 1000u

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* pe_cr: tests/unit/wire/capture_vectors.c */

/* A server that selected SSL: SC_CORE of 16 bytes (RDP 10.7, requested
 * 0x0b, no early capabilities), SC_SECURITY 0/0 (Enhanced RDP Security),
 * SC_NET with the I/O channel only. Built by hand. */
static const uint8_t tls_cr[] = {
    0x03, 0x00, 0x00, 0x68, 0x02, 0xf0, 0x80, 0x7f, 0x66, 0x5e, 0x0a, 0x01,
    0x00, 0x02, 0x01, 0x00, 0x30, 0x1a, 0x02, 0x01, 0x22, 0x02, 0x01, 0x03,
    0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01,
    0x02, 0x03, 0x00, 0xff, 0xf8, 0x02, 0x01, 0x02, 0x04, 0x3a, 0x00, 0x05,
    0x00, 0x14, 0x7c, 0x00, 0x01, 0x2a, 0x14, 0x76, 0x0a, 0x01, 0x01, 0x00,
    0x01, 0xc0, 0x00, 0x4d, 0x63, 0x44, 0x6e, 0x24, 0x01, 0x0c, 0x10, 0x00,
    0x0c, 0x00, 0x08, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x0c, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x03, 0x0c, 0x08, 0x00, 0xeb, 0x03, 0x00, 0x00,
};

/* Connect-Response with only a result: rt-unspecified-failure, as
 * [MS-RDPBCGR] 3.3.5.3.3.1 allows. */
static const uint8_t refused_cr[] = {
    0x03, 0x00, 0x00, 0x0d, 0x02, 0xf0, 0x80,
    0x7f, 0x66, 0x03, 0x0a, 0x01, 0x0e,
};

/* [MS-RDPBCGR] 2.2.2.3: MCS Disconnect Provider Ultimatum,
 * rn-user-requested. */
static const uint8_t dpum[] = {
    0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0x21, 0x80,
};

/* X.224 Disconnect Request. */
static const uint8_t x224_dr[] = {
    0x03, 0x00, 0x00, 0x0b, 0x06, 0x80, 0x00, 0x00, 0x12, 0x34, 0x00,
};

/* MCS Attach User Confirm: an X.224 Data PDU, not an answer to this. */
/* rdp-proprietary-encryption.pcap, frame 19, server -> client, 11 bytes
 * (10.226.24.52:3389 -> 172.21.128.16:1312). */
static const uint8_t aucf[] = {
    0x03, 0x00, 0x00, 0x0b, 0x02, 0xf0, 0x80, 0x2e, 0x00, 0x00, 0x07,
};

/* [MS-RDPBCGR] 4.1.2: Connection Confirm selecting PROTOCOL_RDP. */
static const uint8_t cc_rdp[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Connection Confirm without rdpNegData (Windows 2000 / XP / 2003). */
static const uint8_t cc_legacy[] = {
    0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
};

/* Connection Confirm selecting SSL, flags 0x1f. */
static const uint8_t cc_ssl[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x1f, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
};

/* Connection Confirm selecting HYBRID. */
static const uint8_t cc_hybrid[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x01, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00,
};

/* The payload of one whole PDU. */
static void
payload_of(const uint8_t *pdu, size_t len, const uint8_t **p, size_t *n)
{
	struct rdd_cur payload;
	size_t pdu_len = 0;

	assert_int_equal(rdd_tpkt_frame(pdu, len, &pdu_len, &payload),
	                 RDD_TPKT_OK);
	assert_int_equal(pdu_len, len);
	*p = payload.p;
	*n = payload.len;
}

static void
fresh(struct rdd_mcs_info *mi)
{
	memset(mi, 0, sizeof(*mi));
	mi->result = -1;
	mi->disconnect_reason = -1;
}

static enum rdd_mcs_outcome
answer(const uint8_t *pdu, size_t len, struct rdd_mcs_info *mi)
{
	const uint8_t *p;
	size_t n;

	payload_of(pdu, len, &p, &n);
	fresh(mi);
	return rdd__mcs_answer(p, n, mi);
}

/* ---- mcsphase.c ------------------------------------------------------ */

static void
test_request(void **state)
{
	static const uint32_t selected[] = {0, 1};
	static const uint32_t methods[] = {0x01, 0x02, 0x08, 0x10, 0x1b};
	struct rdd_mcs_connect_initial ci;
	uint8_t buf[RDD_MCS_REQUEST_MAX];
	const uint8_t *p;
	struct rdd_cur in;
	size_t i, k, n, len;

	(void)state;
	for (i = 0; i < NELEM(selected); i++) {
		for (k = 0; k < NELEM(methods); k++) {
			n = rdd__mcs_request(buf, sizeof(buf), selected[i],
			                     methods[k]);
			assert_int_equal(n, 372);
			payload_of(buf, n, &p, &len);
			rdd_cur_init(&in, p, len);
			assert_int_equal(
			    rdd_mcs_parse_connect_initial(&in, &ci), 0);
			assert_true(
			    ci.client.core.has_server_selected_protocol);
			assert_int_equal(
			    ci.client.core.server_selected_protocol,
			    selected[i]);
			assert_int_equal(ci.client.core.early_capability_flags,
			                 0x0001); /* SUPPORT_ERRINFO_PDU */
			assert_int_equal(ci.client.encryption_methods,
			                 methods[k]);
			assert_true(ci.client.has_cluster);
			assert_false(ci.client.has_net);
		}
	}
	assert_int_equal(rdd__mcs_request(buf, 371, 0, 0x1b), 0);
}

/* --channels: CS_NET with the names, each CHANNEL_OPTION_INITIALIZED. */
static void
test_request_channels(void **state)
{
	static const char *const names[] = {"rdpdr", "cliprdr", "rdpsnd"};
	static const char *const too_long[] = {"rdpdr", "longname"};
	struct rdd_mcs_connect_initial ci;
	uint8_t buf[RDD_MCS_REQUEST_MAX];
	const uint8_t *p;
	struct rdd_cur in;
	size_t n, len;

	(void)state;
	n = rdd__mcs_request_channels(buf, sizeof(buf), 1, 0x1b, names, 3);
	assert_int_equal(n, 372 + 8 + 3 * 12);
	payload_of(buf, n, &p, &len);
	rdd_cur_init(&in, p, len);
	assert_int_equal(rdd_mcs_parse_connect_initial(&in, &ci), 0);
	assert_true(ci.client.has_net);
	assert_int_equal(ci.client.channel_count, 3);
	assert_string_equal(ci.client.channels[1].name, "cliprdr");
	assert_int_equal(ci.client.channels[2].options, 0x80000000u);
	assert_int_equal(
	    rdd__mcs_request_channels(buf, sizeof(buf), 1, 0x1b, too_long, 2),
	    0);
	assert_int_equal(
	    rdd__mcs_request_channels(buf, sizeof(buf), 1, 0x1b, names, 32), 0);
}

static void
test_answer_proprietary(void **state)
{
	struct rdd_mcs_info mi;
	const struct rdd_server_certificate *c = &mi.server_certificate;

	(void)state;
	assert_int_equal(answer(pe_cr, sizeof(pe_cr), &mi), RDD_MCS_OK);
	assert_int_equal(mi.result, 0);
	assert_int_equal(mi.disconnect_reason, -1);
	assert_true(mi.has_core);
	assert_int_equal(mi.server_version_raw, 0x00080004);
	assert_string_equal(mi.rdp_version, "RDP 5.0-8.1");
	assert_int_equal(mi.core_length, 12);
	assert_true(mi.has_client_requested_protocols);
	assert_int_equal(mi.client_requested_protocols, 0);
	assert_true(mi.has_security);
	assert_int_equal(mi.encryption_method, 0x02);
	assert_int_equal(mi.encryption_level, 3);
	assert_int_equal(mi.server_random_len, 32);
	assert_int_equal(c->kind, RDD_SERVER_CERT_PROPRIETARY);
	assert_true(c->valid);
	assert_false(c->temporary);
	assert_int_equal(c->rsa_bits, 512);
	assert_int_equal(c->rsa_exponent, 65537);
	assert_int_equal(c->signature_len, 72);
	assert_int_equal(c->n_certs, 1);
	assert_true(mi.has_net);
	assert_int_equal(mi.io_channel, 1003);
	assert_int_equal(mi.channel_count, 4);
	assert_false(mi.has_multitransport);
	assert_string_equal(mi.detail,
	                    "Connect-Response rt-successful; RDP 5.0-8.1 "
	                    "(0x00080004); 128-bit RC4, level High, "
	                    "proprietary certificate (RSA 512 bits)");
}

static void
test_answer_enhanced(void **state)
{
	struct rdd_mcs_info mi;

	(void)state;
	assert_int_equal(answer(tls_cr, sizeof(tls_cr), &mi), RDD_MCS_OK);
	assert_int_equal(mi.result, 0);
	assert_string_equal(mi.rdp_version, "RDP 10.7");
	assert_int_equal(mi.core_length, 16);
	assert_int_equal(mi.client_requested_protocols, 0x0b);
	assert_true(mi.has_early_capability_flags);
	assert_int_equal(mi.early_capability_flags, 0);
	assert_int_equal(mi.encryption_method, 0);
	assert_int_equal(mi.encryption_level, 0);
	assert_int_equal(mi.server_certificate.kind, RDD_SERVER_CERT_NONE);
	assert_int_equal(mi.channel_count, 0);
	assert_string_equal(mi.detail,
	                    "Connect-Response rt-successful; RDP 10.7 "
	                    "(0x0008000c); no RDP encryption (Enhanced RDP "
	                    "Security)");
}

static void
test_answer_refusals(void **state)
{
	struct rdd_mcs_info mi;

	(void)state;
	assert_int_equal(answer(refused_cr, sizeof(refused_cr), &mi),
	                 RDD_MCS_OK);
	assert_int_equal(mi.result, 14);
	assert_false(mi.has_core);
	assert_false(mi.has_security);
	assert_string_equal(mi.detail,
	                    "Connect-Response rt-unspecified-failure (14)");

	assert_int_equal(answer(dpum, sizeof(dpum), &mi), RDD_MCS_DISCONNECTED);
	assert_int_equal(mi.result, -1);
	assert_int_equal(mi.disconnect_reason, 3);
	assert_string_equal(mi.detail, "MCS Disconnect Provider Ultimatum "
	                               "rn-user-requested (3) instead of a "
	                               "Connect-Response");

	assert_int_equal(answer(x224_dr, sizeof(x224_dr), &mi),
	                 RDD_MCS_DISCONNECTED);
	assert_int_equal(mi.disconnect_reason, -1);
	assert_string_equal(mi.detail, "X.224 Disconnect Request instead of "
	                               "a Connect-Response");

	assert_int_equal(answer(aucf, sizeof(aucf), &mi), RDD_MCS_MALFORMED);
	assert_int_equal(mi.result, -1);
	assert_string_equal(mi.detail,
	                    "a TPKT of 11 bytes that is not an MCS "
	                    "Connect-Response (payload 02 f0 80 2e 00 00 07)");
	/* Every cut of the Connect-Response is malformed, never OK. */
	{
		const uint8_t *p;
		size_t n, k;

		payload_of(pe_cr, sizeof(pe_cr), &p, &n);
		for (k = 0; k < n; k++) {
			fresh(&mi);
			assert_int_equal(rdd__mcs_answer(p, k, &mi),
			                 RDD_MCS_MALFORMED);
		}
	}
}

/* ---- the probe: standard RDP security -------------------------------- */

struct fx {
	struct rdd_probe_config cfg;
	struct rdd_attempt a;
	struct rdd_mcs_info mi;
	struct trace_log log;
	struct rdd_probe *p;
	uint64_t now;
	uint8_t ci[RDD_MCS_REQUEST_MAX]; /* the Connect-Initial sent */
	size_t ci_len;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->a.label, sizeof(f->a.label), "C");
	f->a.tcp = RDD_TCP_OK;
	f->cfg.requested_protocols = 0x00;
	f->cfg.server_name = "rdp.example.test";
	f->cfg.phase_timeout_us = TIMEOUT;
	f->cfg.t0_us = T0;
	f->cfg.trace = trace_collect;
	f->cfg.trace_ctx = &f->log;
	f->cfg.mcs = true;
	f->cfg.encryption_methods = 0x1b;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	rdd_probe_free(f->p);
	free(f);
	return 0;
}

/* Start the probe, send the CR, deliver CC; take the Connect-Initial if
 * one is pending. */
static void
begin(struct fx *f, const uint8_t *cc, size_t cc_len, bool record)
{
	const uint8_t *d;
	size_t n;

	f->p = rdd_probe_new(&f->cfg, &f->a, NULL);
	assert_non_null(f->p);
	if (record)
		rdd_probe_set_mcs_record(f->p, &f->mi);
	f->now = T0 + STEP;
	rdd_probe_start(f->p, f->now);
	n = rdd_probe_pending(f->p, &d);
	assert_int_equal(n, 19);
	rdd_probe_sent(f->p, n);
	f->now += STEP;
	rdd_probe_recv(f->p, cc, cc_len, f->now);
	n = rdd_probe_pending(f->p, &d);
	if (n > 0) {
		assert_true(n <= sizeof(f->ci));
		memcpy(f->ci, d, n);
		f->ci_len = n;
		rdd_probe_sent(f->p, n);
	}
}

static void
assert_ci(const struct fx *f, uint32_t selected, uint32_t methods)
{
	struct rdd_mcs_connect_initial ci;
	const uint8_t *p;
	struct rdd_cur in;
	size_t n;

	assert_int_equal(f->ci_len, 372);
	payload_of(f->ci, f->ci_len, &p, &n);
	rdd_cur_init(&in, p, n);
	assert_int_equal(rdd_mcs_parse_connect_initial(&in, &ci), 0);
	assert_int_equal(ci.client.core.server_selected_protocol, selected);
	assert_int_equal(ci.client.encryption_methods, methods);
}

static void
assert_pe_facts(const struct fx *f)
{
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(rdd_probe_deadline(f->p), UINT64_MAX);
	assert_int_equal(f->a.mcs, RDD_MCS_OK);
	assert_int_equal(f->a.mcs_result, 0);
	assert_int_equal(f->a.mcs_encryption_method, 0x02);
	assert_int_equal(f->a.mcs_encryption_level, 3);
	assert_true(f->a.mcs_start_ms == (double)(2 * STEP) / 1000.0);
	assert_true(f->a.mcs_ms == (double)(f->now - T0 - 2 * STEP) / 1000.0);
	assert_string_equal(f->a.mcs_detail, f->mi.detail);
	assert_int_equal(f->mi.outcome, RDD_MCS_OK);
	assert_string_equal(f->mi.attempt, "C");
	assert_int_equal(f->mi.selected_protocol, 0);
	assert_int_equal(f->mi.encryption_methods, 0x1b);
	assert_string_equal(f->mi.rdp_version, "RDP 5.0-8.1");
	assert_int_equal(f->mi.server_certificate.rsa_bits, 512);
	assert_true(f->mi.start_ms == f->a.mcs_start_ms);
	assert_true(f->mi.ms == f->a.mcs_ms);
}

static void
test_probe_rdp_selected(void **state)
{
	struct fx *f = *state;

	begin(f, cc_rdp, sizeof(cc_rdp), true);
	assert_int_equal(f->a.x224, RDD_X224_RSP);
	assert_true(f->a.mcs_wanted);
	assert_int_equal(f->a.encryption_methods, 0x1b);
	assert_ci(f, 0, 0x1b);
	assert_false(rdd_probe_done(f->p));
	assert_int_equal(rdd_probe_deadline(f->p), T0 + 2 * STEP + TIMEOUT);
	assert_true(trace_has(&f->log,
	                      "-> MCS Connect-Initial, "
	                      "serverSelectedProtocol RDP, "
	                      "encryptionMethods "
	                      "40BIT|56BIT|128BIT|FIPS (0x1b), 372 bytes"));
	f->now += STEP;
	rdd_probe_recv(f->p, pe_cr, sizeof(pe_cr), f->now);
	assert_pe_facts(f);
	assert_true(trace_has(&f->log, "<- MCS ok: Connect-Response "
	                               "rt-successful"));
}

static void
test_probe_legacy(void **state)
{
	struct fx *f = *state;

	begin(f, cc_legacy, sizeof(cc_legacy), true);
	assert_int_equal(f->a.x224, RDD_X224_NO_NEG_DATA);
	assert_ci(f, 0, 0x1b);
	f->now += STEP;
	rdd_probe_recv(f->p, pe_cr, sizeof(pe_cr), f->now);
	assert_pe_facts(f);
}

/* The answer one byte at a time; then with the Connection Confirm in one
 * read (the probe has queued its Connect-Initial by then). */
static void
test_probe_trickled_and_joined(void **state)
{
	struct fx *f = *state;
	uint8_t both[sizeof(cc_rdp) + sizeof(pe_cr)];
	size_t i;

	begin(f, cc_rdp, sizeof(cc_rdp), true);
	for (i = 0; i < sizeof(pe_cr); i++) {
		assert_false(rdd_probe_done(f->p));
		if (i + 1 == sizeof(pe_cr))
			f->now += STEP;
		rdd_probe_recv(f->p, pe_cr + i, 1, f->now);
	}
	assert_pe_facts(f);
	rdd_probe_free(f->p);
	f->p = NULL;

	memcpy(both, cc_rdp, sizeof(cc_rdp));
	memcpy(both + sizeof(cc_rdp), pe_cr, sizeof(pe_cr));
	memset(&f->mi, 0, sizeof(f->mi));
	begin(f, both, sizeof(both), true);
	assert_ci(f, 0, 0x1b);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.mcs, RDD_MCS_OK);
	assert_int_equal(f->mi.encryption_level, 3);
}

static void
test_probe_refusals(void **state)
{
	static const struct {
		const uint8_t *p;
		size_t n;
		enum rdd_mcs_outcome want;
		int result;
		int reason;
	} t[] = {
	    {refused_cr, sizeof(refused_cr), RDD_MCS_OK, 14, -1},
	    {dpum, sizeof(dpum), RDD_MCS_DISCONNECTED, -1, 3},
	    {x224_dr, sizeof(x224_dr), RDD_MCS_DISCONNECTED, -1, -1},
	    {aucf, sizeof(aucf), RDD_MCS_MALFORMED, -1, -1},
	    {(const uint8_t *)"HTTP/1.1 400 Bad Request\r\n", 26,
	     RDD_MCS_MALFORMED, -1, -1},
	};
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		rdd_probe_free(f->p);
		memset(&f->mi, 0, sizeof(f->mi));
		begin(f, cc_rdp, sizeof(cc_rdp), true);
		f->now += STEP;
		rdd_probe_recv(f->p, t[i].p, t[i].n, f->now);
		assert_true(rdd_probe_done(f->p));
		assert_int_equal(f->a.mcs, t[i].want);
		assert_int_equal(f->a.mcs_result, t[i].result);
		assert_int_equal(f->mi.result, t[i].result);
		assert_int_equal(f->mi.disconnect_reason, t[i].reason);
		assert_int_equal(f->mi.outcome, t[i].want);
	}
	assert_string_equal(f->a.mcs_detail,
	                    "the answer to the Connect-Initial is not a TPKT "
	                    "(HTTP response: HTTP/1.1 400 Bad Request)");
}

static void
test_probe_close_reset_timeout(void **state)
{
	struct fx *f = *state;
	size_t cut;

	for (cut = 0; cut < sizeof(pe_cr); cut += 37) {
		rdd_probe_free(f->p);
		begin(f, cc_rdp, sizeof(cc_rdp), true);
		if (cut > 0)
			rdd_probe_recv(f->p, pe_cr, cut, f->now);
		assert_false(rdd_probe_done(f->p));
		rdd_probe_peer_closed(f->p, cut % 2 == 1, f->now + STEP);
		assert_true(rdd_probe_done(f->p));
		assert_int_equal(f->a.mcs,
		                 cut % 2 == 1 ? RDD_MCS_RESET : RDD_MCS_CLOSED);
		assert_int_equal(f->a.mcs_result, -1);
	}
	assert_string_equal(f->a.mcs_detail,
	                    "connection reset by the server after the "
	                    "Connect-Initial (333 bytes of an answer)");

	rdd_probe_free(f->p);
	begin(f, cc_rdp, sizeof(cc_rdp), true);
	rdd_probe_recv(f->p, pe_cr, 10, f->now);
	rdd_probe_tick(f->p, f->now + TIMEOUT - 1);
	assert_false(rdd_probe_done(f->p));
	rdd_probe_tick(f->p, f->now + TIMEOUT);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.mcs, RDD_MCS_TIMEOUT);
	assert_true(f->a.mcs_ms == TIMEOUT / 1000.0);
	assert_string_equal(f->a.mcs_detail,
	                    "no Connect-Response within 5.0 s (10 bytes of an "
	                    "answer)");
}

/* No MCS: not asked, or a selection that is not RDP (without TLS). */
static void
test_probe_no_mcs(void **state)
{
	static const struct {
		const uint8_t *cc;
		size_t n;
		bool mcs;
	} t[] = {
	    {cc_rdp, sizeof(cc_rdp), false},
	    {cc_legacy, sizeof(cc_legacy), false},
	    {cc_ssl, sizeof(cc_ssl), true},
	    {cc_hybrid, sizeof(cc_hybrid), true},
	};
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		rdd_probe_free(f->p);
		f->ci_len = 0;
		f->cfg.mcs = t[i].mcs;
		memset(&f->mi, 0, sizeof(f->mi));
		begin(f, t[i].cc, t[i].n, true);
		assert_true(rdd_probe_done(f->p));
		assert_int_equal(f->ci_len, 0);
		assert_int_equal(f->a.mcs, RDD_MCS_NOT_RUN);
		assert_int_equal(f->a.mcs_result, -1);
		assert_int_equal(f->a.mcs_wanted, t[i].mcs);
		assert_int_equal(f->mi.outcome, RDD_MCS_NOT_RUN);
	}
}

/* Without a record the attempt still holds the outcome. */
static void
test_probe_without_record(void **state)
{
	struct fx *f = *state;

	f->cfg.encryption_methods = 0x01;
	begin(f, cc_rdp, sizeof(cc_rdp), false);
	assert_ci(f, 0, 0x01);
	f->now += STEP;
	rdd_probe_recv(f->p, pe_cr, sizeof(pe_cr), f->now);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.mcs, RDD_MCS_OK);
	assert_int_equal(f->a.mcs_encryption_method, 0x02);
	assert_int_equal(f->a.encryption_methods, 0x01);
	assert_int_equal(f->mi.outcome, RDD_MCS_NOT_RUN);
}

/* ---- the probe: SSL, then MCS inside TLS ----------------------------- */

static EVP_PKEY *key;
static X509 *cert;

static int
group_setup(void **state)
{
	(void)state;
	return self_signed("tls.example.test", 9, &key, &cert);
}

static int
group_teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(key);
	X509_free(cert);
	return 0;
}

struct run {
	struct rdd_probe_config cfg;
	struct rdd_attempt a;
	struct rdd_tls_info tls;
	struct rdd_mcs_info mi;
	struct trace_log log;
	struct rdd_probe *p;
	struct tls_peer s;
	uint64_t now;
	uint8_t ci[2048]; /* the Connect-Initial the server read */
	size_t ci_len;
};

/* The server's bytes to the probe, one step later. */
static void
to_probe(struct run *r, size_t chunk)
{
	r->now += STEP;
	tls_peer_to_probe(&r->s, r->p, r->now, chunk);
}

/* Through X.224 (SSL selected) and TLS until the server has read the
 * Connect-Initial. */
static void
tls_start(struct run *r)
{
	const uint8_t *d;
	size_t n;
	int got;

	memset(r, 0, sizeof(*r));
	snprintf(r->a.label, sizeof(r->a.label), "A");
	r->cfg.requested_protocols = 0x0B;
	r->cfg.tls = true;
	r->cfg.credssp = true; /* not used: SSL was selected */
	r->cfg.mcs = true;
	r->cfg.encryption_methods = 0x1b;
	r->cfg.server_name = "tls.example.test";
	r->cfg.phase_timeout_us = TIMEOUT;
	r->cfg.t0_us = T0;
	r->cfg.trace = trace_collect;
	r->cfg.trace_ctx = &r->log;
	tls_peer_init(&r->s, cert, key, 0);

	r->p = rdd_probe_new(&r->cfg, &r->a, &r->tls);
	assert_non_null(r->p);
	rdd_probe_set_mcs_record(r->p, &r->mi);
	r->now = T0 + STEP;
	rdd_probe_start(r->p, r->now);
	n = rdd_probe_pending(r->p, &d);
	rdd_probe_sent(r->p, n);
	r->now += STEP;
	rdd_probe_recv(r->p, cc_ssl, sizeof(cc_ssl), r->now);
	tls_peer_handshake(&r->s, r->p, &r->a, &r->now, STEP);
	assert_int_equal(r->a.tls, RDD_TLS_OK);
	got = SSL_read(r->s.ssl, r->ci, sizeof(r->ci));
	ERR_clear_error();
	assert_true(got > 0);
	r->ci_len = (size_t)got;
}

static void
tls_free(struct run *r)
{
	rdd_probe_free(r->p);
	tls_peer_free(&r->s);
}

static void
test_probe_ssl_then_mcs(void **state)
{
	struct rdd_mcs_connect_initial ci;
	struct run r;
	const uint8_t *p;
	struct rdd_cur in;
	size_t n, chunk;

	(void)state;
	for (chunk = 0; chunk < 3; chunk++) {
		tls_start(&r);
		payload_of(r.ci, r.ci_len, &p, &n);
		rdd_cur_init(&in, p, n);
		assert_int_equal(rdd_mcs_parse_connect_initial(&in, &ci), 0);
		assert_int_equal(ci.client.core.server_selected_protocol, 1);
		assert_true(trace_has(&r.log, "-> MCS Connect-Initial, "
		                              "serverSelectedProtocol SSL"));
		assert_false(rdd_probe_done(r.p));
		/* At once, byte by byte, in two TLS records. */
		if (chunk == 2) {
			assert_int_equal(SSL_write(r.s.ssl, tls_cr, 50), 50);
			assert_int_equal(SSL_write(r.s.ssl, tls_cr + 50,
			                           (int)sizeof(tls_cr) - 50),
			                 (int)sizeof(tls_cr) - 50);
		} else {
			assert_int_equal(
			    SSL_write(r.s.ssl, tls_cr, (int)sizeof(tls_cr)),
			    (int)sizeof(tls_cr));
		}
		to_probe(&r, chunk == 1 ? 1 : 0);
		assert_true(rdd_probe_done(r.p));
		assert_int_equal(r.a.mcs, RDD_MCS_OK);
		assert_int_equal(r.a.mcs_result, 0);
		assert_int_equal(r.mi.outcome, RDD_MCS_OK);
		assert_int_equal(r.mi.selected_protocol, 1);
		assert_string_equal(r.mi.rdp_version, "RDP 10.7");
		assert_int_equal(r.mi.encryption_level, 0);
		assert_true(r.tls.present);
		tls_free(&r);
	}
}

static void
test_probe_ssl_then_close(void **state)
{
	struct run r;

	(void)state;
	tls_start(&r);
	assert_int_equal(SSL_shutdown(r.s.ssl), 0);
	to_probe(&r, 0);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.a.mcs, RDD_MCS_CLOSED);
	tls_free(&r);

	tls_start(&r);
	rdd_probe_peer_closed(r.p, true, r.now + STEP);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.a.mcs, RDD_MCS_RESET);
	tls_free(&r);

	/* Not TLS after the handshake. */
	tls_start(&r);
	rdd_probe_recv(r.p, (const uint8_t *)"\x17\x03\x03\x00\x05xxxxx", 10,
	               r.now + STEP);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.a.mcs, RDD_MCS_MALFORMED);
	tls_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request),
	    cmocka_unit_test(test_request_channels),
	    cmocka_unit_test(test_answer_proprietary),
	    cmocka_unit_test(test_answer_enhanced),
	    cmocka_unit_test(test_answer_refusals),
	    cmocka_unit_test_setup_teardown(test_probe_rdp_selected, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_probe_legacy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_probe_trickled_and_joined,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_probe_refusals, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_probe_close_reset_timeout,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_probe_no_mcs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_probe_without_record, setup,
	                                    teardown),
	    cmocka_unit_test(test_probe_ssl_then_mcs),
	    cmocka_unit_test(test_probe_ssl_then_close),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
