/*
 * drift_int.h - what drift.c and drift_out.c share (internal to
 * lib/scan): the hosts collected, and their grouping by one field or by
 * the whole fingerprint.
 */
#ifndef RDD_SCAN_DRIFT_INT_H
#define RDD_SCAN_DRIFT_INT_H

#include <stddef.h>

#include <jansson.h>

#include "scan/drift.h"

struct rdd_drift_host {
	char *label;
	json_t *fp;
	char *key; /* fp as canonical JSON */
};

struct rdd_drift {
	struct rdd_drift_host *hosts;
	size_t n, cap;
	char **unreachable; /* names, in the order added */
	size_t n_unreachable, cap_unreachable;
};

struct rdd_drift_group {
	char *canon;         /* the value as canonical JSON */
	const json_t *value; /* the value (borrowed from a host's fp) */
	size_t count;
	const char **hosts; /* COUNT names, sorted (borrowed) */
};

/*
 * The hosts grouped by FIELD's value (NULL: the whole fingerprint),
 * largest group first, then by value; names sorted. -1 when out of
 * memory.
 */
int rdd__drift_groups(const struct rdd_drift *d, const char *field,
                      struct rdd_drift_group **out, size_t *n);
void rdd__drift_groups_free(struct rdd_drift_group *g, size_t n);

/* The unreachable hosts' names, sorted (borrowed; free the array). */
const char **rdd__drift_unreachable_sorted(const struct rdd_drift *d);

#endif
