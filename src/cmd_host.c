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
#include "rdpdoctor/host.h"
#ifdef _WIN32
#include "host/win/reader.h"
#endif

/* A state file is a few kilobytes; refuse anything absurd. */
#define STATE_MAX (1024 * 1024)

enum { OPT_FROM_STATE = 256, OPT_DUMP_STATE, OPT_NO_COLOR };

const struct option host_longopts[] = {
    {"from-state", required_argument, NULL, OPT_FROM_STATE},
    {"dump-state", no_argument, NULL, OPT_DUMP_STATE},
    {"json", no_argument, NULL, 'j'},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

const char host_shortopts[] = "jh";

const struct cmd_optarg host_optargs[] = {
    {"from-state", NULL, true},
    {NULL, NULL, false},
};

static void
host_usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor host --from-state FILE [options]\n"
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
	      "rdpdoctor host, or rdpdoctor host --dump-state > FILE.\n",
	      f);
#endif
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
	bool json = false, dump = false, no_color = false;
	char err[256], *text;
	size_t len = 0;
	int ch, rc;

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
		case 'h':
			host_usage(stdout);
			return 0;
		default:
			host_usage(stderr);
			return RDD_EXIT_UNKNOWN;
		}
	}
	if (optind != argc || (dump && json)) {
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
	if (dump) {
		rc = rdd_host_state_write_json(stdout, &st);
	} else {
		rdd_diagnose_host(&st, &d);
		rc = json ? rdd_report_host_json(stdout, &st, &d)
		          : rdd_report_host_text(
		                stdout, &st, &d,
		                !no_color && getenv("NO_COLOR") == NULL &&
		                    isatty(STDOUT_FILENO));
	}
	if (rc != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "rdpdoctor: cannot write the report\n");
		return RDD_EXIT_UNKNOWN;
	}
	return dump ? 0 : rdd_verdict_exit_code(d.status);
}
