/*
 * plan.c - the connections of a check and what their answers mean
 * (check.h). Pure functions: no I/O, no clock.
 *
 * Three connections, each with its own Connection Request
 * (shared/reference/protocol.md 1.9, 2.3):
 *   A  0x0B  SSL|HYBRID|HYBRID_EX, what mstsc sends; then TLS, then
 *            the first CredSSP round (plain NTLM NEGOTIATE) if the
 *            server selects HYBRID or HYBRID_EX
 *   B  0x01  SSL only: a server that requires NLA answers failure 5
 *   C  0x00  standard RDP security: refused (failure 1 or 5) when the
 *            server requires TLS, selected when it allows it
 * The phases come from A; the security layer and the NLA verdict from
 * all three, found by label. When A's plain NTLM NEGOTIATE is refused, a
 * fourth connection, A2, repeats A with the NEGOTIATE wrapped in SPNEGO
 * (as mstsc sends it); the credssp phase comes from whichever got a
 * CHALLENGE.
 *
 * MCS: A and C send the Connect-Initial when the server lets them (A after
 * TLS when SSL is selected, A and C at once when standard RDP security
 * is). The mcs phase is A's, or C's when mstsc would fall back to it (A
 * refused with SSL_NOT_ALLOWED_BY_SERVER). Once standard RDP security has
 * answered an rt-successful Connect-Response, four more connections (E40,
 * E56, E128, EFIPS) each offer a single encryption method: those the
 * server chooses are the methods it accepts.
 */
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/check.h"
#include "wire/x224.h"

#define PROTO_MSTSC (RDD_PROTO_SSL | RDD_PROTO_HYBRID | RDD_PROTO_HYBRID_EX)
/* CS_SECURITY encryptionMethods of mstsc: 40, 128, 56-bit and FIPS. */
#define METHODS_MSTSC 0x1b

/* A walks the whole connection sequence; C only when mstsc would fall
 * back to it (rdd_plan_c_walks, decided by the runner). */
static const struct rdd_plan_entry plan[] = {
    {"A", PROTO_MSTSC, true, true, false, true, METHODS_MSTSC, true},
    {"B", RDD_PROTO_SSL, false, false, false, false, 0, false},
    {"C", RDD_PROTO_RDP, false, false, false, true, METHODS_MSTSC, false},
};

static const struct rdd_plan_entry spnego_retry = {
    "A2", PROTO_MSTSC, true, true, true, true, METHODS_MSTSC, true};

/* One connection per standard RDP security method, weakest first. */
static const struct rdd_plan_entry encryption_probes[] = {
    {"E40", RDD_PROTO_RDP, false, false, false, true, 0x01, false},
    {"E56", RDD_PROTO_RDP, false, false, false, true, 0x08, false},
    {"E128", RDD_PROTO_RDP, false, false, false, true, 0x02, false},
    {"EFIPS", RDD_PROTO_RDP, false, false, false, true, 0x10, false},
};

size_t
rdd_plan_entries(struct rdd_plan_entry *out, size_t max)
{
	size_t i, n = sizeof(plan) / sizeof(plan[0]);

	if (out == NULL)
		return 0;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		out[i] = plan[i];
	return n;
}

static void
set_phase(struct rdd_phase_result *ph, enum rdd_status st, double start,
          double ms, const char *detail)
{
	ph->present = true;
	ph->status = st;
	ph->start_ms = start;
	ph->ms = ms;
	snprintf(ph->detail, sizeof(ph->detail), "%s",
	         detail != NULL ? detail : "");
}

/* The attempt's own detail, or FALLBACK when it has none. */
static const char *
or_else(const char *detail, const char *fallback)
{
	return detail[0] != '\0' ? detail : fallback;
}

static bool
tcp_phase(const struct rdd_attempt *a, struct rdd_phase_result *ph)
{
	char d[RDD_STR];

	switch (a->tcp) {
	case RDD_TCP_OK:
		snprintf(d, sizeof(d), "connected to %s", a->address);
		set_phase(ph, RDD_STATUS_OK, a->tcp_start_ms, a->tcp_ms, d);
		return true;
	case RDD_TCP_TIMEOUT:
		set_phase(ph, RDD_STATUS_TIMEOUT, a->tcp_start_ms, a->tcp_ms,
		          or_else(a->tcp_error, "no answer to SYN"));
		return false;
	case RDD_TCP_REFUSED:
		set_phase(ph, RDD_STATUS_FAILED, a->tcp_start_ms, a->tcp_ms,
		          or_else(a->tcp_error, "connection refused"));
		return false;
	case RDD_TCP_UNREACHABLE:
		set_phase(ph, RDD_STATUS_FAILED, a->tcp_start_ms, a->tcp_ms,
		          or_else(a->tcp_error, "host or network unreachable"));
		return false;
	case RDD_TCP_ERROR:
		set_phase(ph, RDD_STATUS_FAILED, a->tcp_start_ms, a->tcp_ms,
		          or_else(a->tcp_error, "connection failed"));
		return false;
	case RDD_TCP_NOT_RUN:
	default:
		set_phase(ph, RDD_STATUS_SKIPPED, 0, 0,
		          or_else(a->tcp_error, "not attempted"));
		return false;
	}
}

static bool
x224_phase(const struct rdd_attempt *a, struct rdd_phase_result *ph)
{
	char d[RDD_STR], protos[96];
	const char *name;
	double s = a->x224_start_ms, ms = a->x224_ms;

	switch (a->x224) {
	case RDD_X224_RSP:
		rdd_protocols_str(protos, sizeof(protos), a->selected);
		snprintf(d, sizeof(d), "selected %s (flags 0x%02x)", protos,
		         (unsigned)a->flags);
		set_phase(ph, RDD_STATUS_OK, s, ms, d);
		return true;
	case RDD_X224_NO_NEG_DATA:
		set_phase(ph, RDD_STATUS_OK, s, ms,
		          "Connection Confirm without negotiation data "
		          "(pre-Vista server)");
		return true;
	case RDD_X224_FAILURE:
		name = rdd_neg_failure_name(a->failure_code);
		snprintf(d, sizeof(d), "RDP_NEG_FAILURE %s (%u)",
		         name != NULL ? name : "unknown",
		         (unsigned)a->failure_code);
		set_phase(ph, RDD_STATUS_FAILED, s, ms, d);
		return false;
	case RDD_X224_TIMEOUT:
		set_phase(
		    ph, RDD_STATUS_TIMEOUT, s, ms,
		    or_else(a->x224_detail, "no Connection Confirm in time"));
		return false;
	case RDD_X224_CLOSED:
		set_phase(ph, RDD_STATUS_FAILED, s, ms,
		          or_else(a->x224_detail,
		                  "server closed the connection before a "
		                  "Connection Confirm"));
		return false;
	case RDD_X224_RESET:
		set_phase(
		    ph, RDD_STATUS_FAILED, s, ms,
		    or_else(a->x224_detail,
		            "connection reset before a Connection Confirm"));
		return false;
	case RDD_X224_NOT_RDP:
		set_phase(ph, RDD_STATUS_FAILED, s, ms,
		          or_else(a->x224_detail, "the answer is not RDP"));
		return false;
	case RDD_X224_MALFORMED:
		set_phase(
		    ph, RDD_STATUS_FAILED, s, ms,
		    or_else(a->x224_detail, "malformed Connection Confirm"));
		return false;
	case RDD_X224_NOT_RUN:
	default:
		set_phase(ph, RDD_STATUS_SKIPPED, 0, 0,
		          or_else(a->x224_detail, "not attempted"));
		return false;
	}
}

/* Why TLS did not run on A, whose negotiation ended as it did. */
static const char *
tls_skip_reason(const struct rdd_attempt *a, bool x224_ok)
{
	if (!x224_ok)
		return "negotiation failed";
	if (a->x224 == RDD_X224_NO_NEG_DATA ||
	    (a->x224 == RDD_X224_RSP && a->selected == RDD_PROTO_RDP))
		return "server selected standard RDP security";
	if (!a->tls_wanted)
		return "not part of this connection";
	if (a->x224 == RDD_X224_RSP && a->selected != RDD_PROTO_SSL &&
	    a->selected != RDD_PROTO_HYBRID &&
	    a->selected != RDD_PROTO_HYBRID_EX)
		return "server selected a protocol this check does not "
		       "upgrade";
	return "not run";
}

static void
tls_phase(const struct rdd_attempt *a, bool x224_ok,
          struct rdd_phase_result *ph)
{
	double s = a->tls_start_ms, ms = a->tls_ms;

	switch (a->tls) {
	case RDD_TLS_NOT_RUN:
		set_phase(ph, RDD_STATUS_SKIPPED, 0, 0,
		          tls_skip_reason(a, x224_ok));
		break;
	case RDD_TLS_OK:
		set_phase(ph, RDD_STATUS_OK, s, ms,
		          or_else(a->tls_detail, "handshake complete"));
		break;
	case RDD_TLS_TIMEOUT:
		set_phase(
		    ph, RDD_STATUS_TIMEOUT, s, ms,
		    or_else(a->tls_detail, "handshake not complete in time"));
		break;
	case RDD_TLS_ALERT:
	case RDD_TLS_CLOSED:
	case RDD_TLS_RESET:
	case RDD_TLS_NOT_TLS:
	case RDD_TLS_ERROR:
	default:
		set_phase(ph, RDD_STATUS_FAILED, s, ms,
		          or_else(a->tls_detail, "handshake failed"));
		break;
	}
}

static const struct rdd_attempt *
by_label(const struct rdd_observation *obs, const char *label)
{
	size_t i;

	for (i = 0; i < obs->n_attempts && i < RDD_MAX_ATTEMPTS; i++)
		if (strcmp(obs->attempts[i].label, label) == 0)
			return &obs->attempts[i];
	return NULL;
}

static bool
selected(const struct rdd_attempt *a, uint32_t proto)
{
	return a != NULL && a->x224 == RDD_X224_RSP && a->selected == proto;
}

static bool
refused(const struct rdd_attempt *a, uint32_t code)
{
	return a != NULL && a->x224 == RDD_X224_FAILURE &&
	       a->failure_code == code;
}

static bool
legacy(const struct rdd_attempt *a)
{
	return a != NULL && a->x224 == RDD_X224_NO_NEG_DATA;
}

bool
rdd_plan_rdp_fallback(const struct rdd_observation *obs)
{
	return refused(by_label(obs, "A"), RDD_NEG_SSL_NOT_ALLOWED_BY_SERVER) &&
	       selected(by_label(obs, "C"), RDD_PROTO_RDP);
}

/* Security layer and NLA from the answers to A, B and C (1.9). */
static void
security(struct rdd_observation *obs)
{
	const struct rdd_attempt *a = by_label(obs, "A");
	const struct rdd_attempt *b = by_label(obs, "B");
	const struct rdd_attempt *c = by_label(obs, "C");
	bool rdp, tls;

	if (legacy(a) || legacy(b) || legacy(c)) {
		/* A pre-Vista server: standard RDP security, no NLA. */
		obs->security_layer = RDD_SECLAYER_RDP;
		obs->nla_required = 0;
		return;
	}
	/* xrdp with security_layer=rdp selects RDP whatever was asked. */
	rdp = selected(a, RDD_PROTO_RDP) || selected(b, RDD_PROTO_RDP) ||
	      selected(c, RDD_PROTO_RDP);
	tls = selected(b, RDD_PROTO_SSL) || selected(a, RDD_PROTO_SSL) ||
	      selected(a, RDD_PROTO_HYBRID) || selected(a, RDD_PROTO_HYBRID_EX);

	if (refused(b, RDD_NEG_HYBRID_REQUIRED_BY_SERVER) ||
	    refused(c, RDD_NEG_HYBRID_REQUIRED_BY_SERVER))
		obs->nla_required = 1;
	else if (selected(b, RDD_PROTO_SSL) || selected(c, RDD_PROTO_RDP) ||
	         selected(a, RDD_PROTO_SSL))
		obs->nla_required = 0;
	else
		obs->nla_required = -1;

	if (rdp && tls)
		obs->security_layer = RDD_SECLAYER_NEGOTIATE;
	else if (rdp)
		obs->security_layer = RDD_SECLAYER_RDP;
	else if (tls || refused(c, RDD_NEG_SSL_REQUIRED_BY_SERVER) ||
	         refused(c, RDD_NEG_HYBRID_REQUIRED_BY_SERVER))
		obs->security_layer = RDD_SECLAYER_TLS;
	else
		obs->security_layer = RDD_SECLAYER_UNKNOWN;
}

/* The server selected HYBRID or HYBRID_EX: CredSSP is the next phase. */
static bool
selects_hybrid(const struct rdd_attempt *a)
{
	return selected(a, RDD_PROTO_HYBRID) ||
	       selected(a, RDD_PROTO_HYBRID_EX);
}

bool
rdd_plan_spnego_retry(const struct rdd_observation *obs,
                      struct rdd_plan_entry *out)
{
	const struct rdd_credssp_info *ci;

	if (obs == NULL || by_label(obs, spnego_retry.label) != NULL)
		return false;
	ci = &obs->credssp;
	if (strcmp(ci->attempt, "A") != 0 || ci->spnego)
		return false;
	switch (ci->outcome) {
	case RDD_CREDSSP_CLOSED:
	case RDD_CREDSSP_RESET:
	case RDD_CREDSSP_ERROR:
		break;
	case RDD_CREDSSP_MALFORMED:
		/* A TSRequest whose token we could not read. */
		if (!ci->has_version)
			return false;
		break;
	case RDD_CREDSSP_NOT_RUN:
	case RDD_CREDSSP_OK:
	case RDD_CREDSSP_TIMEOUT:
	default:
		return false;
	}
	if (out != NULL)
		*out = spnego_retry;
	return true;
}

void
rdd_plan_credssp_merge(struct rdd_observation *obs,
                       const struct rdd_credssp_info *plain)
{
	struct rdd_credssp_info retry = obs->credssp;
	const struct rdd_credssp_info *kept, *other;

	if (retry.outcome == RDD_CREDSSP_NOT_RUN) {
		/* The retry never reached CredSSP: only the plain one ran. */
		obs->credssp = *plain;
		return;
	}
	if (retry.outcome == RDD_CREDSSP_OK) {
		kept = &retry;
		other = plain;
	} else {
		kept = plain;
		other = &retry;
	}
	obs->credssp = *kept;
	obs->credssp.other_outcome = other->outcome;
	obs->credssp.other_spnego = other->spnego;
	snprintf(obs->credssp.other_attempt, sizeof(obs->credssp.other_attempt),
	         "%s", other->attempt);
	snprintf(obs->credssp.other_detail, sizeof(obs->credssp.other_detail),
	         "%s", other->detail);
}

/* CredSSP answered with a CHALLENGE: the phase is the logon's, when one
 * was made (it spans both rounds), else the CHALLENGE's. */
static void
logon_phase(const struct rdd_credssp_info *ci, struct rdd_phase_result *ph)
{
	const struct rdd_logon_info *li = &ci->logon;
	double ms = li->start_ms + li->ms - ci->start_ms;

	switch (li->outcome) {
	case RDD_LOGON_NOT_RUN:
		set_phase(ph, RDD_STATUS_OK, ci->start_ms, ci->ms,
		          or_else(ci->detail, "NTLM CHALLENGE received"));
		return;
	case RDD_LOGON_OK:
		set_phase(ph, RDD_STATUS_OK, ci->start_ms, ms, li->detail);
		return;
	case RDD_LOGON_TIMEOUT:
		set_phase(ph, RDD_STATUS_TIMEOUT, ci->start_ms, ms, li->detail);
		return;
	case RDD_LOGON_ERROR:
		/* Our side could not log on: CredSSP itself answered. */
		set_phase(ph, RDD_STATUS_OK, ci->start_ms, ci->ms,
		          or_else(ci->detail, "NTLM CHALLENGE received"));
		return;
	default:
		set_phase(ph, RDD_STATUS_FAILED, ci->start_ms, ms, li->detail);
		return;
	}
}

static void
credssp_phase(const struct rdd_observation *obs, const struct rdd_attempt *a,
              struct rdd_phase_result *ph)
{
	const struct rdd_credssp_info *ci = &obs->credssp;

	if (!selects_hybrid(a))
		return; /* no CredSSP in this connection: not a phase */
	if (a->tls != RDD_TLS_OK) {
		set_phase(ph, RDD_STATUS_SKIPPED, 0, 0,
		          "the TLS handshake did not complete");
		return;
	}
	switch (ci->outcome) {
	case RDD_CREDSSP_NOT_RUN:
		set_phase(ph, RDD_STATUS_SKIPPED, 0, 0,
		          or_else(ci->detail, "not part of this check"));
		break;
	case RDD_CREDSSP_OK:
		logon_phase(ci, ph);
		break;
	case RDD_CREDSSP_TIMEOUT:
		set_phase(ph, RDD_STATUS_TIMEOUT, ci->start_ms, ci->ms,
		          or_else(ci->detail, "no TSRequest answer in time"));
		break;
	case RDD_CREDSSP_CLOSED:
	case RDD_CREDSSP_RESET:
	case RDD_CREDSSP_ERROR:
	case RDD_CREDSSP_MALFORMED:
	default:
		set_phase(ph, RDD_STATUS_FAILED, ci->start_ms, ci->ms,
		          or_else(ci->detail, "CredSSP failed"));
		break;
	}
}

bool
rdd_plan_is_encryption_probe(const char *label)
{
	size_t i;

	for (i = 0; label != NULL && i < sizeof(encryption_probes) /
	                                     sizeof(encryption_probes[0]);
	     i++)
		if (strcmp(label, encryption_probes[i].label) == 0)
			return true;
	return false;
}

/* Standard RDP security answered an rt-successful Connect-Response. */
static bool
rdp_security_works(const struct rdd_attempt *at)
{
	return (selected(at, RDD_PROTO_RDP) || legacy(at)) &&
	       at->mcs == RDD_MCS_OK && at->mcs_result == 0;
}

size_t
rdd_plan_encryption_probes(const struct rdd_observation *obs,
                           struct rdd_plan_entry *out, size_t max)
{
	size_t i, n = sizeof(encryption_probes) / sizeof(encryption_probes[0]);
	bool due = false;

	if (obs == NULL || out == NULL)
		return 0;
	for (i = 0; i < obs->n_attempts && i < RDD_MAX_ATTEMPTS; i++) {
		const struct rdd_attempt *at = &obs->attempts[i];

		if (rdd_plan_is_encryption_probe(at->label))
			return 0; /* already opened */
		if (rdp_security_works(at))
			due = true;
	}
	if (!due)
		return 0;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		out[i] = encryption_probes[i];
	return n;
}

bool
rdd_plan_encryption_probes_coming(const struct rdd_observation *obs)
{
	size_t i;
	bool coming = false;

	if (obs == NULL)
		return false;
	for (i = 0; i < obs->n_attempts && i < RDD_MAX_ATTEMPTS; i++) {
		const struct rdd_attempt *at = &obs->attempts[i];

		if (rdd_plan_is_encryption_probe(at->label))
			return false; /* already opened */
		if ((selected(at, RDD_PROTO_RDP) || legacy(at)) &&
		    (at->mcs == RDD_MCS_NOT_RUN || rdp_security_works(at)))
			coming = true;
	}
	return coming;
}

/* Index of the attempt labelled LABEL, or -1. */
static int
index_of(const struct rdd_observation *obs, const char *label)
{
	const struct rdd_attempt *at = by_label(obs, label);

	return at != NULL ? (int)(at - obs->attempts) : -1;
}

void
rdd_plan_mcs_merge(struct rdd_observation *obs,
                   const struct rdd_mcs_info *by_attempt)
{
	int a, a2, c, pick = -1;

	if (obs == NULL || by_attempt == NULL)
		return;
	a = index_of(obs, "A");
	a2 = index_of(obs, spnego_retry.label);
	c = index_of(obs, "C");
	if (c >= 0 && by_attempt[c].outcome == RDD_MCS_OK &&
	    by_attempt[c].result == 0)
		pick = c;
	else if (a >= 0 && by_attempt[a].outcome != RDD_MCS_NOT_RUN)
		pick = a;
	else if (a2 >= 0 && by_attempt[a2].outcome != RDD_MCS_NOT_RUN)
		pick = a2;
	else if (c >= 0 && by_attempt[c].outcome != RDD_MCS_NOT_RUN)
		pick = c;
	if (pick >= 0)
		obs->mcs = by_attempt[pick];
}

/* The attempt whose MCS a default client goes through: A's, or C's when
 * mstsc falls back to standard RDP security. NULL: none. */
static const struct rdd_attempt *
mcs_path(const struct rdd_observation *obs, const struct rdd_attempt *a)
{
	const struct rdd_attempt *c = by_label(obs, "C");

	if (a->mcs != RDD_MCS_NOT_RUN)
		return a;
	if (c != NULL && c->mcs != RDD_MCS_NOT_RUN &&
	    rdd_plan_rdp_fallback(obs))
		return c;
	return NULL;
}

static void
mcs_phase(const struct rdd_observation *obs, const struct rdd_attempt *a,
          struct rdd_phase_result *ph)
{
	const struct rdd_attempt *m = mcs_path(obs, a);
	enum rdd_status st;
	char d[RDD_STR];

	if (m == NULL) {
		/* SSL selected for the Connect-Initial, but TLS failed. */
		if (a->mcs_wanted && selected(a, RDD_PROTO_SSL) &&
		    a->tls != RDD_TLS_OK)
			set_phase(ph, RDD_STATUS_SKIPPED, 0, 0,
			          "the TLS handshake did not complete");
		return; /* else no MCS on the client's path: not a phase */
	}
	switch (m->mcs) {
	case RDD_MCS_OK:
		st = m->mcs_result == 0 ? RDD_STATUS_OK : RDD_STATUS_FAILED;
		break;
	case RDD_MCS_TIMEOUT:
		st = RDD_STATUS_TIMEOUT;
		break;
	case RDD_MCS_NOT_RUN:
	case RDD_MCS_DISCONNECTED:
	case RDD_MCS_CLOSED:
	case RDD_MCS_RESET:
	case RDD_MCS_MALFORMED:
	case RDD_MCS_ERROR:
	default:
		st = RDD_STATUS_FAILED;
		break;
	}
	snprintf(d, sizeof(d), "%.200s%s%s%s",
	         or_else(m->mcs_detail, "no Connect-Response"),
	         m == a ? "" : " (connection ", m == a ? "" : m->label,
	         m == a ? "" : ", standard RDP security)");
	set_phase(ph, st, m->mcs_start_ms, m->mcs_ms, d);
}

bool
rdd_plan_c_walks(const struct rdd_observation *obs)
{
	return obs != NULL &&
	       refused(by_label(obs, "A"), RDD_NEG_SSL_NOT_ALLOWED_BY_SERVER);
}

void
rdd_plan_session_merge(struct rdd_observation *obs,
                       const struct rdd_session_info *by_attempt)
{
	int a, c;

	if (obs == NULL || by_attempt == NULL)
		return;
	a = index_of(obs, "A");
	c = index_of(obs, "C");
	if (a >= 0 && by_attempt[a].outcome != RDD_SESSION_NOT_RUN)
		obs->session = by_attempt[a];
	else if (c >= 0 && by_attempt[c].outcome != RDD_SESSION_NOT_RUN &&
	         rdd_plan_rdp_fallback(obs))
		obs->session = by_attempt[c];
}

/* When STEP happened in the walk, or -1. */
static double
event_at(const struct rdd_session_info *s, enum rdd_session_step step)
{
	size_t i;

	for (i = 0; i < s->n_events && i < RDD_MAX_SESSION_STEPS; i++)
		if (s->events[i].step == step)
			return s->events[i].at_ms;
	return -1;
}

/* The last event of PHASE, or -1. */
static double
last_event_of(const struct rdd_session_info *s, enum rdd_phase phase)
{
	double t = -1;
	size_t i;

	for (i = 0; i < s->n_events && i < RDD_MAX_SESSION_STEPS; i++)
		if (s->events[i].phase == phase &&
		    s->events[i].step != RDD_STEP_DISCONNECT)
			t = s->events[i].at_ms;
	return t;
}

/* The walk ended in its phase with this status. */
static enum rdd_status
end_status(enum rdd_session_outcome o)
{
	switch (o) {
	case RDD_SESSION_ACTIVATED:
	case RDD_SESSION_LOGGED_ON:
	case RDD_SESSION_STOPPED:
	case RDD_SESSION_REDIRECTED:
		return RDD_STATUS_OK;
	case RDD_SESSION_TIMEOUT:
		return RDD_STATUS_TIMEOUT;
	case RDD_SESSION_NOT_RUN:
	case RDD_SESSION_ERROR:
		return RDD_STATUS_SKIPPED;
	case RDD_SESSION_REFUSED:
	case RDD_SESSION_ERROR_INFO:
	case RDD_SESSION_LICENSE_ERROR:
	case RDD_SESSION_DISCONNECTED:
	case RDD_SESSION_CLOSED:
	case RDD_SESSION_RESET:
	case RDD_SESSION_MALFORMED:
	default:
		return RDD_STATUS_FAILED;
	}
}

/* Why the phases after the walk's end were not verified. */
static void
not_verified(const struct rdd_session_info *s, char *dst, size_t cap)
{
	switch (s->outcome) {
	case RDD_SESSION_STOPPED:
		if (s->licensing == RDD_LICENSING_CHALLENGE_NOT_TAKEN)
			snprintf(dst, cap,
			         "not verified: stopped at the licence "
			         "challenge (a check takes no licence unless "
			         "asked: --licensing full)");
		else
			snprintf(dst, cap,
			         "not verified: stopped after %s, as asked "
			         "(--stop-after)",
			         rdd_phase_name(s->phase));
		return;
	case RDD_SESSION_REDIRECTED:
		snprintf(dst, cap,
		         "not verified: the server redirects clients to "
		         "another server, which this check does not follow");
		return;
	case RDD_SESSION_ERROR:
		snprintf(dst, cap, "not verified: %.200s", s->detail);
		return;
	default:
		snprintf(dst, cap, "the %s phase did not complete",
		         rdd_phase_name(s->phase));
		return;
	}
}

/* The mcs phase goes on to the last Channel Join; licensing and
 * activation come from the walk (session.h). */
static void
session_phases(struct rdd_observation *obs, const struct rdd_attempt *a)
{
	const struct rdd_session_info *s = &obs->session;
	struct rdd_phase_result *mcs = &obs->phases[RDD_PHASE_MCS];
	struct rdd_phase_result *lic = &obs->phases[RDD_PHASE_LICENSING];
	struct rdd_phase_result *act = &obs->phases[RDD_PHASE_ACTIVATION];
	const struct rdd_attempt *m = mcs_path(obs, a);
	char why[RDD_STR], d[RDD_STR];
	enum rdd_status st = end_status(s->outcome);
	double t, lic_start, lic_end, act_end;

	if (selects_hybrid(a) && a->mcs == RDD_MCS_NOT_RUN) {
		/* NLA: MCS, licensing and activation come after a logon. */
		if (!obs->credentials.given)
			snprintf(why, sizeof(why),
			         "not verified: the server requires NLA, and a "
			         "logon needs credentials (none were given)");
		else if (obs->credssp.logon.outcome == RDD_LOGON_NOT_RUN)
			snprintf(
			    why, sizeof(why),
			    "not verified: the server requires NLA, and no "
			    "logon was made (%s)",
			    obs->credssp.outcome == RDD_CREDSSP_OK
			        ? "the CHALLENGE came only in SPNEGO, "
			          "which rdpdoctor does not log on with"
			        : "CredSSP did not answer");
		else
			snprintf(
			    why, sizeof(why),
			    "not verified: the server requires NLA, and the "
			    "logon did not succeed");
		if (obs->credentials.given &&
		    obs->credssp.logon.outcome != RDD_LOGON_NOT_RUN)
			set_phase(mcs, RDD_STATUS_SKIPPED, 0, 0, why);
		set_phase(lic, RDD_STATUS_SKIPPED, 0, 0, why);
		set_phase(act, RDD_STATUS_SKIPPED, 0, 0, why);
		return;
	}
	if (!mcs->present)
		return; /* no MCS on the client's path */
	if (m == NULL || m->mcs != RDD_MCS_OK || m->mcs_result != 0) {
		set_phase(lic, RDD_STATUS_SKIPPED, 0, 0,
		          "the mcs phase did not complete");
		set_phase(act, RDD_STATUS_SKIPPED, 0, 0,
		          "the mcs phase did not complete");
		return;
	}
	if (s->outcome == RDD_SESSION_NOT_RUN) {
		set_phase(lic, RDD_STATUS_SKIPPED, 0, 0,
		          "not verified: the connection sequence was not "
		          "walked past the Connect-Response");
		set_phase(act, RDD_STATUS_SKIPPED, 0, 0,
		          "not verified: the connection sequence was not "
		          "walked past the Connect-Response");
		return;
	}
	not_verified(s, why, sizeof(why));

	/* mcs: the Connect-Response, then the domain and its channels. */
	if (s->phase == RDD_PHASE_MCS && st != RDD_STATUS_OK) {
		set_phase(mcs, st, mcs->start_ms, s->end_ms - mcs->start_ms,
		          s->detail);
		set_phase(lic, RDD_STATUS_SKIPPED, 0, 0, why);
		set_phase(act, RDD_STATUS_SKIPPED, 0, 0, why);
		return;
	}
	t = last_event_of(s, RDD_PHASE_MCS);
	snprintf(d, sizeof(d), "%.150s; channels joined: user %u, I/O %u%s",
	         mcs->detail, (unsigned)s->user_channel,
	         (unsigned)s->io_channel,
	         s->msg_channel != 0 ? ", message" : "");
	if (s->static_channels > 0) {
		size_t off = strlen(d);

		snprintf(d + off, sizeof(d) - off, ", %u static",
		         (unsigned)s->static_channels);
	}
	set_phase(mcs, RDD_STATUS_OK, mcs->start_ms,
	          (t >= 0 ? t : s->end_ms) - mcs->start_ms, d);
	if (s->phase == RDD_PHASE_MCS) {
		set_phase(lic, RDD_STATUS_SKIPPED, 0, 0, why);
		set_phase(act, RDD_STATUS_SKIPPED, 0, 0, why);
		return;
	}

	/* licensing: from the Security Exchange or Client Info on. */
	lic_start = event_at(s, RDD_STEP_SECURITY_EXCHANGE);
	if (lic_start < 0)
		lic_start = event_at(s, RDD_STEP_CLIENT_INFO);
	if (lic_start < 0)
		lic_start = s->start_ms;
	if (s->phase == RDD_PHASE_LICENSING) {
		set_phase(lic, st, lic_start, s->end_ms - lic_start, s->detail);
		set_phase(act, RDD_STATUS_SKIPPED, 0, 0, why);
		return;
	}
	lic_end = last_event_of(s, RDD_PHASE_LICENSING);
	if (s->licensing == RDD_LICENSING_SKIPPED ||
	    lic_end < event_at(s, RDD_STEP_CLIENT_INFO))
		lic_end = event_at(s, RDD_STEP_DEMAND_ACTIVE);
	if (lic_end < 0)
		lic_end = s->end_ms;
	snprintf(d, sizeof(d), "%s%s",
	         s->licensing == RDD_LICENSING_SKIPPED
	             ? "no licensing PDU: the server went on to the "
	               "Demand Active"
	             : rdd_licensing_path_name(s->licensing),
	         s->has_license_error ? " (after a licensing error the "
	                                "server let the client go on)"
	                              : "");
	set_phase(lic, RDD_STATUS_OK, lic_start, lic_end - lic_start, d);

	/* activation: to the Font Map. */
	/* With --logon the wait for the logon notification is not part of
	 * activation. */
	act_end = s->outcome == RDD_SESSION_ACTIVATED ||
	                  s->outcome == RDD_SESSION_LOGGED_ON
	              ? event_at(s, RDD_STEP_FONT_MAP)
	              : s->end_ms;
	if (act_end < 0)
		act_end = s->end_ms;
	set_phase(act, st, lic_end, act_end - lic_end, s->detail);
}

/* The methods the encryption probes found accepted, into obs->mcs. */
static void
accepted_methods(struct rdd_observation *obs)
{
	struct rdd_mcs_info *m = &obs->mcs;
	size_t k, n = sizeof(encryption_probes) / sizeof(encryption_probes[0]);

	m->tested_encryption_methods = 0;
	m->n_accepted_encryption_methods = 0;
	memset(m->accepted_encryption_methods, 0,
	       sizeof(m->accepted_encryption_methods));
	for (k = 0; k < n; k++) {
		const struct rdd_attempt *e =
		    by_label(obs, encryption_probes[k].label);
		uint32_t want = encryption_probes[k].encryption_methods;

		if (e == NULL)
			continue;
		switch (e->mcs) {
		case RDD_MCS_OK:
			m->tested_encryption_methods |= want;
			if (e->mcs_result == 0 &&
			    e->mcs_encryption_method == want &&
			    m->n_accepted_encryption_methods <
			        RDD_MAX_ENCRYPTION_METHODS)
				m->accepted_encryption_methods
				    [m->n_accepted_encryption_methods++] = want;
			break;
		case RDD_MCS_DISCONNECTED:
		case RDD_MCS_CLOSED:
		case RDD_MCS_RESET:
			/* Dropped after the Connect-Initial: refused. */
			m->tested_encryption_methods |= want;
			break;
		case RDD_MCS_NOT_RUN:
		case RDD_MCS_TIMEOUT:
		case RDD_MCS_MALFORMED:
		case RDD_MCS_ERROR:
		default:
			break;
		}
	}
}

void
rdd_plan_conclude(struct rdd_observation *obs)
{
	struct rdd_phase_result *tcp, *x224, *tls;
	const struct rdd_attempt *a;
	bool ok;

	if (obs == NULL)
		return;
	tcp = &obs->phases[RDD_PHASE_TCP];
	x224 = &obs->phases[RDD_PHASE_X224];
	tls = &obs->phases[RDD_PHASE_TLS];
	if (obs->n_attempts == 0) {
		set_phase(tcp, RDD_STATUS_SKIPPED, 0, 0,
		          "no address to connect to");
		set_phase(x224, RDD_STATUS_SKIPPED, 0, 0,
		          "TCP connection failed");
		set_phase(tls, RDD_STATUS_SKIPPED, 0, 0,
		          "TCP connection failed");
	} else {
		a = by_label(obs, "A");
		if (a == NULL)
			a = &obs->attempts[0];
		if (!tcp_phase(a, tcp)) {
			set_phase(x224, RDD_STATUS_SKIPPED, 0, 0,
			          "TCP connection failed");
			set_phase(tls, RDD_STATUS_SKIPPED, 0, 0,
			          "TCP connection failed");
		} else {
			ok = x224_phase(a, x224);
			tls_phase(a, ok, tls);
			credssp_phase(obs, a, &obs->phases[RDD_PHASE_CREDSSP]);
			mcs_phase(obs, a, &obs->phases[RDD_PHASE_MCS]);
			session_phases(obs, a);
			if (rdd_plan_rdp_fallback(obs)) {
				set_phase(
				    x224, RDD_STATUS_OK, a->x224_start_ms,
				    a->x224_ms,
				    "RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER "
				    "(2) to the TLS/NLA request; standard RDP "
				    "security accepted (connection C)");
				set_phase(tls, RDD_STATUS_SKIPPED, 0, 0,
				          "server allows standard RDP security "
				          "only");
			}
		}
	}
	security(obs);
	accepted_methods(obs);
}
