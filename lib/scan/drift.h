/*
 * drift.h - drift without a policy: hosts grouped by their configuration
 * fingerprint (fingerprint.h), the majority configuration per field and
 * every host that deviates, with the differing fields: "3 of 212 servers
 * still allow TLS 1.0".
 *
 * Per field, hosts are grouped by the field's value (a host without the
 * field has the value null, "(none)"); the largest group is the majority
 * (a tie goes to the value that sorts first, and is marked). A field is
 * reported when its hosts do not all agree. Whole fingerprints are grouped
 * the same way ("configurations"). Unreachable hosts are counted apart.
 * Order is deterministic: groups by count (largest first), then value
 * (canonical JSON, byte order), hosts by name (byte order).
 */
#ifndef RDD_SCAN_DRIFT_H
#define RDD_SCAN_DRIFT_H

#include <stdio.h>

#include <jansson.h>

struct rdd_drift; /* opaque */

struct rdd_drift *rdd_drift_new(void);
void rdd_drift_free(struct rdd_drift *d);

/* One host's check document (keeps its name and fingerprint, not the
 * document). -1 when DOC is not an object, or out of memory. */
int rdd_drift_add(struct rdd_drift *d, const json_t *doc);

/*
 * The report as text, one line each: a summary; per field that differs
 * "FIELD: N of M hosts: VALUE; K hosts also X: a, b, c" (arrays: what a
 * minority has more or less than the majority); the configurations after
 * the first with their hosts and the fields they differ in; the
 * unreachable hosts. Host names and values are escaped for a terminal.
 */
int rdd_drift_text(FILE *out, const struct rdd_drift *d);

/*
 * The report as JSON: {"hosts", "reached", "unreachable": [names],
 * "majority": {field: value}, "fields": [{"field", "majority": {"value",
 * "count", "tie"}, "minorities": [{"value", "count", "added", "removed",
 * "hosts"}]}], "configurations": [{"count", "differs_in", "fingerprint",
 * "hosts"}]}. NULL when out of memory.
 */
json_t *rdd_drift_json(const struct rdd_drift *d);

#endif
