/*
 * report.h - renderers of an observation and its diagnosis.
 *
 * Text for a terminal, and one JSON document (schema: docs/json.md). Every
 * string that came from the server is escaped here: control characters
 * never reach a terminal, and JSON strings are valid UTF-8.
 */
#ifndef RDPDOCTOR_REPORT_H
#define RDPDOCTOR_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/observation.h"

#define RDD_JSON_SCHEMA_VERSION 1

struct rdd_text_options {
	bool color;
	bool verbose; /* every attempt, not only the ones that matter */
};

int rdd_report_text(FILE *out, const struct rdd_observation *obs,
                    const struct rdd_diagnosis *diag,
                    const struct rdd_text_options *opt);

/* One JSON document followed by a newline. Returns 0 or -1. */
int rdd_report_json(FILE *out, const struct rdd_observation *obs,
                    const struct rdd_diagnosis *diag);

/*
 * Escape untrusted bytes for a terminal: printable ASCII and valid UTF-8
 * pass, everything else (control characters, ESC, invalid UTF-8) becomes
 * \xNN. Always NUL-terminates DST (when cap > 0), truncating if needed.
 * Returns DST.
 */
char *rdd_escape_terminal(char *dst, size_t cap, const char *src);

/*
 * Make untrusted bytes valid UTF-8 for JSON: invalid sequences become
 * U+FFFD. The JSON library escapes control characters itself.
 */
char *rdd_sanitize_utf8(char *dst, size_t cap, const char *src);

#endif
