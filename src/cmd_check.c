/*
 * cmd_check.c - `rdpdoctor check`: diagnose one server.
 *
 * Parses options, runs the check (lib/net), diagnoses (lib/diag) and
 * prints a text or JSON report (lib/report). The exit status is the
 * verdict: 0 ok, 1 warning, 2 critical, 3 unknown (usage or internal
 * error), as monitoring plugins do.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "credentials.h"
#include "rdpdoctor/check.h"
#include "rdpdoctor/diag.h"
#include "rdpdoctor/netpath.h"
#include "rdpdoctor/report.h"
#include "report/rdpfile_report.h"
#include "wire/rdpfile.h"

static void
check_usage(FILE *f)
{
	fputs(
	    "usage: rdpdoctor check [options] HOST[:PORT]\n"
	    "       rdpdoctor check [options] FILE.rdp\n"
	    "\n"
	    "Walk every phase of an RDP connection to HOST (resolve, TCP,\n"
	    "X.224 negotiation, TLS and certificate, CredSSP/NTLM, MCS,\n"
	    "licensing, capability exchange and activation), time each one,\n"
	    "and say which phase fails, why, and how to fix it. No\n"
	    "credentials are sent; without NLA the check reaches the logon\n"
	    "screen and leaves at once (a Disconnect Provider Ultimatum).\n"
	    "\n"
	    "FILE.rdp: a saved connection file (UTF-16LE or UTF-8): the\n"
	    "check walks its full address and port, and says what mstsc\n"
	    "would do with the file (gateway, CredSSP, ...) and which lines\n"
	    "it could not use. A gateway the file always uses\n"
	    "(gatewayusagemethod:i:1) is walked, as with --gateway.\n"
	    "\n"
	    "options:\n"
	    "  -p, --port PORT      TCP port (default 3389)\n"
	    "  -t, --timeout SECS   timeout of each phase (default 5)\n"
	    "  -4, -6               use IPv4 / IPv6 addresses only\n"
	    "      --samples N      N TCP handshakes, 100 ms apart, that\n"
	    "                       measure the path (RTT, jitter, loss);\n"
	    "                       the check waits for them (0 to 32).\n"
	    "                       Default: the handshakes of the check's\n"
	    "                       own first 3 connections, and up to 5\n"
	    "                       more while it waits with none open\n"
	    "      --udp-port PORT  RDP-UDP port to probe (default: the TCP\n"
	    "                       port)\n"
	    "      --no-udp         no RDP-UDP probe\n"
	    "  -j, --json           one JSON document (docs/json.md)\n"
	    "      --html FILE      also write the report as one HTML page\n"
	    "                       (- : to standard output, instead of text)\n"
	    "      --nagios         one line for Nagios/Icinga with perfdata,\n"
	    "                       then one per finding, instead of text\n"
	    "      --tls-full       also enumerate TLS versions, cipher\n"
	    "                       suites and groups, and judge which\n"
	    "                       clients can connect\n"
	    "      --tls-parallel N connections at once for --tls-full\n"
	    "                       (default 8, 1 to 64)\n"
	    "      --ca-file FILE   verify the certificate chain against\n"
	    "                       the CAs in FILE (PEM) instead of the\n"
	    "                       system's trust store\n"
	    "      --cookie NAME    send \"Cookie: mstshash=NAME\" as mstsc "
	    "does\n"
	    "      --stop-after PHASE  walk no further than PHASE: mcs\n"
	    "                       (before the Client Info PDU: no session\n"
	    "                       is created on the server), licensing, or\n"
	    "                       activation (the default)\n"
	    "      --channels LIST  static virtual channels to ask for and\n"
	    "                       join, e.g. rdpdr,cliprdr (default none)\n"
	    "      --licensing MODE  stop (default) at a licence challenge,\n"
	    "                       or full: answer it (the server may issue\n"
	    "                       the client name \"rdpdoctor\" a licence)\n"
	    "      --user [DOMAIN\\]NAME  log on over NLA (CredSSP with "
	    "NTLMv2)\n"
	    "                       as NAME (or NAME@DOMAIN), once; the\n"
	    "                       password comes from --password-file, else\n"
	    "                       RDPDOCTOR_PASSWORD, else the terminal\n"
	    "                       (never from the command line)\n"
	    "      --password-file FILE  the password: FILE's first line (-:\n"
	    "                       standard input); refused when others can\n"
	    "                       read FILE\n"
	    "      --logon          with --user, also log the user on: the\n"
	    "                       server creates a user session (left\n"
	    "                       disconnected until its time limit)\n"
	    "      --realm REALM    the Kerberos realm (default: from "
	    "--user's\n"
	    "                       @REALM or DOMAIN\\, else the server's "
	    "NTLM\n"
	    "                       DNS domain): its KDCs are asked, without\n"
	    "                       a password, for their clock and etypes\n"
	    "      --kdc HOST[:PORT]  the KDC to ask (default: DNS SRV\n"
	    "                       _kerberos._udp/_tcp of the realm)\n"
	    "      --gateway GW[:PORT]  reach the target through this RD\n"
	    "                       Gateway (HTTPS, port 443 by default):\n"
	    "                       its certificate, sign-in, tunnel and\n"
	    "                       channel, then the target's walk inside\n"
	    "      --gateway-user [DOMAIN\\]NAME  sign in to the gateway as\n"
	    "                       NAME (default: --user's account, as\n"
	    "                       mstsc does); the password comes from\n"
	    "                       --gateway-password-file, else\n"
	    "                       RDPDOCTOR_GATEWAY_PASSWORD, else the\n"
	    "                       terminal\n"
	    "      --gateway-password-file FILE  the gateway's password\n"
	    "      --client-error CODE[/EXT]  the error the client showed\n"
	    "                       (0x904/0x7): the report leads with the\n"
	    "                       findings that explain it\n"
	    "      --no-color       no colour (also: NO_COLOR set, not a TTY)\n"
	    "  -v, --verbose        show each exchange on stderr, and every\n"
	    "                       attempt in the report\n"
	    "  -h, --help           this text\n"
	    "\n"
	    "exit status: 0 ok, 1 warning, 2 critical, 3 unknown\n",
	    f);
#ifdef _WIN32
	fputs("\n"
	      "This Windows build has no Kerberos phase (--realm and --kdc\n"
	      "are refused); without --ca-file the chain is checked against\n"
	      "Windows' Trusted Root Certification Authorities.\n",
	      f);
#endif
}

static void
print_trace(void *ctx, const char *label, const char *line)
{
	char esc[2 * RDD_STR];
	bool color = *(bool *)ctx;

	rdd_escape_terminal(esc, sizeof(esc), line);
	if (color)
		fprintf(stderr, "\033[2m* [%s] %s\033[0m\n", label, esc);
	else
		fprintf(stderr, "* [%s] %s\n", label, esc);
}

/* --kdc: HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address; a port
 * given must be 1 to 65535. */
static bool
kdc_port_ok(const char *s)
{
	const char *colon = strrchr(s, ':'), *end;

	if (s[0] == '[') {
		end = strchr(s, ']');
		if (end == NULL || end == s + 1)
			return false;
		if (end[1] == '\0')
			return true;
		if (end[1] != ':')
			return false;
		return parse_port(end + 2) > 0;
	}
	if (colon == NULL || strchr(s, ':') != colon)
		return true; /* no port, or a bare IPv6 address */
	if (colon == s)
		return false;
	return parse_port(colon + 1) > 0;
}

static bool
valid_cookie(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (; *s != '\0'; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

enum { OPT_NO_COLOR = 256, OPT_COOKIE, OPT_CLIENT_ERROR, OPT_SAMPLES };
enum { OPT_UDP_PORT = 400, OPT_NO_UDP };

static int
parse_samples(const char *s, size_t *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end != '\0' || v < 0 || v > RDD_MAX_SAMPLES)
		return -1;
	*out = (size_t)v;
	return 0;
}

enum { OPT_TLS_FULL = 300, OPT_TLS_PARALLEL, OPT_CA_FILE };
enum { OPT_STOP_AFTER = 500, OPT_LICENSING, OPT_CHANNELS };
enum { OPT_USER = 600, OPT_PASSWORD_FILE, OPT_LOGON };
enum { OPT_HTML = 700, OPT_NAGIOS };
enum { OPT_REALM = 800, OPT_KDC };
enum { OPT_GATEWAY = 820, OPT_GATEWAY_USER, OPT_GATEWAY_PASSWORD_FILE };

/* The HTML page of a check document (rdd_report_write_file's writer). */
static int
write_html(FILE *out, void *doc)
{
	return rdd_report_html(out, doc);
}

#define MAX_CHANNELS 31 /* [MS-RDPBCGR] 2.2.1.3.4 */

/* --channels rdpdr,cliprdr: at most 31 names of 1 to 7 letters, digits
 * or underscores, kept in NAMES (the strings are cut out of S). */
static int
parse_channels(char *s, const char **names, size_t *n)
{
	char *tok, *save = NULL;
	size_t k;

	*n = 0;
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		k = strlen(tok);
		if (k == 0 || k > 7 || *n == MAX_CHANNELS ||
		    strspn(tok, "abcdefghijklmnopqrstuvwxyz"
		                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != k)
			return -1;
		names[(*n)++] = tok;
	}
	return *n > 0 ? 0 : -1;
}

/* The phase names --stop-after accepts, and the --licensing modes. */
static const char *const stop_after_values[] = {"mcs", "licensing",
                                                "activation", NULL};
static const char *const licensing_values[] = {"stop", "full", NULL};

static bool
one_of(const char *s, const char *const *values)
{
	for (; *values != NULL; values++)
		if (strcmp(s, *values) == 0)
			return true;
	return false;
}

/* --stop-after: mcs, licensing or activation. */
static int
parse_stop_after(const char *s, enum rdd_phase *out)
{
	int p = rdd_phase_from_name(s);

	if (!one_of(s, stop_after_values) || p < 0)
		return -1;
	*out = (enum rdd_phase)p;
	return 0;
}

/* The options; `rdpdoctor __options` prints them for the completions. */
const struct option check_longopts[] = {
    {"port", required_argument, NULL, 'p'},
    {"timeout", required_argument, NULL, 't'},
    {"json", no_argument, NULL, 'j'},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"cookie", required_argument, NULL, OPT_COOKIE},
    {"client-error", required_argument, NULL, OPT_CLIENT_ERROR},
    {"tls-full", no_argument, NULL, OPT_TLS_FULL},
    {"tls-parallel", required_argument, NULL, OPT_TLS_PARALLEL},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"samples", required_argument, NULL, OPT_SAMPLES},
    {"udp-port", required_argument, NULL, OPT_UDP_PORT},
    {"no-udp", no_argument, NULL, OPT_NO_UDP},
    {"stop-after", required_argument, NULL, OPT_STOP_AFTER},
    {"licensing", required_argument, NULL, OPT_LICENSING},
    {"channels", required_argument, NULL, OPT_CHANNELS},
    {"user", required_argument, NULL, OPT_USER},
    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
    {"logon", no_argument, NULL, OPT_LOGON},
    {"html", required_argument, NULL, OPT_HTML},
    {"nagios", no_argument, NULL, OPT_NAGIOS},
    {"realm", required_argument, NULL, OPT_REALM},
    {"kdc", required_argument, NULL, OPT_KDC},
    {"gateway", required_argument, NULL, OPT_GATEWAY},
    {"gateway-user", required_argument, NULL, OPT_GATEWAY_USER},
    {"gateway-password-file", required_argument, NULL,
     OPT_GATEWAY_PASSWORD_FILE},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

const char check_shortopts[] = "p:t:46jvh";

/* How the completions complete the values of some options. */
const struct cmd_optarg check_optargs[] = {
    {"stop-after", stop_after_values, false},
    {"licensing", licensing_values, false},
    {"ca-file", NULL, true},
    {"password-file", NULL, true},
    {"gateway-password-file", NULL, true},
    {"html", NULL, true},
    {NULL, NULL, false},
};

int
cmd_check(int argc, char **argv)
{
	struct rdd_check_options opt = {
	    .port = 3389, .timeout_s = 5, .samples = RDD_NET_DEFAULT_SAMPLES};
	struct rdd_observation *obs;
	struct rdd_diagnosis *diag;
	struct rdd_text_options topt = {0};
	char host[RDD_STR];
	bool json = false, no_color = false, verbose = false, color;
	bool trace_color, client_error = false, has_ext = false;
	uint32_t ce_code = 0, ce_ext = 0;
	int ch, port = -1, target_port = -1, rc, port_udp;
	const char *ca_file = NULL, *user = NULL, *password_file = NULL;
	const char *gw_user = NULL, *gw_password_file = NULL;
	char gw_host[RDD_STR];
	int gw_port = -1;
	static struct rdd_credentials gw_creds;
	char *gw_password = NULL;
	static const char *channel_names[MAX_CHANNELS];
	static struct rdd_credentials creds;
	char *password = NULL;
	bool logon = false, nagios = false;
	const char *html = NULL;
	enum cred_source source;
	char terr[RDD_STR];
	static struct rdd_rdpfile rdpf_store;
	struct rdd_rdpfile *rdpf = NULL;
	struct rdd_rdpfile_use use = {0};
	struct rdd_rdpfile_note notes[RDD_RDPFILE_MAX_NOTES];
	size_t n_notes = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, check_shortopts, check_longopts,
	                         NULL)) != -1) {
		switch (ch) {
		case 'p':
			if ((port = parse_port(optarg)) < 0) {
				fprintf(stderr, "rdpdoctor: bad port '%s'\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case 't':
			if (parse_phase_timeout(optarg, &opt.timeout_s) != 0) {
				fprintf(
				    stderr,
				    "rdpdoctor: bad timeout '%s' (0.05 to 600 "
				    "seconds)\n",
				    optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case OPT_UDP_PORT:
			if ((port_udp = parse_port(optarg)) < 0) {
				fprintf(stderr,
				        "rdpdoctor: bad UDP port '%s'\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			opt.udp_port = (uint16_t)port_udp;
			break;
		case OPT_NO_UDP:
			opt.no_udp = true;
			break;
		case OPT_SAMPLES:
			if (parse_samples(optarg, &opt.samples) != 0) {
				fprintf(
				    stderr,
				    "rdpdoctor: bad sample count '%s' (0 to "
				    "%d)\n",
				    optarg, RDD_MAX_SAMPLES);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case OPT_TLS_FULL:
			opt.tls_full = true;
			break;
		case OPT_STOP_AFTER:
			if (parse_stop_after(optarg, &opt.stop_after) != 0) {
				fprintf(stderr,
				        "rdpdoctor: bad phase '%s' for "
				        "--stop-after (mcs, licensing or "
				        "activation)\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case OPT_CHANNELS:
			if (parse_channels(optarg, channel_names,
			                   &opt.n_channels) != 0) {
				fprintf(stderr,
				        "rdpdoctor: bad channel list for "
				        "--channels (1 to 31 names of up to 7 "
				        "letters, digits or _, separated by "
				        "commas)\n");
				return RDD_EXIT_UNKNOWN;
			}
			opt.channels = channel_names;
			break;
		case OPT_LICENSING:
			if (one_of(optarg, licensing_values))
				opt.licensing_full =
				    strcmp(optarg, "full") == 0;
			else {
				fprintf(stderr,
				        "rdpdoctor: bad licensing mode '%s' "
				        "(stop or full)\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			break;
		case OPT_CA_FILE:
			ca_file = optarg;
			break;
		case OPT_USER:
			user = optarg;
			break;
		case OPT_PASSWORD_FILE:
			password_file = optarg;
			break;
		case OPT_LOGON:
			logon = true;
			break;
		case OPT_HTML:
			html = optarg;
			break;
		case OPT_NAGIOS:
			nagios = true;
			break;
		case OPT_REALM:
			if (optarg[0] == '\0' || strlen(optarg) > 255 ||
			    strpbrk(optarg, " \t@\\/") != NULL) {
				fprintf(stderr, "rdpdoctor: bad realm '%s'\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			opt.realm = optarg;
			break;
		case OPT_GATEWAY:
			if (parse_target(optarg, gw_host, sizeof(gw_host),
			                 &gw_port) != 0) {
				fprintf(stderr,
				        "rdpdoctor: bad gateway '%s' (GW or "
				        "GW:PORT)\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			opt.gateway = gw_host;
			opt.gateway_port =
			    gw_port > 0 ? (uint16_t)gw_port : 443;
			break;
		case OPT_GATEWAY_USER:
			gw_user = optarg;
			break;
		case OPT_GATEWAY_PASSWORD_FILE:
			gw_password_file = optarg;
			break;
		case OPT_KDC:
			if (optarg[0] == '\0' || strlen(optarg) > 255 ||
			    strpbrk(optarg, " \t/") != NULL ||
			    !kdc_port_ok(optarg)) {
				fprintf(
				    stderr,
				    "rdpdoctor: bad KDC '%s' (HOST, HOST:PORT "
				    "or [IPv6]:PORT)\n",
				    optarg);
				return RDD_EXIT_UNKNOWN;
			}
			opt.kdc = optarg;
			break;
		case OPT_TLS_PARALLEL: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (end == optarg || *end != '\0' || v < 1 || v > 64) {
				fprintf(stderr,
				        "rdpdoctor: bad --tls-parallel '%s' "
				        "(1 to 64)\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			opt.tls_parallel = (int)v;
			break;
		}
		case '4':
			opt.family = 4;
			break;
		case '6':
			opt.family = 6;
			break;
		case 'j':
			json = true;
			break;
		case OPT_NO_COLOR:
			no_color = true;
			break;
		case OPT_COOKIE:
			if (!valid_cookie(optarg)) {
				fprintf(stderr, "rdpdoctor: the cookie must be "
				                "1 to 64 printable characters "
				                "without spaces\n");
				return RDD_EXIT_UNKNOWN;
			}
			opt.cookie = optarg;
			break;
		case OPT_CLIENT_ERROR:
			if (rdd_client_error_parse(optarg, &ce_code, &has_ext,
			                           &ce_ext) != 0) {
				fprintf(stderr,
				        "rdpdoctor: bad --client-error '%s' "
				        "(e.g. 0x904/0x7 or 2308)\n",
				        optarg);
				return RDD_EXIT_UNKNOWN;
			}
			client_error = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			check_usage(stdout);
			return 0;
		default:
			check_usage(stderr);
			return RDD_EXIT_UNKNOWN;
		}
	}
	if (optind != argc - 1) {
		check_usage(stderr);
		return RDD_EXIT_UNKNOWN;
	}
	if (is_rdp_file(argv[optind])) {
		char ferr[RDD_STR];

		rdpf = &rdpf_store;
		if (read_rdp_file(argv[optind], rdpf) != 0) {
			fprintf(stderr, "rdpdoctor: cannot read %s: %s\n",
			        argv[optind], strerror(errno));
			return RDD_EXIT_UNKNOWN;
		}
		use.path = argv[optind];
		if (rdd_rdpfile_target(rdpf, port, &use, ferr, sizeof(ferr)) !=
		    0) {
			fprintf(stderr, "rdpdoctor: %s: %s\n", argv[optind],
			        ferr);
			return RDD_EXIT_UNKNOWN;
		}
		snprintf(host, sizeof(host), "%s", use.host);
		target_port = use.port;
		/* gatewayusagemethod:i:1: mstsc always goes through the
		 * file's gateway, and so does the check (unless --gateway
		 * names another). */
		if (opt.gateway == NULL &&
		    rdpf->v[RDD_RDPK_GATEWAYHOSTNAME].set &&
		    rdpf->v[RDD_RDPK_GATEWAYHOSTNAME].s[0] != '\0' &&
		    rdpf->v[RDD_RDPK_GATEWAYUSAGEMETHOD].set &&
		    rdpf->v[RDD_RDPK_GATEWAYUSAGEMETHOD].i == 1 &&
		    parse_target(rdpf->v[RDD_RDPK_GATEWAYHOSTNAME].s, gw_host,
		                 sizeof(gw_host), &gw_port) == 0) {
			opt.gateway = gw_host;
			opt.gateway_port =
			    gw_port > 0 ? (uint16_t)gw_port : 443;
		}
	} else if (parse_target(argv[optind], host, sizeof(host),
	                        &target_port) != 0) {
		fprintf(stderr, "rdpdoctor: bad target '%s'\n", argv[optind]);
		return RDD_EXIT_UNKNOWN;
	}
	if (rdpf != NULL && (nagios || html != NULL)) {
		fprintf(stderr, "rdpdoctor: --nagios and --html do not show a "
		                "connection file's notes yet: use the text "
		                "report or --json with FILE.rdp\n");
		return RDD_EXIT_UNKNOWN;
	}
	if (rdpf == NULL && target_port > 0 && port > 0 &&
	    target_port != port) {
		fprintf(stderr, "rdpdoctor: two different ports given\n");
		return RDD_EXIT_UNKNOWN;
	}
	if ((json && nagios) ||
	    (html != NULL && strcmp(html, "-") == 0 && (json || nagios))) {
		fprintf(stderr, "rdpdoctor: one of --json, --nagios and "
		                "--html - on standard output\n");
		return RDD_EXIT_UNKNOWN;
	}
	if ((gw_user != NULL || gw_password_file != NULL) &&
	    opt.gateway == NULL) {
		fprintf(stderr, "rdpdoctor: --gateway-user and "
		                "--gateway-password-file need --gateway\n");
		return RDD_EXIT_UNKNOWN;
	}
	if (gw_user == NULL && gw_password_file != NULL) {
		fprintf(stderr, "rdpdoctor: --gateway-password-file needs "
		                "--gateway-user\n");
		return RDD_EXIT_UNKNOWN;
	}
	if (user == NULL && (password_file != NULL || logon)) {
		fprintf(stderr, "rdpdoctor: --password-file and --logon need "
		                "--user\n");
		return RDD_EXIT_UNKNOWN;
	}
	opt.host = host;
#ifdef _WIN32
	/* No libresolv SRV lookups nor MIT krb5 in rdpdoctor.exe. */
	if (opt.realm != NULL || opt.kdc != NULL) {
		fprintf(stderr, "rdpdoctor: --realm and --kdc: the Windows "
		                "build has no Kerberos phase\n");
		return RDD_EXIT_UNKNOWN;
	}
	opt.kerberos = false;
#else
	opt.kerberos = true;
#endif
	opt.port = (uint16_t)(port > 0          ? port
	                      : target_port > 0 ? target_port
	                                        : 3389);
	color = !no_color && getenv("NO_COLOR") == NULL;
	trace_color = color && isatty(STDERR_FILENO);
	if (verbose) {
		opt.trace = print_trace;
		opt.trace_ctx = &trace_color;
	}

	opt.trust_store = rdd_trust_store_load(ca_file, terr, sizeof(terr));
	if (opt.trust_store == NULL && ca_file != NULL) {
		fprintf(stderr, "rdpdoctor: cannot load --ca-file '%s': %s\n",
		        ca_file, terr);
		return RDD_EXIT_UNKNOWN;
	}
	if (user != NULL) {
		char prompt[2 * RDD_STR], err[RDD_STR];

		if (cred_parse_user(user, &creds, err, sizeof(err)) != 0) {
			fprintf(stderr, "rdpdoctor: bad --user: %s\n", err);
			rdd_trust_store_free(opt.trust_store);
			return RDD_EXIT_UNKNOWN;
		}
		snprintf(prompt, sizeof(prompt),
		         "Password for %s on %s: ", user, host);
		password = cred_read_password(password_file, "/dev/tty", prompt,
		                              &source, err, sizeof(err));
		if (password == NULL) {
			fprintf(stderr, "rdpdoctor: %s\n", err);
			rdd_trust_store_free(opt.trust_store);
			return RDD_EXIT_UNKNOWN;
		}
		creds.password = password;
		creds.logon = logon;
		opt.credentials = &creds;
	}
	if (gw_user != NULL) {
		char prompt[2 * RDD_STR], err[RDD_STR];
		enum cred_source gsrc;

		if (cred_parse_user(gw_user, &gw_creds, err, sizeof(err)) !=
		    0) {
			fprintf(stderr, "rdpdoctor: bad --gateway-user: %s\n",
			        err);
			cred_free_password(password);
			rdd_trust_store_free(opt.trust_store);
			return RDD_EXIT_UNKNOWN;
		}
		snprintf(prompt, sizeof(prompt),
		         "Password for %s on the gateway %s: ", gw_user,
		         opt.gateway);
		gw_password = cred_read_password_from(
		    gw_password_file, RDD_GATEWAY_PASSWORD_ENV,
		    "--gateway-password-file", "/dev/tty", prompt, &gsrc, err,
		    sizeof(err));
		if (gw_password == NULL) {
			fprintf(stderr, "rdpdoctor: %s\n", err);
			cred_free_password(password);
			rdd_trust_store_free(opt.trust_store);
			return RDD_EXIT_UNKNOWN;
		}
		gw_creds.password = gw_password;
		opt.gateway_credentials = &gw_creds;
	} else if (opt.gateway != NULL && opt.credentials != NULL) {
		/* mstsc's default: the same credentials for the gateway. */
		opt.gateway_credentials = opt.credentials;
	}
	obs = calloc(1, sizeof(*obs));
	diag = calloc(1, sizeof(*diag));
	if (obs == NULL || diag == NULL) {
		fprintf(stderr, "rdpdoctor: out of memory\n");
		free(obs);
		free(diag);
		cred_free_password(password);
		cred_free_password(gw_password);
		rdd_trust_store_free(opt.trust_store);
		return RDD_EXIT_UNKNOWN;
	}
	if (rdd_check_run(&opt, obs) != 0) {
		if (nagios)
			printf(
			    "RDP UNKNOWN - internal error during the check\n");
		fprintf(stderr, "rdpdoctor: internal error during the check\n");
		rc = RDD_EXIT_UNKNOWN;
		goto out;
	}
	/* The passwords are not needed past the check. */
	cred_free_password(password);
	password = NULL;
	creds.password = NULL;
	cred_free_password(gw_password);
	gw_password = NULL;
	gw_creds.password = NULL;
	rdd_diagnose(obs, diag);
	if (client_error)
		rdd_diagnose_client_error(diag, ce_code, has_ext, ce_ext);
	rc = rdd_verdict_exit_code(diag->status);
	if (rdpf != NULL) {
		int frc;

		n_notes = rdd_rdpfile_notes(rdpf, &use, obs, notes,
		                            RDD_RDPFILE_MAX_NOTES);
		frc = rdd_rdpfile_notes_exit(notes, n_notes);
		if (frc > rc)
			rc = frc;
	}
	if (html != NULL || nagios) {
		void *doc = rdd_report_json_doc(obs, diag);

		if (doc == NULL) {
			fprintf(stderr, "rdpdoctor: out of memory\n");
			rc = RDD_EXIT_UNKNOWN;
			goto out;
		}
		if (html != NULL &&
		    rdd_report_write_file(html, write_html, doc) != 0) {
			fprintf(stderr, "rdpdoctor: cannot write %s: %s\n",
			        html, strerror(errno));
			rc = RDD_EXIT_UNKNOWN;
		}
		if (nagios && rdd_report_nagios(stdout, doc) != 0)
			rc = RDD_EXIT_UNKNOWN;
		json_decref(doc);
		if (nagios || (html != NULL && strcmp(html, "-") == 0))
			goto out;
	}
	if (json && rdpf != NULL) {
		if (rdd_report_json_rdpfile(
		        stdout, obs, diag,
		        rdd_report_rdpfile_json(&use, rdpf, notes, n_notes)) !=
		    0) {
			fprintf(stderr, "rdpdoctor: cannot write JSON\n");
			rc = RDD_EXIT_UNKNOWN;
			goto out;
		}
	} else if (json) {
		if (rdd_report_json(stdout, obs, diag) != 0) {
			fprintf(stderr, "rdpdoctor: cannot write JSON\n");
			rc = RDD_EXIT_UNKNOWN;
			goto out;
		}
	} else {
		topt.color = color && isatty(STDOUT_FILENO);
		topt.verbose = verbose;
		if (rdpf != NULL)
			rdd_report_rdpfile_text(stdout, &use, rdpf, notes,
			                        n_notes);
		rdd_report_text(stdout, obs, diag, &topt);
	}
out:
	cred_free_password(password);
	cred_free_password(gw_password);
	if (fflush(stdout) != 0)
		rc = RDD_EXIT_UNKNOWN;
	free(obs);
	free(diag);
	rdd_trust_store_free(opt.trust_store);
	return rc;
}
