/*
 * cmd_report.c - `rdpdoctor report FILE --html OUT`: render saved results
 * as an HTML page, the same page the live command writes with --html (both
 * render the documents: lib/report/html_*.c).
 *
 * FILE holds one document, or several one after the other (NDJSON, or
 * pretty-printed documents concatenated, as `check --json >> FILE`
 * makes). What they are decides the page: check documents give one
 * check's page, or one page with a table of them and a section each;
 * scan's NDJSON (every line has "target_given") the fleet page of `scan
 * --html`; pcap's document (`pcap --json`: "connections") or its lines
 * (`pcap --ndjson`: "type" connection and summary) the page of `pcap
 * --html`. The file is untrusted: it is parsed by jansson (valid UTF-8
 * only, no NUL in strings, depth bounded) and every string is escaped on
 * the page.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "commands.h"
#include "rdpdoctor/report.h"
#include "scan_html.h"

#define MAX_INPUT (256u << 20) /* bytes read from FILE */
#define MAX_DOCS 100000

static void
report_usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor report --html OUT FILE\n"
	    "\n"
	    "Render saved results as one self-contained HTML page, the page\n"
	    "the command's own --html writes: check --json (one document or\n"
	    "several: a table of the checks and a section for each), scan's\n"
	    "NDJSON (the fleet page), pcap --json or --ndjson (the capture's\n"
	    "page). FILE is - for standard input.\n"
	    "\n"
	    "options:\n"
	    "      --html OUT   write the page to OUT (replaced whole, never\n"
	    "                   half-written; - for standard output)\n"
	    "  -h, --help       this text\n"
	    "\n"
	    "exit status: 0 written, 3 usage error or unreadable FILE\n",
	    f);
}

enum { OPT_HTML = 256 };

const struct option report_longopts[] = {
    {"html", required_argument, NULL, OPT_HTML},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

const char report_shortopts[] = "h";

const struct cmd_optarg report_optargs[] = {
    {"html", NULL, true},
    {NULL, NULL, false},
};

/* The whole of PATH ("-": standard input), NUL-terminated, into *BUF. */
static int
slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, k;
	char *b = NULL, *nb;

	if (f == NULL)
		return -1;
	for (;;) {
		if ((nb = realloc(b, cap + 1)) == NULL)
			break;
		b = nb;
		k = fread(b + n, 1, cap - n, f);
		n += k;
		if (n < cap || cap >= MAX_INPUT)
			break;
		cap *= 2;
		if (cap > MAX_INPUT)
			cap = MAX_INPUT;
	}
	if (nb == NULL || ferror(f) || (n == cap && cap >= MAX_INPUT)) {
		if (nb != NULL && !ferror(f))
			errno = EFBIG;
		free(b);
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* Every document of BUF into DOCS (at most MAX_DOCS). 0, or -1 with a
 * message on stderr. */
static int
parse_docs(const char *name, const char *buf, size_t len, json_t ***docs,
           size_t *n)
{
	size_t off = 0, cap = 0;
	json_t **d = NULL, **nd;
	json_error_t err;

	*n = 0;
	for (;;) {
		json_t *doc;

		off += strspn(buf + off, " \t\r\n");
		if (off >= len)
			break;
		doc = json_loadb(buf + off, len - off, JSON_DISABLE_EOF_CHECK,
		                 &err);
		if (doc == NULL) {
			fprintf(stderr,
			        "rdpdoctor: %s: document %zu: %s (line %d, "
			        "column %d)\n",
			        name, *n + 1, err.text, err.line, err.column);
			goto fail;
		}
		if (*n == MAX_DOCS) {
			json_decref(doc);
			fprintf(stderr,
			        "rdpdoctor: %s: more than %d documents\n", name,
			        MAX_DOCS);
			goto fail;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			if ((nd = realloc(d, cap * sizeof(*d))) == NULL) {
				json_decref(doc);
				fprintf(stderr, "rdpdoctor: out of memory\n");
				goto fail;
			}
			d = nd;
		}
		d[(*n)++] = doc;
		if (err.position <= 0)
			break;
		off += (size_t)err.position;
	}
	if (*n == 0) {
		fprintf(stderr, "rdpdoctor: %s: no JSON document\n", name);
		goto fail;
	}
	*docs = d;
	return 0;
fail:
	while (*n > 0)
		json_decref(d[--*n]);
	free(d);
	return -1;
}

struct page {
	json_t **docs;
	size_t n;
};

static int
write_page(FILE *out, void *ctx)
{
	struct page *p = ctx;

	return rdd_report_html_many(out, (const void *const *)p->docs, p->n);
}

static int
write_pcap(FILE *out, void *ctx)
{
	return rdd_report_html_pcap(out, ctx);
}

/* The "type" of DOC when it is a line of `pcap --ndjson`, else NULL. */
static const char *
pcap_line(const json_t *doc)
{
	const char *t = json_string_value(json_object_get(doc, "type"));

	if (t != NULL &&
	    (strcmp(t, "connection") == 0 || strcmp(t, "summary") == 0))
		return t;
	return NULL;
}

/* The lines of `pcap --ndjson` as the document of `pcap --json`: the
 * connections in their order, the (last) summary; "type" dropped. NULL
 * when a document is not such a line. */
static json_t *
pcap_from_lines(json_t *const *docs, size_t n)
{
	json_t *doc = json_object(), *conns = json_array(), *sum = NULL;
	size_t i;

	if (doc == NULL || conns == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		const char *t = pcap_line(docs[i]);
		json_t *c;

		if (t == NULL)
			goto fail;
		c = json_copy(docs[i]);
		if (c == NULL)
			goto fail;
		json_object_del(c, "type");
		if (strcmp(t, "summary") == 0) {
			json_decref(sum);
			sum = c;
		} else if (json_array_append_new(conns, c) != 0) {
			goto fail;
		}
	}
	json_object_set_new(doc, "schema",
	                    json_integer(RDD_JSON_SCHEMA_VERSION));
	json_object_set_new(doc, "command", json_string("pcap"));
	json_object_set_new(doc, "summary", sum != NULL ? sum : json_object());
	json_object_set_new(doc, "connections", conns);
	return doc;
fail:
	json_decref(sum);
	json_decref(conns);
	json_decref(doc);
	return NULL;
}

/* The page of a capture: DOC is pcap's document. */
static int
render_pcap(const char *in, const char *html, json_t *doc)
{
	json_t *c, *conns = json_object_get(doc, "connections");
	size_t i;

	json_array_foreach(conns, i, c)
	{
		if (!json_is_array(json_object_get(c, "phases")) ||
		    !json_is_object(json_object_get(c, "verdict"))) {
			fprintf(stderr,
			        "rdpdoctor: %s: connection %zu is not a check "
			        "document (rdpdoctor pcap --json)\n",
			        in, i + 1);
			return -1;
		}
	}
	if (rdd_report_write_file(html, write_pcap, doc) != 0) {
		fprintf(stderr, "rdpdoctor: cannot write %s: %s\n", html,
		        strerror(errno));
		return -1;
	}
	return 0;
}

/* Which page the documents make, then that page. 0 or -1. */
static int
render(const char *in, const char *html, struct page *page)
{
	size_t i;

	if (page->n == 1 &&
	    json_is_array(json_object_get(page->docs[0], "connections")))
		return render_pcap(in, html, page->docs[0]);
	if (pcap_line(page->docs[0]) != NULL) {
		json_t *doc = pcap_from_lines(page->docs, page->n);
		int rc;

		if (doc == NULL) {
			fprintf(stderr,
			        "rdpdoctor: %s: not every line is one of "
			        "rdpdoctor pcap --ndjson\n",
			        in);
			return -1;
		}
		rc = render_pcap(in, html, doc);
		json_decref(doc);
		return rc;
	}
	for (i = 0; i < page->n; i++) {
		if (!json_is_array(json_object_get(page->docs[i], "phases")) ||
		    !json_is_object(
		        json_object_get(page->docs[i], "verdict"))) {
			fprintf(stderr,
			        "rdpdoctor: %s: document %zu is not a check "
			        "document (rdpdoctor check --json, scan, pcap "
			        "--json)\n",
			        in, i + 1);
			return -1;
		}
	}
	if (scan_html_is_scan(page->docs, page->n)) {
		if (scan_html_write(html, page->docs, page->n) != 0) {
			fprintf(stderr, "rdpdoctor: cannot write %s: %s\n",
			        html, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (rdd_report_write_file(html, write_page, page) != 0) {
		fprintf(stderr, "rdpdoctor: cannot write %s: %s\n", html,
		        strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_report(int argc, char **argv)
{
	const char *html = NULL, *in;
	struct page page = {NULL, 0};
	char *buf = NULL;
	size_t len, i;
	int ch, rc = RDD_EXIT_UNKNOWN;

	optind = 1;
	while ((ch = getopt_long(argc, argv, report_shortopts, report_longopts,
	                         NULL)) != -1) {
		switch (ch) {
		case OPT_HTML:
			html = optarg;
			break;
		case 'h':
			report_usage(stdout);
			return 0;
		default:
			report_usage(stderr);
			return RDD_EXIT_UNKNOWN;
		}
	}
	if (optind != argc - 1 || html == NULL) {
		report_usage(stderr);
		return RDD_EXIT_UNKNOWN;
	}
	in = argv[optind];
	if (slurp(in, &buf, &len) != 0) {
		fprintf(stderr, "rdpdoctor: cannot read %s: %s\n", in,
		        strerror(errno));
		return RDD_EXIT_UNKNOWN;
	}
	if (parse_docs(in, buf, len, &page.docs, &page.n) != 0)
		goto out;
	if (render(in, html, &page) != 0)
		goto out;
	rc = 0;
out:
	for (i = 0; i < page.n; i++)
		json_decref(page.docs[i]);
	free(page.docs);
	free(buf);
	return rc;
}
