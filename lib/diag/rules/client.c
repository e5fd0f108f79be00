/*
 * client.c - what the network cannot show: every server-side phase passed.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

/*
 * Every server-side phase this check reached passed and nothing critical
 * was found: the server side is healthy, so the failure a user reports is
 * most likely on the client (security software, the client's own CredSSP
 * or TLS policy, its bitmap cache: causes.def lists them). Runs after every
 * other rule. Phases are listed with their times as evidence.
 */
void
rdd__rules_client(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	char phases[RDD_EVIDENCE / 2] = "";
	size_t i;
	int p;

	if (c->a == NULL || c->a->tcp != RDD_TCP_OK)
		return;
	/* Any failed phase, UDP and path included: each is a cause. */
	for (p = RDD_PHASE_RESOLVE; p < RDD_PHASE_COUNT; p++)
		if (obs->phases[p].status == RDD_STATUS_FAILED ||
		    obs->phases[p].status == RDD_STATUS_TIMEOUT)
			return;
	for (i = 0; i < c->n; i++)
		if (c->d[i].f.severity == RDD_SEV_CRITICAL)
			return;
	/* The walk stopped short of activation (asked to, or at a licence
	 * challenge): the server side is not known to be healthy yet. Behind
	 * NLA without credentials nothing more can be reached. */
	if (obs->phases[RDD_PHASE_ACTIVATION].present &&
	    obs->phases[RDD_PHASE_ACTIVATION].status != RDD_STATUS_OK &&
	    !(obs->nla_required == 1 &&
	      obs->phases[RDD_PHASE_CREDSSP].status == RDD_STATUS_OK))
		return;
	for (p = RDD_PHASE_RESOLVE; p < RDD_PHASE_COUNT; p++)
		if (obs->phases[p].present &&
		    obs->phases[p].status == RDD_STATUS_OK)
			rdd__append(phases, sizeof(phases), "%s%s %.1f ms",
			            phases[0] ? ", " : "",
			            rdd_phase_name((enum rdd_phase)p),
			            obs->phases[p].ms);
	rdd__emit(c, RDD_CAUSE_CLIENT_SIDE_SUSPECT,
	          "every server-side phase reached %s passed (%s); a client "
	          "that still fails is most likely failing on its own side",
	          obs->credentials.given ? "with the credentials given"
	                                 : "without credentials",
	          phases);
}
