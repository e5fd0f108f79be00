/*
 * scan_html.c - the fleet page of a scan (scan_html.h): the documents and
 * the drift report over them (lib/scan/drift.h) handed to the renderer
 * (lib/report/html_scan.c). The drift is always shown: it needs nothing
 * but the documents, and a page from a saved scan is then the page the
 * scan wrote, whatever its options were.
 */
#include <errno.h>
#include <stdio.h>

#include "rdpdoctor/report.h"
#include "scan/drift.h"
#include "scan_html.h"

bool
scan_html_is_scan(json_t *const *docs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!json_is_string(json_object_get(docs[i], "target_given")))
			return false;
	return n > 0;
}

struct page {
	json_t *const *docs;
	size_t n;
	json_t *drift;
};

static int
write_page(FILE *out, void *ctx)
{
	struct page *p = ctx;

	return rdd_report_html_scan(out, (const void *const *)p->docs, p->n,
	                            p->drift);
}

int
scan_html_write(const char *path, json_t *const *docs, size_t n)
{
	struct rdd_drift *d = rdd_drift_new();
	struct page p = {docs, n, NULL};
	size_t i;
	int rc = -1;

	if (d == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < n; i++)
		if (rdd_drift_add(d, docs[i]) != 0) {
			errno = ENOMEM;
			goto out;
		}
	p.drift = rdd_drift_json(d);
	if (p.drift == NULL) {
		errno = ENOMEM;
		goto out;
	}
	errno = 0;
	rc = rdd_report_write_file(path, write_page, &p);
	if (rc != 0 && errno == 0)
		errno = EINVAL;
out:
	json_decref(p.drift);
	rdd_drift_free(d);
	return rc;
}
