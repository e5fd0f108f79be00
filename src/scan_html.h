/*
 * scan_html.h - the fleet page of a scan (`scan --html FILE`, and
 * `rdpdoctor report scan.ndjson --html FILE`): both give the page of the
 * same documents, with the drift recomputed from them, so a saved scan
 * renders as the live one did.
 */
#ifndef RDD_SRC_SCAN_HTML_H
#define RDD_SRC_SCAN_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* True when every one of the N documents is a line of scan's NDJSON (it
 * has "target_given"). */
bool scan_html_is_scan(json_t *const *docs, size_t n);

/* The page of the N documents (any order) to PATH ("-": standard
 * output), replaced whole. 0, or -1 with errno set. */
int scan_html_write(const char *path, json_t *const *docs, size_t n);

#endif
