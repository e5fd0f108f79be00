/*
 * tcp.c - the rule of phase tcp: refused, dropped, unreachable.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

/* The cause closest to a connect error text (RDD_TCP_ERROR). */
static enum rdd_cause
tcp_error_cause(const char *err)
{
	if (rdd__contains(err, "refused") ||
	    rdd__contains(err, "ECONNREFUSED") || rdd__contains(err, "reset"))
		return RDD_CAUSE_TCP_REFUSED;
	if (rdd__contains(err, "timed out") || rdd__contains(err, "timeout") ||
	    rdd__contains(err, "ETIMEDOUT"))
		return RDD_CAUSE_TCP_TIMEOUT;
	/* Unreachable, no route, network down, and anything unknown. */
	return RDD_CAUSE_TCP_UNREACHABLE;
}

void
rdd__rules_tcp(struct ctx *c)
{
	const struct rdd_attempt *a = c->a;
	char ep[RDD_ADDR_STR + 16];
	struct draft *d;
	enum rdd_cause cause;

	if (a == NULL)
		return;
	rdd__endpoint(c->obs, a, ep, sizeof(ep));
	switch (a->tcp) {
	case RDD_TCP_REFUSED:
		d = rdd__emit(c, RDD_CAUSE_TCP_REFUSED,
		              "TCP RST in answer to SYN from %s after %.0f ms",
		              ep, a->tcp_ms);
		rdd__set_headline(d, "%s refuses the connection", ep);
		break;
	case RDD_TCP_TIMEOUT:
		d = rdd__emit(c, RDD_CAUSE_TCP_TIMEOUT,
		              "no answer to SYN from %s within %.0f ms", ep,
		              a->tcp_ms);
		rdd__set_headline(
		    d, "%s does not answer the TCP SYN (filtered)", ep);
		break;
	case RDD_TCP_UNREACHABLE:
		d = rdd__emit(c, RDD_CAUSE_TCP_UNREACHABLE,
		              "%s unreachable after %.0f ms%s%s", ep, a->tcp_ms,
		              a->tcp_error[0] ? ": " : "", a->tcp_error);
		rdd__set_headline(d, "%s is unreachable", ep);
		break;
	case RDD_TCP_ERROR:
		cause = tcp_error_cause(a->tcp_error);
		d = rdd__emit(
		    c, cause, "connecting to %s failed after %.0f ms: %s", ep,
		    a->tcp_ms, a->tcp_error[0] ? a->tcp_error : "error");
		rdd__set_headline(d, "connecting to %s fails (%s)", ep,
		                  a->tcp_error[0] ? a->tcp_error : "error");
		break;
	case RDD_TCP_NOT_RUN:
	case RDD_TCP_OK:
		break;
	}
}
