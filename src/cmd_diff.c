/*
 * cmd_diff.c - `rdpdoctor diff --db FILE`: what changed between two scans
 * stored by `scan --db FILE` (lib/scan/history_diff.h, docs/history.md):
 * new failures, fixed hosts, findings, certificates changed or about to
 * expire, hosts gone and new.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "scan/history.h"
#include "scan/history_diff.h"

enum { OPT_DB = 800, OPT_FROM, OPT_TO, OPT_EXPIRE_DAYS };

static void
diff_usage(FILE *f)
{
	fputs("usage: rdpdoctor diff --db FILE [--from ID] [--to ID]\n"
	      "                      [--expire-days N] [--json]\n"
	      "\n"
	      "What changed between two scans stored with `scan --db FILE`:\n"
	      "hosts that now fail, hosts fixed, findings that came or went,\n"
	      "certificates that changed or expire within N days (default\n"
	      "30), hosts gone and new. By default the last two complete\n"
	      "scans; --to ID and --from ID pick others.\n"
	      "\n"
	      "options:\n"
	      "      --db FILE        the scan history (SQLite)\n"
	      "      --from ID        the older scan (default: the complete\n"
	      "                       scan before --to)\n"
	      "      --to ID          the newer scan (default: the last\n"
	      "                       complete one)\n"
	      "      --expire-days N  certificates expiring within N days\n"
	      "  -j, --json           one JSON document (docs/history.md)\n"
	      "  -h, --help           this text\n"
	      "\n"
	      "exit status: 0 nothing got worse, 1 a host got worse or a\n"
	      "certificate expires soon, 3 usage or database error\n",
	      f);
}

const struct option diff_longopts[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"expire-days", required_argument, NULL, OPT_EXPIRE_DAYS},
    {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

const char diff_shortopts[] = "jh";

const struct cmd_optarg diff_optargs[] = {
    {"db", NULL, true},
    {NULL, NULL, false},
};

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
cmd_diff(int argc, char **argv)
{
	struct rdd_history_opts ho = {.read_only = true};
	struct rdd_history *h = NULL;
	struct rdd_history_diff d;
	const char *db = NULL;
	long from = 0, to = 0, days = -1;
	char err[RDD_HISTORY_ERR_MAX];
	bool json = false;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, diff_shortopts, diff_longopts,
	                         NULL)) != -1) {
		switch (ch) {
		case OPT_DB:
			db = optarg;
			break;
		case OPT_FROM:
		case OPT_TO:
			if (parse_long(optarg, 1, 1L << 40,
			               ch == OPT_FROM ? &from : &to) != 0) {
				fprintf(stderr, "rdpdoctor: bad scan id '%s'\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case OPT_EXPIRE_DAYS:
			if (parse_long(optarg, 0, 3650, &days) != 0) {
				fprintf(
				    stderr,
				    "rdpdoctor: bad --expire-days '%s' (0 to "
				    "3650)\n",
				    optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			diff_usage(stdout);
			return 0;
		default:
			diff_usage(stderr);
			return RDD_EXIT_UNKNOWN;
		}
	}
	if (db == NULL || optind != argc) {
		diff_usage(stderr);
		return RDD_EXIT_UNKNOWN;
	}
	if (rdd_history_open(db, &ho, &h, err, sizeof(err)) != RDD_HISTORY_OK) {
		fprintf(stderr, "rdpdoctor: %s\n", err);
		return RDD_EXIT_UNKNOWN;
	}
	memset(&d, 0, sizeof(d));
	if (rdd_history_diff(h, from, to, (int)days, &d) != RDD_HISTORY_OK) {
		fprintf(stderr, "rdpdoctor: %s\n", rdd_history_errmsg(h));
		rdd_history_diff_free(&d);
		rdd_history_close(h);
		return RDD_EXIT_UNKNOWN;
	}
	rc = json ? rdd_history_diff_write_json(stdout, &d)
	          : rdd_history_diff_text(stdout, &d);
	/* Worse: a new failure, or a certificate about to expire. */
	rc = rc != 0                            ? RDD_EXIT_UNKNOWN
	     : d.count[0] > 0 || d.count[5] > 0 ? 1
	                                        : 0;
	rdd_history_diff_free(&d);
	rdd_history_close(h);
	return rc;
}
