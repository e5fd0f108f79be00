/*
 * docfield.h - reading the check document (docs/json.md) for policy and
 * drift: a field by its dotted path, whether the host was reached, and the
 * name a host is reported under. The document may come from a saved file:
 * every getter copes with a missing key or a value of another type.
 */
#ifndef RDD_SCAN_DOCFIELD_H
#define RDD_SCAN_DOCFIELD_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* The value at PATH ("tls.certificate.days_left": object keys joined by
 * dots), or NULL when a key is missing or a step is not an object. */
json_t *rdd_doc_get(const json_t *doc, const char *path);

/* The string at PATH, or NULL when missing or not a string. */
const char *rdd_doc_string(const json_t *doc, const char *path);

/* The phase object named NAME of "phases", or NULL. */
json_t *rdd_doc_phase(const json_t *doc, const char *name);

/*
 * Whether a TCP connection to the host was made (the tcp phase is ok, or
 * an attempt's tcp is ok). When not, WHY gets the failed phase's detail
 * ("tcp: connection refused (ECONNREFUSED)"; untrusted).
 */
bool rdd_doc_reachable(const json_t *doc, char *why, size_t cap);

/* Drop from S every UTF-8 sequence that a bounded copy cut short, also
 * inside it (a cut piece formatted into a longer text), and any stray
 * continuation byte; the whole sequences stay. */
void rdd_doc_utf8_clean(char *s);

/* "HOST" or "HOST:PORT" (a port other than 3389) from target; "?" when
 * the document has no target.host. Untrusted: escape before printing. */
void rdd_doc_host_label(const json_t *doc, char *buf, size_t cap);

#endif
