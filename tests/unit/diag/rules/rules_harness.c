/*
 * rules_harness.c - what the rules tests share: a synthetic healthy
 * observation, diagnose() with the invariants every diagnosis must keep,
 * and the lookups of findings. See rules_harness.h.
 */
#include "rules_harness.h"

bool emitted[RDD_CAUSE_COUNT];
struct rdd_observation obs;
struct rdd_diagnosis diag;

struct rdd_attempt *
add_attempt(struct rdd_observation *o, const char *label, uint32_t requested)
{
	struct rdd_attempt *a = &o->attempts[o->n_attempts++];

	memset(a, 0, sizeof(*a));
	snprintf(a->label, sizeof(a->label), "%s", label);
	a->requested = requested;
	snprintf(a->address, sizeof(a->address), "%s", o->address);
	a->tcp = RDD_TCP_OK;
	a->tcp_ms = 12;
	a->x224 = RDD_X224_RSP;
	a->selected = requested & RDD_PROTO_HYBRID_EX ? RDD_PROTO_HYBRID_EX
	              : requested & RDD_PROTO_HYBRID  ? RDD_PROTO_HYBRID
	              : requested & RDD_PROTO_SSL     ? RDD_PROTO_SSL
	                                              : RDD_PROTO_RDP;
	a->x224_ms = 9;
	return a;
}

/* A server every default client connects to without a remark. */
void
healthy(struct rdd_observation *o)
{
	struct rdd_attempt *a;
	struct rdd_cert *cert = &o->tls.cert;
	int p;

	rdd_observation_init(o);
	snprintf(o->host, sizeof(o->host), "rdp.example");
	o->port = 3389;
	snprintf(o->addresses[0], sizeof(o->addresses[0]), "192.0.2.10");
	o->n_addresses = 1;
	snprintf(o->address, sizeof(o->address), "192.0.2.10");
	o->checked_at = NOW;
	o->timeout_s = 5;
	for (p = RDD_PHASE_RESOLVE; p <= RDD_PHASE_TLS; p++) {
		o->phases[p].present = true;
		o->phases[p].status = RDD_STATUS_OK;
		o->phases[p].ms = 10;
	}
	/* The walk after MCS went to the end (with the logon NLA needs). */
	for (p = RDD_PHASE_MCS; p <= RDD_PHASE_ACTIVATION; p++) {
		o->phases[p].present = true;
		o->phases[p].status = RDD_STATUS_OK;
		o->phases[p].ms = 5;
	}
	o->session.outcome = RDD_SESSION_ACTIVATED;
	o->session.phase = RDD_PHASE_ACTIVATION;
	snprintf(o->session.attempt, sizeof(o->session.attempt), "A");
	a = add_attempt(o, "A",
	                RDD_PROTO_SSL | RDD_PROTO_HYBRID | RDD_PROTO_HYBRID_EX);
	a->tls_wanted = true;
	a->tls = RDD_TLS_OK;
	a->tls_ms = 30;
	o->security_layer = RDD_SECLAYER_TLS;
	o->nla_required = 1;

	o->tls.present = true;
	snprintf(o->tls.attempt, sizeof(o->tls.attempt), "A");
	snprintf(o->tls.version, sizeof(o->tls.version), "TLSv1.2");
	snprintf(o->tls.cipher, sizeof(o->tls.cipher),
	         "ECDHE-RSA-AES256-GCM-SHA384");
	cert->present = true;
	snprintf(cert->subject, sizeof(cert->subject), "CN=rdp.example");
	snprintf(cert->issuer, sizeof(cert->issuer), "CN=Example Issuing CA");
	snprintf(cert->common_name, sizeof(cert->common_name), "rdp.example");
	snprintf(cert->san[0], sizeof(cert->san[0]), "DNS:rdp.example");
	cert->n_san = 1;
	cert->not_before = NOW - 100 * DAY;
	cert->not_after = NOW + 300 * DAY;
	cert->self_signed = false;
	snprintf(cert->key_type, sizeof(cert->key_type), "RSA");
	cert->key_bits = 2048;
	snprintf(cert->signature, sizeof(cert->signature),
	         "sha256WithRSAEncryption");
	cert->name_match = 1;
	snprintf(cert->name_checked, sizeof(cert->name_checked), "rdp.example");
}

struct rdd_attempt *
att(struct rdd_observation *o, const char *label)
{
	size_t i;

	for (i = 0; i < o->n_attempts; i++)
		if (strcmp(o->attempts[i].label, label) == 0)
			return &o->attempts[i];
	fail_msg("no attempt %s", label);
	return NULL;
}

/*
 * client-side-suspect is present exactly when connection A reached the
 * server, no phase failed and nothing is critical; checked on every
 * diagnosis of every test. It is then the last finding (info, network).
 */
void
check_client_side_suspect(const struct rdd_observation *o,
                          const struct rdd_diagnosis *out)
{
	bool want, have = false;
	size_t i;
	int p;

	want = o->n_attempts > 0 && o->attempts[0].tcp == RDD_TCP_OK;
	/* A walk that stopped short (not behind NLA) proves nothing yet. */
	if (o->phases[RDD_PHASE_ACTIVATION].present &&
	    o->phases[RDD_PHASE_ACTIVATION].status != RDD_STATUS_OK &&
	    !(o->nla_required == 1 &&
	      o->phases[RDD_PHASE_CREDSSP].status == RDD_STATUS_OK))
		want = false;
	for (p = RDD_PHASE_RESOLVE; p < RDD_PHASE_COUNT; p++)
		if (o->phases[p].status == RDD_STATUS_FAILED ||
		    o->phases[p].status == RDD_STATUS_TIMEOUT)
			want = false;
	for (i = 0; i < out->n_findings; i++) {
		if (out->findings[i].severity == RDD_SEV_CRITICAL)
			want = false;
		if (out->findings[i].cause == RDD_CAUSE_CLIENT_SIDE_SUSPECT)
			have = true;
	}
	if (want != have)
		fail_msg("client-side-suspect %s, want %s",
		         have ? "present" : "absent",
		         want ? "present" : "absent");
}

/* Findings other than client-side-suspect (checked on every diagnosis). */
size_t
n_server_findings(const struct rdd_diagnosis *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n_findings; i++)
		if (d->findings[i].cause != RDD_CAUSE_CLIENT_SIDE_SUSPECT)
			n++;
	return n;
}

void
diagnose(const struct rdd_observation *o, struct rdd_diagnosis *out)
{
	struct rdd_observation copy = *o;
	static struct rdd_diagnosis again;
	size_t i;

	rdd_diagnose(o, out);
	/* Pure: the input is untouched and the output repeatable. */
	assert_memory_equal(&copy, o, sizeof(copy));
	rdd_diagnose(o, &again);
	assert_memory_equal(out, &again, sizeof(again));

	assert_true(out->n_findings <= RDD_MAX_FINDINGS);
	for (i = 0; i < out->n_findings; i++) {
		const struct rdd_finding *f = &out->findings[i];
		const struct rdd_cause_info *ci = rdd_cause_info(f->cause);

		assert_non_null(ci);
		if (ci->not_detectable != NULL)
			fail_msg("%s emitted but marked not detectable",
			         ci->id);
		/* The session's causes take the phase the server said no
		 * in: licensing or activation. */
		if (ci->phase == RDD_PHASE_LICENSING ||
		    ci->phase == RDD_PHASE_ACTIVATION)
			assert_true(f->phase == RDD_PHASE_LICENSING ||
			            f->phase == RDD_PHASE_ACTIVATION);
		/* A logon refused over NLA is phase credssp; one refused
		 * after activation (--logon without NLA), activation. */
		/* The gateway's catch-all and close: the step's phase. */
		else if (f->cause == RDD_CAUSE_GATEWAY_ERROR ||
		         f->cause == RDD_CAUSE_GATEWAY_CLOSED)
			assert_true(f->phase >= RDD_PHASE_GATEWAY_TLS &&
			            f->phase <= RDD_PHASE_GATEWAY_CHANNEL);
		else if (f->cause == RDD_CAUSE_LOGON_FAILED ||
		         f->cause == RDD_CAUSE_LOGON_PASSWORD_EXPIRED ||
		         f->cause == RDD_CAUSE_LOGON_NOT_PERMITTED)
			assert_true(f->phase == RDD_PHASE_CREDSSP ||
			            f->phase == RDD_PHASE_ACTIVATION);
		else
			assert_int_equal(f->phase, ci->phase);
		assert_true(strlen(f->evidence) > 0);
		assert_true(strlen(f->evidence) < RDD_EVIDENCE);
		emitted[f->cause] = true;
		if (i > 0) {
			const struct rdd_finding *p = &out->findings[i - 1];

			/* Sorted: severity down, then phase up. */
			assert_true(p->severity >= f->severity);
			if (p->severity == f->severity)
				assert_true(p->phase <= f->phase);
			/* One finding per id. */
		}
		{
			size_t j;

			for (j = 0; j < i; j++)
				assert_int_not_equal(out->findings[j].cause,
				                     f->cause);
		}
	}
	assert_true(strlen(out->summary) > 0);
	assert_int_equal(out->summary[strlen(out->summary) - 1], '.');
	check_client_side_suspect(o, out);
	if (out->n_findings > 0 &&
	    out->findings[0].severity == RDD_SEV_CRITICAL)
		assert_int_equal(out->status, RDD_VERDICT_CRITICAL);
	if (out->status == RDD_VERDICT_CRITICAL)
		assert_true(out->failed_phase >= 0);
	else
		assert_int_equal(out->failed_phase, -1);
}

const struct rdd_finding *
find(const struct rdd_diagnosis *d, const char *id)
{
	int c = rdd_cause_from_id(id);
	size_t i;

	assert_true(c >= 0);
	for (i = 0; i < d->n_findings; i++)
		if ((int)d->findings[i].cause == c)
			return &d->findings[i];
	return NULL;
}

const struct rdd_finding *
expect(const struct rdd_diagnosis *d, const char *id, enum rdd_severity sev)
{
	const struct rdd_finding *f = find(d, id);

	if (f == NULL)
		fail_msg("expected finding %s; summary: %s", id, d->summary);
	if (f->severity != sev)
		fail_msg("%s: severity %s, want %s", id,
		         rdd_severity_name(f->severity),
		         rdd_severity_name(sev));
	return f;
}

void
expect_none(const struct rdd_diagnosis *d, const char *id)
{
	const struct rdd_finding *f = find(d, id);

	if (f != NULL)
		fail_msg("unexpected finding %s: %s", id, f->evidence);
}

void
expect_only(const struct rdd_diagnosis *d, size_t n)
{
	if (n_server_findings(d) != n) {
		size_t i;

		for (i = 0; i < d->n_findings; i++)
			print_message("finding %s: %s\n",
			              rdd_cause_info(d->findings[i].cause)->id,
			              d->findings[i].evidence);
		fail_msg("%zu findings, want %zu", n_server_findings(d), n);
	}
}

void
tcp_fails(enum rdd_tcp_outcome o, const char *err)
{
	struct rdd_attempt *a;

	healthy(&obs);
	a = att(&obs, "A");
	a->tcp = o;
	a->tcp_ms = o == RDD_TCP_TIMEOUT ? 5000 : 3;
	snprintf(a->tcp_error, sizeof(a->tcp_error), "%s", err);
	a->x224 = RDD_X224_NOT_RUN;
	a->tls = RDD_TLS_NOT_RUN;
	obs.tls.present = false;
	obs.tls.cert.present = false;
	obs.phases[RDD_PHASE_TCP].status =
	    o == RDD_TCP_TIMEOUT ? RDD_STATUS_TIMEOUT : RDD_STATUS_FAILED;
	obs.phases[RDD_PHASE_X224].status = RDD_STATUS_SKIPPED;
	obs.phases[RDD_PHASE_TLS].status = RDD_STATUS_SKIPPED;
	diagnose(&obs, &diag);
}

struct rdd_attempt *
tls_fails(enum rdd_tls_outcome o)
{
	struct rdd_attempt *a;

	healthy(&obs);
	a = att(&obs, "A");
	a->tls = o;
	a->tls_ms = o == RDD_TLS_TIMEOUT ? 5000 : 2;
	obs.tls.present = false;
	obs.tls.cert.present = false;
	obs.phases[RDD_PHASE_TLS].status =
	    o == RDD_TLS_TIMEOUT ? RDD_STATUS_TIMEOUT : RDD_STATUS_FAILED;
	return a;
}

/* The healthy server with a CredSSP phase: version 6 and a CHALLENGE
 * whose clock agrees with ours. */
void
credssp_healthy(struct rdd_observation *o)
{
	struct rdd_credssp_info *ci = &o->credssp;

	healthy(o);
	o->phases[RDD_PHASE_CREDSSP].present = true;
	o->phases[RDD_PHASE_CREDSSP].status = RDD_STATUS_OK;
	o->phases[RDD_PHASE_CREDSSP].ms = 3;
	ci->outcome = RDD_CREDSSP_OK;
	snprintf(ci->attempt, sizeof(ci->attempt), "A");
	ci->start_ms = 50;
	ci->ms = 3;
	snprintf(ci->detail, sizeof(ci->detail),
	         "version 6, NTLM CHALLENGE from RDP");
	ci->has_version = true;
	ci->server_version = 6;
	ci->ntlm.present = true;
	snprintf(ci->ntlm.dns_computer, sizeof(ci->ntlm.dns_computer), "RDP");
	ci->ntlm.has_time = true;
	ci->ntlm.time_at_ms = 53;
	ci->ntlm.server_time = NOW;
}

/* The credssp phase fails with OUTCOME. */
struct rdd_credssp_info *
credssp_fails(enum rdd_credssp_outcome outcome, enum rdd_status st,
              const char *detail)
{
	struct rdd_credssp_info *ci = &obs.credssp;

	credssp_healthy(&obs);
	obs.phases[RDD_PHASE_CREDSSP].status = st;
	snprintf(obs.phases[RDD_PHASE_CREDSSP].detail, RDD_STR, "%s", detail);
	ci->outcome = outcome;
	snprintf(ci->detail, sizeof(ci->detail), "%s", detail);
	ci->has_version = false;
	memset(&ci->ntlm, 0, sizeof(ci->ntlm));
	return ci;
}

struct rdd_session_info *
walk_ends(enum rdd_session_outcome outcome, enum rdd_phase phase,
          const char *detail)
{
	struct rdd_session_info *s = &obs.session;
	struct rdd_attempt *a;
	enum rdd_status st;
	int p;

	healthy(&obs);
	a = att(&obs, "A");
	a->selected = RDD_PROTO_SSL;
	a->mcs = RDD_MCS_OK;
	a->mcs_result = 0;
	obs.nla_required = 0;
	rdd_session_info_init(s);
	snprintf(s->attempt, sizeof(s->attempt), "A");
	s->outcome = outcome;
	s->phase = phase;
	s->start_ms = 40;
	s->end_ms = 60;
	s->user_channel = 1007;
	s->io_channel = 1003;
	snprintf(s->detail, sizeof(s->detail), "%s", detail);
	switch (outcome) {
	case RDD_SESSION_ACTIVATED:
	case RDD_SESSION_LOGGED_ON:
	case RDD_SESSION_STOPPED:
	case RDD_SESSION_REDIRECTED:
		st = RDD_STATUS_OK;
		break;
	case RDD_SESSION_TIMEOUT:
		st = RDD_STATUS_TIMEOUT;
		break;
	case RDD_SESSION_ERROR:
	case RDD_SESSION_NOT_RUN:
		st = RDD_STATUS_SKIPPED;
		break;
	default:
		st = RDD_STATUS_FAILED;
		break;
	}
	for (p = RDD_PHASE_MCS; p <= RDD_PHASE_ACTIVATION; p++) {
		struct rdd_phase_result *ph = &obs.phases[p];

		ph->present = true;
		if (p < (int)phase) {
			ph->status = RDD_STATUS_OK;
			snprintf(ph->detail, sizeof(ph->detail), "ok");
		} else if (p == (int)phase) {
			ph->status = st;
			snprintf(ph->detail, sizeof(ph->detail), "%s", detail);
		} else {
			ph->status = RDD_STATUS_SKIPPED;
			snprintf(ph->detail, sizeof(ph->detail), "%s",
			         st == RDD_STATUS_OK ? detail
			                             : "the phase did not "
			                               "complete");
		}
	}
	return s;
}
