/*
 * rules.c - from an observation to findings, and the verdict (diag.h):
 * the dispatcher. Each phase's rules live in their own file (rules.h).
 */
#include <string.h>

#include "diag/rules/rules.h"

const struct rdd_attempt *
rdd__attempt_by_label(const struct rdd_observation *obs, const char *label)
{
	size_t i;

	for (i = 0; i < obs->n_attempts && i < NELEM(obs->attempts); i++)
		if (strcmp(obs->attempts[i].label, label) == 0)
			return &obs->attempts[i];
	return NULL;
}

/* Attempt A (mstsc's request), or the first attempt. */
static const struct rdd_attempt *
attempt_a(const struct rdd_observation *obs)
{
	const struct rdd_attempt *a = rdd__attempt_by_label(obs, "A");

	if (a != NULL || obs->n_attempts == 0)
		return a;
	return &obs->attempts[0];
}

void
rdd_diagnose(const struct rdd_observation *obs, struct rdd_diagnosis *out)
{
	struct ctx local;
	struct ctx *c = &local;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->obs = obs;
	c->a = attempt_a(obs);

	/* In phase order; the list is sorted afterwards anyway. */
	rdd__rules_resolve(c);
	rdd__rules_gateway(c);
	rdd__rules_tcp(c);
	rdd__rules_x224(c);
	rdd__rules_tls(c);
	rdd__rules_cert(c);
	rdd__rules_credssp(c);
	rdd__rules_logon(c);
	rdd__rules_mcs(c);
	rdd__rules_licensing(c);
	rdd__rules_session(c);
	rdd__rules_udp(c);
	rdd__rules_network(c);
	rdd__rules_kerberos(c);
	rdd__rules_kerberos_logon(c);
	rdd__rules_client(c);

	rdd__sort_drafts(c);
	memset(out, 0, sizeof(*out));
	for (i = 0; i < c->n; i++)
		out->findings[i] = c->d[i].f;
	out->n_findings = c->n;
	rdd__verdict(c, out);
}
