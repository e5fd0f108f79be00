/*
 * cmd_host.c - `rdpdoctor host`: the Windows server's own self-check
 * (rdpdoctor/host.h). The state is read on the server by
 * rdpdoctor-host.exe (lib/host/win/, the only part that runs on Windows);
 * this command diagnoses a saved state anywhere (--from-state) and can
 * write it back normalised (--dump-state). In rdpdoctor.exe, without
 * --from-state, it reads the Windows server it runs on with the same
 * reader.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "rdpdoctor/check.h"
#include "rdpdoctor/host.h"
#ifdef _WIN32
#include "host/win/reader.h"
#endif

/* A state file is a few kilobytes; refuse anything absurd. */
#define STATE_MAX (1024 * 1024)

enum { OPT_FROM_STATE = 256, OPT_DUMP_STATE, OPT_NO_COLOR, OPT_CHECK };

const struct option host_longopts[] = {
    {"from-state", required_argument, NULL, OPT_FROM_STATE},
    {"dump-state", no_argument, NULL, OPT_DUMP_STATE},
    {"check", no_argument, NULL, OPT_CHECK},
    {"timeout", required_argument, NULL, 't'},
    {"json", no_argument, NULL, 'j'},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

const char host_shortopts[] = "jht:";

const struct cmd_optarg host_optargs[] = {
    {"from-state", NULL, true},
    {NULL, NULL, false},
};

static void
host_usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor host --from-state FILE [options]\n"
	    "       rdpdoctor host --from-state FILE --check "
	    "[-t SECS] [HOST[:PORT]]\n"
	    "\n"
	    "The Windows server's own self-check: the listener and Group\n"
	    "Policy values (the policy value wins), the RDP certificate and\n"
	    "its private key, CredSSP, SCHANNEL, licensing, TermService, the\n"
	    "listening port and the firewall, turned into findings with\n"
	    "fixes. On the server, run rdpdoctor-host.exe (it writes the\n"
	    "state as JSON); read that file here with --from-state.\n"
	    "\n"
	    "options:\n"
	    "      --from-state FILE  diagnose the state saved in FILE\n"
	    "                         (- reads standard input)\n"
	    "      --dump-state       write the state as JSON instead of\n"
	    "                         diagnosing it\n"
	    "      --check            also check the server's own listener\n"
	    "                         (HOST, default 127.0.0.1, on the\n"
	    "                         state's PortNumber unless :PORT is\n"
	    "                         given) and compare: the certificate\n"
	    "                         it serves against the configured one,\n"
	    "                         SecurityLayer and NLA against what it\n"
	    "                         negotiates, listening against the TCP\n"
	    "                         connection; both views side by side\n"
	    "  -t, --timeout SECS     with --check: timeout of each phase\n"
	    "                         (default 5, as check)\n"
	    "  -j, --json             the diagnosis as JSON (docs/json.md)\n"
	    "      --no-color         no colour (also: NO_COLOR set, not a "
	    "TTY)\n"
	    "  -h, --help             this text\n"
	    "\n"
	    "exit status: 0 ok, 1 warning, 2 critical, 3 unknown (usage,\n"
	    "unreadable state)\n",
	    f);
#ifdef _WIN32
	fputs("\n"
	      "Without --from-state this Windows build reads the server it\n"
	      "runs on, as rdpdoctor-host.exe does (run it elevated):\n"
	      "rdpdoctor host, or rdpdoctor host --dump-state > FILE;\n"
	      "rdpdoctor host --check also checks its own listener.\n",
	      f);
#endif
}

/*
 * host --check: the ordinary check of the server's own listener, quick
 * (TCP, the three X.224 requests, A's TLS handshake and its certificate;
 * no path samples, no RDP-UDP, no CredSSP), on HOST at the state's
 * PortNumber unless PORT (>= 0) is given.
 */
static int
check_listener(const struct rdd_host_state *st, const char *host, int port,
               double timeout_s, struct rdd_observation *obs,
               struct rdd_diagnosis *cdiag)
{
	struct rdd_check_options opt = {.host = host, .timeout_s = timeout_s};

	if (port > 0)
		opt.port = (uint16_t)port;
	else if (st->port.read == RDD_HOST_SET && st->port.value > 0 &&
	         st->port.value <= 65535)
		opt.port = (uint16_t)st->port.value;
	else
		opt.port = 3389;
	opt.quick = true;
	opt.no_udp = true;
	opt.samples = 0;
	if (rdd_check_run(&opt, obs) != 0)
		return -1;
	rdd_diagnose(obs, cdiag);
	return 0;
}

/* The whole of PATH (or stdin for "-"), NUL-terminated; NULL on error. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(STATE_MAX + 1);
	if (buf == NULL) {
		if (f != stdin)
			fclose(f);
		return NULL;
	}
	n = fread(buf, 1, STATE_MAX + 1, f);
	if (ferror(f) || n > STATE_MAX) {
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
		*len = n;
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

int
cmd_host(int argc, char **argv)
{
	static struct rdd_host_state st;
	static struct rdd_diagnosis d;
	const char *from = NULL;
	bool json = false, dump = false, no_color = false, check = false;
	char err[256], *text, target[RDD_STR] = "127.0.0.1";
	int target_port = -1;
	double timeout_s = 5; /* check's default */
	bool timeout_given = false;
	size_t len = 0;
	int ch, rc;
	struct rdd_observation *obs = NULL;
	struct rdd_diagnosis *cdiag = NULL;

	optind = 1;
	while ((ch = getopt_long(argc, argv, host_shortopts, host_longopts,
	                         NULL)) != -1) {
		switch (ch) {
		case OPT_FROM_STATE:
			from = optarg;
			break;
		case OPT_DUMP_STATE:
			dump = true;
			break;
		case 'j':
			json = true;
			break;
		case OPT_NO_COLOR:
			no_color = true;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case 't':
			if (parse_phase_timeout(optarg, &timeout_s) != 0) {
				fprintf(
				    stderr,
				    "rdpdoctor: bad timeout '%s' (0.05 to 600 "
				    "seconds)\n",
				    optarg);
				return RDD_EXIT_UNKNOWN;
			}
			timeout_given = true;
			break;
		case 'h':
			host_usage(stdout);
			return 0;
		default:
			host_usage(stderr);
			return RDD_EXIT_UNKNOWN;
		}
	}
	if (check && optind < argc) {
		if (parse_target(argv[optind], target, sizeof(target),
		                 &target_port) != 0) {
			fprintf(stderr, "rdpdoctor: bad target '%s'\n",
			        argv[optind]);
			return RDD_EXIT_UNKNOWN;
		}
		optind++;
	}
	if (optind != argc || (dump && json) || (dump && check) ||
	    (timeout_given && !check)) {
		host_usage(stderr);
		return RDD_EXIT_UNKNOWN;
	}
#ifdef _WIN32
	if (from == NULL) {
		/* rdpdoctor.exe on the server: read it here and now. */
		rdd_host_win_read(&st, "rdpdoctor " RDD_VERSION);
		goto diagnose;
	}
#endif
	if (from == NULL) {
		fprintf(stderr,
		        "rdpdoctor: this build cannot read a Windows server's "
		        "own state; run rdpdoctor-host.exe on the server (it "
		        "writes the state as JSON) and read its file here with "
		        "--from-state FILE\n");
		return RDD_EXIT_UNKNOWN;
	}
	if ((text = slurp(from, &len)) == NULL) {
		fprintf(stderr,
		        "rdpdoctor: cannot read '%s' (missing, "
		        "unreadable or over 1 MiB)\n",
		        from);
		return RDD_EXIT_UNKNOWN;
	}
	rc = rdd_host_state_from_json(text, len, &st, err, sizeof(err));
	free(text);
	if (rc != 0) {
		fprintf(stderr, "rdpdoctor: %s: %s\n", from, err);
		return RDD_EXIT_UNKNOWN;
	}
#ifdef _WIN32
diagnose:
#endif
	if (check) {
		obs = calloc(1, sizeof(*obs));
		cdiag = calloc(1, sizeof(*cdiag));
		if (obs == NULL || cdiag == NULL ||
		    check_listener(&st, target, target_port, timeout_s, obs,
		                   cdiag) != 0) {
			fprintf(stderr, "rdpdoctor: %s\n",
			        obs == NULL || cdiag == NULL
			            ? "out of memory"
			            : "internal error during the check");
			free(obs);
			free(cdiag);
			return RDD_EXIT_UNKNOWN;
		}
	}
	if (dump) {
		rc = rdd_host_state_write_json(stdout, &st);
	} else {
		bool color = !no_color && getenv("NO_COLOR") == NULL &&
		             isatty(STDOUT_FILENO);

		rdd_diagnose_host_check(&st, obs, &d);
		rc = json ? rdd_report_host_check_json(stdout, &st, &d, obs,
		                                       cdiag)
		          : rdd_report_host_check_text(stdout, &st, &d, obs,
		                                       color);
	}
	free(obs);
	free(cdiag);
	if (rc != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "rdpdoctor: cannot write the report\n");
		return RDD_EXIT_UNKNOWN;
	}
	return dump ? 0 : rdd_verdict_exit_code(d.status);
}
