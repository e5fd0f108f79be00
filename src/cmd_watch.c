/*
 * cmd_watch.c - `rdpdoctor watch HOST`: the check again and again, for
 * what comes and goes ("only on the VPN, only in the morning").
 *
 * Each round is a whole check (rdd_check_run, rdd_diagnose) turned into
 * its JSON document, from which everything here is made: the live line,
 * the record for the summary (lib/report/watch.c), the Prometheus file
 * (written atomically each round for node_exporter's textfile collector)
 * and, with --json, one NDJSON line per round. Rounds start every
 * --interval (the next one at once when a round took longer); --count
 * bounds them. SIGINT and SIGTERM end the watch after the round in flight
 * and print the summary; SIGUSR1 prints it and goes on. The signals are
 * blocked and taken with sigtimedwait while waiting for the next round,
 * so no handler and no global flag are needed.
 *
 * No --user: a logon per round would fill the server's logs and may lock
 * the account out.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "commands.h"
#include "rdpdoctor/check.h"
#include "rdpdoctor/diag.h"
#include "rdpdoctor/netpath.h"
#include "rdpdoctor/report.h"

#define MAX_COUNT 10000000L

static void
watch_usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor watch [options] HOST[:PORT]\n"
	    "\n"
	    "Check HOST again and again: one line per round (verdict, each\n"
	    "phase's time in ms, findings that came + and went -), and at the\n"
	    "end (--count, Ctrl-C, SIGTERM) or on SIGUSR1 a summary: per "
	    "phase\n"
	    "min, median, p95 and max, the failure rate, and when each "
	    "finding\n"
	    "came and went.\n"
	    "\n"
	    "options:\n"
	    "  -i, --interval TIME  start a round every TIME: 30s (default),\n"
	    "                       500ms, 2m, 1h, or seconds (0.1s to 24h)\n"
	    "  -c, --count N        stop after N rounds (default: until\n"
	    "                       interrupted)\n"
	    "      --summary-every N  also print the summary every N rounds\n"
	    "      --prometheus FILE  write the last round as a node_exporter\n"
	    "                       textfile (rdpdoctor_* metrics) after each\n"
	    "                       round, atomically\n"
	    "  -j, --json           one JSON document per round, one per line\n"
	    "                       (NDJSON; the summary goes to stderr)\n"
	    "  -p, --port PORT      TCP port (default 3389)\n"
	    "  -t, --timeout SECS   timeout of each phase (default 5)\n"
	    "  -4, -6               use IPv4 / IPv6 addresses only\n"
	    "      --samples N      TCP handshakes that measure the path per\n"
	    "                       round, 100 ms apart (0 to 32; default:\n"
	    "                       the check's own, as check's)\n"
	    "      --udp-port PORT  RDP-UDP port to probe\n"
	    "      --no-udp         no RDP-UDP probe\n"
	    "      --ca-file FILE   verify the certificate chain against FILE\n"
	    "  -h, --help           this text\n"
	    "\n"
	    "No credentials: a logon every round could lock the account out.\n"
	    "exit status: the worst round's (0 ok, 1 warning, 2 critical,\n"
	    "3 unknown or usage error)\n",
	    f);
}

enum {
	OPT_SUMMARY_EVERY = 256,
	OPT_PROMETHEUS,
	OPT_SAMPLES,
	OPT_UDP_PORT,
	OPT_NO_UDP,
	OPT_CA_FILE
};

const struct option watch_longopts[] = {
    {"interval", required_argument, NULL, 'i'},
    {"count", required_argument, NULL, 'c'},
    {"summary-every", required_argument, NULL, OPT_SUMMARY_EVERY},
    {"prometheus", required_argument, NULL, OPT_PROMETHEUS},
    {"json", no_argument, NULL, 'j'},
    {"port", required_argument, NULL, 'p'},
    {"timeout", required_argument, NULL, 't'},
    {"samples", required_argument, NULL, OPT_SAMPLES},
    {"udp-port", required_argument, NULL, OPT_UDP_PORT},
    {"no-udp", no_argument, NULL, OPT_NO_UDP},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

const char watch_shortopts[] = "i:c:jp:t:46h";

const struct cmd_optarg watch_optargs[] = {
    {"prometheus", NULL, true},
    {"ca-file", NULL, true},
    {NULL, NULL, false},
};

/* "30s", "500ms", "2m", "1h" or plain seconds into *OUT seconds. */
static int
parse_interval(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end), unit = 1;

	if (end == s)
		return -1;
	if (strcmp(end, "ms") == 0)
		unit = 0.001;
	else if (strcmp(end, "m") == 0)
		unit = 60;
	else if (strcmp(end, "h") == 0)
		unit = 3600;
	else if (*end != '\0' && strcmp(end, "s") != 0)
		return -1;
	v *= unit;
	if (!(v >= 0.1 && v <= 86400))
		return -1;
	*out = v;
	return 0;
}

/* A whole number from LO to HI. */
static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait until the monotonic time DEADLINE for the signals of SET: returns
 * 0 when the time came, 1 on SIGINT or SIGTERM. SIGUSR1 prints the
 * summary and the wait goes on. */
static int
wait_until(double deadline, const sigset_t *set, const struct rdd_watch *w,
           FILE *summary_out)
{
	for (;;) {
		double left = deadline - now_s();
		struct timespec ts;
		int sig;

		if (left < 0)
			left = 0;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM)
			return 1;
		if (sig == SIGUSR1) {
			rdd_watch_summary(summary_out, w);
			fflush(summary_out);
			continue;
		}
		if (sig < 0 && errno == EINTR)
			continue;
		return 0; /* EAGAIN: the time came */
	}
}

struct prom {
	json_t *doc;
	struct rdd_watch *w;
};

static int
write_prom(FILE *out, void *ctx)
{
	struct prom *p = ctx;

	return rdd_report_prometheus(out, p->doc, p->w);
}

int
cmd_watch(int argc, char **argv)
{
	struct rdd_check_options opt = {
	    .port = 3389, .timeout_s = 5, .samples = RDD_NET_DEFAULT_SAMPLES};
	struct rdd_observation *obs = NULL;
	struct rdd_diagnosis *diag = NULL;
	struct rdd_watch *w = NULL;
	const char *prom = NULL, *ca_file = NULL;
	double interval = 30, next;
	long count = 0, every = 0, v;
	bool json = false, prom_failing = false;
	char host[RDD_STR], terr[RDD_STR], *end;
	int ch, port = -1, target_port = -1, rc = 0, worst = 0;
	sigset_t set, old;
	FILE *summary_out;

	optind = 1;
	while ((ch = getopt_long(argc, argv, watch_shortopts, watch_longopts,
	                         NULL)) != -1) {
		switch (ch) {
		case 'i':
			if (parse_interval(optarg, &interval) != 0) {
				fprintf(stderr,
				        "rdpdoctor: bad interval '%s' (0.1s "
				        "to 24h, e.g. 30s, 500ms, 2m)\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case 'c':
			if (parse_long(optarg, 1, MAX_COUNT, &count) != 0) {
				fprintf(stderr,
				        "rdpdoctor: bad count '%s' (1 to "
				        "%ld)\n",
				        optarg, MAX_COUNT);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case OPT_SUMMARY_EVERY:
			if (parse_long(optarg, 1, MAX_COUNT, &every) != 0) {
				fprintf(stderr,
				        "rdpdoctor: bad --summary-every '%s'\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case OPT_PROMETHEUS:
			prom = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'p':
			if ((port = parse_port(optarg)) < 0) {
				fprintf(stderr, "rdpdoctor: bad port '%s'\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case 't':
			opt.timeout_s = strtod(optarg, &end);
			if (end == optarg || *end != '\0' ||
			    !(opt.timeout_s >= 0.05 && opt.timeout_s <= 600)) {
				fprintf(stderr,
				        "rdpdoctor: bad timeout '%s' (0.05 to "
				        "600 seconds)\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case OPT_SAMPLES:
			if (parse_long(optarg, 0, RDD_MAX_SAMPLES, &v) != 0) {
				fprintf(stderr,
				        "rdpdoctor: bad sample count '%s' (0 "
				        "to %d)\n",
				        optarg, RDD_MAX_SAMPLES);
				return RDD_EXIT_UNKNOWN;
			}
			opt.samples = (size_t)v;
			break;
		case OPT_UDP_PORT:
			if ((v = parse_port(optarg)) < 0) {
				fprintf(stderr,
				        "rdpdoctor: bad UDP port '%s'\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			opt.udp_port = (uint16_t)v;
			break;
		case OPT_NO_UDP:
			opt.no_udp = true;
			break;
		case OPT_CA_FILE:
			ca_file = optarg;
			break;
		case '4':
			opt.family = 4;
			break;
		case '6':
			opt.family = 6;
			break;
		case 'h':
			watch_usage(stdout);
			return 0;
		default:
			watch_usage(stderr);
			return RDD_EXIT_UNKNOWN;
		}
	}
	if (optind != argc - 1) {
		watch_usage(stderr);
		return RDD_EXIT_UNKNOWN;
	}
	if (parse_target(argv[optind], host, sizeof(host), &target_port) != 0) {
		fprintf(stderr, "rdpdoctor: bad target '%s'\n", argv[optind]);
		return RDD_EXIT_UNKNOWN;
	}
	if (target_port > 0 && port > 0 && target_port != port) {
		fprintf(stderr, "rdpdoctor: two different ports given\n");
		return RDD_EXIT_UNKNOWN;
	}
	opt.host = host;
	opt.port = (uint16_t)(port > 0          ? port
	                      : target_port > 0 ? target_port
	                                        : 3389);
	opt.trust_store = rdd_trust_store_load(ca_file, terr, sizeof(terr));
	if (opt.trust_store == NULL && ca_file != NULL) {
		fprintf(stderr, "rdpdoctor: cannot load --ca-file '%s': %s\n",
		        ca_file, terr);
		return RDD_EXIT_UNKNOWN;
	}
	summary_out = json ? stderr : stdout;
	obs = calloc(1, sizeof(*obs));
	diag = calloc(1, sizeof(*diag));
	w = rdd_watch_new(interval);
	if (obs == NULL || diag == NULL || w == NULL) {
		fprintf(stderr, "rdpdoctor: out of memory\n");
		rc = RDD_EXIT_UNKNOWN;
		goto out;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);

	next = now_s();
	for (long round = 1; count == 0 || round <= count; round++) {
		struct prom p;
		json_t *doc;
		int code;

		next += interval;
		if (rdd_check_run(&opt, obs) != 0) {
			fprintf(stderr,
			        "rdpdoctor: internal error during the check\n");
			worst = RDD_EXIT_UNKNOWN;
			break;
		}
		rdd_diagnose(obs, diag);
		code = rdd_verdict_exit_code(diag->status);
		if (code > worst)
			worst = code;
		doc = rdd_report_json_doc(obs, diag);
		if (doc == NULL || rdd_watch_add(w, doc) != 0) {
			json_decref(doc);
			fprintf(stderr, "rdpdoctor: out of memory\n");
			worst = RDD_EXIT_UNKNOWN;
			break;
		}
		if (json)
			rdd_report_json_line(stdout, doc);
		else
			rdd_watch_line(stdout, w);
		fflush(stdout);
		if (prom != NULL) {
			p.doc = doc;
			p.w = w;
			if (rdd_report_write_file(prom, write_prom, &p) != 0) {
				if (!prom_failing)
					fprintf(stderr,
					        "rdpdoctor: cannot write %s: "
					        "%s\n",
					        prom, strerror(errno));
				prom_failing = true;
			} else {
				prom_failing = false;
			}
		}
		json_decref(doc);
		if (every > 0 && round % every == 0) {
			rdd_watch_summary(summary_out, w);
			fflush(summary_out);
		}
		if (count != 0 && round == count)
			break;
		if (wait_until(next, &set, w, summary_out) != 0)
			break;
		if (next < now_s()) /* late: start now, keep the rhythm after */
			next = now_s();
	}
	rdd_watch_summary(summary_out, w);
	sigprocmask(SIG_SETMASK, &old, NULL);
	rc = worst;
	if (prom_failing)
		rc = RDD_EXIT_UNKNOWN;
out:
	if (fflush(stdout) != 0)
		rc = RDD_EXIT_UNKNOWN;
	rdd_watch_free(w);
	free(obs);
	free(diag);
	rdd_trust_store_free(opt.trust_store);
	return rc;
}
