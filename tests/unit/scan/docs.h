/*
 * docs.h - check documents for the scan tests: the lab's, saved from
 * `rdpdoctor check --json --tls-full --samples 0 --ca-file LAB_CA HOST`
 * against tests/lab's servers (fixtures/HOST.json; see fixtures/README),
 * and edits of them.
 */
#ifndef RDD_TEST_SCAN_DOCS_H
#define RDD_TEST_SCAN_DOCS_H

#include <jansson.h>

/* fixtures/NAME.json, parsed; fails the test when it cannot be read. */
json_t *doc_fixture(const char *name);

/* Set the value at PATH (dotted object keys, the last one created) of
 * DOC to V (a new reference); fails the test when a step is missing. */
void doc_set(json_t *doc, const char *path, json_t *v);

/* Set target.host of DOC. */
void doc_set_host(json_t *doc, const char *host);

#endif
