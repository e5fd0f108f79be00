/*
 * credentials.c - the user name and the password for `check --user`
 * (credentials.h).
 *
 * The password is read with read(2) straight into one buffer locked in
 * memory (no stdio buffer keeps a copy), and the buffer is wiped when
 * freed. The process also stops being dumpable once a password is held:
 * no core file and no /proc/PID/mem for other processes of the same user.
 * The Windows build (rdpdoctor.exe) has none of mlock, prctl, termios or
 * file modes: it reads the file (whose ACL is Windows' business), the
 * environment, or the console with echo off (_getch).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _WIN32
#include <conio.h>
#include <io.h>
#define O_CLOEXEC O_BINARY
#else
#include <sys/mman.h>
#include <sys/prctl.h>
#include <termios.h>
#endif

#include <openssl/crypto.h>

#include "credentials.h"

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

int
cred_parse_user(const char *arg, struct rdd_credentials *c, char *err,
                size_t errcap)
{
	const char *bs;
	size_t dlen;

	memset(c->user, 0, sizeof(c->user));
	memset(c->domain, 0, sizeof(c->domain));
	if (arg == NULL || *arg == '\0') {
		snprintf(err, errcap, "the user name is empty");
		return -1;
	}
	if (has_control(arg)) {
		snprintf(err, errcap, "the user name has control characters");
		return -1;
	}
	bs = strchr(arg, '\\');
	if (bs == NULL) {
		/* "user" or the UPN "user@domain": Windows clients send a UPN
		 * whole, with an empty domain, and so does FreeRDP. */
		if (arg[0] == '@' || arg[strlen(arg) - 1] == '@') {
			snprintf(err, errcap,
			         "'%s' is not user@domain: a part is empty",
			         arg);
			return -1;
		}
		if (strlen(arg) >= sizeof(c->user)) {
			snprintf(err, errcap, "the user name is too long");
			return -1;
		}
		memcpy(c->user, arg, strlen(arg));
		return 0;
	}
	dlen = (size_t)(bs - arg);
	if (dlen == 0 || bs[1] == '\0' || strchr(bs + 1, '\\') != NULL) {
		snprintf(err, errcap,
		         "the user name must be DOMAIN\\user, user@domain or "
		         "user");
		return -1;
	}
	if (dlen >= sizeof(c->domain) || strlen(bs + 1) >= sizeof(c->user)) {
		snprintf(err, errcap, "the user or domain name is too long");
		return -1;
	}
	memcpy(c->domain, arg, dlen);
	memcpy(c->user, bs + 1, strlen(bs + 1));
	return 0;
}

static char *
secret_alloc(void)
{
	char *p = calloc(1, RDD_PASSWORD_MAX + 1);

	if (p == NULL)
		return NULL;
#ifndef _WIN32
	/* Best effort: an unprivileged process may be over its limit. */
	(void)mlock(p, RDD_PASSWORD_MAX + 1);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	return p;
}

void
cred_free_password(char *pw)
{
	if (pw == NULL)
		return;
	OPENSSL_cleanse(pw, RDD_PASSWORD_MAX + 1);
#ifndef _WIN32
	(void)munlock(pw, RDD_PASSWORD_MAX + 1);
#endif
	free(pw);
}

/*
 * Read one line from FD into PW, byte by byte (no buffer keeps what
 * follows, nor a copy). Returns 0 (the line without its "\n" or "\r\n"),
 * 1 when it is longer than RDD_PASSWORD_MAX, -1 on a read error.
 */
static int
read_line(int fd, char *pw)
{
	size_t n = 0;
	char ch;
	ssize_t r;

	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0 || ch == '\n')
			break;
		if (n == RDD_PASSWORD_MAX) {
			ch = 0;
			return 1;
		}
		pw[n++] = ch;
	}
	if (n > 0 && pw[n - 1] == '\r')
		n--;
	pw[n] = '\0';
	ch = 0;
	return 0;
}

static int
from_file(const char *file, char *pw, char *err, size_t errcap)
{
	struct stat st;
	int fd, rc;

	if (strcmp(file, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errcap, "cannot open the password file '%s': %s",
		         file, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errcap, "cannot read the password file '%s': %s",
		         file, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errcap, "the password file '%s' is a directory",
		         file);
		goto fail;
	}
	/* A pipe or a terminal is private to who holds it; a file is not.
	 * (Windows' st_mode has no group or others: its ACL decides.) */
#ifndef _WIN32
	if (S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
		snprintf(err, errcap,
		         "the password file '%s' can be read or written by "
		         "others (mode %03o): run `chmod 600 %s`",
		         file, (unsigned)(st.st_mode & 0777), file);
		goto fail;
	}
#endif
	rc = read_line(fd, pw);
	if (rc != 0) {
		if (rc > 0)
			snprintf(err, errcap,
			         "the password in '%s' is longer than %d bytes",
			         file, RDD_PASSWORD_MAX);
		else
			snprintf(err, errcap,
			         "cannot read the password file '%s': %s", file,
			         strerror(errno));
		goto fail;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return 0;
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	return -1;
}

static int
from_env(const char *env, char *pw, bool *found, char *err, size_t errcap)
{
	char *v = getenv(env);
	size_t n;

	*found = v != NULL;
	if (v == NULL)
		return 0;
	n = strlen(v);
	if (n > RDD_PASSWORD_MAX) {
		snprintf(err, errcap, "%s is longer than %d bytes", env,
		         RDD_PASSWORD_MAX);
		OPENSSL_cleanse(v, n);
		return -1;
	}
	memcpy(pw, v, n);
	pw[n] = '\0';
	/* The value is in the process's initial environment block, which
	 * /proc/PID/environ shows: overwrite it there, then drop the
	 * variable. */
	OPENSSL_cleanse(v, n);
#ifdef _WIN32
	{
		char unset[64];
		snprintf(unset, sizeof(unset), "%s=", env);
		(void)_putenv(unset);
	}
#else
	unsetenv(env);
#endif
	return 0;
}

#ifdef _WIN32
/* The console, echo off: _getch reads a key without showing it. */
static int
from_tty(const char *tty, const char *env, const char *file_opt,
         const char *prompt, char *pw, char *err, size_t errcap)
{
	size_t n = 0;
	int ch;

	(void)tty;
	if (!_isatty(_fileno(stdin))) {
		snprintf(err, errcap,
		         "no password: give %s FILE, set %s, or run rdpdoctor "
		         "from a console to be asked",
		         file_opt, env);
		return -1;
	}
	fputs(prompt, stderr);
	fflush(stderr);
	for (;;) {
		ch = _getch();
		if (ch == '\r' || ch == '\n' || ch == EOF)
			break;
		if (ch == 3) { /* Ctrl-C */
			OPENSSL_cleanse(pw, n);
			fputs("\n", stderr);
			snprintf(err, errcap, "no password: interrupted");
			return -1;
		}
		if (n == RDD_PASSWORD_MAX) {
			OPENSSL_cleanse(pw, n);
			fputs("\n", stderr);
			snprintf(err, errcap,
			         "the password is longer than %d bytes",
			         RDD_PASSWORD_MAX);
			return -1;
		}
		pw[n++] = (char)ch;
	}
	pw[n] = '\0';
	fputs("\n", stderr);
	return 0;
}
#else
/* The terminal's settings while echo is off, for the signal handler. The
 * one piece of state in this file: a handler has nowhere else to look. */
static struct termios saved_tio;
static volatile sig_atomic_t tty_fd = -1;

static void
restore_and_reraise(int sig)
{
	if (tty_fd >= 0)
		(void)tcsetattr(tty_fd, TCSAFLUSH, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
from_tty(const char *tty, const char *env, const char *file_opt,
         const char *prompt, char *pw, char *err, size_t errcap)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
	struct sigaction sa, old[sizeof(sigs) / sizeof(sigs[0])];
	struct termios tio;
	size_t i;
	int fd, rc;

	fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || !isatty(fd)) {
		if (fd >= 0)
			close(fd);
		snprintf(err, errcap,
		         "no password: give %s FILE, set %s, or run "
		         "rdpdoctor from a terminal to be asked",
		         file_opt, env);
		return -1;
	}
	if (tcgetattr(fd, &tio) != 0) {
		close(fd);
		snprintf(err, errcap, "cannot switch off the terminal's echo");
		return -1;
	}
	saved_tio = tio;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_and_reraise;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &old[i]);
	tty_fd = fd;
	tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tio.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &tio) != 0) {
		rc = -1;
	} else {
		(void)!write(fd, prompt, strlen(prompt));
		rc = read_line(fd, pw);
		(void)tcsetattr(fd, TCSAFLUSH, &saved_tio);
		(void)!write(fd, "\n", 1);
	}
	tty_fd = -1;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &old[i], NULL);
	close(fd);
	if (rc != 0) {
		if (rc > 0)
			snprintf(err, errcap,
			         "the password is longer than %d bytes",
			         RDD_PASSWORD_MAX);
		else
			snprintf(err, errcap,
			         "cannot read the password from the terminal");
		return -1;
	}
	return 0;
}
#endif

char *
cred_read_password(const char *file, const char *tty, const char *prompt,
                   enum cred_source *source, char *err, size_t errcap)
{
	return cred_read_password_from(file, RDD_PASSWORD_ENV,
	                               "--password-file", tty, prompt, source,
	                               err, errcap);
}

char *
cred_read_password_from(const char *file, const char *env, const char *file_opt,
                        const char *tty, const char *prompt,
                        enum cred_source *source, char *err, size_t errcap)
{
	char *pw = secret_alloc();
	bool found = false;

	if (pw == NULL) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	if (file != NULL) {
		*source = CRED_FROM_FILE;
		if (from_file(file, pw, err, errcap) == 0)
			return pw;
	} else if (from_env(env, pw, &found, err, errcap) != 0) {
		*source = CRED_FROM_ENV;
	} else if (found) {
		*source = CRED_FROM_ENV;
		return pw;
	} else {
		*source = CRED_FROM_TTY;
		if (from_tty(tty, env, file_opt, prompt, pw, err, errcap) == 0)
			return pw;
	}
	cred_free_password(pw);
	return NULL;
}
