/*
 * mcs.c - the rules of phase mcs: the Connect-Response and the channel
 * joins after it, standard RDP security and its encryption methods.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

/* The attempt whose MCS a default client goes through (as plan.c): A's,
 * or C's when mstsc falls back to standard RDP security. */
static const struct rdd_attempt *
mcs_attempt(const struct ctx *c)
{
	const struct rdd_attempt *fb;

	if (c->a == NULL)
		return NULL;
	if (c->a->mcs != RDD_MCS_NOT_RUN)
		return c->a;
	fb = rdd__attempt_by_label(c->obs, "C");
	if (fb != NULL && fb->mcs != RDD_MCS_NOT_RUN &&
	    rdd_plan_rdp_fallback(c->obs))
		return fb;
	return NULL;
}

/* What the Connect-Initial said: "serverSelectedProtocol SSL". */
static const char *
mcs_request(const struct rdd_attempt *m, char *buf, size_t cap)
{
	char sel[32];

	buf[0] = '\0';
	rdd__append(buf, cap,
	            "serverSelectedProtocol %s, encryptionMethods 0x%02x",
	            rdd__proto_names(m->x224 == RDD_X224_RSP ? m->selected
	                                                     : RDD_PROTO_RDP,
	                             sel, sizeof(sel)),
	            (unsigned)m->encryption_methods);
	return buf;
}

/* After an rt-successful Connect-Response: the Attach User or a Channel
 * Join refused, or the connection dropped before the last join. A
 * timeout there is the phase's own (as for the Connect-Response). */
static void
rule_domain_refused(struct ctx *c)
{
	const struct rdd_session_info *s = &c->obs->session;
	struct draft *d;

	if (s->phase != RDD_PHASE_MCS ||
	    (s->outcome != RDD_SESSION_REFUSED &&
	     s->outcome != RDD_SESSION_CLOSED &&
	     s->outcome != RDD_SESSION_RESET &&
	     s->outcome != RDD_SESSION_DISCONNECTED &&
	     s->outcome != RDD_SESSION_MALFORMED))
		return;
	d = rdd__emit(
	    c, RDD_CAUSE_MCS_REJECTED,
	    "after an rt-successful Connect-Response: %s [attempt %s]",
	    s->detail, s->attempt);
	rdd__set_headline(d, "%s",
	                  s->outcome == RDD_SESSION_REFUSED
	                      ? "the server refuses the MCS user or a channel"
	                      : "the server drops the connection while the "
	                        "MCS channels are joined");
}

static void
rule_mcs_rejected(struct ctx *c)
{
	const struct rdd_attempt *m = mcs_attempt(c);
	char req[96];
	const char *name;
	struct draft *d;

	if (m == NULL)
		return;
	switch (m->mcs) {
	case RDD_MCS_OK:
		if (m->mcs_result == 0) {
			rule_domain_refused(c);
			return;
		}
		name = m->mcs_result >= 0
		           ? rdd_mcs_result_name((unsigned)m->mcs_result)
		           : NULL;
		d = rdd__emit(c, RDD_CAUSE_MCS_REJECTED,
		              "the MCS Connect-Initial (%s) was answered: %s "
		              "[attempt %s]",
		              mcs_request(m, req, sizeof(req)), m->mcs_detail,
		              m->label);
		rdd__set_headline(d,
		                  "the server answers the MCS Connect-Initial "
		                  "with %s",
		                  name != NULL ? name : "a failure result");
		break;
	case RDD_MCS_DISCONNECTED:
	case RDD_MCS_CLOSED:
	case RDD_MCS_RESET:
		d = rdd__emit(c, RDD_CAUSE_MCS_REJECTED,
		              "%s, %.0f ms after the MCS Connect-Initial (%s) "
		              "[attempt %s]",
		              m->mcs_detail, m->mcs_ms,
		              mcs_request(m, req, sizeof(req)), m->label);
		rdd__set_headline(d,
		                  "the server drops the connection after the "
		                  "MCS Connect-Initial");
		break;
	case RDD_MCS_NOT_RUN:
	case RDD_MCS_TIMEOUT:
	case RDD_MCS_MALFORMED:
	case RDD_MCS_ERROR:
		break;
	}
}

/* The first connection (plan order) that completed the Basic Settings
 * Exchange with standard RDP security, the encryption probes aside. */
static const struct rdd_attempt *
rdp_security_attempt(const struct rdd_observation *obs)
{
	size_t i;

	for (i = 0; i < obs->n_attempts && i < NELEM(obs->attempts); i++) {
		const struct rdd_attempt *at = &obs->attempts[i];

		if (rdd_plan_is_encryption_probe(at->label))
			continue;
		if (((at->x224 == RDD_X224_RSP &&
		      at->selected == RDD_PROTO_RDP) ||
		     at->x224 == RDD_X224_NO_NEG_DATA) &&
		    at->mcs == RDD_MCS_OK && at->mcs_result == 0)
			return at;
	}
	return NULL;
}

static void
rule_rdp_security(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_attempt *at = rdp_security_attempt(obs);
	const char *level, *method;
	char req[64], part[RDD_EVIDENCE];
	size_t i;

	if (at == NULL)
		return;
	rdd__emit(c, RDD_CAUSE_RDP_SECURITY_ALLOWED,
	          "request %s (0x%x) -> %s: %s [attempt %s]",
	          rdd__proto_names(at->requested, req, sizeof(req)),
	          (unsigned)at->requested,
	          at->x224 == RDD_X224_RSP ? "selected RDP"
	                                   : "Connection Confirm without "
	                                     "negotiation data",
	          at->mcs_detail, at->label);

	/* Weak encryption: the level the server runs, the method it chose
	 * for mstsc's offer, and the methods it accepts alone. */
	part[0] = '\0';
	level = rdd_encryption_level_desc(at->mcs_encryption_level);
	method = rdd_encryption_method_desc(at->mcs_encryption_method);
	if (at->mcs_encryption_level == RDD_ENCRYPTION_LEVEL_NONE)
		rdd__append(part, sizeof(part),
		            "encryption level None: no encryption at all "
		            "[attempt %s]",
		            at->label);
	else if (at->mcs_encryption_level == RDD_ENCRYPTION_LEVEL_LOW)
		rdd__append(part, sizeof(part),
		            "encryption level Low: only the client's data is "
		            "encrypted (%s) [attempt %s]",
		            method != NULL ? method : "unknown method",
		            at->label);
	else if (at->mcs_encryption_method == RDD_ENCRYPTION_METHOD_40BIT ||
	         at->mcs_encryption_method == RDD_ENCRYPTION_METHOD_56BIT)
		rdd__append(
		    part, sizeof(part),
		    "offered 40, 56 and 128-bit RC4 and FIPS, the server "
		    "chose %s at level %s [attempt %s]",
		    method, level != NULL ? level : "unknown", at->label);
	for (i = 0; i < obs->mcs.n_accepted_encryption_methods &&
	            i < RDD_MAX_ENCRYPTION_METHODS;
	     i++) {
		uint32_t m = obs->mcs.accepted_encryption_methods[i];

		if (m != RDD_ENCRYPTION_METHOD_40BIT &&
		    m != RDD_ENCRYPTION_METHOD_56BIT)
			continue;
		rdd__append(part, sizeof(part),
		            "%s%s accepted when offered alone [attempt %s]",
		            part[0] ? "; " : "", rdd_encryption_method_desc(m),
		            m == RDD_ENCRYPTION_METHOD_40BIT ? "E40" : "E56");
	}
	if (part[0] != '\0')
		rdd__emit(c, RDD_CAUSE_RDP_ENCRYPTION_WEAK, "%s", part);
}

void
rdd__rules_mcs(struct ctx *c)
{
	rule_mcs_rejected(c);
	rule_rdp_security(c);
}
