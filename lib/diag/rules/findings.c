/*
 * findings.c - the findings while the rules run: one draft per cause (attempts
 * merge into it), its evidence, headline and severity, and their order.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

/*
 * The draft for cause C: the existing one (so attempts merge into one
 * finding per id) or a new one. NULL when the list is full.
 */
struct draft *
rdd__draft_for(struct ctx *c, enum rdd_cause cause)
{
	const struct rdd_cause_info *ci = rdd_cause_info(cause);
	struct draft *d;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->d[i].f.cause == cause)
			return &c->d[i];
	if (c->n == NELEM(c->d) || ci == NULL)
		return NULL;
	d = &c->d[c->n++];
	memset(d, 0, sizeof(*d));
	d->f.cause = cause;
	d->f.severity = ci->severity;
	d->f.phase = ci->phase;
	return d;
}

/* Add evidence to the finding of CAUSE ("; " between merged parts). */
static struct draft *vemit(struct ctx *c, enum rdd_cause cause, const char *fmt,
                           va_list ap) PRINTF_LIKE(3, 0);

static struct draft *
vemit(struct ctx *c, enum rdd_cause cause, const char *fmt, va_list ap)
{
	struct draft *d = rdd__draft_for(c, cause);
	char part[RDD_EVIDENCE];
	int r;

	if (d == NULL)
		return NULL;
	r = vsnprintf(part, sizeof(part), fmt, ap);
	if (r >= 0 && (size_t)r >= sizeof(part))
		memcpy(part + sizeof(part) - 4, "...", 4);
	rdd__append(d->f.evidence, sizeof(d->f.evidence), "%s%s",
	            d->f.evidence[0] ? "; " : "", part);
	return d;
}

struct draft *
rdd__emit(struct ctx *c, enum rdd_cause cause, const char *fmt, ...)
{
	struct draft *d;
	va_list ap;

	va_start(ap, fmt);
	d = vemit(c, cause, fmt, ap);
	va_end(ap);
	return d;
}

struct draft *
rdd__emit_in(struct ctx *c, enum rdd_cause cause, enum rdd_phase phase,
             const char *fmt, ...)
{
	struct draft *d;
	va_list ap;

	va_start(ap, fmt);
	d = vemit(c, cause, fmt, ap);
	va_end(ap);
	if (d != NULL &&
	    (phase == RDD_PHASE_LICENSING || phase == RDD_PHASE_ACTIVATION ||
	     phase == RDD_PHASE_GATEWAY_TLS ||
	     phase == RDD_PHASE_GATEWAY_HTTP ||
	     phase == RDD_PHASE_GATEWAY_TUNNEL ||
	     phase == RDD_PHASE_GATEWAY_CHANNEL))
		d->f.phase = phase;
	return d;
}

void
rdd__set_headline(struct draft *d, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL || d->headline[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(d->headline, sizeof(d->headline), fmt, ap);
	va_end(ap);
}

void
rdd__raise_severity(struct draft *d, enum rdd_severity s)
{
	if (d != NULL && s > d->f.severity)
		d->f.severity = s;
}

/* Before: higher severity first, then earlier phase; else keep order. */
static bool
before(const struct draft *x, const struct draft *y)
{
	if (x->f.severity != y->f.severity)
		return x->f.severity > y->f.severity;
	return x->f.phase < y->f.phase;
}

void
rdd__sort_drafts(struct ctx *c)
{
	struct draft tmp;
	size_t i, j;

	/* Insertion sort: stable, and n <= RDD_MAX_FINDINGS. */
	for (i = 1; i < c->n; i++) {
		tmp = c->d[i];
		for (j = i; j > 0 && before(&tmp, &c->d[j - 1]); j--)
			c->d[j] = c->d[j - 1];
		c->d[j] = tmp;
	}
}

/* The first phase of the connection sequence that failed, or -1. */
