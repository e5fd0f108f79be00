/*
 * test_explain.c - `rdpdoctor explain` (src/cmd_explain.c) end to end: its
 * exit status, what the 0x904/0x7 screen says and how it is laid out
 * (80 columns, no colour when not a terminal, one screenful), the JSON
 * document, unknown codes with their neighbours, and usage errors.
 *
 * cmd_explain() writes to stdout; each case points file descriptor 1 at a
 * temporary file for the call and reads it back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"

#define OUT_MAX (64 * 1024)

static char out[OUT_MAX];

/* Run `rdpdoctor explain ARGS...` (NULL-terminated); its stdout lands in
 * OUT, stderr is discarded. Returns the exit status. */
static int
run(const char *first, ...)
{
	char *argv[16];
	char tmpl[] = "/tmp/test_explain.XXXXXX";
	int argc = 0, rc, fd, saved_out, saved_err, devnull;
	const char *a;
	va_list ap;
	ssize_t n;

	argv[argc++] = (char *)"explain";
	va_start(ap, first);
	for (a = first; a != NULL && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;

	fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	unlink(tmpl);
	devnull = open("/dev/null", O_WRONLY);
	assert_true(devnull >= 0);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	assert_true(saved_out >= 0 && saved_err >= 0);
	dup2(fd, STDOUT_FILENO);
	dup2(devnull, STDERR_FILENO);
	rc = cmd_explain(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	close(devnull);

	n = pread(fd, out, sizeof(out) - 1, 0);
	close(fd);
	assert_true(n >= 0);
	out[n] = '\0';
	return rc;
}

static void
assert_has(const char *needle)
{
	if (strstr(out, needle) == NULL)
		fail_msg("output lacks \"%s\":\n%s", needle, out);
}

static void
assert_lacks(const char *needle)
{
	if (strstr(out, needle) != NULL)
		fail_msg("output has \"%s\":\n%s", needle, out);
}

/* Every line ends before column 80; returns the number of lines. */
static int
check_width(void)
{
	const char *p = out, *nl;
	int lines = 0;

	while ((nl = strchr(p, '\n')) != NULL) {
		if (nl - p >= 80)
			fail_msg("line of %d columns: %.*s", (int)(nl - p),
			         (int)(nl - p), p);
		lines++;
		p = nl + 1;
	}
	assert_true(*p == '\0'); /* the last line is ended too */
	return lines;
}

static void
test_pair_text(void **state)
{
	static const char *const ids[] = {"cert-expired",
	                                  "tls-reset",
	                                  "nego-cert-not-on-server",
	                                  "credssp-outdated",
	                                  "nego-hybrid-required",
	                                  "nego-ssl-not-allowed",
	                                  "tls-alert",
	                                  "udp-blocked",
	                                  "net-packet-loss",
	                                  "tcp-timeout",
	                                  "client-side-suspect",
	                                  "licensing-unverified"};
	size_t i;
	int lines;

	(void)state;
	assert_int_equal(run("0x904", "0x7", NULL), 0);
	assert_has("AtClientWinsockFDCLOSE");
	assert_has("exDiscReasonServerDeniedConnection");
	assert_has("The socket was closed after the TCP connection was made");
	assert_has("The server denied the connection.");
	assert_has("security negotiation");
	assert_has("TLS and certificate");
	assert_has("CredSSP/NLA");
	assert_has("licensing");
	assert_has("UDP transport");
	assert_has(" 1. Expired or broken RDP certificate");
	assert_has(" 9. Licensing");
	assert_has("CVE-2018-0886");
	assert_has("Bitdefender");
	assert_has("MachineKeys");
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_has(ids[i]);
	assert_has("rdpdoctor check HOST");
	assert_lacks("\033");
	/* The whole story in one screenful, no line wrapped by the
	 * terminal (licensing and activation added five lines to 50). */
	lines = check_width();
	assert_true(lines <= 55);
	/* Sources only with -v. */
	assert_lacks("source:");
	assert_int_equal(run("-v", "0x904", "0x7", NULL), 0);
	assert_has("source: Microsoft Learn");
	check_width();
	/* Options after the operands, and --no-color, work too. */
	assert_int_equal(run("0x904", "7", "--no-color", NULL), 0);
	assert_has("exDiscReasonServerDeniedConnection");
	assert_int_equal(
	    run("2308", "exDiscReasonServerDeniedConnection", NULL), 0);
	assert_has("AtClientWinsockFDCLOSE");
}

static void
test_pair_json(void **state)
{
	json_error_t err;
	json_t *root, *stories, *causes, *phases, *m;

	(void)state;
	assert_int_equal(run("--json", "0x904", "0x7", NULL), 0);
	root = json_loads(out, 0, &err);
	if (root == NULL)
		fail_msg("not JSON (%s):\n%s", err.text, out);
	assert_int_equal(json_integer_value(json_object_get(root, "schema")),
	                 1);
	assert_string_equal(json_string_value(json_object_get(root, "command")),
	                    "explain");
	assert_true(json_is_true(json_object_get(root, "known")));
	m = json_array_get(
	    json_object_get(json_object_get(root, "code"), "matches"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "name")),
	                    "AtClientWinsockFDCLOSE");
	assert_string_equal(json_string_value(json_object_get(m, "table")),
	                    "discReason");
	assert_int_equal(json_integer_value(json_object_get(m, "value")), 2308);
	m = json_array_get(
	    json_object_get(json_object_get(root, "extended"), "matches"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "name")),
	                    "exDiscReasonServerDeniedConnection");
	stories = json_object_get(root, "stories");
	assert_int_equal(json_array_size(stories), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(stories, 0), "id")),
	                    "denied-after-connect");
	causes = json_object_get(json_array_get(stories, 0), "causes");
	assert_int_equal(json_array_size(causes), 10);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(causes, 0), "rank")),
	                 1);
	assert_string_equal(
	    json_string_value(json_array_get(
	        json_object_get(json_array_get(causes, 0), "findings"), 0)),
	    "cert-expired");
	phases = json_object_get(json_array_get(stories, 0), "phases");
	assert_int_equal(json_array_size(phases), 6);
	assert_string_equal(json_string_value(json_array_get(phases, 0)),
	                    "x224");
	assert_string_equal(json_string_value(json_object_get(root, "next")),
	                    "rdpdoctor check HOST");
	json_decref(root);
}

static void
test_names_and_numbers(void **state)
{
	(void)state;
	assert_int_equal(run("ERRINFO_SERVER_DENIED_CONNECTION", NULL), 0);
	assert_has("0x7 (7) ERRINFO_SERVER_DENIED_CONNECTION");
	assert_has(" 9. ");
	assert_int_equal(run("ssl_not_allowed_by_server", NULL), 0);
	assert_has("SSL_NOT_ALLOWED_BY_SERVER");
	assert_has("nego-ssl-not-allowed");
	assert_int_equal(run("ERRCONNECT_TLS_CONNECT_FAILED", NULL), 0);
	assert_has("tls-reset");
	assert_int_equal(run("STATUS_LOGON_FAILURE", NULL), 0);
	assert_has("0xC000006D");
	assert_int_equal(run("AtClientWinsockFDCLOSE", NULL), 0);
	assert_has("0x904 (2308)");
	/* A negative HRESULT is a code, not an option. */
	assert_int_equal(run("-2146893054", NULL), 0);
	assert_has("SEC_E_UNSUPPORTED_FUNCTION");
	assert_has("credssp-outdated");
	/* Hex digits copied from a log without 0x. */
	assert_int_equal(run("C000006D", NULL), 0);
	assert_has("STATUS_LOGON_FAILURE");
	assert_int_equal(run("80090302", NULL), 0);
	assert_has("read as hexadecimal 0x80090302");
	/* FreeRDP's last error. */
	assert_int_equal(run("0x00020014", NULL), 0);
	assert_has("ERRCONNECT_LOGON_FAILURE");
	/* A bare number in several tables: every match, labelled. */
	assert_int_equal(run("7", NULL), 0);
	assert_has("6 tables have this code");
	assert_has("extended disconnect reason");
	assert_has("server error info (ERRINFO)");
	assert_has("xfreerdp exit status");
	assert_has("ERRCONNECT_MCS_CONNECT_INITIAL_ERROR");
	check_width();
	/* Beside an extended reason, a number is mstsc's discReason. */
	assert_int_equal(run("0x3", "0x10C9", NULL), 0);
	assert_has("ByServer");
	assert_has("ERRINFO_UNKNOWN_DATA_PDU_TYPE");
	assert_lacks("SSL_CERT_NOT_ON_SERVER");
}

static void
test_unknown(void **state)
{
	json_error_t err;
	json_t *root, *nb;

	(void)state;
	assert_int_equal(run("0x1308", NULL), 1);
	assert_has("Unknown code: 0x1308 (4872)");
	assert_has("below 0x1307 LogonTypeNotGranted");
	assert_has("above 0x1407 KerberosUser2UserRequired");
	assert_has("errinfo");
	check_width();
	assert_int_equal(run("0x2407", NULL), 1);
	assert_int_equal(run("0x904", "0x99", NULL), 1);
	assert_has("AtClientWinsockFDCLOSE");
	assert_has("Unknown extended reason");
	assert_int_equal(run("NoSuchCode", NULL), 1);
	assert_has("no code is named \"NoSuchCode\"");
	assert_int_equal(run("denied", NULL), 1);
	assert_has("ERRINFO_SERVER_DENIED_CONNECTION");
	/* The input is escaped before it is echoed. */
	assert_int_equal(run("\033]0;x\007", NULL), 1);
	assert_lacks("\033");
	assert_has("\\x1b");

	assert_int_equal(run("-j", "0x1308", NULL), 1);
	root = json_loads(out, 0, &err);
	assert_non_null(root);
	assert_true(json_is_false(json_object_get(root, "known")));
	nb = json_array_get(
	    json_object_get(json_object_get(root, "code"), "neighbours"), 0);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(nb, "below"), "name")),
	                    "LogonTypeNotGranted");
	assert_int_equal(json_array_size(json_object_get(root, "stories")), 0);
	assert_true(json_is_null(json_object_get(root, "next")));
	json_decref(root);
}

static void
test_usage(void **state)
{
	(void)state;
	assert_int_equal(run(NULL), RDD_EXIT_UNKNOWN);
	assert_int_equal(run("1", "2", "3", NULL), RDD_EXIT_UNKNOWN);
	assert_int_equal(run("--bogus", "1", NULL), RDD_EXIT_UNKNOWN);
	assert_int_equal(run("", NULL), RDD_EXIT_UNKNOWN);
	assert_int_equal(run("--help", NULL), 0);
	assert_has("usage: rdpdoctor explain");
	check_width();
	/* After "--" everything is an operand. */
	assert_int_equal(run("--", "-1", NULL), 0);
	assert_has("ERRINFO_NONE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pair_text),
	    cmocka_unit_test(test_pair_json),
	    cmocka_unit_test(test_names_and_numbers),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
