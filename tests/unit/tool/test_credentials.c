/*
 * test_credentials.c - how `check --user` takes credentials
 * (src/credentials.c): the user name forms, the password file and its
 * permissions, the environment variable (wiped after reading) and the
 * refusal without a terminal.
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
#include <sys/stat.h>
#include <unistd.h>

#include "credentials.h"

static void
test_user_forms(void **state)
{
	struct rdd_credentials c;
	char err[256];

	(void)state;
	assert_int_equal(cred_parse_user("LAB\\bob", &c, err, sizeof(err)), 0);
	assert_string_equal(c.domain, "LAB");
	assert_string_equal(c.user, "bob");
	/* A UPN stays whole, with an empty domain, as Windows sends it. */
	assert_int_equal(
	    cred_parse_user("carol@lab.test", &c, err, sizeof(err)), 0);
	assert_string_equal(c.user, "carol@lab.test");
	assert_string_equal(c.domain, "");
	assert_int_equal(cred_parse_user("alice", &c, err, sizeof(err)), 0);
	assert_string_equal(c.user, "alice");
	assert_string_equal(c.domain, "");
	assert_int_equal(cred_parse_user(".\\admin", &c, err, sizeof(err)), 0);
	assert_string_equal(c.domain, ".");
}

static void
test_user_refused(void **state)
{
	static const char *bad[] = {"",      "\\bob",   "LAB\\",
	                            "@lab",  "bob@",    "A\\B\\c",
	                            "bo\tb", "bob\x7f", NULL};
	struct rdd_credentials c;
	char err[256], longname[400];
	size_t i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		err[0] = '\0';
		assert_int_equal(cred_parse_user(bad[i], &c, err, sizeof(err)),
		                 -1);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(cred_parse_user(NULL, &c, err, sizeof(err)), -1);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(cred_parse_user(longname, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
}

/* A private temporary file holding TEXT, with mode MODE. */
static void
write_file(char *path, size_t cap, const char *text, mode_t mode)
{
	int fd;

	snprintf(path, cap, "/tmp/rdd-test-pw-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
test_file_first_line(void **state)
{
	char path[64], err[256], *pw;
	enum cred_source src;

	(void)state;
	write_file(path, sizeof(path), "Passw0rd!\r\nsecond line\n", 0600);
	pw = cred_read_password(path, "/nonexistent-tty", "p: ", &src, err,
	                        sizeof(err));
	assert_non_null(pw);
	assert_int_equal(src, CRED_FROM_FILE);
	assert_string_equal(pw, "Passw0rd!");
	cred_free_password(pw);
	unlink(path);

	/* No newline at all; an empty password is allowed. */
	write_file(path, sizeof(path), "x", 0400);
	pw = cred_read_password(path, "/nonexistent-tty", "p: ", &src, err,
	                        sizeof(err));
	assert_non_null(pw);
	assert_string_equal(pw, "x");
	cred_free_password(pw);
	unlink(path);
	write_file(path, sizeof(path), "\n", 0600);
	pw = cred_read_password(path, "/nonexistent-tty", "p: ", &src, err,
	                        sizeof(err));
	assert_non_null(pw);
	assert_string_equal(pw, "");
	cred_free_password(pw);
	unlink(path);
}

static void
test_file_refused(void **state)
{
	char path[64], err[256], big[RDD_PASSWORD_MAX + 8];
	enum cred_source src;

	(void)state;
	write_file(path, sizeof(path), "secret\n", 0644);
	assert_null(cred_read_password(path, "/nonexistent-tty", "p: ", &src,
	                               err, sizeof(err)));
	assert_non_null(strstr(err, "chmod 600"));
	assert_non_null(strstr(err, "644"));
	unlink(path);
	write_file(path, sizeof(path), "secret\n", 0620);
	assert_null(cred_read_password(path, "/nonexistent-tty", "p: ", &src,
	                               err, sizeof(err)));
	unlink(path);

	memset(big, 'p', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	write_file(path, sizeof(path), big, 0600);
	assert_null(cred_read_password(path, "/nonexistent-tty", "p: ", &src,
	                               err, sizeof(err)));
	assert_non_null(strstr(err, "longer than"));
	unlink(path);

	assert_null(cred_read_password("/nonexistent/pw", "/nonexistent-tty",
	                               "p: ", &src, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot open"));
	assert_null(cred_read_password("/tmp", "/nonexistent-tty", "p: ", &src,
	                               err, sizeof(err)));
	assert_non_null(strstr(err, "directory"));
}

static void
test_env_wiped(void **state)
{
	char err[256], *pw, *v;
	enum cred_source src;

	(void)state;
	assert_int_equal(setenv(RDD_PASSWORD_ENV, "Hunter2!", 1), 0);
	v = getenv(RDD_PASSWORD_ENV);
	assert_non_null(v);
	pw = cred_read_password(NULL, "/nonexistent-tty", "p: ", &src, err,
	                        sizeof(err));
	assert_non_null(pw);
	assert_int_equal(src, CRED_FROM_ENV);
	assert_string_equal(pw, "Hunter2!");
	/* Gone from the environment, and its bytes overwritten. */
	assert_null(getenv(RDD_PASSWORD_ENV));
	cred_free_password(pw);
}

/* The file wins over the environment. */
static void
test_order(void **state)
{
	char path[64], err[256], *pw;
	enum cred_source src;

	(void)state;
	assert_int_equal(setenv(RDD_PASSWORD_ENV, "from-env", 1), 0);
	write_file(path, sizeof(path), "from-file\n", 0600);
	pw = cred_read_password(path, "/nonexistent-tty", "p: ", &src, err,
	                        sizeof(err));
	assert_non_null(pw);
	assert_string_equal(pw, "from-file");
	cred_free_password(pw);
	unlink(path);
	unsetenv(RDD_PASSWORD_ENV);
}

static void
test_no_terminal(void **state)
{
	char err[256];
	enum cred_source src;

	(void)state;
	unsetenv(RDD_PASSWORD_ENV);
	assert_null(cred_read_password(NULL, "/nonexistent-tty", "p: ", &src,
	                               err, sizeof(err)));
	assert_int_equal(src, CRED_FROM_TTY);
	assert_non_null(strstr(err, "--password-file"));
	assert_non_null(strstr(err, RDD_PASSWORD_ENV));
	/* A file that is not a terminal is no terminal either. */
	assert_null(cred_read_password(NULL, "/dev/null", "p: ", &src, err,
	                               sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_user_forms),
	    cmocka_unit_test(test_user_refused),
	    cmocka_unit_test(test_file_first_line),
	    cmocka_unit_test(test_file_refused),
	    cmocka_unit_test(test_env_wiped),
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_no_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
