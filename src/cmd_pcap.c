/*
 * cmd_pcap.c - `rdpdoctor pcap`: the post-mortem of a capture. Every RDP
 * connection in the file (found by its bytes, on any port) is observed
 * passively, diagnosed by the same rules as `check` and reported: a
 * one-line summary first, then one block (or JSON document) per
 * connection, in the order of their first packets.
 *
 * Connections are handed over as they end; each is kept in a temporary
 * file (the report is written once they are all known and ordered), so
 * memory stays bounded by the connections open at once, however long
 * the capture.
 *
 * Exit status: 0 every connection ok, 1 a warning or a connection that
 * could not be seen to the end, 2 a connection failed, 3 usage, a
 * capture that cannot be read, or no RDP connection in it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "pcap/capture.h"
#include "pcap/fallback.h"
#include "pcap/keylog.h"
#include "pcap/store.h"
#include "rdpdoctor/check.h"
#include "report/pcap_report.h"

static void
pcap_usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor pcap [options] FILE\n"
	    "\n"
	    "Find every RDP connection in a capture (pcap or pcapng; - reads\n"
	    "standard input), on any port, and say for each which phase it\n"
	    "reached, how long each took, and why it failed: the same\n"
	    "observation and rules as `check`, from both directions of the\n"
	    "traffic. What the capture cannot show (TLS without its keys,\n"
	    "standard RDP security's encrypted PDUs, holes) is said so.\n"
	    "\n"
	    "options:\n"
	    "  -k, --keylog FILE    TLS secrets in the NSS key log format\n"
	    "                       (SSLKEYLOGFILE): decrypt TLS 1.0 to 1.3\n"
	    "                       and read CredSSP, MCS, licensing and\n"
	    "                       activation inside\n"
	    "  -f, --filter BPF     only packets that match the filter\n"
	    "                       (pcap-filter(7)); frame numbers still\n"
	    "                       count every packet of the file\n"
	    "  -c, --conn N         only connection N (as numbered in the\n"
	    "                       report)\n"
	    "  -j, --json           one JSON document (docs/json.md)\n"
	    "      --ndjson         one JSON line per connection, then a\n"
	    "                       summary line\n"
	    "      --html FILE      also write one HTML page: the summary,\n"
	    "                       and per connection its verdict, phase\n"
	    "                       waterfall and findings (- for standard\n"
	    "                       output, instead of the text report)\n"
	    "  -t, --timeout SECS   a silence this long counts as no answer\n"
	    "                       (default 5, as check)\n"
	    "      --ca-file FILE   verify certificate chains against the CAs\n"
	    "                       in FILE (PEM) instead of the system's\n"
	    "      --no-color       no colour (also: NO_COLOR set, not a TTY)\n"
	    "  -v, --verbose        every detail of each connection\n"
	    "  -h, --help           this text\n"
	    "\n"
	    "exit status: 0 all ok, 1 a warning or a connection not seen to\n"
	    "its end, 2 a connection failed, 3 unknown (usage, unreadable\n"
	    "capture, no RDP connection)\n",
	    f);
}

enum { OPT_NDJSON = 700, OPT_CA_FILE, OPT_NO_COLOR, OPT_HTML };

const struct option pcap_longopts[] = {
    {"keylog", required_argument, NULL, 'k'},
    {"filter", required_argument, NULL, 'f'},
    {"conn", required_argument, NULL, 'c'},
    {"json", no_argument, NULL, 'j'},
    {"ndjson", no_argument, NULL, OPT_NDJSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"timeout", required_argument, NULL, 't'},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

const char pcap_shortopts[] = "k:f:c:jt:vh";

const struct cmd_optarg pcap_optargs[] = {
    {"keylog", NULL, true},
    {"ca-file", NULL, true},
    {"html", NULL, true},
    {NULL, NULL, false},
};

/* Where finished connections go until the report (store.h). */
struct keeper {
	struct rdd_pcap_store *store;
	bool failed;
};

static void
keep(void *ctx, struct rdd_pcap_conn *conn)
{
	struct keeper *k = ctx;

	if (!k->failed && rdd_pcap_store_add(k->store, conn) != 0)
		k->failed = true;
}

/* A connection refused with SSL_NOT_ALLOWED_BY_SERVER and the client's
 * next one with standard RDP security: mstsc's fallback (fallback.h). */
#define FALLBACK_LOOKAHEAD 16

static int
link_fallbacks(struct rdd_pcap_store *s)
{
	struct rdd_pcap_conn *c = rdd_pcap_conn_new(), *d = rdd_pcap_conn_new();
	size_t i, j, n = rdd_pcap_store_count(s);
	int rc = 0;

	if (c == NULL || d == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		if (!rdd_pcap_store_entry(s, i)->refused_tls)
			continue;
		if (rdd_pcap_store_get(s, i, c) != 0) {
			rc = -1;
			break;
		}
		for (j = i + 1; j < n && j <= i + FALLBACK_LOOKAHEAD; j++) {
			if (rdd_pcap_store_get(s, j, d) != 0) {
				rc = -1;
				break;
			}
			if (rdd_pcap_is_fallback(c, d)) {
				rdd_pcap_link_fallback(c, d);
				rc = rdd_pcap_store_put(s, i, c);
				break;
			}
		}
	}
	rdd_pcap_conn_free(c);
	rdd_pcap_conn_free(d);
	return rc;
}

static int
parse_timeout(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0.05 && v <= 3600))
		return -1;
	*out = v;
	return 0;
}

/* The capture's own facts, for the JSON summary. */
static json_t *
capture_facts(const char *path, const struct rdd_capture_stats *st,
              const char *filter, size_t keys)
{
	json_t *o = json_object();

	json_object_set_new(o, "file", json_string(path));
	json_object_set_new(o, "link_type", json_string(st->linktype_name));
	json_object_set_new(o, "packets",
	                    json_integer((json_int_t)st->packets));
	json_object_set_new(o, "selected",
	                    json_integer((json_int_t)st->selected));
	json_object_set_new(o, "filter",
	                    filter != NULL ? json_string(filter) : json_null());
	json_object_set_new(o, "first_packet", json_real(st->first_ts));
	json_object_set_new(o, "last_packet", json_real(st->last_ts));
	json_object_set_new(o, "tcp_connections",
	                    json_integer((json_int_t)st->flows.tcp_flows));
	json_object_set_new(o, "port_3389_not_rdp",
	                    json_integer((json_int_t)st->flows.port_not_rdp));
	json_object_set_new(o, "ip_fragments",
	                    json_integer((json_int_t)st->frag.fragments));
	json_object_set_new(o, "fragments_reassembled",
	                    json_integer((json_int_t)st->frag.reassembled));
	json_object_set_new(o, "cut_short", json_boolean(st->cut_short));
	json_object_set_new(o, "read_error",
	                    st->cut_short ? json_string(st->read_error)
	                                  : json_null());
	json_object_set_new(o, "keylog_secrets",
	                    json_integer((json_int_t)keys));
	return o;
}

static int
exit_for(const struct rdd_pcap_tally *t)
{
	size_t bad = 0, meh = 0;
	int ph;

	if (t->tcp + t->udp == 0)
		return RDD_EXIT_UNKNOWN;
	for (ph = 0; ph <= RDD_PHASE_COUNT; ph++) {
		bad += t->n[RDD_PCAP_FAILED][ph];
		meh += t->n[RDD_PCAP_NOT_VISIBLE][ph] +
		       t->n[RDD_PCAP_CLIENT_CLOSED][ph] +
		       t->n[RDD_PCAP_INCOMPLETE][ph] +
		       t->n[RDD_PCAP_FELL_BACK][ph];
	}
	return bad > 0 ? 2 : meh > 0 ? 1 : 0;
}

struct out_opts {
	bool json;
	bool ndjson;
	const char *html; /* --html FILE */
	unsigned only;
	struct rdd_text_options text;
};

static int
write_html(FILE *out, void *doc)
{
	return rdd_report_html_pcap(out, doc);
}

static int
report(struct rdd_pcap_store *s, const struct out_opts *oo, const char *path,
       const struct rdd_capture_stats *st, const char *filter, size_t keys)
{
	const struct rdd_pcap_store_entry *e;
	struct rdd_pcap_tally tally;
	struct rdd_pcap_conn *c = rdd_pcap_conn_new();
	json_t *all = NULL, *doc, *sum;
	char line[512];
	size_t i, n = rdd_pcap_store_count(s);
	int rc = 0;
	/* --html - takes the text report's place on standard output. */
	bool text = !oo->json && !oo->ndjson &&
	            !(oo->html != NULL && strcmp(oo->html, "-") == 0);
	bool docs = oo->json || oo->ndjson || oo->html != NULL;

	if (c == NULL)
		return -1;
	memset(&tally, 0, sizeof(tally));
	rdd_pcap_store_sort(s);
	if (link_fallbacks(s) != 0) {
		rdd_pcap_conn_free(c);
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = rdd_pcap_store_entry(s, i);
		if (oo->only == 0 || oo->only == i + 1)
			rdd_pcap_tally_put(&tally, e->kind, e->status,
			                   e->status_phase);
	}
	rdd_pcap_summary_line(line, sizeof(line), &tally);
	if (oo->json || oo->html != NULL)
		all = json_array();
	if (text) {
		printf("rdpdoctor %s  pcap of %s  (%llu packets, %s)\n",
		       RDD_VERSION, path, (unsigned long long)st->packets,
		       st->linktype_name);
		printf("%s%s\n", line,
		       st->cut_short ? " (the file is cut short)" : "");
		if (st->flows.port_not_rdp > 0)
			printf(
			    "(and %llu TCP connection%s on port 3389 that did "
			    "not start with an X.224 Connection Request: not "
			    "read as RDP)\n",
			    (unsigned long long)st->flows.port_not_rdp,
			    st->flows.port_not_rdp == 1 ? "" : "s");
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (oo->only != 0 && oo->only != i + 1)
			continue;
		if (rdd_pcap_store_get(s, i, c) != 0) {
			rc = -1;
			break;
		}
		if (docs) {
			doc = rdd_report_pcap_json_doc(c);
			if (doc == NULL) {
				rc = -1;
				break;
			}
			if (oo->ndjson) {
				json_object_set_new(doc, "type",
				                    json_string("connection"));
				rc = rdd_report_json_line(stdout, doc);
				json_object_del(doc, "type");
			}
			if (all != NULL && json_array_append(all, doc) != 0)
				rc = -1;
			json_decref(doc);
		}
		if (!text)
			continue;
		fputc('\n', stdout);
		rc = rdd_report_pcap_text(stdout, c, &oo->text);
	}
	rdd_pcap_conn_free(c);
	if (rc != 0) {
		json_decref(all);
		return -1;
	}
	if (docs) {
		sum = rdd_report_pcap_json_summary(
		    &tally, capture_facts(path, st, filter, keys));
		if (oo->ndjson) {
			json_object_set_new(sum, "type",
			                    json_string("summary"));
			rc = rdd_report_json_line(stdout, sum);
			json_object_del(sum, "type");
		}
		if (all == NULL) {
			json_decref(sum);
		} else {
			doc = json_object();
			json_object_set_new(
			    doc, "schema",
			    json_integer(RDD_JSON_SCHEMA_VERSION));
			json_object_set_new(doc, "command",
			                    json_string("pcap"));
			json_object_set_new(doc, "summary", sum);
			json_object_set_new(doc, "connections", all);
			all = NULL;
			if (oo->json)
				rc = rdd_report_pcap_json_write(stdout, doc);
			if (rc == 0 && oo->html != NULL &&
			    rdd_report_write_file(oo->html, write_html, doc) !=
			        0) {
				fprintf(stderr,
				        "rdpdoctor: cannot write %s: %s\n",
				        oo->html, strerror(errno));
				rc = -1;
			}
			json_decref(doc);
		}
	}
	json_decref(all);
	return rc != 0 ? -1 : exit_for(&tally);
}

int
cmd_pcap(int argc, char **argv)
{
	struct rdd_capture_options opt = {0};
	struct rdd_capture_stats st;
	struct out_opts oo = {0};
	struct keeper k = {0};
	struct rdd_keylog *kl = NULL;
	const char *keylog = NULL, *ca_file = NULL, *path;
	char err[512];
	bool no_color = false;
	size_t skipped = 0;
	FILE *f;
	long n;
	char *end;
	int ch, rc = RDD_EXIT_UNKNOWN;

	optind = 1;
	while ((ch = getopt_long(argc, argv, pcap_shortopts, pcap_longopts,
	                         NULL)) != -1) {
		switch (ch) {
		case 'k':
			keylog = optarg;
			break;
		case 'f':
			opt.filter = optarg;
			break;
		case 'c':
			n = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || n < 1 ||
			    n > 100000000) {
				fprintf(stderr,
				        "rdpdoctor: bad connection number "
				        "'%s'\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			oo.only = (unsigned)n;
			break;
		case 'j':
			oo.json = true;
			break;
		case OPT_NDJSON:
			oo.ndjson = true;
			break;
		case OPT_HTML:
			oo.html = optarg;
			break;
		case 't':
			if (parse_timeout(optarg, &opt.timeout_s) != 0) {
				fprintf(stderr,
				        "rdpdoctor: bad timeout '%s' (0.05 to "
				        "3600 seconds)\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case OPT_CA_FILE:
			ca_file = optarg;
			break;
		case OPT_NO_COLOR:
			no_color = true;
			break;
		case 'v':
			oo.text.verbose = true;
			break;
		case 'h':
			pcap_usage(stdout);
			return 0;
		default:
			pcap_usage(stderr);
			return RDD_EXIT_UNKNOWN;
		}
	}
	if (optind != argc - 1 || (oo.json && oo.ndjson) ||
	    (oo.html != NULL && strcmp(oo.html, "-") == 0 &&
	     (oo.json || oo.ndjson))) {
		pcap_usage(stderr);
		return RDD_EXIT_UNKNOWN;
	}
	path = argv[optind];
	oo.text.color =
	    !no_color && getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO);
	if (keylog != NULL) {
		kl = rdd_keylog_load(keylog, &skipped, err, sizeof(err));
		if (kl == NULL && access(keylog, R_OK) != 0) {
			fprintf(stderr,
			        "rdpdoctor: cannot use --keylog '%s': %s\n",
			        keylog, err);
			return RDD_EXIT_UNKNOWN;
		}
		/* A key log without secrets: TLS stays unread, and says so. */
		if (kl == NULL)
			fprintf(stderr, "rdpdoctor: --keylog '%s': %s\n",
			        keylog, err);
		opt.keylog = kl;
	}
	opt.trust_store = rdd_trust_store_load(ca_file, err, sizeof(err));
	if (opt.trust_store == NULL && ca_file != NULL) {
		fprintf(stderr, "rdpdoctor: cannot load --ca-file '%s': %s\n",
		        ca_file, err);
		goto out;
	}
	f = strcmp(path, "-") == 0 ? fdopen(dup(STDIN_FILENO), "rb")
	                           : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "rdpdoctor: cannot open '%s'\n", path);
		goto out;
	}
	k.store = rdd_pcap_store_new();
	if (k.store == NULL) {
		fclose(f);
		fprintf(stderr, "rdpdoctor: no temporary file\n");
		goto out;
	}
	if (rdd_capture_read(f, &opt, keep, &k, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "rdpdoctor: %s: %s\n", path, err);
		goto out;
	}
	if (k.failed) {
		fprintf(stderr, "rdpdoctor: cannot keep the connections "
		                "(temporary file or memory)\n");
		goto out;
	}
	if (st.cut_short)
		fprintf(stderr,
		        "rdpdoctor: %s is cut short after packet %llu: "
		        "%s\n",
		        path, (unsigned long long)st.packets, st.read_error);
	if (oo.only > rdd_pcap_store_count(k.store)) {
		fprintf(stderr,
		        "rdpdoctor: no connection %u (the capture has %zu)\n",
		        oo.only, rdd_pcap_store_count(k.store));
		goto out;
	}
	rc = report(k.store, &oo, path, &st, opt.filter, rdd_keylog_count(kl));
	if (rc < 0) {
		fprintf(stderr, "rdpdoctor: cannot write the report\n");
		rc = RDD_EXIT_UNKNOWN;
	}
out:
	if (fflush(stdout) != 0)
		rc = RDD_EXIT_UNKNOWN;
	rdd_pcap_store_free(k.store);
	rdd_keylog_free(kl);
	rdd_trust_store_free(opt.trust_store);
	return rc;
}
