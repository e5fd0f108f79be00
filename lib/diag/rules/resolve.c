/*
 * resolve.c - the rules of phase resolve: the name does not resolve, or it
 * resolves to several addresses that answer differently.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

static void
rule_dns_failure(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_phase_result *p = &obs->phases[RDD_PHASE_RESOLVE];
	const char *why =
	    obs->resolve_error[0] ? obs->resolve_error : p->detail;
	struct draft *d;

	if (p->status == RDD_STATUS_TIMEOUT)
		d = rdd__emit(c, RDD_CAUSE_DNS_FAILURE,
		              "resolving %s timed out after %.0f ms%s%s",
		              obs->host, p->ms, why[0] ? ": " : "", why);
	else if (p->status == RDD_STATUS_FAILED)
		d = rdd__emit(c, RDD_CAUSE_DNS_FAILURE,
		              "resolving %s failed after %.0f ms: %s",
		              obs->host, p->ms, why[0] ? why : "no address");
	else
		return;
	rdd__set_headline(d, "%s does not resolve", obs->host);
}

static void
rule_dns_multiple(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_attempt *a = c->a;
	const char *used;
	bool differs = false;
	struct draft *d;
	size_t i;

	if (a == NULL || obs->n_addresses <= 1 || a->tcp == RDD_TCP_NOT_RUN)
		return;
	used = a->address[0] ? a->address : obs->address;
	for (i = 0; i < obs->n_alt && i < NELEM(obs->alt); i++)
		if (obs->alt[i].tcp != RDD_TCP_NOT_RUN &&
		    strcmp(obs->alt[i].address, used) != 0 &&
		    obs->alt[i].tcp != a->tcp)
			differs = true;
	if (!differs)
		return;
	d = rdd__draft_for(c, RDD_CAUSE_DNS_MULTIPLE_ADDRESSES);
	if (d == NULL)
		return;
	rdd__append(d->f.evidence, sizeof(d->f.evidence),
	            "%s resolves to %zu addresses: %s %s in %.0f ms (used)",
	            obs->host, obs->n_addresses, used,
	            rdd_tcp_outcome_name(a->tcp), a->tcp_ms);
	for (i = 0; i < obs->n_alt && i < NELEM(obs->alt); i++) {
		const struct rdd_alt_address *alt = &obs->alt[i];

		if (alt->tcp == RDD_TCP_NOT_RUN ||
		    strcmp(alt->address, used) == 0)
			continue;
		rdd__append(d->f.evidence, sizeof(d->f.evidence),
		            "; %s %s in %.0f ms", alt->address,
		            rdd_tcp_outcome_name(alt->tcp), alt->ms);
	}
	rdd__set_headline(d, "the addresses of %s answer differently",
	                  obs->host);
}

void
rdd__rules_resolve(struct ctx *c)
{
	rule_dns_failure(c);
	rule_dns_multiple(c);
}
