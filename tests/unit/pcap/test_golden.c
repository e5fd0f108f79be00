/*
 * test_golden.c - every capture of tests/captures read whole, as
 * `rdpdoctor pcap` reads it (lib/pcap/capture.c), and what it says checked
 * against what the captures' own projects record: Zeek's baselines
 * (tests/captures/zeek/Baseline/scripts.base.protocols.rdp.NAME: rdp.log,
 * ssl.log, x509.log, conn.log, out) and suricata-verify's expectations
 * (tests/captures/suricata-verify/tests/NAME/test.yaml). Where the two
 * projects name a fact differently the comment says how they line up;
 * where rdpdoctor says more (the verdict, what could not be seen), the
 * assertion is rdpdoctor's own reading of the frames named.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcap/capture.h"
#include "pcap/fallback.h"
#include "wire/gcc.h"
#include "wire/tlshello.h"

#define MAX_CONNS 8

struct got {
	struct rdd_pcap_conn *c[MAX_CONNS];
	size_t n;
	struct rdd_capture_stats st;
};

static void
keep(void *ctx, struct rdd_pcap_conn *conn)
{
	struct got *g = ctx;

	assert_true(g->n < MAX_CONNS);
	g->c[g->n] = rdd_pcap_conn_new();
	assert_non_null(g->c[g->n]);
	rdd_pcap_conn_copy(g->c[g->n], conn);
	g->n++;
}

static int
by_start(const void *a, const void *b)
{
	const struct rdd_pcap_conn *x = *(const struct rdd_pcap_conn *const *)a;
	const struct rdd_pcap_conn *y = *(const struct rdd_pcap_conn *const *)b;

	return x->first_frame < y->first_frame ? -1 : 1;
}

static void
read_capture(const char *rel, struct got *g)
{
	struct rdd_capture_options opt = {.timeout_s = 5};
	char path[512], err[256];
	FILE *f;
	size_t i;

	memset(g, 0, sizeof(*g));
	snprintf(path, sizeof(path), "%s/%s", RDD_TEST_DATA, rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(
	    rdd_capture_read(f, &opt, keep, g, &g->st, err, sizeof(err)), 0);
	qsort(g->c, g->n, sizeof(g->c[0]), by_start);
	for (i = 0; i < g->n; i++)
		g->c[i]->index = (unsigned)(i + 1);
}

static void
release(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		rdd_pcap_conn_free(g->c[i]);
}

static const struct rdd_attempt *
A(const struct rdd_pcap_conn *c)
{
	return &c->obs.attempts[0];
}

static void
assert_endpoints(const struct rdd_pcap_conn *c, const char *cl, uint16_t cport,
                 const char *sv, uint16_t sport)
{
	assert_string_equal(c->client.addr, cl);
	assert_int_equal(c->client.port, cport);
	assert_string_equal(c->server.addr, sv);
	assert_int_equal(c->server.port, sport);
}

/*
 * rdp-to-ssl.pcap. Zeek rdp.log: two rows, 192.168.1.200:49206 and :49207
 * to 192.168.1.150:3389, cookie AWAKECODI, result "encrypted",
 * security_protocol HYBRID. ssl.log: TLSv10,
 * TLS_RSA_WITH_AES_128_CBC_SHA, server_name 192.168.1.150, established,
 * cert_chain_fps a5b05d2a..., subject = issuer =
 * CN=WIN2K8R2.awakecoding.ath.cx, sni_matches_cert F (rdpdoctor's name
 * check against the SNI: mismatch). Zeek's "encrypted" is rdpdoctor's
 * "not visible": what followed the handshake is CredSSP under TLS.
 */
static void
test_rdp_to_ssl(void **state)
{
	static const char fp[] =
	    "a5b05d2ae076130aa41060f53ecd72bdf864ea0179250e927549c94d5ab2499a";
	struct got g;
	size_t i;

	(void)state;
	read_capture("zeek/Traces/rdp/rdp-to-ssl.pcap", &g);
	assert_int_equal(g.n, 2);
	assert_endpoints(g.c[0], "192.168.1.200", 49206, "192.168.1.150", 3389);
	assert_endpoints(g.c[1], "192.168.1.200", 49207, "192.168.1.150", 3389);
	for (i = 0; i < 2; i++) {
		const struct rdd_pcap_conn *c = g.c[i];
		const struct rdd_tls_info *t = &c->obs.tls;

		assert_string_equal(c->cli.cookie, "AWAKECODI");
		assert_int_equal(c->cli.requested,
		                 RDD_PROTO_SSL | RDD_PROTO_HYBRID);
		assert_int_equal(A(c)->x224, RDD_X224_RSP);
		assert_int_equal(A(c)->selected, RDD_PROTO_HYBRID);
		assert_int_equal(A(c)->flags, 0x01);
		assert_int_equal(A(c)->tls, RDD_TLS_OK);
		assert_true(t->present);
		assert_string_equal(t->version, "TLSv1.0");
		assert_string_equal(t->cipher, "TLS_RSA_WITH_AES_128_CBC_SHA");
		assert_true(t->cert.present);
		assert_string_equal(t->cert.sha256, fp);
		assert_string_equal(t->cert.subject,
		                    "CN=WIN2K8R2.awakecoding.ath.cx");
		assert_true(t->cert.self_signed);
		assert_true(c->cli.has_sni);
		assert_string_equal(c->cli.sni, "192.168.1.150");
		assert_int_equal(t->cert.name_match, 0);
		assert_int_equal(c->status, RDD_PCAP_NOT_VISIBLE);
		assert_int_equal(c->status_phase, RDD_PHASE_CREDSSP);
		assert_int_equal(c->obs.phases[RDD_PHASE_CREDSSP].status,
		                 RDD_STATUS_SKIPPED);
		assert_non_null(strstr(c->not_visible, "not visible"));
	}
	/* The first: the client closed 3.38 s in (frame 17), after two
	 * records each way; 3.3 s of it passed before its ClientHello. */
	assert_true(g.c[0]->side[0].fin);
	assert_int_equal(g.c[0]->side[0].fin_frame, 17);
	assert_int_equal(g.c[0]->tls.records[0], 2);
	assert_int_equal(g.c[0]->tls.records[1], 2);
	assert_true(A(g.c[0])->tls_start_ms > 3300);
	release(&g);
}

/*
 * rdp-proprietary-encryption.pcap. Zeek rdp.log row 1: cookie FTBCO\A70
 * (Zeek escapes the backslash), result SSL_NOT_ALLOWED_BY_SERVER; row 2:
 * Success, RDP, channels rdpdr,rdpsnd,drdynvc,cliprdr, keyboard "English
 * - United States" (0x409), client_build "RDP 6.0" (Zeek's name for build
 * 6000), client_name FROG-POND, 1152x864, 32bit, cert_type RSA (the
 * proprietary certificate), cert_count 1, cert_permanent T, High, 128bit.
 * The first connection is mstsc's fallback: linked, it is fell_back.
 */
static void
test_rdp_proprietary_encryption(void **state)
{
	const struct rdd_mcs_info *m;
	const struct rdd_pcap_client *cl;
	struct got g;

	(void)state;
	read_capture("zeek/Traces/rdp/rdp-proprietary-encryption.pcap", &g);
	assert_int_equal(g.n, 2);
	assert_endpoints(g.c[0], "172.21.128.16", 1311, "10.226.24.52", 3389);
	assert_string_equal(g.c[0]->cli.cookie, "FTBCO\\A70");
	assert_int_equal(A(g.c[0])->x224, RDD_X224_FAILURE);
	assert_int_equal(A(g.c[0])->failure_code, 2);
	assert_int_equal(g.c[0]->status, RDD_PCAP_FAILED);
	assert_int_equal(g.c[0]->status_phase, RDD_PHASE_X224);

	cl = &g.c[1]->cli;
	assert_string_equal(cl->cookie, "FTBCO\\A70");
	assert_int_equal(cl->requested, RDD_PROTO_RDP);
	assert_int_equal(cl->client_build, 6000);
	assert_string_equal(cl->client_name, "FROG-POND");
	assert_int_equal(cl->keyboard_layout, 0x409);
	assert_int_equal(cl->desktop_width, 1152);
	assert_int_equal(cl->desktop_height, 864);
	assert_int_equal(cl->color_depth, 32);
	assert_int_equal(cl->n_channels, 4);
	assert_string_equal(cl->channels[0], "rdpdr");
	assert_string_equal(cl->channels[1], "rdpsnd");
	assert_string_equal(cl->channels[2], "drdynvc");
	assert_string_equal(cl->channels[3], "cliprdr");
	m = &g.c[1]->obs.mcs;
	assert_int_equal(m->outcome, RDD_MCS_OK);
	assert_int_equal(m->result, 0);
	assert_int_equal(m->encryption_method, RDD_ENCRYPTION_METHOD_128BIT);
	assert_int_equal(m->encryption_level, RDD_ENCRYPTION_LEVEL_HIGH);
	assert_int_equal(m->server_certificate.kind,
	                 RDD_SERVER_CERT_PROPRIETARY);
	assert_int_equal(m->server_certificate.n_certs, 1);
	assert_false(m->server_certificate.temporary);
	/* Licensing is encrypted here (frame 35: SEC_LICENSE_PKT |
	 * SEC_ENCRYPT): not visible from licensing on. */
	assert_int_equal(g.c[1]->status, RDD_PCAP_NOT_VISIBLE);
	assert_int_equal(g.c[1]->status_phase, RDD_PHASE_LICENSING);
	assert_true(g.c[1]->has_end_dpum);
	assert_false(g.c[1]->end_dpum_from_client);

	assert_true(rdd_pcap_is_fallback(g.c[0], g.c[1]));
	assert_false(rdd_pcap_is_fallback(g.c[1], g.c[0]));
	rdd_pcap_link_fallback(g.c[0], g.c[1]);
	assert_int_equal(g.c[0]->status, RDD_PCAP_FELL_BACK);
	assert_int_equal(g.c[0]->fallback_to, 2);
	assert_int_equal(g.c[0]->obs.phases[RDD_PHASE_X224].status,
	                 RDD_STATUS_OK);
	assert_int_equal(g.c[0]->obs.security_layer, RDD_SECLAYER_RDP);
	assert_int_not_equal(g.c[0]->diag->status, RDD_VERDICT_CRITICAL);
	release(&g);
}

/*
 * rdp-x509.pcap. Zeek rdp.log: cookie "JOHN-PC  " (two spaces), Success,
 * RDP, channels rdpdr,rdpsnd,cliprdr,drdynvc, "English - United States",
 * RDP 8.1 (build 9600), JOHN-PC-LAPTOP, dig product id
 * 3c571ed0-3415-474b-ae94-74e151b, 1920x1080, 16bit, X.509, cert_count 2,
 * cert_permanent F, Client compatible, 128bit. x509.log: the server's
 * certificate (the chain's last) has subject
 * serialNumber=1BcKefYSF97EvkaiCqahPY8uPd0=\0D\0A+L=ncalrpc:SERVR+
 * CN=ncalrpc:SERVR, issuer L=TURNBKL+CN=SERVR, RSA 512 bits. The capture
 * ends after the Connect-Response: incomplete, not a failure.
 */
static void
test_rdp_x509(void **state)
{
	const struct rdd_server_certificate *sc;
	const struct rdd_pcap_client *cl;
	struct got g;

	(void)state;
	read_capture("zeek/Traces/rdp/rdp-x509.pcap", &g);
	assert_int_equal(g.n, 1);
	cl = &g.c[0]->cli;
	assert_string_equal(cl->cookie, "JOHN-PC  ");
	assert_int_equal(cl->client_build, 9600);
	assert_string_equal(cl->client_name, "JOHN-PC-LAPTOP");
	assert_string_equal(cl->dig_product_id,
	                    "3c571ed0-3415-474b-ae94-74e151b");
	assert_int_equal(cl->desktop_width, 1920);
	assert_int_equal(cl->desktop_height, 1080);
	assert_int_equal(cl->color_depth, 16);
	assert_int_equal(cl->n_channels, 4);
	assert_string_equal(cl->channels[3], "drdynvc");
	assert_int_equal(g.c[0]->obs.mcs.encryption_level,
	                 RDD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE);
	assert_int_equal(g.c[0]->obs.mcs.encryption_method,
	                 RDD_ENCRYPTION_METHOD_128BIT);
	sc = &g.c[0]->obs.mcs.server_certificate;
	assert_int_equal(sc->kind, RDD_SERVER_CERT_X509);
	assert_int_equal(sc->n_certs, 2);
	assert_true(sc->temporary);
	assert_string_equal(sc->leaf_subject,
	                    "serialNumber=1BcKefYSF97EvkaiCqahPY8uPd0=\\0D\\0A+"
	                    "L=ncalrpc:SERVR+CN=ncalrpc:SERVR");
	assert_string_equal(sc->leaf_issuer, "L=TURNBKL+CN=SERVR");
	assert_int_equal(sc->leaf_key_bits, 512);
	assert_int_equal(g.c[0]->obs.phases[RDD_PHASE_MCS].status,
	                 RDD_STATUS_OK);
	assert_int_equal(g.c[0]->status, RDD_PCAP_INCOMPLETE);
	assert_int_equal(g.c[0]->status_phase, RDD_PHASE_MCS);
	release(&g);
}

/*
 * rdp-unknown-keyboard.pcap (rdp-x509 edited to end after the client's
 * Connect-Initial, with another keyboard). Zeek rdp.log: result "-" (no
 * Connect-Response), keyboard "Thai (Best Guess for 263198)": 263198 is
 * 0x0004041E.
 */
static void
test_rdp_unknown_keyboard(void **state)
{
	struct got g;

	(void)state;
	read_capture("zeek/Traces/rdp/rdp-unknown-keyboard.pcap", &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.c[0]->cli.keyboard_layout, 263198);
	assert_int_equal(A(g.c[0])->mcs, RDD_MCS_NOT_RUN);
	assert_int_equal(g.c[0]->status, RDD_PCAP_INCOMPLETE);
	assert_int_equal(g.c[0]->status_phase, RDD_PHASE_MCS);
	release(&g);
}

/*
 * rdp-no-cookie-mstshash.pcap: every packet appears twice. Zeek rdp.log:
 * cookie (empty), encrypted, HYBRID_EX; ssl.log: TLSv12,
 * TLS_RSA_WITH_AES_256_GCM_SHA384, established, cert_chain_fps
 * 2f24fa5e..., subject CN=CLK-456040-D.one.phoenix.gov. rdpdoctor: the
 * client reset the connection right after the server's Finished (frame
 * 19), before any CredSSP: left by the client, nothing hidden. Zeek's
 * "encrypted" says only that the connection switched to TLS; no record
 * followed the handshake (frames 17-20), so there was no encrypted
 * CredSSP to hide: rdpdoctor's reading is the exact one.
 */
static void
test_rdp_no_cookie(void **state)
{
	struct got g;

	(void)state;
	read_capture("zeek/Traces/rdp/rdp-no-cookie-mstshash.pcap", &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.c[0]->cli.cookie, "");
	assert_int_equal(A(g.c[0])->selected, RDD_PROTO_HYBRID_EX);
	assert_int_equal(A(g.c[0])->flags, 0x1f);
	assert_string_equal(g.c[0]->obs.tls.version, "TLSv1.2");
	assert_string_equal(g.c[0]->obs.tls.cipher,
	                    "TLS_RSA_WITH_AES_256_GCM_SHA384");
	assert_string_equal(
	    g.c[0]->obs.tls.cert.sha256,
	    "2f24fa5efe1c62447b32aa41af38c4176d03a62ca9c3c8d491946ed283b86cca");
	assert_string_equal(g.c[0]->obs.tls.cert.subject,
	                    "CN=CLK-456040-D.one.phoenix.gov");
	assert_true(g.c[0]->side[0].retrans > 0);
	assert_true(g.c[0]->side[0].rst);
	assert_int_equal(g.c[0]->side[0].rst_frame, 19);
	assert_int_equal(g.c[0]->status, RDD_PCAP_CLIENT_CLOSED);
	assert_int_equal(g.c[0]->status_phase, RDD_PHASE_CREDSSP);
	release(&g);
}

/*
 * rdp-invalid-length.pcap: fuzzed bytes on port 3389 (Zeek logs protocol
 * violations). The client's first bytes are not a TPKT (version 0x00), so
 * rdpdoctor does not read it as RDP, and counts it.
 */
static void
test_rdp_invalid_length(void **state)
{
	struct got g;

	(void)state;
	read_capture("zeek/Traces/rdp/rdp-invalid-length.pcap", &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.st.flows.port_not_rdp, 1);
	release(&g);
}

/*
 * RDP-UDP. Zeek conn.log rdpeudp-handshake-fail: 192.168.38.1:63568 to
 * 192.168.38.102:3389, 3 packets out, none back (S0).
 * rdpeudp-handshake-success: ::1:61291 to ::1:3389, established with
 * Zeek's version 1 (RDPEUDP, not RDPEUDP2): the SYN+ACK's SYNEX version
 * is 2 (RDPUDP_PROTOCOL_VERSION_2 of [MS-RDPEUDP]). rdpeudp2: Zeek's
 * version 2 is RDPEUDP2, SYNEX version 0x0101.
 */
static void
test_rdpeudp(void **state)
{
	struct got g;

	(void)state;
	read_capture("zeek/Traces/rdp/rdpeudp-handshake-fail.pcap", &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.c[0]->kind, RDD_PCAP_KIND_UDP);
	assert_endpoints(g.c[0], "192.168.38.1", 63568, "192.168.38.102", 3389);
	assert_int_equal(g.c[0]->obs.udp.outcome, RDD_UDP_NO_ANSWER);
	assert_int_equal(g.c[0]->obs.udp.syns_sent, 3);
	assert_int_equal(g.c[0]->status, RDD_PCAP_FAILED);
	release(&g);

	read_capture("zeek/Traces/rdp/rdpeudp-handshake-success.pcap", &g);
	assert_int_equal(g.n, 1);
	assert_endpoints(g.c[0], "::1", 61291, "::1", 3389);
	assert_int_equal(g.c[0]->obs.udp.outcome, RDD_UDP_ANSWERED);
	assert_int_equal(g.c[0]->obs.udp.version, 2);
	assert_int_equal(g.c[0]->status, RDD_PCAP_OK);
	release(&g);

	read_capture("zeek/Traces/rdp/rdpeudp2-handshake-success.pcap", &g);
	assert_int_equal(g.n, 1);
	assert_endpoints(g.c[0], "192.168.57.5", 65368, "192.168.57.8", 3389);
	assert_int_equal(g.c[0]->obs.udp.version, 0x0101);
	release(&g);
}

/*
 * RDP-003.pcap. suricata-verify rdp-protocol/test.yaml: cookie "A70067";
 * connect_request with client.version "v5" (CS_CORE 0x00080004),
 * client.build "Windows XP" (Suricata's name for build 2600),
 * desktop_height 864, client_name ISD2-KM84178, capabilities
 * support_errinfo_pdf (earlyCapabilityFlags 0x0001),
 * client.id 55274-OEM-0011903-00107 (the clientDigProductId), channels
 * rdpdr, cliprdr, rdpsnd. rdpdoctor: standard RDP security, 56-bit RC4 at
 * level 2; licensing answered at once with STATUS_VALID_CLIENT (frame 26,
 * in the clear); the capability exchange after it is encrypted; the
 * session ends with the server's Disconnect Provider Ultimatum (frame
 * 431). The capture's other flows are not RDP. Wireshark 4.0 names frame
 * 26 a Platform Challenge; its preamble's bMsgType is 0xFF (ERROR_ALERT)
 * with dwErrorCode 7, STATUS_VALID_CLIENT ([MS-RDPELE] 2.2.2.7.1,
 * shared/reference/session.md 8): rdpdoctor's reading is the right one.
 */
static void
test_rdp_003(void **state)
{
	const struct rdd_pcap_client *cl;
	const struct rdd_session_info *s;
	struct got g;
	size_t i;
	bool valid = false;

	(void)state;
	read_capture("suricata-verify/tests/rdp-protocol/RDP-003.pcap", &g);
	assert_int_equal(g.n, 1);
	cl = &g.c[0]->cli;
	assert_string_equal(cl->cookie, "A70067");
	assert_false(cl->neg_req);
	assert_int_equal(cl->version, RDD_RDP_VERSION_5_PLUS);
	assert_int_equal(cl->client_build, 2600);
	assert_int_equal(cl->desktop_height, 864);
	assert_string_equal(cl->client_name, "ISD2-KM84178");
	assert_string_equal(cl->dig_product_id, "55274-OEM-0011903-00107");
	assert_int_equal(cl->n_channels, 3);
	assert_string_equal(cl->channels[0], "rdpdr");
	assert_string_equal(cl->channels[1], "cliprdr");
	assert_string_equal(cl->channels[2], "rdpsnd");
	assert_int_equal(A(g.c[0])->x224, RDD_X224_NO_NEG_DATA);
	assert_int_equal(g.c[0]->obs.mcs.encryption_method,
	                 RDD_ENCRYPTION_METHOD_56BIT);
	assert_int_equal(g.c[0]->obs.mcs.encryption_level, 2);
	s = &g.c[0]->obs.session;
	assert_int_equal(s->licensing, RDD_LICENSING_VALID_CLIENT);
	for (i = 0; i < g.c[0]->n_evidence; i++)
		if (strcmp(g.c[0]->evidence[i].what,
		           "licensing STATUS_VALID_CLIENT") == 0)
			valid = g.c[0]->evidence[i].frame == 26;
	assert_true(valid);
	assert_int_equal(g.c[0]->obs.phases[RDD_PHASE_LICENSING].status,
	                 RDD_STATUS_OK);
	assert_int_equal(g.c[0]->status, RDD_PCAP_NOT_VISIBLE);
	assert_int_equal(g.c[0]->status_phase, RDD_PHASE_ACTIVATION);
	assert_true(g.c[0]->has_end_dpum);
	assert_true(g.st.flows.tcp_flows > 1);
	release(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rdp_to_ssl),
	    cmocka_unit_test(test_rdp_proprietary_encryption),
	    cmocka_unit_test(test_rdp_x509),
	    cmocka_unit_test(test_rdp_unknown_keyboard),
	    cmocka_unit_test(test_rdp_no_cookie),
	    cmocka_unit_test(test_rdp_invalid_length),
	    cmocka_unit_test(test_rdpeudp),
	    cmocka_unit_test(test_rdp_003),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
