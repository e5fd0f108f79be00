/*
 * json_int.h - what the JSON report's files share (internal to
 * lib/report): the build state and the value makers of json.c, and the
 * sections that live in files of their own.
 */
#ifndef RDD_REPORT_JSON_INT_H
#define RDD_REPORT_JSON_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rdpdoctor/observation.h"

/* Build state: the first failure sticks, and the document is not written. */
struct jb {
	int err;
};

/* Put V (a new reference, possibly NULL after a failed constructor) into
 * OBJ under KEY, or append it to ARR; a NULL V marks the build failed. */
void rdd__j_put(struct jb *b, json_t *obj, const char *key, json_t *v);
void rdd__j_push(struct jb *b, json_t *arr, json_t *v);
/* A JSON string of at most MAX bytes of S, made valid UTF-8. */
json_t *rdd__j_untrusted(const char *s, size_t max);
/* As rdd__j_untrusted, but null for an empty string. */
json_t *rdd__j_untrusted_or_null(const char *s, size_t max);
/* A name from a table, or null when the value has no name. */
json_t *rdd__j_name_or_null(const char *name);
/* Milliseconds rounded to 0.001, or null when not finite. */
json_t *rdd__j_ms_value(double ms);
/* Unix seconds as "YYYY-MM-DDTHH:MM:SSZ", or null. */
json_t *rdd__j_iso8601(int64_t t);
/* Whole days from NOW to T, rounded down, or null. */
json_t *rdd__j_days_between(int64_t now, int64_t t);

#define UNTRUSTED(field) rdd__j_untrusted((field), sizeof(field))
#define UNTRUSTED_OR_NULL(field)                                               \
	rdd__j_untrusted_or_null((field), sizeof(field))

/* "session": the walk after MCS Connect (json_session.c); null when it
 * did not run. */
json_t *rdd__json_session(struct jb *b, const struct rdd_observation *obs);
/* The "logon" object (json_logon.c). */
json_t *rdd__json_logon(struct jb *b, const struct rdd_observation *obs);

#endif
