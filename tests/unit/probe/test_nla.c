/*
 * test_nla.c - lib/probe/nla.c and the CredSSP phase of lib/probe/probe.c.
 *
 * nla.c: the request bytes (nmap's rdp-ntlm-info request of
 * shared/reference/protocol.md 4.6 with version 6; the SPNEGO request
 * sent to the lab's shadow server, tests/captures/lab/) and what answers
 * say: the lab shadow server's CHALLENGE and errorCode answers, a
 * CHALLENGE inside SPNEGO, a reject, an errorCode alone, tokens that are
 * neither NTLM nor SPNEGO.
 *
 * probe.c: a whole probe against an OpenSSL server running in the test
 * over memory BIOs (no sockets), after a Connection Confirm selecting
 * HYBRID or HYBRID_EX: the server reads the TSRequest and answers with
 * the shadow server's bytes (at once, byte by byte, in several TLS
 * records), or closes, resets, stalls, sends an alert, garbage or an
 * incomplete answer.
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

#include "probe/nla.h"
#include "rdpdoctor/check.h"
#include "rdpdoctor/probe.h"
#include "wire/credssp.h"

#include "../wire/capture_vectors.h"
#include "probe_harness.h"

#define T0 1000000u
#define TIMEOUT 5000000u
#define STEP 1000u

/* protocol.md 4.6, with TSRequest.version 6 instead of nmap's 0x60. */
static const uint8_t req_ntlm[] = {
    0x30, 0x37, 0xa0, 0x03, 0x02, 0x01, 0x06, 0xa1, 0x30, 0x30, 0x2e, 0x30,
    0x2c, 0xa0, 0x2a, 0x04, 0x28, 0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50,
    0x00, 0x01, 0x00, 0x00, 0x00, 0xb7, 0x82, 0x08, 0xe2, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x0a, 0x00, 0x63, 0x45, 0x00, 0x00, 0x00, 0x0f,
};

/* tests/captures/lab/client-tsrequest-spnego.bin (91 bytes). */
static const uint8_t req_spnego[] = {
    0x30, 0x59, 0xa0, 0x03, 0x02, 0x01, 0x06, 0xa1, 0x52, 0x30, 0x50, 0x30,
    0x4e, 0xa0, 0x4c, 0x04, 0x4a, 0x60, 0x48, 0x06, 0x06, 0x2b, 0x06, 0x01,
    0x05, 0x05, 0x02, 0xa0, 0x3e, 0x30, 0x3c, 0xa0, 0x0e, 0x30, 0x0c, 0x06,
    0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a, 0xa2,
    0x2a, 0x04, 0x28, 0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x01,
    0x00, 0x00, 0x00, 0xb7, 0x82, 0x08, 0xe2, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,
    0x00, 0x63, 0x45, 0x00, 0x00, 0x00, 0x0f,
};

/* shadow_challenge: tests/unit/wire/capture_vectors.c */
#define SHADOW_TIME 1795328595 /* 2026-11-22 06:23:15 UTC */

/* tests/captures/lab/shadow-tsrequest-spnego-error.bin, rebuilt from its
 * head, 12256 zero bytes of negoToken and its tail. */
static const uint8_t spnego_err_head[] = {
    0x30, 0x82, 0x30, 0x25, 0xa0, 0x03, 0x02, 0x01, 0x06, 0xa1,
    0x82, 0x2f, 0xf0, 0x30, 0x82, 0x2f, 0xec, 0x30, 0x82, 0x2f,
    0xe8, 0xa0, 0x82, 0x2f, 0xe4, 0x04, 0x82, 0x2f, 0xe0,
};
/* spnego_err_tail: tests/unit/wire/capture_vectors.c */
#define SPNEGO_ERR_LEN                                                         \
	(sizeof(spnego_err_head) + 12256 + sizeof(spnego_err_tail))
static uint8_t spnego_err[SPNEGO_ERR_LEN];

/* Connection Confirms selecting HYBRID and HYBRID_EX. */
static const uint8_t cc_hybrid[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x03, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00,
};
static const uint8_t cc_hybrid_ex[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x1f, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00,
};
static const uint8_t cc_ssl[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x1f, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
};

/* --- nla.c ---------------------------------------------------------------- */

static void
test_request(void **state)
{
	uint8_t out[RDD_NLA_REQUEST_MAX];
	size_t n;

	(void)state;
	n = rdd__nla_request(out, sizeof(out), false);
	assert_int_equal(n, sizeof(req_ntlm));
	assert_memory_equal(out, req_ntlm, n);
	n = rdd__nla_request(out, sizeof(out), true);
	assert_int_equal(n, sizeof(req_spnego));
	assert_memory_equal(out, req_spnego, n);
	assert_int_equal(rdd__nla_request(out, 56, false), 0);
	assert_int_equal(rdd__nla_request(out, 90, true), 0);
}

static enum rdd_credssp_outcome
answer(const uint8_t *p, size_t n, struct rdd_credssp_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	return rdd__nla_answer(p, n, 12.5, ci);
}

static void
test_answer_shadow(void **state)
{
	struct rdd_credssp_info ci;

	(void)state;
	assert_int_equal(
	    answer(shadow_challenge, sizeof(shadow_challenge), &ci),
	    RDD_CREDSSP_OK);
	assert_true(ci.has_version);
	assert_int_equal(ci.server_version, 6);
	assert_false(ci.has_error_code);
	assert_true(ci.ntlm.present);
	assert_string_equal(ci.ntlm.target_name, "RDPLAB-SHADOW");
	assert_string_equal(ci.ntlm.netbios_computer, "RDPLAB-SHADOW");
	assert_string_equal(ci.ntlm.netbios_domain, "RDPLAB-SHADOW");
	assert_string_equal(ci.ntlm.dns_computer, "RDPLAB-SHADOW");
	assert_string_equal(ci.ntlm.dns_domain, "RDPLAB-SHADOW");
	assert_string_equal(ci.ntlm.dns_tree, "");
	assert_true(ci.ntlm.has_version);
	assert_int_equal(ci.ntlm.os_major, 6);
	assert_int_equal(ci.ntlm.os_minor, 1);
	assert_int_equal(ci.ntlm.os_build, 7601);
	assert_int_equal(ci.ntlm.ntlm_revision, 15);
	assert_true(ci.ntlm.has_time);
	assert_int_equal(ci.ntlm.server_time, SHADOW_TIME);
	assert_true(ci.ntlm.time_at_ms == 12.5);
	assert_int_equal(ci.ntlm.flags, 0xe28882b7);
	assert_string_equal(ci.detail, "version 6, NTLM CHALLENGE from "
	                               "RDPLAB-SHADOW, Windows 6.1.7601");
}

static void
test_answer_spnego_error(void **state)
{
	struct rdd_credssp_info ci;

	(void)state;
	assert_int_equal(answer(spnego_err, sizeof(spnego_err), &ci),
	                 RDD_CREDSSP_ERROR);
	assert_int_equal(ci.server_version, 6);
	assert_true(ci.has_error_code);
	assert_int_equal(ci.error_code, 0xc00700ea);
	assert_false(ci.ntlm.present);
	assert_string_equal(ci.detail,
	                    "errorCode 0xC00700EA, no NTLM CHALLENGE (the "
	                    "negoToken is neither NTLM nor SPNEGO (12256 "
	                    "bytes: 00 00 00 00 00 00 00 00))");
}

/* Build a TSRequest (version V) around TOKEN, with an errorCode if
 * CODE != 0. */
static size_t
tsreq(uint8_t *out, size_t cap, uint32_t v, const uint8_t *token, size_t len,
      uint32_t code)
{
	struct rdd_buf b;
	size_t n;

	rdd_buf_init(&b, out, cap);
	assert_int_equal(rdd_tsrequest_build(&b, v, token, len), 0);
	n = b.len;
	if (code == 0)
		return n;
	/* Append [4] { INTEGER code } and fix the outer length (short or
	 * 0x81/0x82 forms of the builder). */
	assert_true(n + 9 <= cap);
	out[n++] = 0xa4;
	out[n++] = 0x07;
	out[n++] = 0x02;
	out[n++] = 0x05;
	out[n++] = 0x00;
	out[n++] = (uint8_t)(code >> 24);
	out[n++] = (uint8_t)(code >> 16);
	out[n++] = (uint8_t)(code >> 8);
	out[n++] = (uint8_t)code;
	if (out[1] < 0x80) {
		assert_true(out[1] + 9 < 0x80);
		out[1] = (uint8_t)(out[1] + 9);
	} else {
		assert_int_equal(out[1], 0x82);
		out[3] = (uint8_t)(out[3] + 9);
	}
	return n;
}

static void
test_answer_spnego_challenge(void **state)
{
	/* NegTokenResp accept-incomplete, NTLM, with the shadow CHALLENGE
	 * (bytes 24..241 of the capture). */
	uint8_t tok[300], pdu[400];
	struct rdd_credssp_info ci;
	size_t n;

	(void)state;
	n = 0;
	tok[n++] = 0xa1;
	tok[n++] = 0x81;
	tok[n++] = 0xf6;
	tok[n++] = 0x30;
	tok[n++] = 0x81;
	tok[n++] = 0xf3;
	memcpy(tok + n, "\xa0\x03\x0a\x01\x01", 5);
	n += 5;
	memcpy(tok + n,
	       "\xa1\x0c\x06\x0a\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a", 14);
	n += 14;
	memcpy(tok + n, "\xa2\x81\xdd\x04\x81\xda", 6);
	n += 6;
	memcpy(tok + n, shadow_challenge + 24, 218);
	n += 218;
	assert_int_equal(n, 3 + 3 + 0xf3);
	n = tsreq(pdu, sizeof(pdu), 6, tok, n, 0);
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_OK);
	assert_string_equal(ci.ntlm.dns_computer, "RDPLAB-SHADOW");
	ci.spnego = true;
	assert_int_equal(rdd__nla_answer(pdu, n, 1.0, &ci), RDD_CREDSSP_OK);
	assert_string_equal(ci.detail,
	                    "version 6, NTLM CHALLENGE from RDPLAB-SHADOW, "
	                    "Windows 6.1.7601 (SPNEGO)");
}

static void
test_answer_failures(void **state)
{
	static const uint8_t reject[] = {0xa1, 0x07, 0x30, 0x05, 0xa0,
	                                 0x03, 0x0a, 0x01, 0x02};
	static const uint8_t krb[] = {
	    0xa1, 0x11, 0x30, 0x0f, 0xa0, 0x03, 0x0a, 0x01, 0x01, 0xa1,
	    0x08, 0x06, 0x06, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12,
	};
	static const uint8_t ntlm_type1[] = {'N', 'T', 'L', 'M', 'S', 'S',
	                                     'P', 0,   1,   0,   0,   0};
	static const uint8_t ntlm_cut[] = {'N', 'T', 'L', 'M', 'S', 'S',
	                                   'P', 0,   2,   0,   0,   0};
	static const uint8_t junk[] = {0x99, 0x98, 0x97};
	static const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n";
	uint8_t pdu[128];
	struct rdd_credssp_info ci;
	size_t n;

	(void)state;
	/* errorCode alone, version 3 (STATUS_LOGON_FAILURE). */
	n = tsreq(pdu, sizeof(pdu), 3, NULL, 0, 0xc000006d);
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_ERROR);
	assert_int_equal(ci.server_version, 3);
	assert_int_equal(ci.error_code, 0xc000006d);
	assert_string_equal(ci.detail, "errorCode 0xC000006D, no NTLM "
	                               "CHALLENGE (TSRequest without a "
	                               "negoToken)");
	/* A version alone. */
	n = tsreq(pdu, sizeof(pdu), 2, NULL, 0, 0);
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_MALFORMED);
	assert_int_equal(ci.server_version, 2);
	assert_string_equal(ci.detail, "TSRequest without a negoToken");
	/* SPNEGO reject, with and without an errorCode. */
	n = tsreq(pdu, sizeof(pdu), 6, reject, sizeof(reject), 0);
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_ERROR);
	assert_string_equal(ci.detail, "SPNEGO reject, no NTLM CHALLENGE");
	n = tsreq(pdu, sizeof(pdu), 6, reject, sizeof(reject), 0x80090302);
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_ERROR);
	assert_int_equal(ci.error_code, 0x80090302);
	/* SPNEGO choosing Kerberos. */
	n = tsreq(pdu, sizeof(pdu), 6, krb, sizeof(krb), 0);
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_MALFORMED);
	assert_string_equal(ci.detail,
	                    "SPNEGO chose a mechanism other than NTLM");
	/* NTLM, but not a CHALLENGE; a cut CHALLENGE. */
	n = tsreq(pdu, sizeof(pdu), 6, ntlm_type1, sizeof(ntlm_type1), 0);
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_MALFORMED);
	assert_string_equal(ci.detail, "the negoToken is an NTLM message of "
	                               "type 1, not a CHALLENGE");
	n = tsreq(pdu, sizeof(pdu), 6, ntlm_cut, sizeof(ntlm_cut), 0);
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_MALFORMED);
	assert_string_equal(ci.detail,
	                    "the negoToken is a malformed NTLM CHALLENGE");
	/* A token that is neither. */
	n = tsreq(pdu, sizeof(pdu), 6, junk, sizeof(junk), 0);
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_MALFORMED);
	assert_string_equal(ci.detail, "the negoToken is neither NTLM nor "
	                               "SPNEGO (3 bytes: 99 98 97)");
	/* Not a TSRequest at all. */
	assert_int_equal(answer(http, sizeof(http) - 1, &ci),
	                 RDD_CREDSSP_MALFORMED);
	assert_false(ci.has_version);
	assert_string_equal(ci.detail, "the answer is not a valid TSRequest "
	                               "(26 bytes: 48 54 54 50 2f 31 2e 31)");
}

/* A CHALLENGE without NEGOTIATE_UNICODE: an OEM target name, kept as
 * bytes (a NUL shown as '?'), or none at all. */
static void
test_answer_oem_target_name(void **state)
{
	static const uint8_t oem[] = {
	    'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 0x02, 0x00, 0x00, 0x00,
	    /* TargetNameFields: 5 bytes at 48 */
	    0x05, 0x00, 0x05, 0x00, 0x30, 0x00, 0x00, 0x00,
	    /* flags: OEM only */
	    0x02, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0,
	    0,
	    /* TargetInfoFields: none */
	    0, 0, 0, 0, 0, 0, 0, 0, 'S', 'R', 'V', 0, 'X'};
	uint8_t pdu[128];
	struct rdd_credssp_info ci;
	size_t n;

	(void)state;
	n = tsreq(pdu, sizeof(pdu), 6, oem, sizeof(oem), 0);
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_OK);
	assert_string_equal(ci.ntlm.target_name, "SRV?X");
	assert_false(ci.ntlm.has_version);
	assert_string_equal(ci.detail, "version 6, NTLM CHALLENGE from SRV?X");
	/* No target name at all (an empty cursor without bytes behind it). */
	n = tsreq(pdu, sizeof(pdu), 6, oem, 48, 0);
	pdu[n - 48 + 12] = 0; /* TargetName Len */
	assert_int_equal(answer(pdu, n, &ci), RDD_CREDSSP_OK);
	assert_string_equal(ci.ntlm.target_name, "");
}

/* Every truncation of the real answer is malformed, never OK. */
static void
test_answer_truncations(void **state)
{
	struct rdd_credssp_info ci;
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(shadow_challenge); n++)
		assert_int_equal(answer(shadow_challenge, n, &ci),
		                 RDD_CREDSSP_MALFORMED);
}

/* --- the whole probe ---------------------------------------------------- */

static EVP_PKEY *key;
static X509 *cert;

static int
group_setup(void **state)
{
	(void)state;
	memcpy(spnego_err, spnego_err_head, sizeof(spnego_err_head));
	memset(spnego_err + sizeof(spnego_err_head), 0, 12256);
	memcpy(spnego_err + sizeof(spnego_err_head) + 12256, spnego_err_tail,
	       sizeof(spnego_err_tail));
	return self_signed("RDPLAB-SHADOW", 7, &key, &cert);
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
	struct rdd_credssp_info ci;
	struct trace_log log;
	struct rdd_probe *p;
	struct tls_peer s;
	uint64_t now;
	uint64_t credssp_at; /* when the TSRequest went out */
	uint8_t req[256];    /* the TSRequest the server read */
	size_t req_len;
};

/* The server's bytes to the probe, one step later. */
static void
to_probe(struct run *r, size_t chunk)
{
	r->now += STEP;
	tls_peer_to_probe(&r->s, r->p, r->now, chunk);
}

/*
 * A probe (with CREDSSP, SPNEGO, and a record unless NO_RECORD) through
 * X.224 with CC and the TLS handshake, until the probe has sent its
 * TSRequest, which the server has read into r->req.
 */
static void
start(struct run *r, const uint8_t *cc, size_t cc_len, bool credssp,
      bool spnego, bool no_record, int max_version)
{
	const uint8_t *d;
	size_t n;
	int got;

	memset(r, 0, sizeof(*r));
	snprintf(r->a.label, sizeof(r->a.label), "A");
	r->cfg.requested_protocols = 0x0B;
	r->cfg.tls = true;
	r->cfg.credssp = credssp;
	r->cfg.credssp_spnego = spnego;
	r->cfg.server_name = "rdplab-shadow";
	r->cfg.phase_timeout_us = TIMEOUT;
	r->cfg.t0_us = T0;
	r->cfg.trace = trace_collect;
	r->cfg.trace_ctx = &r->log;
	r->ci.other_outcome = RDD_CREDSSP_CLOSED; /* the driver's: kept */
	snprintf(r->ci.other_detail, sizeof(r->ci.other_detail), "driver");
	tls_peer_init(&r->s, cert, key, max_version);
	r->p = rdd_probe_new(&r->cfg, &r->a, &r->tls);
	assert_non_null(r->p);
	if (!no_record)
		rdd_probe_set_credssp_record(r->p, &r->ci);
	r->now = T0 + STEP;
	rdd_probe_start(r->p, r->now);
	n = rdd_probe_pending(r->p, &d);
	assert_int_equal(n, 19);
	rdd_probe_sent(r->p, n);
	r->now += STEP;
	rdd_probe_recv(r->p, cc, cc_len, r->now);
	tls_peer_handshake(&r->s, r->p, &r->a, &r->now, STEP);
	assert_int_equal(r->a.tls, RDD_TLS_OK);
	r->credssp_at = r->now;
	if (!credssp)
		return;
	/* The server reads the TSRequest. */
	got = SSL_read(r->s.ssl, r->req, sizeof(r->req));
	ERR_clear_error();
	assert_true(got > 0);
	r->req_len = (size_t)got;
}

static void
finish_run(struct run *r)
{
	rdd_probe_free(r->p);
	tls_peer_free(&r->s);
}

/* The server answers with BYTES in records of at most REC bytes (0: one
 * write), delivered to the probe CHUNK bytes at a time. */
static void
reply(struct run *r, const uint8_t *bytes, size_t n, size_t rec, size_t chunk)
{
	size_t off, k;

	for (off = 0; off < n; off += k) {
		k = rec == 0 ? n - off : rec;
		if (k > n - off)
			k = n - off;
		assert_int_equal(SSL_write(r->s.ssl, bytes + off, (int)k),
		                 (int)k);
	}
	to_probe(r, chunk);
}

static void
assert_shadow_facts(const struct run *r)
{
	assert_int_equal(r->ci.outcome, RDD_CREDSSP_OK);
	assert_string_equal(r->ci.attempt, "A");
	assert_int_equal(r->ci.server_version, 6);
	assert_string_equal(r->ci.ntlm.dns_computer, "RDPLAB-SHADOW");
	assert_int_equal(r->ci.ntlm.os_build, 7601);
	assert_int_equal(r->ci.ntlm.server_time, SHADOW_TIME);
	assert_true(r->ci.start_ms == (double)(r->credssp_at - T0) / 1000.0);
	assert_true(r->ci.ms == (double)(r->now - r->credssp_at) / 1000.0);
	assert_true(r->ci.ntlm.time_at_ms == (double)(r->now - T0) / 1000.0);
	/* The driver's fields are left alone. */
	assert_int_equal(r->ci.other_outcome, RDD_CREDSSP_CLOSED);
	assert_string_equal(r->ci.other_detail, "driver");
	assert_true(rdd_probe_done(r->p));
	assert_int_equal(rdd_probe_deadline(r->p), UINT64_MAX);
}

static void
test_probe_ok(void **state)
{
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false, 0);
	assert_int_equal(r.req_len, sizeof(req_ntlm));
	assert_memory_equal(r.req, req_ntlm, sizeof(req_ntlm));
	assert_false(rdd_probe_done(r.p));
	assert_int_equal(rdd_probe_deadline(r.p), r.credssp_at + TIMEOUT);
	reply(&r, shadow_challenge, sizeof(shadow_challenge), 0, 0);
	assert_shadow_facts(&r);
	assert_false(r.ci.spnego);
	assert_true(r.tls.present);
	assert_true(trace_has(&r.log, "-> CredSSP TSRequest version 6, NTLM "
	                              "NEGOTIATE (57 bytes)"));
	assert_true(trace_has(&r.log, "<- CredSSP TSRequest (278 bytes)"));
	assert_true(trace_has(&r.log,
	                      "<- CredSSP ok: version 6, NTLM CHALLENGE "
	                      "from RDPLAB-SHADOW"));
	/* Nothing more is sent: no AUTHENTICATE. */
	assert_int_equal(rdd_probe_pending(r.p, NULL), 0);
	assert_int_equal(ERR_peek_error(), 0);
	finish_run(&r);
}

/* HYBRID_EX, TLS 1.2, the SPNEGO request, the answer trickled: a record
 * per 7 bytes, delivered one byte at a time. */
static void
test_probe_hybrid_ex_spnego_trickled(void **state)
{
	struct run r;

	(void)state;
	start(&r, cc_hybrid_ex, sizeof(cc_hybrid_ex), true, true, false,
	      TLS1_2_VERSION);
	assert_int_equal(r.req_len, sizeof(req_spnego));
	assert_memory_equal(r.req, req_spnego, sizeof(req_spnego));
	reply(&r, shadow_challenge, 100, 7, 1);
	assert_false(rdd_probe_done(r.p));
	reply(&r, shadow_challenge + 100, sizeof(shadow_challenge) - 100, 7, 1);
	assert_shadow_facts(&r);
	assert_true(r.ci.spnego);
	finish_run(&r);
}

/* A 12 KB answer in TLS records of up to 16 KB, delivered in 1000-byte
 * chunks: the FreeRDP errorCode answer. */
static void
test_probe_large_error(void **state)
{
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, true, false, 0);
	reply(&r, spnego_err, sizeof(spnego_err), 5000, 1000);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_ERROR);
	assert_int_equal(r.ci.error_code, 0xc00700ea);
	assert_true(trace_has(&r.log, "<- CredSSP TSRequest (12329 bytes)"));
	finish_run(&r);
}

/* Bytes after the TSRequest are not read. */
static void
test_probe_trailing(void **state)
{
	uint8_t buf[sizeof(shadow_challenge) + 5];
	struct run r;

	(void)state;
	memcpy(buf, shadow_challenge, sizeof(shadow_challenge));
	memcpy(buf + sizeof(shadow_challenge), "\x30\x03\x02\x01\x06", 5);
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false, 0);
	reply(&r, buf, sizeof(buf), 0, 0);
	assert_shadow_facts(&r);
	finish_run(&r);
}

static void
test_probe_closed(void **state)
{
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false, 0);
	r.now += STEP;
	rdd_probe_peer_closed(r.p, false, r.now);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_CLOSED);
	assert_string_equal(r.ci.detail, "server closed the connection after "
	                                 "the TSRequest, before any answer");
	assert_true(r.ci.ms == STEP / 1000.0);
	assert_false(r.ci.has_version);
	finish_run(&r);
}

static void
test_probe_reset_mid_answer(void **state)
{
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false, 0);
	reply(&r, shadow_challenge, 100, 0, 0);
	r.now += STEP;
	rdd_probe_peer_closed(r.p, true, r.now);
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_RESET);
	assert_string_equal(r.ci.detail,
	                    "connection reset by the server after the "
	                    "TSRequest, after 100 of 278 bytes of the answer");
	finish_run(&r);
}

static void
test_probe_close_notify(void **state)
{
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false, 0);
	(void)SSL_shutdown(r.s.ssl);
	to_probe(&r, 0);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_CLOSED);
	assert_string_equal(r.ci.detail, "server sent close_notify after the "
	                                 "TSRequest, before any answer");
	finish_run(&r);
}

static void
test_probe_timeout(void **state)
{
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false, 0);
	reply(&r, shadow_challenge, 10, 0, 0);
	rdd_probe_tick(r.p, r.credssp_at + TIMEOUT - 1);
	assert_false(rdd_probe_done(r.p));
	r.now = r.credssp_at + TIMEOUT;
	rdd_probe_tick(r.p, r.now);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_TIMEOUT);
	assert_true(r.ci.ms == TIMEOUT / 1000.0);
	assert_non_null(strstr(r.ci.detail, "no TSRequest answer within 5.0 s "
	                                    "(after 10 of 278 bytes of the "
	                                    "answer; "));
	finish_run(&r);
}

/* Raw bytes that are not TLS records after the handshake. */
static void
test_probe_garbage(void **state)
{
	static const uint8_t junk[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false, 0);
	r.now += STEP;
	rdd_probe_recv(r.p, junk, sizeof(junk) - 1, r.now);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_MALFORMED);
	assert_non_null(strstr(r.ci.detail, "the answer is not valid TLS ("));
	finish_run(&r);
}

/* Application data that is not a TSRequest. */
static void
test_probe_not_tsrequest(void **state)
{
	static const uint8_t junk[] = "NTLMSSP";
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false, 0);
	reply(&r, junk, 1, 0, 0);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_MALFORMED);
	assert_string_equal(r.ci.detail, "the answer is not a valid TSRequest "
	                                 "(1 bytes: 4e)");
	finish_run(&r);
}

static void
test_probe_too_long(void **state)
{
	static const uint8_t huge[] = {0x30, 0x83, 0x10, 0x00, 0x00};
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false, 0);
	reply(&r, huge, sizeof(huge), 0, 0);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_MALFORMED);
	assert_string_equal(r.ci.detail,
	                    "the answer claims more than 65536 bytes");
	finish_run(&r);
}

/* A record whose MAC does not verify. */
static void
test_probe_bad_record(void **state)
{
	uint8_t buf[256];
	struct run r;
	int got;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false,
	      TLS1_2_VERSION);
	assert_int_equal(SSL_write(r.s.ssl, shadow_challenge, 20), 20);
	got = BIO_read(r.s.wbio, buf, sizeof(buf));
	assert_true(got > 10);
	buf[got - 1] ^= 0x55;
	r.now += STEP;
	rdd_probe_recv(r.p, buf, (size_t)got, r.now);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_MALFORMED);
	assert_non_null(strstr(r.ci.detail, "the answer is not valid TLS"));
	finish_run(&r);
}

/* The server gets a record it cannot decrypt and answers with a fatal
 * alert (encrypted, after the handshake). */
static void
test_probe_alert(void **state)
{
	static const uint8_t bogus[] = {
	    0x17, 0x03, 0x03, 0x00, 0x20, 1,  2,  3,  4,  5,  6,  7,  8,
	    9,    10,   11,   12,   13,   14, 15, 16, 17, 18, 19, 20, 21,
	    22,   23,   24,   25,   26,   27, 28, 29, 30, 31, 32};
	uint8_t buf[64];
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, false,
	      TLS1_2_VERSION);
	assert_int_equal(BIO_write(r.s.rbio, bogus, sizeof(bogus)),
	                 (int)sizeof(bogus));
	ERR_clear_error();
	assert_true(SSL_read(r.s.ssl, buf, sizeof(buf)) <= 0);
	ERR_clear_error();
	to_probe(&r, 0);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_CLOSED);
	assert_string_equal(r.ci.detail,
	                    "fatal alert bad_record_mac (20) after the "
	                    "TSRequest, before any answer");
	finish_run(&r);
}

/* SSL selected: no CredSSP, even when asked for. */
static void
test_probe_ssl_no_credssp(void **state)
{
	struct run r;

	(void)state;
	start(&r, cc_ssl, sizeof(cc_ssl), false, false, false, 0);
	assert_true(rdd_probe_done(r.p));
	finish_run(&r);

	memset(&r, 0, sizeof(r));
	snprintf(r.a.label, sizeof(r.a.label), "A");
	r.cfg.requested_protocols = 0x0B;
	r.cfg.tls = true;
	r.cfg.credssp = true;
	r.cfg.phase_timeout_us = TIMEOUT;
	r.cfg.t0_us = T0;
	tls_peer_init(&r.s, cert, key, 0);
	r.p = rdd_probe_new(&r.cfg, &r.a, &r.tls);
	rdd_probe_set_credssp_record(r.p, &r.ci);
	r.now = T0 + STEP;
	rdd_probe_start(r.p, r.now);
	rdd_probe_sent(r.p, 19);
	rdd_probe_recv(r.p, cc_ssl, sizeof(cc_ssl), r.now);
	tls_peer_handshake(&r.s, r.p, &r.a, &r.now, STEP);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.a.tls, RDD_TLS_OK);
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_NOT_RUN);
	assert_string_equal(r.ci.attempt, "");
	finish_run(&r);
}

/*
 * With credentials and await_kerberos, CredSSP waits after TLS for the
 * Kerberos phase (rdd_probe_set_kerberos): nothing is sent meanwhile; no
 * ticket (NULL) means NTLM, with the driver's reason in the logon record;
 * no decision within the phase timeout means NTLM too.
 */
static void
krb_wait_start(struct run *r, const struct rdd_credentials *cr)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->a.label, sizeof(r->a.label), "A");
	r->cfg.requested_protocols = 0x0B;
	r->cfg.tls = true;
	r->cfg.credssp = true;
	r->cfg.server_name = "rdsh.rdplab.test";
	r->cfg.phase_timeout_us = TIMEOUT;
	r->cfg.t0_us = T0;
	r->cfg.trace = trace_collect;
	r->cfg.trace_ctx = &r->log;
	r->cfg.credentials = cr;
	r->cfg.await_kerberos = true;
	tls_peer_init(&r->s, cert, key, 0);
	r->p = rdd_probe_new(&r->cfg, &r->a, &r->tls);
	assert_non_null(r->p);
	rdd_probe_set_credssp_record(r->p, &r->ci);
	r->now = T0 + STEP;
	rdd_probe_start(r->p, r->now);
	rdd_probe_sent(r->p, 19);
	rdd_probe_recv(r->p, cc_hybrid, sizeof(cc_hybrid), r->now);
	tls_peer_handshake(&r->s, r->p, &r->a, &r->now, STEP);
	assert_int_equal(r->a.tls, RDD_TLS_OK);
	assert_false(rdd_probe_done(r->p));
	assert_int_equal(rdd_probe_pending(r->p, NULL), 0);
	assert_true(trace_has(&r->log, "CredSSP waits for the Kerberos"));
	assert_int_equal(r->ci.outcome, RDD_CREDSSP_NOT_RUN);
}

static void
test_probe_kerberos_wait(void **state)
{
	static const struct rdd_credentials cr = {
	    .user = "alice", .domain = "", .password = "pw"};
	struct run r;
	int got;

	(void)state;
	/* The phase says: no ticket. */
	krb_wait_start(&r, &cr);
	r.now += STEP;
	rdd_probe_set_kerberos(r.p, NULL, NULL, "no ticket: KDC error 7",
	                       r.now);
	tls_peer_from_probe(&r.s, r.p);
	got = SSL_read(r.s.ssl, r.req, sizeof(r.req));
	ERR_clear_error();
	assert_true(got > 0); /* the NTLM NEGOTIATE went out */
	assert_true(trace_has(&r.log, "-> CredSSP TSRequest version 6, NTLM"));
	assert_int_equal(r.ci.logon.mech, RDD_LOGON_MECH_NTLM);
	assert_string_equal(r.ci.logon.mech_reason, "no ticket: KDC error 7");
	/* A second decision changes nothing. */
	rdd_probe_set_kerberos(r.p, "MEMORY:x", "R", "late", r.now);
	assert_string_equal(r.ci.logon.mech_reason, "no ticket: KDC error 7");
	finish_run(&r);

	/* No decision in time: NTLM, saying so. */
	krb_wait_start(&r, &cr);
	assert_int_equal(rdd_probe_deadline(r.p), r.now + TIMEOUT);
	rdd_probe_tick(r.p, r.now + TIMEOUT - 1);
	assert_int_equal(rdd_probe_pending(r.p, NULL), 0);
	rdd_probe_tick(r.p, r.now + TIMEOUT);
	assert_true(rdd_probe_pending(r.p, NULL) > 0);
	assert_int_equal(r.ci.logon.mech, RDD_LOGON_MECH_NTLM);
	assert_non_null(strstr(r.ci.logon.mech_reason,
	                       "had no ticket for TERMSRV/rdsh.rdplab.test"));
	finish_run(&r);

	/* The server closes while the probe waits. */
	krb_wait_start(&r, &cr);
	rdd_probe_peer_closed(r.p, false, r.now + STEP);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_CLOSED);
	finish_run(&r);
}

/* HYBRID selected but CredSSP not asked for: done after TLS. */
static void
test_probe_not_asked(void **state)
{
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), false, false, false, 0);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_NOT_RUN);
	assert_int_equal(rdd_probe_pending(r.p, NULL), 0);
	finish_run(&r);
}

/* Without a record the phase runs; its facts go nowhere. */
static void
test_probe_no_record(void **state)
{
	struct run r;

	(void)state;
	start(&r, cc_hybrid, sizeof(cc_hybrid), true, false, true, 0);
	assert_memory_equal(r.req, req_ntlm, sizeof(req_ntlm));
	reply(&r, shadow_challenge, sizeof(shadow_challenge), 0, 0);
	assert_true(rdd_probe_done(r.p));
	assert_int_equal(r.ci.outcome, RDD_CREDSSP_NOT_RUN);
	assert_true(trace_has(&r.log, "<- CredSSP ok"));
	finish_run(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request),
	    cmocka_unit_test(test_answer_shadow),
	    cmocka_unit_test(test_answer_spnego_error),
	    cmocka_unit_test(test_answer_spnego_challenge),
	    cmocka_unit_test(test_answer_failures),
	    cmocka_unit_test(test_answer_oem_target_name),
	    cmocka_unit_test(test_answer_truncations),
	    cmocka_unit_test(test_probe_ok),
	    cmocka_unit_test(test_probe_hybrid_ex_spnego_trickled),
	    cmocka_unit_test(test_probe_large_error),
	    cmocka_unit_test(test_probe_trailing),
	    cmocka_unit_test(test_probe_closed),
	    cmocka_unit_test(test_probe_reset_mid_answer),
	    cmocka_unit_test(test_probe_close_notify),
	    cmocka_unit_test(test_probe_timeout),
	    cmocka_unit_test(test_probe_garbage),
	    cmocka_unit_test(test_probe_not_tsrequest),
	    cmocka_unit_test(test_probe_too_long),
	    cmocka_unit_test(test_probe_bad_record),
	    cmocka_unit_test(test_probe_alert),
	    cmocka_unit_test(test_probe_ssl_no_credssp),
	    cmocka_unit_test(test_probe_not_asked),
	    cmocka_unit_test(test_probe_kerberos_wait),
	    cmocka_unit_test(test_probe_no_record),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
