/*
 * cmd_report.c - `rdpdoctor report FILE --html OUT`: render saved check
 * documents (`check --json` output) as an HTML page, the same page a live
 * `check --html` writes (both render the document: lib/report/html_*.c).
 *
 * FILE holds one document, or several one after the other (NDJSON, or
 * pretty-printed documents concatenated, as `check --json >> FILE`
 * makes): one document gives one check's page, several one page with a
 * table of them and a section each. The file is untrusted: it is parsed
 * by jansson (valid UTF-8 only, no NUL in strings, depth bounded) and
 * every string is escaped on the page.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "commands.h"
#include "rdpdoctor/report.h"

#define MAX_INPUT (256u << 20) /* bytes read from FILE */
#define MAX_DOCS 100000

static void
report_usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor report --html OUT FILE\n"
	    "\n"
	    "Render saved check results (rdpdoctor check --json > FILE) as\n"
	    "one self-contained HTML page: the page check --html writes.\n"
	    "FILE (- for standard input) holds one JSON document or several\n"
	    "(one per line, or one after the other); several give one page\n"
	    "with a table of the checks and a section for each.\n"
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
	for (i = 0; i < page.n; i++) {
		if (!json_is_array(json_object_get(page.docs[i], "phases")) ||
		    !json_is_object(json_object_get(page.docs[i], "verdict"))) {
			fprintf(stderr,
			        "rdpdoctor: %s: document %zu is not a check "
			        "document (rdpdoctor check --json)\n",
			        in, i + 1);
			goto out;
		}
	}
	if (rdd_report_write_file(html, write_page, &page) != 0) {
		fprintf(stderr, "rdpdoctor: cannot write %s: %s\n", html,
		        strerror(errno));
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < page.n; i++)
		json_decref(page.docs[i]);
	free(page.docs);
	free(buf);
	return rc;
}
