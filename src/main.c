/*
 * main.c - rdpdoctor: find out why a Remote Desktop connection fails.
 * Dispatches to one file per subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static void
usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor check [options] HOST[:PORT]\n"
	    "       rdpdoctor explain [options] CODE [EXTENDED]\n"
	    "       rdpdoctor --version | --help\n"
	    "\n"
	    "commands:\n"
	    "  check   diagnose one RDP server: every phase, timed, with\n"
	    "          findings, fixes and a verdict (rdpdoctor check --help)\n"
	    "  explain what an error code means (0x904 0x7, ERRINFO_*, "
	    "NTSTATUS):\n"
	    "          phases, ranked causes, the check findings that confirm\n"
	    "          each, and fixes (rdpdoctor explain --help)\n"
	    "\n"
	    "See rdpdoctor(1).\n",
	    f);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return RDD_EXIT_UNKNOWN;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("rdpdoctor %s\n", RDD_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "explain") == 0)
		return cmd_explain(argc - 1, argv + 1);
	fprintf(stderr, "rdpdoctor: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return RDD_EXIT_UNKNOWN;
}
