/*
 * html_common.h - what the HTML tests (test_html.c, test_html_fleet.c)
 * share: documents loaded from docs/ or made from the synthetic
 * observations (fixtures.c), counting in a page, a structural check of a
 * page, and a copy of a document with every string made hostile.
 */
#ifndef RDD_TEST_HTML_COMMON_H
#define RDD_TEST_HTML_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/observation.h"

/* Markup that must come out escaped wherever a string lands. */
#define PAYLOAD "<script>alert('x')</script>\"'&<img src=x onerror=alert(1)>"

/* The lab documents both tests render (RDD_DOCS_DIR). */
extern const char *const html_real_docs[];
#define N_REAL 5

/* RDD_DOCS_DIR/NAME, parsed (the test fails if it does not parse). */
json_t *load_doc(const char *name);
/* The check document of a synthetic observation (fixtures.h). */
json_t *fixture_doc(void (*fixture)(struct rdd_observation *,
                                    struct rdd_diagnosis *));
/* How many times NEEDLE occurs in HAY. */
size_t count(const char *hay, const char *needle);
/*
 * Every '<' starts a tag the renderers write (or its end), every
 * attribute is one they write (or data-*), every value double-quoted
 * without '<' or '>', and no raw control byte: so no string reached the
 * page unescaped. The <style> sheet is skipped (ours, constant); with
 * SCRIPTS, a fleet page's <script> too, and its tags and attributes
 * (script, button, thead, tbody; type, colspan) are allowed.
 */
void check_structure(const char *page, bool scripts);
/* A copy of V with every string prefixed by PAYLOAD; with KEYS, a hostile
 * key beside every key (keys show in the full tree). */
json_t *poison(const json_t *v, bool keys);

#endif
