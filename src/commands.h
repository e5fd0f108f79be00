/*
 * commands.h - the subcommands of the rdpdoctor tool. Each takes the
 * arguments after its name (argv[0] is the subcommand) and returns the
 * process exit status.
 */
#ifndef RDPDOCTOR_COMMANDS_H
#define RDPDOCTOR_COMMANDS_H

/* Exit status for usage and internal errors (monitoring-plugin UNKNOWN). */
#define RDD_EXIT_UNKNOWN 3

int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);

/* Split "HOST", "HOST:PORT", "[V6]:PORT" or a bare IPv6 address. HOST is
 * written to HOST (cap bytes); *port is set only when a port was given.
 * Returns 0, or -1 if the text is not a valid target. */
int parse_target(const char *arg, char *host, size_t cap, int *port);

/* Parse a port number 1..65535; -1 if invalid. */
int parse_port(const char *s);

#endif
