/*
 * cmd_scan.c - `rdpdoctor scan`: check many servers, one NDJSON line per
 * host as it finishes, and a summary.
 *
 * Targets come from the arguments, files (-iL) and standard input ("-"),
 * are expanded, deduplicated and filtered by the excludes (lib/scan/
 * targets.h), sliced by --shard (lib/scan/shard.h), and checked by
 * rdd_scan_run (lib/net/scan_run.c) with the same probes and diagnosis as
 * `check`. Resolved addresses of names are checked against the excludes
 * too, before anything is sent to them.
 *
 * Through an RD Gateway: --gateway for every target, else a .rdp operand's
 * own gateway (lib/scan/gateway_pick.h has the order); the gateway's
 * credentials are read once, before the scan (never from argv); the
 * scheduler tries each gateway with one check first and stops using one
 * whose own phases fail (scan.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "credentials.h"
#include "rdpdoctor/netpath.h"
#include "rdpdoctor/scan.h"
#include "report/rdpfile_report.h"
#include "scan/gateway_pick.h"
#include "scan/shard.h"
#include "scan/targets.h"
#include "wire/rdpfile.h"
#include "scan_hooks.h"
#include "scan_html.h"
#include "scan_merge.h"
#include "scan_output.h"

#define MAX_CONCURRENCY 4096
#define MAX_RDP_FILES 4096

enum {
	OPT_TARGETS = 700,
	OPT_EXCLUDE,
	OPT_EXCLUDE_FILE,
	OPT_CONCURRENCY,
	OPT_RATE,
	OPT_DEPTH,
	OPT_OUT,
	OPT_RESUME,
	OPT_SHARD,
	OPT_SAMPLES,
	OPT_NO_UDP,
	OPT_CA_FILE,
	OPT_COOKIE,
	OPT_QUIET,
	OPT_DB,
	OPT_DIFF,
	OPT_POLICY,
	OPT_DRIFT,
	OPT_MERGE,
	OPT_HTML,
	OPT_GATEWAY,
	OPT_GATEWAY_USER,
	OPT_GATEWAY_PASSWORD_FILE,
	OPT_GATEWAY_CONCURRENCY
};

static void
scan_usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor scan [options] [TARGET...]\n"
	    "\n"
	    "Check many RDP servers at once, as `check` checks one, and write\n"
	    "one JSON line per host (NDJSON) as each finishes, then a "
	    "summary.\n"
	    "A TARGET is a host name, an address, HOST:PORT, [IPV6]:PORT, a\n"
	    "CIDR (10.0.0.0/24, at most 65536 addresses) or a range\n"
	    "(10.0.0.1-10.0.0.50, 10.0.0.1-50); \"-\" reads targets from\n"
	    "standard input; FILE.rdp is a saved connection file: its full\n"
	    "address, and its RD Gateway when it always uses one\n"
	    "(gatewayusagemethod:i:1).\n"
	    "\n"
	    "options:\n"
	    "  -iL, --targets FILE  read targets from FILE (blanks between\n"
	    "                       them, # comments; bad ones are reported\n"
	    "                       with their line and skipped)\n"
	    "      --exclude SPEC   never check SPEC (an address, CIDR, range\n"
	    "                       or name; also applied to the addresses\n"
	    "                       names resolve to); may be repeated\n"
	    "      --exclude-file FILE  excludes from FILE\n"
	    "  -p, --port PORT      port of targets without one (default "
	    "3389)\n"
	    "  -t, --timeout SECS   timeout of each phase (default 5)\n"
	    "      --depth MODE     quick: TCP, X.224 and TLS with the\n"
	    "                       certificate; full (default): the whole\n"
	    "                       check\n"
	    "      --concurrency N  checks in flight at most (default: from\n"
	    "                       the file-descriptor limit, at most 1024)\n"
	    "      --rate N         new checks per second at most (default:\n"
	    "                       no limit)\n"
	    "      --shard I/N      only the I-th (from 0) of N interleaved\n"
	    "                       slices of the targets; auto or auto/N:\n"
	    "                       from a Kubernetes Indexed Job, a Slurm\n"
	    "                       array or GNU parallel (docs/scale.md)\n"
	    "  -o, --out FILE       write the NDJSON to FILE (the summary "
	    "then\n"
	    "                       goes to standard output)\n"
	    "      --resume FILE    skip the hosts already in FILE (an "
	    "earlier\n"
	    "                       scan's NDJSON) and append to it\n"
	    "      --samples N      path samples per host (default 0)\n"
	    "      --no-udp         no RDP-UDP probe\n"
	    "      --ca-file FILE   verify certificates against FILE's CAs\n"
	    "      --cookie NAME    send \"Cookie: mstshash=NAME\"\n"
	    "      --gateway GW[:PORT]  check every target through this RD\n"
	    "                       Gateway (port 443 by default; wins over\n"
	    "                       the gateway of a .rdp target). Each\n"
	    "                       gateway is tried by one check first; once\n"
	    "                       its own phases fail (down, certificate,\n"
	    "                       sign-in refused, connection policy) the\n"
	    "                       targets left are not reached through it:\n"
	    "                       no further sign-in\n"
	    "      --gateway-user [DOMAIN\\]NAME  sign in to the gateway(s)\n"
	    "                       as NAME; the password comes from\n"
	    "                       --gateway-password-file, else\n"
	    "                       RDPDOCTOR_GATEWAY_PASSWORD, else the\n"
	    "                       terminal, read once\n"
	    "      --gateway-password-file FILE  the gateway's password\n"
	    "      --gateway-concurrency N  checks in flight through one\n"
	    "                       gateway at most (default 8)\n"
	    "      --policy FILE    judge every host against the rules of "
	    "FILE\n"
	    "                       (docs/policy.md), or against the built-in\n"
	    "                       RDP baseline with --policy baseline; the\n"
	    "                       exit status is then the policy's\n"
	    "      --drift          report the configuration most hosts share\n"
	    "                       and every host that differs from it\n"
	    "      --merge          the operands are NDJSON files of earlier\n"
	    "                       scans (the shards of one): write each "
	    "host\n"
	    "                       once, with the summary, --policy, --drift\n"
	    "                       and --db over them all; nothing is sent\n"
	    "      --db FILE        store the results in FILE (SQLite) as one\n"
	    "                       scan (docs/history.md)\n"
	    "      --diff           with --db: after the scan, what changed\n"
	    "                       since the previous one (rdpdoctor diff)\n"
	    "      --html FILE      also write the results as one HTML page:\n"
	    "                       counts, a sortable table of the hosts,\n"
	    "                       policy and drift, each host's check (-\n"
	    "                       for standard output, with -o FILE)\n"
	    "  -q, --quiet          no summary and no progress line\n"
	    "  -h, --help           this text\n"
	    "\n"
	    "exit status: 0 every host ok, 1 a warning, 2 a critical host,\n"
	    "3 an unknown one, a usage error or nothing checked\n",
	    f);
}

const struct option scan_longopts[] = {
    {"targets", required_argument, NULL, OPT_TARGETS},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"exclude-file", required_argument, NULL, OPT_EXCLUDE_FILE},
    {"port", required_argument, NULL, 'p'},
    {"timeout", required_argument, NULL, 't'},
    {"depth", required_argument, NULL, OPT_DEPTH},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"rate", required_argument, NULL, OPT_RATE},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"out", required_argument, NULL, 'o'},
    {"resume", required_argument, NULL, OPT_RESUME},
    {"samples", required_argument, NULL, OPT_SAMPLES},
    {"no-udp", no_argument, NULL, OPT_NO_UDP},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"cookie", required_argument, NULL, OPT_COOKIE},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"drift", no_argument, NULL, OPT_DRIFT},
    {"merge", no_argument, NULL, OPT_MERGE},
    {"db", required_argument, NULL, OPT_DB},
    {"diff", no_argument, NULL, OPT_DIFF},
    {"html", required_argument, NULL, OPT_HTML},
    {"gateway", required_argument, NULL, OPT_GATEWAY},
    {"gateway-user", required_argument, NULL, OPT_GATEWAY_USER},
    {"gateway-password-file", required_argument, NULL,
     OPT_GATEWAY_PASSWORD_FILE},
    {"gateway-concurrency", required_argument, NULL, OPT_GATEWAY_CONCURRENCY},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

const char scan_shortopts[] = "p:t:o:qh";

static const char *const depth_values[] = {"quick", "full", NULL};

const struct cmd_optarg scan_optargs[] = {
    {"depth", depth_values, false},
    {"targets", NULL, true},
    {"exclude-file", NULL, true},
    {"out", NULL, true},
    {"resume", NULL, true},
    {"ca-file", NULL, true},
    {"db", NULL, true},
    {"policy", NULL, true},
    {"html", NULL, true},
    {"gateway-password-file", NULL, true},
    {NULL, NULL, false},
};

struct scan_args {
	const char *target_files[16];
	size_t n_target_files;
	const char *exclude_files[16];
	size_t n_exclude_files;
	const char *excludes[64];
	size_t n_excludes;
	const char *shard;
	const char *out;
	const char *resume;
	const char *ca_file;
	const char *db;
	const char *policy;
	const char *html;
	bool quick, quiet, diff, drift, merge;
	long concurrency;
	double rate;
	/* --gateway, its credentials. */
	char gw_host[256];
	uint16_t gw_port;
	const char *gw_user;
	const char *gw_password_file;
	long gw_concurrency;
	/* The .rdp operands: each file's target and gateway. */
	struct rdp_target *rdp;
	size_t n_rdp;
};

/* A .rdp operand: the target it names ("host:port" as the list writes
 * it), the file, and the gateway it always uses ("" none). */
struct rdp_target {
	char key[RDD_TARGET_HOSTPORT_MAX];
	const char *path;
	char gw[RDD_RDPFILE_VALUE_MAX];
	uint16_t gw_port;
};

static void
report_bad(void *ctx, const char *name, unsigned long line, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "rdpdoctor: %s:%lu: %s\n", name, line, msg);
}

/* Read targets or excludes from a file ("-": standard input). */
static int
read_list(const char *path, struct rdd_targets *l, struct rdd_excludes *ex,
          size_t *bad, size_t *specs)
{
	struct rdd_targets_read_stats st = {0};
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	int rc;

	if (f == NULL) {
		fprintf(stderr, "rdpdoctor: cannot read '%s'\n", path);
		return -1;
	}
	rc = l != NULL ? rdd_targets_read(l, f, path, report_bad, NULL, &st)
	               : rdd_excludes_read(ex, f, path, report_bad, NULL, &st);
	if (f != stdin)
		fclose(f);
	*bad += st.bad;
	*specs += st.specs;
	return rc;
}

/* Every host "HOST PORT" of an earlier scan's NDJSON, to skip (not those
 * not reached through their gateway: they were not checked). */
static int
read_resume(const char *path, char ***done, size_t *n)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, key[300];
	size_t cap = 0, room = 0;
	json_t *doc, *host, *port;

	*done = NULL;
	*n = 0;
	if (f == NULL)
		return 0; /* a first run: nothing to skip */
	while (getline(&line, &cap, f) > 0) {
		doc = json_loads(line, 0, NULL);
		host = json_object_get(json_object_get(doc, "target"), "host");
		port = json_object_get(json_object_get(doc, "target"), "port");
		/* Not reached through a failed gateway: not checked, so
		 * checked this time. */
		if (json_is_object(json_object_get(
		        json_object_get(doc, "gateway"), "not_reached")))
			host = NULL;
		if (json_is_string(host) && json_is_integer(port)) {
			if (*n == room) {
				char **nd;

				room = room ? 2 * room : 256;
				nd = realloc(*done, room * sizeof(*nd));
				if (nd == NULL)
					break;
				*done = nd;
			}
			snprintf(key, sizeof(key), "%s %lld",
			         json_string_value(host),
			         (long long)json_integer_value(port));
			(*done)[(*n)++] = strdup(key);
		}
		json_decref(doc);
	}
	free(line);
	fclose(f);
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct resume_ctx {
	const struct rdd_targets *l;
	char **done;
	size_t n;
};

static bool
not_done(size_t index, const struct rdd_target *t, void *ctx)
{
	struct resume_ctx *rc = ctx;
	char host[RDD_TARGET_HOST_MAX], key[300], *k = key;

	(void)index;
	rdd_target_host(rc->l, t, host, sizeof(host));
	snprintf(key, sizeof(key), "%s %u", host, (unsigned)t->port);
	return bsearch(&k, rc->done, rc->n, sizeof(char *), cmp_str) == NULL;
}

static bool
address_ok(void *ctx, const void *sa)
{
	return !rdd_excludes_match_sockaddr(ctx, sa);
}

static int
parse_args(int argc, char **argv, struct scan_args *a,
           struct rdd_check_options *co)
{
	char *end;
	int ch, port;

	optind = 1;
	while ((ch = getopt_long(argc, argv, scan_shortopts, scan_longopts,
	                         NULL)) != -1) {
		switch (ch) {
		case OPT_TARGETS:
			if (a->n_target_files == 16)
				return -1;
			a->target_files[a->n_target_files++] = optarg;
			break;
		case OPT_EXCLUDE:
			if (a->n_excludes == 64)
				return -1;
			a->excludes[a->n_excludes++] = optarg;
			break;
		case OPT_EXCLUDE_FILE:
			if (a->n_exclude_files == 16)
				return -1;
			a->exclude_files[a->n_exclude_files++] = optarg;
			break;
		case 'p':
			if ((port = parse_port(optarg)) < 0)
				return -1;
			co->port = (uint16_t)port;
			break;
		case 't':
			co->timeout_s = strtod(optarg, &end);
			if (end == optarg || *end != '\0' ||
			    !(co->timeout_s >= 0.05 && co->timeout_s <= 600))
				return -1;
			break;
		case OPT_DEPTH:
			if (strcmp(optarg, "quick") == 0)
				a->quick = true;
			else if (strcmp(optarg, "full") != 0)
				return -1;
			break;
		case OPT_CONCURRENCY:
			a->concurrency = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' ||
			    a->concurrency < 1 ||
			    a->concurrency > MAX_CONCURRENCY)
				return -1;
			break;
		case OPT_RATE:
			a->rate = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(a->rate > 0))
				return -1;
			break;
		case OPT_SHARD:
			a->shard = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case OPT_RESUME:
			a->resume = optarg;
			break;
		case OPT_SAMPLES:
			co->samples = (size_t)strtoul(optarg, &end, 10);
			if (end == optarg || *end != '\0' ||
			    co->samples > RDD_MAX_SAMPLES)
				return -1;
			break;
		case OPT_NO_UDP:
			co->no_udp = true;
			break;
		case OPT_CA_FILE:
			a->ca_file = optarg;
			break;
		case OPT_COOKIE:
			co->cookie = optarg;
			break;
		case OPT_DB:
			a->db = optarg;
			break;
		case OPT_POLICY:
			a->policy = optarg;
			break;
		case OPT_DRIFT:
			a->drift = true;
			break;
		case OPT_MERGE:
			a->merge = true;
			break;
		case OPT_DIFF:
			a->diff = true;
			break;
		case OPT_HTML:
			a->html = optarg;
			break;
		case OPT_GATEWAY:
			port = -1;
			if (parse_target(optarg, a->gw_host, sizeof(a->gw_host),
			                 &port) != 0) {
				fprintf(stderr,
				        "rdpdoctor: bad gateway '%s' (GW or "
				        "GW:PORT)\n",
				        optarg);
				return -1;
			}
			a->gw_port = port > 0 ? (uint16_t)port : 443;
			co->gateway = a->gw_host;
			co->gateway_port = a->gw_port;
			break;
		case OPT_GATEWAY_USER:
			a->gw_user = optarg;
			break;
		case OPT_GATEWAY_PASSWORD_FILE:
			a->gw_password_file = optarg;
			break;
		case OPT_GATEWAY_CONCURRENCY:
			a->gw_concurrency = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' ||
			    a->gw_concurrency < 1 ||
			    a->gw_concurrency > MAX_CONCURRENCY)
				return -1;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'h':
			scan_usage(stdout);
			return 1;
		default:
			return -1;
		}
	}
	return 0;
}

/* A .rdp operand: its target (full address, its port or server port,
 * else 3389: the file's, not --port's) added to L, its gateway kept in
 * A->rdp. Returns as rdd_targets_add (RDD_TARGETS_EBAD after saying
 * why). */
static long
add_rdp_file(struct rdd_targets *l, struct scan_args *a, const char *path)
{
	struct rdd_rdpfile *f = malloc(sizeof(*f));
	struct rdd_rdpfile_use use = {0};
	struct rdp_target *rt;
	char spec[RDD_TARGET_SPEC_MAX + 8], err[RDD_STR];
	size_t before = rdd_targets_count(l);
	long r = RDD_TARGETS_EBAD;
	int src;

	if (f == NULL)
		return RDD_TARGETS_ENOMEM;
	if (a->n_rdp == MAX_RDP_FILES) {
		fprintf(stderr, "rdpdoctor: %s: more than %d .rdp files\n",
		        path, MAX_RDP_FILES);
		goto out;
	}
	if (read_rdp_file(path, f) != 0) {
		fprintf(stderr, "rdpdoctor: cannot read %s: %s\n", path,
		        strerror(errno));
		goto out;
	}
	use.path = path;
	if (rdd_rdpfile_target(f, -1, &use, err, sizeof(err)) != 0) {
		fprintf(stderr, "rdpdoctor: %s: %s\n", path, err);
		goto out;
	}
	snprintf(spec, sizeof(spec),
	         strchr(use.host, ':') != NULL ? "[%s]:%u" : "%s:%u", use.host,
	         (unsigned)use.port);
	if (a->rdp == NULL) {
		a->rdp = calloc(MAX_RDP_FILES, sizeof(*a->rdp));
		if (a->rdp == NULL) {
			r = RDD_TARGETS_ENOMEM;
			goto out;
		}
	}
	rt = &a->rdp[a->n_rdp];
	memset(rt, 0, sizeof(*rt));
	/* With --gateway the file's gateway is not used (nor judged). */
	src = rdd_scan_gateway_pick(a->gw_host[0] != '\0' ? a->gw_host : NULL,
	                            a->gw_port, f, rt->gw, sizeof(rt->gw),
	                            &rt->gw_port, err, sizeof(err));
	if (src < 0) {
		fprintf(stderr, "rdpdoctor: %s: %s\n", path, err);
		goto out;
	}
	r = rdd_targets_add(l, spec, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "rdpdoctor: %s: %s\n", path, err);
		goto out;
	}
	if (r == 0)
		goto out; /* given before: checked as first given */
	rt->path = path;
	rdd_target_hostport(l, rdd_targets_at(l, before), rt->key,
	                    sizeof(rt->key));
	a->n_rdp++;
out:
	free(f);
	return r;
}

static int
cmp_rdp(const void *x, const void *y)
{
	return strcmp(((const struct rdp_target *)x)->key,
	              ((const struct rdp_target *)y)->key);
}

/* The .rdp operand target T came from, or NULL. */
static const struct rdp_target *
rdp_of(const struct scan_args *a, const struct rdd_targets *l,
       const struct rdd_target *t)
{
	struct rdp_target key;

	if (a->n_rdp == 0)
		return NULL;
	rdd_target_hostport(l, t, key.key, sizeof(key.key));
	return bsearch(&key, a->rdp, a->n_rdp, sizeof(*a->rdp), cmp_rdp);
}

/* The list to scan: targets, minus excludes, this shard, minus what a
 * resumed scan did. NULL after saying why. */
static struct rdd_targets *
build_list(int argc, char **argv, struct scan_args *a, uint16_t port,
           struct rdd_excludes *ex)
{
	struct rdd_targets *l = rdd_targets_new(port);
	char err[RDD_TARGETS_ERR_MAX];
	size_t bad = 0, specs = 0, i;
	struct rdd_shard shard;
	long r;

	if (l == NULL)
		return NULL;
	for (i = 0; i < a->n_excludes; i++)
		if (rdd_excludes_add(ex, a->excludes[i], err, sizeof(err)) !=
		    0) {
			fprintf(stderr, "rdpdoctor: --exclude: %s\n", err);
			goto fail;
		}
	for (i = 0; i < a->n_exclude_files; i++)
		if (read_list(a->exclude_files[i], NULL, ex, &bad, &specs) != 0)
			goto fail;
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (read_list("-", l, NULL, &bad, &specs) != 0)
				goto fail;
			continue;
		}
		if (is_rdp_file(argv[i])) {
			specs++;
			r = add_rdp_file(l, a, argv[i]);
			if (r < 0 && r != RDD_TARGETS_EBAD)
				goto fail;
			if (r < 0)
				bad++;
			continue;
		}
		specs++;
		r = rdd_targets_add(l, argv[i], err, sizeof(err));
		if (r == RDD_TARGETS_EBAD) {
			fprintf(stderr, "rdpdoctor: argument %zu: %s\n",
			        i - (size_t)optind + 1, err);
			bad++;
		} else if (r < 0) {
			fprintf(stderr, "rdpdoctor: %s\n", err);
			goto fail;
		}
	}
	for (i = 0; i < a->n_target_files; i++)
		if (read_list(a->target_files[i], l, NULL, &bad, &specs) != 0)
			goto fail;
	if (specs == 0) {
		fprintf(stderr, "rdpdoctor: no targets (give some, -iL FILE, "
		                "or - for standard input)\n");
		goto fail;
	}
	if (bad == specs) {
		fprintf(stderr, "rdpdoctor: every target is bad: nothing to "
		                "scan\n");
		goto fail;
	}
	if (a->n_rdp > 0)
		qsort(a->rdp, a->n_rdp, sizeof(*a->rdp), cmp_rdp);
	if (rdd_targets_exclude(l, ex) < 0)
		goto fail;
	if (a->shard != NULL) {
		if (rdd_shard_parse(a->shard, &shard, err, sizeof(err)) != 0) {
			fprintf(stderr, "rdpdoctor: --shard: %s\n", err);
			goto fail;
		}
		rdd_targets_shard(l, &shard);
	}
	if (a->resume != NULL) {
		struct resume_ctx rc = {l, NULL, 0};

		read_resume(a->resume, &rc.done, &rc.n);
		qsort(rc.done, rc.n, sizeof(char *), cmp_str);
		rdd_targets_retain(l, not_done, &rc);
		for (i = 0; i < rc.n; i++)
			free(rc.done[i]);
		free(rc.done);
	}
	return l;
fail:
	rdd_targets_free(l);
	return NULL;
}

/* The NDJSON output, the summary's stream, and --db. 0, or -1 after
 * saying why. */
static int
open_outputs(const struct scan_args *a, int argc, char **argv,
             struct scan_out *o, struct scan_hooks *hooks)
{
	const char *path = a->out != NULL ? a->out : a->resume;
	char args[512];
	size_t off = 0;
	int i;

	o->out = stdout;
	if (path != NULL) {
		o->out = fopen(path, a->resume != NULL ? "a" : "w");
		if (o->out == NULL) {
			fprintf(stderr, "rdpdoctor: cannot write '%s'\n", path);
			return -1;
		}
	}
	o->summary =
	    a->quiet ? NULL
	    : o->out == stdout || (a->html != NULL && strcmp(a->html, "-") == 0)
	        ? stderr
	        : stdout;
	o->progress = !a->quiet && !a->merge && isatty(STDERR_FILENO);
	o->on_doc = scan_hooks_on_doc;
	o->on_doc_ctx = hooks;
	if (a->db == NULL)
		return 0;
	for (i = 1; i < argc && off < sizeof(args); i++)
		off += (size_t)snprintf(args + off, sizeof(args) - off, "%s%s",
		                        i > 1 ? " " : "", argv[i]);
	return scan_hooks_db_open(hooks, a->db, args);
}

/* --gateway-user: the gateway's password, once, before the scan (a file,
 * RDPDOCTOR_GATEWAY_PASSWORD or the terminal; never argv). 0, or -1
 * after saying why. */
static int
read_gateway_password(const struct scan_args *a, struct rdd_scan_options *so,
                      struct rdd_credentials *c, char **password)
{
	char prompt[2 * RDD_STR], err[RDD_STR];
	enum cred_source src;

	if (a->gw_user == NULL)
		return 0;
	if (cred_parse_user(a->gw_user, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "rdpdoctor: bad --gateway-user: %s\n", err);
		return -1;
	}
	snprintf(prompt, sizeof(prompt),
	         "Password for %s on the gateway%s%s: ", a->gw_user,
	         so->check.gateway != NULL ? " " : "s",
	         so->check.gateway != NULL ? so->check.gateway : "");
	*password = cred_read_password_from(
	    a->gw_password_file, RDD_GATEWAY_PASSWORD_ENV,
	    "--gateway-password-file", "/dev/tty", prompt, &src, err,
	    sizeof(err));
	if (*password == NULL) {
		fprintf(stderr, "rdpdoctor: %s\n", err);
		return -1;
	}
	c->password = *password;
	so->check.gateway_credentials = c;
	return 0;
}

/* The checks themselves; ST gets the figures. */
static int
run_scan(int argc, char **argv, struct scan_args *a,
         struct rdd_scan_options *so, struct rdd_excludes *ex,
         struct scan_out *o, struct rdd_scan_stats *st)
{
	struct rdd_targets *l;
	struct rdd_scan_target *t = NULL;
	const char **given = NULL;
	char(*hosts)[RDD_TARGET_HOST_MAX] = NULL;
	char terr[RDD_STR], *gw_password = NULL;
	struct rdd_credentials gw_creds;
	size_t i, n, n_gw = 0;
	int rc = -1;

	memset(&gw_creds, 0, sizeof(gw_creds));
	l = build_list(argc, argv, a, so->check.port, ex);
	if (l == NULL)
		return -1;
	n = rdd_targets_count(l);
	t = calloc(n > 0 ? n : 1, sizeof(*t));
	given = calloc(n > 0 ? n : 1, sizeof(*given));
	hosts = calloc(n > 0 ? n : 1, sizeof(*hosts));
	if (t == NULL || given == NULL || hosts == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		const struct rdd_target *tg = rdd_targets_at(l, i);

		const struct rdp_target *rt = rdp_of(a, l, tg);

		t[i].host = rdd_target_host(l, tg, hosts[i], sizeof(hosts[i]));
		t[i].port = tg->port;
		given[i] = rdd_target_given(l, tg);
		if (rt != NULL) {
			given[i] = rt->path;
			/* --gateway wins over the file's (the template). */
			if (so->check.gateway == NULL && rt->gw[0] != '\0') {
				t[i].gateway = rt->gw;
				t[i].gateway_port = rt->gw_port;
				n_gw++;
			}
		} else if (so->check.gateway != NULL) {
			n_gw++;
		}
	}
	if (so->check.gateway != NULL)
		n_gw = n;
	if (a->gw_user != NULL && n_gw == 0) {
		fprintf(stderr, "rdpdoctor: --gateway-user: no target goes "
		                "through an RD Gateway (give --gateway, or "
		                ".rdp files that use one)\n");
		goto out;
	}
	if (n_gw > 0 &&
	    read_gateway_password(a, so, &gw_creds, &gw_password) != 0)
		goto out;
	so->check.quick = a->quick;
	if (a->quick) {
		so->check.no_udp = true;
		so->check.samples = 0;
	}
	so->check.address_ok = address_ok;
	so->check.address_ok_ctx = ex;
	so->check.trust_store =
	    rdd_trust_store_load(a->ca_file, terr, sizeof(terr));
	if (so->check.trust_store == NULL && a->ca_file != NULL) {
		fprintf(stderr, "rdpdoctor: cannot load --ca-file '%s': %s\n",
		        a->ca_file, terr);
		goto out;
	}
	o->given = given;
	so->concurrency = a->concurrency > 0
	                      ? (size_t)a->concurrency
	                      : rdd_scan_default_concurrency(1024);
	so->rate = a->rate;
	so->gateway_concurrency = (size_t)a->gw_concurrency;
	if (n_gw > 0) {
		size_t cap = a->gw_concurrency > 0
		                 ? (size_t)a->gw_concurrency
		                 : RDD_SCAN_GATEWAY_CONCURRENCY;

		o->gateway_cap = cap < so->concurrency ? cap : so->concurrency;
	}
	so->result = scan_out_result;
	so->progress = o->progress ? scan_out_progress : NULL;
	so->ctx = o;
	rc = rdd_scan_run(so, t, n, st);
	if (rc != 0)
		fprintf(stderr, "rdpdoctor: internal error during the scan\n");
	o->given = NULL;
out:
	cred_free_password(gw_password);
	so->check.gateway_credentials = NULL;
	rdd_trust_store_free(so->check.trust_store);
	so->check.trust_store = NULL;
	rdd_targets_free(l);
	free(t);
	free(given);
	free(hosts);
	return rc;
}

/* The summary, the drift and the policy, then --db; the exit status. */
static int
finish(const struct scan_args *a, struct scan_out *o, struct scan_hooks *hooks,
       const struct rdd_scan_stats *st)
{
	int rc;

	scan_out_summary(o, st);
	rc = scan_out_exit_code(o);
	scan_hooks_drift_report(hooks, o->summary);
	if (hooks->policy != NULL) {
		/* ssh-audit's policy mode: 0 all pass, 1 failures, 2 an
		 * unreachable host. */
		if (o->summary != NULL)
			fprintf(o->summary,
			        "\nPolicy %s: %u hosts pass, %u fail, %u not "
			        "verified, %u unreachable\n",
			        rdd_policy_name(hooks->policy),
			        hooks->tally.passed, hooks->tally.failed,
			        hooks->tally.not_verified,
			        hooks->tally.unreachable);
		rc = rdd_policy_exit_code(&hooks->tally);
	}
	if (scan_hooks_db_close(hooks, st->interrupted, a->diff,
	                        o->summary != NULL ? o->summary : stderr) !=
	        0 ||
	    o->write_errors > 0)
		rc = RDD_EXIT_UNKNOWN;
	return rc;
}

/* --html: the page of every host written (a resumed scan's page has
 * only this run's hosts: `rdpdoctor report FILE --html` has them all). */
static int
write_html(const char *path, struct scan_out *o)
{
	if (o->keep_failed) {
		fprintf(stderr, "rdpdoctor: out of memory: no HTML page\n");
		return -1;
	}
	if (scan_html_write(path, (json_t *const *)o->kept, o->n_kept) != 0) {
		fprintf(stderr, "rdpdoctor: cannot write %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_scan(int argc, char **argv)
{
	struct rdd_scan_options so;
	struct scan_args a;
	struct rdd_scan_stats st;
	struct rdd_excludes *ex = rdd_excludes_new();
	struct scan_out *o = calloc(1, sizeof(*o));
	struct scan_hooks hooks;
	char targets_opt[] = "--targets";
	size_t i, merged = 0;
	int rc = RDD_EXIT_UNKNOWN, pr;

	/* nmap's -iL: one option of two letters, which getopt cannot
	 * take; it is --targets. */
	for (i = 1; i < (size_t)argc; i++)
		if (strcmp(argv[i], "-iL") == 0)
			argv[i] = targets_opt;
	memset(&so, 0, sizeof(so));
	memset(&a, 0, sizeof(a));
	memset(&hooks, 0, sizeof(hooks));
	memset(&st, 0, sizeof(st));
	so.check.port = 3389;
	so.check.timeout_s = 5;
	if (ex == NULL || o == NULL)
		goto out;
	pr = parse_args(argc, argv, &a, &so.check);
	if (pr != 0) {
		if (pr < 0)
			scan_usage(stderr);
		rc = pr > 0 ? 0 : RDD_EXIT_UNKNOWN;
		goto out;
	}
	if (a.diff && a.db == NULL) {
		fprintf(stderr, "rdpdoctor: --diff needs --db FILE\n");
		goto out;
	}
	if (a.html != NULL && strcmp(a.html, "-") == 0 && a.out == NULL &&
	    a.resume == NULL) {
		fprintf(stderr, "rdpdoctor: --html - needs -o FILE (the NDJSON "
		                "goes to standard output)\n");
		goto out;
	}
	if (a.gw_password_file != NULL && a.gw_user == NULL) {
		fprintf(stderr, "rdpdoctor: --gateway-password-file needs "
		                "--gateway-user\n");
		goto out;
	}
	if (a.merge && (a.gw_user != NULL || so.check.gateway != NULL)) {
		fprintf(stderr, "rdpdoctor: --merge sends nothing: no "
		                "--gateway\n");
		goto out;
	}
	if (a.merge && optind == argc) {
		fprintf(stderr, "rdpdoctor: --merge needs NDJSON files\n");
		goto out;
	}
	if ((a.policy != NULL && scan_hooks_policy(&hooks, a.policy) != 0) ||
	    (a.drift && scan_hooks_drift(&hooks) != 0) ||
	    open_outputs(&a, argc, argv, o, &hooks) != 0)
		goto out;
	o->keep = a.html != NULL;
	if (a.merge) {
		if (scan_merge(argv + optind, (size_t)(argc - optind), o,
		               &merged) != 0)
			goto out;
		st.total = st.done = merged;
		o->merged = true;
	} else if (run_scan(argc, argv, &a, &so, ex, o, &st) != 0) {
		goto out;
	}
	rc = finish(&a, o, &hooks, &st);
	if (a.html != NULL && write_html(a.html, o) != 0)
		rc = RDD_EXIT_UNKNOWN;
out:
	if (o != NULL && o->out != NULL && o->out != stdout)
		fclose(o->out);
	scan_hooks_free(&hooks);
	rdd_excludes_free(ex);
	if (o != NULL)
		scan_out_free_kept(o);
	free(o);
	free(a.rdp);
	return rc;
}
