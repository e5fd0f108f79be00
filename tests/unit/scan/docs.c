/*
 * docs.c - check documents for the scan tests (docs.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "docs.h"

json_t *
doc_fixture(const char *name)
{
	char path[512];
	json_error_t e;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/%s.json", RDD_SCAN_FIXTURES, name);
	doc = json_load_file(path, 0, &e);
	if (doc == NULL)
		fail_msg("%s:%d:%d: %s", path, e.line, e.column, e.text);
	return doc;
}

void
doc_set(json_t *doc, const char *path, json_t *v)
{
	json_t *o = doc;
	char key[64];

	for (;;) {
		size_t n = strcspn(path, ".");

		assert_true(n > 0 && n < sizeof(key));
		memcpy(key, path, n);
		key[n] = '\0';
		assert_true(json_is_object(o));
		if (path[n] == '\0') {
			assert_int_equal(json_object_set_new(o, key, v), 0);
			return;
		}
		o = json_object_get(o, key);
		assert_non_null(o);
		path += n + 1;
	}
}

void
doc_set_host(json_t *doc, const char *host)
{
	doc_set(doc, "target.host", json_string(host));
}
