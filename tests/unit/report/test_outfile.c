/*
 * test_outfile.c - rdd_report_write_file (outfile.c): the file appears
 * whole with mode 0644; a writer that fails leaves the old file as it was
 * and no temporary file behind; a directory that does not exist is an
 * error with errno set; a target that is not a regular file (a FIFO) is
 * written in place and stays what it was.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "rdpdoctor/report.h"

static int
write_text(FILE *out, void *ctx)
{
	return fputs(ctx, out) == EOF ? -1 : 0;
}

/* Writes half, then fails. */
static int
write_half(FILE *out, void *ctx)
{
	fputs("half", out);
	(void)ctx;
	return -1;
}

static char *
slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_atomic(void **state)
{
	char dir[] = "/tmp/rdd-test-outfile.XXXXXX", path[128];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/metrics.prom", dir);
	assert_int_equal(rdd_report_write_file(path, write_text, "one\n"), 0);
	assert_string_equal(slurp(path), "one\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(entries(dir), 1);
	/* Replaced whole. */
	assert_int_equal(rdd_report_write_file(path, write_text, "two\n"), 0);
	assert_string_equal(slurp(path), "two\n");
	/* A failing writer: the old file stays, no temporary file. */
	assert_int_equal(rdd_report_write_file(path, write_half, NULL), -1);
	assert_string_equal(slurp(path), "two\n");
	assert_int_equal(entries(dir), 1);
	/* No such directory. */
	snprintf(path, sizeof(path), "%s/none/x", dir);
	errno = 0;
	assert_int_equal(rdd_report_write_file(path, write_text, "x"), -1);
	assert_int_equal(errno, ENOENT);
	snprintf(path, sizeof(path), "%s/metrics.prom", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/* A FIFO stays a FIFO, and what is written comes out of it: a child
 * reads it (at most 10 s) and exits 0 when it read the text. */
static void
test_fifo(void **state)
{
	char dir[] = "/tmp/rdd-outfile-fifo.XXXXXX", path[64];
	struct stat st;
	pid_t pid;
	int status;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pipe", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char buf[64];
		size_t n = 0;
		ssize_t k;
		FILE *f;

		alarm(10);
		f = fopen(path, "r");
		if (f == NULL)
			_exit(2);
		while ((k = (ssize_t)fread(buf + n, 1, sizeof(buf) - 1 - n,
		                           f)) > 0)
			n += (size_t)k;
		buf[n] = '\0';
		_exit(strcmp(buf, "through the pipe\n") == 0 ? 0 : 1);
	}
	assert_int_equal(
	    rdd_report_write_file(path, write_text, "through the pipe\n"), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(entries(dir), 1);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_atomic),
	    cmocka_unit_test(test_fifo),
	};

	return cmocka_run_group_tests_name("outfile", tests, NULL, NULL);
}
