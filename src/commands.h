/*
 * commands.h - the subcommands of the rdpdoctor tool. Each takes the
 * arguments after its name (argv[0] is the subcommand) and returns the
 * process exit status.
 */
#ifndef RDPDOCTOR_COMMANDS_H
#define RDPDOCTOR_COMMANDS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit status for usage and internal errors (monitoring-plugin UNKNOWN). */
#define RDD_EXIT_UNKNOWN 3

int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_pcap(int argc, char **argv);
int cmd_host(int argc, char **argv);

/*
 * The option tables of the subcommands. getopt_long parses with them, and
 * `rdpdoctor __options` prints them, from which the build generates the
 * shell completions (scripts/gen-completions.sh): a new option is
 * completed without anyone writing it down twice.
 */
struct cmd_optarg {
	const char *option; /* long name, a row of the command's longopts */
	/* The only values the option accepts (its parser checks them against
	 * this list), NULL-ended; or NULL. */
	const char *const *values;
	bool file; /* the value is a file name */
};

extern const struct option check_longopts[];
extern const char check_shortopts[];
extern const struct cmd_optarg check_optargs[]; /* ends with {NULL} */

extern const struct option explain_longopts[];
extern const char explain_shortopts[];

extern const struct option scan_longopts[];
extern const char scan_shortopts[];
extern const struct cmd_optarg scan_optargs[]; /* ends with {NULL} */

extern const struct option diff_longopts[];
extern const char diff_shortopts[];
extern const struct cmd_optarg diff_optargs[]; /* ends with {NULL} */
extern const struct option watch_longopts[];
extern const char watch_shortopts[];
extern const struct cmd_optarg watch_optargs[];

extern const struct option report_longopts[];
extern const char report_shortopts[];
extern const struct cmd_optarg report_optargs[];
extern const struct option pcap_longopts[];
extern const char pcap_shortopts[];
extern const struct cmd_optarg pcap_optargs[]; /* ends with {NULL} */
extern const struct option host_longopts[];
extern const char host_shortopts[];
extern const struct cmd_optarg host_optargs[]; /* ends with {NULL} */

/* Split "HOST", "HOST:PORT", "[V6]:PORT" or a bare IPv6 address. HOST is
 * written to HOST (cap bytes); *port is set only when a port was given.
 * Returns 0, or -1 if the text is not a valid target. */
int parse_target(const char *arg, char *host, size_t cap, int *port);

/* Parse a port number 1..65535; -1 if invalid. */
int parse_port(const char *s);

struct rdd_rdpfile;
/* A saved connection file: the operand ends in ".rdp" (any case). */
bool is_rdp_file(const char *s);
/* Read PATH (at most RDD_RDPFILE_MAX_BYTES + 1 bytes, so that a longer
 * file is seen as one) and parse it into F. Returns 0, or -1 with errno. */
int read_rdp_file(const char *path, struct rdd_rdpfile *f);

/* The --timeout of check and host --check: seconds per phase, 0.05 to
 * 600, into *OUT. Returns 0, or -1 if invalid. */
int parse_phase_timeout(const char *s, double *out);

#endif
