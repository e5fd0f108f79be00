/*
 * test_probe.c - lib/probe/probe.c: the X.224 phase of a probe driven with
 * scripted server bytes and times, no sockets and no clock. Byte vectors
 * from [MS-RDPBCGR] 4.1.1 / 4.1.2 and from the Zeek traces decoded in
 * shared/reference/protocol.md 1.9 (rdp-to-ssl.pcap,
 * rdp-proprietary-encryption.pcap). The TLS phase is in test_tls.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rdpdoctor/probe.h"

#include "../wire/capture_vectors.h"

#define T0 1000000u      /* start of the check, us */
#define TIMEOUT 5000000u /* per phase, us */

/* x224_spec_cr: tests/unit/wire/capture_vectors.c */

/* [MS-RDPBCGR] 4.1.2: Server X.224 Connection Confirm, RDP_NEG_RSP
 * selecting PROTOCOL_RDP, flags 0. */
static const uint8_t spec_cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* rdp-to-ssl.pcap (Windows Server 2008 R2): RSP, flags
 * EXTENDED_CLIENT_DATA_SUPPORTED, selected HYBRID. */
static const uint8_t w2k8_cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x02, 0x01, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00,
};

/* rdp-proprietary-encryption.pcap: RDP_NEG_FAILURE
 * SSL_NOT_ALLOWED_BY_SERVER. */
static const uint8_t fail2_cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x03, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00,
};

/* A Connection Confirm without rdpNegData (Windows XP / 2003). */
static const uint8_t legacy_cc[] = {
    0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
};

/* X.224 Disconnect Request (code 0x80) instead of a Connection Confirm. */
static const uint8_t disconnect_req[] = {
    0x03, 0x00, 0x00, 0x0b, 0x06, 0x80, 0x00, 0x00, 0x12, 0x34, 0x00,
};

struct trace_log {
	char lines[32][RDD_STR];
	size_t n;
};

static void
collect(void *ctx, const char *label, const char *line)
{
	struct trace_log *t = ctx;

	assert_non_null(label);
	if (t->n < 32)
		snprintf(t->lines[t->n++], RDD_STR, "%s", line);
}

static bool
traced(const struct trace_log *t, const char *line)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->lines[i], line) == 0)
			return true;
	return false;
}

struct fx {
	struct rdd_probe_config cfg;
	struct rdd_attempt a;
	struct trace_log log;
	struct rdd_probe *p;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->a.label, sizeof(f->a.label), "A");
	f->a.tcp = RDD_TCP_OK;
	f->cfg.requested_protocols = 0x0B;
	f->cfg.server_name = "rdp.example.test";
	f->cfg.phase_timeout_us = TIMEOUT;
	f->cfg.t0_us = T0;
	f->cfg.trace = collect;
	f->cfg.trace_ctx = &f->log;
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

/* Create the probe, start it at NOW and take the Connection Request. */
static void
begin(struct fx *f, uint64_t now)
{
	const uint8_t *d;
	size_t n;

	f->p = rdd_probe_new(&f->cfg, &f->a, NULL);
	assert_non_null(f->p);
	assert_false(rdd_probe_done(f->p));
	assert_int_equal(rdd_probe_deadline(f->p), UINT64_MAX);
	rdd_probe_start(f->p, now);
	n = rdd_probe_pending(f->p, &d);
	assert_true(n > 0);
	rdd_probe_sent(f->p, n);
	assert_int_equal(rdd_probe_pending(f->p, &d), 0);
}

static void
feed(struct fx *f, const void *data, size_t len, uint64_t now)
{
	rdd_probe_recv(f->p, data, len, now);
}

static void
feed_str(struct fx *f, const char *s, uint64_t now)
{
	feed(f, s, strlen(s), now);
}

/* --- the Connection Request ------------------------------------------- */

static void
test_cr_spec_bytes(void **state)
{
	struct fx *f = *state;
	const uint8_t *d;
	size_t n;

	f->cfg.requested_protocols = 0x00;
	f->cfg.cookie = "eltons";
	f->p = rdd_probe_new(&f->cfg, &f->a, NULL);
	rdd_probe_start(f->p, T0);
	n = rdd_probe_pending(f->p, &d);
	assert_int_equal(n, sizeof(x224_spec_cr));
	assert_memory_equal(d, x224_spec_cr, sizeof(x224_spec_cr));
	/* A partial send leaves the rest pending, at the right offset. */
	rdd_probe_sent(f->p, 10);
	n = rdd_probe_pending(f->p, &d);
	assert_int_equal(n, sizeof(x224_spec_cr) - 10);
	assert_memory_equal(d, x224_spec_cr + 10, n);
	rdd_probe_sent(f->p, n);
	assert_int_equal(rdd_probe_pending(f->p, &d), 0);
	assert_true(traced(
	    &f->log, "-> X.224 Connection Request, requestedProtocols RDP "
	             "(0x00000000), 44 bytes"));
	assert_int_equal(f->a.requested, 0);
}

static void
test_cr_requested_no_cookie(void **state)
{
	static const uint8_t want[] = {
	    0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x01, 0x00, 0x08, 0x00, 0x0b, 0x00, 0x00, 0x00,
	};
	struct fx *f = *state;
	const uint8_t *d;
	size_t n;

	f->p = rdd_probe_new(&f->cfg, &f->a, NULL);
	/* Nothing to send before the connection is up. */
	assert_int_equal(rdd_probe_pending(f->p, &d), 0);
	rdd_probe_start(f->p, T0 + 100);
	n = rdd_probe_pending(f->p, &d);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(d, want, sizeof(want));
	assert_true(traced(&f->log,
	                   "-> X.224 Connection Request, requestedProtocols "
	                   "SSL|HYBRID|HYBRID_EX (0x0000000b), 19 bytes"));
	assert_int_equal(f->a.requested, 0x0B);
	/* The driver's fields are left alone. */
	assert_string_equal(f->a.label, "A");
	assert_int_equal(f->a.tcp, RDD_TCP_OK);
}

static void
test_cr_bad_cookie_not_sent(void **state)
{
	struct fx *f = *state;
	const uint8_t *d;

	f->cfg.cookie = "bad\r\ncookie";
	f->p = rdd_probe_new(&f->cfg, &f->a, NULL);
	rdd_probe_start(f->p, T0);
	assert_int_equal(rdd_probe_pending(f->p, &d), 0);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_NOT_RUN);
	assert_non_null(strstr(f->a.x224_detail, "not sent"));
}

/* --- Connection Confirms ---------------------------------------------- */

static void
test_spec_cc(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	feed(f, spec_cc, sizeof(spec_cc), T0 + 2000);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_RSP);
	assert_int_equal(f->a.selected, RDD_PROTO_RDP);
	assert_int_equal(f->a.flags, 0);
	assert_int_equal(f->a.tls, RDD_TLS_NOT_RUN);
	assert_int_equal(f->a.n_first_bytes, 16);
	assert_memory_equal(f->a.first_bytes, spec_cc, 16);
	assert_int_equal(rdd_probe_deadline(f->p), UINT64_MAX);
	assert_true(traced(&f->log, "<- X.224 Connection Confirm: RDP_NEG_RSP "
	                            "selected RDP, flags 0x00"));
}

static void
test_rsp_hybrid_capture(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	feed(f, w2k8_cc, sizeof(w2k8_cc), T0 + 2000);
	assert_true(rdd_probe_done(f->p)); /* cfg.tls is false */
	assert_int_equal(f->a.x224, RDD_X224_RSP);
	assert_int_equal(f->a.selected, RDD_PROTO_HYBRID);
	assert_int_equal(f->a.flags, 0x01);
	assert_int_equal(f->a.tls, RDD_TLS_NOT_RUN);
	assert_string_equal(f->a.x224_detail,
	                    "RDP_NEG_RSP selected HYBRID, flags 0x01");
}

static void
test_rsp_flags_trace(void **state)
{
	static const uint8_t cc[] = {
	    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
	    0x00, 0x02, 0x1f, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00,
	};
	struct fx *f = *state;

	begin(f, T0);
	feed(f, cc, sizeof(cc), T0 + 2000);
	assert_int_equal(f->a.flags, 0x1f);
	assert_true(traced(&f->log, "<- X.224 Connection Confirm: RDP_NEG_RSP "
	                            "selected HYBRID, flags 0x1f"));
}

static void
test_failure_codes(void **state)
{
	static const struct {
		uint32_t code;
		const char *detail;
	} cases[] = {
	    {1, "RDP_NEG_FAILURE SSL_REQUIRED_BY_SERVER (1)"},
	    {2, "RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER (2)"},
	    {3, "RDP_NEG_FAILURE SSL_CERT_NOT_ON_SERVER (3)"},
	    {4, "RDP_NEG_FAILURE INCONSISTENT_FLAGS (4)"},
	    {5, "RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER (5)"},
	    {6, "RDP_NEG_FAILURE SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER (6)"},
	    {0x1234, "RDP_NEG_FAILURE unknown (4660)"},
	};
	struct fx *f = *state;
	uint8_t cc[sizeof(fail2_cc)];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&f->log, 0, sizeof(f->log));
		memcpy(cc, fail2_cc, sizeof(cc));
		cc[15] = (uint8_t)cases[i].code;
		cc[16] = (uint8_t)(cases[i].code >> 8);
		begin(f, T0);
		feed(f, cc, sizeof(cc), T0 + 1000);
		assert_true(rdd_probe_done(f->p));
		assert_int_equal(f->a.x224, RDD_X224_FAILURE);
		assert_int_equal(f->a.failure_code, cases[i].code);
		assert_string_equal(f->a.x224_detail, cases[i].detail);
		assert_int_equal(f->a.tls, RDD_TLS_NOT_RUN);
		if (cases[i].code == 5)
			assert_true(traced(&f->log, "<- RDP_NEG_FAILURE "
			                            "HYBRID_REQUIRED_BY_SERVER "
			                            "(5)"));
		rdd_probe_free(f->p);
		f->p = NULL;
	}
}

static void
test_failure_capture(void **state)
{
	struct fx *f = *state;

	f->cfg.requested_protocols = 0x01;
	begin(f, T0);
	feed(f, fail2_cc, sizeof(fail2_cc), T0 + 1000);
	assert_int_equal(f->a.x224, RDD_X224_FAILURE);
	assert_int_equal(f->a.failure_code, 2);
}

static void
test_legacy_cc(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	feed(f, legacy_cc, sizeof(legacy_cc), T0 + 1000);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_NO_NEG_DATA);
	assert_int_equal(f->a.n_first_bytes, sizeof(legacy_cc));
	assert_memory_equal(f->a.first_bytes, legacy_cc, sizeof(legacy_cc));
}

/* A CC that selects SSL but TLS is not wanted: done, TLS not run. */
static void
test_ssl_selected_without_tls(void **state)
{
	uint8_t cc[sizeof(spec_cc)];
	struct fx *f = *state;
	const uint8_t *d;

	memcpy(cc, spec_cc, sizeof(cc));
	cc[15] = 0x01;
	begin(f, T0);
	feed(f, cc, sizeof(cc), T0 + 1000);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.selected, RDD_PROTO_SSL);
	assert_int_equal(f->a.tls, RDD_TLS_NOT_RUN);
	assert_int_equal(rdd_probe_pending(f->p, &d), 0);
}

/* A CC that selects SSL with TLS wanted: the probe moves on to TLS and
 * has a ClientHello to send; the new deadline counts from the CC. */
static void
test_ssl_selected_starts_tls(void **state)
{
	uint8_t cc[sizeof(spec_cc)];
	struct fx *f = *state;
	const uint8_t *d;
	size_t n;

	memcpy(cc, spec_cc, sizeof(cc));
	cc[15] = 0x08; /* HYBRID_EX */
	f->cfg.tls = true;
	begin(f, T0 + 1000);
	feed(f, cc, sizeof(cc), T0 + 31000);
	assert_false(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_RSP);
	assert_true(f->a.x224_ms == 30.0);
	assert_true(f->a.tls_start_ms == 31.0);
	assert_int_equal(rdd_probe_deadline(f->p), T0 + 31000 + TIMEOUT);
	n = rdd_probe_pending(f->p, &d);
	assert_true(n > 5);
	assert_int_equal(d[0], 0x16); /* handshake record */
	assert_int_equal(d[1], 0x03);
	rdd_probe_sent(f->p, n);
	rdd_probe_peer_closed(f->p, false, T0 + 40000);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.tls, RDD_TLS_CLOSED);
}

/* --- answers that are not RDP ---------------------------------------- */

static void
expect_not_rdp(struct fx *f, const char *prefix)
{
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_NOT_RDP);
	if (strncmp(f->a.x224_detail, prefix, strlen(prefix)) != 0)
		fail_msg("detail \"%s\" does not start with \"%s\"",
		         f->a.x224_detail, prefix);
}

static void
test_http_answer(void **state)
{
	struct fx *f = *state;
	const char *http = "HTTP/1.1 400 Bad Request\r\nServer: x\r\n\r\n";

	begin(f, T0);
	feed_str(f, http, T0 + 1000);
	expect_not_rdp(f, "HTTP response: HTTP/1.1 400 Bad Request");
	assert_string_equal(f->a.x224_detail,
	                    "HTTP response: HTTP/1.1 400 Bad Request");
	assert_int_equal(f->a.n_first_bytes, 16);
	assert_memory_equal(f->a.first_bytes, http, 16);
}

static void
test_http_trickled(void **state)
{
	struct fx *f = *state;
	const char *http = "HTTP/1.1 505 HTTP Version Not Supported\r\n";
	size_t i;

	begin(f, T0);
	for (i = 0; http[i] != '\0'; i++) {
		assert_false(rdd_probe_done(f->p));
		feed(f, http + i, 1, T0 + 1000 + i);
	}
	assert_string_equal(
	    f->a.x224_detail,
	    "HTTP response: HTTP/1.1 505 HTTP Version Not Supported");
}

static void
test_ssh_banner(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	feed_str(f, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", T0 + 1000);
	expect_not_rdp(f, "SSH banner: SSH-2.0-OpenSSH_9.2p1 Debian-2");
}

static void
test_tls_answer(void **state)
{
	/* A TLS-only listener answers the CR with an alert record. */
	static const uint8_t alert[] = {0x15, 0x03, 0x01, 0x00,
	                                0x02, 0x02, 0x46};
	static const uint8_t hs[] = {0x16, 0x03, 0x03, 0x00};
	struct fx *f = *state;

	begin(f, T0);
	feed(f, alert, sizeof(alert), T0 + 1000);
	expect_not_rdp(f, "TLS record (server expected a TLS ClientHello "
	                  "first)");
	rdd_probe_free(f->p);
	begin(f, T0);
	feed(f, hs, 1, T0 + 1000);
	assert_false(rdd_probe_done(f->p)); /* one byte cannot tell */
	feed(f, hs + 1, sizeof(hs) - 1, T0 + 1000);
	expect_not_rdp(f, "TLS record");
}

static void
test_text_answer(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	feed_str(f, "220 mail.example ESMTP\r\n", T0 + 1000);
	expect_not_rdp(f, "text: 220 mail.example ESMTP");
	assert_string_equal(f->a.x224_detail, "text: 220 mail.example ESMTP");
}

static void
test_binary_answer(void **state)
{
	static const uint8_t junk[] = {0xff, 0x00, 0x13, 0x37, 0x80, 0x81,
	                               0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
	                               0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d};
	struct fx *f = *state;

	begin(f, T0);
	feed(f, junk, sizeof(junk), T0 + 1000);
	expect_not_rdp(f, "binary: ff 00 13 37 80");
	assert_int_equal(f->a.n_first_bytes, 16);
	assert_memory_equal(f->a.first_bytes, junk, 16);
}

/* A short answer that is not TPKT, then close: named at the close. */
static void
test_short_text_then_close(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	feed_str(f, "nope", T0 + 1000);
	assert_false(rdd_probe_done(f->p));
	rdd_probe_peer_closed(f->p, false, T0 + 2000);
	expect_not_rdp(f, "text: nope");
}

/* 0x03 with a non-zero reserved byte is not TPKT either. */
static void
test_bad_reserved_byte(void **state)
{
	static const uint8_t b[] = {0x03, 0x01, 0x00, 0x13};
	struct fx *f = *state;

	begin(f, T0);
	feed(f, b, sizeof(b), T0 + 1000);
	rdd_probe_tick(f->p, T0 + TIMEOUT);
	expect_not_rdp(f, "binary: 03 01 00 13");
}

/* --- malformed TPKT / X.224 --------------------------------------------- */

static void
test_disconnect_request(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	feed(f, disconnect_req, sizeof(disconnect_req), T0 + 1000);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_MALFORMED);
	assert_non_null(strstr(f->a.x224_detail, "Disconnect Request"));
}

static void
test_bad_tpkt_length(void **state)
{
	static const uint8_t b[] = {0x03, 0x00, 0x00, 0x03, 0x00};
	struct fx *f = *state;

	begin(f, T0);
	feed(f, b, sizeof(b), T0 + 1000);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_MALFORMED);
	assert_string_equal(f->a.x224_detail,
	                    "TPKT header with an impossible length of 3 bytes");
}

static void
test_invalid_cc(void **state)
{
	uint8_t cc[sizeof(spec_cc)];
	struct fx *f = *state;

	memcpy(cc, spec_cc, sizeof(cc));
	cc[13] = 0x09; /* RDP_NEG_RSP length must be 8 */
	begin(f, T0);
	feed(f, cc, sizeof(cc), T0 + 1000);
	assert_int_equal(f->a.x224, RDD_X224_MALFORMED);
	assert_non_null(
	    strstr(f->a.x224_detail, "invalid X.224 Connection Confirm"));
}

/* --- partial answers, closes, resets, stalls ----------------------------- */

static void
test_truncated_then_close(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	feed(f, spec_cc, 10, T0 + 1000);
	assert_false(rdd_probe_done(f->p));
	rdd_probe_peer_closed(f->p, false, T0 + 3000);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_CLOSED);
	assert_string_equal(
	    f->a.x224_detail,
	    "server closed the connection before a Connection Confirm "
	    "(10 bytes received: an incomplete TPKT of 19 bytes)");
	assert_true(f->a.x224_ms == 3.0);
}

/* Every truncation of the spec CC waits for more, then closes cleanly. */
static void
test_every_truncation(void **state)
{
	struct fx *f = *state;
	size_t cut;

	for (cut = 1; cut < sizeof(spec_cc); cut++) {
		begin(f, T0);
		feed(f, spec_cc, cut, T0 + 1000);
		assert_false(rdd_probe_done(f->p));
		rdd_probe_peer_closed(f->p, cut % 2 == 0, T0 + 2000);
		assert_true(rdd_probe_done(f->p));
		assert_int_equal(f->a.x224, cut % 2 == 0 ? RDD_X224_RESET
		                                         : RDD_X224_CLOSED);
		rdd_probe_free(f->p);
		f->p = NULL;
	}
}

static void
test_reset_without_answer(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	rdd_probe_peer_closed(f->p, true, T0 + 500);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_RESET);
	assert_int_equal(f->a.n_first_bytes, 0);
	assert_string_equal(
	    f->a.x224_detail,
	    "connection reset by the server before a Connection Confirm "
	    "(no bytes received)");
	/* Nothing changes after done. */
	feed(f, spec_cc, sizeof(spec_cc), T0 + 600);
	rdd_probe_tick(f->p, T0 + 10 * TIMEOUT);
	assert_int_equal(f->a.x224, RDD_X224_RESET);
}

static void
test_close_without_answer(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	rdd_probe_peer_closed(f->p, false, T0 + 500);
	assert_int_equal(f->a.x224, RDD_X224_CLOSED);
}

static void
test_trickled_cc(void **state)
{
	struct fx *f = *state;
	size_t i;

	begin(f, T0 + 1000);
	for (i = 0; i < sizeof(spec_cc); i++) {
		assert_false(rdd_probe_done(f->p));
		feed(f, spec_cc + i, 1, T0 + 2000 + 1000 * i);
	}
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_RSP);
	assert_int_equal(f->a.selected, 0);
	assert_int_equal(f->a.n_first_bytes, 16);
	assert_memory_equal(f->a.first_bytes, spec_cc, 16);
	/* CR at T0+1ms, last byte at T0 + 2ms + 18ms. */
	assert_true(f->a.x224_start_ms == 1.0);
	assert_true(f->a.x224_ms == 19.0);
}

/* The CC in two pieces of every split. */
static void
test_every_split(void **state)
{
	struct fx *f = *state;
	size_t cut;

	for (cut = 1; cut < sizeof(w2k8_cc); cut++) {
		begin(f, T0);
		feed(f, w2k8_cc, cut, T0 + 1000);
		feed(f, w2k8_cc + cut, sizeof(w2k8_cc) - cut, T0 + 2000);
		assert_true(rdd_probe_done(f->p));
		assert_int_equal(f->a.x224, RDD_X224_RSP);
		assert_int_equal(f->a.selected, RDD_PROTO_HYBRID);
		rdd_probe_free(f->p);
		f->p = NULL;
	}
}

static void
test_stall_timeout(void **state)
{
	struct fx *f = *state;
	const uint64_t start = T0 + 250000;

	begin(f, start);
	assert_int_equal(rdd_probe_deadline(f->p), start + TIMEOUT);
	rdd_probe_tick(f->p, start + TIMEOUT - 1);
	assert_false(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_NOT_RUN);
	rdd_probe_tick(f->p, start + TIMEOUT);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_TIMEOUT);
	assert_true(f->a.x224_start_ms == 250.0);
	assert_true(f->a.x224_ms == 5000.0);
	assert_string_equal(
	    f->a.x224_detail,
	    "no Connection Confirm within 5.0 s (no bytes received)");
	assert_int_equal(rdd_probe_deadline(f->p), UINT64_MAX);
	assert_true(traced(&f->log, "timeout: no Connection Confirm within "
	                            "5.0 s (no bytes received)"));
}

static void
test_partial_then_stall(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	feed(f, spec_cc, 5, T0 + 1000);
	/* Bytes arriving do not move the deadline. */
	assert_int_equal(rdd_probe_deadline(f->p), T0 + TIMEOUT);
	rdd_probe_tick(f->p, T0 + TIMEOUT + 7);
	assert_int_equal(f->a.x224, RDD_X224_TIMEOUT);
	assert_string_equal(
	    f->a.x224_detail,
	    "no Connection Confirm within 5.0 s (5 bytes received: an "
	    "incomplete TPKT of 19 bytes)");
}

static void
test_text_then_stall(void **state)
{
	struct fx *f = *state;

	begin(f, T0);
	feed_str(f, "H", T0 + 1000);
	rdd_probe_tick(f->p, T0 + TIMEOUT);
	expect_not_rdp(f, "text: H");
}

static void
test_timings(void **state)
{
	struct fx *f = *state;

	f->cfg.t0_us = 5000000;
	begin(f, 5250000);
	feed(f, spec_cc, sizeof(spec_cc), 5262500);
	assert_true(f->a.x224_start_ms == 250.0);
	assert_true(f->a.x224_ms == 12.5);
}

/* Bytes after the CC (when TLS is not wanted) are ignored. */
static void
test_cc_with_trailing_bytes(void **state)
{
	uint8_t b[sizeof(legacy_cc) + 4];
	struct fx *f = *state;

	memcpy(b, legacy_cc, sizeof(legacy_cc));
	memcpy(b + sizeof(legacy_cc), "junk", 4);
	begin(f, T0);
	feed(f, b, sizeof(b), T0 + 1000);
	assert_int_equal(f->a.x224, RDD_X224_NO_NEG_DATA);
	assert_int_equal(f->a.n_first_bytes, sizeof(b));
}

/* A huge TPKT (65535 bytes) that never completes stays bounded and ends
 * in a timeout; a complete one that is not a CC is malformed. */
static void
test_huge_tpkt(void **state)
{
	struct fx *f = *state;
	uint8_t *big = calloc(1, 70000);
	size_t off;

	assert_non_null(big);
	big[0] = 0x03;
	big[2] = 0xff;
	big[3] = 0xff;
	begin(f, T0);
	for (off = 0; off < 65534; off += 4096)
		feed(f, big + off, off + 4096 > 65534 ? 65534 - off : 4096,
		     T0 + 1000);
	assert_false(rdd_probe_done(f->p));
	feed(f, big + 65534, 70000 - 65534, T0 + 2000);
	assert_true(rdd_probe_done(f->p));
	assert_int_equal(f->a.x224, RDD_X224_MALFORMED);
	free(big);
}

static void
test_no_trace_callback(void **state)
{
	struct fx *f = *state;

	f->cfg.trace = NULL;
	begin(f, T0);
	feed(f, spec_cc, sizeof(spec_cc), T0 + 1000);
	assert_int_equal(f->a.x224, RDD_X224_RSP);
	assert_int_equal(f->log.n, 0);
}

static void
test_null_safety(void **state)
{
	const uint8_t *d;

	(void)state;
	assert_null(rdd_probe_new(NULL, NULL, NULL));
	rdd_probe_free(NULL);
	assert_int_equal(rdd_probe_pending(NULL, &d), 0);
	assert_int_equal(rdd_probe_deadline(NULL), UINT64_MAX);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_cr_spec_bytes),
	    T(test_cr_requested_no_cookie),
	    T(test_cr_bad_cookie_not_sent),
	    T(test_spec_cc),
	    T(test_rsp_hybrid_capture),
	    T(test_rsp_flags_trace),
	    T(test_failure_codes),
	    T(test_failure_capture),
	    T(test_legacy_cc),
	    T(test_ssl_selected_without_tls),
	    T(test_ssl_selected_starts_tls),
	    T(test_http_answer),
	    T(test_http_trickled),
	    T(test_ssh_banner),
	    T(test_tls_answer),
	    T(test_text_answer),
	    T(test_binary_answer),
	    T(test_short_text_then_close),
	    T(test_bad_reserved_byte),
	    T(test_disconnect_request),
	    T(test_bad_tpkt_length),
	    T(test_invalid_cc),
	    T(test_truncated_then_close),
	    T(test_every_truncation),
	    T(test_reset_without_answer),
	    T(test_close_without_answer),
	    T(test_trickled_cc),
	    T(test_every_split),
	    T(test_stall_timeout),
	    T(test_partial_then_stall),
	    T(test_text_then_stall),
	    T(test_timings),
	    T(test_cc_with_trailing_bytes),
	    T(test_huge_tpkt),
	    T(test_no_trace_callback),
	    T(test_null_safety),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
