/*
 * test_explain_golden.c - the built `rdpdoctor explain` (RDD_TOOL) against
 * its golden files (golden.h): for every case below, its stdout, stderr
 * and exit status, byte for byte.
 *
 * The cases cover every kind of argument explain accepts (hex, decimal,
 * negative and bare-hex numbers, names in every spelling, a pair with an
 * extended reason, FreeRDP last errors, unknown numbers and names, finding
 * ids and phase names, which are not codes), text and --json, -v, colour
 * on a terminal and every way of turning it off, input that carries
 * terminal escapes or invalid UTF-8, usage errors and a full disk.
 *
 * The golden files were captured from the tool before its rendering moved
 * to lib/report, and are the contract it keeps. To add a case, add it here
 * and run this test once with RDD_GOLDEN_WRITE=1 in the environment, then
 * read the new file before committing it; do the same, and read the diff,
 * when a text of lib/diag/codes.def changes on purpose.
 *
 * The terminal cases need a pseudo-terminal and are skipped without one;
 * test_explain_text.c checks the same colour bytes without a terminal.
 */
#define _XOPEN_SOURCE 700 /* posix_openpt */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "golden.h"

#ifndef RDD_TOOL
#error "RDD_TOOL: the built rdpdoctor, from tests/unit/report/meson.build"
#endif

extern char **environ;

enum out_kind {
	OUT_PIPE,
	OUT_TTY, /* a pseudo-terminal: colour unless told otherwise */
	OUT_FULL /* /dev/full: every write fails */
};

struct gcase {
	const char *name;
	enum out_kind out;
	const char *no_color; /* NO_COLOR's value, NULL: unset */
	const char *argv[6];  /* after "explain"; NULL-ended */
};

#define A16 "AAAAAAAAAAAAAAAA"
#define A128 A16 A16 A16 A16 A16 A16 A16 A16
#define OSC_ESC "\x1b]0;title\x07\x1b[31mred"
/* DEL, then two bytes that are not UTF-8 (octal: "\x7fb" would be one
 * escape). */
#define DEL_BAD_UTF8 "a\177b\377\376"

/* clang-format off */
static const struct gcase cases[] = {
	/* Help and usage errors. */
	{"help", OUT_PIPE, NULL, {"--help"}},
	{"help-short", OUT_PIPE, NULL, {"-h"}},
	{"help-with-operands", OUT_PIPE, NULL, {"--help", "0x904"}},
	{"usage-no-operand", OUT_PIPE, NULL, {NULL}},
	{"usage-three-operands", OUT_PIPE, NULL, {"1", "2", "3"}},
	{"usage-bad-option", OUT_PIPE, NULL, {"-x", "0x904"}},
	{"usage-bad-long-option", OUT_PIPE, NULL, {"--bogus", "0x904"}},
	{"usage-empty-code", OUT_PIPE, NULL, {""}},
	{"usage-empty-extended", OUT_PIPE, NULL, {"0x904", ""}},
	{"usage-129-characters", OUT_PIPE, NULL, {A128 "A"}},
	{"usage-json-no-operand", OUT_PIPE, NULL, {"-j"}},
	/* The pair mstsc shows, and single numbers. */
	{"pair", OUT_PIPE, NULL, {"0x904", "0x7"}},
	{"pair-verbose", OUT_PIPE, NULL, {"-v", "0x904", "0x7"}},
	{"pair-options-after", OUT_PIPE, NULL,
	 {"0x904", "0x7", "--no-color", "--verbose"}},
	{"hex", OUT_PIPE, NULL, {"0x904"}},
	{"decimal", OUT_PIPE, NULL, {"2308"}},
	{"zero", OUT_PIPE, NULL, {"0"}},
	/* Kerberos: a KDC error by name, MIT's number, the SSPI value. */
	{"kerberos-name", OUT_PIPE, NULL, {"KDC_ERR_S_PRINCIPAL_UNKNOWN"}},
	{"kerberos-mit", OUT_PIPE, NULL, {"-1765328360"}},
	{"kerberos-sspi-json", OUT_PIPE, NULL, {"--json", "0x80090311"}},
	{"many-tables", OUT_PIPE, NULL, {"0x7"}},
	{"many-tables-verbose", OUT_PIPE, NULL, {"-v", "1"}},
	{"several-stories", OUT_PIPE, NULL, {"6"}},
	{"bare-hex", OUT_PIPE, NULL, {"80090302"}},
	{"bare-hex-ntstatus", OUT_PIPE, NULL, {"C000006D"}},
	{"negative-hresult", OUT_PIPE, NULL, {"-2146893054"}},
	{"negative-after-dashdash", OUT_PIPE, NULL, {"--", "-2146893054"}},
	{"negative-small", OUT_PIPE, NULL, {"-5"}},
	{"freerdp-last-error", OUT_PIPE, NULL, {"0x0002000E"}},
	{"decimal-too-big", OUT_PIPE, NULL, {"4294967296"}},
	{"hex-too-long", OUT_PIPE, NULL, {"0x123456789"}},
	/* RD Gateway: mstsc's 0x3000xxx, E_PROXY_* in both forms, events. */
	{"gateway-disc-rap", OUT_PIPE, NULL, {"0x300001B"}},
	{"gateway-disc-cap-decimal", OUT_PIPE, NULL, {"50331676"}},
	{"gateway-hresult-name", OUT_PIPE, NULL, {"E_PROXY_RAP_ACCESSDENIED"}},
	{"gateway-hresult-hex", OUT_PIPE, NULL, {"0x800759DB"}},
	{"gateway-win32-form", OUT_PIPE, NULL, {"0x000059DD"}},
	{"gateway-close-channel", OUT_PIPE, NULL, {"0x4D4"}},
	{"gateway-event", OUT_PIPE, NULL, {"304"}},
	{"json-gateway-win32-form", OUT_PIPE, NULL, {"--json", "0x59DA"}},
	/* Names. */
	{"name", OUT_PIPE, NULL, {"ERRINFO_SERVER_DENIED_CONNECTION"}},
	{"name-loose", OUT_PIPE, NULL, {"server_denied_connection"}},
	{"name-camel", OUT_PIPE, NULL, {"exDiscReasonServerDeniedConnection"}},
	{"name-negotiation", OUT_PIPE, NULL, {"ssl_not_allowed_by_server"}},
	{"name-errconnect", OUT_PIPE, NULL, {"ERRCONNECT_TLS_CONNECT_FAILED"}},
	{"name-with-extended", OUT_PIPE, NULL,
	 {"ERRINFO_SERVER_DENIED_CONNECTION", "0x7"}},
	/* Extended reasons. */
	{"extended-no-disc-reason", OUT_PIPE, NULL, {"7", "7"}},
	{"extended-by-name", OUT_PIPE, NULL,
	 {"0x904", "exDiscReasonServerDeniedConnection"}},
	{"extended-protocol-range", OUT_PIPE, NULL, {"0x904", "4297"}},
	{"extended-protocol-range-name", OUT_PIPE, NULL,
	 {"0x904", "ERRINFO_UNKNOWN_DATA_PDU_TYPE"}},
	{"extended-errinfo-out-of-range", OUT_PIPE, NULL,
	 {"0x904", "ERRINFO_RPC_INITIATED_DISCONNECT"}},
	{"extended-unknown-number", OUT_PIPE, NULL, {"0x904", "0x99999"}},
	{"extended-unknown-in-range", OUT_PIPE, NULL, {"0x904", "0x1307"}},
	{"extended-unknown-name", OUT_PIPE, NULL, {"0x904", "nosuchname"}},
	{"both-unknown", OUT_PIPE, NULL, {"deadbeef", "0x99999"}},
	/* Unknown codes, and words that are not codes. */
	{"unknown-number", OUT_PIPE, NULL, {"deadbeef"}},
	{"unknown-number-low", OUT_PIPE, NULL, {"0xFFFF"}},
	{"unknown-name", OUT_PIPE, NULL, {"nosuchcode"}},
	{"suggest", OUT_PIPE, NULL, {"denied"}},
	{"suggest-many", OUT_PIPE, NULL, {"connect"}},
	{"finding-id", OUT_PIPE, NULL, {"cert-expired"}},
	{"phase-name", OUT_PIPE, NULL, {"tls"}},
	{"phase-name-credssp", OUT_PIPE, NULL, {"credssp"}},
	{"story-id", OUT_PIPE, NULL, {"denied-after-connect"}},
	{"dashdash-option-as-code", OUT_PIPE, NULL, {"--", "-h"}},
	{"input-128-characters", OUT_PIPE, NULL, {A128}},
	/* Untrusted input echoed back. */
	{"escape-terminal", OUT_PIPE, NULL, {OSC_ESC}},
	{"escape-del-bad-utf8", OUT_PIPE, NULL, {DEL_BAD_UTF8}},
	{"utf8-input", OUT_PIPE, NULL, {"caf\xc3\xa9"}},
	/* JSON. */
	{"json-pair", OUT_PIPE, NULL, {"--json", "0x904", "0x7"}},
	{"json-pair-verbose", OUT_PIPE, NULL, {"-jv", "0x904", "0x7"}},
	{"json-many-tables", OUT_PIPE, NULL, {"-j", "0x7"}},
	{"json-several-stories", OUT_PIPE, NULL, {"-j", "6"}},
	{"json-bare-hex", OUT_PIPE, NULL, {"-j", "80090302"}},
	{"json-freerdp-last-error", OUT_PIPE, NULL, {"-j", "0x0002000E"}},
	{"json-name", OUT_PIPE, NULL, {"-j", "server_denied_connection"}},
	{"json-extended-protocol-range", OUT_PIPE, NULL,
	 {"-j", "0x904", "4297"}},
	{"json-extended-unknown", OUT_PIPE, NULL, {"-j", "0x904", "0x99999"}},
	{"json-extended-unknown-name", OUT_PIPE, NULL,
	 {"-j", "0x904", "nosuchname"}},
	{"json-unknown-number", OUT_PIPE, NULL, {"-j", "deadbeef"}},
	{"json-unknown-name", OUT_PIPE, NULL, {"-j", "nosuchcode"}},
	{"json-suggest", OUT_PIPE, NULL, {"-j", "denied"}},
	{"json-escape-terminal", OUT_PIPE, NULL, {"-j", OSC_ESC}},
	{"json-escape-del-bad-utf8", OUT_PIPE, NULL, {"-j", DEL_BAD_UTF8}},
	{"json-utf8-input", OUT_PIPE, NULL, {"-j", "caf\xc3\xa9"}},
	{"json-empty-code", OUT_PIPE, NULL, {"-j", ""}},
	/* A terminal: colour, and every way of turning it off. */
	{"tty-pair", OUT_TTY, NULL, {"0x904", "0x7"}},
	{"tty-pair-verbose", OUT_TTY, NULL, {"-v", "0x904", "0x7"}},
	{"tty-many-tables", OUT_TTY, NULL, {"0x7"}},
	{"tty-unknown-number", OUT_TTY, NULL, {"deadbeef"}},
	{"tty-suggest", OUT_TTY, NULL, {"denied"}},
	{"tty-extended-unknown-name", OUT_TTY, NULL, {"0x904", "nosuchname"}},
	{"tty-escape-terminal", OUT_TTY, NULL, {OSC_ESC}},
	{"tty-no-color", OUT_TTY, NULL, {"--no-color", "0x904", "0x7"}},
	{"tty-NO_COLOR", OUT_TTY, "1", {"0x904", "0x7"}},
	{"tty-NO_COLOR-empty", OUT_TTY, "", {"0x904", "0x7"}},
	{"tty-json", OUT_TTY, NULL, {"-j", "0x904", "0x7"}},
	{"tty-help", OUT_TTY, NULL, {"--help"}},
	/* Nowhere to write. */
	{"full-text", OUT_FULL, NULL, {"0x904", "0x7"}},
	{"full-text-short", OUT_FULL, NULL, {"nosuchcode"}},
	/* More than one buffer of stdio: a write fails before the end. */
	{"full-text-long", OUT_FULL, NULL, {"-v", "0x7", "0x7"}},
	{"full-json", OUT_FULL, NULL, {"-j", "0x904", "0x7"}},
	{"full-json-short", OUT_FULL, NULL, {"-j", "nosuchcode"}},
	{"full-help", OUT_FULL, NULL, {"--help"}},
};
/* clang-format on */

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* The environment without NO_COLOR, plus NO_COLOR=VALUE when VALUE is set
 * (*MADE: that string, NULL otherwise). Free the array and *MADE. */
static char **
child_env(const char *value, char **made)
{
	size_t n = 0, i, k = 0;
	char **env;

	while (environ[n] != NULL)
		n++;
	env = calloc(n + 2, sizeof(*env));
	assert_non_null(env);
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "NO_COLOR=", 9) != 0)
			env[k++] = environ[i];
	if (value != NULL) {
		size_t len = strlen("NO_COLOR=") + strlen(value) + 1;

		env[k] = malloc(len);
		assert_non_null(env[k]);
		snprintf(env[k], len, "NO_COLOR=%s", value);
	}
	*made = env[k];
	return env;
}

/* A pseudo-terminal that passes bytes as written (no \n -> \r\n): sets
 * *MASTER and returns the terminal end. Skips the test without one. */
static int
open_tty(int *master)
{
	struct termios t;
	const char *name;
	int s;

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0)
		skip();
	assert_int_equal(grantpt(*master), 0);
	assert_int_equal(unlockpt(*master), 0);
	name = ptsname(*master);
	assert_non_null(name);
	s = open(name, O_RDWR | O_NOCTTY);
	assert_true(s >= 0);
	assert_int_equal(tcgetattr(s, &t), 0);
	t.c_oflag &= ~(tcflag_t)OPOST;
	assert_int_equal(tcsetattr(s, TCSANOW, &t), 0);
	return s;
}

/* Read FDS[0] into OUT and FDS[1] into ERR until both end (EOF, or EIO
 * on a terminal whose other end is closed); -1 entries are skipped. */
static void
drain(int fds[2], struct bytes *out, struct bytes *err)
{
	struct bytes *dst[2] = {out, err};
	char buf[4096];

	for (;;) {
		struct pollfd p[2];
		int i;

		for (i = 0; i < 2; i++) {
			p[i].fd = fds[i];
			p[i].events = POLLIN;
			p[i].revents = 0;
		}
		if (fds[0] < 0 && fds[1] < 0)
			return;
		if (poll(p, 2, 30000) <= 0)
			fail_msg("the tool wrote nothing for 30 s");
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (fds[i] < 0 || p[i].revents == 0)
				continue;
			n = read(fds[i], buf, sizeof(buf));
			if (n > 0) {
				bytes_add(dst[i], buf, (size_t)n);
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			assert_true(n == 0 || errno == EIO);
			close(fds[i]);
			fds[i] = -1;
		}
	}
}

/* "$ rdpdoctor explain ARGS": each argument C-escaped, '' when empty. */
static void
add_command(struct bytes *doc, const struct gcase *gc)
{
	size_t i;
	const char *p;

	bytes_addf(doc, "$ rdpdoctor explain");
	for (i = 0; gc->argv[i] != NULL; i++) {
		bytes_addf(doc, " ");
		if (gc->argv[i][0] == '\0')
			bytes_addf(doc, "''");
		for (p = gc->argv[i]; *p != '\0'; p++) {
			unsigned char c = (unsigned char)*p;

			if (c > 0x20 && c < 0x7F && c != '\\' && c != '\'')
				bytes_add(doc, p, 1);
			else
				bytes_addf(doc, "\\x%02X", c);
		}
	}
	bytes_addf(doc, "\n");
}

/* Run the case and write what it produced as a golden document. */
static void
run_case(const struct gcase *gc, struct bytes *doc)
{
	static const char *const kinds[] = {"pipe", "terminal", "/dev/full"};
	struct bytes out = {0}, err = {0};
	char *argv[10];
	char *made, **env;
	int outp[2], errp[2], fds[2], devnull, status;
	size_t i, argc = 0;
	pid_t pid;

	argv[argc++] = (char *)"rdpdoctor";
	argv[argc++] = (char *)"explain";
	for (i = 0; gc->argv[i] != NULL; i++)
		argv[argc++] = (char *)gc->argv[i];
	argv[argc] = NULL;

	if (gc->out == OUT_TTY) {
		outp[1] = open_tty(&outp[0]);
		fds[0] = outp[0];
	} else if (gc->out == OUT_FULL) {
		outp[0] = -1;
		outp[1] = open("/dev/full", O_WRONLY);
		assert_true(outp[1] >= 0);
		fds[0] = -1;
	} else {
		assert_int_equal(pipe(outp), 0);
		fds[0] = outp[0];
	}
	assert_int_equal(pipe(errp), 0);
	fds[1] = errp[0];
	devnull = open("/dev/null", O_RDONLY);
	assert_true(devnull >= 0);
	env = child_env(gc->no_color, &made);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(outp[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		execve(RDD_TOOL, argv, env);
		_exit(127);
	}
	close(devnull);
	close(outp[1]);
	close(errp[1]);
	drain(fds, &out, &err);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free(made);
	free(env);

	golden_unversion(&out);
	add_command(doc, gc);
	bytes_addf(doc, "stdout: %s\n", kinds[gc->out]);
	if (gc->no_color == NULL)
		bytes_addf(doc, "NO_COLOR: unset\n");
	else
		bytes_addf(doc, "NO_COLOR: set to \"%s\"\n", gc->no_color);
	if (WIFEXITED(status))
		bytes_addf(doc, "exit status: %d\n", WEXITSTATUS(status));
	else
		bytes_addf(doc, "killed by signal %d\n", WTERMSIG(status));
	bytes_addf(doc, "--- stdout: %zu bytes\n", out.len);
	bytes_add(doc, out.p, out.len);
	bytes_addf(doc, "\n--- stderr: %zu bytes\n", err.len);
	bytes_add(doc, err.p, err.len);
	bytes_addf(doc, "\n");
	bytes_free(&out);
	bytes_free(&err);
}

static void
test_case(void **state)
{
	const struct gcase *gc = *state;
	struct bytes doc = {0}, golden = {0};

	run_case(gc, &doc);
	if (getenv("RDD_GOLDEN_WRITE") != NULL) {
		golden_write(gc->name, &doc);
	} else {
		if (golden_read(gc->name, &golden) != 0)
			fail_msg("no golden file %s.golden (RDD_GOLDEN_WRITE=1 "
			         "writes it)",
			         gc->name);
		assert_same_bytes(gc->name, &golden, &doc);
	}
	bytes_free(&doc);
	bytes_free(&golden);
}

/* Every golden file belongs to a case: none is left behind unchecked. */
static void
test_no_stray_golden(void **state)
{
	struct dirent *e;
	DIR *d = opendir(RDD_GOLDEN_DIR);
	size_t i;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		if (n < 8 || strcmp(e->d_name + n - 7, ".golden") != 0)
			fail_msg("not a golden file: %s", e->d_name);
		for (i = 0; i < NCASES; i++)
			if (strlen(cases[i].name) == n - 7 &&
			    strncmp(cases[i].name, e->d_name, n - 7) == 0)
				break;
		if (i == NCASES)
			fail_msg("golden file of no case: %s", e->d_name);
	}
	closedir(d);
}

int
main(void)
{
	struct CMUnitTest tests[NCASES + 1];
	size_t i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < NCASES; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = test_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	tests[NCASES].name = "no_stray_golden";
	tests[NCASES].test_func = test_no_stray_golden;
	return _cmocka_run_group_tests("explain_golden", tests, NCASES + 1,
	                               NULL, NULL);
}
