/*
 * main.c - rdpdoctor: find out why a Remote Desktop connection fails.
 * Dispatches to one file per subcommand.
 *
 * The table of commands below is also what `rdpdoctor __options` prints
 * (with each command's option table), and the build generates the bash and
 * zsh completions from that output (scripts/gen-completions.sh), so the
 * completions cannot drift from the options getopt parses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <uv.h>

#include "commands.h"
#include "rdpdoctor/codes.h"

enum operand_kind { OPERAND_TEXT, OPERAND_HOST, OPERAND_CODE, OPERAND_COMMAND };

struct operand {
	const char *name; /* as the usage writes it */
	enum operand_kind kind;
	bool optional;
};

struct command {
	const char *name;
	const char *summary; /* one line, for the completions */
	int (*run)(int argc, char **argv);
	const struct option *longopts; /* NULL: takes no options */
	const char *shortopts;
	const struct cmd_optarg *optargs; /* NULL or ends with {NULL} */
	const struct operand *operands;   /* NULL or ends with {NULL} */
};

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct operand check_operands[] = {
    {"HOST[:PORT]", OPERAND_HOST, false},
    {NULL, OPERAND_TEXT, false},
};

#ifndef _WIN32
static const struct operand scan_operands[] = {
    {"TARGET...", OPERAND_HOST, true},
    {NULL, OPERAND_TEXT, false},
};
#endif

static const struct operand explain_operands[] = {
    {"CODE", OPERAND_CODE, false},
    {"EXTENDED", OPERAND_TEXT, true},
    {NULL, OPERAND_TEXT, false},
};

#ifndef _WIN32
static const struct operand watch_operands[] = {
    {"HOST[:PORT]", OPERAND_HOST, false},
    {NULL, OPERAND_TEXT, false},
};
#endif

static const struct operand report_operands[] = {
    {"FILE", OPERAND_TEXT, false},
    {NULL, OPERAND_TEXT, false},
};

#ifndef _WIN32
static const struct operand pcap_operands[] = {
    {"FILE", OPERAND_TEXT, false},
    {NULL, OPERAND_TEXT, false},
};
#endif

static const struct operand help_operands[] = {
    {"COMMAND", OPERAND_COMMAND, true},
    {NULL, OPERAND_TEXT, false},
};

static const struct command commands[] = {
    {"check", "diagnose one RDP server", cmd_check, check_longopts,
     check_shortopts, check_optargs, check_operands},
    {"explain", "what an RDP error code means", cmd_explain, explain_longopts,
     explain_shortopts, NULL, explain_operands},
#ifndef _WIN32
    {"scan", "check many RDP servers: NDJSON and a summary", cmd_scan,
     scan_longopts, scan_shortopts, scan_optargs, scan_operands},
    {"diff", "what changed between two stored scans", cmd_diff, diff_longopts,
     diff_shortopts, diff_optargs, NULL},
    {"watch", "check one RDP server again and again", cmd_watch, watch_longopts,
     watch_shortopts, watch_optargs, watch_operands},
#endif
    {"report", "saved check results as an HTML page", cmd_report,
     report_longopts, report_shortopts, report_optargs, report_operands},
#ifndef _WIN32
    {"pcap", "diagnose every RDP connection in a capture", cmd_pcap,
     pcap_longopts, pcap_shortopts, pcap_optargs, pcap_operands},
#endif
    {"host", "the self-check of a Windows RDP server, from its state", cmd_host,
     host_longopts, host_shortopts, host_optargs, NULL},
    {"version", "the versions of rdpdoctor and its libraries", cmd_version,
     NULL, "", NULL, NULL},
    {"help", "the commands, or the options of one", cmd_help, NULL, "", NULL,
     help_operands},
};

/* The options before a command: each is another name of a command. */
static const struct {
	const char *name, *short_name, *command;
} flags[] = {
    {"help", "h", "help"},
    {"version", "V", "version"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))
#define N_FLAGS (sizeof(flags) / sizeof(flags[0]))

static void
usage(FILE *f)
{
#ifdef _WIN32
	fputs(
	    "usage: rdpdoctor check [options] HOST[:PORT]\n"
	    "       rdpdoctor explain [options] CODE [EXTENDED]\n"
	    "       rdpdoctor report --html OUT FILE\n"
	    "       rdpdoctor host --from-state FILE [options]\n"
	    "       rdpdoctor --version | --help\n"
	    "\n"
	    "commands:\n"
	    "  check   diagnose one RDP server: every phase, timed, with\n"
	    "          findings, fixes and a verdict (rdpdoctor check --help)\n"
	    "  explain what an error code means (0x904 0x7, ERRINFO_*, "
	    "NTSTATUS):\n"
	    "          phases, ranked causes, the check findings that confirm\n"
	    "          each, and fixes (rdpdoctor explain --help)\n"
	    "  report  saved check --json results as an HTML page\n"
	    "          (rdpdoctor report --help)\n"
	    "  host    a Windows server's own self-check from the state\n"
	    "          rdpdoctor-host.exe saved on it (rdpdoctor host --help)\n"
	    "  version the version of rdpdoctor and of the OpenSSL, libuv\n"
	    "          and jansson it runs with (also --version)\n"
	    "\n"
	    "This is the Windows build: it has no scan, diff, watch or pcap\n"
	    "command, and check has no Kerberos phase (--realm, --kdc); use\n"
	    "the Linux build for those. See rdpdoctor(1).\n",
	    f);
#else
	fputs(
	    "usage: rdpdoctor check [options] HOST[:PORT]\n"
	    "       rdpdoctor scan [options] [TARGET...]\n"
	    "       rdpdoctor diff --db FILE [options]\n"
	    "       rdpdoctor explain [options] CODE [EXTENDED]\n"
	    "       rdpdoctor watch [options] HOST[:PORT]\n"
	    "       rdpdoctor report --html OUT FILE\n"
	    "       rdpdoctor pcap [options] FILE\n"
	    "       rdpdoctor host --from-state FILE [options]\n"
	    "       rdpdoctor --version | --help\n"
	    "\n"
	    "commands:\n"
	    "  check   diagnose one RDP server: every phase, timed, with\n"
	    "          findings, fixes and a verdict (rdpdoctor check --help)\n"
	    "  scan    check many servers (names, addresses, CIDRs, ranges,\n"
	    "          files): one JSON line per host and a summary\n"
	    "          (rdpdoctor scan --help)\n"
	    "  diff    what changed between two scans stored with scan\n"
	    "          --db (rdpdoctor diff --help)\n"
	    "  explain what an error code means (0x904 0x7, ERRINFO_*, "
	    "NTSTATUS):\n"
	    "          phases, ranked causes, the check findings that confirm\n"
	    "          each, and fixes (rdpdoctor explain --help)\n"
	    "  watch   check one server again and again: a line per round,\n"
	    "          percentiles and what came and went; Prometheus file\n"
	    "          (rdpdoctor watch --help)\n"
	    "  report  saved check --json results as an HTML page\n"
	    "          (rdpdoctor report --help)\n"
	    "  pcap    every RDP connection in a capture (pcap, pcapng): the\n"
	    "          phase each reached, why it failed, from both sides\n"
	    "          (rdpdoctor pcap --help)\n"
	    "  host    a Windows server's own self-check from the state\n"
	    "          rdpdoctor-host.exe saved on it (rdpdoctor host --help)\n"
	    "  version the version of rdpdoctor and of the OpenSSL, libuv\n"
	    "          and jansson it runs with (also --version)\n"
	    "\n"
	    "See rdpdoctor(1).\n",
	    f);
#endif
}

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Line 1 is the tool's version; then the libraries as loaded at run time
 * (a shared library may be newer than the headers it was built with). */
static int
cmd_version(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "usage: rdpdoctor version\n");
		return RDD_EXIT_UNKNOWN;
	}
	printf("rdpdoctor %s\n", RDD_VERSION);
	printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
	printf("libuv %s\n", uv_version_string());
#if JANSSON_VERSION_HEX >= 0x020d00
	printf("jansson %s\n", jansson_version_str());
#else
	printf("jansson %s\n", JANSSON_VERSION);
#endif
	return fflush(stdout) == 0 ? 0 : RDD_EXIT_UNKNOWN;
}

/* `rdpdoctor help [COMMAND]`. */
static int
cmd_help(int argc, char **argv)
{
	const struct command *c;
	char help[] = "--help";
	char *av[3];

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	c = find_command(argv[1]);
	if (c == NULL || c->longopts == NULL) {
		usage(stdout);
		return c == NULL ? RDD_EXIT_UNKNOWN : 0;
	}
	av[0] = argv[1];
	av[1] = help;
	av[2] = NULL;
	return c->run(2, av);
}

/* ---- `rdpdoctor __options`: the tables, for the completions ----------- */

static const struct cmd_optarg *
find_optarg(const struct cmd_optarg *t, const char *name)
{
	for (; t != NULL && t->option != NULL; t++)
		if (strcmp(t->option, name) == 0)
			return t;
	return NULL;
}

/* The short letter getopt maps to the same value as O, or 0. */
static char
short_of(const char *shortopts, const struct option *o)
{
	if (o->flag != NULL || o->val <= 0 || o->val >= 128 || o->val == ':')
		return 0;
	return strchr(shortopts, o->val) != NULL ? (char)o->val : 0;
}

static void
print_values(const char *const *v)
{
	for (; *v != NULL; v++)
		printf("%s%s", *v, v[1] != NULL ? " " : "");
}

static const char *
operand_kind_name(enum operand_kind k)
{
	switch (k) {
	case OPERAND_HOST:
		return "host";
	case OPERAND_CODE:
		return "code";
	case OPERAND_COMMAND:
		return "command";
	case OPERAND_TEXT:
		break;
	}
	return "text";
}

static int
dump_command(const struct command *c)
{
	const struct option *o;
	const struct cmd_optarg *a;
	const struct operand *op;
	const char *s;
	char sh;
	int errors = 0;

	printf("command\t%s\t%s\n", c->name, c->summary);
	for (o = c->longopts; o != NULL && o->name != NULL; o++) {
		a = find_optarg(c->optargs, o->name);
		sh = short_of(c->shortopts, o);
		printf("option\t%s\t--%s\t", c->name, o->name);
		if (sh != 0)
			printf("-%c\t", sh);
		else
			printf("-\t");
		if (o->has_arg == no_argument)
			printf("none\t-\n");
		else if (o->has_arg == optional_argument)
			printf("optional\t-\n");
		else if (a != NULL && a->values != NULL) {
			printf("choice\t");
			print_values(a->values);
			printf("\n");
		} else
			printf("%s\t-\n",
			       a != NULL && a->file ? "file" : "value");
		if (a != NULL && o->has_arg != required_argument) {
			fprintf(stderr, "rdpdoctor: --%s takes no value\n",
			        o->name);
			errors++;
		}
	}
	/* Short options with no long name (-4, -6). */
	for (s = c->shortopts; *s != '\0'; s++) {
		if (*s == ':')
			continue;
		for (o = c->longopts; o != NULL && o->name != NULL; o++)
			if (short_of(c->shortopts, o) == *s)
				break;
		if (o != NULL && o->name != NULL)
			continue;
		printf("option\t%s\t-\t-%c\t%s\t-\n", c->name, *s,
		       s[1] == ':' ? "value" : "none");
	}
	/* A completion row for an option the table lacks is a mistake. */
	for (a = c->optargs; a != NULL && a->option != NULL; a++) {
		for (o = c->longopts; o->name != NULL; o++)
			if (strcmp(o->name, a->option) == 0)
				break;
		if (o->name == NULL) {
			fprintf(stderr, "rdpdoctor: %s has no option --%s\n",
			        c->name, a->option);
			errors++;
		}
	}
	for (op = c->operands; op != NULL && op->name != NULL; op++)
		printf("operand\t%s\t%s\t%s\t%s\n", c->name, op->name,
		       operand_kind_name(op->kind),
		       op->optional ? "optional" : "required");
	return errors;
}

/* A name a shell can complete as one word. */
static bool
plain_word(const char *s)
{
	return s[0] != '\0' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                 "0123456789_") == strlen(s);
}

/*
 * One line per item, fields separated by tabs:
 *   command NAME SUMMARY
 *   option  COMMAND --LONG|- -SHORT|- none|optional|value|file|choice VALUES|-
 *   operand COMMAND NAME host|code|command|text required|optional
 *   word    code NAME
 * COMMAND "-" is the options before a command. A `code` operand completes
 * the names of the error codes `explain` knows (the `word` lines), a
 * `command` operand the commands.
 */
static int
dump_options(void)
{
	const struct rdd_code *row;
	size_t i, t, n;
	int errors = 0;

	for (i = 0; i < N_FLAGS; i++)
		printf("option\t-\t--%s\t-%s\tnone\t-\n", flags[i].name,
		       flags[i].short_name);
	for (i = 0; i < N_COMMANDS; i++)
		errors += dump_command(&commands[i]);
	for (t = 0; t < RDD_TABLE_COUNT; t++) {
		n = rdd_code_count((enum rdd_code_table)t);
		for (i = 0; i < n; i++) {
			row = rdd_code_at((enum rdd_code_table)t, i);
			if (row != NULL && plain_word(row->name))
				printf("word\tcode\t%s\n", row->name);
		}
	}
	if (fflush(stdout) != 0)
		errors++;
	return errors == 0 ? 0 : RDD_EXIT_UNKNOWN;
}

/* ARG is --NAME or -SHORT_NAME. */
static bool
is_flag(const char *arg, const char *name, const char *short_name)
{
	if (strncmp(arg, "--", 2) == 0)
		return strcmp(arg + 2, name) == 0;
	return arg[0] == '-' && strcmp(arg + 1, short_name) == 0;
}

int
main(int argc, char **argv)
{
	const struct command *c;
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return RDD_EXIT_UNKNOWN;
	}
	/* MIT's GSSAPI (the Kerberos CredSSP logon) makes its own krb5
	 * context, which would write a trace of the logon to $KRB5_TRACE
	 * and read $KRB5_CONFIG or /etc/krb5.conf: rdpdoctor's own MIT
	 * contexts do neither, and neither may that one (an empty
	 * KRB5_CONFIG gives MIT an empty profile; the logon names the exact
	 * principal and hands it the ticket). Here, before any thread. The
	 * Windows build has no MIT library. */
#ifndef _WIN32
	unsetenv("KRB5_TRACE");
	setenv("KRB5_CONFIG", "", 1);
#endif
	if (strcmp(argv[1], "__options") == 0)
		return dump_options();
	for (i = 0; i < N_FLAGS; i++)
		if (is_flag(argv[1], flags[i].name, flags[i].short_name))
			return find_command(flags[i].command)->run(1, argv + 1);
	c = find_command(argv[1]);
	if (c != NULL)
		return c->run(argc - 1, argv + 1);
	fprintf(stderr, "rdpdoctor: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return RDD_EXIT_UNKNOWN;
}
