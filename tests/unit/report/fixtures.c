/*
 * fixtures.c - synthetic observations and diagnoses shared by the report
 * renderer tests (see fixtures.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fixtures.h"

void
set_phase(struct rdd_observation *obs, enum rdd_phase p, enum rdd_status st,
          double start, double ms, const char *detail)
{
	struct rdd_phase_result *r = &obs->phases[p];

	r->present = true;
	r->status = st;
	r->start_ms = start;
	r->ms = ms;
	snprintf(r->detail, sizeof(r->detail), "%s", detail);
}

struct rdd_attempt *
add_attempt(struct rdd_observation *obs, const char *label, uint32_t req,
            bool tls)
{
	struct rdd_attempt *a = &obs->attempts[obs->n_attempts++];

	snprintf(a->label, sizeof(a->label), "%s", label);
	a->requested = req;
	a->tls_wanted = tls;
	snprintf(a->address, sizeof(a->address), "%s", obs->address);
	return a;
}

void
attempt_rsp(struct rdd_attempt *a, uint32_t selected, uint8_t flags,
            double start)
{
	a->tcp = RDD_TCP_OK;
	a->tcp_start_ms = start;
	a->tcp_ms = 0.3;
	a->x224 = RDD_X224_RSP;
	a->selected = selected;
	a->flags = flags;
	a->x224_start_ms = start + 0.3;
	a->x224_ms = 1.2;
}

void
base(struct rdd_observation *obs)
{
	rdd_observation_init(obs);
	snprintf(obs->host, sizeof(obs->host), "nego.rdpsrv.lab");
	obs->port = 3389;
	snprintf(obs->addresses[0], RDD_ADDR_STR, "10.201.0.14");
	snprintf(obs->addresses[1], RDD_ADDR_STR, "10.201.0.15");
	obs->n_addresses = 2;
	snprintf(obs->address, sizeof(obs->address), "10.201.0.14");
	obs->checked_at = CHECKED_AT;
	obs->timeout_s = 5;
	obs->total_ms = 12.5;
	set_phase(obs, RDD_PHASE_RESOLVE, RDD_STATUS_OK, 0, 0.4,
	          "nego.rdpsrv.lab -> 10.201.0.14, 10.201.0.15");
	obs->alt[0].tcp = RDD_TCP_REFUSED;
	obs->alt[0].ms = 0.2;
	snprintf(obs->alt[0].address, RDD_ADDR_STR, "10.201.0.15");
	obs->n_alt = 1;
}

void
set_cert(struct rdd_observation *obs, const char *subject, int64_t not_after)
{
	struct rdd_tls_info *t = &obs->tls;
	struct rdd_cert *c = &t->cert;

	t->present = true;
	snprintf(t->attempt, sizeof(t->attempt), "A");
	snprintf(t->version, sizeof(t->version), "TLSv1.2");
	snprintf(t->cipher, sizeof(t->cipher), "ECDHE-RSA-AES256-GCM-SHA384");
	c->present = true;
	snprintf(c->subject, sizeof(c->subject), "%s", subject);
	snprintf(c->issuer, sizeof(c->issuer), "%s", subject);
	snprintf(c->common_name, sizeof(c->common_name), "nego.rdpsrv.lab");
	snprintf(c->san[0], RDD_STR, "DNS:nego.rdpsrv.lab");
	snprintf(c->san[1], RDD_STR, "IP:10.201.0.14");
	c->n_san = 2;
	c->not_before = CHECKED_AT - 265 * DAY;
	c->not_after = not_after;
	c->self_signed = true;
	snprintf(c->key_type, sizeof(c->key_type), "RSA");
	c->key_bits = 2048;
	snprintf(c->signature, sizeof(c->signature), "sha256WithRSAEncryption");
	snprintf(
	    c->sha256, sizeof(c->sha256), "%s",
	    "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b");
	c->name_match = 1;
	snprintf(c->name_checked, sizeof(c->name_checked), "nego.rdpsrv.lab");
}

void
add_finding(struct rdd_diagnosis *d, enum rdd_cause cause,
            enum rdd_severity sev, enum rdd_phase phase, const char *evidence)
{
	struct rdd_finding *f = &d->findings[d->n_findings++];

	f->cause = cause;
	f->severity = sev;
	f->phase = phase;
	snprintf(f->evidence, sizeof(f->evidence), "%s", evidence);
}

void
verdict(struct rdd_diagnosis *d, enum rdd_verdict v, int failed_phase,
        const char *summary)
{
	d->status = v;
	d->failed_phase = failed_phase;
	snprintf(d->summary, sizeof(d->summary), "%s", summary);
}

/* A healthy server with SecurityLayer = Negotiate and NLA not required. */
void
fixture_healthy(struct rdd_observation *obs, struct rdd_diagnosis *d)
{
	struct rdd_attempt *a;

	base(obs);
	set_phase(obs, RDD_PHASE_TCP, RDD_STATUS_OK, 0.4, 0.3,
	          "connected to 10.201.0.14");
	set_phase(obs, RDD_PHASE_X224, RDD_STATUS_OK, 0.7, 1.2,
	          "selected HYBRID (flags 0x1f)");
	set_phase(obs, RDD_PHASE_TLS, RDD_STATUS_OK, 1.9, 2.1,
	          "TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384");
	a = add_attempt(obs, "A", 0x0B, true);
	attempt_rsp(a, RDD_PROTO_HYBRID, 0x1f, 0.4);
	a->tls = RDD_TLS_OK;
	a->tls_start_ms = 1.9;
	a->tls_ms = 2.1;
	a = add_attempt(obs, "B", 0x01, true);
	attempt_rsp(a, RDD_PROTO_SSL, 0x00, 0.5);
	a->x224_ms = 1.1;
	a->tls = RDD_TLS_OK;
	a->tls_ms = 2.0;
	a = add_attempt(obs, "C", 0x00, false);
	attempt_rsp(a, RDD_PROTO_RDP, 0x00, 0.6);
	a->x224_ms = 0.9;
	obs->security_layer = RDD_SECLAYER_NEGOTIATE;
	obs->nla_required = 0;
	set_cert(obs, "CN=nego.rdpsrv.lab", CHECKED_AT + 100 * DAY);

	memset(d, 0, sizeof(*d));
	add_finding(d, RDD_CAUSE_CERT_SELF_SIGNED, RDD_SEV_WARNING,
	            RDD_PHASE_TLS, "issuer = subject = CN=nego.rdpsrv.lab");
	add_finding(d, RDD_CAUSE_NLA_NOT_REQUIRED, RDD_SEV_WARNING,
	            RDD_PHASE_X224, "attempt B (SSL only) selected SSL");
	verdict(d, RDD_VERDICT_WARNING, -1,
	        "a default client connects; 2 warnings");
}

/* Nothing listens: RST to SYN. */
void
fixture_refused(struct rdd_observation *obs, struct rdd_diagnosis *d)
{
	struct rdd_attempt *a;

	base(obs);
	set_phase(obs, RDD_PHASE_TCP, RDD_STATUS_FAILED, 0.4, 0.2,
	          "connection refused by 10.201.0.14");
	set_phase(obs, RDD_PHASE_X224, RDD_STATUS_SKIPPED, 0, 0, "");
	set_phase(obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED, 0, 0, "");
	a = add_attempt(obs, "A", 0x0B, true);
	a->tcp = RDD_TCP_REFUSED;
	a->tcp_start_ms = 0.4;
	a->tcp_ms = 0.2;
	snprintf(a->tcp_error, sizeof(a->tcp_error), "connection refused");

	memset(d, 0, sizeof(*d));
	add_finding(d, RDD_CAUSE_TCP_REFUSED, RDD_SEV_CRITICAL, RDD_PHASE_TCP,
	            "10.201.0.14:3389 answered the SYN with a RST");
	verdict(d, RDD_VERDICT_CRITICAL, RDD_PHASE_TCP,
	        "nothing accepts connections on 10.201.0.14:3389");
}

/* TLS works, but the certificate expired three days ago. */
void
fixture_expired(struct rdd_observation *obs, struct rdd_diagnosis *d)
{
	fixture_healthy(obs, d);
	obs->tls.cert.not_after = CHECKED_AT - 3 * DAY;
	memset(d, 0, sizeof(*d));
	add_finding(
	    d, RDD_CAUSE_CERT_EXPIRED, RDD_SEV_CRITICAL, RDD_PHASE_TLS,
	    "notAfter 2026-11-19 06:40:01 UTC, 3 days before the check");
	verdict(d, RDD_VERDICT_CRITICAL, RDD_PHASE_TLS,
	        "the server's certificate has expired");
}

/* A hostile server: terminal escapes and invalid UTF-8 in every string it
 * chooses. */
void
fixture_hostile(struct rdd_observation *obs, struct rdd_diagnosis *d)
{
	fixture_healthy(obs, d);
	set_cert(obs, HOSTILE_SUBJECT, CHECKED_AT + 100 * DAY);
	snprintf(obs->tls.cert.san[1], RDD_STR, "DNS:\x1b[31mred\r\nfake\x7f");
	snprintf(obs->tls.cert.common_name, RDD_STR, "\xc0\xaf\xed\xa0\x80");
	snprintf(obs->tls.cert.name_checked, RDD_STR, "nego.rdpsrv.lab");
	obs->tls.cert.name_match = 0;
	snprintf(obs->phases[RDD_PHASE_TLS].detail, RDD_STR,
	         "alert from \x1b[2J\xc2\x9b"
	         "1;1H server");
	snprintf(obs->attempts[0].tls_detail, RDD_STR, "\x1b[2J\r\n");
	snprintf(obs->attempts[0].x224_detail, RDD_STR, "\x9b\x1b");
	memset(d, 0, sizeof(*d));
	add_finding(d, RDD_CAUSE_CERT_NAME_MISMATCH, RDD_SEV_WARNING,
	            RDD_PHASE_TLS,
	            "subject " HOSTILE_SUBJECT " does not match");
	verdict(d, RDD_VERDICT_WARNING, -1, "summary \x1b[2J\xff");
}

/*
 * xrdp with security_layer=rdp (the lab's .11): every request gets
 * standard RDP security; C's Connect-Response (RDP 5+, 128-bit RC4, level
 * High, a 2048-bit proprietary certificate) is the MCS record; of the
 * encryption probes, only 128-bit is chosen when offered alone.
 */
void
fixture_rdp_security(struct rdd_observation *obs, struct rdd_diagnosis *d)
{
	static const struct {
		const char *label;
		uint32_t method;
		uint32_t chosen;
	} probes[] = {
	    {"E40", 0x01, 0x02},
	    {"E56", 0x08, 0x02},
	    {"E128", 0x02, 0x02},
	    {"EFIPS", 0x10, 0x02},
	};
	struct rdd_mcs_info *m = &obs->mcs;
	struct rdd_attempt *a;
	size_t i;

	base(obs);
	snprintf(obs->host, sizeof(obs->host), "rdp.rdpsrv.lab");
	set_phase(obs, RDD_PHASE_TCP, RDD_STATUS_OK, 0.4, 0.3,
	          "connected to 10.201.0.14");
	set_phase(obs, RDD_PHASE_X224, RDD_STATUS_OK, 0.7, 1.2,
	          "selected RDP (flags 0x01)");
	set_phase(obs, RDD_PHASE_TLS, RDD_STATUS_SKIPPED, 0, 0,
	          "server selected standard RDP security");
	set_phase(obs, RDD_PHASE_MCS, RDD_STATUS_OK, 1.9, 1.4,
	          "Connect-Response rt-successful; RDP 5.0-8.1 (0x00080004); "
	          "128-bit RC4, level High, proprietary certificate (RSA 2048 "
	          "bits)");
	a = add_attempt(obs, "A", 0x0B, true);
	attempt_rsp(a, RDD_PROTO_RDP, 0x01, 0.4);
	a->mcs_wanted = true;
	a->encryption_methods = 0x1b;
	a->mcs = RDD_MCS_OK;
	a->mcs_result = 0;
	a->mcs_encryption_method = 0x02;
	a->mcs_encryption_level = 3;
	a->mcs_start_ms = 1.9;
	a->mcs_ms = 1.4;
	snprintf(a->mcs_detail, sizeof(a->mcs_detail), "%s",
	         obs->phases[RDD_PHASE_MCS].detail);
	a = add_attempt(obs, "B", 0x01, false);
	attempt_rsp(a, RDD_PROTO_RDP, 0x01, 0.5);
	a = add_attempt(obs, "C", 0x00, false);
	attempt_rsp(a, RDD_PROTO_RDP, 0x01, 0.6);
	*a = obs->attempts[0];
	snprintf(a->label, sizeof(a->label), "C");
	a->requested = 0;
	a->tls_wanted = false;
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		a = add_attempt(obs, probes[i].label, 0x00, false);
		attempt_rsp(a, RDD_PROTO_RDP, 0x01, 5.0);
		a->mcs_wanted = true;
		a->encryption_methods = probes[i].method;
		a->mcs = RDD_MCS_OK;
		a->mcs_result = 0;
		a->mcs_encryption_method = probes[i].chosen;
		a->mcs_encryption_level = 3;
		a->mcs_start_ms = 6.0;
		a->mcs_ms = 1.0;
		snprintf(a->mcs_detail, sizeof(a->mcs_detail), "chose 0x%02x",
		         (unsigned)probes[i].chosen);
	}
	obs->security_layer = RDD_SECLAYER_RDP;
	obs->nla_required = 0;

	m->outcome = RDD_MCS_OK;
	snprintf(m->attempt, sizeof(m->attempt), "C");
	m->start_ms = 1.9;
	m->ms = 1.4;
	snprintf(m->detail, sizeof(m->detail), "%s",
	         obs->phases[RDD_PHASE_MCS].detail);
	m->selected_protocol = RDD_PROTO_RDP;
	m->encryption_methods = 0x1b;
	m->result = 0;
	m->disconnect_reason = -1;
	m->has_core = true;
	m->server_version_raw = 0x00080004;
	snprintf(m->rdp_version, sizeof(m->rdp_version), "RDP 5.0-8.1");
	m->core_length = 12;
	m->has_client_requested_protocols = true;
	m->client_requested_protocols = 0;
	m->has_security = true;
	m->encryption_method = 0x02;
	m->encryption_level = 3;
	m->server_random_len = 32;
	m->server_certificate.kind = RDD_SERVER_CERT_PROPRIETARY;
	m->server_certificate.version_raw = 1;
	m->server_certificate.valid = true;
	m->server_certificate.sig_alg_id = 1;
	m->server_certificate.key_alg_id = 1;
	m->server_certificate.rsa_bits = 2048;
	m->server_certificate.rsa_exponent = 65537;
	m->server_certificate.signature_len = 72;
	m->server_certificate.n_certs = 1;
	m->has_net = true;
	m->io_channel = 1003;
	m->channel_count = 0;
	m->tested_encryption_methods = 0x1b;
	m->accepted_encryption_methods[0] = 0x02;
	m->n_accepted_encryption_methods = 1;

	memset(d, 0, sizeof(*d));
	add_finding(d, RDD_CAUSE_NLA_NOT_REQUIRED, RDD_SEV_WARNING,
	            RDD_PHASE_X224,
	            "request SSL|HYBRID|HYBRID_EX (0xb) -> selected RDP");
	add_finding(d, RDD_CAUSE_RDP_SECURITY_ALLOWED, RDD_SEV_WARNING,
	            RDD_PHASE_MCS, "request RDP (0x0) -> selected RDP");
	verdict(d, RDD_VERDICT_WARNING, -1,
	        "A default Windows client would connect; 2 warnings.");
}
