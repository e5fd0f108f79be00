/*
 * causes.c - the causes table built from causes.def, and the names of
 * severities and verdicts.
 *
 * The table is the single source of every finding's id, phase, default
 * severity, title, explanation and fix; the renderers, `explain` and
 * docs/DIAGNOSES.md (docs/gen_diagnoses.c) all read it through
 * rdd_cause_info().
 */
#include <stddef.h>
#include <string.h>

#include "rdpdoctor/diag.h"

static const struct rdd_cause_info causes[RDD_CAUSE_COUNT] = {
#define RDD_CAUSE(sym, id, phase, sev, title, explanation, fix_host,           \
                  fix_client, lowers_security, refs, detectable)               \
	[RDD_CAUSE_##sym] = {id,         phase,           sev,                 \
	                     title,      explanation,     fix_host,            \
	                     fix_client, lowers_security, refs,                \
	                     detectable},
#include "causes.def"
#undef RDD_CAUSE
};

const struct rdd_cause_info *
rdd_cause_info(enum rdd_cause c)
{
	if ((unsigned)c >= RDD_CAUSE_COUNT)
		return NULL;
	return &causes[c];
}

int
rdd_cause_from_id(const char *id)
{
	size_t i;

	if (id == NULL)
		return -1;
	for (i = 0; i < RDD_CAUSE_COUNT; i++)
		if (strcmp(causes[i].id, id) == 0)
			return (int)i;
	return -1;
}

const char *
rdd_severity_name(enum rdd_severity s)
{
	switch (s) {
	case RDD_SEV_INFO:
		return "info";
	case RDD_SEV_WARNING:
		return "warning";
	case RDD_SEV_CRITICAL:
		return "critical";
	}
	return NULL;
}

const char *
rdd_verdict_name(enum rdd_verdict v)
{
	switch (v) {
	case RDD_VERDICT_OK:
		return "ok";
	case RDD_VERDICT_WARNING:
		return "warning";
	case RDD_VERDICT_CRITICAL:
		return "critical";
	case RDD_VERDICT_UNKNOWN:
		return "unknown";
	}
	return NULL;
}

int
rdd_verdict_exit_code(enum rdd_verdict v)
{
	switch (v) {
	case RDD_VERDICT_OK:
		return 0;
	case RDD_VERDICT_WARNING:
		return 1;
	case RDD_VERDICT_CRITICAL:
		return 2;
	case RDD_VERDICT_UNKNOWN:
		return 3;
	}
	return 3;
}
