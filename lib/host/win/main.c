/*
 * main.c - rdpdoctor-host.exe: read this Windows server's RDP state and
 * print it as JSON, for `rdpdoctor host --from-state FILE` on any machine.
 *
 * A small read-only program: it uses Win32 and the C library only, and
 * writes the JSON by hand (lib/host/state_write.c, which the Linux unit
 * tests read back). The whole tool, rdpdoctor.exe (scripts/build-win.sh),
 * has the same reader behind `rdpdoctor host` without --from-state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "host/state_write.h"
#include "host/win/reader.h"

#ifndef RDD_VERSION
#define RDD_VERSION "unknown"
#endif

static void
usage(FILE *f)
{
	fputs("usage: rdpdoctor-host.exe [--dump-state] [-o FILE]\n"
	      "\n"
	      "Read this server's Remote Desktop state (listener and Group\n"
	      "Policy values, the RDP certificate and its key, CredSSP,\n"
	      "SCHANNEL, licensing, TermService, the listening port, the\n"
	      "firewall) and print it as JSON. Run it in an elevated prompt\n"
	      "(some values need it); copy the file anywhere and diagnose it\n"
	      "with `rdpdoctor host --from-state FILE`.\n"
	      "\n"
	      "  --dump-state  print the state as JSON (the default)\n"
	      "  -o FILE       write it to FILE instead of standard output\n"
	      "  --version     the version\n"
	      "  -h, --help    this text\n",
	      f);
}

int
main(int argc, char **argv)
{
	static struct rdd_host_state st;
	const char *outpath = NULL;
	FILE *out = stdout;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dump-state") == 0) {
			continue;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			outpath = argv[++i];
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("rdpdoctor-host %s\n", RDD_VERSION);
			return 0;
		} else if (strcmp(argv[i], "-h") == 0 ||
		           strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--key-file-name") == 0 &&
		           i + 1 < argc) {
			/* For the tests: the MachineKeys name of a container. */
			wchar_t w[256], name[128];

			mbstowcs(w, argv[++i], 255);
			w[255] = 0;
			if (rdd_host_win_key_file_name(w, name, 128) != 0)
				return 3;
			printf("%ls\n", name);
			return 0;
		} else {
			usage(stderr);
			return 3;
		}
	}
	rdd_host_win_read(&st, "rdpdoctor-host " RDD_VERSION);
	if (outpath != NULL && (out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "rdpdoctor-host: cannot write '%s'\n", outpath);
		return 3;
	}
	rc = rdd_host_state_write_plain(out, &st);
	if (out != stdout && fclose(out) != 0)
		rc = -1;
	if (rc != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "rdpdoctor-host: cannot write the state\n");
		return 3;
	}
	return 0;
}
