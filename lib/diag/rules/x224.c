/*
 * x224.c - the rules of phase x224: no Connection Confirm, an answer that is
 * not RDP, the negotiation failure codes, and NLA not required.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

static const char *
neg_failure_name(uint32_t code)
{
	static const char *const n[] = {
	    NULL,
	    "SSL_REQUIRED_BY_SERVER",
	    "SSL_NOT_ALLOWED_BY_SERVER",
	    "SSL_CERT_NOT_ON_SERVER",
	    "INCONSISTENT_FLAGS",
	    "HYBRID_REQUIRED_BY_SERVER",
	    "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
	};

	return code < NELEM(n) ? n[code] : NULL;
}

/* --- the Connection Confirm ------------------------------------------- */

/* What the first bytes of a non-RDP answer look like, or NULL. */
static const char *
guess_protocol(const uint8_t *b, size_t n)
{
	if (n >= 5 && memcmp(b, "HTTP/", 5) == 0)
		return "HTTP";
	if (n >= 4 && memcmp(b, "SSH-", 4) == 0)
		return "SSH";
	if (n >= 2 && b[0] == 0x16 && b[1] == 0x03)
		return "a TLS handshake";
	if (n >= 2 && b[0] == 0x15 && b[1] == 0x03)
		return "a TLS alert";
	if (n >= 4 && (memcmp(b, "220 ", 4) == 0 || memcmp(b, "220-", 4) == 0))
		return "an SMTP or FTP greeting";
	if (n >= 2 && b[0] == 0x03 && b[1] == 0x00)
		return "TPKT";
	return NULL;
}

static void
rule_x224(struct ctx *c)
{
	const struct rdd_attempt *a = c->a;
	char hex[RDD_FIRST_BYTES * 3 + 1];
	const char *what;
	struct draft *d;
	size_t i, n;

	if (a == NULL)
		return;
	switch (a->x224) {
	case RDD_X224_TIMEOUT:
		d = rdd__emit(
		    c, RDD_CAUSE_X224_TIMEOUT,
		    "TCP connected in %.0f ms; no X.224 Connection Confirm "
		    "within %.0f ms%s%s",
		    a->tcp_ms, a->x224_ms, a->x224_detail[0] ? ": " : "",
		    a->x224_detail);
		rdd__set_headline(d, "the server never answers the X.224 "
		                     "Connection Request");
		break;
	case RDD_X224_RESET:
	case RDD_X224_CLOSED:
		what =
		    a->x224 == RDD_X224_RESET ? "reset (RST)" : "closed (FIN)";
		d = rdd__emit(
		    c, RDD_CAUSE_X224_RESET,
		    "connection %s %.0f ms after the X.224 Connection "
		    "Request, before any Connection Confirm%s%s",
		    what, a->x224_ms, a->x224_detail[0] ? ": " : "",
		    a->x224_detail);
		rdd__set_headline(d,
		                  "the connection is %s right after the X.224 "
		                  "Connection Request",
		                  a->x224 == RDD_X224_RESET ? "reset"
		                                            : "closed");
		break;
	case RDD_X224_NOT_RDP:
	case RDD_X224_MALFORMED:
		hex[0] = '\0';
		n = a->n_first_bytes < RDD_FIRST_BYTES ? a->n_first_bytes
		                                       : RDD_FIRST_BYTES;
		for (i = 0; i < n; i++)
			rdd__append(hex, sizeof(hex), "%s%02x", i ? " " : "",
			            a->first_bytes[i]);
		what = guess_protocol(a->first_bytes, n);
		d = rdd__emit(
		    c, RDD_CAUSE_X224_NOT_RDP, "%s: first %zu bytes %s%s%s%s%s",
		    a->x224 == RDD_X224_MALFORMED
		        ? "TPKT/X.224 answer that is not a valid Connection "
		          "Confirm"
		        : "the answer is not TPKT/X.224",
		    n, n ? hex : "(none)", what ? " (looks like " : "",
		    what ? what : "", what ? ")" : "",
		    a->x224_detail[0] ? "; " : "");
		if (d != NULL)
			rdd__append(d->f.evidence, sizeof(d->f.evidence), "%s",
			            a->x224_detail);
		rdd__set_headline(d,
		                  "the service on port %u does not speak RDP",
		                  (unsigned)c->obs->port);
		break;
	case RDD_X224_NOT_RUN:
	case RDD_X224_RSP:
	case RDD_X224_FAILURE:
	case RDD_X224_NO_NEG_DATA:
		break;
	}
}

static void
rule_nego(struct ctx *c)
{
	static const enum rdd_cause by_code[] = {
	    RDD_CAUSE_COUNT,
	    RDD_CAUSE_NEGO_SSL_REQUIRED,
	    RDD_CAUSE_NEGO_SSL_NOT_ALLOWED,
	    RDD_CAUSE_NEGO_CERT_NOT_ON_SERVER,
	    RDD_CAUSE_NEGO_INCONSISTENT_FLAGS,
	    RDD_CAUSE_NEGO_HYBRID_REQUIRED,
	    RDD_CAUSE_NEGO_SSL_WITH_USER_AUTH_REQUIRED,
	};
	const struct rdd_observation *obs = c->obs;
	char names[64];
	size_t i;

	for (i = 0; i < obs->n_attempts && i < NELEM(obs->attempts); i++) {
		const struct rdd_attempt *at = &obs->attempts[i];
		struct draft *d;
		uint32_t code = at->failure_code;

		if (at->x224 != RDD_X224_FAILURE || code == 0 ||
		    code >= NELEM(by_code))
			continue;
		d = rdd__emit(
		    c, by_code[code],
		    "request 0x%08x (%s) -> RDP_NEG_FAILURE %s (%u) "
		    "[attempt %s]",
		    (unsigned)at->requested,
		    rdd__proto_names(at->requested, names, sizeof(names)),
		    neg_failure_name(code), (unsigned)code, at->label);
		if (at == c->a && !(code == RDD_NEG_SSL_NOT_ALLOWED_BY_SERVER &&
		                    rdd_plan_rdp_fallback(obs))) {
			rdd__raise_severity(d, RDD_SEV_CRITICAL);
			rdd__set_headline(
			    d, "the server answers RDP_NEG_FAILURE %s",
			    neg_failure_name(code));
		}
	}
}

static void
rule_nla_not_required(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	char req[64], sel[64];
	size_t i;

	if (obs->nla_required != 0)
		return;
	for (i = 0; i < obs->n_attempts && i < NELEM(obs->attempts); i++) {
		const struct rdd_attempt *at = &obs->attempts[i];

		if (at->x224 == RDD_X224_RSP &&
		    !(at->selected &
		      (RDD_PROTO_HYBRID | RDD_PROTO_HYBRID_EX))) {
			rdd__emit(
			    c, RDD_CAUSE_NLA_NOT_REQUIRED,
			    "request %s (0x%x) -> selected %s: %s without "
			    "CredSSP accepted [attempt %s]",
			    rdd__proto_names(at->requested, req, sizeof(req)),
			    (unsigned)at->requested,
			    rdd__proto_names(at->selected, sel, sizeof(sel)),
			    at->selected == RDD_PROTO_RDP
			        ? "Standard RDP Security"
			        : "TLS",
			    at->label);
			return;
		}
		if (at->x224 == RDD_X224_NO_NEG_DATA) {
			rdd__emit(
			    c, RDD_CAUSE_NLA_NOT_REQUIRED,
			    "request %s (0x%x) -> Connection Confirm without "
			    "negotiation data: Standard RDP Security without "
			    "CredSSP accepted [attempt %s]",
			    rdd__proto_names(at->requested, req, sizeof(req)),
			    (unsigned)at->requested, at->label);
			return;
		}
	}
	rdd__emit(
	    c, RDD_CAUSE_NLA_NOT_REQUIRED,
	    "the negotiation shows CredSSP is not required (security layer "
	    "%s)",
	    rdd_security_layer_name(obs->security_layer)
	        ? rdd_security_layer_name(obs->security_layer)
	        : "unknown");
}

void
rdd__rules_x224(struct ctx *c)
{
	rule_x224(c);
	rule_nego(c);
	rule_nla_not_required(c);
}
