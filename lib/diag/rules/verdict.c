/*
 * verdict.c - the verdict: the phase a default client fails in, the
 * finding that explains it, and the one-line summary.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

static int
first_failed_phase(const struct rdd_observation *obs)
{
	int p;

	/* Through a gateway its phases come first: a channel it closed
	 * explains the target's phase that broke off. */
	for (p = RDD_PHASE_GATEWAY_TLS;
	     obs->gateway.present && p <= RDD_PHASE_GATEWAY_CHANNEL; p++)
		if (obs->phases[p].status == RDD_STATUS_FAILED ||
		    obs->phases[p].status == RDD_STATUS_TIMEOUT)
			return p;
	/* UDP and network measurements do not stop a default client. */
	for (p = RDD_PHASE_RESOLVE; p <= RDD_PHASE_ACTIVATION; p++)
		if (obs->phases[p].status == RDD_STATUS_FAILED ||
		    obs->phases[p].status == RDD_STATUS_TIMEOUT)
			return p;
	return -1;
}

/* "; also 1 critical: a, 2 warnings: b, c, 1 note: d", skipping SKIP. */
static void
list_others(char *buf, size_t cap, const struct ctx *c, size_t skip,
            bool lead_also)
{
	static const struct {
		enum rdd_severity sev;
		const char *one;
		const char *many;
	} groups[] = {
	    {RDD_SEV_CRITICAL, "more critical", "more critical"},
	    {RDD_SEV_WARNING, "warning", "warnings"},
	    {RDD_SEV_INFO, "note", "notes"},
	};
	bool first = true;
	size_t g, i, n;

	for (g = 0; g < NELEM(groups); g++) {
		for (n = 0, i = 0; i < c->n; i++)
			if (i != skip && c->d[i].f.severity == groups[g].sev)
				n++;
		if (n == 0)
			continue;
		rdd__append(buf, cap, "%s%zu %s: ",
		            first ? (lead_also ? "; also " : "; ") : ", ", n,
		            n == 1 ? groups[g].one : groups[g].many);
		first = false;
		for (n = 0, i = 0; i < c->n; i++) {
			if (i == skip || c->d[i].f.severity != groups[g].sev)
				continue;
			rdd__append(buf, cap, "%s%s", n++ ? ", " : "",
			            rdd_cause_info(c->d[i].f.cause)->id);
		}
	}
}

/*
 * Nothing failed, but activation was not reached: say how far the check
 * got and what it did not verify ("No fault found up to phase credssp;
 * licensing and activation not verified: ..."). False when activation
 * completed.
 */
static bool
not_verified(const struct ctx *c, char *sum, size_t cap)
{
	const struct rdd_phase_result *ph = c->obs->phases;
	const char *why, *prefix = "not verified: ";
	int p, last = -1, first_skipped = -1;

	if (ph[RDD_PHASE_ACTIVATION].status == RDD_STATUS_OK)
		return false;
	for (p = RDD_PHASE_RESOLVE; p <= RDD_PHASE_ACTIVATION; p++) {
		if (!ph[p].present)
			continue;
		if (ph[p].status == RDD_STATUS_OK)
			last = p;
		else if (first_skipped < 0 && p >= RDD_PHASE_MCS)
			first_skipped = p;
	}
	if (last < 0)
		last = RDD_PHASE_RESOLVE;
	rdd__append(sum, cap, "No fault found up to phase %s; ",
	            rdd_phase_name((enum rdd_phase)last));
	if (first_skipped < 0) {
		rdd__append(sum, cap,
		            "the connection sequence after it was "
		            "not verified");
		return true;
	}
	why = ph[first_skipped].detail;
	if (strncmp(why, prefix, strlen(prefix)) == 0)
		why += strlen(prefix);
	rdd__append(sum, cap, "%s not verified: %s",
	            first_skipped == RDD_PHASE_MCS ? "MCS, licensing and "
	                                             "activation"
	            : first_skipped == RDD_PHASE_LICENSING
	                ? "licensing and activation"
	                : "activation",
	            why[0] != '\0' ? why : "not reached");
	return true;
}

/* --logon: "; LAB\bob logged on (session id 7)". */
static void
logged_on(const struct ctx *c, char *sum, size_t cap)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_session_info *s = &obs->session;

	if (s->logon_notice != RDD_LOGON_NOTICE_LOGGED_ON)
		return;
	rdd__append(sum, cap, "; %s%s%s logged on", obs->credentials.domain,
	            obs->credentials.domain[0] != '\0' ? "\\" : "",
	            obs->credentials.user);
	if (s->has_logon_session_id)
		rdd__append(sum, cap, " (session id %u)",
		            (unsigned)s->logon_session_id);
}

void
rdd__verdict(struct ctx *c, struct rdd_diagnosis *out)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_cause_info *ci;
	char *sum = out->summary;
	size_t cap = sizeof(out->summary), i, primary = SIZE_MAX;
	int failed = first_failed_phase(obs);
	bool resolve_failed =
	    obs->phases[RDD_PHASE_RESOLVE].status == RDD_STATUS_FAILED ||
	    obs->phases[RDD_PHASE_RESOLVE].status == RDD_STATUS_TIMEOUT;

	sum[0] = '\0';
	if (obs->gateway.not_reached) {
		/* scan: the gateway failed for another host; this one was
		 * not checked. */
		out->status = RDD_VERDICT_UNKNOWN;
		out->failed_phase = -1;
		rdd__append(
		    sum, cap,
		    "Not checked: the RD Gateway %s:%u failed for %s "
		    "earlier in this scan (at %s: %s), and was not "
		    "used again (gateway-not-reached).",
		    obs->gateway.host, (unsigned)obs->gateway.port,
		    obs->gateway.not_reached_by,
		    rdd_gw_step_name(obs->gateway.not_reached_step),
		    rdd_gw_outcome_name(obs->gateway.not_reached_outcome));
		return;
	}
	if (obs->n_attempts == 0 && !resolve_failed && !obs->gateway.present) {
		out->status = RDD_VERDICT_UNKNOWN;
		out->failed_phase = -1;
		rdd__append(sum, cap,
		            "Nothing was observed: no connection attempt "
		            "was made.");
		return;
	}

	/* The finding that explains the failure: critical, in the failed
	 * phase if one failed. The list is sorted, so critical ones lead. */
	for (i = 0; i < c->n && c->d[i].f.severity == RDD_SEV_CRITICAL; i++)
		if (failed < 0 || (int)c->d[i].f.phase == failed) {
			primary = i;
			break;
		}
	if (primary == SIZE_MAX && c->n > 0 &&
	    c->d[0].f.severity == RDD_SEV_CRITICAL)
		primary = 0;
	if (failed < 0 && primary != SIZE_MAX)
		failed = (int)c->d[primary].f.phase;
	out->failed_phase = failed;

	if (failed >= 0) {
		/* A phase the default client needs failed: critical, even if
		 * no rule could name the cause. */
		out->status = RDD_VERDICT_CRITICAL;
		rdd__append(sum, cap,
		            "A default Windows client fails in phase %s: ",
		            rdd_phase_name((enum rdd_phase)failed));
		if (primary != SIZE_MAX) {
			const struct draft *d = &c->d[primary];

			ci = rdd_cause_info(d->f.cause);
			if (d->headline[0] != '\0')
				rdd__append(sum, cap, "%s (%s)", d->headline,
				            ci->id);
			else
				rdd__append(
				    sum, cap, "%c%s (%s)",
				    rdd__lower((unsigned char)ci->title[0]),
				    ci->title + 1, ci->id);
		} else {
			const char *det = obs->phases[failed].detail;

			rdd__append(sum, cap, "%s",
			            det[0] ? det
			                   : "the phase did not complete");
		}
		if (primary != SIZE_MAX) {
			enum rdd_cause pc = c->d[primary].f.cause;
			const struct draft *p = rdd__path_cause(c);

			/* A security phase timed out and the path is bad:
			 * the path, not the server, is the likely cause. */
			if (p != NULL && (pc == RDD_CAUSE_X224_TIMEOUT ||
			                  pc == RDD_CAUSE_TLS_TIMEOUT ||
			                  pc == RDD_CAUSE_CREDSSP_TIMEOUT))
				rdd__append(
				    sum, cap,
				    "; the path is the likely cause: %s (%s)",
				    p->headline[0]
				        ? p->headline
				        : rdd_cause_info(p->f.cause)->title,
				    rdd_cause_info(p->f.cause)->id);
		}
		list_others(sum, cap, c, primary, true);
		rdd__append(sum, cap, ".");
		return;
	}
	/* client-side-suspect is said in words, not listed. */
	for (i = 0; i < c->n; i++)
		if (c->d[i].f.cause == RDD_CAUSE_CLIENT_SIDE_SUSPECT)
			break;
	out->status = c->n > 0 && c->d[0].f.severity == RDD_SEV_WARNING
	                  ? RDD_VERDICT_WARNING
	                  : RDD_VERDICT_OK;
	if (!not_verified(c, sum, cap)) {
		if (out->status == RDD_VERDICT_WARNING)
			rdd__append(sum, cap,
			            "A default Windows client would "
			            "connect (activation completed)");
		else
			rdd__append(sum, cap,
			            "The server side is healthy: a default "
			            "Windows client would connect (activation "
			            "completed)");
		logged_on(c, sum, cap);
	}
	list_others(sum, cap, c, i < c->n ? i : SIZE_MAX, false);
	if (i < c->n && out->status == RDD_VERDICT_OK &&
	    obs->phases[RDD_PHASE_ACTIVATION].status == RDD_STATUS_OK)
		rdd__append(sum, cap,
		            "; if a client still fails, look at the client "
		            "(client-side-suspect)");
	rdd__append(sum, cap, ".");
}
