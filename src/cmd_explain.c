/*
 * cmd_explain.c - `rdpdoctor explain CODE [EXTENDED]`: what an RDP error
 * code means, in which phases of a connection it arises, its causes from
 * most to least likely, the `rdpdoctor check` findings that confirm each
 * cause, and the fixes.
 *
 * CODE is a number as clients print it (0x904, 2308, -2146893054) or a
 * name (ERRINFO_SERVER_DENIED_CONNECTION, SSL_NOT_ALLOWED_BY_SERVER,
 * STATUS_LOGON_FAILURE, ...). EXTENDED is the extended disconnect reason
 * mstsc shows beside it.
 *
 * This file parses the arguments; rdd_explain_codes() looks them up and
 * the report layer renders what it found (report.h): text wrapped at 80
 * columns, colour only on a terminal, never with NO_COLOR or --no-color;
 * or JSON. Exit status: 0 known, 1 unknown, 3 usage error.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "rdpdoctor/report.h"

static void
explain_usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor explain [options] CODE [EXTENDED]\n"
	    "\n"
	    "Say what a Remote Desktop error code means, in which phases of a\n"
	    "connection it arises, its causes from most to least likely, the\n"
	    "`rdpdoctor check` findings that confirm each, and the fixes.\n"
	    "\n"
	    "CODE      a number as the client shows it (0x904, 2308) or a "
	    "name\n"
	    "          (ERRINFO_SERVER_DENIED_CONNECTION, "
	    "SSL_NOT_ALLOWED_BY_SERVER,\n"
	    "          STATUS_LOGON_FAILURE, ERRCONNECT_TLS_CONNECT_FAILED,\n"
	    "          E_PROXY_RAP_ACCESSDENIED); RD Gateway codes and event\n"
	    "          IDs (0x300001B, 0x000059DD, 301) also say what to do "
	    "on\n"
	    "          the gateway\n"
	    "EXTENDED  the extended error code shown beside it (0x7)\n"
	    "\n"
	    "options:\n"
	    "  -j, --json       one JSON document (docs/json.md)\n"
	    "      --no-color   no colour (also: NO_COLOR set, not a TTY)\n"
	    "  -v, --verbose    show where each code's meaning comes from\n"
	    "  -h, --help       this text\n"
	    "\n"
	    "example: rdpdoctor explain 0x904 0x7\n"
	    "exit status: 0 known code, 1 unknown code, 3 usage error\n",
	    f);
}

/* ---- Arguments ------------------------------------------------------- */

/* "-2146893054" is a code (a negative HRESULT), not an option. */
static bool
negative_number(const char *s)
{
	if (s[0] != '-' || s[1] == '\0')
		return false;
	for (s++; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

enum { OPT_NO_COLOR = 256 };

/* The options; `rdpdoctor __options` prints them for the completions. */
const struct option explain_longopts[] = {
    {"json", no_argument, NULL, 'j'},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char explain_shortopts[] = "jvh";

int
cmd_explain(int argc, char **argv)
{
	struct rdd_text_options o = {false, false};
	struct rdd_explain e;
	char **av = NULL, **pos;
	bool json = false, no_color = false, known;
	int ch, i, ac = 0, npos = 0, rc = RDD_EXIT_UNKNOWN;

	/* Options first, then "--", then the operands: negative numbers
	 * are operands, and getopt must not see them. */
	av = calloc((size_t)argc + 2, sizeof(*av));
	pos = calloc((size_t)argc + 1, sizeof(*pos));
	if (av == NULL || pos == NULL) {
		fprintf(stderr, "rdpdoctor: out of memory\n");
		goto out;
	}
	av[ac++] = argv[0];
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			for (i++; i < argc; i++)
				pos[npos++] = argv[i];
			break;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0' &&
		    !negative_number(argv[i]))
			av[ac++] = argv[i];
		else
			pos[npos++] = argv[i];
	}
	av[ac] = NULL;

	optind = 1;
	while ((ch = getopt_long(ac, av, explain_shortopts, explain_longopts,
	                         NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case OPT_NO_COLOR:
			no_color = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			explain_usage(stdout);
			rc = 0;
			goto out;
		default:
			explain_usage(stderr);
			goto out;
		}
	}
	if (optind != ac || npos < 1 || npos > 2) {
		explain_usage(stderr);
		goto out;
	}
	if (rdd_explain_codes(&e, pos[0], npos == 2 ? pos[1] : NULL) != 0) {
		fprintf(stderr, "rdpdoctor: a code is 1 to %d characters\n",
		        RDD_EXPLAIN_INPUT_MAX);
		goto out;
	}
	known = e.known;

	if (json) {
		if (rdd_report_explain_json(stdout, &e) != 0) {
			fprintf(stderr, "rdpdoctor: cannot write JSON\n");
			goto out;
		}
	} else {
		o.color = !no_color && getenv("NO_COLOR") == NULL &&
		          isatty(STDOUT_FILENO);
		/* A failed write is exit status 3, as at the fflush below. */
		if (rdd_report_explain_text(stdout, &e, &o) != 0)
			goto out;
	}
	rc = known ? 0 : 1;
out:
	if (fflush(stdout) != 0)
		rc = RDD_EXIT_UNKNOWN;
	free(av);
	free(pos);
	return rc;
}
